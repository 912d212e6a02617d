/* results/divergence_benign.c: the known-benign differences between the
 * layout model and a kernel (results/divergence-benign.conf): each entry
 * names a group, a glob over that group's lines, and the reason. A line
 * that matches is left out of the comparison on both sides. Hand-written
 * parser: the format is three fields a line, and fnmatch() does the globs. */
#include "results/divergence.h"
#include "acpi-gen/model_lines.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/size.h"
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Keep in step with results/divergence-benign.conf (a unit test compares them). */
static const char builtin_text[] =
	"seabios-slack 64K -- SeaBIOS's reservation at the top of low RAM grows with the ACPI tables (more CPUs, nodes, HMAT): the oracle takes the size the kernel's BIOS-e820 shows, if within this much of the model's\n"
	"ignore zones \"Device *\" -- ZONE_DEVICE is printed only by kernels built with CONFIG_ZONE_DEVICE (Debian), never populated at boot\n"
	"ignore probe-zones \"zone node=* zone=Device *\" -- same: the Device zone exists only with CONFIG_ZONE_DEVICE\n";

struct benign_entry {
	int group;
	char *glob;
	char *reason;
};

struct divergence_benign {
	struct benign_entry *e;
	int n;
	uint64_t seabios_slack;   /* "seabios-slack SIZE": 0 when not given */
	int n_entries;            /* entries of either kind */
};

static const char *const console_keys[ML__COUNT] = {
	"e820", "user", "srat", "numa", "node-data", "zones", "movable", "early", "initmem", "holes", "block-size",
};

const char *divergence_group_key(int group)
{
	if (group >= 0 && group < ML__COUNT)
		return console_keys[group];
	switch (group) {
	case DG_PROBE_NODES: return "probe-nodes";
	case DG_PROBE_BLOCKS: return "probe-blocks";
	case DG_PROBE_ZONES: return "probe-zones";
	default: return "?";
	}
}

static int group_from_key(const char *key)
{
	for (int g = 0; g < ML__COUNT; g++)
		if (!strcmp(key, console_keys[g]))
			return g;
	for (int g = DG_PROBE_NODES; g <= DG_PROBE_ZONES; g++)
		if (!strcmp(key, divergence_group_key(g)))
			return g;
	return -1;
}

/* Next field: a word or a "quoted string"; NULL at the end of the line. */
static char *field(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	char *start = s;
	if (*s == '"') {
		start = ++s;
		while (*s && *s != '"')
			s++;
		if (*s != '"')
			return NULL;
	} else {
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	if (*s)
		*s++ = 0;
	*p = s;
	return start;
}

int divergence_benign_parse(const char *text, size_t len, const char *name, struct divergence_benign **out, char **err)
{
	struct divergence_benign *b = xcalloc(1, sizeof *b);
	char *copy = xstrndup(text, len);
	int lineno = 0, rc = 0;
	for (char *line = copy, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		lineno++;
		char *hash = line;
		while (*hash == ' ' || *hash == '\t')
			hash++;
		if (!*hash || *hash == '#')
			continue;
		char *p = hash;
		char *kind = field(&p);
		if (kind && !strcmp(kind, "seabios-slack")) {
			char *size = field(&p), *dashes = field(&p);
			while (p && (*p == ' ' || *p == '\t'))
				p++;
			const char *why = !size || !size_parse(size, &b->seabios_slack) ? "expected a size after seabios-slack (64K)"
					  : !dashes || strcmp(dashes, "--") || !*p ? "expected \"-- REASON\" after the size" : NULL;
			if (why) {
				if (err)
					*err = xasprintf("%s:%d: %s", name, lineno, why);
				rc = -1;
				break;
			}
			b->n_entries++;
			continue;
		}
		char *key = field(&p), *glob = field(&p), *dashes = field(&p);
		int group = key ? group_from_key(key) : -1;
		const char *why = NULL;
		if (!kind || strcmp(kind, "ignore"))
			why = "expected an entry starting with \"ignore\" or \"seabios-slack\"";
		else if (group < 0)
			why = "expected a group key (e820, user, srat, numa, node-data, zones, movable, early, initmem, holes, "
			      "block-size, probe-nodes, probe-blocks, probe-zones)";
		else if (!glob)
			why = "expected a glob after the group key";
		else if (!dashes || strcmp(dashes, "--"))
			why = "expected \"-- REASON\" after the glob";
		while (p && (*p == ' ' || *p == '\t'))
			p++;
		if (!why && (!p || !*p))
			why = "expected a reason after \"--\"";
		if (why) {
			if (err)
				*err = xasprintf("%s:%d: %s", name, lineno, why);
			rc = -1;
			break;
		}
		b->e = xrealloc(b->e, sizeof *b->e * (size_t)(b->n + 1));
		b->e[b->n++] = (struct benign_entry){ group, xstrdup(glob), xstrdup(p) };
		b->n_entries++;
	}
	free(copy);
	if (rc) {
		divergence_benign_free(b);
		return -1;
	}
	*out = b;
	return 0;
}

int divergence_benign_load(const char *path, struct divergence_benign **out, char **err)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		if (err)
			*err = xasprintf("%s: cannot read the benign-divergence list", path);
		return -1;
	}
	int rc = divergence_benign_parse(text, len, path, out, err);
	free(text);
	return rc;
}

void divergence_benign_free(struct divergence_benign *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++) {
		free(b->e[i].glob);
		free(b->e[i].reason);
	}
	free(b->e);
	free(b);
}

static struct divergence_benign *builtin;

static void parse_builtin(void)
{
	if (divergence_benign_parse(builtin_text, sizeof builtin_text - 1, "(built-in)", &builtin, NULL))
		builtin = xcalloc(1, sizeof *builtin);
}

const struct divergence_benign *divergence_benign_builtin(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, parse_builtin);
	return builtin;
}

int divergence_benign_count(const struct divergence_benign *b)
{
	return b ? b->n_entries : 0;
}

uint64_t divergence_benign_seabios_slack(const struct divergence_benign *b)
{
	return b ? b->seabios_slack : 0;
}

bool divergence_benign_match(const struct divergence_benign *b, int group, const char *line)
{
	while (*line == ' ')
		line++;
	for (int i = 0; b && i < b->n; i++)
		if (b->e[i].group == group && !fnmatch(b->e[i].glob, line, 0))
			return true;
	return false;
}
