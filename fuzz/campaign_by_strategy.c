/* fuzz/campaign_by_strategy.c: the summary's last section, what each way
 * of making layouts gave this campaign: for every generator strategy (and
 * "mutate" for corpus mutations, "file" for given layouts) the layouts it
 * planned, their boots, crash and divergence runs, the distinct buckets,
 * how many the corpus kept, and the distinct kernel edges its layouts
 * reached on the gcov kernels of the matrix. It is how a night tells which
 * strategies earn their boots (README: a 1-hour campaign's figures). */
#include "fuzz/campaign.h"
#include "results/report.h"
#include "results/triage.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct strategy_row {
	const char *name;
	int layouts, boots, crashes, divergences, kept;
	struct strv signatures;
	struct strv edge_kernels;     /* edge ids belong to one kernel build */
	struct edge_set *edges;
};

static const char *origin_label(const struct store_plan_entry *e)
{
	if (!strcmp(e->origin.kind, "gen") && e->origin.strategy)
		return e->origin.strategy;
	return e->origin.kind;
}

static int row_of(struct strategy_row **rows, int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*rows)[i].name, name))
			return i;
	*rows = xrealloc(*rows, sizeof **rows * (size_t)(*n + 1));
	(*rows)[*n] = (struct strategy_row){ .name = name };
	return (*n)++;
}

static void add_edges(struct strategy_row *r, const char *kernel, const struct edge_set *got)
{
	int k = 0;
	while (k < r->edge_kernels.n && strcmp(r->edge_kernels.v[k], kernel))
		k++;
	if (k == r->edge_kernels.n) {
		strv_add(&r->edge_kernels, kernel);
		r->edges = xrealloc(r->edges, sizeof *r->edges * (size_t)r->edge_kernels.n);
		r->edges[k] = (struct edge_set){ 0 };
	}
	edge_set_merge(&r->edges[k], got);
}

void campaign_by_strategy(struct buf *out, const struct report_data *d, const struct store_plan_entry *plan, int n_plan)
{
	struct strategy_row *rows = NULL;
	int n = 0;
	for (int i = 0; i < n_plan; i++) {
		int at = row_of(&rows, &n, origin_label(&plan[i]));   /* may move rows */
		struct strategy_row *r = &rows[at];
		r->layouts++;
		r->kept += plan[i].corpus && *plan[i].corpus;
	}
	bool any_edges = false;
	for (int i = 0; i < d->runs.n; i++) {
		const struct run_record *run = &d->runs.v[i];
		if (run->triage.outcome == OUTCOME_INFRA)
			continue;
		int p = 0;
		while (p < n_plan && strcmp(plan[p].hash, run->layout_hash))
			p++;
		if (p == n_plan)
			continue;   /* not planned by this campaign */
		int at = row_of(&rows, &n, origin_label(&plan[p]));
		struct strategy_row *r = &rows[at];
		r->boots++;
		enum outcome oc = run->triage.outcome;
		if (oc == OUTCOME_DIVERGENCE)
			r->divergences++;
		else if (oc != OUTCOME_PASS)
			r->crashes++;
		if (oc != OUTCOME_PASS && run->triage.title) {
			char *sig = triage_signature(run->triage.title);
			bool seen = false;
			for (int s = 0; s < r->signatures.n && !seen; s++)
				seen = !strcmp(r->signatures.v[s], sig);
			if (!seen)
				strv_add(&r->signatures, sig);
			free(sig);
		}
		if (run->coverage.present && run->coverage.edges.n) {
			add_edges(r, run->kernel_name, &run->coverage.edges);
			any_edges = true;
		}
	}
	if (n) {
		buf_puts(out, "== BY STRATEGY ==\n\n");
		buf_printf(out, "  %-22s %7s %6s %7s %7s %11s %5s %7s\n", "strategy", "layouts", "boots", "crashes", "buckets",
			   "divergences", "kept", "edges");
		for (int i = 0; i < n; i++) {
			struct strategy_row *r = &rows[i];
			size_t edges = 0;
			for (int k = 0; k < r->edge_kernels.n; k++)
				edges += r->edges[k].n;
			char e[32] = "-";
			if (any_edges)
				snprintf(e, sizeof e, "%zu", edges);
			buf_printf(out, "  %-22s %7d %6d %7d %7d %11d %5d %7s\n", r->name, r->layouts, r->boots, r->crashes,
				   r->signatures.n, r->divergences, r->kept, e);
		}
		buf_puts(out, "  (crashes and divergences count runs; buckets are distinct titles; edges are the distinct\n"
			      "   gcov edges the strategy's layouts reached)\n\n");
	}
	for (int i = 0; i < n; i++) {
		strv_free(&rows[i].signatures);
		for (int k = 0; k < rows[i].edge_kernels.n; k++)
			edge_set_free(&rows[i].edges[k]);
		free(rows[i].edges);
		strv_free(&rows[i].edge_kernels);
	}
	free(rows);
}
