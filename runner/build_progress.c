/* runner/build_progress.c: kernel build progress as a share of the whole
 * plus time left (see build_progress.h). Counting is plain substring search
 * over make's output: kbuild's quiet lines are fixed-format, no parser needed. */
#include "runner/build_progress.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

static long count_steps(const char *text, const char *const *needles)
{
	long n = 0;
	for (int i = 0; text && needles[i]; i++)
		for (const char *p = text; (p = strstr(p, needles[i])); p += strlen(needles[i]))
			n++;
	return n;
}

long build_progress_planned(const char *dry_run_text)
{
	static const char *const steps[] = { "echo '  CC ", "echo '  AS ", NULL };
	return count_steps(dry_run_text, steps);
}

long build_progress_done(const char *log_text)
{
	static const char *const steps[] = { "\n  CC ", "\n  AS ", NULL };
	long n = count_steps(log_text, steps);
	/* The first line of the log has no newline before it. */
	if (log_text && (!strncmp(log_text, "  CC ", 5) || !strncmp(log_text, "  AS ", 5)))
		n++;
	return n;
}

char *build_progress_duration(double seconds)
{
	long s = seconds > 0 ? (long)(seconds + 0.5) : 0;
	return s >= 60 ? xasprintf("%ldm%02lds", s / 60, s % 60) : xasprintf("%lds", s);
}

char *build_progress_line(const char *name, long done, long planned, double elapsed)
{
	char *spent = build_progress_duration(elapsed);
	struct buf b = BUF_INIT;
	if (planned <= 0) {
		buf_printf(&b, "building %s: %ld objects, %s elapsed (no estimate of the whole)", name, done, spent);
		free(spent);
		return buf_steal(&b);
	}
	/* The dry run misses a few late steps (the compressed image's own
	 * objects): never claim 100% before make has ended. */
	long shown = done < planned ? done : planned;
	int percent = (int)(100 * shown / planned);
	if (percent > 99)
		percent = 99;
	buf_printf(&b, "building %s: %d%% (%ld/%ld objects), %s elapsed", name, percent, shown, planned, spent);
	if (done >= 10 && elapsed >= 10) {
		double left = (double)(planned - shown) * elapsed / (double)done;
		char *l = build_progress_duration(left);
		buf_printf(&b, ", about %s left", l);
		free(l);
	} else
		buf_puts(&b, ", estimating time left");
	free(spent);
	return buf_steal(&b);
}
