/*
 * fuzz_docblob.c — libFuzzer target for the stored format of episode documents
 * (store/docblob.h), whose decoder reads what is in the database file. The first byte chooses:
 * - even: the rest is decoded as a stored blob. Must never crash, read or write out of bounds,
 *   or trip a sanitizer; a success gives a NUL-terminated text of the stated length with no
 *   other NUL, which encodes and decodes back to itself; a failure is ERR_IO or ERR_NOMEM and
 *   gives no text.
 * - odd: the rest (cut at its first NUL) is a document to store: either it is kept as text, or
 *   its blob is smaller than it, of format 1, and decodes back to exactly it.
 * Aborts when an invariant breaks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/docblob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

/* text[0..len) (no NUL) encodes, and what is stored decodes back to it. */
static void check_round_trip(const char *text, size_t len, struct arena *a)
{
	unsigned char *blob = NULL;
	size_t n = 0;
	CHECK(docblob_encode(text, len, &blob, &n) == COOP_OK);
	if (!blob)
		return; /* kept as text */
	CHECK(n < len && n >= DOCBLOB_HEADER && blob[0] == DOCBLOB_FORMAT_DEFLATE_DICT1);
	const char *back = NULL;
	size_t back_len = 0;
	CHECK(docblob_decode(blob, n, a, &back, &back_len) == COOP_OK);
	CHECK(back_len == len && memcmp(back, text, len) == 0 && back[len] == '\0');
	free(blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct arena a;
	arena_init(&a, 4 * 1024 * 1024);
	if (data[0] % 2 == 0) {
		const char *text = NULL;
		size_t len = 0;
		enum coop_err err = docblob_decode(data + 1, size - 1, &a, &text, &len);
		if (err == COOP_OK) {
			CHECK(text && strlen(text) == len && len <= DOCBLOB_MAX_TEXT);
			check_round_trip(text, len, &a);
		} else {
			CHECK(err == ERR_IO || err == ERR_NOMEM);
			CHECK(!text && len == 0);
		}
	} else {
		const char *text = (const char *)data + 1;
		size_t len = strnlen(text, size - 1);
		check_round_trip(text, len, &a);
	}
	arena_free(&a);
	return 0;
}
