/* acpi-gen/acpi_table.c: the common ACPI header, little-endian fields, the
 * checksum and table faults (see acpi_table.h). */
#include "acpi-gen/acpi_table.h"
#include <string.h>

void acpi_put_u8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, 1);
}

static void put_le(struct buf *b, uint64_t v, int bytes)
{
	uint8_t out[8];
	for (int i = 0; i < bytes; i++)
		out[i] = (uint8_t)(v >> (8 * i));
	buf_add(b, out, (size_t)bytes);
}

void acpi_put_u16(struct buf *b, uint16_t v) { put_le(b, v, 2); }
void acpi_put_u24(struct buf *b, uint32_t v) { put_le(b, v, 3); }
void acpi_put_u32(struct buf *b, uint32_t v) { put_le(b, v, 4); }
void acpi_put_u64(struct buf *b, uint64_t v) { put_le(b, v, 8); }

void acpi_put_zeros(struct buf *b, size_t n)
{
	static const uint8_t zeros[64];
	while (n) {
		size_t k = n < sizeof zeros ? n : sizeof zeros;
		buf_add(b, zeros, k);
		n -= k;
	}
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint16_t acpi_get_u16(const uint8_t *p) { return (uint16_t)get_le(p, 2); }
uint32_t acpi_get_u24(const uint8_t *p) { return (uint32_t)get_le(p, 3); }
uint32_t acpi_get_u32(const uint8_t *p) { return (uint32_t)get_le(p, 4); }
uint64_t acpi_get_u64(const uint8_t *p) { return get_le(p, 8); }

void acpi_set_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A fixed-width text field: cut to n, padded with blanks (ACPI's habit). */
static void put_text(struct buf *b, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	buf_add(b, s, len);
	for (size_t i = len; i < n; i++)
		buf_putc(b, ' ');
}

void acpi_header_put(struct buf *b, const struct acpi_header *h)
{
	put_text(b, h->signature, 4);
	acpi_put_u32(b, 0);                  /* length: acpi_table_seal */
	acpi_put_u8(b, h->revision);
	acpi_put_u8(b, 0);                   /* checksum: acpi_table_seal */
	put_text(b, h->oem_id, 6);
	put_text(b, h->oem_table_id, 8);
	acpi_put_u32(b, h->oem_revision);
	put_text(b, h->creator_id, 4);
	acpi_put_u32(b, h->creator_revision);
}

uint8_t acpi_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static void fix_checksum(struct buf *b)
{
	uint8_t *p = (uint8_t *)b->s;
	if (b->len <= ACPI_CHECKSUM_OFFSET)
		return;
	p[ACPI_CHECKSUM_OFFSET] = 0;
	p[ACPI_CHECKSUM_OFFSET] = (uint8_t)(0x100 - acpi_sum(p, b->len));
}

void acpi_table_seal(struct buf *b)
{
	if (b->len < ACPI_HEADER_LEN)
		return;
	acpi_set_u32((uint8_t *)b->s + 4, (uint32_t)b->len);
	fix_checksum(b);
}

static void copy_text(char *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = 0;
}

int acpi_header_read(const uint8_t *p, size_t n, struct acpi_header *h)
{
	memset(h, 0, sizeof *h);
	if (n < ACPI_HEADER_LEN)
		return -1;
	copy_text(h->signature, p, 4);
	h->length = acpi_get_u32(p + 4);
	h->revision = p[8];
	h->checksum = p[9];
	copy_text(h->oem_id, p + 10, 6);
	copy_text(h->oem_table_id, p + 16, 8);
	h->oem_revision = acpi_get_u32(p + 24);
	copy_text(h->creator_id, p + 28, 4);
	h->creator_revision = acpi_get_u32(p + 32);
	return 0;
}

bool acpi_faults_none(const struct table_faults *f)
{
	return !f->bad_checksum && !f->has_checksum && !f->length_delta && !f->truncate;
}

int acpi_apply_faults(struct buf *b, const struct table_faults *f, char **err)
{
	if (b->len < ACPI_HEADER_LEN) {
		*err = xstrdup("table shorter than its header");
		return -1;
	}
	if (f->length_delta) {
		int64_t field = (int64_t)b->len + f->length_delta;
		if (field < 0 || field > (int64_t)UINT32_MAX) {
			*err = xasprintf("length=%+lld gives a length field of %lld, outside 0..4294967295",
					 (long long)f->length_delta, (long long)field);
			return -1;
		}
		acpi_set_u32((uint8_t *)b->s + 4, (uint32_t)field);
	}
	if (f->truncate) {
		if (f->truncate > b->len) {
			*err = xasprintf("truncate=%u is more than the table's %zu bytes",
					 f->truncate, b->len);
			return -1;
		}
		b->len -= f->truncate;
		b->s[b->len] = 0;
	}
	fix_checksum(b);
	if (b->len > ACPI_CHECKSUM_OFFSET) {
		uint8_t *ck = (uint8_t *)b->s + ACPI_CHECKSUM_OFFSET;
		if (f->bad_checksum)
			*ck = (uint8_t)(*ck + 1);
		if (f->has_checksum)
			*ck = f->checksum;
	}
	return 0;
}
