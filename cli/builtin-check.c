/* cli/builtin-check.c: `topofarm check` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm check: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_check = {
	"check", "(not written yet)", "topofarm check: not written yet\n", run_check,
};
