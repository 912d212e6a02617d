/* topologies/gen_memmap.c: the command-line family of the generator:
 * memmap= carve-outs placed against the predicted layout (node boundaries,
 * whole nodes, heads, tails, blocks shared with RAM, the end of RAM, 4G),
 * retyping, exactmap maps with holes, mem=, kernelcore=/movablecore=,
 * movable_node, numa=, memhp_default_state=; the strategies memmap-carve and
 * cmdline-holes. Nothing is carved below CARVE_FLOOR nor in the 64 MiB under
 * the top of low RAM, where QEMU puts the initrd and SeaBIOS the ACPI tables. */
#include "topologies/gen_ops.h"
#include "common/size.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOW_TOP_GUARD (64 * MiB)

static bool carve_allowed(const struct layout *l, uint64_t s, uint64_t e)
{
	if (s < CARVE_FLOOR || e <= s)
		return false;
	if (s < l->below_4g && e > l->below_4g - LOW_TOP_GUARD)
		return false;
	return true;
}

static void fmt(uint64_t v, char *out)
{
	size_format(v, out, 40);
}

static void addr(uint64_t v, char *out)
{
	snprintf(out, 40, "0x%llx", (unsigned long long)v);
}

/* A memmap= parameter SIZE<c>START. */
static bool add_memmap(struct gen *g, struct topology *t, uint64_t size, char c, uint64_t start, const char *where)
{
	char s[40], a[40], param[100];
	fmt(size, s);
	addr(start, a);
	snprintf(param, sizeof param, "memmap=%s%c%s", s, c, a);
	if (topo_add_cmdline(t, param))
		return false;
	gen_note(g, "%s %s", param, where);
	return true;
}

/* Node spans: lowest start, highest end and the largest single range of a node. */
struct span {
	uint64_t lo, hi, big_s, big_e;
	bool any;
};

static void node_spans(const struct layout *l, struct span *sp, int n)
{
	memset(sp, 0, sizeof *sp * (size_t)n);
	for (int i = 0; i < l->n_node_ranges; i++) {
		const struct mem_range *r = &l->node_ranges[i];
		if (r->node < 0 || r->node >= n)
			continue;
		struct span *x = &sp[r->node];
		if (!x->any || r->start < x->lo) x->lo = r->start;
		if (!x->any || r->end > x->hi) x->hi = r->end;
		if (!x->any || r->end - r->start > x->big_e - x->big_s) {
			x->big_s = r->start;
			x->big_e = r->end;
		}
		x->any = true;
	}
}

static uint64_t pick_size(struct gen *g, uint64_t limit)
{
	static const uint64_t sizes[] = { 4 * KiB, 8 * KiB, 1 * MiB + 4 * KiB, 2 * MiB, 4 * MiB, 64 * MiB, 100 * MiB + 8 * KiB,
					  128 * MiB, 256 * MiB, 512 * MiB, 1 * GiB };
	for (int tries = 0; tries < 8; tries++) {
		uint64_t s = RNG_PICK(&g->rng, sizes);
		if (s < limit)
			return s;
	}
	return limit > 8 * KiB ? limit / 2 & ~4095ULL : 0;
}

/* The last usable RAM range of the firmware map (where RAM ends). */
static const struct mem_range *last_ram(const struct layout *l)
{
	const struct mem_range *best = NULL;
	for (int i = 0; i < l->n_e820; i++)
		if (l->e820[i].type == E820_RAM)
			best = &l->e820[i];
	return best;
}

/* Chooses a range to carve, by placement class; false if this layout has
 * no such place. */
static bool choose_place(struct gen *g, const struct layout *l, uint64_t *s, uint64_t *e, const char **where)
{
	struct span sp[TOPO_MAX_NODES];
	int nn = l->n_kernel_nodes > 0 ? l->n_kernel_nodes : 0;
	for (int i = 0; i < l->n_node_ranges; i++)
		if (l->node_ranges[i].node + 1 > nn)
			nn = l->node_ranges[i].node + 1;
	if (nn > TOPO_MAX_NODES)
		nn = TOPO_MAX_NODES;
	node_spans(l, sp, nn);
	int place = (int)rng_below(&g->rng, 7);
	switch (place) {
	case 0: {   /* straddling a boundary between two nodes */
		int k = l->n_node_ranges > 1 ? (int)rng_below(&g->rng, (uint64_t)l->n_node_ranges - 1) : -1;
		if (k < 0 || l->node_ranges[k].node == l->node_ranges[k + 1].node)
			return false;
		uint64_t b = l->node_ranges[k].end;
		uint64_t before = pick_size(g, l->node_ranges[k].end - l->node_ranges[k].start);
		uint64_t after = pick_size(g, l->node_ranges[k + 1].end - l->node_ranges[k + 1].start);
		if (!before || !after)
			return false;
		*s = b - before;
		*e = l->node_ranges[k + 1].start + after;
		*where = "straddling a node boundary";
		return true;
	}
	case 1: case 2: case 3: {  /* a whole node, its tail, its head */
		if (!nn)
			return false;
		int node = (int)rng_below(&g->rng, (uint64_t)nn);
		if (!sp[node].any)
			return false;
		uint64_t rs = sp[node].big_s, re = sp[node].big_e, len = re - rs;
		if (place == 1) {
			*s = rs;
			*e = re;
			*where = "over a whole node range";
		} else {
			uint64_t size = pick_size(g, len);
			if (!size)
				return false;
			*s = place == 2 ? re - size : rs;
			*e = *s + size;
			*where = place == 2 ? "over a node's tail" : "over a node's head";
		}
		return true;
	}
	case 4: {   /* sharing a memory block with RAM */
		const struct mem_range *r = last_ram(l);
		if (!r || r->end - r->start < 2 * BLOCK)
			return false;
		uint64_t blocks = (r->end - r->start) / BLOCK;
		uint64_t base = (r->start + BLOCK - 1) / BLOCK * BLOCK + rng_below(&g->rng, blocks - 1) * BLOCK;
		uint64_t off = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 2 * MiB, 64 * MiB, 100 * MiB }));
		uint64_t size = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 2 * MiB, 28 * MiB, 64 * MiB }));
		*s = base + off;
		*e = *s + size;
		*where = "sharing a memory block with RAM";
		return true;
	}
	case 5: {   /* the end of RAM */
		const struct mem_range *r = last_ram(l);
		if (!r)
			return false;
		uint64_t size = pick_size(g, r->end - r->start);
		if (!size)
			return false;
		*s = r->end - size;
		*e = r->end;
		*where = "at the end of RAM";
		return true;
	}
	default: {  /* from 4G up, as seed 004 */
		if (!l->above_4g)
			return false;
		uint64_t size = pick_size(g, l->above_4g + 1);
		if (!size)
			return false;
		*s = 4 * GiB;
		*e = 4 * GiB + size;
		*where = "from 4G";
		return true;
	}
	}
}

bool op_memmap_carve(struct gen *g, struct topology *t)
{
	const struct layout *l = gen_layout_now(g, t);
	uint64_t s, e;
	const char *where;
	if (!l || !choose_place(g, l, &s, &e, &where) || !carve_allowed(l, s, e))
		return false;
	static const char types[] = { '!', '!', '!', '$', '$', '#' };
	return add_memmap(g, t, e - s, RNG_PICK(&g->rng, types), s, where);
}

bool op_memmap_retype(struct gen *g, struct topology *t)
{
	const struct layout *l = gen_layout_now(g, t);
	uint64_t s, e;
	const char *where;
	if (!l || !choose_place(g, l, &s, &e, &where) || !carve_allowed(l, s, e))
		return false;
	static const char *const forms[] = { "-1+12", "-1+2", "-1+3", "+12", "-1" };
	const char *form = RNG_PICK(&g->rng, forms);
	char sz[40], a[40], param[120];
	fmt(e - s, sz);
	addr(s, a);
	snprintf(param, sizeof param, "memmap=%s%%%s%s", sz, a, form);
	if (topo_add_cmdline(t, param))
		return false;
	gen_note(g, "%s %s", param, where);
	/* RAM taken out entirely (a hole, not a reserved range) can be given
	 * back in part with @: the only place a RAM carve-in does anything
	 * (elsewhere the larger e820 type wins, or it would claim MMIO). */
	if (!strcmp(form, "-1") && e - s >= 8 * KiB && rng_chance(&g->rng, 50)) {
		uint64_t back = (e - s) / 2 & ~4095ULL;
		uint64_t at = rng_chance(&g->rng, 50) ? s : e - back;
		add_memmap(g, t, back, '@', at, at == s ? "giving the head back" : "giving the tail back");
	}
	return true;
}

static void drop_kind(struct topology *t, enum cmdline_kind kind)
{
	int i;
	while ((i = topo_find_cmdline(t, kind)) >= 0)
		topo_remove_cmdline(t, i);
}

/* One piece of an exactmap: SIZE@START (or another type). */
static void exact_piece(struct topology *t, uint64_t s, uint64_t e, char c)
{
	char sz[40], a[40], param[100];
	if (e <= s)
		return;
	fmt(e - s, sz);
	addr(s, a);
	snprintf(param, sizeof param, "memmap=%s%c%s", sz, c, a);
	topo_add_cmdline(t, param);
}

bool op_exactmap(struct gen *g, struct topology *t)
{
	const struct layout *l = gen_layout_now(g, t);
	if (!l)
		return false;
	struct e820_map fw = { 0 };
	for (int i = 0; i < l->n_e820; i++)
		if (l->e820[i].type == E820_RAM)
			e820_add(&fw, l->e820[i].start, l->e820[i].end - l->e820[i].start, E820_RAM);
	drop_kind(t, CMD_MEMMAP);
	drop_kind(t, CMD_MEM);
	topo_add_cmdline(t, "memmap=exactmap");
	int holes = 0;
	bool drop_high = l->above_4g && rng_chance(&g->rng, 20);
	for (int i = 0; i < fw.n; i++) {
		uint64_t s = fw.v[i].start, e = fw.v[i].end;
		if (drop_high && s >= 4 * GiB)
			continue;
		/* Punch up to two holes above the floor, away from the low top. */
		uint64_t at = s;
		for (int h = 0; h < 2 && e - at > 3 * BLOCK && rng_chance(&g->rng, 60); h++) {
			uint64_t lo = at > CARVE_FLOOR ? at : CARVE_FLOOR;
			if (lo + 2 * BLOCK >= e)
				break;
			uint64_t hs = lo + rng_below(&g->rng, (e - lo - 2 * BLOCK) / (2 * MiB)) * 2 * MiB +
				      RNG_PICK(&g->rng, ((const uint64_t[]){ 0, 4 * KiB, 1 * MiB }));
			uint64_t hl = RNG_PICK(&g->rng, ((const uint64_t[]){ 4 * KiB, 2 * MiB, 64 * MiB, 128 * MiB, 100 * MiB + 4 * KiB }));
			if (hs + hl > e || (hs < l->below_4g && hs + hl > l->below_4g - LOW_TOP_GUARD))
				break;
			exact_piece(t, at, hs, '@');
			if (rng_chance(&g->rng, 30))
				exact_piece(t, hs, hs + hl, RNG_PICK(&g->rng, ((const char[]){ '!', '$', '#' })));
			at = hs + hl;
			holes++;
		}
		exact_piece(t, at, e, '@');
	}
	free(fw.v);
	gen_note(g, "memmap=exactmap with %d hole%s%s", holes, holes == 1 ? "" : "s", drop_high ? ", RAM above 4G dropped" : "");
	return true;
}

bool op_mem_limit(struct gen *g, struct topology *t)
{
	const struct layout *l = gen_layout_now(g, t);
	const struct mem_range *r = l ? last_ram(l) : NULL;
	if (!r)
		return false;
	uint64_t x;
	int how = (int)rng_below(&g->rng, 3);
	if (how == 0 && l->n_node_ranges > 1) {
		x = l->node_ranges[rng_below(&g->rng, (uint64_t)l->n_node_ranges - 1)].end;
	} else if (how == 1 && l->above_4g) {
		x = 4 * GiB;
	} else {
		x = CARVE_FLOOR + rng_below(&g->rng, (r->end - CARVE_FLOOR) / (2 * MiB)) * 2 * MiB;
	}
	static const int64_t nudge[] = { 0, 0, 4096, -4096, 2 * (int64_t)MiB, -2 * (int64_t)MiB, 1 };
	x = (uint64_t)((int64_t)x + RNG_PICK(&g->rng, nudge));
	if (x < 384 * MiB || x >= r->end)
		return false;
	drop_kind(t, CMD_MEM);
	char s[40], param[60];
	fmt(x, s);
	snprintf(param, sizeof param, "mem=%s", s);
	if (topo_add_cmdline(t, param))
		return false;
	gen_note(g, "%s", param);
	return true;
}

bool op_core_split(struct gen *g, struct topology *t)
{
	bool kernelcore = rng_chance(&g->rng, 60);
	char param[60];
	int form = (int)rng_below(&g->rng, 3);
	if (form == 0 && t->memory > 512 * MiB) {
		uint64_t room = t->memory - 384 * MiB;
		uint64_t v = rng_below(&g->rng, room / (2 * MiB)) * 2 * MiB + (rng_chance(&g->rng, 30) ? 4096 : 0);
		char s[40];
		fmt(kernelcore ? t->memory - v : v, s);
		snprintf(param, sizeof param, "%s=%s", kernelcore ? "kernelcore" : "movablecore", s);
	} else if (form == 1 || !kernelcore) {
		unsigned pct = kernelcore ? (unsigned)rng_range(&g->rng, 40, 100) : (unsigned)rng_range(&g->rng, 0, 60);
		snprintf(param, sizeof param, "%s=%u%%", kernelcore ? "kernelcore" : "movablecore", pct);
	} else {
		snprintf(param, sizeof param, "kernelcore=mirror");
	}
	drop_kind(t, kernelcore ? CMD_KERNELCORE : CMD_MOVABLECORE);
	if (topo_add_cmdline(t, param))
		return false;
	gen_note(g, "%s", param);
	return true;
}

bool op_movable_node(struct gen *g, struct topology *t)
{
	if (topo_find_cmdline(t, CMD_MOVABLE_NODE) < 0)
		topo_add_cmdline(t, "movable_node");
	/* Something must be hotpluggable for movable_node to act on. */
	int mem_entries = 0;
	for (int i = 0; i < t->n_srat; i++)
		mem_entries += t->srat[i].kind == SRAT_MEMORY;
	if (t->firmware == FIRMWARE_GENERATED && mem_entries > 1) {
		int k = (int)rng_range(&g->rng, 1, (uint64_t)mem_entries - 1), seen = 0;
		for (int i = 0; i < t->n_srat; i++)
			if (t->srat[i].kind == SRAT_MEMORY && seen++ == k)
				t->srat[i].flags |= SRAT_HOTPLUG;
		gen_note(g, "movable_node, SRAT memory entry %d hotpluggable", k);
	} else {
		op_hotplug_enable(g, t);
		gen_note(g, "movable_node");
	}
	return true;
}

bool op_numa_option(struct gen *g, struct topology *t)
{
	static const char *const opts[] = { "numa=fake=2", "numa=fake=3", "numa=fake=4", "numa=fake=8", "numa=fake=32M",
					    "numa=fake=100M", "numa=fake=128M", "numa=off", "numa=noacpi" };
	drop_kind(t, CMD_NUMA);
	const char *o = RNG_PICK(&g->rng, opts);
	if (topo_add_cmdline(t, o))
		return false;
	gen_note(g, "%s", o);
	return true;
}

bool op_memhp_state(struct gen *g, struct topology *t)
{
	static const char *const states[] = { "memhp_default_state=online", "memhp_default_state=online_movable",
					      "memhp_default_state=online_kernel", "memhp_default_state=offline" };
	drop_kind(t, CMD_MEMHP_STATE);
	const char *s = RNG_PICK(&g->rng, states);
	if (topo_add_cmdline(t, s))
		return false;
	gen_note(g, "%s", s);
	return true;
}

bool op_drop_cmdline(struct gen *g, struct topology *t)
{
	if (!t->n_cmdline)
		return false;
	int i = (int)rng_below(&g->rng, (uint64_t)t->n_cmdline);
	gen_note(g, "dropped %s", t->cmdline[i].text);
	topo_remove_cmdline(t, i);
	return true;
}

void strategy_memmap_carve(struct gen *g, struct topology *t)
{
	gen_base(g, t, (int)rng_range(&g->rng, 0, 3), gen_total_memory(g) + GiB);
	int want = (int)rng_range(&g->rng, 1, 3), done = 0;
	for (int tries = 0; tries < 24 && done < want; tries++)
		done += rng_chance(&g->rng, 85) ? op_memmap_carve(g, t) : op_memmap_retype(g, t);
	gen_probe_step(g, t, rng_chance(&g->rng, 60) ? "memory-blocks kpageflags" : "nodes memory-blocks zoneinfo");
}

void strategy_cmdline_holes(struct gen *g, struct topology *t)
{
	static void (*const bases[])(struct gen *, struct topology *) = {
		strategy_tiny_node, strategy_node_threshold, strategy_numa_shape, strategy_memmap_carve, strategy_unaligned_ram,
	};
	static const char *const base_names[] = { "tiny-node", "node-threshold", "numa-shape", "memmap-carve", "unaligned-ram" };
	int b = (int)rng_below(&g->rng, sizeof bases / sizeof bases[0]);
	bases[b](g, t);
	topo_add_tag(t, base_names[b]);
	static bool (*const extras[])(struct gen *, struct topology *) = {
		op_exactmap, op_mem_limit, op_movable_node, op_core_split, op_numa_option, op_memhp_state,
	};
	int want = (int)rng_range(&g->rng, 1, 2), done = 0;
	for (int tries = 0; tries < 12 && done < want; tries++)
		done += extras[rng_below(&g->rng, sizeof extras / sizeof extras[0])](g, t);
}
