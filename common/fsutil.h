/* common/fsutil.h: whole-file reads and atomic writes, directories, and the
 * cache location (~/.cache/topofarm, or $TOPOFARM_CACHE). */
#ifndef COMMON_FSUTIL_H
#define COMMON_FSUTIL_H
#include <stddef.h>
#include <stdbool.h>

/* Reads a whole file; returns NULL and sets errno on failure. *len optional.
 * The result is NUL-terminated (the NUL is not counted in *len). */
char *read_file(const char *path, size_t *len);
/* The same from an open descriptor (a pipe, standard input), read to its end. */
char *read_fd(int fd, size_t *len);
/* Writes via a temporary file and rename(): readers never see half a file. */
int write_file(const char *path, const void *data, size_t len);
int write_file_str(const char *path, const char *s);
/* mkdir -p; 0 on success. */
int mkdir_p(const char *path, int mode);
/* rm -rf without a shell; 0 on success (missing is success). */
int remove_tree(const char *path);
bool path_exists(const char *path);
bool is_dir(const char *path);
/* The cache root (created): $TOPOFARM_CACHE or $HOME/.cache/topofarm. */
const char *cache_dir(void);
/* Joins with exactly one '/'; caller frees. */
char *path_join(const char *a, const char *b);
/* Absolute directory of the running topofarm's repository checkout, found
 * from /proc/self/exe (the binary lives in build/ or build-san/), or
 * $TOPOFARM_HOME. Used to find shipped data (catalogue, scripts, seeds). */
const char *repo_home(void);

#endif
