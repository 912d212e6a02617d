/* tests/test_libvirt_xml.c: `topofarm show --libvirt` golden outputs. Every
 * seed and example topology has either tests/libvirt-xml/NAME.xml (the
 * domain XML) or NAME.refused (why libvirt 9 cannot describe it); a new
 * topology without either fails here, so the list cannot fall behind. */
#include "tests/harness.h"
#include "tests/util.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/proc.h"
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
			test_fail(__FILE__, __LINE__, "%s has neither %s nor %s; it gives:\n%s", files.v[i], xml_path,
				  refused_path, got ? got : err);
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
