/* acpi-gen/qemu_args.c: topology -> QEMU 7.2 argument vector (never a shell
 * string) and kernel command line. Node memory uses memory-backend-ram with
 * memdev= (QEMU 7.2 refuses mem=); every distance pair is spelled out once
 * any is given, as QEMU requires. */
#include "acpi-gen/qemu_args.h"
#include "topologies/topo_words.h"
#include "common/buf.h"
#include "common/size.h"
#include <stdlib.h>
#include <string.h>

char *kernel_cmdline(const struct topology *t, const char *extra)
{
	struct buf b = BUF_INIT;
	/* TCG guests on a loaded 2-core host can stall for seconds: an RCU stall
	 * report after the default 21 s would be host noise, not a finding, and
	 * so would "IO-APIC + timer doesn't work!" (seen under load 6):
	 * no_timer_check skips that calibration check. */
	buf_puts(&b, "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 printk.time=1 rcupdate.rcu_cpu_stall_timeout=60 no_timer_check");
	if (!topo_has_cmdline(t, "kaslr") && !topo_has_cmdline(t, "nokaslr"))
		buf_puts(&b, " nokaslr");
	for (int i = 0; i < t->n_cmdline; i++)
		buf_printf(&b, " %s", t->cmdline[i].text);
	if (extra && *extra)
		buf_printf(&b, " %s", extra);
	return buf_steal(&b);
}

static const char *fmt_size(uint64_t v, char *s)
{
	size_format(v, s, 40);
	return s;
}

/* cpus=0-1,cpus=4 : QEMU takes one cpus= per range. */
static void add_cpu_ranges(struct buf *b, const struct cpuset *set)
{
	for (int c = 0; c < TOPO_MAX_CPUS; c++) {
		if (!cpuset_has(set, c))
			continue;
		int e = c;
		while (e + 1 < TOPO_MAX_CPUS && cpuset_has(set, e + 1))
			e++;
		if (e > c)
			buf_printf(b, ",cpus=%d-%d", c, e);
		else
			buf_printf(b, ",cpus=%d", c);
		c = e;
	}
}

/* The distance QEMU is given. With generated firmware an invalid SLIT is
 * acpi-gen's job, so QEMU gets a valid default in its place; with QEMU's
 * own tables the value goes through as written (the validator has already
 * said QEMU will refuse it). */
int qemu_numa_distance(const struct topology *t, int i, int j)
{
	int d = topo_distance(t, i, j);
	bool ok = i == j ? d == 10 : (d > 10 && d <= 254);
	if (ok || t->firmware != FIRMWARE_GENERATED)
		return d;
	return i == j ? 10 : 20;
}

static void add_numa(const struct topology *t, struct strv *out)
{
	char s[40];
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		struct buf b = BUF_INIT;
		if (n->mem) {
			strv_add(out, "-object");
			strv_addf(out, "memory-backend-ram,id=ram-node%d,size=%s", n->id, fmt_size(n->mem, s));
		}
		buf_printf(&b, "node,nodeid=%d", n->id);
		if (n->mem)
			buf_printf(&b, ",memdev=ram-node%d", n->id);
		add_cpu_ranges(&b, &n->cpus);
		if (n->initiator >= 0)
			buf_printf(&b, ",initiator=%d", n->initiator);
		strv_add(out, "-numa");
		strv_add(out, b.s);
		buf_free(&b);
	}
	if (t->any_distance)
		for (int i = 0; i < t->n_nodes; i++)
			for (int j = 0; j < t->n_nodes; j++) {
				/* Local distances go to QEMU only when written. */
				if (i == j && !t->distance[t->nodes[i].id][t->nodes[j].id])
					continue;
				strv_add(out, "-numa");
				strv_addf(out, "dist,src=%d,dst=%d,val=%d", t->nodes[i].id, t->nodes[j].id,
					  qemu_numa_distance(t, t->nodes[i].id, t->nodes[j].id));
			}
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *l = &t->hmat_lb[i];
		bool bw = l->type >= HMAT_ACCESS_BANDWIDTH;
		strv_add(out, "-numa");
		strv_addf(out, "hmat-lb,initiator=%d,target=%d,hierarchy=%s,data-type=%s,%s=%llu", l->initiator, l->target,
			  hierarchy_words[l->hierarchy], hmat_type_words[l->type], bw ? "bandwidth" : "latency",
			  (unsigned long long)l->value);
	}
	for (int i = 0; i < t->n_hmat_cache; i++) {
		const struct topo_hmat_cache *c = &t->hmat_cache[i];
		strv_add(out, "-numa");
		strv_addf(out, "hmat-cache,node-id=%d,size=%s,level=%d,associativity=%s,policy=%s,line=%u", c->node,
			  fmt_size(c->size, s), c->level, assoc_words[c->assoc], policy_words[c->policy], c->line);
	}
}

/* With CPU hotplug steps, only the boot CPU comes from -smp: QEMU refuses
 * to unplug CPU 0 ("Boot CPU is unpluggable"), and the others are -device
 * CPUs with ids (cpu1, cpu2...) that device_del can name. Sockets and cores
 * are spelled out (QEMU 7.2's defaults for -smp N: one socket of N cores) so
 * socket-id/core-id mean the same to QEMU, the SRAT prediction and the
 * monitor's device_add. */
static void add_smp(const struct topology *t, struct strv *out)
{
	strv_add(out, "-smp");
	if (topo_has_cpu_hotplug(t)) {
		int cores = topo_cores_per_socket(t);
		strv_addf(out, "1,maxcpus=%d,sockets=%d,cores=%d,threads=1", t->cpus, t->cpus / cores, cores);
	} else if (t->sockets)
		strv_addf(out, "%d,sockets=%d", t->cpus, t->sockets);
	else
		strv_addf(out, "%d", t->cpus);
}

static void add_hotplug_cpus(const struct topology *t, struct strv *out)
{
	if (!topo_has_cpu_hotplug(t))
		return;
	for (int c = 1; c < t->cpus; c++) {
		int socket, core;
		if (cpuset_has(&t->unplugged, c))
			continue;           /* an empty slot: a cpu-plug step fills it */
		topo_cpu_location(t, c, &socket, &core);
		strv_add(out, "-device");
		strv_addf(out, QEMU_CPU_DEVICE ",id=vcpu%d,socket-id=%d,core-id=%d,thread-id=0", c, socket, core);
	}
}

static void add_dimms(const struct topology *t, struct strv *out)
{
	char s[40];
	for (int i = 0; i < t->n_dimms; i++) {
		const struct topo_dimm *d = &t->dimms[i];
		strv_add(out, "-object");
		strv_addf(out, "memory-backend-ram,id=mem-%s,size=%s", d->id, fmt_size(d->size, s));
		strv_add(out, "-device");
		strv_addf(out, "%s,id=%s,memdev=mem-%s,node=%d", d->nvdimm ? "nvdimm" : "pc-dimm", d->id, d->id, d->node);
	}
}

static bool any_nvdimm(const struct topology *t)
{
	for (int i = 0; i < t->n_dimms; i++)
		if (t->dimms[i].nvdimm)
			return true;
	for (int i = 0; i < t->n_steps; i++)
		if (t->steps[i].kind == STEP_HOT_ADD && t->steps[i].nvdimm)
			return true;
	return false;
}

int qemu_args_build(const struct topology *t, const struct qemu_config *cfg, struct strv *out, char **err)
{
	static const struct qemu_config defaults;
	char s[40], m[40];
	if (!cfg)
		cfg = &defaults;
	if (t->memory == 0) {
		if (err)
			*err = xstrdup("the topology has no memory");
		return -1;
	}
	memset(out, 0, sizeof *out);
	strv_add(out, cfg->qemu ? cfg->qemu : "qemu-system-x86_64");
	strv_add(out, "-machine");
	strv_addf(out, "%s%s%s", machine_words[t->machine], t->hmat ? ",hmat=on" : "", any_nvdimm(t) ? ",nvdimm=on" : "");
	strv_add(out, "-accel");
	strv_add(out, cfg->accel ? cfg->accel : "tcg");
	strv_add(out, "-m");
	if (t->slots)
		strv_addf(out, "%s,slots=%d,maxmem=%s", fmt_size(t->memory, s), t->slots, fmt_size(t->maxmem, m));
	else
		strv_add(out, fmt_size(t->memory, s));
	add_smp(t, out);
	add_numa(t, out);
	add_hotplug_cpus(t, out);
	add_dimms(t, out);
	strv_add(out, "-display");
	strv_add(out, "none");
	strv_add(out, "-vga");
	strv_add(out, "none");
	strv_add(out, "-net");
	strv_add(out, "none");
	strv_add(out, "-no-reboot");
	strv_add(out, "-serial");
	strv_add(out, cfg->serial ? cfg->serial : "stdio");
	strv_add(out, "-monitor");
	strv_add(out, "none");
	if (cfg->qmp_socket) {
		strv_add(out, "-qmp");
		strv_addf(out, "unix:%s,server=on,wait=off", cfg->qmp_socket);
	}
	strv_add(out, "-kernel");
	strv_add(out, cfg->kernel ? cfg->kernel : "KERNEL");
	strv_add(out, "-initrd");
	strv_add(out, cfg->initrd ? cfg->initrd : "INITRD");
	strv_add(out, "-append");
	char *cmd = kernel_cmdline(t, cfg->extra_append);
	strv_add(out, cmd);
	free(cmd);
	return 0;
}
