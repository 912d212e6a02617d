/* tests/test_cpio.c: the newc cpio writer and reader (common/cpio.h). Archives
 * are extracted with the real GNU `cpio -idm` and compared file by file; the
 * kernel's own reading of concatenated archives is exercised by the boot
 * tests in test_probe.c (the per-run plan archive rides behind the base). */
#include "tests/harness.h"
#include "common/cpio.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* One file of the round-trip set: its name, permission bits and contents. */
struct sample {
	char name[64];
	unsigned mode;
	char data[32];
	size_t len;
};

/* Names of every length 1..12 (so header+name hits each residue mod 4) and
 * data of every length 0..11, in two directories. */
static size_t make_samples(struct sample *s, size_t max)
{
	static const unsigned modes[] = { 0644, 0755, 0600, 0700, 0751, 0444 };
	size_t n = 0;
	for (size_t len = 1; len <= 12 && n < max; len++, n++) {
		const char *dir = len % 2 ? "d1" : "d1/sub";
		char base[16];
		for (size_t i = 0; i < len; i++)
			base[i] = (char)('a' + (i + len) % 26);
		base[len] = 0;
		snprintf(s[n].name, sizeof s[n].name, "%s/%s", dir, base);
		s[n].mode = modes[len % 6];
		s[n].len = len - 1;
		for (size_t i = 0; i < s[n].len; i++)
			s[n].data[i] = (char)(i * 37 + len);   /* includes NUL and high bytes */
	}
	return n;
}

static int extract(const char *archive_path, const char *into)
{
	if (mkdir_p(into, 0755) != 0)
		return -1;
	char *argv[] = { "cpio", "-idm", "--quiet", NULL };
	struct proc_opts o = { .cwd = into, .stdin_path = archive_path, .capture = true, .timeout = 30 };
	struct proc_result r;
	int rc = proc_run(argv, &o, &r);
	if (rc != 0)
		fprintf(stderr, "  cpio -idm: exit %d: %s\n", r.exit_code, r.out ? r.out : "");
	proc_result_free(&r);
	return rc;
}

TEST(cpio_round_trip_through_gnu_cpio)
{
	struct sample s[16];
	size_t n = make_samples(s, 16);
	struct buf out = BUF_INIT;
	struct cpio c;
	cpio_init(&c, &out);
	CHECK_INT(cpio_add_dir(&c, "/d1", 0755), 0);        /* leading '/' dropped */
	CHECK_INT(cpio_add_dir(&c, "d1/sub", 0710), 0);
	for (size_t i = 0; i < n; i++)
		CHECK_INT(cpio_add_file(&c, s[i].name, s[i].mode, s[i].data, s[i].len), 0);
	CHECK_INT(cpio_add_symlink(&c, "d1/abs", "/bin/busybox"), 0);
	CHECK_INT(cpio_add_symlink(&c, "d1/sub/rel", "../a"), 0);
	cpio_finish(&c);
	CHECK_INT(out.len % 4, 0);

	char *path = path_join(test_tmpdir(), "a.cpio");
	char *into = path_join(test_tmpdir(), "out");
	REQUIRE(write_file(path, out.s, out.len) == 0);
	REQUIRE(extract(path, into) == 0);

	for (size_t i = 0; i < n; i++) {
		char *p = path_join(into, s[i].name);
		size_t len = 0;
		char *got = read_file(p, &len);
		struct stat st;
		CHECK(got != NULL);
		CHECK_INT(len, s[i].len);
		if (got && len == s[i].len)
			CHECK(memcmp(got, s[i].data, len) == 0);
		CHECK(lstat(p, &st) == 0 && S_ISREG(st.st_mode));
		CHECK_INT(st.st_mode & 07777, s[i].mode);
		free(got);
		free(p);
	}
	char link[256];
	char *p = path_join(into, "d1/abs");
	ssize_t k = readlink(p, link, sizeof link - 1);
	CHECK(k > 0);
	link[k > 0 ? k : 0] = 0;
	CHECK_STR(link, "/bin/busybox");
	free(p);
	p = path_join(into, "d1/sub/rel");
	k = readlink(p, link, sizeof link - 1);
	link[k > 0 ? k : 0] = 0;
	CHECK_STR(link, "../a");
	free(p);
	struct stat st;
	p = path_join(into, "d1/sub");
	CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0710);
	free(p);
	free(path);
	free(into);
	buf_free(&out);
}

struct collected {
	char names[64][64];
	uint32_t modes[64];
	size_t sizes[64];
	size_t archive[64];
	uint32_t rmajor[64], rminor[64];
	size_t n;
};

static int collect(const struct cpio_entry *e, void *ctx)
{
	struct collected *c = ctx;
	if (c->n < 64) {
		snprintf(c->names[c->n], sizeof c->names[0], "%s", e->name);
		c->modes[c->n] = e->mode;
		c->sizes[c->n] = e->size;
		c->archive[c->n] = e->archive;
		c->rmajor[c->n] = e->rdev_major;
		c->rminor[c->n] = e->rdev_minor;
		c->n++;
	}
	return 0;
}

TEST(cpio_every_name_and_data_length_walks_back)
{
	/* All 16 combinations of name length mod 4 and data length mod 4. */
	for (size_t nl = 1; nl <= 8; nl++)
		for (size_t dl = 0; dl <= 8; dl++) {
			struct buf out = BUF_INIT;
			struct cpio c;
			char name[16], data[16];
			memset(name, 'n', nl);
			name[nl] = 0;
			memset(data, 'x', dl);
			cpio_init(&c, &out);
			cpio_add_file(&c, name, 0644, data, dl);
			cpio_add_file(&c, "z", 0600, "tail", 4);
			cpio_finish(&c);
			CHECK_INT(out.len % 4, 0);
			struct collected got = { 0 };
			char err[128] = "";
			CHECK_INT(cpio_walk(out.s, out.len, collect, &got, err, sizeof err), 0);
			CHECK_INT(got.n, 2);
			CHECK_STR(got.names[0], name);
			CHECK_INT(got.sizes[0], dl);
			CHECK_STR(got.names[1], "z");
			CHECK_INT(got.sizes[1], 4);
			buf_free(&out);
		}
}

TEST(cpio_concatenated_archives_both_walk)
{
	struct buf out = BUF_INIT;
	struct cpio c;
	cpio_init(&c, &out);
	cpio_add_dir(&c, "kernel", 0755);
	cpio_add_file(&c, "kernel/firmware/acpi/SRAT.aml", 0644, "SRAT", 3);
	cpio_finish(&c);
	size_t first_len = out.len;
	/* GNU cpio pads archives to 512-byte blocks with zeros: the kernel (and
	 * cpio_walk) skip such zeros between archives. */
	for (int i = 0; i < 100; i++)
		buf_putc(&out, 0);
	cpio_init(&c, &out);
	cpio_add_file(&c, "topofarm/plan", 0644, "probe nodes\n", 12);
	cpio_finish(&c);
	CHECK_INT(out.len % 4, 0);
	CHECK(out.len > first_len + 100);

	struct collected got = { 0 };
	char err[128] = "";
	CHECK_INT(cpio_walk(out.s, out.len, collect, &got, err, sizeof err), 0);
	REQUIRE(got.n == 3);
	CHECK_STR(got.names[1], "kernel/firmware/acpi/SRAT.aml");
	CHECK_INT(got.archive[1], 0);
	CHECK_STR(got.names[2], "topofarm/plan");
	CHECK_INT(got.archive[2], 1);
	CHECK_INT(got.modes[2], S_IFREG | 0644);

	/* Each part on its own is an archive GNU cpio reads. */
	char *path = path_join(test_tmpdir(), "second.cpio");
	char *into = path_join(test_tmpdir(), "second");
	REQUIRE(write_file(path, out.s + first_len + 100, out.len - first_len - 100) == 0);
	REQUIRE(extract(path, into) == 0);
	char *plan = path_join(into, "topofarm/plan");
	char *text = read_file(plan, NULL);
	CHECK_STR(text, "probe nodes\n");
	free(text);
	free(plan);
	free(path);
	free(into);
	buf_free(&out);
}

/* Malformed input the reader must refuse, with the reason it gives. */
TEST(cpio_walk_refuses_malformed_archives)
{
	struct buf good = BUF_INIT;
	struct cpio c;
	cpio_init(&c, &good);
	cpio_add_file(&c, "f", 0644, "data", 4);
	cpio_finish(&c);

	static const struct { const char *what; size_t cut; size_t shift; int flip; const char *reason; } cases[] = {
		{ "truncated header", 50, 0, -1, "truncated header" },
		{ "truncated data", 114, 0, -1, "data runs past the end" },
		{ "no trailer", 116, 0, -1, "no TRAILER!!!" },
		{ "bad magic", 0, 0, 0, "bad magic" },
		{ "not hex", 0, 0, 20, "not hex" },
		{ "misaligned start", 0, 2, -1, "4-byte aligned" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		for (size_t z = 0; z < cases[i].shift; z++)
			buf_putc(&b, 0);
		buf_add(&b, good.s, cases[i].cut ? cases[i].cut : good.len);
		if (cases[i].flip >= 0)
			b.s[cases[i].shift + (size_t)cases[i].flip] = 'Z';
		struct collected got = { 0 };
		char err[128] = "";
		int rc = cpio_walk(b.s, b.len, collect, &got, err, sizeof err);
		if (rc != -1)
			fprintf(stderr, "  case %s\n", cases[i].what);
		CHECK_INT(rc, -1);
		CHECK_CONTAINS(err, cases[i].reason);
		buf_free(&b);
	}
	buf_free(&good);
}

TEST(cpio_writer_refuses_bad_entries)
{
	struct buf out = BUF_INIT;
	struct cpio c;
	cpio_init(&c, &out);
	size_t before = out.len;
	errno = 0;
	CHECK_INT(cpio_add_file(&c, "", 0644, "x", 1), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(cpio_add_dir(&c, "///", 0755), -1);   /* nothing left after the '/'s */
	CHECK_INT(cpio_add_symlink(&c, "l", ""), -1);
	char longname[5000];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	CHECK_INT(cpio_add_file(&c, longname, 0644, "x", 1), -1);
	CHECK_INT(out.len, before);                       /* nothing half-written */
	cpio_finish(&c);
	errno = 0;
	CHECK_INT(cpio_add_file(&c, "late", 0644, "x", 1), -1);
	CHECK_INT(errno, EALREADY);
	/* An empty archive is just the trailer: 110 + 11 name bytes, padded. */
	CHECK_INT(out.len, 124);
	CHECK(memcmp(out.s, "070701", 6) == 0);
	CHECK(memmem(out.s, out.len, "TRAILER!!!", 10) != NULL);
	buf_free(&out);
}

TEST(cpio_chardev_keeps_major_minor)
{
	struct buf out = BUF_INIT;
	struct cpio c;
	cpio_init(&c, &out);
	CHECK_INT(cpio_add_chardev(&c, "dev/console", 0600, 5, 1), 0);
	cpio_finish(&c);
	struct collected got = { 0 };
	CHECK_INT(cpio_walk(out.s, out.len, collect, &got, NULL, 0), 0);
	REQUIRE(got.n == 1);
	CHECK_INT(got.modes[0], S_IFCHR | 0600);
	CHECK_INT(got.rmajor[0], 5);
	CHECK_INT(got.rminor[0], 1);
	buf_free(&out);
}
