/* cli/builtin-compare.c: `topofarm compare` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_compare(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm compare: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_compare = {
	"compare", "(not written yet)", "topofarm compare: not written yet\n", run_compare,
};
