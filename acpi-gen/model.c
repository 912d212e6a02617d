/* acpi-gen/model.c: model_compute() runs the steps in the kernel's own order
 * (e820 -> memblock, NUMA init, zones, memory blocks), owns the memblock
 * view they share, the names, and model_free(). Each step is a file:
 * model_numa.c, model_zones.c, model_blocks.c; features in model_features.c. */
#include "acpi-gen/model.h"
#include "common/buf.h"
#include <stdlib.h>
#include <string.h>

const char *model_zone_name(int zone)
{
	static const char *const names[MZONE__COUNT] = { "DMA", "DMA32", "Normal", "Movable" };
	return zone >= 0 && zone < MZONE__COUNT ? names[zone] : "?";
}

const char *numa_path_name(enum numa_path p)
{
	static const char *const names[NUMA_PATH__COUNT] = {
		"srat", "no-srat", "srat-bad", "overlap", "not-covered", "off", "noacpi", "fake",
	};
	return (unsigned)p < NUMA_PATH__COUNT ? names[p] : "?";
}

const struct mem_range *model_e820(const struct model *m, int *n)
{
	*n = m->layout.n_user ? m->layout.n_user : m->layout.n_e820;
	return m->layout.n_user ? m->layout.user_e820 : m->layout.e820;
}

uint64_t model_ram_in(const struct model *m, uint64_t s, uint64_t e)
{
	uint64_t sum = 0;
	for (int i = 0; i < m->n_ram; i++) {
		uint64_t a = m->ram[i].start > s ? m->ram[i].start : s;
		uint64_t b = m->ram[i].end < e ? m->ram[i].end : e;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

#define BIOS_BEGIN 0xa0000ULL
#define BIOS_END 0x100000ULL

static void add_ram(struct model *m, uint64_t s, uint64_t e)
{
	if (e <= s)
		return;
	if (m->n_ram && m->ram[m->n_ram - 1].end == s) {
		m->ram[m->n_ram - 1].end = e;
	} else {
		m->ram = xgrow(m->ram, (size_t)m->n_ram, sizeof *m->ram);
		m->ram[m->n_ram++] = (struct mem_range){ s, e, -1, E820_RAM, false };
	}
	m->ram_bytes += e - s;
}

/* e820__memblock_setup() after trim_bios_range(): RAM entries, page 0
 * turned reserved, trimmed to whole pages (memblock_trim_memory), adjacent
 * ones merged. max_pfn is the end of the last RAM entry (e820__end_of_ram_pfn). */
static void memblock_memory(struct model *m)
{
	int n;
	const struct mem_range *map = model_e820(m, &n);
	for (int i = 0; i < n; i++) {
		if (map[i].type != E820_RAM || map[i].start > UINT64_MAX - MODEL_PAGE)
			continue;
		uint64_t end_pfn = map[i].end / MODEL_PAGE;
		if (end_pfn * MODEL_PAGE > m->ram_end)
			m->ram_end = end_pfn * MODEL_PAGE;
		uint64_t s = (map[i].start + MODEL_PAGE - 1) & ~(MODEL_PAGE - 1), e = map[i].end & ~(MODEL_PAGE - 1);
		if (s < MODEL_PAGE)
			s = MODEL_PAGE;
		/* trim_bios_range() also takes 640K-1M out of RAM. */
		if (s < BIOS_END && e > BIOS_BEGIN) {
			if (s < BIOS_BEGIN)
				add_ram(m, s, BIOS_BEGIN);
			s = BIOS_END;
		}
		add_ram(m, s, e);
	}
}

int model_compute(const struct topology *t, struct model *m, char **err)
{
	return model_compute_with(t, 0, m, err);
}

static int model_rest(const struct topology *t, struct model *m);

int model_compute_with(const struct topology *t, uint64_t seabios_reserve, struct model *m, char **err)
{
	memset(m, 0, sizeof *m);
	if (layout_compute_with(t, seabios_reserve, &m->layout, err) != 0)
		return -1;
	return model_rest(t, m);
}

int model_compute_from_layout(const struct topology *t, struct layout *l, struct model *m)
{
	memset(m, 0, sizeof *m);
	m->layout = *l;
	memset(l, 0, sizeof *l);
	return model_rest(t, m);
}

int model_compute_features(const struct topology *t, struct layout *l, struct model *m)
{
	memset(m, 0, sizeof *m);
	m->layout = *l;
	memset(l, 0, sizeof *l);
	m->features_only = true;
	return model_rest(t, m);
}

static int model_rest(const struct topology *t, struct model *m)
{
	const char *wrong = getenv("TOPOFARM_MODEL_WRONG");
	m->wrong_on_purpose = wrong && !strcmp(wrong, "1");
	m->cmdline_facts = model_cmdline_facts(t);
	if (m->layout.user_map_refused) {
		m->not_modelled = xstrdup("the kernel refuses the user-defined map and panics before NUMA init");
		return 0;
	}
	memblock_memory(m);
	if (!m->n_ram) {
		m->not_modelled = xstrdup("no usable RAM is left in the e820 map");
		return 0;
	}
	model_numa(t, m);
	model_zones(t, m);
	model_blocks(t, m);
	return 0;
}

void model_free(struct model *m)
{
	layout_free(&m->layout);
	free(m->numa_reason);
	for (int i = 0; i < m->n_numa_lines; i++)
		free(m->numa_lines[i]);
	free(m->numa_lines);
	free(m->srat);
	free(m->emu_to_phys);
	free(m->meminfo);
	free(m->dropped);
	free(m->nodes);
	free(m->early);
	free(m->holes);
	free(m->blocks);
	free(m->sections);
	free(m->not_modelled);
	free(m->ram);
	memset(m, 0, sizeof *m);
}
