/* runner/initramfs.h: the guest initramfs. The base archive (the static
 * probe as /probe and, through the /init link, PID 1; a /dev/console node;
 * the empty directories init mounts on) depends only on the probe, so it is
 * built once and cached as cache_dir()/initramfs/<sha256 of the input>.cpio.
 * Each run then gets a tiny second archive holding /topofarm/plan,
 * concatenated after the base (the kernel unpacks concatenated archives in
 * order), and optionally an ACPI table-override archive concatenated BEFORE
 * it (the kernel looks for kernel/firmware/acpi/ only in the first,
 * uncompressed part). */
#ifndef RUNNER_INITRAMFS_H
#define RUNNER_INITRAMFS_H
#include "common/buf.h"
#include <stddef.h>

struct initramfs_inputs {
	const char *probe;     /* NULL: <repo_home>/build/guest/probe (make probe) */
};

/* Returns the path of the cached base archive (caller frees), building it if
 * needed; NULL on failure with *err naming the missing or unusable probe
 * (caller frees). in may be NULL for all defaults. */
char *initramfs_base(const struct initramfs_inputs *in, char **err);

/* Appends the per-run archive holding topofarm/plan (mode 0644) to out. */
void initramfs_plan_cpio(struct buf *out, const char *plan_text);

/* Writes the initrd a run boots: prefix (an ACPI override archive, may be
 * NULL/0), then the base archive at base_path, then the plan archive (if
 * plan_text is not NULL). Each part starts 4-byte aligned. Returns 0, or -1
 * with *err saying what failed (caller frees). */
int initramfs_write_run(const char *out_path, const void *prefix, size_t prefix_len,
			const char *base_path, const char *plan_text, char **err);

#endif
