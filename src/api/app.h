/*
 * app.h — the Coop application behind the HTTP server: its route table, shared state and the
 * helpers every resource handler uses (authentication, roles, the store, the audit, JSON).
 *
 * A handler runs on one of the server's pool threads. It calls api_begin() first, which opens
 * the thread's database connection (one per thread, kept for the thread's life), authenticates
 * the session cookie, checks the CSRF header on state-changing methods and the caller's roles,
 * and answers the error itself when something fails. Handlers then parse, ask the core, persist
 * inside one transaction with its audit record, and render.
 */
#ifndef COOP_API_APP_H
#define COOP_API_APP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/errors.h"
#include "core/access.h"
#include "core/date.h"
#include "core/ident.h"
#include "http/server.h"
#include "protocol/protocol.h"
#include "store/db.h"

#define API_COOKIE "coop_session"
#define API_CSRF_HEADER "X-CSRF-Token"
#define API_JSON_DEPTH 8
#define API_MAX_PROTOCOLS 64
#define API_MAX_TRUSTED_PROXIES 8
/* The default time bound of a request's reads (db_set_deadline()): far above what any list or
 * search of a page needs, short enough that a runaway read frees its thread soon. */
#define API_QUERY_TIMEOUT_MS 2000
/* What a request interrupted by its time bound tells the client to wait (Retry-After). */
#define API_RETRY_AFTER_S "2"

struct app {
	const char *db_path;
	struct protocol *protocols[API_MAX_PROTOCOLS]; /* loaded at start, read-only after */
	size_t n_protocols;
	int64_t fixed_now;    /* 0: the real clock; else this unix time (tests) */
	bool secure_cookies;  /* add "Secure" to the session cookie (behind HTTPS) */
	/* read traces: true (`coop serve`'s default) = each read waits for its trace on disk
	 * (grouped with the reads waiting at that moment); false (--deferred-read-traces) =
	 * written by a background thread within milliseconds of the read (see api.md) */
	bool durable_read_traces;
	const char *web_dir;  /* static files of the web interface (web/), or NULL */
	int login_limit;      /* unsuccessful sign-in attempts per minute per client address;
			       * 0: the default 100 */
	/* the time bound of a request's reads, milliseconds of CPU time (ten times that on the
	 * clock: db_set_deadline()) (coop serve --query-timeout); 0: API_QUERY_TIMEOUT_MS */
	int64_t query_timeout_ms;
	/* peers whose X-Forwarded-For names the client (coop serve --trusted-proxy) */
	const char *trusted_proxies[API_MAX_TRUSTED_PROXIES];
	size_t n_trusted_proxies;
	struct http_router router;
};

/* Loads the protocols of protocols_dir and checks the route table. On failure a French message
 * goes to msg. */
enum coop_err app_init(struct app *app, const char *db_path, const char *protocols_dir,
		       char *msg, size_t msg_size);
void app_free(struct app *app);

/* Keeps every loaded protocol file in the database by its hash (for replays: api/replay.h),
 * then starts the background writer of read traces (unless app->durable_read_traces); call before
 * serving. app_stop_tracer() writes what is queued and stops it; call after the server stopped.
 * ERR_IO (message in msg) when its database connection cannot be opened. */
enum coop_err app_start_tracer(struct app *app, char *msg, size_t msg_size);
void app_stop_tracer(struct app *app);

/* Closes a database connection the API kept in a pool thread's slot: the server's
 * worker_data_free (http/server.h). */
void app_worker_data_free(void *data);

/* The route table (also used to check the OpenAPI document). */
const struct http_route *app_routes(size_t *count);

/* What a handler knows about the request once api_begin() accepted it. */
struct api_ctx {
	struct app *app;
	struct http_request *req;
	struct http_response *res;
	struct db *db;
	struct arena *a;
	int64_t now;          /* unix seconds */
	coop_date today;      /* local date */
	int minute;           /* local minute of the day */
	bool authed;
	/* the signed-in account as it works now: structure_id, roles and professional_id are
	 * those of the structure the session chose (its home one, or a membership) */
	struct db_account account;
	struct db_session session;
	/* who the caller is there today (core/access.h): coordinator and secretary as the account
	 * holds them, délégué and délégant from the adhesions active today, with the adoptions the
	 * caller is délégué and délégant of; account.roles holds the same effective bits */
	struct access_caller caller;
};

/* Who may call a handler: a set of enum db_role bits (the caller's effective roles, see
 * api_effective_roles()); API_PUBLIC for no session at all; API_SIGNED_IN for any signed-in
 * account, even one that holds no role today (its session: read it, leave it). */
#define API_PUBLIC 0u
#define API_ANY_ROLE (DB_ROLE_COORDINATOR | DB_ROLE_SECRETARY | DB_ROLE_DELEGUE | DB_ROLE_DELEGANT)
#define API_SIGNED_IN (1u << 30)

/* Prepares c for a handler; false when it already answered an error (no session, expired,
 * the session's chosen structure no longer the account's, CSRF token missing, role not
 * allowed, database unavailable, time bound reached). It bounds the time of the request's
 * reads: app->query_timeout_ms from now (db_set_deadline(); writes are never interrupted), the
 * bound replaced by the next request's on the thread's connection; a read that reaches it
 * answers 503 "timeout" with Retry-After (api_store_error()). */
bool api_begin(struct api_ctx *c, struct http_request *req, struct http_response *res,
	       void *app, unsigned roles);

/* Who an account is today in a structure (core/access.h: access_caller_derive()): the stored
 * roles' coordinator and secretary bits, and délégué / délégant from the adhesions of
 * professional_id (one of that structure's; 0: none) active today, with the adoptions of each.
 * The roles to show or check are out->roles (enum db_role bits). False (out zeroed, nothing
 * answered) when the adhesions cannot be read. api_begin() fills c->caller with it. */
bool api_effective_roles(struct api_ctx *c, int64_t structure_id, int64_t professional_id,
			 unsigned stored_roles, struct access_caller *out);

/* True when the caller holds one of the roles (effective today). */
bool api_has_role(const struct api_ctx *c, unsigned roles);

/* The protocol of that id, or NULL. */
const struct protocol *app_protocol(const struct app *app, const char *id);

/* The patient of the query parameter patient_id (GET /protocols?patient_id=N), read in the
 * caller's structure and traced: *has false when the parameter is absent. False (error
 * answered) when it is not an id, the patient is not found, or the read cannot be traced. */
bool api_fit_patient(struct api_ctx *c, struct db_patient *out, bool *has);
/* Adds to o whether protocol p fits that patient today (engine_scope(): the age bounds and
 * sexes of the version in force): "fits_patient" and, when not, "unfit_reason" (one French
 * sentence; else null). */
void api_fit_json(struct api_ctx *c, const struct protocol *p, const struct db_patient *pt,
		  json_t *o);

/* Errors are answered from the table of src/api/errors.h: api_fail(c, API_ERR_..., message or
 * NULL, field), api_fail_field() and the others declared there. */

/* Answers a store failure: ERR_CONFLICT 409 "conflict", ERR_NOT_FOUND 404 "not_found"
 * ("<what> introuvable."), ERR_TIMEOUT 503 "timeout" with Retry-After, anything else 500
 * "internal" (nothing was changed). */
void api_store_error(struct api_ctx *c, enum coop_err e, const char *what);

/* The body as a JSON object checked against the allowed keys (NULL-terminated list): an unknown
 * key is refused naming it. NULL (error answered: invalid_json, unknown_field) on failure. */
json_t *api_body(struct api_ctx *c, const char *const *allowed);

/* The words the user sees for the body or query field `key` of the current route ("La date de
 * naissance"), capitalised with its article; NULL when the table has none. *plural (may be
 * NULL) says whether the verb agrees in the plural ("Les prénoms sont..."). Static strings. */
const char *api_field_label(const struct api_ctx *c, const char *key, bool *plural);
/* Answers kind (a 400 of the table: API_ERR_INVALID, API_ERR_REQUIRED...) naming the field by
 * its label: "<label> <singular>." (or <plural> when the label is plural and plural is not
 * NULL), e.g. "La date de naissance doit être une date valide." The error's `field` stays the
 * API key, for the screens to place it. */
void api_fail_field(struct api_ctx *c, enum api_error_kind kind, const char *key,
		    const char *singular, const char *plural);

/* ---- request-field readers: each answers its own French error (naming the field by its
 * label, `field` = key) and returns false; absent and JSON null are the same. ---- */

/* Reads a string field: NULL when absent or null; false (error answered) when of another
 * type, longer than max bytes or not valid text, or when required and absent or empty. */
bool api_str(struct api_ctx *c, json_t *obj, const char *key, size_t max, bool required,
	     const char **out);
/* Reads an optional identifier field (NIR, RPPS, ADELI, FINESS, SIRET...): NULL when absent,
 * null or empty; otherwise checked and normalised by ident_parse() (arena copy), or false with a
 * French 400 "invalid_identifier" naming the field. */
bool api_ident(struct api_ctx *c, json_t *obj, const char *key, enum ident_kind kind,
	       const char **out);
/* Reads an integer field >= 1 (an id or a version); 0 when absent and not required. */
bool api_id(struct api_ctx *c, json_t *obj, const char *key, bool required, int64_t *out);
/* Reads an integer field in [min, max]; *out unchanged when absent and not required.
 * "invalid" ("… doit être un nombre entier de <min> à <max>.") otherwise. */
bool api_int(struct api_ctx *c, json_t *obj, const char *key, int64_t min, int64_t max,
	     bool required, int64_t *out);
/* Reads an optional yes/no field: false when absent or null; "invalid" when not a boolean. */
bool api_bool(struct api_ctx *c, json_t *obj, const char *key, bool *out);
/* Reads an ISO date field (YYYY-MM-DD, a real calendar day). *present (may be NULL) says
 * whether it was given; *out unchanged when absent. "required" when required and absent or
 * empty, "invalid" ("… doit être une date valide.") when not a date. */
bool api_date(struct api_ctx *c, json_t *obj, const char *key, bool required, coop_date *out,
	      bool *present);
/* The same for an optional query parameter (?from=2026-12-01): *has false when absent. */
bool api_query_date(struct api_ctx *c, const char *name, bool *has, coop_date *out);
/* Reads an optional query parameter as an integer in [min, max] (plain digits): *out unchanged
 * when absent; "invalid" naming the parameter otherwise. */
bool api_query_int(struct api_ctx *c, const char *name, int64_t min, int64_t max,
		   int64_t *out);
/* The route parameter {name} as an id; false (404 answered) when not a positive integer. */
bool api_param_id(struct api_ctx *c, const char *name, int64_t *out);

/* Appends an audit record in the current transaction; before and after are borrowed. When
 * both are objects the record stores only what changed (store/jsondiff.h: the changed keys,
 * recursively, with their value before and after); otherwise the documents whole. */
enum coop_err api_audit(struct api_ctx *c, const char *action, const char *entity, int64_t id,
			json_t *before, json_t *after);

/* What the audit record of a change from before to after stores (either may be NULL): the two
 * malloc'd texts (free() them; NULL for an absent side). False when memory runs out. */
bool api_audit_change(json_t *before, json_t *after, char **b_text, char **a_text);

/* Appends a record storing b_text and a_text exactly as given (from api_audit_change()). */
enum coop_err api_audit_stored(struct api_ctx *c, const char *action, const char *entity,
			       int64_t id, const char *b_text, const char *a_text);

/* Traces a read of patient data in its own transaction; false (error answered, and the data
 * must not be served) when the trace cannot be written. what is borrowed (may be NULL). */
bool api_trace_read(struct api_ctx *c, const char *action, const char *entity, int64_t id,
		    json_t *what);

/* The client's address: the peer's, or, when the peer is a trusted proxy, the rightmost
 * X-Forwarded-For entry that is not one (see api_session.c). Arena or request memory. */
const char *api_client_address(const struct api_ctx *c);

/* Dates as the API writes them (ISO) and reads them. */
json_t *api_date_json(coop_date d);

/* The resources (one file each). */
void api_health(struct http_request *, struct http_response *, void *);
void api_openapi(struct http_request *, struct http_response *, void *);
void api_home(struct http_request *, struct http_response *, void *);
void api_static(struct http_request *, struct http_response *, void *);
void api_session_create(struct http_request *, struct http_response *, void *);
void api_session_get(struct http_request *, struct http_response *, void *);
void api_session_delete(struct http_request *, struct http_response *, void *);
void api_session_structure(struct http_request *, struct http_response *, void *);
void api_session_password(struct http_request *, struct http_response *, void *);
void api_activation(struct http_request *, struct http_response *, void *);
void api_protocols_list(struct http_request *, struct http_response *, void *);
void api_patients_list(struct http_request *, struct http_response *, void *);
void api_patients_create(struct http_request *, struct http_response *, void *);
void api_patients_get(struct http_request *, struct http_response *, void *);
void api_patients_update(struct http_request *, struct http_response *, void *);
void api_patients_merge(struct http_request *, struct http_response *, void *);
void api_structure_get(struct http_request *, struct http_response *, void *);
void api_structure_update(struct http_request *, struct http_response *, void *);
void api_episodes_list(struct http_request *, struct http_response *, void *);
void api_episodes_create(struct http_request *, struct http_response *, void *);
void api_episodes_get(struct http_request *, struct http_response *, void *);
void api_episodes_action(struct http_request *, struct http_response *, void *);
void api_episodes_replay(struct http_request *, struct http_response *, void *);
void api_episodes_answers(struct http_request *, struct http_response *, void *);
/* POST /api/v1/episodes/{id}/preview: the answers not yet saved, checked and evaluated as a
 * save would (same "engine" and "ask"); stores nothing, traced as a read. */
void api_episodes_preview(struct http_request *, struct http_response *, void *);
void api_episodes_reachability(struct http_request *, struct http_response *, void *);
void api_professionals_list(struct http_request *, struct http_response *, void *);
void api_professionals_create(struct http_request *, struct http_response *, void *);
void api_adhesions_list(struct http_request *, struct http_response *, void *);
void api_adhesions_create(struct http_request *, struct http_response *, void *);
void api_adhesions_training(struct http_request *, struct http_response *, void *);
void api_adhesions_declarations(struct http_request *, struct http_response *, void *);
void api_protocols_sign(struct http_request *, struct http_response *, void *);
void api_protocols_signature(struct http_request *, struct http_response *, void *);
void api_episodes_prescription(struct http_request *, struct http_response *, void *);
void api_protocols_get(struct http_request *, struct http_response *, void *);
void api_protocols_adopt(struct http_request *, struct http_response *, void *);
void api_protocols_suspend(struct http_request *, struct http_response *, void *);
void api_protocols_resume(struct http_request *, struct http_response *, void *);
void api_availability_list(struct http_request *, struct http_response *, void *);
void api_availability_create(struct http_request *, struct http_response *, void *);
void api_availability_delete(struct http_request *, struct http_response *, void *);
void api_accounts_list(struct http_request *, struct http_response *, void *);
void api_accounts_create(struct http_request *, struct http_response *, void *);
void api_accounts_unlock(struct http_request *, struct http_response *, void *);
void api_accounts_code(struct http_request *, struct http_response *, void *);
void api_accounts_disable(struct http_request *, struct http_response *, void *);
void api_accounts_enable(struct http_request *, struct http_response *, void *);
void api_accounts_end_date(struct http_request *, struct http_response *, void *);
void api_audit_list(struct http_request *, struct http_response *, void *);

#endif
