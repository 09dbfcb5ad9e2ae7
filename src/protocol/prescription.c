/*
 * prescription.c — the rules of a prescription issued under a protocol (prescription.h).
 */
#include "protocol/prescription.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "protocol/explain.h"

bool rx_line_completable(const struct prescription_line *l)
{
	return l->kind == LINE_MEDICINE && l->open.present;
}

const struct rx_completion *rx_find(const struct rx_completion *comps, size_t n, size_t t, size_t l)
{
	for (size_t i = 0; i < n; i++)
		if (comps[i].template_index == t && comps[i].line_index == l)
			return &comps[i];
	return NULL;
}

/* "Ordonnance type « Paracétamol », ligne 2" */
static int where(const struct protocol *p, size_t t, size_t l, char *buf, size_t size)
{
	return snprintf(buf, size, "Ordonnance type « %s », ligne %zu", p->templates[t].label,
			l + 1);
}

bool rx_completion_check(const struct protocol *p, const struct rx_completion *c, char *msg,
			 size_t size)
{
	char w[240];
	if (c->template_index >= p->n_templates ||
	    c->line_index >= p->templates[c->template_index].n_lines) {
		snprintf(msg, size, "Cette ligne d'ordonnance n'existe pas dans le protocole.");
		return false;
	}
	const struct prescription_line *l = &p->templates[c->template_index].lines[c->line_index];
	const struct line_open *o = &l->open;
	where(p, c->template_index, c->line_index, w, sizeof(w));
	if (!rx_line_completable(l)) {
		snprintf(msg, size, "%s : le protocole ne laisse rien à compléter sur cette ligne.",
			 w);
		return false;
	}
	if (o->n_substances) {
		bool found = false;
		for (size_t i = 0; c->substance && i < o->n_substances; i++)
			found = found || strcmp(c->substance, o->substances[i]) == 0;
		if (!found) {
			snprintf(msg, size,
				 "%s : choisissez la molécule parmi celles que le protocole "
				 "propose.",
				 w);
			return false;
		}
	} else if (c->substance) {
		snprintf(msg, size, "%s : le protocole fixe la molécule ; elle ne se choisit pas.",
			 w);
		return false;
	}
	if (o->dose) {
		if (!c->has_dose || !(c->dose_amount >= o->dose_min) ||
		    !(c->dose_amount <= o->dose_max)) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			explain_number_fr(o->dose_min, &a);
			explain_number_fr(o->dose_max, &b);
			snprintf(msg, size, "%s : indiquez la dose par prise, entre %s et %s %s.",
				 w, strbuf_str(&a), strbuf_str(&b), o->dose_unit);
			strbuf_free(&a);
			strbuf_free(&b);
			return false;
		}
	} else if (c->has_dose) {
		snprintf(msg, size, "%s : le protocole fixe la dose ; elle ne se complète pas.", w);
		return false;
	}
	if (o->doses_per_day) {
		if (c->doses_per_day < o->dpd_min || c->doses_per_day > o->dpd_max) {
			snprintf(msg, size,
				 "%s : indiquez le nombre de prises par jour, entre %d et %d.", w,
				 o->dpd_min, o->dpd_max);
			return false;
		}
	} else if (c->doses_per_day) {
		snprintf(msg, size, "%s : le protocole fixe le nombre de prises par jour.", w);
		return false;
	}
	if (o->duration) {
		if (c->duration_days < o->duration_min || c->duration_days > o->duration_max) {
			snprintf(msg, size,
				 "%s : indiquez la durée du traitement, entre %d et %d jours.", w,
				 o->duration_min, o->duration_max);
			return false;
		}
	} else if (c->duration_days) {
		snprintf(msg, size, "%s : le protocole fixe la durée du traitement.", w);
		return false;
	}
	return true;
}

bool rx_signature_check(const struct protocol *p, const struct rx_completion *comps, size_t n,
			char *msg, size_t size)
{
	for (size_t i = 0; i < n; i++) {
		if (!rx_completion_check(p, &comps[i], msg, size))
			return false;
		for (size_t j = 0; j < i; j++)
			if (comps[j].template_index == comps[i].template_index &&
			    comps[j].line_index == comps[i].line_index) {
				char w[240];
				where(p, comps[i].template_index, comps[i].line_index, w,
				      sizeof(w));
				snprintf(msg, size, "%s : complétée deux fois.", w);
				return false;
			}
	}
	for (size_t t = 0; t < p->n_templates; t++)
		for (size_t l = 0; l < p->templates[t].n_lines; l++)
			if (rx_line_completable(&p->templates[t].lines[l]) &&
			    !rx_find(comps, n, t, l)) {
				char w[240];
				where(p, t, l, w, sizeof(w));
				snprintf(msg, size,
					 "%s : le protocole laisse la posologie à compléter par le "
					 "délégant ; complétez-la avant de signer.",
					 w);
				return false;
			}
	return true;
}

void rx_template_hash(const struct protocol *p, const struct rx_completion *comps, size_t n,
		      char out[PROTOCOL_HASH_HEX])
{
	if (n == 0) {
		memcpy(out, p->hash, PROTOCOL_HASH_HEX);
		return;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static const char head[] = "coop-template-1\n";
	crypto_hash_sha256_update(&st, (const unsigned char *)head, sizeof(head) - 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)p->hash, strlen(p->hash));
	/* canonical order: the protocol's, whatever order the completions came in */
	for (size_t t = 0; t < p->n_templates; t++)
		for (size_t l = 0; l < p->templates[t].n_lines; l++) {
			const struct rx_completion *c = rx_find(comps, n, t, l);
			if (!c)
				continue;
			char line[600];
			int k = snprintf(line, sizeof(line), "\n%s#%zu|%s|%s%.6f|%d|%d",
					 p->templates[t].id, l + 1,
					 c->substance ? c->substance : "", c->has_dose ? "" : "-",
					 c->has_dose ? c->dose_amount : 0.0, c->doses_per_day,
					 c->duration_days);
			if (k > 0)
				crypto_hash_sha256_update(
					&st, (const unsigned char *)line,
					(size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
		}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, PROTOCOL_HASH_HEX, h, sizeof(h));
}

bool rx_line_issuable(const struct protocol *p, const struct line_result *lr,
		      const struct rx_completion *comp, const char **why)
{
	const struct prescription_line *l = &p->templates[lr->template_index].lines[lr->line_index];
	if (l->kind != LINE_MEDICINE)
		return true;
	const struct line_open *o = &l->open;
	const char *reason = NULL;
	if (o->n_substances && !(comp && comp->substance))
		reason = "molécule non choisie par le délégant signataire";
	else if (!l->has_dose && !(l->has_dose_per_kg && lr->has_computed_dose) &&
		 !(o->dose && comp && comp->has_dose))
		reason = l->has_dose_per_kg ? "dose non calculée : poids inconnu"
					    : "dose non fixée dans le modèle signé";
	else if (l->doses_per_day <= 0 && !l->frequency &&
		 !(o->doses_per_day && comp && comp->doses_per_day > 0))
		reason = "nombre de prises non fixé dans le modèle signé";
	else if (o->duration && !(comp && comp->duration_days > 0))
		reason = "durée non fixée dans le modèle signé";
	if (reason && why)
		*why = reason;
	return reason == NULL;
}

bool rx_sick_leave_days_ok(const struct prescription_line *l, int days, char *msg, size_t size)
{
	if (l->kind != LINE_SICK_LEAVE)
		return true;
	if (days >= 1 && days <= l->max_days)
		return true;
	snprintf(msg, size,
		 "L'arrêt de travail se prescrit pour 1 à %d jour%s selon le protocole : indiquez "
		 "un nombre de jours dans ces limites.",
		 l->max_days, l->max_days > 1 ? "s" : "");
	return false;
}

bool rx_sick_leave_days_have_line(int days, bool sick_leave_chosen, char *msg, size_t size)
{
	if (days == 0 || sick_leave_chosen)
		return true;
	snprintf(msg, size, "Aucun arrêt de travail n'est choisi : la durée ne s'applique à rien.");
	return false;
}

bool rx_weight_required(size_t n_lines_issued, int age_years, bool weight_known)
{
	return n_lines_issued > 0 && age_years < RX_CHILD_AGE_YEARS && !weight_known;
}

static void plural_days(int n, struct strbuf *out)
{
	strbuf_printf(out, "%d jour%s", n, n > 1 ? "s" : "");
}

void rx_line_text(const struct protocol *p, const struct line_result *lr,
		  const struct rx_completion *comp, int days, struct strbuf *out)
{
	const struct prescription_line *l = &p->templates[lr->template_index].lines[lr->line_index];
	const struct line_open *o = &l->open;
	switch (l->kind) {
	case LINE_MEDICINE: {
		strbuf_puts(out, comp && comp->substance ? comp->substance : l->substance);
		if (l->form)
			strbuf_printf(out, ", %s", l->form);
		int dpd = l->doses_per_day > 0
				  ? l->doses_per_day
				  : (comp && o->doses_per_day ? comp->doses_per_day : 0);
		if (l->has_dose) {
			strbuf_puts(out, " : ");
			explain_number_fr(l->dose_amount, out);
			strbuf_printf(out, " %s par prise", l->dose_unit);
		} else if (l->has_dose_per_kg && lr->has_computed_dose) {
			strbuf_puts(out, " : ");
			explain_number_fr(lr->per_dose_amount, out);
			strbuf_printf(out, " %s par prise", l->per_kg_unit);
			strbuf_puts(out, " (");
			explain_number_fr(l->per_kg_amount, out);
			strbuf_printf(out, " %s/kg/%s pour ", l->per_kg_unit,
				      l->per_kg_per == DOSE_PER_DAY ? "jour" : "prise");
			explain_number_fr(lr->weight_kg, out);
			strbuf_puts(out, " kg)");
		} else if (comp && comp->has_dose && o->dose) {
			strbuf_puts(out, " : ");
			explain_number_fr(comp->dose_amount, out);
			strbuf_printf(out, " %s par prise", o->dose_unit);
		}
		if (dpd > 0)
			strbuf_printf(out, ", %d prise%s par jour", dpd, dpd > 1 ? "s" : "");
		if (l->frequency)
			strbuf_printf(out, ", %s", l->frequency);
		int dur = l->duration_days > 0 ? l->duration_days
					       : (comp && o->duration ? comp->duration_days : 0);
		if (dur > 0) {
			strbuf_puts(out, ", pendant ");
			plural_days(dur, out);
		}
		if (l->quantity)
			strbuf_printf(out, " ; quantité : %s", l->quantity);
		break;
	}
	case LINE_DEVICE:
	case LINE_ACT:
	case LINE_CERTIFICATE:
		strbuf_puts(out, l->item);
		if (l->quantity)
			strbuf_printf(out, " ; quantité : %s", l->quantity);
		break;
	case LINE_SICK_LEAVE:
		strbuf_puts(out, "Arrêt de travail de ");
		plural_days(days > 0 ? days : l->max_days, out);
		break;
	}
	if (l->instructions)
		strbuf_printf(out, " — %s", l->instructions);
}

const char *rx_line_kind_code(enum line_kind k)
{
	static const char *const codes[] = {"medicine", "device", "act", "certificate",
					    "sick_leave"};
	return (unsigned)k < sizeof(codes) / sizeof(codes[0]) ? codes[k] : "medicine";
}

void rx_line_key(const struct protocol *p, size_t t, size_t l, char *buf, size_t size)
{
	snprintf(buf, size, "%s#%zu", p->templates[t].id, l + 1);
}

void rx_sheet_check(const struct rx_sheet_facts *f, struct rx_sheet_check *out)
{
	memset(out, 0, sizeof(*out));
	if (!f->signer_rpps && !f->finess)
		out->missing[out->n_missing++] =
			"le RPPS du délégant signataire ou le FINESS de la structure (l'Assurance "
			"Maladie ne peut pas reconnaître sans eux la prescription d'un délégué)";
	if (!f->birth_known)
		out->missing[out->n_missing++] = "l'âge du patient (date de naissance)";
	out->child = f->birth_known && f->age_years < RX_CHILD_AGE_YEARS;
	if (out->child && !f->weight_known)
		out->missing[out->n_missing++] = "le poids de l'enfant";
	out->ok = out->n_missing == 0;
}

void rx_age_fr(int age_years, int age_months, struct strbuf *out)
{
	if (age_years < 2)
		strbuf_printf(out, "%d mois", age_months);
	else
		strbuf_printf(out, "%d ans", age_years);
}

static bool number_of(const struct expr_value *v, double *out)
{
	if (!v || v->missing || v->count != 1)
		return false;
	const struct expr_item *it = expr_value_item(v, 0);
	if (it->base == EXPR_INTEGER)
		*out = (double)it->u.i;
	else if (it->base == EXPR_DECIMAL)
		*out = it->u.d;
	else
		return false;
	return *out > 0;
}

bool rx_weight(const struct protocol *p, const struct engine_input *in,
	       const struct engine_result *r, double *kg)
{
	for (size_t i = 0; r && i < r->n_lines; i++)
		if (r->lines[i].has_computed_dose) {
			*kg = r->lines[i].weight_kg;
			return true;
		}
	for (size_t i = 0; i < p->n_questions; i++) {
		const char *u = p->questions[i].unit;
		if (u && strcmp(u, "kg") == 0 && number_of(&in->answers[i], kg))
			return true;
	}
	return false;
}
