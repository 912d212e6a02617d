/* runner/guest/probe.c: the guest workload. A single static program, the
 * initramfs's /init too: started as PID 1 it is init (runner/guest/init.c),
 * which mounts proc, sysfs and devtmpfs and runs the plan in a forked
 * child; the plan is what this file does. It reads
 * the plan (/topofarm/plan: one step per line, written by the host from the
 * topology), runs the steps in order, and reports everything on the console
 * as lines starting with "@@TOPOFARM " (the wire format is
 * docs/guest-protocol.md). The console is the only channel back to the host,
 * and the kernel under test may die at any moment, so:
 *   - every line goes out with one write(2), no stdio buffering;
 *   - lines are bounded (LINE_MAX_OUT), long lists are truncated with "...";
 *   - every line ends in a frame (common/line_frame.h: a hash of the line),
 *     so the host never takes a line a kernel printk was spliced into;
 *   - a line is printed BEFORE each risky read or write, so a crash can be
 *     attributed to the block / pfn range being touched;
 *   - kernel errors (EBUSY, EINVAL...) are printed by errno name and never
 *     stop the plan.
 * Steps that change the machine (online/offline, cpu-up/down, compact) only
 * run in guest mode (the plan init starts, or --guest), so running this
 * binary on a host by mistake is harmless.
 * No libnuma: memory policy calls are raw syscalls. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "runner/guest/probe.h"
#include "common/line_frame.h"
#include "common/write_all.h"

#define PLAN_MAX (64 * 1024)
#define MAX_ARGS 64
#define MAX_NODES 1024                 /* MAX_NUMNODES with NODES_SHIFT=10 */
#define GO_TIMEOUT_S 60
#define HOST_CHANGE_WAIT_S 20           /* default; a host step may say wait=N */
#define SYS_MEM "/sys/devices/system/memory"
#define SYS_NODE "/sys/devices/system/node"
#define SYS_CPU "/sys/devices/system/cpu"

/* Memory policy constants from <linux/mempolicy.h> (no libnuma headers). */
#define MPOL_PREFERRED 1
#define MPOL_F_NODE (1 << 0)
#define MPOL_F_ADDR (1 << 1)

static int guest_mode;                  /* --guest: allowed to change state */

/* ---------- output ---------- */

void say(const char *fmt, ...)
{
	char line[LINE_MAX_OUT];
	size_t tag = strlen(TAG);
	memcpy(line, TAG, tag);
	/* Room for the frame (" ~" + 8 hex digits) and the newline. */
	size_t room = sizeof line - (LINE_FRAME_LEN - 1) - 1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + tag, room - tag, fmt, ap);
	va_end(ap);
	size_t len = tag + (n < 0 ? 0 : (size_t)n);
	if (len > room - 1) {
		len = room - 1;
		memcpy(line + len - 3, "...", 3);
	}
	/* Control characters from sysfs text never reach the host's parser. */
	for (size_t i = tag; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	/* The frame lets the host tell a whole line from one a kernel printk
	 * was spliced into (common/line_frame.h). */
	char frame[LINE_FRAME_LEN];
	line_frame_trailer(line, len, frame);
	memcpy(line + len, frame, LINE_FRAME_LEN - 1);
	len += LINE_FRAME_LEN - 1;
	line[len++] = '\n';
	write_all(1, line, len);   /* console gone: nothing better to do */
}

const char *errname(int e)
{
	const char *s = strerrorname_np(e);
	static char fallback[16];
	if (s)
		return s;
	snprintf(fallback, sizeof fallback, "E%d", e);
	return fallback;
}

/* The step being run, so every ERROR line names it. */
static int cur_step;

/* Prints "ERROR <step> <message>": a plan or kernel problem, never fatal. */
__attribute__((format(printf, 1, 2)))
static void complain(const char *fmt, ...)
{
	char msg[LINE_MAX_OUT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	say("ERROR %d %s", cur_step, msg);
}

/* ---------- small helpers: files, lists ---------- */

/* Reads a small text file into out (NUL-terminated, trailing whitespace
 * stripped). Returns 0 or an errno value. */
static int read_text(const char *path, char *out, size_t outlen)
{
	out[0] = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	size_t got = 0;
	while (got < outlen - 1) {
		ssize_t n = read(fd, out + got, outlen - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			out[got] = 0;
			return e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	out[got] = 0;
	while (got && isspace((unsigned char)out[got - 1]))
		out[--got] = 0;
	return 0;
}

char *read_big(const char *path, size_t max, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 65536, len = 0;
	char *s = malloc(cap + 1);
	while (s && len < max) {
		if (len == cap) {
			cap *= 2;
			char *t = realloc(s, cap + 1);
			if (!t) {
				free(s);
				s = NULL;
				errno = ENOMEM;
				break;
			}
			s = t;
		}
		ssize_t n = read(fd, s + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(s);
			s = NULL;
			errno = e;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (s) {
		s[len] = 0;
		if (lenp)
			*lenp = len;
	}
	return s;
}

/* Writes a short string to a sysfs/proc file. Returns 0 or an errno value:
 * for sysfs, the kernel's answer (EBUSY, EINVAL...) comes back from write. */
static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int rc = 0;
	ssize_t n;
	do
		n = write(fd, text, strlen(text));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = errno;
	if (close(fd) != 0 && !rc)
		rc = errno;
	return rc;
}

struct ids {
	uint32_t *v;
	size_t n, cap;
};

static void ids_add(struct ids *s, uint32_t id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint32_t *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return;     /* out of memory in the guest: report fewer */
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = id;
}

static void ids_free(struct ids *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void ids_sort(struct ids *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, cmp_u32);
}

static int ids_has(const struct ids *s, uint32_t id)
{
	return s->n && bsearch(&id, s->v, s->n, sizeof *s->v, cmp_u32) != NULL;
}

/* Parses a kernel list ("0-3,8,10-11"); returns 0, or EINVAL. The result is
 * sorted. Ranges are capped so a hostile list cannot eat the guest. */
static int ids_parse(const char *s, struct ids *out)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	while (*s) {
		char *end;
		errno = 0;
		unsigned long a = strtoul(s, &end, 10);
		if (end == s || errno || a > UINT32_MAX)
			return EINVAL;
		unsigned long b = a;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || errno || b < a || b > UINT32_MAX || b - a > 1u << 20)
				return EINVAL;
			s = end;
		}
		for (unsigned long i = a; i <= b; i++)
			ids_add(out, (uint32_t)i);
		if (*s == ',')
			s++;
		else if (*s && !isspace((unsigned char)*s))
			return EINVAL;
		while (*s && isspace((unsigned char)*s))
			s++;
	}
	ids_sort(out);
	return 0;
}

/* Formats sorted ids as "0-3,8"; truncates with "..." to fit. */
static void ids_format(const struct ids *s, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = 0;
	if (!s->n) {
		snprintf(out, outlen, "-");
		return;
	}
	for (size_t i = 0; i < s->n;) {
		size_t j = i;
		while (j + 1 < s->n && s->v[j + 1] == s->v[j] + 1)
			j++;
		char piece[32];
		if (j > i)
			snprintf(piece, sizeof piece, "%s%u-%u", i ? "," : "", s->v[i], s->v[j]);
		else
			snprintf(piece, sizeof piece, "%s%u", i ? "," : "", s->v[i]);
		size_t pl = strlen(piece);
		if (used + pl + 4 >= outlen) {
			snprintf(out + used, outlen - used, "...");
			return;
		}
		memcpy(out + used, piece, pl + 1);
		used += pl;
		i = j + 1;
	}
}

/* Collects N from directory entries named PREFIX<N>. */
static int list_numbered(const char *dir, const char *prefix, struct ids *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno;
	size_t pl = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, pl) || !isdigit((unsigned char)e->d_name[pl]))
			continue;
		char *end;
		unsigned long v = strtoul(e->d_name + pl, &end, 10);
		if (*end == 0 && v <= UINT32_MAX)
			ids_add(out, (uint32_t)v);
	}
	closedir(d);
	ids_sort(out);
	return 0;
}

static uint64_t block_size_bytes(void)
{
	char t[64];
	if (read_text(SYS_MEM "/block_size_bytes", t, sizeof t))
		return 0;
	return strtoull(t, NULL, 16);
}

static int block_state(uint32_t id, char *out, size_t outlen)
{
	char path[128];
	snprintf(path, sizeof path, SYS_MEM "/memory%u/state", id);
	return read_text(path, out, outlen);
}

/* Parses "123", "0x1000", "128M", "2G" into bytes; returns 0 or EINVAL. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (end == s || errno)
		return EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Finds "key=value" among args; returns value or NULL. */
static const char *arg_value(int argc, char **argv, const char *key)
{
	size_t kl = strlen(key);
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], key, kl) && argv[i][kl] == '=')
			return argv[i] + kl + 1;
	return NULL;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > max)
		return EINVAL;
	*out = v;
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------- probe: nodes ---------- */

static unsigned long long meminfo_kb(const char *text, const char *field)
{
	const char *p = strstr(text, field);
	if (!p)
		return 0;
	p += strlen(field);
	while (*p == ':' || *p == ' ')
		p++;
	return strtoull(p, NULL, 10);
}

/* Merges a node's memory block ids into "start-end" ranges (inclusive, hex). */
static void format_ranges(const struct ids *blocks, uint64_t bs, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = 0;
	if (!blocks->n || !bs) {
		snprintf(out, outlen, "-");
		return;
	}
	for (size_t i = 0; i < blocks->n;) {
		size_t j = i;
		while (j + 1 < blocks->n && blocks->v[j + 1] == blocks->v[j] + 1)
			j++;
		char piece[64];
		snprintf(piece, sizeof piece, "%s0x%llx-0x%llx", i ? "," : "",
			 (unsigned long long)(blocks->v[i] * bs),
			 (unsigned long long)((blocks->v[j] + 1ull) * bs - 1));
		size_t pl = strlen(piece);
		if (used + pl + 4 >= outlen) {
			snprintf(out + used, outlen - used, "...");
			return;
		}
		memcpy(out + used, piece, pl + 1);
		used += pl;
		i = j + 1;
	}
}

static void node_blocks(unsigned node, struct ids *out)
{
	char dir[96];
	snprintf(dir, sizeof dir, SYS_NODE "/node%u", node);
	list_numbered(dir, "memory", out);
}

static unsigned long long node_meminfo(unsigned node, const char *field)
{
	char path[96], text[4096];
	snprintf(path, sizeof path, SYS_NODE "/node%u/meminfo", node);
	if (read_text(path, text, sizeof text))
		return 0;
	return meminfo_kb(text, field);
}

static int probe_nodes(void)
{
	char online_s[512], possible_s[512];
	int rc = read_text(SYS_NODE "/online", online_s, sizeof online_s);
	if (rc) {
		say("nodes err=%s (no NUMA sysfs)", errname(rc));
		return rc;
	}
	read_text(SYS_NODE "/possible", possible_s, sizeof possible_s);
	uint64_t bs = block_size_bytes();
	struct ids online = { 0 };
	ids_parse(online_s, &online);
	for (size_t i = 0; i < online.n; i++) {
		unsigned n = online.v[i];
		char path[96], cpus[256], ranges[640];
		snprintf(path, sizeof path, SYS_NODE "/node%u/cpulist", n);
		if (read_text(path, cpus, sizeof cpus) || !cpus[0])
			snprintf(cpus, sizeof cpus, "-");
		struct ids blocks = { 0 };
		node_blocks(n, &blocks);
		format_ranges(&blocks, bs, ranges, sizeof ranges);
		unsigned long long total = node_meminfo(n, "MemTotal");
		unsigned long long freekb = node_meminfo(n, "MemFree");
		say("node %u memtotal_kb=%llu memfree_kb=%llu cpus=%s memoryless=%d ranges=%s",
		    n, total, freekb, cpus, total == 0, ranges);
		ids_free(&blocks);
	}
	ids_free(&online);
	say("nodes online=%s possible=%s block_size=0x%llx", online_s,
	    possible_s[0] ? possible_s : "-", (unsigned long long)bs);
	return 0;
}

/* ---------- probe: memory-blocks (what lsmem reads) ---------- */

/* Reads one attribute of memoryN; missing -> "-", failure -> "!ERRNO".
 * Spaces become commas so every value is one token. */
static void block_attr(uint32_t id, const char *attr, char *out, size_t outlen)
{
	char path[128];
	snprintf(path, sizeof path, SYS_MEM "/memory%u/%s", id, attr);
	int rc = read_text(path, out, outlen);
	if (rc == ENOENT)
		snprintf(out, outlen, "-");
	else if (rc)
		snprintf(out, outlen, "!%s", errname(rc));
	else if (!out[0])
		snprintf(out, outlen, "-");
	for (char *p = out; *p; p++)
		if (isspace((unsigned char)*p))
			*p = ',';
}

/* The node of a block: the (lowest) nodeN link inside its sysfs
 * directory; all of them in *list (a block can span nodes). */
static long block_node(uint32_t id, char *list, size_t listlen)
{
	char dir[96];
	snprintf(dir, sizeof dir, SYS_MEM "/memory%u", id);
	struct ids n = { 0 };
	list_numbered(dir, "node", &n);
	long node = n.n ? (long)n.v[0] : -1;
	ids_format(&n, list, listlen);
	ids_free(&n);
	return node;
}

static int probe_memory_blocks(void)
{
	struct ids blocks = { 0 };
	int rc = list_numbered(SYS_MEM, "memory", &blocks);
	if (rc) {
		say("memory-blocks err=%s", errname(rc));
		return rc;
	}
	say("memory-blocks count=%zu block_size=0x%llx", blocks.n,
	    (unsigned long long)block_size_bytes());
	for (size_t i = 0; i < blocks.n; i++) {
		uint32_t id = blocks.v[i];
		char state[32], online[16], removable[16], zones[128], pdev[32], pidx[32], nodes[128];
		/* Announce first: reading removable/valid_zones is what crashed
		 * kernels in seed 003; the last block-read line names the block. */
		say("block-read %u", id);
		block_attr(id, "state", state, sizeof state);
		block_attr(id, "online", online, sizeof online);
		block_attr(id, "removable", removable, sizeof removable);
		block_attr(id, "valid_zones", zones, sizeof zones);
		block_attr(id, "phys_device", pdev, sizeof pdev);
		block_attr(id, "phys_index", pidx, sizeof pidx);
		long node = block_node(id, nodes, sizeof nodes);
		say("block %u state=%s online=%s removable=%s valid_zones=%s phys_device=%s phys_index=%s node=%ld nodes=%s",
		    id, state, online, removable, zones, pdev, pidx, node, nodes);
	}
	ids_free(&blocks);
	return 0;
}

/* ---------- probe: kpageflags / kpagecount / kpagecgroup ---------- */

/* Bits of /proc/kpageflags (include/uapi/linux/kernel-page-flags.h). */
static const struct { const char *name; int bit; } kpf_bits[] = {
	{ "locked", 0 }, { "lru", 5 }, { "slab", 7 }, { "buddy", 10 },
	{ "compound_head", 15 }, { "huge", 17 }, { "hwpoison", 19 },
	{ "nopage", 20 }, { "offline", 23 }, { "zero_page", 24 },
	{ "pgtable", 26 }, { "reserved", 32 },
};
#define KPF_COUNT (sizeof kpf_bits / sizeof kpf_bits[0])
#define KPAGE_CHUNK (1 << 20)   /* 128 Ki pfns per read */

static uint64_t kpage_buf[KPAGE_CHUNK / 8];

/* Reads one /proc/kpage* file from pfn 0 to the end in big chunks; before
 * each chunk a line names the pfn so a crash is attributable (seed 004
 * died reading kpageflags over a persistent-memory carve-out). */
static int read_kpage_file(const char *name, void (*count)(const uint64_t *v, size_t n, unsigned long long *acc),
			   unsigned long long *acc, unsigned long long *pages)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	*pages = 0;
	int rc = 0;
	for (;;) {
		say("%s-read pfn=0x%llx", name, *pages);
		ssize_t n = read(fd, kpage_buf, sizeof kpage_buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = errno;
			break;
		}
		if (n == 0)
			break;
		size_t entries = (size_t)n / 8;
		count(kpage_buf, entries, acc);
		*pages += entries;
	}
	close(fd);
	return rc;
}

static void count_flags(const uint64_t *v, size_t n, unsigned long long *acc)
{
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < KPF_COUNT; b++)
			if (v[i] >> kpf_bits[b].bit & 1)
				acc[b]++;
}

static void count_nonzero(const uint64_t *v, size_t n, unsigned long long *acc)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			acc[0]++;
}

static int probe_kpageflags(void)
{
	unsigned long long acc[KPF_COUNT] = { 0 }, pages = 0;
	int first_rc = 0;
	int rc = read_kpage_file("kpageflags", count_flags, acc, &pages);
	char line[512];
	size_t used = 0;
	line[0] = 0;
	for (size_t b = 0; b < KPF_COUNT; b++)
		used += (size_t)snprintf(line + used, sizeof line - used, " %s=%llu",
					 kpf_bits[b].name, acc[b]);
	say("kpageflags pages=%llu%s%s%s", pages, line, rc ? " err=" : "", rc ? errname(rc) : "");
	first_rc = rc;

	unsigned long long mapped = 0;
	rc = read_kpage_file("kpagecount", count_nonzero, &mapped, &pages);
	say("kpagecount pages=%llu mapped=%llu%s%s", pages, mapped, rc ? " err=" : "", rc ? errname(rc) : "");
	if (!first_rc)
		first_rc = rc;

	unsigned long long charged = 0;
	rc = read_kpage_file("kpagecgroup", count_nonzero, &charged, &pages);
	say("kpagecgroup pages=%llu charged=%llu%s%s", pages, charged, rc ? " err=" : "", rc ? errname(rc) : "");
	if (!first_rc)
		first_rc = rc;
	return first_rc;
}

/* ---------- probe: zoneinfo / pagetypeinfo ---------- */

struct zone_sum {
	char node[16], zone[32];
	unsigned long long free, spanned, present, managed, start_pfn;
	int active;
};

static void zone_flush(struct zone_sum *z)
{
	if (z->active)
		say("zone node=%s zone=%s start_pfn=0x%llx spanned=%llu present=%llu managed=%llu free=%llu",
		    z->node, z->zone, z->start_pfn, z->spanned, z->present, z->managed, z->free);
	memset(z, 0, sizeof *z);
}

static int probe_zoneinfo(void)
{
	char *text = read_big("/proc/zoneinfo", 8u << 20, NULL);
	if (!text) {
		int e = errno;
		say("zoneinfo err=%s", errname(e));
		return e;
	}
	struct zone_sum z = { 0 };
	int zones = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char node[16], zone[32];
		unsigned long long v;
		if (sscanf(line, "Node %15[0-9], zone %31s", node, zone) == 2) {
			zone_flush(&z);
			snprintf(z.node, sizeof z.node, "%s", node);
			snprintf(z.zone, sizeof z.zone, "%s", zone);
			z.active = 1;
			zones++;
		} else if (sscanf(line, " pages free %llu", &v) == 1)
			z.free = v;
		else if (sscanf(line, " spanned %llu", &v) == 1)
			z.spanned = v;
		else if (sscanf(line, " present %llu", &v) == 1)
			z.present = v;
		else if (sscanf(line, " managed %llu", &v) == 1)
			z.managed = v;
		else if (sscanf(line, " start_pfn: %llu", &v) == 1)
			z.start_pfn = v;
	}
	zone_flush(&z);
	free(text);
	say("zoneinfo zones=%d", zones);
	return 0;
}

static int probe_pagetypeinfo(void)
{
	char *text = read_big("/proc/pagetypeinfo", 8u << 20, NULL);
	if (!text) {
		int e = errno;
		say("pagetypeinfo err=%s", errname(e));
		return e;
	}
	char types[8][24];
	int ntypes = 0, in_blocks = 0, rows = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned order;
		/* The file has one section per node, each opening with the page
		 * block order, then a free-pages table whose rows also start with
		 * "Node N, zone Z," and only then the block-count table. */
		if (sscanf(line, "Page block order: %u", &order) == 1) {
			if (!rows && !in_blocks)
				say("pagetypeinfo pageblock_order=%u", order);
			in_blocks = 0;
			continue;
		}
		if (!strncmp(line, "Number of blocks type", 21)) {
			/* Column names follow: Unmovable Movable Reclaimable ... */
			char *save, *tok = strtok_r(line + 21, " ", &save);
			for (ntypes = 0; tok && ntypes < 8; tok = strtok_r(NULL, " ", &save))
				snprintf(types[ntypes++], sizeof types[0], "%s", tok);
			in_blocks = 1;
			continue;
		}
		char node[16], zone[32];
		int off = 0;
		if (!in_blocks || sscanf(line, "Node %15[0-9], zone %31s%n", node, zone, &off) != 2 ||
		    zone[strlen(zone) - 1] == ',')
			continue;
		char counts[400];
		size_t used = 0;
		const char *p = line + off;
		counts[0] = 0;
		for (int t = 0; t < ntypes; t++) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);
			if (end == p)
				break;
			used += (size_t)snprintf(counts + used, sizeof counts - used, " %s=%llu", types[t], v);
			if (used >= sizeof counts)
				break;
			p = end;
		}
		say("pageblocks node=%s zone=%s%s", node, zone, counts);
		rows++;
	}
	free(text);
	say("pagetypeinfo rows=%d", rows);
	return 0;
}

/* ---------- probe: node-alloc ---------- */

static long sys_mbind(void *addr, unsigned long len, int mode, const unsigned long *mask,
		      unsigned long maxnode, unsigned flags)
{
	return syscall(SYS_mbind, addr, len, mode, mask, maxnode, flags);
}

static long sys_get_mempolicy(int *mode, unsigned long *mask, unsigned long maxnode,
			      void *addr, unsigned long flags)
{
	return syscall(SYS_get_mempolicy, mode, mask, maxnode, addr, flags);
}

/* Allocates on one node with a preferred policy (a bind policy could get the
 * probe OOM-killed on a tiny node), touches every page, and asks the kernel
 * where each page landed. */
static int alloc_on_node(unsigned node)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long freekb = node_meminfo(node, "MemFree");
	unsigned long pages = 1024;                 /* 4 MiB */
	if (freekb / 8 < pages * (unsigned long)page / 1024)
		pages = freekb * 1024 / 8 / (unsigned long)page;
	if (pages < 16)
		pages = 16;
	size_t len = pages * (size_t)page;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;
		say("node-alloc node=%u err=%s (mmap)", node, errname(e));
		return e;
	}
	unsigned long mask[MAX_NODES / (8 * sizeof(unsigned long))] = { 0 };
	mask[node / (8 * sizeof(unsigned long))] |= 1ul << (node % (8 * sizeof(unsigned long)));
	/* maxnode is one more than the bits passed: the kernel drops one. */
	if (sys_mbind(p, len, MPOL_PREFERRED, mask, MAX_NODES + 1, 0) != 0) {
		int e = errno;
		say("node-alloc node=%u err=%s (mbind)", node, errname(e));
		munmap(p, len);
		return e;
	}
	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = (char)(off / (size_t)page + 1);
	unsigned long on_node = 0, elsewhere = 0, unknown = 0;
	long other = -1;
	for (size_t off = 0; off < len; off += (size_t)page) {
		int where = -1;
		if (sys_get_mempolicy(&where, NULL, 0, p + off, MPOL_F_NODE | MPOL_F_ADDR) != 0)
			unknown++;
		else if ((unsigned)where == node)
			on_node++;
		else {
			elsewhere++;
			other = where;
		}
	}
	munmap(p, len);
	say("node-alloc node=%u pages=%lu on_node=%lu elsewhere=%lu unknown=%lu other_node=%ld",
	    node, pages, on_node, elsewhere, unknown, other);
	return 0;
}

static int probe_node_alloc(void)
{
	char has[512];
	int rc = read_text(SYS_NODE "/has_memory", has, sizeof has);
	if (rc) {
		say("node-alloc err=%s (no node has_memory)", errname(rc));
		return rc;
	}
	struct ids nodes = { 0 };
	ids_parse(has, &nodes);
	int first = 0;
	for (size_t i = 0; i < nodes.n; i++) {
		if (nodes.v[i] >= MAX_NODES)
			continue;
		rc = alloc_on_node(nodes.v[i]);
		if (rc && !first)
			first = rc;
	}
	ids_free(&nodes);
	return first;
}

/* ---------- probe: cpu-alloc ---------- */

static long cpu_node(unsigned long cpu);

/* Runs on each online cpu in turn (pinned with sched_setaffinity) and
 * allocates with the default, local policy: the kernel then allocates for
 * that cpu's node (numa_node_id()/numa_mem_id() of the cpu). Seed 001's
 * bug left a cpu whose node was NUMA_NO_NODE: these allocations are the
 * ones that went out of bounds. */
static int probe_cpu_alloc(void)
{
	char online_s[512];
	int rc = read_text(SYS_CPU "/online", online_s, sizeof online_s);
	if (rc) {
		say("cpu-alloc err=%s (no cpu online list)", errname(rc));
		return rc;
	}
	cpu_set_t all;
	if (sched_getaffinity(0, sizeof all, &all) != 0) {
		rc = errno;
		say("cpu-alloc err=%s (sched_getaffinity)", errname(rc));
		return rc;
	}
	struct ids cpus = { 0 };
	ids_parse(online_s, &cpus);
	long page = sysconf(_SC_PAGESIZE);
	const size_t pages = 1024;          /* 4 MiB */
	int first = 0;
	for (size_t i = 0; i < cpus.n; i++) {
		unsigned cpu = cpus.v[i];
		if (cpu >= CPU_SETSIZE)
			continue;
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		say("cpu-alloc-run cpu=%u", cpu);
		if (sched_setaffinity(0, sizeof one, &one) != 0) {
			rc = errno;
			say("cpu-alloc cpu=%u err=%s (sched_setaffinity)", cpu, errname(rc));
			first = first ? first : rc;
			continue;
		}
		size_t len = pages * (size_t)page;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			rc = errno;
			say("cpu-alloc cpu=%u err=%s (mmap)", cpu, errname(rc));
			first = first ? first : rc;
			continue;
		}
		for (size_t off = 0; off < len; off += (size_t)page)
			p[off] = 1;
		long node = cpu_node(cpu);
		unsigned long local = 0, elsewhere = 0, unknown = 0;
		long other = -1;
		for (size_t off = 0; off < len; off += (size_t)page) {
			int where = -1;
			if (sys_get_mempolicy(&where, NULL, 0, p + off, MPOL_F_NODE | MPOL_F_ADDR) != 0)
				unknown++;
			else if (where == node)
				local++;
			else {
				elsewhere++;
				other = where;
			}
		}
		munmap(p, len);
		say("cpu-alloc cpu=%u node=%ld pages=%zu on_node=%lu elsewhere=%lu unknown=%lu other_node=%ld",
		    cpu, node, pages, local, elsewhere, unknown, other);
	}
	sched_setaffinity(0, sizeof all, &all);
	ids_free(&cpus);
	return first;
}

/* ---------- state changes: memory blocks, cpus ---------- */

static int refuse_outside_guest(const char *what)
{
	if (guest_mode)
		return 0;
	complain("refusing to %s outside the guest (run with --guest)", what);
	return EPERM;
}

static int set_block(uint32_t id, const char *state)
{
	char path[128];
	snprintf(path, sizeof path, SYS_MEM "/memory%u/state", id);
	say("block-op %u %s", id, state);
	int rc = write_text(path, state);
	if (rc)
		say("block %u %s err=%s", id, state, errname(rc));
	else
		say("block %u %s ok", id, state);
	return rc;
}

/* Blocks present when the probe started: "online new" means the others. */
static struct ids boot_blocks;

static void blocks_in_state(const char *want, struct ids *out)
{
	struct ids all = { 0 };
	list_numbered(SYS_MEM, "memory", &all);
	for (size_t i = 0; i < all.n; i++) {
		char st[32];
		if (!block_state(all.v[i], st, sizeof st) && !strcmp(st, want))
			ids_add(out, all.v[i]);
	}
	ids_free(&all);
}

static int apply_blocks(const struct ids *set, const char *state, int descending)
{
	int first = 0;
	for (size_t k = 0; k < set->n; k++) {
		uint32_t id = descending ? set->v[set->n - 1 - k] : set->v[k];
		int rc = set_block(id, state);
		if (rc && !first)
			first = rc;
	}
	return first;
}

/* The common end of online/offline: refuse outside the guest, announce the
 * blocks, write state to each (highest first when descending), free set. */
static int change_blocks(struct ids *set, const char *what, const char *state, int descending)
{
	int rc = refuse_outside_guest(what);
	if (!rc) {
		char list[256];
		ids_format(set, list, sizeof list);
		if (strcmp(state, "offline"))
			say("online blocks=%s as=%s", list, state);
		else
			say("offline blocks=%s", list);
		rc = apply_blocks(set, state, descending);
	}
	ids_free(set);
	return rc;
}

/* online all|new|BLOCKLIST [zone=movable|kernel] */
static int do_online(int argc, char **argv)
{
	const char *state = "online";
	const char *zone = arg_value(argc, argv, "zone");
	if (zone && !strcmp(zone, "movable"))
		state = "online_movable";
	else if (zone && !strcmp(zone, "kernel"))
		state = "online_kernel";
	else if (zone) {
		complain("zone=%s: expected movable or kernel", zone);
		return EINVAL;
	}
	const char *which = argc > 1 ? argv[1] : "all";
	struct ids set = { 0 };
	if (!strcmp(which, "all") || !strcmp(which, "new")) {
		struct ids offline = { 0 };
		blocks_in_state("offline", &offline);
		for (size_t i = 0; i < offline.n; i++)
			if (!strcmp(which, "all") || !ids_has(&boot_blocks, offline.v[i]))
				ids_add(&set, offline.v[i]);
		ids_free(&offline);
	} else if (ids_parse(which, &set)) {
		complain("online %s: expected all, new or a block list like 8-15,20", which);
		ids_free(&set);
		return EINVAL;
	}
	/* Arguments are checked first so plan mistakes show on any machine. */
	return change_blocks(&set, "online memory", state, 0);
}

/* offline all|BLOCKLIST|node=N: highest blocks first, where kernel data is
 * least likely and the movable zone usually sits. */
static int do_offline(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	struct ids set = { 0 };
	if (!strcmp(which, "all")) {
		blocks_in_state("online", &set);
	} else if (!strncmp(which, "node=", 5)) {
		unsigned long node;
		if (parse_uint(which + 5, MAX_NODES - 1, &node)) {
			complain("offline %s: expected node=N", which);
			return EINVAL;
		}
		struct ids mine = { 0 };
		node_blocks((unsigned)node, &mine);
		for (size_t i = 0; i < mine.n; i++) {
			char st[32];
			if (!block_state(mine.v[i], st, sizeof st) && !strcmp(st, "online"))
				ids_add(&set, mine.v[i]);
		}
		ids_free(&mine);
	} else if (ids_parse(which, &set)) {
		complain("offline %s: expected all, node=N or a block list like 8-15,20", which);
		ids_free(&set);
		return EINVAL;
	}
	return change_blocks(&set, "offline memory", "offline", 1);
}

static int do_cpu(unsigned long cpu, int up)
{
	int rc = refuse_outside_guest(up ? "bring a cpu up" : "take a cpu down");
	if (rc)
		return rc;
	char path[96];
	snprintf(path, sizeof path, SYS_CPU "/cpu%lu/online", cpu);
	say("cpu-op %lu %s", cpu, up ? "up" : "down");
	rc = write_text(path, up ? "1" : "0");
	if (rc)
		say("cpu %lu %s err=%s", cpu, up ? "up" : "down", errname(rc));
	else
		say("cpu %lu %s ok", cpu, up ? "up" : "down");
	return rc;
}

static int probe_compact(void)
{
	int rc = refuse_outside_guest("compact memory");
	if (rc)
		return rc;
	rc = write_text("/proc/sys/vm/compact_memory", "1");
	if (rc)
		say("compact err=%s", errname(rc));
	else
		say("compact ok");
	return rc;
}

/* ---------- host steps: the @@GO handshake ---------- */

/* Hot-added blocks by DIMM id, so hot-remove knows what should vanish. */
#define MAX_HOTPLUG 64
static struct { char id[64]; struct ids blocks; } hotplugged[MAX_HOTPLUG];

static struct ids *hotplug_slot(const char *id, int create)
{
	for (int i = 0; i < MAX_HOTPLUG; i++)
		if (hotplugged[i].id[0] && !strcmp(hotplugged[i].id, id))
			return &hotplugged[i].blocks;
	if (!create)
		return NULL;
	for (int i = 0; i < MAX_HOTPLUG; i++)
		if (!hotplugged[i].id[0]) {
			snprintf(hotplugged[i].id, sizeof hotplugged[i].id, "%s", id);
			return &hotplugged[i].blocks;
		}
	return NULL;
}

/* Waits for "@@GO <index>" on stdin (the console). Other lines are ignored.
 * Returns 0, ETIMEDOUT, or ENODATA when stdin is at end of file (no host
 * driver attached, e.g. the probe run by hand). */
static int wait_for_go(int index, int timeout_s)
{
	char line[256];
	size_t used = 0;
	double deadline = now_s() + timeout_s;
	for (;;) {
		double left = deadline - now_s();
		if (left <= 0)
			return ETIMEDOUT;
		struct pollfd pfd = { 0, POLLIN, 0 };
		int r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? ETIMEDOUT : errno;
		char c[128];
		ssize_t n = read(0, c, sizeof c);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return ENODATA;
		for (ssize_t i = 0; i < n; i++) {
			if (c[i] != '\n' && c[i] != '\r') {
				if (used < sizeof line - 1)
					line[used++] = c[i];
				continue;
			}
			line[used] = 0;
			used = 0;
			const char *go = strstr(line, "@@GO ");
			if (!go)
				continue;
			char *end;
			long got = strtol(go + 5, &end, 10);
			if (end != go + 5 && got == index)
				return 0;
			say("HOST-IGNORED %d got=%ld", index, got);
		}
	}
}

static void current_blocks(struct ids *out)
{
	list_numbered(SYS_MEM, "memory", out);
}

/* a minus b (both sorted) */
static void ids_minus(const struct ids *a, const struct ids *b, struct ids *out)
{
	for (size_t i = 0; i < a->n; i++)
		if (!ids_has(b, a->v[i]))
			ids_add(out, a->v[i]);
}

static void say_block_summary(const struct ids *before, const struct ids *now)
{
	struct ids added = { 0 }, gone = { 0 }, online = { 0 }, offline = { 0 };
	ids_minus(now, before, &added);
	ids_minus(before, now, &gone);
	blocks_in_state("online", &online);
	blocks_in_state("offline", &offline);
	char a[256], g[256];
	ids_format(&added, a, sizeof a);
	ids_format(&gone, g, sizeof g);
	say("blocks total=%zu online=%zu offline=%zu new=%s gone=%s",
	    now->n, online.n, offline.n, a, g);
	ids_free(&added);
	ids_free(&gone);
	ids_free(&online);
	ids_free(&offline);
}

/* A parsed host step: host hot-add ID node=N size=BYTES [nvdimm] [wait=S],
 * host hot-remove ID [wait=S], host cpu-unplug N [wait=S] or
 * host cpu-plug N [node=M] [wait=S]. */
struct host_step {
	const char *action, *id;
	int add, nvdimm;
	int cpu_step;           /* cpu-plug / cpu-unplug: id is a cpu number */
	unsigned long cpu, node;  /* node: ULONG_MAX when not given */
	unsigned long wait_s;
	uint64_t size;
	char args[512];         /* the words after the action, as printed */
};

static int parse_host_step(int argc, char **argv, struct host_step *h)
{
	size_t used = 0;
	h->args[0] = 0;
	for (int i = 2; i < argc && used < sizeof h->args; i++)
		used += (size_t)snprintf(h->args + used, sizeof h->args - used, "%s%s",
					 i > 2 ? " " : "", argv[i]);
	h->action = argc > 1 ? argv[1] : "";
	h->cpu_step = !strcmp(h->action, "cpu-plug") || !strcmp(h->action, "cpu-unplug");
	h->add = !strcmp(h->action, "hot-add") || !strcmp(h->action, "cpu-plug");
	if ((!h->add && strcmp(h->action, "hot-remove") && strcmp(h->action, "cpu-unplug")) || argc < 3) {
		complain("host step: expected hot-add ID node=N size=BYTES, hot-remove ID, cpu-unplug CPU or cpu-plug CPU [node=N]");
		return EINVAL;
	}
	h->id = argv[2];
	h->node = ULONG_MAX;
	if (h->cpu_step) {
		const char *node = arg_value(argc, argv, "node");
		if (parse_uint(h->id, 1u << 20, &h->cpu) || (node && parse_uint(node, MAX_NODES - 1, &h->node))) {
			complain("%s %s: expected a cpu number and optionally node=N", h->action, h->args);
			return EINVAL;
		}
	}
	h->nvdimm = 0;
	for (int i = 3; i < argc; i++)
		if (!strcmp(argv[i], "nvdimm"))
			h->nvdimm = 1;
	h->wait_s = HOST_CHANGE_WAIT_S;
	const char *w = arg_value(argc, argv, "wait");
	if (w && parse_uint(w, 3600, &h->wait_s)) {
		complain("wait=%s: expected seconds", w);
		return EINVAL;
	}
	h->size = 0;
	const char *sz = arg_value(argc, argv, "size");
	if (h->add && !h->cpu_step && (!sz || parse_size(sz, &h->size))) {
		complain("hot-add needs size=BYTES");
		return EINVAL;
	}
	return 0;
}

/* Polls the memory blocks until the host's change shows: hot-add, `want`
 * blocks that were not there before; hot-remove, `want` of the expected
 * blocks (known, or else any of before) gone. Leaves the last listing in
 * now; returns how many changed blocks were seen. */
static size_t wait_for_blocks(const struct host_step *h, size_t want, const struct ids *before,
			      const struct ids *known, struct ids *now)
{
	double deadline = now_s() + (double)h->wait_s;
	for (;;) {
		struct ids delta = { 0 };
		ids_free(now);
		current_blocks(now);
		if (h->add)
			ids_minus(now, before, &delta);
		else
			ids_minus(known && known->n ? known : before, now, &delta);
		size_t seen = delta.n;
		ids_free(&delta);
		if (seen >= want || now_s() >= deadline)
			return seen;
		sleep_ms(200);
	}
}

/* Prints HOST, waits for the host's @@GO; 0 or the reason it never came. */
static int host_handshake(int index, const struct host_step *h)
{
	say("HOST %d %s %s", index, h->action, h->args);
	int rc = wait_for_go(index, GO_TIMEOUT_S);
	if (rc)
		say("HOST-TIMEOUT %d reason=%s", index, rc == ENODATA ? "eof" : errname(rc));
	else
		say("HOST-GO %d", index);
	return rc;
}

/* The node a cpu's sysfs directory links to, or -1. */
static long cpu_node(unsigned long cpu)
{
	char dir[96];
	snprintf(dir, sizeof dir, SYS_CPU "/cpu%lu", cpu);
	struct ids n = { 0 };
	list_numbered(dir, "node", &n);
	long node = n.n ? (long)n.v[0] : -1;
	ids_free(&n);
	return node;
}

static int cpu_present(unsigned long cpu)
{
	char dir[96];
	snprintf(dir, sizeof dir, SYS_CPU "/cpu%lu", cpu);
	return access(dir, F_OK) == 0;
}

/* After a cpu host step: the kernel's cpu masks, the cpu's state, and its
 * node's cpulist ("-" when the node is offline or has none). */
static void say_cpu_summary(unsigned long cpu, long node)
{
	char present[256], online[256], path[96], state[8], node_cpus[256] = "-";
	if (read_text(SYS_CPU "/present", present, sizeof present) || !present[0])
		snprintf(present, sizeof present, "-");
	if (read_text(SYS_CPU "/online", online, sizeof online) || !online[0])
		snprintf(online, sizeof online, "-");
	snprintf(path, sizeof path, SYS_CPU "/cpu%lu/online", cpu);
	if (!cpu_present(cpu))
		snprintf(state, sizeof state, "absent");
	else if (read_text(path, state, sizeof state))
		snprintf(state, sizeof state, "online");     /* no online file: cannot go offline */
	else
		snprintf(state, sizeof state, "%s", !strcmp(state, "1") ? "online" : "offline");
	int node_online = 0;
	if (node >= 0) {
		snprintf(path, sizeof path, SYS_NODE "/node%ld/cpulist", node);
		node_online = access(path, F_OK) == 0;
		if (read_text(path, node_cpus, sizeof node_cpus) || !node_cpus[0])
			snprintf(node_cpus, sizeof node_cpus, "-");
	}
	say("cpus present=%s online=%s cpu=%lu state=%s node=%ld node_cpus=%s node_online=%d",
	    present, online, cpu, state, node, node_cpus, node_online);
}

/* cpu-unplug: the host ejects the cpu (QEMU device_del; the guest should
 * have taken it offline first), and /sys/devices/system/cpu/cpuN goes;
 * cpu-plug: QEMU device_add, and cpuN comes back (offline until cpu-up). */
static int do_host_cpu(int index, const struct host_step *h)
{
	long node = h->add ? (h->node == ULONG_MAX ? -1 : (long)h->node) : cpu_node(h->cpu);
	int rc = host_handshake(index, h);
	if (rc)
		return rc;
	double deadline = now_s() + (double)h->wait_s;
	while (cpu_present(h->cpu) != h->add && now_s() < deadline)
		sleep_ms(200);
	if (cpu_present(h->cpu) != h->add) {
		say("HOST-WAIT-TIMEOUT %d waited=%lus wanted=1 seen=0", index, h->wait_s);
		rc = ETIMEDOUT;
	}
	if (h->add && cpu_node(h->cpu) >= 0)
		node = cpu_node(h->cpu);
	say_cpu_summary(h->cpu, node);
	return rc;
}

static int do_host(int index, int argc, char **argv)
{
	struct host_step h;
	if (parse_host_step(argc, argv, &h))
		return EINVAL;
	if (h.cpu_step)
		return do_host_cpu(index, &h);
	struct ids before = { 0 }, now = { 0 };
	current_blocks(&before);
	int rc = host_handshake(index, &h);
	if (rc) {
		ids_free(&before);
		return rc;
	}

	/* What the kernel should show: hot-add, size/block_size new blocks
	 * (an NVDIMM is not system RAM: none); hot-remove, the blocks this id
	 * brought (or any one block if we never saw it come). */
	uint64_t bs = block_size_bytes();
	struct ids *known = hotplug_slot(h.id, h.add);
	size_t want = 0;
	if (h.add && !h.nvdimm && bs)
		want = h.size / bs ? (size_t)(h.size / bs) : 1;
	else if (!h.add)
		want = known && known->n ? known->n : 1;
	size_t seen = wait_for_blocks(&h, want, &before, known, &now);
	if (h.add && known) {
		ids_free(known);
		ids_minus(&now, &before, known);
	}
	if (seen < want) {
		say("HOST-WAIT-TIMEOUT %d waited=%lus wanted=%zu seen=%zu", index, h.wait_s, want, seen);
		rc = ETIMEDOUT;
	}
	say_block_summary(&before, &now);
	ids_free(&before);
	ids_free(&now);
	return rc;
}

/* ---------- steps ---------- */

static int run_probe(const char *name)
{
	if (!strcmp(name, "nodes"))
		return probe_nodes();
	if (!strcmp(name, "memory-blocks"))
		return probe_memory_blocks();
	if (!strcmp(name, "kpageflags"))
		return probe_kpageflags();
	if (!strcmp(name, "zoneinfo"))
		return probe_zoneinfo();
	if (!strcmp(name, "pagetypeinfo"))
		return probe_pagetypeinfo();
	if (!strcmp(name, "node-alloc"))
		return probe_node_alloc();
	if (!strcmp(name, "cpu-alloc"))
		return probe_cpu_alloc();
	if (!strcmp(name, "compact"))
		return probe_compact();
	if (!strcmp(name, "online-all")) {
		char *argv[] = { "online", "all", NULL };
		return do_online(2, argv);
	}
	if (!strcmp(name, "offline")) {
		char *argv[] = { "offline", "all", NULL };
		return do_offline(2, argv);
	}
	complain("unknown probe %s", name);
	return EINVAL;
}

static int run_step(int index, int argc, char **argv)
{
	const char *kind = argv[0];
	unsigned long n;
	if (!strcmp(kind, "probe")) {
		int first = 0;
		if (argc < 2) {
			complain("probe: expected probe names");
			return EINVAL;
		}
		for (int i = 1; i < argc; i++) {
			int rc = run_probe(argv[i]);
			if (rc && !first)
				first = rc;
		}
		return first;
	}
	if (!strcmp(kind, "online"))
		return do_online(argc, argv);
	if (!strcmp(kind, "offline"))
		return do_offline(argc, argv);
	if (!strcmp(kind, "offline-node")) {
		if (argc != 2 || parse_uint(argv[1], MAX_NODES - 1, &n)) {
			complain("offline-node: expected a node number");
			return EINVAL;
		}
		char arg[32];
		snprintf(arg, sizeof arg, "node=%lu", n);
		char *args[] = { "offline", arg, NULL };
		return do_offline(2, args);
	}
	if (!strcmp(kind, "cpu-down") || !strcmp(kind, "cpu-up")) {
		if (argc != 2 || parse_uint(argv[1], 1u << 20, &n)) {
			complain("%s: expected a cpu number", kind);
			return EINVAL;
		}
		return do_cpu(n, kind[4] == 'u');
	}
	if (!strcmp(kind, "sleep")) {
		char *end;
		double s = argc == 2 ? strtod(argv[1], &end) : -1;
		if (argc != 2 || *end || s < 0 || s > 3600) {
			complain("sleep: expected seconds (0-3600)");
			return EINVAL;
		}
		sleep_ms((long)(s * 1000));
		return 0;
	}
	if (!strcmp(kind, "host"))
		return do_host(index, argc, argv);
	complain("unknown step %s", kind);
	return EINVAL;
}

/* Splits a plan line into words; returns the count (0 for blank/comment). */
static int split_words(char *line, char **argv, int max)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	int argc = 0;
	for (char *save, *tok = strtok_r(line, " \t\r", &save); tok && argc < max;
	     tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	return argc;
}

static int run_plan(char *plan)
{
	int index = 0, failed = 0;
	char *save;
	for (char *line = strtok_r(plan, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *argv[MAX_ARGS + 1];
		int argc = split_words(line, argv, MAX_ARGS);
		if (!argc)
			continue;
		argv[argc] = NULL;
		char shown[512];
		size_t used = 0;
		shown[0] = 0;
		for (int i = 1; i < argc && used < sizeof shown; i++)
			used += (size_t)snprintf(shown + used, sizeof shown - used, " %s", argv[i]);
		cur_step = index;
		say("STEP %d %s%s", index, argv[0], shown);
		int rc = run_step(index, argc, argv);
		say("STEP-END %d rc=%d", index, rc);
		if (rc)
			failed++;
		index++;
	}
	say("PLAN-END steps=%d failed=%d", index, failed);
	return failed ? 1 : 0;
}

/* The console echoes what the host types (the @@GO lines); turn echo off so
 * the log holds only what the guest says. */
static void quiet_console(void)
{
	struct termios t;
	if (!isatty(0) || tcgetattr(0, &t))
		return;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(0, TCSANOW, &t);
}

static void usage(void)
{
	static const char msg[] =
		"usage: probe [--guest] [PLAN] | probe --coverage DIR\n"
		"Runs the topofarm guest plan (default /topofarm/plan; without one,\n"
		"'probe nodes'). --guest allows steps that change memory/cpu state.\n"
		"--coverage DIR prints the COV lines of the .gcda files under DIR.\n";
	write_all(1, msg, sizeof msg - 1);
}

/* Runs the plan at plan_path; the exit status is the probe's (0, 1). */
static int plan_main(const char *plan_path)
{
	if (guest_mode)
		quiet_console();
	list_numbered(SYS_MEM, "memory", &boot_blocks);

	size_t len = 0;
	char *plan = read_big(plan_path, PLAN_MAX, &len);
	if (!plan) {
		say("PLAN none (%s: %s): running 'probe nodes'", plan_path, errname(errno));
		plan = strdup("probe nodes\n");
		if (!plan)
			return 1;
	} else {
		/* A NUL byte would silently cut the plan short; read it as a space. */
		for (size_t i = 0; i < len; i++)
			if (plan[i] == 0)
				plan[i] = ' ';
		say("PLAN %s bytes=%zu", plan_path, len);
	}
	int rc = run_plan(plan);
	free(plan);
	coverage_dump(NULL);
	kmemleak_scan();
	return rc;
}

/* The guest's plan, as PID 1's child runs it (init.c). */
static int guest_plan(void)
{
	guest_mode = 1;
	return plan_main("/topofarm/plan");
}

int main(int argc, char **argv)
{
	/* The initramfs's /init is this binary: as PID 1 it is the guest's init. */
	if (getpid() == 1)
		return guest_init(guest_plan);
	const char *plan_path = "/topofarm/plan";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--guest"))
			guest_mode = 1;
		else if (!strcmp(argv[i], "--coverage") && i + 1 < argc)
			return coverage_dump(argv[i + 1]) > 0 ? 0 : 1;
		else if (!strcmp(argv[i], "--help") || argv[i][0] == '-') {
			usage();
			return argv[i][1] == '-' && argv[i][2] == 'h' ? 0 : 2;
		} else
			plan_path = argv[i];
	}
	return plan_main(plan_path);
}
