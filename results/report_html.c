/* results/report_html.c: the single-file HTML report: inline CSS, no
 * scripts, no external assets. The layout x kernel matrix coloured by
 * outcome, the crash buckets, and per-run detail (console excerpt, the full
 * log in <details>, the topology, a reproducer to paste). Every byte from a
 * console or a topology goes through html_escape, and a Content-Security-
 * Policy forbids scripts should anything ever slip through. */
#include "results/report.h"
#include "results/compare.h"
#include "common/markup.h"
#include <stdlib.h>
#include <string.h>

#define FULL_LOG_MAX (256 * 1024)   /* per run; the rest stays in the run directory */

static const char style[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}\n"
"h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
"h3{font-size:1.05em;margin:0 0 .4em}\n"
"table{border-collapse:collapse;margin:.5em 0}\n"
"th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}\n"
"thead th{background:#eee}\n"
"td.cell{min-width:9em}td.cell a{color:inherit;text-decoration:none;font-weight:600}\n"
"td.cell .t{font-size:.8em;font-weight:normal;max-width:22em}\n"
".o-pass{background:#c8efc8}.o-warning{background:#fff1a8}.o-oops{background:#ffc98a}\n"
".o-panic{background:#ff9a9a}.o-hang{background:#d9b8ff}.o-boot-fail{background:#e07070}\n"
".o-infra{background:#ddd;color:#555}.o-none{background:#fff;color:#999}\n"
".legend span{display:inline-block;padding:.1em .6em;margin-right:.4em;border:1px solid #bbb}\n"
"pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;overflow-x:auto;white-space:pre-wrap;"
"word-break:break-all;font:12px/1.35 ui-monospace,monospace}\n"
"section.run{border:1px solid #ccc;border-left-width:6px;padding:.6em 1em;margin:1em 0}\n"
"dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.4em 0}dt{font-weight:600}dd{margin:0}\n"
".new{background:#d00;color:#fff;padding:0 .4em;border-radius:3px;font-size:.8em}\n"
".known{background:#555;color:#fff;padding:0 .4em;border-radius:3px;font-size:.8em}\n"
"summary{cursor:pointer;font-weight:600}\n";

static void esc(struct buf *b, const char *s)
{
	html_escape_str(b, s ? s : "");
}

static void put_head(struct buf *b, const struct report_data *d)
{
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>topofarm report: ");
	esc(b, d->results_dir);
	buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void put_summary(struct buf *b, const struct report_data *d)
{
	int by_outcome[OUTCOME__COUNT] = { 0 };
	for (int i = 0; i < d->runs.n; i++)
		by_outcome[d->runs.v[i].triage.outcome]++;
	buf_puts(b, "<h1>topofarm report</h1>\n<p class=\"meta\">Results <code>");
	esc(b, d->results_dir);
	buf_puts(b, "</code>, generated ");
	esc(b, d->generated_at);
	buf_printf(b, ": %d runs of %d layouts on %d kernels", d->runs.n, d->n_layouts, d->n_kernels);
	if (d->campaign) {
		buf_puts(b, " (campaign ");
		esc(b, d->campaign);
		buf_puts(b, ")");
	}
	buf_puts(b, ".</p>\n<p class=\"legend\">");
	for (int o = 0; o < OUTCOME__COUNT; o++)
		buf_printf(b, "<span class=\"o-%s\">%s %d</span>", outcome_name(o), outcome_name(o), by_outcome[o]);
	buf_puts(b, "</p>\n");
}

static void put_matrix(struct buf *b, const struct report_data *d)
{
	buf_puts(b, "<h2 id=\"matrix\">Layout &times; kernel</h2>\n<table class=\"matrix\">\n<thead><tr><th>layout</th>");
	for (int k = 0; k < d->n_kernels; k++) {
		buf_puts(b, "<th>");
		esc(b, d->kernels[k]);
		buf_puts(b, "</th>");
	}
	buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (int li = 0; li < d->n_layouts; li++) {
		const struct run_record *first = &d->runs.v[d->layout_first[li]];
		buf_puts(b, "<tr><th>");
		esc(b, first->layout_name);
		buf_puts(b, "</th>");
		for (int k = 0; k < d->n_kernels; k++) {
			struct cell_summary c;
			report_cell(d, li, d->kernels[k], &c);
			if (!c.runs) {
				buf_puts(b, "<td class=\"cell o-none\" data-outcome=\"none\">&mdash;</td>");
				continue;
			}
			const struct run_record *r = &d->runs.v[c.first_crash];
			char *anchor = report_run_anchor(r);
			buf_printf(b, "<td class=\"cell o-%s\" data-outcome=\"%s\" data-layout=\"", outcome_name(c.worst),
				   outcome_name(c.worst));
			esc(b, first->layout_name);
			buf_puts(b, "\" data-kernel=\"");
			esc(b, d->kernels[k]);
			buf_printf(b, "\"><a href=\"#%s\">%s", anchor, outcome_name(c.worst));
			if (c.counted > 1)
				buf_printf(b, " %d/%d", c.crashed, c.counted);
			if (c.runs > c.counted && c.counted)
				buf_printf(b, " <small>+%d infra</small>", c.runs - c.counted);
			buf_puts(b, "</a>");
			if (c.crashed && r->triage.title) {
				buf_puts(b, "<div class=\"t\">");
				esc(b, r->triage.title);
				buf_puts(b, "</div>");
			}
			buf_puts(b, "</td>");
			free(anchor);
		}
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

static void put_buckets(struct buf *b, const struct report_data *d)
{
	buf_puts(b, "<h2 id=\"buckets\">Crash buckets</h2>\n");
	buf_puts(b, "<table class=\"buckets\">\n<thead><tr><th>runs</th><th>title</th><th>first seen</th>"
		    "<th>last seen</th><th>first on</th><th>signature</th></tr></thead>\n<tbody>\n");
	int shown = 0;
	for (int i = 0; i < d->n_sigs; i++) {
		const struct store_signature *g = &d->sigs[i];
		int ri = report_bucket_run(d, g);
		if (ri < 0)
			continue;
		shown++;
		char *anchor = report_run_anchor(&d->runs.v[ri]);
		buf_printf(b, "<tr><td>%d</td><td><a href=\"#%s\">", g->count, anchor);
		esc(b, g->title);
		buf_puts(b, "</a>");
		if (report_bucket_is_new(d, g))
			buf_puts(b, " <span class=\"new\">new</span>");
		if (g->known_bug) {
			buf_puts(b, " <span class=\"known\">known bug ");
			esc(b, g->known_bug);
			buf_puts(b, "</span>");
		}
		buf_puts(b, "</td><td>");
		esc(b, g->first_seen);
		buf_puts(b, "</td><td>");
		esc(b, g->last_seen);
		buf_puts(b, "</td><td>");
		esc(b, g->first_layout);
		buf_puts(b, " / ");
		esc(b, g->first_kernel);
		buf_puts(b, "</td><td><code>");
		buf_printf(b, "%.16s", g->signature);
		buf_puts(b, "</code></td></tr>\n");
		free(anchor);
	}
	if (!shown)
		buf_puts(b, "<tr><td colspan=\"6\">no crashes</td></tr>\n");
	buf_puts(b, "</tbody>\n</table>\n");
}

static void dl_item(struct buf *b, const char *term, const char *value)
{
	if (!value)
		return;
	buf_printf(b, "<dt>%s</dt><dd>", term);
	esc(b, value);
	buf_puts(b, "</dd>\n");
}

static void put_reports_list(struct buf *b, const struct run_record *r)
{
	if (!r->triage.n_reports)
		return;
	buf_puts(b, "<dt>reports</dt><dd><ul>");
	for (int k = 0; k < r->triage.n_reports; k++) {
		const struct triage_report *p = &r->triage.reports[k];
		buf_puts(b, "<li>");
		esc(b, p->title);
		if (p->benign)
			buf_puts(b, " (benign)");
		if (p->corrupted)
			buf_puts(b, " (corrupted)");
		if (p->known_bug) {
			buf_puts(b, " <span class=\"known\">known bug ");
			esc(b, p->known_bug);
			buf_puts(b, "</span>");
			if (p->fix) {
				buf_puts(b, " fix: ");
				esc(b, p->fix);
			}
		}
		if (p->phase) {
			buf_puts(b, ", phase: ");
			esc(b, p->phase);
		}
		buf_puts(b, "</li>");
	}
	if (r->triage.n_reports_dropped)
		buf_printf(b, "<li>%d more not kept</li>", r->triage.n_reports_dropped);
	buf_puts(b, "</ul></dd>\n");
}

/* The layout oracle's differences, the model and the kernel side by side. */
static void put_divergence(struct buf *b, const struct run_record *r)
{
	const struct divergence *dv = &r->divergence;
	if (!dv->n)
		return;
	buf_puts(b, "<h4>Layout model vs kernel</h4>\n<table class=\"divergence\">\n"
		 "<tr><th>group</th><th>the model predicted</th><th>the kernel showed</th></tr>\n");
	for (int k = 0; k < dv->n; k++) {
		buf_puts(b, "<tr><td>");
		esc(b, dv->v[k].group);
		buf_puts(b, "</td><td><pre>");
		esc(b, dv->v[k].predicted);
		buf_puts(b, "</pre></td><td><pre>");
		esc(b, dv->v[k].seen);
		buf_puts(b, "</pre></td></tr>\n");
	}
	buf_puts(b, "</table>\n");
}

static void put_console(struct buf *b, const struct run_record *r)
{
	char *frames = report_frames(r);
	if (frames) {
		buf_puts(b, "<h4>Frames (file:line from the kernel's vmlinux)</h4>\n<pre class=\"frames\">");
		esc(b, frames);
		buf_puts(b, "</pre>\n");
		free(frames);
	}
	char *excerpt = report_excerpt(r, 60);
	if (excerpt) {
		buf_puts(b, "<h4>Console excerpt</h4>\n<pre class=\"excerpt\">");
		esc(b, excerpt);
		buf_puts(b, "</pre>\n");
		free(excerpt);
	}
	size_t len, total;
	char *log = report_read_console(r, FULL_LOG_MAX, &len, &total);
	if (!log) {
		buf_puts(b, "<p>Console log not available");
		if (r->dir) {
			buf_puts(b, " (<code>");
			esc(b, r->dir);
			buf_puts(b, "/console.log</code>)");
		}
		buf_puts(b, ".</p>\n");
		return;
	}
	buf_printf(b, "<details><summary>Full console log (%zu bytes%s)</summary>\n<pre class=\"console\">",
		   total, total > len ? ", first part shown" : "");
	html_escape(b, log, len);
	buf_puts(b, "</pre>");
	if (total > len) {
		buf_printf(b, "<p>&hellip; %zu more bytes in <code>", total - len);
		esc(b, r->dir);
		buf_puts(b, "/console.log</code></p>");
	}
	buf_puts(b, "</details>\n");
	free(log);
}

static void put_run(struct buf *b, const struct report_data *d, int i)
{
	const struct run_record *r = &d->runs.v[i];
	char *anchor = report_run_anchor(r);
	buf_printf(b, "<section class=\"run o-%s\" id=\"%s\">\n<h3>", outcome_name(r->triage.outcome), anchor);
	esc(b, r->layout_name);
	buf_puts(b, " on ");
	esc(b, r->kernel_name);
	buf_printf(b, ", attempt %d: %s", r->attempt, outcome_name(r->triage.outcome));
	buf_puts(b, "</h3>\n<dl>\n");
	dl_item(b, "title", r->triage.title);
	if (d->runs.new_signature[i])
		buf_puts(b, "<dt>signature</dt><dd><span class=\"new\">new</span> first seen in this run</dd>\n");
	dl_item(b, "kernel version", r->kernel_version ? r->kernel_version : r->triage.kernel_release);
	dl_item(b, "kernel source", r->kernel_source);
	dl_item(b, "campaign", r->campaign);
	dl_item(b, "started", r->started_at);
	char *end = xasprintf("%s%s%s", run_end_name(r->end), r->end_detail ? ": " : "", r->end_detail ? r->end_detail : "");
	dl_item(b, "ended", end);
	free(end);
	if (r->t_end >= 0) {
		/* Negative timings mean the moment never came. */
		char first[32], ready[32];
		snprintf(first, sizeof first, r->t_first_output >= 0 ? "%.1f s" : "never", r->t_first_output);
		snprintf(ready, sizeof ready, r->t_ready >= 0 ? "%.1f s" : "never", r->t_ready);
		buf_printf(b, "<dt>time</dt><dd>%.1f s (first output %s, guest ready %s)</dd>\n", r->t_end, first, ready);
	}
	buf_printf(b, "<dt>steps</dt><dd>%d/%d</dd>\n", r->steps_done, r->steps_total);
	if (r->triage.n_canaries) {
		char *sum = canary_summary(&r->triage);
		dl_item(b, "seed-bug canaries", sum);
		free(sum);
	}
	if (r->coverage.present) {
		char *sum = coverage_summary(&r->coverage);
		dl_item(b, "boot coverage", sum);
		free(sum);
	}
	dl_item(b, "run directory", r->dir);
	put_reports_list(b, r);
	buf_puts(b, "</dl>\n");
	put_divergence(b, r);
	put_console(b, r);
	char *repro = report_reproducer(r);
	buf_puts(b, "<h4>Reproducer</h4>\n<pre class=\"repro\">");
	esc(b, repro);
	buf_puts(b, "</pre>\n");
	free(repro);
	if (r->topology_text) {
		buf_puts(b, "<details><summary>Topology</summary>\n<pre class=\"topology\">");
		esc(b, r->topology_text);
		buf_puts(b, "</pre></details>\n");
	}
	buf_puts(b, "</section>\n");
	free(anchor);
}

/* Boot coverage over time, per kernel that has it. */
static void put_coverage(struct buf *b, const struct report_data *d)
{
	for (int k = 0; k < d->n_kernels; k++) {
		struct coverage_point *v;
		int n = report_coverage_timeline(d, d->kernels[k], &v);
		if (!n)
			continue;
		buf_puts(b, "<h2>Boot coverage on ");
		esc(b, d->kernels[k]);
		buf_printf(b, "</h2>\n<p>%zu distinct edges in %d runs.</p>\n<table>\n"
			   "<tr><th>started</th><th>layout</th><th>edges</th><th>new</th><th>total</th></tr>\n",
			   v[n - 1].total, n);
		for (int i = 0; i < n; i++) {
			const struct run_record *r = &d->runs.v[v[i].run];
			char *anchor = report_run_anchor(r);
			buf_puts(b, "<tr><td>");
			esc(b, r->started_at ? r->started_at : "?");
			buf_printf(b, "</td><td><a href=\"#%s\">", anchor);
			esc(b, r->layout_name);
			buf_printf(b, "</a></td><td>%zu%s</td><td>%zu</td><td>%zu</td></tr>\n", v[i].edges,
				   r->coverage.complete ? "" : " (incomplete)", v[i].new_edges, v[i].total);
			free(anchor);
		}
		buf_puts(b, "</table>\n");
		free(v);
	}
}

void report_write_html(struct buf *b, const struct report_data *d)
{
	put_head(b, d);
	put_summary(b, d);
	if (!d->runs.n) {
		buf_puts(b, "<p>No runs stored yet.</p>\n</body>\n</html>\n");
		return;
	}
	put_matrix(b, d);
	put_buckets(b, d);
	put_coverage(b, d);
	buf_puts(b, "<h2 id=\"runs\">Runs</h2>\n");
	/* Crashing runs first: they are what a reader came for. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < d->runs.n; i++)
			if (run_crashed(&d->runs.v[i]) == (pass == 0))
				put_run(b, d, i);
	buf_puts(b, "</body>\n</html>\n");
}
