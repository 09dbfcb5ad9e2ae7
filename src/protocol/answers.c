/*
 * answers.c — JSON answers document → struct engine_input, with full validation (answers.h).
 */
#include "protocol/answers.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum coop_err refuse(char *msg, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum coop_err refuse(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return ERR_INVALID;
}

/* A bound as a French reader writes it: "37,5", "2". */
static void decimal_fr(double x, char *buf, size_t n)
{
	snprintf(buf, n, "%g", x);
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
}

static bool parse_date_field(const json_t *v, coop_date *out)
{
	return json_is_string(v) && date_parse(json_string_value(v), json_string_length(v), out);
}

static bool choice_known(const struct question *q, const char *code)
{
	for (size_t i = 0; i < q->n_choices; i++)
		if (strcmp(q->choices[i].code, code) == 0)
			return true;
	return false;
}

static enum coop_err decode_answer(const struct question *q, const json_t *v, struct arena *a,
				   struct expr_value *out, char *msg, size_t n)
{
	switch (q->type) {
	case Q_BOOLEAN:
		if (!json_is_boolean(v))
			return refuse(msg, n, "« %s » : répondez oui ou non", q->label);
		*out = expr_value_bool(json_is_true(v));
		return COOP_OK;
	case Q_INTEGER:
	case Q_DECIMAL: {
		double d;
		if (q->type == Q_INTEGER) {
			if (!json_is_integer(v))
				return refuse(msg, n, "« %s » : un nombre entier est attendu", q->label);
			d = (double)json_integer_value(v);
		} else {
			if (!json_is_number(v))
				return refuse(msg, n, "« %s » : un nombre est attendu", q->label);
			d = json_number_value(v);
		}
		if (!isfinite(d) || (q->has_min && d < q->min) || (q->has_max && d > q->max)) {
			char lo[32] = "", hi[32] = "";
			if (q->has_min)
				decimal_fr(q->min, lo, sizeof(lo));
			if (q->has_max)
				decimal_fr(q->max, hi, sizeof(hi));
			const char *unit = q->unit ? q->unit : "";
			const char *sp = q->unit ? " " : "";
			if (q->has_min && q->has_max)
				return refuse(msg, n,
					      "« %s » : la valeur est hors des bornes du protocole (entre "
					      "%s%s%s et %s%s%s)",
					      q->label, lo, sp, unit, hi, sp, unit);
			if (q->has_min)
				return refuse(msg, n,
					      "« %s » : la valeur est hors des bornes du protocole (%s%s%s "
					      "au moins)",
					      q->label, lo, sp, unit);
			if (q->has_max)
				return refuse(msg, n,
					      "« %s » : la valeur est hors des bornes du protocole (%s%s%s "
					      "au plus)",
					      q->label, hi, sp, unit);
			return refuse(msg, n, "« %s » : un nombre est attendu", q->label);
		}
		*out = q->type == Q_INTEGER ? expr_value_int(json_integer_value(v))
					    : expr_value_dec(d);
		return COOP_OK;
	}
	case Q_CHOICE: {
		if (!json_is_string(v))
			return refuse(msg, n, "« %s » : choisissez une des réponses proposées", q->label);
		const char *code = json_string_value(v);
		if (json_string_length(v) > ANSWERS_MAX_STRING || !choice_known(q, code))
			return refuse(msg, n, "« %s » : choix inconnu « %.64s »", q->label, code);
		/* point at the protocol's own copy of the code, which outlives the answers */
		for (size_t i = 0; i < q->n_choices; i++)
			if (strcmp(q->choices[i].code, code) == 0)
				*out = expr_value_str(q->choices[i].code, strlen(q->choices[i].code));
		return COOP_OK;
	}
	case Q_MULTICHOICE: {
		if (!json_is_array(v))
			return refuse(msg, n, "« %s » : une liste de choix est attendue", q->label);
		size_t count = json_array_size(v);
		if (count > q->n_choices)
			return refuse(msg, n, "« %s » : trop de choix", q->label);
		struct expr_item *items = count ? arena_alloc(a, count * sizeof(*items)) : NULL;
		if (count && !items)
			return ERR_NOMEM;
		for (size_t i = 0; i < count; i++) {
			const json_t *e = json_array_get(v, i);
			if (!json_is_string(e) || !choice_known(q, json_string_value(e)))
				return refuse(msg, n, "« %s » : le choix n° %zu est inconnu", q->label, i + 1);
			for (size_t j = 0; j < i; j++)
				if (strcmp(items[j].u.str.s, json_string_value(e)) == 0)
					return refuse(msg, n, "« %s » : choix « %.64s » répété", q->label,
						      json_string_value(e));
			for (size_t k = 0; k < q->n_choices; k++)
				if (strcmp(q->choices[k].code, json_string_value(e)) == 0) {
					items[i].base = EXPR_STRING;
					items[i].u.str.s = q->choices[k].code;
					items[i].u.str.len = (uint32_t)strlen(q->choices[k].code);
				}
		}
		struct expr_value val = {0};
		val.count = (uint16_t)count;
		val.items = items;
		*out = val;
		return COOP_OK;
	}
	case Q_DATE: {
		coop_date d;
		if (!parse_date_field(v, &d))
			return refuse(msg, n, "« %s » : une date valide est attendue (AAAA-MM-JJ)", q->label);
		*out = expr_value_date(d);
		return COOP_OK;
	}
	}
	return ERR_INTERNAL;
}

enum coop_err answers_parse(const struct protocol *p, const char *text, size_t len,
			    struct arena *a, struct engine_input *in, char *msg, size_t n)
{
	enum coop_err rc = ERR_INVALID;
	json_error_t jerr;
	json_t *doc = NULL;
	if (len > ANSWERS_MAX_BYTES) {
		snprintf(msg, n, "document de réponses trop grand (%d octets au plus)", ANSWERS_MAX_BYTES);
		return ERR_TOO_LARGE;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		rc = refuse(msg, n,
			    "JSON invalide, ligne %d, colonne %d (détail de l'analyseur, en anglais : %s)",
			    jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = refuse(msg, n, "le document de réponses doit être un objet JSON");
		goto out;
	}
	const char *key;
	json_t *val;
	json_object_foreach(doc, key, val) {
		if (strcmp(key, "visit_date") && strcmp(key, "patient") && strcmp(key, "answers")) {
			rc = refuse(msg, n, "champ inconnu « %.64s » (attendu : visit_date, patient, answers)", key);
			goto out;
		}
	}
	coop_date visit, birth;
	if (!parse_date_field(json_object_get(doc, "visit_date"), &visit)) {
		rc = refuse(msg, n, "visit_date : date AAAA-MM-JJ attendue");
		goto out;
	}
	const json_t *patient = json_object_get(doc, "patient");
	if (!json_is_object(patient)) {
		rc = refuse(msg, n, "patient : objet attendu avec birth_date et sex");
		goto out;
	}
	json_object_foreach((json_t *)patient, key, val) {
		if (strcmp(key, "birth_date") && strcmp(key, "sex")) {
			rc = refuse(msg, n, "patient : champ inconnu « %.64s » (attendu : birth_date, sex)", key);
			goto out;
		}
	}
	if (!parse_date_field(json_object_get(patient, "birth_date"), &birth)) {
		rc = refuse(msg, n, "patient.birth_date : date AAAA-MM-JJ attendue");
		goto out;
	}
	if (birth > visit) {
		rc = refuse(msg, n, "patient.birth_date : la date de naissance est après la date de visite");
		goto out;
	}
	enum patient_sex sex;
	const json_t *jsex = json_object_get(patient, "sex");
	if (!json_is_string(jsex) || !patient_sex_parse(json_string_value(jsex), &sex)) {
		rc = refuse(msg, n, "patient.sex : female, male, other ou unknown attendu");
		goto out;
	}
	engine_input_init(in, visit, birth, sex);

	const json_t *answers = json_object_get(doc, "answers");
	if (answers && !json_is_object(answers)) {
		rc = refuse(msg, n, "answers : objet attendu (identifiant de question → réponse)");
		goto out;
	}
	if (answers) {
		json_object_foreach((json_t *)answers, key, val) {
			int qi = protocol_find_question(p, key);
			if (qi < 0) {
				rc = refuse(msg, n, "answers : question inconnue « %.64s » dans le protocole %s",
					    key, p->id);
				goto out;
			}
			if (json_is_null(val))
				continue; /* explicitly unanswered */
			rc = decode_answer(&p->questions[qi], val, a, &in->answers[qi], msg, n);
			if (rc != COOP_OK)
				goto out;
		}
	}
	rc = COOP_OK;
out:
	json_decref(doc);
	return rc;
}
