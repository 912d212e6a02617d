/* topologies/import.h: a bug report in, a topology that reproduces its
 * memory layout out (`topofarm import`). import_text.c turns pasted text
 * (mail quoting, quoted-printable soft breaks, wrapped lines, elisions) back
 * into console lines; import_qemu.c reads a quoted QEMU command line;
 * import.c decides the topology: QEMU -numa where QEMU builds the reported
 * SRAT, our own SRAT where it cannot, memmap=exactmap where the e820 map must
 * be exact, with comments saying what could not be reproduced and why. */
#ifndef TOPOLOGIES_IMPORT_H
#define TOPOLOGIES_IMPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A report as console lines: quoting removed, wrapped lines joined. Each
 * line remembers the line of the original text it started on. */
struct report_lines {
	char **text;
	int *line;
	int n;
	char *joined;           /* all lines, '\n' separated (for triage) */
	size_t joined_len;
};
void report_lines_read(const char *text, size_t len, struct report_lines *out);
void report_lines_free(struct report_lines *r);

/* A QEMU command line quoted in a report. */
#define IMPORT_MAX_QEMU_NODES 128
struct qemu_node {
	int id;
	uint64_t mem;
	char cpus[64];          /* as written ("0-1"), "" when none */
};
struct qemu_facts {
	bool found;
	int line;
	bool q35;
	uint64_t memory;        /* -m; 0 when not given */
	int slots;
	uint64_t maxmem;
	int cpus, sockets;
	struct qemu_node nodes[IMPORT_MAX_QEMU_NODES];
	int n_nodes;
	struct qemu_dist { int src, dst, val; } *dist;   /* -numa dist, as given */
	int n_dist;
	char *append;           /* -append text, or NULL */
};
/* Finds the first QEMU command line in the report and reads it. 0 on
 * success or when there is none (q->found false); -1 with *err naming the
 * line when one is there but cannot be read. */
int qemu_facts_read(const struct report_lines *r, const char *file, struct qemu_facts *q, char **err);
void qemu_facts_free(struct qemu_facts *q);

/* Imports report text. name: the topology's name ([a-z0-9._-]+). On success
 * returns 0 and *topo_text (caller frees) parses as a valid topology; on bad
 * input returns -1 and *err is "FILE:LINE: what is wrong" (or "FILE: ..."
 * when no line is to blame). */
int topo_import(const char *text, size_t len, const char *file, const char *name,
		char **topo_text, char **err);

#endif
