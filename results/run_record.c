/* results/run_record.c: a run record's lifetime and its record.json form.
 * Strings are written through utf8_sanitize, so record.json is always valid
 * UTF-8 JSON whatever the console printed, and the strict reader in
 * common/json_parse.c reads back exactly what was written. */
#include "results/run_record.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/json_parse.h"
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
	json_object_end(&j);
	buf_putc(&b, '\n');
	return buf_steal(&b);
}

/* ---- reading ---- */

/* The reader collects the first problem as "NAME: field KEY: expected ..." */
struct reader {
	const char *name;
	char *err;
};

static void bad_field(struct reader *rd, const char *path, const char *key, const char *what)
{
	if (!rd->err)
		rd->err = xasprintf("%s: %s%s%s: expected %s", rd->name, path, *path ? "." : "", key, what);
}

/* Optional string: absent and null give NULL. */
static char *get_str(struct reader *rd, const struct json_value *o, const char *path, const char *key)
{
	const struct json_value *v = json_get(o, key);
	if (!v || v->type == JSON_NULL)
		return NULL;
	if (v->type != JSON_STRING) {
		bad_field(rd, path, key, "a string or null");
		return NULL;
	}
	return xstrdup(v->string);
}

static char *need_str(struct reader *rd, const struct json_value *o, const char *path, const char *key)
{
	char *s = get_str(rd, o, path, key);
	if (!s)
		bad_field(rd, path, key, "a string (required)");
	return s;
}

static long long get_int(struct reader *rd, const struct json_value *o, const char *path,
			 const char *key, long long dflt, long long min, long long max)
{
	const struct json_value *v = json_get(o, key);
	if (!v)
		return dflt;
	if (v->type != JSON_NUMBER || !v->is_integer || v->integer < min || v->integer > max) {
		char what[96];
		snprintf(what, sizeof what, "an integer in %lld..%lld", min, max);
		bad_field(rd, path, key, what);
		return dflt;
	}
	return v->integer;
}

static double get_seconds(struct reader *rd, const struct json_value *o, const char *key)
{
	const struct json_value *v = json_get(o, key);
	if (!v || v->type == JSON_NULL)
		return -1;
	if (v->type != JSON_NUMBER || v->number < 0) {
		bad_field(rd, "", key, "a non-negative number of seconds or null");
		return -1;
	}
	return v->number;
}

static bool get_bool(struct reader *rd, const struct json_value *o, const char *path, const char *key)
{
	const struct json_value *v = json_get(o, key);
	if (!v)
		return false;
	if (v->type != JSON_BOOL) {
		bad_field(rd, path, key, "true or false");
		return false;
	}
	return v->boolean;
}

static void read_report(struct reader *rd, const struct json_value *o, int i, struct triage_report *p)
{
	char path[48];
	snprintf(path, sizeof path, "triage.reports[%d]", i);
	if (o->type != JSON_OBJECT) {
		bad_field(rd, "triage.reports", path + strlen("triage.reports"), "an object");
		return;
	}
	p->title = need_str(rd, o, path, "title");
	p->frame = get_str(rd, o, path, "frame");
	p->family = get_str(rd, o, path, "family");
	p->first_line = get_str(rd, o, path, "first_line");
	p->phase = get_str(rd, o, path, "phase");
	p->taint = get_str(rd, o, path, "taint");
	p->corrupted = get_bool(rd, o, path, "corrupted");
	p->benign = get_bool(rd, o, path, "benign");
	p->known_bug = get_str(rd, o, path, "known_bug");
	p->fix = get_str(rd, o, path, "fix");
	p->offset = (size_t)get_int(rd, o, path, "offset", 0, 0, 1LL << 50);
	p->text = get_str(rd, o, path, "text");
}

/* "canaries": [{"bug": "004", "state": "triggered"}]; absent in records
 * written before canaries existed. */
static void get_canaries(struct reader *rd, const struct json_value *o, struct triage_result *t)
{
	const struct json_value *v = json_get(o, "canaries");
	if (!v || v->type == JSON_NULL)
		return;
	if (v->type != JSON_ARRAY) {
		bad_field(rd, "triage", "canaries", "an array");
		return;
	}
	for (int i = 0; i < v->n; i++) {
		const struct json_value *c = &v->items[i];
		char *bug = c->type == JSON_OBJECT ? get_str(rd, c, "triage.canaries", "bug") : NULL;
		char *state = c->type == JSON_OBJECT ? get_str(rd, c, "triage.canaries", "state") : NULL;
		int n, st = canary_state_from_name(state);
		bool triggered;
		char line[64];
		snprintf(line, sizeof line, "topofarm: bug %s reached", bug ? bug : "?");
		if (!bug || strlen(bug) != 3 || st < 0 || !canary_parse(line, strlen(line), &n, &triggered)) {
			bad_field(rd, "triage", "canaries", "objects {\"bug\": \"NNN\", \"state\": reached|triggered|detected}");
		} else {
			canary_set(t, n, st);
		}
		free(bug);
		free(state);
	}
}

static void read_triage(struct reader *rd, const struct json_value *o, struct triage_result *t)
{
	if (!o || o->type != JSON_OBJECT) {
		bad_field(rd, "", "triage", "an object");
		return;
	}
	char *outcome = need_str(rd, o, "triage", "outcome");
	int oc = outcome ? outcome_from_name(outcome) : -1;
	if (outcome && oc < 0)
		bad_field(rd, "triage", "outcome", "pass, warning, oops, panic, hang, boot-fail or infra");
	t->outcome = oc < 0 ? OUTCOME_INFRA : (enum outcome)oc;
	free(outcome);
	t->title = get_str(rd, o, "triage", "title");
	t->frame = get_str(rd, o, "triage", "frame");
	t->reached_guest = get_bool(rd, o, "triage", "reached_guest");
	t->guest_done = get_bool(rd, o, "triage", "guest_done");
	t->kernel_release = get_str(rd, o, "triage", "kernel_release");
	t->n_reports_dropped = (int)get_int(rd, o, "triage", "reports_dropped", 0, 0, 1 << 30);
	get_canaries(rd, o, t);
	const struct json_value *reps = json_get(o, "reports");
	if (reps && reps->type != JSON_ARRAY) {
		bad_field(rd, "triage", "reports", "an array");
		return;
	}
	if (!reps || !reps->n)
		return;
	t->reports = xcalloc((size_t)reps->n, sizeof *t->reports);
	t->n_reports = reps->n;
	for (int i = 0; i < reps->n; i++)
		read_report(rd, &reps->items[i], i, &t->reports[i]);
}

int run_record_from_json(const char *text, struct run_record *r, char **err)
{
	struct json_value *root;
	memset(r, 0, sizeof *r);
	if (json_parse(text, strlen(text), "record.json", &root, err) < 0)
		return -1;
	struct reader rd = { "record.json", NULL };
	if (root->type != JSON_OBJECT) {
		json_value_free(root);
		*err = xstrdup("record.json: expected a JSON object at the top level");
		return -1;
	}
	long long format = get_int(&rd, root, "", "format", RECORD_FORMAT, 1, RECORD_FORMAT);
	(void)format;
	r->campaign = get_str(&rd, root, "", "campaign");
	r->layout_name = need_str(&rd, root, "", "layout_name");
	r->layout_hash = need_str(&rd, root, "", "layout_hash");
	r->kernel_name = need_str(&rd, root, "", "kernel_name");
	r->kernel_version = get_str(&rd, root, "", "kernel_version");
	r->kernel_source = get_str(&rd, root, "", "kernel_source");
	r->attempt = (int)get_int(&rd, root, "", "attempt", 1, 1, 1000000);
	r->dir = get_str(&rd, root, "", "dir");
	r->started_at = get_str(&rd, root, "", "started_at");
	r->t_first_output = get_seconds(&rd, root, "t_first_output");
	r->t_ready = get_seconds(&rd, root, "t_ready");
	r->t_end = get_seconds(&rd, root, "t_end");
	char *end = get_str(&rd, root, "", "end");
	int e = end ? run_end_from_name(end) : RUN_END_UNKNOWN;
	if (e < 0)
		bad_field(&rd, "", "end", "unknown, guest-done, panic, silence, timeout, qemu-exit or infra");
	r->end = e < 0 ? RUN_END_UNKNOWN : (enum run_end)e;
	free(end);
	r->end_detail = get_str(&rd, root, "", "end_detail");
	r->qemu_exit = (int)get_int(&rd, root, "", "qemu_exit", -1, -1, 255);
	r->steps_done = (int)get_int(&rd, root, "", "steps_done", 0, 0, 1 << 20);
	r->steps_total = (int)get_int(&rd, root, "", "steps_total", 0, 0, 1 << 20);
	r->argv_text = get_str(&rd, root, "", "argv_text");
	r->topology_text = get_str(&rd, root, "", "topology_text");
	read_triage(&rd, json_get(root, "triage"), &r->triage);
	json_value_free(root);
	if (rd.err) {
		run_record_free(r);
		*err = rd.err;
		return -1;
	}
	return 0;
}
