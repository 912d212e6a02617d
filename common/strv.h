/* common/strv.h: a NULL-terminated vector of owned strings, the shape execvp
 * wants. Argument vectors for QEMU, apt-get, make, iasl... are built with it. */
#ifndef COMMON_STRV_H
#define COMMON_STRV_H

struct strv {
	char **v;                     /* always NULL-terminated once anything was added */
	int n, cap;
};

void strv_add(struct strv *s, const char *arg);
void strv_addf(struct strv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_free(struct strv *s);
/* Empty vectors still give a valid {NULL} array. */
char **strv_argv(struct strv *s);

#endif
