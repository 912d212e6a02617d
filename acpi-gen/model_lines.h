/* acpi-gen/model_lines.h: the layout model (model.h) as the console lines
 * Linux 6.1 prints, in its own words and formats, grouped by topic. One
 * source for `show` and for the divergence oracle. */
#ifndef ACPI_GEN_MODEL_LINES_H
#define ACPI_GEN_MODEL_LINES_H
#include "acpi-gen/model.h"

enum model_line_group {
	ML_E820,        /* "BIOS-e820: [mem ...] usable" */
	ML_USER,        /* "user: [mem ...] persistent (type 12)" */
	ML_SRAT,        /* "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]" */
	ML_NUMA,        /* merges, overlap/coverage complaints, "No NUMA configuration found", "Faking a node at" */
	ML_NODE_DATA,   /* "NODE_DATA(1) allocated" (the address is cut: not predicted) */
	ML_ZONES,       /* "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]" */
	ML_MOVABLE,     /* "  Node 1: 0x0000000060000000" under "Movable zone start for each node" */
	ML_EARLY,       /* "  node   0: [mem ...]" under "Early memory node ranges" */
	ML_INITMEM,     /* "Initmem setup node 0 [mem ...]", "Initializing node 1 as memoryless" */
	ML_HOLES,       /* "On node 0, zone DMA: 1 pages in unavailable ranges" */
	ML_BLOCK_SIZE,  /* "x86/mm: Memory block size: 128MB" */
	ML__COUNT
};

struct model_lines {
	char **v[ML__COUNT];
	int n[ML__COUNT];
};

const char *model_line_group_name(enum model_line_group g);
/* Fills o (free with model_lines_free). Groups the model cannot predict
 * (a refused user map, numa=fake=) are left empty. */
void model_kernel_lines(const struct model *m, struct model_lines *o);
void model_lines_free(struct model_lines *o);

#endif
