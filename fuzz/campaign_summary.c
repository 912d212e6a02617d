/* fuzz/campaign_summary.c: the end-of-campaign summary, fit for an e-mail
 * in syzbot's style (fuzz/campaign.h): new crash buckets first, each with
 * its title, the kernels that showed it and how often, the verdict of each
 * adjacent kernel pair on its layouts (results/compare.h), the console
 * around the report, the commands that boot it again, and the smallest
 * .topo of the bucket inline as the reproducer; then new divergences the same way, with the lines model and
 * kernel disagree on; then the known buckets, with their counts and pair
 * verdicts. "New" means no known-bug entry explains it and no earlier
 * campaign in the same store showed it. */
#include "fuzz/campaign.h"
#include "results/compare.h"
#include "results/report.h"
#include "results/triage.h"
#include <stdlib.h>
#include <string.h>

struct bucket {
	char *signature, *title;
	bool divergence, is_new;
	const char *known_bug;
	int runs;
	struct strv kernels;          /* distinct, in first-seen order */
	int *kernel_runs;
	struct strv layouts;          /* distinct layout hashes */
	int smallest;                 /* run index with the shortest topology text */
};

static int find_bucket(struct bucket *v, int n, const char *sig)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].signature, sig))
			return i;
	return -1;
}

static int strv_index(const struct strv *v, const char *s)
{
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return i;
	return -1;
}

static struct bucket *collect(const struct report_data *d, int *n_out)
{
	struct bucket *v = NULL;
	int n = 0;
	for (int i = 0; i < d->runs.n; i++) {
		const struct run_record *r = &d->runs.v[i];
		enum outcome oc = r->triage.outcome;
		if (oc == OUTCOME_PASS || oc == OUTCOME_INFRA || !r->triage.title)
			continue;
		char *sig = triage_signature(r->triage.title);
		int b = find_bucket(v, n, sig);
		if (b < 0) {
			v = xrealloc(v, sizeof *v * (size_t)(n + 1));
			b = n++;
			const struct store_signature *g = report_bucket(d, r->triage.title);
			v[b] = (struct bucket){ .signature = sig, .title = xstrdup(r->triage.title),
						.divergence = oc == OUTCOME_DIVERGENCE, .smallest = i,
						.known_bug = g ? g->known_bug : NULL };
			v[b].is_new = !v[b].known_bug && (!g || report_bucket_is_new(d, g));
		} else {
			free(sig);
		}
		struct bucket *k = &v[b];
		k->runs++;
		int ki = strv_index(&k->kernels, r->kernel_name);
		if (ki < 0) {
			strv_add(&k->kernels, r->kernel_name);
			k->kernel_runs = xrealloc(k->kernel_runs, sizeof *k->kernel_runs * (size_t)k->kernels.n);
			ki = k->kernels.n - 1;
			k->kernel_runs[ki] = 0;
		}
		k->kernel_runs[ki]++;
		if (strv_index(&k->layouts, r->layout_hash) < 0)
			strv_add(&k->layouts, r->layout_hash);
		const char *best = d->runs.v[k->smallest].topology_text;
		if (r->topology_text && (!best || strlen(r->topology_text) < strlen(best)))
			k->smallest = i;
	}
	*n_out = n;
	return v;
}

static void buckets_free(struct bucket *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].signature), free(v[i].title), free(v[i].kernel_runs);
		strv_free(&v[i].kernels), strv_free(&v[i].layouts);
	}
	free(v);
}

/* The verdicts of one kernel pair over the bucket's layouts: "fixed on 2
 * layouts, clean on 1". */
static void pair_line(struct buf *out, const struct comparison *c, const struct bucket *b)
{
	struct strv labels = { 0 };
	int counts[64] = { 0 };
	for (int i = 0; i < c->n; i++) {
		if (strv_index(&b->layouts, c->v[i].layout_hash) < 0)
			continue;
		const char *label = verdict_label(&c->v[i]);
		int li = strv_index(&labels, label);
		if (li < 0 && labels.n < 64) {
			strv_add(&labels, label);
			li = labels.n - 1;
		}
		if (li >= 0)
			counts[li]++;
	}
	if (labels.n) {
		buf_printf(out, "  %s vs %s: ", c->stock, c->fixed);
		for (int i = 0; i < labels.n; i++)
			buf_printf(out, "%s%s on %d layout%s", i ? ", " : "", labels.v[i], counts[i], counts[i] == 1 ? "" : "s");
		buf_putc(out, '\n');
	}
	strv_free(&labels);
}

static void indent(struct buf *out, const char *text, const char *prefix)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		buf_printf(out, "%s%.*s\n", prefix, (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

static void write_bucket(struct buf *out, const struct report_data *d, const struct bucket *b,
			 const struct comparison *pairs, int n_pairs, const char *results_dir)
{
	const struct run_record *r = &d->runs.v[b->smallest];
	buf_printf(out, "%s\n", b->title);
	buf_puts(out, "  kernels: ");
	for (int i = 0; i < b->kernels.n; i++)
		buf_printf(out, "%s%s (%d run%s)", i ? ", " : "", b->kernels.v[i], b->kernel_runs[i],
			   b->kernel_runs[i] == 1 ? "" : "s");
	buf_printf(out, "\n  count: %d run%s on %d layout%s\n", b->runs, b->runs == 1 ? "" : "s", b->layouts.n,
		   b->layouts.n == 1 ? "" : "s");
	for (int i = 0; i < n_pairs; i++)
		pair_line(out, &pairs[i], b);
	buf_printf(out, "  run: %s\n", r->dir ? r->dir : "?");
	if (b->divergence) {
		/* What the kernel built against what the layout model predicted. */
		for (int i = 0; i < r->divergence.n && i < 4; i++) {
			const struct divergence_item *it = &r->divergence.v[i];
			buf_printf(out, "  %s, predicted:\n", it->group);
			indent(out, *it->predicted ? it->predicted : "(nothing)", "    - ");
			buf_puts(out, "  seen:\n");
			indent(out, *it->seen ? it->seen : "(nothing)", "    + ");
		}
	} else {
		char *excerpt = report_excerpt(r, 30);
		if (excerpt) {
			buf_puts(out, "  console:\n");
			indent(out, excerpt, "    ");
			free(excerpt);
		}
	}
	buf_printf(out, "  recreate: topofarm campaign --recreate %s --out %s\n", r->layout_name, results_dir);
	char *rerun = report_reproducer(r);
	buf_printf(out, "  rerun (on %s):\n", r->kernel_name);
	indent(out, rerun, "    ");
	free(rerun);
	buf_printf(out, "  reproducer (%s, the smallest layout of the bucket):\n", r->layout_name);
	if (r->topology_text)
		indent(out, r->topology_text, "    ");
	buf_putc(out, '\n');
}

int campaign_summary(struct buf *out, const char *results_dir, const char *campaign, char *const *kernels, int nk,
		     const struct store_plan_entry *plan, int n_plan, const char *header, int *n_new, char **err)
{
	struct report_data d;
	if (report_load(results_dir, campaign, &d, err) < 0)
		return -1;
	int n = 0;
	struct bucket *v = collect(&d, &n);
	int n_pairs = nk > 1 ? nk - 1 : 0;
	struct comparison *pairs = xcalloc((size_t)n_pairs + 1, sizeof *pairs);
	for (int i = 0; i < n_pairs; i++)
		compare_runs(&d.runs, d.sigs, d.n_sigs, campaign, kernels[i], kernels[i + 1], 1, &pairs[i]);
	int crashes = 0, divergences = 0, known = 0;
	for (int i = 0; i < n; i++) {
		if (!v[i].is_new)
			known++;
		else if (v[i].divergence)
			divergences++;
		else
			crashes++;
	}
	if (header)
		buf_puts(out, header);
	buf_printf(out, "%d new crash bucket%s, %d new divergence%s, %d known bucket%s.\n\n", crashes,
		   crashes == 1 ? "" : "s", divergences, divergences == 1 ? "" : "s", known, known == 1 ? "" : "s");
	static const char *const sections[] = { "NEW CRASH BUCKETS", "NEW DIVERGENCES" };
	for (int s = 0; s < 2; s++) {
		if (!(s ? divergences : crashes))
			continue;
		buf_printf(out, "== %s ==\n\n", sections[s]);
		for (int i = 0; i < n; i++)
			if (v[i].is_new && v[i].divergence == (s == 1))
				write_bucket(out, &d, &v[i], pairs, n_pairs, results_dir);
	}
	if (known) {
		buf_puts(out, "== KNOWN BUCKETS ==\n\n");
		for (int i = 0; i < n; i++) {
			if (v[i].is_new)
				continue;
			buf_printf(out, "%s\n  %s%s; %d run%s on", v[i].title,
				   v[i].known_bug ? "known bug " : "seen by an earlier campaign", v[i].known_bug ? v[i].known_bug : "",
				   v[i].runs, v[i].runs == 1 ? "" : "s");
			for (int k = 0; k < v[i].kernels.n; k++)
				buf_printf(out, "%s %s (%d)", k ? "," : "", v[i].kernels.v[k], v[i].kernel_runs[k]);
			buf_putc(out, '\n');
			for (int p = 0; p < n_pairs; p++)
				pair_line(out, &pairs[p], &v[i]);
		}
		buf_putc(out, '\n');
	}
	campaign_by_strategy(out, &d, plan, n_plan);
	*n_new = crashes + divergences;
	for (int i = 0; i < n_pairs; i++)
		comparison_free(&pairs[i]);
	free(pairs);
	buckets_free(v, n);
	report_data_free(&d);
	return 0;
}
