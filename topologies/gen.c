/* topologies/gen.c: the generator's driver: picks a strategy per layout,
 * builds it from a deterministic random stream, repairs what QEMU would
 * refuse, and keeps only layouts that pass `check` and stay bootable. Also
 * the shared pieces every strategy family uses (base machine, node resizing,
 * repair, acceptance) and the one-step mutation the fuzz harness calls. */
#include "topologies/gen_ops.h"
#include "common/size.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct gen_strategy gen_strategies[] = {
	{ "tiny-node", "NUMA nodes smaller than the kernel's size assumptions (4 MiB NODE_MIN_SIZE, pageblocks, one page): seed 000", strategy_tiny_node },
	{ "node-threshold", "node sizes and node boundaries just below, at and above each size threshold the kernel uses: seed 000", strategy_node_threshold },
	{ "numa-shape", "memoryless, CPU-less and empty nodes, in any position: seeds 000 and 001", strategy_numa_shape },
	{ "srat-anomaly", "our own SRAT: descending order, boundaries inside a section, overlaps, holes, disabled and hotplug entries", strategy_srat_anomaly },
	{ "memmap-carve", "memmap= carve-outs (! $ # %) at node boundaries, over whole nodes, their heads and tails, sharing a block with RAM: seeds 003 and 004", strategy_memmap_carve },
	{ "unaligned-ram", "RAM and node ends not aligned to 128 MiB, 2 MiB or 4 KiB, across the pc and q35 4G splits, with hotplug next to them: seed 002", strategy_unaligned_ram },
	{ "cmdline-holes", "memmap=exactmap, mem=, movable_node, kernelcore=, movablecore=, numa=fake= on top of another strategy's layout", strategy_cmdline_holes },
	{ "hotplug-churn", "DIMMs added and removed, nodes emptied and refilled, CPUs down and up on emptied nodes: seed 001", strategy_hotplug_churn },
	{ "distance-hmat", "asymmetric, unreachable and triangle-breaking distances, HMAT latencies, bandwidths and caches", strategy_distance_hmat },
};
const int gen_n_strategies = (int)(sizeof gen_strategies / sizeof gen_strategies[0]);

const struct gen_op gen_ops[] = {
	{ "tiny-node", op_tiny_node }, { "threshold-node", op_threshold_node }, { "add-node", op_add_node },
	{ "empty-node", op_empty_node }, { "move-cpu", op_move_cpu }, { "unalign-ram", op_unalign_ram },
	{ "machine-split", op_machine_split }, { "memmap-carve", op_memmap_carve }, { "memmap-retype", op_memmap_retype },
	{ "exactmap", op_exactmap }, { "mem-limit", op_mem_limit }, { "core-split", op_core_split },
	{ "movable-node", op_movable_node }, { "numa-option", op_numa_option }, { "memhp-state", op_memhp_state },
	{ "drop-cmdline", op_drop_cmdline }, { "srat-explicit", op_srat_explicit }, { "srat-shift", op_srat_shift },
	{ "srat-overlap", op_srat_overlap }, { "srat-uncover", op_srat_uncover }, { "srat-flags", op_srat_flags },
	{ "srat-descending", op_srat_descending }, { "srat-new-pxm", op_srat_new_pxm }, { "srat-split", op_srat_split },
	{ "srat-cpu", op_srat_cpu }, { "srat-beyond", op_srat_beyond }, { "hotplug-enable", op_hotplug_enable },
	{ "hotplug-cycle", op_hotplug_cycle }, { "cold-dimm", op_cold_dimm }, { "probe", op_probe },
	{ "distance", op_distance }, { "hmat", op_hmat },
};
const int gen_n_ops = (int)(sizeof gen_ops / sizeof gen_ops[0]);

const struct gen_strategy *gen_strategy_by_name(const char *name)
{
	for (int i = 0; i < gen_n_strategies; i++)
		if (!strcmp(gen_strategies[i].name, name))
			return &gen_strategies[i];
	return NULL;
}

const struct layout *gen_layout_now(struct gen *g, const struct topology *t)
{
	if (g->have_layout)
		layout_free(&g->layout);
	g->have_layout = layout_compute(t, &g->layout, NULL) == 0;
	return g->have_layout ? &g->layout : NULL;
}

void gen_note(struct gen *g, const char *fmt, ...)
{
	if (g->notes.len > 400)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (g->notes.len)
		buf_puts(&g->notes, "; ");
	buf_vprintf(&g->notes, fmt, ap);
	va_end(ap);
}

uint64_t gen_total_memory(struct gen *g)
{
	static const uint64_t totals[] = { 512 * MiB, 768 * MiB, 1 * GiB, 1280 * MiB, 1536 * MiB, 2 * GiB,
					   2560 * MiB, 3 * GiB, 3584 * MiB, 4 * GiB, 4608 * MiB, 5 * GiB };
	return RNG_PICK(&g->rng, totals);
}

void gen_base(struct gen *g, struct topology *t, int n_nodes, uint64_t total)
{
	t->machine = g->machine >= 0 ? (enum topo_machine)g->machine
				     : rng_chance(&g->rng, 35) ? MACHINE_Q35 : MACHINE_PC;
	int min_cpus = n_nodes < 1 ? 1 : n_nodes > 4 ? 4 : n_nodes;
	t->cpus = (int)rng_range(&g->rng, (uint64_t)min_cpus, 4);
	t->sockets = t->cpus;
	t->memory = total;
	t->memory_given = true;
	if (n_nodes <= 0)
		return;
	uint64_t units = total / BLOCK;
	if (units < (uint64_t)n_nodes)
		units = (uint64_t)n_nodes;
	uint64_t left = units;
	for (int i = 0; i < n_nodes; i++) {
		uint64_t u = i == n_nodes - 1 ? left : rng_range(&g->rng, 1, left - (uint64_t)(n_nodes - 1 - i));
		left -= u;
		topo_add_node(t, u * BLOCK);
	}
	for (int c = 0; c < t->cpus; c++)
		cpuset_add(&t->nodes[c % n_nodes].cpus, c);
	if (total > units * BLOCK)
		t->nodes[n_nodes - 1].mem += total - units * BLOCK;
	topo_sync_memory(t);
}

bool gen_resize_node(struct topology *t, int node, uint64_t size)
{
	if (node < 0 || node >= t->n_nodes)
		return false;
	struct topo_node *n = &t->nodes[node], *donor = NULL;
	for (int i = 0; i < t->n_nodes; i++)
		if (i != node && (!donor || t->nodes[i].mem > donor->mem))
			donor = &t->nodes[i];
	if (!donor)
		return false;
	if (size > n->mem) {
		uint64_t need = size - n->mem;
		if (donor->mem < need + MIN_USABLE)
			return false;
		donor->mem -= need;
	} else {
		donor->mem += n->mem - size;
	}
	n->mem = size;
	topo_sync_memory(t);
	return true;
}

int gen_probe_step(struct gen *g, struct topology *t, const char *probes)
{
	(void)g;
	topo_add_step(t, STEP_PROBE, probes);
	return 0;
}

/* Distance lines rebuilt from the matrix, for the validator's messages. */
static void rebuild_distance_lines(struct topology *t)
{
	free(t->distance_lines);
	t->distance_lines = NULL;
	t->n_distance_lines = 0;
	if (!t->distance)
		return;
	for (int i = 0; i < t->n_nodes; i++)
		for (int j = 0; j < t->n_nodes; j++) {
			uint8_t a = t->distance[i][j], r = t->distance[j][i];
			if (!a || (a == r && j < i))
				continue;
			t->distance_lines = xrealloc(t->distance_lines, sizeof *t->distance_lines * (size_t)(t->n_distance_lines + 1));
			t->distance_lines[t->n_distance_lines++] = (struct topo_distance_line){ i, j, a != r, { 0, 0 } };
		}
	t->any_distance = t->n_distance_lines > 0;
	if (!t->any_distance) {               /* as the parser leaves a file without distance lines */
		free(t->distance);
		t->distance = NULL;
	}
}

static void repair_hmat(struct topology *t)
{
	int first_cpu_node = -1;
	for (int i = 0; i < t->n_nodes; i++)
		if (!cpuset_empty(&t->nodes[i].cpus)) {
			first_cpu_node = i;
			break;
		}
	bool wanted = t->n_hmat_lb || t->n_hmat_cache;
	for (int i = 0; i < t->n_nodes; i++)
		wanted |= t->nodes[i].initiator >= 0;
	if (!wanted || first_cpu_node < 0 || !t->n_nodes) {
		t->n_hmat_lb = t->n_hmat_cache = 0;
		for (int i = 0; i < t->n_nodes; i++)
			t->nodes[i].initiator = -1;
		t->hmat = false;
		return;
	}
	t->hmat = true;
	for (int i = 0; i < t->n_nodes; i++) {
		struct topo_node *n = &t->nodes[i];
		if (!cpuset_empty(&n->cpus))
			n->initiator = i;
		else if (n->initiator < 0 || n->initiator >= t->n_nodes || cpuset_empty(&t->nodes[n->initiator].cpus))
			n->initiator = first_cpu_node;
	}
	int k = 0;
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *l = &t->hmat_lb[i];
		if (l->initiator < t->n_nodes && l->target < t->n_nodes && !cpuset_empty(&t->nodes[l->initiator].cpus))
			t->hmat_lb[k++] = *l;
	}
	t->n_hmat_lb = k;
	k = 0;
	for (int i = 0; i < t->n_hmat_cache; i++)
		if (t->hmat_cache[i].node < t->n_nodes)
			t->hmat_cache[k++] = t->hmat_cache[i];
	t->n_hmat_cache = k;
}

static void repair_steps(struct topology *t)
{
	int k = 0;
	int last = t->n_nodes ? t->n_nodes - 1 : 0;
	for (int i = 0; i < t->n_steps; i++) {
		struct topo_step *s = &t->steps[i];
		bool drop = false;
		if (s->kind == STEP_HOT_ADD && s->node > last)
			s->node = last;
		if ((s->kind == STEP_OFFLINE_NODE || (s->kind == STEP_OFFLINE && s->node >= 0)) && s->node > last)
			drop = true;
		if ((s->kind == STEP_CPU_DOWN || s->kind == STEP_CPU_UP) && s->cpu >= t->cpus)
			drop = true;
		if (drop) {
			free(s->arg);
			continue;
		}
		t->steps[k++] = *s;
	}
	t->n_steps = k;
}

static void repair_hotplug(struct topology *t)
{
	uint64_t dimms = 0;
	int count = 0;
	int last = t->n_nodes ? t->n_nodes - 1 : 0;
	for (int i = 0; i < t->n_dimms; i++) {
		if (t->dimms[i].node > last)
			t->dimms[i].node = last;
		dimms += t->dimms[i].size;
		count++;
	}
	for (int i = 0; i < t->n_steps; i++)
		if (t->steps[i].kind == STEP_HOT_ADD) {
			dimms += t->steps[i].size;
			count++;
		}
	if (!count && !t->slots)
		return;
	if (t->slots < count)
		t->slots = count;
	if (t->slots > 16)
		t->slots = 16;
	uint64_t need = t->memory + dimms;
	need = (need + BLOCK - 1) / BLOCK * BLOCK;
	if (t->maxmem < need)
		t->maxmem = need;
	t->maxmem = (t->maxmem + 4095) & ~4095ULL;
	int hot = 0;
	for (int i = 0; i < t->n_steps; i++)
		hot += t->steps[i].kind == STEP_HOT_ADD;
	if (hot && t->timeout < 120 + 30 * hot)
		t->timeout = 120 + 30 * hot;
}

void gen_repair(struct topology *t)
{
	if (t->cpus > MAX_CPUS_GEN)
		t->cpus = MAX_CPUS_GEN;
	if (t->cpus < 1)
		t->cpus = 1;
	t->sockets = t->cpus;
	if (t->n_nodes) {
		uint64_t sum = 0;
		for (int i = 0; i < t->n_nodes; i++) {
			struct topo_node *n = &t->nodes[i];
			n->id = i;
			n->mem &= ~4095ULL;
			for (int w = 0; w < TOPO_MAX_CPUS / 64; w++) {   /* keep only CPUs below t->cpus */
				int lo = w * 64;
				if (t->cpus <= lo)
					n->cpus.bits[w] = 0;
				else if (t->cpus < lo + 64)
					n->cpus.bits[w] &= (1ULL << (t->cpus - lo)) - 1;
			}
			sum += n->mem;
		}
		if (sum % 8192)
			topo_largest_node(t)->mem += 4096;
		topo_sync_memory(t);
	} else {
		t->memory = (t->memory + 8191) & ~8191ULL;
	}
	rebuild_distance_lines(t);
	repair_hmat(t);
	repair_steps(t);
	repair_hotplug(t);
}

/* What must hold for the guest to reach the probe, beyond `check`. */
bool gen_bootable(const struct topology *t, const struct layout *l)
{
	if (l->user_map_refused)
		return false;
	const struct mem_range *m = l->n_user ? l->user_e820 : l->e820;
	int n = l->n_user ? l->n_user : l->n_e820;
	bool low = false;
	uint64_t core = 0;                /* RAM in [16M, CARVE_FLOOR): the kernel image and its early allocations */
	for (int i = 0; i < n; i++) {
		if (m[i].type != E820_RAM)
			continue;
		if (m[i].start < 512 * KiB && m[i].end >= 512 * KiB)
			low = true;
		uint64_t s = m[i].start > 16 * MiB ? m[i].start : 16 * MiB, e = m[i].end < CARVE_FLOOR ? m[i].end : CARVE_FLOOR;
		if (e > s)
			core += e - s;
	}
	uint64_t usable = 0;
	for (int i = 0; i < l->n_early; i++)
		usable += l->early[i].end - l->early[i].start;
	if (t->memory < MIN_USABLE || t->memory > 64 * GiB || t->n_nodes > MAX_NODES_GEN || t->n_srat > 64 ||
	    t->n_steps > 32 || t->n_cmdline > 24 || t->cpus > MAX_CPUS_GEN || (t->slots && t->maxmem > 64 * GiB))
		return false;
	return low && core == CARVE_FLOOR - 16 * MiB && usable >= MIN_USABLE;
}

bool gen_acceptable_layout(const struct topology *t, struct layout *l)
{
	if (topo_validate_errors(t) || layout_compute(t, l, NULL))
		return false;
	if (gen_bootable(t, l))
		return true;
	layout_free(l);
	return false;
}

bool gen_acceptable(const struct topology *t)
{
	struct layout l;
	if (!gen_acceptable_layout(t, &l))
		return false;
	layout_free(&l);
	return true;
}

int gen_mutate(struct topology *t, struct rng *r, struct layout *l)
{
	struct gen g = { .rng = *r, .machine = -1 };
	bool changed = false;
	/* Operations that do not apply to this layout change nothing: try others. */
	for (int tries = 0; tries < 32 && !changed; tries++)
		changed = gen_ops[rng_below(&g.rng, (uint64_t)gen_n_ops)].fn(&g, t);
	*r = g.rng;
	if (g.have_layout)
		layout_free(&g.layout);
	buf_free(&g.notes);
	if (!changed)
		return -1;
	gen_repair(t);
	if (!l)
		return gen_acceptable(t) ? 0 : -1;
	return gen_acceptable_layout(t, l) ? 0 : -1;
}

#define SWAP(x, y) do { __typeof__(x) tmp_ = (x); (x) = (y); (y) = tmp_; } while (0)

int gen_crossover_layout(struct topology *a, const struct topology *b, struct rng *r, struct layout *l)
{
	struct topology c;
	topo_clone(b, &c);
	switch (rng_below(r, 4)) {
	case 0:   /* the machine: nodes, CPUs, memory, distances, HMAT */
		SWAP(a->machine, c.machine);
		SWAP(a->cpus, c.cpus);
		SWAP(a->sockets, c.sockets);
		SWAP(a->memory, c.memory);
		SWAP(a->memory_given, c.memory_given);
		SWAP(a->nodes, c.nodes);
		SWAP(a->n_nodes, c.n_nodes);
		SWAP(a->distance, c.distance);
		SWAP(a->any_distance, c.any_distance);
		SWAP(a->distance_lines, c.distance_lines);
		SWAP(a->n_distance_lines, c.n_distance_lines);
		SWAP(a->hmat_lb, c.hmat_lb);
		SWAP(a->n_hmat_lb, c.n_hmat_lb);
		SWAP(a->hmat_cache, c.hmat_cache);
		SWAP(a->n_hmat_cache, c.n_hmat_cache);
		SWAP(a->hmat, c.hmat);
		break;
	case 1:   /* the kernel command line */
		SWAP(a->cmdline, c.cmdline);
		SWAP(a->n_cmdline, c.n_cmdline);
		break;
	case 2:   /* the firmware tables */
		SWAP(a->firmware, c.firmware);
		for (int i = 0; i < TABLE__COUNT; i++)
			SWAP(a->tables[i], c.tables[i]);
		SWAP(a->srat, c.srat);
		SWAP(a->n_srat, c.n_srat);
		break;
	default:  /* hotplug setup and the runtime steps */
		SWAP(a->slots, c.slots);
		SWAP(a->maxmem, c.maxmem);
		SWAP(a->dimms, c.dimms);
		SWAP(a->n_dimms, c.n_dimms);
		SWAP(a->steps, c.steps);
		SWAP(a->n_steps, c.n_steps);
		SWAP(a->timeout, c.timeout);
		break;
	}
	topo_free(&c);
	gen_repair(a);
	if (!l)
		return gen_acceptable(a) ? 0 : -1;
	return gen_acceptable_layout(a, l) ? 0 : -1;
}

int gen_crossover(struct topology *a, const struct topology *b, struct rng *r)
{
	return gen_crossover_layout(a, b, r, NULL);
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* One attempt at building a strategy's layout; the canonical text, or NULL. */
static char *build_once(const struct gen_options *o, const struct gen_strategy *s, uint64_t index, int attempt)
{
	struct gen g = { .machine = o->machine };
	rng_seed(&g.rng, o->seed ^ name_hash(s->name), index * 256 + (uint64_t)attempt);
	char name[TOPO_NAME_MAX];
	snprintf(name, sizeof name, "gen-%s-%llu-%llu", s->name, (unsigned long long)o->seed, (unsigned long long)index);
	struct topology t;
	topo_init_empty(&t, name);
	s->build(&g, &t);
	gen_repair(&t);
	char *desc = xasprintf("%s: %s", s->name, g.notes.len ? g.notes.s : "base layout");
	topo_set_string(&t.description, desc);
	free(desc);
	char *src = xasprintf("topofarm gen --seed %llu --first %llu --count 1 --strategy %s%s%s -o DIR",
			      (unsigned long long)o->seed, (unsigned long long)index, s->name,
			      o->machine >= 0 ? " --machine " : "", o->machine == MACHINE_Q35 ? "q35" : o->machine == MACHINE_PC ? "pc" : "");
	topo_set_string(&t.source, src);
	free(src);
	topo_add_tag(&t, "generated");
	topo_add_tag(&t, s->name);
	if (g.have_layout)
		layout_free(&g.layout);
	buf_free(&g.notes);
	char *text = topo_print(&t);
	topo_free(&t);
	struct topology u;
	struct topo_error err;
	char *canonical = NULL;
	if (topo_parse(text, strlen(text), name, &u, &err) == 0) {
		if (gen_acceptable(&u))
			canonical = topo_print(&u);
		topo_free(&u);
	}
	free(text);
	return canonical;
}

char *gen_layout(const struct gen_options *o, uint64_t index, const struct gen_strategy **strategy_out)
{
	const struct gen_strategy *s;
	if (o->n_strategies > 0) {
		struct rng pick;
		rng_seed(&pick, o->seed, index);
		s = o->strategies[rng_below(&pick, (uint64_t)o->n_strategies)];
	} else {
		struct rng pick;
		rng_seed(&pick, o->seed, index);
		s = &gen_strategies[rng_below(&pick, (uint64_t)gen_n_strategies)];
	}
	if (strategy_out)
		*strategy_out = s;
	for (int attempt = 0; attempt < 200; attempt++) {
		char *text = build_once(o, s, index, attempt);
		if (!text)
			continue;
		char *out = xasprintf("# Generated by topofarm gen: strategy %s, seed %llu, index %llu (attempt %d).\n"
				      "# Recreate it with the command on the source line.\n%s",
				      s->name, (unsigned long long)o->seed, (unsigned long long)index, attempt, text);
		free(text);
		return out;
	}
	return NULL;
}
