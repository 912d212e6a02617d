/* runner/scheduler.c: N process groups at a time (see runner/scheduler.h).
 * SIGINT, SIGTERM and SIGCHLD are blocked while it runs and taken with
 * sigtimedwait, so a signal can never land in the middle of bookkeeping;
 * the one-second timeout keeps the progress line ticking. */
#include "runner/scheduler.h"
#include "common/buf.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STOP_GRACE_MS 3000   /* SIGTERM, then SIGKILL after this long */

struct slot {
	pid_t pid;                    /* 0: free */
	int job, try;
	void *token;
};

struct pending {
	int job, try;
};

struct sched {
	const struct sched_ops *ops;
	const struct sched_opts *opts;
	struct sched_stats *st;
	struct slot *slots;
	struct pending *retries;      /* a stack: retries go before new jobs */
	int n_retries;
	int next_job;
	double t0;
	bool show;
};

static bool progress_shown;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void sched_clear_progress(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}

static void draw_progress(struct sched *s)
{
	if (!s->show)
		return;
	double elapsed = now() - s->t0;
	struct sched_stats *st = s->st;
	if (s->opts->describe) {
		char line[256];
		s->opts->describe(s->opts->describe_ctx, st, elapsed, line, sizeof line);
		fprintf(stderr, "\r\033[K%s", line);
		fflush(stderr);
		progress_shown = true;
		return;
	}
	char eta[32] = "?";
	if (st->finished > 0) {
		int left = (int)(elapsed / st->finished * (st->jobs - st->finished));
		snprintf(eta, sizeof eta, "%dm%02ds", left / 60, left % 60);
	}
	fprintf(stderr, "\r\033[K[%d/%d] %.1f boots/min, %d crash%s, ETA %s", st->finished, st->jobs,
		elapsed > 0 ? st->tries * 60.0 / elapsed : 0.0, st->crashes, st->crashes == 1 ? "" : "es", eta);
	fflush(stderr);
	progress_shown = true;
}

static void ended(struct sched *s, int job, int try, void *token, int status)
{
	bool last = try >= s->opts->max_tries;
	sched_clear_progress();
	enum sched_verdict v = s->ops->finish(s->ops->ctx, job, token, status, last);
	s->st->tries++;
	if (v == SCHED_RETRY && !last) {
		s->retries[s->n_retries++] = (struct pending){ job, try + 1 };
	} else {
		s->st->finished++;
		if (v == SCHED_CRASH)
			s->st->crashes++;
	}
	draw_progress(s);
}

static bool take_work(struct sched *s, int n_jobs, struct pending *p)
{
	if (s->n_retries) {
		*p = s->retries[--s->n_retries];
		return true;
	}
	if (s->next_job < n_jobs) {
		*p = (struct pending){ s->next_job++, 1 };
		return true;
	}
	return false;
}

/* Fills free slots. Returns the number of running slots. */
static int fill_slots(struct sched *s, int n_jobs)
{
	int running = 0;
	for (int i = 0; i < s->opts->parallel; i++) {
		struct slot *sl = &s->slots[i];
		struct pending p;
		while (!sl->pid && take_work(s, n_jobs, &p)) {
			void *token = NULL;
			pid_t pid = s->ops->start(s->ops->ctx, p.job, p.try, &token);
			if (pid > 0)
				*sl = (struct slot){ pid, p.job, p.try, token };
			else
				ended(s, p.job, p.try, token, -1);
		}
		running += sl->pid != 0;
	}
	return running;
}

static struct slot *slot_of(struct sched *s, pid_t pid)
{
	for (int i = 0; i < s->opts->parallel; i++)
		if (s->slots[i].pid == pid)
			return &s->slots[i];
	return NULL;
}

/* Reaps every child that has ended: slot leaders end their job; anything
 * else is an orphan of a job's group (we are their subreaper). WNOWAIT peeks
 * first so a leader's status always reaches its slot. */
static void reap(struct sched *s)
{
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0)
			return;
		int status;
		waitpid(si.si_pid, &status, 0);
		struct slot *sl = slot_of(s, si.si_pid);
		if (!sl)
			continue;
		struct slot done = *sl;
		memset(sl, 0, sizeof *sl);
		ended(s, done.job, done.try, done.token, status);
	}
}

static bool groups_alive(struct sched *s)
{
	for (int i = 0; i < s->opts->parallel; i++)
		if (s->slots[i].pid && kill(-s->slots[i].pid, 0) == 0)
			return true;
	return false;
}

/* Every running group gets SIGTERM, then SIGKILL; every process of them,
 * leaders and orphans alike, is reaped before the jobs are abandoned. */
static void stop_all(struct sched *s)
{
	for (int i = 0; i < s->opts->parallel; i++)
		if (s->slots[i].pid)
			kill(-s->slots[i].pid, SIGTERM);
	double deadline = now() + STOP_GRACE_MS / 1000.0;
	bool killed = false;
	while (groups_alive(s) && now() < deadline + 5) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!killed && now() > deadline) {
			for (int i = 0; i < s->opts->parallel; i++)
				if (s->slots[i].pid)
					kill(-s->slots[i].pid, SIGKILL);
			killed = true;
		}
		usleep(10000);
	}
	for (int i = 0; i < s->opts->parallel; i++) {
		struct slot *sl = &s->slots[i];
		if (!sl->pid)
			continue;
		s->ops->abandon(s->ops->ctx, sl->job, sl->token);
		memset(sl, 0, sizeof *sl);
	}
}

int sched_run(int n_jobs, const struct sched_ops *ops, const struct sched_opts *opts, struct sched_stats *stats)
{
	struct sched s = {
		.ops = ops, .opts = opts, .st = stats, .t0 = now(),
		.show = opts->progress && isatty(2),
	};
	memset(stats, 0, sizeof *stats);
	stats->jobs = n_jobs;
	s.slots = xcalloc((size_t)opts->parallel, sizeof *s.slots);
	s.retries = xcalloc((size_t)n_jobs + 1, sizeof *s.retries);

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* Orphans of a job (QEMU whose Expect died) come to us to be reaped. */
	int was_subreaper = 0;
	prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	draw_progress(&s);
	while (fill_slots(&s, n_jobs) > 0) {
		struct timespec tick = { 1, 0 };
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM) {
			sched_clear_progress();
			stop_all(&s);
			stats->interrupted_by = sig;
			break;
		}
		reap(&s);
		draw_progress(&s);
	}
	sched_clear_progress();
	/* A second Ctrl-C while stopping must not kill us before the summary. */
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, was_subreaper);
	stats->seconds = now() - s.t0;
	free(s.slots);
	free(s.retries);
	return stats->interrupted_by;
}
