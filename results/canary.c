/* results/canary.c: parsing and bookkeeping of the seed-bug canaries
 * (see results/canary.h). The console is hostile input: a canary line is
 * accepted only in its exact form, three decimal digits and one of two
 * words, and a bug number out of range is ignored. */
#include "results/canary.h"
#include "results/triage.h"
#include "common/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY_PREFIX "topofarm: bug "

bool canary_parse(const char *msg, size_t len, int *bug, bool *triggered)
{
	size_t pl = strlen(CANARY_PREFIX);
	if (len < pl + 3 || memcmp(msg, CANARY_PREFIX, pl) != 0)
		return false;
	const char *p = msg + pl;
	int n = 0;
	for (int i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		n = n * 10 + (p[i] - '0');
	}
	if (n >= CANARY_MAX_BUGS)
		return false;
	const char *w = p + 3;
	size_t rest = len - pl - 3;
	while (rest && (w[rest - 1] == ' ' || w[rest - 1] == '\r'))
		rest--;
	if (rest == strlen(" reached") && !memcmp(w, " reached", rest))
		*triggered = false;
	else if (rest == strlen(" triggered") && !memcmp(w, " triggered", rest))
		*triggered = true;
	else
		return false;
	*bug = n;
	return true;
}

static struct bug_canary *find_or_add(struct triage_result *r, int bug)
{
	for (int i = 0; i < r->n_canaries; i++)
		if (r->canaries[i].bug == bug)
			return &r->canaries[i];
	if (r->n_canaries >= CANARY_MAX_BUGS)
		return NULL;
	/* kept sorted by bug number, so summaries are stable */
	int at = r->n_canaries;
	while (at > 0 && r->canaries[at - 1].bug > bug) {
		r->canaries[at] = r->canaries[at - 1];
		at--;
	}
	r->n_canaries++;
	r->canaries[at] = (struct bug_canary){ .bug = bug };
	return &r->canaries[at];
}

void canary_note(struct triage_result *r, int bug, bool triggered)
{
	struct bug_canary *c = find_or_add(r, bug);
	if (!c)
		return;
	c->reached = true;
	if (triggered)
		c->triggered = true;
}

void canary_set(struct triage_result *r, int bug, int state)
{
	struct bug_canary *c = find_or_add(r, bug);
	if (!c)
		return;
	c->reached = true;
	c->triggered = state >= 1;
	c->detected = state >= 2;
}

void canary_detect(struct triage_result *r)
{
	for (int i = 0; i < r->n_canaries; i++) {
		char id[16];
		snprintf(id, sizeof id, "seed-%03d", r->canaries[i].bug);
		for (int j = 0; j < r->n_reports; j++)
			if (r->reports[j].known_bug && !strcmp(r->reports[j].known_bug, id))
				r->canaries[i].detected = true;
	}
}

const char *canary_state(const struct bug_canary *c)
{
	return c->detected ? "detected" : c->triggered ? "triggered" : "reached";
}

int canary_state_from_name(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "reached"))
		return 0;
	if (!strcmp(s, "triggered"))
		return 1;
	if (!strcmp(s, "detected"))
		return 2;
	return -1;
}

char *canary_summary(const struct triage_result *r)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < r->n_canaries; i++)
		buf_printf(&b, "%s%03d %s", i ? ", " : "", r->canaries[i].bug, canary_state(&r->canaries[i]));
	return b.s ? buf_steal(&b) : xstrdup("");
}
