/* acpi-gen/describe_model.c: renders the layout model (model.h) for `show`,
 * as text for people and as JSON for programs. */
#include "acpi-gen/describe.h"
#include "acpi-gen/model_lines.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/size.h"
#include <stdio.h>
#include <string.h>

static const char *contents_text(unsigned c, char *out, size_t n)
{
	static const char *const names[4] = { "RAM", "PMEM", "reserved", "hole" };
	out[0] = 0;
	for (int i = 0; i < 4; i++)
		if (c & (1u << i))
			snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? "+" : "", names[i]);
	return out;
}

static void node_list(struct buf *b, const uint64_t mask[2])
{
	int first = 1;
	for (int i = 0; i < 128; i++)
		if (mask[i / 64] >> (i % 64) & 1) {
			buf_printf(b, "%s%d", first ? "" : ",", i);
			first = 0;
		}
	if (first)
		buf_puts(b, "-");
}

static void zone_list(struct buf *b, unsigned zones)
{
	int first = 1;
	for (int z = 0; z < MZONE__COUNT; z++)
		if (zones & (1u << z)) {
			buf_printf(b, "%s%s", first ? "" : ",", model_zone_name(z));
			first = 0;
		}
	if (first)
		buf_puts(b, "-");
}

static void group(struct buf *b, const struct model_lines *ml, enum model_line_group g, const char *title)
{
	if (!ml->n[g])
		return;
	if (title)
		buf_printf(b, "%s\n", title);
	for (int i = 0; i < ml->n[g]; i++)
		buf_printf(b, "  %s\n", ml->v[g][i]);
}

static const char *shared_text(unsigned s, char *out, size_t n)
{
	static const char *const names[5] = { "two nodes", "RAM+hole", "RAM+PMEM", "RAM+reserved", "two zones" };
	out[0] = 0;
	for (int i = 0; i < 5; i++)
		if (s & (1u << i))
			snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? ", " : "", names[i]);
	return out;
}

void describe_model_text(struct buf *b, const struct model *m)
{
	char s1[40], s2[40], s3[40], s4[40];
	struct model_lines ml;
	model_kernel_lines(m, &ml);
	if (m->not_modelled)
		buf_printf(b, "\nLayout model: not modelled: %s\n", m->not_modelled);
	if (!m->n_ram) {
		model_lines_free(&ml);
		return;
	}
	buf_printf(b, "\nNUMA init (Linux 6.1): %s: %s\n", numa_path_name(m->numa), m->numa_reason);
	group(b, &ml, ML_SRAT, NULL);
	group(b, &ml, ML_NUMA, NULL);
	for (int i = 0; i < m->n_dropped; i++)
		buf_printf(b, "  set aside (no RAM below max_pfn): node %d [mem 0x%llx-0x%llx]\n", m->dropped[i].node,
			   (unsigned long long)m->dropped[i].start, (unsigned long long)(m->dropped[i].end - 1));
	if (m->numa == NUMA_FAKE) {
		buf_printf(b, "  numa=fake= emulation over \"%s\": %s\n", numa_path_name(m->numa_under),
			   m->emulated ? "took effect" : "refused, the nodes above stay");
		for (int e = 0; m->emulated && e < m->n_emu; e++)
			buf_printf(b, "  emulated node %d on physical node %d\n", e, m->emu_to_phys[e]);
	}
	buf_puts(b, "\nNodes (kernel ids):\n");
	for (int i = 0; i < m->n_nodes; i++) {
		const struct model_node *nd = &m->nodes[i];
		buf_printf(b, "  node %d", nd->id);
		if (nd->pxm >= 0)
			buf_printf(b, " (PXM %lld)", (long long)nd->pxm);
		buf_printf(b, ": %s, ", nd->cpus ? "cpus" : "no cpus");
		if (!nd->memory) {
			buf_puts(b, "memoryless\n");
			continue;
		}
		size_format(nd->present, s1, sizeof s1);
		buf_printf(b, "span [mem 0x%llx-0x%llx], %s present", (unsigned long long)nd->start,
			   (unsigned long long)(nd->end - 1), s1);
		if (nd->movable_start)
			buf_printf(b, ", ZONE_MOVABLE from 0x%llx", (unsigned long long)nd->movable_start);
		buf_putc(b, '\n');
		for (int z = 0; z < MZONE__COUNT; z++) {
			if (nd->zone[z].end == nd->zone[z].start)
				continue;
			uint64_t span = nd->zone[z].end - nd->zone[z].start;
			size_format(nd->zone[z].present, s2, sizeof s2);
			size_format(span - nd->zone[z].present, s3, sizeof s3);
			buf_printf(b, "    %-7s [mem 0x%llx-0x%llx] spanned %llu pages, present %llu (%s)%s%s\n", model_zone_name(z),
				   (unsigned long long)nd->zone[z].start, (unsigned long long)(nd->zone[z].end - 1),
				   (unsigned long long)(span / MODEL_PAGE), (unsigned long long)(nd->zone[z].present / MODEL_PAGE),
				   s2, span > nd->zone[z].present ? ", holes " : "", span > nd->zone[z].present ? s3 : "");
		}
	}
	for (int i = 0; i < m->n_nodes; i++)
		for (int k = i + 1; k < m->n_nodes; k++) {
			const struct model_node *a = &m->nodes[i], *c = &m->nodes[k];
			if (a->memory && c->memory && a->start < c->end && c->start < a->end)
				buf_printf(b, "  node spans overlap: node %d and node %d\n", a->id, c->id);
		}
	buf_puts(b, "\nZone ranges (as the kernel prints them):\n");
	for (int i = 0; i < ml.n[ML_ZONES]; i++)
		buf_printf(b, "%s\n", ml.v[ML_ZONES][i]);
	buf_puts(b, "Movable zone start for each node\n");
	for (int i = 0; i < ml.n[ML_MOVABLE]; i++)
		buf_printf(b, "%s\n", ml.v[ML_MOVABLE][i]);
	buf_puts(b, "\nEarly memory node ranges (as the kernel prints them):\n");
	for (int i = 0; i < m->n_early; i++) {
		if (m->early[i].node >= 0)
			buf_printf(b, "%s\n", ml.v[ML_EARLY][i]);
		else
			buf_printf(b, "  no node: [mem 0x%016llx-0x%016llx] (not covered by the SRAT)\n",
				   (unsigned long long)m->early[i].start, (unsigned long long)(m->early[i].end - 1));
	}
	buf_puts(b, "Memoryless nodes:");
	int n_less = 0;
	for (int i = 0; i < m->n_nodes; i++)
		if (!m->nodes[i].memory) {
			buf_printf(b, " %d", m->nodes[i].id);
			n_less++;
		}
	buf_puts(b, n_less ? "\n" : " none\n");
	group(b, &ml, ML_HOLES, "Holes inside zones (memmap_init):");

	size_format(m->block_size, s1, sizeof s1);
	buf_printf(b, "\nMemory blocks (block size %s; present blocks and those holding anything but a hole):\n", s1);
	for (int i = 0; i < m->n_blocks; i++) {
		const struct model_block *bl = &m->blocks[i];
		struct buf nodes = BUF_INIT, zones = BUF_INIT;
		node_list(&nodes, bl->node_mask);
		zone_list(&zones, bl->zones);
		buf_printf(b, "  memory%-4llu [mem 0x%llx-0x%llx] %-16s", (unsigned long long)bl->index,
			   (unsigned long long)bl->start, (unsigned long long)(bl->start + m->block_size - 1),
			   contents_text(bl->contents, s4, sizeof s4));
		if (!bl->present) {
			buf_puts(b, " no memoryN directory\n");
		} else {
			buf_printf(b, " nodes %s zones %s %s", nodes.s, zones.s, bl->state);
			if (bl->valid_zones)
				buf_printf(b, " valid_zones=%s", bl->valid_zones);
			if (bl->dimm)
				buf_puts(b, " (DIMM)");
			if (bl->partial) {
				size_format(bl->ram, s1, sizeof s1);
				buf_printf(b, " partly populated (%s RAM)", s1);
			}
			buf_putc(b, '\n');
		}
		buf_free(&nodes);
		buf_free(&zones);
	}
	int n_shared = 0;
	for (int i = 0; i < m->n_sections; i++)
		n_shared += m->sections[i].shared != 0;
	buf_puts(b, "\nShared 128 MiB sections:");
	buf_puts(b, n_shared ? "\n" : " none\n");
	for (int i = 0; i < m->n_sections; i++)
		if (m->sections[i].shared)
			buf_printf(b, "  section %llu [mem 0x%llx-0x%llx] %s: %s\n", (unsigned long long)m->sections[i].index,
				   (unsigned long long)(m->sections[i].index * MODEL_SECTION),
				   (unsigned long long)((m->sections[i].index + 1) * MODEL_SECTION - 1),
				   contents_text(m->sections[i].contents, s4, sizeof s4),
				   shared_text(m->sections[i].shared, s2, sizeof s2));
	model_lines_free(&ml);
}

static void hex_key(struct json *j, const char *key, uint64_t v)
{
	char a[24];
	snprintf(a, sizeof a, "0x%llx", (unsigned long long)v);
	json_key(j, key);
	json_string(j, a);
}

static void lines_json(struct json *j, const struct model_lines *ml, enum model_line_group g, const char *key)
{
	json_key(j, key);
	json_array_begin(j);
	for (int i = 0; i < ml->n[g]; i++)
		json_string(j, ml->v[g][i]);
	json_array_end(j);
}

static void node_mask_json(struct json *j, const uint64_t mask[2])
{
	json_array_begin(j);
	for (int i = 0; i < 128; i++)
		if (mask[i / 64] >> (i % 64) & 1)
			json_int(j, i);
	json_array_end(j);
}

static void zones_json(struct json *j, unsigned zones)
{
	json_array_begin(j);
	for (int z = 0; z < MZONE__COUNT; z++)
		if (zones & (1u << z))
			json_string(j, model_zone_name(z));
	json_array_end(j);
}

static void nodes_json(struct json *j, const struct model *m)
{
	json_key(j, "nodes");
	json_array_begin(j);
	for (int i = 0; i < m->n_nodes; i++) {
		const struct model_node *nd = &m->nodes[i];
		json_object_begin(j);
		json_key(j, "id");
		json_int(j, nd->id);
		json_key(j, "pxm");
		json_int(j, nd->pxm);
		json_key(j, "cpus");
		json_bool(j, nd->cpus);
		json_key(j, "memory");
		json_bool(j, nd->memory);
		if (nd->memory) {
			hex_key(j, "start", nd->start);
			hex_key(j, "end", nd->end - 1);
			json_key(j, "present");
			json_u64(j, nd->present);
		}
		if (nd->movable_start)
			hex_key(j, "movable_start", nd->movable_start);
		json_key(j, "zones");
		json_array_begin(j);
		for (int z = 0; z < MZONE__COUNT; z++) {
			if (nd->zone[z].end == nd->zone[z].start)
				continue;
			json_object_begin(j);
			json_key(j, "zone");
			json_string(j, model_zone_name(z));
			hex_key(j, "start", nd->zone[z].start);
			hex_key(j, "end", nd->zone[z].end - 1);
			json_key(j, "spanned_pages");
			json_u64(j, (nd->zone[z].end - nd->zone[z].start) / MODEL_PAGE);
			json_key(j, "present_pages");
			json_u64(j, nd->zone[z].present / MODEL_PAGE);
			json_object_end(j);
		}
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}

static void blocks_json(struct json *j, const struct model *m)
{
	json_key(j, "memory_blocks");
	json_array_begin(j);
	for (int i = 0; i < m->n_blocks; i++) {
		const struct model_block *bl = &m->blocks[i];
		json_object_begin(j);
		json_key(j, "index");
		json_u64(j, bl->index);
		hex_key(j, "start", bl->start);
		json_key(j, "ram");
		json_u64(j, bl->ram);
		json_key(j, "pmem");
		json_u64(j, bl->pmem);
		json_key(j, "reserved");
		json_u64(j, bl->reserved);
		json_key(j, "hole");
		json_u64(j, bl->hole);
		json_key(j, "present");
		json_bool(j, bl->present);
		json_key(j, "partial");
		json_bool(j, bl->partial);
		json_key(j, "dimm");
		json_bool(j, bl->dimm);
		json_key(j, "nodes");
		node_mask_json(j, bl->node_mask);
		json_key(j, "zones");
		zones_json(j, bl->zones);
		if (bl->present) {
			json_key(j, "state");
			json_string(j, bl->state);
			if (bl->valid_zones) {
				json_key(j, "valid_zones");
				json_string(j, bl->valid_zones);
			}
		}
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "shared_sections");
	json_array_begin(j);
	static const char *const shares[5] = { "two-nodes", "ram-hole", "ram-pmem", "ram-reserved", "two-zones" };
	for (int i = 0; i < m->n_sections; i++) {
		if (!m->sections[i].shared)
			continue;
		json_object_begin(j);
		json_key(j, "index");
		json_u64(j, m->sections[i].index);
		json_key(j, "shared");
		json_array_begin(j);
		for (int k = 0; k < 5; k++)
			if (m->sections[i].shared & (1u << k))
				json_string(j, shares[k]);
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}

struct feature_ctx {
	struct json *j;
};

static void feature_json(uint32_t id, void *ctx)
{
	struct feature_ctx *c = ctx;
	const char *name = model_feature_name(id);
	json_string(c->j, name ? name : "?");
}

void describe_model_json(struct json *j, const struct model *m)
{
	struct model_lines ml;
	model_kernel_lines(m, &ml);
	json_key(j, "model");
	json_object_begin(j);
	if (m->not_modelled) {
		json_key(j, "not_modelled");
		json_string(j, m->not_modelled);
	}
	if (m->n_ram) {
		json_key(j, "numa_path");
		json_string(j, numa_path_name(m->numa));
		json_key(j, "numa_reason");
		json_string(j, m->numa_reason);
		lines_json(j, &ml, ML_SRAT, "srat_lines");
		lines_json(j, &ml, ML_NUMA, "numa_lines");
		if (m->numa == NUMA_FAKE) {
			json_key(j, "numa_emulation");
			json_object_begin(j);
			json_key(j, "before");
			json_string(j, numa_path_name(m->numa_under));
			json_key(j, "emulated");
			json_bool(j, m->emulated);
			json_key(j, "physical_node_of");
			json_array_begin(j);
			for (int e = 0; m->emulated && e < m->n_emu; e++)
				json_int(j, m->emu_to_phys[e]);
			json_array_end(j);
			json_object_end(j);
		}
		nodes_json(j, m);
		lines_json(j, &ml, ML_ZONES, "zone_ranges");
		lines_json(j, &ml, ML_MOVABLE, "movable_zone_start");
		lines_json(j, &ml, ML_HOLES, "unavailable_ranges");
		json_key(j, "block_size");
		json_u64(j, m->block_size);
		blocks_json(j, m);
		json_key(j, "features");
		json_array_begin(j);
		struct feature_ctx c = { j };
		model_features(m, feature_json, &c);
		json_array_end(j);
	}
	json_object_end(j);
	model_lines_free(&ml);
}
