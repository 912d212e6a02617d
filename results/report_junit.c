/* results/report_junit.c: JUnit XML for CI systems: one testsuite per
 * kernel, one testcase per layout. A layout that crashed on a kernel (in any
 * attempt) is a failure carrying the title and the console excerpt; one with
 * only infra runs is skipped (never blamed on the kernel). Everything is
 * XML-escaped with the characters XML 1.0 forbids replaced. */
#include "results/report.h"
#include "results/compare.h"
#include "common/markup.h"
#include <stdlib.h>
#include <string.h>

static void attr(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s=\"", name);
	xml_escape_str(b, value ? value : "", 1);
	buf_putc(b, '"');
}

static double cell_seconds(const struct report_data *d, int li, const char *kernel)
{
	int idx[256], n = report_cell_runs(d, li, kernel, idx, 256);
	double sum = 0;
	for (int k = 0; k < n; k++)
		if (d->runs.v[idx[k]].t_end > 0)
			sum += d->runs.v[idx[k]].t_end;
	return sum;
}

/* A cell whose worst run is a divergence fails with both views. */
static void put_divergence_failure(struct buf *b, const struct report_data *d, int li, const char *kernel)
{
	int idx[64];
	int n = report_cell_runs(d, li, kernel, idx, 64);
	for (int i = 0; i < n; i++) {
		const struct run_record *r = &d->runs.v[idx[i]];
		if (r->triage.outcome != OUTCOME_DIVERGENCE)
			continue;
		buf_puts(b, "      <failure");
		attr(b, "message", r->triage.title ? r->triage.title : "divergence");
		attr(b, "type", "divergence");
		buf_puts(b, ">");
		char *both = divergence_text(&r->divergence);
		char *text = xasprintf("%s on %s, attempt %d: the kernel built another layout than the model predicts\n"
				       "run directory: %s\n\n%s", r->layout_name, kernel, r->attempt,
				       r->dir ? r->dir : "(unknown)", both);
		xml_escape_str(b, text, 0);
		free(text);
		free(both);
		buf_puts(b, "</failure>\n");
		return;
	}
}

static void put_testcase(struct buf *b, const struct report_data *d, int li, const char *kernel)
{
	struct cell_summary c;
	report_cell(d, li, kernel, &c);
	const struct run_record *r = &d->runs.v[c.first_crash];
	buf_puts(b, "    <testcase");
	attr(b, "classname", kernel);
	attr(b, "name", r->layout_name);
	buf_printf(b, " time=\"%.3f\">\n", cell_seconds(d, li, kernel));
	if (!c.counted) {
		buf_puts(b, "      <skipped");
		char *msg = xasprintf("infra: %s", r->end_detail ? r->end_detail : "host or QEMU failure");
		attr(b, "message", msg);
		free(msg);
		buf_puts(b, "/>\n");
	} else if (c.crashed) {
		const char *title = r->triage.title ? r->triage.title : outcome_name(r->triage.outcome);
		buf_puts(b, "      <failure");
		attr(b, "message", title);
		attr(b, "type", outcome_name(r->triage.outcome));
		buf_puts(b, ">");
		char *head = xasprintf("%s\n%s on %s: crashed %d/%d attempts (attempt %d shown)\nrun directory: %s\n\n",
				       title, r->layout_name, kernel, c.crashed, c.counted, r->attempt,
				       r->dir ? r->dir : "(unknown)");
		xml_escape_str(b, head, 0);
		free(head);
		char *excerpt = report_excerpt(r, 60);
		xml_escape_str(b, excerpt, 0);
		free(excerpt);
		buf_puts(b, "</failure>\n");
	} else {
		put_divergence_failure(b, d, li, kernel);
	}
	if (r->dir) {
		buf_puts(b, "      <system-out>");
		char *sum = canary_summary(&r->triage);
		char *out = xasprintf("run directory: %s\nconsole: %s/console.log\n%s%s%s", r->dir, r->dir,
				      *sum ? "seed-bug canaries: " : "", sum, *sum ? "\n" : "");
		free(sum);
		xml_escape_str(b, out, 0);
		free(out);
		buf_puts(b, "</system-out>\n");
	}
	buf_puts(b, "    </testcase>\n");
}

void report_write_junit(struct buf *b, const struct report_data *d)
{
	int total = 0, failures = 0, skipped = 0;
	struct buf suites = BUF_INIT;
	for (int k = 0; k < d->n_kernels; k++) {
		int tests = 0, fail = 0, skip = 0;
		double seconds = 0;
		struct buf cases = BUF_INIT;
		for (int li = 0; li < d->n_layouts; li++) {
			struct cell_summary c;
			report_cell(d, li, d->kernels[k], &c);
			if (!c.runs)
				continue;
			tests++;
			fail += c.counted && (c.crashed || c.worst == OUTCOME_DIVERGENCE);
			skip += !c.counted;
			seconds += cell_seconds(d, li, d->kernels[k]);
			put_testcase(&cases, d, li, d->kernels[k]);
		}
		buf_puts(&suites, "  <testsuite");
		attr(&suites, "name", d->kernels[k]);
		buf_printf(&suites, " tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\"",
			   tests, fail, skip, seconds);
		attr(&suites, "timestamp", d->generated_at);
		buf_puts(&suites, ">\n");
		buf_add(&suites, cases.s ? cases.s : "", cases.len);
		buf_puts(&suites, "  </testsuite>\n");
		buf_free(&cases);
		total += tests;
		failures += fail;
		skipped += skip;
	}
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"topofarm\"");
	buf_printf(b, " tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n", total, failures, skipped);
	buf_add(b, suites.s ? suites.s : "", suites.len);
	buf_puts(b, "</testsuites>\n");
	buf_free(&suites);
}
