/* common/line_frame.h: the frame on every line the guest probe prints
 * (docs/guest-protocol.md, "Line frame"). A framed line is
 *     TEXT " ~" HHHHHHHH
 * where HHHHHHHH are the first 8 hex digits of SHA-256(TEXT). The guest
 * (runner/guest/probe.c) writes it, the host (results/probe_lines.c) checks
 * it, so a probe line that a kernel printk was spliced into can never pass
 * for data. Depends on common/sha256.c only: the static probe links it. */
#ifndef COMMON_LINE_FRAME_H
#define COMMON_LINE_FRAME_H
#include <stdbool.h>
#include <stddef.h>

#define LINE_FRAME_LEN 11       /* " ~" + 8 hex digits + NUL */

/* Writes " ~HHHHHHHH" (NUL-terminated) for the text s[0..n). */
void line_frame_trailer(const char *s, size_t n, char out[LINE_FRAME_LEN]);
/* Does s[0..n) end in a trailer (checked or not)? */
bool line_frame_present(const char *s, size_t n);
/* Is s[0..n) TEXT plus the right trailer? *text_len = length of TEXT. */
bool line_frame_check(const char *s, size_t n, size_t *text_len);

#endif
