/* results/probe_lines.h: splits a console log into kernel lines and guest
 * probe lines ("@@TOPOFARM ..."), checking each probe line's frame
 * (common/line_frame.h). The probe writes each line with one write(2), but
 * the kernel's printk goes to the UART directly and can land inside it:
 *     @@TOPOFARM block 5 state=onl[    4.123456] some kernel message
 *     ine online=1 ... ~1a2b3c4d
 * Such a line is put back together (the fragments before each kernel
 * timestamp, up to the line without one) and taken only if its frame then
 * checks; the kernel lines cut out of it are handed out as kernel lines.
 * Whatever does not check is handed out as DAMAGED, never as data. Logs of
 * an older probe, without frames, are handed out as UNFRAMED lines (taken
 * as data only when no kernel timestamp sits inside them). */
#ifndef RESULTS_PROBE_LINES_H
#define RESULTS_PROBE_LINES_H
#include "common/buf.h"
#include <stdbool.h>
#include <stddef.h>

#define PROBE_TAG "@@TOPOFARM "

enum probe_piece {
	PIECE_KERNEL,           /* a console line (cleaned; timestamp and all) */
	PIECE_PROBE,            /* a probe line whose frame checks: text past the tag, frame cut off */
	PIECE_UNFRAMED,         /* a probe line of a probe without frames, whole (past the tag) */
	PIECE_DAMAGED,          /* what is left of a probe line whose frame does not check */
};

/* line: the console line number where the piece (or, when put back
 * together, the probe line) started. */
typedef void probe_piece_fn(void *ctx, enum probe_piece kind, const char *s, size_t n, int line);

struct probe_lines {
	probe_piece_fn *emit;
	void *ctx;
	bool framed;            /* a framed probe line was seen: unframed ones are damaged */
	struct buf pending;     /* fragments of a probe line cut by kernel lines */
	int pending_line;
	int pending_hops;       /* console lines since it started */
	int n_damaged, n_rejoined;
	struct buf scratch;
};

void probe_lines_init(struct probe_lines *r, probe_piece_fn *emit, void *ctx);
/* Feeds one raw console line (hostile bytes, no '\n'). */
void probe_lines_feed(struct probe_lines *r, const char *raw, size_t n, int line);
/* Feeds a whole log. Ends with probe_lines_finish. */
void probe_lines_parse(struct probe_lines *r, const char *log, size_t len);
/* Hands out a probe line still waiting for its end as DAMAGED; frees. */
void probe_lines_finish(struct probe_lines *r);

#endif
