/* acpi-gen/acpi_decode.c: any bytes -> the table they claim to be ->
 * .topo-style entries, plus every problem found on the way (bad checksum,
 * length field that disagrees with the file, truncated or zero-length
 * subtables, fields the kernel rejects). Nothing here trusts a length: every
 * read is bounded by the bytes actually present. */
#include "acpi-gen/acpi_gen.h"
#include "common/size.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEMS 64
#define MIB (1024ull * 1024)

static void problem(struct acpi_decoded *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct acpi_decoded *d, const char *fmt, ...)
{
	if (d->n_problems >= MAX_PROBLEMS)
		return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (d->n_problems == MAX_PROBLEMS - 1) {
		buf_reset(&b);
		buf_puts(&b, "more problems not listed");
	}
	d->problems = xrealloc(d->problems, (size_t)(d->n_problems + 1) * sizeof *d->problems);
	d->problems[d->n_problems++] = buf_steal(&b);
}

static struct srat_entry *srat_push(struct acpi_decoded *d)
{
	d->srat = xrealloc(d->srat, (size_t)(d->n_srat + 1) * sizeof *d->srat);
	struct srat_entry *e = &d->srat[d->n_srat++];
	memset(e, 0, sizeof *e);
	e->count = 1;
	return e;
}

/* Minimum length of each SRAT subtable type we decode. */
static int srat_type_size(uint8_t type)
{
	switch (type) {
	case 0: return 16;
	case 1: return 40;
	case 2: return 24;
	case 5: return 32;
	default: return 0;
	}
}

static void srat_entry_at(struct acpi_decoded *d, const uint8_t *p, uint8_t len)
{
	struct srat_entry *e = srat_push(d);
	int need = srat_type_size(p[0]);
	if (!need || len < need) {
		e->kind = SRAT_RAW;
		e->raw_type = p[0];
		e->raw_length = len;
		return;
	}
	switch (p[0]) {
	case 0:
		e->kind = SRAT_CPU;
		e->pxm = p[2] | acpi_get_u24(p + 9) << 8;
		e->apic_id = p[3];
		e->flags = acpi_get_u32(p + 4);
		break;
	case 1:
		e->kind = SRAT_MEMORY;
		e->pxm = acpi_get_u32(p + 2);
		e->base = acpi_get_u64(p + 8);
		e->length = acpi_get_u64(p + 16);
		e->flags = acpi_get_u32(p + 28);
		break;
	case 2:
		e->kind = SRAT_X2APIC;
		e->pxm = acpi_get_u32(p + 4);
		e->apic_id = acpi_get_u32(p + 8);
		e->flags = acpi_get_u32(p + 12);
		break;
	case 5:
		e->kind = SRAT_GENERIC_INITIATOR;
		e->pxm = acpi_get_u32(p + 4);
		memcpy(e->device_handle, p + 8, 16);
		e->flags = acpi_get_u32(p + 24);
		break;
	}
	if (len != need)
		problem(d, "SRAT subtable type %u is %u bytes long, its type defines %d", p[0], len, need);
}

static void decode_srat(struct acpi_decoded *d, const uint8_t *p, size_t end)
{
	if (end < 48) {
		problem(d, "SRAT ends at %zu bytes, before the 12 bytes that follow the header", end);
		return;
	}
	d->srat_table_revision = acpi_get_u32(p + 36);
	size_t off = 48;
	while (off < end) {
		if (end - off < 2) {
			problem(d, "SRAT subtable at offset 0x%zx is truncated: 1 byte left, its type and length need 2", off);
			return;
		}
		uint8_t len = p[off + 1];
		if (len < 2) {
			problem(d, "SRAT subtable type %u at offset 0x%zx has length %u, less than its own header: the table cannot be walked past it",
				p[off], off, len);
			return;
		}
		if (len > end - off) {
			problem(d, "SRAT subtable type %u at offset 0x%zx is truncated: length %u, %zu bytes left",
				p[off], off, len, end - off);
			return;
		}
		srat_entry_at(d, p + off, len);
		off += len;
	}
}

/* The kernel's slit_valid(): 10 on the diagonal, more than 10 elsewhere. */
static void check_slit(struct acpi_decoded *d)
{
	int n = d->slit_n;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			uint8_t v = d->slit[i * n + j];
			if ((i == j && v != 10) || (i != j && v <= 10)) {
				problem(d, "SLIT distance %d->%d is %u: the kernel's slit_valid() rejects the table (\"SLIT table looks invalid. Not used.\")",
					i, j, v);
				return;
			}
		}
}

static void decode_slit(struct acpi_decoded *d, const uint8_t *p, size_t end)
{
	if (end < 44) {
		problem(d, "SLIT ends at %zu bytes, before its 8-byte locality count", end);
		return;
	}
	uint64_t n = acpi_get_u64(p + 36), need;
	size_t have = end - 44;
	d->slit_localities = n;
	bool fits = u64_mul(n, n, &need);
	if (!fits || need > have) {
		if (fits)
			problem(d, "SLIT says %llu localities: its matrix needs %llu bytes, %zu present",
				(unsigned long long)n, (unsigned long long)need, have);
		else
			problem(d, "SLIT says %llu localities: its matrix would pass 2^64 bytes, %zu present",
				(unsigned long long)n, have);
		/* Keep the largest square that is present. */
		if (n > 65535)
			n = 65535;
		while (n && n * n > have)
			n--;
	} else if (need < have) {
		problem(d, "SLIT has %zu bytes after its %llu x %llu matrix", have - (size_t)need,
			(unsigned long long)n, (unsigned long long)n);
	}
	d->slit_n = (int)n;
	d->slit = xmalloc((size_t)(n * n) + 1);
	memcpy(d->slit, p + 44, (size_t)(n * n));
	check_slit(d);
}

static void hmat_lb_at(struct acpi_decoded *d, const uint8_t *p, uint32_t len)
{
	uint8_t hier = p[8] & 0xf, type = p[9];
	uint64_t ni = acpi_get_u32(p + 12), nt = acpi_get_u32(p + 16);
	uint64_t base = acpi_get_u64(p + 24);
	uint64_t need = 32 + 4 * ni + 4 * nt + 2 * ni * nt;   /* u32 counts: no overflow in 64 bits */
	if (need > len) {
		problem(d, "HMAT latency/bandwidth structure of %llu x %llu domains needs %llu bytes, its length is %u",
			(unsigned long long)ni, (unsigned long long)nt, (unsigned long long)need, len);
		return;
	}
	if (hier > HMAT_THIRD_LEVEL || type > HMAT_WRITE_BANDWIDTH) {
		problem(d, "HMAT latency/bandwidth structure has hierarchy %u data type %u, outside ACPI 6.3's", hier, type);
		return;
	}
	const uint8_t *inits = p + 32, *tgts = inits + 4 * ni, *ent = tgts + 4 * nt;
	for (uint64_t i = 0; i < ni; i++)
		for (uint64_t j = 0; j < nt; j++) {
			uint16_t e = acpi_get_u16(ent + 2 * (i * nt + j));
			if (!e)
				continue;
			d->lb = xrealloc(d->lb, (size_t)(d->n_lb + 1) * sizeof *d->lb);
			struct topo_hmat_lb *lb = &d->lb[d->n_lb++];
			memset(lb, 0, sizeof *lb);
			lb->initiator = (int)acpi_get_u32(inits + 4 * i);
			lb->target = (int)acpi_get_u32(tgts + 4 * j);
			lb->hierarchy = (enum hmat_hierarchy)hier;
			lb->type = (enum hmat_data_type)type;
			/* base: picoseconds for latency, MB/s (MiB/s, as QEMU) for bandwidth */
			if (type <= HMAT_WRITE_LATENCY)
				lb->value = (uint64_t)e * base / 1000;
			else if (!u64_mul((uint64_t)e * MIB, base, &lb->value))
				lb->value = UINT64_MAX;
		}
}

static void hmat_cache_at(struct acpi_decoded *d, const uint8_t *p, uint32_t len)
{
	uint32_t attr = acpi_get_u32(p + 24);
	uint16_t handles = acpi_get_u16(p + 30);
	if (32 + 2u * handles != len)
		problem(d, "HMAT memory side cache structure lists %u SMBIOS handles but is %u bytes long", handles, len);
	d->cache = xrealloc(d->cache, (size_t)(d->n_cache + 1) * sizeof *d->cache);
	struct topo_hmat_cache *c = &d->cache[d->n_cache++];
	memset(c, 0, sizeof *c);
	c->node = (int)acpi_get_u32(p + 8);
	c->size = acpi_get_u64(p + 16);
	c->level = (int)(attr >> 4 & 0xf);
	c->assoc = (enum hmat_assoc)(attr >> 8 & 0xf);
	c->policy = (enum hmat_policy)(attr >> 12 & 0xf);
	c->line = attr >> 16;
}

static void decode_hmat(struct acpi_decoded *d, const uint8_t *p, size_t end)
{
	static const uint32_t min_len[3] = { 40, 32, 32 };
	if (end < 40) {
		problem(d, "HMAT ends at %zu bytes, before its 4 reserved bytes", end);
		return;
	}
	size_t off = 40;
	while (off < end) {
		if (end - off < 8) {
			problem(d, "HMAT structure at offset 0x%zx is truncated: %zu bytes left, its header needs 8", off, end - off);
			return;
		}
		uint16_t type = acpi_get_u16(p + off);
		uint32_t len = acpi_get_u32(p + off + 4);
		if (len < 8) {
			problem(d, "HMAT structure type %u at offset 0x%zx has length %u, less than its own header: the table cannot be walked past it",
				type, off, len);
			return;
		}
		if (len > end - off) {
			problem(d, "HMAT structure type %u at offset 0x%zx is truncated: length %u, %zu bytes left", type, off, len, end - off);
			return;
		}
		if (type > 2) {
			problem(d, "HMAT structure type %u at offset 0x%zx is not one ACPI 6.3 defines", type, off);
		} else if (len < min_len[type]) {
			problem(d, "HMAT structure type %u at offset 0x%zx is %u bytes, its type needs %u", type, off, len, min_len[type]);
		} else if (type == 0) {
			d->mpda = xrealloc(d->mpda, (size_t)(d->n_mpda + 1) * sizeof *d->mpda);
			d->mpda[d->n_mpda++] = (struct hmat_mpda){ acpi_get_u16(p + off + 8),
				acpi_get_u32(p + off + 12), acpi_get_u32(p + off + 16) };
		} else if (type == 1) {
			hmat_lb_at(d, p + off, len);
		} else {
			hmat_cache_at(d, p + off, len);
		}
		off += len;
	}
}

void acpi_decode(const uint8_t *p, size_t n, struct acpi_decoded *d)
{
	memset(d, 0, sizeof *d);
	d->file_len = n;
	d->sig = TABLE__COUNT;
	d->sum = acpi_sum(p, n);
	if (acpi_header_read(p, n, &d->h)) {
		problem(d, "only %zu bytes: shorter than the 36-byte ACPI table header", n);
		return;
	}
	d->has_header = true;
	for (int s = 0; s < TABLE__COUNT; s++)
		if (!memcmp(d->h.signature, acpi_table_name((enum table_sig)s), 4))
			d->sig = (enum table_sig)s;
	if (d->h.length != n)
		problem(d, "length field says %u bytes, the file has %zu (the kernel's table upgrade refuses it: \"File length does not match table length\")",
			d->h.length, n);
	if (d->sum)
		problem(d, "bad checksum: the bytes sum to 0x%02x, not 0 (checksum byte 0x%02x, 0x%02x would be right)",
			d->sum, d->h.checksum, (uint8_t)(d->h.checksum - d->sum));
	/* Walk what both the length field and the file cover. */
	size_t end = d->h.length < n ? d->h.length : n;
	if (end < ACPI_HEADER_LEN)
		end = ACPI_HEADER_LEN;
	switch (d->sig) {
	case TABLE_SRAT: decode_srat(d, p, end); break;
	case TABLE_SLIT: decode_slit(d, p, end); break;
	case TABLE_HMAT: decode_hmat(d, p, end); break;
	default: problem(d, "signature is not SRAT, SLIT or HMAT: the body is not decoded"); break;
	}
}

void acpi_decoded_free(struct acpi_decoded *d)
{
	free(d->srat);
	free(d->slit);
	free(d->mpda);
	free(d->lb);
	free(d->cache);
	for (int i = 0; i < d->n_problems; i++)
		free(d->problems[i]);
	free(d->problems);
	memset(d, 0, sizeof *d);
}
