/*
 * typo_fr.h — French typography for the documents Coop writes, and amounts in euros.
 *
 * typo_fr() sets the spaces French typography wants around punctuation:
 *   - a narrow no-break space (U+202F) before ; ! ?
 *   - a no-break space (U+00A0) before : and inside guillemets: « x ».
 * A run of spaces (ASCII space, U+00A0, U+202F, U+2009) already standing in one of those places
 * becomes exactly the right space; where none stands, one is inserted — before ; ! ? : only
 * when the mark ends a word (it is followed by the end of the text, a space, a line end or a
 * closing mark: » " ' ) . , ; ! ?) and follows a character that is not a space, a line end or
 * another of those marks (so never between two digits). So "10:30", "https://x",
 * "a;b" and "?!" are left as they are. Straight quotes "x" are left alone. The result of a
 * second pass is the result of the first (idempotent).
 *
 * money_fr() writes an amount in cents the French way: "1 234,56 €", a narrow no-break space
 * (U+202F) between groups of thousands and a no-break space (U+00A0) before €; negative amounts
 * start with "-". Dates: date_format_fr() of core/date.h ("31/12/2026").
 *
 * Pure functions: no I/O, no allocation. Outputs are bounded and never silently truncated.
 */
#ifndef COOP_CORE_TYPO_FR_H
#define COOP_CORE_TYPO_FR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Sets the French spaces in in[0..len) (UTF-8) and writes the result, NUL-terminated, into
 * out[0..cap); *out_len (may be NULL) gets its length without the NUL. ERR_INVALID when in is
 * not valid UTF-8 or contains a NUL byte, ERR_TOO_LARGE when the result and its NUL do not fit
 * in cap; on any error out holds "" (when cap > 0) and *out_len is 0. in and out must not
 * overlap. */
COOP_MUST_CHECK enum coop_err typo_fr(const char *in, size_t len, char *out, size_t cap,
	size_t *out_len);

/* Bytes money_fr() needs at most, NUL included: "-9 223 372 036 854 775 808,08 €"-sized. */
enum { MONEY_FR_MAX = 48 };

/* Writes cents as "25,00 €", "1 234,56 €", "-0,05 €" (spaces as above) into buf[0..n);
 * ERR_TOO_LARGE when it does not fit (buf then holds "" when n > 0). Every int64_t value,
 * INT64_MIN included, fits in MONEY_FR_MAX bytes. */
COOP_MUST_CHECK enum coop_err money_fr(int64_t cents, char *buf, size_t n);

#endif
