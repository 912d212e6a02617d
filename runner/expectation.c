/* runner/expectation.c: a run's outcome against its topology's expect lines
 * (see runner/expectation.h). */
#include "runner/expectation.h"
#include <string.h>

const struct topo_expect *expectation_for(const struct topology *t, const char *kernel)
{
	const struct topo_expect *any = NULL;
	for (int i = 0; i < t->n_expects; i++) {
		const struct topo_expect *e = &t->expects[i];
		if (!strcmp(e->kernel, kernel))
			return e;
		if (!any && !strcmp(e->kernel, "*"))
			any = e;
	}
	return any;
}

bool expectation_met(const struct topology *t, const char *kernel, enum outcome outcome, const char *title,
		     const char **wanted_outcome, const char **wanted_title)
{
	const struct topo_expect *e = expectation_for(t, kernel);
	enum outcome want = e ? e->outcome : OUTCOME_PASS;
	const char *want_title = e ? e->title : NULL;
	if (wanted_outcome)
		*wanted_outcome = outcome_name(want);
	if (wanted_title)
		*wanted_title = want_title;
	if (outcome != want)
		return false;
	return !want_title || (title && !strcmp(title, want_title));
}
