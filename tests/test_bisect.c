/* tests/test_bisect.c: the step decisions of `topofarm bisect` on run
 * records made from real console logs (tests/triage fixtures, triaged for
 * real): deterministic steps decide after 2 agreeing attempts, infra runs
 * never count, a flaky step asks for more boots and is then judged by
 * syzkaller's threshold or called undecidable. The bisections themselves
 * boot kernels: tests/test_bisect_boot.c. */
#include "tests/harness.h"
#include "tests/results_fixture.h"
#include "tests/util.h"
#include "results/bisect.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <stdlib.h>

#define CRASH "seed000_null_deref_deactivate_slab"
#define CLEAN "clean_boot_61"
#define OTHER "bad_page_state_61"
#define INFRA "infra_end"

struct bisect_case {
	const char *name;
	const char *ref[4];         /* the reference kernel's attempts (NULL-ended); none: judge as reference */
	const char *step[10];       /* the judged kernel's attempts */
	enum step_state want;
	bool flaky;
};

static const struct bisect_case cases[] = {
	{ "crash reference, clean step: different after 2", { CRASH, CRASH }, { CLEAN, CLEAN }, STEP_DIFFERENT, false },
	{ "crash reference, same crash: same after 2", { CRASH, CRASH }, { CRASH, CRASH }, STEP_SAME, false },
	{ "another crash title is different", { CRASH, CRASH }, { OTHER, OTHER }, STEP_DIFFERENT, false },
	{ "one attempt is not enough", { CRASH, CRASH }, { CLEAN }, STEP_NEED_RUNS, false },
	{ "infra never decides", { CRASH, CRASH }, { CLEAN, INFRA, INFRA }, STEP_NEED_RUNS, false },
	{ "infra ignored beside two agreeing", { CRASH, CRASH }, { INFRA, CLEAN, INFRA, CLEAN }, STEP_DIFFERENT, false },
	{ "disagreeing attempts are rerun", { CRASH, CRASH }, { CRASH, CLEAN }, STEP_NEED_RUNS, true },
	{ "flaky but the crash shows 2/8: still there", { CRASH, CRASH },
	  { CRASH, CLEAN, CLEAN, CLEAN, CLEAN, CLEAN, CRASH, CLEAN }, STEP_SAME, true },
	{ "flaky, the reference crash never: different", { CRASH, CRASH },
	  { OTHER, CLEAN, CLEAN, CLEAN, OTHER, CLEAN, CLEAN, CLEAN }, STEP_DIFFERENT, true },
	{ "flaky, reference crash once in 8: undecidable", { CRASH, CRASH },
	  { CRASH, CLEAN, CLEAN, CLEAN, OTHER, CLEAN, CLEAN, CLEAN }, STEP_UNDECIDABLE, true },
	{ "clean reference, one crash in 8: undecidable", { CLEAN, CLEAN },
	  { CLEAN, CLEAN, CLEAN, CLEAN, CRASH, CLEAN, CLEAN, CLEAN }, STEP_UNDECIDABLE, true },
	{ "clean reference, crashes 3/8: different", { CLEAN, CLEAN },
	  { CLEAN, CRASH, CLEAN, CRASH, CLEAN, CLEAN, CRASH, CLEAN }, STEP_DIFFERENT, true },
	{ "the reference alone: its class once 2 agree", { NULL }, { CRASH, CRASH }, STEP_SAME, false },
};

/* Run records of one kernel from fixture logs. */
static int make_runs(const char *dir, const char *kernel, const char *const *logs, struct run_record *recs,
		     const struct run_record **ptrs)
{
	int n = 0;
	char *topo = path_join(test_repo_dir(), "tests/results/topo/tiny-node.topo");
	for (; logs[n]; n++) {
		char *err = NULL;
		if (fixture_record(dir, topo, kernel, n + 1, logs[n], NULL, "test", n, &recs[n], &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s: %s", logs[n], err);
			free(err);
			break;
		}
		ptrs[n] = &recs[n];
	}
	free(topo);
	return n;
}

TEST(bisect_step_decisions)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct bisect_case *bc = &cases[c];
		char *dir = xasprintf("%s/case%zu", test_tmpdir(), c);
		struct run_record rrec[4], srec[10];
		const struct run_record *rp[4], *sp[10];
		int nr = make_runs(dir, "ref", bc->ref, rrec, rp), ns = make_runs(dir, "step", bc->step, srec, sp);
		struct step_judgement ref, j;
		bisect_judge(rp, nr, NULL, 2, 8, &ref);
		bisect_judge(sp, ns, nr ? &ref.majority : NULL, 2, 8, &j);
		if (j.state != bc->want || j.flaky != bc->flaky)
			test_fail(__FILE__, __LINE__, "%s: %s%s (%s), expected %s%s", bc->name, step_state_name(j.state),
				  j.flaky ? " flaky" : "", j.why, step_state_name(bc->want), bc->flaky ? " flaky" : "");
		step_judgement_free(&ref);
		step_judgement_free(&j);
		for (int i = 0; i < nr; i++)
			run_record_free(&rrec[i]);
		for (int i = 0; i < ns; i++)
			run_record_free(&srec[i]);
		free(dir);
	}
	CHECK(bisect_miss_bound(2) == 0.25);
}
