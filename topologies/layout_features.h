/* topologies/layout_features.h: what about a layout the kernel can notice,
 * as a set of small integer features: e820 type adjacency, RAM edges and
 * their alignment, what each 128 MiB memory block holds, node sizes against
 * the kernel's thresholds, node order and boundaries, SRAT anomalies,
 * command-line interactions, hotplug step sequences, SLIT/HMAT oddities.
 * The layout model's own facts (acpi-gen/model.h model_features(): NUMA
 * init's decisions, zones, memory blocks and sections) are one more kind.
 * One library for the libFuzzer layout harness (its coverage signal), the
 * generator (`topofarm gen`) and bench/fuzz (distinct feature sets). */
#ifndef TOPOLOGIES_LAYOUT_FEATURES_H
#define TOPOLOGIES_LAYOUT_FEATURES_H
#include "topologies/topo.h"
#include "acpi-gen/model.h"

/* A feature id is kind * FEATURE_VALUES + value, below FEATURE_SPACE. */
#define FEATURE_VALUES 512
#define FEATURE_KINDS 22       /* exactly the kinds there are: the harness's counter array is this big */
#define FEATURE_SPACE (FEATURE_VALUES * FEATURE_KINDS)
#define FEATURE_SET_MAX 1024

struct feature_set {
	uint16_t v[FEATURE_SET_MAX];  /* ids in the order found; repeats count occurrences */
	int n;
};

/* The features of topology t whose model (model_compute) is m. */
void layout_features(const struct topology *t, const struct model *m, struct feature_set *out);
/* Parses, validates and lays out text, then extracts its features: 0, or -1
 * when the text is not a valid topology (out is then empty). */
int layout_features_of_text(const char *text, size_t len, struct feature_set *out);
/* A hash of the set of distinct ids (order and repeats ignored): two layouts
 * the kernel cannot tell apart by these features hash the same. */
uint64_t feature_set_hash(const struct feature_set *fs);
/* The name of a feature's kind ("e820-adjacency", ...), for `gen --features`. */
const char *feature_kind_name(int id);

#endif
