/* runner/libvirt_xml.h: topology -> libvirt domain XML describing the same
 * machine acpi-gen/qemu_args.c gives QEMU: machine type, memory, vCPUs and
 * their sockets, NUMA cells, distances, HMAT, hotplug slots and DIMMs, the
 * direct kernel boot (kernel, initrd, command line), one serial port.
 * libvirt's traps (shared/FACTS.md) are handled here: <features><acpi/> (or
 * libvirt passes -no-acpi and there is no SRAT), on_poweroff/on_reboot/
 * on_crash destroy (libvirt passes -no-shutdown), <maxMemory slots=..> for
 * DIMMs, and a memoryless CPU-less node goes through <qemu:commandline>.
 * What libvirt 9 cannot say at all is refused with the reason, never
 * approximated: a node with CPUs but no memory (libvirt puts unassigned
 * vCPUs in cell 0, and QEMU then refuses the node's cpus=), node sizes that
 * are not whole MiB (libvirt rounds cells up to 1 MiB), NVDIMMs (libvirt
 * needs a host file behind them). */
#ifndef RUNNER_LIBVIRT_XML_H
#define RUNNER_LIBVIRT_XML_H
#include "topologies/topo.h"

struct libvirt_config {
	const char *name;             /* domain name; NULL: topofarm-<layout name> */
	const char *kernel;           /* path on the host; NULL: the placeholder KERNEL */
	const char *initrd;           /* path on the host; NULL: the placeholder INITRD */
	const char *accel;            /* "kvm" -> <domain type='kvm'>; else type='qemu' (TCG) */
	const char *extra_append;     /* more kernel parameters, or NULL */
	const char *console_log;      /* host file QEMU also writes the serial console to, or NULL */
};

/* The domain XML (caller frees), or NULL with *err saying what libvirt
 * cannot describe. */
char *libvirt_domain_xml(const struct topology *t, const struct libvirt_config *cfg, char **err);

#endif
