/* topologies/gen_ops.h: the generator's internals shared by its strategy
 * families (gen_nodes.c, gen_memmap.c, gen_srat.c, gen_hotplug.c,
 * gen_slit.c): the generator state, the base machine every strategy starts
 * from, and the mutation operations. An operation changes one aspect of a
 * topology, choosing its parameters from the current predicted layout and
 * the kernel's thresholds; it returns true if it changed anything. */
#ifndef TOPOLOGIES_GEN_OPS_H
#define TOPOLOGIES_GEN_OPS_H
#include "topologies/gen.h"
#include "topologies/topo_edit.h"
#include "acpi-gen/layout.h"
#include "common/buf.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define BLOCK (128 * MiB)
/* Nothing is carved below this: the first MiB holds the real-mode
 * trampoline and the kernel image sits at 16 MiB (nokaslr); a layout that
 * destroys those tests the loader, not memory management. */
#define CARVE_FLOOR (128 * MiB)
/* Usable RAM every layout keeps, so the guest reaches the probe. */
#define MIN_USABLE (256 * MiB)
#define MAX_CPUS_GEN 6
#define MAX_NODES_GEN 8

struct gen {
	struct rng rng;
	int machine;                  /* -1: free to choose; else forced */
	struct layout layout;
	bool have_layout;
	struct buf notes;             /* what the operations did, for the description */
};

typedef bool (*gen_op_fn)(struct gen *g, struct topology *t);
struct gen_op {
	const char *name;
	gen_op_fn fn;
};
extern const struct gen_op gen_ops[];
extern const int gen_n_ops;

/* The layout of t as it is now (recomputed on every call; NULL if it fails). */
const struct layout *gen_layout_now(struct gen *g, const struct topology *t);
void gen_note(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Restores what every topology needs after an edit: node sizes in whole
 * pages summing to a multiple of 8 KiB (QEMU rounds -m to 8 KiB), one
 * socket per vCPU, CPUs inside the vCPU count, HMAT initiators, room for
 * the DIMMs below maxmem, no distance to a node that is gone. */
void gen_repair(struct topology *t);

/* A base machine: n_nodes nodes (0: no -numa) sharing total bytes, vCPUs
 * spread over them, machine type chosen (or forced). */
void gen_base(struct gen *g, struct topology *t, int n_nodes, uint64_t total);
uint64_t gen_total_memory(struct gen *g);
/* Moves bytes between node `node` and the largest other node so node gets
 * exactly size; false if the donor would drop below its floor. */
bool gen_resize_node(struct topology *t, int node, uint64_t size);
int gen_probe_step(struct gen *g, struct topology *t, const char *probes);

/* Operations, by family. */
bool op_tiny_node(struct gen *g, struct topology *t);
bool op_threshold_node(struct gen *g, struct topology *t);
bool op_add_node(struct gen *g, struct topology *t);
bool op_empty_node(struct gen *g, struct topology *t);
bool op_move_cpu(struct gen *g, struct topology *t);
bool op_unalign_ram(struct gen *g, struct topology *t);
bool op_machine_split(struct gen *g, struct topology *t);

bool op_memmap_carve(struct gen *g, struct topology *t);
bool op_memmap_retype(struct gen *g, struct topology *t);
bool op_exactmap(struct gen *g, struct topology *t);
bool op_mem_limit(struct gen *g, struct topology *t);
bool op_core_split(struct gen *g, struct topology *t);
bool op_movable_node(struct gen *g, struct topology *t);
bool op_numa_option(struct gen *g, struct topology *t);
bool op_memhp_state(struct gen *g, struct topology *t);
bool op_drop_cmdline(struct gen *g, struct topology *t);

bool op_srat_explicit(struct gen *g, struct topology *t);
bool op_srat_shift(struct gen *g, struct topology *t);
bool op_srat_overlap(struct gen *g, struct topology *t);
bool op_srat_uncover(struct gen *g, struct topology *t);
bool op_srat_flags(struct gen *g, struct topology *t);
bool op_srat_descending(struct gen *g, struct topology *t);
bool op_srat_new_pxm(struct gen *g, struct topology *t);
bool op_srat_split(struct gen *g, struct topology *t);
bool op_srat_cpu(struct gen *g, struct topology *t);
bool op_srat_beyond(struct gen *g, struct topology *t);

bool op_hotplug_enable(struct gen *g, struct topology *t);
bool op_hotplug_cycle(struct gen *g, struct topology *t);
bool op_cold_dimm(struct gen *g, struct topology *t);
bool op_probe(struct gen *g, struct topology *t);

bool op_distance(struct gen *g, struct topology *t);
bool op_hmat(struct gen *g, struct topology *t);

/* Strategy builders (gen_strategies[] lists them). */
void strategy_tiny_node(struct gen *g, struct topology *t);
void strategy_node_threshold(struct gen *g, struct topology *t);
void strategy_numa_shape(struct gen *g, struct topology *t);
void strategy_srat_anomaly(struct gen *g, struct topology *t);
void strategy_memmap_carve(struct gen *g, struct topology *t);
void strategy_unaligned_ram(struct gen *g, struct topology *t);
void strategy_cmdline_holes(struct gen *g, struct topology *t);
void strategy_hotplug_churn(struct gen *g, struct topology *t);
void strategy_distance_hmat(struct gen *g, struct topology *t);

#endif
