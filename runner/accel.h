/* runner/accel.h: which QEMU accelerator the runs use. KVM only when a probe
 * boot with -accel kvm truly reached the guest on this host with this QEMU
 * (on these machines /dev/kvm opens but guests hang after "Booting from
 * ROM"); TCG otherwise. The probe is bounded (30 s, 15 s of silence) and runs
 * once per start of the host: the verdict is cached per QEMU version, host
 * kernel and boot_id in cache_dir()/accel/. */
#ifndef RUNNER_ACCEL_H
#define RUNNER_ACCEL_H
#include <stdbool.h>

/* "kvm" or "tcg". kernel_image and base_initrd are what the probe boots;
 * qemu is the binary (NULL: qemu-system-x86_64). verbose: say on stderr
 * that a probe runs and what it found. */
const char *accel_choose(const char *qemu, const char *kernel_image, const char *base_initrd, bool verbose);

#endif
