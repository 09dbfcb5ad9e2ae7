/*
 * test_date.c — day numbers, parsing, formatting and completed ages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/date.h"

static coop_date D(const char *s)
{
	coop_date d = 0;
	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

static void test_parse_valid_and_invalid(void **state)
{
	(void)state;
	coop_date d;
	assert_true(date_parse("1970-01-01", 10, &d));
	assert_int_equal(d, 0);
	assert_true(date_parse("2024-02-29", 10, &d));
	assert_false(date_parse("2023-02-29", 10, &d));
	assert_false(date_parse("2024-13-01", 10, &d));
	assert_false(date_parse("2024-00-10", 10, &d));
	assert_false(date_parse("2024-04-31", 10, &d));
	assert_false(date_parse("24-04-01", 8, &d));
	assert_false(date_parse("2024/04/01", 10, &d));
	assert_false(date_parse("2024-04-0a", 10, &d));
	assert_false(date_parse("1899-12-31", 10, &d));
	assert_false(date_parse("", 0, &d));
}

static void test_round_trip_and_format(void **state)
{
	(void)state;
	char iso[16], fr[16];
	for (coop_date d = D("1900-01-01"); d < D("2199-12-31"); d += 97) {
		date_format_iso(d, iso, sizeof(iso));
		coop_date back;
		assert_true(date_parse(iso, strlen(iso), &back));
		assert_int_equal(back, d);
	}
	date_format_fr(D("2026-12-31"), fr, sizeof(fr));
	assert_string_equal(fr, "31/12/2026");
	date_format_fr(D("2026-01-05"), fr, sizeof(fr));
	assert_string_equal(fr, "05/01/2026");
}

static void test_ages(void **state)
{
	(void)state;
	/* the birthday itself completes the year */
	assert_int_equal(date_age_years(D("2010-11-25"), D("2026-11-25")), 16);
	assert_int_equal(date_age_years(D("2010-11-26"), D("2026-11-25")), 15);
	assert_int_equal(date_age_months(D("2025-11-25"), D("2026-11-25")), 12);
	assert_int_equal(date_age_months(D("2025-11-26"), D("2026-11-25")), 11);
	/* born on the 31st: the month completes on the last day of a shorter month */
	assert_int_equal(date_age_months(D("2026-01-31"), D("2026-02-28")), 1);
	assert_int_equal(date_age_months(D("2026-01-31"), D("2026-02-27")), 0);
	/* born on 29 February: 28 February in common years */
	assert_int_equal(date_age_years(D("2008-02-29"), D("2025-02-28")), 17);
	assert_int_equal(date_age_years(D("2008-02-29"), D("2025-02-27")), 16);
	assert_int_equal(date_age_years(D("2008-02-29"), D("2024-02-29")), 16);
	assert_int_equal(date_age_months(D("2026-01-01"), D("2025-01-01")), -1);
	assert_int_equal(date_age_months(D("2026-01-01"), D("2026-01-01")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid_and_invalid),
		cmocka_unit_test(test_round_trip_and_format),
		cmocka_unit_test(test_ages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
