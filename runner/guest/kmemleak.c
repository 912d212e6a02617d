/* runner/guest/kmemleak.c: the probe's leak check. On a kernel built with
 * CONFIG_DEBUG_KMEMLEAK (farm-6.12-debug), after the plan, it asks kmemleak
 * for one scan: the kernel's own scan thread first runs minutes after boot,
 * long after a farm boot has ended, so without this no leak of the layout
 * code would ever be seen. kmemleak reports objects older than 5 s that
 * nothing references; with kmemleak.verbose=1 (the catalogue's cmdline for
 * debug kernels) the kernel prints each one on the console, where triage
 * reads it (docs/triage.md, memory-leak). The probe only says that it asked
 * (`KMEMLEAK scan` / `KMEMLEAK scan failed ERRNO`), so a log shows whether
 * the boot was checked for leaks at all. */
#include "runner/guest/probe.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define KMEMLEAK_FILE "/sys/kernel/debug/kmemleak"

bool debugfs_ready(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return true;
	return mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) == 0 && stat(path, &st) == 0;
}

void kmemleak_scan(void)
{
	if (!debugfs_ready(KMEMLEAK_FILE))
		return;   /* a kernel without kmemleak (or kmemleak=off) */
	int fd = open(KMEMLEAK_FILE, O_WRONLY | O_CLOEXEC);
	ssize_t w = fd >= 0 ? write(fd, "scan", 4) : -1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (w == 4)
		say("KMEMLEAK scan");
	else
		say("KMEMLEAK scan failed %s", errname(e));
}
