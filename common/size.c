/* common/size.c: parse and print sizes (K/M/G/T suffixes, 0x hex), overflow-checked. */
#include "common/size.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool u64_add(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

bool u64_mul(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	default: return 0;
	}
}

int size_parse_prefix(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;
	int base = 10, digits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (!u64_mul(v, (uint64_t)base, &v) || !u64_add(v, (uint64_t)d, &v)) {
			*end = p;
			return -2;
		}
		digits++;
	}
	if (!digits) {
		*end = s;
		return -1;
	}
	int shift = suffix_shift(*p);
	if (shift) {
		if (v > (UINT64_MAX >> shift)) {
			*end = p;
			return -2;
		}
		v <<= shift;
		p++;
	}
	*out = v;
	*end = p;
	return 0;
}

bool size_parse(const char *s, uint64_t *out)
{
	const char *end;
	return size_parse_prefix(s, out, &end) == 0 && *end == 0;
}

void size_format(uint64_t v, char *out, size_t n)
{
	static const char suf[] = "TGMK";
	static const int shift[] = { 40, 30, 20, 10 };
	/* Digits by hand: the .topo printer calls this for every size. */
	char d[24];
	int k = 0;
	char unit_suffix = 0;
	for (int i = 0; v && i < 4; i++)
		if (v % (1ULL << shift[i]) == 0) {
			v >>= shift[i];
			unit_suffix = suf[i];
			break;
		}
	if (unit_suffix)
		d[sizeof d - 1 - k++] = unit_suffix;
	do {
		d[sizeof d - 1 - k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (!n)
		return;
	size_t m = (size_t)k < n - 1 ? (size_t)k : n - 1;
	memcpy(out, d + sizeof d - k, m);
	out[m] = 0;
}

void size_human(uint64_t v, char *out, size_t n)
{
	static const char *unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;
	double d = (double)v;
	while (d >= 1024 && i < 4) {
		d /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(out, n, "%llu bytes", (unsigned long long)v);
	else if (d == (double)(uint64_t)d)
		snprintf(out, n, "%llu %s", (unsigned long long)d, unit[i]);
	else
		snprintf(out, n, "%.2f %s", d, unit[i]);
}
