/*
 * semester.h — the half-years of reporting and billing.
 *
 * A semester is a year and a half: half 1 runs from 1 January to 30 June, half 2 from 1 July to
 * 31 December (domain README §7: payment periods end on 30 June and 31 December). Its text form is
 * "YYYY-S1" or "YYYY-S2". The day a semester is paid is not a rule of this module: it comes from
 * the financing data (reporting/financement.yaml) and is the caller's business.
 *
 * Pure functions over plain structs: no I/O, no allocation.
 */
#ifndef COOP_CORE_SEMESTER_H
#define COOP_CORE_SEMESTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "core/date.h"

struct semester {
	int year; /* 1900–2199, the years core/date.h accepts */
	int half; /* 1: 1 January–30 June; 2: 1 July–31 December */
};

/* The semester a day falls in (30 June is in S1, 1 July in S2). */
struct semester semester_of(coop_date d);

/* Is s a semester of the years core/date.h accepts (1900–2199) with half 1 or 2? */
bool semester_valid(struct semester s);

/* The first and last days (both included) of a valid semester; ERR_INVALID otherwise (outputs
 * untouched). */
COOP_MUST_CHECK enum coop_err semester_bounds(struct semester s, coop_date *first_day,
	coop_date *last_day);

/* Does day d fall in semester s (bounds included)? False for an invalid semester. */
bool semester_contains(struct semester s, coop_date d);

/* Parses exactly len bytes of "YYYY-S1" or "YYYY-S2" (year 1900–2199); false on any other text
 * (lower-case "s", signs, spaces, a third half) with *out untouched. */
COOP_MUST_CHECK bool semester_parse(const char *s, size_t len, struct semester *out);

/* Writes "YYYY-Sh" (8 bytes with the NUL) into buf; ERR_INVALID for an invalid semester,
 * ERR_TOO_LARGE when n < 8 (buf then holds "" when n > 0). */
COOP_MUST_CHECK enum coop_err semester_format(struct semester s, char *buf, size_t n);

/* The semester after (or before) s: 2026-S2 → 2027-S1. s must be valid. */
struct semester semester_next(struct semester s);
struct semester semester_prev(struct semester s);

#endif
