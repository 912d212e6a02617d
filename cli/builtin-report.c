/* cli/builtin-report.c: `topofarm report` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm report: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_report = {
	"report", "(not written yet)", "topofarm report: not written yet\n", run_report,
};
