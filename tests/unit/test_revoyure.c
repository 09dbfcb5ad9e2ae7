/*
 * test_revoyure.c — when a délégant's revoyure is called for: an exclusion other than on the age,
 * new symptoms, the délégué's doubt; never for an included patient with nothing new, nor without
 * a decision or a protocol that provides for it; the order of the reasons and their labels; the
 * délégants' list order: pending emergencies, then pending same-day referrals, then the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/revoyure.h"

static struct revoyure_facts decided(void)
{
	return (struct revoyure_facts){.protocol_has_revoyure = true, .decided = true};
}

static void test_included_with_nothing_new_needs_none(void **state)
{
	(void)state;
	struct revoyure_facts f = decided();
	assert_int_equal(revoyure_called_for(&f), REVOYURE_NOT_CALLED_FOR);
	assert_null(revoyure_reason_code(revoyure_called_for(&f)));
	assert_null(revoyure_reason_label_fr(revoyure_called_for(&f)));
}

static void test_exclusion_other_than_age(void **state)
{
	(void)state;
	struct revoyure_facts f = decided();
	f.reoriented = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_EXCLUSION);
	assert_string_equal(revoyure_reason_code(REVOYURE_EXCLUSION), "exclusion");
	assert_string_equal(revoyure_reason_label_fr(REVOYURE_EXCLUSION),
			    "Exclusion du protocole (motif autre que l'âge)");
	/* on the age alone: not called for */
	f.on_age_only = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_NOT_CALLED_FOR);
	/* … unless the délégué notes a doubt or new symptoms */
	f.delegue_doubt = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_DOUBT);
	f.new_symptoms = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_NEW_SYMPTOMS);
}

static void test_new_symptoms_and_doubt_on_included(void **state)
{
	(void)state;
	struct revoyure_facts f = decided();
	f.delegue_doubt = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_DOUBT);
	assert_string_equal(revoyure_reason_code(REVOYURE_DOUBT), "doubt");
	assert_string_equal(revoyure_reason_label_fr(REVOYURE_DOUBT), "Doute du délégué");
	f.new_symptoms = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_NEW_SYMPTOMS);
	assert_string_equal(revoyure_reason_code(REVOYURE_NEW_SYMPTOMS), "new_symptoms");
	assert_string_equal(revoyure_reason_label_fr(REVOYURE_NEW_SYMPTOMS), "Symptômes nouveaux");
	/* the exclusion comes first */
	f.reoriented = true;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_EXCLUSION);
}

static void test_no_decision_or_no_revoyure_in_protocol(void **state)
{
	(void)state;
	struct revoyure_facts f = decided();
	f.reoriented = true;
	f.delegue_doubt = true;
	f.decided = false;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_NOT_CALLED_FOR);
	f.decided = true;
	f.protocol_has_revoyure = false;
	assert_int_equal(revoyure_called_for(&f), REVOYURE_NOT_CALLED_FOR);
	assert_null(revoyure_reason_code((enum revoyure_reason)42));
	assert_null(revoyure_reason_label_fr((enum revoyure_reason)42));
}

static void test_referral_urgency_codes(void **state)
{
	(void)state;
	assert_int_equal(referral_urgency_parse("emergency"), REFERRAL_EMERGENCY);
	assert_int_equal(referral_urgency_parse("physician_same_day"), REFERRAL_SAME_DAY);
	assert_int_equal(referral_urgency_parse("physician_later"), REFERRAL_LATER);
	assert_int_equal(referral_urgency_parse("none"), REFERRAL_NONE);
	assert_int_equal(referral_urgency_parse(""), REFERRAL_NONE);
	assert_int_equal(referral_urgency_parse(NULL), REFERRAL_NONE);
}

static void test_pending_referrals_first(void **state)
{
	(void)state;
	struct referral_facts f = {.urgency = REFERRAL_EMERGENCY, .referred_on = 100, .today = 100};
	assert_int_equal(referral_priority(&f), 0);
	f.urgency = REFERRAL_SAME_DAY;
	assert_int_equal(referral_priority(&f), 1);
	f.urgency = REFERRAL_LATER;
	assert_int_equal(referral_priority(&f), 2);
	f.urgency = REFERRAL_NONE;
	assert_int_equal(referral_priority(&f), 2);
	/* still pending the next day, no longer the day after */
	f.urgency = REFERRAL_EMERGENCY;
	f.today = 101;
	assert_int_equal(referral_priority(&f), 0);
	f.today = 102;
	assert_int_equal(referral_priority(&f), 2);
	/* seen again, or closed: no longer first */
	f.today = 100;
	f.revoyure_recorded = true;
	assert_int_equal(referral_priority(&f), 2);
	f.revoyure_recorded = false;
	f.closed = true;
	assert_int_equal(referral_priority(&f), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_included_with_nothing_new_needs_none),
		cmocka_unit_test(test_exclusion_other_than_age),
		cmocka_unit_test(test_new_symptoms_and_doubt_on_included),
		cmocka_unit_test(test_no_decision_or_no_revoyure_in_protocol),
		cmocka_unit_test(test_referral_urgency_codes),
		cmocka_unit_test(test_pending_referrals_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
