/* results/frames.c: call-trace frame parsing, and the skip-list questions
 * the triage asks about a frame (the list itself is data:
 * results/frame-skip.conf, read by results/frame_skip.c). */
#include "results/triage_internal.h"
#include <stdlib.h>
#include <string.h>

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* At p: "+0xHEX/0xHEX" (modern and 4.x) or "+0xHEX" alone (some arches). */
static bool offset_follows(const char *p, const char *end)
{
	if (end - p < 4 || p[0] != '+' || p[1] != '0' || p[2] != 'x' || !is_hex(p[3]))
		return false;
	return true;
}

/* Function name without compiler suffixes: topology_sane.isra.0 -> topology_sane,
 * so the same function gets the same title whatever the compiler did to it. */
static void set_name(struct frame *f, const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	if (dot && dot > s)
		n = (size_t)(dot - s);
	f->name = s;
	f->len = n;
}

bool frame_find_symbol(const char *s, size_t len, struct frame *f)
{
	const char *end = s + len, *p = s;
	while (p < end) {
		const char *plus = memchr(p, '+', (size_t)(end - p));
		if (!plus)
			return false;
		if (offset_follows(plus, end) && plus > s && is_ident(plus[-1])) {
			const char *b = plus;
			while (b > s && is_ident(b[-1]))
				b--;
			/* An identifier starts with a letter or '_' (not an address). */
			if (!(*b >= '0' && *b <= '9') && *b != '.') {
				set_name(f, b, (size_t)(plus - b));
				f->reliable = true;
				return f->len > 0;
			}
		}
		p = plus + 1;
	}
	return false;
}

bool frame_parse_trace(const char *msg, size_t len, struct frame *f)
{
	const char *p = msg, *end = msg + len;
	bool reliable = true;
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (end - p >= 2 && p[0] == '[' && p[1] == '<') {
			/* 4.x address column: "[<ffffffff8100213a>]" */
			const char *q = memchr(p, ']', (size_t)(end - p));
			if (!q)
				return false;
			p = q + 1;
			continue;
		}
		if (end - p >= 2 && p[0] == '?' && p[1] == ' ') {
			reliable = false;
			p += 2;
			continue;
		}
		break;
	}
	const char *b = p;
	while (p < end && is_ident(*p))
		p++;
	if (p == b || (*b >= '0' && *b <= '9') || !offset_follows(p, end))
		return false;
	set_name(f, b, (size_t)(p - b));
	f->reliable = reliable;
	return f->len > 0;
}

unsigned frame_skip_classes(const char *name, size_t len)
{
	return skip_list_classes(skip_list_builtin(), name, len, NULL);
}

bool frame_is_skipped(const char *name, size_t len, bool as_caller)
{
	unsigned c = frame_skip_classes(name, len);
	return (c & (SKIP_ALWAYS | SKIP_ENTRY)) || (as_caller && (c & SKIP_CALLER));
}
