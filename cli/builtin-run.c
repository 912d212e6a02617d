/* cli/builtin-run.c: `topofarm run` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm run: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_run = {
	"run", "(not written yet)", "topofarm run: not written yet\n", run_run,
};
