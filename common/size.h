/* common/size.h: byte sizes and addresses as people write them: decimal with
 * K/M/G/T suffixes (binary multiples, as QEMU and the kernel read them) or
 * 0x hex. Every conversion is checked for overflow. */
#ifndef COMMON_SIZE_H
#define COMMON_SIZE_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Parses the longest size at s; *end gets the first unparsed char.
 * Returns 0 on success, -1 if no digits, -2 on overflow. Suffixes: K M G T
 * (either case); a 0x hex number may also take a suffix. */
int size_parse_prefix(const char *s, uint64_t *out, const char **end);
/* Whole string must be a size. */
bool size_parse(const char *s, uint64_t *out);
/* Canonical text: the largest suffix that divides exactly (2050M, 16K, 0 -> "0"). */
void size_format(uint64_t v, char *out, size_t n);
/* Human text for messages: "2 MiB", "1.5 GiB". */
void size_human(uint64_t v, char *out, size_t n);
/* Checked add / multiply: false on overflow. */
bool u64_add(uint64_t a, uint64_t b, uint64_t *out);
bool u64_mul(uint64_t a, uint64_t b, uint64_t *out);

#endif
