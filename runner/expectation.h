/* runner/expectation.h: did a run do what its topology's `expect` lines say
 * it should on this kernel? A line naming the kernel wins over `*`; the first
 * applicable line decides. With no applicable line a run must pass. */
#ifndef RUNNER_EXPECTATION_H
#define RUNNER_EXPECTATION_H
#include "topologies/topo.h"
#include <stdbool.h>

/* The expect line that applies to kernel, or NULL. */
const struct topo_expect *expectation_for(const struct topology *t, const char *kernel);
/* True if outcome (and title, when the line names one) is what is expected.
 * *wanted (optional) gets "pass" or "panic: TITLE" for messages (static or
 * owned by t: do not free). */
bool expectation_met(const struct topology *t, const char *kernel, enum outcome outcome, const char *title,
		     const char **wanted_outcome, const char **wanted_title);

#endif
