/* tests/test_bugs_boot.c: the ground-truth kernel on real boots. Every seed
 * topology boots on farm-6.1-bugs with no switch and with its own bug's
 * switch; `topofarm run` must find each outcome and title to be what the
 * seed's `expect` lines say (exit 0), and the report must list exactly the
 * canaries tests/bugs/seeds.expected names for the run (none with the
 * switch off: the kernel then behaves like farm-6.1).
 *
 * tests/bugs/seeds.expected: one line per run, "TOPOLOGY KERNEL CANARIES",
 * CANARIES as the report prints them ("004 detected", "001 triggered") or
 * "-" for none. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>

struct seed_case {
	char topo[128], kernel[64], canaries[128];
};

static int load_cases(struct seed_case **out)
{
	char *text = read_file("tests/bugs/seeds.expected", NULL);
	if (!text)
		return -1;
	int n = 0;
	*out = NULL;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		struct seed_case c = { 0 };
		int used = 0;
		if (sscanf(line, "%127s %63s %n", c.topo, c.kernel, &used) != 2 || !line[used]) {
			test_fail(__FILE__, __LINE__, "tests/bugs/seeds.expected: bad line \"%s\"", line);
			continue;
		}
		snprintf(c.canaries, sizeof c.canaries, "%s", line + used);
		*out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
		(*out)[n++] = c;
	}
	free(text);
	return n;
}

SLOW_TEST(seed_bugs_boot_with_and_without_their_switch)
{
	struct seed_case *cases;
	int n = load_cases(&cases);
	REQUIRE(n >= 10);
	for (int i = 0; i < n; i++) {
		char *topo = xasprintf("topologies/seeds/%s", cases[i].topo);
		char *out = xasprintf("%s/r%d", test_tmpdir(), i);
		char *run[] = { (char *)topofarm_bin(), "run", topo, "--kernels", cases[i].kernel, "--out", out, NULL };
		struct proc_result r;
		int rc = run_captured(run, 900, &r);
		if (rc != 0)
			test_fail(__FILE__, __LINE__, "%s on %s: run exited %d (expectation not met?):\n%.3000s",
				  cases[i].topo, cases[i].kernel, rc, r.out ? r.out : "");
		proc_result_free(&r);

		char *rep[] = { (char *)topofarm_bin(), "report", "--dir", out, "--text", NULL };
		CHECK_INT(run_captured(rep, 120, &r), 0);
		bool want_none = !strcmp(cases[i].canaries, "-");
		const char *sec = r.out ? strstr(r.out, "seed-bug canaries") : NULL;
		if (want_none) {
			if (sec)
				test_fail(__FILE__, __LINE__, "%s on %s: expected no canaries, report says:\n%.500s",
					  cases[i].topo, cases[i].kernel, sec);
		} else {
			char *want = xasprintf(" on %s #1: %s\n", cases[i].kernel, cases[i].canaries);
			if (!sec || !strstr(sec, want))
				test_fail(__FILE__, __LINE__, "%s on %s: expected canaries \"%s\", report says:\n%.800s",
					  cases[i].topo, cases[i].kernel, cases[i].canaries, sec ? sec : "(no canary section)");
			free(want);
		}
		proc_result_free(&r);
		free(topo);
		free(out);
	}
	free(cases);
}
