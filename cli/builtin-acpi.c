/* cli/builtin-acpi.c: `topofarm acpi` (not written yet). */
#include "cli/verb.h"
#include <stdio.h>

static int run_acpi(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("topofarm acpi: not implemented yet\n", stderr);
	return EXIT_ENV;
}

const struct verb verb_acpi = {
	"acpi", "(not written yet)", "topofarm acpi: not written yet\n", run_acpi,
};
