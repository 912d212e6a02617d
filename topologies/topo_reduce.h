/* topologies/topo_reduce.h: smaller versions of a topology, for `topofarm
 * minimize` (delta debugging a crashing or diverging layout). One reduction
 * is one edit: drop a node (its CPUs go to node 0, ids stay dense, memory
 * follows), drop a vCPU, drop a memmap entry or a command-line parameter,
 * drop a step, or shrink a node's memory to a rounder value (128M, 256M,
 * 512M, 1G, ...). Every candidate handed out has passed topo_validate (what
 * `topofarm check` runs) without errors; the caller boots it.
 *
 * topo_minimize drives them greedily: each reduction in turn, kept when
 * the caller's oracle says the bug still shows, until a whole pass keeps
 * nothing (one-at-a-time delta debugging: the layouts are small). */
#ifndef TOPOLOGIES_TOPO_REDUCE_H
#define TOPOLOGIES_TOPO_REDUCE_H
#include "topologies/topo.h"
#include <stdbool.h>
#include <stddef.h>

enum reduce_op {
	REDUCE_NODE, REDUCE_STEP, REDUCE_MEMMAP, REDUCE_CMDLINE, REDUCE_CPU, REDUCE_NODE_SIZE,
	REDUCE__COUNT
};

/* The i-th candidate of op on t (0, 1, ... in a fixed order). Returns 0 with
 * *out (caller topo_frees; canonical: parsed from its printed text) and
 * desc ("drop node 3"); -1 when that edit gives an invalid topology
 * (nothing to free: skip it); 1 when i is past op's last candidate. */
int topo_reduce(const struct topology *t, enum reduce_op op, int i, struct topology *out, char *desc, size_t desclen);

/* Does the candidate still show the bug? Boots it (or anything else). */
typedef bool topo_oracle_fn(void *ctx, const struct topology *candidate, const char *desc);

struct minimize_stats {
	int tried, kept, invalid;     /* candidates booted, kept, refused by validation */
};
/* Greedy minimization of start. *out (caller topo_frees) is the smallest
 * layout the oracle accepted (start itself when nothing was kept). */
void topo_minimize(const struct topology *start, topo_oracle_fn *oracle, void *ctx, struct topology *out,
		   struct minimize_stats *st);

#endif
