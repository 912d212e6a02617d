/* topologies/topo_reduce.c: one-edit reductions of a topology and the
 * greedy minimizer over them (topo_reduce.h). Edits work on a clone of the
 * structure; the result goes through its printed text and topo_validate, so
 * a candidate is exactly what `topofarm check` would accept in a file. */
#include "topologies/topo_reduce.h"
#include "topologies/topo_edit.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ULL * 1024)
#define ROUND_MIN (128 * MIB)           /* the x86 memory block */

/* Renumbers a node reference after node `gone` left; -2 if it was that node. */
static int renumber(int ref, int gone)
{
	return ref == gone ? -2 : ref > gone ? ref - 1 : ref;
}

static int remove_node(struct topology *t, int gone)
{
	if (t->n_nodes < 2 || gone >= t->n_nodes || t->n_srat)
		return -1;
	for (int i = 0; i < t->n_dimms; i++)
		if (t->dimms[i].node == gone)
			return -1;
	for (int i = 0; i < t->n_steps; i++) {
		struct topo_step *s = &t->steps[i];
		bool has_node = s->kind == STEP_HOT_ADD || s->kind == STEP_OFFLINE_NODE ||
				(s->kind == STEP_CPU_PLUG && s->node >= 0);
		if (has_node && (s->node = renumber(s->node, gone)) == -2)
			return -1;
	}
	for (int i = 0; i < t->n_dimms; i++)
		t->dimms[i].node = renumber(t->dimms[i].node, gone);
	/* Its CPUs go to the first node that stays. */
	int heir = gone == 0 ? 1 : 0;
	for (int c = 0; c < TOPO_MAX_CPUS; c++)
		if (cpuset_has(&t->nodes[gone].cpus, c))
			cpuset_add(&t->nodes[heir].cpus, c);
	memmove(&t->nodes[gone], &t->nodes[gone + 1], sizeof *t->nodes * (size_t)(t->n_nodes - gone - 1));
	t->n_nodes--;
	for (int i = 0; i < t->n_nodes; i++) {
		t->nodes[i].id = i;
		if (t->nodes[i].initiator >= 0)
			t->nodes[i].initiator = renumber(t->nodes[i].initiator, gone) < 0 ? -1
						: renumber(t->nodes[i].initiator, gone);
	}
	if (t->distance) {
		for (int a = 0; a < t->n_nodes; a++)
			for (int b = 0; b < t->n_nodes; b++)
				t->distance[a][b] = t->distance[a + (a >= gone)][b + (b >= gone)];
		for (int a = 0; a < TOPO_MAX_NODES; a++)
			for (int b = t->n_nodes; b < TOPO_MAX_NODES; b++)
				t->distance[a][b] = t->distance[b][a] = 0;
	}
	int o = 0;
	for (int i = 0; i < t->n_distance_lines; i++) {
		struct topo_distance_line l = t->distance_lines[i];
		if ((l.from = renumber(l.from, gone)) >= 0 && (l.to = renumber(l.to, gone)) >= 0)
			t->distance_lines[o++] = l;
	}
	t->n_distance_lines = o;
	o = 0;
	for (int i = 0; i < t->n_hmat_lb; i++) {
		struct topo_hmat_lb l = t->hmat_lb[i];
		if ((l.initiator = renumber(l.initiator, gone)) >= 0 && (l.target = renumber(l.target, gone)) >= 0)
			t->hmat_lb[o++] = l;
	}
	t->n_hmat_lb = o;
	o = 0;
	for (int i = 0; i < t->n_hmat_cache; i++) {
		struct topo_hmat_cache c = t->hmat_cache[i];
		if ((c.node = renumber(c.node, gone)) >= 0)
			t->hmat_cache[o++] = c;
	}
	t->n_hmat_cache = o;
	topo_sync_memory(t);
	return 0;
}

static void remove_step(struct topology *t, int i)
{
	free(t->steps[i].arg);
	memmove(&t->steps[i], &t->steps[i + 1], sizeof *t->steps * (size_t)(t->n_steps - i - 1));
	t->n_steps--;
}

/* The highest vCPU leaves (its node keeps the others); sockets follow. */
static int remove_cpu(struct topology *t)
{
	int c = t->cpus - 1;
	if (c < 1)
		return -1;
	for (int i = 0; i < t->n_steps; i++)
		if ((t->steps[i].kind == STEP_CPU_DOWN || t->steps[i].kind == STEP_CPU_UP ||
		     t->steps[i].kind == STEP_CPU_PLUG || t->steps[i].kind == STEP_CPU_UNPLUG) && t->steps[i].cpu >= c)
			return -1;
	topo_move_cpu(t, c, -1);
	t->unplugged.bits[c / 64] &= ~(1ULL << (c % 64));
	t->cpus = c;
	if (t->sockets && (t->sockets > t->cpus || t->cpus % t->sockets))
		t->sockets = t->cpus;
	return 0;
}

/* memmap=A,B,C without entry j (its text, caller frees), or NULL. */
static char *memmap_without(const char *text, int j)
{
	const char *eq = strchr(text, '=');
	if (!eq)
		return NULL;
	struct buf b = BUF_INIT;
	buf_add(&b, text, (size_t)(eq - text) + 1);
	int k = 0, kept = 0;
	for (const char *s = eq + 1; *s; k++) {
		size_t n = strcspn(s, ",");
		if (k != j) {
			if (kept++)
				buf_putc(&b, ',');
			buf_add(&b, s, n);
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return buf_steal(&b);
}

/* Round sizes a node can shrink to, smallest first. */
static int size_targets(uint64_t mem, uint64_t *v, int max)
{
	int n = 0;
	for (uint64_t s = ROUND_MIN; s < mem && n < max; s *= 2)
		v[n++] = s;
	return n;
}

/* Applies the i-th edit of op to t (a clone). 0 done, -1 invalid, 1 no such edit. */
static int edit(struct topology *t, enum reduce_op op, int i, char *desc, size_t dl)
{
	switch (op) {
	case REDUCE_NODE:
		if (i >= t->n_nodes)
			return 1;
		snprintf(desc, dl, "drop node %d", i);
		return remove_node(t, i);
	case REDUCE_STEP:
		if (i >= t->n_steps)
			return 1;
		snprintf(desc, dl, "drop step %d", i);
		remove_step(t, i);
		return 0;
	case REDUCE_MEMMAP:
		for (int c = 0; c < t->n_cmdline; c++) {
			if (t->cmdline[c].kind != CMD_MEMMAP || t->cmdline[c].n_memmap < 2)
				continue;
			if (i >= t->cmdline[c].n_memmap) {
				i -= t->cmdline[c].n_memmap;
				continue;
			}
			char *text = memmap_without(t->cmdline[c].text, i);
			snprintf(desc, dl, "drop entry %d of %s", i, t->cmdline[c].text);
			topo_remove_cmdline(t, c);
			int rc = text && topo_add_cmdline(t, text) == 0 ? 0 : -1;
			free(text);
			return rc;
		}
		return 1;
	case REDUCE_CMDLINE:
		if (i >= t->n_cmdline)
			return 1;
		snprintf(desc, dl, "drop cmdline %s", t->cmdline[i].text);
		topo_remove_cmdline(t, i);
		return 0;
	case REDUCE_CPU:
		if (i > 0)
			return 1;
		snprintf(desc, dl, "drop cpu %d", t->cpus - 1);
		return remove_cpu(t);
	case REDUCE_NODE_SIZE:
		for (int n = 0; n < t->n_nodes; n++) {
			uint64_t v[40];
			int k = size_targets(t->nodes[n].mem, v, 40);
			if (i >= k) {
				i -= k;
				continue;
			}
			char from[32], to[32];
			size_format(t->nodes[n].mem, from, sizeof from);
			size_format(v[i], to, sizeof to);
			snprintf(desc, dl, "node %d mem %s -> %s", n, from, to);
			t->nodes[n].mem = v[i];
			topo_sync_memory(t);
			return 0;
		}
		return 1;
	case REDUCE__COUNT:
		break;
	}
	return 1;
}

int topo_reduce(const struct topology *t, enum reduce_op op, int i, struct topology *out, char *desc, size_t desclen)
{
	struct topology c;
	topo_clone(t, &c);
	desc[0] = 0;
	int rc = edit(&c, op, i, desc, desclen);
	if (rc == 0) {
		/* Canonical and checked: what a file with this text would be. */
		memset(out, 0, sizeof *out);
		if (topo_copy(&c, out) != 0) {
			topo_free(out);
			rc = -1;
		} else {
			struct topo_issues is;
			topo_validate(out, &is);
			if (is.n_errors) {
				topo_free(out);
				rc = -1;
			}
			topo_issues_free(&is);
		}
	}
	topo_free(&c);
	return rc;
}

void topo_minimize(const struct topology *start, topo_oracle_fn *oracle, void *ctx, struct topology *out,
		   struct minimize_stats *st)
{
	memset(st, 0, sizeof *st);
	topo_clone(start, out);
	bool changed = true;
	while (changed) {
		changed = false;
		for (int op = 0; op < REDUCE__COUNT; op++)
			for (int i = 0;;) {
				struct topology cand;
				char desc[160];
				int rc = topo_reduce(out, (enum reduce_op)op, i, &cand, desc, sizeof desc);
				if (rc == 1)
					break;
				if (rc < 0) {
					st->invalid++;
					i++;
					continue;
				}
				st->tried++;
				if (oracle(ctx, &cand, desc)) {
					/* Kept: the same index now names the next element. */
					topo_free(out);
					*out = cand;
					st->kept++;
					changed = true;
				} else {
					topo_free(&cand);
					i++;
				}
			}
	}
}
