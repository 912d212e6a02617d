/* tests/test_import_boot.c: `topofarm import` against real boots on
 * farm-6.1 (kernels from the cache: `topofarm kernels fetch farm-6.1`).
 *   - the seed 004 thread imports to a topology whose boot prints the very
 *     user-defined map lines the thread quotes;
 *   - fixpoint: boot a topology, import its own console log, boot the
 *     import: the BIOS-e820, user-defined map, SRAT and early node range
 *     lines are the same (once through QEMU -numa + memmap=, once through
 *     our own SRAT);
 *   - `run --kernel PATH` boots a bzImage without a catalogue entry.
 * Seed 003's thread quotes /proc/iomem of a 1.7 TiB machine, not a
 * user-defined map: its import is refused (tests/import/seed-003-thread.err). */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "results/console_layout.h"
#include "runner/kernels.h"
#include "topologies/import.h"
#include "topologies/topo.h"
#include "acpi-gen/layout.h"
#include <stdlib.h>
#include <string.h>

#define KERNEL "farm-6.1"

static char *kernel_image(const char *name)
{
	struct kernel_catalogue *cat = NULL;
	char *err = NULL, *image = NULL;
	if (kernel_catalogue_load(NULL, &cat, &err) == 0) {
		const struct kernel_entry *k = kernel_find(cat, name);
		image = k ? kernel_image_path(k) : NULL;
	}
	if (!image)
		test_fail(__FILE__, __LINE__, "kernel %s is not in the cache: run `topofarm kernels fetch %s`", name, name);
	free(err);
	kernel_catalogue_free(cat);
	return image;
}

/* Boots topo on kernel (a catalogue name, or --kernel PATH when image) and
 * returns attempt 1's console log. */
static char *boot(const char *topo, const char *layout, const char *kernel, const char *image, const char *out)
{
	char *argv[] = { (char *)topofarm_bin(), "run", (char *)topo, image ? "--kernel" : "--kernels",
			 (char *)(image ? image : kernel), "-j", "1", "--out", (char *)out, NULL };
	struct proc_result r;
	run_captured(argv, 600, &r);
	char *path = xasprintf("%s/runs/%s/%s/1/console.log", out, layout, kernel);
	char *log = read_file(path, NULL);
	if (!log)
		test_fail(__FILE__, __LINE__, "no %s; topofarm run said:\n%s", path, r.out ? r.out : "");
	free(path);
	proc_result_free(&r);
	return log;
}

static void add_ranges(struct buf *b, const char *what, const struct printed_ranges *r)
{
	for (int i = 0; i < r->n; i++)
		buf_printf(b, "%s [mem 0x%llx-0x%llx] type %u node %d pxm %d%s%s\n", what,
			   (unsigned long long)r->v[i].start, (unsigned long long)r->v[i].end - 1, r->v[i].type,
			   r->v[i].node, r->v[i].pxm, r->v[i].hotplug ? " hotplug" : "",
			   r->v[i].nonvolatile ? " non-volatile" : "");
}

/* The layout lines of a console log, one per line, timestamps gone. */
static char *layout_lines(const char *log, bool bios, bool user, bool srat, bool early)
{
	struct console_layout c = { 0 };
	console_layout_parse(&c, log, strlen(log));
	struct buf b = BUF_INIT;
	if (bios)
		add_ranges(&b, "BIOS-e820", &c.bios);
	if (user)
		add_ranges(&b, "user", &c.user);
	if (srat)
		add_ranges(&b, "SRAT", &c.srat);
	if (early)
		add_ranges(&b, "early", &c.early);
	console_layout_free(&c);
	return buf_steal(&b);
}

static char *import_file(const char *report, const char *name, const char *dir)
{
	size_t len;
	char *text = read_file(report, &len), *topo = NULL, *err = NULL;
	if (!text || topo_import(text, len, report, name, &topo, &err) != 0) {
		test_fail(__FILE__, __LINE__, "import of %s: %s", report, err ? err : "unreadable");
		free(text), free(err);
		return NULL;
	}
	char *path = xasprintf("%s/%s.topo", dir, name);
	write_file_str(path, topo);
	free(text), free(topo);
	return path;
}

/* The "user: [mem ..] TYPE" lines of a console log, without timestamps. */
static char *user_lines(const char *log)
{
	struct buf got = BUF_INIT;
	for (const char *p = log; (p = strstr(p, "user: [mem")); p++) {
		buf_add(&got, p, strcspn(p, "\r\n"));
		buf_putc(&got, '\n');
	}
	return buf_steal(&got);
}

/* Imports tests/import/CASE.txt and boots it; the console log, or NULL. */
static char *import_and_boot(const char *name, char **topo_out)
{
	char *image = kernel_image(KERNEL);
	char *report = xasprintf("%s/tests/import/%s.txt", test_repo_dir(), name);
	char *layout = xasprintf("%s-imported", name);
	char *topo = image ? import_file(report, layout, test_tmpdir()) : NULL;
	char *out = path_join(test_tmpdir(), "out");
	char *log = topo ? boot(topo, layout, KERNEL, NULL, out) : NULL;
	*topo_out = topo;
	free(out), free(layout), free(report), free(image);
	return log;
}

SLOW_TEST(import_seed_004_boot_prints_the_threads_user_map)
{
	char *topo, *report = path_join(test_repo_dir(), "tests/import/seed-004-thread.txt");
	char *log = import_and_boot("seed-004-thread", &topo);
	REQUIRE(log);
	char *thread = read_file(report, NULL);
	/* The thread quotes the map twice, the second time complete: its
	 * user: lines, in order, are what the kernel must print. */
	struct report_lines rl;
	report_lines_read(thread, strlen(thread), &rl);
	struct buf want = BUF_INIT;
	for (int i = rl.n - 1, started = 0; i >= 0; i--)
		if (strstr(rl.text[i], "] user: [mem")) {
			started = 1;
		} else if (started) {
			for (int k = i + 1; k < rl.n && strstr(rl.text[k], "] user: [mem"); k++) {
				const char *u = strstr(rl.text[k], "user: [mem");
				size_t n = strcspn(u, "=");     /* the thread's "===>" notes */
				while (n && u[n - 1] == ' ')
					n--;
				buf_add(&want, u, n);
				buf_putc(&want, '\n');
			}
			break;
		}
	char *got = user_lines(log);
	CHECK_INT(rl.n > 0, 1);
	CHECK_STR(got, want.s);
	CHECK_CONTAINS(log, "user-defined physical RAM map:");
	CHECK_CONTAINS(log, "@@TOPOFARM DONE");
	buf_free(&want);
	report_lines_free(&rl);
	free(got), free(thread), free(log), free(topo), free(report);
}

/* Boot, import the console log, boot the import: same layout lines. */
static void fixpoint(const char *topo_rel, const char *layout)
{
	char *image = kernel_image(KERNEL);
	if (!image)
		return;
	char *topo = path_join(test_repo_dir(), topo_rel);
	char *out1 = xasprintf("%s/%s-1", test_tmpdir(), layout), *out2 = xasprintf("%s/%s-2", test_tmpdir(), layout);
	char *log1 = boot(topo, layout, KERNEL, NULL, out1);
	REQUIRE(log1);
	char *log1_path = xasprintf("%s/runs/%s/%s/1/console.log", out1, layout, KERNEL);
	char *name = xasprintf("%s-reimported", layout);
	char *again = import_file(log1_path, name, test_tmpdir());
	REQUIRE(again);
	char *log2 = boot(again, name, KERNEL, NULL, out2);
	REQUIRE(log2);
	char *a = layout_lines(log1, true, true, true, true), *b = layout_lines(log2, true, true, true, true);
	CHECK(strstr(a, "SRAT") != NULL);
	CHECK(strstr(a, "early") != NULL);
	CHECK_STR(b, a);
	if (strcmp(a, b)) {
		char *t = read_file(again, NULL);
		test_fail(__FILE__, __LINE__, "the import was:\n%s", t);
		free(t);
	}
	free(a), free(b), free(log1), free(log2), free(log1_path), free(name), free(again);
	free(out1), free(out2), free(topo), free(image);
}

SLOW_TEST(import_fixpoint_qemu_numa_and_memmap)
{
	fixpoint("topologies/seeds/004-pram-kpageflags.topo", "seed-004-pram-kpageflags");
}

SLOW_TEST(import_fixpoint_our_own_srat)
{
	fixpoint("topologies/examples/generated-srat-descending.topo", "generated-srat-descending");
}

SLOW_TEST(run_kernel_path_boots_an_image_without_a_catalogue_entry)
{
	char *image = kernel_image(KERNEL);
	REQUIRE(image);
	char *out = path_join(test_tmpdir(), "out");
	char *topo = path_join(test_repo_dir(), "topologies/examples/two-node.topo");
	const char *base = strrchr(image, '/') + 1;
	char *kname = xasprintf("image-%s", base);
	char *log = boot(topo, "two-node", kname, image, out);
	REQUIRE(log);
	CHECK_CONTAINS(log, "@@TOPOFARM DONE");
	char *rec = xasprintf("%s/runs/two-node/%s/1/record.json", out, kname);
	char *text = read_file(rec, NULL);
	CHECK_CONTAINS(text, "\"outcome\": \"pass\"");
	CHECK_CONTAINS(text, image);
	free(text), free(rec), free(log), free(kname), free(topo), free(out), free(image);
}

/* Seed 003's thread quotes /proc/iomem of a 1.7 TiB machine: the import is
 * shrunk by whole 2G units (tests/import/seed-003-thread.topo). Its boot
 * prints the user-defined map the layout model predicts, the last RAM block
 * is shared with the reserved range as in the thread (RAM ends 1G into a
 * 2G block), and the probes (lsmem-like memory-block reads) run. */
SLOW_TEST(import_seed_003_shrunk_map_boots_as_predicted)
{
	char *topo;
	char *log = import_and_boot("seed-003-thread", &topo);
	REQUIRE(log);
	struct topology t;
	struct topo_error e;
	REQUIRE(topo_parse_file(topo, &t, &e) == 0);
	struct layout l;
	REQUIRE(layout_compute(&t, &l, NULL) == 0);
	char *want = e820_format(l.user_e820, l.n_user, "user");
	CHECK_CONTAINS(want, "user: [mem 0x0000000100000000-0x00000001bfffffff] usable\n");
	CHECK(0x1c0000000ULL % (2ULL << 30) == 0x3040000000ULL % (2ULL << 30));
	char *got = user_lines(log);
	CHECK_STR(got, want);
	CHECK_CONTAINS(log, "@@TOPOFARM DONE");
	free(got), free(want);
	layout_free(&l);
	topo_free(&t);
	free(log), free(topo);
}
