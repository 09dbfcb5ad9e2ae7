/*
 * summary.c — French printable summary of a protocol (summary.h): the full technical summary
 * for protocol authors (`coop protocol show`), and the document a délégant reads before signing
 * (sentences, prescription lines, sources as footnotes).
 */
#include "protocol/summary.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "protocol/explain.h"
#include "protocol/prescription.h"

void summary_euros(int64_t cents, struct strbuf *out)
{
	int64_t abs_cents = cents < 0 ? -cents : cents;
	int64_t euros = abs_cents / 100;
	char digits[32], grouped[48];
	int n = snprintf(digits, sizeof(digits), "%" PRId64, euros);
	size_t g = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			/* narrow no-break space between thousands, as French typography wants */
			grouped[g++] = '\xe2';
			grouped[g++] = '\x80';
			grouped[g++] = '\xaf';
		}
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	strbuf_printf(out, "%s%s,%02d\xc2\xa0€", cents < 0 ? "-" : "", grouped, (int)(abs_cents % 100));
}

static void date_fr(coop_date d, struct strbuf *out)
{
	char buf[16];
	date_format_fr(d, buf, sizeof(buf));
	strbuf_puts(out, buf);
}

static void professions_fr(uint64_t set, struct strbuf *out)
{
	bool first = true;
	for (int i = 0; i < PROF_COUNT; i++) {
		if (!(set & ((uint64_t)1 << i)))
			continue;
		strbuf_printf(out, "%s%s", first ? "" : ", ", profession_label_fr((enum profession)i));
		first = false;
	}
	if (first)
		strbuf_puts(out, "aucune");
}

static void structures_fr(uint32_t set, struct strbuf *out)
{
	bool first = true;
	for (int i = 0; i < STRUCT_COUNT; i++) {
		if (!(set & (1u << i)))
			continue;
		strbuf_printf(out, "%s%s", first ? "" : ", ", structure_type_code((enum structure_type)i));
		first = false;
	}
	if (first)
		strbuf_puts(out, "non précisé");
}

static void age_fr(const struct age_bound *b, struct strbuf *out)
{
	strbuf_printf(out, "%d %s", b->value,
		      b->unit == AGE_MONTHS ? "mois" : (b->value > 1 ? "ans" : "an"));
}

static void prov_fr(const struct provenance *pv, struct strbuf *out)
{
	strbuf_printf(out, "[source : %s — %s]", pv->source, confidence_label_fr(pv->confidence));
}

static const char *qtype_fr(enum question_type t)
{
	switch (t) {
	case Q_BOOLEAN: return "oui / non";
	case Q_INTEGER: return "nombre entier";
	case Q_DECIMAL: return "nombre";
	case Q_CHOICE: return "choix unique";
	case Q_MULTICHOICE: return "choix multiples";
	case Q_DATE: return "date";
	}
	return "?";
}

static void template_line_fr(const struct protocol *p, size_t t, size_t li, struct strbuf *out)
{
	struct line_result lr = {.template_index = t, .line_index = li};
	explain_line_fr(p, &lr, out);
}

void summary_text(const struct protocol *p, struct strbuf *out)
{
	strbuf_printf(out, "%s\n", p->title);
	strbuf_printf(out, "Identifiant : %s — protocole %s — statut : %s\n", p->id,
		      p->kind == PROTOCOL_NATIONAL ? "national" : "local",
		      p->status == PROTOCOL_ACTIVE ? "en vigueur"
		      : p->status == PROTOCOL_DRAFT ? "brouillon" : "abrogé");
	strbuf_printf(out, "Empreinte du fichier (SHA-256) : %s\n", p->hash);
	if (p->summary)
		strbuf_printf(out, "\n%s\n", p->summary);

	strbuf_puts(out, "\n== Versions ==\n");
	for (size_t i = 0; i < p->n_versions; i++) {
		const struct protocol_version *v = &p->versions[i];
		strbuf_printf(out, "\nVersion %s : du ", v->version);
		date_fr(v->effective_from, out);
		if (v->has_effective_to) {
			strbuf_puts(out, " au ");
			date_fr(v->effective_to - 1, out);
			strbuf_puts(out, " inclus");
		} else {
			strbuf_puts(out, " à ce jour");
		}
		strbuf_puts(out, "\n  Textes : ");
		for (size_t k = 0; k < v->n_refs; k++)
			strbuf_printf(out, "%s%s%s%s%s", k ? " ; " : "", v->refs[k].text,
				      v->refs[k].ref ? " (" : "", v->refs[k].ref ? v->refs[k].ref : "",
				      v->refs[k].ref ? ")" : "");
		strbuf_puts(out, "\n  Délégants : ");
		professions_fr(v->delegants, out);
		strbuf_puts(out, "\n  Délégués : ");
		professions_fr(v->delegues, out);
		strbuf_puts(out, "\n  Structures : ");
		structures_fr(v->structure_types, out);
		strbuf_puts(out, "\n  Patients : ");
		if (v->age_min.set) {
			strbuf_puts(out, "à partir de ");
			age_fr(&v->age_min, out);
		}
		if (v->age_max.set) {
			strbuf_puts(out, v->age_min.set ? " jusqu'à " : "jusqu'à ");
			age_fr(&v->age_max, out);
			strbuf_puts(out, " révolus");
		}
		if (v->sexes == (1u << SEX_FEMALE))
			strbuf_puts(out, ", femmes uniquement");
		else if (v->sexes == (1u << SEX_MALE))
			strbuf_puts(out, ", hommes uniquement");
		strbuf_puts(out, " ");
		prov_fr(&v->patient_provenance, out);
		if (v->changes)
			strbuf_printf(out, "\n  Changements : %s", v->changes);
		strbuf_puts(out, "\n");
	}

	strbuf_puts(out, "\n== Questions ==\n");
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct question *q = &p->questions[i];
		strbuf_printf(out, "%zu. %s (%s ; %s%s%s) — %s\n", i + 1, q->label, q->id, qtype_fr(q->type),
			      q->unit ? ", " : "", q->unit ? q->unit : "",
			      q->asked_by == ASKED_ORIENTATION ? "posée par le secrétariat à l'orientation"
							       : "posée par le délégué à l'examen");
		if (q->help)
			strbuf_printf(out, "   Aide : %s\n", q->help);
		if (q->n_choices) {
			strbuf_puts(out, "   Choix : ");
			for (size_t k = 0; k < q->n_choices; k++)
				strbuf_printf(out, "%s%s", k ? " ; " : "", q->choices[k].label);
			strbuf_puts(out, "\n");
		}
		if (q->enable_when)
			strbuf_printf(out, "   Posée seulement si : %s\n", expr_source(q->enable_when));
	}
	if (p->n_computed) {
		strbuf_puts(out, "\n== Valeurs calculées ==\n");
		for (size_t i = 0; i < p->n_computed; i++)
			strbuf_printf(out, "- %s (%s) = %s\n", p->computed[i].label, p->computed[i].id,
				      expr_source(p->computed[i].expression));
	}

	static const enum criterion_kind kinds[] = {CRIT_INCLUSION, CRIT_EXCLUSION, CRIT_RED_FLAG};
	static const char *titles[] = {"Critères d'inclusion (tous requis)",
				       "Critères d'exclusion (un seul suffit à sortir du protocole)",
				       "Signaux d'alerte (réorientation)"};
	for (size_t k = 0; k < 3; k++) {
		bool any = false;
		for (size_t i = 0; i < p->n_criteria; i++) {
			const struct criterion *c = &p->criteria[i];
			if (c->kind != kinds[k])
				continue;
			if (!any)
				strbuf_printf(out, "\n== %s ==\n", titles[k]);
			any = true;
			strbuf_printf(out, "- %s\n    règle : %s\n    si %s : %s\n    ", c->label,
				      expr_source(c->expression),
				      c->kind == CRIT_INCLUSION ? "non rempli" : "présent",
				      urgency_label_fr(c->urgency));
			prov_fr(&c->prov, out);
			strbuf_puts(out, "\n");
		}
	}

	strbuf_puts(out, "\n== Issues ==\n");
	for (size_t i = 0; i < p->n_outcomes; i++) {
		const struct outcome *o = &p->outcomes[i];
		strbuf_printf(out, "- %s\n    quand : %s\n    ", o->label, expr_source(o->when));
		prov_fr(&o->prov, out);
		strbuf_puts(out, "\n");
		if (o->kind == OUTCOME_REORIENTATION)
			strbuf_printf(out, "    réorientation : %s\n", urgency_label_fr(o->urgency));
		for (size_t t = 0; t < o->n_templates; t++)
			strbuf_printf(out, "    ordonnance type : %s\n", p->templates[o->templates[t]].label);
		for (size_t a = 0; a < o->n_advice; a++)
			strbuf_printf(out, "    conseil : %s\n", o->advice[a]);
	}

	if (p->n_templates) {
		strbuf_puts(out, "\n== Ordonnances types (à relire et signer par un délégant) ==\n");
		for (size_t t = 0; t < p->n_templates; t++) {
			const struct prescription_template *tpl = &p->templates[t];
			strbuf_printf(out, "\n%s (%s)\n", tpl->label, tpl->id);
			for (size_t li = 0; li < tpl->n_lines; li++) {
				const struct prescription_line *l = &tpl->lines[li];
				strbuf_puts(out, "  - ");
				template_line_fr(p, t, li, out);
				if (l->when)
					strbuf_printf(out, "\n    seulement si : %s", expr_source(l->when));
				if (l->optional && l->kind != LINE_SICK_LEAVE)
					strbuf_puts(out, "\n    si nécessaire : au choix du délégué");
				if (rx_line_completable(l)) {
					strbuf_puts(out, "\n    à compléter à la signature :");
					if (l->open.n_substances) {
						strbuf_puts(out, " molécule parmi");
						for (size_t k = 0; k < l->open.n_substances; k++)
							strbuf_printf(out, "%s %s", k ? "," : "",
								      l->open.substances[k]);
						strbuf_puts(out, " ;");
					}
					if (l->open.dose) {
						strbuf_puts(out, " dose de ");
						explain_number_fr(l->open.dose_min, out);
						strbuf_puts(out, " à ");
						explain_number_fr(l->open.dose_max, out);
						strbuf_printf(out, " %s par prise ;", l->open.dose_unit);
					}
					if (l->open.doses_per_day)
						strbuf_printf(out, " %d à %d prises par jour ;",
							      l->open.dpd_min, l->open.dpd_max);
					if (l->open.duration)
						strbuf_printf(out, " %d à %d jours ;", l->open.duration_min,
							      l->open.duration_max);
				}
				if (l->signer_note)
					strbuf_printf(out, "\n    note au délégant signataire : %s",
						      l->signer_note);
				strbuf_puts(out, "\n    ");
				prov_fr(&l->prov, out);
				strbuf_puts(out, "\n");
			}
		}
		strbuf_puts(out, "\nSignature du délégant : ______________________  Date : ___/___/______\n");
	}

	if (p->second_contact.present || p->revoyure.present) {
		strbuf_puts(out, "\n== Suivi ==\n");
		if (p->second_contact.present) {
			strbuf_printf(out, "- Deuxième contact : %s", p->second_contact.label);
			if (p->second_contact.has_window)
				strbuf_printf(out, ", entre le jour %d et le jour %d après la première visite",
					      p->second_contact.from_day, p->second_contact.to_day);
			else
				strbuf_puts(out, ", délai non précisé");
			strbuf_puts(out, " ");
			prov_fr(&p->second_contact.prov, out);
			strbuf_puts(out, "\n");
		}
		if (p->revoyure.present) {
			strbuf_puts(out, "- Revoyure par le médecin le jour même ou le lendemain en cas de : ");
			for (size_t i = 0; i < p->revoyure.n_conditions; i++)
				strbuf_printf(out, "%s%s", i ? " ; " : "", p->revoyure.conditions[i]);
			strbuf_puts(out, " ");
			prov_fr(&p->revoyure.prov, out);
			strbuf_puts(out, "\n");
		}
	}
	if (p->n_tariffs) {
		strbuf_puts(out, "\n== Tarifs ==\n");
		for (size_t i = 0; i < p->n_tariffs; i++) {
			const struct tariff *t = &p->tariffs[i];
			strbuf_printf(out, "- %s : ", t->label);
			summary_euros(t->amount_cents, out);
			strbuf_puts(out, ", à partir du ");
			date_fr(t->effective_from, out);
			strbuf_puts(out, " ");
			prov_fr(&t->prov, out);
			strbuf_puts(out, "\n");
		}
	}
	strbuf_puts(out, "\n== Formation des délégués ==\n");
	if (p->training.hours_known) {
		strbuf_puts(out, "Durée : ");
		explain_number_fr(p->training.hours, out);
		strbuf_puts(out, p->training.hours >= 2 ? " heures\n" : " heure\n");
	} else {
		strbuf_puts(out, "Durée : non connue\n");
	}
	if (p->training.content)
		strbuf_printf(out, "Contenu : %s\n", p->training.content);
	if (p->training.validation)
		strbuf_printf(out, "Validation : %s\n", p->training.validation);
	prov_fr(&p->training.prov, out);
	strbuf_puts(out, "\n");
	if (p->n_review) {
		strbuf_puts(out, "\n== Points à vérifier avant usage (texte officiel) ==\n");
		for (size_t i = 0; i < p->n_review; i++)
			strbuf_printf(out, "- %s\n", p->review[i]);
	}
}

/* ---------------------------------------------------------------- the signature document */

struct notes {
	json_t *list; /* footnotes [{n, text}] */
};

/* The footnote number of a source (added once). */
static int note_of(struct notes *nt, const struct provenance *pv)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s (%s)", pv->source, confidence_label_fr(pv->confidence));
	const char *text = strbuf_str(&sb);
	size_t i;
	json_t *it;
	int n = 0;
	json_array_foreach(nt->list, i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "text")), text) == 0) {
			n = (int)json_integer_value(json_object_get(it, "n"));
			break;
		}
	}
	if (!n) {
		n = (int)json_array_size(nt->list) + 1;
		json_array_append_new(nt->list, json_pack("{s:i, s:s}", "n", n, "text", text));
	}
	strbuf_free(&sb);
	return n;
}

static void item(json_t *items, const char *text, struct notes *nt, const struct provenance *pv)
{
	json_t *notes = json_array();
	if (pv && pv->source)
		json_array_append_new(notes, json_integer(note_of(nt, pv)));
	json_array_append_new(items, json_pack("{s:s, s:o}", "text", text, "notes", notes));
}

static json_t *section(json_t *sections, const char *title)
{
	json_t *items = json_array();
	json_array_append_new(sections, json_pack("{s:s, s:o}", "title", title, "items", items));
	return items;
}

/* "Fièvre" → "fièvre" for the middle of a sentence (ASCII capital only). */
static const char *lower_first(const char *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s", s);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

static void who_section(const struct protocol *p, const struct protocol_version *v,
			json_t *sections, struct notes *nt)
{
	json_t *items = section(sections, "Qui applique ce protocole, et pour quels patients");
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "Délégants : ");
	professions_fr(v->delegants, &sb);
	strbuf_puts(&sb, ". Délégués : ");
	professions_fr(v->delegues, &sb);
	strbuf_puts(&sb, ". Structures : ");
	structures_fr(v->structure_types, &sb);
	strbuf_puts(&sb, ".");
	item(items, strbuf_str(&sb), nt, NULL);
	strbuf_free(&sb);
	strbuf_puts(&sb, "Patients");
	if (v->age_min.set) {
		strbuf_puts(&sb, " à partir de ");
		age_fr(&v->age_min, &sb);
	}
	if (v->age_max.set) {
		strbuf_puts(&sb, " jusqu'à ");
		age_fr(&v->age_max, &sb);
		strbuf_puts(&sb, " révolus");
	}
	if (!v->age_min.set && !v->age_max.set)
		strbuf_puts(&sb, " de tout âge");
	if (v->sexes == (1u << SEX_FEMALE))
		strbuf_puts(&sb, ", femmes uniquement");
	else if (v->sexes == (1u << SEX_MALE))
		strbuf_puts(&sb, ", hommes uniquement");
	strbuf_puts(&sb, ".");
	item(items, strbuf_str(&sb), nt, &v->patient_provenance);
	strbuf_free(&sb);
	if (p->long_term)
		item(items,
		     "Suivi prolongé : le protocole ne s'applique que si le délégant est le médecin "
		     "traitant du patient.",
		     nt, NULL);
}

/* One condition of a line's `when` in words, for the simple forms protocols use: an age bound,
 * a visit date from which, a choice among the answers, a yes/no question. false otherwise. */
static bool condition_fr(const struct protocol *p, const char *c, size_t n, struct strbuf *out)
{
	char buf[200], a[100], b[100];
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, c, n);
	buf[n] = '\0';
	int num, y, m, d, used = 0;
	char op[3];
	if (sscanf(buf, "age_years %2[<>=] %d%n", op, &num, &used) == 2 && (size_t)used == n) {
		if (strcmp(op, ">=") == 0)
			strbuf_printf(out, "patient de %d ans ou plus", num);
		else if (strcmp(op, "<") == 0)
			strbuf_printf(out, "patient de moins de %d ans", num);
		else if (strcmp(op, ">") == 0)
			strbuf_printf(out, "patient de plus de %d ans", num);
		else if (strcmp(op, "<=") == 0)
			strbuf_printf(out, "patient de %d ans au plus", num);
		else
			return false;
		return true;
	}
	if (sscanf(buf, "visit_date >= @%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 &&
	    (size_t)used == n) {
		strbuf_printf(out, "consultation à partir du %02d/%02d/%04d", d, m, y);
		return true;
	}
	if (sscanf(buf, "'%99[a-z0-9_]' in %99[a-z0-9_]%n", a, b, &used) == 2 &&
	    (size_t)used == n) {
		int qi = protocol_find_question(p, b);
		for (size_t k = 0; qi >= 0 && k < p->questions[qi].n_choices; k++)
			if (strcmp(p->questions[qi].choices[k].code, a) == 0) {
				strbuf_printf(out, "« %s » parmi les réponses à « %s »",
					      p->questions[qi].choices[k].label,
					      p->questions[qi].label);
				return true;
			}
		return false;
	}
	bool neg = strncmp(buf, "not ", 4) == 0;
	int qi = protocol_find_question(p, neg ? buf + 4 : buf);
	if (qi >= 0 && p->questions[qi].type == Q_BOOLEAN) {
		strbuf_printf(out, "« %s » : %s", p->questions[qi].label, neg ? "non" : "oui");
		return true;
	}
	return false;
}

/* A line's `when` in words ("seulement si : patient de 15 ans ou plus et …"), or a general
 * sentence when its form is not one of the simple ones. */
static void when_fr(const struct protocol *p, const struct expr *when, struct strbuf *out)
{
	const char *src = expr_source(when);
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;
	size_t start = 0, n = strlen(src);
	while (ok && start < n) {
		const char *and = strstr(src + start, " and ");
		size_t end = and ? (size_t)(and - src) : n;
		if (sb.len)
			strbuf_puts(&sb, " et ");
		ok = condition_fr(p, src + start, end - start, &sb);
		start = and ? end + 5 : n;
	}
	if (ok && sb.len)
		strbuf_printf(out, " — seulement si : %s", strbuf_str(&sb));
	else
		strbuf_puts(out, " — seulement dans les cas que prévoit le protocole");
	strbuf_free(&sb);
}

static json_t *complete_json(const struct prescription_line *l)
{
	const struct line_open *o = &l->open;
	if (!rx_line_completable(l))
		return json_null();
	json_t *c = json_object();
	if (o->n_substances) {
		json_t *subs = json_array();
		for (size_t i = 0; i < o->n_substances; i++)
			json_array_append_new(subs, json_string(o->substances[i]));
		json_object_set_new(c, "substances", subs);
	}
	if (o->dose)
		json_object_set_new(c, "dose", json_pack("{s:s, s:f, s:f}", "unit", o->dose_unit,
							  "min", o->dose_min, "max", o->dose_max));
	if (o->doses_per_day)
		json_object_set_new(c, "doses_per_day",
				    json_pack("{s:i, s:i}", "min", o->dpd_min, "max", o->dpd_max));
	if (o->duration)
		json_object_set_new(c, "duration_days", json_pack("{s:i, s:i}", "min",
								   o->duration_min, "max",
								   o->duration_max));
	return c;
}

static void templates_doc(const struct protocol *p, json_t *out, struct notes *nt)
{
	json_t *templates = json_array();
	for (size_t t = 0; t < p->n_templates; t++) {
		const struct prescription_template *tpl = &p->templates[t];
		json_t *lines = json_array();
		for (size_t li = 0; li < tpl->n_lines; li++) {
			const struct prescription_line *l = &tpl->lines[li];
			struct line_result lr = {.template_index = t, .line_index = li};
			struct strbuf sb = STRBUF_INIT;
			char key[200];
			rx_line_key(p, t, li, key, sizeof(key));
			/* the line as the protocol writes it (a dose per kg shown per kg) */
			if (l->kind == LINE_MEDICINE && l->has_dose_per_kg)
				explain_line_fr(p, &lr, &sb);
			else
				rx_line_text(p, &lr, NULL, l->max_days, &sb);
			if (l->kind == LINE_SICK_LEAVE)
				strbuf_printf(&sb, " au plus, si nécessaire");
			else if (l->optional)
				strbuf_puts(&sb, " (si nécessaire, au choix du délégué)");
			if (l->when)
				when_fr(p, l->when, &sb);
			/* never issued: a medicine without a complete dose nor a way to complete it */
			struct rx_completion full = {.template_index = t,
						     .line_index = li,
						     .substance = l->open.n_substances
									  ? l->open.substances[0]
									  : NULL,
						     .has_dose = l->open.dose,
						     .dose_amount = l->open.dose_min,
						     .doses_per_day = l->open.doses_per_day
									      ? l->open.dpd_min
									      : 0,
						     .duration_days = l->open.duration
									      ? l->open.duration_min
									      : 0};
			struct line_result assume = lr;
			assume.has_computed_dose = l->has_dose_per_kg; /* the weight is asked */
			const char *why = NULL;
			bool never = !rx_line_issuable(p, &assume, &full, &why);
			json_t *notes = json_array();
			json_array_append_new(notes, json_integer(note_of(nt, &l->prov)));
			json_array_append_new(
				lines, json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:b}", "key", key,
						 "text", strbuf_str(&sb), "kind",
						 rx_line_kind_code(l->kind), "optional", l->optional,
						 "signer_note",
						 l->signer_note ? json_string(l->signer_note)
								: json_null(),
						 "notes", notes, "complete", complete_json(l),
						 "never_issued", never));
			strbuf_free(&sb);
		}
		json_array_append_new(templates,
				      json_pack("{s:s, s:o}", "label", tpl->label, "lines", lines));
	}
	json_object_set_new(out, "templates", templates);
}

json_t *summary_for_signature(const struct protocol *p, coop_date today)
{
	struct notes nt = {.list = json_array()};
	json_t *sections = json_array();
	char low[400];
	const struct protocol_version *v = protocol_version_at(p, today);
	if (!v && p->n_versions)
		v = &p->versions[p->n_versions - 1];
	if (v)
		who_section(p, v, sections, &nt);

	json_t *items = section(sections, "Questions posées");
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct question *q = &p->questions[i];
		struct strbuf sb = STRBUF_INIT;
		strbuf_printf(&sb, "%s%s%s", q->label,
			      q->asked_by == ASKED_ORIENTATION ? " (à l'accueil)" : " (par le délégué)",
			      q->enable_when ? ", selon les réponses précédentes" : "");
		item(items, strbuf_str(&sb), &nt, NULL);
		strbuf_free(&sb);
	}
	static const enum criterion_kind kinds[] = {CRIT_INCLUSION, CRIT_EXCLUSION, CRIT_RED_FLAG};
	static const char *const titles[] = {
		"Le patient est pris en charge si tous ces critères sont remplis",
		"Le patient sort du protocole si l'un de ces critères est présent",
		"Signaux d'alerte : le patient est réorienté"};
	for (size_t k = 0; k < 3; k++) {
		items = NULL;
		for (size_t i = 0; i < p->n_criteria; i++) {
			const struct criterion *c = &p->criteria[i];
			if (c->kind != kinds[k])
				continue;
			if (!items)
				items = section(sections, titles[k]);
			struct strbuf sb = STRBUF_INIT;
			strbuf_printf(&sb, "%s. %s : %s.", c->label,
				      c->kind == CRIT_INCLUSION ? "Sinon" : "Conduite",
				      lower_first(urgency_label_fr(c->urgency), low, sizeof(low)));
			item(items, strbuf_str(&sb), &nt, &c->prov);
			strbuf_free(&sb);
		}
	}
	items = section(sections, "Issues");
	for (size_t i = 0; i < p->n_outcomes; i++) {
		const struct outcome *o = &p->outcomes[i];
		struct strbuf sb = STRBUF_INIT;
		strbuf_printf(&sb, "%s.", o->label);
		if (o->kind == OUTCOME_REORIENTATION)
			strbuf_printf(&sb, " Réorientation : %s.",
				      lower_first(urgency_label_fr(o->urgency), low, sizeof(low)));
		for (size_t t = 0; t < o->n_templates; t++)
			strbuf_printf(&sb, " %s.", p->templates[o->templates[t]].label);
		for (size_t a = 0; a < o->n_advice; a++)
			strbuf_printf(&sb, " Conseil : %s", o->advice[a]);
		item(items, strbuf_str(&sb), &nt, &o->prov);
		strbuf_free(&sb);
	}
	if (p->second_contact.present || p->revoyure.present) {
		items = section(sections, "Suivi");
		if (p->second_contact.present) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_printf(&sb, "Second contact : %s", p->second_contact.label);
			if (p->second_contact.has_window)
				strbuf_printf(&sb, ", entre le jour %d et le jour %d après la première "
						   "visite",
					      p->second_contact.from_day, p->second_contact.to_day);
			strbuf_puts(&sb, ".");
			item(items, strbuf_str(&sb), &nt, &p->second_contact.prov);
			strbuf_free(&sb);
		}
		if (p->revoyure.present) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_puts(&sb, "Revoyure par le médecin le jour même ou le lendemain en cas "
					 "de : ");
			for (size_t i = 0; i < p->revoyure.n_conditions; i++)
				strbuf_printf(&sb, "%s%s", i ? " ; " : "",
					      lower_first(p->revoyure.conditions[i], low, sizeof(low)));
			strbuf_puts(&sb, ".");
			item(items, strbuf_str(&sb), &nt, &p->revoyure.prov);
			strbuf_free(&sb);
		}
	}
	items = section(sections, "Formation des délégués");
	{
		struct strbuf sb = STRBUF_INIT;
		if (p->training.hours_known) {
			strbuf_puts(&sb, "Durée : ");
			explain_number_fr(p->training.hours, &sb);
			strbuf_puts(&sb, p->training.hours >= 2 ? " heures." : " heure.");
		} else {
			strbuf_puts(&sb, "Durée non connue.");
		}
		if (p->training.content)
			strbuf_printf(&sb, " Contenu : %s", p->training.content);
		if (p->training.validation)
			strbuf_printf(&sb, " Validation : %s", p->training.validation);
		item(items, strbuf_str(&sb), &nt, &p->training.prov);
		strbuf_free(&sb);
	}
	if (p->n_review) {
		items = section(sections, "Points à vérifier avant usage");
		for (size_t i = 0; i < p->n_review; i++)
			item(items, p->review[i], &nt, NULL);
	}
	json_t *out = json_pack("{s:s, s:o, s:o}", "title", p->title, "summary",
				p->summary ? json_string(p->summary) : json_null(), "sections",
				sections);
	if (!out) {
		json_decref(nt.list);
		return NULL;
	}
	templates_doc(p, out, &nt);
	json_object_set_new(out, "footnotes", nt.list);
	return out;
}
