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

#include "base/strbuf.h"
#include "protocol/engine.h"
#include "protocol/protocol.h"

/* Appends the French explanation of r to out. */
void explain_text(const struct protocol *p, const struct engine_input *in,
		  const struct engine_result *r, struct strbuf *out);

/* Returns a new JSON object describing r (caller owns it), or NULL when out of memory.
 * Top-level keys: protocol, visit_date, age, decision, decision_label, urgency (code, or null
 * when the patient is not referred: included outcomes that reorient carry theirs),
 * urgency_label, urgency_headline, reorientation (bool), reason (explain_reason_fr() or null),
 * scope, criteria, questions (state and answer of each), outcomes (value of each condition), outcome,
 * prescription, next_questions, explanation. */
json_t *explain_json(const struct protocol *p, const struct engine_input *in,
		     const struct engine_result *r);

/* The headline a screen shows for a referral, as the person acting must read it:
 * "Urgence : appeler le 15", "Médecin le jour même", "Médecin, consultation programmée (sans
 * urgence)"; "" for URG_NONE. Static string. */
const char *explain_urgency_headline_fr(enum urgency u);

/* Appends to out the reason why r sends the patient to a physician, as one plain French
 * sentence from the wording of what decided it, ending with where the patient goes:
 *   "Fièvre ou frissons signalés — le protocole exclut ce cas ; urgence : appeler le 15."
 * The criterion named is the one that fired with the strongest urgency (the first in file
 * order among equals); others are counted ("(et 2 autres motifs, voir le détail)"). Also
 * covers an unmet inclusion criterion, the age or sex scope (without the age in months), an
 * undecidable protocol and an included outcome that reorients. Returns false and appends
 * nothing when r is not a referral (engine_reorients() false). Pure; no allocation but out's. */
bool explain_reason_fr(const struct protocol *p, const struct engine_result *r,
		       struct strbuf *out);

/* Appends a one-line French description of a chosen prescription line ("amoxicilline, …"). */
void explain_line_fr(const struct protocol *p, const struct line_result *lr, struct strbuf *out);

/* Appends "1 000,5"-style French rendering of a number (no trailing zeros). */
void explain_number_fr(double x, struct strbuf *out);

#endif
