/*
 * xlsx.h — tables (out/table.h) as an Excel workbook, one sheet a table, with libxlsxwriter.
 *
 * The workbook is written in libxlsxwriter's constant_memory mode: rows are streamed to a
 * temporary file as they are written (in tmpdir, or the system's when NULL), so a long table
 * costs no more memory than a row. Each sheet has its header row in bold, frozen (it stays on
 * screen when scrolling), and columns sized on their longest text (between 8 and 60
 * characters). Cells: texts as strings; integers as numbers; money as numbers of euros
 * (cents / 100) with the format `#,##0.00 "€"`; dates as real Excel dates shown dd/mm/yyyy;
 * percentages as the number num / den shown `0.0%`, or the text "non calculable" when den is 0;
 * empty cells are not written.
 */
#ifndef COOP_OUT_XLSX_H
#define COOP_OUT_XLSX_H

#include <stddef.h>

#include "base/error.h"
#include "out/table.h"

/* Writes the n tables (1 ≤ n ≤ 64), one sheet each in this order, to the file path (created or
 * replaced). ERR_INVALID for a bad table (table_check()), two sheets of the same name (Excel
 * compares names without case) or n out of range; ERR_TOO_LARGE for a table over its bounds;
 * ERR_IO when a file cannot be written; ERR_NOMEM. On error no file is left at path. */
COOP_MUST_CHECK enum coop_err xlsx_write(const char *path, const struct table *const *tables,
	size_t n, const char *tmpdir);

#endif
