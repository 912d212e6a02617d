/* acpi-gen/acpi_gen.h: the public API of the firmware-table generator:
 * SRAT/SLIT/HMAT bytes from a topology (QEMU 7.2's tables, or generated ones
 * for the initrd table upgrade, damaged on request), a decoder that reads any
 * bytes back into .topo-style entries plus the problems it finds, iasl
 * data-table source for well-formed tables, and the table-upgrade archive.
 * docs/topology.md "Firmware tables" is the user-facing contract. */
#ifndef ACPI_GEN_ACPI_GEN_H
#define ACPI_GEN_ACPI_GEN_H
#include "acpi-gen/acpi_table.h"
#include "common/buf.h"
#include "topologies/topo.h"
#include <stdbool.h>
#include <stdint.h>

/* QEMU 7.2's ids (hw/i386/acpi-build.c, hw/acpi/aml-build.c, hw/acpi/hmat.c). */
#define ACPI_QEMU_OEM_ID "BOCHS "
#define ACPI_QEMU_OEM_TABLE_ID "BXPC    "
#define ACPI_QEMU_OEM_REVISION 1
#define ACPI_QEMU_CREATOR_ID "BXPC"
#define ACPI_QEMU_CREATOR_REVISION 1
/* The table id of an installed (not overriding) table. */
#define ACPI_INSTALL_OEM_TABLE_ID "TOPOFARM"
/* One table is never built past this size (the 32-bit length field allows
 * 4 GiB, the initrd does not). */
#define ACPI_TABLE_MAX (64u << 20)

const char *acpi_table_name(enum table_sig s);          /* "SRAT" */
const char *acpi_table_file(enum table_sig s);          /* "SRAT.aml" */
/* Which tables QEMU itself builds for this topology's -numa arguments. */
bool acpi_qemu_builds(const struct topology *t, enum table_sig s);
/* The mode a table gets (auto resolved: override if QEMU builds it). */
enum table_mode acpi_effective_mode(const struct topology *t, enum table_sig s);
/* The header a table gets: QEMU's own for firmware qemu; for firmware
 * generated the override ids (OEM revision QEMU's + 1 unless given) or the
 * install table id; revision from the table line or the table's default. */
void acpi_header_for(const struct topology *t, enum table_sig s, struct acpi_header *h);

/* One generated table. */
struct acpi_blob {
	bool present;
	enum table_sig sig;
	struct acpi_header header;    /* as intended, before faults */
	struct buf bytes;             /* exactly what the guest gets */
	bool well_formed;             /* no faults applied: iasl source exists */
};
struct acpi_set {
	struct acpi_blob t[TABLE__COUNT];
};

/* Builds every table the topology gives: for firmware qemu the tables QEMU
 * 7.2 builds (a prediction, headers identical to QEMU's); for firmware
 * generated the SRAT/SLIT/HMAT with modes and faults applied, omitted ones
 * left out. file names the topology in messages. Returns 0, or -1 with *err
 * "FILE:LINE: ..." naming the entry that cannot be encoded (caller frees). */
int acpi_generate(const struct topology *t, const char *file, struct acpi_set *out, char **err);
void acpi_set_free(struct acpi_set *s);

/* The pieces, for tests and the fuzzer. */
/* SRAT entries QEMU 7.2 builds from the nodes (hw/i386/acpi-build.c
 * build_srat): a CPU entry per possible vCPU, node memory ranges from
 * layout_compute(), zero "dummy" entries up to n_nodes + 2 memory entries,
 * then the hotplug window (hotpluggable, last node). */
int srat_entries_derive(const struct topology *t, struct srat_entry **out, int *n, char **err);
/* Encodes entries (count repeats expanded) after header h. */
int srat_encode(const struct acpi_header *h, const struct srat_entry *e, int n,
		const char *file, struct buf *out, char **err);
/* The SRAT revision a topology's table gets (table line, else 1 as QEMU,
 * else 3 when a PXM does not fit 8 bits). */
int srat_default_revision(const struct srat_entry *e, int n);
/* n x n matrix (row-major) after header h. */
int slit_encode(const struct acpi_header *h, const uint8_t *matrix, int n, struct buf *out, char **err);
/* The SLIT matrix of a topology: topo_distance() over node ids 0..n-1. */
uint8_t *slit_matrix(const struct topology *t, int *n);
/* HMAT from the nodes' initiators and the hmat-lb / hmat-cache lines,
 * structured as QEMU 7.2's hw/acpi/hmat.c does it. */
int hmat_encode(const struct acpi_header *h, const struct topology *t, const char *file,
		struct buf *out, char **err);

/* Decoding: any bytes at all. */
struct hmat_mpda {
	uint16_t flags;               /* bit 0: initiator valid */
	uint32_t initiator, memory;
};
struct acpi_decoded {
	bool has_header;              /* at least 36 bytes */
	struct acpi_header h;
	size_t file_len;
	uint8_t sum;                  /* byte sum of the file; 0 when valid */
	enum table_sig sig;           /* TABLE__COUNT: not one we know */
	/* SRAT */
	uint32_t srat_table_revision;  /* the "reserved, must be 1" field */
	struct srat_entry *srat;
	int n_srat;
	/* SLIT */
	uint64_t slit_localities;
	uint8_t *slit;                /* slit_n x slit_n, the part present */
	int slit_n;
	/* HMAT */
	struct hmat_mpda *mpda;
	int n_mpda;
	struct topo_hmat_lb *lb;      /* non-zero entries, values in ns / bytes/s */
	int n_lb;
	struct topo_hmat_cache *cache;
	int n_cache;
	/* What is wrong with the bytes, one sentence each. */
	char **problems;
	int n_problems;
};
void acpi_decode(const uint8_t *p, size_t n, struct acpi_decoded *d);
void acpi_decoded_free(struct acpi_decoded *d);
/* Header line, one line per entry in .topo syntax, then "problem: ..." lines. */
void acpi_decoded_print(const struct acpi_decoded *d, struct buf *out);

/* iasl data-table source of a well-formed table's bytes (what `iasl -d`
 * would print, minus comments): `iasl FILE.asl` compiles it back to the
 * same bytes except the compiler id/revision. -1 with *err when the table
 * is not well formed or holds something iasl cannot express. */
int acpi_asl_emit(const uint8_t *p, size_t n, struct buf *out, char **err);

/* The initrd table-upgrade archive: an uncompressed newc cpio with
 * kernel/firmware/acpi/NAME.aml for each present table, appended to out.
 * Concatenate it BEFORE the normal initrd. */
void acpi_override_archive(const struct acpi_set *s, struct buf *out);

#endif
