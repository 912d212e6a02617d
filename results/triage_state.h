/* results/triage_state.h: the state of one triage pass, shared by the driver
 * (triage.c, which reads the log) and the verdict (triage_outcome.c, which
 * turns what was found into the result). */
#ifndef RESULTS_TRIAGE_STATE_H
#define RESULTS_TRIAGE_STATE_H
#include "results/triage_internal.h"

/* The report being read (at most one is open at a time). */
struct open_report {
	bool open;
	enum family fam;
	size_t offset;
	struct buf text;
	int lines, tail_lines;
	char *first_line, *phase, *taint;
	char *detail, *detail2, *access;        /* header details for the title */
	char *header_func, *rip_func;
	char *kind;                             /* WARNING kind: "refcount bug", ... */
	char *at_func;                          /* lockdep: first ", at: FUNC" lock site */
	bool at_next;                           /* "at:" ended a line: the next names it */
	/* Every frame in trace order, RIP lines included (names in fnames). */
	struct buf fnames;
	struct rframe {
		unsigned off, len;
		bool rip;
	} frames[TRIAGE_MAX_FRAMES];
	int n_frames;
	int irq_end;                            /* n_frames at the last </IRQ>/</NMI>, -1 none */
	int after_apic;                         /* index after the first *apic_timer_interrupt frame, -1 none */
	bool seen_die, seen_bug_at;             /* the die line / kernel BUG at joined */
	bool in_trace, saw_frame, saw_task_marker, trace_ended, ended;
	bool panicked;
	char *panic_reason;
	size_t panic_offset;
};

/* A closed report, before the verdict. */
struct found {
	struct triage_report r;
	enum family fam;
	bool panicked;                          /* a kernel panic followed from it */
	char *panic_reason;
	size_t panic_offset;
};

struct triage {
	const char *log;
	size_t len;
	enum run_end end;
	const struct known_list *known;
	struct triage_result *out;              /* canaries are noted here as they come */

	struct buf scratch;
	struct cline line;
	size_t line_off;
	const char *next_marker;                /* next "@@TOPOFARM " in the log */

	char phase[64];
	bool reached, done, any_marker;
	size_t last_marker_off;
	char *release;

	bool pre_valid;                         /* a preamble line was seen ... */
	size_t pre_off;                         /* ... at this offset */
	int pre_lines;                          /* ... this many lines ago */

	struct open_report cur;
	struct found *found;
	int n_found, cap_found, dropped;
	struct {                                /* the last closed report, kept or not, */
		bool valid;                     /* for a kernel panic that follows it */
		enum family fam;
		size_t offset;
		bool panicked;
		int index;                      /* in found, or -1 when dropped */
	} last;
};

/* Known-list matching, severities and the outcome; fills out and frees t's
 * findings (ownership of strings moves to out). */
void triage_finish(struct triage *t, struct triage_result *out);

#endif
