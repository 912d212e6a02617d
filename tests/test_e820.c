/* tests/test_e820.c: the kernel's e820 arithmetic (add, remove, retype,
 * sanitise) and the exactmap emitter: a map turned into memmap=exactmap
 * parameters and fed back through the topology parser and the kernel's
 * algorithm must give the same map. */
#include "tests/harness.h"
#include "acpi-gen/layout.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

TEST(e820_sanitize_larger_type_wins_and_merges)
{
	struct e820_map m = { 0 };
	e820_add(&m, 0, 0x100000, E820_RAM);
	e820_add(&m, 0x100000, 0x100000, E820_RAM);
	e820_add(&m, 0x80000, 0x100000, E820_RESERVED);
	e820_sanitize(&m);
	REQUIRE(m.n == 3);
	CHECK_U64(m.v[0].end, 0x80000);
	CHECK_INT(m.v[1].type, E820_RESERVED);
	CHECK_U64(m.v[1].end, 0x180000);
	CHECK_U64(m.v[2].start, 0x180000);
	CHECK_U64(m.v[2].end, 0x200000);
	e820_remove(&m, 0x190000, 0x10000, E820_RAM, true);
	CHECK_INT(m.n, 4);
	e820_update(&m, 0, 0x10000, E820_RAM, E820_PRAM);
	CHECK_INT(m.v[0].type, E820_PRAM);
	free(m.v);
}

/* Found by a campaign (gen-memmap-carve, seed 20261130, index 43): two
 * memmap=! carve-outs that overlap, 1G at 0x1c0000000 and 128M at
 * 0x1f8000000; farm-6.1 printed them as two persistent ranges split at
 * 0x1f8000000, as its e820_nomerge() says for PRAM. */
TEST(e820_sanitize_never_merges_persistent_ranges)
{
	struct e820_map m = { 0 };
	e820_add(&m, 0x100000000ull, 0x100000000ull, E820_RAM);
	e820_update(&m, 0x1c0000000ull, 0x40000000ull, E820_RAM, E820_PRAM);
	e820_add(&m, 0x1f8000000ull, 0x8000000ull, E820_PRAM);
	e820_sanitize(&m);
	REQUIRE(m.n == 3);
	CHECK_U64(m.v[0].end, 0x1c0000000ull);
	CHECK_INT(m.v[1].type, E820_PRAM);
	CHECK_U64(m.v[1].start, 0x1c0000000ull);
	CHECK_U64(m.v[1].end, 0x1f8000000ull);
	CHECK_INT(m.v[2].type, E820_PRAM);
	CHECK_U64(m.v[2].start, 0x1f8000000ull);
	CHECK_U64(m.v[2].end, 0x200000000ull);
	free(m.v);
}

static const char *const layouts[] = {
	"topologies/examples/memmap-forms.topo", "topologies/examples/q35-split.topo",
	"topologies/seeds/004-pram-kpageflags.topo", "topologies/examples/unaligned-4000m.topo",
};

TEST(e820_exactmap_reproduces_the_map)
{
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
		struct topology t, u;
		struct topo_error err;
		struct layout a, b;
		char *e = NULL;
		REQUIRE(topo_parse_file(layouts[i], &t, &err) == 0);
		REQUIRE(layout_compute(&t, &a, &e) == 0);
		const struct mem_range *map = a.n_user ? a.user_e820 : a.e820;
		int n = a.n_user ? a.n_user : a.n_e820;
		char *params = e820_to_exactmap(map, n);
		char *text = xasprintf("name x\nmemory %llu\ncmdline %s\n", (unsigned long long)t.memory, params);
		if (topo_parse(text, strlen(text), "exactmap", &u, &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s: %s does not parse: %s", layouts[i], params, err.msg);
		} else {
			REQUIRE(layout_compute(&u, &b, &e) == 0);
			char *want = e820_format(map, n, "user");
			char *got = e820_format(b.user_e820, b.n_user, "user");
			if (strcmp(want, got))
				test_fail(__FILE__, __LINE__, "%s: exactmap %s gives\n%s instead of\n%s", layouts[i], params, got, want);
			free(want);
			free(got);
			layout_free(&b);
			topo_free(&u);
		}
		free(text);
		free(params);
		layout_free(&a);
		topo_free(&t);
	}
}
