/* results/divergence.h: the second oracle. After a boot it compares what
 * the layout model (acpi-gen/model.h) predicts with what the kernel printed
 * (BIOS-e820, the user-defined map, SRAT lines, NUMA init's merges and
 * fallbacks, NODE_DATA, zone ranges, movable zone starts, early node
 * ranges, Initmem setup, holes in zones, the memory block size) and with
 * what the guest probe saw before any runtime step changed the layout
 * (online nodes and their block ranges, memory blocks with state,
 * valid_zones and node, zone spans from /proc/zoneinfo). Each difference
 * names its group and both sides' differing lines. Known-benign
 * differences come from a data file (results/divergence-benign.conf):
 * lines to ignore, and the slack of SeaBIOS's reservation at the top of low
 * RAM, within which the model is recomputed with the size the kernel's
 * BIOS-e820 shows (noted in `skipped`). */
#ifndef RESULTS_DIVERGENCE_H
#define RESULTS_DIVERGENCE_H
#include "topologies/topo.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Groups beyond the console ones of acpi-gen/model_lines.h. */
enum divergence_group_extra { DG_PROBE_NODES = 100, DG_PROBE_BLOCKS, DG_PROBE_ZONES };

struct divergence_item {
	char *group;            /* "Zone ranges", "probe memory-blocks", ... */
	char *predicted;        /* the model's lines missing from what was seen, '\n'-separated ("" none) */
	char *seen;             /* the lines seen that the model did not predict */
};

struct divergence {
	struct divergence_item *v;
	int n;
	int n_benign;           /* lines the benign list set aside */
	int n_damaged;          /* probe groups not compared: their output was damaged (noted in skipped) */
	char *skipped;          /* what was not compared and why, or NULL */
};

struct divergence_benign;

/* Compares; never fails on any log (hostile bytes). benign may be NULL:
 * the built-in list (the same as results/divergence-benign.conf). */
void divergence_check(const struct topology *t, const char *log, size_t len,
		      const struct divergence_benign *benign, struct divergence *out);
void divergence_free(struct divergence *d);
/* "divergence in Zone ranges" (the first group), caller frees; NULL if none. */
char *divergence_title(const struct divergence *d);
/* Both views, one block per group, for reports and records. Caller frees. */
char *divergence_text(const struct divergence *d);

/* The benign list: "ignore GROUP-KEY GLOB -- reason" lines. 0, or -1 with
 * *err = "FILE:LINE: what was expected" (caller frees). */
int divergence_benign_parse(const char *text, size_t len, const char *name,
			    struct divergence_benign **out, char **err);
int divergence_benign_load(const char *path, struct divergence_benign **out, char **err);
void divergence_benign_free(struct divergence_benign *b);
const struct divergence_benign *divergence_benign_builtin(void);
int divergence_benign_count(const struct divergence_benign *b);
/* How far SeaBIOS's reservation at the top of low RAM may differ from the
 * model's before it counts ("seabios-slack SIZE"; 0: not at all). */
uint64_t divergence_benign_seabios_slack(const struct divergence_benign *b);
/* Short keys of groups, as the benign list names them ("e820", "zones", "probe-blocks", ...). */
const char *divergence_group_key(int group);
/* Is this line of this group set aside by the list? */
bool divergence_benign_match(const struct divergence_benign *b, int group, const char *line);

#endif
