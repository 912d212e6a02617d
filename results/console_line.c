/* results/console_line.c: turns one raw console line (hostile bytes) into
 * clean text and finds where the printk message starts, past the
 * "[    1.234567]" timestamp, the "[    T1]" caller id and the "<4>" level. */
#include "results/triage_internal.h"
#include <string.h>

/* Skips an ANSI escape starting at p[0] == ESC; returns the byte after it. */
static const char *skip_escape(const char *p, const char *end)
{
	p++;
	if (p < end && *p == '[') {
		/* CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, one final byte. */
		p++;
		while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p <= 0x3f)
			p++;
		if (p < end && (unsigned char)*p >= 0x40 && (unsigned char)*p <= 0x7e)
			p++;
		return p;
	}
	return p < end ? p + 1 : p;     /* two-byte escape (ESC 7, ESC c, ...) */
}

void cline_clean(struct cline *l, const char *raw, size_t n, struct buf *scratch)
{
	if (n > TRIAGE_MAX_LINE)
		n = TRIAGE_MAX_LINE;
	/* Copy, then compact in place: the write index never passes the read one. */
	buf_reset(scratch);
	buf_add(scratch, raw, n);
	char *out = scratch->s;
	size_t o = 0;
	const char *p = scratch->s, *end = scratch->s + n;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != 0x7f) {
			out[o++] = (char)c;
			p++;
		} else if (c == '\t') {
			out[o++] = ' ';
			p++;
		} else if (c == 0x1b) {
			p = skip_escape(p, end);
		} else {
			p++;            /* CR, NUL, other control bytes: dropped */
		}
	}
	out[o] = 0;
	scratch->len = o;
	l->text = out;
	l->len = o;
	l->msg = cline_skip_prefix(out, out + o);
	l->msg_len = (size_t)(out + o - l->msg);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* "[  123.456789]" at p: returns the byte after ']' or NULL. */
static const char *skip_timestamp(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return NULL;
	p++;
	while (p < end && *p == ' ')
		p++;
	const char *d = p;
	while (p < end && is_digit(*p))
		p++;
	if (p == d || p >= end || *p != '.')
		return NULL;
	p++;
	d = p;
	while (p < end && is_digit(*p))
		p++;
	if (p == d || p >= end || *p != ']')
		return NULL;
	return p + 1;
}

/* "[    T123]" / "[  C1]" caller id (CONFIG_PRINTK_CALLER). */
static const char *skip_caller(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return NULL;
	p++;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || (*p != 'T' && *p != 'C'))
		return NULL;
	p++;
	const char *d = p;
	while (p < end && is_digit(*p))
		p++;
	if (p == d || p >= end || *p != ']')
		return NULL;
	return p + 1;
}

/* "<4>" syslog level, as /dev/kmsg readers print it. */
static const char *skip_level(const char *p, const char *end)
{
	if (p + 2 >= end || *p != '<' || !is_digit(p[1]))
		return NULL;
	const char *q = p + 1;
	while (q < end && is_digit(*q) && q - p < 5)
		q++;
	return q < end && *q == '>' ? q + 1 : NULL;
}

const char *cline_skip_prefix(const char *s, const char *end)
{
	for (int round = 0; round < 4; round++) {
		const char *p = s;
		while (p < end && *p == ' ')
			p++;
		const char *q = skip_timestamp(p, end);
		if (!q)
			q = skip_caller(p, end);
		if (!q)
			q = skip_level(p, end);
		if (!q)
			break;
		s = q;
	}
	/* One space separates the prefix from the message; keep the rest of
	 * the indentation out too (call-trace lines are indented). */
	while (s < end && *s == ' ')
		s++;
	return s;
}

const char *cline_next_embedded(const struct cline *l, const char *from, size_t *msg_len)
{
	const char *end = l->text + l->len;
	while (from < end) {
		const char *b = memchr(from, '[', (size_t)(end - from));
		if (!b)
			return NULL;
		if (skip_timestamp(b, end)) {
			const char *m = cline_skip_prefix(b, end);
			*msg_len = (size_t)(end - m);
			return m;
		}
		from = b + 1;
	}
	return NULL;
}

const char *cline_find_timestamp(const char *s, const char *end)
{
	for (const char *b = s; b < end; b++) {
		b = memchr(b, '[', (size_t)(end - b));
		if (!b)
			return NULL;
		if (skip_timestamp(b, end))
			return b;
	}
	return NULL;
}
