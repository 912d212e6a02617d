/* results/triage.h: console log -> crash reports and a run verdict, in the
 * style of syzkaller's pkg/report. The log is hostile input (any bytes, any
 * length); triage is one linear pass over it, line by line.
 *
 * A report is one kernel splat (BUG/Oops/WARNING/KASAN/panic/stall...), with a
 * syzbot-style title naming the first guilty frame ("BUG: kernel NULL pointer
 * dereference in deactivate_slab"). Titles carry no addresses, offsets, PIDs,
 * CPU numbers or timestamps, so the same bug on two kernels gets the same
 * title, and triage_signature(title) is the dedup key the store uses. */
#ifndef RESULTS_TRIAGE_H
#define RESULTS_TRIAGE_H
#include "topologies/topo.h"
#include "results/canary.h"
#include "results/symbolize.h"
#include <stdbool.h>
#include <stddef.h>

/* How the run ended, as the runner saw it. UNKNOWN: a bare log (the CLI),
 * the verdict is inferred from the guest markers in the log. */
enum run_end {
	RUN_END_UNKNOWN, RUN_END_GUEST_DONE, RUN_END_PANIC, RUN_END_SILENCE,
	RUN_END_TIMEOUT, RUN_END_QEMU_EXIT, RUN_END_INFRA,
};

struct triage_report {
	char *title;            /* syzbot-style title */
	char *frame;            /* guilty frame (function), NULL if none found */
	char *family;           /* "null-deref", "kasan", "warning", ... */
	char *first_line;       /* the line the report was recognised by */
	char *text;             /* the oops text window (control bytes removed) */
	char *taint;            /* taint letters ("GW"), "" if "Not tainted", NULL unknown */
	char *phase;            /* "early boot", "init", "step N KIND", "shutdown" */
	bool corrupted;         /* cut off, or no guilty frame where one was expected */
	bool benign;            /* matched a `benign` known-list entry */
	char *known_bug;        /* id of a matching `bug` known-list entry, or NULL */
	char *fix;              /* that entry's fix, or NULL */
	size_t offset;          /* byte offset of the report in the log */
	struct symbolized symbols;  /* its frames with file:line when a vmlinux
				       is known (triage_symbolize); n == 0 otherwise */
};

struct triage_result {
	enum outcome outcome;
	char *title;            /* of the most serious report (or a synthetic one
				   for hang/boot-fail/panic without a report);
				   NULL for pass and infra without reports */
	char *frame;            /* of the most serious report */
	struct triage_report *reports;
	int n_reports;
	int n_reports_dropped;  /* reports beyond TRIAGE_MAX_REPORTS: counted only */
	bool reached_guest;     /* "@@TOPOFARM READY" seen */
	bool guest_done;        /* "@@TOPOFARM DONE" seen */
	char *kernel_release;   /* from "Linux version" or a CPU: line, or NULL */
	/* Seed-bug canaries seen (farm-6.1-bugs), sorted by bug number. */
	struct bug_canary canaries[CANARY_MAX_BUGS];
	int n_canaries;
};

#define TRIAGE_MAX_REPORTS 256

struct known_list;

/* Triages len bytes of console log (need not be NUL-terminated). known may be
 * NULL: the built-in defaults (the same entries as results/known.conf) are
 * used. Returns 0 (it cannot fail on any input); free out with
 * triage_result_free. */
int triage_log(const char *log, size_t len, enum run_end end,
	       const struct known_list *known, struct triage_result *out);
void triage_result_free(struct triage_result *r);

/* The stable dedup key of a title: sha256 hex of the normalised title
 * (whitespace collapsed, numbers and addresses replaced). Caller frees. */
char *triage_signature(const char *title);

/* Title normalisation used by the signature and for free-text parts of titles
 * (panic reasons): numbers and hex addresses become "N", control and non-ASCII
 * bytes become '?', whitespace is collapsed. Idempotent. Caller frees. */
char *triage_normalise_title(const char *s);

/* Known-benign and known-bug list (format: see results/known.conf).
 * Returns 0, or -1 with *err = "FILE:LINE: what was expected" (caller frees). */
int known_list_load(const char *path, struct known_list **out, char **err);
/* The same from text; name is used in error messages. */
int known_list_parse(const char *text, size_t len, const char *name,
		     struct known_list **out, char **err);
void known_list_free(struct known_list *k);
/* The built-in defaults (never NULL, not to be freed). */
const struct known_list *known_list_builtin(void);
int known_list_count(const struct known_list *k);

struct json;
/* One report as a JSON object (signature included when asked). */
void triage_report_json(struct json *j, const struct triage_report *p, bool with_signature);

/* "canaries": [{"bug": "000", "state": "detected"}, ...] as a field of the
 * object being written (record.json, triage --json, report --json). */
void triage_canaries_json(struct json *j, const struct triage_result *r);
const char *run_end_name(enum run_end e);
/* Returns -1 for an unknown name. */
int run_end_from_name(const char *s);

#endif
