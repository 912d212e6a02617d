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

static void put_str(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	if (!v) {
		json_null(j);
		return;
	}
	char *clean = utf8_sanitize(v, strlen(v));
	json_string(j, clean);
	free(clean);
}

static void put_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

static void put_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

static void put_seconds(struct json *j, const char *key, double v)
{
	json_key(j, key);
	if (v < 0)
		json_null(j);
	else
		json_double(j, v);
}

static void put_signature_of(struct json *j, const char *key, const char *title)
{
	char *sig = title ? triage_signature(title) : NULL;
	put_str(j, key, sig);
	free(sig);
}

static void put_report(struct json *j, const struct triage_report *p)
{
	json_object_begin(j);
	put_str(j, "title", p->title);
	put_signature_of(j, "signature", p->title);
	put_str(j, "frame", p->frame);
	put_str(j, "family", p->family);
	put_str(j, "first_line", p->first_line);
	put_str(j, "phase", p->phase);
	put_str(j, "taint", p->taint);
	put_bool(j, "corrupted", p->corrupted);
	put_bool(j, "benign", p->benign);
	put_str(j, "known_bug", p->known_bug);
	put_str(j, "fix", p->fix);
	put_int(j, "offset", (long long)p->offset);
	put_str(j, "text", p->text);
	json_object_end(j);
}

static void put_run(struct json *j, const struct report_data *d, int i)
{
	const struct run_record *r = &d->runs.v[i];
	const struct triage_result *t = &r->triage;
	json_object_begin(j);
	put_int(j, "id", d->runs.ids[i]);
	put_str(j, "campaign", r->campaign);
	put_str(j, "layout", r->layout_name);
	put_str(j, "layout_hash", r->layout_hash);
	put_str(j, "kernel", r->kernel_name);
	put_str(j, "kernel_version", r->kernel_version);
	put_int(j, "attempt", r->attempt);
	put_str(j, "outcome", outcome_name(t->outcome));
	put_bool(j, "crashed", run_crashed(r));
	put_str(j, "title", t->title);
	put_signature_of(j, "signature", t->outcome == OUTCOME_PASS || t->outcome == OUTCOME_INFRA ? NULL : t->title);
	put_bool(j, "new_signature", d->runs.new_signature[i]);
	put_str(j, "frame", t->frame);
	put_str(j, "end", run_end_name(r->end));
	put_str(j, "end_detail", r->end_detail);
	put_int(j, "qemu_exit", r->qemu_exit);
	put_str(j, "started_at", r->started_at);
	put_seconds(j, "t_first_output", r->t_first_output);
	put_seconds(j, "t_ready", r->t_ready);
	put_seconds(j, "t_end", r->t_end);
	put_int(j, "steps_done", r->steps_done);
	put_int(j, "steps_total", r->steps_total);
	put_bool(j, "reached_guest", t->reached_guest);
	put_bool(j, "guest_done", t->guest_done);
	put_str(j, "kernel_release", t->kernel_release);
	put_int(j, "reports_dropped", t->n_reports_dropped);
	put_str(j, "dir", r->dir);
	put_str(j, "argv_text", r->argv_text);
	json_key(j, "reports");
	json_array_begin(j);
	for (int k = 0; k < t->n_reports; k++)
		put_report(j, &t->reports[k]);
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
		put_str(j, "signature", g->signature);
		put_str(j, "title", g->title);
		put_int(j, "count", g->count);
		put_str(j, "first_seen", g->first_seen);
		put_str(j, "last_seen", g->last_seen);
		put_str(j, "known_bug", g->known_bug);
		put_bool(j, "new", report_bucket_is_new(d, g));
		put_int(j, "first_run", g->first_run);
		put_str(j, "first_campaign", g->first_campaign);
		put_str(j, "first_kernel", g->first_kernel);
		put_str(j, "first_layout", g->first_layout);
		json_object_end(j);
	}
	json_array_end(j);
}

void report_write_json(struct buf *out, const struct report_data *d)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j);
	put_int(&j, "format", REPORT_JSON_FORMAT);
	put_int(&j, "schema_version", store_schema_version());
	put_str(&j, "generated_at", d->generated_at);
	put_str(&j, "results_dir", d->results_dir);
	put_str(&j, "campaign", d->campaign);
	put_str(&j, "current_campaign", d->current_campaign);
	json_key(&j, "campaigns");
	json_array_begin(&j);
	for (int i = 0; i < d->n_campaigns; i++) {
		json_object_begin(&j);
		put_str(&j, "name", d->campaigns[i].name);
		put_str(&j, "started", d->campaigns[i].started);
		put_str(&j, "finished", d->campaigns[i].finished);
		put_str(&j, "command", d->campaigns[i].command);
		put_int(&j, "runs", d->campaigns[i].runs);
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
