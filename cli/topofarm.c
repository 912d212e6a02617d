/* cli/topofarm.c: the topofarm entry point: global options and dispatch to
 * one verb, the way git and perf do it. */
#include "cli/verb.h"
#include "common/proc.h"
#include "common/strv.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TOPOFARM_VERSION "0.1.0"

static const struct verb *const verbs[] = {
	&verb_show, &verb_check, &verb_acpi, &verb_kernels, &verb_run,
	&verb_triage, &verb_compare, &verb_report, &verb_import, &verb_bisect, &verb_gen, &verb_campaign, &verb_minimize, &verb_libvirt_console,
};
#define N_VERBS (int)(sizeof verbs / sizeof verbs[0])

static const char overview[] =
"usage: topofarm [--version] [--help] VERB [ARGS...]\n"
"\n"
"topofarm builds adversarial physical memory layouts (NUMA nodes of a few\n"
"MiB, holes, unaligned RAM, memmap= carve-outs, hotplug), boots kernels on\n"
"them under QEMU, and triages what the console shows into deduplicated\n"
"crash reports. A layout is a .topo file (docs/topology.md).\n"
"\n"
"Verbs:\n";

static void print_overview(FILE *f)
{
	fputs(overview, f);
	for (int i = 0; i < N_VERBS; i++)
		fprintf(f, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
	fputs("\nRun `topofarm help VERB` for a verb's options and examples.\n"
	      "Exit codes: 0 ok, 1 findings (invalid layouts, crashes, regressions),\n"
	      "2 usage error or unreadable input, 3 environment failure.\n", f);
}

static const struct verb *find_verb(const char *name)
{
	for (int i = 0; i < N_VERBS; i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

char *verb_command_line(int argc, char **argv)
{
	struct strv v = { 0 };
	strv_add(&v, "topofarm");
	for (int i = 0; i < argc; i++)
		strv_add(&v, argv[i]);
	char *s = argv_to_display(strv_argv(&v));
	strv_free(&v);
	return s;
}

int usage_error(const struct verb *v, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "topofarm %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `topofarm help %s`)\n", v->name);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("topofarm %s\n", TOPOFARM_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "help")) {
		if (argc < 3) {
			print_overview(stdout);
			return EXIT_OK;
		}
		const struct verb *v = find_verb(argv[2]);
		if (!v) {
			fprintf(stderr, "topofarm: no verb '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		fputs(v->help, stdout);
		return EXIT_OK;
	}
	const struct verb *v = find_verb(cmd);
	if (!v) {
		fprintf(stderr, "topofarm: '%s' is not a verb. See `topofarm --help`.\n", cmd);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(v->help, stdout);
			return EXIT_OK;
		}
	return v->run(argc - 1, argv + 1);
}
