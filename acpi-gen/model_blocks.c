/* acpi-gen/model_blocks.c: the 128 MiB sections and the memory blocks the
 * guest shows under /sys/devices/system/memory. The block size is
 * probe_memory_block_size() (arch/x86/mm/init_64.c: 128 MiB below 64 GiB of
 * RAM, else the largest power of two up to 2 GiB dividing the end of RAM, in
 * a VM). A block exists when one of its sections holds RAM (sparse
 * memblocks_present()), or when a cold-plugged DIMM brings it; boot blocks
 * are online, and their valid_zones is the single populated zone of the
 * single node whose pages they hold, else "none" (drivers/base/memory.c
 * early_node_zone_for_memory_block()). */
#include "acpi-gen/model.h"
#include "acpi-gen/range_edges.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

#define GiB (1ULL << 30)
#define MAX_BLOCKS 8192         /* beyond this (1 TiB of blocks) the rest is not listed */

/* The section-aligned start of the next e820 entry at or above s (to skip
 * the big holes between RAM and a far persistent-memory range). */
static uint64_t next_interesting(const struct model *m, uint64_t s, uint64_t step)
{
	int n;
	const struct mem_range *map = model_e820(m, &n);
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < n; i++)
		if (map[i].end > s) {
			uint64_t a = map[i].start > s ? map[i].start : s;
			if (a < best)
				best = a;
		}
	return best == UINT64_MAX ? best : best / step * step;
}

static uint64_t block_size(const struct model *m)
{
	if (m->ram_end < 64 * GiB)
		return MODEL_SECTION;
	uint64_t bz;
	for (bz = 2 * GiB; bz > MODEL_SECTION; bz >>= 1)
		if (!(m->ram_end & (bz - 1)))
			break;
	return bz;
}

static uint64_t overlap(uint64_t a, uint64_t b, uint64_t s, uint64_t e)
{
	uint64_t lo = a > s ? a : s, hi = b < e ? b : e;
	return hi > lo ? hi - lo : 0;
}

static void set_node(struct model_block *b, int node)
{
	if (node < 0 || node >= 128 || (b->node_mask[node / 64] >> (node % 64) & 1))
		return;
	b->node_mask[node / 64] |= 1ULL << (node % 64);
	b->n_nodes++;
	if (b->node < 0 || node < b->node)
		b->node = node;
}

/* What [start, start + size) holds; false when it is all hole. */
static bool describe(const struct model *m, uint64_t start, uint64_t size, struct model_block *b)
{
	memset(b, 0, sizeof *b);
	b->start = start;
	b->node = -1;
	uint64_t end = start + size;
	int n;
	const struct mem_range *map = model_e820(m, &n);
	b->ram = model_ram_in(m, start, end);
	uint64_t e820_ram = 0;
	for (int i = 0; i < n; i++) {
		uint64_t o = overlap(map[i].start, map[i].end, start, end);
		if (!o)
			continue;
		if (map[i].type == E820_RAM)
			e820_ram += o;
		else if (map[i].type == E820_PMEM || map[i].type == E820_PRAM)
			b->pmem += o;
		else
			b->reserved += o;
	}
	/* RAM in the e820 map the kernel does not use (page 0, 640K-1M, page tails) counts as reserved. */
	if (e820_ram > b->ram)
		b->reserved += e820_ram - b->ram;
	uint64_t used = b->ram + b->pmem + b->reserved;
	b->hole = used < size ? size - used : 0;
	b->contents = (b->ram ? MC_RAM : 0) | (b->pmem ? MC_PMEM : 0) | (b->reserved ? MC_RESERVED : 0) |
		      (b->hole ? MC_HOLE : 0);
	for (int i = 0; i < m->n_early; i++)
		if (overlap(m->early[i].start, m->early[i].end, start, end))
			set_node(b, m->early[i].node);
	/* Zones of its RAM, and the populated zones of its nodes whose span meets it. */
	int single = -1, n_span = 0;
	for (int k = 0; k < m->n_nodes; k++) {
		const struct model_node *nd = &m->nodes[k];
		if (nd->id < 0 || nd->id >= 128 || !(b->node_mask[nd->id / 64] >> (nd->id % 64) & 1))
			continue;
		for (int z = 0; z < MZONE__COUNT; z++) {
			if (!nd->zone[z].present || !overlap(nd->zone[z].start, nd->zone[z].end, start, end))
				continue;
			n_span++;
			single = z;
			for (int i = 0; i < m->n_early; i++)
				if (m->early[i].node == nd->id) {
					uint64_t s = m->early[i].start > nd->zone[z].start ? m->early[i].start : nd->zone[z].start;
					uint64_t e = m->early[i].end < nd->zone[z].end ? m->early[i].end : nd->zone[z].end;
					if (e > s && overlap(s, e, start, end))
						b->zones |= 1u << z;
				}
		}
	}
	b->present = b->ram > 0;
	b->partial = b->present && b->ram < size;
	b->state = "online";
	b->valid_zones = b->n_nodes == 1 && n_span == 1 ? model_zone_name(single) : "none";
	return b->contents != MC_HOLE;
}

static unsigned shared_bits(const struct model_block *b)
{
	unsigned s = 0;
	if (b->n_nodes >= 2)
		s |= MS_TWO_NODES;
	if (b->ram && b->hole)
		s |= MS_RAM_HOLE;
	if (b->ram && b->pmem)
		s |= MS_RAM_PMEM;
	if (b->ram && b->reserved)
		s |= MS_RAM_RESERVED;
	if (__builtin_popcount(b->zones) >= 2)
		s |= MS_TWO_ZONES;
	return s;
}

/* memhp_default_state=online*: DIMM blocks come up online (the farm and
 * Debian kernels do not auto-online by default). */
static const char *dimm_state(const struct topology *t)
{
	const char *state = "offline";
	for (int i = 0; i < t->n_cmdline; i++)
		if (t->cmdline[i].kind == CMD_MEMHP_STATE)
			state = strncmp(t->cmdline[i].text, "memhp_default_state=online", 26) ? "offline" : "online";
	return state;
}

/* Cold-plugged DIMMs: QEMU places them one after another from the start of
 * the hotplug window (2 MiB aligned); the guest adds block-aligned ones. */
static void dimm_blocks(const struct topology *t, struct model *m)
{
	if (!m->layout.has_hotplug_window)
		return;
	uint64_t at = m->layout.hotplug_window.start;
	for (int d = 0; d < t->n_dimms; d++) {
		const struct topo_dimm *dm = &t->dimms[d];
		at = (at + (2ULL << 20) - 1) & ~((2ULL << 20) - 1);
		uint64_t start = at;
		at += dm->size;
		if (dm->nvdimm || start % m->block_size || dm->size % m->block_size)
			continue;
		for (uint64_t s = start; s < start + dm->size && m->n_blocks < MAX_BLOCKS; s += m->block_size) {
			if (!(m->n_blocks & (m->n_blocks - 1)))
				m->blocks = xrealloc(m->blocks, sizeof *m->blocks * (size_t)(m->n_blocks ? 2 * m->n_blocks : 1));
			struct model_block *b = &m->blocks[m->n_blocks++];
			memset(b, 0, sizeof *b);
			b->index = s / m->block_size;
			b->start = s;
			b->node = -1;
			b->ram = m->block_size;
			b->contents = MC_RAM;
			b->present = b->dimm = true;
			set_node(b, dm->node);
			b->state = dimm_state(t);
			b->valid_zones = NULL;
		}
	}
}

void model_blocks(const struct topology *t, struct model *m)
{
	m->block_size = block_size(m);
	int n;
	const struct mem_range *map = model_e820(m, &n);
	/* Up to the end of RAM or of the last persistent-memory range. */
	uint64_t top = m->ram_end;
	for (int i = 0; i < n; i++)
		if ((map[i].type == E820_PMEM || map[i].type == E820_PRAM) && map[i].end > top)
			top = map[i].end;
	/* Everything describe() reads is a range; a block that meets no edge
	 * of any, next to the block before it, holds just what that one does. */
	struct range_edges edges;
	range_edges_init(&edges);
	range_edges_add_ranges(&edges, map, n);
	range_edges_add_ranges(&edges, m->ram, m->n_ram);
	range_edges_add_ranges(&edges, m->early, m->n_early);
	/* describe() reads only the zones with pages present (the others, most
	 * of them on a layout of many nodes, would only add edges to sort). */
	for (int k = 0; k < m->n_nodes; k++)
		for (int z = 0; z < MZONE__COUNT; z++)
			if (m->nodes[k].zone[z].present)
				range_edges_add(&edges, m->nodes[k].zone[z].start, m->nodes[k].zone[z].end);
	range_edges_sort(&edges);
	for (uint64_t s = 0; s < top && m->n_blocks < MAX_BLOCKS; s += m->block_size) {
		struct model_block b;
		const struct model_block *prev = m->n_blocks ? &m->blocks[m->n_blocks - 1] : NULL;
		if (prev && !prev->dimm && prev->start + m->block_size == s &&
		    !range_edges_inside(&edges, prev->start, s + m->block_size)) {
			b = *prev;
			b.start = s;
		} else if (!describe(m, s, m->block_size, &b)) {
			uint64_t next = next_interesting(m, s + m->block_size, m->block_size);
			if (next == UINT64_MAX || next >= top)
				break;
			s = next - m->block_size;
			continue;
		}
		b.index = s / m->block_size;
		if (!(m->n_blocks & (m->n_blocks - 1)))   /* grow at powers of two */
			m->blocks = xrealloc(m->blocks, sizeof *m->blocks * (size_t)(m->n_blocks ? 2 * m->n_blocks : 1));
		m->blocks[m->n_blocks++] = b;
		if (s > UINT64_MAX - 2 * m->block_size)
			break;
	}
	range_edges_free(&edges);
	/* Sections: the blocks themselves when a block is one section. */
	if (m->block_size == MODEL_SECTION) {
		m->sections = xmalloc(sizeof *m->sections * (size_t)(m->n_blocks ? m->n_blocks : 1));
		for (int i = 0; i < m->n_blocks; i++)
			m->sections[m->n_sections++] = (struct model_section){ m->blocks[i].index, m->blocks[i].contents,
									shared_bits(&m->blocks[i]), m->blocks[i].node,
									m->blocks[i].n_nodes };
	} else {
		for (uint64_t s = 0; s < top && m->n_sections < MAX_BLOCKS; s += MODEL_SECTION) {
			struct model_block b;
			if (!describe(m, s, MODEL_SECTION, &b)) {
				uint64_t next = next_interesting(m, s + MODEL_SECTION, MODEL_SECTION);
				if (next == UINT64_MAX || next >= top)
					break;
				s = next - MODEL_SECTION;
				continue;
			}
			m->sections = xgrow(m->sections, (size_t)m->n_sections, sizeof *m->sections);
			m->sections[m->n_sections++] = (struct model_section){ s / MODEL_SECTION, b.contents, shared_bits(&b), b.node,
										b.n_nodes };
			if (s > UINT64_MAX - 2 * MODEL_SECTION)
				break;
		}
	}
	dimm_blocks(t, m);
	if (top / MODEL_SECTION > MAX_BLOCKS && !m->not_modelled)
		m->not_modelled = xstrdup("memory blocks beyond the first 8192 sections");
}
