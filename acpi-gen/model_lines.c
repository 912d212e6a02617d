/* acpi-gen/model_lines.c: the model as the console lines Linux 6.1 prints
 * for it, word for word (without timestamps), grouped by what they report.
 * `show` prints them and the divergence oracle (results/divergence.c)
 * compares them group by group with what a kernel really printed. */
#include "acpi-gen/model_lines.h"
#include "common/buf.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const group_names[ML__COUNT] = {
	"BIOS-e820", "user-defined map", "SRAT", "NUMA init", "NODE_DATA", "Zone ranges", "Movable zone start",
	"Early memory node ranges", "Initmem setup", "unavailable ranges", "memory block size",
};

const char *model_line_group_name(enum model_line_group g)
{
	return (unsigned)g < ML__COUNT ? group_names[g] : "?";
}

static void add(struct model_lines *o, enum model_line_group g, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(struct model_lines *o, enum model_line_group g, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	o->v[g] = xrealloc(o->v[g], sizeof *o->v[g] * (size_t)(o->n[g] + 1));
	o->v[g][o->n[g]++] = buf_steal(&b);
}

static void add_text_lines(struct model_lines *o, enum model_line_group g, char *text)
{
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		add(o, g, "%s", line);
	}
	free(text);
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

void model_kernel_lines(const struct model *m, struct model_lines *o)
{
	memset(o, 0, sizeof *o);
	const struct layout *l = &m->layout;
	add_text_lines(o, ML_E820, e820_format(l->e820, l->n_e820, "BIOS-e820"));
	if (l->n_user || l->user_map_refused)
		add_text_lines(o, ML_USER, e820_format(l->user_e820, l->n_user, "user"));
	if (!m->n_ram)
		return;
	for (int i = 0; i < m->n_srat; i++) {
		const struct model_srat_line *s = &m->srat[i];
		add(o, ML_SRAT, "ACPI: SRAT: Node %d PXM %u [mem 0x%08llx-0x%08llx]%s%s", s->node, s->pxm, ull(s->start),
		    ull(s->end - 1), s->hotplug ? " hotplug" : "", s->nonvolatile ? " non-volatile" : "");
	}
	for (int i = 0; i < m->n_numa_lines; i++)
		add(o, ML_NUMA, "%s", m->numa_lines[i]);
	/* numa_register_memblks(): NODE_DATA only for nodes with memory. */
	for (int i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].memory)
			add(o, ML_NODE_DATA, "NODE_DATA(%d) allocated", m->nodes[i].id);
	for (int z = 0; z < MZONE_MOVABLE; z++) {
		if (m->zone_low[z] == m->zone_high[z])
			add(o, ML_ZONES, "  %-8s empty", model_zone_name(z));
		else
			add(o, ML_ZONES, "  %-8s [mem 0x%016llx-0x%016llx]", model_zone_name(z), ull(m->zone_low[z]),
			    ull(m->zone_high[z] - 1));
	}
	for (int i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].movable_start)
			add(o, ML_MOVABLE, "  Node %d: 0x%016llx", m->nodes[i].id, ull(m->nodes[i].movable_start));
	for (int i = 0; i < m->n_early; i++)
		add(o, ML_EARLY, "  node %3d: [mem 0x%016llx-0x%016llx]", m->early[i].node, ull(m->early[i].start),
		    ull(m->early[i].end - 1));
	for (int i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].memory)
			add(o, ML_INITMEM, "Initmem setup node %d [mem 0x%016llx-0x%016llx]", m->nodes[i].id,
			    ull(m->nodes[i].start), ull(m->nodes[i].end - 1));
	/* free_area_init(): possible nodes not online get both lines. */
	for (int i = 0; i < m->n_nodes; i++)
		if (!m->nodes[i].memory) {
			add(o, ML_INITMEM, "Initializing node %d as memoryless", m->nodes[i].id);
			add(o, ML_INITMEM, "Initmem setup node %d as memoryless", m->nodes[i].id);
		}
	for (int i = 0; i < m->n_holes; i++)
		add(o, ML_HOLES, "On node %d, zone %s: %llu pages in unavailable ranges", m->holes[i].node,
		    model_zone_name(m->holes[i].zone), ull(m->holes[i].pages));
	add(o, ML_BLOCK_SIZE, "x86/mm: Memory block size: %lluMB", ull(m->block_size >> 20));
}

void model_lines_free(struct model_lines *o)
{
	for (int g = 0; g < ML__COUNT; g++) {
		for (int i = 0; i < o->n[g]; i++)
			free(o->v[g][i]);
		free(o->v[g]);
	}
	memset(o, 0, sizeof *o);
}
