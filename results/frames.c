/* results/frames.c: call-trace frame parsing and the skip list of functions
 * that are never the culprit (locking, reporting machinery, fault handlers,
 * list debugging, string helpers; allocator and scheduler entry points when
 * they are callers). The first frame that survives names the report. */
#include "results/triage_internal.h"
#include <stdlib.h>
#include <string.h>

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* At p: "+0xHEX/0xHEX" (modern and 4.x) or "+0xHEX" alone (some arches). */
static bool offset_follows(const char *p, const char *end)
{
	if (end - p < 4 || p[0] != '+' || p[1] != '0' || p[2] != 'x' || !is_hex(p[3]))
		return false;
	return true;
}

/* Function name without compiler suffixes: topology_sane.isra.0 -> topology_sane,
 * so the same function gets the same title whatever the compiler did to it. */
static void set_name(struct frame *f, const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	if (dot && dot > s)
		n = (size_t)(dot - s);
	f->name = s;
	f->len = n;
}

bool frame_find_symbol(const char *s, size_t len, struct frame *f)
{
	const char *end = s + len, *p = s;
	while (p < end) {
		const char *plus = memchr(p, '+', (size_t)(end - p));
		if (!plus)
			return false;
		if (offset_follows(plus, end) && plus > s && is_ident(plus[-1])) {
			const char *b = plus;
			while (b > s && is_ident(b[-1]))
				b--;
			/* An identifier starts with a letter or '_' (not an address). */
			if (!(*b >= '0' && *b <= '9') && *b != '.') {
				set_name(f, b, (size_t)(plus - b));
				f->reliable = true;
				return f->len > 0;
			}
		}
		p = plus + 1;
	}
	return false;
}

bool frame_parse_trace(const char *msg, size_t len, struct frame *f)
{
	const char *p = msg, *end = msg + len;
	bool reliable = true;
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (end - p >= 2 && p[0] == '[' && p[1] == '<') {
			/* 4.x address column: "[<ffffffff8100213a>]" */
			const char *q = memchr(p, ']', (size_t)(end - p));
			if (!q)
				return false;
			p = q + 1;
			continue;
		}
		if (end - p >= 2 && p[0] == '?' && p[1] == ' ') {
			reliable = false;
			p += 2;
			continue;
		}
		break;
	}
	const char *b = p;
	while (p < end && is_ident(*p))
		p++;
	if (p == b || (*b >= '0' && *b <= '9') || !offset_follows(p, end))
		return false;
	set_name(f, b, (size_t)(p - b));
	f->reliable = reliable;
	return f->len > 0;
}

/* Exact names, sorted (bsearch). */
static const char *const skip_exact[] = {
	"___might_sleep", "__bad_area_nosemaphore", "__die", "__die_body",
	"__do_page_fault", "__do_softirq", "__down", "__down_common", "__dump_page",
	"__flush_work", "__hrtimer_run_queues", "__irq_exit_rcu", "__kfence_free",
	"__list_add_valid", "__list_add_valid_or_report", "__list_del_entry_valid",
	"__list_del_entry_valid_or_report", "__memcpy", "__memmove", "__memset",
	"__might_fault", "__might_resched", "__might_sleep", "__schedule_bug",
	"__show_regs", "__stack_chk_fail", "__warn", "__warn_printk", "_printk",
	"arch_trigger_cpumask_backtrace", "async_page_fault", "bad_area",
	"bad_area_nosemaphore", "bad_page", "check_cpu_stall", "check_memory_region",
	"copy_user_enhanced_fast_string", "copy_user_generic_string",
	"copy_user_generic_unrolled", "die", "die_addr", "do_error_trap", "do_int3",
	"do_kern_addr_fault", "do_page_fault", "do_raw_spin_lock", "do_softirq",
	"do_trap", "do_user_addr_fault", "down", "down_interruptible",
	"down_killable", "down_read", "down_read_killable", "down_trylock",
	"down_write", "down_write_killable", "dump_page", "dump_stack",
	"dump_stack_lvl", "handle_bug", "handle_softirqs", "hrtimer_interrupt",
	"hrtimer_run_queues", "irq_exit", "irq_exit_rcu", "kernelmode_fixup_or_oops",
	"lock_acquire", "lock_release", "memcpy", "memcpy_erms", "memcpy_orig",
	"memmove", "memset", "memset_erms", "memset_orig", "mutex_lock",
	"mutex_lock_interruptible", "mutex_lock_killable", "mutex_lock_nested",
	"mutex_unlock", "native_queued_spin_lock_slowpath",
	"nmi_trigger_cpumask_backtrace", "no_context", "oops_end", "page_fault",
	"page_fault_oops", "panic", "print_address_description", "print_cpu_stall",
	"print_other_cpu_stall", "print_report", "printk",
	"queued_read_lock_slowpath", "queued_spin_lock_slowpath",
	"queued_write_lock_slowpath", "rcu_dump_cpu_stacks", "rcu_pending",
	"rcu_sched_clock_irq", "rep_movs_alternative", "rep_stos_alternative",
	"report_bug", "show_regs", "show_stack", "show_trace_log_lvl",
	"spurious_kernel_fault", "strcpy", "strlen", "strncpy", "strnlen",
	"tick_sched_handle", "tick_sched_timer", "trigger_all_cpu_backtrace",
	"trigger_single_cpu_backtrace", "up_read", "up_write", "update_process_times",
	"vpanic", "vprintk", "vprintk_default", "vprintk_emit", "warn_slowpath_fmt",
	"warn_slowpath_null", "watchdog_timer_fn",
};

/* Prefixes, any function starting with one is skipped. */
static const char *const skip_prefix[] = {
	"_raw_spin_", "_raw_read_", "_raw_write_", "raw_spin_rq_", "__raw_spin_",
	"__pv_queued_spin", "__mutex_lock", "__mutex_unlock", "rwsem_down_",
	"__rwsem_", "asm_exc_", "exc_", "asm_sysvec_", "sysvec_", "__sysvec_",
	"kasan_", "__kasan_", "__asan_", "kfence_", "check_canary",
	"__ubsan_handle_", "ubsan_", "nmi_cpu_backtrace", "warn_bogus",
	"tick_nohz_", "__copy_user", "copy_user_",
};

/* Allocator and scheduler entry points: callers in a trace that merely lead
 * to the report (a might_sleep check in kmalloc, a hung task sleeping in
 * wait_for_completion). They are NOT skipped as the faulting RIP or as a
 * WARNING's own location: when the CPU faulted inside __alloc_pages_nodemask
 * (seed 001: NODE_DATA(NUMA_NO_NODE) dereferenced by the page allocator for a
 * node that was hot-removed), the allocator's own code made the bad access,
 * and "page fault in __alloc_pages_nodemask" is how the upstream thread named
 * it; the caller (alloc_vmcs_cpu in kvm_intel) differs from one reproducer to
 * the next while the faulting function does not. */
static const char *const skip_caller_prefix[] = {
	"kmem_cache_alloc", "__kmem_cache_alloc", "kmalloc", "__kmalloc",
	"kzalloc", "kvmalloc", "krealloc", "__alloc_pages", "alloc_pages",
	"__get_free_pages", "get_zeroed_page", "alloc_page", "slab_alloc",
	"__slab_alloc", "___slab_alloc", "kmem_cache_free", "kfree",
	"__free_pages", "free_pages", "free_unref_page", "free_pages_prepare",
	"free_page_is_bad", "__free_one_page", "free_pcppages_bulk",
	"__schedule", "schedule", "preempt_schedule", "io_schedule",
	"wait_for_completion", "__wait_for_common", "do_wait_for_common",
	"__cond_resched", "_cond_resched", "__wait_rcu_gp", "synchronize_rcu",
};

static int cmp_name(const void *key, const void *elem)
{
	const struct frame *k = key;
	const char *e = *(const char *const *)elem;
	int c = strncmp(k->name, e, k->len);
	if (c)
		return c;
	return e[k->len] ? -1 : 0;
}

static bool has_prefix(const char *name, size_t len, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(list[i]);
		if (pl <= len && memcmp(name, list[i], pl) == 0)
			return true;
	}
	return false;
}

bool frame_is_skipped(const char *name, size_t len, bool as_caller)
{
	struct frame key = { name, len, true };
	if (bsearch(&key, skip_exact, sizeof skip_exact / sizeof skip_exact[0],
		    sizeof skip_exact[0], cmp_name))
		return true;
	if (has_prefix(name, len, skip_prefix, sizeof skip_prefix / sizeof skip_prefix[0]))
		return true;
	return as_caller && has_prefix(name, len, skip_caller_prefix,
				       sizeof skip_caller_prefix / sizeof skip_caller_prefix[0]);
}

/* For the unit test: the exact list must stay sorted for bsearch. */
bool frame_skip_list_sorted(void);
bool frame_skip_list_sorted(void)
{
	for (size_t i = 1; i < sizeof skip_exact / sizeof skip_exact[0]; i++)
		if (strcmp(skip_exact[i - 1], skip_exact[i]) >= 0)
			return false;
	return true;
}
