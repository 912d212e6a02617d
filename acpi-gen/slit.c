/* acpi-gen/slit.c: the SLIT (System Locality Information Table, ACPI 6.3
 * 5.2.17): a u64 locality count then the n x n distance bytes, row-major,
 * exactly as QEMU 7.2's build_slit writes them. */
#include "acpi-gen/acpi_gen.h"
#include <stdlib.h>

uint8_t *slit_matrix(const struct topology *t, int *n)
{
	*n = t->n_nodes;
	uint8_t *m = xcalloc((size_t)(*n ? *n : 1) * (size_t)(*n ? *n : 1), 1);
	for (int i = 0; i < *n; i++)
		for (int j = 0; j < *n; j++)
			m[i * *n + j] = (uint8_t)topo_distance(t, i, j);
	return m;
}

int slit_encode(const struct acpi_header *h, const uint8_t *matrix, int n, struct buf *out, char **err)
{
	if (n < 0 || (uint64_t)n * (uint64_t)n + ACPI_HEADER_LEN + 8 > ACPI_TABLE_MAX) {
		*err = xasprintf("a SLIT of %d localities is too large", n);
		return -1;
	}
	buf_reset(out);
	acpi_header_put(out, h);
	acpi_put_u64(out, (uint64_t)n);
	buf_add(out, matrix, (size_t)n * (size_t)n);
	acpi_table_seal(out);
	return 0;
}
