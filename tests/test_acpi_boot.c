/* tests/test_acpi_boot.c: the real-kernel proof of acpi-gen. Each
 * tests/acpi/boot/NAME.topo (firmware generated) is built into an override
 * archive and booted on the Debian 6.1 kernel under QEMU (TCG) with the
 * archive as the whole initrd: the kernel reads the tables, sets NUMA up and
 * panics for want of a root fs, which is enough. NAME.kernel lists what the
 * console must show ("+ text", a substring of one line) and must not show
 * ("- text"). The kernel comes from the catalogue (runner/kernels.h). */
#include "tests/harness.h"
#include "tests/util.h"
#include "acpi-gen/acpi_gen.h"
#include "acpi-gen/qemu_args.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include "runner/kernels.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static char *find_kernel(void)
{
	return test_kernel_image("debian-6.1");
}

/* Boots topology file path with its override archive; returns the console. */
static char *boot(const char *path, const char *kernel)
{
	struct topology t;
	struct topo_error e;
	if (topo_parse_file(path, &t, &e)) {
		char *m = topo_error_string(&e);
		test_fail(__FILE__, __LINE__, "%s", m);
		free(m);
		return NULL;
	}
	struct acpi_set set;
	char *err = NULL, *log = NULL;
	if (acpi_generate(&t, path, &set, &err)) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
		topo_free(&t);
		return NULL;
	}
	struct buf cpio = BUF_INIT;
	acpi_override_archive(&set, &cpio);
	char *initrd = path_join(test_tmpdir(), "override.cpio");
	write_file(initrd, cpio.s, cpio.len);
	struct qemu_config cfg = { .kernel = kernel, .initrd = initrd };
	struct strv argv;
	if (qemu_args_build(&t, &cfg, &argv, &err)) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
	} else {
		struct proc_opts o = { .capture = true, .timeout = 120 };
		struct proc_result r;
		proc_run(strv_argv(&argv), &o, &r);
		if (r.timed_out)
			test_fail(__FILE__, __LINE__, "%s: the boot did not end within 120 s", path);
		log = r.out;
		r.out = NULL;
		proc_result_free(&r);
		strv_free(&argv);
	}
	free(initrd);
	buf_free(&cpio);
	acpi_set_free(&set);
	topo_free(&t);
	return log;
}

static void check_expectations(const char *name, const char *log, const char *expect)
{
	char *copy = xstrdup(expect), *save = NULL;
	int checks = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if ((line[0] != '+' && line[0] != '-') || line[1] != ' ')
			continue;
		bool seen = strstr(log, line + 2) != NULL;
		checks++;
		if (line[0] == '+' && !seen)
			test_fail(__FILE__, __LINE__, "%s: the console lacks \"%s\"", name, line + 2);
		if (line[0] == '-' && seen)
			test_fail(__FILE__, __LINE__, "%s: the console shows \"%s\"", name, line + 2);
	}
	if (!checks)
		test_fail(__FILE__, __LINE__, "%s: no expectations", name);
	free(copy);
}

SLOW_TEST(acpi_boot_kernel_reads_our_tables)
{
	char *kernel = find_kernel();
	if (!kernel)
		return;
	DIR *d = opendir("tests/acpi/boot");
	REQUIRE(d);
	int cases = 0;
	const char *keep = getenv("TOPOFARM_KEEP_BOOT_LOGS");
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".topo"))
			continue;
		char topo[300], expect_path[300];
		snprintf(topo, sizeof topo, "tests/acpi/boot/%s", e->d_name);
		snprintf(expect_path, sizeof expect_path, "tests/acpi/boot/%.*s.kernel", (int)len - 5, e->d_name);
		char *log = boot(topo, kernel);
		if (!log)
			continue;
		if (keep) {
			char *p = xasprintf("%s/%.*s.log", keep, (int)len - 5, e->d_name);
			write_file(p, log, strlen(log));
			free(p);
		}
		char *expect = read_file(expect_path, NULL);
		if (!expect)
			test_fail(__FILE__, __LINE__, "%s missing", expect_path);
		else
			check_expectations(e->d_name, log, expect);
		cases++;
		free(expect);
		free(log);
	}
	closedir(d);
	CHECK(cases >= 8);
	free(kernel);
}
