/* results/oops_patterns.c: the report header table (which console messages
 * open, join or end a crash report) and what each report family means.
 * Formats are those x86_64 kernels print, 4.x to 6.12: 6.10+ prefixes die()
 * headers with "Oops: " ("Oops: Oops: 0002 [#1]", "Oops: invalid opcode:"),
 * older kernels say "unable to handle kernel paging request". */
#include "results/triage_internal.h"
#include <pthread.h>
#include <string.h>

static const struct family_info families[FAM__COUNT] = {
	/*                    name              title                                       sev          rip   die    ruled  frame  rule */
	[FAM_NULL_DEREF]    = { "null-deref",     "BUG: kernel NULL pointer dereference",     SEV_OOPS,    true,  true,  false, true,  RULE_FIRST },
	[FAM_PAGE_FAULT]    = { "page-fault",     "BUG: unable to handle page fault",         SEV_OOPS,    true,  true,  false, true,  RULE_FIRST },
	[FAM_BAD_PAGE]      = { "bad-page",       "BUG: Bad page state",                      SEV_OOPS,    false, false, false, true,  RULE_FIRST },
	[FAM_SOFT_LOCKUP]   = { "soft-lockup",    "BUG: soft lockup",                         SEV_STALL,   true,  false, false, true,  RULE_STALL },
	[FAM_HARD_LOCKUP]   = { "hard-lockup",    "BUG: hard lockup",                         SEV_STALL,   true,  false, false, true,  RULE_STALL },
	[FAM_SCHED_ATOMIC]  = { "sched-atomic",   "BUG: scheduling while atomic",             SEV_OOPS,    false, false, false, true,  RULE_FIRST },
	[FAM_SLEEP_INVALID] = { "sleep-invalid",  "BUG: sleeping function called from invalid context", SEV_OOPS, false, false, false, true, RULE_FIRST },
	[FAM_GPF]           = { "gpf",            "general protection fault",                 SEV_OOPS,    true,  false, false, true,  RULE_FIRST },
	[FAM_KERNEL_BUG]    = { "kernel-bug",     "kernel BUG",                               SEV_OOPS,    true,  true,  false, true,  RULE_FIRST },
	[FAM_VM_BUG_ON_PAGE]= { "vm-bug-on-page", "kernel BUG",                               SEV_OOPS,    true,  true,  false, true,  RULE_FIRST },
	[FAM_WARNING]       = { "warning",        "WARNING",                                  SEV_WARNING, true,  false, false, true,  RULE_FIRST },
	[FAM_PANIC]         = { "panic",          "Kernel panic - not syncing",               SEV_PANIC,   false, false, false, false, RULE_FIRST },
	[FAM_KASAN]         = { "kasan",          "KASAN",                                    SEV_OOPS,    false, false, true,  true,  RULE_FIRST },
	[FAM_KFENCE]        = { "kfence",         "KFENCE",                                   SEV_OOPS,    false, false, true,  true,  RULE_FIRST },
	[FAM_UBSAN]         = { "ubsan",          "UBSAN",                                    SEV_WARNING, false, false, true,  false, RULE_FIRST },
	[FAM_RCU_STALL]     = { "rcu-stall",      "INFO: rcu detected stall",                 SEV_STALL,   true,  false, false, true,  RULE_STALL },
	[FAM_HUNG_TASK]     = { "hung-task",      "INFO: task hung",                          SEV_STALL,   false, false, false, true,  RULE_CALLER },
	[FAM_DOUBLE_FAULT]  = { "double-fault",   "double fault",                             SEV_OOPS,    true,  true,  false, true,  RULE_FIRST },
	[FAM_INVALID_OPCODE]= { "invalid-opcode", "invalid opcode",                           SEV_OOPS,    true,  false, false, true,  RULE_FIRST },
	[FAM_DIVIDE_ERROR]  = { "divide-error",   "divide error",                             SEV_OOPS,    true,  false, false, true,  RULE_FIRST },
	[FAM_OOPS]          = { "oops",           "Oops",                                     SEV_OOPS,    true,  false, false, true,  RULE_FIRST },
	[FAM_BUG_OTHER]     = { "bug",            "BUG",                                      SEV_OOPS,    true,  false, false, false, RULE_FIRST },
	[FAM_KMSAN]         = { "kmsan",          "KMSAN",                                    SEV_OOPS,    false, false, true,  true,  RULE_FIRST },
	[FAM_LEAK]          = { "memory-leak",    "memory leak",                              SEV_WARNING, false, false, false, true,  RULE_CALLER },
	[FAM_LOCKDEP]       = { "lockdep",        "possible deadlock",                        SEV_WARNING, false, false, false, true,  RULE_LOCK_SITE },
	[FAM_USERCOPY]      = { "usercopy",       "BUG: bad usercopy",                        SEV_OOPS,    false, true,  false, true,  RULE_CALLER },
	[FAM_STACK_GUARD]   = { "stack-guard",    "BUG: stack guard page was hit",            SEV_OOPS,    true,  true,  false, true,  RULE_FIRST },
};

const struct family_info *family_info(enum family f)
{
	return &families[(unsigned)f < FAM__COUNT ? f : FAM_BUG_OTHER];
}

struct header_row {
	const char *prefix;
	enum header_role role;
	enum family fam;
};

/* Order matters within one first byte: longer, more specific prefixes first. */
static const struct header_row rows[] = {
	{ "BUG: kernel NULL pointer dereference", HDR_START, FAM_NULL_DEREF },
	{ "BUG: unable to handle kernel NULL pointer dereference", HDR_START, FAM_NULL_DEREF },
	{ "BUG: unable to handle page fault", HDR_START, FAM_PAGE_FAULT },
	{ "BUG: unable to handle kernel paging request", HDR_START, FAM_PAGE_FAULT },
	{ "BUG: unable to handle kernel", HDR_START, FAM_PAGE_FAULT },
	{ "BUG: Bad page state", HDR_START, FAM_BAD_PAGE },
	{ "BUG: soft lockup", HDR_START, FAM_SOFT_LOCKUP },
	{ "BUG: scheduling while atomic", HDR_START, FAM_SCHED_ATOMIC },
	{ "BUG: sleeping function called from invalid context", HDR_START, FAM_SLEEP_INVALID },
	{ "BUG: KASAN: ", HDR_START, FAM_KASAN },
	{ "BUG: KFENCE: ", HDR_START, FAM_KFENCE },
	{ "BUG: KMSAN: ", HDR_START, FAM_KMSAN },
	{ "BUG: ", HDR_START, FAM_STACK_GUARD },        /* "BUG: TASK stack guard page was hit at" */
	{ "BUG: ", HDR_START, FAM_BUG_OTHER },
	{ "watchdog: BUG: soft lockup", HDR_START, FAM_SOFT_LOCKUP },
	{ "NMI watchdog: BUG: soft lockup", HDR_START, FAM_SOFT_LOCKUP },
	{ "Watchdog detected hard LOCKUP", HDR_START, FAM_HARD_LOCKUP },
	{ "NMI watchdog: Watchdog detected hard LOCKUP", HDR_START, FAM_HARD_LOCKUP },
	{ "general protection fault", HDR_START, FAM_GPF },
	{ "Oops: general protection fault", HDR_START, FAM_GPF },
	{ "Oops: invalid opcode: ", HDR_DIE, FAM_INVALID_OPCODE },
	{ "Oops: divide error: ", HDR_DIE, FAM_DIVIDE_ERROR },
	{ "Oops: double fault: ", HDR_DIE, FAM_DOUBLE_FAULT },
	{ "Oops: ", HDR_DIE, FAM_OOPS },
	{ "invalid opcode: ", HDR_DIE, FAM_INVALID_OPCODE },
	{ "divide error: ", HDR_DIE, FAM_DIVIDE_ERROR },
	{ "double fault: ", HDR_DIE, FAM_DOUBLE_FAULT },
	{ "PANIC: double fault", HDR_START, FAM_DOUBLE_FAULT },
	{ "traps: PANIC: double fault", HDR_START, FAM_DOUBLE_FAULT },
	{ "kernel BUG at ", HDR_BUG_AT, FAM_KERNEL_BUG },
	{ "page dumped because: VM_BUG_ON", HDR_START, FAM_VM_BUG_ON_PAGE },
	{ "WARNING: possible circular locking dependency", HDR_START, FAM_LOCKDEP },
	{ "WARNING: possible recursive locking", HDR_START, FAM_LOCKDEP },
	{ "WARNING: possible irq lock inversion", HDR_START, FAM_LOCKDEP },
	{ "WARNING: inconsistent lock state", HDR_START, FAM_LOCKDEP },
	{ "WARNING: suspicious RCU usage", HDR_START, FAM_LOCKDEP },
	{ "WARNING: bad unlock balance", HDR_START, FAM_LOCKDEP },
	{ "WARNING: held lock freed", HDR_START, FAM_LOCKDEP },
	{ "WARNING: lock held when returning to user space", HDR_START, FAM_LOCKDEP },
	{ "WARNING: Nested lock was not taken", HDR_START, FAM_LOCKDEP },
	{ "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe", HDR_START, FAM_LOCKDEP },
	{ "WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe", HDR_START, FAM_LOCKDEP },
	{ "WARNING: ", HDR_START, FAM_WARNING },
	{ "Kernel panic - not syncing", HDR_PANIC, FAM_PANIC },
	{ "UBSAN: ", HDR_START, FAM_UBSAN },
	{ "INFO: task ", HDR_START, FAM_HUNG_TASK },
	{ "INFO: possible circular locking dependency", HDR_START, FAM_LOCKDEP },
	{ "INFO: possible recursive locking", HDR_START, FAM_LOCKDEP },
	{ "INFO: inconsistent lock state", HDR_START, FAM_LOCKDEP },
	{ "INFO: suspicious RCU usage", HDR_START, FAM_LOCKDEP },
	{ "unreferenced object 0x", HDR_START, FAM_LEAK },
	{ "kmemleak: unreferenced object 0x", HDR_START, FAM_LEAK },
	{ "kmemleak: ", HDR_LEAK_SUMMARY, FAM_LEAK },
	{ "usercopy: Kernel memory ", HDR_START, FAM_USERCOPY },
	{ "stack guard page: ", HDR_DIE, FAM_STACK_GUARD },
	{ "INFO: rcu_", HDR_START, FAM_RCU_STALL },
	{ "rcu: INFO: rcu_", HDR_START, FAM_RCU_STALL },
	{ "================", HDR_RULE, FAM_OOPS },
	{ "------------[ cut here ]", HDR_CUT_HERE, FAM_OOPS },
	{ "page:", HDR_PREAMBLE, FAM_OOPS },
	{ "---[ end trace", HDR_END_TRACE, FAM_OOPS },
	{ "---[ end Kernel panic", HDR_END_TRACE, FAM_OOPS },
	{ "Freeing unused kernel", HDR_FREEING_INIT, FAM_OOPS },
	{ "Run /", HDR_RUN_INIT, FAM_OOPS },
	{ "Linux version ", HDR_LINUX_VERSION, FAM_OOPS },
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* First bytes of every prefix above: most console lines ("pci 0000:00:01.0",
 * "ACPI: ...") are rejected by this one lookup. Checked against the table by
 * a unit test. */
static const unsigned char first_byte[256] = {
	['B'] = 1, ['w'] = 1, ['N'] = 1, ['W'] = 1, ['g'] = 1, ['O'] = 1,
	['i'] = 1, ['d'] = 1, ['P'] = 1, ['t'] = 1, ['k'] = 1, ['p'] = 1,
	['K'] = 1, ['U'] = 1, ['I'] = 1, ['r'] = 1, ['='] = 1, ['-'] = 1,
	['F'] = 1, ['R'] = 1, ['L'] = 1, ['u'] = 1, ['s'] = 1,
};

bool header_first_byte_ok(void);
bool header_first_byte_ok(void)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (!first_byte[(unsigned char)rows[i].prefix[0]])
			return false;
	return true;
}

/* A "INFO: task X blocked for more than N seconds." line is a hung task;
 * other "INFO: task" lines are not. RCU lines must say "stall". */
static bool confirm(const struct header_row *r, const char *msg, size_t len)
{
	if (r->fam == FAM_HUNG_TASK)
		return memmem(msg, len, "blocked for more than", 21) != NULL;
	if (r->fam == FAM_RCU_STALL)
		return memmem(msg, len, "stall", 5) != NULL;
	if (r->role == HDR_LEAK_SUMMARY)
		return memmem(msg, len, "new suspected memory leak", 25) != NULL;
	if (r->fam == FAM_STACK_GUARD && r->role == HDR_START)
		return memmem(msg, len, "stack guard page was hit", 24) != NULL;
	if (r->role == HDR_RUN_INIT)
		return memmem(msg, len, "init", 4) != NULL;
	if (r->role == HDR_RULE) {
		for (size_t i = 0; i < len; i++)
			if (msg[i] != '=')
				return false;
	}
	return true;
}

/* Rows by first byte (in table order) with their prefix lengths, built
 * once: a console line is compared with the few rows of its first byte. */
static struct {
	unsigned char start[256], count[256];
	unsigned char order[N_ROWS];
	size_t len[N_ROWS];
} row_index;

static void build_row_index(void)
{
	int n = 0;
	for (int c = 0; c < 256; c++) {
		row_index.start[c] = (unsigned char)n;
		for (size_t i = 0; i < N_ROWS; i++) {
			if ((unsigned char)rows[i].prefix[0] == c) {
				row_index.order[n++] = (unsigned char)i;
				row_index.count[c]++;
			}
		}
	}
	for (size_t i = 0; i < N_ROWS; i++)
		row_index.len[i] = strlen(rows[i].prefix);
}

bool header_match(const char *msg, size_t len, struct header_match *m)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	m->role = HDR_NONE;
	if (!len || !first_byte[(unsigned char)msg[0]])
		return false;
	pthread_once(&once, build_row_index);
	unsigned char c = (unsigned char)msg[0];
	for (int k = 0; k < row_index.count[c]; k++) {
		size_t i = row_index.order[row_index.start[c] + k];
		const struct header_row *r = &rows[i];
		size_t pl = row_index.len[i];
		if (pl > len || memcmp(msg, r->prefix, pl) != 0)
			continue;
		if (!confirm(r, msg, len))
			continue;
		m->role = r->role;
		m->fam = r->fam;
		m->prefix_len = pl;
		return true;
	}
	return false;
}

/* WARNING kinds: a WARNING in a checker is a bug of its caller, and the
 * title keeps what the checker checks. Matched on the file when the kernel
 * printed one (CONFIG_DEBUG_BUGVERBOSE), else on the function. */
static const struct {
	const char *file;       /* prefix of the WARNING's file */
	const char *func;       /* prefix of the WARNING's function */
	const char *kind;
} kinds[] = {
	{ "lib/refcount.c", "refcount_", "refcount bug" },
	{ "lib/debugobjects.c", "debug_print_object", "ODEBUG bug" },
	{ NULL, "debug_check_no_obj_freed", "ODEBUG bug" },
	{ NULL, "__debug_check_no_obj_freed", "ODEBUG bug" },
	{ "kernel/locking/", "__lock_acquire", "locking bug" },
	{ NULL, "lock_acquire", "locking bug" },
	{ NULL, "lock_release", "locking bug" },
	{ NULL, "__lock_release", "locking bug" },
	{ NULL, "lockdep_", "locking bug" },
	{ NULL, "check_flags", "locking bug" },
	{ NULL, "__mutex_lock", "locking bug" },
	{ NULL, "mutex_unlock", "locking bug" },
	{ NULL, "__mutex_unlock", "locking bug" },
	{ NULL, "debug_mutex_", "locking bug" },
	{ "mm/usercopy.c", "usercopy_warn", "bad usercopy" },
	{ "lib/kobject.c", "kobject_", "kobject bug" },
};

static bool func_is_kmalloc(const char *func)
{
	static const char *const names[] = {
		"kmalloc_slab", "kmalloc_large", "__kmalloc_large", "kmalloc_order",
		"kvmalloc_node", "__kvmalloc_node", "kmalloc_fix_flags", "__kmalloc",
		"kmalloc_trace", "krealloc", "kvmalloc",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strncmp(func, names[i], strlen(names[i])))
			return true;
	return false;
}

const char *warning_kind(const char *file, size_t file_len, const char *func)
{
	if (!func)
		func = "";
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (file && file_len) {
			size_t fl = kinds[i].file ? strlen(kinds[i].file) : 0;
			if (fl && fl <= file_len && !memcmp(file, kinds[i].file, fl))
				return kinds[i].kind;
		} else if (!strncmp(func, kinds[i].func, strlen(kinds[i].func))) {
			return kinds[i].kind;
		}
	}
	if (func_is_kmalloc(func) && (!file || !file_len || (file_len > 3 && !memcmp(file, "mm/", 3))))
		return "kmalloc bug";
	return NULL;
}

const char *lockdep_title(const char *msg, size_t len)
{
	static const struct { const char *text, *title; } t[] = {
		{ "circular locking dependency", "possible deadlock" },
		{ "recursive locking", "possible deadlock" },
		{ "irq lock inversion", "possible deadlock" },
		{ "-safe -> ", "possible deadlock" },
		{ "inconsistent lock state", "inconsistent lock state" },
		{ "suspicious RCU usage", "WARNING: suspicious RCU usage" },
		{ "bad unlock balance", "WARNING: bad unlock balance" },
		{ "held lock freed", "WARNING: held lock freed" },
		{ "lock held when returning to user space", "WARNING: lock held when returning to user space" },
		{ "Nested lock was not taken", "WARNING: nested lock was not taken" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (memmem(msg, len, t[i].text, strlen(t[i].text)))
			return t[i].title;
	return "possible deadlock";
}
