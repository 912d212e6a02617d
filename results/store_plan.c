/* results/store_plan.c: campaign plans in the store (schema migration 5):
 * the layouts a campaign planned, in order, with their origin (so the store
 * alone recreates any of them), the corpus decisions, and the time spent;
 * and the kernel edges a layout reached, for the corpus rule. topofarm
 * campaign resumes from these rows. */
#include "results/store_internal.h"
#include "common/buf.h"
#include "results/coverage.h"
#include <stdlib.h>
#include <string.h>

struct plan_add_ctx {
	const char *campaign;
	const struct store_plan_entry *v;
	int n;
};

static int campaign_id(struct store *s, const char *name, bool create, long long *id, char **err)
{
	sqlite3_stmt *st;
	if (create) {
		if (store_prepare(s, "INSERT INTO campaigns(name, started) VALUES(?1, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
				     "ON CONFLICT(name) DO NOTHING", &st, err) < 0)
			return -1;
		store_bind_text(st, 1, name);
		if (store_step(s, st, "adding the campaign", err) < 0)
			return -1;
	}
	if (store_prepare(s, "SELECT id FROM campaigns WHERE name = ?1", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, "reading the campaign", err);
	return 0;
}

static int add_one(struct store *s, long long campaign, const struct store_plan_entry *e, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "INSERT INTO layouts(hash, name, text) VALUES(?1, ?2, ?3) ON CONFLICT(hash) DO NOTHING",
			  &st, err) < 0)
		return -1;
	store_bind_text(st, 1, e->hash);
	store_bind_text(st, 2, e->name);
	store_bind_text(st, 3, e->text);
	if (store_step(s, st, "adding the planned layout", err) < 0)
		return -1;
	if (store_prepare(s, "INSERT INTO campaign_plan(campaign_id, seq, chunk, layout_id, origin, seed, idx, strategy,"
			     " machine, parent_hash, source, corpus) SELECT ?1, ?2, ?3, id, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11"
			     " FROM layouts WHERE hash = ?12 ON CONFLICT(campaign_id, seq) DO NOTHING", &st, err) < 0)
		return -1;
	const struct store_origin *o = &e->origin;
	sqlite3_bind_int64(st, 1, campaign);
	sqlite3_bind_int(st, 2, e->seq);
	sqlite3_bind_int(st, 3, e->chunk);
	store_bind_text(st, 4, o->kind);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)o->seed);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)o->index);
	store_bind_text(st, 7, o->strategy);
	sqlite3_bind_int(st, 8, o->machine);
	store_bind_text(st, 9, o->parent_hash);
	store_bind_text(st, 10, o->source);
	store_bind_text(st, 11, e->corpus);
	store_bind_text(st, 12, e->hash);
	return store_step(s, st, "adding the plan entry", err);
}

static int plan_add_body(struct store *s, void *vctx, char **err)
{
	struct plan_add_ctx *c = vctx;
	long long id;
	if (campaign_id(s, c->campaign, true, &id, err) < 0)
		return -1;
	for (int i = 0; i < c->n; i++)
		if (add_one(s, id, &c->v[i], err) < 0)
			return -1;
	return 0;
}

int store_plan_add(struct store *s, const char *campaign, const struct store_plan_entry *v, int n, char **err)
{
	struct plan_add_ctx c = { campaign, v, n };
	return store_transaction(s, plan_add_body, &c, err);
}

#define PLAN_COLUMNS "p.seq, p.chunk, l.name, l.hash, l.text, p.origin, p.seed, p.idx, p.strategy, p.machine," \
		     " p.parent_hash, p.source, p.corpus"

static void read_entry(sqlite3_stmt *st, struct store_plan_entry *e)
{
	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int(st, 0);
	e->chunk = sqlite3_column_int(st, 1);
	e->name = store_column_dup(st, 2);
	e->hash = store_column_dup(st, 3);
	e->text = store_column_dup(st, 4);
	e->origin.kind = store_column_dup(st, 5);
	e->origin.seed = (unsigned long long)sqlite3_column_int64(st, 6);
	e->origin.index = (unsigned long long)sqlite3_column_int64(st, 7);
	e->origin.strategy = store_column_dup(st, 8);
	e->origin.machine = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9);
	e->origin.parent_hash = store_column_dup(st, 10);
	e->origin.source = store_column_dup(st, 11);
	e->corpus = store_column_dup(st, 12);
}

static void entry_free(struct store_plan_entry *e)
{
	free(e->name), free(e->hash), free(e->text), free(e->corpus);
	free(e->origin.kind), free(e->origin.strategy), free(e->origin.parent_hash), free(e->origin.source);
}

void store_plan_free(struct store_plan_entry *v, int n)
{
	for (int i = 0; i < n; i++)
		entry_free(&v[i]);
	free(v);
}

int store_plan_load(struct store *s, const char *campaign, struct store_plan_entry **out, int *n, char **err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT " PLAN_COLUMNS " FROM campaign_plan p JOIN layouts l ON l.id = p.layout_id"
			     " JOIN campaigns c ON c.id = p.campaign_id WHERE c.name = ?1 ORDER BY p.seq", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, campaign);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
		read_entry(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_plan_free(*out, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, "reading the campaign plan", err);
	}
	return 0;
}

struct decide_ctx {
	const char *campaign, *corpus;
	int seq;
};

static int decide_body(struct store *s, void *vctx, char **err)
{
	struct decide_ctx *c = vctx;
	sqlite3_stmt *st;
	if (store_prepare(s, "UPDATE campaign_plan SET corpus = ?1 WHERE seq = ?2 AND campaign_id ="
			     " (SELECT id FROM campaigns WHERE name = ?3)", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, c->corpus);
	sqlite3_bind_int(st, 2, c->seq);
	store_bind_text(st, 3, c->campaign);
	return store_step(s, st, "recording the corpus decision", err);
}

int store_plan_decide(struct store *s, const char *campaign, int seq, const char *corpus, char **err)
{
	struct decide_ctx c = { campaign, corpus, seq };
	return store_transaction(s, decide_body, &c, err);
}

/* One entry from a query whose only parameter (?1) is bound by bind. */
static int one_entry(struct store *s, const char *sql, const char *text_key, long long int_key,
		     struct store_plan_entry *out, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, sql, &st, err) < 0)
		return -1;
	if (text_key)
		store_bind_text(st, 1, text_key);
	else
		sqlite3_bind_int64(st, 1, int_key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_entry(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return store_fail(s, "reading the campaign plan", err);
}

int store_plan_of_run(struct store *s, long long run, struct store_plan_entry *out, char **err)
{
	return one_entry(s, "SELECT " PLAN_COLUMNS " FROM runs r JOIN campaign_plan p ON p.layout_id = r.layout_id"
			    " AND p.campaign_id = r.campaign_id JOIN layouts l ON l.id = p.layout_id WHERE r.id = ?1",
			 NULL, run, out, err);
}

int store_plan_of_layout(struct store *s, const char *layout_name, struct store_plan_entry *out, char **err)
{
	return one_entry(s, "SELECT " PLAN_COLUMNS " FROM campaign_plan p JOIN layouts l ON l.id = p.layout_id"
			    " WHERE l.name = ?1 ORDER BY p.campaign_id DESC, p.seq LIMIT 1", layout_name, 0, out, err);
}

long long store_run_id_by_dir(struct store *s, const char *dir)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (store_prepare(s, "SELECT id FROM runs WHERE dir = ?1", &st, &err) < 0) {
		free(err);
		return -1;
	}
	store_bind_text(st, 1, dir);
	long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return id;
}

char *store_layout_text(struct store *s, const char *hash)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (store_prepare(s, "SELECT text FROM layouts WHERE hash = ?1", &st, &err) < 0) {
		free(err);
		return NULL;
	}
	store_bind_text(st, 1, hash);
	char *text = sqlite3_step(st) == SQLITE_ROW ? store_column_dup(st, 0) : NULL;
	sqlite3_finalize(st);
	return text;
}

struct seconds_ctx {
	const char *name;
	double seconds;
};

static int seconds_body(struct store *s, void *vctx, char **err)
{
	struct seconds_ctx *c = vctx;
	long long id;
	if (campaign_id(s, c->name, true, &id, err) < 0)
		return -1;
	sqlite3_stmt *st;
	if (store_prepare(s, "UPDATE campaigns SET seconds = seconds + ?1 WHERE id = ?2", &st, err) < 0)
		return -1;
	sqlite3_bind_double(st, 1, c->seconds);
	sqlite3_bind_int64(st, 2, id);
	return store_step(s, st, "adding the campaign's time", err);
}

int store_campaign_add_seconds(struct store *s, const char *name, double seconds, char **err)
{
	struct seconds_ctx c = { name, seconds };
	return store_transaction(s, seconds_body, &c, err);
}

double store_campaign_seconds(struct store *s, const char *name)
{
	sqlite3_stmt *st;
	char *err = NULL;
	if (store_prepare(s, "SELECT seconds FROM campaigns WHERE name = ?1", &st, &err) < 0) {
		free(err);
		return 0;
	}
	store_bind_text(st, 1, name);
	double v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_double(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

int store_layout_edges(struct store *s, const char *layout_hash, const char *kernel_name, struct edge_set *out,
		       char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT c.edges FROM run_coverage c JOIN runs r ON r.id = c.run_id"
			     " JOIN layouts l ON l.id = r.layout_id JOIN kernels k ON k.id = r.kernel_id"
			     " WHERE l.hash = ?1 AND k.name = ?2", &st, err) < 0)
		return -1;
	store_bind_text(st, 1, layout_hash);
	store_bind_text(st, 2, kernel_name);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct edge_set one = { 0 };
		int n = sqlite3_column_bytes(st, 0);
		if (edge_set_decode(sqlite3_column_blob(st, 0), n > 0 ? (size_t)n : 0, &one) == 0)
			edge_set_merge(out, &one);   /* a corrupt blob adds nothing */
		edge_set_free(&one);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "reading a layout's kernel edges", err);
	edge_set_normalize(out);
	return 0;
}
