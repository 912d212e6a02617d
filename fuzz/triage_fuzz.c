/* fuzz/triage_fuzz.c: libFuzzer harness for console-log triage. Any bytes are
 * a console log (the first byte picks how the run ended); every result must
 * be well formed: titles present, offsets inside the log, the report count
 * bounded, signatures computable. With the top bit of the first byte set the
 * bytes are a known-list file instead. */
#include "results/triage.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_result(const struct triage_result *r, size_t len)
{
	if (r->n_reports < 0 || r->n_reports > TRIAGE_MAX_REPORTS || (unsigned)r->outcome >= OUTCOME__COUNT)
		__builtin_trap();
	if (r->outcome != OUTCOME_PASS && r->outcome != OUTCOME_INFRA && !r->title)
		__builtin_trap();
	for (int i = 0; i < r->n_reports; i++) {
		const struct triage_report *p = &r->reports[i];
		if (!p->title || !p->family || !p->text || !p->first_line || !p->phase || p->offset >= len)
			__builtin_trap();
		char *sig = triage_signature(p->title);
		if (strlen(sig) != 64)
			__builtin_trap();
		/* A title is already normal: normalising again changes nothing
		 * that matters for the signature. */
		char *n = triage_normalise_title(p->title);
		char *sig2 = triage_signature(n);
		if (strcmp(sig, sig2))
			__builtin_trap();
		free(n);
		free(sig);
		free(sig2);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 0x80) {
		struct known_list *k = NULL;
		char *err = NULL;
		if (known_list_parse((const char *)data + 1, size - 1, "fuzz.conf", &k, &err) == 0) {
			if (err)
				__builtin_trap();
			struct triage_result r;
			triage_log((const char *)data + 1, size - 1, RUN_END_UNKNOWN, k, &r);
			check_result(&r, size - 1);
			triage_result_free(&r);
			known_list_free(k);
		} else if (!err || !strstr(err, "fuzz.conf:")) {
			__builtin_trap();
		}
		free(err);
		return 0;
	}
	enum run_end end = (enum run_end)(data[0] % 7);
	/* A copy of exactly size-1 bytes, so ASan sees reads past the end. */
	size_t len = size - 1;
	char *log = malloc(len ? len : 1);
	memcpy(log, data + 1, len);
	struct triage_result r;
	triage_log(log, len, end, NULL, &r);
	check_result(&r, len ? len : 1);
	triage_result_free(&r);
	free(log);
	return 0;
}
