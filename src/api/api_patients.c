/*
 * api_patients.c — patients of the caller's structure: search, create, read; and the protocols
 * the structure adopted.
 *
 * A patient is identified by the INS identity traits (birth name, birth first names, birth
 * date, sex, birthplace code); the NIR is optional and checked (key included) before anything is
 * stored; so is the médecin traitant's RPPS. Names are stored with ASCII letters upper-cased
 * (INS style), so that searching "dup" finds "DUPONT". Every read of patient data — a search
 * included — appends an audit record; nobody sees another structure's patients (they do not
 * exist for them: 404). The coordinator, who manages the team, has no access to patients.
 */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "core/ident.h"
#include "core/strbuf.h"
#include "protocol/summary.h"

#define PATIENT_ROLES (DB_ROLE_SECRETARY | DB_ROLE_DELEGUE | DB_ROLE_DELEGANT)
#define NAME_MAX_BYTES 100
#define SEARCH_LIMIT 50

/* An arena copy of s with ASCII letters upper-cased and outer spaces removed. */
static char *upper_trimmed(struct arena *a, const char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	char *out = arena_strndup(a, s, n);
	for (size_t i = 0; out && i < n; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
	return out;
}

json_t *patient_json(const struct db_patient *p);
json_t *patient_json(const struct db_patient *p)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:I}", "id", (json_int_t)p->id,
			      "birth_name", p->birth_name, "first_names", p->first_names,
			      "birth_date", api_date_json(p->birth_date), "sex", p->sex, "version",
			      (json_int_t)p->version);
	if (!o)
		return NULL;
	json_object_set_new(o, "used_name", p->used_name ? json_string(p->used_name) : json_null());
	json_object_set_new(o, "birthplace_code",
			    p->birthplace_code ? json_string(p->birthplace_code) : json_null());
	json_object_set_new(o, "nir", p->nir ? json_string(p->nir) : json_null());
	json_t *gp = json_pack("{s:o, s:o, s:o, s:o}", "name",
			       p->gp_name ? json_string(p->gp_name) : json_null(), "rpps",
			       p->gp_rpps ? json_string(p->gp_rpps) : json_null(), "mssante",
			       p->gp_mssante ? json_string(p->gp_mssante) : json_null(),
			       "professional_id",
			       p->gp_professional_id ? json_integer(p->gp_professional_id)
						     : json_null());
	json_object_set_new(o, "gp", gp);
	return o;
}

static bool date_field(struct api_ctx *c, json_t *obj, const char *key, bool required,
		       coop_date *out, bool *present)
{
	const char *s = NULL;
	*present = false;
	if (!api_str(c, obj, key, 10, required, &s))
		return false;
	if (!s)
		return true;
	if (!date_parse(s, strlen(s), out)) {
		api_field_error(c, "invalid", key, "doit être une date valide", NULL);
		return false;
	}
	*present = true;
	return true;
}

/* Reads and checks a patient's fields from body into *p (identifiers normalised, names
 * upper-cased); false when an error was answered. */
static bool parse_patient(struct api_ctx *c, json_t *body, struct db_patient *out)
{
	static const char *const gp_fields[] = {"name", "rpps", "mssante", "professional_id",
						NULL};
	struct db_patient p = *out;
	const char *birth_name, *first_names, *used_name, *sex, *birthplace;
	bool has_date;
	if (!api_str(c, body, "birth_name", NAME_MAX_BYTES, true, &birth_name) ||
	    !api_str(c, body, "first_names", NAME_MAX_BYTES, true, &first_names) ||
	    !api_str(c, body, "used_name", NAME_MAX_BYTES, false, &used_name) ||
	    !date_field(c, body, "birth_date", true, &p.birth_date, &has_date) ||
	    !api_str(c, body, "sex", 10, true, &sex) ||
	    !api_str(c, body, "birthplace_code", 5, false, &birthplace) ||
	    !api_ident(c, body, "nir", IDENT_NIR, &p.nir))
		return false;
	if (p.birth_date > c->today || p.birth_date < date_from_ymd(1900, 1, 1)) {
		api_error(c, 400, "invalid",
			  "La date de naissance doit être passée et postérieure au 01/01/1900.",
			  "birth_date");
		return false;
	}
	if (strcmp(sex, "female") != 0 && strcmp(sex, "male") != 0 && strcmp(sex, "unknown") != 0) {
		api_error(c, 400, "invalid",
			  "Le sexe doit être féminin, masculin ou inconnu.", "sex");
		return false;
	}
	if (birthplace) {
		bool ok = strlen(birthplace) == 5;
		for (size_t i = 0; ok && i < 5; i++)
			ok = (birthplace[i] >= '0' && birthplace[i] <= '9') ||
			     (i == 1 && (birthplace[i] == 'A' || birthplace[i] == 'B'));
		if (!ok) {
			api_error(c, 400, "invalid",
				  "Le lieu de naissance doit être un code officiel de commune ou de "
				  "pays à 5 caractères (ex. 75056, 2A004, 99134).",
				  "birthplace_code");
			return false;
		}
	}
	json_t *gp = json_object_get(body, "gp");
	if (gp && !json_is_null(gp)) {
		if (!json_is_object(gp)) {
			api_field_error(c, "invalid", "gp", "n'est pas valide", NULL);
			return false;
		}
		const char *key;
		json_t *v;
		json_object_foreach(gp, key, v) {
			bool known = false;
			for (size_t i = 0; gp_fields[i]; i++)
				known |= strcmp(gp_fields[i], key) == 0;
			if (!known) {
				char m[160];
				snprintf(m, sizeof(m), "Champ inconnu : « gp.%.60s ».", key);
				api_error(c, 400, "unknown_field", m, key);
				return false;
			}
		}
		const char *mssante = NULL;
		if (!api_str(c, gp, "name", NAME_MAX_BYTES, false, &p.gp_name) ||
		    !api_ident(c, gp, "rpps", IDENT_RPPS, &p.gp_rpps) ||
		    !api_str(c, gp, "mssante", 254, false, &mssante) ||
		    !api_id(c, gp, "professional_id", false, &p.gp_professional_id))
			return false;
		if (mssante && (!strchr(mssante, '@') || strchr(mssante, ' '))) {
			api_error(c, 400, "invalid",
				  "L'adresse MSSanté du médecin traitant n'est pas une adresse de "
				  "messagerie valide.",
				  "mssante");
			return false;
		}
		p.gp_mssante = mssante;
		if (p.gp_professional_id) {
			struct db_professional pro;
			if (db_professional_get(c->db, p.gp_professional_id, c->a, &pro) != COOP_OK ||
			    pro.structure_id != c->account.structure_id ||
			    strcmp(pro.profession, "medecin") != 0) {
				api_error(c, 400, "invalid",
					  "Le médecin traitant indiqué n'est pas un médecin de "
					  "l'équipe.",
					  "professional_id");
				return false;
			}
		}
	}
	p.birth_name = upper_trimmed(c->a, birth_name);
	p.first_names = upper_trimmed(c->a, first_names);
	p.used_name = used_name && *used_name ? upper_trimmed(c->a, used_name) : NULL;
	p.sex = sex;
	p.birthplace_code = birthplace;
	if (!p.birth_name || !p.first_names || !*p.birth_name || !*p.first_names) {
		api_error(c, 400, "required", "Le nom et les prénoms de naissance sont obligatoires.",
			  "birth_name");
		return false;
	}
	*out = p;
	return true;
}

void api_patients_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"birth_name", "first_names", "used_name",
					     "birth_date", "sex", "birthplace_code", "nir", "gp",
					     NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES))
		return;
	json_t *body = api_body(&c, fields);
	struct db_patient p = {.structure_id = c.account.structure_id, .version = 1};
	if (!body || !parse_patient(&c, body, &p))
		return;
	int64_t id = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_patient_insert(c.db, &p, &id);
	p.id = id;
	json_t *out = patient_json(&p);
	if (e == COOP_OK)
		e = out ? api_audit(&c, "create", "patient", id, NULL, out) : ERR_NOMEM;
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		json_decref(out);
		api_store_error(&c, e, "Patient");
		return;
	}
	http_respond_json(res, 201, out);
}

void api_patients_update(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"version",     "birth_name", "first_names",
					     "used_name",   "birth_date", "sex",
					     "birthplace_code", "nir",   "gp",
					     NULL};
	struct api_ctx c;
	int64_t id, version;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES) || !api_param_id(&c, "id", &id))
		return;
	json_t *body = api_body(&c, fields);
	if (!body || !api_id(&c, body, "version", true, &version))
		return;
	struct db_patient old;
	enum coop_err e = db_patient_get(c.db, c.account.structure_id, id, c.a, &old);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	struct db_patient p = {.id = id, .structure_id = c.account.structure_id, .version = version};
	if (!parse_patient(&c, body, &p))
		return;
	json_t *before = patient_json(&old);
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_patient_update(c.db, &p);
	p.version = version + 1;
	json_t *after = patient_json(&p);
	if (e == COOP_OK)
		e = api_audit(&c, "update", "patient", id, before, after);
	if (e == COOP_OK)
		e = db_commit(c.db);
	json_decref(before);
	if (e != COOP_OK) {
		db_rollback(c.db);
		json_decref(after);
		if (e == ERR_CONFLICT)
			api_error(&c, 409, "conflict",
				  "Ce dossier a changé depuis son affichage : rechargez-le avant "
				  "d'enregistrer (vos saisies restent à l'écran).",
				  "version");
		else
			api_store_error(&c, e, "Patient");
		return;
	}
	http_respond_json(res, 200, after);
}

void api_patients_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES) || !api_param_id(&c, "id", &id))
		return;
	struct db_patient p;
	enum coop_err e = db_patient_get(c.db, c.account.structure_id, id, c.a, &p);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	/* a read that cannot be traced is not served */
	if (api_trace_read(&c, "read", "patient", id, NULL))
		http_respond_json(res, 200, patient_json(&p));
}

void api_patients_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES))
		return;
	const char *name = NULL, *born = NULL;
	size_t name_len = 0;
	enum coop_err e = http_request_query(req, "name", &name, &name_len);
	if (e == ERR_NOT_FOUND || (e == COOP_OK && name_len < 2)) {
		api_error(&c, 400, "required",
			  "Indiquez au moins les deux premières lettres du nom de naissance (name).",
			  "name");
		return;
	}
	if (e != COOP_OK || name_len > NAME_MAX_BYTES) {
		api_error(&c, 400, "invalid", "Le nom recherché n'est pas valide.", "name");
		return;
	}
	coop_date birth_date = 0;
	bool has_date = false;
	e = http_request_query(req, "birth_date", &born, NULL);
	if (e == COOP_OK) {
		if (!date_parse(born, strlen(born), &birth_date)) {
			api_error(&c, 400, "invalid",
				  "La date de naissance recherchée doit s'écrire AAAA-MM-JJ.",
				  "birth_date");
			return;
		}
		has_date = true;
	} else if (e != ERR_NOT_FOUND) {
		api_error(&c, 400, "invalid", "La date de naissance recherchée n'est pas valide.",
			  "birth_date");
		return;
	}
	const char *prefix = upper_trimmed(c.a, name);
	if (!prefix || strlen(prefix) < 2) {
		api_error(&c, 400, "required",
			  "Indiquez au moins les deux premières lettres du nom de naissance (name).",
			  "name");
		return;
	}
	struct db_patient *found = NULL;
	size_t n = 0;
	e = db_patient_search(c.db, c.account.structure_id, prefix, has_date, birth_date,
			      SEARCH_LIMIT, c.a, &found, &n);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	json_t *items = json_array(), *ids = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(items, patient_json(&found[i]));
		json_array_append_new(ids, json_integer(found[i].id));
	}
	json_t *what = json_pack("{s:s, s:o}", "name", prefix, "ids", ids);
	bool traced = what && api_trace_read(&c, "search", "patient", 0, what);
	json_decref(what);
	if (!traced) {
		if (!c.res->status)
			api_error(&c, 500, "internal", "Mémoire insuffisante.", NULL);
		json_decref(items);
		return;
	}
	http_respond_json(res, 200, json_pack("{s:o}", "items", items));
}

static const char *const question_type_codes[] = {"boolean", "integer", "decimal", "choice",
						   "multichoice", "date"};

/* GET /api/v1/protocols/{id}: what a screen needs to ask the protocol's questions. */
void api_protocols_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	const struct protocol *p = app_protocol(c.app, http_request_param_str(req, "id"));
	if (!p) {
		api_error(&c, 404, "not_found", "Protocole inconnu de ce serveur.", NULL);
		return;
	}
	const struct protocol_version *v = protocol_version_at(p, c.today);
	json_t *questions = json_array();
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct question *q = &p->questions[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", q->id, "label", q->label,
				      "type", question_type_codes[q->type], "asked_by",
				      q->asked_by == ASKED_ORIENTATION ? "orientation" : "examination",
				      "conditional", q->enable_when != NULL);
		json_object_set_new(o, "help", q->help ? json_string(q->help) : json_null());
		json_object_set_new(o, "unit", q->unit ? json_string(q->unit) : json_null());
		json_object_set_new(o, "min", q->has_min ? json_real(q->min) : json_null());
		json_object_set_new(o, "max", q->has_max ? json_real(q->max) : json_null());
		json_t *choices = json_array();
		for (size_t k = 0; k < q->n_choices; k++)
			json_array_append_new(choices,
					      json_pack("{s:s, s:s}", "code", q->choices[k].code,
							"label", q->choices[k].label));
		json_object_set_new(o, "choices", choices);
		json_array_append_new(questions, o);
	}
	json_t *out = json_pack("{s:s, s:s, s:s, s:o}", "id", p->id, "title", p->title, "hash",
				p->hash, "questions", questions);
	json_object_set_new(out, "version", v ? json_string(v->version) : json_null());
	json_object_set_new(out, "summary", p->summary ? json_string(p->summary) : json_null());
	/* the whole French summary a délégant reads before signing the template prescriptions */
	struct strbuf sb = STRBUF_INIT;
	summary_text(p, &sb);
	json_object_set_new(out, "summary_text", json_string(strbuf_str(&sb)));
	strbuf_free(&sb);
	json_object_set_new(out, "long_term", json_boolean(p->long_term));
	json_object_set_new(out, "second_contact", json_boolean(p->second_contact.present));
	http_respond_json(res, 200, out);
}

void api_protocols_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	struct db_patient patient;
	bool for_patient = false;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE) ||
	    !api_fit_patient(&c, &patient, &for_patient))
		return;
	json_t *items = json_array();
	for (size_t i = 0; i < c.app->n_protocols; i++) {
		const struct protocol *p = c.app->protocols[i];
		struct db_adoption ad;
		enum coop_err e = db_adoption_find(c.db, c.account.structure_id, p->id, c.a, &ad);
		if (e != COOP_OK && e != ERR_NOT_FOUND) {
			json_decref(items);
			api_store_error(&c, e, "Protocole");
			return;
		}
		bool adopted = e == COOP_OK;
		bool signed_current = adopted && ad.signed_hash && strcmp(ad.signed_hash, p->hash) == 0;
		const struct protocol_version *v = protocol_version_at(p, c.today);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:o, s:b, s:b}", "id", p->id, "title",
				      p->title, "hash", p->hash, "adopted", adopted, "status",
				      adopted ? json_string(ad.status) : json_null(), "signed",
				      signed_current, "in_force", v != NULL);
		json_object_set_new(o, "version", v ? json_string(v->version) : json_null());
		/* what a screen shows of the version: the day it came into force, not its code */
		json_object_set_new(o, "version_from",
				    v ? api_date_json(v->effective_from) : json_null());
		json_object_set_new(o, "signed_by", signed_current && ad.signed_by
							    ? json_integer(ad.signed_by)
							    : json_null());
		json_object_set_new(o, "signed_at", signed_current && ad.signed_at
							    ? json_integer(ad.signed_at)
							    : json_null());
		json_t *tariffs = json_array();
		for (size_t k = 0; k < p->n_tariffs; k++) {
			const struct tariff *t = &p->tariffs[k];
			bool current = t->effective_from <= c.today &&
				       (!t->has_effective_to || c.today <= t->effective_to);
			if (current)
				json_array_append_new(
					tariffs,
					json_pack("{s:s, s:s, s:I}", "code",
						  t->code == TARIFF_FLAT_FEE ? "flat_fee"
									     : "second_contact",
						  "label", t->label, "amount_cents",
						  (json_int_t)t->amount_cents));
		}
		json_object_set_new(o, "tariffs", tariffs);
		json_object_set_new(o, "suspended_reason", adopted && ad.suspended_reason
								   ? json_string(ad.suspended_reason)
								   : json_null());
		if (for_patient)
			api_fit_json(&c, p, &patient, o);
		json_array_append_new(items, o);
	}
	http_respond_json(res, 200, json_pack("{s:o}", "items", items));
}
