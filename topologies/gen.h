/* topologies/gen.h: the layout generator. Strategies build adversarial
 * topologies aimed at one bug class each (docs/strategies.md); mutation
 * operations change one thing a kernel can notice. Strategies are built out
 * of the same operations the libFuzzer layout harness mutates with, so the
 * two search the same space. Everything is deterministic in its seed: the
 * same arguments give the same bytes, and every layout returned passes
 * `topofarm check` and stays inside what QEMU 7.2 and SeaBIOS accept. */
#ifndef TOPOLOGIES_GEN_H
#define TOPOLOGIES_GEN_H
#include "topologies/topo.h"
#include "topologies/gen_rng.h"

struct gen;

struct gen_strategy {
	const char *name;
	const char *bug_class;        /* one line: what it aims at */
	void (*build)(struct gen *g, struct topology *t);
};
extern const struct gen_strategy gen_strategies[];
extern const int gen_n_strategies;
const struct gen_strategy *gen_strategy_by_name(const char *name);

struct gen_options {
	uint64_t seed;
	const struct gen_strategy *const *strategies;   /* NULL or n 0: all of them */
	int n_strategies;
	int machine;                  /* -1: either; else enum topo_machine */
};

/* Layout number index of a run: a canonical .topo text (caller frees) that
 * starts with comments naming the strategy, seed and index and the command
 * that recreates it; *strategy_out (if not NULL) gets the strategy. The
 * text depends only on (seed, index, the strategy picked, machine). */
char *gen_layout(const struct gen_options *o, uint64_t index, const struct gen_strategy **strategy_out);

/* One mutation of a parsed topology, as the fuzz harness uses it: applies
 * the first random operation that applies to this layout, then repairs it.
 * Returns 0 when the result passes the checks the generator's output
 * passes; -1 otherwise, and t may then be half-changed: start again from
 * the original text. With l not NULL, a successful mutant's layout is kept
 * there (caller frees). */
struct layout;
int gen_mutate(struct topology *t, struct rng *r, struct layout *l);

/* Crossover, as the fuzz harness uses it: a takes one whole part of b (the
 * machine and its nodes, distances and HMAT; the kernel command line; the
 * firmware tables; or the hotplug setup and the runtime steps), then is
 * repaired. Returns 0 when the result passes the same checks as a
 * mutation; -1 otherwise (a may then be half-changed). */
int gen_crossover(struct topology *a, const struct topology *b, struct rng *r);
/* The same, keeping a successful result's layout in *l (caller frees). */
int gen_crossover_layout(struct topology *a, const struct topology *b, struct rng *r, struct layout *l);

/* The checks every generated or mutated layout passes: validates without
 * errors, lays out, and stays bootable (enough RAM left, no map the kernel
 * refuses before panic= works). */
bool gen_acceptable(const struct topology *t);
/* The same, keeping the layout of an acceptable t in *l (caller frees). */
bool gen_acceptable_layout(const struct topology *t, struct layout *l);
/* The bootability half of gen_acceptable, for callers that already have
 * the validated topology's layout (the fuzz harness). */
bool gen_bootable(const struct topology *t, const struct layout *l);

/* One libFuzzer corpus entry of the layout harness as a named topology:
 * corpus-HASH16 (in name), tagged fuzz-corpus, its source naming the entry.
 * Caller frees; NULL when the entry is no valid, bootable layout. Shared by
 * `gen --from-corpus` and `campaign --corpus`. */
char *gen_corpus_entry(const char *text, size_t len, const char *entry_name, char name[64]);

#endif
