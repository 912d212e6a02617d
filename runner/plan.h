/* runner/plan.h: a topology's runtime steps as the two scripts a run needs:
 * the guest plan (/topofarm/plan, grammar in docs/guest-protocol.md "The
 * plan") and the host actions the Expect script performs on QEMU's monitor
 * when the guest asks for step <index> ("@@TOPOFARM HOST <index> ...").
 * Each topology step becomes exactly one plan line, so step i of the
 * topology is step index i of the plan on both sides. */
#ifndef RUNNER_PLAN_H
#define RUNNER_PLAN_H
#include "topologies/topo.h"
#include <stdbool.h>

/* The plan text (caller frees). A topology without steps gets `probe nodes`. */
char *plan_text(const struct topology *t);
/* Host actions, one line per host step (caller frees; "" when none):
 *   <index> hot-add <id> <node> <bytes> pc-dimm|nvdimm
 *   <index> hot-remove <id>
 *   <index> cpu-unplug cpu<N>
 *   <index> cpu-plug cpu<N> <driver> <socket-id> <core-id> <node-id, -1: none>
 * The Expect script trusts only this file: the console merely names the
 * index, so hostile console text can never choose what the monitor does. */
char *plan_host_actions(const struct topology *t);
/* Number of plan steps (what PLAN-END steps= will say). */
int plan_step_count(const struct topology *t);
bool plan_has_host_steps(const struct topology *t);
/* Longest `sleep` step in seconds: a guest that sleeps is silent on purpose. */
int plan_longest_sleep(const struct topology *t);

#endif
