/* topologies/gen_corpus.c: one entry of a libFuzzer corpus of the layout
 * harness (fuzz/layout_fuzz: .topo text or the binary form of
 * topologies/topo_binary.h) as a named, checked topology: what
 * `topofarm gen --from-corpus` writes and what `topofarm campaign --corpus`
 * boots (see topologies/gen.h). */
#include "topologies/gen.h"
#include "topologies/topo_binary.h"
#include "topologies/topo_edit.h"
#include "common/buf.h"
#include "common/sha256.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gen_corpus_entry(const char *text, size_t len, const char *entry_name, char name[64])
{
	struct topology t;
	struct topo_error err;
	if (topo_is_binary((const uint8_t *)text, len)) {
		/* The harness's own form: decoded, then taken through the text
		 * form so the entry is exactly what a file of it parses to. */
		struct topology b;
		if (topo_decode((const uint8_t *)text, len, &b))
			return NULL;
		char *printed = topo_print(&b);
		topo_free(&b);
		int rc = topo_parse(printed, strlen(printed), entry_name, &t, &err);
		free(printed);
		if (rc)
			return NULL;
	} else if (topo_parse(text, len, entry_name, &t, &err)) {
		return NULL;
	}
	if (!gen_acceptable(&t)) {
		topo_free(&t);
		return NULL;
	}
	char *canonical = topo_print(&t);
	char hash[65];
	sha256_hex(canonical, strlen(canonical), hash);
	free(canonical);
	snprintf(name, 64, "corpus-%.16s", hash);
	topo_set_string(&t.name, name);
	topo_add_tag(&t, "fuzz-corpus");
	char *src = xasprintf("libFuzzer corpus of fuzz/layout_fuzz, entry %s", entry_name);
	topo_set_string(&t.source, src);
	free(src);
	if (!t.description)
		topo_set_string(&t.description, "A layout the layout harness kept for its model features");
	char *final = topo_print(&t);
	topo_free(&t);
	return final;
}
