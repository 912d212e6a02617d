/* acpi-gen/range_edges.c: sorted range edges (see range_edges.h). */
#include "acpi-gen/range_edges.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

void range_edges_init(struct range_edges *e)
{
	e->v = e->inline_v;
	e->n = 0;
	e->cap = RANGE_EDGES_INLINE;
}

static void push(struct range_edges *e, uint64_t x)
{
	if (e->n == e->cap) {
		uint64_t *v = xmalloc(sizeof *v * (size_t)e->cap * 2);
		memcpy(v, e->v, sizeof *v * (size_t)e->n);
		if (e->v != e->inline_v)
			free(e->v);
		e->v = v;
		e->cap *= 2;
	}
	e->v[e->n++] = x;
}

void range_edges_add(struct range_edges *e, uint64_t start, uint64_t end)
{
	push(e, start);
	push(e, end);
}

void range_edges_add_ranges(struct range_edges *e, const struct mem_range *r, int n)
{
	for (int i = 0; i < n; i++)
		range_edges_add(e, r[i].start, r[i].end);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The edges come in a few runs that are each in order already (a map,
 * node ranges): insertion sort is close to linear there and cheaper than
 * qsort's calls through a pointer; many edges go to qsort. */
void range_edges_sort(struct range_edges *e)
{
	if (e->n > RANGE_EDGES_INLINE) {
		qsort(e->v, (size_t)e->n, sizeof *e->v, by_value);
		return;
	}
	for (int i = 1; i < e->n; i++) {
		uint64_t x = e->v[i];
		int j = i;
		for (; j > 0 && e->v[j - 1] > x; j--)
			e->v[j] = e->v[j - 1];
		e->v[j] = x;
	}
}

bool range_edges_inside(const struct range_edges *e, uint64_t lo, uint64_t hi)
{
	/* The first edge above lo. */
	int a = 0, b = e->n;
	while (a < b) {
		int mid = a + (b - a) / 2;
		if (e->v[mid] <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < e->n && e->v[a] < hi;
}

void range_edges_free(struct range_edges *e)
{
	if (e->v != e->inline_v)
		free(e->v);
	range_edges_init(e);
}
