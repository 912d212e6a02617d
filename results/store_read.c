/* results/store_read.c: reading the store back for compare and report:
 * runs as run records (with their reports), crash signatures, campaigns. */
#include "results/store_internal.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

static double column_seconds(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_double(st, i);
}

static void read_run_row(sqlite3_stmt *st, struct run_record *r)
{
	int c = 0;
	r->campaign = store_column_dup(st, c++);
	r->layout_name = store_column_dup(st, c++);
	r->layout_hash = store_column_dup(st, c++);
	r->topology_text = store_column_dup(st, c++);
	r->kernel_name = store_column_dup(st, c++);
	r->kernel_version = store_column_dup(st, c++);
	r->kernel_source = store_column_dup(st, c++);
	r->attempt = sqlite3_column_int(st, c++);
	char *outcome = store_column_dup(st, c++);
	int o = outcome ? outcome_from_name(outcome) : -1;
	r->triage.outcome = o < 0 ? OUTCOME_INFRA : (enum outcome)o;
	free(outcome);
	r->triage.title = store_column_dup(st, c++);
	r->triage.frame = store_column_dup(st, c++);
	char *end = store_column_dup(st, c++);
	int e = end ? run_end_from_name(end) : -1;
	r->end = e < 0 ? RUN_END_UNKNOWN : (enum run_end)e;
	free(end);
	r->end_detail = store_column_dup(st, c++);
	r->qemu_exit = sqlite3_column_int(st, c++);
	r->started_at = store_column_dup(st, c++);
	r->t_first_output = column_seconds(st, c++);
	r->t_ready = column_seconds(st, c++);
	r->t_end = column_seconds(st, c++);
	r->steps_done = sqlite3_column_int(st, c++);
	r->steps_total = sqlite3_column_int(st, c++);
	r->triage.reached_guest = sqlite3_column_int(st, c++);
	r->triage.guest_done = sqlite3_column_int(st, c++);
	r->triage.kernel_release = store_column_dup(st, c++);
	r->triage.n_reports_dropped = sqlite3_column_int(st, c++);
	r->dir = store_column_dup(st, c++);
	r->argv_text = store_column_dup(st, c++);
}

static void read_report_row(sqlite3_stmt *st, struct triage_report *p)
{
	int c = 1;   /* column 0 is run_id */
	p->title = store_column_dup(st, c++);
	p->frame = store_column_dup(st, c++);
	p->family = store_column_dup(st, c++);
	p->first_line = store_column_dup(st, c++);
	p->phase = store_column_dup(st, c++);
	p->taint = store_column_dup(st, c++);
	p->corrupted = sqlite3_column_int(st, c++);
	p->benign = sqlite3_column_int(st, c++);
	p->known_bug = store_column_dup(st, c++);
	p->fix = store_column_dup(st, c++);
	p->offset = (size_t)sqlite3_column_int64(st, c++);
	p->text = store_column_dup(st, c++);
	symbolized_from_lines((const char *)sqlite3_column_text(st, c++), &p->symbols);
}

static int find_run(const struct store_runs *out, long long id, int *last)
{
	/* ids are not sorted (runs are sorted by name), but reports arrive
	 * grouped by run: remember the last hit. */
	if (*last < out->n && out->ids[*last] == id)
		return *last;
	for (int i = 0; i < out->n; i++)
		if (out->ids[i] == id)
			return *last = i;
	return -1;
}

/* Rows of a table that hangs off runs (reports, canaries, divergences):
 * `select` names the table's columns, run_id first, and `order` the
 * ordering within a run; each row goes to add_row with its run. */
static int load_children(struct store *s, const char *campaign, struct store_runs *out,
			 const char *table, const char *select, const char *order,
			 void (*add_row)(sqlite3_stmt *st, struct run_record *r), char **err)
{
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT %s.run_id, %s FROM %s JOIN runs ON runs.id = %s.run_id"
			      " LEFT JOIN campaigns ON campaigns.id = runs.campaign_id"
			      " WHERE ?1 IS NULL OR campaigns.name = ?1"
			      " ORDER BY %s.run_id, %s", table, select, table, table, table, order);
	int prc = store_prepare(s, sql, &st, err);
	free(sql);
	if (prc < 0)
		return -1;
	store_bind_text(st, 1, campaign);
	int rc, last = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = find_run(out, sqlite3_column_int64(st, 0), &last);
		if (i >= 0)
			add_row(st, &out->v[i]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		char *what = xasprintf("reading %s", table);
		store_fail(s, what, err);
		free(what);
		return -1;
	}
	return 0;
}

static void add_report(sqlite3_stmt *st, struct run_record *r)
{
	struct triage_result *t = &r->triage;
	t->reports = xrealloc(t->reports, (size_t)(t->n_reports + 1) * sizeof *t->reports);
	memset(&t->reports[t->n_reports], 0, sizeof *t->reports);
	read_report_row(st, &t->reports[t->n_reports++]);
}

static void add_canary(sqlite3_stmt *st, struct run_record *r)
{
	int bug = sqlite3_column_int(st, 1);
	int state = canary_state_from_name((const char *)sqlite3_column_text(st, 2));
	if (bug >= 0 && bug < CANARY_MAX_BUGS && state >= 0)
		canary_set(&r->triage, bug, state);
}

static void add_divergence(sqlite3_stmt *st, struct run_record *r)
{
	struct divergence *d = &r->divergence;
	d->v = xrealloc(d->v, (size_t)(d->n + 1) * sizeof *d->v);
	d->v[d->n].group = store_column_dup(st, 1);
	d->v[d->n].predicted = store_column_dup(st, 2);
	d->v[d->n].seen = store_column_dup(st, 3);
	d->n++;
}

static void add_coverage(sqlite3_stmt *st, struct run_record *r)
{
	struct coverage *c = &r->coverage;
	coverage_free(c);
	c->present = true;
	c->objects = sqlite3_column_int(st, 1);
	c->counters = sqlite3_column_int64(st, 2);
	c->complete = sqlite3_column_int(st, 3) != 0;
	c->bad_lines = sqlite3_column_int(st, 4);
	c->object_errors = sqlite3_column_int(st, 5);
	c->problem = store_column_dup(st, 6);
	const void *blob = sqlite3_column_blob(st, 7);
	int n = sqlite3_column_bytes(st, 7);
	if (edge_set_decode(blob, n > 0 ? (size_t)n : 0, &c->edges) != 0 && !c->problem) {
		c->complete = false;
		c->problem = xstrdup("the stored edge set is corrupt");
	}
}

static int load_run_details(struct store *s, const char *campaign, struct store_runs *out, char **err)
{
	if (load_children(s, campaign, out, "reports",
			  "reports.title, reports.frame, reports.family, reports.first_line,"
			  " reports.phase, reports.taint, reports.corrupted, reports.benign, reports.known_bug,"
			  " reports.fix, reports.offset, reports.text, reports.frames", "reports.seq", add_report, err) < 0)
		return -1;
	if (load_children(s, campaign, out, "divergences",
			  "divergences.grp, divergences.model, divergences.kernel", "divergences.seq",
			  add_divergence, err) < 0)
		return -1;
	if (load_children(s, campaign, out, "run_coverage",
			  "run_coverage.objects, run_coverage.counters, run_coverage.complete, run_coverage.bad_lines,"
			  " run_coverage.object_errors, run_coverage.problem, run_coverage.edges", "run_coverage.run_id",
			  add_coverage, err) < 0)
		return -1;
	return load_children(s, campaign, out, "canaries", "canaries.bug, canaries.state", "canaries.bug",
			     add_canary, err);
}

int store_load_runs(struct store *s, const char *campaign, struct store_runs *out, char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT campaigns.name, layouts.name, layouts.hash, layouts.text, kernels.name,"
			     " COALESCE(runs.kernel_version, kernels.version), kernels.source, runs.attempt, runs.outcome, runs.title, runs.frame,"
			     " runs.end_reason, runs.end_detail, runs.qemu_exit, runs.started_at, runs.t_first_output,"
			     " runs.t_ready, runs.t_end, runs.steps_done, runs.steps_total, runs.reached_guest,"
			     " runs.guest_done, runs.kernel_release, runs.reports_dropped, runs.dir, runs.argv_text,"
			     " runs.id, runs.new_signature"
			     " FROM runs JOIN layouts ON layouts.id = runs.layout_id"
			     " JOIN kernels ON kernels.id = runs.kernel_id"
			     " LEFT JOIN campaigns ON campaigns.id = runs.campaign_id"
			     " WHERE ?1 IS NULL OR campaigns.name = ?1"
			     " ORDER BY layouts.name, layouts.hash, kernels.name, runs.attempt", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, campaign);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, (size_t)cap * sizeof *out->v);
			out->ids = xrealloc(out->ids, (size_t)cap * sizeof *out->ids);
			out->new_signature = xrealloc(out->new_signature, (size_t)cap * sizeof *out->new_signature);
		}
		struct run_record *r = &out->v[out->n];
		memset(r, 0, sizeof *r);
		read_run_row(st, r);
		out->ids[out->n] = sqlite3_column_int64(st, 26);
		out->new_signature[out->n] = sqlite3_column_int(st, 27);
		out->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading runs", err);
		store_runs_free(out);
		return -1;
	}
	if (load_run_details(s, campaign, out, err) < 0) {
		store_runs_free(out);
		return -1;
	}
	return 0;
}

void store_runs_free(struct store_runs *runs)
{
	for (int i = 0; i < runs->n; i++)
		run_record_free(&runs->v[i]);
	free(runs->v);
	free(runs->ids);
	free(runs->new_signature);
	memset(runs, 0, sizeof *runs);
}

int store_load_signatures(struct store *s, struct store_signature **out, int *n, char **err)
{
	*out = NULL;
	*n = 0;
	*err = NULL;
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT signatures.signature, signatures.title, signatures.first_seen,"
			     " signatures.last_seen, signatures.count, signatures.known_bug, signatures.first_run,"
			     " campaigns.name, kernels.name, layouts.name"
			     " FROM signatures LEFT JOIN runs ON runs.id = signatures.first_run"
			     " LEFT JOIN campaigns ON campaigns.id = runs.campaign_id"
			     " LEFT JOIN kernels ON kernels.id = runs.kernel_id"
			     " LEFT JOIN layouts ON layouts.id = runs.layout_id"
			     " ORDER BY signatures.count DESC, signatures.title", &st, err) < 0)
		return -1;
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, (size_t)cap * sizeof **out);
		}
		struct store_signature *g = &(*out)[(*n)++];
		g->signature = store_column_dup(st, 0);
		g->title = store_column_dup(st, 1);
		g->first_seen = store_column_dup(st, 2);
		g->last_seen = store_column_dup(st, 3);
		g->count = sqlite3_column_int(st, 4);
		g->known_bug = store_column_dup(st, 5);
		g->first_run = sqlite3_column_int64(st, 6);
		g->first_campaign = store_column_dup(st, 7);
		g->first_kernel = store_column_dup(st, 8);
		g->first_layout = store_column_dup(st, 9);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_signatures_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, "reading crash signatures", err);
	}
	return 0;
}

void store_signatures_free(struct store_signature *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].signature);
		free(v[i].title);
		free(v[i].first_seen);
		free(v[i].last_seen);
		free(v[i].known_bug);
		free(v[i].first_campaign);
		free(v[i].first_kernel);
		free(v[i].first_layout);
	}
	free(v);
}

int store_load_campaigns(struct store *s, struct store_campaign **out, int *n, char **err)
{
	*out = NULL;
	*n = 0;
	*err = NULL;
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT name, started, finished, command,"
			     " (SELECT COUNT(*) FROM runs WHERE runs.campaign_id = campaigns.id)"
			     " FROM campaigns ORDER BY started, id", &st, err) < 0)
		return -1;
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, (size_t)cap * sizeof **out);
		}
		struct store_campaign *c = &(*out)[(*n)++];
		c->name = store_column_dup(st, 0);
		c->started = store_column_dup(st, 1);
		c->finished = store_column_dup(st, 2);
		c->command = store_column_dup(st, 3);
		c->runs = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_campaigns_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, "reading campaigns", err);
	}
	return 0;
}

void store_campaigns_free(struct store_campaign *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].started);
		free(v[i].finished);
		free(v[i].command);
	}
	free(v);
}

char *store_latest_campaign(struct store *s)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (store_prepare(s, "SELECT name FROM campaigns ORDER BY started DESC, id DESC LIMIT 1", &st, &err) < 0) {
		free(err);
		return NULL;
	}
	char *name = sqlite3_step(st) == SQLITE_ROW ? store_column_dup(st, 0) : NULL;
	sqlite3_finalize(st);
	return name;
}
