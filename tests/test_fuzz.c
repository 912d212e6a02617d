/* tests/test_fuzz.c: every libFuzzer harness in fuzz/ builds with clang and
 * runs a bounded number of inputs without a crash, leak or sanitizer report.
 * libFuzzer writes new inputs into its FIRST corpus directory, so that one is
 * a scratch directory of this test; the project's corpora (fuzz/corpus/NAME,
 * the topology and console-log fixtures) follow it and are only read. */
#include "tests/harness.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_fuzzer(const char *name, const char *seeds1, const char *seeds2)
{
	char bin[64], runs[] = "-runs=20000";
	snprintf(bin, sizeof bin, "fuzz/%s", name);
	char *scratch = path_join(test_tmpdir(), name);
	REQUIRE(mkdir_p(scratch, 0755) == 0);
	char *corpus = xasprintf("fuzz/corpus/%s", name);
	*strrchr(corpus, '_') = 0;    /* topo_fuzz -> fuzz/corpus/topo */
	/* Seeds that exist, after the scratch directory (a harness may not have a curated corpus yet). */
	char *argv[9] = { bin, runs, "-max_len=8192", "-timeout=10", scratch, NULL };
	int n = 5;
	const char *seeds[] = { corpus, seeds1, seeds2 };
	for (int i = 0; i < 3; i++)
		if (seeds[i] && is_dir(seeds[i]))
			argv[n++] = (char *)seeds[i];
	argv[n] = NULL;
	struct proc_opts o = { .capture = true, .timeout = 300, .cwd = NULL };
	struct proc_result r;
	proc_run(argv, &o, &r);
	if (r.exit_code != 0)
		test_fail(__FILE__, __LINE__, "%s exited %d:\n%.4000s", name, r.exit_code, r.out ? r.out : "");
	CHECK(r.out && strstr(r.out, "Done "));
	proc_result_free(&r);
	free(corpus);
	free(scratch);
}

SLOW_TEST(fuzz_harnesses_build_and_run_clean)
{
	char *make[] = { "make", "-s", "-C", "fuzz", NULL };
	struct proc_opts o = { .capture = true, .timeout = 600 };
	struct proc_result r;
	proc_run(make, &o, &r);
	if (r.exit_code != 0) {
		test_fail(__FILE__, __LINE__, "make -C fuzz failed:\n%s", r.out ? r.out : "");
		proc_result_free(&r);
		return;
	}
	proc_result_free(&r);
	run_fuzzer("topo_fuzz", "topologies/examples", "topologies/seeds");
	run_fuzzer("acpi_fuzz", "topologies/examples", "topologies/seeds");
	run_fuzzer("triage_fuzz", "tests/triage", NULL);
	run_fuzzer("layout_fuzz", "topologies/seeds", NULL);
	run_fuzzer("import_fuzz", "tests/import", NULL);
	run_fuzzer("coverage_fuzz", "tests/coverage/consoles", NULL);
}
