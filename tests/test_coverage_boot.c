/* tests/test_coverage_boot.c: boot coverage from the gcov kernel
 * (farm-6.1-gcov, runner/kernels.conf; docs/coverage.md). Two layouts, each
 * booted twice: every boot reports a complete edge set; one layout twice
 * without runtime steps gives the same set up to a small noise (printed),
 * which the campaign's corpus rule does not count as new edges; a layout
 * that hot-adds, onlines, offlines and removes memory reaches edges the
 * plain two-node layout never does, enough of them for the rule's higher
 * bar for layouts with runtime steps (their own boots differ more: the
 * steps race with the guest). */
#include "tests/harness.h"
#include "tests/util.h"
#include "fuzz/campaign.h"
#include "results/coverage.h"
#include "results/store.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>

static const struct coverage *find(const struct store_runs *runs, const char *layout, int attempt)
{
	for (int i = 0; i < runs->n; i++)
		if (!strcmp(runs->v[i].layout_name, layout) && runs->v[i].attempt == attempt)
			return &runs->v[i].coverage;
	return NULL;
}

SLOW_TEST(coverage_gcov_kernel_edges_and_noise)
{
	char *image = test_kernel_image("farm-6.1-gcov");
	if (!image)
		return;
	free(image);
	char *out = path_join(test_tmpdir(), "out");
	char *a = path_join(test_repo_dir(), "topologies/examples/two-node.topo");
	char *b = path_join(test_repo_dir(), "topologies/examples/hotplug-slots.topo");
	char *argv[] = { (char *)topofarm_bin(), "run", a, b, "--kernels", "farm-6.1-gcov", "--rerun", "2",
			 "-j", "1", "--out", out, NULL };
	struct proc_result r;
	run_captured(argv, 1200, &r);
	struct store *s;
	char *err = NULL;
	struct store_runs runs = { 0 };
	if (store_open_existing(out, &s, &err) != 0 || store_load_runs(s, NULL, &runs, &err) != 0) {
		test_fail(__FILE__, __LINE__, "no store in %s: %s\n%s", out, err, r.out ? r.out : "");
		free(err);
		proc_result_free(&r);
		return;
	}
	store_close(s);
	const struct coverage *a1 = find(&runs, "two-node", 1), *a2 = find(&runs, "two-node", 2);
	const struct coverage *b1 = find(&runs, "hotplug-slots", 1), *b2 = find(&runs, "hotplug-slots", 2);
	REQUIRE(a1 && a2 && b1 && b2);
	const struct coverage *all[] = { a1, a2, b1, b2 };
	for (int i = 0; i < 4; i++) {
		CHECK(all[i]->present);
		CHECK(all[i]->complete);
		CHECK(all[i]->edges.n > 1000);
		CHECK(all[i]->objects > 20);
		if (all[i]->problem)
			fprintf(stderr, "coverage problem: %s\n", all[i]->problem);
	}
	/* Noise: the same layout twice. */
	size_t a_plus = edge_set_count_new(&a2->edges, &a1->edges), a_minus = edge_set_count_new(&a1->edges, &a2->edges);
	size_t b_plus = edge_set_count_new(&b2->edges, &b1->edges), b_minus = edge_set_count_new(&b1->edges, &b2->edges);
	struct edge_set a_all = { 0 };
	edge_set_union(&a1->edges, &a2->edges, &a_all);
	size_t b_new = edge_set_count_new(&b1->edges, &a_all);
	fprintf(stderr, "coverage: two-node %zu / %zu edges (%d objects), second boot +%zu -%zu; "
		"hotplug-slots %zu / %zu, second boot +%zu -%zu; hotplug-slots edges two-node never reached: %zu\n",
		a1->edges.n, a2->edges.n, a1->objects, a_plus, a_minus, b1->edges.n, b2->edges.n, b_plus, b_minus, b_new);
	/* The campaign's corpus rule allows for this noise (docs/coverage.md
	 * "Noise"): a second boot of the same boot-only layout is under the
	 * bar, and each boot of the layout with runtime steps clears its own
	 * (higher) bar against everything two-node reached. */
	CHECK((long long)a_plus < campaign_edge_threshold(a2->edges.n, false));
	CHECK(!campaign_has_runtime_steps("name a\nmemory 1G\nnode 0 mem=1G cpus=0\nstep probe nodes memory-blocks\n"));
	size_t b2_new = edge_set_count_new(&b2->edges, &a_all);
	CHECK((long long)b_new >= campaign_edge_threshold(b1->edges.n, true));
	CHECK((long long)b2_new >= campaign_edge_threshold(b2->edges.n, true));
	edge_set_free(&a_all);
	store_runs_free(&runs);
	proc_result_free(&r);
	free(a);
	free(b);
	free(out);
}
