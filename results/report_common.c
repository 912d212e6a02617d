/* results/report_common.c: loading the store for the reports, and what the
 * text, HTML, JUnit and JSON formats share: matrix cells, crash buckets,
 * console excerpts and reproducers. */
#include "results/report.h"
#include "results/compare.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_kernels(struct report_data *d)
{
	for (int i = 0; i < d->runs.n; i++) {
		const char *k = d->runs.v[i].kernel_name;
		bool have = false;
		for (int j = 0; j < d->n_kernels && !have; j++)
			have = !strcmp(d->kernels[j], k);
		if (have)
			continue;
		d->kernels = xrealloc(d->kernels, (size_t)(d->n_kernels + 1) * sizeof *d->kernels);
		d->kernels[d->n_kernels++] = xstrdup(k);
	}
	if (d->n_kernels)
		qsort(d->kernels, (size_t)d->n_kernels, sizeof *d->kernels, cmp_str);
}

/* Runs come sorted by layout name then hash: a layout starts where the hash changes. */
static void collect_layouts(struct report_data *d)
{
	d->layout_first = xcalloc((size_t)d->runs.n + 1, sizeof *d->layout_first);
	for (int i = 0; i < d->runs.n; i++)
		if (i == 0 || strcmp(d->runs.v[i].layout_hash, d->runs.v[i - 1].layout_hash))
			d->layout_first[d->n_layouts++] = i;
}

int report_load(const char *results_dir, const char *campaign, struct report_data *d, char **err)
{
	memset(d, 0, sizeof *d);
	struct store *s;
	if (store_open_existing(results_dir, &s, err) < 0)
		return -1;
	d->results_dir = xstrdup(results_dir);
	d->db_path = xstrdup(store_path(s));
	d->campaign = campaign ? xstrdup(campaign) : NULL;
	d->current_campaign = campaign ? xstrdup(campaign) : store_latest_campaign(s);
	int rc = store_load_runs(s, campaign, &d->runs, err);
	if (rc == 0)
		rc = store_load_signatures(s, &d->sigs, &d->n_sigs, err);
	if (rc == 0)
		rc = store_load_campaigns(s, &d->campaigns, &d->n_campaigns, err);
	store_close(s);
	if (rc < 0) {
		report_data_free(d);
		return -1;
	}
	collect_kernels(d);
	collect_layouts(d);
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	d->generated_at = xstrdup(now);
	return 0;
}

void report_data_free(struct report_data *d)
{
	store_runs_free(&d->runs);
	store_signatures_free(d->sigs, d->n_sigs);
	store_campaigns_free(d->campaigns, d->n_campaigns);
	for (int i = 0; i < d->n_kernels; i++)
		free(d->kernels[i]);
	free(d->kernels);
	free(d->layout_first);
	free(d->results_dir);
	free(d->db_path);
	free(d->campaign);
	free(d->current_campaign);
	free(d->generated_at);
	memset(d, 0, sizeof *d);
}

int report_cell_runs(const struct report_data *d, int li, const char *kernel, int *idx, int max)
{
	int end = li + 1 < d->n_layouts ? d->layout_first[li + 1] : d->runs.n, n = 0;
	for (int i = d->layout_first[li]; i < end; i++)
		if (!strcmp(d->runs.v[i].kernel_name, kernel) && n < max)
			idx[n++] = i;
	return n;
}

static int severity(enum outcome o)
{
	return outcome_rank(o);
}

void report_cell(const struct report_data *d, int li, const char *kernel, struct cell_summary *c)
{
	int idx[256];
	memset(c, 0, sizeof *c);
	c->first_crash = -1;
	c->worst = OUTCOME_INFRA;
	c->runs = report_cell_runs(d, li, kernel, idx, 256);
	for (int k = 0; k < c->runs; k++) {
		const struct run_record *r = &d->runs.v[idx[k]];
		if (c->first_crash < 0)
			c->first_crash = idx[k];
		if (r->triage.outcome == OUTCOME_INFRA)
			continue;
		if (!c->counted++ || severity(r->triage.outcome) > severity(c->worst))
			c->worst = r->triage.outcome;
		if (run_crashed(r) && c->crashed++ == 0)
			c->first_crash = idx[k];
	}
}

const struct triage_report *report_main(const struct run_record *r)
{
	const struct triage_result *t = &r->triage;
	for (int i = 0; t->title && i < t->n_reports; i++)
		if (t->reports[i].title && !strcmp(t->reports[i].title, t->title))
			return &t->reports[i];
	for (int i = 0; i < t->n_reports; i++)
		if (!t->reports[i].benign)
			return &t->reports[i];
	return NULL;
}

const struct store_signature *report_bucket(const struct report_data *d, const char *title)
{
	if (!title)
		return NULL;
	char *sig = triage_signature(title);
	const struct store_signature *hit = NULL;
	for (int i = 0; i < d->n_sigs && !hit; i++)
		if (!strcmp(d->sigs[i].signature, sig))
			hit = &d->sigs[i];
	free(sig);
	return hit;
}

bool report_bucket_is_new(const struct report_data *d, const struct store_signature *g)
{
	if (!d->current_campaign)
		return true;
	return g->first_campaign && !strcmp(g->first_campaign, d->current_campaign);
}

char *report_read_console(const struct run_record *r, size_t max, size_t *len, size_t *total)
{
	*len = *total = 0;
	if (!r->dir)
		return NULL;
	char *path = path_join(r->dir, "console.log");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return NULL;
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return NULL;
	}
	*total = (size_t)sb.st_size;
	size_t want = *total < max ? *total : max;
	char *data = xmalloc(want + 1);
	size_t got = 0;
	while (got < want) {
		ssize_t n = read(fd, data + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	data[got] = 0;
	*len = got;
	return data;
}

char *report_frames(const struct run_record *r)
{
	const struct triage_report *p = report_main(r);
	if (!p || !p->symbols.n)
		return NULL;
	struct buf b = BUF_INIT;
	for (int i = 0; i < p->symbols.n; i++)
		buf_printf(&b, "%-48s %s\n", p->symbols.v[i].frame, p->symbols.v[i].where ? p->symbols.v[i].where : "?");
	return buf_steal(&b);
}

char *report_excerpt(const struct run_record *r, int max_lines)
{
	const struct triage_report *p = report_main(r);
	if (!p)
		return NULL;
	size_t len, total;
	/* The excerpt starts near the report: read up to it plus a window. */
	size_t window = (size_t)max_lines * 512;
	char *log = report_read_console(r, p->offset + window, &len, &total);
	if (!log || p->offset >= len) {
		free(log);
		return p->text ? xstrdup(p->text) : NULL;
	}
	/* Back up a few lines for context (the line before a splat often says
	 * what the kernel was doing). */
	size_t start = p->offset;
	for (int back = 0; back < 4 && start > 0; back++) {
		start--;
		while (start > 0 && log[start - 1] != '\n')
			start--;
	}
	size_t end = start;
	for (int lines = 0; end < len && lines < max_lines + 4; lines++) {
		while (end < len && log[end] != '\n')
			end++;
		if (end < len)
			end++;
	}
	char *out = xstrndup(log + start, end - start);
	free(log);
	return out;
}

char *report_qemu_command(const struct run_record *r)
{
	if (!r->argv_text || !*r->argv_text)
		return NULL;
	struct strv argv = { 0 };
	const char *p = r->argv_text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *arg = xstrndup(p, n);
		strv_add(&argv, arg);
		free(arg);
		p += n + (nl ? 1 : 0);
	}
	char *line = argv.n ? argv_to_display(strv_argv(&argv)) : NULL;
	strv_free(&argv);
	return line;
}

/* One argument for a shell line: quoted when it needs to be. */
static char *quote1(const char *arg)
{
	char *const v[] = { (char *)arg, NULL };
	return argv_to_display(v);
}

char *report_reproducer(const struct run_record *r)
{
	struct buf b = BUF_INIT;
	char *topo_path = r->dir ? path_join(r->dir, "topology.topo") : xasprintf("%s.topo", r->layout_name);
	char *topo = quote1(topo_path), *kernel = quote1(r->kernel_name);
	if (!r->dir)
		buf_printf(&b, "# save the topology text shown with this run as %s\n", topo_path);
	buf_printf(&b, "# firmware tables and initramfs (SRAT/SLIT/HMAT, iasl sources, the cpio)\n");
	char *outdir_raw = xasprintf("repro-%s", r->layout_name), *outdir = quote1(outdir_raw);
	buf_printf(&b, "topofarm acpi %s -o %s\n", topo, outdir);
	free(outdir_raw);
	free(outdir);
	buf_printf(&b, "# the kernel (downloaded or built into the cache)\n");
	buf_printf(&b, "topofarm kernels fetch %s\n", kernel);
	buf_printf(&b, "# boot it again under topofarm (console, steps and triage)\n");
	buf_printf(&b, "topofarm run %s --kernels %s\n", topo, kernel);
	char *qemu = report_qemu_command(r);
	if (qemu) {
		buf_printf(&b, "# or the exact QEMU command line of this run\n%s\n", qemu);
		free(qemu);
	}
	free(topo_path);
	free(topo);
	free(kernel);
	return buf_steal(&b);
}

char *report_run_anchor(const struct run_record *r)
{
	/* The hash keeps two versions of one layout name apart. */
	char *raw = xasprintf("run-%s-%.8s--%s--%d", r->layout_name, r->layout_hash ? r->layout_hash : "",
			      r->kernel_name, r->attempt);
	for (char *p = raw; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (c >= 'A' && c <= 'Z')
			*p = (char)(c - 'A' + 'a');
		else if (!ok)
			*p = '_';
	}
	return raw;
}

int report_bucket_run(const struct report_data *d, const struct store_signature *g)
{
	int fallback = -1;
	for (int i = 0; i < d->runs.n; i++) {
		const struct run_record *r = &d->runs.v[i];
		if (r->triage.outcome == OUTCOME_INFRA)
			continue;
		if (r->triage.title && r->triage.outcome != OUTCOME_PASS) {
			char *sig = triage_signature(r->triage.title);
			bool hit = !strcmp(sig, g->signature);
			free(sig);
			if (hit)
				return i;
		}
		for (int k = 0; fallback < 0 && k < r->triage.n_reports; k++) {
			const struct triage_report *p = &r->triage.reports[k];
			if (p->benign || !p->title)
				continue;
			char *sig = triage_signature(p->title);
			if (!strcmp(sig, g->signature))
				fallback = i;
			free(sig);
		}
	}
	return fallback;
}

int report_count_findings(const struct report_data *d)
{
	int n = 0;
	for (int i = 0; i < d->runs.n; i++) {
		enum outcome o = d->runs.v[i].triage.outcome;
		n += o != OUTCOME_PASS && o != OUTCOME_INFRA;
	}
	return n;
}

/* Runs of one kernel with coverage, in start order (then layout name). */
static int by_start(const void *a, const void *b, void *vd)
{
	const struct report_data *d = vd;
	const struct run_record *x = &d->runs.v[*(const int *)a], *y = &d->runs.v[*(const int *)b];
	int c = strcmp(x->started_at ? x->started_at : "", y->started_at ? y->started_at : "");
	return c ? c : *(const int *)a - *(const int *)b;
}

int report_coverage_timeline(const struct report_data *d, const char *kernel, struct coverage_point **out)
{
	int n = 0;
	struct coverage_point *v = NULL;
	int *idx = xcalloc((size_t)d->runs.n + 1, sizeof *idx);
	for (int i = 0; i < d->runs.n; i++)
		if (d->runs.v[i].coverage.present && !strcmp(d->runs.v[i].kernel_name, kernel))
			idx[n++] = i;
	qsort_r(idx, (size_t)n, sizeof *idx, by_start, (void *)d);
	struct edge_set seen = { 0 };
	if (n)
		v = xcalloc((size_t)n, sizeof *v);
	for (int k = 0; k < n; k++) {
		const struct coverage *c = &d->runs.v[idx[k]].coverage;
		v[k].run = idx[k];
		v[k].edges = c->edges.n;
		v[k].new_edges = edge_set_merge(&seen, &c->edges);
		v[k].total = seen.n;
	}
	edge_set_free(&seen);
	free(idx);
	*out = v;
	return n;
}
