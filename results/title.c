/* results/title.c: building syzbot-style titles from a report's parts, and
 * normalising free text (panic reasons, BUG messages) so titles and their
 * signatures do not change with addresses, PIDs, CPU numbers or sizes. */
#include "results/triage_internal.h"
#include "common/sha256.h"
#include <stdlib.h>
#include <string.h>

#define MAX_TITLE 200

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A token is a number if it is decimal, 0x-hex, or a long hex word with a
 * digit in it (an address printed without 0x). */
static bool is_number(const char *t, size_t n)
{
	if (n >= 3 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		for (size_t i = 2; i < n; i++)
			if (!is_hex(t[i]))
				return false;
		return true;
	}
	bool all_dec = true, all_hex = true, digit = false;
	for (size_t i = 0; i < n; i++) {
		if (t[i] >= '0' && t[i] <= '9')
			digit = true;
		else
			all_dec = false;
		if (!is_hex(t[i]))
			all_hex = false;
	}
	return all_dec || (all_hex && digit && n >= 8);
}

void title_normalise_into(struct buf *b, const char *s, size_t n)
{
	size_t start = b->len;
	bool space = false;
	for (size_t i = 0; i < n && b->len - start < MAX_TITLE;) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			i++;
			continue;
		}
		if (space && b->len > start)
			buf_putc(b, ' ');
		space = false;
		if (is_word(c)) {
			size_t j = i;
			while (j < n && is_word(s[j]))
				j++;
			if (is_number(s + i, j - i))
				buf_putc(b, 'N');
			else
				buf_add(b, s + i, j - i);
			i = j;
			continue;
		}
		buf_putc(b, (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f ? '?' : c);
		i++;
	}
}

char *triage_normalise_title(const char *s)
{
	struct buf b = BUF_INIT;
	if (s)
		title_normalise_into(&b, s, strlen(s));
	return buf_steal(&b);
}

char *triage_signature(const char *title)
{
	char *n = triage_normalise_title(title);
	char hex[65];
	sha256_hex(n, strlen(n), hex);
	free(n);
	return xstrdup(hex);
}

static void add_frame(struct buf *b, const char *frame)
{
	if (frame && *frame) {
		buf_puts(b, " in ");
		buf_puts(b, frame);
	}
}

char *title_build(const struct title_parts *p)
{
	const struct family_info *fi = family_info(p->fam);
	struct buf b = BUF_INIT;
	switch (p->fam) {
	case FAM_KASAN:
	case FAM_KFENCE:
		/* "KASAN: slab-out-of-bounds Read in F", "KFENCE: out-of-bounds read in F" */
		buf_puts(&b, fi->title);
		buf_puts(&b, ": ");
		title_normalise_into(&b, p->detail ? p->detail : "unknown", strlen(p->detail ? p->detail : "unknown"));
		if (p->access) {
			buf_putc(&b, ' ');
			buf_puts(&b, p->access);
		}
		add_frame(&b, p->frame);
		break;
	case FAM_UBSAN:
		/* "UBSAN: shift-out-of-bounds in mm/page_alloc.c": the file, not the
		 * frame (the same check fires from many callers). */
		buf_puts(&b, "UBSAN: ");
		title_normalise_into(&b, p->detail ? p->detail : "unknown", strlen(p->detail ? p->detail : "unknown"));
		if (p->detail2) {
			buf_puts(&b, " in ");
			title_normalise_into(&b, p->detail2, strlen(p->detail2));
		} else {
			add_frame(&b, p->frame);
		}
		break;
	case FAM_PANIC:
		buf_puts(&b, fi->title);
		if (p->detail && *p->detail) {
			buf_puts(&b, ": ");
			title_normalise_into(&b, p->detail, strlen(p->detail));
		}
		break;
	case FAM_BUG_OTHER:
		buf_puts(&b, "BUG: ");
		title_normalise_into(&b, p->detail ? p->detail : "unknown", strlen(p->detail ? p->detail : "unknown"));
		add_frame(&b, p->frame);
		break;
	case FAM_WARNING:
		if (p->detail) {        /* "WARNING: possible circular locking ..." */
			buf_puts(&b, "WARNING: ");
			title_normalise_into(&b, p->detail, strlen(p->detail));
			break;
		}
		buf_puts(&b, fi->title);
		add_frame(&b, p->frame);
		break;
	default:
		buf_puts(&b, fi->title);
		add_frame(&b, p->frame);
		break;
	}
	return buf_steal(&b);
}
