/* results/out_lock.h: one writer per results folder. `run`, `compare
 * --rerun` and `campaign` take an exclusive lock on OUT/.topofarm.lock
 * before they boot or store anything; a second writer gets an error naming
 * the holder's pid, or waits for it. The lock is flock(2): the kernel drops
 * it when the holder dies, even by SIGKILL, so a killed run never leaves a
 * stale lock behind. A writer that starts another topofarm to do part of
 * its job (compare -> run) hands its lock down instead of deadlocking. */
#ifndef RESULTS_OUT_LOCK_H
#define RESULTS_OUT_LOCK_H
#include <stdbool.h>

#define OUT_LOCK_ENV "TOPOFARM_OUT_LOCK_FD"

struct out_lock {
	int fd;                       /* -1: not held */
	char *path;
	int child_fd;                 /* the inheritable duplicate for a child, or -1 */
};

/* Takes the lock of results folder `out` (which must exist) for `what` (a
 * description such as "topofarm run", written into the lock file with the
 * pid). A lock handed down by the parent topofarm (OUT_LOCK_ENV) is adopted.
 * wait: block until the holder is done (saying once who it waits for).
 * Returns 0, or -1 with *err ("OUT is being written by pid N (topofarm run
 * ...) ...") and l->fd = -1. */
int out_lock_take(const char *out, const char *what, bool wait, struct out_lock *l, char **err);
/* The NAME=VALUE environment entry that hands the held lock to a child
 * topofarm (valid until out_lock_release; caller frees the string). */
char *out_lock_child_env(struct out_lock *l);
void out_lock_release(struct out_lock *l);

#endif
