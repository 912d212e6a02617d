/* topologies/topo_edit.c: in-place edits of a struct topology that keep the
 * parser's invariants (see topo_edit.h). */
#include "topologies/topo_edit.h"
#include "topologies/topo_cmdline.h"
#include "common/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROW(arr, n) (arr = xrealloc(arr, sizeof *(arr) * (size_t)((n) + 1)), &(arr)[(n)++])

void topo_init_empty(struct topology *t, const char *name)
{
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->cpus = 1;
	for (int i = 0; i < TABLE__COUNT; i++) {
		t->tables[i].revision = -1;
		t->tables[i].oem_revision = -1;
	}
}

int topo_copy(const struct topology *src, struct topology *dst)
{
	char *text = topo_print(src);
	struct topo_error err;
	int rc = topo_parse(text, strlen(text), "<copy>", dst, &err);
	free(text);
	return rc;
}

void topo_set_string(char **field, const char *s)
{
	free(*field);
	*field = s ? xstrdup(s) : NULL;
}

void topo_add_tag(struct topology *t, const char *tag)
{
	for (int i = 0; i < t->n_tags; i++)
		if (!strcmp(t->tags[i], tag))
			return;
	*GROW(t->tags, t->n_tags) = xstrdup(tag);
}

struct topo_node *topo_add_node(struct topology *t, uint64_t mem)
{
	struct topo_node *n = GROW(t->nodes, t->n_nodes);
	memset(n, 0, sizeof *n);
	n->id = t->n_nodes - 1;
	n->mem = mem;
	n->initiator = -1;
	topo_sync_memory(t);
	return n;
}

void topo_sync_memory(struct topology *t)
{
	if (!t->n_nodes)
		return;
	uint64_t sum = 0;
	for (int i = 0; i < t->n_nodes; i++)
		sum += t->nodes[i].mem;
	t->memory = sum;
	t->memory_given = true;
}

struct topo_node *topo_largest_node(struct topology *t)
{
	struct topo_node *best = NULL;
	for (int i = 0; i < t->n_nodes; i++)
		if (!best || t->nodes[i].mem > best->mem)
			best = &t->nodes[i];
	return best;
}

void topo_move_cpu(struct topology *t, int cpu, int node)
{
	for (int i = 0; i < t->n_nodes; i++)
		t->nodes[i].cpus.bits[cpu / 64] &= ~(1ULL << (cpu % 64));
	if (node >= 0 && node < t->n_nodes)
		cpuset_add(&t->nodes[node].cpus, cpu);
}

int topo_add_cmdline(struct topology *t, const char *param)
{
	struct topo_cmdline c;
	struct topo_error err;
	if (cmdline_parse_text(param, &c, &err))
		return -1;
	*GROW(t->cmdline, t->n_cmdline) = c;
	return 0;
}

void topo_remove_cmdline(struct topology *t, int index)
{
	if (index < 0 || index >= t->n_cmdline)
		return;
	free(t->cmdline[index].text);
	free(t->cmdline[index].memmap);
	memmove(&t->cmdline[index], &t->cmdline[index + 1], sizeof *t->cmdline * (size_t)(t->n_cmdline - index - 1));
	t->n_cmdline--;
}

int topo_find_cmdline(const struct topology *t, enum cmdline_kind kind)
{
	for (int i = 0; i < t->n_cmdline; i++)
		if (t->cmdline[i].kind == kind)
			return i;
	return -1;
}

void topo_set_distance(struct topology *t, int from, int to, int value, bool oneway)
{
	if (!t->distance)
		t->distance = xcalloc(TOPO_MAX_NODES, sizeof *t->distance);
	t->distance[from][to] = (uint8_t)value;
	if (!oneway)
		t->distance[to][from] = (uint8_t)value;
	t->any_distance = true;
	*GROW(t->distance_lines, t->n_distance_lines) = (struct topo_distance_line){ from, to, oneway, { 0, 0 } };
}

struct srat_entry *topo_add_srat(struct topology *t, enum srat_kind kind, uint32_t pxm)
{
	struct srat_entry *e = GROW(t->srat, t->n_srat);
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->pxm = pxm;
	e->flags = SRAT_ENABLED;
	e->count = 1;
	return e;
}

void topo_remove_srat(struct topology *t, int index)
{
	if (index < 0 || index >= t->n_srat)
		return;
	memmove(&t->srat[index], &t->srat[index + 1], sizeof *t->srat * (size_t)(t->n_srat - index - 1));
	t->n_srat--;
}

struct topo_step *topo_add_step(struct topology *t, enum step_kind kind, const char *arg)
{
	struct topo_step *s = GROW(t->steps, t->n_steps);
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->node = -1;
	s->cpu = -1;
	if (kind == STEP_HOT_ADD || kind == STEP_HOT_REMOVE) {
		s->arg = xcalloc(1, TOPO_NAME_MAX);
		snprintf(s->arg, TOPO_NAME_MAX, "%s", arg ? arg : "");
	} else if (arg) {
		s->arg = xstrdup(arg);
	}
	return s;
}

struct topo_dimm *topo_add_dimm(struct topology *t, const char *id, int node, uint64_t size)
{
	struct topo_dimm *d = GROW(t->dimms, t->n_dimms);
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", id);
	d->node = node;
	d->size = size;
	return d;
}

struct topo_hmat_lb *topo_add_hmat_lb(struct topology *t)
{
	struct topo_hmat_lb *l = GROW(t->hmat_lb, t->n_hmat_lb);
	memset(l, 0, sizeof *l);
	t->hmat = true;
	return l;
}

struct topo_hmat_cache *topo_add_hmat_cache(struct topology *t)
{
	struct topo_hmat_cache *c = GROW(t->hmat_cache, t->n_hmat_cache);
	memset(c, 0, sizeof *c);
	c->level = 1;
	t->hmat = true;
	return c;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void *dup_array(const void *v, size_t n, size_t size)
{
	if (!v || !n)
		return NULL;
	void *p = xmalloc(n * size);
	memcpy(p, v, n * size);
	return p;
}

void topo_clone(const struct topology *src, struct topology *dst)
{
	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->description = dup_or_null(src->description);
	dst->source = dup_or_null(src->source);
	dst->tags = dup_array(src->tags, (size_t)src->n_tags, sizeof *src->tags);
	for (int i = 0; i < src->n_tags; i++)
		dst->tags[i] = xstrdup(src->tags[i]);
	dst->nodes = dup_array(src->nodes, (size_t)src->n_nodes, sizeof *src->nodes);
	dst->distance = dup_array(src->distance, src->distance ? TOPO_MAX_NODES : 0, sizeof *src->distance);
	dst->distance_lines = dup_array(src->distance_lines, (size_t)src->n_distance_lines, sizeof *src->distance_lines);
	dst->hmat_lb = dup_array(src->hmat_lb, (size_t)src->n_hmat_lb, sizeof *src->hmat_lb);
	dst->hmat_cache = dup_array(src->hmat_cache, (size_t)src->n_hmat_cache, sizeof *src->hmat_cache);
	dst->dimms = dup_array(src->dimms, (size_t)src->n_dimms, sizeof *src->dimms);
	dst->cmdline = dup_array(src->cmdline, (size_t)src->n_cmdline, sizeof *src->cmdline);
	for (int i = 0; i < src->n_cmdline; i++) {
		dst->cmdline[i].text = xstrdup(src->cmdline[i].text);
		dst->cmdline[i].memmap = dup_array(src->cmdline[i].memmap, (size_t)src->cmdline[i].n_memmap, sizeof *src->cmdline[i].memmap);
	}
	dst->srat = dup_array(src->srat, (size_t)src->n_srat, sizeof *src->srat);
	dst->steps = dup_array(src->steps, (size_t)src->n_steps, sizeof *src->steps);
	for (int i = 0; i < src->n_steps; i++)
		if (src->steps[i].arg) {
			bool fixed = src->steps[i].kind == STEP_HOT_ADD || src->steps[i].kind == STEP_HOT_REMOVE;
			dst->steps[i].arg = fixed ? xcalloc(1, TOPO_NAME_MAX) : xstrdup(src->steps[i].arg);
			if (fixed)
				snprintf(dst->steps[i].arg, TOPO_NAME_MAX, "%s", src->steps[i].arg);
		}
	dst->expects = dup_array(src->expects, (size_t)src->n_expects, sizeof *src->expects);
	for (int i = 0; i < src->n_expects; i++) {
		dst->expects[i].kernel = dup_or_null(src->expects[i].kernel);
		dst->expects[i].title = dup_or_null(src->expects[i].title);
	}
	dst->text = dup_or_null(src->text);
}
