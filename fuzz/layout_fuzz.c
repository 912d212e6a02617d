/* fuzz/layout_fuzz.c: the structure-aware libFuzzer harness over layouts.
 * Inputs are .topo texts. The custom mutator parses one, applies a mutation
 * operation of the generator (topologies/gen.h: the same operations the
 * strategies are built from) and prints it back, so every input libFuzzer
 * tries is a valid, bootable layout. The coverage signal is not code
 * coverage (the libraries are built without it) but the layout's features
 * (topologies/layout_features.h), exported as libFuzzer extra counters:
 * the corpus keeps layouts that differ in ways the kernel can notice.
 * `topofarm gen --from-corpus` turns the corpus into .topo files.
 * With LAYOUT_FUZZ_STATS=1 it counts the distinct feature sets it reached
 * and prints the count at exit (bench/fuzz compares that with `gen`). */
#include "topologies/gen.h"
#include "topologies/layout_features.h"
#include "acpi-gen/layout.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t feature_counters[FEATURE_SPACE + 1];
/* The last counter says "not a layout": it keeps the first input (empty
 * when the corpus is) so the mutator can replace it by a generated one. */
#define NOT_A_LAYOUT FEATURE_SPACE

/* Distinct feature-set hashes (open addressing), for LAYOUT_FUZZ_STATS. */
static uint64_t *seen;
static size_t seen_cap, seen_n;
static int stats = -1;

static void seen_add(uint64_t h)
{
	if (!h)
		h = 1;
	if (seen_n * 2 >= seen_cap) {
		size_t cap = seen_cap ? seen_cap * 2 : 1 << 16;
		uint64_t *v = calloc(cap, sizeof *v);
		if (!v)
			abort();
		for (size_t i = 0; i < seen_cap; i++)
			if (seen[i])
				for (size_t k = seen[i] & (cap - 1);; k = (k + 1) & (cap - 1))
					if (!v[k]) {
						v[k] = seen[i];
						break;
					}
		free(seen);
		seen = v;
		seen_cap = cap;
	}
	for (size_t k = h & (seen_cap - 1);; k = (k + 1) & (seen_cap - 1)) {
		if (seen[k] == h)
			return;
		if (!seen[k]) {
			seen[k] = h;
			seen_n++;
			return;
		}
	}
}

static void print_stats(void)
{
	fprintf(stderr, "layout_fuzz: distinct feature sets: %zu\n", seen_n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (stats < 0) {
		stats = getenv("LAYOUT_FUZZ_STATS") && !strcmp(getenv("LAYOUT_FUZZ_STATS"), "1");
		if (stats)
			atexit(print_stats);
	}
	struct topology t;
	struct topo_error err;
	if (topo_parse((const char *)data, size, "fuzz", &t, &err)) {
		feature_counters[NOT_A_LAYOUT] = 1;
		return 0;
	}
	struct topo_issues is;
	topo_validate(&t, &is);
	struct layout l;
	if (!is.n_errors && layout_compute(&t, &l, NULL) == 0) {
		if (gen_bootable(&t, &l)) {
			struct feature_set fs;
			layout_features(&t, &l, &fs);
			for (int i = 0; i < fs.n; i++)
				if (feature_counters[fs.v[i]] < 255)
					feature_counters[fs.v[i]]++;
			if (stats)
				seen_add(feature_set_hash(&fs));
		}
		layout_free(&l);
	}
	topo_issues_free(&is);
	topo_free(&t);
	return 0;
}

/* A fresh generated layout, when the input is not one (an empty corpus,
 * or bytes from elsewhere). */
static size_t fresh(uint8_t *data, size_t max_size, struct rng *r)
{
	struct gen_options o = { .seed = rng_next(r), .machine = -1 };
	char *text = gen_layout(&o, rng_below(r, 1u << 20), NULL);
	size_t n = text ? strlen(text) : 0;
	if (!text || n > max_size) {
		free(text);
		return 0;
	}
	memcpy(data, text, n);
	free(text);
	return n;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct rng r;
	rng_seed(&r, seed, size);
	if (rng_chance(&r, 2)) {
		size_t n = fresh(data, max_size, &r);
		if (n)
			return n;
	}
	int rounds = rng_chance(&r, 20) ? (int)rng_range(&r, 2, 4) : 1;
	for (int attempt = 0; attempt < 16; attempt++) {
		struct topology t;
		struct topo_error err;
		if (topo_parse((const char *)data, size, "fuzz", &t, &err)) {
			size_t n = fresh(data, max_size, &r);
			return n ? n : LLVMFuzzerMutate(data, size, max_size);
		}
		int done = 0;
		for (int k = 0; k < rounds; k++)
			done += gen_mutate(&t, &r) == 0;
		if (done == rounds) {
			char *text = topo_print(&t);
			size_t n = strlen(text);
			topo_free(&t);
			if (n <= max_size) {
				memcpy(data, text, n);
				free(text);
				return n;
			}
			free(text);
			continue;
		}
		topo_free(&t);
	}
	return size;
}
