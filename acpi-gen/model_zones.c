/* acpi-gen/model_zones.c: the zones Linux 6.1 builds on x86-64 from the early
 * node map (mm/page_alloc.c free_area_init(), arch/x86/mm/init.c
 * zone_sizes_init()): the global "Zone ranges" (DMA below 16 MiB, DMA32 below
 * 4 GiB, Normal to max_pfn, each starting where the last ended), the start
 * of ZONE_MOVABLE per node (find_zone_movable_pfns_for_nodes(): movable_node
 * with hotpluggable SRAT ranges, kernelcore=, movablecore=), each node's
 * zone spans (zone_spanned_pages_in_node()) and present pages, and the holes
 * memmap_init() reports ("On node N, zone Z: P pages in unavailable ranges"). */
#include "acpi-gen/model.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

#define PFN(a) ((a) / MODEL_PAGE)
#define DMA_END_PFN PFN(16ULL << 20)
#define DMA32_END_PFN PFN(4ULL << 30)

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t roundup_pfn(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

static void global_ranges(struct model *m)
{
	uint64_t max_pfn = PFN(m->ram_end);
	uint64_t dma_end = m->wrong_on_purpose ? PFN(32ULL << 20) : DMA_END_PFN;
	uint64_t max_zone[MZONE_MOVABLE] = { min64(dma_end, max_pfn), min64(DMA32_END_PFN, max_pfn), max_pfn };
	uint64_t start = PFN(m->ram[0].start);
	for (int z = 0; z < MZONE_MOVABLE; z++) {
		uint64_t end = max_zone[z] > start ? max_zone[z] : start;
		m->zone_low[z] = start * MODEL_PAGE;
		m->zone_high[z] = end * MODEL_PAGE;
		start = end;
	}
	m->movable_zone = MZONE_DMA;
	for (int z = MZONE_NORMAL; z >= 0; z--)
		if (m->zone_high[z] > m->zone_low[z]) {
			m->movable_zone = z;
			break;
		}
}

/* The last kernelcore=/movablecore= of the command line, in pages; percent
 * forms use the total; false for kernelcore=mirror (not modelled). */
static bool core_pages(const struct topology *t, enum cmdline_kind kind, uint64_t total, uint64_t *out)
{
	*out = 0;
	for (int i = 0; i < t->n_cmdline; i++) {
		const struct topo_cmdline *c = &t->cmdline[i];
		if (c->kind != kind)
			continue;
		const char *v = strchr(c->text, '=');
		v = v ? v + 1 : "";
		if (!strcmp(v, "mirror"))
			return false;
		size_t n = strlen(v);
		if (n > 1 && v[n - 1] == '%') {
			uint64_t pct = strtoull(v, NULL, 10);
			*out = total * 100 * pct / 10000;
		} else {
			*out = c->size / MODEL_PAGE;
		}
	}
	return true;
}

static struct model_node *node_by_id(struct model *m, int id)
{
	for (int i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].id == id)
			return &m->nodes[i];
	return NULL;
}

/* Nodes numa_clear_kernel_node_hotplug() keeps unhotpluggable: those
 * holding memory the kernel reserved before SRAT parsing. Modelled as the
 * nodes of the first RAM page, the kernel image (16 MiB with nokaslr) and
 * the initrd QEMU loads just below min(low RAM, 2 GiB). */
static bool kernel_node(struct model *m, int id)
{
	uint64_t top = m->layout.below_4g < (2ULL << 30) ? m->layout.below_4g : (2ULL << 30);
	uint64_t addrs[3] = { m->ram[0].start, 16ULL << 20, top > (1ULL << 20) ? top - (1ULL << 20) : 0 };
	for (int a = 0; a < 3; a++)
		for (int i = 0; i < m->n_early; i++)
			if (m->early[i].start <= addrs[a] && addrs[a] < m->early[i].end && m->early[i].node == id)
				return true;
	return false;
}

static void movable_node_starts(struct model *m, uint64_t *zmp)
{
	for (int i = 0; i < m->n_meminfo; i++) {
		const struct mem_range *r = &m->meminfo[i];
		if (!r->hotplug || m->numa != NUMA_SRAT || kernel_node(m, r->node))
			continue;
		/* The first RAM of this hotpluggable range. */
		for (int k = 0; k < m->n_ram; k++) {
			uint64_t s = m->ram[k].start > r->start ? m->ram[k].start : r->start;
			if (s < m->ram[k].end && s < r->end) {
				uint64_t pfn = PFN(s);
				if (!zmp[r->node] || pfn < zmp[r->node])
					zmp[r->node] = pfn;
				break;
			}
		}
	}
}

/* The kernelcore= spreading loop of find_zone_movable_pfns_for_nodes(). */
static void kernelcore_starts(struct model *m, uint64_t required_kernelcore, uint64_t *zmp)
{
	int usable_nodes = 0;
	for (int i = 0; i < m->n_nodes; i++)
		usable_nodes += m->nodes[i].present > 0;
	uint64_t usable_startpfn = PFN(m->zone_low[m->movable_zone]);
	while (usable_nodes > 0) {
		uint64_t kernelcore_node = required_kernelcore / (uint64_t)usable_nodes;
		for (int ni = 0; ni < m->n_nodes; ni++) {
			const struct model_node *nd = &m->nodes[ni];
			if (!nd->present)
				continue;
			int nid = nd->id;
			if (required_kernelcore < kernelcore_node)
				kernelcore_node = required_kernelcore / (uint64_t)usable_nodes;
			uint64_t kernelcore_remaining = kernelcore_node;
			for (int i = 0; i < m->n_early; i++) {
				if (m->early[i].node != nid)
					continue;
				uint64_t start_pfn = PFN(m->early[i].start), end_pfn = PFN(m->early[i].end);
				if (start_pfn < zmp[nid])
					start_pfn = zmp[nid];
				if (start_pfn >= end_pfn)
					continue;
				if (start_pfn < usable_startpfn) {
					uint64_t kernel_pages = min64(end_pfn, usable_startpfn) - start_pfn;
					kernelcore_remaining -= min64(kernel_pages, kernelcore_remaining);
					required_kernelcore -= min64(kernel_pages, required_kernelcore);
					if (end_pfn <= usable_startpfn) {
						zmp[nid] = end_pfn;
						continue;
					}
					start_pfn = usable_startpfn;
				}
				uint64_t size_pages = end_pfn - start_pfn;
				if (size_pages > kernelcore_remaining)
					size_pages = kernelcore_remaining;
				zmp[nid] = start_pfn + size_pages;
				required_kernelcore -= min64(required_kernelcore, size_pages);
				kernelcore_remaining -= size_pages;
				if (!kernelcore_remaining)
					break;
			}
		}
		usable_nodes--;
		if (!(usable_nodes && required_kernelcore > (uint64_t)usable_nodes))
			break;
	}
}

/* zone_movable_pfn[] per node; false when the options are not modelled. */
static bool movable_starts(const struct topology *t, struct model *m, uint64_t *zmp)
{
	uint64_t totalpages = m->ram_bytes / MODEL_PAGE;
	if (topo_has_cmdline(t, "movable_node")) {
		movable_node_starts(m, zmp);
	} else {
		uint64_t kernelcore, movablecore;
		if (!core_pages(t, CMD_KERNELCORE, totalpages, &kernelcore) ||
		    !core_pages(t, CMD_MOVABLECORE, totalpages, &movablecore))
			return false;
		if (movablecore) {
			movablecore = roundup_pfn(movablecore, MODEL_MAX_ORDER_PAGES);
			movablecore = min64(totalpages, movablecore);
			uint64_t corepages = totalpages - movablecore;
			kernelcore = kernelcore > corepages ? kernelcore : corepages;
		}
		if (!kernelcore || kernelcore >= totalpages)
			return true;
		kernelcore_starts(m, kernelcore, zmp);
	}
	for (int i = 0; i < m->n_nodes; i++) {
		int nid = m->nodes[i].id;
		zmp[nid] = roundup_pfn(zmp[nid], MODEL_MAX_ORDER_PAGES);
		if (zmp[nid] >= PFN(m->nodes[i].end))
			zmp[nid] = 0;
	}
	return true;
}

/* zone_spanned_pages_in_node() with adjust_zone_range_for_zone_movable(). */
static void node_zone_spans(struct model *m, struct model_node *nd, uint64_t zmp)
{
	uint64_t ns = PFN(nd->start), ne = PFN(nd->end);
	if (!ns && !ne)
		return;
	for (int z = 0; z < MZONE__COUNT; z++) {
		uint64_t lo = z == MZONE_MOVABLE ? 0 : PFN(m->zone_low[z]);
		uint64_t hi = z == MZONE_MOVABLE ? 0 : PFN(m->zone_high[z]);
		uint64_t s = clamp(ns, lo, hi), e = clamp(ne, lo, hi);
		if (zmp) {
			if (z == MZONE_MOVABLE) {
				s = zmp;
				e = min64(ne, PFN(m->zone_high[m->movable_zone]));
			} else if (s < zmp && e > zmp) {
				e = zmp;
			} else if (s >= zmp) {
				s = e;
			}
		}
		if (e < ns || s > ne)
			continue;
		e = min64(e, ne);
		s = s > ns ? s : ns;
		if (e <= s)
			continue;
		nd->zone[z].start = s * MODEL_PAGE;
		nd->zone[z].end = e * MODEL_PAGE;
		for (int i = 0; i < m->n_early; i++)
			if (m->early[i].node == nd->id) {
				uint64_t a = m->early[i].start > nd->zone[z].start ? m->early[i].start : nd->zone[z].start;
				uint64_t b = m->early[i].end < nd->zone[z].end ? m->early[i].end : nd->zone[z].end;
				if (b > a)
					nd->zone[z].present += b - a;
			}
	}
}

/* Pages of [a, b) (pfns) in sections that hold RAM: the pfn_valid() ones. */
static uint64_t valid_pages(const struct model *m, uint64_t a, uint64_t b)
{
	uint64_t count = 0, per = MODEL_SECTION / MODEL_PAGE;
	while (a < b) {
		uint64_t sec_end = (a / per + 1) * per;
		uint64_t stop = sec_end < b ? sec_end : b;
		if (model_ram_in(m, a / per * MODEL_SECTION, a / per * MODEL_SECTION + MODEL_SECTION))
			count += stop - a;
		a = stop;
	}
	return count;
}

static void hole(struct model *m, int node, int zone, uint64_t pages)
{
	if (!pages)
		return;
	m->holes = xgrow(m->holes, (size_t)m->n_holes, sizeof *m->holes);
	m->holes[m->n_holes++] = (struct model_hole){ node, zone, pages };
}

/* memmap_init(): holes between early ranges, zone by zone, then the tail
 * up to the end of the last section. */
static void unavailable_ranges(struct model *m)
{
	uint64_t hole_pfn = 0, end_pfn = 0;
	int zone_id = 0, nid = 0;
	for (int i = 0; i < m->n_early; i++) {
		const struct mem_range *r = &m->early[i];
		struct model_node *nd = node_by_id(m, r->node);
		if (!nd)
			continue;
		nid = r->node;
		end_pfn = PFN(r->end);
		for (int z = 0; z < MZONE__COUNT; z++) {
			if (!nd->zone[z].present)
				continue;
			uint64_t s = clamp(PFN(r->start), PFN(nd->zone[z].start), PFN(nd->zone[z].end));
			uint64_t e = clamp(PFN(r->end), PFN(nd->zone[z].start), PFN(nd->zone[z].end));
			zone_id = z;
			if (s >= e)
				continue;
			if (hole_pfn < s)
				hole(m, nid, z, valid_pages(m, hole_pfn, s));
			hole_pfn = e;
		}
	}
	uint64_t per = MODEL_SECTION / MODEL_PAGE;
	end_pfn = roundup_pfn(end_pfn, per);
	if (hole_pfn < end_pfn)
		hole(m, nid, zone_id, valid_pages(m, hole_pfn, end_pfn));
}

void model_zones(const struct topology *t, struct model *m)
{
	global_ranges(m);
	static __thread uint64_t zmp[TOPO_MAX_NODES * 8];
	bool in_range = true;
	int max_id = 0;
	for (int i = 0; i < m->n_nodes; i++) {
		in_range &= m->nodes[i].id >= 0 && m->nodes[i].id < (int)(sizeof zmp / sizeof zmp[0]);
		if (in_range && m->nodes[i].id > max_id)
			max_id = m->nodes[i].id;
	}
	size_t used = sizeof zmp[0] * (size_t)(max_id + 1);
	memset(zmp, 0, used);
	if (!in_range || !movable_starts(t, m, zmp)) {
		memset(zmp, 0, used);
		if (!m->not_modelled)
			m->not_modelled = xstrdup(in_range ? "kernelcore=mirror" : "node ids beyond the model's table");
	}
	for (int i = 0; i < m->n_nodes; i++) {
		struct model_node *nd = &m->nodes[i];
		uint64_t z = in_range ? zmp[nd->id] : 0;
		nd->movable_start = z * MODEL_PAGE;
		node_zone_spans(m, nd, z);
	}
	unavailable_ranges(m);
}
