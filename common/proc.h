/* common/proc.h: run external programs from argument vectors (never a shell
 * string), in their own process group with default signal handling (no
 * blocked signals, SIGPIPE not ignored), with an optional wall-clock timeout
 * and captured output. Every external tool topofarm uses goes through here. */
#ifndef COMMON_PROC_H
#define COMMON_PROC_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_opts {
	const char *cwd;          /* NULL: inherit */
	double timeout;           /* seconds; 0: none. On expiry the whole group gets SIGKILL */
	bool capture;             /* collect stdout+stderr (merged) into result.out */
	bool quiet;               /* when not capturing: send output to /dev/null */
	const char *out_path;     /* when set: stdout+stderr appended to this file */
	const char *stdin_path;   /* NULL: /dev/null */
	char *const *env;         /* extra NAME=VALUE entries added to the environment */
	size_t max_capture;       /* 0: 64 MiB */
	bool stdout_to_stderr;    /* when not capturing: the child's stdout goes to our stderr */
};

struct proc_result {
	int exit_code;            /* -1 if killed by a signal or not started */
	int signal;               /* the signal that ended it, 0 if none */
	bool timed_out;
	bool not_found;           /* execvp failed: ENOENT/EACCES */
	double seconds;
	char *out;                /* captured output (NUL-terminated) or NULL */
	size_t out_len;
};

/* Runs argv[0] (PATH search) to completion. Returns 0 if it exited 0. */
int proc_run(char *const argv[], const struct proc_opts *opts, struct proc_result *res);
void proc_result_free(struct proc_result *res);
/* True if PROGRAM is found on PATH (or is an executable path). */
bool program_exists(const char *program);
/* A printable, shell-quoted rendering of argv, for logs and reproducers only. */
char *argv_to_display(char *const argv[]);

#endif
