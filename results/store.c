/* results/store.c: opening the SQLite result store, the retrying
 * transaction runner, and the writes: one run (with its layout, kernel,
 * campaign, reports and the crash signatures they touch) per transaction.
 * Reading back is in store_read.c, the schema in store_schema.c. */
#include "results/store_internal.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/strv.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 10000   /* SQLite waits this long for a lock by itself */
#define TXN_RETRIES 60          /* then we roll back and retry the whole transaction */

/* ---- small helpers ---- */

int store_fail(struct store *s, const char *doing, char **err)
{
	if (err && !*err)
		*err = xasprintf("%s: %s: %s", s->path, doing, sqlite3_errmsg(s->db));
	return -1;
}

bool store_last_busy(struct store *s)
{
	int code = sqlite3_extended_errcode(s->db) & 0xff;
	return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, char **err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_fail(s, "preparing a statement", err);
	}
	return 0;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

char *store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/* Runs a statement that returns no rows (or whose rows are ignored). */
static int step_done(struct store *s, sqlite3_stmt *st, const char *doing, char **err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		store_fail(s, doing, err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int store_step(struct store *s, sqlite3_stmt *st, const char *doing, char **err)
{
	return step_done(s, st, doing, err);
}

/* A one-row, one-integer query; *found false when there is no row. */
static int query_id(struct store *s, sqlite3_stmt *st, long long *id, bool *found, char **err)
{
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, "querying", err);
	return 0;
}

/* The id of the row whose key column (in sql's ?1) is key. */
static int id_by_key(struct store *s, const char *sql, const char *key, long long *id, char **err)
{
	sqlite3_stmt *st;
	bool found;
	if (store_prepare(s, sql, &st, err) < 0)
		return -1;
	store_bind_text(st, 1, key);
	return query_id(s, st, id, &found, err);
}

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- transactions ---- */

static void backoff(int attempt)
{
	/* Grows to ~50 ms, with jitter so two writers do not retry in step. */
	long us = 1000L * (attempt < 10 ? attempt + 1 : 10) * 5 + (long)(random() % 5000);
	usleep((useconds_t)us);
}

/* Sets *err (when the caller wants it) or drops the message. */
static int give_error(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
	return -1;
}

int store_transaction(struct store *s, store_txn_fn body, void *ctx, char **err)
{
	for (int attempt = 0; attempt < TXN_RETRIES; attempt++) {
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			if (store_last_busy(s)) {
				backoff(attempt);
				continue;
			}
			char *e = NULL;
			store_fail(s, "starting a transaction", &e);
			return give_error(err, e);
		}
		char *body_err = NULL;
		if (body(s, ctx, &body_err) == 0) {
			if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
				return 0;
			body_err = NULL;
			store_fail(s, "committing", &body_err);
		}
		bool busy = store_last_busy(s);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		if (!busy)
			return give_error(err, body_err ? body_err : xasprintf("%s: transaction failed", s->path));
		free(body_err);
		backoff(attempt);
	}
	return give_error(err, xasprintf("%s: the database stayed locked by another process (gave up after %d tries)",
					 s->path, TXN_RETRIES));
}

/* ---- opening ---- */

static int pragma(struct store *s, const char *sql, char **err)
{
	/* journal_mode=WAL itself needs a lock when another process is
	 * converting the file at the same moment: retry busy. */
	for (int attempt = 0; attempt < TXN_RETRIES; attempt++) {
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK)
			return 0;
		if (!store_last_busy(s))
			break;
		backoff(attempt);
	}
	char doing[96];
	snprintf(doing, sizeof doing, "%s", sql);
	return store_fail(s, doing, err);
}

static int open_db(const char *results_dir, bool create, struct store **out, char **err)
{
	*out = NULL;
	*err = NULL;
	if (create && mkdir_p(results_dir, 0755) != 0) {
		*err = xasprintf("%s: cannot create the results directory: %s", results_dir, strerror(errno));
		return -1;
	}
	char *path = path_join(results_dir, "topofarm.db");
	if (!create && !path_exists(path)) {
		*err = xasprintf("%s: no result store here (no topofarm.db): run `topofarm run ... --out %s` first",
				 results_dir, results_dir);
		free(path);
		return -1;
	}
	struct store *s = xcalloc(1, sizeof *s);
	s->path = path;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		if (s->db)
			store_fail(s, "opening", err);
		else
			*err = xasprintf("%s: cannot open", path);
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (pragma(s, "PRAGMA journal_mode=WAL", err) < 0 ||
	    pragma(s, "PRAGMA synchronous=NORMAL", err) < 0 ||
	    pragma(s, "PRAGMA foreign_keys=ON", err) < 0 ||
	    store_schema_migrate(s, err) < 0) {
		store_close(s);
		return -1;
	}
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	*out = s;
	return 0;
}

int store_open(const char *results_dir, struct store **out, char **err)
{
	return open_db(results_dir, true, out, err);
}

int store_open_existing(const char *results_dir, struct store **out, char **err)
{
	return open_db(results_dir, false, out, err);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

/* ---- campaigns ---- */

struct campaign_ctx {
	const char *name, *command;
	bool finish;
};

static int campaign_body(struct store *s, void *vctx, char **err)
{
	struct campaign_ctx *c = vctx;
	char now[32];
	now_iso(now);
	sqlite3_stmt *st;
	const char *sql = c->finish
		? "INSERT INTO campaigns(name, started, finished) VALUES(?1, ?2, ?2) "
		  "ON CONFLICT(name) DO UPDATE SET finished = ?2"
		: "INSERT INTO campaigns(name, started, command) VALUES(?1, ?2, ?3) "
		  "ON CONFLICT(name) DO UPDATE SET command = COALESCE(?3, command), finished = NULL";
	if (store_prepare(s, sql, &st, err) < 0)
		return -1;
	store_bind_text(st, 1, c->name);
	store_bind_text(st, 2, now);
	if (!c->finish)
		store_bind_text(st, 3, c->command);
	return step_done(s, st, "recording the campaign", err);
}

int store_campaign_begin(struct store *s, const char *name, const char *command, char **err)
{
	struct campaign_ctx c = { name, command, false };
	return store_transaction(s, campaign_body, &c, err);
}

int store_campaign_finish(struct store *s, const char *name, char **err)
{
	struct campaign_ctx c = { name, NULL, true };
	return store_transaction(s, campaign_body, &c, err);
}

/* ---- adding a run ---- */

struct add_ctx {
	const struct run_record *r;
	char seen_at[32];
	int new_signatures;
	struct strv touched;        /* signatures whose counts must be recomputed */
};

static void touch(struct add_ctx *c, const char *sig)
{
	for (int i = 0; i < c->touched.n; i++)
		if (!strcmp(c->touched.v[i], sig))
			return;
	strv_add(&c->touched, sig);
}

static int upsert_campaign(struct store *s, const char *name, long long *id, char **err)
{
	char now[32];
	now_iso(now);
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO campaigns(name, started) VALUES(?1, ?2) "
			     "ON CONFLICT(name) DO NOTHING", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, now);
	if (step_done(s, st, "adding the campaign", err) < 0)
		return -1;
	return id_by_key(s, "SELECT id FROM campaigns WHERE name = ?1", name, id, err);
}

static int upsert_kernel(struct store *s, const struct run_record *r, long long *id, char **err)
{
	sqlite3_stmt *st;
	const char *version = r->kernel_version ? r->kernel_version : r->triage.kernel_release;
	if (store_prepare(s, "INSERT INTO kernels(name, version, source) VALUES(?1, ?2, ?3) "
			     "ON CONFLICT(name) DO UPDATE SET version = COALESCE(?2, version), "
			     "source = COALESCE(?3, source)", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, r->kernel_name);
	store_bind_text(st, 2, version);
	store_bind_text(st, 3, r->kernel_source);
	if (step_done(s, st, "adding the kernel", err) < 0)
		return -1;
	return id_by_key(s, "SELECT id FROM kernels WHERE name = ?1", r->kernel_name, id, err);
}

static int upsert_layout(struct store *s, const struct run_record *r, long long *id, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO layouts(hash, name, text) VALUES(?1, ?2, ?3) "
			     "ON CONFLICT(hash) DO UPDATE SET name = ?2, text = COALESCE(?3, text)", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, r->layout_hash);
	store_bind_text(st, 2, r->layout_name);
	store_bind_text(st, 3, r->topology_text);
	if (step_done(s, st, "adding the layout", err) < 0)
		return -1;
	return id_by_key(s, "SELECT id FROM layouts WHERE hash = ?1", r->layout_hash, id, err);
}

/* A run stored again under the same (layout, kernel, attempt) replaces the
 * old one: an infra attempt being redone. Its signatures are recounted. */
static int remove_old_run(struct store *s, struct add_ctx *c, long long layout, long long kernel, char **err)
{
	sqlite3_stmt *st;
	long long old;
	bool found;
	if (store_prepare(s, "SELECT id FROM runs WHERE layout_id = ?1 AND kernel_id = ?2 AND attempt = ?3", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, layout);
	sqlite3_bind_int64(st, 2, kernel);
	sqlite3_bind_int(st, 3, c->r->attempt);
	if (query_id(s, st, &old, &found, err) < 0)
		return -1;
	if (!found)
		return 0;
	if (store_prepare(s, "SELECT signature FROM reports WHERE run_id = ?1 "
			     "UNION SELECT signature FROM runs WHERE id = ?1 AND signature IS NOT NULL", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		touch(c, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "reading the replaced run", err);
	if (store_prepare(s, "DELETE FROM reports WHERE run_id = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	if (step_done(s, st, "removing the replaced run's reports", err) < 0)
		return -1;
	if (store_prepare(s, "DELETE FROM canaries WHERE run_id = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	if (step_done(s, st, "removing the replaced run's canaries", err) < 0)
		return -1;
	if (store_prepare(s, "DELETE FROM run_coverage WHERE run_id = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	if (step_done(s, st, "removing the replaced run's coverage", err) < 0)
		return -1;
	if (store_prepare(s, "DELETE FROM runs WHERE id = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	return step_done(s, st, "removing the replaced run", err);
}

static void bind_seconds(sqlite3_stmt *st, int i, double v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

/* Artifact paths: the run directory's files, when the directory is known. */
static char *artifact(const struct run_record *r, const char *file)
{
	return r->dir ? path_join(r->dir, file) : NULL;
}

static int insert_run(struct store *s, struct add_ctx *c, long long campaign, bool has_campaign,
		      long long layout, long long kernel, const char *signature, long long *id, char **err)
{
	const struct run_record *r = c->r;
	sqlite3_stmt *st;
	if (store_prepare(s,
		"INSERT INTO runs(layout_id, kernel_id, attempt, campaign_id, outcome, title, frame, signature,"
		" end_reason, end_detail, qemu_exit, started_at, seen_at, t_first_output, t_ready, t_end,"
		" steps_done, steps_total, reached_guest, guest_done, kernel_release, reports_dropped,"
		" dir, argv_text, console_path, steps_path, record_path, kernel_version)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)",
		&st, err) < 0)
		return -1;
	char *console = artifact(r, "console.log"), *steps = artifact(r, "steps.log"), *record = artifact(r, "record.json");
	sqlite3_bind_int64(st, 1, layout);
	sqlite3_bind_int64(st, 2, kernel);
	sqlite3_bind_int(st, 3, r->attempt);
	if (has_campaign)
		sqlite3_bind_int64(st, 4, campaign);
	store_bind_text(st, 5, outcome_name(r->triage.outcome));
	store_bind_text(st, 6, r->triage.title);
	store_bind_text(st, 7, r->triage.frame);
	store_bind_text(st, 8, signature);
	store_bind_text(st, 9, run_end_name(r->end));
	store_bind_text(st, 10, r->end_detail);
	sqlite3_bind_int(st, 11, r->qemu_exit);
	store_bind_text(st, 12, r->started_at);
	store_bind_text(st, 13, c->seen_at);
	bind_seconds(st, 14, r->t_first_output);
	bind_seconds(st, 15, r->t_ready);
	bind_seconds(st, 16, r->t_end);
	sqlite3_bind_int(st, 17, r->steps_done);
	sqlite3_bind_int(st, 18, r->steps_total);
	sqlite3_bind_int(st, 19, r->triage.reached_guest);
	sqlite3_bind_int(st, 20, r->triage.guest_done);
	store_bind_text(st, 21, r->triage.kernel_release);
	sqlite3_bind_int(st, 22, r->triage.n_reports_dropped);
	store_bind_text(st, 23, r->dir);
	store_bind_text(st, 24, r->argv_text);
	store_bind_text(st, 25, console);
	store_bind_text(st, 26, steps);
	store_bind_text(st, 27, record);
	store_bind_text(st, 28, r->kernel_version);
	free(console);
	free(steps);
	free(record);
	if (step_done(s, st, "adding the run", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Creates the signature row if it is new; *is_new tells. */
static int ensure_signature(struct store *s, struct add_ctx *c, const char *sig, const char *title,
			    const char *known_bug, long long run, bool *is_new, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO signatures(signature, title, known_bug, first_run, first_seen, last_seen, count)"
			     " VALUES(?1, ?2, ?3, ?4, ?5, ?5, 0) ON CONFLICT(signature) DO NOTHING", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, sig);
	store_bind_text(st, 2, title);
	store_bind_text(st, 3, known_bug);
	sqlite3_bind_int64(st, 4, run);
	store_bind_text(st, 5, c->seen_at);
	if (step_done(s, st, "adding a crash signature", err) < 0)
		return -1;
	*is_new = sqlite3_changes(s->db) == 1;
	if (*is_new)
		c->new_signatures++;
	touch(c, sig);
	if (!known_bug || *is_new)
		return 0;
	/* A bug entered into the known list later annotates the old bucket too. */
	if (store_prepare(s, "UPDATE signatures SET known_bug = COALESCE(known_bug, ?2) WHERE signature = ?1", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, sig);
	store_bind_text(st, 2, known_bug);
	return step_done(s, st, "annotating a known bug", err);
}

static int insert_canary(struct store *s, long long run, const struct bug_canary *cn, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO canaries(run_id, bug, state) VALUES(?1, ?2, ?3)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int(st, 2, cn->bug);
	store_bind_text(st, 3, canary_state(cn));
	return step_done(s, st, "adding a canary", err);
}

static int insert_report(struct store *s, struct add_ctx *c, long long run, int seq, bool counts, bool *any_new, char **err)
{
	const struct triage_report *p = &c->r->triage.reports[seq];
	const char *title = p->title ? p->title : "(untitled report)";
	char *sig = triage_signature(title);
	bool is_new = false;
	sqlite3_stmt *st;
	if (counts && !p->benign && ensure_signature(s, c, sig, title, p->known_bug, run, &is_new, err) < 0)
		goto fail;
	*any_new |= is_new;
	if (store_prepare(s, "INSERT INTO reports(run_id, seq, title, signature, frame, family, first_line, phase,"
			     " taint, corrupted, benign, known_bug, fix, offset, text, new_signature, frames)"
			     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)", &st, err) < 0)
		goto fail;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int(st, 2, seq);
	store_bind_text(st, 3, title);
	store_bind_text(st, 4, sig);
	store_bind_text(st, 5, p->frame);
	store_bind_text(st, 6, p->family);
	store_bind_text(st, 7, p->first_line);
	store_bind_text(st, 8, p->phase);
	store_bind_text(st, 9, p->taint);
	sqlite3_bind_int(st, 10, p->corrupted);
	sqlite3_bind_int(st, 11, p->benign);
	store_bind_text(st, 12, p->known_bug);
	store_bind_text(st, 13, p->fix);
	sqlite3_bind_int64(st, 14, (long long)p->offset);
	store_bind_text(st, 15, p->text);
	sqlite3_bind_int(st, 16, is_new);
	char *frames = symbolized_to_lines(&p->symbols);
	store_bind_text(st, 17, frames);
	free(frames);
	free(sig);
	return step_done(s, st, "adding a report", err);
fail:
	free(sig);
	return -1;
}

/* Count, first/last seen and first run are derived from the runs, never
 * incremented: replacing a run or adding two at once cannot skew them. */
static int recount(struct store *s, const char *sig, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s,
		"WITH hits AS (SELECT id, seen_at FROM runs WHERE outcome != 'infra' AND"
		"  (signature = ?1 OR id IN (SELECT run_id FROM reports WHERE signature = ?1 AND benign = 0)))"
		" UPDATE signatures SET count = (SELECT COUNT(*) FROM hits),"
		"  first_seen = COALESCE((SELECT MIN(seen_at) FROM hits), first_seen),"
		"  last_seen = COALESCE((SELECT MAX(seen_at) FROM hits), last_seen),"
		"  first_run = (SELECT id FROM hits ORDER BY seen_at, id LIMIT 1)"
		" WHERE signature = ?1", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, sig);
	return step_done(s, st, "counting a crash signature", err);
}

/* The known-bug id of the report the run's title comes from. */
static const char *title_known_bug(const struct triage_result *t)
{
	for (int i = 0; i < t->n_reports; i++)
		if (t->reports[i].title && t->title && !strcmp(t->reports[i].title, t->title) && t->reports[i].known_bug)
			return t->reports[i].known_bug;
	return NULL;
}

static int insert_divergence(struct store *s, long long run, int seq, const struct divergence_item *d, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO divergences(run_id, seq, grp, model, kernel) VALUES(?1,?2,?3,?4,?5)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int(st, 2, seq);
	store_bind_text(st, 3, d->group ? d->group : "?");
	store_bind_text(st, 4, d->predicted ? d->predicted : "");
	store_bind_text(st, 5, d->seen ? d->seen : "");
	return step_done(s, st, "adding a divergence", err);
}

static int insert_coverage(struct store *s, long long run, const struct coverage *c, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO run_coverage(run_id, edge_count, objects, counters, complete,"
			     " bad_lines, object_errors, problem, edges) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", &st, err) < 0)
		return -1;
	struct buf blob = BUF_INIT;
	edge_set_encode(&c->edges, &blob);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, (long long)c->edges.n);
	sqlite3_bind_int(st, 3, c->objects);
	sqlite3_bind_int64(st, 4, c->counters);
	sqlite3_bind_int(st, 5, c->complete);
	sqlite3_bind_int(st, 6, c->bad_lines);
	sqlite3_bind_int(st, 7, c->object_errors);
	store_bind_text(st, 8, c->problem);
	sqlite3_bind_blob(st, 9, blob.s ? blob.s : "", (int)blob.len, SQLITE_TRANSIENT);
	buf_free(&blob);
	return step_done(s, st, "adding the run's coverage", err);
}

static int add_run_body(struct store *s, void *vctx, char **err)
{
	struct add_ctx *c = vctx;
	const struct run_record *r = c->r;
	long long campaign = 0, kernel, layout, run;
	bool counts = r->triage.outcome != OUTCOME_INFRA;
	/* The body may run again after a busy rollback: start from scratch. */
	c->new_signatures = 0;
	strv_free(&c->touched);
	if (r->campaign && upsert_campaign(s, r->campaign, &campaign, err) < 0)
		return -1;
	if (upsert_kernel(s, r, &kernel, err) < 0 || upsert_layout(s, r, &layout, err) < 0 ||
	    remove_old_run(s, c, layout, kernel, err) < 0)
		return -1;
	char *sig = counts && r->triage.outcome != OUTCOME_PASS && r->triage.title
		? triage_signature(r->triage.title) : NULL;
	int rc = insert_run(s, c, campaign, r->campaign != NULL, layout, kernel, sig, &run, err);
	bool any_new = false;
	for (int i = 0; rc == 0 && i < r->triage.n_reports; i++)
		rc = insert_report(s, c, run, i, counts, &any_new, err);
	for (int i = 0; rc == 0 && i < r->triage.n_canaries; i++)
		rc = insert_canary(s, run, &r->triage.canaries[i], err);
	for (int i = 0; rc == 0 && i < r->divergence.n; i++)
		rc = insert_divergence(s, run, i, &r->divergence.v[i], err);
	if (rc == 0 && r->coverage.present)
		rc = insert_coverage(s, run, &r->coverage, err);
	if (rc == 0 && sig) {
		bool is_new;
		rc = ensure_signature(s, c, sig, r->triage.title, title_known_bug(&r->triage), run, &is_new, err);
		any_new |= is_new;
	}
	free(sig);
	for (int i = 0; rc == 0 && i < c->touched.n; i++)
		rc = recount(s, c->touched.v[i], err);
	if (rc == 0 && any_new) {
		sqlite3_stmt *st;
		if (store_prepare(s, "UPDATE runs SET new_signature = 1 WHERE id = ?1", &st, err) < 0)
			return -1;
		sqlite3_bind_int64(st, 1, run);
		rc = step_done(s, st, "flagging a new signature", err);
	}
	return rc;
}

static const char *check_record(const struct run_record *r)
{
	if (!r->layout_name || !*r->layout_name)
		return "layout_name";
	if (!r->layout_hash || !*r->layout_hash)
		return "layout_hash";
	if (!r->kernel_name || !*r->kernel_name)
		return "kernel_name";
	if (r->attempt < 1)
		return "attempt (>= 1)";
	return NULL;
}

int store_add_run(struct store *s, const struct run_record *r, int *new_signatures, char **err)
{
	if (err)
		*err = NULL;
	const char *missing = check_record(r);
	if (missing)
		return give_error(err, xasprintf("%s: cannot store a run record without %s", s->path, missing));
	struct add_ctx c = { .r = r };
	if (r->started_at && *r->started_at)
		snprintf(c.seen_at, sizeof c.seen_at, "%s", r->started_at);
	else
		now_iso(c.seen_at);
	int rc = store_transaction(s, add_run_body, &c, err);
	if (rc == 0 && new_signatures)
		*new_signatures = c.new_signatures;
	strv_free(&c.touched);
	return rc;
}

int store_load_attempts(struct store *s, const char *layout_name, const char *kernel_name,
			struct store_attempt **out, int *n, char **err)
{
	sqlite3_stmt *st;
	*out = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT runs.attempt, layouts.hash, runs.outcome, runs.title FROM runs"
			     " JOIN layouts ON layouts.id = runs.layout_id JOIN kernels ON kernels.id = runs.kernel_id"
			     " WHERE layouts.name = ?1 AND kernels.name = ?2 ORDER BY runs.attempt, runs.id", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, layout_name);
	store_bind_text(st, 2, kernel_name);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
		struct store_attempt *a = &(*out)[(*n)++];
		a->attempt = sqlite3_column_int(st, 0);
		a->layout_hash = store_column_dup(st, 1);
		char *oc = store_column_dup(st, 2);
		a->outcome = oc ? outcome_from_name(oc) : -1;
		free(oc);
		a->title = store_column_dup(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_attempts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, "reading the attempts to resume", err);
	}
	return 0;
}

void store_attempts_free(struct store_attempt *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].layout_hash);
		free(v[i].title);
	}
	free(v);
}

bool store_run_finished(struct store *s, const char *layout_hash, const char *kernel_name, int attempt)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (store_prepare(s, "SELECT 1 FROM runs JOIN layouts ON layouts.id = runs.layout_id"
			     " JOIN kernels ON kernels.id = runs.kernel_id"
			     " WHERE layouts.hash = ?1 AND kernels.name = ?2 AND runs.attempt = ?3"
			     " AND runs.outcome != 'infra'", &st, &err) < 0) {
		free(err);
		return false;
	}
	store_bind_text(st, 1, layout_hash);
	store_bind_text(st, 2, kernel_name);
	sqlite3_bind_int(st, 3, attempt);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}
