/* results/compare_series.c: the layout x kernel matrix and adjacent-pair
 * verdicts over an ordered list of kernels (see compare_series.h). */
#include "results/compare_series.h"
#include "common/json.h"
#include "common/markup.h"
#include <stdlib.h>
#include <string.h>

static struct series_layout *layout_of(struct series *s, const struct layout_verdict *v)
{
	for (int i = 0; i < s->n_layouts; i++)
		if (!strcmp(s->layouts[i].hash, v->layout_hash))
			return &s->layouts[i];
	s->layouts = xrealloc(s->layouts, sizeof *s->layouts * (size_t)(s->n_layouts + 1));
	struct series_layout *l = &s->layouts[s->n_layouts++];
	l->name = xstrdup(v->layout_name);
	l->hash = xstrdup(v->layout_hash);
	l->cell = xcalloc((size_t)s->n_kernels, sizeof *l->cell);
	l->step = xcalloc((size_t)s->n_kernels, sizeof *l->step);
	return l;
}

static int by_name(const void *a, const void *b)
{
	const struct series_layout *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->hash, y->hash);
}

void series_build(const struct store_runs *runs, const struct store_signature *sigs, int n_sigs,
		  const char *current_campaign, char *const *kernels, int n_kernels, int want_attempts,
		  struct series *out)
{
	memset(out, 0, sizeof *out);
	out->n_kernels = n_kernels;
	out->kernels = xcalloc((size_t)n_kernels + 1, sizeof *out->kernels);
	for (int i = 0; i < n_kernels; i++)
		out->kernels[i] = xstrdup(kernels[i]);
	out->pairs = xcalloc((size_t)(n_kernels > 1 ? n_kernels - 1 : 1), sizeof *out->pairs);
	for (int p = 0; p + 1 < n_kernels; p++)
		compare_runs(runs, sigs, n_sigs, current_campaign, kernels[p], kernels[p + 1], want_attempts,
			     &out->pairs[p]);
	for (int p = 0; p + 1 < n_kernels; p++)
		for (int i = 0; i < out->pairs[p].n; i++) {
			struct layout_verdict *v = &out->pairs[p].v[i];
			struct series_layout *l = layout_of(out, v);
			l->step[p] = v;
			if (v->stock.attempts || v->stock.infra)
				l->cell[p] = &v->stock;
			if (v->fixed.attempts || v->fixed.infra)
				l->cell[p + 1] = &v->fixed;
		}
	qsort(out->layouts, (size_t)out->n_layouts, sizeof *out->layouts, by_name);
}

void series_free(struct series *s)
{
	for (int p = 0; p + 1 < s->n_kernels; p++)
		comparison_free(&s->pairs[p]);
	for (int i = 0; i < s->n_layouts; i++) {
		free(s->layouts[i].name);
		free(s->layouts[i].hash);
		free(s->layouts[i].cell);
		free(s->layouts[i].step);
	}
	for (int i = 0; i < s->n_kernels; i++)
		free(s->kernels[i]);
	free(s->kernels);
	free(s->pairs);
	free(s->layouts);
	memset(s, 0, sizeof *s);
}

bool series_has_findings(const struct series *s)
{
	for (int p = 0; p + 1 < s->n_kernels; p++)
		if (comparison_has_findings(&s->pairs[p]))
			return true;
	return false;
}

/* "pass 3/3", "panic 2/2", "-" (no run), "infra 0/0". */
static void cell_text(const struct kernel_tally *t, char *out, size_t n)
{
	if (!t)
		snprintf(out, n, "-");
	else if (!t->attempts)
		snprintf(out, n, "infra x%d", t->infra);
	else if (t->crashed)
		snprintf(out, n, "%s %d/%d", outcome_name(t->worst), t->crashed, t->attempts);
	else
		snprintf(out, n, "pass %d/%d", t->attempts, t->attempts);
}

static const char *step_label(const struct layout_verdict *v)
{
	return v ? verdict_label(v) : "-";
}

void series_print_text(FILE *f, const struct series *s)
{
	fprintf(f, "%d kernels, %d layout%s (cells: worst outcome, crashed/attempts)\n\n", s->n_kernels,
		s->n_layouts, s->n_layouts == 1 ? "" : "s");
	fprintf(f, "%-28s", "layout");
	for (int k = 0; k < s->n_kernels; k++)
		fprintf(f, " %-18s", s->kernels[k]);
	fputc('\n', f);
	for (int i = 0; i < s->n_layouts; i++) {
		const struct series_layout *l = &s->layouts[i];
		fprintf(f, "%-28s", l->name);
		for (int k = 0; k < s->n_kernels; k++) {
			char c[48];
			cell_text(l->cell[k], c, sizeof c);
			fprintf(f, " %-18s", c);
		}
		fputc('\n', f);
	}
	fputs("\nadjacent pairs:\n", f);
	for (int p = 0; p + 1 < s->n_kernels; p++) {
		fprintf(f, "  %s -> %s\n", s->kernels[p], s->kernels[p + 1]);
		for (int i = 0; i < s->n_layouts; i++) {
			const struct series_layout *l = &s->layouts[i];
			if (!l->step[p])
				continue;
			fprintf(f, "    %-28s %s", l->name, step_label(l->step[p]));
			const struct kernel_tally *a = &l->step[p]->stock, *b = &l->step[p]->fixed;
			if (a->title || b->title)
				fprintf(f, "  (%s / %s)", a->title ? a->title : "no crash", b->title ? b->title : "no crash");
			fputc('\n', f);
		}
	}
	/* Titles, once each, per kernel that showed them. */
	bool any = false;
	for (int i = 0; i < s->n_layouts; i++)
		for (int k = 0; k < s->n_kernels; k++) {
			const struct kernel_tally *t = s->layouts[i].cell[k];
			if (!t || !t->title)
				continue;
			if (!any)
				fputs("\ncrash titles:\n", f);
			any = true;
			fprintf(f, "  %-28s %-18s %s%s\n", s->layouts[i].name, s->kernels[k], t->title,
				t->title_new ? "  [NEW]" : "");
		}
}

static void json_cell(struct json *j, const char *kernel, const struct kernel_tally *t)
{
	json_object_begin(j);
	json_key(j, "kernel"); json_string(j, kernel);
	json_key(j, "attempts"); json_int(j, t ? t->attempts : 0);
	json_key(j, "crashed"); json_int(j, t ? t->crashed : 0);
	json_key(j, "infra"); json_int(j, t ? t->infra : 0);
	json_key(j, "worst"); json_string(j, t && t->attempts ? outcome_name(t->worst) : NULL);
	json_key(j, "title"); json_string(j, t ? t->title : NULL);
	json_key(j, "signature"); json_string(j, t ? t->signature : NULL);
	json_key(j, "run_dir"); json_string(j, t ? t->example_dir : NULL);
	json_object_end(j);
}

void series_write_json(struct buf *out, const struct series *s)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j);
	json_key(&j, "kernels");
	json_array_begin(&j);
	for (int k = 0; k < s->n_kernels; k++)
		json_string(&j, s->kernels[k]);
	json_array_end(&j);
	json_key(&j, "layouts");
	json_array_begin(&j);
	for (int i = 0; i < s->n_layouts; i++) {
		const struct series_layout *l = &s->layouts[i];
		json_object_begin(&j);
		json_key(&j, "layout"); json_string(&j, l->name);
		json_key(&j, "layout_hash"); json_string(&j, l->hash);
		json_key(&j, "cells");
		json_array_begin(&j);
		for (int k = 0; k < s->n_kernels; k++)
			json_cell(&j, s->kernels[k], l->cell[k]);
		json_array_end(&j);
		json_key(&j, "steps");
		json_array_begin(&j);
		for (int p = 0; p + 1 < s->n_kernels; p++) {
			json_object_begin(&j);
			json_key(&j, "from"); json_string(&j, s->kernels[p]);
			json_key(&j, "to"); json_string(&j, s->kernels[p + 1]);
			json_key(&j, "verdict"); json_string(&j, l->step[p] ? verdict_name(l->step[p]->verdict) : NULL);
			json_key(&j, "same_title");
			if (l->step[p] && l->step[p]->verdict == VERDICT_STILL_BROKEN)
				json_bool(&j, l->step[p]->same_title);
			else
				json_null(&j);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "pairs");
	json_array_begin(&j);
	for (int p = 0; p + 1 < s->n_kernels; p++) {
		json_object_begin(&j);
		json_key(&j, "from"); json_string(&j, s->kernels[p]);
		json_key(&j, "to"); json_string(&j, s->kernels[p + 1]);
		json_key(&j, "totals");
		json_object_begin(&j);
		for (int v = 0; v < VERDICT__COUNT; v++) {
			json_key(&j, verdict_name(v));
			json_int(&j, s->pairs[p].counts[v]);
		}
		json_object_end(&j);
		json_key(&j, "infra_runs"); json_int(&j, s->pairs[p].infra_runs);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(out, '\n');
}

void series_write_html(struct buf *out, const struct series *s)
{
	buf_puts(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>topofarm compare</title>\n"
		      "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
		      ".crash{background:#fcc}.pass{background:#cfc}.find{font-weight:bold}</style></head><body>\n");
	buf_printf(out, "<h1>%d kernels, %d layouts</h1>\n<table>\n<tr><th>layout</th>", s->n_kernels, s->n_layouts);
	for (int k = 0; k < s->n_kernels; k++) {
		buf_puts(out, "<th>");
		html_escape_str(out, s->kernels[k]);
		buf_puts(out, "</th>");
		if (k + 1 < s->n_kernels)
			buf_puts(out, "<th>&rarr;</th>");
	}
	buf_puts(out, "</tr>\n");
	for (int i = 0; i < s->n_layouts; i++) {
		const struct series_layout *l = &s->layouts[i];
		buf_puts(out, "<tr><td>");
		html_escape_str(out, l->name);
		buf_puts(out, "</td>");
		for (int k = 0; k < s->n_kernels; k++) {
			const struct kernel_tally *t = l->cell[k];
			char c[48];
			cell_text(t, c, sizeof c);
			buf_printf(out, "<td class=\"%s\">", t && t->crashed ? "crash" : t && t->attempts ? "pass" : "");
			html_escape_str(out, c);
			if (t && t->title) {
				buf_puts(out, "<br><small>");
				html_escape_str(out, t->title);
				buf_puts(out, "</small>");
			}
			buf_puts(out, "</td>");
			if (k + 1 < s->n_kernels) {
				const struct layout_verdict *v = l->step[k];
				bool find = v && (v->verdict == VERDICT_REGRESSED || v->verdict == VERDICT_STILL_BROKEN ||
						  v->verdict == VERDICT_FLAKY);
				buf_printf(out, "<td%s>", find ? " class=\"find\"" : "");
				html_escape_str(out, step_label(v));
				buf_puts(out, "</td>");
			}
		}
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, "</table>\n</body></html>\n");
}

void series_write_junit(struct buf *out, const struct series *s)
{
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"topofarm compare\">\n");
	for (int p = 0; p + 1 < s->n_kernels; p++) {
		const struct comparison *c = &s->pairs[p];
		int failures = c->counts[VERDICT_REGRESSED] + c->counts[VERDICT_STILL_BROKEN] + c->counts[VERDICT_FLAKY];
		buf_puts(out, "  <testsuite name=\"");
		xml_escape_str(out, s->kernels[p], 1);
		buf_puts(out, " -&gt; ");
		xml_escape_str(out, s->kernels[p + 1], 1);
		buf_printf(out, "\" tests=\"%d\" failures=\"%d\">\n", c->n, failures);
		for (int i = 0; i < c->n; i++) {
			const struct layout_verdict *v = &c->v[i];
			buf_puts(out, "    <testcase classname=\"compare\" name=\"");
			xml_escape_str(out, v->layout_name, 1);
			buf_puts(out, "\">");
			if (v->verdict == VERDICT_REGRESSED || v->verdict == VERDICT_STILL_BROKEN || v->verdict == VERDICT_FLAKY) {
				buf_puts(out, "<failure message=\"");
				xml_escape_str(out, verdict_label(v), 1);
				buf_puts(out, "\">");
				const char *t = v->fixed.title ? v->fixed.title : v->stock.title;
				xml_escape_str(out, t ? t : "", 0);
				buf_puts(out, "</failure>");
			} else if (v->verdict == VERDICT_INCOMPLETE) {
				buf_puts(out, "<skipped message=\"incomplete\"/>");
			}
			buf_puts(out, "</testcase>\n");
		}
		buf_puts(out, "  </testsuite>\n");
	}
	buf_puts(out, "</testsuites>\n");
}
