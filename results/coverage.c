/* results/coverage.c: the COV lines of a console -> an edge set, and edge
 * set arithmetic (results/coverage.h). The format is topofarm's own
 * (docs/coverage.md, common/coverage_wire.h), so the parser is hand-written.
 * The console is split by results/probe_lines.h, which checks each probe
 * line's frame and puts lines cut by printk back together; a COV line is
 * then taken only if every number is in range and every name is what the
 * guest could have printed. Anything else is counted as a bad line and the
 * first problem is described. */
#include "results/coverage.h"
#include "results/probe_lines.h"
#include "common/coverage_wire.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- edge sets ---- */

void edge_set_free(struct edge_set *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

void edge_set_add(struct edge_set *s, uint64_t id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = id;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void edge_set_normalize(struct edge_set *s)
{
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_u64);
	size_t o = 1;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[o - 1])
			s->v[o++] = s->v[i];
	s->n = o;
}

bool edge_set_contains(const struct edge_set *s, uint64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo] == id;
}

/* One merge walk serves union, difference and the count: keep says which
 * of "only in a", "only in b", "in both" go to out (out NULL: count only). */
enum { ONLY_A = 1, ONLY_B = 2, BOTH = 4 };

static size_t walk(const struct edge_set *a, const struct edge_set *b, int keep, struct edge_set *out)
{
	size_t i = 0, j = 0, n = 0;
	while (i < a->n || j < b->n) {
		uint64_t id;
		int where;
		if (j == b->n || (i < a->n && a->v[i] < b->v[j]))
			id = a->v[i++], where = ONLY_A;
		else if (i == a->n || b->v[j] < a->v[i])
			id = b->v[j++], where = ONLY_B;
		else
			id = a->v[i++], j++, where = BOTH;
		if (keep & where) {
			n++;
			if (out)
				edge_set_add(out, id);
		}
	}
	return n;
}

void edge_set_union(const struct edge_set *a, const struct edge_set *b, struct edge_set *out)
{
	edge_set_free(out);
	walk(a, b, ONLY_A | ONLY_B | BOTH, out);
}

void edge_set_difference(const struct edge_set *a, const struct edge_set *b, struct edge_set *out)
{
	edge_set_free(out);
	walk(a, b, ONLY_A, out);
}

size_t edge_set_count_new(const struct edge_set *a, const struct edge_set *b)
{
	return walk(a, b, ONLY_A, NULL);
}

size_t edge_set_merge(struct edge_set *a, const struct edge_set *b)
{
	struct edge_set u = { 0 };
	size_t fresh = walk(b, a, ONLY_A, NULL);
	if (!fresh)
		return 0;
	edge_set_union(a, b, &u);
	edge_set_free(a);
	*a = u;
	return fresh;
}

void edge_set_encode(const struct edge_set *s, struct buf *out)
{
	uint64_t prev = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t d = s->v[i] - prev;
		prev = s->v[i];
		do {
			unsigned char c = d & 0x7f;
			d >>= 7;
			if (d)
				c |= 0x80;
			buf_putc(out, (char)c);
		} while (d);
	}
}

int edge_set_decode(const void *data, size_t len, struct edge_set *out)
{
	edge_set_free(out);
	if (!len)
		return 0;
	const unsigned char *p = data, *end = p + len;
	uint64_t prev = 0;
	while (p < end) {
		uint64_t d = 0;
		unsigned shift = 0;
		for (;;) {
			if (p == end || shift > 63)
				goto bad;
			unsigned char c = *p++;
			if (shift == 63 && (c & 0x7e))
				goto bad;
			d |= (uint64_t)(c & 0x7f) << shift;
			shift += 7;
			if (!(c & 0x80))
				break;
		}
		/* Strictly increasing: a zero delta (after the first) or a wrap is corrupt. */
		if ((out->n && d == 0) || prev + d < prev)
			goto bad;
		prev += d;
		edge_set_add(out, prev);
	}
	return 0;
bad:
	edge_set_free(out);
	return -1;
}

/* ---- COV lines ---- */

struct object {
	bool seen;
	uint32_t hash, counters, hits, received;
	uint8_t *chunks;          /* COV-BITS lines received, one bit per line slot */
};

struct parser {
	struct coverage *c;
	struct object *objs;      /* COV_MAX_OBJECTS, allocated on the first COV line */
	long announced;           /* COV-BEGIN's object count, -1 before it */
	bool ended;
	int line_no;
	struct buf problem;
};

static int problem(struct parser *p, bool bad_line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Counts a bad line (or not) and keeps the first description; returns -1. */
static int problem(struct parser *p, bool bad_line, const char *fmt, ...)
{
	if (bad_line)
		p->c->bad_lines++;
	if (p->problem.len)
		return -1;
	buf_printf(&p->problem, "console line %d: ", p->line_no);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&p->problem, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number <= max, ending at a space or the end; advances *s. */
static bool number(const char **s, const char *end, uint64_t max, uint64_t *out)
{
	const char *q = *s;
	uint64_t v = 0;
	if (q == end || *q < '0' || *q > '9')
		return false;
	while (q < end && *q >= '0' && *q <= '9') {
		v = v * 10 + (uint64_t)(*q++ - '0');
		if (v > max)
			return false;
	}
	if (q < end && *q != ' ')
		return false;
	*s = q < end ? q + 1 : q;
	*out = v;
	return true;
}

/* A word of [A-Za-z0-9._+/-], 1..max bytes; advances *s. */
static bool word(const char **s, const char *end, size_t max, const char **w, size_t *wn)
{
	const char *q = *s;
	while (q < end && *q != ' ') {
		char ch = *q;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '+' || ch == '/' || ch == '-'))
			return false;
		q++;
	}
	if (q == *s || (size_t)(q - *s) > max)
		return false;
	*w = *s;
	*wn = (size_t)(q - *s);
	*s = q < end ? q + 1 : q;
	return true;
}

static struct object *object_at(struct parser *p, uint64_t k)
{
	if (p->announced >= 0 && k >= (uint64_t)p->announced)
		return NULL;
	return &p->objs[k];
}

static int on_begin(struct parser *p, const char *s, const char *end)
{
	uint64_t n;
	if (!number(&s, end, COV_MAX_OBJECTS, &n) || s != end)
		return problem(p, true, "COV-BEGIN: expected an object count up to %d", COV_MAX_OBJECTS);
	if (p->announced >= 0)
		return problem(p, true, "a second COV-BEGIN");
	p->announced = (long)n;
	p->c->present = true;
	return 0;
}

static int on_object(struct parser *p, const char *s, const char *end)
{
	uint64_t k, counters, hits;
	const char *name;
	size_t nn;
	if (!number(&s, end, COV_MAX_OBJECTS - 1, &k) || !number(&s, end, COV_MAX_COUNTERS, &counters) ||
	    !number(&s, end, counters, &hits) || !word(&s, end, COV_MAX_PATH, &name, &nn) || s != end)
		return problem(p, true, "COV-OBJ: expected INDEX COUNTERS HITS NAME (hits <= counters <= %u)",
			       COV_MAX_COUNTERS);
	struct object *o = object_at(p, k);
	if (!o)
		return problem(p, true, "COV-OBJ %llu: beyond the %ld objects announced", (unsigned long long)k, p->announced);
	if (o->seen)
		return problem(p, true, "COV-OBJ %llu given twice", (unsigned long long)k);
	o->seen = true;
	o->hash = cov_fnv1a(name, nn);
	o->counters = (uint32_t)counters;
	o->hits = (uint32_t)hits;
	o->chunks = xcalloc(counters / COV_BITS_PER_LINE / 8 + 1, 1);
	p->c->objects++;
	p->c->counters += (long long)counters;
	return 0;
}

static int on_bits(struct parser *p, const char *s, const char *end)
{
	uint64_t k, first;
	const char *chars;
	size_t nc;
	if (!number(&s, end, COV_MAX_OBJECTS - 1, &k) || !number(&s, end, COV_MAX_COUNTERS, &first) ||
	    !word(&s, end, COV_CHARS_PER_LINE, &chars, &nc) || s != end)
		return problem(p, true, "COV-BITS: expected INDEX FIRST and 1-%d base64 characters", COV_CHARS_PER_LINE);
	struct object *o = object_at(p, k);
	if (!o || !o->seen)
		return problem(p, true, "COV-BITS %llu: no COV-OBJ line for that object", (unsigned long long)k);
	if (first % COV_BITS_PER_LINE || first >= o->counters)
		return problem(p, true, "COV-BITS %llu %llu: not a line slot of its %u counters",
			       (unsigned long long)k, (unsigned long long)first, o->counters);
	uint64_t slot = first / COV_BITS_PER_LINE;
	if (o->chunks[slot / 8] >> (slot % 8) & 1)
		return problem(p, true, "COV-BITS %llu %llu given twice", (unsigned long long)k, (unsigned long long)first);
	/* Check the whole line before taking any of it. */
	for (size_t c = 0; c < nc; c++) {
		int v = cov_base64_value(chars[c]);
		if (v < 0)
			return problem(p, true, "COV-BITS %llu: '%c' is not base64", (unsigned long long)k, chars[c]);
		for (int b = 0; b < COV_BITS_PER_CHAR; b++)
			if (v >> b & 1 && first + c * COV_BITS_PER_CHAR + (unsigned)b >= o->counters)
				return problem(p, true, "COV-BITS %llu: a bit beyond counter %u", (unsigned long long)k,
					       o->counters);
	}
	o->chunks[slot / 8] |= (uint8_t)(1u << (slot % 8));
	for (size_t c = 0; c < nc; c++) {
		int v = cov_base64_value(chars[c]);
		for (int b = 0; b < COV_BITS_PER_CHAR; b++)
			if (v >> b & 1) {
				edge_set_add(&p->c->edges, cov_edge_id(o->hash, (uint32_t)(first + c * COV_BITS_PER_CHAR + (unsigned)b)));
				o->received++;
			}
	}
	return 0;
}

static int on_error(struct parser *p, const char *s, const char *end)
{
	p->c->object_errors++;
	return problem(p, false, "the guest could not read an object: %.*s", (int)(end - s), s);
}

static int on_end(struct parser *p, const char *s, const char *end)
{
	uint64_t n, counters, hits;
	if (!number(&s, end, COV_MAX_OBJECTS, &n) || !number(&s, end, (uint64_t)COV_MAX_OBJECTS * COV_MAX_COUNTERS, &counters) ||
	    !number(&s, end, counters, &hits) || s != end)
		return problem(p, true, "COV-END: expected OBJECTS COUNTERS HITS");
	if (p->announced >= 0 && (long)n != p->announced)
		return problem(p, true, "COV-END says %llu objects, COV-BEGIN %ld", (unsigned long long)n, p->announced);
	p->ended = true;
	return 0;
}

/* One probe line whose frame checked (text past the tag, frame cut off). */
static int parse_line(struct parser *p, const char *text, size_t n)
{
	const char *tend = text + n;
	static const struct { const char *kind; int (*fn)(struct parser *, const char *, const char *); } kinds[] = {
		{ "COV-BEGIN ", on_begin }, { "COV-OBJ ", on_object }, { "COV-BITS ", on_bits },
		{ "COV-ERR ", on_error }, { "COV-END ", on_end },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t kl = strlen(kinds[i].kind);
		if (n >= kl && !memcmp(text, kinds[i].kind, kl)) {
			if (p->ended)
				return problem(p, true, "a COV line after COV-END");
			return kinds[i].fn(p, text + kl, tend);
		}
	}
	return problem(p, true, "an unknown COV line kind");
}

static bool is_cov(const char *s, size_t n)
{
	return n >= 4 && !memcmp(s, "COV-", 4);
}

static void on_piece(void *ctx, enum probe_piece kind, const char *s, size_t n, int line)
{
	struct parser *p = ctx;
	p->line_no = line;
	if (kind == PIECE_KERNEL || !is_cov(s, n))
		return;
	if (!p->objs)
		p->objs = xcalloc(COV_MAX_OBJECTS, sizeof *p->objs);
	if (kind == PIECE_PROBE)
		parse_line(p, s, n);
	else if (kind == PIECE_DAMAGED)
		problem(p, true, "a COV line damaged on the console (its frame does not check)");
	else
		problem(p, true, "a COV line without a frame");
}

void coverage_parse(const char *console, size_t len, struct coverage *out)
{
	memset(out, 0, sizeof *out);
	struct parser p = { .c = out, .announced = -1, .problem = BUF_INIT };
	struct probe_lines pl;
	probe_lines_init(&pl, on_piece, &p);
	probe_lines_parse(&pl, console, len);
	probe_lines_finish(&pl);
	edge_set_normalize(&out->edges);
	bool all = out->present && p.ended && out->objects == p.announced;
	if (out->present && !p.ended && !p.problem.len)
		buf_puts(&p.problem, "no COV-END line (the guest died or the console was cut)");
	else if (out->present && out->objects != p.announced && !p.problem.len)
		buf_printf(&p.problem, "%d of %ld objects announced", out->objects, p.announced);
	else if (!out->present && (out->bad_lines || out->objects) && !p.problem.len)
		buf_puts(&p.problem, "COV lines without COV-BEGIN");
	for (long k = 0; p.objs && k < COV_MAX_OBJECTS; k++) {
		struct object *o = &p.objs[k];
		if (o->seen && o->received != o->hits) {
			all = false;
			if (!p.problem.len)
				buf_printf(&p.problem, "object %ld: %u edges announced, %u received (lines lost)",
					   k, o->hits, o->received);
		}
		free(o->chunks);
	}
	free(p.objs);
	out->complete = all && !out->bad_lines && !out->object_errors;
	out->problem = p.problem.len ? buf_steal(&p.problem) : NULL;
	buf_free(&p.problem);
}

void coverage_free(struct coverage *c)
{
	edge_set_free(&c->edges);
	free(c->problem);
	memset(c, 0, sizeof *c);
}

char *coverage_summary(const struct coverage *c)
{
	if (!c->present)
		return xstrdup("no coverage");
	return xasprintf("%zu edges (%d objects)%s%s", c->edges.n, c->objects,
			 c->complete ? "" : ", incomplete: ", c->complete ? "" : c->problem ? c->problem : "?");
}
