/* cli/builtin-import.c: `topofarm import`: a bug report in, a .topo that
 * reproduces its memory layout out. A thin layer over topologies/import.h. */
#include "cli/verb.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "topologies/import.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
"NAME\n"
"    topofarm import - turn a bug report into a topology that reproduces its layout\n"
"\n"
"SYNOPSIS\n"
"    topofarm import REPORT|- [-o FILE.topo] [--name NAME]\n"
"\n"
"DESCRIPTION\n"
"    Reads a bug report as people paste it (mail quoting with \"> \" and\n"
"    \"> > \", quoted-printable soft breaks, lines wrapped by a mail client,\n"
"    with or without printk timestamps, \"<...>\" elisions) and takes from it\n"
"    whatever layout it has: the BIOS-e820 or user-defined map, /proc/iomem\n"
"    lines, the ACPI: SRAT: memory and CPU lines, the command line (memmap=,\n"
"    mem=, numa=, movable_node, kernelcore=, movablecore=,\n"
"    memhp_default_state=), \"Early memory node ranges\", \"Initmem setup\n"
"    node\", the CPU count, a quoted QEMU command line (-m, -smp, -machine,\n"
"    -object memory-backend-*, -numa node, -numa dist, -append).\n"
"\n"
"    It writes a .topo that reproduces the layout, checked against the same\n"
"    layout model `topofarm show` prints: QEMU -numa nodes when QEMU builds\n"
"    the reported SRAT, our own SRAT (firmware generated) when it cannot,\n"
"    memmap=exactmap when QEMU and SeaBIOS do not build the reported e820\n"
"    map. Comments at the top say what could not be reproduced and why. The\n"
"    crash the report quotes (titled by triage) becomes the `expect` line;\n"
"    words of the report choose the probes (kpageflags, memory blocks, ...).\n"
"\n"
"    Bad input is refused with FILE:LINE: no layout in the text, two ranges\n"
"    of one map that overlap, two nodes claiming one address, a QEMU\n"
"    command line that cannot be read, a layout needing more guest RAM than\n"
"    these hosts give a boot (16 GiB).\n"
"\n"
"OPTIONS\n"
"    -o FILE     write the topology there (default: standard output)\n"
"    --name N    the topology's name (default: FILE's base name without\n"
"                .topo, else \"imported\")\n"
"\n"
"EXAMPLES\n"
"    topofarm import bug-mail.txt -o bug.topo && topofarm run bug.topo --kernels debian-6.1\n"
"    dmesg | topofarm import - -o mine.topo\n"
"    topofarm import runs/two-node/farm-6.1/1/console.log   # a fixpoint\n"
"\n"
"EXIT STATUS\n"
"    0 written; 2 usage error or a report that cannot be imported (named\n"
"    FILE:LINE on stderr).\n";

/* "dir/my-bug.topo" -> "my-bug"; characters outside [a-z0-9._-] become '-'. */
static char *name_from(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".topo"))
		n -= 5;
	if (n > 60)
		n = 60;
	char *s = xstrndup(base, n);
	for (char *p = s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			*p = '-';
	}
	if (!*s) {
		free(s);
		s = xstrdup("imported");
	}
	return s;
}

static int run_import(int argc, char **argv)
{
	const char *report = NULL, *out = NULL, *name = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o") || !strcmp(a, "--name")) {
			if (i + 1 >= argc)
				return usage_error(&verb_import, "%s needs an argument", a);
			*(!strcmp(a, "-o") ? &out : &name) = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return usage_error(&verb_import, "unknown option '%s'", a);
		} else if (report) {
			return usage_error(&verb_import, "one report at a time ('%s' and '%s')", report, a);
		} else {
			report = a;
		}
	}
	if (!report)
		return usage_error(&verb_import, "no report given (a file, or - for standard input)");
	size_t len;
	bool from_stdin = !strcmp(report, "-");
	char *text = from_stdin ? read_fd(STDIN_FILENO, &len) : read_file(report, &len);
	if (!text) {
		fprintf(stderr, "topofarm import: %s: cannot read: %s\n", report, strerror(errno));
		return EXIT_USAGE;
	}
	char *topo_name = name ? name_from(name) : out ? name_from(out) : xstrdup("imported");
	char *topo = NULL, *err = NULL;
	int rc = EXIT_OK;
	if (topo_import(text, len, from_stdin ? "<stdin>" : report, topo_name, &topo, &err)) {
		fprintf(stderr, "topofarm import: %s\n", err);
		rc = EXIT_USAGE;
	} else if (out && write_file_str(out, topo)) {
		fprintf(stderr, "topofarm import: %s: cannot write: %s\n", out, strerror(errno));
		rc = EXIT_ENV;
	} else if (!out) {
		fputs(topo, stdout);
	}
	free(topo), free(err), free(text), free(topo_name);
	return rc;
}

const struct verb verb_import = {
	"import", "turn a bug report into a topology that reproduces its layout", help, run_import,
};
