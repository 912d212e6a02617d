/* topologies/topo_lex.h: splits one .topo line into tokens with columns, and
 * the typed readers (sizes, ids, cpu lists, key=value attributes) every
 * directive handler uses. Shared by the parser and its error messages. */
#ifndef TOPOLOGIES_TOPO_LEX_H
#define TOPOLOGIES_TOPO_LEX_H
#include "topologies/topo.h"
#include <stdarg.h>

#define TOPO_MAX_LINE 4096
#define TOPO_MAX_TOKENS 256

struct token {
	const char *s;                /* NUL-terminated copy inside the line buffer */
	int col;                      /* 1-based column of the first byte */
	bool used;                    /* consumed by the directive handler */
};

struct line {
	char buf[TOPO_MAX_LINE + 1];
	const char *raw;              /* the original line (not NUL-terminated) */
	size_t raw_len;
	int lineno;
	struct token tok[TOPO_MAX_TOKENS];
	int n;
};

struct parser {
	const char *file;
	struct topology *t;
	struct topo_error *err;
	bool failed;
	struct line *ln;
	/* Lines where once-only directives were first given (0: not yet). */
	int seen_name, seen_description, seen_source, seen_machine, seen_cpus,
	    seen_memory, seen_hotplug, seen_firmware, seen_timeout;
	int seen_table[TABLE__COUNT];
};

/* Fails at a column of the current line (first failure wins). Returns -1. */
int fail_at(struct parser *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fail_tok(struct parser *p, const struct token *tk, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Tokenises raw (len bytes). Returns -1 (with the error set) on over-long
 * lines, control bytes or too many tokens. */
int lex_line(struct parser *p, const char *raw, size_t len, int lineno);
/* The rest of the line after token i, verbatim and trimmed (free text). */
char *rest_of_line(const struct line *ln, int i);

/* Typed readers. Each returns 0 or fails with "expected ..." at the token. */
int read_size(struct parser *p, const struct token *tk, const char *value, uint64_t *out, const char *what);
int read_uint(struct parser *p, const struct token *tk, const char *value, uint64_t max, uint64_t *out, const char *what);
int read_cpu_list(struct parser *p, const struct token *tk, const char *value, struct cpuset *out);
/* Looks up key=value among tokens from index first: returns the value (after
 * '=') and marks the token used, or NULL. Repeated keys are an error. */
const char *attr(struct parser *p, int first, const char *key, const struct token **where);
/* True (and marks it used) if a bare flag word is present from index first. */
bool flag(struct parser *p, int first, const char *word);
/* Fails on the first token from index first that no reader consumed. */
int reject_unused(struct parser *p, int first, const char *directive, const char *allowed);
/* Picks one of a list of words; returns its index or fails. */
int read_choice(struct parser *p, const struct token *tk, const char *value,
		const char *const *words, int n_words, const char *what);

#endif
