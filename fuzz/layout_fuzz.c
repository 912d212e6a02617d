/* fuzz/layout_fuzz.c: the structure-aware libFuzzer harness over layouts.
 * Inputs are topologies in the compact binary form of
 * topologies/topo_binary.h (the mutator writes nothing else; .topo text,
 * as in a seed corpus, is read too). The custom mutator decodes one,
 * applies a mutation operation of the generator (topologies/gen.h: the same
 * operations the strategies are built from) and encodes it back; the custom
 * crossover gives one layout a whole part of another (machine, command
 * line, firmware tables, hotplug steps). The mutator itself is
 * topologies/layout_mutate.c, shared with the campaign. Every input libFuzzer tries is thus a
 * valid, bootable layout. The coverage signal is not code
 * coverage (the libraries are built without it) but the layout's features
 * (topologies/layout_features.h, the layout model's facts among them),
 * exported as libFuzzer extra counters (fuzz/layout_counters.h):
 * the corpus keeps layouts that differ in ways the kernel can notice.
 * `topofarm gen --from-corpus` turns the corpus into .topo files.
 * The model runs as model_compute_features() (no text formatted; the same
 * features as the full model, tests/test_gen.c checks that).
 * Two caches keep decoding off the hot path: decoded corpus entries
 * and mutants (the mutator reads the decoded entry in place, and a
 * mutant's structure is kept as it was built; libFuzzer mutates each
 * mutant up to -mutate_depth times), and the features of the mutant just
 * encoded (the run that follows finds them by the input's hash; any other
 * input takes the full decode, validate, lay out and extract path). The
 * sanitizer build (layout_fuzz, built with LAYOUT_FUZZ_VERIFY) never trusts
 * the feature cache: it recomputes and aborts if encoding and decoding a
 * mutant changed its features or its printed .topo text.
 * Built with LAYOUT_FUZZ_TEXT it is the previous harness (inputs are .topo
 * text printed by the mutator, the full model), which bench/fuzz runs as
 * the old side of its speed ratio.
 * With LAYOUT_FUZZ_STATS=1 it counts the distinct features and feature
 * sets it reached and prints them at exit (bench/fuzz compares that with `gen`). */
#include "topologies/gen.h"
#include "topologies/layout_features.h"
#include "topologies/layout_mutate.h"
#include "topologies/topo_binary.h"
#include "topologies/topo_edit.h"
#include "acpi-gen/model.h"
#include "fuzz/layout_counters.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

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

static bool feature_seen[FEATURE_SPACE];
static size_t features_n;

static void print_stats(void)
{
	fprintf(stderr, "layout_fuzz: distinct features: %zu, distinct feature sets: %zu\n", features_n, seen_n);
}

static uint64_t text_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; n; p++, n--)
		h = (h ^ *p) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* The features of the mutant the mutator printed last. */
static struct {
	uint64_t hash;
	size_t len;
	bool valid;
	struct feature_set fs;
} last_mutant;

/* Parsed corpus entries, by text hash (a direct-mapped cache). */
#define PARSED_SLOTS 2048
static struct parsed {
	uint64_t hash;
	size_t len;
	bool used;
	struct topology t;
} parsed[PARSED_SLOTS];

/* Keeps t (taken over: the caller must not free it) as the parse of the
 * text with this hash. */
static void remember_parsed(uint64_t h, size_t size, struct topology *t)
{
	struct parsed *p = &parsed[h % PARSED_SLOTS];
	if (p->used)
		topo_free(&p->t);
	p->t = *t;
	memset(t, 0, sizeof *t);
	p->hash = h;
	p->len = size;
	p->used = true;
}

/* An input as a topology: the binary form, or .topo text. 0 or -1. */
static int read_input(const uint8_t *data, size_t size, struct topology *t)
{
	if (topo_is_binary(data, size))
		return topo_decode(data, size, t);
	struct topo_error err;
	return topo_parse((const char *)data, size, "fuzz", t, &err);
}

/* The cached parse itself (read only; valid until the next remember_parsed). */
static const struct topology *parse_peek(const uint8_t *data, size_t size)
{
	uint64_t h = text_hash(data, size);
	struct parsed *p = &parsed[h % PARSED_SLOTS];
	if (p->used && p->hash == h && p->len == size)
		return &p->t;
	struct topology t;
	if (read_input(data, size, &t))
		return NULL;
	remember_parsed(h, size, &t);
	return &p->t;
}

static bool parse_cached(const uint8_t *data, size_t size, struct topology *out)
{
	uint64_t h = text_hash(data, size);
	struct parsed *p = &parsed[h % PARSED_SLOTS];
	if (p->used && p->hash == h && p->len == size) {
		topo_clone(&p->t, out);
		return true;
	}
	if (read_input(data, size, out))
		return false;
	struct topology keep;
	topo_clone(out, &keep);
	remember_parsed(h, size, &keep);
	return true;
}

static void count_features(const struct feature_set *fs)
{
	bump_counters(fs);
	if (!stats)
		return;
	seen_add(feature_set_hash(fs));
	for (int i = 0; i < fs->n; i++)
		if (!feature_seen[fs->v[i]]) {
			feature_seen[fs->v[i]] = true;
			features_n++;
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (stats < 0) {
		stats = getenv("LAYOUT_FUZZ_STATS") && !strcmp(getenv("LAYOUT_FUZZ_STATS"), "1");
		if (stats)
			atexit(print_stats);
	}
	bool cached = last_mutant.valid && last_mutant.len == size && last_mutant.hash == text_hash(data, size);
#ifndef LAYOUT_FUZZ_VERIFY
	if (cached) {
		count_features(&last_mutant.fs);
		return 0;
	}
#endif
	struct topology t;
	if (read_input(data, size, &t)) {
		feature_counters[NOT_A_LAYOUT] = 1;
		return 0;
	}
	struct model m;
	/* The checking build runs the full model here: the features the
	 * mutator had from model_compute_features() must be its features. */
#if defined(LAYOUT_FUZZ_TEXT) || defined(LAYOUT_FUZZ_VERIFY)
	if (!topo_validate_errors(&t) && model_compute(&t, &m, NULL) == 0) {
#else
	struct layout l;
	if (!topo_validate_errors(&t) && layout_compute(&t, &l, NULL) == 0 && model_compute_features(&t, &l, &m) == 0) {
#endif
		if (gen_bootable(&t, &m.layout)) {
			struct feature_set fs;
			layout_features(&t, &m, &fs);
			count_features(&fs);
			/* The checking build recomputes what the cache had: encoding a
			 * mutant and decoding it back must not change what the kernel sees. */
			if (cached && feature_set_hash(&fs) != feature_set_hash(&last_mutant.fs))
				abort();
		} else if (cached) {
			abort();
		}
		model_free(&m);
	}
	topo_free(&t);
	return 0;
}

#ifdef LAYOUT_FUZZ_VERIFY
/* The binary form must give back what the text form would. */
static void verify_encoding(const uint8_t *data, size_t n, const struct topology *t)
{
	struct topology back;
	if (topo_decode(data, n, &back))
		abort();
	char *a = topo_print(t), *b = topo_print(&back);
	if (strcmp(a, b))
		abort();
	free(a), free(b);
	topo_free(&back);
}
#endif

/* Hands the mutant t out (when it fits) as the next input, with its
 * features and t itself (taken over) for the run and mutations that
 * follow. The input's length, or 0 when it does not fit. */
static size_t keep_mutant(uint8_t *out, size_t max, struct topology *t, const char *text)
{
	size_t n;
	if (text) {              /* LAYOUT_FUZZ_TEXT: the previous harness's .topo text */
		n = strlen(text);
		if (n <= max)
			memcpy(out, text, n);
	} else {
		n = topo_encode(t, out, max);
	}
	if (n > max)
		return 0;
#ifdef LAYOUT_FUZZ_VERIFY
	if (!text)
		verify_encoding(out, n, t);
#endif
	last_mutant.hash = text_hash(out, n);
	last_mutant.len = n;
	last_mutant.valid = true;
	/* libFuzzer mutates a mutant again (-mutate_depth): keep it parsed. */
	remember_parsed(last_mutant.hash, n, t);
	return n;
}

/* A fresh generated layout, when the input is not one (an empty corpus,
 * or bytes from elsewhere). */
static size_t fresh(uint8_t *data, size_t max_size, struct rng *r)
{
	struct gen_options o = { .seed = rng_next(r), .machine = -1 };
	char *text = gen_layout(&o, rng_below(r, 1u << 20), NULL);
	size_t n = text ? strlen(text) : 0;
#ifdef LAYOUT_FUZZ_TEXT
	if (!text || n > max_size) {
		free(text);
		return 0;
	}
	memcpy(data, text, n);
#else
	struct topology t;
	struct topo_error err;
	if (!text || topo_parse(text, n, "gen", &t, &err)) {
		free(text);
		return 0;
	}
	n = topo_encode(&t, data, max_size);
	topo_free(&t);
	if (n > max_size)
		n = 0;
#endif
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
	last_mutant.valid = false;
	struct topology t;
	const struct topology *parent = parse_peek(data, size);   /* only read: no copy */
	if (!parent) {
		size_t n = fresh(data, max_size, &r);
		return n ? n : LLVMFuzzerMutate(data, size, max_size);
	}
	char *text = NULL;
#ifdef LAYOUT_FUZZ_TEXT
	int rc = layout_mutant(parent, &r, &t, &last_mutant.fs, &text);
#else
	int rc = layout_mutant(parent, &r, &t, &last_mutant.fs, NULL);
#endif
	if (rc != 0)
		return size;
	size_t n = keep_mutant(data, max_size, &t, text);
	free(text);
	topo_free(&t);
	return n ? n : size;
}

/* Crossover on the structure: the first layout takes one whole part of the
 * second (machine, command line, firmware tables, or hotplug steps). */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out, unsigned int seed)
{
	struct rng r;
	rng_seed(&r, seed, 0xc505);
	struct topology a;
	if (!parse_cached(data1, size1, &a))
		return 0;
	const struct topology *b = parse_peek(data2, size2);   /* only read: no copy */
	if (!b) {
		topo_free(&a);
		return 0;
	}
	size_t n = 0;
	struct model m;
	last_mutant.valid = false;
	struct layout l;
#ifdef LAYOUT_FUZZ_TEXT
	if (gen_crossover_layout(&a, b, &r, &l) == 0 && model_compute_from_layout(&a, &l, &m) == 0) {
		layout_features(&a, &m, &last_mutant.fs);
		model_free(&m);
		char *text = topo_print(&a);
		n = keep_mutant(out, max_out, &a, text);
		free(text);
	}
#else
	if (gen_crossover_layout(&a, b, &r, &l) == 0 && model_compute_features(&a, &l, &m) == 0) {
		layout_features(&a, &m, &last_mutant.fs);
		model_free(&m);
		n = keep_mutant(out, max_out, &a, NULL);
	}
#endif
	topo_free(&a);
	return n;
}
