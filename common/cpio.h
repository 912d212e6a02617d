/* common/cpio.h: an uncompressed "newc" (SVR4, magic 070701) cpio writer and
 * a matching reader. The Linux kernel reads exactly this format for the
 * initramfs and for the ACPI table-override archive; it also accepts several
 * archives glued together as long as each one starts 4-byte aligned (zero
 * bytes between them are skipped in 4-byte steps). Every archive written
 * here is a multiple of 4 bytes long, so plain concatenation is always safe.
 *
 * Entries carry uid/gid 0 and mtime 0 so the same inputs always give the same
 * bytes (archives are cached by content hash). Names are stored relative
 * ("bin/sh", not "/bin/sh"): a leading '/' is dropped, as GNU cpio and the
 * kernel expect. */
#ifndef COMMON_CPIO_H
#define COMMON_CPIO_H
#include "common/buf.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpio {
	struct buf *out;      /* the archive is appended here */
	uint32_t next_ino;    /* inode numbers, unique within one archive */
	bool finished;
};

/* Starts an archive appended to out (which may already hold earlier,
 * finished archives: the new one starts at a 4-byte boundary). */
void cpio_init(struct cpio *c, struct buf *out);

/* Each returns 0, or -1 with errno EINVAL (empty or over-long name, bad
 * target), EFBIG (data over 4 GiB), or EALREADY (archive finished).
 * mode: permission bits (07777); any file-type bits in it are ignored. */
int cpio_add_dir(struct cpio *c, const char *path, unsigned mode);
int cpio_add_file(struct cpio *c, const char *path, unsigned mode,
		  const void *data, size_t len);
int cpio_add_symlink(struct cpio *c, const char *path, const char *target);
/* A character device node, e.g. dev/console 5:1: the kernel opens
 * /dev/console for init before any devtmpfs is mounted. */
int cpio_add_chardev(struct cpio *c, const char *path, unsigned mode,
		     unsigned major, unsigned minor);
/* Writes the TRAILER!!! entry. The archive length is then a multiple of 4. */
void cpio_finish(struct cpio *c);

/* Reading: one entry of an archive (pointers into the caller's bytes). */
struct cpio_entry {
	const char *name;     /* NUL-terminated inside the archive */
	uint32_t mode;        /* type and permission bits (S_IFREG | 0755 ...) */
	uint32_t rdev_major, rdev_minor;
	const uint8_t *data;  /* file contents or symlink target (not NUL-terminated) */
	size_t size;
	size_t archive;       /* 0 for the first archive of a concatenation, ... */
};

/* Walks every entry of one archive or several concatenated ones, skipping
 * the TRAILER!!! entries and the zero padding between archives the way the
 * kernel does. Calls fn for each entry; a non-zero return from fn stops the
 * walk and is returned. Returns 0 at a clean end, -1 on a malformed archive
 * (with a message in err, if err is not NULL). */
int cpio_walk(const void *data, size_t len,
	      int (*fn)(const struct cpio_entry *e, void *ctx), void *ctx,
	      char *err, size_t errlen);

#endif
