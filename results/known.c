/* results/known.c: the known-benign and known-bug list (format documented at
 * the top of results/known.conf): parsing with file:line errors, the built-in
 * defaults, and matching report titles against it. */
#include "results/triage_internal.h"
#include "common/fsutil.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Keep in step with results/known.conf (a unit test compares them). */
static const char builtin_text[] =
	"benign WARNING in topology_sane\n"
	"benign WARNING: workqueue cpumask: online intersect > possible intersect*\n"
	"bug BUG: kernel NULL pointer dereference in deactivate_slab id=seed-000"
	" fix=\"x86/mm: Drop 4MB restriction on minimal NUMA node memory size\"\n"
	"bug BUG: unable to handle page fault in __alloc_pages_nodemask id=seed-001"
	" fix=\"mm, memory_hotplug: do not clear numa_node association after hot_remove\"\n"
	"bug kernel BUG in is_mem_section_removable id=seed-003"
	" fix=\"drivers/base/memory.c: indicate all memory blocks as removable\"\n"
	"bug BUG: unable to handle page fault in stable_page_flags id=seed-004"
	" fix=\"x86/e820: put !E820_TYPE_RAM regions into memblock.reserved\"\n"
	"bug kernel BUG in reserve_bootmem_region id=seed-004"
	" fix=\"x86/e820: put !E820_TYPE_RAM regions into memblock.reserved\"\n";

static void entry_free(struct known_entry *e)
{
	free(e->title);
	free(e->id);
	free(e->fix);
	free(e->link);
}

void known_list_free(struct known_list *k)
{
	if (!k)
		return;
	for (int i = 0; i < k->n; i++)
		entry_free(&k->e[i]);
	free(k->e);
	free(k);
}

int known_list_count(const struct known_list *k)
{
	return k ? k->n : 0;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Strips a comment: '#' at the start or after whitespace, outside quotes. */
static size_t strip_comment(const char *s, size_t n)
{
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == '#' && !quoted && (i == 0 || is_space(s[i - 1])))
			return i;
	}
	return n;
}

/* Finds " key=" options after the title; returns where the title ends. */
static const char *find_options(const char *s, const char *end)
{
	static const char *const keys[] = { " id=", " fix=", " link=" };
	const char *first = end;
	for (size_t k = 0; k < 3; k++) {
		const char *p = memmem(s, (size_t)(end - s), keys[k], strlen(keys[k]));
		if (p && p < first)
			first = p;
	}
	return first;
}

static char *trimmed(const char *s, const char *end)
{
	while (s < end && is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	return xstrndup(s, (size_t)(end - s));
}

/* Parses "key=value key=\"quoted value\" ..." into e. */
static int parse_options(const char *p, const char *end, struct known_entry *e, char **what)
{
	while (p < end) {
		while (p < end && is_space(*p))
			p++;
		if (p >= end)
			break;
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (!eq) {
			*what = xasprintf("expected key=value after the title, got \"%.*s\"", (int)(end - p), p);
			return -1;
		}
		size_t kl = (size_t)(eq - p);
		char **slot = kl == 2 && !memcmp(p, "id", 2) ? &e->id :
			      kl == 3 && !memcmp(p, "fix", 3) ? &e->fix :
			      kl == 4 && !memcmp(p, "link", 4) ? &e->link : NULL;
		if (!slot) {
			*what = xasprintf("unknown key \"%.*s\" (expected id=, fix= or link=)", (int)kl, p);
			return -1;
		}
		const char *v = eq + 1, *ve;
		if (v < end && *v == '"') {
			v++;
			ve = memchr(v, '"', (size_t)(end - v));
			if (!ve) {
				*what = xasprintf("unterminated quote in %.*s=", (int)kl, p);
				return -1;
			}
			p = ve + 1;
		} else {
			ve = v;
			while (ve < end && !is_space(*ve))
				ve++;
			p = ve;
		}
		if (ve == v) {
			*what = xasprintf("empty value for %.*s=", (int)kl, eq - kl);
			return -1;
		}
		if (*slot) {
			*what = xasprintf("%.*s= given twice", (int)kl, eq - kl);
			return -1;
		}
		*slot = xstrndup(v, (size_t)(ve - v));
	}
	return 0;
}

static int parse_line(const char *s, size_t n, struct known_entry *e, char **what)
{
	n = strip_comment(s, n);
	const char *end = s + n, *p = s;
	while (p < end && is_space(*p))
		p++;
	const char *kw = p;
	while (p < end && !is_space(*p))
		p++;
	size_t kl = (size_t)(p - kw);
	if (kl == 6 && !memcmp(kw, "benign", 6))
		e->benign = true;
	else if (kl == 3 && !memcmp(kw, "bug", 3))
		e->benign = false;
	else {
		*what = xasprintf("expected \"benign TITLE\" or \"bug TITLE [id=..] [fix=..] [link=..]\", got \"%.*s\"",
				  (int)kl, kw);
		return -1;
	}
	const char *opt = find_options(p, end);
	e->title = trimmed(p, opt);
	if (!*e->title) {
		*what = xasprintf("missing title after \"%.*s\"", (int)kl, kw);
		return -1;
	}
	size_t tl = strlen(e->title);
	if (e->title[tl - 1] == '*') {
		e->prefix = true;
		e->title[tl - 1] = 0;
	}
	if (parse_options(opt, end, e, what))
		return -1;
	if (e->benign && (e->id || e->fix || e->link)) {
		*what = xstrdup("benign entries take no id=/fix=/link= (those are for `bug` lines)");
		return -1;
	}
	if (!e->benign && !e->id)
		e->id = xstrdup(e->title);
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '#')
			return true;
		if (!is_space(s[i]) && s[i] != '\r')
			return false;
	}
	return true;
}

int known_list_parse(const char *text, size_t len, const char *name,
		     struct known_list **out, char **err)
{
	struct known_list *k = xcalloc(1, sizeof *k);
	int cap = 0, lineno = 0;
	const char *p = text, *end = text + len;
	*out = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		if (memchr(p, 0, n)) {
			if (err)
				*err = xasprintf("%s:%d: NUL byte in line", name, lineno);
			known_list_free(k);
			return -1;
		}
		if (!blank(p, n)) {
			if (k->n == cap) {
				cap = cap ? cap * 2 : 16;
				k->e = xrealloc(k->e, (size_t)cap * sizeof *k->e);
			}
			struct known_entry *e = &k->e[k->n];
			memset(e, 0, sizeof *e);
			e->line = lineno;
			char *what = NULL;
			if (parse_line(p, n, e, &what)) {
				if (err)
					*err = xasprintf("%s:%d: %s", name, lineno, what);
				free(what);
				entry_free(e);
				known_list_free(k);
				return -1;
			}
			k->n++;
		}
		p = nl ? nl + 1 : end;
	}
	*out = k;
	return 0;
}

int known_list_load(const char *path, struct known_list **out, char **err)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		if (err)
			*err = xasprintf("%s: cannot read: %s", path, strerror(errno));
		*out = NULL;
		return -1;
	}
	int r = known_list_parse(text, len, path, out, err);
	free(text);
	return r;
}

static struct known_list *builtin;

static void parse_builtin(void)
{
	/* The text is a constant that a unit test keeps valid. */
	if (known_list_parse(builtin_text, sizeof builtin_text - 1, "(built-in)", &builtin, NULL))
		abort();
}

const struct known_list *known_list_builtin(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, parse_builtin);
	return builtin;
}

const struct known_entry *known_list_match(const struct known_list *k, const char *title)
{
	if (!k || !title)
		return NULL;
	for (int i = 0; i < k->n; i++) {
		const struct known_entry *e = &k->e[i];
		if (e->prefix ? !strncmp(title, e->title, strlen(e->title)) : !strcmp(title, e->title))
			return e;
	}
	return NULL;
}
