/* tests/test_out_lock.c: one writer per results folder (results/out_lock.c):
 * a second `run` or `compare --rerun` on a locked OUT stops with the holder's
 * pid, `--wait` waits, a lock handed down to a child topofarm is adopted, and
 * a holder killed by SIGKILL leaves no stale lock. Nothing here boots: the
 * runs name a kernel that does not exist, so getting past the lock shows as
 * that usage error. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "results/out_lock.h"
#include "results/store.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_into(const char *out, bool wait, char **env, double timeout, struct proc_result *r)
{
	char *argv[] = { (char *)topofarm_bin(), "run", "topologies/examples/two-node.topo", "--kernels", "no-such-kernel",
			 "--out", (char *)out, wait ? "--wait" : NULL, NULL };
	struct proc_opts o = { .capture = true, .timeout = timeout, .env = env };
	proc_run(argv, &o, r);
	return r->exit_code;
}

TEST(out_lock_second_writer_is_refused_with_the_holders_pid)
{
	char *out = path_join(test_tmpdir(), "out");
	REQUIRE(mkdir_p(out, 0755) == 0);
	struct out_lock l;
	char *err = NULL;
	REQUIRE(out_lock_take(out, "the lock test", false, &l, &err) == 0);
	char *holder = xasprintf("is being written by pid %ld (the lock test)", (long)getpid());
	struct proc_result r;
	CHECK_INT(run_into(out, false, NULL, 60, &r), 3);
	CHECK_CONTAINS(r.out, holder);
	CHECK_CONTAINS(r.out, "--wait");
	proc_result_free(&r);

	/* compare --rerun writes too (its reruns boot into the folder). */
	struct store *s;
	REQUIRE(store_open(out, &s, &err) == 0);
	store_close(s);
	char *cmp[] = { (char *)topofarm_bin(), "compare", "--dir", out, "--kernels", "a,b", "--rerun", "2", NULL };
	CHECK_INT(run_captured(cmp, 60, &r), 3);
	CHECK_CONTAINS(r.out, holder);
	proc_result_free(&r);

	/* --wait waits (until the test's bound kills it) instead of failing ... */
	run_into(out, true, NULL, 3, &r);
	CHECK(r.timed_out);
	CHECK_CONTAINS(r.out, "waiting for it to finish");
	proc_result_free(&r);

	/* ... a child the holder starts adopts the lock it hands down ... */
	char *env_entry = out_lock_child_env(&l);
	REQUIRE(env_entry);
	char *env[] = { env_entry, NULL };
	CHECK_INT(run_into(out, false, env, 60, &r), 2);
	CHECK_CONTAINS(r.out, "no kernel 'no-such-kernel'");
	proc_result_free(&r);
	free(env_entry);

	/* ... and once the holder is done, the next writer gets in. */
	out_lock_release(&l);
	CHECK_INT(run_into(out, true, NULL, 60, &r), 2);
	CHECK_CONTAINS(r.out, "no kernel 'no-such-kernel'");
	proc_result_free(&r);
	free(holder);
	free(out);
}

TEST(out_lock_dies_with_a_killed_holder)
{
	char *out = path_join(test_tmpdir(), "out");
	REQUIRE(mkdir_p(out, 0755) == 0);
	int ready[2];
	REQUIRE(pipe(ready) == 0);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct out_lock l;
		char *err = NULL;
		char ok = out_lock_take(out, "doomed holder", false, &l, &err) == 0 ? 'y' : 'n';
		if (write(ready[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	char ok = 0;
	CHECK(read(ready[0], &ok, 1) == 1 && ok == 'y');
	close(ready[0]);
	struct out_lock l;
	char *err = NULL;
	CHECK(out_lock_take(out, "second", false, &l, &err) != 0);   /* held */
	CHECK_CONTAINS(err, "doomed holder");
	free(err);
	err = NULL;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK(out_lock_take(out, "second", false, &l, &err) == 0);   /* no stale lock */
	out_lock_release(&l);
	free(err);
	free(out);
}
