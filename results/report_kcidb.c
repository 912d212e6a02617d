/* results/report_kcidb.c: the result store as KCIDB v5 JSON (KernelCI's
 * common results schema, v5.3): one checkout and one build per kernel, one
 * test per run (path boot.topofarm.<layout>, its status, a log excerpt, the
 * console as log_url and the layout as an input file), one issue per crash
 * bucket (signature) and one incident per run that hit it. Ids are
 * "topofarm:..." and derive from the store only (kernel names, run ids,
 * signatures), and nothing depends on the time of the export, so exporting
 * the same store twice gives the same bytes. */
#include "results/report.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/utf8.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KCIDB_ORIGIN "topofarm"
#define KCIDB_MAJOR 5
#define KCIDB_MINOR 3
/* The schema's log_excerpt maxLength is 16384 characters. */
#define EXCERPT_MAX 16000
#define EXCERPT_LINES 60

/* A test path component: [a-zA-Z0-9_-]+ (the schema's path pattern). */
static char *path_component(const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s ? s : ""; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '-';
		buf_putc(&b, ok ? c : '_');
	}
	if (!b.len)
		buf_puts(&b, "unnamed");
	return buf_steal(&b);
}

/* An id: "topofarm:" + a prefix + the name (valid UTF-8). */
static char *make_id(const char *prefix, const char *name)
{
	char *c = utf8_sanitize(name ? name : "", name ? strlen(name) : 0);
	char *id = xasprintf(KCIDB_ORIGIN ":%s%s", prefix, c);
	free(c);
	return id;
}

/* A file:// URL of path (made absolute against the current directory),
 * with everything outside the unreserved set and '/' percent-encoded. */
static char *file_url(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	char abs[PATH_MAX];
	const char *p = realpath(path, abs) ? abs : path;
	struct buf b = BUF_INIT;
	buf_puts(&b, "file://");
	if (*p != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof cwd)) {
			buf_puts(&b, cwd);
			buf_putc(&b, '/');
		}
	}
	static const char hex[] = "0123456789ABCDEF";
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			buf_putc(&b, (char)c);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[c >> 4]);
			buf_putc(&b, hex[c & 15]);
		}
	}
	free(path);
	return buf_steal(&b);
}

static const char *test_status(enum outcome o)
{
	switch (o) {
	case OUTCOME_PASS:
		return "PASS";
	case OUTCOME_INFRA:
		return "MISS";          /* the harness failed, the kernel is unknown */
	default:
		return "FAIL";          /* every other verdict is against the kernel */
	}
}

/* The report's excerpt, or the last lines of the console; valid UTF-8
 * without NULs, at most EXCERPT_MAX bytes. NULL when there is nothing. */
static char *log_excerpt(const struct run_record *r)
{
	char *raw = report_excerpt(r, EXCERPT_LINES);
	if (!raw) {
		size_t len, total;
		char *log = report_read_console(r, 1u << 20, &len, &total);
		if (log && len) {
			size_t start = len, lines = 0;
			while (start > 0 && lines <= 30)
				if (log[--start] == '\n')
					lines++;
			raw = xstrndup(log + start, len - start);
		}
		free(log);
	}
	if (!raw)
		return NULL;
	char *clean = utf8_sanitize(raw, strlen(raw));
	free(raw);
	size_t n = strlen(clean);
	if (n > EXCERPT_MAX) {
		n = EXCERPT_MAX;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;            /* do not cut a character in two */
		clean[n] = 0;
	}
	return clean;
}

static void field_clean(struct json *j, const char *key, const char *v)
{
	if (!v)
		return;
	char *c = utf8_sanitize(v, strlen(v));
	json_field_string(j, key, c);
	free(c);
}

static void put_checkouts_and_builds(struct json *j, const struct report_data *d, bool builds)
{
	json_key(j, builds ? "builds" : "checkouts");
	json_array_begin(j);
	for (int k = 0; k < d->n_kernels; k++) {
		const char *name = d->kernels[k];
		/* The first run on this kernel says what the kernel is. */
		const struct run_record *first = NULL;
		for (int i = 0; i < d->runs.n && !first; i++)
			if (!strcmp(d->runs.v[i].kernel_name, name))
				first = &d->runs.v[i];
		char *checkout = make_id("checkout:", name), *build = make_id("build:", name);
		json_object_begin(j);
		json_field_string(j, "id", builds ? build : checkout);
		json_field_string(j, "origin", KCIDB_ORIGIN);
		if (builds) {
			json_field_string(j, "checkout_id", checkout);
			json_field_string(j, "architecture", "x86_64");
			field_clean(j, "config_name", name);
			json_field_string(j, "status", "PASS");
			field_clean(j, "comment", first && first->kernel_version ? first->kernel_version : name);
		} else {
			json_field_string(j, "tree_name", "topofarm");
			field_clean(j, "comment", first && first->kernel_source ? first->kernel_source : name);
		}
		json_key(j, "misc");
		json_object_begin(j);
		field_clean(j, "kernel", name);
		json_object_end(j);
		json_object_end(j);
		free(checkout);
		free(build);
	}
	json_array_end(j);
}

static char *test_id(const struct report_data *d, int i)
{
	return xasprintf(KCIDB_ORIGIN ":run:%lld", d->runs.ids[i]);
}

static void put_resource(struct json *j, const char *name, const char *url)
{
	json_object_begin(j);
	json_field_string(j, "name", name);
	json_field_string(j, "url", url);
	json_object_end(j);
}

static void put_test(struct json *j, const struct report_data *d, int i)
{
	const struct run_record *r = &d->runs.v[i];
	const struct triage_result *t = &r->triage;
	char *id = test_id(d, i), *build = make_id("build:", r->kernel_name);
	char *layout = path_component(r->layout_name);
	char *path = xasprintf("boot.topofarm.%s", layout);
	json_object_begin(j);
	json_field_string(j, "id", id);
	json_field_string(j, "origin", KCIDB_ORIGIN);
	json_field_string(j, "build_id", build);
	json_field_string(j, "path", path);
	json_field_string(j, "status", test_status(t->outcome));
	char *excerpt = log_excerpt(r);
	if (excerpt)
		json_field_string(j, "log_excerpt", excerpt);
	free(excerpt);
	if (r->dir) {
		char *log = file_url(r->dir, "console.log");
		json_field_string(j, "log_url", log);
		free(log);
		char *topo_name = xasprintf("%s.topo", layout);
		char *topo = file_url(r->dir, "topology.topo");
		json_key(j, "input_files");
		json_array_begin(j);
		put_resource(j, topo_name, topo);
		json_array_end(j);
		free(topo_name);
		free(topo);
		char *argv = file_url(r->dir, "argv.txt"), *record = file_url(r->dir, "record.json");
		json_key(j, "output_files");
		json_array_begin(j);
		put_resource(j, "argv.txt", argv);
		put_resource(j, "record.json", record);
		json_array_end(j);
		free(argv);
		free(record);
	}
	if (r->started_at && *r->started_at)
		json_field_string(j, "start_time", r->started_at);
	if (r->t_end >= 0) {
		json_key(j, "duration");
		json_double(j, r->t_end);
	}
	json_key(j, "environment");
	json_object_begin(j);
	json_field_string(j, "comment", "QEMU guest booted by topofarm");
	json_object_end(j);
	json_key(j, "misc");
	json_object_begin(j);
	field_clean(j, "layout", r->layout_name);
	field_clean(j, "layout_hash", r->layout_hash);
	field_clean(j, "campaign", r->campaign);
	json_field_int(j, "attempt", r->attempt);
	json_field_string(j, "outcome", outcome_name(t->outcome));
	field_clean(j, "title", t->title);
	field_clean(j, "frame", t->frame);
	json_field_string(j, "end", run_end_name(r->end));
	json_object_end(j);
	json_object_end(j);
	free(id);
	free(build);
	free(layout);
	free(path);
}

static char *issue_id(const struct store_signature *g)
{
	return xasprintf(KCIDB_ORIGIN ":%s", g->signature);
}

/* The family of the bucket's reports ("null-deref", "lockdep"...), from
 * the first run that shows it, or NULL. */
static const char *bucket_family(const struct report_data *d, const struct store_signature *g)
{
	for (int i = 0; i < d->runs.n; i++) {
		const struct triage_result *t = &d->runs.v[i].triage;
		for (int k = 0; k < t->n_reports; k++)
			if (t->reports[k].title && report_bucket(d, t->reports[k].title) == g)
				return t->reports[k].family;
	}
	return NULL;
}

static void put_issue(struct json *j, const struct report_data *d, const struct store_signature *g)
{
	char *id = issue_id(g);
	json_object_begin(j);
	json_field_string(j, "id", id);
	json_field_int(j, "version", 1);
	json_field_string(j, "origin", KCIDB_ORIGIN);
	field_clean(j, "report_subject", g->title);
	field_clean(j, "comment", g->title);
	const char *fam = bucket_family(d, g);
	if (fam) {
		char *c = path_component(fam);
		char *cat = xasprintf("runtime.%s", c);
		json_key(j, "categories");
		json_array_begin(j);
		json_string(j, cat);
		json_array_end(j);
		free(c);
		free(cat);
	}
	json_key(j, "culprit");
	json_object_begin(j);
	json_field_bool(j, "code", true);
	json_field_bool(j, "tool", false);
	json_field_bool(j, "harness", false);
	json_object_end(j);
	json_key(j, "misc");
	json_object_begin(j);
	json_field_string(j, "signature", g->signature);
	json_field_int(j, "count", g->count);
	field_clean(j, "first_seen", g->first_seen);
	field_clean(j, "last_seen", g->last_seen);
	field_clean(j, "known_bug", g->known_bug);
	json_object_end(j);
	json_object_end(j);
	free(id);
}

/* One incident per (run, bucket): the run's title and every report of it
 * that landed in a bucket. */
static void put_incidents(struct json *j, const struct report_data *d)
{
	json_key(j, "incidents");
	json_array_begin(j);
	const struct store_signature **seen = xcalloc((size_t)d->n_sigs + 1, sizeof *seen);
	for (int i = 0; i < d->runs.n; i++) {
		const struct run_record *r = &d->runs.v[i];
		const struct triage_result *t = &r->triage;
		if (t->outcome == OUTCOME_PASS || t->outcome == OUTCOME_INFRA)
			continue;
		int n_seen = 0;
		for (int k = -1; k < t->n_reports; k++) {
			const char *title = k < 0 ? t->title : t->reports[k].title;
			if (k >= 0 && t->reports[k].benign)
				continue;
			const struct store_signature *g = report_bucket(d, title);
			bool dup = !g;
			for (int s = 0; s < n_seen && !dup; s++)
				dup = seen[s] == g;
			if (dup || n_seen >= d->n_sigs)
				continue;
			seen[n_seen++] = g;
			char *tid = test_id(d, i), *iid = issue_id(g);
			char *id = xasprintf("%s:%.16s", tid, g->signature);
			char *build = make_id("build:", r->kernel_name);
			json_object_begin(j);
			json_field_string(j, "id", id);
			json_field_string(j, "origin", KCIDB_ORIGIN);
			json_field_string(j, "issue_id", iid);
			json_field_int(j, "issue_version", 1);
			json_field_string(j, "build_id", build);
			json_field_string(j, "test_id", tid);
			json_field_bool(j, "present", true);
			field_clean(j, "comment", title);
			json_object_end(j);
			free(tid);
			free(iid);
			free(id);
			free(build);
		}
	}
	free(seen);
	json_array_end(j);
}

void report_write_kcidb(struct buf *out, const struct report_data *d)
{
	struct json j;
	json_init(&j, out, true);
	json_object_begin(&j);
	json_key(&j, "version");
	json_object_begin(&j);
	json_field_int(&j, "major", KCIDB_MAJOR);
	json_field_int(&j, "minor", KCIDB_MINOR);
	json_object_end(&j);
	put_checkouts_and_builds(&j, d, false);
	put_checkouts_and_builds(&j, d, true);
	json_key(&j, "tests");
	json_array_begin(&j);
	for (int i = 0; i < d->runs.n; i++)
		put_test(&j, d, i);
	json_array_end(&j);
	json_key(&j, "issues");
	json_array_begin(&j);
	for (int i = 0; i < d->n_sigs; i++)
		put_issue(&j, d, &d->sigs[i]);
	json_array_end(&j);
	put_incidents(&j, d);
	json_object_end(&j);
	buf_putc(out, '\n');
}
