/* common/markup.c: HTML and XML escaping of hostile text. */
#include "common/markup.h"
#include "common/utf8.h"
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd"

/* Returns the entity for a markup character, or NULL. */
static const char *entity(unsigned c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void html_escape(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, used;
	while (i < n) {
		int32_t cp = utf8_decode(s + i, n - i, &used);
		const char *ent = cp >= 0 ? entity((unsigned)cp) : NULL;
		if (cp < 0)
			buf_puts(out, REPLACEMENT);
		else if (ent)
			buf_puts(out, ent);
		else if (cp == '\n' || cp == '\t')
			buf_putc(out, (char)cp);
		else if (cp == 0 || cp == '\r')
			;   /* NUL and CR carry nothing a reader needs */
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			buf_puts(out, REPLACEMENT);
		else
			buf_add(out, s + i, used);
		i += used;
	}
}

void html_escape_str(struct buf *out, const char *s)
{
	if (s)
		html_escape(out, s, strlen(s));
}

static bool xml_allowed(int32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

void xml_escape(struct buf *out, const char *s, size_t n, int attribute)
{
	size_t i = 0, used;
	while (i < n) {
		int32_t cp = utf8_decode(s + i, n - i, &used);
		const char *ent = cp >= 0 ? entity((unsigned)cp) : NULL;
		if (cp == 0)
			;
		else if (cp < 0 || !xml_allowed(cp))
			buf_puts(out, REPLACEMENT);
		else if (ent)
			buf_puts(out, ent);
		else if (attribute && (cp == '\t' || cp == '\n' || cp == '\r'))
			buf_printf(out, "&#%d;", (int)cp);   /* attribute normalisation would eat them */
		else
			buf_add(out, s + i, used);
		i += used;
	}
}

void xml_escape_str(struct buf *out, const char *s, int attribute)
{
	if (s)
		xml_escape(out, s, strlen(s), attribute);
}
