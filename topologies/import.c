/* topologies/import.c: decides the topology that reproduces a report's
 * layout. The facts come from results/console_layout.c (the kernel's own
 * layout lines), import_qemu.c (a quoted QEMU command line) and triage (the
 * crash title). Every choice is checked against acpi-gen's layout model
 * (layout_compute), the same prediction `show` prints:
 *   - e820: the reported map (user-defined, else BIOS-e820, else /proc/iomem)
 *     is compared with what QEMU+SeaBIOS build for the chosen RAM size and the
 *     reported memmap=/mem=; when they differ, memmap=exactmap gives the
 *     kernel the reported map (e820_to_exactmap);
 *   - NUMA: node sizes for QEMU -numa are derived from the reported ranges;
 *     when QEMU's SRAT would differ from the reported one, the SRAT is ours
 *     (firmware generated, the reported entries verbatim);
 *   - what still differs, and what a report cannot tell (CPU placement,
 *     SeaBIOS's reservation, QEMU's HyperTransport hole), becomes comments. */
#include "topologies/import.h"
#include "acpi-gen/layout.h"
#include "common/buf.h"
#include "common/size.h"
#include "common/strv.h"
#include "results/console_layout.h"
#include "results/triage.h"
#include "topologies/topo.h"
#include <stdlib.h>
#include <string.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
/* The most guest RAM an import asks for: these hosts have 24 GiB shared by
 * two boots at a time. */
#define IMPORT_MAX_MEMORY (16 * GiB)

struct span {
	bool present, has_mem;
	uint64_t start, end;
	int line;
};

struct importer {
	const char *file, *name;
	struct report_lines rl;
	struct console_layout c;
	struct qemu_facts q;
	struct buf notes;               /* "# ..." lines for the head of the file */
	char *err;
	/* the reported e820 map to reproduce */
	struct printed_range *map;
	int n_map;
	const char *map_kind;           /* "user", "BIOS-e820", "iomem" or NULL */
	struct printed_range *srat;     /* merged reported SRAT memory entries */
	int n_srat;
	bool q35;
	uint64_t memory;
	int cpus;
	struct span nodes[TOPO_MAX_NODES];
	int n_nodes;                    /* highest node id + 1 */
	int cpu_node[TOPO_MAX_CPUS];    /* -1: not known */
	bool cpu_node_known;
	struct strv params;             /* carried kernel parameters */
	bool exactmap, generated, shrunk;
	int slots;
	uint64_t maxmem;
};

static void note(struct importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct importer *im, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_puts(&im->notes, "# ");
	buf_vprintf(&im->notes, fmt, ap);
	buf_putc(&im->notes, '\n');
	va_end(ap);
}

static int fail(struct importer *im, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct importer *im, int line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	if (line > 0)
		buf_printf(&b, "%s:%d: ", im->file, line);
	else
		buf_printf(&b, "%s: ", im->file);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(im->err);
	im->err = buf_steal(&b);
	return -1;
}

static const char *type_name(uint32_t t)
{
	return e820_type_name(t);
}

static int by_start(const void *a, const void *b)
{
	const struct printed_range *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->line - y->line;
}

/* Sorts ranges quoted maybe more than once (two quotes of one map, a map
 * and its longer repeat) into one map: identical repeats go, overlaps are
 * contradictions unless overlaps_ok (SRAT entries may overlap: broken
 * firmware does that, the kernel reports it, and our own SRAT can repeat it). */
static int merge(struct importer *im, const struct printed_ranges *in, const char *what, bool overlaps_ok,
		 struct printed_range **out, int *n_out)
{
	struct printed_range *v = xmalloc(sizeof *v * (size_t)(in->n ? in->n : 1));
	memcpy(v, in->v, sizeof *v * (size_t)in->n);
	qsort(v, (size_t)in->n, sizeof *v, by_start);
	int n = 0;
	for (int i = 0; i < in->n; i++) {
		bool dup = false;
		for (int k = 0; k < n; k++) {
			const struct printed_range *a = &v[k], *b = &v[i];
			if (a->start == b->start && a->end == b->end && a->type == b->type && a->node == b->node &&
			    a->hotplug == b->hotplug) {
				dup = true;
				break;
			}
			if (!overlaps_ok && b->start < a->end && a->start < b->end) {
				fail(im, b->line,
				     "%s range [mem 0x%llx-0x%llx] %s contradicts line %d ([mem 0x%llx-0x%llx] %s): "
				     "overlapping ranges of one map (two different boots quoted?)",
				     what, (unsigned long long)b->start, (unsigned long long)b->end - 1,
				     b->type ? type_name(b->type) : "", a->line, (unsigned long long)a->start,
				     (unsigned long long)a->end - 1, a->type ? type_name(a->type) : "");
				free(v);
				return -1;
			}
		}
		if (!dup)
			v[n++] = v[i];
	}
	*out = v;
	*n_out = n;
	return 0;
}

static bool ram_like(uint32_t type)
{
	return type != E820_RESERVED && type != E820_UNUSABLE;
}

/* ---- facts ---- */

static int pick_map(struct importer *im)
{
	const struct printed_ranges *src = im->c.user.n ? &im->c.user : im->c.bios.n ? &im->c.bios : &im->c.iomem;
	im->map_kind = im->c.user.n ? "user" : im->c.bios.n ? "BIOS-e820" : im->c.iomem.n ? "iomem" : NULL;
	if (!im->map_kind)
		return 0;
	if (merge(im, src, im->map_kind, false, &im->map, &im->n_map))
		return -1;
	if (im->c.user.n && im->c.bios.n) {
		/* The BIOS map must at least be one map. */
		struct printed_range *b;
		int nb;
		if (merge(im, &im->c.bios, "BIOS-e820", false, &b, &nb))
			return -1;
		free(b);
	}
	return 0;
}

/* The nodes of the CPUs a quoted QEMU command line places (its -numa
 * cpus= lists: "0", "0-1", "0,2"), for CPUs below im->cpus. */
static void map_qemu_cpus(struct importer *im)
{
	for (int i = 0; i < im->q.n_nodes; i++) {
		const char *p = im->q.nodes[i].cpus;
		while (*p >= '0' && *p <= '9') {
			char *e;
			long a = strtol(p, &e, 10), z = a;
			if (*e == '-')
				z = strtol(e + 1, &e, 10);
			for (long c = a; c <= z && c < im->cpus; c++) {
				im->cpu_node[c] = im->q.nodes[i].id;
				im->cpu_node_known = true;
			}
			p = *e == ',' ? e + 1 : e;
		}
	}
}

/* Node spans from SRAT entries, else from "Early memory node ranges" and
 * "Initmem setup node" (two nodes claiming one address is a contradiction). */
static int node_spans(struct importer *im)
{
	const struct printed_ranges *src = &im->c.early;
	if (im->c.srat.n) {
		if (merge(im, &im->c.srat, "SRAT", true, &im->srat, &im->n_srat))
			return -1;
	} else {
		for (int i = 0; i < im->c.initmem.n; i++) {
			const struct printed_range *r = &im->c.initmem.v[i];
			if (r->node >= 0 && r->node < TOPO_MAX_NODES) {
				struct span *s = &im->nodes[r->node];
				if (!s->present || r->start < s->start)
					s->start = r->start;
				if (!s->present || r->end > s->end)
					s->end = r->end;
				s->present = s->has_mem = true;
				s->line = r->line;
			}
		}
	}
	for (int i = 0; i < im->n_srat; i++) {
		const struct printed_range *r = &im->srat[i];
		if (r->node < 0 || r->node >= TOPO_MAX_NODES)
			return fail(im, r->line, "SRAT node %d is out of range (at most %d nodes)", r->node, TOPO_MAX_NODES);
		if (r->hotplug)
			continue;
		struct span *s = &im->nodes[r->node];
		if (!s->present || r->start < s->start)
			s->start = r->start;
		if (!s->present || r->end > s->end)
			s->end = r->end;
		s->present = s->has_mem = true;
		s->line = r->line;
	}
	if (!im->n_srat)
		for (int i = 0; i < src->n; i++) {
			const struct printed_range *r = &src->v[i];
			if (r->node < 0 || r->node >= TOPO_MAX_NODES)
				return fail(im, r->line, "node %d is out of range (at most %d nodes)", r->node, TOPO_MAX_NODES);
			struct span *s = &im->nodes[r->node];
			if (!s->present || r->start < s->start)
				s->start = r->start;
			if (!s->present || r->end > s->end)
				s->end = r->end;
			s->present = s->has_mem = true;
			s->line = r->line;
		}
	map_qemu_cpus(im);
	for (int i = 0; i < im->c.n_cpus_srat; i++) {
		const struct printed_cpu *p = &im->c.cpus_srat[i];
		if (p->node >= 0 && p->node < TOPO_MAX_NODES && !im->nodes[p->node].present) {
			im->nodes[p->node].present = true;
			im->nodes[p->node].line = p->line;
		}
	}
	im->n_nodes = 0;
	for (int i = 0; i < TOPO_MAX_NODES; i++)
		if (im->nodes[i].present)
			im->n_nodes = i + 1;
	/* Early ranges and Initmem: one address in two nodes cannot be one boot. */
	if (!im->n_srat)
		for (int i = 0; i < im->n_nodes; i++)
			for (int k = i + 1; k < im->n_nodes; k++) {
				const struct span *a = &im->nodes[i], *b = &im->nodes[k];
				if (a->has_mem && b->has_mem && a->start < b->end && b->start < a->end)
					return fail(im, b->line,
						    "node %d [mem 0x%llx-0x%llx] overlaps node %d [mem 0x%llx-0x%llx] "
						    "(line %d): contradictory node ranges",
						    k, (unsigned long long)b->start, (unsigned long long)b->end - 1, i,
						    (unsigned long long)a->start, (unsigned long long)a->end - 1, a->line);
			}
	return 0;
}

static uint64_t low_limit(bool q35)
{
	return q35 ? 0xb0000000ULL : 0xe0000000ULL;
}

static uint64_t high_zone(bool q35)
{
	return q35 ? 0x21000 : 0x20000;
}

/* A map above 4G too large to back (seed 003's 1.7 TiB /proc/iomem) is
 * shrunk: every range and gap above 4G longer than 2 GiB loses whole 2 GiB
 * units, so each boundary keeps its offset in the largest x86 memory block
 * (2 GiB): which block is shared by RAM and PMEM, which node ends mid-block,
 * stays as reported. Only a map without NUMA ranges is shrunk. */
static void shrink_map(struct importer *im)
{
	const uint64_t unit = 2 * GiB;
	uint64_t shift = 0, prev_end = 4 * GiB;
	bool shrunk = false;
	for (int i = 0; i < im->n_map; i++) {
		struct printed_range *r = &im->map[i];
		if (r->end <= 4 * GiB)
			continue;
		uint64_t start = r->start < 4 * GiB ? 4 * GiB : r->start;
		if (start > prev_end) {         /* the gap before it */
			uint64_t gap = start - prev_end;
			if (gap > unit) {
				shift += gap - (unit + gap % unit);
				shrunk = true;
			}
		}
		uint64_t len = r->end - start, keep = len <= unit ? len : unit + len % unit;
		prev_end = r->end;
		if (r->start >= 4 * GiB)
			r->start -= shift;
		shift += len - keep;
		shrunk |= len != keep;
		r->end -= shift;
	}
	if (shrunk)
		note(im, "not reproduced as reported: the map above 4G is too large to back here; every range and gap "
			 "above 4G longer than 2G was shortened by whole 2G units, so each boundary keeps its offset in "
			 "a 2G memory block (the addresses printed differ from the report's)");
}

/* The -m that gives QEMU RAM under every reported range. */
static int choose_memory(struct importer *im)
{
	if (im->q.memory) {
		im->memory = im->q.memory;
		return 0;
	}
	uint64_t low = 0, high = 0;
	int high_line = 0;
	bool low_from_usable = false;
	for (int i = 0; i < im->n_map; i++) {
		const struct printed_range *r = &im->map[i];
		if (r->end <= low_limit(im->q35) && r->end > low)
			low = r->end;
		if (r->end > 4 * GiB && ram_like(r->type) && r->end > high)
			high = r->end, high_line = r->line;
	}
	for (int i = 0; i < im->n_nodes; i++) {
		const struct span *s = &im->nodes[i];
		if (!s->has_mem)
			continue;
		if (s->end <= low_limit(im->q35) && s->end > low) {
			low = s->end;
			low_from_usable = !im->n_map && !im->n_srat;
		}
		if (s->end > 4 * GiB && s->end > high)
			high = s->end, high_line = s->line;
	}
	/* Early ranges end where usable RAM ends: SeaBIOS keeps its zone above. */
	if (low_from_usable)
		low += high_zone(im->q35);
	if (high > 4 * GiB) {
		uint64_t split = im->q35 ? 2 * GiB : 3 * GiB;
		im->memory = split + (high - 4 * GiB);
		if (im->memory < low_limit(im->q35)) {
			note(im, "QEMU puts all RAM below 4G unless -m is at least %s: the RAM above 4G is larger than reported",
			     im->q35 ? "2816M" : "3584M");
			im->memory = low_limit(im->q35);
		}
	} else {
		im->memory = low;
	}
	if (!im->memory && im->c.numa_off)
		return fail(im, 0, "no memory layout in the report: only \"No NUMA configuration found\"");
	if (!im->memory)
		return fail(im, 0, "no memory layout in the report (expected BIOS-e820:/user: map lines, "
				   "ACPI: SRAT: lines, \"Early memory node ranges\", /proc/iomem lines or a QEMU command line)");
	if (im->memory > IMPORT_MAX_MEMORY && im->n_map && !im->n_nodes && !im->shrunk) {
		im->shrunk = true;
		shrink_map(im);
		return choose_memory(im);
	}
	if (im->memory > IMPORT_MAX_MEMORY) {
		char need[32], max[32];
		size_human(im->memory, need, sizeof need);
		size_human(IMPORT_MAX_MEMORY, max, sizeof max);
		return fail(im, high_line, "the layout needs %s of guest RAM (to back the range on this line); "
				       "topofarm boots at most %s on these hosts", need, max);
	}
	return 0;
}

/* Kernel parameters that shape the layout, from the reported command line
 * (the console's, else QEMU's -append). */
static void carry_params(struct importer *im)
{
	const char *line = im->c.cmdline ? im->c.cmdline : im->q.append;
	if (!line)
		return;
	static const char *const keep[] = { "memmap=", "mem=", "numa=", "movable_node", "kernelcore=",
					    "movablecore=", "memhp_default_state=" };
	char *copy = xstrdup(line), *save = NULL;
	int dropped = 0;
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		bool kept = false;
		for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
			size_t n = strlen(keep[k]);
			if (!strncmp(tok, keep[k], n) && (keep[k][n - 1] == '=' || !tok[n])) {
				strv_add(&im->params, tok);
				kept = true;
			}
		}
		dropped += !kept;
	}
	free(copy);
	if (dropped)
		note(im, "the reported command line's other %d parameter%s (console, root, ...) are not carried over",
		     dropped, dropped == 1 ? "" : "s");
}

static int choose_cpus(struct importer *im)
{
	int mem_nodes = 0;
	for (int i = 0; i < im->n_nodes; i++)
		mem_nodes += im->nodes[i].has_mem;
	im->cpus = im->q.cpus ? im->q.cpus : im->c.cpus ? im->c.cpus : im->c.n_cpus_srat;
	if (!im->cpus) {
		im->cpus = mem_nodes > 1 ? mem_nodes : 1;
		note(im, "the report does not say how many CPUs: %d (one per node with memory)", im->cpus);
	}
	if (im->cpus > TOPO_MAX_CPUS)
		return fail(im, im->c.cpus_line, "%d CPUs: QEMU's pc machine takes at most %d here", im->cpus, TOPO_MAX_CPUS);
	for (int i = 0; i < TOPO_MAX_CPUS; i++)
		im->cpu_node[i] = -1;
	map_qemu_cpus(im);
	for (int i = 0; i < im->c.n_cpus_srat; i++) {
		const struct printed_cpu *p = &im->c.cpus_srat[i];
		if (p->apic >= 0 && p->apic < im->cpus && p->node >= 0 && p->node < im->n_nodes) {
			im->cpu_node[p->apic] = p->node;
			im->cpu_node_known = true;
		}
	}
	if (!im->cpu_node_known && im->n_nodes > 1) {
		int k = 0;
		for (int cpu = 0; cpu < im->cpus; cpu++) {
			for (int tries = 0; tries < im->n_nodes && !im->nodes[k % im->n_nodes].has_mem; tries++)
				k++;
			im->cpu_node[cpu] = k++ % im->n_nodes;
		}
		note(im, "the report does not say which CPU is on which node: spread over the nodes in turn");
	}
	return 0;
}

/* ---- writing and checking ---- */

static uint64_t below_4g(const struct importer *im)
{
	uint64_t lowmem = im->q35 ? (im->memory >= 0xb0000000ULL ? 0x80000000ULL : 0xb0000000ULL)
				  : (im->memory >= 0xe0000000ULL ? 0xc0000000ULL : 0xe0000000ULL);
	return im->memory < lowmem ? im->memory : lowmem;
}

/* Offset in QEMU's RAM (node memory is laid out in this order) of address a. */
static uint64_t linear(const struct importer *im, uint64_t a)
{
	uint64_t low = below_4g(im);
	if (a <= low)
		return a;
	return a >= 4 * GiB ? a - 4 * GiB + low : low;
}

static void cpu_list(const struct importer *im, int node, struct buf *b)
{
	bool any = false;
	for (int cpu = 0; cpu < im->cpus; cpu++)
		if (im->cpu_node[cpu] == node) {
			buf_printf(b, "%s%d", any ? "," : "", cpu);
			any = true;
		}
	if (!any)
		buf_puts(b, "none");
}

/* QEMU node sizes, or false when QEMU cannot lay the nodes out this way
 * (address order differs from id order, a node starts in the middle). */
static bool qemu_node_sizes(const struct importer *im, uint64_t *size)
{
	uint64_t prev = 0;
	int last = -1;
	for (int i = 0; i < im->n_nodes; i++) {
		size[i] = 0;
		const struct span *s = &im->nodes[i];
		if (!s->has_mem)
			continue;
		uint64_t start = linear(im, s->start);
		if (last < 0) {
			if (start >= MiB)
				return false;       /* QEMU's first node starts at 0 */
			start = 0;
		} else {
			if (start <= prev)
				return false;       /* address order is not id order */
			size[last] = start - prev;
		}
		prev = start;
		last = i;
	}
	if (last < 0)
		return true;
	if (im->memory <= prev)
		return false;
	size[last] = im->memory - prev;
	return true;
}

static char *compose(struct importer *im, const char *exactmap)
{
	struct buf b = BUF_INIT;
	char sz[40], sz2[40];
	buf_printf(&b, "name        %s\n", im->name);
	buf_printf(&b, "description Imported from %s\n", im->file);
	buf_puts(&b, "tags        imported\n\n");
	buf_printf(&b, "machine %s\n", im->q35 ? "q35" : "pc");
	if (im->n_nodes > 1 && im->cpus > 1)
		buf_printf(&b, "cpus %d sockets=%d\n", im->cpus, im->cpus);
	else
		buf_printf(&b, "cpus %d\n", im->cpus);
	size_format(im->memory, sz, sizeof sz);
	buf_printf(&b, "memory %s\n", sz);
	if (im->slots) {
		size_format(im->maxmem, sz, sizeof sz);
		buf_printf(&b, "hotplug slots=%d maxmem=%s\n", im->slots, sz);
	}
	uint64_t size[TOPO_MAX_NODES];
	if (im->n_nodes && !im->generated && qemu_node_sizes(im, size)) {
		buf_putc(&b, '\n');
		for (int i = 0; i < im->n_nodes; i++) {
			buf_printf(&b, "node %d", i);
			if (size[i]) {
				size_format(size[i], sz, sizeof sz);
				buf_printf(&b, " mem=%s", sz);
			}
			buf_puts(&b, " cpus=");
			cpu_list(im, i, &b);
			buf_putc(&b, '\n');
		}
		for (int i = 0; i < im->q.n_dist; i++)
			if (im->q.dist[i].src != im->q.dist[i].dst || im->q.dist[i].val != 10)
				buf_printf(&b, "distance %d %d %d oneway\n", im->q.dist[i].src, im->q.dist[i].dst,
					   im->q.dist[i].val);
	} else if (im->n_nodes) {
		im->generated = true;
		buf_puts(&b, "\nfirmware generated\n");
		/* CPU entries in the order the kernel printed them (PXMs become
		 * node ids in order of first appearance, CPUs first), then the
		 * CPUs the report did not place. */
		for (int i = 0; i < im->c.n_cpus_srat; i++)
			if (im->c.cpus_srat[i].apic < im->cpus)
				buf_printf(&b, "srat cpu pxm=%d apic=%d\n", im->c.cpus_srat[i].pxm, im->c.cpus_srat[i].apic);
		for (int cpu = 0; cpu < im->cpus; cpu++) {
			bool printed = false;
			for (int i = 0; i < im->c.n_cpus_srat; i++)
				printed |= im->c.cpus_srat[i].apic == cpu;
			if (printed)
				continue;
			int node = im->cpu_node[cpu] >= 0 ? im->cpu_node[cpu] : 0, pxm = node;
			for (int i = 0; i < im->n_srat; i++)
				if (im->srat[i].node == node) {
					pxm = im->srat[i].pxm;
					break;
				}
			buf_printf(&b, "srat cpu pxm=%d apic=%d\n", pxm, cpu);
		}
		if (im->n_srat) {
			/* The reported entries in the order the kernel printed them:
			 * PXMs become node ids in order of first appearance. */
			struct printed_range *v = xmalloc(sizeof *v * (size_t)im->n_srat);
			memcpy(v, im->srat, sizeof *v * (size_t)im->n_srat);
			for (int i = 1; i < im->n_srat; i++)
				for (int k = i; k > 0 && v[k].line < v[k - 1].line; k--) {
					struct printed_range t = v[k];
					v[k] = v[k - 1];
					v[k - 1] = t;
				}
			for (int i = 0; i < im->n_srat; i++) {
				size_format(v[i].start, sz, sizeof sz);
				size_format(v[i].end - v[i].start, sz2, sizeof sz2);
				buf_printf(&b, "srat memory pxm=%d base=%s length=%s%s%s\n", v[i].pxm, sz, sz2,
					   v[i].hotplug ? " hotplug" : "", v[i].nonvolatile ? " nonvolatile" : "");
			}
			free(v);
		} else {
			for (int i = 0; i < im->n_nodes; i++) {
				const struct span *s = &im->nodes[i];
				if (!s->has_mem)
					continue;
				uint64_t start = s->start < MiB ? 0 : s->start;
				size_format(start, sz, sizeof sz);
				size_format(s->end - start, sz2, sizeof sz2);
				buf_printf(&b, "srat memory pxm=%d base=%s length=%s\n", i, sz, sz2);
			}
		}
	}
	if (im->params.n || exactmap) {
		buf_puts(&b, "\ncmdline");
		for (int i = 0; i < im->params.n; i++) {
			const char *p = im->params.v[i];
			if (exactmap && (!strncmp(p, "memmap=", 7) || !strncmp(p, "mem=", 4)))
				continue;       /* the exact map already holds their effect */
			buf_printf(&b, " %s", p);
		}
		if (exactmap)
			buf_printf(&b, " %s", exactmap);
		buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

static int load(struct importer *im, const char *text, struct topology *t, struct layout *l)
{
	struct topo_error e;
	if (topo_parse(text, strlen(text), im->name, t, &e)) {
		char *m = topo_error_string(&e);
		fail(im, 0, "cannot write a topology for this layout: %s", m);
		free(m);
		return -1;
	}
	struct topo_issues is = { 0 };
	topo_validate(t, &is);
	for (int i = 0; i < is.n; i++)
		if (is.v[i].error) {
			fail(im, 0, "QEMU cannot build this layout: %s", is.v[i].msg);
			topo_issues_free(&is);
			topo_free(t);
			return -1;
		}
	topo_issues_free(&is);
	char *err = NULL;
	if (layout_compute(t, l, &err)) {
		fail(im, 0, "cannot predict the layout: %s", err ? err : "?");
		free(err);
		topo_free(t);
		return -1;
	}
	return 0;
}

/* Does the predicted map equal the reported one? The top of RAM below 4G may
 * differ by SeaBIOS's slack; QEMU's HyperTransport hole may be missing from
 * older reports. */
static bool same_map(const struct importer *im, const struct layout *l, const struct mem_range *v, int n,
		     bool *ht_hole)
{
	int i = 0, k = 0;
	*ht_hole = false;
	while (i < n || k < im->n_map) {
		if (i < n && k >= im->n_map && v[i].start == 0xfd00000000ULL && v[i].type == E820_RESERVED) {
			*ht_hole = true;
			i++;
			continue;
		}
		if (i >= n || k >= im->n_map || v[i].type != im->map[k].type)
			return false;
		uint64_t slack = l->low_top_slack;
		bool near = v[i].end < 4 * GiB;
		uint64_t ds = v[i].start > im->map[k].start ? v[i].start - im->map[k].start : im->map[k].start - v[i].start;
		uint64_t de = v[i].end > im->map[k].end ? v[i].end - im->map[k].end : im->map[k].end - v[i].end;
		if ((ds && !(near && ds <= slack)) || (de && !(near && de <= slack)))
			return false;
		i++, k++;
	}
	return true;
}

static int decide_e820(struct importer *im)
{
	if (!im->map_kind)
		return 0;
	char *text = compose(im, NULL);
	struct topology t;
	struct layout l;
	int rc = load(im, text, &t, &l);
	free(text);
	if (rc)
		return -1;
	bool user = !strcmp(im->map_kind, "user");
	bool ht = false;
	bool same = !strcmp(im->map_kind, "iomem") ? false
		    : user ? l.n_user && same_map(im, &l, l.user_e820, l.n_user, &ht)
			   : !l.n_user && same_map(im, &l, l.e820, l.n_e820, &ht);
	if (same && ht)
		note(im, "QEMU adds a reserved e820 entry for the AMD HyperTransport hole (0xfd00000000-0xffffffffff) "
			 "that the report does not have");
	if (same && !user)
		note(im, "SeaBIOS reserves the top of RAM below 4G (128K on pc, 132K on q35, growing with the ACPI "
			 "tables): the end of the last usable range below 4G is exact to 64K");
	if (same) {
		layout_free(&l);
		topo_free(&t);
		return 0;
	}
	/* A map quoted from 4G up (iomem excerpts) gets QEMU's own map below
	 * 4G: the kernel cannot boot without low memory. */
	bool has_low = false;
	for (int i = 0; i < im->n_map; i++)
		has_low |= im->map[i].start < 4 * GiB;
	struct mem_range *v = xmalloc(sizeof *v * (size_t)(im->n_map + l.n_e820 + 1));
	int n = 0;
	for (int i = 0; !has_low && i < l.n_e820; i++)
		if (l.e820[i].end <= 4 * GiB)
			v[n++] = l.e820[i];
	if (!has_low)
		note(im, "the report quotes no map below 4G: QEMU's and SeaBIOS's own map is used there");
	for (int i = 0; i < im->n_map; i++)
		v[n++] = (struct mem_range){ im->map[i].start, im->map[i].end, -1, im->map[i].type, false };
	char *exact = e820_to_exactmap(v, n);
	free(v);
	layout_free(&l);
	topo_free(&t);
	strv_add(&im->params, exact);
	free(exact);
	im->exactmap = true;
	if (im->n_map < 2)
		return fail(im, im->map[0].line, "the reported map has one entry: the kernel refuses a memmap=exactmap "
						 "of fewer than 2 entries (\"Invalid user supplied memory map\")");
	note(im, "the reported %s map is not what QEMU and SeaBIOS build for %s: memmap=exactmap gives the kernel "
		 "exactly that map%s", im->map_kind, im->q35 ? "q35" : "pc",
	     user ? "" : " (it prints it as user: lines, after QEMU's own BIOS-e820 lines)");
	note(im, "memmap=exactmap makes RAM of what QEMU has as RAM only where the map says so; "
		 "SeaBIOS's ACPI tables must lie in a range the map does not call usable");
	return 0;
}

/* The SRAT the kernel will print: node ranges plus the hotplug window. */
static bool same_srat(const struct importer *im, const struct layout *l)
{
	int n = l->n_node_ranges + (l->has_hotplug_window ? 1 : 0);
	if (n != im->n_srat)
		return false;
	for (int i = 0; i < im->n_srat; i++) {
		bool found = false;
		for (int k = 0; k < n && !found; k++) {
			const struct mem_range *r = k < l->n_node_ranges ? &l->node_ranges[k] : &l->hotplug_window;
			found = r->start == im->srat[i].start && r->end == im->srat[i].end && r->node == im->srat[i].node &&
				r->hotplug == im->srat[i].hotplug;
		}
		if (!found)
			return false;
	}
	return true;
}

/* QEMU's hotplug window as the reported hotplug SRAT entry, if it is one. */
static void hotplug_from_srat(struct importer *im)
{
	if (im->q.slots) {
		im->slots = im->q.slots;
		im->maxmem = im->q.maxmem;
		return;
	}
	for (int i = 0; i < im->n_srat; i++) {
		const struct printed_range *r = &im->srat[i];
		uint64_t len = r->end - r->start;
		if (r->hotplug && len > GiB && len % (128 * MiB) == 0) {
			im->slots = 1;
			im->maxmem = im->memory + len - GiB;
			return;
		}
	}
}

static void compare_early(struct importer *im, const struct layout *l)
{
	if (im->c.n_early_blocks != 1 || !im->c.early.n)
		return;
	int shown = 0;
	for (int i = 0; i < im->c.early.n; i++) {
		const struct printed_range *r = &im->c.early.v[i];
		bool found = false;
		for (int k = 0; k < l->n_early && !found; k++)
			found = l->early[k].start == r->start && l->early[k].node == r->node &&
				(l->early[k].end == r->end ||
				 (r->end < 4 * GiB && (l->early[k].end > r->end ? l->early[k].end - r->end : r->end - l->early[k].end) <= l->low_top_slack));
		if (!found && shown++ < 8)
			note(im, "not reproduced: line %d: node %d [mem 0x%llx-0x%llx] (the predicted early node ranges differ)",
			     r->line, r->node, (unsigned long long)r->start, (unsigned long long)r->end - 1);
	}
}

static int decide_numa(struct importer *im, char **out)
{
	hotplug_from_srat(im);
	for (int round = 0; round < 2; round++) {
		char *text = compose(im, NULL);
		struct topology t;
		struct layout l;
		if (load(im, text, &t, &l)) {
			free(text);
			return -1;
		}
		bool ok = !im->n_srat || same_srat(im, &l);
		if (!ok && !im->generated && round == 0) {
			note(im, "QEMU's -numa cannot produce the reported SRAT: the SRAT is ours (firmware generated, "
				 "loaded through the initrd table upgrade), with the reported entries");
			im->generated = true;
			im->slots = 0;
			layout_free(&l);
			topo_free(&t);
			free(text);
			continue;
		}
		if (!ok)
			note(im, "not reproduced: the SRAT the kernel will read differs from the report's");
		compare_early(im, &l);
		layout_free(&l);
		topo_free(&t);
		*out = text;
		return 0;
	}
	return -1;
}

/* Probes the report's words point at. */
static void steps(const struct importer *im, struct buf *b)
{
	const char *s = im->rl.joined;
	buf_puts(b, "\nstep probe nodes");
	if (strstr(s, "memory block") || strstr(s, "removable") || strstr(s, "lsmem") || strstr(s, "/memory"))
		buf_puts(b, " memory-blocks");
	if (strstr(s, "zoneinfo"))
		buf_puts(b, " zoneinfo");
	if (strstr(s, "kpageflags") || strstr(s, "page-types"))
		buf_puts(b, " kpageflags");
	if (strstr(s, "compact"))
		buf_puts(b, " compact");
	buf_putc(b, '\n');
}

static void expectation(struct importer *im, struct buf *b)
{
	struct triage_result r;
	triage_log(im->rl.joined, im->rl.joined_len, RUN_END_UNKNOWN, NULL, &r);
	const struct triage_report *worst = NULL;
	for (int i = 0; i < r.n_reports; i++)
		if (!r.reports[i].benign && r.title && !strcmp(r.reports[i].title, r.title))
			worst = &r.reports[i];
	if (!worst) {
		note(im, "the report quotes no kernel crash: no expect line (a run passes when the kernel boots clean)");
	} else {
		enum outcome o = r.outcome;
		if (o != OUTCOME_WARNING && o != OUTCOME_OOPS && o != OUTCOME_PANIC)
			o = !strcmp(worst->family, "warning") ? OUTCOME_WARNING : OUTCOME_OOPS;
		/* An oops before init kills the idle task or init: a panic. */
		if (o == OUTCOME_OOPS && worst->phase && !strcmp(worst->phase, "early boot") &&
		    strstr(im->rl.joined, "start_kernel"))
			o = OUTCOME_PANIC;
		note(im, "expected: the crash the report shows%s%s", im->c.kernel_release ? " on " : "",
		     im->c.kernel_release ? im->c.kernel_release : "");
		buf_printf(b, "\nexpect * %s %s\n", outcome_name(o), r.title);
	}
	triage_result_free(&r);
}

int topo_import(const char *text, size_t len, const char *file, const char *name, char **topo_text, char **err)
{
	struct importer im = { .file = file, .name = name };
	char *body = NULL;
	int rc = -1;
	*topo_text = NULL;
	report_lines_read(text, len, &im.rl);
	for (int i = 0; i < im.rl.n; i++)
		console_layout_feed(&im.c, im.rl.text[i], strlen(im.rl.text[i]), im.rl.line[i]);
	if (qemu_facts_read(&im.rl, file, &im.q, &im.err))
		goto out;
	im.q35 = im.q.found ? im.q.q35 : im.c.q35;
	if (pick_map(&im) || node_spans(&im))
		goto out;
	if (im.q.found && im.q.n_nodes) {
		/* QEMU's own -numa: exact sizes beat ranges read back. */
		memset(im.nodes, 0, sizeof im.nodes);
		im.n_nodes = 0;
	}
	if (choose_memory(&im))
		goto out;
	if (im.q.found && im.q.n_nodes) {
		uint64_t at = 0;
		for (int i = 0; i < im.q.n_nodes; i++) {
			const struct qemu_node *nd = &im.q.nodes[i];
			if (nd->id >= TOPO_MAX_NODES || im.nodes[nd->id].present) {
				fail(&im, im.q.line, "-numa node,nodeid=%d given twice", nd->id);
				goto out;
			}
			struct span *s = &im.nodes[nd->id];
			s->present = true;
			s->has_mem = nd->mem != 0;
			s->line = im.q.line;
			/* a span that gives the node's size back through linear() */
			s->start = at < below_4g(&im) ? at : at - below_4g(&im) + 4 * GiB;
			if (at == 0)
				s->start = 0;
			at += nd->mem;
			if (nd->id + 1 > im.n_nodes)
				im.n_nodes = nd->id + 1;
		}
	}
	carry_params(&im);
	if (choose_cpus(&im))
		goto out;
	if (decide_e820(&im) || decide_numa(&im, &body))
		goto out;
	struct buf tail = BUF_INIT, b = BUF_INIT;
	steps(&im, &tail);
	expectation(&im, &tail);        /* may add a note */
	buf_printf(&b, "# Imported by `topofarm import` from %s.\n", file);
	buf_add(&b, im.notes.s ? im.notes.s : "", im.notes.len);
	buf_putc(&b, '\n');
	buf_puts(&b, body);
	buf_add(&b, tail.s ? tail.s : "", tail.len);
	buf_free(&tail);
	*topo_text = buf_steal(&b);
	rc = 0;
out:
	if (rc)
		*err = im.err ? im.err : xasprintf("%s: cannot import", file);
	else
		free(im.err);
	free(body);
	free(im.map);
	free(im.srat);
	strv_free(&im.params);
	buf_free(&im.notes);
	console_layout_free(&im.c);
	qemu_facts_free(&im.q);
	report_lines_free(&im.rl);
	return rc;
}
