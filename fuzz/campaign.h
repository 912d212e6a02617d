/* fuzz/campaign.h: the campaign driver's library (`topofarm campaign`):
 * the plan (which layouts, in which order, each recreatable from the store
 * alone), the corpus rule (which booted layouts are kept and mutated), and
 * the end-of-campaign summary. The verb (cli/builtin-campaign.c) wires them
 * to the boot batches of runner/run_batch.h. Everything here is
 * deterministic: the same seed, strategies, inputs and boot outcomes give
 * the same plan. */
#ifndef FUZZ_CAMPAIGN_H
#define FUZZ_CAMPAIGN_H
#include "common/buf.h"
#include "common/strv.h"
#include "results/coverage.h"
#include "results/store.h"
#include "topologies/gen.h"
#include "topologies/layout_features.h"
#include <stdbool.h>
#include <stdint.h>

#define CAMPAIGN_CHUNK 8            /* layouts planned at a time; the corpus is updated between chunks */
#define CAMPAIGN_MUTATE_DEFAULT 500 /* permille of planned layouts that mutate a corpus layout */
/* New kernel edges a layout must reach on one kernel to be kept for them,
 * as a share (permille) of the edges its run reached there. Two boots of
 * one layout differ by timers, RCU and kthreads touching mm/: the second
 * and third boot still add 0.1-0.6% to the union of the earlier ones, and
 * keep doing so. Runtime steps (hot-add, online, offline, CPU down/up) race
 * with the guest and take one path or another: up to ~7% between two boots,
 * but once both paths are seen they add nothing, so a lower bar than that
 * costs at most a corpus entry per racy path, while a higher one would drop
 * real hotplug layouts (hotplug-slots reaches ~9% two-node never does).
 * Measured in docs/coverage.md "Noise"; tests/test_coverage_boot.c checks
 * the rule against real boots. */
#define CAMPAIGN_EDGE_NOISE_BOOT 10    /* permille: a layout without runtime steps */
#define CAMPAIGN_EDGE_NOISE_STEPS 50   /* permille: a layout with runtime steps */
/* The new edges (of one kernel) a layout needs to be kept for its edges. */
long long campaign_edge_threshold(size_t run_edges, bool runtime_steps);
/* Does the topology have steps that change the machine at run time (all
 * but probe and sleep)? */
bool campaign_has_runtime_steps(const char *topo_text);

struct campaign_config {
	const char *name;             /* the campaign's name in the store */
	uint64_t seed;
	const struct gen_strategy *const *strategies;   /* n 0: every strategy */
	int n_strategies;
	int machine;                  /* -1 either, else enum topo_machine */
	int mutate_permille;          /* 0..1000 */
};

/* A layout given to the campaign (--from DIR of .topo, --corpus DIR of a
 * libFuzzer corpus): booted first, in name order. */
struct campaign_input {
	char *name, *text, *source;
};
/* Reads a folder of .topo files (corpus false) or a libFuzzer corpus of
 * the layout harness (corpus true: named corpus-HASH as `gen --from-corpus`
 * names them; entries that are not valid, bootable layouts are skipped and
 * counted in *skipped). Appends to *v. 0, or -1 with *err. */
int campaign_inputs_read(const char *dir, bool corpus, struct campaign_input **v, int *n, int *skipped, char **err);
void campaign_inputs_free(struct campaign_input *v, int n);
/* ---- the corpus ---- */

struct campaign_corpus {
	struct strv names, hashes, texts;   /* kept layouts, in the order kept: the mutation parents */
	bool *feature_seen;           /* FEATURE_SPACE flags */
	int n_features;
	struct strv signatures;       /* crash and divergence signatures seen (this store) */
	int new_buckets, new_divergences;
	struct strv edge_kernels;     /* kernel edges (gcov) reached, per kernel: edge ids */
	struct edge_set *edges;       /* are per kernel build, so never mixed */
	long long n_edges;
};
void campaign_corpus_init(struct campaign_corpus *c);
void campaign_corpus_free(struct campaign_corpus *c);
/* Marks as seen every signature campaigns other than `campaign` showed. */
int campaign_corpus_know_store(struct campaign_corpus *c, struct store *s, const char *campaign, char **err);
/* Judges a planned entry whose runs on kernels are finished: why the corpus
 * keeps it ("new crash bucket: TITLE", "new divergence: TITLE", "N new
 * kernel edges", or "N new features" while no kernel of the campaign has
 * reported edges; caller frees), or "" (not kept). Either way what it
 * showed is now seen. Kept entries become mutation parents. */
char *campaign_corpus_judge(struct campaign_corpus *c, struct store *s, const struct store_plan_entry *e,
			    char *const *kernels, int nk);
/* Replays a decision already stored (resume): seen sets and parents as if
 * judged again, without asking the store for runs. */
void campaign_corpus_replay(struct campaign_corpus *c, struct store *s, const struct store_plan_entry *e,
			    char *const *kernels, int nk);

/* ---- the plan ---- */

/* Entry seq of the plan (chunk `chunk`): inputs[seq] while there are
 * inputs; then, by a draw of (seed, seq), a mutant of a corpus layout
 * (mutate_permille of the time, when the corpus has any) or a generated
 * layout. 0 with *out (store_plan_free's fields), -1 when no layout could be
 * made for this seq (said in *err). */
int campaign_plan_entry(const struct campaign_config *c, const struct campaign_input *inputs, int n_inputs,
			const struct campaign_corpus *corpus, int seq, int chunk, struct store_plan_entry *out,
			char **err);
void campaign_plan_entry_free(struct store_plan_entry *e);
/* The text of a planned layout made again from its origin and the store
 * alone (gen: the generator; mutate: the parent's stored text and the
 * mutation's seed; file: the stored text). Caller frees; NULL with *err. */
char *campaign_recreate(struct store *s, const struct store_plan_entry *e, char **err);

/* ---- the summary ---- */

/* The e-mail summary of campaign `campaign` in results_dir, syzbot style:
 * new crash buckets first (title, kernels, count, verdict of each adjacent
 * kernel pair, the smallest .topo of the bucket inline), then new
 * divergences, then known buckets, then what each strategy of the plan
 * gave (campaign_by_strategy). *n_new gets new buckets + divergences.
 * 0, or -1 with *err. */
int campaign_summary(struct buf *out, const char *results_dir, const char *campaign, char *const *kernels, int nk,
		     const struct store_plan_entry *plan, int n_plan, const char *header, int *n_new, char **err);
struct report_data;
/* The summary's "BY STRATEGY" table: per strategy (or mutate/file) of the
 * plan, layouts, boots, crash and divergence runs, buckets, layouts kept,
 * distinct gcov edges. Nothing when the plan is empty. */
void campaign_by_strategy(struct buf *out, const struct report_data *d, const struct store_plan_entry *plan, int n_plan);

#endif
