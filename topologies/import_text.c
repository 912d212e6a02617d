/* topologies/import_text.c: pasted report text back into console lines.
 * Mail quoting ("> ", "> > ", ">>", "| "), quoted-printable soft line breaks
 * ("=" at the end of a line) and "=3D", and layout lines that a mail client
 * wrapped in the middle of a "[mem A-B]" are undone; elisions ("<...>",
 * "[...]") are just lines that match nothing later. No library reads mail
 * bodies quoted by hand, so this is a small hand-written pass. */
#include "topologies/import.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

/* Strips the quote markers at the start of a line. */
static const char *unquote(const char *s, const char *end)
{
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s < end && *s == '>')
			s++;
		else if (s < end && *s == '|' && (s + 1 == end || s[1] == ' '))
			s++;    /* "| " quoting, as in a quote inside a commit message */
		else
			return s;
	}
}

/* A "[mem 0x..-" with no "]" after it: the line was wrapped. */
static bool cut_range(const char *s)
{
	const char *m = strstr(s, "[mem ");
	while (m) {
		if (!strchr(m, ']'))
			return true;
		m = strstr(m + 1, "[mem ");
	}
	return false;
}

static void push_line(struct report_lines *r, struct buf *b, int line)
{
	r->text = xrealloc(r->text, sizeof *r->text * (size_t)(r->n + 1));
	r->line = xrealloc(r->line, sizeof *r->line * (size_t)(r->n + 1));
	r->text[r->n] = buf_steal(b);
	if (!r->text[r->n])
		r->text[r->n] = xstrdup("");
	r->line[r->n++] = line;
}

/* Appends s[0..n) replacing "=3D" (quoted-printable '=') by '='. */
static void add_decoded(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '3' && (s[i + 2] == 'D' || s[i + 2] == 'd')) {
			buf_putc(b, '=');
			i += 2;
		} else {
			buf_putc(b, s[i]);
		}
	}
}

void report_lines_read(const char *text, size_t len, struct report_lines *out)
{
	memset(out, 0, sizeof *out);
	struct buf cur = BUF_INIT;
	int cur_line = 0;
	bool joining = false;
	int line = 1;
	for (size_t at = 0; at < len; line++) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *s = text + at, *end = s + n;
		at += n + 1;
		while (end > s && (end[-1] == '\r' || end[-1] == ' '))
			end--;
		s = unquote(s, end);
		if (joining) {
			while (s < end && *s == ' ')
				s++;
		} else {
			cur_line = line;
		}
		bool soft_break = end > s && end[-1] == '=' && (end - s < 2 || end[-2] != '=');
		add_decoded(&cur, s, (size_t)(end - s - (soft_break ? 1 : 0)));
		/* Keep joining while a quoted-printable soft break or a cut
		 * "[mem A-" says the line goes on (bounded: a runaway join of
		 * a huge paste would hide every later line). */
		joining = (soft_break || (cur.s && cut_range(cur.s))) && cur.len < 4096;
		if (joining && !soft_break && cur.len && cur.s[cur.len - 1] != '-')
			buf_putc(&cur, ' ');
		if (!joining)
			push_line(out, &cur, cur_line);
	}
	if (joining)
		push_line(out, &cur, cur_line);
	struct buf all = BUF_INIT;
	for (int i = 0; i < out->n; i++) {
		buf_puts(&all, out->text[i]);
		buf_putc(&all, '\n');
	}
	out->joined_len = all.len;
	out->joined = buf_steal(&all);
	if (!out->joined)
		out->joined = xstrdup("");
}

void report_lines_free(struct report_lines *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->text[i]);
	free(r->text);
	free(r->line);
	free(r->joined);
	memset(r, 0, sizeof *r);
}
