/* tests/test_make_run.c: the main job tells the truth (and `report
 * --fail-on-findings` exits 1 on crashes, not on infra). `make run`'s last
 * step (tools/run-and-report) writes report.html, junit.xml and the text
 * report even when the run ends in infra failures (3) or findings (1), then
 * exits with that status; and findings are never hidden by an infra
 * failure: 1 wins over 3. Nothing boots: QEMU is a path that does not exist,
 * so every new boot is an infra failure, and the finding is a stored run of
 * an earlier campaign that crashed (a triage fixture), which `run` resumes. */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/results_fixture.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "results/store.h"
#include <stdlib.h>
#include <string.h>

static int make_run(const char *out, const char *topos, struct proc_result *r)
{
	char *args = xasprintf("%s --kernels debian-6.1 --qemu /nonexistent/qemu-system-x86_64 --accel tcg -j 1", topos);
	struct strv argv = { 0 };
	strv_add(&argv, "tools/run-and-report");
	strv_add(&argv, topofarm_bin());
	strv_add(&argv, out);
	char *save = NULL;
	for (char *w = strtok_r(args, " ", &save); w; w = strtok_r(NULL, " ", &save))
		strv_add(&argv, w);
	int rc = run_captured((char **)strv_argv(&argv), 300, r);
	strv_free(&argv);
	free(args);
	return rc;
}

static void check_reports_written(const char *out, const struct proc_result *r, const char *layout)
{
	char *html = path_join(out, "report.html"), *junit = path_join(out, "junit.xml");
	char *page = read_file(html, NULL), *xml = read_file(junit, NULL);
	CHECK_CONTAINS(page, layout);
	CHECK_CONTAINS(xml, "<testsuites");
	CHECK_CONTAINS(r->out, layout);   /* the text report went to stdout */
	free(page), free(xml), free(html), free(junit);
}

TEST(make_run_writes_reports_after_infra_failures_and_exits_3)
{
	char *image = test_kernel_image("debian-6.1");   /* else run would fetch it */
	if (!image)
		return;
	free(image);
	char *out = path_join(test_tmpdir(), "out");
	struct proc_result r;
	CHECK_INT(make_run(out, "topologies/examples/cpuless-node.topo", &r), 3);
	CHECK_CONTAINS(r.out, "failed for environment reasons (infra) three times");
	CHECK_CONTAINS(r.out, "make run: exit status 3");
	check_reports_written(out, &r, "cpuless-node");
	proc_result_free(&r);
	/* Infra is not a finding for `report --fail-on-findings`. */
	char *rep[] = { (char *)topofarm_bin(), "report", "--dir", out, "--fail-on-findings", NULL };
	CHECK_INT(run_captured(rep, 60, &r), 0);
	proc_result_free(&r);
	free(out);
}

TEST(make_run_findings_win_over_infra)
{
	char *image = test_kernel_image("debian-6.1");
	if (!image)
		return;
	free(image);
	char *out = path_join(test_tmpdir(), "out");
	/* An earlier campaign: two-node panicked on debian-6.1 (it expects pass). */
	struct run_record rec;
	char *err = NULL;
	REQUIRE(fixture_record(out, "topologies/examples/two-node.topo", "debian-6.1", 1, "gpf_61_fatal", NULL,
			       "earlier", 1, &rec, &err) == 0);
	struct store *s;
	REQUIRE(store_open(out, &s, &err) == 0);
	CHECK(store_add_run(s, &rec, NULL, &err) == 0);
	store_close(s);
	run_record_free(&rec);
	struct proc_result r;
	CHECK_INT(make_run(out, "topologies/examples/two-node.topo topologies/examples/cpuless-node.topo", &r), 1);
	CHECK_CONTAINS(r.out, "1 already finished");
	CHECK_CONTAINS(r.out, "failed for environment reasons (infra) three times");
	CHECK_CONTAINS(r.out, "make run: exit status 1");
	check_reports_written(out, &r, "two-node");
	proc_result_free(&r);
	/* The crash is a finding for `report --fail-on-findings`, not for plain `report`. */
	char *rep[] = { (char *)topofarm_bin(), "report", "--dir", out, "--fail-on-findings", NULL };
	CHECK_INT(run_captured(rep, 60, &r), 1);
	CHECK_CONTAINS(r.out, "1 run with findings");
	proc_result_free(&r);
	rep[4] = NULL;
	CHECK_INT(run_captured(rep, 60, &r), 0);
	proc_result_free(&r);
	free(err);
	free(out);
}
