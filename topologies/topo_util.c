/* topologies/topo_util.c: small helpers over struct topology shared by every stage. */
#include "topologies/topo.h"
#include "common/buf.h"
#include "common/sha256.h"
#include <stdlib.h>
#include <string.h>

static const char *const outcome_names[OUTCOME__COUNT] = {
	"pass", "warning", "oops", "panic", "hang", "boot-fail", "infra", "divergence",
};

const char *outcome_name(enum outcome o)
{
	return (unsigned)o < OUTCOME__COUNT ? outcome_names[o] : "?";
}

int outcome_rank(enum outcome o)
{
	static const int rank[OUTCOME__COUNT] = {
		[OUTCOME_INFRA] = 0, [OUTCOME_PASS] = 1, [OUTCOME_DIVERGENCE] = 2, [OUTCOME_WARNING] = 3,
		[OUTCOME_HANG] = 4, [OUTCOME_OOPS] = 5, [OUTCOME_BOOT_FAIL] = 6, [OUTCOME_PANIC] = 7,
	};
	return (unsigned)o < OUTCOME__COUNT ? rank[o] : 0;
}

int outcome_from_name(const char *s)
{
	for (int i = 0; i < OUTCOME__COUNT; i++)
		if (!strcmp(s, outcome_names[i]))
			return i;
	return -1;
}

bool topo_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) >= TOPO_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
			return false;
	return true;
}

const struct topo_node *topo_node_by_id(const struct topology *t, int id)
{
	for (int i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].id == id)
			return &t->nodes[i];
	return NULL;
}

void cpuset_add(struct cpuset *s, int cpu)
{
	if (cpu >= 0 && cpu < TOPO_MAX_CPUS)
		s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

int cpuset_count(const struct cpuset *s)
{
	int n = 0;
	for (int i = 0; i < TOPO_MAX_CPUS / 64; i++)
		n += __builtin_popcountll(s->bits[i]);
	return n;
}

bool cpuset_empty(const struct cpuset *s)
{
	for (int w = 0; w < TOPO_MAX_CPUS / 64; w++)
		if (s->bits[w])
			return false;
	return true;
}

int topo_distance(const struct topology *t, int from, int to)
{
	if (from < 0 || to < 0 || from >= TOPO_MAX_NODES || to >= TOPO_MAX_NODES)
		return 0;
	if (t->distance && t->distance[from][to])
		return t->distance[from][to];
	return from == to ? 10 : 20;
}

void topo_hash(const struct topology *t, char out[65])
{
	char *text = topo_print(t);
	sha256_hex(text, strlen(text), out);
	free(text);
}

bool topo_has_cmdline(const struct topology *t, const char *key)
{
	size_t k = strlen(key);
	for (int i = 0; i < t->n_cmdline; i++) {
		const char *p = t->cmdline[i].text;
		if (!strncmp(p, key, k) && (p[k] == 0 || p[k] == '='))
			return true;
	}
	return false;
}

bool topo_has_cpu_hotplug(const struct topology *t)
{
	if (!cpuset_empty(&t->unplugged))
		return true;
	for (int i = 0; i < t->n_steps; i++)
		if (t->steps[i].kind == STEP_CPU_PLUG || t->steps[i].kind == STEP_CPU_UNPLUG)
			return true;
	return false;
}

int topo_cores_per_socket(const struct topology *t)
{
	int cpus = t->cpus > 0 ? t->cpus : 1;
	int sockets = t->sockets > 0 && cpus % t->sockets == 0 ? t->sockets : 1;
	return cpus / sockets;
}

void topo_cpu_location(const struct topology *t, int cpu, int *socket, int *core)
{
	int cores = topo_cores_per_socket(t);
	*socket = cpu / cores;
	*core = cpu % cores;
}

int topo_cpu_node(const struct topology *t, int cpu)
{
	for (int i = 0; i < t->n_nodes; i++)
		if (cpuset_has(&t->nodes[i].cpus, cpu))
			return t->nodes[i].id;
	return t->n_nodes ? 0 : -1;
}

int topo_distance_bound(const struct topology *t)
{
	int bound = 0;
	for (int k = 0; k < t->n_distance_lines; k++) {
		const struct topo_distance_line *dl = &t->distance_lines[k];
		int m = (dl->from > dl->to ? dl->from : dl->to) + 1;
		if (m > bound)
			bound = m;
	}
	return bound;
}
