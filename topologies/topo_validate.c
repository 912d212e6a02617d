/* topologies/topo_validate.c: separates what QEMU 7.2 will refuse (errors,
 * each quoting QEMU's own rule or message) from what the kernel may dislike
 * (warnings: tiny nodes, unaligned RAM, invalid firmware tables — allowed,
 * since they are the point of a topology). */
#include "topologies/topo.h"
#include "topologies/topo_address.h"
#include "topologies/topo_words.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1ULL << 20)
#define BLOCK_SIZE (128 * MiB)        /* x86_64 memory block size in these guests */
#define NODE_MIN_SIZE (4 * MiB)       /* the old x86 limit seed 000 is about */

static void add(struct topo_issues *is, bool error, struct topo_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct topo_issues *is, bool error, struct topo_pos pos, const char *fmt, ...)
{
	if (is->count_only) {
		is->n++;
		is->n_errors += error;
		return;
	}
	if (is->n == is->cap) {
		is->cap = is->cap ? 2 * is->cap : 8;
		is->v = xrealloc(is->v, sizeof *is->v * (size_t)is->cap);
	}
	struct topo_issue *i = &is->v[is->n++];
	i->error = error;
	i->pos = pos;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(i->msg, sizeof i->msg, fmt, ap);
	va_end(ap);
	if (error)
		is->n_errors++;
}

static const struct topo_pos top = { 1, 1 };

/* The position of a once-only directive, or line 1 when it was not written. */
static struct topo_pos at(struct topo_pos p)
{
	return p.line ? p : top;
}

static const char *sz(uint64_t v, char *buf)
{
	size_format(v, buf, 40);
	return buf;
}

static void check_machine(const struct topology *t, struct topo_issues *is)
{
	char a[40], b[40];
	if (t->memory == 0)
		add(is, true, top, "no memory: give \"memory SIZE\" or nodes with mem= (QEMU would silently use 128M)");
	else if (t->memory % 8192)
		add(is, false, at(t->memory_pos), "memory %s is not a multiple of 8K: QEMU rounds -m up to 8 KiB, so the guest gets %s",
		    sz(t->memory, a), sz((t->memory + 8191) & ~8191ULL, b));
	if (t->sockets && t->cpus % t->sockets)
		add(is, true, at(t->cpus_pos), "cpus %d sockets=%d: QEMU: \"Invalid CPU topology: product of the hierarchy must match maxcpus: "
		    "sockets (%d) * dies (1) * cores (1) * threads (1) != maxcpus (%d)\"", t->cpus, t->sockets, t->sockets, t->cpus);
	if (t->memory && t->memory % BLOCK_SIZE)
		add(is, false, at(t->memory_pos), "memory %s is not a multiple of the 128M memory block: the last block is partly populated "
		    "(seed 002's class of bug)", sz(t->memory, b));
}

static int first_node_of(const struct topology *t, int cpu, int except)
{
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].id != except && cpuset_has(&t->nodes[i].cpus, cpu))
			return t->nodes[i].id;
	return -1;
}

static void check_nodes(const struct topology *t, struct topo_issues *is)
{
	char a[40], b[40];
	uint64_t sum = 0;
	struct cpuset seen = { { 0 } };
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (n->id != i) {
			add(is, true, n->pos, "node ids must be dense from 0: node %d is missing. QEMU: \"numa: Node ID missing: %d\"", i, i);
			break;
		}
	}
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (!u64_add(sum, n->mem, &sum))
			add(is, true, n->pos, "node memory sizes overflow 64 bits");
		if (n->mem % 4096)
			add(is, false, n->pos, "node %d mem=%s is not a multiple of 4K: the node's last page is partial",
			    n->id, sz(n->mem, a));
		else if (n->mem && n->mem < NODE_MIN_SIZE)
			add(is, false, n->pos, "node %d has %s, less than the 4 MiB NODE_MIN_SIZE older x86 kernels assumed (seed 000)",
			    n->id, sz(n->mem, a));
		if (n->mem && n->mem % BLOCK_SIZE)
			add(is, false, n->pos, "node %d size %s is not a multiple of the 128M memory block: a block is shared with the next node",
			    n->id, sz(n->mem, a));
		if (!n->mem)
			add(is, false, n->pos, "node %d is memoryless", n->id);
		for (int c = 0; c < TOPO_MAX_CPUS; c++) {
			if (!n->cpus.bits[c / 64]) {   /* skip empty words */
				c |= 63;
				continue;
			}
			if (!cpuset_has(&n->cpus, c))
				continue;
			if (c >= t->cpus)
				add(is, true, n->pos, "node %d lists CPU %d but there are %d vCPUs. QEMU: \"CPU index (%d) should be smaller than maxcpus (%d)\"",
				    n->id, c, t->cpus, c, t->cpus);
			else if (cpuset_has(&seen, c))
				add(is, true, n->pos, "CPU %d is in two nodes. QEMU: \"CPU is already assigned to node-id: %d\"", c, first_node_of(t, c, n->id));
			cpuset_add(&seen, c);
		}
		if (n->initiator >= 0 && !topo_node_by_id(t, n->initiator))
			add(is, true, n->pos, "node %d initiator=%d: no such node. QEMU: \"NUMA node %d is missing, use '-numa node' option to declare it first\"",
			    n->id, n->initiator, n->initiator);
		else if (n->initiator >= 0 && cpuset_empty(&topo_node_by_id(t, n->initiator)->cpus))
			add(is, true, n->pos, "node %d initiator=%d has no CPUs. QEMU: \"The initiator of NUMA node %d is invalid\"",
			    n->id, n->initiator, n->id);
	}
	if (t->n_nodes && sum != t->memory)
		add(is, true, t->nodes[0].pos, "the nodes add up to %s but memory is %s. QEMU: \"total memory for NUMA nodes (0x%llx) should equal RAM size (0x%llx)\"",
		    sz(sum, a), sz(t->memory, b), (unsigned long long)sum, (unsigned long long)t->memory);
	if (t->n_nodes > 1 && cpuset_count(&seen) && cpuset_count(&seen) < t->cpus)
		add(is, false, t->nodes[0].pos, "%d vCPUs are in no node: QEMU puts them on node 0 with a warning", t->cpus - cpuset_count(&seen));
	if (t->n_nodes > 1 && t->cpus > 1 && !t->sockets)
		add(is, false, at(t->cpus_pos), "vCPUs spread over nodes without sockets=: the guest prints WARNING in topology_sane (benign)");
}

static void check_distances(const struct topology *t, struct topo_issues *is)
{
	bool generated = t->firmware == FIRMWARE_GENERATED;
	for (int k = 0; k < t->n_distance_lines; k++) {
		const struct topo_distance_line *dl = &t->distance_lines[k];
		int i = dl->from, j = dl->to, d = t->distance[i][j];
		if (i >= t->n_nodes || j >= t->n_nodes) {
			add(is, true, dl->pos, "distance %d %d names a node that does not exist", i, j);
			continue;
		}
		bool bad_local = i == j && d != 10, too_small = i != j && d <= 10, unreachable = i != j && d == 255;
		if (unreachable) {
			add(is, false, dl->pos, "distance %d %d 255: the SLIT says node %d cannot reach node %d", i, j, i, j);
			continue;
		}
		if (!(bad_local || too_small))
			continue;
		if (generated)
			add(is, false, dl->pos, "distance %d %d %d makes an invalid SLIT (kernel: \"SLIT table looks invalid. Not used.\")", i, j, d);
		else if (bad_local)
			add(is, true, dl->pos, "distance %d %d %d: QEMU: \"Local distance of node %d should be 10.\" (use firmware generated for an invalid SLIT)", i, j, d, i);
		else
			add(is, true, dl->pos, "distance %d %d %d: QEMU: \"NUMA distance (%d) is invalid, it shouldn't be less than 10.\" (use firmware generated)", i, j, d, d);
	}
	for (int k = 0; k < t->n_distance_lines; k++) {
		const struct topo_distance_line *dl = &t->distance_lines[k];
		int i = dl->from, j = dl->to;
		if (dl->oneway && i < t->n_nodes && j < t->n_nodes && t->distance[j][i] && t->distance[i][j] != t->distance[j][i])
			add(is, false, dl->pos, "distance %d->%d is %d but %d->%d is %d: an asymmetric SLIT", i, j, t->distance[i][j], j, i, t->distance[j][i]);
	}
}

static void check_hmat(const struct topology *t, struct topo_issues *is)
{
	if (!t->hmat)
		return;
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].initiator < 0)
			add(is, false, t->nodes[i].pos, "node %d has no initiator=: the HMAT has no proximity domain attributes for it", t->nodes[i].id);
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *l = &t->hmat_lb[i];
		const struct topo_node *ini = topo_node_by_id(t, l->initiator);
		if (!ini || !topo_node_by_id(t, l->target))
			add(is, true, l->pos, "hmat-lb names a node that does not exist. QEMU: \"Invalid initiator=%d, it should be less than %d\"", l->initiator, t->n_nodes);
		else if (cpuset_empty(&ini->cpus))
			add(is, true, l->pos, "hmat-lb initiator=%d has no CPUs. QEMU: \"Invalid initiator=%d, it isn't an initiator proximity domain\"", l->initiator, l->initiator);
		if (l->value == 0)
			add(is, false, l->pos, "hmat-lb value=0: QEMU stores it, the kernel reads it as no information");
	}
	for (int i = 0; i < t->n_hmat_cache; i++) {
		const struct topo_hmat_cache *c = &t->hmat_cache[i];
		if (!topo_node_by_id(t, c->node)) {
			add(is, true, c->pos, "hmat-cache node=%d does not exist. QEMU: \"Invalid node-id=%d, it should be less than %d\"", c->node, c->node, t->n_nodes);
			continue;
		}
		bool latency = false, bandwidth = false;
		for (int k = 0; k < t->n_hmat_lb; k++)
			if (t->hmat_lb[k].target == c->node && t->hmat_lb[k].hierarchy == HMAT_MEMORY) {
				latency |= t->hmat_lb[k].type < HMAT_ACCESS_BANDWIDTH;
				bandwidth |= t->hmat_lb[k].type >= HMAT_ACCESS_BANDWIDTH;
			}
		if (!latency || !bandwidth)
			add(is, true, c->pos, "hmat-cache node=%d needs hmat-lb latency and bandwidth lines with target=%d. QEMU: "
			    "\"The latency and bandwidth information of node-id=%d should be provided before memory side cache attributes\"",
			    c->node, c->node, c->node);
	}
}

static void check_hotplug(const struct topology *t, struct topo_issues *is)
{
	char a[40], b[40];
	uint64_t used = 0;
	if (t->slots && t->maxmem < t->memory)
		add(is, true, at(t->hotplug_pos), "maxmem %s is below memory %s. QEMU: \"invalid value of maxmem: maximum memory size (0x%llx) must be at least the initial memory size (0x%llx)\"",
		    sz(t->maxmem, a), sz(t->memory, b), (unsigned long long)t->maxmem, (unsigned long long)t->memory);
	if (t->slots && t->maxmem == t->memory)
		add(is, true, at(t->hotplug_pos), "maxmem %s equals memory: no room to hot-add. QEMU: \"invalid value of maxmem: memory slots were "
		    "specified but maximum memory size (0x%llx) is equal to the initial memory size (0x%llx)\"",
		    sz(t->maxmem, a), (unsigned long long)t->maxmem, (unsigned long long)t->memory);
	if (t->slots && t->maxmem % 4096)
		add(is, true, at(t->hotplug_pos), "maxmem %s is not page aligned. QEMU: \"maximum memory size must be aligned to multiple of 0x1000\"", sz(t->maxmem, a));
	int slots_used = 0;
	for (int i = 0; i < t->n_dimms; i++) {
		const struct topo_dimm *d = &t->dimms[i];
		if (!t->slots)
			add(is, true, d->pos, "%s %s needs hotplug slots. QEMU: \"no slots where allocated, please specify the 'slots' option\"", d->nvdimm ? "nvdimm" : "dimm", d->id);
		if (d->node >= (t->n_nodes ? t->n_nodes : 1))
			add(is, true, d->pos, "%s %s node=%d does not exist. QEMU: \"'DIMM property node has value %d' which exceeds the number of numa nodes: %d\"",
			    d->nvdimm ? "nvdimm" : "dimm", d->id, d->node, d->node, t->n_nodes ? t->n_nodes : 1);
		if (d->size % BLOCK_SIZE)
			add(is, false, d->pos, "%s %s size %s is not a multiple of 128M: the guest refuses it (\"Block size [0x8000000] unaligned hotplug range\")", d->nvdimm ? "nvdimm" : "dimm", d->id, sz(d->size, a));
		used += d->size;
		slots_used++;
	}
	/* Replay the steps: which DIMMs exist at each point. */
	char present[64][TOPO_NAME_MAX];
	int n_present = 0;
	for (int i = 0; i < t->n_dimms && n_present < 64; i++)
		snprintf(present[n_present++], TOPO_NAME_MAX, "%s", t->dimms[i].id);
	for (int i = 0; i < t->n_steps; i++) {
		const struct topo_step *s = &t->steps[i];
		if (s->kind == STEP_HOT_ADD) {
			if (!t->slots)
				add(is, true, s->pos, "hot-add needs \"hotplug slots=N maxmem=SIZE\": without slots QEMU has no device memory to plug a DIMM into");
			if (s->node >= (t->n_nodes ? t->n_nodes : 1))
				add(is, true, s->pos, "hot-add %s node=%d does not exist: QEMU refuses a DIMM node beyond the NUMA nodes", s->arg, s->node);
			for (int k = 0; k < n_present; k++)
				if (!strcmp(present[k], s->arg))
					add(is, true, s->pos, "hot-add %s: that id is already present: QEMU refuses duplicate device ids", s->arg);
			if (s->size % BLOCK_SIZE)
				add(is, false, s->pos, "hot-add %s size %s is not a multiple of 128M: the guest refuses it (\"Block size [0x8000000] unaligned hotplug range\")", s->arg, sz(s->size, a));
			used += s->size;
			slots_used++;
			if (t->slots && (used > t->maxmem - (t->maxmem >= t->memory ? t->memory : t->maxmem)))
				add(is, true, s->pos, "hot-add %s: %s of DIMMs do not fit between memory and maxmem: QEMU refuses the device", s->arg, sz(used, a));
			if (t->slots && slots_used > t->slots)
				add(is, true, s->pos, "hot-add %s: more DIMMs than slots: QEMU refuses the device", s->arg);
			if (n_present < 64)
				snprintf(present[n_present++], TOPO_NAME_MAX, "%s", s->arg);
		} else if (s->kind == STEP_HOT_REMOVE) {
			int found = -1;
			for (int k = 0; k < n_present; k++)
				if (!strcmp(present[k], s->arg))
					found = k;
			if (found < 0)
				add(is, true, s->pos, "hot-remove %s: no DIMM with that id is present at this step", s->arg);
			else {
				memmove(present[found], present[found + 1], (size_t)(n_present - found - 1) * TOPO_NAME_MAX);
				n_present--;
				slots_used--;
			}
		} else if ((s->kind == STEP_OFFLINE_NODE || (s->kind == STEP_OFFLINE && s->node >= 0)) &&
			   s->node >= (t->n_nodes ? t->n_nodes : 1)) {
			add(is, true, s->pos, "offline of node %d: no such node", s->node);
		}
	}
}

/* Replays the CPU steps: which vCPUs are plugged in (QEMU's view) and
 * online (the guest's) at each point. */
static void check_cpu_steps(const struct topology *t, struct topo_issues *is)
{
	bool plugged[TOPO_MAX_CPUS], online[TOPO_MAX_CPUS];
	int unplug_line = 0;
	if (cpuset_has(&t->unplugged, 0))
		add(is, true, at(t->cpus_pos), "cpus unplugged=0: the boot CPU is always present (QEMU: \"Boot CPU is unpluggable\")");
	for (int c = t->cpus; c < TOPO_MAX_CPUS; c++)
		if (cpuset_has(&t->unplugged, c)) {
			add(is, true, at(t->cpus_pos), "cpus unplugged=%d: there are only %d vCPUs", c, t->cpus);
			break;
		}
	bool cpu_steps = false;
	for (int i = 0; i < t->n_steps && !cpu_steps; i++)
		cpu_steps = t->steps[i].kind == STEP_CPU_DOWN || t->steps[i].kind == STEP_CPU_UP ||
			    t->steps[i].kind == STEP_CPU_UNPLUG || t->steps[i].kind == STEP_CPU_PLUG;
	if (!cpu_steps)
		return;
	for (int c = 0; c < TOPO_MAX_CPUS; c++)
		plugged[c] = online[c] = c < t->cpus && !cpuset_has(&t->unplugged, c);
	for (int i = 0; i < t->n_steps; i++) {
		const struct topo_step *s = &t->steps[i];
		if (s->kind != STEP_CPU_DOWN && s->kind != STEP_CPU_UP && s->kind != STEP_CPU_UNPLUG && s->kind != STEP_CPU_PLUG)
			continue;
		const char *what = step_words[s->kind];
		int c = s->cpu;
		if (c >= t->cpus) {
			add(is, true, s->pos, "%s %d: there are only %d vCPUs", what, c, t->cpus);
			continue;
		}
		switch (s->kind) {
		case STEP_CPU_DOWN:
		case STEP_CPU_UP:
			if (!plugged[c])
				add(is, false, s->pos, "%s %d: vCPU %d is unplugged at this step: the guest has no cpu%d (ENOENT)", what, c, c, c);
			else if (s->kind == STEP_CPU_DOWN && c == 0)
				add(is, false, s->pos, "cpu-down 0: x86 usually refuses to offline the boot CPU");
			online[c] = s->kind == STEP_CPU_UP && plugged[c];
			break;
		case STEP_CPU_UNPLUG:
			if (c == 0)
				add(is, true, s->pos, "cpu-unplug 0: QEMU: \"Boot CPU is unpluggable\"");
			else if (!plugged[c])
				add(is, true, s->pos, "cpu-unplug %d: vCPU %d is already unplugged at this step. QEMU: \"Device 'cpu%d' not found\"", c, c, c);
			else if (online[c])
				add(is, false, s->pos, "cpu-unplug %d: vCPU %d is online: the guest's eject handler takes it offline itself (give cpu-down %d first to test the offline path alone)", c, c, c);
			if (c > 0 && c < t->cpus && plugged[c] && !unplug_line)
				add(is, false, s->pos, "cpu-unplug %d: QEMU 7.2 under TCG corrupts its heap when it unplugs a vCPU: it may abort or crash "
				    "later in the run (the run then ends as infra)", c);
			plugged[c] = online[c] = c == 0;
			if (!unplug_line)
				unplug_line = s->pos.line;
			break;
		case STEP_CPU_PLUG: {
			int node = topo_cpu_node(t, c);
			if (plugged[c])
				add(is, true, s->pos, "cpu-plug %d: vCPU %d is present at this step. QEMU: \"Duplicate device ID 'cpu%d'\"", c, c, c);
			else if (unplug_line)
				add(is, true, s->pos, "cpu-plug %d after the cpu-unplug of line %d: QEMU 7.2 under TCG corrupts its heap when it "
				    "unplugs a vCPU and aborts at the next CPU device_add (\"malloc(): unsorted double linked list corrupted\")",
				    c, unplug_line);
			if (s->node >= 0 && node < 0)
				add(is, true, s->pos, "cpu-plug %d node=%d: the topology has no NUMA nodes", c, s->node);
			else if (s->node >= 0 && s->node != node)
				add(is, true, s->pos, "cpu-plug %d node=%d: vCPU %d is on node %d. QEMU: \"invalid node-id, must be %d\"",
				    c, s->node, c, node, node);
			plugged[c] = true;
			online[c] = false;
			break;
		}
		default:
			break;
		}
	}
}

static void check_firmware(const struct topology *t, struct topo_issues *is)
{
	if (t->firmware != FIRMWARE_GENERATED) {
		for (int i = 0; i < TABLE__COUNT; i++)
			if (t->tables[i].present)
				add(is, true, t->tables[i].pos, "a table line needs \"firmware generated\" (QEMU builds its own tables otherwise)");
		if (t->n_srat)
			add(is, true, t->srat[0].pos, "srat lines need \"firmware generated\" (QEMU builds its own SRAT otherwise)");
		return;
	}
	const struct table_spec *srat = &t->tables[TABLE_SRAT];
	int rev = srat->revision >= 0 ? srat->revision : 3;
	for (int i = 0; i < t->n_srat; i++) {
		const struct srat_entry *e = &t->srat[i];
		uint64_t end;
		if (e->kind == SRAT_MEMORY && e->pxm > 255 && rev <= 1)
			add(is, false, e->pos, "pxm=%u in a revision %d SRAT: the kernel masks memory PXMs to 8 bits (%u)", e->pxm, rev, e->pxm & 0xff);
		if (e->kind == SRAT_MEMORY && e->length == 0)
			add(is, false, e->pos, "zero-length memory affinity entry");
		if (e->kind == SRAT_MEMORY && e->length && !u64_add(e->base, e->length, &end))
			add(is, false, e->pos, "memory affinity entry wraps past the end of the address space");
		if (e->kind == SRAT_RAW && e->raw_length < 2)
			add(is, true, e->pos, "srat raw length=%u: a subtable needs at least its 2-byte type and length header", e->raw_length);
	}
	for (int i = 0; i < TABLE__COUNT; i++) {
		const struct table_faults *f = &t->tables[i].faults;
		if (f->bad_checksum || f->has_checksum || f->length_delta || f->truncate)
			add(is, false, t->tables[i].pos, "the table is damaged on purpose: the kernel should reject it");
	}
}

static void check_cmdline(const struct topology *t, struct topo_issues *is)
{
	int after_exactmap = -1;          /* memmap entries since the last exactmap */
	struct topo_pos exactmap_pos = top;
	for (int i = 0; i < t->n_cmdline; i++) {
		const struct topo_cmdline *c = &t->cmdline[i];
		if (c->kind != CMD_MEMMAP)
			continue;
		for (int k = 0; k < c->n_memmap; k++) {
			const struct memmap_entry *e = &c->memmap[k];
			if (e->kind == MEMMAP_EXACTMAP) {
				after_exactmap = 0;
				exactmap_pos = c->pos;
			} else if (after_exactmap >= 0 && e->kind != MEMMAP_LIMIT) {
				after_exactmap++;
			}
			if ((e->kind == MEMMAP_PRAM || e->kind == MEMMAP_RESERVED) && (e->start % BLOCK_SIZE || e->size % BLOCK_SIZE))
				add(is, false, c->pos, "%s carves a range that is not 128M-aligned: a memory block is shared with RAM (seed 003)", c->text);
		}
	}
	if (after_exactmap >= 0 && after_exactmap < 2)
		add(is, false, exactmap_pos, "memmap=exactmap with %d entr%s: the kernel refuses a map of fewer than 2 entries "
		    "(\"Kernel panic - not syncing: Invalid user supplied memory map\") before panic= is parsed, and spins",
		    after_exactmap, after_exactmap == 1 ? "y" : "ies");
	else if (after_exactmap >= 0)
		add(is, false, exactmap_pos, "memmap=exactmap replaces the firmware map: the kernel sees only the entries given");
}

/* Where QEMU puts the memory (topo_address.c): what it cannot place is an error. */
static void check_address_space(const struct topology *t, struct topo_issues *is)
{
	struct topo_address_map m;
	struct topo_issue why;
	if (t->memory && topo_address_map(t, &m, &why) != 0)
		add(is, true, why.pos, "%s", why.msg);
}

static void validate(const struct topology *t, struct topo_issues *out)
{
	check_machine(t, out);
	check_address_space(t, out);
	check_nodes(t, out);
	check_distances(t, out);
	check_hmat(t, out);
	check_hotplug(t, out);
	check_cpu_steps(t, out);
	check_firmware(t, out);
	check_cmdline(t, out);
}

void topo_validate(const struct topology *t, struct topo_issues *out)
{
	memset(out, 0, sizeof *out);
	validate(t, out);
}

int topo_validate_errors(const struct topology *t)
{
	struct topo_issues is = { .count_only = true };
	validate(t, &is);
	return is.n_errors;
}

void topo_issues_free(struct topo_issues *is)
{
	free(is->v);
	memset(is, 0, sizeof *is);
}
