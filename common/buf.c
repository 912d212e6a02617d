/* common/buf.c: growable buffers and the allocation wrappers everything uses. */
#include "common/buf.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

static void out_of_memory(void)
{
	fputs("topofarm: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b);
}

static void grow(struct buf *b, size_t extra)
{
	if (extra > (size_t)-1 / 2 - b->len)
		out_of_memory();
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void *xgrow(void *p, size_t n, size_t elem)
{
	if ((n & (n - 1)) || (n && n < XGROW_FIRST))
		return p;
	if (n > ((size_t)-1 / 2) / elem)
		out_of_memory();
	return xrealloc(p, elem * (n ? 2 * n : XGROW_FIRST));
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* The formats most callers use (%s %.*s %c %d %i %u %x with l, ll or z,
 * and %%) are formatted here directly: vsnprintf's per-call set-up costs
 * more than the work for such short pieces, and the .topo printer the fuzz
 * harness runs on every execution is made of them. Anything else (flags,
 * widths, precisions on numbers, floating point) goes to vsnprintf. */
static bool simple_format(const char *f)
{
	for (; *f; f++) {
		if (*f != '%')
			continue;
		f++;
		if (f[0] == '.' && f[1] == '*' && f[2] == 's') {
			f += 2;
			continue;
		}
		if (*f == 'z' || (*f == 'l' && f[1] == 'l'))
			f += *f == 'z' ? 1 : 2;
		else if (*f == 'l')
			f++;
		if (!*f || !strchr("sdiuxc%", *f))
			return false;
	}
	return true;
}

static void put_unsigned(struct buf *b, unsigned long long v, unsigned base)
{
	char d[24];
	int n = 0;
	do {
		d[sizeof d - 1 - n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	buf_add(b, d + sizeof d - n, (size_t)n);
}

static void fast_format(struct buf *b, const char *f, va_list ap)
{
	grow(b, 0);
	for (;;) {
		const char *pct = strchr(f, '%');
		size_t lit = pct ? (size_t)(pct - f) : strlen(f);
		if (lit)
			buf_add(b, f, lit);
		if (!pct)
			return;
		f = pct + 1;
		if (f[0] == '.') {      /* %.*s */
			int prec = va_arg(ap, int);
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			buf_add(b, s, prec < 0 ? strlen(s) : strnlen(s, (size_t)prec));
			f += 3;
			continue;
		}
		int len = 0;            /* 0 int, 1 long, 2 long long, 3 size_t */
		if (*f == 'z')
			len = 3, f++;
		else if (*f == 'l' && f[1] == 'l')
			len = 2, f += 2;
		else if (*f == 'l')
			len = 1, f++;
		char c = *f++;
		if (c == '%') {
			buf_putc(b, '%');
		} else if (c == 's') {
			const char *s = va_arg(ap, const char *);
			buf_puts(b, s ? s : "(null)");
		} else if (c == 'c') {
			buf_putc(b, (char)va_arg(ap, int));
		} else if (c == 'd' || c == 'i') {
			long long v = len == 0 ? va_arg(ap, int) : len == 1 ? va_arg(ap, long) : len == 2 ? va_arg(ap, long long)
											: (long long)va_arg(ap, ssize_t);
			if (v < 0)
				buf_putc(b, '-');
			put_unsigned(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, 10);
		} else {                /* u, x */
			unsigned long long v = len == 0 ? va_arg(ap, unsigned) : len == 1 ? va_arg(ap, unsigned long)
									  : len == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, size_t);
			put_unsigned(b, v, c == 'x' ? 16 : 10);
		}
	}
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	if (simple_format(fmt)) {
		fast_format(b, fmt, ap);
		return;
	}
	/* Format straight into the free space; only when it does not fit,
	 * grow and format again (one vsnprintf in the common case). */
	grow(b, 64);
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->s[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

void buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *buf_steal(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}
