/* tests/test_run_boot.c: `topofarm run` end to end with real kernels under
 * QEMU (TCG): a plain two-node layout passes and the probe sees its nodes;
 * seed 000 panics on the pre-fix kernel and passes on the fixed one; an
 * early memmap=exactmap failure and a silent guest end in bounded time and
 * never as infra; a missing QEMU and an argument QEMU refuses are infra,
 * retried; a DIMM comes to a memoryless node and goes; SIGINT leaves no
 * QEMU and the same command resumes; kill -9 of topofarm leaves no QEMU.
 * Kernels come from the catalogue (`topofarm kernels fetch NAME`). */
#include "tests/harness.h"
#include "results/store.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "runner/initramfs.h"
#include "runner/kernels.h"
#include "runner/qemu_run.h"
#include "common/strv.h"
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define BOOT_LIMIT 600   /* seconds any one CLI call may take before the test gives up */

static bool have_kernel(const char *name)
{
	char *image = test_kernel_image(name);
	free(image);
	return image != NULL;
}

/* Runs `topofarm run ARGS... --out OUT`; returns the exit code, output in *out. */
static int run_cli(const char *out_dir, char **out, ...)
{
	struct strv v = { 0 };
	strv_add(&v, topofarm_bin());
	strv_add(&v, "run");
	va_list ap;
	va_start(ap, out);
	for (const char *a; (a = va_arg(ap, const char *));)
		strv_add(&v, a);
	va_end(ap);
	strv_add(&v, "--out");
	strv_add(&v, out_dir);
	struct proc_opts o = { .capture = true, .timeout = BOOT_LIMIT };
	struct proc_result r;
	proc_run(strv_argv(&v), &o, &r);
	if (r.timed_out)
		test_fail(__FILE__, __LINE__, "topofarm run did not finish within %d s", BOOT_LIMIT);
	strv_free(&v);
	*out = r.out ? r.out : xstrdup("");
	return r.exit_code;
}

/* The stored run (the store is what counts, not record.json). */
static bool load_record(const char *out_dir, const char *layout, const char *kernel, int attempt,
			struct run_record *rec)
{
	struct store *s;
	struct store_runs runs = { 0 };
	char *err = NULL;
	bool ok = false;
	if (store_open_existing(out_dir, &s, &err) == 0) {
		if (store_load_runs(s, NULL, &runs, &err) == 0)
			for (int i = 0; i < runs.n && !ok; i++)
				if (!strcmp(runs.v[i].layout_name, layout) && !strcmp(runs.v[i].kernel_name, kernel) &&
				    runs.v[i].attempt == attempt) {
					*rec = runs.v[i];
					memset(&runs.v[i], 0, sizeof runs.v[i]);
					ok = true;
				}
		store_runs_free(&runs);
		store_close(s);
	}
	if (!ok)
		test_fail(__FILE__, __LINE__, "%s: no stored run %s on %s #%d%s%s", out_dir, layout, kernel, attempt,
			  err ? ": " : "", err ? err : "");
	free(err);
	return ok;
}

static char *run_console(const struct run_record *rec)
{
	char *p = path_join(rec->dir, "console.log");
	char *text = read_file(p, NULL);
	free(p);
	return text ? text : xstrdup("");
}

/* The text from the n-th (0-based) occurrence of prefix to the end of its
 * line (caller frees), or NULL. */
static char *nth_line(const char *console, const char *prefix, int occurrence)
{
	size_t n = strlen(prefix);
	for (const char *p = console; (p = strstr(p, prefix)); p += n)
		if (occurrence-- == 0)
			return xstrndup(p, strcspn(p, "\r\n"));
	return NULL;
}

/* The n-th "@@TOPOFARM node N" line of node `node` (caller frees), or NULL. */
static char *node_line(const char *console, int node, int occurrence)
{
	char key[64];
	snprintf(key, sizeof key, "@@TOPOFARM node %d memtotal_kb=", node);
	return nth_line(console, key, occurrence);
}

/* The n-th "@@TOPOFARM node N memtotal_kb=" value for node `node` (0-based
 * occurrence), or -1. */
static long node_memtotal(const char *console, int node, int occurrence)
{
	char *line = node_line(console, node, occurrence);
	long kb = line ? atol(strchr(line, '=') + 1) : -1;
	free(line);
	return kb;
}

SLOW_TEST(run_two_node_layout_passes_and_probe_sees_it)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "topologies/examples/two-node.topo", "--kernels", "debian-6.1", NULL), 0);
	CHECK_CONTAINS(out, "two-node");
	struct run_record rec;
	if (!load_record(out_dir, "two-node", "debian-6.1", 1, &rec))
		return free(out);
	CHECK_INT(rec.triage.outcome, OUTCOME_PASS);
	CHECK_INT(rec.end, RUN_END_GUEST_DONE);
	CHECK(rec.t_first_output >= 0 && rec.t_first_output <= rec.t_ready && rec.t_ready <= rec.t_end);
	CHECK_INT(rec.steps_done, rec.steps_total);
	char *console = run_console(&rec);
	CHECK_CONTAINS(console, "@@TOPOFARM nodes online=0-1 ");
	for (int n = 0; n < 2; n++) {
		long kb = node_memtotal(console, n, 0);
		/* 512 MiB nodes; the kernel keeps some for itself. */
		CHECK(kb > 512 * 1024 * 8 / 10 && kb <= 512 * 1024);
	}
	/* The console log is the guest's alone: no monitor or QEMU traffic. */
	CHECK(!strstr(console, "QMP") && !strstr(console, "qemu-system"));
	char *argv_path = path_join(rec.dir, "argv.txt"), *argv_text = read_file(argv_path, NULL);
	CHECK_CONTAINS(argv_text, "-accel\ntcg\n");
	free(argv_path), free(argv_text), free(console);
	run_record_free(&rec);
	free(out);
}

static void check_seed_000(const char *kernel, enum outcome want, const char *title)
{
	if (!have_kernel(kernel))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "topologies/seeds/000-tiny-node.topo", "--kernels", kernel, NULL), 0);
	struct run_record rec;
	if (load_record(out_dir, "seed-000-tiny-node", kernel, 1, &rec)) {
		CHECK_STR(outcome_name(rec.triage.outcome), outcome_name(want));
		if (title) {
			CHECK_STR(rec.triage.title, title);
			char *console = run_console(&rec);
			CHECK_CONTAINS(console, "BUG: kernel NULL pointer dereference");
			CHECK_CONTAINS(console, "deactivate_slab");
			CHECK_CONTAINS(console, "Kernel panic - not syncing");
			free(console);
		}
		run_record_free(&rec);
	}
	free(out);
}

SLOW_TEST(run_seed_000_panics_on_prefix_kernel)
{
	check_seed_000("farm-6.1-prefix", OUTCOME_PANIC, "BUG: kernel NULL pointer dereference in deactivate_slab");
}

SLOW_TEST(run_seed_000_passes_on_fixed_kernel)
{
	check_seed_000("farm-6.1", OUTCOME_PASS, NULL);
}

SLOW_TEST(run_exactmap_single_ram_entry_ends_bounded_not_infra)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	/* No expect line: the run "should" pass, so the exit code is 1. */
	CHECK_INT(run_cli(out_dir, &out, "tests/run-boot/exactmap-one-ram.topo", "--kernels", "debian-6.1", NULL), 1);
	struct run_record rec;
	if (load_record(out_dir, "run-test-exactmap-one-ram", "debian-6.1", 1, &rec)) {
		CHECK(rec.triage.outcome != OUTCOME_INFRA && rec.triage.outcome != OUTCOME_PASS);
		/* The kernel says why before it spins; the run ends on the panic
		 * (not at the 40 s timeout) and QEMU is stopped. */
		CHECK_INT(rec.end, RUN_END_PANIC);
		CHECK_INT(rec.triage.outcome, OUTCOME_PANIC);
		CHECK_CONTAINS(rec.triage.title, "Invalid user supplied memory map");
		CHECK(!rec.triage.reached_guest);
		CHECK(rec.t_end < 40);
		run_record_free(&rec);
	}
	/* Only one attempt: a kernel failure is never retried. */
	char *second = xasprintf("%s/runs/run-test-exactmap-one-ram/debian-6.1/2", out_dir);
	CHECK(!path_exists(second));
	free(second);
	free(out);
}

SLOW_TEST(run_silent_guest_is_a_hang)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "tests/run-boot/sleep-hang.topo", "--kernels", "debian-6.1", "--silence", "8",
			  NULL), 0);
	struct run_record rec;
	if (load_record(out_dir, "run-test-sleep-hang", "debian-6.1", 1, &rec)) {
		CHECK_INT(rec.triage.outcome, OUTCOME_HANG);
		CHECK_INT(rec.end, RUN_END_SILENCE);
		CHECK_CONTAINS(rec.end_detail, "no output for 8 s");
		CHECK(rec.triage.reached_guest);
		CHECK_INT(rec.steps_done, 1);
		run_record_free(&rec);
	}
	free(out);
}

SLOW_TEST(run_missing_qemu_is_infra_three_attempts)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "topologies/examples/two-node.topo", "--kernels", "debian-6.1", "--qemu",
			  "/nonexistent/qemu-system-x86_64", NULL), 3);
	for (int a = 1; a <= 3; a++) {
		struct run_record rec;
		if (!load_record(out_dir, "two-node", "debian-6.1", a, &rec))
			continue;
		CHECK_INT(rec.triage.outcome, OUTCOME_INFRA);
		CHECK_CONTAINS(rec.end_detail, "could not start");
		CHECK(rec.triage.title == NULL);
		run_record_free(&rec);
	}
	char *fourth = xasprintf("%s/runs/two-node/debian-6.1/4", out_dir);
	CHECK(!path_exists(fourth));
	free(fourth);
	CHECK_CONTAINS(out, "(retrying)");
	CHECK_CONTAINS(out, "infra");
	free(out);
}

/* QEMU's own refusal, told apart from a kernel that never printed. */
SLOW_TEST(run_refused_argument_is_infra)
{
	char *err = NULL;
	char *image = test_kernel_image("debian-6.1");
	if (!image)
		return;
	char *base = initramfs_base(NULL, &err);
	if (!base) {
		test_fail(__FILE__, __LINE__, "need the base initramfs: %s", err ? err : "?");
	} else {
		struct topology t;
		struct topo_error te;
		REQUIRE(topo_parse_file("topologies/examples/two-node.topo", &t, &te) == 0);
		char *dir = path_join(test_tmpdir(), "run");
		struct boot_request rq = {
			.topo = &t, .kernel_name = "debian-6.1", .kernel_image = image, .base_initrd = base,
			.run_dir = dir, .attempt = 1, .accel = "no-such-accelerator",
		};
		struct run_record rec;
		CHECK_INT(qemu_run(&rq, &rec, &err), 0);
		CHECK_INT(rec.triage.outcome, OUTCOME_INFRA);
		CHECK_CONTAINS(rec.end_detail, "QEMU refused its arguments");
		CHECK_CONTAINS(rec.end_detail, "no-such-accelerator");
		CHECK(rec.t_first_output < 0);
		char *console = run_console(&rec);
		CHECK_STR(console, "");   /* QEMU's complaint is in qemu.stderr, not the console */
		free(console);
		run_record_free(&rec);
		topo_free(&t);
		free(dir);
	}
	free(image), free(base), free(err);
}

SLOW_TEST(run_hotplug_on_memoryless_node_comes_and_goes)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "tests/run-boot/hotplug-memoryless.topo", "--kernels", "debian-6.1", NULL), 0);
	struct run_record rec;
	if (load_record(out_dir, "run-test-hotplug-memoryless", "debian-6.1", 1, &rec)) {
		CHECK_INT(rec.triage.outcome, OUTCOME_PASS);
		CHECK_INT(rec.steps_done, 6);
		char *console = run_console(&rec);
		/* Before: memoryless. After online: the 256 MiB DIMM. After removal: gone. */
		CHECK_INT(node_memtotal(console, 1, 0), 0);
		CHECK_INT(node_memtotal(console, 1, 1), 256 * 1024);
		long after = node_memtotal(console, 1, 2);
		CHECK(after == 0 || after == -1);   /* memoryless again, or offline */
		CHECK_CONTAINS(console, "@@TOPOFARM HOST-GO 1");
		CHECK_CONTAINS(console, "@@TOPOFARM HOST-GO 4");
		CHECK_CONTAINS(console, "gone=");
		CHECK(!strstr(console, "HOST-TIMEOUT") && !strstr(console, "HOST-WAIT-TIMEOUT"));
		CHECK(!strstr(console, "\"execute\""));   /* QMP stays out of the console */
		char *steps_path = path_join(rec.dir, "steps.log"), *steps = read_file(steps_path, NULL);
		CHECK_CONTAINS(steps, "DEVICE_DELETED");
		CHECK_CONTAINS(steps, "object-del");
		CHECK_CONTAINS(steps, "step 4 done");
		free(steps_path), free(steps), free(console);
		run_record_free(&rec);
	}
	free(out);
}

/* A hot-remove the guest refuses (tests/run-boot/eject-refused.topo): the
 * guest answers the eject request with _OST 0x82 and QEMU never sends
 * DEVICE_DELETED. The host step ends at the refusal, says so, and the plan
 * goes on: the run passes instead of waiting out the silence limit as a
 * hang (three campaign mutants were read as "hang in step 5 host"). */
SLOW_TEST(run_refused_eject_ends_the_host_step_not_the_run)
{
	if (!have_kernel("farm-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "tests/run-boot/eject-refused.topo", "--kernels", "farm-6.1", NULL), 0);
	struct run_record rec;
	if (load_record(out_dir, "run-test-eject-refused", "farm-6.1", 1, &rec)) {
		CHECK_INT(rec.triage.outcome, OUTCOME_PASS);
		char *steps_path = path_join(rec.dir, "steps.log"), *steps = read_file(steps_path, NULL);
		CHECK_CONTAINS(steps, "step 5 failed: the guest refused to eject hp1 (_OST status 0x82: device busy)");
		CHECK(!strstr(steps ? steps : "", "end: silence"));
		CHECK_CONTAINS(steps, "@@GO 5");          /* the guest was let go on */
		CHECK_CONTAINS(steps, "end: guest-done");   /* and finished its plan */
		free(steps_path), free(steps);
		run_record_free(&rec);
	}
	free(out);
}

/* A vCPU comes to node 1 and leaves it (tests/run-boot/cpu-hotplug.topo):
 * its slot is empty at boot, QEMU plugs it in, the guest onlines it and its
 * allocations come from node 1; then QEMU ejects it, and the guest sees
 * cpu1 gone and node 1 without CPUs but still online (it keeps its memory). */
SLOW_TEST(run_cpu_plug_and_unplug_on_its_node)
{
	if (!have_kernel("farm-6.1"))
		return;
	const char *out_dir = test_tmpdir();
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, "tests/run-boot/cpu-hotplug.topo", "--kernels", "farm-6.1", NULL), 0);
	struct run_record rec;
	if (load_record(out_dir, "run-test-cpu-hotplug", "farm-6.1", 1, &rec)) {
		CHECK_STR(outcome_name(rec.triage.outcome), "pass");
		CHECK_INT(rec.steps_done, 6);
		char *console = run_console(&rec);
		char *before = node_line(console, 1, 0), *plugged = node_line(console, 1, 1);
		/* Boot: node 1 has memory but no CPU. */
		CHECK_CONTAINS(before, " cpus=- ");
		/* Step 1: cpu1 appears on node 1, offline until step 2. */
		CHECK_CONTAINS(console, "@@TOPOFARM HOST-GO 1");
		CHECK_CONTAINS(console, "@@TOPOFARM cpus present=0-1 online=0 cpu=1 state=offline node=1 ");
		CHECK_CONTAINS(console, "@@TOPOFARM cpu 1 up ok");
		CHECK_CONTAINS(plugged, " cpus=1 ");
		/* Pinned to cpu 1, the probe's memory comes from node 1. */
		CHECK_CONTAINS(console, "@@TOPOFARM cpu-alloc cpu=1 node=1 pages=1024 on_node=1024 ");
		/* Step 5: cpu1 is gone from sysfs and from node 1's cpulist. */
		CHECK_CONTAINS(console, "@@TOPOFARM cpu 1 down ok");
		CHECK_CONTAINS(console, "@@TOPOFARM HOST-GO 5");
		CHECK_CONTAINS(console, "@@TOPOFARM cpus present=0 online=0 cpu=1 state=absent node=1 node_cpus=- node_online=1");
		CHECK(!strstr(console, "HOST-TIMEOUT") && !strstr(console, "HOST-WAIT-TIMEOUT"));
		char *steps_path = path_join(rec.dir, "steps.log"), *steps = read_file(steps_path, NULL);
		CHECK_CONTAINS(steps, "\"driver\":\"qemu64-x86_64-cpu\",\"id\":\"vcpu1\",\"socket-id\":1,\"core-id\":0,\"thread-id\":0,\"node-id\":1");
		CHECK_CONTAINS(steps, "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"vcpu1\"}}");
		CHECK_CONTAINS(steps, "step 1 done");
		CHECK_CONTAINS(steps, "step 5 done");
		char *argv_path = path_join(rec.dir, "argv.txt"), *argv_text = read_file(argv_path, NULL);
		CHECK_CONTAINS(argv_text, "-smp\n1,maxcpus=2,sockets=2,cores=1,threads=1\n");
		CHECK(!strstr(argv_text, "id=vcpu1"));   /* the slot is empty at boot */
		free(argv_path), free(argv_text), free(steps_path), free(steps);
		free(before), free(plugged), free(console);
		run_record_free(&rec);
	}
	free(out);
}

/* ---------- signals ---------- */

/* Reads ppid, process group and name from /proc/PID/stat; false for a
 * process that is gone, or a zombie unless zombies_too. */
static bool proc_stat_z(pid_t pid, pid_t *ppid, pid_t *pgrp, char *comm, size_t n, bool zombies_too)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	char *text = read_file(path, NULL);
	if (!text)
		return false;
	char *open = strchr(text, '('), *close = strrchr(text, ')');
	char state = 0;
	bool ok = open && close && sscanf(close + 2, "%c %d %d", &state, ppid, pgrp) == 3 &&
		  (state != 'Z' || zombies_too);
	if (ok)
		snprintf(comm, n, "%.*s", (int)(close - open - 1), open + 1);
	free(text);
	return ok;
}

static bool proc_stat(pid_t pid, pid_t *ppid, pid_t *pgrp, char *comm, size_t n)
{
	return proc_stat_z(pid, ppid, pgrp, comm, n, false);
}

/* Process groups led by the children of `parent` (one per boot), and the
 * QEMU pids in them. Returns how many QEMUs it saw. */
static int scan_boots(pid_t parent, pid_t *groups, int *n_groups, pid_t *qemus, int max)
{
	int n_qemu = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		pid_t pid = atoi(e->d_name), ppid, pgrp;
		char comm[64];
		if (pid <= 0 || !proc_stat(pid, &ppid, &pgrp, comm, sizeof comm))
			continue;
		if (ppid == parent && pgrp == pid) {
			bool known = false;
			for (int i = 0; i < *n_groups; i++)
				known |= groups[i] == pid;
			if (!known && *n_groups < max)
				groups[(*n_groups)++] = pid;
		}
	}
	rewinddir(d);
	for (struct dirent *e; (e = readdir(d));) {
		pid_t pid = atoi(e->d_name), ppid, pgrp;
		char comm[64];
		if (pid <= 0 || !proc_stat(pid, &ppid, &pgrp, comm, sizeof comm) || strncmp(comm, "qemu-system", 11))
			continue;
		for (int i = 0; i < *n_groups; i++)
			if (pgrp == groups[i] && n_qemu < max)
				qemus[n_qemu++] = pid;
	}
	closedir(d);
	return n_qemu;
}

/* Processes still in these process groups (zombies only when asked). */
static int in_groups(const pid_t *groups, int n, bool zombies_too)
{
	int alive = 0;
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d));) {
		pid_t pid = atoi(e->d_name), ppid, pgrp;
		char comm[64];
		if (pid <= 0 || !proc_stat_z(pid, &ppid, &pgrp, comm, sizeof comm, zombies_too))
			continue;
		for (int i = 0; i < n; i++)
			alive += pgrp == groups[i];
	}
	if (d)
		closedir(d);
	return alive;
}

static pid_t spawn_cli(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* record.json files anywhere under dir (OUT/runs: interrupted attempts
 * moved to OUT/incomplete do not count). */
static int count_records(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *p = path_join(dir, e->d_name);
		n += is_dir(p) ? count_records(p) : !strcmp(e->d_name, "record.json");
		free(p);
	}
	if (d)
		closedir(d);
	return n;
}

SLOW_TEST(run_sigint_stops_cleanly_and_resumes)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *tmp = test_tmpdir();
	char *topos = path_join(tmp, "batch"), *out_dir = path_join(tmp, "out"), *log = path_join(tmp, "log");
	mkdir_p(topos, 0755);
	char *tmpl = read_file("tests/run-boot/tiny.topo.in", NULL);
	REQUIRE(tmpl);
	for (int i = 1; i <= 6; i++) {
		char *name = xasprintf("batch-%d", i), *path = xasprintf("%s/%s.topo", topos, name);
		char *text = xstrdup(tmpl), *at = strstr(text, "name NAME");
		REQUIRE(at);
		char *body = xasprintf("%.*sname %s%s", (int)(at - text), text, name, at + strlen("name NAME"));
		write_file_str(path, body);
		free(name), free(path), free(text), free(body);
	}
	free(tmpl);
	char *argv[] = { (char *)topofarm_bin(), "run", topos, "--kernels", "debian-6.1", "-j", "2", "--out", out_dir, NULL };
	pid_t pid = spawn_cli(argv, log);
	pid_t groups[64], qemus[64];
	int n_groups = 0, seen_qemu = 0;
	/* Interrupt once two runs are finished and boots are under way. */
	char *runs_dir = path_join(out_dir, "runs");
	for (int i = 0; i < BOOT_LIMIT * 10; i++) {
		seen_qemu += scan_boots(pid, groups, &n_groups, qemus, 64) > 0;
		if (count_records(runs_dir) >= 2 && scan_boots(pid, groups, &n_groups, qemus, 64) > 0)
			break;
		usleep(100000);
	}
	REQUIRE(count_records(runs_dir) < 6);
	kill(pid, SIGINT);
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT);
	CHECK(seen_qemu > 0);
	CHECK(n_groups >= 2);
	/* Gone, not even zombies: topofarm reaps the orphans of its boots. */
	CHECK_INT(in_groups(groups, n_groups, true), 0);
	char *said = read_file(log, NULL);
	CHECK_CONTAINS(said, "Run the same command again");
	free(said);

	int finished = count_records(runs_dir);
	char *out = NULL;
	CHECK_INT(run_cli(out_dir, &out, topos, "--kernels", "debian-6.1", "-j", "2", NULL), 0);
	char *expect = xasprintf("%d run%s to do (%d already finished", 6 - finished, 6 - finished == 1 ? "" : "s",
				 finished);
	CHECK_CONTAINS(out, expect);
	CHECK_INT(count_records(runs_dir), 6);
	/* Nothing was repeated: every layout has exactly attempt 1. */
	for (int i = 1; i <= 6; i++) {
		char *second = xasprintf("%s/runs/batch-%d/debian-6.1/2", out_dir, i);
		CHECK(!path_exists(second));
		free(second);
	}
	free(expect), free(out), free(topos), free(out_dir), free(log), free(runs_dir);
}

SLOW_TEST(run_kill_9_leaves_no_qemu)
{
	if (!have_kernel("debian-6.1"))
		return;
	const char *tmp = test_tmpdir();
	char *out_dir = path_join(tmp, "out"), *log = path_join(tmp, "log");
	char *argv[] = { (char *)topofarm_bin(), "run", "tests/run-boot/sleep-hang.topo", "--kernels", "debian-6.1",
			 "--out", out_dir, NULL };
	pid_t pid = spawn_cli(argv, log);
	pid_t groups[8], qemus[8];
	int n_groups = 0, n_qemu = 0;
	for (int i = 0; i < 600 && !n_qemu; i++) {
		n_qemu = scan_boots(pid, groups, &n_groups, qemus, 8);
		usleep(100000);
	}
	REQUIRE(n_qemu == 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The run's timeout is 300 s; QEMU must be gone long before. */
	bool gone = false;
	for (int i = 0; i < 600 && !gone; i++) {
		/* Zombies allowed: after kill -9 the orphans are init's to reap. */
		gone = in_groups(groups, n_groups, false) == 0;
		if (!gone)
			usleep(100000);
	}
	CHECK(gone);
	pid_t ppid, pgrp;
	char comm[64];
	CHECK(!proc_stat(qemus[0], &ppid, &pgrp, comm, sizeof comm));   /* gone (or a zombie awaiting init) */
	free(out_dir), free(log);
}

/* The layout oracle on real boots: the whole example and seed corpus shows
 * no divergence on the farm kernel (debian-6.1 is checked the same way by
 * show_predictions_match_debian_kernel, console side). */
SLOW_TEST(run_corpus_has_no_layout_divergence)
{
	/* TOPOFARM_TEST_KERNEL swaps the kernel (e.g. farm-6.1-tiny). */
	const char *env = getenv("TOPOFARM_TEST_KERNEL");
	const char *kernel = env && *env ? env : "farm-6.1";
	if (!have_kernel(kernel))
		return;
	char *out_dir = path_join(test_tmpdir(), "corpus-divergence");
	char *out = NULL;
	run_cli(out_dir, &out, "topologies/examples", "topologies/seeds", "--kernels", kernel, "-j", "2", NULL);
	if (strstr(out, "\ndivergence ") || !strncmp(out, "divergence ", 11)) {
		char *argv[] = { (char *)topofarm_bin(), "report", "--dir", out_dir, "--text", NULL };
		struct proc_result r;
		run_captured(argv, 120, &r);
		test_fail(__FILE__, __LINE__, "the layout model diverged from %s:\n%s\n%s", kernel, out, r.out ? r.out : "");
		proc_result_free(&r);
	}
	CHECK_CONTAINS(out, "pass ");
	free(out);
	free(out_dir);
}

/* A deliberately wrong model (TOPOFARM_MODEL_WRONG=1: DMA ends at 32 MiB) is
 * reported as a divergence naming the differing lines, in the record, the
 * store and every report format. */
SLOW_TEST(run_reports_a_wrong_model_as_divergence)
{
	if (!have_kernel("farm-6.1"))
		return;
	char *out_dir = path_join(test_tmpdir(), "wrong-model");
	char *out = NULL;
	setenv("TOPOFARM_MODEL_WRONG", "1", 1);
	int rc = run_cli(out_dir, &out, "topologies/examples/two-node.topo", "--kernels", "farm-6.1", NULL);
	unsetenv("TOPOFARM_MODEL_WRONG");
	CHECK_INT(rc, 1);
	CHECK_CONTAINS(out, "divergence two-node on farm-6.1");
	CHECK_CONTAINS(out, "divergence in Zone ranges");
	struct run_record rec;
	if (load_record(out_dir, "two-node", "farm-6.1", 1, &rec)) {
		CHECK_STR(outcome_name(rec.triage.outcome), "divergence");
		REQUIRE(rec.divergence.n >= 1);
		CHECK_STR(rec.divergence.v[0].group, "Zone ranges");
		CHECK_CONTAINS(rec.divergence.v[0].predicted, "DMA      [mem 0x0000000000001000-0x0000000001ffffff]");
		CHECK_CONTAINS(rec.divergence.v[0].seen, "DMA      [mem 0x0000000000001000-0x0000000000ffffff]");
		run_record_free(&rec);
	}
	char *html = path_join(out_dir, "r.html"), *junit = path_join(out_dir, "r.xml"), *json = path_join(out_dir, "r.json");
	char *argv[] = { (char *)topofarm_bin(), "report", "--dir", out_dir, "--text", "--html", html, "--junit", junit,
			 "--json", json, NULL };
	struct proc_result r;
	run_captured(argv, 120, &r);
	CHECK_CONTAINS(r.out, "divergence in Zone ranges");
	CHECK_CONTAINS(r.out, "model:  DMA      [mem 0x0000000000001000-0x0000000001ffffff]");
	CHECK_CONTAINS(r.out, "kernel: DMA      [mem 0x0000000000001000-0x0000000000ffffff]");
	proc_result_free(&r);
	char *h = read_file(html, NULL), *j = read_file(junit, NULL), *js = read_file(json, NULL);
	CHECK_CONTAINS(h, "Layout model vs kernel");
	CHECK_CONTAINS(h, "0x0000000001ffffff");
	CHECK_CONTAINS(j, "type=\"divergence\"");
	CHECK_CONTAINS(j, "0x0000000001ffffff");
	CHECK_CONTAINS(js, "\"group\": \"Zone ranges\"");
	free(h), free(j), free(js);
	free(html), free(junit), free(json);
	free(out);
	free(out_dir);
}
