/* results/store_internal.h: what store.c, store_schema.c and store_read.c
 * share: the handle, and the transaction runner that retries when another
 * topofarm process holds the write lock. Not for use outside results/. */
#ifndef RESULTS_STORE_INTERNAL_H
#define RESULTS_STORE_INTERNAL_H
#include "results/store.h"
#include <sqlite3.h>

struct store {
	sqlite3 *db;
	char *path;
};

/* Runs body(s, ctx, err) inside BEGIN IMMEDIATE ... COMMIT. If SQLite says
 * the database is busy or locked (another writer), rolls back, waits a
 * little and runs body again: body must be safe to repeat (it only issues
 * SQL on s). Returns 0, or -1 with *err. */
typedef int (*store_txn_fn)(struct store *s, void *ctx, char **err);
int store_transaction(struct store *s, store_txn_fn body, void *ctx, char **err);

/* Sets *err from the connection's last error, prefixed with what was being
 * done; returns -1. Keeps SQLITE_BUSY visible to store_transaction. */
int store_fail(struct store *s, const char *doing, char **err);
/* True if the last error of s was busy/locked (worth a retry). */
bool store_last_busy(struct store *s);
/* Prepares SQL or fails. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, char **err);
/* Steps a statement that returns no row and finalizes it: 0, or -1 with
 * *err naming what was being done. */
int store_step(struct store *s, sqlite3_stmt *st, const char *doing, char **err);
/* Binds a string or NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Column text duplicated, or NULL. */
char *store_column_dup(sqlite3_stmt *st, int i);

/* Brings the schema up to store_schema_version(), one numbered migration at a
 * time, each in its own transaction. Refuses a database from a newer build. */
int store_schema_migrate(struct store *s, char **err);

#endif
