/* tests/test_bisect_boot.c: `topofarm bisect` on real boots (kernels from
 * the cache: farm-6.1-prefix, farm-6.1, debian-6.1):
 *   - seed 000 over farm-6.1-prefix, farm-6.1-prefix, farm-6.1, debian-6.1:
 *     the boundary is farm-6.1 (#3), every step deterministic;
 *   - the two-node baseline passes on farm-6.1 and debian-6.1: no boundary. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>

static int bisect(const char *kernels, const char *topo, const char *out, struct proc_result *r)
{
	char *t = path_join(test_repo_dir(), topo);
	char *argv[] = { (char *)topofarm_bin(), "bisect", "--kernels", (char *)kernels, t, "--out", (char *)out, NULL };
	int rc = run_captured(argv, 1200, r);
	free(t);
	return rc;
}

SLOW_TEST(bisect_finds_the_seed_000_boundary)
{
	char *out = path_join(test_tmpdir(), "b");
	struct proc_result r;
	CHECK_INT(bisect("farm-6.1-prefix,farm-6.1-prefix,farm-6.1,debian-6.1", "topologies/seeds/000-tiny-node.topo",
			 out, &r), 0);
	CHECK_CONTAINS(r.out, "reference #1   farm-6.1-prefix");
	CHECK_CONTAINS(r.out, "2/2 attempts: BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK_CONTAINS(r.out, "first different kernel: farm-6.1 (#3), after farm-6.1-prefix (#2)");
	CHECK_CONTAINS(r.out, "every step deterministic");
	if (test_failed_now)
		fprintf(stderr, "%s\n", r.out);
	proc_result_free(&r);
	/* again over the same results: nothing new is booted */
	CHECK_INT(bisect("farm-6.1-prefix,farm-6.1-prefix,farm-6.1,debian-6.1", "topologies/seeds/000-tiny-node.topo",
			 out, &r), 0);
	CHECK(strstr(r.out, "[boot") == NULL && strstr(r.out, "booting") == NULL);
	CHECK_CONTAINS(r.out, "first different kernel: farm-6.1 (#3)");
	proc_result_free(&r);
	free(out);
}

SLOW_TEST(bisect_a_layout_passing_everywhere_has_no_boundary)
{
	char *out = path_join(test_tmpdir(), "b");
	struct proc_result r;
	CHECK_INT(bisect("farm-6.1,debian-6.1", "topologies/examples/two-node.topo", out, &r), 0);
	CHECK_CONTAINS(r.out, "no boundary: debian-6.1 behaves like farm-6.1 (pass)");
	if (test_failed_now)
		fprintf(stderr, "%s\n", r.out);
	proc_result_free(&r);
	free(out);
}

/* Outcomes of the finished attempts of LAYOUT on KERNEL under out. */
static void count_outcomes(const char *out, const char *layout, const char *kernel, int *pass, int *other)
{
	*pass = *other = 0;
	for (int a = 1; a < 100; a++) {
		char *p = xasprintf("%s/runs/%s/%s/%d/record.json", out, layout, kernel, a);
		char *t = read_file(p, NULL);
		free(p);
		if (!t)
			break;
		if (strstr(t, "\"outcome\": \"pass\""))
			(*pass)++;
		else if (!strstr(t, "\"outcome\": \"infra\""))
			(*other)++;
		free(t);
	}
}

/* A reference with a flaky history (tests/run-boot/silence-race.topo: a
 * 3 s sleep in the guest). Its first attempt boots with the default silence
 * limit and passes; its second with --silence 2 and hangs in the sleep.
 * Both are real boots of the same layout on the same kernel, so the store
 * holds disagreeing attempts of the reference, as a timing race leaves
 * them; bisect (with --silence 2) must then boot it again up to --max-runs
 * and say it is flaky, not decide from two runs. (The race itself, a 2 s
 * sleep against a 2 s limit, went 10 of 10 one way in one full suite and
 * 16 of 16 the other way in the next: no test can stand on it.) */
SLOW_TEST(bisect_reruns_a_flaky_step)
{
	char *out = path_join(test_tmpdir(), "flaky");
	char *topo = path_join(test_repo_dir(), "tests/run-boot/silence-race.topo");
	const char *layout = "run-test-silence-race";
	int pass = 0, other = 0;
	static const char *const silence[] = { "30", "2" };
	for (int i = 0; i < 2; i++) {
		char n[8];
		snprintf(n, sizeof n, "%d", i + 1);
		char *argv[] = { (char *)topofarm_bin(), "run", topo, "--kernels", "farm-6.1", "--rerun", n, "--silence",
				 (char *)silence[i], "-j", "1", "--out", out, NULL };
		struct proc_result r;
		run_captured(argv, 600, &r);
		proc_result_free(&r);
	}
	count_outcomes(out, layout, "farm-6.1", &pass, &other);
	if (!(pass == 1 && other == 1)) {
		test_fail(__FILE__, __LINE__, "the reference's two attempts should be a pass (silence 30) and a hang "
			  "(silence 2): %d pass, %d not", pass, other);
		free(out), free(topo);
		return;
	}
	int before = pass + other;
	char *argv[] = { (char *)topofarm_bin(), "bisect", "--kernels", "farm-6.1,farm-6.1-prefix", topo, "--out", out,
			 "--silence", "2", "--max-runs", "12", NULL };
	struct proc_result r;
	int rc = run_captured(argv, 1200, &r);
	CHECK(rc == 0 || rc == 1);               /* decided by the threshold, or undecidable: never exit 3 */
	CHECK_CONTAINS(r.out, "reference #1   farm-6.1");
	CHECK_CONTAINS(r.out, " different behaviours)");   /* pass, and hangs at different steps */
	CHECK_CONTAINS(r.out, "/12 attempts: ");
	count_outcomes(out, layout, "farm-6.1", &pass, &other);
	CHECK(pass + other >= 12 && pass + other > before);   /* rerun up to --max-runs, not guessed */
	if (test_failed_now)
		fprintf(stderr, "%s\n", r.out);
	proc_result_free(&r);
	free(out), free(topo);
}
