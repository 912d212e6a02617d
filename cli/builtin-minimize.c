/* cli/builtin-minimize.c: `topofarm minimize RUN`: delta-debug the layout
 * of a crashing or diverging run to a smaller one that still shows the same
 * bug. The reductions and the greedy search are topologies/topo_reduce.h,
 * the same-bug test results/repro.h; this verb finds the run in the store,
 * boots the candidates (runner/qemu_run.h) and prints the result. */
#include "cli/verb.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "results/repro.h"
#include "results/store.h"
#include "runner/accel.h"
#include "runner/initramfs.h"
#include "runner/kernels.h"
#include "runner/qemu_run.h"
#include "topologies/topo_reduce.h"
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm minimize - shrink a crashing or diverging layout, keeping the bug\n"
"\n"
"SYNOPSIS\n"
"    topofarm minimize [--runs N] [--work DIR] [--catalogue FILE] [--accel A]\n"
"                      [--timeout S] RUN\n"
"\n"
"DESCRIPTION\n"
"    RUN is a run directory of a results folder (OUT/runs/LAYOUT/KERNEL/N, as\n"
"    `topofarm run` and `campaign` write them). Its record in OUT/topofarm.db\n"
"    says what the run showed: a crash (its title's signature is the bug) or\n"
"    a divergence (the first differing group is the bug). A pass has nothing\n"
"    to minimize.\n"
"\n"
"    The layout is then delta-debugged on the run's kernel, one edit at a\n"
"    time: drop a NUMA node (its CPUs go to node 0), drop a step, drop a\n"
"    memmap entry or any other command-line parameter, drop a vCPU, shrink a\n"
"    node's memory to a round size (128M, 256M, 512M, 1G, ...). Every\n"
"    candidate must pass the checks of `topofarm check` before it is booted.\n"
"    A candidate is booted up to N times (--runs, default 3) and kept only\n"
"    when every boot shows the same bug: a flaky candidate counts as not\n"
"    reproducing. Infra boots (QEMU or the host failed) are booted again and\n"
"    never count. Edits are retried until a whole pass keeps none.\n"
"\n"
"    The minimal layout is printed on stdout as a .topo file (with a comment\n"
"    saying what it reproduces and how many boots were spent) and written\n"
"    to WORK/minimal.topo; each boot's run directory stays under WORK\n"
"    (default OUT/minimize/LAYOUT--KERNEL).\n"
"\n"
"OPTIONS\n"
"    --runs N          boots per candidate that must all reproduce (1..10, default 3)\n"
"    --work DIR        where the candidates' runs go\n"
"    --catalogue FILE  kernel catalogue (as for run)\n"
"    --accel A         tcg, kvm or auto (default: auto, as for run)\n"
"    --timeout S       whole-run limit per boot (default: the topology's)\n"
"\n"
"EXAMPLES\n"
"    topofarm run big-crash.topo --kernels farm-6.1-prefix --out /tmp/out\n"
"    topofarm minimize /tmp/out/runs/big-crash/farm-6.1-prefix/1 > small.topo\n"
"\n"
"EXIT STATUS\n"
"    0 a minimal layout was printed (possibly the original: nothing could\n"
"    be dropped); 2 usage error, RUN not found or nothing to minimize;\n"
"    3 environment failure (kernel not in the cache, no initramfs).\n";

struct options {
	const char *run, *work, *catalogue, *accel;
	int runs, timeout;
};

struct ctx {
	const struct options *o;
	const struct kernel_entry *k;
	struct repro_target target;
	char *image, *vmlinux, *source, *base_initrd, *work;
	const char *accel;
	int boots, candidates;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){ .runs = 3, .accel = "auto" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **str = !strcmp(a, "--work") ? &o->work : !strcmp(a, "--catalogue") ? &o->catalogue
			: !strcmp(a, "--accel") ? &o->accel : NULL;
		int *num = !strcmp(a, "--runs") ? &o->runs : !strcmp(a, "--timeout") ? &o->timeout : NULL;
		if (str || num) {
			if (!v)
				return usage_error(&verb_minimize, "%s needs a value", a);
			if (str) {
				*str = v;
			} else {
				char *e;
				long n = strtol(v, &e, 10);
				long max = num == &o->runs ? 10 : 3600;
				if (*e || n < 1 || n > max)
					return usage_error(&verb_minimize, "%s: expected a number 1..%ld, got '%s'", a, max, v);
				*num = (int)n;
			}
			i++;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(&verb_minimize, "unknown option '%s'", a);
		} else if (o->run) {
			return usage_error(&verb_minimize, "one run at a time ('%s' and '%s')", o->run, a);
		} else {
			o->run = a;
		}
	}
	if (!o->run)
		return usage_error(&verb_minimize, "expected a run directory (OUT/runs/LAYOUT/KERNEL/N)");
	return EXIT_OK;
}

/* The stored record of the run in directory dir (absolute): found by its
 * dir in OUT/topofarm.db, OUT being four levels up. */
static int find_run(const char *dir, struct run_record *out, char **err)
{
	char *copy = xstrdup(dir), *p = copy;
	for (int i = 0; i < 4 && p; i++) {
		char *slash = strrchr(copy, '/');
		if (!slash || slash == copy) {
			p = NULL;
			break;
		}
		*slash = 0;
	}
	int rc = -1;
	struct store *s = NULL;
	if (!p) {
		*err = xasprintf("%s is not a run directory (OUT/runs/LAYOUT/KERNEL/N)", dir);
	} else if (store_open_existing(copy, &s, err) == 0) {
		struct store_runs runs;
		if (store_load_runs(s, NULL, &runs, err) == 0) {
			for (int i = 0; i < runs.n && rc; i++)
				if (runs.v[i].dir && !strcmp(runs.v[i].dir, dir)) {
					*out = runs.v[i];
					memset(&runs.v[i], 0, sizeof runs.v[i]);
					rc = 0;
				}
			if (rc)
				*err = xasprintf("%s/topofarm.db has no run in %s", copy, dir);
			store_runs_free(&runs);
		}
		store_close(s);
	}
	free(copy);
	return rc;
}

/* One candidate: booted until a boot does not reproduce, or N did. */
static bool reproduces(void *vctx, const struct topology *cand, const char *desc)
{
	struct ctx *c = vctx;
	int n = ++c->candidates, ok = 0, infra = 0;
	fprintf(stderr, "candidate %d: %s:", n, desc);
	while (ok < c->o->runs && infra < 3) {
		char *dir = xasprintf("%s/%03d/%d", c->work, n, ok + infra + 1);
		struct boot_request rq = {
			.topo = cand, .base_initrd = c->base_initrd, .run_dir = dir, .campaign = "minimize",
			.attempt = ok + infra + 1, .accel = c->accel, .timeout = c->o->timeout,
		};
		/* The catalogue's slow= too: a debug kernel's boots were cut by
		 * the default silence here and read as "does not reproduce". */
		boot_request_set_kernel(&rq, c->k, c->image, c->source, c->vmlinux);
		struct run_record r;
		char *err = NULL;
		qemu_run(&rq, &r, &err);
		c->boots++;
		free(err);
		free(dir);
		bool is_infra = r.triage.outcome == OUTCOME_INFRA;
		bool same = !is_infra && repro_matches(&c->target, &r);
		fprintf(stderr, " %s", is_infra ? "infra" : same ? "same" : outcome_name(r.triage.outcome));
		run_record_free(&r);
		if (is_infra)
			infra++;
		else if (same)
			ok++;
		else
			break;
	}
	bool kept = ok == c->o->runs;
	fprintf(stderr, " -> %s\n", kept ? "kept" : "dropped");
	return kept;
}

static int minimize(const struct options *o)
{
	char *dir = realpath(o->run, NULL);
	if (!dir || !is_dir(dir)) {
		fprintf(stderr, "topofarm minimize: %s: not a run directory\n", o->run);
		free(dir);
		return EXIT_USAGE;
	}
	struct run_record rec;
	struct topology t = { 0 };
	struct kernel_catalogue *cat = NULL;
	struct ctx c = { .o = o };
	char *err = NULL;
	int rc = EXIT_USAGE;
	struct topo_error te;
	if (find_run(dir, &rec, &err) != 0) {
		fprintf(stderr, "topofarm minimize: %s\n", err);
		free(dir);
		free(err);
		return EXIT_USAGE;
	}
	if (repro_target_of(&rec, &c.target, &err) != 0) {
		fprintf(stderr, "topofarm minimize: %s: %s\n", o->run, err);
	} else if (!rec.topology_text ||
		   topo_parse(rec.topology_text, strlen(rec.topology_text), "topology.topo", &t, &te) != 0) {
		fprintf(stderr, "topofarm minimize: the stored topology of %s does not parse\n", o->run);
	} else if (kernel_catalogue_load(o->catalogue, &cat, &err) != 0) {
		fprintf(stderr, "topofarm minimize: %s\n", err);
	} else if (!(c.k = kernel_find(cat, rec.kernel_name))) {
		fprintf(stderr, "topofarm minimize: the run's kernel %s is not in the catalogue\n", rec.kernel_name);
	} else if (!(c.image = kernel_image_path(c.k))) {
		fprintf(stderr, "topofarm minimize: kernel %s is not in the cache: topofarm kernels fetch %s\n",
			c.k->name, c.k->name);
		rc = EXIT_ENV;
	} else if (!(c.base_initrd = initramfs_base(NULL, &err))) {
		fprintf(stderr, "topofarm minimize: cannot build the guest initramfs: %s\n", err);
		rc = EXIT_ENV;
	} else {
		c.vmlinux = kernel_vmlinux_path(c.k);
		c.source = kernel_describe(c.k);
		c.accel = !strcmp(o->accel, "auto") ? accel_choose(NULL, c.image, c.base_initrd, true) : o->accel;
		if (o->work) {
			c.work = xstrdup(o->work);
		} else {
			/* OUT is four levels above the run directory. */
			char *out = xstrdup(dir);
			for (int i = 0; i < 4; i++)
				*strrchr(out, '/') = 0;
			c.work = xasprintf("%s/minimize/%s--%s", out, t.name, c.k->name);
			free(out);
		}
		remove_tree(c.work);
		mkdir_p(c.work, 0755);
		fprintf(stderr, "minimizing %s on %s: %s\n", t.name, c.k->name, c.target.label);
		struct topology min;
		struct minimize_stats st;
		topo_minimize(&t, reproduces, &c, &min, &st);
		char *text = topo_print(&min);
		struct buf outb = BUF_INIT;
		buf_printf(&outb, "# minimized by topofarm minimize from %s (%s)\n# reproduces on %s: %s\n"
			   "# %d boots, %d candidates booted, %d kept, %d refused by check\n%s",
			   o->run, rec.layout_name, c.k->name, c.target.label, c.boots, st.tried, st.kept, st.invalid, text);
		fputs(outb.s, stdout);
		char *path = path_join(c.work, "minimal.topo");
		write_file_str(path, outb.s);
		fprintf(stderr, "minimal layout: %s (%d boots)\n", path, c.boots);
		free(path);
		buf_free(&outb);
		free(text);
		topo_free(&min);
		rc = EXIT_OK;
	}
	free(err);
	free(dir);
	free(c.image);
	free(c.vmlinux);
	free(c.source);
	free(c.base_initrd);
	free(c.work);
	repro_target_free(&c.target);
	topo_free(&t);
	run_record_free(&rec);
	kernel_catalogue_free(cat);
	return rc;
}

static int run_minimize(int argc, char **argv)
{
	struct options o;
	int rc = parse_args(argc, argv, &o);
	return rc ? rc : minimize(&o);
}

const struct verb verb_minimize = {
	"minimize", "delta-debug a crashing or diverging layout down to what still shows the bug", help, run_minimize,
};
