/*
 * csv.h — a table (out/table.h) as CSV text, RFC 4180, for spreadsheets opened in France.
 *
 * One header row then one line a row, each ended by CRLF. A field is quoted ("…", inner quotes
 * doubled) when it holds the separator, a quote, CR or LF; otherwise it is written as it is.
 * Texts are UTF-8; the file may start with a BOM (EF BB BF), which Excel needs to read UTF-8.
 * Defaults (csv_options_default): separator ';' and a BOM — what Excel in France opens right.
 * Cells: integers as "-12"; money in cents as "1234,56" / "-0,05" (decimal comma, no thousands
 * separator, so that the spreadsheet reads a number); dates as "31/12/2026"; percentages as
 * "33,3 %" (one decimal, rounded half up) or "non calculable" when the denominator is 0;
 * empty cells as nothing.
 */
#ifndef COOP_OUT_CSV_H
#define COOP_OUT_CSV_H

#include <stdbool.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "out/table.h"

struct csv_options {
	char sep; /* ';', ',' or '\t' */
	bool bom;
};

/* Fills o with the defaults: ';' and a BOM. */
void csv_options_default(struct csv_options *o);

/* Appends t as CSV to out. ERR_INVALID for a bad table or separator (table_check() for the
 * others), ERR_TOO_LARGE when out overflows its bound; on error out may hold a part of the text
 * (discard it). o NULL:
 * the defaults. */
COOP_MUST_CHECK enum coop_err csv_render(const struct table *t, const struct csv_options *o,
	struct strbuf *out);

/* Writes t as CSV to the file path (created or replaced), one row at a time. The errors of
 * csv_render() (ERR_TOO_LARGE for a row over the strbuf bound), and ERR_IO when the file
 * cannot be written (a partial file is removed). */
COOP_MUST_CHECK enum coop_err csv_write_file(const char *path, const struct table *t,
	const struct csv_options *o);

#endif
