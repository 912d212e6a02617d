/* tests/harness.h: the test runner's registration and assertion macros.
 * Every test file under tests/ defines TEST(name) blocks; they register themselves at
 * start-up, and tests/main.c runs them all (or those matching argv filters)
 * and ends with "N passed, N failed". SLOW_TEST marks tests that boot a
 * kernel or build something; TOPOFARM_SKIP_SLOW=1 skips them. */
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
};

void test_register(const struct test_case *t);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Directory of the repository (tests run from there); fixtures are relative. */
const char *test_repo_dir(void);
/* A fresh temporary directory for this test, removed after the run. */
const char *test_tmpdir(void);
extern int test_failed_now;

#define TEST_(name, slow_)                                                  \
	static void test_fn_##name(void);                                   \
	__attribute__((constructor)) static void test_reg_##name(void)      \
	{                                                                   \
		static const struct test_case tc = { #name, __FILE__,       \
						     test_fn_##name, slow_ }; \
		test_register(&tc);                                         \
	}                                                                   \
	static void test_fn_##name(void)

#define TEST(name) TEST_(name, 0)
#define SLOW_TEST(name) TEST_(name, 1)

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
