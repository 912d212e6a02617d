/* cli/builtin-kernels.c: `topofarm kernels` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_kernels(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm kernels: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_kernels = {
	"kernels", "(not written yet)", "topofarm kernels: not written yet\n", run_kernels,
};
