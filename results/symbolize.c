/* results/symbolize.c: frames -> file:line with nm and addr2line (see
 * symbolize.h). The frame text comes from a console log (hostile): only
 * identifiers and hex numbers are taken from it, and only addresses we
 * computed reach addr2line's argv. */
#include "results/symbolize.h"
#include "results/triage.h"
#include "common/buf.h"
#include "common/proc.h"
#include "common/strv.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 64

struct wanted {
	char name[128];
	uint64_t off, len, addr;
	bool found;
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* "name+0xOFF/0xLEN" at s (s points at the '+'); name before it. */
static bool parse_frame(const char *line_start, const char *plus, struct wanted *w, const char **end)
{
	const char *b = plus;
	while (b > line_start && ident_char(b[-1]))
		b--;
	size_t n = (size_t)(plus - b);
	if (!n || n >= sizeof w->name || !(isalpha((unsigned char)*b) || *b == '_'))
		return false;
	char *e;
	if (strncmp(plus, "+0x", 3))
		return false;
	w->off = strtoull(plus + 3, &e, 16);
	if (e == plus + 3 || strncmp(e, "/0x", 3))
		return false;
	const char *l = e + 3;
	w->len = strtoull(l, &e, 16);
	if (e == l || w->off >= w->len)
		return false;
	memcpy(w->name, b, n);
	w->name[n] = 0;
	*end = e;
	return true;
}

int symbolize_text(const char *vmlinux, const char *text, struct symbolized *out, char **err)
{
	memset(out, 0, sizeof *out);
	struct wanted w[MAX_FRAMES];
	const char *starts[MAX_FRAMES], *ends[MAX_FRAMES];
	int n = 0;
	const char *line = text;
	for (const char *p = text; *p && n < MAX_FRAMES; p++) {
		if (*p == '\n')
			line = p + 1;
		const char *e;
		if (*p == '+' && parse_frame(line, p, &w[n], &e)) {
			starts[n] = p - strlen(w[n].name);
			ends[n] = e;
			w[n].found = false;
			n++;
			p = e - 1;
		}
	}
	if (!n)
		return 0;
	char *nm[] = { "nm", "--defined-only", "-S", (char *)vmlinux, NULL };
	struct proc_opts o = { .capture = true, .timeout = 120 };
	struct proc_result r;
	proc_run(nm, &o, &r);
	if (r.exit_code != 0 || !r.out) {
		*err = xasprintf("nm %s failed (exit %d)", vmlinux, r.exit_code);
		proc_result_free(&r);
		return -1;
	}
	/* "ADDR SIZE TYPE NAME": text symbols whose size matches the frame */
	for (char *l = r.out, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		char *e1, *e2;
		uint64_t addr = strtoull(l, &e1, 16), size;
		if (*e1 != ' ')
			continue;
		size = strtoull(e1 + 1, &e2, 16);
		if (e2 == e1 + 1 || e2[0] != ' ' || !strchr("tTwW", e2[1]) || e2[2] != ' ')
			continue;
		const char *name = e2 + 3;
		for (int i = 0; i < n; i++)
			if (!w[i].found && size == w[i].len && !strcmp(name, w[i].name)) {
				w[i].addr = addr + w[i].off;
				w[i].found = true;
			}
	}
	proc_result_free(&r);
	struct strv a = { 0 };
	strv_add(&a, "addr2line");
	strv_add(&a, "-e");
	strv_add(&a, vmlinux);
	int asked = 0;
	for (int i = 0; i < n; i++)
		if (w[i].found) {
			strv_addf(&a, "0x%llx", (unsigned long long)w[i].addr);
			asked++;
		}
	char **where = xcalloc((size_t)n, sizeof *where);
	if (asked) {
		proc_run(strv_argv(&a), &o, &r);
		if (r.exit_code != 0 || !r.out) {
			*err = xasprintf("addr2line -e %s failed (exit %d)", vmlinux, r.exit_code);
			proc_result_free(&r);
			strv_free(&a);
			free(where);
			return -1;
		}
		/* one "file:line" line per address, in order */
		char *l = r.out;
		for (int i = 0; i < n && l && *l; i++) {
			if (!w[i].found)
				continue;
			char *next = strchr(l, '\n');
			if (next)
				*next++ = 0;
			char *disc = strstr(l, " (discriminator");
			if (disc)
				*disc = 0;
			if (strncmp(l, "??", 2))
				where[i] = xstrdup(l);
			l = next;
		}
		proc_result_free(&r);
	}
	strv_free(&a);
	out->v = xcalloc((size_t)n, sizeof *out->v);
	for (int i = 0; i < n; i++) {
		out->v[i].frame = xstrndup(starts[i], (size_t)(ends[i] - starts[i]));
		out->v[i].where = where[i];
	}
	out->n = n;
	free(where);
	return 0;
}

void symbolized_free(struct symbolized *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].frame);
		free(s->v[i].where);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

int triage_symbolize(struct triage_result *t, const char *vmlinux, char **err)
{
	for (int i = 0; i < t->n_reports; i++) {
		struct triage_report *p = &t->reports[i];
		/* nm or addr2line failing on the file fails the same for every report */
		if (p->text && !p->symbols.n && symbolize_text(vmlinux, p->text, &p->symbols, err) != 0)
			return -1;
		/* A vmlinux without debug info (or of another build) resolves
		 * nothing: the frames as printed say all there is. */
		bool any = false;
		for (int f = 0; f < p->symbols.n && !any; f++)
			any = p->symbols.v[f].where != NULL;
		if (!any)
			symbolized_free(&p->symbols);
	}
	return 0;
}

const char *symbolized_where(const struct symbolized *s, const char *func)
{
	size_t n = func ? strlen(func) : 0;
	for (int i = 0; n && i < s->n; i++)
		if (s->v[i].where && !strncmp(s->v[i].frame, func, n) && s->v[i].frame[n] == '+')
			return s->v[i].where;
	return NULL;
}

char *symbolized_to_lines(const struct symbolized *s)
{
	if (!s->n)
		return NULL;
	struct buf b = BUF_INIT;
	for (int i = 0; i < s->n; i++)
		buf_printf(&b, "%s\t%s\n", s->v[i].frame, s->v[i].where ? s->v[i].where : "");
	return buf_steal(&b);
}

void symbolized_from_lines(const char *lines, struct symbolized *out)
{
	memset(out, 0, sizeof *out);
	for (const char *l = lines; l && *l;) {
		const char *nl = strchr(l, '\n'), *end = nl ? nl : l + strlen(l);
		const char *tab = memchr(l, '\t', (size_t)(end - l));
		if (tab && tab > l && out->n < MAX_FRAMES) {
			out->v = xrealloc(out->v, (size_t)(out->n + 1) * sizeof *out->v);
			out->v[out->n].frame = xstrndup(l, (size_t)(tab - l));
			out->v[out->n].where = end > tab + 1 ? xstrndup(tab + 1, (size_t)(end - tab - 1)) : NULL;
			out->n++;
		}
		l = nl ? nl + 1 : end;
	}
}
