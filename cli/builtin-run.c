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
#include "runner/run_batch.h"
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
"    -j N              boots at a time (default: the number of CPUs); lowered\n"
"                      when MemAvailable cannot hold N guests of the largest\n"
"                      layout (never below 1; docs/runner.md, Memory)\n"
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

/* ---------- libvirt ---------- */

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
	if (!o->jobs_given)
		o->jobs = lv_farm_slots(farm);
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

/* ---------- summary ---------- */

static void print_summary(const struct run_batch *b)
{
	printf("\n%-32s %-18s %-10s %-4s %s\n", "LAYOUT", "KERNEL", "OUTCOME", "OK", "TITLE");
	for (int i = 0; i < b->n_pairs; i++) {
		const struct run_pair *p = &b->pairs[i];
		for (int j = 0; j < p->n_results; j++) {
			const struct run_result *r = &p->results[j];
			printf("%-32s %-18s %-10s %-4s %s\n", p->t->name, p->k->name, outcome_name(r->outcome),
			       r->met ? "yes" : "NO", r->title ? r->title : "");
		}
		if (!p->n_results)
			printf("%-32s %-18s %-10s %-4s\n", p->t->name, p->k->name, "-", "-");
	}
}

/* ---------- the verb ---------- */

static int run_all(struct run_batch *b, const struct options *o, const char *accel, int argc, char **argv)
{
	char *err = NULL;
	char *cmd = verb_command_line(argc, argv);
	if (store_campaign_begin(b->store, b->o->campaign, cmd, &err) != 0) {
		fprintf(stderr, "topofarm run: %s\n", err);
		free(err);
	}
	free(cmd);
	int n_jobs = b->n_jobs, done_before = 0;
	for (int i = 0; i < b->n_pairs; i++)
		done_before += b->pairs[i].n_results;
	char *mem_note = NULL;
	int parallel = run_batch_parallel(b, &mem_note);
	free(mem_note);   /* run_batch_run says it */
	fprintf(stderr, "topofarm run: %d run%s to do (%d already finished in %s), %d at a time, accel %s\n", n_jobs,
		n_jobs == 1 ? "" : "s", done_before, o->out, parallel, accel);
	struct sched_stats st;
	int sig = run_batch_run(b, &st);
	if (sig) {
		fprintf(stderr, "topofarm run: interrupted by %s after %d of %d runs; every QEMU it started is stopped.\n"
				"Run the same command again to do the %d missing run%s.\n",
			strsignal(sig), st.finished, n_jobs, n_jobs - st.finished, n_jobs - st.finished == 1 ? "" : "s");
		return 128 + sig;
	}
	store_campaign_finish(b->store, b->o->campaign, NULL);
	print_summary(b);
	printf("\n%d run%s in %.0f s (%d boots, %d crash%s). Results: %s/runs, store %s\n", st.finished,
	       st.finished == 1 ? "" : "s", st.seconds, st.tries, st.crashes, st.crashes == 1 ? "" : "es", o->out,
	       store_path(b->store));
	int unmet = 0, infra = 0;   /* over every finished run, resumed ones too */
	for (int i = 0; i < b->n_pairs; i++)
		for (int j = 0; j < b->pairs[i].n_results; j++) {
			const struct run_result *r = &b->pairs[i].results[j];
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
	const char *who = "topofarm run";
	struct topo_set set = { 0 };
	struct kernel_catalogue *cat = NULL;
	const struct kernel_entry **ks = NULL;
	struct store *store = NULL;
	struct run_batch batch = { 0 };
	struct lv_farm farm = { 0 };
	struct out_lock lock = { .fd = -1, .child_fd = -1 };
	int nk = 0;
	char *err = NULL, *abs_out = NULL, *base_initrd = NULL, *campaign = NULL;
	if (topo_load_all(o.topos, o.n_topos, &set, false, stderr) != 0 || set.n == 0) {
		rc = EXIT_USAGE;
	} else if ((rc = run_check_names(who, set.v, set.paths, set.n)) || (rc = run_check_tools(who, set.v, set.n)) ||
		   (rc = setup_farm(&o, &set, &farm))) {
		/* said */
	} else if (mkdir_p(o.out, 0755) != 0) {
		fprintf(stderr, "topofarm run: cannot create %s: %s\n", o.out, strerror(errno));
		rc = EXIT_ENV;
	} else if (out_lock_take(o.out, who, o.wait, &lock, &err) != 0) {
		/* One writer per results folder, before anything is fetched, built or booted. */
		fprintf(stderr, "topofarm run: %s\n", err);
		rc = EXIT_ENV;
	} else if (kernel_catalogue_load(o.catalogue, &cat, &err) != 0) {
		fprintf(stderr, "topofarm run: %s\n", err);
		rc = EXIT_USAGE;
	} else if ((rc = run_resolve_kernels(who, cat, o.kernels, o.kernels_given, o.images, o.n_images, &ks, &nk))) {
		/* said */
	} else if (!(base_initrd = initramfs_base(NULL, &err))) {
		fprintf(stderr, "topofarm run: cannot build the guest initramfs: %s\n", err);
		rc = EXIT_ENV;
	} else {
		/* Absolute: run directories are recorded and handed to QEMU. */
		if ((abs_out = realpath(o.out, NULL)))
			o.out = abs_out;
		char *image = kernel_image_path(ks[0]);
		/* The KVM probe is a local QEMU boot; libvirt hosts get TCG unless told. */
		const char *accel = farm.n ? (!strcmp(o.accel, "auto") ? "tcg" : o.accel)
			: !strcmp(o.accel, "auto") ? accel_choose(o.qemu, image, base_initrd, true) : o.accel;
		free(image);
		char *base = xstrdup(o.out);
		campaign = xstrdup(o.campaign ? o.campaign : basename(base));
		free(base);
		struct run_batch_options bo = {
			.who = who, .out = o.out, .campaign = campaign, .accel = accel, .qemu = o.qemu,
			.jobs = o.jobs, .rerun = o.rerun, .timeout = o.timeout, .silence = o.silence,
			.farm = farm.n ? &farm : NULL,
		};
		if (store_open(o.out, &store, &err) != 0) {
			fprintf(stderr, "topofarm run: %s\n", err);
			rc = EXIT_ENV;
		} else {
			run_batch_init(&batch, &bo, store, base_initrd, set.v, set.n, ks, nk);
			rc = run_all(&batch, &o, accel, argc, argv);
			print_farm(&farm);
			run_batch_free(&batch);
		}
	}
	free(err);
	lv_farm_free(&farm);
	if (store)
		store_close(store);
	out_lock_release(&lock);   /* after the store is closed */
	free(abs_out), free(base_initrd), free(campaign);
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
