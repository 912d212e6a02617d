/* acpi-gen/model_features.c: the model's discrete facts as small integer ids,
 * the coverage signal of the libFuzzer layout harness. Two layouts with the
 * same feature set look alike to the kernel code this project targets; a
 * new id means a new kind of layout. Ids are stable (docs/model.md lists
 * them); a new fact gets a new id at the end of its range. */
#include "acpi-gen/model.h"
#include <string.h>

/* Ranges: 0-7 NUMA path, 8-47 nodes and SRAT, 48-71 zones, 72-87 block
 * contents (72 + MC_* bits), 88-103 section contents, 104-119 blocks and
 * sections, 120-183 e820 adjacency (120 + 8 * left kind + right kind),
 * 184-207 command line. */
enum {
	F_NUMA = 0,
	F_SRAT_ZERO_LENGTH = 8, F_SRAT_INVALID, F_SRAT_HOTPLUG, F_SRAT_NONVOLATILE, F_SRAT_DROPPED_NO_RAM,
	F_SRAT_CLIPPED_AT_MAX_PFN, F_SRAT_MERGED, F_SRAT_SELF_OVERLAP, F_NODE_RENUMBERED, F_NODE_MEMORYLESS,
	F_NODE_CPULESS, F_NODE_TINY, F_NODE_BELOW_SECTION, F_NODE_START_UNALIGNED, F_NODE_END_UNALIGNED,
	F_NODE_SPANS_INTERLEAVE, F_RAM_NOT_COVERED, F_NODE_SEVERAL_RANGES, F_NODE_ABOVE_4G_ONLY, F_NODES_MANY,
	F_NODE_HOLE_IN_SPAN, F_SRAT_DESCENDING,
	F_ZONE_DMA32_EMPTY = 48, F_ZONE_NORMAL_EMPTY, F_NODE_MULTI_ZONE, F_NODE_MOVABLE, F_NODE_ONLY_MOVABLE,
	F_ZONE_HOLES, F_HOLE_DMA, F_HOLE_DMA32, F_HOLE_NORMAL, F_HOLE_MOVABLE, F_TAIL_HOLE, F_ZONE_TINY,
	F_ZONE_SHARED_BY_NODES, F_NODE_DMA_ONLY, F_ZONE_STARTS_MID_NODE, F_MOVABLE_ALL_NODES,
	F_BLOCK_CONTENTS = 72,
	F_SECTION_CONTENTS = 88,
	F_BLOCK_PARTIAL = 104, F_BLOCK_TWO_NODES, F_BLOCK_TWO_ZONES, F_BLOCK_VALID_NONE, F_BLOCK_DIMM,
	F_BLOCK_DIMM_ONLINE, F_SECTION_TWO_NODES, F_SECTION_RAM_HOLE, F_SECTION_RAM_PMEM, F_SECTION_RAM_RESERVED,
	F_SECTION_TWO_ZONES, F_BLOCK_LARGE, F_BLOCK_PMEM_ONLY, F_BLOCK_NOT_PRESENT_RESERVED,
	F_E820_ADJ = 120,
	F_CMD_EXACTMAP = 184, F_CMD_MEM_LIMIT, F_CMD_MEMMAP_RAM, F_CMD_MEMMAP_RETYPE, F_CMD_MOVABLE_NODE,
	F_CMD_KERNELCORE, F_CMD_MOVABLECORE, F_CMD_USER_MAP_REFUSED, F_CMD_MEMHP_ONLINE, F_CMD_MOVABLE_NODE_HOTPLUG,
	F_CMD_GENERATED_SRAT, F_CMD_NOT_MODELLED,
	F__END = 208,
};

static const char *const names[F__END] = {
	[F_NUMA + NUMA_SRAT] = "numa.srat", [F_NUMA + NUMA_NO_SRAT] = "numa.no-srat",
	[F_NUMA + NUMA_SRAT_BAD] = "numa.srat-bad", [F_NUMA + NUMA_OVERLAP] = "numa.overlap",
	[F_NUMA + NUMA_NOT_COVERED] = "numa.not-covered", [F_NUMA + NUMA_OFF] = "numa.off",
	[F_NUMA + NUMA_NOACPI] = "numa.noacpi", [F_NUMA + NUMA_FAKE] = "numa.fake",
	[F_SRAT_ZERO_LENGTH] = "srat.zero-length", [F_SRAT_INVALID] = "srat.invalid-range",
	[F_SRAT_HOTPLUG] = "srat.hotplug", [F_SRAT_NONVOLATILE] = "srat.non-volatile",
	[F_SRAT_DROPPED_NO_RAM] = "srat.range-without-ram", [F_SRAT_CLIPPED_AT_MAX_PFN] = "srat.clipped-at-max-pfn",
	[F_SRAT_MERGED] = "srat.merged", [F_SRAT_SELF_OVERLAP] = "srat.self-overlap",
	[F_NODE_RENUMBERED] = "node.renumbered", [F_NODE_MEMORYLESS] = "node.memoryless",
	[F_NODE_CPULESS] = "node.cpuless", [F_NODE_TINY] = "node.below-4m",
	[F_NODE_BELOW_SECTION] = "node.below-128m", [F_NODE_START_UNALIGNED] = "node.start-unaligned",
	[F_NODE_END_UNALIGNED] = "node.end-unaligned", [F_NODE_SPANS_INTERLEAVE] = "node.spans-overlap",
	[F_RAM_NOT_COVERED] = "node.ram-not-covered", [F_NODE_SEVERAL_RANGES] = "node.several-ranges",
	[F_NODE_ABOVE_4G_ONLY] = "node.above-4g-only", [F_NODES_MANY] = "node.more-than-4",
	[F_NODE_HOLE_IN_SPAN] = "node.hole-in-span", [F_SRAT_DESCENDING] = "srat.descending",
	[F_ZONE_DMA32_EMPTY] = "zone.dma32-empty", [F_ZONE_NORMAL_EMPTY] = "zone.normal-empty",
	[F_NODE_MULTI_ZONE] = "zone.node-in-several", [F_NODE_MOVABLE] = "zone.movable",
	[F_NODE_ONLY_MOVABLE] = "zone.node-only-movable", [F_ZONE_HOLES] = "zone.holes",
	[F_HOLE_DMA] = "zone.hole-dma", [F_HOLE_DMA32] = "zone.hole-dma32", [F_HOLE_NORMAL] = "zone.hole-normal",
	[F_HOLE_MOVABLE] = "zone.hole-movable", [F_TAIL_HOLE] = "zone.tail-hole", [F_ZONE_TINY] = "zone.below-4m",
	[F_ZONE_SHARED_BY_NODES] = "zone.in-several-nodes", [F_NODE_DMA_ONLY] = "zone.node-dma-only",
	[F_ZONE_STARTS_MID_NODE] = "zone.starts-mid-node", [F_MOVABLE_ALL_NODES] = "zone.movable-on-every-node",
	[F_BLOCK_CONTENTS + 1] = "block.ram", [F_BLOCK_CONTENTS + 2] = "block.pmem",
	[F_BLOCK_CONTENTS + 3] = "block.ram-pmem", [F_BLOCK_CONTENTS + 4] = "block.reserved",
	[F_BLOCK_CONTENTS + 5] = "block.ram-reserved", [F_BLOCK_CONTENTS + 6] = "block.pmem-reserved",
	[F_BLOCK_CONTENTS + 7] = "block.ram-pmem-reserved", [F_BLOCK_CONTENTS + 8] = "block.hole",
	[F_BLOCK_CONTENTS + 9] = "block.ram-hole", [F_BLOCK_CONTENTS + 10] = "block.pmem-hole",
	[F_BLOCK_CONTENTS + 11] = "block.ram-pmem-hole", [F_BLOCK_CONTENTS + 12] = "block.reserved-hole",
	[F_BLOCK_CONTENTS + 13] = "block.ram-reserved-hole", [F_BLOCK_CONTENTS + 14] = "block.pmem-reserved-hole",
	[F_BLOCK_CONTENTS + 15] = "block.ram-pmem-reserved-hole",
	[F_SECTION_CONTENTS + 1] = "section.ram", [F_SECTION_CONTENTS + 2] = "section.pmem",
	[F_SECTION_CONTENTS + 3] = "section.ram-pmem", [F_SECTION_CONTENTS + 4] = "section.reserved",
	[F_SECTION_CONTENTS + 5] = "section.ram-reserved", [F_SECTION_CONTENTS + 6] = "section.pmem-reserved",
	[F_SECTION_CONTENTS + 7] = "section.ram-pmem-reserved", [F_SECTION_CONTENTS + 8] = "section.hole",
	[F_SECTION_CONTENTS + 9] = "section.ram-hole", [F_SECTION_CONTENTS + 10] = "section.pmem-hole",
	[F_SECTION_CONTENTS + 11] = "section.ram-pmem-hole", [F_SECTION_CONTENTS + 12] = "section.reserved-hole",
	[F_SECTION_CONTENTS + 13] = "section.ram-reserved-hole", [F_SECTION_CONTENTS + 14] = "section.pmem-reserved-hole",
	[F_SECTION_CONTENTS + 15] = "section.ram-pmem-reserved-hole",
	[F_BLOCK_PARTIAL] = "block.partial", [F_BLOCK_TWO_NODES] = "block.two-nodes",
	[F_BLOCK_TWO_ZONES] = "block.two-zones", [F_BLOCK_VALID_NONE] = "block.valid-zones-none",
	[F_BLOCK_DIMM] = "block.dimm", [F_BLOCK_DIMM_ONLINE] = "block.dimm-online",
	[F_SECTION_TWO_NODES] = "section.shared-by-nodes", [F_SECTION_RAM_HOLE] = "section.shared-ram-hole",
	[F_SECTION_RAM_PMEM] = "section.shared-ram-pmem", [F_SECTION_RAM_RESERVED] = "section.shared-ram-reserved",
	[F_SECTION_TWO_ZONES] = "section.shared-by-zones", [F_BLOCK_LARGE] = "block.size-above-128m",
	[F_BLOCK_PMEM_ONLY] = "block.pmem-not-present", [F_BLOCK_NOT_PRESENT_RESERVED] = "block.reserved-not-present",
	[F_CMD_EXACTMAP] = "cmd.exactmap", [F_CMD_MEM_LIMIT] = "cmd.mem-limit-cuts-ram",
	[F_CMD_MEMMAP_RAM] = "cmd.memmap-ram", [F_CMD_MEMMAP_RETYPE] = "cmd.memmap-retype",
	[F_CMD_MOVABLE_NODE] = "cmd.movable-node", [F_CMD_KERNELCORE] = "cmd.kernelcore",
	[F_CMD_MOVABLECORE] = "cmd.movablecore", [F_CMD_USER_MAP_REFUSED] = "cmd.user-map-refused",
	[F_CMD_MEMHP_ONLINE] = "cmd.memhp-online", [F_CMD_MOVABLE_NODE_HOTPLUG] = "cmd.movable-node-hotplug-ram",
	[F_CMD_GENERATED_SRAT] = "cmd.generated-srat", [F_CMD_NOT_MODELLED] = "cmd.not-modelled",
};

static const char *const e820_kinds[8] = { "ram", "reserved", "acpi", "nvs", "unusable", "pmem", "pram", "other" };

const char *model_feature_name(uint32_t id)
{
	static char adj[F__END][32];
	if (id >= F_E820_ADJ && id < F_E820_ADJ + 64) {
		unsigned k = id - F_E820_ADJ;
		if (!adj[id][0]) {
			const char *a = e820_kinds[k / 8], *b = e820_kinds[k % 8];
			size_t la = strlen(a), lb = strlen(b);
			memcpy(adj[id], "e820.", 5);
			memcpy(adj[id] + 5, a, la);
			adj[id][5 + la] = '-';
			memcpy(adj[id] + 6 + la, b, lb + 1);
		}
		return adj[id];
	}
	return id < F__END ? names[id] : NULL;
}

struct emitter {
	void (*emit)(uint32_t, void *);
	void *ctx;
	uint64_t seen[(F__END + 63) / 64];
};

static void put(struct emitter *e, uint32_t id)
{
	if (id >= F__END || (e->seen[id / 64] >> (id % 64) & 1))
		return;
	e->seen[id / 64] |= 1ULL << (id % 64);
	e->emit(id, e->ctx);
}

static void srat_and_nodes(const struct model *m, struct emitter *e)
{
	for (int i = 0; i < m->n_srat; i++) {
		const struct model_srat_line *s = &m->srat[i];
		if (s->start == s->end)
			put(e, F_SRAT_ZERO_LENGTH);
		if (s->start > s->end)
			put(e, F_SRAT_INVALID);
		if (s->hotplug)
			put(e, F_SRAT_HOTPLUG);
		if (s->nonvolatile)
			put(e, F_SRAT_NONVOLATILE);
		if (i && s->start < m->srat[i - 1].start && !s->hotplug)
			put(e, F_SRAT_DESCENDING);
	}
	for (int i = 0; i < m->n_dropped; i++)
		put(e, m->dropped[i].start == m->ram_end ? F_SRAT_CLIPPED_AT_MAX_PFN : F_SRAT_DROPPED_NO_RAM);
	if (m->numa_facts & MODEL_NUMA_MERGED)
		put(e, F_SRAT_MERGED);
	if (m->numa_facts & MODEL_NUMA_SELF_OVERLAP)
		put(e, F_SRAT_SELF_OVERLAP);
	if (m->n_nodes > 4)
		put(e, F_NODES_MANY);
	for (int i = 0; i < m->n_nodes; i++) {
		const struct model_node *nd = &m->nodes[i];
		if (nd->pxm >= 0 && nd->pxm != nd->id)
			put(e, F_NODE_RENUMBERED);
		if (!nd->memory)
			put(e, F_NODE_MEMORYLESS);
		if (!nd->cpus && nd->memory)
			put(e, F_NODE_CPULESS);
		if (!nd->memory)
			continue;
		if (nd->present < (4ULL << 20))
			put(e, F_NODE_TINY);
		if (nd->present < MODEL_SECTION)
			put(e, F_NODE_BELOW_SECTION);
		if (nd->start % MODEL_SECTION && nd->start != MODEL_PAGE)
			put(e, F_NODE_START_UNALIGNED);
		if (nd->end % MODEL_SECTION)
			put(e, F_NODE_END_UNALIGNED);
		if (nd->start >= (4ULL << 30))
			put(e, F_NODE_ABOVE_4G_ONLY);
		if (nd->present < nd->end - nd->start)
			put(e, F_NODE_HOLE_IN_SPAN);
		int ranges = 0;
		for (int k = 0; k < m->n_early; k++)
			ranges += m->early[k].node == nd->id;
		if (ranges > 1)
			put(e, F_NODE_SEVERAL_RANGES);
		for (int k = 0; k < m->n_nodes; k++)
			if (k != i && m->nodes[k].memory && m->nodes[k].start < nd->end && nd->start < m->nodes[k].end)
				put(e, F_NODE_SPANS_INTERLEAVE);
	}
	for (int k = 0; k < m->n_early; k++)
		if (m->early[k].node < 0)
			put(e, F_RAM_NOT_COVERED);
}

static void zones(const struct model *m, struct emitter *e)
{
	if (m->zone_low[MZONE_DMA32] == m->zone_high[MZONE_DMA32])
		put(e, F_ZONE_DMA32_EMPTY);
	if (m->zone_low[MZONE_NORMAL] == m->zone_high[MZONE_NORMAL])
		put(e, F_ZONE_NORMAL_EMPTY);
	int movable_nodes = 0, memory_nodes = 0;
	int nodes_in_zone[MZONE__COUNT] = { 0 };
	for (int i = 0; i < m->n_nodes; i++) {
		const struct model_node *nd = &m->nodes[i];
		if (!nd->memory)
			continue;
		memory_nodes++;
		int populated = 0, first = -1;
		for (int z = 0; z < MZONE__COUNT; z++) {
			if (!nd->zone[z].present)
				continue;
			populated++;
			nodes_in_zone[z]++;
			if (first < 0)
				first = z;
			if (nd->zone[z].present < nd->zone[z].end - nd->zone[z].start)
				put(e, F_ZONE_HOLES);
			if (nd->zone[z].present < (4ULL << 20))
				put(e, F_ZONE_TINY);
			if (z < MZONE_MOVABLE && nd->zone[z].start > m->zone_low[z] && nd->zone[z].start == nd->start &&
			    nd->start > MODEL_PAGE)
				put(e, F_ZONE_STARTS_MID_NODE);
		}
		if (populated > 1)
			put(e, F_NODE_MULTI_ZONE);
		if (nd->zone[MZONE_MOVABLE].present) {
			movable_nodes++;
			put(e, F_NODE_MOVABLE);
			if (populated == 1)
				put(e, F_NODE_ONLY_MOVABLE);
		}
		if (populated == 1 && first == MZONE_DMA)
			put(e, F_NODE_DMA_ONLY);
	}
	for (int z = 0; z < MZONE__COUNT; z++)
		if (nodes_in_zone[z] > 1)
			put(e, F_ZONE_SHARED_BY_NODES);
	if (movable_nodes && movable_nodes == memory_nodes)
		put(e, F_MOVABLE_ALL_NODES);
	for (int i = 0; i < m->n_holes; i++) {
		/* The first page and the 640K-1M hole are in every layout: not a feature. */
		if (m->holes[i].zone == MZONE_DMA && m->holes[i].pages <= 97)
			continue;
		put(e, (uint32_t)(F_HOLE_DMA + m->holes[i].zone));
		if (i == m->n_holes - 1 && m->early && m->n_early && m->early[m->n_early - 1].end % MODEL_SECTION)
			put(e, F_TAIL_HOLE);
	}
}

static void blocks(const struct model *m, struct emitter *e)
{
	if (m->block_size > MODEL_SECTION)
		put(e, F_BLOCK_LARGE);
	for (int i = 0; i < m->n_blocks; i++) {
		const struct model_block *b = &m->blocks[i];
		put(e, F_BLOCK_CONTENTS + (b->contents & 15));
		if (b->partial)
			put(e, F_BLOCK_PARTIAL);
		if (b->n_nodes > 1)
			put(e, F_BLOCK_TWO_NODES);
		if (__builtin_popcount(b->zones) > 1)
			put(e, F_BLOCK_TWO_ZONES);
		if (b->present && !b->dimm && b->valid_zones && !strcmp(b->valid_zones, "none"))
			put(e, F_BLOCK_VALID_NONE);
		if (b->dimm)
			put(e, !strcmp(b->state, "online") ? F_BLOCK_DIMM_ONLINE : F_BLOCK_DIMM);
		if (!b->present && b->pmem)
			put(e, F_BLOCK_PMEM_ONLY);
		if (!b->present && !b->pmem && b->reserved)
			put(e, F_BLOCK_NOT_PRESENT_RESERVED);
	}
	static const unsigned share_ids[5] = { F_SECTION_TWO_NODES, F_SECTION_RAM_HOLE, F_SECTION_RAM_PMEM,
					       F_SECTION_RAM_RESERVED, F_SECTION_TWO_ZONES };
	for (int i = 0; i < m->n_sections; i++) {
		put(e, F_SECTION_CONTENTS + (m->sections[i].contents & 15));
		for (int k = 0; k < 5; k++)
			if (m->sections[i].shared & (1u << k))
				put(e, share_ids[k]);
	}
}

/* Command-line facts, kept in the model as bits (id - F_CMD_EXACTMAP). */
uint32_t model_cmdline_facts(const struct topology *t)
{
	uint32_t f = 0;
	for (int i = 0; i < t->n_cmdline; i++) {
		const struct topo_cmdline *c = &t->cmdline[i];
		if (c->kind == CMD_MEM)
			f |= 1u << (F_CMD_MEM_LIMIT - F_CMD_EXACTMAP);
		for (int k = 0; c->kind == CMD_MEMMAP && k < c->n_memmap; k++) {
			enum memmap_kind mk = c->memmap[k].kind;
			if (mk == MEMMAP_EXACTMAP)
				f |= 1u << (F_CMD_EXACTMAP - F_CMD_EXACTMAP);
			if (mk == MEMMAP_LIMIT)
				f |= 1u << (F_CMD_MEM_LIMIT - F_CMD_EXACTMAP);
			if (mk == MEMMAP_RAM)
				f |= 1u << (F_CMD_MEMMAP_RAM - F_CMD_EXACTMAP);
			if (mk == MEMMAP_RETYPE)
				f |= 1u << (F_CMD_MEMMAP_RETYPE - F_CMD_EXACTMAP);
		}
		if (c->kind == CMD_MOVABLE_NODE)
			f |= 1u << (F_CMD_MOVABLE_NODE - F_CMD_EXACTMAP);
		if (c->kind == CMD_KERNELCORE)
			f |= 1u << (F_CMD_KERNELCORE - F_CMD_EXACTMAP);
		if (c->kind == CMD_MOVABLECORE)
			f |= 1u << (F_CMD_MOVABLECORE - F_CMD_EXACTMAP);
		if (c->kind == CMD_MEMHP_STATE && !strncmp(c->text, "memhp_default_state=online", 26))
			f |= 1u << (F_CMD_MEMHP_ONLINE - F_CMD_EXACTMAP);
	}
	return f;
}

static void e820_and_cmdline(const struct model *m, struct emitter *e)
{
	int n;
	const struct mem_range *map = model_e820(m, &n);
	for (int i = 1; i < n; i++)
		if (map[i - 1].end == map[i].start)
			put(e, F_E820_ADJ + 8 * e820_type_class(map[i - 1].type) + e820_type_class(map[i].type));
	for (uint32_t b = 0; b < 32; b++)
		if (m->cmdline_facts >> b & 1)
			put(e, F_CMD_EXACTMAP + b);
	if (m->layout.user_map_refused)
		put(e, F_CMD_USER_MAP_REFUSED);
	if (m->layout.generated_srat)
		put(e, F_CMD_GENERATED_SRAT);
	if (m->not_modelled)
		put(e, F_CMD_NOT_MODELLED);
	bool movable_node = m->cmdline_facts >> (F_CMD_MOVABLE_NODE - F_CMD_EXACTMAP) & 1;
	for (int i = 0; i < m->n_meminfo && movable_node; i++)
		if (m->meminfo[i].hotplug)
			put(e, F_CMD_MOVABLE_NODE_HOTPLUG);
}

void model_features(const struct model *m, void (*emit)(uint32_t id, void *ctx), void *ctx)
{
	struct emitter e = { emit, ctx, { 0 } };
	put(&e, F_NUMA + m->numa);
	srat_and_nodes(m, &e);
	zones(m, &e);
	blocks(m, &e);
	e820_and_cmdline(m, &e);
}
