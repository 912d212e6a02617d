/* results/frame_skip.c: the skip list of functions that are never the guilty
 * frame (results/frame-skip.conf, embedded in the binary at build time with
 * .incbin so every copy of topofarm carries the list it was built with, and
 * the tests read the very same file). Parses the file's [FAMILY class]
 * groups and NAME / PREFIX* / *TEXT* patterns with FILE:LINE errors, and
 * answers which classes a function name falls in. A hand-written parser: the
 * format is a few lines of ini-like text, no library is worth it. */
#include "results/triage_internal.h"
#include "common/fsutil.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FRAME_SKIP_CONF_PATH
#define FRAME_SKIP_CONF_PATH "results/frame-skip.conf"
#endif

/* The file's bytes, NUL-terminated, in .rodata. */
__asm__(".pushsection .rodata\n"
	".globl frame_skip_conf_text\n"
	".type frame_skip_conf_text, @object\n"
	"frame_skip_conf_text:\n"
	".incbin \"" FRAME_SKIP_CONF_PATH "\"\n"
	".byte 0\n"
	".size frame_skip_conf_text, . - frame_skip_conf_text\n"
	".popsection\n");
extern const char frame_skip_conf_text[];

struct skip_pattern {
	char *text;
	size_t len;
	enum { PAT_EXACT, PAT_PREFIX, PAT_SUBSTR } kind;
	unsigned cls;
	int group;              /* index into groups */
};

struct skip_list {
	struct skip_pattern *p;
	int n;
	char **groups;
	int n_groups;
	/* Exact and prefix patterns by first byte, then *TEXT* ones: a frame
	 * is compared with a handful of patterns, not all of them. */
	int *by_first[256];
	int n_first[256];
	int *substr;
	int n_substr;
};

const char *frame_skip_conf(void)
{
	return frame_skip_conf_text;
}

void skip_list_free(struct skip_list *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		free(s->p[i].text);
	for (int i = 0; i < s->n_groups; i++)
		free(s->groups[i]);
	for (int i = 0; i < 256; i++)
		free(s->by_first[i]);
	free(s->substr);
	free(s->p);
	free(s->groups);
	free(s);
}

static bool pattern_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* "[FAMILY]" / "[FAMILY caller|entry|dispatch]" */
static int parse_group(struct skip_list *s, const char *b, const char *e, unsigned *cls, char **what)
{
	if (e[-1] != ']') {
		*what = xstrdup("expected \"[FAMILY]\" or \"[FAMILY caller|entry|dispatch]\"");
		return -1;
	}
	b++, e--;
	const char *sp = memchr(b, ' ', (size_t)(e - b));
	const char *ne = sp ? sp : e;
	if (ne == b) {
		*what = xstrdup("empty family name in [...]");
		return -1;
	}
	*cls = SKIP_ALWAYS;
	if (sp) {
		const char *c = sp + 1;
		size_t cl = (size_t)(e - c);
		if (cl == 6 && !memcmp(c, "caller", 6))
			*cls = SKIP_CALLER;
		else if (cl == 5 && !memcmp(c, "entry", 5))
			*cls = SKIP_ENTRY;
		else if (cl == 8 && !memcmp(c, "dispatch", 8))
			*cls = SKIP_DISPATCH;
		else {
			*what = xasprintf("unknown class \"%.*s\" (expected caller, entry or dispatch)", (int)cl, c);
			return -1;
		}
	}
	s->groups = xrealloc(s->groups, (size_t)(s->n_groups + 1) * sizeof *s->groups);
	s->groups[s->n_groups++] = xstrndup(b, (size_t)(ne - b));
	return 0;
}

static int parse_pattern(struct skip_list *s, const char *b, const char *e, unsigned cls, char **what)
{
	struct skip_pattern p = { 0 };
	p.cls = cls;
	p.group = s->n_groups - 1;
	if (p.group < 0) {
		*what = xstrdup("pattern before the first [FAMILY] line");
		return -1;
	}
	if (*b == '*') {
		if (e - b < 3 || e[-1] != '*') {
			*what = xstrdup("a pattern starting with '*' must be *TEXT*");
			return -1;
		}
		p.kind = PAT_SUBSTR;
		b++, e--;
	} else if (e[-1] == '*') {
		p.kind = PAT_PREFIX;
		e--;
	}
	for (const char *c = b; c < e; c++) {
		if (!pattern_char(*c)) {
			*what = xasprintf("unexpected '%c' in pattern (expected NAME, PREFIX* or *TEXT*)", *c);
			return -1;
		}
	}
	if (e == b) {
		*what = xstrdup("empty pattern");
		return -1;
	}
	p.text = xstrndup(b, (size_t)(e - b));
	p.len = (size_t)(e - b);
	s->p = xrealloc(s->p, (size_t)(s->n + 1) * sizeof *s->p);
	s->p[s->n++] = p;
	return 0;
}

int skip_list_parse(const char *text, size_t len, const char *name, struct skip_list **out, char **err)
{
	struct skip_list *s = xcalloc(1, sizeof *s);
	unsigned cls = SKIP_ALWAYS;
	int lineno = 0;
	char *what = NULL;
	*out = NULL;
	for (size_t pos = 0; pos < len && !what;) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + 1;
		lineno++;
		const char *hash = memchr(l, '#', n);
		const char *b = l, *e = hash ? hash : l + n;
		while (b < e && (*b == ' ' || *b == '\t' || *b == '\r'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (b == e)
			continue;
		if (*b == '[')
			parse_group(s, b, e, &cls, &what);
		else
			parse_pattern(s, b, e, cls, &what);
	}
	if (!what && s->n == 0)
		what = xstrdup("no patterns");
	if (what) {
		*err = xasprintf("%s:%d: %s", name, lineno, what);
		free(what);
		skip_list_free(s);
		return -1;
	}
	for (int i = 0; i < s->n; i++) {
		int **v = &s->substr, *n = &s->n_substr;
		if (s->p[i].kind != PAT_SUBSTR) {
			unsigned char c = (unsigned char)s->p[i].text[0];
			v = &s->by_first[c];
			n = &s->n_first[c];
		}
		*v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
		(*v)[(*n)++] = i;
	}
	*out = s;
	return 0;
}

static struct skip_list *builtin;

static void load_builtin(void)
{
	char *err = NULL;
	if (skip_list_parse(frame_skip_conf_text, strlen(frame_skip_conf_text), FRAME_SKIP_CONF_PATH,
			    &builtin, &err) != 0) {
		/* The embedded file is checked by the unit tests; a broken one
		 * is a build defect, not an input error. */
		fprintf(stderr, "topofarm: built-in %s\n", err);
		abort();
	}
}

const struct skip_list *skip_list_builtin(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_builtin);
	return builtin;
}

static bool pattern_matches(const struct skip_pattern *p, const char *name, size_t len)
{
	switch (p->kind) {
	case PAT_EXACT:
		return p->len == len && !memcmp(p->text, name, len);
	case PAT_PREFIX:
		return p->len <= len && !memcmp(p->text, name, p->len);
	default:
		return p->len <= len && memmem(name, len, p->text, p->len) != NULL;
	}
}

unsigned skip_list_classes(const struct skip_list *s, const char *name, size_t len, const char **group)
{
	unsigned cls = 0;
	if (group)
		*group = NULL;
	if (!len)
		return 0;
	unsigned char c = (unsigned char)name[0];
	for (int pass = 0; pass < 2; pass++) {
		const int *v = pass ? s->substr : s->by_first[c];
		int n = pass ? s->n_substr : s->n_first[c];
		for (int i = 0; i < n; i++) {
			const struct skip_pattern *p = &s->p[v[i]];
			if (pattern_matches(p, name, len)) {
				if (group && !*group)
					*group = s->groups[p->group];
				cls |= p->cls;
			}
		}
	}
	return cls;
}

int skip_list_count(const struct skip_list *s)
{
	return s ? s->n : 0;
}

int skip_list_group_count(const struct skip_list *s)
{
	return s ? s->n_groups : 0;
}
