/*
 * test_semester.c — half-years (core/semester.h): the day's semester on either side of 30 June /
 * 1 July and 31 December / 1 January, bounds, parsing and refusing bad text, formatting with its
 * bounded buffer, next and previous.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/semester.h"

static void test_of_edges(void **state)
{
	(void)state;
	struct semester s = semester_of(date_from_ymd(2026, 6, 30));
	assert_int_equal(s.year, 2026);
	assert_int_equal(s.half, 1);
	s = semester_of(date_from_ymd(2026, 7, 1));
	assert_int_equal(s.year, 2026);
	assert_int_equal(s.half, 2);
	s = semester_of(date_from_ymd(2026, 12, 31));
	assert_int_equal(s.half, 2);
	s = semester_of(date_from_ymd(2027, 1, 1));
	assert_int_equal(s.year, 2027);
	assert_int_equal(s.half, 1);
}

static void test_bounds(void **state)
{
	(void)state;
	coop_date a = 0, b = 0;
	assert_int_equal(semester_bounds((struct semester){2024, 1}, &a, &b), COOP_OK);
	assert_int_equal(a, date_from_ymd(2024, 1, 1));
	assert_int_equal(b, date_from_ymd(2024, 6, 30));
	assert_int_equal(semester_bounds((struct semester){2024, 2}, &a, &b), COOP_OK);
	assert_int_equal(a, date_from_ymd(2024, 7, 1));
	assert_int_equal(b, date_from_ymd(2024, 12, 31));
	assert_int_equal(semester_bounds((struct semester){2024, 3}, &a, &b), ERR_INVALID);
	assert_int_equal(semester_bounds((struct semester){2024, 0}, &a, &b), ERR_INVALID);
	assert_int_equal(semester_bounds((struct semester){1899, 2}, &a, &b), ERR_INVALID);
	assert_true(semester_contains((struct semester){2026, 1}, date_from_ymd(2026, 6, 30)));
	assert_false(semester_contains((struct semester){2026, 1}, date_from_ymd(2026, 7, 1)));
	assert_true(semester_contains((struct semester){2026, 2}, date_from_ymd(2026, 7, 1)));
	assert_false(semester_contains((struct semester){2026, 2}, date_from_ymd(2027, 1, 1)));
}

static void test_parse(void **state)
{
	(void)state;
	struct semester s = {0, 0};
	assert_true(semester_parse("2026-S1", 7, &s));
	assert_int_equal(s.year, 2026);
	assert_int_equal(s.half, 1);
	assert_true(semester_parse("2199-S2", 7, &s));
	assert_int_equal(s.half, 2);
	const char *bad[] = {"2026-S3", "2026-S0", "2026-s1", "2026S1", "2026-S", "1899-S2",
		"2200-S1", "20a6-S1", " 2026-S1", "2026-S1 ", "+026-S1", "2026_S1", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = (struct semester){7, 7};
		assert_false(semester_parse(bad[i], strlen(bad[i]), &s));
		assert_int_equal(s.year, 7);
	}
	assert_false(semester_parse("2026-S12", 7 + 1, &s));
	assert_true(semester_parse("2026-S12", 7, &s)); /* exactly len bytes */
	assert_false(semester_parse(NULL, 7, &s));
}

static void test_format(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(semester_format((struct semester){2026, 2}, buf, sizeof buf), COOP_OK);
	assert_string_equal(buf, "2026-S2");
	assert_int_equal(semester_format((struct semester){2026, 2}, buf, 7), ERR_TOO_LARGE);
	assert_string_equal(buf, "");
	assert_int_equal(semester_format((struct semester){2026, 5}, buf, sizeof buf), ERR_INVALID);
	struct semester back;
	assert_int_equal(semester_format((struct semester){1900, 1}, buf, sizeof buf), COOP_OK);
	assert_true(semester_parse(buf, strlen(buf), &back));
	assert_int_equal(back.year, 1900);
	assert_int_equal(back.half, 1);
}

static void test_next_prev(void **state)
{
	(void)state;
	struct semester s = semester_next((struct semester){2026, 2});
	assert_int_equal(s.year, 2027);
	assert_int_equal(s.half, 1);
	s = semester_next(s);
	assert_int_equal(s.year, 2027);
	assert_int_equal(s.half, 2);
	s = semester_prev((struct semester){2027, 1});
	assert_int_equal(s.year, 2026);
	assert_int_equal(s.half, 2);
	s = semester_prev((struct semester){2027, 2});
	assert_int_equal(s.half, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_of_edges),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_next_prev),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
