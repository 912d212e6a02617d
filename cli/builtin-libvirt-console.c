/* cli/builtin-libvirt-console.c: `topofarm libvirt-console`, the process
 * runner/boot.exp drives in place of QEMU on the libvirt backend. Internal:
 * `topofarm run --backend libvirt` starts it; the work is in
 * runner/libvirt_console.c. */
#include "cli/verb.h"
#include "runner/libvirt_console.h"
#include <string.h>

static const char help[] =
"NAME\n"
"    topofarm libvirt-console - one libvirt domain behind a QEMU-like process\n"
"\n"
"SYNOPSIS\n"
"    topofarm libvirt-console --uri URI --xml DOMAIN.xml [--qmp SOCKET]\n"
"                             [--console-log VOLUME]\n"
"\n"
"DESCRIPTION\n"
"    Internal: `topofarm run --backend libvirt` runs it under runner/boot.exp.\n"
"    Starts the domain on URI (transient, auto-destroyed when this process\n"
"    goes), copies its serial console to stdout and stdin to the console,\n"
"    and with --qmp serves QMP commands on SOCKET through libvirt's QEMU\n"
"    monitor passthrough (DEVICE_DELETED events included). With\n"
"    --console-log, VOLUME is the file of the host's topofarm pool the\n"
"    domain XML has QEMU log the console to: when the domain has stopped,\n"
"    the console's last bytes the pty dropped are copied from it, and it is\n"
"    deleted.\n"
"\n"
"EXIT STATUS\n"
"    0 the domain stopped, 1 it could not start (reason on stderr), 75 the\n"
"    connection to the host was lost.\n";

static int run_libvirt_console(int argc, char **argv)
{
	const char *uri = NULL, *xml = NULL, *qmp = NULL, *console_log = NULL;
	for (int i = 1; i < argc; i++) {
		const char **slot = !strcmp(argv[i], "--uri") ? &uri : !strcmp(argv[i], "--xml") ? &xml
			: !strcmp(argv[i], "--qmp") ? &qmp : !strcmp(argv[i], "--console-log") ? &console_log : NULL;
		if (!slot || i + 1 >= argc)
			return usage_error(&verb_libvirt_console, "unexpected '%s'", argv[i]);
		*slot = argv[++i];
	}
	if (!uri || !xml)
		return usage_error(&verb_libvirt_console, "--uri and --xml are required");
	return libvirt_console_main(uri, xml, qmp, console_log);
}

const struct verb verb_libvirt_console = {
	"libvirt-console", "(internal) one libvirt domain as boot.exp's QEMU", help, run_libvirt_console,
};
