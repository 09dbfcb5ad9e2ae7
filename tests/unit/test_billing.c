/*
 * test_billing.c — the billing rules (core/billing.h): the flat fee of an included patient,
 * none on an exit after the exam, due with a revoyure the same or the next day and not later,
 * the tariff of the decision day (a change mid-semester, 30/06 against 01/07), the second
 * contact in and out of its window, the blockers and their French reasons, the acts that cannot
 * be combined, sharing to the cent, ACI and the hospital bonus. Each rule has a test that fails
 * when the rule is removed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/billing.h"

static coop_date day(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

/* 25 € until 30/06/2026, 30 € from 01/07/2026; second contact 20 € from 2020 on */
static struct billing_tariff tariffs[3];

static int setup(void **state)
{
	(void)state;
	tariffs[0] = (struct billing_tariff){BILLING_FLAT_FEE, 2500, day(2020, 9, 10), true,
		day(2026, 6, 30)};
	tariffs[1] = (struct billing_tariff){BILLING_FLAT_FEE, 3000, day(2026, 7, 1), false, 0};
	tariffs[2] = (struct billing_tariff){BILLING_SECOND_CONTACT, 2000, day(2020, 9, 10), false,
		0};
	return 0;
}

static struct billing_episode_in included(coop_date d)
{
	return (struct billing_episode_in){.outcome = BILLING_INCLUDED, .decision_day = d,
		.structure = BILLING_MSP, .nir_valid = true, .aci_signatory = true,
		.adhesion_in_force = true, .delegue_id = 1, .delegant_id = 2};
}

static void test_included_flat_fee(void **state)
{
	(void)state;
	struct billing_episode_in in = included(day(2026, 3, 2));
	struct billing_out out;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_DUE);
	assert_int_equal(out.n_lines, 1);
	assert_int_equal(out.lines[0].code, BILLING_FLAT_FEE);
	assert_int_equal(out.lines[0].cents, 2500);
	assert_int_equal(out.lines[0].day, day(2026, 3, 2));
	assert_int_equal(out.n_blocked, 0);
}

static void test_tariff_of_decision_day(void **state)
{
	(void)state;
	struct billing_out out;
	struct billing_episode_in in = included(day(2026, 6, 30));
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.lines[0].cents, 2500);
	in = included(day(2026, 7, 1));
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.lines[0].cents, 3000);
	/* a change mid-semester (15/04) applies episode by episode */
	struct billing_tariff mid[2] = {
		{BILLING_FLAT_FEE, 2500, day(2026, 1, 1), true, day(2026, 4, 14)},
		{BILLING_FLAT_FEE, 2700, day(2026, 4, 15), false, 0},
	};
	in = included(day(2026, 4, 14));
	assert_int_equal(billing_episode(&in, mid, 2, &out), COOP_OK);
	assert_int_equal(out.lines[0].cents, 2500);
	in = included(day(2026, 4, 15));
	assert_int_equal(billing_episode(&in, mid, 2, &out), COOP_OK);
	assert_int_equal(out.lines[0].cents, 2700);
	assert_int_equal(out.lines[0].day, day(2026, 4, 15));
}

static void test_exit_after_exam(void **state)
{
	(void)state;
	struct billing_episode_in in = included(day(2026, 3, 2));
	in.outcome = BILLING_EXIT_AFTER_EXAM;
	in.second_contact = true;
	in.second_contact_in_window = true;
	in.second_contact_day = day(2026, 3, 9);
	struct billing_out out;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_NOT_DUE_EXIT);
	assert_int_equal(out.n_lines, 0);
	assert_int_equal(out.n_blocked, 0);
	assert_non_null(strstr(billing_not_due_fr(out.due), "sortie du protocole"));
}

static void test_revoyure(void **state)
{
	(void)state;
	struct billing_out out;
	struct billing_episode_in in = included(day(2026, 6, 30));
	in.outcome = BILLING_REORIENTED_REVOYURE;
	in.revoyure_day = day(2026, 6, 30); /* same day */
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_DUE);
	assert_int_equal(out.n_lines, 1);
	in.revoyure_day = day(2026, 7, 1); /* next day: due, at the decision day's tariff */
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_DUE);
	assert_int_equal(out.lines[0].cents, 2500);
	in.revoyure_day = day(2026, 7, 2); /* two days later: not due */
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_NOT_DUE_REVOYURE_LATE);
	assert_int_equal(out.n_lines, 0);
	in.revoyure_day = day(2026, 6, 29); /* before the decision: not a revoyure of it */
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_NOT_DUE_REVOYURE_LATE);
	in.outcome = BILLING_REORIENTED_OTHER;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_NOT_DUE_REORIENTED);
	assert_int_equal(out.n_lines, 0);
}

static void test_second_contact(void **state)
{
	(void)state;
	struct billing_out out;
	struct billing_episode_in in = included(day(2026, 3, 2));
	in.second_contact = true;
	in.second_contact_day = day(2026, 3, 9);
	in.second_contact_in_window = true;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_lines, 2);
	assert_int_equal(out.lines[1].code, BILLING_SECOND_CONTACT);
	assert_int_equal(out.lines[1].cents, 2000);
	assert_int_equal(out.lines[1].day, day(2026, 3, 9));
	assert_false(out.second_contact_not_billed);
	/* outside its window: not billed */
	in.second_contact_in_window = false;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_lines, 1);
	assert_true(out.second_contact_not_billed);
	assert_int_equal(out.n_blocked, 0);
	/* a protocol with no second-contact tariff bills none and is not blocked */
	in.second_contact_in_window = true;
	assert_int_equal(billing_episode(&in, tariffs, 2, &out), COOP_OK);
	assert_int_equal(out.n_lines, 1);
	assert_int_equal(out.n_blocked, 0);
	/* one whose second-contact tariff starts later is blocked with its reason */
	struct billing_tariff late[2] = {tariffs[0],
		{BILLING_SECOND_CONTACT, 2500, day(2026, 4, 1), false, 0}};
	assert_int_equal(billing_episode(&in, late, 2, &out), COOP_OK);
	assert_int_equal(out.n_lines, 1);
	assert_int_equal(out.n_blocked, 1);
	assert_int_equal(out.blocked[0], BILLING_BLOCKED_NO_SECOND_TARIFF);
}

static void test_blockers(void **state)
{
	(void)state;
	struct billing_out out;
	/* no flat-fee tariff before 10/09/2020 */
	struct billing_episode_in in = included(day(2020, 9, 9));
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.due, BILLING_DUE);
	assert_int_equal(out.n_lines, 0);
	assert_int_equal(out.n_blocked, 1);
	assert_int_equal(out.blocked[0], BILLING_BLOCKED_NO_FLAT_TARIFF);
	assert_non_null(strstr(billing_reason_fr(out.blocked[0]), "tarif du forfait"));
	/* a centre de santé without a valid NIR: blocked, its line kept */
	in = included(day(2026, 3, 2));
	in.structure = BILLING_CDS;
	in.nir_valid = false;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_lines, 1);
	assert_int_equal(out.n_blocked, 1);
	assert_int_equal(out.blocked[0], BILLING_BLOCKED_CDS_NO_NIR);
	assert_non_null(strstr(billing_reason_fr(out.blocked[0]), "NIR"));
	in.nir_valid = true;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 0);
	/* an MSP does not need the NIR */
	in.structure = BILLING_MSP;
	in.nir_valid = false;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 0);
	/* an MSP or a CDS not signatory of the ACI is blocked; a CPTS is not asked */
	in.nir_valid = true;
	in.aci_signatory = false;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 1);
	assert_int_equal(out.blocked[0], BILLING_BLOCKED_NOT_ACI);
	assert_non_null(strstr(billing_reason_fr(out.blocked[0]), "ACI"));
	in.structure = BILLING_CDS;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.blocked[0], BILLING_BLOCKED_NOT_ACI);
	in.structure = BILLING_CPTS;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 0);
	/* no adhesion on the decision day */
	in.adhesion_in_force = false;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 1);
	assert_int_equal(out.blocked[0], BILLING_BLOCKED_NO_ADHESION);
	assert_non_null(strstr(billing_reason_fr(out.blocked[0]), "adhésion"));
	/* every reason at once: all listed */
	in = included(day(2020, 9, 9));
	in.structure = BILLING_CDS;
	in.nir_valid = false;
	in.aci_signatory = false;
	in.adhesion_in_force = false;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 4);
	in.nir_valid = false;
	in.aci_signatory = true;
	in.adhesion_in_force = true;
	/* nothing due, nothing blocked, even in a CDS without NIR */
	in.structure = BILLING_CDS;
	in.outcome = BILLING_EXIT_AFTER_EXAM;
	assert_int_equal(billing_episode(&in, tariffs, 3, &out), COOP_OK);
	assert_int_equal(out.n_blocked, 0);
}

static void test_bad_tariffs(void **state)
{
	(void)state;
	struct billing_out out;
	struct billing_episode_in in = included(day(2026, 3, 2));
	struct billing_tariff overlap[2] = {
		{BILLING_FLAT_FEE, 2500, day(2026, 1, 1), false, 0},
		{BILLING_FLAT_FEE, 2700, day(2026, 3, 1), false, 0},
	};
	assert_int_equal(billing_episode(&in, overlap, 2, &out), ERR_INVALID);
	assert_int_equal(out.n_lines, 0);
	struct billing_tariff neg = {BILLING_FLAT_FEE, -1, day(2026, 1, 1), false, 0};
	assert_int_equal(billing_episode(&in, &neg, 1, &out), ERR_INVALID);
	struct billing_tariff backwards = {BILLING_FLAT_FEE, 2500, day(2026, 1, 2), true,
		day(2026, 1, 1)};
	assert_int_equal(billing_episode(&in, &backwards, 1, &out), ERR_INVALID);
}

static void test_cumulation(void **state)
{
	(void)state;
	struct billing_cumulation_in ep = {.patient_key = 77, .decision_day = day(2026, 6, 30),
		.delegue_id = 1, .delegant_id = 2};
	struct billing_act acts[] = {
		{day(2026, 6, 30), 2, 77}, /* délégant, same day: flagged */
		{day(2026, 7, 1), 1, 77},  /* délégué, next day: flagged */
		{day(2026, 7, 2), 2, 77},  /* two days later */
		{day(2026, 6, 29), 2, 77}, /* the day before */
		{day(2026, 6, 30), 3, 77}, /* another professional */
		{day(2026, 6, 30), 2, 78}, /* another patient */
	};
	bool flags[6];
	assert_int_equal(billing_cumulation(&ep, acts, 6, flags), 2);
	assert_true(flags[0]);
	assert_true(flags[1]);
	for (int i = 2; i < 6; i++)
		assert_false(flags[i]);
}

static void check_share(int64_t total, const int64_t *keys, size_t n, const int64_t *want)
{
	int64_t out[16];
	assert_int_equal(billing_share(total, keys, n, out), COOP_OK);
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(out[i], want[i]);
		sum += out[i];
	}
	assert_int_equal(sum, total);
}

static void test_share(void **state)
{
	(void)state;
	check_share(10000, (int64_t[]){1, 1, 1}, 3, (int64_t[]){3334, 3333, 3333});
	check_share(100, (int64_t[]){1, 1, 1, 1, 1, 1, 1}, 7,
		(int64_t[]){15, 15, 14, 14, 14, 14, 14});
	/* per act: 3, 5 and 2 acts of 2 501 cents; exact parts 750.3, 1250.5, 500.2 */
	check_share(2501, (int64_t[]){3, 5, 2}, 3, (int64_t[]){750, 1251, 500});
	/* the largest remainder wins, not the lowest index: 10 × (1, 2) / 3 = 3.33, 6.67 */
	check_share(10, (int64_t[]){1, 2}, 2, (int64_t[]){3, 7});
	check_share(0, (int64_t[]){1, 2}, 2, (int64_t[]){0, 0});
	check_share(5, (int64_t[]){0, 1}, 2, (int64_t[]){0, 5});
	check_share(INT64_MAX, (int64_t[]){1, 2}, 2,
		(int64_t[]){3074457345618258602, 6148914691236517205});
	int64_t out[2] = {-9, -9};
	assert_int_equal(billing_share(-1, (int64_t[]){1, 1}, 2, out), ERR_INVALID);
	assert_int_equal(billing_share(10, (int64_t[]){0, 0}, 2, out), ERR_INVALID);
	assert_int_equal(billing_share(10, (int64_t[]){-1, 2}, 2, out), ERR_INVALID);
	assert_int_equal(billing_share(10, (int64_t[]){INT32_MAX, 1}, 2, out), ERR_INVALID);
	assert_int_equal(billing_share(10, out, 0, out), ERR_INVALID);
	assert_int_equal(billing_share(10, out, BILLING_SHARE_MAX + 1, out), ERR_TOO_LARGE);
	assert_int_equal(out[0], -9);
}

/* the parts add up to the total and each is within a cent of its exact share, on many totals
 * and keys (a fixed pseudo-random sequence) */
static void test_share_random(void **state)
{
	(void)state;
	uint32_t seed = 7;
	for (int round = 0; round < 5000; round++) {
		int64_t keys[16], out[16], sum_keys = 0, sum = 0;
		seed = seed * 1103515245u + 12345u;
		size_t n = 1 + (seed >> 16) % 16;
		seed = seed * 1103515245u + 12345u;
		int64_t total = (int64_t)(seed >> 8);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			keys[i] = (seed >> 16) % 50;
			sum_keys += keys[i];
		}
		if (sum_keys == 0)
			continue;
		assert_int_equal(billing_share(total, keys, n, out), COOP_OK);
		for (size_t i = 0; i < n; i++) {
			int64_t floor_share = total * keys[i] / sum_keys;
			assert_true(out[i] == floor_share || out[i] == floor_share + 1);
			sum += out[i];
		}
		assert_int_equal(sum, total);
	}
}

static void test_aci_and_bonus(void **state)
{
	(void)state;
	int64_t c = 0;
	assert_int_equal(billing_aci(4, 6, 100, 700, &c), COOP_OK);
	assert_int_equal(c, 280000);
	assert_int_equal(billing_aci(9, 6, 100, 700, &c), COOP_OK);
	assert_int_equal(c, 420000);
	assert_int_equal(billing_aci(-1, 6, 100, 700, &c), ERR_INVALID);
	assert_int_equal(billing_aci(6, 6, INT64_MAX, 2, &c), ERR_INVALID);
	assert_int_equal(billing_hospital_bonus(3, 6, 10000, &c), COOP_OK);
	assert_int_equal(c, 180000);
	assert_int_equal(billing_hospital_bonus(3, -1, 10000, &c), ERR_INVALID);
	assert_int_equal(billing_hospital_bonus(INT64_MAX, 2, 1, &c), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_included_flat_fee),
		cmocka_unit_test(test_tariff_of_decision_day),
		cmocka_unit_test(test_exit_after_exam),
		cmocka_unit_test(test_revoyure),
		cmocka_unit_test(test_second_contact),
		cmocka_unit_test(test_blockers),
		cmocka_unit_test(test_bad_tariffs),
		cmocka_unit_test(test_cumulation),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_share_random),
		cmocka_unit_test(test_aci_and_bonus),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
