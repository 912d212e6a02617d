/* topologies/layout_mutate.h: the structure-aware layout mutator, one for
 * the libFuzzer layout harness (fuzz/layout_fuzz.c) and the campaign
 * (fuzz/campaign*.c): a parent layout takes one generator mutation (two to
 * four, one time in twenty), is repaired, and must stay a valid, bootable
 * layout; its features (topologies/layout_features.h) come with it. */
#ifndef TOPOLOGIES_LAYOUT_MUTATE_H
#define TOPOLOGIES_LAYOUT_MUTATE_H
#include "topologies/gen_rng.h"
#include "topologies/layout_features.h"
#include "topologies/topo.h"

#define LAYOUT_MUTATE_ATTEMPTS 16   /* fresh tries from the parent before giving up */

/* A mutant of parent drawn from r. Returns 0 with *out (caller topo_frees),
 * *fs its features and, when text is not NULL, *text its canonical text
 * (caller frees; the full model runs then, else model_compute_features,
 * which gives the same features without formatting any text); -1 when no
 * attempt gave a layout the generator accepts (nothing to free). The result
 * depends only on parent and r's state. */
int layout_mutant(const struct topology *parent, struct rng *r, struct topology *out, struct feature_set *fs,
		  char **text);

#endif
