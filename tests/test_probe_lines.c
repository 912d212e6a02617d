/* tests/test_probe_lines.c: the probe line frame (common/line_frame.h) and
 * the reader that takes probe lines out of a console log
 * (results/probe_lines.h), on real console logs where a kernel printk
 * landed inside a probe line, and on cases made from real lines
 * (tests/results/interleaved/: NAME.log, NAME.topo, NAME.expect). An
 * .expect file holds, in order:
 *   KIND TEXT      a piece of that kind (kernel, probe, unframed, damaged)
 *                  starting with TEXT is handed out, after the previous one;
 *   count KIND N   exactly N pieces of that kind;
 *   divergences N  the layout oracle finds N differing groups;
 *   note TEXT      the oracle's notes (what it did not compare) contain TEXT. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/line_frame.h"
#include "results/divergence.h"
#include "results/probe_lines.h"
#include "topologies/topo.h"
#include <stdlib.h>
#include <string.h>

#define DIR "tests/results/interleaved"

static const char *const kind_names[] = { "kernel", "probe", "unframed", "damaged" };

struct pieces {
	struct buf text;        /* "KIND TEXT\n" per piece */
	int count[4];
};

static void collect(void *ctx, enum probe_piece kind, const char *s, size_t n, int line)
{
	(void)line;
	struct pieces *p = ctx;
	p->count[kind]++;
	buf_printf(&p->text, "%s %.*s\n", kind_names[kind], (int)n, s);
}

static int kind_of(const char *w)
{
	for (int k = 0; k < 4; k++)
		if (!strcmp(w, kind_names[k]))
			return k;
	return -1;
}

static void check_case(const char *log_path)
{
	size_t len;
	char *log = read_file(log_path, &len);
	REQUIRE(log);
	char *expect = read_expected(log_path, ".expect");
	if (!expect) {
		test_fail(__FILE__, __LINE__, "%s: no .expect beside it", log_path);
		free(log);
		return;
	}
	struct pieces p = { BUF_INIT, { 0 } };
	struct probe_lines r;
	probe_lines_init(&r, collect, &p);
	probe_lines_parse(&r, log, len);
	probe_lines_finish(&r);
	const char *all = p.text.s ? p.text.s : "", *pos = all;

	struct divergence d;
	bool have_d = false;
	char *topo_path = xasprintf("%.*s.topo", (int)(strlen(log_path) - 4), log_path);
	struct topology t;
	struct topo_error err;
	if (topo_parse_file(topo_path, &t, &err) == 0) {
		divergence_check(&t, log, len, NULL, &d);
		topo_free(&t);
		have_d = true;
	}

	char *save, *copy = xstrdup(expect);
	int lineno = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (l[0] == '#' || !l[0])
			continue;
		char *sp = strchr(l, ' ');
		if (!sp) {
			test_fail(__FILE__, __LINE__, "%s.expect: bad line %s", log_path, l);
			continue;
		}
		*sp = 0;
		const char *arg = sp + 1;
		int k = kind_of(l);
		if (k >= 0) {
			char *want = xasprintf("%s %s", l, arg);
			const char *found = NULL;
			for (const char *q = pos; q && *q; q = strchr(q, '\n') ? strchr(q, '\n') + 1 : NULL)
				if (!strncmp(q, want, strlen(want))) {
					found = q;
					break;
				}
			if (!found)
				test_fail(__FILE__, __LINE__, "%s: no piece \"%s\" after the previous one; pieces:\n%s", log_path, want, all);
			else
				pos = strchr(found, '\n') + 1;
			free(want);
		} else if (!strcmp(l, "count")) {
			char kind[16];
			int n;
			if (sscanf(arg, "%15s %d", kind, &n) != 2 || kind_of(kind) < 0)
				test_fail(__FILE__, __LINE__, "%s.expect: bad count %s", log_path, arg);
			else if (p.count[kind_of(kind)] != n)
				test_fail(__FILE__, __LINE__, "%s: %d %s pieces, expected %d; pieces:\n%s", log_path,
					  p.count[kind_of(kind)], kind, n, all);
		} else if (!strcmp(l, "divergences")) {
			REQUIRE(have_d);
			if (d.n != atoi(arg)) {
				char *text = divergence_text(&d);
				test_fail(__FILE__, __LINE__, "%s: %d divergences, expected %s:\n%s", log_path, d.n, arg, text);
				free(text);
			}
		} else if (!strcmp(l, "note")) {
			REQUIRE(have_d);
			if (!d.skipped || !strstr(d.skipped, arg))
				test_fail(__FILE__, __LINE__, "%s: notes \"%s\" lack \"%s\"", log_path, d.skipped ? d.skipped : "", arg);
		} else {
			test_fail(__FILE__, __LINE__, "%s.expect:%d: unknown word %s", log_path, lineno, l);
		}
	}
	free(copy);
	if (have_d)
		divergence_free(&d);
	free(topo_path);
	buf_free(&p.text);
	free(expect);
	free(log);
}

TEST(probe_lines_take_only_whole_probe_lines_from_interleaved_consoles)
{
	struct file_list cases;
	list_files(DIR, ".log", &cases);
	CHECK(cases.n >= 4);
	for (int i = 0; i < cases.n; i++)
		check_case(cases.v[i]);
	file_list_free(&cases);
}

/* The frame itself: any change to the text, the frame or its length fails. */
TEST(line_frame_checks_the_whole_line)
{
	const char text[] = "@@TOPOFARM nodes online=0-1 possible=0-1 block_size=0x8000000";
	char frame[LINE_FRAME_LEN];
	line_frame_trailer(text, strlen(text), frame);
	char *line = xasprintf("%s%s", text, frame);
	size_t body;
	CHECK(line_frame_check(line, strlen(line), &body));
	CHECK_INT(body, strlen(text));
	for (size_t i = 0; i < strlen(line); i++) {
		char *bad = xstrdup(line);
		bad[i] ^= 0x01;
		CHECK(!line_frame_check(bad, strlen(bad), &body));
		free(bad);
	}
	CHECK(!line_frame_check(line, strlen(line) - 1, &body));
	CHECK(!line_frame_check(line + 1, strlen(line) - 1, &body));
	char *spliced = xasprintf("%.20s[    3.179996] input: x%s", text, text + 20);
	char *spliced_framed = xasprintf("%s%s", spliced, frame);
	CHECK(!line_frame_check(spliced_framed, strlen(spliced_framed), &body));
	CHECK(!line_frame_present(text, strlen(text)));
	CHECK(line_frame_present(line, strlen(line)));
	free(spliced), free(spliced_framed), free(line);
}
