/*
 * billing.c — the billing rules of an episode (see billing.h for the rules, numbered there).
 *
 * A tariff is looked up by code and day among the protocol's tariffs; two of one code in force
 * on one day are a data error, not a choice to make here. The share splits by integer division
 * plus largest remainder without allocating: each part's remainder is recomputed when needed.
 */
#include "core/billing.h"

#include <string.h>

#include "core/pathway.h"

static bool tariff_valid(const struct billing_tariff *t)
{
	return t->cents >= 0 && (!t->has_to || t->to >= t->from);
}

static bool in_force(const struct billing_tariff *t, coop_date d)
{
	return d >= t->from && (!t->has_to || d <= t->to);
}

/* The tariff of code in force on day d: COOP_OK with *found (NULL when none), ERR_INVALID when
 * two are; *any tells whether the protocol has any tariff of that code. */
static enum coop_err lookup(const struct billing_tariff *tariffs, size_t n, enum billing_code code,
	coop_date d, const struct billing_tariff **found, bool *any)
{
	*found = NULL;
	*any = false;
	for (size_t i = 0; i < n; i++) {
		if (tariffs[i].code != code)
			continue;
		*any = true;
		if (!in_force(&tariffs[i], d))
			continue;
		if (*found)
			return ERR_INVALID;
		*found = &tariffs[i];
	}
	return COOP_OK;
}

static void block(struct billing_out *out, enum billing_reason r)
{
	if (out->n_blocked < BILLING_MAX_REASONS)
		out->blocked[out->n_blocked++] = r;
}

enum coop_err billing_episode(const struct billing_episode_in *in,
	const struct billing_tariff *tariffs, size_t n, struct billing_out *out)
{
	enum coop_err err = COOP_OK;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++)
		if (!tariff_valid(&tariffs[i])) {
			err = ERR_INVALID;
			goto out;
		}
	switch (in->outcome) {
	case BILLING_INCLUDED:
		out->due = BILLING_DUE;
		break;
	case BILLING_EXIT_AFTER_EXAM:
		out->due = BILLING_NOT_DUE_EXIT;
		break;
	case BILLING_REORIENTED_REVOYURE:
		out->due = in->revoyure_day >= in->decision_day &&
				in->revoyure_day <= pathway_revoyure_last_day(in->decision_day)
			? BILLING_DUE
			: BILLING_NOT_DUE_REVOYURE_LATE;
		break;
	case BILLING_REORIENTED_OTHER:
	default:
		out->due = BILLING_NOT_DUE_REORIENTED;
		break;
	}
	if (out->due != BILLING_DUE)
		goto out;

	const struct billing_tariff *t;
	bool any;
	err = lookup(tariffs, n, BILLING_FLAT_FEE, in->decision_day, &t, &any);
	if (err != COOP_OK)
		goto out;
	if (t)
		out->lines[out->n_lines++] = (struct billing_line){BILLING_FLAT_FEE, t->cents,
			in->decision_day};
	else
		block(out, BILLING_BLOCKED_NO_FLAT_TARIFF);

	if (in->second_contact && !in->second_contact_in_window) {
		out->second_contact_not_billed = true;
	} else if (in->second_contact) {
		err = lookup(tariffs, n, BILLING_SECOND_CONTACT, in->second_contact_day, &t, &any);
		if (err != COOP_OK)
			goto out;
		if (t)
			out->lines[out->n_lines++] = (struct billing_line){BILLING_SECOND_CONTACT,
				t->cents, in->second_contact_day};
		else if (any)
			block(out, BILLING_BLOCKED_NO_SECOND_TARIFF);
	}
	if (in->structure == BILLING_CDS && !in->nir_valid)
		block(out, BILLING_BLOCKED_CDS_NO_NIR);
	if ((in->structure == BILLING_MSP || in->structure == BILLING_CDS) && !in->aci_signatory)
		block(out, BILLING_BLOCKED_NOT_ACI);
	if (!in->adhesion_in_force)
		block(out, BILLING_BLOCKED_NO_ADHESION);
out:
	if (err != COOP_OK)
		memset(out, 0, sizeof *out);
	return err;
}

const char *billing_reason_fr(enum billing_reason r)
{
	switch (r) {
	case BILLING_BLOCKED_NO_FLAT_TARIFF:
		return "Aucun tarif du forfait n'est en vigueur le jour de la décision.";
	case BILLING_BLOCKED_NO_SECOND_TARIFF:
		return "Aucun tarif du second contact n'est en vigueur le jour de ce contact.";
	case BILLING_BLOCKED_CDS_NO_NIR:
		return "Centre de santé : le NIR du patient est absent ou invalide, la facturation "
		       "SESAM-Vitale est impossible.";
	case BILLING_BLOCKED_NOT_ACI:
		return "La structure n'est pas signataire de l'accord conventionnel "
		       "interprofessionnel (ACI) : le forfait ne peut pas lui être versé.";
	case BILLING_BLOCKED_NO_ADHESION:
		return "L'adhésion de l'équipe au protocole ne couvre pas le jour de la décision.";
	}
	return "Motif de blocage inconnu.";
}

const char *billing_not_due_fr(enum billing_not_due d)
{
	switch (d) {
	case BILLING_DUE:
		return "Forfait dû.";
	case BILLING_NOT_DUE_EXIT:
		return "Forfait non dû : sortie du protocole après l'examen du délégué (le médecin "
		       "facture sa propre consultation).";
	case BILLING_NOT_DUE_REVOYURE_LATE:
		return "Forfait non dû : la revoyure par le médecin n'a eu lieu ni le jour de la "
		       "décision ni le lendemain.";
	case BILLING_NOT_DUE_REORIENTED:
		return "Forfait non dû : patient réorienté sans revoyure par le médecin.";
	}
	return "Motif inconnu.";
}

size_t billing_cumulation(const struct billing_cumulation_in *ep, const struct billing_act *acts,
	size_t n, bool flags[])
{
	size_t count = 0;
	const coop_date last = pathway_revoyure_last_day(ep->decision_day);
	for (size_t i = 0; i < n; i++) {
		const struct billing_act *a = &acts[i];
		flags[i] = a->patient_key == ep->patient_key && a->day >= ep->decision_day &&
			a->day <= last &&
			(a->professional_id == ep->delegue_id || a->professional_id == ep->delegant_id);
		count += flags[i];
	}
	return count;
}

enum coop_err billing_share(int64_t total_cents, const int64_t keys[], size_t n,
	int64_t out_cents[])
{
	if (n > BILLING_SHARE_MAX)
		return ERR_TOO_LARGE;
	if (total_cents < 0 || n == 0)
		return ERR_INVALID;
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (keys[i] < 0)
			return ERR_INVALID;
		sum += keys[i];
		if (sum > INT32_MAX)
			return ERR_INVALID;
	}
	if (sum == 0)
		return ERR_INVALID;
	/* total × k / sum = q × k + r × k / sum, with r < sum ≤ 2^31 and k ≤ 2^31: no overflow */
	const int64_t q = total_cents / sum, r = total_cents % sum;
	int64_t given = 0;
	for (size_t i = 0; i < n; i++) {
		out_cents[i] = q * keys[i] + r * keys[i] / sum;
		given += out_cents[i];
	}
	/* the cents left (fewer than n) go one each to the largest remainders, lower index first */
	for (int64_t left = total_cents - given; left > 0; left--) {
		size_t best = n;
		int64_t best_rem = -1;
		for (size_t i = 0; i < n; i++) {
			int64_t base = q * keys[i] + r * keys[i] / sum;
			if (out_cents[i] != base)
				continue; /* already got its cent */
			int64_t rem = r * keys[i] % sum;
			if (rem > best_rem) {
				best_rem = rem;
				best = i;
			}
		}
		out_cents[best]++;
	}
	return COOP_OK;
}

static bool mul_ok(int64_t a, int64_t b, int64_t *out)
{
	if (a < 0 || b < 0)
		return false;
	if (a != 0 && b > INT64_MAX / a)
		return false;
	*out = a * b;
	return true;
}

enum coop_err billing_aci(int64_t n_protocols, int64_t max_protocols,
	int64_t points_per_protocol, int64_t cents_per_point, int64_t *out_cents)
{
	if (n_protocols < 0 || max_protocols < 0)
		return ERR_INVALID;
	int64_t n = n_protocols < max_protocols ? n_protocols : max_protocols, pts, c;
	if (!mul_ok(n, points_per_protocol, &pts) || !mul_ok(pts, cents_per_point, &c))
		return ERR_INVALID;
	*out_cents = c;
	return COOP_OK;
}

enum coop_err billing_hospital_bonus(int64_t professionals, int64_t months,
	int64_t monthly_cents, int64_t *out_cents)
{
	int64_t pm, c;
	if (!mul_ok(professionals, months, &pm) || !mul_ok(pm, monthly_cents, &c))
		return ERR_INVALID;
	*out_cents = c;
	return COOP_OK;
}
