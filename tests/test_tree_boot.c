/* tests/test_tree_boot.c: tree= kernels for real. A git checkout of
 * linux-source-6.1 (made once and kept in the cache: test-trees/) is built
 * out of tree with the tiny farm config plus debug info, with seed bug 000
 * applied as an uncommitted change: the boot panics in deactivate_slab and
 * the report's guilty frame gets its mm/slub.c line from the vmlinux the
 * build kept. Undoing the change makes another kernel (another key), built
 * incrementally in the same O= directory: a few objects, not the kernel. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int run_in(const char *dir, char **argv, double timeout, char **out)
{
	struct proc_opts o = { .cwd = dir, .capture = true, .timeout = timeout };
	struct proc_result r = { 0 };
	int rc = proc_run(argv, &o, &r);
	if (out)
		*out = xstrdup(r.out ? r.out : "");
	proc_result_free(&r);
	return rc;
}

/* CACHE/test-trees/linux-source-6.1: the tarball as one commit. */
static char *test_checkout(void)
{
	const char *cache = getenv("TOPOFARM_CACHE");
	char *home = cache && *cache ? xstrdup(cache) : xasprintf("%s/.cache/topofarm", getenv("HOME"));
	char *trees = xasprintf("%s/test-trees", home);
	char *dir = xasprintf("%s/linux-source-6.1", trees);
	char *ready = xasprintf("%s/.git/topofarm-ready", dir);
	free(home);
	if (!path_exists(ready)) {
		char *tmp = xasprintf("%s/unpack.tmp", trees), *inner = xasprintf("%s/linux-source-6.1", tmp);
		remove_tree(tmp);
		remove_tree(dir);
		mkdir_p(tmp, 0755);
		char *tar[] = { "tar", "-xJf", "/usr/src/linux-source-6.1.tar.xz", "-C", tmp, NULL };
		char *init[] = { "git", "init", "-q", ".", NULL };
		/* -f: the Debian tarball's .gitignore ignores its whole top level */
		char *add[] = { "git", "add", "-f", "-A", ".", NULL };
		char *commit[] = { "git", "-c", "gc.auto=0", "-c", "user.name=topofarm", "-c", "user.email=topofarm@localhost",
				   "commit", "-q", "-m", "linux-source-6.1", NULL };
		char *out = NULL;
		if (run_in(NULL, tar, 1800, &out) != 0 || run_in(inner, init, 60, &out) != 0 ||
		    run_in(inner, add, 1800, &out) != 0 || run_in(inner, commit, 1800, &out) != 0 ||
		    rename(inner, dir) != 0)
			test_fail(__FILE__, __LINE__, "making the test checkout %s failed: %s", dir, out ? out : "");
		free(out);
		write_file_str(ready, "");
		remove_tree(tmp);
		free(tmp), free(inner);
	}
	free(trees), free(ready);
	return dir;
}

static void reset_checkout(const char *dir)
{
	char *checkout[] = { "git", "checkout", "-q", "--", ".", NULL };
	char *clean[] = { "git", "clean", "-fdxq", NULL };
	REQUIRE(run_in(dir, checkout, 600, NULL) == 0);
	REQUIRE(run_in(dir, clean, 600, NULL) == 0);
}

/* The main report of the only run in OUT, from `report --json`. */
static json_t *only_run(const char *out)
{
	char *path = path_join(test_tmpdir(), "report.json");
	char *argv[] = { (char *)topofarm_bin(), "report", "--dir", (char *)out, "--json", path, NULL };
	struct proc_result r;
	run_captured(argv, 120, &r);
	proc_result_free(&r);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	free(path);
	json_t *runs = root ? json_object_get(root, "runs") : NULL;
	if (!runs || json_array_size(runs) != 1) {
		test_fail(__FILE__, __LINE__, "%s: expected one run in report --json", out);
		json_decref(root);
		return NULL;
	}
	json_t *run = json_incref(json_array_get(runs, 0));
	json_decref(root);
	return run;
}

static long objects_built(const char *log)
{
	char *text = read_file(log, NULL);
	long n = 0;
	for (char *p = text; p && (p = strstr(p, "\n  CC ")); p += 5)
		n++;
	free(text);
	return n;
}

SLOW_TEST(tree_kernel_builds_a_checkout_incrementally_with_symbols)
{
	char *tree = test_checkout();
	reset_checkout(tree);
	const char *patches[] = { "runner/patches/bugs/switches.patch", "runner/patches/bugs/000-node-min-size.patch" };
	for (int i = 0; i < 2; i++) {
		char *abs = path_join(test_repo_dir(), patches[i]);
		char *argv[] = { "patch", "-p1", "-s", "-i", abs, NULL };
		REQUIRE(run_in(tree, argv, 120, NULL) == 0);
		free(abs);
	}
	char *conf = path_join(test_tmpdir(), "kernels.conf");
	char *conf_text = xasprintf("kernel mine tree=%s base-config=tinyconfig config=farm-tiny.config,debuginfo.config\n"
				    "    cmdline=topofarm.bugs=000\n", tree);
	REQUIRE(write_file_str(conf, conf_text) == 0);
	const char *home = getenv("TOPOFARM_CACHE");
	char *cache = home && *home ? xstrdup(home) : xasprintf("%s/.cache/topofarm", getenv("HOME"));
	char *log = xasprintf("%s/logs/build-mine.log", cache);

	/* 1: the checkout with the bug, as uncommitted changes */
	char *out1 = path_join(test_tmpdir(), "dirty");
	char *run1[] = { (char *)topofarm_bin(), "run", "topologies/seeds/000-tiny-node.topo", "--catalogue", conf,
			 "--kernels", "mine", "--out", out1, NULL };
	struct proc_result r;
	run_captured(run1, 5400, &r);
	json_t *run = only_run(out1);
	if (!run) {
		test_fail(__FILE__, __LINE__, "run on the dirty checkout:\n%.4000s", r.out ? r.out : "");
		proc_result_free(&r);
		return;
	}
	proc_result_free(&r);
	CHECK_STR(json_string_value(json_object_get(run, "outcome")), "panic");
	CHECK_STR(json_string_value(json_object_get(run, "title")), "BUG: kernel NULL pointer dereference in deactivate_slab");
	json_t *reports = json_object_get(run, "reports");
	const char *where = NULL;
	for (size_t i = 0; i < json_array_size(reports); i++) {
		json_t *p = json_array_get(reports, i);
		const char *frame = json_string_value(json_object_get(p, "frame"));
		if (frame && !strcmp(frame, "deactivate_slab"))
			where = json_string_value(json_object_get(p, "where"));
	}
	REQUIRE(where != NULL);
	CHECK_CONTAINS(where, "mm/slub.c:");
	json_decref(run);

	/* 2: the change undone: another kernel, built in the same directory.
	 * Its cached image is dropped first, so this build always runs. */
	reset_checkout(tree);
	char *list[] = { (char *)topofarm_bin(), "kernels", "--catalogue", conf, "list", "-v", NULL };
	run_captured(list, 60, &r);
	CHECK_CONTAINS(r.out, "tree ");
	char tree_key[17] = "", key[17] = "";
	const char *keys = r.out ? strstr(r.out, "build key ") : NULL;
	REQUIRE(keys && sscanf(keys, "build key %16[0-9a-f], tree %16[0-9a-f]", key, tree_key) == 2);
	proc_result_free(&r);
	char *built = xasprintf("%s/kernels/mine-%s", cache, key);
	remove_tree(built);
	free(built);
	char *out2 = path_join(test_tmpdir(), "clean");
	char *run2[] = { (char *)topofarm_bin(), "run", "topologies/seeds/000-tiny-node.topo", "--catalogue", conf,
			 "--kernels", "mine", "--out", out2, NULL };
	run_captured(run2, 5400, &r);
	proc_result_free(&r);
	run = only_run(out2);
	REQUIRE(run != NULL);
	CHECK_STR(json_string_value(json_object_get(run, "outcome")), "pass");
	json_decref(run);
	/* Incremental: the objects compiled are a small share of those the
	 * O= directory holds. */
	char *obj = xasprintf("%s/build/%s/obj", cache, tree_key);
	char *find[] = { "find", obj, "-name", "*.o", NULL };
	char *found = NULL;
	REQUIRE(run_in(NULL, find, 120, &found) == 0);
	long total = 0;
	for (char *p = found; (p = strchr(p, '\n')); p++)
		total++;
	long rebuilt = objects_built(log);
	CHECK(total > 300);
	CHECK(rebuilt > 0 && rebuilt * 10 < total);
	if (rebuilt * 10 >= total)
		test_fail(__FILE__, __LINE__, "the clean build compiled %ld of %ld objects", rebuilt, total);
	free(found), free(obj);
	free(tree), free(conf), free(conf_text), free(cache), free(log), free(out1), free(out2);
}
