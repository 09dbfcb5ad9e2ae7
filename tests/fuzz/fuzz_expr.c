/*
 * fuzz_expr.c — libFuzzer target for the expression compiler and evaluator: any bytes are
 * compiled against a fixed symbol table; what compiles is evaluated with answered, missing and
 * not-applicable fields (dates too, for calendar durations such as `dt - 28 days`). Must never
 * crash, leak or trip a sanitizer; and the engine's specialised Boolean evaluators
 * (expr_eval_bool) must agree with the general evaluator (else abort).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "protocol/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *names[] = {"b", "i", "d", "s", "m", "dt", "u_b", "u_i", "na_b", "na_m",
			      "age_years", "age_months", "sex", "u_dt", "na_dt", "dt_end"};
static const struct expr_type types[] = {
	{EXPR_BOOLEAN, false}, {EXPR_INTEGER, false}, {EXPR_DECIMAL, false}, {EXPR_STRING, false},
	{EXPR_STRING, true},   {EXPR_DATE, false},    {EXPR_BOOLEAN, false}, {EXPR_INTEGER, false},
	{EXPR_BOOLEAN, false}, {EXPR_STRING, true},   {EXPR_INTEGER, false}, {EXPR_INTEGER, false},
	{EXPR_STRING, false},  {EXPR_DATE, false},    {EXPR_DATE, false},    {EXPR_DATE, false},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct expr_symbols syms = {sizeof(names) / sizeof(names[0]), names, types};
	static struct expr_item m_items[2] = {{.base = EXPR_STRING, .u.str = {"x", 1}},
					      {.base = EXPR_STRING, .u.str = {"y", 1}}};
	struct expr_value fields[16];
	struct expr_item scratch[EXPR_SCRATCH_ITEMS];
	fields[0] = expr_value_bool(true);
	fields[1] = expr_value_int(size % 7 == 0 ? INT64_MAX : 3);
	fields[2] = expr_value_dec(38.5);
	fields[3] = expr_value_str("a", 1);
	fields[4] = (struct expr_value){.count = 2, .items = m_items};
	fields[5] = expr_value_date(19000);
	fields[6] = expr_value_missing();
	fields[7] = expr_value_missing();
	fields[8] = expr_value_empty();
	fields[9] = expr_value_empty();
	fields[10] = expr_value_int(30);
	fields[11] = expr_value_int(360);
	fields[12] = expr_value_str("female", 6);
	fields[13] = expr_value_missing();
	fields[14] = expr_value_empty();
	fields[15] = expr_value_date(size % 5 == 0 ? 84005 : 19753); /* 2199-12-31 or 2024-01-31 */

	struct arena a;
	arena_init(&a, 4 << 20);
	struct expr *e = NULL;
	struct expr_error err;
	if (expr_compile(&a, (const char *)data, size, &syms, NULL, &e, &err) == COOP_OK) {
		struct expr_value v;
		expr_eval(e, fields, scratch, &v);
		char buf[128];
		expr_value_format_fr(&v, buf, sizeof(buf));
		struct expr_type t = expr_result_type(e);
		if ((t.base == EXPR_BOOLEAN || t.base == EXPR_NONE) && !t.collection) {
			enum expr_tri want = v.count ? (v.one.u.b ? EXPR_TRUE : EXPR_FALSE)
						     : (v.missing ? EXPR_MISSING : EXPR_EMPTY);
			if (expr_eval_bool(e, fields, scratch) != want)
				abort();
		}
	}
	arena_free(&a);
	return 0;
}
