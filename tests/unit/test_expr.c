/*
 * test_expr.c — the FHIRPath subset: lexer and parser errors with their offsets, type checking,
 * evaluation including FHIRPath's empty-collection logic and our "missing answer" marks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "protocol/expr.h"

/* Symbols: b (Boolean), i (Integer), d (Decimal), s (String), m (String collection),
 * dt (Date), and the same names with a "u_" prefix for unanswered (missing) fields and "na_"
 * for not applicable (empty) ones. */
static const char *names[] = {"b", "i", "d", "s", "m", "dt", "u_b", "u_i", "u_s", "u_m",
			      "na_b", "na_i", "na_m", "f", "u_dt", "na_dt"};
static const struct expr_type types[] = {
	{EXPR_BOOLEAN, false}, {EXPR_INTEGER, false}, {EXPR_DECIMAL, false}, {EXPR_STRING, false},
	{EXPR_STRING, true},   {EXPR_DATE, false},    {EXPR_BOOLEAN, false}, {EXPR_INTEGER, false},
	{EXPR_STRING, false},  {EXPR_STRING, true},   {EXPR_BOOLEAN, false}, {EXPR_INTEGER, false},
	{EXPR_STRING, true},   {EXPR_BOOLEAN, false}, {EXPR_DATE, false},    {EXPR_DATE, false},
};
static const struct expr_symbols syms = {sizeof(names) / sizeof(names[0]), names, types};
static struct expr_value fields[16];
static struct expr_item m_items[2];
static struct expr_item scratch[EXPR_SCRATCH_ITEMS];

static void set_fields(void)
{
	fields[0] = expr_value_bool(true);
	fields[1] = expr_value_int(3);
	fields[2] = expr_value_dec(38.5);
	fields[3] = expr_value_str("brulure", 7);
	m_items[0].base = EXPR_STRING;
	m_items[0].u.str.s = "x";
	m_items[0].u.str.len = 1;
	m_items[1].base = EXPR_STRING;
	m_items[1].u.str.s = "y";
	m_items[1].u.str.len = 1;
	fields[4].count = 2;
	fields[4].missing = false;
	fields[4].items = m_items;
	coop_date dt;
	assert_true(date_parse("2024-06-18", 10, &dt));
	fields[5] = expr_value_date(dt);
	for (int k = 6; k < 10; k++)
		fields[k] = expr_value_missing();
	for (int k = 10; k < 13; k++)
		fields[k] = expr_value_empty();
	fields[13] = expr_value_bool(false);
	fields[14] = expr_value_missing();
	fields[15] = expr_value_empty();
}

/* Compiles and evaluates; fails the test if compilation fails. */
static struct expr_value run(const char *src)
{
	struct arena a;
	struct expr *e = NULL;
	struct expr_error err;
	arena_init(&a, 0);
	enum coop_err rc = expr_compile(&a, src, strlen(src), &syms, NULL, &e, &err);
	if (rc != COOP_OK)
		fail_msg("compile « %s » : %s (offset %zu)", src, err.message, err.offset);
	set_fields();
	struct expr_value v;
	expr_eval(e, fields, scratch, &v);
	/* the engine's fast path must agree with the general evaluator */
	struct expr_type t = expr_result_type(e);
	if ((t.base == EXPR_BOOLEAN || t.base == EXPR_NONE) && !t.collection) {
		enum expr_tri want = v.count ? (v.one.u.b ? EXPR_TRUE : EXPR_FALSE)
					     : (v.missing ? EXPR_MISSING : EXPR_EMPTY);
		enum expr_tri got = expr_eval_bool(e, fields, scratch);
		if (got != want)
			fail_msg("« %s » : expr_eval_bool %d, expr_eval %d", src, got, want);
	}
	arena_free(&a); /* literals only point into the arena for strings: don't keep them */
	return v;
}

/* Expects a compile error at `offset` whose message contains `part`. */
static void compile_error(const char *src, size_t offset, const char *part)
{
	struct arena a;
	struct expr *e = NULL;
	struct expr_error err;
	arena_init(&a, 0);
	enum coop_err rc = expr_compile(&a, src, strlen(src), &syms, NULL, &e, &err);
	if (rc == COOP_OK)
		fail_msg("« %s » should not compile", src);
	if (err.offset != offset || !strstr(err.message, part))
		fail_msg("« %s » : got offset %zu « %s », expected %zu « %s »", src, err.offset,
			 err.message, offset, part);
	arena_free(&a);
}

#define assert_true_expr(src)                                                     \
	do {                                                                      \
		struct expr_value v_ = run(src);                                  \
		if (v_.count != 1 || v_.one.base != EXPR_BOOLEAN || !v_.one.u.b)  \
			fail_msg("« %s » should be true", src);                   \
	} while (0)
#define assert_false_expr(src)                                                    \
	do {                                                                      \
		struct expr_value v_ = run(src);                                  \
		if (v_.count != 1 || v_.one.base != EXPR_BOOLEAN || v_.one.u.b)   \
			fail_msg("« %s » should be false", src);                  \
	} while (0)
#define assert_empty_expr(src)                                                    \
	do {                                                                      \
		struct expr_value v_ = run(src);                                  \
		if (v_.count != 0 || v_.missing)                                  \
			fail_msg("« %s » should be empty (not missing)", src);    \
	} while (0)
#define assert_missing_expr(src)                                                  \
	do {                                                                      \
		struct expr_value v_ = run(src);                                  \
		if (v_.count != 0 || !v_.missing)                                 \
			fail_msg("« %s » should be missing", src);                \
	} while (0)

static void test_literals_and_arithmetic(void **state)
{
	(void)state;
	struct expr_value v = run("1 + 2 * 3");
	assert_int_equal(v.one.base, EXPR_INTEGER);
	assert_int_equal(v.one.u.i, 7);
	v = run("(1 + 2) * 3");
	assert_int_equal(v.one.u.i, 9);
	v = run("7 / 2");
	assert_int_equal(v.one.base, EXPR_DECIMAL);
	assert_true(v.one.u.d == 3.5);
	v = run("-7 div 2");
	assert_int_equal(v.one.u.i, -3);
	v = run("-7 mod 3");
	assert_int_equal(v.one.u.i, -1);
	v = run("i * 2.5");
	assert_int_equal(v.one.base, EXPR_DECIMAL);
	assert_true(v.one.u.d == 7.5);
	v = run("-2 - -3");
	assert_int_equal(v.one.u.i, 1);
	v = run("(0 - 5).abs()");
	assert_int_equal(v.one.u.i, 5);
	assert_empty_expr("1 / 0");
	assert_empty_expr("5 div 0");
	assert_empty_expr("5 mod 0");
	assert_empty_expr("2147483647 * 2147483647 * 2147483647");
	assert_true_expr("0.1 + 0.2 = 0.3");
	/* decimals order and compare at 1e-8, halves rounded upwards, literals exact */
	assert_false_expr("0.1 + 0.2 > 0.3");
	assert_false_expr("0.000000004 > 0");
	assert_true_expr("-0.000000005 = 0");
	assert_false_expr("0.000000015 = 0.00000002");
	assert_false_expr("0.07 > 0.07");
	/* nesting counts parentheses and calls, not precedence levels */
	assert_true_expr("((((((((((1)))))))))) = 1");
	assert_true_expr("iif(b, iif(b, iif(b, iif(b, iif(b, iif(b, iif(b, 1, 0), 0), 0), 0), 0), 0), 0) = 1");
	/* unions reuse their scratch space: long lists work */
	assert_true_expr("'c10' in ('c0' | 'c1' | 'c2' | 'c3' | 'c4' | 'c5' | 'c6' | 'c7' | 'c8' | 'c9' | 'c10')");
	assert_true_expr("(0|1|2|3|4|5|6|7|8|9|10|11).count() = 12");
	assert_true_expr("((1 | 2) | (3 | 4)).count() = (1 | 2 | 3 | 4).count()");
	assert_true_expr("1.0 = 1");
	assert_true_expr("'\\u00e9t\\u00e9' = 'été'");
}

static void test_comparisons_and_membership(void **state)
{
	(void)state;
	assert_true_expr("d > 38");
	assert_false_expr("d >= 38.6");
	assert_true_expr("i in (1 | 2 | 3)");
	assert_false_expr("i in (4 | 5)");
	assert_true_expr("'x' in m");
	assert_true_expr("m contains 'y'");
	assert_false_expr("m contains 'z'");
	assert_true_expr("m = ('x' | 'y')");
	assert_false_expr("m = ('y' | 'x')");
	assert_true_expr("s = 'brulure'");
	assert_true_expr("s != 'fievre'");
	assert_true_expr("'a' < 'b'");
	assert_true_expr("dt >= @2024-06-18 and dt < @2024-06-19");
	assert_true_expr("(1 | 1 | 2).count() = 2");
	assert_true_expr("m.count() = 2");
	assert_true_expr("{}.count() = 0");
	assert_true_expr("iif(b, 'oui', 'non') = 'oui'");
	assert_true_expr("iif(f, 1, 2) = 2");
	assert_empty_expr("iif(f, 1)");
}

static void test_fast_shapes(void **state)
{
	(void)state;
	/* shapes the engine decides without walking the tree, in every state */
	assert_true_expr("b");
	assert_false_expr("f");
	assert_missing_expr("u_b");
	assert_empty_expr("na_b");
	assert_false_expr("b.not()");
	assert_missing_expr("u_b.not()");
	assert_empty_expr("na_b.not()");
	assert_true_expr("i = 3");
	assert_true_expr("i = 3.0");
	assert_false_expr("i != 3");
	assert_true_expr("d > 38");
	assert_true_expr("d <= 38.5");
	assert_false_expr("d < 38.5");
	assert_true_expr("i >= 3");
	assert_true_expr("s = 'brulure'");
	assert_false_expr("s = 'brulures'");
	assert_true_expr("s > 'a'");
	assert_true_expr("dt = @2024-06-18");
	assert_missing_expr("u_i = 3");
	assert_empty_expr("na_i < 3");
	assert_missing_expr("u_s != 'x'");
	/* integer comparisons with an integer literal: every operator below, at and above i = 3 */
	const char *const int_ops[] = {"<", "<=", ">", ">=", "=", "!="};
	const bool int_want[6][3] = {/* literal 2, 3, 4 */
				     {false, false, true}, {false, true, true}, {true, false, false},
				     {true, true, false},  {false, true, false}, {true, false, true}};
	for (int op = 0; op < 6; op++)
		for (int lit = 2; lit <= 4; lit++) {
			char src[32];
			snprintf(src, sizeof(src), "i %s %d", int_ops[op], lit);
			struct expr_value v = run(src);
			if (v.count != 1 || v.one.u.b != int_want[op][lit - 2])
				fail_msg("« %s » : résultat inattendu", src);
		}
	/* decimals: the exact rule near equality (38.5 and 38.50000000001 are equal at 1e-8) */
	assert_true_expr("d = 38.50000000001");
	assert_false_expr("d > 38.50000000001");
	assert_true_expr("d >= 38.50000000001");
	assert_false_expr("d < 38.49999999999");
	/* two numeric comparisons (a range), two fields, a comparison with a field */
	assert_true_expr("d > 38 or d < 36");
	assert_false_expr("d > 39 or d < 36");
	assert_true_expr("i > 2 and d < 39");
	assert_missing_expr("u_i > 2 or d < 38");
	assert_true_expr("u_i > 2 or d > 38");
	assert_empty_expr("na_i > 2 and i > 2");
	assert_false_expr("b and f");
	assert_true_expr("b and f.not()");
	assert_missing_expr("u_b.not() and b");
	assert_false_expr("u_b.not() and f");
	assert_true_expr("b implies b");
	assert_false_expr("b xor b.not().not()");
	assert_true_expr("s = 'brulure' and f.not()");
	assert_missing_expr("s = 'brulure' and u_b");
	assert_true_expr("s = 'brulure' and b and f.not()");
	assert_false_expr("s != 'brulure' or f");
	assert_true_expr("s != '' and s != 'b'");
}

static void test_three_valued_logic(void **state)
{
	(void)state;
	/* FHIRPath tables with {} (not applicable) */
	assert_empty_expr("true and {}");
	assert_false_expr("false and {}");
	assert_true_expr("{} or true");
	assert_empty_expr("{} or false");
	assert_empty_expr("{} xor true");
	assert_true_expr("{} implies true");
	assert_empty_expr("{} implies false");
	assert_true_expr("false implies {}");
	assert_empty_expr("true implies {}");
	assert_empty_expr("{}.not()");
	assert_empty_expr("na_i > 3");
	assert_empty_expr("na_b = true");
	assert_false_expr("na_b.exists()");
	assert_true_expr("na_m.empty()");
	assert_true_expr("iif(na_b, 1, 2) = 2");
	/* the same with unanswered questions: unknown, unless the other side decides */
	assert_missing_expr("true and u_b");
	assert_false_expr("u_b and false");
	assert_true_expr("u_b or b");
	assert_missing_expr("u_b or f");
	assert_missing_expr("u_b xor true");
	assert_true_expr("u_b implies true");
	assert_true_expr("f implies u_b");
	assert_missing_expr("u_b implies false");
	assert_missing_expr("u_b.not()");
	assert_missing_expr("u_i > 3");
	assert_missing_expr("u_i + 1");
	assert_missing_expr("u_b.exists()");
	assert_missing_expr("u_m.count()");
	assert_missing_expr("iif(u_b, 1, 0)");
	assert_missing_expr("'x' in u_m");
	assert_missing_expr("u_s in ('a' | 'b')");
	/* a definitely empty operand makes a strict result definitely empty */
	assert_empty_expr("u_i + na_i");
	assert_empty_expr("na_i = u_i");
	/* unknown combined with not-applicable under and/or stays unknown */
	assert_missing_expr("u_b and na_b");
	assert_missing_expr("na_b or u_b");
}

static void test_parse_errors_positioned(void **state)
{
	(void)state;
	compile_error("fievre = true", 0, "nom inconnu « fievre »");
	compile_error("b and", 5, "expression incomplète");
	compile_error("(b and f", 8, "« ) » attendu");
	compile_error("b & f", 2, "caractère inattendu « & »");
	compile_error("'abc", 0, "non terminé");
	compile_error("@2024-02-30 = dt", 0, "date invalide");
	compile_error("not(b)", 0, "s'écrit après une valeur");
	compile_error("b.first()", 2, "fonction inconnue « first »");
	compile_error("i.value", 2, "sous-champ");
	compile_error("-i", 0, "ne s'applique qu'à un nombre");
	compile_error("b b", 2, "texte inattendu");
	compile_error("12345678901 > i", 0, "entier trop grand");
	compile_error("'\\q'", 1, "échappement inconnu");
	compile_error("{1}", 1, "« } »");
	compile_error("b.not(1)", 2, "ne prend pas d'argument");
	compile_error("iif(b)", 0, "2 ou 3 arguments");
	compile_error("'a' + 'b'", 0, "s'applique à un nombre");
	compile_error("(0|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|24|25|26|27|28|29|30|31|32|33|34|35|36|37|38|39|40|41|42|43|44|45|46|47|48|49|50|51|52|53|54|55|56|57|58|59|60|61|62|63|64).count()",
		      182, "liste trop longue");
}

static void test_type_errors(void **state)
{
	(void)state;
	compile_error("i and b", 0, "s'applique à un booléen");
	compile_error("1 < i < 3", 6, "comparaison « < » impossible entre booléen et entier");
	compile_error("s > 3", 2, "comparaison « > » impossible");
	compile_error("s + 1", 0, "s'applique à un nombre");
	compile_error("d div 2", 2, "deux entiers");
	compile_error("i in ('a' | 'b')", 2, "« in » impossible");
	compile_error("m > 'a'", 0, "attend une seule valeur");
	compile_error("iif(i, 1, 2)", 4, "s'applique à un booléen");
	compile_error("iif(b, 1, 'a')", 10, "même type");
	compile_error("dt = 3", 3, "comparaison impossible");
	compile_error("(1 | 'a')", 3, "union");
	compile_error("s.not()", 0, "s'applique à un booléen");

	/* expected result type */
	struct arena a;
	struct expr *e;
	struct expr_error err;
	const struct expr_type want_bool = {EXPR_BOOLEAN, false};
	const struct expr_type want_dec = {EXPR_DECIMAL, false};
	arena_init(&a, 0);
	assert_int_equal(expr_compile(&a, "i + 1", 5, &syms, &want_bool, &e, &err), ERR_INVALID);
	assert_non_null(strstr(err.message, "doit donner un booléen"));
	assert_int_equal(expr_compile(&a, "i + 1", 5, &syms, &want_dec, &e, &err), COOP_OK);
	assert_int_equal(expr_compile(&a, "m", 1, &syms, &want_bool, &e, &err), ERR_INVALID);
	arena_free(&a);
}

static void test_reads_and_bounds(void **state)
{
	(void)state;
	struct arena a;
	struct expr *e;
	struct expr_error err;
	arena_init(&a, 0);
	assert_int_equal(expr_compile(&a, "b and i > 2 or `d` > 1", 22, &syms, NULL, &e, &err), COOP_OK);
	const struct expr_slotset *r = expr_reads(e);
	assert_true(expr_slotset_has(r, 0));
	assert_true(expr_slotset_has(r, 1));
	assert_true(expr_slotset_has(r, 2));
	assert_false(expr_slotset_has(r, 3));
	assert_string_equal(expr_source(e), "b and i > 2 or `d` > 1");

	/* nesting and size bounds */
	char deep[400];
	size_t n = 0;
	for (int k = 0; k < 150; k++)
		deep[n++] = '(';
	deep[n++] = '1';
	for (int k = 0; k < 150; k++)
		deep[n++] = ')';
	assert_int_equal(expr_compile(&a, deep, n, &syms, NULL, &e, &err), ERR_INVALID);
	assert_non_null(strstr(err.message, "trop imbriquée"));
	static char big[EXPR_MAX_SOURCE + 2];
	memset(big, ' ', sizeof(big));
	assert_int_equal(expr_compile(&a, big, sizeof(big), &syms, NULL, &e, &err), ERR_TOO_LARGE);
	assert_int_equal(expr_compile(&a, "b\0", 2, &syms, NULL, &e, &err), ERR_INVALID);
	arena_free(&a);
}

/* Expects src to evaluate to the date iso ("YYYY-MM-DD"). */
static void assert_date_expr(const char *src, const char *iso)
{
	struct expr_value v = run(src);
	char buf[16] = "—";
	if (v.count == 1 && v.one.base == EXPR_DATE)
		date_format_iso(v.one.u.date, buf, sizeof(buf));
	if (strcmp(buf, iso) != 0)
		fail_msg("« %s » : %s, expected %s", src, buf, iso);
}

static void test_date_durations(void **state)
{
	(void)state;
	/* days and weeks count days; dt is 2024-06-18 */
	assert_date_expr("dt - 28 days", "2024-05-21");
	assert_date_expr("dt + 1 day", "2024-06-19");
	assert_date_expr("dt + 2 weeks", "2024-07-02");
	assert_date_expr("dt - 1 week", "2024-06-11");
	assert_date_expr("@2024-01-01 - 28 days", "2023-12-04");
	assert_date_expr("@2024-01-01 + -3 days", "2023-12-29");
	assert_date_expr("@2024-01-01 + 0 days", "2024-01-01");
	/* months and years are calendar units, clamped to the end of a shorter month */
	assert_date_expr("dt + 3 months", "2024-09-18");
	assert_date_expr("@2024-01-31 + 1 month", "2024-02-29");
	assert_date_expr("@2023-01-31 + 1 month", "2023-02-28");
	assert_date_expr("@2024-03-31 - 1 month", "2024-02-29");
	assert_date_expr("@2024-05-31 + 1 month", "2024-06-30");
	assert_date_expr("@2023-03-31 - 13 months", "2022-02-28");
	assert_date_expr("@2024-01-15 + 12 months", "2025-01-15");
	assert_date_expr("@2024-02-29 + 1 year", "2025-02-28");
	assert_date_expr("@2024-02-29 + 4 years", "2028-02-29");
	assert_date_expr("@2024-02-29 - 1 year", "2023-02-28");
	assert_date_expr("@2024-12-31 + 1 month + 1 day", "2025-02-01");
	assert_date_expr("(@2024-01-31 + 1 month) + 1 month", "2024-03-29");
	assert_date_expr("@2024-01-31 + 2 months", "2024-03-31");
	/* in comparisons, whatever the evaluator (fast shapes fall back to the tree walk) */
	assert_true_expr("dt > @2024-06-18 - 28 days");
	assert_true_expr("dt - 28 days < dt");
	assert_true_expr("dt + 3 months = @2024-09-18");
	assert_false_expr("dt > @2024-06-18 + 1 day");
	assert_true_expr("dt >= @2024-05-21 + 4 weeks and b");
	assert_true_expr("(dt + 1 month) in (@2024-07-18 | @2024-08-18)");
	assert_true_expr("iif(b, dt + 1 year, dt) = @2025-06-18");
	/* unanswered, not applicable, out of range */
	assert_missing_expr("u_dt + 3 months");
	assert_missing_expr("u_dt - 28 days > dt");
	assert_empty_expr("na_dt + 1 day");
	assert_empty_expr("na_dt + 1 day > dt");
	assert_empty_expr("{} + 3 days");
	assert_empty_expr("@2199-12-31 + 1 day");
	assert_empty_expr("@1900-01-01 - 1 month");
	assert_empty_expr("dt + 2147483647 years");
	assert_date_expr("@2199-12-01 + 30 days", "2199-12-31");
	assert_true_expr("(dt + 1 day).exists()");
	assert_true_expr("(na_dt + 1 day).empty()");
	/* a duration only follows a date and + or - */
	compile_error("3 days", 0, "ne s'emploie qu'ajoutée à une date");
	compile_error("dt > 3 days", 5, "ne s'emploie qu'ajoutée à une date");
	compile_error("i + 3 days", 2, "ne s'ajoute qu'à une date, pas à : entier");
	compile_error("dt + 1.5 months", 5, "nombre entier");
	compile_error("dt + 3 hours", 7, "pas d'heure");
	compile_error("dt + 3 'd'", 7, "unité entre apostrophes");
	compile_error("dt - 28 days * 2", 13, "une durée s'écrit seule");
	compile_error("dt - 28 days.abs()", 12, "une durée s'écrit seule");
	compile_error("dt + 1", 3, "attend une durée");
	compile_error("dt - dt", 3, "attend une durée");
	compile_error("-3 days", 1, "ne s'emploie qu'ajoutée à une date");
	/* the result is a date */
	struct arena a;
	struct expr *e = NULL;
	struct expr_error err;
	arena_init(&a, 0);
	assert_int_equal(expr_compile(&a, "dt - 28 days", 12, &syms, NULL, &e, &err), COOP_OK);
	assert_int_equal(expr_result_type(e).base, EXPR_DATE);
	assert_false(expr_result_type(e).collection);
	assert_true(expr_slotset_has(expr_reads(e), 5));
	arena_free(&a);
}

static void test_format_fr(void **state)
{
	(void)state;
	char buf[64];
	struct expr_value v = expr_value_dec(38.5);
	expr_value_format_fr(&v, buf, sizeof(buf));
	assert_string_equal(buf, "38,5");
	v = expr_value_bool(true);
	expr_value_format_fr(&v, buf, sizeof(buf));
	assert_string_equal(buf, "oui");
	v = expr_value_missing();
	expr_value_format_fr(&v, buf, sizeof(buf));
	assert_string_equal(buf, "inconnu");
	set_fields();
	expr_value_format_fr(&fields[5], buf, sizeof(buf));
	assert_string_equal(buf, "18/06/2024");
	expr_value_format_fr(&fields[4], buf, sizeof(buf));
	assert_string_equal(buf, "x, y");
	expr_value_format_fr(&fields[4], buf, 3);
	assert_int_equal(strlen(buf), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals_and_arithmetic),
		cmocka_unit_test(test_comparisons_and_membership),
		cmocka_unit_test(test_fast_shapes),
		cmocka_unit_test(test_three_valued_logic),
		cmocka_unit_test(test_parse_errors_positioned),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_reads_and_bounds),
		cmocka_unit_test(test_date_durations),
		cmocka_unit_test(test_format_fr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
