/* topologies/topo_parse.c: .topo text -> struct topology. One handler per
 * directive; the first error stops the parse with FILE:LINE:COL: expected...
 * Any bytes are accepted as input: the parser never crashes or reads past
 * the buffer, whatever it is given (fuzz/topo_fuzz.c checks that). */
#include "topologies/topo.h"
#include "topologies/topo_lex.h"
#include "topologies/topo_cmdline.h"
#include "topologies/topo_words.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/size.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUSH(arr, n) (arr = xrealloc(arr, sizeof *(arr) * (size_t)((n) + 1)), &(arr)[(n)++])

static struct topo_pos pos_of(struct parser *p)
{
	struct topo_pos pos = { p->ln->lineno, p->ln->n ? p->ln->tok[0].col : 1 };
	return pos;
}

/* Once-only directives remember where they were first given. */
static int once(struct parser *p, int *seen, const char *what)
{
	if (*seen)
		return fail_at(p, p->ln->tok[0].col, "expected one %s line (already given at line %d)", what, *seen);
	*seen = p->ln->lineno;
	return 0;
}

static int need_args(struct parser *p, int n, const char *usage)
{
	if (p->ln->n < n + 1) {
		int col = (int)p->ln->raw_len + 1;
		return fail_at(p, col, "expected %s", usage);
	}
	return 0;
}

static int read_node_id(struct parser *p, const struct token *tk, const char *value, int *out)
{
	uint64_t v;
	if (read_uint(p, tk, value, TOPO_MAX_NODES - 1, &v, "a node id") < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int do_name(struct parser *p)
{
	if (once(p, &p->seen_name, "name") || need_args(p, 1, "a name like seed-000-tiny-node"))
		return -1;
	const struct token *tk = &p->ln->tok[1];
	for (const char *c = tk->s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("._-", *c)))
			return fail_at(p, tk->col + (int)(c - tk->s), "expected a name of lower-case letters, digits, '.', '_' or '-'");
	if (strlen(tk->s) >= TOPO_NAME_MAX)
		return fail_tok(p, tk, "expected a name shorter than %d characters", TOPO_NAME_MAX);
	if (!topo_name_valid(tk->s))   /* "." and "..": the name becomes a directory */
		return fail_tok(p, tk, "expected a name other than \".\" or \"..\" (it names the run directory)");
	p->t->name = xstrdup(tk->s);
	return p->ln->n > 2 ? fail_tok(p, &p->ln->tok[2], "expected only a name after \"name\"") : 0;
}

static int do_text(struct parser *p, int *seen, char **field, const char *what)
{
	if (once(p, seen, what) || need_args(p, 1, "text after the keyword"))
		return -1;
	*field = rest_of_line(p->ln, 1);
	return 0;
}

static int do_tags(struct parser *p)
{
	if (need_args(p, 1, "one or more tags"))
		return -1;
	for (int i = 1; i < p->ln->n; i++)
		*PUSH(p->t->tags, p->t->n_tags) = xstrdup(p->ln->tok[i].s);
	return 0;
}

static int do_machine(struct parser *p)
{
	if (once(p, &p->seen_machine, "machine") || need_args(p, 1, "a machine type: pc or q35"))
		return -1;
	int m = read_choice(p, &p->ln->tok[1], p->ln->tok[1].s, machine_words, N_WORDS(machine_words), "a machine type");
	if (m < 0)
		return -1;
	p->t->machine = (enum topo_machine)m;
	p->t->machine_pos = pos_of(p);
	p->ln->tok[1].used = true;
	return reject_unused(p, 2, "machine", "nothing after the machine type");
}

static int do_cpus(struct parser *p)
{
	uint64_t v;
	if (once(p, &p->seen_cpus, "cpus") || need_args(p, 1, "a vCPU count"))
		return -1;
	if (read_uint(p, &p->ln->tok[1], p->ln->tok[1].s, TOPO_MAX_CPUS, &v, "a vCPU count") < 0)
		return -1;
	if (v == 0)
		return fail_tok(p, &p->ln->tok[1], "expected at least 1 vCPU");
	p->t->cpus = (int)v;
	p->t->cpus_pos = pos_of(p);
	p->ln->tok[1].used = true;
	const struct token *tk;
	const char *s = attr(p, 2, "sockets", &tk);
	if (s) {
		if (read_uint(p, tk, s, TOPO_MAX_CPUS, &v, "a socket count") < 0)
			return -1;
		if (v == 0)
			return fail_tok(p, tk, "expected at least 1 socket");
		p->t->sockets = (int)v;
	}
	if (!p->failed && (s = attr(p, 2, "unplugged", &tk)) && read_cpu_list(p, tk, s, &p->t->unplugged) < 0)
		return -1;
	return p->failed ? -1 : reject_unused(p, 2, "cpus", "sockets=N or unplugged=LIST");
}

static int do_memory(struct parser *p)
{
	if (once(p, &p->seen_memory, "memory") || need_args(p, 1, "a memory size like 2050M"))
		return -1;
	if (read_size(p, &p->ln->tok[1], p->ln->tok[1].s, &p->t->memory, "a memory size") < 0)
		return -1;
	p->t->memory_given = true;
	p->t->memory_pos = pos_of(p);
	p->ln->tok[1].used = true;
	return reject_unused(p, 2, "memory", "nothing after the size");
}

static int do_timeout(struct parser *p)
{
	uint64_t v;
	if (once(p, &p->seen_timeout, "timeout") || need_args(p, 1, "a timeout in seconds"))
		return -1;
	if (read_uint(p, &p->ln->tok[1], p->ln->tok[1].s, 86400, &v, "a timeout in seconds") < 0)
		return -1;
	if (v == 0)
		return fail_tok(p, &p->ln->tok[1], "expected a timeout of at least 1 second");
	p->t->timeout = (int)v;
	p->ln->tok[1].used = true;
	return reject_unused(p, 2, "timeout", "nothing after the seconds");
}

static int do_node(struct parser *p)
{
	int id;
	if (need_args(p, 1, "a node id: node ID [mem=SIZE] [cpus=LIST] [initiator=ID]"))
		return -1;
	if (read_node_id(p, &p->ln->tok[1], p->ln->tok[1].s, &id) < 0)
		return -1;
	p->ln->tok[1].used = true;
	for (int i = 0; i < p->t->n_nodes; i++)
		if (p->t->nodes[i].id == id)
			return fail_tok(p, &p->ln->tok[1], "expected each node once (node %d already given at line %d)",
					id, p->t->nodes[i].pos.line);
	struct topo_node n = { .id = id, .initiator = -1, .pos = pos_of(p) };
	const struct token *tk;
	const char *v;
	if ((v = attr(p, 2, "mem", &tk)) && read_size(p, tk, v, &n.mem, "a node memory size") < 0)
		return -1;
	if ((v = attr(p, 2, "cpus", &tk)) && read_cpu_list(p, tk, v, &n.cpus) < 0)
		return -1;
	if ((v = attr(p, 2, "initiator", &tk)) && read_node_id(p, tk, v, &n.initiator) < 0)
		return -1;
	if (p->failed || reject_unused(p, 2, "node", "mem=SIZE, cpus=LIST or initiator=ID"))
		return -1;
	*PUSH(p->t->nodes, p->t->n_nodes) = n;
	return 0;
}

static int do_distance(struct parser *p)
{
	int a, b;
	uint64_t v;
	if (need_args(p, 3, "distance FROM TO VALUE [oneway]"))
		return -1;
	struct token *tk = p->ln->tok;
	if (read_node_id(p, &tk[1], tk[1].s, &a) || read_node_id(p, &tk[2], tk[2].s, &b) ||
	    read_uint(p, &tk[3], tk[3].s, 255, &v, "a distance"))
		return -1;
	tk[1].used = tk[2].used = tk[3].used = true;
	bool oneway = flag(p, 4, "oneway");
	if (reject_unused(p, 4, "distance", "oneway"))
		return -1;
	if (!p->t->distance)
		p->t->distance = xcalloc(TOPO_MAX_NODES, sizeof *p->t->distance);
	p->t->distance[a][b] = (uint8_t)v;
	if (!oneway)
		p->t->distance[b][a] = (uint8_t)v;
	p->t->any_distance = true;
	*PUSH(p->t->distance_lines, p->t->n_distance_lines) =
		(struct topo_distance_line){ a, b, oneway, pos_of(p) };
	return 0;
}

static int do_hmat_lb(struct parser *p)
{
	struct topo_hmat_lb lb = { .pos = pos_of(p) };
	const struct token *tk;
	const char *v;
	int r;
	if (!(v = attr(p, 1, "initiator", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected initiator=ID in hmat-lb");
	if (read_node_id(p, tk, v, &lb.initiator))
		return -1;
	if (!(v = attr(p, 1, "target", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected target=ID in hmat-lb");
	if (read_node_id(p, tk, v, &lb.target))
		return -1;
	if ((v = attr(p, 1, "hierarchy", &tk))) {
		if ((r = read_choice(p, tk, v, hierarchy_words, N_WORDS(hierarchy_words), "a hierarchy")) < 0)
			return -1;
		lb.hierarchy = (enum hmat_hierarchy)r;
	}
	if (!(v = attr(p, 1, "type", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected type=access-latency|...|write-bandwidth in hmat-lb");
	if ((r = read_choice(p, tk, v, hmat_type_words, N_WORDS(hmat_type_words), "an HMAT data type")) < 0)
		return -1;
	lb.type = (enum hmat_data_type)r;
	if (!(v = attr(p, 1, "value", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected value=N in hmat-lb");
	if (lb.type >= HMAT_ACCESS_BANDWIDTH ? read_size(p, tk, v, &lb.value, "a bandwidth in bytes/s")
					     : read_uint(p, tk, v, UINT64_MAX, &lb.value, "a latency in ns"))
		return -1;
	if (p->failed || reject_unused(p, 1, "hmat-lb", "initiator=, target=, hierarchy=, type= or value="))
		return -1;
	*PUSH(p->t->hmat_lb, p->t->n_hmat_lb) = lb;
	p->t->hmat = true;
	return 0;
}

static int do_hmat_cache(struct parser *p)
{
	struct topo_hmat_cache c = { .pos = pos_of(p), .level = 1 };
	const struct token *tk;
	const char *v;
	uint64_t u;
	int r;
	if (!(v = attr(p, 1, "node", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected node=ID in hmat-cache");
	if (read_node_id(p, tk, v, &c.node))
		return -1;
	if (!(v = attr(p, 1, "size", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected size=SIZE in hmat-cache");
	if (read_size(p, tk, v, &c.size, "a cache size"))
		return -1;
	if ((v = attr(p, 1, "level", &tk))) {
		if (read_uint(p, tk, v, 3, &u, "a cache level"))
			return -1;
		if (u == 0)
			return fail_tok(p, tk, "expected a cache level of 1, 2 or 3");
		c.level = (int)u;
	}
	if ((v = attr(p, 1, "assoc", &tk))) {
		if ((r = read_choice(p, tk, v, assoc_words, N_WORDS(assoc_words), "an associativity")) < 0)
			return -1;
		c.assoc = (enum hmat_assoc)r;
	}
	if ((v = attr(p, 1, "policy", &tk))) {
		if ((r = read_choice(p, tk, v, policy_words, N_WORDS(policy_words), "a write policy")) < 0)
			return -1;
		c.policy = (enum hmat_policy)r;
	}
	if ((v = attr(p, 1, "line", &tk))) {
		if (read_uint(p, tk, v, 0xffff, &u, "a cache line size in bytes"))
			return -1;
		c.line = (uint32_t)u;
	}
	if (p->failed || reject_unused(p, 1, "hmat-cache", "node=, size=, level=, assoc=, policy= or line="))
		return -1;
	*PUSH(p->t->hmat_cache, p->t->n_hmat_cache) = c;
	p->t->hmat = true;
	return 0;
}

static int do_hotplug(struct parser *p)
{
	const struct token *tk;
	const char *v;
	uint64_t u;
	if (once(p, &p->seen_hotplug, "hotplug"))
		return -1;
	if (!(v = attr(p, 1, "slots", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected slots=N in hotplug");
	/* QEMU 7.2 pc_memory_init(): "unsupported amount of memory slots: N" above ACPI_MAX_RAM_SLOTS. */
	if (read_uint(p, tk, v, 256, &u, "a slot count (QEMU refuses more than ACPI_MAX_RAM_SLOTS)"))
		return -1;
	if (u == 0)
		return fail_tok(p, tk, "expected at least 1 slot");
	p->t->slots = (int)u;
	p->t->hotplug_pos = pos_of(p);
	if (!(v = attr(p, 1, "maxmem", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected maxmem=SIZE in hotplug");
	if (read_size(p, tk, v, &p->t->maxmem, "a maximum memory size"))
		return -1;
	return reject_unused(p, 1, "hotplug", "slots=N or maxmem=SIZE");
}

static bool dimm_id_taken(struct topology *t, const char *id)
{
	for (int i = 0; i < t->n_dimms; i++)
		if (!strcmp(t->dimms[i].id, id))
			return true;
	return false;
}

/* Ids of DIMMs become QEMU object ids: keep them to a safe alphabet. */
static int read_dimm_id(struct parser *p, const struct token *tk, char *out)
{
	const char *s = tk->s;
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return fail_tok(p, tk, "expected a DIMM id starting with a letter, found \"%s\"", s);
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			return fail_at(p, tk->col + (int)(c - s), "expected a DIMM id of letters, digits, '-' or '_'");
	if (strlen(s) >= 32)
		return fail_tok(p, tk, "expected a DIMM id shorter than 32 characters");
	snprintf(out, TOPO_NAME_MAX, "%s", s);
	return 0;
}

static int do_dimm(struct parser *p, bool nvdimm)
{
	const char *kw = nvdimm ? "nvdimm" : "dimm";
	struct topo_dimm d = { .nvdimm = nvdimm, .pos = pos_of(p) };
	const struct token *tk;
	const char *v;
	if (need_args(p, 1, nvdimm ? "nvdimm ID node=N size=SIZE" : "dimm ID node=N size=SIZE"))
		return -1;
	if (read_dimm_id(p, &p->ln->tok[1], d.id))
		return -1;
	p->ln->tok[1].used = true;
	if (dimm_id_taken(p->t, d.id))
		return fail_tok(p, &p->ln->tok[1], "expected a new DIMM id, \"%s\" is already used", d.id);
	if (!(v = attr(p, 2, "node", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected node=ID in %s", kw);
	if (read_node_id(p, tk, v, &d.node))
		return -1;
	if (!(v = attr(p, 2, "size", &tk)))
		return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected size=SIZE in %s", kw);
	if (read_size(p, tk, v, &d.size, "a DIMM size"))
		return -1;
	if (d.size == 0)
		return fail_tok(p, tk, "expected a DIMM size above 0 (QEMU refuses size 0)");
	if (reject_unused(p, 2, kw, "node= or size="))
		return -1;
	*PUSH(p->t->dimms, p->t->n_dimms) = d;
	return 0;
}

static int do_cmdline(struct parser *p)
{
	if (need_args(p, 1, "one or more kernel parameters"))
		return -1;
	for (int i = 1; i < p->ln->n; i++) {
		struct topo_cmdline c;
		int rc = cmdline_parse_token(p, &p->ln->tok[i], &c);
		*PUSH(p->t->cmdline, p->t->n_cmdline) = c;
		if (rc)
			return -1;
	}
	return 0;
}

static int do_firmware(struct parser *p)
{
	if (once(p, &p->seen_firmware, "firmware") || need_args(p, 1, "firmware qemu or firmware generated"))
		return -1;
	int f = read_choice(p, &p->ln->tok[1], p->ln->tok[1].s, firmware_words, N_WORDS(firmware_words), "a firmware source");
	if (f < 0)
		return -1;
	p->t->firmware = (enum firmware_source)f;
	p->ln->tok[1].used = true;
	return reject_unused(p, 2, "firmware", "nothing after the source");
}

static int do_table(struct parser *p)
{
	const struct token *tk;
	const char *v;
	uint64_t u;
	if (need_args(p, 1, "a table name: srat, slit or hmat"))
		return -1;
	int which = read_choice(p, &p->ln->tok[1], p->ln->tok[1].s, table_words, N_WORDS(table_words), "a table name");
	char what[32];
	snprintf(what, sizeof what, "\"table %s\"", which >= 0 ? table_words[which] : "");
	if (which < 0 || once(p, &p->seen_table[which], what))
		return -1;
	p->ln->tok[1].used = true;
	struct table_spec *ts = &p->t->tables[which];
	ts->present = true;
	ts->pos = pos_of(p);
	ts->omit = flag(p, 2, "omit");
	if ((v = attr(p, 2, "mode", &tk))) {
		int m = read_choice(p, tk, v, table_mode_words, N_WORDS(table_mode_words), "a table mode");
		if (m < 0)
			return -1;
		ts->mode = (enum table_mode)m;
	}
	if ((v = attr(p, 2, "revision", &tk))) {
		if (read_uint(p, tk, v, 255, &u, "a table revision"))
			return -1;
		ts->revision = (int)u;
	}
	if ((v = attr(p, 2, "oem-revision", &tk))) {
		if (read_uint(p, tk, v, 0xffffffffu, &u, "an OEM revision"))
			return -1;
		ts->oem_revision = (int64_t)u > 0x7fffffff ? 0x7fffffff : (int)u;
	}
	if ((v = attr(p, 2, "checksum", &tk))) {
		if (!strcmp(v, "bad"))
			ts->faults.bad_checksum = true;
		else if (read_uint(p, tk, v, 255, &u, "checksum=bad or a checksum byte"))
			return -1;
		else {
			ts->faults.has_checksum = true;
			ts->faults.checksum = (uint8_t)u;
		}
	}
	if ((v = attr(p, 2, "length", &tk))) {
		if ((*v != '+' && *v != '-') || read_uint(p, tk, v + 1, 0xffffffffu, &u, "a signed length delta like +8 or -4"))
			return p->failed ? -1 : fail_tok(p, tk, "expected length=+N or length=-N, found \"%s\"", v);
		ts->faults.length_delta = *v == '-' ? -(int64_t)u : (int64_t)u;
	}
	if ((v = attr(p, 2, "truncate", &tk))) {
		if (read_uint(p, tk, v, 0xffffffffu, &u, "a number of bytes to drop"))
			return -1;
		ts->faults.truncate = (uint32_t)u;
	}
	return p->failed ? -1 : reject_unused(p, 2, "table", "omit, mode=, revision=, oem-revision=, checksum=, length= or truncate=");
}

static int do_srat(struct parser *p)
{
	const struct token *tk;
	const char *v;
	uint64_t u;
	if (need_args(p, 1, "an SRAT entry kind: cpu, memory, x2apic, generic-initiator or raw"))
		return -1;
	int kind = read_choice(p, &p->ln->tok[1], p->ln->tok[1].s, srat_kind_words, N_WORDS(srat_kind_words), "an SRAT entry kind");
	if (kind < 0)
		return -1;
	p->ln->tok[1].used = true;
	struct srat_entry e = { .kind = (enum srat_kind)kind, .flags = SRAT_ENABLED, .count = 1, .pos = pos_of(p) };
	if (kind == SRAT_RAW) {
		if (!(v = attr(p, 2, "type", &tk)))
			return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected type=N in srat raw");
		if (read_uint(p, tk, v, 255, &u, "a subtable type"))
			return -1;
		e.raw_type = (uint8_t)u;
		if (!(v = attr(p, 2, "length", &tk)))
			return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected length=N in srat raw");
		if (read_uint(p, tk, v, 255, &u, "a subtable length"))
			return -1;
		e.raw_length = (uint8_t)u;
	} else {
		if (!(v = attr(p, 2, "pxm", &tk)))
			return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected pxm=N in srat %s", srat_kind_words[kind]);
		if (read_uint(p, tk, v, 0xffffffffu, &u, "a proximity domain"))
			return -1;
		e.pxm = (uint32_t)u;
	}
	if (kind == SRAT_CPU || kind == SRAT_X2APIC) {
		if (!(v = attr(p, 2, "apic", &tk)))
			return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected apic=ID in srat %s", srat_kind_words[kind]);
		if (read_uint(p, tk, v, kind == SRAT_CPU ? 255 : 0xffffffffu, &u, "an APIC id"))
			return -1;
		e.apic_id = (uint32_t)u;
	}
	if (kind == SRAT_MEMORY) {
		if (!(v = attr(p, 2, "base", &tk)))
			return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected base=ADDRESS in srat memory");
		if (read_size(p, tk, v, &e.base, "a base address"))
			return -1;
		if (!(v = attr(p, 2, "length", &tk)))
			return p->failed ? -1 : fail_at(p, (int)p->ln->raw_len + 1, "expected length=SIZE in srat memory");
		if (read_size(p, tk, v, &e.length, "a length"))
			return -1;
		if (flag(p, 2, "hotplug"))
			e.flags |= SRAT_HOTPLUG;
		if (flag(p, 2, "nonvolatile"))
			e.flags |= SRAT_NONVOLATILE;
		if ((v = attr(p, 2, "count", &tk))) {
			if (read_uint(p, tk, v, 65536, &u, "a repeat count"))
				return -1;
			if (u == 0)
				return fail_tok(p, tk, "expected a repeat count of at least 1");
			e.count = (uint32_t)u;
		}
	}
	if (kind != SRAT_RAW && flag(p, 2, "disabled"))
		e.flags &= ~(uint32_t)SRAT_ENABLED;
	if (p->failed || reject_unused(p, 2, "srat", kind == SRAT_MEMORY ? "pxm=, base=, length=, count=, hotplug, nonvolatile or disabled"
					       : kind == SRAT_RAW ? "type= or length=" : "pxm=, apic= or disabled"))
		return -1;
	*PUSH(p->t->srat, p->t->n_srat) = e;
	return 0;
}

static int read_block_list(struct parser *p, const struct token *tk, char **out)
{
	const char *s = tk->s;
	if (!strcmp(s, "all") || !strcmp(s, "new")) {
		*out = xstrdup(s);
		return 0;
	}
	struct cpuset blocks;   /* same list grammar as CPUs: 8,9,12-15 */
	if (read_cpu_list(p, tk, s, &blocks) < 0 || !strcmp(s, "none")) {
		p->failed = false;
		return fail_tok(p, tk, "expected all, new or a memory block list like 8,9,12-15, found \"%s\"", s);
	}
	*out = xstrdup(s);
	return 0;
}

static int do_step(struct parser *p)
{
	const struct token *tk;
	const char *v;
	uint64_t u;
	if (need_args(p, 1, "a step: probe, hot-add, hot-remove, online, offline, offline-node, cpu-down, cpu-up, sleep, cpu-unplug or cpu-plug"))
		return -1;
	int kind = read_choice(p, &p->ln->tok[1], p->ln->tok[1].s, step_words, N_WORDS(step_words), "a step");
	if (kind < 0)
		return -1;
	p->ln->tok[1].used = true;
	struct topo_step s = { .kind = (enum step_kind)kind, .node = -1, .cpu = -1, .pos = pos_of(p) };
	const char *allowed = "nothing more";
	struct buf list = BUF_INIT;
	switch (s.kind) {
	case STEP_PROBE:
		if (need_args(p, 2, "one or more probe names (nodes memory-blocks kpageflags zoneinfo pagetypeinfo node-alloc cpu-alloc compact)"))
			return -1;
		for (int i = 2; i < p->ln->n; i++) {
			if (read_choice(p, &p->ln->tok[i], p->ln->tok[i].s, probe_words, N_WORDS(probe_words), "a probe name") < 0) {
				buf_free(&list);
				return -1;
			}
			p->ln->tok[i].used = true;
			buf_printf(&list, "%s%s", i > 2 ? " " : "", p->ln->tok[i].s);
		}
		s.arg = buf_steal(&list);
		break;
	case STEP_HOT_ADD:
		if (need_args(p, 2, "hot-add ID node=N size=SIZE [nvdimm]"))
			return -1;
		s.arg = xcalloc(1, TOPO_NAME_MAX);
		if (read_dimm_id(p, &p->ln->tok[2], s.arg))
			goto fail;
		p->ln->tok[2].used = true;
		if (!(v = attr(p, 3, "node", &tk))) {
			if (!p->failed)
				fail_at(p, (int)p->ln->raw_len + 1, "expected node=ID in hot-add");
			goto fail;
		}
		if (read_node_id(p, tk, v, &s.node))
			goto fail;
		if (!(v = attr(p, 3, "size", &tk))) {
			if (!p->failed)
				fail_at(p, (int)p->ln->raw_len + 1, "expected size=SIZE in hot-add");
			goto fail;
		}
		if (read_size(p, tk, v, &s.size, "a DIMM size"))
			goto fail;
		if (s.size == 0) {
			fail_tok(p, tk, "expected a DIMM size above 0 (QEMU refuses size 0)");
			goto fail;
		}
		s.nvdimm = flag(p, 3, "nvdimm");
		allowed = "node=, size= or nvdimm";
		break;
	case STEP_HOT_REMOVE:
		if (need_args(p, 2, "hot-remove ID"))
			return -1;
		s.arg = xcalloc(1, TOPO_NAME_MAX);
		if (read_dimm_id(p, &p->ln->tok[2], s.arg))
			goto fail;
		p->ln->tok[2].used = true;
		break;
	case STEP_ONLINE:
	case STEP_OFFLINE:
		if (need_args(p, 2, kind == STEP_ONLINE ? "online all|new|BLOCKS [zone=kernel|movable]" : "offline all|BLOCKS|node=N"))
			return -1;
		if (kind == STEP_OFFLINE && (v = attr(p, 2, "node", &tk))) {
			if (read_node_id(p, tk, v, &s.node))
				goto fail;
			s.arg = xstrdup("node");
		} else {
			if (read_block_list(p, &p->ln->tok[2], &s.arg))
				goto fail;
			p->ln->tok[2].used = true;
		}
		if (kind == STEP_ONLINE && (v = attr(p, 3, "zone", &tk))) {
			int z = read_choice(p, tk, v, zone_words + 1, 2, "a zone");
			if (z < 0)
				goto fail;
			s.zone = (enum online_zone)(z + 1);
		}
		allowed = kind == STEP_ONLINE ? "zone=kernel or zone=movable" : "nothing more";
		break;
	case STEP_OFFLINE_NODE:
		if (need_args(p, 2, "offline-node ID") || read_node_id(p, &p->ln->tok[2], p->ln->tok[2].s, &s.node))
			return -1;
		p->ln->tok[2].used = true;
		break;
	case STEP_CPU_DOWN:
	case STEP_CPU_UP:
		if (need_args(p, 2, "a CPU number") ||
		    read_uint(p, &p->ln->tok[2], p->ln->tok[2].s, TOPO_MAX_CPUS - 1, &u, "a CPU number"))
			return -1;
		s.cpu = (int)u;
		p->ln->tok[2].used = true;
		break;
	case STEP_CPU_UNPLUG:
	case STEP_CPU_PLUG:
		if (need_args(p, 2, kind == STEP_CPU_PLUG ? "cpu-plug CPU [node=ID]" : "cpu-unplug CPU") ||
		    read_uint(p, &p->ln->tok[2], p->ln->tok[2].s, TOPO_MAX_CPUS - 1, &u, "a CPU number"))
			return -1;
		s.cpu = (int)u;
		p->ln->tok[2].used = true;
		if (kind == STEP_CPU_PLUG && (v = attr(p, 3, "node", &tk)) && read_node_id(p, tk, v, &s.node))
			return -1;
		allowed = kind == STEP_CPU_PLUG ? "node=ID" : "nothing more";
		break;
	case STEP_SLEEP:
		if (need_args(p, 2, "sleep SECONDS") ||
		    read_uint(p, &p->ln->tok[2], p->ln->tok[2].s, 3600, &s.value, "a number of seconds"))
			return -1;
		p->ln->tok[2].used = true;
		break;
	}
	if (p->failed || reject_unused(p, 2, "step", allowed))
		goto fail;
	*PUSH(p->t->steps, p->t->n_steps) = s;
	return 0;
fail:
	free(s.arg);
	return -1;
}

static int do_expect(struct parser *p)
{
	if (need_args(p, 2, "expect KERNEL OUTCOME [TITLE]"))
		return -1;
	const struct token *k = &p->ln->tok[1], *o = &p->ln->tok[2];
	int oc = outcome_from_name(o->s);
	if (oc < 0)
		return fail_tok(p, o, "expected an outcome: pass, divergence, warning, oops, panic, hang, boot-fail or infra, found \"%s\"", o->s);
	for (int i = 0; i < p->t->n_expects; i++)
		if (!strcmp(p->t->expects[i].kernel, k->s))
			return fail_tok(p, k, "expected one expectation per kernel (%s already at line %d)", k->s,
					p->t->expects[i].pos.line);
	struct topo_expect e = { .kernel = xstrdup(k->s), .outcome = (enum outcome)oc, .pos = pos_of(p) };
	if (p->ln->n > 3)
		e.title = rest_of_line(p->ln, 3);
	*PUSH(p->t->expects, p->t->n_expects) = e;
	return 0;
}

static int dispatch(struct parser *p)
{
	const char *kw = p->ln->tok[0].s;
	struct topology *t = p->t;
	if (!strcmp(kw, "name")) return do_name(p);
	if (!strcmp(kw, "description")) return do_text(p, &p->seen_description, &t->description, "description");
	if (!strcmp(kw, "source")) return do_text(p, &p->seen_source, &t->source, "source");
	if (!strcmp(kw, "tags")) return do_tags(p);
	if (!strcmp(kw, "machine")) return do_machine(p);
	if (!strcmp(kw, "cpus")) return do_cpus(p);
	if (!strcmp(kw, "memory")) return do_memory(p);
	if (!strcmp(kw, "timeout")) return do_timeout(p);
	if (!strcmp(kw, "node")) return do_node(p);
	if (!strcmp(kw, "distance")) return do_distance(p);
	if (!strcmp(kw, "hmat-lb")) return do_hmat_lb(p);
	if (!strcmp(kw, "hmat-cache")) return do_hmat_cache(p);
	if (!strcmp(kw, "hotplug")) return do_hotplug(p);
	if (!strcmp(kw, "dimm")) return do_dimm(p, false);
	if (!strcmp(kw, "nvdimm")) return do_dimm(p, true);
	if (!strcmp(kw, "cmdline")) return do_cmdline(p);
	if (!strcmp(kw, "firmware")) return do_firmware(p);
	if (!strcmp(kw, "table")) return do_table(p);
	if (!strcmp(kw, "srat")) return do_srat(p);
	if (!strcmp(kw, "step")) return do_step(p);
	if (!strcmp(kw, "expect")) return do_expect(p);
	return fail_tok(p, &p->ln->tok[0],
			"expected a directive (name, description, source, tags, machine, cpus, memory, timeout, node, "
			"distance, hmat-lb, hmat-cache, hotplug, dimm, nvdimm, cmdline, firmware, table, srat, step, "
			"expect), found \"%s\"", kw);
}

static int by_node_id(const void *a, const void *b)
{
	return ((const struct topo_node *)a)->id - ((const struct topo_node *)b)->id;
}

/* Defaults that depend on the whole file. */
static void finish(struct topology *t)
{
	if (t->n_nodes > 1)
		qsort(t->nodes, (size_t)t->n_nodes, sizeof *t->nodes, by_node_id);
	int max_cpu = -1;
	for (int i = 0; i < t->n_nodes; i++)
		for (int c = TOPO_MAX_CPUS - 1; c >= 0; c--)
			if (cpuset_has(&t->nodes[i].cpus, c)) {
				if (c > max_cpu)
					max_cpu = c;
				break;
			}
	if (!t->cpus)
		t->cpus = max_cpu + 1 > 1 ? max_cpu + 1 : 1;
	/* QEMU only takes initiator= with hmat=on. */
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].initiator >= 0)
			t->hmat = true;
	if (!t->memory_given) {
		uint64_t sum = 0;
		for (int i = 0; i < t->n_nodes; i++)
			if (!u64_add(sum, t->nodes[i].mem, &sum))
				sum = UINT64_MAX;
		t->memory = sum;
	}
}

int topo_parse(const char *text, size_t len, const char *filename, struct topology *t, struct topo_error *err)
{
	memset(t, 0, sizeof *t);
	memset(err, 0, sizeof *err);
	for (int i = 0; i < TABLE__COUNT; i++) {
		t->tables[i].revision = -1;
		t->tables[i].oem_revision = -1;
	}
	struct parser p = { .file = filename ? filename : "<input>", .t = t, .err = err };
	p.ln = xmalloc(sizeof *p.ln);
	p.ln->n = 0;
	p.ln->lineno = 0;
	const char *s = text, *end = text + len;
	int lineno = 0;
	while (s < end && !p.failed) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		lineno++;
		if (lex_line(&p, s, n, lineno) == 0 && p.ln->n > 0)
			dispatch(&p);
		s += n + (nl ? 1 : 0);
	}
	if (!p.failed && !t->name) {
		p.ln->lineno = 1;
		p.ln->n = 0;
		p.ln->raw_len = 0;
		fail_at(&p, 1, "expected a \"name\" line somewhere in the file");
	}
	free(p.ln);
	if (p.failed) {
		topo_free(t);
		return -1;
	}
	finish(t);
	t->text = xstrndup(text, len);
	return 0;
}

int topo_parse_file(const char *path, struct topology *t, struct topo_error *err)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		memset(t, 0, sizeof *t);
		memset(err, 0, sizeof *err);
		snprintf(err->file, sizeof err->file, "%s", path);
		snprintf(err->msg, sizeof err->msg, "cannot read: %s", strerror(errno));
		return -1;
	}
	int rc = topo_parse(text, len, path, t, err);
	free(text);
	return rc;
}

void topo_free(struct topology *t)
{
	free(t->name);
	free(t->description);
	free(t->source);
	for (int i = 0; i < t->n_tags; i++)
		free(t->tags[i]);
	free(t->tags);
	free(t->nodes);
	free(t->distance);
	free(t->distance_lines);
	free(t->hmat_lb);
	free(t->hmat_cache);
	free(t->dimms);
	for (int i = 0; i < t->n_cmdline; i++) {
		free(t->cmdline[i].text);
		free(t->cmdline[i].memmap);
	}
	free(t->cmdline);
	free(t->srat);
	for (int i = 0; i < t->n_steps; i++)
		free(t->steps[i].arg);
	free(t->steps);
	for (int i = 0; i < t->n_expects; i++) {
		free(t->expects[i].kernel);
		free(t->expects[i].title);
	}
	free(t->expects);
	free(t->text);
	memset(t, 0, sizeof *t);
}

char *topo_error_string(const struct topo_error *err)
{
	if (err->line)
		return xasprintf("%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
	return xasprintf("%s: %s", err->file, err->msg);
}
