/*
 * test_billing_tariffs.c — the six national protocols' tariffs, as their files give them,
 * through the billing rules (protocol/billing_tariffs.h, core/billing.h): the 25 € flat fee of
 * each, the second contact of the lumbar pain (20 €) and ankle sprain (25 €) protocols, nothing
 * before the tariffs took effect, nothing on an exit after the exam.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/billing.h"
#include "core/date.h"
#include "protocol/billing_tariffs.h"
#include "protocol/protocol.h"

static const struct {
	const char *file;
	int64_t second_contact_cents; /* 0: the protocol has no second-contact fee */
} national[] = {
	{"protocols/snp-cheville.yaml", 2500},
	{"protocols/snp-cystite.yaml", 0},
	{"protocols/snp-lombalgie.yaml", 2000},
	{"protocols/snp-odynophagie.yaml", 0},
	{"protocols/snp-rhinoconjonctivite.yaml", 0},
	{"protocols/snp-varicelle.yaml", 0},
};

static struct protocol *load(const char *file)
{
	struct protocol *p = NULL;
	struct protocol_diags d = {0};
	assert_int_equal(protocol_load_file(file, &p, &d), COOP_OK);
	assert_non_null(p);
	return p;
}

/* An MSP signatory of the ACI, adhesion in force, the patient included on `day`, a second
 * contact fifteen days later within its window. */
static struct billing_episode_in included_on(coop_date day)
{
	return (struct billing_episode_in){.outcome = BILLING_INCLUDED,
					   .decision_day = day,
					   .second_contact = true,
					   .second_contact_day = day + 15,
					   .second_contact_in_window = true,
					   .structure = BILLING_MSP,
					   .aci_signatory = true,
					   .adhesion_in_force = true,
					   .delegue_id = 1,
					   .delegant_id = 2};
}

static void test_national_tariffs_bill(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(national) / sizeof(national[0]); i++) {
		struct protocol *p = load(national[i].file);
		struct billing_tariff t[8];
		size_t n = protocol_billing_tariffs(p, t, 8);
		assert_true(n >= 1 && n <= 8);

		struct billing_episode_in in = included_on(date_from_ymd(2026, 3, 16));
		struct billing_out out;
		assert_int_equal(billing_episode(&in, t, n, &out), COOP_OK);
		if (out.due != BILLING_DUE || out.n_blocked != 0)
			fail_msg("%s : forfait non dû ou bloqué", national[i].file);
		assert_int_equal(out.lines[0].code, BILLING_FLAT_FEE);
		assert_int_equal(out.lines[0].cents, 2500);
		if (national[i].second_contact_cents) {
			assert_int_equal(out.n_lines, 2);
			assert_int_equal(out.lines[1].code, BILLING_SECOND_CONTACT);
			assert_int_equal(out.lines[1].cents, national[i].second_contact_cents);
		} else {
			assert_int_equal(out.n_lines, 1);
		}

		/* before the tariffs took effect (the arrêté of 10 September 2020 at the earliest):
		 * nothing to bill, and the coordinator is told why */
		in = included_on(date_from_ymd(2019, 6, 3));
		assert_int_equal(billing_episode(&in, t, n, &out), COOP_OK);
		assert_int_equal(out.n_lines, 0);
		assert_true(out.n_blocked >= 1);
		assert_int_equal(out.blocked[0], BILLING_BLOCKED_NO_FLAT_TARIFF);

		/* an exit after the délégué's exam bills nothing */
		in = included_on(date_from_ymd(2026, 3, 16));
		in.outcome = BILLING_EXIT_AFTER_EXAM;
		assert_int_equal(billing_episode(&in, t, n, &out), COOP_OK);
		assert_int_equal(out.due, BILLING_NOT_DUE_EXIT);
		assert_int_equal(out.n_lines, 0);
		protocol_free(p);
	}
}

/* Too small an array: the count is still the protocol's, only the first ones are written. */
static void test_capacity(void **state)
{
	(void)state;
	struct protocol *p = load("protocols/snp-lombalgie.yaml");
	struct billing_tariff t[1];
	memset(t, 0, sizeof(t));
	assert_int_equal(protocol_billing_tariffs(p, t, 1), p->n_tariffs);
	assert_true(p->n_tariffs >= 2);
	assert_int_equal(t[0].cents, p->tariffs[0].amount_cents);
	assert_int_equal(t[0].from, p->tariffs[0].effective_from);
	protocol_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_national_tariffs_bill),
		cmocka_unit_test(test_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
