/* topologies/gen_nodes.c: the node-shape family of the generator: node sizes
 * (tiny, at each kernel threshold), memoryless / CPU-less / empty nodes, RAM
 * ends off the 128M/2M/4K grid and the pc/q35 4G splits; the operations and
 * the strategies tiny-node, node-threshold, numa-shape and unaligned-ram. */
#include "topologies/gen_ops.h"
#include "common/size.h"
#include <stdio.h>
#include <string.h>

static void note_size(struct gen *g, const char *what, int node, uint64_t v)
{
	char s[40];
	size_format(v, s, sizeof s);
	gen_note(g, "%s node %d = %s", what, node, s);
}

/* Nodes need at least two to resize one against another. */
static bool ensure_nodes(struct gen *g, struct topology *t, int want)
{
	if (t->n_nodes == 0) {
		if (t->memory < 2 * MIN_USABLE)
			return false;
		topo_add_node(t, t->memory);
		for (int c = 0; c < t->cpus; c++)
			cpuset_add(&t->nodes[0].cpus, c);
	}
	while (t->n_nodes < want && t->n_nodes < MAX_NODES_GEN) {
		struct topo_node *big = topo_largest_node(t);
		uint64_t give = big->mem / 2 / BLOCK * BLOCK;
		if (give < BLOCK || big->mem - give < MIN_USABLE)
			return t->n_nodes >= 2;
		big->mem -= give;
		topo_add_node(t, give);
		if (t->cpus < MAX_CPUS_GEN && rng_chance(&g->rng, 70)) {
			t->cpus++;
			cpuset_add(&t->nodes[t->n_nodes - 1].cpus, t->cpus - 1);
		}
	}
	t->sockets = t->cpus;
	return t->n_nodes >= 2;
}

/* Swaps what two nodes hold (memory, CPUs): QEMU lays node memory out in id
 * order, so this moves a node's memory to another place in the map. */
static void swap_nodes(struct topology *t, int a, int b)
{
	if (a == b)
		return;
	struct topo_node x = t->nodes[a];
	t->nodes[a].mem = t->nodes[b].mem;
	t->nodes[a].cpus = t->nodes[b].cpus;
	t->nodes[b].mem = x.mem;
	t->nodes[b].cpus = x.cpus;
}

bool op_tiny_node(struct gen *g, struct topology *t)
{
	/* Below the old 4 MiB NODE_MIN_SIZE, around the 640K-1M hole QEMU cuts
	 * out, around one 2 MiB pageblock, down to one page. */
	static const uint64_t tiny[] = { 4 * KiB, 8 * KiB, 12 * KiB, 16 * KiB, 32 * KiB, 64 * KiB, 124 * KiB, 128 * KiB,
					 132 * KiB, 256 * KiB, 512 * KiB, 636 * KiB, 640 * KiB, 644 * KiB, 1020 * KiB,
					 1 * MiB, 1028 * KiB, 2044 * KiB, 2 * MiB, 2052 * KiB, 3 * MiB, 4088 * KiB, 4092 * KiB };
	if (!ensure_nodes(g, t, 2))
		return false;
	int node = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
	uint64_t size = RNG_PICK(&g->rng, tiny);
	if (!gen_resize_node(t, node, size))
		return false;
	note_size(g, "tiny", node, size);
	return true;
}

bool op_threshold_node(struct gen *g, struct topology *t)
{
	static const uint64_t thresholds[] = { 2 * MiB, 4 * MiB, 16 * MiB, 32 * MiB, 64 * MiB, 128 * MiB, 256 * MiB, 512 * MiB, 1 * GiB };
	static const int64_t deltas[] = { -8192, -4096, 0, 0, 4096, 8192, -(int64_t)MiB, (int64_t)MiB, -2 * (int64_t)MiB,
					  2 * (int64_t)MiB, -128 * 1024, 128 * 1024 };
	if (!ensure_nodes(g, t, 2))
		return false;
	uint64_t th = RNG_PICK(&g->rng, thresholds);
	int64_t d = RNG_PICK(&g->rng, deltas);
	int node = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
	/* Node 0's boundary at the threshold itself: QEMU skips the 640K-1M
	 * hole inside node 0, so its end lies 384K past its size. */
	bool boundary = node == 0 && rng_chance(&g->rng, 50);
	uint64_t size = th - (boundary ? 384 * KiB : 0);
	if ((int64_t)size + d <= 0)
		return false;
	size = (uint64_t)((int64_t)size + d);
	if (!gen_resize_node(t, node, size))
		return false;
	char s[40];
	size_format(th, s, sizeof s);
	gen_note(g, "node %d %s %s%+lldK", node, boundary ? "ends at" : "size", s, (long long)d / 1024);
	return true;
}

bool op_add_node(struct gen *g, struct topology *t)
{
	if (!ensure_nodes(g, t, 1) && !t->n_nodes)
		return false;
	if (t->n_nodes >= MAX_NODES_GEN)
		return false;
	static const uint64_t sizes[] = { 2 * MiB, 64 * MiB + 4 * KiB, 128 * MiB, 256 * MiB, 512 * MiB };
	int kind = (int)rng_below(&g->rng, 3);     /* 0 memoryless with CPU, 1 CPU-less with memory, 2 empty */
	struct topo_node *n = topo_add_node(t, 0);
	int id = n->id;
	if (kind == 1) {
		uint64_t size = RNG_PICK(&g->rng, sizes);
		if (!gen_resize_node(t, id, size))
			kind = 2;
	}
	if (kind == 0) {
		if (t->cpus < MAX_CPUS_GEN) {
			t->cpus++;
			topo_move_cpu(t, t->cpus - 1, id);
		} else {
			topo_move_cpu(t, (int)rng_range(&g->rng, 1, (uint64_t)t->cpus - 1), id);
		}
		t->sockets = t->cpus;
	}
	int place = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
	if (rng_chance(&g->rng, 50))
		swap_nodes(t, id, place);
	else
		place = id;
	gen_note(g, "node %d %s", place, kind == 0 ? "memoryless with a CPU" : kind == 1 ? "CPU-less" : "memoryless and CPU-less");
	return true;
}

bool op_empty_node(struct gen *g, struct topology *t)
{
	if (t->n_nodes < 2)
		return false;
	int node = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
	if (!t->nodes[node].mem || !gen_resize_node(t, node, 0))
		return false;
	if (rng_chance(&g->rng, 30))
		for (int c = 0; c < t->cpus; c++)
			if (cpuset_has(&t->nodes[node].cpus, c))
				topo_move_cpu(t, c, (node + 1) % t->n_nodes);
	gen_note(g, "node %d emptied", node);
	return true;
}

bool op_move_cpu(struct gen *g, struct topology *t)
{
	if (t->n_nodes < 2)
		return false;
	int cpu = (int)rng_below(&g->rng, (uint64_t)t->cpus);
	int node = (int)rng_below(&g->rng, (uint64_t)t->n_nodes);
	if (cpuset_has(&t->nodes[node].cpus, cpu))
		return false;
	topo_move_cpu(t, cpu, node);
	gen_note(g, "CPU %d to node %d", cpu, node);
	return true;
}

bool op_unalign_ram(struct gen *g, struct topology *t)
{
	/* 0: 2 MiB grid, off the 128 MiB one; 1: 8 KiB grid, off the 2 MiB one. */
	int cls = (int)rng_below(&g->rng, 2);
	uint64_t step = cls == 0 ? 2 * MiB : 8 * KiB;
	uint64_t delta = step * rng_range(&g->rng, 1, cls == 0 ? 63 : 255);
	bool grow = rng_chance(&g->rng, 50);
	bool boundary_only = t->n_nodes >= 2 && rng_chance(&g->rng, 30);
	if (!t->n_nodes) {
		if (!grow && t->memory < MIN_USABLE + delta + BLOCK)
			grow = true;
		t->memory = grow ? t->memory + delta : t->memory - delta;
		gen_note(g, "RAM %s by %lluK", grow ? "grown" : "shrunk", (unsigned long long)(delta / KiB));
		return true;
	}
	int node = t->n_nodes - 1;
	while (node > 0 && !t->nodes[node].mem)
		node--;
	if (boundary_only)
		node = (int)rng_below(&g->rng, (uint64_t)t->n_nodes - 1);
	struct topo_node *n = &t->nodes[node];
	if (!grow && n->mem < delta + BLOCK)
		grow = true;
	if (boundary_only) {
		struct topo_node *next = &t->nodes[node + 1];
		if (grow && next->mem < delta + BLOCK)
			return false;
		n->mem = grow ? n->mem + delta : n->mem - delta;
		next->mem = grow ? next->mem - delta : next->mem + delta;
	} else {
		n->mem = grow ? n->mem + delta : n->mem - delta;
	}
	topo_sync_memory(t);
	gen_note(g, "node %d %s by %lluK%s", node, grow ? "grown" : "shrunk", (unsigned long long)(delta / KiB),
		 boundary_only ? " (boundary only)" : "");
	return true;
}

bool op_machine_split(struct gen *g, struct topology *t)
{
	if (g->machine < 0 && rng_chance(&g->rng, 30))
		t->machine = t->machine == MACHINE_PC ? MACHINE_Q35 : MACHINE_PC;
	/* pc keeps RAM below 4G up to 3.5 GiB (then 3 GiB); q35 up to 2.75 GiB (then 2 GiB). */
	uint64_t split = t->machine == MACHINE_PC ? 3584 * MiB : 2816 * MiB;
	static const int64_t around[] = { -2 * (int64_t)MiB, -8192, 0, 8192, 2 * (int64_t)MiB, 128 * (int64_t)MiB,
					  512 * (int64_t)MiB, 1024 * (int64_t)MiB, 1536 * (int64_t)MiB };
	uint64_t total = (uint64_t)((int64_t)split + RNG_PICK(&g->rng, around));
	if (!t->n_nodes) {
		t->memory = total;
	} else {
		struct topo_node *big = topo_largest_node(t);
		if (total > t->memory)
			big->mem += total - t->memory;
		else if (big->mem > t->memory - total + MIN_USABLE)
			big->mem -= t->memory - total;
		else
			return false;
		topo_sync_memory(t);
	}
	char s[40];
	size_format(total, s, sizeof s);
	gen_note(g, "%s with %s around the 4G split", t->machine == MACHINE_PC ? "pc" : "q35", s);
	return true;
}

static int nodes_for(struct gen *g, int lo, int hi)
{
	return (int)rng_range(&g->rng, (uint64_t)lo, (uint64_t)hi);
}

void strategy_tiny_node(struct gen *g, struct topology *t)
{
	gen_base(g, t, nodes_for(g, 2, 4), gen_total_memory(g));
	op_tiny_node(g, t);
	if (rng_chance(&g->rng, 35))
		op_tiny_node(g, t);
	if (rng_chance(&g->rng, 20))
		op_add_node(g, t);
	gen_probe_step(g, t, rng_chance(&g->rng, 50) ? "nodes node-alloc" : "nodes memory-blocks zoneinfo");
}

void strategy_node_threshold(struct gen *g, struct topology *t)
{
	gen_base(g, t, nodes_for(g, 2, 4), gen_total_memory(g));
	op_threshold_node(g, t);
	if (rng_chance(&g->rng, 40))
		op_threshold_node(g, t);
	if (rng_chance(&g->rng, 20))
		op_machine_split(g, t);
	gen_probe_step(g, t, "nodes memory-blocks zoneinfo");
}

void strategy_numa_shape(struct gen *g, struct topology *t)
{
	gen_base(g, t, nodes_for(g, 2, 3), gen_total_memory(g));
	int adds = nodes_for(g, 1, 3);
	for (int i = 0; i < adds; i++)
		op_add_node(g, t);
	if (rng_chance(&g->rng, 30))
		op_empty_node(g, t);
	if (rng_chance(&g->rng, 40))
		op_move_cpu(g, t);
	if (rng_chance(&g->rng, 25)) {
		op_srat_explicit(g, t);
		if (rng_chance(&g->rng, 50))
			op_srat_descending(g, t);
		else
			op_srat_split(g, t);
	}
	gen_probe_step(g, t, "nodes node-alloc");
}

void strategy_unaligned_ram(struct gen *g, struct topology *t)
{
	gen_base(g, t, nodes_for(g, 0, 3), gen_total_memory(g));
	if (rng_chance(&g->rng, 40))
		op_machine_split(g, t);
	op_unalign_ram(g, t);
	if (rng_chance(&g->rng, 30))
		op_unalign_ram(g, t);
	if (rng_chance(&g->rng, 40)) {
		op_hotplug_enable(g, t);
		op_hotplug_cycle(g, t);
		gen_probe_step(g, t, "memory-blocks zoneinfo compact");
	} else {
		gen_probe_step(g, t, rng_chance(&g->rng, 50) ? "memory-blocks zoneinfo" : "memory-blocks kpageflags");
	}
}
