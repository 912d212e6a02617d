/* tests/test_triage.c: console-log triage. The fixtures under tests/triage/
 * (NAME.log + NAME.expected) drive the main test; the others cover the skip
 * list, title normalisation and signatures, known-list parse errors, big and
 * hostile logs, and the `topofarm triage` verb.
 *
 * NAME.expected is "key: value" lines ('#' comments):
 *   end: HOW          how the run ended (input; default unknown)
 *   outcome: NAME     expected outcome
 *   title: TEXT       expected result title (absent: none)
 *   frame: NAME       expected result frame (absent: none)
 *   reports: N        number of reports
 *   corrupted: yes|no whether any report is corrupted (optional)
 *   benign: N         number of benign reports (default 0)
 *   phase: TEXT       phase of the first non-benign report (optional)
 *   taint: LETTERS    taint of the first non-benign report, "-" = not tainted (optional)
 *   known_bug: ID     known-bug id of the report the title comes from (optional)
 *   canaries: TEXT    seed-bug canaries, "000 detected, 004 triggered" (default: none)
 *   family: NAME      family of the report the title comes from (optional)
 *
 * tests/triage/ holds the verdict cases (whole boots: outcome, phase, known
 * bugs); tests/triage/reports/ the report corpus (every family, 5.10 / 6.1 /
 * 6.12 formats, each case naming its title and guilty frame), whose
 * detection recall, title and frame agreement are measured and must be 100%;
 * tests/triage/clean/ real console logs of clean boots, which must give no
 * finding. */
#include "tests/harness.h"
#include "results/triage.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <dirent.h>
#include <stdlib.h>

bool frame_is_skipped(const char *name, size_t len, bool as_caller);
bool header_first_byte_ok(void);
/* results/triage_internal.h, the skip list */
struct skip_list;
const char *frame_skip_conf(void);
int skip_list_parse(const char *text, size_t len, const char *name, struct skip_list **out, char **err);
void skip_list_free(struct skip_list *s);
unsigned skip_list_classes(const struct skip_list *s, const char *name, size_t len, const char **group);
int skip_list_count(const struct skip_list *s);
int skip_list_group_count(const struct skip_list *s);

struct expect {
	char *end, *outcome, *title, *frame, *corrupted, *phase, *taint, *known_bug, *canaries, *family;
	int reports, benign;
};

static void expect_free(struct expect *e)
{
	free(e->end); free(e->outcome); free(e->title); free(e->frame);
	free(e->corrupted); free(e->phase); free(e->taint); free(e->known_bug); free(e->canaries);
	free(e->family);
}

/* Returns NULL or an error message (caller frees). */
static char *expect_parse(const char *path, struct expect *e)
{
	memset(e, 0, sizeof *e);
	e->reports = -1;
	char *text = read_file(path, NULL);
	if (!text)
		return xasprintf("%s: cannot read", path);
	int lineno = 0;
	char *save = NULL, *err = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !err; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] == '#' || !line[0])
			continue;
		char *colon = strstr(line, ": ");
		if (!colon) {
			err = xasprintf("%s:%d: expected \"key: value\"", path, lineno);
			break;
		}
		*colon = 0;
		const char *v = colon + 2;
		if (!strcmp(line, "end")) e->end = xstrdup(v);
		else if (!strcmp(line, "outcome")) e->outcome = xstrdup(v);
		else if (!strcmp(line, "title")) e->title = xstrdup(v);
		else if (!strcmp(line, "frame")) e->frame = xstrdup(v);
		else if (!strcmp(line, "corrupted")) e->corrupted = xstrdup(v);
		else if (!strcmp(line, "phase")) e->phase = xstrdup(v);
		else if (!strcmp(line, "taint")) e->taint = xstrdup(v);
		else if (!strcmp(line, "known_bug")) e->known_bug = xstrdup(v);
		else if (!strcmp(line, "canaries")) e->canaries = xstrdup(v);
		else if (!strcmp(line, "family")) e->family = xstrdup(v);
		else if (!strcmp(line, "reports")) e->reports = atoi(v);
		else if (!strcmp(line, "benign")) e->benign = atoi(v);
		else err = xasprintf("%s:%d: unknown key \"%s\"", path, lineno, line);
	}
	free(text);
	if (!err && (!e->outcome || e->reports < 0))
		err = xasprintf("%s: outcome: and reports: are required", path);
	return err;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

#define FIX_FAIL(...) do { test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* What one case agreed on, for the corpus measures. */
struct agreement {
	bool expected_report, detected, title, frame;
};

static void check_fixture(const char *dir, const char *name, struct agreement *ag)
{
	char *log_path = xasprintf("%s/%s.log", dir, name);
	char *exp_path = xasprintf("%s/%s.expected", dir, name);
	memset(ag, 0, sizeof *ag);
	struct expect e;
	char *err = expect_parse(exp_path, &e);
	size_t len;
	char *log = read_file(log_path, &len);
	if (err || !log) {
		FIX_FAIL("%s", err ? err : log_path);
		goto out;
	}
	int end = e.end ? run_end_from_name(e.end) : RUN_END_UNKNOWN;
	if (end < 0) {
		FIX_FAIL("%s: bad end: %s", exp_path, e.end);
		goto out;
	}
	struct triage_result r;
	triage_log(log, len, (enum run_end)end, NULL, &r);
	ag->expected_report = e.reports > e.benign;
	ag->detected = r.n_reports > 0;
	ag->title = str_eq(r.title, e.title);
	ag->frame = str_eq(r.frame, e.frame);
	if (strcmp(outcome_name(r.outcome), e.outcome))
		FIX_FAIL("%s: outcome %s, expected %s", name, outcome_name(r.outcome), e.outcome);
	if (!str_eq(r.title, e.title))
		FIX_FAIL("%s: title \"%s\", expected \"%s\"", name, r.title ? r.title : "(none)", e.title ? e.title : "(none)");
	if (!str_eq(r.frame, e.frame))
		FIX_FAIL("%s: frame %s, expected %s", name, r.frame ? r.frame : "(none)", e.frame ? e.frame : "(none)");
	if (r.n_reports != e.reports)
		FIX_FAIL("%s: %d reports, expected %d", name, r.n_reports, e.reports);
	int benign = 0, corrupted = 0;
	const struct triage_report *first = NULL, *best = NULL;
	for (int i = 0; i < r.n_reports; i++) {
		benign += r.reports[i].benign;
		corrupted += r.reports[i].corrupted;
		if (!r.reports[i].benign && !first)
			first = &r.reports[i];
		if (!best && r.title && !strcmp(r.reports[i].title, r.title))
			best = &r.reports[i];
	}
	if (benign != e.benign)
		FIX_FAIL("%s: %d benign reports, expected %d", name, benign, e.benign);
	if (e.corrupted && (corrupted > 0) != !strcmp(e.corrupted, "yes"))
		FIX_FAIL("%s: corrupted=%s, expected %s", name, corrupted ? "yes" : "no", e.corrupted);
	if (e.phase && (!first || !str_eq(first->phase, e.phase)))
		FIX_FAIL("%s: phase \"%s\", expected \"%s\"", name, first ? first->phase : "(no report)", e.phase);
	if (e.taint) {
		const char *want = !strcmp(e.taint, "-") ? "" : e.taint;
		if (!first || !str_eq(first->taint, want))
			FIX_FAIL("%s: taint \"%s\", expected \"%s\"", name, first && first->taint ? first->taint : "(null)", want);
	}
	if (e.family && (!best || !str_eq(best->family, e.family)))
		FIX_FAIL("%s: family %s, expected %s", name, best ? best->family : "(none)", e.family);
	if (e.known_bug && (!best || !str_eq(best->known_bug, e.known_bug)))
		FIX_FAIL("%s: known_bug %s, expected %s", name, best && best->known_bug ? best->known_bug : "(none)", e.known_bug);
	char *canaries = canary_summary(&r);
	if (strcmp(canaries, e.canaries ? e.canaries : ""))
		FIX_FAIL("%s: canaries \"%s\", expected \"%s\"", name, canaries, e.canaries ? e.canaries : "");
	free(canaries);
	for (int i = 0; i < r.n_reports; i++)
		if (!r.reports[i].text || !r.reports[i].first_line || r.reports[i].offset >= len)
			FIX_FAIL("%s: report %d lacks text/first_line or has a bad offset", name, i);
	triage_result_free(&r);
out:
	free(err);
	expect_free(&e);
	free(log);
	free(log_path);
	free(exp_path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the DIR/NAME.log cases, sorted; returns how many. */
static int fixture_names(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".log")) {
			names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
			names[n++] = xstrndup(de->d_name, l - 4);
		}
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, (size_t)n, sizeof names[0], cmp_str);
	*out = names;
	return n;
}

struct measures {
	int cases, with_report, detected, title, frame;
};

static void run_fixtures(const char *dir, struct measures *m)
{
	char **names;
	int n = fixture_names(dir, &names);
	memset(m, 0, sizeof *m);
	for (int i = 0; i < n; i++) {
		char *exp = xasprintf("%s/%s.expected", dir, names[i]);
		if (!path_exists(exp)) {
			test_fail(__FILE__, __LINE__, "%s/%s.log has no .expected", dir, names[i]);
		} else {
			struct agreement ag;
			check_fixture(dir, names[i], &ag);
			m->cases++;
			m->with_report += ag.expected_report;
			m->detected += ag.expected_report && ag.detected;
			m->title += ag.title;
			m->frame += ag.frame;
		}
		free(exp);
		free(names[i]);
	}
	free(names);
}

TEST(triage_fixtures)
{
	struct measures m;
	run_fixtures("tests/triage", &m);
	CHECK(m.cases >= 44);
}

/* The report corpus: detection recall, title and frame agreement, each
 * required to be 100% (the corpus is the spec), and every family of
 * results/oops_patterns.c represented. */
TEST(triage_report_corpus)
{
	struct measures m;
	run_fixtures("tests/triage/reports", &m);
	printf("    report corpus: %d cases; detection recall %.1f%% (%d/%d), title agreement %.1f%% (%d/%d), "
	       "frame agreement %.1f%% (%d/%d)\n", m.cases,
	       m.with_report ? 100.0 * m.detected / m.with_report : 0.0, m.detected, m.with_report,
	       m.cases ? 100.0 * m.title / m.cases : 0.0, m.title, m.cases,
	       m.cases ? 100.0 * m.frame / m.cases : 0.0, m.frame, m.cases);
	CHECK(m.cases >= 300);
	CHECK_INT(m.detected, m.with_report);
	CHECK_INT(m.title, m.cases);
	CHECK_INT(m.frame, m.cases);
	static const char *const families[] = {
		"null-deref", "page-fault", "bad-page", "soft-lockup", "hard-lockup", "sched-atomic",
		"sleep-invalid", "gpf", "kernel-bug", "warning", "kasan", "kfence", "ubsan", "rcu-stall",
		"hung-task", "invalid-opcode", "divide-error", "bug", "kmsan", "memory-leak", "lockdep",
		"usercopy", "stack-guard",
	};
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		char *key = xasprintf("family: %s\n", families[i]);
		char **names;
		int n = fixture_names("tests/triage/reports", &names), have = 0;
		for (int k = 0; k < n; k++) {
			char *p = xasprintf("tests/triage/reports/%s.expected", names[k]);
			char *t = read_file(p, NULL);
			have += t && strstr(t, key);
			free(t);
			free(p);
			free(names[k]);
		}
		free(names);
		if (have < 2)
			test_fail(__FILE__, __LINE__, "family %s has %d cases in the corpus", families[i], have);
		free(key);
	}
}

/* Real console logs of clean boots (farm-6.1, debian-6.1): no finding. */
TEST(triage_clean_boots)
{
	char **names;
	int n = fixture_names("tests/triage/clean", &names), findings = 0;
	CHECK(n >= 6);
	for (int i = 0; i < n; i++) {
		char *p = xasprintf("tests/triage/clean/%s.log", names[i]);
		size_t len;
		char *log = read_file(p, &len);
		REQUIRE(log);
		struct triage_result r;
		triage_log(log, len, RUN_END_GUEST_DONE, NULL, &r);
		int f = 0;
		for (int k = 0; k < r.n_reports; k++)
			f += !r.reports[k].benign;
		if (f || r.outcome != OUTCOME_PASS)
			test_fail(__FILE__, __LINE__, "%s: %s, %d findings (%s)", p, outcome_name(r.outcome), f,
				  r.title ? r.title : "");
		findings += f;
		triage_result_free(&r);
		free(log);
		free(p);
		free(names[i]);
	}
	free(names);
	printf("    clean boots: %d logs, %d findings\n", n, findings);
}

TEST(triage_skip_list)
{
	CHECK(header_first_byte_ok());
	static const char *const always[] = {
		"_raw_spin_lock_irqsave", "_raw_spin_lock", "queued_spin_lock_slowpath", "mutex_lock",
		"__mutex_lock", "printk", "_printk", "__warn", "report_bug", "handle_bug", "exc_invalid_op",
		"asm_exc_page_fault", "dump_stack_lvl", "panic", "page_fault_oops", "do_user_addr_fault",
		"exc_page_fault", "kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "__list_add_valid",
		"__list_del_entry_valid", "kasan_report", "__asan_load8", "ubsan_epilogue", "memset",
	};
	for (size_t i = 0; i < sizeof always / sizeof always[0]; i++) {
		if (!frame_is_skipped(always[i], strlen(always[i]), false))
			test_fail(__FILE__, __LINE__, "%s not skipped", always[i]);
	}
	/* Allocator and scheduler entry points: skipped as callers only. */
	static const char *const callers[] = {
		"kmem_cache_alloc", "kmem_cache_alloc_node", "kmalloc_trace", "__kmalloc",
		"__alloc_pages", "__alloc_pages_nodemask", "alloc_pages", "alloc_pages_vma",
		"__schedule", "schedule_timeout", "wait_for_completion",
	};
	for (size_t i = 0; i < sizeof callers / sizeof callers[0]; i++) {
		if (!frame_is_skipped(callers[i], strlen(callers[i]), true))
			test_fail(__FILE__, __LINE__, "%s not skipped as a caller", callers[i]);
		if (frame_is_skipped(callers[i], strlen(callers[i]), false))
			test_fail(__FILE__, __LINE__, "%s skipped as the faulting location", callers[i]);
	}
	static const char *const culprits[] = {
		"deactivate_slab", "is_mem_section_removable", "stable_page_flags", "topology_sane",
		"set_pfnblock_flags_mask", "bootstrap", "die_hard", "mutex", "panicky",
	};
	for (size_t i = 0; i < sizeof culprits / sizeof culprits[0]; i++)
		if (frame_is_skipped(culprits[i], strlen(culprits[i]), true))
			test_fail(__FILE__, __LINE__, "%s wrongly skipped", culprits[i]);
	/* Lengths are honoured: a prefix of a skipped name is not skipped. */
	CHECK(frame_is_skipped("panic_x", 5, true));
	CHECK(!frame_is_skipped("printk", 5, false));
}

/* The skip list is data: the file in the tree is the one built into the
 * binary, it parses, has syzkaller's breadth, and every family the issue
 * names is there. */
TEST(triage_skip_list_file)
{
	size_t len;
	char *text = read_file("results/frame-skip.conf", &len);
	REQUIRE(text);
	CHECK_STR(frame_skip_conf(), text);
	struct skip_list *s = NULL;
	char *err = NULL;
	int rc = skip_list_parse(text, len, "results/frame-skip.conf", &s, &err);
	if (rc)
		test_fail(__FILE__, __LINE__, "%s", err);
	REQUIRE(rc == 0);
	CHECK(skip_list_count(s) >= 240);
	CHECK(skip_list_group_count(s) >= 12);
	static const struct { const char *name, *group; } fam[] = {
		{ "__lock_acquire", "locking" }, { "lock_acquire", "locking" }, { "spin_dump", "locking" },
		{ "do_raw_spin_lock", "locking" }, { "refcount_warn_saturate", "refcount" },
		{ "__check_object_size", "usercopy" }, { "check_preemption_disabled", "debug-checks" },
		{ "fixup_bug", "debug-checks" }, { "work_is_static_object", "debugobjects" },
		{ "debug_print_object", "debugobjects" }, { "__sanitizer_cov_trace_pc", "sanitizers" },
		{ "kasan_report", "sanitizers" }, { "kmsan_internal_check_memory", "sanitizers" },
		{ "__asan_load8", "sanitizers" }, { "smp_call_function_single", "smp-call" },
		{ "generic_exec_single", "smp-call" }, { "dump_stack_lvl", "printk" }, { "panic", "printk" },
		{ "__warn", "debug-checks" }, { "stack_trace_save", "stack-trace" },
		{ "asm_exc_page_fault", "faults-and-traps" }, { "kmalloc_slab", "allocator" },
		{ "schedule_timeout", "scheduler-and-waits" }, { "do_syscall_64", "entry" },
		{ "process_one_work", "entry" }, { "ret_from_fork", "entry" },
		{ "__x64_sys_ioctl", "generic-syscalls" },
	};
	for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++) {
		const char *g = NULL;
		skip_list_classes(s, fam[i].name, strlen(fam[i].name), &g);
		if (!g || strcmp(g, fam[i].group))
			test_fail(__FILE__, __LINE__, "%s: family %s, expected %s", fam[i].name, g ? g : "(none)", fam[i].group);
	}
	skip_list_free(s);
	free(text);

	static const struct { const char *text, *err; } bad[] = {
		{ "foo\n", "s.conf:1: pattern before the first [FAMILY] line" },
		{ "[a]\nfoo bar\n", "s.conf:2: unexpected ' ' in pattern" },
		{ "[a weird]\nfoo\n", "s.conf:1: unknown class \"weird\"" },
		{ "[a]\n*foo\n", "s.conf:2: a pattern starting with '*' must be *TEXT*" },
		{ "# only a comment\n", "s.conf:1: no patterns" },
		{ "[a\nfoo\n", "s.conf:1: expected \"[FAMILY]\"" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = (struct skip_list *)1;
		err = NULL;
		CHECK_INT(skip_list_parse(bad[i].text, strlen(bad[i].text), "s.conf", &s, &err), -1);
		CHECK(s == NULL);
		CHECK_CONTAINS(err, bad[i].err);
		free(err);
	}
	const char *good = "[x]\nexact\npre*\n*mid*\n[y caller]\ncall*\n";
	REQUIRE(skip_list_parse(good, strlen(good), "g.conf", &s, &err) == 0);
	CHECK_INT(skip_list_classes(s, "exact", 5, NULL), 1);
	CHECK_INT(skip_list_classes(s, "exactly", 7, NULL), 0);
	CHECK_INT(skip_list_classes(s, "prefix", 6, NULL), 1);
	CHECK_INT(skip_list_classes(s, "a_mid_b", 7, NULL), 1);
	CHECK_INT(skip_list_classes(s, "caller", 6, NULL), 2);
	skip_list_free(s);
}

static struct triage_result triage_str(const char *s, enum run_end end)
{
	struct triage_result r;
	triage_log(s, strlen(s), end, NULL, &r);
	return r;
}

TEST(triage_title_normalisation)
{
	/* Same bug, two kernels / CPUs / addresses / timestamps. */
	size_t l1, l2;
	char *a = read_file("tests/triage/seed000_null_deref_deactivate_slab.log", &l1);
	char *b = read_file("tests/triage/null_deref_deactivate_slab_612_variant.log", &l2);
	REQUIRE(a && b);
	CHECK(strcmp(a, b) != 0);
	struct triage_result ra, rb;
	triage_log(a, l1, RUN_END_UNKNOWN, NULL, &ra);
	triage_log(b, l2, RUN_END_UNKNOWN, NULL, &rb);
	CHECK_STR(ra.title, rb.title);
	char *sa = triage_signature(ra.title), *sb = triage_signature(rb.title);
	CHECK_STR(sa, sb);
	CHECK_INT(strlen(sa), 64);
	free(sa); free(sb);
	triage_result_free(&ra);
	triage_result_free(&rb);
	free(a); free(b);

	/* The same WARNING with different CPU/PID/line/offsets. */
	const char *w1 = "[    1.000000] WARNING: CPU: 0 PID: 1 at mm/x.c:10 foo_bar.constprop.0+0x10/0x20\n"
			 "[    1.000001] Call Trace:\n[    1.000002]  <TASK>\n[    1.000003]  baz+0x1/0x2\n[    1.000004]  </TASK>\n";
	const char *w2 = "WARNING: CPU: 3 PID: 4711 at mm/x.c:12 foo_bar+0x99/0x120 [somemod]\r\n"
			 "Call Trace:\r\n <TASK>\r\n qux+0x5/0x9\r\n </TASK>\r\n";
	struct triage_result x = triage_str(w1, RUN_END_GUEST_DONE), y = triage_str(w2, RUN_END_GUEST_DONE);
	CHECK_STR(x.title, "WARNING in foo_bar");
	CHECK_STR(y.title, "WARNING in foo_bar");
	CHECK_INT(x.outcome, OUTCOME_WARNING);
	triage_result_free(&x);
	triage_result_free(&y);

	/* Normalisation of free text: numbers and addresses, whitespace, bytes. */
	char *n = triage_normalise_title("Attempted to kill init!   exitcode=0x0000000b cpu 12 at ffff888003e4c0a8 \x01\xff ext4 sda1");
	CHECK_STR(n, "Attempted to kill init! exitcode=N cpu N at N ?? ext4 sda1");
	char *n2 = triage_normalise_title(n);
	CHECK_STR(n2, n);                 /* idempotent */
	free(n); free(n2);
	char *s1 = triage_signature("WARNING in foo"), *s2 = triage_signature("WARNING  in foo "),
	     *s3 = triage_signature("WARNING in bar");
	CHECK_STR(s1, s2);
	CHECK(strcmp(s1, s3) != 0);
	free(s1); free(s2); free(s3);
}

TEST(triage_known_list_errors)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "benign WARNING in x\nmaybe WARNING in y\n", "t.conf:2: expected \"benign TITLE\"" },
		{ "bug\n", "t.conf:1: missing title" },
		{ "# c\n\nbug BUG: x in y fix=\"abc\n", "t.conf:3: unterminated quote" },
		{ "bug BUG: x in y fix=a b\n", "t.conf:1: expected key=value after the title, got \"b\"" },
		{ "benign WARNING in x fix=abc\n", "t.conf:1: benign entries take no" },
		{ "bug kernel BUG in f id=a id=b\n", "t.conf:1: id= given twice" },
		{ "bug kernel BUG in f link=\n", "t.conf:1: empty value for link=" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct known_list *k = (struct known_list *)1;
		char *err = NULL;
		int rc = known_list_parse(bad[i].text, strlen(bad[i].text), "t.conf", &k, &err);
		CHECK_INT(rc, -1);
		CHECK(k == NULL);
		CHECK_CONTAINS(err, bad[i].err);
		free(err);
	}
	char *err = NULL;
	struct known_list *k = NULL;
	CHECK_INT(known_list_load("/nonexistent/known.conf", &k, &err), -1);
	CHECK_CONTAINS(err, "/nonexistent/known.conf: cannot read");
	free(err);

	/* A good file: comments, quotes, a prefix entry; matching applies it. */
	const char *good = "# known\nbenign WARNING in topology_sane  # split vCPUs\n"
			   "bug BUG: kernel NULL pointer dereference in deactivate_slab id=s0 fix=\"x86/mm: a # b\" link=https://l/x\n"
			   "benign INFO: task hung in *\n";
	REQUIRE(known_list_parse(good, strlen(good), "g.conf", &k, &err) == 0);
	CHECK_INT(known_list_count(k), 3);
	const char *log = "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
			  "RIP: 0010:_raw_spin_lock_irqsave+0x22/0x40\nCall Trace:\n <TASK>\n deactivate_slab+0x187/0x3c0\n </TASK>\n"
			  "---[ end trace 0000000000000000 ]---\n"
			  "INFO: task probe:1 blocked for more than 120 seconds.\nCall Trace:\n <TASK>\n __schedule+0x1/0x2\n foo+0x1/0x2\n </TASK>\n";
	struct triage_result r;
	triage_log(log, strlen(log), RUN_END_UNKNOWN, k, &r);
	REQUIRE(r.n_reports == 2);
	CHECK_STR(r.reports[0].known_bug, "s0");
	CHECK_STR(r.reports[0].fix, "x86/mm: a # b");
	CHECK(r.reports[1].benign);
	CHECK_STR(r.reports[1].title, "INFO: task hung in foo");
	triage_result_free(&r);
	known_list_free(k);
}

TEST(triage_known_conf_matches_builtin)
{
	struct known_list *k = NULL;
	char *err = NULL;
	int rc = known_list_load("results/known.conf", &k, &err);
	if (rc)
		test_fail(__FILE__, __LINE__, "%s", err);
	REQUIRE(rc == 0);
	CHECK_INT(known_list_count(k), known_list_count(known_list_builtin()));
	/* Every seed log is matched the same way by the file and the built-in list. */
	static const char *const seeds[] = {
		"seed000_null_deref_deactivate_slab", "seed001_page_fault_alloc_pages_nodemask",
		"seed003_vm_bug_on_page_is_mem_section_removable", "seed004_page_fault_stable_page_flags",
		"benign_topology_sane_61",
	};
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		char *p = xasprintf("tests/triage/%s.log", seeds[i]);
		size_t len;
		char *log = read_file(p, &len);
		REQUIRE(log);
		struct triage_result a, b;
		triage_log(log, len, RUN_END_UNKNOWN, k, &a);
		triage_log(log, len, RUN_END_UNKNOWN, NULL, &b);
		REQUIRE(a.n_reports == 1 && b.n_reports == 1);
		CHECK(a.reports[0].known_bug || a.reports[0].benign);
		CHECK(str_eq(a.reports[0].known_bug, b.reports[0].known_bug));
		CHECK(str_eq(a.reports[0].fix, b.reports[0].fix));
		CHECK_INT(a.reports[0].benign, b.reports[0].benign);
		triage_result_free(&a);
		triage_result_free(&b);
		free(log);
		free(p);
	}
	known_list_free(k);
}

TEST(triage_hostile_edges)
{
	struct triage_result r;
	triage_log(NULL, 0, RUN_END_UNKNOWN, NULL, &r);
	CHECK_INT(r.outcome, OUTCOME_BOOT_FAIL);
	CHECK_INT(r.n_reports, 0);
	triage_result_free(&r);
	/* A header with no newline at all, right at EOF. */
	r = triage_str("BUG: kernel NULL pointer dereference", RUN_END_UNKNOWN);
	CHECK_INT(r.n_reports, 1);
	CHECK(r.n_reports && r.reports[0].corrupted);
	triage_result_free(&r);
	/* A 3 MB line with a header in it beyond the analysed window: no crash. */
	size_t big = 3u << 20;
	char *s = xmalloc(big + 64);
	memset(s, 'x', big);
	strcpy(s + big, " BUG: soft lockup\n@@TOPOFARM DONE\n");
	r = triage_str(s, RUN_END_UNKNOWN);
	CHECK_INT(r.outcome, OUTCOME_PASS);
	CHECK(r.guest_done);
	triage_result_free(&r);
	free(s);
	/* A marker cut at EOF, the infra end. */
	r = triage_str("@@TOPOFARM REA", RUN_END_INFRA);
	CHECK_INT(r.outcome, OUTCOME_INFRA);
	CHECK(!r.reached_guest);
	triage_result_free(&r);
	/* Benign-only log with the guest done: pass. */
	r = triage_str("WARNING: CPU: 1 PID: 0 at arch/x86/kernel/smpboot.c:417 topology_sane.isra.0+0x62/0x70\n"
		       "Call Trace:\n <TASK>\n start_secondary+0x1/0x2\n </TASK>\n@@TOPOFARM READY\n@@TOPOFARM DONE\n",
		       RUN_END_UNKNOWN);
	CHECK_INT(r.outcome, OUTCOME_PASS);
	CHECK_INT(r.n_reports, 1);
	CHECK(r.n_reports && r.reports[0].benign);
	CHECK(r.title == NULL);
	triage_result_free(&r);
}

/* 20 MB of junk and 20 MB of repeated oopses: one linear pass must finish
 * and still report correctly (no wall-clock assertion). */
TEST(triage_big_logs)
{
	size_t target = 20u << 20;
	char *junk = xmalloc(target);
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < target; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		junk[i] = (char)(x >> 24);
	}
	struct triage_result r;
	triage_log(junk, target, RUN_END_UNKNOWN, NULL, &r);
	CHECK(r.n_reports <= TRIAGE_MAX_REPORTS);
	triage_result_free(&r);
	free(junk);

	size_t len;
	char *seed = read_file("tests/triage/seed000_null_deref_deactivate_slab.log", &len);
	REQUIRE(seed);
	struct buf b = BUF_INIT;
	int copies = 0;
	while (b.len < target) {
		buf_add(&b, seed, len);
		copies++;
	}
	triage_log(b.s, b.len, RUN_END_UNKNOWN, NULL, &r);
	CHECK_INT(r.outcome, OUTCOME_PANIC);
	CHECK_STR(r.title, "BUG: kernel NULL pointer dereference in deactivate_slab");
	CHECK_INT(r.n_reports, TRIAGE_MAX_REPORTS);
	CHECK_INT(r.n_reports + r.n_reports_dropped, copies);
	for (int i = 0; i < r.n_reports; i++)
		if (strcmp(r.reports[i].title, r.title) || r.reports[i].corrupted) {
			test_fail(__FILE__, __LINE__, "report %d: %s%s", i, r.reports[i].title,
				  r.reports[i].corrupted ? " (corrupted)" : "");
			break;
		}
	triage_result_free(&r);
	buf_free(&b);
	free(seed);
}

static const char *topofarm_bin(void)
{
	const char *b = getenv("TOPOFARM_BIN");
	return b && *b ? b : "build-san/topofarm";
}

TEST(triage_cli)
{
	if (!path_exists(topofarm_bin())) {
		test_fail(__FILE__, __LINE__, "%s not built", topofarm_bin());
		return;
	}
	struct proc_opts o = { .capture = true, .timeout = 60 };
	struct proc_result res;
	char *pass[] = { (char *)topofarm_bin(), "triage", "tests/triage/clean_boot_61.log", NULL };
	proc_run(pass, &o, &res);
	CHECK_INT(res.exit_code, 0);
	CHECK_CONTAINS(res.out, "clean_boot_61.log: pass");
	proc_result_free(&res);

	char *js[] = { (char *)topofarm_bin(), "triage", "--json", "tests/triage/clean_boot_61.log",
		       "tests/triage/seed000_null_deref_deactivate_slab.log", NULL };
	proc_run(js, &o, &res);
	CHECK_INT(res.exit_code, 1);
	CHECK_CONTAINS(res.out, "\"outcome\":\"panic\"");
	CHECK_CONTAINS(res.out, "\"title\":\"BUG: kernel NULL pointer dereference in deactivate_slab\"");
	CHECK_CONTAINS(res.out, "\"frame\":\"deactivate_slab\"");
	CHECK_CONTAINS(res.out, "\"family\":\"null-deref\"");
	CHECK_CONTAINS(res.out, "\"known_bug\":\"seed-000\"");
	CHECK_CONTAINS(res.out, "\"phase\":\"early boot\"");
	CHECK_CONTAINS(res.out, "\"text\":\"[");
	/* One object per line. */
	int lines = 0;
	for (const char *p = res.out; p && *p; p++)
		lines += *p == '\n';
	CHECK_INT(lines, 2);
	proc_result_free(&res);

	char *missing[] = { (char *)topofarm_bin(), "triage", "tests/triage/clean_boot_61.log", "/nonexistent/x.log", NULL };
	proc_run(missing, &o, &res);
	CHECK_INT(res.exit_code, 2);
	CHECK_CONTAINS(res.out, "/nonexistent/x.log: cannot read");
	proc_result_free(&res);

	char *kpath = xasprintf("%s/bad.conf", test_tmpdir());
	write_file_str(kpath, "benign ok\nnonsense here\n");
	char *badk[] = { (char *)topofarm_bin(), "triage", "--known", kpath, "tests/triage/clean_boot_61.log", NULL };
	proc_run(badk, &o, &res);
	CHECK_INT(res.exit_code, 2);
	CHECK_CONTAINS(res.out, "bad.conf:2:");
	proc_result_free(&res);
	free(kpath);

	char *endt[] = { (char *)topofarm_bin(), "triage", "--end", "timeout", "tests/triage/clean_boot_61.log", NULL };
	proc_run(endt, &o, &res);
	CHECK_INT(res.exit_code, 1);
	CHECK_CONTAINS(res.out, "hang");
	proc_result_free(&res);
}
