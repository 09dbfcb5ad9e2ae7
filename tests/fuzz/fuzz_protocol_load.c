/*
 * fuzz_protocol_load.c — libFuzzer target for the YAML protocol loader (with every check,
 * outcome enumeration included). Must never crash, leak or trip a sanitizer. Seeds: protocols/.
 */
#include <stddef.h>
#include <stdint.h>

#include "protocol/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct protocol *p = NULL;
	struct protocol_diags d;
	d.count = 0;
	d.n_errors = 0;
	if (protocol_load_buffer("fuzz.yaml", (const char *)data, size, &p, &d) == COOP_OK)
		protocol_free(p);
	return 0;
}
