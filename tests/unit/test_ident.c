/*
 * test_ident.c — identifier normalisation and checks (NIR, RPPS, ADELI, FINESS, SIRET, SIREN).
 *
 * Identity vigilance (names, folding, NIR against the traits, duplicates) is tested at the end.
 *
 * Valid values come from the research (real or reference numbers) or are built here with
 * key functions written independently of ident.c (Luhn by trying each digit, the NIR key by
 * long division on the text). Every value under test is copied into a heap block of exactly
 * its length, without a NUL, so that ASan and valgrind catch any read past the length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above: keep it last. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"

/* The message of the last diag() call. */
static char last_msg[1024];

static bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80             ? 1
			   : (c & 0xE0) == 0xC0 ? 2
			   : (c & 0xF0) == 0xE0 ? 3
			   : (c & 0xF8) == 0xF0 ? 4
						: 0;
		if (n == 0 || i + n > len)
			return false;
		for (size_t j = 1; j < n; j++)
			if (((unsigned char)s[i + j] & 0xC0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

/* Checks the invariants every message obeys: "" when valid; otherwise a non-empty UTF-8
 * sentence starting with a lower-case letter that fits in IDENT_MSG_SIZE. */
static void check_msg(enum ident_status st, const char *msg)
{
	size_t n = strlen(msg);
	if (st == IDENT_VALID) {
		assert_int_equal(n, 0);
		return;
	}
	assert_true(n > 0);
	assert_true(n < IDENT_MSG_SIZE);
	assert_true(utf8_valid(msg, n));
	assert_true(msg[0] >= 'a' && msg[0] <= 'z');
}

/* ident_diagnose() on an exact-size heap copy of s[0..len); also checks that ident_check()
 * agrees and the message invariants. The message is left in last_msg. */
static enum ident_status diagn(enum ident_kind kind, const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, s, len);
	memset(last_msg, 'Z', sizeof(last_msg));
	enum ident_status st = ident_diagnose(kind, copy, len, last_msg, sizeof(last_msg));
	check_msg(st, last_msg);
	char other[IDENT_MSG_SIZE];
	assert_int_equal(ident_check(kind, copy, len, other, sizeof(other)), st == IDENT_VALID);
	assert_string_equal(other, last_msg);
	free(copy);
	return st;
}

static enum ident_status diag(enum ident_kind kind, const char *s)
{
	return diagn(kind, s, strlen(s));
}

/* ident_parse() on an exact-size heap copy; out and the message are checked and returned. */
static bool parse(enum ident_kind kind, const char *s, char *out, size_t out_size)
{
	size_t len = strlen(s);
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, s, len);
	memset(out, 'Z', out_size);
	memset(last_msg, 'Z', sizeof(last_msg));
	bool ok = ident_parse(kind, copy, len, out, out_size, last_msg, sizeof(last_msg));
	check_msg(ok ? IDENT_VALID : IDENT_BAD_CHAR, last_msg);
	if (!ok)
		assert_string_equal(out, "");
	free(copy);
	return ok;
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* Independent Luhn: a number is valid when the digits at odd places from the right (1st, 3rd,
 * ...) plus the digit sums of twice the others add up to a multiple of 10. */
static bool oracle_luhn(const char *s, size_t len)
{
	int total = 0;
	for (size_t k = 0; k < len; k++) {
		int d = s[len - 1 - k] - '0';
		if (k % 2 == 1)
			d = (2 * d) / 10 + (2 * d) % 10;
		total += d;
	}
	return len > 0 && total % 10 == 0;
}

/* The Luhn digit of payload, found by trying all ten. */
static char oracle_luhn_digit(const char *payload)
{
	char buf[64];
	size_t n = strlen(payload);
	assert_true(n + 1 < sizeof(buf));
	memcpy(buf, payload, n);
	for (char d = '0'; d <= '9'; d++) {
		buf[n] = d;
		if (oracle_luhn(buf, n + 1))
			return d;
	}
	fail_msg("no Luhn digit for %s", payload);
	return '?';
}

/* Writes payload followed by its Luhn digit into out. */
static void with_luhn(const char *payload, char *out, size_t size)
{
	size_t n = strlen(payload);
	assert_true(n + 2 <= size);
	memcpy(out, payload, n);
	out[n] = oracle_luhn_digit(payload);
	out[n + 1] = '\0';
}

/* NIR key by long division on the 13 characters, 2A = 19 and 2B = 18. */
static int oracle_nir_key(const char *body13)
{
	int r = 0;
	for (int i = 0; i < 13; i++) {
		int d;
		if (i == 5 && (body13[6] == 'A' || body13[6] == 'B'))
			d = 1;
		else if (i == 6 && body13[6] == 'A')
			d = 9;
		else if (i == 6 && body13[6] == 'B')
			d = 8;
		else
			d = body13[i] - '0';
		r = (r * 10 + d) % 97;
	}
	return 97 - r;
}

static void nir_with_key(const char *body13, char out[16])
{
	assert_int_equal(strlen(body13), 13);
	snprintf(out, 16, "%s%02d", body13, oracle_nir_key(body13));
}

static uint64_t rng_state = 88172645463325252u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static void random_digits(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + rnd(10));
	out[n] = '\0';
}

/* Every replacement of one digit of valid by another digit is refused; returns how many
 * mutations were tried. */
static int assert_mutations_refused(enum ident_kind kind, const char *valid)
{
	char buf[64];
	size_t n = strlen(valid);
	int tried = 0;
	assert_int_equal(diag(kind, valid), IDENT_VALID);
	for (size_t i = 0; i < n; i++) {
		if (valid[i] < '0' || valid[i] > '9')
			continue;
		for (char d = '0'; d <= '9'; d++) {
			if (d == valid[i])
				continue;
			memcpy(buf, valid, n + 1);
			buf[i] = d;
			if (diag(kind, buf) == IDENT_VALID)
				fail_msg("%s: mutation %s of %s accepted", ident_kind_code(kind),
					 buf, valid);
			tried++;
		}
	}
	return tried;
}

static void test_kinds(void **state)
{
	(void)state;
	static const char *codes[IDENT_KIND_COUNT] = {"nir",    "rpps",  "adeli",
						      "finess", "siret", "siren"};
	static const size_t lengths[IDENT_KIND_COUNT] = {15, 11, 9, 9, 14, 9};
	for (int i = 0; i < IDENT_KIND_COUNT; i++) {
		enum ident_kind k = (enum ident_kind)i, back = IDENT_SIREN;
		assert_string_equal(ident_kind_code(k), codes[i]);
		assert_int_equal(ident_kind_length(k), lengths[i]);
		assert_true(ident_kind_length(k) <= IDENT_VALUE_MAX);
		assert_non_null(ident_kind_label(k));
		assert_true(utf8_valid(ident_kind_label(k), strlen(ident_kind_label(k))));
		assert_true(ident_kind_from_code(codes[i], strlen(codes[i]), &back));
		assert_int_equal(back, k);
	}
	assert_string_equal(ident_kind_label(IDENT_NIR), "NIR (numéro de sécurité sociale)");
	assert_string_equal(ident_kind_label(IDENT_RPPS), "numéro RPPS");
	assert_string_equal(ident_kind_label(IDENT_FINESS), "numéro FINESS");

	enum ident_kind k = IDENT_RPPS;
	assert_false(ident_kind_from_code("NIR", 3, &k));
	assert_false(ident_kind_from_code("ni", 2, &k));
	assert_false(ident_kind_from_code("nirs", 4, &k));
	assert_false(ident_kind_from_code("nir\0", 4, &k));
	assert_false(ident_kind_from_code("", 0, &k));
	assert_false(ident_kind_from_code(NULL, 0, &k));
	assert_false(ident_kind_from_code("siretx", 5 + 1, &k));
	assert_int_equal(k, IDENT_RPPS);                      /* untouched on failure */
	assert_true(ident_kind_from_code("sirenXYZ", 5, &k)); /* only len bytes are read */
	assert_int_equal(k, IDENT_SIREN);

	assert_null(ident_kind_code((enum ident_kind)IDENT_KIND_COUNT));
	assert_null(ident_kind_label((enum ident_kind) - 1));
	assert_int_equal(ident_kind_length((enum ident_kind)99), 0);
	char msg[IDENT_MSG_SIZE];
	assert_int_equal(ident_diagnose((enum ident_kind)99, "1", 1, msg, sizeof(msg)),
			 IDENT_UNKNOWN_KIND);
	assert_true(contains(msg, "inconnu"));
}

static void test_luhn(void **state)
{
	(void)state;
	assert_true(ident_luhn_valid("79927398713", 11));
	assert_false(ident_luhn_valid("79927398710", 11));
	assert_true(ident_luhn_valid("10005173140", 11));
	assert_true(ident_luhn_valid("0", 1));
	assert_false(ident_luhn_valid("", 0));
	assert_false(ident_luhn_valid(NULL, 0));
	assert_false(ident_luhn_valid("7992739871a", 11));
	assert_false(ident_luhn_valid("79927 398713", 12));
	assert_int_equal(ident_luhn_check_digit("7992739871", 10), 3);
	assert_int_equal(ident_luhn_check_digit("1000517314", 10), 0);
	assert_int_equal(ident_luhn_check_digit("", 0), 0);
	assert_int_equal(ident_luhn_check_digit("12a", 3), -1);
	assert_int_equal(ident_luhn_check_digit("12 3", 4), -1);

	char payload[32], full[40];
	for (int round = 0; round < 3000; round++) {
		size_t n = 1 + rnd(20);
		random_digits(payload, n);
		int d = ident_luhn_check_digit(payload, n);
		assert_int_equal(d, oracle_luhn_digit(payload) - '0');
		memcpy(full, payload, n);
		for (int e = 0; e < 10; e++) {
			full[n] = (char)('0' + e);
			assert_int_equal(ident_luhn_valid(full, n + 1), e == d);
			assert_int_equal(ident_luhn_valid(full, n + 1), oracle_luhn(full, n + 1));
		}
	}
}

static const char *const valid_nirs[] = {"295109912611193", "253072B07300470", "253072A07300443"};

static void test_nir_valid_and_mutations(void **state)
{
	(void)state;
	int tried = 0;
	for (size_t i = 0; i < 3; i++)
		tried += assert_mutations_refused(IDENT_NIR, valid_nirs[i]);
	assert_int_equal(tried, 15 * 9 + 2 * 14 * 9);

	/* Swapping the Corsican départements, or writing them as digits, breaks the key. */
	assert_int_equal(diag(IDENT_NIR, "253072A07300470"), IDENT_BAD_KEY);
	assert_int_equal(diag(IDENT_NIR, "253072B07300443"), IDENT_BAD_KEY);
	assert_int_equal(diag(IDENT_NIR, "253072007300470"), IDENT_BAD_KEY);
	/* Wrong key: the message says so without giving the right one. */
	assert_int_equal(diag(IDENT_NIR, "295109912611192"), IDENT_BAD_KEY);
	assert_string_equal(last_msg,
			    "la clé de contrôle du NIR ne correspond pas : vérifiez la saisie");
	assert_false(contains(last_msg, "93"));
	/* Keys 00, 98 and 99 can never be right. */
	assert_int_equal(diag(IDENT_NIR, "295109912611100"), IDENT_BAD_KEY);
	assert_int_equal(diag(IDENT_NIR, "295109912611198"), IDENT_BAD_KEY);
	assert_int_equal(diag(IDENT_NIR, "295109912611199"), IDENT_BAD_KEY);
}

static void test_nir_constructed(void **state)
{
	(void)state;
	char nir[16], body[14];

	/* First digit: 1, 2 (sex), 3, 4, 7, 8 (special, temporary) accepted; others refused even
	 * with a correct key. */
	for (char first = '0'; first <= '9'; first++) {
		snprintf(body, sizeof(body), "%c951099126111", first);
		nir_with_key(body, nir);
		bool ok = strchr("123478", first) != NULL;
		assert_int_equal(diag(IDENT_NIR, nir), ok ? IDENT_VALID : IDENT_BAD_PREFIX);
		if (!ok) {
			char want[8];
			snprintf(want, sizeof(want), "« %c »", first);
			assert_true(contains(last_msg, "premier chiffre"));
			assert_true(contains(last_msg, want));
		}
	}

	/* Months are not checked (unknown months use 20–42, 50–99 in real NIRs). */
	static const char *const months[] = {"00", "01", "12", "13", "20", "42", "50", "99"};
	for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
		snprintf(body, sizeof(body), "195%s75056123", months[i]);
		nir_with_key(body, nir);
		assert_int_equal(diag(IDENT_NIR, nir), IDENT_VALID);
	}

	/* Corsica: 2A stands for 19 and 2B for 18 in the key, so both spellings share it. */
	nir_with_key("185092A004123", nir);
	assert_int_equal(diag(IDENT_NIR, nir), IDENT_VALID);
	char as_digits[16];
	memcpy(as_digits, nir, 16);
	as_digits[5] = '1';
	as_digits[6] = '9';
	assert_int_equal(diag(IDENT_NIR, as_digits), IDENT_VALID);
	nir_with_key("285092B004123", nir);
	assert_int_equal(diag(IDENT_NIR, nir), IDENT_VALID);
	assert_int_equal(oracle_nir_key("2850918004123"), oracle_nir_key("285092B004123"));

	/* Key 97 (N a multiple of 97) and a one-digit key written with its leading zero. */
	bool seen97 = false, seen_small = false;
	for (unsigned long long n = 1000000000000ULL; !(seen97 && seen_small); n++) {
		snprintf(body, sizeof(body), "%llu", n);
		int key = oracle_nir_key(body);
		if (key != 97 && key >= 10)
			continue;
		nir_with_key(body, nir);
		assert_int_equal(diag(IDENT_NIR, nir), IDENT_VALID);
		if (key == 97) {
			assert_string_equal(nir + 13, "97");
			seen97 = true;
			nir[13] = nir[14] = '0';
			assert_int_equal(diag(IDENT_NIR, nir), IDENT_BAD_KEY);
		} else {
			assert_int_equal(nir[13], '0');
			seen_small = true;
			nir[13] = nir[14];
			nir[14] = '\0';
			assert_int_equal(diag(IDENT_NIR, nir), IDENT_BAD_LENGTH);
		}
	}

	/* Random bodies: the key of ident.c agrees with the oracle. */
	for (int round = 0; round < 2000; round++) {
		random_digits(body, 13);
		body[0] = "123478"[rnd(6)];
		if (rnd(4) == 0) {
			body[5] = '2';
			body[6] = rnd(2) ? 'A' : 'B';
		}
		nir_with_key(body, nir);
		assert_int_equal(diag(IDENT_NIR, nir), IDENT_VALID);
		nir[14] = (char)('0' + (nir[14] - '0' + 1 + rnd(9)) % 10);
		assert_int_equal(diag(IDENT_NIR, nir), IDENT_BAD_KEY);
	}
}

static void test_nir_structure(void **state)
{
	(void)state;
	char buf[16], want[48];
	const char *v = valid_nirs[0];

	/* A foreign letter at each position: refused with the position and the character. */
	for (size_t i = 0; i < 15; i++) {
		memcpy(buf, v, 16);
		buf[i] = 'X';
		assert_int_equal(diag(IDENT_NIR, buf), IDENT_BAD_CHAR);
		snprintf(want, sizeof(want), "caractère « X » non admis en position %zu :", i + 1);
		assert_true(contains(last_msg, want));
		assert_true(contains(last_msg, "2A ou 2B"));
	}
	/* A or B anywhere but after the '2' of positions 6-7: refused. */
	for (size_t i = 0; i < 15; i++) {
		memcpy(buf, "253072A07300443", 16);
		if (i == 6)
			continue;
		buf[i] = 'B';
		assert_int_equal(diag(IDENT_NIR, buf), IDENT_BAD_CHAR);
		snprintf(want, sizeof(want), "lettre « B » non admise en position %zu :", i + 1);
		assert_true(contains(last_msg, want));
	}
	assert_int_equal(diag(IDENT_NIR, "253073A07300443"), IDENT_BAD_CHAR); /* 3A */
	assert_int_equal(diag(IDENT_NIR, "25307A207300443"), IDENT_BAD_CHAR); /* A2 */
	assert_int_equal(diag(IDENT_NIR, "253072C07300443"), IDENT_BAD_CHAR); /* 2C */
	assert_true(contains(last_msg, "« C »"));
	assert_int_equal(diag(IDENT_NIR, "2953A9912611193"), IDENT_BAD_CHAR);
	/* Lower-case is the normaliser's business: the check refuses it. */
	assert_int_equal(diag(IDENT_NIR, "253072a07300443"), IDENT_BAD_CHAR);

	char out[IDENT_VALUE_SIZE];
	assert_true(parse(IDENT_NIR, "253072a07300443", out, sizeof(out)));
	assert_string_equal(out, "253072A07300443");
	assert_true(parse(IDENT_NIR, "2 53 07 2b 073 004 70", out, sizeof(out)));
	assert_string_equal(out, "253072B07300470");
}

static void test_lengths(void **state)
{
	(void)state;
	char buf[IDENT_INPUT_MAX + 2], want[160];
	for (int k = 0; k < IDENT_KIND_COUNT; k++) {
		enum ident_kind kind = (enum ident_kind)k;
		size_t need = ident_kind_length(kind);
		for (size_t n = 1; n <= IDENT_INPUT_MAX; n++) {
			if (n == need)
				continue;
			memset(buf, '1', n);
			buf[n] = '\0';
			assert_int_equal(diag(kind, buf), IDENT_BAD_LENGTH);
			snprintf(want, sizeof(want), "doit compter %zu ", need);
			assert_true(contains(last_msg, want));
			snprintf(want, sizeof(want), ", %zu %s", n, n > 1 ? "reçus" : "reçu");
			assert_true(contains(last_msg, want));
		}
		assert_int_equal(diagn(kind, "", 0), IDENT_EMPTY);
		assert_true(contains(last_msg, "aucun "));
		assert_true(contains(last_msg, ident_kind_label(kind)));
		memset(buf, '1', IDENT_INPUT_MAX + 1);
		assert_int_equal(diagn(kind, buf, IDENT_INPUT_MAX + 1), IDENT_TOO_LONG);
		assert_true(contains(last_msg, "trop longue"));
	}
	assert_int_equal(diag(IDENT_NIR, "29510991261119"), IDENT_BAD_LENGTH);
	assert_string_equal(
		last_msg,
		"le NIR doit compter 15 caractères (13 chiffres et une clé de 2 chiffres), 14 reçus");
	assert_int_equal(diag(IDENT_RPPS, "1000517314"), IDENT_BAD_LENGTH);
	assert_string_equal(last_msg, "le numéro RPPS doit compter 11 chiffres, 10 reçus");
	assert_int_equal(diag(IDENT_SIREN, "7"), IDENT_BAD_LENGTH);
	assert_string_equal(last_msg, "le numéro SIREN doit compter 9 chiffres, 1 reçu");
}

static void test_rpps(void **state)
{
	(void)state;
	assert_int_equal(assert_mutations_refused(IDENT_RPPS, "10005173140"), 11 * 9);
	char payload[16], rpps[16], want[64];
	for (int round = 0; round < 500; round++) {
		payload[0] = '1';
		payload[1] = '0';
		random_digits(payload + 2, 8);
		with_luhn(payload, rpps, sizeof(rpps));
		assert_int_equal(diag(IDENT_RPPS, rpps), IDENT_VALID);
		if (round < 20)
			assert_mutations_refused(IDENT_RPPS, rpps);
	}
	/* Letters, A and B included (no Corsican form), at each position. */
	for (size_t i = 0; i < 11; i++) {
		memcpy(rpps, "10005173140", 12);
		rpps[i] = "AOl"[i % 3];
		assert_int_equal(diag(IDENT_RPPS, rpps), IDENT_BAD_CHAR);
		snprintf(want, sizeof(want), "« %c » non admis en position %zu :", rpps[i], i + 1);
		assert_true(contains(last_msg, want));
		assert_true(contains(last_msg, "le numéro RPPS ne compte que des chiffres"));
		assert_false(contains(last_msg, "Corse"));
	}
	assert_int_equal(diag(IDENT_RPPS, "10005173141"), IDENT_BAD_KEY);
	assert_true(contains(last_msg, "clé de contrôle du numéro RPPS"));
}

static void test_adeli(void **state)
{
	(void)state;
	/* No key is known: any 9 digits pass, so a one-digit typo does too. */
	assert_int_equal(diag(IDENT_ADELI, "751234567"), IDENT_VALID);
	assert_int_equal(diag(IDENT_ADELI, "751234568"), IDENT_VALID);
	assert_int_equal(diag(IDENT_ADELI, "000000000"), IDENT_VALID);
	/* Corsica accepted on format. */
	assert_int_equal(diag(IDENT_ADELI, "2A1234567"), IDENT_VALID);
	assert_int_equal(diag(IDENT_ADELI, "2B1234567"), IDENT_VALID);
	assert_int_equal(diag(IDENT_ADELI, "2C1234567"), IDENT_BAD_CHAR);
	assert_int_equal(diag(IDENT_ADELI, "3A1234567"), IDENT_BAD_CHAR);
	assert_int_equal(diag(IDENT_ADELI, "A21234567"), IDENT_BAD_CHAR);
	assert_int_equal(diag(IDENT_ADELI, "2A123456"), IDENT_BAD_LENGTH);
	char buf[10];
	for (size_t i = 0; i < 9; i++) {
		memcpy(buf, "751234567", 10);
		buf[i] = 'A';
		assert_int_equal(diag(IDENT_ADELI, buf), IDENT_BAD_CHAR);
		assert_true(contains(last_msg, "Corse"));
		memcpy(buf, "751234567", 10);
		buf[i] = '-';
		assert_int_equal(diag(IDENT_ADELI, buf), IDENT_BAD_CHAR);
	}
	char out[IDENT_VALUE_SIZE];
	assert_true(parse(IDENT_ADELI, "2a 123 456 7", out, sizeof(out)));
	assert_string_equal(out, "2A1234567");
}

static void test_finess(void **state)
{
	(void)state;
	static const char *const real[] = {"010003820", "010003812", "750100125",
					   "750712184", "690781810", "130783236"};
	int tried = 0;
	for (size_t i = 0; i < 6; i++)
		tried += assert_mutations_refused(IDENT_FINESS, real[i]);
	assert_int_equal(tried, 6 * 9 * 9);
	assert_int_equal(diag(IDENT_FINESS, "750100126"), IDENT_BAD_KEY);
	assert_true(contains(last_msg, "clé de contrôle du numéro FINESS"));

	/* Corsica: format only (key algorithm unknown, a documented gap). */
	assert_int_equal(diag(IDENT_FINESS, "2A0000010"), IDENT_VALID);
	assert_int_equal(diag(IDENT_FINESS, "2B9999999"), IDENT_VALID);
	assert_int_equal(diag(IDENT_FINESS, "2A000001X"), IDENT_BAD_CHAR);
	assert_int_equal(diag(IDENT_FINESS, "2A00000101"), IDENT_BAD_LENGTH);
	assert_int_equal(diag(IDENT_FINESS, "2AB000010"), IDENT_BAD_CHAR);
	assert_int_equal(diag(IDENT_FINESS, "20A000010"), IDENT_BAD_CHAR);
	assert_true(contains(last_msg, "en tête du numéro"));
	/* Département 20 written in digits gets the Luhn check like everything else. */
	assert_int_equal(diag(IDENT_FINESS, "200000000"), IDENT_BAD_KEY);

	/* A 9-digit FINESS is checked exactly like a SIREN. */
	char payload[9], v[10];
	for (int round = 0; round < 300; round++) {
		random_digits(payload, 8);
		with_luhn(payload, v, sizeof(v));
		assert_int_equal(diag(IDENT_FINESS, v), IDENT_VALID);
		v[rnd(9)] ^= 1; /* changes one digit to its neighbour */
		assert_int_equal(diag(IDENT_FINESS, v), IDENT_BAD_KEY);
	}
}

static void test_siren(void **state)
{
	(void)state;
	char payload[9], siren[10];
	assert_int_equal(diag(IDENT_SIREN, "356000000"), IDENT_VALID); /* La Poste */
	assert_mutations_refused(IDENT_SIREN, "356000000");
	for (int round = 0; round < 500; round++) {
		random_digits(payload, 8);
		with_luhn(payload, siren, sizeof(siren));
		assert_int_equal(diag(IDENT_SIREN, siren), IDENT_VALID);
		if (round < 30)
			assert_int_equal(assert_mutations_refused(IDENT_SIREN, siren), 9 * 9);
	}
	assert_int_equal(diag(IDENT_SIREN, "2A0000010"), IDENT_BAD_CHAR);
	assert_false(contains(last_msg, "Corse"));
	assert_int_equal(diag(IDENT_SIREN, "356000001"), IDENT_BAD_KEY);
}

/* Independent SIRET rule, written from the research's table. */
static bool oracle_siret(const char *s)
{
	bool key;
	if (strncmp(s, "356000000", 9) == 0 && strcmp(s, "35600000000048") != 0) {
		int sum = 0;
		for (int i = 0; i < 14; i++)
			sum += s[i] - '0';
		key = sum % 5 == 0;
	} else {
		key = oracle_luhn(s, 14);
	}
	return key && oracle_luhn(s, 9);
}

static void test_siret(void **state)
{
	(void)state;
	char payload[14], siret[16], siren[10];

	/* Ordinary establishments: valid SIREN + NIC + Luhn over the 14 digits. */
	for (int round = 0; round < 500; round++) {
		do {
			random_digits(payload, 8);
			with_luhn(payload, siren, sizeof(siren));
		} while (strcmp(siren, "356000000") == 0);
		memcpy(payload, siren, 9);
		random_digits(payload + 9, 4);
		with_luhn(payload, siret, sizeof(siret));
		assert_int_equal(diag(IDENT_SIRET, siret), IDENT_VALID);
		if (round < 30)
			assert_int_equal(assert_mutations_refused(IDENT_SIRET, siret), 14 * 9);
	}

	/* Luhn right over 14 digits but the SIREN part wrong. */
	random_digits(payload, 8);
	with_luhn(payload, siren, sizeof(siren));
	siren[8] = (char)('0' + (siren[8] - '0' + 1) % 10);
	memcpy(payload, siren, 9);
	memcpy(payload + 9, "0001", 5);
	with_luhn(payload, siret, sizeof(siret));
	assert_int_equal(diag(IDENT_SIRET, siret), IDENT_BAD_SIREN);
	assert_true(contains(last_msg, "SIREN"));

	/* La Poste: the head office follows Luhn; its other establishments a digit sum that is a
	 * multiple of 5. */
	assert_int_equal(diag(IDENT_SIRET, "35600000000048"), IDENT_VALID);
	assert_false(oracle_luhn("35600000000047", 14));
	assert_int_equal(diag(IDENT_SIRET, "35600000000047"), IDENT_VALID); /* sum 25 */
	assert_int_equal(diag(IDENT_SIRET, "35600000000049"), IDENT_BAD_KEY);
	int by_sum = 0, refused = 0;
	for (unsigned nic = 0; nic < 100000; nic += 7) {
		snprintf(siret, sizeof(siret), "356000000%05u", nic);
		bool luhn = oracle_luhn(siret, 14), want = oracle_siret(siret);
		assert_int_equal(diag(IDENT_SIRET, siret) == IDENT_VALID, want);
		if (want && !luhn)
			by_sum++;
		if (!want && luhn)
			refused++;
	}
	assert_true(by_sum > 100);  /* accepted only through the exception */
	assert_true(refused > 100); /* Luhn-valid yet refused: digit sum not a multiple of 5 */
	/* Every one-digit change of the head office follows the same rule. */
	for (size_t i = 0; i < 14; i++) {
		for (char d = '0'; d <= '9'; d++) {
			memcpy(siret, "35600000000048", 15);
			if (siret[i] == d)
				continue;
			siret[i] = d;
			assert_int_equal(diag(IDENT_SIRET, siret) == IDENT_VALID,
					 oracle_siret(siret));
		}
	}
	assert_int_equal(diag(IDENT_SIRET, "3560000000004A"), IDENT_BAD_CHAR);
}

static void test_normalize(void **state)
{
	(void)state;
	char out[IDENT_NORM_SIZE];
	size_t n = 99;
	assert_int_equal(ident_normalize("2 95 10 99 126 111 93", 21, out, sizeof(out), &n),
			 COOP_OK);
	assert_string_equal(out, "295109912611193");
	assert_int_equal(n, 15);
	assert_int_equal(ident_normalize("2 53 07 2a 073 004 70", 21, out, sizeof(out), &n),
			 COOP_OK);
	assert_string_equal(out, "253072A07300470");
	assert_int_equal(ident_normalize("abc xyz", 7, out, sizeof(out), &n), COOP_OK);
	assert_string_equal(out, "ABCXYZ");
	/* Only ASCII spaces go: tabs, dots, dashes, non-breaking spaces stay (and are refused). */
	assert_int_equal(ident_normalize("1\t2.3-4\xc2\xa0"
					 "5",
					 10, out, sizeof(out), &n),
			 COOP_OK);
	assert_int_equal(n, 10);
	assert_memory_equal(out,
			    "1\t2.3-4\xc2\xa0"
			    "5",
			    10);
	/* Embedded NUL bytes are kept and counted. */
	assert_int_equal(ident_normalize("1 \0 2", 5, out, sizeof(out), &n), COOP_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(out,
			    "1\0"
			    "2",
			    4);
	/* Spaces only, empty. */
	assert_int_equal(ident_normalize("   ", 3, out, sizeof(out), &n), COOP_OK);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	assert_int_equal(ident_normalize(NULL, 0, out, sizeof(out), NULL), COOP_OK);
	/* Bounds: 64 bytes accepted, 65 refused before looking; small output refused. */
	char in[IDENT_INPUT_MAX + 1];
	memset(in, '7', sizeof(in));
	assert_int_equal(ident_normalize(in, IDENT_INPUT_MAX, out, sizeof(out), &n), COOP_OK);
	assert_int_equal(n, IDENT_INPUT_MAX);
	assert_int_equal(ident_normalize(in, IDENT_INPUT_MAX + 1, out, sizeof(out), &n),
			 ERR_TOO_LARGE);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	in[0] = ' '; /* 65 bytes that would normalise to 64: still refused */
	assert_int_equal(ident_normalize(in, IDENT_INPUT_MAX + 1, out, sizeof(out), &n),
			 ERR_TOO_LARGE);
	char big[2 * IDENT_NORM_SIZE];
	assert_int_equal(ident_normalize(in, IDENT_INPUT_MAX + 1, big, sizeof(big), &n),
			 ERR_TOO_LARGE);
	char small[5];
	memset(small, 'Z', sizeof(small));
	assert_int_equal(ident_normalize("1 2 3 4 5", 9, small, sizeof(small), &n), ERR_TOO_LARGE);
	assert_string_equal(small, "");
	assert_int_equal(ident_normalize("1 2 3 4", 7, small, sizeof(small), &n), COOP_OK);
	assert_string_equal(small, "1234");
	assert_int_equal(ident_normalize("1", 1, small, 0, &n), ERR_TOO_LARGE);
	/* Idempotent. */
	char again[IDENT_NORM_SIZE];
	assert_int_equal(ident_normalize("2 53 07 2a", 10, out, sizeof(out), &n), COOP_OK);
	size_t n2 = 0;
	assert_int_equal(ident_normalize(out, n, again, sizeof(again), &n2), COOP_OK);
	assert_int_equal(n2, n);
	assert_memory_equal(again, out, n + 1);
}

static void test_parse(void **state)
{
	(void)state;
	char out[IDENT_VALUE_SIZE];
	assert_true(parse(IDENT_NIR, "2 95 10 99 126 111 93", out, sizeof(out)));
	assert_string_equal(out, "295109912611193");
	assert_true(parse(IDENT_RPPS, " 10005173140 ", out, sizeof(out)));
	assert_string_equal(out, "10005173140");
	assert_true(parse(IDENT_SIRET, "356 000 000 00048", out, sizeof(out)));
	assert_string_equal(out, "35600000000048");
	assert_true(parse(IDENT_FINESS, "75 010 012 5", out, sizeof(out)));
	assert_string_equal(out, "750100125");

	/* Positions count the normalised text, and the message says so. */
	assert_false(parse(IDENT_RPPS, "1000 5173 14O", out, sizeof(out)));
	assert_true(contains(last_msg, "caractère « O » non admis en position 11 (sans compter "
				       "les espaces) :"));
	assert_false(parse(IDENT_RPPS, "1000517314O", out, sizeof(out)));
	assert_true(contains(last_msg, "caractère « O » non admis en position 11 :"));
	/* Lower-case letters are upper-cased before being reported. */
	assert_false(parse(IDENT_RPPS, "1000517314o", out, sizeof(out)));
	assert_true(contains(last_msg, "« O »"));
	/* Separators other than ASCII spaces are named. */
	assert_false(parse(IDENT_SIREN, "123.456.789", out, sizeof(out)));
	assert_true(contains(last_msg, "caractère « . » non admis en position 4 :"));
	assert_false(parse(IDENT_NIR,
			   "2\xc2\xa0"
			   "95 10 99 126 111 93",
			   out, sizeof(out)));
	assert_true(contains(last_msg, "espace insécable"));
	assert_false(parse(IDENT_NIR,
			   "2\xe2\x80\xaf"
			   "95 10 99 126 111 93",
			   out, sizeof(out)));
	assert_true(contains(last_msg, "espace insécable"));
	assert_false(parse(IDENT_NIR, "2\t95 10 99 126 111 93", out, sizeof(out)));
	assert_true(contains(last_msg, "tabulation"));
	assert_false(parse(IDENT_RPPS, "10005173é40", out, sizeof(out)));
	assert_true(contains(last_msg, "accentué ou spécial non admis en position 9"));

	/* Empty, spaces only, and the input bound (spaces count: refused before normalising). */
	assert_false(parse(IDENT_NIR, "", out, sizeof(out)));
	assert_true(contains(last_msg, "aucun NIR"));
	char in[IDENT_INPUT_MAX + 2];
	memset(in, ' ', IDENT_INPUT_MAX);
	in[IDENT_INPUT_MAX] = '\0';
	assert_false(parse(IDENT_NIR, in, out, sizeof(out)));
	assert_true(contains(last_msg, "aucun NIR"));
	memset(in, ' ', IDENT_INPUT_MAX + 1);
	in[IDENT_INPUT_MAX + 1] = '\0';
	memcpy(in, "10005173140", 11);
	assert_false(parse(IDENT_RPPS, in, out, sizeof(out)));
	assert_string_equal(last_msg, "la saisie est trop longue (64 caractères au plus)");
	in[IDENT_INPUT_MAX] = '\0';
	assert_true(parse(IDENT_RPPS, in, out, sizeof(out)));

	/* An output too small is a caller bug, answered without writing past it. */
	char tiny[11];
	assert_false(parse(IDENT_RPPS, "10005173140", tiny, sizeof(tiny)));
	assert_true(contains(last_msg, "erreur interne"));
	char exact[12];
	assert_true(parse(IDENT_RPPS, "10005173140", exact, sizeof(exact)));
	assert_string_equal(exact, "10005173140");
	/* No message buffer: fine. */
	assert_true(ident_parse(IDENT_RPPS, "10005173140", 11, out, sizeof(out), NULL, 0));
	assert_false(ident_parse(IDENT_RPPS, "10005173141", 11, out, sizeof(out), NULL, 0));
	assert_string_equal(out, "");
}

static void test_nul_and_bounds(void **state)
{
	(void)state;
	/* An embedded NUL is a character like any other: refused with its position. */
	assert_int_equal(diagn(IDENT_RPPS,
			       "1000517\0"
			       "140",
			       11),
			 IDENT_BAD_CHAR);
	assert_true(contains(last_msg, "caractère invisible non admis en position 8"));
	assert_int_equal(diagn(IDENT_RPPS, "10005173140\0", 12), IDENT_BAD_CHAR);
	assert_true(contains(last_msg, "position 12"));
	assert_int_equal(diagn(IDENT_NIR,
			       "\0"
			       "95109912611193",
			       15),
			 IDENT_BAD_CHAR);
	char out[IDENT_VALUE_SIZE];
	assert_false(ident_parse(IDENT_RPPS,
				 "1000517\0"
				 "140",
				 11, out, sizeof(out), last_msg, sizeof(last_msg)));
	/* Only len bytes are read: what follows does not matter. */
	assert_int_equal(diagn(IDENT_RPPS, "10005173140XYZ", 11), IDENT_VALID);
	assert_int_equal(diagn(IDENT_NIR, "295109912611193999", 15), IDENT_VALID);
	assert_int_equal(diagn(IDENT_NIR, "295109912611193", 14), IDENT_BAD_LENGTH);
	/* NULL with length 0 is allowed everywhere. */
	assert_int_equal(ident_diagnose(IDENT_NIR, NULL, 0, NULL, 0), IDENT_EMPTY);
	assert_false(ident_parse(IDENT_NIR, NULL, 0, out, sizeof(out), NULL, 0));
}

static void test_messages(void **state)
{
	(void)state;
	struct {
		enum ident_kind kind;
		const char *s;
		const char *phrase;
	} cases[] = {
		{IDENT_NIR, "295109912611192", "clé de contrôle du NIR ne correspond pas"},
		{IDENT_NIR, "29510991261119", "15 caractères"},
		{IDENT_NIR, "595109912611193", "premier chiffre du NIR doit être 1 ou 2"},
		{IDENT_NIR, "2951099126111é3", "accentué"},
		{IDENT_RPPS, "1000517314", "11 chiffres, 10 reçus"},
		{IDENT_ADELI, "12345678", "9 caractères"},
		{IDENT_FINESS, "750100126", "clé de contrôle du numéro FINESS"},
		{IDENT_SIRET, "1234567890123", "14 chiffres"},
		{IDENT_SIRET, "35600000000049", "vérifiez la saisie"},
		{IDENT_SIREN, "35600000A", "le numéro SIREN ne compte que des chiffres"},
		{IDENT_NIR, "2 95", "caractère espace non admis en position 2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ident_status st = diag(cases[i].kind, cases[i].s);
		assert_int_not_equal(st, IDENT_VALID);
		if (!contains(last_msg, cases[i].phrase))
			fail_msg("message \"%s\" lacks \"%s\"", last_msg, cases[i].phrase);
	}

	/* Small buffers: never written past, always terminated, cut on a UTF-8 boundary, a prefix
	 * of the whole sentence. */
	char full[IDENT_MSG_SIZE];
	assert_false(ident_check(IDENT_NIR, "29510991261119", 14, full, sizeof(full)));
	size_t full_len = strlen(full);
	bool cut_inside_char = false;
	for (size_t size = 0; size <= full_len + 2; size++) {
		char buf[IDENT_MSG_SIZE + 8];
		memset(buf, 0x5A, sizeof(buf));
		assert_false(ident_check(IDENT_NIR, "29510991261119", 14, buf, size));
		for (size_t j = size; j < sizeof(buf); j++)
			assert_int_equal((unsigned char)buf[j], 0x5A);
		if (size == 0)
			continue;
		size_t n = strnlen(buf, size);
		assert_true(n < size);
		assert_true(utf8_valid(buf, n));
		assert_memory_equal(buf, full, n);
		if (size > full_len)
			assert_string_equal(buf, full);
		else if (n < size - 1)
			cut_inside_char = true;
	}
	assert_true(cut_inside_char); /* the "è" of "caractères" was cut at least once */

	/* Valid values clear the message. */
	char msg[IDENT_MSG_SIZE] = "old";
	assert_true(ident_check(IDENT_RPPS, "10005173140", 11, msg, sizeof(msg)));
	assert_string_equal(msg, "");
}

/* ------------------------------------------------------------------ identity vigilance */

static enum ident_name_status name(const char *typed, char *out)
{
	char msg[IDENT_MSG_SIZE];
	size_t len = strlen(typed);
	char *heap = malloc(len ? len : 1);
	assert_non_null(heap);
	memcpy(heap, typed, len);
	enum ident_name_status st =
		ident_name_parse("Le nom de naissance", heap, len, out, IDENT_NAME_SIZE, msg,
				 sizeof(msg));
	free(heap);
	assert_true(utf8_valid(msg, strlen(msg)));
	if (st == IDENT_NAME_OK) {
		assert_string_equal(msg, "");
	} else {
		assert_string_equal(out, "");
		/* the message names the field as the user sees it */
		assert_non_null(strstr(msg, "Le nom de naissance"));
	}
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	return st;
}

static void test_name_upper_cased_with_accents(void **state)
{
	(void)state;
	char out[IDENT_NAME_SIZE];
	assert_int_equal(name("Lefèvre", out), IDENT_NAME_OK);
	assert_string_equal(out, "LEFÈVRE");
	assert_int_equal(name("Inès", out), IDENT_NAME_OK);
	assert_string_equal(out, "INÈS");
	assert_int_equal(name("  françoise   marie-hélène ", out), IDENT_NAME_OK);
	assert_string_equal(out, "FRANÇOISE MARIE-HÉLÈNE");
	assert_int_equal(name("d’Œillet ÿvette", out), IDENT_NAME_OK);
	assert_string_equal(out, "D'ŒILLET ŸVETTE");
	assert_int_equal(name("ștefan łukasz ğül ı", out), IDENT_NAME_OK);
	assert_string_equal(out, "ȘTEFAN ŁUKASZ ĞÜL I");
	assert_int_equal(name("straße", out), IDENT_NAME_OK);
	assert_string_equal(out, "STRAßE");
	/* a no-break space is a space; a Unicode hyphen is a hyphen */
	assert_int_equal(name("le\xc2\xa0" "bihan\xe2\x80\x91" "arc", out), IDENT_NAME_OK);
	assert_string_equal(out, "LE BIHAN-ARC");
	/* an accent typed after its letter stays with it */
	assert_int_equal(name("Le\xcc\x81on", out), IDENT_NAME_OK);
	assert_string_equal(out, "LE\xcc\x81ON");
}

static void test_name_refused(void **state)
{
	(void)state;
	char out[IDENT_NAME_SIZE];
	assert_int_equal(name("", out), IDENT_NAME_EMPTY);
	assert_int_equal(name("   ", out), IDENT_NAME_EMPTY);
	assert_int_equal(name("Dupont3", out), IDENT_NAME_BAD_CHAR);
	assert_non_null(strstr(last_msg, "« 3 » en 7e position"));
	assert_int_equal(name("Dupont.", out), IDENT_NAME_BAD_CHAR);
	assert_int_equal(name("Du@pont", out), IDENT_NAME_BAD_CHAR);
	assert_int_equal(name("Иванов", out), IDENT_NAME_BAD_CHAR);
	assert_int_equal(name("Dupont\tMarie", out), IDENT_NAME_CONTROL);
	assert_int_equal(name("Dupont\nMarie", out), IDENT_NAME_CONTROL);
	assert_int_equal(name("Du\x7fpont", out), IDENT_NAME_CONTROL);
	assert_int_equal(name("Du\xc2\x85pont", out), IDENT_NAME_CONTROL);
	assert_int_equal(name("Dup\xe2\x80\x8bont", out), IDENT_NAME_INVISIBLE);
	assert_non_null(strstr(last_msg, "U+200B"));
	assert_non_null(strstr(last_msg, "4e position"));
	assert_int_equal(name("\xef\xbb\xbf" "Dupont", out), IDENT_NAME_INVISIBLE);
	assert_non_null(strstr(last_msg, "1re position"));
	assert_int_equal(name("Du\xc2\xadpont", out), IDENT_NAME_INVISIBLE);
	assert_int_equal(name("Dupont\xe2\x80\xae", out), IDENT_NAME_BIDI);
	assert_non_null(strstr(last_msg, "U+202E"));
	assert_int_equal(name("\xe2\x80\x8f" "Dupont", out), IDENT_NAME_BIDI);
	assert_int_equal(name("Du\xe2\x81\xa6pont", out), IDENT_NAME_BIDI);
	assert_int_equal(name("Du\xff" "pont", out), IDENT_NAME_BAD_UTF8);
	assert_int_equal(name("Du\xc3", out), IDENT_NAME_BAD_UTF8);
	assert_int_equal(name("-Dupont", out), IDENT_NAME_BAD_EDGE);
	assert_int_equal(name("Dupont'", out), IDENT_NAME_BAD_EDGE);
	assert_int_equal(name("Dupont - ", out), IDENT_NAME_BAD_EDGE);
	assert_int_equal(name("\xcc\x81" "Dupont", out), IDENT_NAME_BAD_CHAR);
	/* 100 letters pass, 101 do not; 100 accented letters (200 bytes) pass */
	char buf[512];
	memset(buf, 'a', 101);
	buf[101] = '\0';
	assert_int_equal(name(buf, out), IDENT_NAME_TOO_LONG);
	buf[100] = '\0';
	assert_int_equal(name(buf, out), IDENT_NAME_OK);
	for (int i = 0; i < 100; i++)
		memcpy(buf + 2 * i, "\xc3\xa9", 2);
	buf[200] = '\0';
	assert_int_equal(name(buf, out), IDENT_NAME_OK);
	assert_int_equal(strlen(out), 200);
}

static void fold(const char *s, const char *want)
{
	char out[IDENT_NAME_SIZE], again[IDENT_NAME_SIZE];
	size_t n = 99;
	assert_int_equal(ident_fold(s, strlen(s), out, sizeof(out), &n), COOP_OK);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	assert_int_equal(ident_fold(out, n, again, sizeof(again), NULL), COOP_OK);
	assert_string_equal(again, out);
}

static void test_fold(void **state)
{
	(void)state;
	fold("LEFÈVRE", "LEFEVRE");
	fold("Lefevre", "LEFEVRE");
	fold("lefè", "LEFE");
	fold("INÈS", "INES");
	fold("Le Bihan-d’Arc", "LE BIHAN D ARC");
	fold("  o'neil  ", "O NEIL");
	fold("Œdipe Æsa straße Þór", "OEDIPE AESA STRASSE THOR");
	fold("Le\xcc\x81on", "LEON");
	fold("ȘTEFAN Łukasz ĳssel", "STEFAN LUKASZ IJSSEL");
	fold("a--b", "A B");
	fold("", "");
	fold("-'", "");
	fold("Du\xff" "pont", "DU PONT");
	/* a small buffer is refused, not overrun */
	char small[4];
	size_t n = 9;
	assert_int_equal(ident_fold("DUPONT", 6, small, sizeof(small), &n), ERR_TOO_LARGE);
	assert_string_equal(small, "");
	assert_int_equal(n, 0);
}

static enum ident_nir_agreement agree(const char *body13, enum ident_sex sex, const char *born)
{
	char nir[16], msg[IDENT_MSG_SIZE];
	nir_with_key(body13, nir);
	int y, m, d;
	assert_int_equal(sscanf(born, "%d-%d-%d", &y, &m, &d), 3);
	enum ident_nir_agreement r = ident_nir_traits(nir, sex, date_from_ymd(y, m, d), msg,
						      sizeof(msg));
	assert_true(r == IDENT_NIR_AGREES ? msg[0] == '\0' : msg[0] != '\0');
	assert_true(utf8_valid(msg, strlen(msg)));
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	return r;
}

static void test_nir_traits(void **state)
{
	(void)state;
	assert_int_equal(agree("2951099126111", IDENT_SEX_FEMALE, "1995-10-03"), IDENT_NIR_AGREES);
	assert_int_equal(agree("1951099126111", IDENT_SEX_MALE, "1995-10-03"), IDENT_NIR_AGREES);
	/* sex */
	assert_int_equal(agree("2951099126111", IDENT_SEX_MALE, "1995-10-03"),
			 IDENT_NIR_SEX_DIFFERS);
	assert_int_equal(agree("1951099126111", IDENT_SEX_FEMALE, "1995-10-03"),
			 IDENT_NIR_SEX_DIFFERS);
	assert_non_null(strstr(last_msg, "féminin"));
	assert_int_equal(agree("1951099126111", IDENT_SEX_UNKNOWN, "1995-10-03"),
			 IDENT_NIR_AGREES);
	/* special and temporary numbers: the sex is not compared */
	for (const char *p = "3478"; *p; p++) {
		char body[14];
		memcpy(body, "2951099126111", 14);
		body[0] = *p;
		assert_int_equal(agree(body, IDENT_SEX_MALE, "1995-10-03"), IDENT_NIR_AGREES);
		assert_int_equal(agree(body, IDENT_SEX_FEMALE, "1995-10-03"), IDENT_NIR_AGREES);
	}
	/* year: two digits, whatever the century */
	assert_int_equal(agree("2951099126111", IDENT_SEX_FEMALE, "1985-10-03"),
			 IDENT_NIR_YEAR_DIFFERS);
	assert_non_null(strstr(last_msg, "1985"));
	assert_int_equal(agree("2051099126111", IDENT_SEX_FEMALE, "2005-10-03"), IDENT_NIR_AGREES);
	assert_int_equal(agree("2001099126111", IDENT_SEX_FEMALE, "1900-10-03"), IDENT_NIR_AGREES);
	/* month */
	assert_int_equal(agree("2950499126111", IDENT_SEX_FEMALE, "1995-10-03"),
			 IDENT_NIR_MONTH_DIFFERS);
	assert_non_null(strstr(last_msg, "avril"));
	assert_non_null(strstr(last_msg, "octobre"));
	/* the tolerated codes: 20–42 and 50–99 for an unknown month or a special registration */
	const char *tolerated[] = {"20", "30", "42", "50", "62", "99"};
	for (size_t i = 0; i < sizeof(tolerated) / sizeof(tolerated[0]); i++) {
		char body[14];
		memcpy(body, "2951099126111", 14);
		memcpy(body + 3, tolerated[i], 2);
		assert_int_equal(agree(body, IDENT_SEX_FEMALE, "1995-10-03"), IDENT_NIR_AGREES);
		assert_int_equal(agree(body, IDENT_SEX_FEMALE, "1995-01-31"), IDENT_NIR_AGREES);
	}
	const char *refused[] = {"00", "13", "19", "43", "49"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char body[14];
		memcpy(body, "2951099126111", 14);
		memcpy(body + 3, refused[i], 2);
		assert_int_equal(agree(body, IDENT_SEX_FEMALE, "1995-10-03"),
				 IDENT_NIR_MONTH_INVALID);
	}
	/* Corsica */
	char corse[16];
	assert_true(ident_parse(IDENT_NIR, "253072B07300470", 15, corse, sizeof(corse), NULL, 0));
	assert_int_equal(ident_nir_traits(corse, IDENT_SEX_FEMALE, date_from_ymd(1953, 7, 1),
					  NULL, 0),
			 IDENT_NIR_AGREES);
	/* not a valid NIR: a caller bug, said so */
	assert_int_equal(ident_nir_traits("295109912611194", IDENT_SEX_FEMALE,
					  date_from_ymd(1995, 10, 3), NULL, 0),
			 IDENT_NIR_NOT_VALID);
	assert_int_equal(ident_nir_traits("2951", IDENT_SEX_FEMALE, date_from_ymd(1995, 10, 3),
					  NULL, 0),
			 IDENT_NIR_NOT_VALID);
}

static void test_duplicate_match(void **state)
{
	(void)state;
	coop_date born = date_from_ymd(1980, 2, 14);
	struct ident_traits a = {"LEFEVRE", "INES", born, IDENT_SEX_FEMALE, NULL, NULL};
	struct ident_traits b = a;
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_SAME);
	/* NIR: the same person whatever the rest says */
	b = (struct ident_traits){"DUPONT", "JEAN", born + 3, IDENT_SEX_MALE, "75056",
				  "280027511200163"};
	a.nir = "280027511200163";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NIR);
	assert_int_equal(ident_match(&b, &a), IDENT_MATCH_NIR);
	/* identical traits, one NIR unknown: the same */
	b = a;
	b.nir = NULL;
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_SAME);
	assert_int_equal(ident_match(&b, &a), IDENT_MATCH_SAME);
	/* identical traits, two different NIRs: may be someone else (to be confirmed) */
	b.nir = "280027511200999";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_CLOSE);
	/* birthplace: unknown on one side still matches, two different ones do not */
	a.nir = NULL;
	b = a;
	b.birthplace_code = "75056";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_SAME);
	a.birthplace_code = "69123";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NONE);
	a.birthplace_code = NULL;
	/* first names: one list begins the other */
	b = a;
	b.nir = NULL;
	b.first_names = "INES MARIE";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_CLOSE);
	assert_int_equal(ident_match(&b, &a), IDENT_MATCH_CLOSE);
	b.first_names = "INESSA";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NONE);
	b.first_names = "MARIE INES";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NONE);
	/* sex: unknown on one side is close, two different ones no match */
	b = a;
	b.nir = NULL;
	b.sex = IDENT_SEX_UNKNOWN;
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_CLOSE);
	b.sex = IDENT_SEX_MALE;
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NONE);
	/* another birth name or date: no match */
	b = a;
	b.nir = NULL;
	b.birth_name = "LEFEBVRE";
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NONE);
	b.birth_name = a.birth_name;
	b.birth_date = born + 1;
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_NONE);
	/* folded forms make typing differences vanish */
	char f1[IDENT_NAME_SIZE], f2[IDENT_NAME_SIZE];
	assert_int_equal(ident_fold("Lefèvre", strlen("Lefèvre"), f1, sizeof(f1), NULL), COOP_OK);
	assert_int_equal(ident_fold("LEFEVRE", 7, f2, sizeof(f2), NULL), COOP_OK);
	b = a;
	a.birth_name = f1;
	b.birth_name = f2;
	assert_int_equal(ident_match(&a, &b), IDENT_MATCH_SAME);

	/* merging: refused only between two different NIRs */
	char msg[IDENT_MSG_SIZE];
	a.nir = "280027511200163";
	b.nir = NULL;
	assert_true(ident_merge_allowed(&a, &b, msg, sizeof(msg)));
	assert_string_equal(msg, "");
	b.nir = "280027511200163";
	assert_true(ident_merge_allowed(&a, &b, msg, sizeof(msg)));
	b.nir = "280027511200999";
	assert_false(ident_merge_allowed(&a, &b, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "NIR différents"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_luhn),
		cmocka_unit_test(test_nir_valid_and_mutations),
		cmocka_unit_test(test_nir_constructed),
		cmocka_unit_test(test_nir_structure),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_rpps),
		cmocka_unit_test(test_adeli),
		cmocka_unit_test(test_finess),
		cmocka_unit_test(test_siren),
		cmocka_unit_test(test_siret),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_nul_and_bounds),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_name_upper_cased_with_accents),
		cmocka_unit_test(test_name_refused),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_nir_traits),
		cmocka_unit_test(test_duplicate_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
