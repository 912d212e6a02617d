/* tests/test_compare_boot.c: the stock-vs-fixed job end to end on real
 * boots: seed 000 once on the default pair, then `compare --rerun 2` boots
 * the missing attempts and calls the layout fixed, with 2/2 crashes on the
 * pre-fix kernel and 0/2 on the fixed one. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <jansson.h>
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
	json_error_t jerr;
	const char *json = strchr(r.out, '{');   /* the run's progress lines come first */
	json_t *v = json ? json_loads(json, 0, &jerr) : NULL;
	REQUIRE(v);
	json_t *layouts = json_object_get(v, "layouts");
	REQUIRE(json_array_size(layouts) == 1);
	json_t *l = json_array_get(layouts, 0);
	CHECK_STR(json_string_value(json_object_get(l, "verdict")), "fixed");
	json_t *stock = json_object_get(l, "stock_runs"), *fixed = json_object_get(l, "fixed_runs");
	REQUIRE(json_is_object(stock) && json_is_object(fixed));
	CHECK_INT(json_integer_value(json_object_get(stock, "attempts")), 2);
	CHECK_INT(json_integer_value(json_object_get(stock, "crashed")), 2);
	CHECK_STR(json_string_value(json_object_get(stock, "title")), "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK_INT(json_integer_value(json_object_get(fixed, "attempts")), 2);
	CHECK_INT(json_integer_value(json_object_get(fixed, "crashed")), 0);
	json_decref(v);
	proc_result_free(&r);
	/* Two attempts of each kernel now exist on disk. */
	char *a2 = path_join(out, "runs/seed-000-tiny-node/farm-6.1/2/record.json");
	CHECK(path_exists(a2));
	free(a2);
	free(out);
}
