/* fuzz/layout_floor.c: libFuzzer's own cost per execution under the layout
 * harness's signal, with no model in the loop (bench/fuzz-floor runs it
 * beside fuzz/layout_fuzz_fast, built with the same flags). At start it
 * takes FLOOR_LAYOUTS layouts of `topofarm gen` (random strategies, seed
 * 1), keeps each one's feature set, and times what the harness must do for
 * every new layout at least: lay it out, run model_compute_features() and
 * extract the features (CPU time, printed to stderr). Then an input is a
 * 4-byte index of one of those layouts; the custom mutator draws another
 * index and the callback bumps that layout's counters exactly as the
 * harness does (fuzz/layout_counters.h: same region, same counters per
 * execution). It prints the CPU time its start-up took, for bench/fuzz-floor
 * to take off. What it runs at is the most the harness could run at with a
 * free mutator and model; the timed model says what is left for them. */
#include "acpi-gen/layout.h"
#include "acpi-gen/model.h"
#include "common/buf.h"
#include "fuzz/layout_counters.h"
#include "topologies/gen.h"
#include "topologies/layout_features.h"
#include "topologies/topo.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FLOOR_LAYOUTS 8192

static struct feature_set *sets;
static uint32_t n_sets;

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The layout, the model and the features of t; false when t is not a
 * valid layout. */
static bool model_of(const struct topology *t, struct feature_set *fs)
{
	struct layout l;
	struct model m;
	if (topo_validate_errors(t) || layout_compute(t, &l, NULL))
		return false;
	if (model_compute_features(t, &l, &m)) {
		layout_free(&l);
		return false;
	}
	layout_features(t, &m, fs);
	model_free(&m);
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	struct topology *topos = xcalloc(FLOOR_LAYOUTS, sizeof *topos);
	sets = xcalloc(FLOOR_LAYOUTS, sizeof *sets);
	struct gen_options o = { .seed = 1, .machine = -1 };
	int n = 0;
	for (int i = 0; i < FLOOR_LAYOUTS; i++) {
		char *text = gen_layout(&o, (uint64_t)i, NULL);
		struct topo_error err;
		if (text && !topo_parse(text, strlen(text), "gen", &topos[n], &err))
			n++;
		free(text);
	}
	/* The model on every layout, as many passes as fill half a CPU second. */
	double t0 = cpu_seconds(), t1;
	long done = 0;
	do {
		n_sets = 0;
		for (int i = 0; i < n; i++) {
			if (model_of(&topos[i], &sets[n_sets]))
				n_sets++;
			done++;
		}
		t1 = cpu_seconds();
	} while (t1 - t0 < 0.5);
	fprintf(stderr, "layout_floor: layout, model and features: %.2f us of CPU per layout (%ld runs over %u layouts)\n",
		(t1 - t0) * 1e6 / (double)done, done, n_sets);
	for (int i = 0; i < n; i++)
		topo_free(&topos[i]);
	free(topos);
	if (!n_sets)
		abort();
	fprintf(stderr, "layout_floor: start-up: %.3f s of CPU\n", cpu_seconds());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t i;
	if (size != sizeof i) {
		feature_counters[NOT_A_LAYOUT] = 1;
		return 0;
	}
	memcpy(&i, data, sizeof i);
	if (i < n_sets)
		bump_counters(&sets[i]);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	(void)size;
	uint32_t i = (uint32_t)(seed * 2654435761u) % n_sets;
	if (max_size < sizeof i)
		return 0;
	memcpy(data, &i, sizeof i);
	return sizeof i;
}
