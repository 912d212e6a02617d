/* acpi-gen/model.h: the layout model, the second oracle. From a topology it
 * predicts what Linux 6.1 on x86-64 builds out of the firmware view that
 * layout.h computes (QEMU's SRAT or ours, BIOS-e820, the memmap= map):
 *
 *   - NUMA init (arch/x86/mm/numa.c, drivers/acpi/numa/srat.c): the SRAT
 *     lines the kernel prints, which nodes it keeps, merges or drops, and
 *     when and why it falls back to one fake node;
 *   - the zones: the global "Zone ranges", ZONE_MOVABLE starts (movable_node,
 *     kernelcore=, movablecore=), each node's zone spans, and the holes
 *     inside them ("On node N, zone Z: P pages in unavailable ranges");
 *   - the memory blocks (block size as the guest probes it) and the 128 MiB
 *     sections: what each holds (RAM, PMEM/PRAM, reserved, hole), which
 *     nodes and zones it touches, and what sysfs says about it.
 *
 * A pure library: no printing, no I/O. `show` renders it, the divergence
 * oracle compares it with a boot, the generator and the libFuzzer harness
 * read its features (model_features(); ids documented in docs/model.md).
 * Addresses are bytes, ranges [start, end). */
#ifndef ACPI_GEN_MODEL_H
#define ACPI_GEN_MODEL_H
#include "acpi-gen/layout.h"

#define MODEL_PAGE 4096ULL
#define MODEL_SECTION (128ULL << 20)      /* x86-64 SECTION_SIZE_BITS 27 */
#define MODEL_MAX_ORDER_PAGES 1024ULL     /* MAX_ORDER_NR_PAGES in 6.1: 4 MiB */

enum model_zone { MZONE_DMA, MZONE_DMA32, MZONE_NORMAL, MZONE_MOVABLE, MZONE__COUNT };
/* "DMA", "DMA32", "Normal", "Movable": as /proc/zoneinfo and sysfs name them. */
const char *model_zone_name(int zone);

/* How x86 NUMA init ends (x86_numa_init()). */
enum numa_path {
	NUMA_SRAT,              /* the SRAT's nodes are used */
	NUMA_NO_SRAT,           /* no SRAT, or no usable memory entry: -ENOENT, one fake node */
	NUMA_SRAT_BAD,          /* bad_srat() ("SRAT: SRAT not used."): one fake node */
	NUMA_OVERLAP,           /* two nodes' ranges overlap: numa_cleanup_meminfo() fails */
	NUMA_NOT_COVERED,       /* nodes miss >= 1 MiB of e820 RAM: "nodes only cover ..." */
	NUMA_OFF,               /* numa=off: "NUMA turned off" */
	NUMA_NOACPI,            /* numa=noacpi: the SRAT is ignored */
	NUMA_FAKE,              /* numa=fake=: NUMA emulation (model_numa_emu.c); numa_under says what it started from */
	NUMA_PATH__COUNT
};
const char *numa_path_name(enum numa_path p);   /* "srat", "no-srat", ... */

/* One "ACPI: SRAT: Node N PXM P [mem A-B]" line. */
struct model_srat_line {
	int node;
	uint32_t pxm;
	uint64_t start, end;    /* end == start for a zero-length entry */
	bool hotplug, nonvolatile;
};

/* A node as NUMA init and free_area_init() leave it (kernel node ids). */
struct model_node {
	int id;
	int64_t pxm;            /* -1: the fake node */
	bool cpus;              /* some CPU is on it */
	bool memory;            /* NODE_DATA allocated: it has RAM */
	uint64_t start, end;    /* node span (lowest to highest RAM); 0,0 when memoryless */
	uint64_t present;       /* bytes of RAM */
	uint64_t movable_start; /* "Movable zone start" (0: none) */
	struct { uint64_t start, end, present; } zone[MZONE__COUNT];  /* spans; start == end: empty */
};

/* "On node N, zone Z: P pages in unavailable ranges" (init_unavailable_range). */
struct model_hole {
	int node, zone;
	uint64_t pages;
};

/* What a block or section holds: bit set when any byte of it is ... */
enum model_content {
	MC_RAM = 1,             /* usable RAM (memblock memory) */
	MC_PMEM = 2,            /* persistent memory: e820 type 7 or 12 (memmap=!) */
	MC_RESERVED = 4,        /* reserved, ACPI, NVS, unusable: an e820 entry that is not RAM */
	MC_HOLE = 8,            /* no e820 entry at all */
};

struct model_block {
	uint64_t index, start;  /* memoryN and its first byte */
	uint64_t ram, pmem, reserved, hole;   /* bytes of each */
	unsigned contents;      /* MC_* */
	uint64_t node_mask[2];  /* nodes with RAM in it (bit = node id) */
	int node, n_nodes;      /* lowest such node (-1: none), how many */
	unsigned zones;         /* 1 << model_zone, of the zones its RAM lies in */
	bool present;           /* a memoryN directory exists: some RAM in it, or a DIMM */
	bool partial;           /* present but not all RAM */
	bool dimm;              /* a cold-plugged DIMM's block (in the hotplug window) */
	const char *valid_zones;/* boot blocks: what sysfs valid_zones shows while online */
	const char *state;      /* "online", or "offline" for DIMM blocks without auto-online */
};

enum model_share {
	MS_TWO_NODES = 1,       /* RAM of two or more nodes */
	MS_RAM_HOLE = 2,        /* RAM and a hole (no e820 entry) */
	MS_RAM_PMEM = 4,        /* RAM and persistent memory */
	MS_RAM_RESERVED = 8,    /* RAM and a reserved/ACPI entry */
	MS_TWO_ZONES = 16,      /* RAM of two zones */
};

struct model_section {
	uint64_t index;         /* section number (start = index * 128 MiB) */
	unsigned contents;      /* MC_* */
	unsigned shared;        /* MS_* */
	int node, n_nodes;
};

struct model {
	struct layout layout;   /* the firmware view it starts from */
	enum numa_path numa;
	char *numa_reason;      /* one sentence: why NUMA init ended this way */
	/* NUMA init's own lines, in order, as the kernel prints them (without
	 * the SRAT lines): merges, overlap and coverage complaints, fallbacks. */
	char **numa_lines;
	int n_numa_lines;
	struct model_srat_line *srat;
	int n_srat;
	/* numa=fake= (NUMA_FAKE): how NUMA init ended before emulation, whether
	 * emulation took effect (it refuses some splits and keeps the physical
	 * nodes), and each emulated node's physical node (emu_nid_to_phys). */
	enum numa_path numa_under;
	bool emulated;
	int *emu_to_phys;
	int n_emu;
	struct mem_range *meminfo;      /* numa_meminfo after numa_cleanup_meminfo() (SRAT path) */
	int n_meminfo;
	struct mem_range *dropped;      /* SRAT ranges without RAM, moved aside (reserved meminfo) */
	int n_dropped;
	struct model_node *nodes;       /* possible nodes, by id */
	int n_nodes;
	uint64_t ram_end;               /* PFN_PHYS(max_pfn) */
	uint64_t ram_bytes;             /* all memblock memory */
	/* "Zone ranges": DMA, DMA32, Normal [low, high); low == high: "empty". */
	uint64_t zone_low[MZONE_MOVABLE], zone_high[MZONE_MOVABLE];
	int movable_zone;               /* the zone ZONE_MOVABLE is carved from */
	struct mem_range *early;        /* "Early memory node ranges" (node -1: not covered) */
	int n_early;
	struct model_hole *holes;
	int n_holes;
	uint64_t block_size;
	struct model_block *blocks;
	int n_blocks;
	struct model_section *sections;
	int n_sections;
	/* Parts left out (numa=fake=, kernelcore=mirror, ...): NULL when the
	 * model covers the whole topology. Comparisons skip what it names. */
	char *not_modelled;
	bool wrong_on_purpose;          /* TOPOFARM_MODEL_WRONG was set (tests only) */
	/* model_compute_features(): NUMA init's lines and reason are not
	 * written (numa_lines, numa_reason stay empty); the facts the features
	 * read from them are kept in numa_facts either way. */
	bool features_only;
	unsigned numa_facts;            /* MODEL_NUMA_MERGED | MODEL_NUMA_SELF_OVERLAP */
	uint32_t cmdline_facts;         /* model_cmdline_facts() bits */
	struct mem_range *ram;          /* memblock memory: usable RAM, page-trimmed, without page 0 */
	int n_ram;
};

/* Computes the model. 0, or -1 with *err (caller frees) when the topology
 * cannot be laid out at all (no memory). The kernel refusing a user map
 * is a prediction, not an error (layout.user_map_refused). If the
 * environment variable TOPOFARM_MODEL_WRONG is set to 1, the model makes one
 * deliberately wrong prediction (the DMA zone ends at 32 MiB), so tests can
 * show the divergence oracle catching it. */
int model_compute(const struct topology *t, struct model *m, char **err);
/* The same on a BIOS-e820 whose top-of-low-RAM reservation is
 * seabios_reserve bytes (layout_compute_with(); 0: the default). */
int model_compute_with(const struct topology *t, uint64_t seabios_reserve, struct model *m, char **err);
/* The same on a layout already computed with layout_compute(t) (the fuzz
 * harness has it from gen_mutate): takes it over, *l is left empty. */
int model_compute_from_layout(const struct topology *t, struct layout *l, struct model *m);
/* The same for the features only (the libFuzzer layout harness's hot
 * path): no text is formatted (numa_lines and numa_reason stay empty),
 * everything else is as model_compute_from_layout() computes it, so
 * model_features() gives the same ids (tests/test_gen.c checks that on
 * 10,000 generated layouts). */
int model_compute_features(const struct topology *t, struct layout *l, struct model *m);
void model_free(struct model *m);
#define MODEL_NUMA_MERGED 1u            /* "NUMA: Node N [mem] + [mem] -> [mem]" */
#define MODEL_NUMA_SELF_OVERLAP 2u      /* "Warning: node N [mem] overlaps with itself" */

/* The model's discrete facts, each a small integer id (docs/model.md has
 * the table), each emitted at most once: kinds of memory block, how
 * sections are shared, zone/node relations, NUMA-init decisions, e820 type
 * adjacency, SRAT anomalies and command-line interactions. The libFuzzer
 * layout harness turns them into extra counters. */
#define MODEL_FEATURE_MAX 256
void model_features(const struct model *m, void (*emit)(uint32_t id, void *ctx), void *ctx);
/* Short name of a feature id ("block.partial-ram-pmem"), or NULL. */
const char *model_feature_name(uint32_t id);

/* Internal steps, model_cmdline_facts() from model_features.c, and one file each (model_numa.c, model_zones.c, model_blocks.c). */
void model_numa(const struct topology *t, struct model *m);
/* NUMA init's own console lines (model_numa.c). */
void model_numa_line(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The kernel's MAX_NUMNODES the model assumes (CONFIG_NODES_SHIFT=6 as in
 * the farm kernels; Debian's is 10): numa=fake= caps and sizes with it. */
#define MODEL_MAX_NUMNODES 64
/* numa_emulation() with numa=fake=ARG over m->meminfo (the physical nodes,
 * cleaned up) whose node ids are phys[0..n_phys) in ascending order: true
 * when it took effect (m->meminfo then holds the emulated nodes and
 * m->emu_to_phys their physical nodes), false when the kernel refuses it
 * (the physical nodes stay). */
/* numa_cleanup_meminfo() on m->meminfo: 0, or -1 after the overlap complaint. */
int model_numa_cleanup(struct model *m);
bool model_numa_emulate(struct model *m, const char *arg, const int *phys, int n_phys);
uint32_t model_cmdline_facts(const struct topology *t);
void model_zones(const struct topology *t, struct model *m);
void model_blocks(const struct topology *t, struct model *m);
/* Bytes of memblock memory (usable RAM, page-trimmed, page 0 excluded) in [s, e). */
uint64_t model_ram_in(const struct model *m, uint64_t s, uint64_t e);
/* The effective e820 map (user map if memmap=/mem= gave one). */
const struct mem_range *model_e820(const struct model *m, int *n);

#endif
