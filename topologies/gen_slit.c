/* topologies/gen_slit.c: the distance family of the generator: odd SLIT
 * values (just above local, unreachable, one-way, breaking the triangle
 * inequality; with firmware generated also a broken local distance), and
 * HMAT initiators, latencies, bandwidths and memory-side caches kept within
 * what QEMU 7.2 accepts (memory hierarchy only, one entry per pair and
 * type, values within QEMU's 16-bit range of one base unit); the
 * distance-hmat strategy. */
#include "topologies/gen_ops.h"
#include <stdio.h>

bool op_distance(struct gen *g, struct topology *t)
{
	if (t->n_nodes < 2)
		return false;
	int i = (int)rng_below(&g->rng, (uint64_t)t->n_nodes), j = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
	bool generated = t->firmware == FIRMWARE_GENERATED;
	int v;
	if (i == j) {
		if (!generated || !rng_chance(&g->rng, 30))
			j = (i + 1) % t->n_nodes;
	}
	if (i == j)
		v = RNG_PICK(&g->rng, ((const int[]){ 0, 9, 11, 255 }));
	else if (generated && rng_chance(&g->rng, 20))
		v = RNG_PICK(&g->rng, ((const int[]){ 0, 5, 10 }));
	else
		v = RNG_PICK(&g->rng, ((const int[]){ 11, 12, 15, 19, 21, 30, 99, 100, 200, 254, 255 }));
	bool oneway = i != j && rng_chance(&g->rng, 40);
	topo_set_distance(t, i, j, v, oneway);
	gen_note(g, "distance %d->%d %d%s", i, j, v, oneway ? " one way" : "");
	return true;
}

/* An entry for this target and kind of value (latency or bandwidth), from
 * this initiator, or from any when ini is -1. */
static bool lb_exists(const struct topology *t, int ini, int target, enum hmat_data_type type)
{
	bool bw = type >= HMAT_ACCESS_BANDWIDTH;
	for (int i = 0; i < t->n_hmat_lb; i++)
		if ((ini < 0 || t->hmat_lb[i].initiator == ini) && t->hmat_lb[i].target == target &&
		    (ini < 0 ? (t->hmat_lb[i].type >= HMAT_ACCESS_BANDWIDTH) == bw : t->hmat_lb[i].type == type))
			return true;
	return false;
}

bool op_hmat(struct gen *g, struct topology *t)
{
	int cpu_nodes[TOPO_MAX_NODES], n_cpu = 0;
	for (int i = 0; i < t->n_nodes; i++)
		if (!cpuset_empty(&t->nodes[i].cpus))
			cpu_nodes[n_cpu++] = i;
	if (!n_cpu)
		return false;
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].initiator < 0)
			t->nodes[i].initiator = cpuset_empty(&t->nodes[i].cpus) ? cpu_nodes[rng_below(&g->rng, (uint64_t)n_cpu)] : i;
	t->hmat = true;
	int added = 0;
	for (int k = 0; k < 4; k++) {
		int ini = cpu_nodes[rng_below(&g->rng, (uint64_t)n_cpu)];
		int target = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
		bool bw = rng_chance(&g->rng, 50);
		enum hmat_data_type type = bw ? HMAT_ACCESS_BANDWIDTH : HMAT_ACCESS_LATENCY;
		if (lb_exists(t, ini, target, type))
			continue;
		struct topo_hmat_lb *l = topo_add_hmat_lb(t);
		l->initiator = ini;
		l->target = target;
		l->hierarchy = HMAT_MEMORY;
		l->type = type;
		l->value = bw ? RNG_PICK(&g->rng, ((const uint64_t[]){ 1 * MiB, 2 * MiB, 100 * MiB, 1 * GiB, 2 * GiB, 10 * GiB, 16 * GiB }))
			      : RNG_PICK(&g->rng, ((const uint64_t[]){ 1, 5, 10, 11, 100, 1000, 65534 }));
		added++;
	}
	if (rng_chance(&g->rng, 40)) {
		int node = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
		bool has = false;
		for (int i = 0; i < t->n_hmat_cache; i++)
			has |= t->hmat_cache[i].node == node;
		if (!has && t->nodes[node].mem) {
			/* QEMU wants the node's latency and bandwidth before its cache. */
			for (int type = 0; type < 2; type++) {
				enum hmat_data_type want = type ? HMAT_ACCESS_BANDWIDTH : HMAT_ACCESS_LATENCY;
				int ini = cpu_nodes[rng_below(&g->rng, (uint64_t)n_cpu)];
				if (lb_exists(t, -1, node, want))
					continue;
				struct topo_hmat_lb *l = topo_add_hmat_lb(t);
				l->initiator = ini;
				l->target = node;
				l->hierarchy = HMAT_MEMORY;
				l->type = want;
				l->value = type ? 1 * GiB : 10;
			}
			struct topo_hmat_cache *c = topo_add_hmat_cache(t);
			c->node = node;
			c->level = 1;
			c->size = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 10 * KiB, 1 * MiB, 16 * MiB }));
			c->assoc = (enum hmat_assoc)rng_below(&g->rng, 3);
			c->policy = (enum hmat_policy)rng_below(&g->rng, 3);
			c->line = (uint32_t)RNG_PICK(&g->rng, ((const int[]){ 8, 16, 64, 128, 256 }));
			added++;
		}
	}
	gen_note(g, "HMAT with %d entr%s", added, added == 1 ? "y" : "ies");
	return added > 0;
}

void strategy_distance_hmat(struct gen *g, struct topology *t)
{
	gen_base(g, t, (int)rng_range(&g->rng, 2, 4), gen_total_memory(g));
	if (rng_chance(&g->rng, 40))
		op_add_node(g, t);
	if (rng_chance(&g->rng, 15))
		op_srat_explicit(g, t);
	int want = (int)rng_range(&g->rng, 1, 4);
	for (int i = 0; i < want; i++)
		op_distance(g, t);
	if (rng_chance(&g->rng, 50))
		op_hmat(g, t);
	gen_probe_step(g, t, "nodes node-alloc");
}
