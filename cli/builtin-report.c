/* cli/builtin-report.c: `topofarm report`: the result store as a text
 * summary, a single-file HTML page, JUnit XML, a JSON dump and KCIDB JSON.
 * A thin layer over results/report.h. */
#include "cli/verb.h"
#include "results/report.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DIR "results/out"

static const char help[] =
"NAME\n"
"    topofarm report - write the results of runs for people and for CI\n"
"\n"
"SYNOPSIS\n"
"    topofarm report [--dir RESULTS] [--campaign NAME] [--text]\n"
"                    [--html FILE] [--junit FILE] [--json FILE]\n"
"                    [--kcidb FILE]\n"
"                    [--fail-on-findings]\n"
"\n"
"DESCRIPTION\n"
"    Reads the result store RESULTS/topofarm.db (written by `topofarm run\n"
"    --out RESULTS`) and the run directories it names, and writes:\n"
"\n"
"    text   (default, to stdout) a summary fit for a mailing list: totals,\n"
"           the layout x kernel matrix, the crash buckets, then one\n"
"           section per bucket in the style of a syzbot report: title,\n"
"           kernel, layout, outcome, first seen / last seen / count, known\n"
"           bug, a reproducer, the topology and the oops excerpt.\n"
"    HTML   one self-contained file (inline CSS, no scripts, no external\n"
"           assets): the matrix coloured by outcome, the crash buckets with\n"
"           counts and first/last seen, and per run the console excerpt, the\n"
"           full console log (collapsible, first 256 KiB), the topology and\n"
"           a reproducer (the topofarm commands and the exact QEMU command\n"
"           line). Console and topology text is escaped: a kernel log can\n"
"           hold anything, including markup.\n"
"    JUnit  XML for CI systems: one testsuite per kernel, one testcase per\n"
"           layout; a crash (in any attempt) is a failure with the title and\n"
"           the console excerpt, a layout with only infra runs is skipped.\n"
"    JSON   a machine-readable dump: campaigns, kernels, signatures, and\n"
"           every run with its reports.\n"
"    KCIDB  KernelCI's results schema (v5.3) for submission with kcidb-submit:\n"
"           one checkout and one build per kernel, one test per run (path\n"
"           boot.topofarm.LAYOUT, status PASS / FAIL / MISS for infra, the\n"
"           report's log excerpt, the console as log_url and the layout as\n"
"           an input file, file:// URLs), one issue per crash bucket and one\n"
"           incident per run that hit it. Ids start with \"topofarm:\"; the\n"
"           same store always gives the same bytes.\n"
"\n"
"    A crash bucket is one signature (see `topofarm triage`): the same bug\n"
"    on two kernels or in two campaigns is one bucket with a growing count.\n"
"    Buckets first seen in the current campaign (the latest, or --campaign)\n"
"    are marked new.\n"
"\n"
"OPTIONS\n"
"    --dir RESULTS     the results directory (default " DEFAULT_DIR ")\n"
"    --campaign NAME   only runs of this campaign\n"
"    --text            the text summary to stdout (the default when no\n"
"                      other output is asked for)\n"
"    --html FILE       write the HTML report to FILE ('-': stdout)\n"
"    --junit FILE      write JUnit XML to FILE ('-': stdout)\n"
"    --json FILE       write the JSON dump to FILE ('-': stdout)\n"
"    --kcidb FILE      write KCIDB v5 JSON to FILE ('-': stdout)\n"
"    --fail-on-findings  exit 1 (after writing everything) when a run in\n"
"                      scope is a finding: any outcome but pass and infra\n"
"                      (crashes, hangs, boot failures, divergences)\n"
"\n"
"EXAMPLES\n"
"    topofarm report --dir results/out\n"
"    topofarm report --dir out --html out/report.html --junit out/junit.xml\n"
"    topofarm report --dir out --json - | jq '.signatures[0]'\n"
"    topofarm report --dir out --kcidb out/kcidb.json\n"
"\n"
"EXIT STATUS\n"
"    0 the reports were written (whatever they found, unless\n"
"    --fail-on-findings; `topofarm compare` gives a stock-vs-fixed verdict);\n"
"    1 --fail-on-findings and the report holds findings; 2 usage error or\n"
"    no store in RESULTS; 3 the store could not be read or a file not\n"
"    written (3 wins over 1: a report that could not be written is not a\n"
"    verdict).\n";

struct options {
	const char *dir, *campaign, *html, *junit, *json, *kcidb;
	bool text, fail_on_findings;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof *o);
	o->dir = DEFAULT_DIR;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--fail-on-findings")) {
			o->fail_on_findings = true;
			continue;
		}
		if (!strcmp(a, "--text")) {
			o->text = true;
			continue;
		}
		const char **slot = !strcmp(a, "--dir") ? &o->dir : !strcmp(a, "--campaign") ? &o->campaign
			: !strcmp(a, "--html") ? &o->html : !strcmp(a, "--junit") ? &o->junit
			: !strcmp(a, "--json") ? &o->json : !strcmp(a, "--kcidb") ? &o->kcidb : NULL;
		if (!slot)
			return usage_error(&verb_report, "unknown argument '%s'", a);
		if (i + 1 >= argc || !*argv[i + 1])
			return usage_error(&verb_report, "%s needs an argument", a);
		*slot = argv[++i];
	}
	if (!o->html && !o->junit && !o->json && !o->kcidb)
		o->text = true;
	return EXIT_OK;
}

static int emit(const char *path, const struct buf *b)
{
	if (!strcmp(path, "-")) {
		fwrite(b->s ? b->s : "", 1, b->len, stdout);
		fflush(stdout);
		return 0;
	}
	if (write_file(path, b->s ? b->s : "", b->len) != 0) {
		fprintf(stderr, "topofarm report: %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int run_report(int argc, char **argv)
{
	struct options o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	struct report_data d;
	char *err = NULL;
	if (report_load(o.dir, o.campaign, &d, &err) < 0) {
		fprintf(stderr, "topofarm report: %s\n", err);
		char *db = path_join(o.dir, "topofarm.db");
		bool missing = !path_exists(db);   /* no store at all, vs one that cannot be read */
		free(db);
		free(err);
		return missing ? EXIT_USAGE : EXIT_ENV;
	}
	struct {
		const char *path;
		void (*write)(struct buf *, const struct report_data *);
	} outputs[] = {
		{ o.html, report_write_html },
		{ o.junit, report_write_junit },
		{ o.json, report_write_json },
		{ o.kcidb, report_write_kcidb },
		{ o.text ? "-" : NULL, report_write_text },
	};
	for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
		if (!outputs[i].path)
			continue;
		struct buf b = BUF_INIT;
		outputs[i].write(&b, &d);
		if (emit(outputs[i].path, &b) < 0)
			rc = EXIT_ENV;
		buf_free(&b);
	}
	int findings = report_count_findings(&d);
	if (o.fail_on_findings && findings && rc == EXIT_OK) {
		fprintf(stderr, "topofarm report: %d run%s with findings (crash, hang, boot failure or divergence)\n",
			findings, findings == 1 ? "" : "s");
		rc = EXIT_FINDINGS;
	}
	report_data_free(&d);
	return rc;
}

const struct verb verb_report = {
	"report", "write results as text (mailing list), HTML, JUnit XML or JSON",
	help, run_report,
};
