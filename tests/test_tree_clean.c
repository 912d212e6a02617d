/* tests/test_tree_clean.c: `make test` leaves the source tree as it found
 * it. Runs last (FINAL_TEST): `git status --porcelain` (untracked files
 * included) must equal what it was before the first test, so no test, fuzzer
 * or run may write into the repository outside git-ignored directories. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/proc.h"
#include <stdlib.h>
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
