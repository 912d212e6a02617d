/* runner/libvirt_console.h: one libvirt domain, seen by runner/boot.exp as
 * if it were QEMU: `topofarm libvirt-console --uri URI --xml FILE [--qmp
 * SOCKET]` starts the domain (transient, paused, auto-destroyed when this
 * process's connection goes, so a killed boot never leaves a domain behind),
 * attaches to its serial console through virDomainOpenConsole, then resumes
 * it. The console's bytes go to stdout, stdin goes to the console. With
 * --console-log VOLUME (which `run` does not pass: off, docs/farm.md), when
 * the domain has stopped, what the pty had not delivered yet (libvirt kills
 * QEMU at the guest's power-off, and the pty drops its unread bytes) is
 * taken from the console log file the domain XML had QEMU write. With
 * --qmp it listens on a unix socket speaking enough QMP for boot.exp: each
 * command line goes to QEMU through virDomainQemuMonitorCommand (libvirt's
 * QMP passthrough; libvirt has no verb for the object-add/device_add/
 * device_del sequence the steps use), and DEVICE_DELETED events come back
 * from virConnectDomainQemuMonitorEventRegister. It exits when the domain
 * has stopped (0), when it could not start (1, the reason on stderr), or
 * when the connection to the host was lost (LV_EXIT_HOST_LOST): then the run
 * is infra and the host is taken out of the farm for a while. */
#ifndef RUNNER_LIBVIRT_CONSOLE_H
#define RUNNER_LIBVIRT_CONSOLE_H

#define LV_EXIT_HOST_LOST 75
/* Seconds a domain may take to start (libvirtd defining it, QEMU starting,
 * the console attaching) before boot.exp's silence and timeout clocks
 * count: about 1 s with a valid capability cache, 60-100 s on a loaded
 * 2-core host where libvirtd re-probed QEMU before each domain (see
 * tools/libvirt-daemons). */
#define LV_START_ALLOWANCE 180
/* libvirt prints every error on stderr by default; these say it once. */
void lv_quiet_errors(void);
#define LV_EXIT_HOST_LOST_TEXT "the libvirt host was lost"

/* CONSOLE_VOLUME: the volume of the host's topofarm pool QEMU also logs the
 * console to (the domain XML's <serial><log file=..>), or NULL. */
int libvirt_console_main(const char *uri, const char *xml_path, const char *qmp_path, const char *console_volume);

#endif
