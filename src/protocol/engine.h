/*
 * engine.h — decides, for one patient visit, what a protocol says: incomplete, excluded or
 * included, with the full trace of why.
 *
 * Pure: no I/O, no allocation, deterministic. The caller owns the input (answer strings and
 * collections must stay alive while the result is used) and the result struct, which is large
 * (a few tens of KiB): reuse one per thread. The result points into the input: keep the input
 * unchanged while the result is used. Semantics: docs/internals/protocol-format-spec.md §8.
 */
#ifndef COOP_PROTOCOL_ENGINE_H
#define COOP_PROTOCOL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "base/error.h"
#include "protocol/expr.h"
#include "protocol/protocol.h"

#define ENGINE_MAX_SLOTS (PROTOCOL_MAX_QUESTIONS + PROTOCOL_MAX_COMPUTED + PROTOCOL_RESERVED_SLOTS)
#define ENGINE_MAX_LINES 64

/* One visit: who the patient is, when, and the answers so far. */
struct engine_input {
	coop_date visit_date;
	coop_date birth_date;
	enum patient_sex sex;
	/* answers[i] is question i's answer, or expr_value_missing() when unanswered. */
	struct expr_value answers[PROTOCOL_MAX_QUESTIONS];
};

enum decision { DECISION_INCOMPLETE, DECISION_EXCLUDED, DECISION_INCLUDED };

/* What a criterion, condition or question came to. */
/* Same codes as enum expr_tri. */
enum tri { TRI_FALSE = EXPR_FALSE, TRI_TRUE = EXPR_TRUE, TRI_EMPTY = EXPR_EMPTY /* not applicable */,
	   TRI_UNKNOWN = EXPR_MISSING };

enum question_state {
	QS_ANSWERED,
	QS_UNANSWERED,       /* applicable, no answer yet */
	QS_NOT_APPLICABLE,   /* enable_when is false */
	QS_PENDING,          /* enable_when still unknown */
};

/* Why the patient is out of the protocol's scope, if they are. */
enum scope_failure {
	SCOPE_OK,
	SCOPE_AGE,
	SCOPE_SEX,
	SCOPE_NO_OUTCOME,   /* no outcome applies */
	SCOPE_UNDECIDABLE,  /* the answers cannot settle the protocol, or a dose cannot be computed */
};

struct criterion_result {
	enum tri value;
	bool fired;
};

/* A prescription line chosen for the patient, with its computed dose. */
struct line_result {
	size_t template_index;
	size_t line_index;
	bool has_computed_dose;    /* dose_per_kg with a known weight */
	double weight_kg;
	double per_dose_amount;    /* rounded to the nearest whole unit */
	double daily_amount;       /* rounded; 0 when doses_per_day is not given (per dose) */
	bool capped;               /* the maximum applied */
};

struct engine_result {
	enum decision decision;
	const struct protocol_version *version;
	int age_years, age_months;
	enum scope_failure scope;
	/* where the patient goes when they leave the protocol: excluded → the strongest urgency of
	 * what fired (at least URG_PHYSICIAN_LATER); included with a reorientation outcome → that
	 * outcome's urgency; otherwise URG_NONE. Never URG_NONE for a referral. */
	enum urgency urgency;
	struct criterion_result criteria[PROTOCOL_MAX_CRITERIA];
	/* every field's value as used: slots[i] points into the input (applicable questions),
	 * into `own` (computed values, reserved names) or at a shared empty/unknown value (questions
	 * that do not apply, or whose applicability is unknown): engine_question_state() reads
	 * each question's state from it */
	const struct expr_value *slots[ENGINE_MAX_SLOTS];
	struct expr_value own[PROTOCOL_MAX_COMPUTED + PROTOCOL_RESERVED_SLOTS];
	bool outcomes_evaluated;   /* false when the criteria already decided (or are unknown) */
	enum tri outcome_when[PROTOCOL_MAX_OUTCOMES];
	int outcome;               /* index of the chosen outcome, -1 if none */
	struct line_result lines[ENGINE_MAX_LINES];
	size_t n_lines;
	size_t next[PROTOCOL_MAX_QUESTIONS]; /* question indexes to ask next, in order */
	size_t n_next;
	struct expr_item scratch[EXPR_SCRATCH_ITEMS];
};

/* Fills *in with "no answer" for every question, visit and birth dates, and the sex. */
void engine_input_init(struct engine_input *in, coop_date visit, coop_date birth,
		       enum patient_sex sex);

/* Runs the protocol on the visit. Returns COOP_OK and fills *r; ERR_NOT_FOUND when no version
 * of the protocol is in force on the visit date; ERR_INVALID when the birth date is after the
 * visit date. Never allocates; safe on any answers (types were checked by the decoder). */
enum coop_err engine_evaluate(const struct protocol *p, const struct engine_input *in,
			      struct engine_result *r);

/* True when the result sends the patient to a physician: excluded, or included with an
 * outcome that reorients (then r->urgency is that outcome's). */
bool engine_reorients(const struct engine_result *r);

/* The state of question i after an evaluation (or engine_prepare()). */
enum question_state engine_question_state(const struct engine_result *r, size_t i);

/* The first steps of engine_evaluate(): version in force, age, scope, question applicability and
 * computed values, leaving r->version, r->age_*, r->scope and r->slots filled.
 * For tools that need the field values as the engine sees them (load-time checks, differential
 * tests). Same errors as engine_evaluate(). */
enum coop_err engine_prepare(const struct protocol *p, const struct engine_input *in,
			     struct engine_result *r);

/* Whether the protocol applies to a patient born on `birth`, of that sex, on the visit date: the
 * age bounds and sexes of the version in force, exactly as engine_evaluate() checks them, before
 * any answer (what a secretary needs to offer only the protocols that fit). *out is SCOPE_OK,
 * SCOPE_AGE or SCOPE_SEX. ERR_NOT_FOUND when no version is in force on the visit date (then
 * *out is SCOPE_OK), ERR_INVALID when born after the visit or sex out of range. Pure. */
enum coop_err engine_scope(const struct protocol *p, coop_date visit, coop_date birth,
			   enum patient_sex sex, enum scope_failure *out);

const char *decision_code(enum decision d);   /* "incomplete", "excluded", "included" */
const char *decision_label_fr(enum decision d);
const char *tri_code(enum tri t);             /* "true", "false", "unknown", "not_applicable" */

#endif
