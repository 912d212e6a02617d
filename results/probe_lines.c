/* results/probe_lines.c: kernel lines and framed probe lines out of a
 * console log (see probe_lines.h). Hand-written: the only grammar is "tag
 * at the start, frame at the end, kernel timestamps cut it". */
#include "results/probe_lines.h"
#include "results/triage_internal.h"
#include "common/line_frame.h"
#include <string.h>

#define TAG_LEN (sizeof PROBE_TAG - 1)
/* A probe line is at most 1023 bytes; kernel lines inside it rarely more
 * than a handful. Past these, the fragments are given up as damaged. */
#define MAX_PENDING 1100
#define MAX_HOPS 64

void probe_lines_init(struct probe_lines *r, probe_piece_fn *emit, void *ctx)
{
	memset(r, 0, sizeof *r);
	r->emit = emit;
	r->ctx = ctx;
}

static bool tagged(const char *s, size_t n)
{
	return n >= TAG_LEN && !memcmp(s, PROBE_TAG, TAG_LEN);
}

/* /init's own lines (an echo in a shell script) carry no frame. */
static bool init_line(const char *s, size_t n)
{
	static const char *const words[] = { PROBE_TAG "READY", PROBE_TAG "DONE ", PROBE_TAG "ERROR - " };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (n >= strlen(words[i]) && !memcmp(s, words[i], strlen(words[i])))
			return true;
	return false;
}

static void damaged(struct probe_lines *r, const char *s, size_t n, int line)
{
	r->n_damaged++;
	/* Cut inside the tag: nothing of the text is left. */
	size_t skip = n < TAG_LEN ? n : TAG_LEN;
	r->emit(r->ctx, PIECE_DAMAGED, s + skip, n - skip, line);
}

/* A whole probe line (tag at s): PROBE if its frame checks. */
static bool try_whole(struct probe_lines *r, const char *s, size_t n, int line)
{
	size_t text;
	if (!line_frame_check(s, n, &text))
		return false;
	r->framed = true;
	r->emit(r->ctx, PIECE_PROBE, s + TAG_LEN, text - TAG_LEN, line);
	return true;
}

static void give_up_pending(struct probe_lines *r)
{
	if (!r->pending.len)
		return;
	damaged(r, r->pending.s, r->pending.len, r->pending_line);
	buf_reset(&r->pending);
}

static void kernel(struct probe_lines *r, const char *s, size_t n, int line)
{
	r->emit(r->ctx, PIECE_KERNEL, s, n, line);
}

/* A line starting with the tag, nothing pending. */
static void start(struct probe_lines *r, const char *s, size_t n, int line)
{
	if (try_whole(r, s, n, line))
		return;
	const char *ts = cline_find_timestamp(s + TAG_LEN, s + n);
	if (ts) {
		/* Cut by a kernel line: keep the fragment, hand out the kernel part. */
		size_t head = (size_t)(ts - s);
		buf_reset(&r->pending);
		buf_add(&r->pending, s, head);
		r->pending_line = line;
		r->pending_hops = 0;
		kernel(r, ts, n - head, line);
		/* The kernel line came after the frame, before the newline. */
		if (try_whole(r, r->pending.s, r->pending.len, line))
			buf_reset(&r->pending);
		return;
	}
	if (line_frame_present(s, n) || (r->framed && !init_line(s, n)))
		damaged(r, s, n, line);
	else
		r->emit(r->ctx, PIECE_UNFRAMED, s + TAG_LEN, n - TAG_LEN, line);
}

/* The next console line while a probe line waits for its end. */
static void resume(struct probe_lines *r, const char *s, size_t n, int line)
{
	const char *ts = cline_find_timestamp(s, s + n);
	const char *p = s;
	while (p < ts && *p == ' ')
		p++;
	if (ts && p == ts) {
		/* Another whole kernel line in between. */
		kernel(r, s, n, line);
		if (++r->pending_hops > MAX_HOPS)
			give_up_pending(r);
		return;
	}
	size_t piece = ts ? (size_t)(ts - s) : n;
	buf_add(&r->pending, s, piece);
	if (ts)
		kernel(r, ts, n - piece, line);
	if (try_whole(r, r->pending.s, r->pending.len, r->pending_line)) {
		r->n_rejoined++;
		buf_reset(&r->pending);
	} else if (!ts || ++r->pending_hops > MAX_HOPS || r->pending.len > MAX_PENDING) {
		give_up_pending(r);   /* the last piece came and it does not check */
	}
}

void probe_lines_feed(struct probe_lines *r, const char *raw, size_t n, int line)
{
	struct cline l;
	cline_clean(&l, raw, n, &r->scratch);
	const char *s = l.text;
	size_t len = l.len;
	if (r->pending.len) {
		if (!tagged(s, len)) {
			resume(r, s, len, line);
			return;
		}
		give_up_pending(r);     /* a new probe line: the old one never ended */
	}
	if (tagged(s, len)) {
		start(r, s, len, line);
		return;
	}
	/* Cut inside the tag itself: "@@TOPO[    4.1] ..." then "FARM ...". */
	size_t k = 0;
	while (k < len && k < TAG_LEN && s[k] == PROBE_TAG[k])
		k++;
	if (k && k < len && cline_find_timestamp(s + k, s + len) == s + k) {
		buf_reset(&r->pending);
		buf_add(&r->pending, s, k);
		r->pending_line = line;
		r->pending_hops = 0;
		kernel(r, s + k, len - k, line);
		return;
	}
	kernel(r, s, len, line);
}

void probe_lines_parse(struct probe_lines *r, const char *log, size_t len)
{
	int line = 1;
	for (size_t at = 0; at < len; line++) {
		const char *nl = memchr(log + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (log + at)) : len - at;
		probe_lines_feed(r, log + at, n, line);
		at += n + 1;
	}
}

void probe_lines_finish(struct probe_lines *r)
{
	give_up_pending(r);
	buf_free(&r->pending);
	buf_free(&r->scratch);
}
