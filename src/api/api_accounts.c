/*
 * api_accounts.c — the coordinator's accounts: list, create, a new activation code (reset),
 * disable and enable, end date, unblock after failed sign-ins. The list is paged by login
 * (paging.h).
 *
 * Accounts belong to people. A coordinator creates an account WITHOUT a password: the answer
 * carries a one-time activation code (shown once, stored as a hash, valid
 * ACCOUNT_ACTIVATION_DAYS days) that the coordinator hands over; its owner chooses the password
 * (POST /api/v1/activation, api_session.c). Nobody sets another person's password: a reset is a
 * new code, and the old password stops working at once (the account's sessions end).
 * The coordinator gives only the coordination and secretariat roles, and may bind the account
 * to one professional of the structure (one account per professional per structure); clinical
 * roles follow the adhesions. A coordinator never creates an account bound to their own
 * professional record, and never manages their own account here (core/account.h decides).
 * Every change appends its audit record in the same transaction; codes and passwords are never
 * audited.
 */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/facts.h"
#include "api/auth.h"
#include "api/paging.h"
#include "core/account.h"

_Static_assert((unsigned)ACCOUNT_ROLE_COORDINATOR == (unsigned)DB_ROLE_COORDINATOR &&
		       (unsigned)ACCOUNT_ROLE_SECRETARY == (unsigned)DB_ROLE_SECRETARY &&
		       (unsigned)ACCOUNT_ROLE_DELEGUE == (unsigned)DB_ROLE_DELEGUE &&
		       (unsigned)ACCOUNT_ROLE_DELEGANT == (unsigned)DB_ROLE_DELEGANT,
	       "the core's account roles are the store's role bits");

static const struct {
	const char *code;
	unsigned bit;
} role_codes[] = {{"coordinator", DB_ROLE_COORDINATOR},
		  {"secretary", DB_ROLE_SECRETARY},
		  {"delegue", DB_ROLE_DELEGUE},
		  {"delegant", DB_ROLE_DELEGANT}};

static const char *state_code(enum account_state s)
{
	switch (s) {
	case ACCOUNT_USABLE: return "active";
	case ACCOUNT_NOT_ACTIVATED: return "pending";
	case ACCOUNT_DISABLED: return "disabled";
	case ACCOUNT_ENDED: return "ended";
	}
	return "disabled";
}

/* The role codes of a set of role bits. */
static json_t *role_list(unsigned bits)
{
	json_t *roles = json_array();
	for (size_t i = 0; roles && i < sizeof(role_codes) / sizeof(role_codes[0]); i++)
		if (bits & role_codes[i].bit)
			json_array_append_new(roles, json_string(role_codes[i].code));
	return roles;
}

/* The account as the coordinator's screen shows it: "roles" the ones given to the account,
 * "roles_today" those it holds today (délégué and délégant from the adhesions). */
static json_t *account_json(struct api_ctx *c, const struct db_account *acc)
{
	/* clinical bits an older account may still store are not roles given: never shown */
	json_t *roles = role_list(acc->roles & (DB_ROLE_COORDINATOR | DB_ROLE_SECRETARY));
	struct access_caller today;
	if (!api_effective_roles(c, acc->structure_id, acc->professional_id, acc->roles, &today))
		today.roles = acc->roles & (DB_ROLE_COORDINATOR | DB_ROLE_SECRETARY);
	struct account_facts f;
	facts_account(acc, &f);
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:b, s:b, s:b, s:s}", "id", (json_int_t)acc->id,
			      "login", acc->login, "display_name", acc->display_name, "roles",
			      roles, "locked", acc->locked_until > c->now, "activated",
			      acc->password_hash != NULL, "disabled", acc->disabled, "state",
			      state_code(account_state(&f, c->today)));
	if (!o)
		return NULL;
	json_object_set_new(o, "professional_id",
			    acc->professional_id ? json_integer(acc->professional_id)
						 : json_null());
	json_object_set_new(o, "roles_today", role_list(today.roles));
	json_object_set_new(o, "ends_on",
			    acc->has_ends_on ? api_date_json(acc->ends_on) : json_null());
	json_object_set_new(o, "activation_expires_at",
			    !acc->password_hash && acc->activation_expires_at
				    ? json_integer(acc->activation_expires_at)
				    : json_null());
	return o;
}

/* Commits a change with its audit record (before/after borrowed); false (error answered). */
static bool commit_audited(struct api_ctx *c, enum coop_err e, const char *action, int64_t id,
			   json_t *before, json_t *after)
{
	if (e == COOP_OK)
		e = api_audit(c, action, "account", id, before, after);
	if (e == COOP_OK)
		e = db_commit(c->db);
	if (e != COOP_OK) {
		db_rollback(c->db);
		api_store_error(c, e, "Compte");
		return false;
	}
	return true;
}

void api_accounts_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	size_t limit;
	json_t *after = NULL;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !api_page_read(&c, &limit, &after))
		return;
	/* the cursor: [login] of the previous page's last account (logins are unique) */
	const char *from = NULL;
	if (after) {
		const char *login = NULL;
		if (json_unpack(after, "[s!]", &login) == 0 && *login && strlen(login) <= 200)
			from = arena_strdup(c.a, login);
		json_decref(after);
		if (!from) {
			api_page_bad_cursor(&c);
			return;
		}
	}
	struct db_account *list = NULL;
	size_t n = 0;
	bool more = false;
	enum coop_err e = db_account_list(c.db, c.account.structure_id, from, limit, c.a, &list,
					  &n, &more);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Compte");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, account_json(&c, &list[i]));
	json_t *next = api_page_cursor(more && n ? json_pack("[s]", list[n - 1].login) : NULL);
	json_t *page = api_page_json(items, next);
	if (!page) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	http_respond_json(res, 200, page);
}

/* Reads "roles" (optional array of role codes) into *bits; false (error answered). */
static bool read_roles(struct api_ctx *c, json_t *body, unsigned *bits)
{
	json_t *roles = json_object_get(body, "roles");
	*bits = 0;
	if (!roles || json_is_null(roles))
		return true;
	if (!json_is_array(roles)) {
		api_fail(c, API_ERR_INVALID,
			 "Les rôles doivent être une liste : coordinator ou secretary.", "roles");
		return false;
	}
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r) {
		unsigned bit = 0;
		for (size_t k = 0; k < sizeof(role_codes) / sizeof(role_codes[0]); k++)
			if (json_is_string(r) &&
			    strcmp(json_string_value(r), role_codes[k].code) == 0)
				bit = role_codes[k].bit;
		if (!bit) {
			api_fail(c, API_ERR_INVALID,
				 "Rôle inconnu : un compte peut recevoir le rôle de coordination "
				 "(coordinator) ou de secrétariat (secretary).",
				 "roles");
			return false;
		}
		*bits |= bit;
	}
	return true;
}

/* Answers the refusal of account_may_create(). */
static void answer_refusal(struct api_ctx *c, enum account_refusal why)
{
	switch (why) {
	case ACCOUNT_REFUSED_CLINICAL_ROLE:
		api_fail(c, API_ERR_CLINICAL_ROLE,
			 "Les rôles de délégué et de délégant ne se donnent pas au compte : ils "
			 "découlent des adhésions du professionnel aux protocoles. Rattachez le "
			 "compte au professionnel, puis enregistrez ses adhésions dans l'équipe.",
			 "roles");
		return;
	case ACCOUNT_REFUSED_NO_ROLE:
		api_fail(c, API_ERR_REQUIRED,
			 "Indiquez un rôle (coordination ou secrétariat) ou rattachez le compte à un "
			 "professionnel de l'équipe.",
			 "roles");
		return;
	case ACCOUNT_REFUSED_FOREIGN_PROFESSIONAL:
		api_fail(c, API_ERR_INVALID,
			 "Ce professionnel ne fait pas partie de l'équipe de cette structure : "
			 "choisissez un professionnel de l'équipe.",
			 "professional_id");
		return;
	case ACCOUNT_REFUSED_SELF:
		api_fail(c, API_ERR_SELF,
			 "Vous ne pouvez pas créer de compte rattaché à votre propre fiche de "
			 "professionnel : un autre coordinateur doit le faire.",
			 "professional_id");
		return;
	case ACCOUNT_REFUSED_PROFESSIONAL_TAKEN:
		api_fail(c, API_ERR_PROFESSIONAL_TAKEN,
			 "Ce professionnel a déjà un compte dans cette structure : une personne n'a "
			 "qu'un compte. Pour un mot de passe oublié, donnez-lui un nouveau code "
			 "d'activation.",
			 "professional_id");
		return;
	case ACCOUNT_ALLOWED: break;
	}
	api_fail(c, API_ERR_INTERNAL, "Erreur interne : rien n'a été modifié.", NULL);
}

/* Adds the one-time code to an account's JSON (the only time it is ever shown). */
static void add_code(json_t *o, const char *code, int64_t expires_at)
{
	json_object_set_new(o, "activation_code", json_string(code));
	json_object_set_new(o, "activation_expires_at", json_integer(expires_at));
}

void api_accounts_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"login", "display_name", "roles", "professional_id",
					     NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR))
		return;
	json_t *body = api_body(&c, fields);
	struct db_account acc = {.structure_id = c.account.structure_id};
	if (!body || !api_str(&c, body, "login", 64, true, &acc.login) ||
	    !api_str(&c, body, "display_name", 200, true, &acc.display_name) ||
	    !api_id(&c, body, "professional_id", false, &acc.professional_id) ||
	    !read_roles(&c, body, &acc.roles))
		return;
	for (const char *p = acc.login; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
			  *p == '-' || *p == '_';
		if (!ok) {
			api_fail(&c, API_ERR_INVALID,
				 "L'identifiant ne peut contenir que des lettres minuscules sans "
				 "accent, des chiffres, « . », « - » et « _ ».",
				 "login");
			return;
		}
	}
	char code[AUTH_CODE_CHARS], code_hash[AUTH_TOKEN_HASH_HEX];
	auth_new_activation_code(code, code_hash);
	acc.activation_hash = code_hash;
	acc.activation_expires_at = c.now + ACCOUNT_ACTIVATION_SECONDS;
	/* the facts are gathered inside the write transaction: two requests cannot both bind
	 * the same professional */
	struct account_request r = {.roles = acc.roles,
				    .professional_id = acc.professional_id,
				    .caller_professional_id = c.account.professional_id};
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK && acc.professional_id) {
		struct db_professional pro;
		enum coop_err found = db_professional_get(c.db, acc.professional_id, c.a, &pro);
		if (found != COOP_OK && found != ERR_NOT_FOUND)
			e = found;
		r.professional_in_structure = found == COOP_OK &&
					      pro.structure_id == c.account.structure_id;
		if (e == COOP_OK && r.professional_in_structure)
			e = db_account_professional_taken(c.db, c.account.structure_id,
							  acc.professional_id,
							  &r.professional_has_account);
	}
	if (e != COOP_OK) {
		db_rollback(c.db);
		api_store_error(&c, e, "Compte");
		return;
	}
	enum account_refusal why = account_may_create(&r);
	if (why != ACCOUNT_ALLOWED) {
		db_rollback(c.db);
		answer_refusal(&c, why);
		return;
	}
	int64_t id = 0;
	e = db_account_insert(c.db, &acc, &id);
	if (e == ERR_CONFLICT) {
		db_rollback(c.db);
		api_fail(&c, API_ERR_CONFLICT,
			 "Cet identifiant est déjà pris : choisissez-en un autre.", "login");
		return;
	}
	acc.id = id;
	json_t *out = account_json(&c, &acc);
	if (!out)
		e = ERR_NOMEM;
	if (!commit_audited(&c, e, "create", id, NULL, out)) {
		json_decref(out);
		return;
	}
	add_code(out, code, acc.activation_expires_at);
	http_respond_json(res, 201, out);
}

/* The account {id} of the caller's structure, which the caller may manage: false (error
 * answered: 404 outside the structure, 403 for their own account). */
static bool target_account(struct api_ctx *c, struct db_account *out)
{
	int64_t id;
	if (!api_param_id(c, "id", &id))
		return false;
	if (db_account_get(c->db, id, c->a, out) != COOP_OK ||
	    out->structure_id != c->account.structure_id) {
		api_fail(c, API_ERR_NOT_FOUND, "Compte introuvable dans cette structure.", NULL);
		return false;
	}
	if (!account_may_manage(c->account.id, out->id)) {
		api_fail(c, API_ERR_SELF,
			 "Vous ne pouvez pas agir ainsi sur votre propre compte. Pour changer votre "
			 "mot de passe, utilisez « Changer mon mot de passe ».",
			 NULL);
		return false;
	}
	return true;
}

void api_accounts_unlock(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {NULL};
	struct api_ctx c;
	int64_t id;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !api_param_id(&c, "id", &id) ||
	    !api_body(&c, fields))
		return;
	struct db_account acc;
	if (db_account_get(c.db, id, c.a, &acc) != COOP_OK ||
	    acc.structure_id != c.account.structure_id) {
		api_fail(&c, API_ERR_NOT_FOUND, "Compte introuvable.", NULL);
		return;
	}
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_login_result(c.db, id, true, 0);
	if (commit_audited(&c, e, "unlock", id, NULL, NULL)) {
		acc.locked_until = 0;
		acc.failed_logins = 0;
		http_respond_json(res, 200, account_json(&c, &acc));
	}
}

void api_accounts_code(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {NULL};
	struct api_ctx c;
	struct db_account acc;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !api_body(&c, fields) ||
	    !target_account(&c, &acc))
		return;
	char code[AUTH_CODE_CHARS], code_hash[AUTH_TOKEN_HASH_HEX];
	auth_new_activation_code(code, code_hash);
	int64_t expires_at = c.now + ACCOUNT_ACTIVATION_SECONDS;
	enum coop_err e = db_begin(c.db);
	/* the old password stops working at once, and whoever used it is signed out */
	if (e == COOP_OK)
		e = db_account_set_activation(c.db, acc.id, code_hash, expires_at);
	if (e == COOP_OK)
		e = db_session_delete_account(c.db, acc.id, NULL);
	if (e == COOP_OK)
		e = db_account_login_result(c.db, acc.id, true, 0);
	json_t *after = json_pack("{s:I}", "activation_expires_at", (json_int_t)expires_at);
	if (!after)
		e = ERR_NOMEM;
	bool ok = commit_audited(&c, e, "activation_code", acc.id, NULL, after);
	json_decref(after);
	if (!ok)
		return;
	acc.password_hash = NULL;
	acc.activation_expires_at = expires_at;
	acc.locked_until = 0;
	json_t *out = account_json(&c, &acc);
	if (out)
		add_code(out, code, expires_at);
	http_respond_json(res, 200, out);
}

static void set_disabled(struct http_request *req, struct http_response *res, void *app,
			 bool disabled)
{
	static const char *const fields[] = {NULL};
	struct api_ctx c;
	struct db_account acc;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR) || !api_body(&c, fields) ||
	    !target_account(&c, &acc))
		return;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_set_disabled(c.db, acc.id, disabled);
	if (e == COOP_OK && disabled) /* signed out at once */
		e = db_session_delete_account(c.db, acc.id, NULL);
	if (!commit_audited(&c, e, disabled ? "disable" : "enable", acc.id, NULL, NULL))
		return;
	acc.disabled = disabled;
	http_respond_json(res, 200, account_json(&c, &acc));
}

void api_accounts_disable(struct http_request *req, struct http_response *res, void *app)
{
	set_disabled(req, res, app, true);
}

void api_accounts_enable(struct http_request *req, struct http_response *res, void *app)
{
	set_disabled(req, res, app, false);
}

void api_accounts_end_date(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"ends_on", NULL};
	struct api_ctx c;
	struct db_account acc;
	if (!api_begin(&c, req, res, app, DB_ROLE_COORDINATOR))
		return;
	json_t *body = api_body(&c, fields);
	if (!body || !target_account(&c, &acc))
		return;
	json_t *v = json_object_get(body, "ends_on");
	bool has = v && !json_is_null(v);
	coop_date ends_on = 0;
	if (v == NULL) {
		api_fail_field(&c, API_ERR_REQUIRED, "ends_on",
			       "est obligatoire (ou null pour aucune)", NULL);
		return;
	}
	if (has && (!json_is_string(v) ||
		    !date_parse(json_string_value(v), json_string_length(v), &ends_on))) {
		api_fail(&c, API_ERR_INVALID,
			 "La date de fin du compte doit être une date valide (le dernier jour où le "
			 "compte fonctionne).",
			 "ends_on");
		return;
	}
	json_t *before = json_pack("{s:o}", "ends_on",
				   acc.has_ends_on ? api_date_json(acc.ends_on) : json_null());
	json_t *after = json_pack("{s:o}", "ends_on", has ? api_date_json(ends_on) : json_null());
	enum coop_err e = before && after ? db_begin(c.db) : ERR_NOMEM;
	if (e == COOP_OK)
		e = db_account_set_ends_on(c.db, acc.id, has, ends_on);
	if (e == COOP_OK && has && c.today > ends_on) /* already over: signed out at once */
		e = db_session_delete_account(c.db, acc.id, NULL);
	bool ok = e != ERR_NOMEM ? commit_audited(&c, e, "end_date", acc.id, before, after)
				 : (api_store_error(&c, e, "Compte"), false);
	json_decref(before);
	json_decref(after);
	if (!ok)
		return;
	acc.has_ends_on = has;
	acc.ends_on = ends_on;
	http_respond_json(res, 200, account_json(&c, &acc));
}
