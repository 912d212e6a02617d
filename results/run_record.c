/* results/run_record.c: a run record's lifetime and its record.json form.
 * Strings are written through utf8_sanitize, so record.json is always valid
 * UTF-8 JSON whatever the console printed. record.json is written for people
 * and other tools; topofarm itself never reads it back: the SQLite store is
 * the one source of truth (resume, compare and report read the store). */
#include "results/run_record.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/utf8.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_FORMAT 1   /* record.json "format": bump on incompatible changes */

void run_record_free(struct run_record *r)
{
	if (!r)
		return;
	free(r->campaign);
	free(r->layout_name);
	free(r->layout_hash);
	free(r->topology_text);
	free(r->kernel_name);
	free(r->kernel_version);
	free(r->kernel_source);
	free(r->dir);
	free(r->argv_text);
	free(r->started_at);
	free(r->end_detail);
	triage_result_free(&r->triage);
	divergence_free(&r->divergence);
	coverage_free(&r->coverage);
	memset(r, 0, sizeof *r);
}

/* ---- writing ---- */






static void put_triage(struct json *j, const struct triage_result *t)
{
	json_key(j, "triage");
	json_object_begin(j);
	json_field_string(j, "outcome", outcome_name(t->outcome));
	json_field_string(j, "title", t->title);
	json_field_string(j, "frame", t->frame);
	json_field_bool(j, "reached_guest", t->reached_guest);
	json_field_bool(j, "guest_done", t->guest_done);
	json_field_string(j, "kernel_release", t->kernel_release);
	json_field_int(j, "reports_dropped", t->n_reports_dropped);
	triage_canaries_json(j, t);
	json_key(j, "reports");
	json_array_begin(j);
	for (int i = 0; i < t->n_reports; i++)
		triage_report_json(j, &t->reports[i], false);
	json_array_end(j);
	json_object_end(j);
}

static void put_divergence(struct json *j, const struct divergence *d)
{
	json_key(j, "divergence");
	json_object_begin(j);
	json_field_string(j, "skipped", d->skipped);
	json_field_int(j, "benign", d->n_benign);
	json_key(j, "items");
	json_array_begin(j);
	for (int i = 0; i < d->n; i++) {
		json_object_begin(j);
		json_field_string(j, "group", d->v[i].group);
		json_field_string(j, "model", d->v[i].predicted);
		json_field_string(j, "kernel", d->v[i].seen);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

char *run_record_to_json(const struct run_record *r)
{
	struct buf b = BUF_INIT;
	struct json j;
	json_init(&j, &b, true);
	json_object_begin(&j);
	json_field_int(&j, "format", RECORD_FORMAT);
	json_field_string(&j, "campaign", r->campaign);
	json_field_string(&j, "layout_name", r->layout_name);
	json_field_string(&j, "layout_hash", r->layout_hash);
	json_field_string(&j, "kernel_name", r->kernel_name);
	json_field_string(&j, "kernel_version", r->kernel_version);
	json_field_string(&j, "kernel_source", r->kernel_source);
	json_field_int(&j, "attempt", r->attempt);
	json_field_string(&j, "dir", r->dir);
	json_field_string(&j, "started_at", r->started_at);
	json_field_seconds(&j, "t_first_output", r->t_first_output);
	json_field_seconds(&j, "t_ready", r->t_ready);
	json_field_seconds(&j, "t_end", r->t_end);
	json_field_string(&j, "end", run_end_name(r->end));
	json_field_string(&j, "end_detail", r->end_detail);
	json_field_int(&j, "qemu_exit", r->qemu_exit);
	json_field_int(&j, "steps_done", r->steps_done);
	json_field_int(&j, "steps_total", r->steps_total);
	json_field_string(&j, "argv_text", r->argv_text);
	json_field_string(&j, "topology_text", r->topology_text);
	put_triage(&j, &r->triage);
	put_divergence(&j, &r->divergence);
	coverage_json(&j, &r->coverage);
	json_object_end(&j);
	buf_putc(&b, '\n');
	return buf_steal(&b);
}
