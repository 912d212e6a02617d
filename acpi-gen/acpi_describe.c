/* acpi-gen/acpi_describe.c: prints a decoded table the way a person reads
 * it: a header comment, one line per entry in .topo syntax (srat ...,
 * distance ..., hmat-lb ..., hmat-cache ...), then "problem: ..." lines.
 * Every text field of the table is escaped: the bytes may be anything. */
#include "acpi-gen/acpi_gen.h"
#include "common/size.h"
#include <stdio.h>
#include <string.h>

static void put_text(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_printf(out, "\\x%02x", c);
		else
			buf_putc(out, (char)c);
	}
	buf_putc(out, '"');
}

static void put_header(const struct acpi_decoded *d, struct buf *out)
{
	const struct acpi_header *h = &d->h;
	buf_puts(out, "# table ");
	put_text(out, h->signature);
	buf_printf(out, " length=%u (file %zu bytes) revision=%u checksum=0x%02x (%s)\n# oem-id=",
		   h->length, d->file_len, h->revision, h->checksum, d->sum ? "bad" : "valid");
	put_text(out, h->oem_id);
	buf_puts(out, " oem-table-id=");
	put_text(out, h->oem_table_id);
	buf_printf(out, " oem-revision=%u creator=", h->oem_revision);
	put_text(out, h->creator_id);
	buf_printf(out, " creator-revision=0x%x\n", h->creator_revision);
}

static void put_size(struct buf *out, uint64_t v)
{
	char s[32];
	size_format(v, s, sizeof s);
	buf_puts(out, s);
}

static void put_srat(const struct acpi_decoded *d, struct buf *out)
{
	if (d->srat_table_revision != 1)
		buf_printf(out, "# table revision field is %u (ACPI: reserved, 1)\n", d->srat_table_revision);
	for (int i = 0; i < d->n_srat; i++) {
		const struct srat_entry *e = &d->srat[i];
		uint32_t known = SRAT_ENABLED;
		switch (e->kind) {
		case SRAT_CPU:
			buf_printf(out, "srat cpu pxm=%u apic=%u", e->pxm, e->apic_id);
			break;
		case SRAT_X2APIC:
			buf_printf(out, "srat x2apic pxm=%u apic=%u", e->pxm, e->apic_id);
			break;
		case SRAT_GENERIC_INITIATOR:
			buf_printf(out, "srat generic-initiator pxm=%u", e->pxm);
			break;
		case SRAT_MEMORY:
			buf_printf(out, "srat memory pxm=%u base=0x%llx length=", e->pxm, (unsigned long long)e->base);
			put_size(out, e->length);
			known |= SRAT_HOTPLUG | SRAT_NONVOLATILE;
			if (e->flags & SRAT_HOTPLUG)
				buf_puts(out, " hotplug");
			if (e->flags & SRAT_NONVOLATILE)
				buf_puts(out, " nonvolatile");
			break;
		case SRAT_RAW:
			buf_printf(out, "srat raw type=0x%02x length=%u\n", e->raw_type, e->raw_length);
			continue;
		}
		if (!(e->flags & SRAT_ENABLED))
			buf_puts(out, " disabled");
		if (e->flags & ~known)
			buf_printf(out, "  # reserved flag bits 0x%x", e->flags & ~known);
		/* Revision 1 tables: the kernel reads only the low PXM byte. */
		if (d->h.revision < 2 && e->pxm > 255)
			buf_printf(out, "  # the kernel reads pxm=%u (SRAT revision %u)", e->pxm & 0xff, d->h.revision);
		buf_putc(out, '\n');
	}
}

static void put_slit(const struct acpi_decoded *d, struct buf *out)
{
	int n = d->slit_n;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			uint8_t v = d->slit[i * n + j], w = d->slit[j * n + i];
			if (i == j) {
				if (v != 10)
					buf_printf(out, "distance %d %d %u oneway\n", i, j, v);
			} else if (v == w) {
				if (i < j)
					buf_printf(out, "distance %d %d %u\n", i, j, v);
			} else {
				buf_printf(out, "distance %d %d %u oneway\n", i, j, v);
			}
		}
}

static const char *const hier_names[] = { "memory", "first-level", "second-level", "third-level" };
static const char *const type_names[] = { "access-latency", "read-latency", "write-latency",
	"access-bandwidth", "read-bandwidth", "write-bandwidth" };
static const char *const assoc_names[] = { "none", "direct", "complex" };
static const char *const policy_names[] = { "none", "write-back", "write-through" };

static void put_hmat(const struct acpi_decoded *d, struct buf *out)
{
	for (int i = 0; i < d->n_mpda; i++) {
		const struct hmat_mpda *m = &d->mpda[i];
		if (m->flags & 1)
			buf_printf(out, "# memory proximity domain %u: initiator %u\n", m->memory, m->initiator);
		else
			buf_printf(out, "# memory proximity domain %u: no initiator\n", m->memory);
	}
	for (int i = 0; i < d->n_lb; i++) {
		const struct topo_hmat_lb *lb = &d->lb[i];
		buf_printf(out, "hmat-lb initiator=%d target=%d hierarchy=%s type=%s value=",
			   lb->initiator, lb->target, hier_names[lb->hierarchy], type_names[lb->type]);
		if (lb->type <= HMAT_WRITE_LATENCY)
			buf_printf(out, "%llu\n", (unsigned long long)lb->value);
		else {
			put_size(out, lb->value);
			buf_putc(out, '\n');
		}
	}
	for (int i = 0; i < d->n_cache; i++) {
		const struct topo_hmat_cache *c = &d->cache[i];
		buf_printf(out, "hmat-cache node=%d size=", c->node);
		put_size(out, c->size);
		buf_printf(out, " level=%d", c->level);
		if ((unsigned)c->assoc < 3)
			buf_printf(out, " assoc=%s", assoc_names[c->assoc]);
		else
			buf_printf(out, " assoc=%u", (unsigned)c->assoc);
		if ((unsigned)c->policy < 3)
			buf_printf(out, " policy=%s", policy_names[c->policy]);
		else
			buf_printf(out, " policy=%u", (unsigned)c->policy);
		buf_printf(out, " line=%u\n", c->line);
	}
}

void acpi_decoded_print(const struct acpi_decoded *d, struct buf *out)
{
	if (d->has_header) {
		put_header(d, out);
		if (d->sig == TABLE_SRAT)
			put_srat(d, out);
		else if (d->sig == TABLE_SLIT)
			put_slit(d, out);
		else if (d->sig == TABLE_HMAT)
			put_hmat(d, out);
	}
	for (int i = 0; i < d->n_problems; i++)
		buf_printf(out, "problem: %s\n", d->problems[i]);
}
