/* results/out_lock.c: the one-writer lock of a results folder (see
 * out_lock.h). flock(2) on OUT/.topofarm.lock, opened close-on-exec so QEMU
 * and other children never keep it alive; the file holds the holder's pid
 * and what it is doing, for the error message of the next writer. */
#include "results/out_lock.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char *holder_of(int fd)
{
	char text[512];
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	if (n <= 0)
		return xstrdup("an unknown process (it has not written its pid yet)");
	text[n] = 0;
	text[strcspn(text, "\n")] = 0;
	return xstrdup(text);
}

static void write_holder(int fd, const char *what)
{
	char text[512];
	int n = snprintf(text, sizeof text, "pid %ld (%s)\n", (long)getpid(), what);
	if (ftruncate(fd, 0) == 0 && pwrite(fd, text, (size_t)n, 0) != n)
		return;   /* the lock holds without the note; only the message suffers */
}

/* A lock the parent topofarm handed down: an inherited descriptor of this
 * very lock file, whose lock (same open file) is already ours. */
static bool adopt_inherited(struct out_lock *l)
{
	const char *v = getenv(OUT_LOCK_ENV);
	char *end;
	long fd = v ? strtol(v, &end, 10) : -1;
	if (!v || *end || fd < 0 || fd > 65535)
		return false;
	struct stat a, b;
	if (fstat((int)fd, &a) != 0 || stat(l->path, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return false;
	if (flock((int)fd, LOCK_EX | LOCK_NB) != 0)
		return false;
	fcntl((int)fd, F_SETFD, FD_CLOEXEC);   /* not for our own children */
	unsetenv(OUT_LOCK_ENV);
	l->fd = (int)fd;
	return true;
}

static int give_up(struct out_lock *l, int fd)
{
	if (fd >= 0)
		close(fd);
	free(l->path);
	l->path = NULL;
	return -1;
}

int out_lock_take(const char *out, const char *what, bool wait, struct out_lock *l, char **err)
{
	l->fd = -1;
	l->child_fd = -1;
	l->path = path_join(out, ".topofarm.lock");
	if (adopt_inherited(l))
		return 0;
	int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		*err = xasprintf("cannot open the lock %s: %s", l->path, strerror(errno));
		return give_up(l, -1);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char *holder = holder_of(fd);
		if (!wait) {
			*err = xasprintf("%s is being written by %s: one writer per results folder. Wait for it to "
					 "finish, pass --wait, or use another --out", out, holder);
			free(holder);
			return give_up(l, fd);
		}
		fprintf(stderr, "topofarm: %s is being written by %s; waiting for it to finish\n", out, holder);
		free(holder);
		while (flock(fd, LOCK_EX) != 0) {
			if (errno != EINTR) {
				*err = xasprintf("cannot lock %s: %s", l->path, strerror(errno));
				return give_up(l, fd);
			}
		}
	}
	write_holder(fd, what);
	l->fd = fd;
	return 0;
}

char *out_lock_child_env(struct out_lock *l)
{
	if (l->fd < 0)
		return NULL;
	if (l->child_fd < 0)
		l->child_fd = dup(l->fd);   /* dup: same open file (same lock), no close-on-exec */
	return l->child_fd < 0 ? NULL : xasprintf("%s=%d", OUT_LOCK_ENV, l->child_fd);
}

void out_lock_release(struct out_lock *l)
{
	if (l->child_fd >= 0)
		close(l->child_fd);
	if (l->fd >= 0)
		close(l->fd);   /* the last descriptor of the open file drops the lock */
	free(l->path);
	l->fd = l->child_fd = -1;
	l->path = NULL;
}
