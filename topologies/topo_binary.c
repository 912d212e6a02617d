/* topologies/topo_binary.c: struct topology <-> its compact binary form
 * (see topo_binary.h). Hand-written: the form is ours, fixed records and
 * counted strings, and a serialization library would add allocation and a
 * schema where the harness needs a plain copy. The reader checks every
 * length, count, enum and id before it is used. */
#include "topologies/topo_binary.h"
#include "topologies/topo_cmdline.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

#define STR_NULL 0xffff         /* string length meaning "no string" */
#define STR_MAX 4096

/* ---- writing: every put is bounds-checked, the length always counts ---- */

struct writer {
	uint8_t *p;
	size_t max, at;
};

static void put(struct writer *w, const void *v, size_t n)
{
	if (w->at < w->max)
		memcpy(w->p + w->at, v, n <= w->max - w->at ? n : w->max - w->at);
	w->at += n;
}

static void put_le(struct writer *w, uint64_t v, int bytes)
{
	uint8_t b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, (size_t)bytes);
}

#define put8(w, v) put_le(w, (uint64_t)(v), 1)
#define put16(w, v) put_le(w, (uint64_t)(v), 2)
#define put32(w, v) put_le(w, (uint64_t)(uint32_t)(v), 4)
#define put64(w, v) put_le(w, (uint64_t)(v), 8)

static void put_str(struct writer *w, const char *s)
{
	if (!s) {
		put16(w, STR_NULL);
		return;
	}
	size_t n = strlen(s);
	put16(w, n);
	put(w, s, n);
}

static void put_cpuset(struct writer *w, const struct cpuset *s)
{
	for (int i = 0; i < TOPO_MAX_CPUS / 64; i++)
		put64(w, s->bits[i]);
}

size_t topo_encode(const struct topology *t, uint8_t *out, size_t max)
{
	struct writer w = { out, max, 0 };
	put(&w, TOPO_BINARY_MAGIC, TOPO_BINARY_MAGIC_LEN);
	int bound = t->distance ? topo_distance_bound(t) : 0;
	put8(&w, t->machine);
	put8(&w, t->firmware);
	put8(&w, t->memory_given | t->hmat << 1 | t->any_distance << 2 | (t->distance != NULL) << 3);
	put8(&w, bound);
	put32(&w, t->cpus);
	put32(&w, t->sockets);
	put32(&w, t->slots);
	put32(&w, t->timeout);
	put64(&w, t->memory);
	put64(&w, t->maxmem);
	put_cpuset(&w, &t->unplugged);
	for (int i = 0; i < TABLE__COUNT; i++) {
		const struct table_spec *s = &t->tables[i];
		put8(&w, s->present | s->omit << 1 | s->faults.bad_checksum << 2 | s->faults.has_checksum << 3);
		put8(&w, s->mode);
		put8(&w, s->faults.checksum);
		put32(&w, s->revision);
		put32(&w, s->oem_revision);
		put64(&w, s->faults.length_delta);
		put32(&w, s->faults.truncate);
	}
	const int counts[] = { t->n_tags, t->n_nodes, t->n_distance_lines, t->n_hmat_lb, t->n_hmat_cache,
			       t->n_dimms, t->n_cmdline, t->n_srat, t->n_steps, t->n_expects };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		put16(&w, counts[i]);
	put_str(&w, t->name);
	put_str(&w, t->description);
	put_str(&w, t->source);
	for (int i = 0; i < t->n_tags; i++)
		put_str(&w, t->tags[i]);
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		put8(&w, n->id);
		put32(&w, n->initiator);
		put64(&w, n->mem);
		put_cpuset(&w, &n->cpus);
	}
	for (int i = 0; i < bound; i++)
		put(&w, t->distance[i], (size_t)bound);
	for (int i = 0; i < t->n_distance_lines; i++) {
		const struct topo_distance_line *d = &t->distance_lines[i];
		put8(&w, d->from);
		put8(&w, d->to);
		put8(&w, d->oneway);
	}
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *l = &t->hmat_lb[i];
		put32(&w, l->initiator);
		put32(&w, l->target);
		put8(&w, l->hierarchy);
		put8(&w, l->type);
		put64(&w, l->value);
	}
	for (int i = 0; i < t->n_hmat_cache; i++) {
		const struct topo_hmat_cache *c = &t->hmat_cache[i];
		put32(&w, c->node);
		put32(&w, c->level);
		put64(&w, c->size);
		put8(&w, c->assoc);
		put8(&w, c->policy);
		put32(&w, c->line);
	}
	for (int i = 0; i < t->n_dimms; i++) {
		const struct topo_dimm *d = &t->dimms[i];
		put_str(&w, d->id);
		put32(&w, d->node);
		put64(&w, d->size);
		put8(&w, d->nvdimm);
	}
	for (int i = 0; i < t->n_cmdline; i++)   /* the parameter as written: decoding parses it again */
		put_str(&w, t->cmdline[i].text);
	for (int i = 0; i < t->n_srat; i++) {
		const struct srat_entry *e = &t->srat[i];
		put8(&w, e->kind);
		put8(&w, e->raw_type);
		put8(&w, e->raw_length);
		put32(&w, e->pxm);
		put32(&w, e->apic_id);
		put32(&w, e->flags);
		put32(&w, e->count);
		put64(&w, e->base);
		put64(&w, e->length);
		put(&w, e->device_handle, sizeof e->device_handle);
	}
	for (int i = 0; i < t->n_steps; i++) {
		const struct topo_step *s = &t->steps[i];
		put8(&w, s->kind);
		put8(&w, s->nvdimm);
		put8(&w, s->zone);
		put32(&w, s->node);
		put32(&w, s->cpu);
		put64(&w, s->size);
		put64(&w, s->value);
		put_str(&w, s->arg);
	}
	for (int i = 0; i < t->n_expects; i++) {
		const struct topo_expect *e = &t->expects[i];
		put8(&w, e->outcome);
		put_str(&w, e->kernel);
		put_str(&w, e->title);
	}
	return w.at;
}

/* ---- reading: any bytes at all; the first problem makes it fail ---- */

struct reader {
	const uint8_t *p;
	size_t n, at;
	bool bad;
};

static uint64_t get_le(struct reader *r, int bytes)
{
	if (r->bad || r->n - r->at < (size_t)bytes) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
	r->at += (size_t)bytes;
	return v;
}

#define get8(r) ((uint8_t)get_le(r, 1))
#define get16(r) ((uint16_t)get_le(r, 2))
#define get32(r) ((uint32_t)get_le(r, 4))
#define get64(r) get_le(r, 8)

/* An unsigned value that must be below limit. */
static unsigned get_enum(struct reader *r, int bytes, unsigned limit)
{
	uint64_t v = get_le(r, bytes);
	if (v >= limit)
		r->bad = true;
	return r->bad ? 0 : (unsigned)v;
}

/* A signed 32-bit value in [lo, hi]. */
static int get_int(struct reader *r, int lo, int hi)
{
	int v = (int)get32(r);
	if (v < lo || v > hi)
		r->bad = true;
	return r->bad ? lo : v;
}

static bool get_bytes(struct reader *r, void *out, size_t n)
{
	if (r->bad || r->n - r->at < n) {
		r->bad = true;
		return false;
	}
	memcpy(out, r->p + r->at, n);
	r->at += n;
	return true;
}

/* A string of printable bytes (no control character: the text form puts
 * every string on one line), NULL for the null marker. */
static char *get_str(struct reader *r, bool may_be_null)
{
	uint16_t n = get16(r);
	if (r->bad)
		return NULL;
	if (n == STR_NULL) {
		if (!may_be_null)
			r->bad = true;
		return NULL;
	}
	if (n > STR_MAX || r->n - r->at < n) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *s = r->p + r->at;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f) {
			r->bad = true;
			return NULL;
		}
	r->at += n;
	return xstrndup((const char *)s, n);
}

static void get_cpuset(struct reader *r, struct cpuset *s)
{
	for (int i = 0; i < TOPO_MAX_CPUS / 64; i++)
		s->bits[i] = get64(r);
}

bool topo_is_binary(const uint8_t *data, size_t len)
{
	return len >= TOPO_BINARY_MAGIC_LEN && !memcmp(data, TOPO_BINARY_MAGIC, TOPO_BINARY_MAGIC_LEN);
}

/* Counts: tags, nodes, distance lines, hmat-lb, hmat-cache, dimms, cmdline,
 * srat, steps, expects; each with the most a parsed file could sensibly have. */
static const int count_limits[] = { 256, TOPO_MAX_NODES, TOPO_MAX_NODES * TOPO_MAX_NODES, 4096, 1024, 256, 256,
				    4096, 1024, 256 };
#define N_COUNTS ((int)(sizeof count_limits / sizeof count_limits[0]))

static int decode(struct reader *r, struct topology *t)
{
	uint8_t magic[TOPO_BINARY_MAGIC_LEN];
	if (!get_bytes(r, magic, sizeof magic) || memcmp(magic, TOPO_BINARY_MAGIC, sizeof magic))
		return -1;
	t->machine = (enum topo_machine)get_enum(r, 1, 2);
	t->firmware = (enum firmware_source)get_enum(r, 1, 2);
	unsigned flags = get_enum(r, 1, 16);
	int bound = (int)get_enum(r, 1, TOPO_MAX_NODES + 1);
	t->memory_given = flags & 1;
	t->hmat = flags & 2;
	t->any_distance = flags & 4;
	if (flags & 8)
		t->distance = xcalloc(TOPO_MAX_NODES, sizeof *t->distance);
	else if (bound)
		return -1;
	t->cpus = get_int(r, 1, TOPO_MAX_CPUS);
	t->sockets = get_int(r, 0, TOPO_MAX_CPUS);
	t->slots = get_int(r, 0, 1 << 16);
	t->timeout = get_int(r, 0, 1 << 30);
	t->memory = get64(r);
	t->maxmem = get64(r);
	get_cpuset(r, &t->unplugged);
	for (int i = 0; i < TABLE__COUNT; i++) {
		struct table_spec *s = &t->tables[i];
		unsigned f = get_enum(r, 1, 16);
		s->present = f & 1;
		s->omit = f & 2;
		s->faults.bad_checksum = f & 4;
		s->faults.has_checksum = f & 8;
		s->mode = (enum table_mode)get_enum(r, 1, 3);
		s->faults.checksum = get8(r);
		s->revision = get_int(r, -1, 255);
		s->oem_revision = (int)get32(r);
		s->faults.length_delta = (int64_t)get64(r);
		s->faults.truncate = get32(r);
	}
	int n[N_COUNTS];
	for (int i = 0; i < N_COUNTS; i++)
		n[i] = (int)get_enum(r, 2, (unsigned)count_limits[i] + 1);
	if (r->bad)
		return -1;
	t->name = get_str(r, false);
	t->description = get_str(r, true);
	t->source = get_str(r, true);
	if (r->bad || !topo_name_valid(t->name))
		return -1;
	t->tags = xcalloc((size_t)n[0] + 1, sizeof *t->tags);
	for (; t->n_tags < n[0] && !r->bad; t->n_tags++) {
		t->tags[t->n_tags] = get_str(r, false);
		if (t->tags[t->n_tags] && (!t->tags[t->n_tags][0] || strchr(t->tags[t->n_tags], ' ')))
			r->bad = true;   /* one word each, as on a tags line */
	}
	t->nodes = xcalloc((size_t)n[1] + 1, sizeof *t->nodes);
	for (; t->n_nodes < n[1] && !r->bad; t->n_nodes++) {
		struct topo_node *nd = &t->nodes[t->n_nodes];
		nd->id = (int)get_enum(r, 1, TOPO_MAX_NODES);
		nd->initiator = get_int(r, -1, TOPO_MAX_NODES - 1);
		nd->mem = get64(r);
		get_cpuset(r, &nd->cpus);
		if (t->n_nodes && nd->id <= t->nodes[t->n_nodes - 1].id)
			r->bad = true;   /* the parser's order: ascending, no repeats */
	}
	for (int i = 0; i < bound && !r->bad; i++)
		get_bytes(r, t->distance[i], (size_t)bound);
	t->distance_lines = xcalloc((size_t)n[2] + 1, sizeof *t->distance_lines);
	for (; t->n_distance_lines < n[2] && !r->bad; t->n_distance_lines++) {
		struct topo_distance_line *d = &t->distance_lines[t->n_distance_lines];
		d->from = (int)get_enum(r, 1, TOPO_MAX_NODES);
		d->to = (int)get_enum(r, 1, TOPO_MAX_NODES);
		d->oneway = get_enum(r, 1, 2);
		if (d->from >= bound || d->to >= bound)
			r->bad = true;
	}
	t->hmat_lb = xcalloc((size_t)n[3] + 1, sizeof *t->hmat_lb);
	for (; t->n_hmat_lb < n[3] && !r->bad; t->n_hmat_lb++) {
		struct topo_hmat_lb *l = &t->hmat_lb[t->n_hmat_lb];
		l->initiator = get_int(r, 0, TOPO_MAX_NODES - 1);
		l->target = get_int(r, 0, TOPO_MAX_NODES - 1);
		l->hierarchy = (enum hmat_hierarchy)get_enum(r, 1, 4);
		l->type = (enum hmat_data_type)get_enum(r, 1, 6);
		l->value = get64(r);
	}
	t->hmat_cache = xcalloc((size_t)n[4] + 1, sizeof *t->hmat_cache);
	for (; t->n_hmat_cache < n[4] && !r->bad; t->n_hmat_cache++) {
		struct topo_hmat_cache *c = &t->hmat_cache[t->n_hmat_cache];
		c->node = get_int(r, 0, TOPO_MAX_NODES - 1);
		c->level = get_int(r, 1, 3);
		c->size = get64(r);
		c->assoc = (enum hmat_assoc)get_enum(r, 1, 3);
		c->policy = (enum hmat_policy)get_enum(r, 1, 3);
		c->line = get32(r);
	}
	t->dimms = xcalloc((size_t)n[5] + 1, sizeof *t->dimms);
	for (; t->n_dimms < n[5] && !r->bad; t->n_dimms++) {
		struct topo_dimm *d = &t->dimms[t->n_dimms];
		char *id = get_str(r, false);
		if (id && strlen(id) < sizeof d->id)
			memcpy(d->id, id, strlen(id) + 1);
		else
			r->bad = true;
		free(id);
		d->node = get_int(r, 0, TOPO_MAX_NODES - 1);
		d->size = get64(r);
		d->nvdimm = get_enum(r, 1, 2);
	}
	t->cmdline = xcalloc((size_t)n[6] + 1, sizeof *t->cmdline);
	for (int i = 0; i < n[6] && !r->bad; i++) {
		char *text = get_str(r, false);
		struct topo_error err;
		if (!text || cmdline_parse_text(text, &t->cmdline[t->n_cmdline], &err))
			r->bad = true;
		else
			t->n_cmdline++;
		free(text);
	}
	t->srat = xcalloc((size_t)n[7] + 1, sizeof *t->srat);
	for (; t->n_srat < n[7] && !r->bad; t->n_srat++) {
		struct srat_entry *e = &t->srat[t->n_srat];
		e->kind = (enum srat_kind)get_enum(r, 1, 5);
		e->raw_type = get8(r);
		e->raw_length = get8(r);
		e->pxm = get32(r);
		e->apic_id = get32(r);
		e->flags = get32(r);
		e->count = get32(r);
		e->base = get64(r);
		e->length = get64(r);
		get_bytes(r, e->device_handle, sizeof e->device_handle);
		if (!e->count)
			r->bad = true;
	}
	t->steps = xcalloc((size_t)n[8] + 1, sizeof *t->steps);
	for (; t->n_steps < n[8] && !r->bad; t->n_steps++) {
		struct topo_step *s = &t->steps[t->n_steps];
		s->kind = (enum step_kind)get_enum(r, 1, STEP_CPU_PLUG + 1);
		s->nvdimm = get_enum(r, 1, 2);
		s->zone = (enum online_zone)get_enum(r, 1, 3);
		s->node = get_int(r, -1, TOPO_MAX_NODES - 1);
		s->cpu = get_int(r, -1, TOPO_MAX_CPUS - 1);
		s->size = get64(r);
		s->value = get64(r);
		char *arg = get_str(r, true);
		if (arg && (s->kind == STEP_HOT_ADD || s->kind == STEP_HOT_REMOVE)) {
			/* The parser's fixed-size dimm id buffer. */
			if (strlen(arg) >= TOPO_NAME_MAX)
				r->bad = true;
			s->arg = xcalloc(1, TOPO_NAME_MAX);
			memcpy(s->arg, arg, r->bad ? 0 : strlen(arg));
			free(arg);
		} else {
			s->arg = arg;
		}
	}
	t->expects = xcalloc((size_t)n[9] + 1, sizeof *t->expects);
	for (; t->n_expects < n[9] && !r->bad; t->n_expects++) {
		struct topo_expect *e = &t->expects[t->n_expects];
		e->outcome = (enum outcome)get_enum(r, 1, OUTCOME__COUNT);
		e->kernel = get_str(r, false);
		e->title = get_str(r, true);
	}
	return r->bad || r->at != r->n ? -1 : 0;
}

int topo_decode(const uint8_t *data, size_t len, struct topology *t)
{
	memset(t, 0, sizeof *t);
	struct reader r = { data, len, 0, false };
	if (decode(&r, t) == 0)
		return 0;
	topo_free(t);
	return -1;
}
