/*
 * pathway.h — the patient pathway of one episode, as a state machine.
 *
 * An episode goes: orientation by the secretariat → protocol proposed → consent → assessment by
 * the délégué → included or excluded → optional revoyure by a délégant (decision day or the
 * next) → second contact where the protocol has one, in its window → closed. Refusing the
 * protocol at orientation or refusing consent ends in usual care. The délégué may stop an
 * assessment at any time (reorient: to a délégant, as an exclusion), and a request may be
 * cancelled before any decision. Who may answer which protocol question at which step is a rule
 * here too (pathway_may_answer()), so that no patient is left with a question nobody can ask.
 *
 * pathway_step() is a pure function: the caller gathers the facts (the episode's state, the
 * protocol's status, the team checks from team.h, the reachability message, the médecin
 * traitant...) into a plain struct and asks whether an action is allowed. The answer is the
 * next state, or a refusal with one stable code (for the API's error "code") and one French
 * message: the first rule that blocks, in the order documented in docs/internals/pathway.md
 * and above pathway_step(). Nothing here reads a clock, a database or a protocol file.
 */
#ifndef COOP_CORE_PATHWAY_H
#define COOP_CORE_PATHWAY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/profession.h"
#include "core/team.h"

enum pathway_state {
	PATHWAY_ORIENTATION, /* the secretariat asks the protocol's orientation questions */
	PATHWAY_PROPOSED,    /* protocol proposed, awaiting the patient's consent */
	PATHWAY_USUAL_CARE,  /* not oriented to the protocol, or consent refused: final */
	PATHWAY_CONSENTED,   /* consent given, assessment not started */
	PATHWAY_ASSESSING,   /* the délégué's assessment, answers saved as they come */
	PATHWAY_INCLUDED,    /* the engine said included: prescriptions, advice */
	PATHWAY_EXCLUDED,    /* reoriented to a physician with an urgency */
	PATHWAY_FOLLOW_UP,   /* first consultation over, second contact pending or done */
	PATHWAY_CLOSED,      /* final */
	PATHWAY_CANCELLED,   /* the request was cancelled before any decision: final */
	PATHWAY_STATE_COUNT
};

enum pathway_action {
	PATHWAY_PROPOSE,
	PATHWAY_ORIENT_TO_USUAL_CARE,
	PATHWAY_RECORD_CONSENT_GIVEN,
	PATHWAY_RECORD_CONSENT_REFUSED, /* also a withdrawal of consent before the decision */
	PATHWAY_START_ASSESSMENT,
	PATHWAY_SAVE_ANSWERS,
	PATHWAY_RECORD_DECISION,
	PATHWAY_RECORD_REVOYURE,
	PATHWAY_PLAN_SECOND_CONTACT, /* set or replace the second contact's planned date */
	PATHWAY_RECORD_SECOND_CONTACT,
	PATHWAY_RECORD_GP_INFORMED,
	PATHWAY_CLOSE,
	PATHWAY_REORIENT, /* the délégué stops the assessment: the patient goes to a délégant */
	PATHWAY_CANCEL,   /* the request is cancelled before any decision (with a reason) */
	PATHWAY_ACTION_COUNT
};

/* The engine's outcome, as the pathway needs it (core does not depend on src/protocol). */
enum pathway_outcome {
	PATHWAY_OUTCOME_INCOMPLETE,
	PATHWAY_OUTCOME_INCLUDED,
	PATHWAY_OUTCOME_EXCLUDED,
	PATHWAY_OUTCOME_COUNT
};

/* Why an action is refused; PATHWAY_REFUSAL_NONE when it is allowed. The team codes
 * (PATHWAY_REFUSAL_NOT_MEMBER … ENGAGEMENT_MISSING) come from the acting professional's
 * first team blocker. */
enum pathway_refusal {
	PATHWAY_REFUSAL_NONE,
	PATHWAY_REFUSAL_INVALID,          /* "invalid": state, action or outcome out of range */
	PATHWAY_REFUSAL_EPISODE_FINAL,    /* "episode_final": closed or usual care */
	PATHWAY_REFUSAL_WRONG_STATE,      /* "wrong_state" */
	PATHWAY_REFUSAL_CONSENT_REQUIRED, /* "consent_required" */
	PATHWAY_REFUSAL_PROTOCOL_NOT_ADOPTED,
	PATHWAY_REFUSAL_PROTOCOL_SUSPENDED,
	PATHWAY_REFUSAL_PROTOCOL_NOT_IN_FORCE,
	PATHWAY_REFUSAL_PROTOCOL_NOT_SIGNED,
	PATHWAY_REFUSAL_OUT_OF_SCOPE,    /* "patient_out_of_scope" */
	PATHWAY_REFUSAL_GP_NOT_DELEGANT, /* "gp_not_delegant": long-term protocol */
	PATHWAY_REFUSAL_NOT_MEMBER,      /* no adhesion, other role, not yet or no longer member */
	PATHWAY_REFUSAL_PROFESSION_NOT_ALLOWED,
	PATHWAY_REFUSAL_TRAINING_MISSING,   /* missing, validated after the date, self-validated */
	PATHWAY_REFUSAL_INSURANCE_MISSING,  /* missing or declared after the date */
	PATHWAY_REFUSAL_ENGAGEMENT_MISSING, /* missing or signed after the date */
	PATHWAY_REFUSAL_DELEGANT_UNREACHABLE,
	PATHWAY_REFUSAL_DECISION_INCOMPLETE,
	PATHWAY_REFUSAL_REVOYURE_ALREADY_RECORDED,
	PATHWAY_REFUSAL_REVOYURE_OUT_OF_WINDOW,
	PATHWAY_REFUSAL_SECOND_CONTACT_NOT_PLANNED,
	PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED,
	PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
	PATHWAY_REFUSAL_GP_NOT_INFORMED,
	PATHWAY_REFUSAL_SECOND_CONTACT_DATE_PAST, /* "second_contact_date_past": planned before today */
	PATHWAY_REFUSAL_ORIENTATION_INCOMPLETE,   /* "orientation_incomplete" */
	PATHWAY_REFUSAL_REASON_REQUIRED,          /* "reason_required": reorient, cancel */
	PATHWAY_REFUSAL_URGENCY_REQUIRED,         /* "urgency_required": reorient */
	PATHWAY_REFUSAL_DELEGANT_NOT_CALLED,      /* "delegant_not_called": reorient */
	PATHWAY_REFUSAL_REFERRAL_PENDING, /* "referral_pending": cancel while the answers refer */
	PATHWAY_REFUSAL_STRUCTURE_NOT_ALLOWED, /* "structure_not_allowed": the structure's type */
	PATHWAY_REFUSAL_COUNT
};

/* The patient's médecin traitant as the rules need it. */
enum pathway_gp {
	PATHWAY_GP_NONE,    /* no declared médecin traitant */
	PATHWAY_GP_IN_TEAM, /* a professional of the structure's team */
	PATHWAY_GP_OUTSIDE, /* outside the team: must be informed before closing */
};

/* Everything the rules look at. Fill it from the store; a zeroed struct refuses everything a
 * rule guards (nothing adopted, nobody checked, nobody reachable). */
struct pathway_facts {
	enum pathway_state state; /* the episode's current state */
	coop_date today;          /* date of the action (normally the server's date) */

	/* The protocol as the structure adopted it. */
	bool protocol_adopted;
	bool protocol_suspended; /* by the ARS or the structure's director */
	bool protocol_in_force;  /* a version of the protocol is in force today */
	bool protocol_signed;    /* template prescriptions signed by a délégant */
	bool protocol_long_term; /* prolonged follow-up: the délégant must be the GP */
	bool has_second_contact; /* the protocol plans a second contact */
	bool second_contact_has_window;
	int second_contact_from_day; /* window in days after the decision, both ends inclusive */
	int second_contact_to_day;

	/* The structure: its type (known: a valid code), and the types the version in force allows
	 * (bits 1u << enum structure_type; 0 means every type). */
	bool structure_type_known;
	enum structure_type structure_type;
	uint32_t structure_types_allowed;

	/* The patient. */
	bool patient_in_scope; /* the version's population (age, sex) */
	/* the answers recorded so far exclude the patient (the engine's decision): at
	 * orientation, proposing is then refused (usual care), rule 8 */
	bool answers_exclude;
	bool consent_given;    /* consent recorded and not withdrawn */
	enum pathway_gp gp;
	bool gp_informed;    /* the information sent to the GP is recorded */
	bool delegant_is_gp; /* the délégant in charge is the patient's médecin traitant */

	/* The professionals. */
	struct team_check delegue; /* team_check_adhesion(…, TEAM_ROLE_DELEGUE, today, …) */
	struct team_check revoyure_delegant; /* the délégant recording a revoyure (role délégant) */
	bool delegant_reachable;
	const char *reachability_message; /* from team_reach_message(); may be NULL */

	/* The episode so far. */
	coop_date decision_date; /* day of the délégué's decision (included / excluded); 0: none */
	bool revoyure_done;
	bool second_contact_done;
	/* The date proposed for the second contact (a valid date, as from date_parse()): the
	 * request's date, read only by PATHWAY_PLAN_SECOND_CONTACT. Left at 0 (01/01/1970), it
	 * is refused as past. */
	coop_date second_contact_planned;

	/* The orientation: how many orientation questions apply and are neither answered nor
	 * marked "ne sait pas" (pathway_orientation_open()), and the first one's wording (may be
	 * NULL), read by PATHWAY_PROPOSE. */
	size_t orientation_open;
	const char *orientation_open_label;

	/* Facts of the request, read by PATHWAY_REORIENT and PATHWAY_CANCEL: a reason written, an
	 * urgency chosen, the délégant called named (a délégant of the protocol in the team). */
	bool reason_given;
	bool urgency_given;
	bool delegant_called;

	/* The answers so far send the patient to a physician (the engine's latest verdict is a
	 * referral), with this urgency's French headline (may be NULL): read by PATHWAY_CANCEL,
	 * which must not make a referral vanish. */
	bool referral_known;
	const char *referral_headline;
};

#define PATHWAY_MESSAGE_MAX 640

struct pathway_result {
	bool allowed;
	enum pathway_state next;      /* the state after the action; the current one if refused */
	enum pathway_refusal refusal; /* PATHWAY_REFUSAL_NONE when allowed */
	char message[PATHWAY_MESSAGE_MAX]; /* French reason when refused; "" when allowed */
};

/* May `action` be done now on the episode described by f? `outcome` is the engine's outcome
 * for PATHWAY_RECORD_DECISION and ignored otherwise. Fills *out completely; returns
 * out->allowed.
 *
 * Transitions (any other pair is refused: wrong_state, or consent_required for an assessment
 * action before consent, or episode_final from closed and usual_care):
 *   orientation  propose → proposed; orient_to_usual_care → usual_care
 *   proposed     record_consent_given → consented; record_consent_refused,
 *                orient_to_usual_care → usual_care
 *   consented    start_assessment → assessing; record_consent_refused,
 *                orient_to_usual_care → usual_care
 *   assessing    save_answers → assessing; record_decision → included / excluded;
 *                record_consent_refused, orient_to_usual_care → usual_care
 *   included     record_revoyure, plan_second_contact, record_gp_informed → included;
 *                record_second_contact → follow_up;
 *                close → follow_up when the protocol has a second contact not yet done,
 *                        else closed
 *   excluded     record_revoyure, record_gp_informed → excluded; close → closed
 *   follow_up    record_revoyure, plan_second_contact, record_second_contact,
 *                record_gp_informed → follow_up;
 *                close → closed
 *   and: reorient (assessing) → excluded; cancel (orientation, proposed, consented,
 *        assessing) → cancelled (final)
 *
 * Rules, checked in this order; the first that blocks gives the refusal:
 *   1. the state is not final (closed, usual_care);             episode_final
 *   2. the action exists from this state;                      consent_required / wrong_state
 *   3. consent given (start_assessment, save_answers, record_decision);   consent_required
 *   4. protocol adopted, 5. not suspended, 6. in force, 7. signed, 7b. the structure's type
 *      allowed by the version in force (structure_not_allowed) — for propose,
 *      record_consent_given, start_assessment, save_answers, record_decision (except an
 *      excluded outcome), record_second_contact;
 *   8. patient in scope (propose, start_assessment), and for propose the answers so far do
 *      not exclude the patient (answers_exclude);                  patient_out_of_scope
 *   9. long-term protocol: the délégant is the GP (propose, start_assessment); gp_not_delegant
 *  10. the acting professional's team check: the délégué for start_assessment, save_answers,
 *      record_decision (except excluded), record_second_contact; the délégant for
 *      record_revoyure;                       code of the first blocker, message lists all
 *  11. a délégant reachable now (start_assessment);                delegant_unreachable
 *  12. record_decision: the outcome is not incomplete;            decision_incomplete
 *  13. record_revoyure: not already recorded; today is the decision day or the next;
 *  14. record_second_contact: planned by the protocol; not already recorded; today in the
 *      window (without a known window: any day after the decision day);
 *  15. plan_second_contact: planned by the protocol (second_contact_not_planned); not already
 *      recorded (second_contact_already_recorded); second_contact_planned not before today
 *      (second_contact_date_past); second_contact_planned in the window, as given by
 *      pathway_second_contact_window() (second_contact_out_of_window). Planning is
 *      administrative: rules 4–7 and 10 do not apply to it. Planning again replaces the plan
 *      and is allowed;
 *  16. a transition into closed: a GP outside the team has been informed.  gp_not_informed
 *  17. propose: every orientation question that applies is answered or marked "ne sait
 *      pas" (orientation_open == 0);                               orientation_incomplete
 *  18. reorient: a reason, an urgency and the délégant called;
 *                               reason_required, urgency_required, delegant_not_called
 *  19. cancel: a reason;                                            reason_required
 *      and not while the answers send the patient to a physician (referral_known): the
 *      patient is oriented to the physician (orientation) or reoriented to a délégant
 *      (assessment) instead, so that no referral vanishes;           referral_pending
 * Reorient and cancel are safe exits: rules 3–11 do not apply to them.
 */
bool pathway_step(const struct pathway_facts *f, enum pathway_action action,
		  enum pathway_outcome outcome, struct pathway_result *out);

/* The dates allowed for the second contact, both ends inclusive, for screens (a date picker,
 * "à planifier entre le … et le …"). Reads has_second_contact, the window and decision_date
 * only. False, *from and *to untouched, when the protocol plans no second contact or there is
 * no decision yet (decision_date 0). Otherwise *from is the decision date + from_day and *to the
 * decision date + to_day; without a known window, *from is the day after the decision and *to
 * is 0, meaning "no end". The window is not clipped to today: plan_second_contact also refuses
 * a date before today. from and to must not be NULL. */
bool pathway_second_contact_window(const struct pathway_facts *f, coop_date *from, coop_date *to);

/* The last day a délégant may record the revoyure of a decision taken on `decision` (rule 13:
 * the decision day or the next), for screens listing the revoyures still to do. */
coop_date pathway_revoyure_last_day(coop_date decision);

/* ---- Who answers which question, when -------------------------------------------------------
 *
 * A protocol file says who normally asks each question (orientation by the secretariat,
 * examination by the délégué). At orientation, the secretariat (or a délégué orienting) answers
 * the orientation questions, conditional ones included as soon as they apply; what it cannot
 * answer it marks "ne sait pas". During the assessment the délégué may answer every question,
 * whoever normally asks it: an orientation question left open is asked again by the délégué and
 * recorded as the délégué's. Nobody answers at any other step (answers are frozen after the
 * decision). So whatever the engine still needs at a step is on the screen of who acts then. */

enum pathway_asker { PATHWAY_ASKER_SECRETARY, PATHWAY_ASKER_DELEGUE, PATHWAY_ASKER_OTHER };

/* When the protocol file says a question is normally asked. */
enum pathway_phase { PATHWAY_PHASE_ORIENTATION, PATHWAY_PHASE_EXAMINATION };

/* A question as the engine sees it now (same order as the engine's question states). */
enum pathway_question_status {
	PATHWAY_Q_ANSWERED,
	PATHWAY_Q_UNANSWERED,     /* applies, no answer yet */
	PATHWAY_Q_NOT_APPLICABLE, /* its condition is false */
	PATHWAY_Q_PENDING,        /* its condition is still unknown */
};

struct pathway_question {
	enum pathway_phase phase;
	enum pathway_question_status status;
	bool unknown; /* marked "ne sait pas" at orientation */
};

/* May `who` answer a question normally asked at `phase` while the episode is in state `s`?
 * Orientation: the secretariat or a délégué, orientation questions only. Assessing: the
 * délégué, every question. Any other state or asker: no. False for out-of-range values. */
bool pathway_may_answer(enum pathway_state s, enum pathway_asker who, enum pathway_phase phase);

/* May `who` mark questions "ne sait pas" at state `s`? Only at orientation, by the
 * secretariat or a délégué orienting (the délégué will ask them); during the examination the
 * délégué asks the patient. False for out-of-range values. */
bool pathway_may_mark_unknown(enum pathway_state s, enum pathway_asker who);

/* The questions the screen of `who` shows at state `s`: ask[i] is set true for the questions
 * that apply (answered or not) and that pathway_may_answer() lets `who` answer, false for the
 * others. ask must hold n entries; q may be NULL when n is 0. Returns how many are true. */
size_t pathway_questions_to_ask(enum pathway_state s, enum pathway_asker who,
				const struct pathway_question *q, size_t n, bool *ask);

/* The orientation questions still open: applying, unanswered and not marked "ne sait pas".
 * Returns their count; *first (when not NULL and the count is not 0) gets the first one's
 * index. A pending question (its condition depends on a "ne sait pas") is not open: the
 * délégué will ask it. */
size_t pathway_orientation_open(const struct pathway_question *q, size_t n, size_t *first);

/* One open episode per patient and protocol: given the states of the patient's episodes under
 * the protocol, true when one is still open (not in a final state), with its index in *at (the
 * first such; at may be NULL). A new request is then refused, naming that episode: the
 * secretariat resumes or cancels it. */
bool pathway_open_episode(const enum pathway_state *existing, size_t n, size_t *at);

/* True for the states no action leaves (usual_care, closed, cancelled). */
bool pathway_state_is_final(enum pathway_state s);

/* Stable API codes ("orientation", "follow_up"...); "?" when out of range. */
const char *pathway_state_code(enum pathway_state s);
/* French labels for screens ("Consentement recueilli"); "?" when out of range. */
const char *pathway_state_label_fr(enum pathway_state s);
/* Parses a state code; false (out untouched) when unknown or code is NULL. */
bool pathway_state_parse(const char *code, enum pathway_state *out);

/* Stable API codes ("record_consent_given"...); "?" when out of range. */
const char *pathway_action_code(enum pathway_action a);
/* French labels for buttons ("Enregistrer le consentement"); "?" when out of range. */
const char *pathway_action_label_fr(enum pathway_action a);
/* Parses an action code; false (out untouched) when unknown or code is NULL. */
bool pathway_action_parse(const char *code, enum pathway_action *out);

/* "incomplete", "included", "excluded" (the engine's decision codes); "?" when out of range. */
const char *pathway_outcome_code(enum pathway_outcome o);
/* Parses an outcome code; false (out untouched) when unknown or code is NULL. */
bool pathway_outcome_parse(const char *code, enum pathway_outcome *out);

/* Stable API error codes ("consent_required", "delegant_unreachable"...); "" for NONE, "?"
 * when out of range. */
const char *pathway_refusal_code(enum pathway_refusal r);

/* The refusal code for a team blocker (NOT_MEMBER … ENGAGEMENT_MISSING). */
enum pathway_refusal pathway_refusal_for_blocker(enum team_blocker b);

#endif
