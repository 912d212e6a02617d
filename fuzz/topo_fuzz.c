/* fuzz/topo_fuzz.c: any bytes -> .topo parser; whatever parses must
 * validate, describe (layout + QEMU argv) and print canonically, and the
 * printed form must parse back and print identically. */
#include "topologies/topo.h"
#include "acpi-gen/describe.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology t, u;
	struct topo_error err;
	if (topo_parse((const char *)data, size, "fuzz", &t, &err) != 0)
		return 0;
	struct topo_issues is;
	topo_validate(&t, &is);
	if (!is.n_errors && t.memory < (1ULL << 40)) {
		char *e = NULL;
		char *d = describe_topology(&t, NULL, false, &e);
		free(d);
		free(e);
	}
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
