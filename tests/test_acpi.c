/* tests/test_acpi.c: acpi-gen's encoders, decoder, iasl bridge and override
 * archive. Data-driven over tests/acpi/ (each NAME.topo with NAME.expect,
 * the decoding of every table it gives); iasl compiles our .asl back to our
 * bytes; QEMU 7.2's own tables (dumped from a booted machine) equal our
 * prediction byte for byte. TOPOFARM_UPDATE_EXPECT=1 rewrites .expect files. */
#include "tests/harness.h"
#include "acpi-gen/acpi_gen.h"
#include "acpi-gen/acpi_dump.h"
#include "common/cpio.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* Names of the tests/acpi/ .topo files whose name starts with prefix (sorted). */
static int list_cases(const char *prefix, char names[][128], int max)
{
	DIR *d = opendir("tests/acpi");
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) && n < max;) {
		size_t len = strlen(e->d_name);
		if (len > 5 && len < 120 && !strcmp(e->d_name + len - 5, ".topo") &&
		    !strncmp(e->d_name, prefix, strlen(prefix)))
			snprintf(names[n++], 128, "%.*s", (int)len - 5, e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, 128, (int (*)(const void *, const void *))strcmp);
	return n;
}

static int load_case(const char *name, struct topology *t, struct acpi_set *set)
{
	char path[256];
	struct topo_error e;
	char *err = NULL;
	snprintf(path, sizeof path, "tests/acpi/%s.topo", name);
	if (topo_parse_file(path, t, &e)) {
		char *m = topo_error_string(&e);
		test_fail(__FILE__, __LINE__, "%s", m);
		free(m);
		return -1;
	}
	if (acpi_generate(t, path, set, &err)) {
		test_fail(__FILE__, __LINE__, "%s: %s", name, err);
		free(err);
		topo_free(t);
		return -1;
	}
	return 0;
}

static void describe_set(const struct acpi_set *set, struct buf *out)
{
	for (int i = 0; i < TABLE__COUNT; i++) {
		if (!set->t[i].present)
			continue;
		struct acpi_decoded d;
		acpi_decode((const uint8_t *)set->t[i].bytes.s, set->t[i].bytes.len, &d);
		buf_printf(out, "=== %s\n", acpi_table_file((enum table_sig)i));
		acpi_decoded_print(&d, out);
		acpi_decoded_free(&d);
	}
}

TEST(acpi_header_checksum_and_faults)
{
	struct acpi_header h = { "SRAT", 0, 1, 0, "BOCHS ", "BXPC    ", 2, "BXPC", 1 };
	struct buf b = BUF_INIT;
	acpi_header_put(&b, &h);
	acpi_put_u32(&b, 1);
	acpi_put_u64(&b, 0);
	acpi_table_seal(&b);
	CHECK_INT(b.len, 48);
	CHECK_INT(acpi_get_u32((uint8_t *)b.s + 4), 48);
	CHECK_INT(acpi_sum((uint8_t *)b.s, b.len), 0);
	CHECK(!memcmp(b.s + 10, "BOCHS BXPC    ", 14));

	struct buf c = BUF_INIT;
	char *err = NULL;
	struct table_faults f = { .bad_checksum = true };
	buf_add(&c, b.s, b.len);
	REQUIRE(acpi_apply_faults(&c, &f, &err) == 0);
	CHECK_INT(acpi_sum((uint8_t *)c.s, c.len), 1);          /* off by exactly one */

	f = (struct table_faults){ .length_delta = 8 };
	buf_reset(&c);
	buf_add(&c, b.s, b.len);
	REQUIRE(acpi_apply_faults(&c, &f, &err) == 0);
	CHECK_INT(acpi_get_u32((uint8_t *)c.s + 4), 56);
	CHECK_INT(c.len, 48);
	CHECK_INT(acpi_sum((uint8_t *)c.s, c.len), 0);          /* only the asked fault */

	f = (struct table_faults){ .truncate = 4, .has_checksum = true, .checksum = 0x5a };
	buf_reset(&c);
	buf_add(&c, b.s, b.len);
	REQUIRE(acpi_apply_faults(&c, &f, &err) == 0);
	CHECK_INT(c.len, 44);
	CHECK_INT(acpi_get_u32((uint8_t *)c.s + 4), 48);        /* the length field still says 48 */
	CHECK_INT((uint8_t)c.s[9], 0x5a);

	f = (struct table_faults){ .length_delta = -49 };
	CHECK(acpi_apply_faults(&c, &f, &err) == -1);
	CHECK_CONTAINS(err, "outside");
	free(err);
	f = (struct table_faults){ .truncate = 100 };
	CHECK(acpi_apply_faults(&c, &f, &err) == -1);
	free(err);
	buf_free(&b);
	buf_free(&c);
}

/* Every tests/acpi case: the decoding of what we generate is the .expect. */
TEST(acpi_cases_decode_as_expected)
{
	char names[64][128];
	int n = list_cases("", names, 64);
	REQUIRE(n >= 5);
	bool update = getenv("TOPOFARM_UPDATE_EXPECT") != NULL;
	for (int i = 0; i < n; i++) {
		struct topology t;
		struct acpi_set set;
		if (load_case(names[i], &t, &set))
			continue;
		struct buf got = BUF_INIT;
		describe_set(&set, &got);
		char *path = xasprintf("tests/acpi/%s.expect", names[i]);
		if (update)
			write_file(path, got.s ? got.s : "", got.len);
		char *want = read_file(path, NULL);
		if (!want)
			test_fail(__FILE__, __LINE__, "%s missing (TOPOFARM_UPDATE_EXPECT=1 writes it)", path);
		else if (strcmp(want, got.s ? got.s : ""))
			test_fail(__FILE__, __LINE__, "%s: decoding differs:\n--- got\n%s--- want\n%s", names[i], got.s, want);
		free(want);
		free(path);
		buf_free(&got);
		acpi_set_free(&set);
		topo_free(&t);
	}
}

/* iasl compiles our source back to our bytes; differences allowed only in
 * the compiler id/revision (bytes 28-35) and therefore the checksum (9). */
static void check_iasl(const char *what, const struct buf *bytes)
{
	struct buf asl = BUF_INIT;
	char *err = NULL;
	if (acpi_asl_emit((const uint8_t *)bytes->s, bytes->len, &asl, &err)) {
		test_fail(__FILE__, __LINE__, "%s: no asl: %s", what, err);
		free(err);
		return;
	}
	char *src = path_join(test_tmpdir(), "t.asl"), *aml = path_join(test_tmpdir(), "t.aml");
	char *dsl = path_join(test_tmpdir(), "t.dsl"), *raw = path_join(test_tmpdir(), "raw.aml");
	write_file(src, asl.s, asl.len);
	char *argv[] = { "iasl", "-p", aml, src, NULL };
	argv[2] = xasprintf("%s/t", test_tmpdir());
	struct proc_opts o = { .capture = true, .timeout = 30 };
	struct proc_result r;
	int rc = proc_run(argv, &o, &r);
	size_t len = 0;
	char *got = rc == 0 ? read_file(aml, &len) : NULL;
	if (!got) {
		test_fail(__FILE__, __LINE__, "%s: iasl failed: %s\n%s", what, r.out, asl.s);
	} else if (len != bytes->len) {
		test_fail(__FILE__, __LINE__, "%s: iasl made %zu bytes, we %zu", what, len, bytes->len);
	} else {
		for (size_t i = 0; i < len; i++)
			if (got[i] != bytes->s[i] && i != 9 && (i < 28 || i > 35)) {
				test_fail(__FILE__, __LINE__, "%s: iasl byte %zu is 0x%02x, ours 0x%02x", what, i,
					  (uint8_t)got[i], (uint8_t)bytes->s[i]);
				break;
			}
	}
	free(got);
	proc_result_free(&r);
	free(argv[2]);
	/* And iasl -d reads our bytes without complaint. */
	write_file(raw, bytes->s, bytes->len);
	char *dargv[] = { "iasl", "-d", raw, NULL };
	rc = proc_run(dargv, &o, &r);
	char *text = read_file(dsl, NULL);
	if (!text) {
		char *alt = path_join(test_tmpdir(), "raw.dsl");
		text = read_file(alt, NULL);
		free(alt);
	}
	if (rc || !text || strstr(text, "****") || strstr(text, "Invalid") || strstr(text, "Unknown"))
		test_fail(__FILE__, __LINE__, "%s: iasl -d complains (rc %d): %s", what, rc, text ? text : r.out);
	free(text);
	proc_result_free(&r);
	free(src);
	free(aml);
	free(dsl);
	free(raw);
	buf_free(&asl);
}

TEST(acpi_iasl_compiles_our_source_to_our_bytes)
{
	if (!program_exists("iasl")) {
		test_fail(__FILE__, __LINE__, "iasl missing: apt-get install acpica-tools");
		return;
	}
	char names[64][128];
	int n = list_cases("", names, 64), checked = 0;
	for (int i = 0; i < n; i++) {
		struct topology t;
		struct acpi_set set;
		if (load_case(names[i], &t, &set))
			continue;
		for (int s = 0; s < TABLE__COUNT; s++)
			if (set.t[s].present && set.t[s].well_formed) {
				char *what = xasprintf("%s %s", names[i], acpi_table_name((enum table_sig)s));
				check_iasl(what, &set.t[s].bytes);
				free(what);
				checked++;
			}
		acpi_set_free(&set);
		topo_free(&t);
	}
	CHECK(checked >= 10);
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* Generated topologies: node counts, sizes, CPUs, distances and HMAT lines
 * varied by a fixed-seed generator, each table through iasl. */
TEST(acpi_iasl_generated_topologies)
{
	uint32_t seed = 12345;
#define RND(n) rnd(&seed, (n))
	for (int round = 0; round < 12; round++) {
		struct buf text = BUF_INIT;
		int nodes = 1 + (int)RND(4), cpus = nodes + (int)RND(3);
		buf_printf(&text, "name gen-%d\nmachine %s\ncpus %d\n", round, RND(2) ? "pc" : "q35", cpus);
		uint64_t total = 0;
		for (int i = 0; i < nodes; i++) {
			uint64_t mem = (i == 1 && RND(2)) ? 0 : (1 + RND(1500)) << 20;
			total += mem;
			buf_printf(&text, "node %d", i);
			if (mem)
				buf_printf(&text, " mem=%lluM", (unsigned long long)(mem >> 20));
			buf_printf(&text, i < cpus ? " cpus=%d\n" : " cpus=none\n", i);
		}
		if (!total)
			buf_puts(&text, "node 0 mem=64M\n");
		for (int i = 0; i < nodes; i++)
			for (int j = i + 1; j < nodes; j++)
				buf_printf(&text, "distance %d %d %u\n", i, j, 11 + RND(200));
		if (round % 2)
			buf_printf(&text, "hmat-lb initiator=0 target=%d hierarchy=memory type=read-latency value=%u\n"
				   "hmat-lb initiator=0 target=0 hierarchy=memory type=write-bandwidth value=%uM\n"
				   "hmat-cache node=0 size=%uK level=1 assoc=complex policy=write-through line=64\n",
				   nodes - 1, 5 + RND(500), 1 + RND(3000), 1 + RND(1000));
		if (round % 3 == 0)
			buf_puts(&text, "firmware generated\n");
		struct topology t;
		struct topo_error e;
		if (topo_parse(text.s, text.len, "gen", &t, &e)) {
			char *m = topo_error_string(&e);
			test_fail(__FILE__, __LINE__, "%s\n%s", m, text.s);
			free(m);
			buf_free(&text);
			continue;
		}
		struct acpi_set set;
		char *err = NULL;
		if (acpi_generate(&t, "gen", &set, &err)) {
			test_fail(__FILE__, __LINE__, "round %d: %s\n%s", round, err, text.s);
			free(err);
		} else {
			for (int s = 0; s < TABLE__COUNT; s++)
				if (set.t[s].present)
					check_iasl(text.s, &set.t[s].bytes);
			acpi_set_free(&set);
		}
		topo_free(&t);
		buf_free(&text);
	}
#undef RND
}

/* Hostile bytes: each case names a problem the decoder must report. */
TEST(acpi_decode_hostile_bytes)
{
	struct topology t;
	struct acpi_set set;
	REQUIRE(load_case("gen-all-kinds", &t, &set) == 0);
	const struct buf *srat = &set.t[TABLE_SRAT].bytes;
	struct {
		const char *what;
		size_t keep;              /* bytes of the good SRAT kept (0: all) */
		int patch_at, patch_val;  /* one byte changed (-1: none) */
		const char *problem;
	} cases[] = {
		{ "short", 20, -1, 0, "shorter than the 36-byte" },
		{ "truncated subtable", 70, -1, 0, "is truncated" },
		{ "length lies", 0, 4, 0xff, "length field says" },
		{ "zero-length subtable", 0, 49, 0, "less than its own header" },
		{ "bad checksum", 0, 9, 0x00, "bad checksum" },
		{ "memory entry too short", 0, 65, 12, "SRAT subtable type" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].keep ? cases[i].keep : srat->len;
		uint8_t *p = xmalloc(len);
		memcpy(p, srat->s, len);
		if (cases[i].patch_at >= 0)
			p[cases[i].patch_at] = (uint8_t)cases[i].patch_val;
		struct acpi_decoded d;
		acpi_decode(p, len, &d);
		struct buf out = BUF_INIT;
		acpi_decoded_print(&d, &out);
		if (!strstr(out.s, cases[i].problem))
			test_fail(__FILE__, __LINE__, "%s: no \"%s\" in\n%s", cases[i].what, cases[i].problem, out.s);
		buf_free(&out);
		acpi_decoded_free(&d);
		free(p);
	}
	/* A SLIT claiming 2^32 localities in 50 bytes; an HMAT with a huge length. */
	uint8_t slit[50] = "SLIT";
	acpi_set_u32(slit + 4, 50);
	acpi_set_u32(slit + 36 + 4, 1);
	struct acpi_decoded d;
	acpi_decode(slit, sizeof slit, &d);
	CHECK(d.n_problems >= 2);
	acpi_decoded_free(&d);
	uint8_t hmat[56] = "HMAT";
	acpi_set_u32(hmat + 4, 56);
	hmat[40] = 1;
	acpi_set_u32(hmat + 44, 0xffffffffu);
	acpi_decode(hmat, sizeof hmat, &d);
	CHECK(d.n_problems >= 2);
	acpi_decoded_free(&d);
	acpi_set_free(&set);
	topo_free(&t);
}

static void expect_encode_error(const char *text, const char *want)
{
	struct topology t;
	struct topo_error e;
	if (topo_parse(text, strlen(text), "bad.topo", &t, &e)) {
		char *m = topo_error_string(&e);
		test_fail(__FILE__, __LINE__, "parse: %s", m);
		free(m);
		return;
	}
	struct acpi_set set;
	char *err = NULL;
	if (acpi_generate(&t, "bad.topo", &set, &err) == 0) {
		test_fail(__FILE__, __LINE__, "encoded, expected error \"%s\"", want);
		acpi_set_free(&set);
	} else {
		CHECK_CONTAINS(err, want);
		free(err);
	}
	topo_free(&t);
}

TEST(acpi_unencodable_entries_are_named)
{
	const char *head = "name bad\nmemory 1G\nnode 0 mem=1G cpus=0\nfirmware generated\n";
	char text[512];
	snprintf(text, sizeof text, "%ssrat raw type=0x7f length=1\n", head);
	expect_encode_error(text, "bad.topo:5: srat raw: a subtable length below 2");
	/* 30 lines of 65536 memory entries: past the per-table limit, named. */
	struct buf big = BUF_INIT;
	buf_puts(&big, head);
	for (int i = 0; i < 30; i++)
		buf_puts(&big, "srat memory pxm=0 base=0 length=0 count=65536\n");
	expect_encode_error(big.s, "bad.topo:30: srat memory: the SRAT would reach");
	buf_free(&big);
	/* Beyond what the parser lets through: the encoder still refuses. */
	struct acpi_header h = { "SRAT", 0, 1, 0, "BOCHS ", "BXPC    ", 2, "BXPC", 1 };
	struct srat_entry e[2] = { { .kind = SRAT_MEMORY, .count = UINT32_MAX, .pos = { 7, 1 } },
				   { .kind = SRAT_CPU, .apic_id = 250, .count = 10, .pos = { 9, 1 } } };
	struct buf out = BUF_INIT;
	char *err = NULL;
	CHECK(srat_encode(&h, e, 1, "x.topo", &out, &err) == -1);
	CHECK_CONTAINS(err, "x.topo:7: srat memory: count makes the SRAT longer than the 4 GiB");
	free(err);
	CHECK(srat_encode(&h, e + 1, 1, "x.topo", &out, &err) == -1);
	CHECK_CONTAINS(err, "x.topo:9: srat cpu: APIC id 259 does not fit");
	free(err);
	buf_free(&out);
	snprintf(text, sizeof text, "%ssrat memory pxm=0 base=0xffffffffffff0000 length=1M count=2\n", head);
	expect_encode_error(text, "pass 2^64");
	snprintf(text, sizeof text, "%stable srat length=-100\nsrat cpu pxm=0 apic=0\n", head);
	expect_encode_error(text, "bad.topo:5: table SRAT: length=-100");
}

struct seen {
	const struct acpi_set *set;
	int found;
};

static int walk(const struct cpio_entry *e, void *ctx)
{
	struct seen *s = ctx;
	for (int i = 0; i < TABLE__COUNT; i++) {
		char name[64];
		snprintf(name, sizeof name, "kernel/firmware/acpi/%s", acpi_table_file((enum table_sig)i));
		if (s->set->t[i].present && !strcmp(e->name, name) && e->size == s->set->t[i].bytes.len &&
		    !memcmp(e->data, s->set->t[i].bytes.s, e->size))
			s->found++;
	}
	return 0;
}

TEST(acpi_override_archive_holds_the_tables)
{
	struct topology t;
	struct acpi_set set;
	REQUIRE(load_case("gen-all-kinds", &t, &set) == 0);
	struct buf cpio = BUF_INIT;
	acpi_override_archive(&set, &cpio);
	CHECK_INT(cpio.len % 4, 0);
	CHECK(!memcmp(cpio.s, "070701", 6));
	struct seen seen = { &set, 0 };
	char err[128];
	CHECK_INT(cpio_walk(cpio.s, cpio.len, walk, &seen, err, sizeof err), 0);
	CHECK_INT(seen.found, 2);     /* SRAT and SLIT */
	buf_free(&cpio);
	acpi_set_free(&set);
	topo_free(&t);
}

/* QEMU 7.2's own tables, read back from guest RAM, equal the prediction. */
SLOW_TEST(acpi_qemu_tables_equal_prediction)
{
	char names[64][128];
	int n = list_cases("qemu-", names, 64), compared = 0;
	REQUIRE(n >= 3);
	for (int i = 0; i < n; i++) {
		struct topology t;
		struct acpi_set set;
		if (load_case(names[i], &t, &set))
			continue;
		struct acpi_dump dump;
		char *err = NULL;
		if (acpi_dump_qemu(&t, 60, &dump, &err)) {
			test_fail(__FILE__, __LINE__, "%s: dump: %s", names[i], err);
			free(err);
		} else {
			for (int s = 0; s < TABLE__COUNT; s++) {
				const struct acpi_dumped_table *q = acpi_dump_find(&dump, acpi_table_name((enum table_sig)s));
				const struct buf *ours = &set.t[s].bytes;
				if (!q != !set.t[s].present)
					test_fail(__FILE__, __LINE__, "%s %s: QEMU %s it, we %s", names[i],
						  acpi_table_name((enum table_sig)s), q ? "built" : "did not build",
						  set.t[s].present ? "did" : "did not");
				else if (q && (q->bytes.len != ours->len || memcmp(q->bytes.s, ours->s, ours->len)))
					test_fail(__FILE__, __LINE__, "%s %s differs from QEMU's", names[i],
						  acpi_table_name((enum table_sig)s));
				else if (q)
					compared++;
			}
			acpi_dump_free(&dump);
		}
		acpi_set_free(&set);
		topo_free(&t);
	}
	CHECK(compared >= 7);
}
