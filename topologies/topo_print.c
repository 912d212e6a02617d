/* topologies/topo_print.c: struct topology -> canonical .topo text, in the
 * order docs/topology.md documents. Parsing the output gives back the same
 * topology, and printing that again gives the same bytes. */
#include "topologies/topo.h"
#include "topologies/topo_words.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdlib.h>
#include <string.h>

static void put_size(struct buf *b, const char *key, uint64_t v)
{
	char s[40];
	size_format(v, s, sizeof s);
	buf_printf(b, " %s=%s", key, s);
}

static void put_addr(struct buf *b, const char *key, uint64_t v)
{
	if (v == 0)
		buf_printf(b, " %s=0", key);
	else
		buf_printf(b, " %s=0x%llx", key, (unsigned long long)v);
}

/* A CPU (or block) set as ranges: 0-3,5. Walks set bits only. */
static int next_cpu(const struct cpuset *s, int from)
{
	for (int w = from / 64; w < TOPO_MAX_CPUS / 64; w++) {
		uint64_t bits = s->bits[w] & (from > w * 64 ? ~0ULL << (from - w * 64) : ~0ULL);
		if (bits)
			return w * 64 + __builtin_ctzll(bits);
	}
	return -1;
}

static void put_cpus(struct buf *b, const struct cpuset *s)
{
	if (cpuset_empty(s)) {
		buf_puts(b, "none");
		return;
	}
	bool first = true;
	for (int c = next_cpu(s, 0); c >= 0; c = next_cpu(s, c + 1)) {
		int e = c;
		while (e + 1 < TOPO_MAX_CPUS && cpuset_has(s, e + 1))
			e++;
		buf_printf(b, "%s%d", first ? "" : ",", c);
		if (e > c)
			buf_printf(b, "-%d", e);
		first = false;
		c = e;
	}
}

/* Words after a keyword, wrapped onto more lines of the same keyword so no
 * printed line outgrows the parser's line and word limits. */
static void put_wrapped(struct buf *b, const char *keyword, char *const *words, int n, size_t (*len_of)(char *const *, int))
{
	size_t width = 0;
	int on_line = 0;
	for (int i = 0; i < n; i++) {
		size_t w = len_of(words, i);
		if (on_line && (width + 1 + w > 100 || on_line >= 32)) {
			buf_putc(b, '\n');
			on_line = 0;
		}
		if (!on_line) {
			buf_puts(b, keyword);
			width = strlen(keyword);
		}
		buf_printf(b, " %s", words[i]);
		width += 1 + w;
		on_line++;
	}
	if (on_line)
		buf_putc(b, '\n');
}

static size_t plain_len(char *const *words, int i)
{
	return strlen(words[i]);
}

static void print_meta(struct buf *b, const struct topology *t)
{
	buf_printf(b, "name %s\n", t->name);
	if (t->description)
		buf_printf(b, "description %s\n", t->description);
	if (t->source)
		buf_printf(b, "source %s\n", t->source);
	put_wrapped(b, "tags", t->tags, t->n_tags, plain_len);
}

static void print_machine(struct buf *b, const struct topology *t)
{
	char s[40];
	buf_printf(b, "\nmachine %s\n", machine_words[t->machine]);
	buf_printf(b, "cpus %d", t->cpus);
	if (t->sockets)
		buf_printf(b, " sockets=%d", t->sockets);
	if (!cpuset_empty(&t->unplugged)) {
		buf_puts(b, " unplugged=");
		put_cpus(b, &t->unplugged);
	}
	buf_putc(b, '\n');
	size_format(t->memory, s, sizeof s);
	buf_printf(b, "memory %s\n", s);
	if (t->timeout)
		buf_printf(b, "timeout %d\n", t->timeout);
}

static void print_nodes(struct buf *b, const struct topology *t)
{
	if (t->n_nodes)
		buf_putc(b, '\n');
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		buf_printf(b, "node %d", n->id);
		if (n->mem)
			put_size(b, "mem", n->mem);
		if (!cpuset_empty(&n->cpus)) {
			buf_puts(b, " cpus=");
			put_cpus(b, &n->cpus);
		}
		if (n->initiator >= 0)
			buf_printf(b, " initiator=%d", n->initiator);
		buf_putc(b, '\n');
	}
	if (!t->distance)
		return;
	/* Only ids some distance line names can have an entry. */
	int bound = topo_distance_bound(t);
	/* Symmetric pairs once (from < to), then every one-way entry. */
	for (int i = 0; i < bound; i++)
		for (int j = i; j < bound; j++) {
			uint8_t a = t->distance[i][j], r = t->distance[j][i];
			if (!a && !r)
				continue;
			if (a == r)
				buf_printf(b, "distance %d %d %d\n", i, j, a);
		}
	for (int i = 0; i < bound; i++)
		for (int j = 0; j < bound; j++) {
			uint8_t a = t->distance[i][j], r = t->distance[j][i];
			if (a && a != r)
				buf_printf(b, "distance %d %d %d oneway\n", i, j, a);
		}
}

static void print_hmat(struct buf *b, const struct topology *t)
{
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *l = &t->hmat_lb[i];
		buf_printf(b, "hmat-lb initiator=%d target=%d hierarchy=%s type=%s", l->initiator, l->target,
			   hierarchy_words[l->hierarchy], hmat_type_words[l->type]);
		if (l->type >= HMAT_ACCESS_BANDWIDTH)
			put_size(b, "value", l->value);
		else
			buf_printf(b, " value=%llu", (unsigned long long)l->value);
		buf_putc(b, '\n');
	}
	for (int i = 0; i < t->n_hmat_cache; i++) {
		const struct topo_hmat_cache *c = &t->hmat_cache[i];
		buf_printf(b, "hmat-cache node=%d", c->node);
		put_size(b, "size", c->size);
		buf_printf(b, " level=%d assoc=%s policy=%s line=%u\n", c->level, assoc_words[c->assoc],
			   policy_words[c->policy], c->line);
	}
}

static void print_hotplug(struct buf *b, const struct topology *t)
{
	if (t->slots || t->n_dimms)
		buf_putc(b, '\n');
	if (t->slots) {
		buf_printf(b, "hotplug slots=%d", t->slots);
		put_size(b, "maxmem", t->maxmem);
		buf_putc(b, '\n');
	}
	for (int i = 0; i < t->n_dimms; i++) {
		const struct topo_dimm *d = &t->dimms[i];
		buf_printf(b, "%s %s node=%d", d->nvdimm ? "nvdimm" : "dimm", d->id, d->node);
		put_size(b, "size", d->size);
		buf_putc(b, '\n');
	}
}

static void print_cmdline(struct buf *b, const struct topology *t)
{
	if (!t->n_cmdline)
		return;
	char **words = xmalloc(sizeof *words * (size_t)t->n_cmdline);
	for (int i = 0; i < t->n_cmdline; i++)
		words[i] = t->cmdline[i].text;
	buf_putc(b, '\n');
	put_wrapped(b, "cmdline", words, t->n_cmdline, plain_len);
	free(words);
}

static void print_firmware(struct buf *b, const struct topology *t)
{
	bool any_table = false;
	for (int i = 0; i < TABLE__COUNT; i++)
		any_table |= t->tables[i].present;
	if (t->firmware == FIRMWARE_QEMU && !any_table && !t->n_srat)
		return;
	buf_printf(b, "\nfirmware %s\n", firmware_words[t->firmware]);
	for (int i = 0; i < TABLE__COUNT; i++) {
		const struct table_spec *ts = &t->tables[i];
		if (!ts->present)
			continue;
		buf_printf(b, "table %s", table_words[i]);
		if (ts->omit)
			buf_puts(b, " omit");
		if (ts->mode != TABLE_AUTO)
			buf_printf(b, " mode=%s", table_mode_words[ts->mode]);
		if (ts->revision >= 0)
			buf_printf(b, " revision=%d", ts->revision);
		if (ts->oem_revision >= 0)
			buf_printf(b, " oem-revision=%d", ts->oem_revision);
		if (ts->faults.bad_checksum)
			buf_puts(b, " checksum=bad");
		else if (ts->faults.has_checksum)
			buf_printf(b, " checksum=0x%02x", ts->faults.checksum);
		if (ts->faults.length_delta)
			buf_printf(b, " length=%c%lld", ts->faults.length_delta < 0 ? '-' : '+',
				   (long long)(ts->faults.length_delta < 0 ? -ts->faults.length_delta : ts->faults.length_delta));
		if (ts->faults.truncate)
			buf_printf(b, " truncate=%u", ts->faults.truncate);
		buf_putc(b, '\n');
	}
	for (int i = 0; i < t->n_srat; i++) {
		const struct srat_entry *e = &t->srat[i];
		buf_printf(b, "srat %s", srat_kind_words[e->kind]);
		if (e->kind == SRAT_RAW) {
			buf_printf(b, " type=0x%02x length=%u\n", e->raw_type, e->raw_length);
			continue;
		}
		buf_printf(b, " pxm=%u", e->pxm);
		if (e->kind == SRAT_CPU || e->kind == SRAT_X2APIC)
			buf_printf(b, " apic=%u", e->apic_id);
		if (e->kind == SRAT_MEMORY) {
			put_addr(b, "base", e->base);
			put_size(b, "length", e->length);
			if (e->count > 1)
				buf_printf(b, " count=%u", e->count);
			if (e->flags & SRAT_HOTPLUG)
				buf_puts(b, " hotplug");
			if (e->flags & SRAT_NONVOLATILE)
				buf_puts(b, " nonvolatile");
		}
		if (!(e->flags & SRAT_ENABLED))
			buf_puts(b, " disabled");
		buf_putc(b, '\n');
	}
}

static void print_steps(struct buf *b, const struct topology *t)
{
	if (t->n_steps)
		buf_putc(b, '\n');
	for (int i = 0; i < t->n_steps; i++) {
		const struct topo_step *s = &t->steps[i];
		buf_printf(b, "step %s", step_words[s->kind]);
		switch (s->kind) {
		case STEP_PROBE:
		case STEP_HOT_REMOVE:
			buf_printf(b, " %s", s->arg);
			break;
		case STEP_HOT_ADD:
			buf_printf(b, " %s node=%d", s->arg, s->node);
			put_size(b, "size", s->size);
			if (s->nvdimm)
				buf_puts(b, " nvdimm");
			break;
		case STEP_ONLINE:
			buf_printf(b, " %s", s->arg);
			if (s->zone != ZONE_DEFAULT)
				buf_printf(b, " zone=%s", zone_words[s->zone]);
			break;
		case STEP_OFFLINE:
			if (s->node >= 0)
				buf_printf(b, " node=%d", s->node);
			else
				buf_printf(b, " %s", s->arg);
			break;
		case STEP_OFFLINE_NODE:
			buf_printf(b, " %d", s->node);
			break;
		case STEP_CPU_DOWN:
		case STEP_CPU_UP:
			buf_printf(b, " %d", s->cpu);
			break;
		case STEP_SLEEP:
			buf_printf(b, " %llu", (unsigned long long)s->value);
			break;
		case STEP_CPU_UNPLUG:
		case STEP_CPU_PLUG:
			buf_printf(b, " %d", s->cpu);
			if (s->node >= 0)
				buf_printf(b, " node=%d", s->node);
			break;
		}
		buf_putc(b, '\n');
	}
}

static void print_expects(struct buf *b, const struct topology *t)
{
	if (t->n_expects)
		buf_putc(b, '\n');
	for (int i = 0; i < t->n_expects; i++) {
		const struct topo_expect *e = &t->expects[i];
		buf_printf(b, "expect %s %s", e->kernel, outcome_name(e->outcome));
		if (e->title && *e->title)
			buf_printf(b, " %s", e->title);
		buf_putc(b, '\n');
	}
}

char *topo_print(const struct topology *t)
{
	struct buf b = BUF_INIT;
	print_meta(&b, t);
	print_machine(&b, t);
	print_nodes(&b, t);
	print_hmat(&b, t);
	print_hotplug(&b, t);
	print_cmdline(&b, t);
	print_firmware(&b, t);
	print_steps(&b, t);
	print_expects(&b, t);
	return buf_steal(&b);
}
