/*
 * load_prescriptions.c — the protocol loader's prescription templates and outcomes.
 *
 * A template's lines are checked by their kind (medicine, device, act, certificate, sick
 * leave), each with its own closed mapping; doses, per-kg doses and what the délégant completes
 * at signature are range-checked. Outcomes name the templates they offer, and a template no
 * outcome uses is reported as a warning.
 */
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"

#include "protocol/load_internal.h"

/* ---------------------------------------------------------------- schemas */

static const char *const k_outcome[] = {"!id",     "!kind",         "!when",
					"!label",  "prescriptions", "advice",
					"urgency", "!source",       "!confidence"};
static const struct mapdesc d_outcome = {"une issue", "dans l'issue", "chaque issue", k_outcome,
					 ARRAY_LEN(k_outcome)};

static const char *const k_template[] = {"!id", "!label", "!lines"};
static const struct mapdesc d_template = {"un modèle d'ordonnance", "dans le modèle d'ordonnance",
					  "chaque modèle d'ordonnance", k_template,
					  ARRAY_LEN(k_template)};

static const char *const k_line_medicine[] = {"!kind",         "when",
					      "!substance",    "form",
					      "dose",          "dose_per_kg",
					      "doses_per_day", "frequency",
					      "duration_days", "quantity",
					      "instructions",  "signer_note",
					      "optional",      "complete_at_signature",
					      "!source",       "!confidence"};
static const char *const k_line_item[] = {"!kind",    "when",         "!item",
					  "quantity", "instructions", "signer_note",
					  "optional", "!source",      "!confidence"};
static const char *const k_line_sick[] = {"!kind",       "when",    "!max_days",
					  "signer_note", "!source", "!confidence"};
static const char *const k_line_any[] = {
	"!kind",         "when",        "substance",     "form",
	"dose",          "dose_per_kg", "doses_per_day", "frequency",
	"duration_days", "quantity",    "instructions",  "item",
	"max_days",      "signer_note", "optional",      "complete_at_signature",
	"!source",       "!confidence"};
static const struct mapdesc d_line_medicine = {"une ligne d'ordonnance",
					       "dans une ligne de kind medicine",
					       "chaque ligne d'ordonnance", k_line_medicine,
					       ARRAY_LEN(k_line_medicine)};
static const struct mapdesc d_line_device = {"une ligne d'ordonnance",
					     "dans une ligne de kind device",
					     "chaque ligne d'ordonnance", k_line_item,
					     ARRAY_LEN(k_line_item)};
static const struct mapdesc d_line_act = {"une ligne d'ordonnance", "dans une ligne de kind act",
					  "chaque ligne d'ordonnance", k_line_item,
					  ARRAY_LEN(k_line_item)};
static const struct mapdesc d_line_certificate = {"une ligne d'ordonnance",
						  "dans une ligne de kind certificate",
						  "chaque ligne d'ordonnance", k_line_item,
						  ARRAY_LEN(k_line_item)};
static const struct mapdesc d_line_sick = {"une ligne d'ordonnance",
					   "dans une ligne de kind sick_leave",
					   "chaque ligne d'ordonnance", k_line_sick,
					   ARRAY_LEN(k_line_sick)};
static const struct mapdesc d_line_any = {"une ligne d'ordonnance", "dans la ligne d'ordonnance",
					  "chaque ligne d'ordonnance", k_line_any,
					  ARRAY_LEN(k_line_any)};

static const char *const k_dose[] = {"!amount", "!unit"};
static const struct mapdesc d_dose = {"une dose ({amount: 3, unit: g})", "dans « dose »",
				      "« dose »", k_dose, ARRAY_LEN(k_dose)};

static const char *const k_open[] = {"substances", "dose", "doses_per_day", "duration_days"};
static const struct mapdesc d_open = {"ce que le délégant complète à la signature",
				      "dans « complete_at_signature »", "« complete_at_signature »",
				      k_open, ARRAY_LEN(k_open)};
static const char *const k_open_dose[] = {"!unit", "!min", "!max"};
static const struct mapdesc d_open_dose = {"des bornes de dose ({unit: mg, min: 200, max: 400})",
					   "dans « complete_at_signature.dose »",
					   "« complete_at_signature.dose »", k_open_dose,
					   ARRAY_LEN(k_open_dose)};
static const char *const k_open_range[] = {"!min", "!max"};
static const struct mapdesc d_open_range = {"des bornes ({min: 1, max: 7})", "dans les bornes",
					    "ces bornes", k_open_range, ARRAY_LEN(k_open_range)};

static const char *const k_dose_kg[] = {"!amount", "!unit", "!per", "!max", "!weight"};
static const struct mapdesc d_dose_kg = {"une dose par kg", "dans « dose_per_kg »",
					 "« dose_per_kg »", k_dose_kg, ARRAY_LEN(k_dose_kg)};

/* ---------------------------------------------------------------- prescription templates */

static const char *const line_kind_names[] = {"medicine", "device", "act", "certificate",
					      "sick_leave"};
static const char *const dose_per_names[] = {"day", "dose"};

static void load_dose_per_kg(struct ctx *c, const struct ynode *v, struct prescription_line *l)
{
	struct protocol *p = c->p;
	struct mapv mv;
	char b[SHOW_MAX + 8];
	int k;
	if (!ld_map_open(c, v, &d_dose_kg, &mv))
		return;
	l->has_dose_per_kg = true;
	ld_get_positive(c, ld_mv_get(&mv, "amount"), "amount", &l->per_kg_amount);
	ld_get_str(c, ld_mv_get(&mv, "unit"), "unit", &l->per_kg_unit);
	if (ld_get_enum(c, ld_mv_get(&mv, "per"), "per", dose_per_names, ARRAY_LEN(dose_per_names),
			&k))
		l->per_kg_per = (enum dose_per)k;
	ld_get_positive(c, ld_mv_get(&mv, "max"), "max", &l->per_kg_max);
	const struct ynode *w = ld_mv_get(&mv, "weight");
	if (!w)
		return;
	const char *name = ld_scalar_cstr(w);
	int qi = name ? protocol_find_question(p, name) : -1;
	if (qi < 0) {
		ld_err_at(c, w,
			  "« weight » doit nommer une question (le poids en kg) : « %s » n'est pas "
			  "une question",
			  ld_show(w, b, sizeof(b)));
		return;
	}
	if (!c->q_type_ok[qi] || !ld_numeric_type((int)p->questions[qi].type)) {
		ld_err_at(c, w,
			  "« weight » doit nommer une question de type decimal ou integer : « %s » "
			  "est de type %s",
			  name,
			  c->q_type_ok[qi] ? ld_question_type_names[p->questions[qi].type]
					   : "invalide");
		return;
	}
	if (!p->questions[qi].has_min || !(p->questions[qi].min > 0)) {
		ld_err_at(
			c, w,
			"« weight » : la question « %s » doit avoir un « min » strictement positif "
			"(un poids nul ou négatif donnerait une dose absurde)",
			name);
		return;
	}
	l->weight_slot = qi;
}

/* {min, max} integers within [lo, hi], min <= max. */
static bool load_int_range(struct ctx *c, const struct ynode *v, const char *key, int lo, int hi,
			   int *min, int *max)
{
	struct mapv rv;
	if (!ld_map_open(c, v, &d_open_range, &rv))
		return false;
	bool ok = ld_get_int(c, ld_mv_get(&rv, "min"), "min", lo, hi, min) &
		  ld_get_int(c, ld_mv_get(&rv, "max"), "max", lo, hi, max);
	if (ok && *max < *min) {
		ld_err_at(c, ld_mv_get(&rv, "max"),
			  "« %s.max » doit être supérieur ou égal à « %s.min »", key, key);
		return false;
	}
	return ok;
}

/* complete_at_signature: what the signing délégant completes, and within which bounds. Each
 * part is allowed only where the line leaves it open. */
static void load_open(struct ctx *c, const struct ynode *v, struct prescription_line *l)
{
	struct line_open *o = &l->open;
	struct mapv mv;
	if (!ld_map_open(c, v, &d_open, &mv))
		return;
	const struct ynode *subst = ld_mv_get(&mv, "substances"), *dose = ld_mv_get(&mv, "dose"),
			   *dpd = ld_mv_get(&mv, "doses_per_day"),
			   *dur = ld_mv_get(&mv, "duration_days");
	if (ld_absent(subst) && ld_absent(dose) && ld_absent(dpd) && ld_absent(dur)) {
		ld_err_at(c, v,
			  "« complete_at_signature » doit dire ce que le délégant complète : "
			  "substances, dose, doses_per_day ou duration_days");
		return;
	}
	o->present = true;
	if (!ld_absent(subst)) {
		ld_get_str_list(c, subst, "substances", 1, &o->substances, &o->n_substances);
		if (o->n_substances == 1)
			ld_err_at(
				c, subst,
				"« substances » propose au moins deux molécules au choix du délégant "
				"(une seule : écrivez-la dans « substance »)");
	}
	if (!ld_absent(dose)) {
		struct mapv dv;
		if (l->has_dose || l->has_dose_per_kg) {
			ld_err_at(
				c, dose,
				"« complete_at_signature.dose » : la ligne fixe déjà sa dose (« dose » "
				"ou « dose_per_kg ») ; retirez l'une des deux");
		} else if (ld_map_open(c, dose, &d_open_dose, &dv)) {
			bool ok = ld_get_str(c, ld_mv_get(&dv, "unit"), "unit", &o->dose_unit) &
				  ld_get_positive(c, ld_mv_get(&dv, "min"), "min", &o->dose_min) &
				  ld_get_positive(c, ld_mv_get(&dv, "max"), "max", &o->dose_max);
			if (ok && o->dose_max < o->dose_min) {
				ld_err_at(
					c, ld_mv_get(&dv, "max"),
					"« dose.max » doit être supérieur ou égal à « dose.min »");
				ok = false;
			}
			o->dose = ok;
		}
	}
	if (!ld_absent(dpd)) {
		if (l->doses_per_day > 0)
			ld_err_at(c, dpd,
				  "« complete_at_signature.doses_per_day » : la ligne fixe déjà "
				  "« doses_per_day »");
		else
			o->doses_per_day = load_int_range(c, dpd, "doses_per_day", 1, 24,
							  &o->dpd_min, &o->dpd_max);
	}
	if (!ld_absent(dur)) {
		if (l->duration_days > 0)
			ld_err_at(c, dur,
				  "« complete_at_signature.duration_days » : la ligne fixe déjà "
				  "« duration_days »");
		else
			o->duration = load_int_range(c, dur, "duration_days", 1, 365,
						     &o->duration_min, &o->duration_max);
	}
}

/* Does this sentence speak to the délégant (« délégant », « délégante », any case of the D)? */
static bool names_delegant(const char *s, size_t n)
{
	static const char w[] = "élégant"; /* after d or D */
	size_t wl = sizeof(w) - 1;
	for (size_t i = 0; i + 1 + wl <= n; i++)
		if ((s[i] == 'd' || s[i] == 'D') && memcmp(s + i + 1, w, wl) == 0)
			return true;
	return false;
}

/* Patient-facing text never speaks to the délégant: a sentence of `instructions` that does is
 * moved to the signer's note (it would otherwise be printed on the patient's prescription),
 * with a warning telling the author to write it in « signer_note ». Sentences end with ". ". */
static void split_signer_sentences(struct ctx *c, const struct ynode *v,
				   struct prescription_line *l)
{
	const char *text = l->instructions;
	if (!text || !names_delegant(text, strlen(text)))
		return;
	struct strbuf keep = STRBUF_INIT, note = STRBUF_INIT;
	size_t n = strlen(text), start = 0;
	while (start < n) {
		size_t end = start;
		while (end < n && !(text[end] == '.' && (end + 1 == n || text[end + 1] == ' ')))
			end++;
		if (end < n)
			end++; /* the full stop */
		struct strbuf *to = names_delegant(text + start, end - start) ? &note : &keep;
		strbuf_printf(to, "%s%.*s", to->len ? " " : "", (int)(end - start), text + start);
		start = end;
		while (start < n && text[start] == ' ')
			start++;
	}
	if (l->signer_note)
		strbuf_printf(&note, " %s", l->signer_note);
	l->instructions = keep.len ? arena_strdup(&c->p->arena, strbuf_str(&keep)) : NULL;
	l->signer_note = arena_strdup(&c->p->arena, strbuf_str(&note));
	if ((keep.len && !l->instructions) || !l->signer_note)
		c->nomem = true;
	ld_warn_at(c, v,
		   "« instructions » s'adresse au délégant signataire : Coop ne l'imprime pas sur "
		   "l'ordonnance du patient ; écrivez ce texte dans « signer_note »");
	strbuf_free(&keep);
	strbuf_free(&note);
}

static void load_line(struct ctx *c, const struct ynode *n, struct prescription_line *l)
{
	static const struct mapdesc *const descs[] = {&d_line_medicine, &d_line_device, &d_line_act,
						      &d_line_certificate, &d_line_sick};
	struct mapv mv;
	int kind = -1;
	l->weight_slot = -1;
	if (n->kind == Y_MAP) {
		for (const struct ynode *k = n->first; k && k->next; k = k->next->next) {
			if (ld_text_is(k, "kind")) {
				if (!ld_get_enum(c, k->next, "kind", line_kind_names,
						 ARRAY_LEN(line_kind_names), &kind))
					kind = -1;
				break;
			}
		}
	}
	if (!ld_map_open(c, n, kind >= 0 ? descs[kind] : &d_line_any, &mv))
		return;
	if (kind < 0)
		return; /* kind missing or invalid: already reported */
	l->kind = (enum line_kind)kind;
	if (ld_mv_get(&mv, "when"))
		l->when = ld_compile(c, ld_mv_get(&mv, "when"), "when", EXPR_BOOLEAN);
	ld_get_prov(c, &mv, &l->prov);
	ld_get_opt_str(c, ld_mv_get(&mv, "signer_note"), "signer_note", &l->signer_note);
	const struct ynode *opt = ld_mv_get(&mv, "optional");
	if (!ld_absent(opt)) {
		bool yes = opt->kind == Y_SCALAR && opt->len == 4 &&
			   memcmp(opt->text, "true", 4) == 0;
		bool no = opt->kind == Y_SCALAR && opt->len == 5 &&
			  memcmp(opt->text, "false", 5) == 0;
		if (yes || no)
			l->optional = yes;
		else
			ld_err_at(c, opt, "« optional » doit valoir true ou false");
	}
	l->optional = l->optional || l->kind == LINE_SICK_LEAVE;
	switch (l->kind) {
	case LINE_MEDICINE: {
		ld_get_str(c, ld_mv_get(&mv, "substance"), "substance", &l->substance);
		ld_get_opt_str(c, ld_mv_get(&mv, "form"), "form", &l->form);
		ld_get_opt_str(c, ld_mv_get(&mv, "frequency"), "frequency", &l->frequency);
		ld_get_opt_str(c, ld_mv_get(&mv, "quantity"), "quantity", &l->quantity);
		ld_get_opt_str(c, ld_mv_get(&mv, "instructions"), "instructions", &l->instructions);
		const struct ynode *dose = ld_mv_get(&mv, "dose"),
				   *pk = ld_mv_get(&mv, "dose_per_kg");
		if (!ld_absent(dose) && !ld_absent(pk)) {
			ld_err_at(c, ld_mv_key(&mv, "dose_per_kg"),
				  "« dose » et « dose_per_kg » s'excluent : "
				  "une ligne a une seule des deux");
		} else if (!ld_absent(dose)) {
			struct mapv dv;
			if (ld_map_open(c, dose, &d_dose, &dv)) {
				l->has_dose = true;
				ld_get_positive(c, ld_mv_get(&dv, "amount"), "amount",
						&l->dose_amount);
				ld_get_str(c, ld_mv_get(&dv, "unit"), "unit", &l->dose_unit);
			}
		} else if (!ld_absent(pk)) {
			load_dose_per_kg(c, pk, l);
		}
		const struct ynode *dpd = ld_mv_get(&mv, "doses_per_day");
		if (!ld_absent(dpd))
			ld_get_int(c, dpd, "doses_per_day", 1, 24, &l->doses_per_day);
		else if (l->has_dose_per_kg && l->per_kg_per == DOSE_PER_DAY)
			ld_err_at(c, pk,
				  "avec « dose_per_kg » par jour (per: day), « doses_per_day » "
				  "(1 au moins) est obligatoire");
		const struct ynode *dd = ld_mv_get(&mv, "duration_days");
		if (!ld_absent(dd))
			ld_get_int(c, dd, "duration_days", 1, 365, &l->duration_days);
		const struct ynode *cs = ld_mv_get(&mv, "complete_at_signature");
		if (!ld_absent(cs))
			load_open(c, cs, l);
		split_signer_sentences(c, ld_mv_get(&mv, "instructions"), l);
		break;
	}
	case LINE_DEVICE:
	case LINE_ACT:
	case LINE_CERTIFICATE:
		ld_get_str(c, ld_mv_get(&mv, "item"), "item", &l->item);
		ld_get_opt_str(c, ld_mv_get(&mv, "quantity"), "quantity", &l->quantity);
		ld_get_opt_str(c, ld_mv_get(&mv, "instructions"), "instructions", &l->instructions);
		split_signer_sentences(c, ld_mv_get(&mv, "instructions"), l);
		break;
	case LINE_SICK_LEAVE:
		ld_get_int(c, ld_mv_get(&mv, "max_days"), "max_days", 1, 365, &l->max_days);
		break;
	}
}

void load_templates(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	size_t n = ld_get_opt_seq(c, v, "prescriptions", PROTOCOL_MAX_TEMPLATES);
	if (!n)
		return;
	p->templates = arena_alloc(&p->arena, n * sizeof(*p->templates));
	if (!p->templates) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_templates++;
		struct prescription_template *t = &p->templates[i];
		struct mapv mv;
		t->id = "";
		c->t_node[i] = it;
		if (!ld_map_open(c, it, &d_template, &mv))
			continue;
		const struct ynode *id = ld_mv_get(&mv, "id");
		if (ld_get_id(c, id, "id", ID_ITEM, &t->id))
			CHECK_DUP(c, id, p->templates, i, id, "modèle d'ordonnance");
		ld_get_str(c, ld_mv_get(&mv, "label"), "label", &t->label);
		const struct ynode *lines = ld_mv_get(&mv, "lines");
		if (!ld_get_seq(c, lines, "lines", 1, PROTOCOL_MAX_LINES))
			continue;
		t->lines = arena_alloc(&p->arena, lines->count * sizeof(*t->lines));
		if (!t->lines) {
			c->nomem = true;
			return;
		}
		for (const struct ynode *ln = lines->first; ln; ln = ln->next)
			load_line(c, ln, &t->lines[t->n_lines++]);
	}
}

/* ---------------------------------------------------------------- outcomes */

static const char *const outcome_kind_names[] = {"prescription", "advice", "reorientation"};

static void load_outcome_templates(struct ctx *c, const struct ynode *v, struct outcome *o)
{
	struct protocol *p = c->p;
	char b[SHOW_MAX + 8];
	if (!ld_get_seq(c, v, "prescriptions", 1, PROTOCOL_MAX_TEMPLATES))
		return;
	o->templates = arena_alloc(&p->arena, v->count * sizeof(*o->templates));
	if (!o->templates) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t ti = SIZE_MAX;
		for (size_t j = 0; j < p->n_templates; j++) {
			if (ld_text_is(it, p->templates[j].id) && p->templates[j].id[0]) {
				ti = j;
				break;
			}
		}
		if (ti == SIZE_MAX) {
			ld_err_at(c, it,
				  "modèle d'ordonnance inconnu « %s » (les modèles sont déclarés "
				  "sous « prescriptions » à la racine)",
				  ld_show(it, b, sizeof(b)));
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < o->n_templates; j++)
			dup |= o->templates[j] == ti;
		if (dup) {
			ld_err_at(c, it, "modèle d'ordonnance « %s » cité deux fois",
				  p->templates[ti].id);
			continue;
		}
		c->t_used[ti] = true;
		o->templates[o->n_templates++] = ti;
	}
}

void load_outcomes(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	if (!ld_get_seq(c, v, "outcomes", 1, PROTOCOL_MAX_OUTCOMES))
		return;
	p->outcomes = arena_alloc(&p->arena, v->count * sizeof(*p->outcomes));
	if (!p->outcomes) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_outcomes++;
		struct outcome *o = &p->outcomes[i];
		struct mapv mv;
		int k = -1;
		o->id = "";
		o->line = it->line;
		o->column = it->column;
		if (!ld_map_open(c, it, &d_outcome, &mv))
			continue;
		const struct ynode *id = ld_mv_get(&mv, "id");
		if (ld_get_id(c, id, "id", ID_ITEM, &o->id))
			CHECK_DUP(c, id, p->outcomes, i, id, "issue");
		bool kind_ok = ld_get_enum(c, ld_mv_get(&mv, "kind"), "kind", outcome_kind_names,
					   ARRAY_LEN(outcome_kind_names), &k);
		if (kind_ok)
			o->kind = (enum outcome_kind)k;
		o->when = ld_compile(c, ld_mv_get(&mv, "when"), "when", EXPR_BOOLEAN);
		ld_get_str(c, ld_mv_get(&mv, "label"), "label", &o->label);
		ld_get_str_list(c, ld_mv_get(&mv, "advice"), "advice", 0, &o->advice, &o->n_advice);
		const struct ynode *pr = ld_mv_get(&mv, "prescriptions");
		if (kind_ok && o->kind == OUTCOME_PRESCRIPTION) {
			if (ld_absent(pr))
				ld_err_at(c, pr ? pr : it,
					  "une issue de kind prescription doit citer ses "
					  "modèles d'ordonnance : « prescriptions » "
					  "(1 au moins)");
			else
				load_outcome_templates(c, pr, o);
		} else if (kind_ok && !ld_absent(pr)) {
			ld_err_at(c, ld_mv_key(&mv, "prescriptions"),
				  "« prescriptions » n'est permis que "
				  "pour une issue de kind prescription");
		}
		const struct ynode *urg = ld_mv_get(&mv, "urgency");
		if (kind_ok && o->kind == OUTCOME_REORIENTATION) {
			if (ld_absent(urg))
				ld_err_at(c, urg ? urg : it,
					  "une issue de kind reorientation doit indiquer "
					  "son « urgency »");
			else
				ld_get_urgency(c, urg, &o->urgency);
		} else if (kind_ok && !ld_absent(urg)) {
			ld_err_at(c, ld_mv_key(&mv, "urgency"),
				  "« urgency » n'est permis que pour une issue "
				  "de kind reorientation");
		}
		ld_get_prov(c, &mv, &o->prov);
	}
	for (size_t i = 0; i < p->n_templates; i++)
		if (!c->t_used[i] && p->templates[i].id[0])
			ld_warn_at(c, c->t_node[i],
				   "le modèle d'ordonnance « %s » n'est utilisé par "
				   "aucune issue",
				   p->templates[i].id);
}
