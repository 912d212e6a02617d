/* acpi-gen/layout.c: predicts the guest's physical layout from a topology,
 * mirroring QEMU 7.2 (pc_piix/pc_q35 RAM split, build_srat's hole cutting,
 * the device-memory window) and SeaBIOS 1.16 (its e820 reservations, as
 * measured on these machines), then applying memmap=/mem= as the kernel does. */
#include "acpi-gen/layout.h"
#include "acpi-gen/acpi_gen.h"
#include "common/buf.h"
#include "common/size.h"
#include "topologies/topo_address.h"
#include <stdlib.h>
#include <string.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define HOLE_640K_START (640 * KiB)
#define HOLE_640K_END (1 * MiB)
#define AMD_HT_START QEMU_AMD_HT_START  /* qemu64 is an AMD CPU: QEMU reserves the HT hole */
#define AMD_HT_END QEMU_AMD_ABOVE_1TB

static void push(struct mem_range **v, int *n, struct mem_range r)
{
	if (r.end <= r.start)
		return;
	*v = xgrow(*v, (size_t)*n, sizeof **v);
	(*v)[(*n)++] = r;
}

/* A layout that cannot exist: "LINE:COL: message" for the caller to put
 * after the file name. */
static int layout_error(char **err, struct topo_pos pos, const char *msg)
{
	if (err)
		*err = xasprintf("%d:%d: %s", pos.line ? pos.line : 1, pos.line ? pos.col : 1, msg);
	return -1;
}

/* hw/i386/acpi-build.c build_srat(): node memory laid from 0 in node order,
 * the 640K-1M hole and the below-4G gap cut out; what lies above the gap
 * starts at the (possibly relocated) start of RAM above 4G. */
static int node_ranges(const struct topology *t, const struct topo_address_map *am, struct layout *l, char **err)
{
	uint64_t next = 0;
	for (int i = 0; i < t->n_nodes; i++) {
		int node = t->nodes[i].id;
		uint64_t base = next, len = t->nodes[i].mem;
		if (!u64_add(base, len, &next))
			return layout_error(err, t->nodes[i].pos, "the node memory sizes add up past 2^64: the node's addresses would wrap");
		if (base <= HOLE_640K_START && next > HOLE_640K_START) {
			push(&l->node_ranges, &l->n_node_ranges,
			     (struct mem_range){ base, HOLE_640K_START, node, E820_RAM, false });
			if (next <= HOLE_640K_END) {
				next = HOLE_640K_END;
				continue;
			}
			base = HOLE_640K_END;
			len = next - HOLE_640K_END;
		}
		if (base <= l->below_4g && next > l->below_4g) {
			push(&l->node_ranges, &l->n_node_ranges,
			     (struct mem_range){ base, l->below_4g, node, E820_RAM, false });
			base = am->above_4g_start;
			len = next - l->below_4g;
			if (!u64_add(base, len, &next))
				return layout_error(err, t->nodes[i].pos, "the node's memory above 4G would wrap past 2^64");
		}
		push(&l->node_ranges, &l->n_node_ranges, (struct mem_range){ base, base + len, node, E820_RAM, false });
	}
	return 0;
}

/* Does the kernel take our SRAT instead of QEMU's? Only an undamaged table
 * given entry by entry that overrides QEMU's, or is installed where QEMU
 * built none (the kernel uses the first SRAT it finds). */
static bool kernel_takes_generated_srat(const struct topology *t)
{
	const struct table_spec *ts = &t->tables[TABLE_SRAT];
	const struct table_faults *f = &ts->faults;
	if (t->firmware != FIRMWARE_GENERATED || !t->n_srat || ts->omit)
		return false;
	if (f->bad_checksum || f->has_checksum || f->length_delta || f->truncate)
		return false;
	return acpi_effective_mode(t, TABLE_SRAT) == TABLE_OVERRIDE || !acpi_qemu_builds(t, TABLE_SRAT);
}

/* drivers/acpi/numa/srat.c acpi_numa_init(): enabled CPU, x2APIC and
 * generic-initiator entries map their PXMs to node ids first (in table
 * order), then enabled memory entries (PXM masked to 8 bits in a revision
 * <= 1 table); a zero-length range adds nothing. */
static void generated_node_ranges(const struct topology *t, struct layout *l)
{
	uint32_t pxm_of_node[TOPO_MAX_NODES * 8];
	int n_map = 0;
	int rev = t->tables[TABLE_SRAT].revision >= 0 ? t->tables[TABLE_SRAT].revision
						       : srat_default_revision(t->srat, t->n_srat);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < t->n_srat; i++) {
			const struct srat_entry *e = &t->srat[i];
			bool memory = e->kind == SRAT_MEMORY;
			if ((pass == 0) == memory || e->kind == SRAT_RAW || !(e->flags & SRAT_ENABLED))
				continue;
			uint32_t pxm = e->pxm;
			if ((memory || e->kind == SRAT_CPU) && rev <= 1)
				pxm &= 0xff;
			int node = -1;
			for (int k = 0; k < n_map; k++)
				if (pxm_of_node[k] == pxm)
					node = k;
			if (node < 0 && n_map < (int)(sizeof pxm_of_node / sizeof pxm_of_node[0])) {
				pxm_of_node[n_map] = pxm;
				node = n_map++;
			}
			if (!memory || !e->length)
				continue;
			/* numa_add_memblk(): an entry whose end wraps below its
			 * start is an "invalid memblk" the kernel ignores, and so
			 * is every repeat after it. */
			uint64_t base = e->base, end;
			for (uint32_t c = 0; c < e->count && u64_add(base, e->length, &end); c++) {
				push(&l->node_ranges, &l->n_node_ranges, (struct mem_range){ base, end, node, E820_RAM,
											  (e->flags & SRAT_HOTPLUG) != 0 });
				base = end;
			}
		}
	l->generated_srat = true;
	l->n_kernel_nodes = n_map;
	l->kernel_node_pxm = xmalloc(sizeof *l->kernel_node_pxm * (size_t)(n_map ? n_map : 1));
	memcpy(l->kernel_node_pxm, pxm_of_node, sizeof *pxm_of_node * (size_t)n_map);
}

/* pc_memory_init(): device memory starts at the first GiB boundary above
 * RAM-above-4G, sized maxmem - ram plus 1 GiB of alignment per slot
 * (computed, overflow-checked, in topo_address.c). */
static void hotplug_window(const struct topology *t, const struct topo_address_map *am, struct layout *l)
{
	if (!am->has_device_memory)
		return;
	int last = t->n_nodes ? t->nodes[t->n_nodes - 1].id : 0;
	l->has_hotplug_window = true;
	l->hotplug_window = (struct mem_range){ am->device_base, am->device_base + am->device_size, last, E820_RAM, true };
}

/* SeaBIOS's map: EBDA at 0x9fc00, the BIOS at 0xf0000, its own high zone
 * at the top of low RAM (128K on pc, 132K on q35 as measured; it grows with
 * the ACPI tables), q35's MMCONFIG and RCRB windows, the BIOS ROM, RAM
 * above 4G, and QEMU's AMD HyperTransport hole. */
static void bios_e820(const struct topology *t, const struct topo_address_map *am, uint64_t reserve, struct layout *l)
{
	struct e820_map m = { 0 };
	uint64_t low = l->below_4g;
	uint64_t high_zone = reserve ? reserve : t->machine == MACHINE_Q35 ? 0x21000 : 0x20000;
	if (low > 0x9fc00) {
		e820_add(&m, 0, 0x9fc00, E820_RAM);
		e820_add(&m, 0x9fc00, 0x400, E820_RESERVED);
	} else {
		e820_add(&m, 0, low, E820_RAM);
	}
	e820_add(&m, 0xf0000, 0x10000, E820_RESERVED);
	if (low > HOLE_640K_END + high_zone) {
		e820_add(&m, HOLE_640K_END, low - HOLE_640K_END - high_zone, E820_RAM);
		e820_add(&m, low - high_zone, high_zone, E820_RESERVED);
	}
	if (t->machine == MACHINE_Q35) {
		e820_add(&m, 0xb0000000ULL, 0x10000000ULL, E820_RESERVED);
		e820_add(&m, 0xfed1c000ULL, 0x4000, E820_RESERVED);
	}
	e820_add(&m, 0xfffc0000ULL, 0x40000, E820_RESERVED);
	if (l->above_4g)
		e820_add(&m, am->above_4g_start, l->above_4g, E820_RAM);
	e820_add(&m, AMD_HT_START, AMD_HT_END - AMD_HT_START, E820_RESERVED);
	e820_sanitize(&m);
	l->e820 = m.v;
	l->n_e820 = m.n;
	l->low_top_slack = 64 * KiB;
}

/* arch/x86/kernel/e820.c: memmap= entries and mem= in command-line order. */
static void user_e820(const struct topology *t, struct layout *l)
{
	struct e820_map m = { 0 };
	bool userdef = false;
	for (int i = 0; i < l->n_e820; i++)
		e820_add(&m, l->e820[i].start, l->e820[i].end - l->e820[i].start, l->e820[i].type);
	for (int i = 0; i < t->n_cmdline; i++) {
		const struct topo_cmdline *c = &t->cmdline[i];
		if (c->kind == CMD_MEM && c->size) {
			e820_remove(&m, c->size, UINT64_MAX - c->size, E820_RAM, true);
			userdef = true;
		}
		for (int k = 0; c->kind == CMD_MEMMAP && k < c->n_memmap; k++) {
			const struct memmap_entry *e = &c->memmap[k];
			userdef = true;
			switch (e->kind) {
			case MEMMAP_EXACTMAP: m.n = 0; break;
			case MEMMAP_LIMIT: e820_remove(&m, e->size, UINT64_MAX - e->size, E820_RAM, true); break;
			case MEMMAP_RAM: e820_add(&m, e->start, e->size, E820_RAM); break;
			case MEMMAP_ACPI: e820_add(&m, e->start, e->size, E820_ACPI); break;
			case MEMMAP_RESERVED: e820_add(&m, e->start, e->size, E820_RESERVED); break;
			case MEMMAP_PRAM: e820_add(&m, e->start, e->size, E820_PRAM); break;
			case MEMMAP_RETYPE:
				if (e->old_type && e->new_type)
					e820_update(&m, e->start, e->size, (uint32_t)e->old_type, (uint32_t)e->new_type);
				else if (e->new_type)
					e820_add(&m, e->start, e->size, (uint32_t)e->new_type);
				else
					e820_remove(&m, e->start, e->size, (uint32_t)e->old_type, e->old_type != 0);
				break;
			}
		}
	}
	if (userdef) {
		bool too_few = m.n < 2;   /* checked on the raw table, before sanitising */
		e820_sanitize(&m);
		l->user_e820 = m.v;
		l->n_user = m.n;
		l->user_map_refused = too_few;
	} else {
		free(m.v);
	}
}

/* free_area_init(): usable RAM, trimmed to whole pages, without page 0,
 * split at node boundaries. With no nodes everything is node 0. */
static void early_ranges(const struct topology *t, struct layout *l)
{
	const struct mem_range *map = l->n_user ? l->user_e820 : l->e820;
	int n = l->n_user ? l->n_user : l->n_e820;
	for (int i = 0; i < n; i++) {
		if (map[i].type != E820_RAM)
			continue;
		uint64_t s, e = map[i].end & ~4095ULL;
		if (!u64_add(map[i].start, 4095, &s))
			continue;    /* starts in the last page: no whole page */
		s &= ~4095ULL;
		if (s < 4096)
			s = 4096;
		if (e <= s)
			continue;
		if (!t->n_nodes) {
			push(&l->early, &l->n_early, (struct mem_range){ s, e, 0, E820_RAM, false });
			continue;
		}
		uint64_t at = s;
		while (at < e) {
			/* The node range holding `at`, or the next one to start after it. */
			int node = -1;
			uint64_t stop = e;
			for (int k = 0; k < l->n_node_ranges; k++) {
				const struct mem_range *r = &l->node_ranges[k];
				if (r->start <= at && at < r->end) {
					node = r->node;
					stop = r->end < e ? r->end : e;
					break;
				}
				if (r->start > at && r->start < stop)
					stop = r->start;
			}
			push(&l->early, &l->n_early, (struct mem_range){ at, stop, node, E820_RAM, false });
			at = stop;
		}
	}
	/* Adjacent pieces of one node print as one line in the kernel. */
	for (int i = 1; i < l->n_early; i++)
		if (l->early[i - 1].end == l->early[i].start && l->early[i - 1].node == l->early[i].node) {
			l->early[i - 1].end = l->early[i].end;
			memmove(&l->early[i], &l->early[i + 1], sizeof *l->early * (size_t)(l->n_early - i - 1));
			l->n_early--;
			i--;
		}
}

int layout_compute(const struct topology *t, struct layout *out, char **err)
{
	return layout_compute_with(t, 0, out, err);
}

int layout_compute_with(const struct topology *t, uint64_t seabios_reserve, struct layout *out, char **err)
{
	memset(out, 0, sizeof *out);
	if (t->memory == 0)
		return layout_error(err, t->memory_pos, "the topology has no memory");
	struct topo_address_map am;
	struct topo_issue why;
	if (topo_address_map(t, &am, &why) != 0)
		return layout_error(err, why.pos, why.msg);
	out->below_4g = am.below_4g;
	out->above_4g = am.above_4g;
	if (kernel_takes_generated_srat(t))
		generated_node_ranges(t, out);
	else if (node_ranges(t, &am, out, err) != 0) {
		layout_free(out);
		return -1;
	}
	hotplug_window(t, &am, out);
	bios_e820(t, &am, seabios_reserve, out);
	user_e820(t, out);
	early_ranges(t, out);
	return 0;
}

void layout_free(struct layout *l)
{
	free(l->node_ranges);
	free(l->kernel_node_pxm);
	free(l->e820);
	free(l->user_e820);
	free(l->early);
	memset(l, 0, sizeof *l);
}
