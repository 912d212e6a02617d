/* runner/kernel_catalogue.c: parses the kernel catalogue (runner/kernels.conf
 * or a user's file) into kernel entries and the default pair. Every error
 * names FILE:LINE and what was expected; nothing here touches the cache. */
#include "runner/kernels.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INCLUDE_DEPTH 8

struct kernel_state {
	int keys_done;              /* 0 not yet, 1 ok, -1 failed */
	char tree_key[17], key[17];
	char *key_err;
};

/* The parse in progress: the catalogue being filled plus what is needed to
 * report errors and resolve the default line once every include is read. */
struct parser {
	struct kernel_catalogue *cat;
	size_t cap;
	char *err;
	char *default_text, *default_file;
	int default_line, default_depth;
	int depth;
};

/* One physical line split into words; quotes group, '#' outside quotes ends. */
struct words {
	char **w;
	size_t n, cap;
};

static void words_free(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
	ws->w = NULL;
	ws->n = ws->cap = 0;
}

static void words_push(struct words *ws, struct buf *b)
{
	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? ws->cap * 2 : 8;
		ws->w = xrealloc(ws->w, ws->cap * sizeof *ws->w);
	}
	ws->w[ws->n++] = buf_steal(b);
}

static int fail(struct parser *p, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	if (line > 0)
		buf_printf(&b, "%s:%d: ", file, line);
	else
		buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(p->err);
	p->err = buf_steal(&b);
	return -1;
}

/* Splits [s, end) into words. A quoted part ("...", with \" and \\) may hold
 * spaces and '#'; the quotes themselves are dropped. */
static int split_words(struct parser *p, const char *file, int line,
		       const char *s, const char *end, struct words *out)
{
	struct buf b = BUF_INIT;
	bool in_word = false;
	while (s < end) {
		char c = *s;
		if (c == '#')
			break;
		if (c == ' ' || c == '\t' || c == '\r') {
			if (in_word)
				words_push(out, &b);
			in_word = false;
			s++;
			continue;
		}
		in_word = true;
		if (c != '"') {
			buf_putc(&b, c);
			s++;
			continue;
		}
		for (s++;; s++) {
			if (s >= end) {
				buf_free(&b);
				return fail(p, file, line, "unterminated quote");
			}
			if (*s == '"')
				break;
			if (*s == '\\' && s + 1 < end && (s[1] == '"' || s[1] == '\\'))
				s++;
			buf_putc(&b, *s);
		}
		s++;
		if (!b.s)
			buf_puts(&b, "");   /* "" is an empty word, not no word */
	}
	if (in_word)
		words_push(out, &b);
	buf_free(&b);
	return 0;
}

static bool valid_kernel_name(const char *s)
{
	if (!isalnum((unsigned char)s[0]) || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._+-", *s))
			return false;
	return true;
}

/* Debian policy 5.6.1: lower-case letters, digits, + - . ; at least two
 * characters, starting alphanumeric (so it can never look like an option). */
static bool valid_package_name(const char *s)
{
	if (strlen(s) < 2 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr("+-.", *s))
			return false;
	return true;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* config= and patch= files: absolute as written, else next to the catalogue,
 * in its SUBDIR/, or in the shipped runner/SUBDIR/. */
static char *resolve_file(const char *catalogue_file, const char *subdir, const char *name)
{
	if (name[0] == '/')
		return access(name, R_OK) == 0 && !is_dir(name) ? xstrdup(name) : NULL;
	char *dir = dir_of(catalogue_file);
	char *cands[3];
	cands[0] = path_join(dir, name);
	cands[1] = xasprintf("%s/%s/%s", dir, subdir, name);
	cands[2] = xasprintf("%s/runner/%s/%s", repo_home(), subdir, name);
	free(dir);
	/* Absolute, because patch and make run inside the build tree. */
	char *found = NULL;
	for (int i = 0; i < 3; i++) {
		if (!found && access(cands[i], R_OK) == 0 && !is_dir(cands[i]))
			found = realpath(cands[i], NULL);
		free(cands[i]);
	}
	return found;
}

static struct kernel_entry *new_entry(struct parser *p)
{
	struct kernel_catalogue *cat = p->cat;
	if (cat->n_entries == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		cat->entries = xrealloc(cat->entries, p->cap * sizeof *cat->entries);
	}
	struct kernel_entry *k = &cat->entries[cat->n_entries++];
	memset(k, 0, sizeof *k);
	k->state = xcalloc(1, sizeof *k->state);
	return k;
}

static const struct kernel_entry *find_in(const struct kernel_catalogue *cat, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cat->entries[i].name, name))
			return &cat->entries[i];
	return NULL;
}

/* One KEY=VALUE of a kernel stanza. */
static int add_attr(struct parser *p, struct kernel_entry *k, const char *file, int line, const char *word)
{
	const char *eq = strchr(word, '=');
	if (!eq || eq == word)
		return fail(p, file, line, "expected KEY=VALUE, got '%s'", word);
	char *key = xstrndup(word, (size_t)(eq - word));
	const char *val = eq + 1;
	char **slot = NULL;
	int rc = 0;
	if (!strcmp(key, "deb"))
		slot = &k->deb;
	else if (!strcmp(key, "image"))
		slot = &k->image;
	else if (!strcmp(key, "vmlinux"))
		slot = &k->vmlinux;
	else if (!strcmp(key, "source"))
		slot = &k->source;
	else if (!strcmp(key, "tree"))
		slot = &k->tree;
	else if (!strcmp(key, "config"))
		slot = &k->config;
	else if (!strcmp(key, "note"))
		slot = &k->note;
	else if (!strcmp(key, "base"))
		slot = &k->base;
	else if (!strcmp(key, "cmdline"))
		slot = &k->cmdline;
	else if (!strcmp(key, "base-config"))
		slot = &k->base_config;
	else if (!strcmp(key, "coverage"))
		slot = &k->coverage;
	else if (!strcmp(key, "slow")) {
		char *end = NULL;
		long n = strtol(val, &end, 10);
		if (!*val || *end || n < 2 || n > 20) {
			rc = fail(p, file, line, "slow=%s: expected a whole factor from 2 to 20 (how many times the default "
				  "silence and timeout a boot of this kernel may take)", val);
			goto out;
		}
		k->slow = (int)n;
		goto out;
	} else if (strcmp(key, "patch") != 0) {
		rc = fail(p, file, line, "unknown key '%s' (expected deb, source, tree, image, vmlinux, config, base-config, "
			  "patch, base, cmdline, coverage, slow or note)", key);
		goto out;
	}
	if (!*val && strcmp(key, "note") != 0) {
		rc = fail(p, file, line, "'%s=' needs a value", key);
		goto out;
	}
	if (slot == &k->coverage && strcmp(val, "gcov") != 0) {
		rc = fail(p, file, line, "coverage=%s: the only kind of coverage is 'gcov'", val);
		goto out;
	}
	if ((slot == &k->deb || slot == &k->source) && !valid_package_name(val)) {
		rc = fail(p, file, line, "'%s' is not a Debian package name "
			  "(expected lower-case letters, digits, '+', '-' and '.')", val);
		goto out;
	}
	if (slot == &k->base_config && strcmp(val, "defconfig") != 0 && strcmp(val, "tinyconfig") != 0) {
		rc = fail(p, file, line, "base-config=%s: expected defconfig or tinyconfig", val);
		goto out;
	}
	if (slot == &k->source && strncmp(val, "linux-source-", 13) != 0) {
		rc = fail(p, file, line, "source package '%s' is not a linux-source-VERSION package", val);
		goto out;
	}
	if (!slot) {
		char *path = resolve_file(file, "patches", val);
		if (!path) {
			rc = fail(p, file, line, "patch file '%s' not found next to the catalogue, "
				  "in its patches/ or in runner/patches/", val);
			goto out;
		}
		k->patches = xrealloc(k->patches, (k->n_patches + 1) * sizeof *k->patches);
		k->patch_paths = xrealloc(k->patch_paths, (k->n_patches + 1) * sizeof *k->patch_paths);
		k->patches[k->n_patches] = xstrdup(val);
		k->patch_paths[k->n_patches++] = path;
		goto out;
	}
	if (*slot) {
		rc = fail(p, file, line, "'%s=' given twice for kernel '%s'", key, k->name);
		goto out;
	}
	if (slot == &k->image || slot == &k->vmlinux || slot == &k->tree) {
		/* Relative to the catalogue; the file may appear later (a build
		 * that is still running): kernels fetch says when it is missing. */
		char *dir = dir_of(file);
		*slot = val[0] == '/' ? xstrdup(val) : path_join(dir, val);
		free(dir);
		goto out;
	}
	if (slot == &k->config) {
		/* config=A,B: fragments applied in order (later lines win). */
		for (const char *s = val; *s;) {
			size_t n = strcspn(s, ",");
			char *name = xstrndup(s, n);
			char *path = n ? resolve_file(file, "kconfig", name) : NULL;
			if (!path)
				rc = fail(p, file, line, n ? "config file '%s' not found next to the catalogue, "
					  "in its kconfig/ or in runner/kconfig/" : "config=%s: empty fragment name in the list",
					  n ? name : val);
			free(name);
			if (rc)
				goto out;
			k->config_paths = xrealloc(k->config_paths, (k->n_configs + 1) * sizeof *k->config_paths);
			k->config_paths[k->n_configs++] = path;
			s += n;
			if (*s == ',' && !*++s) {
				rc = fail(p, file, line, "config=%s: empty fragment name in the list", val);
				goto out;
			}
		}
	}
	*slot = xstrdup(val);
out:
	free(key);
	return rc;
}

/* Whole-stanza rules, checked when the stanza ends. */
static int check_entry(struct parser *p, struct kernel_entry *k)
{
	if (k->cmdline && strpbrk(k->cmdline, "\n\r\""))
		return fail(p, k->file, k->line, "kernel '%s': cmdline= must be one line without quotes", k->name);
	if (k->base) {
		if (k->deb || k->source || k->tree || k->image || k->vmlinux || k->config || k->base_config || k->n_patches)
			return fail(p, k->file, k->line, "kernel '%s': base= takes the image of another kernel; "
				    "it cannot also have deb=, source=, tree=, image=, config=, base-config= or patch=", k->name);
		return 0;   /* the rest is checked on the base, once everything is read */
	}
	k->kind = k->source || k->tree ? KERNEL_SOURCE : k->image ? KERNEL_IMAGE : KERNEL_DEB;
	if (k->tree && (k->deb || k->source || k->image || k->n_patches))
		return fail(p, k->file, k->line, "kernel '%s': tree= is a kernel checkout built as it is "
			    "(commit or leave uncommitted what it should contain); it takes config= and cmdline= "
			    "only, no deb=, source=, image= or patch=", k->name);
	if (k->tree && !k->config)
		return fail(p, k->file, k->line, "kernel '%s': tree= needs config=FRAGMENT", k->name);
	if (k->tree)
		return 0;
	if (k->image && (k->deb || k->source || k->config || k->base_config || k->n_patches))
		return fail(p, k->file, k->line,
			    "kernel '%s': image= is a kernel as built; it takes no deb=, source=, config=, "
			    "base-config= or patch=", k->name);
	if (k->vmlinux && !k->image)
		return fail(p, k->file, k->line, "kernel '%s': vmlinux= goes with image=", k->name);
	if (k->image)
		return 0;
	if (!k->deb && !k->source)
		return fail(p, k->file, k->line, "kernel '%s' needs deb=PACKAGE, source=PACKAGE or image=PATH", k->name);
	if (k->deb && k->source)
		return fail(p, k->file, k->line,
			    "kernel '%s' has both deb= and source=; a kernel is one or the other", k->name);
	if (k->deb && (k->config || k->base_config || k->n_patches))
		return fail(p, k->file, k->line,
			    "kernel '%s': config=, base-config= and patch= only apply to source= kernels", k->name);
	if (k->source && !k->config)
		return fail(p, k->file, k->line, "kernel '%s': source= needs config=FRAGMENT", k->name);
	return 0;
}

static int parse_text(struct parser *p, const char *text, const char *file);

/* s with every "{}" replaced by the number. */
static char *substitute(const char *s, long n)
{
	struct buf b = BUF_INIT;
	for (const char *q; (q = strstr(s, "{}")); s = q + 2) {
		buf_add(&b, s, (size_t)(q - s));
		buf_printf(&b, "%ld", n);
	}
	buf_puts(&b, s);
	return buf_steal(&b);
}

/* "47..57" or "100,101,107": the numbers, in order (at most 1000). */
static int range_numbers(struct parser *p, const char *file, int line, const char *list, long **out, int *n)
{
	*out = NULL;
	*n = 0;
	const char *dots = strstr(list, "..");
	char *e;
	if (dots) {
		long a = strtol(list, &e, 10), z;
		if (e != dots || (z = strtol(dots + 2, &e, 10), *e) || a < 0 || z < a || z - a >= 1000)
			return fail(p, file, line, "expected FIRST..LAST (0 <= FIRST <= LAST, at most 1000), got '%s'", list);
		*out = xmalloc(sizeof **out * (size_t)(z - a + 1));
		for (long v = a; v <= z; v++)
			(*out)[(*n)++] = v;
		return 0;
	}
	*out = xmalloc(sizeof **out * (strlen(list) + 1));
	for (const char *q = list; *q; q = *e ? e + 1 : e) {
		long v = strtol(q, &e, 10);
		if (e == q || (*e && *e != ',') || v < 0) {
			free(*out);
			*out = NULL;
			return fail(p, file, line, "expected N..M or N,M,... (numbers), got '%s'", list);
		}
		(*out)[(*n)++] = v;
	}
	return 0;
}

static struct kernel_entry *new_entry(struct parser *p);
static const struct kernel_entry *find_in(const struct kernel_catalogue *cat, size_t n, const char *name);

/* "range debian-6.1.0-{} 47..57 deb=linux-image-6.1.0-{}-amd64 note=...":
 * one kernel per number, "{}" replaced in the name and every value. */
static int do_range(struct parser *p, const char *file, int line, struct words *ws)
{
	if (ws->n < 4 || !strstr(ws->w[1], "{}"))
		return fail(p, file, line, "expected 'range NAME-{} FIRST..LAST KEY=VALUE...' (the name holds {})");
	long *nums;
	int n, rc = range_numbers(p, file, line, ws->w[2], &nums, &n);
	for (int i = 0; rc == 0 && i < n; i++) {
		char *name = substitute(ws->w[1], nums[i]);
		const struct kernel_entry *dup = find_in(p->cat, p->cat->n_entries, name);
		if (!valid_kernel_name(name))
			rc = fail(p, file, line, "kernel name '%s' must start with a letter or digit "
				  "and use only letters, digits, '.', '_', '+' and '-'", name);
		else if (dup)
			rc = fail(p, file, line, "kernel '%s' is already defined at %s:%d", name, dup->file, dup->line);
		if (rc) {
			free(name);
			break;
		}
		struct kernel_entry *k = new_entry(p);
		k->name = name;
		k->file = xstrdup(file);
		k->line = line;
		for (size_t w = 3; rc == 0 && w < ws->n; w++) {
			char *attr = substitute(ws->w[w], nums[i]);
			rc = add_attr(p, k, file, line, attr);
			free(attr);
		}
		if (rc == 0)
			rc = check_entry(p, k);
	}
	free(nums);
	return rc;
}

static int do_include(struct parser *p, const char *file, int line, struct words *ws)
{
	if (ws->n != 2)
		return fail(p, file, line, "expected one file after 'include' ('shipped' for the shipped catalogue)");
	char *path;
	if (!strcmp(ws->w[1], "shipped"))
		path = kernel_catalogue_shipped_path();
	else if (ws->w[1][0] == '/')
		path = xstrdup(ws->w[1]);
	else {
		char *dir = dir_of(file);
		path = path_join(dir, ws->w[1]);
		free(dir);
	}
	if (p->depth >= MAX_INCLUDE_DEPTH) {
		free(path);
		return fail(p, file, line, "includes nest deeper than %d (an include cycle?)", MAX_INCLUDE_DEPTH);
	}
	char *text = read_file(path, NULL);
	if (!text) {
		int rc = fail(p, file, line, "cannot read included catalogue '%s': %s", ws->w[1], strerror(errno));
		free(path);
		return rc;
	}
	p->depth++;
	int rc = parse_text(p, text, path);
	p->depth--;
	free(text);
	free(path);
	return rc;
}

/* A file's own default line wins over one it includes (a user's catalogue
 * that does `include shipped` may pick its own pair); two in one file, or a
 * later include's default under an earlier own default, are resolved by
 * that rule too: shallower wins, equal depth is an error. */
static int do_default(struct parser *p, const char *file, int line, struct words *ws)
{
	if (p->default_text && p->default_depth == p->depth)
		return fail(p, file, line, "second 'default' line (the first is at %s:%d)",
			    p->default_file, p->default_line);
	if (p->default_text && p->default_depth < p->depth)
		return 0;
	struct buf b = BUF_INIT;
	for (size_t i = 1; i < ws->n; i++)
		buf_puts(&b, ws->w[i]);   /* "a, b" and "a,b" alike */
	if (!b.s || !*b.s) {
		buf_free(&b);
		return fail(p, file, line, "expected kernel names after 'default' (NAME,NAME)");
	}
	free(p->default_text);
	free(p->default_file);
	p->default_text = buf_steal(&b);
	p->default_file = xstrdup(file);
	p->default_line = line;
	p->default_depth = p->depth;
	return 0;
}

static int parse_text(struct parser *p, const char *text, const char *file)
{
	struct kernel_entry *open = NULL;   /* stanza indented lines continue */
	int line = 0, rc = 0;
	const char *s = text;
	while (rc == 0 && *s) {
		const char *end = strchr(s, '\n');
		if (!end)
			end = s + strlen(s);
		line++;
		struct words ws = { 0 };
		bool indented = (*s == ' ' || *s == '\t');
		rc = split_words(p, file, line, s, end, &ws);
		s = *end ? end + 1 : end;
		if (rc || ws.n == 0) {
			words_free(&ws);
			continue;
		}
		if (indented) {
			if (!open)
				rc = fail(p, file, line, "an indented line continues a kernel stanza, "
					  "but there is none to continue");
			for (size_t i = 0; rc == 0 && i < ws.n; i++)
				rc = add_attr(p, open, file, line, ws.w[i]);
			words_free(&ws);
			continue;
		}
		if (open) {
			rc = check_entry(p, open);
			open = NULL;
			if (rc) {
				words_free(&ws);
				break;
			}
		}
		const char *verb = ws.w[0];
		if (!strcmp(verb, "kernel")) {
			if (ws.n < 2 || strchr(ws.w[1], '='))
				rc = fail(p, file, line, "expected a kernel name after 'kernel'");
			else if (!valid_kernel_name(ws.w[1]))
				rc = fail(p, file, line, "kernel name '%s' must start with a letter or digit "
					  "and use only letters, digits, '.', '_', '+' and '-'", ws.w[1]);
			else {
				const struct kernel_entry *dup = find_in(p->cat, p->cat->n_entries, ws.w[1]);
				if (dup)
					rc = fail(p, file, line, "kernel '%s' is already defined at %s:%d",
						  ws.w[1], dup->file, dup->line);
			}
			if (rc == 0) {
				open = new_entry(p);
				open->name = xstrdup(ws.w[1]);
				open->file = xstrdup(file);
				open->line = line;
				for (size_t i = 2; rc == 0 && i < ws.n; i++)
					rc = add_attr(p, open, file, line, ws.w[i]);
			}
		} else if (!strcmp(verb, "default"))
			rc = do_default(p, file, line, &ws);
		else if (!strcmp(verb, "include"))
			rc = do_include(p, file, line, &ws);
		else if (!strcmp(verb, "range"))
			rc = do_range(p, file, line, &ws);
		else
			rc = fail(p, file, line, "expected 'kernel', 'range', 'default' or 'include', got '%s'", verb);
		words_free(&ws);
	}
	if (rc == 0 && open)
		rc = check_entry(p, open);
	return rc;
}

static char **dup_strings(char *const *v, size_t n)
{
	char **out = n ? xcalloc(n, sizeof *out) : NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* base=NAME may name a kernel defined later (or in an include): aliases take
 * their base's build inputs once everything is read. An alias of an alias
 * is refused: one level keeps "which image does this boot" obvious. */
static int resolve_bases(struct parser *p)
{
	struct kernel_catalogue *cat = p->cat;
	for (size_t i = 0; i < cat->n_entries; i++) {
		struct kernel_entry *k = &cat->entries[i];
		if (!k->base)
			continue;
		const struct kernel_entry *b = find_in(cat, cat->n_entries, k->base);
		if (!b)
			return fail(p, k->file, k->line, "kernel '%s': base=%s names no kernel", k->name, k->base);
		if (b->base)
			return fail(p, k->file, k->line, "kernel '%s': base=%s is itself an alias (of %s); "
				    "name %s instead", k->name, b->name, b->base, b->base);
		k->kind = b->kind;
		k->deb = b->deb ? xstrdup(b->deb) : NULL;
		k->image = b->image ? xstrdup(b->image) : NULL;
		k->vmlinux = b->vmlinux ? xstrdup(b->vmlinux) : NULL;
		k->source = b->source ? xstrdup(b->source) : NULL;
		k->tree = b->tree ? xstrdup(b->tree) : NULL;
		k->config = b->config ? xstrdup(b->config) : NULL;
		k->config_paths = dup_strings(b->config_paths, b->n_configs);
		k->n_configs = b->n_configs;
		k->base_config = b->base_config ? xstrdup(b->base_config) : NULL;
		k->patches = dup_strings(b->patches, b->n_patches);
		k->patch_paths = dup_strings(b->patch_paths, b->n_patches);
		k->n_patches = b->n_patches;
		if (!k->coverage && b->coverage)
			k->coverage = xstrdup(b->coverage);   /* a property of the image */
		if (!k->slow)
			k->slow = b->slow;
	}
	return 0;
}

char *kernel_describe(const struct kernel_entry *k)
{
	struct buf b = BUF_INIT;
	if (k->kind == KERNEL_DEB)
		buf_printf(&b, "deb %s", k->deb);
	else if (k->kind == KERNEL_IMAGE)
		buf_printf(&b, "image %s", k->image);
	else {
		buf_printf(&b, "%s%s + %s", k->tree ? "tree " : "", k->tree ? k->tree : k->source, k->config);
		if (strcmp(kernel_base_config(k), "defconfig") != 0)
			buf_printf(&b, " on %s", kernel_base_config(k));
		for (size_t i = 0; i < k->n_patches; i++)
			buf_printf(&b, " + %s", k->patches[i]);
	}
	if (k->cmdline)
		buf_printf(&b, " + cmdline %s", k->cmdline);
	return buf_steal(&b);
}

const char *kernel_base_config(const struct kernel_entry *k)
{
	return k->base_config ? k->base_config : "defconfig";
}

const char *kernel_cache_name(const struct kernel_entry *k)
{
	return k->base ? k->base : k->name;
}

/* The default line names kernels that may be defined after it (or in an
 * include), so it is resolved once everything is read. */
static int resolve_defaults(struct parser *p)
{
	struct kernel_catalogue *cat = p->cat;
	if (!p->default_text)
		return 0;
	char *save = NULL, *copy = xstrdup(p->default_text);
	int rc = 0;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct kernel_entry *k = find_in(cat, cat->n_entries, name);
		if (!k) {
			rc = fail(p, p->default_file, p->default_line, "default names unknown kernel '%s'", name);
			break;
		}
		cat->defaults = xrealloc(cat->defaults, (cat->n_defaults + 1) * sizeof *cat->defaults);
		cat->defaults[cat->n_defaults++] = k;
	}
	if (rc == 0 && cat->n_defaults == 0)
		rc = fail(p, p->default_file, p->default_line, "expected kernel names after 'default' (NAME,NAME)");
	free(copy);
	return rc;
}

int kernel_catalogue_parse(const char *text, const char *file, struct kernel_catalogue **out, char **err)
{
	struct parser p = { 0 };
	p.cat = xcalloc(1, sizeof *p.cat);
	p.cat->path = xstrdup(file);
	int rc = parse_text(&p, text, file);
	if (rc == 0 && p.cat->n_entries == 0)
		rc = fail(&p, file, 0, "the catalogue defines no kernels");
	if (rc == 0)
		rc = resolve_bases(&p);
	if (rc == 0)
		rc = resolve_defaults(&p);
	free(p.default_text);
	free(p.default_file);
	if (rc) {
		kernel_catalogue_free(p.cat);
		*out = NULL;
		if (err)
			*err = p.err;
		else
			free(p.err);
		return -1;
	}
	*out = p.cat;
	return 0;
}

char *kernel_catalogue_shipped_path(void)
{
	return xasprintf("%s/runner/kernels.conf", repo_home());
}

int kernel_catalogue_load(const char *path, struct kernel_catalogue **out, char **err)
{
	char *chosen;
	const char *env = getenv("TOPOFARM_KERNELS");
	if (path)
		chosen = xstrdup(path);
	else if (env && *env)
		chosen = xstrdup(env);
	else
		chosen = kernel_catalogue_shipped_path();
	char *text = read_file(chosen, NULL);
	if (!text) {
		if (err)
			*err = xasprintf("%s: cannot read the kernel catalogue: %s", chosen, strerror(errno));
		free(chosen);
		*out = NULL;
		return -1;
	}
	int rc = kernel_catalogue_parse(text, chosen, out, err);
	free(text);
	free(chosen);
	return rc;
}

static void entry_free(struct kernel_entry *k)
{
	free(k->name);
	free(k->deb);
	free(k->image);
	free(k->vmlinux);
	free(k->source);
	free(k->tree);
	free(k->config);
	for (size_t i = 0; i < k->n_configs; i++)
		free(k->config_paths[i]);
	free(k->config_paths);
	free(k->base_config);
	for (size_t i = 0; i < k->n_patches; i++) {
		free(k->patches[i]);
		free(k->patch_paths[i]);
	}
	free(k->patches);
	free(k->patch_paths);
	free(k->note);
	free(k->base);
	free(k->cmdline);
	free(k->coverage);
	free(k->file);
	if (k->state)
		free(k->state->key_err);
	free(k->state);
}

void kernel_catalogue_free(struct kernel_catalogue *cat)
{
	if (!cat)
		return;
	for (size_t i = 0; i < cat->n_entries; i++)
		entry_free(&cat->entries[i]);
	free(cat->entries);
	free(cat->defaults);
	free(cat->path);
	free(cat);
}

const struct kernel_entry *kernel_find(const struct kernel_catalogue *cat, const char *name)
{
	return find_in(cat, cat->n_entries, name);
}

int kernel_default_pair(const struct kernel_catalogue *cat,
			const struct kernel_entry **first, const struct kernel_entry **second)
{
	if (cat->n_defaults < 2)
		return -1;
	*first = cat->defaults[0];
	*second = cat->defaults[1];
	return 0;
}

char *kernel_config_text(const struct kernel_entry *k)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < k->n_configs; i++) {
		size_t len = 0;
		char *text = read_file(k->config_paths[i], &len);
		if (!text) {
			buf_free(&b);
			return NULL;
		}
		buf_printf(&b, "%s%s", text, len && text[len - 1] != '\n' ? "\n" : "");
		free(text);
	}
	return b.s ? buf_steal(&b) : xstrdup("");
}

/* Build keys are computed once per entry (they need dpkg-query and the
 * contents of the fragment and patches). */
int kernel_build_keys(const struct kernel_entry *k, char tree_key[17], char key[17], char **err)
{
	struct kernel_state *st = k->state;
	if (st->keys_done == 0) {
		st->keys_done = -1;
		free(st->key_err);
		st->key_err = NULL;
		char *tree_err = NULL;
		char *version = k->tree ? kernel_tree_state(k->tree, &tree_err)
			      : k->source ? kernel_installed_version(k->source) : NULL;
		char *fragments = k->n_configs ? kernel_config_text(k) : NULL;
		/* The base joins the hashed config text only when it is not the
		 * default, so defconfig-based kernels keep their build keys. */
		char *config = fragments && strcmp(kernel_base_config(k), "defconfig") != 0
			? xasprintf("base-config %s\n%s", kernel_base_config(k), fragments) : fragments;
		if (config != fragments)
			free(fragments);
		char **texts = xcalloc(k->n_patches + 1, sizeof *texts);
		bool ok = version && config;
		for (size_t i = 0; ok && i < k->n_patches; i++)
			ok = (texts[i] = read_file(k->patch_paths[i], NULL)) != NULL;
		if (!k->source && !k->tree)
			st->key_err = xasprintf("kernel '%s' is not built from source", k->name);
		else if (tree_err)
			st->key_err = tree_err, tree_err = NULL;
		else if (!version)
			st->key_err = xasprintf("source package %s is not installed "
						"(apt-get install %s, or tools/install-deps)", k->source, k->source);
		else if (!ok)
			st->key_err = xasprintf("kernel '%s': cannot read its config fragment or patches", k->name);
		else {
			kernel_compute_keys(k->tree ? k->tree : k->source, version, config, (const char *const *)texts,
					    k->n_patches, st->tree_key, st->key);
			if (k->tree) {
				/* One O= directory per checkout + fragment, whatever its
				 * state: kbuild rebuilds only what changed. */
				char *any_state = xasprintf("tree %s", k->tree), unused[17];
				kernel_compute_keys(any_state, "", config, NULL, 0, st->tree_key, unused);
				free(any_state);
			}
			st->keys_done = 1;
		}
		for (size_t i = 0; i < k->n_patches; i++)
			free(texts[i]);
		free(texts);
		free(config);
		free(version);
		free(tree_err);
	}
	if (st->keys_done < 0) {
		/* Not remembered: installing the source package fixes it. */
		st->keys_done = 0;
		if (err)
			*err = xstrdup(st->key_err);
		return -1;
	}
	memcpy(tree_key, st->tree_key, 17);
	memcpy(key, st->key, 17);
	return 0;
}

/* The number a kernel name ends in, and where it starts; -1 if none. */
static long trailing_number(const char *name, size_t *prefix_len)
{
	size_t n = strlen(name), i = n;
	while (i > 0 && isdigit((unsigned char)name[i - 1]))
		i--;
	if (i == n || n - i > 9)
		return -1;
	*prefix_len = i;
	return strtol(name + i, NULL, 10);
}

static void push_entry(const struct kernel_entry ***out, size_t *n, const struct kernel_entry *k)
{
	*out = xrealloc(*out, sizeof **out * (*n + 1));
	(*out)[(*n)++] = k;
}

int kernel_list_resolve(const struct kernel_catalogue *cat, const char *list,
			const struct kernel_entry ***out, size_t *n, char **err)
{
	*out = NULL;
	*n = 0;
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *name = strtok_r(copy, ",", &save); name && rc == 0; name = strtok_r(NULL, ",", &save)) {
		const struct kernel_entry *k = kernel_find(cat, name);
		const char *dots = strstr(name, "..");
		if (k) {
			push_entry(out, n, k);
		} else if (!strcmp(name, "default")) {
			if (cat->n_defaults < 1) {
				*err = xasprintf("the catalogue %s has no default line", cat->path);
				rc = -1;
			}
			for (size_t i = 0; i < cat->n_defaults; i++)
				push_entry(out, n, cat->defaults[i]);
		} else if (dots) {
			/* NAME..LAST: every catalogue kernel PREFIX<number> in range. */
			*(char *)dots = 0;
			size_t plen;
			long first = trailing_number(name, &plen), last;
			char *e;
			last = strtol(dots + 2, &e, 10);
			if (first < 0 || *e || e == dots + 2 || last < first || !kernel_find(cat, name)) {
				*err = xasprintf("'%s..%s' is not a kernel range: expected NAME..LAST where NAME is a "
						 "catalogue kernel ending in a number (see `topofarm kernels list`)", name, dots + 2);
				rc = -1;
				break;
			}
			for (long v = first; v <= last; v++)
				for (size_t i = 0; i < cat->n_entries; i++) {
					size_t pl;
					const char *en = cat->entries[i].name;
					if (trailing_number(en, &pl) == v && pl == plen && !strncmp(en, name, plen))
						push_entry(out, n, &cat->entries[i]);
				}
		} else {
			*err = xasprintf("no kernel '%s' in %s (see `topofarm kernels list`)", name, cat->path);
			rc = -1;
		}
	}
	free(copy);
	if (rc == 0 && *n == 0) {
		*err = xasprintf("no kernels in '%s'", list);
		rc = -1;
	}
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

const struct kernel_entry *kernel_catalogue_add_image(struct kernel_catalogue *cat, const char *path, char **err)
{
	char *abs = realpath(path, NULL);
	char *version = abs ? kernel_image_version(abs) : NULL;
	if (!version) {
		*err = abs ? xasprintf("%s is not an x86 bzImage (no HdrS boot header)", path)
			   : xasprintf("%s: %s", path, strerror(errno));
		free(abs);
		return NULL;
	}
	free(version);
	for (size_t i = 0; i < cat->n_entries; i++)
		if (cat->entries[i].image && !strcmp(cat->entries[i].image, abs)) {
			free(abs);
			return &cat->entries[i];
		}
	/* "image-" + the file name, made a valid kernel name. */
	const char *base = strrchr(abs, '/') + 1;
	struct buf b = BUF_INIT;
	buf_puts(&b, "image-");
	for (const char *q = base; *q && b.len < 60; q++)
		buf_putc(&b, isalnum((unsigned char)*q) || strchr("._+-", *q) ? *q : '-');
	char *name = buf_steal(&b);
	for (int suffix = 2; kernel_find(cat, name); suffix++) {
		char *again = xasprintf("image-%d-%.50s", suffix, base);
		free(name);
		name = again;
	}
	/* entries may move: keep the defaults as indexes */
	size_t *def = xcalloc(cat->n_defaults + 1, sizeof *def);
	for (size_t i = 0; i < cat->n_defaults; i++)
		def[i] = (size_t)(cat->defaults[i] - cat->entries);
	cat->entries = xrealloc(cat->entries, sizeof *cat->entries * (cat->n_entries + 1));
	for (size_t i = 0; i < cat->n_defaults; i++)
		cat->defaults[i] = &cat->entries[def[i]];
	free(def);
	struct kernel_entry *k = &cat->entries[cat->n_entries++];
	memset(k, 0, sizeof *k);
	k->state = xcalloc(1, sizeof *k->state);
	k->name = name;
	k->kind = KERNEL_IMAGE;
	k->image = abs;
	k->file = xstrdup("--kernel");
	return k;
}
