/* cli/builtin-kernels.c: `topofarm kernels list|fetch|build|path`: shows the
 * kernel catalogue and what the cache holds, and fetches or builds kernels.
 * A thin layer over runner/kernels.h. */
#include "cli/verb.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "runner/kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm kernels - list, fetch and build the kernels topofarm boots\n"
"\n"
"SYNOPSIS\n"
"    topofarm kernels [--catalogue FILE] list [-v]\n"
"    topofarm kernels [--catalogue FILE] fetch [-q] [--symbols] (NAME... | --default | --all)\n"
"    topofarm kernels [--catalogue FILE] build [-q] [-j N] [--force] (NAME... | --default | --all)\n"
"    topofarm kernels [--catalogue FILE] path [--vmlinux] NAME\n"
"\n"
"DESCRIPTION\n"
"    Kernels are named in a catalogue: by default runner/kernels.conf, the\n"
"    shipped one (format in that file's header and in docs/kernels.md). A\n"
"    kernel is either a Debian binary package (deb=), which `fetch` downloads\n"
"    with apt-get download and unpacks under the cache (nothing is installed\n"
"    into /boot), or a linux-source package plus a config fragment and\n"
"    patches (source=, config=, patch=), which `build` compiles. Everything\n"
"    goes under the cache, ~/.cache/topofarm or $TOPOFARM_CACHE.\n"
"\n"
"    Source kernels that differ only by patches share one build tree: the\n"
"    patches are applied, bzImage is built, copied out, and the patches are\n"
"    reversed, so the second kernel of a pair rebuilds a few files. Builds\n"
"    go through ccache. Two topofarm processes building at once take turns\n"
"    (a lock per build tree).\n"
"\n"
"COMMANDS\n"
"    list    One line per kernel: '*' marks the default pair, then name,\n"
"            where it comes from, the cached version, and the cached image\n"
"            path or 'not fetched' / 'not built'. -v adds notes, build keys\n"
"            and where each kernel is defined.\n"
"    fetch   Makes the named kernels available: downloads Debian kernels and\n"
"            builds source kernels. Cached kernels are left alone, so\n"
"            `fetch --default` is cheap once done. If apt-get download fails\n"
"            (stale package lists), apt-get update runs once and it retries.\n"
"            With --symbols, Debian kernels also get their vmlinux from the\n"
"            matching -dbg package (~1 GB download, only vmlinux is kept):\n"
"            runs on them then give every crash frame its file:line.\n"
"            Built kernels keep their vmlinux when their config has\n"
"            DEBUG_INFO (runner/kconfig/debuginfo.config); image= kernels\n"
"            take vmlinux=.\n"
"    build   Builds source kernels (Debian kernels are refused: use fetch).\n"
"            With --force, rebuilds even when the image is cached.\n"
"    path    Prints the cached image path of NAME (exit 3 if not cached):\n"
"            for scripts, e.g. qemu-system-x86_64 -kernel \"$(topofarm kernels path farm-6.1)\".\n"
"            --vmlinux: the kernel's vmlinux instead (exit 3 if none).\n"
"\n"
"OPTIONS\n"
"    --catalogue FILE   use FILE instead of the shipped catalogue (also\n"
"                       $TOPOFARM_KERNELS). `include shipped` in FILE adds\n"
"                       the shipped kernels to your own.\n"
"    --default          the kernels of the catalogue's default line\n"
"    --all              every kernel of the catalogue\n"
"    -q, --quiet        no progress lines (errors are still printed)\n"
"    -v, --verbose      list: show notes, build keys and definitions\n"
"    -j, --jobs N       make -jN (default: the number of CPUs; also\n"
"                       $TOPOFARM_BUILD_JOBS)\n"
"    --force            build: rebuild even if cached\n"
"\n"
"ENVIRONMENT\n"
"    TOPOFARM_CACHE        cache root (default ~/.cache/topofarm)\n"
"    TOPOFARM_KERNELS      catalogue to use instead of the shipped one\n"
"    TOPOFARM_CCACHE_DIR   ccache directory (default CACHE/ccache)\n"
"    TOPOFARM_BUILD_JOBS   make -j value\n"
"\n"
"FILES\n"
"    CACHE/kernels/NAME-VERSION/boot/vmlinuz-*   unpacked Debian kernels\n"
"    CACHE/kernels/NAME-VERSION/vmlinux          its symbols (fetch --symbols)\n"
"    CACHE/kernels/NAME-KEY/bzImage              built kernels (+ config,\n"
"                                                kernel.txt, patches/)\n"
"    CACHE/build/TREEKEY/linux                   shared build trees\n"
"    CACHE/logs/build-NAME.log                   make output of the last build\n"
"\n"
"EXAMPLES\n"
"    topofarm kernels list\n"
"    topofarm kernels fetch --default          # what `make run` needs\n"
"    topofarm kernels fetch debian-6.1 debian-6.12\n"
"    topofarm kernels build farm-6.1-prefix\n"
"    topofarm kernels --catalogue my.conf build my-6.1-fix\n"
"\n"
"EXIT STATUS\n"
"    0 all named kernels are available, 2 usage error, unknown kernel or bad\n"
"    catalogue (the message names FILE:LINE), 3 a fetch or build failed or a\n"
"    kernel is not cached (path).\n";

struct options {
	const char *catalogue;
	const char *command;
	bool all, defaults, quiet, verbose, force, symbols, vmlinux;
	char **names;
	int n_names;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	o->names = calloc((size_t)argc, sizeof *o->names);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--catalogue") || !strcmp(a, "--jobs") || !strcmp(a, "-j")) {
			if (i + 1 >= argc)
				return usage_error(&verb_kernels, "%s needs a value", a);
			if (a[1] == '-' && a[2] == 'c')
				o->catalogue = argv[++i];
			else if (atoi(argv[i + 1]) <= 0)
				return usage_error(&verb_kernels, "%s expects a positive number, got '%s'", a, argv[i + 1]);
			else
				setenv("TOPOFARM_BUILD_JOBS", argv[++i], 1);
		} else if (!strncmp(a, "--catalogue=", 12))
			o->catalogue = a + 12;
		else if (!strcmp(a, "--all"))
			o->all = true;
		else if (!strcmp(a, "--default"))
			o->defaults = true;
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			o->quiet = true;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			o->verbose = true;
		else if (!strcmp(a, "--symbols"))
			o->symbols = true;
		else if (!strcmp(a, "--vmlinux"))
			o->vmlinux = true;
		else if (!strcmp(a, "--force"))
			o->force = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(help, stdout);
			exit(EXIT_OK);
		} else if (a[0] == '-')
			return usage_error(&verb_kernels, "unknown option '%s'", a);
		else if (!o->command)
			o->command = a;
		else
			o->names[o->n_names++] = argv[i];
	}
	if (!o->command)
		return usage_error(&verb_kernels, "expected a command: list, fetch, build or path");
	return 0;
}

/* The FROM column: an alias names its base, a Debian kernel its package. */
static char *describe_source(const struct kernel_entry *k)
{
	if (k->base)
		return xasprintf("%s + %s", k->base, k->cmdline ? k->cmdline : "");
	if (k->kind == KERNEL_DEB && !k->cmdline)
		return xstrdup(k->deb);
	if (k->kind == KERNEL_IMAGE && !k->cmdline)
		return xasprintf("image %s", k->image);
	return kernel_describe(k);
}

static bool is_default(const struct kernel_catalogue *cat, const struct kernel_entry *k)
{
	for (size_t i = 0; i < cat->n_defaults; i++)
		if (cat->defaults[i] == k)
			return true;
	return false;
}

static int cmd_list(const struct kernel_catalogue *cat, const struct options *o)
{
	printf("  %-18s %-56s %-20s %s\n", "NAME", "FROM", "VERSION", "STATE");
	for (size_t i = 0; i < cat->n_entries; i++) {
		const struct kernel_entry *k = &cat->entries[i];
		char *from = describe_source(k);
		char *image = kernel_image_path(k);
		char *version = kernel_cached_version(k);
		printf("%c %-18s %-56s %-20s %s\n", is_default(cat, k) ? '*' : ' ', k->name, from,
		       version ? version : "-",
		       image ? image : k->kind == KERNEL_DEB ? "not fetched" : k->kind == KERNEL_IMAGE ? "missing" : "not built");
		if (o->verbose) {
			if (k->note)
				printf("    note: %s\n", k->note);
			printf("    defined at %s:%d\n", k->file, k->line);
			char tree_key[17], key[17], *err = NULL;
			if (k->kind == KERNEL_SOURCE) {
				if (kernel_build_keys(k, tree_key, key, &err) == 0)
					printf("    build key %s, tree %s\n", key, tree_key);
				else
					printf("    build key unknown: %s\n", err);
			}
			free(err);
		}
		free(from);
		free(image);
		free(version);
	}
	if (cat->n_defaults)
		printf("(* = default pair; catalogue %s)\n", cat->path);
	return EXIT_OK;
}

/* The kernels a fetch/build names: NAME..., --default, --all (deduplicated). */
static int select_kernels(const struct kernel_catalogue *cat, const struct options *o,
			  const struct kernel_entry ***out, size_t *n_out)
{
	const struct kernel_entry **sel = calloc(cat->n_entries + 1, sizeof *sel);
	size_t n = 0;
	bool chosen[cat->n_entries + 1];
	memset(chosen, 0, sizeof chosen);
	for (size_t i = 0; o->all && i < cat->n_entries; i++)
		chosen[i] = true;
	for (size_t i = 0; o->defaults && i < cat->n_defaults; i++)
		chosen[cat->defaults[i] - cat->entries] = true;
	if (o->defaults && !cat->n_defaults) {
		free(sel);
		return usage_error(&verb_kernels, "%s has no default line", cat->path);
	}
	for (int i = 0; i < o->n_names; i++) {
		const struct kernel_entry **ks = NULL;
		size_t nk = 0;
		char *err = NULL;
		if (kernel_list_resolve(cat, o->names[i], &ks, &nk, &err)) {
			free(sel);
			int rc = usage_error(&verb_kernels, "%s", err);
			free(err);
			return rc;
		}
		for (size_t k = 0; k < nk; k++)
			chosen[ks[k] - cat->entries] = true;
		free(ks);
	}
	for (size_t i = 0; i < cat->n_entries; i++)
		if (chosen[i])
			sel[n++] = &cat->entries[i];
	if (!n) {
		free(sel);
		return usage_error(&verb_kernels, "%s: name kernels, or use --default or --all", o->command);
	}
	*out = sel;
	*n_out = n;
	return 0;
}

static int cmd_get(const struct kernel_catalogue *cat, const struct options *o, bool build_only)
{
	const struct kernel_entry **sel = NULL;
	size_t n = 0;
	int rc = select_kernels(cat, o, &sel, &n);
	if (rc)
		return rc;
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kernel_entry *k = sel[i];
		if (build_only && k->kind != KERNEL_SOURCE) {
			if (o->n_names) {
				free(sel);
				return usage_error(&verb_kernels, "%s is %s: use `topofarm kernels fetch %s`", k->name,
						   k->kind == KERNEL_DEB ? "a Debian binary kernel" : "an image as built", k->name);
			}
			continue;   /* --all/--default: build what is buildable */
		}
		char *image = o->force && k->kind == KERNEL_SOURCE ? kernel_image_path(k) : NULL;
		if (image) {
			/* --force: drop the cached copy so kernel_ensure rebuilds. */
			*strrchr(image, '/') = 0;
			remove_tree(image);
			free(image);
		}
		char *err = NULL;
		if (kernel_ensure(k, !o->quiet, &err) != 0 ||
		    (o->symbols && k->kind == KERNEL_DEB && kernel_fetch_symbols(k, !o->quiet, &err) != 0)) {
			fprintf(stderr, "topofarm kernels: %s: %s\n", k->name, err ? err : "failed");
			failed++;
		}
		free(err);
	}
	free(sel);
	return failed ? EXIT_ENV : EXIT_OK;
}

static int cmd_path(const struct kernel_catalogue *cat, const struct options *o)
{
	if (o->n_names != 1)
		return usage_error(&verb_kernels, "path takes exactly one kernel name");
	const struct kernel_entry *k = kernel_find(cat, o->names[0]);
	if (!k)
		return usage_error(&verb_kernels, "no kernel '%s' in %s", o->names[0], cat->path);
	char *image = o->vmlinux ? kernel_vmlinux_path(k) : kernel_image_path(k);
	if (!image && o->vmlinux) {
		fprintf(stderr, "topofarm kernels: %s has no vmlinux%s\n", k->name,
			k->kind == KERNEL_DEB ? " yet (topofarm kernels fetch --symbols NAME)" :
			k->kind == KERNEL_SOURCE ? " (not built, or built without DEBUG_INFO)" : " (give it vmlinux=)");
		return EXIT_ENV;
	}
	if (!image) {
		fprintf(stderr, "topofarm kernels: %s is not %s yet (topofarm kernels fetch %s)\n",
			k->name, k->kind == KERNEL_DEB ? "fetched" : "built", k->name);
		return EXIT_ENV;
	}
	puts(image);
	free(image);
	return EXIT_OK;
}

static int run_kernels(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc) {
		free(o.names);
		return rc;
	}
	struct kernel_catalogue *cat = NULL;
	char *err = NULL;
	if (kernel_catalogue_load(o.catalogue, &cat, &err) != 0) {
		fprintf(stderr, "topofarm kernels: %s\n", err);
		free(err);
		free(o.names);
		return EXIT_USAGE;
	}
	if (!strcmp(o.command, "list"))
		rc = cmd_list(cat, &o);
	else if (!strcmp(o.command, "fetch"))
		rc = cmd_get(cat, &o, false);
	else if (!strcmp(o.command, "build"))
		rc = cmd_get(cat, &o, true);
	else if (!strcmp(o.command, "path"))
		rc = cmd_path(cat, &o);
	else
		rc = usage_error(&verb_kernels, "unknown command '%s' (expected list, fetch, build or path)",
				 o.command);
	kernel_catalogue_free(cat);
	free(o.names);
	return rc;
}

const struct verb verb_kernels = {
	"kernels", "list, fetch and build the kernels to boot (Debian packages or source)",
	help, run_kernels,
};
