/* cli/builtin-triage.c: `topofarm triage` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_triage(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm triage: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_triage = {
	"triage", "(not written yet)", "topofarm triage: not written yet\n", run_triage,
};
