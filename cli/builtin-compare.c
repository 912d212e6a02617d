/* cli/builtin-compare.c: `topofarm compare`: stock-vs-fixed verdicts per
 * layout from a result store. A thin layer over results/compare.h. */
#include "cli/verb.h"
#include "results/compare.h"
#include "results/out_lock.h"
#include "results/compare_series.h"
#include "common/fsutil.h"
#include "results/store.h"
#include "runner/kernels.h"
#include "common/buf.h"
#include "common/proc.h"
#include "common/strv.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm compare - did a kernel change fix (or break) the layouts?\n"
"\n"
"SYNOPSIS\n"
"    topofarm compare --dir RESULTS --kernels STOCK,FIXED [--rerun K] [--wait]\n"
"                     [--campaign NAME] [--json]\n"
"    topofarm compare --dir RESULTS --kernels K1,K2,...,Kn [--rerun K]\n"
"                     [--json] [--html FILE] [--junit FILE]\n"
"\n"
"DESCRIPTION\n"
"    Reads the result store RESULTS/topofarm.db (written by `topofarm run\n"
"    --out RESULTS`) and, for every layout booted on STOCK or FIXED, gives a\n"
"    verdict:\n"
"\n"
"      fixed          STOCK crashes, FIXED does not\n"
"      regressed      FIXED crashes, STOCK does not\n"
"      still-broken   both crash; says whether the titles are the same or\n"
"                     different\n"
"      clean          neither crashes\n"
"      flaky          the attempts of one kernel disagree (some crash, some\n"
"                     do not)\n"
"      incomplete     a kernel has no usable run of the layout\n"
"\n"
"    A run crashes when its outcome is warning (not benign), oops, panic,\n"
"    hang or boot-fail. Infra runs (QEMU or host failures) are never blamed on\n"
"    a kernel: they are left out and counted separately. Every attempt of a\n"
"    layout on a kernel counts, and the reliability is shown over them\n"
"    (\"crashed 3/3\"). Titles whose signature first showed up in the\n"
"    current campaign (the latest one, or --campaign) are marked [NEW]; the\n"
"    others were seen before, on any kernel and in any campaign.\n"
"\n"
"    With more than two kernels (or --html/--junit), the layout x kernel\n"
"    matrix is printed (each cell the worst outcome and crashed/attempts)\n"
"    and every adjacent pair K1->K2, K2->K3, ... gets the verdicts above.\n"
"    The list may hold catalogue ranges (debian-6.1.0-47..56) and\n"
"    `default`.\n"
"\n"
"OPTIONS\n"
"    --dir RESULTS       the results directory (holding topofarm.db)\n"
"    --kernels S,F       the stock and the fixed kernel, catalogue names;\n"
"                        or K1,...,Kn, any number of kernels in order\n"
"    --html FILE         the matrix and the pair verdicts as HTML\n"
"    --junit FILE        JUnit XML: a testsuite per adjacent pair, a\n"
"                        failing testcase per regressed/still-broken/flaky layout\n"
"    --rerun K           want K attempts per layout and kernel: the attempts\n"
"                        the store lacks are booted first (`topofarm run\n"
"                        TOPO... --kernels STOCK,FIXED --rerun K --out RESULTS`),\n"
"                        then the verdicts are measured over them. If the\n"
"                        reruns cannot run, compare uses the attempts that\n"
"                        exist, says which layouts are short and prints the\n"
"                        command that completes them. Takes the results\n"
"                        folder's writer lock (see `topofarm help run`)\n"
"    --wait              with --rerun: wait for another writer of RESULTS\n"
"                        instead of failing\n"
"    --campaign NAME     only runs of this campaign\n"
"    --json              one JSON object: layouts (verdict, same_title, and\n"
"                        per kernel attempts, crashed, infra, worst, title,\n"
"                        signature, title_new, known_bug, run_dir), totals,\n"
"                        infra_runs, rerun_command\n"
"\n"
"EXAMPLES\n"
"    topofarm compare --dir results/out --kernels farm-6.1-prefix,farm-6.1\n"
"    topofarm compare --dir out --kernels stock,fixed --rerun 3 --json\n"
"    topofarm compare --dir out --kernels debian-6.1.0-47..56 --html m.html\n"
"\n"
"EXIT STATUS\n"
"    0 every compared layout is fixed, clean or incomplete; 1 a layout\n"
"    regressed, is still broken or is flaky; 2 usage error, no store in\n"
"    RESULTS, or a kernel with no runs there; 3 the store could not be read,\n"
"    or (--rerun) another topofarm is writing RESULTS.\n";

struct options {
	const char *dir, *kernels, *campaign, *html, *junit;
	int rerun;
	bool json, wait;
	struct out_lock lock;         /* held with --rerun K > 1: it boots into RESULTS */
};

static int parse_args(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof *o);
	o->rerun = 1;
	o->lock.fd = o->lock.child_fd = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json") || !strcmp(a, "--wait")) {
			*(a[2] == 'j' ? &o->json : &o->wait) = true;
			continue;
		}
		if (strcmp(a, "--dir") && strcmp(a, "--kernels") && strcmp(a, "--rerun") && strcmp(a, "--campaign") &&
		    strcmp(a, "--html") && strcmp(a, "--junit"))
			return usage_error(&verb_compare, "unknown argument '%s'", a);
		if (i + 1 >= argc)
			return usage_error(&verb_compare, "%s needs an argument", a);
		const char *v = argv[++i];
		if (!strcmp(a, "--dir")) {
			o->dir = v;
		} else if (!strcmp(a, "--kernels")) {
			o->kernels = v;
		} else if (!strcmp(a, "--campaign")) {
			o->campaign = v;
		} else if (!strcmp(a, "--html")) {
			o->html = v;
		} else if (!strcmp(a, "--junit")) {
			o->junit = v;
		} else {
			char *end;
			long k = strtol(v, &end, 10);
			if (*end || end == v || k < 1 || k > 1000)
				return usage_error(&verb_compare, "--rerun: expected a number of attempts 1..1000, got '%s'", v);
			o->rerun = (int)k;
		}
	}
	if (!o->dir)
		return usage_error(&verb_compare, "--dir RESULTS is required");
	if (!o->kernels)
		return usage_error(&verb_compare, "--kernels STOCK,FIXED is required");
	return EXIT_OK;
}

/* The --kernels list, in order: names as the store has them; ranges
 * NAME..LAST and `default` are expanded through the catalogue. At least
 * two, no name twice. */
static int split_kernels(const char *spec, struct strv *out)
{
	memset(out, 0, sizeof *out);
	struct kernel_catalogue *cat = NULL;
	char *err = NULL;
	const struct kernel_entry **ks = NULL;
	size_t nk = 0;
	if (kernel_catalogue_load(NULL, &cat, &err) == 0 && kernel_list_resolve(cat, spec, &ks, &nk, &err) == 0) {
		for (size_t i = 0; i < nk; i++)
			strv_add(out, ks[i]->name);
	} else {
		/* kernels the catalogue does not know (another catalogue's
		 * runs): the names as given */
		char *copy = xstrdup(spec), *save = NULL;
		for (char *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save))
			strv_add(out, n);
		free(copy);
	}
	free(ks);
	free(err);
	kernel_catalogue_free(cat);
	if (out->n < 2) {
		strv_free(out);
		return usage_error(&verb_compare, "--kernels: expected STOCK,FIXED or more kernels (K1,K2,...), got '%s'", spec);
	}
	for (int i = 0; i < out->n; i++)
		for (int k = i + 1; k < out->n; k++)
			if (!strcmp(out->v[i], out->v[k])) {
				int rc = usage_error(&verb_compare, "--kernels: '%s' is named twice", out->v[i]);
				strv_free(out);
				return rc;
			}
	return EXIT_OK;
}

static bool kernel_has_runs(const struct store_runs *runs, const char *kernel)
{
	for (int i = 0; i < runs->n; i++)
		if (!strcmp(runs->v[i].kernel_name, kernel))
			return true;
	return false;
}

/* --rerun K: boot the attempts the store lacks with `topofarm run ...
 * --rerun K` (this same binary, an argv, never a shell), so the verdicts
 * are measured over K attempts. Returns 0 if it ran something. */
static int boot_missing_attempts(const struct store_runs *runs, const struct store_signature *sigs, int n_sigs,
				 const char *current, const char *stock, const char *fixed, struct options *o)
{
	struct comparison c;
	struct strv cmd;
	/* Only kernels the catalogue can boot; otherwise just say what is short. */
	struct kernel_catalogue *cat;
	char *cat_err = NULL;
	if (kernel_catalogue_load(NULL, &cat, &cat_err) != 0) {
		free(cat_err);
		return -1;
	}
	bool bootable = kernel_find(cat, stock) && kernel_find(cat, fixed);
	kernel_catalogue_free(cat);
	if (!bootable)
		return -1;
	compare_runs(runs, sigs, n_sigs, current, stock, fixed, o->rerun, &c);
	bool any = compare_rerun_argv(&c, o->dir, &cmd);
	comparison_free(&c);
	if (!any)
		return -1;
	free(cmd.v[0]);
	cmd.v[0] = xstrdup("/proc/self/exe");
	char *line = argv_to_display(strv_argv(&cmd));
	fprintf(stderr, "topofarm compare: booting the missing attempts: %s\n", line);
	free(line);
	struct proc_result r;
	char *lock_env = out_lock_child_env(&o->lock);   /* the child run writes under our lock */
	char *env[] = { lock_env, NULL };
	struct proc_opts po = { .stdout_to_stderr = true, .env = lock_env ? env : NULL };   /* stdout stays compare's own */
	proc_run(strv_argv(&cmd), &po, &r);
	free(lock_env);
	strv_free(&cmd);
	if (r.not_found || r.exit_code == EXIT_ENV || r.exit_code == EXIT_USAGE) {
		fprintf(stderr, "topofarm compare: the reruns failed (exit %d); comparing what the store has\n", r.exit_code);
		return -1;
	}
	return 0;
}

static int run_compare(int argc, char **argv)
{
	struct options o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	char *stock = NULL, *fixed = NULL, *err = NULL;
	struct strv names;
	if ((rc = split_kernels(o.kernels, &names)))
		return rc;
	stock = xstrdup(names.v[0]);
	fixed = xstrdup(names.v[1]);
	bool series = names.n > 2 || o.html || o.junit;
	struct store *s;
	if (store_open_existing(o.dir, &s, &err) < 0) {
		fprintf(stderr, "topofarm compare: %s\n", err);
		free(err);
		free(stock);
		free(fixed);
		strv_free(&names);
		return EXIT_USAGE;
	}
	struct store_runs runs = { 0 };
	struct store_signature *sigs = NULL;
	int n_sigs = 0;
	char *current = NULL;
	/* --rerun boots into RESULTS: one writer per results folder, taken
	 * before reading what is missing so nobody else adds it meanwhile. */
	if (o.rerun > 1 && out_lock_take(o.dir, "topofarm compare --rerun", o.wait, &o.lock, &err) != 0) {
		fprintf(stderr, "topofarm compare: %s\n", err);
		rc = EXIT_ENV;
		goto out;
	}
	current = o.campaign ? xstrdup(o.campaign) : store_latest_campaign(s);
	if (store_load_runs(s, o.campaign, &runs, &err) < 0 ||
	    store_load_signatures(s, &sigs, &n_sigs, &err) < 0) {
		fprintf(stderr, "topofarm compare: %s\n", err);
		rc = EXIT_ENV;
		goto out;
	}
	for (int k = 0; k < names.n; k++) {
		const char *name = names.v[k];
		if (!kernel_has_runs(&runs, name)) {
			fprintf(stderr, "topofarm compare: %s: no runs of kernel '%s'%s%s\n", store_path(s), name,
				o.campaign ? " in campaign " : "", o.campaign ? o.campaign : "");
			rc = EXIT_USAGE;
		}
	}
	bool reran = false;
	for (int k = 0; rc == EXIT_OK && o.rerun > 1 && k + 1 < names.n; k++)
		reran |= boot_missing_attempts(&runs, sigs, n_sigs, current, names.v[k], names.v[k + 1], &o) == 0;
	if (reran) {
		/* Read the store again: it now has the new attempts. */
		store_runs_free(&runs);
		store_signatures_free(sigs, n_sigs);
		memset(&runs, 0, sizeof runs);
		sigs = NULL;
		n_sigs = 0;
		if (store_load_runs(s, o.campaign, &runs, &err) < 0 || store_load_signatures(s, &sigs, &n_sigs, &err) < 0) {
			fprintf(stderr, "topofarm compare: %s\n", err);
			rc = EXIT_ENV;
			goto out;
		}
	}
	if (rc == EXIT_OK && series) {
		struct series sr;
		series_build(&runs, sigs, n_sigs, current, names.v, names.n, o.rerun, &sr);
		struct buf b = BUF_INIT;
		if (o.json) {
			series_write_json(&b, &sr);
			fwrite(b.s, 1, b.len, stdout);
		} else {
			series_print_text(stdout, &sr);
		}
		for (int f = 0; f < 2; f++) {
			const char *path = f ? o.junit : o.html;
			if (!path)
				continue;
			buf_reset(&b);
			(f ? series_write_junit : series_write_html)(&b, &sr);
			if (write_file(path, b.s, b.len) != 0) {
				fprintf(stderr, "topofarm compare: cannot write %s\n", path);
				rc = EXIT_ENV;
			}
		}
		buf_free(&b);
		if (rc == EXIT_OK)
			rc = series_has_findings(&sr) ? EXIT_FINDINGS : EXIT_OK;
		series_free(&sr);
	} else if (rc == EXIT_OK) {
		struct comparison c;
		compare_runs(&runs, sigs, n_sigs, current, stock, fixed, o.rerun, &c);
		if (o.json) {
			struct buf b = BUF_INIT;
			compare_write_json(&b, &c, o.dir);
			fwrite(b.s, 1, b.len, stdout);
			buf_free(&b);
		} else {
			compare_print_text(stdout, &c, o.dir);
		}
		rc = comparison_has_findings(&c) ? EXIT_FINDINGS : EXIT_OK;
		comparison_free(&c);
	}
out:
	store_runs_free(&runs);
	store_signatures_free(sigs, n_sigs);
	free(err);
	free(current);
	free(stock);
	free(fixed);
	strv_free(&names);
	store_close(s);
	out_lock_release(&o.lock);
	return rc;
}

const struct verb verb_compare = {
	"compare", "kernel-vs-kernel verdicts per layout (fixed, regressed, still-broken, clean, flaky), any number of kernels",
	help, run_compare,
};
