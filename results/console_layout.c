/* results/console_layout.c: reads the layout lines a kernel prints at boot
 * (see console_layout.h). Hand-written matching because the lines are fixed
 * printk formats (arch/x86/kernel/e820.c, drivers/acpi/numa/srat.c,
 * arch/x86/mm/srat.c, mm/page_alloc.c) inside hostile console text: a regex
 * library would add nothing but a second way to clean lines. Every number is
 * overflow-checked; a line that does not parse completely is ignored. */
#include "results/console_layout.h"
#include "results/triage_internal.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

static bool starts(const char *s, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - s) >= n && !memcmp(s, prefix, n);
}

static const char *find(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (; (size_t)(end - s) >= n; s++)
		if (!memcmp(s, needle, n))
			return s;
	return NULL;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits (with or without 0x) at s; NULL if none or overflow. */
static const char *parse_hex(const char *s, const char *end, uint64_t *out)
{
	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	uint64_t v = 0;
	const char *d = s;
	for (; s < end && hexval(*s) >= 0; s++) {
		if (v >> 60)
			return NULL;
		v = v << 4 | (uint64_t)hexval(*s);
	}
	if (s == d)
		return NULL;
	*out = v;
	return s;
}

static const char *parse_int(const char *s, const char *end, int *out)
{
	long v = 0;
	const char *d = s;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 1000000)
			return NULL;
	}
	if (s == d)
		return NULL;
	*out = (int)v;
	return s;
}

/* "[mem 0xA-0xB]" at s (inclusive end as printed): [A, B+1). */
static const char *parse_mem(const char *s, const char *end, uint64_t *start, uint64_t *stop)
{
	uint64_t a, b;
	if (!starts(s, end, "[mem "))
		return NULL;
	s = parse_hex(s + 5, end, &a);
	if (!s || s >= end || *s != '-')
		return NULL;
	s = parse_hex(s + 1, end, &b);
	if (!s || s >= end || *s != ']' || b < a || b == UINT64_MAX)
		return NULL;
	*start = a;
	*stop = b + 1;
	return s + 1;
}

uint32_t e820_type_from_name(const char *s, size_t *used)
{
	static const struct { const char *name; uint32_t type; } names[] = {
		{ "usable", 1 }, { "reserved", 2 }, { "ACPI data", 3 }, { "ACPI NVS", 4 },
		{ "unusable", 5 }, { "persistent (type 7)", 7 }, { "persistent (type 12)", 12 },
		{ "soft reserved", 0xefffffff },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i].name);
		if (!strncmp(s, names[i].name, n)) {
			*used = n;
			return names[i].type;
		}
	}
	if (!strncmp(s, "type ", 5)) {
		int v;
		const char *e = parse_int(s + 5, s + strlen(s), &v);
		if (e && v > 0) {
			*used = (size_t)(e - s);
			return (uint32_t)v;
		}
	}
	return 0;
}

static void push(struct printed_ranges *r, struct printed_range x)
{
	r->v = xrealloc(r->v, sizeof *r->v * (size_t)(r->n + 1));
	r->v[r->n++] = x;
}

/* "BIOS-e820: [mem A-B] TYPE" / "user: [mem A-B] TYPE". */
static bool map_line(struct console_layout *c, const char *s, const char *end, int line)
{
	bool bios = starts(s, end, "BIOS-e820: "), user = starts(s, end, "user: ");
	if (!bios && !user)
		return false;
	s += bios ? 11 : 6;
	struct printed_range r = { .node = -1, .pxm = -1, .line = line };
	s = parse_mem(s, end, &r.start, &r.end);
	if (!s)
		return true;
	s = skip_blanks(s, end);
	char name[40];
	size_t n = (size_t)(end - s) < sizeof name - 1 ? (size_t)(end - s) : sizeof name - 1;
	memcpy(name, s, n);
	name[n] = 0;
	size_t used;
	r.type = e820_type_from_name(name, &used);
	if (!r.type)
		return true;
	int *maps = bios ? &c->n_bios_maps : &c->n_user_maps;
	if (!*maps)
		*maps = 1;      /* a map quoted without its header line */
	r.map = *maps - 1;
	push(bios ? &c->bios : &c->user, r);
	return true;
}

/* "ACPI: SRAT: Node N PXM P [mem A-B] hotplug non-volatile" (the "ACPI: "
 * prefix is optional: older kernels and hand-pasted lines drop it). */
static bool srat_line(struct console_layout *c, const char *s, const char *end, int line)
{
	if (starts(s, end, "ACPI: "))
		s += 6;
	if (!starts(s, end, "SRAT: "))
		return false;
	s += 6;
	struct printed_range r = { .node = -1, .pxm = -1, .line = line };
	if (starts(s, end, "Node ")) {
		if (!(s = parse_int(s + 5, end, &r.node)) || !starts(s, end, " PXM ") ||
		    !(s = parse_int(s + 5, end, &r.pxm)))
			return true;
		s = skip_blanks(s, end);
		if (!(s = parse_mem(s, end, &r.start, &r.end)))
			return true;
		r.hotplug = find(s, end, "hotplug") != NULL;
		r.nonvolatile = find(s, end, "non-volatile") != NULL;
		push(&c->srat, r);
		return true;
	}
	struct printed_cpu cpu = { .line = line };
	uint64_t apic;
	if (starts(s, end, "PXM ") && (s = parse_int(s + 4, end, &cpu.pxm)) && starts(s, end, " -> APIC ") &&
	    (s = parse_hex(s + 9, end, &apic)) && apic < 0x100000000ULL && starts(s, end, " -> Node ") &&
	    (s = parse_int(s + 9, end, &cpu.node)) && skip_blanks(s, end) == end) {
		cpu.apic = (int)apic;
		c->cpus_srat = xrealloc(c->cpus_srat, sizeof *c->cpus_srat * (size_t)(c->n_cpus_srat + 1));
		c->cpus_srat[c->n_cpus_srat++] = cpu;
	}
	return true;
}

/* "  node   N: [mem A-B]" inside "Early memory node ranges". */
static bool early_line(struct console_layout *c, const char *s, const char *end, int line)
{
	struct printed_range r = { .node = -1, .pxm = -1, .line = line };
	if (!starts(s, end, "node "))
		return false;
	s = skip_blanks(s + 5, end);
	if (!(s = parse_int(s, end, &r.node)) || !starts(s, end, ": "))
		return false;
	if (!parse_mem(s + 2, end, &r.start, &r.end))
		return false;
	if (!c->n_early_blocks)
		c->n_early_blocks = 1;
	r.map = c->n_early_blocks - 1;
	push(&c->early, r);
	return true;
}

/* "Initmem setup node N [mem A-B]" (memoryless nodes print no range). */
static void initmem_line(struct console_layout *c, const char *s, const char *end, int line)
{
	struct printed_range r = { .node = -1, .pxm = -1, .line = line };
	s += strlen("Initmem setup node ");
	if ((s = parse_int(s, end, &r.node)) && *s == ' ' && parse_mem(s + 1, end, &r.start, &r.end))
		push(&c->initmem, r);
}

/* /proc/iomem top-level lines: "100000000-303fffffff : System RAM". */
static void iomem_line(struct console_layout *c, const char *s, const char *end, int line)
{
	struct printed_range r = { .node = -1, .pxm = -1, .line = line };
	uint64_t a, b;
	const char *p = parse_hex(s, end, &a);
	if (!p || p >= end || *p != '-' || (p > s + 1 && s[1] == 'x'))
		return;
	if (!(p = parse_hex(p + 1, end, &b)) || !starts(p, end, " : ") || b < a || b == UINT64_MAX)
		return;
	p += 3;
	static const struct { const char *name; uint32_t type; } names[] = {
		{ "System RAM", 1 }, { "Reserved", 2 }, { "reserved", 2 }, { "ACPI Tables", 3 },
		{ "ACPI Non-volatile Storage", 4 }, { "Unusable memory", 5 },
		{ "Persistent Memory (legacy)", 12 }, { "Persistent Memory", 7 }, { "Soft Reserved", 0xefffffff },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (starts(p, end, names[i].name) && skip_blanks(p + strlen(names[i].name), end) == end) {
			r.start = a;
			r.end = b + 1;
			r.type = names[i].type;
			push(&c->iomem, r);
			return;
		}
}

static void cpus_line(struct console_layout *c, const char *s, const char *end, int line)
{
	int n;
	const char *p;
	if (starts(s, end, "smpboot: Allowing ") && parse_int(s + 18, end, &n) && n > 0) {
		c->cpus = n;            /* the most precise count: always wins */
		c->cpus_line = line;
	} else if (!c->cpus && starts(s, end, "smp: Brought up ") && (p = find(s, end, ", ")) &&
		   parse_int(p + 2, end, &n) && n > 0) {
		c->cpus = n;
		c->cpus_line = line;
	}
}

static void feed_msg(struct console_layout *c, const char *s, const char *end, int line)
{
	/* "node N: [mem ..]" is specific enough to take even when the
	 * "Early memory node ranges" header was not quoted. */
	if (early_line(c, s, end, line))
		return;
	if (map_line(c, s, end, line) || srat_line(c, s, end, line))
		return;
	if (find(s, end, "BIOS-provided physical RAM map"))
		c->n_bios_maps++;
	else if (find(s, end, "user-defined physical RAM map"))
		c->n_user_maps++;
	else if (starts(s, end, "Early memory node ranges"))
		c->n_early_blocks++;
	else if (starts(s, end, "Initmem setup node "))
		initmem_line(c, s, end, line);
	else if (!c->cmdline && (starts(s, end, "Command line: ") || starts(s, end, "Kernel command line: "))) {
		const char *p = strchr(s, ':') + 2;
		c->cmdline = xstrndup(p, (size_t)(end - p));
		c->cmdline_line = line;
	} else if (starts(s, end, "smpboot: Allowing ") || starts(s, end, "smp: Brought up "))
		cpus_line(c, s, end, line);
	else if (starts(s, end, "No NUMA configuration found"))
		c->numa_off = true;
	else if (starts(s, end, "DMI: ") && find(s, end, "Q35"))
		c->q35 = true;
	else if (!c->kernel_release && starts(s, end, "Linux version ")) {
		const char *p = s + 14, *q = p;
		while (q < end && *q != ' ')
			q++;
		c->kernel_release = xstrndup(p, (size_t)(q - p));
	} else if (s < end && hexval(*s) >= 0)
		iomem_line(c, s, end, line);
}

void console_layout_feed(struct console_layout *c, const char *raw, size_t n, int line)
{
	struct buf scratch = BUF_INIT;
	struct cline l;
	cline_clean(&l, raw, n, &scratch);
	const char *end = l.msg + l.msg_len;
	while (end > l.msg && end[-1] == ' ')
		end--;
	feed_msg(c, l.msg, end, line);
	buf_free(&scratch);
}

void console_layout_parse(struct console_layout *c, const char *text, size_t len)
{
	int line = 1;
	for (size_t at = 0; at < len; line++) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		console_layout_feed(c, text + at, n, line);
		at += n + 1;
	}
}

bool console_layout_any(const struct console_layout *c)
{
	return c->bios.n || c->user.n || c->iomem.n || c->srat.n || c->early.n || c->initmem.n;
}

void console_layout_free(struct console_layout *c)
{
	free(c->bios.v), free(c->user.v), free(c->iomem.v), free(c->srat.v), free(c->early.v), free(c->initmem.v);
	free(c->cpus_srat);
	free(c->cmdline), free(c->kernel_release);
	memset(c, 0, sizeof *c);
}
