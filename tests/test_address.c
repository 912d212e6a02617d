/* tests/test_address.c: where QEMU 7.2 puts a topology's memory
 * (topologies/topo_address.c), data-driven: each tests/topo/address/NAME.topo
 * gives exactly NAME.expected, either the address plan or the error QEMU's
 * refusal becomes (every figure there was checked against
 * qemu-system-x86_64 7.2 -S on these machines: the accepted ones start, the
 * refused ones print the same "Address space limit" numbers). The same error
 * must come out of the validator, the layout model and `topofarm check`. */
#include "tests/harness.h"
#include "tests/util.h"
#include "acpi-gen/layout.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "topologies/topo_address.h"
#include <stdlib.h>
#include <string.h>

static char *describe_plan(const struct topology *t)
{
	struct topo_address_map m;
	struct topo_issue why;
	struct buf b = BUF_INIT;
	if (topo_address_map(t, &m, &why) != 0) {
		buf_printf(&b, "%d:%d: error: %s", why.pos.line, why.pos.col, why.msg);
		return buf_steal(&b);
	}
	buf_printf(&b, "below_4g 0x%llx above_4g 0x%llx above_4g_start 0x%llx%s\n", (unsigned long long)m.below_4g,
		   (unsigned long long)m.above_4g, (unsigned long long)m.above_4g_start, m.relocated ? " relocated" : "");
	if (m.has_device_memory)
		buf_printf(&b, "device_memory 0x%llx-0x%llx\n", (unsigned long long)m.device_base,
			   (unsigned long long)(m.device_base + m.device_size - 1));
	buf_printf(&b, "max_used_gpa 0x%llx", (unsigned long long)m.max_used_gpa);
	return buf_steal(&b);
}

TEST(address_plans_match_qemu)
{
	struct file_list files;
	list_files("tests/topo/address", ".topo", &files);
	REQUIRE(files.n >= 10);
	for (int i = 0; i < files.n; i++) {
		struct topology t;
		struct topo_error err;
		if (topo_parse_file(files.v[i], &t, &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s does not parse: %s", files.v[i], err.msg);
			continue;
		}
		char *want = read_expected(files.v[i], ".expected");
		char *got = describe_plan(&t);
		if (!want || strcmp(got, want))
			test_fail(__FILE__, __LINE__, "%s:\n  got\n%s\n  expected\n%s", files.v[i], got, want ? want : "(no .expected)");
		/* A refusal is a validation error and a layout error, at the same place. */
		bool refused = strstr(got, ": error: ") != NULL;
		struct topo_issues is;
		topo_validate(&t, &is);
		bool found = false;
		for (int k = 0; k < is.n; k++) {
			char *line = xasprintf("%d:%d: error: %s", is.v[k].pos.line, is.v[k].pos.col, is.v[k].msg);
			found |= is.v[k].error && !strcmp(line, got);
			free(line);
		}
		if (refused != found)
			test_fail(__FILE__, __LINE__, "%s: the validator %s the refusal", files.v[i], refused ? "misses" : "invents");
		topo_issues_free(&is);
		struct layout l;
		char *lerr = NULL;
		int rc = layout_compute(&t, &l, &lerr);
		if (refused) {
			CHECK(rc != 0);
			char *colon = strstr(got, ": error: ");
			if (rc != 0 && colon) {
				char *want_layout = xasprintf("%.*s: %s", (int)(colon - got), got, colon + 9);
				CHECK_STR(lerr, want_layout);
				free(want_layout);
			}
		} else {
			CHECK(rc == 0);
			if (rc == 0)
				layout_free(&l);
		}
		free(lerr);
		free(got);
		free(want);
		topo_free(&t);
	}
	file_list_free(&files);
}

/* The issue's case: a layout that wraps 2^64 was accepted and showed a
 * wrapped, memoryless node. Now both verbs say where and why. */
TEST(address_wrap_is_an_error_with_file_and_line)
{
	const char *file = "tests/topo/address/wrap-two-nodes.topo";
	char *check[] = { (char *)topofarm_bin(), "check", (char *)file, NULL };
	char *show[] = { (char *)topofarm_bin(), "show", (char *)file, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(check, 30, &r), 1);
	CHECK_CONTAINS(r.out, "tests/topo/address/wrap-two-nodes.topo:2:1: error: ");
	CHECK_CONTAINS(r.out, "wrap past 2^64");
	proc_result_free(&r);
	CHECK_INT(run_captured(show, 30, &r), 1);
	CHECK_CONTAINS(r.out, "tests/topo/address/wrap-two-nodes.topo:2:1: error: ");
	CHECK(!strstr(r.out, "memoryless"));
	proc_result_free(&r);
}

/* `acpi` and `acpi dump` validate first, like `run`: a layout QEMU refuses
 * gets the validator's FILE:LINE error, no tables and no QEMU started. */
TEST(address_acpi_verbs_validate_first)
{
	const char *file = "tests/topo/address/q35-979g-refused.topo";
	char *dir = path_join(test_tmpdir(), "tables");
	char *build[] = { (char *)topofarm_bin(), "acpi", (char *)file, "-o", dir, NULL };
	char *dump[] = { (char *)topofarm_bin(), "acpi", "dump", (char *)file, "-o", dir, NULL };
	struct proc_result r;
	CHECK_INT(run_captured(build, 30, &r), 1);
	CHECK_CONTAINS(r.out, "q35-979g-refused.topo:3:1: error: ");
	CHECK_CONTAINS(r.out, "phys-bits too low (40)");
	CHECK(!path_exists(dir));
	proc_result_free(&r);
	/* A dump would start QEMU: validation must stop it first. */
	CHECK_INT(run_captured(dump, 30, &r), 1);
	CHECK_CONTAINS(r.out, "q35-979g-refused.topo:3:1: error: ");
	CHECK(!path_exists(dir));
	proc_result_free(&r);
	free(dir);
}
