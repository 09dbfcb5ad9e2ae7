/*
 * test_pathway.c — the episode state machine: every state × every action, each refusal rule
 * with its code and French message, the order of the rules, the date windows (revoyure day
 * 0/1/2, second-contact window edges, planning the second contact), the second contact's window
 * as dates, codes, labels and parsers, and one whole episode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/pathway.h"

static coop_date D(const char *s)
{
	coop_date d = 0;
	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

#define NURSE (UINT64_C(1) << PROF_INFIRMIER)
#define PHYSICIAN (UINT64_C(1) << PROF_MEDECIN)

/* A nurse délégué in order since 2025. */
static struct team_adhesion nurse(void)
{
	struct team_adhesion a = {
		.professional_id = 11,
		.profession = PROF_INFIRMIER,
		.role = TEAM_ROLE_DELEGUE,
		.effective_from = D("2025-01-01"),
		.training_validated = true,
		.training_validated_by = 7,
		.training_date = D("2024-12-15"),
		.insurance_declared = true,
		.insurer = "MACSF",
		.insurance_date = D("2024-12-10"),
		.engagement_signed = true,
		.engagement_date = D("2024-12-01"),
	};
	return a;
}

/* A physician délégant in order since 2025. */
static struct team_adhesion physician(void)
{
	struct team_adhesion a = nurse();
	a.professional_id = 7;
	a.profession = PROF_MEDECIN;
	a.role = TEAM_ROLE_DELEGANT;
	a.training_validated = false;
	a.training_validated_by = 0;
	return a;
}

/* Every rule satisfied. Decision on Tuesday 24/11/2026, today is the next day (revoyure day 1);
 * the protocol plans a second contact without a known window (any day after the decision); the
 * date proposed for it is 08/12/2026 (day 14). */
static struct pathway_facts good(enum pathway_state s)
{
	struct pathway_facts f = {
		.state = s,
		.today = D("2026-11-25"),
		.protocol_adopted = true,
		.protocol_in_force = true,
		.protocol_signed = true,
		.structure_type_known = true,
		.structure_type = STRUCT_MSP,
		.has_second_contact = true,
		.patient_in_scope = true,
		.consent_given = true,
		.gp = PATHWAY_GP_IN_TEAM,
		.delegant_reachable = true,
		.reachability_message = "Délégant joignable maintenant : Dr Martin",
		.decision_date = D("2026-11-24"),
		.second_contact_planned = D("2026-12-08"),
		.reason_given = true,
		.urgency_given = true,
		.delegant_called = true,
	};
	struct team_adhesion d = nurse(), g = physician();
	assert_true(team_check_adhesion(&d, TEAM_ROLE_DELEGUE, f.today, NURSE, &f.delegue));
	assert_true(team_check_adhesion(&g, TEAM_ROLE_DELEGANT, f.today, PHYSICIAN,
					&f.revoyure_delegant));
	return f;
}

/* ---- Every state × every action, with every rule satisfied ---- */

#define F PATHWAY_REFUSAL_EPISODE_FINAL
#define W PATHWAY_REFUSAL_WRONG_STATE
#define C PATHWAY_REFUSAL_CONSENT_REQUIRED
#define OK PATHWAY_REFUSAL_NONE

struct cell {
	enum pathway_refusal refusal;
	enum pathway_state next; /* when OK */
};

/* clang-format off */
#define TO(s) {OK, PATHWAY_##s}
#define NO(r) {r, 0}
/* clang-format on */

static const struct cell matrix[PATHWAY_STATE_COUNT][PATHWAY_ACTION_COUNT] = {
	/* propose, orient_to_usual_care, consent_given, consent_refused, start_assessment,
	 * save_answers, record_decision (included), revoyure, plan_second_contact, second_contact,
	 * gp_informed, close, reorient, cancel */
	[PATHWAY_ORIENTATION] = {TO(PROPOSED), TO(USUAL_CARE), NO(W), NO(W), NO(C), NO(C), NO(C),
				 NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), TO(CANCELLED)},
	[PATHWAY_PROPOSED] = {NO(W), TO(USUAL_CARE), TO(CONSENTED), TO(USUAL_CARE), NO(C), NO(C),
			      NO(C), NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), TO(CANCELLED)},
	[PATHWAY_USUAL_CARE] = {NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F),
				NO(F), NO(F), NO(F), NO(F), NO(F)},
	[PATHWAY_CONSENTED] = {NO(W), TO(USUAL_CARE), NO(W), TO(USUAL_CARE), TO(ASSESSING), NO(W),
			       NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), TO(CANCELLED)},
	[PATHWAY_ASSESSING] = {NO(W), TO(USUAL_CARE), NO(W), TO(USUAL_CARE), NO(W), TO(ASSESSING),
			       TO(INCLUDED), NO(W), NO(W), NO(W), NO(W), NO(W), TO(EXCLUDED),
			       TO(CANCELLED)},
	[PATHWAY_INCLUDED] = {NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), TO(INCLUDED),
			      TO(INCLUDED), TO(FOLLOW_UP), TO(INCLUDED), TO(FOLLOW_UP), NO(W), NO(W)},
	[PATHWAY_EXCLUDED] = {NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), TO(EXCLUDED), NO(W),
			      NO(W), TO(EXCLUDED), TO(CLOSED), NO(W), NO(W)},
	[PATHWAY_FOLLOW_UP] = {NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), NO(W), TO(FOLLOW_UP),
			       TO(FOLLOW_UP), TO(FOLLOW_UP), TO(FOLLOW_UP), TO(CLOSED), NO(W), NO(W)},
	[PATHWAY_CLOSED] = {NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F),
			    NO(F), NO(F), NO(F), NO(F)},
	[PATHWAY_CANCELLED] = {NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F), NO(F),
			       NO(F), NO(F), NO(F), NO(F), NO(F)},
};

static void test_every_state_and_action(void **state)
{
	(void)state;
	int allowed = 0, refused = 0;
	for (int s = 0; s < PATHWAY_STATE_COUNT; s++) {
		for (int a = 0; a < PATHWAY_ACTION_COUNT; a++) {
			const struct cell *c = &matrix[s][a];
			struct pathway_facts f = good((enum pathway_state)s);
			struct pathway_result r;
			memset(&r, 0x5a, sizeof(r));
			bool ok = pathway_step(&f, (enum pathway_action)a, PATHWAY_OUTCOME_INCLUDED,
					       &r);
			print_message("%s × %s\n", pathway_state_code((enum pathway_state)s),
				      pathway_action_code((enum pathway_action)a));
			assert_int_equal(r.refusal, c->refusal);
			assert_int_equal(ok, c->refusal == OK);
			assert_int_equal(r.allowed, ok);
			if (ok) {
				assert_int_equal(r.next, c->next);
				assert_string_equal(r.message, "");
				allowed++;
			} else {
				assert_int_equal(r.next, s);
				assert_true(strlen(r.message) > 10);
				refused++;
			}
		}
	}
	assert_int_equal(allowed, 30);
	assert_int_equal(refused, PATHWAY_STATE_COUNT * PATHWAY_ACTION_COUNT - 30);
}

/* ---- Each rule ---- */

/* Edits of the good facts, one per case. */
static void keep(struct pathway_facts *f)
{
	(void)f;
}
static void not_adopted(struct pathway_facts *f)
{
	f->protocol_adopted = false;
}
static void suspended(struct pathway_facts *f)
{
	f->protocol_suspended = true;
}
static void not_in_force(struct pathway_facts *f)
{
	f->protocol_in_force = false;
}
static void not_signed(struct pathway_facts *f)
{
	f->protocol_signed = false;
}
/* The version in force allows maisons and centres de santé; the structure is an ESMS. */
static void esms(struct pathway_facts *f)
{
	f->structure_type = STRUCT_ESMS;
	f->structure_types_allowed = (UINT32_C(1) << STRUCT_MSP) | (UINT32_C(1) << STRUCT_CDS);
}
static void msp_allowed(struct pathway_facts *f)
{
	f->structure_types_allowed = (UINT32_C(1) << STRUCT_MSP) | (UINT32_C(1) << STRUCT_CDS);
}
static void structure_type_unknown(struct pathway_facts *f)
{
	f->structure_type_known = false;
}
static void structure_type_out_of_range(struct pathway_facts *f)
{
	f->structure_type = STRUCT_COUNT;
}
static void esms_not_signed(struct pathway_facts *f)
{
	esms(f);
	not_signed(f);
}
static void esms_out_of_scope(struct pathway_facts *f)
{
	esms(f);
	f->patient_in_scope = false;
}
static void not_adopted_and_suspended(struct pathway_facts *f)
{
	not_adopted(f);
	suspended(f);
}
static void suspended_not_in_force(struct pathway_facts *f)
{
	suspended(f);
	not_in_force(f);
}
static void not_in_force_not_signed(struct pathway_facts *f)
{
	not_in_force(f);
	not_signed(f);
}
static void out_of_scope(struct pathway_facts *f)
{
	f->patient_in_scope = false;
}
static void answers_exclude(struct pathway_facts *f)
{
	f->answers_exclude = true;
}
static void out_of_scope_and_not_signed(struct pathway_facts *f)
{
	out_of_scope(f);
	not_signed(f);
}
static void long_term(struct pathway_facts *f)
{
	f->protocol_long_term = true;
}
static void long_term_no_gp(struct pathway_facts *f)
{
	f->protocol_long_term = true;
	f->gp = PATHWAY_GP_NONE;
}
static void long_term_gp_is_delegant(struct pathway_facts *f)
{
	f->protocol_long_term = true;
	f->delegant_is_gp = true;
}
static void long_term_out_of_scope(struct pathway_facts *f)
{
	long_term(f);
	out_of_scope(f);
}
static void no_consent(struct pathway_facts *f)
{
	f->consent_given = false;
}
static void no_consent_suspended(struct pathway_facts *f)
{
	no_consent(f);
	suspended(f);
}
static void orientation_open_one(struct pathway_facts *f)
{
	f->orientation_open = 1;
	f->orientation_open_label = "Fièvre";
}
static void orientation_open_two(struct pathway_facts *f)
{
	f->orientation_open = 2;
	f->orientation_open_label = "Fièvre";
}
static void orientation_open_no_label(struct pathway_facts *f)
{
	f->orientation_open = 3;
}
static void orientation_open_out_of_scope(struct pathway_facts *f)
{
	orientation_open_one(f);
	f->patient_in_scope = false;
}
static void no_reason(struct pathway_facts *f)
{
	f->reason_given = false;
}
static void referral_emergency(struct pathway_facts *f)
{
	f->referral_known = true;
	f->referral_headline = "Urgence : appeler le 15";
}
static void referral_without_headline(struct pathway_facts *f)
{
	f->referral_known = true;
}
static void no_urgency(struct pathway_facts *f)
{
	f->urgency_given = false;
}
static void no_delegant_called(struct pathway_facts *f)
{
	f->delegant_called = false;
}
static void nothing_for_reorient(struct pathway_facts *f)
{
	no_reason(f);
	no_urgency(f);
	no_delegant_called(f);
}
static void no_urgency_no_delegant(struct pathway_facts *f)
{
	no_urgency(f);
	no_delegant_called(f);
}
static void reorient_while_everything_fails(struct pathway_facts *f)
{
	f->consent_given = false;
	f->protocol_suspended = true;
	f->protocol_in_force = false;
	f->protocol_signed = false;
	f->patient_in_scope = false;
	f->delegant_reachable = false;
	f->gp = PATHWAY_GP_OUTSIDE;
	team_check_adhesion(NULL, TEAM_ROLE_DELEGUE, f->today, NURSE, &f->delegue);
}
static void recheck_delegue(struct pathway_facts *f, struct team_adhesion *a, uint64_t allowed)
{
	team_check_adhesion(a, TEAM_ROLE_DELEGUE, f->today, allowed, &f->delegue);
}
static void untrained_uninsured(struct pathway_facts *f)
{
	struct team_adhesion a = nurse();
	a.training_validated = false;
	a.insurance_declared = false;
	recheck_delegue(f, &a, NURSE);
}
static void uninsured(struct pathway_facts *f)
{
	struct team_adhesion a = nurse();
	a.insurance_declared = false;
	recheck_delegue(f, &a, NURSE);
}
static void unsigned_engagement(struct pathway_facts *f)
{
	struct team_adhesion a = nurse();
	a.engagement_signed = false;
	recheck_delegue(f, &a, NURSE);
}
static void no_adhesion(struct pathway_facts *f)
{
	team_check_adhesion(NULL, TEAM_ROLE_DELEGUE, f->today, NURSE, &f->delegue);
}
static void membership_ended(struct pathway_facts *f)
{
	struct team_adhesion a = nurse();
	a.has_effective_to = true;
	a.effective_to = f->today;
	recheck_delegue(f, &a, NURSE);
}
static void pharmacist_removed(struct pathway_facts *f)
{
	struct team_adhesion a = nurse();
	a.profession = PROF_PHARMACIEN;
	recheck_delegue(f, &a, NURSE);
}
static void delegue_unchecked(struct pathway_facts *f)
{
	memset(&f->delegue, 0, sizeof(f->delegue));
}
static void unreachable(struct pathway_facts *f)
{
	f->delegant_reachable = false;
	f->reachability_message = "Aucun délégant joignable maintenant ; prochain : Dr Martin, "
				  "jeudi 26/11/2026 à 08:00 (06 11 22 33 44)";
}
static void unreachable_silent(struct pathway_facts *f)
{
	f->delegant_reachable = false;
	f->reachability_message = NULL;
}
static void unreachable_uninsured(struct pathway_facts *f)
{
	unreachable(f);
	uninsured(f);
}
static void long_term_uninsured(struct pathway_facts *f)
{
	long_term(f);
	uninsured(f);
}
static void revoyure_by_former_delegant(struct pathway_facts *f)
{
	struct team_adhesion a = physician();
	a.has_effective_to = true;
	a.effective_to = D("2026-11-01");
	team_check_adhesion(&a, TEAM_ROLE_DELEGANT, f->today, PHYSICIAN, &f->revoyure_delegant);
}
static void revoyure_by_a_delegue(struct pathway_facts *f)
{
	struct team_adhesion a = nurse();
	team_check_adhesion(&a, TEAM_ROLE_DELEGANT, f->today, PHYSICIAN, &f->revoyure_delegant);
}
static void revoyure_done(struct pathway_facts *f)
{
	f->revoyure_done = true;
}
static void revoyure_done_day_2(struct pathway_facts *f)
{
	f->revoyure_done = true;
	f->today = f->decision_date + 2;
}
static void day_minus_1(struct pathway_facts *f)
{
	f->today = f->decision_date - 1;
}
static void day_0(struct pathway_facts *f)
{
	f->today = f->decision_date;
}
static void day_1(struct pathway_facts *f)
{
	f->today = f->decision_date + 1;
}
static void day_2(struct pathway_facts *f)
{
	f->today = f->decision_date + 2;
}
static void window_14_28(struct pathway_facts *f)
{
	f->second_contact_has_window = true;
	f->second_contact_from_day = 14;
	f->second_contact_to_day = 28;
}
static void sc_day_13(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 13;
}
static void sc_day_14(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 14;
}
static void sc_day_28(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 28;
}
static void sc_day_29(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 29;
}
static void sc_window_1_7_day_8(struct pathway_facts *f)
{
	f->second_contact_has_window = true;
	f->second_contact_from_day = 1;
	f->second_contact_to_day = 7;
	f->today = f->decision_date + 8;
}
static void no_second_contact(struct pathway_facts *f)
{
	f->has_second_contact = false;
}
static void second_contact_done(struct pathway_facts *f)
{
	f->second_contact_done = true;
}
static void sc_day_20_uninsured(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 20;
	uninsured(f);
}
static void sc_day_20_suspended(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 20;
	suspended(f);
}
/* Planning the second contact: today is day 1 unless said; the date proposed is day n. */
static void plan_day(struct pathway_facts *f, int n)
{
	f->second_contact_planned = f->decision_date + n;
}
static void plan_w_day_13(struct pathway_facts *f)
{
	window_14_28(f);
	plan_day(f, 13);
}
static void plan_w_day_14(struct pathway_facts *f)
{
	window_14_28(f);
	plan_day(f, 14);
}
static void plan_w_day_20(struct pathway_facts *f)
{
	window_14_28(f);
	plan_day(f, 20);
}
static void plan_w_day_28(struct pathway_facts *f)
{
	window_14_28(f);
	plan_day(f, 28);
}
static void plan_w_day_29(struct pathway_facts *f)
{
	window_14_28(f);
	plan_day(f, 29);
}
static void plan_w_1_7_day_1(struct pathway_facts *f)
{
	f->second_contact_has_window = true;
	f->second_contact_from_day = 1;
	f->second_contact_to_day = 7;
	plan_day(f, 1);
}
static void plan_w_1_7_day_8(struct pathway_facts *f)
{
	plan_w_1_7_day_1(f);
	plan_day(f, 8);
}
static void plan_yesterday(struct pathway_facts *f)
{
	f->second_contact_planned = f->today - 1;
}
static void plan_today(struct pathway_facts *f)
{
	f->second_contact_planned = f->today;
}
static void plan_unset(struct pathway_facts *f)
{
	f->second_contact_planned = 0;
}
static void plan_w_today_20_day_15(struct pathway_facts *f)
{
	plan_w_day_20(f);
	f->today = f->decision_date + 20;
	plan_day(f, 15);
}
static void plan_w_today_20_day_20(struct pathway_facts *f)
{
	plan_w_day_20(f);
	f->today = f->decision_date + 20;
}
static void plan_w_today_30_day_30(struct pathway_facts *f)
{
	window_14_28(f);
	f->today = f->decision_date + 30;
	plan_day(f, 30);
}
static void plan_no_window_day_0(struct pathway_facts *f)
{
	f->today = f->decision_date;
	plan_day(f, 0);
}
static void plan_no_window_day_1_on_day_0(struct pathway_facts *f)
{
	f->today = f->decision_date;
	plan_day(f, 1);
}
static void plan_no_window_day_200(struct pathway_facts *f)
{
	plan_day(f, 200);
}
static void plan_again(struct pathway_facts *f)
{
	/* The core keeps no plan: another date is simply another request. */
	plan_w_day_28(f);
	f->today = f->decision_date + 20;
}
static void plan_not_planned_and_done(struct pathway_facts *f)
{
	f->has_second_contact = false;
	f->second_contact_done = true;
}
static void plan_done_and_past(struct pathway_facts *f)
{
	f->second_contact_done = true;
	plan_yesterday(f);
}
static void plan_past_and_out_of_window(struct pathway_facts *f)
{
	window_14_28(f);
	plan_yesterday(f);
}
static void plan_w_day_20_suspended_uninsured(struct pathway_facts *f)
{
	plan_w_day_20(f);
	suspended(f);
	uninsured(f);
}
static void plan_w_day_20_nothing_runnable(struct pathway_facts *f)
{
	plan_w_day_20(f);
	not_adopted(f);
	not_in_force(f);
	not_signed(f);
	delegue_unchecked(f);
	memset(&f->revoyure_delegant, 0, sizeof(f->revoyure_delegant));
	f->delegant_reachable = false;
	f->consent_given = false;
	f->patient_in_scope = false;
}
static void gp_outside(struct pathway_facts *f)
{
	f->gp = PATHWAY_GP_OUTSIDE;
}
static void gp_outside_informed(struct pathway_facts *f)
{
	f->gp = PATHWAY_GP_OUTSIDE;
	f->gp_informed = true;
}
static void gp_none(struct pathway_facts *f)
{
	f->gp = PATHWAY_GP_NONE;
}
static void gp_outside_no_second_contact(struct pathway_facts *f)
{
	gp_outside(f);
	no_second_contact(f);
}
static void gp_outside_second_contact_done(struct pathway_facts *f)
{
	gp_outside(f);
	second_contact_done(f);
}
static void everything_wrong(struct pathway_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->state = PATHWAY_CONSENTED;
}
static void zero_but_consented(struct pathway_facts *f)
{
	everything_wrong(f);
	f->consent_given = true;
}

struct rule_case {
	const char *name;
	enum pathway_state state;
	enum pathway_action action;
	enum pathway_outcome outcome;
	void (*edit)(struct pathway_facts *);
	enum pathway_refusal refusal; /* NONE: allowed */
	enum pathway_state next;      /* when allowed */
	const char *message;          /* exact message when refused; NULL: not compared */
};

#define S(x) PATHWAY_##x
#define A(x) PATHWAY_##x
#define R(x) PATHWAY_REFUSAL_##x
#define INC PATHWAY_OUTCOME_INCLUDED
#define EXC PATHWAY_OUTCOME_EXCLUDED
#define INCOMPLETE PATHWAY_OUTCOME_INCOMPLETE

static const struct rule_case rule_cases[] = {
	/* 17. orientation done before proposing */
	{"propose, one orientation question open", S(ORIENTATION), A(PROPOSE), INC,
	 orientation_open_one, R(ORIENTATION_INCOMPLETE), 0,
	 "Orientation incomplète : répondez à « Fièvre », ou indiquez « ne sait pas » (le délégué "
	 "posera la question)."},
	{"propose, two orientation questions open", S(ORIENTATION), A(PROPOSE), INC,
	 orientation_open_two, R(ORIENTATION_INCOMPLETE), 0,
	 "Orientation incomplète : répondez à « Fièvre » et aux autres questions sans réponse, ou "
	 "indiquez « ne sait pas » (le délégué posera la question)."},
	{"propose, open questions without a label", S(ORIENTATION), A(PROPOSE), INC,
	 orientation_open_no_label, R(ORIENTATION_INCOMPLETE), 0,
	 "Orientation incomplète : répondez aux questions d'orientation ou indiquez « ne sait pas » "
	 "(le délégué les posera)."},
	{"propose, out of scope says so before the open questions", S(ORIENTATION), A(PROPOSE), INC,
	 orientation_open_out_of_scope, R(OUT_OF_SCOPE), 0, NULL},
	{"orient to usual care with questions open", S(ORIENTATION), A(ORIENT_TO_USUAL_CARE), INC,
	 orientation_open_one, R(NONE), S(USUAL_CARE), NULL},
	{"cancel with questions open", S(ORIENTATION), A(CANCEL), INC, orientation_open_one, R(NONE),
	 S(CANCELLED), NULL},
	/* 18. reorient: why, how urgently, whom */
	{"reorient without anything", S(ASSESSING), A(REORIENT), INC, nothing_for_reorient,
	 R(REASON_REQUIRED), 0,
	 "Indiquez pourquoi vous arrêtez l'évaluation et réorientez le patient."},
	{"reorient without urgency", S(ASSESSING), A(REORIENT), INC, no_urgency_no_delegant,
	 R(URGENCY_REQUIRED), 0,
	 "Indiquez l'urgence de la réorientation (par exemple « médecin le jour même »)."},
	{"reorient without the délégant called", S(ASSESSING), A(REORIENT), INC, no_delegant_called,
	 R(DELEGANT_NOT_CALLED), 0, "Indiquez le délégant appelé pour reprendre le patient."},
	{"reorient is a safe exit", S(ASSESSING), A(REORIENT), INC, reorient_while_everything_fails,
	 R(NONE), S(EXCLUDED), NULL},
	{"reorient before the assessment", S(CONSENTED), A(REORIENT), INC, keep, R(WRONG_STATE), 0,
	 "Action « Arrêter l'évaluation et réorienter vers un délégant » impossible à l'étape "
	 "« Consentement recueilli »."},
	{"reorient after the decision", S(INCLUDED), A(REORIENT), INC, keep, R(WRONG_STATE), 0,
	 NULL},
	{"reorient after closing", S(CLOSED), A(REORIENT), INC, keep, R(EPISODE_FINAL), 0, NULL},
	/* 19. cancel: a reason */
	{"cancel without a reason", S(ORIENTATION), A(CANCEL), INC, no_reason, R(REASON_REQUIRED), 0,
	 "Indiquez pourquoi la demande est annulée."},
	{"cancel an assessment without a reason", S(ASSESSING), A(CANCEL), INC, no_reason,
	 R(REASON_REQUIRED), 0, NULL},
	{"cancel is a safe exit", S(ASSESSING), A(CANCEL), INC, reorient_while_everything_fails,
	 R(NONE), S(CANCELLED), NULL},
	{"cancel once proposed, no reason needed for anything else", S(PROPOSED), A(CANCEL), INC,
	 no_urgency_no_delegant, R(NONE), S(CANCELLED), NULL},
	{"cancel while the answers refer, at orientation", S(ORIENTATION), A(CANCEL), INC,
	 referral_emergency, R(REFERRAL_PENDING), 0,
	 "Les réponses orientent vers un médecin (Urgence : appeler le 15) : la demande ne peut "
	 "pas être annulée. Orientez le patient vers le médecin."},
	{"cancel while the answers refer, during the assessment", S(ASSESSING), A(CANCEL), INC,
	 referral_without_headline, R(REFERRAL_PENDING), 0,
	 "Les réponses orientent vers un médecin : la demande ne peut pas être annulée. Arrêtez "
	 "l'évaluation en réorientant le patient vers un délégant."},
	{"reorient while the answers refer", S(ASSESSING), A(REORIENT), INC, referral_emergency,
	 R(NONE), S(EXCLUDED), NULL},
	{"cancel after the decision", S(EXCLUDED), A(CANCEL), INC, keep, R(WRONG_STATE), 0, NULL},
	{"cancel twice", S(CANCELLED), A(CANCEL), INC, keep, R(EPISODE_FINAL), 0,
	 "La demande a été annulée : aucune action n'est plus possible."},
	{"nothing after a cancellation", S(CANCELLED), A(CLOSE), INC, keep, R(EPISODE_FINAL), 0,
	 NULL},
	/* 1–2: state */
	{"closed: nothing", S(CLOSED), A(RECORD_GP_INFORMED), INC, keep, R(EPISODE_FINAL), 0,
	 "L'épisode est clôturé : aucune action n'est plus possible."},
	{"usual care: nothing", S(USUAL_CARE), A(PROPOSE), INC, keep, R(EPISODE_FINAL), 0,
	 "Le patient a été orienté vers la prise en charge habituelle : l'épisode est terminé, "
	 "aucune action n'est plus possible."},
	{"final before every other rule", S(CLOSED), A(CLOSE), INC, gp_outside, R(EPISODE_FINAL), 0,
	 NULL},
	{"wrong state", S(CONSENTED), A(RECORD_REVOYURE), INC, keep, R(WRONG_STATE), 0,
	 "Action « Enregistrer la revoyure » impossible à l'étape « Consentement recueilli »."},
	{"assessment before consent", S(PROPOSED), A(START_ASSESSMENT), INC, keep,
	 R(CONSENT_REQUIRED), 0,
	 "Le consentement du patient doit être recueilli avant l'évaluation."},
	{"answers before consent", S(ORIENTATION), A(SAVE_ANSWERS), INC, keep, R(CONSENT_REQUIRED),
	 0, NULL},
	{"answers before the assessment started", S(CONSENTED), A(SAVE_ANSWERS), INC, keep,
	 R(WRONG_STATE), 0, NULL},
	/* 3: consent as a recorded fact */
	{"consent withdrawn: no assessment", S(CONSENTED), A(START_ASSESSMENT), INC, no_consent,
	 R(CONSENT_REQUIRED), 0, NULL},
	{"consent withdrawn: no answers", S(ASSESSING), A(SAVE_ANSWERS), INC, no_consent,
	 R(CONSENT_REQUIRED), 0, NULL},
	{"consent withdrawn: no decision", S(ASSESSING), A(RECORD_DECISION), EXC, no_consent,
	 R(CONSENT_REQUIRED), 0, NULL},
	{"consent before the protocol's status", S(CONSENTED), A(START_ASSESSMENT), INC,
	 no_consent_suspended, R(CONSENT_REQUIRED), 0, NULL},
	{"a zeroed struct refuses: consent first", S(CONSENTED), A(START_ASSESSMENT), INC,
	 everything_wrong, R(CONSENT_REQUIRED), 0, NULL},
	{"a zeroed struct refuses: then adoption", S(CONSENTED), A(START_ASSESSMENT), INC,
	 zero_but_consented, R(PROTOCOL_NOT_ADOPTED), 0, NULL},
	/* 4–7: the protocol */
	{"not adopted", S(ORIENTATION), A(PROPOSE), INC, not_adopted, R(PROTOCOL_NOT_ADOPTED), 0,
	 "Le protocole n'est pas adopté par la structure."},
	{"suspended", S(ORIENTATION), A(PROPOSE), INC, suspended, R(PROTOCOL_SUSPENDED), 0,
	 "Le protocole est suspendu : aucune prise en charge n'est possible."},
	{"not in force", S(ORIENTATION), A(PROPOSE), INC, not_in_force, R(PROTOCOL_NOT_IN_FORCE), 0,
	 "Aucune version du protocole n'est en vigueur le 25/11/2026."},
	{"not signed", S(ORIENTATION), A(PROPOSE), INC, not_signed, R(PROTOCOL_NOT_SIGNED), 0,
	 "Les ordonnances types du protocole n'ont pas encore été signées par un délégant."},
	/* 7b: the structure's type, for every action under the protocol; the exits stay open */
	{"ESMS: no proposal", S(ORIENTATION), A(PROPOSE), INC, esms, R(STRUCTURE_NOT_ALLOWED), 0,
	 "La version en vigueur du protocole ne peut pas être appliquée dans une structure de type "
	 "« Établissement ou service médico-social »."},
	{"ESMS: no consent to it", S(PROPOSED), A(RECORD_CONSENT_GIVEN), INC, esms,
	 R(STRUCTURE_NOT_ALLOWED), 0, NULL},
	{"ESMS: no assessment", S(CONSENTED), A(START_ASSESSMENT), INC, esms,
	 R(STRUCTURE_NOT_ALLOWED), 0, NULL},
	{"ESMS: no answers", S(ASSESSING), A(SAVE_ANSWERS), INC, esms, R(STRUCTURE_NOT_ALLOWED), 0,
	 NULL},
	{"ESMS: no inclusion", S(ASSESSING), A(RECORD_DECISION), INC, esms,
	 R(STRUCTURE_NOT_ALLOWED), 0, NULL},
	{"ESMS: no second contact", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC, esms,
	 R(STRUCTURE_NOT_ALLOWED), 0, NULL},
	{"ESMS: the exclusion is recorded", S(ASSESSING), A(RECORD_DECISION), EXC, esms, OK,
	 S(EXCLUDED), NULL},
	{"ESMS: reorient", S(ASSESSING), A(REORIENT), INC, esms, OK, S(EXCLUDED), NULL},
	{"ESMS: cancel", S(CONSENTED), A(CANCEL), INC, esms, OK, S(CANCELLED), NULL},
	{"ESMS: consent refused", S(PROPOSED), A(RECORD_CONSENT_REFUSED), INC, esms, OK,
	 S(USUAL_CARE), NULL},
	{"ESMS: usual care", S(ORIENTATION), A(ORIENT_TO_USUAL_CARE), INC, esms, OK,
	 S(USUAL_CARE), NULL},
	{"ESMS: plan the second contact", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, esms, OK,
	 S(INCLUDED), NULL},
	{"ESMS: revoyure", S(INCLUDED), A(RECORD_REVOYURE), INC, esms, OK, S(INCLUDED), NULL},
	{"ESMS: close", S(EXCLUDED), A(CLOSE), INC, esms, OK, S(CLOSED), NULL},
	{"MSP among the types allowed", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC, msp_allowed, OK,
	 S(FOLLOW_UP), NULL},
	{"type unknown", S(ORIENTATION), A(PROPOSE), INC, structure_type_unknown,
	 R(STRUCTURE_NOT_ALLOWED), 0,
	 "Le type de la structure n'est pas renseigné : le protocole ne peut pas être appliqué. Le "
	 "coordinateur peut le compléter."},
	{"type out of range", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC,
	 structure_type_out_of_range, R(STRUCTURE_NOT_ALLOWED), 0, NULL},
	{"signature before the structure's type", S(ORIENTATION), A(PROPOSE), INC, esms_not_signed,
	 R(PROTOCOL_NOT_SIGNED), 0, NULL},
	{"the structure's type before the scope", S(ORIENTATION), A(PROPOSE), INC,
	 esms_out_of_scope, R(STRUCTURE_NOT_ALLOWED), 0, NULL},
	{"adoption before suspension", S(ORIENTATION), A(PROPOSE), INC, not_adopted_and_suspended,
	 R(PROTOCOL_NOT_ADOPTED), 0, NULL},
	{"suspension before version", S(ORIENTATION), A(PROPOSE), INC, suspended_not_in_force,
	 R(PROTOCOL_SUSPENDED), 0, NULL},
	{"version before signature", S(ORIENTATION), A(PROPOSE), INC, not_in_force_not_signed,
	 R(PROTOCOL_NOT_IN_FORCE), 0, NULL},
	{"suspended: no consent to it", S(PROPOSED), A(RECORD_CONSENT_GIVEN), INC, suspended,
	 R(PROTOCOL_SUSPENDED), 0, NULL},
	{"suspended: no assessment", S(CONSENTED), A(START_ASSESSMENT), INC, suspended,
	 R(PROTOCOL_SUSPENDED), 0, NULL},
	{"suspended: no answers", S(ASSESSING), A(SAVE_ANSWERS), INC, suspended,
	 R(PROTOCOL_SUSPENDED), 0, NULL},
	{"suspended: no inclusion", S(ASSESSING), A(RECORD_DECISION), INC, suspended,
	 R(PROTOCOL_SUSPENDED), 0, NULL},
	{"suspended: an exclusion is still recorded", S(ASSESSING), A(RECORD_DECISION), EXC,
	 suspended, R(NONE), S(EXCLUDED), NULL},
	{"suspended: no second contact", S(FOLLOW_UP), A(RECORD_SECOND_CONTACT), INC,
	 sc_day_20_suspended, R(PROTOCOL_SUSPENDED), 0, NULL},
	{"suspended: refusal recorded", S(PROPOSED), A(RECORD_CONSENT_REFUSED), INC, suspended,
	 R(NONE), S(USUAL_CARE), NULL},
	{"suspended: usual care", S(ASSESSING), A(ORIENT_TO_USUAL_CARE), INC, suspended, R(NONE),
	 S(USUAL_CARE), NULL},
	{"suspended: revoyure", S(INCLUDED), A(RECORD_REVOYURE), INC, suspended, R(NONE),
	 S(INCLUDED), NULL},
	{"suspended: GP informed", S(EXCLUDED), A(RECORD_GP_INFORMED), INC, suspended, R(NONE),
	 S(EXCLUDED), NULL},
	{"suspended: close", S(EXCLUDED), A(CLOSE), INC, suspended, R(NONE), S(CLOSED), NULL},
	/* 8: scope */
	{"out of scope: not proposed", S(ORIENTATION), A(PROPOSE), INC, out_of_scope,
	 R(OUT_OF_SCOPE), 0,
	 "Le patient n'entre pas dans le champ du protocole (population ou réponses "
	 "d'orientation)."},
	{"out of scope: not assessed", S(CONSENTED), A(START_ASSESSMENT), INC, out_of_scope,
	 R(OUT_OF_SCOPE), 0, NULL},
	{"out of scope: usual care possible", S(ORIENTATION), A(ORIENT_TO_USUAL_CARE), INC,
	 out_of_scope, R(NONE), S(USUAL_CARE), NULL},
	{"the orientation answers exclude: not proposed", S(ORIENTATION), A(PROPOSE), INC,
	 answers_exclude, R(OUT_OF_SCOPE), 0,
	 "Le patient n'entre pas dans le champ du protocole (population ou réponses "
	 "d'orientation)."},
	{"the answers exclude: usual care stays open", S(ORIENTATION), A(ORIENT_TO_USUAL_CARE), INC,
	 answers_exclude, OK, S(USUAL_CARE), NULL},
	{"the answers exclude: the délégué still assesses", S(CONSENTED), A(START_ASSESSMENT), INC,
	 answers_exclude, OK, S(ASSESSING), NULL},
	{"protocol before scope", S(ORIENTATION), A(PROPOSE), INC, out_of_scope_and_not_signed,
	 R(PROTOCOL_NOT_SIGNED), 0, NULL},
	/* 9: médecin traitant, long-term protocols */
	{"long-term, délégant not the GP", S(ORIENTATION), A(PROPOSE), INC, long_term,
	 R(GP_NOT_DELEGANT), 0,
	 "Protocole de suivi au long cours : il ne s'applique que si le délégant est le médecin "
	 "traitant du patient."},
	{"long-term, no GP", S(CONSENTED), A(START_ASSESSMENT), INC, long_term_no_gp,
	 R(GP_NOT_DELEGANT), 0,
	 "Protocole de suivi au long cours : il ne s'applique que si le délégant est le médecin "
	 "traitant du patient (aucun médecin traitant déclaré)."},
	{"long-term, délégant is the GP", S(CONSENTED), A(START_ASSESSMENT), INC,
	 long_term_gp_is_delegant, R(NONE), S(ASSESSING), NULL},
	{"scope before the GP rule", S(ORIENTATION), A(PROPOSE), INC, long_term_out_of_scope,
	 R(OUT_OF_SCOPE), 0, NULL},
	/* 10: the délégué's team check */
	{"délégué untrained and uninsured", S(CONSENTED), A(START_ASSESSMENT), INC,
	 untrained_uninsured, R(TRAINING_MISSING), 0,
	 "Le délégué ne peut pas agir pour ce protocole le 25/11/2026 : formation non validée ; "
	 "assurance non déclarée."},
	{"délégué uninsured", S(ASSESSING), A(SAVE_ANSWERS), INC, uninsured, R(INSURANCE_MISSING),
	 0,
	 "Le délégué ne peut pas agir pour ce protocole le 25/11/2026 : assurance non déclarée."},
	{"délégué without engagement", S(ASSESSING), A(RECORD_DECISION), INC, unsigned_engagement,
	 R(ENGAGEMENT_MISSING), 0, NULL},
	{"délégué without adhesion", S(CONSENTED), A(START_ASSESSMENT), INC, no_adhesion,
	 R(NOT_MEMBER), 0,
	 "Le délégué ne peut pas agir pour ce protocole le 25/11/2026 : pas d'adhésion à ce "
	 "protocole."},
	{"délégué's membership ended today", S(CONSENTED), A(START_ASSESSMENT), INC,
	 membership_ended, R(NOT_MEMBER), 0,
	 "Le délégué ne peut pas agir pour ce protocole le 25/11/2026 : adhésion terminée (dernier "
	 "jour : 24/11/2026)."},
	{"pharmacist removed by the version", S(CONSENTED), A(START_ASSESSMENT), INC,
	 pharmacist_removed, R(PROFESSION_NOT_ALLOWED), 0, NULL},
	{"délégué never checked", S(CONSENTED), A(START_ASSESSMENT), INC, delegue_unchecked,
	 R(NOT_MEMBER), 0, "Le délégué ne peut pas agir pour ce protocole le 25/11/2026."},
	{"délégué uninsured: exclusion still recorded", S(ASSESSING), A(RECORD_DECISION), EXC,
	 uninsured, R(NONE), S(EXCLUDED), NULL},
	{"délégué uninsured: no second contact", S(FOLLOW_UP), A(RECORD_SECOND_CONTACT), INC,
	 sc_day_20_uninsured, R(INSURANCE_MISSING), 0, NULL},
	{"délégué uninsured: closing is not an act", S(INCLUDED), A(CLOSE), INC, uninsured, R(NONE),
	 S(FOLLOW_UP), NULL},
	{"GP rule before the team check", S(CONSENTED), A(START_ASSESSMENT), INC,
	 long_term_uninsured, R(GP_NOT_DELEGANT), 0, NULL},
	/* 11: reachability */
	{"no délégant reachable", S(CONSENTED), A(START_ASSESSMENT), INC, unreachable,
	 R(DELEGANT_UNREACHABLE), 0,
	 "Évaluation impossible : aucun délégant joignable maintenant ; prochain : Dr Martin, jeudi "
	 "26/11/2026 à 08:00 (06 11 22 33 44)."},
	{"no délégant reachable, no message", S(CONSENTED), A(START_ASSESSMENT), INC,
	 unreachable_silent, R(DELEGANT_UNREACHABLE), 0,
	 "Évaluation impossible : aucun délégant du protocole n'est joignable maintenant."},
	{"reachability only before taking charge", S(ASSESSING), A(SAVE_ANSWERS), INC, unreachable,
	 R(NONE), S(ASSESSING), NULL},
	{"team check before reachability", S(CONSENTED), A(START_ASSESSMENT), INC,
	 unreachable_uninsured, R(INSURANCE_MISSING), 0, NULL},
	/* 12: decision */
	{"incomplete decision", S(ASSESSING), A(RECORD_DECISION), INCOMPLETE, keep,
	 R(DECISION_INCOMPLETE), 0,
	 "Évaluation incomplète : la décision ne peut être enregistrée qu'une fois le patient inclus "
	 "ou exclu."},
	{"incomplete, protocol suspended: the protocol first", S(ASSESSING), A(RECORD_DECISION),
	 INCOMPLETE, suspended, R(PROTOCOL_SUSPENDED), 0, NULL},
	{"excluded", S(ASSESSING), A(RECORD_DECISION), EXC, keep, R(NONE), S(EXCLUDED), NULL},
	{"included", S(ASSESSING), A(RECORD_DECISION), INC, keep, R(NONE), S(INCLUDED), NULL},
	/* 13: revoyure */
	{"revoyure day -1", S(INCLUDED), A(RECORD_REVOYURE), INC, day_minus_1,
	 R(REVOYURE_OUT_OF_WINDOW), 0, NULL},
	{"revoyure day 0", S(INCLUDED), A(RECORD_REVOYURE), INC, day_0, R(NONE), S(INCLUDED), NULL},
	{"revoyure day 1", S(EXCLUDED), A(RECORD_REVOYURE), INC, day_1, R(NONE), S(EXCLUDED), NULL},
	{"revoyure day 2", S(EXCLUDED), A(RECORD_REVOYURE), INC, day_2, R(REVOYURE_OUT_OF_WINDOW),
	 0,
	 "La revoyure n'est possible que le jour de la décision ou le lendemain (le 24/11/2026 ou "
	 "le 25/11/2026)."},
	{"revoyure day 2 in follow-up", S(FOLLOW_UP), A(RECORD_REVOYURE), INC, day_2,
	 R(REVOYURE_OUT_OF_WINDOW), 0, NULL},
	{"revoyure day 1 in follow-up", S(FOLLOW_UP), A(RECORD_REVOYURE), INC, day_1, R(NONE),
	 S(FOLLOW_UP), NULL},
	{"second revoyure", S(INCLUDED), A(RECORD_REVOYURE), INC, revoyure_done,
	 R(REVOYURE_ALREADY_RECORDED), 0, "La revoyure a déjà été enregistrée pour cet épisode."},
	{"second revoyure, late: already recorded first", S(INCLUDED), A(RECORD_REVOYURE), INC,
	 revoyure_done_day_2, R(REVOYURE_ALREADY_RECORDED), 0, NULL},
	{"revoyure by a former délégant", S(INCLUDED), A(RECORD_REVOYURE), INC,
	 revoyure_by_former_delegant, R(NOT_MEMBER), 0,
	 "Le délégant de la revoyure ne peut pas agir pour ce protocole le 25/11/2026 : adhésion "
	 "terminée (dernier jour : 31/10/2026)."},
	{"revoyure by a délégué", S(INCLUDED), A(RECORD_REVOYURE), INC, revoyure_by_a_delegue,
	 R(NOT_MEMBER), 0,
	 "Le délégant de la revoyure ne peut pas agir pour ce protocole le 25/11/2026 : adhère à ce "
	 "protocole comme délégué, pas comme délégant."},
	{"revoyure: the délégué's own check does not matter", S(INCLUDED), A(RECORD_REVOYURE), INC,
	 uninsured, R(NONE), S(INCLUDED), NULL},
	/* 14: second contact */
	{"second contact day 13", S(FOLLOW_UP), A(RECORD_SECOND_CONTACT), INC, sc_day_13,
	 R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "Le second contact n'est possible que du 14e au 28e jour après la première consultation, "
	 "soit du 08/12/2026 au 22/12/2026."},
	{"second contact day 14", S(FOLLOW_UP), A(RECORD_SECOND_CONTACT), INC, sc_day_14, R(NONE),
	 S(FOLLOW_UP), NULL},
	{"second contact day 28", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC, sc_day_28, R(NONE),
	 S(FOLLOW_UP), NULL},
	{"second contact day 29", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC, sc_day_29,
	 R(SECOND_CONTACT_OUT_OF_WINDOW), 0, NULL},
	{"second contact, window from the 1st day", S(FOLLOW_UP), A(RECORD_SECOND_CONTACT), INC,
	 sc_window_1_7_day_8, R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "Le second contact n'est possible que du 1er au 7e jour après la première consultation, "
	 "soit du 25/11/2026 au 01/12/2026."},
	{"second contact, no window, day 0", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC, day_0,
	 R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "Le second contact n'est possible qu'après le jour de la première consultation "
	 "(24/11/2026)."},
	{"second contact, no window, day 1", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC, day_1,
	 R(NONE), S(FOLLOW_UP), NULL},
	{"second contact not planned", S(INCLUDED), A(RECORD_SECOND_CONTACT), INC,
	 no_second_contact, R(SECOND_CONTACT_NOT_PLANNED), 0,
	 "Ce protocole ne prévoit pas de second contact."},
	{"second contact twice", S(FOLLOW_UP), A(RECORD_SECOND_CONTACT), INC, second_contact_done,
	 R(SECOND_CONTACT_ALREADY_RECORDED), 0,
	 "Le second contact a déjà été enregistré pour cet épisode."},
	{"no second contact after an exclusion", S(EXCLUDED), A(RECORD_SECOND_CONTACT), INC, keep,
	 R(WRONG_STATE), 0, NULL},
	/* 15: planning the second contact */
	{"plan in the window", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_w_day_20, R(NONE),
	 S(INCLUDED), NULL},
	{"plan in the window, from follow-up", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_day_20, R(NONE), S(FOLLOW_UP), NULL},
	{"plan day 13", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_w_day_13,
	 R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "La date prévue pour le second contact (07/12/2026) est hors de sa fenêtre : il doit avoir "
	 "lieu entre le 08/12/2026 et le 22/12/2026."},
	{"plan day 14 (first day)", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_w_day_14,
	 R(NONE), S(INCLUDED), NULL},
	{"plan day 28 (last day)", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC, plan_w_day_28,
	 R(NONE), S(FOLLOW_UP), NULL},
	{"plan day 29", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC, plan_w_day_29,
	 R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "La date prévue pour le second contact (23/12/2026) est hors de sa fenêtre : il doit avoir "
	 "lieu entre le 08/12/2026 et le 22/12/2026."},
	{"plan, window from the 1st day, day 1 (today)", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_1_7_day_1, R(NONE), S(INCLUDED), NULL},
	{"plan, window from the 1st day, day 8", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_1_7_day_8, R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "La date prévue pour le second contact (02/12/2026) est hors de sa fenêtre : il doit avoir "
	 "lieu entre le 25/11/2026 et le 01/12/2026."},
	{"plan before today", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_yesterday,
	 R(SECOND_CONTACT_DATE_PAST), 0,
	 "La date prévue pour le second contact (24/11/2026) est déjà passée."},
	{"plan for today", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_today, R(NONE),
	 S(INCLUDED), NULL},
	{"plan without a date", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_unset,
	 R(SECOND_CONTACT_DATE_PAST), 0,
	 "La date prévue pour le second contact (01/01/1970) est déjà passée."},
	{"plan in the window but before today", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_today_20_day_15, R(SECOND_CONTACT_DATE_PAST), 0,
	 "La date prévue pour le second contact (09/12/2026) est déjà passée."},
	{"plan today, in the window", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_today_20_day_20, R(NONE), S(FOLLOW_UP), NULL},
	{"plan after the window has closed", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_today_30_day_30, R(SECOND_CONTACT_OUT_OF_WINDOW), 0, NULL},
	{"plan the past before the window", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 plan_past_and_out_of_window, R(SECOND_CONTACT_DATE_PAST), 0, NULL},
	{"plan, no window, the decision day", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 plan_no_window_day_0, R(SECOND_CONTACT_OUT_OF_WINDOW), 0,
	 "La date prévue pour le second contact (24/11/2026) doit être postérieure au jour de la "
	 "première consultation (24/11/2026)."},
	{"plan, no window, the next day", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 plan_no_window_day_1_on_day_0, R(NONE), S(INCLUDED), NULL},
	{"plan, no window, months later", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_no_window_day_200, R(NONE), S(FOLLOW_UP), NULL},
	{"plan again: replaces the plan", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC, plan_again,
	 R(NONE), S(FOLLOW_UP), NULL},
	{"plan, not planned by the protocol", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 no_second_contact, R(SECOND_CONTACT_NOT_PLANNED), 0,
	 "Ce protocole ne prévoit pas de second contact."},
	{"plan after the second contact", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 second_contact_done, R(SECOND_CONTACT_ALREADY_RECORDED), 0,
	 "Le second contact a déjà été enregistré pour cet épisode."},
	{"plan: not planned before already recorded", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_not_planned_and_done, R(SECOND_CONTACT_NOT_PLANNED), 0, NULL},
	{"plan: already recorded before the date", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_done_and_past, R(SECOND_CONTACT_ALREADY_RECORDED), 0, NULL},
	{"plan: not guarded by suspension nor team", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_day_20_suspended_uninsured, R(NONE), S(INCLUDED), NULL},
	{"plan: not guarded by anything runnable", S(FOLLOW_UP), A(PLAN_SECOND_CONTACT), INC,
	 plan_w_day_20_nothing_runnable, R(NONE), S(FOLLOW_UP), NULL},
	{"plan: GP outside not informed does not matter", S(INCLUDED), A(PLAN_SECOND_CONTACT), INC,
	 gp_outside, R(NONE), S(INCLUDED), NULL},
	{"plan after an exclusion", S(EXCLUDED), A(PLAN_SECOND_CONTACT), INC, plan_w_day_20,
	 R(WRONG_STATE), 0,
	 "Action « Planifier le second contact » impossible à l'étape « Exclu, réorienté vers le "
	 "médecin »."},
	{"plan at orientation: not an assessment action", S(ORIENTATION), A(PLAN_SECOND_CONTACT),
	 INC, keep, R(WRONG_STATE), 0, NULL},
	{"plan during the assessment", S(ASSESSING), A(PLAN_SECOND_CONTACT), INC, plan_w_day_20,
	 R(WRONG_STATE), 0, NULL},
	{"plan after closing", S(CLOSED), A(PLAN_SECOND_CONTACT), INC, plan_w_day_20,
	 R(EPISODE_FINAL), 0, NULL},
	{"plan in usual care", S(USUAL_CARE), A(PLAN_SECOND_CONTACT), INC, keep, R(EPISODE_FINAL),
	 0, NULL},
	/* 16 and close: médecin traitant informed */
	{"close excluded, GP outside not informed", S(EXCLUDED), A(CLOSE), INC, gp_outside,
	 R(GP_NOT_INFORMED), 0,
	 "Le médecin traitant est hors de l'équipe : l'information qui lui a été envoyée doit être "
	 "enregistrée avant la clôture."},
	{"close follow-up, GP outside not informed", S(FOLLOW_UP), A(CLOSE), INC, gp_outside,
	 R(GP_NOT_INFORMED), 0, NULL},
	{"close included without second contact, GP outside", S(INCLUDED), A(CLOSE), INC,
	 gp_outside_no_second_contact, R(GP_NOT_INFORMED), 0, NULL},
	{"close included with second contact done, GP outside", S(INCLUDED), A(CLOSE), INC,
	 gp_outside_second_contact_done, R(GP_NOT_INFORMED), 0, NULL},
	{"included to follow-up: GP not needed yet", S(INCLUDED), A(CLOSE), INC, gp_outside,
	 R(NONE), S(FOLLOW_UP), NULL},
	{"close included without second contact", S(INCLUDED), A(CLOSE), INC, no_second_contact,
	 R(NONE), S(CLOSED), NULL},
	{"close, GP outside informed", S(FOLLOW_UP), A(CLOSE), INC, gp_outside_informed, R(NONE),
	 S(CLOSED), NULL},
	{"close, no GP", S(EXCLUDED), A(CLOSE), INC, gp_none, R(NONE), S(CLOSED), NULL},
	{"GP informed recorded", S(FOLLOW_UP), A(RECORD_GP_INFORMED), INC, gp_outside, R(NONE),
	 S(FOLLOW_UP), NULL},
	{"GP informed before the decision", S(ASSESSING), A(RECORD_GP_INFORMED), INC, gp_outside,
	 R(WRONG_STATE), 0, NULL},
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		const struct rule_case *c = &rule_cases[i];
		struct pathway_facts f = good(c->state);
		c->edit(&f);
		f.state = c->state;
		struct pathway_result r;
		memset(&r, 0x5a, sizeof(r));
		print_message("case: %s\n", c->name);
		bool ok = pathway_step(&f, c->action, c->outcome, &r);
		assert_string_equal(pathway_refusal_code(r.refusal),
				    pathway_refusal_code(c->refusal));
		assert_int_equal(ok, c->refusal == PATHWAY_REFUSAL_NONE);
		assert_int_equal(r.allowed, ok);
		if (ok) {
			assert_int_equal(r.next, c->next);
			assert_string_equal(r.message, "");
		} else {
			assert_int_equal(r.next, c->state);
			assert_true(r.message[0] != '\0');
			if (c->message)
				assert_string_equal(r.message, c->message);
		}
	}
}

/* The reachability message of team.h goes into the refusal as it is (first letter lowered). */
static void test_reachability_from_team(void **state)
{
	(void)state;
	const struct team_slot slot = {7, 3, 8 * 60, 12 * 60, "Dr Martin", NULL};
	const struct team_availability av = {&slot, 1, NULL, 0};
	char msg[TEAM_MESSAGE_MAX];
	struct pathway_facts f = good(PATHWAY_CONSENTED);
	/* Wednesday 25/11/2026 at 18:00: next is Thursday 08:00. */
	f.delegant_reachable = team_reach_message(&av, f.today, 18 * 60, 7, msg, sizeof(msg));
	f.reachability_message = msg;
	struct pathway_result r;
	assert_false(pathway_step(&f, PATHWAY_START_ASSESSMENT, PATHWAY_OUTCOME_INCLUDED, &r));
	assert_string_equal(pathway_refusal_code(r.refusal), "delegant_unreachable");
	assert_string_equal(r.message,
			    "Évaluation impossible : aucun délégant joignable maintenant "
			    "; prochain : Dr Martin, jeudi 26/11/2026 à 08:00.");
	/* Thursday 09:00: reachable, the assessment starts. */
	f.today = D("2026-11-26");
	f.delegant_reachable = team_reach_message(&av, f.today, 9 * 60, 7, msg, sizeof(msg));
	assert_true(pathway_step(&f, PATHWAY_START_ASSESSMENT, PATHWAY_OUTCOME_INCLUDED, &r));
	assert_int_equal(r.next, PATHWAY_ASSESSING);
}

static void test_invalid_input(void **state)
{
	(void)state;
	struct pathway_facts f = good(PATHWAY_ASSESSING);
	struct pathway_result r;
	assert_false(pathway_step(&f, PATHWAY_ACTION_COUNT, PATHWAY_OUTCOME_INCLUDED, &r));
	assert_int_equal(r.refusal, PATHWAY_REFUSAL_INVALID);
	assert_string_equal(r.message, "Étape, action ou résultat inconnu.");
	assert_false(pathway_step(&f, PATHWAY_RECORD_DECISION, PATHWAY_OUTCOME_COUNT, &r));
	assert_int_equal(r.refusal, PATHWAY_REFUSAL_INVALID);
	/* The outcome is ignored by other actions. */
	assert_true(pathway_step(&f, PATHWAY_SAVE_ANSWERS, PATHWAY_OUTCOME_COUNT, &r));
	f.state = PATHWAY_STATE_COUNT;
	assert_false(pathway_step(&f, PATHWAY_SAVE_ANSWERS, PATHWAY_OUTCOME_INCLUDED, &r));
	assert_int_equal(r.refusal, PATHWAY_REFUSAL_INVALID);
	assert_string_equal(pathway_refusal_code(r.refusal), "invalid");
}

/* A whole low-back-pain episode: second contact between day 14 and day 28, GP outside. */
static void test_whole_episode(void **state)
{
	(void)state;
	struct pathway_facts f = good(PATHWAY_ORIENTATION);
	f.today = D("2026-11-24");
	f.consent_given = false;
	f.gp = PATHWAY_GP_OUTSIDE;
	window_14_28(&f);
	struct pathway_result r;
	static const struct {
		enum pathway_action action;
		int day;     /* after 24/11/2026 */
		int planned; /* plan_second_contact: the date proposed, in days after 24/11/2026 */
		enum pathway_refusal refusal;
		enum pathway_state state; /* after the step */
	} steps[] = {
		{PATHWAY_PROPOSE, 0, 0, PATHWAY_REFUSAL_NONE, PATHWAY_PROPOSED},
		{PATHWAY_START_ASSESSMENT, 0, 0, PATHWAY_REFUSAL_CONSENT_REQUIRED,
		 PATHWAY_PROPOSED},
		{PATHWAY_RECORD_CONSENT_GIVEN, 0, 0, PATHWAY_REFUSAL_NONE, PATHWAY_CONSENTED},
		{PATHWAY_START_ASSESSMENT, 0, 0, PATHWAY_REFUSAL_NONE, PATHWAY_ASSESSING},
		{PATHWAY_SAVE_ANSWERS, 0, 0, PATHWAY_REFUSAL_NONE, PATHWAY_ASSESSING},
		{PATHWAY_PLAN_SECOND_CONTACT, 0, 15, PATHWAY_REFUSAL_WRONG_STATE,
		 PATHWAY_ASSESSING},
		{PATHWAY_RECORD_DECISION, 0, 0, PATHWAY_REFUSAL_NONE, PATHWAY_INCLUDED},
		{PATHWAY_PLAN_SECOND_CONTACT, 0, 10, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
		 PATHWAY_INCLUDED},
		{PATHWAY_PLAN_SECOND_CONTACT, 0, 15, PATHWAY_REFUSAL_NONE, PATHWAY_INCLUDED},
		{PATHWAY_RECORD_REVOYURE, 1, 0, PATHWAY_REFUSAL_NONE, PATHWAY_INCLUDED},
		{PATHWAY_RECORD_REVOYURE, 1, 0, PATHWAY_REFUSAL_REVOYURE_ALREADY_RECORDED,
		 PATHWAY_INCLUDED},
		{PATHWAY_CLOSE, 1, 0, PATHWAY_REFUSAL_NONE, PATHWAY_FOLLOW_UP},
		{PATHWAY_RECORD_SECOND_CONTACT, 10, 0, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
		 PATHWAY_FOLLOW_UP},
		/* the patient missed day 15: the plan is moved */
		{PATHWAY_PLAN_SECOND_CONTACT, 16, 15, PATHWAY_REFUSAL_SECOND_CONTACT_DATE_PAST,
		 PATHWAY_FOLLOW_UP},
		{PATHWAY_PLAN_SECOND_CONTACT, 16, 20, PATHWAY_REFUSAL_NONE, PATHWAY_FOLLOW_UP},
		{PATHWAY_RECORD_SECOND_CONTACT, 20, 0, PATHWAY_REFUSAL_NONE, PATHWAY_FOLLOW_UP},
		{PATHWAY_RECORD_SECOND_CONTACT, 21, 0,
		 PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED, PATHWAY_FOLLOW_UP},
		{PATHWAY_PLAN_SECOND_CONTACT, 21, 25,
		 PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED, PATHWAY_FOLLOW_UP},
		{PATHWAY_CLOSE, 21, 0, PATHWAY_REFUSAL_GP_NOT_INFORMED, PATHWAY_FOLLOW_UP},
		{PATHWAY_RECORD_GP_INFORMED, 21, 0, PATHWAY_REFUSAL_NONE, PATHWAY_FOLLOW_UP},
		{PATHWAY_CLOSE, 21, 0, PATHWAY_REFUSAL_NONE, PATHWAY_CLOSED},
		{PATHWAY_RECORD_GP_INFORMED, 22, 0, PATHWAY_REFUSAL_EPISODE_FINAL, PATHWAY_CLOSED},
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		f.today = D("2026-11-24") + steps[i].day;
		f.second_contact_planned = D("2026-11-24") + steps[i].planned;
		print_message("step %zu: %s\n", i, pathway_action_code(steps[i].action));
		bool ok = pathway_step(&f, steps[i].action, PATHWAY_OUTCOME_INCLUDED, &r);
		assert_int_equal(r.refusal, steps[i].refusal);
		assert_int_equal(r.next, steps[i].state);
		if (!ok)
			continue;
		/* What the shell would persist after each allowed step. */
		switch (steps[i].action) {
		case PATHWAY_RECORD_CONSENT_GIVEN: f.consent_given = true; break;
		case PATHWAY_RECORD_DECISION: f.decision_date = f.today; break;
		case PATHWAY_RECORD_REVOYURE: f.revoyure_done = true; break;
		case PATHWAY_RECORD_SECOND_CONTACT: f.second_contact_done = true; break;
		case PATHWAY_RECORD_GP_INFORMED: f.gp_informed = true; break;
		default: break;
		}
		f.state = r.next;
	}
	assert_int_equal(f.state, PATHWAY_CLOSED);
}

/* The window as dates, and its agreement with plan_second_contact at both edges. */
static void test_revoyure_last_day(void **state)
{
	(void)state;
	coop_date d;
	assert_true(date_parse("2026-11-25", 10, &d));
	assert_int_equal(pathway_revoyure_last_day(d), d + 1);
	/* agrees with the rule: allowed on the last day, refused the day after */
	struct pathway_facts f;
	struct pathway_result r;
	memset(&f, 0, sizeof(f));
	f.state = PATHWAY_INCLUDED;
	f.protocol_adopted = f.protocol_in_force = f.protocol_signed = true;
	f.revoyure_delegant.ok = true;
	f.decision_date = d;
	f.today = pathway_revoyure_last_day(d);
	assert_true(pathway_step(&f, PATHWAY_RECORD_REVOYURE, PATHWAY_OUTCOME_INCLUDED, &r));
	f.today++;
	assert_false(pathway_step(&f, PATHWAY_RECORD_REVOYURE, PATHWAY_OUTCOME_INCLUDED, &r));
	assert_int_equal(r.refusal, PATHWAY_REFUSAL_REVOYURE_OUT_OF_WINDOW);
}

static void test_second_contact_window(void **state)
{
	(void)state;
	coop_date from = -7, to = -7;
	struct pathway_facts f = good(PATHWAY_INCLUDED);

	/* No known window: from the day after the decision, no end. */
	assert_true(pathway_second_contact_window(&f, &from, &to));
	assert_int_equal(from, D("2026-11-25"));
	assert_int_equal(to, 0);

	window_14_28(&f);
	assert_true(pathway_second_contact_window(&f, &from, &to));
	assert_int_equal(from, D("2026-12-08"));
	assert_int_equal(to, D("2026-12-22"));

	/* Planning agrees with the window: both edges allowed, the days around refused. */
	f.today = f.decision_date;
	struct pathway_result r;
	static const struct {
		int shift; /* from `from` (edge 0) or `to` (edge 1) */
		int edge;
		bool allowed;
	} around[] = {{-1, 0, false}, {0, 0, true}, {0, 1, true}, {1, 1, false}};
	for (size_t i = 0; i < sizeof(around) / sizeof(around[0]); i++) {
		f.second_contact_planned = (around[i].edge ? to : from) + around[i].shift;
		assert_int_equal(pathway_step(&f, PATHWAY_PLAN_SECOND_CONTACT,
					      PATHWAY_OUTCOME_INCLUDED, &r),
				 around[i].allowed);
		if (!around[i].allowed)
			assert_int_equal(r.refusal, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW);
	}

	f.second_contact_from_day = 1;
	f.second_contact_to_day = 7;
	assert_true(pathway_second_contact_window(&f, &from, &to));
	assert_int_equal(from, D("2026-11-25"));
	assert_int_equal(to, D("2026-12-01"));

	/* The window does not depend on today, the state or what is already done. */
	f.today = D("2027-03-01");
	f.state = PATHWAY_CLOSED;
	f.second_contact_done = true;
	assert_true(pathway_second_contact_window(&f, &from, &to));
	assert_int_equal(from, D("2026-11-25"));
	assert_int_equal(to, D("2026-12-01"));

	/* No second contact in the protocol, or no decision yet: false, outputs untouched. */
	from = to = -7;
	f.has_second_contact = false;
	assert_false(pathway_second_contact_window(&f, &from, &to));
	f.has_second_contact = true;
	f.decision_date = 0;
	assert_false(pathway_second_contact_window(&f, &from, &to));
	assert_int_equal(from, -7);
	assert_int_equal(to, -7);
	struct pathway_facts zero;
	memset(&zero, 0, sizeof(zero));
	assert_false(pathway_second_contact_window(&zero, &from, &to));
	assert_int_equal(from, -7);
}

static void test_codes_labels_parsers(void **state)
{
	(void)state;
	for (int s = 0; s < PATHWAY_STATE_COUNT; s++) {
		enum pathway_state back = PATHWAY_STATE_COUNT;
		const char *code = pathway_state_code((enum pathway_state)s);
		assert_string_not_equal(code, "?");
		assert_string_not_equal(pathway_state_label_fr((enum pathway_state)s), "?");
		assert_true(pathway_state_parse(code, &back));
		assert_int_equal(back, s);
	}
	for (int a = 0; a < PATHWAY_ACTION_COUNT; a++) {
		enum pathway_action back = PATHWAY_ACTION_COUNT;
		const char *code = pathway_action_code((enum pathway_action)a);
		assert_string_not_equal(code, "?");
		assert_string_not_equal(pathway_action_label_fr((enum pathway_action)a), "?");
		assert_true(pathway_action_parse(code, &back));
		assert_int_equal(back, a);
	}
	for (int o = 0; o < PATHWAY_OUTCOME_COUNT; o++) {
		enum pathway_outcome back = PATHWAY_OUTCOME_COUNT;
		assert_true(pathway_outcome_parse(pathway_outcome_code((enum pathway_outcome)o),
						  &back));
		assert_int_equal(back, o);
	}
	for (int r = 1; r < PATHWAY_REFUSAL_COUNT; r++) {
		const char *code = pathway_refusal_code((enum pathway_refusal)r);
		assert_true(strlen(code) > 3);
		assert_string_not_equal(code, "?");
		for (int q = 1; q < r; q++)
			assert_string_not_equal(code,
						pathway_refusal_code((enum pathway_refusal)q));
	}
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_NONE), "");
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_COUNT), "?");

	assert_string_equal(pathway_state_code(PATHWAY_ORIENTATION), "orientation");
	assert_string_equal(pathway_state_code(PATHWAY_FOLLOW_UP), "follow_up");
	assert_string_equal(pathway_state_code(PATHWAY_USUAL_CARE), "usual_care");
	assert_string_equal(pathway_state_label_fr(PATHWAY_CONSENTED), "Consentement recueilli");
	assert_string_equal(pathway_state_code(PATHWAY_STATE_COUNT), "?");
	assert_string_equal(pathway_action_code(PATHWAY_RECORD_CONSENT_GIVEN),
			    "record_consent_given");
	assert_string_equal(pathway_action_label_fr(PATHWAY_RECORD_CONSENT_GIVEN),
			    "Enregistrer le consentement");
	assert_string_equal(pathway_action_code(PATHWAY_ACTION_COUNT), "?");
	assert_string_equal(pathway_outcome_code(PATHWAY_OUTCOME_EXCLUDED), "excluded");
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_CONSENT_REQUIRED),
			    "consent_required");
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_DELEGANT_UNREACHABLE),
			    "delegant_unreachable");
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_PROTOCOL_SUSPENDED),
			    "protocol_suspended");
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_TRAINING_MISSING),
			    "training_missing");
	assert_string_equal(pathway_refusal_code(PATHWAY_REFUSAL_SECOND_CONTACT_DATE_PAST),
			    "second_contact_date_past");
	assert_string_equal(pathway_action_code(PATHWAY_PLAN_SECOND_CONTACT),
			    "plan_second_contact");
	assert_string_equal(pathway_action_label_fr(PATHWAY_PLAN_SECOND_CONTACT),
			    "Planifier le second contact");

	enum pathway_state st = PATHWAY_CLOSED;
	assert_false(pathway_state_parse("Orientation", &st));
	assert_false(pathway_state_parse("", &st));
	assert_false(pathway_state_parse(NULL, &st));
	assert_int_equal(st, PATHWAY_CLOSED);
	enum pathway_action ac = PATHWAY_CLOSE;
	assert_false(pathway_action_parse("closed", &ac));
	assert_false(pathway_action_parse(NULL, &ac));
	assert_int_equal(ac, PATHWAY_CLOSE);
	assert_true(pathway_action_parse("plan_second_contact", &ac));
	assert_int_equal(ac, PATHWAY_PLAN_SECOND_CONTACT);
	enum pathway_outcome oc = PATHWAY_OUTCOME_INCLUDED;
	assert_false(pathway_outcome_parse("unknown", &oc));
	assert_false(pathway_outcome_parse(NULL, &oc));
	assert_int_equal(oc, PATHWAY_OUTCOME_INCLUDED);

	assert_true(pathway_state_is_final(PATHWAY_USUAL_CARE));
	assert_true(pathway_state_is_final(PATHWAY_CLOSED));
	int finals = 0;
	for (int s = 0; s < PATHWAY_STATE_COUNT; s++)
		finals += pathway_state_is_final((enum pathway_state)s);
	assert_true(pathway_state_is_final(PATHWAY_CANCELLED));
	assert_int_equal(finals, 3);
}

/* ---- Who answers which question, when ---- */

static void test_may_answer(void **state)
{
	(void)state;
	const enum pathway_phase O = PATHWAY_PHASE_ORIENTATION, E = PATHWAY_PHASE_EXAMINATION;
	for (int s = 0; s < PATHWAY_STATE_COUNT; s++) {
		for (int w = PATHWAY_ASKER_SECRETARY; w <= PATHWAY_ASKER_OTHER; w++) {
			enum pathway_state st = (enum pathway_state)s;
			enum pathway_asker who = (enum pathway_asker)w;
			bool orienting = st == PATHWAY_ORIENTATION && who != PATHWAY_ASKER_OTHER;
			bool assessing = st == PATHWAY_ASSESSING && who == PATHWAY_ASKER_DELEGUE;
			print_message("%s × asker %d\n", pathway_state_code(st), w);
			assert_int_equal(pathway_may_answer(st, who, O), orienting || assessing);
			assert_int_equal(pathway_may_answer(st, who, E), assessing);
			/* "ne sait pas": at orientation only, by whoever orients */
			assert_int_equal(pathway_may_mark_unknown(st, who), orienting);
		}
	}
	assert_false(pathway_may_mark_unknown(PATHWAY_STATE_COUNT, PATHWAY_ASKER_SECRETARY));
	assert_false(pathway_may_answer(PATHWAY_ASSESSING, PATHWAY_ASKER_DELEGUE,
					(enum pathway_phase)7));
	assert_false(pathway_may_answer(PATHWAY_STATE_COUNT, PATHWAY_ASKER_DELEGUE, O));
}

static void test_questions_to_ask(void **state)
{
	(void)state;
	const struct pathway_question q[] = {
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_ANSWERED, false},
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_UNANSWERED, true},   /* "ne sait pas" */
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_UNANSWERED, false},  /* e.g. conditional */
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_NOT_APPLICABLE, false},
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_PENDING, false},
		{PATHWAY_PHASE_EXAMINATION, PATHWAY_Q_UNANSWERED, false},
		{PATHWAY_PHASE_EXAMINATION, PATHWAY_Q_ANSWERED, false},
	};
	const size_t n = sizeof(q) / sizeof(q[0]);
	bool ask[7];
	/* the secretary at orientation: the orientation questions that apply */
	assert_int_equal(pathway_questions_to_ask(PATHWAY_ORIENTATION, PATHWAY_ASKER_SECRETARY, q, n,
						  ask),
			 3);
	const bool sec[7] = {true, true, true, false, false, false, false};
	assert_memory_equal(ask, sec, sizeof(sec));
	/* the délégué assessing: every question that applies, whoever normally asks it */
	assert_int_equal(pathway_questions_to_ask(PATHWAY_ASSESSING, PATHWAY_ASKER_DELEGUE, q, n,
						  ask),
			 5);
	const bool del[7] = {true, true, true, false, false, true, true};
	assert_memory_equal(ask, del, sizeof(del));
	/* the secretary during the assessment, anyone after it: nothing */
	assert_int_equal(pathway_questions_to_ask(PATHWAY_ASSESSING, PATHWAY_ASKER_SECRETARY, q, n,
						  ask),
			 0);
	assert_int_equal(pathway_questions_to_ask(PATHWAY_INCLUDED, PATHWAY_ASKER_DELEGUE, q, n,
						  ask),
			 0);
	assert_false(ask[0]);
	assert_int_equal(pathway_questions_to_ask(PATHWAY_ASSESSING, PATHWAY_ASKER_DELEGUE, NULL, 0,
						  NULL),
			 0);

	/* open at orientation: applies, unanswered, not "ne sait pas" */
	size_t first = 99;
	assert_int_equal(pathway_orientation_open(q, n, &first), 1);
	assert_int_equal(first, 2);
	assert_int_equal(pathway_orientation_open(q, 2, &first), 0);
	assert_int_equal(first, 2); /* untouched */
	assert_int_equal(pathway_orientation_open(q, n, NULL), 1);
	const struct pathway_question empty[] = {
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_UNANSWERED, false},
		{PATHWAY_PHASE_ORIENTATION, PATHWAY_Q_UNANSWERED, false},
	};
	assert_int_equal(pathway_orientation_open(empty, 2, &first), 2);
	assert_int_equal(first, 0);
}

static void test_open_episode(void **state)
{
	(void)state;
	size_t at = 99;
	assert_false(pathway_open_episode(NULL, 0, &at));
	const enum pathway_state done[] = {PATHWAY_CLOSED, PATHWAY_USUAL_CARE, PATHWAY_CANCELLED};
	assert_false(pathway_open_episode(done, 3, &at));
	assert_int_equal(at, 99);
	for (int s = 0; s < PATHWAY_STATE_COUNT; s++) {
		const enum pathway_state some[] = {PATHWAY_CLOSED, (enum pathway_state)s,
						   PATHWAY_ORIENTATION};
		at = 99;
		assert_true(pathway_open_episode(some, 3, &at));
		assert_int_equal(at, pathway_state_is_final((enum pathway_state)s) ? 2 : 1);
	}
	assert_true(pathway_open_episode(done + 1, 1, NULL) == false);
	const enum pathway_state bad[] = {PATHWAY_STATE_COUNT};
	assert_false(pathway_open_episode(bad, 1, &at));
}

static void test_blocker_mapping(void **state)
{
	(void)state;
	static const struct {
		enum team_blocker b;
		const char *code;
	} map[] = {
		{TEAM_BLOCKER_NO_ADHESION, "not_member"},
		{TEAM_BLOCKER_WRONG_ROLE, "not_member"},
		{TEAM_BLOCKER_NOT_YET_MEMBER, "not_member"},
		{TEAM_BLOCKER_MEMBERSHIP_ENDED, "not_member"},
		{TEAM_BLOCKER_PROFESSION_NOT_ALLOWED, "profession_not_allowed"},
		{TEAM_BLOCKER_TRAINING_MISSING, "training_missing"},
		{TEAM_BLOCKER_TRAINING_LATE, "training_missing"},
		{TEAM_BLOCKER_TRAINING_SELF_VALIDATED, "training_missing"},
		{TEAM_BLOCKER_INSURANCE_MISSING, "insurance_missing"},
		{TEAM_BLOCKER_INSURANCE_LATE, "insurance_missing"},
		{TEAM_BLOCKER_ENGAGEMENT_MISSING, "engagement_missing"},
		{TEAM_BLOCKER_ENGAGEMENT_LATE, "engagement_missing"},
	};
	assert_int_equal(sizeof(map) / sizeof(map[0]), TEAM_BLOCKER_COUNT);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		assert_string_equal(pathway_refusal_code(pathway_refusal_for_blocker(map[i].b)),
				    map[i].code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state_and_action),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_reachability_from_team),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_whole_episode),
		cmocka_unit_test(test_second_contact_window),
		cmocka_unit_test(test_revoyure_last_day),
		cmocka_unit_test(test_codes_labels_parsers),
		cmocka_unit_test(test_blocker_mapping),
		cmocka_unit_test(test_may_answer),
		cmocka_unit_test(test_open_episode),
		cmocka_unit_test(test_questions_to_ask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
