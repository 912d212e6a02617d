/* common/strv.c: owned string vectors for argv building. */
#include "common/strv.h"
#include "common/buf.h"
#include <stdarg.h>
#include <stdlib.h>

static void reserve(struct strv *s)
{
	if (s->n + 2 <= s->cap)
		return;
	s->cap = s->cap ? s->cap * 2 : 16;
	s->v = xrealloc(s->v, sizeof *s->v * (size_t)s->cap);
}

void strv_add(struct strv *s, const char *arg)
{
	reserve(s);
	s->v[s->n++] = xstrdup(arg);
	s->v[s->n] = NULL;
}

void strv_addf(struct strv *s, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	reserve(s);
	s->v[s->n++] = buf_steal(&b);
	s->v[s->n] = NULL;
}

char **strv_argv(struct strv *s)
{
	reserve(s);
	s->v[s->n] = NULL;
	return s->v;
}

void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
