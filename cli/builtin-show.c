/* cli/builtin-show.c: `topofarm show` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm show: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_show = {
	"show", "(not written yet)", "topofarm show: not written yet\n", run_show,
};
