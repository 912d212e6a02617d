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
