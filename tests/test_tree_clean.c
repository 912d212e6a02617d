/* tests/test_tree_clean.c: `make test` leaves the source tree as it found
 * it. Runs last (FINAL_TEST): `git status --porcelain` (untracked files
 * included) must equal what it was before the first test, so no test, fuzzer
 * or run may write into the repository outside git-ignored directories. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/proc.h"
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

FINAL_TEST(source_tree_unchanged_by_the_suite)
{
	const char *before = test_initial_git_status();
	if (!before) {
		test_skip("not a git checkout, or git is missing: cannot compare the tree");
		return;
	}
	char *git[] = { "git", "status", "--porcelain", "--untracked-files=all", NULL };
	struct proc_result r;
	REQUIRE(run_captured(git, 60, &r) == 0);
	if (strcmp(before, r.out ? r.out : ""))
		test_fail(__FILE__, __LINE__, "the suite changed the source tree.\nbefore:\n%s\nafter:\n%s", before,
			  r.out ? r.out : "");
	proc_result_free(&r);
}

/* libFuzzer names its units by their SHA-1 (40 hex digits). Units live only
 * in the curated fuzz/corpus/NAME/ directories, never among the hand-written
 * topologies and fixtures. */
static bool is_unit_name(const char *base)
{
	if (strlen(base) != 40)
		return false;
	for (const char *c = base; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

TEST(fuzzer_units_only_in_fuzz_corpus)
{
	char *git[] = { "git", "ls-files", NULL };
	struct proc_result r;
	if (run_captured(git, 60, &r) != 0) {
		test_skip("not a git checkout, or git is missing");
		proc_result_free(&r);
		return;
	}
	int units = 0;
	char *save = NULL;
	for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *slash = strrchr(line, '/');
		if (!is_unit_name(slash ? slash + 1 : line))
			continue;
		if (strncmp(line, "fuzz/corpus/", 12) != 0)
			test_fail(__FILE__, __LINE__, "%s: a libFuzzer unit outside fuzz/corpus/", line);
		units++;
	}
	CHECK(units > 0);   /* the curated corpus is there */
	proc_result_free(&r);
}
