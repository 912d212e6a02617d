/* cli/builtin-run.c: `topofarm run`: every topology on every kernel, N boots
 * at a time, each recorded in OUT/runs/LAYOUT/KERNEL/ATTEMPT/ and in the
 * store OUT/topofarm.db; resumable. The boots are runner/qemu_run.c's, the
 * parallelism and signals runner/scheduler.c's; this file wires them to the
 * command line, the resume scan, the store and the summary. */
#include "cli/verb.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "results/out_lock.h"
#include "results/store.h"
#include "runner/accel.h"
#include "runner/expectation.h"
#include "runner/initramfs.h"
#include "runner/kernels.h"
#include "runner/libvirt_hosts.h"
#include "runner/libvirt_xml.h"
#include "runner/plan.h"
#include "runner/qemu_run.h"
#include "runner/scheduler.h"
#include "topologies/topo_load.h"
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TRIES 3   /* an infra failure is retried twice */

static const char help[] =
"NAME\n"
"    topofarm run - boot every topology on every kernel and record the outcome\n"
"\n"
"SYNOPSIS\n"
"    topofarm run TOPO|DIR... [--kernels LIST|default] [--kernel BZIMAGE]...\n"
"                 [-j N] [--out DIR]\n"
"                 [--rerun K] [--timeout S] [--silence S] [--catalogue FILE]\n"
"                 [--accel auto|tcg|kvm] [--qemu PATH] [--campaign NAME] [--wait]\n"
"                 [--backend qemu|libvirt] [--uri URI | --hosts FILE]\n"
"\n"
"DESCRIPTION\n"
"    Boots each topology (a .topo file, or every *.topo in a directory) on\n"
"    each kernel under QEMU, exactly with the arguments `topofarm show`\n"
"    prints plus the kernel, the initrd and a QMP socket. A Tcl Expect script\n"
"    (runner/boot.exp) owns the serial console and the monitor: it waits for\n"
"    the guest, performs the hot-add/hot-remove steps on QMP when the guest\n"
"    asks, and ends the run when the guest finishes, the kernel panics, the\n"
"    console is silent too long, the topology's timeout passes, or QEMU\n"
"    exits. The console log is then triaged into an outcome: pass, warning,\n"
"    oops, panic, hang, boot-fail or infra. A run that passes is then\n"
"    checked by the second oracle, the layout model (docs/model.md): when\n"
"    the e820 map, SRAT lines, NUMA decisions, zones, early node ranges or\n"
"    what the guest probe saw (nodes, memory blocks, zone spans) differ\n"
"    from the prediction, the outcome is divergence, and record.json, the\n"
"    store and the reports show the differing lines of both sides.\n"
"\n"
"    infra means the host failed, not the kernel (QEMU refused its arguments\n"
"    or could not start, the host ran out of memory or disk, Expect failed).\n"
"    Such runs are retried up to two more times, each attempt recorded.\n"
"\n"
"    Every run gets OUT/runs/LAYOUT/KERNEL/ATTEMPT/ holding topology.topo,\n"
"    argv.txt, console.log, steps.log and record.json, and a row in the store\n"
"    OUT/topofarm.db (`topofarm report --dir OUT`). The store is the one\n"
"    source of truth: a run is finished when it has its row.\n"
"\n"
"    One writer per results folder: run takes a lock on OUT (the kernel\n"
"    drops it when run dies, even by SIGKILL). A second writer (run, compare\n"
"    --rerun, campaign) on the same OUT stops with an error naming the\n"
"    holder's pid, or waits for it with --wait.\n"
"\n"
"    SIGINT or SIGTERM stops the run cleanly: the QEMUs it started are killed,\n"
"    finished runs are kept. The same command again resumes: runs the store\n"
"    holds are not repeated; an attempt directory the store does not know\n"
"    (interrupted) is moved to OUT/incomplete/LAYOUT/KERNEL/ATTEMPT and booted\n"
"    again. Nothing that booted is ever deleted. QEMU also dies on its own if\n"
"    topofarm is killed outright.\n"
"\n"
"    With --backend libvirt each boot is a transient libvirt domain (the XML\n"
"    `topofarm show --libvirt` prints, kernel and initrd copied to the host\n"
"    once by content hash), its serial console driven by the same boot.exp,\n"
"    the hotplug steps sent through libvirt's QMP passthrough. --hosts FILE\n"
"    spreads the boots over many libvirt hosts (docs/farm.md); a host that\n"
"    fails mid-run makes its runs infra, and they are booted again on\n"
"    another host. Each run directory then also holds domain.xml and host.\n"
"\n"
"    KVM is used only when a cached probe boot shows a KVM guest reaching\n"
"    user space on this host; otherwise TCG.\n"
"\n"
"    On a terminal a progress line shows runs done/total, boots per minute,\n"
"    crashes so far and the ETA; otherwise one line per finished run. A\n"
"    summary table (layout x kernel: outcome, whether it met the topology's\n"
"    `expect` line, title) ends the output.\n"
"\n"
"OPTIONS\n"
"    --kernels LIST    comma-separated catalogue names, `default` (the\n"
"                      catalogue's default pair; also when omitted), or\n"
"                      ranges NAME..LAST (debian-6.1.0-47..56: every\n"
"                      catalogue kernel debian-6.1.0-N, 47 <= N <= 56)\n"
"    --kernel PATH     also boot this bzImage, as it is (a one-off without a\n"
"                      catalogue entry; named image-FILE); alone, only it\n"
"    -j N              boots at a time (default: the number of CPUs)\n"
"    --out DIR         results directory (default results/out)\n"
"    --rerun K         boot every topology on every kernel K times (default 1)\n"
"    --timeout S       whole-run limit in seconds, overriding each topology's\n"
"                      `timeout` (default: the topology's, else 90)\n"
"    --silence S       end a run as hung after S seconds without console\n"
"                      output (default 30 plus the longest `sleep` step)\n"
"    --catalogue FILE  kernel catalogue (default $TOPOFARM_KERNELS or the\n"
"                      shipped runner/kernels.conf)\n"
"    --accel A         auto (default: the KVM probe decides), tcg or kvm\n"
"    --qemu PATH       the QEMU binary (default qemu-system-x86_64)\n"
"    --campaign NAME   campaign name in the store (default: OUT's base name)\n"
"    --backend B       qemu (default: QEMU on this machine) or libvirt\n"
"    --uri URI         the libvirt host for --backend libvirt (default\n"
"                      qemu:///system), -j boots at a time\n"
"    --hosts FILE      libvirt hosts, one `URI SLOTS` a line (implies --backend\n"
"                      libvirt; -j defaults to the sum of the slots)\n"
"    --wait            if another topofarm is writing OUT, wait for it instead\n"
"                      of failing\n"
"\n"
"EXAMPLES\n"
"    topofarm run topologies/seeds --kernels default\n"
"    topofarm run topologies/examples/two-node.topo --kernels debian-6.1,debian-6.12 -j 2\n"
"    topofarm run my.topo --kernels farm-6.1 --rerun 5 --out /tmp/flaky\n"
"\n"
"EXIT STATUS\n"
"    0 every run met its topology's expect line (or passed when none\n"
"    applies), 1 a run had an unexpected outcome, 2 usage error or invalid\n"
"    topology, 3 environment failure (kernel missing, runs still infra after\n"
"    three attempts, or OUT is locked by another writer), 130/143 interrupted\n"
"    by SIGINT/SIGTERM (resumable). Findings win: when runs had unexpected\n"
"    outcomes AND others failed for infra reasons, the exit status is 1.\n";

struct options {
	const char *kernels, *out, *catalogue, *accel, *qemu, *campaign, *backend, *uri, *hosts;
	int jobs, rerun, timeout, silence;
	bool wait, jobs_given;
	char **topos;
	int n_topos;
	char **images;                /* --kernel PATH, repeatable */
	int n_images;
	bool kernels_given;
};

/* One finished run, for the summary. */
struct result {
	int attempt;
	enum outcome outcome;
	char *title;
	bool met;
};

/* One topology on one kernel. */
struct pair {
	const struct topology *t;
	const struct kernel_entry *k;
	char *image, *source, *dir;
	char hash[65];
	int next_attempt;
	int missing;                  /* runs still to do */
	struct result *results;
	int n_results;
};

struct run_ctx {
	const struct options *o;
	struct pair *pairs;
	int n_pairs;
	int *job_pair;                /* job -> pair */
	struct store *store;
	char *base_initrd, *campaign;
	const char *accel;
	int unexpected, infra;
	struct lv_farm *farm;         /* --backend libvirt: the hosts; NULL: QEMU here */
};

struct job_token {
	struct boot boot;
	int attempt;
};

/* ---------- options ---------- */

static int parse_int_opt(const char *name, const char *v, int min, int *out)
{
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || *end || n < min || n > 1000000)
		return usage_error(&verb_run, "%s expects a number >= %d, got '%s'", name, min, v ? v : "");
	*out = (int)n;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (struct options){ .kernels = "default", .out = "results/out", .accel = "auto",
			       .jobs = cpus > 0 ? (int)cpus : 1, .rerun = 1 };
	o->topos = xcalloc((size_t)argc, sizeof *o->topos);
	o->images = xcalloc((size_t)argc, sizeof *o->images);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **str = !strcmp(a, "--kernels") ? &o->kernels : !strcmp(a, "--out") ? &o->out
			: !strcmp(a, "--catalogue") ? &o->catalogue : !strcmp(a, "--accel") ? &o->accel
			: !strcmp(a, "--qemu") ? &o->qemu : !strcmp(a, "--campaign") ? &o->campaign
			: !strcmp(a, "--backend") ? &o->backend : !strcmp(a, "--uri") ? &o->uri
			: !strcmp(a, "--hosts") ? &o->hosts : NULL;
		int *num = !strcmp(a, "-j") ? &o->jobs : !strcmp(a, "--rerun") ? &o->rerun
			: !strcmp(a, "--timeout") ? &o->timeout : !strcmp(a, "--silence") ? &o->silence : NULL;
		if (str) {
			if (!v)
				return usage_error(&verb_run, "%s expects a value", a);
			*str = v;
			o->kernels_given |= str == &o->kernels;
			i++;
		} else if (!strcmp(a, "--kernel")) {
			if (!v)
				return usage_error(&verb_run, "--kernel expects a bzImage path");
			o->images[o->n_images++] = argv[++i];
		} else if (num) {
			if (parse_int_opt(a, v, 1, num))
				return EXIT_USAGE;
			o->jobs_given |= num == &o->jobs;
			i++;
		} else if (!strcmp(a, "--wait")) {
			o->wait = true;
		} else if (!strncmp(a, "-j", 2) && a[2]) {
			if (parse_int_opt("-j", a + 2, 1, &o->jobs))
				return EXIT_USAGE;
			o->jobs_given = true;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(&verb_run, "unknown option %s", a);
		} else {
			o->topos[o->n_topos++] = argv[i];
		}
	}
	if (!o->n_topos)
		return usage_error(&verb_run, "expected one or more topology files or directories");
	if (strcmp(o->accel, "auto") && strcmp(o->accel, "tcg") && strcmp(o->accel, "kvm"))
		return usage_error(&verb_run, "--accel expects auto, tcg or kvm, got '%s'", o->accel);
	if (o->hosts && !o->backend)
		o->backend = "libvirt";
	if (!o->backend)
		o->backend = "qemu";
	if (strcmp(o->backend, "qemu") && strcmp(o->backend, "libvirt"))
		return usage_error(&verb_run, "--backend expects qemu or libvirt, got '%s'", o->backend);
	if (!strcmp(o->backend, "qemu") && (o->hosts || o->uri))
		return usage_error(&verb_run, "--hosts and --uri are for --backend libvirt");
	if (o->hosts && o->uri)
		return usage_error(&verb_run, "--hosts and --uri exclude each other");
	return 0;
}

/* ---------- kernels ---------- */

/* Resolves --kernels (names, default, NAME..LAST ranges) and --kernel
 * images into catalogue entries, fetching or building what the cache
 * lacks. Returns 0, EXIT_USAGE or EXIT_ENV. */
static int resolve_kernels(struct kernel_catalogue *cat, const struct options *o,
			   const struct kernel_entry ***out, int *n)
{
	char *err = NULL;
	struct strv names = { 0 };
	for (int i = 0; i < o->n_images; i++) {
		const struct kernel_entry *k = kernel_catalogue_add_image(cat, o->images[i], &err);
		if (!k) {
			fprintf(stderr, "topofarm run: --kernel %s\n", err);
			free(err);
			strv_free(&names);
			return EXIT_USAGE;
		}
		strv_add(&names, k->name);
	}
	/* --kernel alone boots only the images; with --kernels, both. */
	struct buf list = BUF_INIT;
	if (!o->n_images || o->kernels_given)
		buf_puts(&list, o->kernels);
	for (int i = 0; i < names.n; i++)
		buf_printf(&list, "%s%s", list.len ? "," : "", names.v[i]);
	strv_free(&names);
	size_t nk = 0;
	int rc = kernel_list_resolve(cat, list.s, out, &nk, &err);
	buf_free(&list);
	if (rc) {
		fprintf(stderr, "topofarm run: %s\n", err);
		free(err);
		return EXIT_USAGE;
	}
	*n = (int)nk;
	for (int i = 0; i < *n; i++) {
		char *image = kernel_image_path((*out)[i]), *err = NULL;
		if (!image) {
			fprintf(stderr, "topofarm run: kernel %s is not in the cache; getting it now\n", (*out)[i]->name);
			if (kernel_ensure((*out)[i], true, &err) != 0) {
				fprintf(stderr, "topofarm run: cannot get kernel %s: %s\n", (*out)[i]->name, err ? err : "?");
				free(err);
				return EXIT_ENV;
			}
		}
		free(image);
	}
	return 0;
}

/* ---------- resume ---------- */

static void add_result(struct pair *p, int attempt, enum outcome oc, const char *title, bool met)
{
	p->results = xrealloc(p->results, (size_t)(p->n_results + 1) * sizeof *p->results);
	p->results[p->n_results++] = (struct result){ attempt, oc, title ? xstrdup(title) : NULL, met };
}

/* An attempt directory the store has no row for (the run was interrupted,
 * or killed between writing its files and storing it): moved aside to
 * OUT/incomplete/LAYOUT/KERNEL/ATTEMPT[-N], never deleted; its attempt
 * number is booted again. */
static void move_aside(const struct run_ctx *c, const struct pair *p, int attempt, const char *dir)
{
	char *parent = xasprintf("%s/incomplete/%s/%s", c->o->out, p->t->name, p->k->name);
	char *dest = xasprintf("%s/%d", parent, attempt);
	for (int n = 2; path_exists(dest); n++) {
		free(dest);
		dest = xasprintf("%s/%d-%d", parent, attempt, n);
	}
	if (mkdir_p(parent, 0755) != 0 || rename(dir, dest) != 0) {
		/* Cannot move it: keep it where it is and boot under a new number. */
		fprintf(stderr, "topofarm run: cannot move the unfinished run %s aside (%s); leaving it\n", dir, strerror(errno));
		free(parent), free(dest);
		return;
	}
	fprintf(stderr, "topofarm run: %s was not finished (no record in the store); moved to %s, booting it again\n",
		dir, dest);
	free(parent), free(dest);
}

/* Resumes a pair from the store, the one source of truth: the attempts it
 * holds for this layout (same hash) and kernel are done; attempts of another
 * version of the layout, or stored by a newer topofarm (an outcome this
 * build does not know), keep their numbers and are skipped; attempt
 * directories the store does not know are moved aside and booted again.
 * Infra attempts count as a finished run only once three in a row are there. */
static void scan_pair(struct run_ctx *c, struct pair *p)
{
	int finals = 0, infra_streak = 0, max_attempt = 0, n = 0;
	struct store_attempt *v = NULL;
	char *err = NULL;
	if (store_load_attempts(c->store, p->t->name, p->k->name, &v, &n, &err) != 0) {
		fprintf(stderr, "topofarm run: %s\n", err);
		free(err);
	}
	for (int i = 0; i < n; i++) {
		const struct store_attempt *a = &v[i];
		if (a->attempt > max_attempt)
			max_attempt = a->attempt;
		if (strcmp(a->layout_hash, p->hash) != 0)
			continue;   /* another version of this layout: kept, not counted */
		if (a->outcome < 0) {
			fprintf(stderr, "topofarm run: %s/%d was stored by a newer topofarm (unknown outcome); skipped, not counted\n",
				p->dir, a->attempt);
			continue;
		}
		bool final = a->outcome != OUTCOME_INFRA || ++infra_streak == MAX_TRIES;
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
			move_aside(c, p, a, dir);
		if (is_dir(dir) && a > max_attempt)
			max_attempt = a;   /* could not be moved: its number stays taken */
		free(dir);
	}
	store_attempts_free(v, n);
	p->next_attempt = max_attempt + 1;
	p->missing = c->o->rerun > finals ? c->o->rerun - finals : 0;
}

/* ---------- the scheduler's callbacks ---------- */

static pid_t job_start(void *vctx, int job, int try, void **token)
{
	(void)try;
	struct run_ctx *c = vctx;
	struct pair *p = &c->pairs[c->job_pair[job]];
	struct job_token *tk = xcalloc(1, sizeof *tk);
	tk->attempt = p->next_attempt++;
	char *dir = xasprintf("%s/%d", p->dir, tk->attempt);
	struct boot_request rq = {
		.topo = p->t, .kernel_name = p->k->name, .kernel_image = p->image,
		.kernel_source = p->source, .kernel_cmdline = p->k->cmdline, .base_initrd = c->base_initrd, .run_dir = dir,
		.campaign = c->campaign, .attempt = tk->attempt, .qemu = c->o->qemu,
		.accel = c->accel, .timeout = c->o->timeout, .silence = c->o->silence,
		.farm = c->farm, .host = c->farm ? lv_farm_pick(c->farm) : NULL,
	};
	boot_start(&rq, &tk->boot);
	free(dir);
	*token = tk;
	return tk->boot.pid ? tk->boot.pid : -1;
}

static void print_run_line(const struct pair *p, const struct run_record *r, bool met, bool retry)
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

static enum sched_verdict job_finish(void *vctx, int job, void *token, int status, bool last_try)
{
	struct run_ctx *c = vctx;
	struct pair *p = &c->pairs[c->job_pair[job]];
	struct job_token *tk = token;
	struct run_record rec;
	char *err = NULL;
	if (boot_finish(&tk->boot, status, &rec, &err) != 0) {
		fprintf(stderr, "topofarm run: %s\n", err);
		free(err);
		rec.triage.outcome = OUTCOME_INFRA;
	} else {
		char *serr = NULL;
		if (store_add_run(c->store, &rec, NULL, &serr) != 0)
			fprintf(stderr, "topofarm run: %s: cannot store the run: %s\n", rec.dir, serr);
		free(serr);
	}
	free(tk);
	enum outcome oc = rec.triage.outcome;
	bool retry = oc == OUTCOME_INFRA && !last_try;
	bool met = expectation_met(p->t, p->k->name, oc, rec.triage.title, NULL, NULL);
	print_run_line(p, &rec, met, retry);
	if (!retry) {
		add_result(p, rec.attempt, oc, rec.triage.title, met);
		if (oc == OUTCOME_INFRA)
			c->infra++;
		else if (!met)
			c->unexpected++;
	}
	run_record_free(&rec);
	if (oc == OUTCOME_INFRA)
		return SCHED_RETRY;
	return oc == OUTCOME_PANIC || oc == OUTCOME_OOPS || oc == OUTCOME_WARNING ? SCHED_CRASH : SCHED_OK;
}

static void job_abandon(void *vctx, int job, void *token)
{
	(void)vctx, (void)job;
	struct job_token *tk = token;
	boot_abandon(&tk->boot);
	free(tk);
}

/* ---------- summary ---------- */

static void print_summary(const struct run_ctx *c)
{
	printf("\n%-32s %-18s %-10s %-4s %s\n", "LAYOUT", "KERNEL", "OUTCOME", "OK", "TITLE");
	for (int i = 0; i < c->n_pairs; i++) {
		const struct pair *p = &c->pairs[i];
		for (int j = 0; j < p->n_results; j++) {
			const struct result *r = &p->results[j];
			printf("%-32s %-18s %-10s %-4s %s\n", p->t->name, p->k->name, outcome_name(r->outcome),
			       r->met ? "yes" : "NO", r->title ? r->title : "");
		}
		if (!p->n_results)
			printf("%-32s %-18s %-10s %-4s\n", p->t->name, p->k->name, "-", "-");
	}
}

/* ---------- the verb ---------- */

static int check_tools(const struct topo_set *set)
{
	const char *need[] = { "expect", "setpriv", "socat" };
	bool host_steps = false;
	for (int i = 0; i < set->n; i++)
		host_steps |= plan_has_host_steps(&set->v[i]);
	for (int i = 0; i < 3; i++) {
		if (i == 2 && !host_steps)
			continue;
		if (!program_exists(need[i])) {
			fprintf(stderr, "topofarm run: %s is not installed (tools/install-deps installs it)\n", need[i]);
			return EXIT_ENV;
		}
	}
	return 0;
}

static int check_names(const struct topo_set *set)
{
	for (int i = 0; i < set->n; i++) {
		if (!topo_name_valid(set->v[i].name)) {   /* it becomes OUT/runs/NAME: never a path escape */
			fprintf(stderr, "topofarm run: %s: the name '%s' cannot name a run directory ([a-z0-9._-]+, not . or ..)\n",
				set->paths[i], set->v[i].name);
			return EXIT_USAGE;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(set->v[i].name, set->v[j].name)) {
				fprintf(stderr, "topofarm run: %s and %s are both named '%s': run directories are named after layouts\n",
					set->paths[j], set->paths[i], set->v[i].name);
				return EXIT_USAGE;
			}
	}
	return 0;
}

/* --backend libvirt: the hosts (--hosts FILE, or --uri with -j slots), and
 * every topology must be one libvirt can describe (said before any boot). */
static int setup_farm(struct options *o, const struct topo_set *set, struct lv_farm *farm)
{
	if (strcmp(o->backend, "libvirt"))
		return 0;
	char *err = NULL;
	if (o->hosts) {
		if (lv_farm_load(o->hosts, farm, &err) != 0) {
			fprintf(stderr, "topofarm run: %s\n", err);
			free(err);
			return EXIT_USAGE;
		}
	} else {
		lv_farm_single(farm, o->uri ? o->uri : "qemu:///system", o->jobs);
	}
	int rc = 0;
	for (int i = 0; i < set->n; i++) {
		char *xml = libvirt_domain_xml(&set->v[i], NULL, &err);
		if (!xml) {
			fprintf(stderr, "topofarm run: %s: %s\n", set->paths[i], err);
			free(err);
			err = NULL;
			rc = EXIT_USAGE;
		}
		free(xml);
	}
	return rc;
}

/* Where the boots went, per host. */
static void print_farm(const struct lv_farm *farm)
{
	for (int i = 0; i < farm->n; i++) {
		const struct lv_host *h = &farm->hosts[i];
		printf("host %s: %d boot%s, %d upload%s (%.1f s)%s%s\n", h->uri, h->boots, h->boots == 1 ? "" : "s", h->uploads,
		       h->uploads == 1 ? "" : "s", h->upload_seconds, h->down ? ", down: " : "", h->down ? h->down_why : "");
	}
}

static void setup_pairs(struct run_ctx *c, const struct topo_set *set, const struct kernel_entry **ks, int nk)
{
	c->n_pairs = set->n * nk;
	c->pairs = xcalloc((size_t)c->n_pairs, sizeof *c->pairs);
	int n_jobs = 0;
	for (int i = 0; i < set->n; i++)
		for (int j = 0; j < nk; j++) {
			struct pair *p = &c->pairs[i * nk + j];
			p->t = &set->v[i];
			p->k = ks[j];
			p->image = kernel_image_path(ks[j]);
			p->source = kernel_describe(ks[j]);
			p->dir = xasprintf("%s/runs/%s/%s", c->o->out, p->t->name, p->k->name);
			topo_hash(p->t, p->hash);
			scan_pair(c, p);
			n_jobs += p->missing;
		}
	c->job_pair = xcalloc((size_t)n_jobs + 1, sizeof *c->job_pair);
	int job = 0;
	/* Rerun rounds outermost: every pair gets its first run before any second. */
	for (int round = 0; round < c->o->rerun; round++)
		for (int i = 0; i < c->n_pairs; i++)
			if (c->pairs[i].missing > round)
				c->job_pair[job++] = i;
}

static int count_jobs(const struct run_ctx *c)
{
	int n = 0;
	for (int i = 0; i < c->n_pairs; i++)
		n += c->pairs[i].missing;
	return n;
}

static void free_ctx(struct run_ctx *c)
{
	for (int i = 0; i < c->n_pairs; i++) {
		struct pair *p = &c->pairs[i];
		for (int j = 0; j < p->n_results; j++)
			free(p->results[j].title);
		free(p->results), free(p->image), free(p->source), free(p->dir);
	}
	free(c->pairs), free(c->job_pair), free(c->base_initrd), free(c->campaign);
	if (c->store)
		store_close(c->store);
}

static char *command_line(int argc, char **argv)
{
	struct strv v = { 0 };
	strv_add(&v, "topofarm");
	for (int i = 0; i < argc; i++)
		strv_add(&v, argv[i]);
	char *s = argv_to_display(strv_argv(&v));
	strv_free(&v);
	return s;
}

static int run_all(struct run_ctx *c, int argc, char **argv)
{
	char *err = NULL;
	char *base = xstrdup(c->o->out);
	c->campaign = xstrdup(c->o->campaign ? c->o->campaign : basename(base));
	free(base);
	char *cmd = command_line(argc, argv);
	if (store_campaign_begin(c->store, c->campaign, cmd, &err) != 0) {
		fprintf(stderr, "topofarm run: %s\n", err);
		free(err);
	}
	free(cmd);
	int n_jobs = count_jobs(c), done_before = 0;
	for (int i = 0; i < c->n_pairs; i++)
		done_before += c->pairs[i].n_results;
	fprintf(stderr, "topofarm run: %d run%s to do (%d already finished in %s), %d at a time, accel %s\n", n_jobs,
		n_jobs == 1 ? "" : "s", done_before, c->o->out, c->o->jobs, c->accel);
	struct sched_ops ops = { c, job_start, job_finish, job_abandon };
	struct sched_opts so = { .parallel = c->o->jobs, .max_tries = MAX_TRIES, .progress = true };
	struct sched_stats st;
	int sig = sched_run(n_jobs, &ops, &so, &st);
	if (sig) {
		fprintf(stderr, "topofarm run: interrupted by %s after %d of %d runs; every QEMU it started is stopped.\n"
				"Run the same command again to do the %d missing run%s.\n",
			strsignal(sig), st.finished, n_jobs, n_jobs - st.finished, n_jobs - st.finished == 1 ? "" : "s");
		return 128 + sig;
	}
	store_campaign_finish(c->store, c->campaign, NULL);
	print_summary(c);
	printf("\n%d run%s in %.0f s (%d boots, %d crash%s). Results: %s/runs, store %s\n", st.finished,
	       st.finished == 1 ? "" : "s", st.seconds, st.tries, st.crashes, st.crashes == 1 ? "" : "es", c->o->out,
	       store_path(c->store));
	int unmet = 0, infra = 0;   /* over every finished run, resumed ones too */
	for (int i = 0; i < c->n_pairs; i++)
		for (int j = 0; j < c->pairs[i].n_results; j++) {
			const struct result *r = &c->pairs[i].results[j];
			infra += r->outcome == OUTCOME_INFRA;
			unmet += !r->met && r->outcome != OUTCOME_INFRA;
		}
	if (infra)
		printf("%d run%s failed for environment reasons (infra) three times.\n", infra, infra == 1 ? "" : "s");
	/* Findings are never hidden by an infra failure: 1 wins over 3. */
	return unmet ? EXIT_FINDINGS : infra ? EXIT_ENV : EXIT_OK;
}

static int run_run(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	struct topo_set set = { 0 };
	struct kernel_catalogue *cat = NULL;
	const struct kernel_entry **ks = NULL;
	struct lv_farm farm = { 0 };
	struct run_ctx c = { .o = &o };
	struct out_lock lock = { .fd = -1, .child_fd = -1 };
	int nk = 0;
	char *err = NULL, *abs_out = NULL;
	if (topo_load_all(o.topos, o.n_topos, &set, false, stderr) != 0 || set.n == 0) {
		rc = EXIT_USAGE;
	} else if ((rc = check_names(&set)) || (rc = check_tools(&set)) || (rc = setup_farm(&o, &set, &farm))) {
		/* said */
	} else if (mkdir_p(o.out, 0755) != 0) {
		fprintf(stderr, "topofarm run: cannot create %s: %s\n", o.out, strerror(errno));
		rc = EXIT_ENV;
	} else if (out_lock_take(o.out, "topofarm run", o.wait, &lock, &err) != 0) {
		/* One writer per results folder, before anything is fetched, built or booted. */
		fprintf(stderr, "topofarm run: %s\n", err);
		rc = EXIT_ENV;
	} else if (kernel_catalogue_load(o.catalogue, &cat, &err) != 0) {
		fprintf(stderr, "topofarm run: %s\n", err);
		rc = EXIT_USAGE;
	} else if ((rc = resolve_kernels(cat, &o, &ks, &nk))) {
		/* said */
	} else if (!(c.base_initrd = initramfs_base(NULL, &err))) {
		fprintf(stderr, "topofarm run: cannot build the guest initramfs: %s\n", err);
		rc = EXIT_ENV;
	} else {
		/* Absolute: run directories are recorded and handed to QEMU. */
		if ((abs_out = realpath(o.out, NULL)))
			o.out = abs_out;
		char *image = kernel_image_path(ks[0]);
		if (farm.n) {
			/* The KVM probe is a local QEMU boot; the hosts get TCG unless told. */
			c.farm = &farm;
			c.accel = !strcmp(o.accel, "auto") ? "tcg" : o.accel;
			if (!o.jobs_given)
				o.jobs = lv_farm_slots(&farm);
		} else {
			c.accel = !strcmp(o.accel, "auto") ? accel_choose(o.qemu, image, c.base_initrd, true) : o.accel;
		}
		free(image);
		if (store_open(o.out, &c.store, &err) != 0) {
			fprintf(stderr, "topofarm run: %s\n", err);
			rc = EXIT_ENV;
		} else {
			setup_pairs(&c, &set, ks, nk);
			rc = run_all(&c, argc, argv);
		}
	}
	free(err);
	print_farm(&farm);
	free_ctx(&c);
	lv_farm_free(&farm);
	out_lock_release(&lock);   /* after the store is closed */
	free(abs_out);
	free(ks);
	kernel_catalogue_free(cat);
	topo_set_free(&set);
	free(o.topos);
	free(o.images);
	return rc;
}

const struct verb verb_run = {
	"run", "boot every topology on every kernel under QEMU and record the outcomes", help, run_run,
};
