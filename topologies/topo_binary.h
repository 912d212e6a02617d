/* topologies/topo_binary.h: a compact binary form of a struct topology,
 * the input format of the libFuzzer layout harness (fuzz/layout_fuzz.c):
 * fixed-size little-endian records and length-prefixed strings, so a
 * mutant costs a copy instead of printing and parsing .topo text. It holds
 * what the canonical text holds (topo_print of the decoded topology equals
 * topo_print of the encoded one; source positions and the source text are
 * not kept). `topofarm gen --from-corpus` turns such entries into .topo
 * files (topologies/gen_corpus.c). Format: docs/strategies.md. */
#ifndef TOPOLOGIES_TOPO_BINARY_H
#define TOPOLOGIES_TOPO_BINARY_H
#include "topologies/topo.h"

#define TOPO_BINARY_MAGIC "\0TOPOBIN1"   /* 9 bytes: no .topo text starts with a NUL */
#define TOPO_BINARY_MAGIC_LEN 9

/* True when data starts with the binary form's magic. */
bool topo_is_binary(const uint8_t *data, size_t len);
/* Writes t's binary form into out (at most max bytes) and returns its
 * length; when that is more than max, out holds only a prefix (as with
 * snprintf). No allocation. */
size_t topo_encode(const struct topology *t, uint8_t *out, size_t max);
/* Reads a binary form: 0 with *t (caller topo_frees), or -1 when the bytes
 * are not one (truncated, trailing bytes, an enum or id out of range, a
 * string with a control character); *t is then empty. A decoded topology
 * still has to pass topo_validate like a parsed one. */
int topo_decode(const uint8_t *data, size_t len, struct topology *t);

#endif
