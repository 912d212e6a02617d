/* tests/test_topo.c: the .topo parser, printer and validator, data-driven:
 * tests/topo/malformed/ (each NAME.topo must fail with exactly NAME.err),
 * tests/topo/invalid/ (each NAME.topo parses but validates with exactly the
 * errors in NAME.err), and every .topo under topologies/ (must parse,
 * validate without errors, and print canonically: print(parse(print(x))) ==
 * print(x)). */
#include "tests/harness.h"
#include "tests/util.h"
#include "topologies/topo.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <stdlib.h>
#include <string.h>

TEST(topo_malformed_inputs_give_exact_errors)
{
	struct file_list files;
	list_files("tests/topo/malformed", ".topo", &files);
	REQUIRE(files.n >= 40);
	for (int i = 0; i < files.n; i++) {
		size_t len;
		char *text = read_file(files.v[i], &len);
		char *want = read_expected(files.v[i], ".err");
		REQUIRE(text && want);
		struct topology t;
		struct topo_error err;
		int rc = topo_parse(text, len, "<input>", &t, &err);
		if (rc == 0) {
			test_fail(__FILE__, __LINE__, "%s parsed but should fail with: %s", files.v[i], want);
			topo_free(&t);
		} else {
			char *got = topo_error_string(&err);
			if (strcmp(got, want))
				test_fail(__FILE__, __LINE__, "%s:\n  got      %s\n  expected %s", files.v[i], got, want);
			free(got);
		}
		free(text);
		free(want);
	}
	file_list_free(&files);
}

static char *validation_errors(const struct topology *t)
{
	struct topo_issues is;
	struct buf b = BUF_INIT;
	topo_validate(t, &is);
	for (int k = 0; k < is.n; k++)
		if (is.v[k].error)
			buf_printf(&b, "%d:%d: error: %s\n", is.v[k].pos.line, is.v[k].pos.col, is.v[k].msg);
	topo_issues_free(&is);
	return buf_steal(&b);
}

TEST(topo_invalid_layouts_give_exact_validation_errors)
{
	struct file_list files;
	list_files("tests/topo/invalid", ".topo", &files);
	REQUIRE(files.n >= 20);
	for (int i = 0; i < files.n; i++) {
		struct topology t;
		struct topo_error err;
		if (topo_parse_file(files.v[i], &t, &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s does not parse: %s", files.v[i], err.msg);
			continue;
		}
		char *want = read_expected_raw(files.v[i], ".err");
		char *got = validation_errors(&t);
		if (!want || strcmp(got, want))
			test_fail(__FILE__, __LINE__, "%s:\n  got\n%s  expected\n%s", files.v[i], got, want ? want : "(no .err)");
		CHECK(strlen(got) > 0);
		free(got);
		free(want);
		topo_free(&t);
	}
	file_list_free(&files);
}

TEST(topo_corpus_round_trips_canonically)
{
	struct file_list files;
	list_files_recursive("topologies", ".topo", &files);
	REQUIRE(files.n >= 15);
	for (int i = 0; i < files.n; i++) {
		struct topology a, b;
		struct topo_error err;
		if (topo_parse_file(files.v[i], &a, &err) != 0) {
			char *m = topo_error_string(&err);
			test_fail(__FILE__, __LINE__, "corpus file does not parse: %s", m);
			free(m);
			continue;
		}
		char *errors = validation_errors(&a);
		if (*errors)
			test_fail(__FILE__, __LINE__, "corpus file %s has validation errors:\n%s", files.v[i], errors);
		free(errors);
		char *p1 = topo_print(&a);
		if (topo_parse(p1, strlen(p1), "<printed>", &b, &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s: printed form does not parse (%d:%d: %s):\n%s", files.v[i], err.line, err.col, err.msg, p1);
		} else {
			char *p2 = topo_print(&b);
			if (strcmp(p1, p2))
				test_fail(__FILE__, __LINE__, "%s: print(parse(print)) differs:\n%s\n---\n%s", files.v[i], p1, p2);
			/* Same topology: the same nodes, memory, steps and command line. */
			CHECK_INT(a.n_nodes, b.n_nodes);
			CHECK_U64(a.memory, b.memory);
			CHECK_INT(a.n_steps, b.n_steps);
			CHECK_INT(a.n_cmdline, b.n_cmdline);
			CHECK_INT(a.n_srat, b.n_srat);
			for (int k = 0; k < a.n_nodes && k < b.n_nodes; k++) {
				CHECK_U64(a.nodes[k].mem, b.nodes[k].mem);
				CHECK(!memcmp(&a.nodes[k].cpus, &b.nodes[k].cpus, sizeof a.nodes[k].cpus));
			}
			free(p2);
			topo_free(&b);
		}
		free(p1);
		topo_free(&a);
	}
	file_list_free(&files);
}

TEST(topo_parses_every_feature)
{
	const char *text =
		"name all # comment\n"
		"description free text # kept verbatim\n"
		"tags a b\n"
		"machine q35\n"
		"cpus 4 sockets=2\n"
		"memory 0x40000000\n"
		"node 0 mem=512M cpus=0,2-3 initiator=0\n"
		"node 1 mem=512M initiator=0\n"
		"node 2\n"
		"distance 0 1 30 oneway\n"
		"distance 1 0 25 oneway\n"
		"hmat-lb initiator=0 target=1 type=read-bandwidth value=1G\n"
		"hmat-cache node=1 size=1M level=2 assoc=complex policy=write-through line=64\n"
		"hotplug slots=2 maxmem=4G\n"
		"nvdimm nv0 node=1 size=128M\n"
		"cmdline memmap=1M%0x1000-1+12,2M$4G kernelcore=mirror movablecore=10% numa=fake=4 foo=bar\n"
		"firmware generated\n"
		"table hmat checksum=0x12 length=-4 truncate=2 oem-revision=7 mode=install revision=1\n"
		"srat x2apic pxm=70000 apic=5 disabled\n"
		"srat generic-initiator pxm=3\n"
		"step offline node=1\n"
		"step cpu-up 3\n"
		"expect k1 oops BUG: something in f\n";
	struct topology t;
	struct topo_error err;
	REQUIRE(topo_parse(text, strlen(text), "t", &t, &err) == 0);
	CHECK_STR(t.description, "free text # kept verbatim");
	CHECK_INT(t.machine, MACHINE_Q35);
	CHECK_U64(t.memory, 1ULL << 30);
	CHECK_INT(t.n_nodes, 3);
	CHECK(cpuset_has(&t.nodes[0].cpus, 3) && !cpuset_has(&t.nodes[0].cpus, 1));
	CHECK_INT(topo_distance(&t, 0, 1), 30);
	CHECK_INT(topo_distance(&t, 1, 0), 25);
	CHECK_INT(topo_distance(&t, 2, 0), 20);
	CHECK(t.hmat);
	CHECK_INT(t.hmat_lb[0].type, HMAT_READ_BANDWIDTH);
	CHECK_U64(t.hmat_lb[0].value, 1ULL << 30);
	CHECK(t.dimms[0].nvdimm);
	CHECK_INT(t.cmdline[0].kind, CMD_MEMMAP);
	CHECK_INT(t.cmdline[0].n_memmap, 2);
	CHECK_INT(t.cmdline[0].memmap[0].kind, MEMMAP_RETYPE);
	CHECK_INT(t.cmdline[0].memmap[0].old_type, 1);
	CHECK_INT(t.cmdline[0].memmap[0].new_type, 12);
	CHECK_INT(t.cmdline[0].memmap[1].kind, MEMMAP_RESERVED);
	CHECK_U64(t.cmdline[0].memmap[1].start, 4ULL << 30);
	CHECK_INT(t.cmdline[4].kind, CMD_OTHER);
	CHECK(t.tables[TABLE_HMAT].faults.has_checksum);
	CHECK_INT(t.tables[TABLE_HMAT].faults.length_delta, -4);
	CHECK_INT(t.tables[TABLE_HMAT].mode, TABLE_INSTALL);
	CHECK_INT(t.srat[0].pxm, 70000);
	CHECK(!(t.srat[0].flags & SRAT_ENABLED));
	CHECK_INT(t.steps[0].node, 1);
	CHECK_STR(t.expects[0].title, "BUG: something in f");
	topo_free(&t);
}

TEST(topo_parser_survives_hostile_bytes)
{
	/* Deterministic pseudo-random inputs built from the grammar's own words. */
	static const char *const words[] = { "name", "node", "0", "mem=", "1G", "cpus=", "0-", "distance", "step",
					     "hot-add", "cmdline", "memmap=", "!", "#", "\n", " ", "=", "srat", "memory",
					     "0xffffffffffffffff", "T", "\t", "expect", "*", "table", "length=+", "\x01" };
	uint64_t x = 88172645463325252ULL;
	for (int round = 0; round < 3000; round++) {
		struct buf b = BUF_INIT;
		int n = 1 + (int)(x % 40);
		for (int i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			buf_puts(&b, words[x % (sizeof words / sizeof words[0])]);
		}
		struct topology t;
		struct topo_error err;
		if (topo_parse(b.s, b.len, "fuzz", &t, &err) == 0) {
			struct topo_issues is;
			topo_validate(&t, &is);
			topo_issues_free(&is);
			char *p = topo_print(&t);
			struct topology u;
			CHECK(topo_parse(p, strlen(p), "printed", &u, &err) == 0);
			topo_free(&u);
			free(p);
			topo_free(&t);
		} else {
			CHECK(err.msg[0] != 0);
		}
		buf_free(&b);
	}
}
