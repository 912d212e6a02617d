/* cli/builtin-bisect.c: `topofarm bisect`: binary search over an ordered
 * list of kernels for the first one whose behaviour on a layout differs
 * from the first kernel's. Boots go through `topofarm run` (this same
 * binary, an argv: retries of infra failures, the store, resume); the
 * decisions are results/bisect.c's. */
#include "cli/verb.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "results/bisect.h"
#include "results/store.h"
#include "runner/kernels.h"
#include "topologies/topo.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm bisect - find the first kernel of a list that behaves differently\n"
"\n"
"SYNOPSIS\n"
"    topofarm bisect --kernels K1,K2,...,Kn TOPO [--out DIR] [--runs N]\n"
"                    [--max-runs M] [--catalogue FILE] [--timeout S] [--silence S]\n"
"\n"
"DESCRIPTION\n"
"    Boots TOPO on K1 to learn its behaviour (pass, or a crash title), then\n"
"    binary-searches the ordered list for the first kernel whose behaviour\n"
"    differs: Kn first (if it behaves like K1 there is no boundary), then\n"
"    the middle of the remaining span, and so on: about log2(n) steps.\n"
"    The list may hold catalogue ranges (debian-6.1.0-47..56).\n"
"\n"
"    Each step is booted until it is sure. Infra runs (QEMU or host\n"
"    failures) never decide a step: `topofarm run` retries them, and a\n"
"    kernel that only ever gets infra runs stops the bisection (exit 3).\n"
"    A step is deterministic when its first N attempts (--runs, default 2)\n"
"    agree: boot bugs on a fixed layout usually are, so two boots do what\n"
"    syzkaller's 10 VMs per commit do for flaky fuzzer reproducers. When the\n"
"    attempts disagree the step is flaky: it is booted again up to M times\n"
"    (--max-runs, default 8) and judged by syzkaller's threshold (the\n"
"    reference crash still shows in >= max(2, n/6) attempts; a passing\n"
"    reference needs no crash at all); between the thresholds the step is\n"
"    undecidable and the bisection says so instead of guessing.\n"
"\n"
"    The answer says how sure it is: per step the agreeing attempts, and for\n"
"    deterministic steps the chance that a behaviour shown by at least half\n"
"    of the boots was missed (0.5^n). Runs are kept in DIR like `topofarm\n"
"    run`'s: a second bisection over the same DIR reuses them.\n"
"\n"
"OPTIONS\n"
"    --kernels LIST    the ordered kernels (names, ranges, default)\n"
"    --out DIR         results directory (default results/bisect)\n"
"    --runs N          agreeing attempts that decide a step (default 2)\n"
"    --max-runs M      attempts before a flaky step is judged (default 8)\n"
"    --catalogue FILE  kernel catalogue (as for run)\n"
"    --timeout S       whole-run limit per boot (as for run)\n"
"    --silence S       hang after S seconds without output (as for run)\n"
"\n"
"EXAMPLES\n"
"    topofarm bisect --kernels farm-6.1-prefix,farm-6.1,debian-6.1 topologies/seeds/000-tiny-node.topo\n"
"    topofarm bisect --kernels debian-6.1.0-47..56 bug.topo --out /tmp/bisect\n"
"\n"
"EXIT STATUS\n"
"    0 a boundary was found, or every tested kernel behaves like K1 (no\n"
"    boundary); 1 a step was undecidable; 2 usage error or invalid\n"
"    topology; 3 environment failure (a kernel missing, only infra runs).\n";

struct options {
	const char *kernels, *out, *catalogue, *topo, *timeout, *silence;
	int runs, max_runs;
};

struct ctx {
	const struct options *o;
	struct topology t;
	char hash[65];
	char *abs_out;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){ .out = "results/bisect", .runs = 2, .max_runs = 8 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **str = !strcmp(a, "--kernels") ? &o->kernels : !strcmp(a, "--out") ? &o->out
			: !strcmp(a, "--catalogue") ? &o->catalogue : !strcmp(a, "--timeout") ? &o->timeout
			: !strcmp(a, "--silence") ? &o->silence : NULL;
		int *num = !strcmp(a, "--runs") ? &o->runs : !strcmp(a, "--max-runs") ? &o->max_runs : NULL;
		if (str || num) {
			if (!v)
				return usage_error(&verb_bisect, "%s needs a value", a);
			if (str) {
				*str = v;
			} else {
				char *e;
				long n = strtol(v, &e, 10);
				if (*e || n < 1 || n > 100)
					return usage_error(&verb_bisect, "%s: expected a number 1..100, got '%s'", a, v);
				*num = (int)n;
			}
			i++;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(&verb_bisect, "unknown option '%s'", a);
		} else if (o->topo) {
			return usage_error(&verb_bisect, "one topology at a time ('%s' and '%s')", o->topo, a);
		} else {
			o->topo = a;
		}
	}
	if (!o->kernels)
		return usage_error(&verb_bisect, "--kernels K1,K2,... is required");
	if (!o->topo)
		return usage_error(&verb_bisect, "expected a topology file");
	if (o->max_runs < o->runs)
		return usage_error(&verb_bisect, "--max-runs (%d) must be at least --runs (%d)", o->max_runs, o->runs);
	return EXIT_OK;
}

/* The finished runs of this layout on kernel name (owned by runs). */
static int runs_of(struct ctx *c, const char *kernel, struct store_runs *runs, const struct run_record ***out)
{
	memset(runs, 0, sizeof *runs);
	*out = NULL;
	struct store *s;
	char *err = NULL;
	if (store_open_existing(c->abs_out, &s, &err) < 0) {
		free(err);
		return 0;               /* nothing booted yet */
	}
	int n = 0;
	if (store_load_runs(s, NULL, runs, &err) == 0) {
		*out = xcalloc((size_t)runs->n + 1, sizeof **out);
		for (int i = 0; i < runs->n; i++)
			if (!strcmp(runs->v[i].kernel_name, kernel) && !strcmp(runs->v[i].layout_hash, c->hash))
				(*out)[n++] = &runs->v[i];
	}
	free(err);
	store_close(s);
	return n;
}

/* Boots the layout on kernel until it has `attempts` finished attempts. */
static int boot(struct ctx *c, const char *kernel, int attempts)
{
	struct strv v = { 0 };
	strv_add(&v, "/proc/self/exe");
	strv_add(&v, "run");
	strv_add(&v, c->o->topo);
	strv_add(&v, "--kernels");
	strv_add(&v, kernel);
	strv_add(&v, "--rerun");
	strv_addf(&v, "%d", attempts);
	strv_add(&v, "-j");
	strv_add(&v, "1");
	strv_add(&v, "--out");
	strv_add(&v, c->abs_out);
	if (c->o->catalogue) {
		strv_add(&v, "--catalogue");
		strv_add(&v, c->o->catalogue);
	}
	if (c->o->timeout) {
		strv_add(&v, "--timeout");
		strv_add(&v, c->o->timeout);
	}
	if (c->o->silence) {
		strv_add(&v, "--silence");
		strv_add(&v, c->o->silence);
	}
	struct proc_result r;
	struct proc_opts po = { .stdout_to_stderr = true };
	proc_run(strv_argv(&v), &po, &r);
	strv_free(&v);
	int rc = r.exit_code;
	proc_result_free(&r);
	return rc;
}

/* Boots until the step is decided; fills *j. Returns 0, or EXIT_ENV when
 * the kernel cannot be booted or only infra runs come back. */
static int judge(struct ctx *c, const char *kernel, const struct behaviour *ref, struct step_judgement *j)
{
	for (int round = 0;; round++) {
		struct store_runs runs;
		const struct run_record **mine;
		int n = runs_of(c, kernel, &runs, &mine);
		bisect_judge(mine, n, ref, c->o->runs, c->o->max_runs, j);
		int have = j->attempts;
		free(mine);
		store_runs_free(&runs);
		if (j->state != STEP_NEED_RUNS)
			return 0;
		/* run --rerun K wants K finished attempts; infra ones do not
		 * count until three in a row (run retries them itself) */
		int want = !j->flaky && have < c->o->runs ? c->o->runs : have + 1;
		step_judgement_free(j);
		int rc = boot(c, kernel, want);
		if (rc == EXIT_USAGE || rc == EXIT_ENV || rc < 0) {
			fprintf(stderr, "topofarm bisect: %s: `topofarm run` failed (exit %d): %s\n", kernel, rc,
				rc == EXIT_ENV ? "the kernel is missing or only infra runs came back (never blamed on the kernel)"
					       : "see above");
			return EXIT_ENV;
		}
		if (round > c->o->max_runs * 4) {
			fprintf(stderr, "topofarm bisect: %s: no new finished attempts after %d boots\n", kernel, round);
			return EXIT_ENV;
		}
	}
}

static void report_step(const char *what, int index, const char *kernel, const struct step_judgement *j)
{
	printf("  %-9s #%-3d %-22s %-10s %s", what, index + 1, kernel, step_state_name(j->state), j->why);
	if (!j->flaky && j->state != STEP_UNDECIDABLE)
		printf(" [deterministic: a behaviour in >= half the boots missed with p <= %.3g]",
		       bisect_miss_bound(j->agreeing));
	putchar('\n');
	fflush(stdout);
}

static int run_bisect(int argc, char **argv)
{
	struct options o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	struct ctx c = { .o = &o };
	struct topo_error te;
	if (topo_parse_file(o.topo, &c.t, &te) != 0) {
		char *m = topo_error_string(&te);
		fprintf(stderr, "topofarm bisect: %s\n", m);
		free(m);
		return EXIT_USAGE;
	}
	topo_hash(&c.t, c.hash);
	struct kernel_catalogue *cat = NULL;
	const struct kernel_entry **ks = NULL;
	size_t nk = 0;
	char *err = NULL;
	if (kernel_catalogue_load(o.catalogue, &cat, &err) != 0 || kernel_list_resolve(cat, o.kernels, &ks, &nk, &err)) {
		fprintf(stderr, "topofarm bisect: %s\n", err);
		free(err);
		kernel_catalogue_free(cat);
		topo_free(&c.t);
		return EXIT_USAGE;
	}
	if (nk < 2) {
		kernel_catalogue_free(cat);
		free(ks);
		topo_free(&c.t);
		return usage_error(&verb_bisect, "--kernels: expected two or more kernels, got '%s'", o.kernels);
	}
	if (mkdir_p(o.out, 0755) != 0 || !(c.abs_out = realpath(o.out, NULL))) {
		fprintf(stderr, "topofarm bisect: cannot create %s: %s\n", o.out, strerror(errno));
		kernel_catalogue_free(cat);
		free(ks);
		topo_free(&c.t);
		return EXIT_ENV;
	}
	printf("bisect %s over %zu kernels (%s .. %s), results in %s\n", c.t.name, nk, ks[0]->name, ks[nk - 1]->name,
	       c.abs_out);
	struct step_judgement ref_j, j;
	int steps = 0, flaky_steps = 0;
	double miss = 0;            /* union bound over the deterministic steps */
	if ((rc = judge(&c, ks[0]->name, NULL, &ref_j)))
		goto out_noref;
	struct behaviour ref = ref_j.majority;
	report_step("reference", 0, ks[0]->name, &ref_j);
	steps++;
	if (ref_j.flaky) {
		flaky_steps++;
		printf("  the reference itself is flaky: its most frequent behaviour (%s) is the reference\n",
		       behaviour_label(&ref));
	} else {
		miss += bisect_miss_bound(ref_j.agreeing);
	}
	/* Invariant: ks[lo] behaves like the reference, ks[hi] does not. */
	size_t lo = 0, hi = nk - 1;
	bool boundary = false, undecidable = false;
	for (bool first = true; rc == 0;) {
		size_t at = first ? hi : lo + (hi - lo) / 2;
		if (!first && hi - lo <= 1) {
			boundary = true;
			break;
		}
		if (judge(&c, ks[at]->name, &ref, &j)) {
			rc = EXIT_ENV;
			break;
		}
		report_step(first ? "last" : "step", (int)at, ks[at]->name, &j);
		steps++;
		flaky_steps += j.flaky;
		if (!j.flaky)
			miss += bisect_miss_bound(j.agreeing);
		enum step_state st = j.state;
		step_judgement_free(&j);
		if (st == STEP_UNDECIDABLE) {
			undecidable = true;
			break;
		}
		if (first && st == STEP_SAME)
			break;              /* the last kernel behaves like the first */
		if (st == STEP_SAME)
			lo = at;
		else
			hi = at;
		first = false;
	}
	if (rc == 0) {
		putchar('\n');
		if (undecidable) {
			printf("undecidable: a step stayed flaky after %d attempts, between syzkaller's thresholds; "
			       "boot it more (--max-runs) or look at its runs\n", o.max_runs);
			rc = EXIT_FINDINGS;
		} else if (!boundary) {
			printf("no boundary: %s behaves like %s (%s)\n", ks[nk - 1]->name, ks[0]->name, behaviour_label(&ref));
		} else {
			printf("first different kernel: %s (#%zu), after %s (#%zu) which behaves like %s (%s)\n",
			       ks[hi]->name, hi + 1, ks[lo]->name, lo + 1, ks[0]->name, behaviour_label(&ref));
		}
		printf("%d step%s, %d flaky; ", steps, steps == 1 ? "" : "s", flaky_steps);
		if (flaky_steps)
			printf("flaky steps were judged by syzkaller's threshold over %d attempts\n", o.max_runs);
		else
			printf("every step deterministic: the chance that some step hid a behaviour shown by at least "
			       "half of its boots is <= %.3g\n", miss < 1 ? miss : 1);
	}
	step_judgement_free(&ref_j);
out_noref:
	free(c.abs_out);
	free(ks);
	kernel_catalogue_free(cat);
	topo_free(&c.t);
	return rc;
}

const struct verb verb_bisect = {
	"bisect", "binary search an ordered kernel list for the first kernel behaving differently", help, run_bisect,
};
