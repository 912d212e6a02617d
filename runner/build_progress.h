/* runner/build_progress.h: how far a kernel build is, as a share of the
 * whole with an estimate of the time left. The whole is counted from a
 * `make -n` dry run (the compile steps make would run in this tree, so an
 * incremental build after a patch counts only what it rebuilds); what is
 * done is counted from the build log. Pure functions on text, so the
 * estimate is testable without building anything. */
#ifndef RUNNER_BUILD_PROGRESS_H
#define RUNNER_BUILD_PROGRESS_H

/* Compile steps (CC and AS) a `make -n` output announces (kbuild's dry run
 * prints each step's quiet echo: "echo '  CC      init/main.o'"). */
long build_progress_planned(const char *dry_run_text);
/* Compile steps (CC and AS lines) make has logged so far. */
long build_progress_done(const char *log_text);
/* One progress line, e.g. "building farm-6.1: 41% (420/1043 objects),
 * 2m10s elapsed, about 3m05s left". planned <= 0: no estimate of the whole,
 * only the count. The time left is extrapolated from the rate so far, once
 * at least 10 objects and 10 seconds have passed. Caller frees. */
char *build_progress_line(const char *name, long done, long planned, double elapsed);
/* "42s" or "3m05s". Caller frees. */
char *build_progress_duration(double seconds);

#endif
