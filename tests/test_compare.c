/* tests/test_compare.c: stock-vs-fixed verdicts. The scenarios under
 * tests/results/compare/ (NAME.scenario + NAME.expected, format in the README
 * there) drive the main test; the others run the `topofarm compare` verb. */
#include "tests/harness.h"
#include "tests/results_fixture.h"
#include "tests/util.h"
#include "results/compare.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <jansson.h>
#include "common/proc.h"
#include <stdlib.h>

static const struct layout_verdict *find_layout(const struct comparison *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].layout_name, name))
			return &c->v[i];
	return NULL;
}

static void check_tally(const char *file, const char *layout, const char *want, const struct kernel_tally *t)
{
	int crashed, attempts;
	if (sscanf(want, "%d/%d", &crashed, &attempts) != 2) {
		test_fail(file, 0, "bad tally '%s'", want);
		return;
	}
	if (t->crashed != crashed || t->attempts != attempts)
		test_fail(file, 0, "%s: crashed %d/%d, expected %s", layout, t->crashed, t->attempts, want);
}

/* Checks one line of NAME.expected against the comparison. */
static void check_line(const char *file, char *line, const struct comparison *c)
{
	char *save = NULL;
	char *layout = strtok_r(line, " ", &save), *word;
	if (!layout || layout[0] == '#')
		return;
	if (!strcmp(layout, "infra") || !strcmp(layout, "short")) {
		int want = atoi(strtok_r(NULL, " ", &save));
		int got = !strcmp(layout, "infra") ? c->infra_runs : c->short_layouts;
		if (got != want)
			test_fail(file, 0, "%s: got %d, expected %d", layout, got, want);
		return;
	}
	const struct layout_verdict *v = find_layout(c, layout);
	if (!v) {
		test_fail(file, 0, "layout %s not in the comparison", layout);
		return;
	}
	const char *verdict = strtok_r(NULL, " ", &save);
	if (!verdict || strcmp(verdict, verdict_name(v->verdict)))
		test_fail(file, 0, "%s: verdict %s, expected %s", layout, verdict_label(v), verdict ? verdict : "?");
	while ((word = strtok_r(NULL, " ", &save))) {
		if (!strcmp(word, "same") || !strcmp(word, "different")) {
			if (v->same_title != !strcmp(word, "same"))
				test_fail(file, 0, "%s: %s, expected %s title", layout, verdict_label(v), word);
		} else if (!strncmp(word, "stock=", 6)) {
			check_tally(file, layout, word + 6, &v->stock);
		} else if (!strncmp(word, "fixed=", 6)) {
			check_tally(file, layout, word + 6, &v->fixed);
		} else if (!strcmp(word, "new") || !strcmp(word, "seen")) {
			const struct kernel_tally *t = v->stock.title ? &v->stock : &v->fixed;
			if (!t->title || t->title_new != !strcmp(word, "new"))
				test_fail(file, 0, "%s: title %s is %s, expected %s", layout, t->title ? t->title : "(none)",
					  t->title_new ? "new" : "seen", word);
		} else {
			test_fail(file, 0, "unknown word '%s' in the expected file", word);
		}
	}
}

static void compare_dir(const char *dir, const struct scenario *sc, struct comparison *c)
{
	struct store *s;
	char *err = NULL;
	memset(c, 0, sizeof *c);
	if (store_open_existing(dir, &s, &err) < 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
		return;
	}
	struct store_runs runs;
	struct store_signature *sigs;
	int n_sigs;
	char *current = store_latest_campaign(s);
	if (store_load_runs(s, NULL, &runs, &err) == 0 && store_load_signatures(s, &sigs, &n_sigs, &err) == 0) {
		compare_runs(&runs, sigs, n_sigs, current, sc->stock, sc->fixed, sc->rerun, c);
		store_signatures_free(sigs, n_sigs);
		store_runs_free(&runs);
	} else {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
	}
	free(current);
	store_close(s);
}

TEST(compare_scenarios)
{
	struct file_list l;
	list_files("tests/results/compare", ".scenario", &l);
	REQUIRE(l.n >= 10);
	bool seen[VERDICT__COUNT] = { 0 }, same = false, different = false;
	for (int i = 0; i < l.n; i++) {
		char *dir = xasprintf("%s/%d", test_tmpdir(), i);
		struct scenario sc;
		char *err = NULL;
		if (fixture_build(l.v[i], dir, &sc, &err) < 0) {
			test_fail(l.v[i], 0, "%s", err);
			free(err);
			free(dir);
			scenario_free(&sc);
			continue;
		}
		struct comparison c;
		compare_dir(dir, &sc, &c);
		for (int k = 0; k < c.n; k++) {
			seen[c.v[k].verdict] = true;
			if (c.v[k].verdict == VERDICT_STILL_BROKEN)
				*(c.v[k].same_title ? &same : &different) = true;
		}
		char *expected = read_expected(l.v[i], ".expected");
		CHECK(expected != NULL);
		int lines = 0;
		char *save = NULL;
		for (char *line = expected ? strtok_r(expected, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
			check_line(l.v[i], line, &c);
			lines += line[0] != '#';
		}
		/* Every layout of the scenario has an expected verdict. */
		char *whole = read_expected(l.v[i], ".expected");
		for (int k = 0; whole && k < c.n; k++) {
			char *key = xasprintf("%s ", c.v[k].layout_name);
			char *hit = strstr(whole, key);
			if (!hit || (hit != whole && hit[-1] != '\n'))
				test_fail(l.v[i], 0, "layout %s has no expected verdict", c.v[k].layout_name);
			free(key);
		}
		free(whole);
		CHECK(lines >= 1);
		free(expected);
		comparison_free(&c);
		scenario_free(&sc);
		free(dir);
	}
	file_list_free(&l);
	/* The scenario set covers every verdict class. */
	for (int k = 0; k < VERDICT__COUNT; k++)
		if (!seen[k])
			test_fail(__FILE__, __LINE__, "no scenario gives verdict %s", verdict_name(k));
	CHECK(same);
	CHECK(different);
}

TEST(compare_crash_classes)
{
	struct run_record r = { 0 };
	r.triage.outcome = OUTCOME_PASS;
	CHECK(!run_crashed(&r));
	r.triage.outcome = OUTCOME_INFRA;
	CHECK(!run_crashed(&r));
	enum outcome crash[] = { OUTCOME_WARNING, OUTCOME_OOPS, OUTCOME_PANIC, OUTCOME_HANG, OUTCOME_BOOT_FAIL };
	for (size_t i = 0; i < sizeof crash / sizeof *crash; i++) {
		r.triage.outcome = crash[i];
		CHECK(run_crashed(&r));
	}
	/* A warning record whose only report is benign is not a crash. */
	struct triage_report rep = { 0 };
	rep.benign = true;
	r.triage.outcome = OUTCOME_WARNING;
	r.triage.reports = &rep;
	r.triage.n_reports = 1;
	CHECK(!run_crashed(&r));
}

TEST(compare_verb_text_and_json)
{
	char *dir = xasprintf("%s/res", test_tmpdir());
	struct scenario sc;
	char *err = NULL;
	if (fixture_build("tests/results/compare/incomplete_and_short.scenario", dir, &sc, &err) < 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
		free(dir);
		return;
	}
	struct proc_result res;
	char *argv[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "stock,fixed",
			 "--rerun", "2", NULL };
	CHECK_INT(run_captured(argv, 60, &res), 0);   /* fixed + incomplete: no findings */
	CHECK_CONTAINS(res.out, "tiny-node");
	CHECK_CONTAINS(res.out, "fixed");
	CHECK_CONTAINS(res.out, "crashed 1/1");
	CHECK_CONTAINS(res.out, "incomplete");
	CHECK_CONTAINS(res.out, "--rerun 2");
	CHECK_CONTAINS(res.out, "--kernels stock,fixed");
	CHECK_CONTAINS(res.out, "/runs/tiny-node/");
	CHECK_CONTAINS(res.out, "/topology.topo");
	proc_result_free(&res);

	char *jargv[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "stock,fixed",
			  "--rerun", "2", "--json", NULL };
	CHECK_INT(run_captured(jargv, 60, &res), 0);
	json_error_t jerr;
	json_t *root = json_loadb(res.out ? res.out : "", res.out_len, 0, &jerr);
	if (!root) {
		test_fail(__FILE__, __LINE__, "compare --json: %d:%d: %s", jerr.line, jerr.column, jerr.text);
	} else {
		json_t *layouts = json_object_get(root, "layouts");
		REQUIRE(json_is_array(layouts));
		CHECK_INT(json_array_size(layouts), 2);
		json_t *totals = json_object_get(root, "totals");
		CHECK(json_is_integer(json_object_get(totals, "fixed")) && json_integer_value(json_object_get(totals, "fixed")) == 1);
		CHECK(json_integer_value(json_object_get(totals, "incomplete")) == 1);
		json_t *cmd = json_object_get(root, "rerun_command");
		CHECK(json_is_array(cmd) && json_array_size(cmd) > 4);
		json_decref(root);
	}
	proc_result_free(&res);

	/* Errors: unknown kernel (2), missing store (2), bad --kernels (2). */
	char *bad1[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "stock,nosuch", NULL };
	CHECK_INT(run_captured(bad1, 60, &res), 2);
	CHECK_CONTAINS(res.out, "no runs of kernel 'nosuch'");
	proc_result_free(&res);
	char *missing = xasprintf("%s/nothing-here", test_tmpdir());
	char *bad2[] = { (char *)topofarm_bin(), "compare", "--dir", missing, "--kernels", "a,b", NULL };
	CHECK_INT(run_captured(bad2, 60, &res), 2);
	CHECK_CONTAINS(res.out, "no result store");
	CHECK(!path_exists(missing));   /* a reader never creates a store */
	proc_result_free(&res);
	char *bad3[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "stock", NULL };
	CHECK_INT(run_captured(bad3, 60, &res), 2);
	CHECK_CONTAINS(res.out, "STOCK,FIXED");
	proc_result_free(&res);
	free(missing);
	scenario_free(&sc);
	free(dir);
}

TEST(compare_verb_findings_exit_1)
{
	char *dir = xasprintf("%s/res", test_tmpdir());
	struct scenario sc;
	char *err = NULL;
	if (fixture_build("tests/results/compare/regressed.scenario", dir, &sc, &err) < 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
		free(dir);
		return;
	}
	struct proc_result res;
	char *argv[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "stock,fixed", NULL };
	CHECK_INT(run_captured(argv, 60, &res), 1);
	CHECK_CONTAINS(res.out, "regressed");
	CHECK_CONTAINS(res.out, "WARNING in add_memory_resource");
	proc_result_free(&res);
	scenario_free(&sc);
	free(dir);
}

/* Any number of kernels: the matrix and every adjacent pair's verdict, in
 * JSON, text, HTML and JUnit, from tests/results/series/three-kernels. */
TEST(compare_three_kernels_matrix_and_adjacent_verdicts)
{
	char *dir = path_join(test_tmpdir(), "series");
	struct scenario sc;
	char *err = NULL;
	if (fixture_build("tests/results/series/three-kernels.scenario", dir, &sc, &err) != 0) {
		test_fail(__FILE__, __LINE__, "fixture: %s", err);
		free(err);
		free(dir);
		return;
	}
	char *html = path_join(test_tmpdir(), "m.html"), *junit = path_join(test_tmpdir(), "m.xml");
	char *argv[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "k1,k2,k3", "--json",
			 "--html", html, "--junit", junit, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(argv, 60, &r), 1);      /* a regression is a finding */
	json_error_t jerr;
	json_t *v = r.out ? json_loads(r.out, 0, &jerr) : NULL;
	REQUIRE(v);
	json_t *ks = json_object_get(v, "kernels"), *ls = json_object_get(v, "layouts");
	REQUIRE(json_array_size(ks) == 3 && json_array_size(ls) == 2);
	/* layouts sorted by name: tiny-node, two-node */
	json_t *tiny = json_array_get(ls, 0), *two = json_array_get(ls, 1);
	CHECK_STR(json_string_value(json_object_get(tiny, "layout")), "tiny-node");
	json_t *steps = json_object_get(tiny, "steps"), *cells = json_object_get(tiny, "cells");
	REQUIRE(json_array_size(steps) == 2 && json_array_size(cells) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 0), "verdict")), "fixed");
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 1), "verdict")), "clean");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cells, 0), "title")),
		  "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cells, 2), "worst")), "pass");
	steps = json_object_get(two, "steps");
	REQUIRE(json_array_size(steps) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 0), "verdict")), "regressed");
	CHECK_STR(json_string_value(json_object_get(json_array_get(steps, 1), "verdict")), "still-broken");
	json_decref(v);
	proc_result_free(&r);
	char *h = read_file(html, NULL), *x = read_file(junit, NULL);
	CHECK_CONTAINS(h, "<th>k1</th><th>&rarr;</th><th>k2</th>");
	CHECK_CONTAINS(h, "regressed");
	CHECK_CONTAINS(x, "<testsuite name=\"k1 -&gt; k2\" tests=\"2\" failures=\"1\">");
	CHECK_CONTAINS(x, "<testsuite name=\"k2 -&gt; k3\" tests=\"2\" failures=\"1\">");
	free(h), free(x);
	/* the text form: one row per layout, one block per adjacent pair */
	char *argv_text[] = { (char *)topofarm_bin(), "compare", "--dir", dir, "--kernels", "k1,k2,k3", NULL };
	CHECK_INT(run_captured(argv_text, 60, &r), 1);
	CHECK_CONTAINS(r.out, "3 kernels, 2 layouts");
	CHECK_CONTAINS(r.out, "  k2 -> k3\n");
	CHECK_CONTAINS(r.out, "two-node                     still-broken (same title)");
	proc_result_free(&r);
	scenario_free(&sc);
	free(html), free(junit), free(dir);
}
