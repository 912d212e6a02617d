/* tests/test_gen.c: the layout generator (topologies/gen.h), its features
 * (topologies/layout_features.h) and `topofarm gen`: the same arguments give
 * the same bytes; 10,000 layouts over every strategy pass `check` and stay
 * bootable; each strategy makes layouts of the bug class it claims; each
 * file's source line recreates it exactly; mutations keep layouts valid;
 * a corpus (.topo text or the harness's binary form) becomes named, checked
 * files; the harness's fast path (model_compute_features, the binary form)
 * gives exactly the full model's features and the same topology. Slow: the libFuzzer layout harness
 * builds and runs from a scratch corpus; a sample of every strategy boots
 * on farm-6.1 with no infra outcome, and QEMU starts on 40 layouts of
 * every strategy (it refuses none). */
#include "tests/harness.h"
#include "tests/util.h"
#include "topologies/gen.h"
#include "topologies/layout_features.h"
#include "topologies/layout_mutate.h"
#include "topologies/topo_binary.h"
#include "topologies/topo_load.h"
#include "acpi-gen/layout.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "results/store.h"
#include "acpi-gen/qemu_args.h"
#include <signal.h>
#include <unistd.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1ULL << 20)

static char *generate(uint64_t seed, uint64_t index, const char *strategy, int machine)
{
	const struct gen_strategy *s = strategy ? gen_strategy_by_name(strategy) : NULL;
	const struct gen_strategy *list[1] = { s };
	struct gen_options o = { .seed = seed, .strategies = s ? list : NULL, .n_strategies = s ? 1 : 0, .machine = machine };
	return gen_layout(&o, index, NULL);
}

TEST(gen_same_arguments_give_the_same_bytes)
{
	for (uint64_t i = 0; i < 300; i++) {
		char *a = generate(42, i, NULL, -1), *b = generate(42, i, NULL, -1), *c = generate(43, i, NULL, -1);
		REQUIRE(a && b && c);
		CHECK_STR(a, b);
		CHECK(strcmp(a, c) != 0);
		free(a), free(b), free(c);
	}
}

/* What a layout's source line says: --strategy NAME and --machine. */
static void source_args(const struct topology *t, char *strategy, int *machine)
{
	const char *s = strstr(t->source, "--strategy ");
	strategy[0] = 0;
	if (s)
		sscanf(s + 11, "%31s", strategy);
	*machine = strstr(t->source, "--machine q35") ? MACHINE_Q35 : strstr(t->source, "--machine pc") ? MACHINE_PC : -1;
}

/* Each strategy's layouts belong to the bug class it names. */
static bool in_class(const char *strategy, const struct topology *t, const struct layout *l)
{
	bool any = false;
	if (!strcmp(strategy, "tiny-node")) {
		for (int i = 0; i < t->n_nodes; i++)
			any |= t->nodes[i].mem && t->nodes[i].mem < 4 * MiB;
	} else if (!strcmp(strategy, "node-threshold")) {
		for (int i = 0; i < t->n_nodes; i++)
			any |= t->nodes[i].mem % (128 * MiB) != 0 || t->nodes[i].mem <= 128 * MiB;
	} else if (!strcmp(strategy, "numa-shape")) {
		for (int i = 0; i < t->n_nodes; i++)
			any |= !t->nodes[i].mem || cpuset_empty(&t->nodes[i].cpus);
	} else if (!strcmp(strategy, "srat-anomaly")) {
		any = t->firmware == FIRMWARE_GENERATED && t->n_srat > 0;
	} else if (!strcmp(strategy, "memmap-carve")) {
		any = l->n_user > 0 && topo_has_cmdline(t, "memmap");
	} else if (!strcmp(strategy, "unaligned-ram")) {
		any = t->memory % (128 * MiB) != 0;
		for (int i = 0; i < t->n_nodes; i++)
			any |= t->nodes[i].mem % (128 * MiB) != 0;
	} else if (!strcmp(strategy, "cmdline-holes")) {
		static const char *const keys[] = { "memmap", "mem", "movable_node", "kernelcore", "movablecore", "numa", "memhp_default_state" };
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			any |= topo_has_cmdline(t, keys[k]);
	} else if (!strcmp(strategy, "hotplug-churn")) {
		for (int i = 0; i < t->n_steps; i++)
			any |= t->steps[i].kind == STEP_HOT_ADD;
	} else if (!strcmp(strategy, "distance-hmat")) {
		any = t->any_distance || t->hmat;
	}
	return any;
}

TEST(gen_ten_thousand_layouts_pass_check_and_stay_in_their_class)
{
	int per_strategy[32] = { 0 }, out_of_class[32] = { 0 };
	for (uint64_t i = 0; i < 10000; i++) {
		const struct gen_strategy *s;
		struct gen_options o = { .seed = 7, .machine = -1 };
		char *text = gen_layout(&o, i, &s);
		if (!text) {
			test_fail(__FILE__, __LINE__, "seed 7 index %llu: no layout", (unsigned long long)i);
			continue;
		}
		struct topology t;
		struct topo_error err;
		if (topo_parse(text, strlen(text), "gen", &t, &err)) {
			test_fail(__FILE__, __LINE__, "seed 7 index %llu does not parse: %s\n%s", (unsigned long long)i, err.msg, text);
			free(text);
			continue;
		}
		struct topo_issues is;
		topo_validate(&t, &is);
		for (int k = 0; k < is.n; k++)
			if (is.v[k].error)
				test_fail(__FILE__, __LINE__, "seed 7 index %llu line %d: %s", (unsigned long long)i, is.v[k].pos.line, is.v[k].msg);
		topo_issues_free(&is);
		CHECK(gen_acceptable(&t));
		/* Canonical: what was written is what the printer prints. */
		char *printed = topo_print(&t);
		CHECK(strstr(text, printed) != NULL);
		free(printed);
		int idx = (int)(s - gen_strategies);
		per_strategy[idx]++;
		struct layout l;
		REQUIRE(layout_compute(&t, &l, NULL) == 0);
		if (!in_class(s->name, &t, &l))
			out_of_class[idx]++;
		layout_free(&l);
		bool tagged = false;
		for (int k = 0; k < t.n_tags; k++)
			tagged |= !strcmp(t.tags[k], s->name);
		CHECK(tagged);
		/* Every hundredth: its source line recreates exactly these bytes. */
		if (i % 100 == 0) {
			char strategy[32];
			int machine;
			source_args(&t, strategy, &machine);
			CHECK_STR(strategy, s->name);
			char *again = generate(7, i, strategy, machine);
			CHECK_STR(again, text);
			free(again);
		}
		topo_free(&t);
		free(text);
	}
	for (int k = 0; k < gen_n_strategies; k++) {
		if (per_strategy[k] < 500)
			test_fail(__FILE__, __LINE__, "strategy %s made only %d of 10000 layouts", gen_strategies[k].name, per_strategy[k]);
		/* A strategy may miss its class when the base layout leaves it no
		 * room (no node boundary to straddle, say), but rarely. */
		if (out_of_class[k] * 20 > per_strategy[k])
			test_fail(__FILE__, __LINE__, "strategy %s: %d of %d layouts are not of its bug class",
				  gen_strategies[k].name, out_of_class[k], per_strategy[k]);
	}
}

/* The features of t: from the full model, or from the harness's
 * features-only model. 0, or -1 when t has no layout. */
static int features_of(const struct topology *t, bool fast, struct feature_set *fs)
{
	struct model m;
	struct layout l;
	if (fast ? layout_compute(t, &l, NULL) != 0 || model_compute_features(t, &l, &m) != 0 : model_compute(t, &m, NULL) != 0)
		return -1;
	layout_features(t, &m, fs);
	CHECK(!fast || (m.n_numa_lines == 0 && !m.numa_reason));
	model_free(&m);
	return 0;
}

static void check_same_features(const struct topology *t, const char *what, uint64_t i)
{
	static struct feature_set full, fast;
	REQUIRE(features_of(t, false, &full) == 0);
	REQUIRE(features_of(t, true, &fast) == 0);
	if (full.n != fast.n || memcmp(full.v, fast.v, sizeof full.v[0] * (size_t)full.n))
		test_fail(__FILE__, __LINE__, "%s %llu: the features-only model gives %d features, the full model %d (or other ids)",
			  what, (unsigned long long)i, fast.n, full.n);
}

/* encode -> decode gives a topology that prints as t does; every cut of
 * the bytes (a sample of them) is refused. */
static void check_binary_round_trip(const struct topology *t, const char *what, uint64_t i, bool cuts)
{
	size_t n = topo_encode(t, NULL, 0);
	uint8_t *bin = xmalloc(n);
	CHECK(topo_encode(t, bin, n) == n);
	CHECK(topo_is_binary(bin, n));
	struct topology back;
	if (topo_decode(bin, n, &back)) {
		test_fail(__FILE__, __LINE__, "%s %llu: its binary form does not decode", what, (unsigned long long)i);
		free(bin);
		return;
	}
	char *a = topo_print(t), *b = topo_print(&back);
	if (strcmp(a, b))
		test_fail(__FILE__, __LINE__, "%s %llu: decoded binary form prints differently:\n%s\n---\n%s", what,
			  (unsigned long long)i, a, b);
	free(a), free(b);
	topo_free(&back);
	for (size_t cut = 0; cuts && cut < n; cut += 1 + cut / 8) {
		CHECK(topo_decode(bin, cut, &back) == -1);
		CHECK(back.name == NULL && back.n_nodes == 0);
	}
	free(bin);
}

/* The libFuzzer harness's fast path against the full one, on 10,000
 * generated layouts (every strategy in turn) and a mutant of each tenth
 * (the inputs the harness itself makes). */
TEST(fuzz_fast_path_matches_the_full_model_and_text_form)
{
	struct rng r;
	rng_seed(&r, 29, 0);
	int mutants = 0;
	for (uint64_t i = 0; i < 10000; i++) {
		const struct gen_strategy *s = &gen_strategies[i % (uint64_t)gen_n_strategies];
		char *text = generate(9, i, s->name, -1);
		REQUIRE(text);
		struct topology t;
		struct topo_error err;
		REQUIRE(topo_parse(text, strlen(text), "gen", &t, &err) == 0);
		check_same_features(&t, s->name, i);
		check_binary_round_trip(&t, s->name, i, i % 100 == 0);
		if (i % 10 == 0) {
			/* The same draw with text (full model) and without (fast). */
			struct rng r2 = r;
			struct topology u, v;
			static struct feature_set fs_full, fs_fast;
			char *printed;
			int rc = layout_mutant(&t, &r, &u, &fs_full, &printed);
			CHECK_INT(layout_mutant(&t, &r2, &v, &fs_fast, NULL), rc);
			if (rc == 0) {
				mutants++;
				CHECK(fs_full.n == fs_fast.n && !memcmp(fs_full.v, fs_fast.v, sizeof fs_full.v[0] * (size_t)fs_full.n));
				check_same_features(&u, "mutant of", i);
				check_binary_round_trip(&u, "mutant of", i, false);
				char *again = topo_print(&v);
				CHECK_STR(again, printed);
				free(again), free(printed);
				topo_free(&u);
				topo_free(&v);
			}
		}
		topo_free(&t);
		free(text);
	}
	CHECK(mutants > 900);
	/* Bytes that are no binary form are refused, not read. */
	struct topology t;
	CHECK(topo_decode((const uint8_t *)"name x\n", 7, &t) == -1);
	CHECK(!topo_is_binary((const uint8_t *)"name x\n", 7));
}

TEST(gen_machine_option_forces_the_machine)
{
	for (uint64_t i = 0; i < 200; i++) {
		char *text = generate(3, i, NULL, MACHINE_Q35);
		REQUIRE(text);
		CHECK_CONTAINS(text, "\nmachine q35\n");
		CHECK_CONTAINS(text, "--machine q35");
		free(text);
	}
}

TEST(gen_mutations_and_crossovers_keep_layouts_valid)
{
	struct file_list seeds;
	list_files("topologies/seeds", ".topo", &seeds);
	REQUIRE(seeds.n == 5);
	struct rng r;
	rng_seed(&r, 11, 0);
	int ok = 0;
	for (int i = 0; i < 3000; i++) {
		struct topology t;
		struct topo_error err;
		REQUIRE(topo_parse_file(seeds.v[i % seeds.n], &t, &err) == 0);
		for (int k = 0; k < 1 + i % 4; k++) {
			if (gen_mutate(&t, &r, NULL) != 0)
				break;
			ok++;
			/* What the mutator prints parses back to a valid layout. */
			char *text = topo_print(&t);
			struct topology u;
			REQUIRE(topo_parse(text, strlen(text), "mutated", &u, &err) == 0);
			CHECK(gen_acceptable(&u));
			char *again = topo_print(&u);
			CHECK_STR(again, text);
			free(again), free(text);
			topo_free(&u);
		}
		topo_free(&t);
	}
	CHECK(ok > 3000);
	/* Crossover between seeds keeps layouts valid as well. */
	int crossed = 0;
	for (int i = 0; i < 500; i++) {
		struct topology a, b;
		struct topo_error err;
		REQUIRE(topo_parse_file(seeds.v[i % seeds.n], &a, &err) == 0);
		REQUIRE(topo_parse_file(seeds.v[(i / seeds.n) % seeds.n], &b, &err) == 0);
		if (gen_crossover(&a, &b, &r) == 0) {
			crossed++;
			char *text = topo_print(&a);
			struct topology u;
			REQUIRE(topo_parse(text, strlen(text), "crossed", &u, &err) == 0);
			CHECK(gen_acceptable(&u));
			topo_free(&u);
			free(text);
		}
		topo_free(&a);
		topo_free(&b);
	}
	CHECK(crossed > 200);
	file_list_free(&seeds);
}

TEST(layout_features_tell_the_seed_layouts_apart)
{
	struct file_list seeds;
	list_files("topologies/seeds", ".topo", &seeds);
	REQUIRE(seeds.n == 5);
	uint64_t hashes[5];
	for (int i = 0; i < seeds.n; i++) {
		size_t len;
		char *text = read_file(seeds.v[i], &len);
		struct feature_set fs;
		REQUIRE(layout_features_of_text(text, len, &fs) == 0);
		CHECK(fs.n > 5);
		hashes[i] = feature_set_hash(&fs);
		for (int k = 0; k < i; k++)
			CHECK(hashes[k] != hashes[i]);
		/* Seed 003's PMEM shares the last RAM block; seed 000 has a node under 4 MiB. */
		bool shared_block = false, small_node = false, model_pmem = false, model_tiny = false;
		for (int k = 0; k < fs.n; k++) {
			if (!strcmp(feature_kind_name(fs.v[k]), "model")) {
				const char *name = model_feature_name(fs.v[k] % FEATURE_VALUES);
				model_pmem |= name && !strcmp(name, "block.ram-pmem");
				model_tiny |= name && !strcmp(name, "node.below-4m");
			}
			shared_block |= !strcmp(feature_kind_name(fs.v[k]), "memory-block") && (fs.v[k] % FEATURE_VALUES) / 3 == 3;
			small_node |= !strcmp(feature_kind_name(fs.v[k]), "node-size") && (fs.v[k] % FEATURE_VALUES) / 6 <= 4 * 2 + 1;
		}
		/* The layout model's facts are features too. */
		if (strstr(seeds.v[i], "003"))
			CHECK(shared_block && model_pmem);
		if (strstr(seeds.v[i], "000"))
			CHECK(small_node && model_tiny);
		free(text);
	}
	/* Features ignore names and order: a renamed copy hashes the same. */
	size_t len;
	char *text = read_file(seeds.v[0], &len);
	char *renamed = xasprintf("%s\n", text);
	char *p = strstr(renamed, "seed-000-tiny-node");
	REQUIRE(p);
	memcpy(p, "other-name-xyzzy-x", 18);
	struct feature_set a, b;
	REQUIRE(layout_features_of_text(text, len, &a) == 0);
	REQUIRE(layout_features_of_text(renamed, strlen(renamed), &b) == 0);
	CHECK(feature_set_hash(&a) == feature_set_hash(&b));
	free(text), free(renamed);
	file_list_free(&seeds);
}

static int run_bin(char **out, const char *const *args)
{
	struct strv v = { 0 };
	strv_add(&v, topofarm_bin());
	for (int i = 0; args[i]; i++)
		strv_add(&v, args[i]);
	struct proc_result r;
	int rc = run_captured(strv_argv(&v), 120, &r);
	*out = r.out ? xstrdup(r.out) : xstrdup("");
	proc_result_free(&r);
	strv_free(&v);
	return rc;
}

static char *dir_digest(const char *dir)
{
	struct file_list files;
	list_files(dir, ".topo", &files);
	struct buf b = BUF_INIT;
	for (int i = 0; i < files.n; i++) {
		char *text = read_file(files.v[i], NULL);
		buf_printf(&b, "== %s\n%s", strrchr(files.v[i], '/') + 1, text ? text : "(unreadable)");
		free(text);
	}
	file_list_free(&files);
	return buf_steal(&b);
}

TEST(gen_cli_is_deterministic_and_its_output_checks)
{
	char *a = path_join(test_tmpdir(), "a"), *b = path_join(test_tmpdir(), "b"), *out;
	const char *args_a[] = { "gen", "--seed", "99", "--count", "40", "--strategy", "memmap-carve,hotplug-churn", "-o", a, NULL };
	const char *args_b[] = { "gen", "--seed", "99", "--count", "40", "--strategy", "memmap-carve", "--strategy", "hotplug-churn", "-o", b, NULL };
	CHECK_INT(run_bin(&out, args_a), 0);
	CHECK_CONTAINS(out, "40 layouts written");
	free(out);
	CHECK_INT(run_bin(&out, args_b), 0);
	free(out);
	char *da = dir_digest(a), *db = dir_digest(b);
	CHECK_STR(da, db);
	CHECK_CONTAINS(da, "gen-memmap-carve-99-");
	CHECK_CONTAINS(da, "gen-hotplug-churn-99-");
	free(da), free(db);
	const char *check[] = { "check", a, NULL };
	CHECK_INT(run_bin(&out, check), 0);
	CHECK_CONTAINS(out, "40 topologies valid, 0 with errors");
	free(out);
	const char *bad[] = { "gen", "--strategy", "no-such", "-o", a, NULL };
	CHECK_INT(run_bin(&out, bad), 2);
	CHECK_CONTAINS(out, "no strategy 'no-such'");
	free(out);
	free(a), free(b);
}

TEST(gen_from_corpus_names_and_checks_entries)
{
	char *corpus = path_join(test_tmpdir(), "corpus"), *named = path_join(test_tmpdir(), "named"), *out;
	REQUIRE(mkdir_p(corpus, 0755) == 0);
	for (uint64_t i = 0; i < 6; i++) {
		char *text = generate(5, i, NULL, -1);
		char *p = xasprintf("%s/%016llx", corpus, (unsigned long long)(i * 7919));
		if (i % 2) {
			/* What the harness writes: the binary form. */
			struct topology t;
			struct topo_error err;
			REQUIRE(topo_parse(text, strlen(text), "gen", &t, &err) == 0);
			size_t n = topo_encode(&t, NULL, 0);
			uint8_t *bin = xmalloc(n);
			topo_encode(&t, bin, n);
			REQUIRE(write_file(p, bin, n) == 0);
			free(bin);
			topo_free(&t);
		} else {
			REQUIRE(write_file_str(p, text) == 0);
		}
		free(p), free(text);
	}
	char *junk = path_join(corpus, "junk");
	REQUIRE(write_file_str(junk, "\x01\x02 not a topology") == 0);
	char *invalid = path_join(corpus, "invalid");
	REQUIRE(write_file_str(invalid, "name x\nmemory 1G\nnode 0 mem=512M\n") == 0);
	const char *args[] = { "gen", "--from-corpus", corpus, "-o", named, NULL };
	CHECK_INT(run_bin(&out, args), 0);
	CHECK_CONTAINS(out, "8 corpus entries: 6 written");
	CHECK_CONTAINS(out, "1 not topologies, 1 not valid or not bootable");
	free(out);
	struct file_list files;
	list_files(named, ".topo", &files);
	CHECK_INT(files.n, 6);
	for (int i = 0; i < files.n; i++) {
		CHECK_CONTAINS(files.v[i], "/corpus-");
		struct topology t;
		struct topo_error err;
		REQUIRE(topo_parse_file(files.v[i], &t, &err) == 0);
		CHECK(gen_acceptable(&t));
		CHECK(strstr(files.v[i], t.name) != NULL);
		topo_free(&t);
	}
	file_list_free(&files);
	free(corpus), free(named), free(junk), free(invalid);
}

/* The harness builds, runs a bounded number of executions from an empty
 * scratch corpus, keeps layouts there (never in the source tree), and the
 * corpus converts into checked files. */
SLOW_TEST(layout_fuzz_harness_runs_from_a_scratch_corpus)
{
	char *make[] = { "make", "-s", "-C", "fuzz", "layout_fuzz", NULL };
	struct proc_result r;
	if (run_captured(make, 900, &r) != 0) {
		test_fail(__FILE__, __LINE__, "make -C fuzz layout_fuzz failed:\n%s", r.out ? r.out : "");
		proc_result_free(&r);
		return;
	}
	proc_result_free(&r);
	char *corpus = path_join(test_tmpdir(), "corpus"), *named = path_join(test_tmpdir(), "named"), *out;
	REQUIRE(mkdir_p(corpus, 0755) == 0);
	char *artifacts = xasprintf("-artifact_prefix=%s/", test_tmpdir());
	char *fuzz[] = { "fuzz/layout_fuzz", "-runs=3000", "-seed=5", "-max_len=8192", artifacts, corpus, NULL };
	int rc = run_captured(fuzz, 600, &r);
	if (rc != 0)
		test_fail(__FILE__, __LINE__, "layout_fuzz exited %d:\n%.4000s", rc, r.out ? r.out : "");
	CHECK_CONTAINS(r.out, "Done 3000 runs");
	CHECK_CONTAINS(r.out, "Extra Counters");
	proc_result_free(&r);
	const char *args[] = { "gen", "--from-corpus", corpus, "-o", named, NULL };
	CHECK_INT(run_bin(&out, args), 0);
	free(out);
	struct file_list files;
	list_files(named, ".topo", &files);
	CHECK(files.n >= 20);
	const char **check = xcalloc((size_t)files.n + 3, sizeof *check);
	check[0] = "check";
	check[1] = "--quiet";
	for (int i = 0; i < files.n; i++)
		check[i + 2] = files.v[i];
	CHECK_INT(run_bin(&out, check), 0);
	free(out);
	free(check);
	file_list_free(&files);
	free(corpus), free(named), free(artifacts);
}

static bool have_kernel(const char *name)
{
	char *image = test_kernel_image(name);
	free(image);
	return image != NULL;
}

/* One layout of every strategy boots on farm-6.1; whatever the kernel
 * does with it, QEMU and the host never fail (no infra outcome). */
SLOW_TEST(gen_sample_of_every_strategy_boots_without_infra)
{
	if (!have_kernel("farm-6.1"))
		return;
	char *dir = path_join(test_tmpdir(), "layouts"), *results = path_join(test_tmpdir(), "results"), *out;
	REQUIRE(mkdir_p(dir, 0755) == 0);
	for (int k = 0; k < gen_n_strategies; k++) {
		char *text = generate(2026, (uint64_t)k, gen_strategies[k].name, -1);
		REQUIRE(text);
		char *p = xasprintf("%s/%s.topo", dir, gen_strategies[k].name);
		REQUIRE(write_file_str(p, text) == 0);
		free(p), free(text);
	}
	const char *args[] = { "run", dir, "--kernels", "farm-6.1", "-j", "2", "--out", results, NULL };
	struct strv v = { 0 };
	strv_add(&v, topofarm_bin());
	for (int i = 0; args[i]; i++)
		strv_add(&v, args[i]);
	struct proc_result r;
	run_captured(strv_argv(&v), 1200, &r);
	out = r.out ? xstrdup(r.out) : xstrdup("");
	proc_result_free(&r);
	strv_free(&v);
	struct store *st;
	struct store_runs runs = { 0 };
	char *err = NULL;
	if (store_open_existing(results, &st, &err) == 0) {
		if (store_load_runs(st, NULL, &runs, &err))
			test_fail(__FILE__, __LINE__, "cannot read the runs: %s", err);
		store_close(st);
	} else {
		test_fail(__FILE__, __LINE__, "no results store in %s: %s\n%.3000s", results, err ? err : "", out);
	}
	free(err);
	struct file_list layouts;
	list_files(dir, ".topo", &layouts);
	for (int i = 0; i < layouts.n; i++) {
		struct topology t;
		struct topo_error terr;
		REQUIRE(topo_parse_file(layouts.v[i], &t, &terr) == 0);
		int records = 0;
		for (int k = 0; k < runs.n; k++) {
			if (strcmp(runs.v[k].layout_name, t.name))
				continue;
			records++;
			if (runs.v[k].triage.outcome == OUTCOME_INFRA)
				test_fail(__FILE__, __LINE__, "%s attempt %d: infra outcome", t.name, runs.v[k].attempt);
		}
		if (!records)
			test_fail(__FILE__, __LINE__, "%s: no stored run\n%.3000s", t.name, out);
		topo_free(&t);
	}
	store_runs_free(&runs);
	file_list_free(&layouts);
	free(out), free(dir), free(results);
}

/* QEMU sets the machine up (paused, no kernel) for 40 layouts of every
 * strategy: -daemonize makes the parent exit 0 only once the machine
 * exists, and non-zero with QEMU's message when it refuses an argument. */
SLOW_TEST(gen_qemu_accepts_layouts_of_every_strategy)
{
	if (!program_exists("qemu-system-x86_64")) {
		test_fail(__FILE__, __LINE__, "qemu-system-x86_64 is not installed");
		return;
	}
	char *pidfile = path_join(test_tmpdir(), "qemu.pid");
	int started = 0;
	for (int k = 0; k < gen_n_strategies; k++)
		for (uint64_t i = 0; i < 40; i++) {
			char *text = generate(31, i, gen_strategies[k].name, -1);
			REQUIRE(text);
			struct topology t;
			struct topo_error err;
			REQUIRE(topo_parse(text, strlen(text), "gen", &t, &err) == 0);
			struct qemu_config cfg = { .serial = "none" };
			struct strv built = { 0 }, argv = { 0 };
			char *qerr = NULL;
			REQUIRE(qemu_args_build(&t, &cfg, &built, &qerr) == 0);
			for (int a = 0; a < built.n; a++) {
				if (!strcmp(built.v[a], "-kernel") || !strcmp(built.v[a], "-initrd") || !strcmp(built.v[a], "-append")) {
					a++;
					continue;
				}
				strv_add(&argv, built.v[a]);
			}
			const char *more[] = { "-S", "-monitor", "none", "-daemonize", "-pidfile", pidfile, NULL };
			for (int a = 0; more[a]; a++)
				strv_add(&argv, more[a]);
			unlink(pidfile);
			struct proc_opts o = { .capture = true, .timeout = 60 };
			struct proc_result r;
			proc_run(strv_argv(&argv), &o, &r);
			if (r.exit_code != 0)
				test_fail(__FILE__, __LINE__, "QEMU refuses %s:\n%s\n%s", t.name, r.out ? r.out : "", text);
			else
				started++;
			proc_result_free(&r);
			char *pid = read_file(pidfile, NULL);
			if (pid && atoi(pid) > 0)
				kill(atoi(pid), SIGKILL);
			free(pid);
			strv_free(&built);
			strv_free(&argv);
			topo_free(&t);
			free(text);
		}
	CHECK_INT(started, 40 * gen_n_strategies);
	free(pidfile);
}
