/* runner/libvirt_console.c: a libvirt domain behind a QEMU-like process for
 * boot.exp (see runner/libvirt_console.h). Everything runs in libvirt's
 * default event loop on one thread: the console stream, stdin, the QMP
 * socket, the domain's lifecycle and QEMU events, the connection's close. */
#include "runner/libvirt_console.h"
#include "runner/libvirt_hosts.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/write_all.h"
#include <errno.h>
#include <signal.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static struct {
	virConnectPtr conn;
	virDomainPtr dom;
	virStreamPtr console;
	bool quit, stopped, host_lost, console_done;
	int listen_fd, client_fd, client_watch, listen_watch;
	struct buf client_in;
	int exit_timer;
	unsigned long long bytes_out;  /* console bytes copied to stdout */
	char last[64];                 /* the last of them, to line the log file up */
	size_t last_len;
} s = { .listen_fd = -1, .client_fd = -1, .client_watch = -1, .listen_watch = -1, .exit_timer = -1 };

static void ignore_error(void *opaque, virErrorPtr e)
{
	(void)opaque, (void)e;
}

void lv_quiet_errors(void)
{
	virSetErrorFunc(NULL, ignore_error);
}

static const char *lv_error(void)
{
	const char *m = virGetLastErrorMessage();
	return m && *m ? m : "unknown libvirt error";
}

static void check_state(void);

/* Periodic once armed: after the domain stopped, the end; after the
 * console ended alone, a look at the domain's state each second. */
static void on_exit_timer(int timer, void *opaque)
{
	(void)timer, (void)opaque;
	if (s.stopped)
		s.quit = true;
	else
		check_state();
}

/* The domain stopped: give the console a moment to deliver its last bytes. */
static void domain_stopped(void)
{
	s.stopped = true;
	if (s.console_done)
		s.quit = true;
	else if (s.exit_timer < 0)
		s.exit_timer = virEventAddTimeout(2000, on_exit_timer, NULL, NULL);
}

static void on_console(virStreamPtr st, int events, void *opaque)
{
	(void)opaque, (void)events;
	char buf[65536];
	for (;;) {
		int n = virStreamRecv(st, buf, sizeof buf);
		if (n == -2)
			return;
		if (n > 0) {
			write_all(1, buf, (size_t)n);
			s.bytes_out += (unsigned long long)n;
			size_t keep = (size_t)n >= sizeof s.last ? sizeof s.last : (size_t)n;
			if (s.last_len + keep > sizeof s.last) {
				size_t drop = s.last_len + keep - sizeof s.last;
				memmove(s.last, s.last + drop, s.last_len - drop);
				s.last_len -= drop;
			}
			memcpy(s.last + s.last_len, buf + n - keep, keep);
			s.last_len += keep;
			continue;
		}
		/* End of the console (0) or an error (-1): the domain is going. */
		virStreamEventRemoveCallback(st);
		s.console_done = true;
		if (s.stopped)
			s.quit = true;
		else if (s.exit_timer < 0)
			s.exit_timer = virEventAddTimeout(1000, on_exit_timer, NULL, NULL);   /* then look at the state */
		return;
	}
}

static void on_stdin(int watch, int fd, int events, void *opaque)
{
	(void)opaque, (void)events;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n <= 0) {
		virEventRemoveHandle(watch);
		return;
	}
	for (ssize_t off = 0; off < n;) {
		int sent = virStreamSend(s.console, buf + off, (size_t)(n - off));
		if (sent == -2) {
			usleep(1000);
			continue;
		}
		if (sent < 0)
			return;
		off += sent;
	}
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	(void)conn, (void)dom, (void)detail, (void)opaque;
	if (event == VIR_DOMAIN_EVENT_STOPPED)
		domain_stopped();
}

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	(void)conn, (void)opaque;
	if (reason != VIR_CONNECT_CLOSE_REASON_CLIENT) {
		s.host_lost = true;
		s.quit = true;
	}
}

/* ---------- QMP for boot.exp ---------- */

static void client_send(const char *line)
{
	if (s.client_fd < 0)
		return;
	write_all(s.client_fd, line, strlen(line));
	write_all(s.client_fd, "\n", 1);
}

/* One line for the client: newlines of the reply flattened, quotes kept. */
static void flatten(char *p)
{
	for (; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static void qmp_command(const char *cmd)
{
	if (strstr(cmd, "\"qmp_capabilities\"")) {
		client_send("{\"return\": {}}");   /* libvirt's monitor has long negotiated them */
		return;
	}
	char *reply = NULL;
	int rc = virDomainQemuMonitorCommand(s.dom, cmd, &reply, VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT);
	struct buf out = BUF_INIT;
	if (rc == 0 && reply && !strstr(reply, "\"error\"")) {
		flatten(reply);
		buf_printf(&out, "{\"return\": {}, \"libvirt_reply\": %s}", reply);
	} else {
		char *why = xstrdup(rc == 0 && reply ? reply : lv_error());
		for (char *p = why; *p; p++)
			if (*p == '"' || *p == '\\' || (unsigned char)*p < ' ')
				*p = '\'';
		buf_printf(&out, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}}", why);
		free(why);
		if (rc != 0 && virConnectIsAlive(s.conn) != 1)
			s.host_lost = s.quit = true;
	}
	client_send(out.s);
	buf_free(&out);
	free(reply);
}

static void drop_client(void)
{
	if (s.client_watch >= 0)
		virEventRemoveHandle(s.client_watch);
	if (s.client_fd >= 0)
		close(s.client_fd);
	s.client_fd = s.client_watch = -1;
	buf_free(&s.client_in);
}

static void on_client(int watch, int fd, int events, void *opaque)
{
	(void)watch, (void)opaque, (void)events;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n <= 0) {
		drop_client();
		return;
	}
	buf_add(&s.client_in, buf, (size_t)n);
	char *nl;
	while (s.client_in.s && (nl = memchr(s.client_in.s, '\n', s.client_in.len))) {
		size_t len = (size_t)(nl - s.client_in.s);
		char *line = xstrndup(s.client_in.s, len);
		memmove(s.client_in.s, nl + 1, s.client_in.len - len - 1);
		s.client_in.len -= len + 1;
		s.client_in.s[s.client_in.len] = 0;
		if (*line)
			qmp_command(line);
		free(line);
	}
}

static void on_listen(int watch, int fd, int events, void *opaque)
{
	(void)watch, (void)opaque, (void)events;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	drop_client();   /* one client at a time: the newest */
	s.client_fd = c;
	s.client_watch = virEventAddHandle(c, VIR_EVENT_HANDLE_READABLE, on_client, NULL, NULL);
}

static void on_qemu_event(virConnectPtr conn, virDomainPtr dom, const char *event, long long seconds,
			  unsigned int micros, const char *details, void *opaque)
{
	(void)conn, (void)dom, (void)seconds, (void)micros, (void)opaque;
	char *d = xstrdup(details ? details : "{}");
	flatten(d);
	char *line = xasprintf("{\"event\": \"%s\", \"data\": %s}", event, d);
	client_send(line);
	free(line), free(d);
}

static int qmp_listen(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof a.sun_path) {
		fprintf(stderr, "libvirt-console: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	unlink(path);
	s.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s.listen_fd < 0 || bind(s.listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s.listen_fd, 2) != 0) {
		fprintf(stderr, "libvirt-console: cannot listen on %s: %s\n", path, strerror(errno));
		return -1;
	}
	s.listen_watch = virEventAddHandle(s.listen_fd, VIR_EVENT_HANDLE_READABLE, on_listen, NULL, NULL);
	virConnectDomainQemuMonitorEventRegister(s.conn, s.dom, "DEVICE_DELETED", on_qemu_event, NULL, NULL, 0);
	return 0;
}

/* ---------- the run ---------- */

static int start_domain(const char *uri, const char *xml_path)
{
	char *xml = read_file(xml_path, NULL);
	if (!xml) {
		fprintf(stderr, "libvirt-console: cannot read %s: %s\n", xml_path, strerror(errno));
		return -1;
	}
	s.conn = virConnectOpen(uri);
	if (!s.conn) {
		fprintf(stderr, "libvirt-console: cannot connect to %s: %s\n", uri, lv_error());
		free(xml);
		return -1;
	}
	virConnectSetKeepAlive(s.conn, 3, 3);
	virConnectRegisterCloseCallback(s.conn, on_close, NULL, NULL);
	s.dom = virDomainCreateXML(s.conn, xml, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
	free(xml);
	if (!s.dom) {
		fprintf(stderr, "libvirt-console: %s refused the domain: %s\n", uri, lv_error());
		return -1;
	}
	s.console = virStreamNew(s.conn, VIR_STREAM_NONBLOCK);
	if (!s.console || virDomainOpenConsole(s.dom, NULL, s.console, VIR_DOMAIN_CONSOLE_FORCE) != 0 ||
	    virStreamEventAddCallback(s.console, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP,
				      on_console, NULL, NULL) != 0) {
		fprintf(stderr, "libvirt-console: cannot open the serial console: %s\n", lv_error());
		return -1;
	}
	virConnectDomainEventRegisterAny(s.conn, s.dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
					 VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), NULL, NULL);
	return 0;
}

/* ---------- the console's tail ---------- */

/* The whole of VOLUME (a file in the host's topofarm pool) into OUT. */
static bool download(virStorageVolPtr vol, struct buf *out)
{
	out->len = 0;
	virStreamPtr st = virStreamNew(s.conn, 0);
	if (!st)
		return false;
	bool ok = virStorageVolDownload(vol, st, 0, 0, 0) == 0;
	char buf[65536];
	int n = 0;
	while (ok && (n = virStreamRecv(st, buf, sizeof buf)) > 0)
		buf_add(out, buf, (size_t)n);
	ok = ok && n == 0 && virStreamFinish(st) == 0;
	if (!ok)
		virStreamAbort(st);
	virStreamFree(st);
	return ok;
}

/* The domain is gone; QEMU wrote every console byte to the log file too
 * (virtlogd finishes it once QEMU has exited). What the pty stream had not
 * delivered when libvirt killed QEMU is the file past what was copied:
 * written out when the file lines up with the stream's last bytes. The
 * file is deleted. */
static void copy_console_tail(const char *volume)
{
	virStoragePoolPtr pool = virStoragePoolLookupByName(s.conn, LV_POOL_NAME);
	if (!pool)
		return;
	struct buf log = BUF_INIT;
	size_t prev = (size_t)-1;
	virStorageVolPtr vol = NULL;
	for (int tries = 0; tries < 10; tries++) {   /* until two reads agree: virtlogd is done */
		usleep(200000);
		virStoragePoolRefresh(pool, 0);
		if (!vol)
			vol = virStorageVolLookupByName(pool, volume);
		if (!vol || !download(vol, &log))
			continue;
		if (log.len == prev && log.len >= s.bytes_out)
			break;
		prev = log.len;
	}
	if (vol && log.len > s.bytes_out && s.bytes_out >= s.last_len &&
	    !memcmp(log.s + s.bytes_out - s.last_len, s.last, s.last_len)) {
		write_all(1, log.s + s.bytes_out, log.len - (size_t)s.bytes_out);
		fprintf(stderr, "libvirt-console: the console's last %zu bytes (dropped by the pty) came from %s\n",
			log.len - (size_t)s.bytes_out, volume);
	}
	if (vol) {
		virStorageVolDelete(vol, 0);
		virStorageVolFree(vol);
	}
	buf_free(&log);
	virStoragePoolFree(pool);
}

/* Without an event the state still tells: a transient domain that is gone
 * or shut off has stopped. */
static void check_state(void)
{
	int state = 0, reason = 0;
	if (virDomainGetState(s.dom, &state, &reason, 0) != 0) {
		if (virConnectIsAlive(s.conn) != 1)
			s.host_lost = true;
		s.quit = true;
	} else if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED) {
		s.quit = true;
	}
}

int libvirt_console_main(const char *uri, const char *xml_path, const char *qmp_path, const char *console_volume)
{
	lv_quiet_errors();
	signal(SIGPIPE, SIG_IGN);   /* a lost host is exit 75, not death by SIGPIPE */
	if (virEventRegisterDefaultImpl() != 0) {
		fprintf(stderr, "libvirt-console: cannot start libvirt's event loop: %s\n", lv_error());
		return 1;
	}
	int rc = 1;
	if (start_domain(uri, xml_path) != 0 || (qmp_path && qmp_listen(qmp_path) != 0)) {
		if (s.dom)
			virDomainDestroy(s.dom);
		goto out;
	}
	virEventAddHandle(0, VIR_EVENT_HANDLE_READABLE, on_stdin, NULL, NULL);
	if (virDomainResume(s.dom) != 0) {
		fprintf(stderr, "libvirt-console: cannot resume the domain: %s\n", lv_error());
		virDomainDestroy(s.dom);
		goto out;
	}
	while (!s.quit)
		if (virEventRunDefaultImpl() != 0)
			break;
	if (s.host_lost) {
		fprintf(stderr, "libvirt-console: %s: %s (connection closed)\n", LV_EXIT_HOST_LOST_TEXT, uri);
		rc = LV_EXIT_HOST_LOST;
	} else {
		if (console_volume)
			copy_console_tail(console_volume);
		rc = 0;
	}
out:
	if (qmp_path && s.listen_fd >= 0)
		unlink(qmp_path);
	if (s.console)
		virStreamFree(s.console);
	if (s.dom)
		virDomainFree(s.dom);
	if (s.conn)
		virConnectClose(s.conn);
	return rc;
}
