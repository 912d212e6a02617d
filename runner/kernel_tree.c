/* runner/kernel_tree.c: tree= kernels, built from a kernel checkout (a git
 * work tree) instead of a linux-source package. What identifies a build of
 * one: the checkout's HEAD and the hash of its uncommitted changes to tracked
 * files (`git diff HEAD --binary`), so editing a file and booting again
 * builds again, and going back to a built state finds it in the cache. The
 * build directory (O=) is per checkout and config fragment, so kbuild
 * rebuilds only what changed between two states. Untracked files are not
 * part of the key: `git add -N` them to have them count. */
#include "runner/kernels.h"
#include "common/buf.h"
#include "common/proc.h"
#include "common/sha256.h"
#include <stdlib.h>
#include <string.h>

char *kernel_tree_state(const char *tree, char **err)
{
	char *head_argv[] = { "git", "-C", (char *)tree, "rev-parse", "--verify", "HEAD", NULL };
	char *diff_argv[] = { "git", "-C", (char *)tree, "diff", "HEAD", "--binary", "--no-color", "--no-ext-diff", NULL };
	struct proc_opts o = { .capture = true, .timeout = 600, .max_capture = (size_t)1 << 30 };
	struct proc_result r = { 0 };
	char *state = NULL;
	if (proc_run(head_argv, &o, &r) != 0 || !r.out || strlen(r.out) < 40) {
		char *tail = r.not_found ? xstrdup("git not found") : kernel_output_tail(r.out, 3);
		*err = xasprintf("tree=%s: not a git checkout with a commit (git rev-parse HEAD: %s)", tree, tail);
		free(tail);
		proc_result_free(&r);
		return NULL;
	}
	char head[41];
	memcpy(head, r.out, 40);
	head[40] = 0;
	proc_result_free(&r);
	if (proc_run(diff_argv, &o, &r) != 0 || !r.out) {
		*err = xasprintf("tree=%s: git diff HEAD failed", tree);
		proc_result_free(&r);
		return NULL;
	}
	if (r.out_len == 0)
		state = xasprintf("%s", head);
	else {
		char diff_hash[65];
		sha256_hex(r.out, r.out_len, diff_hash);
		state = xasprintf("%s+diff-%.16s", head, diff_hash);
	}
	proc_result_free(&r);
	return state;
}
