/* runner/kernel_fetch.c: Debian binary kernels. `apt-get download` puts the
 * linux-image .deb in cache_dir()/debs/, `dpkg-deb -x` unpacks it into
 * cache_dir()/kernels/NAME-VERSION/ (nothing is installed into /boot), and
 * kernels/NAME.current records the exact package version and image.
 * `kernels fetch --symbols` adds the matching -dbg package's vmlinux as
 * kernels/NAME-VERSION/vmlinux (only that file is kept: the package unpacks
 * to ~5 GiB of module debug info nobody here reads). */
#include "runner/kernels.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The newest file in DIR whose name starts with PREFIX and ends with SUFFIX. */
static char *newest_match(const char *dir, const char *prefix, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *best = NULL;
	time_t best_mtime = 0;
	size_t plen = strlen(prefix), slen = strlen(suffix);
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < plen + slen || strncmp(e->d_name, prefix, plen) != 0 ||
		    strcmp(e->d_name + n - slen, suffix) != 0)
			continue;
		char *path = path_join(dir, e->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (!best || st.st_mtime > best_mtime)) {
			free(best);
			best = path;
			best_mtime = st.st_mtime;
		} else
			free(path);
	}
	closedir(d);
	return best;
}

static int apt_get(char *const argv[], const char *cwd, char **out)
{
	struct proc_opts o = { .cwd = cwd, .capture = true, .timeout = 900 };
	struct proc_result r = { 0 };
	int rc = proc_run(argv, &o, &r);
	if (rc != 0 && r.not_found)
		*out = xasprintf("%s not found", argv[0]);
	else
		*out = kernel_output_tail(r.out, 6);
	proc_result_free(&r);
	return rc;
}

/* Downloads PKG into debs/ through a private directory, so the new file is
 * known by construction and a half-downloaded .deb is never picked up. */
static char *download_deb(const struct kernel_entry *k, const char *pkg, const char *debs, bool verbose, char **err)
{
	char *tmp = xasprintf("%s/.download-%d", debs, (int)getpid());
	remove_tree(tmp);
	mkdir_p(tmp, 0755);
	char *download[] = { "apt-get", "download", "-q", (char *)pkg, NULL };
	char *out = NULL;
	if (verbose)
		fprintf(stderr, "%s: downloading %s (apt-get download)\n", k->name, pkg);
	int rc = apt_get(download, tmp, &out);
	if (rc != 0) {
		/* The usual cause is stale package lists naming a version the
		 * archive no longer has: refresh them once and try again. */
		free(out);
		if (geteuid() != 0) {
			*err = xasprintf("apt-get download %s failed; the package lists may be stale: "
					 "run `apt-get update` as root and retry", pkg);
			remove_tree(tmp);
			free(tmp);
			return NULL;
		}
		if (verbose)
			fprintf(stderr, "%s: apt-get download failed; running apt-get update and retrying\n", k->name);
		char *update[] = { "apt-get", "update", "-q", NULL };
		apt_get(update, NULL, &out);
		free(out);
		rc = apt_get(download, tmp, &out);
	}
	char *found = rc == 0 ? newest_match(tmp, "", ".deb") : NULL;
	char *final = NULL;
	if (!found)
		*err = xasprintf("apt-get download %s failed:\n%s", pkg, out ? out : "");
	else {
		final = path_join(debs, strrchr(found, '/') + 1);
		if (rename(found, final) != 0) {
			*err = xasprintf("cannot move %s to %s", found, final);
			free(final);
			final = NULL;
		}
	}
	free(out);
	free(found);
	remove_tree(tmp);
	free(tmp);
	return final;
}

static char *deb_field(const char *deb, const char *field)
{
	char *argv[] = { "dpkg-deb", "-f", (char *)deb, (char *)field, NULL };
	struct proc_opts o = { .capture = true, .timeout = 120 };
	struct proc_result r = { 0 };
	char *value = NULL;
	if (proc_run(argv, &o, &r) == 0 && r.out && *r.out)
		value = xstrndup(r.out, strcspn(r.out, "\n"));
	proc_result_free(&r);
	return value;
}

/* "1:6.1.192-1~bpo" -> "1_6.1.192-1~bpo": safe as a directory name part. */
static char *version_for_path(const char *version)
{
	char *s = xstrdup(version);
	for (char *p = s; *p; p++)
		if (*p == ':' || *p == '/')
			*p = '_';
	return s;
}

/* Unpacks DEB into kernels/NAME-VERSION/ (via a temporary directory and a
 * rename) and writes the record. */
static int unpack_deb(const struct kernel_entry *k, const char *deb, bool verbose, char **err)
{
	char *version = deb_field(deb, "Version");
	if (!version) {
		*err = xasprintf("%s: not a readable Debian package (dpkg-deb -f failed)", deb);
		return -1;
	}
	char *vpath = version_for_path(version);
	char *kernels = xasprintf("%s/kernels", cache_dir());
	char *dir_name = xasprintf("%s-%s", kernel_cache_name(k), vpath);
	char *dest = path_join(kernels, dir_name);
	char *tmp = xasprintf("%s/.%s.tmp-%d", kernels, dir_name, (int)getpid());
	char *boot = path_join(tmp, "boot");
	char *vmlinuz = NULL, *info = NULL, *record = NULL, *text = NULL;
	int rc = -1;
	mkdir_p(kernels, 0755);
	remove_tree(tmp);
	if (verbose)
		fprintf(stderr, "%s: unpacking %s %s (dpkg-deb -x)\n", k->name, k->deb, version);
	char *argv[] = { "dpkg-deb", "-x", (char *)deb, tmp, NULL };
	struct proc_opts o = { .capture = true, .timeout = 600 };
	struct proc_result r = { 0 };
	if (proc_run(argv, &o, &r) != 0) {
		char *tail = kernel_output_tail(r.out, 6);
		*err = xasprintf("dpkg-deb -x %s failed:\n%s", deb, tail);
		free(tail);
		goto out;
	}
	vmlinuz = newest_match(boot, "vmlinuz-", "");
	if (!vmlinuz) {
		*err = xasprintf("%s holds no boot/vmlinuz-*: is %s a kernel image package?", deb, k->deb);
		goto out;
	}
	const char *release = strrchr(vmlinuz, '/') + strlen("/vmlinuz-");
	text = xasprintf("name=%s\nkind=deb\npackage=%s\nversion=%s\nrelease=%s\ndeb=%s\n"
			 "image=%s/boot/vmlinuz-%s\n",
			 kernel_cache_name(k), k->deb, version, release, deb, dir_name, release);
	info = path_join(tmp, "kernel.txt");
	write_file_str(info, text);
	remove_tree(dest);
	if (rename(tmp, dest) != 0) {
		*err = xasprintf("cannot rename %s to %s", tmp, dest);
		goto out;
	}
	record = kernel_record_path(kernel_cache_name(k));
	if (write_file_str(record, text) != 0) {
		*err = xasprintf("cannot write %s", record);
		goto out;
	}
	rc = 0;
out:
	proc_result_free(&r);
	remove_tree(tmp);
	free(version);
	free(vpath);
	free(kernels);
	free(dir_name);
	free(dest);
	free(tmp);
	free(boot);
	free(vmlinuz);
	free(info);
	free(record);
	free(text);
	return rc;
}

int kernel_fetch_deb(const struct kernel_entry *k, bool verbose, char **err)
{
	double t0 = now_seconds();
	char *debs = xasprintf("%s/debs", cache_dir());
	char *lock = path_join(debs, ".lock");
	int fd = kernel_lock(lock, "the Debian package cache", verbose, false);
	char *deb = NULL;
	int rc = -1;
	if (fd < 0) {
		*err = xasprintf("cannot lock %s", lock);
		goto out;
	}
	/* Another process may have fetched it while we waited for the lock. */
	char *image = kernel_image_path(k);
	if (image) {
		free(image);
		rc = 0;
		goto out;
	}
	char *prefix = xasprintf("%s_", k->deb);
	deb = newest_match(debs, prefix, ".deb");
	free(prefix);
	if (deb && verbose)
		fprintf(stderr, "%s: using the downloaded %s\n", k->name, deb);
	if (!deb)
		deb = download_deb(k, k->deb, debs, verbose, err);
	if (deb)
		rc = unpack_deb(k, deb, verbose, err);
	if (rc == 0 && verbose) {
		image = kernel_image_path(k);
		fprintf(stderr, "%s: ready: %s (%.1f s)\n", k->name, image ? image : "?", now_seconds() - t0);
		free(image);
	}
out:
	if (fd >= 0)
		close(fd);
	free(deb);
	free(lock);
	free(debs);
	return rc;
}

/* Runs argv (no shell) in cwd; on failure *err = "WHAT failed: tail". */
static int run_tool(char *const argv[], const char *cwd, const char *what, char **err)
{
	struct proc_opts o = { .cwd = cwd, .capture = true, .timeout = 1800 };
	struct proc_result r = { 0 };
	int rc = proc_run(argv, &o, &r);
	if (rc != 0) {
		char *tail = r.not_found ? xasprintf("%s not found", argv[0]) : kernel_output_tail(r.out, 6);
		*err = xasprintf("%s failed:\n%s", what, tail);
		free(tail);
	}
	proc_result_free(&r);
	return rc;
}

/* The data member of a .deb ("data.tar.xz"), from `ar t`. */
static char *deb_data_member(const char *deb, char **err)
{
	char *argv[] = { "ar", "t", (char *)deb, NULL };
	struct proc_opts o = { .capture = true, .timeout = 120 };
	struct proc_result r = { 0 };
	char *member = NULL;
	if (proc_run(argv, &o, &r) == 0 && r.out)
		for (char *l = r.out, *nl; l && *l; l = nl) {
			nl = strchr(l, '\n');
			if (nl)
				*nl++ = 0;
			if (!strncmp(l, "data.tar", 8) && !strchr(l, '/')) {
				member = xstrdup(l);
				break;
			}
		}
	if (!member)
		*err = xasprintf("%s: no data.tar member (ar t failed or not a .deb)", deb);
	proc_result_free(&r);
	return member;
}

int kernel_fetch_symbols(const struct kernel_entry *k, bool verbose, char **err)
{
	if (k->kind != KERNEL_DEB) {
		*err = xasprintf("kernel '%s': --symbols fetches Debian -dbg packages; %s", k->name,
				 k->kind == KERNEL_IMAGE ? "give an image= kernel its vmlinux= instead"
							 : "a built kernel keeps its vmlinux when its config has DEBUG_INFO");
		return -1;
	}
	char *have = kernel_vmlinux_path(k);
	if (have) {
		if (verbose)
			fprintf(stderr, "%s: symbols ready: %s\n", k->name, have);
		free(have);
		return 0;
	}
	double t0 = now_seconds();
	char *record = kernel_record_path(kernel_cache_name(k));
	char *version = kernel_record_get(record, "version");
	char *release = kernel_record_get(record, "release");
	char *image = kernel_image_path(k);
	char *debs = xasprintf("%s/debs", cache_dir());
	char *lock = path_join(debs, ".lock");
	char *pkg = xasprintf("%s-dbg", k->deb), *pkg_ver = NULL, *prefix = NULL, *deb = NULL;
	char *tmp = NULL, *member = NULL, *inner = NULL, *from = NULL, *to = NULL;
	int rc = -1, fd = -1;
	if (!version || !release || !image) {
		*err = xasprintf("kernel '%s' is not fetched: run `topofarm kernels fetch %s` first", k->name, k->name);
		goto out;
	}
	mkdir_p(debs, 0755);
	fd = kernel_lock(lock, "the Debian package cache", verbose, false);
	if (fd < 0) {
		*err = xasprintf("cannot lock %s", lock);
		goto out;
	}
	/* The -dbg package of exactly the image's version. */
	pkg_ver = xasprintf("%s=%s", pkg, version);
	prefix = xasprintf("%s_", pkg);
	deb = newest_match(debs, prefix, ".deb");
	if (!deb)
		deb = download_deb(k, pkg_ver, debs, verbose, err);
	if (!deb)
		goto out;
	member = deb_data_member(deb, err);
	if (!member)
		goto out;
	tmp = xasprintf("%s/.symbols-%d", debs, (int)getpid());
	remove_tree(tmp);
	mkdir_p(tmp, 0755);
	if (verbose)
		fprintf(stderr, "%s: extracting vmlinux-%s from %s\n", k->name, release, deb);
	char *ar[] = { "ar", "x", (char *)deb, member, NULL };
	if (run_tool(ar, tmp, "ar x", err) != 0)
		goto out;
	inner = xasprintf("./usr/lib/debug/boot/vmlinux-%s", release);
	char *tar[] = { "tar", "-x", "-f", member, inner, NULL };
	if (run_tool(tar, tmp, "tar -x (the -dbg package's vmlinux)", err) != 0)
		goto out;
	from = path_join(tmp, inner + 2);
	char *kdir = xstrndup(image, (size_t)(strstr(image, "/boot/") - image));
	to = path_join(kdir, "vmlinux");
	free(kdir);
	if (rename(from, to) != 0) {
		*err = xasprintf("cannot move %s to %s", from, to);
		goto out;
	}
	unlink(deb);    /* ~1 GB; fetched again if ever needed */
	if (verbose)
		fprintf(stderr, "%s: symbols ready: %s (%.0f s)\n", k->name, to, now_seconds() - t0);
	rc = 0;
out:
	if (tmp)
		remove_tree(tmp);
	if (fd >= 0)
		close(fd);
	free(record), free(version), free(release), free(image), free(debs), free(lock);
	free(pkg), free(pkg_ver), free(prefix), free(deb), free(tmp), free(member), free(inner);
	free(from), free(to);
	return rc;
}
