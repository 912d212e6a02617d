/* fuzz/campaign_corpus.c: the campaign's corpus rule (fuzz/campaign.h). A
 * booted layout is kept, and becomes a parent for mutations, when it gave
 * a crash bucket or a divergence this store had not seen, or kernel edges
 * (gcov boot coverage, results/coverage.h, kept per kernel) no earlier
 * layout of the campaign had. Layout features (topologies/layout_features.h:
 * what the kernel can notice, the layout model's facts among them) stand in
 * for edges only while the campaign has no edges at all (a matrix without a
 * gcov kernel): once the kernel itself reports coverage, a layout that only
 * looks new to the model is not kept, because nearly every early layout
 * does (bench/campaign kept 80% of its layouts for features alone, which
 * left mutation parents hardly selected; docs/campaign.md).
 * The decision only depends on the runs' stored outcomes and on the
 * decisions before it, so a resumed campaign replays them exactly. */
#include "fuzz/campaign.h"
#include "results/triage.h"
#include "topologies/topo.h"
#include <stdlib.h>
#include <string.h>

void campaign_corpus_init(struct campaign_corpus *c)
{
	memset(c, 0, sizeof *c);
	c->feature_seen = xcalloc(FEATURE_SPACE, sizeof *c->feature_seen);
}

void campaign_corpus_free(struct campaign_corpus *c)
{
	for (int i = 0; i < c->edge_kernels.n; i++)
		edge_set_free(&c->edges[i]);
	free(c->edges);
	strv_free(&c->edge_kernels);
	strv_free(&c->names), strv_free(&c->hashes), strv_free(&c->texts), strv_free(&c->signatures);
	free(c->feature_seen);
	memset(c, 0, sizeof *c);
}

static bool seen_signature(const struct campaign_corpus *c, const char *sig)
{
	for (int i = 0; i < c->signatures.n; i++)
		if (!strcmp(c->signatures.v[i], sig))
			return true;
	return false;
}

int campaign_corpus_know_store(struct campaign_corpus *c, struct store *s, const char *campaign, char **err)
{
	struct store_signature *v;
	int n;
	if (store_load_signatures(s, &v, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (!v[i].first_campaign || strcmp(v[i].first_campaign, campaign) != 0)
			if (!seen_signature(c, v[i].signature))
				strv_add(&c->signatures, v[i].signature);
	store_signatures_free(v, n);
	return 0;
}

/* New features of the entry's layout: counted, then marked seen. */
static int new_features(struct campaign_corpus *c, const struct store_plan_entry *e)
{
	struct feature_set fs;
	if (layout_features_of_text(e->text, strlen(e->text), &fs) != 0)
		return 0;
	int fresh = 0;
	for (int i = 0; i < fs.n; i++)
		if (!c->feature_seen[fs.v[i]]) {
			c->feature_seen[fs.v[i]] = true;
			c->n_features++;
			fresh++;
		}
	return fresh;
}

long long campaign_edge_threshold(size_t run_edges, bool runtime_steps)
{
	long long permille = runtime_steps ? CAMPAIGN_EDGE_NOISE_STEPS : CAMPAIGN_EDGE_NOISE_BOOT;
	long long t = (long long)(run_edges / 1000) * permille + (long long)(run_edges % 1000) * permille / 1000;
	return t > 0 ? t : 1;
}

bool campaign_has_runtime_steps(const char *topo_text)
{
	struct topology t;
	struct topo_error err;
	if (topo_parse(topo_text, strlen(topo_text), "<input>", &t, &err))
		return false;
	bool steps = false;
	for (int i = 0; i < t.n_steps && !steps; i++)
		steps = t.steps[i].kind != STEP_PROBE && t.steps[i].kind != STEP_SLEEP;
	topo_free(&t);
	return steps;
}

/* New kernel edges of the entry's runs, kernel by kernel: all of them are
 * marked seen; returned is the count on the kernels where they clear the
 * noise threshold (campaign_edge_threshold), the ones the layout is kept for. */
static long long new_edges(struct campaign_corpus *c, struct store *s, const struct store_plan_entry *e,
			   char *const *kernels, int nk)
{
	long long fresh = 0;
	int steps = -1;   /* parsed when first needed */
	for (int k = 0; k < nk; k++) {
		struct edge_set got = { 0 };
		char *err = NULL;
		if (store_layout_edges(s, e->hash, kernels[k], &got, &err) != 0 || got.n == 0) {
			free(err);
			edge_set_free(&got);
			continue;
		}
		int ki = 0;
		while (ki < c->edge_kernels.n && strcmp(c->edge_kernels.v[ki], kernels[k]) != 0)
			ki++;
		if (ki == c->edge_kernels.n) {
			strv_add(&c->edge_kernels, kernels[k]);
			c->edges = xrealloc(c->edges, sizeof *c->edges * (size_t)c->edge_kernels.n);
			c->edges[ki] = (struct edge_set){ 0 };
		}
		size_t reached = got.n;
		long long n = (long long)edge_set_merge(&c->edges[ki], &got);
		c->n_edges += n;
		if (steps < 0)
			steps = campaign_has_runtime_steps(e->text);
		if (n >= campaign_edge_threshold(reached, steps))
			fresh += n;
		edge_set_free(&got);
	}
	return fresh;
}

static void keep(struct campaign_corpus *c, const struct store_plan_entry *e)
{
	strv_add(&c->names, e->name);
	strv_add(&c->hashes, e->hash);
	strv_add(&c->texts, e->text);
}

/* The first signature of the entry's runs the store had not seen (marked
 * seen; every other one of its runs too). *divergence tells its kind. */
static char *new_bucket(struct campaign_corpus *c, struct store *s, const struct store_plan_entry *e,
			char *const *kernels, int nk, bool *divergence)
{
	char *found = NULL;
	for (int k = 0; k < nk; k++) {
		struct store_attempt *v = NULL;
		int n = 0;
		char *err = NULL;
		if (store_load_attempts(s, e->name, kernels[k], &v, &n, &err) < 0) {
			free(err);
			continue;
		}
		for (int i = 0; i < n; i++) {
			const struct store_attempt *a = &v[i];
			if (strcmp(a->layout_hash, e->hash) != 0 || !a->title || a->outcome < 0 || a->outcome == OUTCOME_PASS ||
			    a->outcome == OUTCOME_INFRA)
				continue;
			char *sig = triage_signature(a->title);
			if (!seen_signature(c, sig)) {
				strv_add(&c->signatures, sig);
				if (!found) {
					found = xstrdup(a->title);
					*divergence = a->outcome == OUTCOME_DIVERGENCE;
				}
			}
			free(sig);
		}
		store_attempts_free(v, n);
	}
	return found;
}

char *campaign_corpus_judge(struct campaign_corpus *c, struct store *s, const struct store_plan_entry *e,
			    char *const *kernels, int nk)
{
	bool divergence = false;
	char *title = new_bucket(c, s, e, kernels, nk, &divergence);
	long long edges = new_edges(c, s, e, kernels, nk);
	int fresh = new_features(c, e);
	char *why;
	if (title) {
		why = xasprintf("new %s: %s", divergence ? "divergence" : "crash bucket", title);
		if (divergence)
			c->new_divergences++;
		else
			c->new_buckets++;
	} else if (edges > 0) {
		why = xasprintf("%lld new kernel edge%s", edges, edges == 1 ? "" : "s");
	} else if (fresh && c->edge_kernels.n == 0) {   /* no kernel coverage: the model stands in */
		why = xasprintf("%d new feature%s", fresh, fresh == 1 ? "" : "s");
	} else {
		why = xstrdup("");
	}
	free(title);
	if (*why)
		keep(c, e);
	return why;
}

void campaign_corpus_replay(struct campaign_corpus *c, struct store *s, const struct store_plan_entry *e,
			    char *const *kernels, int nk)
{
	bool divergence = false;
	char *title = new_bucket(c, s, e, kernels, nk, &divergence);
	if (title) {
		if (divergence)
			c->new_divergences++;
		else
			c->new_buckets++;
	}
	free(title);
	new_edges(c, s, e, kernels, nk);
	new_features(c, e);
	if (e->corpus && *e->corpus)
		keep(c, e);
}
