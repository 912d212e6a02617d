/* topologies/topo_edit.h: editing a parsed topology in place while keeping
 * what the parser guarantees (nodes sorted and dense, memory = the sum of
 * the nodes, command-line parameters understood, distance lines recorded),
 * so topo_validate, topo_print and layout_compute work on the result as on
 * a parsed file. The generator and the fuzz mutator edit through here. */
#ifndef TOPOLOGIES_TOPO_EDIT_H
#define TOPOLOGIES_TOPO_EDIT_H
#include "topologies/topo.h"

/* A fresh topology: only a name, pc, 1 vCPU, no memory yet. */
void topo_init_empty(struct topology *t, const char *name);
/* Deep copy through the canonical text (what a parse of print(src) gives). */
int topo_copy(const struct topology *src, struct topology *dst);
/* Deep copy of the structure as it is (no text round trip: fast). */
void topo_clone(const struct topology *src, struct topology *dst);
void topo_set_string(char **field, const char *s);
void topo_add_tag(struct topology *t, const char *tag);

/* Nodes: ids stay dense; memory follows the nodes when there are any. */
struct topo_node *topo_add_node(struct topology *t, uint64_t mem);
void topo_sync_memory(struct topology *t);
/* The node with the most memory (ties: lowest id), or NULL. */
struct topo_node *topo_largest_node(struct topology *t);
/* Moves CPU cpu to node id (from whichever node had it). */
void topo_move_cpu(struct topology *t, int cpu, int node);

/* Kernel parameters: parsed exactly as in a file; -1 if it does not parse. */
int topo_add_cmdline(struct topology *t, const char *param);
void topo_remove_cmdline(struct topology *t, int index);
int topo_find_cmdline(const struct topology *t, enum cmdline_kind kind);

void topo_set_distance(struct topology *t, int from, int to, int value, bool oneway);
struct srat_entry *topo_add_srat(struct topology *t, enum srat_kind kind, uint32_t pxm);
void topo_remove_srat(struct topology *t, int index);
struct topo_step *topo_add_step(struct topology *t, enum step_kind kind, const char *arg);
struct topo_dimm *topo_add_dimm(struct topology *t, const char *id, int node, uint64_t size);
struct topo_hmat_lb *topo_add_hmat_lb(struct topology *t);
struct topo_hmat_cache *topo_add_hmat_cache(struct topology *t);

#endif
