/* common/sha256.h: SHA-256, for content hashes (layouts, kernel build keys,
 * crash signatures). FIPS 180-4. */
#ifndef COMMON_SHA256_H
#define COMMON_SHA256_H
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	uint8_t block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t digest[32]);
/* Lower-case hex of the digest of data (65 bytes incl. NUL). */
void sha256_hex(const void *data, size_t n, char out[65]);
void sha256_final_hex(struct sha256 *s, char out[65]);

#endif
