/* results/run_divergence.c: applies the layout oracle (divergence.h) to a
 * finished run. Only a clean pass can diverge: a crash says more, and a
 * kernel that died early printed only part of what the model predicts. The
 * topology judged is the exact text the run booted. */
#include "results/run_record.h"
#include "common/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The layout model follows 6.1's x86 NUMA code. From 6.12 on NUMA init is
 * the generic mm/numa_memblks.c and prints differently: node ranges start
 * at the first page of DRAM (0x1000, not 0), numa=fake nodes move with it,
 * a memoryless node is no longer announced. Seen on every layout booted on
 * farm-6.12-debug (docs/kernels.md), so the oracle would only say "6.12 is
 * not 6.1"; those runs are not compared until the model knows versions. */
static bool model_covers_release(const char *release)
{
	unsigned major = 0, minor = 0;
	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return true;   /* unknown: compare */
	return major < 6 || (major == 6 && minor < 12);
}

void run_record_check_divergence(struct run_record *r, const char *console, size_t len)
{
	divergence_free(&r->divergence);
	if (r->triage.outcome != OUTCOME_PASS || !r->topology_text)
		return;
	if (!model_covers_release(r->triage.kernel_release)) {
		r->divergence.skipped = xasprintf("kernel %s: the layout model follows 6.1's NUMA code, and from 6.12 on "
						  "NUMA init prints differently (generic numa_memblks): not compared",
						  r->triage.kernel_release);
		return;
	}
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
