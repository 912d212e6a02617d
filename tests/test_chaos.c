/* tests/test_chaos.c: results are never lost, with real boots. bench/chaos
 * kills `topofarm run -j2` ten times at random moments (fixed seed here),
 * alternating SIGINT and SIGKILL, resumes, and counts lost runs, duplicated
 * runs, QEMU/Expect processes left behind, runs still missing and attempt
 * directories the store does not know: every figure must be 0. Small
 * layouts on the fast farm-6.1 kernel (debian-6.1 when farm-6.1 is not
 * built), so it stays around a minute or two. Run it under the boot lock. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>

SLOW_TEST(chaos_kills_lose_and_duplicate_nothing)
{
	char *image = test_kernel_image("debian-6.1");   /* the fallback must at least be there */
	if (!image)
		return;
	free(image);
	char *argv[] = { "bench/chaos", "10", "", "4242", NULL };
	struct proc_result r;
	int rc = run_captured(argv, 1200, &r);
	if (rc != 0)
		test_fail(__FILE__, __LINE__, "bench/chaos exited %d:\n%s", rc, r.out ? r.out : "");
	const char *zeros[] = { "lost runs        0\n", "duplicated runs  0\n", "processes left   0\n",
				"unfinished       0\n", "stray dirs       0\n" };
	for (size_t i = 0; i < sizeof zeros / sizeof *zeros; i++)
		CHECK_CONTAINS(r.out, zeros[i]);
	CHECK_CONTAINS(r.out, "chaos: 10 kills");
	proc_result_free(&r);
}
