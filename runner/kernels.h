/* runner/kernels.h: the kernel catalogue (which kernels topofarm can boot) and
 * the kernel cache (getting them: Debian binary packages are downloaded and
 * unpacked, source kernels are built from linux-source-X + a config fragment
 * + patches). The catalogue format is documented in runner/kernels.conf and
 * docs/kernels.md.
 *
 * Cache layout under cache_dir():
 *   debs/PKG_VERSION_ARCH.deb              downloaded Debian packages
 *   kernels/NAME-VERSION/boot/vmlinuz-*     an unpacked Debian kernel
 *   kernels/NAME.current                   which unpacked version NAME uses
 *   kernels/NAME-KEY/bzImage               a self-built kernel (KEY: build key)
 *   build/TREEKEY/obj/                      tree= kernels: the O= build directory of
 *                                          a checkout + config (incremental builds)
 *   build/TREEKEY/linux/                    one build tree per source+config;
 *                                          kernels differing only by patches share it
 *   build/TREEKEY.lock                     flock()ed while the tree is in use
 *   ccache/                                compiler cache ($TOPOFARM_CCACHE_DIR overrides)
 *   logs/build-NAME.log                    make's output of the last build of NAME */
#ifndef RUNNER_KERNELS_H
#define RUNNER_KERNELS_H
#include <stdbool.h>
#include <stddef.h>

/* DEB: a Debian binary package; SOURCE: built from linux-source-X; IMAGE: a
 * bzImage someone else built (image=PATH), booted as it is. */
enum kernel_kind { KERNEL_DEB, KERNEL_SOURCE, KERNEL_IMAGE };

struct kernel_state;   /* lazily computed cache facts (build key); private */

struct kernel_entry {
	char *name;
	enum kernel_kind kind;
	char *deb;             /* KERNEL_DEB: the binary package, e.g. linux-image-6.1.0-56-amd64 */
	char *source;          /* KERNEL_SOURCE: the source package, e.g. linux-source-6.1 */
	char *tree;            /* KERNEL_SOURCE from a checkout (tree=): its absolute path; source is NULL */
	char *config;          /* KERNEL_SOURCE: the fragment(s) as written (config=A,B) */
	char **config_paths;   /* ... each resolved to a readable file, in order */
	size_t n_configs;
	char *base_config;     /* KERNEL_SOURCE: the make target the fragments go on top of
				* (base-config=: "defconfig" when NULL, or "tinyconfig") */
	char **patches;        /* patch= as written, in application order */
	char **patch_paths;    /* ... resolved */
	size_t n_patches;
	char *image;           /* KERNEL_IMAGE: the bzImage (absolute path) */
	char *vmlinux;         /* KERNEL_IMAGE: its vmlinux for symbols, or NULL */
	char *note;            /* note="..." or NULL */
	char *base;            /* base=NAME: boots NAME's image (same cache entry), with cmdline */
	char *cmdline;         /* cmdline="...": kernel parameters added to every boot of this kernel */
	char *coverage;        /* coverage=gcov: every boot reports boot coverage (docs/coverage.md) */
	int slow;              /* slow=N: its boots may take N times the default silence and
				* timeout (debug kernels under TCG); 0 when not given */
	char *file;            /* where the entry was defined, for messages */
	int line;
	struct kernel_state *state;
};

struct kernel_catalogue {
	char *path;                      /* the top-level catalogue file */
	struct kernel_entry *entries;
	size_t n_entries;
	const struct kernel_entry **defaults;   /* the `default` line, in order */
	size_t n_defaults;
};

/* Loads a catalogue. path NULL: $TOPOFARM_KERNELS if set, else the shipped
 * runner/kernels.conf. On error returns -1 and *err says "FILE:LINE: what
 * was expected" (caller frees). */
int kernel_catalogue_load(const char *path, struct kernel_catalogue **out, char **err);
/* Parses catalogue text (file names messages and resolves relative config=
 * and patch= against its directory). Same contract as kernel_catalogue_load. */
int kernel_catalogue_parse(const char *text, const char *file, struct kernel_catalogue **out, char **err);
void kernel_catalogue_free(struct kernel_catalogue *cat);
/* The shipped catalogue's path (repo_home()/runner/kernels.conf). */
char *kernel_catalogue_shipped_path(void);

/* Where a kernel comes from, for records and listings: "deb PKG" or
 * "SOURCE + CONFIG + PATCH...", then " + cmdline ARGS" when it has any.
 * Caller frees. */
char *kernel_describe(const struct kernel_entry *k);

/* The config fragments of a source kernel, one after the other (a newline
 * added after a file that lacks one): what the build appends to defconfig
 * and what the build key covers. A single fragment is its file verbatim.
 * NULL if one cannot be read. Caller frees. */
char *kernel_config_text(const struct kernel_entry *k);

/* The name the cache keeps the kernel's image under: its base= kernel's for
 * an alias, else its own. */
const char *kernel_cache_name(const struct kernel_entry *k);

const struct kernel_entry *kernel_find(const struct kernel_catalogue *cat, const char *name);
/* A comma-separated kernel list as the verbs take it: catalogue names,
 * `default` (the default pair), and ranges NAME..LAST over names that end in
 * a number (debian-6.1.0-47..56 is every catalogue kernel debian-6.1.0-N
 * with 47 <= N <= 56, in numeric order). *out (caller frees) keeps the
 * order. -1 with *err ("no kernel 'x' in CATALOGUE") on an unknown name. */
int kernel_list_resolve(const struct kernel_catalogue *cat, const char *list,
			const struct kernel_entry ***out, size_t *n, char **err);
/* Adds a one-off image kernel (`--kernel PATH`) named after the file
 * ("image-bzImage", or the catalogue name already booting that file).
 * Entry pointers taken before stay valid only through their names: look
 * them up again. NULL with *err if the file is not a bzImage. */
const struct kernel_entry *kernel_catalogue_add_image(struct kernel_catalogue *cat, const char *path, char **err);
/* The default pair: first is the kernel expected to show the bug (stock or
 * pre-fix), second the reference (fixed). Returns -1 if the catalogue has no
 * default line or it names fewer than two kernels. */
int kernel_default_pair(const struct kernel_catalogue *cat,
			const struct kernel_entry **first, const struct kernel_entry **second);

/* The kernel image (bzImage / vmlinuz) in the cache, or NULL if not fetched
 * or built yet (or built from other inputs than the entry names now).
 * Caller frees. */
char *kernel_image_path(const struct kernel_entry *k);
/* The kernel's vmlinux (symbols for triage), or NULL: image= kernels their
 * vmlinux=; built kernels kernels/NAME-KEY/vmlinux (kept when the config has
 * DEBUG_INFO); Debian kernels kernels/NAME-VERSION/vmlinux once
 * kernel_fetch_symbols got it. Caller frees. */
char *kernel_vmlinux_path(const struct kernel_entry *k);
/* Debian kernels: downloads the image's -dbg package (same version) and keeps
 * only its vmlinux. The kernel must be fetched. 0, or -1 with *err. */
int kernel_fetch_symbols(const struct kernel_entry *k, bool verbose, char **err);
/* The version the cache holds: the package version of a Debian kernel
 * (6.1.192-1), the kernel release of a built one (6.1.192). NULL if absent. */
char *kernel_cached_version(const struct kernel_entry *k);
/* Fetches (Debian) or builds (source) the kernel if it is not cached.
 * verbose: a line per phase and build progress on stderr. 0 on success. */
int kernel_ensure(const struct kernel_entry *k, bool verbose, char **err);

/* Build keys of a source kernel: tree_key covers what the build tree depends
 * on (recipe, source package and version, config fragment); key adds the
 * patches. 16 hex digits each. -1 (with *err) if the inputs cannot be read. */
int kernel_build_keys(const struct kernel_entry *k, char tree_key[17], char key[17], char **err);
/* The same from explicit inputs (source package version and file contents),
 * so the key's stability is testable without dpkg. */
void kernel_compute_keys(const char *source_pkg, const char *source_version,
			 const char *config_text, const char *const *patch_texts, size_t n_patches,
			 char tree_key[17], char key[17]);
/* The make target a source kernel's fragment is applied on top of:
 * "defconfig" (x86_64 defconfig, the default) or "tinyconfig". */
const char *kernel_base_config(const struct kernel_entry *k);
/* Where the build tree of tree_key lives (cache_dir()/build/KEY/linux). */
char *kernel_build_tree_path(const char *tree_key);

/* The version string of an x86 bzImage (the setup header's kernel_version:
 * offset 0x20e holds a pointer, relative to 0x200, to a NUL-terminated string),
 * e.g. "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP ...". NULL if
 * the file is not a bzImage. Caller frees. */
char *kernel_image_version(const char *image_path);

/* A tree= checkout's state for build keys: "HEAD" or "HEAD+diff-HASH" when
 * tracked files have uncommitted changes. NULL with *err if it is not a git
 * checkout. Caller frees. */
char *kernel_tree_state(const char *tree, char **err);

/* Internal to runner/kernel_*.c. */
int kernel_fetch_deb(const struct kernel_entry *k, bool verbose, char **err);
int kernel_build_source(const struct kernel_entry *k, bool verbose, char **err);
char *kernel_record_path(const char *name);
/* Reads KEY=VALUE from a small record file; NULL if absent. */
char *kernel_record_get(const char *record_path, const char *key);
/* Runs dpkg-query for an installed package's version; NULL if not installed. */
char *kernel_installed_version(const char *pkg);
/* flock()s LOCK_PATH exclusively, saying on stderr (when verbose) that it
 * waits for WHAT if another process holds it. Returns the fd to close.
 * inherit: the fd stays open across exec, so the programs we run hold the
 * lock too; a make that outlives a killed topofarm (it runs in its own
 * process group) keeps the build tree locked until it ends. */
int kernel_lock(const char *lock_path, const char *what, bool verbose, bool inherit);
/* The last lines of a tool's output, for error messages. Caller frees. */
char *kernel_output_tail(const char *out, int lines);

#endif
