/*
 * billing.h — what an episode of a coopération protocol bills, what blocks it, the acts it
 * cannot be combined with, and how a structure's fees are shared.
 *
 * The rules (domain README §7, regulatory research §6), stated once:
 *   1. The flat fee (BILLING_FLAT_FEE) is due for a patient included in the protocol, and for a
 *      patient reoriented to a physician who sees them again (revoyure) on the decision day or
 *      the next (pathway_revoyure_last_day()). It is not due on an exit after the délégué's exam
 *      (the physician bills their own consultation) nor on any other reorientation.
 *   2. The amount is that of the tariff in force on the decision day: a tariff that changes
 *      within a semester applies episode by episode.
 *   3. The second-contact fee (BILLING_SECOND_CONTACT) is due when the flat fee is due and a
 *      second contact was recorded within the protocol's window, at the tariff in force on the
 *      day of that contact. A protocol with no second-contact tariff at all bills none (not a
 *      blocker); one whose second-contact tariffs leave that day uncovered is blocked.
 *   4. Blockers: no flat-fee tariff in force on the decision day; a centre de santé bills through
 *      SESAM-Vitale with the patient's real NIR, so without a valid NIR (checked by the caller
 *      with core/ident.h) its lines are blocked; the forfait is paid to MSP and centres de
 *      santé signatories of the ACI (arrêté du 10 septembre 2020, regulatory research §6), so a non-signatory
 *      one is blocked; so is an episode whose decision day the team's adhesion to the protocol
 *      does not cover. A blocked episode keeps its due lines (what it
 *      would bill) and its reasons, in French, for the coordinator to resolve.
 *   5. Non-cumulation: the fee cannot be combined with ordinary billing by the same
 *      professionals (the délégué or the délégant) for the same patient on the decision day or
 *      the next: billing_cumulation() flags such acts.
 *   6. A structure shares its fees freely: billing_share() splits a total by keys to the cent,
 *      by largest remainder, and the parts always add up to the total.
 *   7. ACI valorisation and the hospital bonus are products of data (points, value, cap,
 *      monthly amount) given by the caller; no amount is a constant here.
 *
 * Pure functions over plain structs: no I/O, no allocation.
 */
#ifndef COOP_CORE_BILLING_H
#define COOP_CORE_BILLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "core/date.h"

enum billing_code {
	BILLING_FLAT_FEE,       /* forfait per patient included */
	BILLING_SECOND_CONTACT, /* second contact (lombalgie, entorse de la cheville) */
};

/* One tariff of a protocol: in force from `from` to `to` (both included) when has_to, from
 * `from` on otherwise. Copied from the protocol's data. */
struct billing_tariff {
	enum billing_code code;
	int64_t cents; /* ≥ 0 */
	coop_date from;
	bool has_to;
	coop_date to; /* ≥ from when has_to */
};

enum billing_outcome {
	BILLING_INCLUDED,             /* included in the protocol */
	BILLING_EXIT_AFTER_EXAM,      /* exit criterion found by the délégué's exam */
	BILLING_REORIENTED_REVOYURE,  /* reoriented, seen again by a physician (revoyure_day) */
	BILLING_REORIENTED_OTHER,     /* reoriented otherwise (emergency, no revoyure...) */
};

enum billing_structure {
	BILLING_MSP, /* maison de santé pluriprofessionnelle: paid by the CPAM from the report */
	BILLING_CDS, /* centre de santé: bills through SESAM-Vitale, NIR required */
	BILLING_CPTS,
};

struct billing_episode_in {
	enum billing_outcome outcome;
	coop_date decision_day;
	coop_date revoyure_day;          /* read for BILLING_REORIENTED_REVOYURE only */
	bool second_contact;             /* a second contact was recorded */
	coop_date second_contact_day;
	bool second_contact_in_window;   /* within the protocol's window (pathway.h) */
	enum billing_structure structure;
	bool nir_valid;                  /* the patient's NIR is present and valid (core/ident.h) */
	bool aci_signatory;              /* the MSP or CDS signed the ACI (read for them only) */
	bool adhesion_in_force;          /* the team's adhesion to the protocol covers the
	                                  * decision day */
	int64_t delegue_id, delegant_id; /* the professionals of the episode */
};

enum billing_reason {
	BILLING_BLOCKED_NO_FLAT_TARIFF,   /* no flat-fee tariff in force on the decision day */
	BILLING_BLOCKED_NO_SECOND_TARIFF, /* no second-contact tariff in force on its day */
	BILLING_BLOCKED_CDS_NO_NIR,       /* centre de santé without a valid NIR */
	BILLING_BLOCKED_NOT_ACI,          /* MSP or centre de santé not signatory of the ACI */
	BILLING_BLOCKED_NO_ADHESION,      /* no adhesion to the protocol on the decision day */
};

enum billing_not_due {
	BILLING_DUE,                   /* the flat fee is due */
	BILLING_NOT_DUE_EXIT,          /* exit after the délégué's exam */
	BILLING_NOT_DUE_REVOYURE_LATE, /* revoyure after the day following the decision */
	BILLING_NOT_DUE_REORIENTED,    /* reoriented without a revoyure */
};

struct billing_line {
	enum billing_code code;
	int64_t cents;
	coop_date day; /* the day whose tariff applies */
};

enum { BILLING_MAX_LINES = 2, BILLING_MAX_REASONS = 5 };

struct billing_out {
	enum billing_not_due due;
	size_t n_lines;
	struct billing_line lines[BILLING_MAX_LINES];
	size_t n_blocked; /* 0: the lines can be billed */
	enum billing_reason blocked[BILLING_MAX_REASONS];
	bool second_contact_not_billed; /* recorded but outside its window */
};

/* The decision for one episode under the protocol's tariffs[0..n) (rules 1–4). ERR_INVALID
 * (out zeroed) for a tariff with negative cents or to < from, or two tariffs of one code in
 * force on the day looked up. */
COOP_MUST_CHECK enum coop_err billing_episode(const struct billing_episode_in *in,
	const struct billing_tariff *tariffs, size_t n, struct billing_out *out);

/* The French text of a blocking reason / of why the fee is not due (static strings). */
const char *billing_reason_fr(enum billing_reason r);
const char *billing_not_due_fr(enum billing_not_due d);

/* An ordinary act billed by a professional, from the imported acts. */
struct billing_act {
	coop_date day;
	int64_t professional_id;
	int64_t patient_key;
};

/* The episode as the non-cumulation rule sees it. */
struct billing_cumulation_in {
	int64_t patient_key;
	coop_date decision_day;
	int64_t delegue_id, delegant_id;
};

/* Rule 5: flags[i] = act i was billed by the délégué or the délégant for the same patient on the
 * decision day or the next; returns how many were flagged. flags has room for n. */
size_t billing_cumulation(const struct billing_cumulation_in *ep, const struct billing_act *acts,
	size_t n, bool flags[]);

enum { BILLING_SHARE_MAX = 4096 };

/* Rule 6: out_cents[i] = total_cents × keys[i] / Σ keys, rounded by largest remainder (ties to
 * the lower index), so that Σ out_cents = total_cents exactly. ERR_INVALID when total_cents < 0,
 * n is 0, a key is negative, the keys add up to 0 or above INT32_MAX; ERR_TOO_LARGE when
 * n > BILLING_SHARE_MAX. out_cents untouched on error. */
COOP_MUST_CHECK enum coop_err billing_share(int64_t total_cents, const int64_t keys[], size_t n,
	int64_t out_cents[]);

/* ACI valorisation (rule 7): min(n_protocols, max_protocols) × points_per_protocol ×
 * cents_per_point. ERR_INVALID for a negative input or an overflow of int64_t. */
COOP_MUST_CHECK enum coop_err billing_aci(int64_t n_protocols, int64_t max_protocols,
	int64_t points_per_protocol, int64_t cents_per_point, int64_t *out_cents);

/* Hospital bonus (rule 7): professionals × months × monthly_cents, for professionals taking
 * part in at least one protocol. ERR_INVALID for a negative input or an overflow. */
COOP_MUST_CHECK enum coop_err billing_hospital_bonus(int64_t professionals, int64_t months,
	int64_t monthly_cents, int64_t *out_cents);

#endif
