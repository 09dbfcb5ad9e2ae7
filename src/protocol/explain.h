/*
 * explain.h — renders an engine result for people (French text) and programs (JSON).
 *
 * The explanation says, for every criterion, what it is, its value, whether it fired and the
 * answers it was computed from; then the outcome with its prescription lines and advice, the
 * reorientation urgency, or the questions still to ask.
 */
#ifndef COOP_PROTOCOL_EXPLAIN_H
#define COOP_PROTOCOL_EXPLAIN_H

#include <jansson.h>

#include "core/strbuf.h"
#include "protocol/engine.h"
#include "protocol/protocol.h"

/* Appends the French explanation of r to out. */
void explain_text(const struct protocol *p, const struct engine_input *in,
		  const struct engine_result *r, struct strbuf *out);

/* Returns a new JSON object describing r (caller owns it), or NULL when out of memory.
 * Top-level keys: protocol, visit_date, age, decision, decision_label, urgency, scope,
 * criteria, questions (state and answer of each), outcomes (value of each condition), outcome,
 * prescription, next_questions, explanation. */
json_t *explain_json(const struct protocol *p, const struct engine_input *in,
		     const struct engine_result *r);

/* Appends a one-line French description of a chosen prescription line ("amoxicilline, …"). */
void explain_line_fr(const struct protocol *p, const struct line_result *lr, struct strbuf *out);

/* Appends "1 000,5"-style French rendering of a number (no trailing zeros). */
void explain_number_fr(double x, struct strbuf *out);

#endif
