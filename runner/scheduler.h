/* runner/scheduler.h: runs N jobs at a time, each job one child process (a
 * process group the caller's start callback creates), retries the attempts
 * the caller calls retryable, shows progress, and stops cleanly on SIGINT or
 * SIGTERM: every running group is killed and reaped, finished jobs are kept.
 * It knows nothing about QEMU: what a job is belongs to the callbacks. */
#ifndef RUNNER_SCHEDULER_H
#define RUNNER_SCHEDULER_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sched_verdict {
	SCHED_OK,                     /* finished, nothing notable */
	SCHED_CRASH,                  /* finished, and the kernel crashed (counted) */
	SCHED_RETRY,                  /* an environment failure: try again if tries are left */
};

struct sched_ops {
	void *ctx;
	/* Starts try `try` (1-based) of job `job`. Returns the pid of the new
	 * process group's leader, or -1 when nothing was started (finish is
	 * then called at once with status -1). *token is passed to finish. */
	pid_t (*start)(void *ctx, int job, int try, void **token);
	/* The process ended with wait status `status` (-1: never started).
	 * `last_try` tells whether a SCHED_RETRY will be retried. May print. */
	enum sched_verdict (*finish)(void *ctx, int job, void *token, int status, bool last_try);
	/* The run was interrupted; the group is already killed and reaped. */
	void (*abandon)(void *ctx, int job, void *token);
};

struct sched_stats {
	int jobs, finished, crashes, tries;
	int interrupted_by;           /* the signal that stopped the run, 0 if none */
	double seconds;
};

struct sched_opts {
	int parallel;                 /* jobs at a time, >= 1 */
	int max_tries;                /* tries per job (1 + retries) */
	bool progress;                /* a live \r line on stderr (when it is a TTY) */
	/* The progress line's text (optional; default: jobs done/total,
	 * boots per minute, crashes, ETA). elapsed is seconds since start. */
	void (*describe)(void *ctx, const struct sched_stats *st, double elapsed, char *line, size_t size);
	void *describe_ctx;
};

/* Runs jobs 0..n_jobs-1 in order. Returns 0 when all finished, or the
 * signal number (SIGINT/SIGTERM) that stopped it. */
int sched_run(int n_jobs, const struct sched_ops *ops, const struct sched_opts *opts, struct sched_stats *stats);

/* Clears the progress line before other output (no-op when none is shown). */
void sched_clear_progress(void);

#endif
