/* runner/initramfs.c: builds the guest initramfs (see initramfs.h). The
 * archive has no kernel modules, no libc and no shell: the probe must be a
 * static executable, which is checked here rather than discovered as a
 * mysterious "boot-fail" in the guest. */
#include "runner/initramfs.h"
#include "common/cpio.h"
#include "common/fsutil.h"
#include "common/sha256.h"
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bump when the archive layout changes, so cached archives are rebuilt. */
#define INITRAMFS_FORMAT "topofarm-initramfs-2"

struct input {
	const char *what;      /* for messages */
	char *path;
	char *data;
	size_t len;
};

static void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char **err, const char *fmt, ...)
{
	if (!err)
		return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*err = buf_steal(&b);
}

/* An x86-64 ELF executable with no PT_INTERP: it needs no dynamic loader. */
static bool elf_is_static_x86_64(const char *data, size_t len)
{
	Elf64_Ehdr eh;
	if (len < sizeof eh)
		return false;
	memcpy(&eh, data, sizeof eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		return false;
	for (size_t i = 0; i < eh.e_phnum; i++) {
		uint64_t off = eh.e_phoff + i * sizeof(Elf64_Phdr);
		if (off > len || len - off < sizeof(Elf64_Phdr))
			return false;
		Elf64_Phdr ph;
		memcpy(&ph, data + off, sizeof ph);
		if (ph.p_type == PT_INTERP)
			return false;
	}
	return true;
}

static int load_input(struct input *in, const char *path, const char *what,
		      const char *hint, char **err)
{
	in->what = what;
	in->path = xstrdup(path);
	in->data = read_file(path, &in->len);
	if (!in->data) {
		set_err(err, "%s: cannot read %s: %s (%s)", what, path, strerror(errno), hint);
		return -1;
	}
	return 0;
}

static void free_input(struct input *in)
{
	free(in->path);
	free(in->data);
}

/* The probe is /probe and, through the /init link, PID 1 (runner/guest/init.c):
 * one executable, nothing else to unpack or exec before the plan runs. */
static void build_archive(struct buf *out, const struct input *probe)
{
	struct cpio c;
	cpio_init(&c, out);
	static const char *const dirs[] = { "dev", "proc", "sys", "tmp", "topofarm" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		cpio_add_dir(&c, dirs[i], 0755);
	/* The kernel opens /dev/console for init before devtmpfs exists. */
	cpio_add_chardev(&c, "dev/console", 0600, 5, 1);
	cpio_add_file(&c, "probe", 0755, probe->data, probe->len);
	cpio_add_symlink(&c, "init", "/probe");
	cpio_finish(&c);
}

/* Each probe rebuild makes a new base archive (~3 MB); drop the ones nobody
 * has used for a week, so the cache does not grow without bound. A run
 * still booting an old archive is unaffected: it holds its own copy. */
static void prune_old_archives(const char *dir, const char *keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	time_t cutoff = time(NULL) - 7 * 24 * 3600;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".cpio"))
			continue;
		char *path = path_join(dir, e->d_name);
		struct stat st;
		if (strcmp(path, keep) && stat(path, &st) == 0 && st.st_mtime < cutoff)
			unlink(path);
		free(path);
	}
	closedir(d);
}

static void hash_part(struct sha256 *h, const char *tag, const void *data, size_t len)
{
	char head[64];
	int n = snprintf(head, sizeof head, "%s:%zu:", tag, len);
	sha256_update(h, head, (size_t)n);
	sha256_update(h, data, len);
}

char *initramfs_base(const struct initramfs_inputs *given, char **err)
{
	struct initramfs_inputs in = given ? *given : (struct initramfs_inputs){ 0 };
	char *probe_default = path_join(repo_home(), "build/guest/probe");
	struct input probe = { 0 };
	struct buf archive = BUF_INIT;
	char *result = NULL;

	if (load_input(&probe, in.probe ? in.probe : probe_default, "guest probe",
		       "build it with `make probe`", err))
		goto out;
	if (!elf_is_static_x86_64(probe.data, probe.len)) {
		set_err(err, "guest probe: %s is not a static x86-64 executable (rebuild with `make probe`)",
			probe.path);
		goto out;
	}

	struct sha256 h;
	char hex[65];
	sha256_init(&h);
	hash_part(&h, INITRAMFS_FORMAT, "", 0);
	hash_part(&h, "probe", probe.data, probe.len);
	sha256_final_hex(&h, hex);

	char *dir = path_join(cache_dir(), "initramfs");
	char *name = xasprintf("%.16s.cpio", hex);
	char *path = path_join(dir, name);
	free(name);
	if (path_exists(path)) {
		utimensat(AT_FDCWD, path, NULL, 0);   /* "last used", for pruning */
		result = path;
	} else if (mkdir_p(dir, 0755) != 0) {
		set_err(err, "cannot create %s: %s", dir, strerror(errno));
		free(path);
	} else {
		build_archive(&archive, &probe);
		if (write_file(path, archive.s, archive.len) != 0) {
			set_err(err, "cannot write %s: %s", path, strerror(errno));
			free(path);
		} else {
			result = path;
			prune_old_archives(dir, path);
		}
	}
	free(dir);
out:
	free_input(&probe);
	buf_free(&archive);
	free(probe_default);
	return result;
}

void initramfs_plan_cpio(struct buf *out, const char *plan_text)
{
	struct cpio c;
	cpio_init(&c, out);
	cpio_add_dir(&c, "topofarm", 0755);
	cpio_add_file(&c, "topofarm/plan", 0644, plan_text, strlen(plan_text));
	cpio_finish(&c);
}

static void pad_to_4(struct buf *b)
{
	static const char zeros[4];
	if (b->len & 3)
		buf_add(b, zeros, 4 - (b->len & 3));
}

int initramfs_write_run(const char *out_path, const void *prefix, size_t prefix_len,
			const char *base_path, const char *plan_text, char **err)
{
	struct buf all = BUF_INIT;
	if (prefix && prefix_len) {
		buf_add(&all, prefix, prefix_len);
		pad_to_4(&all);
	}
	size_t base_len;
	char *base = read_file(base_path, &base_len);
	if (!base) {
		set_err(err, "cannot read the base initramfs %s: %s", base_path, strerror(errno));
		buf_free(&all);
		return -1;
	}
	buf_add(&all, base, base_len);
	free(base);
	if (plan_text)
		initramfs_plan_cpio(&all, plan_text);   /* cpio_init aligns it */
	int rc = write_file(out_path, all.s, all.len);
	if (rc != 0)
		set_err(err, "cannot write %s: %s", out_path, strerror(errno));
	buf_free(&all);
	return rc;
}
