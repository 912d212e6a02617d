/* topologies/topo_cmdline.h: parsing of the kernel parameters on a `cmdline` line. */
#ifndef TOPOLOGIES_TOPO_CMDLINE_H
#define TOPOLOGIES_TOPO_CMDLINE_H
#include "topologies/topo_lex.h"

#define N_OPTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Fills *c from one token (c->text always set, even on failure). */
int cmdline_parse_token(struct parser *p, const struct token *tk, struct topo_cmdline *c);

#endif
