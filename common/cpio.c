/* common/cpio.c: the newc cpio writer and reader (see cpio.h). The layout of
 * one entry: a 110-byte ASCII header ("070701" + 13 eight-digit hex fields),
 * the NUL-terminated name, zero padding to a 4-byte boundary, the data, and
 * zero padding to a 4-byte boundary again. Offsets are counted from the start
 * of the buffer, which is what the kernel checks for concatenated archives. */
#include "common/cpio.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CPIO_HEADER_LEN 110
/* The kernel skips names longer than PATH_MAX (including the NUL). */
#define CPIO_NAME_MAX 4095

static void pad4(struct buf *b)
{
	static const char zeros[4];
	if (b->len & 3)
		buf_add(b, zeros, 4 - (b->len & 3));
}

void cpio_init(struct cpio *c, struct buf *out)
{
	c->out = out;
	c->next_ino = 1;
	c->finished = false;
	/* A later archive in the same buffer must start aligned. */
	pad4(out);
}

static const char *relative_name(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

struct entry_spec {
	const char *name;
	uint32_t mode;
	uint32_t nlink;
	uint32_t rmajor, rminor;
	const void *data;
	size_t size;
};

static int add_entry(struct cpio *c, const struct entry_spec *e)
{
	if (c->finished) {
		errno = EALREADY;
		return -1;
	}
	size_t namelen = strlen(e->name);
	if (namelen == 0 || namelen > CPIO_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)e->size > UINT32_MAX) {
		errno = EFBIG;
		return -1;
	}
	/* The trailer has ino 0; real entries count up from 1. */
	uint32_t ino = strcmp(e->name, "TRAILER!!!") ? c->next_ino++ : 0;
	char hdr[CPIO_HEADER_LEN + 1];
	snprintf(hdr, sizeof hdr,
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, e->mode, 0u, 0u, e->nlink, 0u, (uint32_t)e->size,
		 0u, 0u, e->rmajor, e->rminor, (uint32_t)namelen + 1, 0u);
	buf_add(c->out, hdr, CPIO_HEADER_LEN);
	buf_add(c->out, e->name, namelen + 1);
	pad4(c->out);
	if (e->size)
		buf_add(c->out, e->data, e->size);
	pad4(c->out);
	return 0;
}

int cpio_add_dir(struct cpio *c, const char *path, unsigned mode)
{
	struct entry_spec e = { relative_name(path), S_IFDIR | (mode & 07777), 2, 0, 0, NULL, 0 };
	return add_entry(c, &e);
}

int cpio_add_file(struct cpio *c, const char *path, unsigned mode,
		  const void *data, size_t len)
{
	struct entry_spec e = { relative_name(path), S_IFREG | (mode & 07777), 1, 0, 0, data, len };
	return add_entry(c, &e);
}

int cpio_add_symlink(struct cpio *c, const char *path, const char *target)
{
	size_t n = strlen(target);
	if (n == 0 || n > CPIO_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	struct entry_spec e = { relative_name(path), S_IFLNK | 0777, 1, 0, 0, target, n };
	return add_entry(c, &e);
}

int cpio_add_chardev(struct cpio *c, const char *path, unsigned mode,
		     unsigned major, unsigned minor)
{
	struct entry_spec e = { relative_name(path), S_IFCHR | (mode & 07777), 1,
				major, minor, NULL, 0 };
	return add_entry(c, &e);
}

void cpio_finish(struct cpio *c)
{
	if (c->finished)
		return;
	struct entry_spec e = { "TRAILER!!!", 0, 1, 0, 0, NULL, 0 };
	add_entry(c, &e);
	c->finished = true;
}

/* ---- reading ---- */

static int parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		int d;
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static size_t align4(size_t off)
{
	return (off + 3) & ~(size_t)3;
}

static int walk_error(char *err, size_t errlen, size_t off, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "offset %zu: %s", off, what);
	return -1;
}

/* Field order after the magic: ino mode uid gid nlink mtime filesize
 * devmajor devminor rdevmajor rdevminor namesize check. */
enum { F_MODE = 1, F_FILESIZE = 6, F_RMAJOR = 9, F_RMINOR = 10, F_NAMESIZE = 11, F_COUNT = 13 };

int cpio_walk(const void *data, size_t len,
	      int (*fn)(const struct cpio_entry *e, void *ctx), void *ctx,
	      char *err, size_t errlen)
{
	const uint8_t *p = data;
	size_t off = 0, archive = 0;
	bool in_archive = false;

	while (off < len) {
		if (!in_archive) {
			/* Between archives: zeros are skipped; a header must be aligned. */
			if (p[off] == 0) {
				off++;
				continue;
			}
			if (off & 3)
				return walk_error(err, errlen, off, "archive does not start 4-byte aligned");
			in_archive = true;
		}
		if (len - off < CPIO_HEADER_LEN)
			return walk_error(err, errlen, off, "truncated header");
		if (memcmp(p + off, "070701", 6) && memcmp(p + off, "070702", 6))
			return walk_error(err, errlen, off, "bad magic (not a newc cpio header)");
		uint32_t f[F_COUNT];
		for (int i = 0; i < F_COUNT; i++)
			if (parse_hex8(p + off + 6 + 8 * i, &f[i]))
				return walk_error(err, errlen, off, "header field is not hex");
		size_t name_off = off + CPIO_HEADER_LEN;
		if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > len - name_off)
			return walk_error(err, errlen, off, "name runs past the end");
		const char *name = (const char *)p + name_off;
		if (name[f[F_NAMESIZE] - 1] != 0)
			return walk_error(err, errlen, off, "name is not NUL-terminated");
		size_t data_off = align4(name_off + f[F_NAMESIZE]);
		if (data_off > len || f[F_FILESIZE] > len - data_off)
			return walk_error(err, errlen, off, "data runs past the end");
		size_t next = align4(data_off + f[F_FILESIZE]);
		if (!strcmp(name, "TRAILER!!!")) {
			in_archive = false;
			archive++;
		} else {
			struct cpio_entry e = { name, f[F_MODE], f[F_RMAJOR], f[F_RMINOR],
						p + data_off, f[F_FILESIZE], archive };
			int r = fn(&e, ctx);
			if (r)
				return r;
		}
		off = next > len ? len : next;
	}
	if (in_archive)
		return walk_error(err, errlen, off, "archive has no TRAILER!!!");
	return 0;
}
