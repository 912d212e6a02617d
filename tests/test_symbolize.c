/* tests/test_symbolize.c: frames get file:line the way scripts/faddr2line
 * does it, on a real ELF with DWARF: the topofarm binary under test stands
 * in for a vmlinux (kernels here are built without debug info). A frame
 * whose LEN is not the symbol's size (another build) and an unknown name
 * stay unresolved; `triage --vmlinux` prints them under the report. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "results/symbolize.h"
#include "results/store.h"
#include "results/triage.h"
#include "tests/results_fixture.h"
#include <stdlib.h>
#include <string.h>

/* The size nm gives a function of ELF, or 0. */
static unsigned long long symbol_size(const char *elf, const char *name)
{
	char *argv[] = { "nm", "--defined-only", "-S", (char *)elf, NULL };
	struct proc_result r;
	unsigned long long size = 0;
	if (run_captured(argv, 60, &r) == 0 && r.out) {
		char *pat = xasprintf(" T %s\n", name);
		const char *hit = strstr(r.out, pat);
		if (hit) {
			const char *line = hit;
			while (line > r.out && line[-1] != '\n')
				line--;
			size = strtoull(strchr(line, ' ') + 1, NULL, 16);
		}
		free(pat);
	}
	proc_result_free(&r);
	return size;
}

TEST(symbolize_frames_against_an_elf_with_dwarf)
{
	const char *elf = topofarm_bin();
	unsigned long long size = symbol_size(elf, "topo_import");
	REQUIRE(size > 0x20);
	char *text = xasprintf("RIP: 0010:topo_import+0x10/0x%llx\nCall Trace:\n <TASK>\n ? topo_import+0x10/0x%llx\n"
			       " no_such_function_here+0x1/0x2\n topo_import+0x0/0x1\n",
			       size, size + 1);
	struct symbolized s;
	char *err = NULL;
	REQUIRE(symbolize_text(elf, text, &s, &err) == 0);
	REQUIRE(s.n == 4);
	CHECK_CONTAINS(s.v[0].frame, "topo_import+0x10/0x");
	CHECK_CONTAINS(s.v[0].where, "topologies/import.c:");
	CHECK(s.v[1].where == NULL);    /* LEN is not the symbol's size: another build */
	CHECK(s.v[2].where == NULL);    /* unknown */
	CHECK(s.v[3].where == NULL);
	symbolized_free(&s);
	free(text);

	/* the verb: frames listed under the report */
	char *log = path_join(test_tmpdir(), "oops.log");
	char *body = xasprintf("[    1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
			       "[    1.000001] RIP: 0010:topo_import+0x10/0x%llx\n"
			       "[    1.000002] Call Trace:\n[    1.000003]  <TASK>\n"
			       "[    1.000004]  topo_import+0x10/0x%llx\n[    1.000005]  </TASK>\n", size, size);
	write_file_str(log, body);
	char *argv[] = { (char *)elf, "triage", "--vmlinux", (char *)elf, log, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(argv, 120, &r), 1);
	CHECK_CONTAINS(r.out, "frames (");
	CHECK_CONTAINS(r.out, "topologies/import.c:");
	proc_result_free(&r);
	char *missing[] = { (char *)elf, "triage", "--vmlinux", "/nonexistent/vmlinux", log, NULL };
	run_captured(missing, 60, &r);
	CHECK_CONTAINS(r.out, "--vmlinux: nm /nonexistent/vmlinux failed");
	proc_result_free(&r);
	free(body), free(log);
}

/* A run's report keeps its frames through the store and shows where its
 * guilty frame is in the text, HTML and JSON reports: the frames come from
 * triage_symbolize on a real ELF (this binary), the run from a seed fixture. */
TEST(symbolized_frames_reach_the_store_and_the_reports)
{
	const char *elf = topofarm_bin();
	unsigned long long size = symbol_size(elf, "topo_import");
	REQUIRE(size > 0x20);
	char *dir = path_join(test_tmpdir(), "results");
	struct run_record r;
	char *err = NULL;
	REQUIRE(fixture_record(dir, "topologies/seeds/000-tiny-node.topo", "farm-6.1-prefix", 1,
			       "seed000_null_deref_deactivate_slab", NULL, "symbols", 1, &r, &err) == 0);
	REQUIRE(r.triage.n_reports >= 1);
	/* The report's own frames name kernel functions this ELF does not have:
	 * they stay unresolved. Append one of ours the way the console shows it. */
	struct triage_report *p = NULL;
	for (int i = 0; i < r.triage.n_reports; i++)
		if (!strcmp(r.triage.reports[i].title, r.triage.title))
			p = &r.triage.reports[i];
	REQUIRE(p != NULL);
	char *text = xasprintf("%s\n topo_import+0x10/0x%llx\n", p->text, size);
	free(p->text);
	p->text = text;
	free(p->frame);
	p->frame = xstrdup("topo_import");    /* as if it were the guilty frame */
	REQUIRE(triage_symbolize(&r.triage, elf, &err) == 0);
	REQUIRE(p->symbols.n >= 2);
	const char *where = symbolized_where(&p->symbols, "topo_import");
	REQUIRE(where != NULL);
	CHECK_CONTAINS(where, "topologies/import.c:");
	CHECK(symbolized_where(&p->symbols, "deactivate_slab") == NULL);
	CHECK(symbolized_where(&p->symbols, "topo_impor") == NULL);   /* whole names only */

	/* the store's form round-trips */
	char *lines = symbolized_to_lines(&p->symbols);
	struct symbolized back;
	symbolized_from_lines(lines, &back);
	CHECK_INT(back.n, p->symbols.n);
	CHECK_STR(symbolized_where(&back, "topo_import"), where);
	symbolized_free(&back);
	symbolized_from_lines("no tab here\n\tempty frame\nf+0x1/0x2\t\n", &back);
	CHECK_INT(back.n, 1);                   /* malformed lines are skipped */
	CHECK(back.n == 1 && back.v[0].where == NULL);
	symbolized_free(&back);
	free(lines);

	struct store *s;
	REQUIRE(store_open(dir, &s, &err) == 0);
	REQUIRE(store_add_run(s, &r, NULL, &err) == 0);
	store_close(s);
	char *want = xasprintf("guilty frame:  topo_import at %s", where);
	const char *formats[] = { "--text", "--html", "--json" };
	for (int f = 0; f < 3; f++) {
		char *out = path_join(test_tmpdir(), "report.out");
		char *argv[] = { (char *)elf, "report", "--dir", dir, (char *)formats[f], f ? out : NULL, NULL };
		struct proc_result pr;
		run_captured(argv, 60, &pr);
		char *rep = f ? read_file(out, NULL) : xstrdup(pr.out ? pr.out : "");
		REQUIRE(rep != NULL);
		if (f == 0) {
			CHECK_CONTAINS(rep, want);
			CHECK_CONTAINS(rep, "frames (file:line from the kernel's vmlinux):");
		} else if (f == 1) {
			CHECK_CONTAINS(rep, "Frames (file:line from the kernel");
			CHECK_CONTAINS(rep, where);
		} else {
			CHECK_CONTAINS(rep, "\"where\": \"");
			CHECK_CONTAINS(rep, "topologies/import.c:");
		}
		proc_result_free(&pr);
		free(rep);
		free(out);
	}
	free(want);
	run_record_free(&r);
	free(dir);
}
