/* common/utf8.c: strict UTF-8 decoding and sanitising. */
#include "common/utf8.h"
#include "common/buf.h"

int32_t utf8_decode(const char *s, size_t n, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];
	*used = 1;
	if (c < 0x80)
		return (int32_t)c;
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	if (len > n)
		return -1;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past Unicode are not text. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*used = len;
	return (int32_t)cp;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0, used;
	while (i < n) {
		if (utf8_decode(s + i, n - i, &used) < 0)
			return false;
		i += used;
	}
	return true;
}

char *utf8_sanitize(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i = 0, used;
	while (i < n) {
		int32_t cp = utf8_decode(s + i, n - i, &used);
		if (cp < 0)
			buf_puts(&b, "\xef\xbf\xbd");
		else if (cp != 0)
			buf_add(&b, s + i, used);
		i += used;
	}
	return buf_steal(&b);
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
