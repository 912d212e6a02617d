/* acpi-gen/acpi_dump.h: the ACPI tables a QEMU guest really gets. QEMU
 * builds its tables into fw_cfg blobs that only the firmware reads, so the
 * honest way to see them is to boot the machine with no OS, let SeaBIOS
 * install them into guest RAM, save that RAM through the QEMU monitor
 * (pmemsave), find the RSDP in the BIOS area and follow the RSDT. */
#ifndef ACPI_GEN_ACPI_DUMP_H
#define ACPI_GEN_ACPI_DUMP_H
#include "common/buf.h"
#include "topologies/topo.h"

struct acpi_dumped_table {
	char name[5];                 /* signature, e.g. "SRAT" */
	struct buf bytes;
};
struct acpi_dump {
	struct acpi_dumped_table *tables;
	int n;
};

/* Runs QEMU (TCG) for at most timeout seconds and collects every table the
 * RSDT points at. Returns 0, -1 with *err on an environment failure (QEMU
 * missing or failing, no tables found), -2 when the topology cannot be laid
 * out. */
int acpi_dump_qemu(const struct topology *t, double timeout, struct acpi_dump *out, char **err);
/* Finds the RSDP in fseg (the 0xE0000-0xFFFFF image) and reads the RSDT's
 * tables out of hi (a RAM image starting at physical hi_base). 0 on success. */
int acpi_dump_parse(const uint8_t *fseg, size_t fseg_len, const uint8_t *hi, size_t hi_len,
		    uint64_t hi_base, struct acpi_dump *out, char **err);
const struct acpi_dumped_table *acpi_dump_find(const struct acpi_dump *d, const char *sig);
void acpi_dump_free(struct acpi_dump *d);

#endif
