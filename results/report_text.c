/* results/report_text.c: the plain-text summary, fit for a mailing list: a
 * header with totals, the layout x kernel matrix, the crash buckets, then one
 * section per bucket in the style of a syzbot report (title, kernel, layout,
 * first/last seen, count, reproducer, the oops excerpt). Console text is
 * cleaned to printable UTF-8 first: it is hostile. */
#include "results/report.h"
#include "results/compare.h"
#include "common/utf8.h"
#include <stdlib.h>
#include <string.h>

/* Appends s with invalid UTF-8 and control characters (but tab/newline)
 * replaced, each line prefixed by indent. */
static void put_clean(struct buf *b, const char *s, const char *indent)
{
	if (!s)
		return;
	size_t n = strlen(s), i = 0, used;
	bool line_start = true;
	while (i < n) {
		if (line_start)
			buf_puts(b, indent);
		line_start = false;
		int32_t cp = utf8_decode(s + i, n - i, &used);
		if (cp == '\n') {
			buf_putc(b, '\n');
			line_start = true;
		} else if (cp == '\r') {
			;
		} else if (cp < 0 || (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f)) {
			buf_putc(b, '?');
		} else {
			buf_add(b, s + i, used);
		}
		i += used;
	}
	if (b->len && b->s[b->len - 1] != '\n')
		buf_putc(b, '\n');
}

/* One line of cleaned text (newlines become spaces). Caller frees. */
static char *clean_line(const char *s)
{
	struct buf b = BUF_INIT;
	put_clean(&b, s ? s : "", "");
	for (size_t i = 0; i < b.len; i++)
		if (b.s[i] == '\n' || b.s[i] == '\t')
			b.s[i] = ' ';
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = 0;
	return buf_steal(&b);
}

static void put_matrix(struct buf *b, const struct report_data *d)
{
	int w = 6;
	for (int li = 0; li < d->n_layouts; li++) {
		int len = (int)strlen(d->runs.v[d->layout_first[li]].layout_name);
		if (len > w)
			w = len;
	}
	buf_printf(b, "%-*s", w + 2, "layout");
	for (int k = 0; k < d->n_kernels; k++)
		buf_printf(b, "  %-18s", d->kernels[k]);
	buf_putc(b, '\n');
	for (int li = 0; li < d->n_layouts; li++) {
		char *name = clean_line(d->runs.v[d->layout_first[li]].layout_name);
		buf_printf(b, "%-*s", w + 2, name);
		free(name);
		for (int k = 0; k < d->n_kernels; k++) {
			struct cell_summary c;
			report_cell(d, li, d->kernels[k], &c);
			char cell[64];
			if (!c.runs)
				snprintf(cell, sizeof cell, "-");
			else if (c.counted > 1)
				snprintf(cell, sizeof cell, "%s %d/%d", outcome_name(c.worst), c.crashed, c.counted);
			else
				snprintf(cell, sizeof cell, "%s", outcome_name(c.worst));
			buf_printf(b, "  %-18s", cell);
		}
		buf_putc(b, '\n');
	}
}

static void put_buckets(struct buf *b, const struct report_data *d)
{
	int shown = 0;
	for (int i = 0; i < d->n_sigs; i++)
		if (report_bucket_run(d, &d->sigs[i]) >= 0)
			shown++;
	buf_printf(b, "\ncrash buckets: %d\n", shown);
	for (int i = 0; i < d->n_sigs; i++) {
		const struct store_signature *g = &d->sigs[i];
		if (report_bucket_run(d, g) < 0)
			continue;
		buf_printf(b, "  %s %4d run%s  ", report_bucket_is_new(d, g) ? "[NEW] " : "      ",
			   g->count, g->count == 1 ? " " : "s");
		char *title = clean_line(g->title);
		buf_puts(b, title);
		free(title);
		if (g->known_bug)
			buf_printf(b, "  (known bug %s)", g->known_bug);
		buf_putc(b, '\n');
	}
}

static void put_bucket_section(struct buf *b, const struct report_data *d, const struct store_signature *g)
{
	int ri = report_bucket_run(d, g);
	if (ri < 0)
		return;
	const struct run_record *r = &d->runs.v[ri];
	const struct triage_report *p = report_main(r);
	buf_puts(b, "\n======================================================================\n");
	put_clean(b, g->title, "");
	buf_puts(b, "\ntopofarm found the following issue");
	buf_puts(b, report_bucket_is_new(d, g) ? " (new in this campaign):\n\n" : " (seen before):\n\n");
	buf_printf(b, "kernel:        %s", r->kernel_name);
	if (r->kernel_version || r->triage.kernel_release)
		buf_printf(b, " (%s)", r->kernel_version ? r->kernel_version : r->triage.kernel_release);
	buf_putc(b, '\n');
	if (r->kernel_source)
		buf_printf(b, "kernel source: %s\n", r->kernel_source);
	buf_printf(b, "layout:        %s (topology sha256 %.16s)\n", r->layout_name, r->layout_hash);
	bool detail = r->end_detail && strcmp(r->end_detail, run_end_name(r->end));
	buf_printf(b, "outcome:       %s, attempt %d, run ended: %s%s%s\n", outcome_name(r->triage.outcome),
		   r->attempt, run_end_name(r->end), detail ? ", " : "", detail ? r->end_detail : "");
	if (p && p->phase)
		buf_printf(b, "phase:         %s\n", p->phase);
	if (p && p->taint)
		buf_printf(b, "taint:         %s\n", *p->taint ? p->taint : "not tainted");
	const char *where = p ? symbolized_where(&p->symbols, p->frame) : NULL;
	if (where) {
		char *line = xasprintf("guilty frame:  %s at %s", p->frame, where);
		put_clean(b, line, "");
		free(line);
	}
	buf_printf(b, "first seen:    %s%s%s\n", g->first_seen ? g->first_seen : "?",
		   g->first_kernel ? " on " : "", g->first_kernel ? g->first_kernel : "");
	buf_printf(b, "last seen:     %s\n", g->last_seen ? g->last_seen : "?");
	buf_printf(b, "count:         %d run%s\n", g->count, g->count == 1 ? "" : "s");
	if (g->known_bug) {
		buf_printf(b, "known bug:     %s", g->known_bug);
		if (p && p->fix)
			buf_printf(b, " (fix: %s)", p->fix);
		buf_putc(b, '\n');
	}
	buf_printf(b, "signature:     %s\n", g->signature);
	if (r->dir)
		buf_printf(b, "run directory: %s\n", r->dir);
	/* Where else it showed up in this report's runs. */
	buf_puts(b, "also seen on: ");
	int others = 0;
	for (int i = 0; i < d->runs.n; i++) {
		const struct run_record *o = &d->runs.v[i];
		if (i == ri || !o->triage.title || o->triage.outcome == OUTCOME_INFRA)
			continue;
		char *sig = triage_signature(o->triage.title);
		if (!strcmp(sig, g->signature) && others++ < 8)
			buf_printf(b, "%s%s/%s#%d", others > 1 ? ", " : " ", o->layout_name, o->kernel_name, o->attempt);
		free(sig);
	}
	buf_puts(b, others ? (others > 8 ? ", ...\n" : "\n") : " (no other run)\n");

	char *repro = report_reproducer(r);
	buf_puts(b, "\nreproducer:\n");
	put_clean(b, repro, "  ");
	free(repro);
	if (r->topology_text) {
		buf_puts(b, "\ntopology:\n");
		put_clean(b, r->topology_text, "  ");
	}
	if (r->divergence.n) {
		char *both = divergence_text(&r->divergence);
		buf_puts(b, "\nlayout model vs kernel (the lines that differ):\n");
		put_clean(b, both, "  ");
		free(both);
	}
	char *frames = report_frames(r);
	if (frames) {
		buf_puts(b, "\nframes (file:line from the kernel's vmlinux):\n");
		put_clean(b, frames, "  ");
		free(frames);
	}
	char *excerpt = report_excerpt(r, 60);
	if (excerpt) {
		buf_puts(b, "\nconsole excerpt:\n");
		put_clean(b, excerpt, "");
		free(excerpt);
	}
}

/* Ground truth: which seed bugs each run of a bug kernel reached,
 * triggered and detected (results/canary.h). */
static void put_canaries(struct buf *b, const struct report_data *d)
{
	bool any = false;
	for (int i = 0; i < d->runs.n; i++) {
		const struct run_record *r = &d->runs.v[i];
		if (!r->triage.n_canaries)
			continue;
		if (!any)
			buf_puts(b, "\nseed-bug canaries (reached / triggered, not detected / detected):\n");
		any = true;
		char *sum = canary_summary(&r->triage);
		buf_printf(b, "  %s on %s #%d: %s\n", r->layout_name, r->kernel_name, r->attempt, sum);
		free(sum);
	}
}

/* Boot coverage per kernel: each run's edges, the new ones, the total so far
 * (the last TIMELINE_MAX runs; the total line covers all of them). */
#define TIMELINE_MAX 40
static void put_coverage(struct buf *b, const struct report_data *d)
{
	for (int k = 0; k < d->n_kernels; k++) {
		struct coverage_point *v;
		int n = report_coverage_timeline(d, d->kernels[k], &v);
		if (!n)
			continue;
		buf_printf(b, "\nboot coverage on %s: %zu distinct edges in %d run%s\n", d->kernels[k],
			   v[n - 1].total, n, n == 1 ? "" : "s");
		buf_puts(b, "  started               edges    new  total  layout\n");
		if (n > TIMELINE_MAX)
			buf_printf(b, "  (%d earlier runs)\n", n - TIMELINE_MAX);
		for (int i = n > TIMELINE_MAX ? n - TIMELINE_MAX : 0; i < n; i++) {
			const struct run_record *r = &d->runs.v[v[i].run];
			buf_printf(b, "  %-20s %6zu %6zu %6zu  %s #%d%s\n", r->started_at ? r->started_at : "?",
				   v[i].edges, v[i].new_edges, v[i].total, r->layout_name, r->attempt,
				   r->coverage.complete ? "" : " (incomplete)");
		}
		free(v);
	}
}

void report_write_text(struct buf *b, const struct report_data *d)
{
	int by_outcome[OUTCOME__COUNT] = { 0 };
	for (int i = 0; i < d->runs.n; i++)
		by_outcome[d->runs.v[i].triage.outcome]++;
	buf_printf(b, "topofarm report: %s\n", d->results_dir);
	buf_printf(b, "generated %s from %s\n", d->generated_at, d->db_path);
	buf_printf(b, "%d run%s of %d layout%s on %d kernel%s", d->runs.n, d->runs.n == 1 ? "" : "s",
		   d->n_layouts, d->n_layouts == 1 ? "" : "s", d->n_kernels, d->n_kernels == 1 ? "" : "s");
	if (d->campaign)
		buf_printf(b, " (campaign %s)", d->campaign);
	buf_putc(b, '\n');
	buf_puts(b, "outcomes:");
	for (int o = 0; o < OUTCOME__COUNT; o++)
		buf_printf(b, " %s %d%s", outcome_name(o), by_outcome[o], o + 1 < OUTCOME__COUNT ? "," : "\n");
	if (by_outcome[OUTCOME_INFRA])
		buf_puts(b, "(infra runs are host/QEMU failures, never blamed on a kernel)\n");
	buf_putc(b, '\n');
	if (!d->runs.n) {
		buf_puts(b, "no runs stored yet\n");
		return;
	}
	put_matrix(b, d);
	put_buckets(b, d);
	put_canaries(b, d);
	put_coverage(b, d);
	for (int i = 0; i < d->n_sigs; i++)
		put_bucket_section(b, d, &d->sigs[i]);
}
