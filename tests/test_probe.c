/* tests/test_probe.c: the guest side: the static probe (run on this host
 * with plans that only read, from tests/probe-plans/), the initramfs builder
 * (runner/initramfs.h), and SLOW boots of the Debian 6.1 kernel under TCG
 * with the real initramfs: no plan, a two-node layout, and the HOST/@@GO
 * handshake driven by the test itself writing to QEMU's serial stdin. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/cpio.h"
#include "common/fsutil.h"
#include "common/line_frame.h"
#include "common/proc.h"
#include "runner/initramfs.h"
#include "runner/kernels.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_BIN "build/guest/probe"
#define PLAN_DIR "tests/probe-plans"

/* Every line the probe prints is a framed protocol line of bounded length. */
static void check_protocol_lines(const char *out)
{
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (strncmp(p, "@@TOPOFARM ", 11) != 0)
			test_fail(__FILE__, __LINE__, "not a protocol line: %.*s", (int)(len > 80 ? 80 : len), p);
		if (len >= 1024)
			test_fail(__FILE__, __LINE__, "line of %zu bytes", len);
		size_t text;
		if (!line_frame_check(p, len, &text))
			test_fail(__FILE__, __LINE__, "no valid frame (common/line_frame.h): %.*s", (int)(len > 80 ? 80 : len), p);
		p += len + (nl != NULL);
	}
}

/* Each non-comment line of expect must prefix an output line, in order.
 * Returns the first expectation not met, or NULL. */
static const char *unmet_expectation(const char *out, const char *expect, char *missing, size_t n)
{
	const char *pos = out;
	char *copy = xstrdup(expect), *save;
	const char *result = NULL;
	for (char *want = strtok_r(copy, "\n", &save); want; want = strtok_r(NULL, "\n", &save)) {
		if (want[0] == '#' || !want[0])
			continue;
		const char *found = NULL;
		for (const char *p = pos; p && *p;) {
			if (!strncmp(p, want, strlen(want))) {
				found = p;
				break;
			}
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
		if (!found) {
			snprintf(missing, n, "%s", want);
			result = missing;
			break;
		}
		pos = strchr(found, '\n');
		pos = pos ? pos + 1 : found + strlen(found);
	}
	free(copy);
	return result;
}

static char *run_probe_on_host(const char *plan_path)
{
	char *argv[] = { PROBE_BIN, (char *)plan_path, NULL };
	struct proc_opts o = { .capture = true, .timeout = 60 };
	struct proc_result r;
	proc_run(argv, &o, &r);
	/* 0: every step succeeded, 1: some failed (reported, never fatal). */
	CHECK(r.exit_code == 0 || r.exit_code == 1);
	char *out = r.out ? xstrdup(r.out) : xstrdup("");
	proc_result_free(&r);
	return out;
}

/* tests/probe-plans/NAME.plan + NAME.expect (a missing .plan: the probe is
 * given a path that does not exist). Plans here must be safe on a host. */
TEST(probe_plan_cases)
{
	REQUIRE(path_exists(PROBE_BIN));   /* `make probe` (make test-fast does it) */
	DIR *d = opendir(PLAN_DIR);
	REQUIRE(d);
	struct dirent *e;
	int cases = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 8 || strcmp(e->d_name + len - 7, ".expect"))
			continue;
		char *base = xasprintf(PLAN_DIR "/%.*s", (int)(len - 7), e->d_name);
		char *expect_path = xasprintf("%s.expect", base);
		char *plan_path = xasprintf("%s.plan", base);
		char *expect = read_file(expect_path, NULL);
		char *out = run_probe_on_host(plan_path);
		char missing[256];
		if (unmet_expectation(out, expect ? expect : "", missing, sizeof missing))
			test_fail(__FILE__, __LINE__, "%s: no output line starts with \"%s\"; output:\n%s",
				  expect_path, missing, out);
		check_protocol_lines(out);
		cases++;
		free(out);
		free(expect);
		free(plan_path);
		free(expect_path);
		free(base);
	}
	closedir(d);
	CHECK(cases >= 3);
}

/* ---------- the initramfs ---------- */

struct archive_index {
	struct buf names;          /* "\nNAME MODE SIZE\n" frames */
	const struct cpio_entry *want;
	char init_name[16];
	size_t entries, archives;
	char *plan;                /* topofarm/plan contents, if present */
	int console_ok;
	int probe_ok;
	size_t probe_size;
};

static int index_entry(const struct cpio_entry *e, void *ctx)
{
	struct archive_index *x = ctx;
	x->entries++;
	if (e->archive + 1 > x->archives)
		x->archives = e->archive + 1;
	buf_printf(&x->names, "%s %o\n", e->name, e->mode);
	if (S_ISLNK(e->mode))
		buf_printf(&x->names, "%s -> %.*s\n", e->name, (int)e->size, (const char *)e->data);
	if (!strcmp(e->name, "dev/console"))
		x->console_ok = S_ISCHR(e->mode) && e->rdev_major == 5 && e->rdev_minor == 1;
	if (!strcmp(e->name, "probe")) {
		x->probe_ok = S_ISREG(e->mode) && (e->mode & 0111);
		x->probe_size = e->size;
	}
	if (!strcmp(e->name, "topofarm/plan")) {
		free(x->plan);
		x->plan = xstrndup((const char *)e->data, e->size);
	}
	return 0;
}

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static void index_free(struct archive_index *x)
{
	buf_free(&x->names);
	free(x->plan);
}

/* The base archive: the probe, /init linked to it (PID 1 is the probe's
 * init.c), /dev/console and the mount points; no shell, nothing else. */
TEST(initramfs_holds_the_probe_as_init)
{
	REQUIRE(path_exists(PROBE_BIN));
	char *err = NULL;
	char *path = initramfs_base(NULL, &err);
	if (!path)
		fprintf(stderr, "  %s\n", err);
	REQUIRE(path);
	CHECK_CONTAINS(path, "/initramfs/");
	size_t len;
	char *data = read_file(path, &len);
	REQUIRE(data);
	CHECK_INT(len % 4, 0);
	struct archive_index x = { 0 };
	buf_putc(&x.names, '\n');
	char werr[128] = "";
	CHECK_INT(cpio_walk(data, len, index_entry, &x, werr, sizeof werr), 0);
	CHECK_INT(x.archives, 1);
	CHECK(x.probe_ok);
	CHECK_INT(x.probe_size, file_size(PROBE_BIN));
	CHECK(x.console_ok);
	CHECK_CONTAINS(x.names.s, "\ninit -> /probe\n");
	CHECK_CONTAINS(x.names.s, "\nproc 40755\n");
	CHECK_CONTAINS(x.names.s, "\nsys 40755\n");
	CHECK_CONTAINS(x.names.s, "\ndev 40755\n");
	CHECK(!strstr(x.names.s, "busybox"));
	CHECK_INT(x.entries, 8);   /* 5 directories, console, probe, init */

	/* GNU cpio extracts it, and the probe inside runs (not as PID 1: the plan). */
	char *into = path_join(test_tmpdir(), "root");
	REQUIRE(mkdir_p(into, 0755) == 0);
	char *argv[] = { "cpio", "-idm", "--quiet", NULL };
	struct proc_opts o = { .cwd = into, .stdin_path = path, .capture = true, .timeout = 30 };
	struct proc_result r;
	CHECK_INT(proc_run(argv, &o, &r), 0);
	proc_result_free(&r);
	char *probe = path_join(into, "probe");   /* init's target (absolute: the guest's /probe) */
	char *pargv[] = { probe, "/nonexistent-plan", NULL };
	struct proc_opts po = { .capture = true, .timeout = 30 };
	CHECK_INT(proc_run(pargv, &po, &r), 0);
	CHECK_CONTAINS(r.out, "@@TOPOFARM PLAN-END steps=1 failed=0");
	proc_result_free(&r);

	/* Same inputs, same cached archive. */
	char *again = initramfs_base(NULL, &err);
	CHECK_STR(again, path);
	free(again);
	free(probe);
	free(into);
	index_free(&x);
	free(data);
	free(path);
}

TEST(initramfs_cache_key_follows_inputs)
{
	REQUIRE(path_exists(PROBE_BIN));
	/* Another static executable: the probe with one more byte at the end. */
	size_t len;
	char *bin = read_file(PROBE_BIN, &len);
	REQUIRE(bin);
	char *other = path_join(test_tmpdir(), "probe-changed");
	struct buf b2 = BUF_INIT;
	buf_add(&b2, bin, len);
	buf_putc(&b2, 0);
	REQUIRE(write_file(other, b2.s, b2.len) == 0);
	struct initramfs_inputs in = { .probe = other };
	char *err = NULL;
	char *a = initramfs_base(NULL, &err);
	char *b = initramfs_base(&in, &err);
	REQUIRE(a && b);
	CHECK(strcmp(a, b) != 0);
	free(a);
	free(b);
	buf_free(&b2);
	free(bin);
	free(other);
}

TEST(initramfs_names_the_missing_or_unusable_input)
{
	static const struct {
		struct initramfs_inputs in;
		const char *says;
	} cases[] = {
		{ { .probe = "/nonexistent/probe" }, "guest probe: cannot read /nonexistent/probe" },
		{ { .probe = "/nonexistent/probe" }, "make probe" },
		{ { .probe = "/bin/ls" }, "guest probe: /bin/ls is not a static x86-64 executable" },
		{ { .probe = "runner/guest/init.c" }, "guest probe: runner/guest/init.c is not a static" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = NULL;
		char *path = initramfs_base(&cases[i].in, &err);
		CHECK(path == NULL);
		CHECK_CONTAINS(err, cases[i].says);
		free(err);
		free(path);
	}
}

TEST(initramfs_run_archive_is_override_then_base_then_plan)
{
	REQUIRE(path_exists(PROBE_BIN));
	char *err = NULL;
	char *base = initramfs_base(NULL, &err);
	REQUIRE(base);
	struct buf acpi = BUF_INIT;
	struct cpio c;
	cpio_init(&c, &acpi);
	cpio_add_file(&c, "kernel/firmware/acpi/SRAT.aml", 0644, "SRAT\x28", 5);
	cpio_finish(&c);
	char *out = path_join(test_tmpdir(), "initrd");
	REQUIRE(initramfs_write_run(out, acpi.s, acpi.len, base, "probe nodes\nsleep 1\n", &err) == 0);
	size_t len;
	char *data = read_file(out, &len);
	REQUIRE(data);
	struct archive_index x = { 0 };
	buf_putc(&x.names, '\n');
	char werr[128] = "";
	CHECK_INT(cpio_walk(data, len, index_entry, &x, werr, sizeof werr), 0);
	CHECK_INT(x.archives, 3);
	CHECK(!strncmp(x.names.s, "\nkernel/firmware/acpi/SRAT.aml", 30));   /* first entry */
	CHECK_STR(x.plan, "probe nodes\nsleep 1\n");
	CHECK(x.probe_ok);

	CHECK(initramfs_write_run(out, NULL, 0, "/nonexistent.cpio", NULL, &err) != 0);
	CHECK_CONTAINS(err, "/nonexistent.cpio");
	free(err);
	index_free(&x);
	free(data);
	free(out);
	buf_free(&acpi);
	free(base);
}

/* ---------- boots (SLOW) ---------- */

/* The debian-6.1 image, or NULL with the test marked skipped. */
static char *debian_kernel(void)
{
	return test_kernel_image("debian-6.1");
}

/* Builds the run's initrd (base + plan) in the test directory. */
static char *run_initrd(const char *plan)
{
	char *err = NULL;
	char *base = initramfs_base(NULL, &err);
	if (!base) {
		test_fail(__FILE__, __LINE__, "initramfs: %s", err);
		free(err);
		return NULL;
	}
	char *path = path_join(test_tmpdir(), "initrd.cpio");
	if (initramfs_write_run(path, NULL, 0, base, plan, &err) != 0) {
		test_fail(__FILE__, __LINE__, "initrd: %s", err);
		free(err);
		free(path);
		path = NULL;
	}
	free(base);
	return path;
}

#define MAX_QEMU_ARGS 48

/* The QEMU command line every boot test uses, plus extra arguments. */
static void qemu_argv(char **argv, const char *kernel, const char *initrd, char *const *extra)
{
	static char *const fixed[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-no-reboot", "-net", "none",
		"-display", "none", "-monitor", "none", "-serial", "stdio", NULL };
	size_t n = 0;
	for (size_t i = 0; fixed[i]; i++)
		argv[n++] = fixed[i];
	argv[n++] = "-kernel";
	argv[n++] = (char *)kernel;
	argv[n++] = "-initrd";
	argv[n++] = (char *)initrd;
	argv[n++] = "-append";
	argv[n++] = "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 nokaslr";
	for (size_t i = 0; extra && extra[i] && n < MAX_QEMU_ARGS - 1; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
}

/* Value of "key=" on the first line starting with prefix, or -1. */
static long long line_value(const char *out, const char *prefix, const char *key)
{
	for (const char *p = out; p && *p;) {
		const char *nl = strchr(p, '\n');
		if (!strncmp(p, prefix, strlen(prefix))) {
			char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
			char *k = strstr(line, key);
			long long v = k ? strtoll(k + strlen(key), NULL, 10) : -1;
			free(line);
			return v;
		}
		p = nl ? nl + 1 : NULL;
	}
	return -1;
}

static char *boot(const char *kernel, const char *initrd, char *const *extra, struct proc_result *r)
{
	char *argv[MAX_QEMU_ARGS];
	qemu_argv(argv, kernel, initrd, extra);
	struct proc_opts o = { .capture = true, .timeout = 300 };
	proc_run(argv, &o, r);
	CHECK(!r->timed_out);
	CHECK_INT(r->exit_code, 0);
	return r->out ? r->out : "";
}

SLOW_TEST(boot_debian_no_plan_reports_nodes)
{
	char *kernel = debian_kernel();
	if (!kernel)
		return;
	char *initrd = run_initrd(NULL);
	REQUIRE(initrd);
	char *extra[] = { "-m", "1G", "-smp", "2", NULL };
	struct proc_result r;
	const char *out = boot(kernel, initrd, extra, &r);
	CHECK_CONTAINS(out, "\n@@TOPOFARM READY 6.1.");
	CHECK_CONTAINS(out, "\n@@TOPOFARM PLAN none");
	CHECK_CONTAINS(out, "\n@@TOPOFARM node 0 memtotal_kb=");
	CHECK_CONTAINS(out, "\n@@TOPOFARM nodes online=0 possible=0 block_size=0x8000000");
	CHECK_CONTAINS(out, "\n@@TOPOFARM DONE rc=0");
	long long kb = line_value(out, "@@TOPOFARM node 0 ", "memtotal_kb=");
	CHECK(kb > 700 * 1024 && kb <= 1024 * 1024);
	proc_result_free(&r);
	free(initrd);
	free(kernel);
}

SLOW_TEST(boot_debian_two_nodes_alloc_lands_on_each)
{
	char *kernel = debian_kernel();
	if (!kernel)
		return;
	char *initrd = run_initrd("probe nodes memory-blocks zoneinfo pagetypeinfo node-alloc kpageflags\n");
	REQUIRE(initrd);
	char *extra[] = { "-m", "1G", "-smp", "2,sockets=2",
			  "-object", "memory-backend-ram,id=m0,size=512M",
			  "-object", "memory-backend-ram,id=m1,size=512M",
			  "-numa", "node,nodeid=0,memdev=m0,cpus=0",
			  "-numa", "node,nodeid=1,memdev=m1,cpus=1", NULL };
	struct proc_result r;
	const char *out = boot(kernel, initrd, extra, &r);
	CHECK_CONTAINS(out, "\n@@TOPOFARM nodes online=0-1 ");
	for (int n = 0; n < 2; n++) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "@@TOPOFARM node %d ", n);
		long long kb = line_value(out, prefix, "memtotal_kb=");
		CHECK(kb > 300 * 1024 && kb <= 512 * 1024);
		snprintf(prefix, sizeof prefix, "@@TOPOFARM node-alloc node=%d ", n);
		long long pages = line_value(out, prefix, "pages=");
		CHECK(pages > 0);
		CHECK_INT(line_value(out, prefix, "on_node="), pages);
	}
	CHECK_CONTAINS(out, "\n@@TOPOFARM node 0 memtotal_kb=");
	CHECK_CONTAINS(out, "cpus=1 memoryless=0 ranges=0x20000000-0x3fffffff");
	CHECK_CONTAINS(out, "\n@@TOPOFARM block 7 state=online");
	CHECK_CONTAINS(out, "\n@@TOPOFARM zone node=1 zone=DMA32");
	CHECK_CONTAINS(out, "\n@@TOPOFARM pageblocks node=1 zone=DMA32 Unmovable=");
	CHECK(!strstr(out, "zone=DMA32,"));   /* free-page rows are not block rows */
	CHECK(line_value(out, "@@TOPOFARM kpageflags pages=", "pages=") >= 262144);
	CHECK_CONTAINS(out, "\n@@TOPOFARM STEP-END 0 rc=0");
	CHECK_CONTAINS(out, "\n@@TOPOFARM DONE rc=0");
	proc_result_free(&r);
	free(initrd);
	free(kernel);
}

/* The host's part of one HOST step: the HOST line to wait for, the HMP
 * monitor commands to send (or NULL), and what to type on the console. */
struct host_answer {
	const char *host_line;
	const char *monitor;
	const char *typed;
};

static void send_monitor(const char *sock_path, const char *commands)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
		_exit(2);
	if (write(fd, commands, strlen(commands)) < 0)
		_exit(2);
	usleep(500 * 1000);   /* HMP reads the lines one by one; let it */
	close(fd);
}

/* Runs in a child: plays the host's part from the console log, keeping the
 * fifo open until the guest is done so QEMU never sees end of input. */
static void play_host(const char *fifo, const char *log, const char *monitor,
		      const struct host_answer *answers, size_t n)
{
	int fd = open(fifo, O_WRONLY);
	if (fd < 0)
		_exit(1);
	size_t next = 0;
	for (int tries = 0; tries < 3000; tries++) {   /* 300 s at 100 ms */
		char *text = read_file(log, NULL);
		if (text && next < n && strstr(text, answers[next].host_line)) {
			if (answers[next].monitor)
				send_monitor(monitor, answers[next].monitor);
			const char *typed = answers[next].typed;
			if (write(fd, typed, strlen(typed)) < 0)
				_exit(1);
			next++;
		}
		int done = text && strstr(text, "@@TOPOFARM DONE");
		free(text);
		if (done)
			break;
		usleep(100 * 1000);
	}
	close(fd);
	_exit(0);
}

/* Boots with the console on a fifo the host child types into; returns the
 * console log (caller frees). */
static char *boot_with_host(const char *kernel, const char *initrd, char *const *extra,
			    const char *monitor, const struct host_answer *answers, size_t n)
{
	char *fifo = path_join(test_tmpdir(), "serial-in");
	char *log = path_join(test_tmpdir(), "console.log");
	char *out = NULL;
	if (mkfifo(fifo, 0600) != 0 || write_file(log, "", 0) != 0) {
		test_fail(__FILE__, __LINE__, "cannot make %s", fifo);
		goto done;
	}
	pid_t host = fork();
	if (host == 0)
		play_host(fifo, log, monitor, answers, n);
	char *argv[MAX_QEMU_ARGS];
	qemu_argv(argv, kernel, initrd, extra);
	struct proc_opts o = { .out_path = log, .stdin_path = fifo, .timeout = 300 };
	struct proc_result r;
	proc_run(argv, &o, &r);
	if (host > 0) {
		kill(host, SIGKILL);   /* if QEMU never opened the fifo, it waits in open() */
		waitpid(host, NULL, 0);
	}
	CHECK(host > 0);
	CHECK(!r.timed_out);
	CHECK_INT(r.exit_code, 0);
	proc_result_free(&r);
	out = read_file(log, NULL);
done:
	free(log);
	free(fifo);
	return out ? out : xstrdup("");
}

SLOW_TEST(boot_debian_host_step_handshake)
{
	char *kernel = debian_kernel();
	if (!kernel)
		return;
	/* No memory is really added: the probe must give up waiting for new
	 * blocks after wait=3 s and go on with the next step. */
	char *initrd = run_initrd("host hot-add dimm1 node=0 size=128M wait=3\nprobe nodes\n");
	REQUIRE(initrd);
	static const struct host_answer answers[] = {
		{ "@@TOPOFARM HOST 0 hot-add dimm1", NULL, "noise\r@@GO 7\r@@GO 0\r" },
	};
	char *extra[] = { "-m", "1G", "-smp", "2", NULL };
	char *out = boot_with_host(kernel, initrd, extra, NULL, answers, 1);
	char missing[256];
	static const char expect[] =
		"@@TOPOFARM STEP 0 host hot-add dimm1 node=0 size=128M wait=3\n"
		"@@TOPOFARM HOST 0 hot-add dimm1 node=0 size=128M wait=3\n"
		"@@TOPOFARM HOST-IGNORED 0 got=7\n"
		"@@TOPOFARM HOST-GO 0\n"
		"@@TOPOFARM HOST-WAIT-TIMEOUT 0 waited=3s wanted=1 seen=0\n"
		"@@TOPOFARM blocks total=8 online=8 offline=0 new=- gone=-\n"
		"@@TOPOFARM STEP-END 0 rc=110\n"
		"@@TOPOFARM STEP 1 probe nodes\n"
		"@@TOPOFARM node 0 memtotal_kb=\n"
		"@@TOPOFARM STEP-END 1 rc=0\n"
		"@@TOPOFARM PLAN-END steps=2 failed=1\n"
		"@@TOPOFARM DONE rc=1\n";
	if (unmet_expectation(out, expect, missing, sizeof missing))
		test_fail(__FILE__, __LINE__, "no console line starts with \"%s\"; console:\n%s", missing, out);
	/* Echo is off on the guest console: what the host typed is not logged. */
	CHECK(strstr(out, "@@GO 0") == NULL);
	free(out);
	free(initrd);
	free(kernel);
}

/* The whole hotplug round trip with real QEMU monitor work: a 256M DIMM
 * comes to node 1 as two 128M blocks above 4G, is onlined movable, and
 * leaves again on device_del. */
SLOW_TEST(boot_debian_dimm_hot_add_and_remove)
{
	char *kernel = debian_kernel();
	if (!kernel)
		return;
	char *initrd = run_initrd("host hot-add dimm1 node=1 size=256M\n"
				  "online new zone=movable\n"
				  "probe nodes\n"
				  "host hot-remove dimm1\n");
	REQUIRE(initrd);
	char *monitor = path_join(test_tmpdir(), "monitor.sock");
	char *monitor_arg = xasprintf("unix:%s,server,nowait", monitor);
	static const struct host_answer answers[] = {
		{ "@@TOPOFARM HOST 0 hot-add dimm1 node=1 size=256M",
		  "object_add memory-backend-ram,id=hp1,size=256M\n"
		  "device_add pc-dimm,id=dimm1,memdev=hp1,node=1\n", "@@GO 0\r" },
		{ "@@TOPOFARM HOST 3 hot-remove dimm1", "device_del dimm1\n", "@@GO 3\r" },
	};
	/* The fixed "-monitor none" comes first; a later -monitor adds one. */
	char *extra[] = { "-m", "1G,slots=4,maxmem=4G", "-smp", "2,sockets=2",
			  "-object", "memory-backend-ram,id=m0,size=512M",
			  "-object", "memory-backend-ram,id=m1,size=512M",
			  "-numa", "node,nodeid=0,memdev=m0,cpus=0",
			  "-numa", "node,nodeid=1,memdev=m1,cpus=1",
			  "-monitor", monitor_arg, NULL };
	char *out = boot_with_host(kernel, initrd, extra, monitor, answers, 2);
	char missing[256];
	static const char expect[] =
		"@@TOPOFARM HOST 0 hot-add dimm1 node=1 size=256M\n"
		"@@TOPOFARM HOST-GO 0\n"
		"@@TOPOFARM blocks total=10 online=8 offline=2 new=32-33 gone=-\n"
		"@@TOPOFARM STEP-END 0 rc=0\n"
		"@@TOPOFARM online blocks=32-33 as=online_movable\n"
		"@@TOPOFARM block 32 online_movable ok\n"
		"@@TOPOFARM block 33 online_movable ok\n"
		"@@TOPOFARM STEP-END 1 rc=0\n"
		"@@TOPOFARM node 1 memtotal_kb=\n"
		"@@TOPOFARM HOST 3 hot-remove dimm1\n"
		"@@TOPOFARM HOST-GO 3\n"
		"@@TOPOFARM blocks total=8 online=8 offline=0 new=- gone=32-33\n"
		"@@TOPOFARM STEP-END 3 rc=0\n"
		"@@TOPOFARM DONE rc=0\n";
	if (unmet_expectation(out, expect, missing, sizeof missing))
		test_fail(__FILE__, __LINE__, "no console line starts with \"%s\"; console:\n%s", missing, out);
	/* Node 1 grew by the DIMM: 512M + 256M, less what the kernel keeps. */
	long long kb = line_value(out, "@@TOPOFARM node 1 ", "memtotal_kb=");
	CHECK(kb > 600 * 1024 && kb <= 768 * 1024);
	CHECK_CONTAINS(out, "ranges=0x20000000-0x3fffffff,0x100000000-0x10fffffff");
	free(out);
	free(monitor_arg);
	free(monitor);
	free(initrd);
	free(kernel);
}
