/*
 * test_typo_fr.c — French typography (core/typo_fr.h): the narrow no-break space before ; ! ?,
 * the no-break space before : and inside « », existing spaces made right, what is left alone
 * (straight quotes, times, addresses), idempotence, invalid UTF-8, the bounded output; euro
 * amounts with their spaces, negative ones and the extremes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/typo_fr.h"

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"
#define THIN "\xe2\x80\x89"

/* typo_fr(in) must give want, and typo_fr(want) want again */
static void check(const char *in, const char *want)
{
	char out[256], again[256];
	size_t n = 99;
	assert_int_equal(typo_fr(in, strlen(in), out, sizeof out, &n), COOP_OK);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	assert_int_equal(typo_fr(out, n, again, sizeof again, NULL), COOP_OK);
	assert_string_equal(again, want);
}

static void test_tight_marks(void **state)
{
	(void)state;
	check("Bonjour !", "Bonjour" NNBSP "!");
	check("Bonjour!", "Bonjour" NNBSP "!");
	check("Vraiment ?", "Vraiment" NNBSP "?");
	check("Vraiment?", "Vraiment" NNBSP "?");
	check("un ; deux", "un" NNBSP "; deux");
	check("un; deux", "un" NNBSP "; deux");
	check("Quoi ?!", "Quoi" NNBSP "?!");
	check("Non" NBSP "!", "Non" NNBSP "!");
	check("Non" THIN "!", "Non" NNBSP "!");
	check("Non   !", "Non" NNBSP "!");
	check("Déjà vu ?", "Déjà vu" NNBSP "?");
}

static void test_colon(void **state)
{
	(void)state;
	check("Motif : douleur", "Motif" NBSP ": douleur");
	check("Motif: douleur", "Motif" NBSP ": douleur");
	check("Motif" NNBSP ": douleur", "Motif" NBSP ": douleur");
	check("à 10:30", "à 10:30");
	check("voir https://ameli.fr", "voir https://ameli.fr");
	check("a;b", "a;b");
	check("?a=b", "?a=b");
}

static void test_guillemets(void **state)
{
	(void)state;
	check("« oui »", "«" NBSP "oui" NBSP "»");
	check("«oui»", "«" NBSP "oui" NBSP "»");
	check("«  oui  »", "«" NBSP "oui" NBSP "»");
	check("«" NNBSP "oui" THIN "»", "«" NBSP "oui" NBSP "»");
	check("«»", "«" NBSP "»");
	check("il dit « non ! »", "il dit «" NBSP "non" NNBSP "!" NBSP "»");
	check("«!»", "«" NBSP "!" NBSP "»");
}

static void test_left_alone(void **state)
{
	(void)state;
	check("", "");
	check("\"oui\"", "\"oui\"");
	check("dit \"oui\" !", "dit \"oui\"" NNBSP "!");
	check("ligne\n!", "ligne\n!");
	check(" !", " !");
	check("a  b", "a  b");
	check("Œdème, 5 % ; fièvre", "Œdème, 5 %" NNBSP "; fièvre");
}

static void test_errors(void **state)
{
	(void)state;
	char out[16] = "x";
	size_t n = 7;
	assert_int_equal(typo_fr("\xc3", 1, out, sizeof out, &n), ERR_INVALID);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
	assert_int_equal(typo_fr("a\0b", 3, out, sizeof out, &n), ERR_INVALID);
	/* "Bonjour!" needs 8 + 3 bytes and the NUL: 12 */
	assert_int_equal(typo_fr("Bonjour!", 8, out, 11, &n), ERR_TOO_LARGE);
	assert_string_equal(out, "");
	assert_int_equal(typo_fr("Bonjour!", 8, out, 12, &n), COOP_OK);
	assert_int_equal(n, 11);
	assert_int_equal(typo_fr("", 0, out, 0, &n), ERR_TOO_LARGE);
	assert_int_equal(typo_fr("", 0, out, 1, &n), COOP_OK);
	assert_string_equal(out, "");
	/* a multi-byte character that does not fit is not cut in half */
	assert_int_equal(typo_fr("éé", 4, out, 4, &n), ERR_TOO_LARGE);
	assert_string_equal(out, "");
}

/* idempotence on many texts made of the characters that matter (a fixed pseudo-random
 * sequence, the same on every run) */
static void test_idempotent_random(void **state)
{
	(void)state;
	static const char *const pieces[] = {"a", "é", " ", NBSP, NNBSP, THIN, "«", "»", "!", "?",
		":", ";", "\n", "1", "\"", ".", "/", ")"};
	const size_t np = sizeof pieces / sizeof pieces[0];
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char in[128], once[512], twice[512];
		size_t len = 0, n1, n2;
		seed = seed * 1103515245u + 12345u;
		int count = (int)(seed >> 16) % 24;
		for (int i = 0; i < count; i++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % np];
			memcpy(in + len, p, strlen(p));
			len += strlen(p);
		}
		assert_int_equal(typo_fr(in, len, once, sizeof once, &n1), COOP_OK);
		assert_int_equal(typo_fr(once, n1, twice, sizeof twice, &n2), COOP_OK);
		assert_string_equal(once, twice);
	}
}

static void money(int64_t c, const char *want)
{
	char buf[MONEY_FR_MAX];
	assert_int_equal(money_fr(c, buf, sizeof buf), COOP_OK);
	assert_string_equal(buf, want);
}

static void test_money(void **state)
{
	(void)state;
	money(2500, "25,00" NBSP "€");
	money(0, "0,00" NBSP "€");
	money(5, "0,05" NBSP "€");
	money(-5, "-0,05" NBSP "€");
	money(99999, "999,99" NBSP "€");
	money(100000, "1" NNBSP "000,00" NBSP "€");
	money(123456, "1" NNBSP "234,56" NBSP "€");
	money(-123456789, "-1" NNBSP "234" NNBSP "567,89" NBSP "€");
	money(INT64_MAX, "92" NNBSP "233" NNBSP "720" NNBSP "368" NNBSP "547" NNBSP "758,07" NBSP
		"€");
	money(INT64_MIN, "-92" NNBSP "233" NNBSP "720" NNBSP "368" NNBSP "547" NNBSP "758,08"
		NBSP "€");
	char buf[12];
	/* "25,00 €" is 5 + 2 + 3 bytes = 10, 11 with the NUL */
	assert_int_equal(money_fr(2500, buf, 10), ERR_TOO_LARGE);
	assert_string_equal(buf, "");
	assert_int_equal(money_fr(2500, buf, 11), COOP_OK);
}

static void test_date_reused(void **state)
{
	(void)state;
	char buf[11];
	date_format_fr(date_from_ymd(2026, 6, 30), buf, sizeof buf);
	assert_string_equal(buf, "30/06/2026");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tight_marks),
		cmocka_unit_test(test_colon),
		cmocka_unit_test(test_guillemets),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_idempotent_random),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_date_reused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
