/* common/proc.c: fork/exec with process groups, timeouts and output capture. */
#include "common/proc.h"
#include "common/buf.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool program_exists(const char *program)
{
	if (strchr(program, '/'))
		return access(program, X_OK) == 0;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	char *copy = xstrdup(path), *save = NULL;
	bool found = false;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", dir, program);
		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

static void child(char *const argv[], const struct proc_opts *o, int outfd, int errpipe, pid_t parent)
{
	setpgid(0, 0);
	/* The child lives in its own process group, so a Ctrl-C of topofarm
	 * does not reach it: have the kernel send SIGTERM when topofarm dies
	 * (make, QEMU and friends clean up their own children on SIGTERM). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	/* What topofarm set for itself is not the program's: the scheduler
	 * blocks SIGINT, SIGTERM and SIGCHLD while it waits (a blocked SIGTERM
	 * would also hold back the death signal above), and the libvirt
	 * backend ignores SIGPIPE; a blocked mask and an ignored signal both
	 * survive exec. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (o->cwd && chdir(o->cwd) != 0)
		goto fail;
	int in = open(o->stdin_path ? o->stdin_path : "/dev/null", O_RDONLY);
	if (in < 0)
		goto fail;
	dup2(in, 0);
	if (outfd >= 0) {
		dup2(outfd, 1);
		dup2(outfd, 2);
	} else if (o->stdout_to_stderr) {
		dup2(2, 1);
	}
	for (char *const *e = o->env; e && *e; e++)
		putenv(*e);
	execvp(argv[0], argv);
fail:;
	int e = errno;
	if (write(errpipe, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

int proc_run(char *const argv[], const struct proc_opts *opts, struct proc_result *res)
{
	static const struct proc_opts defaults;
	const struct proc_opts *o = opts ? opts : &defaults;
	memset(res, 0, sizeof *res);
	res->exit_code = -1;

	int outpipe[2] = { -1, -1 }, errpipe[2];
	int outfd = -1;
	if (pipe2(errpipe, O_CLOEXEC) != 0)
		return -1;
	if (o->capture) {
		if (pipe2(outpipe, O_CLOEXEC) != 0)
			return -1;
		outfd = outpipe[1];
	} else if (o->out_path) {
		outfd = open(o->out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	} else if (o->quiet) {
		outfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	}

	double t0 = now();
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child(argv, o, outfd, errpipe[1], parent);
	setpgid(pid, pid);
	close(errpipe[1]);
	if (outpipe[1] >= 0)
		close(outpipe[1]);
	else if (outfd >= 0)
		close(outfd);

	int exec_errno = 0;
	if (read(errpipe[0], &exec_errno, sizeof exec_errno) == (ssize_t)sizeof exec_errno) {
		res->not_found = true;
		errno = exec_errno;
	}
	close(errpipe[0]);

	struct buf out = BUF_INIT;
	size_t cap = o->max_capture ? o->max_capture : (64u << 20);
	int status = 0;
	bool reaped = false;
	while (!reaped) {
		double left = o->timeout > 0 ? o->timeout - (now() - t0) : 1.0;
		if (o->timeout > 0 && left <= 0) {
			kill(-pid, SIGKILL);
			res->timed_out = true;
			waitpid(pid, &status, 0);
			reaped = true;
			break;
		}
		if (outpipe[0] >= 0) {
			struct pollfd p = { outpipe[0], POLLIN, 0 };
			int ms = (int)(left > 0.2 ? 200 : left * 1000 + 1);
			if (poll(&p, 1, ms) > 0) {
				char chunk[16384];
				ssize_t n = read(outpipe[0], chunk, sizeof chunk);
				if (n > 0 && out.len < cap)
					buf_add(&out, chunk, (size_t)n);
				else if (n == 0) {
					close(outpipe[0]);
					outpipe[0] = -1;
				}
			}
		} else {
			usleep(20000);
		}
		pid_t w = waitpid(pid, &status, outpipe[0] >= 0 ? WNOHANG : WNOHANG);
		if (w == pid)
			reaped = true;
	}
	/* Drain what the child left in the pipe after it exited. */
	if (outpipe[0] >= 0) {
		fcntl(outpipe[0], F_SETFL, O_NONBLOCK);
		char chunk[16384];
		ssize_t n;
		while ((n = read(outpipe[0], chunk, sizeof chunk)) > 0)
			if (out.len < cap)
				buf_add(&out, chunk, (size_t)n);
		close(outpipe[0]);
	}
	/* Grandchildren left in the group do not outlive the command. */
	kill(-pid, SIGKILL);
	res->seconds = now() - t0;
	if (WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		res->signal = WTERMSIG(status);
	if (o->capture) {
		res->out_len = out.len;
		res->out = buf_steal(&out);
	}
	return (res->exit_code == 0 && !res->not_found && !res->timed_out) ? 0 : -1;
}

void proc_result_free(struct proc_result *res)
{
	free(res->out);
	res->out = NULL;
}

char *argv_to_display(char *const argv[])
{
	struct buf b = BUF_INIT;
	for (int i = 0; argv[i]; i++) {
		const char *a = argv[i];
		if (i)
			buf_putc(&b, ' ');
		bool plain = *a != 0;
		for (const char *p = a; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=,./:@+%", *p))
				plain = false;
		if (plain) {
			buf_puts(&b, a);
			continue;
		}
		buf_putc(&b, '\'');
		for (const char *p = a; *p; p++) {
			if (*p == '\'')
				buf_puts(&b, "'\\''");
			else
				buf_putc(&b, *p);
		}
		buf_putc(&b, '\'');
	}
	return buf_steal(&b);
}
