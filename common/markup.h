/* common/markup.h: escaping hostile text (kernel console output, topology
 * text) for HTML and XML. The output is always valid UTF-8 holding only
 * characters the format allows: invalid bytes and control characters become
 * U+FFFD, markup characters become entities. */
#ifndef COMMON_MARKUP_H
#define COMMON_MARKUP_H
#include "common/buf.h"
#include <stddef.h>

/* HTML text or attribute value (quoted with "): & < > " ' escaped; tab,
 * newline kept; CR and NUL dropped; other controls -> U+FFFD. */
void html_escape(struct buf *out, const char *s, size_t n);
void html_escape_str(struct buf *out, const char *s);   /* NULL: nothing */
/* XML 1.0 text or attribute: the same entities; characters XML 1.0 forbids
 * (controls other than tab/LF/CR, U+FFFE, U+FFFF) -> U+FFFD, NUL dropped.
 * In attributes tab/LF/CR are written as character references. */
void xml_escape(struct buf *out, const char *s, size_t n, int attribute);
void xml_escape_str(struct buf *out, const char *s, int attribute);

#endif
