/* tests/test_resume.c: `run` resumes from the store, the one source of
 * truth, and deletes nothing. An OUT prepared by hand: attempt 1 stored
 * (done), attempt 2 a directory the store does not know (interrupted: moved
 * to OUT/incomplete with its files, never deleted), attempt 3 stored by a
 * "newer topofarm" (an outcome this build does not know: skipped with a
 * warning, its number kept). No boot happens: QEMU is a missing path, so
 * the missing run ends as infra after three attempts (4, 5, 6). */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/results_fixture.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "results/store.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static void store_fixture(const char *out, int attempt, const char *log)
{
	struct run_record rec;
	struct store *s;
	char *err = NULL;
	if (fixture_record(out, "topologies/examples/two-node.topo", "debian-6.1", attempt, log, NULL, "earlier", attempt,
			   &rec, &err) != 0 || store_open(out, &s, &err) != 0) {
		test_fail(__FILE__, __LINE__, "fixture: %s", err);
		free(err);
		return;
	}
	CHECK(store_add_run(s, &rec, NULL, &err) == 0);
	store_close(s);
	run_record_free(&rec);
}

TEST(resume_reads_the_store_and_deletes_nothing)
{
	char *image = test_kernel_image("debian-6.1");   /* else run would fetch it */
	if (!image)
		return;
	free(image);
	char *out = path_join(test_tmpdir(), "out");
	store_fixture(out, 1, "clean_boot_61");
	store_fixture(out, 3, "clean_boot_61");
	/* Attempt 3 as a newer topofarm would have stored it. */
	char *db = path_join(out, "topofarm.db");
	sqlite3 *raw;
	REQUIRE(sqlite3_open(db, &raw) == SQLITE_OK);
	CHECK(sqlite3_exec(raw, "UPDATE runs SET outcome = 'from-the-future' WHERE attempt = 3", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(raw);
	/* Attempt 2: files on disk, no row (killed before it was stored). */
	char *two = path_join(out, "runs/two-node/debian-6.1/2");
	REQUIRE(mkdir_p(two, 0755) == 0);
	char *console = path_join(two, "console.log");
	REQUIRE(write_file_str(console, "half a boot\n") == 0);

	char *argv[] = { (char *)topofarm_bin(), "run", "topologies/examples/two-node.topo", "--kernels", "debian-6.1",
			 "--rerun", "2", "--qemu", "/nonexistent/qemu-system-x86_64", "--accel", "tcg", "-j", "1",
			 "--out", out, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(argv, 300, &r), 3);
	CHECK_CONTAINS(r.out, "1 run to do (1 already finished");
	CHECK_CONTAINS(r.out, "/3 was stored by a newer topofarm (unknown outcome); skipped, not counted");
	CHECK_CONTAINS(r.out, "runs/two-node/debian-6.1/2 was not finished (no record in the store); moved to ");
	proc_result_free(&r);
	char *moved = path_join(out, "incomplete/two-node/debian-6.1/2/console.log");
	char *text = read_file(moved, NULL);
	CHECK_STR(text, "half a boot\n");
	CHECK(!path_exists(two));
	/* The new attempts start above every number the store holds. */
	for (int a = 4; a <= 6; a++) {
		char *dir = xasprintf("%s/runs/two-node/debian-6.1/%d", out, a);
		CHECK(is_dir(dir));
		free(dir);
	}
	char *seven = path_join(out, "runs/two-node/debian-6.1/7");
	CHECK(!path_exists(seven));
	free(seven), free(text), free(moved), free(console), free(two), free(db), free(out);
}
