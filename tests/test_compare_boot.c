/* tests/test_compare_boot.c: the stock-vs-fixed job end to end on real
 * boots: seed 000 once on the default pair, then `compare --rerun 2` boots
 * the missing attempts and calls the layout fixed, with 2/2 crashes on the
 * pre-fix kernel and 0/2 on the fixed one. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/json_parse.h"
#include <stdlib.h>
#include <string.h>

SLOW_TEST(compare_rerun_boots_missing_attempts_and_finds_the_fix)
{
	char *stock_image = test_kernel_image("farm-6.1-prefix");
	char *fixed_image = stock_image ? test_kernel_image("farm-6.1") : NULL;
	free(stock_image);
	if (!fixed_image)
		return;   /* skipped: `run` would build the kernel, which is not a test's job */
	free(fixed_image);
	char *out = path_join(test_tmpdir(), "results");
	char *run[] = { (char *)topofarm_bin(), "run", "topologies/seeds/000-tiny-node.topo", "--kernels",
			"farm-6.1-prefix,farm-6.1", "--out", out, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(run, 600, &r), 0);   /* both outcomes are what the topology expects */
	proc_result_free(&r);

	char *cmp[] = { (char *)topofarm_bin(), "compare", "--dir", out, "--kernels", "farm-6.1-prefix,farm-6.1",
			"--rerun", "2", "--json", NULL };
	CHECK_INT(run_captured(cmp, 600, &r), 0);
	REQUIRE(r.out);
	struct json_value *v;
	char *err = NULL;
	const char *json = strchr(r.out, '{');   /* the run's progress lines come first */
	REQUIRE(json && json_parse(json, strlen(json), "compare", &v, &err) == 0);
	const struct json_value *layouts = json_get(v, "layouts");
	REQUIRE(layouts && layouts->n == 1);
	const struct json_value *l = &layouts->items[0];
	CHECK_STR(json_get_string(l, "verdict"), "fixed");
	long long attempts = 0, crashed = -1;
	const struct json_value *stock = json_get(l, "stock_runs"), *fixed = json_get(l, "fixed_runs");
	REQUIRE(stock && fixed);
	CHECK(json_get_int(stock, "attempts", &attempts) && attempts == 2);
	CHECK(json_get_int(stock, "crashed", &crashed) && crashed == 2);
	CHECK_STR(json_get_string(stock, "title"), "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK(json_get_int(fixed, "attempts", &attempts) && attempts == 2);
	CHECK(json_get_int(fixed, "crashed", &crashed) && crashed == 0);
	json_value_free(v);
	proc_result_free(&r);
	/* Two attempts of each kernel now exist on disk. */
	char *a2 = path_join(out, "runs/seed-000-tiny-node/farm-6.1/2/record.json");
	CHECK(path_exists(a2));
	free(a2);
	free(out);
}
