/*
 * api_prescription.c — the prescription's JSON in the API (api_prescription.h): completions
 * read and written, the signed-template check, the délégué's choice of lines when recording a
 * decision, and the printable prescription. Rules come from protocol/prescription.h.
 */
#include "api/api_prescription.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "template#n" → indexes; false when it names no line of p. */
static bool parse_key(const struct protocol *p, const char *key, size_t *t, size_t *l)
{
	const char *hash = key ? strrchr(key, '#') : NULL;
	if (!hash || hash == key || !hash[1] || strlen(hash + 1) > 3)
		return false;
	size_t n = 0;
	for (const char *d = hash + 1; *d; d++) {
		if (*d < '0' || *d > '9')
			return false;
		n = n * 10 + (size_t)(*d - '0');
	}
	for (size_t i = 0; i < p->n_templates; i++) {
		const char *id = p->templates[i].id;
		if (strlen(id) == (size_t)(hash - key) &&
		    memcmp(id, key, (size_t)(hash - key)) == 0 && n >= 1 &&
		    n <= p->templates[i].n_lines) {
			*t = i;
			*l = n - 1;
			return true;
		}
	}
	return false;
}

static bool int_of(json_t *v, int lo, int hi, int *out)
{
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return false;
	*out = (int)json_integer_value(v);
	return true;
}

bool api_rx_parse_completions(struct arena *a, const struct protocol *p, json_t *arr,
			      struct rx_completion **out, size_t *n, char *msg, size_t size)
{
	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > RX_MAX_COMPLETIONS) {
		snprintf(msg, size,
			 "Les compléments des ordonnances types doivent former une liste.");
		return false;
	}
	size_t count = json_array_size(arr);
	if (!count)
		return true;
	struct rx_completion *c = arena_alloc(a, count * sizeof(*c));
	if (!c) {
		snprintf(msg, size, "Mémoire insuffisante.");
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		json_t *it = json_array_get(arr, i);
		memset(&c[i], 0, sizeof(c[i]));
		const char *key = json_string_value(json_object_get(it, "line"));
		if (!json_is_object(it) ||
		    !parse_key(p, key, &c[i].template_index, &c[i].line_index)) {
			snprintf(msg, size, "Complément n° %zu : ligne d'ordonnance type inconnue.",
				 i + 1);
			return false;
		}
		const char *k;
		json_t *v;
		json_object_foreach(it, k, v) {
			if (strcmp(k, "line") && strcmp(k, "substance") && strcmp(k, "dose") &&
			    strcmp(k, "doses_per_day") && strcmp(k, "duration_days")) {
				snprintf(msg, size, "Complément n° %zu : donnée inattendue.",
					 i + 1);
				return false;
			}
		}
		json_t *s = json_object_get(it, "substance"), *d = json_object_get(it, "dose");
		if (s && !json_is_null(s)) {
			if (!json_is_string(s) || json_string_length(s) > 300) {
				snprintf(msg, size, "Complément n° %zu : molécule illisible.",
					 i + 1);
				return false;
			}
			c[i].substance = arena_strdup(a, json_string_value(s));
		}
		if (d && !json_is_null(d)) {
			if (!json_is_number(d) || !isfinite(json_number_value(d))) {
				snprintf(msg, size,
					 "Complément n° %zu : la dose doit être un nombre.", i + 1);
				return false;
			}
			c[i].has_dose = true;
			c[i].dose_amount = json_number_value(d);
		}
		if (!int_of(json_object_get(it, "doses_per_day"), 1, 24, &c[i].doses_per_day) ||
		    !int_of(json_object_get(it, "duration_days"), 1, 365, &c[i].duration_days)) {
			snprintf(
				msg, size,
				"Complément n° %zu : le nombre de prises par jour (1 à 24) et la durée "
				"(1 à 365 jours) sont des nombres entiers.",
				i + 1);
			return false;
		}
	}
	*out = c;
	*n = count;
	return true;
}

json_t *api_rx_completions_json(const struct protocol *p, const struct rx_completion *c, size_t n)
{
	json_t *arr = json_array();
	for (size_t t = 0; t < p->n_templates; t++)
		for (size_t l = 0; l < p->templates[t].n_lines; l++) {
			const struct rx_completion *x = rx_find(c, n, t, l);
			if (!x)
				continue;
			char key[200];
			rx_line_key(p, t, l, key, sizeof(key));
			json_t *o = json_pack("{s:s}", "line", key);
			if (x->substance)
				json_object_set_new(o, "substance", json_string(x->substance));
			if (x->has_dose)
				json_object_set_new(o, "dose", json_real(x->dose_amount));
			if (x->doses_per_day)
				json_object_set_new(o, "doses_per_day",
						    json_integer(x->doses_per_day));
			if (x->duration_days)
				json_object_set_new(o, "duration_days",
						    json_integer(x->duration_days));
			json_array_append_new(arr, o);
		}
	return arr;
}

bool api_rx_signed(struct arena *a, const struct protocol *p, const struct db_adoption *ad,
		   struct rx_completion **comps, size_t *n)
{
	struct rx_completion *c = NULL;
	size_t cn = 0;
	if (comps)
		*comps = NULL;
	if (n)
		*n = 0;
	if (!ad->signed_by || !ad->signed_hash)
		return false;
	if (ad->signed_completions) {
		json_t *arr = json_loads(ad->signed_completions, 0, NULL);
		char msg[200];
		bool ok = arr && api_rx_parse_completions(a, p, arr, &c, &cn, msg, sizeof(msg));
		json_decref(arr);
		if (!ok)
			return false; /* completions for another content of the protocol */
	}
	char h[PROTOCOL_HASH_HEX];
	rx_template_hash(p, c, cn, h);
	if (strcmp(h, ad->signed_hash) != 0)
		return false;
	if (comps)
		*comps = c;
	if (n)
		*n = cn;
	return true;
}

bool api_rx_weight_needed(const struct protocol *p, const struct engine_input *in,
			  const struct engine_result *r)
{
	double kg;
	return rx_weight_required(r->n_lines, r->age_years, rx_weight(p, in, r, &kg));
}

json_t *api_rx_choices(const struct protocol *p, const struct engine_result *r,
		       const struct rx_completion *comps, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n_lines; i++) {
		const struct line_result *lr = &r->lines[i];
		const struct prescription_line *l =
			&p->templates[lr->template_index].lines[lr->line_index];
		const struct rx_completion *c =
			rx_find(comps, n, lr->template_index, lr->line_index);
		char key[200];
		rx_line_key(p, lr->template_index, lr->line_index, key, sizeof(key));
		struct strbuf sb = STRBUF_INIT;
		rx_line_text(p, lr, c, l->max_days, &sb);
		const char *why = NULL;
		bool ok = rx_line_issuable(p, lr, c, &why);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "key", key, "text",
				      strbuf_str(&sb), "kind", rx_line_kind_code(l->kind),
				      "optional", l->optional, "issuable", ok);
		json_object_set_new(o, "max_days",
				    l->kind == LINE_SICK_LEAVE ? json_integer(l->max_days)
							       : json_null());
		json_object_set_new(o, "why_not", ok ? json_null() : json_string(why));
		json_array_append_new(arr, o);
		strbuf_free(&sb);
	}
	return arr;
}

bool api_rx_decide(struct api_ctx *c, const struct protocol *p, const struct engine_input *in,
		   const struct engine_result *r, const struct db_adoption *ad, json_t *body,
		   json_t *d)
{
	json_t *chosen = json_object_get(body, "optional_lines");
	json_t *days_j = json_object_get(body, "sick_leave_days");
	json_t *weight_j = json_object_get(body, "weight_kg");
	char msg[400];
	if (chosen && !json_is_null(chosen) &&
	    (!json_is_array(chosen) || json_array_size(chosen) > ENGINE_MAX_LINES)) {
		api_fail(c, API_ERR_INVALID, "Les lignes choisies doivent former une liste.",
			 "optional_lines");
		return false;
	}
	int days = 0;
	if (days_j && !json_is_null(days_j) && !json_is_integer(days_j)) {
		api_fail(c, API_ERR_INVALID,
			 "La durée de l'arrêt de travail est un nombre entier de jours.",
			 "sick_leave_days");
		return false;
	}
	if (days_j && json_is_integer(days_j))
		days = json_integer_value(days_j) > 1000 ? 1000 : (int)json_integer_value(days_j);
	double weight = 0;
	bool has_weight = rx_weight(p, in, r, &weight);
	if (weight_j && !json_is_null(weight_j)) {
		double w = json_is_number(weight_j) ? json_number_value(weight_j) : -1;
		if (!(w >= 0.3 && w <= 300)) {
			api_fail(c, API_ERR_INVALID,
				 "Le poids du patient s'écrit en kilogrammes, entre 0,3 et 300.",
				 "weight_kg");
			return false;
		}
		if (!has_weight) {
			weight = w;
			has_weight = true;
		}
	}
	/* every chosen key must be an optional line of this outcome */
	size_t i;
	json_t *it;
	json_array_foreach(chosen, i, it) {
		const char *key = json_string_value(it);
		bool found = false;
		for (size_t k = 0; key && k < r->n_lines; k++) {
			char kk[200];
			rx_line_key(p, r->lines[k].template_index, r->lines[k].line_index, kk,
				    sizeof(kk));
			const struct prescription_line *l =
				&p->templates[r->lines[k].template_index]
					 .lines[r->lines[k].line_index];
			found = found || (strcmp(kk, key) == 0 && l->optional);
		}
		if (!found) {
			api_fail(c, API_ERR_INVALID,
				 "Une ligne choisie n'est pas une ligne facultative de cette "
				 "ordonnance.",
				 "optional_lines");
			return false;
		}
	}
	struct rx_completion *comps = NULL;
	size_t n = 0;
	api_rx_signed(c->a, p, ad, &comps, &n);
	json_t *lines = json_array(), *withheld = json_array();
	bool sick_chosen = false;
	for (size_t k = 0; k < r->n_lines; k++) {
		const struct line_result *lr = &r->lines[k];
		const struct prescription_line *l =
			&p->templates[lr->template_index].lines[lr->line_index];
		char key[200];
		rx_line_key(p, lr->template_index, lr->line_index, key, sizeof(key));
		bool picked = !l->optional;
		json_array_foreach(chosen, i, it) {
			picked = picked || strcmp(json_string_value(it), key) == 0;
		}
		if (!picked)
			continue;
		if (l->kind == LINE_SICK_LEAVE) {
			sick_chosen = true;
			if (!rx_sick_leave_days_ok(l, days, msg, sizeof(msg))) {
				api_fail(c, API_ERR_SICK_LEAVE_DAYS, msg, "sick_leave_days");
				json_decref(lines);
				json_decref(withheld);
				return false;
			}
		}
		const struct rx_completion *comp =
			rx_find(comps, n, lr->template_index, lr->line_index);
		struct strbuf sb = STRBUF_INIT;
		rx_line_text(p, lr, comp, days, &sb);
		const char *why = NULL;
		if (rx_line_issuable(p, lr, comp, &why))
			json_array_append_new(lines, json_string(strbuf_str(&sb)));
		else
			json_array_append_new(withheld, json_pack("{s:s, s:s}", "text",
								  strbuf_str(&sb), "why", why));
		strbuf_free(&sb);
	}
	/* a child's prescription carries the weight: asked now when the protocol did not */
	if (rx_weight_required(json_array_size(lines), r->age_years, has_weight)) {
		api_fail(c, API_ERR_WEIGHT_REQUIRED,
			 "Indiquez le poids de l'enfant : il figure sur son ordonnance.",
			 "weight_kg");
		json_decref(lines);
		json_decref(withheld);
		return false;
	}
	if (!rx_sick_leave_days_have_line(days, sick_chosen, msg, sizeof(msg))) {
		api_fail(c, API_ERR_SICK_LEAVE_DAYS, msg, "sick_leave_days");
		json_decref(lines);
		json_decref(withheld);
		return false;
	}
	json_object_set_new(d, "lines", lines);
	json_object_set_new(d, "withheld", withheld);
	json_object_set_new(d, "age_years", json_integer(r->age_years));
	json_object_set_new(d, "age_months", json_integer(r->age_months));
	json_object_set_new(d, "weight_kg", has_weight ? json_real(weight) : json_null());
	return true;
}

/* "Dr Anne Durand" for a physician, "Claire Martin" otherwise. */
static void pro_name(const struct db_professional *pro, struct strbuf *sb)
{
	strbuf_printf(sb, "%s%s %s", strcmp(pro->profession, "medecin") == 0 ? "Dr " : "",
		      pro->first_names, pro->last_name);
}

static json_t *pro_json(const struct db_professional *pro)
{
	struct strbuf sb = STRBUF_INIT;
	pro_name(pro, &sb);
	enum profession pf;
	/* "Infirmière" for a woman: the label agrees with the professional's sex when it is said */
	bool female = pro->sex && strcmp(pro->sex, "female") == 0;
	const char *label = profession_parse(pro->profession, &pf)
				    ? profession_label_fr_sex(pf, female)
				    : pro->profession;
	json_t *o = json_pack("{s:s, s:s, s:o, s:o}", "name", strbuf_str(&sb), "profession", label,
			      "rpps", pro->rpps ? json_string(pro->rpps) : json_null(), "adeli",
			      pro->adeli ? json_string(pro->adeli) : json_null());
	strbuf_free(&sb);
	return o;
}

json_t *api_rx_document(struct api_ctx *c, const struct protocol *p, json_t *decision,
			const struct db_patient *patient, const struct db_structure *st,
			const struct db_adoption *ad, int64_t delegue_id)
{
	json_t *lines = json_object_get(decision, "lines");
	if (!json_is_array(lines) || !json_array_size(lines))
		return NULL;
	struct db_professional signer, delegue;
	bool has_signer = ad->signed_by &&
			  db_professional_get(c->db, ad->signed_by, c->a, &signer) == COOP_OK;
	bool has_delegue = delegue_id &&
			   db_professional_get(c->db, delegue_id, c->a, &delegue) == COOP_OK;
	json_t *age_y = json_object_get(decision, "age_years");
	json_t *age_m = json_object_get(decision, "age_months");
	json_t *weight = json_object_get(decision, "weight_kg");
	struct rx_sheet_facts f = {.signer_rpps = has_signer && signer.rpps,
				   .finess = st->finess != NULL,
				   .birth_known = json_is_integer(age_y),
				   .age_years = (int)json_integer_value(age_y),
				   .age_months = (int)json_integer_value(age_m),
				   .weight_known = json_is_number(weight)};
	if (!f.birth_known && patient->birth_date) {
		/* a decision recorded before the age was kept: the age on the decision day */
		const char *day = json_string_value(json_object_get(decision, "date"));
		coop_date on = c->today;
		if (day && !date_parse(day, strlen(day), &on))
			on = c->today;
		f.birth_known = true;
		f.age_years = date_age_years(patient->birth_date, on);
		f.age_months = date_age_months(patient->birth_date, on);
	}
	struct rx_sheet_check ck;
	rx_sheet_check(&f, &ck);
	json_t *missing = json_array();
	for (size_t i = 0; i < ck.n_missing; i++)
		json_array_append_new(missing, json_string(ck.missing[i]));
	struct strbuf age = STRBUF_INIT;
	if (f.birth_known)
		rx_age_fr(f.age_years, f.age_months, &age);
	json_t *pat = json_pack(
		"{s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:b}", "birth_name", patient->birth_name,
		"first_names", patient->first_names, "used_name",
		patient->used_name ? json_string(patient->used_name) : json_null(), "birth_date",
		api_date_json(patient->birth_date), "sex", patient->sex, "age",
		f.birth_known ? json_string(strbuf_str(&age)) : json_null(), "weight_kg",
		json_is_number(weight) ? json_copy(weight) : json_null(), "child", ck.child);
	strbuf_free(&age);
	json_t *signer_j = has_signer ? pro_json(&signer) : json_null();
	if (has_signer)
		json_object_set_new(signer_j, "signed_on",
				    api_date_json(ad->signed_at ? (coop_date)(ad->signed_at / 86400)
								: c->today));
	json_t *out = json_pack("{s:b, s:o, s:{s:s, s:o, s:o}, s:o, s:o, s:o, s:O?, s:O, s:s, s:s}",
				"issuable", ck.ok, "missing", missing, "structure", "name",
				st->name, "address",
				st->address ? json_string(st->address) : json_null(), "finess",
				st->finess ? json_string(st->finess) : json_null(), "delegue",
				has_delegue ? pro_json(&delegue) : json_null(), "signer", signer_j,
				"patient", pat, "date", json_object_get(decision, "date"), "lines",
				lines, "protocol_id", p->id, "protocol_title", p->title);
	return out;
}
