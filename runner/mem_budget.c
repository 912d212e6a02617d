/* runner/mem_budget.c: guests at once from free memory (see mem_budget.h).
 * /proc/meminfo is a fixed "Key:   N kB" format: read with sscanf, no parser. */
#include "runner/mem_budget.h"
#include "common/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fitted on bench/guest-memory (TCG, farm and Debian 6.1 kernels): QEMU
 * itself with a warm TCG code buffer stays under 256 MiB, and a booting
 * guest touches well under 1/16 of its RAM (struct pages are 1/64). */
#define QEMU_BASE (256ULL << 20)
#define TOUCHED_SHARE 16

uint64_t mem_budget_per_guest(uint64_t guest_bytes)
{
	return QEMU_BASE + guest_bytes / TOUCHED_SHARE;
}

static char *mib(uint64_t bytes)
{
	return xasprintf("%llu MiB", (unsigned long long)(bytes >> 20));
}

int mem_budget_jobs(int requested, uint64_t available, uint64_t largest_guest, char **note)
{
	*note = NULL;
	if (requested < 1)
		requested = 1;
	if (available == 0)
		return requested;   /* unknown: trust the caller */
	uint64_t per = mem_budget_per_guest(largest_guest);
	uint64_t usable = available > MEM_BUDGET_HOST_RESERVE ? available - MEM_BUDGET_HOST_RESERVE : 0;
	uint64_t fit = usable / per;
	if (fit >= (uint64_t)requested)
		return requested;
	char *a = mib(available), *p = mib(per), *g = mib(largest_guest);
	int jobs;
	if (fit == 0) {
		jobs = 1;
		char *lowered = requested > 1 ? xasprintf("-j %d lowered to 1: ", requested) : xstrdup("");
		*note = xasprintf("%s%s available cannot hold even one guest of %s "
				  "(up to %s each, %llu MiB kept for the host); running one at a time",
				  lowered, a, g, p, (unsigned long long)(MEM_BUDGET_HOST_RESERVE >> 20));
		free(lowered);
	} else {
		jobs = (int)fit;
		*note = xasprintf("-j %d lowered to %d: %s available holds %d guest%s of %s "
				  "(up to %s each, %llu MiB kept for the host)",
				  requested, jobs, a, jobs, jobs == 1 ? "" : "s", g, p,
				  (unsigned long long)(MEM_BUDGET_HOST_RESERVE >> 20));
	}
	free(a);
	free(p);
	free(g);
	return jobs;
}

uint64_t mem_budget_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kb = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb > UINT64_MAX / 1024 ? 0 : (uint64_t)kb * 1024;
}
