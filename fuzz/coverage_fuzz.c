/* fuzz/coverage_fuzz.c: libFuzzer harness for the boot-coverage parser
 * (results/coverage.c, over results/probe_lines.c). Any bytes are a console; whatever it says, the edge
 * set comes back sorted and without duplicates, every edge's object was
 * announced by an accepted line, the counts are bounded, an incomplete
 * result names its problem, and the set survives the store's encoding. */
#include "results/coverage.h"
#include "common/coverage_wire.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees reads past the end. */
	char *log = malloc(size ? size : 1);
	memcpy(log, data, size);
	struct coverage c;
	coverage_parse(log, size, &c);
	for (size_t i = 1; i < c.edges.n; i++)
		if (c.edges.v[i - 1] >= c.edges.v[i])
			__builtin_trap();
	if (c.objects < 0 || c.objects > COV_MAX_OBJECTS || c.bad_lines < 0 || c.object_errors < 0 ||
	    c.counters < 0 || (long long)c.edges.n > c.counters)
		__builtin_trap();
	if (!c.present && c.complete)
		__builtin_trap();
	if (!c.complete && c.present && !c.problem)
		__builtin_trap();
	if ((c.bad_lines || c.object_errors) && !c.problem)
		__builtin_trap();
	struct buf blob = BUF_INIT;
	edge_set_encode(&c.edges, &blob);
	struct edge_set back = { 0 };
	if (edge_set_decode(blob.s, blob.len, &back) != 0 || back.n != c.edges.n ||
	    (back.n && memcmp(back.v, c.edges.v, back.n * sizeof *back.v)))
		__builtin_trap();
	/* Decoding arbitrary bytes never crashes either. */
	edge_set_decode(data, size, &back);
	for (size_t i = 1; i < back.n; i++)
		if (back.v[i - 1] >= back.v[i])
			__builtin_trap();
	edge_set_free(&back);
	buf_free(&blob);
	char *sum = coverage_summary(&c);
	free(sum);
	coverage_free(&c);
	free(log);
	return 0;
}
