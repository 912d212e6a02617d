/* tests/test_common.c: sizes, JSON escaping, SHA-256, process running and
 * write_all. */
#include "tests/harness.h"
#include "common/size.h"
#include "common/json.h"
#include "common/sha256.h"
#include "common/proc.h"
#include "common/write_all.h"
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(size_parse_suffixes_and_hex)
{
	static const struct { const char *in; uint64_t v; int ok; } cases[] = {
		{ "0", 0, 1 }, { "16K", 16384, 1 }, { "2050M", 2050ULL << 20, 1 },
		{ "4G", 4ULL << 30, 1 }, { "1T", 1ULL << 40, 1 }, { "0x38000000", 0x38000000, 1 },
		{ "0x1M", 1ULL << 20, 1 }, { "4g", 4ULL << 30, 1 },
		{ "", 0, 0 }, { "M", 0, 0 }, { "12Q", 0, 0 }, { "-1", 0, 0 },
		{ "18446744073709551616", 0, 0 }, { "16777216T", 0, 0 }, { "0x", 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t v = 0;
		bool ok = size_parse(cases[i].in, &v);
		if (ok != (bool)cases[i].ok)
			test_fail(__FILE__, __LINE__, "size_parse(\"%s\") ok=%d", cases[i].in, ok);
		else if (ok && v != cases[i].v)
			test_fail(__FILE__, __LINE__, "size_parse(\"%s\") = %llu", cases[i].in, (unsigned long long)v);
	}
}

TEST(size_format_canonical)
{
	char s[32];
	size_format(2050ULL << 20, s, sizeof s); CHECK_STR(s, "2050M");
	size_format(16384, s, sizeof s); CHECK_STR(s, "16K");
	size_format(4ULL << 30, s, sizeof s); CHECK_STR(s, "4G");
	size_format(1000, s, sizeof s); CHECK_STR(s, "1000");
	size_format(0, s, sizeof s); CHECK_STR(s, "0");
}

TEST(json_escapes_hostile_text)
{
	struct buf b = BUF_INIT;
	struct json j;
	json_init(&j, &b, false);
	json_object_begin(&j);
	json_key(&j, "a");
	json_string(&j, "x\"<\x01\xff\n");
	json_key(&j, "n");
	json_array_begin(&j);
	json_int(&j, 1);
	json_int(&j, -2);
	json_array_end(&j);
	json_object_end(&j);
	CHECK_STR(b.s, "{\"a\":\"x\\\"<\\u0001\\ufffd\\n\",\"n\":[1,-2]}");
	buf_reset(&b);
	/* Overlong '/' (C0 AF) and an encoded surrogate (ED A0 80) are not UTF-8. */
	json_escape(&b, "\xc0\xaf|\xed\xa0\x80|\xc3\xa9", 10);
	CHECK(strstr(b.s, "\xc0") == NULL && strstr(b.s, "\xed") == NULL);
	CHECK_CONTAINS(b.s, "\xc3\xa9");
	buf_free(&b);
}

TEST(sha256_known_vectors)
{
	char h[65];
	sha256_hex("", 0, h);
	CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(proc_run_captures_and_times_out)
{
	struct proc_result r;
	char *echo[] = { "sh", "-c", "printf 'a b'; exit 3", NULL };
	struct proc_opts o = { .capture = true };
	proc_run(echo, &o, &r);
	CHECK_INT(r.exit_code, 3);
	CHECK_STR(r.out, "a b");
	proc_result_free(&r);

	char *slow[] = { "sleep", "5", NULL };
	struct proc_opts t = { .timeout = 0.3 };
	CHECK(proc_run(slow, &t, &r) != 0);
	CHECK(r.timed_out);
	CHECK(r.seconds < 4.0);

	char *missing[] = { "/nonexistent/topofarm-no-such-program", NULL };
	CHECK(proc_run(missing, NULL, &r) != 0);
	CHECK(r.not_found);
}

/* The mask of /proc/PID/status line "NAME:\tHEX" in status, or ~0. */
static unsigned long long status_mask(const char *status, const char *name)
{
	const char *at = status ? strstr(status, name) : NULL;
	return at ? strtoull(at + strlen(name), NULL, 16) : ~0ULL;
}

/* A program runs with default signal handling whatever topofarm set for
 * itself: the scheduler's blocked SIGINT/SIGTERM/SIGCHLD and the libvirt
 * backend's ignored SIGPIPE both survive exec unless the child undoes them. */
TEST(proc_children_start_with_default_signals)
{
	sigset_t block, old;   /* the scheduler's SIGTERM, for one */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	char *argv[] = { "cat", "/proc/self/status", NULL };
	struct proc_opts o = { .capture = true };
	struct proc_result r;
	int rc = proc_run(argv, &o, &r);
	signal(SIGPIPE, old_pipe);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_INT(rc, 0);
	CHECK_U64(status_mask(r.out, "\nSigBlk:\t"), 0);
	CHECK_U64(status_mask(r.out, "\nSigIgn:\t") & (1ULL << (SIGPIPE - 1)), 0);
	proc_result_free(&r);
}

TEST(proc_children_die_with_their_parent)
{
	/* A middle process runs `sleep 30` through proc_run, then is killed -9:
	 * the sleep (in its own process group) must not outlive it. */
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t mid = fork();
	if (mid == 0) {
		close(fds[0]);
		char *argv[] = { "sh", "-c", "echo $$ >&3; exec sleep 30", NULL };
		char fd3[] = "3";
		(void)fd3;
		dup2(fds[1], 3);
		struct proc_result r;
		proc_run(argv, NULL, &r);
		_exit(0);
	}
	close(fds[1]);
	char buf[32] = { 0 };
	ssize_t n = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	REQUIRE(n > 0);
	pid_t sleeper = (pid_t)atoi(buf);
	REQUIRE(sleeper > 0);
	kill(mid, SIGKILL);
	waitpid(mid, NULL, 0);
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		char path[64], state = 0;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)sleeper);
		FILE *f = fopen(path, "r");
		if (!f)
			gone = true;
		else {
			/* A zombie left for init to reap counts as gone. */
			if (fscanf(f, "%*d %*s %c", &state) == 1 && state == 'Z')
				gone = true;
			fclose(f);
		}
		if (!gone)
			usleep(50000);
	}
	CHECK(gone);
	if (!gone)
		kill(sleeper, SIGKILL);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* The pattern byte at offset i: a byte lost, doubled or moved shows. */
static unsigned char pattern_at(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/* write_all gets every byte through writes that a signal cuts short (a
 * timer interrupts the writer while the pipe is full: short counts and
 * EINTR), in order; a reader that is gone is an error (EPIPE), not a
 * silent success. The writers are children: the signals stay there. */
TEST(write_all_survives_short_writes_and_reports_a_gone_reader)
{
	enum { N = 1 << 20 };
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t writer = fork();
	REQUIRE(writer >= 0);
	if (writer == 0) {
		close(fds[0]);
		static unsigned char out[N];
		for (size_t i = 0; i < N; i++)
			out[i] = pattern_at(i);
		struct sigaction sa = { .sa_handler = on_alarm };   /* no SA_RESTART */
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval every = { { 0, 2000 }, { 0, 2000 } };
		setitimer(ITIMER_REAL, &every, NULL);
		_exit(write_all(fds[1], out, N) ? 0 : 1);
	}
	close(fds[1]);
	usleep(50000);   /* let the pipe fill, so writes block and get cut */
	static unsigned char in[N + 1];
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fds[0], in + got, sizeof in - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	int status = 0;
	REQUIRE(waitpid(writer, &status, 0) == writer);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(got, N);
	size_t bad = 0;
	for (size_t i = 0; i < got && i < N; i++)
		bad += in[i] != pattern_at(i);
	CHECK_INT(bad, 0);

	pid_t lost = fork();
	REQUIRE(lost >= 0);
	if (lost == 0) {
		signal(SIGPIPE, SIG_IGN);
		int p[2];
		if (pipe(p) != 0)
			_exit(2);
		close(p[0]);
		bool ok = write_all(p[1], "x", 1);
		_exit(!ok && errno == EPIPE ? 0 : 1);
	}
	REQUIRE(waitpid(lost, &status, 0) == lost);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!write_all(-1, "x", 1) && errno == EBADF);
}
