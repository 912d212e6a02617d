/* common/utf8.h: strict UTF-8 decoding (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), for the places that must emit valid
 * text from hostile bytes: the JSON reader, HTML and XML reports, record.json. */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s (n > 0 bytes available). Returns its code point
 * and sets *used to its length, or returns -1 with *used = 1 for a byte that
 * does not start a valid sequence. */
int32_t utf8_decode(const char *s, size_t n, size_t *used);
/* True if all n bytes are valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* A copy of n bytes with every invalid byte replaced by U+FFFD and NUL bytes
 * dropped; always a valid C string. Caller frees. */
char *utf8_sanitize(const char *s, size_t n);
/* Appends code point cp (valid scalar value) as UTF-8 to out (4 bytes max);
 * returns the number of bytes written. */
int utf8_encode(uint32_t cp, char out[4]);

#endif
