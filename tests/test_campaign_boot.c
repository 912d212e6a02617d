/* tests/test_campaign_boot.c: `topofarm campaign` with real boots (run them
 * under the boot lock). A tiny-node campaign on farm-6.1-prefix,farm-6.1
 * finds the seed-000 bucket without the seed file, labels the pair fixed,
 * and every run's layout is recreated from the store byte for byte, equal
 * to the topology.topo the run booted; a second call boots nothing. SIGKILL
 * and SIGINT at random moments (bench/chaos campaign): 0 lost, 0
 * duplicated, 0 QEMU left. The progress line shows on a terminal (a pty
 * through script(1)) and nowhere else. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "results/store.h"
#include "runner/kernels.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define CAMPAIGN_LIMIT 900   /* seconds one campaign call may take */

/* The cached image of a kernel the test can do without (caller frees), or NULL. */
static char *test_kernel_image_quiet(const char *name)
{
	struct kernel_catalogue *cat = NULL;
	char *err = NULL, *image = NULL;
	if (kernel_catalogue_load(NULL, &cat, &err) == 0) {
		const struct kernel_entry *k = kernel_find(cat, name);
		image = k ? kernel_image_path(k) : NULL;
	}
	free(err);
	kernel_catalogue_free(cat);
	return image;
}

static bool have_kernel(const char *name)
{
	char *image = test_kernel_image(name);
	free(image);
	return image != NULL;
}

/* Run ids and directories of every run in OUT's store. */
static int stored_runs(const char *out, long long *ids, char **dirs, int max)
{
	char *db = path_join(out, "topofarm.db");
	sqlite3 *h;
	int n = 0;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, "SELECT id, dir FROM runs ORDER BY id", -1, &st, NULL) == SQLITE_OK) {
			while (n < max && sqlite3_step(st) == SQLITE_ROW) {
				ids[n] = sqlite3_column_int64(st, 0);
				dirs[n] = xstrdup((const char *)sqlite3_column_text(st, 1));
				n++;
			}
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(h);
	free(db);
	return n;
}

SLOW_TEST(campaign_finds_seed000_and_labels_the_pair_fixed)
{
	if (!have_kernel("farm-6.1-prefix") || !have_kernel("farm-6.1"))
		return;
	char *out = path_join(test_tmpdir(), "night");
	/* Seed 1 of tiny-node: its first layout has a 2 MiB node with a CPU. */
	char *argv[] = { (char *)topofarm_bin(), "campaign", "--count", "2", "--strategy", "tiny-node", "--seed", "1",
			 "--kernels", "farm-6.1-prefix,farm-6.1", "-j", "2", "--accel", "tcg", "--out", out, NULL };
	struct proc_result r;
	int rc = run_captured(argv, CAMPAIGN_LIMIT, &r);
	CHECK(rc == 0 || rc == 1);
	const char *title = "BUG: kernel NULL pointer dereference in deactivate_slab";
	CHECK_CONTAINS(r.out, title);
	CHECK_CONTAINS(r.out, "farm-6.1-prefix vs farm-6.1: fixed on 1 layout");
	/* Off a terminal: no progress line. */
	CHECK(!strstr(r.out, "boots/h"));
	CHECK(!strchr(r.out, '\r'));
	proc_result_free(&r);
	char *summary_path = path_join(out, "summary.txt");
	char *summary = read_file(summary_path, NULL);
	CHECK_CONTAINS(summary, title);
	/* seed 000's title is a known bug (results/known.conf): a known bucket. */
	CHECK_CONTAINS(summary, "== KNOWN BUCKETS ==\n\nBUG: kernel NULL pointer dereference in deactivate_slab\n"
				"  known bug seed-000; 1 run on farm-6.1-prefix (1)\n"
				"  farm-6.1-prefix vs farm-6.1: fixed on 1 layout\n");
	char *cmp_path = path_join(out, "compare-farm-6.1-prefix-farm-6.1.txt");
	char *cmp = read_file(cmp_path, NULL);
	CHECK_CONTAINS(cmp, "gen-tiny-node-1-0            fixed");
	/* Each run's layout, made again from the store alone, is the file it booted. */
	long long ids[16];
	char *dirs[16];
	int n = stored_runs(out, ids, dirs, 16);
	CHECK_INT(n, 4);
	for (int i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof id, "%lld", ids[i]);
		char *file = path_join(test_tmpdir(), "again.topo"), *booted_path = path_join(dirs[i], "topology.topo");
		char *rec[] = { (char *)topofarm_bin(), "campaign", "--recreate", id, "--out", out, "-o", file, NULL };
		CHECK_INT(run_captured(rec, 60, &r), 0);
		proc_result_free(&r);
		size_t la, lb;
		char *a = read_file(file, &la), *b = read_file(booted_path, &lb);
		if (!a || !b || la != lb || memcmp(a, b, la) != 0)
			test_fail(__FILE__, __LINE__, "run %lld: the recreated layout differs from %s", ids[i], booted_path);
		free(a), free(b), free(file), free(booted_path), free(dirs[i]);
	}
	/* The same command again boots nothing and says the same. */
	rc = run_captured(argv, CAMPAIGN_LIMIT, &r);
	CHECK(rc == 0 || rc == 1);
	CHECK_CONTAINS(r.out, "resuming campaign-1: 2 layouts planned, 2 judged");
	proc_result_free(&r);
	CHECK_INT(stored_runs(out, ids, dirs, 16), 4);
	for (int i = 0; i < 4; i++)
		free(dirs[i]);
	free(summary), free(summary_path), free(cmp), free(cmp_path), free(out);
}

SLOW_TEST(campaign_chaos_kills_lose_and_duplicate_nothing)
{
	if (!have_kernel("farm-6.1"))
		return;
	char *argv[] = { "bench/chaos", "8", "farm-6.1", "777", "campaign", NULL };
	struct proc_result r;
	int rc = run_captured(argv, 1800, &r);
	if (rc != 0)
		test_fail(__FILE__, __LINE__, "bench/chaos campaign exited %d:\n%s", rc, r.out ? r.out : "");
	const char *zeros[] = { "lost runs        0\n", "duplicated runs  0\n", "processes left   0\n",
				"unfinished       0\n", "stray dirs       0\n" };
	for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++)
		CHECK_CONTAINS(r.out, zeros[i]);
	CHECK_CONTAINS(r.out, "chaos: 8 kills");
	CHECK_CONTAINS(r.out, "`topofarm campaign -j2`");
	proc_result_free(&r);
}

SLOW_TEST(campaign_progress_line_only_on_a_terminal)
{
	if (!have_kernel("farm-6.1-prefix") || !have_kernel("farm-6.1") || !program_exists("script"))
		return;
	char *out = path_join(test_tmpdir(), "tty");
	/* script(1) gives the campaign a pty; its output is what the terminal got.
	 * No --kernels: the nightly matrix, the default pair plus farm-6.12-debug
	 * and farm-6.1-gcov, each when it is cached (else said, and the night
	 * goes on). */
	char *cmd = xasprintf("'%s' campaign --count 1 --strategy numa-shape --seed 5 -j 2 "
			      "--accel tcg --out '%s'", topofarm_bin(), out);
	char *argv[] = { "script", "-qefc", cmd, "/dev/null", NULL };
	struct proc_result r;
	int rc = run_captured(argv, CAMPAIGN_LIMIT, &r);
	CHECK(rc == 0 || rc == 1);
	char *debug = test_kernel_image_quiet("farm-6.12-debug"), *gcov = test_kernel_image_quiet("farm-6.1-gcov");
	char *boots = xasprintf("\r\033[K[campaign campaign-5] boots 0/%d, ", 2 + !!debug + !!gcov);
	char *matrix = xasprintf("on farm-6.1-prefix, farm-6.1%s%s (seed 5", debug ? ", farm-6.12-debug" : "",
				 gcov ? ", farm-6.1-gcov" : "");
	CHECK_CONTAINS(r.out, boots);
	CHECK_CONTAINS(r.out, " boots/h, 0 new buckets, ");
	CHECK_CONTAINS(r.out, " left");
	CHECK_CONTAINS(r.out, matrix);
	if (!debug)
		CHECK_CONTAINS(r.out, "farm-6.12-debug is not in the cache (`topofarm kernels fetch farm-6.12-debug` builds it); "
				      "going on without it");
	free(boots), free(matrix), free(gcov);
	free(debug);
	proc_result_free(&r);
	free(cmd), free(out);
}
