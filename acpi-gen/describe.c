/* acpi-gen/describe.c: renders a topology's derived artefacts as text or JSON. */
#include "acpi-gen/describe.h"
#include "acpi-gen/layout.h"
#include "acpi-gen/model.h"
#include "acpi-gen/acpi_gen.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/proc.h"
#include "common/size.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool node_has_ranges(const struct layout *l, int node)
{
	for (int i = 0; i < l->n_early; i++)
		if (l->early[i].node == node)
			return true;
	return false;
}

static void text_ranges(struct buf *b, const struct mem_range *v, int n, int node)
{
	for (int i = 0; i < n; i++)
		if (v[i].node == node)
			buf_printf(b, " [mem 0x%llx-0x%llx]", (unsigned long long)v[i].start, (unsigned long long)(v[i].end - 1));
}

/* What each generated table says, decoded back from its bytes. */
static void describe_generated_tables(struct buf *b, const struct topology *t)
{
	struct acpi_set set;
	char *err = NULL;
	buf_puts(b, "\nGenerated firmware tables (loaded through the initrd table upgrade):\n");
	if (acpi_generate(t, t->name, &set, &err) != 0) {
		buf_printf(b, "  cannot encode: %s\n", err ? err : "?");
		free(err);
		return;
	}
	for (int i = 0; i < TABLE__COUNT; i++) {
		if (!set.t[i].present)
			continue;
		struct acpi_decoded d;
		struct buf lines = BUF_INIT;
		acpi_decode((const uint8_t *)set.t[i].bytes.s, set.t[i].bytes.len, &d);
		acpi_decoded_print(&d, &lines);
		buf_printf(b, "  %s (%s, %zu bytes):\n", acpi_table_name((enum table_sig)i),
			   acpi_effective_mode(t, (enum table_sig)i) == TABLE_OVERRIDE ? "override" : "install", set.t[i].bytes.len);
		for (char *line = lines.s, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			buf_printf(b, "    %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
			if (!nl)
				break;
		}
		buf_free(&lines);
		acpi_decoded_free(&d);
	}
	acpi_set_free(&set);
}

static void render_text(struct buf *b, const struct topology *t, struct strv *argv, const char *cmdline, const struct layout *l)
{
	char s[40], h[40];
	buf_printf(b, "topology %s: %s, %d vCPU%s, %s", t->name, t->machine == MACHINE_Q35 ? "q35" : "pc", t->cpus,
		   t->cpus == 1 ? "" : "s", (size_format(t->memory, s, sizeof s), s));
	buf_printf(b, ", %d NUMA node%s\n", t->n_nodes ? t->n_nodes : 1, t->n_nodes == 1 ? "" : "s");
	if (t->description)
		buf_printf(b, "  %s\n", t->description);

	buf_puts(b, "\nQEMU command:\n");
	for (int i = 0; i < argv->n; i++) {
		char *one[] = { argv->v[i], NULL };
		char *q = argv_to_display(one);
		bool opt = argv->v[i][0] == '-' && i + 1 < argv->n && argv->v[i + 1][0] != '-';
		buf_printf(b, "%s%s%s", i == 0 ? "  " : "", q, opt ? " " : (i + 1 < argv->n ? " \\\n    " : "\n"));
		free(q);
	}
	buf_printf(b, "\nKernel command line:\n  %s\n", cmdline);

	buf_puts(b, "\nRAM split (QEMU):\n");
	buf_printf(b, "  below 4G: %s, above 4G: %s\n", (size_format(l->below_4g, s, sizeof s), s),
		   (size_format(l->above_4g, h, sizeof h), h));

	if (l->generated_srat)
		buf_puts(b, "\nNUMA nodes (firmware view: our generated SRAT, as kernel node ids):\n");
	else
		buf_puts(b, "\nNUMA nodes (firmware view: QEMU's SRAT memory entries):\n");
	if (!t->n_nodes && !l->generated_srat)
		buf_puts(b, "  none: no SRAT; the kernel fakes one node (\"No NUMA configuration found\")\n");
	for (int k = 0; l->generated_srat && k < l->n_kernel_nodes; k++) {
		buf_printf(b, "  node %d (PXM %u):", k, l->kernel_node_pxm[k]);
		text_ranges(b, l->node_ranges, l->n_node_ranges, k);
		buf_puts(b, node_has_ranges(l, k) ? "\n" : " memoryless\n");
	}
	for (int i = 0; !l->generated_srat && i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		size_format(n->mem, s, sizeof s);
		buf_printf(b, "  node %d: %s", n->id, n->mem ? s : "memoryless");
		buf_puts(b, ", cpus ");
		if (cpuset_empty(&n->cpus))
			buf_puts(b, "none");
		else
			for (int c = 0, first = 1; c < TOPO_MAX_CPUS; c++)
				if (cpuset_has(&n->cpus, c)) {
					buf_printf(b, "%s%d", first ? "" : ",", c);
					first = 0;
				}
		text_ranges(b, l->node_ranges, l->n_node_ranges, n->id);
		buf_putc(b, '\n');
	}
	if (l->has_hotplug_window)
		buf_printf(b, "  hotplug window: [mem 0x%llx-0x%llx] on node %d (hotpluggable)\n",
			   (unsigned long long)l->hotplug_window.start, (unsigned long long)(l->hotplug_window.end - 1),
			   l->hotplug_window.node);

	if (t->firmware == FIRMWARE_GENERATED)
		describe_generated_tables(b, t);

	char *e = e820_format(l->e820, l->n_e820, "BIOS-e820");
	buf_printf(b, "\nBIOS-provided physical RAM map (SeaBIOS; the top of low RAM is exact to %lluK):\n%s",
		   (unsigned long long)(l->low_top_slack >> 10), e);
	free(e);
	if (l->n_user || t->n_cmdline) {
		bool userdef = false;
		for (int i = 0; i < t->n_cmdline; i++)
			userdef |= t->cmdline[i].kind == CMD_MEMMAP || t->cmdline[i].kind == CMD_MEM;
		if (userdef) {
			e = e820_format(l->user_e820, l->n_user, "user");
			if (l->user_map_refused)
				buf_puts(b, "\nuser-defined physical RAM map: refused (fewer than 2 entries): the kernel panics "
					 "\"Invalid user supplied memory map\" before panic= is parsed, and spins\n");
			else
				buf_printf(b, "\nuser-defined physical RAM map:\n%s", e);
			free(e);
		}
	}
	struct model m;
	if (model_compute(t, &m, NULL) == 0) {
		describe_model_text(b, &m);
		model_free(&m);
	}
	(void)h;
}

static void json_ranges(struct json *j, const struct mem_range *v, int n, bool with_node, bool with_type)
{
	json_array_begin(j);
	for (int i = 0; i < n; i++) {
		char a[24];
		json_object_begin(j);
		snprintf(a, sizeof a, "0x%llx", (unsigned long long)v[i].start);
		json_key(j, "start");
		json_string(j, a);
		snprintf(a, sizeof a, "0x%llx", (unsigned long long)(v[i].end - 1));
		json_key(j, "end");
		json_string(j, a);
		if (with_node) {
			json_key(j, "node");
			json_int(j, v[i].node);
		}
		if (with_type) {
			json_key(j, "type");
			json_string(j, e820_type_name(v[i].type));
		}
		json_object_end(j);
	}
	json_array_end(j);
}

static void render_json(struct buf *b, const struct topology *t, struct strv *argv, const char *cmdline, const struct layout *l)
{
	struct json j;
	json_init(&j, b, true);
	json_object_begin(&j);
	json_key(&j, "name");
	json_string(&j, t->name);
	json_key(&j, "qemu_argv");
	json_array_begin(&j);
	for (int i = 0; i < argv->n; i++)
		json_string(&j, argv->v[i]);
	json_array_end(&j);
	json_key(&j, "kernel_cmdline");
	json_string(&j, cmdline);
	json_key(&j, "below_4g");
	json_u64(&j, l->below_4g);
	json_key(&j, "above_4g");
	json_u64(&j, l->above_4g);
	json_key(&j, "srat_memory");
	json_ranges(&j, l->node_ranges, l->n_node_ranges, true, false);
	if (l->has_hotplug_window) {
		json_key(&j, "hotplug_window");
		json_ranges(&j, &l->hotplug_window, 1, true, false);
	}
	json_key(&j, "e820");
	json_ranges(&j, l->e820, l->n_e820, false, true);
	json_key(&j, "e820_low_top_slack");
	json_u64(&j, l->low_top_slack);
	json_key(&j, "user_e820");
	json_ranges(&j, l->user_e820, l->n_user, false, true);
	json_key(&j, "exactmap_cmdline");
	char *exact = l->n_user ? e820_to_exactmap(l->user_e820, l->n_user) : e820_to_exactmap(l->e820, l->n_e820);
	json_string(&j, exact);
	free(exact);
	struct model m;
	if (model_compute(t, &m, NULL) == 0) {
		json_key(&j, "early_node_ranges");
		json_ranges(&j, m.early, m.n_early, true, false);
		json_key(&j, "srat_source");
		json_string(&j, l->generated_srat ? "generated" : "qemu");
		json_key(&j, "memoryless_nodes");
		json_array_begin(&j);
		for (int i = 0; i < m.n_nodes; i++)
			if (!m.nodes[i].memory)
				json_int(&j, m.nodes[i].id);
		json_array_end(&j);
		describe_model_json(&j, &m);
		model_free(&m);
	}
	json_object_end(&j);
	buf_putc(b, '\n');
}

char *describe_topology(const struct topology *t, const struct qemu_config *cfg, bool json, char **err)
{
	struct strv argv;
	struct layout l;
	if (qemu_args_build(t, cfg, &argv, err) != 0)
		return NULL;
	if (layout_compute(t, &l, err) != 0) {
		strv_free(&argv);
		return NULL;
	}
	char *cmdline = kernel_cmdline(t, cfg ? cfg->extra_append : NULL);
	struct buf b = BUF_INIT;
	if (json)
		render_json(&b, t, &argv, cmdline, &l);
	else
		render_text(&b, t, &argv, cmdline, &l);
	free(cmdline);
	layout_free(&l);
	strv_free(&argv);
	return buf_steal(&b);
}
