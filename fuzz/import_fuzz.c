/* fuzz/import_fuzz.c: libFuzzer harness for `topofarm import`. Any bytes are
 * a pasted bug report; the import either fails with a message naming the
 * report, or writes a topology that parses, validates without errors and
 * has a layout the model can compute. */
#include "topologies/import.h"
#include "topologies/topo.h"
#include "acpi-gen/layout.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *topo = NULL, *err = NULL;
	if (topo_import((const char *)data, size, "report", "fuzzed", &topo, &err) != 0) {
		if (!err || strncmp(err, "report:", 7))
			__builtin_trap();
		free(err);
		return 0;
	}
	struct topology t;
	struct topo_error e;
	if (topo_parse(topo, strlen(topo), "fuzzed", &t, &e) != 0)
		__builtin_trap();
	struct topo_issues is = { 0 };
	topo_validate(&t, &is);
	if (is.n_errors)
		__builtin_trap();
	topo_issues_free(&is);
	struct layout l;
	if (layout_compute(&t, &l, NULL) != 0)
		__builtin_trap();
	layout_free(&l);
	topo_free(&t);
	free(topo);
	return 0;
}
