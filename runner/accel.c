/* runner/accel.c: the cached KVM probe (see runner/accel.h). The probe is an
 * ordinary topofarm boot of a one-CPU, 256 MiB machine with -accel kvm and
 * short clocks: KVM is used only if that guest printed @@TOPOFARM READY. */
#include "runner/accel.h"
#include "runner/qemu_run.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/sha256.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PROBE_TIMEOUT 30
#define PROBE_SILENCE 15

static const char probe_topology[] =
	"name kvm-probe\n"
	"description Does a KVM guest reach user space on this host?\n"
	"cpus 1\n"
	"memory 256M\n";

/* What the verdict depends on: this QEMU build, this host kernel and this
 * start of the host (its boot_id): KVM that hangs today may work after a
 * host restart or upgrade, so every host start probes once, and every run
 * after that within the same start reads the cached verdict. */
static char *cache_path(const char *qemu)
{
	char *argv[] = { (char *)qemu, "--version", NULL };
	struct proc_opts o = { .capture = true, .timeout = 10 };
	struct proc_result r;
	proc_run(argv, &o, &r);
	struct utsname u;
	uname(&u);
	struct buf key = BUF_INIT;
	char *boot_id = read_file("/proc/sys/kernel/random/boot_id", NULL);
	buf_printf(&key, "%s\n%s %s %s %s %s\n%s", r.out ? r.out : "", u.sysname, u.nodename, u.release,
		   u.version, u.machine, boot_id ? boot_id : "");
	free(boot_id);
	proc_result_free(&r);
	char hex[65];
	sha256_hex(key.s, key.len, hex);
	buf_free(&key);
	return xasprintf("%s/accel/%.16s", cache_dir(), hex);
}

static bool probe_kvm(const char *qemu, const char *kernel, const char *base_initrd)
{
	struct topology t;
	struct topo_error e;
	if (topo_parse(probe_topology, strlen(probe_topology), "kvm-probe", &t, &e) != 0)
		return false;
	char *tmpl = xasprintf("%s/accel/probe-XXXXXX", cache_dir());
	bool ok = false;
	if (mkdtemp(tmpl)) {
		struct boot_request rq = {
			.topo = &t, .kernel_name = "kvm-probe", .kernel_image = kernel,
			.base_initrd = base_initrd, .run_dir = tmpl, .attempt = 1,
			.qemu = qemu, .accel = "kvm", .timeout = PROBE_TIMEOUT, .silence = PROBE_SILENCE,
		};
		struct run_record rec;
		char *err = NULL;
		qemu_run(&rq, &rec, &err);
		ok = rec.triage.reached_guest;
		run_record_free(&rec);
		free(err);
		remove_tree(tmpl);
	}
	free(tmpl);
	topo_free(&t);
	return ok;
}

const char *accel_choose(const char *qemu, const char *kernel_image, const char *base_initrd, bool verbose)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	if (!qemu)
		qemu = "qemu-system-x86_64";
	char *dir = path_join(cache_dir(), "accel");
	mkdir_p(dir, 0755);
	free(dir);
	char *path = cache_path(qemu);
	char *cached = read_file(path, NULL);
	const char *verdict;
	if (cached && !strncmp(cached, "kvm", 3)) {
		verdict = "kvm";
	} else if (cached && !strncmp(cached, "tcg", 3)) {
		verdict = "tcg";
	} else {
		if (verbose)
			fprintf(stderr, "topofarm: /dev/kvm is there; probing whether a KVM guest boots (at most %d s, once)\n",
				PROBE_TIMEOUT);
		verdict = probe_kvm(qemu, kernel_image, base_initrd) ? "kvm" : "tcg";
		char *text = xasprintf("%s\n# %s\n", verdict,
				       !strcmp(verdict, "kvm") ? "a -accel kvm guest reached @@TOPOFARM READY"
							       : "a -accel kvm guest did not reach @@TOPOFARM READY");
		write_file_str(path, text);
		free(text);
		if (verbose)
			fprintf(stderr, "topofarm: KVM probe: %s (cached in %s)\n",
				!strcmp(verdict, "kvm") ? "the guest booted, using kvm" : "the guest did not boot, using tcg", path);
	}
	free(cached);
	free(path);
	return verdict;
}
