/* topologies/import_qemu.c: reads the QEMU command line a report quotes
 * ("qemu-system-x86_64 -m 2050M -smp 2 -object memory-backend-ram,id=m0,..
 * -numa node,nodeid=0,memdev=m0,cpus=0 ... -append '...'"), continued over
 * lines ending in '\'. Only what shapes the memory layout is read: -m (with
 * slots/maxmem), -smp, -machine/-M, -object memory-backend-*, -numa node
 * (memdev= or the old mem=), -append. Words are split the way a shell would
 * split a simple quoted line; nothing is ever run. */
#include "topologies/import.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdlib.h>
#include <string.h>

struct words {
	char **v;
	int n;
};

static void words_add(struct words *w, struct buf *b)
{
	w->v = xrealloc(w->v, sizeof *w->v * (size_t)(w->n + 1));
	w->v[w->n++] = buf_steal(b);
}

static void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
}

/* Splits s into words: blanks separate, '...' and "..." group, a backslash
 * escapes the next byte (a trailing one continues the line). */
static void split(const char *s, struct words *w)
{
	struct buf b = BUF_INIT;
	bool in_word = false;
	char quote = 0;
	for (; *s; s++) {
		char c = *s;
		if (quote) {
			if (c == quote)
				quote = 0;
			else if (quote == '"' && c == '\\' && s[1] && strchr("$`\"\\", s[1]))
				buf_putc(&b, *++s);     /* \$ \` \" \\ inside "..." */
			else
				buf_putc(&b, c);
			continue;
		}
		if (c == ' ' || c == '\t') {
			if (in_word)
				words_add(w, &b);
			in_word = false;
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '\\' && s[1])
			buf_putc(&b, *++s);
		else if (c != '\\')
			buf_putc(&b, c);
		if (!b.s)
			buf_puts(&b, "");
	}
	if (in_word)
		words_add(w, &b);
	buf_free(&b);
}

/* The value of key in a "a=1,b=2" option list (copied into out), or NULL. */
static const char *opt(const char *list, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = len - kl - 1 < n - 1 ? len - kl - 1 : n - 1;
			memcpy(out, p + kl + 1, vl);
			out[vl] = 0;
			return out;
		}
		p = comma ? comma + 1 : NULL;
	}
	return NULL;
}

struct backend {
	char id[64];
	uint64_t size;
};

static int fail(char **err, const char *file, int line, const char *what, const char *word)
{
	*err = xasprintf("%s:%d: QEMU command line: %s '%s'", file, line, what, word);
	return -1;
}

/* "-numa node,nodeid=N,memdev=ID|mem=SIZE,cpus=A-B[,cpus=C]". */
static int numa_node(struct qemu_facts *q, const char *v, const struct backend *be, int n_be,
		     const char *file, char **err)
{
	char val[128];
	if (q->n_nodes >= IMPORT_MAX_QEMU_NODES)
		return fail(err, file, q->line, "more -numa nodes than QEMU allows at", v);
	struct qemu_node *nd = &q->nodes[q->n_nodes];
	memset(nd, 0, sizeof *nd);
	nd->id = q->n_nodes;
	if (opt(v, "nodeid", val, sizeof val)) {
		char *e;
		long id = strtol(val, &e, 10);
		if (*e || id < 0 || id >= IMPORT_MAX_QEMU_NODES)
			return fail(err, file, q->line, "expected a node id in", v);
		nd->id = (int)id;
	}
	if (opt(v, "mem", val, sizeof val) && !size_parse(val, &nd->mem))
		return fail(err, file, q->line, "expected a size in", v);
	if (opt(v, "memdev", val, sizeof val)) {
		int k = 0;
		while (k < n_be && strcmp(be[k].id, val))
			k++;
		if (k == n_be)
			return fail(err, file, q->line, "no -object memory backend with the id of", v);
		nd->mem = be[k].size;
	}
	/* cpus= may repeat: "cpus=0-1,cpus=4" */
	for (const char *p = strstr(v, "cpus="); p; p = strstr(p + 5, "cpus=")) {
		size_t len = strcspn(p + 5, ",");
		size_t used = strlen(nd->cpus);
		if (used + len + 2 >= sizeof nd->cpus)
			return fail(err, file, q->line, "too long a cpus= list in", v);
		if (used)
			nd->cpus[used++] = ',';
		memcpy(nd->cpus + used, p + 5, len);
		nd->cpus[used + len] = 0;
	}
	q->n_nodes++;
	return 0;
}

static int read_words(struct qemu_facts *q, const struct words *w, const char *file, char **err)
{
	struct backend be[IMPORT_MAX_QEMU_NODES * 2];
	int n_be = 0;
	char val[128];
	/* Backends first: -numa may name one defined later on the line. */
	for (int i = 0; i + 1 < w->n; i++) {
		const char *v = w->v[i + 1];
		if (strcmp(w->v[i], "-object") || strncmp(v, "memory-backend-", 15))
			continue;
		if (n_be == (int)(sizeof be / sizeof be[0]))
			return fail(err, file, q->line, "too many memory backends at", v);
		if (!opt(v, "id", be[n_be].id, sizeof be[n_be].id) || !opt(v, "size", val, sizeof val) ||
		    !size_parse(val, &be[n_be].size))
			return fail(err, file, q->line, "expected id= and size= in", v);
		n_be++;
	}
	for (int i = 1; i < w->n; i++) {
		const char *a = w->v[i], *v = i + 1 < w->n ? w->v[i + 1] : NULL;
		if (a[0] != '-' || !v)
			continue;
		if (a[1] == '-')
			a++;        /* --numa is -numa */
		if (!strcmp(a, "-m")) {
			const char *size = v;
			char first[64];
			size_t l = strcspn(v, ",");
			if (l >= sizeof first)
				l = sizeof first - 1;
			memcpy(first, v, l);
			first[l] = 0;
			if (!strchr(first, '='))
				size = first;
			else
				size = opt(v, "size", val, sizeof val);
			if (!size || !size_parse(size, &q->memory))
				return fail(err, file, q->line, "expected a RAM size after -m, got", v);
			/* QEMU reads a bare -m number as MiB */
			if (size[strlen(size) - 1] >= '0' && size[strlen(size) - 1] <= '9' && strncmp(size, "0x", 2))
				q->memory <<= 20;
			char slots[32], maxmem[64];
			if (opt(v, "slots", slots, sizeof slots))
				q->slots = atoi(slots);
			if (opt(v, "maxmem", maxmem, sizeof maxmem) && !size_parse(maxmem, &q->maxmem))
				return fail(err, file, q->line, "expected maxmem=SIZE in", v);
			i++;
		} else if (!strcmp(a, "-smp")) {
			q->cpus = atoi(v);
			if (opt(v, "cpus", val, sizeof val))
				q->cpus = atoi(val);
			if (opt(v, "sockets", val, sizeof val))
				q->sockets = atoi(val);
			if (q->cpus <= 0 || q->cpus > 256)
				return fail(err, file, q->line, "expected a CPU count after -smp, got", v);
			i++;
		} else if (!strcmp(a, "-M") || !strcmp(a, "-machine")) {
			const char *type = opt(v, "type", val, sizeof val) ? val : v;
			q->q35 = !strncmp(type, "q35", 3) || strstr(type, "-q35") != NULL;
			i++;
		} else if (!strcmp(a, "-numa")) {
			if (!strncmp(v, "node", 4) && numa_node(q, v, be, n_be, file, err))
				return -1;
			if (!strncmp(v, "dist,", 5)) {
				char src[16], dst[16], d[16];
				if (!opt(v, "src", src, sizeof src) || !opt(v, "dst", dst, sizeof dst) ||
				    !opt(v, "val", d, sizeof d) || atoi(d) < 0 || atoi(d) > 255 || atoi(src) < 0 ||
				    atoi(dst) < 0 || atoi(src) >= IMPORT_MAX_QEMU_NODES || atoi(dst) >= IMPORT_MAX_QEMU_NODES)
					return fail(err, file, q->line, "expected dist,src=N,dst=M,val=D (0..255) in", v);
				q->dist = xrealloc(q->dist, sizeof *q->dist * (size_t)(q->n_dist + 1));
				q->dist[q->n_dist++] = (struct qemu_dist){ atoi(src), atoi(dst), atoi(d) };
			}
			i++;
		} else if (!strcmp(a, "-append")) {
			free(q->append);
			q->append = xstrdup(v);
			i++;
		}
	}
	return 0;
}

int qemu_facts_read(const struct report_lines *r, const char *file, struct qemu_facts *q, char **err)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < r->n; i++) {
		const char *s = r->text[i];
		const char *at = strstr(s, "qemu-system-");
		if (!at)
			at = strstr(s, "qemu-kvm ");
		if (!at || (at > s && at[-1] != ' ' && at[-1] != '/' && at[-1] != '$' && at[-1] != '`'))
			continue;
		q->line = r->line[i];
		struct buf b = BUF_INIT;
		buf_puts(&b, at);
		/* "\" at the end continues the command on the next line. */
		while (b.len && b.s[b.len - 1] == '\\' && i + 1 < r->n) {
			b.s[--b.len] = ' ';
			buf_puts(&b, r->text[++i]);
		}
		struct words w = { 0 };
		split(b.s, &w);
		buf_free(&b);
		q->found = true;
		int rc = read_words(q, &w, file, err);
		words_free(&w);
		return rc;
	}
	return 0;
}

void qemu_facts_free(struct qemu_facts *q)
{
	free(q->append);
	free(q->dist);
	memset(q, 0, sizeof *q);
}
