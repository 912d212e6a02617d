/* cli/builtin-acpi.c: `topofarm acpi`: write a topology's firmware tables
 * (binary, iasl source, the initrd override archive), decode table files,
 * and dump the tables a QEMU guest really gets. A thin layer over acpi-gen/. */
#include "cli/verb.h"
#include "acpi-gen/acpi_gen.h"
#include "acpi-gen/acpi_dump.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "topologies/topo_load.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm acpi - build, decode and dump SRAT/SLIT/HMAT tables\n"
"\n"
"SYNOPSIS\n"
"    topofarm acpi TOPO -o DIR\n"
"    topofarm acpi decode FILE.aml...\n"
"    topofarm acpi dump TOPO -o DIR [--timeout SECONDS]\n"
"\n"
"DESCRIPTION\n"
"    topofarm acpi TOPO -o DIR\n"
"        Builds the tables the topology gives and writes them to DIR:\n"
"        SRAT.aml, SLIT.aml, HMAT.aml (only those present), SRAT.asl ...\n"
"        (iasl data-table source, for well-formed tables only: `iasl X.asl`\n"
"        compiles it back to the same bytes except the compiler id), and\n"
"        with `firmware generated` the table-upgrade archive\n"
"        acpi-override.cpio (an uncompressed newc cpio holding\n"
"        kernel/firmware/acpi/NAME.aml) to put BEFORE the normal initrd.\n"
"        With `firmware qemu` the tables are the ones QEMU 7.2 builds itself\n"
"        (a prediction; compare with `acpi dump`) and no archive is written.\n"
"        Table modes (override: QEMU's OEM ids with a higher OEM revision;\n"
"        install: table id TOPOFARM) and faults (checksum=, length=,\n"
"        truncate=) come from the `table` lines (docs/topology.md).\n"
"\n"
"    topofarm acpi decode FILE.aml...\n"
"        Prints what each table says: a header comment, one line per entry\n"
"        in .topo syntax (srat ..., distance ..., hmat-lb ..., hmat-cache\n"
"        ...), then one `problem:` line per thing found wrong (bad\n"
"        checksum, length field against file size, truncated or zero-length\n"
"        subtables, a SLIT the kernel rejects). Any bytes are accepted.\n"
"\n"
"    topofarm acpi dump TOPO -o DIR\n"
"        Boots QEMU with the topology's machine, -m and -numa arguments and\n"
"        no guest OS, lets SeaBIOS install QEMU's ACPI tables, saves guest\n"
"        memory through the QEMU monitor (pmemsave), finds the RSDP and\n"
"        follows the RSDT, and writes every table found as DIR/NAME.aml\n"
"        (QEMU's real SRAT/SLIT/HMAT, byte for byte) plus the decoding of\n"
"        the SRAT/SLIT/HMAT on stdout. About half a second under TCG.\n"
"\n"
"OPTIONS\n"
"    -o, --output DIR    where to write (created if missing)\n"
"    --timeout SECONDS   dump: give up after this long (default 60)\n"
"\n"
"EXAMPLES\n"
"    topofarm acpi topologies/seeds/000-tiny-node.topo -o /tmp/t\n"
"    iasl -p /tmp/t/iasl /tmp/t/SRAT.asl     # same bytes but compiler id/revision\n"
"    topofarm acpi decode /tmp/t/SRAT.aml\n"
"    topofarm acpi dump topologies/seeds/000-tiny-node.topo -o /tmp/q\n"
"\n"
"EXIT STATUS\n"
"    0 written / decoded without problems; 1 decode found problems, or the\n"
"    topology has validation errors (what QEMU refuses; checked first, as\n"
"    `run` does); 2 usage error, unreadable or unparsable topology (the\n"
"    message names FILE:LINE);\n"
"    3 environment failure (cannot write DIR, QEMU missing or failed).\n";

static int write_or_complain(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = path_join(dir, name);
	int rc = write_file(path, data, len);
	if (rc)
		fprintf(stderr, "topofarm acpi: cannot write %s: %s\n", path, strerror(errno));
	else
		printf("%s\n", path);
	free(path);
	return rc;
}

static int write_tables(const struct acpi_set *set, bool archive, const char *dir)
{
	for (int i = 0; i < TABLE__COUNT; i++) {
		const struct acpi_blob *b = &set->t[i];
		if (!b->present)
			continue;
		if (write_or_complain(dir, acpi_table_file((enum table_sig)i), b->bytes.s, b->bytes.len))
			return EXIT_ENV;
		if (!b->well_formed)
			continue;
		struct buf asl = BUF_INIT;
		char *err = NULL, name[16];
		if (acpi_asl_emit((const uint8_t *)b->bytes.s, b->bytes.len, &asl, &err) == 0) {
			snprintf(name, sizeof name, "%s.asl", acpi_table_name((enum table_sig)i));
			if (write_or_complain(dir, name, asl.s, asl.len)) {
				buf_free(&asl);
				return EXIT_ENV;
			}
		} else {
			fprintf(stderr, "topofarm acpi: no iasl source for %s: %s\n",
				acpi_table_name((enum table_sig)i), err);
			free(err);
		}
		buf_free(&asl);
	}
	if (!archive)
		return EXIT_OK;
	struct buf cpio = BUF_INIT;
	acpi_override_archive(set, &cpio);
	int rc = write_or_complain(dir, "acpi-override.cpio", cpio.s, cpio.len);
	buf_free(&cpio);
	return rc ? EXIT_ENV : EXIT_OK;
}

/* Parsed and validated like `run` does: what QEMU refuses stops here
 * (FILE:LINE:COL: error: ...). Returns 0, EXIT_USAGE or EXIT_FINDINGS. */
static int load_topology(const char *path, struct topology *t)
{
	int rc = topo_load_one(path, t, false, stderr);
	return rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_FINDINGS : 0;
}

static int build_cmd(const char *topo, const char *dir)
{
	struct topology t;
	int rc = load_topology(topo, &t);
	if (rc)
		return rc;
	struct acpi_set set;
	char *err = NULL;
	if (acpi_generate(&t, topo, &set, &err)) {
		fprintf(stderr, "topofarm acpi: %s\n", err);
		free(err);
		topo_free(&t);
		return EXIT_USAGE;
	}
	if (mkdir_p(dir, 0755)) {
		fprintf(stderr, "topofarm acpi: cannot create %s: %s\n", dir, strerror(errno));
		rc = EXIT_ENV;
	} else {
		bool generated = t.firmware == FIRMWARE_GENERATED;
		rc = write_tables(&set, generated, dir);
		if (!generated && rc == EXIT_OK)
			fprintf(stderr, "topofarm acpi: firmware qemu: these are the tables QEMU builds itself; no override archive written\n");
	}
	acpi_set_free(&set);
	topo_free(&t);
	return rc;
}

static int decode_cmd(int n, char **files)
{
	int rc = EXIT_OK;
	for (int i = 0; i < n; i++) {
		size_t len;
		char *data = read_file(files[i], &len);
		if (!data) {
			fprintf(stderr, "topofarm acpi: cannot read %s: %s\n", files[i], strerror(errno));
			return EXIT_USAGE;
		}
		struct acpi_decoded d;
		struct buf out = BUF_INIT;
		acpi_decode((const uint8_t *)data, len, &d);
		acpi_decoded_print(&d, &out);
		printf("%s# %s\n%s", i ? "\n" : "", files[i], out.s ? out.s : "");
		if (d.n_problems)
			rc = EXIT_FINDINGS;
		buf_free(&out);
		acpi_decoded_free(&d);
		free(data);
	}
	return rc;
}

static int dump_cmd(const char *topo, const char *dir, double timeout)
{
	struct topology t;
	int rc = load_topology(topo, &t);
	if (rc)
		return rc;
	struct acpi_dump dump;
	char *err = NULL;
	rc = acpi_dump_qemu(&t, timeout, &dump, &err);
	if (rc) {
		fprintf(stderr, "topofarm acpi dump: %s\n", err);
		free(err);
		topo_free(&t);
		return rc < -1 ? EXIT_USAGE : EXIT_ENV;
	}
	rc = EXIT_OK;
	if (mkdir_p(dir, 0755)) {
		fprintf(stderr, "topofarm acpi: cannot create %s: %s\n", dir, strerror(errno));
		rc = EXIT_ENV;
	}
	for (int i = 0; i < dump.n && rc == EXIT_OK; i++) {
		char name[16];
		snprintf(name, sizeof name, "%s.aml", dump.tables[i].name);
		if (write_or_complain(dir, name, dump.tables[i].bytes.s, dump.tables[i].bytes.len))
			rc = EXIT_ENV;
	}
	/* Then what QEMU's SRAT/SLIT/HMAT say. */
	for (int i = 0; i < dump.n && rc == EXIT_OK; i++) {
		struct acpi_decoded d;
		struct buf text = BUF_INIT;
		acpi_decode((const uint8_t *)dump.tables[i].bytes.s, dump.tables[i].bytes.len, &d);
		if (d.sig != TABLE__COUNT) {
			acpi_decoded_print(&d, &text);
			printf("\n%s", text.s);
		}
		buf_free(&text);
		acpi_decoded_free(&d);
	}
	acpi_dump_free(&dump);
	topo_free(&t);
	return rc;
}

static int run_acpi(int argc, char **argv)
{
	const char *out = NULL, *positional[64];
	int n_pos = 0;
	double timeout = 60;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (++i >= argc)
				return usage_error(&verb_acpi, "%s needs a directory", a);
			out = argv[i];
		} else if (!strcmp(a, "--timeout")) {
			if (++i >= argc || (timeout = atof(argv[i])) <= 0)
				return usage_error(&verb_acpi, "--timeout needs a number of seconds");
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(help, stdout);
			return EXIT_OK;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(&verb_acpi, "unknown option %s", a);
		} else if (n_pos < 64) {
			positional[n_pos++] = a;
		} else {
			return usage_error(&verb_acpi, "too many arguments");
		}
	}
	if (n_pos >= 1 && !strcmp(positional[0], "decode")) {
		if (n_pos < 2)
			return usage_error(&verb_acpi, "decode needs at least one table file");
		return decode_cmd(n_pos - 1, (char **)positional + 1);
	}
	if (n_pos >= 1 && !strcmp(positional[0], "dump")) {
		if (n_pos != 2 || !out)
			return usage_error(&verb_acpi, "usage: topofarm acpi dump TOPO -o DIR");
		return dump_cmd(positional[1], out, timeout);
	}
	if (n_pos != 1 || !out)
		return usage_error(&verb_acpi, "usage: topofarm acpi TOPO -o DIR");
	return build_cmd(positional[0], out);
}

const struct verb verb_acpi = {
	"acpi", "build, decode and dump SRAT/SLIT/HMAT tables", help, run_acpi,
};
