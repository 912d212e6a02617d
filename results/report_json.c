/* results/report_json.c: the machine-readable dump of a result store:
 * campaigns, kernels, crash signatures, and every run with its reports.
 * Strings are sanitised to valid UTF-8 first (console text is hostile). */
#include "results/report.h"
#include "results/compare.h"
#include "common/json.h"
#include "common/utf8.h"
#include <stdlib.h>
#include <string.h>

#define REPORT_JSON_FORMAT 1





static void put_signature_of(struct json *j, const char *key, const char *title)
{
	char *sig = title ? triage_signature(title) : NULL;
	json_field_string(j, key, sig);
	free(sig);
}


static void put_run(struct json *j, const struct report_data *d, int i)
{
	const struct run_record *r = &d->runs.v[i];
	const struct triage_result *t = &r->triage;
	json_object_begin(j);
	json_field_int(j, "id", d->runs.ids[i]);
	json_field_string(j, "campaign", r->campaign);
	json_field_string(j, "layout", r->layout_name);
	json_field_string(j, "layout_hash", r->layout_hash);
	json_field_string(j, "kernel", r->kernel_name);
	json_field_string(j, "kernel_version", r->kernel_version);
	json_field_int(j, "attempt", r->attempt);
	json_field_string(j, "outcome", outcome_name(t->outcome));
	json_field_bool(j, "crashed", run_crashed(r));
	json_field_string(j, "title", t->title);
	put_signature_of(j, "signature", t->outcome == OUTCOME_PASS || t->outcome == OUTCOME_INFRA ? NULL : t->title);
	json_field_bool(j, "new_signature", d->runs.new_signature[i]);
	json_field_string(j, "frame", t->frame);
	json_field_string(j, "end", run_end_name(r->end));
	json_field_string(j, "end_detail", r->end_detail);
	json_field_int(j, "qemu_exit", r->qemu_exit);
	json_field_string(j, "started_at", r->started_at);
	json_field_seconds(j, "t_first_output", r->t_first_output);
	json_field_seconds(j, "t_ready", r->t_ready);
	json_field_seconds(j, "t_end", r->t_end);
	json_field_int(j, "steps_done", r->steps_done);
	json_field_int(j, "steps_total", r->steps_total);
	json_field_bool(j, "reached_guest", t->reached_guest);
	json_field_bool(j, "guest_done", t->guest_done);
	json_field_string(j, "kernel_release", t->kernel_release);
	json_field_int(j, "reports_dropped", t->n_reports_dropped);
	triage_canaries_json(j, t);
	coverage_json(j, &r->coverage);
	json_field_string(j, "dir", r->dir);
	json_field_string(j, "argv_text", r->argv_text);
	json_key(j, "reports");
	json_array_begin(j);
	for (int k = 0; k < t->n_reports; k++)
		triage_report_json(j, &t->reports[k], true);
	json_array_end(j);
	json_key(j, "divergence");
	json_array_begin(j);
	for (int k = 0; k < r->divergence.n; k++) {
		json_object_begin(j);
		json_field_string(j, "group", r->divergence.v[k].group);
		json_field_string(j, "model", r->divergence.v[k].predicted);
		json_field_string(j, "kernel", r->divergence.v[k].seen);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void put_signatures(struct json *j, const struct report_data *d)
{
	json_key(j, "signatures");
	json_array_begin(j);
	for (int i = 0; i < d->n_sigs; i++) {
		const struct store_signature *g = &d->sigs[i];
		json_object_begin(j);
		json_field_string(j, "signature", g->signature);
		json_field_string(j, "title", g->title);
		json_field_int(j, "count", g->count);
		json_field_string(j, "first_seen", g->first_seen);
		json_field_string(j, "last_seen", g->last_seen);
		json_field_string(j, "known_bug", g->known_bug);
		json_field_bool(j, "new", report_bucket_is_new(d, g));
		json_field_int(j, "first_run", g->first_run);
		json_field_string(j, "first_campaign", g->first_campaign);
		json_field_string(j, "first_kernel", g->first_kernel);
		json_field_string(j, "first_layout", g->first_layout);
		json_object_end(j);
	}
	json_array_end(j);
}

void report_write_json(struct buf *out, const struct report_data *d)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j);
	json_field_int(&j, "format", REPORT_JSON_FORMAT);
	json_field_int(&j, "schema_version", store_schema_version());
	json_field_string(&j, "generated_at", d->generated_at);
	json_field_string(&j, "results_dir", d->results_dir);
	json_field_string(&j, "campaign", d->campaign);
	json_field_string(&j, "current_campaign", d->current_campaign);
	json_key(&j, "campaigns");
	json_array_begin(&j);
	for (int i = 0; i < d->n_campaigns; i++) {
		json_object_begin(&j);
		json_field_string(&j, "name", d->campaigns[i].name);
		json_field_string(&j, "started", d->campaigns[i].started);
		json_field_string(&j, "finished", d->campaigns[i].finished);
		json_field_string(&j, "command", d->campaigns[i].command);
		json_field_int(&j, "runs", d->campaigns[i].runs);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "kernels");
	json_array_begin(&j);
	for (int i = 0; i < d->n_kernels; i++) {
		char *clean = utf8_sanitize(d->kernels[i], strlen(d->kernels[i]));
		json_string(&j, clean);
		free(clean);
	}
	json_array_end(&j);
	put_signatures(&j, d);
	json_key(&j, "runs");
	json_array_begin(&j);
	for (int i = 0; i < d->runs.n; i++)
		put_run(&j, d, i);
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(out, '\n');
}
