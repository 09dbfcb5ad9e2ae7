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
 * - the Luhn check digit computed for a payload makes it valid;
 * - identity vigilance: a name ident_name_parse() accepts is stored as valid UTF-8 of allowed
 *   characters only (no control, invisible or bidirectional mark), starts and ends with a
 *   letter, has single spaces, and parses to itself again; a refused one leaves "" and a
 *   non-empty message naming the field; folding is idempotent, gives capitals, digits and
 *   single inner spaces only, is never longer than its input, and folds the stored form as it
 *   folds the typed one; ident_match() is symmetric and a record matches itself; the NIR
 *   agreement of any valid NIR with any sex and date says "" exactly when it agrees.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY 0x5A
#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

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
	CHECK(ident_parse(kind, raw, len, out, sizeof(out), full, sizeof(full)) == parsed);
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

/* Every character of a stored name is allowed: a Latin letter, a combining accent, a space, a
 * hyphen or an apostrophe; no double space; a letter at both ends. */
static void check_stored_name(const char *s)
{
	size_t len = strlen(s), i = 0;
	uint32_t prev = 0, cp = 0;
	CHECK(len > 0);
	while (i < len) {
		size_t k = utf8_decode(s + i, len - i, &cp);
		CHECK(k > 0);
		CHECK(utf8_is_latin_letter(cp) || (cp >= 0x300 && cp <= 0x36F && cp != 0x34F) ||
		      cp == ' ' || cp == '-' || cp == '\'');
		CHECK(utf8_upper_cp(cp) == cp || !utf8_is_latin_letter(cp));
		if (i == 0)
			CHECK(utf8_is_latin_letter(cp));
		CHECK(!(cp == ' ' && prev == ' '));
		prev = cp;
		i += k;
	}
	CHECK(cp != ' ' && cp != '-' && cp != '\'');
}

static void check_folded(const char *f, size_t n, size_t in_len)
{
	CHECK(n == strlen(f) && n <= in_len);
	for (size_t i = 0; i < n; i++) {
		CHECK((f[i] >= 'A' && f[i] <= 'Z') || (f[i] >= '0' && f[i] <= '9') || f[i] == ' ');
		if (f[i] == ' ')
			CHECK(i > 0 && i + 1 < n && f[i + 1] != ' ');
	}
	char again[IDENT_NAME_SIZE + IDENT_NORM_SIZE];
	size_t m = 0;
	CHECK(ident_fold(f, n, again, sizeof(again), &m) == COOP_OK);
	CHECK(m == n && memcmp(again, f, n) == 0);
}

static void fuzz_identity(const char *raw, size_t size)
{
	char stored[IDENT_NAME_SIZE], msg[IDENT_MSG_SIZE];
	size_t len = size > IDENT_NAME_INPUT_MAX + 8 ? IDENT_NAME_INPUT_MAX + 8 : size;
	enum ident_name_status st =
		ident_name_parse("Le nom", raw, len, stored, sizeof(stored), msg, sizeof(msg));
	check_message(st == IDENT_NAME_OK, msg);
	char folded_raw[IDENT_NAME_SIZE + 8], folded_stored[IDENT_NAME_SIZE];
	size_t nr = 0, ns = 0;
	CHECK(ident_fold(raw, len, folded_raw, sizeof(folded_raw), &nr) == COOP_OK);
	check_folded(folded_raw, nr, len);
	if (st == IDENT_NAME_OK) {
		check_stored_name(stored);
		char again[IDENT_NAME_SIZE];
		CHECK(ident_name_parse("Le nom", stored, strlen(stored), again, sizeof(again), NULL,
				       0) == IDENT_NAME_OK);
		CHECK(strcmp(again, stored) == 0);
		CHECK(ident_fold(stored, strlen(stored), folded_stored, sizeof(folded_stored), &ns) ==
		      COOP_OK);
		check_folded(folded_stored, ns, strlen(stored));
		CHECK(ns == nr && memcmp(folded_stored, folded_raw, ns) == 0);
	} else {
		CHECK(stored[0] == '\0');
		CHECK(strstr(msg, "Le nom") == msg);
	}

	/* duplicates: symmetric, and a record matches itself */
	size_t half = nr / 2;
	char a_name[IDENT_NAME_SIZE + 8], b_name[IDENT_NAME_SIZE + 8];
	memcpy(a_name, folded_raw, half);
	a_name[half] = '\0';
	memcpy(b_name, folded_raw + half, nr - half);
	b_name[nr - half] = '\0';
	coop_date born = size > 1 ? (coop_date)(raw[1] & 0x3F) : 0;
	struct ident_traits a = {a_name, b_name, born, (enum ident_sex)(size % 3), NULL, NULL};
	struct ident_traits b = {a_name, a_name, born, (enum ident_sex)((size / 3) % 3),
				 size % 2 ? "75056" : NULL, size % 5 == 0 ? "x" : NULL};
	CHECK(ident_match(&a, &b) == ident_match(&b, &a));
	CHECK(ident_match(&a, &a) == IDENT_MATCH_SAME);
	CHECK(ident_match(&b, &b) == (b.nir ? IDENT_MATCH_NIR : IDENT_MATCH_SAME));
}

/* Any valid NIR against any sex and date: "" exactly when they agree. */
static void fuzz_nir_traits(const char *norm, size_t norm_len, const uint8_t *data, size_t size)
{
	if (norm_len != 15 || !ident_check(IDENT_NIR, norm, 15, NULL, 0))
		return;
	char nir[16], msg[IDENT_MSG_SIZE];
	memcpy(nir, norm, 15);
	nir[15] = '\0';
	int y = 1900 + (size > 2 ? data[2] % 130 : 0), m = 1 + (size > 3 ? data[3] % 12 : 0);
	enum ident_nir_agreement r = ident_nir_traits(
		nir, (enum ident_sex)(size % 3), date_from_ymd(y, m, 1), msg, sizeof(msg));
	check_message(r == IDENT_NIR_AGREES, msg);
	CHECK(r != IDENT_NIR_NOT_VALID);
	if (r == IDENT_NIR_AGREES)
		CHECK((nir[1] - '0') * 10 + (nir[2] - '0') == y % 100);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_identity((const char *)data, size);

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
		fuzz_nir_traits(norm, norm_len, data, size);
	}

	enum ident_kind kind;
	if (ident_kind_from_code(raw, size, &kind))
		CHECK(strlen(ident_kind_code(kind)) == size &&
		      memcmp(ident_kind_code(kind), raw, size) == 0);
	return 0;
}
