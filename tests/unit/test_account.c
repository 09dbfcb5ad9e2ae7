/*
 * test_account.c — the account rules: sign-in delays (free failures, doubling, the cap), the
 * state of an account (disabled, ended after its end date included, not activated), the life
 * of an activation code, and what a coordinator may create or manage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/account.h"

static coop_date D(const char *s)
{
	coop_date d = 0;
	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

static void test_signin_delay(void **state)
{
	(void)state;
	static const struct {
		int failures, seconds;
	} cases[] = {{0, 0}, {1, 0}, {4, 0}, {5, 1}, {6, 2}, {7, 4}, {8, 8}, {9, 16},
		     {10, 32}, {11, 60}, {12, 60}, {40, 60}, {100000, 60}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(account_signin_delay(cases[i].failures), cases[i].seconds);
}

static void test_state(void **state)
{
	(void)state;
	coop_date today = D("2026-11-25");
	static const struct {
		bool activated, disabled, has_ends_on;
		const char *ends_on;
		enum account_state want;
	} cases[] = {
		{true, false, false, NULL, ACCOUNT_USABLE},
		{false, false, false, NULL, ACCOUNT_NOT_ACTIVATED},
		{true, true, false, NULL, ACCOUNT_DISABLED},
		{false, true, true, "2026-01-01", ACCOUNT_DISABLED},
		{true, false, true, "2026-11-25", ACCOUNT_USABLE}, /* the end date is included */
		{true, false, true, "2026-11-24", ACCOUNT_ENDED},
		{false, false, true, "2026-11-24", ACCOUNT_ENDED},
		{true, false, true, "2026-12-31", ACCOUNT_USABLE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct account_facts f = {.activated = cases[i].activated,
					  .disabled = cases[i].disabled,
					  .has_ends_on = cases[i].has_ends_on,
					  .ends_on = cases[i].ends_on ? D(cases[i].ends_on) : 0};
		assert_int_equal(account_state(&f, today), cases[i].want);
	}
}

static void test_code_usable(void **state)
{
	(void)state;
	assert_true(account_code_usable(1000 + ACCOUNT_ACTIVATION_SECONDS, 1000));
	assert_true(account_code_usable(1001, 1000));
	assert_false(account_code_usable(1000, 1000));
	assert_false(account_code_usable(999, 1000));
	assert_false(account_code_usable(0, 1000)); /* no code */
	assert_int_equal(ACCOUNT_ACTIVATION_SECONDS, 7 * 24 * 3600);
}

static void test_may_create(void **state)
{
	(void)state;
	enum { C = ACCOUNT_ROLE_COORDINATOR, S = ACCOUNT_ROLE_SECRETARY };
	static const struct {
		unsigned roles;
		int64_t professional;
		bool in_structure, has_account;
		int64_t caller_professional;
		enum account_refusal want;
	} cases[] = {
		{S, 0, false, false, 0, ACCOUNT_ALLOWED},
		{C | S, 0, false, false, 5, ACCOUNT_ALLOWED},
		{0, 7, true, false, 5, ACCOUNT_ALLOWED}, /* a professional with no stored role */
		{S, 7, true, false, 0, ACCOUNT_ALLOWED},
		{ACCOUNT_ROLE_DELEGUE, 7, true, false, 0, ACCOUNT_REFUSED_CLINICAL_ROLE},
		{ACCOUNT_ROLE_DELEGANT | S, 7, true, false, 0, ACCOUNT_REFUSED_CLINICAL_ROLE},
		{0, 0, false, false, 0, ACCOUNT_REFUSED_NO_ROLE},
		{S, 7, false, false, 0, ACCOUNT_REFUSED_FOREIGN_PROFESSIONAL},
		{0, 7, false, true, 7, ACCOUNT_REFUSED_FOREIGN_PROFESSIONAL},
		{0, 7, true, false, 7, ACCOUNT_REFUSED_SELF},
		{S, 7, true, true, 7, ACCOUNT_REFUSED_SELF},
		{0, 7, true, true, 5, ACCOUNT_REFUSED_PROFESSIONAL_TAKEN},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct account_request r = {.roles = cases[i].roles,
					    .professional_id = cases[i].professional,
					    .professional_in_structure = cases[i].in_structure,
					    .professional_has_account = cases[i].has_account,
					    .caller_professional_id = cases[i].caller_professional};
		assert_int_equal(account_may_create(&r), cases[i].want);
	}
}

static void test_may_manage(void **state)
{
	(void)state;
	assert_true(account_may_manage(1, 2));
	assert_false(account_may_manage(3, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signin_delay), cmocka_unit_test(test_state),
		cmocka_unit_test(test_code_usable), cmocka_unit_test(test_may_create),
		cmocka_unit_test(test_may_manage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
