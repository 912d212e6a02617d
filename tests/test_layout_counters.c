/* tests/test_layout_counters.c: the layout harness's dense extra counters
 * (fuzz/layout_counters.h) carry the same signal as one counter per
 * feature id: distinct ids get distinct counters, an id keeps its counter,
 * repeats count, counter 0 stays "not a layout"; and feature_set_hash()
 * ignores order and repeats but not membership. */
#include "tests/harness.h"
#include "fuzz/layout_counters.h"
#include <string.h>

TEST(layout_counters_are_one_per_feature_id)
{
	memset(feature_counters, 0, sizeof feature_counters);
	/* Ids from every kind, in an order that is not theirs. */
	static uint16_t ids[LAYOUT_COUNTER_SLOTS - 1];
	for (int i = 0; i < LAYOUT_COUNTER_SLOTS - 1; i++)
		ids[i] = (uint16_t)((i * 7919) % FEATURE_SPACE);
	static bool used[LAYOUT_COUNTER_SLOTS];
	for (int i = 0; i < LAYOUT_COUNTER_SLOTS - 1; i++) {
		unsigned c = counter_of(ids[i]);
		CHECK(c != NOT_A_LAYOUT && c < LAYOUT_COUNTER_SLOTS);
		CHECK(!used[c]);
		used[c] = true;
		CHECK_INT((int)counter_of(ids[i]), (int)c);
	}
	/* Repeats count, up to 255. */
	struct feature_set fs = { .n = 0 };
	for (int i = 0; i < 3; i++)
		fs.v[fs.n++] = ids[5];
	fs.v[fs.n++] = ids[9];
	bump_counters(&fs);
	CHECK_INT(feature_counters[counter_of(ids[5])], 3);
	CHECK_INT(feature_counters[counter_of(ids[9])], 1);
	CHECK_INT(feature_counters[NOT_A_LAYOUT], 0);
	/* Past the region, ids share counters, never counter 0. */
	unsigned extra = counter_of((uint16_t)(FEATURE_SPACE - 1));
	CHECK(extra != NOT_A_LAYOUT && extra < LAYOUT_COUNTER_SLOTS);
}

TEST(feature_set_hash_ignores_order_and_repeats)
{
	struct feature_set a = { .n = 0 }, b = { .n = 0 }, c = { .n = 0 };
	uint16_t v[] = { 3, 700, 11000, 42, 512 };
	for (int i = 0; i < 5; i++) {
		a.v[a.n++] = v[i];
		b.v[b.n++] = v[4 - i];
		b.v[b.n++] = v[4 - i];
	}
	for (int i = 0; i < 4; i++)
		c.v[c.n++] = v[i];
	CHECK(feature_set_hash(&a) == feature_set_hash(&b));
	CHECK(feature_set_hash(&a) != feature_set_hash(&c));
	struct feature_set empty = { .n = 0 };
	CHECK(feature_set_hash(&empty) != feature_set_hash(&c));
}
