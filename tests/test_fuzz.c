/* tests/test_fuzz.c: every libFuzzer harness in fuzz/ builds with clang and
 * runs a bounded number of inputs, seeded with the project's own corpora,
 * without a crash, leak or sanitizer report. */
#include "tests/harness.h"
#include "common/proc.h"
#include <stdio.h>
#include <string.h>

static void run_fuzzer(const char *name, const char *seed_dir)
{
	char bin[64], runs[] = "-runs=20000";
	snprintf(bin, sizeof bin, "fuzz/%s", name);
	char *argv[] = { bin, runs, "-max_len=8192", "-timeout=10", (char *)seed_dir, NULL };
	struct proc_opts o = { .capture = true, .timeout = 300, .cwd = NULL };
	struct proc_result r;
	proc_run(argv, &o, &r);
	if (r.exit_code != 0)
		test_fail(__FILE__, __LINE__, "%s exited %d:\n%.4000s", name, r.exit_code, r.out ? r.out : "");
	CHECK(r.out && strstr(r.out, "Done "));
	proc_result_free(&r);
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
	run_fuzzer("topo_fuzz", "topologies/examples");
	run_fuzzer("acpi_fuzz", "topologies/examples");
	run_fuzzer("triage_fuzz", "tests/triage");
}
