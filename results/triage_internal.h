/* results/triage_internal.h: the pieces the triage files share and nobody
 * else needs: console line cleaning, the report header table, frame parsing
 * and the skip list, title building, known-list matching. */
#ifndef RESULTS_TRIAGE_INTERNAL_H
#define RESULTS_TRIAGE_INTERNAL_H
#include "results/triage.h"
#include "common/buf.h"
#include <stdbool.h>
#include <stddef.h>

/* Only the first MAX_LINE bytes of a line are analysed and kept in report
 * text: printk records are at most ~1 KiB, anything longer is junk. */
#define TRIAGE_MAX_LINE 2048
/* Frames kept per report: the guilty one is near the top, or (stalls) near
 * the context's entry point, well within 96. */
#define TRIAGE_MAX_FRAMES 96

/* ---- console_line.c ---- */
struct cline {
	char *text;             /* cleaned line (no CR/NUL/ANSI/control bytes) */
	size_t len;
	const char *msg;        /* text after timestamp / caller id / level prefix */
	size_t msg_len;
};
/* Cleans raw[0..n) into scratch (reused between lines) and finds the message. */
void cline_clean(struct cline *l, const char *raw, size_t n, struct buf *scratch);
/* The message after the next embedded "[ 12.345678]" timestamp at or after
 * from (interleaved output glued to a line), or NULL. */
const char *cline_next_embedded(const struct cline *l, const char *from, size_t *msg_len);
/* The '[' of the first "[ 12.345678]" timestamp in s[0..end), or NULL. */
const char *cline_find_timestamp(const char *s, const char *end);
/* Skips a printk timestamp / caller id / <level> prefix. */
const char *cline_skip_prefix(const char *s, const char *end);

/* ---- oops_patterns.c ---- */
enum family {
	FAM_NULL_DEREF, FAM_PAGE_FAULT, FAM_BAD_PAGE, FAM_SOFT_LOCKUP,
	FAM_HARD_LOCKUP, FAM_SCHED_ATOMIC, FAM_SLEEP_INVALID, FAM_GPF,
	FAM_KERNEL_BUG, FAM_VM_BUG_ON_PAGE, FAM_WARNING, FAM_PANIC, FAM_KASAN,
	FAM_KFENCE, FAM_UBSAN, FAM_RCU_STALL, FAM_HUNG_TASK, FAM_DOUBLE_FAULT,
	FAM_INVALID_OPCODE, FAM_DIVIDE_ERROR, FAM_OOPS, FAM_BUG_OTHER,
	FAM_KMSAN, FAM_LEAK, FAM_LOCKDEP, FAM_USERCOPY, FAM_STACK_GUARD,
	FAM__COUNT
};

/* What a report of this family does to the run's outcome. */
enum severity { SEV_WARNING, SEV_STALL, SEV_OOPS, SEV_PANIC };

struct family_info {
	const char *name;       /* report.family */
	const char *title;      /* fixed title head, "... in FRAME" appended */
	enum severity sev;
	bool rip_first;         /* the faulting RIP beats the call trace */
	bool expects_die;       /* an "Oops:"/"invalid opcode:" line follows and joins */
	bool ruled;             /* the report ends at a "=====" rule (KASAN...) */
	bool needs_frame;       /* the title is incomplete without a frame */
	enum frame_rule {
		RULE_FIRST,     /* header site, RIP (rip_first), first caller in the trace */
		RULE_CALLER,    /* first caller in the trace: the checker is not the bug */
		RULE_STALL,     /* the frame above the stuck context's entry point */
		RULE_LOCK_SITE, /* lockdep: the lock site ("at: FUNC"), else the trace */
	} rule;
};
const struct family_info *family_info(enum family f);

enum header_role {
	HDR_NONE,
	HDR_START,              /* opens a report */
	HDR_DIE,                /* "Oops: 0000 [#1]": joins a report awaiting it, else opens */
	HDR_BUG_AT,             /* "kernel BUG at": joins VM_BUG_ON_PAGE, else opens */
	HDR_PANIC,              /* "Kernel panic - not syncing:" */
	HDR_RULE,               /* "=====...": ends ruled reports, may precede one */
	HDR_CUT_HERE,           /* "------------[ cut here ]": precedes a report */
	HDR_PREAMBLE,           /* "page:..." dump_page output before VM_BUG_ON_PAGE */
	HDR_END_TRACE,          /* "---[ end trace" / "---[ end Kernel panic" */
	HDR_FREEING_INIT,       /* "Freeing unused kernel ...": init is next */
	HDR_RUN_INIT,           /* "Run /init as init process" */
	HDR_LINUX_VERSION,      /* "Linux version 6.1.0 (...)" */
	HDR_LEAK_SUMMARY,       /* "kmemleak: N new suspected memory leaks": a leak
				   report of its own unless the leaks were printed */
};

struct header_match {
	enum header_role role;
	enum family fam;
	size_t prefix_len;      /* bytes of msg the table row matched */
};
/* Matches the start of a console message against the table (cheap first-byte
 * filter first). */
bool header_match(const char *msg, size_t len, struct header_match *m);
/* The kind a WARNING's site gives its title ("refcount bug" for
 * lib/refcount.c, "ODEBUG bug", "locking bug", "kmalloc bug", "bad
 * usercopy", "kobject bug"), or NULL. file may be NULL (no file printed). */
const char *warning_kind(const char *file, size_t file_len, const char *func);
/* The title head of a lockdep report header ("possible deadlock",
 * "inconsistent lock state", "WARNING: suspicious RCU usage", ...). */
const char *lockdep_title(const char *msg, size_t len);

/* ---- frames.c ---- */
struct frame {
	const char *name;       /* function name without .isra.0/.cold suffixes */
	size_t len;
	bool reliable;          /* no "? " marker */
};
/* A call-trace line ("func+0x1/0x2 [mod]", "[<ffff...>] ? func+0x1/0x2"). */
bool frame_parse_trace(const char *msg, size_t len, struct frame *f);
/* The first "func+0xN/0xM" symbol anywhere in s (RIP: lines, headers). */
bool frame_find_symbol(const char *s, size_t len, struct frame *f);
/* Skip-list check. as_caller: the function is a caller in the trace (not the
 * faulting location), where allocator and scheduler entry points are skipped too. */
bool frame_is_skipped(const char *name, size_t len, bool as_caller);

/* ---- frame_skip.c: the skip list (results/frame-skip.conf) ---- */
enum skip_class {
	SKIP_ALWAYS = 1,        /* never the culprit */
	SKIP_CALLER = 2,        /* not the culprit as a caller */
	SKIP_ENTRY = 4,         /* an entry point of a context (never the culprit) */
	SKIP_DISPATCH = 8,      /* a generic dispatcher (passed over above an entry) */
};
struct skip_list;
/* The text of results/frame-skip.conf as built into the binary. */
const char *frame_skip_conf(void);
/* Returns 0, or -1 with *err = "NAME:LINE: what was expected" (caller frees). */
int skip_list_parse(const char *text, size_t len, const char *name, struct skip_list **out, char **err);
void skip_list_free(struct skip_list *s);
/* The embedded list, parsed once (never NULL, not to be freed). */
const struct skip_list *skip_list_builtin(void);
/* The union of the classes of every pattern matching name[0..len); *group
 * (optional) gets the family of the first match, or NULL. */
unsigned skip_list_classes(const struct skip_list *s, const char *name, size_t len, const char **group);
int skip_list_count(const struct skip_list *s);
int skip_list_group_count(const struct skip_list *s);
/* The classes of a function name in the built-in list. */
unsigned frame_skip_classes(const char *name, size_t len);

/* ---- title.c ---- */
struct title_parts {
	enum family fam;
	const char *frame;      /* may be NULL */
	const char *detail;     /* KASAN/KFENCE/UBSAN kind, panic reason, BUG text */
	const char *detail2;    /* UBSAN file */
	const char *access;     /* KASAN "Read"/"Write" */
	const char *kind;       /* WARNING kind ("refcount bug") */
};
char *title_build(const struct title_parts *p);
/* The one title normaliser: appends s[0..n) to b with every number, address,
 * CPU, PID and offset taken out (see triage_normalise_title). */
void title_normalise_into(struct buf *b, const char *s, size_t n);

/* ---- known.c ---- */
struct known_entry {
	bool benign;
	char *title;
	bool prefix;            /* title ended in '*': prefix match */
	char *id, *fix, *link;
	int line;
};
struct known_list {
	struct known_entry *e;
	int n;
};
const struct known_entry *known_list_match(const struct known_list *k, const char *title);

#endif
