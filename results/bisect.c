/* results/bisect.c: per-step decisions of a bisection (see bisect.h). */
#include "results/bisect.h"
#include "results/compare.h"
#include "common/buf.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void behaviour_free(struct behaviour *b)
{
	free(b->title);
	free(b->signature);
	memset(b, 0, sizeof *b);
}

const char *behaviour_label(const struct behaviour *b)
{
	return b->crashed ? b->title : "pass";
}

static void behaviour_of(const struct run_record *r, struct behaviour *b)
{
	memset(b, 0, sizeof *b);
	b->crashed = run_crashed(r);
	if (b->crashed) {
		b->title = xstrdup(r->triage.title ? r->triage.title : outcome_name(r->triage.outcome));
		b->signature = triage_signature(b->title);
	}
}

static bool same_behaviour(const struct behaviour *a, const struct behaviour *b)
{
	if (a->crashed != b->crashed)
		return false;
	return !a->crashed || !strcmp(a->signature, b->signature);
}

void step_judgement_free(struct step_judgement *j)
{
	behaviour_free(&j->majority);
	free(j->why);
	memset(j, 0, sizeof *j);
}

const char *step_state_name(enum step_state s)
{
	static const char *const names[] = { "need-runs", "same", "different", "undecidable" };
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

double bisect_miss_bound(int agreeing)
{
	return pow(0.5, agreeing);
}

void bisect_judge(const struct run_record *const *runs, int n, const struct behaviour *ref,
		  int want_runs, int max_runs, struct step_judgement *out)
{
	memset(out, 0, sizeof *out);
	struct behaviour *seen = xcalloc((size_t)n + 1, sizeof *seen);
	int *count = xcalloc((size_t)n + 1, sizeof *count), n_seen = 0, crashes = 0;
	for (int i = 0; i < n; i++) {
		if (runs[i]->triage.outcome == OUTCOME_INFRA) {
			out->infra++;
			continue;
		}
		out->attempts++;
		struct behaviour b;
		behaviour_of(runs[i], &b);
		crashes += b.crashed;
		int k = 0;
		while (k < n_seen && !same_behaviour(&seen[k], &b))
			k++;
		if (k == n_seen)
			seen[n_seen++] = b;
		else
			behaviour_free(&b);
		count[k]++;
		if (ref && same_behaviour(&seen[k], ref))
			out->reference_seen++;
	}
	int best = 0;
	for (int k = 1; k < n_seen; k++)
		if (count[k] > count[best])
			best = k;
	out->flaky = n_seen > 1;
	out->agreeing = n_seen ? count[best] : 0;
	if (n_seen) {
		out->majority = seen[best];
		memset(&seen[best], 0, sizeof seen[best]);
	}
	const char *label = n_seen ? behaviour_label(&out->majority) : "no run";
	if (out->attempts < want_runs && !(out->flaky && out->attempts >= max_runs)) {
		out->state = STEP_NEED_RUNS;
	} else if (!out->flaky) {
		out->state = !ref || same_behaviour(&out->majority, ref) ? STEP_SAME : STEP_DIFFERENT;
	} else if (out->attempts < max_runs) {
		out->state = STEP_NEED_RUNS;
	} else if (!ref) {
		out->state = STEP_SAME;          /* the reference: its majority, said flaky */
	} else {
		int threshold = out->attempts / 6 > 2 ? out->attempts / 6 : 2;
		if (ref->crashed)
			out->state = out->reference_seen >= threshold ? STEP_SAME
				   : out->reference_seen == 0 ? STEP_DIFFERENT : STEP_UNDECIDABLE;
		else
			out->state = crashes == 0 ? STEP_SAME : crashes >= threshold ? STEP_DIFFERENT : STEP_UNDECIDABLE;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "%d/%d attempts: %s", out->agreeing, out->attempts, label);
	if (out->flaky)
		buf_printf(&b, " (flaky: %d different behaviours)", n_seen);
	if (ref && out->flaky)
		buf_printf(&b, "; the reference's in %d/%d", out->reference_seen, out->attempts);
	if (out->infra)
		buf_printf(&b, "; %d infra run%s ignored", out->infra, out->infra == 1 ? "" : "s");
	out->why = buf_steal(&b);
	for (int k = 0; k < n_seen; k++)
		behaviour_free(&seen[k]);
	free(seen);
	free(count);
}
