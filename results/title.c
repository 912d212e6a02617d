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

/* At s[i] == '+': "+0x1a/0x30" or "+0x1a", a symbol offset; returns its
 * length, or 0. */
static size_t offset_len(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	if (j + 2 >= n || s[j] != '0' || (s[j + 1] != 'x' && s[j + 1] != 'X') || !is_hex(s[j + 2]))
		return 0;
	j += 2;
	while (j < n && is_hex(s[j]))
		j++;
	if (j + 3 < n && s[j] == '/' && s[j + 1] == '0' && s[j + 2] == 'x' && is_hex(s[j + 3])) {
		j += 3;
		while (j < n && is_hex(s[j]))
			j++;
	}
	return j - i;
}

/* Numbers and addresses to N, symbol offsets out, whitespace collapsed,
 * control and non-ASCII bytes to '?'. */
static void normalise_tokens(struct buf *b, const char *s, size_t n)
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
		size_t ol = c == '+' ? offset_len(s, i, n) : 0;
		if (ol) {
			i += ol;
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

/* Phrases that only say where or when: " on CPU#N", " on cpu N", " [N]"
 * ("in preemptible [00000000] code"). Removed after numbers became N. */
static const char *const dropped[] = { " on CPU#N", " on cpu N", " on CPU N", " [N]" };

void title_normalise_into(struct buf *b, const char *s, size_t n)
{
	struct buf t = BUF_INIT;
	normalise_tokens(&t, s, n);
	size_t i = 0;
	while (i < t.len) {
		size_t skip = 0;
		for (size_t k = 0; k < sizeof dropped / sizeof dropped[0] && !skip; k++) {
			size_t dl = strlen(dropped[k]);
			/* the phrase must end at a word boundary */
			if (i + dl <= t.len && !memcmp(t.s + i, dropped[k], dl) &&
			    (i + dl == t.len || !is_word(t.s[i + dl])))
				skip = dl;
		}
		if (skip) {
			i += skip;
			continue;
		}
		buf_putc(b, t.s[i++]);
	}
	buf_free(&t);
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

/* " in FRAME"; " in corrupted" when the family needs a frame and the
 * report has none (its stack is missing or cut). */
static void add_frame(struct buf *b, const struct title_parts *p)
{
	if (p->frame && *p->frame) {
		buf_puts(b, " in ");
		buf_puts(b, p->frame);
	} else if (family_info(p->fam)->needs_frame) {
		buf_puts(b, " in corrupted");
	}
}

static void put_text(struct buf *b, const char *s)
{
	buf_puts(b, s && *s ? s : "unknown");
}

/* The raw title; title_build normalises it as a whole. */
static void build_raw(struct buf *b, const struct title_parts *p)
{
	const struct family_info *fi = family_info(p->fam);
	switch (p->fam) {
	case FAM_KASAN:
	case FAM_KFENCE:
	case FAM_KMSAN:
		/* "KASAN: slab-out-of-bounds Read in F", "KMSAN: uninit-value in F" */
		buf_puts(b, fi->title);
		buf_puts(b, ": ");
		put_text(b, p->detail);
		if (p->access) {
			buf_putc(b, ' ');
			buf_puts(b, p->access);
		}
		add_frame(b, p);
		break;
	case FAM_UBSAN:
		/* "UBSAN: shift-out-of-bounds in mm/page_alloc.c": the file, not the
		 * frame (the same check fires from many callers). */
		buf_puts(b, "UBSAN: ");
		put_text(b, p->detail);
		if (p->detail2) {
			buf_puts(b, " in ");
			buf_puts(b, p->detail2);
		} else {
			add_frame(b, p);
		}
		break;
	case FAM_PANIC:
		buf_puts(b, fi->title);
		if (p->detail && *p->detail) {
			buf_puts(b, ": ");
			buf_puts(b, p->detail);
		}
		break;
	case FAM_BUG_OTHER:
		buf_puts(b, "BUG: ");
		put_text(b, p->detail);
		add_frame(b, p);
		break;
	case FAM_LOCKDEP:
		/* "possible deadlock in F", "WARNING: suspicious RCU usage in F" */
		buf_puts(b, p->detail ? p->detail : fi->title);
		add_frame(b, p);
		break;
	case FAM_WARNING:
		/* "WARNING: refcount bug in F", "WARNING: bad contention in F",
		 * "WARNING in F" */
		buf_puts(b, "WARNING");
		if (p->kind || p->detail) {
			buf_puts(b, ": ");
			buf_puts(b, p->kind ? p->kind : p->detail);
		}
		add_frame(b, p);
		break;
	default:
		buf_puts(b, fi->title);
		add_frame(b, p);
		break;
	}
}

char *title_build(const struct title_parts *p)
{
	struct buf raw = BUF_INIT, b = BUF_INIT;
	build_raw(&raw, p);
	title_normalise_into(&b, raw.s ? raw.s : "", raw.len);
	buf_free(&raw);
	return buf_steal(&b);
}
