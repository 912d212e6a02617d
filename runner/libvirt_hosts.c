/* runner/libvirt_hosts.c: the hosts file, host choice, connections and the
 * per-host file cache (see runner/libvirt_hosts.h). The hosts file is two
 * words a line, so it is split by hand: no format library fits better. */
#include "runner/libvirt_hosts.h"
#include "runner/libvirt_console.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/sha256.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *lv_error(void)
{
	const char *m = virGetLastErrorMessage();
	return m && *m ? m : "unknown libvirt error";
}

/* qemu:///system, qemu+ssh://user@host/system?keyfile=..., qemu+tcp://... */
static bool uri_looks_right(const char *uri)
{
	const char *sep = strstr(uri, "://");
	if (!sep || sep == uri)
		return false;
	for (const char *p = uri; p < sep; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && *p != '+')
			return false;
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static void add_host(struct lv_farm *f, const char *uri, int slots, int line)
{
	f->hosts = xrealloc(f->hosts, (size_t)(f->n + 1) * sizeof *f->hosts);
	f->hosts[f->n++] = (struct lv_host){ .uri = xstrdup(uri), .slots = slots, .line = line };
}

int lv_farm_parse(const char *file, const char *text, struct lv_farm *f, char **err)
{
	memset(f, 0, sizeof *f);
	char *copy = xstrdup(text);
	char *save = NULL;
	int line = 0;
	for (char *p = copy, *next; p; p = next) {
		next = strchr(p, '\n');
		if (next)
			*next++ = 0;
		else if (!*p)
			break;   /* after the last newline */
		line++;
		char *hash = strchr(p, '#');
		if (hash)
			*hash = 0;
		char *uri = strtok_r(p, " \t\r", &save);
		if (!uri)
			continue;
		char *slots = strtok_r(NULL, " \t\r", &save), *extra = strtok_r(NULL, " \t\r", &save);
		char *end = NULL;
		long n = slots ? strtol(slots, &end, 10) : 0;
		if (!uri_looks_right(uri))
			*err = xasprintf("%s:%d: expected a libvirt URI like qemu:///system or qemu+ssh://user@host/system, got '%s'",
					 file, line, uri);
		else if (!slots)
			*err = xasprintf("%s:%d: expected 'URI SLOTS' (how many boots at a time the host takes) after %s", file,
					 line, uri);
		else if (*end || n < 1 || n > LV_MAX_SLOTS)
			*err = xasprintf("%s:%d: expected a slot count 1..%d, got '%s'", file, line, LV_MAX_SLOTS, slots);
		else if (extra)
			*err = xasprintf("%s:%d: unexpected '%s' after the slot count (one host a line: URI SLOTS)", file, line,
					 extra);
		for (int i = 0; !*err && i < f->n; i++)
			if (!strcmp(f->hosts[i].uri, uri))
				*err = xasprintf("%s:%d: %s is already listed on line %d", file, line, uri, f->hosts[i].line);
		if (*err)
			break;
		add_host(f, uri, (int)n, line);
	}
	free(copy);
	if (!*err && f->n == 0)
		*err = xasprintf("%s:%d: expected at least one line 'URI SLOTS'", file, line);
	if (*err) {
		lv_farm_free(f);
		return -1;
	}
	return 0;
}

int lv_farm_load(const char *path, struct lv_farm *f, char **err)
{
	char *text = read_file(path, NULL);
	memset(f, 0, sizeof *f);
	if (!text) {
		*err = xasprintf("%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	int rc = lv_farm_parse(path, text, f, err);
	free(text);
	return rc;
}

void lv_farm_single(struct lv_farm *f, const char *uri, int slots)
{
	memset(f, 0, sizeof *f);
	add_host(f, uri, slots, 0);
}

int lv_farm_slots(const struct lv_farm *f)
{
	int n = 0;
	for (int i = 0; i < f->n; i++)
		n += f->hosts[i].slots;
	return n;
}

void lv_host_mark_down(struct lv_host *h, const char *why)
{
	h->down = true;
	h->down_since = now();
	free(h->down_why);
	h->down_why = xstrdup(why);
	if (h->conn) {
		virConnectClose(h->conn);
		h->conn = NULL;
	}
	/* The host may come back without its pool: check again then. */
	for (int i = 0; i < h->n_staged; i++)
		free(h->staged[i].local_hash), free(h->staged[i].remote_path);
	h->n_staged = 0;
}

struct lv_host *lv_farm_pick(struct lv_farm *f)
{
	struct lv_host *best = NULL;
	double t = now();
	for (int i = 0; i < f->n; i++) {
		struct lv_host *h = &f->hosts[i];
		if (h->down && t - h->down_since < LV_HOST_RETRY)
			continue;
		/* Free share of the host: the emptiest host first, ties to the listed order. */
		if (!best || (double)(h->slots - h->running) / h->slots > (double)(best->slots - best->running) / best->slots)
			best = h;
	}
	return best;
}

struct lv_host *lv_farm_wait_pick(struct lv_farm *f)
{
	struct lv_host *h = lv_farm_pick(f);
	double first = -1;
	for (int i = 0; !h && i < f->n; i++)
		if (first < 0 || f->hosts[i].down_since < first)
			first = f->hosts[i].down_since;
	if (!h && first >= 0) {
		double wait = first + LV_HOST_RETRY - now();
		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
		h = lv_farm_pick(f);
	}
	return h;
}

static virConnectPtr host_conn(struct lv_host *h, char **err)
{
	if (h->conn && virConnectIsAlive(h->conn) == 1)
		return h->conn;
	if (h->conn)
		virConnectClose(h->conn);
	lv_quiet_errors();
	/* A daemon that goes away mid-call must be an error, not SIGPIPE
	 * killing the whole run: libvirt's client writes to plain sockets. */
	signal(SIGPIPE, SIG_IGN);
	h->conn = virConnectOpen(h->uri);
	if (!h->conn) {
		*err = xasprintf("cannot connect to %s: %s", h->uri, lv_error());
		return NULL;
	}
	h->down = false;
	for (int i = 0; i < h->n_lost_domains; i++) {
		virDomainPtr d = virDomainLookupByName(h->conn, h->lost_domains[i]);
		if (d) {
			virDomainDestroy(d);
			virDomainFree(d);
		}
		free(h->lost_domains[i]);
	}
	h->n_lost_domains = 0;
	return h->conn;
}

void lv_host_lost_domain(struct lv_host *h, const char *name)
{
	h->lost_domains = xrealloc(h->lost_domains, (size_t)(h->n_lost_domains + 1) * sizeof *h->lost_domains);
	h->lost_domains[h->n_lost_domains++] = xstrdup(name);
}

static const char *content_hash(struct lv_farm *f, const char *path, char **err)
{
	for (int i = 0; i < f->n_hashes; i++)
		if (!strcmp(f->hashes[i].path, path))
			return f->hashes[i].hash;
	size_t len = 0;
	char *data = read_file(path, &len);
	if (!data) {
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	char hex[65];
	sha256_hex(data, len, hex);
	free(data);
	f->hashes = xrealloc(f->hashes, (size_t)(f->n_hashes + 1) * sizeof *f->hashes);
	f->hashes[f->n_hashes].path = xstrdup(path);
	f->hashes[f->n_hashes].hash = xstrdup(hex);
	return f->hashes[f->n_hashes++].hash;
}

static virStoragePoolPtr host_pool(virConnectPtr conn, char **err)
{
	virStoragePoolPtr pool = virStoragePoolLookupByName(conn, LV_POOL_NAME);
	if (!pool) {
		static const char xml[] = "<pool type='dir'><name>" LV_POOL_NAME "</name><target><path>" LV_POOL_DIR
					  "</path><permissions><mode>0755</mode></permissions></target></pool>";
		pool = virStoragePoolDefineXML(conn, xml, 0);
		if (!pool)   /* another topofarm may have just defined it */
			pool = virStoragePoolLookupByName(conn, LV_POOL_NAME);
		if (!pool) {
			*err = xasprintf("cannot define the storage pool %s: %s", LV_POOL_NAME, lv_error());
			return NULL;
		}
		virStoragePoolBuild(pool, 0);
		virStoragePoolSetAutostart(pool, 1);
	}
	if (virStoragePoolIsActive(pool) != 1 && virStoragePoolCreate(pool, 0) != 0 && virStoragePoolIsActive(pool) != 1) {
		*err = xasprintf("cannot start the storage pool %s: %s", LV_POOL_NAME, lv_error());
		virStoragePoolFree(pool);
		return NULL;
	}
	return pool;
}

static virStorageVolPtr create_volume(virStoragePoolPtr pool, const char *name, unsigned long long size, char **err)
{
	char *xml = xasprintf("<volume><name>%s</name><capacity unit='bytes'>%llu</capacity><target><format type='raw'/>"
			      "<permissions><mode>0644</mode></permissions></target></volume>",
			      name, size);
	virStorageVolPtr vol = virStorageVolCreateXML(pool, xml, 0);
	free(xml);
	if (!vol)
		*err = xasprintf("cannot create volume %s: %s", name, lv_error());
	return vol;
}

static int upload(virConnectPtr conn, virStorageVolPtr vol, const char *path, unsigned long long size, char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	virStreamPtr st = virStreamNew(conn, 0);
	int rc = st && virStorageVolUpload(vol, st, 0, size, 0) == 0 ? 0 : -1;
	char buf[256 * 1024];
	ssize_t n = 0;
	while (rc == 0 && (n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t off = 0; rc == 0 && off < n;) {
			int sent = virStreamSend(st, buf + off, (size_t)(n - off));
			if (sent < 0)
				rc = -1;
			else
				off += sent;
		}
	if (rc == 0 && n < 0)
		rc = -1, *err = xasprintf("cannot read %s: %s", path, strerror(errno));
	if (rc == 0 && virStreamFinish(st) != 0)
		rc = -1;
	if (rc != 0 && !*err)
		*err = xasprintf("cannot upload %s: %s", path, lv_error());
	if (rc != 0 && st)
		virStreamAbort(st);
	if (st)
		virStreamFree(st);
	close(fd);
	return rc;
}

static char *stage_on_host(virConnectPtr conn, const char *path, const char *hash, struct lv_host *h, char **err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		*err = xasprintf("cannot stat %s: %s", path, strerror(errno));
		return NULL;
	}
	virStoragePoolPtr pool = host_pool(conn, err);
	if (!pool)
		return NULL;
	char *name = xasprintf("%.32s.img", hash), *ok_name = xasprintf("%.32s.ok", hash);
	virStorageVolPtr ok = virStorageVolLookupByName(pool, ok_name);
	virStorageVolPtr vol = virStorageVolLookupByName(pool, name);
	char *remote = NULL;
	if (!ok || !vol) {
		/* Missing, or an upload that did not finish: upload it (again). */
		if (vol) {
			virStorageVolDelete(vol, 0);
			virStorageVolFree(vol);
		}
		double t0 = now();
		vol = create_volume(pool, name, (unsigned long long)sb.st_size, err);
		if (vol && upload(conn, vol, path, (unsigned long long)sb.st_size, err) == 0) {
			if (!ok)
				ok = create_volume(pool, ok_name, 1, err);
			if (ok) {
				h->uploads++;
				h->upload_seconds += now() - t0;
			}
		}
	}
	if (vol && ok && !*err) {
		remote = virStorageVolGetPath(vol);
		if (!remote)
			*err = xasprintf("cannot get the path of volume %s: %s", name, lv_error());
	}
	if (vol)
		virStorageVolFree(vol);
	if (ok)
		virStorageVolFree(ok);
	virStoragePoolFree(pool);
	free(name), free(ok_name);
	return remote;
}

char *lv_host_stage(struct lv_farm *f, struct lv_host *h, const char *local_path, char **err)
{
	const char *hash = content_hash(f, local_path, err);
	if (!hash)
		return NULL;
	for (int i = 0; i < h->n_staged; i++)
		if (!strcmp(h->staged[i].local_hash, hash))
			return xstrdup(h->staged[i].remote_path);
	virConnectPtr conn = host_conn(h, err);
	char *remote = conn ? stage_on_host(conn, local_path, hash, h, err) : NULL;
	if (!remote) {
		char *why = xasprintf("%s: %s", h->uri, *err);
		free(*err);
		*err = why;
		lv_host_mark_down(h, why);
		return NULL;
	}
	h->staged = xrealloc(h->staged, (size_t)(h->n_staged + 1) * sizeof *h->staged);
	h->staged[h->n_staged].local_hash = xstrdup(hash);
	h->staged[h->n_staged++].remote_path = xstrdup(remote);
	return remote;
}

void lv_farm_free(struct lv_farm *f)
{
	for (int i = 0; i < f->n; i++) {
		struct lv_host *h = &f->hosts[i];
		if (h->conn)
			virConnectClose(h->conn);
		for (int j = 0; j < h->n_staged; j++)
			free(h->staged[j].local_hash), free(h->staged[j].remote_path);
		for (int j = 0; j < h->n_lost_domains; j++)
			free(h->lost_domains[j]);
		free(h->staged), free(h->uri), free(h->down_why), free(h->lost_domains);
	}
	for (int i = 0; i < f->n_hashes; i++)
		free(f->hashes[i].path), free(f->hashes[i].hash);
	free(f->hashes);
	free(f->hosts);
	memset(f, 0, sizeof *f);
}
