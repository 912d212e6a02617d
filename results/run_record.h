/* results/run_record.h: one boot of one topology on one kernel, as the runner
 * hands it to the store and the reports. The runner fills it and writes the
 * run directory; the store keeps it in SQLite; compare/report read it back.
 *
 * Run directory (OUT/runs/<layout-name>/<kernel>/<attempt>/):
 *   topology.topo   the exact topology text that booted
 *   argv.txt        the QEMU argument vector, one argument per line
 *   console.log     everything the serial console printed (complete, also after a panic)
 *   steps.log       runtime steps the host performed, one per line with timestamps
 *   record.json     this structure as JSON, written last, for people and other tools;
 *                   a run is finished when the store has it, not when this file exists */
#ifndef RESULTS_RUN_RECORD_H
#define RESULTS_RUN_RECORD_H
#include "results/triage.h"
#include "results/divergence.h"
#include "results/coverage.h"

struct run_record {
	char *campaign;               /* campaign name (the --out directory's run group) */
	char *layout_name;            /* topology name */
	char *layout_hash;            /* topo_hash(): sha256 of the canonical text */
	char *topology_text;          /* exact text booted */
	char *kernel_name;            /* catalogue name, e.g. farm-6.1 */
	char *kernel_version;         /* "Linux version ..." release read from the console, or NULL */
	char *kernel_source;          /* deb package or source+config+patches description */
	int attempt;                  /* 1, 2, 3 (infra retries and --rerun) */
	char *dir;                    /* run directory */
	char *argv_text;              /* argv, one argument per line */
	char *started_at;             /* ISO 8601 UTC */
	double t_first_output;        /* seconds from QEMU start; < 0 unknown */
	double t_ready;               /* to @@TOPOFARM READY */
	double t_end;                 /* to the end of the run */
	enum run_end end;
	char *end_detail;             /* "guest finished", "no output for 30 s", "QEMU exited with 1: ..." */
	int qemu_exit;                /* exit status, -1 if killed */
	int steps_done, steps_total;
	struct triage_result triage;  /* outcome, title, reports */
	struct divergence divergence; /* the layout oracle's differences (outcome divergence) */
	struct coverage coverage;     /* boot coverage of a gcov kernel (present false: none) */
};

void run_record_free(struct run_record *r);
/* The second oracle: a run that passed triage but whose kernel built
 * something else than the layout model predicts (results/divergence.h)
 * becomes outcome divergence, titled "divergence in GROUP". */
void run_record_check_divergence(struct run_record *r, const char *console, size_t len);
/* record.json text. */
char *run_record_to_json(const struct run_record *r);

#endif
