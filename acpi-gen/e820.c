/* acpi-gen/e820.c: e820 map arithmetic exactly as arch/x86/kernel/e820.c does
 * it for memmap=/mem= (range add, remove, retype, and the sanitiser in
 * which the larger type wins an overlap), plus the kernel's print format. */
#include "acpi-gen/layout.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void push(struct e820_map *m, uint64_t start, uint64_t end, uint32_t type)
{
	if (end <= start)
		return;
	if (m->n >= m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xrealloc(m->v, sizeof *m->v * (size_t)m->cap);
	}
	m->v[m->n++] = (struct mem_range){ .start = start, .end = end, .node = -1, .type = type };
}

/* Sizes that run past 2^64 are clipped, as the kernel does. */
static uint64_t end_of(uint64_t start, uint64_t size)
{
	uint64_t e;
	return __builtin_add_overflow(start, size, &e) ? UINT64_MAX : e;
}

void e820_add(struct e820_map *m, uint64_t start, uint64_t size, uint32_t type)
{
	push(m, start, end_of(start, size), type);
}

void e820_remove(struct e820_map *m, uint64_t start, uint64_t size, uint32_t type, bool check_type)
{
	uint64_t end = end_of(start, size);
	struct e820_map out = { 0 };
	for (int i = 0; i < m->n; i++) {
		struct mem_range r = m->v[i];
		if ((check_type && r.type != type) || r.end <= start || r.start >= end) {
			push(&out, r.start, r.end, r.type);
			continue;
		}
		/* Keep what lies left and right of the removed range. */
		push(&out, r.start, start, r.type);
		push(&out, end, r.end, r.type);
	}
	free(m->v);
	*m = out;
}

void e820_update(struct e820_map *m, uint64_t start, uint64_t size, uint32_t old_type, uint32_t new_type)
{
	uint64_t end = end_of(start, size);
	struct e820_map out = { 0 };
	for (int i = 0; i < m->n; i++) {
		struct mem_range r = m->v[i];
		if (r.type != old_type || r.end <= start || r.start >= end) {
			push(&out, r.start, r.end, r.type);
			continue;
		}
		uint64_t s = start > r.start ? start : r.start, e = end < r.end ? end : r.end;
		push(&out, r.start, s, r.type);
		push(&out, s, e, new_type);
		push(&out, e, r.end, r.type);
	}
	free(m->v);
	*m = out;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void e820_sanitize(struct e820_map *m)
{
	if (!m->n)
		return;
	uint64_t *pts = xmalloc(sizeof *pts * (size_t)m->n * 2);
	for (int i = 0; i < m->n; i++) {
		pts[2 * i] = m->v[i].start;
		pts[2 * i + 1] = m->v[i].end;
	}
	qsort(pts, (size_t)m->n * 2, sizeof *pts, cmp_u64);
	struct e820_map out = { 0 };
	for (int k = 0; k + 1 < m->n * 2; k++) {
		uint64_t s = pts[k], e = pts[k + 1];
		if (s == e)
			continue;
		uint32_t best = 0;
		for (int i = 0; i < m->n; i++)
			if (m->v[i].start <= s && m->v[i].end >= e && m->v[i].type > best)
				best = m->v[i].type;
		if (!best)
			continue;
		/* As the kernel's e820_nomerge(): persistent (PRAM) and soft
		 * reserved ranges are never merged, so an overlap of two memmap=!
		 * carve-outs stays two entries, split at every change point. */
		bool nomerge = best == E820_PRAM || best == E820_SOFT_RESERVED;
		if (out.n && out.v[out.n - 1].end == s && out.v[out.n - 1].type == best && !nomerge)
			out.v[out.n - 1].end = e;
		else
			push(&out, s, e, best);
	}
	free(pts);
	free(m->v);
	*m = out;
}

unsigned e820_type_class(uint32_t type)
{
	switch (type) {
	case E820_RAM: return 0;
	case E820_RESERVED: return 1;
	case E820_ACPI: return 2;
	case E820_NVS: return 3;
	case E820_UNUSABLE: return 4;
	case E820_PMEM: return 5;
	case E820_PRAM: return 6;
	default: return 7;
	}
}

const char *e820_type_name(uint32_t type)
{
	static char other[32];
	switch (type) {
	case E820_RAM: return "usable";
	case E820_RESERVED: return "reserved";
	case E820_ACPI: return "ACPI data";
	case E820_NVS: return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	case E820_PMEM: return "persistent (type 7)";
	case E820_PRAM: return "persistent (type 12)";
	case E820_SOFT_RESERVED: return "soft reserved";
	}
	snprintf(other, sizeof other, "type %u", type);
	return other;
}

char *e820_format(const struct mem_range *v, int n, const char *prefix)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s: [mem 0x%016llx-0x%016llx] %s\n", prefix, (unsigned long long)v[i].start,
			   (unsigned long long)(v[i].end - 1), e820_type_name(v[i].type));
	return buf_steal(&b);
}

char *e820_to_exactmap(const struct mem_range *v, int n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "memmap=exactmap");
	for (int i = 0; i < n; i++) {
		char size[40], start[40];
		size_format(v[i].end - v[i].start, size, sizeof size);
		if (v[i].start % 1024)
			snprintf(start, sizeof start, "0x%llx", (unsigned long long)v[i].start);
		else
			size_format(v[i].start, start, sizeof start);
		switch (v[i].type) {
		case E820_RAM: buf_printf(&b, " memmap=%s@%s", size, start); break;
		case E820_ACPI: buf_printf(&b, " memmap=%s#%s", size, start); break;
		case E820_RESERVED: buf_printf(&b, " memmap=%s$%s", size, start); break;
		case E820_PRAM: buf_printf(&b, " memmap=%s!%s", size, start); break;
		default: buf_printf(&b, " memmap=%s%%%s+%u", size, start, v[i].type); break;
		}
	}
	return buf_steal(&b);
}
