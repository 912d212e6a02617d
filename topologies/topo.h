/* topologies/topo.h: the in-memory form of a .topo file, the single source of
 * truth every later stage (tables, QEMU arguments, runs, verdicts) derives
 * from. Parsing is in topo_parse.c, printing in topo_print.c, validation in
 * topo_validate.c; docs/topology.md is the user-facing grammar. */
#ifndef TOPOLOGIES_TOPO_H
#define TOPOLOGIES_TOPO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOPO_MAX_NODES 128      /* QEMU's MAX_NODES */
#define TOPO_MAX_CPUS 256
#define TOPO_NAME_MAX 64

enum topo_machine { MACHINE_PC, MACHINE_Q35 };

/* A parsed source position, for messages that point back at the file. */
struct topo_pos {
	int line, col;
};

struct cpuset {
	uint64_t bits[TOPO_MAX_CPUS / 64];
};

struct topo_node {
	int id;
	uint64_t mem;                 /* bytes; 0 = memoryless */
	struct cpuset cpus;           /* empty = CPU-less */
	int initiator;                /* -1: not given */
	struct topo_pos pos;
};

/* HMAT latency/bandwidth entry, QEMU's -numa hmat-lb. */
enum hmat_hierarchy { HMAT_MEMORY, HMAT_FIRST_LEVEL, HMAT_SECOND_LEVEL, HMAT_THIRD_LEVEL };
enum hmat_data_type {
	HMAT_ACCESS_LATENCY, HMAT_READ_LATENCY, HMAT_WRITE_LATENCY,
	HMAT_ACCESS_BANDWIDTH, HMAT_READ_BANDWIDTH, HMAT_WRITE_BANDWIDTH,
};
struct topo_hmat_lb {
	int initiator, target;
	enum hmat_hierarchy hierarchy;
	enum hmat_data_type type;
	uint64_t value;               /* latency in ns, bandwidth in bytes/s */
	struct topo_pos pos;
};

/* HMAT memory side cache, QEMU's -numa hmat-cache. */
enum hmat_assoc { HMAT_ASSOC_NONE, HMAT_ASSOC_DIRECT, HMAT_ASSOC_COMPLEX };
enum hmat_policy { HMAT_POLICY_NONE, HMAT_POLICY_WRITE_BACK, HMAT_POLICY_WRITE_THROUGH };
struct topo_hmat_cache {
	int node, level;              /* level 1..3 */
	uint64_t size;
	enum hmat_assoc assoc;
	enum hmat_policy policy;
	uint32_t line;                /* cache line size in bytes */
	struct topo_pos pos;
};

/* A cold-plugged DIMM or NVDIMM (hot-added ones are runtime steps). */
struct topo_dimm {
	char id[TOPO_NAME_MAX];
	int node;
	uint64_t size;
	bool nvdimm;
	struct topo_pos pos;
};

/* One entry of a memmap= kernel parameter (the kernel's own syntax). */
enum memmap_kind {
	MEMMAP_EXACTMAP,              /* memmap=exactmap */
	MEMMAP_LIMIT,                 /* memmap=nn      (like mem=nn) */
	MEMMAP_RAM,                   /* memmap=nn@ss   usable */
	MEMMAP_ACPI,                  /* memmap=nn#ss   ACPI data */
	MEMMAP_RESERVED,              /* memmap=nn$ss   reserved */
	MEMMAP_PRAM,                  /* memmap=nn!ss   persistent (type 12) */
	MEMMAP_RETYPE,                /* memmap=nn%ss-old+new */
};
struct memmap_entry {
	enum memmap_kind kind;
	uint64_t size, start;
	int old_type, new_type;       /* MEMMAP_RETYPE; old_type -1 when omitted */
};

/* A kernel command-line parameter the topology adds. Known ones are parsed
 * (memmap=, mem=, numa=, memhp_default_state=, movable_node, kernelcore=,
 * movablecore=) so the layout predictor and validator understand them;
 * unknown ones pass through verbatim. */
enum cmdline_kind {
	CMD_OTHER, CMD_MEMMAP, CMD_MEM, CMD_NUMA, CMD_MEMHP_STATE,
	CMD_MOVABLE_NODE, CMD_KERNELCORE, CMD_MOVABLECORE,
};
struct topo_cmdline {
	char *text;                   /* the parameter as written: memmap=256M!0x38000000 */
	enum cmdline_kind kind;
	struct memmap_entry *memmap;  /* CMD_MEMMAP: the comma-separated entries */
	int n_memmap;
	uint64_t size;                /* CMD_MEM, and kernelcore=/movablecore= sizes */
	struct topo_pos pos;
};

/* Firmware: who builds the SRAT/SLIT/HMAT the guest sees. */
enum firmware_source {
	FIRMWARE_QEMU,                /* QEMU builds them from -numa (default) */
	FIRMWARE_GENERATED,           /* acpi-gen builds them; loaded via initrd table upgrade */
};
enum table_mode {
	TABLE_AUTO,                   /* override if QEMU builds that table, else install */
	TABLE_OVERRIDE,               /* same OEM ids as QEMU, higher OEM revision */
	TABLE_INSTALL,                /* different ids: added as an extra table */
};
enum table_sig { TABLE_SRAT, TABLE_SLIT, TABLE_HMAT, TABLE__COUNT };

/* Deliberate damage to one generated table. */
struct table_faults {
	bool bad_checksum;            /* checksum byte off by one */
	bool has_checksum;            /* explicit checksum value */
	uint8_t checksum;
	int64_t length_delta;         /* header length field = real length + delta */
	uint32_t truncate;            /* drop this many bytes from the end */
};

struct table_spec {
	bool present;                 /* a "table" line named it, or entries exist */
	bool omit;                    /* "table slit omit": generate none */
	enum table_mode mode;
	int revision;                 /* -1: default for the table */
	int oem_revision;             /* -1: default (QEMU's + 1 in override mode) */
	struct table_faults faults;
	struct topo_pos pos;
};

/* One SRAT subtable given by hand (firmware generated). */
enum srat_kind { SRAT_CPU, SRAT_MEMORY, SRAT_X2APIC, SRAT_GENERIC_INITIATOR, SRAT_RAW };
#define SRAT_ENABLED     0x1
#define SRAT_HOTPLUG     0x2
#define SRAT_NONVOLATILE 0x4
struct srat_entry {
	enum srat_kind kind;
	uint32_t pxm;
	uint32_t apic_id;             /* CPU, X2APIC */
	uint64_t base, length;        /* MEMORY */
	uint32_t flags;               /* SRAT_* flag bits */
	uint32_t count;               /* repeat this entry N times (>= 1), bases advancing by length */
	uint8_t raw_type, raw_length; /* RAW: an unknown/odd subtable of this type and length */
	uint8_t device_handle[16];    /* GENERIC_INITIATOR: ACPI HID+UID or PCI handle bytes */
	struct topo_pos pos;
};

/* Runtime steps after boot, performed in order by the runner. */
enum step_kind {
	STEP_PROBE,                   /* arg: probe names (space separated) */
	STEP_HOT_ADD,                 /* dimm id, node, size */
	STEP_HOT_REMOVE,              /* dimm id */
	STEP_ONLINE,                  /* blocks: "all", "new", or a block list; zone */
	STEP_OFFLINE,                 /* blocks */
	STEP_OFFLINE_NODE,            /* node */
	STEP_CPU_DOWN, STEP_CPU_UP,   /* cpu */
	STEP_SLEEP,                   /* seconds (value) */
	STEP_CPU_UNPLUG,              /* cpu: QEMU device_del of vCPU cpu (host step) */
	STEP_CPU_PLUG,                /* cpu, node (-1: not written): device_add of it again */
};
enum online_zone { ZONE_DEFAULT, ZONE_KERNEL, ZONE_MOVABLE };
struct topo_step {
	enum step_kind kind;
	char *arg;                    /* probe list, dimm id, or block list */
	int node, cpu;
	uint64_t size;
	uint64_t value;
	bool nvdimm;
	enum online_zone zone;
	struct topo_pos pos;
};

/* Outcome classes of a run (DESIGN.md): a closed set. */
enum outcome {
	OUTCOME_PASS, OUTCOME_WARNING, OUTCOME_OOPS, OUTCOME_PANIC,
	OUTCOME_HANG, OUTCOME_BOOT_FAIL, OUTCOME_INFRA,
	OUTCOME_DIVERGENCE,           /* booted clean, but not what the layout model predicts */
	OUTCOME__COUNT
};
const char *outcome_name(enum outcome o);
/* Returns -1 for an unknown name. */
int outcome_from_name(const char *s);
/* Seriousness for "the worst of several runs": infra 0 (says nothing about
 * the kernel), pass 1, divergence 2, warning 3, hang 4, oops 5, boot-fail 6,
 * panic 7. */
int outcome_rank(enum outcome o);

struct topo_expect {
	char *kernel;                 /* kernel name, or "*" for any */
	enum outcome outcome;
	char *title;                  /* NULL: any title */
	struct topo_pos pos;
};

struct topology {
	/* Metadata. */
	char *name, *description, *source;
	char **tags;
	int n_tags;

	enum topo_machine machine;
	int cpus, sockets;            /* sockets 0: not given */
	struct cpuset unplugged;      /* vCPU slots empty at boot (cpu-plug fills them) */
	uint64_t memory;              /* total boot RAM (-m) */
	bool memory_given;

	struct topo_node *nodes;      /* sorted by id after parsing */
	int n_nodes;
	/* distance[i][j] for node ids; 0 = not given. */
	uint8_t (*distance)[TOPO_MAX_NODES];
	bool any_distance;
	struct topo_distance_line { int from, to; bool oneway; struct topo_pos pos; } *distance_lines;
	int n_distance_lines;
	/* Where the once-only directives stood, for messages. */
	struct topo_pos machine_pos, cpus_pos, memory_pos, hotplug_pos;

	struct topo_hmat_lb *hmat_lb;
	int n_hmat_lb;
	struct topo_hmat_cache *hmat_cache;
	int n_hmat_cache;
	bool hmat;                    /* hmat=on (implied by hmat lines) */

	int slots;                    /* hotplug slots, 0 = none */
	uint64_t maxmem;
	struct topo_dimm *dimms;
	int n_dimms;

	struct topo_cmdline *cmdline;
	int n_cmdline;

	enum firmware_source firmware;
	struct table_spec tables[TABLE__COUNT];
	struct srat_entry *srat;
	int n_srat;

	struct topo_step *steps;
	int n_steps;

	struct topo_expect *expects;
	int n_expects;

	int timeout;                  /* seconds for the whole run; 0 = default */
	char *text;                   /* the exact source text it was parsed from */
};

/* Diagnostics: file:line:col: message. A parse stops at the first error. */
struct topo_error {
	char file[256];
	int line, col;
	char msg[512];
};

/* Parses text (len bytes, any bytes at all) into *t. On failure returns -1,
 * fills *err and leaves *t empty (safe to topo_free). */
int topo_parse(const char *text, size_t len, const char *filename,
	       struct topology *t, struct topo_error *err);
int topo_parse_file(const char *path, struct topology *t, struct topo_error *err);
void topo_free(struct topology *t);
/* Canonical text (caller frees). parse(print(t)) describes the same topology
 * and print(parse(print(t))) == print(t). */
char *topo_print(const struct topology *t);
/* "file:line:col: msg" for err (caller frees). */
char *topo_error_string(const struct topo_error *err);

/* Validation: errors are things QEMU refuses (each message quotes QEMU's
 * rule); warnings are things the kernel may dislike, which is allowed. */
struct topo_issue {
	bool error;
	struct topo_pos pos;
	char msg[512];
};
struct topo_issues {
	struct topo_issue *v;
	int n, n_errors;
	int cap;
	bool count_only;        /* only n and n_errors (no messages): topo_validate_errors */
};
void topo_validate(const struct topology *t, struct topo_issues *out);
/* The number of errors topo_validate would report, without formatting any
 * message (the generator's and the fuzz harness's hot path). */
int topo_validate_errors(const struct topology *t);
void topo_issues_free(struct topo_issues *is);

/* Helpers shared by everything downstream. */
/* A topology name is [a-z0-9._-]+, shorter than TOPO_NAME_MAX, and not "."
 * or "..": it names run directories, so check it before any path use. */
bool topo_name_valid(const char *name);
const struct topo_node *topo_node_by_id(const struct topology *t, int id);
/* Inline: the validator and the generator ask it in loops over every CPU. */
static inline bool cpuset_has(const struct cpuset *s, int cpu)
{
	return cpu >= 0 && cpu < TOPO_MAX_CPUS && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}
void cpuset_add(struct cpuset *s, int cpu);
int cpuset_count(const struct cpuset *s);
bool cpuset_empty(const struct cpuset *s);
/* One above the highest node id a distance line names: the part of the
 * distance matrix the text (and binary) form holds. */
int topo_distance_bound(const struct topology *t);
/* Effective distance (given, or 10 local / 20 remote default). */
int topo_distance(const struct topology *t, int from, int to);
/* Effective OEM revision etc. are decided by acpi-gen, not here. */
/* Content hash of the canonical text (64 hex + NUL). */
void topo_hash(const struct topology *t, char out[65]);
/* CPU hotplug (cpu-plug/cpu-unplug steps, or unplugged= slots): vCPUs
 * 1..N-1 are then -device CPUs QEMU can unplug (or empty slots). A vCPU's place in QEMU's -smp topology: one thread
 * per core, cores = cpus / sockets (one socket without sockets=, QEMU 7.2's
 * default for -smp N). */
bool topo_has_cpu_hotplug(const struct topology *t);
int topo_cores_per_socket(const struct topology *t);
void topo_cpu_location(const struct topology *t, int cpu, int *socket, int *core);
/* The node QEMU puts a vCPU on: the node listing it, else node 0 (QEMU's
 * default for unlisted CPUs); -1 without NUMA nodes. */
int topo_cpu_node(const struct topology *t, int cpu);
/* True if the command line has a parameter with this key (e.g. "nokaslr"). */
bool topo_has_cmdline(const struct topology *t, const char *key);

#endif
