/* fuzz/layout_counters.h: the layout harness's coverage signal as libFuzzer
 * extra counters, one definition for fuzz/layout_fuzz.c and its floor
 * (fuzz/layout_floor.c), so both hand libFuzzer the same region. The
 * counters are dense: one per feature id (topologies/layout_features.h)
 * seen so far, in the order first seen. That is the same signal as a
 * counter per id of FEATURE_SPACE, but libFuzzer scans and clears the whole
 * section on every execution, and 11 K counters cost it far more than 2 K
 * (docs/strategies.md, bench/fuzz-floor). Counter 0 says "not a layout".
 * Past LAYOUT_COUNTER_SLOTS - 1 distinct ids (a run of 1M executions
 * reaches about 1,000) ids share counters, with a note on stderr.
 * Included once per harness (it defines the section). */
#ifndef FUZZ_LAYOUT_COUNTERS_H
#define FUZZ_LAYOUT_COUNTERS_H
#include "topologies/layout_features.h"
#include <stdint.h>
#include <stdio.h>

#ifndef LAYOUT_COUNTER_SLOTS
#define LAYOUT_COUNTER_SLOTS 2048
#endif
#define NOT_A_LAYOUT 0

__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t feature_counters[LAYOUT_COUNTER_SLOTS];
static uint16_t slot_of[FEATURE_SPACE];   /* 0: no counter yet */
static unsigned slots_used = 1;

static unsigned counter_of(unsigned id)
{
	if (slot_of[id])
		return slot_of[id];
	if (slots_used < LAYOUT_COUNTER_SLOTS)
		return slot_of[id] = (uint16_t)slots_used++;
	if (slots_used++ == LAYOUT_COUNTER_SLOTS)
		fprintf(stderr, "layout_fuzz: more than %d distinct features: the rest share counters\n",
			LAYOUT_COUNTER_SLOTS - 1);
	return slot_of[id] = (uint16_t)(1 + id % (LAYOUT_COUNTER_SLOTS - 1));
}

/* Bumps the counter of every feature in fs (repeats count, up to 255). */
static void bump_counters(const struct feature_set *fs)
{
	for (int i = 0; i < fs->n; i++) {
		uint8_t *c = &feature_counters[counter_of(fs->v[i])];
		if (*c < 255)
			(*c)++;
	}
}

#endif
