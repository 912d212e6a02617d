/* tests/results_fixture.h: builds a real results directory (run
 * directories with console.log, topology.topo, argv.txt, record.json, and the
 * SQLite store) from a scenario file (format: tests/results/compare/README),
 * so compare and report are tested on realistic data without booting. */
#ifndef TESTS_RESULTS_FIXTURE_H
#define TESTS_RESULTS_FIXTURE_H
#include "results/run_record.h"

struct scenario {
	char *stock, *fixed;
	int rerun;
};

/* Returns 0, or -1 with *err (caller frees). */
int fixture_build(const char *scenario_path, const char *results_dir, struct scenario *sc, char **err);
void scenario_free(struct scenario *sc);
/* One run record from a triage fixture LOG and a topology file, with its run
 * directory written under results_dir (not stored). seq orders start times. */
int fixture_record(const char *results_dir, const char *topo_path, const char *kernel, int attempt,
		   const char *log_name, const char *end, const char *campaign, int seq,
		   struct run_record *r, char **err);

#endif
