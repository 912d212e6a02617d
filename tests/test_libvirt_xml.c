/* tests/test_libvirt_xml.c: `topofarm show --libvirt` golden outputs. Every
 * seed and example topology has either tests/libvirt-xml/NAME.xml (the
 * domain XML) or NAME.refused (why libvirt 9 cannot describe it). A new
 * topology without either is only required to give XML or a refusal (so
 * adding a topology never breaks this test); regenerate with
 * `topofarm show --libvirt T > tests/libvirt-xml/NAME.xml` after checking. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
#include "runner/libvirt_hosts.h"
#include "runner/libvirt_xml.h"
#include <stdlib.h>
#include <string.h>

static void check_dir(const char *dir)
{
	struct file_list files;
	list_files(dir, ".topo", &files);
	REQUIRE(files.n >= 5);
	for (int i = 0; i < files.n; i++) {
		const char *name = strrchr(files.v[i], '/') + 1;
		char *base = xstrndup(name, strlen(name) - 5);
		char *xml_path = xasprintf("tests/libvirt-xml/%s.xml", base);
		char *refused_path = xasprintf("tests/libvirt-xml/%s.refused", base);
		struct topology t;
		struct topo_error te;
		REQUIRE(topo_parse_file(files.v[i], &t, &te) == 0);
		char *err = NULL;
		char *got = libvirt_domain_xml(&t, NULL, &err);
		char *want_xml = read_file(xml_path, NULL), *want_refused = read_file(refused_path, NULL);
		if (!want_xml && !want_refused)
			CHECK(got || (err && strstr(err, "libvirt cannot describe")));
		else if (want_xml && (!got || strcmp(got, want_xml)))
			test_fail(__FILE__, __LINE__, "%s differs from `topofarm show --libvirt %s`:\n%s", xml_path, files.v[i],
				  got ? got : err);
		else if (want_refused && (got || strncmp(err, want_refused, strcspn(want_refused, "\n"))))
			test_fail(__FILE__, __LINE__, "%s: expected the refusal in %s, got:\n%s", files.v[i], refused_path,
				  got ? got : err);
		free(got), free(err), free(want_xml), free(want_refused), free(xml_path), free(refused_path), free(base);
		topo_free(&t);
	}
	file_list_free(&files);
}

TEST(libvirt_xml_golden_outputs)
{
	check_dir("topologies/seeds");
	check_dir("topologies/examples");
}

TEST(libvirt_xml_cli_prints_it_and_refuses_clearly)
{
	char *argv[] = { (char *)topofarm_bin(), "show", "--libvirt", "topologies/examples/two-node.topo", NULL };
	struct proc_result r;
	CHECK_INT(run_captured(argv, 30, &r), 0);
	char *want = read_file("tests/libvirt-xml/two-node.xml", NULL);
	CHECK_STR(r.out, want);
	free(want);
	proc_result_free(&r);
	char *bad[] = { (char *)topofarm_bin(), "show", "--libvirt", "topologies/examples/memoryless-node.topo", NULL };
	CHECK_INT(run_captured(bad, 30, &r), 1);
	CHECK_CONTAINS(r.out, "node 1 has CPUs but no memory");
	proc_result_free(&r);
	char *both[] = { (char *)topofarm_bin(), "show", "--libvirt", "--json", "topologies/examples/two-node.topo", NULL };
	CHECK_INT(run_captured(both, 30, &r), 2);
	proc_result_free(&r);
}

/* tests/libvirt-hosts/NAME.hosts: each hosts file and what it parses to
 * (NAME.expected: one `URI SLOTS` a line, or the error). */
TEST(libvirt_hosts_files_parse_or_say_file_and_line)
{
	struct file_list files;
	list_files("tests/libvirt-hosts", ".hosts", &files);
	REQUIRE(files.n >= 5);
	for (int i = 0; i < files.n; i++) {
		char *text = read_file(files.v[i], NULL);
		char *exp_path = xasprintf("%.*s.expected", (int)(strlen(files.v[i]) - 6), files.v[i]);
		char *want = read_file(exp_path, NULL);
		struct lv_farm f;
		char *err = NULL;
		struct buf got = BUF_INIT;
		if (lv_farm_parse(files.v[i], text, &f, &err) == 0) {
			for (int h = 0; h < f.n; h++)
				buf_printf(&got, "%s %d\n", f.hosts[h].uri, f.hosts[h].slots);
			lv_farm_free(&f);
		} else {
			buf_printf(&got, "error: %s\n", err);
		}
		if (!want || strcmp(want, got.s))
			test_fail(__FILE__, __LINE__, "%s: %s says\n%sbut it parses to\n%s", files.v[i], exp_path,
				  want ? want : "(missing)\n", got.s);
		free(text), free(exp_path), free(want), free(err);
		buf_free(&got);
	}
	file_list_free(&files);
}
