/* tests/main.c: runs every registered test, in file then name order (FINAL
 * tests last), each in a fresh temporary directory; prints one line per test
 * and the closing "N passed, N failed, N skipped" line CI reads. Arguments are
 * substrings: only tests whose name or file contains one of them run.
 * Skipped tests fail the run under CI (CI=true or TOPOFARM_REQUIRE_ALL=1)
 * unless TOPOFARM_SKIP_SLOW=1 asked for the boot-free subset. */
#include "tests/harness.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/buf.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#define MAX_TESTS 4096
static const struct test_case *tests[MAX_TESTS];
static int ntests;
int test_failed_now;
static int test_skipped_now;
static char *initial_git_status;
static char tmpdir[256];
static char repo_dir[4096];

void test_register(const struct test_case *t)
{
	if (ntests < MAX_TESTS)
		tests[ntests++] = t;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	test_failed_now = 1;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "  skipped: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	test_skipped_now = 1;
}

const char *test_initial_git_status(void) { return initial_git_status; }

const char *test_repo_dir(void) { return repo_dir; }
const char *test_tmpdir(void) { return tmpdir; }

static int by_file_then_name(const void *a, const void *b)
{
	const struct test_case *x = *(const struct test_case *const *)a;
	const struct test_case *y = *(const struct test_case *const *)b;
	if (x->final != y->final)
		return x->final - y->final;
	int c = strcmp(x->file, y->file);
	return c ? c : strcmp(x->name, y->name);
}

static int selected(const struct test_case *t, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(t->name, argv[i]) || strstr(t->file, argv[i]))
			return 1;
	return 0;
}

static bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);
	return v && !strcmp(v, value);
}

/* The tree as it was before any test ran, for the FINAL tree-clean check. */
static void snapshot_git_status(int argc, char **argv)
{
	bool any_final = false;
	for (int i = 0; i < ntests; i++)
		any_final |= tests[i]->final && selected(tests[i], argc, argv);
	if (!any_final)
		return;
	char *git[] = { "git", "status", "--porcelain", "--untracked-files=all", NULL };
	struct proc_opts o = { .capture = true, .timeout = 60 };
	struct proc_result r;
	if (proc_run(git, &o, &r) == 0 && r.exit_code == 0)
		initial_git_status = xstrdup(r.out ? r.out : "");
	proc_result_free(&r);
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, slow_skipped = 0;
	int skip_slow = env_is("TOPOFARM_SKIP_SLOW", "1");
	bool strict = (env_is("CI", "true") || env_is("TOPOFARM_REQUIRE_ALL", "1")) && !skip_slow;

	if (!getcwd(repo_dir, sizeof repo_dir))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	qsort(tests, ntests, sizeof tests[0], by_file_then_name);
	snapshot_git_status(argc, argv);
	for (int i = 0; i < ntests; i++) {
		const struct test_case *t = tests[i];
		if (!selected(t, argc, argv))
			continue;
		if (t->slow && skip_slow) {
			slow_skipped++;
			continue;
		}
		snprintf(tmpdir, sizeof tmpdir, "/tmp/topofarm-test-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			return 2;
		}
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		test_failed_now = 0;
		test_skipped_now = 0;
		t->fn();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (chdir(repo_dir) != 0)
			return 2;
		if (test_failed_now) {
			failed++;
			printf("FAIL %s (%s, %.1fs)\n", t->name, t->file, secs);
		} else if (test_skipped_now) {
			skipped++;
			printf("SKIP %s (%s)\n", t->name, t->file);
			remove_tree(tmpdir);
		} else {
			passed++;
			printf("ok   %s (%.1fs)\n", t->name, secs);
			remove_tree(tmpdir);
		}
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped + slow_skipped);
	free(initial_git_status);
	if (strict && skipped) {
		printf("FAIL: %d test%s could not run (see \"skipped:\" above); CI runs every boot test: "
		       "fetch or build the kernels first (make test does)\n", skipped, skipped == 1 ? "" : "s");
		return 1;
	}
	return failed ? 1 : 0;
}
