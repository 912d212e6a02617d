/* results/compare.h: stock-vs-fixed verdicts. For every layout booted on both
 * kernels: fixed (stock crashes, fixed does not), regressed (the reverse),
 * still-broken (both crash; same or different title), clean (neither), flaky
 * (reruns of one kernel disagree), or incomplete (a kernel has no usable
 * run). Reliability is counted over the attempts (stock crashed 3/3, fixed
 * 0/3); infra runs are never blamed on a kernel and are counted apart. */
#ifndef RESULTS_COMPARE_H
#define RESULTS_COMPARE_H
#include "common/buf.h"
#include "common/strv.h"
#include "results/store.h"
#include <stdio.h>

enum verdict {
	VERDICT_FIXED, VERDICT_REGRESSED, VERDICT_STILL_BROKEN, VERDICT_CLEAN,
	VERDICT_FLAKY, VERDICT_INCOMPLETE,
	VERDICT__COUNT
};

/* What one kernel did on one layout over its attempts. */
struct kernel_tally {
	int attempts;                 /* runs that count (not infra) */
	int crashed;                  /* of those, crashes */
	int infra;                    /* infra runs: excluded */
	enum outcome worst;           /* most serious outcome seen (pass if none) */
	char *title;                  /* most frequent crash title, NULL if none */
	char *signature;              /* its signature */
	int distinct_titles;          /* different crash titles over the attempts */
	bool title_new;               /* its signature first showed up in the current campaign */
	char *known_bug;              /* known-list id of that title, if any */
	char *example_dir;            /* run directory of a crashing (else any) attempt */
};

struct layout_verdict {
	char *layout_name, *layout_hash;
	enum verdict verdict;
	bool same_title;              /* still-broken: the same title on both */
	struct kernel_tally stock, fixed;
	bool short_of_attempts;       /* fewer than the wanted attempts on a kernel */
	char *topology_path;          /* a run directory's topology.topo, or NULL */
};

struct comparison {
	char *stock, *fixed;
	char *current_campaign;       /* "new" is relative to it; NULL: every title is new */
	int want_attempts;            /* --rerun K (1 when not given) */
	struct layout_verdict *v;
	int n;
	int counts[VERDICT__COUNT];
	int infra_runs;               /* infra runs of the two kernels, excluded */
	int short_layouts;            /* layouts short of want_attempts */
};

/* True if the run counts as a crash: warning (non-benign), oops, panic, hang
 * or boot-fail. */
bool run_crashed(const struct run_record *r);

/* Builds the comparison from runs (any order; other kernels are ignored) and
 * the store's signatures (for "new"). */
void compare_runs(const struct store_runs *runs, const struct store_signature *sigs, int n_sigs,
		  const char *current_campaign, const char *stock, const char *fixed,
		  int want_attempts, struct comparison *out);
void comparison_free(struct comparison *c);
const char *verdict_name(enum verdict v);
/* "fixed", "still-broken (same title)", ... */
const char *verdict_label(const struct layout_verdict *v);

/* Human text: one block per layout, then the totals, and (when short of
 * attempts) the exact `topofarm run` command that completes them. */
void compare_print_text(FILE *f, const struct comparison *c, const char *results_dir);
/* One JSON object with every layout's verdict and tallies. */
void compare_write_json(struct buf *out, const struct comparison *c, const char *results_dir);
/* The `topofarm run TOPO... --kernels STOCK,FIXED --rerun K --out DIR`
 * command that completes the attempts, into out (strv_free it); false (and
 * out empty) if no layout is short. */
bool compare_rerun_argv(const struct comparison *c, const char *results_dir, struct strv *out);
/* True if any verdict is a finding (regressed, still-broken, flaky). */
bool comparison_has_findings(const struct comparison *c);

#endif
