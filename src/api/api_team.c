/*
 * api_team.c — the team: professionals, their adhesions to the adopted protocols (with what
 * blocks each one, in plain words), the validation of a délégué's training by a délégant, the
 * signature of a protocol's template prescriptions, its suspension, and the délégants'
 * availability.
 *
 * The coordinator manages the team (professionals, adhesions, suspension); a délégant validates
 * trainings, signs the template prescriptions of the protocols they are délégant of, and states
 * when they can be reached. Identifiers (RPPS, ADELI) are checked before anything is stored;
 * every write appends its audit record in the same transaction.
 *
 * The rules of the team (which adhesion speaks for a person, what an adhesion may record, who
 * may validate a training) are core/team's: the handlers here parse the request, gather the
 * facts (api/facts.h), ask the core, then persist and render.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_prescription.h"
#include "api/app.h"
#include "api/facts.h"
#include "core/ident.h"
#include "core/profession.h"
#include "core/team.h"
#include "protocol/prescription.h"
#include "protocol/summary.h"

static json_t *professional_json(const struct db_professional *p)
{
	enum profession prof = PROF_UNKNOWN;
	bool known = profession_parse(p->profession, &prof);
	bool female = p->sex && strcmp(p->sex, "female") == 0;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "last_name",
			      p->last_name, "first_names", p->first_names, "profession",
			      p->profession, "profession_label",
			      known ? profession_label_fr_sex(prof, female) : p->profession);
	json_object_set_new(o, "sex", p->sex ? json_string(p->sex) : json_null());
	json_object_set_new(o, "rpps", p->rpps ? json_string(p->rpps) : json_null());
	json_object_set_new(o, "adeli", p->adeli ? json_string(p->adeli) : json_null());
	json_object_set_new(o, "mssante", p->mssante ? json_string(p->mssante) : json_null());
	json_object_set_new(o, "phone", p->phone ? json_string(p->phone) : json_null());
	return o;
}

/* Writes, audits and commits one change; false (error answered) on failure. */
static bool commit_change(struct api_ctx *c, enum coop_err e, const char *action,
			  const char *entity, int64_t id, json_t *before, json_t *after,
			  const char *what)
{
	if (e == COOP_OK)
		e = api_audit(c, action, entity, id, before, after);
	if (e == COOP_OK)
		e = db_commit(c->db);
	if (e != COOP_OK) {
		db_rollback(c->db);
		api_store_error(c, e, what);
		return false;
	}
	return true;
}

/* How the API answers each refusal of the team rules: HTTP status, error code, and the request
 * field it is about (NULL: the request as a whole). */
static const struct {
	enum api_error_kind kind;
	const char *field;
} refusal_answers[TEAM_REFUSAL_COUNT] = {
	[TEAM_REFUSAL_NONE] = {API_ERR_INTERNAL, NULL},
	[TEAM_REFUSAL_PROFESSION_UNKNOWN] = {API_ERR_PROFESSION_UNKNOWN, "professional_id"},
	[TEAM_REFUSAL_PROFESSION_NOT_ALLOWED] = {API_ERR_PROFESSION_NOT_ALLOWED, "role"},
	[TEAM_REFUSAL_END_NOT_AFTER_START] = {API_ERR_INVALID, "effective_to"},
	[TEAM_REFUSAL_INSURANCE_FUTURE] = {API_ERR_INVALID, "insurance_date"},
	[TEAM_REFUSAL_ENGAGEMENT_FUTURE] = {API_ERR_INVALID, "engagement_date"},
	[TEAM_REFUSAL_INSURER_BLANK] = {API_ERR_INVALID, "insurer"},
	[TEAM_REFUSAL_INSURANCE_DATE_MISSING] = {API_ERR_REQUIRED, "insurance_date"},
	[TEAM_REFUSAL_INSURER_MISSING] = {API_ERR_REQUIRED, "insurer"},
	[TEAM_REFUSAL_DUPLICATE] = {API_ERR_ADHESION_DUPLICATE, "effective_from"},
	[TEAM_REFUSAL_TRAINING_HOURS] = {API_ERR_INVALID, "hours"},
	[TEAM_REFUSAL_TRAINING_FUTURE] = {API_ERR_INVALID, "date"},
	[TEAM_REFUSAL_TRAINING_NOT_DELEGUE] = {API_ERR_TRAINING_NOT_DELEGUE, NULL},
	[TEAM_REFUSAL_TRAINING_SELF] = {API_ERR_TRAINING_SELF_VALIDATED, NULL},
	[TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT] = {API_ERR_FORBIDDEN, NULL},
	[TEAM_REFUSAL_VALIDATOR_BLOCKED] = {API_ERR_DELEGANT_CHECK_FAILED, NULL},
	[TEAM_REFUSAL_TRAINING_BEFORE_VALIDATOR] = {API_ERR_INVALID, "date"},
};

/* Answers the refusal of a team rule; field, when not NULL, replaces the table's. */
static void refusal_error(struct api_ctx *c, const struct team_decision *d, const char *field)
{
	unsigned r = (unsigned)d->refusal < TEAM_REFUSAL_COUNT ? (unsigned)d->refusal : 0;
	api_fail(c, refusal_answers[r].kind, d->message, field ? field : refusal_answers[r].field);
}

/* ------------------------------------------------------------------ the structure */

static json_t *structure_json(const struct db_structure *st)
{
	enum structure_type t;
	bool known = structure_type_parse(st->type, &t);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)st->id, "type",
			      st->type, "type_label", known ? structure_type_label_fr(t) : st->type,
			      "name", st->name, "address", st->address ? st->address : "",
			      "aci_signatory", st->aci_signatory);
	json_object_set_new(o, "finess", st->finess ? json_string(st->finess) : json_null());
	json_object_set_new(o, "siret", st->siret ? json_string(st->siret) : json_null());
	return o;
}

void api_structure_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	struct db_structure st;
	enum coop_err e = db_structure_get(c.db, c.account.structure_id, c.a, &st);
	if (e != COOP_OK)
		api_store_error(&c, e, "Structure");
	else
		http_respond_json(res, 200, structure_json(&st));
}

void api_structure_update(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"type", "name", "address", "finess", "siret",
					     "aci_signatory", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR))
		return;
	json_t *body = api_body(&c, fields);
	struct db_structure st = {.id = c.account.structure_id};
	if (!body || !api_str(&c, body, "type", 8, true, &st.type) ||
	    !api_str(&c, body, "name", 200, true, &st.name) ||
	    !api_str(&c, body, "address", 400, false, &st.address) ||
	    !api_ident(&c, body, "finess", IDENT_FINESS, &st.finess) ||
	    !api_ident(&c, body, "siret", IDENT_SIRET, &st.siret))
		return;
	enum structure_type t;
	if (!structure_type_parse(st.type, &t)) {
		api_fail(&c, API_ERR_INVALID,
			 "Type de structure inconnu (MSP, CDS, CPTS, ES, ESMS ou ESP).", "type");
		return;
	}
	json_t *aci = json_object_get(body, "aci_signatory");
	if (aci && !json_is_boolean(aci)) {
		api_fail(&c, API_ERR_INVALID,
			 "La signature de l'accord conventionnel (ACI) doit être oui ou non.",
			 "aci_signatory");
		return;
	}
	st.aci_signatory = json_is_true(aci);
	struct db_structure old;
	enum coop_err e = db_structure_get(c.db, st.id, c.a, &old);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Structure");
		return;
	}
	json_t *before = structure_json(&old), *after = structure_json(&st);
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_structure_update(c.db, &st);
	bool ok = commit_change(&c, e, "update", "structure", st.id, before, after, "Structure");
	json_decref(before);
	if (ok)
		http_respond_json(res, 200, after);
	else
		json_decref(after);
}

/* ------------------------------------------------------------------ professionals */

void api_professionals_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	struct db_professional *list = NULL;
	size_t n = 0;
	enum coop_err e = db_professional_list(c.db, c.account.structure_id, c.a, &list, &n);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Professionnel");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, professional_json(&list[i]));
	http_respond_json(res, 200, json_pack("{s:o}", "items", items));
}

void api_professionals_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"last_name", "first_names", "profession", "rpps",
					     "adeli", "mssante", "phone", "sex", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR))
		return;
	json_t *body = api_body(&c, fields);
	struct db_professional p = {.structure_id = c.account.structure_id};
	if (!body || !api_str(&c, body, "last_name", 100, true, &p.last_name) ||
	    !api_str(&c, body, "first_names", 100, true, &p.first_names) ||
	    !api_str(&c, body, "profession", 64, true, &p.profession) ||
	    !api_ident(&c, body, "rpps", IDENT_RPPS, &p.rpps) ||
	    !api_ident(&c, body, "adeli", IDENT_ADELI, &p.adeli) ||
	    !api_str(&c, body, "mssante", 254, false, &p.mssante) ||
	    !api_str(&c, body, "phone", 40, false, &p.phone) ||
	    !api_str(&c, body, "sex", 10, false, &p.sex))
		return;
	if (p.sex && strcmp(p.sex, "female") != 0 && strcmp(p.sex, "male") != 0) {
		api_fail(&c, API_ERR_INVALID,
			 "Le sexe doit être féminin ou masculin (ou non précisé).", "sex");
		return;
	}
	enum profession prof = PROF_UNKNOWN;
	if (!profession_parse(p.profession, &prof)) {
		api_fail(&c, API_ERR_INVALID,
			 "Profession inconnue : seules les professions de santé de l'article "
			 "L. 4011-1 peuvent participer à un protocole de coopération.",
			 "profession");
		return;
	}
	if (!p.rpps && !p.adeli) {
		api_fail(&c, API_ERR_REQUIRED,
			 "Indiquez le numéro RPPS du professionnel (ou, à défaut, son numéro ADELI).",
			 "rpps");
		return;
	}
	if (p.mssante && (!strchr(p.mssante, '@') || strchr(p.mssante, ' '))) {
		api_fail(&c, API_ERR_INVALID, "L'adresse MSSanté n'est pas une adresse valide.",
			 "mssante");
		return;
	}
	int64_t id = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_professional_insert(c.db, &p, &id);
	p.id = id;
	json_t *out = professional_json(&p);
	if (commit_change(&c, e, "create", "professional", id, NULL, out, "Professionnel"))
		http_respond_json(res, 201, out);
	else
		json_decref(out);
}

/* ------------------------------------------------------------------ adhesions */

/* The adhesion as the core checks it, for its protocol's version in force today. */
static void check_adhesion(struct api_ctx *c, const struct db_adhesion *ad,
			   const struct db_professional *pro, const struct protocol *p,
			   struct team_check *out)
{
	struct team_adhesion t;
	if (!facts_adhesion(ad, facts_profession(pro), &t)) {
		/* a role the core does not know: nobody can act with it */
		team_check_adhesion(NULL, TEAM_ROLE_DELEGUE, c->today, 0, out);
		return;
	}
	team_check_adhesion(&t, t.role, c->today, facts_allowed(p, t.role, c->today), out);
}

static json_t *adhesion_json(struct api_ctx *c, const struct db_adhesion *ad,
			     const struct db_adoption *adoption, const struct db_professional *pro)
{
	const struct protocol *p = app_protocol(c->app, adoption->protocol_id);
	struct team_check check;
	check_adhesion(c, ad, pro, p, &check);
	json_t *blockers = json_array();
	for (int b = 0; b < TEAM_BLOCKER_COUNT; b++)
		if (team_check_has(&check, (enum team_blocker)b))
			json_array_append_new(blockers,
					      json_string(team_blocker_code((enum team_blocker)b)));
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)ad->id,
			      "professional_id", (json_int_t)ad->professional_id, "professional",
			      pro->last_name, "protocol_id", adoption->protocol_id, "role", ad->role,
			      "effective_from", api_date_json(ad->effective_from));
	json_object_set_new(o, "effective_to",
			    ad->has_effective_to ? api_date_json(ad->effective_to) : json_null());
	json_object_set_new(o, "training",
			    ad->training_validated_by && ad->has_training_date
				    ? json_pack("{s:I, s:o, s:f}", "validated_by",
						(json_int_t)ad->training_validated_by, "date",
						api_date_json(ad->training_date), "hours",
						ad->training_hours)
				    : json_null());
	json_object_set_new(o, "insurance",
			    ad->insurer && ad->has_insurance_date
				    ? json_pack("{s:s, s:o}", "insurer", ad->insurer, "date",
						api_date_json(ad->insurance_date))
				    : json_null());
	json_object_set_new(o, "engagement_date",
			    ad->has_engagement_date ? api_date_json(ad->engagement_date)
						    : json_null());
	json_object_set_new(o, "check",
			    json_pack("{s:b, s:o, s:s}", "ok", check.ok, "blockers", blockers,
				      "message", check.message));
	return o;
}

void api_adhesions_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR | DB_ROLE_DELEGANT | DB_ROLE_DELEGUE))
		return;
	struct db_adhesion *list = NULL;
	size_t n = 0;
	enum coop_err e = db_adhesion_list_structure(c.db, c.account.structure_id, c.a, &list, &n);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Adhésion");
		return;
	}
	bool all = api_has_role(&c, DB_ROLE_COORDINATOR | DB_ROLE_DELEGANT);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		/* a délégué sees their own adhesions */
		if (!all && list[i].professional_id != c.account.professional_id)
			continue;
		struct db_adoption adoption;
		struct db_professional pro;
		if (db_adoption_get(c.db, list[i].adoption_id, c.a, &adoption) != COOP_OK ||
		    db_professional_get(c.db, list[i].professional_id, c.a, &pro) != COOP_OK)
			continue;
		json_array_append_new(items, adhesion_json(&c, &list[i], &adoption, &pro));
	}
	http_respond_json(res, 200, json_pack("{s:o}", "items", items));
}

void api_adhesions_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"professional_id", "protocol_id", "role",
					     "effective_from", "effective_to", "insurer",
					     "insurance_date", "engagement_date", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR))
		return;
	json_t *body = api_body(&c, fields);
	struct db_adhesion ad = {0};
	const char *protocol_id;
	bool has_from;
	if (!body || !api_id(&c, body, "professional_id", true, &ad.professional_id) ||
	    !api_str(&c, body, "protocol_id", 64, true, &protocol_id) ||
	    !api_str(&c, body, "role", 16, true, &ad.role) ||
	    !api_date(&c, body, "effective_from", true, &ad.effective_from, &has_from) ||
	    !api_date(&c, body, "effective_to", false, &ad.effective_to, &ad.has_effective_to) ||
	    !api_str(&c, body, "insurer", 200, false, &ad.insurer) ||
	    !api_date(&c, body, "insurance_date", false, &ad.insurance_date,
			&ad.has_insurance_date) ||
	    !api_date(&c, body, "engagement_date", false, &ad.engagement_date,
			&ad.has_engagement_date))
		return;
	enum team_role role;
	if (!team_role_parse(ad.role, &role)) {
		api_fail(&c, API_ERR_INVALID, "Le rôle doit être délégant ou délégué.", "role");
		return;
	}
	struct db_professional pro;
	if (db_professional_get(c.db, ad.professional_id, c.a, &pro) != COOP_OK ||
	    pro.structure_id != c.account.structure_id) {
		api_fail(&c, API_ERR_INVALID, "Ce professionnel n'est pas dans votre équipe.",
			 "professional_id");
		return;
	}
	struct db_adoption adoption;
	if (db_adoption_find(c.db, c.account.structure_id, protocol_id, c.a, &adoption) !=
	    COOP_OK) {
		api_fail(&c, API_ERR_PROTOCOL_NOT_ADOPTED,
			 "Votre structure n'a pas adopté ce protocole.", "protocol_id");
		return;
	}
	ad.adoption_id = adoption.id;
	/* the facts: who, which role, which dates and declarations, what the version in force on
	 * the first day allows, and the professional's other adhesions to that protocol */
	struct team_adhesion wanted;
	struct team_declarations declared;
	struct team_adhesion *others = NULL;
	size_t n_others = 0;
	if (!facts_adhesion(&ad, facts_profession(&pro), &wanted)) {
		api_fail(&c, API_ERR_INTERNAL, "Rôle illisible.", NULL);
		return;
	}
	facts_declarations(&ad, &declared);
	uint64_t allowed =
		facts_allowed(app_protocol(c.app, protocol_id), role, ad.effective_from);
	enum coop_err le = facts_adhesions_of(c.db, c.a, ad.professional_id, adoption.id, 0,
					      &others, &n_others);
	if (le != COOP_OK) {
		api_store_error(&c, le, "Adhésion");
		return;
	}
	struct team_decision decision;
	if (!team_check_new_adhesion(&wanted, &declared, allowed, others, n_others, c.today,
				     &decision)) {
		refusal_error(&c, &decision, NULL);
		return;
	}
	int64_t id = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_adhesion_insert(c.db, &ad, &id);
	ad.id = id;
	json_t *out = adhesion_json(&c, &ad, &adoption, &pro);
	if (commit_change(&c, e, "create", "adhesion", id, NULL, out, "Adhésion"))
		http_respond_json(res, 201, out);
	else
		json_decref(out);
}

void api_adhesions_declarations(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"effective_to", "insurer", "insurance_date",
					     "engagement_date", NULL};
	struct api_ctx c;
	int64_t id;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !api_param_id(&c, "id", &id))
		return;
	json_t *body = api_body(&c, fields);
	if (!body)
		return;
	struct db_adhesion ad;
	struct db_adoption adoption;
	struct db_professional pro;
	enum coop_err e = db_adhesion_get(c.db, id, c.a, &ad);
	if (e == COOP_OK)
		e = db_adoption_get(c.db, ad.adoption_id, c.a, &adoption);
	if (e == COOP_OK)
		e = db_professional_get(c.db, ad.professional_id, c.a, &pro);
	if (e != COOP_OK || adoption.structure_id != c.account.structure_id) {
		api_fail(&c, API_ERR_NOT_FOUND, "Adhésion introuvable.", NULL);
		return;
	}
	/* the fields given replace the stored ones; the others stay */
	struct db_adhesion next = ad;
	bool has;
	coop_date d;
	const char *insurer;
	if (json_object_get(body, "effective_to")) {
		if (!api_date(&c, body, "effective_to", false, &d, &has))
			return;
		next.has_effective_to = has;
		next.effective_to = d;
	}
	if (json_object_get(body, "insurer")) {
		if (!api_str(&c, body, "insurer", 200, false, &insurer))
			return;
		next.insurer = insurer;
	}
	if (json_object_get(body, "insurance_date")) {
		if (!api_date(&c, body, "insurance_date", false, &d, &has))
			return;
		next.has_insurance_date = has;
		next.insurance_date = d;
	}
	if (json_object_get(body, "engagement_date")) {
		if (!api_date(&c, body, "engagement_date", false, &d, &has))
			return;
		next.has_engagement_date = has;
		next.engagement_date = d;
	}
	/* a declaration states what has happened (core/team: no date in the future, a named
	 * insurer with the date of its attestation, an end after the beginning) */
	struct team_declarations declared;
	struct team_decision decision;
	facts_declarations(&next, &declared);
	if (!team_check_declarations(&declared, c.today, &decision)) {
		refusal_error(&c, &decision, NULL);
		return;
	}
	/* new dates must not make it overlap another adhesion of the same person in that role */
	if (next.has_effective_to != ad.has_effective_to ||
	    (next.has_effective_to && next.effective_to != ad.effective_to)) {
		struct team_adhesion wanted;
		struct team_adhesion *others = NULL;
		size_t n_others = 0;
		e = facts_adhesions_of(c.db, c.a, ad.professional_id, ad.adoption_id, ad.id, &others,
				       &n_others);
		if (e != COOP_OK) {
			api_store_error(&c, e, "Adhésion");
			return;
		}
		if (facts_adhesion(&next, facts_profession(&pro), &wanted) &&
		    !team_check_no_duplicate(&wanted, others, n_others, &decision)) {
			refusal_error(&c, &decision, "effective_to");
			return;
		}
	}
	json_t *before = adhesion_json(&c, &ad, &adoption, &pro);
	json_t *after = adhesion_json(&c, &next, &adoption, &pro);
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_adhesion_update_declarations(c.db, &next);
	bool ok = commit_change(&c, e, "update", "adhesion", id, before, after, "Adhésion");
	json_decref(before);
	if (ok)
		http_respond_json(res, 200, after);
	else
		json_decref(after);
}

/* Is the caller a délégant of that protocol in good standing today (core/team: the adhesion
 * that speaks for them as délégant, team_pick_adhesion, passes the délégant check)? Answers
 * nothing: on false, *kind and *msg (arena or static) say why. */
static bool delegant_standing(struct api_ctx *c, const struct db_adoption *adoption,
			      enum api_error_kind *kind, const char **msg)
{
	const struct protocol *p = app_protocol(c->app, adoption->protocol_id);
	uint64_t allowed = facts_allowed(p, TEAM_ROLE_DELEGANT, c->today);
	struct team_adhesion mine;
	bool has = facts_pick_adhesion(c->db, c->a, c->account.professional_id, adoption->id,
				       TEAM_ROLE_DELEGANT, c->today, allowed, &mine);
	struct team_decision decision;
	if (team_delegant_in_standing(has ? &mine : NULL, c->today, allowed, &decision)) {
		return true;
	}
	unsigned r = (unsigned)decision.refusal < TEAM_REFUSAL_COUNT ? (unsigned)decision.refusal : 0;
	*kind = refusal_answers[r].kind;
	*msg = arena_strdup(c->a, decision.message);
	if (!*msg)
		*msg = "Seul un délégant de ce protocole en règle peut faire cela.";
	return false;
}

/* The same, answering the error on false. */
static bool caller_is_delegant(struct api_ctx *c, const struct db_adoption *adoption)
{
	enum api_error_kind kind;
	const char *msg;
	if (delegant_standing(c, adoption, &kind, &msg))
		return true;
	api_fail(c, kind, msg, NULL);
	return false;
}

void api_adhesions_training(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"date", "hours", NULL};
	struct api_ctx c;
	int64_t id;
	if (!api_begin(&c, req, res, app, DB_ROLE_DELEGANT) || !api_param_id(&c, "id", &id))
		return;
	json_t *body = api_body(&c, fields);
	coop_date date = c.today;
	bool has_date;
	if (!body || !api_date(&c, body, "date", false, &date, &has_date))
		return;
	if (!has_date)
		date = c.today;
	json_t *hours_v = json_object_get(body, "hours");
	if (!json_is_number(hours_v)) {
		api_fail(&c, API_ERR_INVALID,
			 "Indiquez la durée de la formation en heures (nombre positif).", "hours");
		return;
	}
	struct db_adhesion ad;
	struct db_adoption adoption;
	struct db_professional trainee_pro;
	enum coop_err e = db_adhesion_get(c.db, id, c.a, &ad);
	if (e == COOP_OK)
		e = db_adoption_get(c.db, ad.adoption_id, c.a, &adoption);
	if (e != COOP_OK || adoption.structure_id != c.account.structure_id) {
		api_fail(&c, API_ERR_NOT_FOUND, "Adhésion introuvable.", NULL);
		return;
	}
	/* the facts: the délégué's adhesion, the validator's délégant adhesion to the same
	 * protocol that speaks for them today, what the version in force allows */
	struct team_adhesion trainee, mine;
	enum profession trainee_prof = PROF_UNKNOWN;
	if (db_professional_get(c.db, ad.professional_id, c.a, &trainee_pro) == COOP_OK)
		trainee_prof = facts_profession(&trainee_pro);
	if (!facts_adhesion(&ad, trainee_prof, &trainee)) {
		api_fail(&c, API_ERR_INTERNAL, "Rôle illisible.", NULL);
		return;
	}
	const struct protocol *p = app_protocol(c.app, adoption.protocol_id);
	uint64_t allowed = facts_allowed(p, TEAM_ROLE_DELEGANT, c.today);
	bool has_mine = facts_pick_adhesion(c.db, c.a, c.account.professional_id, adoption.id,
					    TEAM_ROLE_DELEGANT, c.today, allowed, &mine);
	const struct team_training_validation validation = {
		.trainee = &trainee,
		.validator = c.account.professional_id,
		.validator_adhesion = has_mine ? &mine : NULL,
		.validator_allowed = allowed,
		.date = date,
		.hours = json_number_value(hours_v),
		.today = c.today,
	};
	struct team_decision decision;
	if (!team_may_validate_training(&validation, &decision)) {
		refusal_error(&c, &decision, NULL);
		return;
	}
	json_t *before = json_pack("{s:b}", "validated", ad.training_validated_by != 0);
	json_t *after = json_pack("{s:I, s:o, s:f}", "validated_by",
				  (json_int_t)c.account.professional_id, "date", api_date_json(date),
				  "hours", json_number_value(hours_v));
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_adhesion_validate_training(c.db, id, c.account.professional_id, date,
						  json_number_value(hours_v));
	bool ok = commit_change(&c, e, "validate_training", "adhesion", id, before, after,
				"Adhésion");
	json_decref(before);
	json_decref(after);
	if (!ok)
		return;
	struct db_professional pro;
	if (db_adhesion_get(c.db, id, c.a, &ad) != COOP_OK ||
	    db_professional_get(c.db, ad.professional_id, c.a, &pro) != COOP_OK) {
		api_fail(&c, API_ERR_INTERNAL, "Adhésion illisible après enregistrement.", NULL);
		return;
	}
	http_respond_json(res, 200, adhesion_json(&c, &ad, &adoption, &pro));
}

/* ------------------------------------------------------------------ protocols: sign, suspend */

/* The adoption of the route's {id} protocol; false (404 answered) when not adopted. */
static bool route_adoption(struct api_ctx *c, struct db_adoption *out, const struct protocol **p)
{
	const char *id = http_request_param_str(c->req, "id");
	*p = app_protocol(c->app, id);
	if (!*p || db_adoption_find(c->db, c->account.structure_id, id, c->a, out) != COOP_OK) {
		api_fail(c, API_ERR_NOT_FOUND, "Votre structure n'a pas adopté ce protocole.",
			 NULL);
		return false;
	}
	return true;
}

void api_protocols_adopt(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !api_body(&c, fields))
		return;
	const char *id = http_request_param_str(req, "id");
	const struct protocol *p = app_protocol(c.app, id);
	if (!p) {
		api_fail(&c, API_ERR_NOT_FOUND, "Protocole inconnu de ce serveur.", NULL);
		return;
	}
	const char *why = NULL;
	if (!protocol_usable(p, &why)) {
		api_fail(&c, API_ERR_PROTOCOL_NOT_ACTIVE, why, NULL);
		return;
	}
	struct db_adoption ad = {.structure_id = c.account.structure_id,
				 .protocol_id = p->id,
				 .status = "active",
				 .adopted_on = c.today};
	int64_t adoption_id = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_adoption_insert(c.db, &ad, &adoption_id);
	if (e == ERR_CONFLICT) {
		db_rollback(c.db);
		api_fail(&c, API_ERR_CONFLICT, "Votre structure a déjà adopté ce protocole.", NULL);
		return;
	}
	json_t *out = json_pack("{s:s, s:s, s:b, s:o}", "protocol_id", p->id, "status", "active",
				"signed", 0, "adopted_on", api_date_json(c.today));
	if (commit_change(&c, e, "adopt", "adoption", adoption_id, NULL, out, "Protocole"))
		http_respond_json(res, 201, out);
	else
		json_decref(out);
}

void api_protocols_sign(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"completions", NULL};
	struct api_ctx c;
	struct db_adoption ad;
	const struct protocol *p;
	json_t *body;
	if (!api_begin(&c, req, res, app, DB_ROLE_DELEGANT) || !route_adoption(&c, &ad, &p) ||
	    !(body = api_body(&c, fields)))
		return;
	const char *why = NULL;
	if (!protocol_usable(p, &why)) {
		api_fail(&c, API_ERR_PROTOCOL_NOT_ACTIVE, why, NULL);
		return;
	}
	if (!caller_is_delegant(&c, &ad))
		return;
	/* what the délégant completed on the lines the protocol leaves open, within its bounds:
	 * part of the signed template and of its hash */
	struct rx_completion *comps = NULL;
	size_t n = 0;
	char msg[400];
	if (!api_rx_parse_completions(c.a, p, json_object_get(body, "completions"), &comps, &n,
				      msg, sizeof(msg))) {
		api_fail(&c, API_ERR_INVALID, msg, "completions");
		return;
	}
	if (!rx_signature_check(p, comps, n, msg, sizeof(msg))) {
		api_fail(&c, API_ERR_COMPLETION_REQUIRED, msg, "completions");
		return;
	}
	char hash[PROTOCOL_HASH_HEX];
	rx_template_hash(p, comps, n, hash);
	json_t *completions = api_rx_completions_json(p, comps, n);
	char *completions_text = n ? json_dumps(completions, JSON_COMPACT) : NULL;
	json_t *before = json_pack("{s:o}", "signed_hash",
				   ad.signed_hash ? json_string(ad.signed_hash) : json_null());
	json_t *after = json_pack("{s:s, s:I, s:O}", "signed_hash", hash, "signed_by",
				  (json_int_t)c.account.professional_id, "completions", completions);
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_adoption_sign(c.db, ad.id, c.account.professional_id, hash, completions_text,
				     c.now);
	bool ok = commit_change(&c, e, "sign", "adoption", ad.id, before, after, "Protocole");
	json_decref(before);
	json_decref(after);
	free(completions_text);
	if (ok)
		http_respond_json(res, 200,
				  json_pack("{s:s, s:b, s:s, s:I, s:O}", "protocol_id", p->id,
					    "signed", 1, "signed_hash", hash, "signed_by",
					    (json_int_t)c.account.professional_id, "completions",
					    completions));
	json_decref(completions);
}

/* GET /api/v1/protocols/{id}/signature: the document a délégant reads before signing (the
 * protocol in sentences, the template lines, what is left to complete and its bounds, the
 * sources as footnotes), whether the caller may sign it now (else why), and what is signed
 * today (by whom, with which completions). */
void api_protocols_signature(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	struct db_adoption ad;
	const struct protocol *p;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE) || !route_adoption(&c, &ad, &p))
		return;
	json_t *doc = summary_for_signature(p, c.today);
	if (!doc) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	const char *why = NULL;
	enum api_error_kind kind;
	bool may = protocol_usable(p, &why);
	if (may && !api_has_role(&c, DB_ROLE_DELEGANT)) {
		may = false;
		why = "Seul un délégant de ce protocole signe ses ordonnances types.";
	} else if (may) {
		may = delegant_standing(&c, &ad, &kind, &why);
	}
	json_object_set_new(doc, "may_sign", json_boolean(may));
	json_object_set_new(doc, "refusal", may ? json_null() : json_string(why));
	struct rx_completion *comps = NULL;
	size_t n = 0;
	bool signed_now = api_rx_signed(c.a, p, &ad, &comps, &n);
	json_object_set_new(doc, "signed", json_boolean(signed_now));
	json_object_set_new(doc, "completions", api_rx_completions_json(p, comps, n));
	const struct protocol_version *v = protocol_version_at(p, c.today);
	json_object_set_new(doc, "version", v ? json_string(v->version) : json_null());
	http_respond_json(res, 200, doc);
}

static void set_status(struct http_request *req, struct http_response *res, void *app,
		       bool suspend)
{
	static const char *const fields[] = {"reason", NULL};
	struct api_ctx c;
	struct db_adoption ad;
	const struct protocol *p;
	const char *reason = NULL;
	json_t *body;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !route_adoption(&c, &ad, &p) ||
	    !(body = api_body(&c, fields)) || !api_str(&c, body, "reason", 500, suspend, &reason))
		return;
	const char *status = suspend ? "suspended" : "active";
	if (strcmp(ad.status, status) == 0) {
		/* nothing to change: say so rather than write a second record of the same act */
		api_fail(&c, suspend ? API_ERR_ALREADY_SUSPENDED : API_ERR_NOT_SUSPENDED,
			 suspend ? "Ce protocole est déjà suspendu dans la structure."
				 : "Ce protocole n'est pas suspendu : il s'applique déjà.",
			 NULL);
		return;
	}
	json_t *before = json_pack("{s:s}", "status", ad.status);
	json_t *after = json_pack("{s:s, s:o}", "status", status,
				  "reason", reason ? json_string(reason) : json_null());
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_adoption_set_status(c.db, ad.id, status, suspend ? reason : NULL);
	bool ok = commit_change(&c, e, suspend ? "suspend" : "resume", "adoption", ad.id, before,
				after, "Protocole");
	json_decref(before);
	json_decref(after);
	if (ok)
		http_respond_json(res, 200,
				  json_pack("{s:s, s:s}", "protocol_id", p->id, "status", status));
}

void api_protocols_suspend(struct http_request *req, struct http_response *res, void *app)
{
	set_status(req, res, app, true);
}

void api_protocols_resume(struct http_request *req, struct http_response *res, void *app)
{
	set_status(req, res, app, false);
}

/* ------------------------------------------------------------------ availability */

static json_t *slot_json(const struct db_availability *av)
{
	return json_pack("{s:I, s:i, s:i, s:i, s:s}", "id", (json_int_t)av->id, "weekday",
			 av->weekday, "start_minute", av->start_minute, "end_minute",
			 av->end_minute, "how", av->how ? av->how : "");
}

void api_availability_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_DELEGANT))
		return;
	struct db_availability *list = NULL;
	size_t n = 0;
	enum coop_err e = db_availability_list(c.db, c.account.professional_id, c.a, &list, &n);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Disponibilité");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, slot_json(&list[i]));
	http_respond_json(res, 200, json_pack("{s:o}", "items", items));
}

/* A slot's day or minute: its bounds are the code's (0 = Monday, minutes since midnight), so the
 * message never shows them, unlike api_int()'s. */
static bool slot_field(struct api_ctx *c, json_t *obj, const char *key, int min, int max,
		      int *out)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		api_fail_field(c, API_ERR_INVALID, key, "n'est pas valide", NULL);
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

void api_availability_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"weekday", "start_minute", "end_minute", "how", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_DELEGANT))
		return;
	json_t *body = api_body(&c, fields);
	struct db_availability av = {.professional_id = c.account.professional_id};
	if (!body || !slot_field(&c, body, "weekday", 0, 6, &av.weekday) ||
	    !slot_field(&c, body, "start_minute", 0, 1439, &av.start_minute) ||
	    !slot_field(&c, body, "end_minute", 1, 1440, &av.end_minute) ||
	    !api_str(&c, body, "how", 200, true, &av.how))
		return;
	if (av.end_minute <= av.start_minute) {
		api_fail(&c, API_ERR_INVALID, "La fin du créneau doit suivre son début.",
			 "end_minute");
		return;
	}
	int64_t id = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_availability_insert(c.db, &av, &id);
	av.id = id;
	json_t *out = slot_json(&av);
	if (commit_change(&c, e, "create", "availability", id, NULL, out, "Disponibilité"))
		http_respond_json(res, 201, out);
	else
		json_decref(out);
}

void api_availability_delete(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	if (!api_begin(&c, req, res, app, DB_ROLE_DELEGANT) || !api_param_id(&c, "id", &id))
		return;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_availability_delete(c.db, c.account.professional_id, id);
	if (commit_change(&c, e, "delete", "availability", id, NULL, NULL, "Créneau"))
		http_respond_empty(res, 204);
}
