/* common/coverage_wire.h: what the guest probe (runner/guest/coverage.c)
 * and the host parser (results/coverage.c) must agree on for the boot
 * coverage lines (docs/coverage.md): sizes, the bitmap's base64 alphabet
 * and how an edge id is made. (Damage is caught by the frame every probe
 * line carries, common/line_frame.h.) Header-only because the probe is a
 * static binary built without the topofarm library. */
#ifndef COMMON_COVERAGE_WIRE_H
#define COMMON_COVERAGE_WIRE_H
#include <stddef.h>
#include <stdint.h>

/* Counters per COV-BITS line: 64 base64 characters of 6 bits. */
#define COV_BITS_PER_CHAR 6
#define COV_CHARS_PER_LINE 64
#define COV_BITS_PER_LINE (COV_BITS_PER_CHAR * COV_CHARS_PER_LINE)
/* Upper bounds the host enforces (and the guest never exceeds). */
#define COV_MAX_OBJECTS 4096
#define COV_MAX_COUNTERS (1u << 24)     /* arc counters in one object */
#define COV_MAX_PATH 200

static const char cov_base64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of a base64 character, or -1. */
static inline int cov_base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* FNV-1a, 32 bits of an object's name: the object part of an edge id. */
static inline uint32_t cov_fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Edge id: the object's path hash above, the arc counter's index below. */
static inline uint64_t cov_edge_id(uint32_t object_hash, uint32_t counter)
{
	return (uint64_t)object_hash << 32 | counter;
}

#endif
