/* fuzz/campaign_plan.c: the campaign's plan: which layout is entry seq, and
 * how the store alone makes its text again (fuzz/campaign.h). Generated
 * layouts are the generator's (gen_layout: the same bytes `topofarm gen`
 * writes); mutants are the shared structure-aware mutator's
 * (topologies/layout_mutate.h) applied to a corpus layout; inputs are taken
 * as given, a libFuzzer corpus through the same naming as `gen --from-corpus`. */
#include "fuzz/campaign.h"
#include "common/fsutil.h"
#include "topologies/layout_mutate.h"
#include "topologies/topo_edit.h"
#include "topologies/topo_load.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Streams of the campaign's draws, apart from the generator's own. */
#define DRAW_STREAM 0x63616d7061696e31ULL     /* mutate or generate, and which parent */
#define MUTATE_STREAM 0x63616d7061696e32ULL   /* the mutation itself */

/* ---- inputs ---- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_input(struct campaign_input **v, int *n, const char *name, char *text, const char *source)
{
	*v = xrealloc(*v, sizeof **v * (size_t)(*n + 1));
	(*v)[(*n)++] = (struct campaign_input){ xstrdup(name), text, xstrdup(source) };
}

int campaign_inputs_read(const char *dir, bool corpus, struct campaign_input **v, int *n, int *skipped, char **err)
{
	DIR *d = opendir(dir);
	if (!d) {
		*err = xasprintf("cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	struct strv names = { 0 };
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && (corpus || (strlen(e->d_name) > 5 && !strcmp(e->d_name + strlen(e->d_name) - 5, ".topo"))))
			strv_add(&names, e->d_name);
	closedir(d);
	qsort(names.v, (size_t)names.n, sizeof *names.v, by_name);
	int rc = 0;
	for (int i = 0; i < names.n && rc == 0; i++) {
		char *path = path_join(dir, names.v[i]);
		size_t len;
		char *text = read_file(path, &len);
		if (!text) {
			*err = xasprintf("cannot read %s: %s", path, strerror(errno));
			rc = -1;
		} else if (corpus) {
			char name[64];
			char *entry = gen_corpus_entry(text, len, names.v[i], name);
			if (entry)
				add_input(v, n, name, entry, path);
			else
				(*skipped)++;
			free(text);
		} else {
			/* A folder of .topo files: each must be valid, as `run` wants it. */
			struct topology t;
			if (topo_load_one(path, &t, false, stderr) != 0) {
				*err = xasprintf("%s is not a valid topology (see above)", path);
				rc = -1;
				free(text);
			} else {
				add_input(v, n, t.name, text, path);
				topo_free(&t);
			}
		}
		free(path);
	}
	strv_free(&names);
	return rc;
}

void campaign_inputs_free(struct campaign_input *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].name), free(v[i].text), free(v[i].source);
	free(v);
}

/* ---- making one layout ---- */

static char *generated(const char *strategy, uint64_t seed, uint64_t index, int machine, const struct gen_strategy **s)
{
	const struct gen_strategy *one = gen_strategy_by_name(strategy);
	if (!one)
		return NULL;
	struct gen_options o = { .seed = seed, .strategies = &one, .n_strategies = 1, .machine = machine };
	if (s)
		*s = one;
	return gen_layout(&o, index, NULL);
}

/* The mutant of parent_text drawn from (seed, index): named mut-SEED-INDEX,
 * with a header and source line naming its parent and draw. */
static char *mutant(const char *parent_text, const char *parent_name, const char *parent_hash, uint64_t seed,
		    uint64_t index)
{
	struct topology parent, t;
	struct topo_error perr;
	if (topo_parse(parent_text, strlen(parent_text), parent_name, &parent, &perr))
		return NULL;
	struct rng r;
	rng_seed(&r, seed ^ MUTATE_STREAM, index);
	char *text;
	struct feature_set fs;
	int rc = layout_mutant(&parent, &r, &t, &fs, &text);
	topo_free(&parent);
	if (rc != 0)
		return NULL;
	free(text);
	char name[TOPO_NAME_MAX];
	snprintf(name, sizeof name, "mut-%llu-%llu", (unsigned long long)seed, (unsigned long long)index);
	topo_set_string(&t.name, name);
	char *src = xasprintf("topofarm campaign --seed %llu: mutation %llu of layout %s (%.16s)",
			      (unsigned long long)seed, (unsigned long long)index, parent_name, parent_hash);
	topo_set_string(&t.source, src);
	free(src);
	topo_add_tag(&t, "mutant");
	char *body = topo_print(&t);
	topo_free(&t);
	char *out = xasprintf("# Mutated by topofarm campaign: seed %llu, index %llu, parent %s.\n"
			      "# Recreate it with topofarm campaign --recreate %s --out DIR.\n%s",
			      (unsigned long long)seed, (unsigned long long)index, parent_name, name, body);
	free(body);
	return out;
}

static int fill_entry(struct store_plan_entry *out, int seq, int chunk, const char *kind, char *text, char **err)
{
	struct topology t;
	struct topo_error perr;
	if (topo_parse(text, strlen(text), "plan", &t, &perr)) {
		*err = xasprintf("planned layout %d does not parse: %d:%d: %s", seq, perr.line, perr.col, perr.msg);
		free(text);
		return -1;
	}
	char hash[65];
	topo_hash(&t, hash);
	out->seq = seq;
	out->chunk = chunk;
	out->name = xstrdup(t.name);
	out->hash = xstrdup(hash);
	out->text = text;
	out->origin.kind = xstrdup(kind);
	topo_free(&t);
	return 0;
}

int campaign_plan_entry(const struct campaign_config *c, const struct campaign_input *inputs, int n_inputs,
			const struct campaign_corpus *corpus, int seq, int chunk, struct store_plan_entry *out,
			char **err)
{
	memset(out, 0, sizeof *out);
	out->origin.machine = -1;
	if (seq < n_inputs) {
		const struct campaign_input *in = &inputs[seq];
		if (fill_entry(out, seq, chunk, "file", xstrdup(in->text), err) < 0)
			return -1;
		out->origin.source = xstrdup(in->source);
		return 0;
	}
	struct rng draw;
	rng_seed(&draw, c->seed ^ DRAW_STREAM, (uint64_t)seq);
	bool mutate = rng_below(&draw, 1000) < (uint64_t)c->mutate_permille;
	if (mutate && corpus->names.n > 0) {
		int p = (int)rng_below(&draw, (uint64_t)corpus->names.n);
		char *text = mutant(corpus->texts.v[p], corpus->names.v[p], corpus->hashes.v[p], c->seed, (uint64_t)seq);
		if (text) {
			if (fill_entry(out, seq, chunk, "mutate", text, err) < 0)
				return -1;
			out->origin.seed = c->seed;
			out->origin.index = (unsigned long long)seq;
			out->origin.parent_hash = xstrdup(corpus->hashes.v[p]);
			return 0;
		}
		/* No mutation of that parent stays bootable: a generated layout instead. */
	}
	struct gen_options o = { .seed = c->seed, .strategies = c->strategies, .n_strategies = c->n_strategies,
				 .machine = c->machine };
	const struct gen_strategy *s = NULL;
	char *text = gen_layout(&o, (uint64_t)seq, &s);
	if (!text) {
		*err = xasprintf("strategy %s made no valid layout for seed %llu index %d", s ? s->name : "?",
				 (unsigned long long)c->seed, seq);
		return -1;
	}
	if (fill_entry(out, seq, chunk, "gen", text, err) < 0)
		return -1;
	out->origin.seed = c->seed;
	out->origin.index = (unsigned long long)seq;
	out->origin.strategy = xstrdup(s->name);
	out->origin.machine = c->machine;
	return 0;
}

void campaign_plan_entry_free(struct store_plan_entry *e)
{
	free(e->name), free(e->hash), free(e->text), free(e->corpus);
	free(e->origin.kind), free(e->origin.strategy), free(e->origin.parent_hash), free(e->origin.source);
	memset(e, 0, sizeof *e);
}

char *campaign_recreate(struct store *s, const struct store_plan_entry *e, char **err)
{
	const struct store_origin *o = &e->origin;
	if (!o->kind) {
		*err = xasprintf("layout %s has no recorded origin", e->name);
		return NULL;
	}
	if (!strcmp(o->kind, "gen")) {
		char *text = o->strategy ? generated(o->strategy, o->seed, o->index, o->machine, NULL) : NULL;
		if (!text)
			*err = xasprintf("the generator has no strategy '%s' or made no layout for seed %llu index %llu",
					 o->strategy ? o->strategy : "", o->seed, o->index);
		return text;
	}
	if (!strcmp(o->kind, "mutate")) {
		char *parent = o->parent_hash ? store_layout_text(s, o->parent_hash) : NULL;
		if (!parent) {
			*err = xasprintf("the store has no parent layout %s of %s", o->parent_hash ? o->parent_hash : "?",
					 e->name);
			return NULL;
		}
		struct topology pt;
		struct topo_error perr;
		char *parent_name = NULL;
		if (topo_parse(parent, strlen(parent), "parent", &pt, &perr) == 0) {
			parent_name = xstrdup(pt.name);
			topo_free(&pt);
		}
		char *text = parent_name ? mutant(parent, parent_name, o->parent_hash, o->seed, o->index) : NULL;
		if (!text)
			*err = xasprintf("mutation %llu of %s made no layout", o->index, o->parent_hash);
		free(parent), free(parent_name);
		return text;
	}
	if (!strcmp(o->kind, "file")) {
		char *text = store_layout_text(s, e->hash);
		if (!text)
			*err = xasprintf("the store has no text of layout %s", e->name);
		return text;
	}
	*err = xasprintf("layout %s has an origin this topofarm does not know: %s", e->name, o->kind);
	return NULL;
}
