/*
 * date.h — calendar dates as day numbers, and ages.
 *
 * A date is the count of days since 1970-01-01 (proleptic Gregorian), in an int32_t. Parsing
 * accepts exactly YYYY-MM-DD with a real calendar day, years 1900–2199. Ages are completed
 * years / months on the visit date; a month (or year) is completed on the day-of-month of the
 * birth, or on the month's last day when the month is shorter (born 29 February: 28 February in
 * common years).
 */
#ifndef COOP_CORE_DATE_H
#define COOP_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef int32_t coop_date;

/* Parses exactly len bytes of "YYYY-MM-DD"; false on any other text or an impossible day. */
COOP_MUST_CHECK bool date_parse(const char *s, size_t len, coop_date *out);

/* Day number of a valid year/month/day (no checking beyond asserts). */
coop_date date_from_ymd(int y, int m, int d);

/* Splits a day number back into year, month (1–12), day (1–31). */
void date_to_ymd(coop_date d, int *y, int *m, int *day);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL) into buf of size n ≥ 11. */
void date_format_iso(coop_date d, char *buf, size_t n);

/* Writes the French form "31/12/2026" (11 bytes with the NUL) into buf of size n ≥ 11. */
void date_format_fr(coop_date d, char *buf, size_t n);

/* Completed months between birth and on; negative if on < birth. The month count goes up on
 * the same day-of-month as the birth, or on the month's last day when it has no such day. */
int date_age_months(coop_date birth, coop_date on);

/* Completed years: date_age_months() / 12 (floor). */
int date_age_years(coop_date birth, coop_date on);

#endif
