/* topologies/topo_words.h: the keywords of the .topo format for every enum,
 * shared by the parser (text -> enum) and the printer (enum -> text) so the
 * two can never disagree. */
#ifndef TOPOLOGIES_TOPO_WORDS_H
#define TOPOLOGIES_TOPO_WORDS_H

#define N_WORDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const machine_words[] = { "pc", "q35" };
static const char *const hierarchy_words[] = { "memory", "first-level", "second-level", "third-level" };
static const char *const hmat_type_words[] = {
	"access-latency", "read-latency", "write-latency",
	"access-bandwidth", "read-bandwidth", "write-bandwidth",
};
static const char *const assoc_words[] = { "none", "direct", "complex" };
static const char *const policy_words[] = { "none", "write-back", "write-through" };
static const char *const firmware_words[] = { "qemu", "generated" };
static const char *const table_words[] = { "srat", "slit", "hmat" };
static const char *const table_mode_words[] = { "auto", "override", "install" };
static const char *const srat_kind_words[] = { "cpu", "memory", "x2apic", "generic-initiator", "raw" };
static const char *const zone_words[] = { "default", "kernel", "movable" };
static const char *const step_words[] = {
	"probe", "hot-add", "hot-remove", "online", "offline", "offline-node",
	"cpu-down", "cpu-up", "sleep", "cpu-unplug", "cpu-plug",
};
static const char *const probe_words[] = {
	"nodes", "memory-blocks", "kpageflags", "zoneinfo", "pagetypeinfo",
	"node-alloc", "compact", "online-all", "offline", "cpu-alloc",
};

#endif
