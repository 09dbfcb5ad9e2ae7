/*
 * api_session.c — signing in and out, and who is signed in.
 *
 * POST /api/v1/session {login, password} checks the password (Argon2id), refuses a locked
 * account, counts failures (five lock the account for a minute, then doubling, see auth.h) and
 * limits attempts per client address (20 a minute; a malformed request, which checks no
 * password, is not counted); on success it creates a session and sets the cookie (HttpOnly,
 * SameSite=Strict, Path=/, Max-Age of the idle expiry). The answer carries the CSRF token the
 * client must echo in X-CSRF-Token on every state-changing request.
 * The same French message answers an unknown login and a wrong password.
 *
 * A person may work in several structures: the account's home one and its memberships (see
 * db.h). A new session works in the home structure; PUT /api/v1/session/structure moves it to
 * another of the person's structures, and api_begin() then scopes every request to it with the
 * roles held there. The session JSON lists the person's structures so that screens can offer
 * the choice.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/app.h"
#include "api/auth.h"

/* ------------------------------------------------------------------ per-address rate limit */

#define RATE_SLOTS 256
#define RATE_WINDOW 60
#define RATE_MAX_DEFAULT 20

static struct {
	char addr[48];
	int64_t window_start;
	int count;
} rate[RATE_SLOTS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

/* Counts an attempt from addr at now; false when over the limit. A full table evicts the
 * oldest window (an attacker rotating addresses gains nothing the account lock-out leaves). */
static bool rate_allow(const char *addr, int64_t now, int max)
{
	bool allow = true;
	pthread_mutex_lock(&rate_lock);
	int slot = -1, oldest = 0;
	for (int i = 0; i < RATE_SLOTS; i++) {
		if (strcmp(rate[i].addr, addr) == 0) {
			slot = i;
			break;
		}
		if (rate[i].window_start < rate[oldest].window_start)
			oldest = i;
	}
	if (slot < 0) {
		slot = oldest;
		snprintf(rate[slot].addr, sizeof(rate[slot].addr), "%s", addr);
		rate[slot].window_start = now;
		rate[slot].count = 0;
	}
	if (now - rate[slot].window_start >= RATE_WINDOW) {
		rate[slot].window_start = now;
		rate[slot].count = 0;
	}
	if (++rate[slot].count > max)
		allow = false;
	pthread_mutex_unlock(&rate_lock);
	return allow;
}

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();
	if (roles & DB_ROLE_COORDINATOR)
		json_array_append_new(a, json_string("coordinator"));
	if (roles & DB_ROLE_SECRETARY)
		json_array_append_new(a, json_string("secretary"));
	if (roles & DB_ROLE_DELEGUE)
		json_array_append_new(a, json_string("delegue"));
	if (roles & DB_ROLE_DELEGANT)
		json_array_append_new(a, json_string("delegant"));
	return a;
}

/* The structures of the person, the current one (acc->structure_id) marked: [{id, name, type,
 * current}]; *current_name receives the current one's name (NULL when absent). NULL when they
 * cannot be read. */
static json_t *structures_json(const struct api_ctx *c, const struct db_account *acc,
			       const char **current_name)
{
	struct db_account_structure *list = NULL;
	size_t n = 0;
	*current_name = NULL;
	if (db_account_structures(c->db, acc->id, c->a, &list, &n) != COOP_OK)
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		bool current = list[i].structure_id == acc->structure_id;
		if (current)
			*current_name = list[i].name;
		if (json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:b}", "id",
						       (json_int_t)list[i].structure_id, "name",
						       list[i].name, "type", list[i].type,
						       "current", current)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

/* The signed-in account as screens need it (acc: working in its current structure, with the
 * roles held there), its structures, and the server's date (the practice's local day: screens
 * compare dates with it, not with the browser's clock). NULL when the structures cannot be
 * read or memory is short: http_respond_json() answers 500 then. */
static json_t *session_json(const struct api_ctx *c, const struct db_account *acc,
			    const char *csrf, int64_t expires_at)
{
	const char *structure_name = NULL;
	json_t *structures = structures_json(c, acc, &structure_name);
	if (!structures)
		return NULL;
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:I, s:s, s:I}", "account_id",
			      (json_int_t)acc->id, "login", acc->login, "display_name",
			      acc->display_name, "roles", roles_json(acc->roles), "structure_id",
			      (json_int_t)acc->structure_id, "csrf_token", csrf, "expires_at",
			      (json_int_t)expires_at);
	if (o) {
		json_object_set_new(o, "professional_id", acc->professional_id
								  ? json_integer(acc->professional_id)
								  : json_null());
		/* the professional's sex, for the words that agree with it ("déléguée") */
		struct db_professional pro;
		const char *sex = NULL;
		if (acc->professional_id &&
		    db_professional_get(c->db, acc->professional_id, c->a, &pro) == COOP_OK)
			sex = pro.sex;
		json_object_set_new(o, "sex", sex ? json_string(sex) : json_null());
		json_object_set_new(o, "today", api_date_json(c->today));
		json_object_set_new(o, "now", json_integer(c->now));
		json_object_set_new(o, "structure_name",
				    structure_name ? json_string(structure_name) : json_null());
		json_object_set_new(o, "structures", structures);
	} else {
		json_decref(structures);
	}
	return o;
}

void api_session_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"login", "password", NULL};
	/* one message for an unknown login, a wrong password and a locked account: none of them
	 * may tell an attacker which logins exist */
	static const char bad_credentials[] =
		"Identifiant ou mot de passe incorrect. Après cinq échecs, le compte est verrouillé "
		"quelques minutes ; le coordinateur peut le débloquer.";
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_PUBLIC))
		return;
	json_t *body = api_body(&c, fields);
	const char *login = NULL, *password = NULL;
	if (!body || !api_str(&c, body, "login", 64, true, &login) ||
	    !api_str(&c, body, "password", AUTH_PASSWORD_MAX, true, &password))
		return;
	/* counted once well-formed: only then is a password checked (and Argon2id paid for) */
	/* real time, even under --fixed-time: the limit is about how fast attempts come */
	if (!rate_allow(req->client_addr, (int64_t)time(NULL),
			c.app->login_limit > 0 ? c.app->login_limit : RATE_MAX_DEFAULT)) {
		http_response_header(res, "Retry-After", "60");
		api_error(&c, 429, "rate_limited",
			  "Trop de tentatives de connexion depuis ce poste : attendez une minute.",
			  NULL);
		return;
	}
	/* The attempt is counted as a failure BEFORE the password is checked, in one write
	 * transaction that re-reads the account: concurrent attempts cannot all slip in before
	 * the lock (a success then resets the count). */
	struct db_account acc;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_by_login(c.db, login, c.a, &acc);
	bool locked = e == COOP_OK && acc.locked_until > c.now;
	if (e == COOP_OK && !locked)
		e = db_account_login_result(c.db, acc.id, false,
					    auth_lock_until(acc.failed_logins + 1, c.now));
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK)
		db_rollback(c.db);
	if (e == ERR_NOT_FOUND || locked) {
		/* same work and message as a wrong password */
		auth_password_dummy_verify(password, strlen(password));
		api_error(&c, 401, "bad_credentials", bad_credentials, NULL);
		return;
	}
	if (e != COOP_OK) {
		api_store_error(&c, e, "Compte");
		return;
	}
	if (!auth_password_verify(acc.password_hash, password, strlen(password))) {
		api_error(&c, 401, "bad_credentials", bad_credentials, NULL);
		return;
	}
	char token[AUTH_TOKEN_CHARS], token_hash[AUTH_TOKEN_HASH_HEX];
	char csrf[AUTH_TOKEN_CHARS], csrf_hash[AUTH_TOKEN_HASH_HEX];
	auth_new_token(token, token_hash);
	auth_new_token(csrf, csrf_hash);
	struct db_session s = {.token_hash = token_hash,
			       .account_id = acc.id,
			       .csrf_token = csrf,
			       .created_at = c.now,
			       .expires_at = c.now + AUTH_SESSION_IDLE,
			       .last_seen = c.now};
	c.authed = true;
	c.account = acc;
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_login_result(c.db, acc.id, true, 0);
	if (e == COOP_OK)
		e = db_session_purge(c.db, c.now); /* expired sessions go at each login */
	if (e == COOP_OK)
		e = db_session_insert(c.db, &s);
	if (e == COOP_OK)
		e = api_audit(&c, "login", "account", acc.id, NULL, NULL);
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		api_store_error(&c, e, "Session");
		return;
	}
	char *cookie = arena_alloc(c.a, 256);
	if (!cookie) {
		api_error(&c, 500, "internal", "Mémoire insuffisante.", NULL);
		return;
	}
	snprintf(cookie, 256, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", API_COOKIE,
		 token, AUTH_SESSION_IDLE, c.app->secure_cookies ? "; Secure" : "");
	http_response_header(res, "Set-Cookie", cookie);
	http_respond_json(res, 201, session_json(&c, &acc, csrf, s.expires_at));
}

void api_session_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	http_respond_json(res, 200,
			  session_json(&c, &c.account, c.session.csrf_token, c.session.expires_at));
}

void api_session_delete(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_session_delete(c.db, c.session.token_hash);
	if (e == COOP_OK)
		e = api_audit(&c, "logout", "account", c.account.id, NULL, NULL);
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		api_store_error(&c, e, "Session");
		return;
	}
	http_response_header(res, "Set-Cookie",
			     API_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_respond_empty(res, 204);
}

void api_session_structure(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"structure_id", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	json_t *body = api_body(&c, fields);
	int64_t wanted = 0;
	if (!body || !api_id(&c, body, "structure_id", true, &wanted))
		return;
	struct db_account_structure *list = NULL;
	size_t n = 0;
	enum coop_err e = db_account_structures(c.db, c.account.id, c.a, &list, &n);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Structure");
		return;
	}
	const struct db_account_structure *to = NULL;
	for (size_t i = 0; i < n && !to; i++)
		if (list[i].structure_id == wanted)
			to = &list[i];
	if (!to) {
		/* the same answer whether the structure exists or not */
		api_error(&c, 404, "not_found", "Vous n'avez pas de compte dans cette structure.",
			  "structure_id");
		return;
	}
	int64_t from = c.account.structure_id;
	json_t *before = json_pack("{s:I}", "structure_id", (json_int_t)from);
	json_t *after = json_pack("{s:I}", "structure_id", (json_int_t)to->structure_id);
	e = before && after ? db_begin(c.db) : ERR_NOMEM;
	if (e == COOP_OK) {
		/* the home structure is stored as NULL: the session follows the account's own row */
		e = db_session_set_structure(c.db, c.session.token_hash,
					     to->home ? 0 : to->structure_id);
		if (e == COOP_OK)
			e = api_audit(&c, "switch_structure", "account", c.account.id, before,
				      after);
		if (e == COOP_OK)
			e = db_commit(c.db);
		if (e != COOP_OK)
			db_rollback(c.db);
	}
	json_decref(before);
	json_decref(after);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Session");
		return;
	}
	c.session.structure_id = to->home ? 0 : to->structure_id;
	c.account.structure_id = to->structure_id;
	c.account.roles = to->roles;
	c.account.professional_id = to->professional_id;
	http_respond_json(res, 200,
			  session_json(&c, &c.account, c.session.csrf_token, c.session.expires_at));
}
