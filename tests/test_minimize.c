/* tests/test_minimize.c: `topofarm minimize` without booting: the
 * reductions (topologies/topo_reduce.h) on the padded seed 000 under an
 * oracle that stands for the seed-000 kernel (the bug shows while a node
 * under 4 MiB sits next to a node with memory), every candidate checked as
 * `topofarm check` would; and the same-bug test (results/repro.h) on real
 * triaged consoles. The boot test is test_minimize_boot.c. */
#include "tests/harness.h"
#include "tests/results_fixture.h"
#include "results/repro.h"
#include "topologies/topo_reduce.h"
#include "common/buf.h"
#include <stdlib.h>

struct seen {
	int calls, invalid;
	struct buf descs;
};

/* NODE_MIN_SIZE's rule: node 0 under 4 MiB and another node with memory. */
static bool tiny_node_bug(void *vctx, const struct topology *t, const char *desc)
{
	struct seen *s = vctx;
	s->calls++;
	buf_printf(&s->descs, "%s\n", desc);
	struct topo_issues is;
	topo_validate(t, &is);
	if (is.n_errors)
		s->invalid++;
	topo_issues_free(&is);
	bool other = false;
	for (int i = 1; i < t->n_nodes; i++)
		other |= t->nodes[i].mem > 0;
	return t->n_nodes >= 2 && t->nodes[0].mem < 4 * 1024 * 1024 && other;
}

static bool never(void *ctx, const struct topology *t, const char *desc)
{
	(void)ctx, (void)t, (void)desc;
	return false;
}

TEST(minimize_reduces_padded_seed_000)
{
	struct topology t, min;
	struct topo_error err;
	REQUIRE(topo_parse_file("tests/minimize/seed-000-padded.topo", &t, &err) == 0);
	struct seen s = { 0, 0, BUF_INIT };
	struct minimize_stats st;
	topo_minimize(&t, tiny_node_bug, &s, &min, &st);
	CHECK_INT(s.invalid, 0);                /* nothing invalid reaches the oracle */
	CHECK_INT(s.calls, st.tried);
	CHECK_INT(min.n_nodes, 2);
	CHECK_INT(min.n_steps, 0);
	CHECK_INT(min.n_cmdline, 0);
	CHECK_INT(min.cpus, 1);
	if (min.n_nodes == 2) {
		CHECK_U64(min.nodes[0].mem, 2ULL << 20);
		CHECK_U64(min.nodes[1].mem, 128ULL << 20);
	}
	CHECK_U64(min.memory, 130ULL << 20);
	CHECK_CONTAINS(s.descs.s, "drop entry 0 of memmap=64M$0x60000000,16M!0x70000000");
	CHECK_CONTAINS(s.descs.s, "drop node 1");
	CHECK_CONTAINS(s.descs.s, "node 1 mem 256M -> 128M");
	/* The result is a valid file: print, parse, validate. */
	char *text = topo_print(&min);
	struct topology back;
	REQUIRE(topo_parse(text, strlen(text), "min.topo", &back, &err) == 0);
	struct topo_issues is;
	topo_validate(&back, &is);
	CHECK_INT(is.n_errors, 0);
	topo_issues_free(&is);
	topo_free(&back);
	free(text);
	/* An oracle that never reproduces keeps the original. */
	struct topology same;
	topo_minimize(&t, never, NULL, &same, &st);
	CHECK_INT(st.kept, 0);
	CHECK(st.tried > 5);
	char *a = topo_print(&t), *b = topo_print(&same);
	CHECK_STR(b, a);
	free(a);
	free(b);
	topo_free(&same);
	buf_free(&s.descs);
	topo_free(&min);
	topo_free(&t);
}

TEST(minimize_node_removal_keeps_references_consistent)
{
	static const char text[] =
		"name n\nmachine pc\ncpus 3\nmemory 3G\n"
		"node 0 mem=1G cpus=0\nnode 1 mem=1G cpus=1\nnode 2 mem=1G cpus=2\n"
		"distance 0 1 15\ndistance 0 2 25\ndistance 1 2 35\n"
		"step offline-node 2\n";
	struct topology t, out;
	struct topo_error err;
	REQUIRE(topo_parse(text, sizeof text - 1, "n.topo", &t, &err) == 0);
	char desc[160];
	/* Dropping node 1: node 2 becomes node 1, its distances and its step follow. */
	REQUIRE(topo_reduce(&t, REDUCE_NODE, 1, &out, desc, sizeof desc) == 0);
	CHECK_STR(desc, "drop node 1");
	CHECK_INT(out.n_nodes, 2);
	CHECK_INT(topo_distance(&out, 0, 1), 25);
	CHECK_INT(out.steps[0].node, 1);
	CHECK(cpuset_has(&out.nodes[0].cpus, 1));
	CHECK_U64(out.memory, 2ULL << 30);
	topo_free(&out);
	/* Dropping node 2 would orphan the step that offlines it: refused. */
	CHECK_INT(topo_reduce(&t, REDUCE_NODE, 2, &out, desc, sizeof desc), -1);
	CHECK_INT(topo_reduce(&t, REDUCE_NODE, 3, &out, desc, sizeof desc), 1);
	topo_free(&t);
}

TEST(minimize_same_bug_test)
{
	const char *dir = test_tmpdir();
	struct run_record crash, other, clean;
	char *err = NULL;
	REQUIRE(fixture_record(dir, "tests/results/topo/tiny-node.topo", "farm-6.1-prefix", 1,
			       "seed000_null_deref_deactivate_slab", NULL, "c", 0, &crash, &err) == 0);
	REQUIRE(fixture_record(dir, "tests/results/topo/tiny-node.topo", "farm-6.12", 1,
			       "null_deref_deactivate_slab_612_variant", NULL, "c", 1, &other, &err) == 0);
	REQUIRE(fixture_record(dir, "tests/results/topo/two-node.topo", "farm-6.1", 1, "clean_boot_61", NULL, "c", 2,
			       &clean, &err) == 0);
	struct repro_target t;
	REQUIRE(repro_target_of(&crash, &t, &err) == 0);
	CHECK_STR(t.label, "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK(repro_matches(&t, &crash));
	CHECK(repro_matches(&t, &other));       /* same bucket on another kernel */
	CHECK(!repro_matches(&t, &clean));
	repro_target_free(&t);
	CHECK_INT(repro_target_of(&clean, &t, &err), -1);
	CHECK_CONTAINS(err, "nothing to minimize");
	free(err);
	run_record_free(&crash);
	run_record_free(&other);
	run_record_free(&clean);
}
