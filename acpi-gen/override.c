/* acpi-gen/override.c: the initrd table-upgrade archive. The kernel
 * (CONFIG_ACPI_TABLE_UPGRADE, drivers/acpi/tables.c) looks for files under
 * kernel/firmware/acpi/ in an UNCOMPRESSED newc cpio at the start of the
 * initrd, before any compressed initramfs; each file is one table. */
#include "acpi-gen/acpi_gen.h"
#include "common/cpio.h"
#include <stdio.h>

void acpi_override_archive(const struct acpi_set *s, struct buf *out)
{
	struct cpio c;
	cpio_init(&c, out);
	cpio_add_dir(&c, "kernel", 0755);
	cpio_add_dir(&c, "kernel/firmware", 0755);
	cpio_add_dir(&c, "kernel/firmware/acpi", 0755);
	for (int i = 0; i < TABLE__COUNT; i++) {
		if (!s->t[i].present)
			continue;
		char path[64];
		snprintf(path, sizeof path, "kernel/firmware/acpi/%s", acpi_table_file((enum table_sig)i));
		cpio_add_file(&c, path, 0644, s->t[i].bytes.s, s->t[i].bytes.len);
	}
	cpio_finish(&c);
}
