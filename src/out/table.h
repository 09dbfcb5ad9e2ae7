/*
 * table.h — a plain table model for the output writers (out/csv.h, out/xlsx.h).
 *
 * A table is a name (the sheet's name in a workbook), columns (a French header and a type) and
 * rows of cells stored row-major: cell (r, c) is cells[r * ncols + c]. The table does not own
 * its memory: the caller keeps the columns, cells and texts alive while a writer runs. Which
 * field of a cell is read depends on its column's type:
 *   TABLE_TEXT     text (UTF-8, NUL-terminated; NULL is an empty cell)
 *   TABLE_INTEGER  i
 *   TABLE_MONEY    i, in cents ("25,00" in CSV, 25.00 with a euro format in XLSX)
 *   TABLE_DATE     date (a core/date.h day number, years 1900–2199: 31/12/2026)
 *   TABLE_PERCENT  num / den, both ≥ 0; den 0 gives the text "non calculable"
 * A cell with `empty` set is written blank whatever its type.
 *
 * The bounds below are checked by table_check(), which every writer calls first: a table that
 * breaks one is refused whole (nothing is truncated).
 */
#ifndef COOP_OUT_TABLE_H
#define COOP_OUT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"
#include "core/date.h"

/* Bounds: XLSX allows 1 048 576 rows (one is the header), 16 384 columns, 32 767 characters
 * a cell and 31 characters a sheet name; ours are at or below them. */
#define TABLE_MAX_ROWS 1000000
#define TABLE_MAX_COLS 256
#define TABLE_MAX_CELL_BYTES 32767
#define TABLE_MAX_NAME_BYTES 31
/* A percentage's numerator and denominator stay below this, so that num * 2000 cannot
 * overflow when a writer rounds it. */
#define TABLE_MAX_PERCENT_TERM (INT64_MAX / 4000)
/* The text of a percentage whose denominator is 0. */
#define TABLE_NOT_COMPUTABLE "non calculable"

enum table_type {
	TABLE_TEXT,
	TABLE_INTEGER,
	TABLE_MONEY,
	TABLE_DATE,
	TABLE_PERCENT,
};

struct table_col {
	const char *header; /* French, UTF-8, non-empty */
	enum table_type type;
};

struct table_cell {
	bool empty;
	const char *text;  /* TABLE_TEXT */
	int64_t i;         /* TABLE_INTEGER, TABLE_MONEY (cents) */
	coop_date date;    /* TABLE_DATE */
	int64_t num, den;  /* TABLE_PERCENT */
};

struct table {
	const char *name; /* sheet name: 1–31 bytes, none of []:*?/\ */
	size_t ncols;
	const struct table_col *cols;
	size_t nrows;
	const struct table_cell *cells; /* nrows * ncols, row-major */
};

/* Checks a UTF-8 text of a cell or header: valid UTF-8, no NUL, at most TABLE_MAX_CELL_BYTES;
 * control characters other than tab, CR and LF are refused (XML cannot carry them). */
static inline enum coop_err table_check_text(const char *s)
{
	size_t len = strlen(s);
	if (len > TABLE_MAX_CELL_BYTES)
		return ERR_TOO_LARGE;
	if (!utf8_valid(s, len))
		return ERR_INVALID;
	for (size_t k = 0; k < len; k++) {
		unsigned char ch = (unsigned char)s[k];
		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			return ERR_INVALID;
	}
	return COOP_OK;
}

/* COOP_OK when t respects the model and its bounds: ERR_TOO_LARGE for too many rows or columns
 * or a too long text, ERR_INVALID for a bad name, header, type, text or percentage. */
static inline enum coop_err table_check(const struct table *t)
{
	enum coop_err e;
	if (!t || !t->name || t->name[0] == '\0' || t->ncols == 0 || !t->cols ||
	    (t->nrows > 0 && !t->cells))
		return ERR_INVALID;
	if (t->ncols > TABLE_MAX_COLS || t->nrows > TABLE_MAX_ROWS)
		return ERR_TOO_LARGE;
	if (strlen(t->name) > TABLE_MAX_NAME_BYTES)
		return ERR_TOO_LARGE;
	if (strpbrk(t->name, "[]:*?/\\") || (e = table_check_text(t->name)) != COOP_OK)
		return ERR_INVALID;
	for (size_t c = 0; c < t->ncols; c++) {
		const struct table_col *col = &t->cols[c];
		if (!col->header || col->header[0] == '\0' || (unsigned)col->type > TABLE_PERCENT)
			return ERR_INVALID;
		if ((e = table_check_text(col->header)) != COOP_OK)
			return e;
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const struct table_cell *cell = &t->cells[r * t->ncols + c];
			if (cell->empty)
				continue;
			if (t->cols[c].type == TABLE_TEXT && cell->text &&
			    (e = table_check_text(cell->text)) != COOP_OK)
				return e;
			if (t->cols[c].type == TABLE_DATE &&
			    (cell->date < date_from_ymd(1900, 1, 1) ||
			     cell->date > date_from_ymd(2199, 12, 31)))
				return ERR_INVALID;
			if (t->cols[c].type == TABLE_PERCENT &&
			    (cell->num < 0 || cell->den < 0 || cell->num > TABLE_MAX_PERCENT_TERM ||
			     cell->den > TABLE_MAX_PERCENT_TERM))
				return ERR_INVALID;
		}
	return COOP_OK;
}

/* Tenths of a percent of num / den (den > 0), rounded half up: 1/3 → 333 (33,3 %). */
static inline int64_t table_percent_tenths(int64_t num, int64_t den)
{
	return (num * 2000 + den) / (2 * den);
}

#endif
