/* cli/verb.h: what a topofarm verb is. Each cli/builtin-VERB.c defines one
 * `const struct verb verb_VERB` and stays a thin layer over the libraries.
 * Exit codes every verb uses (README "Exit codes"):
 *   0 success / nothing found, 1 findings (validation errors, crashes,
 *   regressions), 2 usage error or unreadable input, 3 environment failure
 *   (missing tool, kernel not built, QEMU could not run). */
#ifndef CLI_VERB_H
#define CLI_VERB_H

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

struct verb {
	const char *name;
	const char *summary;          /* one line for `topofarm --help` */
	const char *help;             /* the man-page-grade text for `topofarm help VERB` */
	int (*run)(int argc, char **argv);   /* argv[0] is the verb name */
};

extern const struct verb verb_show, verb_check, verb_kernels, verb_acpi,
	verb_run, verb_triage, verb_compare, verb_report, verb_import, verb_bisect, verb_gen,
	verb_campaign, verb_minimize, verb_libvirt_console;

/* Prints "topofarm VERB: msg" to stderr and returns EXIT_USAGE. */
int usage_error(const struct verb *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "topofarm VERB ARGS..." shell-quoted, for the store's record of what ran
 * (argv as a verb gets it, the verb name first). Caller frees. */
char *verb_command_line(int argc, char **argv);

#endif
