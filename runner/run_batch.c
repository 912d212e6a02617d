/* runner/run_batch.c: a batch of boots, resumable from the store (see
 * runner/run_batch.h). The boots are runner/qemu_run.c's, the parallelism
 * and signals runner/scheduler.c's; this file owns the resume scan, the
 * attempt numbering, storing each run and the per-run line. */
#include "runner/run_batch.h"
#include "runner/libvirt_hosts.h"
#include "runner/mem_budget.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "runner/expectation.h"
#include "runner/plan.h"
#include "runner/qemu_run.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH_EXIT_USAGE = 2, BATCH_EXIT_ENV = 3 };   /* cli/verb.h's codes */

struct job_token {
	struct boot boot;
	int attempt;
};

/* ---------- kernels and checks ---------- */

int run_resolve_kernels(const char *who, struct kernel_catalogue *cat, const char *list, bool list_given,
			char *const *images, int n_images, const struct kernel_entry ***out, int *n)
{
	char *err = NULL;
	struct strv names = { 0 };
	for (int i = 0; i < n_images; i++) {
		const struct kernel_entry *k = kernel_catalogue_add_image(cat, images[i], &err);
		if (!k) {
			fprintf(stderr, "%s: --kernel %s\n", who, err);
			free(err);
			strv_free(&names);
			return BATCH_EXIT_USAGE;
		}
		strv_add(&names, k->name);
	}
	/* --kernel alone boots only the images; with --kernels, both. */
	struct buf all = BUF_INIT;
	if (!n_images || list_given)
		buf_puts(&all, list);
	for (int i = 0; i < names.n; i++)
		buf_printf(&all, "%s%s", all.len ? "," : "", names.v[i]);
	strv_free(&names);
	size_t nk = 0;
	int rc = kernel_list_resolve(cat, all.s, out, &nk, &err);
	buf_free(&all);
	if (rc) {
		fprintf(stderr, "%s: %s\n", who, err);
		free(err);
		return BATCH_EXIT_USAGE;
	}
	*n = (int)nk;
	for (int i = 0; i < *n; i++) {
		char *image = kernel_image_path((*out)[i]);
		if (!image) {
			fprintf(stderr, "%s: kernel %s is not in the cache; getting it now\n", who, (*out)[i]->name);
			if (kernel_ensure((*out)[i], true, &err) != 0) {
				fprintf(stderr, "%s: cannot get kernel %s: %s\n", who, (*out)[i]->name, err ? err : "?");
				free(err);
				return BATCH_EXIT_ENV;
			}
		}
		free(image);
	}
	return 0;
}

int run_check_tools(const char *who, const struct topology *v, int n)
{
	const char *need[] = { "expect", "setpriv", "socat" };
	bool host_steps = false;
	for (int i = 0; i < n; i++)
		host_steps |= plan_has_host_steps(&v[i]);
	for (int i = 0; i < 3; i++) {
		if (i == 2 && !host_steps)
			continue;
		if (!program_exists(need[i])) {
			fprintf(stderr, "%s: %s is not installed (tools/install-deps installs it)\n", who, need[i]);
			return BATCH_EXIT_ENV;
		}
	}
	return 0;
}

int run_check_names(const char *who, const struct topology *v, char *const *paths, int n)
{
	for (int i = 0; i < n; i++) {
		if (!topo_name_valid(v[i].name)) {   /* it becomes OUT/runs/NAME: never a path escape */
			fprintf(stderr, "%s: %s: the name '%s' cannot name a run directory ([a-z0-9._-]+, not . or ..)\n",
				who, paths[i], v[i].name);
			return BATCH_EXIT_USAGE;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(v[i].name, v[j].name)) {
				fprintf(stderr, "%s: %s and %s are both named '%s': run directories are named after layouts\n",
					who, paths[j], paths[i], v[i].name);
				return BATCH_EXIT_USAGE;
			}
	}
	return 0;
}

/* ---------- resume ---------- */

static void add_result(struct run_pair *p, int attempt, enum outcome oc, const char *title, bool met)
{
	p->results = xrealloc(p->results, (size_t)(p->n_results + 1) * sizeof *p->results);
	p->results[p->n_results++] = (struct run_result){ attempt, oc, title ? xstrdup(title) : NULL, met };
}

/* An attempt directory the store has no row for (the run was interrupted,
 * or killed between writing its files and storing it): moved aside to
 * OUT/incomplete/LAYOUT/KERNEL/ATTEMPT[-N], never deleted; its attempt
 * number is booted again. */
static void move_aside(const struct run_batch *b, const struct run_pair *p, int attempt, const char *dir)
{
	char *parent = xasprintf("%s/incomplete/%s/%s", b->o->out, p->t->name, p->k->name);
	char *dest = xasprintf("%s/%d", parent, attempt);
	for (int n = 2; path_exists(dest); n++) {
		free(dest);
		dest = xasprintf("%s/%d-%d", parent, attempt, n);
	}
	if (mkdir_p(parent, 0755) != 0 || rename(dir, dest) != 0) {
		/* Cannot move it: keep it where it is and boot under a new number. */
		fprintf(stderr, "%s: cannot move the unfinished run %s aside (%s); leaving it\n", b->o->who, dir,
			strerror(errno));
		free(parent), free(dest);
		return;
	}
	fprintf(stderr, "%s: %s was not finished (no record in the store); moved to %s, booting it again\n",
		b->o->who, dir, dest);
	free(parent), free(dest);
}

/* Resumes a pair from the store, the one source of truth: the attempts it
 * holds for this layout (same hash) and kernel are done; attempts of another
 * version of the layout, or stored by a newer topofarm (an outcome this
 * build does not know), keep their numbers and are skipped; attempt
 * directories the store does not know are moved aside and booted again.
 * Infra attempts count as a finished run only once three in a row are there. */
static void scan_pair(struct run_batch *b, struct run_pair *p)
{
	int finals = 0, infra_streak = 0, max_attempt = 0, n = 0;
	struct store_attempt *v = NULL;
	char *err = NULL;
	if (store_load_attempts(b->store, p->t->name, p->k->name, &v, &n, &err) != 0) {
		fprintf(stderr, "%s: %s\n", b->o->who, err);
		free(err);
	}
	for (int i = 0; i < n; i++) {
		const struct store_attempt *a = &v[i];
		if (a->attempt > max_attempt)
			max_attempt = a->attempt;
		if (strcmp(a->layout_hash, p->hash) != 0)
			continue;   /* another version of this layout: kept, not counted */
		if (a->outcome < 0) {
			fprintf(stderr, "%s: %s/%d was stored by a newer topofarm (unknown outcome); skipped, not counted\n",
				b->o->who, p->dir, a->attempt);
			continue;
		}
		bool final = a->outcome != OUTCOME_INFRA || ++infra_streak == RUN_BATCH_TRIES;
		if (a->outcome != OUTCOME_INFRA || final)
			infra_streak = 0;
		if (final) {
			finals++;
			bool met = expectation_met(p->t, p->k->name, (enum outcome)a->outcome, a->title, NULL, NULL);
			add_result(p, a->attempt, (enum outcome)a->outcome, a->title, met);
		}
	}
	/* Directories beyond what the store knows, or in its gaps. */
	for (int a = 1;; a++) {
		char *dir = xasprintf("%s/%d", p->dir, a);
		bool known = false;
		for (int i = 0; i < n && !known; i++)
			known = v[i].attempt == a;
		if (!is_dir(dir) && a > max_attempt) {
			free(dir);
			break;
		}
		if (is_dir(dir) && !known)
			move_aside(b, p, a, dir);
		if (is_dir(dir) && a > max_attempt)
			max_attempt = a;   /* could not be moved: its number stays taken */
		free(dir);
	}
	store_attempts_free(v, n);
	p->next_attempt = max_attempt + 1;
	p->missing = b->o->rerun > finals ? b->o->rerun - finals : 0;
}

/* ---------- the scheduler's callbacks ---------- */

static pid_t job_start(void *vb, int job, int try, void **token)
{
	(void)try;
	struct run_batch *b = vb;
	struct run_pair *p = &b->pairs[b->job_pair[job]];
	struct job_token *tk = xcalloc(1, sizeof *tk);
	tk->attempt = p->next_attempt++;
	char *dir = xasprintf("%s/%d", p->dir, tk->attempt);
	struct boot_request rq = {
		.topo = p->t, .base_initrd = b->base_initrd, .run_dir = dir,
		.campaign = b->o->campaign, .attempt = tk->attempt, .qemu = b->o->qemu,
		.accel = b->o->accel, .timeout = b->o->timeout, .silence = b->o->silence,
		.farm = b->o->farm, .host = b->o->farm ? lv_farm_wait_pick(b->o->farm) : NULL,
	};
	boot_request_set_kernel(&rq, p->k, p->image, p->source, p->vmlinux);
	boot_start(&rq, &tk->boot);
	free(dir);
	*token = tk;
	return tk->boot.pid ? tk->boot.pid : -1;
}

static void print_run_line(const struct run_pair *p, const struct run_record *r, bool met, bool retry)
{
	const char *want = NULL, *want_title = NULL;
	expectation_met(p->t, p->k->name, r->triage.outcome, r->triage.title, &want, &want_title);
	printf("%-9s %s on %s #%d (%.1f s)", outcome_name(r->triage.outcome), p->t->name, p->k->name, r->attempt,
	       r->t_end > 0 ? r->t_end : 0.0);
	if (r->triage.outcome == OUTCOME_INFRA)
		printf(": %s%s", r->end_detail ? r->end_detail : "", retry ? " (retrying)" : "");
	else if (r->triage.title)
		printf(": %s", r->triage.title);
	if (!met && !retry)
		printf("  [UNEXPECTED: wanted %s%s%s]", want, want_title ? ": " : "", want_title ? want_title : "");
	putchar('\n');
	fflush(stdout);
}

static enum sched_verdict job_finish(void *vb, int job, void *token, int status, bool last_try)
{
	struct run_batch *b = vb;
	struct run_pair *p = &b->pairs[b->job_pair[job]];
	struct job_token *tk = token;
	struct run_record rec;
	char *err = NULL;
	bool stored = false;
	if (boot_finish(&tk->boot, status, &rec, &err) != 0) {
		fprintf(stderr, "%s: %s\n", b->o->who, err);
		free(err);
		rec.triage.outcome = OUTCOME_INFRA;
	} else {
		char *serr = NULL;
		if (store_add_run(b->store, &rec, NULL, &serr) != 0)
			fprintf(stderr, "%s: %s: cannot store the run: %s\n", b->o->who, rec.dir, serr);
		else
			stored = true;
		free(serr);
	}
	free(tk);
	enum outcome oc = rec.triage.outcome;
	bool retry = oc == OUTCOME_INFRA && !last_try;
	bool met = expectation_met(p->t, p->k->name, oc, rec.triage.title, NULL, NULL);
	if (!b->o->quiet)
		print_run_line(p, &rec, met, retry);
	if (!retry) {
		add_result(p, rec.attempt, oc, rec.triage.title, met);
		if (oc == OUTCOME_INFRA)
			b->infra++;
		else if (!met)
			b->unexpected++;
		if (b->o->on_run)
			b->o->on_run(b->o->ctx, &rec, stored);
	}
	run_record_free(&rec);
	if (oc == OUTCOME_INFRA)
		return SCHED_RETRY;
	return oc == OUTCOME_PANIC || oc == OUTCOME_OOPS || oc == OUTCOME_WARNING ? SCHED_CRASH : SCHED_OK;
}

static void job_abandon(void *vb, int job, void *token)
{
	(void)vb, (void)job;
	struct job_token *tk = token;
	boot_abandon(&tk->boot);
	free(tk);
}

/* ---------- the batch ---------- */

void run_batch_init(struct run_batch *b, const struct run_batch_options *o, struct store *s, const char *base_initrd,
		    const struct topology *topos, int n_topos, const struct kernel_entry *const *ks, int nk)
{
	*b = (struct run_batch){ .o = o, .store = s, .base_initrd = base_initrd };
	b->n_pairs = n_topos * nk;
	b->pairs = xcalloc((size_t)b->n_pairs + 1, sizeof *b->pairs);
	int n_jobs = 0;
	for (int i = 0; i < n_topos; i++)
		for (int j = 0; j < nk; j++) {
			struct run_pair *p = &b->pairs[i * nk + j];
			p->t = &topos[i];
			p->k = ks[j];
			p->image = kernel_image_path(ks[j]);
			p->vmlinux = kernel_vmlinux_path(ks[j]);
			p->source = kernel_describe(ks[j]);
			p->dir = xasprintf("%s/runs/%s/%s", o->out, p->t->name, p->k->name);
			topo_hash(p->t, p->hash);
			scan_pair(b, p);
			n_jobs += p->missing;
		}
	b->job_pair = xcalloc((size_t)n_jobs + 1, sizeof *b->job_pair);
	/* Rerun rounds outermost: every pair gets its first run before any second. */
	for (int round = 0; round < o->rerun; round++)
		for (int i = 0; i < b->n_pairs; i++)
			if (b->pairs[i].missing > round)
				b->job_pair[b->n_jobs++] = i;
}

int run_batch_parallel(const struct run_batch *b, char **note)
{
	uint64_t largest = 0;
	for (int i = 0; i < b->n_pairs; i++) {
		const struct topology *t = b->pairs[i].t;
		uint64_t guest = t->maxmem > t->memory ? t->maxmem : t->memory;
		if (b->pairs[i].missing && guest > largest)
			largest = guest;
	}
	return mem_budget_jobs(b->o->jobs, mem_budget_available(), largest, note);
}

int run_batch_run(struct run_batch *b, struct sched_stats *st)
{
	char *note = NULL;
	int parallel = run_batch_parallel(b, &note);
	if (note)
		fprintf(stderr, "topofarm: %s\n", note);
	free(note);
	struct sched_ops ops = { b, job_start, job_finish, job_abandon };
	struct sched_opts so = { .parallel = parallel, .max_tries = RUN_BATCH_TRIES, .progress = true,
				 .describe = b->o->describe, .describe_ctx = b->o->ctx };
	return sched_run(b->n_jobs, &ops, &so, st);
}

void run_batch_free(struct run_batch *b)
{
	for (int i = 0; i < b->n_pairs; i++) {
		struct run_pair *p = &b->pairs[i];
		for (int j = 0; j < p->n_results; j++)
			free(p->results[j].title);
		free(p->results), free(p->image), free(p->vmlinux), free(p->source), free(p->dir);
	}
	free(b->pairs), free(b->job_pair);
	memset(b, 0, sizeof *b);
}
