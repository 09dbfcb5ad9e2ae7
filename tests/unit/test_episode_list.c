/*
 * test_episode_list.c — the lists of the home screens (core/episode_list.h): who has which list,
 * the list facts computed from an episode's facts (arrival, referral rank and day, revoyure
 * pending and its last day), the rule of each list (day, queue, referrals, revoyures), their
 * order and their cursors. Each rule has a test that fails when the rule is broken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/access.h"
#include "core/episode_list.h"

static coop_date day(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static void test_parse_and_roles(void **state)
{
	(void)state;
	enum episode_list l;
	const char *codes[] = {"all", "day", "queue", "referrals", "revoyures"};
	for (int i = 0; i < 5; i++) {
		assert_true(episode_list_parse(codes[i], &l));
		assert_int_equal(l, i);
	}
	assert_false(episode_list_parse("Day", &l));
	assert_false(episode_list_parse("", &l));
	assert_false(episode_list_parse(NULL, &l));
	/* all: any role; each dashboard list: its role only */
	assert_true(episode_list_allowed(ACCESS_ROLE_COORDINATOR, EPISODE_LIST_ALL));
	assert_false(episode_list_allowed(0, EPISODE_LIST_ALL));
	assert_true(episode_list_allowed(ACCESS_ROLE_SECRETARY, EPISODE_LIST_DAY));
	assert_false(episode_list_allowed(ACCESS_ROLE_DELEGUE | ACCESS_ROLE_DELEGANT |
						  ACCESS_ROLE_COORDINATOR,
					  EPISODE_LIST_DAY));
	assert_true(episode_list_allowed(ACCESS_ROLE_DELEGUE, EPISODE_LIST_QUEUE));
	assert_false(episode_list_allowed(ACCESS_ROLE_DELEGANT | ACCESS_ROLE_SECRETARY,
					  EPISODE_LIST_QUEUE));
	assert_true(episode_list_allowed(ACCESS_ROLE_DELEGANT, EPISODE_LIST_REFERRALS));
	assert_true(episode_list_allowed(ACCESS_ROLE_DELEGANT, EPISODE_LIST_REVOYURES));
	assert_false(episode_list_allowed(ACCESS_ROLE_DELEGUE | ACCESS_ROLE_SECRETARY,
					  EPISODE_LIST_REFERRALS));
	assert_false(episode_list_allowed(ACCESS_ROLE_DELEGUE, EPISODE_LIST_REVOYURES));
	assert_non_null(strstr(episode_list_refusal_fr(EPISODE_LIST_QUEUE), "délégués"));
	assert_non_null(strstr(episode_list_refusal_fr(EPISODE_LIST_DAY), "secrétariat"));
}

static void test_arrival_is_the_consent(void **state)
{
	(void)state;
	struct episode_list_input in = {.state = PATHWAY_CONSENTED, .created_at = 1000};
	struct episode_list_facts f;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.arrived_at, 1000);
	in.consented = true;
	in.consent_at = 4000;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.arrived_at, 4000);
}

/* A referral decided on `on`, not closed, nothing seen again. */
static struct episode_list_input referral(enum referral_urgency u, coop_date on)
{
	return (struct episode_list_input){.state = PATHWAY_EXCLUDED,
					   .referral = true,
					   .urgency = u,
					   .referral_day = on,
					   .decided = true,
					   .decision_day = on,
					   .revoyure = REVOYURE_EXCLUSION};
}

static void test_referral_rank(void **state)
{
	(void)state;
	coop_date on = day(2026, 3, 10);
	struct episode_list_facts f;
	struct episode_list_input in = referral(REFERRAL_EMERGENCY, on);
	episode_list_facts_of(&in, &f);
	assert_true(f.referred);
	assert_int_equal(f.referral_rank, 0);
	assert_int_equal(f.referral_day, on);
	in.urgency = REFERRAL_SAME_DAY;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.referral_rank, 1);
	in.urgency = REFERRAL_LATER;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.referral_rank, 2);
	/* seen again: no longer first */
	in = referral(REFERRAL_EMERGENCY, on);
	in.revoyure_done = true;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.referral_rank, 2);
	/* a referral without its day: last */
	in = referral(REFERRAL_EMERGENCY, 0);
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.referral_rank, 2);
	/* closed, or no referral: not in the délégants' referrals */
	in = referral(REFERRAL_EMERGENCY, on);
	in.state = PATHWAY_CLOSED;
	episode_list_facts_of(&in, &f);
	assert_false(f.referred);
	in = referral(REFERRAL_EMERGENCY, on);
	in.referral = false;
	episode_list_facts_of(&in, &f);
	assert_false(f.referred);
}

static void test_revoyure_pending_and_last_day(void **state)
{
	(void)state;
	coop_date on = day(2026, 3, 10);
	struct episode_list_facts f;
	struct episode_list_input in = referral(REFERRAL_SAME_DAY, on);
	episode_list_facts_of(&in, &f);
	assert_true(f.revoyure_pending);
	assert_int_equal(f.decision_day, on);
	assert_int_equal(f.revoyure_until, pathway_revoyure_last_day(on));
	in.revoyure_done = true;
	episode_list_facts_of(&in, &f);
	assert_false(f.revoyure_pending);
	assert_int_equal(f.revoyure_until, 0);
	in = referral(REFERRAL_SAME_DAY, on);
	in.revoyure = REVOYURE_NOT_CALLED_FOR;
	episode_list_facts_of(&in, &f);
	assert_false(f.revoyure_pending);
	assert_int_equal(f.revoyure_until, 0);
	/* only included, excluded or in follow-up */
	in = referral(REFERRAL_SAME_DAY, on);
	in.state = PATHWAY_CLOSED;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.revoyure_until, 0);
	in.state = PATHWAY_FOLLOW_UP;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.revoyure_until, pathway_revoyure_last_day(on));
	/* no decision: no decision day */
	in.decided = false;
	episode_list_facts_of(&in, &f);
	assert_int_equal(f.decision_day, 0);
	assert_int_equal(f.revoyure_until, 0);
}

static void test_day_list(void **state)
{
	(void)state;
	int64_t start = 1773100800;
	assert_true(episode_list_in_day(PATHWAY_INCLUDED, start, start));
	assert_false(episode_list_in_day(PATHWAY_INCLUDED, start - 1, start));
	assert_false(episode_list_in_day(PATHWAY_CONSENTED, start - 1, start));
	assert_true(episode_list_in_day(PATHWAY_ORIENTATION, 0, start));
	assert_true(episode_list_in_day(PATHWAY_PROPOSED, 0, start));
	assert_true(episode_list_waits(PATHWAY_CONSENTED));
	assert_false(episode_list_waits(PATHWAY_ASSESSING));
}

static void test_queue(void **state)
{
	(void)state;
	assert_int_equal(episode_list_queue_part(PATHWAY_CONSENTED, 0, 7), 0);
	assert_int_equal(episode_list_queue_part(PATHWAY_ASSESSING, 7, 7), 1);
	assert_int_equal(episode_list_queue_part(PATHWAY_FOLLOW_UP, 7, 7), 1);
	assert_int_equal(episode_list_queue_part(PATHWAY_EXCLUDED, 7, 7), 1);
	/* another délégué's: never */
	assert_int_equal(episode_list_queue_part(PATHWAY_ASSESSING, 8, 7), -1);
	assert_int_equal(episode_list_queue_part(PATHWAY_CLOSED, 7, 7), -1);
	assert_int_equal(episode_list_queue_part(PATHWAY_ORIENTATION, 0, 7), -1);
	assert_int_equal(episode_list_queue_part(PATHWAY_ASSESSING, 0, 0), -1);
}

static void test_referrals_list(void **state)
{
	(void)state;
	coop_date today = day(2026, 3, 10);
	struct episode_list_facts f;
	struct episode_list_input in = referral(REFERRAL_EMERGENCY, today - 1);
	in.revoyure = REVOYURE_NOT_CALLED_FOR;
	episode_list_facts_of(&in, &f);
	assert_int_equal(episode_list_referrals_since(today), today - 1);
	assert_true(episode_list_in_referrals(&f, 7, today));
	assert_int_equal(episode_list_referral_priority(&f, today), 0);
	/* the day before yesterday: gone, unless the revoyure is still awaited */
	assert_false(episode_list_in_referrals(&f, 7, today + 1));
	assert_int_equal(episode_list_referral_priority(&f, today + 1), 2);
	in.revoyure = REVOYURE_DOUBT;
	episode_list_facts_of(&in, &f);
	assert_true(episode_list_in_referrals(&f, 7, today + 5));
	/* called to another délégant: not mine; to me or to nobody: mine */
	in.delegant_called_id = 8;
	episode_list_facts_of(&in, &f);
	assert_false(episode_list_in_referrals(&f, 7, today));
	assert_true(episode_list_in_referrals(&f, 8, today));
	in.delegant_called_id = 0;
	in.state = PATHWAY_CLOSED;
	episode_list_facts_of(&in, &f);
	assert_false(episode_list_in_referrals(&f, 7, today));
}

static void test_revoyures_list(void **state)
{
	(void)state;
	coop_date on = day(2026, 3, 10);
	struct episode_list_facts f;
	struct episode_list_input in = referral(REFERRAL_SAME_DAY, on);
	episode_list_facts_of(&in, &f);
	assert_false(episode_list_revoyure_due(&f, on - 1));
	assert_true(episode_list_revoyure_due(&f, on));
	assert_true(episode_list_revoyure_due(&f, on + 1));
	assert_false(episode_list_revoyure_due(&f, on + 2));
	in.revoyure_done = true;
	episode_list_facts_of(&in, &f);
	assert_false(episode_list_revoyure_due(&f, on));
}

static void test_order(void **state)
{
	(void)state;
	struct episode_list_key a = {0, 100, 5}, b = {0, 200, 4}, c = {1, 50, 1}, d = {0, 100, 6};
	/* newest first */
	assert_true(episode_list_cmp(EPISODE_LIST_ALL, &b, &a) < 0);
	assert_true(episode_list_cmp(EPISODE_LIST_ALL, &d, &a) < 0);
	assert_true(episode_list_cmp(EPISODE_LIST_DAY, &b, &a) < 0);
	assert_true(episode_list_cmp(EPISODE_LIST_REFERRALS, &b, &a) < 0);
	/* oldest first */
	assert_true(episode_list_cmp(EPISODE_LIST_QUEUE, &a, &b) < 0);
	assert_true(episode_list_cmp(EPISODE_LIST_REVOYURES, &a, &d) < 0);
	/* segments first, whatever the direction */
	assert_true(episode_list_cmp(EPISODE_LIST_QUEUE, &b, &c) < 0);
	assert_true(episode_list_cmp(EPISODE_LIST_REFERRALS, &a, &c) < 0);
	assert_int_equal(episode_list_cmp(EPISODE_LIST_ALL, &a, &a), 0);
}

static void test_cursors(void **state)
{
	(void)state;
	char buf[EPISODE_LIST_CURSOR_MAX];
	struct episode_list_key k = {2, 20522, 1234}, out;
	episode_list_cursor_format(EPISODE_LIST_REFERRALS, &k, buf, sizeof(buf));
	assert_true(episode_list_cursor_parse(EPISODE_LIST_REFERRALS, buf, &out));
	assert_memory_equal(&k, &out, sizeof(k));
	/* another list's cursor */
	assert_false(episode_list_cursor_parse(EPISODE_LIST_ALL, buf, &out));
	struct episode_list_key neg = {0, -5, 3};
	episode_list_cursor_format(EPISODE_LIST_ALL, &neg, buf, sizeof(buf));
	assert_true(episode_list_cursor_parse(EPISODE_LIST_ALL, buf, &out));
	assert_int_equal(out.k, -5);
	const char *bad[] = {"",         "a",
			     "a0.1",     "a0.1.",
			     "a0.1.0",   "a1.1.1",
			     "r3.1.1",   "q2.1.1",
			     "a0.01.1",  "a-0.1.1",
			     "a0.1.-1",  "a0.1.1 ",
			     "a0.1.1.1", "a0.1234567890123456789.1",
			     "a0.x.1",   "A0.1.1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(episode_list_cursor_parse(EPISODE_LIST_ALL, bad[i], &out) ||
			     episode_list_cursor_parse(EPISODE_LIST_REFERRALS, bad[i], &out) ||
			     episode_list_cursor_parse(EPISODE_LIST_QUEUE, bad[i], &out));
	assert_true(episode_list_cursor_parse(EPISODE_LIST_QUEUE, "q1.5.9", &out));
	assert_int_equal(out.segment, 1);
	assert_false(episode_list_cursor_parse(EPISODE_LIST_QUEUE, NULL, &out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_roles),
		cmocka_unit_test(test_arrival_is_the_consent),
		cmocka_unit_test(test_referral_rank),
		cmocka_unit_test(test_revoyure_pending_and_last_day),
		cmocka_unit_test(test_day_list),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_referrals_list),
		cmocka_unit_test(test_revoyures_list),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_cursors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
