/*
 * semester.c — half-years (see semester.h). A day's semester is read from its month; bounds are
 * built with date_from_ymd(), so 30 June and 1 July fall on either side whatever the year.
 */
#include "core/semester.h"

#include <stdio.h>

enum { YEAR_MIN = 1900, YEAR_MAX = 2199 };

struct semester semester_of(coop_date d)
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	return (struct semester){.year = y, .half = m <= 6 ? 1 : 2};
}

bool semester_valid(struct semester s)
{
	return s.year >= YEAR_MIN && s.year <= YEAR_MAX && (s.half == 1 || s.half == 2);
}

enum coop_err semester_bounds(struct semester s, coop_date *first_day, coop_date *last_day)
{
	if (!semester_valid(s))
		return ERR_INVALID;
	if (s.half == 1) {
		*first_day = date_from_ymd(s.year, 1, 1);
		*last_day = date_from_ymd(s.year, 6, 30);
	} else {
		*first_day = date_from_ymd(s.year, 7, 1);
		*last_day = date_from_ymd(s.year, 12, 31);
	}
	return COOP_OK;
}

bool semester_contains(struct semester s, coop_date d)
{
	coop_date a, b;
	if (semester_bounds(s, &a, &b) != COOP_OK)
		return false;
	return d >= a && d <= b;
}

bool semester_parse(const char *s, size_t len, struct semester *out)
{
	if (!s || len != 7 || s[4] != '-' || s[5] != 'S' || (s[6] != '1' && s[6] != '2'))
		return false;
	int y = 0;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		y = y * 10 + (s[i] - '0');
	}
	struct semester r = {.year = y, .half = s[6] - '0'};
	if (!semester_valid(r))
		return false;
	*out = r;
	return true;
}

enum coop_err semester_format(struct semester s, char *buf, size_t n)
{
	if (!semester_valid(s))
		return ERR_INVALID;
	if (n < 8) {
		if (n > 0)
			buf[0] = '\0';
		return ERR_TOO_LARGE;
	}
	snprintf(buf, n, "%04d-S%d", s.year, s.half);
	return COOP_OK;
}

struct semester semester_next(struct semester s)
{
	return s.half == 1 ? (struct semester){s.year, 2} : (struct semester){s.year + 1, 1};
}

struct semester semester_prev(struct semester s)
{
	return s.half == 2 ? (struct semester){s.year, 1} : (struct semester){s.year - 1, 2};
}
