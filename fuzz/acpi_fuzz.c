/* fuzz/acpi_fuzz.c: libFuzzer harness for acpi-gen. The input bytes become
 * SRAT entries, a SLIT matrix and HMAT lines; they are encoded, decoded back
 * and compared entry by entry (the decoder must say exactly what the encoder
 * wrote); the encoded tables go through the iasl source emitter; and the raw
 * input itself is decoded as a table (any bytes must be survivable). Build
 * with `make -C fuzz acpi_fuzz` (clang, ASan+UBSan), run ./fuzz/acpi_fuzz. */
#include "acpi-gen/acpi_gen.h"
#include <stdlib.h>
#include <string.h>

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct reader *r, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++) {
		v = v << 8 | (r->n ? *r->p : 0);
		if (r->n) {
			r->p++;
			r->n--;
		}
	}
	return v;
}

static void fuzz_srat(struct reader *r)
{
	struct srat_entry e[16];
	int n = (int)(take(r, 1) % 17);
	memset(e, 0, sizeof e);
	for (int i = 0; i < n; i++) {
		e[i].kind = (enum srat_kind)(take(r, 1) % 5);
		e[i].pxm = (uint32_t)take(r, 4);
		e[i].apic_id = (uint32_t)(e[i].kind == SRAT_CPU ? take(r, 1) : take(r, 4));
		e[i].base = take(r, 8);
		e[i].length = take(r, 8);
		e[i].flags = (uint32_t)take(r, 1) & (e[i].kind == SRAT_MEMORY ? 7 : 1);
		e[i].count = 1 + (uint32_t)take(r, 1) % 4;
		e[i].raw_type = (uint8_t)(3 + take(r, 1) % 250);   /* a type we do not decode */
		if (e[i].raw_type == 5)
			e[i].raw_type = 6;
		e[i].raw_length = (uint8_t)take(r, 1);
		e[i].pos.line = i + 1;
	}
	struct acpi_header h = { "SRAT", 0, (uint8_t)take(r, 1), 0, "BOCHS ", "BXPC    ", 2, "BXPC", 1 };
	struct buf out = BUF_INIT;
	char *err = NULL;
	if (srat_encode(&h, e, n, "fuzz", &out, &err)) {
		free(err);
		buf_free(&out);
		return;
	}
	struct acpi_decoded d;
	acpi_decode((const uint8_t *)out.s, out.len, &d);
	if (d.n_problems)
		abort();
	int k = 0;
	for (int i = 0; i < n; i++)
		for (uint32_t c = 0; c < e[i].count; c++, k++) {
			if (k >= d.n_srat)
				abort();
			const struct srat_entry *g = &d.srat[k];
			if (g->kind != e[i].kind)
				abort();
			if (g->kind == SRAT_RAW && (g->raw_type != e[i].raw_type || g->raw_length != e[i].raw_length))
				abort();
			if (g->kind != SRAT_RAW && (g->pxm != e[i].pxm || g->flags != e[i].flags))
				abort();
			if ((g->kind == SRAT_CPU || g->kind == SRAT_X2APIC) && g->apic_id != e[i].apic_id + c)
				abort();
			if (g->kind == SRAT_MEMORY && (g->base != e[i].base + c * e[i].length || g->length != e[i].length))
				abort();
		}
	if (k != d.n_srat)
		abort();
	struct buf asl = BUF_INIT;
	if (acpi_asl_emit((const uint8_t *)out.s, out.len, &asl, &err))
		free(err);
	buf_free(&asl);
	acpi_decoded_free(&d);
	buf_free(&out);
}

static void fuzz_slit(struct reader *r)
{
	int n = (int)(take(r, 1) % 9);
	uint8_t m[64];
	for (int i = 0; i < n * n; i++)
		m[i] = (uint8_t)take(r, 1);
	struct acpi_header h = { "SLIT", 0, 1, 0, "BOCHS ", "BXPC    ", 2, "BXPC", 1 };
	struct buf out = BUF_INIT;
	char *err = NULL;
	if (slit_encode(&h, m, n, &out, &err))
		abort();
	struct acpi_decoded d;
	acpi_decode((const uint8_t *)out.s, out.len, &d);
	if (d.slit_n != n || (n && memcmp(d.slit, m, (size_t)(n * n))))
		abort();
	acpi_decoded_free(&d);
	buf_free(&out);
}

static void fuzz_hmat(struct reader *r)
{
	struct topology t;
	struct topo_node nodes[4];
	struct topo_hmat_lb lb[6];
	struct topo_hmat_cache cache[3];
	memset(&t, 0, sizeof t);
	memset(nodes, 0, sizeof nodes);
	t.n_nodes = 1 + (int)(take(r, 1) % 4);
	t.nodes = nodes;
	for (int i = 0; i < t.n_nodes; i++) {
		nodes[i].id = i;
		nodes[i].initiator = (int)(take(r, 1) % 5) - 1;
		if (take(r, 1) & 1)
			cpuset_add(&nodes[i].cpus, i);
	}
	t.n_hmat_lb = (int)(take(r, 1) % 7);
	t.hmat_lb = lb;
	for (int i = 0; i < t.n_hmat_lb; i++) {
		lb[i] = (struct topo_hmat_lb){ (int)(take(r, 1) % 4), (int)(take(r, 1) % 4),
			(enum hmat_hierarchy)(take(r, 1) % 4), (enum hmat_data_type)(take(r, 1) % 6),
			take(r, 4), { i + 1, 1 } };
		if (lb[i].type >= HMAT_ACCESS_BANDWIDTH)
			lb[i].value <<= 20;
	}
	t.n_hmat_cache = (int)(take(r, 1) % 4);
	t.hmat_cache = cache;
	for (int i = 0; i < t.n_hmat_cache; i++)
		cache[i] = (struct topo_hmat_cache){ (int)(take(r, 1) % 4), 1 + (int)(take(r, 1) % 3), take(r, 4),
			(enum hmat_assoc)(take(r, 1) % 3), (enum hmat_policy)(take(r, 1) % 3),
			(uint32_t)take(r, 2), { i + 1, 1 } };
	struct acpi_header h = { "HMAT", 0, 2, 0, "BOCHS ", "BXPC    ", 2, "BXPC", 1 };
	struct buf out = BUF_INIT;
	char *err = NULL;
	if (hmat_encode(&h, &t, "fuzz", &out, &err)) {
		free(err);
		buf_free(&out);
		return;
	}
	struct acpi_decoded d;
	acpi_decode((const uint8_t *)out.s, out.len, &d);
	if (d.n_problems || d.n_mpda != t.n_nodes)
		abort();
	/* Every non-zero value given comes back (the last line for a pair wins). */
	for (int i = 0; i < t.n_hmat_lb; i++) {
		bool later = false;
		for (int j = i + 1; j < t.n_hmat_lb; j++)
			later |= lb[j].initiator == lb[i].initiator && lb[j].target == lb[i].target &&
				 lb[j].hierarchy == lb[i].hierarchy && lb[j].type == lb[i].type;
		if (later || lb[i].initiator >= t.n_nodes || lb[i].target >= t.n_nodes || !lb[i].value)
			continue;
		bool found = false;
		for (int k = 0; k < d.n_lb && !found; k++)
			found = d.lb[k].initiator == lb[i].initiator && d.lb[k].target == lb[i].target &&
				d.lb[k].hierarchy == lb[i].hierarchy && d.lb[k].type == lb[i].type &&
				d.lb[k].value == lb[i].value;
		if (!found)
			abort();
	}
	struct buf asl = BUF_INIT;
	if (acpi_asl_emit((const uint8_t *)out.s, out.len, &asl, &err))
		abort();
	buf_free(&asl);
	acpi_decoded_free(&d);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	switch (take(&r, 1) % 4) {
	case 0: fuzz_srat(&r); break;
	case 1: fuzz_slit(&r); break;
	case 2: fuzz_hmat(&r); break;
	default: {
		/* The input as a table: any bytes, decoded and printed. */
		struct acpi_decoded d;
		struct buf out = BUF_INIT;
		acpi_decode(data, size, &d);
		acpi_decoded_print(&d, &out);
		char *err = NULL;
		struct buf asl = BUF_INIT;
		if (acpi_asl_emit(data, size, &asl, &err))
			free(err);
		buf_free(&asl);
		buf_free(&out);
		acpi_decoded_free(&d);
	}
	}
	return 0;
}
