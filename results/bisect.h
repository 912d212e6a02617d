/* results/bisect.h: the decisions of `topofarm bisect`: what a kernel did
 * on a layout over its attempts (its behaviour class: pass, or a crash
 * title), whether that is the reference kernel's behaviour, and when the
 * attempts are enough to be sure. Pure functions of run records; the verb
 * boots and asks again until a step is decided.
 *
 * The rule, per step (one kernel):
 *   - infra runs never count (the host failed, not the kernel);
 *   - deterministic: the first `runs` attempts (default 2) all show one
 *     class -> decided. Boot bugs on a fixed layout usually are; syzkaller's
 *     rule (10 VMs a commit) pays for flakiness boot bugs do not have;
 *   - flaky: the attempts disagree -> boot again, up to `max_runs` (default
 *     8), then syzkaller's threshold: the reference crash is still there when
 *     it shows in >= max(2, n/6) attempts; a passing reference is still
 *     passing only when nothing crashed; anything between is undecidable
 *     (said, never guessed). */
#ifndef RESULTS_BISECT_H
#define RESULTS_BISECT_H
#include "results/run_record.h"
#include <stdbool.h>

/* A behaviour: pass, or a crash (its title, else its outcome name). */
struct behaviour {
	bool crashed;
	char *title;            /* NULL for pass */
	char *signature;        /* triage_signature(title); NULL for pass */
};
void behaviour_free(struct behaviour *b);
/* "pass" or the title. */
const char *behaviour_label(const struct behaviour *b);

enum step_state {
	STEP_NEED_RUNS,         /* boot again */
	STEP_SAME,              /* behaves as the reference */
	STEP_DIFFERENT,         /* does not */
	STEP_UNDECIDABLE,       /* max_runs reached, between the thresholds */
};

struct step_judgement {
	enum step_state state;
	int attempts, infra;    /* counted / ignored runs */
	int agreeing;           /* attempts showing the majority class */
	int reference_seen;     /* attempts showing the reference class */
	bool flaky;             /* the attempts disagree */
	struct behaviour majority;
	char *why;              /* one line: "2/2 attempts: panic ..." */
};
void step_judgement_free(struct step_judgement *j);
const char *step_state_name(enum step_state s);

/* Judges the runs of one kernel (runs[] of that kernel and layout only).
 * ref NULL: this is the reference kernel: SAME once its class is known. */
void bisect_judge(const struct run_record *const *runs, int n, const struct behaviour *ref,
		  int want_runs, int max_runs, struct step_judgement *out);

/* How likely a decided deterministic step hides the other behaviour: with n
 * agreeing attempts, a behaviour shown by at least half the boots would have
 * been missed with probability <= 0.5^n. Returned as that bound. */
double bisect_miss_bound(int agreeing);

#endif
