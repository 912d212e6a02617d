/* acpi-gen/qemu_args.h: the QEMU argument vector and the kernel command line
 * a topology boots with. The runner adds nothing of its own to the machine
 * description: what `topofarm show` prints is what boots. */
#ifndef ACPI_GEN_QEMU_ARGS_H
#define ACPI_GEN_QEMU_ARGS_H
#include "topologies/topo.h"
#include "common/strv.h"

/* The default CPU model of QEMU 7.2's pc and q35 machines, as a device:
 * what hot-plugged vCPUs are (runner/plan.c names it to the monitor). */
#define QEMU_CPU_DEVICE "qemu64-x86_64-cpu"

struct qemu_config {
	const char *qemu;             /* NULL: qemu-system-x86_64 */
	const char *kernel;           /* NULL: the placeholder KERNEL */
	const char *initrd;           /* NULL: the placeholder INITRD */
	const char *accel;            /* NULL: tcg */
	const char *serial;           /* NULL: stdio (the console Expect reads) */
	const char *qmp_socket;       /* unix socket path for QMP, or NULL */
	const char *extra_append;     /* more kernel parameters, or NULL */
};

/* Kernel command line: the runner's fixed part (console, earlyprintk, panic,
 * nokaslr unless the topology says kaslr) then the topology's parameters. */
char *kernel_cmdline(const struct topology *t, const char *extra);
/* The distance from node i to node j given to QEMU (and to libvirt): the
 * topology's, except that with generated firmware an invalid value becomes a
 * valid default (the broken SLIT is acpi-gen's job). */
int qemu_numa_distance(const struct topology *t, int i, int j);
/* Full argv (argv[0] is the QEMU binary). Returns 0, or -1 with *err set. */
int qemu_args_build(const struct topology *t, const struct qemu_config *cfg, struct strv *out, char **err);

#endif
