/* common/write_all.h: write(2) until every byte is out, across short writes
 * and EINTR. Plain libc, nothing else: the static guest probe
 * (runner/guest/) links it as well as the host library. */
#ifndef COMMON_WRITE_ALL_H
#define COMMON_WRITE_ALL_H
#include <stdbool.h>
#include <stddef.h>

/* Writes p[0..n) to fd. True when all of it was written; false at the first
 * error or a write that took nothing (errno then says why, 0 for the
 * latter): the bytes before it are written, the rest is not. */
bool write_all(int fd, const void *p, size_t n);

#endif
