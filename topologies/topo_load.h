/* topologies/topo_load.h: loading topologies named on a command line: files,
 * or directories of *.topo files (sorted), parsed and validated, with every
 * problem reported as FILE:LINE:COL. Shared by check, show, run and acpi. */
#ifndef TOPOLOGIES_TOPO_LOAD_H
#define TOPOLOGIES_TOPO_LOAD_H
#include "topologies/topo.h"
#include <stdio.h>

struct topo_set {
	struct topology *v;
	char **paths;
	int n;
};

/* Expands directories into their *.topo files (sorted by name). */
int topo_expand_paths(char *const *args, int n_args, char ***out, int *n_out, FILE *errs);
/* Parses and validates every path; prints errors (and warnings when
 * show_warnings) to errs. Returns the number of files with errors. */
int topo_load_all(char *const *args, int n_args, struct topo_set *set, bool show_warnings, FILE *errs);
void topo_set_free(struct topo_set *set);
/* Parses and validates one file, printing problems to errs as above.
 * Returns 0 (valid: *t filled), -1 (cannot read or parse) or 1 (validation
 * errors); *t is left empty on failure. */
int topo_load_one(const char *path, struct topology *t, bool show_warnings, FILE *errs);
/* Prints the validation issues of one topology as FILE:LINE:COL: error|warning: msg. */
void topo_print_issues(const char *path, const struct topo_issues *is, bool show_warnings, FILE *f);

#endif
