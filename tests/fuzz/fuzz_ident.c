/*
 * fuzz_ident.c — libFuzzer target for identifier normalisation and checks: any bytes are
 * normalised and checked as every kind of identifier. Must never crash or trip a sanitizer, and
 * aborts when an invariant breaks:
 * - normalising is idempotent, removes every space and lower-case letter, and refuses exactly
 *   the inputs over IDENT_INPUT_MAX bytes;
 * - ident_parse() agrees with ident_check() on the normalised text, and what it accepts has the
 *   kind's length and stays valid when parsed, normalised or checked again;
 * - messages are "" when valid, otherwise non-empty UTF-8 within IDENT_MSG_SIZE; a small
 *   message or output buffer is never written past, and a cut message is a prefix of the whole;
 * - cross-kind facts: a valid SIRET starts with a valid SIREN; a 9-digit value is a valid
 *   FINESS exactly when it is a valid SIREN; a valid SIREN is a valid ADELI;
 * - the Luhn check digit computed for a payload makes it valid.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY 0x5A
#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 0;
		if (n == 0 || i + n > len)
			return false;
		for (size_t j = 1; j < n; j++)
			if (((unsigned char)s[i + j] & 0xC0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

static void check_message(bool valid, const char *msg)
{
	size_t n = strnlen(msg, IDENT_MSG_SIZE);
	CHECK(n < IDENT_MSG_SIZE);
	CHECK(valid ? n == 0 : n > 0);
	CHECK(utf8_valid(msg, n));
}

/* Bytes from index from on are all CANARY. */
static void check_canary(const char *buf, size_t from, size_t size)
{
	for (size_t i = from; i < size; i++)
		CHECK((unsigned char)buf[i] == CANARY);
}

static void fuzz_kind(enum ident_kind kind, const char *raw, size_t len, const char *norm,
		      size_t norm_len, bool norm_ok, size_t small)
{
	char msg[IDENT_MSG_SIZE], out[IDENT_VALUE_SIZE];

	/* The check on the normalised text, the diagnosis and the parse of the raw text agree. */
	bool valid = false;
	if (norm_ok) {
		valid = ident_check(kind, norm, norm_len, msg, sizeof(msg));
		check_message(valid, msg);
		char msg2[IDENT_MSG_SIZE];
		enum ident_status st = ident_diagnose(kind, norm, norm_len, msg2, sizeof(msg2));
		CHECK((st == IDENT_VALID) == valid);
		CHECK(strcmp(msg, msg2) == 0);
	}
	bool parsed = ident_parse(kind, raw, len, out, sizeof(out), msg, sizeof(msg));
	check_message(parsed, msg);
	CHECK(parsed == valid);
	if (!parsed) {
		CHECK(out[0] == '\0');
		/* A raw text valid as it stands normalises to itself, so parses. */
		CHECK(ident_diagnose(kind, raw, len, NULL, 0) != IDENT_VALID);
	} else {
		size_t n = strlen(out);
		CHECK(n == ident_kind_length(kind));
		CHECK(n == norm_len && memcmp(out, norm, n) == 0);
		char again[IDENT_VALUE_SIZE];
		CHECK(ident_parse(kind, out, n, again, sizeof(again), NULL, 0));
		CHECK(strcmp(again, out) == 0);
		CHECK(ident_check(kind, out, n, NULL, 0));
		for (size_t i = 0; i < n; i++)
			CHECK((out[i] >= '0' && out[i] <= '9') || out[i] == 'A' || out[i] == 'B');
	}

	/* Small buffers: the message is a terminated prefix; nothing past the size is touched. */
	char full[IDENT_MSG_SIZE];
	ident_parse(kind, raw, len, out, sizeof(out), full, sizeof(full));
	char cut[IDENT_MSG_SIZE + 8], tiny_out[IDENT_VALUE_SIZE + 8];
	memset(cut, CANARY, sizeof(cut));
	memset(tiny_out, CANARY, sizeof(tiny_out));
	size_t out_small = small % (IDENT_VALUE_SIZE + 1);
	bool p2 = ident_parse(kind, raw, len, tiny_out, out_small, cut, small);
	check_canary(cut, small, sizeof(cut));
	check_canary(tiny_out, out_small, sizeof(tiny_out));
	if (small > 0) {
		size_t n = strnlen(cut, small);
		CHECK(n < small);
		CHECK(utf8_valid(cut, n));
		if (p2 == parsed) {
			CHECK(memcmp(cut, full, n) == 0);
			if (strlen(full) < small)
				CHECK(strcmp(cut, full) == 0);
		}
	}
	/* Only a valid value can be refused for want of room, and only then. */
	CHECK(!p2 || parsed);
	if (parsed)
		CHECK(p2 == (out_small > ident_kind_length(kind)));
	if (p2)
		CHECK(strcmp(tiny_out, out) == 0);
	else if (out_small > 0)
		CHECK(tiny_out[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw = (const char *)data;
	char norm[IDENT_NORM_SIZE + 8];
	size_t norm_len = 99;

	memset(norm, CANARY, sizeof(norm));
	bool norm_ok = ident_normalize(raw, size, norm, IDENT_NORM_SIZE, &norm_len) == COOP_OK;
	check_canary(norm, IDENT_NORM_SIZE, sizeof(norm));
	CHECK(norm_ok == (size <= IDENT_INPUT_MAX));
	if (norm_ok) {
		CHECK(norm_len <= size && norm[norm_len] == '\0');
		for (size_t i = 0; i < norm_len; i++)
			CHECK(norm[i] != ' ' && !(norm[i] >= 'a' && norm[i] <= 'z'));
		char again[IDENT_NORM_SIZE];
		size_t again_len = 0;
		CHECK(ident_normalize(norm, norm_len, again, sizeof(again), &again_len) == COOP_OK);
		CHECK(again_len == norm_len && memcmp(again, norm, norm_len) == 0);
	} else {
		CHECK(norm_len == 0 && norm[0] == '\0');
	}

	size_t small = size == 0 ? 0 : data[0] % 96;

	/* Normalising into a small buffer: fits exactly when the result does, never overflows. */
	char snorm[IDENT_NORM_SIZE + 8];
	size_t snorm_size = small % (IDENT_NORM_SIZE + 1), snorm_len = 99;
	memset(snorm, CANARY, sizeof(snorm));
	bool snorm_ok = ident_normalize(raw, size, snorm, snorm_size, &snorm_len) == COOP_OK;
	check_canary(snorm, snorm_size, sizeof(snorm));
	CHECK(snorm_ok == (norm_ok && norm_len < snorm_size));
	if (snorm_ok)
		CHECK(snorm_len == norm_len && memcmp(snorm, norm, norm_len + 1) == 0);
	else if (snorm_size > 0)
		CHECK(snorm[0] == '\0' && snorm_len == 0);
	for (int k = 0; k < IDENT_KIND_COUNT; k++)
		fuzz_kind((enum ident_kind)k, raw, size, norm, norm_len, norm_ok, small);

	if (norm_ok) {
		bool siret = ident_check(IDENT_SIRET, norm, norm_len, NULL, 0);
		CHECK(!siret || ident_check(IDENT_SIREN, norm, 9, NULL, 0));
		bool siren = ident_check(IDENT_SIREN, norm, norm_len, NULL, 0);
		bool digits9 = norm_len == 9 && ident_luhn_check_digit(norm, 9) >= 0;
		if (digits9)
			CHECK(ident_check(IDENT_FINESS, norm, 9, NULL, 0) == siren);
		CHECK(!siren || ident_check(IDENT_ADELI, norm, 9, NULL, 0));
		CHECK(siren == (norm_len == 9 && ident_luhn_valid(norm, 9)));

		/* Luhn on the digit prefix of the normalised text. */
		size_t d = 0;
		while (d < norm_len && d < 40 && norm[d] >= '0' && norm[d] <= '9')
			d++;
		int key = ident_luhn_check_digit(norm, d);
		CHECK(key >= 0 && key <= 9);
		char buf[48];
		memcpy(buf, norm, d);
		buf[d] = (char)('0' + key);
		CHECK(ident_luhn_valid(buf, d + 1));
		buf[d] = (char)('0' + (key + 1) % 10);
		CHECK(!ident_luhn_valid(buf, d + 1));
	}

	enum ident_kind kind;
	if (ident_kind_from_code(raw, size, &kind))
		CHECK(strlen(ident_kind_code(kind)) == size &&
		      memcmp(ident_kind_code(kind), raw, size) == 0);
	return 0;
}
