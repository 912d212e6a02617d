/* fuzz/topo_fuzz.c: any bytes -> .topo parser; whatever parses must
 * validate, describe (layout + QEMU argv) and print canonically, and the
 * printed form must parse back and print identically. Two more oracles:
 * a parsed name is safe to use as a run directory (one path component,
 * never "." or ".."), and a topology the validator accepts has a layout the
 * model can compute, with QEMU's node ranges inside 40 address bits. */
#include "topologies/topo.h"
#include "topologies/topo_address.h"
#include "acpi-gen/describe.h"
#include "acpi-gen/layout.h"
#include "common/fsutil.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_name_as_path(const struct topology *t)
{
	if (!topo_name_valid(t->name))
		abort();   /* the parser let through a name that must not become a directory */
	char *dir = path_join("runs", t->name);
	if (strncmp(dir, "runs/", 5) != 0 || strchr(dir + 5, '/') || !strcmp(dir + 5, ".") || !strcmp(dir + 5, ".."))
		abort();   /* the name escaped its directory */
	free(dir);
}

static void check_layout(const struct topology *t)
{
	struct layout l;
	char *e = NULL;
	if (layout_compute(t, &l, &e) != 0)
		abort();   /* valid for the validator, impossible for the model */
	for (int i = 0; i < l.n_node_ranges && !l.generated_srat; i++)
		if (l.node_ranges[i].end <= l.node_ranges[i].start || l.node_ranges[i].end > (1ULL << QEMU_PHYS_BITS))
			abort();   /* a wrapped or out-of-range node */
	layout_free(&l);
	char *d = describe_topology(t, NULL, false, &e);
	free(d);
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology t, u;
	struct topo_error err;
	if (topo_parse((const char *)data, size, "fuzz", &t, &err) != 0)
		return 0;
	check_name_as_path(&t);
	struct topo_issues is;
	topo_validate(&t, &is);
	if (!is.n_errors)
		check_layout(&t);
	topo_issues_free(&is);
	char *p1 = topo_print(&t);
	if (topo_parse(p1, strlen(p1), "printed", &u, &err) != 0)
		abort();   /* the printer wrote something the parser refuses */
	char *p2 = topo_print(&u);
	if (strcmp(p1, p2) != 0)
		abort();   /* printing is not canonical */
	free(p1);
	free(p2);
	topo_free(&u);
	topo_free(&t);
	return 0;
}
