/* results/console_layout.h: the memory layout a kernel printed at boot, read
 * back from console text: the BIOS-e820 and user-defined maps, the SRAT
 * memory and CPU affinity lines, "Early memory node ranges", "Initmem setup
 * node", the command line, the CPU count, and /proc/iomem lines quoted in
 * reports. Lines are cleaned by triage's console-line code (timestamps,
 * caller ids, levels, control bytes), so a console log and a pasted report
 * are read the same way. `topofarm import` builds a topology from it; a
 * divergence oracle can compare it with acpi-gen's prediction. */
#ifndef RESULTS_CONSOLE_LAYOUT_H
#define RESULTS_CONSOLE_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One printed range, [start, end), with the line it came from. */
struct printed_range {
	uint64_t start, end;
	uint32_t type;          /* e820 type (maps); 0 otherwise */
	int node, pxm;          /* SRAT / early / initmem; -1 when not given */
	bool hotplug, nonvolatile;
	int map;                /* bios/user: which map header it followed;
				   early: which "Early memory node ranges" block */
	int line;
};

struct printed_ranges {
	struct printed_range *v;
	int n;
};

/* "SRAT: PXM p -> APIC a -> Node n". */
struct printed_cpu {
	int pxm, apic, node, line;
};

/* A kernel's printed layout. Maps can be quoted more than once in a report
 * (or printed by two boots): the n_*_maps count the headers seen, and each
 * range keeps the index of the map it belongs to. */
struct console_layout {
	struct printed_ranges bios, user, iomem, srat, early, initmem;
	int n_bios_maps, n_user_maps, n_early_blocks;
	struct printed_cpu *cpus_srat;
	int n_cpus_srat;
	char *cmdline;          /* the first "Command line:" / "Kernel command line:" */
	int cmdline_line;
	int cpus;               /* "Allowing N CPUs" / "Brought up .. N CPUs"; 0 unknown */
	int cpus_line;
	bool q35;               /* DMI says Q35 */
	bool numa_off;          /* "No NUMA configuration found" */
	char *kernel_release;   /* "Linux version X" */
};

/* Reads one console line (raw bytes, any content). line: its number in the
 * source, kept with what it yields. */
void console_layout_feed(struct console_layout *c, const char *raw, size_t n, int line);
/* Reads a whole log, line by line. */
void console_layout_parse(struct console_layout *c, const char *text, size_t len);
void console_layout_free(struct console_layout *c);
/* Does it hold any range at all? */
bool console_layout_any(const struct console_layout *c);

/* The e820 type a kernel's type name stands for ("usable" -> 1,
 * "persistent (type 12)" -> 12, "type 20" -> 20); 0 if unknown. *used gets
 * how many bytes of s the name took. */
uint32_t e820_type_from_name(const char *s, size_t *used);

#endif
