/* cli/builtin-gen.c: `topofarm gen`: adversarial layouts from the generator
 * (topologies/gen.h), or a libFuzzer corpus turned into named .topo files. */
#include "cli/verb.h"
#include "topologies/gen.h"
#include "topologies/layout_features.h"
#include "topologies/topo_binary.h"
#include "topologies/topo_edit.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/sha256.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm gen - generate adversarial memory layouts\n"
"\n"
"SYNOPSIS\n"
"    topofarm gen --seed S [--count N] [--first I] [--strategy NAME...]\n"
"                 [--machine pc|q35] -o DIR\n"
"    topofarm gen --from-corpus DIR -o DIR\n"
"    topofarm gen --seed S --count N --stats\n"
"    topofarm gen --list\n"
"\n"
"DESCRIPTION\n"
"    Writes N topologies, numbered I to I+N-1, as DIR/gen-STRATEGY-S-INDEX.topo.\n"
"    Each layout comes from one strategy (picked per layout from the ones\n"
"    given, or from all), each aimed at one class of kernel bug\n"
"    (docs/strategies.md). The output is deterministic: the same arguments\n"
"    give the same bytes. Every file passes `topofarm check`, stays within\n"
"    what QEMU 7.2 and SeaBIOS accept, and names its strategy and seed in a\n"
"    comment, its tags, and its source line, which is the command that\n"
"    recreates exactly that file.\n"
"\n"
"    --from-corpus turns a libFuzzer corpus of the layout harness\n"
"    (fuzz/layout_fuzz: entries in its binary topology form, or .topo text)\n"
"    into named, checked files DIR/corpus-HASH.topo; corpus entries that do\n"
"    not parse, validate or stay bootable are skipped and counted.\n"
"\n"
"OPTIONS\n"
"    --seed S           the run's seed (default 0)\n"
"    --count N          how many layouts (default 10)\n"
"    --first I          number of the first layout (default 0)\n"
"    --strategy NAME    use only this strategy (repeatable, or a comma list)\n"
"    --machine pc|q35   force the machine type\n"
"    -o, --out DIR      where to write (created if missing)\n"
"    --from-corpus DIR  convert a fuzz corpus instead of generating\n"
"    --stats            write nothing; print how many distinct layout feature\n"
"                       sets (docs/strategies.md) the layouts reach (bench/fuzz)\n"
"    --list             list the strategies and the bug class of each\n"
"\n"
"EXAMPLES\n"
"    topofarm gen --seed 1 --count 50 -o /tmp/layouts\n"
"    topofarm gen --seed 7 --count 5 --strategy tiny-node --machine q35 -o out\n"
"    topofarm gen --from-corpus fuzz/corpus/layout -o /tmp/from-fuzz\n"
"\n"
"EXIT STATUS\n"
"    0 every layout written, 1 a layout could not be made, 2 usage error,\n"
"    3 the output directory cannot be written.\n";

static int write_layout(const char *dir, const char *name, const char *text)
{
	char *file = xasprintf("%s.topo", name);
	char *path = path_join(dir, file);
	int rc = write_file_str(path, text);
	if (rc)
		fprintf(stderr, "topofarm gen: cannot write %s: %s\n", path, strerror(errno));
	free(path);
	free(file);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int from_corpus(const char *corpus, const char *out)
{
	DIR *d = opendir(corpus);
	if (!d)
		return usage_error(&verb_gen, "cannot open corpus directory %s: %s", corpus, strerror(errno));
	char **names = NULL;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, sizeof *names * (size_t)(n + 1));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, by_name);
	int kept = 0, unparsable = 0, rejected = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		char *path = path_join(corpus, names[i]);
		size_t len;
		char *text = read_file(path, &len);
		char name[64];
		char *final = text ? gen_corpus_entry(text, len, names[i], name) : NULL;
		if (!text) {
			unparsable++;
		} else if (!final) {
			/* Tell apart what does not parse from what is not valid or bootable. */
			struct topology t;
			struct topo_error err;
			if (topo_is_binary((const uint8_t *)text, len) ? topo_decode((const uint8_t *)text, len, &t)
								       : topo_parse(text, len, path, &t, &err)) {
				unparsable++;
			} else {
				rejected++;
				topo_free(&t);
			}
		} else {
			if (write_layout(out, name, final))
				failed++;
			else
				kept++;
			free(final);
		}
		free(text);
		free(path);
		free(names[i]);
	}
	free(names);
	printf("%d corpus entries: %d written to %s, %d not topologies, %d not valid or not bootable\n",
	       n, kept, out, unparsable, rejected);
	return failed ? EXIT_ENV : EXIT_OK;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct feature sets over the layouts, as the layout harness counts them. */
static int feature_stats(const struct gen_options *o, uint64_t first, uint64_t count)
{
	uint64_t *h = xmalloc(sizeof *h * (size_t)(count ? count : 1));
	uint64_t n = 0, features = 0;
	static bool seen[FEATURE_SPACE];
	for (uint64_t i = first; i < first + count; i++) {
		char *text = gen_layout(o, i, NULL);
		struct feature_set fs;
		if (text && layout_features_of_text(text, strlen(text), &fs) == 0) {
			h[n++] = feature_set_hash(&fs);
			for (int k = 0; k < fs.n; k++)
				if (!seen[fs.v[k]]) {
					seen[fs.v[k]] = true;
					features++;
				}
		}
		free(text);
	}
	qsort(h, (size_t)n, sizeof *h, by_u64);
	uint64_t distinct = 0;
	for (uint64_t i = 0; i < n; i++)
		distinct += i == 0 || h[i] != h[i - 1];
	free(h);
	printf("%llu layouts, distinct features: %llu, distinct feature sets: %llu\n", (unsigned long long)n,
	       (unsigned long long)features, (unsigned long long)distinct);
	return n == count ? EXIT_OK : EXIT_FINDINGS;
}

static int list_strategies(void)
{
	for (int i = 0; i < gen_n_strategies; i++)
		printf("%-15s %s\n", gen_strategies[i].name, gen_strategies[i].bug_class);
	return EXIT_OK;
}

static int add_strategies(const char *list, const struct gen_strategy ***v, int *n)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *one = strtok_r(copy, ",", &save); one; one = strtok_r(NULL, ",", &save)) {
		const struct gen_strategy *s = gen_strategy_by_name(one);
		if (!s) {
			usage_error(&verb_gen, "no strategy '%s' (see `topofarm gen --list`)", one);
			free(copy);
			return -1;
		}
		*v = xrealloc(*v, sizeof **v * (size_t)(*n + 1));
		(*v)[(*n)++] = s;
	}
	free(copy);
	return 0;
}

static bool read_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return false;
	*out = v;
	return true;
}

static int run_gen(int argc, char **argv)
{
	struct gen_options o = { .machine = -1 };
	uint64_t count = 10, first = 0;
	const char *out = NULL, *corpus = NULL;
	bool stats = false;
	const struct gen_strategy **strategies = NULL;
	int n_strategies = 0, rc = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--list")) {
			free(strategies);
			return list_strategies();
		}
		if (!strcmp(a, "--stats")) {
			stats = true;
			continue;
		}
		bool takes = !strcmp(a, "--seed") || !strcmp(a, "--count") || !strcmp(a, "--first") || !strcmp(a, "--strategy") ||
			     !strcmp(a, "--machine") || !strcmp(a, "-o") || !strcmp(a, "--out") || !strcmp(a, "--from-corpus");
		if (!takes) {
			free(strategies);
			return usage_error(&verb_gen, "unknown argument %s", a);
		}
		if (!v) {
			free(strategies);
			return usage_error(&verb_gen, "%s needs a value", a);
		}
		i++;
		if (!strcmp(a, "--seed") && !read_u64(v, &o.seed))
			rc = usage_error(&verb_gen, "--seed takes a number, not '%s'", v);
		else if (!strcmp(a, "--count") && (!read_u64(v, &count) || count > 10000000))
			rc = usage_error(&verb_gen, "--count takes a number up to 10000000, not '%s'", v);
		else if (!strcmp(a, "--first") && !read_u64(v, &first))
			rc = usage_error(&verb_gen, "--first takes a number, not '%s'", v);
		else if (!strcmp(a, "--strategy") && add_strategies(v, &strategies, &n_strategies))
			rc = EXIT_USAGE;
		else if (!strcmp(a, "--machine")) {
			if (!strcmp(v, "pc"))
				o.machine = MACHINE_PC;
			else if (!strcmp(v, "q35"))
				o.machine = MACHINE_Q35;
			else
				rc = usage_error(&verb_gen, "--machine takes pc or q35, not '%s'", v);
		} else if (!strcmp(a, "-o") || !strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--from-corpus"))
			corpus = v;
		if (rc) {
			free(strategies);
			return rc;
		}
	}
	o.strategies = strategies;
	o.n_strategies = n_strategies;
	if (stats && !corpus) {
		rc = feature_stats(&o, first, count);
		free(strategies);
		return rc;
	}
	if (!out) {
		free(strategies);
		return usage_error(&verb_gen, "expected -o DIR");
	}
	if (mkdir_p(out, 0755)) {
		fprintf(stderr, "topofarm gen: cannot create %s: %s\n", out, strerror(errno));
		free(strategies);
		return EXIT_ENV;
	}
	if (corpus) {
		free(strategies);
		return from_corpus(corpus, out);
	}
	uint64_t written = 0;
	for (uint64_t i = first; i < first + count; i++) {
		const struct gen_strategy *s;
		char *text = gen_layout(&o, i, &s);
		if (!text) {
			fprintf(stderr, "topofarm gen: strategy %s made no valid layout for seed %llu index %llu\n", s->name,
				(unsigned long long)o.seed, (unsigned long long)i);
			rc = EXIT_FINDINGS;
			continue;
		}
		char name[TOPO_NAME_MAX];
		snprintf(name, sizeof name, "gen-%s-%llu-%llu", s->name, (unsigned long long)o.seed, (unsigned long long)i);
		if (write_layout(out, name, text))
			rc = EXIT_ENV;
		else
			written++;
		free(text);
	}
	free(strategies);
	printf("%llu layouts written to %s\n", (unsigned long long)written, out);
	return rc;
}

const struct verb verb_gen = {
	"gen", "generate adversarial layouts, or name a fuzz corpus", help, run_gen,
};
