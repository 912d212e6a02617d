/* tests/test_coverage.c: boot coverage without booting. The guest side
 * (probe --coverage DIR) reads real .gcda files written by libgcov
 * (tests/coverage/gcda/.cache/...: under a dot directory, as the kernel's
 * build tree is; from a generated C program: one object with 601 arcs over
 * two COV-BITS lines, one with 3, one truncated, one .gcno symlink) and must print tests/coverage/gcda.expected exactly. The host
 * side reads the consoles under tests/coverage/consoles/ (NAME.log +
 * NAME.expected, "key: value" lines: present, complete, edges, objects,
 * bad_lines, object_errors as numbers or yes/no, problem as a substring of
 * the first problem) and the set arithmetic is checked on two real runs.
 * The slow tests with the gcov kernel are in test_coverage_boot.c. */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/results_fixture.h"
#include "results/report.h"
#include "results/store.h"
#include "results/coverage.h"
#include "common/coverage_wire.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <jansson.h>
#include <stdlib.h>

#define PROBE_BIN "build/guest/probe"

TEST(coverage_probe_reads_gcda_files)
{
	char *argv[] = { PROBE_BIN, "--coverage", "tests/coverage/gcda", NULL };
	struct proc_result r = { 0 };
	int rc = run_captured(argv, 30, &r);
	CHECK_INT(rc, 0);
	char *want = read_file("tests/coverage/gcda.expected", NULL);
	REQUIRE(want);
	CHECK_STR(r.out, want);
	/* What the probe prints, the host reads back: every line accepted, the
	 * truncated object reported. */
	struct coverage c;
	coverage_parse(r.out ? r.out : "", r.out ? strlen(r.out) : 0, &c);
	CHECK(c.present);
	CHECK_INT(c.edges.n, 148);
	CHECK_INT(c.objects, 2);
	CHECK_INT(c.bad_lines, 0);
	CHECK_INT(c.object_errors, 1);
	CHECK_CONTAINS(c.problem, "kernel/resource truncated-record");
	/* Edge ids: object hash above, counter index below. */
	CHECK(edge_set_contains(&c.edges, cov_edge_id(cov_fnv1a("drivers/base/node", 17), 2)));
	CHECK(!edge_set_contains(&c.edges, cov_edge_id(cov_fnv1a("drivers/base/node", 17), 3)));
	coverage_free(&c);
	free(want);
	proc_result_free(&r);

	char *empty[] = { PROBE_BIN, "--coverage", "tests/coverage/consoles", NULL };
	struct proc_result r2 = { 0 };
	CHECK_INT(run_captured(empty, 30, &r2), 1);   /* no .gcda there: nothing dumped */
	proc_result_free(&r2);
}

static bool expect_value(const char *text, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, key, kl) && l[kl] == ':' && l[kl + 1] == ' ') {
			size_t n = strcspn(l + kl + 2, "\n");
			snprintf(out, outlen, "%.*s", (int)n, l + kl + 2);
			return true;
		}
	}
	return false;
}

static void check_case(const char *log_path)
{
	size_t len = 0;
	char *log = read_file(log_path, &len);
	char *exp = read_expected(log_path, ".expected");
	if (!log || !exp) {
		test_fail(__FILE__, __LINE__, "%s: cannot read the log or its .expected", log_path);
		free(log);
		free(exp);
		return;
	}
	struct coverage c;
	coverage_parse(log, len, &c);
	char v[256];
	struct { const char *key; long long got; } nums[] = {
		{ "edges", (long long)c.edges.n }, { "objects", c.objects },
		{ "bad_lines", c.bad_lines }, { "object_errors", c.object_errors },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (expect_value(exp, nums[i].key, v, sizeof v) && atoll(v) != nums[i].got)
			test_fail(__FILE__, __LINE__, "%s: %s %lld, expected %s", log_path, nums[i].key, nums[i].got, v);
	struct { const char *key; bool got; } flags[] = { { "present", c.present }, { "complete", c.complete } };
	for (size_t i = 0; i < 2; i++)
		if (expect_value(exp, flags[i].key, v, sizeof v) && strcmp(v, flags[i].got ? "yes" : "no"))
			test_fail(__FILE__, __LINE__, "%s: %s %s, expected %s", log_path, flags[i].key,
				  flags[i].got ? "yes" : "no", v);
	if (expect_value(exp, "problem", v, sizeof v) && (!c.problem || !strstr(c.problem, v)))
		test_fail(__FILE__, __LINE__, "%s: problem \"%s\", expected one containing \"%s\"", log_path,
			  c.problem ? c.problem : "(none)", v);
	if (!expect_value(exp, "problem", v, sizeof v) && c.problem)
		test_fail(__FILE__, __LINE__, "%s: unexpected problem \"%s\"", log_path, c.problem);
	/* Whatever the damage, what was accepted is a normalized set. */
	for (size_t i = 1; i < c.edges.n; i++)
		if (c.edges.v[i - 1] >= c.edges.v[i]) {
			test_fail(__FILE__, __LINE__, "%s: edge set not sorted at %zu", log_path, i);
			break;
		}
	coverage_free(&c);
	free(log);
	free(exp);
}

TEST(coverage_console_cases)
{
	struct file_list l;
	list_files("tests/coverage/consoles", ".log", &l);
	CHECK(l.n >= 8);
	for (int i = 0; i < l.n; i++)
		check_case(l.v[i]);
	file_list_free(&l);
}

static void load(const char *path, struct coverage *c)
{
	size_t len = 0;
	char *log = read_file(path, &len);
	coverage_parse(log ? log : "", len, c);
	free(log);
}

TEST(coverage_edge_set_arithmetic)
{
	struct coverage a, b, a2;
	load("tests/coverage/consoles/clean_a.log", &a);
	load("tests/coverage/consoles/clean_b.log", &b);
	load("tests/coverage/consoles/interleaved.log", &a2);
	REQUIRE(a.complete && b.complete && a2.complete);
	/* The same run read from two consoles: the same set. */
	CHECK_INT(edge_set_count_new(&a.edges, &a2.edges) + edge_set_count_new(&a2.edges, &a.edges), 0);
	CHECK_INT(a.edges.n, a2.edges.n);
	/* Run B (another input) reaches edges run A did not, and the reverse. */
	struct edge_set u = { 0 }, only_b = { 0 }, only_a = { 0 };
	edge_set_union(&a.edges, &b.edges, &u);
	edge_set_difference(&b.edges, &a.edges, &only_b);
	edge_set_difference(&a.edges, &b.edges, &only_a);
	CHECK(only_b.n > 0);
	CHECK_INT(only_b.n, edge_set_count_new(&b.edges, &a.edges));
	CHECK_INT(only_a.n, edge_set_count_new(&a.edges, &b.edges));
	CHECK_INT(u.n, a.edges.n + only_b.n);
	CHECK_INT(u.n, b.edges.n + only_a.n);
	for (size_t i = 0; i < only_b.n; i++)
		if (!edge_set_contains(&u, only_b.v[i]) || edge_set_contains(&a.edges, only_b.v[i])) {
			test_fail(__FILE__, __LINE__, "difference edge %zu misplaced", i);
			break;
		}
	/* merge: a |= b gives the union and says how much was new. */
	struct edge_set m = { 0 };
	edge_set_union(&a.edges, &a.edges, &m);
	CHECK_INT(m.n, a.edges.n);
	CHECK_INT(edge_set_merge(&m, &b.edges), only_b.n);
	CHECK_INT(m.n, u.n);
	CHECK_INT(edge_set_merge(&m, &b.edges), 0);
	CHECK(m.n == u.n && !memcmp(m.v, u.v, u.n * sizeof *u.v));
	/* Store form round trip, and corrupt blobs refused. */
	struct buf blob = BUF_INIT;
	edge_set_encode(&u, &blob);
	CHECK(blob.len < u.n * 8);
	struct edge_set back = { 0 };
	CHECK_INT(edge_set_decode(blob.s, blob.len, &back), 0);
	CHECK(back.n == u.n && !memcmp(back.v, u.v, u.n * sizeof *u.v));
	/* One byte short: the last varint is cut (-1) or the last edge is gone. */
	int cut_rc = edge_set_decode(blob.s, blob.len - 1, &back);
	CHECK(cut_rc == -1 || back.n == u.n - 1);
	static const unsigned char cut[] = { 0x81 };
	CHECK_INT(edge_set_decode(cut, sizeof cut, &back), -1);
	static const unsigned char twice[] = { 0x05, 0x00 };
	CHECK_INT(edge_set_decode(twice, sizeof twice, &back), -1);
	static const unsigned char huge[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
	CHECK_INT(edge_set_decode(huge, sizeof huge, &back), -1);
	CHECK_INT(edge_set_decode("", 0, &back), 0);
	CHECK_INT(back.n, 0);
	buf_free(&blob);
	edge_set_free(&back);
	edge_set_free(&m);
	edge_set_free(&u);
	edge_set_free(&only_a);
	edge_set_free(&only_b);
	char *sum = coverage_summary(&a);
	CHECK_STR(sum, "148 edges (2 objects)");
	free(sum);
	coverage_free(&a);
	coverage_free(&b);
	coverage_free(&a2);
}

/* `topofarm triage --json` carries the edge count (null without coverage);
 * the human form says it in one line. */
TEST(coverage_in_triage_output)
{
	char *argv[] = { (char *)topofarm_bin(), "triage", "--json", "tests/coverage/consoles/clean_a.log",
			 "tests/coverage/consoles/none.log", NULL };
	struct proc_result r = { 0 };
	run_captured(argv, 60, &r);
	REQUIRE(r.out);
	char *second = strchr(r.out, '\n');
	REQUIRE(second);
	*second++ = 0;
	json_error_t e;
	json_t *a = json_loads(r.out, 0, &e), *b = json_loads(second, 0, &e);
	REQUIRE(a && b);
	json_t *cov = json_object_get(a, "coverage");
	CHECK_INT(json_integer_value(json_object_get(cov, "edges")), 148);
	CHECK(json_is_true(json_object_get(cov, "complete")));
	CHECK(json_is_null(json_object_get(b, "coverage")));
	json_decref(a);
	json_decref(b);
	proc_result_free(&r);
	char *human[] = { (char *)topofarm_bin(), "triage", "tests/coverage/consoles/cut.log", NULL };
	struct proc_result h = { 0 };
	run_captured(human, 60, &h);
	CHECK_CONTAINS(h.out, "coverage:  3 edges (2 objects), incomplete: no COV-END");
	proc_result_free(&h);
}

/* Reports: the edge count per run and, per kernel, the coverage over time
 * (new edges per run, the union so far), from the store. */
TEST(coverage_in_reports)
{
	const char *dir = test_tmpdir();
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(dir, &s, &err) == 0);
	const char *logs[] = { "clean_a", "clean_b", "interleaved" };
	const char *topos[] = { "two-node", "tiny-node", "hotplug" };
	struct coverage a, b;
	load("tests/coverage/consoles/clean_a.log", &a);
	load("tests/coverage/consoles/clean_b.log", &b);
	size_t b_new = edge_set_count_new(&b.edges, &a.edges);
	for (int i = 0; i < 3; i++) {
		struct run_record r;
		char *topo = xasprintf("tests/results/topo/%s.topo", topos[i]);
		REQUIRE(fixture_record(dir, topo, "farm-6.1-gcov", i + 1, "clean_boot_61", NULL, "nightly", i, &r, &err) == 0);
		free(topo);
		char *path = xasprintf("tests/coverage/consoles/%s.log", logs[i]);
		coverage_free(&r.coverage);
		load(path, &r.coverage);
		free(path);
		CHECK_INT(store_add_run(s, &r, NULL, &err), 0);
		run_record_free(&r);
	}
	store_close(s);
	struct report_data d;
	REQUIRE(report_load(dir, NULL, &d, &err) == 0);
	struct coverage_point *v;
	int n = report_coverage_timeline(&d, "farm-6.1-gcov", &v);
	REQUIRE(n == 3);
	CHECK_INT(v[0].edges, 148);
	CHECK_INT(v[0].new_edges, 148);
	CHECK_INT(v[1].edges, b.edges.n);
	CHECK_INT(v[1].new_edges, b_new);
	CHECK_INT(v[1].total, 148 + b_new);
	CHECK_INT(v[2].new_edges, 0);            /* run A's edges again */
	CHECK_INT(v[2].total, 148 + b_new);
	free(v);
	struct buf text = BUF_INIT;
	report_write_text(&text, &d);
	char *want = xasprintf("boot coverage on farm-6.1-gcov: %zu distinct edges in 3 runs", 148 + b_new);
	CHECK_CONTAINS(text.s, want);
	free(want);
	struct buf html = BUF_INIT;
	report_write_html(&html, &d);
	CHECK_CONTAINS(html.s, "Boot coverage on farm-6.1-gcov");
	CHECK_CONTAINS(html.s, "148 edges (2 objects)");
	struct buf js = BUF_INIT;
	report_write_json(&js, &d);
	CHECK_CONTAINS(js.s, "\"edges\": 148");
	buf_free(&text);
	buf_free(&html);
	buf_free(&js);
	report_data_free(&d);
	coverage_free(&a);
	coverage_free(&b);
}
