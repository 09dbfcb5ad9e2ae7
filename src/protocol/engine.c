/*
 * engine.c — the protocol engine: from a visit's answers to a decision with its trace.
 *
 * Steps (spec §8): version in force, age and patient scope, applicability of the questions in
 * file order, computed values (only once every question they need is answered), criteria,
 * outcome and prescription lines; when something is still unknown, the questions that would
 * decide it. Everything is in the caller's result struct: no allocation.
 */
#include "protocol/engine.h"

#include <math.h>
#include <string.h>

void engine_input_init(struct engine_input *in, coop_date visit, coop_date birth,
		       enum patient_sex sex)
{
	in->visit_date = visit;
	in->birth_date = birth;
	in->sex = sex;
	for (size_t i = 0; i < PROTOCOL_MAX_QUESTIONS; i++)
		in->answers[i] = expr_value_missing();
}

static const struct expr_value value_empty = {.count = 0, .missing = false};
static const struct expr_value value_missing = {.count = 0, .missing = true};

static bool age_within(const struct age_bound *b, int years, int months, bool is_min)
{
	if (!b->set)
		return true;
	int age = b->unit == AGE_MONTHS ? months : years;
	return is_min ? age >= b->value : age <= b->value;
}

/* The patient's scope for a version: its age bounds, then its sexes (the one rule, used by the
 * engine and by engine_scope()). */
static inline enum scope_failure scope_of(const struct protocol_version *v, int years,
					  int months, enum patient_sex sex)
{
	if (!age_within(&v->age_min, years, months, true) ||
	    !age_within(&v->age_max, years, months, false))
		return SCOPE_AGE;
	if (v->sexes && !(v->sexes & (1u << sex)))
		return SCOPE_SEX;
	return SCOPE_OK;
}

enum coop_err engine_scope(const struct protocol *p, coop_date visit, coop_date birth,
			   enum patient_sex sex, enum scope_failure *out)
{
	const struct protocol_version *v = protocol_version_at(p, visit);
	*out = SCOPE_OK;
	if (!v)
		return ERR_NOT_FOUND;
	if (birth > visit || (unsigned)sex >= SEX_COUNT)
		return ERR_INVALID;
	int months = date_age_months(birth, visit);
	*out = scope_of(v, months / 12, months, sex);
	return COOP_OK;
}

/* Adds to `need` the question slots behind `reads` (computed slots expand to their needs). */
static void add_needs(const struct protocol *p, const struct expr_slotset *reads,
		      struct expr_slotset *need)
{
	for (size_t w = 0; w * 64 < p->n_slots; w++) {
		uint64_t bits = reads->bits[w];
		while (bits) {
			unsigned slot = (unsigned)(w * 64 + (unsigned)__builtin_ctzll(bits));
			bits &= bits - 1;
			if (slot < p->n_questions)
				expr_slotset_add(need, slot);
			else if (slot < p->n_questions + p->n_computed)
				expr_slotset_union(need, &p->computed[slot - p->n_questions].needs);
		}
	}
}

enum question_state engine_question_state(const struct engine_result *r, size_t i)
{
	if (r->slots[i] == &value_missing)
		return QS_PENDING;
	if (r->slots[i] == &value_empty)
		return QS_NOT_APPLICABLE;
	return r->slots[i]->missing ? QS_UNANSWERED : QS_ANSWERED;
}

/* Lists the questions to ask next: those in `need` that are applicable and unanswered, after
 * pulling in what decides pending questions' applicability (latest first: an enable_when reads
 * only earlier questions). With `fallback`, every applicable unanswered question when none of
 * those is left. */
static void list_next_from(const struct protocol *p, struct engine_result *r,
			   struct expr_slotset *need, bool fallback)
{
	for (size_t j = p->n_conditional_questions; j-- > 0;) {
		size_t i = p->conditional_questions[j];
		if (expr_slotset_has(need, (unsigned)i) && r->slots[i] == &value_missing)
			add_needs(p, expr_reads(p->questions[i].enable_when), need);
	}
	r->n_next = 0;
	for (size_t w = 0; w * 64 < p->n_questions; w++) {
		uint64_t bits = need->bits[w];
		while (bits) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (i < p->n_questions && engine_question_state(r, i) == QS_UNANSWERED)
				r->next[r->n_next++] = i;
		}
	}
	if (r->n_next == 0 && fallback)
		for (size_t i = 0; i < p->n_questions; i++)
			if (engine_question_state(r, i) == QS_UNANSWERED)
				r->next[r->n_next++] = i;
}

static void list_next(const struct protocol *p, struct engine_result *r,
		      struct expr_slotset *need)
{
	list_next_from(p, r, need, true);
}

/* An exclusion is known, but a criterion with a stronger urgency (a red flag) cannot be told
 * yet: its questions are the ones to ask next, so that an emergency is never left as a
 * programmed consultation for want of a question. None when nothing stronger is pending. */
static void list_stronger_pending(const struct protocol *p, struct engine_result *r)
{
	struct expr_slotset need;
	memset(&need, 0, sizeof(need));
	bool any = false;
	for (size_t i = 0; i < p->n_criteria; i++)
		if (r->criteria[i].value == TRI_UNKNOWN && p->criteria[i].urgency > r->urgency) {
			add_needs(p, expr_reads(p->criteria[i].expression), &need);
			any = true;
		}
	r->n_next = 0;
	if (any)
		list_next_from(p, r, &need, false);
}

enum line_status { LINE_READY, LINE_NEEDS_WEIGHT, LINE_NO_WEIGHT };

/* Computes a prescription line's dose for the patient. Amounts are rounded to the nearest whole
 * unit, except that a dose is rounded down when rounding up would exceed the maximum. A weight
 * still unanswered → LINE_NEEDS_WEIGHT; a weight question that does not apply → LINE_NO_WEIGHT
 * (the dose cannot be computed: the protocol must not be applied). */
static enum line_status compute_line(const struct prescription_line *l, struct engine_result *r,
				     struct line_result *out)
{
	if (!l->has_dose_per_kg || l->weight_slot < 0)
		return LINE_READY;
	const struct expr_value *w = r->slots[l->weight_slot];
	if (w->count == 0)
		return w->missing ? LINE_NEEDS_WEIGHT : LINE_NO_WEIGHT;
	double weight = w->one.base == EXPR_INTEGER ? (double)w->one.u.i : w->one.u.d;
	if (!(weight > 0))
		return LINE_NO_WEIGHT;
	double amount = l->per_kg_amount * weight;
	double max = l->per_kg_max;
	out->capped = max > 0 && amount > max;
	if (out->capped)
		amount = max;
	out->has_computed_dose = true;
	out->weight_kg = weight;
	int doses = l->doses_per_day;
	if (l->per_kg_per == DOSE_PER_DAY) {
		double per_dose = doses > 0 ? amount / doses : amount;
		double rounded = round(per_dose);
		if (max > 0 && rounded * (doses > 0 ? doses : 1) > max)
			rounded = floor(per_dose);
		out->per_dose_amount = rounded;
		out->daily_amount = out->capped ? rounded * (doses > 0 ? doses : 1) : round(amount);
	} else {
		double rounded = round(amount);
		if (max > 0 && rounded > max)
			rounded = floor(amount);
		out->per_dose_amount = rounded;
		out->daily_amount = doses > 0 ? rounded * doses : 0;
	}
	return LINE_READY;
}

/* Chooses the outcome and its lines; returns false (and fills `need`) when still unknown, and
 * sets *no_weight when a chosen line's dose cannot be computed. An outcome is chosen only when
 * every outcome before it is settled false: an earlier one still unknown could win later. */
static bool decide_outcome(const struct protocol *p, struct engine_result *r,
			   struct expr_slotset *need, bool *no_weight)
{
	bool unknown_before = false;
	r->outcome = -1;
	for (size_t i = 0; i < p->n_outcomes; i++) {
		r->outcome_when[i] = (enum tri)expr_eval_bool_ptr(p->outcomes[i].when, r->slots, r->scratch);
		if (r->outcome_when[i] == TRI_TRUE && r->outcome < 0 && !unknown_before)
			r->outcome = (int)i;
		if (r->outcome_when[i] == TRI_UNKNOWN && r->outcome < 0) {
			unknown_before = true;
			add_needs(p, expr_reads(p->outcomes[i].when), need);
		}
	}
	if (r->outcome < 0)
		return !unknown_before;

	const struct outcome *o = &p->outcomes[r->outcome];
	bool complete = true;
	r->n_lines = 0;
	for (size_t t = 0; t < o->n_templates; t++) {
		const struct prescription_template *tpl = &p->templates[o->templates[t]];
		for (size_t li = 0; li < tpl->n_lines; li++) {
			const struct prescription_line *l = &tpl->lines[li];
			if (l->when) {
				enum tri w = (enum tri)expr_eval_bool_ptr(l->when, r->slots, r->scratch);
				if (w == TRI_UNKNOWN) {
					complete = false;
					add_needs(p, expr_reads(l->when), need);
					continue;
				}
				if (w != TRI_TRUE)
					continue;
			}
			if (r->n_lines >= ENGINE_MAX_LINES)
				continue;
			struct line_result *lr = &r->lines[r->n_lines];
			memset(lr, 0, sizeof(*lr));
			lr->template_index = o->templates[t];
			lr->line_index = li;
			enum line_status st = compute_line(l, r, lr);
			if (st == LINE_NEEDS_WEIGHT) {
				complete = false;
				expr_slotset_add(need, (unsigned)l->weight_slot);
				continue;
			}
			if (st == LINE_NO_WEIGHT)
				*no_weight = true;
			r->n_lines++;
		}
	}
	return complete;
}

/* The protocol cannot conclude (answers that settle nothing, a dose that cannot be computed):
 * the patient leaves the protocol and sees the physician the same day. */
static enum coop_err refer_undecidable(struct engine_result *r)
{
	r->scope = SCOPE_UNDECIDABLE;
	r->urgency = URG_PHYSICIAN_SAME_DAY;
	r->decision = DECISION_EXCLUDED;
	return COOP_OK;
}

/* Ends an evaluation that needs more answers. When nothing is left to ask and the result is
 * still unknown (a protocol the answers cannot settle), the patient goes to the physician. */
static enum coop_err incomplete_or_undecidable(const struct protocol *p, struct engine_result *r,
					       struct expr_slotset *need)
{
	list_next(p, r, need);
	if (r->n_next == 0) {
		return refer_undecidable(r);
	}
	r->decision = DECISION_INCOMPLETE;
	return COOP_OK;
}

/* engine_prepare()'s body, inlined into engine_evaluate() (a call there costs register saves
 * on the hot path). */
static inline __attribute__((always_inline)) enum coop_err
prepare(const struct protocol *p, const struct engine_input *in, struct engine_result *r)
{
	const size_t nq = p->n_questions, nc = p->n_computed;
	r->decision = DECISION_INCOMPLETE;
	r->urgency = URG_NONE;
	r->scope = SCOPE_OK;
	r->outcome = -1;
	r->n_lines = 0;
	r->n_next = 0;
	r->outcomes_evaluated = false;
	r->version = protocol_version_at(p, in->visit_date);
	if (!r->version)
		return ERR_NOT_FOUND;
	if (in->birth_date > in->visit_date)
		return ERR_INVALID;

	/* reserved names and scope */
	r->age_months = date_age_months(in->birth_date, in->visit_date);
	r->age_years = r->age_months / 12;
	/* written field by field: a struct built on the stack and copied stalls the store buffer */
	static const uint32_t sex_code_len[SEX_COUNT] = {6, 4, 5, 7}; /* female male other unknown */
	struct expr_value *own_reserved = &r->own[nc];
	for (int k = 0; k < PROTOCOL_RESERVED_SLOTS; k++) {
		own_reserved[k].count = 1;
		own_reserved[k].missing = false;
		own_reserved[k].items = NULL;
	}
	own_reserved[0].one.base = EXPR_INTEGER;
	own_reserved[0].one.u.i = r->age_years;
	own_reserved[1].one.base = EXPR_INTEGER;
	own_reserved[1].one.u.i = r->age_months;
	own_reserved[2].one.base = EXPR_STRING;
	own_reserved[2].one.u.str.s = patient_sex_code(in->sex);
	own_reserved[2].one.u.str.len = sex_code_len[in->sex];
	own_reserved[3].one.base = EXPR_DATE;
	own_reserved[3].one.u.date = in->visit_date;
	r->slots[protocol_slot_age_years(p)] = &own_reserved[0];
	r->slots[protocol_slot_age_months(p)] = &own_reserved[1];
	r->slots[protocol_slot_sex(p)] = &own_reserved[2];
	r->slots[protocol_slot_visit_date(p)] = &own_reserved[3];
	r->scope = scope_of(r->version, r->age_years, r->age_months, in->sex);

	/* questions: every one applies, except conditional ones whose enable_when is not true;
	 * those are settled in file order (an enable_when reads only earlier questions, whose
	 * slots are final by then) */
#pragma GCC unroll 4
	for (size_t i = 0; i < nq; i++)
		r->slots[i] = &in->answers[i];
	for (size_t j = 0; j < p->n_conditional_questions; j++) {
		size_t i = p->conditional_questions[j];
		enum tri enabled = (enum tri)expr_eval_bool_ptr(p->questions[i].enable_when, r->slots,
								r->scratch);
		if (enabled == TRI_TRUE)
			continue;
		r->slots[i] = enabled == TRI_UNKNOWN ? &value_missing : &value_empty;
	}

	/* computed values: only when every question they need is settled */
	for (size_t k = 0; k < nc; k++) {
		const struct computed *c = &p->computed[k];
		bool ready = true;
		for (size_t w = 0; w < EXPR_MAX_SLOTS / 64 && ready; w++) {
			uint64_t bits = c->needs.bits[w];
			while (bits && ready) {
				unsigned slot = (unsigned)(w * 64 + (unsigned)__builtin_ctzll(bits));
				bits &= bits - 1;
				if (r->slots[slot]->missing)
					ready = false;
			}
		}
		r->slots[nq + k] = &r->own[k];
		if (ready)
			expr_eval_ptr(c->expression, r->slots, r->scratch, &r->own[k]);
		else
			r->own[k] = value_missing;
	}
	return COOP_OK;
}

enum coop_err engine_prepare(const struct protocol *p, const struct engine_input *in,
			     struct engine_result *r)
{
	return prepare(p, in, r);
}

enum coop_err engine_evaluate(const struct protocol *p, const struct engine_input *in,
			      struct engine_result *r)
{
	enum coop_err rc = prepare(p, in, r);
	if (rc != COOP_OK)
		return rc;

	/* criteria (kept branch-light: this loop is the engine's hot path; the tables are read
	 * through locals, which the compiler then knows the result's stores cannot change) */
	bool any_unknown = false, any_fired = false;
	enum urgency urgency = URG_NONE;
	const struct criterion *criteria = p->criteria;
	const size_t n_criteria = p->n_criteria;
	const struct expr_value *const *slots = r->slots;
	struct criterion_result *results = r->criteria;
	for (size_t i = 0; i < n_criteria; i++) {
		const struct criterion *c = &criteria[i];
		enum tri v;
		if (c->plain_slot >= 0) {
			v = (enum tri)expr_tri_of_value(slots[c->plain_slot]);
			v = c->plain_negated ? (enum tri)expr_tri_not((enum expr_tri)v) : v;
		} else {
			v = (enum tri)expr_eval_bool_ptr(c->expression, slots, r->scratch);
		}
		bool fired = v == (enum tri)c->fires_on;
		results[i].value = v;
		results[i].fired = fired;
		enum urgency u = fired ? c->urgency : URG_NONE;
		urgency = u > urgency ? u : urgency;
		any_fired |= fired;
		any_unknown |= v == TRI_UNKNOWN;
	}
	r->urgency = urgency;
	for (size_t i = 0; i < p->n_outcomes; i++)
		r->outcome_when[i] = TRI_UNKNOWN;

	if (r->scope != SCOPE_OK) {
		if (r->urgency < URG_PHYSICIAN_LATER)
			r->urgency = URG_PHYSICIAN_LATER;
		r->decision = DECISION_EXCLUDED;
		if (any_unknown)
			list_stronger_pending(p, r);
		return COOP_OK;
	}
	if (any_fired) {
		r->decision = DECISION_EXCLUDED;
		if (any_unknown)
			list_stronger_pending(p, r);
		return COOP_OK;
	}

	struct expr_slotset need;
	memset(&need, 0, sizeof(need));
	if (any_unknown) {
		for (size_t i = 0; i < p->n_criteria; i++)
			if (r->criteria[i].value == TRI_UNKNOWN)
				add_needs(p, expr_reads(p->criteria[i].expression), &need);
		return incomplete_or_undecidable(p, r, &need);
	}

	bool no_weight = false;
	r->outcomes_evaluated = true;
	if (!decide_outcome(p, r, &need, &no_weight)) {
		r->outcome = -1;
		r->n_lines = 0;
		return incomplete_or_undecidable(p, r, &need);
	}
	if (r->outcome < 0) {
		/* no outcome applies (the load-time check normally prevents this) */
		r->scope = SCOPE_NO_OUTCOME;
		r->urgency = URG_PHYSICIAN_LATER;
		r->decision = DECISION_EXCLUDED;
		return COOP_OK;
	}
	if (no_weight) {
		/* a weight-based dose whose weight question does not apply: never prescribe blind */
		return refer_undecidable(r);
	}
	r->decision = DECISION_INCLUDED;
	/* an outcome that sends the patient to the physician carries its urgency at the top level:
	 * whoever reads only the decision and the urgency sees the referral */
	if (p->outcomes[r->outcome].kind == OUTCOME_REORIENTATION)
		r->urgency = p->outcomes[r->outcome].urgency;
	return COOP_OK;
}

bool engine_reorients(const struct engine_result *r)
{
	return r->decision == DECISION_EXCLUDED ||
	       (r->decision == DECISION_INCLUDED && r->urgency != URG_NONE);
}

const char *decision_code(enum decision d)
{
	switch (d) {
	case DECISION_INCOMPLETE: return "incomplete";
	case DECISION_EXCLUDED: return "excluded";
	case DECISION_INCLUDED: return "included";
	}
	return "?";
}

const char *decision_label_fr(enum decision d)
{
	switch (d) {
	case DECISION_INCOMPLETE: return "Évaluation incomplète";
	case DECISION_EXCLUDED: return "Patient exclu du protocole";
	case DECISION_INCLUDED: return "Patient inclus dans le protocole";
	}
	return "?";
}

const char *tri_code(enum tri t)
{
	switch (t) {
	case TRI_FALSE: return "false";
	case TRI_TRUE: return "true";
	case TRI_UNKNOWN: return "unknown";
	case TRI_EMPTY: return "not_applicable";
	}
	return "?";
}
