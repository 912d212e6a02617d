/* tests/test_model.c: the layout model (acpi-gen/model.h) and the
 * divergence oracle (results/divergence.h) without booting: the facts it
 * must conclude about corpus layouts (tests/model/facts.txt), features that
 * are stable and named, the oracle finding nothing when the console says
 * exactly what the model predicts, the deliberately wrong model being caught
 * with the differing lines named, the benign list in step with its data
 * file, range edges, and memory blocks (copied where no range edge falls)
 * adding up to their ranges. The real-kernel proof is in test_show.c and
 * test_run_boot.c. */
#include "tests/harness.h"
#include "tests/util.h"
#include "acpi-gen/model.h"
#include "acpi-gen/model_lines.h"
#include "acpi-gen/range_edges.h"
#include "topologies/gen.h"
#include "results/divergence.h"
#include "results/run_record.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <stdlib.h>
#include <string.h>

struct names {
	struct buf b;
	int n;
	int ids[MODEL_FEATURE_MAX];
};

static void collect(uint32_t id, void *ctx)
{
	struct names *n = ctx;
	const char *name = model_feature_name(id);
	buf_printf(&n->b, " %s ", name ? name : "?");
	if (n->n < MODEL_FEATURE_MAX)
		n->ids[n->n++] = (int)id;
}

static bool model_of(const char *path, struct model *m)
{
	struct topology t;
	struct topo_error err;
	if (topo_parse_file(path, &t, &err) != 0)
		return false;
	int rc = model_compute(&t, m, NULL);
	topo_free(&t);
	return rc == 0;
}

TEST(model_concludes_the_facts_of_the_corpus)
{
	size_t len;
	char *text = read_file("tests/model/facts.txt", &len);
	REQUIRE(text);
	int cases = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *save = NULL, *path = strtok_r(line, " ", &save);
		struct model m;
		if (!model_of(path, &m)) {
			test_fail(__FILE__, __LINE__, "%s: no model", path);
			continue;
		}
		struct names n = { BUF_INIT, 0, { 0 } };
		model_features(&m, collect, &n);
		for (char *f = strtok_r(NULL, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
			bool absent = f[0] == '!';
			char *key = xasprintf(" %s ", f + absent);
			bool has = n.b.s && strstr(n.b.s, key);
			if (has == absent)
				test_fail(__FILE__, __LINE__, "%s: feature %s should be %s; the model has:%s", path, f + absent,
					  absent ? "absent" : "present", n.b.s ? n.b.s : " (none)");
			free(key);
		}
		buf_free(&n.b);
		model_free(&m);
		cases++;
	}
	CHECK(cases >= 15);
	free(text);
}

TEST(model_features_are_named_unique_and_deterministic)
{
	struct file_list files;
	list_files("topologies/examples", ".topo", &files);
	REQUIRE(files.n >= 10);
	for (int i = 0; i < files.n; i++) {
		struct model a, b;
		if (!model_of(files.v[i], &a))
			continue;
		REQUIRE(model_of(files.v[i], &b));
		struct names na = { BUF_INIT, 0, { 0 } }, nb = { BUF_INIT, 0, { 0 } };
		model_features(&a, collect, &na);
		model_features(&b, collect, &nb);
		CHECK_STR(na.b.s ? na.b.s : "", nb.b.s ? nb.b.s : "");
		for (int k = 0; k < na.n; k++) {
			CHECK(na.ids[k] >= 0 && na.ids[k] < MODEL_FEATURE_MAX);
			CHECK(model_feature_name((uint32_t)na.ids[k]) != NULL);
			for (int j = 0; j < k; j++)
				CHECK(na.ids[j] != na.ids[k]);
		}
		buf_free(&na.b);
		buf_free(&nb.b);
		model_free(&a);
		model_free(&b);
	}
	file_list_free(&files);
}

/* A console log saying exactly what the model predicts, with timestamps. */
static char *console_from_model(const struct model *m)
{
	struct model_lines ml;
	model_kernel_lines(m, &ml);
	struct buf b = BUF_INIT;
	static const char *const headers[ML__COUNT] = {
		[ML_ZONES] = "Zone ranges:", [ML_MOVABLE] = "Movable zone start for each node",
		[ML_EARLY] = "Early memory node ranges",
	};
	for (int g = 0; g < ML__COUNT; g++) {
		if (headers[g])
			buf_printf(&b, "[    0.000000] %s\r\n", headers[g]);
		for (int i = 0; i < ml.n[g]; i++)
			buf_printf(&b, "[    0.000000] %s%s\r\n", ml.v[g][i], g == ML_NODE_DATA ? " [mem 0x3ffd5000-0x3fffffff]" : "");
	}
	model_lines_free(&ml);
	return buf_steal(&b);
}

TEST(divergence_oracle_is_silent_when_the_kernel_agrees_and_names_lines_when_not)
{
	struct topology t;
	struct topo_error err;
	REQUIRE(topo_parse_file("topologies/examples/unaligned-node-boundary.topo", &t, &err) == 0);
	struct model m;
	REQUIRE(model_compute(&t, &m, NULL) == 0);
	char *log = console_from_model(&m);
	model_free(&m);
	struct divergence d;
	divergence_check(&t, log, strlen(log), NULL, &d);
	CHECK_INT(d.n, 0);
	divergence_free(&d);

	/* The deliberately wrong model: DMA ends at 32 MiB. */
	setenv("TOPOFARM_MODEL_WRONG", "1", 1);
	divergence_check(&t, log, strlen(log), NULL, &d);
	unsetenv("TOPOFARM_MODEL_WRONG");
	REQUIRE(d.n >= 1);
	char *title = divergence_title(&d);
	CHECK_CONTAINS(title, "divergence in Zone ranges");
	char *both = divergence_text(&d);
	CHECK_CONTAINS(both, "model:  DMA      [mem 0x0000000000001000-0x0000000001ffffff]");
	CHECK_CONTAINS(both, "kernel: DMA      [mem 0x0000000000001000-0x0000000000ffffff]");
	free(both);
	free(title);
	divergence_free(&d);

	/* Hostile bytes never crash it, and a log without any layout line diverges. */
	const char junk[] = "\x1b[2J\0\xff@@TOPOFARM block 1 state=\n[ 1.0] Zone ranges:\n  DMA \n";
	divergence_check(&t, junk, sizeof junk - 1, NULL, &d);
	CHECK(d.n > 0);
	divergence_free(&d);
	free(log);
	topo_free(&t);
}

/* A run on a kernel the model does not follow (6.12 and later: generic
 * NUMA init) is not compared, and says so; the same console from a 6.1
 * kernel is. The console here holds no layout line at all. */
TEST(divergence_is_not_checked_on_kernels_the_model_does_not_follow)
{
	static const char *const releases[] = { "6.12.117", "6.1.192", "6.1.0-56-amd64", "7.0.1" };
	static const bool compared[] = { false, true, true, false };
	char *text = read_file("topologies/examples/two-node.topo", NULL);
	REQUIRE(text);
	for (int i = 0; i < 4; i++) {
		struct run_record r;
		memset(&r, 0, sizeof r);
		r.topology_text = text;
		r.triage.outcome = OUTCOME_PASS;
		r.triage.kernel_release = (char *)releases[i];
		run_record_check_divergence(&r, "", 0);
		if (compared[i]) {
			CHECK(r.divergence.n > 0);
			CHECK_INT(r.triage.outcome, OUTCOME_DIVERGENCE);
		} else {
			CHECK_INT(r.divergence.n, 0);
			CHECK_INT(r.triage.outcome, OUTCOME_PASS);
			REQUIRE(r.divergence.skipped);
			CHECK_CONTAINS(r.divergence.skipped, releases[i]);
		}
		divergence_free(&r.divergence);
		free(r.triage.title);
	}
	free(text);
}

TEST(divergence_benign_list_matches_its_data_file)
{
	struct divergence_benign *b;
	char *err = NULL;
	REQUIRE(divergence_benign_load("results/divergence-benign.conf", &b, &err) == 0);
	CHECK_INT(divergence_benign_count(b), divergence_benign_count(divergence_benign_builtin()));
	CHECK(divergence_benign_match(b, ML_ZONES, "  Device   empty"));
	CHECK(!divergence_benign_match(b, ML_ZONES, "DMA      [mem 0x0000000000001000-0x0000000000ffffff]"));
	divergence_benign_free(b);
	const char bad[] = "ignore zones \"Device *\"\n";
	CHECK(divergence_benign_parse(bad, sizeof bad - 1, "x.conf", &b, &err) != 0);
	CHECK_CONTAINS(err, "x.conf:1: expected \"-- REASON\" after the glob");
	free(err);
}

/* SeaBIOS reserving more at the top of low RAM (bigger ACPI tables) is
 * benign within the listed slack: the model is recomputed with the size
 * the kernel shows, and says so; without the slack entry it diverges. */
TEST(divergence_calibrates_the_seabios_reservation_within_the_benign_slack)
{
	struct topology t;
	struct topo_error err;
	REQUIRE(topo_parse_file("topologies/examples/two-node.topo", &t, &err) == 0);
	struct model m;
	REQUIRE(model_compute_with(&t, 0x21000, &m, NULL) == 0);
	char *log = console_from_model(&m);
	model_free(&m);
	struct divergence d;
	divergence_check(&t, log, strlen(log), NULL, &d);
	CHECK_INT(d.n, 0);
	CHECK_CONTAINS(d.skipped, "SeaBIOS reserves 0x21000 bytes at the top of low RAM here (the model: 0x20000");
	divergence_free(&d);
	struct divergence_benign *strict;
	const char only_ignore[] = "ignore zones \"Device *\" -- test\n";
	REQUIRE(divergence_benign_parse(only_ignore, sizeof only_ignore - 1, "strict", &strict, NULL) == 0);
	divergence_check(&t, log, strlen(log), strict, &d);
	REQUIRE(d.n > 0);
	CHECK_STR(d.v[0].group, "BIOS-e820");
	divergence_free(&d);
	divergence_benign_free(strict);
	free(log);
	topo_free(&t);
}

/* range_edges: "an edge strictly inside (lo, hi)", through both sorts (the
 * inline insertion sort, qsort past RANGE_EDGES_INLINE) and the growth
 * past the inline array. */
TEST(range_edges_tell_a_window_with_no_edge)
{
	for (int many = 0; many < 2; many++) {
		struct range_edges e;
		range_edges_init(&e);
		/* Ranges [10k, 10k + 5) in descending order, so the sort has work. */
		int n = many ? 3 * RANGE_EDGES_INLINE : 4;
		for (int k = n - 1; k >= 0; k--)
			range_edges_add(&e, 10 * (uint64_t)k, 10 * (uint64_t)k + 5);
		range_edges_sort(&e);
		int out_of_order = 0;
		for (int i = 1; i < e.n; i++)
			out_of_order += e.v[i - 1] > e.v[i];
		CHECK_INT(out_of_order, 0);
		CHECK_INT(e.n, 2 * n);
		CHECK(!range_edges_inside(&e, 0, 5));      /* the edges themselves are not inside */
		CHECK(!range_edges_inside(&e, 5, 10));
		CHECK(range_edges_inside(&e, 5, 11));
		CHECK(range_edges_inside(&e, 4, 6));
		CHECK(!range_edges_inside(&e, 6, 9));
		uint64_t last = 10 * (uint64_t)(n - 1) + 5;
		CHECK(!range_edges_inside(&e, last, UINT64_MAX));
		CHECK(range_edges_inside(&e, last - 1, UINT64_MAX));
		range_edges_free(&e);
		CHECK_INT(e.n, 0);
	}
}

/* The bytes of each kind in [s, e) that the e820 map and the kernel's RAM
 * say, and the nodes whose early ranges meet it: how a block must add up. */
static void block_truth(const struct model *m, uint64_t s, uint64_t e, struct model_block *want)
{
	memset(want, 0, sizeof *want);
	int n;
	const struct mem_range *map = model_e820(m, &n);
	uint64_t mapped_ram = 0;
	for (int i = 0; i < n; i++) {
		uint64_t lo = map[i].start > s ? map[i].start : s, hi = map[i].end < e ? map[i].end : e;
		uint64_t bytes = hi > lo ? hi - lo : 0;
		uint64_t *slot = map[i].type == E820_RAM ? &mapped_ram
				 : map[i].type == E820_PMEM || map[i].type == E820_PRAM ? &want->pmem : &want->reserved;
		*slot += bytes;
	}
	want->ram = model_ram_in(m, s, e);
	want->reserved += mapped_ram > want->ram ? mapped_ram - want->ram : 0;
	uint64_t used = want->ram + want->pmem + want->reserved;
	want->hole = e - s > used ? e - s - used : 0;
	for (int i = 0; i < m->n_early; i++)
		if (m->early[i].start < e && m->early[i].end > s && m->early[i].node >= 0 && m->early[i].node < 128)
			want->node_mask[m->early[i].node / 64] |= 1ULL << (m->early[i].node % 64);
}

/* model_blocks describes a block only where a range edge falls near it and
 * copies the block before it elsewhere: every boot block of 1,500 generated
 * layouts (every strategy) still adds up to what its ranges say. */
TEST(model_blocks_add_up_to_their_ranges)
{
	int blocks = 0, wrong = 0;
	for (uint64_t i = 0; i < 1500; i++) {
		struct gen_options o = { .seed = 31, .machine = -1 };
		char *text = gen_layout(&o, i, NULL);
		REQUIRE(text);
		struct topology t;
		struct topo_error perr;
		struct model m;
		REQUIRE(topo_parse(text, strlen(text), "gen", &t, &perr) == 0);
		if (model_compute(&t, &m, NULL) == 0) {
			for (int k = 0; k < m.n_blocks; k++) {
				const struct model_block *b = &m.blocks[k];
				if (b->dimm)
					continue;
				struct model_block want;
				block_truth(&m, b->start, b->start + m.block_size, &want);
				bool same = b->ram == want.ram && b->pmem == want.pmem && b->reserved == want.reserved &&
					    b->hole == want.hole && !memcmp(b->node_mask, want.node_mask, sizeof want.node_mask) &&
					    b->index == b->start / m.block_size;
				if (!same && wrong++ < 5)
					test_fail(__FILE__, __LINE__, "layout %llu, block %llu: ram %llu pmem %llu reserved %llu, "
						  "the ranges say %llu %llu %llu", (unsigned long long)i,
						  (unsigned long long)b->index, (unsigned long long)b->ram,
						  (unsigned long long)b->pmem, (unsigned long long)b->reserved,
						  (unsigned long long)want.ram, (unsigned long long)want.pmem,
						  (unsigned long long)want.reserved);
				blocks++;
			}
			model_free(&m);
		}
		topo_free(&t);
		free(text);
	}
	CHECK(blocks > 10000);
}
