/* results/triage.c: the triage driver. One pass over the log, line by line
 * (memchr for newlines, one memmem for the next guest marker): each line is
 * cleaned, its message start is checked against the header table, and the
 * open report (at most one) takes the line's frames, taint and end markers.
 * Nothing is ever rescanned, so the cost is linear in the log size. */
#include "results/triage_internal.h"
#include "results/triage_state.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPORT_LINES 400
#define MAX_REPORT_TEXT 65536
#define MAX_PREAMBLE_LINES 8
#define MARKER "@@TOPOFARM "

static bool starts(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && memcmp(s, p, pl) == 0;
}

static char *dup_frame(const struct frame *f)
{
	return xstrndup(f->name, f->len);
}

/* ---- report text ---- */

static void text_add_line(struct open_report *r, const char *s, size_t n)
{
	if (r->text.len + n + 1 > MAX_REPORT_TEXT)
		return;
	buf_add(&r->text, s, n);
	buf_putc(&r->text, '\n');
}

/* The preamble lines (cut here / page: dump / ===== rule) before a header
 * were already passed; re-read them from the log: at most 8 lines. */
static void text_add_preamble(struct triage *t, struct open_report *r, size_t from, size_t to)
{
	struct buf scratch = BUF_INIT;
	struct cline l;
	while (from < to) {
		const char *nl = memchr(t->log + from, '\n', to - from);
		size_t n = nl ? (size_t)(nl - (t->log + from)) : to - from;
		cline_clean(&l, t->log + from, n, &scratch);
		text_add_line(r, l.text, l.len);
		from += n + 1;
	}
	buf_free(&scratch);
}

/* ---- header details ---- */

/* The text between prefix and " in " (KASAN/KFENCE/UBSAN kinds). */
static char *kind_before_in(const char *msg, size_t n, size_t skip, const char **after_in)
{
	const char *s = msg + skip, *end = msg + n;
	const char *in = memmem(s, (size_t)(end - s), " in ", 4);
	*after_in = in ? in + 4 : NULL;
	const char *ke = in ? in : end;
	while (ke > s && ke[-1] == ' ')
		ke--;
	return xstrndup(s, (size_t)(ke - s));
}

static void parse_warning(struct open_report *r, const char *msg, size_t n)
{
	const char *end = msg + n;
	struct frame f;
	if (starts(msg, n, "WARNING: CPU:") || starts(msg, n, "WARNING: at ")) {
		const char *at = memmem(msg, n, " at ", 4);
		if (!at)
			return;
		/* "at kernel/foo.c:12 func+0x1/0x2", or "at func+0x1/0x2" (no file) */
		const char *file = at + 4, *fe = file;
		while (fe < end && *fe != ':' && *fe != ' ')
			fe++;
		bool has_file = fe < end && *fe == ':' && memchr(file, '/', (size_t)(fe - file)) != NULL;
		if (frame_find_symbol(at, (size_t)(end - at), &f)) {
			r->header_func = dup_frame(&f);
		} else {
			/* 2.6/3.x: "WARNING: at kernel/foo.c:12 foo()" */
			const char *sp = memchr(at + 4, ' ', (size_t)(end - at - 4));
			if (sp) {
				const char *b = sp + 1, *e = b;
				while (e < end && *e != '(' && *e != ' ')
					e++;
				if (e > b)
					r->header_func = xstrndup(b, (size_t)(e - b));
			}
		}
		const char *kind = warning_kind(has_file ? file : NULL, has_file ? (size_t)(fe - file) : 0,
						r->header_func);
		if (kind)
			r->kind = xstrdup(kind);
		return;
	}
	/* "WARNING: kernel stack frame pointer at ... has bad value",
	 * "WARNING: bad contention detected!": the message is the kind. */
	const char *b = msg + 9, *e = end;
	while (e > b && (e[-1] == ' ' || e[-1] == '!'))
		e--;
	if (e - b > 9 && !memcmp(e - 9, " detected", 9))
		e -= 9;
	r->detail = xstrndup(b, (size_t)(e - b));
}

/* "BUG: workqueue lockup - pool cpus=0 ..." -> "workqueue lockup" */
static char *bug_message(const char *msg, size_t n)
{
	const char *s = msg + 5, *end = msg + n, *e = s;
	while (e < end && *e != ':' && *e != ',' && *e != '!' &&
	       !(*e == '(' && !(e + 1 < end && e[1] == ')')) &&
	       !(e + 3 <= end && !memcmp(e, " - ", 3)) && !(e + 4 <= end && !memcmp(e, " at ", 4)) &&
	       !(e + 7 <= end && !memcmp(e, " on CPU", 7)) && !(e + 7 <= end && !memcmp(e, " on cpu", 7)))
		e++;
	while (e > s && e[-1] == ' ')
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static void parse_header(struct open_report *r, const char *msg, size_t n)
{
	const char *after_in = NULL;
	struct frame f;
	switch (r->fam) {
	case FAM_WARNING:
		parse_warning(r, msg, n);
		break;
	case FAM_KASAN:
	case FAM_KFENCE:
	case FAM_KMSAN:
		r->detail = kind_before_in(msg, n, strlen("BUG: KASAN: "), &after_in);
		if (after_in && frame_find_symbol(after_in, (size_t)(msg + n - after_in), &f))
			r->header_func = dup_frame(&f);
		break;
	case FAM_UBSAN:
		r->detail = kind_before_in(msg, n, strlen("UBSAN: "), &after_in);
		if (after_in) {
			const char *e = after_in;
			while (e < msg + n && *e != ':' && *e != ' ')
				e++;
			if (e > after_in)
				r->detail2 = xstrndup(after_in, (size_t)(e - after_in));
		}
		break;
	case FAM_BUG_OTHER:
		r->detail = bug_message(msg, n);
		break;
	case FAM_LOCKDEP:
		r->detail = xstrdup(lockdep_title(msg, n));
		break;
	default:
		break;
	}
}

/* ---- opening and closing ---- */

static void close_report(struct triage *t, bool eof, bool interrupted);

static void start_report(struct triage *t, enum family fam, const char *msg, size_t ml)
{
	close_report(t, false, true);
	struct open_report *r = &t->cur;
	memset(r, 0, sizeof *r);
	r->open = true;
	r->fam = fam;
	r->offset = t->line_off;
	r->irq_end = r->after_apic = -1;
	if (t->pre_valid && t->pre_lines <= MAX_PREAMBLE_LINES) {
		r->offset = t->pre_off;
		text_add_preamble(t, r, t->pre_off, t->line_off);
	}
	t->pre_valid = false;
	text_add_line(r, t->line.text, t->line.len);
	r->lines = 1;
	r->first_line = xstrndup(msg, ml > 512 ? 512 : ml);
	r->phase = xstrdup(t->phase);
	parse_header(r, msg, ml);
}

static void free_open(struct open_report *r)
{
	buf_free(&r->text);
	free(r->first_line);
	free(r->detail);
	free(r->detail2);
	free(r->access);
	free(r->header_func);
	free(r->rip_func);
	free(r->kind);
	free(r->at_func);
	buf_free(&r->fnames);
	free(r->taint);
	free(r->phase);
	free(r->panic_reason);
	memset(r, 0, sizeof *r);
}

/* ---- the guilty frame ---- */

static const char *frame_name(const struct open_report *r, int i)
{
	return r->fnames.s + r->frames[i].off;
}

static void add_frame_entry(struct open_report *r, const char *name, size_t len, bool rip)
{
	if (r->n_frames >= TRIAGE_MAX_FRAMES)
		return;
	struct rframe *f = &r->frames[r->n_frames];
	f->off = (unsigned)r->fnames.len;
	f->len = (unsigned)len;
	f->rip = rip;
	buf_add(&r->fnames, name, len);
	buf_putc(&r->fnames, 0);
	if (r->after_apic < 0 && memmem(name, len, "apic_timer_interrupt", 20))
		r->after_apic = r->n_frames + 1;
	r->n_frames++;
}

/* The first frame of the trace (RIP lines excluded) that is not skipped as
 * a caller. */
static const char *first_caller(const struct open_report *r)
{
	for (int i = 0; i < r->n_frames; i++)
		if (!r->frames[i].rip && !frame_is_skipped(frame_name(r, i), r->frames[i].len, true))
			return frame_name(r, i);
	return NULL;
}

static bool stall_skipped(const struct open_report *r, int i)
{
	unsigned c = frame_skip_classes(frame_name(r, i), r->frames[i].len);
	if (c & (SKIP_ALWAYS | SKIP_ENTRY | SKIP_DISPATCH))
		return true;
	return !r->frames[i].rip && (c & SKIP_CALLER);
}

/* Stalls loop somewhere in the stuck context, and where the detector caught
 * them is chance: the stable identity is the frame just above the context's
 * entry point (the syscall, the work function, the kthread function, the
 * initcall, the timer callback), generic dispatchers passed over. The stuck
 * context is what the timer interrupt interrupted (frames after the first
 * *apic_timer_interrupt), else what follows the last </IRQ>, else all. */
static const char *stall_frame(const struct open_report *r, bool cut)
{
	int start = 0;
	if (r->after_apic >= 0 && r->after_apic < r->n_frames)
		start = r->after_apic;
	else if (r->irq_end >= 0 && r->irq_end < r->n_frames)
		start = r->irq_end;
	int entry = -1;
	for (int i = start; i < r->n_frames && entry < 0; i++)
		if (frame_skip_classes(frame_name(r, i), r->frames[i].len) & SKIP_ENTRY)
			entry = i;
	if (entry >= 0) {
		for (int i = entry - 1; i >= start; i--)
			if (!stall_skipped(r, i))
				return frame_name(r, i);
		return NULL;
	}
	if (cut)
		return NULL;    /* the entry point was never printed: no identity */
	/* A whole trace without a known entry point: its outermost frame. */
	for (int i = r->n_frames - 1; i >= start; i--)
		if (!stall_skipped(r, i))
			return frame_name(r, i);
	return NULL;
}

static const char *pick_frame(const struct open_report *r, bool cut)
{
	const struct family_info *fi = family_info(r->fam);
	enum frame_rule rule = fi->rule;
	if (r->fam == FAM_WARNING && r->kind)
		rule = RULE_CALLER;
	switch (rule) {
	case RULE_STALL:
		return stall_frame(r, cut);
	case RULE_CALLER:
		return first_caller(r);
	case RULE_LOCK_SITE:
		if (r->at_func && !frame_is_skipped(r->at_func, strlen(r->at_func), true))
			return r->at_func;
		return first_caller(r);
	default:
		break;
	}
	if (r->header_func && !frame_is_skipped(r->header_func, strlen(r->header_func), false))
		return r->header_func;
	bool rip_ok = r->rip_func && !frame_is_skipped(r->rip_func, strlen(r->rip_func), false);
	if (fi->rip_first && rip_ok)
		return r->rip_func;
	const char *c = first_caller(r);
	if (c)
		return c;
	return rip_ok ? r->rip_func : NULL;
}

/* eof: the log ended with the report open; interrupted: another report's
 * header closed it. Either cuts a stack that was being printed. */
static void close_report(struct triage *t, bool eof, bool interrupted)
{
	struct open_report *r = &t->cur;
	if (!r->open)
		return;
	const struct family_info *fi = family_info(r->fam);
	bool cut = (eof && !r->trace_ended && !r->ended) ||
		   (interrupted && r->in_trace && !r->trace_ended && !r->ended);
	if (r->fam == FAM_LEAK && r->saw_frame)
		cut = false;    /* a leak's backtrace has no end marker */
	const char *frame = pick_frame(r, cut);
	/* No stack at all where the family prints one: the frame may be known
	 * (a WARNING's site, a RIP), the report is still incomplete. */
	bool no_stack = fi->needs_frame && !r->saw_frame &&
			r->fam != FAM_DOUBLE_FAULT && r->fam != FAM_STACK_GUARD;   /* RIP only, on another stack */
	bool corrupted = cut || no_stack || (fi->needs_frame && !frame) ||
			 (r->fam == FAM_KASAN && !r->access);
	t->last.valid = true;
	t->last.fam = r->fam;
	t->last.offset = r->offset;
	t->last.panicked = r->panicked;
	t->last.index = -1;
	if (t->n_found >= TRIAGE_MAX_REPORTS) {
		t->dropped++;
		free_open(r);
		return;
	}
	t->last.index = t->n_found;
	if (t->n_found == t->cap_found) {
		t->cap_found = t->cap_found ? t->cap_found * 2 : 8;
		t->found = xrealloc(t->found, (size_t)t->cap_found * sizeof *t->found);
	}
	struct found *f = &t->found[t->n_found++];
	memset(f, 0, sizeof *f);
	struct title_parts parts = { r->fam, frame, r->detail, r->detail2, r->access, r->kind };
	f->fam = r->fam;
	f->r.title = title_build(&parts);
	f->r.frame = frame ? xstrdup(frame) : NULL;
	f->r.family = xstrdup(fi->name);
	f->r.first_line = r->first_line;
	r->first_line = NULL;
	f->r.text = buf_steal(&r->text);
	f->r.taint = r->taint;
	r->taint = NULL;
	f->r.phase = r->phase;
	r->phase = NULL;
	f->r.corrupted = corrupted;
	f->r.offset = r->offset;
	f->panicked = r->panicked;
	f->panic_reason = r->panic_reason;
	f->panic_offset = r->panic_offset;
	r->panic_reason = NULL;
	free_open(r);
}

/* ---- kernel panic ---- */

static void handle_panic(struct triage *t, const char *msg, size_t ml)
{
	size_t skip = strlen("Kernel panic - not syncing");
	const char *reason = msg + skip, *end = msg + ml;
	while (reason < end && (*reason == ':' || *reason == ' '))
		reason++;
	while (end > reason && end[-1] == ' ')
		end--;
	size_t rl = (size_t)(end - reason);

	/* The panic is the consequence of the report just before it (Fatal
	 * exception, Attempted to kill the idle task, softlockup: hung tasks,
	 * panic_on_warn), unless the guest went on after that report. */
	enum family tfam;
	size_t toff;
	bool already;
	if (t->cur.open) {
		tfam = t->cur.fam, toff = t->cur.offset, already = t->cur.panicked;
	} else if (t->last.valid) {
		tfam = t->last.fam, toff = t->last.offset, already = t->last.panicked;
	} else {
		start_report(t, FAM_PANIC, msg, ml);
		t->cur.detail = xstrndup(reason, rl);
		return;
	}
	bool warn_like = family_info(tfam)->sev == SEV_WARNING;
	bool absorb = !already && tfam != FAM_PANIC &&
		      !(t->any_marker && t->last_marker_off > toff) &&
		      (!warn_like || memmem(reason, rl, "panic_on_warn", 13));
	if (!absorb) {
		start_report(t, FAM_PANIC, msg, ml);
		t->cur.detail = xstrndup(reason, rl);
		return;
	}
	if (t->cur.open) {
		t->cur.panicked = true;
		t->cur.panic_reason = xstrndup(reason, rl);
		t->cur.panic_offset = t->line_off;
		text_add_line(&t->cur, t->line.text, t->line.len);
		t->cur.lines++;
	} else {
		t->last.panicked = true;
		if (t->last.index >= 0) {
			struct found *f = &t->found[t->last.index];
			f->panicked = true;
			f->panic_reason = xstrndup(reason, rl);
			f->panic_offset = t->line_off;
		}
	}
}

/* ---- lines inside a report ---- */

static void parse_taint(struct triage *t, struct open_report *r, const char *msg, size_t n)
{
	const char *end = msg + n, *rel = NULL;
	const char *nt = memmem(msg, n, "Not tainted ", 12);
	if (nt) {
		if (!r->taint)
			r->taint = xstrdup("");
		rel = nt + 12;
	} else {
		const char *tp = memmem(msg, n, "Tainted: ", 9);
		if (!tp || (tp + 9 < end && tp[9] == '['))
			return;   /* 6.12's "Tainted: [W]=WARN" legend line */
		const char *p = tp + 9;
		struct buf b = BUF_INIT;
		while (p < end && ((*p >= 'A' && *p <= 'Z') || *p == ' ')) {
			if (*p != ' ')
				buf_putc(&b, *p);
			p++;
		}
		if (!r->taint)
			r->taint = buf_steal(&b);
		buf_free(&b);
		rel = p;
	}
	if (!t->release && rel < end) {
		const char *e = rel;
		while (e < end && *e != ' ')
			e++;
		if (e > rel && *rel >= '0' && *rel <= '9')
			t->release = xstrndup(rel, (size_t)(e - rel));
	}
}

static bool ends_trace(const struct open_report *r, const char *msg, size_t n)
{
	if (!r->saw_frame)
		return false;
	if (n == 0 || starts(msg, n, "</TASK>") || starts(msg, n, "Modules linked in") ||
	    starts(msg, n, "RIP  [<") || starts(msg, n, "Kernel Offset:") ||
	    starts(msg, n, "Allocated by task") || starts(msg, n, "Freed by task") ||
	    starts(msg, n, "allocated by task") || starts(msg, n, "freed by task") ||
	    starts(msg, n, "The buggy address") || starts(msg, n, "kfence-#") ||
	    starts(msg, n, "Last potentially related work creation") ||
	    starts(msg, n, "Uninit was ") || starts(msg, n, "Local variable ") ||
	    starts(msg, n, "Memory access of size") ||
	    (r->fam == FAM_KMSAN && (starts(msg, n, "Bytes ") || starts(msg, n, "CPU: "))))
		return true;
	/* 4.x kernels print Code: after the trace; newer ones print it in the
	 * register dump (inside the trace, when it shows interrupted regs). */
	return !r->saw_task_marker && starts(msg, n, "Code: ");
}

/* "RAX: ...", "R13: ...", "FS:  ...", "Code: ...": a register dump printed
 * inside a trace (an interrupted context's registers). */
static bool register_dump_line(const char *msg, size_t n)
{
	size_t i = 0;
	while (i < n && i < 6 && ((msg[i] >= 'A' && msg[i] <= 'Z') || (msg[i] >= '0' && msg[i] <= '9')))
		i++;
	return i >= 2 && i < n && msg[i] == ':';
}

static bool take_frame(struct open_report *r, const char *msg, size_t n)
{
	struct frame f;
	if (!frame_parse_trace(msg, n, &f))
		return false;
	if (!f.reliable)
		return true;
	r->saw_frame = true;
	add_frame_entry(r, f.name, f.len, false);
	return true;
}

/* lockdep: the lock site, "..., at: func+0x1/0x2", or "at:" ending a line
 * and "[<ffffffff81000000>] func+0x1/0x2" on the next. */
static void take_lock_site(struct open_report *r, const char *msg, size_t n)
{
	struct frame f;
	if (r->at_next) {
		r->at_next = false;
		if (frame_parse_trace(msg, n, &f) || frame_find_symbol(msg, n, &f))
			r->at_func = dup_frame(&f);
		return;
	}
	const char *at = memmem(msg, n, "at:", 3);
	if (!at || (at > msg && at[-1] != ' '))
		return;
	const char *rest = at + 3, *end = msg + n;
	while (rest < end && *rest == ' ')
		rest++;
	if (rest == end)
		r->at_next = true;
	else if (frame_find_symbol(rest, (size_t)(end - rest), &f))
		r->at_func = dup_frame(&f);
}

static void feed_report(struct triage *t, const char *msg, size_t n)
{
	struct open_report *r = &t->cur;
	text_add_line(r, t->line.text, t->line.len);
	r->lines++;
	if (r->trace_ended)
		r->tail_lines++;
	if (r->fam == FAM_LEAK) {
		/* printed through pr_warn with the "kmemleak: " prefix */
		if (starts(msg, n, "kmemleak: "))
			msg += 10, n -= 10;
		while (n && *msg == ' ')
			msg++, n--;
	}
	if (r->fam == FAM_KASAN && !r->access) {
		if (starts(msg, n, "Read of size"))
			r->access = xstrdup("Read");
		else if (starts(msg, n, "Write of size"))
			r->access = xstrdup("Write");
	}
	if (starts(msg, n, "CPU: ") || starts(msg, n, "Not tainted") || starts(msg, n, "Tainted: "))
		parse_taint(t, r, msg, n);
	if (r->fam == FAM_LOCKDEP && !r->at_func && !r->in_trace &&
	    strcmp(r->detail ? r->detail : "", "WARNING: suspicious RCU usage"))
		take_lock_site(r, msg, n);
	if (!r->trace_ended) {
		struct frame f;
		if (starts(msg, n, "RIP: ") || starts(msg, n, "IP: ") || starts(msg, n, "EIP: ")) {
			if (frame_find_symbol(msg, n, &f)) {
				if (!r->rip_func)
					r->rip_func = dup_frame(&f);
				add_frame_entry(r, f.name, f.len, true);
			}
		} else if (starts(msg, n, "Call Trace:") || (r->fam == FAM_LEAK && starts(msg, n, "backtrace"))) {
			r->in_trace = true;
		} else if (starts(msg, n, "<TASK>") || starts(msg, n, "<IRQ>") || starts(msg, n, "<NMI>")) {
			r->saw_task_marker = true;
			r->in_trace = true;
		} else if (starts(msg, n, "</IRQ>") || starts(msg, n, "</NMI>") || starts(msg, n, "<EOI>")) {
			r->irq_end = r->n_frames;
		} else if (ends_trace(r, msg, n)) {
			r->trace_ended = true;
		} else if (r->in_trace || r->fam == FAM_KFENCE || r->fam == FAM_KMSAN) {
			/* A trace without <TASK> markers (5.x, kmemleak) ends at
			 * the first line that is neither a frame nor registers. */
			if (!take_frame(r, msg, n) && r->saw_frame && r->in_trace &&
			    (r->fam == FAM_LEAK || (!r->saw_task_marker && !register_dump_line(msg, n))))
				r->trace_ended = true;
		}
	}
	int tail_limit = family_info(r->fam)->ruled ? 80 : 6;
	if ((r->trace_ended && r->tail_lines >= tail_limit) || r->lines >= MAX_REPORT_LINES)
		close_report(t, false, false);
}

/* ---- guest markers and boot phase ---- */

static void set_phase(struct triage *t, const char *p, size_t n)
{
	if (n >= sizeof t->phase)
		n = sizeof t->phase - 1;
	memcpy(t->phase, p, n);
	t->phase[n] = 0;
}

static bool marker_word(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(end - p) >= n && !memcmp(p, w, n);
}

/* "@@TOPOFARM STEP 3 hotplug-add" -> phase "step 3 hotplug-add" (sanitised). */
static void marker_step(struct triage *t, const char *p, const char *end)
{
	char ph[sizeof t->phase];
	size_t o = 0;
	o += (size_t)snprintf(ph, sizeof ph, "step ");
	while (p < end && *p == ' ')
		p++;
	while (p < end && *p >= '0' && *p <= '9' && o < 16)
		ph[o++] = *p++;
	while (p < end && *p == ' ')
		p++;
	if (p < end && o < sizeof ph - 1)
		ph[o++] = ' ';
	while (p < end && o < sizeof ph - 1 &&
	       ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
		ph[o++] = *p++;
	while (o && ph[o - 1] == ' ')
		o--;
	set_phase(t, ph, o);
}

static void handle_marker(struct triage *t, const char *m, const char *end)
{
	const char *p = m + strlen(MARKER);
	if (marker_word(p, end, "READY")) {
		t->reached = true;
	} else if (marker_word(p, end, "DONE")) {
		t->reached = t->done = true;
		set_phase(t, "shutdown", 8);
	} else if (marker_word(p, end, "STEP ")) {
		t->reached = true;
		marker_step(t, p + 5, end);
	} else {
		return;
	}
	t->any_marker = true;
	t->last_marker_off = (size_t)(m - t->log);
}

static void find_next_marker(struct triage *t, size_t from)
{
	t->next_marker = from < t->len ?
		memmem(t->log + from, t->len - from, MARKER, strlen(MARKER)) : NULL;
}

/* ---- one line ---- */

static void handle_role(struct triage *t, const struct header_match *m, const char *msg, size_t ml)
{
	struct open_report *r = &t->cur;
	switch (m->role) {
	case HDR_START:
		start_report(t, m->fam, msg, ml);
		return;
	case HDR_DIE:
		if (r->open && family_info(r->fam)->expects_die && !r->seen_die && !r->saw_frame) {
			r->seen_die = true;
			feed_report(t, msg, ml);
		} else {
			start_report(t, m->fam, msg, ml);
			t->cur.seen_die = true;
		}
		return;
	case HDR_BUG_AT:
		if (r->open && (r->fam == FAM_VM_BUG_ON_PAGE || r->fam == FAM_USERCOPY) &&
		    !r->saw_frame && !r->seen_bug_at) {
			r->seen_bug_at = true;
			free(r->first_line);
			r->first_line = xstrndup(msg, ml > 512 ? 512 : ml);
			feed_report(t, msg, ml);
		} else {
			/* usercopy_abort()'s BUG, its "usercopy:" line lost */
			bool usercopy = starts(msg, ml, "kernel BUG at mm/usercopy.c");
			start_report(t, usercopy ? FAM_USERCOPY : FAM_KERNEL_BUG, msg, ml);
			t->cur.seen_bug_at = true;
		}
		return;
	case HDR_PANIC:
		handle_panic(t, msg, ml);
		return;
	case HDR_END_TRACE:
		if (r->open) {
			feed_report(t, msg, ml);
			if (r->open) {
				r->ended = true;
				close_report(t, false, false);
			}
		}
		return;
	case HDR_RULE:
		if (r->open && family_info(r->fam)->ruled && r->lines > 1) {
			feed_report(t, msg, ml);
			if (r->open) {
				r->ended = true;
				close_report(t, false, false);
			}
			return;
		}
		break;
	case HDR_CUT_HERE:
	case HDR_PREAMBLE:
		break;
	case HDR_FREEING_INIT:
	case HDR_RUN_INIT:
		if (!strcmp(t->phase, "early boot"))
			set_phase(t, "init", 4);
		break;
	case HDR_LEAK_SUMMARY:
		/* kmemleak prints each leak (kmemleak.verbose=1) before this
		 * count; without them the count is the only trace of a leak. */
		if (!(r->open && r->fam == FAM_LEAK) && !(t->last.valid && t->last.fam == FAM_LEAK)) {
			start_report(t, FAM_LEAK, msg, ml);
			t->cur.ended = true;
			close_report(t, false, false);
			return;
		}
		break;
	case HDR_LINUX_VERSION:
		if (!t->release) {
			const char *v = msg + strlen("Linux version "), *e = v;
			while (e < msg + ml && *e != ' ')
				e++;
			if (e > v)
				t->release = xstrndup(v, (size_t)(e - v));
		}
		break;
	default:
		break;
	}
	/* Context lines: part of the open report, or a preamble for the next
	 * (a report in its tail is over once the next one's preamble shows). */
	if (m->role == HDR_RULE || m->role == HDR_CUT_HERE || m->role == HDR_PREAMBLE) {
		if (r->open && r->trace_ended)
			close_report(t, false, false);
		if (!t->cur.open && !(t->pre_valid && t->pre_lines <= MAX_PREAMBLE_LINES)) {
			t->pre_valid = true;
			t->pre_off = t->line_off;
			t->pre_lines = 0;
		}
	}
	if (t->cur.open)
		feed_report(t, msg, ml);
}

static void process_line(struct triage *t, size_t off, size_t n)
{
	const char *raw = t->log + off;
	t->line_off = off;
	if (t->next_marker && t->next_marker < raw + n) {
		handle_marker(t, t->next_marker, raw + n);
		find_next_marker(t, off + n);
	}
	cline_clean(&t->line, raw, n, &t->scratch);
	const char *msg = t->line.msg;
	size_t ml = t->line.msg_len;
	int bug;
	bool triggered;
	if (canary_parse(msg, ml, &bug, &triggered))
		canary_note(t->out, bug, triggered);
	struct header_match m;
	if (!header_match(msg, ml, &m)) {
		/* Interleaved output: "@@TOPOFARM STE[  12.3] BUG: ..." */
		size_t el;
		for (const char *e = cline_next_embedded(&t->line, msg, &el); e;
		     e = cline_next_embedded(&t->line, e, &el)) {
			if (header_match(e, el, &m)) {
				msg = e;
				ml = el;
				break;
			}
		}
	}
	if (t->pre_valid)
		t->pre_lines++;
	if (m.role != HDR_NONE)
		handle_role(t, &m, msg, ml);
	else if (t->cur.open)
		feed_report(t, msg, ml);
}

int triage_log(const char *log, size_t len, enum run_end end,
	       const struct known_list *known, struct triage_result *out)
{
	struct triage t;
	memset(&t, 0, sizeof t);
	memset(out, 0, sizeof *out);
	t.log = log ? log : "";
	t.len = log ? len : 0;
	t.end = end;
	t.known = known ? known : known_list_builtin();
	t.out = out;
	set_phase(&t, "early boot", 10);
	find_next_marker(&t, 0);
	size_t pos = 0;
	while (pos < t.len) {
		const char *nl = memchr(t.log + pos, '\n', t.len - pos);
		size_t n = nl ? (size_t)(nl - (t.log + pos)) : t.len - pos;
		process_line(&t, pos, n);
		pos += n + 1;
	}
	close_report(&t, true, false);
	buf_free(&t.scratch);
	triage_finish(&t, out);
	canary_detect(out);
	return 0;
}
