/* topologies/topo_cmdline.h: parsing of the kernel parameters on a `cmdline` line. */
#ifndef TOPOLOGIES_TOPO_CMDLINE_H
#define TOPOLOGIES_TOPO_CMDLINE_H
#include "topologies/topo_lex.h"

#define N_OPTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Fills *c from one token (c->text always set, even on failure). */
int cmdline_parse_token(struct parser *p, const struct token *tk, struct topo_cmdline *c);
/* The same for one parameter given as text (no blanks), outside a file: what
 * editors of a parsed topology (the generator, the fuzz mutator) use so the
 * parameter they add is understood exactly as the parser would. Returns -1
 * with *err set when it would not parse (c is then empty). */
int cmdline_parse_text(const char *text, struct topo_cmdline *c, struct topo_error *err);

#endif
