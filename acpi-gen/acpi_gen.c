/* acpi-gen/acpi_gen.c: which tables a topology gives and with which headers
 * (QEMU's own, override, install), and building them all with the
 * requested faults (acpi_gen.h). */
#include "acpi-gen/acpi_gen.h"
#include <stdlib.h>
#include <string.h>

static const char *const names[TABLE__COUNT] = { "SRAT", "SLIT", "HMAT" };
static const char *const files[TABLE__COUNT] = { "SRAT.aml", "SLIT.aml", "HMAT.aml" };
/* Revisions QEMU 7.2 writes: build_srat rev 1, build_slit rev 1, build_hmat rev 2. */
static const int default_revision[TABLE__COUNT] = { 1, 1, 2 };

const char *acpi_table_name(enum table_sig s)
{
	return (unsigned)s < TABLE__COUNT ? names[s] : "????";
}

const char *acpi_table_file(enum table_sig s)
{
	return (unsigned)s < TABLE__COUNT ? files[s] : "unknown.aml";
}

bool acpi_qemu_builds(const struct topology *t, enum table_sig s)
{
	if (t->n_nodes == 0)
		return false;
	switch (s) {
	case TABLE_SRAT: return true;
	case TABLE_SLIT: return t->any_distance;
	case TABLE_HMAT: return t->hmat || t->n_hmat_lb || t->n_hmat_cache;
	default: return false;
	}
}

enum table_mode acpi_effective_mode(const struct topology *t, enum table_sig s)
{
	enum table_mode m = t->tables[s].mode;
	if (m == TABLE_AUTO)
		m = acpi_qemu_builds(t, s) ? TABLE_OVERRIDE : TABLE_INSTALL;
	return m;
}

void acpi_header_for(const struct topology *t, enum table_sig s, struct acpi_header *h)
{
	const struct table_spec *ts = &t->tables[s];
	bool generated = t->firmware == FIRMWARE_GENERATED;
	memset(h, 0, sizeof *h);
	memcpy(h->signature, names[s], 4);
	h->revision = (uint8_t)(generated && ts->revision >= 0 ? ts->revision : default_revision[s]);
	memcpy(h->oem_id, ACPI_QEMU_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_QEMU_OEM_TABLE_ID, 8);
	h->oem_revision = ACPI_QEMU_OEM_REVISION;
	memcpy(h->creator_id, ACPI_QEMU_CREATOR_ID, 4);
	h->creator_revision = ACPI_QEMU_CREATOR_REVISION;
	if (!generated)
		return;
	if (acpi_effective_mode(t, s) == TABLE_INSTALL)
		memcpy(h->oem_table_id, ACPI_INSTALL_OEM_TABLE_ID, 8);
	/* The kernel overrides only with a strictly greater OEM revision. */
	h->oem_revision = ts->oem_revision >= 0 ? (uint32_t)ts->oem_revision : ACPI_QEMU_OEM_REVISION + 1;
}

static bool table_wanted(const struct topology *t, enum table_sig s)
{
	if (t->firmware != FIRMWARE_GENERATED)
		return acpi_qemu_builds(t, s);
	if (t->tables[s].omit)
		return false;
	switch (s) {
	case TABLE_SRAT: return t->n_srat > 0 || t->n_nodes > 0;
	case TABLE_SLIT: return t->n_nodes > 0 && (t->any_distance || t->tables[s].present);
	case TABLE_HMAT: return t->n_nodes > 0 && (acpi_qemu_builds(t, s) || t->tables[s].present);
	default: return false;
	}
}

static int build_srat(const struct topology *t, const char *file, struct acpi_blob *b, char **err)
{
	struct srat_entry *v = t->srat;
	int n = t->n_srat;
	if (!n && srat_entries_derive(t, &v, &n, err))
		return -1;
	if (t->firmware != FIRMWARE_GENERATED || t->tables[TABLE_SRAT].revision < 0)
		b->header.revision = (uint8_t)(t->firmware == FIRMWARE_GENERATED ? srat_default_revision(v, n) : 1);
	int rc = srat_encode(&b->header, v, n, file, &b->bytes, err);
	if (v != t->srat)
		free(v);
	return rc;
}

static int build_one(const struct topology *t, const char *file, enum table_sig s, struct acpi_blob *b, char **err)
{
	b->present = true;
	b->sig = s;
	acpi_header_for(t, s, &b->header);
	int rc;
	if (s == TABLE_SRAT) {
		rc = build_srat(t, file, b, err);
	} else if (s == TABLE_SLIT) {
		int n;
		uint8_t *m = slit_matrix(t, &n);
		rc = slit_encode(&b->header, m, n, &b->bytes, err);
		free(m);
	} else {
		rc = hmat_encode(&b->header, t, file, &b->bytes, err);
	}
	if (rc)
		return -1;
	const struct table_spec *ts = &t->tables[s];
	b->well_formed = true;
	if (t->firmware == FIRMWARE_GENERATED && !acpi_faults_none(&ts->faults)) {
		char *why = NULL;
		if (acpi_apply_faults(&b->bytes, &ts->faults, &why)) {
			*err = xasprintf("%s:%d: table %s: %s", file ? file : "<topology>", ts->pos.line,
					 names[s], why);
			free(why);
			return -1;
		}
		b->well_formed = false;
	}
	return 0;
}

int acpi_generate(const struct topology *t, const char *file, struct acpi_set *out, char **err)
{
	memset(out, 0, sizeof *out);
	for (int s = 0; s < TABLE__COUNT; s++) {
		if (!table_wanted(t, (enum table_sig)s))
			continue;
		if (build_one(t, file, (enum table_sig)s, &out->t[s], err)) {
			acpi_set_free(out);
			return -1;
		}
	}
	return 0;
}

void acpi_set_free(struct acpi_set *s)
{
	for (int i = 0; i < TABLE__COUNT; i++)
		buf_free(&s->t[i].bytes);
	memset(s, 0, sizeof *s);
}
