/* tests/test_runner.c: the test runner's own contract, on itself: a boot
 * test whose kernel is missing from the cache is counted as skipped (not
 * passed), the closing line says "N passed, N failed, N skipped", and under
 * CI (TOPOFARM_REQUIRE_ALL=1, as `make test` sets, or CI=true) a skipped test
 * fails the run while a laptop run may skip. The child runs one real boot
 * test against an empty kernel cache, so it skips before booting anything. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run_self(const char *cache, const char *require_all, struct proc_result *r)
{
	char *env_cache = xasprintf("TOPOFARM_CACHE=%s", cache);
	char *env_require = xasprintf("TOPOFARM_REQUIRE_ALL=%s", require_all);
	char *env[] = { env_cache, env_require, "TOPOFARM_SKIP_SLOW=0", "CI=false", NULL };
	char *argv[] = { "/proc/self/exe", "run_refused_argument_is_infra", NULL };
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		argv[0] = exe;
	}
	struct proc_opts o = { .capture = true, .timeout = 120, .env = env };
	proc_run(argv, &o, r);
	free(env_cache);
	free(env_require);
	return r->exit_code;
}

TEST(runner_counts_missing_kernels_as_skipped_and_ci_fails_on_them)
{
	char *cache = path_join(test_tmpdir(), "empty-cache");
	REQUIRE(mkdir_p(cache, 0755) == 0);
	struct proc_result r;
	CHECK_INT(run_self(cache, "0", &r), 0);   /* a laptop may skip */
	CHECK_CONTAINS(r.out, "SKIP run_refused_argument_is_infra");
	CHECK_CONTAINS(r.out, "skipped: kernel debian-6.1 is not in the cache");
	CHECK_CONTAINS(r.out, "0 passed, 0 failed, 1 skipped");
	proc_result_free(&r);
	CHECK_INT(run_self(cache, "1", &r), 1);   /* CI may not */
	CHECK_CONTAINS(r.out, "0 passed, 0 failed, 1 skipped");
	CHECK_CONTAINS(r.out, "FAIL: 1 test could not run");
	proc_result_free(&r);
	free(cache);
}
