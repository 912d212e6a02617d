/* runner/guest/probe.h: what the probe's parts share (the probe is one
 * static binary: probe.c runs the plan, coverage.c dumps gcov counters,
 * kmemleak.c asks for a leak scan, init.c is PID 1 when the binary runs as
 * the initramfs's /init). */
#ifndef RUNNER_GUEST_PROBE_H
#define RUNNER_GUEST_PROBE_H
#include <stdbool.h>
#include <stddef.h>

#define TAG "@@TOPOFARM "
#define LINE_MAX_OUT 1024

/* Prints one protocol line: TAG + text + '\n', in a single write. */
__attribute__((format(printf, 1, 2)))
void say(const char *fmt, ...);
/* "EBUSY" for EBUSY (a static buffer for unknown values). */
const char *errname(int e);
/* Reads a whole file into a malloc'd, NUL-terminated buffer, at most max
 * bytes. NULL with errno set. */
char *read_big(const char *path, size_t max, size_t *lenp);

/* After the plan: if the kernel has gcov (debugfs gcov/), prints its
 * non-zero arc counters as COV lines (docs/coverage.md). dir NULL: the
 * kernel's (debugfs is mounted if needed); else the .gcda files under dir
 * (probe --coverage DIR, for tests on the host). Never fails the plan;
 * returns the number of objects dumped (0: no gcov). */
int coverage_dump(const char *dir);

/* Is path there, after mounting debugfs if it was not? */
bool debugfs_ready(const char *path);
/* After the plan: on a kernel with kmemleak, one scan, so the leaks of this
 * boot are printed (kmemleak.verbose=1) before it ends. */
void kmemleak_scan(void);

/* PID 1 (init.c): mounts, READY, runs run_plan_main() in a child, DONE,
 * the console flush line, power off. Never returns. */
int guest_init(int (*run_plan_main)(void));

#endif
