/* results/symbolize.h: file:line for the frames of a crash report, the way
 * the kernel's scripts/faddr2line does it: "func+0xOFF/0xLEN" is looked up
 * in the vmlinux symbol table (nm), checked against the symbol's size (a
 * frame of another build has another LEN and is left alone), and the
 * address sym+OFF goes to addr2line. Works on any ELF with DWARF; kernels
 * need CONFIG_DEBUG_INFO for file:line (farm.config has DEBUG_INFO_NONE: add
 * runner/kconfig/debuginfo.config to a kernel's fragments for it). */
#ifndef RESULTS_SYMBOLIZE_H
#define RESULTS_SYMBOLIZE_H
#include <stddef.h>

struct symbolized_frame {
	char *frame;            /* "deactivate_slab+0x187/0x3c0" as printed */
	char *where;            /* "mm/slub.c:2467", or NULL when unknown */
};

struct symbolized {
	struct symbolized_frame *v;
	int n;
};

/* Finds every "name+0xOFF/0xLEN" in text (a report's text; at most 64
 * frames) and resolves them against vmlinux with nm and addr2line (argv
 * vectors). Returns 0, or -1 with *err when the tools or the file fail. */
int symbolize_text(const char *vmlinux, const char *text, struct symbolized *out, char **err);
void symbolized_free(struct symbolized *s);

struct triage_result;
/* Symbolizes every report of a triage result (report->symbols), the same for
 * `triage --vmlinux` and a run on a kernel whose vmlinux is known. A report
 * none of whose frames resolves keeps none (no debug info). 0, or -1
 * with *err (the first failure; reports already done keep their frames). */
int triage_symbolize(struct triage_result *t, const char *vmlinux, char **err);
/* file:line of the first resolved frame of function func ("deactivate_slab"),
 * or NULL: where a report's guilty frame is. */
const char *symbolized_where(const struct symbolized *s, const char *func);
/* The store's form: one "FRAME\tWHERE" line per frame (WHERE empty when
 * unknown). NULL for no frames. Caller frees. */
char *symbolized_to_lines(const struct symbolized *s);
/* Its inverse, for text read back from the store (malformed lines skipped). */
void symbolized_from_lines(const char *lines, struct symbolized *out);

#endif
