/* tests/test_store.c: the SQLite result store and record.json. Round trips
 * of run records through the store (and record.json, read with jansson), signatures across kernels and campaigns,
 * replacing an infra attempt, resume queries, schema versions, and two real
 * processes writing one database at once. */
#include "tests/harness.h"
#include "tests/results_fixture.h"
#include "results/store.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int make_record(const char *dir, const char *topo, const char *kernel, int attempt, const char *log,
		       const char *campaign, int seq, struct run_record *r)
{
	char *err = NULL;
	char *path = xasprintf("tests/results/topo/%s", topo);
	int rc = fixture_record(dir, path, kernel, attempt, log, NULL, campaign, seq, r, &err);
	free(path);
	if (rc < 0) {
		test_fail(__FILE__, __LINE__, "%s", err);
		free(err);
	}
	return rc;
}

static bool str_eq_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_same_record(const struct run_record *a, const struct run_record *b)
{
	CHECK_STR(b->layout_name, a->layout_name);
	CHECK_STR(b->layout_hash, a->layout_hash);
	CHECK_STR(b->kernel_name, a->kernel_name);
	CHECK(str_eq_null(a->campaign, b->campaign));
	CHECK(str_eq_null(a->topology_text, b->topology_text));
	CHECK(str_eq_null(a->argv_text, b->argv_text));
	CHECK(str_eq_null(a->dir, b->dir));
	CHECK(str_eq_null(a->started_at, b->started_at));
	CHECK(str_eq_null(a->end_detail, b->end_detail));
	CHECK_INT(b->attempt, a->attempt);
	CHECK_INT(b->end, a->end);
	CHECK_INT(b->qemu_exit, a->qemu_exit);
	CHECK_INT(b->steps_done, a->steps_done);
	CHECK_INT(b->steps_total, a->steps_total);
	CHECK(b->t_end == a->t_end && b->t_ready == a->t_ready && b->t_first_output == a->t_first_output);
	CHECK_INT(b->triage.outcome, a->triage.outcome);
	CHECK(str_eq_null(a->triage.title, b->triage.title));
	CHECK(str_eq_null(a->triage.frame, b->triage.frame));
	CHECK(str_eq_null(a->triage.kernel_release, b->triage.kernel_release));
	CHECK_INT(b->triage.reached_guest, a->triage.reached_guest);
	CHECK_INT(b->triage.guest_done, a->triage.guest_done);
	char *ca = canary_summary(&a->triage), *cb = canary_summary(&b->triage);
	CHECK_STR(cb, ca);
	free(ca);
	free(cb);
	REQUIRE(b->triage.n_reports == a->triage.n_reports);
	for (int i = 0; i < a->triage.n_reports; i++) {
		const struct triage_report *p = &a->triage.reports[i], *q = &b->triage.reports[i];
		CHECK_STR(q->title, p->title);
		CHECK(str_eq_null(p->frame, q->frame));
		CHECK(str_eq_null(p->family, q->family));
		CHECK(str_eq_null(p->phase, q->phase));
		CHECK(str_eq_null(p->taint, q->taint));
		CHECK(str_eq_null(p->known_bug, q->known_bug));
		CHECK(str_eq_null(p->fix, q->fix));
		CHECK(str_eq_null(p->text, q->text));
		CHECK(str_eq_null(p->first_line, q->first_line));
		CHECK_INT(q->offset, p->offset);
		CHECK_INT(q->benign, p->benign);
		CHECK_INT(q->corrupted, p->corrupted);
	}
}

/* record.json is an artefact for people and other tools (the store is what
 * topofarm reads back): valid JSON, read here with jansson, holding the
 * record's fields. */
static json_t *record_as_json(const struct run_record *r)
{
	char *text = run_record_to_json(r);
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);
	if (!v)
		test_fail(__FILE__, __LINE__, "record.json does not parse: %d:%d: %s\n%s", jerr.line, jerr.column, jerr.text, text);
	free(text);
	return v;
}

static const char *field(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

TEST(record_json_holds_the_record)
{
	const char *logs[] = { "seed000_null_deref_deactivate_slab", "multi_benign_warning_oops_panic",
			       "clean_boot_61", "infra_end", "hang_timeout_in_step", "crlf_ansi_nul" };
	for (size_t i = 0; i < sizeof logs / sizeof *logs; i++) {
		struct run_record r;
		if (make_record(test_tmpdir(), "tiny-node.topo", "farm-6.1", 1, logs[i], "c1", (int)i, &r) < 0)
			continue;
		json_t *v = record_as_json(&r);
		if (v) {
			CHECK_INT(json_integer_value(json_object_get(v, "format")), 1);
			CHECK_STR(field(v, "layout_name"), r.layout_name);
			CHECK_STR(field(v, "layout_hash"), r.layout_hash);
			CHECK_STR(field(v, "kernel_name"), r.kernel_name);
			CHECK_STR(field(v, "topology_text"), r.topology_text);
			CHECK_STR(field(v, "end"), run_end_name(r.end));
			CHECK_INT(json_integer_value(json_object_get(v, "attempt")), r.attempt);
			json_t *t = json_object_get(v, "triage");
			CHECK_STR(field(t, "outcome"), outcome_name(r.triage.outcome));
			CHECK(str_eq_null(field(t, "title"), r.triage.title));
			json_t *reports = json_object_get(t, "reports");
			REQUIRE(json_array_size(reports) == (size_t)r.triage.n_reports);
			for (int k = 0; k < r.triage.n_reports; k++) {
				CHECK_STR(field(json_array_get(reports, (size_t)k), "title"), r.triage.reports[k].title);
				CHECK(str_eq_null(field(json_array_get(reports, (size_t)k), "text"), r.triage.reports[k].text));
			}
			json_decref(v);
		}
		run_record_free(&r);
	}
}

TEST(record_json_hostile_strings)
{
	struct run_record r = { 0 };
	r.layout_name = xstrdup("x");
	r.layout_hash = xstrdup("ab");
	r.kernel_name = xstrdup("k");
	r.attempt = 2;
	r.t_first_output = r.t_ready = r.t_end = -1;
	/* Invalid UTF-8, an overlong slash, an encoded surrogate, controls, markup. */
	r.end_detail = xstrdup("a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\x01\x1b[31m</details><script>\"\\");
	r.triage.outcome = OUTCOME_OOPS;
	r.triage.title = xstrdup("BUG: x");
	json_t *v = record_as_json(&r);
	REQUIRE(v);
	CHECK_STR(field(v, "end_detail"), "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "d\x01\x1b[31m</details><script>\"\\");
	CHECK_INT(json_integer_value(json_object_get(v, "attempt")), 2);
	CHECK(json_is_null(json_object_get(v, "t_end")) || json_number_value(json_object_get(v, "t_end")) < 0);
	json_decref(v);
	run_record_free(&r);
}

TEST(store_round_trip_and_signatures)
{
	const char *dir = test_tmpdir();
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(dir, &s, &err) == 0);
	struct run_record a, b, c, d;
	REQUIRE(make_record(dir, "tiny-node.topo", "farm-6.1-prefix", 1, "seed000_null_deref_deactivate_slab", "c1", 1, &a) == 0);
	REQUIRE(make_record(dir, "tiny-node.topo", "farm-6.12", 1, "null_deref_deactivate_slab_612_variant", "c2", 2, &b) == 0);
	REQUIRE(make_record(dir, "two-node.topo", "farm-6.1", 1, "multi_benign_warning_oops_panic", "c2", 3, &c) == 0);
	/* a clean run of a bug kernel: its canaries go through the store too */
	REQUIRE(make_record(dir, "two-node.topo", "farm-6.12", 1, "canaries_hostile", "c2", 4, &d) == 0);
	REQUIRE(d.triage.n_canaries == 3);
	int fresh = -1;
	CHECK_INT(store_add_run(s, &a, &fresh, &err), 0);
	CHECK_INT(fresh, 1);
	/* The same bug on another kernel, in another campaign: same bucket. */
	CHECK_INT(store_add_run(s, &b, &fresh, &err), 0);
	CHECK_INT(fresh, 0);
	CHECK_INT(store_add_run(s, &c, &fresh, &err), 0);
	CHECK(fresh >= 1);
	CHECK_INT(store_add_run(s, &d, &fresh, &err), 0);
	CHECK_INT(fresh, 0);

	struct store_runs runs;
	REQUIRE(store_load_runs(s, NULL, &runs, &err) == 0);
	CHECK_INT(runs.n, 4);
	/* Sorted by layout name then kernel: tiny-node < two-node. */
	for (int i = 0; i < runs.n; i++) {
		const struct run_record *want = NULL;
		if (!strcmp(runs.v[i].kernel_name, "farm-6.1-prefix")) want = &a;
		else if (!strcmp(runs.v[i].layout_name, "tiny-node")) want = &b;
		else if (!strcmp(runs.v[i].kernel_name, "farm-6.1")) want = &c;
		else want = &d;
		check_same_record(want, &runs.v[i]);
	}
	CHECK_STR(runs.v[0].layout_name, "tiny-node");
	CHECK_STR(runs.v[3].layout_name, "two-node");
	CHECK(runs.new_signature[0] && !runs.new_signature[1]);
	store_runs_free(&runs);
	REQUIRE(store_load_runs(s, "c1", &runs, &err) == 0);
	CHECK_INT(runs.n, 1);
	store_runs_free(&runs);

	struct store_signature *sigs;
	int n;
	REQUIRE(store_load_signatures(s, &sigs, &n, &err) == 0);
	REQUIRE(n >= 2);
	/* Sorted by count: the deactivate_slab bucket (2 runs) comes first. */
	CHECK_STR(sigs[0].title, "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK_INT(sigs[0].count, 2);
	CHECK_STR(sigs[0].first_seen, "2024-05-01T10:00:01Z");
	CHECK_STR(sigs[0].last_seen, "2024-05-01T10:00:02Z");
	CHECK_STR(sigs[0].known_bug, "seed-000");
	CHECK_STR(sigs[0].first_kernel, "farm-6.1-prefix");
	CHECK_STR(sigs[0].first_campaign, "c1");
	char *sig = triage_signature(sigs[0].title);
	CHECK_STR(sigs[0].signature, sig);
	free(sig);
	/* The benign topology_sane report of run c makes no bucket. */
	for (int i = 0; i < n; i++)
		CHECK(strcmp(sigs[i].title, "WARNING in topology_sane"));
	store_signatures_free(sigs, n);

	struct store_campaign *camps;
	REQUIRE(store_load_campaigns(s, &camps, &n, &err) == 0);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_INT(camps[1].runs, 3);
	store_campaigns_free(camps, n);
	char *latest = store_latest_campaign(s);
	CHECK_STR(latest, "c2");
	free(latest);

	CHECK(store_run_finished(s, a.layout_hash, "farm-6.1-prefix", 1));
	CHECK(!store_run_finished(s, a.layout_hash, "farm-6.1-prefix", 2));
	CHECK(!store_run_finished(s, a.layout_hash, "farm-6.1", 1));
	run_record_free(&a);
	run_record_free(&b);
	run_record_free(&c);
	run_record_free(&d);
	store_close(s);
}

/* Boot coverage goes through record.json (counts) and the store (the edge
 * set itself), and a replaced run takes its coverage with it. */
TEST(store_keeps_run_coverage)
{
	const char *dir = test_tmpdir();
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(dir, &s, &err) == 0);
	struct run_record a, b;
	REQUIRE(make_record(dir, "two-node.topo", "farm-6.1-gcov", 1, "clean_boot_61", "c1", 1, &a) == 0);
	REQUIRE(make_record(dir, "tiny-node.topo", "farm-6.1-gcov", 1, "clean_boot_61", "c1", 2, &b) == 0);
	CHECK(!a.coverage.present);
	size_t len = 0;
	char *log = read_file("tests/coverage/consoles/clean_a.log", &len);
	REQUIRE(log);
	coverage_parse(log, len, &a.coverage);
	free(log);
	log = read_file("tests/coverage/consoles/damaged.log", &len);
	REQUIRE(log);
	coverage_parse(log, len, &b.coverage);
	free(log);
	REQUIRE(a.coverage.edges.n == 148 && !b.coverage.complete);

	json_t *v = record_as_json(&a);
	REQUIRE(v);
	json_t *cov = json_object_get(v, "coverage");
	CHECK_INT(json_integer_value(json_object_get(cov, "edges")), 148);
	CHECK_INT(json_integer_value(json_object_get(cov, "objects")), 2);
	CHECK(json_is_true(json_object_get(cov, "complete")));
	json_decref(v);

	CHECK_INT(store_add_run(s, &a, NULL, &err), 0);
	CHECK_INT(store_add_run(s, &b, NULL, &err), 0);
	struct store_runs runs;
	REQUIRE(store_load_runs(s, NULL, &runs, &err) == 0);
	REQUIRE(runs.n == 2);
	for (int i = 0; i < runs.n; i++) {
		const struct coverage *want = !strcmp(runs.v[i].layout_name, a.layout_name) ? &a.coverage : &b.coverage;
		const struct coverage *got = &runs.v[i].coverage;
		CHECK(got->present);
		CHECK_INT(got->edges.n, want->edges.n);
		CHECK(got->edges.n == want->edges.n && !memcmp(got->edges.v, want->edges.v, want->edges.n * 8));
		CHECK_INT(got->complete, want->complete);
		CHECK_INT(got->objects, want->objects);
		CHECK_INT(got->bad_lines, want->bad_lines);
		CHECK(str_eq_null(got->problem, want->problem));
	}
	store_runs_free(&runs);
	/* The same layout, kernel and attempt again, without coverage: the old
	 * coverage row goes with the run it replaces. */
	coverage_free(&a.coverage);
	CHECK_INT(store_add_run(s, &a, NULL, &err), 0);
	REQUIRE(store_load_runs(s, NULL, &runs, &err) == 0);
	for (int i = 0; i < runs.n; i++)
		if (!strcmp(runs.v[i].layout_name, a.layout_name))
			CHECK(!runs.v[i].coverage.present);
	store_runs_free(&runs);
	run_record_free(&a);
	run_record_free(&b);
	store_close(s);
}

TEST(store_replaces_an_infra_attempt)
{
	const char *dir = test_tmpdir();
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(dir, &s, &err) == 0);
	struct run_record infra, crash, again;
	REQUIRE(make_record(dir, "tiny-node.topo", "k", 1, "infra_end", "c", 1, &infra) == 0);
	REQUIRE(make_record(dir, "tiny-node.topo", "k", 1, "seed000_null_deref_deactivate_slab", "c", 2, &crash) == 0);
	REQUIRE(make_record(dir, "tiny-node.topo", "k", 1, "clean_boot_61", "c", 3, &again) == 0);
	CHECK_INT(store_add_run(s, &infra, NULL, &err), 0);
	CHECK(!store_run_finished(s, infra.layout_hash, "k", 1));   /* infra: redo it */
	CHECK_INT(store_add_run(s, &crash, NULL, &err), 0);
	CHECK(store_run_finished(s, infra.layout_hash, "k", 1));
	struct store_signature *sigs;
	int n;
	REQUIRE(store_load_signatures(s, &sigs, &n, &err) == 0);
	REQUIRE(n == 1);
	CHECK_INT(sigs[0].count, 1);
	store_signatures_free(sigs, n);
	/* Replaced again by a clean run: the bucket stays, its count drops. */
	CHECK_INT(store_add_run(s, &again, NULL, &err), 0);
	struct store_runs runs;
	REQUIRE(store_load_runs(s, NULL, &runs, &err) == 0);
	CHECK_INT(runs.n, 1);
	CHECK_INT(runs.v[0].triage.outcome, OUTCOME_PASS);
	store_runs_free(&runs);
	REQUIRE(store_load_signatures(s, &sigs, &n, &err) == 0);
	REQUIRE(n == 1);
	CHECK_INT(sigs[0].count, 0);
	store_signatures_free(sigs, n);
	run_record_free(&infra);
	run_record_free(&crash);
	run_record_free(&again);
	store_close(s);
}

TEST(store_refuses_bad_records_and_newer_schemas)
{
	const char *dir = test_tmpdir();
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(dir, &s, &err) == 0);
	struct run_record r = { 0 };
	r.layout_name = xstrdup("x");
	r.kernel_name = xstrdup("k");
	r.attempt = 1;
	CHECK_INT(store_add_run(s, &r, NULL, &err), -1);
	CHECK_CONTAINS(err, "without layout_hash");
	free(err);
	err = NULL;
	run_record_free(&r);
	store_close(s);

	/* Schema: user_version is the number of migrations; a newer one is refused. */
	char *db = path_join(dir, "topofarm.db");
	sqlite3 *raw;
	REQUIRE(sqlite3_open(db, &raw) == SQLITE_OK);
	sqlite3_stmt *st;
	REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), store_schema_version());
	sqlite3_finalize(st);
	REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	CHECK(sqlite3_exec(raw, "PRAGMA user_version = 999", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(raw);
	CHECK_INT(store_open(dir, &s, &err), -1);
	CHECK_CONTAINS(err, "schema version 999 is newer");
	free(err);
	err = NULL;
	free(db);

	/* A reader does not create a store. */
	char *empty = path_join(test_tmpdir(), "empty");
	CHECK_INT(store_open_existing(empty, &s, &err), -1);
	CHECK_CONTAINS(err, "no result store here");
	CHECK(!path_exists(empty));
	free(err);
	free(empty);
}

/* Two processes, each adding RUNS runs at the same moment through its own
 * connection: every run must be there, and the shared bucket's count must
 * equal the number of crashing runs. */
#define WRITERS 2
#define RUNS 250

static int writer(const char *dir, int who, int *seq)
{
	struct store *s;
	char *err = NULL;
	if (store_open(dir, &s, &err) < 0) {
		fprintf(stderr, "writer %d: %s\n", who, err);
		return 1;
	}
	struct run_record crash, clean;
	char *e1 = NULL, *e2 = NULL;
	if (fixture_record(dir, "tests/results/topo/tiny-node.topo", "k", 1, "seed000_null_deref_deactivate_slab", NULL, "c", 0, &crash, &e1) < 0 ||
	    fixture_record(dir, "tests/results/topo/two-node.topo", "k", 1, "clean_boot_61", NULL, "c", 0, &clean, &e2) < 0) {
		fprintf(stderr, "writer %d: %s%s\n", who, e1 ? e1 : "", e2 ? e2 : "");
		return 1;
	}
	int failures = 0;
	for (int i = 0; i < RUNS; i++) {
		struct run_record *r = i % 2 ? &clean : &crash;
		r->attempt = 1 + who * RUNS + i;   /* distinct attempts: no replacement */
		(*seq)++;
		if (store_add_run(s, r, NULL, &err) < 0) {
			fprintf(stderr, "writer %d run %d: %s\n", who, i, err);
			free(err);
			err = NULL;
			failures++;
		}
	}
	run_record_free(&crash);
	run_record_free(&clean);
	store_close(s);
	return failures ? 1 : 0;
}

TEST(store_two_processes_write_at_once)
{
	char *dir = path_join(test_tmpdir(), "shared");
	/* A pipe makes both children start writing together. */
	int go[2];
	REQUIRE(pipe(go) == 0);
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		REQUIRE(pids[w] >= 0);
		if (pids[w] == 0) {
			close(go[1]);
			char c;
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			int seq = 0;
			_exit(writer(dir, w, &seq));
		}
	}
	close(go[0]);
	close(go[1]);   /* EOF releases both readers at once */
	for (int w = 0; w < WRITERS; w++) {
		int status = 0;
		waitpid(pids[w], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open_existing(dir, &s, &err) == 0);
	struct store_runs runs;
	REQUIRE(store_load_runs(s, NULL, &runs, &err) == 0);
	CHECK_INT(runs.n, WRITERS * RUNS);
	/* Every attempt number of every writer is there exactly once. */
	char *seen = xcalloc(WRITERS * RUNS + 1, 1);
	for (int i = 0; i < runs.n; i++)
		if (runs.v[i].attempt >= 1 && runs.v[i].attempt <= WRITERS * RUNS)
			seen[runs.v[i].attempt]++;
	for (int a = 1; a <= WRITERS * RUNS; a++)
		if (seen[a] != 1)
			test_fail(__FILE__, __LINE__, "attempt %d stored %d times", a, seen[a]);
	free(seen);
	store_runs_free(&runs);
	struct store_signature *sigs;
	int n;
	REQUIRE(store_load_signatures(s, &sigs, &n, &err) == 0);
	REQUIRE(n == 1);
	CHECK_INT(sigs[0].count, WRITERS * RUNS / 2);
	store_signatures_free(sigs, n);
	store_close(s);
	free(dir);
}

TEST(store_campaign_bookkeeping)
{
	struct store *s;
	char *err = NULL;
	REQUIRE(store_open(test_tmpdir(), &s, &err) == 0);
	/* err may be NULL: callers that only log do not need the message. */
	CHECK_INT(store_campaign_begin(s, "night-1", "topofarm run topologies/seeds --kernels default", NULL), 0);
	CHECK_INT(store_campaign_finish(s, "night-1", NULL), 0);
	CHECK_INT(store_campaign_begin(s, "night-2", NULL, &err), 0);
	struct store_campaign *c;
	int n;
	REQUIRE(store_load_campaigns(s, &c, &n, &err) == 0);
	REQUIRE(n == 2);
	CHECK_STR(c[0].name, "night-1");
	CHECK_STR(c[0].command, "topofarm run topologies/seeds --kernels default");
	CHECK(c[0].started && c[0].finished);
	CHECK(c[1].finished == NULL);
	CHECK_INT(c[1].runs, 0);
	store_campaigns_free(c, n);
	char *latest = store_latest_campaign(s);
	CHECK_STR(latest, "night-2");
	free(latest);
	store_close(s);
}
