/* cli/builtin-show.c: `topofarm show FILE.topo`: what a topology becomes. */
#include "cli/verb.h"
#include "acpi-gen/describe.h"
#include "runner/libvirt_xml.h"
#include "topologies/topo_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm show - print what a topology becomes\n"
"\n"
"SYNOPSIS\n"
"    topofarm show [--json | --canonical | --libvirt] FILE.topo...\n"
"\n"
"DESCRIPTION\n"
"    Prints, for each topology: the QEMU argument vector it boots with (the\n"
"    runner adds only the kernel and initrd paths), the kernel command line,\n"
"    and the physical layout the guest should see, predicted the way QEMU 7.2\n"
"    and SeaBIOS build it: the RAM split around 4G, each node's SRAT memory\n"
"    ranges, the hotplug window, the BIOS-e820 map, the user-defined map\n"
"    after memmap=/mem=, the kernel's \"Early memory node ranges\", and the\n"
"    memoryless nodes. Then the layout model (docs/model.md) predicts what\n"
"    Linux 6.1 builds from it: the SRAT lines and what NUMA init does with\n"
"    them (nodes kept, merged, dropped; the fallback to one fake node and\n"
"    why), each node's span and zone spans with their holes, the \"Zone\n"
"    ranges\" and ZONE_MOVABLE starts (movable_node, kernelcore=,\n"
"    movablecore=), the holes memmap_init() reports, every memory block\n"
"    (RAM, PMEM, reserved, hole; nodes, zones, partly populated,\n"
"    valid_zones) and the 128 MiB sections shared by nodes, zones, RAM and\n"
"    holes or PMEM. `topofarm run` checks every boot against it.\n"
"    Validation errors are printed first and stop it.\n"
"\n"
"OPTIONS\n"
"    --json        the same as one JSON object per topology\n"
"    --canonical   print the topology in canonical .topo form instead\n"
"    --libvirt     print the libvirt domain XML `run --backend libvirt` boots\n"
"                  (KERNEL and INITRD stand for the paths on the host); a\n"
"                  topology libvirt 9 cannot describe is an error saying why\n"
"                  (docs/farm.md lists what libvirt cannot say)\n"
"\n"
"EXAMPLES\n"
"    topofarm show topologies/seeds/000-tiny-node.topo\n"
"    topofarm show --json my.topo | jq .early_node_ranges\n"
"    topofarm show --json my.topo | jq .model.memory_blocks\n"
"\n"
"EXIT STATUS\n"
"    0 ok, 1 a topology has validation errors, 2 usage or parse error.\n";

static int run_show(int argc, char **argv)
{
	bool json = false, canonical = false, libvirt = false;
	int first = 1;
	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		if (!strcmp(argv[first], "--json"))
			json = true;
		else if (!strcmp(argv[first], "--canonical"))
			canonical = true;
		else if (!strcmp(argv[first], "--libvirt"))
			libvirt = true;
		else
			return usage_error(&verb_show, "unknown option %s", argv[first]);
	}
	if (first >= argc)
		return usage_error(&verb_show, "expected one or more FILE.topo arguments");
	if (json + canonical + libvirt > 1)
		return usage_error(&verb_show, "--json, --canonical and --libvirt exclude each other");
	int rc = EXIT_OK;
	for (int i = first; i < argc; i++) {
		struct topology t;
		struct topo_error err;
		if (topo_parse_file(argv[i], &t, &err) != 0) {
			char *msg = topo_error_string(&err);
			fprintf(stderr, "%s\n", msg);
			free(msg);
			rc = EXIT_USAGE;
			continue;
		}
		if (canonical) {
			char *text = topo_print(&t);
			fputs(text, stdout);
			free(text);
			topo_free(&t);
			continue;
		}
		struct topo_issues is;
		topo_validate(&t, &is);
		topo_print_issues(argv[i], &is, false, stderr);
		if (is.n_errors) {
			rc = rc == EXIT_OK ? EXIT_FINDINGS : rc;
		} else {
			char *e = NULL;
			char *out = libvirt ? libvirt_domain_xml(&t, NULL, &e) : describe_topology(&t, NULL, json, &e);
			if (!out) {
				fprintf(stderr, "%s: %s\n", argv[i], e ? e : "cannot describe");
				free(e);
				rc = EXIT_FINDINGS;
			} else {
				fputs(out, stdout);
				free(out);
			}
		}
		topo_issues_free(&is);
		topo_free(&t);
	}
	return rc;
}

const struct verb verb_show = {
	"show", "print the QEMU argv, kernel command line and predicted layout of a topology", help, run_show,
};
