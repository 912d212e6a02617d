/* tests/test_doc_paths.c: every example path the documentation shows
 * (topologies/.../NAME.topo in README.md, docs/NAME.md and the verbs' help texts
 * in cli/NAME.c) names a file that exists, so a copied example runs. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int check_paths_in(const char *file)
{
	char *text = read_file(file, NULL);
	int n = 0;
	for (const char *p = text; p && (p = strstr(p, "topologies/")); p++) {
		const char *e = p + strlen("topologies/");
		while (isalnum((unsigned char)*e) || strchr("._/-", *e))
			e++;
		size_t len = (size_t)(e - p);
		if (len < 6 || strncmp(e - 5, ".topo", 5) != 0)
			continue;
		char *path = xstrndup(p, len);
		if (!path_exists(path))
			test_fail(__FILE__, __LINE__, "%s names %s, which does not exist", file, path);
		free(path);
		n++;
	}
	free(text);
	return n;
}

TEST(doc_example_paths_exist)
{
	const char *dirs[][2] = { { "docs", ".md" }, { "cli", ".c" } };
	int n = check_paths_in("README.md");
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		struct file_list files;
		list_files(dirs[d][0], dirs[d][1], &files);
		for (int i = 0; i < files.n; i++)
			n += check_paths_in(files.v[i]);
		file_list_free(&files);
	}
	CHECK(n >= 3);   /* the examples are there to be checked */
}
