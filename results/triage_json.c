/* results/triage_json.c: one triage report, and a run's seed-bug canaries,
 * as JSON, the same in `topofarm triage --json`, record.json and
 * `topofarm report --json`. */
#include "results/triage.h"
#include "common/json.h"
#include <stdio.h>
#include <stdlib.h>

void triage_canaries_json(struct json *j, const struct triage_result *r)
{
	json_key(j, "canaries");
	json_array_begin(j);
	for (int i = 0; i < r->n_canaries; i++) {
		char bug[8];
		snprintf(bug, sizeof bug, "%03d", r->canaries[i].bug);
		json_object_begin(j);
		json_field_string(j, "bug", bug);
		json_field_string(j, "state", canary_state(&r->canaries[i]));
		json_object_end(j);
	}
	json_array_end(j);
}

void triage_report_json(struct json *j, const struct triage_report *p, bool with_signature)
{
	json_object_begin(j);
	json_field_string(j, "title", p->title);
	if (with_signature) {
		char *sig = p->title ? triage_signature(p->title) : NULL;
		json_field_string(j, "signature", sig);
		free(sig);
	}
	json_field_string(j, "frame", p->frame);
	json_field_string(j, "family", p->family);
	json_field_string(j, "first_line", p->first_line);
	json_field_string(j, "phase", p->phase);
	json_field_string(j, "taint", p->taint);
	json_field_bool(j, "corrupted", p->corrupted);
	json_field_bool(j, "benign", p->benign);
	json_field_string(j, "known_bug", p->known_bug);
	json_field_string(j, "fix", p->fix);
	json_field_int(j, "offset", (long long)p->offset);
	json_field_string(j, "text", p->text);
	if (p->symbols.n) {
		/* with a vmlinux: where the guilty frame is, and every frame */
		json_field_string(j, "where", symbolized_where(&p->symbols, p->frame));
		json_key(j, "frames");
		json_array_begin(j);
		for (int i = 0; i < p->symbols.n; i++) {
			json_object_begin(j);
			json_field_string(j, "frame", p->symbols.v[i].frame);
			json_field_string(j, "where", p->symbols.v[i].where);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_object_end(j);
}
