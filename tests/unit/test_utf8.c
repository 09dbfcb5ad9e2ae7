/*
 * test_utf8.c — the UTF-8 checks of base/utf8: the length of a character, validation, cutting a
 * text on a character boundary, and encoding with the replacement character.
 *
 * The tables list the edges of each rule (the smallest and largest lead and continuation bytes,
 * overlong forms, surrogates, the last code point). Two sweeps check against encodings written
 * here independently of utf8.c: every code point, and every pair of bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above: keep it last. */
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

/* Bytes of a test case: up to 5, with their count (the text may hold NUL). */
struct bytes {
	unsigned char b[5];
	size_t n;
};

static void test_char_len_table(void **state)
{
	(void)state;
	static const struct {
		struct bytes in;
		size_t want;
		const char *what;
	} cases[] = {
		{{{0x41}, 1}, 1, "ASCII letter"},
		{{{0x00}, 1}, 1, "NUL is a character"},
		{{{0x7F}, 1}, 1, "last ASCII"},
		{{{0x80}, 1}, 0, "lone continuation byte"},
		{{{0xBF}, 1}, 0, "last continuation byte alone"},
		{{{0xC0, 0x80}, 2}, 0, "overlong NUL (C0)"},
		{{{0xC1, 0xBF}, 2}, 0, "overlong (C1)"},
		{{{0xC2, 0x80}, 2}, 2, "U+0080, first two-byte"},
		{{{0xC3, 0xA9}, 2}, 2, "é"},
		{{{0xDF, 0xBF}, 2}, 2, "U+07FF, last two-byte"},
		{{{0xC3}, 1}, 0, "two-byte lead, truncated"},
		{{{0xC3, 0x41}, 2}, 0, "two-byte lead, ASCII after"},
		{{{0xC3, 0xC3}, 2}, 0, "two-byte lead, lead after"},
		{{{0xE0, 0x9F, 0xBF}, 3}, 0, "overlong three-byte"},
		{{{0xE0, 0xA0, 0x80}, 3}, 3, "U+0800, first three-byte"},
		{{{0xE2, 0x82, 0xAC}, 3}, 3, "€"},
		{{{0xED, 0x9F, 0xBF}, 3}, 3, "U+D7FF, before the surrogates"},
		{{{0xED, 0xA0, 0x80}, 3}, 0, "U+D800, first surrogate"},
		{{{0xED, 0xBF, 0xBF}, 3}, 0, "U+DFFF, last surrogate"},
		{{{0xEE, 0x80, 0x80}, 3}, 3, "U+E000, after the surrogates"},
		{{{0xEF, 0xBF, 0xBF}, 3}, 3, "U+FFFF"},
		{{{0xE2, 0x82}, 2}, 0, "three-byte, truncated"},
		{{{0xE2, 0x82, 0x41}, 3}, 0, "three-byte, bad third byte"},
		{{{0xF0, 0x8F, 0xBF, 0xBF}, 4}, 0, "overlong four-byte"},
		{{{0xF0, 0x90, 0x80, 0x80}, 4}, 4, "U+10000, first four-byte"},
		{{{0xF0, 0x9D, 0x84, 0x9E}, 4}, 4, "musical G clef"},
		{{{0xF4, 0x8F, 0xBF, 0xBF}, 4}, 4, "U+10FFFF, last code point"},
		{{{0xF4, 0x90, 0x80, 0x80}, 4}, 0, "U+110000, above the last"},
		{{{0xF5, 0x80, 0x80, 0x80}, 4}, 0, "F5 never starts a sequence"},
		{{{0xFF}, 1}, 0, "FF never appears"},
		{{{0xF0, 0x9D, 0x84}, 3}, 0, "four-byte, truncated"},
		{{{0xF0, 0x9D, 0x84, 0x20}, 4}, 0, "four-byte, bad last byte"},
		{{{0x41, 0xFF}, 2}, 1, "only the first character counts"},
		{{{0}, 0}, 0, "empty"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t got = utf8_char_len((const char *)cases[i].in.b, cases[i].in.n);
		if (got != cases[i].want)
			fail_msg("%s: %zu, expected %zu", cases[i].what, got, cases[i].want);
	}
}

static void test_valid_table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len; /* 0: strlen */
		bool want;
	} cases[] = {
		{"", 0, true},
		{"Hélène Lefèvre", 0, true},
		{"Œillet Ștefan 10 € 𝄞", 0, true},
		{"a\0b", 3, true},
		{"caf\xC3", 0, false},
		{"caf\xC3\xA9\x80", 0, false},
		{"\xED\xA0\x80", 0, false},
		{"\xC0\xAF", 0, false},
		{"ok\xF4\x90\x80\x80", 0, false},
		{"\xEF\xBB\xBFprotocole", 0, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
		if (utf8_valid(cases[i].s, len) != cases[i].want)
			fail_msg("case %zu: expected %s", i, cases[i].want ? "valid" : "invalid");
	}
	/* The length is honoured: the byte after it is never read as part of the text. */
	assert_true(utf8_valid("é\xFF", 2));
	assert_false(utf8_valid("é\xFF", 3));
	assert_false(utf8_valid("é", 1));
}

static void test_cut_table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t max;
		size_t want;
	} cases[] = {
		{"abc", 2, 2},
		{"abc", 3, 3},
		{"abc", 99, 3},
		{"abc", 0, 0},
		{"é", 1, 0},		 /* C3 | A9 */
		{"é", 2, 2},
		{"aé", 2, 1},
		{"aé", 3, 3},
		{"€", 1, 0},		 /* E2 | 82 AC */
		{"€", 2, 0},		 /* E2 82 | AC */
		{"a€", 3, 1},
		{"a€", 4, 4},
		{"𝄞", 1, 0},
		{"𝄞", 2, 0},
		{"𝄞", 3, 0},
		{"𝄞", 4, 4},
		{"x𝄞y", 4, 1},
		{"x𝄞y", 5, 5},
		{"\x80\x80", 2, 2},	 /* stray continuation bytes stay */
		{"\x80\x80\x80\x80", 4, 4}, /* never backs up more than three bytes */
		{"a\xE2\x82\xAC\xAC", 5, 5}, /* an extra continuation byte: not incomplete */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t got = utf8_cut(cases[i].s, strlen(cases[i].s), cases[i].max);
		if (got != cases[i].want)
			fail_msg("case %zu (\"%s\", %zu): %zu, expected %zu", i, cases[i].s,
				 cases[i].max, got, cases[i].want);
	}
}

/* Every cut of a text mixing 1- to 4-byte characters, at every length: valid, no longer than
 * asked, and as long as possible (the next character would not fit). */
static void test_cut_every_prefix(void **state)
{
	(void)state;
	const char *text = "Aé€𝄞 Lefèvre — Ștefan, 12 µg/kg, 𝄞𝄞é";
	size_t len = strlen(text);
	for (size_t max = 0; max <= len + 1; max++) {
		size_t n = utf8_cut(text, len, max);
		assert_true(n <= max && n <= len);
		assert_true(utf8_valid(text, n));
		if (n < len) {
			size_t next = utf8_char_len(text + n, len - n);
			assert_true(next > 0);
			assert_true(n + next > max);
		}
	}
}

/* The use for fixed buffers: a truncating snprintf cuts "Hélène" inside a character, and
 * utf8_cut finds the boundary from the buffer alone. */
static void test_cut_repairs_snprintf(void **state)
{
	(void)state;
	/* volatile: the compiler would otherwise warn of the truncation this test wants */
	const char *volatile name = "Hélène"; /* H C3 A9 6C C3 A8 ... */
	char buf[6];
	snprintf(buf, sizeof(buf), "%s", name);
	assert_memory_equal(buf, "H\xC3\xA9l\xC3", 5);
	buf[utf8_cut(buf, strlen(buf), strlen(buf))] = '\0';
	assert_string_equal(buf, "Hél");
	char small[3];
	snprintf(small, sizeof(small), "%s", name);
	small[utf8_cut(small, strlen(small), strlen(small))] = '\0';
	assert_string_equal(small, "H");
}

static void test_encode_or_replacement(void **state)
{
	(void)state;
	static const struct {
		uint32_t cp;
		const char *want;
	} cases[] = {
		{0x41, "A"},
		{0xE9, "é"},
		{0x85, "\xC2\x85"},
		{0x2028, "\xE2\x80\xA8"},
		{0x1D11E, "𝄞"},
		{0x10FFFF, "\xF4\x8F\xBF\xBF"},
		{0xD800, "\xEF\xBF\xBD"},
		{0xDFFF, "\xEF\xBF\xBD"},
		{0x110000, "\xEF\xBF\xBD"},
		{0xFFFFFFFF, "\xEF\xBF\xBD"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[5] = {0};
		size_t n = utf8_encode_or_replacement(cases[i].cp, out);
		assert_int_equal(n, strlen(cases[i].want));
		assert_memory_equal(out, cases[i].want, n);
	}
}

/* The UTF-8 encoding of cp, written from the table of RFC 3629 §3 (not from utf8.c). */
static size_t reference_encode(uint32_t cp, unsigned char *out)
{
	if (cp <= 0x7F) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	size_t n = cp <= 0x7FF ? 2 : cp <= 0xFFFF ? 3 : 4;
	static const unsigned char lead_bits[] = {0, 0, 0xC0, 0xE0, 0xF0};
	for (size_t i = n - 1; i > 0; i--) {
		out[i] = (unsigned char)(0x80 + cp % 64);
		cp /= 64;
	}
	out[0] = (unsigned char)(lead_bits[n] + cp);
	return n;
}

/* Every code point: its encoding is one character of its length; a surrogate's is refused. */
static void test_every_code_point(void **state)
{
	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		unsigned char enc[4];
		size_t n = reference_encode(cp, enc);
		bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
		size_t got = utf8_char_len((const char *)enc, n);
		if (got != (surrogate ? 0 : n))
			fail_msg("U+%04X: %zu", (unsigned)cp, got);
		if (!surrogate) {
			assert_true(utf8_valid((const char *)enc, n));
			assert_int_equal(utf8_cut((const char *)enc, n, n), n);
			assert_int_equal(utf8_cut((const char *)enc, n, n - 1), 0);
		}
	}
}

/* Every pair of bytes: valid exactly when both are ASCII or it is a two-byte character
 * (lead C2–DF, continuation 80–BF). */
static void test_every_byte_pair(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			char s[2] = {(char)a, (char)b};
			bool want = (a < 0x80 && b < 0x80) ||
				    (a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF);
			if (utf8_valid(s, 2) != want)
				fail_msg("%02X %02X", a, b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_char_len_table),
		cmocka_unit_test(test_valid_table),
		cmocka_unit_test(test_cut_table),
		cmocka_unit_test(test_cut_every_prefix),
		cmocka_unit_test(test_cut_repairs_snprintf),
		cmocka_unit_test(test_encode_or_replacement),
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_every_byte_pair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
