/*
 * app.c — the application's shared machinery: protocols loaded at start, the route table, the
 * per-thread database connection, authentication of each request (session cookie, CSRF header,
 * roles), body decoding with unknown-field refusal, audit records, and the few resources that
 * are not data (health, OpenAPI document, home page).
 */
#include "api/app.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/auth.h"
#include "api/facts.h"
#include "api/replay.h"
#include "protocol/engine.h"
#include "store/jsondiff.h"

/* ------------------------------------------------------------------ routes */

static const struct http_route routes[] = {
	{"GET", "/", api_home, "home"},
	{"GET", "/static/{file}", api_static, "static"},
	{"GET", "/api/v1/health", api_health, "health"},
	{"GET", "/api/v1/openapi.json", api_openapi, "openapi"},
	{"POST", "/api/v1/session", api_session_create, "session.create"},
	{"GET", "/api/v1/session", api_session_get, "session.get"},
	{"DELETE", "/api/v1/session", api_session_delete, "session.delete"},
	{"PUT", "/api/v1/session/structure", api_session_structure, "session.structure"},
	{"PUT", "/api/v1/session/password", api_session_password, "session.password"},
	{"POST", "/api/v1/activation", api_activation, "activation"},
	{"GET", "/api/v1/protocols", api_protocols_list, "protocols.list"},
	{"GET", "/api/v1/protocols/{id}", api_protocols_get, "protocols.get"},
	{"POST", "/api/v1/protocols/{id}/adopt", api_protocols_adopt, "protocols.adopt"},
	{"POST", "/api/v1/protocols/{id}/sign", api_protocols_sign, "protocols.sign"},
	{"GET", "/api/v1/protocols/{id}/signature", api_protocols_signature, "protocols.signature"},
	{"POST", "/api/v1/protocols/{id}/suspend", api_protocols_suspend, "protocols.suspend"},
	{"POST", "/api/v1/protocols/{id}/resume", api_protocols_resume, "protocols.resume"},
	{"GET", "/api/v1/professionals", api_professionals_list, "professionals.list"},
	{"POST", "/api/v1/professionals", api_professionals_create, "professionals.create"},
	{"GET", "/api/v1/adhesions", api_adhesions_list, "adhesions.list"},
	{"POST", "/api/v1/adhesions", api_adhesions_create, "adhesions.create"},
	{"POST", "/api/v1/adhesions/{id}/training", api_adhesions_training, "adhesions.training"},
	{"POST", "/api/v1/adhesions/{id}/declarations", api_adhesions_declarations,
	 "adhesions.declarations"},
	{"GET", "/api/v1/accounts", api_accounts_list, "accounts.list"},
	{"POST", "/api/v1/accounts", api_accounts_create, "accounts.create"},
	{"POST", "/api/v1/accounts/{id}/unlock", api_accounts_unlock, "accounts.unlock"},
	{"POST", "/api/v1/accounts/{id}/activation-code", api_accounts_code, "accounts.code"},
	{"POST", "/api/v1/accounts/{id}/disable", api_accounts_disable, "accounts.disable"},
	{"POST", "/api/v1/accounts/{id}/enable", api_accounts_enable, "accounts.enable"},
	{"PUT", "/api/v1/accounts/{id}/end-date", api_accounts_end_date, "accounts.end_date"},
	{"GET", "/api/v1/audit", api_audit_list, "audit.list"},
	{"GET", "/api/v1/availability", api_availability_list, "availability.list"},
	{"POST", "/api/v1/availability", api_availability_create, "availability.create"},
	{"DELETE", "/api/v1/availability/{id}", api_availability_delete, "availability.delete"},
	{"GET", "/api/v1/patients", api_patients_list, "patients.list"},
	{"POST", "/api/v1/patients", api_patients_create, "patients.create"},
	{"GET", "/api/v1/patients/{id}", api_patients_get, "patients.get"},
	{"PUT", "/api/v1/patients/{id}", api_patients_update, "patients.update"},
	{"POST", "/api/v1/patients/{id}/merge", api_patients_merge, "patients.merge"},
	{"GET", "/api/v1/structure", api_structure_get, "structure.get"},
	{"PUT", "/api/v1/structure", api_structure_update, "structure.update"},
	{"GET", "/api/v1/episodes", api_episodes_list, "episodes.list"},
	{"POST", "/api/v1/episodes", api_episodes_create, "episodes.create"},
	{"GET", "/api/v1/episodes/{id}", api_episodes_get, "episodes.get"},
	{"PUT", "/api/v1/episodes/{id}/answers", api_episodes_answers, "episodes.answers"},
	{"POST", "/api/v1/episodes/{id}/preview", api_episodes_preview, "episodes.preview"},
	{"GET", "/api/v1/episodes/{id}/prescription", api_episodes_prescription,
	 "episodes.prescription"},
	{"GET", "/api/v1/episodes/{id}/reachability", api_episodes_reachability,
	 "episodes.reachability"},
	{"POST", "/api/v1/episodes/{id}/actions/{action}", api_episodes_action, "episodes.action"},
	{"GET", "/api/v1/episodes/{id}/replay", api_episodes_replay, "episodes.replay"},
};

const struct http_route *app_routes(size_t *count)
{
	*count = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* ------------------------------------------------------------------ start and stop */

static int by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

enum coop_err app_init(struct app *app, const char *db_path, const char *protocols_dir,
		       char *msg, size_t msg_size)
{
	enum coop_err err = COOP_OK;
	char *names[API_MAX_PROTOCOLS];
	size_t n_names = 0;
	memset(app, 0, sizeof(*app));
	app->db_path = db_path;
	DIR *dir = opendir(protocols_dir);
	if (!dir) {
		snprintf(msg, msg_size, "dossier des protocoles « %s » illisible", protocols_dir);
		return ERR_IO;
	}
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (n_names == API_MAX_PROTOCOLS) {
			snprintf(msg, msg_size, "plus de %d protocoles dans « %s »",
				 API_MAX_PROTOCOLS, protocols_dir);
			err = ERR_TOO_LARGE;
			break;
		}
		names[n_names] = strdup(de->d_name);
		if (!names[n_names]) {
			err = ERR_NOMEM;
			break;
		}
		n_names++;
	}
	closedir(dir);
	qsort(names, n_names, sizeof(names[0]), by_name);
	for (size_t i = 0; err == COOP_OK && i < n_names; i++) {
		char path[1024];
		struct protocol_diags *diags = calloc(1, sizeof(*diags));
		if (!diags) {
			err = ERR_NOMEM;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", protocols_dir, names[i]);
		err = protocol_load_file(path, &app->protocols[app->n_protocols], diags);
		if (err != COOP_OK) {
			const struct protocol_diag *d = diags->count ? &diags->items[0] : NULL;
			snprintf(msg, msg_size, "%s:%u:%u: %s", path, d ? d->line : 0,
				 d ? d->column : 0, d ? d->message : err_str(err));
		} else {
			app->n_protocols++;
		}
		free(diags);
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	if (err == COOP_OK) {
		size_t n;
		const struct http_route *r = app_routes(&n);
		err = http_router_init(&app->router, r, n, msg, msg_size);
	}
	if (err != COOP_OK)
		app_free(app);
	return err;
}

void app_free(struct app *app)
{
	for (size_t i = 0; i < app->n_protocols; i++)
		protocol_free(app->protocols[i]);
	app->n_protocols = 0;
}

const struct protocol *app_protocol(const struct app *app, const char *id)
{
	for (size_t i = 0; id && i < app->n_protocols; i++)
		if (strcmp(app->protocols[i]->id, id) == 0)
			return app->protocols[i];
	return NULL;
}

/* ------------------------------------------------------------------ per-thread database */

static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void close_thread_db(void *db)
{
	db_close(db);
}

static void make_db_key(void)
{
	pthread_key_create(&db_key, close_thread_db);
}

void app_worker_data_free(void *data)
{
	db_close(data);
}

/* The request's connection, opened on first use: the one kept in the request's pool thread
 * slot (shared by that thread's writes and the reads its read thread runs for it, never at
 * once: closed at the server's stop by app_worker_data_free), else the calling thread's
 * (closed when the thread ends). */
static struct db *request_db(const struct app *app, struct http_request *req)
{
	void **slot = req ? http_request_worker_data(req) : NULL;
	struct db *db = NULL;
	if (slot) {
		db = *slot;
	} else {
		pthread_once(&db_key_once, make_db_key);
		db = pthread_getspecific(db_key);
	}
	if (db)
		return db;
	struct db_options opts = {.create = false, .migrate = false};
	char msg[256];
	if (db_open(app->db_path, &opts, &db, msg, sizeof(msg)) != COOP_OK)
		return NULL;
	if (slot)
		*slot = db;
	else
		pthread_setspecific(db_key, db);
	return db;
}

/* ------------------------------------------------------------------ field labels */

/* What the user sees for each field the API reads, so that an error names it in the words of
 * the screen ("La date de naissance"), never by its API key. An entry applies to the routes
 * whose name starts with `route` ("patients." for every patient route; NULL for any route);
 * the first match wins, so route-specific entries come before generic ones. */
static const struct field_label {
	const char *route, *key, *label;
	bool plural; /* "Les prénoms sont obligatoires" */
} field_labels[] = {
	/* patients (the médecin traitant's fields are nested under "gp") */
	{"patients.list", "birth_date", "La date de naissance recherchée", false},
	{"patients.", "birth_name", "Le nom de naissance", false},
	{"patients.", "first_names", "Les prénoms de naissance", true},
	{"patients.", "used_name", "Le nom utilisé", false},
	{"patients.", "birth_date", "La date de naissance", false},
	{"patients.", "sex", "Le sexe", false},
	{"patients.", "birthplace_code", "Le lieu de naissance", false},
	{"patients.", "nir", "Le NIR", false},
	{"patients.", "gp", "Le médecin traitant", false},
	{"patients.", "name", "Le nom du médecin traitant", false},
	{"patients.", "rpps", "Le RPPS du médecin traitant", false},
	{"patients.", "mssante", "La messagerie sécurisée du médecin traitant", false},
	{"patients.", "professional_id", "Le médecin traitant choisi dans l'équipe", false},
	{"patients.", "version", "La version de la fiche", false},
	{"patients.", "confirm_distinct", "La confirmation qu'il s'agit d'une autre personne",
	 false},
	{"patients.merge", "duplicate_id", "Le dossier en double", false},
	{"patients.merge", "duplicate_version", "La version du dossier en double", false},
	/* the structure */
	{"structure.", "type", "Le type de structure", false},
	{"structure.", "name", "Le nom de la structure", false},
	{"structure.", "address", "L'adresse", false},
	{"structure.", "finess", "Le FINESS", false},
	{"structure.", "siret", "Le SIRET", false},
	/* professionals, adhesions, availability, accounts */
	{"professionals.", "last_name", "Le nom", false},
	{"professionals.", "first_names", "Les prénoms", true},
	{"professionals.", "profession", "La profession", false},
	{"professionals.", "rpps", "Le RPPS", false},
	{"professionals.", "adeli", "Le numéro ADELI", false},
	{"professionals.", "mssante", "La messagerie sécurisée (MSSanté)", false},
	{"professionals.", "phone", "Le téléphone", false},
	{"professionals.", "sex", "Le sexe", false},
	{"adhesions.training", "date", "La date de la formation", false},
	{"adhesions.", "professional_id", "Le professionnel", false},
	{"adhesions.", "protocol_id", "Le protocole", false},
	{"adhesions.", "role", "Le rôle", false},
	{"adhesions.", "effective_from", "La date de début de l'adhésion", false},
	{"adhesions.", "effective_to", "La date de fin de l'adhésion", false},
	{"adhesions.", "insurer", "L'assureur", false},
	{"adhesions.", "insurance_date", "La date de l'attestation d'assurance", false},
	{"adhesions.", "engagement_date", "La date de l'engagement signé", false},
	{"availability.", "weekday", "Le jour de la semaine", false},
	{"availability.", "start_minute", "L'heure de début", false},
	{"availability.", "end_minute", "L'heure de fin", false},
	{"availability.", "how", "Le moyen de vous joindre", false},
	{"accounts.", "login", "L'identifiant", false},
	{"accounts.", "display_name", "Le nom affiché", false},
	{"accounts.", "roles", "Les rôles", true},
	{"accounts.", "ends_on", "La date de fin du compte", false},
	{"accounts.", "professional_id", "Le professionnel", false},
	{"protocols.", "reason", "La raison", false},
	/* session */
	{"session.", "login", "L'identifiant", false},
	{"session.", "password", "Le mot de passe", false},
	{"session.", "structure_id", "La structure", false},
	{"session.", "current_password", "Le mot de passe actuel", false},
	{"session.", "new_password", "Le nouveau mot de passe", false},
	{"activation", "code", "Le code d'activation", false},
	{"activation", "password", "Le mot de passe", false},
	/* episodes */
	{"episodes.", "patient_id", "Le patient", false},
	{"episodes.", "protocol_id", "Le protocole", false},
	{"episodes.", "answers", "Les réponses", true},
	{"episodes.", "how", "La manière de recueillir le consentement", false},
	{"episodes.", "note", "La note", false},
	{"episodes.", "delegant_called_id", "Le délégant appelé", false},
	{"episodes.", "date", "La date", false},
	{"episodes.", "new_symptoms", "La case « Symptômes nouveaux »", false},
	{"episodes.", "doubt", "La case « Doute du délégué »", false},
	{"episodes.", "version", "La version de la prise en charge", false},
	{"protocols.list", "patient_id", "Le patient", false},
	/* the audit log's filters */
	{"audit.", "action", "L'action", false},
	{"audit.", "entity", "Le type de donnée", false},
	{"audit.", "account_id", "Le compte", false},
	{"audit.", "from", "La date de début", false},
	{"audit.", "to", "La date de fin", false},
	{"audit.", "after", "La suite de la liste", false},
	{"audit.", "limit", "Le nombre de lignes", false},
	/* any route */
	{NULL, "version", "La version", false},
};

const char *api_field_label(const struct api_ctx *c, const char *key, bool *plural)
{
	const char *route = c && c->req && c->req->route ? c->req->route->name : "";
	for (size_t i = 0; key && i < sizeof(field_labels) / sizeof(field_labels[0]); i++) {
		const struct field_label *f = &field_labels[i];
		if (strcmp(f->key, key) != 0 ||
		    (f->route && strncmp(route, f->route, strlen(f->route)) != 0))
			continue;
		if (plural)
			*plural = f->plural;
		return f->label;
	}
	if (plural)
		*plural = false;
	return NULL;
}

void api_fail_field(struct api_ctx *c, enum api_error_kind kind, const char *key,
		    const char *singular, const char *plural)
{
	bool many = false;
	const char *label = api_field_label(c, key, &many);
	char m[320];
	if (label)
		snprintf(m, sizeof(m), "%s %s.", label, many && plural ? plural : singular);
	else /* a key without a label is a bug of ours: still a sentence, never the key */
		snprintf(m, sizeof(m), "Une des données envoyées %s.", singular);
	api_fail(c, kind, m, key);
}

/* ------------------------------------------------------------------ protocols fit for a patient */

bool api_fit_patient(struct api_ctx *c, struct db_patient *out, bool *has)
{
	const char *v = NULL;
	size_t len = 0;
	*has = false;
	enum coop_err e = http_request_query(c->req, "patient_id", &v, &len);
	if (e == ERR_NOT_FOUND)
		return true;
	int64_t id = 0;
	bool ok = e == COOP_OK && len >= 1 && len <= 15;
	for (size_t i = 0; ok && i < len; i++) {
		ok = v[i] >= '0' && v[i] <= '9';
		id = id * 10 + (v[i] - '0');
	}
	if (!ok || id < 1) {
		api_fail_field(c, API_ERR_INVALID, "patient_id", "n'est pas valide", NULL);
		return false;
	}
	/* those who may read a patient's record (the coordination sees states only) */
	if (!api_has_role(c, DB_ROLE_SECRETARY | DB_ROLE_DELEGUE | DB_ROLE_DELEGANT)) {
		api_fail(c, API_ERR_FORBIDDEN, "Votre rôle ne permet pas cette action.", NULL);
		return false;
	}
	e = db_patient_get(c->db, c->account.structure_id, id, c->a, out);
	if (e != COOP_OK) {
		api_store_error(c, e, "Patient");
		return false;
	}
	/* the age and sex are read to choose the protocols: a read of the patient's record */
	if (!api_trace_read(c, "read", "patient", id, NULL))
		return false;
	*has = true;
	return true;
}

/* "16 ans", "3 mois" */
static void age_words(const struct age_bound *b, char *buf, size_t size)
{
	snprintf(buf, size, "%d %s", b->value,
		 b->unit == AGE_MONTHS ? "mois" : (b->value > 1 ? "ans" : "an"));
}

void api_fit_json(struct api_ctx *c, const struct protocol *p, const struct db_patient *pt,
		  json_t *o)
{
	enum patient_sex sex = SEX_UNKNOWN;
	enum scope_failure why = SCOPE_OK;
	if (!patient_sex_parse(pt->sex, &sex))
		sex = SEX_UNKNOWN;
	enum coop_err e = engine_scope(p, c->today, pt->birth_date, sex, &why);
	char reason[200] = "";
	if (e == ERR_NOT_FOUND) {
		snprintf(reason, sizeof(reason), "%s",
			 "Aucune version du protocole n'est en vigueur aujourd'hui.");
	} else if (e != COOP_OK) {
		snprintf(reason, sizeof(reason), "%s",
			 "La date de naissance est postérieure à aujourd'hui.");
	} else if (why == SCOPE_AGE) {
		const struct protocol_version *v = protocol_version_at(p, c->today);
		char lo[32] = "", hi[32] = "";
		if (v->age_min.set)
			age_words(&v->age_min, lo, sizeof(lo));
		if (v->age_max.set)
			age_words(&v->age_max, hi, sizeof(hi));
		if (*lo && *hi && v->age_min.unit == v->age_max.unit) /* "de 18 à 55 ans" */
			snprintf(reason, sizeof(reason), "Protocole prévu de %d à %s.",
				 v->age_min.value, hi);
		else if (*lo && *hi)
			snprintf(reason, sizeof(reason), "Protocole prévu de %s à %s.", lo, hi);
		else if (*lo)
			snprintf(reason, sizeof(reason), "Protocole prévu à partir de %s.", lo);
		else
			snprintf(reason, sizeof(reason), "Protocole prévu jusqu'à %s.", hi);
	} else if (why == SCOPE_SEX) {
		const struct protocol_version *v = protocol_version_at(p, c->today);
		snprintf(reason, sizeof(reason), "%s",
			 v->sexes == (1u << SEX_FEMALE) ? "Protocole réservé aux femmes."
			 : v->sexes == (1u << SEX_MALE)
				 ? "Protocole réservé aux hommes."
				 : "Protocole prévu pour des patients d'un autre sexe.");
	}
	json_object_set_new(o, "fits_patient", json_boolean(*reason == '\0'));
	json_object_set_new(o, "unfit_reason", *reason ? json_string(reason) : json_null());
}

/* ------------------------------------------------------------------ helpers */

void api_store_error(struct api_ctx *c, enum coop_err e, const char *what)
{
	switch (e) {
	case ERR_CONFLICT:
		api_fail(c, API_ERR_CONFLICT, NULL, NULL);
		return;
	case ERR_NOT_FOUND:
		api_failf(c, API_ERR_NOT_FOUND, NULL, "%s introuvable.", what);
		return;
	case ERR_TIMEOUT:
		http_response_header(c->res, "Retry-After", API_RETRY_AFTER_S);
		api_fail(c, API_ERR_TIMEOUT, NULL, NULL);
		return;
	default:
		api_fail(c, API_ERR_INTERNAL,
			 "La base de données n'a pas pu enregistrer l'opération : rien n'a été "
			 "modifié. Réessayez ; si cela persiste, prévenez le coordinateur.",
			 NULL);
	}
}

bool api_has_role(const struct api_ctx *c, unsigned roles)
{
	return c->authed && (c->account.roles & roles) != 0;
}

static void set_clock(struct api_ctx *c)
{
	time_t t = c->app->fixed_now ? (time_t)c->app->fixed_now : time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	c->now = (int64_t)t;
	c->today = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	c->minute = tm.tm_hour * 60 + tm.tm_min;
}

static bool changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* The store's role bits are the core's access roles. */
_Static_assert((int)DB_ROLE_COORDINATOR == (int)ACCESS_ROLE_COORDINATOR &&
		       (int)DB_ROLE_SECRETARY == (int)ACCESS_ROLE_SECRETARY &&
		       (int)DB_ROLE_DELEGUE == (int)ACCESS_ROLE_DELEGUE &&
		       (int)DB_ROLE_DELEGANT == (int)ACCESS_ROLE_DELEGANT,
	       "account roles and access roles differ");
_Static_assert((API_SIGNED_IN & API_ANY_ROLE) == 0, "API_SIGNED_IN is not a role");

/* More adhesions than that for one professional in one structure are not read (a structure
 * adopts at most API_MAX_PROTOCOLS protocols; a few periods and roles each). */
#define CALLER_ADHESIONS_MAX 1024

bool api_effective_roles(struct api_ctx *c, int64_t structure_id, int64_t professional_id,
			 unsigned stored_roles, struct access_caller *out)
{
	struct db_professional_adhesion *rows = NULL;
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	if (professional_id &&
	    db_adhesions_of_professional(c->db, professional_id, structure_id,
					 CALLER_ADHESIONS_MAX, c->a, &rows, &n) != COOP_OK)
		return false;
	struct access_adhesion *facts = arena_alloc(c->a, (n ? n : 1) * sizeof(*facts));
	if (!facts)
		return false;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		/* the profession does not decide a role; unknown, it allows nothing */
		enum profession prof = profession_of(rows[i].profession);
		facts[kept].adoption_id = rows[i].adhesion.adoption_id;
		if (facts_adhesion(&rows[i].adhesion, prof, &facts[kept].adhesion))
			kept++; /* a row whose role the core does not know gives no role */
	}
	access_caller_derive(stored_roles, professional_id, facts, kept, c->today, out);
	return true;
}

/* Puts in c->account the structure the session works in, with the roles and the professional
 * held there: the home structure (the account's own row) or a membership. False when the
 * membership is gone or cannot be read: the session is then treated as signed out. */
static bool session_structure(struct api_ctx *c)
{
	if (c->session.structure_id != 0 && c->session.structure_id != c->account.structure_id) {
		struct db_membership m;
		if (db_membership_get(c->db, c->account.id, c->session.structure_id, c->a, &m) !=
		    COOP_OK)
			return false;
		c->account.structure_id = m.structure_id;
		c->account.roles = m.roles;
		c->account.professional_id = m.professional_id;
	}
	return true;
}

/* Whether the signed-in account may still be used today (core/account.h): a session outlives
 * neither a disabling nor the account's end date. */
static bool account_usable(const struct api_ctx *c)
{
	struct account_facts f;
	facts_account(&c->account, &f);
	return account_state(&f, c->today) == ACCOUNT_USABLE;
}

/* The caller's effective roles there (api_effective_roles()), kept in c->caller and in
 * c->account.roles: every role check sees the roles of today. False when they cannot be
 * read. */
static bool effective_roles(struct api_ctx *c)
{
	if (!api_effective_roles(c, c->account.structure_id, c->account.professional_id,
				 c->account.roles, &c->caller))
		return false;
	c->account.roles = c->caller.roles;
	return true;
}

bool api_begin(struct api_ctx *c, struct http_request *req, struct http_response *res,
	       void *app, unsigned roles)
{
	memset(c, 0, sizeof(*c));
	c->app = app;
	c->req = req;
	c->res = res;
	c->a = req->arena;
	set_clock(c);
	c->db = request_db(c->app, req);
	if (!c->db) {
		api_fail(c, API_ERR_UNAVAILABLE,
			 "La base de données est indisponible pour le moment. Réessayez dans un "
			 "instant.",
			 NULL);
		return false;
	}
	/* the request's time bound, from now; the previous request's lapses here */
	db_set_deadline(c->db, c->app->query_timeout_ms > 0 ? c->app->query_timeout_ms
							    : API_QUERY_TIMEOUT_MS);
	size_t token_len = 0;
	const char *token = http_request_cookie(req, API_COOKIE, &token_len);
	char token_hash[AUTH_TOKEN_HASH_HEX];
	enum coop_err e = ERR_NOT_FOUND;
	if (token && auth_token_hash(token, token_len, token_hash) == COOP_OK)
		e = db_session_get(c->db, token_hash, c->a, &c->session);
	if (e == COOP_OK && c->session.expires_at > c->now)
		e = db_account_get(c->db, c->session.account_id, c->a, &c->account);
	if (e == ERR_TIMEOUT) { /* not "signed out": the session could not be read in time */
		api_store_error(c, e, "Session");
		return false;
	}
	if (e == COOP_OK && c->session.expires_at > c->now && session_structure(c) &&
	    account_usable(c))
		c->authed = true;
	if (c->authed && !effective_roles(c)) {
		c->authed = false;
		if (roles != API_PUBLIC) {
			api_fail(c, API_ERR_UNAVAILABLE,
				 "La base de données est indisponible pour le moment. Réessayez "
				 "dans un instant.",
				 NULL);
			return false;
		}
	}
	if (roles == API_PUBLIC)
		return true;
	if (!c->authed) {
		api_fail(c, API_ERR_UNAUTHENTICATED,
			 "Vous n'êtes pas connecté, ou votre session a expiré : reconnectez-vous.",
			 NULL);
		return false;
	}
	if (changes_state(req->method)) {
		const char *csrf = http_request_header(req, API_CSRF_HEADER);
		if (!csrf || !auth_csrf_equal(c->session.csrf_token, csrf, strlen(csrf))) {
			api_fail(c, API_ERR_CSRF,
				 "Requête refusée : jeton anti-falsification absent ou faux. "
				 "Rechargez la page.",
				 NULL);
			return false;
		}
	}
	if (!(roles & API_SIGNED_IN) && !api_has_role(c, roles)) {
		api_fail(c, API_ERR_FORBIDDEN, "Votre rôle ne permet pas cette action.", NULL);
		return false;
	}
	/* sliding idle expiry, within the absolute maximum; the browser's cookie slides too */
	int64_t until = c->now + AUTH_SESSION_IDLE;
	if (until > c->session.created_at + AUTH_SESSION_MAX)
		until = c->session.created_at + AUTH_SESSION_MAX;
	if (c->now - c->session.last_seen >= 60 &&
	    db_session_touch(c->db, c->session.token_hash, c->now, until) == COOP_OK) {
		char *cookie = arena_alloc(c->a, 256);
		if (cookie) {
			snprintf(cookie, 256, "%s=%.*s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
				 API_COOKIE, (int)token_len, token, (long long)(until - c->now),
				 c->app->secure_cookies ? "; Secure" : "");
			http_response_header(c->res, "Set-Cookie", cookie);
		}
	}
	return true;
}

json_t *api_body(struct api_ctx *c, const char *const *allowed)
{
	json_t *body = NULL;
	const char *message = NULL;
	enum coop_err e = http_request_json(c->req, API_JSON_DEPTH, &body, &message);
	if (e != COOP_OK) {
		if (e == ERR_NOMEM)
			api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		else
			api_fail(c, API_ERR_INVALID_JSON,
				 message ? message
					 : "Le corps de la requête n'est pas un objet JSON valide.",
				 NULL);
		return NULL;
	}
	const char *key;
	json_t *value;
	json_object_foreach(body, key, value) {
		bool known = false;
		for (size_t i = 0; allowed && allowed[i]; i++)
			known |= strcmp(allowed[i], key) == 0;
		if (!known) {
			api_failf(c, API_ERR_UNKNOWN_FIELD, key, "Champ inconnu : « %.60s ».", key);
			return NULL;
		}
	}
	return body;
}

/* ------------------------------------------------------------------ request-field readers */

/* True when the field is absent or JSON null (the same for every reader). */
static bool absent(const json_t *v)
{
	return !v || json_is_null(v);
}

static void fail_required(struct api_ctx *c, const char *key)
{
	api_fail_field(c, API_ERR_REQUIRED, key, "est obligatoire", "sont obligatoires");
}

/* v[0..len) as a decimal integer of 1 to max_digits plain digits; false otherwise. */
static bool parse_digits(const char *v, size_t len, size_t max_digits, int64_t *out)
{
	int64_t n = 0;
	bool ok = v && len >= 1 && len <= max_digits;
	for (size_t i = 0; ok && i < len; i++) {
		ok = v[i] >= '0' && v[i] <= '9';
		n = n * 10 + (v[i] - '0');
	}
	if (ok)
		*out = n;
	return ok;
}

/* An id has at most 15 digits (below 2^53: exact in a JavaScript number); any integer of 18
 * digits fits in int64_t. */
#define ID_DIGITS_MAX 15
#define INT_DIGITS_MAX 18

bool api_str(struct api_ctx *c, json_t *obj, const char *key, size_t max, bool required,
	     const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (absent(v)) {
		if (required) {
			fail_required(c, key);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		api_fail_field(c, API_ERR_INVALID, key, "doit être un texte",
			       "doivent être un texte");
		return false;
	}
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	/* jansson already refuses invalid UTF-8 and \u0000 */
	if (len > max || memchr(s, '\0', len)) {
		char one[80], many[80];
		snprintf(one, sizeof(one), "doit compter %zu caractères au plus", max);
		snprintf(many, sizeof(many), "doivent compter %zu caractères au plus", max);
		api_fail_field(c, API_ERR_INVALID, key, one, many);
		return false;
	}
	if (required && len == 0) {
		fail_required(c, key);
		return false;
	}
	*out = s;
	return true;
}

bool api_ident(struct api_ctx *c, json_t *obj, const char *key, enum ident_kind kind,
	       const char **out)
{
	const char *raw = NULL;
	*out = NULL;
	if (!api_str(c, obj, key, IDENT_INPUT_MAX, false, &raw))
		return false;
	if (!raw || !*raw)
		return true;
	char value[IDENT_NORM_SIZE], msg[IDENT_MSG_SIZE];
	if (!ident_parse(kind, raw, strlen(raw), value, sizeof(value), msg, sizeof(msg))) {
		const char *label = api_field_label(c, key, NULL);
		api_failf(c, API_ERR_INVALID_IDENTIFIER, key, "%s : %s.",
			  label ? label : ident_kind_label(kind), msg);
		return false;
	}
	*out = arena_strdup(c->a, value);
	if (!*out)
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
	return *out != NULL;
}

bool api_id(struct api_ctx *c, json_t *obj, const char *key, bool required, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	*out = 0;
	if (absent(v)) {
		if (required) {
			fail_required(c, key);
			return false;
		}
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		api_fail_field(c, API_ERR_INVALID, key, "n'est pas valide", "ne sont pas valides");
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

/* "doit être un nombre entier de 0 à 6" */
static void fail_range(struct api_ctx *c, const char *key, int64_t min, int64_t max)
{
	char one[96], many[96];
	snprintf(one, sizeof(one), "doit être un nombre entier de %lld à %lld", (long long)min,
		 (long long)max);
	snprintf(many, sizeof(many), "doivent être des nombres entiers de %lld à %lld",
		 (long long)min, (long long)max);
	api_fail_field(c, API_ERR_INVALID, key, one, many);
}

bool api_int(struct api_ctx *c, json_t *obj, const char *key, int64_t min, int64_t max,
	     bool required, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (absent(v)) {
		if (required) {
			fail_required(c, key);
			return false;
		}
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		fail_range(c, key, min, max);
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

bool api_bool(struct api_ctx *c, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	*out = false;
	if (absent(v))
		return true;
	if (!json_is_boolean(v)) {
		api_fail_field(c, API_ERR_INVALID, key, "doit valoir oui ou non",
			       "doivent valoir oui ou non");
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static void fail_date(struct api_ctx *c, const char *key)
{
	api_fail_field(c, API_ERR_INVALID, key, "doit être une date valide",
		       "doivent être des dates valides");
}

bool api_date(struct api_ctx *c, json_t *obj, const char *key, bool required, coop_date *out,
	      bool *present)
{
	const char *s = NULL;
	if (present)
		*present = false;
	/* longer than YYYY-MM-DD is not a date: said as such, not as a length */
	json_t *v = json_object_get(obj, key);
	if (json_is_string(v) && json_string_length(v) > 10) {
		fail_date(c, key);
		return false;
	}
	if (!api_str(c, obj, key, 10, required, &s))
		return false;
	if (!s)
		return true;
	coop_date d;
	if (!date_parse(s, strlen(s), &d)) {
		fail_date(c, key);
		return false;
	}
	*out = d;
	if (present)
		*present = true;
	return true;
}

bool api_query_date(struct api_ctx *c, const char *name, bool *has, coop_date *out)
{
	const char *v = NULL;
	size_t len = 0;
	*has = false;
	enum coop_err e = http_request_query(c->req, name, &v, &len);
	if (e == ERR_NOT_FOUND)
		return true;
	coop_date d;
	if (e != COOP_OK || !date_parse(v, len, &d)) {
		fail_date(c, name);
		return false;
	}
	*out = d;
	*has = true;
	return true;
}

bool api_query_int(struct api_ctx *c, const char *name, int64_t min, int64_t max, int64_t *out)
{
	const char *v = NULL;
	size_t len = 0;
	enum coop_err e = http_request_query(c->req, name, &v, &len);
	if (e == ERR_NOT_FOUND)
		return true;
	int64_t n = 0;
	if (e != COOP_OK || !parse_digits(v, len, INT_DIGITS_MAX, &n) || n < min || n > max) {
		fail_range(c, name, min, max);
		return false;
	}
	*out = n;
	return true;
}

bool api_param_id(struct api_ctx *c, const char *name, int64_t *out)
{
	size_t len = 0;
	const char *v = http_request_param(c->req, name, &len);
	int64_t id = 0;
	if (!parse_digits(v, len, ID_DIGITS_MAX, &id) || id < 1) {
		api_fail(c, API_ERR_NOT_FOUND, "Identifiant inconnu.", name);
		return false;
	}
	*out = id;
	return true;
}

bool api_audit_change(json_t *before, json_t *after, char **b_text, char **a_text)
{
	return jsondiff_record(before, after, b_text, a_text);
}

enum coop_err api_audit_stored(struct api_ctx *c, const char *action, const char *entity,
			       int64_t id, const char *b_text, const char *a_text)
{
	return db_audit_append_in(c->db, c->authed ? c->account.structure_id : 0, c->now,
				  c->authed ? c->account.id : 0, action, entity, id, b_text,
				  a_text);
}

/* Stores the change texts b and a (when `made`, else memory ran out), then frees them. */
static enum coop_err store_change(struct api_ctx *c, const char *action, const char *entity,
				  int64_t id, bool made, char *b, char *a)
{
	enum coop_err e = made ? api_audit_stored(c, action, entity, id, b, a) : ERR_NOMEM;
	free(b);
	free(a);
	return e;
}

enum coop_err api_audit(struct api_ctx *c, const char *action, const char *entity, int64_t id,
			json_t *before, json_t *after)
{
	char *b = NULL, *a = NULL;
	bool made = api_audit_change(before, after, &b, &a);
	return store_change(c, action, entity, id, made, b, a);
}

/* Read traces. Durable (the default): each reader answers only once its own record is on disk
 * (nothing served untraced), through db_audit_trace(), which writes it inside the next write's
 * commit, or commits every waiting trace at once when no write is under way: one fsync covers
 * many reads. Deferred (--deferred-read-traces): a background thread writes them in groups
 * and the reader does not wait. */
struct trace_record {
	int64_t at, account_id, structure_id, entity_id;
	const char *action, *entity;
	char *after_json; /* malloc'd, or NULL */
	struct trace_record *next;
};

/* Deferred traces: writes a batch of records in one transaction; returns the outcome for all of them. */
static enum coop_err write_traces(struct db *db, struct trace_record *batch)
{
	enum coop_err e = db_begin(db);
	for (struct trace_record *r = batch; e == COOP_OK && r; r = r->next)
		e = db_audit_append_in(db, r->structure_id, r->at, r->account_id, r->action,
				       r->entity, r->entity_id, NULL, r->after_json);
	if (e == COOP_OK)
		e = db_commit(db);
	if (e != COOP_OK)
		db_rollback(db);
	return e;
}

/* ---- deferred read traces: a background thread writes the queue in groups ---- */

#define DEFERRED_QUEUE_MAX 20000 /* readers wait beyond this (the disk cannot keep up) */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;    /* records queued, or stop */
	pthread_cond_t drained; /* the queue shrank */
	struct trace_record *head, *tail;
	size_t queued;
	bool running, stop;
	pthread_t thread;
	struct db *db;
} deferred = {.lock = PTHREAD_MUTEX_INITIALIZER,
	      .wake = PTHREAD_COND_INITIALIZER,
	      .drained = PTHREAD_COND_INITIALIZER};

static void free_traces(struct trace_record *r)
{
	while (r) {
		struct trace_record *next = r->next;
		free(r->after_json);
		free(r);
		r = next;
	}
}

static void *deferred_writer(void *arg)
{
	(void)arg;
	int failures = 0;
	pthread_mutex_lock(&deferred.lock);
	for (;;) {
		while (!deferred.head && !deferred.stop)
			pthread_cond_wait(&deferred.wake, &deferred.lock);
		if (!deferred.head)
			break; /* stopping, nothing left */
		struct trace_record *batch = deferred.head;
		size_t n = deferred.queued;
		deferred.head = deferred.tail = NULL;
		deferred.queued = 0;
		pthread_cond_broadcast(&deferred.drained);
		pthread_mutex_unlock(&deferred.lock);
		enum coop_err e = write_traces(deferred.db, batch);
		if (e == COOP_OK) {
			failures = 0;
			free_traces(batch);
		} else {
			/* keep them and retry: a trace is dropped only when stopping keeps failing */
			fprintf(stderr, "coop : écriture du journal des lectures impossible (%s) ; "
					"nouvel essai.\n",
				err_str(e));
			struct timespec pause = {0, 100 * 1000 * 1000};
			nanosleep(&pause, NULL);
			if (deferred.stop && ++failures >= 20) {
				fprintf(stderr, "coop : %zu traces de lecture perdues à l'arrêt.\n", n);
				free_traces(batch);
			} else {
				pthread_mutex_lock(&deferred.lock);
				struct trace_record *last = batch;
				while (last->next)
					last = last->next;
				last->next = deferred.head;
				if (!deferred.head)
					deferred.tail = last;
				deferred.head = batch;
				deferred.queued += n;
				pthread_mutex_unlock(&deferred.lock);
			}
		}
		pthread_mutex_lock(&deferred.lock);
	}
	pthread_mutex_unlock(&deferred.lock);
	return NULL;
}

enum coop_err app_start_tracer(struct app *app, char *msg, size_t msg_size)
{
	struct db_options opts = {.create = false, .migrate = false};
	/* every protocol file that may decide is kept by its hash first, for replays */
	struct db *db = NULL;
	enum coop_err e = db_open(app->db_path, &opts, &db, msg, msg_size);
	if (e == COOP_OK)
		e = replay_store_protocols(db, app->protocols, app->n_protocols,
					   app->fixed_now ? app->fixed_now : (int64_t)time(NULL),
					   msg, msg_size);
	db_close(db);
	if (e != COOP_OK)
		return e == ERR_CONFLICT ? ERR_CONFLICT : ERR_IO;
	if (app->durable_read_traces || deferred.running)
		return COOP_OK;
	if (db_open(app->db_path, &opts, &deferred.db, msg, msg_size) != COOP_OK)
		return ERR_IO;
	deferred.stop = false;
	if (pthread_create(&deferred.thread, NULL, deferred_writer, NULL) != 0) {
		db_close(deferred.db);
		deferred.db = NULL;
		snprintf(msg, msg_size, "impossible de démarrer l'écriture du journal des lectures");
		return ERR_INTERNAL;
	}
	deferred.running = true;
	return COOP_OK;
}

void app_stop_tracer(struct app *app)
{
	(void)app;
	if (!deferred.running)
		return;
	pthread_mutex_lock(&deferred.lock);
	deferred.stop = true;
	pthread_cond_signal(&deferred.wake);
	pthread_mutex_unlock(&deferred.lock);
	pthread_join(deferred.thread, NULL);
	deferred.running = false;
	db_close(deferred.db);
	deferred.db = NULL;
}

/* Queues a copy of the trace for the background writer; false when it is not running. */
static bool defer_trace(const struct trace_record *rec)
{
	struct trace_record *copy = malloc(sizeof(*copy));
	if (!copy)
		return false;
	*copy = *rec;
	copy->next = NULL;
	pthread_mutex_lock(&deferred.lock);
	if (!deferred.running || deferred.stop) {
		pthread_mutex_unlock(&deferred.lock);
		free(copy);
		return false;
	}
	while (deferred.queued >= DEFERRED_QUEUE_MAX && !deferred.stop)
		pthread_cond_wait(&deferred.drained, &deferred.lock);
	if (deferred.tail)
		deferred.tail->next = copy;
	else
		deferred.head = copy;
	deferred.tail = copy;
	deferred.queued++;
	pthread_cond_signal(&deferred.wake);
	pthread_mutex_unlock(&deferred.lock);
	return true;
}

bool api_trace_read(struct api_ctx *c, const char *action, const char *entity, int64_t id,
		    json_t *what)
{
	struct trace_record rec = {.at = c->now,
				   .account_id = c->authed ? c->account.id : 0,
				   .structure_id = c->authed ? c->account.structure_id : 0,
				   .entity_id = id,
				   .action = action,
				   .entity = entity,
				   .after_json = what ? json_dumps(what, JSON_COMPACT)
						      : NULL};
	if (what && !rec.after_json) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return false;
	}
	/* the deferred writer owns the copy (and its JSON) from here */
	if (!c->app->durable_read_traces && defer_trace(&rec))
		return true;
	/* from here the read waits for the disk: its read slot goes to another read */
	http_request_yield(c->req);
	struct db_trace t = {.at = rec.at,
			     .account_id = rec.account_id,
			     .structure_id = rec.structure_id,
			     .entity_id = rec.entity_id,
			     .action = rec.action,
			     .entity = rec.entity,
			     .after_json = rec.after_json};
	enum coop_err e = db_audit_trace(c->db, &t);
	free(rec.after_json);
	if (e != COOP_OK) {
		/* a read that cannot be traced is not served */
		api_store_error(c, e, "Journal d'audit");
		return false;
	}
	return true;
}

json_t *api_date_json(coop_date d)
{
	char buf[16];
	date_format_iso(d, buf, sizeof(buf));
	return json_string(buf);
}

/* ------------------------------------------------------------------ non-data resources */

void api_health(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_PUBLIC))
		return;
	http_respond_json(res, 200,
			  json_pack("{s:s, s:i, s:I}", "status", "ok", "schema",
				    db_schema_version(c.db), "protocols",
				    (json_int_t)c.app->n_protocols));
}

void api_openapi(struct http_request *req, struct http_response *res, void *app)
{
	(void)app;
	(void)req;
	json_error_t jerr;
	json_t *doc = json_load_file("docs/api/openapi.json", JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		api_fail_res(res, API_ERR_INTERNAL,
			     "Le document OpenAPI est introuvable sur ce serveur.", NULL);
		return;
	}
	http_respond_json(res, 200, doc);
}

static const char home_page[] =
	"<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
	"<title>Coop</title></head><body>"
	"<h1>Coop</h1>"
	"<p>Le serveur fonctionne. L'interface web arrive bientôt ; en attendant, l'API est "
	"décrite par <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>"
	"</body></html>\n";

/* ------------------------------------------------------------------ static files (web/) */

#define STATIC_MAX_BYTES (2 * 1024 * 1024)

/* The content type of a file served from web/, or NULL for a name we do not serve. */
static const char *static_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		     {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
		     {".png", "image/png"},                 {".woff2", "font/woff2"}};
	size_t n = strlen(name);
	if (n == 0 || name[0] == '.')
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* Answers the file web_dir/name (read whole into the arena, bounded); false when absent. */
static bool serve_file(struct http_request *req, struct http_response *res, const struct app *a,
		       const char *name)
{
	const char *type = static_type(name);
	if (!a->web_dir || !type)
		return false;
	char path[1024];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", a->web_dir, name) >= sizeof(path))
		return false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool ok = false;
	char *data = NULL;
	long size = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (size >= 0 && size <= STATIC_MAX_BYTES && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = arena_alloc(req->arena, (size_t)size + 1)) != NULL &&
	    fread(data, 1, (size_t)size, f) == (size_t)size)
		ok = true;
	fclose(f);
	if (!ok)
		return false;
	/* revalidated at each load: a new version of Coop shows at once */
	http_response_header(res, "Cache-Control", "no-cache");
	http_respond_bytes(res, 200, type, data, (size_t)size);
	return true;
}

void api_static(struct http_request *req, struct http_response *res, void *app)
{
	const char *name = http_request_param_str(req, "file");
	if (!name || !serve_file(req, res, app, name))
		api_fail_res(res, API_ERR_NOT_FOUND, "Fichier introuvable.", NULL);
}

void api_home(struct http_request *req, struct http_response *res, void *app)
{
	/* the web interface when web/ is there, else a page saying the server runs */
	if (!serve_file(req, res, app, "index.html"))
		http_respond_html(res, 200, home_page, sizeof(home_page) - 1);
}
