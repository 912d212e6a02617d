/* topologies/gen_hotplug.c: the hotplug family of the generator: a device
 * memory window, cold-plugged DIMMs, and runtime churn: DIMMs hot-added and
 * onlined, nodes emptied (offline + hot-remove) and refilled, CPUs taken
 * down and up on a node that lost its memory, probes between the steps; the
 * hotplug-churn strategy. DIMMs that are removed are always onlined movable
 * first, so the removal can finish (a kernel-zone DIMM cannot go). */
#include "topologies/gen_ops.h"
#include "common/size.h"
#include <stdio.h>
#include <string.h>

bool op_hotplug_enable(struct gen *g, struct topology *t)
{
	if (t->slots)
		return false;
	t->slots = (int)rng_range(&g->rng, 2, 8);
	t->maxmem = t->memory + rng_range(&g->rng, 1, 8) * GiB;
	t->maxmem = (t->maxmem + BLOCK - 1) / BLOCK * BLOCK;
	gen_note(g, "hotplug slots=%d", t->slots);
	return true;
}

/* The next free DIMM id with this prefix. */
static void next_id(const struct topology *t, const char *prefix, char *out, size_t n)
{
	for (int k = 1;; k++) {
		snprintf(out, n, "%s%d", prefix, k);
		bool taken = false;
		for (int i = 0; i < t->n_dimms; i++)
			taken |= !strcmp(t->dimms[i].id, out);
		for (int i = 0; i < t->n_steps; i++)
			taken |= (t->steps[i].kind == STEP_HOT_ADD) && !strcmp(t->steps[i].arg, out);
		if (!taken)
			return;
	}
}

static uint64_t dimm_size(struct gen *g)
{
	/* Mostly whole blocks; sometimes not, which the guest refuses. */
	if (rng_chance(&g->rng, 12))
		return RNG_PICK(&g->rng, ((const uint64_t[]){ 64 * MiB, 192 * MiB, 130 * MiB }));
	return BLOCK * rng_range(&g->rng, 1, 4);
}

static void hot_add(struct gen *g, struct topology *t, const char *id, int node, uint64_t size, enum online_zone zone)
{
	struct topo_step *s = topo_add_step(t, STEP_HOT_ADD, id);
	s->node = node;
	s->size = size;
	s = topo_add_step(t, STEP_ONLINE, "new");
	s->zone = zone;
	(void)g;
}

/* A node to churn: a memoryless node with a CPU other than 0 first (seed
 * 001's shape), then any node. */
static int churn_node(struct gen *g, const struct topology *t)
{
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (!n->mem && !cpuset_empty(&n->cpus) && !cpuset_has(&n->cpus, 0) && rng_chance(&g->rng, 80))
			return i;
	}
	return t->n_nodes ? (int)rng_below(&g->rng, (uint64_t)t->n_nodes) : 0;
}

bool op_hotplug_cycle(struct gen *g, struct topology *t)
{
	int hot = 0;
	for (int i = 0; i < t->n_steps; i++)
		hot += t->steps[i].kind == STEP_HOT_ADD;
	if (hot >= 4)
		return false;
	op_hotplug_enable(g, t);
	int node = churn_node(g, t);
	char id[TOPO_NAME_MAX];
	next_id(t, "hp", id, sizeof id);
	uint64_t size = dimm_size(g);
	int z = (int)rng_below(&g->rng, 10);
	enum online_zone zone = z < 7 ? ZONE_MOVABLE : z < 9 ? ZONE_DEFAULT : ZONE_KERNEL;
	hot_add(g, t, id, node, size, zone);
	topo_add_step(t, STEP_PROBE, "nodes memory-blocks");
	char s[40];
	size_format(size, s, sizeof s);
	gen_note(g, "hot-add %s %s to node %d", id, s, node);
	if (zone != ZONE_MOVABLE || !rng_chance(&g->rng, 75))
		return true;
	/* Empty the node again: offline its memory, remove the DIMM. */
	topo_add_step(t, STEP_OFFLINE, "node")->node = node;
	topo_add_step(t, STEP_HOT_REMOVE, id);
	topo_add_step(t, STEP_PROBE, "nodes node-alloc");
	gen_note(g, "node %d emptied", node);
	int cpu = -1;
	if (node < t->n_nodes)
		for (int c = 1; c < t->cpus && cpu < 0; c++)
			if (cpuset_has(&t->nodes[node].cpus, c))
				cpu = c;
	if (cpu > 0 && rng_chance(&g->rng, 70)) {
		topo_add_step(t, STEP_CPU_DOWN, NULL)->cpu = cpu;
		topo_add_step(t, STEP_PROBE, "node-alloc");
		topo_add_step(t, STEP_CPU_UP, NULL)->cpu = cpu;
		gen_note(g, "CPU %d down and up", cpu);
	}
	if (rng_chance(&g->rng, 40)) {
		next_id(t, "hp", id, sizeof id);
		hot_add(g, t, id, node, dimm_size(g), ZONE_MOVABLE);
		topo_add_step(t, STEP_PROBE, "nodes node-alloc");
		gen_note(g, "node %d refilled with %s", node, id);
	}
	return true;
}

bool op_cold_dimm(struct gen *g, struct topology *t)
{
	if (t->n_dimms >= 2)
		return false;
	op_hotplug_enable(g, t);
	char id[TOPO_NAME_MAX];
	next_id(t, "d", id, sizeof id);
	int node = t->n_nodes ? (int)rng_below(&g->rng, (uint64_t)t->n_nodes) : 0;
	uint64_t size = BLOCK * rng_range(&g->rng, 1, 4);
	topo_add_dimm(t, id, node, size);
	gen_note(g, "cold DIMM %s on node %d", id, node);
	return true;
}

bool op_probe(struct gen *g, struct topology *t)
{
	static const char *const probes[] = { "nodes", "memory-blocks", "kpageflags", "zoneinfo", "pagetypeinfo", "node-alloc", "compact" };
	if (t->n_steps >= 24)
		return false;
	char list[128];
	const char *a = RNG_PICK(&g->rng, probes), *b = RNG_PICK(&g->rng, probes);
	if (strcmp(a, b))
		snprintf(list, sizeof list, "%s %s", a, b);
	else
		snprintf(list, sizeof list, "%s", a);
	topo_add_step(t, STEP_PROBE, list);
	gen_note(g, "probe %s", list);
	return true;
}

void strategy_hotplug_churn(struct gen *g, struct topology *t)
{
	gen_base(g, t, (int)rng_range(&g->rng, 1, 3), gen_total_memory(g));
	/* Seed 001's shape most of the time: a memoryless node with its own CPU. */
	if (t->n_nodes && rng_chance(&g->rng, 70)) {
		topo_add_node(t, 0);
		if (t->cpus < MAX_CPUS_GEN)
			t->cpus++;
		topo_move_cpu(t, t->cpus - 1, t->n_nodes - 1);
		if (t->cpus == 1) {
			t->cpus = 2;
			topo_move_cpu(t, 1, t->n_nodes - 1);
		}
		t->sockets = t->cpus;
	}
	op_hotplug_enable(g, t);
	if (rng_chance(&g->rng, 20))
		op_cold_dimm(g, t);
	op_hotplug_cycle(g, t);
	if (rng_chance(&g->rng, 35))
		op_hotplug_cycle(g, t);
	if (rng_chance(&g->rng, 15))
		op_memhp_state(g, t);
}
