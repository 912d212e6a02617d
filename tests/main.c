/* tests/main.c: runs every registered test, in file then name order, each in
 * a fresh temporary directory; prints one line per failure and the closing
 * "N passed, N failed" line CI reads. Arguments are substrings: only tests
 * whose name or file contains one of them run. */
#include "tests/harness.h"
#include "common/fsutil.h"
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>

#define MAX_TESTS 4096
static const struct test_case *tests[MAX_TESTS];
static int ntests;
int test_failed_now;
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

const char *test_repo_dir(void) { return repo_dir; }
const char *test_tmpdir(void) { return tmpdir; }

static int by_file_then_name(const void *a, const void *b)
{
	const struct test_case *x = *(const struct test_case *const *)a;
	const struct test_case *y = *(const struct test_case *const *)b;
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

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;
	int skip_slow = getenv("TOPOFARM_SKIP_SLOW") && *getenv("TOPOFARM_SKIP_SLOW") == '1';

	if (!getcwd(repo_dir, sizeof repo_dir))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	qsort(tests, ntests, sizeof tests[0], by_file_then_name);
	for (int i = 0; i < ntests; i++) {
		const struct test_case *t = tests[i];
		if (!selected(t, argc, argv))
			continue;
		if (t->slow && skip_slow) {
			skipped++;
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
		t->fn();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (chdir(repo_dir) != 0)
			return 2;
		if (test_failed_now) {
			failed++;
			printf("FAIL %s (%s, %.1fs)\n", t->name, t->file, secs);
		} else {
			passed++;
			printf("ok   %s (%.1fs)\n", t->name, secs);
			remove_tree(tmpdir);
		}
	}
	if (skipped)
		printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
