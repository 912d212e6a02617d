/* common/fsutil.c: files, directories and well-known locations. */
#include "common/fsutil.h"
#include "common/buf.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *s = read_fd(fd, len);
	int e = errno;
	close(fd);
	errno = e;
	return s;
}

char *read_fd(int fd, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			buf_free(&b);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		buf_add(&b, chunk, (size_t)n);
	}
	if (len)
		*len = b.len;
	return buf_steal(&b);
}

int write_file(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			unlink(tmp);
			free(tmp);
			errno = e;
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	free(tmp);
	return 0;
}

int write_file_str(const char *path, const char *s)
{
	return write_file(path, s, strlen(s));
}

int mkdir_p(const char *path, int mode)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, (mode_t)mode);
	free(p);
	return (r == 0 || errno == EEXIST) ? 0 : -1;
}

int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *child = path_join(path, e->d_name);
		if (remove_tree(child) != 0)
			rc = -1;
		free(child);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

bool path_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)la, a, b);
}

const char *cache_dir(void)
{
	static char *dir;
	if (dir)
		return dir;
	const char *env = getenv("TOPOFARM_CACHE");
	if (env && *env)
		dir = xstrdup(env);
	else {
		const char *home = getenv("HOME");
		dir = xasprintf("%s/.cache/topofarm", home && *home ? home : "/root");
	}
	mkdir_p(dir, 0755);
	return dir;
}

const char *repo_home(void)
{
	static char *home;
	if (home)
		return home;
	const char *env = getenv("TOPOFARM_HOME");
	if (env && *env)
		return home = xstrdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		/* Walk up from the binary until a directory holding topologies/. */
		char *p;
		while ((p = strrchr(exe, '/')) && p != exe) {
			*p = 0;
			char *probe = path_join(exe, "topologies/seeds");
			int found = is_dir(probe);
			free(probe);
			if (found)
				return home = xstrdup(exe);
		}
	}
	char cwd[PATH_MAX];
	return home = xstrdup(getcwd(cwd, sizeof cwd) ? cwd : ".");
}
