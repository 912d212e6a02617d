/* tests/test_show.c: `topofarm show` golden outputs (tests/show/NAME.txt and
 * NAME.json for the topology of that name under topologies/), and the proof
 * that the predicted layout is what a real kernel prints: debian-6.1 boots
 * each example layout and every console group the layout model predicts
 * (BIOS-e820, user map, SRAT, NUMA init, NODE_DATA, zone ranges, movable
 * zone starts, early node ranges, Initmem setup, holes, block size) must
 * equal the prediction (results/divergence.c compares). */
#include "tests/harness.h"
#include "tests/util.h"
#include "acpi-gen/describe.h"
#include "acpi-gen/layout.h"
#include "results/divergence.h"
#include "acpi-gen/acpi_gen.h"
#include "common/buf.h"
#include "common/cpio.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "runner/kernels.h"
#include <stdlib.h>
#include <string.h>

/* topologies/examples/NAME.topo or topologies/seeds/NAME.topo */
static char *topology_for(const char *golden)
{
	const char *slash = strrchr(golden, '/');
	const char *name = slash ? slash + 1 : golden;
	const char *dot = strrchr(name, '.');
	char *base = xstrndup(name, dot ? (size_t)(dot - name) : strlen(name));
	const char *dirs[] = { "topologies/examples", "topologies/seeds" };
	for (int i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s.topo", dirs[i], base);
		if (path_exists(p)) {
			free(base);
			return p;
		}
		free(p);
	}
	free(base);
	return NULL;
}

static void check_golden(const char *suffix, bool json)
{
	struct file_list files;
	list_files("tests/show", suffix, &files);
	REQUIRE(files.n >= (json ? 2 : 10));
	for (int i = 0; i < files.n; i++) {
		char *topo = topology_for(files.v[i]);
		if (!topo) {
			test_fail(__FILE__, __LINE__, "%s: no topology of that name", files.v[i]);
			continue;
		}
		struct topology t;
		struct topo_error err;
		REQUIRE(topo_parse_file(topo, &t, &err) == 0);
		char *e = NULL;
		char *got = describe_topology(&t, NULL, json, &e);
		char *want = read_file(files.v[i], NULL);
		if (!got || !want || strcmp(got, want))
			test_fail(__FILE__, __LINE__, "%s differs from `topofarm show%s %s` (regenerate only after checking the "
				  "new output against a real boot):\n%s", files.v[i], json ? " --json" : "", topo, got ? got : e);
		free(got);
		free(want);
		free(topo);
		topo_free(&t);
	}
	file_list_free(&files);
}

TEST(show_text_golden_outputs)
{
	check_golden(".txt", false);
}

TEST(show_json_golden_outputs)
{
	check_golden(".json", true);
}

TEST(show_cli_matches_library_and_reports_errors)
{
	char *argv[] = { (char *)topofarm_bin(), "show", "topologies/examples/q35-split.topo", NULL };
	struct proc_result r;
	CHECK_INT(run_captured(argv, 30, &r), 0);
	char *want = read_file("tests/show/q35-split.txt", NULL);
	CHECK_STR(r.out, want);
	free(want);
	proc_result_free(&r);

	char *bad[] = { (char *)topofarm_bin(), "show", "tests/topo/invalid/node-sum-mismatch.topo", NULL };
	CHECK_INT(run_captured(bad, 30, &r), 1);
	CHECK_CONTAINS(r.out, "should equal RAM size");
	proc_result_free(&r);

	char *unparsable[] = { (char *)topofarm_bin(), "check", "tests/topo/malformed/node-bad-cpus.topo", NULL };
	CHECK_INT(run_captured(unparsable, 30, &r), 1);
	CHECK_CONTAINS(r.out, "tests/topo/malformed/node-bad-cpus.topo:2:15: expected a CPU range like 0-3");
	proc_result_free(&r);
}

/* Boots each layout on the kernel (console only: an initrd without init)
 * and fails on any group where the kernel differs from the layout model. */
static void check_predictions(const char *kernel, const char *const *layouts, size_t n_layouts)
{
	char *err = NULL;
	/* TOPOFARM_TEST_KERNEL swaps the kernel (e.g. farm-6.1-tiny, to check
	 * that a trimmed config prints the same layout). */
	const char *swap = getenv("TOPOFARM_TEST_KERNEL");
	char *image = test_kernel_image(swap && *swap ? swap : kernel);
	if (!image)
		return;
	/* A one-file initrd: the kernel panics at mounting root, after printing the layout. */
	struct buf cpio = BUF_INIT;
	struct cpio w;
	cpio_init(&w, &cpio);
	cpio_add_file(&w, "empty", 0644, "", 0);
	cpio_finish(&w);
	char *initrd = path_join(test_tmpdir(), "empty.cpio");
	REQUIRE(write_file(initrd, cpio.s, cpio.len) == 0);
	for (size_t i = 0; i < n_layouts; i++) {
		char *topo = topology_for(layouts[i]);
		struct topology t;
		struct topo_error te;
		REQUIRE(topo && topo_parse_file(topo, &t, &te) == 0);
		/* Generated tables go first in the initrd, as the runner puts them. */
		char *this_initrd = xstrdup(initrd);
		if (t.firmware == FIRMWARE_GENERATED) {
			struct acpi_set set;
			struct buf both = BUF_INIT;
			REQUIRE(acpi_generate(&t, topo, &set, &err) == 0);
			acpi_override_archive(&set, &both);
			buf_add(&both, cpio.s, cpio.len);
			free(this_initrd);
			this_initrd = path_join(test_tmpdir(), "override.cpio");
			REQUIRE(write_file(this_initrd, both.s, both.len) == 0);
			buf_free(&both);
			acpi_set_free(&set);
		}
		struct qemu_config cfg = { .kernel = image, .initrd = this_initrd };
		struct strv argv;
		REQUIRE(qemu_args_build(&t, &cfg, &argv, &err) == 0);
		struct proc_opts o = { .capture = true, .timeout = 90 };
		struct proc_result r;
		proc_run(strv_argv(&argv), &o, &r);
		/* The layout oracle: every console group the model predicts. */
		struct divergence d;
		divergence_check(&t, r.out ? r.out : "", r.out ? strlen(r.out) : 0, NULL, &d);
		if (d.n) {
			char *both = divergence_text(&d);
			test_fail(__FILE__, __LINE__, "%s on %s: the kernel differs from the layout model:\n%s", topo, kernel, both);
			free(both);
		}
		divergence_free(&d);
		proc_result_free(&r);
		strv_free(&argv);
		topo_free(&t);
		free(topo);
		free(this_initrd);
	}
	free(initrd);
	buf_free(&cpio);
	free(image);
}

SLOW_TEST(show_predictions_match_debian_kernel)
{
	static const char *const layouts[] = {
		"generated-srat-descending", "two-node", "tiny-node-16k", "memoryless-node", "cpuless-node", "unaligned-4000m",
		"unaligned-node-boundary", "memmap-forms", "memmap-exactmap", "mem-limit", "hotplug-slots",
		"pc-split-4g", "q35-split", "000-tiny-node", "004-pram-kpageflags", "003-ram-pmem-shared-block",
		"srat-overlap", "srat-uncovered", "kernelcore", "movablecore-high", "cmdline-options", "memoryless-node",
		"numa-fake-nodes", "numa-fake-size", "numa-fake-uniform",
	};
	check_predictions("debian-6.1", layouts, sizeof layouts / sizeof layouts[0]);
}

/* numa=fake= (acpi-gen/model_numa_emu.c) on the farm kernel: N nodes, a
 * node size over two physical nodes, N uniform pieces per physical node.
 * The farm kernel has MAX_NUMNODES 64, the model's assumption. */
SLOW_TEST(show_numa_fake_predictions_match_farm_kernel)
{
	static const char *const layouts[] = { "numa-fake-nodes", "numa-fake-size", "numa-fake-uniform" };
	check_predictions("farm-6.1", layouts, sizeof layouts / sizeof layouts[0]);
}
