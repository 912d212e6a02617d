/* topologies/topo_cmdline.c: understands the kernel parameters a topology
 * adds: memmap= in every form parse_memmap_one() accepts (arch/x86/kernel/
 * e820.c), mem=, numa=, memhp_default_state=, movable_node, kernelcore= and
 * movablecore=. Anything else passes through verbatim. */
#include "topologies/topo_cmdline.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdlib.h>
#include <string.h>

/* One memmap entry: exactmap | nn | nn@ss | nn#ss | nn$ss | nn!ss | nn%ss[-old][+new] */
static int parse_memmap_one(struct parser *p, const struct token *tk, const char *s, struct memmap_entry *e)
{
	memset(e, 0, sizeof *e);
	if (!strcmp(s, "exactmap")) {
		e->kind = MEMMAP_EXACTMAP;
		return 0;
	}
	const char *end;
	int r = size_parse_prefix(s, &e->size, &end);
	if (r == -2)
		return fail_tok(p, tk, "expected a memmap size that fits in 64 bits, found \"%s\"", s);
	if (r != 0)
		return fail_tok(p, tk, "expected memmap=exactmap or memmap=SIZE[@#$!%%]START, found \"%s\"", s);
	if (*end == 0) {
		e->kind = MEMMAP_LIMIT;
		return 0;
	}
	switch (*end) {
	case '@': e->kind = MEMMAP_RAM; break;
	case '#': e->kind = MEMMAP_ACPI; break;
	case '$': e->kind = MEMMAP_RESERVED; break;
	case '!': e->kind = MEMMAP_PRAM; break;
	case '%': e->kind = MEMMAP_RETYPE; break;
	default:
		return fail_tok(p, tk, "expected one of @ # $ ! %% after the memmap size, found \"%s\"", end);
	}
	const char *start_text = end + 1;
	if (!*start_text)
		return fail_tok(p, tk, "expected a start address after \"%c\" in memmap, found nothing", start_text[-1]);
	r = size_parse_prefix(start_text, &e->start, &end);
	if (r == -2)
		return fail_tok(p, tk, "expected a memmap start that fits in 64 bits, found \"%s\"", start_text);
	if (r != 0)
		return fail_tok(p, tk, "expected a start address after \"%c\" in memmap, found \"%s\"", start_text[-1], start_text);
	if (e->kind == MEMMAP_RETYPE) {
		for (int i = 0; i < 2 && *end; i++) {
			char sign = *end;
			uint64_t v;
			const char *num = end + 1;
			if ((sign != '-' && sign != '+') || size_parse_prefix(num, &v, &end) != 0 || v > 0xffffffff ||
			    strchr("kKmMgGtT", end[-1]))
				return fail_tok(p, tk, "expected memmap=SIZE%%START-OLDTYPE+NEWTYPE, found \"%s\"", s);
			if (sign == '-' && e->old_type == 0 && e->new_type == 0)
				e->old_type = (int)v;
			else if (sign == '+' && e->new_type == 0)
				e->new_type = (int)v;
			else
				return fail_tok(p, tk, "expected memmap=SIZE%%START-OLDTYPE+NEWTYPE, found \"%s\"", s);
		}
	}
	if (*end)
		return fail_tok(p, tk, "unexpected \"%s\" after memmap entry \"%s\"", end, s);
	uint64_t last;
	if (e->size && !u64_add(e->start, e->size - 1, &last))
		return fail_tok(p, tk, "memmap entry \"%s\" wraps past the end of the address space", s);
	return 0;
}

static int parse_memmap(struct parser *p, const struct token *tk, const char *value, struct topo_cmdline *c)
{
	char *copy = xstrdup(value), *save = NULL;
	int rc = 0;
	if (!*value || value[strlen(value) - 1] == ',' || *value == ',')
		rc = fail_tok(p, tk, "expected memmap=ENTRY[,ENTRY...], found an empty entry");
	for (char *one = strtok_r(copy, ",", &save); one && !rc; one = strtok_r(NULL, ",", &save)) {
		c->memmap = xrealloc(c->memmap, sizeof *c->memmap * (size_t)(c->n_memmap + 1));
		rc = parse_memmap_one(p, tk, one, &c->memmap[c->n_memmap]);
		if (!rc)
			c->n_memmap++;
	}
	free(copy);
	return rc;
}

/* kernelcore=/movablecore=: a size, N% or (kernelcore only) mirror. */
static int parse_core(struct parser *p, const struct token *tk, const char *key, const char *value, struct topo_cmdline *c)
{
	if (!strcmp(key, "kernelcore") && !strcmp(value, "mirror"))
		return 0;
	size_t n = strlen(value);
	if (n > 1 && value[n - 1] == '%') {
		char *num = xstrndup(value, n - 1);
		uint64_t v;
		int r = read_uint(p, tk, num, 100, &v, "a percentage");
		free(num);
		return r;
	}
	const char *end;
	if (size_parse_prefix(value, &c->size, &end) != 0 || *end)
		return fail_tok(p, tk, "expected %s=SIZE, %s=N%%%s, found \"%s\"", key, key,
				!strcmp(key, "kernelcore") ? " or kernelcore=mirror" : "", value);
	return 0;
}

int cmdline_parse_token(struct parser *p, const struct token *tk, struct topo_cmdline *c)
{
	static const char *const numa_opts[] = { "off", "noacpi", "nohmat", "noapic" };
	static const char *const memhp_states[] = { "online", "offline", "online_kernel", "online_movable" };
	const char *s = tk->s;
	const char *eq = strchr(s, '=');
	memset(c, 0, sizeof *c);
	c->text = xstrdup(s);
	c->pos.line = p->ln->lineno;
	c->pos.col = tk->col;
	if (eq == s)
		return fail_tok(p, tk, "expected a kernel parameter NAME or NAME=VALUE, found \"%s\"", s);
	char *key = xstrndup(s, eq ? (size_t)(eq - s) : strlen(s));
	const char *value = eq ? eq + 1 : NULL;
	int rc = 0;
	if (!strcmp(key, "memmap")) {
		c->kind = CMD_MEMMAP;
		rc = value ? parse_memmap(p, tk, value, c) : fail_tok(p, tk, "expected memmap=VALUE");
	} else if (!strcmp(key, "mem")) {
		c->kind = CMD_MEM;
		rc = value ? read_size(p, tk, value, &c->size, "mem=SIZE") : fail_tok(p, tk, "expected mem=SIZE");
	} else if (!strcmp(key, "numa")) {
		c->kind = CMD_NUMA;
		if (!value)
			rc = fail_tok(p, tk, "expected numa=off, numa=noacpi, numa=nohmat or numa=fake=N");
		else if (!strncmp(value, "fake=", 5)) {
			const char *end;
			uint64_t v;
			if (size_parse_prefix(value + 5, &v, &end) != 0 || (*end && strcmp(end, "U")))
				rc = fail_tok(p, tk, "expected numa=fake=N (nodes) or numa=fake=SIZE, found \"%s\"", s);
		} else if (read_choice(p, tk, value, numa_opts, N_OPTS(numa_opts), "a numa= option (or fake=N)") < 0)
			rc = -1;
	} else if (!strcmp(key, "memhp_default_state")) {
		c->kind = CMD_MEMHP_STATE;
		if (!value || read_choice(p, tk, value, memhp_states, N_OPTS(memhp_states), "a memhp_default_state") < 0)
			rc = value ? -1 : fail_tok(p, tk, "expected memhp_default_state=STATE");
	} else if (!strcmp(key, "movable_node")) {
		c->kind = CMD_MOVABLE_NODE;
		if (value)
			rc = fail_tok(p, tk, "expected movable_node without a value");
	} else if (!strcmp(key, "kernelcore") || !strcmp(key, "movablecore")) {
		c->kind = !strcmp(key, "kernelcore") ? CMD_KERNELCORE : CMD_MOVABLECORE;
		rc = value ? parse_core(p, tk, key, value, c) : fail_tok(p, tk, "expected %s=VALUE", key);
	}
	free(key);
	return rc;
}

int cmdline_parse_text(const char *text, struct topo_cmdline *c, struct topo_error *err)
{
	struct topology scratch;
	memset(&scratch, 0, sizeof scratch);
	memset(err, 0, sizeof *err);
	memset(c, 0, sizeof *c);
	struct parser p = { .file = "<cmdline>", .t = &scratch, .err = err };
	p.ln = xmalloc(sizeof *p.ln);
	int rc = lex_line(&p, text, strlen(text), 1);
	if (!rc && p.ln->n != 1)
		rc = fail_at(&p, 1, "expected exactly one kernel parameter, found %d words", p.ln->n);
	if (!rc)
		rc = cmdline_parse_token(&p, &p.ln->tok[0], c);
	free(p.ln);
	if (rc) {
		free(c->text);
		free(c->memmap);
		memset(c, 0, sizeof *c);
		return -1;
	}
	return 0;
}
