/*
 * api_prescription.h — the prescription as the API handles it: the completions a délégant
 * signs, whether a protocol's templates are signed for its current content, the lines the
 * délégué chooses when recording a decision, the printable prescription, and the document a
 * délégant reads before signing. The rules are in protocol/prescription.h; this module reads
 * and writes their JSON.
 */
#ifndef COOP_API_API_PRESCRIPTION_H
#define COOP_API_API_PRESCRIPTION_H

#include <jansson.h>
#include <stdbool.h>

#include "api/app.h"
#include "protocol/engine.h"
#include "protocol/prescription.h"

/* Reads a completions array [{line: "template#n", substance?, dose?, doses_per_day?,
 * duration_days?}] (NULL or empty: none) into an arena array. false with a French sentence in
 * msg when an item is malformed or names no line of p; bounds are checked by
 * rx_signature_check(), not here. */
bool api_rx_parse_completions(struct arena *a, const struct protocol *p, json_t *arr,
			      struct rx_completion **out, size_t *n, char *msg, size_t size);

/* The completions as stored and shown (new reference), in the protocol's order. */
json_t *api_rx_completions_json(const struct protocol *p, const struct rx_completion *c, size_t n);

/* Are p's templates signed for its current content: signed_hash equal to the hash of the file
 * and of the stored completions? *comps / *n (may be NULL) get the stored completions. */
bool api_rx_signed(struct arena *a, const struct protocol *p, const struct db_adoption *ad,
		   struct rx_completion **comps, size_t *n);

/* The lines of the engine's outcome as the délégué chooses them before recording the decision
 * (new array): key, text (as printed), kind, optional, max_days (sick leave), issuable and
 * why not. */
json_t *api_rx_choices(const struct protocol *p, const struct engine_result *r,
		       const struct rx_completion *comps, size_t n);

/* Does recording the decision need the weight (weight_kg): a child with lines to issue and no
 * weight among the answers? */
bool api_rx_weight_needed(const struct protocol *p, const struct engine_input *in,
			  const struct engine_result *r);

/* Reads "optional_lines" (keys), "sick_leave_days" and "weight_kg" of a record_decision body
 * and sets in the decision d: "lines" (the texts issued), "withheld" (lines not issued and
 * why), "age_years", "age_months", "weight_kg"; a child's weight is required (422
 * weight_required) when lines are issued and no answer gives it. false with the error answered (nothing set
 * that matters: the caller discards d). */
bool api_rx_decide(struct api_ctx *c, const struct protocol *p, const struct engine_input *in,
		   const struct engine_result *r, const struct db_adoption *ad, json_t *body,
		   json_t *d);

/* The printable prescription of a recorded decision (new object): issuable and what is
 * missing, the structure, the délégué, the signing délégant, the patient with age and weight,
 * the lines, the protocol. NULL when the decision has no prescription. */
json_t *api_rx_document(struct api_ctx *c, const struct protocol *p, json_t *decision,
			const struct db_patient *patient, const struct db_structure *st,
			const struct db_adoption *ad, int64_t delegue_id);

#endif
