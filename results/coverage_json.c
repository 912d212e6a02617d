/* results/coverage_json.c: a run's boot coverage as JSON, the same object
 * in record.json and in `topofarm triage --json` (null: the kernel printed
 * no coverage). The edges themselves stay in the store. */
#include "results/coverage.h"
#include "common/json.h"

void coverage_json(struct json *j, const struct coverage *c)
{
	json_key(j, "coverage");
	if (!c->present) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_field_int(j, "edges", (long long)c->edges.n);
	json_field_int(j, "objects", c->objects);
	json_field_int(j, "counters", c->counters);
	json_field_bool(j, "complete", c->complete);
	json_field_int(j, "bad_lines", c->bad_lines);
	json_field_int(j, "object_errors", c->object_errors);
	json_field_string(j, "problem", c->problem);
	json_object_end(j);
}
