/* cli/builtin-check.c: `topofarm check FILE|DIR...`: parse and validate. */
#include "cli/verb.h"
#include "topologies/topo_load.h"
#include <stdio.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm check - parse and validate topology files\n"
"\n"
"SYNOPSIS\n"
"    topofarm check [--quiet] FILE.topo|DIR...\n"
"\n"
"DESCRIPTION\n"
"    Parses each .topo file (directories: every *.topo in them) and validates\n"
"    it. Errors are layouts QEMU 7.2 would refuse, each quoting QEMU's rule;\n"
"    warnings are layouts the kernel may dislike (tiny nodes, unaligned RAM,\n"
"    invalid SLITs): those are allowed, they are what topofarm is for.\n"
"    Every message has the form FILE:LINE:COL: error|warning: text.\n"
"\n"
"OPTIONS\n"
"    --quiet   print errors only, not warnings\n"
"\n"
"EXAMPLES\n"
"    topofarm check topologies/seeds\n"
"    topofarm check my-layout.topo\n"
"\n"
"EXIT STATUS\n"
"    0 all files valid, 1 some file has errors, 2 usage error.\n";

static int run_check(int argc, char **argv)
{
	bool quiet = false;
	int first = 1;
	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		if (!strcmp(argv[first], "--quiet") || !strcmp(argv[first], "-q"))
			quiet = true;
		else
			return usage_error(&verb_check, "unknown option %s", argv[first]);
	}
	if (first >= argc)
		return usage_error(&verb_check, "expected one or more FILE.topo or DIR arguments");
	struct topo_set set;
	int bad = topo_load_all(argv + first, argc - first, &set, !quiet, stderr);
	printf("%d topolog%s valid, %d with errors\n", set.n, set.n == 1 ? "y" : "ies", bad);
	topo_set_free(&set);
	return bad ? EXIT_FINDINGS : EXIT_OK;
}

const struct verb verb_check = {
	"check", "parse and validate .topo files", help, run_check,
};
