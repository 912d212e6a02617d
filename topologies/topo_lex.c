/* topologies/topo_lex.c: tokenising .topo lines and reading typed values. */
#include "topologies/topo_lex.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vfail(struct parser *p, int col, const char *fmt, va_list ap)
{
	if (p->failed)
		return -1;
	p->failed = true;
	snprintf(p->err->file, sizeof p->err->file, "%s", p->file);
	p->err->line = p->ln ? p->ln->lineno : 0;
	p->err->col = col;
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	return -1;
}

int fail_at(struct parser *p, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(p, col, fmt, ap);
	va_end(ap);
	return -1;
}

int fail_tok(struct parser *p, const struct token *tk, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(p, tk ? tk->col : 1, fmt, ap);
	va_end(ap);
	return -1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

int lex_line(struct parser *p, const char *raw, size_t len, int lineno)
{
	struct line *ln = p->ln;
	ln->lineno = lineno;
	ln->raw = raw;
	ln->raw_len = len;
	ln->n = 0;
	if (len && raw[len - 1] == '\r')
		len--;
	ln->raw_len = len;
	if (len > TOPO_MAX_LINE)
		return fail_at(p, TOPO_MAX_LINE + 1, "expected a line of at most %d bytes", TOPO_MAX_LINE);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail_at(p, (int)i + 1, "expected text, found control byte 0x%02x", c);
	}
	memcpy(ln->buf, raw, len);
	ln->buf[len] = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && blank(ln->buf[i]))
			i++;
		if (i >= len)
			break;
		/* '#' at the start of a token begins a comment. */
		if (ln->buf[i] == '#')
			break;
		if (ln->n == TOPO_MAX_TOKENS)
			return fail_at(p, (int)i + 1, "expected at most %d words on a line", TOPO_MAX_TOKENS);
		size_t start = i;
		while (i < len && !blank(ln->buf[i]))
			i++;
		ln->buf[i] = 0;
		ln->tok[ln->n].s = ln->buf + start;
		ln->tok[ln->n].col = (int)start + 1;
		ln->tok[ln->n].used = false;
		ln->n++;
		i++;
	}
	return 0;
}

char *rest_of_line(const struct line *ln, int i)
{
	if (i >= ln->n)
		return xstrdup("");
	size_t start = (size_t)ln->tok[i].col - 1;
	size_t end = ln->raw_len;
	while (end > start && blank(ln->raw[end - 1]))
		end--;
	return xstrndup(ln->raw + start, end - start);
}

int read_size(struct parser *p, const struct token *tk, const char *value, uint64_t *out, const char *what)
{
	const char *end;
	int r = size_parse_prefix(value, out, &end);
	if (r == -2)
		return fail_tok(p, tk, "expected %s that fits in 64 bits, found \"%s\"", what, value);
	if (r != 0 || *end)
		return fail_tok(p, tk, "expected %s (a size like 512M, 16K, 4G or 0x1000), found \"%s\"", what, value);
	return 0;
}

int read_uint(struct parser *p, const struct token *tk, const char *value, uint64_t max, uint64_t *out, const char *what)
{
	const char *end;
	uint64_t v;
	int r = size_parse_prefix(value, &v, &end);
	bool has_suffix = end > value && strchr("kKmMgGtT", end[-1]);
	if (r != 0 || *end || has_suffix)
		return fail_tok(p, tk, "expected %s (a number), found \"%s\"", what, value);
	if (v > max)
		return fail_tok(p, tk, "expected %s of at most %llu, found %s", what, (unsigned long long)max, value);
	*out = v;
	return 0;
}

int read_cpu_list(struct parser *p, const struct token *tk, const char *value, struct cpuset *out)
{
	memset(out, 0, sizeof *out);
	if (!strcmp(value, "none"))
		return 0;
	const char *s = value;
	while (*s) {
		char *end;
		if (*s < '0' || *s > '9')
			return fail_tok(p, tk, "expected a CPU list like 0, 0-3 or 0,2,4-5 (or none), found \"%s\"", value);
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return fail_tok(p, tk, "expected a CPU range like 0-3, found \"%s\"", value);
			b = strtoul(end + 1, &end, 10);
		}
		if (a >= TOPO_MAX_CPUS || b >= TOPO_MAX_CPUS)
			return fail_tok(p, tk, "expected CPU numbers below %d, found \"%s\"", TOPO_MAX_CPUS, value);
		if (b < a)
			return fail_tok(p, tk, "expected an increasing CPU range, found \"%s\"", value);
		for (unsigned long c = a; c <= b; c++)
			cpuset_add(out, (int)c);
		if (*end == ',' && end[1])
			s = end + 1;
		else if (*end == 0)
			s = end;
		else
			return fail_tok(p, tk, "expected a CPU list like 0, 0-3 or 0,2,4-5 (or none), found \"%s\"", value);
	}
	return 0;
}

const char *attr(struct parser *p, int first, const char *key, const struct token **where)
{
	size_t k = strlen(key);
	const char *found = NULL;
	for (int i = first; i < p->ln->n; i++) {
		struct token *tk = &p->ln->tok[i];
		if (strncmp(tk->s, key, k) || tk->s[k] != '=')
			continue;
		if (found) {
			fail_tok(p, tk, "expected %s= only once on a line", key);
			return NULL;
		}
		tk->used = true;
		found = tk->s + k + 1;
		if (where)
			*where = tk;
	}
	return found;
}

bool flag(struct parser *p, int first, const char *word)
{
	for (int i = first; i < p->ln->n; i++)
		if (!strcmp(p->ln->tok[i].s, word)) {
			p->ln->tok[i].used = true;
			return true;
		}
	return false;
}

int reject_unused(struct parser *p, int first, const char *directive, const char *allowed)
{
	for (int i = first; i < p->ln->n; i++)
		if (!p->ln->tok[i].used)
			return fail_tok(p, &p->ln->tok[i], "unexpected \"%s\" in %s: expected %s",
					p->ln->tok[i].s, directive, allowed);
	return 0;
}

int read_choice(struct parser *p, const struct token *tk, const char *value,
		const char *const *words, int n_words, const char *what)
{
	for (int i = 0; i < n_words; i++)
		if (!strcmp(value, words[i]))
			return i;
	struct buf b = BUF_INIT;
	for (int i = 0; i < n_words; i++)
		buf_printf(&b, "%s%s", i ? (i == n_words - 1 ? " or " : ", ") : "", words[i]);
	fail_tok(p, tk, "expected %s: %s, found \"%s\"", what, b.s, value);
	buf_free(&b);
	return -1;
}
