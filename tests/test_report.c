/* tests/test_report.c: the reports. A realistic results directory is built
 * from tests/results/report/matrix.scenario (real console logs, one of them
 * full of markup, NULs and invalid UTF-8); the text, JUnit and JSON outputs
 * are checked by content and by real parsers (xmllint, the JSON reader), and
 * the HTML in headless Chromium (slow tests): the hostile log renders as text
 * and runs nothing, and the matrix is there. */
#include "tests/harness.h"
#include "tests/results_fixture.h"
#include "tests/util.h"
#include "results/report.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <jansson.h>
#include "common/markup.h"
#include "common/proc.h"
#include "common/utf8.h"
#include <stdlib.h>

#define SCENARIO "tests/results/report/matrix.scenario"

/* Builds the results directory; NULL on failure (already reported). */
static char *build_results(void)
{
	char *dir = path_join(test_tmpdir(), "results");
	struct scenario sc;
	char *err = NULL;
	if (fixture_build(SCENARIO, dir, &sc, &err) < 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
		free(dir);
		scenario_free(&sc);
		return NULL;
	}
	scenario_free(&sc);
	return dir;
}

static int run_report(const char *dir, char **extra, struct proc_result *res)
{
	char *argv[16] = { (char *)topofarm_bin(), "report", "--dir", (char *)dir };
	int n = 4;
	for (int i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	struct proc_opts o = { .capture = true, .timeout = 60 };
	proc_run(argv, &o, res);
	return res->exit_code;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

TEST(report_text_summary)
{
	char *dir = build_results();
	REQUIRE(dir);
	struct proc_result res;
	CHECK_INT(run_report(dir, NULL, &res), 0);
	const char *out = res.out;
	CHECK_CONTAINS(out, "13 runs of 4 layouts on 3 kernels");
	CHECK_CONTAINS(out, "outcomes: pass 5, warning 1, oops 2, panic 3, hang 1, boot-fail 0, infra 1");
	/* The matrix: one row per layout, one column per kernel. */
	CHECK_CONTAINS(out, "farm-6.1            farm-6.1-prefix     farm-6.12");
	CHECK_CONTAINS(out, "tiny-node        pass                panic               panic 1/2");
	CHECK_CONTAINS(out, "pram-carveout    oops                panic 1/2           -");
	CHECK_CONTAINS(out, "crash buckets: 5");
	/* Seen in the earlier campaign on another kernel: one bucket, not new. */
	CHECK_CONTAINS(out, "            2 runs  BUG: kernel NULL pointer dereference in deactivate_slab  (known bug seed-000)");
	CHECK_CONTAINS(out, "  [NEW]     1 run   kernel BUG in try_remove_memory");
	/* syzbot-style sections. */
	CHECK_CONTAINS(out, "topofarm found the following issue (seen before):");
	CHECK_CONTAINS(out, "first seen:    2024-05-01T10:00:00Z on farm-6.12");
	CHECK_CONTAINS(out, "count:         2 runs");
	CHECK_CONTAINS(out, "known bug:     seed-000 (fix: x86/mm: Drop 4MB restriction on minimal NUMA node memory size)");
	CHECK_CONTAINS(out, "  topofarm kernels fetch farm-6.1-prefix\n");
	CHECK_CONTAINS(out, "/runs/tiny-node/farm-6.1-prefix/1/topology.topo --kernels farm-6.1-prefix\n");
	CHECK_CONTAINS(out, "-kernel '/var/cache/topofarm/kernels/farm-6.1-prefix/boot/vmlinuz test'");
	CHECK_CONTAINS(out, "[    0.036125] ---[ end trace 0000000000000000 ]---");
	/* Console junk is cleaned: valid UTF-8, no control bytes but newlines. */
	CHECK(utf8_valid(out, res.out_len));
	for (size_t i = 0; i < res.out_len; i++)
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n')
			test_fail(__FILE__, __LINE__, "control byte 0x%02x at %zu", out[i], i);
	proc_result_free(&res);
	free(dir);
}

TEST(report_junit_is_valid_xml)
{
	char *dir = build_results();
	REQUIRE(dir);
	char *xml = path_join(dir, "junit.xml");
	char *extra[] = { "--junit", xml, NULL };
	struct proc_result res;
	CHECK_INT(run_report(dir, extra, &res), 0);
	proc_result_free(&res);
	char *text = read_file(xml, NULL);
	REQUIRE(text);
	CHECK_INT(count(text, "<testsuite "), 3);
	CHECK_CONTAINS(text, "<testsuites name=\"topofarm\" tests=\"10\" failures=\"7\" errors=\"0\" skipped=\"0\">");
	CHECK_CONTAINS(text, "<testsuite name=\"farm-6.1-prefix\" tests=\"4\" failures=\"3\"");
	CHECK_CONTAINS(text, "<failure message=\"kernel BUG in try_remove_memory\" type=\"oops\">");
	CHECK_CONTAINS(text, "&lt;script&gt;document.title=");
	CHECK(!strstr(text, "<script"));
	/* xmllint is the real parser: it refuses invalid characters and markup. */
	if (program_exists("xmllint")) {
		char *argv[] = { "xmllint", "--noout", xml, NULL };
		struct proc_opts o = { .capture = true, .timeout = 60 };
		CHECK_INT(proc_run(argv, &o, &res), 0);
		if (res.exit_code)
			test_fail(__FILE__, __LINE__, "xmllint: %s", res.out);
		proc_result_free(&res);
	}
	free(text);
	free(xml);
	free(dir);
}

TEST(report_json_dump)
{
	char *dir = build_results();
	REQUIRE(dir);
	char *extra[] = { "--json", "-", NULL };
	struct proc_result res;
	CHECK_INT(run_report(dir, extra, &res), 0);
	json_error_t jerr;
	json_t *root = json_loadb(res.out ? res.out : "", res.out_len, 0, &jerr);
	if (!root) {
		test_fail(__FILE__, __LINE__, "report --json: %d:%d: %s", jerr.line, jerr.column, jerr.text);
		proc_result_free(&res);
		free(dir);
		return;
	}
	json_t *runs = json_object_get(root, "runs"), *sigs = json_object_get(root, "signatures");
	REQUIRE(json_is_array(runs) && json_is_array(sigs));
	CHECK_INT(json_array_size(runs), 13);
	CHECK_INT(json_array_size(sigs), 5);
	CHECK_INT(json_array_size(json_object_get(root, "kernels")), 3);
	CHECK_STR(json_string_value(json_object_get(root, "current_campaign")), "nightly");
	json_t *first = json_array_get(sigs, 0);
	CHECK_STR(json_string_value(json_object_get(first, "title")), "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK(json_is_false(json_object_get(first, "new")));
	int with_reports = 0, hostile = 0;
	for (size_t i = 0; i < json_array_size(runs); i++) {
		json_t *run = json_array_get(runs, i);
		with_reports += json_array_size(json_object_get(run, "reports")) > 0;
		const char *title = json_string_value(json_object_get(run, "title"));
		hostile += title && !strcmp(title, "kernel BUG in try_remove_memory");
	}
	CHECK(with_reports >= 7);
	CHECK_INT(hostile, 1);
	json_decref(root);
	proc_result_free(&res);
	free(dir);
}

TEST(report_errors)
{
	struct proc_result res;
	char *missing = path_join(test_tmpdir(), "none");
	CHECK_INT(run_report(missing, NULL, &res), 2);
	CHECK_CONTAINS(res.out, "no result store here");
	proc_result_free(&res);
	char *extra[] = { "--bogus", NULL };
	CHECK_INT(run_report(missing, extra, &res), 2);
	CHECK_CONTAINS(res.out, "unknown argument '--bogus'");
	proc_result_free(&res);
	free(missing);
}

TEST(report_markup_escaping)
{
	const char hostile[] = "<script>x</script>&\"'\x01\x7f\xc2\x85\r\t\n\xff\xc0\xaf\xef\xbf\xbe\xe2\x82\xac";
	size_t n = sizeof hostile - 1;
	struct buf h = BUF_INIT, x = BUF_INIT, a = BUF_INIT;
	html_escape(&h, hostile, n);
	CHECK_STR(h.s, "&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\t\n"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbe\xe2\x82\xac");
	xml_escape(&x, hostile, n, 0);
	/* U+FFFE is not an XML character; CR stays in text. */
	CHECK_STR(x.s, "&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;\xef\xbf\xbd\x7f\xc2\x85\r\t\n"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac");
	xml_escape(&a, "a\tb\nc", 5, 1);
	CHECK_STR(a.s, "a&#9;b&#10;c");
	/* NUL bytes vanish from both. */
	buf_reset(&h);
	html_escape(&h, "a\0b", 3);
	CHECK_STR(h.s, "ab");
	buf_free(&h);
	buf_free(&x);
	buf_free(&a);
}

/* ---- HTML in a real browser ---- */

static int chromium(const char *mode_arg, const char *html, struct proc_result *res)
{
	char *profile = path_join(test_tmpdir(), "chromium-profile");
	char *url = xasprintf("file://%s", html);
	char *argv[] = { "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			 "--no-first-run", "--disable-background-networking", "--disable-component-update",
			 "--disable-sync", "--window-size=1280,900", NULL, NULL, NULL, NULL };
	int n = 10;
	char *udd = xasprintf("--user-data-dir=%s", profile);
	argv[n++] = udd;
	argv[n++] = (char *)mode_arg;
	argv[n++] = url;
	struct proc_opts o = { .capture = true, .timeout = 120 };
	int rc = proc_run(argv, &o, res);
	remove_tree(profile);
	free(profile);
	free(udd);
	free(url);
	return rc;
}

static char *write_html(const char *dir)
{
	char *html = path_join(dir, "report.html");
	char *extra[] = { "--html", html, NULL };
	struct proc_result res;
	CHECK_INT(run_report(dir, extra, &res), 0);
	proc_result_free(&res);
	return html;
}

SLOW_TEST(report_html_hostile_console_renders_as_text)
{
	if (!program_exists("chromium")) {
		test_fail(__FILE__, __LINE__, "chromium is not installed (apt-get install chromium)");
		return;
	}
	char *dir = build_results();
	REQUIRE(dir);
	char *html = write_html(dir);
	char *page = read_file(html, NULL);
	REQUIRE(page);
	/* The page itself holds no script and no external asset. */
	CHECK(!strstr(page, "<script"));
	CHECK(!strstr(page, "<img") && !strstr(page, "<link") && !strstr(page, "<iframe"));
	CHECK(!strstr(page, "href=\"http"));
	CHECK(utf8_valid(page, strlen(page)));
	free(page);

	struct proc_result res;
	CHECK_INT(chromium("--dump-dom", html, &res), 0);
	const char *dom = res.out;
	/* Nothing ran: the title is ours, the marker element does not exist. */
	CHECK_CONTAINS(dom, "<title>topofarm report: ");
	CHECK(!strstr(dom, "PWNED</title>"));
	CHECK(!strstr(dom, "<p id=\"pwned\""));
	CHECK(!strstr(dom, "<script"));
	/* ... and the console text is there, as text. */
	CHECK_CONTAINS(dom, "&lt;script&gt;document.title='PWNED';document.write(");
	CHECK_CONTAINS(dom, "&lt;/details&gt;&lt;/pre&gt;&lt;/section&gt;&lt;script&gt;document.title='PWNED2'");
	/* The </details> in the log did not close the collapsible log early:
	 * every run section still has its reproducer after it. */
	CHECK_INT(count(dom, "<section class=\"run"), 13);
	CHECK_INT(count(dom, "<pre class=\"repro\">"), 13);
	/* The matrix: 4 layouts x 3 kernels, coloured by outcome. */
	CHECK_INT(count(dom, "<td class=\"cell "), 12);
	CHECK_CONTAINS(dom, "<td class=\"cell o-panic\" data-outcome=\"panic\" data-layout=\"tiny-node\" data-kernel=\"farm-6.1-prefix\">");
	CHECK_CONTAINS(dom, "<td class=\"cell o-oops\" data-outcome=\"oops\" data-layout=\"hot-remove\" data-kernel=\"farm-6.1-prefix\">");
	CHECK_CONTAINS(dom, "<td class=\"cell o-hang\" data-outcome=\"hang\" data-layout=\"hot-remove\" data-kernel=\"farm-6.12\">");
	CHECK_CONTAINS(dom, "<td class=\"cell o-none\" data-outcome=\"none\">");
	CHECK_CONTAINS(dom, "Crash buckets");
	proc_result_free(&res);
	free(html);
	free(dir);
}

SLOW_TEST(report_html_screenshot)
{
	if (!program_exists("chromium")) {
		test_fail(__FILE__, __LINE__, "chromium is not installed (apt-get install chromium)");
		return;
	}
	char *dir = build_results();
	REQUIRE(dir);
	char *html = write_html(dir);
	char *png = path_join(dir, "report.png");
	char *arg = xasprintf("--screenshot=%s", png);
	struct proc_result res;
	CHECK_INT(chromium(arg, html, &res), 0);
	proc_result_free(&res);
	size_t len = 0;
	char *data = read_file(png, &len);
	REQUIRE(data);
	CHECK(len > 20000);                          /* a blank page is a few KB */
	CHECK(!memcmp(data, "\x89PNG\r\n\x1a\n", 8));
	free(data);
	free(arg);
	free(png);
	free(html);
	free(dir);
}

/* ---- KCIDB ---- */

struct schema_field {
	char obj[16], prop[32], type[16];
	bool required;
};

/* tests/results/kcidb/schema-fields.txt; returns how many. */
static int load_schema_fields(struct schema_field *f, int max)
{
	char *text = read_file("tests/results/kcidb/schema-fields.txt", NULL);
	if (!text)
		return 0;
	int n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		char req[16];
		if (sscanf(line, "%15s %31s %15s %15s", f[n].obj, f[n].prop, f[n].type, req) != 4)
			continue;
		f[n].required = !strcmp(req, "required");
		n++;
	}
	free(text);
	return n;
}

static bool json_type_is(json_t *v, const char *type)
{
	if (!strcmp(type, "string")) return json_is_string(v);
	if (!strcmp(type, "integer")) return json_is_integer(v);
	if (!strcmp(type, "number")) return json_is_number(v);
	if (!strcmp(type, "boolean")) return json_is_boolean(v);
	if (!strcmp(type, "object")) return json_is_object(v);
	if (!strcmp(type, "array")) return json_is_array(v);
	return false;
}

/* Every required property present with its type, every present property
 * known and of its type. Returns the number of problems (reported). */
static int check_object(json_t *o, const char *kind, const struct schema_field *f, int nf, const char *where)
{
	int bad = 0;
	if (!json_is_object(o)) {
		test_fail(__FILE__, __LINE__, "%s: not an object", where);
		return 1;
	}
	for (int i = 0; i < nf; i++) {
		if (strcmp(f[i].obj, kind))
			continue;
		json_t *v = json_object_get(o, f[i].prop);
		if (!v && f[i].required) {
			test_fail(__FILE__, __LINE__, "%s: required %s missing", where, f[i].prop);
			bad++;
		} else if (v && !json_type_is(v, f[i].type)) {
			test_fail(__FILE__, __LINE__, "%s: %s is not a %s", where, f[i].prop, f[i].type);
			bad++;
		}
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool known = false;
		for (int i = 0; i < nf && !known; i++)
			known = !strcmp(f[i].obj, kind) && !strcmp(f[i].prop, key);
		if (!known) {
			test_fail(__FILE__, __LINE__, "%s: property %s is not in the schema", where, key);
			bad++;
		}
	}
	return bad;
}

static bool has_id(json_t *arr, const char *id)
{
	for (size_t i = 0; id && i < json_array_size(arr); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(arr, i), "id")) ?: "", id))
			return true;
	return false;
}

/* A test path: dot-separated [a-zA-Z0-9_-]+ components. */
static bool valid_test_path(const char *p)
{
	if (!p || !*p)
		return false;
	bool comp = false;
	for (; *p; p++) {
		if (*p == '.') {
			if (!comp)
				return false;
			comp = false;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			   *p == '_' || *p == '-') {
			comp = true;
		} else {
			return false;
		}
	}
	return comp;
}

TEST(report_kcidb_schema_and_stable_bytes)
{
	char *dir = build_results();
	REQUIRE(dir);
	char *a = path_join(test_tmpdir(), "kcidb-a.json"), *b = path_join(test_tmpdir(), "kcidb-b.json");
	char *ea[] = { "--kcidb", a, NULL }, *eb[] = { "--kcidb", b, NULL };
	struct proc_result res;
	CHECK_INT(run_report(dir, ea, &res), 0);
	proc_result_free(&res);
	CHECK_INT(run_report(dir, eb, &res), 0);
	proc_result_free(&res);
	size_t la, lb;
	char *ta = read_file(a, &la), *tb = read_file(b, &lb);
	REQUIRE(ta && tb);
	CHECK(la == lb && !memcmp(ta, tb, la));     /* a second export: the same bytes */

	struct schema_field f[128];
	int nf = load_schema_fields(f, 128);
	CHECK(nf >= 40);
	json_error_t jerr;
	json_t *root = json_loadb(ta, la, 0, &jerr);
	if (!root)
		test_fail(__FILE__, __LINE__, "kcidb: %d:%d: %s", jerr.line, jerr.column, jerr.text);
	REQUIRE(root);
	check_object(root, "root", f, nf, "root");
	check_object(json_object_get(root, "version"), "version", f, nf, "version");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(root, "version"), "major")), 5);
	json_t *checkouts = json_object_get(root, "checkouts"), *builds = json_object_get(root, "builds"),
	       *tests = json_object_get(root, "tests"), *issues = json_object_get(root, "issues"),
	       *incidents = json_object_get(root, "incidents");
	static const char *const kinds[] = { "checkout", "build", "test", "issue", "incident" };
	json_t *arrs[] = { checkouts, builds, tests, issues, incidents };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		REQUIRE(json_is_array(arrs[k]));
		for (size_t i = 0; i < json_array_size(arrs[k]); i++) {
			json_t *o = json_array_get(arrs[k], i);
			char where[64];
			snprintf(where, sizeof where, "%s[%zu]", kinds[k], i);
			check_object(o, kinds[k], f, nf, where);
			const char *id = json_string_value(json_object_get(o, "id"));
			if (!id || strncmp(id, "topofarm:", 9))
				test_fail(__FILE__, __LINE__, "%s: id %s is not origin:local", where, id ? id : "(none)");
			CHECK_STR(json_string_value(json_object_get(o, "origin")), "topofarm");
		}
	}
	/* The matrix: 3 kernels, 13 runs, 5 buckets. */
	CHECK_INT(json_array_size(checkouts), 3);
	CHECK_INT(json_array_size(builds), 3);
	CHECK_INT(json_array_size(tests), 13);
	CHECK_INT(json_array_size(issues), 5);
	int fails = 0, passes = 0, misses = 0;
	for (size_t i = 0; i < json_array_size(tests); i++) {
		json_t *t = json_array_get(tests, i);
		const char *path = json_string_value(json_object_get(t, "path"));
		if (!valid_test_path(path) || strncmp(path, "boot.topofarm.", 14))
			test_fail(__FILE__, __LINE__, "test %zu: bad path %s", i, path ? path : "(none)");
		const char *st = json_string_value(json_object_get(t, "status"));
		fails += st && !strcmp(st, "FAIL");
		passes += st && !strcmp(st, "PASS");
		misses += st && !strcmp(st, "MISS");
		CHECK(has_id(builds, json_string_value(json_object_get(t, "build_id"))));
		const char *ex = json_string_value(json_object_get(t, "log_excerpt"));
		CHECK(ex && utf8_valid(ex, strlen(ex)) && strlen(ex) <= 16384);
		json_t *in = json_object_get(t, "input_files");
		REQUIRE(json_array_size(in) == 1);
		check_object(json_array_get(in, 0), "resource", f, nf, "input_files[0]");
		const char *name = json_string_value(json_object_get(json_array_get(in, 0), "name"));
		const char *url = json_string_value(json_object_get(json_array_get(in, 0), "url"));
		CHECK(name && strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".topo"));
		CHECK(url && !strncmp(url, "file:///", 8));
		/* the URL names the very file that booted */
		if (url && !strncmp(url, "file://", 7))
			CHECK(path_exists(url + 7));
		CHECK(!strncmp(json_string_value(json_object_get(t, "log_url")) ?: "", "file:///", 8));
	}
	CHECK_INT(passes + fails + misses, 13);
	CHECK_INT(misses, 1);                    /* the infra run */
	CHECK(fails >= 6);
	for (size_t i = 0; i < json_array_size(builds); i++)
		CHECK(has_id(checkouts, json_string_value(json_object_get(json_array_get(builds, i), "checkout_id"))));
	/* Incidents: each links a failing test, its build and an issue; each
	 * (test, issue) pair once; every issue has at least one. */
	CHECK(json_array_size(incidents) >= json_array_size(issues));
	for (size_t i = 0; i < json_array_size(incidents); i++) {
		json_t *x = json_array_get(incidents, i);
		CHECK(has_id(issues, json_string_value(json_object_get(x, "issue_id"))));
		CHECK(has_id(tests, json_string_value(json_object_get(x, "test_id"))));
		CHECK(has_id(builds, json_string_value(json_object_get(x, "build_id"))));
		CHECK(json_is_true(json_object_get(x, "present")));
		for (size_t k = 0; k < i; k++) {
			json_t *y = json_array_get(incidents, k);
			if (!strcmp(json_string_value(json_object_get(x, "test_id")), json_string_value(json_object_get(y, "test_id"))) &&
			    !strcmp(json_string_value(json_object_get(x, "issue_id")), json_string_value(json_object_get(y, "issue_id"))))
				test_fail(__FILE__, __LINE__, "incident %zu repeats incident %zu", i, k);
		}
	}
	for (size_t i = 0; i < json_array_size(issues); i++) {
		const char *iid = json_string_value(json_object_get(json_array_get(issues, i), "id"));
		int hits = 0;
		for (size_t k = 0; k < json_array_size(incidents); k++)
			hits += !strcmp(json_string_value(json_object_get(json_array_get(incidents, k), "issue_id")), iid);
		if (!hits)
			test_fail(__FILE__, __LINE__, "issue %s has no incident", iid);
	}
	json_decref(root);
	free(ta);
	free(tb);
	free(a);
	free(b);
	free(dir);
}
