/*
 * xlsx.c — tables as an XLSX workbook (see xlsx.h). Every table is checked before the
 * workbook is opened, so that a bad table leaves no file; then each sheet gets its column
 * widths (measured on the cells' rendered texts: libxlsxwriter's constant_memory mode wants
 * them before the first row), its header row and its rows, in order. libxlsxwriter's errors
 * are mapped to enum coop_err by err_of().
 */
#include "out/xlsx.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <xlsxwriter.h>

#define XLSX_MAX_SHEETS 64
#define WIDTH_MIN 8
#define WIDTH_MAX 60

static enum coop_err err_of(lxw_error e)
{
	switch (e) {
	case LXW_NO_ERROR:
		return COOP_OK;
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return ERR_NOMEM;
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return ERR_IO;
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
	case LXW_ERROR_32_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_128_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_255_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
		return ERR_TOO_LARGE;
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
	case LXW_ERROR_SHEETNAME_ALREADY_USED:
	case LXW_ERROR_PARAMETER_VALIDATION:
		return ERR_INVALID;
	default:
		return ERR_INTERNAL;
	}
}

/* Characters (code points) of a UTF-8 text, counted up to the widest column we give. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s && w <= WIDTH_MAX; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* The width of a cell as shown (an estimate: digits and separators of its format). */
static size_t cell_width(const struct table_col *col, const struct table_cell *cell)
{
	char buf[32];
	if (cell->empty)
		return 0;
	switch (col->type) {
	case TABLE_TEXT:
		return cell->text ? text_width(cell->text) : 0;
	case TABLE_INTEGER:
		return (size_t)snprintf(buf, sizeof buf, "%" PRId64, cell->i);
	case TABLE_MONEY:
		/* digits, a thousands separator every 3 digits, ",00 €" */
		return (size_t)snprintf(buf, sizeof buf, "%" PRId64, cell->i / 100) * 4 / 3 + 5;
	case TABLE_DATE:
		return 10;
	case TABLE_PERCENT:
		return cell->den == 0 ? sizeof TABLE_NOT_COMPUTABLE - 1 : 7;
	}
	return 0;
}

struct formats {
	lxw_format *bold, *money, *date, *percent;
};

static enum coop_err write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t c,
	const struct table_col *col, const struct table_cell *cell, const struct formats *f)
{
	int y, m, d;
	if (cell->empty)
		return COOP_OK;
	switch (col->type) {
	case TABLE_TEXT:
		if (!cell->text)
			return COOP_OK;
		return err_of(worksheet_write_string(ws, row, c, cell->text, NULL));
	case TABLE_INTEGER:
		return err_of(worksheet_write_number(ws, row, c, (double)cell->i, NULL));
	case TABLE_MONEY:
		return err_of(worksheet_write_number(ws, row, c, (double)cell->i / 100.0, f->money));
	case TABLE_DATE: {
		date_to_ymd(cell->date, &y, &m, &d);
		lxw_datetime dt = {.year = y, .month = m, .day = d};
		return err_of(worksheet_write_datetime(ws, row, c, &dt, f->date));
	}
	case TABLE_PERCENT:
		if (cell->den == 0)
			return err_of(worksheet_write_string(ws, row, c, TABLE_NOT_COMPUTABLE, NULL));
		return err_of(worksheet_write_number(ws, row, c,
			(double)cell->num / (double)cell->den, f->percent));
	}
	return ERR_INTERNAL;
}

static enum coop_err write_sheet(lxw_workbook *wb, const struct table *t, const struct formats *f)
{
	enum coop_err e;
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->name);
	if (!ws)
		return ERR_NOMEM;
	/* widths first: constant_memory mode fixes the columns before the first row */
	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = text_width(t->cols[c].header);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = cell_width(&t->cols[c], &t->cells[r * t->ncols + c]);
			if (cw > w)
				w = cw;
		}
		w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
		if ((e = err_of(worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
			     (double)w + 2, NULL))) != COOP_OK)
			return e;
	}
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t c = 0; c < t->ncols; c++)
		if ((e = err_of(worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].header,
			     f->bold))) != COOP_OK)
			return e;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if ((e = write_cell(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, &t->cols[c],
				     &t->cells[r * t->ncols + c], f)) != COOP_OK)
				return e;
	return COOP_OK;
}

enum coop_err xlsx_write(const char *path, const struct table *const *tables, size_t n,
	const char *tmpdir)
{
	enum coop_err e = COOP_OK;
	lxw_error le;
	lxw_workbook *wb;
	struct formats f;
	if (!path || !tables || n == 0 || n > XLSX_MAX_SHEETS)
		return ERR_INVALID;
	for (size_t k = 0; k < n; k++) {
		if ((e = table_check(tables[k])) != COOP_OK)
			return e;
		for (size_t j = 0; j < k; j++)
			if (strcasecmp(tables[j]->name, tables[k]->name) == 0)
				return ERR_INVALID;
	}
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir};
	wb = workbook_new_opt(path, &opt);
	if (!wb)
		return ERR_NOMEM;
	f.bold = workbook_add_format(wb);
	f.money = workbook_add_format(wb);
	f.date = workbook_add_format(wb);
	f.percent = workbook_add_format(wb);
	if (!f.bold || !f.money || !f.date || !f.percent) {
		e = ERR_NOMEM;
		goto out;
	}
	format_set_bold(f.bold);
	format_set_num_format(f.money, "#,##0.00 \"\xE2\x82\xAC\"");
	format_set_num_format(f.date, "dd/mm/yyyy");
	format_set_num_format(f.percent, "0.0%");
	for (size_t k = 0; k < n && e == COOP_OK; k++)
		e = write_sheet(wb, tables[k], &f);
out:
	/* closing writes the file (and frees the workbook) even after an error: remove it then */
	le = workbook_close(wb);
	if (e == COOP_OK)
		e = err_of(le);
	if (e != COOP_OK)
		remove(path);
	return e;
}
