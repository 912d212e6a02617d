/* results/coverage.h: boot coverage on the host. A gcov kernel's guest
 * probe prints the non-zero arc counters of the code that reads layouts as
 * COV lines on the console (docs/coverage.md); this reads them back (the
 * console is hostile: every line is framed (probe_lines.h), bounds-checked, and a bad
 * one is counted and described, never trusted) into an edge set, and gives
 * the set arithmetic a corpus rule needs.
 *
 * An edge id is (FNV-1a 32 of the object's name) << 32 | counter index
 * (common/coverage_wire.h): stable across boots of one kernel build. */
#ifndef RESULTS_COVERAGE_H
#define RESULTS_COVERAGE_H
#include "common/buf.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of edges: v sorted ascending, no duplicates (once normalized). */
struct edge_set {
	uint64_t *v;
	size_t n, cap;
};

void edge_set_free(struct edge_set *s);
/* Appends without keeping order; call edge_set_normalize before the rest. */
void edge_set_add(struct edge_set *s, uint64_t id);
/* Sorts and drops duplicates. */
void edge_set_normalize(struct edge_set *s);
bool edge_set_contains(const struct edge_set *s, uint64_t id);
/* out = a | b; out = a - b (out is overwritten; it may not be a or b). */
void edge_set_union(const struct edge_set *a, const struct edge_set *b, struct edge_set *out);
void edge_set_difference(const struct edge_set *a, const struct edge_set *b, struct edge_set *out);
/* |a - b| without building it: how many edges of a are new to b. */
size_t edge_set_count_new(const struct edge_set *a, const struct edge_set *b);
/* a |= b in place. Returns how many edges were new. */
size_t edge_set_merge(struct edge_set *a, const struct edge_set *b);
/* Compact form for the store: LEB128 varints of the deltas between
 * successive ids. decode returns -1 on a malformed or unsorted blob. */
void edge_set_encode(const struct edge_set *s, struct buf *out);
int edge_set_decode(const void *data, size_t len, struct edge_set *out);

/* What a console's COV lines said. */
struct coverage {
	bool present;          /* a COV-BEGIN line: the kernel has gcov */
	bool complete;         /* COV-END too, every object's announced hits
				  received, no bad line and no COV-ERR */
	struct edge_set edges; /* normalized */
	int objects;           /* objects announced (COV-OBJ lines accepted) */
	long long counters;    /* arc counters in them */
	int bad_lines;         /* COV lines rejected (damaged frame, syntax, bounds) */
	int object_errors;     /* COV-ERR lines: objects the guest could not read */
	char *problem;         /* the first problem, "line N: ...", or NULL */
};

/* Reads every COV line of len bytes of console text (need not be
 * NUL-terminated). Never fails: what is wrong ends up in bad_lines,
 * object_errors and problem. */
void coverage_parse(const char *console, size_t len, struct coverage *out);
void coverage_free(struct coverage *c);
struct json;
/* "coverage": {edges, objects, counters, complete, bad_lines,
 * object_errors, problem}, or "coverage": null when !c->present. */
void coverage_json(struct json *j, const struct coverage *c);
/* "12345 edges (87 objects)" plus ", incomplete: PROBLEM" when it is.
 * Caller frees. */
char *coverage_summary(const struct coverage *c);

#endif
