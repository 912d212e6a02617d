/* topologies/layout_features.c: a topology and its predicted layout -> the
 * features the kernel can tell apart (see layout_features.h). Thresholds are
 * the ones x86_64 6.1 uses: 4 KiB pages, 2 MiB pageblocks and vmemmap
 * sections, 4 MiB MAX_ORDER blocks and the old NODE_MIN_SIZE, 16 MiB
 * ZONE_DMA, 32 MiB FAKE_NODE_MIN_SIZE, 128 MiB sections and memory blocks,
 * 4 GiB ZONE_DMA32, and the 1 MiB of e820 RAM NUMA init lets go uncovered.
 * The model's facts (NUMA init, zones, blocks, sections) come in as kind
 * "model", its ids unchanged (docs/model.md). */
#include "topologies/layout_features.h"
#include "acpi-gen/range_edges.h"
#include "common/size.h"
#include <stdlib.h>
#include <string.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define BLOCK (128 * MiB)
#define HT_HOLE 0xfd00000000ULL       /* QEMU's AMD HyperTransport reservation: always there */

enum kind {
	K_MACHINE, K_E820_ADJ, K_RAM_EDGE, K_BLOCK, K_NODE_SIZE, K_NODE_SHRUNK,
	K_NODE_ZONES, K_NODE_SHAPE, K_BOUNDARY, K_SRAT_ENTRY, K_SRAT_ANOMALY,
	K_CMD_PAIR, K_MEMMAP, K_USER_MAP, K_CORE, K_NUMA_OPT, K_HOTPLUG,
	K_STEP_BIGRAM, K_STEP_CONTEXT, K_SLIT, K_HMAT, K_MODEL,
	K__COUNT
};

_Static_assert(K__COUNT <= FEATURE_KINDS, "a feature kind beyond FEATURE_KINDS");

static const char *const kind_names[K__COUNT] = {
	"machine", "e820-adjacency", "ram-edge", "memory-block", "node-size", "node-shrunk",
	"node-zones", "node-shape", "node-boundary", "srat-entry", "srat-anomaly",
	"cmdline-pair", "memmap-placement", "user-map", "kernelcore", "numa-option", "hotplug",
	"step-bigram", "step-context", "slit", "hmat", "model",
};

const char *feature_kind_name(int id)
{
	int k = id / FEATURE_VALUES;
	return k >= 0 && k < K__COUNT ? kind_names[k] : "?";
}

static void add(struct feature_set *fs, enum kind k, unsigned v)
{
	if (fs->n < FEATURE_SET_MAX)
		fs->v[fs->n++] = (uint16_t)(k * FEATURE_VALUES + v % FEATURE_VALUES);
}

/* 0: 128M aligned, 1: 2M, 2: 4K, 3: not even page aligned. */
static unsigned align_class(uint64_t a)
{
	if (a % BLOCK == 0) return 0;
	if (a % (2 * MiB) == 0) return 1;
	if (a % (4 * KiB) == 0) return 2;
	return 3;
}

/* Sizes against the kernel's thresholds: bucket * 2 + (2 MiB multiple). */
static unsigned size_class(uint64_t s)
{
	static const uint64_t limits[] = { 1, 640 * KiB, 1 * MiB, 2 * MiB, 4 * MiB, 16 * MiB, 32 * MiB,
					   64 * MiB, 128 * MiB, 256 * MiB, 1 * GiB, 4 * GiB };
	unsigned b = 0;
	while (b < sizeof limits / sizeof limits[0] && s >= limits[b])
		b++;
	return b * 2 + (s && s % (2 * MiB) == 0);
}

static const struct mem_range *final_map(const struct layout *l, int *n)
{
	*n = l->n_user ? l->n_user : l->n_e820;
	return l->n_user ? l->user_e820 : l->e820;
}

static void machine_features(const struct topology *t, const struct layout *l, struct feature_set *fs)
{
	add(fs, K_MACHINE, (unsigned)t->machine | (l->above_4g ? 2 : 0) | (t->n_nodes > 1 ? 4 : 0) |
			   (l->generated_srat ? 8 : 0) | (l->has_hotplug_window ? 16 : 0) | (l->user_map_refused ? 32 : 0));
}

static void e820_features(const struct layout *l, struct feature_set *fs)
{
	int n;
	const struct mem_range *m = final_map(l, &n);
	int last_ram = -1, first_ram = -1;
	for (int i = 0; i < n; i++)
		if (m[i].type == E820_RAM) {
			last_ram = i;
			if (first_ram < 0)
				first_ram = i;
		}
	for (int i = 0; i < n; i++) {
		if (i > 0)
			add(fs, K_E820_ADJ, e820_type_class(m[i - 1].type) * 8 + e820_type_class(m[i].type) + (m[i - 1].end < m[i].start ? 64 : 0));
		if (m[i].type != E820_RAM)
			continue;
		unsigned where = (m[i].end <= 4 * GiB ? 1 : 0) | (i == last_ram ? 2 : 0) | (i == first_ram ? 4 : 0);
		add(fs, K_RAM_EDGE, align_class(m[i].start) * 8 + where);
		add(fs, K_RAM_EDGE, 32 + align_class(m[i].end) * 8 + where);
	}
}

/* Which nodes have a range in [s, e): a small bit mask of node ids < 16
 * (more is never generated) and a count. */
static int nodes_in(const struct layout *l, uint64_t s, uint64_t e, unsigned *mask)
{
	int count = 0;
	*mask = 0;
	for (int i = 0; i < l->n_node_ranges; i++) {
		const struct mem_range *r = &l->node_ranges[i];
		if (r->start < e && r->end > s && r->node >= 0 && r->node < 32 && !(*mask & (1u << r->node))) {
			*mask |= 1u << r->node;
			count++;
		}
	}
	return count;
}

/* Each 128 MiB block that holds anything below the HyperTransport hole:
 * which e820 classes share it, whether part of it is a hole, and how many
 * nodes it touches. Blocks that are plain RAM of one node are the common
 * case and count once per layout, not per block. */
static void block_features(const struct layout *l, struct feature_set *fs)
{
	int n;
	const struct mem_range *m = final_map(l, &n);
	uint64_t last_block = UINT64_MAX;
	unsigned last_v = 0;
	bool plain_seen = false;
	/* A block that meets no edge of the map or of a node range, right
	 * after the block before it, is of that block's kind. */
	struct range_edges edges;
	range_edges_init(&edges);
	range_edges_add_ranges(&edges, m, n);
	range_edges_add_ranges(&edges, l->node_ranges, l->n_node_ranges);
	range_edges_sort(&edges);
	for (int i = 0; i < n; i++) {
		if (m[i].start >= HT_HOLE)
			break;
		uint64_t first = m[i].start / BLOCK, end = m[i].end < HT_HOLE ? m[i].end : HT_HOLE;
		uint64_t last = (end - 1) / BLOCK;
		for (uint64_t b = first; b <= last && b - first < 4096; b++) {
			if (b == last_block)
				continue;
			uint64_t bs = b * BLOCK, be = bs + BLOCK, covered = 0;
			if (last_block != UINT64_MAX && b == last_block + 1 && !range_edges_inside(&edges, bs - BLOCK, be)) {
				last_block = b;
				if (last_v != 1 * 3 + 1)
					add(fs, K_BLOCK, last_v);
				continue;
			}
			last_block = b;
			unsigned mask = 0;
			for (int k = 0; k < n; k++) {
				if (m[k].end <= bs || m[k].start >= be)
					continue;
				uint64_t s = m[k].start > bs ? m[k].start : bs, e = m[k].end < be ? m[k].end : be;
				covered += e - s;
				unsigned c = e820_type_class(m[k].type);
				mask |= c == 0 ? 1u : c == 5 || c == 6 ? 2u : 4u;
			}
			if (covered < BLOCK)
				mask |= 8;
			unsigned nodes;
			int count = nodes_in(l, bs, be, &nodes);
			unsigned v = mask * 3 + (unsigned)(count > 2 ? 2 : count);
			last_v = v;
			if (v == 1 * 3 + 1) {        /* plain RAM, one node */
				if (plain_seen)
					continue;
				plain_seen = true;
			}
			add(fs, K_BLOCK, v);
		}
	}
	range_edges_free(&edges);
}

/* The kernel's early RAM of node id, and where the node's ranges are. */
struct node_view {
	uint64_t early, srat, lo, hi;
	bool cpu, split, any_range;
	unsigned zones;
};

static void node_views(const struct topology *t, const struct layout *l, struct node_view *v, int nv)
{
	memset(v, 0, sizeof *v * (size_t)nv);
	for (int i = 0; i < nv; i++)
		v[i].lo = UINT64_MAX;
	for (int i = 0; i < l->n_node_ranges; i++) {
		const struct mem_range *r = &l->node_ranges[i];
		if (r->node < 0 || r->node >= nv)
			continue;
		struct node_view *x = &v[r->node];
		if (x->any_range && r->start != x->hi)
			x->split = true;
		x->any_range = true;
		x->srat += r->end - r->start;
		if (r->start < x->lo) x->lo = r->start;
		if (r->end > x->hi) x->hi = r->end;
	}
	for (int i = 0; i < l->n_early; i++) {
		const struct mem_range *r = &l->early[i];
		if (r->node < 0 || r->node >= nv)
			continue;
		v[r->node].early += r->end - r->start;
		if (r->start < 16 * MiB) v[r->node].zones |= 1;
		if (r->start < 4 * GiB && r->end > 16 * MiB) v[r->node].zones |= 2;
		if (r->end > 4 * GiB) v[r->node].zones |= 4;
	}
	if (!l->generated_srat) {
		for (int i = 0; i < t->n_nodes && i < nv; i++)
			v[i].cpu = !cpuset_empty(&t->nodes[i].cpus);
		return;
	}
	for (int i = 0; i < t->n_srat; i++) {
		const struct srat_entry *e = &t->srat[i];
		if ((e->kind != SRAT_CPU && e->kind != SRAT_X2APIC) || !(e->flags & SRAT_ENABLED))
			continue;
		for (int k = 0; k < l->n_kernel_nodes && k < nv; k++)
			if (l->kernel_node_pxm[k] == e->pxm || l->kernel_node_pxm[k] == (e->pxm & 0xff))
				v[k].cpu = true;
	}
}

static void node_features(const struct topology *t, const struct layout *l, struct feature_set *fs)
{
	int nv = l->generated_srat ? l->n_kernel_nodes : t->n_nodes;
	if (nv <= 0)
		return;
	if (nv > 64)
		nv = 64;
	struct node_view v[64];
	node_views(t, l, v, nv);
	for (int i = 0; i < nv; i++) {
		unsigned pos = i == 0 ? 0 : i == nv - 1 ? 2 : 1;
		add(fs, K_NODE_SIZE, (size_class(v[i].early) * 2 + v[i].cpu) * 3 + pos);
		if (size_class(v[i].early) != size_class(v[i].srat))
			add(fs, K_NODE_SHRUNK, size_class(v[i].srat) * 24 + size_class(v[i].early));
		add(fs, K_NODE_ZONES, v[i].zones * 3 + pos);
		if (v[i].split)
			add(fs, K_NODE_SHAPE, 1);
		if (v[i].any_range && !v[i].early)
			add(fs, K_NODE_SHAPE, 2 + v[i].cpu);          /* in the SRAT, no RAM left */
		for (int k = i + 1; k < nv; k++) {
			if (!v[i].any_range || !v[k].any_range)
				continue;
			if (v[k].hi <= v[i].lo)
				add(fs, K_NODE_SHAPE, 4);                  /* descending order */
			else if (v[k].lo < v[i].hi && v[i].lo < v[k].hi)
				add(fs, K_NODE_SHAPE, 5);                  /* spans interleave */
		}
	}
	for (int i = 0; i < l->n_early; i++) {
		if (l->early[i].node < 0)
			add(fs, K_NODE_SHAPE, 6 + (l->early[i].end - l->early[i].start >= MiB));  /* RAM in no node */
		if (i == 0 || l->early[i].node == l->early[i - 1].node)
			continue;
		uint64_t at = l->early[i].start;
		bool touching = l->early[i - 1].end == at;
		add(fs, K_BOUNDARY, align_class(at) * 4 + touching * 2 + (at < 4 * GiB));
	}
}

static bool ranges_overlap(const struct mem_range *a, const struct mem_range *b)
{
	return a->start < b->end && b->start < a->end;
}

static uint64_t ram_uncovered(const struct layout *l)
{
	uint64_t missing = 0;
	for (int i = 0; i < l->n_early; i++)
		if (l->early[i].node < 0)
			missing += l->early[i].end - l->early[i].start;
	return missing;
}

static void srat_features(const struct topology *t, const struct layout *l, struct feature_set *fs)
{
	if (t->firmware != FIRMWARE_GENERATED) {
		if (t->n_nodes)
			add(fs, K_SRAT_ANOMALY, 0);
		return;
	}
	const struct table_spec *ts = &t->tables[TABLE_SRAT];
	add(fs, K_SRAT_ANOMALY, 1 + (unsigned)ts->mode + (ts->omit ? 3 : 0) + (l->generated_srat ? 6 : 0));
	if (ts->faults.bad_checksum || ts->faults.has_checksum) add(fs, K_SRAT_ANOMALY, 16);
	if (ts->faults.length_delta) add(fs, K_SRAT_ANOMALY, 17 + (ts->faults.length_delta > 0));
	if (ts->faults.truncate) add(fs, K_SRAT_ANOMALY, 19);
	if (ts->revision >= 0) add(fs, K_SRAT_ANOMALY, 20 + (ts->revision <= 1));
	uint64_t prev_base = 0;
	bool any_mem = false;
	for (int i = 0; i < t->n_srat; i++) {
		const struct srat_entry *e = &t->srat[i];
		add(fs, K_SRAT_ENTRY, (unsigned)e->kind * 8 + (e->flags & 7));
		if (e->kind != SRAT_MEMORY)
			continue;
		uint64_t end;
		if (!e->length) add(fs, K_SRAT_ANOMALY, 24);
		if (e->length && __builtin_add_overflow(e->base, e->length, &end)) add(fs, K_SRAT_ANOMALY, 25);
		if (e->pxm > 255) add(fs, K_SRAT_ANOMALY, 26);
		if (e->count > 1) add(fs, K_SRAT_ANOMALY, 27);
		if (any_mem && e->base < prev_base) add(fs, K_SRAT_ANOMALY, 28);
		add(fs, K_SRAT_ANOMALY, 32 + align_class(e->base) * 4 + align_class(e->length));
		prev_base = e->base;
		any_mem = true;
	}
	if (!l->generated_srat)
		return;
	for (int i = 0; i < l->n_node_ranges; i++)
		for (int k = i + 1; k < l->n_node_ranges; k++)
			if (ranges_overlap(&l->node_ranges[i], &l->node_ranges[k]))
				add(fs, K_SRAT_ANOMALY, l->node_ranges[i].node == l->node_ranges[k].node ? 29 : 30);
	uint64_t missing = ram_uncovered(l);
	if (missing)
		add(fs, K_SRAT_ANOMALY, missing < MiB ? 48 : 49);   /* numa_meminfo_cover_memory's 1 MiB */
	/* A range past all RAM the firmware has (hotplug or not). */
	uint64_t ram_end = 4 * GiB + l->above_4g;
	for (int i = 0; i < l->n_node_ranges; i++)
		if (l->node_ranges[i].end > ram_end)
			add(fs, K_SRAT_ANOMALY, 50 + l->node_ranges[i].hotplug);
}

/* Where a memmap= entry lands, against RAM and node ranges. */
static unsigned memmap_placement(const struct layout *l, uint64_t s, uint64_t e)
{
	bool in_ram = false, crosses_ram_edge = false;
	for (int i = 0; i < l->n_e820; i++) {
		const struct mem_range *r = &l->e820[i];
		if (r->type != E820_RAM || r->end <= s || r->start >= e)
			continue;
		in_ram = true;
		if (s < r->start || e > r->end)
			crosses_ram_edge = true;
	}
	if (!in_ram)
		return 0;
	unsigned mask;
	int count = nodes_in(l, s, e, &mask);
	if (count > 1)
		return 6;
	if (count == 1) {
		uint64_t lo = UINT64_MAX, hi = 0;
		for (int i = 0; i < l->n_node_ranges; i++)
			if (mask & (1u << (l->node_ranges[i].node & 31))) {
				if (l->node_ranges[i].start < lo) lo = l->node_ranges[i].start;
				if (l->node_ranges[i].end > hi) hi = l->node_ranges[i].end;
			}
		if (s <= lo && e >= hi) return 5;
		if (e >= hi) return 4;
		if (s <= lo) return 3;
	}
	if (crosses_ram_edge)
		return 7;
	return (s % BLOCK || e % BLOCK) ? 2 : 1;
}

static void cmdline_features(const struct topology *t, const struct layout *l, struct feature_set *fs)
{
	uint64_t ram = t->memory ? t->memory : 1;
	bool hotplug_srat = l->has_hotplug_window;
	for (int i = 0; i < l->n_node_ranges; i++)
		hotplug_srat |= l->node_ranges[i].hotplug;
	for (int i = 0; i < t->n_cmdline; i++) {
		const struct topo_cmdline *c = &t->cmdline[i];
		for (int k = i; k < t->n_cmdline; k++)
			add(fs, K_CMD_PAIR, (unsigned)c->kind * 8 + (unsigned)t->cmdline[k].kind);
		switch (c->kind) {
		case CMD_MEMMAP:
			for (int k = 0; k < c->n_memmap; k++) {
				const struct memmap_entry *e = &c->memmap[k];
				uint64_t end;
				if (e->kind == MEMMAP_EXACTMAP || e->kind == MEMMAP_LIMIT || !u64_add(e->start, e->size, &end))
					add(fs, K_MEMMAP, 64 + (unsigned)e->kind);
				else
					add(fs, K_MEMMAP, (unsigned)e->kind * 8 + memmap_placement(l, e->start, end));
			}
			break;
		case CMD_MEM:
			add(fs, K_USER_MAP, 16 + memmap_placement(l, c->size, c->size + 1) + align_class(c->size) * 8);
			break;
		case CMD_KERNELCORE:
		case CMD_MOVABLECORE: {
			const char *v = strchr(c->text, '=');
			unsigned form = v && strchr(v, '%') ? 5 : v && !strcmp(v, "=mirror") ? 6 : (unsigned)(c->size * 4 / ram > 4 ? 4 : c->size * 4 / ram);
			add(fs, K_CORE, (c->kind == CMD_KERNELCORE) * 8 + form);
			break;
		}
		case CMD_MOVABLE_NODE:
			add(fs, K_CORE, 16 + hotplug_srat);
			break;
		case CMD_NUMA: {
			const char *v = c->text + 5;
			unsigned opt = !strcmp(v, "off") ? 0 : !strcmp(v, "noacpi") ? 1 : !strcmp(v, "nohmat") ? 2 : !strncmp(v, "fake=", 5) ? 3 : 4;
			if (opt == 3) {
				uint64_t nf = strtoull(v + 5, NULL, 10);
				opt = 8 + (unsigned)(nf > 8 ? 8 : nf) + (strpbrk(v + 5, "KMGkmg") ? 9 : 0);
			}
			add(fs, K_NUMA_OPT, opt * 2 + (t->n_nodes > 1));
			break;
		}
		case CMD_MEMHP_STATE:
			add(fs, K_CORE, 24 + (t->n_steps > 0));
			break;
		default:
			break;
		}
	}
	if (l->n_user) {
		int ram_entries = 0;
		for (int i = 0; i < l->n_user; i++)
			ram_entries += l->user_e820[i].type == E820_RAM;
		add(fs, K_USER_MAP, (unsigned)(ram_entries > 7 ? 7 : ram_entries) + (l->user_map_refused ? 8 : 0));
	}
}

static const struct topo_node *node_of(const struct topology *t, int id)
{
	return topo_node_by_id(t, id);
}

static void hotplug_features(const struct topology *t, const struct layout *l, struct feature_set *fs)
{
	if (t->slots) {
		unsigned window_gap = 0;
		if (l->has_hotplug_window) {
			uint64_t ram_end = l->above_4g ? 4 * GiB + l->above_4g : l->below_4g;
			window_gap = l->hotplug_window.start - ram_end < GiB ? 1 : 2;
		}
		add(fs, K_HOTPLUG, (unsigned)(t->slots > 8 ? 8 : t->slots) * 3 + window_gap);
	}
	for (int i = 0; i < t->n_dimms; i++) {
		const struct topo_node *n = node_of(t, t->dimms[i].node);
		add(fs, K_HOTPLUG, 32 + t->dimms[i].nvdimm * 4 + (n && !n->mem) * 2 + (t->dimms[i].size % BLOCK != 0));
	}
	/* Step sequences, and the situations seed 001's class needs: a node
	 * that lost all its memory, whose CPUs then go down and up. */
	int prev = STEP_SLEEP + 1;
	int emptied_node = -1, removed_from = -1;
	bool hot_added[TOPO_MAX_NODES] = { false };
	for (int i = 0; i < t->n_steps; i++) {
		const struct topo_step *s = &t->steps[i];
		add(fs, K_STEP_BIGRAM, (unsigned)prev * 11 + (unsigned)s->kind);
		prev = s->kind;
		const struct topo_node *n = s->node >= 0 ? node_of(t, s->node) : NULL;
		switch (s->kind) {
		case STEP_HOT_ADD:
			add(fs, K_STEP_CONTEXT, (n && !n->mem) + (n && cpuset_empty(&n->cpus)) * 2 + (s->size % BLOCK != 0) * 4 +
						   (s->node == removed_from) * 8 + s->nvdimm * 16);
			if (s->node >= 0 && s->node < TOPO_MAX_NODES)
				hot_added[s->node] = true;
			break;
		case STEP_ONLINE:
			add(fs, K_STEP_CONTEXT, 32 + (unsigned)s->zone + (strcmp(s->arg, "new") ? 3 : 0));
			break;
		case STEP_OFFLINE:
			if (s->node >= 0) {
				emptied_node = s->node;
				add(fs, K_STEP_CONTEXT, 40 + (n && n->mem ? 1 : 0) + (hot_added[s->node & 127] ? 2 : 0));
			}
			break;
		case STEP_HOT_REMOVE:
			removed_from = emptied_node;
			add(fs, K_STEP_CONTEXT, 44 + (emptied_node >= 0));
			break;
		case STEP_CPU_DOWN:
		case STEP_CPU_UP:
			for (int k = 0; k < t->n_nodes; k++)
				if (cpuset_has(&t->nodes[k].cpus, s->cpu))
					add(fs, K_STEP_CONTEXT, 48 + (s->kind == STEP_CPU_UP) * 4 + (k == emptied_node) * 2 + (k == removed_from));
			break;
		case STEP_PROBE:
			add(fs, K_STEP_CONTEXT, 64 + (emptied_node >= 0) * 2 + (strstr(s->arg, "node-alloc") != NULL));
			break;
		default:
			break;
		}
	}
}

static void slit_hmat_features(const struct topology *t, struct feature_set *fs)
{
	bool gen = t->firmware == FIRMWARE_GENERATED;
	/* The effective distances once (the triangle check reads each n times). */
	int nn = t->n_nodes < TOPO_MAX_NODES ? t->n_nodes : TOPO_MAX_NODES;
	uint8_t dist[TOPO_MAX_NODES][TOPO_MAX_NODES];
	if (t->distance && t->n_distance_lines)
		for (int i = 0; i < nn; i++)
			for (int j = 0; j < nn; j++)
				dist[i][j] = (uint8_t)topo_distance(t, i, j);
	for (int i = 0; i < nn && t->distance && t->n_distance_lines; i++)   /* lines: what the file says */
		for (int j = 0; j < nn; j++) {
			int d = dist[i][j], r = dist[j][i];
			unsigned v = i == j ? (d == 10 ? 0 : 1) : d == 255 ? 2 : d <= 10 ? 3 : d < 20 ? 4 : d == 20 ? 5 : d > 100 ? 6 : 7;
			add(fs, K_SLIT, v * 4 + (d != r) * 2 + gen);
			for (int k = 0; k < nn && i != j; k++)
				if (k != i && k != j && dist[i][k] + dist[k][j] < d)
					add(fs, K_SLIT, 40 + gen);            /* a shorter way round */
		}
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *h = &t->hmat_lb[i];
		const struct topo_node *tg = node_of(t, h->target);
		add(fs, K_HMAT, (unsigned)h->hierarchy * 6 + (unsigned)h->type + (h->initiator != h->target) * 24 + (tg && !tg->mem) * 48);
		if (h->value == 0)
			add(fs, K_HMAT, 100);
	}
	for (int i = 0; i < t->n_hmat_cache; i++) {
		const struct topo_hmat_cache *c = &t->hmat_cache[i];
		add(fs, K_HMAT, 128 + (unsigned)c->level * 9 + (unsigned)c->assoc * 3 + (unsigned)c->policy);
	}
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].initiator >= 0 && t->nodes[i].initiator != t->nodes[i].id)
			add(fs, K_HMAT, 200 + !t->nodes[i].mem);
}

static void model_feature(uint32_t id, void *ctx)
{
	add(ctx, K_MODEL, id);
}

void layout_features(const struct topology *t, const struct model *m, struct feature_set *out)
{
	const struct layout *l = &m->layout;
	out->n = 0;
	model_features(m, model_feature, out);
	machine_features(t, l, out);
	e820_features(l, out);
	block_features(l, out);
	node_features(t, l, out);
	srat_features(t, l, out);
	cmdline_features(t, l, out);
	hotplug_features(t, l, out);
	slit_hmat_features(t, out);
}

int layout_features_of_text(const char *text, size_t len, struct feature_set *out)
{
	struct topology t;
	struct topo_error err;
	out->n = 0;
	if (topo_parse(text, len, "<input>", &t, &err))
		return -1;
	struct topo_issues is;
	topo_validate(&t, &is);
	int rc = -1;
	struct model m;
	if (!is.n_errors && model_compute(&t, &m, NULL) == 0) {
		layout_features(&t, &m, out);
		model_free(&m);
		rc = 0;
	}
	topo_issues_free(&is);
	topo_free(&t);
	return rc;
}

/* Order-independent without sorting: the sum of a mix of each distinct id
 * (a bit per id of FEATURE_SPACE says which were added already). */
uint64_t feature_set_hash(const struct feature_set *fs)
{
	uint64_t added[FEATURE_SPACE / 64 + 1] = { 0 };
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < fs->n; i++) {
		unsigned id = fs->v[i] % FEATURE_SPACE;
		if (added[id / 64] >> (id % 64) & 1)
			continue;
		added[id / 64] |= 1ULL << (id % 64);
		uint64_t x = (id + 1) * 0x9e3779b97f4a7c15ULL;   /* splitmix64's finalizer */
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		h += x ^ (x >> 31);
	}
	return h;
}
