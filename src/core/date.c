/*
 * date.c — day numbers (days since 1970-01-01) and completed ages.
 *
 * Conversions use the classic civil-from-days / days-from-civil arithmetic on the proleptic
 * Gregorian calendar, exact for every year the parser accepts (1900–2199).
 */
#include "core/date.h"

#include <assert.h>
#include <stdio.h>

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

coop_date date_from_ymd(int y, int m, int d)
{
	assert(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (coop_date)(era * 146097 + doe - 719468);
}

void date_to_ymd(coop_date days, int *y, int *m, int *d)
{
	int z = days + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = z - era * 146097;
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool date_parse(const char *s, size_t len, coop_date *out)
{
	int y, m, d;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}

void date_format_iso(coop_date d, char *buf, size_t n)
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, day);
}

void date_format_fr(coop_date d, char *buf, size_t n)
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	snprintf(buf, n, "%02d/%02d/%04d", day, m, y);
}

int date_age_months(coop_date birth, coop_date on)
{
	int by, bm, bd, oy, om, od;
	if (on < birth)
		return -1;
	date_to_ymd(birth, &by, &bm, &bd);
	date_to_ymd(on, &oy, &om, &od);
	int months = (oy - by) * 12 + (om - bm);
	/* The monthly anniversary is the birth day-of-month, or the month's last day when the
	 * month is shorter (born on the 31st: anniversary on the 30th of a 30-day month). */
	int anniversary = bd;
	int dim = days_in_month(oy, om);
	if (anniversary > dim)
		anniversary = dim;
	if (od < anniversary)
		months--;
	return months;
}

int date_age_years(coop_date birth, coop_date on)
{
	int months = date_age_months(birth, on);
	return months < 0 ? -1 : months / 12;
}
