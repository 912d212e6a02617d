/* tests/test_minimize_boot.c: `topofarm minimize` on real boots. The padded
 * seed 000 (tests/minimize/seed-000-padded.topo: 4 nodes, memmap entries, a
 * kernel parameter, extra steps) crashes farm-6.1-prefix; minimizing that
 * run must come back to two nodes and none of the extras, still crashing
 * with the same title, and the result must pass `topofarm check`. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "topologies/topo.h"
#include <stdlib.h>
#include <string.h>

SLOW_TEST(minimize_padded_seed_000_to_two_nodes)
{
	char *image = test_kernel_image("farm-6.1-prefix");
	if (!image)
		return;
	free(image);
	char *out = path_join(test_tmpdir(), "out");
	char *topo = path_join(test_repo_dir(), "tests/minimize/seed-000-padded.topo");
	char *run[] = { (char *)topofarm_bin(), "run", topo, "--kernels", "farm-6.1-prefix", "--out", out, NULL };
	struct proc_result r;
	run_captured(run, 600, &r);
	proc_result_free(&r);
	char *dir = xasprintf("%s/runs/seed-000-padded/farm-6.1-prefix/1", out);
	REQUIRE(is_dir(dir));
	char *min[] = { (char *)topofarm_bin(), "minimize", dir, NULL };
	struct proc_result m = { 0 };
	CHECK_INT(run_captured(min, 1800, &m), 0);
	/* stdout is the .topo; the work directory keeps the same text. */
	char *min_path = xasprintf("%s/minimize/seed-000-padded--farm-6.1-prefix/minimal.topo", out);
	char *text = read_file(min_path, NULL);
	if (!text || test_failed_now)
		fprintf(stderr, "%s\n", m.out ? m.out : "");
	REQUIRE(text);
	fprintf(stderr, "%s", text);
	CHECK_CONTAINS(m.out, text);
	CHECK_CONTAINS(text, "# reproduces on farm-6.1-prefix: BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK_CONTAINS(text, " boots, ");
	struct topology t;
	struct topo_error err;
	REQUIRE(topo_parse(text, strlen(text), "min.topo", &t, &err) == 0);
	CHECK_INT(t.n_nodes, 2);
	CHECK_INT(t.n_cmdline, 0);
	CHECK_INT(t.n_steps, 0);
	if (t.n_nodes == 2)
		CHECK(t.nodes[0].mem < (4ULL << 20) || t.nodes[1].mem < (4ULL << 20));
	topo_free(&t);
	char *check[] = { (char *)topofarm_bin(), "check", min_path, NULL };
	struct proc_result c;
	CHECK_INT(run_captured(check, 60, &c), 0);
	proc_result_free(&c);
	proc_result_free(&m);
	free(text);
	free(min_path);
	free(dir);
	free(topo);
	free(out);
}
