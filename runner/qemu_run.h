/* runner/qemu_run.h: one boot of one topology on one kernel. It prepares the
 * run directory and the initrd, starts `expect runner/boot.exp` (which owns
 * QEMU, its console and its monitor) as the leader of a new process group,
 * and, once that process has ended, reads what happened, triages the console
 * log and writes the run record (record.json last). It knows nothing about
 * scheduling: boot_start/boot_finish let a caller run many at once,
 * qemu_run() does one from start to end.
 *
 * Run directory files (besides those results/run_record.h lists):
 *   initrd path in argv.txt  cache_dir()/initrd/<hash>.cpio, shared by runs
 *                            with the same tables, base and plan
 *   plan                     the guest plan (/topofarm/plan)
 *   host-actions             what boot.exp does for each HOST step
 *   qemu.stderr              QEMU's standard error
 *   expect.log               boot.exp's own output (empty unless it failed)
 *   boot.result              boot.exp's verdict on how the run ended
 *   domain.xml, host         libvirt backend: the domain booted, the host's URI */
#ifndef RUNNER_QEMU_RUN_H
#define RUNNER_QEMU_RUN_H
#include "results/run_record.h"
#include "topologies/topo.h"
#include <sys/types.h>

struct lv_farm;
struct lv_host;
struct kernel_entry;

#define BOOT_DEFAULT_TIMEOUT 90   /* seconds, when the topology gives none */
#define BOOT_SILENCE 30           /* seconds without console output = hang */
#define BOOT_PANIC_GRACE 10       /* seconds to keep reading after a panic */

struct boot_request {
	const struct topology *topo;
	const char *kernel_name;      /* catalogue name */
	const char *kernel_image;     /* bzImage / vmlinuz path */
	const char *kernel_source;    /* for the record: "deb PKG" or "source + config + patches" */
	const char *kernel_cmdline;   /* the catalogue's cmdline= for this kernel, or NULL */
	bool kernel_coverage;         /* the catalogue says coverage=gcov: a finished boot without
					 COV lines is recorded as coverage missing */
	const char *kernel_vmlinux;   /* its vmlinux (symbols for the reports), or NULL */
	const char *base_initrd;      /* initramfs_base() path */
	const char *run_dir;          /* created if missing; emptied of earlier files */
	const char *campaign;
	int attempt;
	const char *qemu;             /* NULL: qemu-system-x86_64 */
	const char *accel;            /* NULL: tcg */
	int timeout;                  /* seconds; 0: the topology's, else BOOT_DEFAULT_TIMEOUT */
	int silence;                  /* seconds; 0: BOOT_SILENCE + the longest sleep step */
	int kernel_slow;              /* the kernel's slow=N: default silence and timeout times N; 0 or 1: as they are */
	const char *script;           /* NULL: <repo_home>/runner/boot.exp */
	/* The libvirt backend: the host this boot goes to (NULL: plain QEMU
	 * here). boot.exp then drives `topofarm libvirt-console` on the domain
	 * runner/libvirt_xml.c describes; the kernel and initrd are staged on
	 * the host first (runner/libvirt_hosts.h). */
	struct lv_farm *farm;
	struct lv_host *host;
};

/* The kernel of a request from its catalogue entry k: its name and what
 * the entry says of every boot (cmdline=, coverage=, slow=), with the
 * image, the source text for the record and the vmlinux (or NULL) the
 * caller resolved. Every verb that boots a catalogue kernel sets it so. */
void boot_request_set_kernel(struct boot_request *rq, const struct kernel_entry *k, const char *image,
			     const char *source, const char *vmlinux);

/* A boot in flight. */
struct boot {
	pid_t pid;                    /* boot.exp, leader of its own process group; 0 if not started */
	char *setup_error;            /* why it could not start (the run is then infra) */
	struct run_record rec;        /* filled as far as known before the boot */
	char *sock_dir;               /* private directory of the QMP socket */
	char *vmlinux;                /* the request's kernel_vmlinux, for triage symbols */
	bool expect_coverage;         /* the request's kernel_coverage */
	int timeout;
	struct lv_host *host;         /* libvirt backend: the host it runs on */
};

/* Prepares and starts the boot. Returns 0 with b->pid set, or -1 with
 * b->setup_error (an infra run: boot_finish still records it). */
int boot_start(const struct boot_request *rq, struct boot *b);
/* The boot.exp process ended with wait status `status` (ignored when it
 * never started). Fills *rec (caller frees with run_record_free) and writes
 * the run directory, record.json last. Returns 0, or -1 with *err when the
 * record could not be written (disk full...). Frees b's resources. */
int boot_finish(struct boot *b, int status, struct run_record *rec, char **err);
/* Stops a boot that will not be finished (interrupted): kills its process
 * group, reaps it, and frees b. The run directory is left without a record. */
void boot_abandon(struct boot *b);

/* One boot, start to end. */
int qemu_run(const struct boot_request *rq, struct run_record *rec, char **err);

#endif
