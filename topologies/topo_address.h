/* topologies/topo_address.h: where QEMU 7.2 puts a topology's memory in the
 * guest-physical address space, and whether it can at all: the RAM split
 * around 4 GiB, the start of RAM above 4 GiB (moved above the AMD
 * HyperTransport hole at 1 TiB when the address space would reach it), the
 * device-memory (hotplug) window, and the highest address used against
 * qemu64's 40 physical address bits. One place for this arithmetic: the
 * validator refuses what QEMU refuses, the layout model lays out the rest. */
#ifndef TOPOLOGIES_TOPO_ADDRESS_H
#define TOPOLOGIES_TOPO_ADDRESS_H
#include "topologies/topo.h"

#define QEMU_PHYS_BITS 40                    /* qemu64 under TCG: TCG_PHYS_ADDR_BITS */
#define QEMU_AMD_HT_START 0xfd00000000ULL    /* hw/i386/pc.c AMD_HT_START */
#define QEMU_AMD_ABOVE_1TB 0x10000000000ULL  /* AMD_ABOVE_1TB_START: the HT hole's end */

struct topo_address_map {
	uint64_t below_4g, above_4g;     /* QEMU's split of -m */
	uint64_t above_4g_start;         /* 4 GiB, or 1 TiB when relocated */
	bool relocated;                  /* RAM above 4G moved past the HT hole */
	bool has_device_memory;          /* slots and maxmem > memory */
	uint64_t device_base, device_size;
	uint64_t max_used_gpa;           /* pc_max_used_gpa(): end of the 64-bit PCI hole - 1 */
};

/* Fills *m and returns 0, or returns -1 when QEMU refuses the layout (or its
 * addresses would wrap past 2^64): *why then holds the position and a
 * message quoting QEMU. */
int topo_address_map(const struct topology *t, struct topo_address_map *m, struct topo_issue *why);

#endif
