/* tests/test_mem_budget.c: how many guests `topofarm run` starts at once
 * when free memory is short (runner/mem_budget.c), one case per line of
 * tests/jobs/cases.txt, and that MemAvailable is read from this host. */
#include "tests/harness.h"
#include "runner/mem_budget.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST(mem_budget_lowers_jobs_to_what_free_memory_holds)
{
	char *text = read_file("tests/jobs/cases.txt", NULL);
	REQUIRE(text);
	int cases = 0, line_no = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		line_no++;
		if (line[0] == '#' || !line[0])
			continue;
		int requested, want_jobs;
		unsigned long long avail_mib, guest_mib;
		char *bar1 = strstr(line, " | ");
		char *bar2 = bar1 ? strstr(bar1 + 3, " | ") : NULL;
		if (!bar2 || sscanf(line, "%d %llu %llu", &requested, &avail_mib, &guest_mib) != 3 ||
		    sscanf(bar1 + 3, "%d", &want_jobs) != 1) {
			test_fail(__FILE__, __LINE__, "cases.txt:%d: expected REQ AVAIL GUEST | JOBS | NOTE", line_no);
			continue;
		}
		const char *want_note = bar2 + 3;
		char *note = NULL;
		int jobs = mem_budget_jobs(requested, (uint64_t)avail_mib << 20, (uint64_t)guest_mib << 20, &note);
		if (jobs != want_jobs)
			test_fail(__FILE__, __LINE__, "cases.txt:%d: %d jobs, expected %d", line_no, jobs, want_jobs);
		if (!strcmp(want_note, "-") ? note != NULL : !note || !strstr(note, want_note))
			test_fail(__FILE__, __LINE__, "cases.txt:%d: note\n  got      %s\n  expected %s", line_no,
				  note ? note : "(none)", want_note);
		free(note);
		cases++;
	}
	CHECK(cases >= 8);
	free(text);
}

TEST(mem_budget_reads_mem_available)
{
	uint64_t avail = mem_budget_available();
	CHECK(avail > 0);
	/* A guest costs more host memory as it grows, but far less than its RAM. */
	CHECK(mem_budget_per_guest(512ULL << 20) < mem_budget_per_guest(5ULL << 30));
	CHECK(mem_budget_per_guest(5ULL << 30) < (5ULL << 30) / 4);
}
