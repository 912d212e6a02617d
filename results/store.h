/* results/store.h: the SQLite result store (RESULTS_DIR/topofarm.db, WAL):
 * campaigns, kernels, layouts, runs, reports and crash signatures, with a
 * versioned schema and migrations. Every write is one transaction; several
 * topofarm processes may write the same database at once and lose nothing
 * (busy timeouts + retries). Compare and report read from here. */
#ifndef RESULTS_STORE_H
#define RESULTS_STORE_H
#include "results/run_record.h"
#include <stdbool.h>

struct store;

/* Opens (creating and migrating as needed) RESULTS_DIR/topofarm.db. */
int store_open(const char *results_dir, struct store **out, char **err);
void store_close(struct store *s);
/* Adds one finished run with its layout and kernel (upserted), its reports
 * and the crash signatures they update (first/last seen, count, known bug).
 * Returns 0, or -1 with *err. new_signatures (optional) gets how many
 * report titles this store had never seen. */
int store_add_run(struct store *s, const struct run_record *r, int *new_signatures, char **err);
/* True if the store already has a finished run (any outcome but infra) of
 * this layout on this kernel with this attempt number: used to resume. */
bool store_run_finished(struct store *s, const char *layout_hash, const char *kernel_name, int attempt);
/* The stored attempts of one layout name on one kernel, by attempt number,
 * whatever version (hash) of the layout they booted: what `run` resumes
 * from (the store, not the run directories, says which runs finished).
 * outcome is -1 for an outcome name this build does not know (a run stored
 * by a newer topofarm). */
struct store_attempt {
	int attempt;
	char *layout_hash;
	int outcome;
	char *title;
};
int store_load_attempts(struct store *s, const char *layout_name, const char *kernel_name,
			struct store_attempt **out, int *n, char **err);
void store_attempts_free(struct store_attempt *v, int n);
/* The schema version this build writes. */
int store_schema_version(void);

/* ---- Additions for the readers (compare, report) and campaign bookkeeping. ---- */

/* Opens an existing store for reading and writing; unlike store_open it does
 * not create RESULTS_DIR/topofarm.db (a mistyped --dir is an error). */
int store_open_existing(const char *results_dir, struct store **out, char **err);
/* Records a campaign's start (and the command that ran it) / its end.
 * store_add_run creates a campaign it has not seen, started "now". */
int store_campaign_begin(struct store *s, const char *name, const char *command, char **err);
int store_campaign_finish(struct store *s, const char *name, char **err);

/* Runs read back: records with their triage reports, sorted by layout name,
 * kernel name, attempt. */
struct store_runs {
	struct run_record *v;
	long long *ids;               /* runs.id of each */
	bool *new_signature;          /* this run was the first to show one of its signatures */
	int n;
};
/* campaign NULL: every run in the store. */
int store_load_runs(struct store *s, const char *campaign, struct store_runs *out, char **err);
void store_runs_free(struct store_runs *runs);

/* Crash buckets: one per signature (triage_signature of a title). */
struct store_signature {
	char *signature, *title;
	char *first_seen, *last_seen; /* ISO 8601 UTC, of the runs that showed it */
	int count;                    /* runs (not reports) that showed it */
	char *known_bug;              /* known-list id, or NULL */
	long long first_run;          /* runs.id */
	char *first_campaign;         /* campaign of the first run, or NULL */
	char *first_kernel, *first_layout;
};
/* Sorted by count (descending), then title. */
int store_load_signatures(struct store *s, struct store_signature **out, int *n, char **err);
void store_signatures_free(struct store_signature *v, int n);

struct store_campaign {
	char *name, *started, *finished, *command;
	int runs;
};
/* Sorted by start time. */
int store_load_campaigns(struct store *s, struct store_campaign **out, int *n, char **err);
void store_campaigns_free(struct store_campaign *v, int n);
/* The campaign started last (by started time), or NULL if none (caller frees). */
char *store_latest_campaign(struct store *s);
/* The database path (for messages). */
const char *store_path(const struct store *s);

/* ---- Campaign plans (topofarm campaign; results/store_plan.c). ---- */

/* Where a planned layout came from: enough to make its text again. */
struct store_origin {
	char *kind;                   /* "gen", "mutate" or "file" */
	unsigned long long seed, index;
	char *strategy;               /* gen: the strategy picked */
	int machine;                  /* gen: -1 either, else enum topo_machine */
	char *parent_hash;            /* mutate: the parent layout's hash */
	char *source;                 /* file: the path it was read from */
};

struct store_plan_entry {
	int seq, chunk;
	char *name, *hash, *text;     /* the layout (layouts row) */
	struct store_origin origin;
	char *corpus;                 /* why the corpus kept it; "" not kept; NULL not decided */
};

/* Adds planned entries of campaign (created if new) and their layouts, in
 * one transaction; an entry whose seq is already there is left as it was. */
int store_plan_add(struct store *s, const char *campaign, const struct store_plan_entry *v, int n, char **err);
/* The campaign's plan by seq (empty when it has none). */
int store_plan_load(struct store *s, const char *campaign, struct store_plan_entry **out, int *n, char **err);
void store_plan_free(struct store_plan_entry *v, int n);
/* Records the corpus decision of entry seq ("" for not kept). */
int store_plan_decide(struct store *s, const char *campaign, int seq, const char *corpus, char **err);
/* The plan entry that run id `run` booted (its campaign's row for its
 * layout): 0 with *out, 1 when the run is not from a campaign plan, -1 with *err. */
int store_plan_of_run(struct store *s, long long run, struct store_plan_entry *out, char **err);
/* The plan entry named layout_name in any campaign (the latest): 0, 1 none, -1 error. */
int store_plan_of_layout(struct store *s, const char *layout_name, struct store_plan_entry *out, char **err);
/* The run id of run directory dir (as stored), or -1. */
long long store_run_id_by_dir(struct store *s, const char *dir);
/* The stored text of a layout by hash (caller frees), or NULL. */
char *store_layout_text(struct store *s, const char *hash);
/* The kernel edges (results/coverage.h) every stored run of layout_hash on
 * kernel_name reached, united into *out (appended; normalized). 0, or -1
 * with *err. Runs without coverage add nothing. */
struct edge_set;
int store_layout_edges(struct store *s, const char *layout_hash, const char *kernel_name, struct edge_set *out,
		       char **err);
/* Boot time a campaign has spent over all its invocations (seconds). */
int store_campaign_add_seconds(struct store *s, const char *name, double seconds, char **err);
double store_campaign_seconds(struct store *s, const char *name);

#endif
