/* acpi-gen/range_edges.h: the sorted edges (starts and ends) of some sets
 * of ranges, to tell when a window of memory meets no edge at all: every
 * range then covers all of it or none of it, so two neighbouring blocks
 * inside such a window hold the same. The model's memory blocks
 * (model_blocks.c) and the layout features' blocks
 * (topologies/layout_features.c) skip describing such blocks again. */
#ifndef ACPI_GEN_RANGE_EDGES_H
#define ACPI_GEN_RANGE_EDGES_H
#include "acpi-gen/layout.h"

#define RANGE_EDGES_INLINE 256

struct range_edges {
	uint64_t *v;
	int n, cap;
	uint64_t inline_v[RANGE_EDGES_INLINE];   /* no allocation for the usual few ranges */
};

void range_edges_init(struct range_edges *e);
void range_edges_add(struct range_edges *e, uint64_t start, uint64_t end);
void range_edges_add_ranges(struct range_edges *e, const struct mem_range *r, int n);
/* Sorts; call once after the adds, before range_edges_inside. */
void range_edges_sort(struct range_edges *e);
/* True when some edge x has lo < x < hi. */
bool range_edges_inside(const struct range_edges *e, uint64_t lo, uint64_t hi);
void range_edges_free(struct range_edges *e);

#endif
