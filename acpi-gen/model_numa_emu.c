/* acpi-gen/model_numa_emu.c: numa=fake= as Linux 6.1 does it
 * (arch/x86/mm/numa_emulation.c, numa_emulation(), called by numa_init()
 * between numa_cleanup_meminfo() and numa_register_memblks(), on the SRAT's
 * nodes or on dummy_numa_init()'s single node):
 *   - numa=fake=N: the RAM below max_pfn (holes not counted) split in N
 *     nodes of equal RAM, rounded down to 32 MiB (FAKE_NODE_MIN_SIZE), the
 *     remainder spread as 32 MiB extra on the first nodes; nodes are cut
 *     from the physical nodes in turn (interleaved), node ids wrap at N;
 *   - numa=fake=SIZE[MG]: nodes of at least SIZE of RAM (raised to
 *     RAM / MAX_NUMNODES, aligned to 32 MiB), interleaved the same way,
 *     ids counting up (wrapping at MAX_NUMNODES);
 *   - numa=fake=NU: each physical node split in N uniform pieces by
 *     address (holes included), ids counting up across physical nodes.
 * A node never stops short of 32 MiB of RAM below 4 GiB (it runs to the
 * DMA32 end) and takes the rest of its physical node when less than a
 * node's worth would be left (not in the uniform form). Each piece prints
 * "Faking node N at [mem A-B] (XMB)"; the pieces then go through
 * numa_cleanup_meminfo() (same-node pieces merge). Emulated node n sits on
 * the physical node its first piece came from. */
#include "acpi-gen/model.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

#define MiB (1ULL << 20)
#define FAKE_MIN (32 * MiB)                     /* FAKE_NODE_MIN_SIZE */
#define DMA32_END (1ULL << 32)                  /* PFN_PHYS(MAX_DMA32_PFN) */
#define MAX_BLKS (2 * MODEL_MAX_NUMNODES)       /* NR_NODE_MEMBLKS */

struct emu {
	struct model *m;
	struct mem_range *pi;   /* the physical blocks left to cut */
	int n_pi;
	struct mem_range ei[MAX_BLKS];
	int n_ei;
	int to_phys[MODEL_MAX_NUMNODES];
	bool phys_live[MODEL_MAX_NUMNODES];     /* physnode_mask */
};

/* mem_hole_size(): pages in [PFN_UP(s), PFN_DOWN(e)) that are not memblock memory. */
static uint64_t hole(const struct model *m, uint64_t s, uint64_t e)
{
	uint64_t sp = s / MODEL_PAGE + (s % MODEL_PAGE != 0), ep = e / MODEL_PAGE;
	if (sp >= ep)
		return 0;
	return (ep - sp) * MODEL_PAGE - model_ram_in(m, sp * MODEL_PAGE, ep * MODEL_PAGE);
}

static int find_blk(const struct emu *x, int nid)
{
	for (int i = 0; i < x->n_pi; i++)
		if (x->pi[i].node == nid)
			return i;
	return -1;
}

/* emu_setup_memblk(): -1 when there are too many pieces. */
static int setup_memblk(struct emu *x, int nid, int phys_blk, uint64_t size)
{
	if (x->n_ei >= MAX_BLKS) {
		model_numa_line(x->m, "NUMA: Too many emulated memblks, failing emulation");
		return -1;
	}
	struct mem_range *pb = &x->pi[phys_blk];
	struct mem_range *eb = &x->ei[x->n_ei++];
	*eb = (struct mem_range){ pb->start, pb->start + size, nid, E820_RAM, pb->hotplug };
	if (x->to_phys[nid] < 0)
		x->to_phys[nid] = pb->node;
	pb->start += size;
	if (pb->start >= pb->end) {
		memmove(pb, pb + 1, sizeof *pb * (size_t)(x->n_pi - phys_blk - 1));
		x->n_pi--;
	}
	model_numa_line(x->m, "Faking node %d at [mem 0x%016llx-0x%016llx] (%lluMB)", nid, (unsigned long long)eb->start,
			(unsigned long long)eb->end - 1, (unsigned long long)((eb->end - eb->start) >> 20));
	return 0;
}

/* One step of for_each_node_mask: physical node i's first block left, or
 * -1 (a node without blocks leaves the mask). */
static int live_blk(struct emu *x, int i)
{
	if (!x->phys_live[i])
		return -1;
	int b = find_blk(x, i);
	if (b < 0)
		x->phys_live[i] = false;
	return b;
}

/* Grows end in 32 MiB steps until [start, end) holds size of RAM, at most
 * to limit (the loop of split_nodes_interleave() and find_end_of_node()). */
static uint64_t grow_end(const struct emu *x, uint64_t start, uint64_t end, uint64_t limit, uint64_t size)
{
	while (end - start - hole(x->m, start, end) < size) {
		end += FAKE_MIN;
		if (end > limit)
			return limit;
	}
	return end;
}

/* for_each_node_mask over the physical nodes still holding a block. */
static bool any_live(const struct emu *x)
{
	for (int i = 0; i < MODEL_MAX_NUMNODES; i++)
		if (x->phys_live[i])
			return true;
	return false;
}

/* The two end adjustments every form makes (the second one not uniform). */
static uint64_t adjust_end(const struct emu *x, uint64_t end, uint64_t limit, uint64_t size, bool extend_to_limit)
{
	if (end < DMA32_END && DMA32_END - end - hole(x->m, end, DMA32_END) < FAKE_MIN)
		end = DMA32_END;
	/* u64 arithmetic as the kernel's: past limit this wraps and stays big. */
	if (extend_to_limit && limit - end - hole(x->m, end, limit) < size)
		end = limit;
	return end;
}

/* split_nodes_interleave(): numa=fake=N. */
static int split_interleave(struct emu *x, uint64_t max_addr, long nr_nodes)
{
	if (nr_nodes <= 0)
		return -1;
	if (nr_nodes > MODEL_MAX_NUMNODES) {
		model_numa_line(x->m, "numa=fake=%ld too large, reducing to %d", nr_nodes, MODEL_MAX_NUMNODES);
		nr_nodes = MODEL_MAX_NUMNODES;
	}
	uint64_t size = max_addr - hole(x->m, 0, max_addr);
	size = (size / MODEL_PAGE / (uint64_t)nr_nodes) * MODEL_PAGE;
	uint64_t big = (size % FAKE_MIN) * (uint64_t)nr_nodes / FAKE_MIN;
	size -= size % FAKE_MIN;
	if (!size) {
		model_numa_line(x->m, "Not enough memory for each node.  NUMA emulation disabled.");
		return -1;
	}
	int nid = 0;
	bool saved[MODEL_MAX_NUMNODES];
	memcpy(saved, x->phys_live, sizeof saved);
	while (any_live(x))
		for (int i = 0; i < MODEL_MAX_NUMNODES; i++) {
			int b = live_blk(x, i);
			if (b < 0)
				continue;
			uint64_t start = x->pi[b].start, limit = x->pi[b].end;
			uint64_t end = grow_end(x, start, start + size + ((uint64_t)nid < big ? FAKE_MIN : 0), limit, size);
			end = adjust_end(x, end, limit, size, true);
			if (setup_memblk(x, nid++ % (int)nr_nodes, b, (end < limit ? end : limit) - start) < 0)
				return -1;
		}
	memcpy(x->phys_live, saved, sizeof saved);
	return 0;
}

/* split_nodes_size_interleave_uniform(): numa=fake=SIZE (only_phys < 0) or
 * one physical node's share of numa=fake=NU. The next node id, or -1. */
static int split_size(struct emu *x, uint64_t addr, uint64_t max_addr, uint64_t size, long nr_nodes, int only_phys, int nid)
{
	bool uniform = nr_nodes > 0;
	if ((!size && !nr_nodes))
		return -1;
	bool saved[MODEL_MAX_NUMNODES];
	memcpy(saved, x->phys_live, sizeof saved);
	uint64_t min_size;
	if (!uniform) {
		nr_nodes = MODEL_MAX_NUMNODES;
		min_size = ((max_addr / MODEL_PAGE) - (addr / MODEL_PAGE) - hole(x->m, addr, max_addr) / MODEL_PAGE) /
			   (uint64_t)nr_nodes * MODEL_PAGE;
	} else {
		memset(x->phys_live, 0, sizeof x->phys_live);
		x->phys_live[only_phys] = true;
		min_size = ((max_addr / MODEL_PAGE) - (addr / MODEL_PAGE)) / (uint64_t)nr_nodes * MODEL_PAGE;
		size = min_size;
	}
	if (min_size < FAKE_MIN)
		min_size = FAKE_MIN;
	min_size = (min_size + FAKE_MIN - 1) / FAKE_MIN * FAKE_MIN;
	if (size < min_size) {
		model_numa_line(x->m, "Fake node size %lluMB too small, increasing to %lluMB", (unsigned long long)(size >> 20),
				(unsigned long long)(min_size >> 20));
		size = min_size;
	}
	size -= size % FAKE_MIN;
	while (any_live(x))
		for (int i = 0; i < MODEL_MAX_NUMNODES; i++) {
			int b = live_blk(x, i);
			if (b < 0)
				continue;
			uint64_t start = x->pi[b].start, limit = x->pi[b].end, end = start + size;
			if (!uniform)   /* find_end_of_node() */
				end = grow_end(x, start, end, limit, size);
			end = adjust_end(x, end, limit, size, !uniform);
			if (setup_memblk(x, nid++ % MODEL_MAX_NUMNODES, b, (end < limit ? end : limit) - start) < 0)
				return -1;
		}
	memcpy(x->phys_live, saved, sizeof saved);   /* each call works on its own copy of the mask */
	return nid;
}

/* memparse(): a number with an optional K M G T P E suffix. */
static uint64_t memparse(const char *s, const char **end)
{
	char *e;
	uint64_t v = strtoull(s, &e, 0);
	int shift = 0;
	switch (*e) {
	case 'E': case 'e': shift += 10; /* fall through */
	case 'P': case 'p': shift += 10; /* fall through */
	case 'T': case 't': shift += 10; /* fall through */
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10;
		e++;
		break;
	default:
		break;
	}
	*end = e;
	return shift >= 64 ? 0 : v << shift;
}

bool model_numa_emulate(struct model *m, const char *arg, const int *phys, int n_phys)
{
	struct emu *x = xcalloc(1, sizeof *x);
	x->m = m;
	x->n_pi = m->n_meminfo;
	x->pi = xmalloc(sizeof *x->pi * (size_t)(x->n_pi ? x->n_pi : 1));
	memcpy(x->pi, m->meminfo, sizeof *x->pi * (size_t)x->n_pi);
	for (int i = 0; i < MODEL_MAX_NUMNODES; i++)
		x->to_phys[i] = -1;
	for (int i = 0; i < n_phys; i++)
		if (phys[i] >= 0 && phys[i] < MODEL_MAX_NUMNODES)
			x->phys_live[phys[i]] = true;
	uint64_t max_addr = m->ram_end;
	int ret;
	const char *end;
	if (strchr(arg, 'U')) {
		long n = strtol(arg, NULL, 0);
		int nid = 0;
		ret = -1;
		for (int i = 0; i < n_phys; i++) {
			if (!x->n_pi)
				break;
			ret = split_size(x, x->pi[0].start, x->pi[0].end, 0, n, x->pi[0].node, nid);
			if (ret < 0)
				break;
			if (ret == nid)
				continue;
			if (ret - nid < n) {
				model_numa_line(m, "numa_emulation: phys: %d only got %d of %ld nodes, failing", phys[i], ret - nid, n);
				ret = -1;
				break;
			}
			nid = ret;
		}
	} else if (strchr(arg, 'M') || strchr(arg, 'G')) {
		ret = split_size(x, 0, max_addr, memparse(arg, &end), 0, -1, 0);
	} else {
		ret = split_interleave(x, max_addr, strtol(arg, NULL, 0));
	}
	bool ok = false;
	if (ret >= 0) {
		/* The emulated pieces replace the physical nodes for the cleanup. */
		struct mem_range *phys_mi = m->meminfo;
		int n_phys_mi = m->n_meminfo;
		m->meminfo = xmalloc(sizeof *m->meminfo * (size_t)(x->n_ei ? x->n_ei : 1));
		memcpy(m->meminfo, x->ei, sizeof *x->ei * (size_t)x->n_ei);
		m->n_meminfo = x->n_ei;
		if (model_numa_cleanup(m) < 0) {
			model_numa_line(m, "NUMA: Warning: constructed meminfo invalid, disabling emulation");
			free(m->meminfo);
			m->meminfo = phys_mi;
			m->n_meminfo = n_phys_mi;
		} else {
			free(phys_mi);
			ok = true;
			int max_emu = -1;
			for (int i = 0; i < MODEL_MAX_NUMNODES; i++)
				if (x->to_phys[i] >= 0)
					max_emu = i;
			free(m->emu_to_phys);
			m->n_emu = max_emu + 1;
			m->emu_to_phys = xmalloc(sizeof *m->emu_to_phys * (size_t)(m->n_emu ? m->n_emu : 1));
			memcpy(m->emu_to_phys, x->to_phys, sizeof *m->emu_to_phys * (size_t)m->n_emu);
		}
	}
	free(x->pi);
	free(x);
	return ok;
}
