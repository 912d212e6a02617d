/* cli/builtin-campaign.c: `topofarm campaign`: the nightly job. Plans
 * layouts a chunk at a time (fuzz/campaign.h: generated, mutated from the
 * corpus, or given), boots each chunk on every kernel through the same
 * resumable batch as `run` (runner/run_batch.h: the store is the one source
 * of truth, interrupted attempts go to OUT/incomplete/), judges what each
 * layout showed for the corpus, and ends with the e-mail summary, the
 * kernel-pair comparison and the reports. `--recreate` makes any planned
 * layout again from the store alone. */
#include "cli/verb.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "fuzz/campaign.h"
#include "results/compare.h"
#include "results/out_lock.h"
#include "results/report.h"
#include "results/store.h"
#include "results/triage.h"
#include "runner/accel.h"
#include "runner/initramfs.h"
#include "runner/kernels.h"
#include "runner/run_batch.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The nightly matrix when --kernels is not given: the catalogue's default
 * stock/fixed pair, then these, each only when the catalogue has it and
 * the cache holds it (a missing one is named, and the night goes on): a
 * current kernel built to notice bugs, and the gcov kernel whose boot
 * coverage guides the corpus. */
static const char *const nightly_extra[] = { "farm-6.12-debug", "farm-6.1-gcov" };

static const char help[] =
"NAME\n"
"    topofarm campaign - the nightly job: generate, boot, triage, keep, summarise\n"
"\n"
"SYNOPSIS\n"
"    topofarm campaign (--count N | --time T) --out DIR [--seed S]\n"
"                      [--strategy NAME...] [--kernels LIST] [-j N]\n"
"                      [--from DIR]... [--corpus DIR] [--mutate-share F]\n"
"                      [--campaign NAME] [--machine pc|q35] [--timeout S]\n"
"                      [--silence S] [--catalogue FILE] [--accel A] [--qemu PATH]\n"
"                      [--wait] [--dry-run]\n"
"    topofarm campaign --recreate RUN|RUN_DIR|LAYOUT --out DIR [-o FILE]\n"
"\n"
"DESCRIPTION\n"
"    Plans layouts eight at a time and boots each on every kernel, N boots\n"
"    at a time, exactly as `topofarm run` does (same run directories, store,\n"
"    triage and divergence oracle). Layouts come, in this order, from --from\n"
"    folders of .topo files and a --corpus of the libFuzzer layout harness\n"
"    (named as `gen --from-corpus` names them), then from the generator\n"
"    (--strategy, docs/strategies.md) or, for a share of them\n"
"    (--mutate-share), from the structure-aware mutator applied to a layout\n"
"    of the campaign's corpus. Which one is drawn from (seed, index): the\n"
"    plan is deterministic in the seed, the strategies, the inputs and the\n"
"    outcomes of earlier boots.\n"
"\n"
"    The corpus (DIR/corpus/) keeps a booted layout when it showed a crash\n"
"    bucket or a divergence this store had not seen, kernel edges (gcov\n"
"    kernels: boot coverage, docs/coverage.md) or layout features (the\n"
"    layout model's, docs/strategies.md) no earlier layout of the campaign\n"
"    had. Kept layouts are the parents of later mutations.\n"
"\n"
"    Every planned layout is stored with its origin before it boots (seed,\n"
"    index and strategy of a generated one; parent and draw of a mutant), so\n"
"    `--recreate` makes it again from the store alone and checks that the\n"
"    bytes are the stored ones.\n"
"\n"
"    Resumable: SIGINT, SIGTERM, SIGKILL or a reboot in the middle, then the\n"
"    same command continues where it stopped: the plan and every finished\n"
"    boot are in the store, an interrupted boot is moved to DIR/incomplete/\n"
"    and booted again, nothing is booted twice. One writer per DIR (a\n"
"    second one fails naming the holder's pid, or waits with --wait).\n"
"\n"
"    On a terminal a progress line shows boots done/planned, boots per hour,\n"
"    new crash buckets, new divergences and the time left; off a terminal\n"
"    nothing of it is printed. A layout kept for a new crash bucket or\n"
"    divergence is announced on its own line.\n"
"\n"
"    At the end: the summary, fit for an e-mail (syzbot style: new crash\n"
"    buckets first with title, kernels, count, the verdict of each adjacent\n"
"    kernel pair and the smallest .topo of the bucket inline; then new\n"
"    divergences; then known buckets), printed and written to\n"
"    DIR/summary.txt; the comparison of each adjacent kernel pair in\n"
"    DIR/compare-K1-K2.txt; DIR/report.html and DIR/junit.xml. \"New\" means\n"
"    that no known-bug entry explains it and no earlier campaign in the same\n"
"    store showed it.\n"
"\n"
"OPTIONS\n"
"    --count N         plan N layouts (boots: N per kernel)\n"
"    --time T          plan layouts while the campaign's boot time is under T\n"
"                      (seconds, or with s, m, h: 90m, 8h); counted over\n"
"                      every resume of the campaign\n"
"    --out DIR         results folder (store, runs, corpus/, summary.txt)\n"
"    --seed S          the campaign's seed (default 0)\n"
"    --strategy NAME   generator strategies (repeatable, or a comma list;\n"
"                      default: all)\n"
"    --kernels LIST    as `run --kernels` (default: the nightly matrix: the\n"
"                      catalogue's default pair plus farm-6.12-debug and\n"
"                      farm-6.1-gcov, each when it is cached)\n"
"    -j N              boots at a time (default: the number of CPUs)\n"
"    --from DIR        boot these .topo files first (repeatable)\n"
"    --corpus DIR      boot a libFuzzer corpus of fuzz/layout_fuzz first\n"
"    --mutate-share F  share of generated layouts that mutate a corpus\n"
"                      layout instead, 0 to 1 (default 0.5)\n"
"    --campaign NAME   the campaign's name in the store (default\n"
"                      campaign-SEED); a new name is a new campaign\n"
"    --machine pc|q35  force the machine type of generated layouts\n"
"    --timeout S, --silence S, --catalogue FILE, --accel A, --qemu PATH,\n"
"    --wait            as for `topofarm run`\n"
"    --dry-run         plan (and store the plan of) --count layouts, boot\n"
"                      nothing\n"
"    --recreate X      print the layout of run id X, of run directory X, or\n"
"                      named X, made again from the store's record of its\n"
"                      origin (fails if the bytes differ from the stored ones)\n"
"    -o FILE           with --recreate: write there instead of stdout\n"
"\n"
"EXAMPLES\n"
"    topofarm campaign --time 8h --seed $(date +%Y%m%d) --out /srv/topofarm\n"
"    topofarm campaign --count 20 --strategy tiny-node --kernels farm-6.1-prefix,farm-6.1 --out /tmp/c\n"
"    topofarm campaign --recreate 42 --out /srv/topofarm -o repro.topo\n"
"\n"
"EXIT STATUS\n"
"    0 no new crash bucket or divergence, 1 new ones (the summary lists\n"
"    them), 2 usage error, 3 environment failure (kernel missing, DIR locked,\n"
"    store unreadable), 130/143 interrupted by SIGINT/SIGTERM (resumable).\n";

struct options {
	const char *out, *kernels, *catalogue, *accel, *qemu, *campaign, *corpus, *recreate, *recreate_out;
	struct strv from;
	long long count;
	double time_budget;           /* seconds; 0: none */
	uint64_t seed;
	int jobs, timeout, silence, machine, mutate_permille;
	bool wait, dry_run, kernels_given;
	const struct gen_strategy **strategies;
	int n_strategies;
};

/* ---------- options ---------- */

static bool parse_duration(const char *s, double *out)
{
	double total = 0;
	const char *p = s;
	if (!*p)
		return false;
	while (*p) {
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno || v < 0)
			return false;
		double unit = 1;
		if (*end == 'h')
			unit = 3600, end++;
		else if (*end == 'm')
			unit = 60, end++;
		else if (*end == 's')
			end++;
		else if (*end)
			return false;
		total += v * unit;
		p = end;
	}
	*out = total;
	return total > 0 && total < 1e9;
}

static int add_strategies(struct options *o, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *one = strtok_r(copy, ",", &save); one; one = strtok_r(NULL, ",", &save)) {
		const struct gen_strategy *s = gen_strategy_by_name(one);
		if (!s) {
			int rc = usage_error(&verb_campaign, "no strategy '%s' (see `topofarm gen --list`)", one);
			free(copy);
			return rc;
		}
		o->strategies = xrealloc(o->strategies, sizeof *o->strategies * (size_t)(o->n_strategies + 1));
		o->strategies[o->n_strategies++] = s;
	}
	free(copy);
	return 0;
}

static int parse_number(const char *name, const char *v, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long n = v ? strtoll(v, &end, 10) : 0;
	if (!v || !*v || *end || errno || n < min || n > max)
		return usage_error(&verb_campaign, "%s expects a number from %lld to %lld, got '%s'", name, min, max,
				   v ? v : "");
	*out = n;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (struct options){ .kernels = "default", .accel = "auto", .jobs = cpus > 0 ? (int)cpus : 1,
			       .machine = -1, .mutate_permille = CAMPAIGN_MUTATE_DEFAULT, .count = -1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long long n;
		if (!strcmp(a, "--wait")) {
			o->wait = true;
			continue;
		}
		if (!strcmp(a, "--dry-run")) {
			o->dry_run = true;
			continue;
		}
		if (!strncmp(a, "-j", 2) && a[2]) {
			if (parse_number("-j", a + 2, 1, 100000, &n))
				return EXIT_USAGE;
			o->jobs = (int)n;
			continue;
		}
		const char **str = !strcmp(a, "--out") ? &o->out : !strcmp(a, "--kernels") ? &o->kernels
			: !strcmp(a, "--catalogue") ? &o->catalogue : !strcmp(a, "--accel") ? &o->accel
			: !strcmp(a, "--qemu") ? &o->qemu : !strcmp(a, "--campaign") ? &o->campaign
			: !strcmp(a, "--corpus") ? &o->corpus : !strcmp(a, "--recreate") ? &o->recreate
			: !strcmp(a, "-o") ? &o->recreate_out : NULL;
		if (!v)
			return usage_error(&verb_campaign, a[0] == '-' ? "%s expects a value" : "unexpected argument %s", a);
		i++;
		int rc = 0;
		if (str) {
			*str = v;
			o->kernels_given |= str == &o->kernels;
		} else if (!strcmp(a, "--from")) {
			strv_add(&o->from, v);
		} else if (!strcmp(a, "--count")) {
			rc = parse_number(a, v, 1, 10000000, &o->count);
		} else if (!strcmp(a, "--time")) {
			if (!parse_duration(v, &o->time_budget))
				rc = usage_error(&verb_campaign, "--time expects a duration such as 3600, 90m or 8h, got '%s'", v);
		} else if (!strcmp(a, "--seed")) {
			char *end;
			errno = 0;
			o->seed = strtoull(v, &end, 10);
			if (!*v || *end || errno || *v == '-')
				rc = usage_error(&verb_campaign, "--seed expects a number, got '%s'", v);
		} else if (!strcmp(a, "--strategy")) {
			rc = add_strategies(o, v);
		} else if (!strcmp(a, "-j") || !strcmp(a, "--timeout") || !strcmp(a, "--silence")) {
			rc = parse_number(a, v, 1, 100000, &n);
			*(!strcmp(a, "-j") ? &o->jobs : !strcmp(a, "--timeout") ? &o->timeout : &o->silence) = (int)n;
		} else if (!strcmp(a, "--mutate-share")) {
			char *end;
			double f = strtod(v, &end);
			if (end == v || *end || !(f >= 0 && f <= 1))
				rc = usage_error(&verb_campaign, "--mutate-share expects a number from 0 to 1, got '%s'", v);
			o->mutate_permille = (int)lround(f * 1000);
		} else if (!strcmp(a, "--machine")) {
			if (!strcmp(v, "pc") || !strcmp(v, "q35"))
				o->machine = !strcmp(v, "pc") ? MACHINE_PC : MACHINE_Q35;
			else
				rc = usage_error(&verb_campaign, "--machine expects pc or q35, got '%s'", v);
		} else {
			rc = usage_error(&verb_campaign, "unknown option %s", a);
		}
		if (rc)
			return rc;
	}
	if (!o->out)
		return usage_error(&verb_campaign, "expected --out DIR (the results folder)");
	if (o->recreate)
		return 0;
	if (o->count > 0 && o->time_budget > 0)
		return usage_error(&verb_campaign, "give --count or --time, not both");
	if (o->dry_run && o->count <= 0)
		return usage_error(&verb_campaign, "--dry-run plans --count layouts: give --count");
	if (strcmp(o->accel, "auto") && strcmp(o->accel, "tcg") && strcmp(o->accel, "kvm"))
		return usage_error(&verb_campaign, "--accel expects auto, tcg or kvm, got '%s'", o->accel);
	return 0;
}

/* ---------- --recreate ---------- */

static int recreate(const struct options *o)
{
	struct store *s = NULL;
	char *err = NULL, *text = NULL;
	struct store_plan_entry e = { 0 };
	int rc = EXIT_OK, found = 1;
	char *end;
	long long id = strtoll(o->recreate, &end, 10);
	if (store_open_existing(o->out, &s, &err) != 0) {
		fprintf(stderr, "topofarm campaign: %s\n", err);
		free(err);
		return EXIT_USAGE;
	}
	if (*o->recreate && !*end) {
		found = store_plan_of_run(s, id, &e, &err);
	} else if (is_dir(o->recreate)) {
		char *abs = realpath(o->recreate, NULL);
		long long run = abs ? store_run_id_by_dir(s, abs) : -1;
		free(abs);
		found = run >= 0 ? store_plan_of_run(s, run, &e, &err) : 1;
	} else {
		found = store_plan_of_layout(s, o->recreate, &e, &err);
	}
	if (found < 0) {
		fprintf(stderr, "topofarm campaign: %s\n", err);
		rc = EXIT_ENV;
	} else if (found > 0) {
		fprintf(stderr, "topofarm campaign: no campaign in %s planned a layout for '%s' (a run id, a run directory "
				"or a layout name)\n", store_path(s), o->recreate);
		rc = EXIT_USAGE;
	} else if (!(text = campaign_recreate(s, &e, &err))) {
		fprintf(stderr, "topofarm campaign: cannot recreate %s: %s\n", e.name, err);
		rc = EXIT_FINDINGS;
	} else if (!e.text || strcmp(text, e.text) != 0) {
		fprintf(stderr, "topofarm campaign: the recreated %s differs from the text the store holds "
				"(the generator changed since it was planned?)\n", e.name);
		rc = EXIT_FINDINGS;
	} else if (o->recreate_out) {
		if (write_file_str(o->recreate_out, text) != 0) {
			fprintf(stderr, "topofarm campaign: cannot write %s: %s\n", o->recreate_out, strerror(errno));
			rc = EXIT_ENV;
		}
	} else {
		fputs(text, stdout);
	}
	free(text), free(err);
	if (found == 0)
		campaign_plan_entry_free(&e);
	store_close(s);
	return rc;
}

/* ---------- kernels ---------- */

/* The nightly matrix: the default pair, then each extra kernel the
 * catalogue names and the cache holds. */
static int nightly_kernels(struct kernel_catalogue *cat, const struct kernel_entry ***ks, int *nk)
{
	int rc = run_resolve_kernels("topofarm campaign", cat, "default", true, NULL, 0, ks, nk);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof nightly_extra / sizeof *nightly_extra; i++) {
		const struct kernel_entry *k = kernel_find(cat, nightly_extra[i]);
		char *image = k ? kernel_image_path(k) : NULL;
		if (!k)
			fprintf(stderr, "topofarm campaign: the nightly matrix names %s, but the catalogue has no such kernel; "
					"going on without it\n", nightly_extra[i]);
		else if (!image)
			fprintf(stderr, "topofarm campaign: %s is not in the cache (`topofarm kernels fetch %s` builds it); "
					"going on without it\n", nightly_extra[i], nightly_extra[i]);
		else {
			*ks = xrealloc(*ks, sizeof **ks * (size_t)(*nk + 1));
			(*ks)[(*nk)++] = k;
		}
		free(image);
	}
	return 0;
}

/* ---------- the campaign ---------- */

struct campaign {
	const struct options *o;
	struct campaign_config cfg;
	struct store *store;
	const char *out, *base_initrd, *accel;
	const struct kernel_entry **ks;
	int nk;
	char **kernel_names;
	struct campaign_input *inputs;
	int n_inputs;
	struct campaign_corpus corpus;
	struct store_plan_entry *plan;
	int n_plan;
	long long target;             /* layouts to plan (count mode), else -1 */
	int next_seq;                 /* the next seq to plan */
	/* progress */
	double t0, batch_t0, seconds_before;   /* this call's start, the batch's; boot time before the batch */
	int boots_done, boots_this_call, batch_base;
	struct strv live;             /* signatures first seen in the batch running now */
	int live_buckets, live_divergences;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void format_time(char *out, size_t size, double s)
{
	if (s < 0)
		s = 0;
	long v = (long)s;
	if (v >= 3600)
		snprintf(out, size, "%ldh%02ldm", v / 3600, v / 60 % 60);
	else
		snprintf(out, size, "%ldm%02lds", v / 60, v % 60);
}

static void describe(void *vc, const struct sched_stats *st, double elapsed, char *line, size_t size)
{
	(void)elapsed;
	struct campaign *c = vc;
	int done = c->boots_done + st->finished;
	double spent = now() - c->t0;
	double rate = spent > 0 ? (c->boots_this_call + st->tries) * 3600.0 / spent : 0;
	char left[32] = "?", planned[32];
	if (c->o->time_budget > 0) {
		format_time(left, sizeof left, c->o->time_budget - c->seconds_before - (now() - c->batch_t0));
		snprintf(planned, sizeof planned, "%d+", c->n_plan * c->nk);
	} else {
		long long total = c->target * c->nk;
		snprintf(planned, sizeof planned, "%lld", total);
		if (rate > 0)
			format_time(left, sizeof left, (double)(total - done) * 3600.0 / rate);
	}
	int buckets = c->corpus.new_buckets + c->live_buckets, divs = c->corpus.new_divergences + c->live_divergences;
	snprintf(line, size, "[campaign %s] boots %d/%s, %.0f boots/h, %d new bucket%s, %d divergence%s, %s left",
		 c->cfg.name, done, planned, rate, buckets, buckets == 1 ? "" : "s", divs, divs == 1 ? "" : "s", left);
}

static bool known_signature(const struct campaign *c, const char *sig)
{
	for (int i = 0; i < c->corpus.signatures.n; i++)
		if (!strcmp(c->corpus.signatures.v[i], sig))
			return true;
	for (int i = 0; i < c->live.n; i++)
		if (!strcmp(c->live.v[i], sig))
			return true;
	return false;
}

/* Each final run: counts what looks new for the progress line (the corpus
 * judges it properly once the layout's runs are all there). */
static void on_run(void *vc, const struct run_record *r, bool stored)
{
	struct campaign *c = vc;
	(void)stored;
	enum outcome oc = r->triage.outcome;
	if (oc == OUTCOME_PASS || oc == OUTCOME_INFRA || !r->triage.title)
		return;
	char *sig = triage_signature(r->triage.title);
	if (!known_signature(c, sig)) {
		strv_add(&c->live, sig);
		if (oc == OUTCOME_DIVERGENCE)
			c->live_divergences++;
		else
			c->live_buckets++;
	}
	free(sig);
}

/* Whether another chunk is to be planned: --count seqs planned, or the
 * campaign's boot time (every call's) under --time. */
static bool budget_left(const struct campaign *c)
{
	if (c->target >= 0)
		return c->next_seq < c->target;
	return c->seconds_before < c->o->time_budget;
}

/* Plans the next chunk and stores it. 0, or -1 (said). */
static int plan_chunk(struct campaign *c)
{
	int first = c->next_seq, chunk = first / CAMPAIGN_CHUNK;
	int n = CAMPAIGN_CHUNK - first % CAMPAIGN_CHUNK;
	if (c->target >= 0 && first + n > c->target)
		n = (int)(c->target - first);
	struct store_plan_entry *v = xcalloc((size_t)n + 1, sizeof *v);
	int made = 0, rc = 0;
	char *err = NULL;
	for (int i = 0; i < n; i++) {
		if (campaign_plan_entry(&c->cfg, c->inputs, c->n_inputs, &c->corpus, first + i, chunk, &v[made], &err) == 0) {
			made++;
		} else {   /* that seq stays empty: the plan is the same on resume */
			fprintf(stderr, "topofarm campaign: %s; skipped\n", err);
			free(err);
			err = NULL;
		}
	}
	if (store_plan_add(c->store, c->cfg.name, v, made, &err) != 0) {
		fprintf(stderr, "topofarm campaign: cannot store the plan: %s\n", err);
		free(err);
		rc = -1;
	}
	for (int i = 0; i < made; i++)
		campaign_plan_entry_free(&v[i]);
	free(v);
	if (rc == 0) {
		store_plan_free(c->plan, c->n_plan);
		if (store_plan_load(c->store, c->cfg.name, &c->plan, &c->n_plan, &err) != 0) {
			fprintf(stderr, "topofarm campaign: %s\n", err);
			free(err);
			return -1;
		}
		c->next_seq = first + n;
	}
	return rc;
}

static void keep_in_corpus(struct campaign *c, const struct store_plan_entry *e, const char *why)
{
	char *dir = path_join(c->out, "corpus");
	char *file = xasprintf("%s.topo", e->name);
	char *path = path_join(dir, file);
	if (mkdir_p(dir, 0755) != 0 || write_file_str(path, e->text) != 0)
		fprintf(stderr, "topofarm campaign: cannot write %s: %s\n", path, strerror(errno));
	if (!strncmp(why, "new crash bucket", 16) || !strncmp(why, "new divergence", 14))
		printf("%s (layout %s)\n", why, e->name);
	fflush(stdout);
	free(dir), free(file), free(path);
}

/* Boots the undecided entries (at most a chunk, or what --dry-run left),
 * then judges them in order. Returns 0, 128+signal, or an exit code. */
static int boot_pending(struct campaign *c, int from)
{
	int n = c->n_plan - from;
	struct topology *topos = xcalloc((size_t)n + 1, sizeof *topos);
	char **paths = xcalloc((size_t)n + 1, sizeof *paths);
	int parsed = 0, rc = 0;
	for (int i = 0; i < n; i++) {
		struct topo_error perr;
		const struct store_plan_entry *e = &c->plan[from + i];
		paths[i] = e->name;
		if (topo_parse(e->text, strlen(e->text), e->name, &topos[i], &perr) != 0) {
			fprintf(stderr, "topofarm campaign: planned layout %s does not parse: %d:%d: %s\n", e->name, perr.line,
				perr.col, perr.msg);
			rc = EXIT_ENV;
			break;
		}
		parsed++;
	}
	if (!rc)
		rc = run_check_names("topofarm campaign", topos, paths, n);
	if (!rc)
		rc = run_check_tools("topofarm campaign", topos, n);
	if (!rc) {
		struct run_batch_options bo = {
			.who = "topofarm campaign", .out = c->out, .campaign = c->cfg.name, .accel = c->accel,
			.qemu = c->o->qemu, .jobs = c->o->jobs, .rerun = 1, .timeout = c->o->timeout,
			.silence = c->o->silence, .quiet = true, .on_run = on_run, .describe = describe, .ctx = c,
		};
		struct run_batch b;
		struct sched_stats st;
		run_batch_init(&b, &bo, c->store, c->base_initrd, topos, n, c->ks, c->nk);
		c->boots_done += b.n_pairs - b.n_jobs;   /* resumed: finished before */
		c->batch_t0 = now();
		int sig = run_batch_run(&b, &st);
		double spent = now() - c->batch_t0;
		char *err = NULL;
		if (store_campaign_add_seconds(c->store, c->cfg.name, spent, &err) != 0) {
			fprintf(stderr, "topofarm campaign: %s\n", err);
			free(err);
		}
		c->seconds_before += spent;
		c->boots_done += st.finished;
		c->boots_this_call += st.tries;
		run_batch_free(&b);
		if (sig) {
			fprintf(stderr, "topofarm campaign: interrupted by %s; every QEMU it started is stopped.\n"
					"Run the same command again to go on where it stopped.\n", strsignal(sig));
			rc = 128 + sig;
		}
	}
	for (int i = 0; i < parsed; i++)
		topo_free(&topos[i]);
	free(topos), free(paths);
	if (rc)
		return rc;
	strv_free(&c->live);
	c->live_buckets = c->live_divergences = 0;
	for (int i = from; i < c->n_plan; i++) {
		struct store_plan_entry *e = &c->plan[i];
		char *why = campaign_corpus_judge(&c->corpus, c->store, e, c->kernel_names, c->nk), *err = NULL;
		if (store_plan_decide(c->store, c->cfg.name, e->seq, why, &err) != 0) {
			fprintf(stderr, "topofarm campaign: %s\n", err);
			free(err);
		}
		if (*why)
			keep_in_corpus(c, e, why);
		free(e->corpus);
		e->corpus = why;
	}
	return 0;
}

/* The first undecided entry, or n_plan. */
static int first_undecided(const struct campaign *c)
{
	for (int i = 0; i < c->n_plan; i++)
		if (!c->plan[i].corpus)
			return i;
	return c->n_plan;
}

static int write_outputs(struct campaign *c)
{
	char *err = NULL;
	struct buf sum = BUF_INIT, header = BUF_INIT;
	buf_printf(&header, "topofarm campaign %s: %d layout%s on ", c->cfg.name, c->n_plan, c->n_plan == 1 ? "" : "s");
	for (int i = 0; i < c->nk; i++)
		buf_printf(&header, "%s%s", i ? ", " : "", c->kernel_names[i]);
	buf_printf(&header, " (seed %llu", (unsigned long long)c->cfg.seed);
	if (c->cfg.n_strategies) {
		buf_puts(&header, ", strategies ");
		for (int i = 0; i < c->cfg.n_strategies; i++)
			buf_printf(&header, "%s%s", i ? "," : "", c->cfg.strategies[i]->name);
	}
	buf_printf(&header, "); corpus %d layout%s, %d distinct layout features, %lld kernel edges; boot time %.0f s\n",
		   c->corpus.names.n, c->corpus.names.n == 1 ? "" : "s", c->corpus.n_features, c->corpus.n_edges,
		   store_campaign_seconds(c->store, c->cfg.name));
	int n_new = 0, rc = EXIT_OK;
	if (campaign_summary(&sum, c->out, c->cfg.name, c->kernel_names, c->nk, c->plan, c->n_plan, header.s, &n_new, &err) != 0) {
		fprintf(stderr, "topofarm campaign: cannot write the summary: %s\n", err);
		free(err);
		buf_free(&header);
		return EXIT_ENV;
	}
	char *path = path_join(c->out, "summary.txt");
	if (write_file(path, sum.s, sum.len) != 0) {
		fprintf(stderr, "topofarm campaign: cannot write %s: %s\n", path, strerror(errno));
		rc = EXIT_ENV;
	}
	free(path);
	fputs(sum.s, stdout);
	buf_free(&sum), buf_free(&header);
	/* The comparison of each adjacent pair, and the reports. */
	struct report_data d;
	if (report_load(c->out, c->cfg.name, &d, &err) != 0) {
		fprintf(stderr, "topofarm campaign: %s\n", err);
		free(err);
		return EXIT_ENV;
	}
	for (int i = 0; i + 1 < c->nk; i++) {
		struct comparison cmp;
		compare_runs(&d.runs, d.sigs, d.n_sigs, c->cfg.name, c->kernel_names[i], c->kernel_names[i + 1], 1, &cmp);
		char *name = xasprintf("compare-%s-%s.txt", c->kernel_names[i], c->kernel_names[i + 1]);
		char *p = path_join(c->out, name);
		FILE *f = fopen(p, "w");
		if (f) {
			compare_print_text(f, &cmp, c->out);
			fclose(f);
		} else {
			rc = EXIT_ENV;
		}
		free(name), free(p);
		comparison_free(&cmp);
	}
	struct {
		const char *file;
		void (*write)(struct buf *, const struct report_data *);
	} reports[] = { { "report.html", report_write_html }, { "junit.xml", report_write_junit } };
	for (size_t i = 0; i < sizeof reports / sizeof *reports; i++) {
		struct buf b = BUF_INIT;
		reports[i].write(&b, &d);
		char *p = path_join(c->out, reports[i].file);
		if (write_file(p, b.s ? b.s : "", b.len) != 0)
			rc = EXIT_ENV;
		free(p);
		buf_free(&b);
	}
	report_data_free(&d);
	return rc != EXIT_OK ? rc : n_new ? EXIT_FINDINGS : EXIT_OK;
}

static int campaign_loop(struct campaign *c)
{
	char *err = NULL;
	if (store_plan_load(c->store, c->cfg.name, &c->plan, &c->n_plan, &err) != 0 ||
	    campaign_corpus_know_store(&c->corpus, c->store, c->cfg.name, &err) != 0) {
		fprintf(stderr, "topofarm campaign: %s\n", err);
		free(err);
		return EXIT_ENV;
	}
	int undecided = first_undecided(c);
	for (int i = 0; i < undecided; i++)
		campaign_corpus_replay(&c->corpus, c->store, &c->plan[i], c->kernel_names, c->nk);
	c->seconds_before = store_campaign_seconds(c->store, c->cfg.name);
	c->t0 = c->batch_t0 = now();
	/* Planning goes on after the last planned seq, also inside a chunk: the
	 * chunk may have been cut short by an earlier call's smaller --count
	 * (rounding up to the next chunk here skipped those seqs, and a
	 * campaign extended from --count 50 to 100 planned 94). A seq at the
	 * chunk's end that made no layout is tried once more: a generated one
	 * fails again the same way, a mutant draws from today's corpus. */
	c->next_seq = c->n_plan ? c->plan[c->n_plan - 1].seq + 1 : 0;
	if (c->target >= 0 && c->next_seq > c->target)
		c->next_seq = (int)c->target;
	if (c->n_plan)
		fprintf(stderr, "topofarm campaign: resuming %s: %d layout%s planned, %d judged, corpus %d\n", c->cfg.name,
			c->n_plan, c->n_plan == 1 ? "" : "s", undecided, c->corpus.names.n);
	if (c->o->dry_run) {
		while (budget_left(c))
			if (plan_chunk(c) != 0)
				return EXIT_ENV;
		printf("%d layout%s planned in %s (campaign %s); nothing booted\n", c->n_plan, c->n_plan == 1 ? "" : "s",
		       store_path(c->store), c->cfg.name);
		return EXIT_OK;
	}
	for (;;) {
		undecided = first_undecided(c);
		if (undecided == c->n_plan) {
			if (!budget_left(c))
				break;
			int before = c->n_plan;
			if (plan_chunk(c) != 0)
				return EXIT_ENV;
			if (c->n_plan == before && c->target < 0)
				break;   /* nothing could be made */
			continue;
		}
		int rc = boot_pending(c, undecided);
		if (rc)
			return rc;
	}
	store_campaign_finish(c->store, c->cfg.name, NULL);
	return write_outputs(c);
}

static int run_campaign(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc) {
		strv_free(&o.from);
		free(o.strategies);
		return rc;
	}
	if (o.recreate) {
		rc = recreate(&o);
		strv_free(&o.from);
		free(o.strategies);
		return rc;
	}
	const char *who = "topofarm campaign";
	struct campaign c = { .o = &o };
	struct kernel_catalogue *cat = NULL;
	struct out_lock lock = { .fd = -1, .child_fd = -1 };
	char *err = NULL, *abs_out = NULL, *base_initrd = NULL, *name = NULL;
	int skipped = 0;
	campaign_corpus_init(&c.corpus);
	for (int i = 0; i < o.from.n && !rc; i++)
		if (campaign_inputs_read(o.from.v[i], false, &c.inputs, &c.n_inputs, &skipped, &err) != 0)
			rc = EXIT_USAGE;
	if (!rc && o.corpus && campaign_inputs_read(o.corpus, true, &c.inputs, &c.n_inputs, &skipped, &err) != 0)
		rc = EXIT_USAGE;
	if (rc) {
		fprintf(stderr, "%s: %s\n", who, err);
	} else if (o.count < 0 && o.time_budget <= 0 && !c.n_inputs) {
		rc = usage_error(&verb_campaign, "expected --count N or --time T (or layouts with --from/--corpus)");
	} else if (mkdir_p(o.out, 0755) != 0) {
		fprintf(stderr, "%s: cannot create %s: %s\n", who, o.out, strerror(errno));
		rc = EXIT_ENV;
	} else if (out_lock_take(o.out, who, o.wait, &lock, &err) != 0) {
		fprintf(stderr, "%s: %s\n", who, err);
		rc = EXIT_ENV;
	} else if (kernel_catalogue_load(o.catalogue, &cat, &err) != 0) {
		fprintf(stderr, "%s: %s\n", who, err);
		rc = EXIT_USAGE;
	} else if (o.dry_run ? 0
		   : o.kernels_given ? (rc = run_resolve_kernels(who, cat, o.kernels, true, NULL, 0, &c.ks, &c.nk))
				     : (rc = nightly_kernels(cat, &c.ks, &c.nk))) {
		/* said */
	} else if (!o.dry_run && !(base_initrd = initramfs_base(NULL, &err))) {
		fprintf(stderr, "%s: cannot build the guest initramfs: %s\n", who, err);
		rc = EXIT_ENV;
	} else {
		if ((abs_out = realpath(o.out, NULL)))
			o.out = abs_out;
		c.out = o.out;
		c.base_initrd = base_initrd;
		if (!o.dry_run) {
			char *image = kernel_image_path(c.ks[0]);
			c.accel = !strcmp(o.accel, "auto") ? accel_choose(o.qemu, image, base_initrd, true) : o.accel;
			free(image);
		}
		c.kernel_names = xcalloc((size_t)c.nk + 1, sizeof *c.kernel_names);
		for (int i = 0; i < c.nk; i++)
			c.kernel_names[i] = c.ks[i]->name;
		name = o.campaign ? xstrdup(o.campaign) : xasprintf("campaign-%llu", (unsigned long long)o.seed);
		c.cfg = (struct campaign_config){ .name = name, .seed = o.seed, .strategies = o.strategies,
						  .n_strategies = o.n_strategies, .machine = o.machine,
						  .mutate_permille = o.mutate_permille };
		c.target = o.count > 0 ? o.count : o.time_budget > 0 ? -1 : c.n_inputs;
		if (skipped)
			fprintf(stderr, "%s: %d corpus entr%s not valid, bootable layouts; skipped\n", who, skipped,
				skipped == 1 ? "y is" : "ies are");
		if (store_open(o.out, &c.store, &err) != 0) {
			fprintf(stderr, "%s: %s\n", who, err);
			rc = EXIT_ENV;
		} else {
			char *cmd = verb_command_line(argc, argv);
			if (store_campaign_begin(c.store, name, cmd, &err) != 0) {
				fprintf(stderr, "%s: %s\n", who, err);
				free(err);
				err = NULL;
			}
			free(cmd);
			rc = campaign_loop(&c);
		}
	}
	free(err);
	if (c.store)
		store_close(c.store);
	out_lock_release(&lock);   /* after the store is closed */
	store_plan_free(c.plan, c.n_plan);
	campaign_corpus_free(&c.corpus);
	campaign_inputs_free(c.inputs, c.n_inputs);
	strv_free(&c.live);
	free(c.kernel_names), free(c.ks), free(abs_out), free(base_initrd), free(name);
	kernel_catalogue_free(cat);
	strv_free(&o.from);
	free(o.strategies);
	return rc;
}

const struct verb verb_campaign = {
	"campaign", "the nightly job: generate and mutate layouts, boot, triage, keep what is new, summarise",
	help, run_campaign,
};
