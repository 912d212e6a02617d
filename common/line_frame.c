/* common/line_frame.c: the probe line frame (see line_frame.h). */
#include "common/line_frame.h"
#include "common/sha256.h"
#include <string.h>

void line_frame_trailer(const char *s, size_t n, char out[LINE_FRAME_LEN])
{
	char hex[65];
	sha256_hex(s, n, hex);
	out[0] = ' ';
	out[1] = '~';
	memcpy(out + 2, hex, 8);
	out[10] = 0;
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool line_frame_present(const char *s, size_t n)
{
	if (n < LINE_FRAME_LEN - 1)
		return false;
	const char *t = s + n - (LINE_FRAME_LEN - 1);
	if (t[0] != ' ' || t[1] != '~')
		return false;
	for (int i = 2; i < LINE_FRAME_LEN - 1; i++)
		if (!is_lower_hex(t[i]))
			return false;
	return true;
}

bool line_frame_check(const char *s, size_t n, size_t *text_len)
{
	if (!line_frame_present(s, n))
		return false;
	size_t body = n - (LINE_FRAME_LEN - 1);
	char want[LINE_FRAME_LEN];
	line_frame_trailer(s, body, want);
	if (memcmp(want, s + body, LINE_FRAME_LEN - 1))
		return false;
	*text_len = body;
	return true;
}
