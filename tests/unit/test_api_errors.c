/*
 * test_api_errors.c — the table of API errors (src/api/errors.c) and the shared request-field
 * readers of src/api/app.c.
 *
 * The table: every kind has a row; every code is a unique snake_case token, listed in the
 * OpenAPI document; every status is 400-599; every default message is a French sentence (valid
 * UTF-8, ends with a period) that names no API field; every refusal of the pathway answers the
 * row of the same code, 409 for a state conflict and 422 for a rule. The answers: api_fail()
 * writes the row's code and status with the caller's message or the default; the readers answer
 * the French error naming the field by its label, and leave the output untouched on error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the four above first */
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/errors.h"
#include "api/paging.h"

/* ------------------------------------------------------------------ the table */

static bool snake_case(const char *s)
{
	if (!s || !*s || *s == '_')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return false;
	return true;
}

static void test_every_kind_has_a_row(void **state)
{
	(void)state;
	for (int k = 0; k < API_ERR_COUNT; k++) {
		const struct api_error_info *e = api_error_info((enum api_error_kind)k);
		if (!e->code || !e->message)
			fail_msg("la sorte d'erreur n° %d n'a pas de ligne dans la table", k);
		if (!snake_case(e->code))
			fail_msg("code « %s » : attendu en minuscules et soulignés", e->code);
		enum api_error_kind back;
		assert_true(api_error_find(e->code, &back));
		assert_int_equal(back, k); /* unique: the first row with that code is this one */
	}
	enum api_error_kind none;
	assert_false(api_error_find("no_such_code", &none));
	assert_false(api_error_find(NULL, &none));
	/* out of range gives the internal error, never NULL */
	assert_string_equal(api_error_info(API_ERR_COUNT)->code, "internal");
	assert_string_equal(api_error_info((enum api_error_kind) - 1)->code, "internal");
}

static void test_codes_are_unique(void **state)
{
	(void)state;
	for (int i = 0; i < API_ERR_COUNT; i++)
		for (int j = i + 1; j < API_ERR_COUNT; j++)
			if (strcmp(api_error_info((enum api_error_kind)i)->code,
				   api_error_info((enum api_error_kind)j)->code) == 0)
				fail_msg("code « %s » en double dans la table",
					 api_error_info((enum api_error_kind)i)->code);
}

static void test_statuses_are_errors(void **state)
{
	(void)state;
	for (int k = 0; k < API_ERR_COUNT; k++) {
		const struct api_error_info *e = api_error_info((enum api_error_kind)k);
		if (e->status < 400 || e->status > 599)
			fail_msg("« %s » : statut %d hors de 400–599", e->code, e->status);
	}
	/* the statuses the clients and the API cases rely on */
	static const struct {
		enum api_error_kind kind;
		int status;
	} pinned[] = {
		{API_ERR_INVALID, 400},
		{API_ERR_REQUIRED, 400},
		{API_ERR_UNAUTHENTICATED, 401},
		{API_ERR_FORBIDDEN, 403},
		{API_ERR_CSRF, 403},
		{API_ERR_NOT_FOUND, 404},
		{API_ERR_CONFLICT, 409},
		{API_ERR_DUPLICATE, 409},
		{API_ERR_MERGED, 409},
		{API_ERR_WRONG_STATE, 409},
		{API_ERR_EPISODE_FINAL, 409},
		{API_ERR_PROTOCOL_NOT_ADOPTED, 422},
		{API_ERR_RATE_LIMITED, 429},
		{API_ERR_INTERNAL, 500},
		{API_ERR_UNAVAILABLE, 503},
	};
	for (size_t i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++)
		assert_int_equal(api_error_info(pinned[i].kind)->status, pinned[i].status);
}

/* The names of every property and parameter of the OpenAPI document: the API's field names. */
static void collect_names(json_t *node, json_t *names)
{
	if (json_is_object(node)) {
		const char *key;
		json_t *v;
		json_t *props = json_object_get(node, "properties");
		if (json_is_object(props))
			json_object_foreach(props, key, v)
				json_object_set_new(names, key, json_true());
		json_t *pname = json_object_get(node, "name");
		if (json_is_string(pname) && json_object_get(node, "in"))
			json_object_set_new(names, json_string_value(pname), json_true());
		json_object_foreach(node, key, v)
			collect_names(v, names);
	} else if (json_is_array(node)) {
		size_t i;
		json_t *v;
		json_array_foreach(node, i, v)
			collect_names(v, names);
	}
}

static json_t *load_openapi(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file("docs/api/openapi.json", JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("docs/api/openapi.json : %s (ligne %d)", jerr.text, jerr.line);
	return doc;
}

/* Does text hold word as a whole word (ASCII letters, digits and '_' around it)? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		bool left = p == text ||
			    !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
			      p[-1] == '_' || (p[-1] & 0x80));
		char r = p[n];
		bool right = !((r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_' ||
			       (r & 0x80));
		if (left && right)
			return true;
	}
	return false;
}

static void test_messages_are_french_sentences(void **state)
{
	(void)state;
	json_t *doc = load_openapi();
	json_t *names = json_object();
	collect_names(doc, names);
	/* field names that are also French words a sentence may use */
	static const char *const french[] = {"date",      "note",       "type",
					     "version",   "action",     "message",
					     "questions", "profession", "code", NULL};
	for (int k = 0; k < API_ERR_COUNT; k++) {
		const struct api_error_info *e = api_error_info((enum api_error_kind)k);
		size_t len = strlen(e->message);
		if (len < 10 || e->message[len - 1] != '.')
			fail_msg("« %s » : le message doit être une phrase finie par un point",
				 e->code);
		json_t *s = json_string(e->message); /* NULL when not valid UTF-8 */
		if (!s)
			fail_msg("« %s » : message en UTF-8 invalide", e->code);
		json_decref(s);
		if (strchr(e->message, '_') || has_word(e->message, e->code))
			fail_msg("« %s » : le message contient un nom de l'API", e->code);
		const char *name;
		json_t *v;
		json_object_foreach(names, name, v) {
			bool word = false;
			for (size_t i = 0; french[i]; i++)
				word |= strcmp(french[i], name) == 0;
			if (!word && has_word(e->message, name))
				fail_msg("« %s » : le message nomme le champ « %s »", e->code,
					 name);
		}
	}
	json_decref(names);
	json_decref(doc);
}

/* The codes answered by the HTTP layer itself (src/http/server.c), not by the application. */
static const char *const http_codes[] = {"too_large",       "length_required",
					 "uri_too_long",    "headers_too_large",
					 "not_implemented", "method_not_allowed",
					 "invalid_path",    NULL};

static void test_openapi_lists_every_code(void **state)
{
	(void)state;
	json_t *doc = load_openapi();
	json_t *code = json_object_get(
		json_object_get(
			json_object_get(
				json_object_get(json_object_get(json_object_get(doc, "components"),
								"schemas"),
						"Error"),
				"properties"),
			"error"),
		"properties");
	json_t *codes = json_object_get(json_object_get(code, "code"), "enum");
	if (!json_is_array(codes))
		fail_msg("docs/api/openapi.json : components.schemas.Error, code sans « enum »");
	for (int k = 0; k < API_ERR_COUNT; k++) {
		const char *want = api_error_info((enum api_error_kind)k)->code;
		bool found = false;
		size_t i;
		json_t *v;
		json_array_foreach(codes, i, v)
			found |= json_is_string(v) && strcmp(json_string_value(v), want) == 0;
		if (!found)
			fail_msg("code « %s » absent de l'énumération du document OpenAPI", want);
	}
	size_t i;
	json_t *v;
	json_array_foreach(codes, i, v) {
		enum api_error_kind kind;
		bool known = json_is_string(v) && api_error_find(json_string_value(v), &kind);
		for (size_t h = 0; !known && json_is_string(v) && http_codes[h]; h++)
			known = strcmp(http_codes[h], json_string_value(v)) == 0;
		if (!known)
			fail_msg("le document OpenAPI liste « %s », que personne ne répond",
				 json_is_string(v) ? json_string_value(v) : "?");
	}
	json_decref(doc);
}

static void test_refusals_share_the_table(void **state)
{
	(void)state;
	for (int r = PATHWAY_REFUSAL_NONE + 1; r < PATHWAY_REFUSAL_COUNT; r++) {
		const struct api_error_info *e =
			api_error_info(api_error_of_refusal((enum pathway_refusal)r));
		const char *core = pathway_refusal_code((enum pathway_refusal)r);
		if (strcmp(e->code, core) != 0)
			fail_msg("refus « %s » répondu avec le code « %s »", core, e->code);
		int want = r == PATHWAY_REFUSAL_WRONG_STATE || r == PATHWAY_REFUSAL_EPISODE_FINAL
				   ? 409
			   : r == PATHWAY_REFUSAL_INVALID ? 400
							  : 422;
		if (e->status != want)
			fail_msg("refus « %s » : statut %d, attendu %d", core, e->status, want);
	}
	assert_int_equal(api_error_of_refusal(PATHWAY_REFUSAL_NONE), API_ERR_INTERNAL);
	assert_int_equal(api_error_of_refusal(PATHWAY_REFUSAL_COUNT), API_ERR_INTERNAL);
}

/* ------------------------------------------------------------------ the answers */

/* A request of route `route` with query string `query`, ready for the readers. */
struct fixture {
	struct arena arena;
	struct http_route route;
	struct http_request req;
	struct http_response res;
	struct api_ctx c;
	json_t *answer; /* the response body, parsed */
};

static void setup(struct fixture *f, const char *route, const char *query)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->arena, 1 << 20);
	f->route = (struct http_route){"GET", "/x", NULL, route};
	f->req = (struct http_request){.method = "GET",
				       .path = "/x",
				       .query = query,
				       .query_len = strlen(query),
				       .route = &f->route,
				       .body = "",
				       .client_addr = "",
				       .arena = &f->arena};
	f->res.arena = &f->arena;
	f->c = (struct api_ctx){.req = &f->req, .res = &f->res, .a = &f->arena};
}

static void teardown(struct fixture *f)
{
	json_decref(f->answer);
	arena_free(&f->arena);
}

/* Checks the answer: status, code, field (NULL: JSON null), message (NULL: not checked). */
static void expect(struct fixture *f, int status, const char *code, const char *field,
		   const char *message)
{
	assert_int_equal(f->res.status, status);
	assert_non_null(f->res.body);
	json_decref(f->answer);
	f->answer = json_loadb(f->res.body, f->res.body_len, 0, NULL);
	json_t *err = json_object_get(f->answer, "error");
	assert_non_null(err);
	assert_string_equal(json_string_value(json_object_get(err, "code")), code);
	if (field)
		assert_string_equal(json_string_value(json_object_get(err, "field")), field);
	else
		assert_true(json_is_null(json_object_get(err, "field")));
	if (message)
		assert_string_equal(json_string_value(json_object_get(err, "message")), message);
}

static void test_fail_answers_from_the_table(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, "patients.create", "");
	api_fail(&f.c, API_ERR_MERGED, NULL, NULL);
	expect(&f, 409, "merged", NULL, api_error_info(API_ERR_MERGED)->message);
	teardown(&f);

	setup(&f, "patients.create", "");
	api_fail(&f.c, API_ERR_INVALID, "Le sexe doit être féminin.", "sex");
	expect(&f, 400, "invalid", "sex", "Le sexe doit être féminin.");
	teardown(&f);

	setup(&f, "patients.create", "");
	api_failf(&f.c, API_ERR_NOT_FOUND, NULL, "%s introuvable.", "Patient");
	expect(&f, 404, "not_found", NULL, "Patient introuvable.");
	teardown(&f);

	/* a message too long for the buffer gives way to the default, never a cut sentence */
	char longer[API_FAIL_MESSAGE_MAX + 10];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	setup(&f, "patients.create", "");
	api_failf(&f.c, API_ERR_CONFLICT, "version", "%s", longer);
	expect(&f, 409, "conflict", "version", api_error_info(API_ERR_CONFLICT)->message);
	teardown(&f);

	setup(&f, "patients.create", "");
	api_fail_refusal(&f.c, PATHWAY_REFUSAL_WRONG_STATE, "Étape déjà faite.");
	expect(&f, 409, "wrong_state", NULL, "Étape déjà faite.");
	teardown(&f);

	setup(&f, "patients.create", "");
	api_fail_refusal(&f.c, PATHWAY_REFUSAL_CONSENT_REQUIRED, NULL);
	expect(&f, 422, "consent_required", NULL,
	       api_error_info(API_ERR_CONSENT_REQUIRED)->message);
	teardown(&f);

	/* the compatibility wrapper keeps the code it is given */
	setup(&f, "patients.create", "");
	api_fail_field(&f.c, API_ERR_REQUIRED, "birth_name", "est obligatoire", "sont obligatoires");
	expect(&f, 400, "required", "birth_name", "Le nom de naissance est obligatoire.");
	teardown(&f);
}

static void test_store_errors(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, "patients.get", "");
	api_store_error(&f.c, ERR_NOT_FOUND, "Patient");
	expect(&f, 404, "not_found", NULL, "Patient introuvable.");
	teardown(&f);
	setup(&f, "patients.get", "");
	api_store_error(&f.c, ERR_CONFLICT, "Patient");
	expect(&f, 409, "conflict", NULL, NULL);
	teardown(&f);
	setup(&f, "patients.get", "");
	api_store_error(&f.c, ERR_IO, "Patient");
	expect(&f, 500, "internal", NULL, NULL);
	assert_int_equal(f.res.header_count, 0);
	teardown(&f);
	/* a read interrupted by the request's time bound: try again shortly */
	setup(&f, "patients.list", "");
	api_store_error(&f.c, ERR_TIMEOUT, "Patient");
	expect(&f, 503, "timeout", NULL, api_error_info(API_ERR_TIMEOUT)->message);
	assert_int_equal(f.res.header_count, 1);
	assert_string_equal(f.res.headers[0].name, "Retry-After");
	assert_string_equal(f.res.headers[0].value, API_RETRY_AFTER_S);
	teardown(&f);
}

/* The paging parameters (paging.h): limit 1..API_PAGE_MAX (default API_PAGE_DEFAULT), after
 * a cursor of ours (base64url of a JSON array) or a 400 about `after`; a cursor round-trips. */
static void test_page_readers(void **state)
{
	(void)state;
	struct fixture f;
	size_t limit = 0;
	json_t *after = NULL;
	setup(&f, "accounts.list", "");
	assert_true(api_page_read(&f.c, &limit, &after));
	assert_int_equal(limit, API_PAGE_DEFAULT);
	assert_null(after);
	teardown(&f);

	json_t *cursor = api_page_cursor(json_pack("[ssI]", "DUPRE", "CLAIRE ÉLISE", (json_int_t)42));
	assert_true(json_is_string(cursor));
	char query[256];
	snprintf(query, sizeof(query), "limit=200&after=%s", json_string_value(cursor));
	json_decref(cursor);
	setup(&f, "patients.list", query);
	assert_true(api_page_read(&f.c, &limit, &after));
	assert_int_equal(limit, 200);
	const char *k = NULL, *first = NULL;
	json_int_t id = 0;
	assert_int_equal(json_unpack(after, "[ssI]", &k, &first, &id), 0);
	assert_string_equal(k, "DUPRE");
	assert_string_equal(first, "CLAIRE ÉLISE");
	assert_int_equal(id, 42);
	json_decref(after);
	assert_int_equal(f.res.status, 0);
	teardown(&f);
	cursor = api_page_cursor(NULL); /* the last page */
	assert_true(json_is_null(cursor));
	json_decref(cursor);

	static const char *const bad_limits[] = {"limit=0", "limit=201", "limit=abc", "limit=",
						 "limit=-1", "limit=1000"};
	for (size_t i = 0; i < sizeof(bad_limits) / sizeof(bad_limits[0]); i++) {
		setup(&f, "accounts.list", bad_limits[i]);
		assert_false(api_page_read(&f.c, &limit, &after));
		expect(&f, 400, "invalid", "limit",
		       "Le nombre de lignes par page doit être un nombre entier de 1 à 200.");
		teardown(&f);
	}
	/* not base64url, not JSON, not an array, empty, too long */
	char longer[API_PAGE_CURSOR_MAX + 16] = "after=";
	memset(longer + 6, 'A', API_PAGE_CURSOR_MAX + 4);
	static const char *const bad_after[] = {"after=%%%", "after=bm9u", "after=eyJhIjoxfQ",
						"after="};
	for (size_t i = 0; i < sizeof(bad_after) / sizeof(bad_after[0]) + 1; i++) {
		setup(&f, "accounts.list", i < 4 ? bad_after[i] : longer);
		assert_false(api_page_read(&f.c, &limit, &after));
		assert_null(after);
		expect(&f, 400, "invalid", "after", NULL);
		teardown(&f);
	}
}

/* ------------------------------------------------------------------ the readers */

static void test_date_reader(void **state)
{
	(void)state;
	struct fixture f;
	json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:s}", "birth_date", "1990-02-28", "bad",
				 "1990-02-30", "long", "1990-02-28T00:00", "number", 3, "empty",
				 "");
	coop_date d = 7;
	bool present = true;

	setup(&f, "patients.create", "");
	assert_true(api_date(&f.c, body, "birth_date", true, &d, &present));
	assert_true(present);
	assert_int_equal(d, date_from_ymd(1990, 2, 28));
	assert_int_equal(f.res.status, 0);
	/* absent and optional: nothing changed, nothing answered */
	d = 7;
	assert_true(api_date(&f.c, body, "effective_to", false, &d, &present));
	assert_false(present);
	assert_int_equal(d, 7);
	assert_true(api_date(&f.c, body, "effective_to", false, &d, NULL));
	assert_int_equal(f.res.status, 0);
	teardown(&f);

	setup(&f, "patients.create", "");
	assert_false(api_date(&f.c, body, "birth_date_absent", true, &d, &present));
	expect(&f, 400, "required", "birth_date_absent", NULL);
	teardown(&f);

	/* a day that does not exist, named by the field's label */
	setup(&f, "patients.create", "");
	json_object_set(body, "birth_date", json_object_get(body, "bad"));
	d = 7;
	assert_false(api_date(&f.c, body, "birth_date", true, &d, &present));
	assert_int_equal(d, 7);
	expect(&f, 400, "invalid", "birth_date", "La date de naissance doit être une date valide.");
	teardown(&f);

	/* too long, empty: not a date (said so, not as a length); a number: not a text */
	static const struct {
		const char *key, *message;
	} not_dates[] = {{"long", "Une des données envoyées doit être une date valide."},
			 {"empty", "Une des données envoyées doit être une date valide."},
			 {"number", "Une des données envoyées doit être un texte."}};
	for (size_t i = 0; i < sizeof(not_dates) / sizeof(not_dates[0]); i++) {
		setup(&f, "patients.create", "");
		assert_false(api_date(&f.c, body, not_dates[i].key, false, &d, &present));
		expect(&f, 400, "invalid", not_dates[i].key, not_dates[i].message);
		teardown(&f);
	}
	json_decref(body);
}

static void test_query_date_reader(void **state)
{
	(void)state;
	struct fixture f;
	coop_date d = 7;
	bool has = true;
	setup(&f, "patients.list", "name=ma");
	assert_true(api_query_date(&f.c, "birth_date", &has, &d));
	assert_false(has);
	assert_int_equal(d, 7);
	teardown(&f);

	setup(&f, "patients.list", "birth_date=2001-12-31");
	assert_true(api_query_date(&f.c, "birth_date", &has, &d));
	assert_true(has);
	assert_int_equal(d, date_from_ymd(2001, 12, 31));
	teardown(&f);

	static const char *const bad[] = {"birth_date=2001-13-01", "birth_date=%ZZ",
					  "birth_date=31%2F12%2F2001", "birth_date="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(&f, "patients.list", bad[i]);
		assert_false(api_query_date(&f.c, "birth_date", &has, &d));
		expect(&f, 400, "invalid", "birth_date",
		       "La date de naissance recherchée doit être une date valide.");
		teardown(&f);
	}
}

static void test_bool_reader(void **state)
{
	(void)state;
	struct fixture f;
	json_t *body = json_pack("{s:b, s:n, s:s}", "yes", 1, "null", "text", "oui");
	bool v = true;
	setup(&f, "patients.create", "");
	assert_true(api_bool(&f.c, body, "yes", &v));
	assert_true(v);
	assert_true(api_bool(&f.c, body, "null", &v));
	assert_false(v);
	v = true;
	assert_true(api_bool(&f.c, body, "absent", &v));
	assert_false(v);
	assert_int_equal(f.res.status, 0);
	teardown(&f);

	json_object_set_new(body, "confirm_distinct", json_string("oui"));
	setup(&f, "patients.create", "");
	assert_false(api_bool(&f.c, body, "confirm_distinct", &v));
	expect(&f, 400, "invalid", "confirm_distinct",
	       "La confirmation qu'il s'agit d'une autre personne doit valoir oui ou non.");
	teardown(&f);
	json_decref(body);
}

static void test_int_readers(void **state)
{
	(void)state;
	struct fixture f;
	json_t *body = json_pack("{s:i, s:i, s:i, s:s, s:f}", "weekday", 6, "big", 7, "small", -1,
				 "text", "3", "real", 2.5);
	int64_t n = -1;
	setup(&f, "availability.create", "");
	assert_true(api_int(&f.c, body, "weekday", 0, 6, true, &n));
	assert_int_equal(n, 6);
	n = -1;
	assert_true(api_int(&f.c, body, "absent", 0, 6, false, &n));
	assert_int_equal(n, -1);
	assert_int_equal(f.res.status, 0);
	teardown(&f);

	static const char *const bad[] = {"big", "small", "text", "real"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(&f, "availability.create", "");
		assert_false(api_int(&f.c, body, bad[i], 0, 6, true, &n));
		assert_int_equal(n, -1);
		expect(&f, 400, "invalid", bad[i], NULL);
		teardown(&f);
	}
	json_object_set_new(body, "weekday", json_integer(9));
	setup(&f, "availability.create", "");
	assert_false(api_int(&f.c, body, "weekday", 0, 6, true, &n));
	expect(&f, 400, "invalid", "weekday",
	       "Le jour de la semaine doit être un nombre entier de 0 à 6.");
	teardown(&f);
	setup(&f, "availability.create", "");
	assert_false(api_int(&f.c, body, "absent", 0, 6, true, &n));
	expect(&f, 400, "required", "absent", NULL);
	teardown(&f);
	json_decref(body);

	/* query integers: plain digits in range only */
	setup(&f, "audit.list", "limit=50");
	assert_true(api_query_int(&f.c, "limit", 1, 500, &n));
	assert_int_equal(n, 50);
	n = -1;
	assert_true(api_query_int(&f.c, "before_id", 1, 500, &n));
	assert_int_equal(n, -1);
	teardown(&f);
	static const char *const bad_queries[] = {"limit=0",
						  "limit=501",
						  "limit=-1",
						  "limit=5x",
						  "limit=5-",
						  "limit=",
						  "limit=1234567890123456789"};
	for (size_t i = 0; i < sizeof(bad_queries) / sizeof(bad_queries[0]); i++) {
		setup(&f, "audit.list", bad_queries[i]);
		assert_false(api_query_int(&f.c, "limit", 1, 500, &n));
		expect(&f, 400, "invalid", "limit",
		       "Le nombre de lignes doit être un nombre entier de 1 à 500.");
		teardown(&f);
	}
}

static void test_id_and_string_readers(void **state)
{
	(void)state;
	struct fixture f;
	json_t *body = json_pack("{s:i, s:i, s:s, s:s, s:i}", "version", 3, "zero", 0, "nir",
				 "2 80 02 75 112 001 35", "name", "Dr Lenoir", "number", 4);
	int64_t id = -1;
	const char *s = NULL;
	setup(&f, "patients.update", "");
	assert_true(api_id(&f.c, body, "version", true, &id));
	assert_int_equal(id, 3);
	assert_true(api_str(&f.c, body, "name", 100, true, &s));
	assert_string_equal(s, "Dr Lenoir");
	assert_true(api_ident(&f.c, body, "nir", IDENT_NIR, &s));
	assert_string_equal(s, "280027511200135");
	assert_int_equal(f.res.status, 0);
	teardown(&f);

	setup(&f, "patients.update", "");
	assert_false(api_id(&f.c, body, "zero", true, &id));
	expect(&f, 400, "invalid", "zero", NULL);
	teardown(&f);
	setup(&f, "patients.update", "");
	assert_false(api_id(&f.c, body, "absent", true, &id));
	expect(&f, 400, "required", "absent", NULL);
	teardown(&f);
	setup(&f, "patients.update", "");
	assert_false(api_str(&f.c, body, "name", 5, true, &s));
	expect(&f, 400, "invalid", "name",
	       "Le nom du médecin traitant doit compter 5 caractères "
	       "au plus.");
	teardown(&f);
	setup(&f, "patients.update", "");
	assert_false(api_str(&f.c, body, "number", 5, false, &s));
	expect(&f, 400, "invalid", "number", NULL);
	teardown(&f);
	json_object_set_new(body, "nir", json_string("280027511200136"));
	setup(&f, "patients.update", "");
	assert_false(api_ident(&f.c, body, "nir", IDENT_NIR, &s));
	expect(&f, 400, "invalid_identifier", "nir", NULL);
	teardown(&f);
	json_decref(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_has_a_row),
		cmocka_unit_test(test_codes_are_unique),
		cmocka_unit_test(test_statuses_are_errors),
		cmocka_unit_test(test_messages_are_french_sentences),
		cmocka_unit_test(test_openapi_lists_every_code),
		cmocka_unit_test(test_refusals_share_the_table),
		cmocka_unit_test(test_fail_answers_from_the_table),
		cmocka_unit_test(test_store_errors),
		cmocka_unit_test(test_page_readers),
		cmocka_unit_test(test_date_reader),
		cmocka_unit_test(test_query_date_reader),
		cmocka_unit_test(test_bool_reader),
		cmocka_unit_test(test_int_readers),
		cmocka_unit_test(test_id_and_string_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
