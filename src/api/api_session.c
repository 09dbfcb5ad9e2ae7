/*
 * api_session.c — signing in and out, who is signed in, the activation of an account by its
 * owner and the owner's password change.
 *
 * POST /api/v1/session {login, password} takes only JSON (415 otherwise: an HTML form cannot
 * send it) and refuses a foreign Origin (403): no sign-in forged from another site. Limits,
 * per account AND per client address (see the README, « Limites de connexion »):
 * - per account: the delays of core/account.h (after four free failures, the next attempt
 *   waits 1 s, then 2, 4... up to 60 s, on the application's clock: --fixed-time stops them);
 *   an attempt during the wait answers 423 with Retry-After, even with the right password, and
 *   counts nothing but the address's budget. The failure is counted
 *   BEFORE the password is checked, in one write transaction that re-reads the account, so
 *   concurrent attempts cannot all slip in; a success resets the count. Unknown logins get the
 *   same treatment from a table in memory, so that a 423 tells nothing about which logins exist.
 * - per address: at most app->login_limit unsuccessful attempts a minute (100 by default,
 *   enough for a practice behind one router); successes cost nothing. The address is the
 *   peer's, or the rightmost X-Forwarded-For entry that is not a trusted proxy when the peer is
 *   one (coop serve --trusted-proxy); otherwise the header is ignored.
 * Failed sign-ins and the delays they start are audited (the account's id, 0 for an unknown
 * login; never the password nor the login typed). On success a session is created and the
 * cookie set (HttpOnly, SameSite=Strict, Path=/, Max-Age of the idle expiry); the answer carries
 * the CSRF token the client must echo in X-CSRF-Token on every state-changing request. The same
 * French message answers an unknown login and a wrong password; a disabled or ended account is
 * told so only to whoever gave its right password.
 *
 * POST /api/v1/activation {code, password}: the owner of a new (or reset) account chooses
 * their password with the one-time code the coordinator handed over; the code dies.
 * PUT /api/v1/session/password {current_password, new_password}: the owner changes it; the
 * account's other sessions end.
 *
 * A person may work in several structures: the account's home one and its memberships (see
 * db.h). A new session works in the home structure; PUT /api/v1/session/structure moves it to
 * another of the person's structures, and api_begin() then scopes every request to it with the
 * roles held there. The session JSON lists the person's structures so that screens can offer
 * the choice.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/app.h"
#include "api/facts.h"
#include "api/auth.h"
#include "core/account.h"

/* ------------------------------------------------------------------ attempts in memory */

#define ATTEMPT_SLOTS 1024
#define ADDRESS_WINDOW 60 /* seconds */
#define ADDRESS_LIMIT_DEFAULT 100

/* One client address (unsuccessful attempts in the current window) or one unknown login
 * (consecutive failures and the time before which no attempt is taken). */
struct attempts {
	char key[72];
	int64_t window_start; /* also the last use: a full table evicts the oldest */
	int count;
	int64_t until;
};
static struct attempts by_address[ATTEMPT_SLOTS], by_unknown_login[ATTEMPT_SLOTS];
static pthread_mutex_t attempts_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of key (a new one, evicting the oldest, when absent and create); NULL when absent
 * and !create. Under attempts_lock. */
static struct attempts *attempts_slot(struct attempts *table, const char *key, int64_t now,
				      bool create)
{
	int oldest = 0;
	for (int i = 0; i < ATTEMPT_SLOTS; i++) {
		if (table[i].key[0] && strcmp(table[i].key, key) == 0)
			return &table[i];
		if (table[i].window_start < table[oldest].window_start)
			oldest = i;
	}
	if (!create)
		return NULL;
	struct attempts *slot = &table[oldest];
	memset(slot, 0, sizeof(*slot));
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	slot->window_start = now;
	return slot;
}

/* Seconds before the address may try again (0: it may now). */
static int64_t address_wait(const char *addr, int64_t now, int limit)
{
	int64_t wait = 0;
	pthread_mutex_lock(&attempts_lock);
	struct attempts *slot = attempts_slot(by_address, addr, now, false);
	if (slot && now - slot->window_start < ADDRESS_WINDOW && slot->count >= limit)
		wait = slot->window_start + ADDRESS_WINDOW - now;
	pthread_mutex_unlock(&attempts_lock);
	return wait;
}

static void address_failed(const char *addr, int64_t now)
{
	pthread_mutex_lock(&attempts_lock);
	struct attempts *slot = attempts_slot(by_address, addr, now, true);
	if (now - slot->window_start >= ADDRESS_WINDOW) {
		slot->window_start = now;
		slot->count = 0;
	}
	slot->count++;
	pthread_mutex_unlock(&attempts_lock);
}

/* Seconds an unknown login must still wait (0: none). */
static int64_t unknown_login_wait(const char *login, int64_t now)
{
	int64_t wait = 0;
	pthread_mutex_lock(&attempts_lock);
	struct attempts *slot = attempts_slot(by_unknown_login, login, now, false);
	if (slot && slot->until > now)
		wait = slot->until - now;
	pthread_mutex_unlock(&attempts_lock);
	return wait;
}

/* Counts a failure of an unknown login; returns the delay it starts (0: none). */
static int unknown_login_failed(const char *login, int64_t now)
{
	pthread_mutex_lock(&attempts_lock);
	struct attempts *slot = attempts_slot(by_unknown_login, login, now, true);
	slot->window_start = now;
	int delay = account_signin_delay(++slot->count);
	slot->until = delay ? now + delay : 0;
	pthread_mutex_unlock(&attempts_lock);
	return delay;
}

/* ------------------------------------------------------------------ the client, the request */

static bool is_trusted_proxy(const struct app *app, const char *addr, size_t len)
{
	for (size_t i = 0; i < app->n_trusted_proxies; i++)
		if (strlen(app->trusted_proxies[i]) == len &&
		    strncmp(app->trusted_proxies[i], addr, len) == 0)
			return true;
	return false;
}

/* True when s[0..len) may be an IPv4 or IPv6 address as text. */
static bool looks_like_address(const char *s, size_t len)
{
	if (len == 0 || len >= 48)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != ':')
			return false;
	return true;
}

const char *api_client_address(const struct api_ctx *c)
{
	const char *peer = c->req->client_addr ? c->req->client_addr : "";
	if (!is_trusted_proxy(c->app, peer, strlen(peer)))
		return peer;
	const char *xff = http_request_header(c->req, "X-Forwarded-For");
	if (!xff)
		return peer;
	/* from the right: each proxy appends the address it received the request from */
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		size_t a = start, b = end;
		while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
			a++;
		while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
			b--;
		if (!looks_like_address(xff + a, b - a))
			return peer; /* not written by a proxy of ours: ignored */
		if (!is_trusted_proxy(c->app, xff + a, b - a)) {
			char *out = arena_alloc(c->a, b - a + 1);
			if (!out)
				return peer;
			memcpy(out, xff + a, b - a);
			out[b - a] = '\0';
			return out;
		}
		end = start > 0 ? start - 1 : 0;
	}
	return peer;
}

/* A public POST that sets or opens an account takes only JSON, and never from another site's
 * page: false (error answered) otherwise. Requests without Origin (other programs) pass. */
static bool json_from_same_origin(struct api_ctx *c)
{
	const char *type = http_request_header(c->req, "Content-Type");
	size_t n = strlen("application/json");
	if (!type || strncasecmp(type, "application/json", n) != 0 ||
	    (type[n] != '\0' && type[n] != ';' && type[n] != ' ')) {
		api_fail(c, API_ERR_UNSUPPORTED_MEDIA_TYPE,
			 "Cette demande doit être envoyée en JSON (Content-Type: application/json).",
			 NULL);
		return false;
	}
	const char *origin = http_request_header(c->req, "Origin");
	if (!origin)
		return true;
	const char *host = http_request_header(c->req, "Host");
	const char *rest = strncmp(origin, "http://", 7) == 0	 ? origin + 7
			   : strncmp(origin, "https://", 8) == 0 ? origin + 8
								 : NULL;
	if (!host || !rest || strcasecmp(rest, host) != 0) {
		api_fail(c, API_ERR_FOREIGN_ORIGIN,
			 "Demande refusée : elle vient d'une page d'un autre site que Coop. Ouvrez "
			 "Coop directement à son adresse pour vous connecter.",
			 NULL);
		return false;
	}
	return true;
}

static int address_limit(const struct api_ctx *c)
{
	return c->app->login_limit > 0 ? c->app->login_limit : ADDRESS_LIMIT_DEFAULT;
}

/* Answers 429 when the address spent its budget: true then. */
static bool address_refused(struct api_ctx *c, const char *addr, int64_t real_now)
{
	int64_t wait = address_wait(addr, real_now, address_limit(c));
	if (wait <= 0)
		return false;
	char seconds[24], m[256];
	snprintf(seconds, sizeof(seconds), "%lld", (long long)wait);
	http_response_header(c->res, "Retry-After", seconds);
	snprintf(m, sizeof(m),
		 "Trop de tentatives manquées depuis ce poste : réessayez dans %lld seconde%s.",
		 (long long)wait, wait > 1 ? "s" : "");
	api_fail(c, API_ERR_RATE_LIMITED, m, NULL);
	return true;
}

/* Answers 423 for an account (or unknown login) that must wait `wait` seconds. */
static void answer_wait(struct api_ctx *c, int64_t wait)
{
	char seconds[24], m[384];
	snprintf(seconds, sizeof(seconds), "%lld", (long long)wait);
	http_response_header(c->res, "Retry-After", seconds);
	snprintf(m, sizeof(m),
		 "Trop d'essais de connexion pour ce compte : par sécurité, réessayez dans %lld "
		 "seconde%s. Si le mot de passe est oublié, le coordinateur peut vous donner un "
		 "nouveau code d'activation.",
		 (long long)wait, wait > 1 ? "s" : "");
	api_fail(c, API_ERR_ACCOUNT_LOCKED, m, NULL);
}

/* Audits a failed attempt (and the delay it starts) in its own transaction: the account's id
 * when known (acc not NULL), else 0; the client address, never what was typed. */
static void audit_failure(struct api_ctx *c, const struct db_account *acc, const char *addr,
			  int delay)
{
	json_t *after = json_pack("{s:s}", "address", addr);
	json_t *delayed = json_pack("{s:s, s:i}", "address", addr, "delay_seconds", delay);
	if (acc) { /* recorded as the account's: its coordinator sees it in the journal */
		c->authed = true;
		c->account = *acc;
	}
	enum coop_err e = after && delayed ? db_begin(c->db) : ERR_NOMEM;
	if (e == COOP_OK) {
		e = api_audit(c, "login_failed", "account", acc ? acc->id : 0, NULL, after);
		if (e == COOP_OK && delay > 0)
			e = api_audit(c, "login_delayed", "account", acc ? acc->id : 0, NULL,
				      delayed);
		if (e == COOP_OK)
			e = db_commit(c->db);
		if (e != COOP_OK)
			db_rollback(c->db);
	}
	c->authed = false;
	json_decref(after);
	json_decref(delayed);
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
static json_t *session_json(struct api_ctx *c, const struct db_account *acc,
			    const char *csrf, int64_t expires_at)
{
	const char *structure_name = NULL;
	json_t *structures = structures_json(c, acc, &structure_name);
	if (!structures)
		return NULL;
	/* the roles of today: délégué and délégant from the adhesions, never a stored flag */
	struct access_caller caller;
	if (!api_effective_roles(c, acc->structure_id, acc->professional_id, acc->roles, &caller)) {
		json_decref(structures);
		return NULL;
	}
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:I, s:s, s:I}", "account_id",
			      (json_int_t)acc->id, "login", acc->login, "display_name",
			      acc->display_name, "roles", roles_json(caller.roles), "structure_id",
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

/* The French refusal for an account that may not be used (state != ACCOUNT_USABLE). */
static void answer_unusable(struct api_ctx *c, enum account_state state)
{
	if (state == ACCOUNT_NOT_ACTIVATED)
		api_fail(c, API_ERR_ACCOUNT_NOT_ACTIVATED,
			 "Ce compte n'est pas encore activé : choisissez votre mot de passe avec le "
			 "code d'activation remis par le coordinateur (« Activer mon compte »).",
			 NULL);
	else if (state == ACCOUNT_ENDED)
		api_fail(c, API_ERR_ACCOUNT_ENDED,
			 "Ce compte a pris fin à la date prévue par le coordinateur : il ne permet "
			 "plus de se connecter. Adressez-vous au coordinateur de la structure.",
			 NULL);
	else
		api_fail(c, API_ERR_ACCOUNT_DISABLED,
			 "Ce compte a été désactivé par le coordinateur : il ne permet plus de se "
			 "connecter. Adressez-vous au coordinateur de la structure.",
			 NULL);
}

static enum account_state state_of(const struct db_account *acc, coop_date today)
{
	struct account_facts f;
	facts_account(acc, &f);
	return account_state(&f, today);
}

void api_session_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"login", "password", NULL};
	/* one message for an unknown login and a wrong password: it must not tell an attacker
	 * which logins exist */
	static const char bad_credentials[] =
		"Identifiant ou mot de passe incorrect. Après quatre échecs, chaque nouvel essai sur "
		"ce compte doit attendre un peu (une minute au plus). Un nouveau compte s'active "
		"d'abord avec le code remis par le coordinateur.";
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_PUBLIC) || !json_from_same_origin(&c))
		return;
	json_t *body = api_body(&c, fields);
	const char *login = NULL, *password = NULL;
	if (!body || !api_str(&c, body, "login", 64, true, &login) ||
	    !api_str(&c, body, "password", AUTH_PASSWORD_MAX, true, &password))
		return;
	/* the address's budget runs on real time, even under --fixed-time (it is about how fast
	 * attempts come); the account's delays on the application's clock (tests fix it, so that
	 * a delay lasts until a coordinator lifts it) */
	int64_t real_now = (int64_t)time(NULL);
	const char *addr = api_client_address(&c);
	if (address_refused(&c, addr, real_now))
		return;
	struct db_account acc;
	int64_t wait = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_by_login(c.db, login, c.a, &acc);
	if (e == COOP_OK && acc.locked_until > c.now)
		wait = acc.locked_until - c.now;
	else if (e == ERR_NOT_FOUND)
		wait = unknown_login_wait(login, c.now);
	int delay = 0;
	if (e == COOP_OK && wait == 0) {
		delay = account_signin_delay(acc.failed_logins + 1);
		e = db_account_login_result(c.db, acc.id, false, delay ? c.now + delay : 0);
	}
	if (e == COOP_OK)
		e = db_commit(c.db);
	else
		db_rollback(c.db);
	if (wait > 0) {
		/* not an attempt: nothing checked, nothing counted but the address's */
		address_failed(addr, real_now);
		answer_wait(&c, wait);
		return;
	}
	if (e != COOP_OK && e != ERR_NOT_FOUND) {
		api_store_error(&c, e, "Compte");
		return;
	}
	bool known = e == COOP_OK;
	bool right = false;
	if (known && acc.password_hash)
		right = auth_password_verify(acc.password_hash, password, strlen(password));
	else /* same work as a wrong password */
		auth_password_dummy_verify(password, strlen(password));
	if (!right) {
		address_failed(addr, real_now);
		if (!known)
			delay = unknown_login_failed(login, c.now);
		audit_failure(&c, known ? &acc : NULL, addr, delay);
		api_fail(&c, API_ERR_BAD_CREDENTIALS, bad_credentials, NULL);
		return;
	}
	enum account_state state = state_of(&acc, c.today);
	if (state != ACCOUNT_USABLE) {
		answer_unusable(&c, state);
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
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	snprintf(cookie, 256, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", API_COOKIE,
		 token, AUTH_SESSION_IDLE, c.app->secure_cookies ? "; Secure" : "");
	http_response_header(res, "Set-Cookie", cookie);
	http_respond_json(res, 201, session_json(&c, &acc, csrf, s.expires_at));
}

/* A new password's rules; false (error answered on `field`) when it breaks one. */
static bool new_password_ok(struct api_ctx *c, const char *password, const char *login,
			    const char *field)
{
	size_t n = strlen(password);
	if (n < AUTH_PASSWORD_MIN) {
		char m[200];
		snprintf(m, sizeof(m),
			 "Le mot de passe doit compter au moins %d caractères : une phrase facile "
			 "à retenir convient très bien.",
			 AUTH_PASSWORD_MIN);
		api_fail(c, API_ERR_INVALID, m, field);
		return false;
	}
	if (login && strcasecmp(password, login) == 0) {
		api_fail(c, API_ERR_INVALID,
			 "Le mot de passe ne peut pas être l'identifiant : choisissez-en un autre.",
			 field);
		return false;
	}
	return true;
}

void api_activation(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"code", "password", NULL};
	static const char bad_code[] =
		"Ce code d'activation n'est pas valable : il a peut-être déjà servi, été remplacé "
		"par un nouveau code ou expiré. Demandez un nouveau code au coordinateur.";
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_PUBLIC) || !json_from_same_origin(&c))
		return;
	json_t *body = api_body(&c, fields);
	const char *code = NULL, *password = NULL;
	if (!body || !api_str(&c, body, "code", 64, true, &code) ||
	    !api_str(&c, body, "password", AUTH_PASSWORD_MAX, true, &password))
		return;
	int64_t real_now = (int64_t)time(NULL);
	const char *addr = api_client_address(&c);
	if (address_refused(&c, addr, real_now))
		return;
	char code_hash[AUTH_TOKEN_HASH_HEX];
	if (auth_activation_code_hash(code, strlen(code), code_hash) != COOP_OK) {
		api_fail(&c, API_ERR_INVALID,
			 "Le code d'activation compte 16 lettres et chiffres, en quatre groupes "
			 "(par exemple ABCD-EFGH-JKMN-PQRS) : recopiez-le tel qu'il vous a été remis.",
			 "code");
		return;
	}
	struct db_account acc;
	enum coop_err e = db_account_by_activation(c.db, code_hash, c.a, &acc);
	if (e == ERR_NOT_FOUND || (e == COOP_OK && !account_code_usable(acc.activation_expires_at,
									  c.now))) {
		address_failed(addr, real_now);
		api_fail(&c, API_ERR_INVALID_CODE, bad_code, "code");
		return;
	}
	if (e != COOP_OK) {
		api_store_error(&c, e, "Compte");
		return;
	}
	if (acc.disabled) {
		answer_unusable(&c, ACCOUNT_DISABLED);
		return;
	}
	if (!new_password_ok(&c, password, acc.login, "password"))
		return;
	char hash[AUTH_HASH_MAX];
	if (auth_password_hash(password, strlen(password), hash) != COOP_OK) {
		api_fail(&c, API_ERR_INVALID, "Ce mot de passe est trop long.", "password");
		return;
	}
	/* the owner acts on their own account: the record is theirs */
	c.authed = true;
	c.account = acc;
	e = db_begin(c.db);
	struct db_account again;
	/* re-read inside the transaction: a code used twice at once opens only once */
	if (e == COOP_OK)
		e = db_account_by_activation(c.db, code_hash, c.a, &again);
	if (e == COOP_OK)
		e = db_account_activate(c.db, acc.id, hash);
	if (e == COOP_OK)
		e = api_audit(&c, "activate", "account", acc.id, NULL, NULL);
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		if (e == ERR_NOT_FOUND)
			api_fail(&c, API_ERR_INVALID_CODE, bad_code, "code");
		else
			api_store_error(&c, e, "Compte");
		return;
	}
	http_respond_json(res, 200,
			  json_pack("{s:s, s:s}", "login", acc.login, "display_name",
				    acc.display_name));
}

void api_session_password(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"current_password", "new_password", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_SIGNED_IN))
		return;
	json_t *body = api_body(&c, fields);
	const char *current = NULL, *wanted = NULL;
	if (!body || !api_str(&c, body, "current_password", AUTH_PASSWORD_MAX, true, &current) ||
	    !api_str(&c, body, "new_password", AUTH_PASSWORD_MAX, true, &wanted))
		return;
	/* the current password is guessed no faster here than at the sign-in */
	struct db_account acc;
	int64_t wait = 0;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_get(c.db, c.account.id, c.a, &acc);
	if (e == COOP_OK && acc.locked_until > c.now)
		wait = acc.locked_until - c.now;
	int delay = 0;
	if (e == COOP_OK && wait == 0) {
		delay = account_signin_delay(acc.failed_logins + 1);
		e = db_account_login_result(c.db, acc.id, false, delay ? c.now + delay : 0);
	}
	if (e == COOP_OK)
		e = db_commit(c.db);
	else
		db_rollback(c.db);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Compte");
		return;
	}
	if (wait > 0) {
		answer_wait(&c, wait);
		return;
	}
	if (!acc.password_hash ||
	    !auth_password_verify(acc.password_hash, current, strlen(current))) {
		api_fail(&c, API_ERR_WRONG_PASSWORD,
			 "Le mot de passe actuel n'est pas le bon : rien n'a été changé.",
			 "current_password");
		return;
	}
	if (!new_password_ok(&c, wanted, acc.login, "new_password"))
		return;
	if (strcmp(wanted, current) == 0) {
		api_fail(&c, API_ERR_INVALID,
			 "Le nouveau mot de passe doit être différent de l'actuel.",
			 "new_password");
		return;
	}
	char hash[AUTH_HASH_MAX];
	if (auth_password_hash(wanted, strlen(wanted), hash) != COOP_OK) {
		api_fail(&c, API_ERR_INVALID, "Ce mot de passe est trop long.", "new_password");
		return;
	}
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = db_account_set_password(c.db, acc.id, hash);
	if (e == COOP_OK)
		e = db_account_login_result(c.db, acc.id, true, 0);
	if (e == COOP_OK) /* whoever else holds a session of this account is signed out */
		e = db_session_delete_account(c.db, acc.id, c.session.token_hash);
	if (e == COOP_OK)
		e = api_audit(&c, "password_change", "account", acc.id, NULL, NULL);
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		api_store_error(&c, e, "Compte");
		return;
	}
	http_respond_empty(res, 204);
}

void api_session_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_SIGNED_IN))
		return;
	http_respond_json(res, 200,
			  session_json(&c, &c.account, c.session.csrf_token, c.session.expires_at));
}

void api_session_delete(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_SIGNED_IN))
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
	if (!api_begin(&c, req, res, app, API_SIGNED_IN))
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
		api_fail(&c, API_ERR_NOT_FOUND, "Vous n'avez pas de compte dans cette structure.",
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
