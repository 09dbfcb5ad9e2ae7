/*
 * explain.c — French text and JSON renderings of an engine result (explain.h).
 */
#include "protocol/explain.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void explain_number_fr(double x, struct strbuf *out)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%.6g", x);
	for (char *q = tmp; *q; q++)
		if (*q == '.')
			*q = ',';
	strbuf_puts(out, tmp);
}

static const char *line_kind_label_fr(enum line_kind k)
{
	switch (k) {
	case LINE_MEDICINE: return "médicament";
	case LINE_DEVICE: return "dispositif médical";
	case LINE_ACT: return "acte";
	case LINE_CERTIFICATE: return "certificat";
	case LINE_SICK_LEAVE: return "arrêt de travail";
	}
	return "?";
}

static const char *line_kind_code(enum line_kind k)
{
	switch (k) {
	case LINE_MEDICINE: return "medicine";
	case LINE_DEVICE: return "device";
	case LINE_ACT: return "act";
	case LINE_CERTIFICATE: return "certificate";
	case LINE_SICK_LEAVE: return "sick_leave";
	}
	return "?";
}

void explain_line_fr(const struct protocol *p, const struct line_result *lr, struct strbuf *out)
{
	const struct prescription_line *l = &p->templates[lr->template_index].lines[lr->line_index];
	switch (l->kind) {
	case LINE_MEDICINE:
		strbuf_puts(out, l->substance);
		if (l->form)
			strbuf_printf(out, ", %s", l->form);
		if (l->has_dose) {
			strbuf_puts(out, " : ");
			explain_number_fr(l->dose_amount, out);
			strbuf_printf(out, " %s par prise", l->dose_unit);
		} else if (l->has_dose_per_kg) {
			strbuf_puts(out, " : ");
			explain_number_fr(l->per_kg_amount, out);
			strbuf_printf(out, " %s/kg/%s", l->per_kg_unit,
				      l->per_kg_per == DOSE_PER_DAY ? "jour" : "prise");
			if (l->per_kg_max > 0) {
				strbuf_puts(out, " (maximum ");
				explain_number_fr(l->per_kg_max, out);
				strbuf_printf(out, " %s/%s)", l->per_kg_unit,
					      l->per_kg_per == DOSE_PER_DAY ? "jour" : "prise");
			}
			if (lr->has_computed_dose) {
				strbuf_puts(out, ", soit pour ");
				explain_number_fr(lr->weight_kg, out);
				strbuf_puts(out, " kg : ");
				explain_number_fr(lr->per_dose_amount, out);
				strbuf_printf(out, " %s par prise", l->per_kg_unit);
				if (lr->daily_amount > 0) {
					strbuf_puts(out, " (");
					explain_number_fr(lr->daily_amount, out);
					strbuf_printf(out, " %s par jour)", l->per_kg_unit);
				}
				if (lr->capped)
					strbuf_puts(out, " — dose plafonnée au maximum");
			}
		} else {
			strbuf_puts(out, " : posologie non renseignée dans le protocole");
		}
		if (l->doses_per_day > 0)
			strbuf_printf(out, ", %d prise%s par jour", l->doses_per_day,
				      l->doses_per_day > 1 ? "s" : "");
		if (l->frequency)
			strbuf_printf(out, ", %s", l->frequency);
		if (l->duration_days > 0)
			strbuf_printf(out, ", pendant %d jour%s", l->duration_days,
				      l->duration_days > 1 ? "s" : "");
		if (l->quantity)
			strbuf_printf(out, " ; quantité : %s", l->quantity);
		break;
	case LINE_DEVICE:
	case LINE_ACT:
	case LINE_CERTIFICATE:
		strbuf_printf(out, "%s : %s", line_kind_label_fr(l->kind), l->item);
		if (l->quantity)
			strbuf_printf(out, " ; quantité : %s", l->quantity);
		break;
	case LINE_SICK_LEAVE:
		strbuf_printf(out, "arrêt de travail si nécessaire, %d jour%s au plus", l->max_days,
			      l->max_days > 1 ? "s" : "");
		break;
	}
	if (l->instructions)
		strbuf_printf(out, " — %s", l->instructions);
}

/* The label of a single-choice answer, or NULL (other types, unanswered). */
static const char *choice_label(const struct protocol *p, size_t slot, const struct expr_value *v)
{
	if (slot >= p->n_questions || p->questions[slot].type != Q_CHOICE || v->count != 1)
		return NULL;
	const struct question *q = &p->questions[slot];
	const struct expr_item *it = expr_value_item(v, 0);
	for (size_t i = 0; i < q->n_choices; i++)
		if (strlen(q->choices[i].code) == it->u.str.len &&
		    memcmp(q->choices[i].code, it->u.str.s, it->u.str.len) == 0)
			return q->choices[i].label;
	return NULL;
}

/* "temperature = 38,5 °C ; frissons = non" for the fields an expression reads. */
static void inputs_text(const struct protocol *p, const struct engine_result *r,
			const struct expr *e, struct strbuf *out)
{
	const struct expr_slotset *reads = expr_reads(e);
	bool first = true;
	for (size_t s = 0; s < p->n_slots; s++) {
		if (!expr_slotset_has(reads, (unsigned)s))
			continue;
		char val[160];
		const char *label = choice_label(p, s, r->slots[s]);
		if (label)
			snprintf(val, sizeof(val), "%s", label);
		else
			expr_value_format_fr(r->slots[s], val, sizeof(val));
		strbuf_printf(out, "%s%s = %s", first ? "" : " ; ", p->slot_names[s], val);
		if (s < p->n_questions && p->questions[s].unit && r->slots[s]->count)
			strbuf_printf(out, " %s", p->questions[s].unit);
		if (s < p->n_questions && engine_question_state(r, s) == QS_NOT_APPLICABLE)
			strbuf_puts(out, " (sans objet)");
		first = false;
	}
}

static const char *criterion_state_fr(const struct criterion *c, const struct criterion_result *cr)
{
	switch (cr->value) {
	case TRI_UNKNOWN: return "inconnu (réponse manquante)";
	case TRI_EMPTY: return "sans objet";
	case TRI_TRUE: return c->kind == CRIT_INCLUSION ? "rempli" : "PRÉSENT → sortie du protocole";
	case TRI_FALSE: return c->kind == CRIT_INCLUSION ? "NON rempli → sortie du protocole" : "absent";
	}
	return "?";
}

static const char *sex_label_fr(enum patient_sex s)
{
	switch (s) {
	case SEX_FEMALE: return "féminin";
	case SEX_MALE: return "masculin";
	case SEX_OTHER: return "autre";
	default: return "non renseigné";
	}
}

static void age_bound_text(const struct age_bound *b, struct strbuf *out)
{
	strbuf_printf(out, "%d %s", b->value,
		      b->unit == AGE_MONTHS ? "mois" : (b->value > 1 ? "ans" : "an"));
}

static void scope_text(const struct protocol_version *v, enum scope_failure s, struct strbuf *out)
{
	if (s == SCOPE_AGE) {
		strbuf_puts(out, "Hors du périmètre du protocole : l'âge doit être");
		if (v->age_min.set) {
			strbuf_puts(out, " d'au moins ");
			age_bound_text(&v->age_min, out);
		}
		if (v->age_min.set && v->age_max.set)
			strbuf_puts(out, " et");
		if (v->age_max.set) {
			strbuf_puts(out, " d'au plus ");
			age_bound_text(&v->age_max, out);
		}
		strbuf_puts(out, " (âges révolus le jour de la visite).");
	} else if (s == SCOPE_SEX) {
		strbuf_puts(out, "Hors du périmètre du protocole : le protocole ne concerne pas ce sexe.");
	} else if (s == SCOPE_NO_OUTCOME) {
		strbuf_puts(out, "Aucune issue du protocole ne correspond à ces réponses : avis médical.");
	} else if (s == SCOPE_UNDECIDABLE) {
		strbuf_puts(out, "Le protocole ne permet pas de conclure avec ces réponses (ou une dose au "
				 "poids ne peut pas être calculée) : avis médical le jour même.");
	}
}

/* ---------------------------------------------------------------- the reason, in one sentence */

const char *explain_urgency_headline_fr(enum urgency u)
{
	switch (u) {
	case URG_EMERGENCY: return "Urgence : appeler le 15";
	case URG_PHYSICIAN_SAME_DAY: return "Médecin le jour même";
	case URG_PHYSICIAN_LATER: return "Médecin, consultation programmée (sans urgence)";
	case URG_NONE: break;
	}
	return "";
}

/* Where the patient goes, inside a sentence. */
static const char *urgency_action_fr(enum urgency u)
{
	switch (u) {
	case URG_EMERGENCY: return "urgence : appeler le 15";
	case URG_PHYSICIAN_SAME_DAY: return "médecin le jour même";
	case URG_PHYSICIAN_LATER: return "médecin, consultation programmée sans urgence";
	case URG_NONE: break;
	}
	return "médecin";
}

/* Does a criterion's wording already say where the patient goes ("…, médecin le jour même")?
 * Compared without the case of the first letter, which is all that differs in the files. */
static bool says_action(const char *label, const char *action)
{
	size_t n = strlen(action);
	for (const char *at = label; (at = strstr(at, action + 1)) != NULL; at++) {
		if (at == label)
			continue;
		/* the byte before is the action's first letter, in either case */
		char first = at[-1];
		if (first == action[0] || first == (char)(action[0] - 'a' + 'A'))
			return n > 1;
	}
	return false;
}

/* Appends a label without its final full stop (the sentence goes on). */
static void put_label(const char *label, struct strbuf *out)
{
	size_t n = strlen(label);
	while (n > 0 && (label[n - 1] == '.' || label[n - 1] == ' '))
		n--;
	strbuf_printf(out, "%.*s", (int)n, label);
}

bool explain_reason_fr(const struct protocol *p, const struct engine_result *r,
		       struct strbuf *out)
{
	if (!engine_reorients(r))
		return false;
	const char *action = urgency_action_fr(r->urgency);
	if (r->decision == DECISION_INCLUDED) {
		/* an outcome that reorients */
		const struct outcome *o = r->outcome >= 0 ? &p->outcomes[r->outcome] : NULL;
		if (o)
			put_label(o->label, out);
		else
			strbuf_puts(out, "Issue du protocole");
		strbuf_printf(out, " — le protocole adresse au médecin ; %s.", action);
		return true;
	}
	/* the fired criterion with the strongest urgency, the first among equals */
	int chosen = -1;
	size_t n_fired = 0;
	for (size_t i = 0; i < p->n_criteria; i++) {
		if (!r->criteria[i].fired)
			continue;
		n_fired++;
		if (chosen < 0 || p->criteria[i].urgency > p->criteria[chosen].urgency)
			chosen = (int)i;
	}
	size_t others = n_fired ? n_fired - 1 : 0;
	if (chosen >= 0) {
		const struct criterion *c = &p->criteria[chosen];
		put_label(c->label, out);
		strbuf_printf(out, " — %s",
			      c->kind == CRIT_INCLUSION ? "condition du protocole non remplie"
							: "le protocole exclut ce cas");
		/* where to go, unless the criterion's own wording already says it */
		if (!says_action(c->label, action))
			strbuf_printf(out, " ; %s", action);
		if (r->scope == SCOPE_AGE || r->scope == SCOPE_SEX)
			others++;
	} else if (r->scope == SCOPE_AGE) {
		const struct protocol_version *v = r->version;
		strbuf_puts(out, "Âge hors du champ du protocole (");
		if (v && v->age_min.set && v->age_max.set && v->age_min.unit == v->age_max.unit) {
			strbuf_printf(out, "de %d à ", v->age_min.value);
			age_bound_text(&v->age_max, out);
		} else if (v && v->age_min.set && v->age_max.set) {
			strbuf_puts(out, "de ");
			age_bound_text(&v->age_min, out);
			strbuf_puts(out, " à ");
			age_bound_text(&v->age_max, out);
		} else if (v && v->age_min.set) {
			strbuf_puts(out, "au moins ");
			age_bound_text(&v->age_min, out);
		} else if (v && v->age_max.set) {
			strbuf_puts(out, "au plus ");
			age_bound_text(&v->age_max, out);
		}
		strbuf_printf(out, ") ; %s", action);
	} else if (r->scope == SCOPE_SEX) {
		strbuf_printf(out, "Le protocole ne concerne pas ce sexe ; %s", action);
	} else if (r->scope == SCOPE_NO_OUTCOME) {
		strbuf_printf(out, "Aucune issue du protocole ne correspond à ces réponses ; %s", action);
	} else {
		strbuf_printf(out, "Le protocole ne permet pas de conclure avec ces réponses ; %s",
			      action);
	}
	if (others == 1)
		strbuf_puts(out, " (et un autre motif, voir le détail)");
	else if (others > 1)
		strbuf_printf(out, " (et %zu autres motifs, voir le détail)", others);
	/* a stronger red flag cannot be told yet (its questions are the next ones) */
	if (r->decision == DECISION_EXCLUDED && r->n_next > 0)
		strbuf_puts(out, " ; un signe d'alerte plus urgent reste à vérifier");
	strbuf_puts(out, ".");
	return true;
}

void explain_text(const struct protocol *p, const struct engine_input *in,
		  const struct engine_result *r, struct strbuf *out)
{
	char visit[16];
	date_format_fr(in->visit_date, visit, sizeof(visit));
	strbuf_printf(out, "Protocole : %s (%s)\n", p->title, p->id);
	strbuf_printf(out, "Version appliquée : %s — empreinte %.16s\n",
		      r->version ? r->version->version : "?", p->hash);
	strbuf_printf(out, "Visite du %s — patient de %d an%s (%d mois), sexe %s\n\n", visit,
		      r->age_years, r->age_years > 1 ? "s" : "", r->age_months, sex_label_fr(in->sex));
	strbuf_printf(out, "Décision : %s\n", decision_label_fr(r->decision));
	if (r->decision == DECISION_EXCLUDED)
		strbuf_printf(out, "Réorientation : %s\n", urgency_label_fr(r->urgency));
	if (engine_reorients(r)) {
		strbuf_puts(out, "Motif : ");
		explain_reason_fr(p, r, out);
		strbuf_puts(out, "\n");
	}
	if (r->scope != SCOPE_OK) {
		scope_text(r->version, r->scope, out);
		strbuf_puts(out, "\n");
	}

	strbuf_puts(out, "\nCritères :\n");
	for (size_t i = 0; i < p->n_criteria; i++) {
		const struct criterion *c = &p->criteria[i];
		const struct criterion_result *cr = &r->criteria[i];
		strbuf_printf(out, "  %s [%s] %s : %s\n", cr->fired ? "✘" : (cr->value == TRI_UNKNOWN ? "?" : "✔"),
			      criterion_kind_label_fr(c->kind), c->label, criterion_state_fr(c, cr));
		strbuf_puts(out, "      d'après : ");
		inputs_text(p, r, c->expression, out);
		strbuf_puts(out, "\n");
		if (cr->fired)
			strbuf_printf(out, "      urgence : %s\n", urgency_label_fr(c->urgency));
		strbuf_printf(out, "      source : %s (%s)\n", c->prov.source,
			      confidence_label_fr(c->prov.confidence));
	}

	if (r->decision == DECISION_INCLUDED && r->outcome >= 0) {
		const struct outcome *o = &p->outcomes[r->outcome];
		strbuf_printf(out, "\nIssue : %s\n", o->label);
		if (o->kind == OUTCOME_REORIENTATION)
			strbuf_printf(out, "Réorientation : %s\n", urgency_label_fr(o->urgency));
		if (r->n_lines) {
			strbuf_puts(out, "Ordonnance type (à signer au préalable par un délégant) :\n");
			for (size_t i = 0; i < r->n_lines; i++) {
				const struct prescription_line *l =
					&p->templates[r->lines[i].template_index].lines[r->lines[i].line_index];
				strbuf_puts(out, "  - ");
				explain_line_fr(p, &r->lines[i], out);
				strbuf_printf(out, " [source : %s ; %s]\n", l->prov.source,
					      confidence_label_fr(l->prov.confidence));
			}
		}
		if (o->n_advice) {
			strbuf_puts(out, "Conseils au patient :\n");
			for (size_t i = 0; i < o->n_advice; i++)
				strbuf_printf(out, "  - %s\n", o->advice[i]);
		}
	}
	if (r->decision == DECISION_INCOMPLETE) {
		strbuf_puts(out, "\nQuestions à poser ensuite :\n");
		for (size_t i = 0; i < r->n_next; i++) {
			const struct question *q = &p->questions[r->next[i]];
			strbuf_printf(out, "  %zu. %s (%s)%s\n", i + 1, q->label, q->id,
				      q->asked_by == ASKED_ORIENTATION ? " — à l'orientation" : "");
		}
	}
}

/* ---------------------------------------------------------------- JSON */

static json_t *item_json(const struct expr_item *it)
{
	char buf[16];
	switch (it->base) {
	case EXPR_BOOLEAN: return json_boolean(it->u.b);
	case EXPR_INTEGER: return json_integer(it->u.i);
	case EXPR_DECIMAL: return json_real(it->u.d);
	case EXPR_STRING: return json_stringn(it->u.str.s, it->u.str.len);
	case EXPR_DATE:
		date_format_iso(it->u.date, buf, sizeof(buf));
		return json_string(buf);
	case EXPR_NONE: break;
	}
	return json_null();
}

static json_t *value_json(const struct expr_value *v, bool collection)
{
	if (!collection) {
		if (v->count == 0)
			return json_null();
		return item_json(expr_value_item(v, 0));
	}
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->count; i++)
		json_array_append_new(a, item_json(expr_value_item(v, i)));
	return a;
}

static json_t *inputs_json(const struct protocol *p, const struct engine_result *r,
			   const struct expr *e)
{
	json_t *arr = json_array();
	const struct expr_slotset *reads = expr_reads(e);
	for (size_t s = 0; arr && s < p->n_slots; s++) {
		if (!expr_slotset_has(reads, (unsigned)s))
			continue;
		const char *state = r->slots[s]->count ? "known" : (r->slots[s]->missing ? "unknown" : "not_applicable");
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s}", "id", p->slot_names[s], "value",
						     value_json(r->slots[s], p->slot_types[s].collection),
						     "state", state));
	}
	return arr;
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *line_json(const struct protocol *p, const struct line_result *lr)
{
	const struct prescription_template *t = &p->templates[lr->template_index];
	const struct prescription_line *l = &t->lines[lr->line_index];
	struct strbuf text = STRBUF_INIT;
	explain_line_fr(p, lr, &text);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "template", t->id, "template_label",
			      t->label, "kind", line_kind_code(l->kind), "text", strbuf_str(&text),
			      "source", l->prov.source, "confidence",
			      confidence_code(l->prov.confidence));
	strbuf_free(&text);
	if (!o)
		return NULL;
	if (l->kind == LINE_MEDICINE) {
		json_object_set_new(o, "substance", json_string(l->substance));
		json_object_set_new(o, "form", opt_str(l->form));
		json_object_set_new(o, "frequency", opt_str(l->frequency));
		json_object_set_new(o, "quantity", opt_str(l->quantity));
		if (l->doses_per_day > 0)
			json_object_set_new(o, "doses_per_day", json_integer(l->doses_per_day));
		if (l->duration_days > 0)
			json_object_set_new(o, "duration_days", json_integer(l->duration_days));
		if (l->has_dose)
			json_object_set_new(o, "dose", json_pack("{s:f, s:s}", "amount", l->dose_amount,
								 "unit", l->dose_unit));
		if (l->has_dose_per_kg) {
			json_object_set_new(o, "dose_per_kg",
					    json_pack("{s:f, s:s, s:s, s:f}", "amount", l->per_kg_amount,
						      "unit", l->per_kg_unit, "per",
						      l->per_kg_per == DOSE_PER_DAY ? "day" : "dose",
						      "max", l->per_kg_max));
			if (lr->has_computed_dose)
				json_object_set_new(o, "computed",
						    json_pack("{s:f, s:f, s:f, s:s, s:b}", "weight_kg",
							      lr->weight_kg, "per_dose_amount",
							      lr->per_dose_amount, "daily_amount",
							      lr->daily_amount, "unit", l->per_kg_unit,
							      "capped", lr->capped));
		}
	} else if (l->kind == LINE_SICK_LEAVE) {
		json_object_set_new(o, "max_days", json_integer(l->max_days));
	} else {
		json_object_set_new(o, "item", json_string(l->item));
	}
	json_object_set_new(o, "instructions", opt_str(l->instructions));
	return o;
}

static const char *scope_code(enum scope_failure s)
{
	switch (s) {
	case SCOPE_OK: return NULL;
	case SCOPE_AGE: return "age";
	case SCOPE_SEX: return "sex";
	case SCOPE_NO_OUTCOME: return "no_outcome";
	case SCOPE_UNDECIDABLE: return "undecidable";
	}
	return NULL;
}

json_t *explain_json(const struct protocol *p, const struct engine_input *in,
		     const struct engine_result *r)
{
	char visit[16];
	date_format_iso(in->visit_date, visit, sizeof(visit));
	json_t *root = json_object();
	if (!root)
		return NULL;
	json_object_set_new(root, "protocol",
			    json_pack("{s:s, s:s, s:s, s:s}", "id", p->id, "title", p->title,
				      "version", r->version ? r->version->version : "", "hash", p->hash));
	json_object_set_new(root, "visit_date", json_string(visit));
	json_object_set_new(root, "age", json_pack("{s:i, s:i}", "years", r->age_years, "months",
						   r->age_months));
	json_object_set_new(root, "decision", json_string(decision_code(r->decision)));
	json_object_set_new(root, "decision_label", json_string(decision_label_fr(r->decision)));
	struct strbuf reason = STRBUF_INIT;
	bool reorients = explain_reason_fr(p, r, &reason);
	if (reorients) {
		json_object_set_new(root, "urgency", json_string(urgency_code(r->urgency)));
		json_object_set_new(root, "urgency_label", json_string(urgency_label_fr(r->urgency)));
		json_object_set_new(root, "urgency_headline",
				    json_string(explain_urgency_headline_fr(r->urgency)));
		json_object_set_new(root, "reason", json_string(strbuf_str(&reason)));
	} else {
		json_object_set_new(root, "urgency", json_null());
		json_object_set_new(root, "reason", json_null());
	}
	json_object_set_new(root, "reorientation", json_boolean(reorients));
	strbuf_free(&reason);
	const char *scope = scope_code(r->scope);
	json_object_set_new(root, "scope", scope ? json_string(scope) : json_null());

	json_t *crit = json_array();
	for (size_t i = 0; crit && i < p->n_criteria; i++) {
		const struct criterion *c = &p->criteria[i];
		const struct criterion_result *cr = &r->criteria[i];
		json_t *cj = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:o}", "id", c->id,
				       "kind",
				       c->kind == CRIT_INCLUSION ? "inclusion"
				       : c->kind == CRIT_EXCLUSION ? "exclusion" : "red_flag",
				       "label", c->label, "value", tri_code(cr->value), "fired",
				       cr->fired, "urgency", urgency_code(c->urgency), "expression",
				       expr_source(c->expression), "source", c->prov.source,
				       "confidence", confidence_code(c->prov.confidence), "inputs",
				       inputs_json(p, r, c->expression));
		json_array_append_new(crit, cj);
	}
	json_object_set_new(root, "criteria", crit);

	if (r->decision == DECISION_INCLUDED && r->outcome >= 0) {
		const struct outcome *o = &p->outcomes[r->outcome];
		json_t *advice = json_array();
		for (size_t i = 0; advice && i < o->n_advice; i++)
			json_array_append_new(advice, json_string(o->advice[i]));
		json_object_set_new(root, "outcome",
				    json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "id", o->id, "kind",
					      o->kind == OUTCOME_PRESCRIPTION ? "prescription"
					      : o->kind == OUTCOME_ADVICE ? "advice" : "reorientation",
					      "label", o->label, "advice", advice, "source",
					      o->prov.source, "confidence",
					      confidence_code(o->prov.confidence)));
		if (o->kind == OUTCOME_REORIENTATION)
			json_object_set_new(json_object_get(root, "outcome"), "urgency",
					    json_string(urgency_code(o->urgency)));
	} else {
		json_object_set_new(root, "outcome", json_null());
	}
	json_t *lines = json_array();
	for (size_t i = 0; lines && i < r->n_lines; i++)
		json_array_append_new(lines, line_json(p, &r->lines[i]));
	json_object_set_new(root, "prescription", lines);

	static const char *const qstate[] = {"answered", "unanswered", "not_applicable", "pending"};
	json_t *questions = json_array();
	for (size_t i = 0; questions && i < p->n_questions; i++) {
		const struct question *q = &p->questions[i];
		/* the answer as given, even when the question turned out not to apply */
		json_t *answer = in->answers[i].missing
					 ? json_null()
					 : value_json(&in->answers[i], q->type == Q_MULTICHOICE);
		json_array_append_new(questions,
				      json_pack("{s:s, s:s, s:s, s:o}", "id", q->id, "label", q->label,
						"state", qstate[engine_question_state(r, i)], "answer", answer));
	}
	json_object_set_new(root, "questions", questions);

	json_t *outcomes = json_array();
	for (size_t i = 0; outcomes && i < p->n_outcomes; i++) {
		const struct outcome *o = &p->outcomes[i];
		json_array_append_new(outcomes,
				      json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", o->id, "label", o->label,
						"when", expr_source(o->when), "value",
						r->outcomes_evaluated ? tri_code(r->outcome_when[i])
								      : "not_evaluated",
						"inputs",
						inputs_json(p, r, o->when)));
	}
	json_object_set_new(root, "outcomes", outcomes);

	json_t *next = json_array();
	for (size_t i = 0; next && i < r->n_next; i++) {
		const struct question *q = &p->questions[r->next[i]];
		json_array_append_new(next, json_pack("{s:s, s:s, s:s}", "id", q->id, "label", q->label,
						      "asked_by",
						      q->asked_by == ASKED_ORIENTATION ? "orientation"
										   : "examination"));
	}
	json_object_set_new(root, "next_questions", next);

	struct strbuf text = STRBUF_INIT;
	explain_text(p, in, r, &text);
	json_object_set_new(root, "explanation", json_string(strbuf_str(&text)));
	strbuf_free(&text);
	return root;
}
