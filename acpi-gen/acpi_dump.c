/* acpi-gen/acpi_dump.c: QEMU's real ACPI tables, read back from guest RAM
 * (see acpi_dump.h). QEMU runs with no OS and its monitor on stdin, a FIFO:
 * a helper thread waits until SeaBIOS says it found nothing to boot (the
 * tables are installed by then), then asks the monitor to pmemsave the BIOS
 * area and the top of low RAM, and to quit. */
#include "acpi-gen/acpi_dump.h"
#include "acpi-gen/acpi_table.h"
#include "acpi-gen/layout.h"
#include "acpi-gen/qemu_args.h"
#include "common/strv.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FSEG_BASE 0xe0000u
#define FSEG_LEN 0x20000u
#define HI_WINDOW (4u << 20)   /* SeaBIOS's high zone sits in the top of low RAM */

/* The topology's own QEMU arguments (acpi-gen/qemu_args.c, the single source
 * of truth) minus the guest kernel, its console and the disabled monitor. */
static int dump_args(const struct topology *t, struct strv *out, char **err)
{
	static const char *const drop[] = { "-kernel", "-initrd", "-append", "-serial", "-monitor" };
	struct strv full = { 0, 0, 0 };
	if (qemu_args_build(t, NULL, &full, err))
		return -1;
	memset(out, 0, sizeof *out);
	for (int i = 0; i < full.n; i++) {
		bool skip = false;
		for (size_t k = 0; k < sizeof drop / sizeof drop[0]; k++)
			skip |= !strcmp(full.v[i], drop[k]);
		if (skip && i + 1 < full.n)
			i++;
		else
			strv_add(out, full.v[i]);
	}
	strv_free(&full);
	return 0;
}

/* The monitor conversation, run beside QEMU. */
struct talk {
	char *fifo, *log, *fseg, *hi;
	uint64_t hi_base, hi_len;
	double timeout;
	bool ready;                   /* SeaBIOS got as far as the boot attempt */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool bios_done(const char *log)
{
	size_t len;
	char *s = read_file(log, &len);
	bool done = s && (strstr(s, "No bootable device") || strstr(s, "Boot failed"));
	free(s);
	return done;
}

static void *talk_thread(void *p)
{
	struct talk *t = p;
	double end = now() + t->timeout;
	int fd = -1;
	/* Non-blocking open fails with ENXIO until QEMU has the FIFO open. */
	while (fd < 0 && now() < end) {
		fd = open(t->fifo, O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			usleep(20000);
	}
	if (fd < 0)
		return NULL;
	while (!(t->ready = bios_done(t->log)) && now() < end)
		usleep(50000);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return NULL;
	}
	if (t->ready)
		fprintf(f, "pmemsave 0x%x 0x%x \"%s\"\npmemsave 0x%llx 0x%llx \"%s\"\n", FSEG_BASE, FSEG_LEN, t->fseg,
			(unsigned long long)t->hi_base, (unsigned long long)t->hi_len, t->hi);
	fputs("quit\n", f);
	fclose(f);
	return NULL;
}

static void add_table(struct acpi_dump *d, const uint8_t *p, uint32_t len)
{
	d->tables = xrealloc(d->tables, (size_t)(d->n + 1) * sizeof *d->tables);
	struct acpi_dumped_table *t = &d->tables[d->n++];
	memset(t, 0, sizeof *t);
	memcpy(t->name, p, 4);
	for (int i = 0; i < 4; i++)
		if (t->name[i] < 0x21 || t->name[i] > 0x7e || t->name[i] == '/')
			t->name[i] = '_';
	buf_add(&t->bytes, p, len);
}

int acpi_dump_parse(const uint8_t *fseg, size_t fseg_len, const uint8_t *hi, size_t hi_len,
		    uint64_t hi_base, struct acpi_dump *out, char **err)
{
	memset(out, 0, sizeof *out);
	size_t off = 0;
	while (off + 20 <= fseg_len && memcmp(fseg + off, "RSD PTR ", 8))
		off += 16;
	if (off + 20 > fseg_len) {
		*err = xstrdup("no RSDP (\"RSD PTR \") in the BIOS area");
		return -1;
	}
	uint64_t rsdt = acpi_get_u32(fseg + off + 16);
	if (rsdt < hi_base || rsdt - hi_base + ACPI_HEADER_LEN > hi_len) {
		*err = xasprintf("the RSDT at 0x%llx is outside the saved RAM window", (unsigned long long)rsdt);
		return -1;
	}
	const uint8_t *r = hi + (rsdt - hi_base);
	uint32_t rlen = acpi_get_u32(r + 4);
	if (rlen < ACPI_HEADER_LEN || rlen > hi_len - (rsdt - hi_base)) {
		*err = xstrdup("the RSDT's length runs outside the saved RAM window");
		return -1;
	}
	for (uint32_t e = ACPI_HEADER_LEN; e + 4 <= rlen; e += 4) {
		uint64_t addr = acpi_get_u32(r + e);
		if (addr < hi_base || addr - hi_base + ACPI_HEADER_LEN > hi_len)
			continue;
		const uint8_t *tp = hi + (addr - hi_base);
		uint32_t tlen = acpi_get_u32(tp + 4);
		if (tlen >= ACPI_HEADER_LEN && tlen <= hi_len - (addr - hi_base))
			add_table(out, tp, tlen);
	}
	return 0;
}

static int read_dumps(struct talk *tk, struct acpi_dump *out, char **err)
{
	size_t flen, hlen;
	char *f = read_file(tk->fseg, &flen), *h = read_file(tk->hi, &hlen);
	int rc = -1;
	if (!f || !h)
		*err = xstrdup("QEMU's monitor did not save guest memory (pmemsave)");
	else
		rc = acpi_dump_parse((uint8_t *)f, flen, (uint8_t *)h, hlen, tk->hi_base, out, err);
	free(f);
	free(h);
	return rc;
}

int acpi_dump_qemu(const struct topology *t, double timeout, struct acpi_dump *out, char **err)
{
	struct layout l;
	char *lerr = NULL;
	memset(out, 0, sizeof *out);
	if (layout_compute(t, &l, &lerr)) {
		*err = xasprintf("cannot lay the memory out: %s", lerr ? lerr : "?");
		free(lerr);
		return -2;
	}
	char dir[] = "/tmp/topofarm-dump-XXXXXX";
	if (!mkdtemp(dir)) {
		layout_free(&l);
		*err = xasprintf("mkdtemp: %s", strerror(errno));
		return -1;
	}
	struct talk tk = { path_join(dir, "monitor"), path_join(dir, "bios.log"), path_join(dir, "fseg.bin"),
			   path_join(dir, "hi.bin"), 0, 0, timeout, false };
	tk.hi_len = l.below_4g < HI_WINDOW ? l.below_4g : HI_WINDOW;
	tk.hi_base = l.below_4g - tk.hi_len;
	layout_free(&l);
	int rc = -1;
	if (mkfifo(tk.fifo, 0600)) {
		*err = xasprintf("mkfifo: %s", strerror(errno));
	} else {
		struct strv a;
		if (dump_args(t, &a, err)) {
			rc = -2;
			goto out;
		}
		strv_add(&a, "-nodefaults");
		strv_add(&a, "-serial");
		strv_add(&a, "none");
		strv_add(&a, "-monitor");
		strv_add(&a, "stdio");
		strv_add(&a, "-debugcon");
		strv_addf(&a, "file:%s", tk.log);
		strv_add(&a, "-global");
		strv_add(&a, "isa-debugcon.iobase=0x402");
		pthread_t th;
		pthread_create(&th, NULL, talk_thread, &tk);
		struct proc_opts o = { .timeout = timeout + 5, .capture = true, .stdin_path = tk.fifo };
		struct proc_result res;
		proc_run(strv_argv(&a), &o, &res);
		pthread_join(th, NULL);
		if (res.not_found)
			*err = xstrdup("qemu-system-x86_64 not found (apt-get install qemu-system-x86)");
		else if (!tk.ready)
			*err = xasprintf("SeaBIOS never reached its boot attempt (QEMU exit %d%s): %.400s", res.exit_code,
					 res.timed_out ? ", timed out" : "", res.out ? res.out : "");
		else
			rc = read_dumps(&tk, out, err);
		if (rc && getenv("TOPOFARM_DEBUG_DUMP"))
			fprintf(stderr, "%s\n", res.out ? res.out : "");
		proc_result_free(&res);
		strv_free(&a);
	}
out:
	remove_tree(dir);
	free(tk.fifo);
	free(tk.log);
	free(tk.fseg);
	free(tk.hi);
	return rc;
}

const struct acpi_dumped_table *acpi_dump_find(const struct acpi_dump *d, const char *sig)
{
	for (int i = 0; i < d->n; i++)
		if (!memcmp(d->tables[i].name, sig, 4))
			return &d->tables[i];
	return NULL;
}

void acpi_dump_free(struct acpi_dump *d)
{
	for (int i = 0; i < d->n; i++)
		buf_free(&d->tables[i].bytes);
	free(d->tables);
	memset(d, 0, sizeof *d);
}
