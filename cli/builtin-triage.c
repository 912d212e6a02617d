/* cli/builtin-triage.c: `topofarm triage`: console logs in, crash reports
 * out (human text or one JSON object per log). A thin layer over
 * results/triage.h. */
#include "cli/verb.h"
#include "results/divergence.h"
#include "results/triage.h"
#include "results/symbolize.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "results/coverage.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
"NAME\n"
"    topofarm triage - turn kernel console logs into crash reports\n"
"\n"
"SYNOPSIS\n"
"    topofarm triage [--json] [--known FILE] [--end HOW] [--topology T.topo] LOG|-...\n"
"\n"
"DESCRIPTION\n"
"    Reads each console LOG (- is standard input, once; any bytes, any length: CR, ANSI escapes, NULs\n"
"    and cut-off lines are expected) and finds the kernel reports in it:\n"
"    BUG/Oops (NULL pointer dereference, page fault, bad page state, soft\n"
"    lockup, scheduling while atomic, bad usercopy, stack guard page,\n"
"    spinlock and preemption checks), general protection fault, kernel BUG\n"
"    and VM_BUG_ON_PAGE, WARNING (with or without a file; refcount, ODEBUG,\n"
"    locking, kmalloc kinds), lockdep (possible deadlock, inconsistent lock\n"
"    state, suspicious RCU usage, bad unlock balance...), Kernel panic,\n"
"    KASAN, KMSAN, KFENCE, UBSAN, kmemleak (memory leak), RCU stalls, hung\n"
"    tasks, double fault, invalid opcode, divide error.\n"
"\n"
"    Each report gets a syzbot-style title naming its guilty frame\n"
"    (\"BUG: kernel NULL pointer dereference in deactivate_slab\",\n"
"    \"WARNING: refcount bug in X\", \"possible deadlock in X\"), skipping\n"
"    functions that are never the culprit: the skip list\n"
"    results/frame-skip.conf (built into the binary), by family. A stall's\n"
"    frame is the one just above the stuck context's entry point, a hung\n"
"    task's is what it waits in. A report whose stack is missing or cut is\n"
"    corrupted, titled \"... in corrupted\" when no frame can be named.\n"
"    Titles hold no addresses, PIDs, CPU numbers or timestamps; the\n"
"    signature (sha256 of the normalised title) is the dedup key of the\n"
"    result store. docs/triage.md has the rules.\n"
"\n"
"    The log's verdict is one of pass, warning, oops, panic, hang, boot-fail,\n"
"    infra. Without --end it is inferred from the guest probe's markers:\n"
"    no \"@@TOPOFARM READY\" line is a boot-fail, READY without\n"
"    \"@@TOPOFARM DONE\" is a hang, unless a report explains the run.\n"
"    Reports matching a `benign` line of the known list do not count (a log\n"
"    with only benign reports passes); `bug` lines annotate a report with\n"
"    the known bug's id and fix.\n"
"\n"
"OPTIONS\n"
"    --json        Print one JSON object per log (one per line): file,\n"
"                  outcome, title, frame, signature, reached_guest,\n"
"                  guest_done, kernel_release, reports (each with title,\n"
"                  frame, family, first_line, phase, taint, corrupted,\n"
"                  benign, known_bug, fix, offset, signature, text) and\n"
"                  coverage (a gcov kernel's boot coverage: edges,\n"
"                  objects, counters, complete, bad_lines, object_errors,\n"
"                  problem; null without; docs/coverage.md).\n"
"    --known FILE  Known-benign/known-bug list to use instead of the\n"
"                  built-in one (format: results/known.conf).\n"
"    --vmlinux F   Give every frame (func+0xOFF/0xLEN) of a report its\n"
"                  file:line, as the kernel's scripts/faddr2line does: the\n"
"                  symbol is looked up with nm, its size must equal LEN, and\n"
"                  addr2line resolves symbol+OFF. F needs debug info\n"
"                  (CONFIG_DEBUG_INFO; farm kernels are built without it).\n"
"                  With --json, the top report's \"frames\" list.\n"
"    --end HOW     How the run ended, when known: unknown (default),\n"
"                  guest-done, panic, silence, timeout, qemu-exit, infra.\n"
"    --topology T  Also apply the layout oracle: a log that passes but\n"
"                  differs from what the layout model predicts for T\n"
"                  (docs/model.md) is a divergence; both views of each\n"
"                  differing group are printed (not with --json).\n"
"\n"
"EXAMPLES\n"
"    topofarm triage console.log\n"
"    dmesg | topofarm triage -\n"
"    topofarm triage --json runs/*/console.log > reports.jsonl\n"
"    topofarm triage --known my-known.conf --end timeout console.log\n"
"\n"
"EXIT STATUS\n"
"    0 every log passed; 1 a log did not pass (a report or a hang/boot\n"
"    failure); 2 usage error, an unreadable log (named on stderr) or a bad\n"
"    --known file (FILE:LINE: what was expected).\n";

/* With --vmlinux: every report's frames get file:line (faddr2line's way). */
static const char *vmlinux_path;
static int symbolize_errors;

static void symbolize(struct triage_result *r)
{
	char *err = NULL;
	if (vmlinux_path && triage_symbolize(r, vmlinux_path, &err) != 0) {
		if (!symbolize_errors++)
			fprintf(stderr, "topofarm triage: --vmlinux: %s\n", err);
		free(err);
	}
}

static void print_frames(const struct triage_report *p)
{
	if (p->symbols.n)
		printf("    frames (%s):\n", vmlinux_path);
	for (int i = 0; i < p->symbols.n; i++)
		printf("      %-48s %s\n", p->symbols.v[i].frame, p->symbols.v[i].where ? p->symbols.v[i].where : "?");
}

static void print_human(const char *path, const struct triage_result *r, const struct coverage *cov)
{
	printf("%s: %s\n", path, outcome_name(r->outcome));
	if (r->title) {
		char *sig = triage_signature(r->title);
		printf("  title:     %s\n", r->title);
		printf("  frame:     %s\n", r->frame ? r->frame : "(none)");
		printf("  signature: %s\n", sig);
		free(sig);
	}
	if (r->kernel_release)
		printf("  kernel:    %s\n", r->kernel_release);
	printf("  guest:     %s\n", r->guest_done ? "done" : r->reached_guest ? "reached, not done" : "never reached");
	for (int i = 0; i < r->n_reports; i++) {
		const struct triage_report *p = &r->reports[i];
		printf("  report %d: %s%s%s%s\n", i + 1, p->title,
		       p->benign ? " [benign]" : "", p->corrupted ? " [corrupted]" : "",
		       p->known_bug ? " [known bug]" : "");
		printf("    first line: %s\n", p->first_line ? p->first_line : "");
		printf("    phase: %s, taint: %s, offset: %zu\n", p->phase ? p->phase : "?",
		       !p->taint ? "unknown" : *p->taint ? p->taint : "not tainted", p->offset);
		if (p->known_bug)
			printf("    known bug: %s%s%s\n", p->known_bug, p->fix ? ", fix: " : "", p->fix ? p->fix : "");
		print_frames(p);
	}
	if (r->n_reports_dropped)
		printf("  (%d more reports not kept)\n", r->n_reports_dropped);
	if (cov->present) {
		char *sum = coverage_summary(cov);
		printf("  coverage:  %s\n", sum);
		free(sum);
	}
}

static void json_str_or_null(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);      /* NULL -> null */
}

static void print_json(const char *path, const struct triage_result *r, const struct coverage *cov)
{
	struct buf b = BUF_INIT;
	struct json j;
	char *sig = r->title ? triage_signature(r->title) : NULL;
	json_init(&j, &b, false);
	json_object_begin(&j);
	json_str_or_null(&j, "file", path);
	json_str_or_null(&j, "outcome", outcome_name(r->outcome));
	json_str_or_null(&j, "title", r->title);
	json_str_or_null(&j, "frame", r->frame);
	json_str_or_null(&j, "signature", sig);
	json_key(&j, "reached_guest");
	json_bool(&j, r->reached_guest);
	json_key(&j, "guest_done");
	json_bool(&j, r->guest_done);
	json_str_or_null(&j, "kernel_release", r->kernel_release);
	json_key(&j, "reports_dropped");
	json_int(&j, r->n_reports_dropped);
	triage_canaries_json(&j, r);
	coverage_json(&j, cov);
	json_key(&j, "reports");
	json_array_begin(&j);
	for (int i = 0; i < r->n_reports; i++)
		triage_report_json(&j, &r->reports[i], true);
	json_array_end(&j);
	json_object_end(&j);
	buf_putc(&b, '\n');
	fwrite(b.s, 1, b.len, stdout);
	buf_free(&b);
	free(sig);
}

static int run_triage(int argc, char **argv)
{
	bool json = false;
	const char *known_path = NULL, *topo_path = NULL;
	enum run_end end = RUN_END_UNKNOWN;
	char **logs = xcalloc((size_t)argc, sizeof *logs);
	int n_logs = 0, n_stdin = 0, rc = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--topology")) {
			if (i + 1 >= argc) {
				free(logs);
				return usage_error(&verb_triage, "%s needs an argument", a);
			}
			topo_path = argv[++i];
		} else if (!strcmp(a, "--vmlinux")) {
			if (i + 1 >= argc) {
				free(logs);
				return usage_error(&verb_triage, "--vmlinux needs a file");
			}
			vmlinux_path = argv[++i];
		} else if (!strcmp(a, "--known") || !strcmp(a, "--end")) {
			if (i + 1 >= argc) {
				free(logs);
				return usage_error(&verb_triage, "%s needs an argument", a);
			}
			if (!strcmp(a, "--known")) {
				known_path = argv[++i];
			} else {
				int e = run_end_from_name(argv[++i]);
				if (e < 0) {
					free(logs);
					return usage_error(&verb_triage, "--end: unknown value '%s' (expected unknown, guest-done, panic, silence, timeout, qemu-exit or infra)", argv[i]);
				}
				end = (enum run_end)e;
			}
		} else if (!strcmp(a, "--")) {
			while (++i < argc)
				logs[n_logs++] = argv[i];
		} else if (a[0] == '-' && a[1]) {
			free(logs);
			return usage_error(&verb_triage, "unknown option '%s'", a);
		} else if (!strcmp(a, "-") && n_stdin++) {
			free(logs);
			return usage_error(&verb_triage, "standard input (-) given twice");
		} else {
			logs[n_logs++] = argv[i];
		}
	}
	if (!n_logs) {
		free(logs);
		return usage_error(&verb_triage, "no console log given");
	}

	struct known_list *known = NULL;
	if (known_path) {
		char *err = NULL;
		if (known_list_load(known_path, &known, &err)) {
			fprintf(stderr, "topofarm triage: %s\n", err);
			free(err);
			free(logs);
			return EXIT_USAGE;
		}
	}

	struct topology topo;
	bool have_topo = false;
	if (topo_path) {
		struct topo_error te;
		if (topo_parse_file(topo_path, &topo, &te) != 0) {
			char *msg = topo_error_string(&te);
			fprintf(stderr, "%s\n", msg);
			free(msg);
			known_list_free(known);
			free(logs);
			return EXIT_USAGE;
		}
		have_topo = true;
	}
	for (int i = 0; i < n_logs; i++) {
		size_t len;
		bool from_stdin = !strcmp(logs[i], "-");
		char *text = from_stdin ? read_fd(STDIN_FILENO, &len) : read_file(logs[i], &len);
		if (!text) {
			fprintf(stderr, "topofarm triage: %s: cannot read: %s\n", logs[i], strerror(errno));
			rc = EXIT_USAGE;
			continue;
		}
		struct triage_result r;
		triage_log(text, len, end, known, &r);
		symbolize(&r);
		struct coverage cov;
		coverage_parse(text, len, &cov);
		struct divergence d = { 0 };
		if (have_topo && r.outcome == OUTCOME_PASS) {
			divergence_check(&topo, text, len, NULL, &d);
			if (d.n) {
				r.outcome = OUTCOME_DIVERGENCE;
				r.title = divergence_title(&d);
			}
		}
		free(text);
		const char *shown = from_stdin ? "<stdin>" : logs[i];
		if (json)
			print_json(shown, &r, &cov);
		else
			print_human(shown, &r, &cov);
		coverage_free(&cov);
		if (!json && d.n) {
			char *both = divergence_text(&d);
			fputs(both, stdout);
			free(both);
		}
		divergence_free(&d);
		if (r.outcome != OUTCOME_PASS && rc == EXIT_OK)
			rc = EXIT_FINDINGS;
		triage_result_free(&r);
	}
	known_list_free(known);
	if (have_topo)
		topo_free(&topo);
	free(logs);
	return rc;
}

const struct verb verb_triage = {
	"triage", "turn kernel console logs into deduplicated crash reports", help, run_triage,
};
