/* acpi-gen/srat.c: the SRAT (System Resource Affinity Table): the entries
 * QEMU 7.2 derives from the nodes, and the encoder that writes entries as
 * little-endian bytes field by field (ACPI 6.3 5.2.16). */
#include "acpi-gen/acpi_gen.h"
#include "acpi-gen/layout.h"
#include "common/size.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRAT_BODY_HEADER 12   /* "table revision" (1) + 8 reserved bytes */

static const char *const kind_names[] = { "cpu", "memory", "x2apic", "generic-initiator", "raw" };

static struct srat_entry *push(struct srat_entry **v, int *n)
{
	*v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
	struct srat_entry *e = &(*v)[(*n)++];
	memset(e, 0, sizeof *e);
	e->count = 1;
	return e;
}

/* QEMU's APIC id of CPU index i (x86_topo_ids_from_idx with dies = threads = 1):
 * the socket number sits above enough bits to count the cores. */
static uint32_t apic_id_of(const struct topology *t, int i)
{
	int socket, core, cores = topo_cores_per_socket(t), bits = 0;
	while ((1 << bits) < cores)
		bits++;
	topo_cpu_location(t, i, &socket, &core);
	return (uint32_t)socket << bits | (uint32_t)core;
}

static void add_memory(struct srat_entry **v, int *n, uint64_t base, uint64_t len, int pxm, uint32_t flags)
{
	struct srat_entry *e = push(v, n);
	e->kind = SRAT_MEMORY;
	e->base = base;
	e->length = len;
	e->pxm = (uint32_t)pxm;
	e->flags = flags;
}

int srat_entries_derive(const struct topology *t, struct srat_entry **out, int *n, char **err)
{
	struct layout l;
	char *lerr = NULL;
	*out = NULL;
	*n = 0;
	if (layout_compute(t, &l, &lerr) != 0) {
		*err = xasprintf("cannot lay the memory out: %s", lerr ? lerr : "?");
		free(lerr);
		return -1;
	}
	int cpus = t->cpus > 0 ? t->cpus : 1;
	for (int i = 0; i < cpus; i++) {
		struct srat_entry *e = push(out, n);
		e->apic_id = apic_id_of(t, i);
		/* QEMU switches to x2APIC entries for APIC ids that do not fit 8 bits. */
		e->kind = e->apic_id < 255 ? SRAT_CPU : SRAT_X2APIC;
		int node = topo_cpu_node(t, i);
		e->pxm = node < 0 ? 0 : (uint32_t)node;   /* no nodes: node 0 */
		e->flags = SRAT_ENABLED;
	}
	int n_mem = 0;
	for (int i = 0; i < l.n_node_ranges; i++, n_mem++) {
		const struct mem_range *r = &l.node_ranges[i];
		add_memory(out, n, r->start, r->end - r->start, r->node < 0 ? 0 : r->node,
			   SRAT_ENABLED | (r->hotplug ? SRAT_HOTPLUG : 0));
	}
	/* QEMU keeps "dummy" zero entries for some ancient guest: at least
	 * n_nodes + 2 memory entries before the hotplug window. */
	for (; n_mem < t->n_nodes + 2; n_mem++)
		add_memory(out, n, 0, 0, 0, 0);
	if (l.has_hotplug_window)
		add_memory(out, n, l.hotplug_window.start,
			   l.hotplug_window.end - l.hotplug_window.start,
			   t->n_nodes > 0 ? t->n_nodes - 1 : 0, SRAT_ENABLED | SRAT_HOTPLUG);
	layout_free(&l);
	return 0;
}

int srat_default_revision(const struct srat_entry *e, int n)
{
	for (int i = 0; i < n; i++)
		if (e[i].pxm > 255 && e[i].kind != SRAT_RAW)
			return 3;
	return 1;
}

static uint32_t entry_size(const struct srat_entry *e)
{
	switch (e->kind) {
	case SRAT_CPU: return 16;
	case SRAT_MEMORY: return 40;
	case SRAT_X2APIC: return 24;
	case SRAT_GENERIC_INITIATOR: return 32;
	case SRAT_RAW: return e->raw_length;
	}
	return 0;
}

static char *entry_error(const char *file, const struct srat_entry *e, const char *fmt, const char *why)
{
	char *msg = xasprintf(fmt, why);
	char *s = xasprintf("%s:%d: srat %s: %s", file ? file : "<topology>", e->pos.line,
			    (unsigned)e->kind < 5 ? kind_names[e->kind] : "?", msg);
	free(msg);
	return s;
}

/* Checks what cannot be encoded and adds up the length, overflow-checked. */
static int check_entries(const struct srat_entry *v, int n, const char *file, uint64_t *total, char **err)
{
	uint64_t len = ACPI_HEADER_LEN + SRAT_BODY_HEADER;
	for (int i = 0; i < n; i++) {
		const struct srat_entry *e = &v[i];
		uint64_t count = e->count ? e->count : 1, bytes;
		if (e->kind == SRAT_RAW && e->raw_length < 2) {
			*err = entry_error(file, e, "%s", "a subtable length below 2 cannot hold its own type and length bytes");
			return -1;
		}
		if (e->kind == SRAT_CPU) {
			uint64_t last = (uint64_t)e->apic_id + count - 1;
			if (last > 255) {
				char why[160];
				snprintf(why, sizeof why, "APIC id %llu does not fit the 8-bit field of a local APIC entry (use srat x2apic)",
					 (unsigned long long)last);
				*err = entry_error(file, e, "%s", why);
				return -1;
			}
		}
		if (e->kind == SRAT_X2APIC && (uint64_t)e->apic_id + count - 1 > UINT32_MAX) {
			*err = entry_error(file, e, "%s", "count makes the x2APIC id pass 2^32");
			return -1;
		}
		if (e->kind == SRAT_MEMORY && count > 1) {
			uint64_t span, end;
			if (!u64_mul(e->length, count - 1, &span) || !u64_add(e->base, span, &end)) {
				*err = entry_error(file, e, "%s", "count makes the base address pass 2^64 (bases advance by length)");
				return -1;
			}
		}
		if (!u64_mul(entry_size(e), count, &bytes) || !u64_add(len, bytes, &len) || len > UINT32_MAX) {
			*err = entry_error(file, e, "%s", "count makes the SRAT longer than the 4 GiB its 32-bit length field can say");
			return -1;
		}
		if (len > ACPI_TABLE_MAX) {
			char why[160];
			snprintf(why, sizeof why, "the SRAT would reach %llu bytes, over the %u MiB limit for one table",
				 (unsigned long long)len, ACPI_TABLE_MAX >> 20);
			*err = entry_error(file, e, "%s", why);
			return -1;
		}
	}
	*total = len;
	return 0;
}

static void put_entry(struct buf *b, const struct srat_entry *e, uint64_t k)
{
	switch (e->kind) {
	case SRAT_CPU:
		acpi_put_u8(b, 0);
		acpi_put_u8(b, 16);
		acpi_put_u8(b, (uint8_t)e->pxm);              /* proximity domain [7:0] */
		acpi_put_u8(b, (uint8_t)(e->apic_id + k));
		acpi_put_u32(b, e->flags & SRAT_ENABLED);
		acpi_put_u8(b, 0);                            /* local SAPIC EID */
		acpi_put_u24(b, e->pxm >> 8);                 /* proximity domain [31:8] */
		acpi_put_u32(b, 0);                           /* clock domain */
		break;
	case SRAT_MEMORY:
		acpi_put_u8(b, 1);
		acpi_put_u8(b, 40);
		acpi_put_u32(b, e->pxm);
		acpi_put_u16(b, 0);
		acpi_put_u64(b, e->base + k * e->length);
		acpi_put_u64(b, e->length);
		acpi_put_u32(b, 0);
		acpi_put_u32(b, e->flags);
		acpi_put_u64(b, 0);
		break;
	case SRAT_X2APIC:
		acpi_put_u8(b, 2);
		acpi_put_u8(b, 24);
		acpi_put_u16(b, 0);
		acpi_put_u32(b, e->pxm);
		acpi_put_u32(b, (uint32_t)(e->apic_id + k));
		acpi_put_u32(b, e->flags & SRAT_ENABLED);
		acpi_put_u32(b, 0);                           /* clock domain */
		acpi_put_u32(b, 0);
		break;
	case SRAT_GENERIC_INITIATOR:
		acpi_put_u8(b, 5);
		acpi_put_u8(b, 32);
		acpi_put_u8(b, 0);
		acpi_put_u8(b, 0);                            /* device handle type: ACPI */
		acpi_put_u32(b, e->pxm);
		buf_add(b, e->device_handle, 16);
		acpi_put_u32(b, e->flags & SRAT_ENABLED);
		acpi_put_u32(b, 0);
		break;
	case SRAT_RAW:
		acpi_put_u8(b, e->raw_type);
		acpi_put_u8(b, e->raw_length);
		acpi_put_zeros(b, e->raw_length - 2u);
		break;
	}
}

int srat_encode(const struct acpi_header *h, const struct srat_entry *v, int n,
		const char *file, struct buf *out, char **err)
{
	uint64_t total;
	if (check_entries(v, n, file, &total, err))
		return -1;
	buf_reset(out);
	acpi_header_put(out, h);
	acpi_put_u32(out, 1);          /* "Table Revision": reserved, must be 1 */
	acpi_put_u64(out, 0);
	for (int i = 0; i < n; i++) {
		uint64_t count = v[i].count ? v[i].count : 1;
		for (uint64_t k = 0; k < count; k++)
			put_entry(out, &v[i], k);
	}
	acpi_table_seal(out);
	return 0;
}
