/* results/repro.h: "does this run show the same bug?", the question
 * `topofarm minimize` asks of every boot of a candidate layout. A crash is
 * the same when its title has the same signature (triage_signature: the
 * crash bucket); a divergence is the same when the layout oracle differs in
 * the same group ("divergence in Zone ranges"). */
#ifndef RESULTS_REPRO_H
#define RESULTS_REPRO_H
#include "results/run_record.h"
#include <stdbool.h>

struct repro_target {
	bool divergence;        /* else a crash */
	char *signature;        /* crash: triage_signature of the title */
	char *group;            /* divergence: the first differing group */
	char *label;            /* for people: the title, or "divergence in GROUP" */
};

/* The target a run shows. -1 (with *why, caller frees) when it shows
 * nothing to minimize: a pass, an infra run, a crash without title. */
int repro_target_of(const struct run_record *r, struct repro_target *t, char **why);
void repro_target_free(struct repro_target *t);
/* Does run r show target t? (Infra runs never do: check r first.) */
bool repro_matches(const struct repro_target *t, const struct run_record *r);

#endif
