/* acpi-gen/layout.h: the physical layout a topology gives the guest, predicted
 * the way QEMU 7.2 + SeaBIOS build it: where each node's RAM lands (the
 * memory entries of QEMU's SRAT, with the 640K hole and the below-4G gap cut
 * out), the hotplug window, the BIOS-e820 map the kernel prints, and the
 * user-defined map after memmap= parameters. Everything that needs addresses
 * (SRAT encoder, `show`, triage's comparison with the probe) asks here. */
#ifndef ACPI_GEN_LAYOUT_H
#define ACPI_GEN_LAYOUT_H
#include "topologies/topo.h"

enum e820_type {
	E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3, E820_NVS = 4,
	E820_UNUSABLE = 5, E820_PMEM = 7, E820_PRAM = 12,
};
/* Above INT_MAX, so not an enum constant: the kernel's E820_TYPE_SOFT_RESERVED. */
#define E820_SOFT_RESERVED 0xefffffffu

struct mem_range {
	uint64_t start, end;          /* [start, end) */
	int node;                     /* -1 when not a node's */
	uint32_t type;                /* enum e820_type for e820 entries */
	bool hotplug;
};

struct layout {
	uint64_t below_4g, above_4g;  /* QEMU's split of -m */
	/* True when the node ranges come from our generated SRAT (the kernel
	 * takes it: override mode or no QEMU SRAT, and it is not damaged). */
	bool generated_srat;
	uint32_t *kernel_node_pxm;    /* generated_srat: the PXM of each kernel node id */
	int n_kernel_nodes;
	struct mem_range *node_ranges; /* the SRAT memory entries the kernel uses, in table order,
					  as kernel node ids (PXMs numbered by first appearance) */
	int n_node_ranges;
	bool has_hotplug_window;
	struct mem_range hotplug_window; /* device memory, flagged hotpluggable, last node */
	struct mem_range *e820;       /* BIOS-e820 as the kernel prints it */
	int n_e820;
	struct mem_range *user_e820;  /* after memmap=/mem= (n_user 0: none given) */
	int n_user;
	/* e820__update_table() refuses a user map of fewer than 2 entries: the
	 * kernel panics "Invalid user supplied memory map" before panic= works. */
	bool user_map_refused;
	/* The kernel's "Early memory node ranges": usable RAM (page-trimmed,
	 * first page dropped) split by the node ranges; node -1 = no node. */
	struct mem_range *early;
	int n_early;
	/* SeaBIOS's reservation at the top of low RAM grows with the ACPI
	 * tables: the end of the last usable range below 4G is exact only
	 * to within this many bytes. */
	uint64_t low_top_slack;
};

/* Sorted, merged e820 arithmetic the kernel does for memmap= (exposed for
 * tests and for acpi-gen's exactmap emitter). Entries are [start, end). */
struct e820_map {
	struct mem_range *v;
	int n;
	int cap;                /* allocated entries (grows by doubling) */
};
void e820_add(struct e820_map *m, uint64_t start, uint64_t size, uint32_t type);
void e820_remove(struct e820_map *m, uint64_t start, uint64_t size, uint32_t type, bool check_type);
void e820_update(struct e820_map *m, uint64_t start, uint64_t size, uint32_t old_type, uint32_t new_type);
/* e820__update_table(): overlaps resolved with the larger type winning, adjacent equal types merged. */
void e820_sanitize(struct e820_map *m);
/* "[mem 0x%016llx-0x%016llx] TYPE" lines as the kernel prints them, with prefix ("BIOS-e820" or "user"). */
char *e820_format(const struct mem_range *v, int n, const char *prefix);
/* Kernel parameters that make the kernel use exactly this map:
 * "memmap=exactmap memmap=640K@0 ..." (RAM @, ACPI #, reserved $, PRAM !,
 * any other type as %START+TYPE). Caller frees. */
char *e820_to_exactmap(const struct mem_range *v, int n);

int layout_compute(const struct topology *t, struct layout *out, char **err);
/* The same with SeaBIOS's reservation at the top of low RAM set to
 * seabios_reserve bytes (0: the measured default, 128K pc / 132K q35);
 * the divergence oracle calibrates it from the BIOS-e820 a kernel printed. */
int layout_compute_with(const struct topology *t, uint64_t seabios_reserve, struct layout *out, char **err);
void layout_free(struct layout *l);
const char *e820_type_name(uint32_t type);   /* as the kernel prints it: "usable", ... */
/* The e820 types folded into 8 classes (0 RAM, 1 reserved, 2 ACPI data,
 * 3 NVS, 4 unusable, 5 PMEM, 6 PRAM, 7 any other), for feature ids. */
#define E820_CLASSES 8
unsigned e820_type_class(uint32_t type);

#endif
