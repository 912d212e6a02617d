/* results/compare.c: stock-vs-fixed verdicts per layout, and their text and
 * JSON renderings. Pure functions of the runs read from the store. */
#include "results/compare.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[VERDICT__COUNT] = {
	"fixed", "regressed", "still-broken", "clean", "flaky", "incomplete",
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT__COUNT ? verdict_names[v] : "?";
}

const char *verdict_label(const struct layout_verdict *v)
{
	if (v->verdict == VERDICT_STILL_BROKEN)
		return v->same_title ? "still-broken (same title)" : "still-broken (different title)";
	return verdict_name(v->verdict);
}

bool run_crashed(const struct run_record *r)
{
	switch (r->triage.outcome) {
	case OUTCOME_OOPS: case OUTCOME_PANIC: case OUTCOME_HANG: case OUTCOME_BOOT_FAIL:
		return true;
	case OUTCOME_WARNING:
		/* Triage already lets benign-only logs pass; stay safe if a
		 * record says warning with nothing but benign reports. */
		if (!r->triage.n_reports)
			return true;
		for (int i = 0; i < r->triage.n_reports; i++)
			if (!r->triage.reports[i].benign)
				return true;
		return false;
	default:
		return false;
	}
}

/* Outcomes by seriousness, for the "worst" of several attempts. */
static int severity(enum outcome o)
{
	return outcome_rank(o);
}

static const struct store_signature *find_sig(const struct store_signature *sigs, int n, const char *sig)
{
	for (int i = 0; sig && i < n; i++)
		if (!strcmp(sigs[i].signature, sig))
			return &sigs[i];
	return NULL;
}

/* The runs of one layout on one kernel: indexes into runs->v. */
static void tally(const struct store_runs *runs, const int *idx, int n_idx,
		  const struct store_signature *sigs, int n_sigs, const char *current,
		  struct kernel_tally *t)
{
	memset(t, 0, sizeof *t);
	t->worst = OUTCOME_PASS;
	int best_count = 0;
	for (int i = 0; i < n_idx; i++) {
		const struct run_record *r = &runs->v[idx[i]];
		if (r->triage.outcome == OUTCOME_INFRA) {
			t->infra++;
			continue;
		}
		t->attempts++;
		if (severity(r->triage.outcome) > severity(t->worst))
			t->worst = r->triage.outcome;
		if (!t->example_dir && r->dir)
			t->example_dir = xstrdup(r->dir);
		if (!run_crashed(r))
			continue;
		if (t->crashed++ == 0 && r->dir) {
			free(t->example_dir);
			t->example_dir = xstrdup(r->dir);
		}
		const char *title = r->triage.title ? r->triage.title : outcome_name(r->triage.outcome);
		/* Most frequent title wins; the first seen wins ties. */
		int same = 0;
		bool seen_before = false;
		for (int k = 0; k < n_idx; k++) {
			const struct run_record *o = &runs->v[idx[k]];
			if (o->triage.outcome == OUTCOME_INFRA || !run_crashed(o))
				continue;
			const char *ot = o->triage.title ? o->triage.title : outcome_name(o->triage.outcome);
			if (strcmp(ot, title))
				continue;
			same++;
			if (k < i)
				seen_before = true;
		}
		if (!seen_before)
			t->distinct_titles++;
		if (same > best_count) {
			best_count = same;
			free(t->title);
			t->title = xstrdup(title);
		}
	}
	if (!t->title)
		return;
	t->signature = triage_signature(t->title);
	const struct store_signature *g = find_sig(sigs, n_sigs, t->signature);
	t->title_new = !current || !g || (g->first_campaign && !strcmp(g->first_campaign, current));
	if (g && g->known_bug)
		t->known_bug = xstrdup(g->known_bug);
}

static enum verdict decide(const struct kernel_tally *s, const struct kernel_tally *f, bool *same)
{
	*same = false;
	if (!s->attempts || !f->attempts)
		return VERDICT_INCOMPLETE;
	bool s_flaky = s->crashed && s->crashed < s->attempts;
	bool f_flaky = f->crashed && f->crashed < f->attempts;
	if (s_flaky || f_flaky)
		return VERDICT_FLAKY;
	if (s->crashed && !f->crashed)
		return VERDICT_FIXED;
	if (!s->crashed && f->crashed)
		return VERDICT_REGRESSED;
	if (s->crashed && f->crashed) {
		*same = s->signature && f->signature && !strcmp(s->signature, f->signature);
		return VERDICT_STILL_BROKEN;
	}
	return VERDICT_CLEAN;
}

static bool same_layout(const struct run_record *a, const struct run_record *b)
{
	return !strcmp(a->layout_hash, b->layout_hash);
}

static void add_layout(struct comparison *c, const struct store_runs *runs, int first, int end,
		       const struct store_signature *sigs, int n_sigs)
{
	int *s_idx = xcalloc((size_t)(end - first), sizeof *s_idx);
	int *f_idx = xcalloc((size_t)(end - first), sizeof *f_idx);
	int ns = 0, nf = 0;
	for (int i = first; i < end; i++) {
		if (!strcmp(runs->v[i].kernel_name, c->stock))
			s_idx[ns++] = i;
		else if (!strcmp(runs->v[i].kernel_name, c->fixed))
			f_idx[nf++] = i;
	}
	if (ns || nf) {
		c->v = xrealloc(c->v, (size_t)(c->n + 1) * sizeof *c->v);
		struct layout_verdict *v = &c->v[c->n++];
		memset(v, 0, sizeof *v);
		v->layout_name = xstrdup(runs->v[first].layout_name);
		v->layout_hash = xstrdup(runs->v[first].layout_hash);
		tally(runs, s_idx, ns, sigs, n_sigs, c->current_campaign, &v->stock);
		tally(runs, f_idx, nf, sigs, n_sigs, c->current_campaign, &v->fixed);
		v->verdict = decide(&v->stock, &v->fixed, &v->same_title);
		v->short_of_attempts = v->stock.attempts < c->want_attempts || v->fixed.attempts < c->want_attempts;
		for (int i = first; i < end && !v->topology_path; i++) {
			char *p = runs->v[i].dir ? path_join(runs->v[i].dir, "topology.topo") : NULL;
			if (p && path_exists(p))
				v->topology_path = p;
			else
				free(p);
		}
		c->counts[v->verdict]++;
		c->infra_runs += v->stock.infra + v->fixed.infra;
		c->short_layouts += v->short_of_attempts;
	}
	free(s_idx);
	free(f_idx);
}

void compare_runs(const struct store_runs *runs, const struct store_signature *sigs, int n_sigs,
		  const char *current_campaign, const char *stock, const char *fixed,
		  int want_attempts, struct comparison *out)
{
	memset(out, 0, sizeof *out);
	out->stock = xstrdup(stock);
	out->fixed = xstrdup(fixed);
	out->current_campaign = current_campaign ? xstrdup(current_campaign) : NULL;
	out->want_attempts = want_attempts > 0 ? want_attempts : 1;
	/* store_load_runs sorts by layout; group consecutive runs of one hash,
	 * but do not rely on it: a run of an already-seen layout joins it. */
	bool *done = xcalloc((size_t)runs->n + 1, sizeof *done);
	for (int i = 0; i < runs->n; i++) {
		if (done[i])
			continue;
		/* Gather every run of this layout into a contiguous index list. */
		struct store_runs group = { 0 };
		int *members = xcalloc((size_t)runs->n, sizeof *members), nm = 0;
		for (int k = i; k < runs->n; k++)
			if (!done[k] && same_layout(&runs->v[i], &runs->v[k])) {
				members[nm++] = k;
				done[k] = true;
			}
		group.v = xcalloc((size_t)nm, sizeof *group.v);
		group.n = nm;
		for (int k = 0; k < nm; k++)
			group.v[k] = runs->v[members[k]];   /* shallow: not freed here */
		add_layout(out, &group, 0, nm, sigs, n_sigs);
		free(group.v);
		free(members);
	}
	free(done);
}

static void tally_free(struct kernel_tally *t)
{
	free(t->title);
	free(t->signature);
	free(t->known_bug);
	free(t->example_dir);
}

void comparison_free(struct comparison *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->v[i].layout_name);
		free(c->v[i].layout_hash);
		free(c->v[i].topology_path);
		tally_free(&c->v[i].stock);
		tally_free(&c->v[i].fixed);
	}
	free(c->v);
	free(c->stock);
	free(c->fixed);
	free(c->current_campaign);
	memset(c, 0, sizeof *c);
}

bool comparison_has_findings(const struct comparison *c)
{
	return c->counts[VERDICT_REGRESSED] || c->counts[VERDICT_STILL_BROKEN] || c->counts[VERDICT_FLAKY];
}

bool compare_rerun_argv(const struct comparison *c, const char *results_dir, struct strv *out)
{
	memset(out, 0, sizeof *out);
	if (!c->short_layouts)
		return false;
	strv_add(out, "topofarm");
	strv_add(out, "run");
	for (int i = 0; i < c->n; i++) {
		if (!c->v[i].short_of_attempts)
			continue;
		if (c->v[i].topology_path)
			strv_add(out, c->v[i].topology_path);
		else
			strv_addf(out, "%s.topo", c->v[i].layout_name);
	}
	strv_add(out, "--kernels");
	strv_addf(out, "%s,%s", c->stock, c->fixed);
	strv_add(out, "--rerun");
	strv_addf(out, "%d", c->want_attempts);
	strv_add(out, "--out");
	strv_add(out, results_dir);
	return true;
}

/* ---- text ---- */

static void print_tally(FILE *f, const char *label, const char *kernel, const struct kernel_tally *t)
{
	fprintf(f, "    %-6s %-20s crashed %d/%d", label, kernel, t->crashed, t->attempts);
	if (t->infra)
		fprintf(f, " (+%d infra)", t->infra);
	if (t->attempts)
		fprintf(f, ", worst %s", outcome_name(t->worst));
	fputc('\n', f);
	if (t->title) {
		fprintf(f, "           title: %s%s", t->title, t->title_new ? "  [NEW]" : "  [seen before]");
		if (t->known_bug)
			fprintf(f, "  [known bug %s]", t->known_bug);
		fputc('\n', f);
		if (t->distinct_titles > 1)
			fprintf(f, "           (%d different titles over the attempts)\n", t->distinct_titles);
	}
	if (t->example_dir)
		fprintf(f, "           run: %s\n", t->example_dir);
}

void compare_print_text(FILE *f, const struct comparison *c, const char *results_dir)
{
	fprintf(f, "stock %s vs fixed %s: %d layout%s\n\n", c->stock, c->fixed, c->n, c->n == 1 ? "" : "s");
	for (int i = 0; i < c->n; i++) {
		const struct layout_verdict *v = &c->v[i];
		fprintf(f, "%-28s %s\n", v->layout_name, verdict_label(v));
		print_tally(f, "stock", c->stock, &v->stock);
		print_tally(f, "fixed", c->fixed, &v->fixed);
		if (v->short_of_attempts)
			fprintf(f, "    only %d/%d attempts on %s, %d/%d on %s (wanted %d each)\n",
				v->stock.attempts, c->want_attempts, c->stock,
				v->fixed.attempts, c->want_attempts, c->fixed, c->want_attempts);
	}
	fputs("\ntotals:", f);
	for (int k = 0; k < VERDICT__COUNT; k++)
		fprintf(f, " %s %d%s", verdict_name(k), c->counts[k], k + 1 < VERDICT__COUNT ? "," : "\n");
	if (c->infra_runs)
		fprintf(f, "infra runs excluded: %d (host/QEMU failures, never blamed on a kernel)\n", c->infra_runs);
	struct strv cmd;
	if (compare_rerun_argv(c, results_dir, &cmd)) {
		char *line = argv_to_display(strv_argv(&cmd));
		fprintf(f, "\n%d layout%s %s fewer than %d attempts per kernel; to complete them run:\n  %s\n",
			c->short_layouts, c->short_layouts == 1 ? "" : "s", c->short_layouts == 1 ? "has" : "have",
			c->want_attempts, line);
		free(line);
		strv_free(&cmd);
	}
}

/* ---- JSON ---- */

static void json_tally(struct json *j, const char *key, const char *kernel, const struct kernel_tally *t)
{
	json_key(j, key);
	json_object_begin(j);
	json_key(j, "kernel"); json_string(j, kernel);
	json_key(j, "attempts"); json_int(j, t->attempts);
	json_key(j, "crashed"); json_int(j, t->crashed);
	json_key(j, "infra"); json_int(j, t->infra);
	json_key(j, "worst"); json_string(j, t->attempts ? outcome_name(t->worst) : NULL);
	json_key(j, "title"); json_string(j, t->title);
	json_key(j, "signature"); json_string(j, t->signature);
	json_key(j, "title_new"); json_bool(j, t->title && t->title_new);
	json_key(j, "distinct_titles"); json_int(j, t->distinct_titles);
	json_key(j, "known_bug"); json_string(j, t->known_bug);
	json_key(j, "run_dir"); json_string(j, t->example_dir);
	json_object_end(j);
}

void compare_write_json(struct buf *out, const struct comparison *c, const char *results_dir)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j);
	json_key(&j, "stock"); json_string(&j, c->stock);
	json_key(&j, "fixed"); json_string(&j, c->fixed);
	json_key(&j, "campaign"); json_string(&j, c->current_campaign);
	json_key(&j, "want_attempts"); json_int(&j, c->want_attempts);
	json_key(&j, "layouts");
	json_array_begin(&j);
	for (int i = 0; i < c->n; i++) {
		const struct layout_verdict *v = &c->v[i];
		json_object_begin(&j);
		json_key(&j, "layout"); json_string(&j, v->layout_name);
		json_key(&j, "layout_hash"); json_string(&j, v->layout_hash);
		json_key(&j, "verdict"); json_string(&j, verdict_name(v->verdict));
		json_key(&j, "same_title");
		if (v->verdict == VERDICT_STILL_BROKEN)
			json_bool(&j, v->same_title);
		else
			json_null(&j);
		json_key(&j, "short_of_attempts"); json_bool(&j, v->short_of_attempts);
		json_tally(&j, "stock_runs", c->stock, &v->stock);
		json_tally(&j, "fixed_runs", c->fixed, &v->fixed);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "totals");
	json_object_begin(&j);
	for (int k = 0; k < VERDICT__COUNT; k++) {
		json_key(&j, verdict_name(k));
		json_int(&j, c->counts[k]);
	}
	json_object_end(&j);
	json_key(&j, "infra_runs"); json_int(&j, c->infra_runs);
	struct strv cmd;
	json_key(&j, "rerun_command");
	if (compare_rerun_argv(c, results_dir, &cmd)) {
		json_array_begin(&j);
		for (int i = 0; i < cmd.n; i++)
			json_string(&j, cmd.v[i]);
		json_array_end(&j);
		strv_free(&cmd);
	} else {
		json_null(&j);
	}
	json_object_end(&j);
	buf_putc(out, '\n');
}
