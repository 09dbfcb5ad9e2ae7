/*
 * fuzz_answers.c — libFuzzer target for the answers decoder and the engine: any bytes are
 * decoded as an answers document for the odynophagie protocol (loaded once from
 * $COOP_SOURCE_ROOT/protocols or ./protocols); accepted documents are evaluated and explained.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/explain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct protocol *load_once(void)
{
	static struct protocol *p;
	static int tried;
	if (!tried) {
		tried = 1;
		const char *root = getenv("COOP_SOURCE_ROOT");
		char path[1024];
		snprintf(path, sizeof(path), "%s/protocols/snp-odynophagie.yaml", root ? root : ".");
		struct protocol_diags d = {.count = 0};
		if (protocol_load_file(path, &p, &d) != COOP_OK) {
			fprintf(stderr, "fuzz_answers: cannot load %s\n", path);
			abort();
		}
	}
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct engine_input in;
	static struct engine_result r;
	struct protocol *p = load_once();
	struct arena a;
	char msg[320];
	arena_init(&a, 1 << 20);
	if (answers_parse(p, (const char *)data, size, &a, &in, msg, sizeof(msg)) == COOP_OK &&
	    engine_evaluate(p, &in, &r) == COOP_OK) {
		json_t *j = explain_json(p, &in, &r);
		json_decref(j);
	}
	arena_free(&a);
	return 0;
}
