/* runner/libvirt_xml.c: topology -> libvirt domain XML (see
 * runner/libvirt_xml.h). Sizes go out in KiB, the unit libvirt keeps; every
 * choice mirrors acpi-gen/qemu_args.c so `virsh domxml-to-native` gives the
 * same machine as `topofarm show`. */
#include "runner/libvirt_xml.h"
#include "acpi-gen/qemu_args.h"
#include "common/buf.h"
#include "common/markup.h"
#include "common/size.h"
#include "topologies/topo_words.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)

static int refuse(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (err)
		*err = xasprintf("libvirt cannot describe this topology: %s", msg ? msg : "?");
	free(msg);
	return -1;
}

/* A memoryless node goes to <qemu:commandline>; libvirt numbers its cells
 * 0..n-1, so such nodes must come after every node with memory, and must
 * hold no CPU (libvirt gives every vCPU no cell lists to cell 0, and QEMU
 * refuses a CPU given to two nodes). */
static int check_describable(const struct topology *t, char **err)
{
	bool memoryless_seen = false;
	if (t->memory % MIB)
		return refuse(err, "memory %llu bytes is not a whole MiB (libvirt passes -m in MiB)",
			      (unsigned long long)t->memory);
	for (int i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (n->id != i)
			return refuse(err, "node ids must be 0..%d in order (libvirt cell ids)", t->n_nodes - 1);
		if (!n->mem) {
			memoryless_seen = true;
			if (!cpuset_empty(&n->cpus))
				return refuse(err, "node %d has CPUs but no memory (libvirt refuses a cell of memory 0 and "
						   "puts unassigned vCPUs in cell 0, so QEMU would refuse the node's cpus=)", n->id);
			if (t->hmat)
				return refuse(err, "node %d has no memory and HMAT is on (a libvirt cell of memory 0 is refused)",
					      n->id);
		} else if (memoryless_seen) {
			return refuse(err, "memoryless node before node %d with memory (libvirt cells are numbered first)",
				      n->id);
		} else if (n->mem % MIB) {
			return refuse(err, "node %d has %llu bytes, not a whole MiB (libvirt rounds cells up to 1 MiB)", n->id,
				      (unsigned long long)n->mem);
		}
	}
	for (int i = 0; i < t->n_dimms; i++) {
		if (t->dimms[i].nvdimm)
			return refuse(err, "NVDIMM %s (libvirt needs a host file behind an NVDIMM)", t->dimms[i].id);
		if (t->dimms[i].size % 1024)
			return refuse(err, "DIMM %s is not a whole KiB", t->dimms[i].id);
	}
	for (int i = 0; i < t->n_hmat_lb; i++)
		if (t->hmat_lb[i].type >= HMAT_ACCESS_BANDWIDTH && t->hmat_lb[i].value % 1024)
			return refuse(err, "HMAT bandwidth %llu B/s is not a whole KiB/s", (unsigned long long)t->hmat_lb[i].value);
	for (int i = 0; i < t->n_hmat_cache; i++)
		if (t->hmat_cache[i].size % 1024)
			return refuse(err, "HMAT cache of node %d is not a whole KiB", t->hmat_cache[i].node);
	if (t->hmat && !t->n_hmat_lb && !t->n_hmat_cache)
		return refuse(err, "hmat=on without hmat-lb or hmat-cache lines (libvirt turns HMAT on only for those)");
	if (t->maxmem % 1024)
		return refuse(err, "maxmem is not a whole KiB");
	return 0;
}

static void cpu_list(struct buf *b, const struct cpuset *set)
{
	const char *sep = "";
	for (int c = 0; c < TOPO_MAX_CPUS; c++) {
		if (!cpuset_has(set, c))
			continue;
		int e = c;
		while (e + 1 < TOPO_MAX_CPUS && cpuset_has(set, e + 1))
			e++;
		if (e > c)
			buf_printf(b, "%s%d-%d", sep, c, e);
		else
			buf_printf(b, "%s%d", sep, c);
		sep = ",";
		c = e;
	}
}

/* vCPUs: with CPU hotplug only vCPU 0 is fixed; the others are hotpluggable
 * devices (libvirt names them vcpuN, as qemu_args.c does), absent when
 * unplugged= at boot. Sockets and cores spelled out as in qemu_args.c. */
static void add_vcpus(const struct topology *t, struct buf *b)
{
	if (!topo_has_cpu_hotplug(t)) {
		buf_printf(b, "  <vcpu placement='static'>%d</vcpu>\n", t->cpus);
		return;
	}
	int current = 0;
	for (int c = 0; c < t->cpus; c++)
		current += c == 0 || !cpuset_has(&t->unplugged, c);
	buf_printf(b, "  <vcpu placement='static' current='%d'>%d</vcpu>\n  <vcpus>\n", current, t->cpus);
	for (int c = 0; c < t->cpus; c++)
		buf_printf(b, "    <vcpu id='%d' enabled='%s' hotpluggable='%s'/>\n", c,
			   c == 0 || !cpuset_has(&t->unplugged, c) ? "yes" : "no", c == 0 ? "no" : "yes");
	buf_puts(b, "  </vcpus>\n");
}

static void add_os(const struct topology *t, const struct libvirt_config *cfg, struct buf *b)
{
	buf_printf(b, "  <os>\n    <type arch='x86_64' machine='%s'>hvm</type>\n    <kernel>", machine_words[t->machine]);
	xml_escape_str(b, cfg->kernel ? cfg->kernel : "KERNEL", 0);
	buf_puts(b, "</kernel>\n    <initrd>");
	xml_escape_str(b, cfg->initrd ? cfg->initrd : "INITRD", 0);
	buf_puts(b, "</initrd>\n    <cmdline>");
	char *cmd = kernel_cmdline(t, cfg->extra_append);
	xml_escape_str(b, cmd, 0);
	free(cmd);
	buf_puts(b, "</cmdline>\n  </os>\n");
}

static bool native_node(const struct topology *t, int id)
{
	const struct topo_node *n = topo_node_by_id(t, id);
	return n && n->mem;
}

/* libvirt 9 drops <distances> whose every value is its default (10 local,
 * 20 remote) and passes no -numa dist at all; QEMU then builds no SLIT,
 * while the QEMU backend's explicit -numa dist gives the guest one. Then
 * every distance goes through <qemu:commandline> instead. */
static bool cells_keep_distances(const struct topology *t)
{
	if (!t->any_distance)
		return false;
	for (int i = 0; i < t->n_nodes; i++)
		for (int j = 0; j < t->n_nodes; j++) {
			int a = t->nodes[i].id, c = t->nodes[j].id;
			if (native_node(t, a) && native_node(t, c) && qemu_numa_distance(t, a, c) != (a == c ? 10 : 20))
				return true;
		}
	return false;
}

/* The distances libvirt can say: between cells. Local ones only when
 * written, as qemu_args.c does. */
static void add_distances(const struct topology *t, const struct topo_node *n, struct buf *b)
{
	if (!cells_keep_distances(t))
		return;
	buf_puts(b, "        <distances>\n");
	for (int j = 0; j < t->n_nodes; j++) {
		const struct topo_node *m = &t->nodes[j];
		if (!m->mem || (m->id == n->id && !t->distance[n->id][m->id]))
			continue;
		buf_printf(b, "          <sibling id='%d' value='%d'/>\n", m->id, qemu_numa_distance(t, n->id, m->id));
	}
	buf_puts(b, "        </distances>\n");
}

static const char *const lv_assoc[] = { "none", "direct", "full" };
static const char *const lv_policy[] = { "none", "writeback", "writethrough" };
static const char *const lv_lb_type[] = { "access", "read", "write", "access", "read", "write" };

static void add_caches(const struct topology *t, int node, struct buf *b)
{
	for (int i = 0; i < t->n_hmat_cache; i++) {
		const struct topo_hmat_cache *c = &t->hmat_cache[i];
		if (c->node != node)
			continue;
		/* libvirt 9 reads the size as KiB whatever unit= says (16 MiB went to QEMU as 16K). */
		buf_printf(b, "        <cache level='%d' associativity='%s' policy='%s'>\n"
			      "          <size value='%llu' unit='KiB'/>\n          <line value='%u' unit='B'/>\n"
			      "        </cache>\n",
			   c->level, lv_assoc[c->assoc], lv_policy[c->policy], (unsigned long long)(c->size / 1024), c->line);
	}
}

static void add_interconnects(const struct topology *t, struct buf *b)
{
	if (!t->n_hmat_lb)
		return;
	buf_puts(b, "      <interconnects>\n");
	for (int i = 0; i < t->n_hmat_lb; i++) {
		const struct topo_hmat_lb *l = &t->hmat_lb[i];
		bool bw = l->type >= HMAT_ACCESS_BANDWIDTH;
		buf_printf(b, "        <%s initiator='%d' target='%d'", bw ? "bandwidth" : "latency", l->initiator, l->target);
		if (l->hierarchy != HMAT_MEMORY)
			buf_printf(b, " cache='%d'", (int)l->hierarchy);
		if (bw)
			buf_printf(b, " type='%s' value='%llu' unit='KiB'/>\n", lv_lb_type[l->type],
				   (unsigned long long)(l->value / 1024));
		else
			buf_printf(b, " type='%s' value='%llu'/>\n", lv_lb_type[l->type], (unsigned long long)l->value);
	}
	buf_puts(b, "      </interconnects>\n");
}

static void add_cpu(const struct topology *t, struct buf *b)
{
	int sockets = topo_has_cpu_hotplug(t) ? t->cpus / topo_cores_per_socket(t) : t->sockets ? t->sockets : 1;
	buf_printf(b, "  <cpu>\n    <topology sockets='%d' dies='1' cores='%d' threads='1'/>\n", sockets, t->cpus / sockets);
	bool any_cell = false;
	for (int i = 0; i < t->n_nodes; i++)
		any_cell |= t->nodes[i].mem != 0;
	if (!t->n_nodes && t->slots) {
		/* QEMU turns NUMA on by itself for memory hotplug (one node with
		 * everything); libvirt wants that node written out. */
		buf_printf(b, "    <numa>\n      <cell id='0' cpus='0-%d' memory='%llu' unit='KiB'/>\n    </numa>\n",
			   t->cpus - 1, (unsigned long long)(t->memory / 1024));
	} else if (any_cell) {
		buf_puts(b, "    <numa>\n");
		for (int i = 0; i < t->n_nodes; i++) {
			const struct topo_node *n = &t->nodes[i];
			if (!n->mem)
				continue;
			buf_printf(b, "      <cell id='%d'", n->id);
			if (!cpuset_empty(&n->cpus)) {
				buf_puts(b, " cpus='");
				cpu_list(b, &n->cpus);
				buf_puts(b, "'");
			}
			buf_printf(b, " memory='%llu' unit='KiB'", (unsigned long long)(n->mem / 1024));
			bool inner = cells_keep_distances(t);
			for (int j = 0; j < t->n_hmat_cache; j++)
				inner |= t->hmat_cache[j].node == n->id;
			if (!inner) {
				buf_puts(b, "/>\n");
				continue;
			}
			buf_puts(b, ">\n");
			add_distances(t, n, b);
			add_caches(t, n->id, b);
			buf_puts(b, "      </cell>\n");
		}
		add_interconnects(t, b);
		buf_puts(b, "    </numa>\n");
	}
	buf_puts(b, "  </cpu>\n");
}

/* libvirt always passes -nodefaults; the QEMU backend does not, so its guest
 * has QEMU's default devices: a parallel port, an empty CD-ROM (IDE
 * secondary master on pc, AHCI port 2 on q35) and, on pc, an empty floppy
 * drive. They are written out here: they change the ACPI tables (the DSDT
 * describes the parallel port and the floppy drive) and what SeaBIOS keeps
 * at the top of low RAM (132 KiB instead of 128 KiB on q35), so without them
 * the guest's e820 map differs from the one `topofarm show` predicts. */
static void add_default_devices(const struct topology *t, struct buf *b)
{
	buf_puts(b, "    <parallel type='null'>\n      <target port='0'/>\n    </parallel>\n");
	buf_printf(b, "    <disk type='file' device='cdrom'>\n      <target dev='%s' bus='%s'/>\n      <readonly/>\n"
		      "    </disk>\n",
		   t->machine == MACHINE_Q35 ? "sdc" : "hdc", t->machine == MACHINE_Q35 ? "sata" : "ide");
	if (t->machine == MACHINE_PC)
		buf_puts(b, "    <disk type='file' device='floppy'>\n      <target dev='fda' bus='fdc'/>\n    </disk>\n");
}

static void add_devices(const struct topology *t, const struct libvirt_config *cfg, struct buf *b)
{
	buf_puts(b, "  <devices>\n"
		    "    <controller type='usb' model='none'/>\n"
		    "    <serial type='pty'>\n");
	if (cfg->console_log) {
		buf_puts(b, "      <log file='");
		xml_escape_str(b, cfg->console_log, 1);
		buf_puts(b, "' append='off'/>\n");
	}
	buf_puts(b, "      <target port='0'/>\n    </serial>\n"
		    "    <memballoon model='none'/>\n");
	add_default_devices(t, b);
	for (int i = 0; i < t->n_dimms; i++)
		buf_printf(b, "    <memory model='dimm'>\n      <target>\n        <size unit='KiB'>%llu</size>\n"
			      "        <node>%d</node>\n      </target>\n    </memory>\n",
			   (unsigned long long)(t->dimms[i].size / 1024), t->dimms[i].node);
	buf_puts(b, "  </devices>\n");
}

static void qemu_arg(struct buf *b, const char *arg)
{
	buf_puts(b, "    <qemu:arg value='");
	xml_escape_str(b, arg, 1);
	buf_puts(b, "'/>\n");
}

/* Memoryless (CPU-less) nodes and their distances, and all distances when
 * the cells cannot carry them: what libvirt cannot say. */
static void add_passthrough(const struct topology *t, struct buf *b)
{
	struct buf args = BUF_INIT;
	char s[64];
	for (int i = 0; i < t->n_nodes; i++) {
		if (t->nodes[i].mem)
			continue;
		qemu_arg(&args, "-numa");
		snprintf(s, sizeof s, "node,nodeid=%d", t->nodes[i].id);
		qemu_arg(&args, s);
	}
	bool cells_say_them = cells_keep_distances(t);
	if (t->any_distance)
		for (int i = 0; i < t->n_nodes; i++)
			for (int j = 0; j < t->n_nodes; j++) {
				int a = t->nodes[i].id, c = t->nodes[j].id;
				if ((cells_say_them && native_node(t, a) && native_node(t, c)) || (a == c && !t->distance[a][c]))
					continue;
				qemu_arg(&args, "-numa");
				snprintf(s, sizeof s, "dist,src=%d,dst=%d,val=%d", a, c, qemu_numa_distance(t, a, c));
				qemu_arg(&args, s);
			}
	if (args.len)
		buf_printf(b, "  <qemu:commandline>\n%s  </qemu:commandline>\n", args.s);
	buf_free(&args);
}

char *libvirt_domain_xml(const struct topology *t, const struct libvirt_config *cfg, char **err)
{
	static const struct libvirt_config defaults;
	if (!cfg)
		cfg = &defaults;
	if (t->memory == 0) {
		if (err)
			*err = xstrdup("the topology has no memory");
		return NULL;
	}
	if (check_describable(t, err) != 0)
		return NULL;
	struct buf b = BUF_INIT;
	uint64_t total = t->memory;
	for (int i = 0; i < t->n_dimms; i++)
		total += t->dimms[i].size;
	buf_printf(&b, "<domain type='%s' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <name>",
		   cfg->accel && !strcmp(cfg->accel, "kvm") ? "kvm" : "qemu");
	if (cfg->name)
		xml_escape_str(&b, cfg->name, 0);
	else
		buf_printf(&b, "topofarm-%s", t->name ? t->name : "layout");
	buf_puts(&b, "</name>\n");
	if (t->slots)
		buf_printf(&b, "  <maxMemory slots='%d' unit='KiB'>%llu</maxMemory>\n", t->slots,
			   (unsigned long long)(t->maxmem / 1024));
	buf_printf(&b, "  <memory unit='KiB'>%llu</memory>\n", (unsigned long long)(total / 1024));
	add_vcpus(t, &b);
	add_os(t, cfg, &b);
	buf_puts(&b, "  <features>\n    <acpi/>\n  </features>\n");
	add_cpu(t, &b);
	buf_puts(&b, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
		     "  <on_crash>destroy</on_crash>\n");
	add_devices(t, cfg, &b);
	add_passthrough(t, &b);
	buf_puts(&b, "</domain>\n");
	return buf_steal(&b);
}
