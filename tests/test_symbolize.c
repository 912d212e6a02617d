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
