/*
 * pathway.c — the episode state machine: transition table, rules in a fixed order, French
 * refusal messages.
 *
 * The transition table says which actions exist from which state; the rules are one static
 * function each, called in the documented order by pathway_step(), each returning true when it
 * blocks (after writing the refusal). Adding a rule means adding one function and one line.
 */
#include "core/pathway.h"

#include "base/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Codes and labels ---------------------------------------------------------------------- */

static const struct {
	const char *code;
	const char *label;
} states[PATHWAY_STATE_COUNT] = {
	[PATHWAY_ORIENTATION] = {"orientation", "Orientation par le secrétariat"},
	[PATHWAY_PROPOSED] = {"proposed", "Protocole proposé, consentement attendu"},
	[PATHWAY_USUAL_CARE] = {"usual_care", "Prise en charge habituelle par le médecin"},
	[PATHWAY_CONSENTED] = {"consented", "Consentement recueilli"},
	[PATHWAY_ASSESSING] = {"assessing", "Évaluation par le délégué en cours"},
	[PATHWAY_INCLUDED] = {"included", "Inclus dans le protocole"},
	[PATHWAY_EXCLUDED] = {"excluded", "Exclu, réorienté vers le médecin"},
	[PATHWAY_FOLLOW_UP] = {"follow_up", "Suivi : second contact"},
	[PATHWAY_CLOSED] = {"closed", "Épisode clôturé"},
	[PATHWAY_CANCELLED] = {"cancelled", "Demande annulée"},
};

static const struct {
	const char *code;
	const char *label;
} actions[PATHWAY_ACTION_COUNT] = {
	[PATHWAY_PROPOSE] = {"propose", "Proposer le protocole"},
	[PATHWAY_ORIENT_TO_USUAL_CARE] = {"orient_to_usual_care",
					  "Orienter vers la prise en charge habituelle"},
	[PATHWAY_RECORD_CONSENT_GIVEN] = {"record_consent_given", "Enregistrer le consentement"},
	[PATHWAY_RECORD_CONSENT_REFUSED] = {"record_consent_refused",
					    "Enregistrer le refus du patient"},
	[PATHWAY_START_ASSESSMENT] = {"start_assessment", "Commencer l'évaluation"},
	[PATHWAY_SAVE_ANSWERS] = {"save_answers", "Enregistrer les réponses"},
	[PATHWAY_RECORD_DECISION] = {"record_decision", "Enregistrer la décision"},
	[PATHWAY_RECORD_REVOYURE] = {"record_revoyure", "Enregistrer la revoyure"},
	[PATHWAY_PLAN_SECOND_CONTACT] = {"plan_second_contact", "Planifier le second contact"},
	[PATHWAY_RECORD_SECOND_CONTACT] = {"record_second_contact",
					   "Enregistrer le second contact"},
	[PATHWAY_RECORD_GP_INFORMED] = {"record_gp_informed",
					"Enregistrer l'information du médecin traitant"},
	[PATHWAY_CLOSE] = {"close", "Clôturer"},
	[PATHWAY_REORIENT] = {"reorient", "Arrêter l'évaluation et réorienter vers un délégant"},
	[PATHWAY_CANCEL] = {"cancel", "Annuler la demande"},
};

static const char *const outcome_codes[PATHWAY_OUTCOME_COUNT] = {
	[PATHWAY_OUTCOME_INCOMPLETE] = "incomplete",
	[PATHWAY_OUTCOME_INCLUDED] = "included",
	[PATHWAY_OUTCOME_EXCLUDED] = "excluded",
};

static const char *const refusal_codes[PATHWAY_REFUSAL_COUNT] = {
	[PATHWAY_REFUSAL_NONE] = "",
	[PATHWAY_REFUSAL_INVALID] = "invalid",
	[PATHWAY_REFUSAL_EPISODE_FINAL] = "episode_final",
	[PATHWAY_REFUSAL_WRONG_STATE] = "wrong_state",
	[PATHWAY_REFUSAL_CONSENT_REQUIRED] = "consent_required",
	[PATHWAY_REFUSAL_PROTOCOL_NOT_ADOPTED] = "protocol_not_adopted",
	[PATHWAY_REFUSAL_PROTOCOL_SUSPENDED] = "protocol_suspended",
	[PATHWAY_REFUSAL_PROTOCOL_NOT_IN_FORCE] = "protocol_not_in_force",
	[PATHWAY_REFUSAL_PROTOCOL_NOT_SIGNED] = "protocol_not_signed",
	[PATHWAY_REFUSAL_OUT_OF_SCOPE] = "patient_out_of_scope",
	[PATHWAY_REFUSAL_GP_NOT_DELEGANT] = "gp_not_delegant",
	[PATHWAY_REFUSAL_NOT_MEMBER] = "not_member",
	[PATHWAY_REFUSAL_PROFESSION_NOT_ALLOWED] = "profession_not_allowed",
	[PATHWAY_REFUSAL_TRAINING_MISSING] = "training_missing",
	[PATHWAY_REFUSAL_INSURANCE_MISSING] = "insurance_missing",
	[PATHWAY_REFUSAL_ENGAGEMENT_MISSING] = "engagement_missing",
	[PATHWAY_REFUSAL_DELEGANT_UNREACHABLE] = "delegant_unreachable",
	[PATHWAY_REFUSAL_DECISION_INCOMPLETE] = "decision_incomplete",
	[PATHWAY_REFUSAL_REVOYURE_ALREADY_RECORDED] = "revoyure_already_recorded",
	[PATHWAY_REFUSAL_REVOYURE_OUT_OF_WINDOW] = "revoyure_out_of_window",
	[PATHWAY_REFUSAL_SECOND_CONTACT_NOT_PLANNED] = "second_contact_not_planned",
	[PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED] = "second_contact_already_recorded",
	[PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW] = "second_contact_out_of_window",
	[PATHWAY_REFUSAL_GP_NOT_INFORMED] = "gp_not_informed",
	[PATHWAY_REFUSAL_SECOND_CONTACT_DATE_PAST] = "second_contact_date_past",
	[PATHWAY_REFUSAL_ORIENTATION_INCOMPLETE] = "orientation_incomplete",
	[PATHWAY_REFUSAL_REASON_REQUIRED] = "reason_required",
	[PATHWAY_REFUSAL_URGENCY_REQUIRED] = "urgency_required",
	[PATHWAY_REFUSAL_DELEGANT_NOT_CALLED] = "delegant_not_called",
	[PATHWAY_REFUSAL_REFERRAL_PENDING] = "referral_pending",
	[PATHWAY_REFUSAL_STRUCTURE_NOT_ALLOWED] = "structure_not_allowed",
};

bool pathway_state_is_final(enum pathway_state s)
{
	return s == PATHWAY_USUAL_CARE || s == PATHWAY_CLOSED || s == PATHWAY_CANCELLED;
}

const char *pathway_state_code(enum pathway_state s)
{
	return (unsigned)s < PATHWAY_STATE_COUNT ? states[s].code : "?";
}

const char *pathway_state_label_fr(enum pathway_state s)
{
	return (unsigned)s < PATHWAY_STATE_COUNT ? states[s].label : "?";
}

bool pathway_state_parse(const char *code, enum pathway_state *out)
{
	if (!code)
		return false;
	for (int i = 0; i < PATHWAY_STATE_COUNT; i++) {
		if (strcmp(code, states[i].code) == 0) {
			*out = (enum pathway_state)i;
			return true;
		}
	}
	return false;
}

const char *pathway_action_code(enum pathway_action a)
{
	return (unsigned)a < PATHWAY_ACTION_COUNT ? actions[a].code : "?";
}

const char *pathway_action_label_fr(enum pathway_action a)
{
	return (unsigned)a < PATHWAY_ACTION_COUNT ? actions[a].label : "?";
}

bool pathway_action_parse(const char *code, enum pathway_action *out)
{
	if (!code)
		return false;
	for (int i = 0; i < PATHWAY_ACTION_COUNT; i++) {
		if (strcmp(code, actions[i].code) == 0) {
			*out = (enum pathway_action)i;
			return true;
		}
	}
	return false;
}

const char *pathway_outcome_code(enum pathway_outcome o)
{
	return (unsigned)o < PATHWAY_OUTCOME_COUNT ? outcome_codes[o] : "?";
}

bool pathway_outcome_parse(const char *code, enum pathway_outcome *out)
{
	if (!code)
		return false;
	for (int i = 0; i < PATHWAY_OUTCOME_COUNT; i++) {
		if (strcmp(code, outcome_codes[i]) == 0) {
			*out = (enum pathway_outcome)i;
			return true;
		}
	}
	return false;
}

const char *pathway_refusal_code(enum pathway_refusal r)
{
	return (unsigned)r < PATHWAY_REFUSAL_COUNT ? refusal_codes[r] : "?";
}

enum pathway_refusal pathway_refusal_for_blocker(enum team_blocker b)
{
	switch (b) {
	case TEAM_BLOCKER_PROFESSION_NOT_ALLOWED: return PATHWAY_REFUSAL_PROFESSION_NOT_ALLOWED;
	case TEAM_BLOCKER_TRAINING_MISSING:
	case TEAM_BLOCKER_TRAINING_LATE:
	case TEAM_BLOCKER_TRAINING_SELF_VALIDATED: return PATHWAY_REFUSAL_TRAINING_MISSING;
	case TEAM_BLOCKER_INSURANCE_MISSING:
	case TEAM_BLOCKER_INSURANCE_LATE: return PATHWAY_REFUSAL_INSURANCE_MISSING;
	case TEAM_BLOCKER_ENGAGEMENT_MISSING:
	case TEAM_BLOCKER_ENGAGEMENT_LATE: return PATHWAY_REFUSAL_ENGAGEMENT_MISSING;
	case TEAM_BLOCKER_NO_ADHESION:
	case TEAM_BLOCKER_WRONG_ROLE:
	case TEAM_BLOCKER_NOT_YET_MEMBER:
	case TEAM_BLOCKER_MEMBERSHIP_ENDED:
	case TEAM_BLOCKER_COUNT: break;
	}
	return PATHWAY_REFUSAL_NOT_MEMBER;
}

/* ---- Transition table ---------------------------------------------------------------------- */

/* Every row lists every action (a missing one would read as 0, the orientation state). */

/* NONE: the action does not exist from that state. close from included is resolved in
 * close_target() (follow_up or closed). */
#define NONE PATHWAY_STATE_COUNT

static const enum pathway_state transitions[PATHWAY_STATE_COUNT][PATHWAY_ACTION_COUNT] = {
	[PATHWAY_ORIENTATION] =
		{
			[PATHWAY_PROPOSE] = PATHWAY_PROPOSED,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = PATHWAY_USUAL_CARE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = PATHWAY_CANCELLED,
		},
	[PATHWAY_PROPOSED] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = PATHWAY_USUAL_CARE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = PATHWAY_CONSENTED,
			[PATHWAY_RECORD_CONSENT_REFUSED] = PATHWAY_USUAL_CARE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = PATHWAY_CANCELLED,
		},
	[PATHWAY_CONSENTED] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = PATHWAY_USUAL_CARE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = PATHWAY_USUAL_CARE,
			[PATHWAY_START_ASSESSMENT] = PATHWAY_ASSESSING,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = PATHWAY_CANCELLED,
		},
	[PATHWAY_ASSESSING] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = PATHWAY_USUAL_CARE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = PATHWAY_USUAL_CARE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = PATHWAY_ASSESSING,
			/* included or excluded: resolved from the outcome */
			[PATHWAY_RECORD_DECISION] = PATHWAY_INCLUDED,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = PATHWAY_EXCLUDED,
			[PATHWAY_CANCEL] = PATHWAY_CANCELLED,
		},
	[PATHWAY_INCLUDED] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = NONE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = PATHWAY_INCLUDED,
			[PATHWAY_PLAN_SECOND_CONTACT] = PATHWAY_INCLUDED,
			[PATHWAY_RECORD_SECOND_CONTACT] = PATHWAY_FOLLOW_UP,
			[PATHWAY_RECORD_GP_INFORMED] = PATHWAY_INCLUDED,
			/* follow_up or closed: resolved in close_target() */
			[PATHWAY_CLOSE] = PATHWAY_CLOSED,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = NONE,
		},
	[PATHWAY_EXCLUDED] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = NONE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = PATHWAY_EXCLUDED,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = PATHWAY_EXCLUDED,
			[PATHWAY_CLOSE] = PATHWAY_CLOSED,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = NONE,
		},
	[PATHWAY_FOLLOW_UP] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = NONE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = PATHWAY_FOLLOW_UP,
			[PATHWAY_PLAN_SECOND_CONTACT] = PATHWAY_FOLLOW_UP,
			[PATHWAY_RECORD_SECOND_CONTACT] = PATHWAY_FOLLOW_UP,
			[PATHWAY_RECORD_GP_INFORMED] = PATHWAY_FOLLOW_UP,
			[PATHWAY_CLOSE] = PATHWAY_CLOSED,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = NONE,
		},
	/* usual_care and closed are final: nothing leaves them (rule 1 refuses first). */
	[PATHWAY_USUAL_CARE] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = NONE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = NONE,
		},
	[PATHWAY_CLOSED] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = NONE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = NONE,
		},
	[PATHWAY_CANCELLED] =
		{
			[PATHWAY_PROPOSE] = NONE,
			[PATHWAY_ORIENT_TO_USUAL_CARE] = NONE,
			[PATHWAY_RECORD_CONSENT_GIVEN] = NONE,
			[PATHWAY_RECORD_CONSENT_REFUSED] = NONE,
			[PATHWAY_START_ASSESSMENT] = NONE,
			[PATHWAY_SAVE_ANSWERS] = NONE,
			[PATHWAY_RECORD_DECISION] = NONE,
			[PATHWAY_RECORD_REVOYURE] = NONE,
			[PATHWAY_PLAN_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_SECOND_CONTACT] = NONE,
			[PATHWAY_RECORD_GP_INFORMED] = NONE,
			[PATHWAY_CLOSE] = NONE,
			[PATHWAY_REORIENT] = NONE,
			[PATHWAY_CANCEL] = NONE,
		},
};

/* The state an allowed action leads to (the table, refined by the outcome and close). */
static enum pathway_state target(const struct pathway_facts *f, enum pathway_action a,
				 enum pathway_outcome o)
{
	if (a == PATHWAY_RECORD_DECISION)
		return o == PATHWAY_OUTCOME_EXCLUDED ? PATHWAY_EXCLUDED : PATHWAY_INCLUDED;
	if (a == PATHWAY_CLOSE && f->state == PATHWAY_INCLUDED && f->has_second_contact &&
	    !f->second_contact_done)
		return PATHWAY_FOLLOW_UP;
	return transitions[f->state][a];
}

/* ---- Refusal messages ---------------------------------------------------------------------- */

/* Writes a refusal into r (cut on a UTF-8 boundary if too long); always returns true so that
 * rules can `return refuse(...)`. */
static bool refuse(struct pathway_result *r, enum pathway_refusal code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool refuse(struct pathway_result *r, enum pathway_refusal code, const char *fmt, ...)
{
	r->allowed = false;
	r->refusal = code;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	if (w < 0) {
		r->message[0] = '\0';
	} else if ((size_t)w >= sizeof(r->message)) {
		/* Truncated: drop a trailing partial UTF-8 sequence. */
		size_t end = sizeof(r->message) - 1;
		r->message[utf8_cut(r->message, end, end)] = '\0';
	}
	return true;
}

/* ---- Rules, one function each, in the documented order ------------------------------------- */

struct step {
	const struct pathway_facts *f;
	enum pathway_action action;
	enum pathway_outcome outcome;
	struct pathway_result *out;
};

static bool is_assessment_action(enum pathway_action a)
{
	return a == PATHWAY_START_ASSESSMENT || a == PATHWAY_SAVE_ANSWERS ||
	       a == PATHWAY_RECORD_DECISION;
}

/* Recording an exclusion (the patient is sent to a physician) is never blocked by the
 * protocol's status or the délégué's team rules: it is the safe way out. */
static bool is_exclusion(const struct step *s)
{
	return s->action == PATHWAY_RECORD_DECISION && s->outcome == PATHWAY_OUTCOME_EXCLUDED;
}

/* Actions done under the protocol's derogation, or that commit the patient to it. */
static bool needs_runnable_protocol(const struct step *s)
{
	switch (s->action) {
	case PATHWAY_PROPOSE:
	case PATHWAY_RECORD_CONSENT_GIVEN:
	case PATHWAY_START_ASSESSMENT:
	case PATHWAY_SAVE_ANSWERS:
	case PATHWAY_RECORD_SECOND_CONTACT: return true;
	case PATHWAY_RECORD_DECISION: return !is_exclusion(s);
	default: return false;
	}
}

/* Actions done by the délégué under the protocol. */
static bool needs_delegue(const struct step *s)
{
	switch (s->action) {
	case PATHWAY_START_ASSESSMENT:
	case PATHWAY_SAVE_ANSWERS:
	case PATHWAY_RECORD_SECOND_CONTACT: return true;
	case PATHWAY_RECORD_DECISION: return !is_exclusion(s);
	default: return false;
	}
}

/* 1. Nothing after closed or usual care. */
static bool rule_final(const struct step *s)
{
	if (s->f->state == PATHWAY_CLOSED)
		return refuse(s->out, PATHWAY_REFUSAL_EPISODE_FINAL,
			      "L'épisode est clôturé : aucune action n'est plus possible.");
	if (s->f->state == PATHWAY_USUAL_CARE)
		return refuse(s->out, PATHWAY_REFUSAL_EPISODE_FINAL,
			      "Le patient a été orienté vers la prise en charge habituelle : "
			      "l'épisode est terminé, aucune action n'est plus possible.");
	if (s->f->state == PATHWAY_CANCELLED)
		return refuse(s->out, PATHWAY_REFUSAL_EPISODE_FINAL,
			      "La demande a été annulée : aucune action n'est plus possible.");
	return false;
}

/* 2. The action must exist from the current state. */
static bool rule_transition(const struct step *s)
{
	if (transitions[s->f->state][s->action] != NONE)
		return false;
	if (is_assessment_action(s->action) &&
	    (s->f->state == PATHWAY_ORIENTATION || s->f->state == PATHWAY_PROPOSED))
		return refuse(s->out, PATHWAY_REFUSAL_CONSENT_REQUIRED,
			      "Le consentement du patient doit être recueilli avant l'évaluation.");
	return refuse(s->out, PATHWAY_REFUSAL_WRONG_STATE,
		      "Action « %s » impossible à l'étape « %s ».", actions[s->action].label,
		      states[s->f->state].label);
}

/* 3. Consent precedes assessment (the recorded fact, not only the state). */
static bool rule_consent(const struct step *s)
{
	if (!is_assessment_action(s->action) || s->f->consent_given)
		return false;
	return refuse(s->out, PATHWAY_REFUSAL_CONSENT_REQUIRED,
		      "Le consentement du patient doit être recueilli avant l'évaluation.");
}

/* 4–7b. The protocol is adopted, not suspended, in force and signed, and the structure's type
 * is one the version in force allows. */
static bool rule_protocol(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (!needs_runnable_protocol(s))
		return false;
	if (!f->protocol_adopted)
		return refuse(s->out, PATHWAY_REFUSAL_PROTOCOL_NOT_ADOPTED,
			      "Le protocole n'est pas adopté par la structure.");
	if (f->protocol_suspended)
		return refuse(s->out, PATHWAY_REFUSAL_PROTOCOL_SUSPENDED,
			      "Le protocole est suspendu : aucune prise en charge n'est possible.");
	if (!f->protocol_in_force) {
		char d[16];
		date_format_fr(f->today, d, sizeof(d));
		return refuse(s->out, PATHWAY_REFUSAL_PROTOCOL_NOT_IN_FORCE,
			      "Aucune version du protocole n'est en vigueur le %s.", d);
	}
	if (!f->protocol_signed)
		return refuse(
			s->out, PATHWAY_REFUSAL_PROTOCOL_NOT_SIGNED,
			"Les ordonnances types du protocole n'ont pas encore été signées par un "
			"délégant.");
	if (!f->structure_type_known || (unsigned)f->structure_type >= STRUCT_COUNT)
		return refuse(s->out, PATHWAY_REFUSAL_STRUCTURE_NOT_ALLOWED,
			      "Le type de la structure n'est pas renseigné : le protocole ne peut "
			      "pas être appliqué. Le coordinateur peut le compléter.");
	if (f->structure_types_allowed != 0 &&
	    !(f->structure_types_allowed & (UINT32_C(1) << f->structure_type)))
		return refuse(s->out, PATHWAY_REFUSAL_STRUCTURE_NOT_ALLOWED,
			      "La version en vigueur du protocole ne peut pas être appliquée dans "
			      "une structure de type « %s ».",
			      structure_type_label_fr(f->structure_type));
	return false;
}

/* 8. The patient is in the protocol's scope; what the orientation answers already exclude is
 * not proposed (usual care). */
static bool rule_scope(const struct step *s)
{
	if (s->action != PATHWAY_PROPOSE && s->action != PATHWAY_START_ASSESSMENT)
		return false;
	if (s->f->patient_in_scope && !(s->action == PATHWAY_PROPOSE && s->f->answers_exclude))
		return false;
	return refuse(s->out, PATHWAY_REFUSAL_OUT_OF_SCOPE,
		      "Le patient n'entre pas dans le champ du protocole (population ou réponses "
		      "d'orientation).");
}

/* 9. Long-term protocols apply only when the délégant is the médecin traitant. */
static bool rule_long_term(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_PROPOSE && s->action != PATHWAY_START_ASSESSMENT)
		return false;
	if (!f->protocol_long_term || f->delegant_is_gp)
		return false;
	return refuse(
		s->out, PATHWAY_REFUSAL_GP_NOT_DELEGANT,
		"Protocole de suivi au long cours : il ne s'applique que si le délégant est le "
		"médecin traitant du patient%s.",
		f->gp == PATHWAY_GP_NONE ? " (aucun médecin traitant déclaré)" : "");
}

/* The first byte of a sentence put after a colon: an ASCII capital becomes lower case (every
 * message of team.h starts with an ASCII letter). */
static char lower_first(const char *msg)
{
	char c = msg[0];
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Refuses with the first blocker's code and every blocker in the message. */
static bool refuse_team(const struct step *s, const struct team_check *c, const char *who)
{
	enum team_blocker first;
	enum pathway_refusal code = PATHWAY_REFUSAL_NOT_MEMBER;
	if (team_check_first(c, &first))
		code = pathway_refusal_for_blocker(first);
	char d[16];
	date_format_fr(s->f->today, d, sizeof(d));
	if (c->message[0] == '\0')
		return refuse(s->out, code, "%s ne peut pas agir pour ce protocole le %s.", who, d);
	return refuse(s->out, code, "%s ne peut pas agir pour ce protocole le %s : %c%s.", who, d,
		      lower_first(c->message), c->message + 1);
}

/* 10. The acting professional may act in their role today. */
static bool rule_team(const struct step *s)
{
	if (needs_delegue(s) && !s->f->delegue.ok)
		return refuse_team(s, &s->f->delegue, "Le délégué");
	if (s->action == PATHWAY_RECORD_REVOYURE && !s->f->revoyure_delegant.ok)
		return refuse_team(s, &s->f->revoyure_delegant, "Le délégant de la revoyure");
	return false;
}

/* 11. A délégant of the protocol can be reached before taking charge. */
static bool rule_reachable(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_START_ASSESSMENT || f->delegant_reachable)
		return false;
	if (f->reachability_message && f->reachability_message[0] != '\0')
		return refuse(s->out, PATHWAY_REFUSAL_DELEGANT_UNREACHABLE,
			      "Évaluation impossible : %c%s.", lower_first(f->reachability_message),
			      f->reachability_message + 1);
	return refuse(s->out, PATHWAY_REFUSAL_DELEGANT_UNREACHABLE,
		      "Évaluation impossible : aucun délégant du protocole n'est joignable "
		      "maintenant.");
}

/* 12. Only a final outcome can be recorded. */
static bool rule_decision(const struct step *s)
{
	if (s->action != PATHWAY_RECORD_DECISION || s->outcome != PATHWAY_OUTCOME_INCOMPLETE)
		return false;
	return refuse(s->out, PATHWAY_REFUSAL_DECISION_INCOMPLETE,
		      "Évaluation incomplète : la décision ne peut être enregistrée qu'une fois le "
		      "patient inclus ou exclu.");
}

/* 13. One revoyure, on the decision day or the next. */
coop_date pathway_revoyure_last_day(coop_date decision)
{
	return decision + 1;
}

static bool rule_revoyure(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_RECORD_REVOYURE)
		return false;
	if (f->revoyure_done)
		return refuse(s->out, PATHWAY_REFUSAL_REVOYURE_ALREADY_RECORDED,
			      "La revoyure a déjà été enregistrée pour cet épisode.");
	const coop_date last = pathway_revoyure_last_day(f->decision_date);
	if (f->today >= f->decision_date && f->today <= last)
		return false;
	char d0[16], d1[16];
	date_format_fr(f->decision_date, d0, sizeof(d0));
	date_format_fr(last, d1, sizeof(d1));
	return refuse(s->out, PATHWAY_REFUSAL_REVOYURE_OUT_OF_WINDOW,
		      "La revoyure n'est possible que le jour de la décision ou le lendemain "
		      "(le %s ou le %s).",
		      d0, d1);
}

/* "1er", "14e": French ordinal of a day count. */
static void ordinal(int n, char *buf, size_t size)
{
	snprintf(buf, size, n == 1 ? "%der" : "%de", n);
}

/* 14. The second contact: planned, once, in its window. */
static bool rule_second_contact(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_RECORD_SECOND_CONTACT)
		return false;
	if (!f->has_second_contact)
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_NOT_PLANNED,
			      "Ce protocole ne prévoit pas de second contact.");
	if (f->second_contact_done)
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED,
			      "Le second contact a déjà été enregistré pour cet épisode.");
	const int32_t day = f->today - f->decision_date;
	char d0[16], d1[16];
	if (!f->second_contact_has_window) {
		if (day >= 1)
			return false;
		date_format_fr(f->decision_date, d0, sizeof(d0));
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
			      "Le second contact n'est possible qu'après le jour de la première "
			      "consultation (%s).",
			      d0);
	}
	if (day >= f->second_contact_from_day && day <= f->second_contact_to_day)
		return false;
	char o0[16], o1[16];
	ordinal(f->second_contact_from_day, o0, sizeof(o0));
	ordinal(f->second_contact_to_day, o1, sizeof(o1));
	date_format_fr(f->decision_date + f->second_contact_from_day, d0, sizeof(d0));
	date_format_fr(f->decision_date + f->second_contact_to_day, d1, sizeof(d1));
	return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
		      "Le second contact n'est possible que du %s au %s jour après la première "
		      "consultation, soit du %s au %s.",
		      o0, o1, d0, d1);
}

/* The second contact's window as dates from a decision date (see
 * pathway_second_contact_window(); *to is 0 without a known window). */
static void window_dates(const struct pathway_facts *f, coop_date *from, coop_date *to)
{
	if (f->second_contact_has_window) {
		*from = f->decision_date + f->second_contact_from_day;
		*to = f->decision_date + f->second_contact_to_day;
	} else {
		*from = f->decision_date + 1;
		*to = 0;
	}
}

bool pathway_second_contact_window(const struct pathway_facts *f, coop_date *from, coop_date *to)
{
	if (!f->has_second_contact || f->decision_date == 0)
		return false;
	window_dates(f, from, to);
	return true;
}

/* 15. Planning the second contact: planned by the protocol, not yet done, a date from today on,
 * in the window. Administrative: no protocol status or team check (rules 4–7 and 10). */
static bool rule_plan_second_contact(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_PLAN_SECOND_CONTACT)
		return false;
	if (!f->has_second_contact)
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_NOT_PLANNED,
			      "Ce protocole ne prévoit pas de second contact.");
	if (f->second_contact_done)
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED,
			      "Le second contact a déjà été enregistré pour cet épisode.");
	char d[16], d0[16], d1[16];
	date_format_fr(f->second_contact_planned, d, sizeof(d));
	if (f->second_contact_planned < f->today)
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_DATE_PAST,
			      "La date prévue pour le second contact (%s) est déjà passée.", d);
	coop_date from, to;
	window_dates(f, &from, &to);
	if (!f->second_contact_has_window) {
		if (f->second_contact_planned >= from)
			return false;
		date_format_fr(f->decision_date, d0, sizeof(d0));
		return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
			      "La date prévue pour le second contact (%s) doit être postérieure au "
			      "jour de la première consultation (%s).",
			      d, d0);
	}
	if (f->second_contact_planned >= from && f->second_contact_planned <= to)
		return false;
	date_format_fr(from, d0, sizeof(d0));
	date_format_fr(to, d1, sizeof(d1));
	return refuse(s->out, PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW,
		      "La date prévue pour le second contact (%s) est hors de sa fenêtre : il doit "
		      "avoir lieu entre le %s et le %s.",
		      d, d0, d1);
}

/* 16. Closing with a GP outside the team needs the information sent to them. */
static bool rule_gp_informed(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (target(f, s->action, s->outcome) != PATHWAY_CLOSED)
		return false;
	if (f->gp != PATHWAY_GP_OUTSIDE || f->gp_informed)
		return false;
	return refuse(s->out, PATHWAY_REFUSAL_GP_NOT_INFORMED,
		      "Le médecin traitant est hors de l'équipe : l'information qui lui a été "
		      "envoyée doit être enregistrée avant la clôture.");
}

/* 17. The protocol is proposed only once the orientation is done: every orientation question
 * that applies answered, or marked "ne sait pas" (the délégué will ask it). An empty
 * orientation does not say "nothing excludes the protocol". */
static bool rule_orientation(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_PROPOSE || f->orientation_open == 0)
		return false;
	if (f->orientation_open_label && f->orientation_open_label[0] != '\0')
		return refuse(s->out, PATHWAY_REFUSAL_ORIENTATION_INCOMPLETE,
			      "Orientation incomplète : répondez à « %s »%s, ou indiquez « ne sait "
			      "pas » (le délégué posera la question).",
			      f->orientation_open_label,
			      f->orientation_open > 1 ? " et aux autres questions sans réponse" : "");
	return refuse(s->out, PATHWAY_REFUSAL_ORIENTATION_INCOMPLETE,
		      "Orientation incomplète : répondez aux questions d'orientation ou indiquez "
		      "« ne sait pas » (le délégué les posera).");
}

/* 18. Stopping an assessment sends the patient to a délégant: why, how urgently, whom. */
static bool rule_reorient(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_REORIENT)
		return false;
	if (!f->reason_given)
		return refuse(s->out, PATHWAY_REFUSAL_REASON_REQUIRED,
			      "Indiquez pourquoi vous arrêtez l'évaluation et réorientez le patient.");
	if (!f->urgency_given)
		return refuse(s->out, PATHWAY_REFUSAL_URGENCY_REQUIRED,
			      "Indiquez l'urgence de la réorientation (par exemple « médecin le "
			      "jour même »).");
	if (!f->delegant_called)
		return refuse(s->out, PATHWAY_REFUSAL_DELEGANT_NOT_CALLED,
			      "Indiquez le délégant appelé pour reprendre le patient.");
	return false;
}

/* 19. A cancelled request says why, and a referral is never cancelled away. */
static bool rule_cancel(const struct step *s)
{
	const struct pathway_facts *f = s->f;
	if (s->action != PATHWAY_CANCEL)
		return false;
	if (!f->reason_given)
		return refuse(s->out, PATHWAY_REFUSAL_REASON_REQUIRED,
			      "Indiquez pourquoi la demande est annulée.");
	if (f->referral_known)
		return refuse(s->out, PATHWAY_REFUSAL_REFERRAL_PENDING,
			      "Les réponses orientent vers un médecin%s%s%s : la demande ne peut pas "
			      "être annulée. %s",
			      f->referral_headline ? " (" : "",
			      f->referral_headline ? f->referral_headline : "",
			      f->referral_headline ? ")" : "",
			      f->state == PATHWAY_ASSESSING
				      ? "Arrêtez l'évaluation en réorientant le patient vers un délégant."
				      : "Orientez le patient vers le médecin.");
	return false;
}

static bool (*const rules[])(const struct step *) = {
	rule_final,       rule_transition, rule_consent,        rule_protocol,
	rule_scope,       rule_long_term,  rule_team,           rule_reachable,
	rule_decision,    rule_revoyure,   rule_second_contact, rule_plan_second_contact,
	rule_gp_informed, rule_orientation, rule_reorient,      rule_cancel,
};

bool pathway_step(const struct pathway_facts *f, enum pathway_action action,
		  enum pathway_outcome outcome, struct pathway_result *out)
{
	memset(out, 0, sizeof(*out));
	out->next = f->state;
	if ((unsigned)f->state >= PATHWAY_STATE_COUNT || (unsigned)action >= PATHWAY_ACTION_COUNT ||
	    (action == PATHWAY_RECORD_DECISION && (unsigned)outcome >= PATHWAY_OUTCOME_COUNT)) {
		refuse(out, PATHWAY_REFUSAL_INVALID, "Étape, action ou résultat inconnu.");
		return false;
	}
	const struct step s = {f, action, outcome, out};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i](&s))
			return false;
	}
	out->allowed = true;
	out->refusal = PATHWAY_REFUSAL_NONE;
	out->next = target(f, action, outcome);
	return true;
}

/* ---- Who answers which question, when ------------------------------------------------------ */

bool pathway_may_answer(enum pathway_state s, enum pathway_asker who, enum pathway_phase phase)
{
	if (phase != PATHWAY_PHASE_ORIENTATION && phase != PATHWAY_PHASE_EXAMINATION)
		return false;
	switch (s) {
	case PATHWAY_ORIENTATION:
		return (who == PATHWAY_ASKER_SECRETARY || who == PATHWAY_ASKER_DELEGUE) &&
		       phase == PATHWAY_PHASE_ORIENTATION;
	case PATHWAY_ASSESSING: return who == PATHWAY_ASKER_DELEGUE;
	default: return false;
	}
}

bool pathway_may_mark_unknown(enum pathway_state s, enum pathway_asker who)
{
	return s == PATHWAY_ORIENTATION &&
	       (who == PATHWAY_ASKER_SECRETARY || who == PATHWAY_ASKER_DELEGUE);
}

static bool applies(const struct pathway_question *q)
{
	return q->status == PATHWAY_Q_ANSWERED || q->status == PATHWAY_Q_UNANSWERED;
}

size_t pathway_questions_to_ask(enum pathway_state s, enum pathway_asker who,
				const struct pathway_question *q, size_t n, bool *ask)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		ask[i] = applies(&q[i]) && pathway_may_answer(s, who, q[i].phase);
		count += ask[i];
	}
	return count;
}

size_t pathway_orientation_open(const struct pathway_question *q, size_t n, size_t *first)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		if (q[i].phase != PATHWAY_PHASE_ORIENTATION || q[i].status != PATHWAY_Q_UNANSWERED ||
		    q[i].unknown)
			continue;
		if (count == 0 && first)
			*first = i;
		count++;
	}
	return count;
}

bool pathway_open_episode(const enum pathway_state *existing, size_t n, size_t *at)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)existing[i] < PATHWAY_STATE_COUNT &&
		    !pathway_state_is_final(existing[i])) {
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}
