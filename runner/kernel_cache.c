/* runner/kernel_cache.c: what the kernel cache holds and where: build keys,
 * the per-kernel record files, the image path and version of a cached
 * kernel, and kernel_ensure(), which fetches or builds what is missing.
 * The layout is described in runner/kernels.h. */
#include "runner/kernels.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "common/sha256.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Bump when the build recipe (defconfig base, make flags, what is copied
 * out of the tree) changes, so old builds stop counting as cached. */
#define BUILD_RECIPE "topofarm kernel build recipe 1"

static void hex16(struct sha256 *s, char out[17])
{
	char full[65];
	sha256_final_hex(s, full);
	memcpy(out, full, 16);
	out[16] = 0;
}

void kernel_compute_keys(const char *source_pkg, const char *source_version,
			 const char *config_text, const char *const *patch_texts, size_t n_patches,
			 char tree_key[17], char key[17])
{
	char config_hash[65];
	sha256_hex(config_text, strlen(config_text), config_hash);
	char *tree_text = xasprintf("%s\nsource %s %s\nconfig %s\n", BUILD_RECIPE,
				    source_pkg, source_version, config_hash);
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, tree_text, strlen(tree_text));
	hex16(&s, tree_key);

	/* Patches are keyed by content and order, not by file name. */
	sha256_init(&s);
	sha256_update(&s, tree_text, strlen(tree_text));
	for (size_t i = 0; i < n_patches; i++) {
		char patch_hash[65];
		sha256_hex(patch_texts[i], strlen(patch_texts[i]), patch_hash);
		char *line = xasprintf("patch %s\n", patch_hash);
		sha256_update(&s, line, strlen(line));
		free(line);
	}
	hex16(&s, key);
	free(tree_text);
}

char *kernel_build_tree_path(const char *tree_key)
{
	return xasprintf("%s/build/%s/linux", cache_dir(), tree_key);
}

char *kernel_record_path(const char *name)
{
	return xasprintf("%s/kernels/%s.current", cache_dir(), name);
}

char *kernel_record_get(const char *record_path, const char *key)
{
	char *text = read_file(record_path, NULL);
	if (!text)
		return NULL;
	size_t klen = strlen(key);
	char *value = NULL;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (!strncmp(line, key, klen) && line[klen] == '=') {
			const char *v = line + klen + 1;
			value = nl ? xstrndup(v, (size_t)(nl - v)) : xstrdup(v);
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return value;
}

char *kernel_installed_version(const char *pkg)
{
	char *argv[] = { "dpkg-query", "-W", "-f", "${db:Status-Status}\t${Version}", (char *)pkg, NULL };
	struct proc_opts o = { .capture = true, .timeout = 60 };
	struct proc_result r = { 0 };
	char *version = NULL;
	if (proc_run(argv, &o, &r) == 0 && r.out && !strncmp(r.out, "installed\t", 10)) {
		const char *v = r.out + 10;
		version = xstrndup(v, strcspn(v, "\n"));
	}
	proc_result_free(&r);
	return version;
}

/* Where the image of a source kernel with this key lives. */
static char *built_dir(const struct kernel_entry *k, const char *key)
{
	return xasprintf("%s/kernels/%s-%s", cache_dir(), kernel_cache_name(k), key);
}

/* A Debian kernel counts as fetched when its record names the package the
 * catalogue asks for now and the unpacked image is still there. */
static char *deb_image_path(const struct kernel_entry *k)
{
	char *record = kernel_record_path(kernel_cache_name(k));
	char *pkg = kernel_record_get(record, "package");
	char *image = kernel_record_get(record, "image");
	char *path = NULL;
	if (pkg && image && !strcmp(pkg, k->deb)) {
		path = xasprintf("%s/kernels/%s", cache_dir(), image);
		if (!path_exists(path)) {
			free(path);
			path = NULL;
		}
	}
	free(record);
	free(pkg);
	free(image);
	return path;
}

char *kernel_image_path(const struct kernel_entry *k)
{
	if (k->kind == KERNEL_DEB)
		return deb_image_path(k);
	if (k->kind == KERNEL_IMAGE)
		return path_exists(k->image) ? xstrdup(k->image) : NULL;
	char tree_key[17], key[17];
	if (kernel_build_keys(k, tree_key, key, NULL) != 0)
		return NULL;
	char *dir = built_dir(k, key);
	char *path = path_join(dir, "bzImage");
	free(dir);
	if (!path_exists(path)) {
		free(path);
		return NULL;
	}
	return path;
}

char *kernel_vmlinux_path(const struct kernel_entry *k)
{
	if (k->kind == KERNEL_IMAGE)
		return k->vmlinux && path_exists(k->vmlinux) ? xstrdup(k->vmlinux) : NULL;
	char *image = kernel_image_path(k);
	if (!image)
		return NULL;
	/* the kernel's cache directory: Debian images sit in its boot/ */
	char *cut = k->kind == KERNEL_DEB ? strstr(image, "/boot/") : strrchr(image, '/');
	char *path = cut ? xasprintf("%.*s/vmlinux", (int)(cut - image), image) : NULL;
	free(image);
	if (path && !path_exists(path)) {
		free(path);
		path = NULL;
	}
	return path;
}

char *kernel_cached_version(const struct kernel_entry *k)
{
	char *image = kernel_image_path(k);
	if (!image)
		return NULL;
	char *version;
	if (k->kind == KERNEL_IMAGE) {
		/* "6.1.192 (user@host) #1 SMP ..." -> "6.1.192" */
		version = kernel_image_version(image);
		if (version)
			version[strcspn(version, " ")] = 0;
	} else if (k->kind == KERNEL_DEB) {
		char *record = kernel_record_path(kernel_cache_name(k));
		version = kernel_record_get(record, "version");
		free(record);
	} else {
		char *info = xasprintf("%.*s/kernel.txt", (int)(strrchr(image, '/') - image), image);
		version = kernel_record_get(info, "release");
		free(info);
	}
	free(image);
	return version;
}

char *kernel_image_version(const char *image_path)
{
	size_t len = 0;
	unsigned char *img = (unsigned char *)read_file(image_path, &len);
	if (!img)
		return NULL;
	char *version = NULL;
	/* Boot protocol >= 2.00: "HdrS" at 0x202; kernel_version (u16, little
	 * endian) at 0x20e points to the string, counted from 0x200. */
	if (len > 0x210 && !memcmp(img + 0x202, "HdrS", 4)) {
		size_t at = 0x200 + (size_t)(img[0x20e] | img[0x20f] << 8);
		size_t n = 0;
		while (at + n < len && n < 512 && img[at + n] >= 0x20 && img[at + n] < 0x7f)
			n++;
		if (n > 0 && at + n < len)
			version = xstrndup((const char *)img + at, n);
	}
	free(img);
	return version;
}

int kernel_ensure(const struct kernel_entry *k, bool verbose, char **err)
{
	char *image = kernel_image_path(k);
	if (image) {
		if (verbose)
			fprintf(stderr, "%s: cached: %s\n", k->name, image);
		free(image);
		return 0;
	}
	if (k->kind == KERNEL_DEB)
		return kernel_fetch_deb(k, verbose, err);
	if (k->kind == KERNEL_IMAGE) {
		*err = xasprintf("%s does not exist: kernel '%s' is an image topofarm does not build", k->image, k->name);
		return -1;
	}
	return kernel_build_source(k, verbose, err);
}

int kernel_lock(const char *lock_path, const char *what, bool verbose, bool inherit)
{
	char *dir = xstrdup(lock_path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		mkdir_p(dir, 0755);
	}
	free(dir);
	int fd = open(lock_path, O_RDWR | O_CREAT | (inherit ? 0 : O_CLOEXEC), 0644);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (verbose)
		fprintf(stderr, "waiting for another topofarm process using %s (%s)\n", what, lock_path);
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

char *kernel_output_tail(const char *out, int lines)
{
	if (!out)
		return xstrdup("");
	size_t len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		len--;
	size_t start = len;
	int seen = 0;
	while (start > 0) {
		if (out[start - 1] == '\n' && ++seen == lines)
			break;
		start--;
	}
	return xstrndup(out + start, len - start);
}
