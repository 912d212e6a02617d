/* tests/test_import.c: `topofarm import` on report texts of every shape
 * (tests/import/CASE.txt): mail-quoted, wrapped, with and without
 * timestamps, only a QEMU command line, real console logs, and bad input.
 * Each case has the expected topology (CASE.topo) or the expected error
 * (CASE.err, the whole message). Every imported topology must also parse,
 * validate without errors and print canonically; the seed threads 003 and
 * 004 are imported straight from shared/seeds when that folder is there. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "topologies/import.h"
#include "topologies/topo.h"
#include "results/console_layout.h"
#include "acpi-gen/layout.h"
#include "common/proc.h"
#include <stdlib.h>
#include <string.h>

static char *case_name(const char *path)
{
	const char *base = strrchr(path, '/') + 1;
	return xstrndup(base, strlen(base) - 4);
}

TEST(import_cases)
{
	struct file_list cases;
	char *dir = path_join(test_repo_dir(), "tests/import");
	list_files(dir, ".txt", &cases);
	CHECK(cases.n >= 20);
	for (int i = 0; i < cases.n; i++) {
		size_t len;
		char *text = read_file(cases.v[i], &len);
		char *name = case_name(cases.v[i]);
		char *file = xasprintf("%s.txt", name);
		char *topo = NULL, *err = NULL;
		int rc = topo_import(text, len, file, name, &topo, &err);
		char *want_topo = read_expected_raw(cases.v[i], ".topo"), *want_err = read_expected(cases.v[i], ".err");
		if (!want_topo && !want_err)
			test_fail(__FILE__, __LINE__, "%s: no .topo or .err beside it", cases.v[i]);
		if (want_err) {
			if (rc == 0)
				test_fail(__FILE__, __LINE__, "%s: imported, expected the error %s", name, want_err);
			else
				CHECK_STR(err, want_err);
		}
		if (want_topo) {
			if (rc != 0) {
				test_fail(__FILE__, __LINE__, "%s: %s", name, err);
			} else {
				CHECK_STR(topo, want_topo);
				struct topology t;
				struct topo_error e;
				if (topo_parse(topo, strlen(topo), name, &t, &e) != 0) {
					char *m = topo_error_string(&e);
					test_fail(__FILE__, __LINE__, "%s: the import does not parse: %s", name, m);
					free(m);
				} else {
					struct topo_issues is = { 0 };
					topo_validate(&t, &is);
					CHECK_INT(is.n_errors, 0);
					topo_issues_free(&is);
					topo_free(&t);
				}
			}
		}
		free(text), free(name), free(file), free(topo), free(err), free(want_topo), free(want_err);
	}
	file_list_free(&cases);
	free(dir);
}

/* The user-defined map the seed 004 thread quotes is what the imported
 * topology makes the kernel print (checked here against the layout model;
 * the boot test checks it against the real kernel). */
TEST(import_seed_004_user_map_predicted)
{
	char *path = path_join(test_repo_dir(), "tests/import/seed-004-thread.txt");
	size_t len;
	char *text = read_file(path, &len), *topo = NULL, *err = NULL;
	REQUIRE(text);
	REQUIRE(topo_import(text, len, "seed-004-thread.txt", "seed-004", &topo, &err) == 0);
	struct topology t;
	struct topo_error e;
	REQUIRE(topo_parse(topo, strlen(topo), "x", &t, &e) == 0);
	struct layout l;
	REQUIRE(layout_compute(&t, &l, NULL) == 0);
	char *got = e820_format(l.user_e820, l.n_user, "user");
	CHECK_STR(got,
		  "user: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		  "user: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		  "user: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
		  "user: [mem 0x0000000000100000-0x00000000bffd6fff] usable\n"
		  "user: [mem 0x00000000bffd7000-0x00000000bfffffff] reserved\n"
		  "user: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n"
		  "user: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
		  "user: [mem 0x0000000100000000-0x000000013fffffff] persistent (type 12)\n"
		  "user: [mem 0x0000000140000000-0x000000023fffffff] usable\n");
	free(got);
	layout_free(&l);
	topo_free(&t);
	free(text), free(topo), free(err), free(path);
}

/* Layout lines are read the same with and without timestamps, caller ids
 * and levels, and hostile bytes around them change nothing. */
TEST(console_layout_prefixes)
{
	const char *log =
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"<6>[    0.000000][    T0] BIOS-e820: [mem 0x0000000000100000-0x000000003ffdffff] usable\r\n"
		"BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
		"\x1b[31mACPI: SRAT: Node 1 PXM 3 [mem 0x20000000-0x3fffffff] hotplug non-volatile\x1b[0m\n"
		"SRAT: PXM 3 -> APIC 0x01 -> Node 1\n"
		"BIOS-e820: [mem 0xffffffffffffffff-0x0] usable\n"          /* end before start: ignored */
		"BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] bogus-type\n"
		"  node   1: [mem 0x0000000020000000-0x000000003ffdffff]\n"
		"Initmem setup node 1 [mem 0x0000000020000000-0x000000003ffdffff]\n"
		"smpboot: Allowing 4 CPUs, 0 hotplug CPUs\n"
		"100000000-303fffffff : System RAM\n";
	struct console_layout c = { 0 };
	console_layout_parse(&c, log, strlen(log));
	CHECK_INT(c.bios.n, 3);
	CHECK_U64(c.bios.v[1].end, 0x3ffe0000);
	CHECK_INT(c.bios.v[2].type, 2);
	CHECK_INT(c.srat.n, 1);
	CHECK_INT(c.srat.v[0].pxm, 3);
	CHECK(c.srat.v[0].hotplug && c.srat.v[0].nonvolatile);
	CHECK_INT(c.n_cpus_srat, 1);
	CHECK_INT(c.cpus_srat[0].apic, 1);
	CHECK_INT(c.early.n, 1);
	CHECK_INT(c.initmem.n, 1);
	CHECK_INT(c.cpus, 4);
	CHECK_INT(c.iomem.n, 1);
	CHECK_U64(c.iomem.v[0].end, 0x3040000000ULL);
	console_layout_free(&c);
}

/* `topofarm triage -` and `topofarm import -` read standard input: the same
 * verdict and topology as from the file. */
TEST(stdin_triage_and_import)
{
	char *log = path_join(test_repo_dir(), "tests/import/seed-000-with-qemu.txt");
	char *oops = path_join(test_repo_dir(), "tests/import/no-layout-oops.txt");
	struct proc_result from_file, from_stdin;
	char *argv_file[] = { (char *)topofarm_bin(), "triage", oops, NULL };
	char *argv_stdin[] = { (char *)topofarm_bin(), "triage", "-", NULL };
	CHECK_INT(run_captured(argv_file, 60, &from_file), 1);
	struct proc_opts t = { .capture = true, .timeout = 60, .stdin_path = oops };
	proc_run(argv_stdin, &t, &from_stdin);
	CHECK_INT(from_stdin.exit_code, 1);
	CHECK_CONTAINS(from_stdin.out, "<stdin>: panic");
	CHECK_CONTAINS(from_stdin.out, "title:     kernel BUG in is_mem_section_removable");
	/* everything after the file name is the same */
	CHECK_STR(strchr(from_stdin.out, ':'), strchr(from_file.out, ':'));
	proc_result_free(&from_file);
	proc_result_free(&from_stdin);

	char *argv_imp[] = { (char *)topofarm_bin(), "import", "-", "--name", "seed-000-with-qemu", NULL };
	struct proc_opts o = { .capture = true, .timeout = 60, .stdin_path = log };
	proc_run(argv_imp, &o, &from_stdin);
	CHECK_INT(from_stdin.exit_code, 0);
	char *want = read_expected_raw(log, ".topo");
	REQUIRE(want);
	/* the expected file names the report; from stdin it is "<stdin>" */
	struct buf b = BUF_INIT;
	for (const char *p = want; *p;) {
		const char *q = strstr(p, "seed-000-with-qemu.txt");
		if (!q) {
			buf_puts(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(q - p));
		buf_puts(&b, "<stdin>");
		p = q + strlen("seed-000-with-qemu.txt");
	}
	CHECK_STR(from_stdin.out, b.s);
	buf_free(&b);
	free(want);
	proc_result_free(&from_stdin);
	free(log), free(oops);
}
