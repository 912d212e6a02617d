/* acpi-gen/describe.h: everything a topology turns into, for people and
 * programs: the QEMU argv, the kernel command line, the predicted layout
 * (e820, node ranges, memoryless nodes, hotplug window, early node ranges).
 * `topofarm show` prints it; golden tests compare it. */
#ifndef ACPI_GEN_DESCRIBE_H
#define ACPI_GEN_DESCRIBE_H
#include "topologies/topo.h"
#include "acpi-gen/qemu_args.h"

/* Returns the text (or JSON when json) or NULL with *err set. */
char *describe_topology(const struct topology *t, const struct qemu_config *cfg, bool json, char **err);

/* The layout model's part of it (describe_model.c). */
struct model;
struct buf;
struct json;
void describe_model_text(struct buf *b, const struct model *m);
void describe_model_json(struct json *j, const struct model *m);

#endif
