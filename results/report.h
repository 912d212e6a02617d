/* results/report.h: reports people read, built from the result store: a
 * plain-text summary for a mailing list (syzbot style), a single-file HTML
 * page, JUnit XML for CI, and a JSON dump. report_common.c loads the data and
 * holds what the formats share (matrix cells, console excerpts, reproducers). */
#ifndef RESULTS_REPORT_H
#define RESULTS_REPORT_H
#include "common/buf.h"
#include "results/store.h"
#include <stddef.h>

struct report_data {
	char *results_dir;
	char *db_path;
	char *campaign;               /* --campaign filter, or NULL: every run */
	char *current_campaign;       /* "new" titles are the ones it first showed */
	struct store_runs runs;       /* sorted by layout, kernel, attempt */
	struct store_signature *sigs;
	int n_sigs;
	struct store_campaign *campaigns;
	int n_campaigns;
	char **kernels;               /* distinct kernel names, sorted */
	int n_kernels;
	int *layout_first;            /* index of the first run of each layout (by hash) */
	int n_layouts;
	char *generated_at;           /* ISO 8601 UTC */
};

/* Reads everything from RESULTS_DIR/topofarm.db. Returns 0, or -1 with *err. */
int report_load(const char *results_dir, const char *campaign, struct report_data *d, char **err);
void report_data_free(struct report_data *d);

/* Findings for CI (`report --fail-on-findings`): the runs in scope whose
 * outcome is neither pass nor infra (crashes, hangs, boot failures, and
 * every other verdict against the kernel, such as divergences). */
int report_count_findings(const struct report_data *d);

void report_write_text(struct buf *out, const struct report_data *d);
void report_write_html(struct buf *out, const struct report_data *d);
void report_write_junit(struct buf *out, const struct report_data *d);
void report_write_json(struct buf *out, const struct report_data *d);
/* KCIDB v5 JSON for KernelCI (results/report_kcidb.c): byte-identical for
 * the same store. */
void report_write_kcidb(struct buf *out, const struct report_data *d);

/* ---- shared by the formats ---- */

/* The runs of layout number li on kernel k (indexes into d->runs.v). */
int report_cell_runs(const struct report_data *d, int li, const char *kernel, int *idx, int max);
/* What a matrix cell shows: the worst outcome of its runs ("infra" only if
 * every run was infra), and how many of the counted runs crashed. */
struct cell_summary {
	int runs, counted, crashed;
	enum outcome worst;
	int first_crash;              /* index of the first crashing run, else of the first run; -1 none */
};
void report_cell(const struct report_data *d, int li, const char *kernel, struct cell_summary *c);
/* The report the run's title comes from, or NULL. */
const struct triage_report *report_main(const struct run_record *r);
/* The signature bucket of a title, or NULL. */
const struct store_signature *report_bucket(const struct report_data *d, const char *title);
/* A run in scope that shows the bucket (as its title if possible), or -1. */
int report_bucket_run(const struct report_data *d, const struct store_signature *g);
/* True if the bucket's first run belongs to the current campaign. */
bool report_bucket_is_new(const struct report_data *d, const struct store_signature *g);
/* Console text: up to max bytes of RUN_DIR/console.log (*total gets the file
 * size; NULL and *total 0 when unreadable). */
char *report_read_console(const struct run_record *r, size_t max, size_t *len, size_t *total);
/* The lines of the console around the main report (a few before, up to
 * max_lines after), or the report's own text when the log is gone. NULL if
 * the run has no report. Caller frees. */
char *report_excerpt(const struct run_record *r, int max_lines);
/* The main report's frames with file:line, one "  FRAME  WHERE" line each
 * (symbols known: the kernel's vmlinux was), or NULL. Caller frees. */
char *report_frames(const struct run_record *r);
/* The QEMU command line, shell-quoted from argv_text; NULL if unknown. */
char *report_qemu_command(const struct run_record *r);
/* The commands that rebuild and rerun this case, one per line with '#'
 * comments, ending with the QEMU command line when known. */
char *report_reproducer(const struct run_record *r);
/* Boot coverage over time on one kernel (edge ids compare only within a
 * kernel build): its runs with coverage in start order, each with its own
 * edge count, the edges no earlier run reached, and the union so far.
 * Returns the count; *out (caller frees) NULL when 0. */
struct coverage_point {
	int run;                      /* index into d->runs.v */
	size_t edges, new_edges, total;
};
int report_coverage_timeline(const struct report_data *d, const char *kernel, struct coverage_point **out);
/* A short id for anchors and names: layout--kernel--attempt, [a-z0-9._-] only. */
char *report_run_anchor(const struct run_record *r);

#endif
