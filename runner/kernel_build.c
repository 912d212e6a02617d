/* runner/kernel_build.c: self-built kernels. One build tree per source
 * package + config fragment (cache_dir()/build/TREEKEY/linux): x86_64
 * defconfig (or tinyconfig, base-config=) + the fragment, `make olddefconfig`. A kernel's patches are
 * applied to that tree, `make bzImage` runs (through ccache), the bzImage is
 * copied to kernels/NAME-KEY/, and the patches are reversed, so kernels that
 * differ only by a patch rebuild a few files instead of the whole kernel.
 * A flock on build/TREEKEY.lock keeps two topofarm processes out of one tree. */
#include "runner/kernels.h"
#include "runner/build_progress.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One build in progress: names and paths every phase needs. */
struct build {
	const struct kernel_entry *k;
	bool verbose;
	char tree_key[17], key[17];
	char *top;        /* build/TREEKEY */
	char *tree;       /* the sources make runs in: build/TREEKEY/linux, or a tree= checkout */
	char *obj;        /* where make writes: the tree itself, or build/TREEKEY/obj (O=) for tree= */
	char *applied;    /* build/TREEKEY/applied: copies of the patches now in the tree */
	char *log;        /* logs/build-NAME.log */
	char *tarball;    /* /usr/src/linux-source-X.tar.xz */
	char **env;       /* CC/ccache/KBUILD settings for every make */
	char cc[64];
	double t0;
	double make_t0;   /* when make bzImage started (progress rate) */
	long planned;     /* compile steps the dry run announced; 0: unknown */
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void phase(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void phase(const struct build *b, const char *fmt, ...)
{
	if (!b->verbose)
		return;
	va_list ap;
	fprintf(stderr, "%s: ", b->k->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Runs a tool in the build tree with the build environment; its output
 * goes to the build log. On failure *err names the step and the log. */
static int run_in_tree(struct build *b, char *const argv[], double timeout, const char *what, char **err)
{
	struct proc_opts o = { .cwd = b->tree, .out_path = b->log, .env = b->env, .timeout = timeout };
	struct proc_result r = { 0 };
	int rc = proc_run(argv, &o, &r);
	if (rc != 0) {
		char *log = read_file(b->log, NULL);
		char *tail = kernel_output_tail(log, 15);
		*err = xasprintf("%s failed%s (%s); the end of %s:\n%s", what,
				 r.timed_out ? " (timed out)" : "", r.not_found ? "program not found" : "exit status",
				 b->log, tail);
		free(tail);
		free(log);
	}
	proc_result_free(&r);
	return rc;
}

/* make TARGET in the tree, writing into b->obj (O= when that is not the tree). */
static int run_make(struct build *b, const char *target, const char *jobs_arg, double timeout, char **err)
{
	struct strv a = { 0 };
	strv_add(&a, "make");
	strv_add(&a, b->cc);
	if (strcmp(b->obj, b->tree))
		strv_addf(&a, "O=%s", b->obj);
	if (jobs_arg)
		strv_add(&a, jobs_arg);
	strv_add(&a, target);
	char *what = xasprintf("make %s", target);
	int rc = run_in_tree(b, strv_argv(&a), timeout, what, err);
	free(what);
	strv_free(&a);
	return rc;
}

static void log_line(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(const struct build *b, const char *fmt, ...)
{
	FILE *f = fopen(b->log, "a");
	if (!f)
		return;
	va_list ap;
	fputs("### topofarm: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static int jobs(void)
{
	const char *env = getenv("TOPOFARM_BUILD_JOBS");
	long n = env ? strtol(env, NULL, 10) : 0;
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < 1024 ? (int)n : 1;
}

/* ---- the tree: unpack + configure once per TREEKEY ---- */

/* Every CONFIG_ line of the fragment must have survived olddefconfig:
 * Kconfig silently drops a symbol whose dependencies are not met. */
static int check_fragment(struct build *b, char **err)
{
	char *frag = kernel_config_text(b->k);
	char *cfg_path = path_join(b->obj, ".config");
	char *cfg = read_file(cfg_path, NULL);
	struct buf missing = BUF_INIT;
	for (char *line = frag; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *want = xstrndup(line, n);
		bool is_set = !strncmp(want, "CONFIG_", 7);
		bool not_set = !strncmp(want, "# CONFIG_", 9) && strstr(want, " is not set");
		if (is_set || not_set) {
			char *sym = xstrndup(want + (is_set ? 0 : 2), strcspn(want + (is_set ? 0 : 2), "= "));
			char *set_prefix = xasprintf("\n%s=", sym);
			char *exact = xasprintf("\n%s\n", want);
			/* Fragments merge in order: only a symbol's last line counts. */
			char *later_set = xasprintf("\n%s=", sym), *later_unset = xasprintf("\n# %s is not set", sym);
			bool overridden = nl && (strstr(nl, later_set) || strstr(nl, later_unset));
			free(later_set);
			free(later_unset);
			bool ok = overridden || (cfg && (strstr(cfg, exact) || (not_set && !strstr(cfg, set_prefix))));
			if (!ok)
				buf_printf(&missing, "  %s\n", want);
			free(sym);
			free(set_prefix);
			free(exact);
		}
		free(want);
		line = nl ? nl + 1 : NULL;
	}
	int rc = 0;
	if (missing.len) {
		*err = xasprintf("the config fragment %s was not honoured by `make olddefconfig` "
				 "(missing dependencies?); these lines differ in %s:\n%s",
				 b->k->config, cfg_path, missing.s);
		rc = -1;
	}
	buf_free(&missing);
	free(frag);
	free(cfg);
	free(cfg_path);
	return rc;
}

static int configure_tree(struct build *b, char **err)
{
	const char *base = kernel_base_config(b->k);
	phase(b, "configuring (x86_64 %s + %s, make olddefconfig)", base, b->k->config);
	if (run_make(b, base, NULL, 600, err))
		return -1;
	/* Later assignments win in Kconfig, so appending the fragment to the
	 * base config is a merge. */
	char *cfg_path = path_join(b->obj, ".config");
	char *cfg = read_file(cfg_path, NULL);
	char *frag = kernel_config_text(b->k);
	int rc = -1;
	if (!cfg || !frag)
		*err = xasprintf("cannot read %s or the fragments %s", cfg_path, b->k->config);
	else {
		char *merged = xasprintf("%s\n# ---- topofarm fragment %s ----\n%s\n", cfg, b->k->config, frag);
		rc = write_file_str(cfg_path, merged);
		free(merged);
		if (rc)
			*err = xasprintf("cannot write %s", cfg_path);
	}
	free(cfg);
	free(frag);
	free(cfg_path);
	if (rc == 0)
		rc = run_make(b, "olddefconfig", NULL, 600, err);
	if (rc == 0)
		rc = check_fragment(b, err);
	return rc;
}

static int unpack_tree(struct build *b, char **err)
{
	char *tmp = xasprintf("%s/unpack.tmp", b->top);
	remove_tree(b->tree);
	remove_tree(tmp);
	mkdir_p(tmp, 0755);
	phase(b, "unpacking %s into %s", b->tarball, b->top);
	char *tar[] = { "tar", "-xJf", b->tarball, "-C", tmp, NULL };
	struct proc_opts o = { .capture = true, .timeout = 1800 };
	struct proc_result r = { 0 };
	int rc = proc_run(tar, &o, &r);
	char *inner = xasprintf("%s/%s", tmp, b->k->source);
	if (rc != 0) {
		char *tail = kernel_output_tail(r.out, 6);
		*err = xasprintf("tar -xJf %s failed:\n%s", b->tarball, tail);
		free(tail);
	} else if (!is_dir(inner) || rename(inner, b->tree) != 0) {
		*err = xasprintf("%s does not unpack to %s/", b->tarball, b->k->source);
		rc = -1;
	}
	proc_result_free(&r);
	remove_tree(tmp);
	free(tmp);
	free(inner);
	return rc;
}

/* ---- patches: applied copies live in applied/NN.patch while in the tree ---- */

static int patch_tool(struct build *b, const char *patch_file, bool reverse, bool dry_run)
{
	char *argv[10];
	int n = 0;
	argv[n++] = "patch";
	argv[n++] = "-p1";
	argv[n++] = "--batch";
	argv[n++] = "--no-backup-if-mismatch";
	argv[n++] = "--reject-file=-";
	argv[n++] = reverse ? "--reverse" : "--forward";
	if (dry_run)
		argv[n++] = "--dry-run";
	argv[n++] = "-i";
	argv[n++] = (char *)patch_file;
	argv[n] = NULL;
	struct proc_opts o = { .cwd = b->tree, .out_path = b->log, .timeout = 300 };
	struct proc_result r = { 0 };
	int rc = proc_run(argv, &o, &r);
	proc_result_free(&r);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Applied patch copies, sorted by their NN prefix. */
static int list_applied(struct build *b, char ***out)
{
	DIR *d = opendir(b->applied);
	int n = 0;
	*out = NULL;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			*out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
			(*out)[n++] = path_join(b->applied, e->d_name);
		}
	closedir(d);
	if (n > 1)
		qsort(*out, (size_t)n, sizeof **out, by_name);
	return n;
}

/* Takes every applied patch out of the tree, newest first. A copy that does
 * not reverse cleanly but also is not applied (a crash between copying and
 * applying) is just dropped; anything else means the tree is damaged. */
static int revert_patches(struct build *b)
{
	char **files;
	int n = list_applied(b, &files);
	int rc = 0;
	for (int i = n - 1; i >= 0; i--) {
		if (rc == 0) {
			if (patch_tool(b, files[i], true, true) == 0)
				rc = patch_tool(b, files[i], true, false);
			else if (patch_tool(b, files[i], false, true) != 0)
				rc = -1;
			if (rc == 0)
				unlink(files[i]);
		}
		free(files[i]);
	}
	free(files);
	return rc;
}

static char *patches_string(const struct kernel_entry *k)
{
	struct buf s = BUF_INIT;
	for (size_t i = 0; i < k->n_patches; i++)
		buf_printf(&s, "%s%s", i ? "," : "", k->patches[i]);
	return s.s ? buf_steal(&s) : xstrdup("");
}

static int apply_patches(struct build *b, char **err)
{
	mkdir_p(b->applied, 0755);
	for (size_t i = 0; i < b->k->n_patches; i++) {
		const char *src = b->k->patch_paths[i];
		size_t len = 0;
		char *text = read_file(src, &len);
		char *copy = xasprintf("%s/%02zu.patch", b->applied, i);
		phase(b, "applying %s", b->k->patches[i]);
		log_line(b, "applying %s", src);
		if (!text || patch_tool(b, src, false, true) != 0) {
			*err = xasprintf("patch %s does not apply to %s (patch -p1 --dry-run; see %s)",
					 src, b->tree, b->log);
			free(text);
			free(copy);
			return -1;
		}
		/* The copy is written first: if we die mid-way, the next build
		 * finds it and takes the patch back out. */
		write_file(copy, text, len);
		free(text);
		int rc = patch_tool(b, copy, false, false);
		free(copy);
		if (rc != 0) {
			*err = xasprintf("patch %s failed to apply (see %s)", src, b->log);
			return -1;
		}
	}
	return 0;
}

/* ---- make, with a progress line ---- */

struct ticker {
	const struct build *b;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

/* What the build has done so far, as a line. */
static char *progress_now(const struct build *b)
{
	char *text = read_file(b->log, NULL);
	long done = build_progress_done(text);
	free(text);
	return build_progress_line(b->k->name, done, b->planned, now_seconds() - b->make_t0);
}

/* On a terminal the line is redrawn every 5 s; in a log (CI), a new line
 * each minute keeps "no output" watchdogs quiet without flooding. */
static void *tick(void *arg)
{
	struct ticker *t = arg;
	bool tty = isatty(2);
	int period = tty ? 5 : 60;
	pthread_mutex_lock(&t->lock);
	while (!t->done) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += period;
		pthread_cond_timedwait(&t->cond, &t->lock, &until);
		if (t->done)
			break;
		char *line = progress_now(t->b);
		fprintf(stderr, "%s%s%s", tty ? "\r" : "", line, tty ? "\033[K" : "\n");
		free(line);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* The whole, for the progress line: `make -n bzImage` lists every compile
 * step make would run now (all of them in a fresh tree, a few after a
 * patch). It stops early with an error at the link step (vmlinux.a does
 * not exist in a dry run), after every directory has been walked, so its
 * exit status is not checked: an empty count just means "no estimate".
 * The tree is prepared for real first (make_bzimage): from 6.x on, a dry
 * run of a fresh tree stops at objtool's build (its output directory is
 * made by a recipe a dry run does not run) before any directory is
 * walked, and counted 4 objects of 6.12's ~1,100. */
static long count_planned(struct build *b, const char *jobs_arg)
{
	char *out = path_join(b->top, "dry-run.txt");
	unlink(out);
	struct strv a = { 0 };
	strv_add(&a, "make");
	strv_add(&a, b->cc);
	if (strcmp(b->obj, b->tree))
		strv_addf(&a, "O=%s", b->obj);
	strv_add(&a, jobs_arg);
	strv_add(&a, "-n");
	strv_add(&a, "bzImage");
	struct proc_opts o = { .cwd = b->tree, .out_path = out, .env = b->env, .timeout = 600 };
	struct proc_result r = { 0 };
	proc_run(strv_argv(&a), &o, &r);
	proc_result_free(&r);
	strv_free(&a);
	char *text = read_file(out, NULL);
	long n = build_progress_planned(text);
	free(text);
	unlink(out);
	free(out);
	return n;
}

static int make_bzimage(struct build *b, char **err)
{
	char jobs_arg[32];
	snprintf(jobs_arg, sizeof jobs_arg, "-j%d", jobs());
	if (b->verbose) {
		phase(b, "preparing the tree (make prepare) and counting the objects to build (make -n bzImage)");
		if (run_make(b, "prepare", jobs_arg, 3600, err) != 0)
			return -1;
		b->planned = count_planned(b, jobs_arg);
	}
	phase(b, "building bzImage with make %s: %ld objects to build (log: %s)", jobs_arg, b->planned, b->log);
	b->make_t0 = now_seconds();
	struct ticker t = { .b = b, .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	pthread_t th;
	bool ticking = b->verbose && pthread_create(&th, NULL, tick, &t) == 0;
	int rc = run_make(b, "bzImage", jobs_arg, 4 * 3600, err);
	if (ticking) {
		pthread_mutex_lock(&t.lock);
		t.done = true;
		pthread_cond_signal(&t.cond);
		pthread_mutex_unlock(&t.lock);
		pthread_join(th, NULL);
	}
	return rc;
}

/* ---- the result: kernels/NAME-KEY/{bzImage,config,kernel.txt,patches/} ---- */

static int copy_file(const char *from, const char *to)
{
	size_t len = 0;
	char *data = read_file(from, &len);
	int rc = data ? write_file(to, data, len) : -1;
	free(data);
	return rc;
}

/* A kernel built with debug info keeps its vmlinux beside the bzImage, for
 * file:line in triage (kernel_vmlinux_path); without, it is not worth the
 * space: function names and sizes are in the console's frames already. */
static int keep_vmlinux(struct build *b, const char *dir)
{
	char *cfg_path = path_join(b->obj, ".config");
	char *cfg = read_file(cfg_path, NULL);
	int rc = 0;
	if (cfg && strstr(cfg, "\nCONFIG_DEBUG_INFO=y\n")) {
		char *from = path_join(b->obj, "vmlinux"), *to = path_join(dir, "vmlinux");
		rc = copy_file(from, to);
		free(from);
		free(to);
	}
	free(cfg);
	free(cfg_path);
	return rc;
}

static int install_image(struct build *b, char **err)
{
	char *dest = xasprintf("%s/kernels/%s-%s", cache_dir(), kernel_cache_name(b->k), b->key);
	char *tmp = xasprintf("%s.tmp-%d", dest, (int)getpid());
	char *release_path = path_join(b->obj, "include/config/kernel.release");
	char *release = read_file(release_path, NULL);
	char *state_err = NULL;
	char *src_version = b->k->tree ? kernel_tree_state(b->k->tree, &state_err) : kernel_installed_version(b->k->source);
	free(state_err);
	char *patches = patches_string(b->k);
	int rc = -1;
	remove_tree(tmp);
	char *pdir = path_join(tmp, "patches");
	mkdir_p(pdir, 0755);
	char *from = path_join(b->obj, "arch/x86/boot/bzImage");
	char *to = path_join(tmp, "bzImage");
	char *cfg_from = path_join(b->obj, ".config");
	char *cfg_to = path_join(tmp, "config");
	char *info = path_join(tmp, "kernel.txt");
	char *record = kernel_record_path(kernel_cache_name(b->k));
	char *text = xasprintf("name=%s\nkind=source\nsource=%s\nsource_version=%s\nconfig=%s\n"
			       "patches=%s\nkey=%s\ntree_key=%s\nrelease=%.*s\nimage=%s-%s/bzImage\n",
			       kernel_cache_name(b->k), b->k->tree ? b->k->tree : b->k->source,
			       src_version ? src_version : "?", b->k->config,
			       patches, b->key, b->tree_key, release ? (int)strcspn(release, "\n") : 1,
			       release ? release : "?", kernel_cache_name(b->k), b->key);
	if (copy_file(from, to) != 0 || copy_file(cfg_from, cfg_to) != 0) {
		*err = xasprintf("the build produced no %s", from);
		goto out;
	}
	if (keep_vmlinux(b, tmp) != 0) {
		*err = xasprintf("cannot copy %s/vmlinux (the kernel has DEBUG_INFO: triage symbols)", b->obj);
		goto out;
	}
	for (size_t i = 0; i < b->k->n_patches; i++) {
		char *p = xasprintf("%s/%02zu-%s", pdir, i, strrchr(b->k->patch_paths[i], '/') + 1);
		copy_file(b->k->patch_paths[i], p);
		free(p);
	}
	write_file_str(info, text);
	remove_tree(dest);
	if (rename(tmp, dest) != 0) {
		*err = xasprintf("cannot rename %s to %s", tmp, dest);
		goto out;
	}
	write_file_str(record, text);
	rc = 0;
out:
	remove_tree(tmp);
	free(dest);
	free(tmp);
	free(release_path);
	free(release);
	free(src_version);
	free(patches);
	free(pdir);
	free(from);
	free(to);
	free(cfg_from);
	free(cfg_to);
	free(info);
	free(record);
	free(text);
	return rc;
}

/* ---- setup ---- */

static int install_source_package(const struct kernel_entry *k, bool verbose, char **err)
{
	if (geteuid() != 0) {
		*err = xasprintf("source package %s is not installed: apt-get install %s (as root)",
				 k->source, k->source);
		return -1;
	}
	if (verbose)
		fprintf(stderr, "%s: installing %s (apt-get install)\n", k->name, k->source);
	char *install[] = { "apt-get", "install", "-y", "-q", "--no-install-recommends", k->source, NULL };
	char *update[] = { "apt-get", "update", "-q", NULL };
	char *env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
	struct proc_opts o = { .capture = true, .timeout = 1800, .env = env };
	struct proc_result r = { 0 };
	int rc = proc_run(install, &o, &r);
	if (rc != 0) {
		proc_result_free(&r);
		proc_run(update, &o, &r);
		proc_result_free(&r);
		rc = proc_run(install, &o, &r);
	}
	if (rc != 0) {
		char *tail = kernel_output_tail(r.out, 6);
		*err = xasprintf("apt-get install %s failed:\n%s", k->source, tail);
		free(tail);
	}
	proc_result_free(&r);
	return rc;
}

static void build_free(struct build *b)
{
	free(b->top);
	if (b->obj != b->tree)
		free(b->obj);
	free(b->tree);
	free(b->applied);
	free(b->log);
	free(b->tarball);
	if (b->env)
		for (char **e = b->env; *e; e++)
			free(*e);
	free(b->env);
}

/* ccache makes a rebuild from an empty kernels cache (or a second build
 * tree) cheap; its directory is shared by every tree. KBUILD_BUILD_* are
 * pinned so init/version.c does not differ between otherwise equal builds. */
static void setup_env(struct build *b)
{
	const char *ccache_env = getenv("TOPOFARM_CCACHE_DIR");
	char *ccache_dir = ccache_env && *ccache_env ? xstrdup(ccache_env)
						     : xasprintf("%s/ccache", cache_dir());
	bool have_ccache = program_exists("ccache");
	snprintf(b->cc, sizeof b->cc, "CC=%s", have_ccache ? "ccache gcc" : "gcc");
	if (!have_ccache)
		phase(b, "ccache not found: building without it (apt-get install ccache)");
	b->env = xcalloc(7, sizeof *b->env);
	b->env[0] = xasprintf("CCACHE_DIR=%s", ccache_dir);
	b->env[1] = xasprintf("CCACHE_BASEDIR=%s", b->tree);
	b->env[2] = xstrdup("KBUILD_BUILD_USER=topofarm");
	b->env[3] = xstrdup("KBUILD_BUILD_HOST=topofarm");
	b->env[4] = xstrdup("KBUILD_BUILD_TIMESTAMP=2024-01-01 00:00:00 UTC");
	b->env[5] = xstrdup("CCACHE_MAXSIZE=10G");
	mkdir_p(ccache_dir, 0755);
	free(ccache_dir);
}

static int prepare_tree(struct build *b, char **err)
{
	char *marker = path_join(b->top, "configured");
	int rc = 0;
	if (b->k->tree) {
		/* A checkout: never unpacked or patched here; its O= directory is
		 * configured once per fragment (the tree key). */
		char *cfg = path_join(b->obj, ".config");
		if (!path_exists(marker) || !path_exists(cfg)) {
			mkdir_p(b->obj, 0755);
			rc = configure_tree(b, err);
			if (rc == 0)
				rc = write_file_str(marker, b->k->config);
		} else
			phase(b, "reusing the build directory %s", b->obj);
		free(cfg);
		free(marker);
		return rc;
	}
	if (is_dir(b->tree) && revert_patches(b) != 0) {
		phase(b, "the build tree has patches that do not reverse: unpacking it again");
		unlink(marker);
		remove_tree(b->applied);
	}
	if (!path_exists(marker) || !is_dir(b->tree)) {
		rc = unpack_tree(b, err);
		if (rc == 0)
			rc = configure_tree(b, err);
		if (rc == 0)
			rc = write_file_str(marker, b->k->config);
	} else
		phase(b, "reusing the build tree %s", b->tree);
	free(marker);
	return rc;
}

int kernel_build_source(const struct kernel_entry *k, bool verbose, char **err)
{
	struct build b = { .k = k, .verbose = verbose, .t0 = now_seconds() };
	char *installed = k->tree ? xstrdup("tree") : kernel_installed_version(k->source);
	bool have_source = installed != NULL;
	free(installed);
	if (!have_source && install_source_package(k, verbose, err) != 0)
		return -1;
	if (kernel_build_keys(k, b.tree_key, b.key, err) != 0)
		return -1;
	b.top = xasprintf("%s/build/%s", cache_dir(), b.tree_key);
	b.tree = k->tree ? xstrdup(k->tree) : path_join(b.top, "linux");
	b.obj = k->tree ? path_join(b.top, "obj") : b.tree;
	b.applied = path_join(b.top, "applied");
	b.log = xasprintf("%s/logs/build-%s.log", cache_dir(), kernel_cache_name(k));
	b.tarball = k->tree ? NULL : xasprintf("/usr/src/%s.tar.xz", k->source);
	setup_env(&b);
	char *logs = xasprintf("%s/logs", cache_dir());
	mkdir_p(logs, 0755);
	free(logs);
	mkdir_p(b.top, 0755);

	char *lock_path = xasprintf("%s/build/%s.lock", cache_dir(), b.tree_key);
	char *what = xasprintf("the build tree %s", b.tree);
	int fd = kernel_lock(lock_path, what, verbose, true);
	int rc = -1;
	char *image = NULL;
	if (fd < 0) {
		*err = xasprintf("cannot lock %s", lock_path);
		goto out;
	}
	/* Someone else may have built it while we waited. */
	if ((image = kernel_image_path(k))) {
		phase(&b, "built by another process: %s", image);
		rc = 0;
		goto out;
	}
	if (b.tarball && !path_exists(b.tarball)) {
		*err = xasprintf("%s is missing although %s is installed", b.tarball, k->source);
		goto out;
	}
	write_file_str(b.log, "");
	log_line(&b, "build of %s (key %s, tree %s)", k->name, b.key, b.tree);
	phase(&b, "build key %s, tree %s", b.key, b.tree_key);
	rc = prepare_tree(&b, err);
	if (rc == 0)
		rc = apply_patches(&b, err);
	if (rc == 0)
		rc = make_bzimage(&b, err);
	if (rc == 0)
		rc = install_image(&b, err);
	if (k->n_patches) {
		phase(&b, "reversing the patches in the shared tree");
		if (revert_patches(&b) != 0 && rc == 0) {
			*err = xasprintf("could not reverse the patches in %s (see %s)", b.tree, b.log);
			rc = -1;
		}
	}
	if (rc == 0) {
		image = kernel_image_path(k);
		char *d = build_progress_duration(now_seconds() - b.t0);
		phase(&b, "built in %s: %s", d, image ? image : "?");
		free(d);
	}
out:
	if (fd >= 0)
		close(fd);
	free(image);
	free(lock_path);
	free(what);
	build_free(&b);
	return rc;
}
