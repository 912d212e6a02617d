/* runner/run_batch.h: a batch of boots: every topology of a set on every
 * kernel of a list, N at a time (runner/scheduler.h), each boot stored in
 * the results folder's store as it ends, resumable from that store. Shared
 * by `run` and `campaign`: resume reads which attempts the store holds for a
 * layout (same hash) on a kernel; attempt directories the store does not
 * know (interrupted) are moved to OUT/incomplete/ and booted again; infra
 * attempts are retried up to RUN_BATCH_TRIES times. The caller owns the
 * store, the OUT lock and the initramfs. */
#ifndef RUNNER_RUN_BATCH_H
#define RUNNER_RUN_BATCH_H
#include "results/run_record.h"
#include "results/store.h"
#include "runner/kernels.h"
#include "runner/scheduler.h"
#include "topologies/topo.h"
#include <stdbool.h>

struct lv_farm;

#define RUN_BATCH_TRIES 3   /* an infra failure is retried twice */

struct run_batch_options {
	const char *who;              /* "topofarm run": prefixes messages */
	const char *out;              /* results folder (absolute) */
	const char *campaign;         /* campaign name in the store */
	const char *accel, *qemu;
	int jobs, rerun, timeout, silence;
	bool quiet;                   /* no line per finished run on stdout */
	/* Optional: called once per final run (not retried), after it is stored
	 * (stored false: it could not be). */
	void (*on_run)(void *ctx, const struct run_record *r, bool stored);
	/* Optional: the progress line's text (runner/scheduler.h). */
	void (*describe)(void *ctx, const struct sched_stats *st, double elapsed, char *line, size_t size);
	void *ctx;
	/* Optional: --backend libvirt, the hosts the boots are spread over
	 * (runner/libvirt_hosts.h); NULL: QEMU on this machine. */
	struct lv_farm *farm;
};

/* One finished run of a pair. */
struct run_result {
	int attempt;
	enum outcome outcome;
	char *title;
	bool met;                     /* met the topology's expect line */
};

/* One topology on one kernel. */
struct run_pair {
	const struct topology *t;
	const struct kernel_entry *k;
	char *image, *vmlinux, *source, *dir;
	char hash[65];
	int next_attempt;
	int missing;                  /* runs still to do */
	struct run_result *results;   /* finished runs, resumed ones too */
	int n_results;
};

struct run_batch {
	const struct run_batch_options *o;
	struct run_pair *pairs;
	int n_pairs;
	int *job_pair;                /* job -> pair */
	int n_jobs;
	struct store *store;
	const char *base_initrd;
	int unexpected, infra;        /* over the runs this batch booted */
};

/* Sets up the pairs (topologies outermost) and resumes each from the store. */
void run_batch_init(struct run_batch *b, const struct run_batch_options *o, struct store *s, const char *base_initrd,
		    const struct topology *topos, int n_topos, const struct kernel_entry *const *ks, int nk);
/* Boots what is missing. Returns 0, or the signal (SIGINT/SIGTERM) that
 * stopped it: every QEMU it started is then stopped, finished runs kept. */
int run_batch_run(struct run_batch *b, struct sched_stats *st);
/* How many boots run_batch_run starts at once: -j, lowered when
 * MemAvailable cannot hold that many guests of the largest layout still to
 * run (runner/mem_budget.h; never below 1). *note (caller frees) says why
 * when it was lowered, else NULL. run_batch_run prints that note. */
int run_batch_parallel(const struct run_batch *b, char **note);
void run_batch_free(struct run_batch *b);

/* Resolves a kernel list (names, `default`, NAME..LAST ranges) plus
 * --kernel images into catalogue entries, fetching or building what the
 * cache lacks. list_given: with images, the list is booted too. Returns 0,
 * EXIT_USAGE (2) or EXIT_ENV (3), having said why on stderr. */
int run_resolve_kernels(const char *who, struct kernel_catalogue *cat, const char *list, bool list_given,
			char *const *images, int n_images, const struct kernel_entry ***out, int *n);
/* The host tools boots need (expect, setpriv; socat for host steps):
 * 0, or EXIT_ENV having said which is missing. */
int run_check_tools(const char *who, const struct topology *v, int n);
/* Topology names become run directories: valid and distinct, else
 * EXIT_USAGE having said why (paths[i] names topology i in messages). */
int run_check_names(const char *who, const struct topology *v, char *const *paths, int n);

#endif
