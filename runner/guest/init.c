/* runner/guest/init.c: PID 1 of the topofarm guest. The initramfs's /init is
 * a link to the probe binary; started as PID 1 it runs guest_init() instead
 * of a plan. It mounts the kernel file systems the probe reads, announces
 * READY, runs the plan in a child (a fork of this same image: no exec, and an
 * oops that kills the plan cannot take PID 1 and the protocol with it),
 * announces DONE with the child's exit status, has the kernel print the flush
 * line after its whole log (the host ends the run there), and powers off
 * (with QEMU's -no-reboot, that ends the run if the host did not). The wire
 * format is docs/guest-protocol.md. It was a busybox shell script: one exec
 * of the shell plus five of busybox before the plan ran, 0.1-0.2 s of a TCG
 * boot (issue 14, bench/boot-cuts). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runner/guest/probe.h"
#include "common/write_all.h"

/* A line of init's own (READY, DONE, ERROR -): like the script's echo, no
 * frame (docs/guest-protocol.md). */
static void init_line(const char *text)
{
	char line[LINE_MAX_OUT];
	int n = snprintf(line, sizeof line, "%s%s\n", TAG, text);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	write_all(1, line, len);   /* a console gone: nothing better to do */
}

static void mount_fs(const char *type, const char *dir)
{
	if (mount(type, dir, type, 0, NULL) != 0 && errno != EBUSY) {
		char msg[256];
		snprintf(msg, sizeof msg, "ERROR - cannot mount %s on %s: %s", type, dir, errname(errno));
		init_line(msg);
	}
}

int guest_init(int (*run_plan_main)(void))
{
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	mount_fs("devtmpfs", "/dev");
	/* The archive ships a dev/console node, so the kernel already gave us
	 * one; reopen it from devtmpfs in case it did not. */
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	struct utsname u;
	char msg[LINE_MAX_OUT];
	snprintf(msg, sizeof msg, "READY %s", uname(&u) == 0 ? u.release : "?");
	init_line(msg);

	int rc = 127;
	pid_t child = fork();
	if (child == 0)
		_exit(run_plan_main());
	if (child < 0) {
		snprintf(msg, sizeof msg, "ERROR - cannot start the plan: %s", errname(errno));
		init_line(msg);
	} else {
		/* PID 1 reaps every orphan; the plan's own status decides rc. */
		for (;;) {
			int status;
			pid_t p = wait(&status);
			if (p < 0 && errno == EINTR)
				continue;
			if (p < 0)
				break;
			if (p == child) {
				rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
				break;
			}
		}
	}
	snprintf(msg, sizeof msg, "DONE rc=%d", rc);
	init_line(msg);
	/* The host ends the run when this kernel line reaches the console: the
	 * kernel prints it after every message logged before it. Level 2
	 * (crit) so that a loglevel= below the default still shows it; where
	 * it does not show, the poweroff below ends the run. */
	int kmsg = open("/dev/kmsg", O_WRONLY);
	if (kmsg >= 0) {
		static const char flush[] = "<2>topofarm: console flushed";
		if (write(kmsg, flush, sizeof flush - 1) < 0) {
			/* nothing to do: the poweroff ends the run */
		}
		close(kmsg);
		/* Give the host time to read the console up to that line before
		 * the power goes: under QEMU the host kills it on the flush line,
		 * so this costs nothing there; under libvirt a power-off makes
		 * libvirt kill QEMU at once, and the pty drops what its reader
		 * had not read yet (seen: everything from READY on). */
		sleep(3);
	}
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	/* Never let PID 1 exit: that would panic and be mistaken for a kernel bug. */
	for (;;)
		pause();
}
