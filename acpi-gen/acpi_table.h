/* acpi-gen/acpi_table.h: the common ACPI table header (signature, length,
 * revision, checksum, OEM ID / table ID / revision, creator), little-endian
 * field writers and readers, the checksum, and deliberate damage to a
 * finished table (struct table_faults). Every encoder builds on this; no
 * struct is ever cast onto table bytes. */
#ifndef ACPI_GEN_ACPI_TABLE_H
#define ACPI_GEN_ACPI_TABLE_H
#include "common/buf.h"
#include "topologies/topo.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HEADER_LEN 36
#define ACPI_CHECKSUM_OFFSET 9

struct acpi_header {
	char signature[5];            /* 4 chars + NUL */
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[7];               /* 6 chars, blank padded, + NUL */
	char oem_table_id[9];         /* 8 chars + NUL */
	uint32_t oem_revision;
	char creator_id[5];
	uint32_t creator_revision;
};

/* Little-endian appends. */
void acpi_put_u8(struct buf *b, uint8_t v);
void acpi_put_u16(struct buf *b, uint16_t v);
void acpi_put_u24(struct buf *b, uint32_t v);
void acpi_put_u32(struct buf *b, uint32_t v);
void acpi_put_u64(struct buf *b, uint64_t v);
void acpi_put_zeros(struct buf *b, size_t n);
/* Little-endian reads (caller checks bounds). */
uint16_t acpi_get_u16(const uint8_t *p);
uint32_t acpi_get_u24(const uint8_t *p);
uint32_t acpi_get_u32(const uint8_t *p);
uint64_t acpi_get_u64(const uint8_t *p);
void acpi_set_u32(uint8_t *p, uint32_t v);

/* Appends the 36-byte header with length and checksum 0 (acpi_table_seal
 * fills them in). Text fields are blank padded or cut to size. */
void acpi_header_put(struct buf *b, const struct acpi_header *h);
/* Sets the length field to b->len and the checksum so the bytes sum to 0. */
void acpi_table_seal(struct buf *b);
/* Sum of the bytes modulo 256 (0 for a valid table). */
uint8_t acpi_sum(const uint8_t *p, size_t n);
/* Reads the header of p (n bytes); -1 if n < 36. */
int acpi_header_read(const uint8_t *p, size_t n, struct acpi_header *h);

/* Damages a sealed table exactly as asked, in this order: the length field
 * becomes the real length + length_delta; truncate drops bytes from the
 * end; then the checksum is recomputed over what is left (so only the
 * asked-for fault is wrong) and, with bad_checksum, made off by one, or set
 * to the explicit value. Returns 0, or -1 with *err (caller frees) when the
 * fault cannot be applied (length field out of 0..4G, truncating more than
 * the table). */
int acpi_apply_faults(struct buf *b, const struct table_faults *f, char **err);
bool acpi_faults_none(const struct table_faults *f);

#endif
