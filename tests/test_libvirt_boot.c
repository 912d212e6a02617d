/* tests/test_libvirt_boot.c: the libvirt backend on real daemons. Nothing
 * is assumed running: virtlogd and libvirtd are started here when
 * qemu:///system does not answer (pid files in the test's temp dir) and
 * stopped at the end; only what the test started is stopped.
 *  - parity: every seed and example topology libvirt can describe gives the
 *    same outcome, title, divergence items and kernel layout lines
 *    (BIOS-e820, SRAT, NUMA, node ranges) on both backends, farm-6.1;
 *  - farm: qemu:///system and qemu+ssh://root@127.0.0.1:PORT/system (an sshd
 *    on loopback with a host key and a client key made for the test, the
 *    host key in a known_hosts file of the test, checking on) share the
 *    runs, and stopping libvirtd mid-run makes the lost runs infra and
 *    boots them again: every layout ends with its expected verdict. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "runner/libvirt_xml.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <jansson.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void quiet(void *opaque, virErrorPtr e)
{
	(void)opaque, (void)e;
}

static bool libvirt_answers(void)
{
	virSetErrorFunc(NULL, quiet);
	virConnectPtr c = virConnectOpen("qemu:///system");
	if (!c)
		return false;
	virConnectClose(c);
	return true;
}

static pid_t pid_in(const char *path)
{
	char *s = read_file(path, NULL);
	pid_t p = s ? (pid_t)atoi(s) : 0;
	free(s);
	return p;
}

/* tools/libvirt-daemons VERB with the test's own pid directory: the daemons
 * are started so that libvirt's QEMU capability cache holds between domain
 * starts (the script says why plain `libvirtd -d` re-probes QEMU here). */
static bool libvirt_daemons(const char *verb)
{
	char *script = path_join(test_repo_dir(), "tools/libvirt-daemons");
	char *dir = path_join(test_tmpdir(), "libvirt-daemons");
	char *argv[] = { script, (char *)verb, dir, NULL };
	struct proc_result r;
	int rc = run_captured(argv, 300, &r);
	if (rc != 0)
		fprintf(stderr, "tools/libvirt-daemons %s: exit %d: %s\n", verb, rc, r.out ? r.out : "");
	proc_result_free(&r);
	free(script), free(dir);
	return rc == 0;
}

/* Both daemons up; true when this test started libvirtd (and may stop it). */
static bool daemons_up(bool *started)
{
	*started = false;
	if (libvirt_answers())
		return true;
	*started = true;
	return libvirt_daemons("start");
}

static void daemons_down(bool started)
{
	if (started)
		libvirt_daemons("stop");
}

/* ---------- run results ---------- */

struct verdict {
	char *outcome, *title;
	int divergences;
	char *layout;                 /* the kernel's layout lines, time stamps cut */
	char *host;
	int attempts, infra_attempts;
};

static bool layout_line(const char *l)
{
	static const char *const keys[] = { "BIOS-e820:", "ACPI: SRAT: Node", "NUMA: Node", "Initmem setup node",
					    "NODE_DATA(", "No NUMA configuration", "Faking a node" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strstr(l, keys[i]))
			return true;
	return !strncmp(l, "  node ", 7);
}

static char *layout_of(const char *console)
{
	struct buf b = BUF_INIT;
	char *text = read_file(console, NULL);
	char *save = NULL;
	for (char *l = text ? strtok_r(text, "\r\n", &save) : NULL; l; l = strtok_r(NULL, "\r\n", &save)) {
		char *close = l[0] == '[' ? strchr(l, ']') : NULL;
		char *body = close ? close + 2 <= l + strlen(l) ? close + 2 : close + 1 : l;
		if (layout_line(body))
			buf_printf(&b, "%s\n", body);
	}
	free(text);
	return b.s ? buf_steal(&b) : xstrdup("");
}

/* The last attempt of LAYOUT on farm-6.1 under OUT, and how many there were. */
static bool read_verdict(const char *out, const char *layout, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	int last = 0;
	for (int a = 1; a < 10; a++) {
		char *rec = xasprintf("%s/runs/%s/farm-6.1/%d/record.json", out, layout, a);
		if (path_exists(rec)) {
			last = a;
			v->attempts++;
			json_t *j = json_load_file(rec, 0, NULL);
			const char *oc = json_string_value(json_object_get(json_object_get(j, "triage"), "outcome"));
			v->infra_attempts += oc && !strcmp(oc, "infra");
			json_decref(j);
		}
		free(rec);
	}
	if (!last)
		return false;
	char *dir = xasprintf("%s/runs/%s/farm-6.1/%d", out, layout, last);
	char *rec = path_join(dir, "record.json"), *con = path_join(dir, "console.log"), *host = path_join(dir, "host");
	json_t *j = json_load_file(rec, 0, NULL);
	json_t *tri = json_object_get(j, "triage");
	v->outcome = xstrdup(json_string_value(json_object_get(tri, "outcome")) ?: "?");
	v->title = xstrdup(json_string_value(json_object_get(tri, "title")) ?: "");
	v->divergences = (int)json_array_size(json_object_get(json_object_get(j, "divergence"), "items"));
	v->layout = layout_of(con);
	v->host = read_file(host, NULL);
	json_decref(j);
	free(dir), free(rec), free(con), free(host);
	return true;
}

static void verdict_free(struct verdict *v)
{
	free(v->outcome), free(v->title), free(v->layout), free(v->host);
}

/* The seed and example topologies libvirt can describe (names and paths). */
static void describable(struct file_list *names, struct file_list *paths)
{
	memset(names, 0, sizeof *names);
	memset(paths, 0, sizeof *paths);
	const char *dirs[] = { "topologies/seeds", "topologies/examples" };
	for (int d = 0; d < 2; d++) {
		struct file_list f;
		list_files(dirs[d], ".topo", &f);
		for (int i = 0; i < f.n; i++) {
			struct topology t;
			struct topo_error te;
			if (topo_parse_file(f.v[i], &t, &te) != 0)
				continue;
			char *err = NULL, *xml = libvirt_domain_xml(&t, NULL, &err);
			if (xml) {
				names->v = xrealloc(names->v, (size_t)(names->n + 1) * sizeof *names->v);
				paths->v = xrealloc(paths->v, (size_t)(paths->n + 1) * sizeof *paths->v);
				names->v[names->n++] = xstrdup(t.name);
				paths->v[paths->n++] = xstrdup(f.v[i]);
			}
			free(xml), free(err);
			topo_free(&t);
		}
		file_list_free(&f);
	}
}

static int run_topofarm(struct file_list *paths, const char *out, const char *const *extra, double timeout)
{
	struct strv a = { 0 };
	strv_add(&a, topofarm_bin());
	strv_add(&a, "run");
	for (int i = 0; i < paths->n; i++)
		strv_add(&a, paths->v[i]);
	strv_add(&a, "--kernels");
	strv_add(&a, "farm-6.1");
	strv_add(&a, "--out");
	strv_add(&a, out);
	for (int i = 0; extra[i]; i++)
		strv_add(&a, extra[i]);
	struct proc_result r;
	int rc = run_captured(strv_argv(&a), timeout, &r);
	if (rc != 0 && rc != 1)
		fprintf(stderr, "%s\n", r.out ? r.out : "");
	proc_result_free(&r);
	strv_free(&a);
	return rc;
}

SLOW_TEST(libvirt_backend_matches_qemu_backend_on_every_describable_topology)
{
	char *image = test_kernel_image("farm-6.1");
	if (!image)
		return;
	free(image);
	bool started;
	if (!daemons_up(&started)) {
		test_fail(__FILE__, __LINE__, "libvirtd did not come up");
		daemons_down(started);
		return;
	}
	struct file_list names, paths;
	describable(&names, &paths);
	REQUIRE(names.n >= 20);
	char *qout = path_join(test_tmpdir(), "parity-qemu"), *lout = path_join(test_tmpdir(), "parity-libvirt");
	const char *qemu_args[] = { "-j", "2", NULL };
	const char *lv_args[] = { "--backend", "libvirt", "-j", "2", NULL };
	int rq = run_topofarm(&paths, qout, qemu_args, 1800);
	int rl = run_topofarm(&paths, lout, lv_args, 1800);
	CHECK_INT(rl, rq);
	for (int i = 0; i < names.n; i++) {
		struct verdict q, l;
		bool have_q = read_verdict(qout, names.v[i], &q), have_l = read_verdict(lout, names.v[i], &l);
		if (!have_q || !have_l) {
			test_fail(__FILE__, __LINE__, "%s: a run record is missing (%s)", names.v[i], have_q ? "libvirt" : "QEMU");
			if (have_q)
				verdict_free(&q);
			if (have_l)
				verdict_free(&l);
			continue;
		}
		if (strcmp(q.outcome, l.outcome) || strcmp(q.title, l.title) || q.divergences != l.divergences)
			test_fail(__FILE__, __LINE__, "%s: QEMU gave %s '%s' (%d divergences), libvirt %s '%s' (%d)", names.v[i],
				  q.outcome, q.title, q.divergences, l.outcome, l.title, l.divergences);
		if (strcmp(q.layout, l.layout))
			test_fail(__FILE__, __LINE__, "%s: the kernel's layout lines differ\n-- QEMU:\n%s-- libvirt:\n%s",
				  names.v[i], q.layout, l.layout);
		verdict_free(&q);
		verdict_free(&l);
	}
	file_list_free(&names);
	file_list_free(&paths);
	free(qout), free(lout);
	daemons_down(started);
}

/* ---------- two hosts ---------- */

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int run_quiet(char **argv)
{
	struct proc_result r;
	int rc = run_captured(argv, 60, &r);
	if (rc != 0)
		fprintf(stderr, "%s: %s\n", argv[0], r.out ? r.out : "");
	proc_result_free(&r);
	return rc;
}

/* sshd on 127.0.0.1:port with keys made here; returns the qemu+ssh URI. */
static char *start_sshd(const char *dir, int port)
{
	char *hostkey = path_join(dir, "hostkey"), *id = path_join(dir, "id");
	char *kg1[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostkey, NULL };
	char *kg2[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", id, NULL };
	mkdir_p("/run/sshd", 0755);   /* sshd's privilege separation directory */
	char *uri = NULL;
	if (run_quiet(kg1) == 0 && run_quiet(kg2) == 0) {
		char *pub = xasprintf("%s.pub", id), *hpub = xasprintf("%s.pub", hostkey);
		char *auth = path_join(dir, "authorized_keys"), *cfg = path_join(dir, "sshd_config");
		char *kh = path_join(dir, "known_hosts"), *wrapper = path_join(dir, "ssh");
		char *pubtext = read_file(pub, NULL), *hosttext = read_file(hpub, NULL);
		write_file(auth, pubtext, strlen(pubtext));
		char *conf = xasprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s/sshd.pid\n"
				       "AuthorizedKeysFile %s\nPermitRootLogin prohibit-password\nStrictModes no\n"
				       "PasswordAuthentication no\nUsePAM no\n",
				       port, hostkey, dir, auth);
		write_file(cfg, conf, strlen(conf));
		/* The test's host key, in the test's known_hosts; checking stays on. */
		char *cut = strchr(hosttext, ' ');
		cut = cut ? strchr(cut + 1, ' ') : NULL;
		if (cut)
			*cut = 0;
		char *khline = xasprintf("[127.0.0.1]:%d %s\n", port, hosttext);
		write_file(kh, khline, strlen(khline));
		char *script = xasprintf("#!/bin/sh\nexec ssh -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes "
					 "-o BatchMode=yes \"$@\"\n", kh);
		write_file(wrapper, script, strlen(script));
		chmod(wrapper, 0755);
		char *sshd[] = { "/usr/sbin/sshd", "-f", cfg, NULL };
		if (run_quiet(sshd) == 0)
			uri = xasprintf("qemu+ssh://root@127.0.0.1:%d/system?command=%s&keyfile=%s&no_tty=1", port, wrapper, id);
		free(pub), free(hpub), free(auth), free(cfg), free(kh), free(wrapper), free(pubtext), free(hosttext);
		free(conf), free(khline), free(script);
	}
	free(hostkey), free(id);
	return uri;
}

static void stop_sshd(const char *dir)
{
	char *pidfile = path_join(dir, "sshd.pid");
	pid_t p = pid_in(pidfile);
	if (p > 0)
		kill(p, SIGTERM);
	free(pidfile);
}

/* The first run of OUT that has reached the guest (READY on its console). */
static bool some_run_is_booting(const char *out)
{
	struct file_list f;
	char *runs = path_join(out, "runs");
	list_files_recursive(runs, ".log", &f);   /* list_files wants a suffix shorter than the name */
	bool yes = false;
	for (int i = 0; i < f.n && !yes; i++) {
		const char *slash = strrchr(f.v[i], '/');
		if (!slash || strcmp(slash + 1, "console.log"))
			continue;
		char *text = read_file(f.v[i], NULL);
		yes = text && strstr(text, "@@TOPOFARM READY");
		free(text);
	}
	file_list_free(&f);
	free(runs);
	return yes;
}

SLOW_TEST(libvirt_farm_of_two_uris_shares_runs_and_survives_a_stopped_libvirtd)
{
	static const char *const layouts[] = { "two-node", "unaligned-4000m", "mem-limit", "kernelcore" };
	char *image = test_kernel_image("farm-6.1");
	if (!image)
		return;
	free(image);
	if (!program_exists("/usr/sbin/sshd")) {
		test_skip("sshd is not installed (tools/install-deps installs openssh-server)");
		return;
	}
	bool started;
	if (!daemons_up(&started)) {
		test_fail(__FILE__, __LINE__, "libvirtd did not come up");
		daemons_down(started);
		return;
	}
	char *dir = path_join(test_tmpdir(), "farm");
	mkdir_p(dir, 0700);
	char *ssh_uri = start_sshd(dir, free_port());
	REQUIRE(ssh_uri);
	char *hosts = path_join(dir, "farm.hosts");
	char *hosts_text = xasprintf("qemu:///system 1\n%s 1\n", ssh_uri);
	write_file(hosts, hosts_text, strlen(hosts_text));
	struct file_list paths = { 0 };
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		paths.v = xrealloc(paths.v, (size_t)(paths.n + 1) * sizeof *paths.v);
		paths.v[paths.n++] = xasprintf("topologies/examples/%s.topo", layouts[i]);
	}
	char *qout = path_join(dir, "qemu"), *fout = path_join(dir, "farm");
	const char *qemu_args[] = { "-j", "2", NULL };
	CHECK_INT(run_topofarm(&paths, qout, qemu_args, 900), 0);

	/* The farm run in the background; libvirtd is stopped once a guest is up. */
	struct strv a = { 0 };
	strv_add(&a, topofarm_bin());
	strv_add(&a, "run");
	for (int i = 0; i < paths.n; i++)
		strv_add(&a, paths.v[i]);
	strv_add(&a, "--kernels");
	strv_add(&a, "farm-6.1");
	strv_add(&a, "--out");
	strv_add(&a, fout);
	strv_add(&a, "--hosts");
	strv_add(&a, hosts);
	strv_add(&a, "--rerun");
	strv_add(&a, "2");
	char *log = path_join(dir, "farm.log");
	pid_t child = fork();
	if (child == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(topofarm_bin(), strv_argv(&a));
		_exit(127);
	}
	REQUIRE(child > 0);
	bool stopped = false;
	int status = 0;
	for (int i = 0; i < 3000 && started && !stopped; i++) {   /* 10 min: domain starts took 60-100 s here */
		if (some_run_is_booting(fout)) {
			libvirt_daemons("stop-libvirtd");
			sleep(2);
			libvirt_daemons("start");
			stopped = true;
		}
		if (waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			break;
		}
		usleep(200000);
	}
	if (child > 0) {
		for (int i = 0; i < 1200 && waitpid(child, &status, WNOHANG) == 0; i++)
			sleep(1);
		if (kill(child, 0) == 0) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			test_fail(__FILE__, __LINE__, "the farm run did not end in 20 minutes");
		}
	}
	char *farm_log = read_file(log, NULL);
	/* The figures docs/farm.md scales: the summary and the per-host lines. */
	for (char *l = farm_log; l && *l;) {
		char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (!strncmp(l, "host ", 5) || strstr(l, " boots, ") || strstr(l, "(retrying)"))
			fprintf(stderr, "  farm: %.*s\n", (int)n, l);
		l = nl ? nl + 1 : l + n;
	}
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		test_fail(__FILE__, __LINE__, "the farm run ended with %s %d:\n%s", WIFEXITED(status) ? "exit" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), farm_log ? farm_log : "");

	/* Same final verdicts; runs on both hosts; the lost runs were infra, then booted again. */
	bool local = false, remote = false;
	int infra = 0;
	for (int i = 0; i < paths.n; i++) {
		struct verdict q, f;
		bool have_q = read_verdict(qout, layouts[i], &q), have_f = read_verdict(fout, layouts[i], &f);
		if (!have_q || !have_f) {
			test_fail(__FILE__, __LINE__, "%s: a run record is missing (%s)", layouts[i], have_q ? "farm" : "QEMU");
			if (have_q)
				verdict_free(&q);
			if (have_f)
				verdict_free(&f);
			continue;
		}
		if (strcmp(q.outcome, f.outcome) || strcmp(q.title, f.title))
			test_fail(__FILE__, __LINE__, "%s: QEMU gave %s '%s', the farm %s '%s'", layouts[i], q.outcome, q.title,
				  f.outcome, f.title);
		infra += f.infra_attempts;
		verdict_free(&q);
		verdict_free(&f);
		for (int att = 1; att < 10; att++) {
			char *h = xasprintf("%s/runs/%s/farm-6.1/%d/host", fout, layouts[i], att);
			char *text = read_file(h, NULL);
			local |= text && !strcmp(text, "qemu:///system");
			remote |= text && !strncmp(text, "qemu+ssh://", 11);
			free(text), free(h);
		}
	}
	CHECK(local);
	CHECK(remote);
	if (stopped) {
		CHECK(infra >= 1);
		CHECK_CONTAINS(farm_log, "the libvirt host was lost");
	}
	free(farm_log);
	strv_free(&a);
	file_list_free(&paths);
	stop_sshd(dir);
	free(dir), free(ssh_uri), free(hosts), free(hosts_text), free(qout), free(fout), free(log);
	daemons_down(started);
}
