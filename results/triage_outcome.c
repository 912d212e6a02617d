/* results/triage_outcome.c: the verdict of a triaged log. Matches reports
 * against the known list, ranks them (a panic beats an oops beats a hang
 * beats a warning; benign reports do not count), and falls back on the guest
 * markers and the way the run ended when no report explains the run. */
#include "results/triage_state.h"
#include <stdlib.h>
#include <string.h>

enum rank { RANK_NONE, RANK_WARNING, RANK_HANG, RANK_OOPS, RANK_PANIC };

static void apply_known(const struct known_list *k, struct found *f)
{
	const struct known_entry *e = known_list_match(k, f->r.title);
	if (!e)
		return;
	if (e->benign) {
		f->r.benign = true;
	} else {
		f->r.known_bug = xstrdup(e->id);
		f->r.fix = e->fix ? xstrdup(e->fix) : NULL;
	}
}

/* A benign report cannot explain a panic: the panic becomes its own report. */
static void split_benign_panic(struct triage *t, int i)
{
	struct found *f = &t->found[i];
	if (!f->r.benign || !f->panicked)
		return;
	if (t->n_found == t->cap_found) {
		t->cap_found = t->cap_found * 2 + 1;
		t->found = xrealloc(t->found, (size_t)t->cap_found * sizeof *t->found);
		f = &t->found[i];
	}
	struct found *p = &t->found[t->n_found++];
	memset(p, 0, sizeof *p);
	struct title_parts parts = { FAM_PANIC, NULL, f->panic_reason, NULL, NULL, NULL };
	p->fam = FAM_PANIC;
	p->r.title = title_build(&parts);
	p->r.family = xstrdup(family_info(FAM_PANIC)->name);
	p->r.first_line = xasprintf("Kernel panic - not syncing: %s", f->panic_reason ? f->panic_reason : "");
	p->r.text = xstrdup(p->r.first_line);
	p->r.phase = xstrdup(f->r.phase);
	p->r.offset = f->panic_offset;
	p->panicked = true;
	f->panicked = false;
	apply_known(t->known, p);
}

/* Did the guest make progress after this report (a marker, a later boot phase)? */
static bool went_on(const struct triage *t, const struct found *f)
{
	if (t->end == RUN_END_GUEST_DONE)
		return true;
	if (t->any_marker && t->last_marker_off > f->r.offset)
		return true;
	return f->r.phase && strcmp(f->r.phase, t->phase) != 0;
}

static enum rank report_rank(const struct triage *t, const struct found *f)
{
	if (f->r.benign)
		return RANK_NONE;
	enum severity sev = family_info(f->fam)->sev;
	if (sev == SEV_PANIC || f->panicked)
		return RANK_PANIC;
	bool on = went_on(t, f);
	switch (sev) {
	case SEV_WARNING:
		return RANK_WARNING;
	case SEV_STALL:
		if (!on && t->end == RUN_END_PANIC)
			return RANK_PANIC;
		return on ? RANK_OOPS : RANK_HANG;
	default:
		/* A BUG that stopped the kernel: nothing came after it and the
		 * run ended in a panic/exit, or it hit before init ever ran. */
		if (!on && (t->end == RUN_END_PANIC || t->end == RUN_END_QEMU_EXIT ||
			    !strcmp(f->r.phase ? f->r.phase : "", "early boot")))
			return RANK_PANIC;
		return RANK_OOPS;
	}
}

static enum outcome rank_outcome(enum rank r)
{
	switch (r) {
	case RANK_PANIC: return OUTCOME_PANIC;
	case RANK_OOPS: return OUTCOME_OOPS;
	case RANK_HANG: return OUTCOME_HANG;
	case RANK_WARNING: return OUTCOME_WARNING;
	default: return OUTCOME_PASS;
	}
}

/* No report explains the run: the markers and the run's end do. */
static enum outcome marker_outcome(const struct triage *t, char **title)
{
	*title = NULL;
	if (t->end == RUN_END_PANIC) {
		*title = xstrdup("kernel panic without a report in the log");
		return OUTCOME_PANIC;
	}
	bool stuck = t->end == RUN_END_TIMEOUT || t->end == RUN_END_SILENCE;
	if (t->done || t->end == RUN_END_GUEST_DONE) {
		if (!stuck)
			return OUTCOME_PASS;
		*title = xasprintf("hang in %s", t->phase);
		return OUTCOME_HANG;
	}
	if (!t->reached) {
		*title = xasprintf("boot failure in %s", t->phase);
		return OUTCOME_BOOT_FAIL;
	}
	*title = xasprintf("hang in %s", t->phase);
	return OUTCOME_HANG;
}

void triage_finish(struct triage *t, struct triage_result *out)
{
	int n0 = t->n_found;
	for (int i = 0; i < n0; i++)
		apply_known(t->known, &t->found[i]);
	for (int i = 0; i < n0; i++)
		split_benign_panic(t, i);

	int best = -1;
	enum rank best_rank = RANK_NONE;
	for (int i = 0; i < t->n_found; i++) {
		enum rank r = report_rank(t, &t->found[i]);
		if (r > best_rank) {
			best_rank = r;
			best = i;
		}
	}

	char *synthetic = NULL;
	enum outcome mo = marker_outcome(t, &synthetic);
	if (best_rank == RANK_WARNING && mo != OUTCOME_PASS) {
		/* A warning and then no finish: the run's end decides the class,
		 * the warning (the best clue there is) names it. */
		out->outcome = mo;
		free(synthetic);
		synthetic = NULL;
	} else if (best >= 0) {
		out->outcome = rank_outcome(best_rank);
		free(synthetic);
		synthetic = NULL;
	} else {
		out->outcome = mo;
	}
	if (best >= 0) {
		out->title = xstrdup(t->found[best].r.title);
		out->frame = t->found[best].r.frame ? xstrdup(t->found[best].r.frame) : NULL;
	} else {
		out->title = synthetic;
	}
	if (t->end == RUN_END_INFRA) {
		/* Never blamed on the kernel, whatever the log shows. */
		out->outcome = OUTCOME_INFRA;
		free(out->title);
		free(out->frame);
		out->title = out->frame = NULL;
	}

	out->n_reports = t->n_found;
	out->n_reports_dropped = t->dropped;
	out->reports = t->n_found ? xcalloc((size_t)t->n_found, sizeof *out->reports) : NULL;
	for (int i = 0; i < t->n_found; i++) {
		out->reports[i] = t->found[i].r;
		free(t->found[i].panic_reason);
	}
	free(t->found);
	t->found = NULL;
	out->reached_guest = t->reached;
	out->guest_done = t->done;
	out->kernel_release = t->release;
	t->release = NULL;
}

static void report_free(struct triage_report *r)
{
	free(r->title);
	free(r->frame);
	free(r->family);
	free(r->first_line);
	free(r->text);
	free(r->taint);
	free(r->phase);
	free(r->known_bug);
	free(r->fix);
	symbolized_free(&r->symbols);
}

void triage_result_free(struct triage_result *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n_reports; i++)
		report_free(&r->reports[i]);
	free(r->reports);
	free(r->title);
	free(r->frame);
	free(r->kernel_release);
	memset(r, 0, sizeof *r);
}

static const char *const run_end_names[] = {
	"unknown", "guest-done", "panic", "silence", "timeout", "qemu-exit", "infra",
};

const char *run_end_name(enum run_end e)
{
	return (unsigned)e < sizeof run_end_names / sizeof run_end_names[0] ? run_end_names[e] : "?";
}

int run_end_from_name(const char *s)
{
	for (size_t i = 0; i < sizeof run_end_names / sizeof run_end_names[0]; i++)
		if (!strcmp(s, run_end_names[i]))
			return (int)i;
	return -1;
}
