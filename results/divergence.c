/* results/divergence.c: the layout-model oracle (see divergence.h). One pass
 * over the console log collects the lines of each group the model predicts
 * (console_line.c cleans the hostile bytes); the guest probe's lines count
 * only until the first step that changes the layout, and only when their
 * frame checks (probe_lines.h): a probe whose output a kernel printk damaged
 * beyond repair is "probe output damaged", never compared. Each group is compared
 * as a multiset: the model's lines nobody printed and the printed lines the
 * model did not predict are the difference. */
#include "results/divergence.h"
#include "results/triage_internal.h"
#include "results/probe_lines.h"
#include "acpi-gen/model_lines.h"
#include "common/buf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_GROUPS (ML__COUNT + 3)

static int slot(int group)
{
	return group < ML__COUNT ? group : ML__COUNT + (group - DG_PROBE_NODES);
}

static int group_of_slot(int s)
{
	return s < ML__COUNT ? s : DG_PROBE_NODES + (s - ML__COUNT);
}

static const char *group_title(int group)
{
	switch (group) {
	case DG_PROBE_NODES: return "probe nodes";
	case DG_PROBE_BLOCKS: return "probe memory-blocks";
	case DG_PROBE_ZONES: return "probe zoneinfo";
	default: return model_line_group_name((enum model_line_group)group);
	}
}

struct lines {
	char **v;
	int n;
};

/* The length of the leading "0-3,8" list characters of v (or "-"). */
static size_t list_prefix(const char *v, size_t n)
{
	size_t i = 0;
	while (i < n && ((v[i] >= '0' && v[i] <= '9') || v[i] == ',' || v[i] == '-'))
		i++;
	return i;
}

static void add(struct lines *l, const char *s, size_t n)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && (s[n - 1] == ' '))
		n--;
	l->v = xrealloc(l->v, sizeof *l->v * (size_t)(l->n + 1));
	l->v[l->n++] = xstrndup(s, n);
}

static void addf(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct lines *l, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	add(l, b.s ? b.s : "", b.len);
	buf_free(&b);
}

static void lines_free(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && !memcmp(s, prefix, p);
}

static const char *find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, needle, k))
			return s + i;
	return NULL;
}

/* What the console and the probe showed, by group. */
struct seen {
	struct lines g[N_GROUPS];
	bool probed[3];         /* nodes, memory-blocks, zoneinfo probes seen before any change */
	bool block_nodes_key;   /* the probe printed nodes= on block lines */
	int damaged_at[3];      /* console line of a damaged probe line of that probe (0: none) */
};

enum window { W_NONE, W_ZONES, W_MOVABLE, W_EARLY };

/* A probe line: "@@TOPOFARM ..." (msg points past the marker). */
struct probe_state {
	bool changed;
	bool in_blocks, in_zones;
};

static const char *token(const char *s, size_t n, const char *key, size_t *len)
{
	size_t k = strlen(key);
	for (size_t i = 0; i + k <= n; i++)
		if ((i == 0 || s[i - 1] == ' ') && !memcmp(s + i, key, k)) {
			size_t e = i + k;
			while (e < n && s[e] != ' ')
				e++;
			*len = e - i - k;
			return s + i + k;
		}
	return NULL;
}

static void probe_line(struct seen *sn, struct probe_state *ps, const char *s, size_t n)
{
	if (starts(s, n, "STEP ")) {
		/* "STEP <index> <kind> <args>": anything but a read-only probe changes the layout. */
		const char *kind = memchr(s + 5, ' ', n - 5);
		if (kind) {
			kind++;
			size_t rest = n - (size_t)(kind - s);
			bool read_only = starts(kind, rest, "probe ") && !find(kind, rest, "online-all") && !find(kind, rest, "offline");
			if (!read_only)
				ps->changed = true;
		}
		return;
	}
	if (ps->changed)
		return;
	size_t vl;
	const char *v;
	if (starts(s, n, "node ") && find(s, n, " memtotal_kb=")) {
		if (sn->probed[0])
			return;
		const char *sp = memchr(s + 5, ' ', n - 5);
		v = token(s, n, "ranges=", &vl);
		if (sp && v)
			addf(&sn->g[slot(DG_PROBE_NODES)], "node %.*s ranges=%.*s", (int)(sp - s - 5), s + 5, (int)vl, v);
	} else if (starts(s, n, "nodes online=")) {
		if (sn->probed[0])
			return;
		sn->probed[0] = true;
		v = token(s, n, "online=", &vl);
		if (v)
			addf(&sn->g[slot(DG_PROBE_NODES)], "online=%.*s", (int)vl, v);
		v = token(s, n, "block_size=", &vl);
		if (v)
			addf(&sn->g[slot(DG_PROBE_NODES)], "block_size=%.*s", (int)vl, v);
	} else if (starts(s, n, "memory-blocks count=")) {
		ps->in_blocks = !sn->probed[1];
		sn->probed[1] = true;
	} else if (starts(s, n, "block ") && find(s, n, " state=") && ps->in_blocks) {
		const char *sp = memchr(s + 6, ' ', n - 6);
		size_t sl, zl, nl, ml = 0;
		const char *st = token(s, n, "state=", &sl), *z = token(s, n, "valid_zones=", &zl), *nd = token(s, n, "node=", &nl);
		const char *many = token(s, n, "nodes=", &ml);
		if (!sp || !st || !z || !nd)
			return;
		/* A printk can land inside a probe line ("nodes=0[  4.1] ..."):
		 * node lists end at the first character no list has. */
		nl = list_prefix(nd, nl);
		ml = many ? list_prefix(many, ml) : 0;
		struct buf b = BUF_INIT;
		buf_printf(&b, "block %.*s state=%.*s valid_zones=%.*s node=%.*s", (int)(sp - s - 6), s + 6, (int)sl, st, (int)zl, z,
			   (int)nl, nd);
		if (many) {
			buf_printf(&b, " nodes=%.*s", (int)ml, many);
			sn->block_nodes_key = true;
		}
		add(&sn->g[slot(DG_PROBE_BLOCKS)], b.s, b.len);
		buf_free(&b);
	} else if (starts(s, n, "zone node=")) {
		if (sn->probed[2] && !ps->in_zones)
			return;
		sn->probed[2] = ps->in_zones = true;
		size_t nl, zl, pl, spl, prl;
		const char *nd = token(s, n, "node=", &nl), *z = token(s, n, "zone=", &zl), *pfn = token(s, n, "start_pfn=", &pl);
		const char *sp = token(s, n, "spanned=", &spl), *pr = token(s, n, "present=", &prl);
		if (!nd || !z || !pfn || !sp || !pr || (spl == 1 && *sp == '0'))
			return;
		addf(&sn->g[slot(DG_PROBE_ZONES)], "zone node=%.*s zone=%.*s start_pfn=%.*s spanned=%.*s present=%.*s", (int)nl, nd,
		     (int)zl, z, (int)pl, pfn, (int)spl, sp, (int)prl, pr);
	} else if (starts(s, n, "zoneinfo zones=")) {
		ps->in_zones = false;
	} else if (!starts(s, n, "block")) {
		ps->in_blocks = false;
	}
}

/* Is the probe of group g (0 nodes, 1 memory-blocks, 2 zoneinfo) over? */
static bool probe_complete(const struct seen *sn, const struct probe_state *ps, int g)
{
	switch (g) {
	case 0: return sn->probed[0];
	case 1: return sn->probed[1] && !ps->in_blocks;
	default: return sn->probed[2] && !ps->in_zones;
	}
}

/* What is left of a probe line whose frame does not check (a kernel line
 * spliced in beyond repair): never data. The probe it belonged to is not
 * compared; when the remains do not say which line it was, it may have
 * been a STEP that changed the layout, so nothing after it counts either. */
static void probe_damaged(struct seen *sn, struct probe_state *ps, const char *s, size_t n, int line)
{
	if (ps->changed)
		return;
	static const struct { const char *word; int group; } words[] = {
		{ "node ", 0 }, { "nodes ", 0 }, { "memory-blocks ", 1 }, { "block ", 1 },
		{ "zone ", 2 }, { "zoneinfo ", 2 },
		/* lines no group reads */
		{ "PLAN ", -1 }, { "STEP-END ", -1 }, { "ERROR ", -1 }, { "block-read ", -1 }, { "kpageflags", -1 },
		{ "kpagecount ", -1 }, { "kpagecgroup ", -1 }, { "pagetypeinfo ", -1 }, { "pageblocks ", -1 },
		{ "node-alloc ", -1 }, { "cpu-alloc", -1 }, { "compact ", -1 },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (starts(s, n, words[i].word)) {
			int g = words[i].group;
			if (g >= 0 && !sn->damaged_at[g])
				sn->damaged_at[g] = line;
			return;
		}
	for (int g = 0; g < 3; g++)
		if (!probe_complete(sn, ps, g) && !sn->damaged_at[g])
			sn->damaged_at[g] = line;
	ps->changed = true;
}

static void console_line(struct seen *sn, enum window *w, const char *s, size_t n)
{
	const char *t = s;
	size_t tn = n;
	while (tn && *t == ' ')
		t++, tn--;
	if (starts(t, tn, "Zone ranges:")) {
		*w = W_ZONES;
		return;
	}
	if (starts(t, tn, "Movable zone start for each node")) {
		*w = W_MOVABLE;
		return;
	}
	if (starts(t, tn, "Early memory node ranges")) {
		*w = W_EARLY;
		return;
	}
	if (*w == W_ZONES && (starts(t, tn, "DMA ") || starts(t, tn, "DMA32 ") || starts(t, tn, "Normal ") ||
			      starts(t, tn, "Device ") || starts(t, tn, "Movable "))) {
		add(&sn->g[ML_ZONES], t, tn);
		return;
	}
	if (*w == W_MOVABLE && starts(t, tn, "Node ") && find(t, tn, ": 0x")) {
		add(&sn->g[ML_MOVABLE], t, tn);
		return;
	}
	if (*w == W_EARLY && starts(t, tn, "node ") && find(t, tn, ": [mem ")) {
		add(&sn->g[ML_EARLY], t, tn);
		return;
	}
	*w = W_NONE;
	if (starts(t, tn, "BIOS-e820: "))
		add(&sn->g[ML_E820], t, tn);
	else if (starts(t, tn, "user: [mem "))
		add(&sn->g[ML_USER], t, tn);
	else if (starts(t, tn, "ACPI: SRAT: Node "))
		add(&sn->g[ML_SRAT], t, tn);
	else if (starts(t, tn, "ACPI: SRAT: SRAT not used") || starts(t, tn, "ACPI: SRAT: Unexpected header length") ||
		 starts(t, tn, "ACPI: SRAT: Too many proximity domains") ||
		 (starts(t, tn, "NUMA: Node ") && find(t, tn, " -> [mem ")) ||
		 (starts(t, tn, "node ") && find(t, tn, " overlaps with node ")) ||
		 (starts(t, tn, "Warning: node ") && find(t, tn, " overlaps with itself")) ||
		 starts(t, tn, "Warning: invalid memblk node ") || starts(t, tn, "NUMA: nodes only cover ") ||
		 starts(t, tn, "No NUMA configuration found") || starts(t, tn, "NUMA turned off") ||
		 starts(t, tn, "Faking a node at ") || starts(t, tn, "Faking node ") || starts(t, tn, "Fake node size ") ||
		 starts(t, tn, "Not enough memory for each node.") || (starts(t, tn, "numa=fake=") && find(t, tn, " too large")) ||
		 starts(t, tn, "NUMA: Warning: constructed meminfo invalid") || starts(t, tn, "NUMA: Too many emulated memblks") ||
		 starts(t, tn, "numa_emulation: phys: "))
		add(&sn->g[ML_NUMA], t, tn);
	else if (starts(t, tn, "NODE_DATA(") && find(t, tn, ") allocated")) {
		const char *cut = find(t, tn, " [mem");
		add(&sn->g[ML_NODE_DATA], t, cut ? (size_t)(cut - t) : tn);
	} else if (starts(t, tn, "Initmem setup node ") || (starts(t, tn, "Initializing node ") && find(t, tn, " as memoryless")))
		add(&sn->g[ML_INITMEM], t, tn);
	else if (starts(t, tn, "On node ") && find(t, tn, " pages in unavailable ranges"))
		add(&sn->g[ML_HOLES], t, tn);
	else if (starts(t, tn, "x86/mm: Memory block size: "))
		add(&sn->g[ML_BLOCK_SIZE], t, tn);
}

struct scan {
	struct seen *sn;
	enum window w;
	struct probe_state ps;
};

static void scan_piece(void *ctx, enum probe_piece kind, const char *s, size_t n, int line)
{
	struct scan *sc = ctx;
	const char *msg;
	switch (kind) {
	case PIECE_KERNEL:
		msg = cline_skip_prefix(s, s + n);
		console_line(sc->sn, &sc->w, msg, (size_t)(s + n - msg));
		break;
	case PIECE_PROBE:
	case PIECE_UNFRAMED:
		probe_line(sc->sn, &sc->ps, s, n);
		break;
	case PIECE_DAMAGED:
		probe_damaged(sc->sn, &sc->ps, s, n, line);
		break;
	}
}

static void scan_log(const char *log, size_t len, struct seen *sn)
{
	struct scan sc = { .sn = sn, .w = W_NONE };
	struct probe_lines pl;
	probe_lines_init(&pl, scan_piece, &sc);
	probe_lines_parse(&pl, log, len);
	probe_lines_finish(&pl);
}

/* The kernel's list syntax: "0-2,5". */
static void id_list(struct buf *b, const int *ids, int n)
{
	if (!n) {
		buf_puts(b, "-");
		return;
	}
	for (int i = 0; i < n;) {
		int j = i;
		while (j + 1 < n && ids[j + 1] == ids[j] + 1)
			j++;
		buf_printf(b, "%s%d", i ? "," : "", ids[i]);
		if (j > i)
			buf_printf(b, "-%d", ids[j]);
		i = j + 1;
	}
}

static bool block_has_node(const struct model_block *b, int node)
{
	return node >= 0 && node < 128 && (b->node_mask[node / 64] >> (node % 64) & 1);
}

static void predict_probe(const struct model *m, const struct seen *sn, struct lines *pred)
{
	int *online = xmalloc(sizeof *online * (size_t)(m->n_nodes + 1)), n_online = 0;
	for (int i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].memory || m->nodes[i].cpus)
			online[n_online++] = m->nodes[i].id;
	struct buf b = BUF_INIT;
	for (int k = 0; k < n_online; k++) {
		buf_reset(&b);
		uint64_t first = 0, last = 0;
		bool open = false;
		for (int i = 0; i < m->n_blocks; i++) {
			const struct model_block *bl = &m->blocks[i];
			if (!bl->present || !block_has_node(bl, online[k]))
				continue;
			if (open && bl->index == last + 1) {
				last = bl->index;
				continue;
			}
			if (open)
				buf_printf(&b, "%s0x%llx-0x%llx", b.len ? "," : "", (unsigned long long)(first * m->block_size),
					   (unsigned long long)((last + 1) * m->block_size - 1));
			first = last = bl->index;
			open = true;
		}
		if (open)
			buf_printf(&b, "%s0x%llx-0x%llx", b.len ? "," : "", (unsigned long long)(first * m->block_size),
				   (unsigned long long)((last + 1) * m->block_size - 1));
		addf(&pred[slot(DG_PROBE_NODES)], "node %d ranges=%s", online[k], b.len ? b.s : "-");
	}
	buf_reset(&b);
	id_list(&b, online, n_online);
	addf(&pred[slot(DG_PROBE_NODES)], "online=%s", b.s);
	addf(&pred[slot(DG_PROBE_NODES)], "block_size=0x%llx", (unsigned long long)m->block_size);
	for (int i = 0; i < m->n_blocks; i++) {
		const struct model_block *bl = &m->blocks[i];
		if (!bl->present)
			continue;
		buf_reset(&b);
		buf_printf(&b, "block %llu state=%s", (unsigned long long)bl->index, bl->state);
		if (bl->valid_zones)
			buf_printf(&b, " valid_zones=%s", bl->valid_zones);
		buf_printf(&b, " node=%d", bl->node);
		if (sn->block_nodes_key) {
			int ids[128], n = 0;
			for (int id = 0; id < 128; id++)
				if (block_has_node(bl, id))
					ids[n++] = id;
			buf_puts(&b, " nodes=");
			id_list(&b, ids, n);
		}
		add(&pred[slot(DG_PROBE_BLOCKS)], b.s, b.len);
	}
	for (int i = 0; i < m->n_nodes; i++)
		for (int z = 0; z < MZONE__COUNT; z++) {
			const struct model_node *nd = &m->nodes[i];
			if (nd->zone[z].end == nd->zone[z].start)
				continue;
			addf(&pred[slot(DG_PROBE_ZONES)], "zone node=%d zone=%s start_pfn=0x%llx spanned=%llu present=%llu", nd->id,
			     model_zone_name(z), (unsigned long long)(nd->zone[z].start / MODEL_PAGE),
			     (unsigned long long)((nd->zone[z].end - nd->zone[z].start) / MODEL_PAGE),
			     (unsigned long long)(nd->zone[z].present / MODEL_PAGE));
		}
	buf_free(&b);
	free(online);
}

/* Seen probe block lines without valid_zones for DIMM blocks (not predicted). */
static void drop_dimm_zones(const struct model *m, struct lines *seen)
{
	for (int i = 0; i < seen->n; i++) {
		unsigned long long idx;
		if (sscanf(seen->v[i], "block %llu", &idx) != 1)
			continue;
		for (int k = 0; k < m->n_blocks; k++) {
			if (!m->blocks[k].dimm || m->blocks[k].index != idx)
				continue;
			char *vz = strstr(seen->v[i], " valid_zones=");
			char *end = vz ? strchr(vz + 1, ' ') : NULL;
			if (vz && end)
				memmove(vz, end, strlen(end) + 1);
		}
	}
}

static void compare(struct divergence *d, int group, struct lines *pred, struct lines *seen,
		    const struct divergence_benign *benign)
{
	bool *used = xcalloc((size_t)seen->n + 1, sizeof *used);
	struct buf only_pred = BUF_INIT, only_seen = BUF_INIT;
	for (int i = 0; i < seen->n; i++)
		if (divergence_benign_match(benign, group, seen->v[i])) {
			used[i] = true;
			d->n_benign++;
		}
	for (int i = 0; i < pred->n; i++) {
		if (divergence_benign_match(benign, group, pred->v[i]))
			continue;
		int k;
		for (k = 0; k < seen->n; k++)
			if (!used[k] && !strcmp(pred->v[i], seen->v[k]))
				break;
		if (k < seen->n)
			used[k] = true;
		else
			buf_printf(&only_pred, "%s\n", pred->v[i]);
	}
	for (int k = 0; k < seen->n; k++)
		if (!used[k])
			buf_printf(&only_seen, "%s\n", seen->v[k]);
	if (only_pred.len || only_seen.len) {
		d->v = xrealloc(d->v, sizeof *d->v * (size_t)(d->n + 1));
		d->v[d->n++] = (struct divergence_item){ xstrdup(group_title(group)), buf_steal(&only_pred), buf_steal(&only_seen) };
		if (!d->v[d->n - 1].predicted)
			d->v[d->n - 1].predicted = xstrdup("");
		if (!d->v[d->n - 1].seen)
			d->v[d->n - 1].seen = xstrdup("");
	}
	buf_free(&only_pred);
	buf_free(&only_seen);
	free(used);
}


static void skip(struct divergence *d, const char *why)
{
	char *old = d->skipped;
	d->skipped = old ? xasprintf("%s; %s", old, why) : xstrdup(why);
	free(old);
}

/* The usable e820 entry ending at the top of low RAM (below the SeaBIOS
 * reservation): its end, or 0. */
static uint64_t low_ram_top(const struct layout *l)
{
	uint64_t top = 0;
	for (int i = 0; i < l->n_e820; i++)
		if (l->e820[i].type == E820_RAM && l->e820[i].start >= 0x100000 && l->e820[i].end <= l->below_4g &&
		    l->e820[i].end > top)
			top = l->e820[i].end;
	return top;
}

/* SeaBIOS reserves more at the top of low RAM when the ACPI tables grow.
 * When the kernel's BIOS-e820 shows that entry ending within the benign
 * slack of the model's, the model is recomputed with the size seen, so the
 * early node ranges, holes and zone sizes that follow from it are checked
 * exactly. */
static void calibrate_seabios(const struct topology *t, struct model *m, const struct lines *e820, uint64_t slack,
			      struct divergence *out)
{
	uint64_t want = low_ram_top(&m->layout);
	if (!slack || !want)
		return;
	for (int i = 0; i < e820->n; i++) {
		unsigned long long s, e;
		char type[16];
		if (sscanf(e820->v[i], "BIOS-e820: [mem %llx-%llx] %15s", &s, &e, type) != 3 || strcmp(type, "usable") ||
		    s != 0x100000 || e + 1 == want || e >= m->layout.below_4g)
			continue;
		uint64_t seen = (uint64_t)e + 1, diff = seen > want ? seen - want : want - seen;
		if (diff > slack || seen % MODEL_PAGE)
			return;
		struct model again;
		uint64_t reserve = m->layout.below_4g - seen;
		if (model_compute_with(t, reserve, &again, NULL) != 0)
			return;
		model_free(m);
		*m = again;
		char note[160];
		snprintf(note, sizeof note, "SeaBIOS reserves 0x%llx bytes at the top of low RAM here (the model: 0x%llx; "
			 "within the benign slack)", (unsigned long long)reserve, (unsigned long long)(m->layout.below_4g - want));
		skip(out, note);
		out->n_benign++;
		return;
	}
}

void divergence_check(const struct topology *t, const char *log, size_t len, const struct divergence_benign *benign,
		      struct divergence *out)
{
	memset(out, 0, sizeof *out);
	if (!benign)
		benign = divergence_benign_builtin();
	struct model m;
	char *err = NULL;
	if (model_compute(t, &m, &err) != 0) {
		skip(out, err ? err : "the topology has no layout");
		free(err);
		return;
	}
	struct seen sn;
	memset(&sn, 0, sizeof sn);
	scan_log(log ? log : "", log ? len : 0, &sn);
	calibrate_seabios(t, &m, &sn.g[ML_E820], divergence_benign_seabios_slack(benign), out);
	struct model_lines ml;
	model_kernel_lines(&m, &ml);
	struct lines pred[N_GROUPS];
	memset(pred, 0, sizeof pred);
	for (int g = 0; g < ML__COUNT; g++)
		for (int i = 0; i < ml.n[g]; i++)
			add(&pred[g], ml.v[g][i], strlen(ml.v[g][i]));
	model_lines_free(&ml);
	if (m.n_ram)
		predict_probe(&m, &sn, pred);
	drop_dimm_zones(&m, &sn.g[slot(DG_PROBE_BLOCKS)]);
	int last_group = N_GROUPS;
	if (m.not_modelled) {
		skip(out, m.not_modelled);
		last_group = m.numa == NUMA_FAKE ? ML_NUMA : ML_SRAT;
	}
	bool dimm_online = false;
	for (int i = 0; i < m.n_blocks; i++)
		dimm_online |= m.blocks[i].dimm && !strcmp(m.blocks[i].state, "online");
	if (dimm_online && sn.probed[2])
		skip(out, "zone spans: cold-plugged DIMMs come online at boot (memhp_default_state) and grow the zones");
	for (int s = 0; s < N_GROUPS; s++) {
		int group = group_of_slot(s);
		if (s > last_group || (group == DG_PROBE_ZONES && dimm_online))
			continue;
		if (group >= DG_PROBE_NODES && !sn.probed[group - DG_PROBE_NODES] && !sn.damaged_at[group - DG_PROBE_NODES])
			continue;
		if (group >= DG_PROBE_NODES && sn.damaged_at[group - DG_PROBE_NODES]) {
			char note[160];
			snprintf(note, sizeof note, "%s: probe output damaged (console line %d: a kernel line inside a probe line), not compared",
				 group_title(group), sn.damaged_at[group - DG_PROBE_NODES]);
			skip(out, note);
			out->n_damaged++;
			continue;
		}
		compare(out, group, &pred[s], &sn.g[s], benign);
	}
	for (int s = 0; s < N_GROUPS; s++) {
		lines_free(&pred[s]);
		lines_free(&sn.g[s]);
	}
	model_free(&m);
}

void divergence_free(struct divergence *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->v[i].group);
		free(d->v[i].predicted);
		free(d->v[i].seen);
	}
	free(d->v);
	free(d->skipped);
	memset(d, 0, sizeof *d);
}

char *divergence_title(const struct divergence *d)
{
	if (!d->n)
		return NULL;
	return xasprintf("divergence in %s%s", d->v[0].group, d->n > 1 ? " (and more)" : "");
}

static void indent(struct buf *b, const char *who, const char *text)
{
	if (!*text) {
		buf_printf(b, "  %-7s (nothing)\n", who);
		return;
	}
	for (const char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		buf_printf(b, "  %-7s %.*s\n", who, (int)(nl - line + (*nl != '\n')), line);
		if (!nl[0] || !nl[1])
			break;
	}
}

char *divergence_text(const struct divergence *d)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < d->n; i++) {
		buf_printf(&b, "%s:\n", d->v[i].group);
		indent(&b, "model:", d->v[i].predicted);
		indent(&b, "kernel:", d->v[i].seen);
	}
	if (!b.s)
		return xstrdup("");
	return buf_steal(&b);
}
