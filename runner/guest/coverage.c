/* runner/guest/coverage.c: the probe's boot-coverage dump. On a kernel built
 * with CONFIG_GCOV_KERNEL (farm-6.1-gcov), after the plan, it mounts debugfs,
 * reads every .gcda file under /sys/kernel/debug/gcov and prints which arc
 * counters are non-zero, as COV lines (docs/coverage.md), framed like every
 * probe line (common/line_frame.h) so the host can tell damage from data.
 *
 * The .gcda stream is read by hand: it is a flat list of 32-bit words
 * (magic, version, stamp, then tag/length records, arc counters as 64-bit
 * values under tag 0x01a10000), the kernel writes it itself
 * (kernel/gcov/gcc_4_7.c), and there is no library for it a static guest
 * binary could link (libgcov only writes these files, gcov-tool is a host
 * program). Record lengths are in words before GCC 12 and in bytes since:
 * the version word tells which (GCC 12.2 writes "B22*": the first character
 * counts tens from 'A', the second the units; before GCC 10 a digit). */
#include "runner/guest/probe.h"
#include "common/coverage_wire.h"
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEBUGFS "/sys/kernel/debug"
#define GCOV_ROOT DEBUGFS "/gcov"
#define GCDA_MAX (64u << 20)
#define WALK_DEPTH 32

#define GCOV_DATA_MAGIC 0x67636461u     /* "gcda" */
#define GCOV_TAG_FUNCTION 0x01000000u
#define GCOV_TAG_ARCS 0x01a10000u       /* counter type 0: arcs */

struct paths {
	char **v;
	size_t n, cap;
};

static void paths_add(struct paths *p, const char *s)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return;
		p->v = v;
		p->cap = cap;
	}
	char *copy = strdup(s);
	if (copy)
		p->v[p->n++] = copy;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular *.gcda under dir (the .gcno entries are symlinks). */
static void walk(const char *dir, int depth, struct paths *out)
{
	DIR *d = depth < WALK_DEPTH ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && out->n < COV_MAX_OBJECTS) {
		/* Only . and ..: the build tree may sit under a dot directory
		 * (~/.cache/topofarm/build/...). */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
			continue;
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		size_t n = strlen(e->d_name);
		if (S_ISDIR(st.st_mode))
			walk(path, depth + 1, out);
		else if (S_ISREG(st.st_mode) && n > 5 && !strcmp(e->d_name + n - 5, ".gcda"))
			paths_add(out, path);
	}
	closedir(d);
}

/* The object's name on the wire: its path below the common root, without
 * ".gcda", with anything outside [A-Za-z0-9._+/-] made '_'. */
static void object_name(const char *rel, char *out, size_t outlen)
{
	size_t n = strlen(rel);
	if (n > 5)
		n -= 5;
	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++) {
		char c = rel[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '_' || c == '+' || c == '/' || c == '-';
		out[i] = ok ? c : '_';
	}
	out[n] = 0;
}

/* Walks the records of a gcda image. With bits NULL, counts the arc
 * counters into *total; else sets bit i of bits for every non-zero arc
 * counter i and counts them into *hits. Returns NULL or what is wrong. */
static const char *scan_gcda(const uint32_t *w, size_t n, uint8_t *bits, uint32_t *total, uint32_t *hits)
{
	if (n < 3 || w[0] != GCOV_DATA_MAGIC)
		return "not-a-gcda-file";
	unsigned c0 = w[1] >> 24, c1 = w[1] >> 16 & 0xff, major;
	if (c0 >= 'A' && c0 <= 'Z' && c1 >= '0' && c1 <= '9')
		major = (c0 - 'A') * 10 + (c1 - '0');    /* GCC 10+: "B22*" is 12.2 */
	else if (c0 >= '0' && c0 <= '9')
		major = c0 - '0';                         /* GCC 4.7-9: "407*" */
	else
		return "unknown-gcov-version";
	unsigned unit = major >= 12 ? 1 : 4;    /* bytes per length unit */
	size_t pos = major >= 12 ? 4 : 3;       /* GCC 12+: a checksum word */
	uint32_t index = 0;
	while (pos < n && w[pos] != 0) {       /* libgcov ends a file with a 0 tag */
		if (n - pos < 2)
			return "truncated-record";
		uint32_t tag = w[pos], len = w[pos + 1];
		if (tag == GCOV_TAG_ARCS && (int32_t)len < 0) {
			/* libgcov (GCC 12+) writes -length for all-zero counters and
			 * leaves them out; the kernel never does, fixtures do. */
			uint32_t zeros = (uint32_t)-(int32_t)len / (unit == 1 ? 8 : 2);
			if (zeros > COV_MAX_COUNTERS - index)
				return "too-many-counters";
			index += zeros;
			pos += 2;
			continue;
		}
		if (unit == 1 && len % 4)
			return "odd-record-length";
		size_t words = unit == 1 ? len / 4 : len;
		pos += 2;
		if (words > n - pos)
			return "truncated-record";
		if (tag == GCOV_TAG_ARCS) {
			if (words % 2)
				return "odd-counter-record";
			for (size_t i = 0; i < words / 2; i++, index++) {
				if (index >= COV_MAX_COUNTERS)
					return "too-many-counters";
				if (bits && (w[pos + 2 * i] | w[pos + 2 * i + 1])) {
					bits[index / 8] |= (uint8_t)(1u << (index % 8));
					(*hits)++;
				}
			}
		}
		pos += words;
	}
	*total = index;
	return NULL;
}

static int bit_set(const uint8_t *bits, uint32_t i)
{
	return bits[i / 8] >> (i % 8) & 1;
}

/* COV-BITS lines of one object: COV_BITS_PER_LINE counters per line, lines
 * without a set bit left out, trailing zero characters dropped. */
static void say_bits(size_t k, const uint8_t *bits, uint32_t total)
{
	for (uint32_t first = 0; first < total; first += COV_BITS_PER_LINE) {
		char chars[COV_CHARS_PER_LINE + 1];
		size_t used = 0;
		for (size_t c = 0; c < COV_CHARS_PER_LINE; c++) {
			unsigned v = 0;
			for (unsigned b = 0; b < COV_BITS_PER_CHAR; b++) {
				uint32_t i = first + (uint32_t)(c * COV_BITS_PER_CHAR + b);
				if (i < total && bit_set(bits, i))
					v |= 1u << b;
			}
			chars[c] = cov_base64[v];
			if (v)
				used = c + 1;
		}
		chars[used] = 0;
		if (used)
			say("COV-BITS %zu %u %s", k, first, chars);
	}
}

static void dump_object(size_t k, const char *path, const char *name, uint64_t *sum_counters, uint64_t *sum_hits)
{
	size_t len = 0;
	char *data = read_big(path, GCDA_MAX, &len);
	if (!data) {
		say("COV-ERR %zu %s read:%s", k, name, errname(errno));
		return;
	}
	const char *bad = len >= GCDA_MAX ? "file-too-big" : len % 4 ? "length-not-words" : NULL;
	const uint32_t *w = (const uint32_t *)(void *)data;   /* malloc'd: aligned */
	uint32_t total = 0, hits = 0;
	if (!bad)
		bad = scan_gcda(w, len / 4, NULL, &total, &hits);
	uint8_t *bits = bad ? NULL : calloc((size_t)total / 8 + 1, 1);
	if (!bad && !bits)
		bad = "out-of-memory";
	if (!bad)
		bad = scan_gcda(w, len / 4, bits, &total, &hits);
	if (bad)
		say("COV-ERR %zu %s %s", k, name, bad);
	else {
		say("COV-OBJ %zu %u %u %s", k, total, hits, name);
		say_bits(k, bits, total);
		*sum_counters += total;
		*sum_hits += hits;
	}
	free(bits);
	free(data);
}

int coverage_dump(const char *dir)
{
	if (!dir) {
		dir = GCOV_ROOT;
		if (!debugfs_ready(dir))
			return 0;       /* no debugfs or no gcov: a kernel without coverage */
	}
	struct paths files = { 0 };
	walk(dir, 0, &files);
	if (files.n > 1)
		qsort(files.v, files.n, sizeof *files.v, by_string);
	/* The root the names are relative to: the longest directory prefix all
	 * files share (the kernel's build directory, which differs by host). */
	size_t root = 0;
	if (files.n) {
		const char *a = files.v[0], *z = files.v[files.n - 1];
		size_t i = 0;
		while (a[i] && a[i] == z[i])
			i++;
		while (i && a[i - 1] != '/')
			i--;
		root = i;
	}
	say("COV-BEGIN %zu", files.n);
	uint64_t counters = 0, hits = 0;
	for (size_t k = 0; k < files.n; k++) {
		char name[COV_MAX_PATH + 1];
		object_name(files.v[k] + root, name, sizeof name);
		dump_object(k, files.v[k], name, &counters, &hits);
		free(files.v[k]);
	}
	say("COV-END %zu %llu %llu", files.n, (unsigned long long)counters, (unsigned long long)hits);
	free(files.v);
	return (int)files.n;
}
