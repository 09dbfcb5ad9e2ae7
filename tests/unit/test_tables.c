/*
 * test_tables.c — the table model's bounds (out/table.h), the CSV writer (out/csv.h) and the
 * XLSX writer's errors (out/xlsx.h). With the arguments `--write-xlsx PATH` it writes the
 * fixture workbook instead and exits: tests/cli/tables_check.py reads it back with openpyxl
 * and checks every cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "out/csv.h"
#include "out/table.h"
#include "out/xlsx.h"

/* ---- the fixture: one table with every type, the same one the XLSX check reads ---- */

static const struct table_col cols[] = {
	{"Nom", TABLE_TEXT},
	{"Actes", TABLE_INTEGER},
	{"Montant dû", TABLE_MONEY},
	{"Date de décision", TABLE_DATE},
	{"Taux", TABLE_PERCENT},
};
#define NCOLS (sizeof cols / sizeof cols[0])

static struct table_cell cells[4 * NCOLS];

static void fixture(struct table *t)
{
	const struct table_cell rows[4][NCOLS] = {
		{{.text = "Élodie « Dupont »"}, {.i = 3}, {.i = 2500},
		 {.date = date_from_ymd(2026, 12, 31)}, {.num = 1, .den = 3}},
		{{.text = "a;b"}, {.i = -12}, {.i = -5}, {.date = date_from_ymd(2026, 6, 30)},
		 {.num = 1, .den = 0}},
		{{.text = "dit \"oui\"\nsuite"}, {.i = 0}, {.i = 123456},
		 {.date = date_from_ymd(2026, 1, 1)}, {.num = 2, .den = 2}},
		{{.text = NULL}, {.empty = true}, {.empty = true}, {.empty = true}, {.empty = true}},
	};
	memcpy(cells, rows, sizeof rows);
	*t = (struct table){.name = "Semestre", .ncols = NCOLS, .cols = cols, .nrows = 4,
		.cells = cells};
}

/* ---- CSV ---- */

static char *render(const struct table *t, const struct csv_options *o, enum coop_err *e)
{
	struct strbuf sb = STRBUF_INIT;
	*e = csv_render(t, o, &sb);
	char *s = strdup(strbuf_str(&sb));
	strbuf_free(&sb);
	return s;
}

static void test_csv_default(void **state)
{
	(void)state;
	struct table t;
	enum coop_err e;
	fixture(&t);
	char *s = render(&t, NULL, &e);
	assert_int_equal(e, COOP_OK);
	assert_string_equal(s,
		"\xEF\xBB\xBF"
		"Nom;Actes;Montant dû;Date de décision;Taux\r\n"
		"Élodie « Dupont »;3;25,00;31/12/2026;33,3 %\r\n"
		"\"a;b\";-12;-0,05;30/06/2026;non calculable\r\n"
		"\"dit \"\"oui\"\"\nsuite\";0;1234,56;01/01/2026;100,0 %\r\n"
		";;;;\r\n");
	free(s);
}

static void test_csv_comma_no_bom(void **state)
{
	(void)state;
	struct table t;
	enum coop_err e;
	struct csv_options o = {.sep = ',', .bom = false};
	fixture(&t);
	char *s = render(&t, &o, &e);
	assert_int_equal(e, COOP_OK);
	/* ';' needs no quotes now, the decimal comma of money and percentages does */
	assert_string_equal(s,
		"Nom,Actes,Montant dû,Date de décision,Taux\r\n"
		"Élodie « Dupont »,3,\"25,00\",31/12/2026,\"33,3 %\"\r\n"
		"a;b,-12,\"-0,05\",30/06/2026,non calculable\r\n"
		"\"dit \"\"oui\"\"\nsuite\",0,\"1234,56\",01/01/2026,\"100,0 %\"\r\n"
		",,,,\r\n");
	free(s);
}

static void test_csv_tab_and_bad_separator(void **state)
{
	(void)state;
	struct table t;
	enum coop_err e;
	struct csv_options o = {.sep = '\t', .bom = true};
	fixture(&t);
	t.nrows = 1;
	char *s = render(&t, &o, &e);
	assert_int_equal(e, COOP_OK);
	assert_string_equal(s, "\xEF\xBB\xBF"
		"Nom\tActes\tMontant dû\tDate de décision\tTaux\r\n"
		"Élodie « Dupont »\t3\t25,00\t31/12/2026\t33,3 %\r\n");
	free(s);
	o.sep = '"';
	s = render(&t, &o, &e);
	assert_int_equal(e, ERR_INVALID);
	free(s);
}

/* A buffer too small for the table: ERR_TOO_LARGE, never a silently cut text. */
static void test_csv_overflow(void **state)
{
	(void)state;
	struct table t;
	struct strbuf sb = STRBUF_INIT;
	sb.limit = 40;
	fixture(&t);
	assert_int_equal(csv_render(&t, NULL, &sb), ERR_TOO_LARGE);
	strbuf_free(&sb);
}

static void test_csv_defaults(void **state)
{
	(void)state;
	struct csv_options o = {0};
	csv_options_default(&o);
	assert_int_equal(o.sep, ';');
	assert_true(o.bom);
}

/* Renders one cell of the given type, without BOM, and returns the data line. */
static void one_cell(enum table_type type, struct table_cell cell, const char *want)
{
	struct table_col col = {"X", type};
	struct table t = {.name = "T", .ncols = 1, .cols = &col, .nrows = 1, .cells = &cell};
	struct csv_options o = {.sep = ';', .bom = false};
	enum coop_err e;
	char *s = render(&t, &o, &e);
	assert_int_equal(e, COOP_OK);
	char line[128];
	snprintf(line, sizeof line, "X\r\n%s\r\n", want);
	assert_string_equal(s, line);
	free(s);
}

static void test_csv_money(void **state)
{
	(void)state;
	one_cell(TABLE_MONEY, (struct table_cell){.i = 0}, "0,00");
	one_cell(TABLE_MONEY, (struct table_cell){.i = 7}, "0,07");
	one_cell(TABLE_MONEY, (struct table_cell){.i = -100}, "-1,00");
	one_cell(TABLE_MONEY, (struct table_cell){.i = 123456789}, "1234567,89");
	one_cell(TABLE_MONEY, (struct table_cell){.i = INT64_MIN}, "-92233720368547758,08");
}

static void test_csv_percent(void **state)
{
	(void)state;
	one_cell(TABLE_PERCENT, (struct table_cell){.num = 0, .den = 5}, "0,0 %");
	one_cell(TABLE_PERCENT, (struct table_cell){.num = 2, .den = 3}, "66,7 %");
	one_cell(TABLE_PERCENT, (struct table_cell){.num = 1, .den = 16}, "6,3 %"); /* 6,25 up */
	one_cell(TABLE_PERCENT, (struct table_cell){.num = 3, .den = 2}, "150,0 %");
	one_cell(TABLE_PERCENT, (struct table_cell){.num = 0, .den = 0}, "non calculable");
}

static void test_csv_dates_and_texts(void **state)
{
	(void)state;
	one_cell(TABLE_DATE, (struct table_cell){.date = date_from_ymd(1900, 1, 1)}, "01/01/1900");
	one_cell(TABLE_DATE, (struct table_cell){.date = date_from_ymd(2028, 2, 29)}, "29/02/2028");
	one_cell(TABLE_TEXT, (struct table_cell){.text = "ça\r"}, "\"ça\r\"");
	one_cell(TABLE_TEXT, (struct table_cell){.text = "\"\""}, "\"\"\"\"\"\"");
	one_cell(TABLE_TEXT, (struct table_cell){.text = " espace "}, " espace ");
	one_cell(TABLE_TEXT, (struct table_cell){.text = "Œuf — 😀"}, "Œuf — 😀");
	one_cell(TABLE_TEXT, (struct table_cell){.text = ""}, "");
}

static void test_csv_write_file(void **state)
{
	(void)state;
	struct table t;
	enum coop_err e;
	char path[] = "/tmp/coop-test-tables-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	fixture(&t);
	assert_int_equal(csv_write_file(path, &t, NULL), COOP_OK);
	char *want = render(&t, NULL, &e);
	assert_int_equal(e, COOP_OK);
	char got[1024] = {0};
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	free(want);
	remove(path);
	assert_int_equal(csv_write_file("/nonexistent-dir/x.csv", &t, NULL), ERR_IO);
	/* a refused table leaves no file */
	t.name = "";
	assert_int_equal(csv_write_file(path, &t, NULL), ERR_INVALID);
	assert_int_equal(access(path, F_OK), -1);
}

/* ---- the model's bounds ---- */

static void test_table_bounds(void **state)
{
	(void)state;
	struct table t;
	fixture(&t);
	assert_int_equal(table_check(&t), COOP_OK);

	/* too many columns, too many rows */
	static struct table_col many[TABLE_MAX_COLS + 1];
	for (size_t c = 0; c < TABLE_MAX_COLS + 1; c++)
		many[c] = (struct table_col){"C", TABLE_INTEGER};
	struct table wide = {.name = "T", .ncols = TABLE_MAX_COLS + 1, .cols = many};
	assert_int_equal(table_check(&wide), ERR_TOO_LARGE);
	wide.ncols = TABLE_MAX_COLS;
	assert_int_equal(table_check(&wide), COOP_OK);
	fixture(&t);
	t.nrows = TABLE_MAX_ROWS + 1;
	assert_int_equal(table_check(&t), ERR_TOO_LARGE);

	/* a cell's text: the bound in bytes, UTF-8, control characters */
	char *big = malloc(TABLE_MAX_CELL_BYTES + 2);
	assert_non_null(big);
	memset(big, 'a', TABLE_MAX_CELL_BYTES + 1);
	big[TABLE_MAX_CELL_BYTES + 1] = '\0';
	fixture(&t);
	cells[0].text = big;
	assert_int_equal(table_check(&t), ERR_TOO_LARGE);
	big[TABLE_MAX_CELL_BYTES] = '\0';
	assert_int_equal(table_check(&t), COOP_OK);
	cells[0].text = "\xC3(";
	assert_int_equal(table_check(&t), ERR_INVALID);
	cells[0].text = "bip\x07";
	assert_int_equal(table_check(&t), ERR_INVALID);
	cells[0].text = "tab\tok";
	assert_int_equal(table_check(&t), COOP_OK);
	free(big);

	/* headers and names */
	fixture(&t);
	struct table_col bad_cols[NCOLS];
	memcpy(bad_cols, cols, sizeof cols);
	t.cols = bad_cols;
	bad_cols[1].header = "";
	assert_int_equal(table_check(&t), ERR_INVALID);
	bad_cols[1].header = "Actes";
	bad_cols[1].type = (enum table_type)99;
	assert_int_equal(table_check(&t), ERR_INVALID);
	fixture(&t);
	t.name = "a/b";
	assert_int_equal(table_check(&t), ERR_INVALID);
	t.name = "0123456789012345678901234567890123";
	assert_int_equal(table_check(&t), ERR_TOO_LARGE);
	t.name = NULL;
	assert_int_equal(table_check(&t), ERR_INVALID);

	/* percentages: no negative term; dates in 1900–2199 */
	fixture(&t);
	cells[4].num = -1;
	assert_int_equal(table_check(&t), ERR_INVALID);
	fixture(&t);
	cells[4].den = TABLE_MAX_PERCENT_TERM + 1;
	assert_int_equal(table_check(&t), ERR_INVALID);
	fixture(&t);
	cells[3].date = date_from_ymd(1900, 1, 1) - 1;
	assert_int_equal(table_check(&t), ERR_INVALID);
	/* an empty cell is not looked at */
	cells[3].empty = true;
	assert_int_equal(table_check(&t), COOP_OK);
}

/* ---- XLSX: its errors (tables_check.py checks the cells) ---- */

static void test_xlsx_errors(void **state)
{
	(void)state;
	struct table t, u;
	char path[] = "/tmp/coop-test-tables-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	remove(path);
	fixture(&t);
	const struct table *one[] = {&t};
	assert_int_equal(xlsx_write(path, one, 1, NULL), COOP_OK);
	assert_int_equal(access(path, F_OK), 0);
	remove(path);

	/* two sheets of the same name (Excel ignores case) */
	u = t;
	u.name = "SEMESTRE";
	const struct table *two[] = {&t, &u};
	assert_int_equal(xlsx_write(path, two, 2, NULL), ERR_INVALID);
	assert_int_equal(access(path, F_OK), -1);
	u.name = "Autre";
	assert_int_equal(xlsx_write(path, two, 2, NULL), COOP_OK);
	remove(path);

	/* a bad table, no table, an unwritable place */
	u.ncols = 0;
	assert_int_equal(xlsx_write(path, two, 2, NULL), ERR_INVALID);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(xlsx_write(path, one, 0, NULL), ERR_INVALID);
	assert_int_equal(xlsx_write("/nonexistent-dir/x.xlsx", one, 1, NULL), ERR_IO);
}

/* Writes the fixture as three sheets: "Semestre", an empty "Vide", and "Dates" around
 * Excel's 1900 leap-year bug and at the ends of the range. */
static int write_xlsx(const char *path)
{
	struct table t;
	fixture(&t);
	static const struct table_col vide_cols[] = {{"Rien", TABLE_TEXT}};
	struct table vide = {.name = "Vide", .ncols = 1, .cols = vide_cols};
	static const struct table_col date_cols[] = {{"Jour", TABLE_DATE}};
	struct table_cell days[] = {{.date = date_from_ymd(1900, 1, 1)},
		{.date = date_from_ymd(1900, 2, 28)}, {.date = date_from_ymd(1900, 3, 1)},
		{.date = date_from_ymd(2026, 7, 1)}, {.date = date_from_ymd(2199, 12, 31)}};
	struct table dates = {.name = "Dates", .ncols = 1, .cols = date_cols, .nrows = 5,
		.cells = days};
	const struct table *sheets[] = {&t, &vide, &dates};
	enum coop_err e = xlsx_write(path, sheets, 3, NULL);
	if (e != COOP_OK) {
		fprintf(stderr, "xlsx_write : %s\n", err_str(e));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write-xlsx") == 0)
		return write_xlsx(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_default),
		cmocka_unit_test(test_csv_comma_no_bom),
		cmocka_unit_test(test_csv_tab_and_bad_separator),
		cmocka_unit_test(test_csv_defaults),
		cmocka_unit_test(test_csv_overflow),
		cmocka_unit_test(test_csv_money),
		cmocka_unit_test(test_csv_percent),
		cmocka_unit_test(test_csv_dates_and_texts),
		cmocka_unit_test(test_csv_write_file),
		cmocka_unit_test(test_table_bounds),
		cmocka_unit_test(test_xlsx_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
