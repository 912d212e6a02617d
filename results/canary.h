/* results/canary.h: the ground-truth canaries of the seed-bug kernel
 * (farm-6.1-bugs, runner/patches/bugs/). A bug switched on with
 * topofarm.bugs=NNN prints "topofarm: bug NNN reached" the first time its
 * code path runs and "topofarm: bug NNN triggered" the first time the
 * condition its upstream fix tests holds. Triage records both per run and
 * adds "detected" when a crash report of the run carries the bug's
 * known-bug id (seed-NNN in results/known.conf): reached, triggered but not
 * detected, and detected are what the bug benchmark counts. */
#ifndef RESULTS_CANARY_H
#define RESULTS_CANARY_H
#include <stdbool.h>
#include <stddef.h>

#define CANARY_MAX_BUGS 64   /* the kernel side's TOPOFARM_NR_BUGS */

struct bug_canary {
	int bug;                 /* 0..CANARY_MAX_BUGS-1, printed as %03d */
	bool reached, triggered, detected;
};

struct triage_result;

/* A console message (timestamp already stripped) that is a canary line:
 * sets *bug and *triggered and returns true. Anything else, including a
 * malformed or out-of-range canary, returns false. */
bool canary_parse(const char *msg, size_t len, int *bug, bool *triggered);
/* Records a parsed canary in r (reached is implied by triggered). */
void canary_note(struct triage_result *r, int bug, bool triggered);
/* Records a canary read back from a record or the store, with its state as
 * canary_state_from_name() gives it. */
void canary_set(struct triage_result *r, int bug, int state);
/* Marks detected every canary whose bug a report of r names (known_bug
 * "seed-NNN"). Call once the reports are final. */
void canary_detect(struct triage_result *r);
/* "detected", "triggered" or "reached". */
const char *canary_state(const struct bug_canary *c);
/* "000 detected, 004 triggered" (empty string when none). Caller frees. */
char *canary_summary(const struct triage_result *r);
/* Parses a state name back; -1 when unknown. 0 reached, 1 triggered, 2 detected. */
int canary_state_from_name(const char *s);

#endif
