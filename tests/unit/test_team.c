/*
 * test_team.c — adhesion checks (every blocker, membership date edges, per-role requirements,
 * the French message), which adhesion speaks for a person, what an adhesion may record
 * (declarations, new adhesions), who may validate a training, the unknown profession, and
 * délégant reachability (weekly slots across midnight and the end of the week, absences, the
 * 7-day search, the message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/team.h"

static coop_date D(const char *s)
{
	coop_date d = 0;
	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

#define BIT(b) (UINT32_C(1) << (b))
/* Profession sets written as constants (team_profession_bit() is checked against them). */
#define NURSE (UINT64_C(1) << PROF_INFIRMIER)
#define PHARMACIST (UINT64_C(1) << PROF_PHARMACIEN)
#define PHYSICIAN (UINT64_C(1) << PROF_MEDECIN)

/* A délégué nurse, member from 01/01/2026 with everything in order since December 2025. */
static struct team_adhesion base_delegue(void)
{
	struct team_adhesion a = {
		.professional_id = 11,
		.profession = PROF_INFIRMIER,
		.role = TEAM_ROLE_DELEGUE,
		.effective_from = D("2026-01-01"),
		.training_validated = true,
		.training_validated_by = 7,
		.training_date = D("2025-12-15"),
		.training_hours = 14,
		.insurance_declared = true,
		.insurer = "MACSF",
		.insurance_date = D("2025-12-10"),
		.engagement_signed = true,
		.engagement_date = D("2025-12-01"),
	};
	return a;
}

/* ---- Edits of the base adhesion, one per case ---- */

static void keep(struct team_adhesion *a)
{
	(void)a;
}
static void ends_july(struct team_adhesion *a)
{
	a->has_effective_to = true;
	a->effective_to = D("2026-07-01");
}
static void pharmacist(struct team_adhesion *a)
{
	a->profession = PROF_PHARMACIEN;
}
static void no_training(struct team_adhesion *a)
{
	a->training_validated = false;
}
static void training_nobody(struct team_adhesion *a)
{
	a->training_validated_by = 0;
}
static void training_on_nov24(struct team_adhesion *a)
{
	a->training_date = D("2026-11-24");
}
static void self_validated(struct team_adhesion *a)
{
	a->training_validated_by = a->professional_id;
}
static void no_insurance(struct team_adhesion *a)
{
	a->insurance_declared = false;
}
static void insurer_null(struct team_adhesion *a)
{
	a->insurer = NULL;
}
static void insurer_empty(struct team_adhesion *a)
{
	a->insurer = "";
}
static void insurance_nov24(struct team_adhesion *a)
{
	a->insurance_date = D("2026-11-24");
}
static void no_engagement(struct team_adhesion *a)
{
	a->engagement_signed = false;
}
static void engagement_nov24(struct team_adhesion *a)
{
	a->engagement_date = D("2026-11-24");
}
static void no_training_no_insurance(struct team_adhesion *a)
{
	no_training(a);
	no_insurance(a);
}
static void as_delegant(struct team_adhesion *a)
{
	a->role = TEAM_ROLE_DELEGANT;
	a->profession = PROF_MEDECIN;
}
static void delegant_untrained(struct team_adhesion *a)
{
	as_delegant(a);
	a->training_validated = false;
	a->training_validated_by = 0;
}
static void delegant_no_insurance_no_engagement(struct team_adhesion *a)
{
	delegant_untrained(a);
	no_insurance(a);
	no_engagement(a);
}
static void everything_wrong(struct team_adhesion *a)
{
	a->effective_from = D("2026-12-01");
	a->profession = PROF_PHARMACIEN;
	a->training_date = D("2026-11-25");
	a->training_validated_by = a->professional_id;
	a->insurance_date = D("2026-11-25");
	a->engagement_date = D("2026-11-25");
}
static void not_a_profession(struct team_adhesion *a)
{
	a->profession = PROF_COUNT;
}

struct adhesion_case {
	const char *name;
	void (*edit)(struct team_adhesion *);
	enum team_role role;
	const char *on;
	uint64_t allowed;
	uint32_t blockers;
	const char *message;
};

static const struct adhesion_case adhesion_cases[] = {
	{"all in order", keep, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE, 0, ""},
	{"first day of membership", keep, TEAM_ROLE_DELEGUE, "2026-01-01", NURSE, 0, ""},
	{"day before membership", keep, TEAM_ROLE_DELEGUE, "2025-12-31", NURSE,
	 BIT(TEAM_BLOCKER_NOT_YET_MEMBER), "Adhésion seulement à partir du 01/01/2026"},
	{"last day of membership (to is exclusive)", ends_july, TEAM_ROLE_DELEGUE, "2026-06-30",
	 NURSE, 0, ""},
	{"day the withdrawal takes effect", ends_july, TEAM_ROLE_DELEGUE, "2026-07-01", NURSE,
	 BIT(TEAM_BLOCKER_MEMBERSHIP_ENDED), "Adhésion terminée (dernier jour : 30/06/2026)"},
	{"pharmacist while the version allowed them", pharmacist, TEAM_ROLE_DELEGUE, "2026-03-01",
	 NURSE | PHARMACIST, 0, ""},
	{"pharmacist after the version removed them", pharmacist, TEAM_ROLE_DELEGUE, "2026-11-24",
	 NURSE, BIT(TEAM_BLOCKER_PROFESSION_NOT_ALLOWED),
	 "Profession « Pharmacien » non autorisée comme délégué par la version en vigueur du "
	 "protocole"},
	{"no profession allowed at all", keep, TEAM_ROLE_DELEGUE, "2026-11-24", 0,
	 BIT(TEAM_BLOCKER_PROFESSION_NOT_ALLOWED),
	 "Profession « Infirmier » non autorisée comme délégué par la version en vigueur du "
	 "protocole"},
	{"not a health profession", not_a_profession, TEAM_ROLE_DELEGUE, "2026-11-24", UINT64_MAX,
	 BIT(TEAM_BLOCKER_PROFESSION_NOT_ALLOWED),
	 "Profession « ? » non autorisée comme délégué par la version en vigueur du protocole"},
	{"training not validated", no_training, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_TRAINING_MISSING), "Formation non validée"},
	{"training validated by nobody", training_nobody, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_TRAINING_MISSING), "Formation non validée"},
	{"training validated on the day", training_on_nov24, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 0, ""},
	{"training validated the day after", training_on_nov24, TEAM_ROLE_DELEGUE, "2026-11-23",
	 NURSE, BIT(TEAM_BLOCKER_TRAINING_LATE), "Formation validée seulement le 24/11/2026"},
	{"training validated by the délégué", self_validated, TEAM_ROLE_DELEGUE, "2026-11-24",
	 NURSE, BIT(TEAM_BLOCKER_TRAINING_SELF_VALIDATED),
	 "Formation validée par le délégué lui-même (un délégant doit la valider)"},
	{"insurance not declared", no_insurance, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_INSURANCE_MISSING), "Assurance non déclarée"},
	{"insurer missing", insurer_null, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_INSURANCE_MISSING), "Assurance non déclarée"},
	{"insurer empty", insurer_empty, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_INSURANCE_MISSING), "Assurance non déclarée"},
	{"insurance declared on the day", insurance_nov24, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 0, ""},
	{"insurance declared the day after", insurance_nov24, TEAM_ROLE_DELEGUE, "2026-11-23",
	 NURSE, BIT(TEAM_BLOCKER_INSURANCE_LATE), "Assurance déclarée seulement le 24/11/2026"},
	{"engagement not signed", no_engagement, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_ENGAGEMENT_MISSING), "Engagement non signé"},
	{"engagement signed on the day", engagement_nov24, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 0, ""},
	{"engagement signed the day after", engagement_nov24, TEAM_ROLE_DELEGUE, "2026-11-23",
	 NURSE, BIT(TEAM_BLOCKER_ENGAGEMENT_LATE), "Engagement signé seulement le 24/11/2026"},
	{"two blockers in one sentence", no_training_no_insurance, TEAM_ROLE_DELEGUE, "2026-11-24",
	 NURSE, BIT(TEAM_BLOCKER_TRAINING_MISSING) | BIT(TEAM_BLOCKER_INSURANCE_MISSING),
	 "Formation non validée ; assurance non déclarée"},
	{"délégant needs no training", delegant_untrained, TEAM_ROLE_DELEGANT, "2026-11-24",
	 PHYSICIAN, 0, ""},
	{"délégant needs insurance and engagement", delegant_no_insurance_no_engagement,
	 TEAM_ROLE_DELEGANT, "2026-11-24", PHYSICIAN,
	 BIT(TEAM_BLOCKER_INSURANCE_MISSING) | BIT(TEAM_BLOCKER_ENGAGEMENT_MISSING),
	 "Assurance non déclarée ; engagement non signé"},
	{"délégant adhesion checked as délégué", as_delegant, TEAM_ROLE_DELEGUE, "2026-11-24",
	 UINT64_MAX, BIT(TEAM_BLOCKER_WRONG_ROLE),
	 "Adhère à ce protocole comme délégant, pas comme délégué"},
	{"délégué adhesion checked as délégant", keep, TEAM_ROLE_DELEGANT, "2026-11-24", UINT64_MAX,
	 BIT(TEAM_BLOCKER_WRONG_ROLE), "Adhère à ce protocole comme délégué, pas comme délégant"},
	{"every blocker at once", everything_wrong, TEAM_ROLE_DELEGUE, "2026-11-24", NURSE,
	 BIT(TEAM_BLOCKER_NOT_YET_MEMBER) | BIT(TEAM_BLOCKER_PROFESSION_NOT_ALLOWED) |
		 BIT(TEAM_BLOCKER_TRAINING_LATE) | BIT(TEAM_BLOCKER_TRAINING_SELF_VALIDATED) |
		 BIT(TEAM_BLOCKER_INSURANCE_LATE) | BIT(TEAM_BLOCKER_ENGAGEMENT_LATE),
	 "Adhésion seulement à partir du 01/12/2026 ; profession « Pharmacien » non autorisée "
	 "comme délégué par la version en vigueur du protocole ; formation validée seulement le "
	 "25/11/2026 ; formation validée par le délégué lui-même (un délégant doit la valider) ; "
	 "assurance déclarée seulement le 25/11/2026 ; engagement signé seulement le 25/11/2026"},
};

static void test_adhesion_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(adhesion_cases) / sizeof(adhesion_cases[0]); i++) {
		const struct adhesion_case *c = &adhesion_cases[i];
		struct team_adhesion a = base_delegue();
		c->edit(&a);
		struct team_check r;
		memset(&r, 0x5a, sizeof(r)); /* the check must fill everything */
		bool ok = team_check_adhesion(&a, c->role, D(c->on), c->allowed, &r);
		print_message("case: %s\n", c->name);
		assert_int_equal(ok, c->blockers == 0);
		assert_int_equal(r.ok, c->blockers == 0);
		assert_int_equal(r.blockers, c->blockers);
		assert_string_equal(r.message, c->message);
	}
}

static void test_no_adhesion(void **state)
{
	(void)state;
	struct team_check r;
	assert_false(team_check_adhesion(NULL, TEAM_ROLE_DELEGUE, D("2026-11-24"), NURSE, &r));
	assert_int_equal(r.blockers, BIT(TEAM_BLOCKER_NO_ADHESION));
	assert_string_equal(r.message, "Pas d'adhésion à ce protocole");
}

static void test_version_change_june_2024(void **state)
{
	(void)state;
	/* Cystitis: nurses and pharmacists until the June 2024 version, nurses only after. The
	 * caller passes the professions of the version in force on each date. */
	struct team_adhesion a = base_delegue();
	a.profession = PROF_PHARMACIEN;
	a.effective_from = D("2023-01-01");
	a.training_date = D("2022-12-01");
	a.insurance_date = D("2022-12-01");
	a.engagement_date = D("2022-12-01");
	struct team_check r;
	assert_true(team_check_adhesion(&a, TEAM_ROLE_DELEGUE, D("2024-05-31"), NURSE | PHARMACIST,
					&r));
	assert_false(team_check_adhesion(&a, TEAM_ROLE_DELEGUE, D("2024-06-01"), NURSE, &r));
	assert_true(team_check_has(&r, TEAM_BLOCKER_PROFESSION_NOT_ALLOWED));
	assert_false(team_check_has(&r, TEAM_BLOCKER_TRAINING_MISSING));
	assert_false(team_check_has(&r, TEAM_BLOCKER_COUNT));
}

static void test_first_blocker_and_active(void **state)
{
	(void)state;
	struct team_adhesion a = base_delegue();
	a.insurance_declared = false;
	a.engagement_signed = false;
	struct team_check r;
	team_check_adhesion(&a, TEAM_ROLE_DELEGUE, D("2026-11-24"), NURSE, &r);
	enum team_blocker b = TEAM_BLOCKER_COUNT;
	assert_true(team_check_first(&r, &b));
	assert_int_equal(b, TEAM_BLOCKER_INSURANCE_MISSING);
	team_check_adhesion(&a, TEAM_ROLE_DELEGUE, D("2025-12-31"), NURSE, &r);
	assert_true(team_check_first(&r, &b));
	assert_int_equal(b, TEAM_BLOCKER_NOT_YET_MEMBER);
	a = base_delegue();
	assert_true(team_check_adhesion(&a, TEAM_ROLE_DELEGUE, D("2026-11-24"), NURSE, &r));
	b = TEAM_BLOCKER_COUNT;
	assert_false(team_check_first(&r, &b));
	assert_int_equal(b, TEAM_BLOCKER_COUNT);

	ends_july(&a);
	assert_false(team_adhesion_active(&a, D("2025-12-31")));
	assert_true(team_adhesion_active(&a, D("2026-01-01")));
	assert_true(team_adhesion_active(&a, D("2026-06-30")));
	assert_false(team_adhesion_active(&a, D("2026-07-01")));
	a.has_effective_to = false;
	assert_true(team_adhesion_active(&a, D("2099-01-01")));
}

/* A woman's profession in the feminine (the screens' words agree with the person). */
static void test_profession_feminine(void **state)
{
	(void)state;
	assert_string_equal(profession_label_fr_sex(PROF_INFIRMIER, true), "Infirmière");
	assert_string_equal(profession_label_fr_sex(PROF_INFIRMIER, false), "Infirmier");
	assert_string_equal(profession_label_fr_sex(PROF_MASSEUR_KINESITHERAPEUTE, true),
			    "Masseuse-kinésithérapeute");
	assert_string_equal(profession_label_fr_sex(PROF_MEDECIN, true), "Médecin");
	for (int i = 0; i < PROF_COUNT; i++) {
		const char *f = profession_label_fr_sex((enum profession)i, true);
		assert_true(f[0] != '\0' && strcmp(f, "?") != 0);
		assert_string_equal(profession_label_fr_sex((enum profession)i, false),
				    profession_label_fr((enum profession)i));
	}
	assert_string_equal(profession_label_fr_sex(PROF_COUNT, true), "?");
}

static void test_codes_and_labels(void **state)
{
	(void)state;
	enum team_role r = TEAM_ROLE_COUNT;
	assert_string_equal(team_role_code(TEAM_ROLE_DELEGANT), "delegant");
	assert_string_equal(team_role_code(TEAM_ROLE_DELEGUE), "delegue");
	assert_string_equal(team_role_label_fr(TEAM_ROLE_DELEGUE), "délégué");
	assert_string_equal(team_role_code(TEAM_ROLE_COUNT), "?");
	assert_true(team_role_parse("delegue", &r));
	assert_int_equal(r, TEAM_ROLE_DELEGUE);
	assert_true(team_role_parse("delegant", &r));
	assert_int_equal(r, TEAM_ROLE_DELEGANT);
	assert_false(team_role_parse("délégué", &r));
	assert_false(team_role_parse("", &r));
	assert_false(team_role_parse(NULL, &r));
	assert_int_equal(r, TEAM_ROLE_DELEGANT);

	assert_int_equal(team_profession_bit(PROF_MEDECIN), PHYSICIAN);
	assert_int_equal(team_profession_bit(PROF_MEDECIN), 2); /* bit 0 is PROF_UNKNOWN's, never set */
	assert_int_equal(team_profession_bit(PROF_UNKNOWN), 0);
	assert_int_equal(team_profession_bit(PROF_INFIRMIER), NURSE);
	assert_int_equal(team_profession_bit(PROF_PHARMACIEN), PHARMACIST);
	assert_int_equal(team_profession_bit(PROF_COUNT), 0);

	/* Blocker codes are distinct and never "?"; labels are French sentences. */
	for (int i = 0; i < TEAM_BLOCKER_COUNT; i++) {
		assert_string_not_equal(team_blocker_code((enum team_blocker)i), "?");
		assert_string_not_equal(team_blocker_label_fr((enum team_blocker)i), "?");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(team_blocker_code((enum team_blocker)i),
						team_blocker_code((enum team_blocker)j));
	}
	assert_string_equal(team_blocker_code(TEAM_BLOCKER_TRAINING_MISSING), "training_missing");
	assert_string_equal(team_blocker_label_fr(TEAM_BLOCKER_INSURANCE_MISSING),
			    "Assurance non déclarée");
	assert_string_equal(team_blocker_code(TEAM_BLOCKER_COUNT), "?");
}

/* ---- Reachability ---- */

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(team_weekday(D("1970-01-01")), 3); /* Thursday */
	assert_int_equal(team_weekday(D("1969-12-31")), 2); /* before day 0 */
	assert_int_equal(team_weekday(D("1969-12-29")), 0);
	assert_int_equal(team_weekday(D("1969-12-28")), 6); /* (day + 3) is negative */
	assert_int_equal(team_weekday(D("1969-12-26")), 4);
	assert_int_equal(team_weekday(D("2026-11-23")), 0); /* Monday */
	assert_int_equal(team_weekday(D("2026-11-24")), 1);
	assert_int_equal(team_weekday(D("2026-11-29")), 6); /* Sunday */
	assert_int_equal(team_weekday(D("2026-11-30")), 0);
	assert_int_equal(team_weekday(D("1900-01-01")), 0);
}

/* Monday 08:00–12:00 Dr Martin; Monday 10:00–18:00 Dr Bernard; Sunday 20:00 → Monday 08:00
 * Dr Petit (overnight, wrapping the week); two malformed slots that must be ignored. */
static const struct team_slot week[] = {
	{1, 0, 8 * 60, 12 * 60, "Dr Martin", "06 11 22 33 44"},
	{2, 0, 10 * 60, 18 * 60, "Dr Bernard", NULL},
	{3, 6, 20 * 60, 8 * 60, "Dr Petit", "06 99 88 77 66"},
	{4, 7, 20 * 60, 10 * 60, "Jour impossible", NULL}, /* would reach Tuesday morning */
	{5, 2, 1440, 1440, "Minute impossible", NULL},
};
#define N_WEEK (sizeof(week) / sizeof(week[0]))

#define NOBODY SIZE_MAX

struct now_case {
	const char *on;
	int minute;
	int64_t usual;
	size_t slot; /* NOBODY when nobody is reachable */
};

static const struct now_case now_cases[] = {
	{"2026-11-23", 0, 0, 2},            /* Monday midnight: Sunday's overnight slot */
	{"2026-11-23", 7 * 60 + 59, 0, 2},  /* its last minute */
	{"2026-11-23", 8 * 60, 0, 0},       /* end is exclusive, start inclusive */
	{"2026-11-23", 10 * 60 + 30, 0, 0}, /* two cover: first in array order */
	{"2026-11-23", 10 * 60 + 30, 2, 1}, /* … unless the usual délégant covers */
	{"2026-11-23", 10 * 60 + 30, 3, 0}, /* a usual délégant who does not cover is ignored */
	{"2026-11-23", 11 * 60 + 59, 0, 0},
	{"2026-11-23", 12 * 60, 0, 1},
	{"2026-11-23", 17 * 60 + 59, 0, 1},
	{"2026-11-23", 18 * 60, 0, NOBODY},
	{"2026-11-24", 0, 0, NOBODY},       /* Tuesday: the overnight slot does not reach it */
	{"2026-11-25", 10 * 60, 0, NOBODY}, /* Wednesday: only the malformed slot */
	{"2026-11-29", 19 * 60 + 59, 0, NOBODY},
	{"2026-11-29", 20 * 60, 0, 2},
	{"2026-11-29", 23 * 60 + 59, 0, 2},
	{"2026-11-30", 0, 0, 2}, /* the week wraps: Sunday evening into Monday */
	{"2026-11-30", 7 * 60 + 59, 0, 2},
	{"2026-11-23", -1, 0, NOBODY},
	{"2026-11-23", 1440, 0, NOBODY},
};

static void test_reachable_now(void **state)
{
	(void)state;
	const struct team_availability av = {week, N_WEEK, NULL, 0};
	for (size_t i = 0; i < sizeof(now_cases) / sizeof(now_cases[0]); i++) {
		const struct now_case *c = &now_cases[i];
		size_t slot = NOBODY;
		bool got = team_reachable_now(&av, D(c->on), c->minute, c->usual, &slot);
		print_message("case %zu: %s %d\n", i, c->on, c->minute);
		assert_int_equal(got, c->slot != NOBODY);
		assert_int_equal(slot, c->slot);
	}
}

static void test_whole_day_and_24h_slots(void **state)
{
	(void)state;
	/* start == end: 24 hours from start; 0–0 is the whole weekday. */
	const struct team_slot slots[] = {
		{1, 1, 0, 0, "Toute la journée", NULL},        /* Tuesday 00:00–24:00 */
		{2, 3, 600, 600, "Vingt-quatre heures", NULL}, /* Thursday 10:00 → Friday 10:00 */
	};
	const struct team_availability av = {slots, 2, NULL, 0};
	size_t s = NOBODY;
	assert_true(team_reachable_now(&av, D("2026-11-24"), 0, 0, &s));
	assert_int_equal(s, 0);
	assert_true(team_reachable_now(&av, D("2026-11-24"), 1439, 0, &s));
	assert_false(team_reachable_now(&av, D("2026-11-25"), 0, 0, &s));
	assert_false(team_reachable_now(&av, D("2026-11-26"), 599, 0, &s));
	assert_true(team_reachable_now(&av, D("2026-11-26"), 600, 0, &s));
	assert_int_equal(s, 1);
	assert_true(team_reachable_now(&av, D("2026-11-27"), 599, 0, &s));
	assert_false(team_reachable_now(&av, D("2026-11-27"), 600, 0, &s));

	/* end_minute 1440 is midnight (valid, not overnight); 1441 makes the slot ignored. */
	const struct team_slot evening[] = {
		{3, 4, 600, 1441, "Minute de fin impossible", NULL},
		{4, 4, 1200, 1440, "Jusqu'à minuit", NULL},
	};
	const struct team_availability ev = {evening, 2, NULL, 0};
	assert_false(team_reachable_now(&ev, D("2026-11-27"), 700, 0, &s));
	assert_true(team_reachable_now(&ev, D("2026-11-27"), 1439, 0, &s));
	assert_int_equal(s, 1);
	assert_false(team_reachable_now(&ev, D("2026-11-28"), 0, 0, &s));
}

/* The contact shown for a délégant is the one of the slot they are reachable in now: the
 * weekday office line on a weekday, the mobile of the Sunday slot on a Sunday. */
static void test_contact_now(void **state)
{
	(void)state;
	const struct team_slot slots[] = {
		{1, 0, 8 * 60, 19 * 60, "Dr Durand", "01 23 45 67 01 (bureau)"},
		{1, 6, 9 * 60, 12 * 60, "Dr Durand", "06 12 34 56 78 (portable)"},
		{2, 6, 9 * 60, 12 * 60, "Dr Petit", NULL},
	};
	struct team_availability av = {slots, 3, NULL, 0};
	const char *c = "untouched";
	/* Sunday 29/11/2026 10:00: the Sunday slot's mobile, not the office line */
	assert_true(team_contact_now(&av, 1, D("2026-11-29"), 10 * 60, &c));
	assert_string_equal(c, "06 12 34 56 78 (portable)");
	/* Monday 30/11 10:00: the office line */
	assert_true(team_contact_now(&av, 1, D("2026-11-30"), 10 * 60, &c));
	assert_string_equal(c, "01 23 45 67 01 (bureau)");
	/* a slot without contact: reachable, no contact */
	assert_true(team_contact_now(&av, 2, D("2026-11-29"), 10 * 60, &c));
	assert_null(c);
	/* not reachable now: false, contact untouched */
	c = "untouched";
	assert_false(team_contact_now(&av, 1, D("2026-11-29"), 13 * 60, &c));
	assert_false(team_contact_now(&av, 2, D("2026-11-30"), 10 * 60, &c));
	assert_false(team_contact_now(&av, 0, D("2026-11-30"), 10 * 60, &c));
	assert_false(team_contact_now(&av, 1, D("2026-11-30"), 1440, &c));
	assert_false(team_contact_now(&av, 1, D("2026-11-30"), -1, &c));
	assert_string_equal(c, "untouched");
	/* absent that day: not reachable, even though a slot covers the moment */
	const struct team_absence away = {1, D("2026-11-29"), D("2026-11-29")};
	av.absences = &away;
	av.n_absences = 1;
	assert_false(team_contact_now(&av, 1, D("2026-11-29"), 10 * 60, &c));
	assert_true(team_contact_now(&av, 2, D("2026-11-29"), 10 * 60, &c));
}

static void test_absences(void **state)
{
	(void)state;
	/* Dr Petit absent on Sunday 29/11 only: the absence covers that calendar day, so the
	 * after-midnight part of the slot (Monday 30/11) still counts. */
	struct team_absence sunday = {3, D("2026-11-29"), D("2026-11-29")};
	struct team_availability av = {week, N_WEEK, &sunday, 1};
	size_t s = NOBODY;
	assert_false(team_reachable_now(&av, D("2026-11-29"), 21 * 60, 0, &s));
	assert_true(team_reachable_now(&av, D("2026-11-30"), 60, 0, &s));
	assert_int_equal(s, 2);
	/* Absent on Monday 30/11 instead: Sunday evening counts, Monday morning does not. */
	struct team_absence monday = {3, D("2026-11-30"), D("2026-11-30")};
	av.absences = &monday;
	assert_true(team_reachable_now(&av, D("2026-11-29"), 21 * 60, 0, &s));
	assert_false(team_reachable_now(&av, D("2026-11-30"), 60, 0, &s));
	/* Both ends of an absence are inclusive. */
	struct team_absence martin[] = {{1, D("2026-11-20"), D("2026-11-23")},
					{2, D("2026-11-01"), D("2026-11-30")}};
	av.absences = martin;
	av.n_absences = 1;
	s = NOBODY;
	assert_false(team_reachable_now(&av, D("2026-11-23"), 9 * 60, 0, &s));
	assert_int_equal(s, NOBODY);
	assert_true(team_reachable_now(&av, D("2026-11-30"), 9 * 60, 0, &s));
	assert_int_equal(s, 0);
	martin[0].to = D("2026-11-22");
	assert_true(team_reachable_now(&av, D("2026-11-23"), 9 * 60, 0, &s));
	assert_int_equal(s, 0);
	martin[0].from = D("2026-11-23");
	martin[0].to = D("2026-11-30");
	assert_false(team_reachable_now(&av, D("2026-11-23"), 9 * 60, 0, &s));
	/* Absence of Dr Bernard too: at 10:30 nobody, although both have a slot. */
	av.n_absences = 2;
	assert_false(team_reachable_now(&av, D("2026-11-23"), 10 * 60 + 30, 0, &s));
	/* With usual = Dr Martin absent, another délégant is still found. */
	av.n_absences = 1;
	assert_true(team_reachable_now(&av, D("2026-11-23"), 10 * 60 + 30, 1, &s));
	assert_int_equal(s, 1);
}

struct next_case {
	const char *name;
	const char *on;
	int minute;
	int64_t usual;
	const struct team_absence *absence; /* at most one, may be NULL */
	bool found;
	const char *date;
	int at;
	size_t slot;
};

static const struct team_absence petit_sunday = {3, 0, 0}; /* dates filled in the test */

static const struct next_case next_cases[] = {
	{"reachable now: now", "2026-11-23", 7 * 60, 0, NULL, true, "2026-11-23", 7 * 60, 2},
	{"Monday evening: Sunday evening", "2026-11-23", 18 * 60, 0, NULL, true, "2026-11-29",
	 20 * 60, 2},
	{"Tuesday midnight: Sunday evening", "2026-11-24", 0, 0, NULL, true, "2026-11-29", 20 * 60,
	 2},
	{"Sunday morning", "2026-11-29", 10 * 60, 0, NULL, true, "2026-11-29", 20 * 60, 2},
	{"absent Sunday: Monday midnight", "2026-11-29", 10 * 60, 0, &petit_sunday, true,
	 "2026-11-30", 0, 2},
	{"just before the start", "2026-11-29", 19 * 60 + 59, 0, NULL, true, "2026-11-29", 20 * 60,
	 2},
	{"usual not reachable yet: first in array order", "2026-11-23", 9 * 60, 2, NULL, true,
	 "2026-11-23", 9 * 60, 0},
};

static void test_next_reachable(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++) {
		const struct next_case *c = &next_cases[i];
		struct team_absence abs;
		struct team_availability av = {week, N_WEEK, NULL, 0};
		if (c->absence) {
			abs = *c->absence;
			abs.from = abs.to = D("2026-11-29");
			av.absences = &abs;
			av.n_absences = 1;
		}
		struct team_moment m = {0};
		print_message("case: %s\n", c->name);
		assert_int_equal(team_next_reachable(&av, D(c->on), c->minute, c->usual, &m),
				 c->found);
		assert_int_equal(m.date, D(c->date));
		assert_int_equal(m.minute, c->at);
		assert_int_equal(m.slot, c->slot);
		assert_int_equal(m.professional_id, week[c->slot].professional_id);
	}
}

static void test_next_horizon_and_preference(void **state)
{
	(void)state;
	/* Only Dr Martin, Monday 08:00–12:00. */
	const struct team_availability only = {week, 1, NULL, 0};
	struct team_moment m = {0};
	assert_true(team_next_reachable(&only, D("2026-11-23"), 12 * 60, 0, &m));
	assert_int_equal(m.date, D("2026-11-30"));
	assert_int_equal(m.minute, 8 * 60);
	/* Absent on Monday 23/11 and searching from 08:00 that day: 30/11 08:00 is exactly
	 * 7 days later, still inside the horizon. */
	struct team_absence a = {1, D("2026-11-23"), D("2026-11-23")};
	struct team_availability av = {week, 1, &a, 1};
	assert_true(team_next_reachable(&av, D("2026-11-23"), 8 * 60, 0, &m));
	assert_int_equal(m.date, D("2026-11-30"));
	assert_int_equal(m.minute, 8 * 60);
	/* One minute earlier, 30/11 08:00 is 7 days and one minute away: out of the horizon. */
	m.slot = 99;
	assert_false(team_next_reachable(&av, D("2026-11-23"), 8 * 60 - 1, 0, &m));
	assert_int_equal(m.slot, 99); /* untouched */
	/* Absent on 30/11 too: the next slot is 07/12, beyond 7 days. */
	a.to = D("2026-11-30");
	assert_false(team_next_reachable(&av, D("2026-11-23"), 8 * 60, 0, &m));
	/* Nobody at all, minutes out of range. */
	const struct team_availability none = {NULL, 0, NULL, 0};
	assert_false(team_next_reachable(&none, D("2026-11-23"), 0, 0, &m));
	assert_false(team_next_reachable(&only, D("2026-11-23"), -1, 0, &m));
	assert_false(team_next_reachable(&only, D("2026-11-23"), 1440, 0, &m));

	/* Two slots starting together on Tuesday 09:00: the usual one, else array order. */
	const struct team_slot tuesday[] = {
		{4, 1, 9 * 60, 10 * 60, "Dr A", NULL},
		{5, 1, 9 * 60, 11 * 60, "Dr B", NULL},
	};
	const struct team_availability two = {tuesday, 2, NULL, 0};
	assert_true(team_next_reachable(&two, D("2026-11-23"), 0, 0, &m));
	assert_int_equal(m.slot, 0);
	assert_int_equal(m.date, D("2026-11-24"));
	assert_int_equal(m.minute, 9 * 60);
	assert_true(team_next_reachable(&two, D("2026-11-23"), 0, 5, &m));
	assert_int_equal(m.slot, 1);
	assert_int_equal(m.professional_id, 5);
}

static void test_next_across_week_wrap(void **state)
{
	(void)state;
	/* Saturday 23:00 → Sunday 01:00, searched from Saturday afternoon, from Sunday 00:30
	 * (inside its after-midnight part) and from Sunday 01:00 (a week later). */
	const struct team_slot sat = {8, 5, 23 * 60, 60, "Dr Nuit", NULL};
	const struct team_availability av = {&sat, 1, NULL, 0};
	struct team_moment m = {0};
	assert_true(team_next_reachable(&av, D("2026-11-28"), 15 * 60, 0, &m));
	assert_int_equal(m.date, D("2026-11-28"));
	assert_int_equal(m.minute, 23 * 60);
	assert_true(team_next_reachable(&av, D("2026-11-29"), 30, 0, &m));
	assert_int_equal(m.date, D("2026-11-29"));
	assert_int_equal(m.minute, 30);
	assert_true(team_next_reachable(&av, D("2026-11-29"), 60, 0, &m));
	assert_int_equal(m.date, D("2026-12-05"));
	assert_int_equal(m.minute, 23 * 60);
	/* Sunday 6 → Monday 0 wrap with the Sunday evening missed by an absence: Monday 00:00. */
	const struct team_slot sun = {9, 6, 22 * 60, 2 * 60, "Dr Garde", NULL};
	const struct team_absence abs = {9, D("2026-11-29"), D("2026-11-29")};
	const struct team_availability av2 = {&sun, 1, &abs, 1};
	assert_true(team_next_reachable(&av2, D("2026-11-29"), 12 * 60, 0, &m));
	assert_int_equal(m.date, D("2026-11-30"));
	assert_int_equal(m.minute, 0);
}

/* True when s is well-formed UTF-8. */
static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
		if (n == 0)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static void test_reach_message(void **state)
{
	(void)state;
	char buf[TEAM_MESSAGE_MAX];
	const struct team_availability av = {week, N_WEEK, NULL, 0};
	assert_true(team_reach_message(&av, D("2026-11-23"), 9 * 60, 0, buf, sizeof(buf)));
	assert_string_equal(buf, "Délégant joignable maintenant : Dr Martin (06 11 22 33 44)");
	assert_true(team_reach_message(&av, D("2026-11-23"), 13 * 60, 0, buf, sizeof(buf)));
	assert_string_equal(buf, "Délégant joignable maintenant : Dr Bernard");
	assert_false(team_reach_message(&av, D("2026-11-23"), 18 * 60, 0, buf, sizeof(buf)));
	assert_string_equal(buf, "Aucun délégant joignable maintenant ; prochain : Dr Petit, "
				 "dimanche 29/11/2026 à 20:00 (06 99 88 77 66)");

	const struct team_slot tuesday = {42, 1, 8 * 60, 12 * 60, "Dr X", NULL};
	const struct team_availability one = {&tuesday, 1, NULL, 0};
	assert_false(team_reach_message(&one, D("2026-11-23"), 18 * 60, 0, buf, sizeof(buf)));
	assert_string_equal(
		buf,
		"Aucun délégant joignable maintenant ; prochain : Dr X, mardi 24/11/2026 à 08:00");

	const struct team_slot anonymous = {42, 1, 8 * 60 + 5, 12 * 60, NULL, ""};
	const struct team_availability anon = {&anonymous, 1, NULL, 0};
	assert_false(team_reach_message(&anon, D("2026-11-24"), 8 * 60, 0, buf, sizeof(buf)));
	assert_string_equal(buf, "Aucun délégant joignable maintenant ; prochain : délégant n° 42, "
				 "mardi 24/11/2026 à 08:05");

	const struct team_availability none = {NULL, 0, NULL, 0};
	assert_false(team_reach_message(&none, D("2026-11-23"), 0, 0, buf, sizeof(buf)));
	assert_string_equal(buf,
			    "Aucun délégant joignable maintenant ni dans les 7 prochains jours");
}

static void test_reach_message_truncation(void **state)
{
	(void)state;
	/* A name made of "é" (2 bytes each) cut at every buffer size: always valid UTF-8, always
	 * within the buffer, never empty beyond size 1. */
	char name[401];
	for (size_t i = 0; i < 200; i++)
		memcpy(name + 2 * i, "é", 2);
	name[400] = '\0';
	const struct team_slot slot = {1, 0, 0, 0, name, NULL};
	const struct team_availability av = {&slot, 1, NULL, 0};
	for (size_t n = 1; n < 80; n++) {
		char buf[80];
		memset(buf, 'x', sizeof(buf));
		assert_true(team_reach_message(&av, D("2026-11-23"), 60, 0, buf, n));
		assert_true(strlen(buf) < n);
		assert_true(valid_utf8(buf));
		assert_int_equal(buf[n], 'x'); /* nothing written past the buffer */
		if (n > 40)
			assert_true(strlen(buf) >= n - 2);
	}
}

/* The same adhesion (person, protocol, role, overlapping dates) is not recorded twice. */
static void test_adhesions_overlap(void **state)
{
	(void)state;
	struct team_adhesion a = base_delegue(), b = base_delegue();
	a.effective_from = D("2025-01-01");
	a.has_effective_to = false;
	b.effective_from = D("2026-03-01");
	b.has_effective_to = false;
	assert_true(team_adhesions_overlap(&a, &b)); /* both open-ended */
	assert_true(team_adhesions_overlap(&b, &a));
	a.has_effective_to = true;
	a.effective_to = D("2026-03-01"); /* ends the day b begins: successive */
	assert_false(team_adhesions_overlap(&a, &b));
	assert_false(team_adhesions_overlap(&b, &a));
	a.effective_to = D("2026-03-02"); /* one day in common */
	assert_true(team_adhesions_overlap(&a, &b));
	b.has_effective_to = true;
	b.effective_to = D("2026-06-01");
	a.effective_from = D("2026-06-01"); /* a after b */
	a.effective_to = D("2026-09-01");
	assert_false(team_adhesions_overlap(&a, &b));
	a.effective_from = D("2026-05-31");
	assert_true(team_adhesions_overlap(&a, &b));
	assert_true(team_adhesions_overlap(&a, &a)); /* the very same */
	b.role = TEAM_ROLE_DELEGANT; /* another role: another adhesion */
	assert_false(team_adhesions_overlap(&a, &b));
	b.role = a.role;
	b.professional_id = a.professional_id + 1; /* another person */
	assert_false(team_adhesions_overlap(&a, &b));
}

/* ---- Which adhesion speaks for a person ---- */

static struct team_adhesion ended_2025(void)
{
	struct team_adhesion a = base_delegue();
	a.effective_from = D("2025-01-01");
	a.has_effective_to = true;
	a.effective_to = D("2025-06-01");
	a.training_date = D("2024-12-01");
	a.insurance_date = D("2024-12-01");
	a.engagement_date = D("2024-12-01");
	return a;
}

static struct team_adhesion ended_2024(void)
{
	struct team_adhesion a = ended_2025();
	a.effective_from = D("2024-01-01");
	a.effective_to = D("2024-06-01");
	a.training_date = D("2023-12-01");
	a.insurance_date = D("2023-12-01");
	a.engagement_date = D("2023-12-01");
	return a;
}

static struct team_adhesion from_2027(void)
{
	struct team_adhesion a = base_delegue();
	a.effective_from = D("2027-01-01");
	return a;
}

static struct team_adhesion current_uninsured(void)
{
	struct team_adhesion a = base_delegue();
	a.insurance_declared = false;
	return a;
}

static struct team_adhesion uninsured_until_2027(void)
{
	struct team_adhesion a = current_uninsured();
	a.has_effective_to = true;
	a.effective_to = D("2027-01-01");
	return a;
}

static struct team_adhesion delegant_in_order(void)
{
	struct team_adhesion a = base_delegue();
	as_delegant(&a);
	return a;
}

#define MAX_PICK 4

struct pick_case {
	const char *name;
	struct team_adhesion (*list[MAX_PICK])(void); /* NULL-terminated */
	enum team_role role;
	uint64_t allowed;
	size_t expected;
};

static const struct pick_case pick_cases[] = {
	{"one adhesion in order", {base_delegue}, TEAM_ROLE_DELEGUE, NURSE, 0},
	{"the one in order rather than one that ended", {ended_2025, base_delegue},
	 TEAM_ROLE_DELEGUE, NURSE, 1},
	{"the one holding today, blocked, rather than one that ended", {ended_2025,
	 current_uninsured}, TEAM_ROLE_DELEGUE, NURSE, 1},
	{"the same in the other order", {current_uninsured, ended_2025}, TEAM_ROLE_DELEGUE, NURSE,
	 0},
	{"the one in order rather than one holding today but blocked",
	 {current_uninsured, base_delegue}, TEAM_ROLE_DELEGUE, NURSE, 1},
	{"the one holding today, blocked, rather than one to come", {uninsured_until_2027,
	 from_2027}, TEAM_ROLE_DELEGUE, NURSE, 0},
	{"none holds today: the latest to begin", {ended_2025, from_2027}, TEAM_ROLE_DELEGUE,
	 NURSE, 1},
	{"the same in the other order", {from_2027, ended_2025}, TEAM_ROLE_DELEGUE, NURSE, 0},
	{"two that ended: the latest", {ended_2024, ended_2025}, TEAM_ROLE_DELEGUE, NURSE, 1},
	{"the same in the other order", {ended_2025, ended_2024}, TEAM_ROLE_DELEGUE, NURSE, 0},
	{"profession no longer allowed: still the one holding today",
	 {ended_2025, base_delegue}, TEAM_ROLE_DELEGUE, PHARMACIST, 1},
	{"only the other role: that one (the check says so)", {delegant_in_order},
	 TEAM_ROLE_DELEGUE, NURSE, 0},
	{"one that ended in the role rather than one in order in the other role",
	 {delegant_in_order, ended_2025}, TEAM_ROLE_DELEGUE, UINT64_MAX, 1},
	{"the délégant one for the délégant role", {base_delegue, delegant_in_order},
	 TEAM_ROLE_DELEGANT, PHYSICIAN, 1},
	{"equals: the first in array order", {base_delegue, base_delegue, base_delegue},
	 TEAM_ROLE_DELEGUE, NURSE, 0},
};

static void test_pick_adhesion(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pick_cases) / sizeof(pick_cases[0]); i++) {
		const struct pick_case *c = &pick_cases[i];
		struct team_adhesion list[MAX_PICK];
		size_t n = 0;
		while (n < MAX_PICK && c->list[n]) {
			list[n] = c->list[n]();
			n++;
		}
		size_t got = SIZE_MAX;
		print_message("case: %s\n", c->name);
		assert_true(team_pick_adhesion(list, n, c->role, D("2026-11-24"), c->allowed, &got));
		assert_int_equal(got, c->expected);
	}
	size_t untouched = 42;
	assert_false(team_pick_adhesion(NULL, 0, TEAM_ROLE_DELEGUE, D("2026-11-24"), NURSE,
					&untouched));
	assert_int_equal(untouched, 42);
}

/* ---- Declarations ---- */

static struct team_declarations base_declarations(void)
{
	struct team_declarations d = {
		.effective_from = D("2026-01-01"),
		.insurer = "MACSF",
		.has_insurance_date = true,
		.insurance_date = D("2025-12-10"),
		.has_engagement_date = true,
		.engagement_date = D("2025-12-01"),
	};
	return d;
}

static void d_keep(struct team_declarations *d)
{
	(void)d;
}
static void d_ends_on_start(struct team_declarations *d)
{
	d->has_effective_to = true;
	d->effective_to = d->effective_from;
}
static void d_ends_before_start(struct team_declarations *d)
{
	d->has_effective_to = true;
	d->effective_to = d->effective_from - 1;
}
static void d_ends_next_day(struct team_declarations *d)
{
	d->has_effective_to = true;
	d->effective_to = d->effective_from + 1;
}
static void d_insured_today(struct team_declarations *d)
{
	d->insurance_date = D("2026-11-25");
}
static void d_insured_tomorrow(struct team_declarations *d)
{
	d->insurance_date = D("2026-11-26");
}
static void d_engaged_today(struct team_declarations *d)
{
	d->engagement_date = D("2026-11-25");
}
static void d_engaged_tomorrow(struct team_declarations *d)
{
	d->engagement_date = D("2026-11-26");
}
static void d_insurer_spaces(struct team_declarations *d)
{
	d->insurer = " \t \r\n";
}
static void d_insurer_empty(struct team_declarations *d)
{
	d->insurer = "";
}
static void d_insurer_none(struct team_declarations *d)
{
	d->insurer = NULL;
}
static void d_no_insurance_date(struct team_declarations *d)
{
	d->has_insurance_date = false;
}
static void d_no_insurance(struct team_declarations *d)
{
	d->insurer = NULL;
	d->has_insurance_date = false;
}
static void d_no_engagement(struct team_declarations *d)
{
	d->has_engagement_date = false;
}
static void d_everything_wrong(struct team_declarations *d)
{
	d_ends_before_start(d);
	d_insured_tomorrow(d);
	d_engaged_tomorrow(d);
	d_insurer_spaces(d);
}
static void d_future_and_blank(struct team_declarations *d)
{
	d_engaged_tomorrow(d);
	d_insurer_spaces(d);
}

struct declarations_case {
	const char *name;
	void (*edit)(struct team_declarations *);
	enum team_refusal refusal;
	const char *message; /* NULL: not compared */
};

static const struct declarations_case declarations_cases[] = {
	{"all in order", d_keep, TEAM_REFUSAL_NONE, ""},
	{"ends the day it begins", d_ends_on_start, TEAM_REFUSAL_END_NOT_AFTER_START,
	 "La fin de l'adhésion doit suivre son début : indiquez le premier jour où le "
	 "professionnel n'est plus membre."},
	{"ends before it begins", d_ends_before_start, TEAM_REFUSAL_END_NOT_AFTER_START, NULL},
	{"ends the next day", d_ends_next_day, TEAM_REFUSAL_NONE, ""},
	{"attestation dated today", d_insured_today, TEAM_REFUSAL_NONE, ""},
	{"attestation dated tomorrow", d_insured_tomorrow, TEAM_REFUSAL_INSURANCE_FUTURE,
	 "La date de l'attestation d'assurance ne peut pas être dans le futur : indiquez la date "
	 "qui figure sur l'attestation."},
	{"engagement signed today", d_engaged_today, TEAM_REFUSAL_NONE, ""},
	{"engagement signed tomorrow", d_engaged_tomorrow, TEAM_REFUSAL_ENGAGEMENT_FUTURE, NULL},
	{"insurer of blanks", d_insurer_spaces, TEAM_REFUSAL_INSURER_BLANK,
	 "Indiquez le nom de l'assureur."},
	{"insurer empty", d_insurer_empty, TEAM_REFUSAL_INSURER_BLANK, NULL},
	{"attestation date without insurer", d_insurer_none, TEAM_REFUSAL_INSURER_MISSING, NULL},
	{"insurer without attestation date", d_no_insurance_date,
	 TEAM_REFUSAL_INSURANCE_DATE_MISSING, NULL},
	{"no insurance declared yet", d_no_insurance, TEAM_REFUSAL_NONE, ""},
	{"no engagement yet", d_no_engagement, TEAM_REFUSAL_NONE, ""},
	{"several wrong: the dates of membership first", d_everything_wrong,
	 TEAM_REFUSAL_END_NOT_AFTER_START, NULL},
	{"a date in the future before a blank insurer", d_future_and_blank,
	 TEAM_REFUSAL_ENGAGEMENT_FUTURE, NULL},
};

static void test_declarations(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(declarations_cases) / sizeof(declarations_cases[0]); i++) {
		const struct declarations_case *c = &declarations_cases[i];
		struct team_declarations d = base_declarations();
		c->edit(&d);
		struct team_decision r;
		memset(&r, 0x5a, sizeof(r));
		print_message("case: %s\n", c->name);
		bool ok = team_check_declarations(&d, D("2026-11-25"), &r);
		assert_int_equal(ok, c->refusal == TEAM_REFUSAL_NONE);
		assert_int_equal(r.ok, ok);
		assert_int_equal(r.refusal, c->refusal);
		if (c->message)
			assert_string_equal(r.message, c->message);
		assert_true(ok ? r.message[0] == '\0' : r.message[0] != '\0');
	}
}

/* ---- A new adhesion ---- */

static void test_new_adhesion(void **state)
{
	(void)state;
	const coop_date today = D("2026-11-25");
	struct team_declarations d = base_declarations();
	struct team_adhesion wanted = base_delegue();
	struct team_decision r;

	assert_true(team_check_new_adhesion(&wanted, &d, NURSE, NULL, 0, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_NONE);

	/* the profession: known first, whatever is allowed */
	wanted.profession = PROF_UNKNOWN;
	assert_false(team_check_new_adhesion(&wanted, &d, UINT64_MAX, NULL, 0, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_PROFESSION_UNKNOWN);
	assert_string_equal(r.message, "La profession de ce professionnel n'est pas reconnue : "
				       "corrigez sa fiche avant de l'inscrire dans un protocole.");
	wanted.profession = PROF_COUNT;
	assert_false(team_check_new_adhesion(&wanted, &d, UINT64_MAX, NULL, 0, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_PROFESSION_UNKNOWN);
	struct team_adhesion zeroed;
	memset(&zeroed, 0, sizeof(zeroed)); /* zeroed memory names no profession */
	zeroed.professional_id = 11;
	assert_false(team_check_new_adhesion(&zeroed, &d, UINT64_MAX, NULL, 0, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_PROFESSION_UNKNOWN);

	/* then allowed by the version in force on the first day */
	wanted.profession = PROF_PHARMACIEN;
	assert_false(team_check_new_adhesion(&wanted, &d, NURSE, NULL, 0, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_PROFESSION_NOT_ALLOWED);
	assert_string_equal(r.message, "La version du protocole en vigueur à cette date n'autorise "
				       "pas la profession « Pharmacien » comme délégué.");
	assert_true(team_check_new_adhesion(&wanted, &d, NURSE | PHARMACIST, NULL, 0, today, &r));
	wanted = base_delegue();

	/* then the declarations */
	d.insurance_date = D("2026-11-26");
	assert_false(team_check_new_adhesion(&wanted, &d, NURSE, NULL, 0, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_INSURANCE_FUTURE);
	d = base_declarations();

	/* then the other adhesions of the same person to that protocol */
	struct team_adhesion others[2] = {ended_2025(), delegant_in_order()};
	assert_true(team_check_new_adhesion(&wanted, &d, NURSE, others, 2, today, &r));
	others[0].effective_to = D("2026-01-02"); /* one day in common */
	assert_false(team_check_new_adhesion(&wanted, &d, NURSE, others, 2, today, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_DUPLICATE);
	assert_string_equal(r.message,
			    "Ce professionnel adhère déjà à ce protocole comme délégué sur des dates "
			    "qui chevauchent celles-ci (depuis le 01/01/2025, fin le 02/01/2026) : "
			    "modifiez cette adhésion-là plutôt que d'en enregistrer une seconde.");
	others[0].has_effective_to = false;
	assert_false(team_check_no_duplicate(&wanted, others, 2, &r));
	assert_string_equal(r.message,
			    "Ce professionnel adhère déjà à ce protocole comme délégué sur des dates "
			    "qui chevauchent celles-ci (depuis le 01/01/2025) : modifiez cette "
			    "adhésion-là plutôt que d'en enregistrer une seconde.");
	assert_true(team_check_no_duplicate(&wanted, &others[1], 1, &r)); /* the other role */
	assert_true(r.ok);
	assert_string_equal(r.message, "");
}

/* ---- Validating a délégué's training ---- */

struct training_fixture {
	struct team_adhesion trainee, mine;
	struct team_training_validation v;
};

/* Dr 7, délégant in order since 01/06/2025, validates on 20/11/2026 the 7 hours of nurse 11
 * (adoption 5); today is 25/11/2026. */
static void training_base(struct training_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->trainee = base_delegue();
	f->trainee.adoption_id = 5;
	f->trainee.training_validated = false;
	f->trainee.training_validated_by = 0;
	f->mine = delegant_in_order();
	f->mine.professional_id = 7;
	f->mine.adoption_id = 5;
	f->mine.effective_from = D("2025-06-01");
	f->mine.insurance_date = D("2025-05-01");
	f->mine.engagement_date = D("2025-05-01");
	f->v = (struct team_training_validation){.trainee = &f->trainee,
						 .validator = 7,
						 .validator_adhesion = &f->mine,
						 .validator_allowed = PHYSICIAN,
						 .date = D("2026-11-20"),
						 .hours = 7,
						 .today = D("2026-11-25")};
}

static void t_keep(struct training_fixture *f)
{
	(void)f;
}
static void t_no_hours(struct training_fixture *f)
{
	f->v.hours = 0;
}
static void t_negative_hours(struct training_fixture *f)
{
	f->v.hours = -7;
}
static void t_max_hours(struct training_fixture *f)
{
	f->v.hours = TEAM_TRAINING_HOURS_MAX;
}
static void t_too_many_hours(struct training_fixture *f)
{
	f->v.hours = TEAM_TRAINING_HOURS_MAX + 0.5;
}
static void t_nan_hours(struct training_fixture *f)
{
	f->v.hours = 0.0 / 0.0;
}
static void t_today(struct training_fixture *f)
{
	f->v.date = f->v.today;
}
static void t_tomorrow(struct training_fixture *f)
{
	f->v.date = f->v.today + 1;
}
static void t_trainee_delegant(struct training_fixture *f)
{
	f->trainee.role = TEAM_ROLE_DELEGANT;
}
static void t_trainee_unknown_profession(struct training_fixture *f)
{
	f->trainee.profession = PROF_UNKNOWN;
}
static void t_self(struct training_fixture *f)
{
	/* the délégué validating their own training with a délégant adhesion of their own */
	f->v.validator = f->trainee.professional_id;
	f->mine.professional_id = f->trainee.professional_id;
}
static void t_no_professional(struct training_fixture *f)
{
	/* an account without professional record, with an adhesion that names nobody */
	f->v.validator = 0;
	f->mine.professional_id = 0;
}
static void t_no_adhesion(struct training_fixture *f)
{
	f->v.validator_adhesion = NULL;
}
static void t_validator_delegue(struct training_fixture *f)
{
	f->mine.role = TEAM_ROLE_DELEGUE;
}
static void t_other_protocol(struct training_fixture *f)
{
	f->mine.adoption_id = 6;
}
static void t_someone_elses_adhesion(struct training_fixture *f)
{
	f->mine.professional_id = 8;
}
static void t_validator_uninsured(struct training_fixture *f)
{
	f->mine.insurance_declared = false;
}
static void t_validator_not_allowed(struct training_fixture *f)
{
	f->v.validator_allowed = NURSE;
}
static void t_validator_left(struct training_fixture *f)
{
	f->mine.has_effective_to = true;
	f->mine.effective_to = D("2026-11-25");
}
static void t_before_validator(struct training_fixture *f)
{
	f->v.date = D("2025-05-31");
}
static void t_validator_first_day(struct training_fixture *f)
{
	f->v.date = D("2025-06-01");
}
static void t_self_and_no_hours(struct training_fixture *f)
{
	t_self(f);
	t_no_hours(f);
}
static void t_self_and_tomorrow(struct training_fixture *f)
{
	t_self(f);
	t_tomorrow(f);
}

struct training_case {
	const char *name;
	void (*edit)(struct training_fixture *);
	enum team_refusal refusal;
	const char *message; /* NULL: not compared */
};

static const struct training_case training_cases[] = {
	{"a délégant in order validates", t_keep, TEAM_REFUSAL_NONE, ""},
	{"no hours", t_no_hours, TEAM_REFUSAL_TRAINING_HOURS,
	 "Indiquez la durée de la formation en heures (un nombre positif, au plus 1000)."},
	{"negative hours", t_negative_hours, TEAM_REFUSAL_TRAINING_HOURS, NULL},
	{"the most hours", t_max_hours, TEAM_REFUSAL_NONE, ""},
	{"more than the most hours", t_too_many_hours, TEAM_REFUSAL_TRAINING_HOURS, NULL},
	{"hours not a number", t_nan_hours, TEAM_REFUSAL_TRAINING_HOURS, NULL},
	{"validated today", t_today, TEAM_REFUSAL_NONE, ""},
	{"validated tomorrow", t_tomorrow, TEAM_REFUSAL_TRAINING_FUTURE,
	 "La formation ne peut pas être validée à une date future. Indiquez le jour où vous "
	 "l'avez validée."},
	{"a délégant's adhesion", t_trainee_delegant, TEAM_REFUSAL_TRAINING_NOT_DELEGUE, NULL},
	{"a délégué of unknown profession", t_trainee_unknown_profession,
	 TEAM_REFUSAL_PROFESSION_UNKNOWN, NULL},
	{"the délégué themselves", t_self, TEAM_REFUSAL_TRAINING_SELF,
	 "Un professionnel ne peut pas valider sa propre formation : un autre délégant du "
	 "protocole doit la valider."},
	{"an account without professional", t_no_professional,
	 TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT,
	 "Seul un délégant de ce protocole peut valider la formation de ses délégués."},
	{"no adhesion to the protocol", t_no_adhesion, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT, NULL},
	{"adheres as délégué only", t_validator_delegue, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT,
	 NULL},
	{"délégant of another protocol", t_other_protocol, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT,
	 NULL},
	{"someone else's adhesion", t_someone_elses_adhesion, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT,
	 NULL},
	{"délégant without insurance", t_validator_uninsured, TEAM_REFUSAL_VALIDATOR_BLOCKED,
	 "Assurance non déclarée"},
	{"délégant whose profession the version no longer allows", t_validator_not_allowed,
	 TEAM_REFUSAL_VALIDATOR_BLOCKED, NULL},
	{"délégant who left the team today", t_validator_left, TEAM_REFUSAL_VALIDATOR_BLOCKED,
	 "Adhésion terminée (dernier jour : 24/11/2026)"},
	{"dated before the délégant's adhesion", t_before_validator,
	 TEAM_REFUSAL_TRAINING_BEFORE_VALIDATOR, NULL},
	{"dated the délégant's first day", t_validator_first_day, TEAM_REFUSAL_NONE, ""},
	{"hours first", t_self_and_no_hours, TEAM_REFUSAL_TRAINING_HOURS, NULL},
	{"a future date before self-validation", t_self_and_tomorrow, TEAM_REFUSAL_TRAINING_FUTURE,
	 NULL},
};

static void test_training_validation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(training_cases) / sizeof(training_cases[0]); i++) {
		const struct training_case *c = &training_cases[i];
		struct training_fixture f;
		training_base(&f);
		c->edit(&f);
		struct team_decision r;
		memset(&r, 0x5a, sizeof(r));
		print_message("case: %s\n", c->name);
		bool ok = team_may_validate_training(&f.v, &r);
		assert_int_equal(ok, c->refusal == TEAM_REFUSAL_NONE);
		assert_int_equal(r.ok, ok);
		assert_int_equal(r.refusal, c->refusal);
		if (c->message)
			assert_string_equal(r.message, c->message);
		assert_true(ok ? r.message[0] == '\0' : r.message[0] != '\0');
	}
}

/* A délégant in good standing: an adhesion as délégant that passes the check. */
static void test_delegant_in_standing(void **state)
{
	(void)state;
	const coop_date today = D("2026-11-25");
	struct team_adhesion mine = delegant_in_order();
	struct team_decision r;
	memset(&r, 0x5a, sizeof(r));
	assert_true(team_delegant_in_standing(&mine, today, PHYSICIAN, &r));
	assert_true(r.ok);
	assert_int_equal(r.refusal, TEAM_REFUSAL_NONE);
	assert_string_equal(r.message, "");

	assert_false(team_delegant_in_standing(NULL, today, PHYSICIAN, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT);
	assert_string_equal(r.message, "Seul un délégant de ce protocole peut faire cela.");

	struct team_adhesion delegue = base_delegue(); /* adheres, as délégué only */
	assert_false(team_delegant_in_standing(&delegue, today, UINT64_MAX, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT);

	mine.has_effective_to = true; /* left the team yesterday evening */
	mine.effective_to = today;
	assert_false(team_delegant_in_standing(&mine, today, PHYSICIAN, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_VALIDATOR_BLOCKED);
	assert_string_equal(r.message, "Adhésion terminée (dernier jour : 24/11/2026)");
	mine.has_effective_to = false;
	assert_false(team_delegant_in_standing(&mine, today, NURSE, &r)); /* no longer allowed */
	assert_int_equal(r.refusal, TEAM_REFUSAL_VALIDATOR_BLOCKED);
	mine.profession = PROF_UNKNOWN;
	assert_false(team_delegant_in_standing(&mine, today, UINT64_MAX, &r));
	assert_int_equal(r.refusal, TEAM_REFUSAL_VALIDATOR_BLOCKED);
}

/* ---- The unknown profession ---- */

static void test_unknown_profession(void **state)
{
	(void)state;
	enum profession p = PROF_INFIRMIER;
	assert_int_equal(PROF_UNKNOWN, 0);
	assert_false(profession_parse("?", &p));
	assert_false(profession_parse("", &p));
	assert_false(profession_parse(NULL, &p));
	assert_false(profession_parse("sorcier", &p));
	assert_int_equal(p, PROF_INFIRMIER); /* untouched */
	assert_int_equal(profession_of("sorcier"), PROF_UNKNOWN);
	assert_int_equal(profession_of(NULL), PROF_UNKNOWN);
	assert_int_equal(profession_of("?"), PROF_UNKNOWN);
	assert_int_equal(profession_of("medecin"), PROF_MEDECIN);
	/* every known code parses back to itself, none to PROF_UNKNOWN */
	for (int i = PROF_UNKNOWN + 1; i < PROF_COUNT; i++) {
		assert_true(profession_parse(profession_code((enum profession)i), &p));
		assert_int_equal(p, i);
		assert_int_not_equal(team_profession_bit((enum profession)i), 0);
	}
	assert_true(PROF_COUNT <= 64); /* each known profession has a bit of a uint64_t set */
	assert_string_equal(profession_code(PROF_UNKNOWN), "?");
	assert_string_equal(profession_label_fr(PROF_UNKNOWN), "Profession inconnue");
	assert_int_equal(team_profession_bit(PROF_UNKNOWN), 0);

	/* the adhesion check refuses it, whatever the version allows */
	struct team_adhesion a = base_delegue();
	a.profession = PROF_UNKNOWN;
	struct team_check r;
	assert_false(team_check_adhesion(&a, TEAM_ROLE_DELEGUE, D("2026-11-24"), UINT64_MAX, &r));
	assert_int_equal(r.blockers, BIT(TEAM_BLOCKER_PROFESSION_NOT_ALLOWED));
	assert_string_equal(r.message, "Profession inconnue : indiquez la profession du "
				       "professionnel pour qu'il puisse agir comme délégué");

	/* structure types: a failed parse leaves the output untouched */
	enum structure_type st = STRUCT_CPTS;
	assert_false(structure_type_parse(NULL, &st));
	assert_false(structure_type_parse("msp", &st));
	assert_int_equal(st, STRUCT_CPTS);
	assert_true(structure_type_parse("MSP", &st));
	assert_int_equal(st, STRUCT_MSP);
}

static void test_refusal_codes(void **state)
{
	(void)state;
	for (int i = 0; i < TEAM_REFUSAL_COUNT; i++) {
		assert_string_not_equal(team_refusal_code((enum team_refusal)i), "?");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(team_refusal_code((enum team_refusal)i),
						team_refusal_code((enum team_refusal)j));
	}
	assert_string_equal(team_refusal_code(TEAM_REFUSAL_TRAINING_SELF),
			    "training_self_validated");
	assert_string_equal(team_refusal_code(TEAM_REFUSAL_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adhesion_cases),
		cmocka_unit_test(test_no_adhesion),
		cmocka_unit_test(test_version_change_june_2024),
		cmocka_unit_test(test_first_blocker_and_active),
		cmocka_unit_test(test_codes_and_labels),
		cmocka_unit_test(test_profession_feminine),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_reachable_now),
		cmocka_unit_test(test_whole_day_and_24h_slots),
		cmocka_unit_test(test_absences),
		cmocka_unit_test(test_contact_now),
		cmocka_unit_test(test_next_reachable),
		cmocka_unit_test(test_next_horizon_and_preference),
		cmocka_unit_test(test_next_across_week_wrap),
		cmocka_unit_test(test_reach_message),
		cmocka_unit_test(test_reach_message_truncation),
		cmocka_unit_test(test_adhesions_overlap),
		cmocka_unit_test(test_pick_adhesion),
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_new_adhesion),
		cmocka_unit_test(test_training_validation),
		cmocka_unit_test(test_delegant_in_standing),
		cmocka_unit_test(test_unknown_profession),
		cmocka_unit_test(test_refusal_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
