/*
 * prescription.h — what a prescription issued under a protocol must carry, and whether it can
 * be issued: the pure rules behind the template signature and the printed prescription.
 *
 * - Completion at signature: a medicine line whose protocol leaves the molecule, the dose, the
 *   number of doses a day or the duration open (complete_at_signature) is completed by the
 *   signing délégant within the protocol's bounds; what was completed is part of the signed
 *   template, whose hash covers the protocol file and the completions.
 * - Issuing a line: a medicine line is issued only with a complete dose (molecule, amount,
 *   how often); lines marked optional are issued only when the délégué chooses them; a sick
 *   leave is issued for a number of days within the protocol's maximum.
 * - The printed sheet: at least one délégant's RPPS or the structure's FINESS (the Assurance
 *   Maladie cannot recognise a délégué's prescription otherwise), the patient's age, and the
 *   weight of a child.
 * - Patient-facing text never carries the notes addressed to the signing délégant.
 *
 * Everything is pure: plain structs in, decisions and French sentences out.
 */
#ifndef COOP_PROTOCOL_PRESCRIPTION_H
#define COOP_PROTOCOL_PRESCRIPTION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "protocol/engine.h"
#include "protocol/protocol.h"

/* Below this age (completed years) a patient is a child: the prescription carries the weight. */
#define RX_CHILD_AGE_YEARS 15
#define RX_MAX_COMPLETIONS (PROTOCOL_MAX_TEMPLATES * PROTOCOL_MAX_LINES)

/* What the signing délégant completed on one line (only the parts the line leaves open). */
struct rx_completion {
	size_t template_index, line_index;
	const char *substance; /* one of line->open.substances, or NULL */
	bool has_dose;
	double dose_amount; /* in line->open.dose_unit */
	int doses_per_day;  /* 0 = not completed */
	int duration_days;  /* 0 = not completed */
};

/* Does the protocol let the signer complete this line (complete_at_signature)? */
bool rx_line_completable(const struct prescription_line *l);

/* Is the completion c valid for its line, every open part given and within the bounds?
 * false with a French sentence in msg otherwise. */
bool rx_completion_check(const struct protocol *p, const struct rx_completion *c, char *msg,
			 size_t size);

/* May these completions be signed: each names an existing completable line once, each is
 * valid, and every completable line is completed? false with a French sentence otherwise. */
bool rx_signature_check(const struct protocol *p, const struct rx_completion *comps, size_t n,
			char *msg, size_t size);

/* The hash of the signed template: the protocol file's hash when nothing was completed, else
 * SHA-256 over that hash and a canonical text of the completions (order-independent). */
void rx_template_hash(const struct protocol *p, const struct rx_completion *comps, size_t n,
		      char out[PROTOCOL_HASH_HEX]);

/* The completion of line (t, l), or NULL. */
const struct rx_completion *rx_find(const struct rx_completion *comps, size_t n, size_t t,
				    size_t l);

/* Can this chosen line be issued as is (with the signed completion, may be NULL)? A medicine
 * needs its molecule, an amount per dose (fixed, per kg with the weight, or completed) and how
 * often (doses a day or a frequency). false with the reason (static French text) otherwise. */
bool rx_line_issuable(const struct protocol *p, const struct line_result *lr,
		      const struct rx_completion *comp, const char **why);

/* Is `days` a sick leave the line allows (1 to max_days)? false with a French sentence. */
bool rx_sick_leave_days_ok(const struct prescription_line *l, int days, char *msg, size_t size);

/* A sick leave's days given (days != 0) while no sick-leave line is chosen apply to nothing:
 * false then, with a French sentence in msg; true otherwise. */
bool rx_sick_leave_days_have_line(int days, bool sick_leave_chosen, char *msg, size_t size);

/* Must the prescription carry the child's weight, not known yet: lines issued to a patient
 * under RX_CHILD_AGE_YEARS whose weight is not known (from the answers or given)? */
bool rx_weight_required(size_t n_lines_issued, int age_years, bool weight_known);

/* The line as printed for the patient: never the signer's note, nor a word about the protocol's
 * gaps. days: the sick leave's days (ignored for other kinds). */
void rx_line_text(const struct protocol *p, const struct line_result *lr,
		  const struct rx_completion *comp, int days, struct strbuf *out);

/* "medicine", "device", "act", "certificate", "sick_leave". */
const char *rx_line_kind_code(enum line_kind k);

/* Key of a chosen line for the API and screens: "template_id#n" (n from 1). */
void rx_line_key(const struct protocol *p, size_t t, size_t l, char *buf, size_t size);

/* What the printed sheet knows. */
struct rx_sheet_facts {
	bool signer_rpps; /* the signing délégant's RPPS is known */
	bool finess;      /* the structure's FINESS is known */
	bool birth_known;
	int age_years, age_months;
	bool weight_known; /* kg */
};

struct rx_sheet_check {
	bool ok;
	bool child;             /* the weight must be printed */
	const char *missing[3]; /* French, static */
	size_t n_missing;
};

/* Can the sheet be printed and handed to the patient? */
void rx_sheet_check(const struct rx_sheet_facts *f, struct rx_sheet_check *out);

/* "7 ans", "1 an", "18 mois" (under 2 years: months). */
void rx_age_fr(int age_years, int age_months, struct strbuf *out);

/* The patient's weight as answered in this run: the weight question of a chosen per-kg line,
 * else the first answered question whose unit is kg. false when none. */
bool rx_weight(const struct protocol *p, const struct engine_input *in,
	       const struct engine_result *r, double *kg);

#endif
