/* tests/harness.h: the test runner's registration and assertion macros.
 * Every test file under tests/ defines TEST(name) blocks; they register themselves at
 * start-up, and tests/main.c runs them all (or those matching argv filters)
 * and ends with "N passed, N failed, N skipped". SLOW_TEST marks tests that
 * boot a kernel or build something; TOPOFARM_SKIP_SLOW=1 skips them.
 * A test that cannot run (a kernel missing from the cache) calls test_skip:
 * it counts as skipped, and under CI (CI=true, or TOPOFARM_REQUIRE_ALL=1 as
 * `make test` sets) any skipped test fails the run. FINAL_TEST runs after
 * every other test (the source-tree-clean check). */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

struct test_case {
	const char *name;
	const char *file;
	void (*fn)(void);
	int slow;
	int final;                     /* runs after all the others */
};

void test_register(const struct test_case *t);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Directory of the repository (tests run from there); fixtures are relative. */
const char *test_repo_dir(void);
/* A fresh temporary directory for this test, removed after the run. */
const char *test_tmpdir(void);
extern int test_failed_now;
/* The current test cannot run here (say why: what to install or fetch). */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `git status --porcelain` of the repository before the first test ran
 * (NULL when no FINAL_TEST was selected or git is unavailable). */
const char *test_initial_git_status(void);

#define TEST_(name, slow_, final_)                                          \
	static void test_fn_##name(void);                                   \
	__attribute__((constructor)) static void test_reg_##name(void)      \
	{                                                                   \
		static const struct test_case tc = { #name, __FILE__,       \
						     test_fn_##name, slow_, final_ }; \
		test_register(&tc);                                         \
	}                                                                   \
	static void test_fn_##name(void)

#define TEST(name) TEST_(name, 0, 0)
#define SLOW_TEST(name) TEST_(name, 1, 0)
#define FINAL_TEST(name) TEST_(name, 0, 1)

/* CHECK records a failure and goes on; REQUIRE returns from the test. */
#define CHECK(cond)                                                          \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)
#define REQUIRE(cond)                                                        \
	do { if (!(cond)) { test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond); return; } } while (0)
#define CHECK_INT(a, b)                                                      \
	do { long long a_ = (long long)(a), b_ = (long long)(b);             \
	     if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, #b, b_); } while (0)
#define CHECK_U64(a, b)                                                      \
	do { uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                \
	     if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == 0x%" PRIx64 ", expected 0x%" PRIx64, #a, a_, b_); } while (0)
#define CHECK_STR(a, b)                                                      \
	do { const char *a_ = (a), *b_ = (b);                                \
	     if (!a_ || !b_ || strcmp(a_, b_) != 0)                           \
		test_fail(__FILE__, __LINE__, "%s:\n  got      \"%s\"\n  expected \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
#define CHECK_CONTAINS(hay, needle)                                          \
	do { const char *h_ = (hay), *n_ = (needle);                          \
	     if (!h_ || !strstr(h_, n_))                                      \
		test_fail(__FILE__, __LINE__, "%s does not contain \"%s\"", #hay, n_); } while (0)

#endif
