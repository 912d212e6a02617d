/* runner/libvirt_hosts.h: the farm of libvirt hosts `run --hosts FILE`
 * spreads boots over. It owns the hosts file (one `URI SLOTS` per line), one
 * libvirt connection per host, which host the next boot goes to (the least
 * loaded host that is up), which hosts are down (a failed call or a lost
 * connection; retried after LV_HOST_RETRY seconds), and each host's copy of
 * the kernels and initrds: a storage pool `topofarm` (a directory pool at
 * LV_POOL_DIR, made when missing) holding one volume per file content,
 * named by its SHA-256 and uploaded with virStorageVolUpload, the libvirt way
 * to put a file on a host whatever the transport. A second volume NAME.ok,
 * made after the upload finished, marks it complete. It also remembers the
 * domains of boots lost with a host's connection and destroys them when the
 * host is connected again. */
#ifndef RUNNER_LIBVIRT_HOSTS_H
#define RUNNER_LIBVIRT_HOSTS_H
#include <stdbool.h>

#define LV_POOL_NAME "topofarm"
#define LV_POOL_DIR "/var/lib/libvirt/topofarm"
#define LV_HOST_RETRY 15          /* seconds before a down host is tried again */
#define LV_MAX_SLOTS 256

struct lv_staged {
	char *local_hash;             /* SHA-256 of the file's content */
	char *remote_path;
};

struct lv_host {
	char *uri;
	int slots, running, line;
	bool down;
	double down_since;
	char *down_why;
	void *conn;                   /* virConnectPtr, opened on first use */
	struct lv_staged *staged;     /* what is known to be on the host */
	int n_staged;
	char **lost_domains;          /* domains of boots lost with the host: destroyed when it is back */
	int n_lost_domains;
	int boots, uploads;           /* counters for the summary */
	double upload_seconds;
};

struct lv_farm {
	struct lv_host *hosts;
	int n;
	struct { char *path, *hash; } *hashes;   /* local file -> content hash, computed once */
	int n_hashes;
};

/* Parses a hosts file's text (`URI SLOTS`, # comments, blank lines).
 * Returns 0, or -1 with *err = "FILE:LINE: what was expected". */
int lv_farm_parse(const char *file, const char *text, struct lv_farm *f, char **err);
int lv_farm_load(const char *path, struct lv_farm *f, char **err);
/* A farm of one host (`--backend libvirt` without --hosts). */
void lv_farm_single(struct lv_farm *f, const char *uri, int slots);
int lv_farm_slots(const struct lv_farm *f);
/* The host the next boot goes to: the up host with the most free slots
 * (down hosts whose retry time has come count as up); a host whose slots are
 * all busy only when every up host is busy. NULL when every host is down. */
struct lv_host *lv_farm_pick(struct lv_farm *f);
/* The same, but when every host is down it waits for the first one's retry
 * time instead of failing the boot at once (which would spend its tries
 * while the hosts are still down). */
struct lv_host *lv_farm_wait_pick(struct lv_farm *f);
/* The path on the host of local_path's content, uploading it first when the
 * host does not have it. Returns NULL with *err (the host is then down). */
char *lv_host_stage(struct lv_farm *f, struct lv_host *h, const char *local_path, char **err);
void lv_host_mark_down(struct lv_host *h, const char *why);
/* A boot on H was lost with the connection; its domain NAME may still run
 * there (libvirtd forgets auto-destroy when it restarts): it is destroyed
 * when the host is connected again. */
void lv_host_lost_domain(struct lv_host *h, const char *name);
void lv_farm_free(struct lv_farm *f);

#endif
