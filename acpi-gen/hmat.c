/* acpi-gen/hmat.c: the HMAT (Heterogeneous Memory Attribute Table, ACPI 6.3
 * 5.2.27, revision 2), laid out as QEMU 7.2's hw/acpi/hmat.c does it: one
 * memory proximity domain attributes structure per node, one latency/
 * bandwidth structure per (hierarchy, data type) that has hmat-lb lines
 * (every initiator x every node, entries compressed by an entry base unit),
 * then the memory side cache structures node by node. */
#include "acpi-gen/acpi_gen.h"
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)
#define HMAT_NO_INITIATOR 128      /* QEMU writes MAX_NODES when there is none */

static void put_mpda(struct buf *b, uint16_t flags, uint32_t initiator, uint32_t memory)
{
	acpi_put_u16(b, 0);            /* type */
	acpi_put_u16(b, 0);
	acpi_put_u32(b, 40);
	acpi_put_u16(b, flags);
	acpi_put_u16(b, 0);
	acpi_put_u32(b, initiator);
	acpi_put_u32(b, memory);
	acpi_put_u32(b, 0);
	acpi_put_u64(b, 0);            /* deprecated since 6.3: address range */
	acpi_put_u64(b, 0);
}

static bool is_latency(enum hmat_data_type d)
{
	return d <= HMAT_WRITE_LATENCY;
}

static char *lb_error(const char *file, const struct topo_hmat_lb *lb, const char *why)
{
	return xasprintf("%s:%d: hmat-lb initiator=%d target=%d: %s", file ? file : "<topology>",
			 lb->pos.line, lb->initiator, lb->target, why);
}

/* Initiators: the nodes with CPUs (QEMU's list) plus any node an hmat-lb line
 * names as initiator, in id order. */
static int initiator_list(const struct topology *t, int *list)
{
	int n = 0;
	for (int id = 0; id < t->n_nodes && id < TOPO_MAX_NODES; id++) {
		bool use = !cpuset_empty(&t->nodes[id].cpus);
		for (int i = 0; i < t->n_hmat_lb && !use; i++)
			use = t->hmat_lb[i].initiator == id;
		if (use)
			list[n++] = id;
	}
	return n;
}

static int index_of(const int *list, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (list[i] == v)
			return i;
	return -1;
}

static int put_lb(struct buf *b, const struct topology *t, int hier, int type,
		  const int *inits, int n_init, const char *file, char **err)
{
	int n_tgt = t->n_nodes;
	/* Entry base unit, as QEMU 7.2's numa.c picks it: for latency the largest
	 * power of ten dividing every value (ns), for bandwidth the lowest set bit
	 * of all values OR-ed together (bytes/s, written in MiB/s). */
	uint64_t base = 0, bits = 0;
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *lb = &t->hmat_lb[i];
		if ((int)lb->hierarchy != hier || (int)lb->type != type)
			continue;
		if (lb->initiator < 0 || lb->initiator >= t->n_nodes || lb->target < 0 || lb->target >= t->n_nodes) {
			*err = lb_error(file, lb, "initiator and target must be node ids");
			return -1;
		}
		if (!is_latency(lb->type)) {
			bits |= lb->value;
			continue;
		}
		uint64_t v = lb->value, p = 1;
		while (v && v % (p * 10) == 0 && p < 1000000000000ull)
			p *= 10;
		if (v && (!base || p < base))
			base = p;
	}
	if (bits) {
		base = bits & -bits;
		if (base < MIB) {
			*err = xasprintf("%s: hmat-lb %s bandwidths need a common granularity of at least 1M (the HMAT counts MB/s)",
					 file ? file : "<topology>", hier == 0 ? "memory" : "cache");
			return -1;
		}
	}
	if (!base)
		base = 1;
	uint16_t *entries = xcalloc((size_t)n_init * (size_t)n_tgt + 1, sizeof *entries);
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *lb = &t->hmat_lb[i];
		if ((int)lb->hierarchy != hier || (int)lb->type != type)
			continue;
		uint64_t e = lb->value / base;
		if (e > 0xffff) {
			free(entries);
			*err = lb_error(file, lb, "the value is too large for a 16-bit entry of this structure's base unit (values of one type must be within a factor 65535 of the structure's base unit)");
			return -1;
		}
		entries[index_of(inits, n_init, lb->initiator) * n_tgt + lb->target] = (uint16_t)e;
	}
	uint32_t len = 32 + 4 * (uint32_t)n_init + 4 * (uint32_t)n_tgt + 2 * (uint32_t)n_init * (uint32_t)n_tgt;
	acpi_put_u16(b, 1);
	acpi_put_u16(b, 0);
	acpi_put_u32(b, len);
	acpi_put_u8(b, (uint8_t)hier);          /* flags: memory hierarchy */
	acpi_put_u8(b, (uint8_t)type);
	acpi_put_u16(b, 0);
	acpi_put_u32(b, (uint32_t)n_init);
	acpi_put_u32(b, (uint32_t)n_tgt);
	acpi_put_u32(b, 0);
	/* Latency base in picoseconds, bandwidth base in MB/s (MiB/s for QEMU). */
	acpi_put_u64(b, is_latency((enum hmat_data_type)type) ? base * 1000 : base / MIB);
	for (int i = 0; i < n_init; i++)
		acpi_put_u32(b, (uint32_t)inits[i]);
	for (int i = 0; i < n_tgt; i++)
		acpi_put_u32(b, (uint32_t)i);
	for (int i = 0; i < n_init * n_tgt; i++)
		acpi_put_u16(b, entries[i]);
	free(entries);
	return 0;
}

static int put_caches(struct buf *b, const struct topology *t, const char *file, char **err)
{
	for (int node = 0; node < t->n_nodes; node++) {
		int levels = 0;
		for (int i = 0; i < t->n_hmat_cache; i++)
			levels += t->hmat_cache[i].node == node;
		for (int level = 1; level <= 3; level++)
			for (int i = 0; i < t->n_hmat_cache; i++) {
				const struct topo_hmat_cache *c = &t->hmat_cache[i];
				if (c->node != node || c->level != level)
					continue;
				if (c->line > 0xffff) {
					*err = xasprintf("%s:%d: hmat-cache node=%d: line=%u does not fit the 16-bit cache line size field",
							 file ? file : "<topology>", c->pos.line, c->node, c->line);
					return -1;
				}
				uint32_t attr = (uint32_t)levels | (uint32_t)c->level << 4 |
						(uint32_t)c->assoc << 8 | (uint32_t)c->policy << 12 | c->line << 16;
				acpi_put_u16(b, 2);
				acpi_put_u16(b, 0);
				acpi_put_u32(b, 32);
				acpi_put_u32(b, (uint32_t)c->node);
				acpi_put_u32(b, 0);
				acpi_put_u64(b, c->size);
				acpi_put_u32(b, attr);
				acpi_put_u16(b, 0);
				acpi_put_u16(b, 0);    /* no SMBIOS handles */
			}
	}
	return 0;
}

int hmat_encode(const struct acpi_header *h, const struct topology *t, const char *file,
		struct buf *out, char **err)
{
	int inits[TOPO_MAX_NODES];
	buf_reset(out);
	acpi_header_put(out, h);
	acpi_put_u32(out, 0);
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *nd = &t->nodes[i];
		/* QEMU: a node with CPUs is its own initiator. */
		int init = nd->initiator >= 0 ? nd->initiator : !cpuset_empty(&nd->cpus) ? nd->id : -1;
		put_mpda(out, init >= 0 ? 1 : 0, init >= 0 ? (uint32_t)init : HMAT_NO_INITIATOR, (uint32_t)nd->id);
	}
	int n_init = initiator_list(t, inits);
	for (int hier = HMAT_MEMORY; hier <= HMAT_THIRD_LEVEL; hier++)
		for (int type = HMAT_ACCESS_LATENCY; type <= HMAT_WRITE_BANDWIDTH; type++) {
			bool any = false;
			for (int i = 0; i < t->n_hmat_lb && !any; i++)
				any = (int)t->hmat_lb[i].hierarchy == hier && (int)t->hmat_lb[i].type == type;
			if (any && put_lb(out, t, hier, type, inits, n_init, file, err))
				return -1;
		}
	if (put_caches(out, t, file, err))
		return -1;
	acpi_table_seal(out);
	return 0;
}
