/* common/write_all.c: write(2) until every byte is out (see write_all.h). */
#include "common/write_all.h"
#include <errno.h>
#include <unistd.h>

bool write_all(int fd, const void *p, size_t n)
{
	const char *at = p;
	while (n > 0) {
		ssize_t w = write(fd, at, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = 0;
			return false;
		}
		at += w;
		n -= (size_t)w;
	}
	return true;
}
