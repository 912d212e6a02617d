/* runner/qemu_run.c: one boot (see runner/qemu_run.h): run directory,
 * initrd, the boot.exp process, and the run record made from what it saw. */
#include "runner/qemu_run.h"
#include "runner/plan.h"
#include "acpi-gen/acpi_gen.h"
#include "acpi-gen/qemu_args.h"
#include "runner/initramfs.h"
#include "runner/kernels.h"
#include "runner/libvirt_console.h"
#include "runner/libvirt_hosts.h"
#include "runner/libvirt_xml.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/sha256.h"
#include "common/strv.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *run_file(const struct boot *b, const char *name)
{
	return path_join(b->rec.dir, name);
}

static int write_run_file(struct boot *b, const char *name, const void *data, size_t len)
{
	char *path = run_file(b, name);
	int rc = write_file(path, data, len);
	if (rc != 0 && !b->setup_error)
		b->setup_error = xasprintf("cannot write %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

static char *utc_now(void)
{
	char s[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(s);
}

/* The initrd: [ACPI override archive] + base + plan. Runs with the same
 * three parts share one file in the cache, named by their content. */
static char *make_initrd(const struct boot_request *rq, const char *plan, char **err)
{
	const struct topology *t = rq->topo;
	struct buf prefix = BUF_INIT;
	if (t->firmware == FIRMWARE_GENERATED) {
		struct acpi_set set;
		if (acpi_generate(t, t->name, &set, err) != 0)
			return NULL;
		acpi_override_archive(&set, &prefix);
		acpi_set_free(&set);
	}
	struct sha256 h;
	char hex[65];
	sha256_init(&h);
	sha256_update(&h, prefix.s ? prefix.s : "", prefix.len);
	sha256_update(&h, rq->base_initrd, strlen(rq->base_initrd) + 1);
	sha256_update(&h, plan, strlen(plan));
	sha256_final_hex(&h, hex);
	char *dir = path_join(cache_dir(), "initrd");
	char *path = xasprintf("%s/%.16s.cpio", dir, hex);
	int rc = 0;
	if (!path_exists(path)) {
		if (mkdir_p(dir, 0755) != 0) {
			*err = xasprintf("cannot create %s: %s", dir, strerror(errno));
			rc = -1;
		} else {
			rc = initramfs_write_run(path, prefix.s, prefix.len, rq->base_initrd, plan, err);
		}
	}
	free(dir);
	buf_free(&prefix);
	if (rc != 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Tcl reads pipeline words starting with < > | 2> (and a lone &) as
 * redirections; boot.exp starts QEMU as a Tcl pipeline. */
static const char *tcl_unsafe_arg(char **argv)
{
	for (int i = 0; argv[i]; i++) {
		const char *a = argv[i];
		if (strchr("<>|", a[0]) || !strncmp(a, "2>", 2) || !strcmp(a, "&"))
			return a;
	}
	return NULL;
}

static void argv_text(char **argv, struct buf *out)
{
	for (int i = 0; argv[i]; i++)
		buf_printf(out, "%s\n", argv[i]);
}

void boot_request_set_kernel(struct boot_request *rq, const struct kernel_entry *k, const char *image,
			     const char *source, const char *vmlinux)
{
	rq->kernel_name = k->name;
	rq->kernel_image = image;
	rq->kernel_source = source;
	rq->kernel_vmlinux = vmlinux;
	rq->kernel_cmdline = k->cmdline;
	rq->kernel_coverage = k->coverage != NULL;
	rq->kernel_slow = k->slow;
}

static int silence_for(const struct boot_request *rq)
{
	if (rq->silence > 0)
		return rq->silence;
	return BOOT_SILENCE * (rq->kernel_slow > 1 ? rq->kernel_slow : 1) + plan_longest_sleep(rq->topo);
}

/* Child side of the fork: a new process group (the boot's), death with the
 * parent, default signal handling, output to expect.log. */
static void exec_expect(char **argv, const char *log_path, int errpipe)
{
	pid_t parent = getppid();
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	int in = open("/dev/null", O_RDONLY);
	int out = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		goto fail;
	dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	execvp(argv[0], argv);
fail:;
	int e = errno;
	if (write(errpipe, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

static int spawn_expect(struct boot *b, const char *script_path, char **qemu_argv, bool host_steps, int silence)
{
	struct strv ex = { 0 };
	char *script = script_path ? xstrdup(script_path) : path_join(repo_home(), "runner/boot.exp");
	char *result = run_file(b, "boot.result"), *console = run_file(b, "console.log");
	char *qerr = run_file(b, "qemu.stderr"), *steps = run_file(b, "steps.log");
	char *host = run_file(b, "host-actions"), *log = run_file(b, "expect.log");
	strv_add(&ex, "expect");
	strv_add(&ex, script);
	strv_add(&ex, "-result");
	strv_add(&ex, result);
	strv_add(&ex, "-console");
	strv_add(&ex, console);
	strv_add(&ex, "-stderr");
	strv_add(&ex, qerr);
	strv_add(&ex, "-steps");
	strv_add(&ex, steps);
	if (host_steps) {
		strv_add(&ex, "-host");
		strv_add(&ex, host);
		strv_add(&ex, "-qmp");
		strv_addf(&ex, "%s/qmp", b->sock_dir);
	}
	strv_add(&ex, "-timeout");
	strv_addf(&ex, "%d", b->timeout);
	strv_add(&ex, "-silence");
	strv_addf(&ex, "%d", silence);
	strv_add(&ex, "-grace");
	strv_addf(&ex, "%d", BOOT_PANIC_GRACE);
	if (b->host) {
		strv_add(&ex, "-setup");
		strv_addf(&ex, "%d", LV_START_ALLOWANCE);
	}
	strv_add(&ex, "--");
	for (int i = 0; qemu_argv[i]; i++)
		strv_add(&ex, qemu_argv[i]);

	int errpipe[2] = { -1, -1 };
	pid_t pid = -1;
	if (pipe2(errpipe, O_CLOEXEC) != 0) {
		b->setup_error = xasprintf("cannot create a pipe: %s", strerror(errno));
	} else if ((pid = fork()) < 0) {
		b->setup_error = xasprintf("cannot fork: %s", strerror(errno));
	} else if (pid == 0) {
		exec_expect(strv_argv(&ex), log, errpipe[1]);
	} else {
		setpgid(pid, pid);
		close(errpipe[1]);
		errpipe[1] = -1;
		int e;
		if (read(errpipe[0], &e, sizeof e) == (ssize_t)sizeof e) {
			b->setup_error = xasprintf("cannot run expect: %s", strerror(e));
			waitpid(pid, NULL, 0);
			pid = -1;
		}
	}
	for (int i = 0; i < 2; i++)
		if (errpipe[i] >= 0)
			close(errpipe[i]);
	b->pid = pid > 0 ? pid : 0;
	strv_free(&ex);
	free(script), free(result), free(console), free(qerr), free(steps), free(host), free(log);
	return b->pid ? 0 : -1;
}

static void record_init(const struct boot_request *rq, struct boot *b)
{
	struct run_record *r = &b->rec;
	char hash[65];
	topo_hash(rq->topo, hash);
	r->campaign = xstrdup(rq->campaign ? rq->campaign : "run");
	r->layout_name = xstrdup(rq->topo->name);
	r->layout_hash = xstrdup(hash);
	r->topology_text = xstrdup(rq->topo->text ? rq->topo->text : "");
	r->kernel_name = xstrdup(rq->kernel_name);
	r->kernel_source = rq->kernel_source ? xstrdup(rq->kernel_source) : NULL;
	r->attempt = rq->attempt;
	r->dir = xstrdup(rq->run_dir);
	r->started_at = utc_now();
	r->t_first_output = r->t_ready = r->t_end = -1;
	r->qemu_exit = -1;
	r->steps_total = plan_step_count(rq->topo);
}

/* Files a previous, unfinished attempt may have left. */
static void clear_run_dir(struct boot *b)
{
	static const char *const names[] = {
		"record.json", "boot.result", "console.log", "steps.log", "qemu.stderr",
		"expect.log", "argv.txt", "plan", "host-actions", "topology.topo", "domain.xml", "host",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = run_file(b, names[i]);
		unlink(p);
		free(p);
	}
}

/* The libvirt domain of a run: the layout's name and the run directory's hash. */
static char *domain_name(const char *layout, const char *run_dir)
{
	char hash[65];
	sha256_hex(run_dir, strlen(run_dir), hash);
	return xasprintf("topofarm-%.40s-%.12s", layout, hash);
}

/* The libvirt backend's "QEMU": `topofarm libvirt-console` on a domain
 * whose kernel and initrd are the host's copies. */
static void libvirt_argv(const struct boot_request *rq, struct boot *b, const char *initrd, struct strv *out)
{
	struct lv_host *h = rq->host;
	char *err = NULL, *kernel = NULL, *remote_initrd = NULL, *xml = NULL;
	write_run_file(b, "host", h->uri, strlen(h->uri));
	kernel = lv_host_stage(rq->farm, h, rq->kernel_image, &err);
	if (kernel)
		remote_initrd = lv_host_stage(rq->farm, h, initrd, &err);
	if (!remote_initrd) {
		b->setup_error = xasprintf("%s: %s", LV_EXIT_HOST_LOST_TEXT, err ? err : "?");
		goto out;
	}
	char *name = domain_name(rq->topo->name, b->rec.dir);
	/* No console log file (.console_log, the helper's --console-log): in
	 * the 2026-11-30 runs the helper never found that volume and the files
	 * piled up in the pool, so it stays off (docs/farm.md); the guest's
	 * 3 s between the flush line and its power-off keeps the tail instead. */
	struct libvirt_config cfg = { .name = name, .kernel = kernel, .initrd = remote_initrd, .accel = rq->accel,
				      .extra_append = rq->kernel_cmdline };
	xml = libvirt_domain_xml(rq->topo, &cfg, &err);
	free(name);
	if (!xml) {
		b->setup_error = xstrdup(err);
		goto out;
	}
	write_run_file(b, "domain.xml", xml, strlen(xml));
	/* This very binary, even when the file was replaced since (a rebuild
	 * during a campaign): /proc/PID/exe of the running topofarm, which
	 * outlives every boot it starts. */
	char *self = xasprintf("/proc/%d/exe", (int)getpid());
	char *xml_path = run_file(b, "domain.xml");
	strv_add(out, self);
	free(self);
	strv_add(out, "libvirt-console");
	strv_add(out, "--uri");
	strv_add(out, h->uri);
	strv_add(out, "--xml");
	strv_add(out, xml_path);
	if (b->sock_dir) {
		strv_add(out, "--qmp");
		strv_addf(out, "%s/qmp", b->sock_dir);
	}
	free(xml_path);
out:
	free(err), free(kernel), free(remote_initrd), free(xml);
}

int boot_start(const struct boot_request *rq, struct boot *b)
{
	memset(b, 0, sizeof *b);
	record_init(rq, b);
	if ((b->host = rq->host))
		b->host->running++;
	b->vmlinux = rq->kernel_vmlinux ? xstrdup(rq->kernel_vmlinux) : NULL;
	b->expect_coverage = rq->kernel_coverage;
	const struct topology *t = rq->topo;
	b->timeout = rq->timeout > 0 ? rq->timeout
		     : (t->timeout > 0 ? t->timeout : BOOT_DEFAULT_TIMEOUT) * (rq->kernel_slow > 1 ? rq->kernel_slow : 1);
	if (mkdir_p(rq->run_dir, 0755) != 0) {
		b->setup_error = xasprintf("cannot create %s: %s", rq->run_dir, strerror(errno));
		return -1;
	}
	clear_run_dir(b);
	if (rq->farm && !rq->host) {
		b->setup_error = xstrdup(LV_EXIT_HOST_LOST_TEXT ": every host of the farm is down");
		return -1;
	}
	char *plan = plan_text(t), *host = plan_host_actions(t), *err = NULL;
	bool host_steps = plan_has_host_steps(t);
	write_run_file(b, "topology.topo", b->rec.topology_text, strlen(b->rec.topology_text));
	write_run_file(b, "plan", plan, strlen(plan));
	if (host_steps)
		write_run_file(b, "host-actions", host, strlen(host));
	char *initrd = b->setup_error ? NULL : make_initrd(rq, plan, &err);
	if (!initrd && !b->setup_error)
		b->setup_error = xasprintf("cannot build the initrd: %s", err);
	if (initrd && host_steps) {
		/* Unix socket paths are short (108 bytes): not under --out. */
		char tmpl[] = "/tmp/topofarm-qmp-XXXXXX";
		if (mkdtemp(tmpl))
			b->sock_dir = xstrdup(tmpl);
		else
			b->setup_error = xasprintf("cannot create a socket directory in /tmp: %s", strerror(errno));
	}
	struct strv qargv = { 0 };
	if (!b->setup_error && rq->host) {
		libvirt_argv(rq, b, initrd, &qargv);
	} else if (!b->setup_error) {
		char *qmp = b->sock_dir ? xasprintf("%s/qmp", b->sock_dir) : NULL;
		struct qemu_config cfg = {
			.qemu = rq->qemu, .kernel = rq->kernel_image, .initrd = initrd,
			.accel = rq->accel, .qmp_socket = qmp, .extra_append = rq->kernel_cmdline,
		};
		free(err);
		err = NULL;
		if (qemu_args_build(t, &cfg, &qargv, &err) != 0)
			b->setup_error = xasprintf("cannot build the QEMU arguments: %s", err);
		free(qmp);
	}
	if (!b->setup_error) {
		struct buf text = BUF_INIT;
		argv_text(strv_argv(&qargv), &text);
		b->rec.argv_text = xstrdup(text.s);
		write_run_file(b, "argv.txt", text.s, text.len);
		buf_free(&text);
		const char *bad = tcl_unsafe_arg(strv_argv(&qargv));
		if (bad)
			b->setup_error = xasprintf("QEMU argument '%s' would be read as a redirection", bad);
	}
	if (!b->setup_error)
		spawn_expect(b, rq->script, strv_argv(&qargv), host_steps, silence_for(rq));
	strv_free(&qargv);
	free(plan), free(host), free(initrd), free(err);
	return b->pid ? 0 : -1;
}

/* ---------- after the boot ---------- */

struct boot_result {
	char *end, *detail, *qemu_signal;
	double t_first, t_ready, t_end;
	int qemu_exit, guest_rc, steps_done;
};

static void parse_result(const char *text, struct boot_result *r)
{
	memset(r, 0, sizeof *r);
	r->t_first = r->t_ready = r->t_end = -1;
	r->qemu_exit = -1;
	char *copy = xstrdup(text), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');
		v = v ? (*v = 0, v + 1) : line + strlen(line);
		if (!strcmp(line, "end")) r->end = xstrdup(v);
		else if (!strcmp(line, "detail")) r->detail = xstrdup(v);
		else if (!strcmp(line, "qemu_signal")) r->qemu_signal = xstrdup(v);
		else if (!strcmp(line, "t_first_output")) r->t_first = atof(v);
		else if (!strcmp(line, "t_ready")) r->t_ready = atof(v);
		else if (!strcmp(line, "t_end")) r->t_end = atof(v);
		else if (!strcmp(line, "qemu_exit")) r->qemu_exit = atoi(v);
		else if (!strcmp(line, "guest_rc")) r->guest_rc = atoi(v);
		else if (!strcmp(line, "steps_done")) r->steps_done = atoi(v);
	}
	free(copy);
}

static void boot_result_free(struct boot_result *r)
{
	free(r->end), free(r->detail), free(r->qemu_signal);
}

/* The last non-empty line of a file (QEMU's stderr, expect's output). */
static char *last_line(const char *path)
{
	char *text = read_file(path, NULL);
	if (!text)
		return NULL;
	char *end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = 0;
	char *start = strrchr(text, '\n');
	char *line = *text ? xstrdup(start ? start + 1 : text) : NULL;
	free(text);
	return line;
}

static enum run_end end_from_name(const char *s)
{
	static const struct { const char *name; enum run_end end; } map[] = {
		{ "guest-done", RUN_END_GUEST_DONE }, { "panic", RUN_END_PANIC },
		{ "silence", RUN_END_SILENCE }, { "timeout", RUN_END_TIMEOUT },
		{ "qemu-exit", RUN_END_QEMU_EXIT }, { "infra", RUN_END_INFRA },
	};
	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(s, map[i].name))
			return map[i].end;
	return RUN_END_INFRA;
}

/* How the run ended, with the infra cases told apart from kernel failures:
 * QEMU that exits with an error before the guest printed anything refused
 * its arguments or could not start (missing binary, no memory); QEMU killed
 * by a signal nobody here sent died of the host (OOM killer). */
static void decide_end(struct boot *b, int status, struct run_record *r)
{
	char *result_path = run_file(b, "boot.result");
	char *text = read_file(result_path, NULL);
	free(result_path);
	if (!text) {
		char *log = run_file(b, "expect.log");
		char *why = last_line(log);
		r->end = RUN_END_INFRA;
		r->end_detail = xasprintf("Expect failed (%s %d): %s",
					  WIFSIGNALED(status) ? "signal" : "exit",
					  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
					  why ? why : "no output");
		free(why);
		free(log);
		return;
	}
	struct boot_result br;
	parse_result(text, &br);
	free(text);
	char *qerr_path = run_file(b, "qemu.stderr");
	char *qerr = last_line(qerr_path);
	free(qerr_path);
	r->end = end_from_name(br.end);
	r->t_first_output = br.t_first;
	r->t_ready = br.t_ready;
	r->t_end = br.t_end;
	r->qemu_exit = br.qemu_signal && *br.qemu_signal ? -1 : br.qemu_exit;
	r->steps_done = br.steps_done;
	bool silent = br.t_first < 0;
	if (r->end == RUN_END_QEMU_EXIT && b->host && br.qemu_exit == LV_EXIT_HOST_LOST) {
		r->end = RUN_END_INFRA;
		r->end_detail = xasprintf("%s: %s", LV_EXIT_HOST_LOST_TEXT, b->host->uri);
		lv_host_mark_down(b->host, r->end_detail);
		char *name = domain_name(r->layout_name, r->dir);
		lv_host_lost_domain(b->host, name);
		free(name);
	} else if (r->end == RUN_END_QEMU_EXIT && silent && br.qemu_exit != 0)
		r->end = RUN_END_INFRA, r->end_detail = xasprintf("QEMU refused its arguments or could not start (exit %d): %s",
								    br.qemu_exit, qerr ? qerr : "no message");
	else if (r->end == RUN_END_QEMU_EXIT && br.qemu_signal && *br.qemu_signal)
		r->end = RUN_END_INFRA, r->end_detail = xasprintf("QEMU was killed by %s from outside (host out of memory?)%s%s",
								    br.qemu_signal, qerr ? ": " : "", qerr ? qerr : "");
	else if (r->end == RUN_END_QEMU_EXIT)
		r->end_detail = xasprintf("QEMU exited with %d%s%s", br.qemu_exit, qerr ? ": " : "", qerr ? qerr : "");
	else
		r->end_detail = xstrdup(br.detail ? br.detail : "");
	free(qerr);
	boot_result_free(&br);
}

static void remove_sock_dir(struct boot *b)
{
	if (b->sock_dir) {
		remove_tree(b->sock_dir);
		free(b->sock_dir);
		b->sock_dir = NULL;
	}
}

static void release_host(struct boot *b)
{
	if (b->host) {
		b->host->running--;
		b->host->boots++;
		b->host = NULL;
	}
}

int boot_finish(struct boot *b, int status, struct run_record *rec, char **err)
{
	struct run_record *r = &b->rec;
	if (b->pid > 0)
		kill(-b->pid, SIGKILL);   /* whatever of the boot's group is left */
	remove_sock_dir(b);
	if (b->setup_error) {
		r->end = RUN_END_INFRA;
		r->end_detail = b->setup_error;
		b->setup_error = NULL;
	} else {
		decide_end(b, status, r);
	}
	release_host(b);
	char *console_path = run_file(b, "console.log");
	size_t len = 0;
	char *console = read_file(console_path, &len);
	free(console_path);
	triage_log(console ? console : "", console ? len : 0, r->end, NULL, &r->triage);
	char *serr = NULL;
	if (b->vmlinux && triage_symbolize(&r->triage, b->vmlinux, &serr) != 0) {
		fprintf(stderr, "topofarm: %s: no file:line for the report: %s\n", r->dir, serr);
		free(serr);
	}
	free(b->vmlinux);
	b->vmlinux = NULL;
	run_record_check_divergence(r, console ? console : "", console ? len : 0);
	coverage_parse(console ? console : "", console ? len : 0, &r->coverage);
	if (b->expect_coverage && !r->coverage.present && r->triage.guest_done) {
		r->coverage.present = true;
		r->coverage.problem = xstrdup("the kernel has coverage=gcov but the guest printed no COV lines "
					      "(no debugfs gcov directory in this build?)");
	}
	free(console);
	if (r->triage.kernel_release)
		r->kernel_version = xstrdup(r->triage.kernel_release);
	*rec = *r;
	memset(r, 0, sizeof *r);
	char *json = run_record_to_json(rec);
	char *path = path_join(rec->dir, "record.json");
	int rc = write_file(path, json, strlen(json));
	if (rc != 0)
		*err = xasprintf("cannot write %s: %s", path, strerror(errno));
	free(path);
	free(json);
	return rc;
}

void boot_abandon(struct boot *b)
{
	if (b->pid > 0) {
		kill(-b->pid, SIGKILL);
		waitpid(b->pid, NULL, 0);
	}
	remove_sock_dir(b);
	release_host(b);
	free(b->setup_error);
	free(b->vmlinux);
	run_record_free(&b->rec);
	memset(b, 0, sizeof *b);
}

int qemu_run(const struct boot_request *rq, struct run_record *rec, char **err)
{
	struct boot b;
	int status = 0;
	if (boot_start(rq, &b) == 0)
		while (waitpid(b.pid, &status, 0) < 0 && errno == EINTR)
			;
	return boot_finish(&b, status, rec, err);
}
