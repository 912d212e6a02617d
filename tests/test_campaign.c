/* tests/test_campaign.c: the campaign's library and verb without booting:
 * the plan is deterministic and every planned layout (generated, mutated,
 * given) is recreated byte for byte from the store alone, also through
 * `campaign --dry-run` / `--recreate` against `topofarm gen`'s own files
 * (and given layouts: --from files, --corpus entries as `gen --from-corpus`
 * writes them);
 * the corpus rule keeps new buckets, divergences, kernel edges (per kernel)
 * and features and replays
 * the same on resume; the e-mail summary puts new crash buckets first,
 * then new divergences, then known buckets, with the smallest reproducer
 * inline; usage errors are refused with a clear message. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "fuzz/campaign.h"
#include "results/store.h"
#include "topologies/gen.h"
#include <stdlib.h>
#include <string.h>

static struct campaign_config config(const char *name, uint64_t seed, int permille)
{
	return (struct campaign_config){ .name = name, .seed = seed, .machine = -1, .mutate_permille = permille };
}

/* Adds one run of entry e on kernel to the store, with kernel edges
 * edges[0..n_edges-1] when n_edges > 0. */
static void add_run_edges(struct store *s, const char *campaign, const struct store_plan_entry *e, const char *kernel,
			  enum outcome oc, const char *title, const uint64_t *edges, int n_edges)
{
	struct run_record r = { 0 };
	r.campaign = (char *)campaign;
	r.layout_name = e->name;
	r.layout_hash = e->hash;
	r.topology_text = e->text;
	r.kernel_name = (char *)kernel;
	r.attempt = 1;
	r.started_at = "2026-11-30T00:00:00Z";
	r.triage.outcome = oc;
	r.triage.title = (char *)title;
	if (n_edges > 0) {
		r.coverage.present = r.coverage.complete = true;
		for (int i = 0; i < n_edges; i++)
			edge_set_add(&r.coverage.edges, edges[i]);
		edge_set_normalize(&r.coverage.edges);
	}
	char *err = NULL;
	if (store_add_run(s, &r, NULL, &err) != 0)
		test_fail(__FILE__, __LINE__, "store_add_run: %s", err);
	free(err);
	edge_set_free(&r.coverage.edges);
}

static void add_run(struct store *s, const char *campaign, const struct store_plan_entry *e, const char *kernel,
		    enum outcome oc, const char *title)
{
	add_run_edges(s, campaign, e, kernel, oc, title, NULL, 0);
}

static int plan_n(const struct campaign_config *c, const struct campaign_corpus *corpus, int first, int n,
		  struct store_plan_entry *v)
{
	int made = 0;
	for (int i = 0; i < n; i++) {
		char *err = NULL;
		if (campaign_plan_entry(c, NULL, 0, corpus, first + i, (first + i) / CAMPAIGN_CHUNK, &v[made], &err) == 0)
			made++;
		else
			test_fail(__FILE__, __LINE__, "plan entry %d: %s", first + i, err);
		free(err);
	}
	return made;
}

/* The set-up of the corpus and summary tests: a store in dir holding the
 * first n entries (into e) campaign `name` plans from seed, never mutating
 * (mutation needs a corpus), and an empty corpus. 0, or -1 after a failure
 * was recorded (nothing to free then). */
static int planned_store(const char *dir, const char *name, uint64_t seed, int n, struct store **s,
			 struct campaign_corpus *corpus, struct store_plan_entry *e)
{
	char *err = NULL;
	if (store_open(dir, s, &err) != 0) {
		test_fail(__FILE__, __LINE__, "store_open: %s", err);
		free(err);
		return -1;
	}
	campaign_corpus_init(corpus);
	struct campaign_config c = config(name, seed, 0);
	int made = plan_n(&c, corpus, 0, n, e);
	if (made == n && store_plan_add(*s, name, e, n, &err) == 0)
		return 0;
	test_fail(__FILE__, __LINE__, "planning %d entries of %s: %s", n, name, err ? err : "an entry failed");
	free(err);
	for (int i = 0; i < made; i++)
		campaign_plan_entry_free(&e[i]);
	campaign_corpus_free(corpus);
	store_close(*s);
	return -1;
}

TEST(campaign_plan_is_deterministic_and_recreated_from_the_store)
{
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(test_tmpdir(), &s, &err) == 0);
	struct campaign_corpus corpus;
	campaign_corpus_init(&corpus);
	struct campaign_config c = config("c1", 11, 1000);   /* always mutate once there is a corpus */
	struct store_plan_entry a[8], b[8];
	int na = plan_n(&c, &corpus, 0, 8, a), nb = plan_n(&c, &corpus, 0, 8, b);
	REQUIRE(na == 8 && nb == 8);
	for (int i = 0; i < 8; i++) {
		CHECK_STR(a[i].text, b[i].text);
		CHECK_STR(a[i].origin.kind, "gen");   /* no corpus yet: generated */
		campaign_plan_entry_free(&b[i]);
	}
	REQUIRE(store_plan_add(s, "c1", a, 8, &err) == 0);
	/* Keep two of them: the next chunk mutates them. */
	for (int i = 0; i < 8; i++) {
		char *why = campaign_corpus_judge(&corpus, s, &a[i], NULL, 0);
		CHECK(*why);   /* the first layouts always bring new features */
		CHECK(store_plan_decide(s, "c1", a[i].seq, why, &err) == 0);
		free(why);
	}
	CHECK_INT(corpus.names.n, 8);
	struct store_plan_entry m[8];
	REQUIRE(plan_n(&c, &corpus, 8, 8, m) == 8);
	int mutants = 0;
	for (int i = 0; i < 8; i++) {
		mutants += !strcmp(m[i].origin.kind, "mutate");
		CHECK(strncmp(m[i].name, !strcmp(m[i].origin.kind, "mutate") ? "mut-11-" : "gen-", 4) == 0);
	}
	CHECK(mutants >= 6);   /* a mutation may fall back to the generator, rarely */
	REQUIRE(store_plan_add(s, "c1", m, 8, &err) == 0);
	/* Every entry, read back from the store, recreated byte for byte. */
	struct store_plan_entry *v;
	int n;
	REQUIRE(store_plan_load(s, "c1", &v, &n, &err) == 0);
	CHECK_INT(n, 16);
	for (int i = 0; i < n; i++) {
		char *text = campaign_recreate(s, &v[i], &err);
		if (!text || strcmp(text, v[i].text) != 0)
			test_fail(__FILE__, __LINE__, "entry %d (%s, %s) not recreated: %s", i, v[i].name, v[i].origin.kind,
				  text ? "different bytes" : err);
		if (i >= 8)
			CHECK_STR(v[i].text, m[i - 8].text);
		free(text);
	}
	/* A mutant is a valid, bootable layout, not its parent. */
	for (int i = 0; i < 8; i++) {
		if (strcmp(m[i].origin.kind, "mutate"))
			continue;
		CHECK(strcmp(m[i].hash, m[i].origin.parent_hash) != 0);
		struct topology t;
		struct topo_error perr;
		REQUIRE(topo_parse(m[i].text, strlen(m[i].text), "m", &t, &perr) == 0);
		CHECK(gen_acceptable(&t));
		topo_free(&t);
	}
	store_plan_free(v, n);
	for (int i = 0; i < 8; i++)
		campaign_plan_entry_free(&a[i]), campaign_plan_entry_free(&m[i]);
	campaign_corpus_free(&corpus);
	store_close(s);
	free(err);
}

/* Kernel edges clear the boot-to-boot noise before they keep a layout: a
 * share of the edges the run reached, larger for layouts whose runtime steps
 * race with the guest (docs/coverage.md "Noise"). */
TEST(campaign_edges_keep_a_layout_only_above_the_noise)
{
	CHECK_INT(campaign_edge_threshold(7524, false), 75);
	CHECK_INT(campaign_edge_threshold(7986, true), 399);
	CHECK_INT(campaign_edge_threshold(3, false), 1);
	CHECK_INT(campaign_edge_threshold(0, true), 1);
	CHECK(!campaign_has_runtime_steps("name a\nmemory 1G\nnode 0 mem=1G cpus=0\nstep probe nodes\nstep sleep 1\n"));
	CHECK(campaign_has_runtime_steps("name a\nmemory 1G\nhotplug slots=2 maxmem=4G\nnode 0 mem=1G cpus=0\n"
					 "step hot-add d1 node=0 size=128M\n"));
	CHECK(campaign_has_runtime_steps("name a\ncpus 2\nmemory 1G\nnode 0 mem=512M cpus=0\nnode 1 mem=512M cpus=1\n"
					 "step cpu-down 1\n"));
	struct store *s;
	struct campaign_corpus corpus;
	struct store_plan_entry e[3];
	REQUIRE(planned_store(test_tmpdir(), "noise", 5, 3, &s, &corpus, e) == 0);
	static uint64_t ids[1300];
	for (int i = 0; i < 1300; i++)
		ids[i] = (uint64_t)i;
	char *k[] = { "k1" };
	int threshold[3];
	for (int i = 0; i < 3; i++)
		threshold[i] = campaign_has_runtime_steps(e[i].text) ? CAMPAIGN_EDGE_NOISE_STEPS : CAMPAIGN_EDGE_NOISE_BOOT;
	/* e0 reaches 1000 edges; e1 the same 1000 shifted by a few (noise); e2
	 * well past the threshold of its kind. */
	int shift1 = threshold[1] / 2, shift2 = threshold[2] * 3;
	add_run_edges(s, "noise", &e[0], "k1", OUTCOME_PASS, NULL, ids, 1000);
	add_run_edges(s, "noise", &e[1], "k1", OUTCOME_PASS, NULL, ids + shift1, 1000);
	add_run_edges(s, "noise", &e[2], "k1", OUTCOME_PASS, NULL, ids + shift2, 1000);
	char *why[3];
	for (int i = 0; i < 3; i++)
		why[i] = campaign_corpus_judge(&corpus, s, &e[i], k, 1);
	CHECK_STR(why[0], "1000 new kernel edges");
	CHECK_STR(why[1], "");   /* noise; and its new features no longer count once edges do */
	char want[64];
	snprintf(want, sizeof want, "%d new kernel edges", shift2 - shift1);
	CHECK_STR(why[2], want);
	CHECK_INT(corpus.n_edges, 1000 + shift2);   /* the noise edges are still marked seen */
	for (int i = 0; i < 3; i++)
		free(why[i]), campaign_plan_entry_free(&e[i]);
	campaign_corpus_free(&corpus);
	store_close(s);
}

TEST(campaign_corpus_keeps_new_buckets_divergences_and_features)
{
	struct store *s;
	char *err = NULL;
	struct campaign_corpus corpus;
	struct store_plan_entry e[6];
	REQUIRE(planned_store(test_tmpdir(), "night2", 3, 6, &s, &corpus, e) == 0);
	/* An earlier campaign already showed the WARNING. */
	add_run(s, "night1", &e[5], "k0", OUTCOME_WARNING, "WARNING in topology_sane");
	REQUIRE(campaign_corpus_know_store(&corpus, s, "night2", &err) == 0);
	char *k[] = { "k1", "k2" };
	add_run(s, "night2", &e[0], "k1", OUTCOME_PANIC, "BUG: kernel NULL pointer dereference in deactivate_slab");
	add_run(s, "night2", &e[0], "k2", OUTCOME_PASS, NULL);
	add_run(s, "night2", &e[1], "k1", OUTCOME_PANIC, "BUG: kernel NULL pointer dereference in deactivate_slab");
	add_run(s, "night2", &e[2], "k1", OUTCOME_DIVERGENCE, "divergence in Zone ranges");
	add_run(s, "night2", &e[3], "k1", OUTCOME_WARNING, "WARNING in topology_sane");
	/* Kernel edges (gcov) count per kernel: the same ids on k2 are new again. */
	const uint64_t edges123[] = { 1, 2, 3 }, edges23[] = { 2, 3 };
	add_run_edges(s, "night2", &e[4], "k1", OUTCOME_PASS, NULL, edges123, 3);
	add_run_edges(s, "night2", &e[5], "k1", OUTCOME_PASS, NULL, edges23, 2);
	add_run_edges(s, "night2", &e[5], "k2", OUTCOME_PASS, NULL, edges23, 2);
	char *why[6];
	for (int i = 0; i < 6; i++)
		why[i] = campaign_corpus_judge(&corpus, s, &e[i], k, 2);
	CHECK_STR(why[4], "3 new kernel edges");
	CHECK_STR(why[5], "2 new kernel edges");   /* none new on k1, two on k2 */
	CHECK_INT(corpus.n_edges, 5);
	CHECK_STR(why[0], "new crash bucket: BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK(strncmp(why[1], "new crash bucket", 16) != 0);   /* the same bucket again */
	CHECK_STR(why[2], "new divergence: divergence in Zone ranges");
	CHECK(strncmp(why[3], "new crash bucket", 16) != 0);   /* an earlier campaign had it */
	CHECK_INT(corpus.new_buckets, 1);
	CHECK_INT(corpus.new_divergences, 1);
	/* The same layout judged again brings nothing new. */
	char *again = campaign_corpus_judge(&corpus, s, &e[0], k, 2);
	CHECK_STR(again, "");
	free(again);
	/* A resumed campaign replays the stored decisions into the same corpus. */
	struct campaign_corpus replay;
	campaign_corpus_init(&replay);
	REQUIRE(campaign_corpus_know_store(&replay, s, "night2", &err) == 0);
	for (int i = 0; i < 6; i++) {
		free(e[i].corpus);
		e[i].corpus = why[i];
		campaign_corpus_replay(&replay, s, &e[i], k, 2);
	}
	CHECK_INT(replay.n_edges, 5);
	CHECK_INT(replay.names.n, corpus.names.n);
	for (int i = 0; i < replay.names.n && i < corpus.names.n; i++)
		CHECK_STR(replay.names.v[i], corpus.names.v[i]);
	CHECK_INT(replay.n_features, corpus.n_features);
	CHECK_INT(replay.new_buckets, 1);
	CHECK_INT(replay.new_divergences, 1);
	campaign_corpus_free(&replay);
	/* Once kernels report edges, features new to the model alone do not keep
	 * a layout (they are still marked seen). */
	struct store_plan_entry late;
	struct campaign_config c = config("night2", 3, 0);
	REQUIRE(plan_n(&c, &corpus, 40, 1, &late) == 1);
	struct feature_set fs;
	REQUIRE(layout_features_of_text(late.text, strlen(late.text), &fs) == 0);
	int unseen = 0;
	for (int i = 0; i < fs.n; i++)
		unseen += !corpus.feature_seen[fs.v[i]];
	REQUIRE(unseen > 0);
	int features_before = corpus.n_features;
	char *late_why = campaign_corpus_judge(&corpus, s, &late, k, 2);
	CHECK_STR(late_why, "");
	CHECK_INT(corpus.n_features, features_before + unseen);
	free(late_why);
	campaign_plan_entry_free(&late);
	for (int i = 0; i < 6; i++)
		campaign_plan_entry_free(&e[i]);
	campaign_corpus_free(&corpus);
	store_close(s);
	free(err);
}

TEST(campaign_summary_new_buckets_first_with_the_smallest_reproducer)
{
	const char *dir = test_tmpdir();
	struct store *s;
	char *err = NULL;
	struct campaign_corpus corpus;
	struct store_plan_entry e[5];
	REQUIRE(planned_store(dir, "n2", 9, 5, &s, &corpus, e) == 0);
	add_run(s, "n1", &e[4], "stock", OUTCOME_OOPS, "kernel BUG in set_pfnblock_flags_mask");
	const char *bug = "BUG: unable to handle page fault in memmap_init";
	add_run(s, "n2", &e[0], "stock", OUTCOME_PANIC, bug);
	add_run(s, "n2", &e[0], "fixed", OUTCOME_PASS, NULL);
	add_run(s, "n2", &e[1], "stock", OUTCOME_PANIC, bug);
	add_run(s, "n2", &e[1], "fixed", OUTCOME_PASS, NULL);
	add_run(s, "n2", &e[2], "fixed", OUTCOME_DIVERGENCE, "divergence in Zone ranges");
	add_run(s, "n2", &e[3], "stock", OUTCOME_OOPS, "kernel BUG in set_pfnblock_flags_mask");
	store_close(s);
	struct buf out = BUF_INIT;
	char *k[] = { "stock", "fixed" };
	int n_new = -1;
	free(e[1].corpus);
	e[1].corpus = xstrdup("new crash bucket: x");   /* as the corpus rule would have said */
	REQUIRE(campaign_summary(&out, dir, "n2", k, 2, e, 5, "HEADER\n", &n_new, &err) == 0);
	CHECK_INT(n_new, 2);
	const char *t = out.s;
	CHECK_CONTAINS(t, "HEADER\n1 new crash bucket, 1 new divergence, 1 known bucket.");
	const char *crash = strstr(t, "== NEW CRASH BUCKETS =="), *div = strstr(t, "== NEW DIVERGENCES =="),
		   *known = strstr(t, "== KNOWN BUCKETS ==");
	REQUIRE(crash && div && known);
	CHECK(crash < div && div < known);
	const char *b = strstr(crash, bug);
	REQUIRE(b && b < div);
	CHECK_CONTAINS(b, "kernels: stock (2 runs)");
	CHECK_CONTAINS(b, "count: 2 runs on 2 layouts");
	CHECK_CONTAINS(b, "stock vs fixed: fixed on 2 layouts");
	/* The reproducer is the smaller of the bucket's two layouts, inline. */
	int small = strlen(e[0].text) <= strlen(e[1].text) ? 0 : 1;
	char *want = xasprintf("reproducer (%s, the smallest layout of the bucket):\n    ", e[small].name);
	CHECK_CONTAINS(b, want);
	char *first_line = xstrdup(e[small].text);
	*strchr(first_line, '\n') = 0;
	CHECK_CONTAINS(b, first_line);
	CHECK(strstr(div, "divergence in Zone ranges") && strstr(div, "divergence in Zone ranges") < known);
	CHECK_CONTAINS(known, "kernel BUG in set_pfnblock_flags_mask\n  seen by an earlier campaign; 1 run on stock (1)");
	/* Last, what each strategy of the plan gave: n2's runs per entry
	 * (boots, crash runs, divergence runs, buckets), the kept one, no edges. */
	const char *by = strstr(t, "== BY STRATEGY ==");
	REQUIRE(by && by > known);
	static const int boots[5] = { 2, 2, 1, 1, 0 }, crashes[5] = { 1, 1, 0, 1, 0 }, divs[5] = { 0, 0, 1, 0, 0 };
	static const int bucket[5] = { 1, 1, 2, 3, 0 };   /* which title: e0 and e1 share one */
	for (int i = 0; i < 5; i++) {
		const char *label = e[i].origin.strategy;
		bool first = true;
		for (int j = 0; j < i; j++)
			first &= strcmp(e[j].origin.strategy, label) != 0;
		if (!first)
			continue;
		int layouts = 0, b = 0, c = 0, d = 0, kept = 0, seen[4] = { 0 }, buckets = 0;
		for (int j = 0; j < 5; j++) {
			if (strcmp(e[j].origin.strategy, label))
				continue;
			layouts++, b += boots[j], c += crashes[j], d += divs[j], kept += j == 1;
			if (bucket[j] && !seen[bucket[j]])
				seen[bucket[j]] = 1, buckets++;
		}
		char *row = xasprintf("  %-22s %7d %6d %7d %7d %11d %5d %7s\n", label, layouts, b, c, buckets, d, kept, "-");
		CHECK_CONTAINS(by, row);
		free(row);
	}
	free(want), free(first_line);
	buf_free(&out);
	for (int i = 0; i < 5; i++)
		campaign_plan_entry_free(&e[i]);
	campaign_corpus_free(&corpus);
	free(err);
}

/* `campaign --dry-run` plans and stores; `--recreate` gives back, from the
 * store alone, the very bytes `topofarm gen` writes for the same seed. */
TEST(campaign_dry_run_recreate_matches_gen_byte_for_byte)
{
	const char *tmp = test_tmpdir();
	char *out = path_join(tmp, "out"), *gen_dir = path_join(tmp, "gen");
	char *plan[] = { (char *)topofarm_bin(), "campaign", "--dry-run", "--count", "10", "--seed", "77", "--strategy",
			 "tiny-node,memmap-carve", "--out", out, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(plan, 60, &r), 0);
	CHECK_CONTAINS(r.out, "10 layouts planned");
	proc_result_free(&r);
	char *gen[] = { (char *)topofarm_bin(), "gen", "--seed", "77", "--count", "10", "--strategy", "tiny-node,memmap-carve",
			"-o", gen_dir, NULL };
	CHECK_INT(run_captured(gen, 60, &r), 0);
	proc_result_free(&r);
	struct file_list files;
	list_files(gen_dir, ".topo", &files);
	CHECK_INT(files.n, 10);
	for (int i = 0; i < files.n; i++) {
		char *name = xstrdup(strrchr(files.v[i], '/') + 1);
		name[strlen(name) - 5] = 0;
		char *file = path_join(tmp, "recreated.topo");
		char *rec[] = { (char *)topofarm_bin(), "campaign", "--recreate", name, "--out", out, "-o", file, NULL };
		int rc = run_captured(rec, 60, &r);
		if (rc != 0)
			test_fail(__FILE__, __LINE__, "--recreate %s exited %d: %s", name, rc, r.out ? r.out : "");
		proc_result_free(&r);
		size_t la, lb;
		char *a = read_file(files.v[i], &la), *b = read_file(file, &lb);
		if (!a || !b || la != lb || memcmp(a, b, la) != 0)
			test_fail(__FILE__, __LINE__, "%s: recreated bytes differ from gen's", name);
		free(a), free(b), free(name), free(file);
	}
	file_list_free(&files);
	char *missing[] = { (char *)topofarm_bin(), "campaign", "--recreate", "no-such-layout", "--out", out, NULL };
	CHECK_INT(run_captured(missing, 60, &r), 2);
	CHECK_CONTAINS(r.out, "no campaign in");
	proc_result_free(&r);
	free(out), free(gen_dir);
}

/* A campaign extended with a larger --count plans on from its last seq,
 * also inside a chunk an earlier --count cut short: 5 then 13 plans the
 * same 13 seqs (and layouts) as 13 at once. */
TEST(campaign_extended_count_plans_every_seq)
{
	const char *tmp = test_tmpdir();
	char *twice = path_join(tmp, "twice"), *once = path_join(tmp, "once");
	const char *counts[] = { "5", "13" };
	struct proc_result r;
	for (int i = 0; i < 2; i++) {
		char *plan[] = { (char *)topofarm_bin(), "campaign", "--dry-run", "--count", (char *)counts[i], "--seed", "5",
				 "--campaign", "c", "--out", twice, NULL };
		CHECK_INT(run_captured(plan, 60, &r), 0);
		proc_result_free(&r);
	}
	char *plan[] = { (char *)topofarm_bin(), "campaign", "--dry-run", "--count", "13", "--seed", "5", "--campaign", "c",
			 "--out", once, NULL };
	CHECK_INT(run_captured(plan, 60, &r), 0);
	CHECK_CONTAINS(r.out, "13 layouts planned");
	proc_result_free(&r);
	struct store *a, *b;
	char *err = NULL;
	REQUIRE(store_open(twice, &a, &err) == 0);
	REQUIRE(store_open(once, &b, &err) == 0);
	struct store_plan_entry *pa, *pb;
	int na, nb;
	REQUIRE(store_plan_load(a, "c", &pa, &na, &err) == 0);
	REQUIRE(store_plan_load(b, "c", &pb, &nb, &err) == 0);
	CHECK_INT(na, 13);
	CHECK_INT(nb, 13);
	for (int i = 0; i < na && i < nb; i++) {
		CHECK_INT(pa[i].seq, i);
		CHECK_STR(pa[i].name, pb[i].name);
	}
	store_plan_free(pa, na);
	store_plan_free(pb, nb);
	store_close(a);
	store_close(b);
	free(twice), free(once);
}

TEST(campaign_usage_errors)
{
	struct {
		const char *args[8];
		const char *message;
	} cases[] = {
		{ { "--count", "3", NULL }, "expected --out DIR" },
		{ { "--count", "3", "--time", "1h", "--out", "x", NULL }, "give --count or --time, not both" },
		{ { "--time", "soon", "--out", "x", NULL }, "--time expects a duration" },
		{ { "--count", "3", "--mutate-share", "1.5", "--out", "x", NULL }, "--mutate-share expects a number from 0 to 1" },
		{ { "--count", "3", "--strategy", "nope", "--out", "x", NULL }, "no strategy 'nope'" },
		{ { "--out", "x", NULL }, "expected --count N or --time T" },
		{ { "--count", "0", "--out", "x", NULL }, "--count expects a number from 1" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *argv[12] = { (char *)topofarm_bin(), "campaign" };
		int n = 2;
		for (int j = 0; cases[i].args[j]; j++)
			argv[n++] = (char *)cases[i].args[j];
		struct proc_result r;
		CHECK_INT(run_captured(argv, 30, &r), 2);
		CHECK_CONTAINS(r.out, cases[i].message);
		proc_result_free(&r);
	}
}

/* Given layouts are booted first: --from files as they are, --corpus entries
 * named as `gen --from-corpus` names them, with the same bytes. */
TEST(campaign_inputs_from_files_and_a_fuzz_corpus)
{
	const char *tmp = test_tmpdir();
	char *out = path_join(tmp, "in"), *gen_dir = path_join(tmp, "from-corpus");
	char *plan[] = { (char *)topofarm_bin(), "campaign", "--dry-run", "--count", "20", "--from", "topologies/seeds",
			 "--corpus", "fuzz/corpus/layout", "--out", out, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(plan, 60, &r), 0);
	proc_result_free(&r);
	char *gen[] = { (char *)topofarm_bin(), "gen", "--from-corpus", "fuzz/corpus/layout", "-o", gen_dir, NULL };
	CHECK_INT(run_captured(gen, 60, &r), 0);
	proc_result_free(&r);
	struct file_list files, seeds;
	list_files(gen_dir, ".topo", &files);
	list_files("topologies/seeds", ".topo", &seeds);
	CHECK(files.n > 0);
	struct file_list *lists[] = { &seeds, &files };
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < lists[l]->n; i++) {
			struct topology t;
			struct topo_error perr;
			REQUIRE(topo_parse_file(lists[l]->v[i], &t, &perr) == 0);
			char *file = path_join(tmp, "again.topo");
			char *rec[] = { (char *)topofarm_bin(), "campaign", "--recreate", t.name, "--out", out, "-o", file, NULL };
			int rc = run_captured(rec, 60, &r);
			if (rc != 0)
				test_fail(__FILE__, __LINE__, "--recreate %s exited %d: %s", t.name, rc, r.out ? r.out : "");
			proc_result_free(&r);
			size_t la, lb;
			char *a = read_file(lists[l]->v[i], &la), *b = read_file(file, &lb);
			if (!a || !b || la != lb || memcmp(a, b, la) != 0)
				test_fail(__FILE__, __LINE__, "%s: the planned layout differs from %s", t.name, lists[l]->v[i]);
			free(a), free(b), free(file);
			topo_free(&t);
		}
	file_list_free(&files);
	file_list_free(&seeds);
	free(out), free(gen_dir);
}
