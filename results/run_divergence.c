/* results/run_divergence.c: applies the layout oracle (divergence.h) to a
 * finished run. Only a clean pass can diverge: a crash says more, and a
 * kernel that died early printed only part of what the model predicts. The
 * topology judged is the exact text the run booted. */
#include "results/run_record.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

void run_record_check_divergence(struct run_record *r, const char *console, size_t len)
{
	divergence_free(&r->divergence);
	if (r->triage.outcome != OUTCOME_PASS || !r->topology_text)
		return;
	struct topology t;
	struct topo_error err;
	if (topo_parse(r->topology_text, strlen(r->topology_text), "topology.topo", &t, &err) != 0) {
		char *msg = topo_error_string(&err);
		r->divergence.skipped = xasprintf("the recorded topology does not parse: %s", msg);
		free(msg);
		return;
	}
	divergence_check(&t, console, len, NULL, &r->divergence);
	topo_free(&t);
	if (r->divergence.n) {
		r->triage.outcome = OUTCOME_DIVERGENCE;
		free(r->triage.title);
		r->triage.title = divergence_title(&r->divergence);
	}
}
