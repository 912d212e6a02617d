/* topologies/gen_srat.c: the SRAT family of the generator: turns QEMU's
 * node layout into explicit `srat` lines (firmware generated, override
 * mode), then bends them: boundaries moved inside a section, overlaps,
 * uncovered RAM (below and above the 1 MiB NUMA init tolerates), disabled,
 * hotplug and non-volatile entries, descending order, new and masked PXMs,
 * CPUs on memoryless domains, ranges beyond RAM; the srat-anomaly strategy. */
#include "topologies/gen_ops.h"
#include "common/size.h"
#include <stdio.h>
#include <string.h>

static int memory_entries(const struct topology *t, int *idx, int max)
{
	int n = 0;
	for (int i = 0; i < t->n_srat && n < max; i++)
		if (t->srat[i].kind == SRAT_MEMORY)
			idx[n++] = i;
	return n;
}

static bool has_explicit_srat(const struct topology *t)
{
	return t->firmware == FIRMWARE_GENERATED && t->n_srat > 0;
}

static uint32_t max_pxm(const struct topology *t)
{
	uint32_t m = 0;
	for (int i = 0; i < t->n_srat; i++)
		if (t->srat[i].kind != SRAT_RAW && t->srat[i].pxm > m && t->srat[i].pxm < 256)
			m = t->srat[i].pxm;
	return m;
}

bool op_srat_explicit(struct gen *g, struct topology *t)
{
	if (has_explicit_srat(t))
		return false;
	const struct layout *l = gen_layout_now(g, t);
	if (!l)
		return false;
	t->firmware = FIRMWARE_GENERATED;
	struct table_spec *ts = &t->tables[TABLE_SRAT];
	ts->present = true;
	ts->mode = t->n_nodes ? TABLE_OVERRIDE : TABLE_AUTO;
	if (rng_chance(&g->rng, 20))
		ts->revision = 1;
	for (int c = 0; c < t->cpus; c++) {
		uint32_t pxm = 0;
		for (int i = 0; i < t->n_nodes; i++)
			if (cpuset_has(&t->nodes[i].cpus, c))
				pxm = (uint32_t)i;
		topo_add_srat(t, SRAT_CPU, pxm)->apic_id = (uint32_t)c;
	}
	if (t->n_nodes) {
		for (int i = 0; i < l->n_node_ranges; i++) {
			struct srat_entry *e = topo_add_srat(t, SRAT_MEMORY, (uint32_t)l->node_ranges[i].node);
			e->base = l->node_ranges[i].start;
			e->length = l->node_ranges[i].end - l->node_ranges[i].start;
		}
		if (l->has_hotplug_window) {
			struct srat_entry *e = topo_add_srat(t, SRAT_MEMORY, (uint32_t)l->hotplug_window.node);
			e->base = l->hotplug_window.start;
			e->length = l->hotplug_window.end - l->hotplug_window.start;
			e->flags |= SRAT_HOTPLUG;
		}
	} else {
		/* No -numa: QEMU builds no SRAT and ours is installed; split RAM in two domains. */
		for (int i = 0; i < l->n_e820; i++) {
			const struct mem_range *r = &l->e820[i];
			if (r->type != E820_RAM)
				continue;
			struct srat_entry *e = topo_add_srat(t, SRAT_MEMORY, r->start >= 4 * GiB || r->start >= 2 * GiB ? 1 : 0);
			e->base = r->start;
			e->length = r->end - r->start;
		}
	}
	gen_note(g, "own SRAT%s", ts->revision == 1 ? " (revision 1)" : "");
	return true;
}

/* Memory entries sorted by base: index into t->srat. */
static int sorted_memory(const struct topology *t, int *idx, int max)
{
	int n = memory_entries(t, idx, max);
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && t->srat[idx[k]].base < t->srat[idx[k - 1]].base; k--) {
			int x = idx[k];
			idx[k] = idx[k - 1];
			idx[k - 1] = x;
		}
	return n;
}

static const int64_t odd_moves[] = { 4096, -4096, 8192, (int64_t)MiB, -(int64_t)MiB, 2 * (int64_t)MiB,
				     -2 * (int64_t)MiB, 64 * (int64_t)MiB, -64 * (int64_t)MiB, 100 * (int64_t)MiB + 4096 };

bool op_srat_shift(struct gen *g, struct topology *t)
{
	int idx[64];
	int n = sorted_memory(t, idx, 64);
	for (int tries = 0; tries < 4 && n >= 2; tries++) {
		int k = (int)rng_below(&g->rng, (uint64_t)n - 1);
		struct srat_entry *a = &t->srat[idx[k]], *b = &t->srat[idx[k + 1]];
		if (a->base + a->length != b->base || a->pxm == b->pxm)
			continue;
		int64_t d = RNG_PICK(&g->rng, odd_moves);
		if ((d > 0 && (uint64_t)d >= b->length) || (d < 0 && (uint64_t)-d >= a->length))
			continue;
		a->length = (uint64_t)((int64_t)a->length + d);
		b->base = (uint64_t)((int64_t)b->base + d);
		b->length = (uint64_t)((int64_t)b->length - d);
		gen_note(g, "SRAT boundary PXM %u|%u moved %+lldK", a->pxm, b->pxm, (long long)d / 1024);
		return true;
	}
	return false;
}

bool op_srat_overlap(struct gen *g, struct topology *t)
{
	int idx[64];
	int n = sorted_memory(t, idx, 64);
	if (n < 1)
		return false;
	int k = (int)rng_below(&g->rng, (uint64_t)n);
	struct srat_entry copy = t->srat[idx[k]];
	int how = (int)rng_below(&g->rng, 3);
	if (how == 0 && k + 1 < n) {      /* grow into the next range */
		uint64_t d = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 2 * MiB, 64 * MiB }));
		t->srat[idx[k]].length += d;
		gen_note(g, "SRAT PXM %u grown %lluK into the next range", copy.pxm, (unsigned long long)(d / KiB));
		return true;
	}
	/* A second entry over part of this one: another PXM, or the same. */
	uint64_t part = copy.length / 2 & ~4095ULL;
	if (!part)
		return false;
	struct srat_entry *e = topo_add_srat(t, SRAT_MEMORY, how == 1 ? max_pxm(t) + 1 : copy.pxm);
	if (how == 1 && n > 1)
		e->pxm = t->srat[idx[(k + 1) % n]].pxm;
	e->base = copy.base + part / 2;
	e->length = part;
	gen_note(g, "SRAT range of PXM %u overlapped by PXM %u", copy.pxm, e->pxm);
	return true;
}

bool op_srat_uncover(struct gen *g, struct topology *t)
{
	int idx[64];
	int n = sorted_memory(t, idx, 64);
	if (n < 1)
		return false;
	int k = (int)rng_below(&g->rng, (uint64_t)n);
	struct srat_entry *e = &t->srat[idx[k]];
	int how = (int)rng_below(&g->rng, 3);
	if (how == 0 && n > 1) {
		gen_note(g, "SRAT range of PXM %u dropped", e->pxm);
		topo_remove_srat(t, idx[k]);
		return true;
	}
	/* Below and above the 1 MiB of RAM NUMA init lets go uncovered. */
	uint64_t d = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 512 * KiB, 1020 * KiB, 1 * MiB, 2 * MiB, 64 * MiB }));
	if (d >= e->length)
		return false;
	e->length -= d;
	if (how == 1)
		e->base += d;
	gen_note(g, "SRAT range of PXM %u %s %lluK short", e->pxm, how == 1 ? "starts" : "ends", (unsigned long long)(d / KiB));
	return true;
}

bool op_srat_flags(struct gen *g, struct topology *t)
{
	int idx[64];
	int n = memory_entries(t, idx, 64);
	if (n < 1)
		return false;
	struct srat_entry *e = &t->srat[idx[rng_below(&g->rng, (uint64_t)n)]];
	static const uint32_t flags[] = { SRAT_ENABLED, SRAT_HOTPLUG, SRAT_HOTPLUG, SRAT_NONVOLATILE };
	uint32_t f = RNG_PICK(&g->rng, flags);
	e->flags ^= f;
	gen_note(g, "SRAT range of PXM %u %s %s", e->pxm, e->flags & f ? "now" : "no longer",
		 f == SRAT_ENABLED ? "enabled" : f == SRAT_HOTPLUG ? "hotplug" : "non-volatile");
	return true;
}

static void reverse(struct topology *t, enum srat_kind kind)
{
	int idx[256], n = 0;
	for (int i = 0; i < t->n_srat && n < 256; i++)
		if (t->srat[i].kind == kind)
			idx[n++] = i;
	for (int i = 0; i < n / 2; i++) {
		struct srat_entry x = t->srat[idx[i]];
		t->srat[idx[i]] = t->srat[idx[n - 1 - i]];
		t->srat[idx[n - 1 - i]] = x;
	}
}

bool op_srat_descending(struct gen *g, struct topology *t)
{
	if (!has_explicit_srat(t))
		return false;
	/* Kernel node ids follow the PXMs' first appearance, CPU entries first:
	 * reversed, the highest memory gets node 0. */
	reverse(t, SRAT_CPU);
	if (rng_chance(&g->rng, 60))
		reverse(t, SRAT_MEMORY);
	gen_note(g, "SRAT in descending order");
	return true;
}

bool op_srat_new_pxm(struct gen *g, struct topology *t)
{
	int idx[64];
	int n = memory_entries(t, idx, 64);
	if (n < 1)
		return false;
	struct srat_entry *e = &t->srat[idx[rng_below(&g->rng, (uint64_t)n)]];
	uint32_t old = e->pxm;
	if (rng_chance(&g->rng, 30)) {
		/* Collides after the kernel masks it to 8 bits in a revision 1 table. */
		e->pxm = 256 + (uint32_t)rng_below(&g->rng, max_pxm(t) + 1);
		t->tables[TABLE_SRAT].revision = 1;
	} else {
		e->pxm = max_pxm(t) + 1;
	}
	gen_note(g, "SRAT range of PXM %u now PXM %u", old, e->pxm);
	return true;
}

bool op_srat_split(struct gen *g, struct topology *t)
{
	int idx[64];
	int n = memory_entries(t, idx, 64);
	for (int tries = 0; tries < 4 && n > 0; tries++) {
		struct srat_entry *e = &t->srat[idx[rng_below(&g->rng, (uint64_t)n)]];
		if (e->length < 2 * BLOCK || e->count != 1)
			continue;
		/* The new boundary falls inside a 128 MiB section. */
		uint64_t off = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 2 * MiB, 64 * MiB, 127 * MiB }));
		uint64_t at = (e->base + BLOCK - 1) / BLOCK * BLOCK + rng_below(&g->rng, e->length / BLOCK - 1) * BLOCK + off;
		if (at <= e->base || at >= e->base + e->length)
			continue;
		struct srat_entry copy = *e;
		e->length = at - e->base;
		struct srat_entry *x = topo_add_srat(t, SRAT_MEMORY, rng_chance(&g->rng, 50) ? max_pxm(t) + 1 : copy.pxm + 1);
		x->base = at;
		x->length = copy.base + copy.length - at;
		x->flags = copy.flags;
		gen_note(g, "SRAT range of PXM %u split at 0x%llx for PXM %u", copy.pxm, (unsigned long long)at, x->pxm);
		return true;
	}
	return false;
}

bool op_srat_cpu(struct gen *g, struct topology *t)
{
	int idx[64], n = 0;
	for (int i = 0; i < t->n_srat && n < 64; i++)
		if (t->srat[i].kind == SRAT_CPU || t->srat[i].kind == SRAT_X2APIC)
			idx[n++] = i;
	if (!n)
		return false;
	struct srat_entry *e = &t->srat[idx[rng_below(&g->rng, (uint64_t)n)]];
	int how = (int)rng_below(&g->rng, 3);
	if (how == 0) {
		e->pxm = max_pxm(t) + 1;      /* a domain with a CPU and no memory */
		gen_note(g, "CPU %u on memoryless PXM %u", e->apic_id, e->pxm);
	} else if (how == 1) {
		e->kind = SRAT_X2APIC;
		gen_note(g, "CPU %u as an x2APIC entry", e->apic_id);
	} else {
		e->flags ^= SRAT_ENABLED;
		gen_note(g, "CPU %u entry %s", e->apic_id, e->flags & SRAT_ENABLED ? "enabled" : "disabled");
	}
	return true;
}

bool op_srat_beyond(struct gen *g, struct topology *t)
{
	if (!has_explicit_srat(t))
		return false;
	int how = (int)rng_below(&g->rng, 3);
	struct srat_entry *e = topo_add_srat(t, SRAT_MEMORY, (uint32_t)rng_below(&g->rng, max_pxm(t) + 2));
	if (how == 0) {
		e->base = 64 * GiB;
		e->length = RNG_PICK(&g->rng, ((const uint64_t[]){ 128 * MiB, 1 * GiB, 4 * GiB }));
		if (rng_chance(&g->rng, 60))
			e->flags |= SRAT_HOTPLUG;
		gen_note(g, "SRAT range beyond RAM for PXM %u", e->pxm);
	} else if (how == 1) {
		e->base = 1 * GiB;
		e->length = 0;
		gen_note(g, "zero-length SRAT range");
	} else {
		e->base = 0xfffffffffffff000ULL;
		e->length = 8 * KiB;
		gen_note(g, "SRAT range wrapping the address space");
	}
	return true;
}

void strategy_srat_anomaly(struct gen *g, struct topology *t)
{
	gen_base(g, t, (int)rng_range(&g->rng, 1, 3), gen_total_memory(g));
	op_srat_explicit(g, t);
	static bool (*const bends[])(struct gen *, struct topology *) = {
		op_srat_shift, op_srat_overlap, op_srat_uncover, op_srat_flags, op_srat_descending,
		op_srat_new_pxm, op_srat_split, op_srat_cpu, op_srat_beyond,
	};
	int want = (int)rng_range(&g->rng, 1, 3), done = 0;
	for (int tries = 0; tries < 16 && done < want; tries++)
		done += bends[rng_below(&g->rng, sizeof bends / sizeof bends[0])](g, t);
	gen_probe_step(g, t, "nodes memory-blocks");
}
