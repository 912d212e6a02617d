/* topologies/topo_address.c: QEMU 7.2's guest-physical address plan for a
 * topology (hw/i386/pc.c pc_memory_init, pc_get_device_memory_range,
 * pc_pci_hole64_start, pc_max_used_gpa; pc_piix.c / pc_q35.c for the RAM
 * split), every sum overflow-checked. qemu64 is an AMD CPU and TCG gives it
 * 40 physical address bits, so a plan that reaches the HyperTransport hole
 * is relocated to 1 TiB and then always exceeds 2^40: QEMU refuses it with
 * "phys-bits too low (40)". Both outcomes were checked against
 * qemu-system-x86_64 7.2 on these machines. */
#include "topologies/topo_address.h"
#include "common/size.h"
#include <stdio.h>
#include <string.h>

#define GiB (1ULL << 30)
#define PC_HOLE64_SIZE (1ULL << 31)    /* I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT */
#define Q35_HOLE64_SIZE (1ULL << 35)   /* Q35_PCI_HOST_HOLE64_SIZE_DEFAULT */

static const struct topo_pos line_one = { 1, 1 };

static struct topo_pos where(struct topo_pos p)
{
	return p.line ? p : line_one;
}

static int refuse(struct topo_issue *why, struct topo_pos pos, const char *msg)
{
	if (why) {
		why->error = true;
		why->pos = where(pos);
		snprintf(why->msg, sizeof why->msg, "%s", msg);
	}
	return -1;
}

static bool round_up_gib(uint64_t v, uint64_t *out)
{
	if (!u64_add(v, GiB - 1, out))
		return false;
	*out &= ~(GiB - 1);
	return true;
}

/* pc_pci_hole64_start() + hole64 size - 1, for RAM above 4G starting at
 * `start`; false when an address would wrap. */
static bool max_used_gpa(const struct topology *t, struct topo_address_map *m, uint64_t start)
{
	uint64_t above_end, hole64, last;
	m->above_4g_start = start;
	if (!u64_add(start, m->above_4g, &above_end))
		return false;
	if (m->has_device_memory) {
		uint64_t extra, end;
		if (!round_up_gib(above_end, &m->device_base) ||
		    !u64_mul(GiB, (uint64_t)t->slots, &extra) ||
		    !u64_add(t->maxmem - t->memory, extra, &m->device_size) ||
		    !u64_add(m->device_base, m->device_size, &end))
			return false;
		above_end = end;
	}
	uint64_t hole64_size = t->machine == MACHINE_Q35 ? Q35_HOLE64_SIZE : PC_HOLE64_SIZE;
	if (!round_up_gib(above_end, &hole64) || !u64_add(hole64, hole64_size - 1, &last))
		return false;
	m->max_used_gpa = last;
	return true;
}

int topo_address_map(const struct topology *t, struct topo_address_map *m, struct topo_issue *why)
{
	char msg[400];
	memset(m, 0, sizeof *m);
	uint64_t ram = t->memory, lowmem;
	if (t->machine == MACHINE_Q35)
		lowmem = ram >= 0xb0000000ULL ? 0x80000000ULL : 0xb0000000ULL;
	else
		lowmem = ram >= 0xe0000000ULL ? 0xc0000000ULL : 0xe0000000ULL;
	m->below_4g = ram >= lowmem ? lowmem : ram;
	m->above_4g = ram - m->below_4g;
	m->has_device_memory = t->slots && t->maxmem > t->memory;
	struct topo_pos pos = m->has_device_memory ? t->hotplug_pos : t->memory_pos;

	if (!max_used_gpa(t, m, 4 * GiB))
		return refuse(why, pos, m->has_device_memory
			      ? "the hotplug window (maxmem - memory + 1G per slot, above RAM) wraps past 2^64; QEMU 7.2 "
				"does not catch it and wraps its device-memory region to a wrong size (seen: 1G "
				"slots=256 maxmem=0xffffffffff000000 gives device-memory 0x100000000-0x40beffffff)"
			      : "the guest-physical addresses of this layout (RAM above 4G and the 64-bit PCI hole) "
				"wrap past 2^64: QEMU cannot place it");
	if (m->max_used_gpa >= QEMU_AMD_HT_START) {
		/* pc_memory_init(): "Bail out if max possible address does not cross HT range". */
		m->relocated = true;
		if (!max_used_gpa(t, m, QEMU_AMD_ABOVE_1TB))
			return refuse(why, pos, "the guest-physical addresses of this layout, moved above the AMD "
				      "HyperTransport hole at 1 TiB, wrap past 2^64: QEMU cannot place it");
	}
	uint64_t limit = (1ULL << QEMU_PHYS_BITS) - 1;
	if (m->max_used_gpa > limit) {
		snprintf(msg, sizeof msg, "the layout needs guest-physical addresses up to 0x%llx%s, beyond qemu64's %d "
			 "address bits. QEMU: \"Address space limit 0x%llx < 0x%llx phys-bits too low (%d)\"",
			 (unsigned long long)m->max_used_gpa,
			 m->relocated ? " (RAM above 4G moved above the AMD HyperTransport hole at 1 TiB)" : "",
			 QEMU_PHYS_BITS, (unsigned long long)limit, (unsigned long long)m->max_used_gpa, QEMU_PHYS_BITS);
		return refuse(why, pos, msg);
	}
	return 0;
}
