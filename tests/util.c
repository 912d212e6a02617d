/* tests/util.c: case-file listing and expected-result reading for data-driven tests. */
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "runner/kernels.h"
#include "tests/harness.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *dir, const char *suffix, bool recursive, struct file_list *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	size_t sl = strlen(suffix);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = path_join(dir, e->d_name);
		size_t l = strlen(e->d_name);
		if (recursive && is_dir(p)) {
			walk(p, suffix, true, out);
			free(p);
		} else if (l > sl && !strcmp(e->d_name + l - sl, suffix)) {
			out->v = xrealloc(out->v, sizeof *out->v * (size_t)(out->n + 1));
			out->v[out->n++] = p;
		} else {
			free(p);
		}
	}
	closedir(d);
}

void list_files(const char *dir, const char *suffix, struct file_list *out)
{
	out->v = NULL;
	out->n = 0;
	walk(dir, suffix, false, out);
	if (out->n)
		qsort(out->v, (size_t)out->n, sizeof *out->v, by_name);
}

void list_files_recursive(const char *dir, const char *suffix, struct file_list *out)
{
	out->v = NULL;
	out->n = 0;
	walk(dir, suffix, true, out);
	if (out->n)
		qsort(out->v, (size_t)out->n, sizeof *out->v, by_name);
}

void file_list_free(struct file_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *read_expected_raw(const char *case_path, const char *ext)
{
	const char *dot = strrchr(case_path, '.');
	size_t base = dot ? (size_t)(dot - case_path) : strlen(case_path);
	char *p = xasprintf("%.*s%s", (int)base, case_path, ext);
	char *text = read_file(p, NULL);
	free(p);
	return text;
}

char *read_expected(const char *case_path, const char *ext)
{
	char *text = read_expected_raw(case_path, ext);
	if (text) {
		size_t n = strlen(text);
		while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = 0;
	}
	return text;
}

const char *topofarm_bin(void)
{
	const char *b = getenv("TOPOFARM_BIN");
	return b && *b ? b : "build/topofarm";
}

int run_captured(char **argv, double timeout, struct proc_result *res)
{
	struct proc_opts o = { .capture = true, .timeout = timeout };
	proc_run(argv, &o, res);
	return res->exit_code;
}

char *test_kernel_image(const char *name)
{
	struct kernel_catalogue *cat = NULL;
	char *err = NULL, *image = NULL;
	if (kernel_catalogue_load(NULL, &cat, &err) != 0) {
		test_fail(__FILE__, __LINE__, "kernel catalogue: %s", err ? err : "?");
		free(err);
		return NULL;
	}
	const struct kernel_entry *k = kernel_find(cat, name);
	if (!k)
		test_fail(__FILE__, __LINE__, "no kernel '%s' in the catalogue", name);
	else if (!(image = kernel_image_path(k)))
		test_skip("kernel %s is not in the cache: `topofarm kernels fetch %s` (make test does)", name, name);
	kernel_catalogue_free(cat);
	return image;
}
