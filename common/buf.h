/* common/buf.h: a growable byte/string buffer. Always NUL-terminated, so
 * buf.s can be used as a C string; allocation failure aborts (out of memory
 * on a 24 GiB farm host is not something to limp on from). */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H
#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *s;
	size_t len, cap;
};

#define BUF_INIT { 0, 0, 0 }

void buf_add(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hand the string over to the caller (never NULL); the buffer is empty after. */
char *buf_steal(struct buf *b);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Room for element n of an array of elem-sized elements that only ever
 * grows by xgrow one element at a time from NULL: allocates XGROW_FIRST
 * elements at n 0, then reallocates only when n is a power of two from
 * XGROW_FIRST on (to twice n), so appending n elements costs about
 * log n - 2 reallocations (the layout model's arrays are mostly short: the
 * fuzz harness made 33 reallocations per layout growing from 1).
 * Returns the (maybe moved) array. */
#define XGROW_FIRST 8
void *xgrow(void *p, size_t n, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
