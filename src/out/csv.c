/*
 * csv.c — tables as CSV text (see csv.h). Each row is rendered into a strbuf by csv_row():
 * csv_render() appends every row to the caller's buffer, csv_write_file() writes each row to
 * the file as soon as it is rendered, so a long table never sits whole in memory.
 */
#include "out/csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char bom[] = "\xEF\xBB\xBF";

void csv_options_default(struct csv_options *o)
{
	o->sep = ';';
	o->bom = true;
}

static bool sep_ok(char sep)
{
	return sep == ';' || sep == ',' || sep == '\t';
}

/* Appends a text field, quoted when it must be (RFC 4180). */
static void field_text(struct strbuf *sb, const char *s, char sep)
{
	char special[] = {sep, '"', '\r', '\n', '\0'};
	if (!strpbrk(s, special)) {
		strbuf_puts(sb, s);
		return;
	}
	strbuf_add(sb, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		strbuf_add(sb, s, (size_t)(q - s));
		strbuf_add(sb, "\"\"", 2);
	}
	strbuf_puts(sb, s);
	strbuf_add(sb, "\"", 1);
}

/* Writes cents as "1234,56", "-0,05" into buf. */
static void money(char *buf, size_t n, int64_t cents)
{
	/* INT64_MIN has no opposite: work on the unsigned magnitude */
	uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	snprintf(buf, n, "%s%" PRIu64 ",%02" PRIu64, cents < 0 ? "-" : "", mag / 100, mag % 100);
}

/* Appends a cell: every type is rendered to text first, then quoted like a text when it must
 * be ("1234,56" holds the separator ','). */
static void field_cell(struct strbuf *sb, const struct table_col *col,
	const struct table_cell *cell, char sep)
{
	char buf[48];
	int64_t t;
	if (cell->empty)
		return;
	switch (col->type) {
	case TABLE_TEXT:
		if (cell->text)
			field_text(sb, cell->text, sep);
		return;
	case TABLE_INTEGER:
		snprintf(buf, sizeof buf, "%" PRId64, cell->i);
		break;
	case TABLE_MONEY:
		money(buf, sizeof buf, cell->i);
		break;
	case TABLE_DATE:
		date_format_fr(cell->date, buf, sizeof buf);
		break;
	case TABLE_PERCENT:
		if (cell->den == 0) {
			snprintf(buf, sizeof buf, "%s", TABLE_NOT_COMPUTABLE);
		} else {
			t = table_percent_tenths(cell->num, cell->den);
			snprintf(buf, sizeof buf, "%" PRId64 ",%" PRId64 " %%", t / 10, t % 10);
		}
		break;
	default:
		return;
	}
	field_text(sb, buf, sep);
}

/* Appends row r of t (r == SIZE_MAX: the header row) and its CRLF. */
static void csv_row(struct strbuf *sb, const struct table *t, size_t r, char sep)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c > 0)
			strbuf_add(sb, &sep, 1);
		if (r == SIZE_MAX)
			field_text(sb, t->cols[c].header, sep);
		else
			field_cell(sb, &t->cols[c], &t->cells[r * t->ncols + c], sep);
	}
	strbuf_add(sb, "\r\n", 2);
}

static enum coop_err check(const struct table *t, const struct csv_options *o)
{
	if (!sep_ok(o->sep))
		return ERR_INVALID;
	return table_check(t);
}

enum coop_err csv_render(const struct table *t, const struct csv_options *o, struct strbuf *out)
{
	struct csv_options def;
	enum coop_err e;
	if (!o) {
		csv_options_default(&def);
		o = &def;
	}
	if ((e = check(t, o)) != COOP_OK)
		return e;
	if (o->bom)
		strbuf_add(out, bom, 3);
	csv_row(out, t, SIZE_MAX, o->sep);
	for (size_t r = 0; r < t->nrows && strbuf_ok(out); r++)
		csv_row(out, t, r, o->sep);
	return strbuf_ok(out) ? COOP_OK : ERR_TOO_LARGE;
}

enum coop_err csv_write_file(const char *path, const struct table *t, const struct csv_options *o)
{
	struct csv_options def;
	struct strbuf sb = STRBUF_INIT;
	enum coop_err e;
	FILE *f = NULL;
	if (!o) {
		csv_options_default(&def);
		o = &def;
	}
	if ((e = check(t, o)) != COOP_OK)
		return e;
	f = fopen(path, "wb");
	if (!f)
		return ERR_IO;
	if (o->bom && fwrite(bom, 1, 3, f) != 3) {
		e = ERR_IO;
		goto out;
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		/* the buffer is reused row after row: emptied, its memory kept */
		sb.len = 0;
		if (sb.data)
			sb.data[0] = '\0';
		csv_row(&sb, t, r == 0 ? SIZE_MAX : r - 1, o->sep);
		/* a row over the strbuf's bound (or out of memory) */
		if (!strbuf_ok(&sb)) {
			e = ERR_TOO_LARGE;
			goto out;
		}
		if (fwrite(sb.data, 1, sb.len, f) != sb.len) {
			e = ERR_IO;
			goto out;
		}
	}
out:
	strbuf_free(&sb);
	if (fclose(f) != 0 && e == COOP_OK)
		e = ERR_IO;
	if (e != COOP_OK)
		remove(path);
	return e;
}
