/* topologies/topo_load.c: files and directories of topologies -> parsed, validated sets. */
#include "topologies/topo_load.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(char ***out, int *n, char *p)
{
	*out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
	(*out)[(*n)++] = p;
}

int topo_expand_paths(char *const *args, int n_args, char ***out, int *n_out, FILE *errs)
{
	int bad = 0;
	*out = NULL;
	*n_out = 0;
	for (int i = 0; i < n_args; i++) {
		if (!is_dir(args[i])) {
			add_path(out, n_out, xstrdup(args[i]));
			continue;
		}
		DIR *d = opendir(args[i]);
		if (!d) {
			fprintf(errs, "%s: cannot open directory\n", args[i]);
			bad++;
			continue;
		}
		char **found = NULL;
		int n_found = 0;
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			if (len > 5 && !strcmp(e->d_name + len - 5, ".topo"))
				add_path(&found, &n_found, path_join(args[i], e->d_name));
		}
		closedir(d);
		qsort(found, (size_t)n_found, sizeof *found, by_name);
		for (int k = 0; k < n_found; k++)
			add_path(out, n_out, found[k]);
		free(found);
		if (!n_found) {
			fprintf(errs, "%s: no .topo files in this directory\n", args[i]);
			bad++;
		}
	}
	return bad;
}

void topo_print_issues(const char *path, const struct topo_issues *is, bool show_warnings, FILE *f)
{
	for (int i = 0; i < is->n; i++) {
		const struct topo_issue *x = &is->v[i];
		if (!x->error && !show_warnings)
			continue;
		fprintf(f, "%s:%d:%d: %s: %s\n", path, x->pos.line, x->pos.col, x->error ? "error" : "warning", x->msg);
	}
}

int topo_load_one(const char *path, struct topology *t, bool show_warnings, FILE *errs)
{
	struct topo_error err;
	if (topo_parse_file(path, t, &err) != 0) {
		char *msg = topo_error_string(&err);
		fprintf(errs, "%s\n", msg);
		free(msg);
		return -1;
	}
	struct topo_issues is;
	topo_validate(t, &is);
	topo_print_issues(path, &is, show_warnings, errs);
	int bad = is.n_errors > 0;
	topo_issues_free(&is);
	if (bad)
		topo_free(t);
	return bad;
}

int topo_load_all(char *const *args, int n_args, struct topo_set *set, bool show_warnings, FILE *errs)
{
	char **paths;
	int n_paths;
	int bad = topo_expand_paths(args, n_args, &paths, &n_paths, errs);
	memset(set, 0, sizeof *set);
	for (int i = 0; i < n_paths; i++) {
		struct topology t;
		if (topo_load_one(paths[i], &t, show_warnings, errs) != 0) {
			free(paths[i]);
			bad++;
			continue;
		}
		set->v = xrealloc(set->v, sizeof *set->v * (size_t)(set->n + 1));
		set->paths = xrealloc(set->paths, sizeof *set->paths * (size_t)(set->n + 1));
		set->v[set->n] = t;
		set->paths[set->n] = paths[i];
		set->n++;
	}
	free(paths);
	return bad;
}

void topo_set_free(struct topo_set *set)
{
	for (int i = 0; i < set->n; i++) {
		topo_free(&set->v[i]);
		free(set->paths[i]);
	}
	free(set->v);
	free(set->paths);
	memset(set, 0, sizeof *set);
}
