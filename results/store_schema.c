/* results/store_schema.c: the store's schema as numbered migrations.
 * PRAGMA user_version holds the number of migrations applied; opening a store
 * applies the missing ones in order, each in a transaction that also bumps
 * user_version, so a crash or a second process never sees half a migration.
 * Add a migration by appending to the list: never edit one that shipped. */
#include "results/store_internal.h"
#include "common/buf.h"
#include <stdio.h>
#include <stdlib.h>

static const char *const migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE campaigns ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  started TEXT,"
	"  finished TEXT,"
	"  command TEXT);"
	"CREATE TABLE kernels ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  version TEXT,"              /* release read from the console */
	"  source TEXT);"
	"CREATE TABLE layouts ("
	"  id INTEGER PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE,"  /* topo_hash of the canonical text */
	"  name TEXT NOT NULL,"
	"  text TEXT);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  layout_id INTEGER NOT NULL REFERENCES layouts(id),"
	"  kernel_id INTEGER NOT NULL REFERENCES kernels(id),"
	"  attempt INTEGER NOT NULL,"
	"  campaign_id INTEGER REFERENCES campaigns(id),"
	"  outcome TEXT NOT NULL,"
	"  title TEXT,"
	"  frame TEXT,"
	"  signature TEXT,"             /* of title; NULL for pass/infra */
	"  new_signature INTEGER NOT NULL DEFAULT 0,"
	"  end_reason TEXT,"
	"  end_detail TEXT,"
	"  qemu_exit INTEGER,"
	"  started_at TEXT,"
	"  seen_at TEXT NOT NULL,"      /* started_at, or when it was stored */
	"  t_first_output REAL,"
	"  t_ready REAL,"
	"  t_end REAL,"
	"  steps_done INTEGER,"
	"  steps_total INTEGER,"
	"  reached_guest INTEGER,"
	"  guest_done INTEGER,"
	"  kernel_release TEXT,"
	"  kernel_version TEXT,"        /* as the runner recorded it for this run */
	"  reports_dropped INTEGER,"
	"  dir TEXT,"
	"  argv_text TEXT,"
	"  console_path TEXT,"
	"  steps_path TEXT,"
	"  record_path TEXT,"
	"  UNIQUE(layout_id, kernel_id, attempt));"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  signature TEXT NOT NULL,"
	"  frame TEXT, family TEXT, first_line TEXT, phase TEXT, taint TEXT,"
	"  corrupted INTEGER NOT NULL DEFAULT 0,"
	"  benign INTEGER NOT NULL DEFAULT 0,"
	"  known_bug TEXT, fix TEXT,"
	"  offset INTEGER,"
	"  text TEXT,"
	"  new_signature INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE signatures ("
	"  signature TEXT PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  first_seen TEXT,"
	"  last_seen TEXT,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  known_bug TEXT,"
	"  first_run INTEGER REFERENCES runs(id) ON DELETE SET NULL);"
	"CREATE INDEX runs_signature ON runs(signature);"
	"CREATE INDEX reports_run ON reports(run_id);"
	"CREATE INDEX reports_signature ON reports(signature);",
	/* 2: the layout oracle's differences (outcome divergence), both views. */
	"CREATE TABLE divergences ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  grp TEXT NOT NULL,"          /* "Zone ranges", "probe memory-blocks", ... */
	"  model TEXT NOT NULL,"        /* the model's lines the kernel did not show */
	"  kernel TEXT NOT NULL);"      /* the kernel's lines the model did not predict */
	"CREATE INDEX divergences_run ON divergences(run_id);",
	/* 3: seed-bug canaries per run (results/canary.h). */
	"CREATE TABLE canaries ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  bug INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"        /* reached, triggered or detected */
	"  PRIMARY KEY(run_id, bug));",
	/* 4: a report's frames with file:line when the kernel's vmlinux was known
	 * ("FRAME\tWHERE" lines, results/symbolize.h). */
	"ALTER TABLE reports ADD COLUMN frames TEXT;",
	/* 5: campaign plans (topofarm campaign): every layout a campaign
	 * planned, in order, with where it came from, so the store alone
	 * recreates it (gen: seed, index, strategy, machine; mutate: the parent
	 * layout and the mutation's seed and index; file: the path); whether
	 * the corpus kept it; and the boot time each campaign has spent. */
	"CREATE TABLE campaign_plan ("
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  seq INTEGER NOT NULL,"
	"  chunk INTEGER NOT NULL,"
	"  layout_id INTEGER NOT NULL REFERENCES layouts(id),"
	"  origin TEXT NOT NULL,"       /* gen, mutate or file */
	"  seed INTEGER,"               /* the generator's or mutation's seed (as signed 64 bits) */
	"  idx INTEGER,"                /* the layout's index under that seed */
	"  strategy TEXT,"              /* gen: the strategy picked */
	"  machine INTEGER,"            /* gen: -1 either, else the forced machine */
	"  parent_hash TEXT,"           /* mutate: layouts.hash of the parent */
	"  source TEXT,"                /* file: where it was read */
	"  corpus TEXT,"                /* why the corpus kept it; '' not kept; NULL not decided yet */
	"  PRIMARY KEY(campaign_id, seq));"
	"CREATE INDEX campaign_plan_layout ON campaign_plan(layout_id);"
	"ALTER TABLE campaigns ADD COLUMN seconds REAL NOT NULL DEFAULT 0;",
	/* 6: boot coverage of a gcov kernel (results/coverage.h): the edge set
	 * as edge_set_encode() writes it, and how complete the dump was. */
	"CREATE TABLE run_coverage ("
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
	"  edge_count INTEGER NOT NULL,"
	"  objects INTEGER NOT NULL,"
	"  counters INTEGER NOT NULL,"
	"  complete INTEGER NOT NULL,"
	"  bad_lines INTEGER NOT NULL,"
	"  object_errors INTEGER NOT NULL,"
	"  problem TEXT,"
	"  edges BLOB NOT NULL);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void)
{
	return N_MIGRATIONS;
}

static int read_version(struct store *s, int *version, char **err)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "PRAGMA user_version", &st, err) < 0)
		return -1;
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, "reading the schema version", err);
	return 0;
}

struct migrate_ctx {
	int applied;
};

/* One step: re-read the version inside the write transaction (another
 * process may have migrated meanwhile) and apply the next migration. */
static int migrate_one(struct store *s, void *vctx, char **err)
{
	struct migrate_ctx *ctx = vctx;
	int v;
	ctx->applied = 0;
	if (read_version(s, &v, err) < 0)
		return -1;
	if (v >= N_MIGRATIONS)
		return 0;
	if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
		char doing[64];
		snprintf(doing, sizeof doing, "applying schema migration %d", v + 1);
		return store_fail(s, doing, err);
	}
	char *bump = xasprintf("PRAGMA user_version = %d", v + 1);
	int rc = sqlite3_exec(s->db, bump, NULL, NULL, NULL);
	free(bump);
	if (rc != SQLITE_OK)
		return store_fail(s, "setting the schema version", err);
	ctx->applied = 1;
	return 0;
}

int store_schema_migrate(struct store *s, char **err)
{
	int v;
	if (read_version(s, &v, err) < 0)
		return -1;
	if (v > N_MIGRATIONS) {
		*err = xasprintf("%s: schema version %d is newer than this topofarm understands (%d): "
				 "use a newer topofarm", s->path, v, N_MIGRATIONS);
		return -1;
	}
	for (;;) {
		struct migrate_ctx ctx;
		if (store_transaction(s, migrate_one, &ctx, err) < 0)
			return -1;
		if (!ctx.applied)
			return 0;
	}
}
