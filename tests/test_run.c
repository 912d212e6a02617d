/* tests/test_run.c: the runner without kernel boots: the plan and host
 * actions a topology becomes (data-driven: tests/run-plans/NAME.topo with
 * NAME.plan and NAME.host beside it), expectations, the scheduler with real
 * child processes (retries, SIGINT), boot.exp keeping console bytes intact,
 * and a boot whose QEMU binary does not exist ending as infra. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "runner/expectation.h"
#include "runner/kernels.h"
#include "runner/plan.h"
#include "runner/qemu_run.h"
#include "runner/scheduler.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int parse_topo(const char *path, struct topology *t)
{
	struct topo_error e;
	if (topo_parse_file(path, t, &e) == 0)
		return 0;
	char *m = topo_error_string(&e);
	test_fail(__FILE__, __LINE__, "%s", m);
	free(m);
	return -1;
}

/* The guest's rule: step indexes count non-blank, non-comment lines. */
static int guest_step_count(const char *plan)
{
	int n = 0;
	char *copy = xstrdup(plan), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		n += *l && *l != '#';
	}
	free(copy);
	return n;
}

TEST(run_plan_cases)
{
	struct file_list cases;
	list_files("tests/run-plans", ".topo", &cases);
	CHECK(cases.n >= 2);
	for (int i = 0; i < cases.n; i++) {
		struct topology t;
		if (parse_topo(cases.v[i], &t))
			continue;
		char *want_plan = read_expected_raw(cases.v[i], ".plan");
		char *want_host = read_expected_raw(cases.v[i], ".host");
		char *plan = plan_text(&t), *host = plan_host_actions(&t);
		if (!want_plan || !want_host)
			test_fail(__FILE__, __LINE__, "%s: .plan or .host missing", cases.v[i]);
		else {
			CHECK_STR(plan, want_plan);
			CHECK_STR(host, want_host);
		}
		CHECK_INT(guest_step_count(plan), plan_step_count(&t));
		CHECK_INT(plan_has_host_steps(&t), *host != 0);
		free(plan), free(host), free(want_plan), free(want_host);
		topo_free(&t);
	}
	file_list_free(&cases);
}

TEST(run_plan_longest_sleep)
{
	struct topology t;
	if (parse_topo("tests/run-plans/every-step.topo", &t))
		return;
	CHECK_INT(plan_longest_sleep(&t), 2);
	topo_free(&t);
}

TEST(run_expectations_of_seed_000)
{
	struct topology t;
	if (parse_topo("topologies/seeds/000-tiny-node.topo", &t))
		return;
	const char *title = "BUG: kernel NULL pointer dereference in deactivate_slab";
	CHECK(expectation_met(&t, "farm-6.1-prefix", OUTCOME_PANIC, title, NULL, NULL));
	CHECK(!expectation_met(&t, "farm-6.1-prefix", OUTCOME_PANIC, "BUG: something else", NULL, NULL));
	CHECK(!expectation_met(&t, "farm-6.1-prefix", OUTCOME_PASS, NULL, NULL, NULL));
	/* `expect * pass` covers every other kernel. */
	CHECK(expectation_met(&t, "farm-6.1", OUTCOME_PASS, NULL, NULL, NULL));
	const char *want = NULL, *want_title = NULL;
	CHECK(!expectation_met(&t, "debian-6.1", OUTCOME_PANIC, title, &want, &want_title));
	CHECK_STR(want, "pass");
	CHECK(want_title == NULL);
	topo_free(&t);
}

TEST(run_expectation_default_is_pass)
{
	struct topology t;
	if (parse_topo("tests/run-plans/no-steps.topo", &t))
		return;
	CHECK(expectation_for(&t, "debian-6.1") == NULL);
	CHECK(expectation_met(&t, "debian-6.1", OUTCOME_PASS, NULL, NULL, NULL));
	CHECK(!expectation_met(&t, "debian-6.1", OUTCOME_WARNING, "WARNING in f", NULL, NULL));
	topo_free(&t);
}

/* ---------- the scheduler, with real child processes ---------- */

struct fake {
	int tries[8];                 /* starts per job */
	int retries_wanted[8];        /* how many times a job says RETRY */
	int finished[8], abandoned;
	int running, max_running;
	int interrupt_at_start;       /* raise SIGINT at this start (0: never) */
	int starts;
	pid_t pids[32];
	int n_pids;
	bool sleep_forever;
};

static pid_t fake_start(void *ctx, int job, int try, void **token)
{
	struct fake *f = ctx;
	f->tries[job]++;
	CHECK_INT(try, f->tries[job]);
	*token = f;
	if (++f->starts == f->interrupt_at_start)
		kill(getpid(), SIGINT);   /* blocked: the scheduler takes it */
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (f->sleep_forever)
			pause();
		usleep(20000);
		_exit(job);
	}
	setpgid(pid, pid);
	f->pids[f->n_pids++] = pid;
	if (++f->running > f->max_running)
		f->max_running = f->running;
	return pid;
}

static enum sched_verdict fake_finish(void *ctx, int job, void *token, int status, bool last_try)
{
	struct fake *f = ctx;
	CHECK(token == f);
	f->running--;
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == job);
	if (f->tries[job] <= f->retries_wanted[job]) {
		CHECK_INT(last_try, f->tries[job] == 3);
		if (!last_try)
			return SCHED_RETRY;
	}
	f->finished[job]++;
	return job == 1 ? SCHED_CRASH : SCHED_OK;
}

static void fake_abandon(void *ctx, int job, void *token)
{
	(void)job, (void)token;
	struct fake *f = ctx;
	f->abandoned++;
	f->running--;
}

TEST(run_scheduler_retries_and_parallelism)
{
	struct fake f = { .retries_wanted = { 0, 0, 2, 0, 5 } };
	struct sched_ops ops = { &f, fake_start, fake_finish, fake_abandon };
	struct sched_opts o = { .parallel = 2, .max_tries = 3 };
	struct sched_stats st;
	CHECK_INT(sched_run(5, &ops, &o, &st), 0);
	CHECK_INT(st.finished, 5);
	CHECK_INT(st.crashes, 1);
	/* job 2: 2 retries then done; job 4: gives up after 3 tries. */
	CHECK_INT(f.tries[2], 3);
	CHECK_INT(f.tries[4], 3);
	CHECK_INT(st.tries, 1 + 1 + 3 + 1 + 3);
	for (int j = 0; j < 5; j++)
		CHECK_INT(f.finished[j], 1);
	CHECK_INT(f.max_running, 2);
	CHECK_INT(f.abandoned, 0);
}

TEST(run_scheduler_sigint_kills_every_group)
{
	struct fake f = { .interrupt_at_start = 2, .sleep_forever = true };
	struct sched_ops ops = { &f, fake_start, fake_finish, fake_abandon };
	struct sched_opts o = { .parallel = 2, .max_tries = 3 };
	struct sched_stats st;
	CHECK_INT(sched_run(6, &ops, &o, &st), SIGINT);
	CHECK_INT(st.interrupted_by, SIGINT);
	CHECK_INT(st.finished, 0);
	CHECK_INT(f.abandoned, 2);
	CHECK_INT(f.n_pids, 2);
	for (int i = 0; i < f.n_pids; i++) {
		/* Reaped and gone: neither the process nor its group exists. */
		CHECK(kill(f.pids[i], 0) != 0 && errno == ESRCH);
		CHECK(kill(-f.pids[i], 0) != 0 && errno == ESRCH);
	}
	/* The SIGINT was consumed, not left pending for after the run. */
	sigset_t pending;
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGINT));
}

/* ---------- boot.exp and qemu_run without a kernel ---------- */

/* Whatever the "console" prints reaches console.log byte for byte: NULs,
 * invalid UTF-8, CRs, a line far longer than Expect's buffer, no final
 * newline. `cat` stands in for QEMU's serial output here. */
TEST(run_boot_exp_keeps_console_bytes)
{
	struct buf bytes = BUF_INIT;
	buf_add(&bytes, "early\0printk\xff\xfe\r\n", 16);
	buf_puts(&bytes, "@@TOPOFARM HOST 7 hot-add evil node=0 size=1\n");   /* not in the plan: ignored */
	for (int i = 0; i < 300000; i++)
		buf_putc(&bytes, (char)('a' + i % 26));
	buf_puts(&bytes, "\nKernel panic - not syncing: test\n[tail without newline]");
	const char *dir = test_tmpdir();
	char *in = path_join(dir, "in.bin"), *res = path_join(dir, "result"), *con = path_join(dir, "console.log");
	char *err = path_join(dir, "stderr"), *steps = path_join(dir, "steps.log");
	REQUIRE(write_file(in, bytes.s, bytes.len) == 0);
	char *argv[] = { "expect", "runner/boot.exp", "-result", res, "-console", con, "-stderr", err,
			 "-steps", steps, "-timeout", "60", "-silence", "30", "-grace", "5",
			 "--", "cat", in, NULL };
	struct proc_opts o = { .capture = true, .timeout = 120 };
	struct proc_result r;
	proc_run(argv, &o, &r);
	CHECK_INT(r.exit_code, 0);
	size_t len = 0;
	char *log = read_file(con, &len);
	REQUIRE(log);
	CHECK_INT(len, bytes.len);
	CHECK(memcmp(log, bytes.s, bytes.len) == 0);
	char *result = read_file(res, NULL), *steps_log = read_file(steps, NULL);
	/* cat exits after the panic line: the panic decides the end. */
	CHECK_CONTAINS(result, "end panic\n");
	CHECK_CONTAINS(result, "qemu_exit 0\n");
	CHECK_CONTAINS(steps_log, "HOST 7: not a host step of this plan; ignored");
	free(result), free(steps_log), free(log);
	proc_result_free(&r);
	free(in), free(res), free(con), free(err), free(steps);
	buf_free(&bytes);
}

/* Runs boot.exp on a "QEMU" that prints CONSOLE and then stays alive (as a
 * guest that never powers off would); returns boot.result's text. */
static char *boot_exp_on_live_console(const char *console, char **log)
{
	const char *dir = test_tmpdir();
	char *in = path_join(dir, "live.in"), *res = path_join(dir, "live.result"), *con = path_join(dir, "live.log");
	char *err = path_join(dir, "live.stderr"), *steps = path_join(dir, "live.steps");
	CHECK(write_file_str(in, console) == 0);
	char *argv[] = { "expect", "runner/boot.exp", "-result", res, "-console", con, "-stderr", err,
			 "-steps", steps, "-timeout", "60", "-silence", "30", "-grace", "1",
			 "--", "sh", "-c", "cat \"$0\"; exec sleep 60", in, NULL };
	struct proc_opts o = { .capture = true, .timeout = 120 };
	struct proc_result r;
	proc_run(argv, &o, &r);
	CHECK_INT(r.exit_code, 0);
	proc_result_free(&r);
	char *result = read_file(res, NULL);
	*log = read_file(con, NULL);
	free(in), free(res), free(con), free(err), free(steps);
	return result;
}

/* The run ends at the guest's flush line after DONE (docs/guest-protocol.md):
 * QEMU is killed there, not waited for, and nothing it printed is lost. */
TEST(run_boot_exp_ends_at_flush_after_done)
{
	const char *console = "[    1.000000] Run /init as init process\r\n@@TOPOFARM READY 6.1.192\r\n"
			      "@@TOPOFARM DONE rc=0\r\n[    1.500000] topofarm: console flushed\r\n";
	char *log = NULL, *result = boot_exp_on_live_console(console, &log);
	REQUIRE(result && log);
	CHECK_CONTAINS(result, "end guest-done\n");
	CHECK_CONTAINS(result, "detail guest finished (rc=0)\n");   /* not "... did not power off" */
	CHECK_CONTAINS(result, "qemu_signal SIGKILL\n");
	CHECK_STR(log, console);
	free(result), free(log);
}

/* The same on a kernel with CONFIG_PRINTK_CALLER (syzbot's configs, imported
 * trees): the caller id after the timestamp is part of the flush line's
 * prefix; without a timestamp only the id is. Missed, such a run would wait
 * for the poweroff, 3 s after the flush line. */
TEST(run_boot_exp_ends_at_flush_with_a_caller_id)
{
	static const char *const flush[] = { "[    1.500000][     T1] topofarm: console flushed\r\n",
					     "[     T1] topofarm: console flushed\r\n" };
	for (int i = 0; i < 2; i++) {
		char *console = xasprintf("@@TOPOFARM READY 6.1.192\r\n@@TOPOFARM DONE rc=0\r\n%s", flush[i]);
		char *log = NULL, *result = boot_exp_on_live_console(console, &log);
		CHECK(result && log);
		if (result) {
			CHECK_CONTAINS(result, "end guest-done\n");
			CHECK_CONTAINS(result, "detail guest finished (rc=0)\n");
			CHECK_CONTAINS(result, "qemu_signal SIGKILL\n");
		}
		free(result), free(log), free(console);
	}
}

/* A flush line before DONE (any kernel could print that text) ends nothing:
 * this guest never powers off, so the grace period after DONE does. */
TEST(run_boot_exp_ignores_flush_before_done)
{
	const char *console = "[    1.500000] topofarm: console flushed\r\n@@TOPOFARM DONE rc=1\r\n";
	char *log = NULL, *result = boot_exp_on_live_console(console, &log);
	REQUIRE(result && log);
	CHECK_CONTAINS(result, "end guest-done\n");
	CHECK_CONTAINS(result, "detail guest finished (rc=1) but did not power off\n");
	free(result), free(log);
}

TEST(run_missing_qemu_is_infra)
{
	struct topology t;
	if (parse_topo("tests/run-plans/no-steps.topo", &t))
		return;
	char *base = path_join(test_tmpdir(), "base.cpio"), *dir = path_join(test_tmpdir(), "run");
	REQUIRE(write_file(base, "0707", 4) == 0);
	struct boot_request rq = {
		.topo = &t, .kernel_name = "none", .kernel_image = "/nonexistent/bzImage", .base_initrd = base,
		.run_dir = dir, .attempt = 1, .qemu = "/nonexistent/qemu-system-x86_64",
	};
	struct run_record rec;
	char *err = NULL;
	CHECK_INT(qemu_run(&rq, &rec, &err), 0);
	CHECK_INT(rec.triage.outcome, OUTCOME_INFRA);
	CHECK_INT(rec.end, RUN_END_INFRA);
	CHECK_CONTAINS(rec.end_detail, "could not start");
	CHECK_CONTAINS(rec.end_detail, "No such file");
	char *record = path_join(dir, "record.json"), *argv_txt = path_join(dir, "argv.txt");
	CHECK(path_exists(record));
	char *args = read_file(argv_txt, NULL);
	CHECK_CONTAINS(args, "/nonexistent/qemu-system-x86_64\n-machine\npc\n");
	free(args), free(record), free(argv_txt);
	run_record_free(&rec);
	free(err), free(base), free(dir);
	topo_free(&t);
}

/* A boot request takes what the catalogue entry says of every boot of its
 * kernel: the shipped debug kernel's slow= stretches the default timeout
 * (`run` and `minimize` both fill the request this way; minimize used to
 * leave slow= out), and a timeout given explicitly still wins. */
TEST(run_request_takes_the_kernels_catalogue_settings)
{
	struct kernel_catalogue *cat = NULL;
	REQUIRE(kernel_catalogue_load("runner/kernels.conf", &cat, NULL) == 0);
	const struct kernel_entry *k = kernel_find(cat, "farm-6.12-debug");
	struct topology t;
	if (!k || parse_topo("tests/run-plans/no-steps.topo", &t)) {
		test_fail(__FILE__, __LINE__, "no farm-6.12-debug in runner/kernels.conf, or no topology");
		kernel_catalogue_free(cat);
		return;
	}
	CHECK(k->slow > 1);
	char *base = path_join(test_tmpdir(), "base.cpio");
	CHECK(write_file(base, "0707", 4) == 0);
	for (int explicit_timeout = 0; explicit_timeout < 2; explicit_timeout++) {
		char *dir = xasprintf("%s/run-%d", test_tmpdir(), explicit_timeout);
		struct boot_request rq = {
			.topo = &t, .base_initrd = base, .run_dir = dir, .attempt = 1,
			.qemu = "/nonexistent/qemu-system-x86_64", .timeout = explicit_timeout ? 7 : 0,
		};
		boot_request_set_kernel(&rq, k, "/nonexistent/bzImage", "source", NULL);
		CHECK_STR(rq.kernel_name, "farm-6.12-debug");
		CHECK_STR(rq.kernel_cmdline, k->cmdline);
		CHECK_INT(rq.kernel_slow, k->slow);
		struct boot b;
		boot_start(&rq, &b);
		CHECK_INT(b.timeout, explicit_timeout ? 7 : BOOT_DEFAULT_TIMEOUT * k->slow);
		int status = 0;
		if (b.pid > 0)
			waitpid(b.pid, &status, 0);
		struct run_record rec;
		char *err = NULL;
		boot_finish(&b, status, &rec, &err);
		CHECK_INT(rec.triage.outcome, OUTCOME_INFRA);   /* no QEMU: nothing booted */
		run_record_free(&rec);
		free(err), free(dir);
	}
	free(base);
	topo_free(&t);
	kernel_catalogue_free(cat);
}

/* Expect itself failing (here: its script is missing) is infra, with
 * Expect's own complaint as the reason. */
TEST(run_expect_failure_is_infra)
{
	struct topology t;
	if (parse_topo("tests/run-plans/no-steps.topo", &t))
		return;
	char *base = path_join(test_tmpdir(), "base.cpio"), *dir = path_join(test_tmpdir(), "run");
	REQUIRE(write_file(base, "0707", 4) == 0);
	struct boot_request rq = {
		.topo = &t, .kernel_name = "none", .kernel_image = "/nonexistent/bzImage", .base_initrd = base,
		.run_dir = dir, .attempt = 2, .script = "/nonexistent/boot.exp",
	};
	struct run_record rec;
	char *err = NULL;
	CHECK_INT(qemu_run(&rq, &rec, &err), 0);
	CHECK_INT(rec.triage.outcome, OUTCOME_INFRA);
	CHECK_INT(rec.attempt, 2);
	CHECK_CONTAINS(rec.end_detail, "Expect failed (exit 1)");
	CHECK_CONTAINS(rec.end_detail, "/nonexistent/boot.exp");
	run_record_free(&rec);
	free(err), free(base), free(dir);
	topo_free(&t);
}
