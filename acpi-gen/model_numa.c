/* acpi-gen/model_numa.c: what x86 NUMA init (Linux 6.1) makes of the SRAT.
 * Mirrors x86_numa_init(): acpi_numa_init() reads the SRAT (PXMs get node
 * ids in order of first appearance, CPU entries before memory entries),
 * numa_cleanup_meminfo() drops ranges without RAM, clips them at max_pfn,
 * merges a node's ranges and refuses two nodes that overlap,
 * numa_meminfo_cover_memory() refuses nodes that miss 1 MiB or more of
 * e820 RAM; any failure falls back to dummy_numa_init(): one node 0 over
 * all RAM. Then the early node map ("Early memory node ranges") and each
 * node's span. */
#include "acpi-gen/model.h"
#include "acpi-gen/acpi_gen.h"
#include "common/buf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PXM_MAX 1024          /* distinct PXMs tracked; more is not modelled */

struct numbering {
	int64_t pxm_of_node[PXM_MAX];
	int n;
	bool cpus[PXM_MAX];
};

static int node_for_pxm(struct numbering *nb, int64_t pxm)
{
	for (int i = 0; i < nb->n; i++)
		if (nb->pxm_of_node[i] == pxm)
			return i;
	if (nb->n == PXM_MAX)
		return -1;
	nb->pxm_of_node[nb->n] = pxm;
	nb->cpus[nb->n] = false;
	return nb->n++;
}

void model_numa_line(struct model *m, const char *fmt, ...)
{
	if (m->features_only)
		return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	m->numa_lines = xgrow(m->numa_lines, (size_t)m->n_numa_lines, sizeof *m->numa_lines);
	m->numa_lines[m->n_numa_lines++] = buf_steal(&b);
}

static void push_range(struct mem_range **v, int *n, struct mem_range r)
{
	*v = xgrow(*v, (size_t)*n, sizeof **v);
	(*v)[(*n)++] = r;
}

static void push_srat(struct model *m, int node, int64_t pxm, uint64_t start, uint64_t end, bool hotplug, bool nv)
{
	m->srat = xgrow(m->srat, (size_t)m->n_srat, sizeof *m->srat);
	m->srat[m->n_srat++] = (struct model_srat_line){ node, (uint32_t)pxm, start, end, hotplug, nv };
}

/* The node QEMU puts a CPU on: its node line, else (when no node names any
 * CPU) socket round robin, else node 0 (machine_numa_finish_cpu_init). */
static int qemu_cpu_node(const struct topology *t, int cpu, bool any_assigned)
{
	for (int i = 0; i < t->n_nodes; i++)
		if (cpuset_has(&t->nodes[i].cpus, cpu))
			return t->nodes[i].id;
	if (!any_assigned && t->n_nodes) {
		int per_socket = t->sockets > 0 ? (t->cpus + t->sockets - 1) / t->sockets : t->cpus;
		return t->nodes[(cpu / (per_socket ? per_socket : 1)) % t->n_nodes].id;
	}
	return t->n_nodes ? t->nodes[0].id : 0;
}

/* QEMU's SRAT: a CPU entry per vCPU, then the node memory ranges, then the
 * hotplug window on the last node (build_srat). PXM = QEMU node id. */
static void qemu_srat(const struct topology *t, struct model *m, struct numbering *nb)
{
	bool any = false;
	for (int i = 0; i < t->n_nodes; i++)
		any |= !cpuset_empty(&t->nodes[i].cpus);
	for (int c = 0; c < t->cpus; c++) {
		int node = node_for_pxm(nb, qemu_cpu_node(t, c, any));
		if (node >= 0)
			nb->cpus[node] = true;
	}
	const struct layout *l = &m->layout;
	for (int i = 0; i < l->n_node_ranges; i++) {
		const struct mem_range *r = &l->node_ranges[i];
		push_srat(m, node_for_pxm(nb, r->node), r->node, r->start, r->end, false, false);
	}
	if (l->has_hotplug_window)
		push_srat(m, node_for_pxm(nb, l->hotplug_window.node), l->hotplug_window.node, l->hotplug_window.start,
			  l->hotplug_window.end, true, false);
}

/* QEMU's auto_enable_numa_with_memhp: a pc/q35 machine with hotplug slots
 * but no -numa gets one node 0 holding all RAM, hence an SRAT with every
 * vCPU and RAM range on PXM 0 and the hotplug window. */
static void implicit_node_srat(const struct topology *t, struct model *m, struct numbering *nb)
{
	const struct layout *l = &m->layout;
	for (int c = 0; c < t->cpus; c++)
		nb->cpus[node_for_pxm(nb, 0)] = true;
	uint64_t low = l->below_4g;
	uint64_t ranges[3][2] = { { 0, low < 0xa0000 ? low : 0xa0000 }, { 0x100000, low }, { 1ULL << 32, (1ULL << 32) + l->above_4g } };
	for (int i = 0; i < 3; i++)
		if (ranges[i][1] > ranges[i][0])
			push_srat(m, node_for_pxm(nb, 0), 0, ranges[i][0], ranges[i][1], false, false);
	if (l->has_hotplug_window)
		push_srat(m, node_for_pxm(nb, 0), 0, l->hotplug_window.start, l->hotplug_window.end, true, false);
}

/* Our SRAT, when the kernel takes it: same numbering as layout.c, every
 * enabled memory entry printed (a zero-length one too). Returns false when
 * the table makes the kernel call bad_srat(). */
static bool generated_srat(const struct topology *t, struct model *m, struct numbering *nb)
{
	int rev = t->tables[TABLE_SRAT].revision >= 0 ? t->tables[TABLE_SRAT].revision
						      : srat_default_revision(t->srat, t->n_srat);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < t->n_srat; i++) {
			const struct srat_entry *e = &t->srat[i];
			bool memory = e->kind == SRAT_MEMORY;
			if (e->kind == SRAT_RAW) {
				if (pass == 1 && e->raw_type == 1 && e->raw_length < 40) {
					model_numa_line(m, "ACPI: SRAT: Unexpected header length: %d", e->raw_length);
					return false;
				}
				continue;
			}
			if ((pass == 0) == memory || !(e->flags & SRAT_ENABLED))
				continue;
			int64_t pxm = e->pxm;
			if ((memory || e->kind == SRAT_CPU) && rev <= 1)
				pxm &= 0xff;
			int node = node_for_pxm(nb, pxm);
			if (node < 0) {
				model_numa_line(m, "ACPI: SRAT: Too many proximity domains.");
				return false;
			}
			if (!memory) {
				nb->cpus[node] |= e->kind != SRAT_GENERIC_INITIATOR;
				continue;
			}
			uint64_t base = e->base;
			for (uint32_t c = 0; c < e->count; c++) {
				uint64_t end = base + e->length;   /* wraps as the kernel's u64 does */
				push_srat(m, node, pxm, base, end, (e->flags & SRAT_HOTPLUG) != 0,
					  (e->flags & SRAT_NONVOLATILE) != 0);
				base = end;
			}
		}
	return true;
}

/* numa_cleanup_meminfo(): 0, or -1 after the overlap complaint. */
int model_numa_cleanup(struct model *m)
{
	struct mem_range *mi = m->meminfo;
	int n = m->n_meminfo;
	for (int i = 0; i < n; i++) {
		if (!model_ram_in(m, mi[i].start, mi[i].end)) {
			push_range(&m->dropped, &m->n_dropped, mi[i]);
			memmove(&mi[i], &mi[i + 1], sizeof *mi * (size_t)(n - i - 1));
			n--, i--;
			continue;
		}
		if (mi[i].end > m->ram_end) {
			push_range(&m->dropped, &m->n_dropped,
				   (struct mem_range){ m->ram_end, mi[i].end, mi[i].node, mi[i].type, mi[i].hotplug });
			mi[i].end = m->ram_end;
		}
		if (mi[i].start >= mi[i].end) {
			memmove(&mi[i], &mi[i + 1], sizeof *mi * (size_t)(n - i - 1));
			n--, i--;
		}
	}
	m->n_meminfo = n;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			struct mem_range *bi = &mi[i], *bj = &mi[j];
			if (bi->end > bj->start && bi->start < bj->end) {
				if (bi->node != bj->node) {
					model_numa_line(m, "node %d [mem 0x%08llx-0x%08llx] overlaps with node %d [mem 0x%08llx-0x%08llx]",
					     bi->node, (unsigned long long)bi->start, (unsigned long long)bi->end - 1, bj->node,
					     (unsigned long long)bj->start, (unsigned long long)bj->end - 1);
					m->n_meminfo = n;
					return -1;
				}
				m->numa_facts |= MODEL_NUMA_SELF_OVERLAP;
				model_numa_line(m, "Warning: node %d [mem 0x%08llx-0x%08llx] overlaps with itself [mem 0x%08llx-0x%08llx]",
				     bi->node, (unsigned long long)bi->start, (unsigned long long)bi->end - 1,
				     (unsigned long long)bj->start, (unsigned long long)bj->end - 1);
			}
			if (bi->node != bj->node)
				continue;
			uint64_t start = bi->start < bj->start ? bi->start : bj->start;
			uint64_t end = bi->end > bj->end ? bi->end : bj->end;
			int k;
			for (k = 0; k < n; k++)
				if (mi[k].node != bi->node && start < mi[k].end && end > mi[k].start)
					break;
			if (k < n)
				continue;
			m->numa_facts |= MODEL_NUMA_MERGED;
			model_numa_line(m, "NUMA: Node %d [mem 0x%08llx-0x%08llx] + [mem 0x%08llx-0x%08llx] -> [mem 0x%08llx-0x%08llx]",
			     bi->node, (unsigned long long)bi->start, (unsigned long long)bi->end - 1,
			     (unsigned long long)bj->start, (unsigned long long)bj->end - 1, (unsigned long long)start,
			     (unsigned long long)end - 1);
			bi->start = start;
			bi->end = end;
			memmove(&mi[j], &mi[j + 1], sizeof *mi * (size_t)(n - j - 1));
			n--, j--;
		}
	m->n_meminfo = n;
	return 0;
}

/* numa_meminfo_cover_memory(): the nodes must hold all but < 1 MiB of RAM. */
static bool covers_memory(struct model *m)
{
	uint64_t numaram = 0, e820ram = m->ram_bytes / MODEL_PAGE;
	for (int i = 0; i < m->n_meminfo; i++) {
		uint64_t s = m->meminfo[i].start & ~(MODEL_PAGE - 1), e = m->meminfo[i].end & ~(MODEL_PAGE - 1);
		numaram += model_ram_in(m, s, e) / MODEL_PAGE;
	}
	if (numaram > e820ram)
		numaram = e820ram;
	if (e820ram - numaram >= 256) {
		model_numa_line(m, "NUMA: nodes only cover %lluMB of your %lluMB e820 RAM. Not used.",
		     (unsigned long long)(numaram * MODEL_PAGE >> 20), (unsigned long long)(e820ram * MODEL_PAGE >> 20));
		return false;
	}
	return true;
}

static void reason(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reason(struct model *m, const char *fmt, ...)
{
	if (m->features_only)
		return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(m->numa_reason);
	m->numa_reason = buf_steal(&b);
}

static const struct topo_cmdline *numa_option(const struct topology *t)
{
	const struct topo_cmdline *last = NULL;
	for (int i = 0; i < t->n_cmdline; i++)
		if (t->cmdline[i].kind == CMD_NUMA && strncmp(t->cmdline[i].text, "numa=nohmat", 11) &&
		    strncmp(t->cmdline[i].text, "numa=noapic", 11))
			last = &t->cmdline[i];
	return last;
}

static void add_node(struct model *m, int id, int64_t pxm, bool cpus)
{
	m->nodes = xgrow(m->nodes, (size_t)m->n_nodes, sizeof *m->nodes);
	struct model_node *nd = &m->nodes[m->n_nodes++];
	memset(nd, 0, sizeof *nd);
	nd->id = id;
	nd->pxm = pxm;
	nd->cpus = cpus;
}

/* free_area_init()'s early node map: memblock memory split by node. */
static void early_map(struct model *m)
{
	for (int i = 0; i < m->n_ram; i++) {
		uint64_t at = m->ram[i].start, e = m->ram[i].end;
		while (at < e) {
			int node = -1;
			uint64_t stop = e;
			for (int k = 0; k < m->n_meminfo; k++) {
				const struct mem_range *r = &m->meminfo[k];
				if (r->start <= at && at < r->end) {
					node = r->node;
					stop = r->end < e ? r->end : e;
					break;
				}
				if (r->start > at && r->start < stop)
					stop = r->start;
			}
			if (m->n_early && m->early[m->n_early - 1].end == at && m->early[m->n_early - 1].node == node)
				m->early[m->n_early - 1].end = stop;
			else
				push_range(&m->early, &m->n_early, (struct mem_range){ at, stop, node, E820_RAM, false });
			at = stop;
		}
	}
	for (int i = 0; i < m->n_early; i++)
		for (int k = 0; k < m->n_nodes; k++) {
			struct model_node *nd = &m->nodes[k];
			if (nd->id != m->early[i].node)
				continue;
			if (!nd->present || m->early[i].start < nd->start)
				nd->start = m->early[i].start;
			if (m->early[i].end > nd->end)
				nd->end = m->early[i].end;
			nd->present += m->early[i].end - m->early[i].start;
			nd->memory = true;
		}
}

/* numa_emulation() on the nodes 0..n_phys-1 of m->meminfo. */
static bool emulate(struct model *m, const char *arg, int n_phys)
{
	int phys[PXM_MAX];
	for (int i = 0; i < n_phys && i < PXM_MAX; i++)
		phys[i] = i;
	m->emulated = model_numa_emulate(m, arg, phys, n_phys < PXM_MAX ? n_phys : PXM_MAX);
	return true;            /* the nodes (emulated or not) go on to numa_register_memblks() */
}

static bool has_range(const struct model *m, int node)
{
	for (int i = 0; i < m->n_meminfo; i++)
		if (m->meminfo[i].node == node && m->meminfo[i].end > m->meminfo[i].start)
			return true;
	return false;
}

void model_numa(const struct topology *t, struct model *m)
{
	static __thread struct numbering nb;   /* large: not on the stack; entries are set as they are used */
	nb.n = 0;
	const struct topo_cmdline *opt = numa_option(t);
	const char *fake = opt && !strncmp(opt->text, "numa=fake=", 10) ? opt->text + 10 : NULL;
	bool srat_ok = true, have_srat = false;
	if (opt && !strcmp(opt->text, "numa=off")) {
		m->numa = NUMA_OFF;
		reason(m, "numa=off: x86_numa_init() skips the SRAT");
	} else {
		if (m->layout.generated_srat) {
			have_srat = true;
			srat_ok = generated_srat(t, m, &nb);
		} else if (t->n_nodes) {
			have_srat = true;
			qemu_srat(t, m, &nb);
		} else if (t->slots) {
			have_srat = true;
			implicit_node_srat(t, m, &nb);
		}
		if (opt && !strcmp(opt->text, "numa=noacpi")) {
			m->n_srat = 0;
			m->numa = NUMA_NOACPI;
			reason(m, "numa=noacpi: the SRAT is parsed but not used");
		} else if (!have_srat) {
			m->numa = NUMA_NO_SRAT;
			reason(m, "no SRAT: the topology has no NUMA nodes");
		} else if (!srat_ok) {
			m->numa = NUMA_SRAT_BAD;
			model_numa_line(m, "ACPI: SRAT: SRAT not used.");
			reason(m, "the SRAT is malformed: bad_srat() disables it");
		} else if (!m->n_srat) {
			m->numa = NUMA_NO_SRAT;
			reason(m, "the SRAT has no enabled memory entry (acpi_numa_init() returns -ENOENT)");
		} else {
			m->numa = NUMA_SRAT;
		}
	}
	if (m->numa == NUMA_SRAT) {
		for (int i = 0; i < m->n_srat; i++) {
			const struct model_srat_line *s = &m->srat[i];
			if (s->start == s->end)
				continue;
			if (s->start > s->end) {
				model_numa_line(m, "Warning: invalid memblk node %d [mem 0x%08llx-0x%08llx]", s->node,
				     (unsigned long long)s->start, (unsigned long long)s->end - 1);
				continue;
			}
			push_range(&m->meminfo, &m->n_meminfo, (struct mem_range){ s->start, s->end, s->node, E820_RAM, s->hotplug });
		}
		if (model_numa_cleanup(m) != 0) {
			m->numa = NUMA_OVERLAP;
			reason(m, "two nodes' SRAT ranges overlap: numa_cleanup_meminfo() fails");
		} else if (fake && emulate(m, fake, nb.n) && !covers_memory(m)) {
			/* numa_register_memblks() refuses the emulated nodes as it would the physical ones. */
			m->emulated = false;
			m->numa = NUMA_NOT_COVERED;
			reason(m, "the SRAT nodes miss 1 MiB or more of e820 RAM");
		} else if (!fake && !covers_memory(m)) {
			m->numa = NUMA_NOT_COVERED;
			reason(m, "the SRAT nodes miss 1 MiB or more of e820 RAM");
		} else {
			reason(m, "the SRAT describes %d node%s covering all RAM", nb.n, nb.n == 1 ? "" : "s");
		}
	}
	if (m->numa == NUMA_SRAT && m->emulated) {
		/* __apicid_to_node[] re-mapped: a CPU goes to the first emulated node
		 * of its physical node, else to node 0. */
		bool cpus[MODEL_MAX_NUMNODES] = { false };
		for (int p = 0; p < nb.n; p++) {
			if (!nb.cpus[p])
				continue;
			int j = 0;
			while (j < m->n_emu && m->emu_to_phys[j] != p)
				j++;
			cpus[j < m->n_emu ? j : 0] = true;
		}
		for (int e = 0; e < m->n_emu; e++)
			if (has_range(m, e))
				add_node(m, e, m->emu_to_phys[e] >= 0 && m->emu_to_phys[e] < nb.n ? nb.pxm_of_node[m->emu_to_phys[e]] : -1,
					 cpus[e]);
	} else if (m->numa == NUMA_SRAT) {
		for (int i = 0; i < nb.n; i++)
			add_node(m, i, nb.pxm_of_node[i], nb.cpus[i]);
	} else {
		model_numa_line(m, "%s", m->numa == NUMA_OFF ? "NUMA turned off" : "No NUMA configuration found");
		model_numa_line(m, "Faking a node at [mem 0x%016llx-0x%016llx]", 0ULL, (unsigned long long)m->ram_end - 1);
		free(m->meminfo);
		m->meminfo = NULL;
		m->n_meminfo = 0;
		push_range(&m->meminfo, &m->n_meminfo, (struct mem_range){ 0, m->ram_end, 0, E820_RAM, false });
		if (fake && emulate(m, fake, 1)) {
			/* dummy_numa_init() maps no CPU: numa_init_array() deals them out
			 * round robin over the online nodes. */
			int n = 0;
			for (int e = 0; e < m->n_emu; e++)
				if (has_range(m, e)) {
					add_node(m, e, -1, n < t->cpus);
					n++;
				}
		} else {
			add_node(m, 0, -1, true);
		}
	}
	if (m->numa != NUMA_SRAT && !m->numa_reason)
		reason(m, "no usable SRAT");
	if (fake) {
		m->numa_under = m->numa;
		m->numa = NUMA_FAKE;
		char *under = m->numa_reason;
		m->numa_reason = NULL;
		if (m->emulated)
			reason(m, "numa=fake=%s: %d emulated node%s (NUMA init before emulation: %s: %s)", fake, m->n_nodes,
			       m->n_nodes == 1 ? "" : "s", numa_path_name(m->numa_under), under);
		else
			reason(m, "numa=fake=%s: the kernel refuses this split and keeps its nodes (NUMA init: %s: %s)", fake,
			       numa_path_name(m->numa_under), under);
		free(under);
	}
	early_map(m);
}
