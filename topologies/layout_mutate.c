/* topologies/layout_mutate.c: the layout mutator the fuzz harness and the
 * campaign share (see topologies/layout_mutate.h). */
#include "topologies/layout_mutate.h"
#include "topologies/gen.h"
#include "topologies/topo_edit.h"
#include "acpi-gen/model.h"
#include <stdlib.h>
#include <string.h>

int layout_mutant(const struct topology *parent, struct rng *r, struct topology *out, struct feature_set *fs,
		  char **text)
{
	int rounds = rng_chance(r, 20) ? (int)rng_range(r, 2, 4) : 1;
	for (int attempt = 0; attempt < LAYOUT_MUTATE_ATTEMPTS; attempt++) {
		struct topology t;
		topo_clone(parent, &t);
		/* The last round keeps the layout its checks computed: the model
		 * starts from it instead of laying the topology out again. */
		int done = 0;
		struct layout l;
		for (int k = 0; k < rounds; k++) {
			if (gen_mutate(&t, r, k == rounds - 1 ? &l : NULL) != 0)
				break;
			done++;
		}
		struct model m;
		/* Without text wanted, the model skips its own text too. */
		if (done == rounds && (text ? model_compute_from_layout(&t, &l, &m) : model_compute_features(&t, &l, &m)) == 0) {
			layout_features(&t, &m, fs);
			model_free(&m);
			if (text)
				*text = topo_print(&t);
			*out = t;
			return 0;
		}
		topo_free(&t);
	}
	return -1;
}
