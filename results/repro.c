/* results/repro.c: the same-bug test of `topofarm minimize` (repro.h). */
#include "results/repro.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

int repro_target_of(const struct run_record *r, struct repro_target *t, char **why)
{
	memset(t, 0, sizeof *t);
	enum outcome o = r->triage.outcome;
	if (o == OUTCOME_DIVERGENCE) {
		if (!r->divergence.n || !r->divergence.v[0].group) {
			*why = xstrdup("a divergence without a differing group");
			return -1;
		}
		t->divergence = true;
		t->group = xstrdup(r->divergence.v[0].group);
		t->label = xasprintf("divergence in %s", t->group);
		return 0;
	}
	if (o == OUTCOME_PASS || o == OUTCOME_INFRA || !r->triage.title) {
		*why = xasprintf("the run's outcome is %s: nothing to minimize", outcome_name(o));
		return -1;
	}
	t->signature = triage_signature(r->triage.title);
	t->label = xstrdup(r->triage.title);
	return 0;
}

void repro_target_free(struct repro_target *t)
{
	free(t->signature);
	free(t->group);
	free(t->label);
	memset(t, 0, sizeof *t);
}

bool repro_matches(const struct repro_target *t, const struct run_record *r)
{
	if (t->divergence) {
		if (r->triage.outcome != OUTCOME_DIVERGENCE)
			return false;
		for (int i = 0; i < r->divergence.n; i++)
			if (r->divergence.v[i].group && !strcmp(r->divergence.v[i].group, t->group))
				return true;
		return false;
	}
	if (r->triage.outcome == OUTCOME_PASS || r->triage.outcome == OUTCOME_INFRA || !r->triage.title)
		return false;
	char *sig = triage_signature(r->triage.title);
	bool same = !strcmp(sig, t->signature);
	free(sig);
	return same;
}
