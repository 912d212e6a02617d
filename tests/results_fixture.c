/* tests/results_fixture.c: scenario files -> a results directory made of
 * real run directories and a real SQLite store. The console logs are the
 * triage fixtures (tests/triage/NAME.log), triaged for real; the QEMU argv is
 * built from the topology by acpi-gen, as the runner does. */
#include "tests/results_fixture.h"
#include "tests/util.h"
#include "acpi-gen/qemu_args.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/strv.h"
#include "results/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPO_DIR "tests/results/topo"
#define LOG_DIR "tests/triage"
#define EXTRA_LOG_DIR "tests/results/logs"   /* logs made for the report tests */

/* The fixture's own "end:" line, if any. */
static char *fixture_end(const char *log_name)
{
	char *path = xasprintf("%s/%s.expected", LOG_DIR, log_name);
	char *text = read_file(path, NULL), *end = NULL;
	free(path);
	if (!text)
		return NULL;
	for (char *line = text; line && *line; ) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (!strncmp(line, "end: ", 5))
			end = xstrdup(line + 5);
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return end;
}

static char *argv_text(const struct topology *t, const char *kernel)
{
	struct qemu_config cfg = { 0 };
	/* A space in the path checks that reproducers quote it. */
	char *kpath = xasprintf("/var/cache/topofarm/kernels/%s/boot/vmlinuz test", kernel);
	cfg.kernel = kpath;
	cfg.initrd = "/var/cache/topofarm/initramfs.cpio";
	struct strv argv = { 0 };
	char *err = NULL;
	struct buf b = BUF_INIT;
	if (qemu_args_build(t, &cfg, &argv, &err) == 0) {
		for (int i = 0; i < argv.n; i++)
			buf_printf(&b, "%s\n", argv.v[i]);
	} else {
		buf_printf(&b, "qemu-system-x86_64\n-accel\ntcg\n");
		free(err);
	}
	strv_free(&argv);
	free(kpath);
	return buf_steal(&b);
}

int fixture_record(const char *results_dir, const char *topo_path, const char *kernel, int attempt,
		   const char *log_name, const char *end, const char *campaign, int seq,
		   struct run_record *r, char **err)
{
	memset(r, 0, sizeof *r);
	struct topology t;
	struct topo_error te;
	if (topo_parse_file(topo_path, &t, &te) != 0) {
		*err = topo_error_string(&te);
		return -1;
	}
	char *log_path = xasprintf("%s/%s.log", LOG_DIR, log_name);
	if (!path_exists(log_path)) {
		free(log_path);
		log_path = xasprintf("%s/%s.log", EXTRA_LOG_DIR, log_name);
	}
	size_t len;
	char *log = read_file(log_path, &len);
	if (!log) {
		*err = xasprintf("%s: cannot read", log_path);
		free(log_path);
		topo_free(&t);
		return -1;
	}
	char *fx_end = end ? xstrdup(end) : fixture_end(log_name);
	int e = fx_end ? run_end_from_name(fx_end) : RUN_END_UNKNOWN;
	free(fx_end);
	r->end = e < 0 ? RUN_END_UNKNOWN : (enum run_end)e;
	triage_log(log, len, r->end, NULL, &r->triage);
	coverage_parse(log, len, &r->coverage);

	char hash[65];
	topo_hash(&t, hash);
	r->campaign = campaign ? xstrdup(campaign) : NULL;
	r->layout_name = xstrdup(t.name);
	r->layout_hash = xstrdup(hash);
	r->topology_text = read_file(topo_path, NULL);
	r->kernel_name = xstrdup(kernel);
	r->kernel_version = r->triage.kernel_release ? xstrdup(r->triage.kernel_release) : NULL;
	r->kernel_source = xasprintf("fixture kernel %s", kernel);
	r->attempt = attempt;
	r->dir = xasprintf("%s/runs/%s/%s/%d", results_dir, t.name, kernel, attempt);
	r->argv_text = argv_text(&t, kernel);
	r->started_at = xasprintf("2024-05-01T10:%02d:%02dZ", seq / 60 % 60, seq % 60);
	bool infra = r->triage.outcome == OUTCOME_INFRA;
	r->t_first_output = infra ? -1 : 0.25;
	r->t_ready = r->triage.reached_guest ? 2.5 : -1;
	r->t_end = 3.0 + seq;
	r->end_detail = xstrdup(run_end_name(r->end));
	r->qemu_exit = infra ? 1 : 0;
	r->steps_total = t.n_steps;
	r->steps_done = r->triage.guest_done ? t.n_steps : 0;

	/* The run directory, as the runner writes it (record.json last). */
	int rc = mkdir_p(r->dir, 0755);
	char *p;
	p = path_join(r->dir, "console.log");
	rc |= write_file(p, log, len);
	free(p);
	p = path_join(r->dir, "topology.topo");
	rc |= write_file_str(p, r->topology_text);
	free(p);
	p = path_join(r->dir, "argv.txt");
	rc |= write_file_str(p, r->argv_text);
	free(p);
	char *json = run_record_to_json(r);
	p = path_join(r->dir, "record.json");
	rc |= write_file_str(p, json);
	free(p);
	free(json);
	free(log);
	free(log_path);
	topo_free(&t);
	if (rc) {
		*err = xasprintf("%s: cannot write the run directory", r->dir);
		run_record_free(r);
		return -1;
	}
	return 0;
}

struct alias {
	char name[128];
	char *path;
};

static char *line_error(const char *path, int lineno, const char *what)
{
	return xasprintf("%s:%d: expected %s", path, lineno, what);
}

int fixture_build(const char *scenario_path, const char *results_dir, struct scenario *sc, char **err)
{
	memset(sc, 0, sizeof *sc);
	sc->stock = xstrdup("stock");
	sc->fixed = xstrdup("fixed");
	sc->rerun = 1;
	*err = NULL;
	char *text = read_file(scenario_path, NULL);
	if (!text) {
		*err = xasprintf("%s: cannot read", scenario_path);
		return -1;
	}
	struct store *s;
	if (store_open(results_dir, &s, err) < 0) {
		free(text);
		return -1;
	}
	struct alias aliases[16];
	int n_alias = 0, lineno = 0, seq = 0;
	char campaign[128] = "test";
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !*err; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char w[6][128] = { { 0 } };
		int n = sscanf(line, "%127s %127s %127s %127s %127s %127s", w[0], w[1], w[2], w[3], w[4], w[5]);
		if (n <= 0)
			continue;
		if (!strcmp(w[0], "kernels") && n == 3) {
			free(sc->stock);
			free(sc->fixed);
			sc->stock = xstrdup(w[1]);
			sc->fixed = xstrdup(w[2]);
		} else if (!strcmp(w[0], "campaign") && n == 2) {
			snprintf(campaign, sizeof campaign, "%s", w[1]);
		} else if (!strcmp(w[0], "rerun") && n == 2) {
			sc->rerun = atoi(w[1]);
		} else if (!strcmp(w[0], "layout") && n == 3 && n_alias < 16) {
			snprintf(aliases[n_alias].name, sizeof aliases[n_alias].name, "%s", w[1]);
			aliases[n_alias++].path = xasprintf("%s/%s", TOPO_DIR, w[2]);
		} else if (!strcmp(w[0], "run") && (n == 5 || n == 6)) {
			const char *topo = NULL;
			for (int i = 0; i < n_alias; i++)
				if (!strcmp(aliases[i].name, w[1]))
					topo = aliases[i].path;
			if (!topo) {
				*err = line_error(scenario_path, lineno, "a layout alias defined before");
				break;
			}
			const char *end = n == 6 && !strncmp(w[5], "end=", 4) ? w[5] + 4 : NULL;
			struct run_record r;
			if (fixture_record(results_dir, topo, w[2], atoi(w[3]), w[4], end, campaign, seq++, &r, err) < 0)
				break;
			store_add_run(s, &r, NULL, err);
			run_record_free(&r);
		} else {
			*err = line_error(scenario_path, lineno, "kernels, campaign, rerun, layout or run with its arguments");
		}
	}
	for (int i = 0; i < n_alias; i++)
		free(aliases[i].path);
	store_close(s);
	free(text);
	return *err ? -1 : 0;
}

void scenario_free(struct scenario *sc)
{
	free(sc->stock);
	free(sc->fixed);
	memset(sc, 0, sizeof *sc);
}
