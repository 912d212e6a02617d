/* tests/test_kernels.c: the kernel catalogue (good and malformed catalogues
 * under tests/kernels/, each with its expected dump or exact error), build
 * keys, the bzImage version reader, the `topofarm kernels` verb, and (slow)
 * a real Debian fetch and a real patched build into empty caches. */
#include "tests/harness.h"
#include "tests/util.h"
#include "runner/kernels.h"
#include "runner/build_progress.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/strv.h"
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* Repository-relative form of a path, so expected files do not depend on
 * where the checkout lives. */
static const char *rel(const char *path)
{
	size_t n = strlen(test_repo_dir());
	if (!strncmp(path, test_repo_dir(), n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static char *dump_catalogue(const struct kernel_catalogue *cat)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < cat->n_entries; i++) {
		const struct kernel_entry *k = &cat->entries[i];
		buf_printf(&b, "kernel %s", k->name);
		if (k->deb)
			buf_printf(&b, " deb=%s", k->deb);
		if (k->source)
			buf_printf(&b, " source=%s", k->source);
		if (k->base_config)
			buf_printf(&b, " base-config=%s", k->base_config);
		if (k->tree)
			buf_printf(&b, " tree=%s", rel(k->tree));
		if (k->source || k->tree) {
			buf_puts(&b, " config=");
			for (size_t j = 0; j < k->n_configs; j++)
				buf_printf(&b, "%s%s", j ? "," : "", rel(k->config_paths[j]));
		}
		if (k->image)
			buf_printf(&b, " image=%s", rel(k->image));
		if (k->vmlinux)
			buf_printf(&b, " vmlinux=%s", rel(k->vmlinux));
		for (size_t j = 0; j < k->n_patches; j++)
			buf_printf(&b, " patch=%s", rel(k->patch_paths[j]));
		if (k->base)
			buf_printf(&b, " base=%s", k->base);
		if (k->cmdline)
			buf_printf(&b, " cmdline=\"%s\"", k->cmdline);
		if (k->coverage)
			buf_printf(&b, " coverage=%s", k->coverage);
		if (k->slow)
			buf_printf(&b, " slow=%d", k->slow);
		if (k->note)
			buf_printf(&b, " note=\"%s\"", k->note);
		buf_printf(&b, " at %s:%d\n", rel(k->file), k->line);
	}
	for (size_t i = 0; i < cat->n_defaults; i++)
		buf_printf(&b, "%s%s", i ? "," : "default ", cat->defaults[i]->name);
	if (cat->n_defaults)
		buf_putc(&b, '\n');
	return buf_steal(&b);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.conf names of a fixture directory. */
static int list_cases(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	int n = 0;
	*out = NULL;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".conf")) {
			*out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
			(*out)[n++] = xstrndup(e->d_name, len - 5);
		}
	}
	closedir(d);
	qsort(*out, (size_t)n, sizeof **out, by_name);
	return n;
}

static char *expected_text(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s.expected", dir, name);
	char *text = read_file(path, NULL);
	free(path);
	return text;
}

TEST(kernel_catalogue_good_cases)
{
	const char *dir = "tests/kernels/good";
	char **cases;
	int n = list_cases(dir, &cases);
	CHECK(n >= 3);
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s.conf", dir, cases[i]);
		char *want = expected_text(dir, cases[i]);
		struct kernel_catalogue *cat = NULL;
		char *err = NULL;
		if (kernel_catalogue_load(path, &cat, &err) != 0)
			test_fail(__FILE__, __LINE__, "%s: unexpected error: %s", path, err);
		else {
			char *got = dump_catalogue(cat);
			if (!want || strcmp(got, want) != 0)
				test_fail(__FILE__, __LINE__, "%s:\n--- got\n%s--- expected\n%s", path, got,
					  want ? want : "(no .expected file)\n");
			free(got);
		}
		kernel_catalogue_free(cat);
		free(err);
		free(want);
		free(path);
		free(cases[i]);
	}
	free(cases);
}

TEST(kernel_catalogue_bad_cases)
{
	const char *dir = "tests/kernels/bad";
	char **cases;
	int n = list_cases(dir, &cases);
	CHECK(n >= 8);
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s.conf", dir, cases[i]);
		char *want = expected_text(dir, cases[i]);
		if (want)
			want[strcspn(want, "\n")] = 0;
		struct kernel_catalogue *cat = NULL;
		char *err = NULL;
		if (kernel_catalogue_load(path, &cat, &err) == 0)
			test_fail(__FILE__, __LINE__, "%s: loaded, expected the error \"%s\"", path, want);
		else if (!want || strcmp(err, want) != 0)
			test_fail(__FILE__, __LINE__, "%s:\n  got      \"%s\"\n  expected \"%s\"", path, err,
				  want ? want : "(no .expected file)");
		kernel_catalogue_free(cat);
		free(err);
		free(want);
		free(path);
		free(cases[i]);
	}
	free(cases);
}

TEST(kernel_shipped_catalogue_has_the_default_pair)
{
	char *shipped = kernel_catalogue_shipped_path();
	struct kernel_catalogue *cat = NULL;
	char *err = NULL;
	int rc = kernel_catalogue_load(shipped, &cat, &err);
	free(shipped);
	if (rc != 0)
		test_fail(__FILE__, __LINE__, "%s", err);
	REQUIRE(rc == 0);
	const struct kernel_entry *first = NULL, *second = NULL;
	CHECK_INT(kernel_default_pair(cat, &first, &second), 0);
	REQUIRE(first && second);
	CHECK_STR(first->name, "farm-6.1-prefix");
	CHECK_STR(second->name, "farm-6.1");
	/* The pre-fix kernel is the seed-bug image with switch 000: no build
	 * of its own, the cache entry of farm-6.1-bugs. */
	CHECK_INT(first->n_patches, 6);
	CHECK_STR(first->base, "farm-6.1-bugs");
	CHECK_STR(first->cmdline, "topofarm.bugs=000");
	CHECK_STR(kernel_cache_name(first), "farm-6.1-bugs");
	CHECK_INT(second->n_patches, 0);
	CHECK_STR(kernel_cache_name(second), "farm-6.1");
	char fk1[17], fk2[17], bk1[17], bk2[17];
	const struct kernel_entry *bugs = kernel_find(cat, "farm-6.1-bugs");
	REQUIRE(bugs);
	REQUIRE(kernel_build_keys(first, fk1, fk2, NULL) == 0);
	REQUIRE(kernel_build_keys(bugs, bk1, bk2, NULL) == 0);
	CHECK_STR(fk2, bk2);
	const struct kernel_entry *deb = kernel_find(cat, "debian-6.1");
	REQUIRE(deb);
	CHECK_INT(deb->kind, KERNEL_DEB);
	CHECK_STR(deb->deb, "linux-image-6.1.0-56-amd64");
	CHECK(kernel_find(cat, "debian-6.12") != NULL);
	CHECK(kernel_find(cat, "no-such-kernel") == NULL);
	kernel_catalogue_free(cat);

	/* Loaded by a relative name, the files are still absolute: patch and
	 * make run inside the build tree, not here. */
	REQUIRE(kernel_catalogue_load("runner/kernels.conf", &cat, NULL) == 0);
	first = kernel_find(cat, "farm-6.1-prefix");
	REQUIRE(first && first->n_patches == 6);
	REQUIRE(first->n_configs == 1);
	CHECK(first->config_paths[0][0] == '/');
	CHECK(first->patch_paths[0][0] == '/');
	CHECK(path_exists(first->patch_paths[0]));
	kernel_catalogue_free(cat);
}

TEST(kernel_build_keys_follow_their_inputs)
{
	const char *p1[] = { "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n" };
	const char *p2[] = { "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+c\n" };
	const char *both[] = { p1[0], p2[0] }, *swapped[] = { p2[0], p1[0] };
	char t1[17], k1[17], t2[17], k2[17], t3[17], k3[17];

	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=y\n", p1, 1, t1, k1);
	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=y\n", p1, 1, t2, k2);
	CHECK_STR(t1, t2);
	CHECK_STR(k1, k2);
	CHECK_INT(strlen(k1), 16);

	/* A patch change moves the kernel key but keeps the shared tree. */
	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=y\n", p2, 1, t2, k2);
	CHECK_STR(t1, t2);
	CHECK(strcmp(k1, k2) != 0);
	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=y\n", NULL, 0, t3, k3);
	CHECK_STR(t1, t3);
	CHECK(strcmp(k1, k3) != 0);

	/* Patch order matters: they are applied in order. */
	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=y\n", both, 2, t2, k2);
	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=y\n", swapped, 2, t3, k3);
	CHECK(strcmp(k2, k3) != 0);

	/* Config or source version changes move the tree. */
	kernel_compute_keys("linux-source-6.1", "6.1.192-2", "CONFIG_NUMA=n\n", p1, 1, t2, k2);
	CHECK(strcmp(t1, t2) != 0);
	CHECK(strcmp(k1, k2) != 0);
	kernel_compute_keys("linux-source-6.1", "6.1.193-1", "CONFIG_NUMA=y\n", p1, 1, t2, k2);
	CHECK(strcmp(t1, t2) != 0);
}

TEST(kernel_entry_keys_share_the_tree_of_a_pair)
{
	char *shipped = kernel_catalogue_shipped_path();
	struct kernel_catalogue *cat = NULL;
	REQUIRE(kernel_catalogue_load(shipped, &cat, NULL) == 0);
	free(shipped);
	char ta[17], ka[17], tb[17], kb[17];
	char *err = NULL;
	int ra = kernel_build_keys(kernel_find(cat, "farm-6.1"), ta, ka, &err);
	int rb = kernel_build_keys(kernel_find(cat, "farm-6.1-prefix"), tb, kb, &err);
	if (ra || rb)
		test_fail(__FILE__, __LINE__, "%s", err);
	CHECK_STR(ta, tb);
	CHECK(strcmp(ka, kb) != 0);
	/* The same fragment on another base is another tree. */
	char tt[17], kt[17];
	if (kernel_build_keys(kernel_find(cat, "farm-6.1-tiny"), tt, kt, &err) == 0) {
		CHECK(strcmp(tt, ta) != 0);
		CHECK_STR(kernel_base_config(kernel_find(cat, "farm-6.1-tiny")), "tinyconfig");
		CHECK_STR(kernel_base_config(kernel_find(cat, "farm-6.1")), "defconfig");
	} else
		test_fail(__FILE__, __LINE__, "%s", err);
	CHECK(kernel_build_keys(kernel_find(cat, "debian-6.1"), ta, ka, NULL) != 0);
	free(err);
	kernel_catalogue_free(cat);
}

/* The keys of a tree= kernel, from a real git checkout: one build directory
 * (tree key) whatever its state; the kernel key moves with a commit and with
 * an uncommitted edit, and comes back when the edit is undone. */
static void tree_keys(const char *conf, char tree_key[17], char key[17])
{
	struct kernel_catalogue *cat = NULL;
	char *err = NULL;
	REQUIRE(kernel_catalogue_load(conf, &cat, &err) == 0);
	if (kernel_build_keys(kernel_find(cat, "mine"), tree_key, key, &err) != 0)
		test_fail(__FILE__, __LINE__, "%s", err);
	free(err);
	kernel_catalogue_free(cat);
}

static void git(const char *dir, const char *a, const char *b, const char *c)
{
	char *argv[] = { "git", "-C", (char *)dir, "-c", "user.name=t", "-c", "user.email=t@t",
			 (char *)a, (char *)b, (char *)c, NULL };
	struct proc_result r;
	if (run_captured(argv, 60, &r) != 0)
		test_fail(__FILE__, __LINE__, "git %s: %s", a, r.out ? r.out : "");
	proc_result_free(&r);
}

TEST(kernel_tree_keys_follow_head_and_uncommitted_changes)
{
	char *dir = path_join(test_tmpdir(), "linux");
	char *file = path_join(dir, "Makefile"), *conf = path_join(test_tmpdir(), "k.conf");
	mkdir_p(dir, 0755);
	REQUIRE(write_file_str(file, "VERSION = 6\n") == 0);
	char *conf_text = xasprintf("kernel mine tree=%s config=farm.config\n", dir);
	REQUIRE(write_file_str(conf, conf_text) == 0);
	char t0[17], k0[17], t1[17], k1[17], t2[17], k2[17], t3[17], k3[17];

	struct kernel_catalogue *cat = NULL;
	char *err = NULL;
	REQUIRE(kernel_catalogue_load(conf, &cat, &err) == 0);
	CHECK(kernel_build_keys(kernel_find(cat, "mine"), t0, k0, &err) != 0);
	CHECK_CONTAINS(err, "not a git checkout with a commit");
	free(err);
	kernel_catalogue_free(cat);

	git(dir, "init", "-q", ".");
	git(dir, "add", "Makefile", NULL);
	git(dir, "commit", "-qm", "one");
	tree_keys(conf, t0, k0);
	tree_keys(conf, t1, k1);
	CHECK_STR(k0, k1);                      /* stable */

	REQUIRE(write_file_str(file, "VERSION = 7\n") == 0);
	tree_keys(conf, t1, k1);
	CHECK_STR(t0, t1);                      /* same build directory */
	CHECK(strcmp(k0, k1) != 0);             /* another kernel */

	REQUIRE(write_file_str(file, "VERSION = 8\n") == 0);
	tree_keys(conf, t2, k2);
	CHECK(strcmp(k1, k2) != 0);

	REQUIRE(write_file_str(file, "VERSION = 6\n") == 0);
	tree_keys(conf, t3, k3);
	CHECK_STR(k0, k3);                      /* undone: the first build again */

	REQUIRE(write_file_str(file, "VERSION = 7\n") == 0);
	git(dir, "commit", "-qam", "two");
	tree_keys(conf, t3, k3);
	CHECK_STR(t0, t3);
	CHECK(strcmp(k0, k3) != 0 && strcmp(k1, k3) != 0);   /* committed differs from dirty */
	free(dir), free(file), free(conf), free(conf_text);
}

TEST(kernel_image_version_reads_the_setup_header)
{
	unsigned char img[0x400] = { 0 };
	memcpy(img + 0x202, "HdrS", 4);
	img[0x20e] = 0x00;   /* string at 0x200 + 0x100 */
	img[0x20f] = 0x01;
	strcpy((char *)img + 0x300, "6.1.192 (topofarm@topofarm) #1 SMP");
	char *path = path_join(test_tmpdir(), "bzImage");
	REQUIRE(write_file(path, img, sizeof img) == 0);
	char *v = kernel_image_version(path);
	CHECK_STR(v, "6.1.192 (topofarm@topofarm) #1 SMP");
	free(v);

	/* Not a bzImage, a pointer past the end, and a missing file. */
	img[0x202] = 'X';
	REQUIRE(write_file(path, img, sizeof img) == 0);
	CHECK(kernel_image_version(path) == NULL);
	img[0x202] = 'H';
	img[0x20f] = 0x7f;
	REQUIRE(write_file(path, img, sizeof img) == 0);
	CHECK(kernel_image_version(path) == NULL);
	CHECK(kernel_image_version("/nonexistent/bzImage") == NULL);
	free(path);
}

/* ---- the verb, run as a real process ---- */

/* Runs topofarm with ARGS (NULL-terminated) and a private cache. */
static int run_topofarm(const char *cache, const char *ccache, char **const args, struct proc_result *r)
{
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)topofarm_bin();
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	char *env[3] = { xasprintf("TOPOFARM_CACHE=%s", cache), NULL, NULL };
	if (ccache)
		env[1] = xasprintf("TOPOFARM_CCACHE_DIR=%s", ccache);
	struct proc_opts o = { .capture = true, .env = env, .timeout = 3 * 3600 };
	memset(r, 0, sizeof *r);
	proc_run(argv, &o, r);
	free(env[0]);
	free(env[1]);
	return r->exit_code;
}

TEST(kernels_verb_reports_catalogue_errors_with_file_and_line)
{
	struct proc_result r;
	char *args[] = { "kernels", "--catalogue", "tests/kernels/bad/unknown-key.conf", "list", NULL };
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, args, &r), 2);
	CHECK_CONTAINS(r.out, "tests/kernels/bad/unknown-key.conf:1: unknown key 'colour'");
	proc_result_free(&r);

	char *build_deb[] = { "kernels", "--catalogue", "runner/kernels.conf", "build", "debian-6.1", NULL };
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, build_deb, &r), 2);
	CHECK_CONTAINS(r.out, "debian-6.1 is a Debian binary kernel");
	proc_result_free(&r);

	char *unknown[] = { "kernels", "--catalogue", "runner/kernels.conf", "fetch", "nope", NULL };
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, unknown, &r), 2);
	CHECK_CONTAINS(r.out, "no kernel 'nope'");
	proc_result_free(&r);
}

TEST(kernels_list_shows_an_empty_cache)
{
	struct proc_result r;
	char *args[] = { "kernels", "--catalogue", "runner/kernels.conf", "list", NULL };
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, args, &r), 0);
	CHECK_CONTAINS(r.out, "debian-6.1 ");
	CHECK_CONTAINS(r.out, "not fetched");
	CHECK_CONTAINS(r.out, "* farm-6.1-prefix");
	CHECK_CONTAINS(r.out, "linux-source-6.1 + farm.config + bugs/switches.patch + bugs/000-node-min-size.patch");
	CHECK_CONTAINS(r.out, "farm-6.1-bugs + topofarm.bugs=000");
	CHECK_CONTAINS(r.out, "not built");
	proc_result_free(&r);

	char *path[] = { "kernels", "--catalogue", "runner/kernels.conf", "path", "farm-6.1", NULL };
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, path, &r), 3);
	proc_result_free(&r);
}

/* `kernels path --vmlinux`: the symbols of an image= kernel are its
 * vmlinux=; a kernel with none says how to get them (exit 3). */
TEST(kernels_path_vmlinux_names_the_symbols_or_how_to_get_them)
{
	const char *dir = test_tmpdir();
	unsigned char img[0x400] = { 0 };
	img[0x202] = 'H', img[0x203] = 'd', img[0x204] = 'r', img[0x205] = 'S';
	img[0x20e] = 0x00, img[0x20f] = 0x01;        /* version string at 0x300 */
	memcpy(img + 0x300, "6.1.0 (test)", 12);
	char *image = path_join(dir, "bzImage"), *vmlinux = path_join(dir, "vmlinux");
	char *conf = path_join(dir, "mine.conf");
	REQUIRE(write_file(image, img, sizeof img) == 0);
	REQUIRE(write_file_str(vmlinux, "not really an ELF") == 0);
	REQUIRE(write_file_str(conf, "kernel mine image=bzImage vmlinux=vmlinux\nkernel bare image=bzImage\n"
				     "include shipped\n") == 0);
	struct proc_result r;
	char *with[] = { "kernels", "--catalogue", conf, "path", "--vmlinux", "mine", NULL };
	CHECK_INT(run_topofarm(dir, NULL, with, &r), 0);
	CHECK_CONTAINS(r.out, vmlinux);
	proc_result_free(&r);
	char *bare[] = { "kernels", "--catalogue", conf, "path", "--vmlinux", "bare", NULL };
	CHECK_INT(run_topofarm(dir, NULL, bare, &r), 3);
	CHECK_CONTAINS(r.out, "bare has no vmlinux (give it vmlinux=)");
	proc_result_free(&r);
	char *deb[] = { "kernels", "--catalogue", conf, "path", "--vmlinux", "debian-6.1", NULL };
	CHECK_INT(run_topofarm(dir, NULL, deb, &r), 3);
	CHECK_CONTAINS(r.out, "topofarm kernels fetch --symbols");
	proc_result_free(&r);
	char *built[] = { "kernels", "--catalogue", conf, "fetch", "--symbols", "--quiet", "mine", NULL };
	CHECK_INT(run_topofarm(dir, NULL, built, &r), 0);     /* image= kernels have nothing to fetch */
	proc_result_free(&r);
	free(image), free(vmlinux), free(conf);
}

/* ---- slow: the real thing ---- */

struct background_run {
	char *cache, *ccache;
	char **args;
	struct proc_result r;
	int rc;
	volatile int done;
};

static void *run_in_background(void *arg)
{
	struct background_run *b = arg;
	b->rc = run_topofarm(b->cache, b->ccache, b->args, &b->r);
	b->done = 1;
	return NULL;
}

/* Two fetches race into one empty cache: the lock makes one download and
 * the other find the result, and both succeed. */
SLOW_TEST(kernels_fetch_debian_6_1_into_an_empty_cache)
{
	struct proc_result r;
	char *args[] = { "kernels", "--catalogue", "runner/kernels.conf", "fetch", "debian-6.1", NULL };
	struct background_run runs[2] = {
		{ .cache = (char *)test_tmpdir(), .args = args },
		{ .cache = (char *)test_tmpdir(), .args = args },
	};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		REQUIRE(pthread_create(&th[i], NULL, run_in_background, &runs[i]) == 0);
	int downloads = 0;
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		if (runs[i].rc != 0)
			test_fail(__FILE__, __LINE__, "fetch %d failed (%d):\n%s", i, runs[i].rc, runs[i].r.out);
		downloads += runs[i].r.out && strstr(runs[i].r.out, "downloading") != NULL;
		proc_result_free(&runs[i].r);
	}
	CHECK_INT(downloads, 1);
	REQUIRE(runs[0].rc == 0 && runs[1].rc == 0);

	char *path_args[] = { "kernels", "--catalogue", "runner/kernels.conf", "path", "debian-6.1", NULL };
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, path_args, &r), 0);
	REQUIRE(r.out);
	r.out[strcspn(r.out, "\n")] = 0;
	CHECK(!strncmp(r.out, test_tmpdir(), strlen(test_tmpdir())));
	CHECK_CONTAINS(r.out, "/kernels/debian-6.1-");
	CHECK(path_exists(r.out));
	char *version = kernel_image_version(r.out);
	CHECK_CONTAINS(version, "6.1.0-56");
	free(version);
	proc_result_free(&r);

	char *record = xasprintf("%s/kernels/debian-6.1.current", test_tmpdir());
	char *pkg_version = kernel_record_get(record, "version");
	CHECK_CONTAINS(pkg_version, "6.1.192");
	free(pkg_version);
	free(record);

	/* Second time: served from the cache, nothing downloaded. */
	CHECK_INT(run_topofarm(test_tmpdir(), NULL, args, &r), 0);
	CHECK_CONTAINS(r.out, "debian-6.1: cached:");
	proc_result_free(&r);
}

/* Cost control: the kernels cache is empty (TOPOFARM_CACHE is this test's
 * directory, so the tree is unpacked, configured, patched and built for
 * real), but the compiler cache is the user's shared one (CACHE/ccache, the
 * same one `tools/prepare-kernels` fills). After the first build on a
 * machine, most objects are ccache hits, so this takes a minute or two on
 * 2 cores instead of ~7; the test still proves the whole pipeline from an
 * empty cache. The first run on a fresh machine pays the full build once. */
SLOW_TEST(kernels_build_farm_6_1_bugs_into_an_empty_cache)
{
	struct kernel_catalogue *cat = NULL;
	REQUIRE(kernel_catalogue_load("runner/kernels.conf", &cat, NULL) == 0);
	const struct kernel_entry *k = kernel_find(cat, "farm-6.1-bugs");
	REQUIRE(k);
	char tree_key[17], key[17];
	REQUIRE(kernel_build_keys(k, tree_key, key, NULL) == 0);
	kernel_catalogue_free(cat);
	char numa_c[512];
	snprintf(numa_c, sizeof numa_c, "%s/build/%s/linux/arch/x86/mm/numa.c", test_tmpdir(), tree_key);
	const char *patched_line = "if (end && (end - start) < TOPOFARM_NODE_MIN_SIZE)";

	char *args[] = { "kernels", "--catalogue", "runner/kernels.conf", "build", "farm-6.1-bugs", NULL };
	struct background_run b = { .cache = (char *)test_tmpdir(), .args = args };
	b.ccache = xasprintf("%s/ccache", cache_dir());
	pthread_t th;
	REQUIRE(pthread_create(&th, NULL, run_in_background, &b) == 0);
	/* The patch is applied before make starts and reversed after, so the
	 * line must be seen in the tree while the build runs. */
	bool seen_patched = false;
	while (!b.done) {
		if (!seen_patched) {
			char *text = read_file(numa_c, NULL);
			seen_patched = text && strstr(text, patched_line);
			free(text);
		}
		usleep(200 * 1000);
	}
	pthread_join(th, NULL);
	if (b.rc != 0)
		test_fail(__FILE__, __LINE__, "build failed (%d):\n%s", b.rc, b.r.out);
	proc_result_free(&b.r);
	free(b.ccache);
	REQUIRE(b.rc == 0);
	CHECK(seen_patched);

	/* After the build the shared tree is back to the pristine source. */
	char *text = read_file(numa_c, NULL);
	CHECK(text != NULL);
	CHECK(text && !strstr(text, patched_line));
	free(text);

	char *image = xasprintf("%s/kernels/farm-6.1-bugs-%s/bzImage", test_tmpdir(), key);
	CHECK(path_exists(image));
	char *version = kernel_image_version(image);
	CHECK(version && !strncmp(version, "6.1.", 4));
	free(version);
	char *info = xasprintf("%s/kernels/farm-6.1-bugs-%s/kernel.txt", test_tmpdir(), key);
	char *patches = kernel_record_get(info, "patches");
	CHECK_STR(patches, "bugs/switches.patch,bugs/000-node-min-size.patch,bugs/001-offline-node-clears-cpu.patch,"
		  "bugs/002-section-tail-zone0.patch,bugs/003-removable-walk.patch,bugs/004-uninit-hole-between-nodes.patch");
	free(patches);
	free(info);
	free(image);
}

/* The seed-bug patches must apply, in catalogue order, to the shipped
 * source without fuzz or offset, and each must put its switch and canaries
 * where its bug lives; checked on the touched files alone, without
 * unpacking the whole tree. */
SLOW_TEST(kernel_bug_patches_apply_to_linux_source_6_1)
{
	const char *tarball = "/usr/src/linux-source-6.1.tar.xz";
	REQUIRE(path_exists(tarball));
	static const char *const files[] = {
		"arch/x86/mm/numa.c", "mm/memory_hotplug.c", "mm/page_alloc.c",
		"drivers/base/memory.c", "mm/Makefile",
	};
	struct strv tar = { 0 };
	const char *head[] = { "tar", "-xJf", tarball, "-C", test_tmpdir() };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		strv_add(&tar, head[i]);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		strv_addf(&tar, "linux-source-6.1/%s", files[i]);
	struct proc_opts o = { .capture = true, .timeout = 600 };
	struct proc_result r = { 0 };
	CHECK_INT(proc_run(strv_argv(&tar), &o, &r), 0);
	proc_result_free(&r);
	strv_free(&tar);

	struct kernel_catalogue *cat = NULL;
	REQUIRE(kernel_catalogue_load("runner/kernels.conf", &cat, NULL) == 0);
	const struct kernel_entry *k = kernel_find(cat, "farm-6.1-bugs");
	REQUIRE(k && k->n_patches == 6);
	char *tree = xasprintf("%s/linux-source-6.1", test_tmpdir());
	for (size_t i = 0; i < k->n_patches; i++) {
		char *patch[] = { "patch", "-p1", "--batch", "--forward", "-i", k->patch_paths[i], NULL };
		struct proc_opts po = { .capture = true, .cwd = tree, .timeout = 60 };
		if (proc_run(patch, &po, &r) != 0 || (r.out && (strstr(r.out, "fuzz") || strstr(r.out, "offset"))))
			test_fail(__FILE__, __LINE__, "%s does not apply cleanly:\n%s", k->patches[i], r.out ? r.out : "");
		proc_result_free(&r);
	}
	kernel_catalogue_free(cat);

	/* file, then what each bug's switch guards, in the order it must appear */
	static const struct { const char *file, *first, *second; } sites[] = {
		{ "arch/x86/mm/numa.c", "topofarm_bug_triggered(0);", "\t\talloc_node_data(nid);" },
		{ "mm/memory_hotplug.c", "topofarm_bug_reached(1);\n\tif (check_cpu_on_node(nid))", "numa_clear_node(cpu);" },
		{ "mm/page_alloc.c", "topofarm_bug_triggered(2);", "init_unavailable_range(hole_pfn, end_pfn, zone_id, nid);" },
		{ "drivers/base/memory.c", "topofarm_bug_triggered(3);", "is_mem_section_removable(section_nr_to_pfn(nr)," },
		{ "mm/page_alloc.c", "topofarm_bug_triggered(4);", "init_unavailable_range(*hole_pfn, start_pfn, zone_id, nid);" },
		{ "mm/Makefile", "obj-y += memblock.o", "obj-y += topofarm_bugs.o" },
	};
	for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
		char *path = xasprintf("%s/%s", tree, sites[i].file);
		char *text = read_file(path, NULL);
		const char *a = text ? strstr(text, sites[i].first) : NULL;
		const char *b = a ? strstr(a, sites[i].second) : NULL;
		if (!a || !b)
			test_fail(__FILE__, __LINE__, "%s: expected \"%s\" then \"%s\"", sites[i].file,
				  sites[i].first, sites[i].second);
		free(text);
		free(path);
	}
	free(tree);
}

/* Kernel lists as the verbs take them: names, default, NAME..LAST ranges
 * over the shipped catalogue's Debian ranges, in order; unknown names and
 * bad ranges are errors that say what was expected. */
TEST(kernel_list_resolves_names_defaults_and_ranges)
{
	struct kernel_catalogue *cat = NULL;
	char *err = NULL;
	REQUIRE(kernel_catalogue_load(NULL, &cat, &err) == 0);
	const struct kernel_entry **ks = NULL;
	size_t n = 0;
	REQUIRE(kernel_list_resolve(cat, "debian-6.1.0-47..56", &ks, &n, &err) == 0);
	CHECK_INT(n, 10);
	CHECK_STR(ks[0]->name, "debian-6.1.0-47");
	CHECK_STR(ks[9]->name, "debian-6.1.0-56");
	CHECK_STR(ks[9]->deb, "linux-image-6.1.0-56-amd64");
	free(ks);
	REQUIRE(kernel_list_resolve(cat, "debian-6.12.100..117,default,debian-6.1", &ks, &n, &err) == 0);
	CHECK_INT(n, 10);
	CHECK_STR(ks[2]->name, "debian-6.12.107");
	CHECK_STR(ks[6]->deb, "linux-image-6.12.117+deb12-amd64");
	CHECK_STR(ks[7]->name, "farm-6.1-prefix");
	CHECK_STR(ks[9]->name, "debian-6.1");
	free(ks);
	CHECK(kernel_list_resolve(cat, "farm-6.1,nosuch", &ks, &n, &err) != 0);
	CHECK_CONTAINS(err, "no kernel 'nosuch' in");
	free(err);
	err = NULL;
	CHECK(kernel_list_resolve(cat, "farm-6.1-prefix..5", &ks, &n, &err) != 0);
	CHECK_CONTAINS(err, "is not a kernel range");
	free(err);
	err = NULL;
	/* a one-off image: named after its file, booted as it is */
	const struct kernel_entry *k = kernel_catalogue_add_image(cat, "tests/kernels/good/full.conf", &err);
	CHECK(k == NULL);
	CHECK_CONTAINS(err, "is not an x86 bzImage");
	free(err);
	kernel_catalogue_free(cat);
}

/* tests/kernels/progress: what a dry run and a build log count, and the
 * progress line (share of the whole, time left) for each case of lines.txt. */
TEST(kernel_build_progress_counts_steps_and_estimates_time_left)
{
	char *dry = read_file("tests/kernels/progress/dry-run.txt", NULL);
	char *log = read_file("tests/kernels/progress/build.log", NULL);
	char *cases = read_file("tests/kernels/progress/lines.txt", NULL);
	REQUIRE(dry && log && cases);
	CHECK_INT(build_progress_planned(dry), 3);
	CHECK_INT(build_progress_done(log), 2);
	CHECK_INT(build_progress_planned(NULL), 0);
	CHECK_INT(build_progress_done(""), 0);
	int n = 0, line_no = 0;
	for (char *line = strtok(cases, "\n"); line; line = strtok(NULL, "\n")) {
		line_no++;
		if (line[0] == '#')
			continue;
		long done, planned;
		double elapsed;
		char *bar = strstr(line, " | ");
		if (!bar || sscanf(line, "%ld %ld %lf", &done, &planned, &elapsed) != 3) {
			test_fail(__FILE__, __LINE__, "lines.txt:%d: expected DONE PLANNED SECONDS | LINE", line_no);
			continue;
		}
		char *got = build_progress_line("k", done, planned, elapsed);
		if (strcmp(got, bar + 3) != 0)
			test_fail(__FILE__, __LINE__, "lines.txt:%d:\n  got      %s\n  expected %s", line_no, got, bar + 3);
		free(got);
		n++;
	}
	CHECK(n >= 8);
	free(dry);
	free(log);
	free(cases);
}
