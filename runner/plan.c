/* runner/plan.c: topology steps -> the guest plan and the host action list
 * (see runner/plan.h). Sizes go out in plain bytes so neither side has to
 * agree on suffixes. */
#include "runner/plan.h"
#include "acpi-gen/qemu_args.h"
#include "common/buf.h"
#include <inttypes.h>

static const char *zone_arg(enum online_zone z)
{
	switch (z) {
	case ZONE_KERNEL: return " zone=kernel";
	case ZONE_MOVABLE: return " zone=movable";
	default: return "";
	}
}

static void plan_line(struct buf *b, const struct topology *t, const struct topo_step *s)
{
	switch (s->kind) {
	case STEP_PROBE:
		buf_printf(b, "probe %s", s->arg);
		break;
	case STEP_HOT_ADD:
		buf_printf(b, "host hot-add %s node=%d size=%" PRIu64 "%s", s->arg, s->node, s->size,
			   s->nvdimm ? " nvdimm" : "");
		break;
	case STEP_HOT_REMOVE:
		buf_printf(b, "host hot-remove %s", s->arg);
		break;
	case STEP_ONLINE:
		buf_printf(b, "online %s%s", s->arg, zone_arg(s->zone));
		break;
	case STEP_OFFLINE:
		if (s->node >= 0)
			buf_printf(b, "offline node=%d", s->node);
		else
			buf_printf(b, "offline %s", s->arg);
		break;
	case STEP_OFFLINE_NODE:
		buf_printf(b, "offline-node %d", s->node);
		break;
	case STEP_CPU_DOWN:
		buf_printf(b, "cpu-down %d", s->cpu);
		break;
	case STEP_CPU_UP:
		buf_printf(b, "cpu-up %d", s->cpu);
		break;
	case STEP_SLEEP:
		buf_printf(b, "sleep %" PRIu64, s->value);
		break;
	case STEP_CPU_UNPLUG:
		buf_printf(b, "host cpu-unplug %d", s->cpu);
		break;
	case STEP_CPU_PLUG:
		buf_printf(b, "host cpu-plug %d", s->cpu);
		if (topo_cpu_node(t, s->cpu) >= 0)
			buf_printf(b, " node=%d", topo_cpu_node(t, s->cpu));
		break;
	}
	buf_putc(b, '\n');
}

char *plan_text(const struct topology *t)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "# topofarm plan for %s: step i here is step i of the topology\n",
		   t->name ? t->name : "(unnamed)");
	if (t->n_steps == 0)
		buf_puts(&b, "probe nodes\n");
	for (int i = 0; i < t->n_steps; i++)
		plan_line(&b, t, &t->steps[i]);
	return buf_steal(&b);
}

char *plan_host_actions(const struct topology *t)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "");
	for (int i = 0; i < t->n_steps; i++) {
		const struct topo_step *s = &t->steps[i];
		if (s->kind == STEP_HOT_ADD)
			buf_printf(&b, "%d hot-add %s %d %" PRIu64 " %s\n", i, s->arg, s->node, s->size,
				   s->nvdimm ? "nvdimm" : "pc-dimm");
		else if (s->kind == STEP_HOT_REMOVE)
			buf_printf(&b, "%d hot-remove %s\n", i, s->arg);
		else if (s->kind == STEP_CPU_UNPLUG)
			buf_printf(&b, "%d cpu-unplug vcpu%d\n", i, s->cpu);
		else if (s->kind == STEP_CPU_PLUG) {
			int socket, core;
			topo_cpu_location(t, s->cpu, &socket, &core);
			buf_printf(&b, "%d cpu-plug vcpu%d %s %d %d %d\n", i, s->cpu, QEMU_CPU_DEVICE, socket, core,
				   topo_cpu_node(t, s->cpu));
		}
	}
	return buf_steal(&b);
}

int plan_step_count(const struct topology *t)
{
	return t->n_steps ? t->n_steps : 1;
}

bool plan_has_host_steps(const struct topology *t)
{
	for (int i = 0; i < t->n_steps; i++)
		if (t->steps[i].kind == STEP_HOT_ADD || t->steps[i].kind == STEP_HOT_REMOVE ||
		    t->steps[i].kind == STEP_CPU_UNPLUG || t->steps[i].kind == STEP_CPU_PLUG)
			return true;
	return false;
}

int plan_longest_sleep(const struct topology *t)
{
	uint64_t longest = 0;
	for (int i = 0; i < t->n_steps; i++)
		if (t->steps[i].kind == STEP_SLEEP && t->steps[i].value > longest)
			longest = t->steps[i].value;
	return (int)longest;
}
