/* results/compare_series.h: any number of kernels, in order (releases,
 * bisection points, stock and several fixes): the layout x kernel matrix
 * (each cell a tally over the attempts) and the verdict of each adjacent
 * pair (k1->k2, k2->k3, ...: fixed, regressed, still-broken, clean, flaky,
 * incomplete), rendered as text, JSON, HTML and JUnit. Built from the
 * pairwise comparisons of compare.h, so both agree on every verdict. */
#ifndef RESULTS_COMPARE_SERIES_H
#define RESULTS_COMPARE_SERIES_H
#include "results/compare.h"

struct series_layout {
	char *name, *hash;
	struct kernel_tally **cell;       /* [kernel]: NULL when the layout has no run there */
	struct layout_verdict **step;     /* [pair i = kernels i, i+1]: NULL when neither has a run */
};

struct series {
	char **kernels;
	int n_kernels;
	struct comparison *pairs;         /* n_kernels - 1 adjacent comparisons */
	struct series_layout *layouts;
	int n_layouts;
};

void series_build(const struct store_runs *runs, const struct store_signature *sigs, int n_sigs,
		  const char *current_campaign, char *const *kernels, int n_kernels, int want_attempts,
		  struct series *out);
void series_free(struct series *s);
/* True if an adjacent pair regressed, is still broken or is flaky. */
bool series_has_findings(const struct series *s);

void series_print_text(FILE *f, const struct series *s);
void series_write_json(struct buf *out, const struct series *s);
void series_write_html(struct buf *out, const struct series *s);
/* One testsuite per adjacent pair, one testcase per layout: a failure when
 * the pair regressed, is still broken or is flaky. */
void series_write_junit(struct buf *out, const struct series *s);

#endif
