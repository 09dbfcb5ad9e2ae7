/*
 * test_router.c — the HTTP layer: route tables and matching (404 / 405 / bad paths), request
 * lookups, the JSON body helper, response headers; then the server itself, started on
 * 127.0.0.1 port 0 with a small route table and spoken to over raw sockets: security headers,
 * the error format, body limits, lying and slow clients, keep-alive and concurrent requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http/router.h"
#include "http/server.h"

/* ------------------------------------------------------------------ router */

static void h_dummy(struct http_request *req, struct http_response *res, void *app)
{
	(void)req;
	(void)app;
	http_respond_empty(res, 204);
}

static const struct http_route api_routes[] = {
	{"GET", "/", h_dummy, "root"},
	{"GET", "/api/v1/health", h_dummy, "health"},
	{"GET", "/api/v1/patients", h_dummy, "patients.list"},
	{"POST", "/api/v1/patients", h_dummy, "patients.create"},
	{"GET", "/api/v1/patients/{id}", h_dummy, "patients.get"},
	{"PUT", "/api/v1/patients/{id}", h_dummy, "patients.update"},
	{"GET", "/api/v1/patients/search", h_dummy, "patients.search"},
	{"GET", "/api/v1/episodes/{id}/consent", h_dummy, "consent.get"},
	{"POST", "/api/v1/episodes/{id}/consent", h_dummy, "consent.set"},
	{"GET", "/api/v1/a/{x}/b/{y}", h_dummy, "two"},
	{"HEAD", "/api/v1/ping", h_dummy, "ping.head"},
	{"GET", "/api/v1/ping", h_dummy, "ping.get"},
};

static struct http_router make_router(void)
{
	struct http_router r;
	char err[256];
	enum coop_err rc = http_router_init(
		&r, api_routes, sizeof(api_routes) / sizeof(api_routes[0]), err, sizeof(err));
	if (rc != COOP_OK)
		fail_msg("router: %s", err);
	return r;
}

static enum http_match_status M(const struct http_router *r, const char *method, const char *path,
				struct http_match *m)
{
	return http_router_match(r, method, strlen(method), path, strlen(path), m);
}

static void test_match_literals_and_params(void **state)
{
	(void)state;
	struct http_router r = make_router();
	struct http_match m;
	size_t len;

	assert_int_equal(M(&r, "GET", "/api/v1/health", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "health");
	assert_int_equal(m.param_count, 0);

	assert_int_equal(M(&r, "GET", "/", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "root");

	const char *path = "/api/v1/patients/P-42_x.y~z";
	assert_int_equal(M(&r, "PUT", path, &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "patients.update");
	assert_int_equal(m.param_count, 1);
	const char *v = http_match_param(&m, "id", &len);
	assert_non_null(v);
	assert_int_equal(len, strlen("P-42_x.y~z"));
	assert_memory_equal(v, "P-42_x.y~z", len);
	assert_ptr_equal(v, path + strlen("/api/v1/patients/")); /* no copy */
	assert_null(http_match_param(&m, "nope", &len));
	assert_int_equal(len, 0);

	assert_int_equal(M(&r, "POST", "/api/v1/episodes/17/consent", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "consent.set");
	v = http_match_param(&m, "id", &len);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "17", 2);

	assert_int_equal(M(&r, "GET", "/api/v1/a/1/b/22", &m), HTTP_MATCH_FOUND);
	assert_int_equal(m.param_count, 2);
	assert_memory_equal(http_match_param(&m, "x", &len), "1", 1);
	assert_memory_equal(http_match_param(&m, "y", &len), "22", 2);
	assert_int_equal(len, 2);
}

static void test_match_specificity(void **state)
{
	(void)state;
	struct http_router r = make_router();
	struct http_match m;
	/* the literal "search" beats the parameter, whatever the table order */
	assert_int_equal(M(&r, "GET", "/api/v1/patients/search", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "patients.search");
	assert_int_equal(m.param_count, 0);
	/* ...and its shape only has GET: no fallback to PUT /patients/{id} */
	assert_int_equal(M(&r, "PUT", "/api/v1/patients/search", &m),
			 HTTP_MATCH_METHOD_NOT_ALLOWED);
	assert_string_equal(m.allow, "GET, HEAD, OPTIONS");
	assert_int_equal(M(&r, "GET", "/api/v1/patients/searc", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "patients.get");
}

static void test_match_404_405_head(void **state)
{
	(void)state;
	struct http_router r = make_router();
	struct http_match m;
	assert_int_equal(M(&r, "GET", "/api/v1/nothing", &m), HTTP_MATCH_NOT_FOUND);
	assert_null(m.route);
	assert_string_equal(m.allow, "");
	assert_int_equal(M(&r, "GET", "/api/v1/episodes/1", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(M(&r, "GET", "/api/v1/episodes/1/consent/x", &m), HTTP_MATCH_NOT_FOUND);

	assert_int_equal(M(&r, "DELETE", "/api/v1/patients", &m), HTTP_MATCH_METHOD_NOT_ALLOWED);
	assert_null(m.route);
	assert_string_equal(m.allow, "GET, HEAD, POST, OPTIONS");
	assert_int_equal(M(&r, "DELETE", "/api/v1/patients/3", &m), HTTP_MATCH_METHOD_NOT_ALLOWED);
	assert_string_equal(m.allow, "GET, HEAD, PUT, OPTIONS");
	/* methods are case-sensitive */
	assert_int_equal(M(&r, "get", "/api/v1/health", &m), HTTP_MATCH_METHOD_NOT_ALLOWED);
	assert_int_equal(http_router_match(&r, "GET\0", 4, "/api/v1/health", 14, &m),
			 HTTP_MATCH_METHOD_NOT_ALLOWED);

	/* HEAD falls back on GET; an explicit HEAD route wins */
	assert_int_equal(M(&r, "HEAD", "/api/v1/patients/3", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "patients.get");
	assert_int_equal(M(&r, "HEAD", "/api/v1/ping", &m), HTTP_MATCH_FOUND);
	assert_string_equal(m.route->name, "ping.head");
	assert_string_equal(m.allow, "HEAD, GET, OPTIONS");
	/* OPTIONS is the server's business: the router says 405 and gives the list */
	assert_int_equal(M(&r, "OPTIONS", "/api/v1/health", &m), HTTP_MATCH_METHOD_NOT_ALLOWED);
	assert_string_equal(m.allow, "GET, HEAD, OPTIONS");
	/* trailing slash: allowed syntax, matches nothing */
	assert_int_equal(M(&r, "GET", "/api/v1/health/", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(M(&r, "GET", "/api/v1/patients/3/", &m), HTTP_MATCH_NOT_FOUND);
}

static void test_match_bad_paths(void **state)
{
	(void)state;
	struct http_router r = make_router();
	struct http_match m;
	static const char *const bad[] = {
		"",
		"api/v1/health",
		"/api/v1/../v1/health",
		"/api/v1/patients/..",
		"/api/./v1/health",
		"/api//v1/health",
		"//",
		"/api/v1/patients/a%2Fb",
		"/api/v1/patients/%41",
		"/api/v1/patients/a b",
		"/api/v1/patients/a\\b",
		"/api/v1/patients/\xc3\xa9",
		"/api/v1/patients/a?b",
		"/api/v1/patients/a#b",
		"/api/v1/patients/a\tb",
		"/api/v1/patients/a:b",
		"/api/v1/patients/a;b",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (M(&r, "GET", bad[i], &m) != HTTP_MATCH_BAD_PATH)
			fail_msg("path %zu \"%s\" not refused", i, bad[i]);
		assert_null(m.route);
	}
	/* an embedded NUL */
	assert_int_equal(http_router_match(&r, "GET", 3, "/api/v1/health\0x", 16, &m),
			 HTTP_MATCH_BAD_PATH);

	/* length: HTTP_PATH_MAX is accepted (then not found), one more byte is too long */
	char *p = malloc(HTTP_PATH_MAX + 2);
	assert_non_null(p);
	p[0] = '/';
	memset(p + 1, 'a', HTTP_PATH_MAX);
	assert_int_equal(http_router_match(&r, "GET", 3, p, HTTP_PATH_MAX, &m),
			 HTTP_MATCH_NOT_FOUND);
	assert_int_equal(http_router_match(&r, "GET", 3, p, HTTP_PATH_MAX + 1, &m),
			 HTTP_MATCH_TOO_LONG);
	/* many segments: not found, not a crash */
	for (size_t i = 0; i < HTTP_PATH_MAX; i += 2)
		p[i] = '/';
	assert_int_equal(http_router_match(&r, "GET", 3, p, HTTP_PATH_MAX, &m),
			 HTTP_MATCH_NOT_FOUND);
	free(p);

	/* a parameter longer than HTTP_PARAM_MAX does not match */
	char q[64 + HTTP_PARAM_MAX + 2];
	int n = snprintf(q, sizeof(q), "/api/v1/patients/");
	memset(q + n, '7', HTTP_PARAM_MAX);
	q[n + HTTP_PARAM_MAX] = '\0';
	assert_int_equal(M(&r, "GET", q, &m), HTTP_MATCH_FOUND);
	q[n + HTTP_PARAM_MAX] = '7';
	q[n + HTTP_PARAM_MAX + 1] = '\0';
	assert_int_equal(M(&r, "GET", q, &m), HTTP_MATCH_NOT_FOUND);
}

static void test_router_init_checks(void **state)
{
	(void)state;
	static const struct http_route bad[][2] = {
		{{"GET", "", h_dummy, "a"}},
		{{"GET", "x", h_dummy, "a"}},
		{{"GET", "/a/", h_dummy, "a"}},
		{{"GET", "/a//b", h_dummy, "a"}},
		{{"GET", "/a/../b", h_dummy, "a"}},
		{{"GET", "/a/{}", h_dummy, "a"}},
		{{"GET", "/a/{i-d}", h_dummy, "a"}},
		{{"GET", "/a/x{id}", h_dummy, "a"}},
		{{"GET", "/a/{id}/{id}", h_dummy, "a"}},
		{{"GET", "/a%20b", h_dummy, "a"}},
		{{"get", "/a", h_dummy, "a"}},
		{{"", "/a", h_dummy, "a"}},
		{{NULL, "/a", h_dummy, "a"}},
		{{"GET", NULL, h_dummy, "a"}},
		{{"GET", "/a", NULL, "a"}},
		{{"GET", "/a", h_dummy, NULL}},
		{{"VERYLONGMETHODNAME", "/a", h_dummy, "a"}},
		{{"GET", "/a/{id}", h_dummy, "a"}, {"GET", "/a/{other}", h_dummy, "b"}},
		{{"GET", "/a", h_dummy, "a"}, {"GET", "/a", h_dummy, "b"}},
		{{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_dummy, "a"}},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_router r;
		char err[256] = "";
		size_t n = bad[i][1].method ? 2 : 1;
		if (http_router_init(&r, bad[i], n, err, sizeof(err)) != ERR_INVALID)
			fail_msg("table %zu accepted", i);
		assert_true(strncmp(err, "route n° ", strlen("route n° ")) == 0);
		assert_int_equal(http_router_count(&r), 0);
	}
	/* same shape, other method; other shape, same method: fine */
	static const struct http_route ok[] = {
		{"GET", "/a/{id}", h_dummy, "a"},
		{"DELETE", "/a/{key}", h_dummy, "b"},
		{"GET", "/a/{id}/b", h_dummy, "c"},
		{"GET", "/a/b", h_dummy, "d"},
	};
	struct http_router r;
	assert_int_equal(http_router_init(&r, ok, 4, NULL, 0), COOP_OK);
	struct http_match m;
	assert_int_equal(M(&r, "DELETE", "/a/9", &m), HTTP_MATCH_FOUND);
	assert_memory_equal(http_match_param(&m, "key", NULL), "9", 1);
}

static void test_router_enumeration(void **state)
{
	(void)state;
	struct http_router r = make_router();
	size_t n = sizeof(api_routes) / sizeof(api_routes[0]);
	assert_int_equal(http_router_count(&r), n);
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(http_router_route(&r, i), &api_routes[i]);
	assert_null(http_router_route(&r, n));
}

/* ---------------------------------------------- request and response helpers */

static void test_request_lookups(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	static const struct http_header hs[] = {
		{"Host", "x"},
		{"X-Test", "hello"},
		{"Cookie", "a=1; coop_session=\"s3cr3t\" ;b=2"},
		{"cookie", "later=yes; a=shadowed"},
	};
	struct http_request req = {
		.method = "GET",
		.path = "/p/42",
		.path_len = 5,
		.query = "q=d%C3%A9j%C3%A0+vu&empty=&flag&bad=%zz&nul=%00&lat=%E9&q=second&k%65y=v",
		.headers = hs,
		.header_count = 4,
		.arena = &a,
		.param_count = 1,
		.params = {{"id", 2, "42", 2}},
	};
	req.query_len = strlen(req.query);
	size_t len;

	assert_string_equal(http_request_header(&req, "x-test"), "hello");
	assert_string_equal(http_request_header(&req, "HOST"), "x");
	assert_null(http_request_header(&req, "X-Tes"));

	const char *c = http_request_cookie(&req, "coop_session", &len);
	assert_non_null(c);
	assert_int_equal(len, 6);
	assert_memory_equal(c, "s3cr3t", 6);
	c = http_request_cookie(&req, "a", &len);
	assert_int_equal(len, 1);
	assert_memory_equal(c, "1", 1);
	c = http_request_cookie(&req, "later", &len);
	assert_memory_equal(c, "yes", 3);
	assert_null(http_request_cookie(&req, "coop", &len));
	assert_null(http_request_cookie(&req, "Coop_session", &len));

	const char *v;
	assert_int_equal(http_request_query(&req, "q", &v, &len), COOP_OK);
	assert_string_equal(v, "déjà vu");
	assert_int_equal(len, strlen("déjà vu"));
	assert_int_equal(http_request_query(&req, "empty", &v, &len), COOP_OK);
	assert_string_equal(v, "");
	assert_int_equal(http_request_query(&req, "flag", &v, NULL), COOP_OK);
	assert_string_equal(v, "");
	assert_int_equal(http_request_query(&req, "key", &v, NULL), COOP_OK);
	assert_string_equal(v, "v");
	assert_int_equal(http_request_query(&req, "bad", &v, NULL), ERR_INVALID);
	assert_int_equal(http_request_query(&req, "nul", &v, NULL), ERR_INVALID);
	assert_int_equal(http_request_query(&req, "lat", &v, NULL), ERR_INVALID);
	assert_int_equal(http_request_query(&req, "missing", &v, NULL), ERR_NOT_FOUND);
	assert_null(v);

	assert_memory_equal(http_request_param(&req, "id", &len), "42", 2);
	assert_string_equal(http_request_param_str(&req, "id"), "42");
	assert_null(http_request_param_str(&req, "x"));

	http_request_finish(&req);
	arena_free(&a);
}

static void test_json_parse(void **state)
{
	(void)state;
	char msg[160];
	json_t *j = NULL;
	const char *ok = "{\"a\": {\"b\": [1, \"}}]]\\\"{{\"]}, \"c\": \"é\"}";
	assert_int_equal(http_json_parse(ok, strlen(ok), 3, &j, msg, sizeof(msg)), COOP_OK);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 2);
	json_decref(j);
	/* one level too deep */
	assert_int_equal(http_json_parse(ok, strlen(ok), 2, &j, msg, sizeof(msg)), ERR_INVALID);
	assert_null(j);
	assert_string_equal(msg, "Le JSON est trop imbriqué (profondeur maximale : 2).");

	static const struct {
		const char *text;
		size_t len;
		const char *msg;
	} bad[] = {
		{"", 0, "Le corps de la requête est vide."},
		{"[1]", 3, "Un objet JSON est attendu."},
		{"\"x\"", 3, "Un objet JSON est attendu."},
		{"{\"a\":1,\"a\":2}", 13, "Clé en double dans l'objet JSON (ligne 1, colonne 10)."},
		{"{\"a\":1} x", 9, NULL},
		{"{\"a\":1", 6, NULL},
		{"{\"a\":\"\xc0\x80\"}", 10, "Le corps de la requête n'est pas en UTF-8 valide."},
		{"{\"a\":\"\xed\xa0\x80\"}", 11,
		 "Le corps de la requête n'est pas en UTF-8 valide."},
		{"{\"a\":\"\xf4\x90\x80\x80\"}", 12,
		 "Le corps de la requête n'est pas en UTF-8 valide."},
		{"{\"a\":\"\xe9\"}", 9, "Le corps de la requête n'est pas en UTF-8 valide."},
		{"{\"a\":\"\\u0000\"}", 14, NULL},
		{"{\"a\":\"x\0\"}", 10, NULL},
		{"{\"a\":123456789012345678901234567890}", 36, NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = NULL;
		if (http_json_parse(bad[i].text, bad[i].len, 8, &j, msg, sizeof(msg)) !=
		    ERR_INVALID)
			fail_msg("bad JSON %zu accepted", i);
		assert_null(j);
		assert_true(msg[0] != '\0');
		if (bad[i].msg)
			assert_string_equal(msg, bad[i].msg);
		/* never the parser's own (English) words */
		assert_null(strstr(msg, "expected"));
		assert_null(strstr(msg, "duplicate"));
	}

	/* 100,000 nested arrays: refused before parsing, no deep recursion */
	size_t n = 100000;
	char *deep = malloc(n + 1);
	assert_non_null(deep);
	memset(deep, '[', n);
	assert_int_equal(http_json_parse(deep, n, 32, &j, NULL, 0), ERR_INVALID);
	free(deep);
}

static void test_request_json_cache(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	struct http_request req = {.arena = &a, .body = "{\"k\":[1,2]}", .body_len = 11};
	json_t *j1, *j2;
	const char *msg;
	assert_int_equal(http_request_json(&req, 4, &j1, &msg), COOP_OK);
	assert_null(msg);
	assert_int_equal(http_request_json(&req, 4, &j2, &msg), COOP_OK);
	assert_ptr_equal(j1, j2);
	http_request_finish(&req);
	assert_null(req.json_cache);
	http_request_finish(&req);

	struct http_request bad = {.arena = &a, .body = "{\"k\":", .body_len = 5};
	assert_int_equal(http_request_json(&bad, 4, &j1, &msg), ERR_INVALID);
	assert_null(j1);
	assert_string_equal(msg, "JSON invalide (ligne 1, colonne 5).");
	struct http_request none = {.arena = &a};
	assert_int_equal(http_request_json(&none, 4, &j1, &msg), ERR_INVALID);
	assert_string_equal(msg, "Le corps de la requête est vide.");
	arena_free(&a);
}

static void test_host_split(void **state)
{
	(void)state;
	static const struct {
		const char *host;
		bool ok;
		size_t name_len;
		long port;
	} cases[] = {
		{"localhost", true, 9, -1},
		{"localhost:8080", true, 9, 8080},
		{"127.0.0.1:0", true, 9, 0},
		{"[::1]:65535", true, 5, 65535},
		{"[2001:db8::7]", true, 13, -1},
		{"Coop.MSP-tilleuls.fr", true, 20, -1},
		{"a_b~c:080", true, 5, 80},
		{"", false, 0, 0},
		{":80", false, 0, 0},
		{"t:", false, 0, 0},
		{"t:65536", false, 0, 0},
		{"t:123456", false, 0, 0},
		{"t:8a", false, 0, 0},
		{"t:80:80", false, 0, 0},
		{"a b", false, 0, 0},
		{"a,b", false, 0, 0},
		{"user@host", false, 0, 0},
		{"h\xc3\xa9te", false, 0, 0},
		{"[]", false, 0, 0},
		{"[::1", false, 0, 0},
		{"[::1]x", false, 0, 0},
		{"[fe80::1%25eth0]", false, 0, 0},
		{"::1", false, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 999;
		long port = -9;
		bool ok = http_host_split(cases[i].host, &len, &port);
		if (ok != cases[i].ok)
			fail_msg("\"%s\": %s", cases[i].host, ok ? "accepted" : "refused");
		if (ok && (len != cases[i].name_len || port != cases[i].port))
			fail_msg("\"%s\": name %zu bytes, port %ld", cases[i].host, len, port);
	}
}

static void test_response_helpers(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	struct http_response res = {.arena = &a};

	assert_int_equal(http_response_header(&res, "Set-Cookie", "a=b; HttpOnly"), COOP_OK);
	assert_int_equal(http_response_header(&res, "X-Evil", "a\r\nSet-Cookie: x=y"), ERR_INVALID);
	assert_int_equal(http_response_header(&res, "X-Evil", "a\nb"), ERR_INVALID);
	assert_int_equal(http_response_header(&res, "Bad Name", "v"), ERR_INVALID);
	assert_int_equal(http_response_header(&res, "Bad:Name", "v"), ERR_INVALID);
	assert_int_equal(http_response_header(&res, "", "v"), ERR_INVALID);
	assert_int_equal(http_response_header(&res, "content-security-policy", "x"), ERR_INVALID);
	assert_int_equal(http_response_header(&res, "Content-Type", "text/plain"), ERR_INVALID);
	for (int i = 1; i < HTTP_RESPONSE_HEADERS_MAX; i++)
		assert_int_equal(http_response_header(&res, "X-N", "1"), COOP_OK);
	assert_int_equal(http_response_header(&res, "X-N", "1"), ERR_TOO_LARGE);
	assert_int_equal(res.header_count, HTTP_RESPONSE_HEADERS_MAX);

	http_respond_error(&res, 409, "conflict", "Modification concurrente de l'épisode.",
			   "version");
	assert_int_equal(res.status, 409);
	assert_string_equal(res.content_type, "application/json; charset=utf-8");
	json_t *j = json_loadb(res.body, res.body_len, 0, NULL);
	assert_non_null(j);
	const char *code, *message, *field;
	assert_int_equal(json_unpack(j, "{s:{s:s, s:s, s:s}}", "error", "code", &code, "message",
				     &message, "field", &field),
			 0);
	assert_string_equal(code, "conflict");
	assert_string_equal(message, "Modification concurrente de l'épisode.");
	assert_string_equal(field, "version");
	json_decref(j);

	http_respond_err(&res, ERR_NOT_FOUND, NULL, NULL);
	assert_int_equal(res.status, 404);
	assert_non_null(strstr(res.body, "\"field\":null"));
	assert_non_null(strstr(res.body, "\"code\":\"not_found\""));
	assert_non_null(strstr(res.body, "introuvable"));
	http_respond_err(&res, ERR_NOMEM, NULL, NULL);
	assert_int_equal(res.status, 500);
	assert_non_null(strstr(res.body, "\"code\":\"internal\""));

	http_respond_json(&res, 201, json_pack("{s:b}", "ok", 1));
	assert_int_equal(res.status, 201);
	assert_int_equal(res.body_len, strlen("{\"ok\":true}"));
	assert_memory_equal(res.body, "{\"ok\":true}", res.body_len);
	http_respond_json(&res, 200, NULL);
	assert_int_equal(res.status, 500);

	http_respond_bytes(&res, 200, "text/csv", "a;b\n", 4);
	assert_string_equal(res.content_type, "text/csv; charset=utf-8");
	http_respond_bytes(&res, 200, "application/pdf", "%PDF", 4);
	assert_string_equal(res.content_type, "application/pdf");
	http_respond_html(&res, 200, "<p>é</p>", 9);
	assert_string_equal(res.content_type, "text/html; charset=utf-8");
	http_respond_empty(&res, 204);
	assert_null(res.content_type);
	assert_int_equal(res.body_len, 0);

	assert_string_equal(http_err_code(ERR_FORBIDDEN), "forbidden");
	assert_string_equal(http_err_code(ERR_TOO_LARGE), "too_large");
	assert_string_equal(http_err_code(ERR_IO), "internal");
	arena_free(&a);
}

/* ------------------------------------------------------------------ server */

#define TEST_MAX_BODY 1024
#define TEST_TIMEOUT_S 2

static void h_hello(struct http_request *req, struct http_response *res, void *app)
{
	(void)req;
	(void)app;
	http_respond_json(res, 200, json_pack("{s:b}", "ok", 1));
}

static void h_echo(struct http_request *req, struct http_response *res, void *app)
{
	(void)app;
	/* the body is NUL-terminated at body_len */
	if (req->body[req->body_len] != '\0') {
		http_respond_error(res, 500, "internal", "Corps non terminé.", NULL);
		return;
	}
	http_respond_json(res, 200, json_pack("{s:I}", "length", (json_int_t)req->body_len));
}

static void h_who(struct http_request *req, struct http_response *res, void *app)
{
	size_t idlen = 0, slen = 0;
	const char *id = http_request_param(req, "id", &idlen);
	const char *session = http_request_cookie(req, "coop_session", &slen);
	const char *x = http_request_header(req, "x-test");
	const char *q = NULL;
	(void)app;
	if (http_request_query(req, "q", &q, NULL) != COOP_OK)
		q = NULL;
	http_response_header(res, "Set-Cookie", "seen=1; Path=/; HttpOnly; SameSite=Strict");
	http_respond_json(res, 200,
			  json_pack("{s:s%, s:s%, s:s?, s:s?, s:s, s:s}", "id", id, idlen,
				    "session", session ? session : "", slen, "x", x, "q", q,
				    "client", req->client_addr, "method", req->method));
}

static void h_json(struct http_request *req, struct http_response *res, void *app)
{
	json_t *j;
	const char *msg;
	(void)app;
	enum coop_err rc = http_request_json(req, 3, &j, &msg);
	if (rc != COOP_OK) {
		http_respond_err(res, rc, msg, NULL);
		return;
	}
	http_respond_json(res, 200, json_pack("{s:I}", "keys", (json_int_t)json_object_size(j)));
}

static void h_silent(struct http_request *req, struct http_response *res, void *app)
{
	(void)req;
	(void)res;
	(void)app;
}

static void h_cached(struct http_request *req, struct http_response *res, void *app)
{
	(void)app;
	(void)req;
	http_response_header(res, "Cache-Control", "max-age=60");
	http_respond_bytes(res, 200, "text/plain", "static", 6);
}

/* The gate's witnesses: reads and writes inside a /busy handler, and the most seen at once. */
static struct {
	pthread_mutex_t lock;
	int reads, writes;
	int max_reads;             /* reads computing at once */
	int max_reads_with_write;  /* reads computing at once while a write ran */
	int failed;                /* answers other than 200 */
	int read_nice, write_nice; /* nice value of the thread that ran the last read, write */
} busy = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void busy_wait_ms(long ms)
{
	nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L}, NULL);
}

/* GET /busy computes 30 ms (a sleep stands for it); POST /busy writes for 300 ms. */
static void h_busy(struct http_request *req, struct http_response *res, void *app)
{
	(void)app;
	bool read = strcmp(req->method, "GET") == 0;
	int nice = getpriority(PRIO_PROCESS, 0); /* the calling thread's, on Linux */
	pthread_mutex_lock(&busy.lock);
	if (read) {
		busy.read_nice = nice;
		busy.reads++;
		if (busy.reads > busy.max_reads)
			busy.max_reads = busy.reads;
		if (busy.writes > 0 && busy.reads > busy.max_reads_with_write)
			busy.max_reads_with_write = busy.reads;
	} else {
		busy.write_nice = nice;
		busy.writes++;
	}
	pthread_mutex_unlock(&busy.lock);
	busy_wait_ms(read ? 30 : 300);
	pthread_mutex_lock(&busy.lock);
	if (read)
		busy.reads--;
	else
		busy.writes--;
	pthread_mutex_unlock(&busy.lock);
	http_respond_json(res, 200, json_pack("{s:b}", "ok", 1));
}

/* GET and POST /slot: the id kept in the request's worker data slot (one made on first use;
 * the server frees them at stop with free(), which the sanitizers check). */
static int slot_ids;
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

static void h_slot(struct http_request *req, struct http_response *res, void *app)
{
	(void)app;
	void **slot = http_request_worker_data(req);
	if (!slot) {
		http_respond_json(res, 500, json_pack("{s:b}", "slot", 0));
		return;
	}
	if (!*slot) {
		int *id = malloc(sizeof(*id));
		if (!id) {
			http_respond_json(res, 500, json_pack("{s:b}", "slot", 0));
			return;
		}
		pthread_mutex_lock(&slot_lock);
		*id = ++slot_ids;
		pthread_mutex_unlock(&slot_lock);
		*slot = id;
	}
	http_respond_json(res, 200, json_pack("{s:i}", "slot", *(int *)*slot));
}

static const struct http_route srv_routes[] = {
	{"GET", "/slot", h_slot, "slot.read"},
	{"POST", "/slot", h_slot, "slot.write"},
	{"GET", "/busy", h_busy, "busy.read"},
	{"POST", "/busy", h_busy, "busy.write"},
	{"GET", "/hello", h_hello, "hello"},
	{"POST", "/echo", h_echo, "echo"},
	{"GET", "/api/v1/items/{id}/who", h_who, "who"},
	{"POST", "/json", h_json, "json"},
	{"GET", "/silent", h_silent, "silent"},
	{"GET", "/static/app.css", h_cached, "static"},
	{"GET", "/api/v1/cached", h_cached, "api.cached"},
};

struct log_state {
	pthread_mutex_t lock;
	int entries;
	int hello_200;
	int unrouted_404;
	int bad_duration;
};

static struct http_router srv_router;
static struct http_server *srv;
static uint16_t srv_port;
static struct log_state log_state = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void access_log(void *cls, const struct http_access_entry *e)
{
	struct log_state *ls = cls;
	pthread_mutex_lock(&ls->lock);
	ls->entries++;
	if (e->route && strcmp(e->route, "hello") == 0 && e->status == 200 &&
	    strcmp(e->method, "GET") == 0)
		ls->hello_200++;
	if (!e->route && e->status == 404)
		ls->unrouted_404++;
	if (e->duration_us > 60u * 1000 * 1000)
		ls->bad_duration++;
	pthread_mutex_unlock(&ls->lock);
}

static int server_setup(void **state)
{
	char err[256];
	(void)state;
	if (http_router_init(&srv_router, srv_routes, sizeof(srv_routes) / sizeof(srv_routes[0]),
			     err, sizeof(err)) != COOP_OK)
		return -1;
	/* "t" is the Host the raw requests send */
	static const char *const allowed_hosts[] = {"t", "team.example:8443"};
	struct http_server_config cfg = {
		.listen = "127.0.0.1:0",
		.allowed_hosts = allowed_hosts,
		.allowed_host_count = 2,
		.conn_memory = 8 * 1024, /* raised by the server above its own header bounds */
		.threads = 8,
		.read_slots = 2, /* whatever the machine's CPUs */
		.max_body = TEST_MAX_BODY,
		.timeout_s = TEST_TIMEOUT_S,
		.router = &srv_router,
		.access_log = access_log,
		.access_log_cls = &log_state,
		.worker_data_free = free,
	};
	if (http_server_start(&cfg, &srv, err, sizeof(err)) != COOP_OK) {
		fprintf(stderr, "server: %s\n", err);
		return -1;
	}
	srv_port = http_server_port(srv);
	return srv_port ? 0 : -1;
}

static int server_teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	srv = NULL;
	return 0;
}

static int connect_local(int timeout_s)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = {.tv_sec = timeout_s};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(srv_port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads until EOF, timeout or a full buffer; returns the bytes read (NUL-terminated). */
static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got + 1 < cap) {
		ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return got;
}

struct reply {
	char raw[16384];
	size_t len;
	int status;
	const char *body; /* after the blank line */
};

/* Sends one raw request on a fresh connection and reads the reply until the server closes. */
static void exchange(const char *request, size_t reqlen, struct reply *r)
{
	int fd = connect_local(5);
	assert_true(fd >= 0);
	assert_true(send_all(fd, request, reqlen));
	r->len = read_all(fd, r->raw, sizeof(r->raw));
	close(fd);
	r->status = 0;
	r->body = NULL;
	if (r->len > 12 && strncmp(r->raw, "HTTP/1.", 7) == 0)
		r->status = (int)strtol(r->raw + 9, NULL, 10);
	char *end = strstr(r->raw, "\r\n\r\n");
	if (end)
		r->body = end + 4;
}

static void request(const char *text, struct reply *r)
{
	exchange(text, strlen(text), r);
}

/* The value of a response header (copied into out), or NULL. */
static const char *header(const struct reply *r, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = strstr(r->raw, "\r\n");
	const char *end = r->body ? r->body - 2 : r->raw + r->len;
	while (p && p < end) {
		p += 2;
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(eol - v);
			if (vl >= cap)
				vl = cap - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return out;
		}
		p = eol;
	}
	return NULL;
}

static void assert_header(const struct reply *r, const char *name, const char *want)
{
	char v[512];
	if (!header(r, name, v, sizeof(v)))
		fail_msg("header %s missing in:\n%s", name, r->raw);
	if (strcmp(v, want) != 0)
		fail_msg("header %s: \"%s\", want \"%s\"", name, v, want);
}

static void assert_security_headers(const struct reply *r)
{
	assert_header(r, "Content-Security-Policy",
		      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
		      "data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
		      "form-action 'self'");
	assert_header(r, "X-Content-Type-Options", "nosniff");
	assert_header(r, "Referrer-Policy", "no-referrer");
	assert_header(r, "X-Frame-Options", "DENY");
}

/* Checks the one error format and returns nothing; code and status as expected. */
static void assert_error(const struct reply *r, int status, const char *code)
{
	if (r->status != status)
		fail_msg("status %d, want %d:\n%s", r->status, status, r->raw);
	assert_non_null(r->body);
	assert_header(r, "Content-Type", "application/json; charset=utf-8");
	assert_header(r, "Cache-Control", "no-store");
	assert_security_headers(r);
	json_error_t e;
	json_t *j = json_loads(r->body, 0, &e);
	if (!j)
		fail_msg("body not JSON: %s", r->body);
	json_t *err = json_object_get(j, "error");
	assert_true(json_is_object(err));
	assert_int_equal(json_object_size(j), 1);
	assert_int_equal(json_object_size(err), 3);
	assert_string_equal(json_string_value(json_object_get(err, "code")), code);
	const char *msg = json_string_value(json_object_get(err, "message"));
	assert_non_null(msg);
	assert_true(strlen(msg) > 5);
	assert_true(json_is_null(json_object_get(err, "field")));
	json_decref(j);
}

static void test_server_hello(void **state)
{
	(void)state;
	struct reply r;
	request("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r);
	assert_header(&r, "Content-Type", "application/json; charset=utf-8");
	assert_header(&r, "Cache-Control", "no-store");
	assert_header(&r, "Content-Length", "11");
	assert_string_equal(r.body, "{\"ok\":true}");

	/* HEAD: same headers, no body */
	request("HEAD /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r);
	assert_header(&r, "Content-Length", "11");
	assert_string_equal(r.body, "");

	/* OPTIONS: 204 with the Allow list, no handler */
	request("OPTIONS /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_int_equal(r.status, 204);
	assert_header(&r, "Allow", "GET, HEAD, OPTIONS");
	assert_security_headers(&r);

	/* HTTP/1.0 works too */
	request("GET /hello HTTP/1.0\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"ok\":true}");
}

static void test_server_cache_control(void **state)
{
	(void)state;
	struct reply r;
	/* outside /api/ a handler may allow caching */
	request("GET /static/app.css HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Cache-Control", "max-age=60");
	assert_header(&r, "Content-Type", "text/plain; charset=utf-8");
	assert_security_headers(&r);
	/* under /api/ never */
	request("GET /api/v1/cached HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Cache-Control", "no-store");
}

static void test_server_errors(void **state)
{
	(void)state;
	struct reply r;
	request("GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 404, "not_found");

	request("DELETE /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 405, "method_not_allowed");
	assert_header(&r, "Allow", "GET, HEAD, OPTIONS");

	request("GET /hello/../hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 400, "invalid_path");
	/* routing happens on the raw path: %2F is not a separator, nor %2e%2e a dot segment */
	request("GET /api/v1/items/a%2Fb/who HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 400, "invalid_path");
	request("GET /api/v1/items/%2e%2e/who HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
		&r);
	assert_error(&r, 400, "invalid_path");
	request("GET /hell%6f HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 400, "invalid_path");

	/* a handler that answers nothing: a generic 500, nothing leaked */
	request("GET /silent HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 500, "internal");

	/* an overlong request target */
	char big[HTTP_URL_MAX + 128];
	int n = snprintf(big, sizeof(big), "GET /hello?q=");
	memset(big + n, 'a', HTTP_URL_MAX);
	n += HTTP_URL_MAX;
	n += snprintf(big + n, sizeof(big) - (size_t)n,
		      " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	exchange(big, (size_t)n, &r);
	assert_error(&r, 414, "uri_too_long");

	/* an overlong method */
	request("VERYLONGMETHODNAME /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 501, "not_implemented");

	/* too many headers */
	char many[8192];
	n = snprintf(many, sizeof(many), "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
	for (int i = 0; i < HTTP_REQUEST_HEADERS_MAX; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "X-H%d: v\r\n", i);
	n += snprintf(many + n, sizeof(many) - (size_t)n, "\r\n");
	exchange(many, (size_t)n, &r);
	assert_error(&r, 431, "headers_too_large");
}

/* Strict reading of the header block (RFC 9112 §5, §6.3; RFC 9110 §5.5): each request is
 * refused with our error format, whatever comes after. */
static void test_server_strict_headers(void **state)
{
	(void)state;
	static const struct {
		const char *note;
		const char *head; /* header lines after Host: t */
		int status;
		const char *code;
	} cases[] = {
		{"space before the colon", "Transfer-Encoding : chunked\r\n", 400,
		 "invalid_header"},
		{"tab before the colon", "X-A\t: b\r\n", 400, "invalid_header"},
		{"name not a token", "X A: b\r\n", 400, "invalid_header"},
		{"name with a slash", "X/A: b\r\n", 400, "invalid_header"},
		{"bare CR in a value", "X-A: b\rContent-Length: 5\r\n", 400, "invalid_header"},
		{"control byte in a value", "X-A: b\x01c\r\n", 400, "invalid_header"},
		{"DEL in a value", "X-A: b\x7f\r\n", 400, "invalid_header"},
		{"two different lengths", "Content-Length: 2\r\nContent-Length: 40\r\n", 400,
		 "invalid"},
		{"two equal lengths", "Content-Length: 2\r\nContent-Length: 2\r\n", 400, "invalid"},
		{"length and chunked", "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", 400,
		 "invalid"},
		{"chunked alone", "Transfer-Encoding: chunked\r\n", 411, "length_required"},
		{"second Host", "Host: t\r\n", 400, "invalid_host"},
	};
	char text[512];
	struct reply r;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = snprintf(text, sizeof(text),
				 "POST /echo HTTP/1.1\r\nHost: t\r\n%sConnection: close\r\n\r\n{}",
				 cases[i].head);
		exchange(text, (size_t)n, &r);
		if (r.status != cases[i].status)
			fail_msg("%s: status %d, want %d", cases[i].note, r.status,
				 cases[i].status);
		assert_error(&r, cases[i].status, cases[i].code);
	}
	/* the same header lines, well formed, are accepted: values may hold tabs, spaces and
	 * non-ASCII bytes */
	request("POST /echo HTTP/1.1\r\nHost: t\r\nX-A: b\tc d \xc3\xa9\r\nContent-Length: 2\r\n"
		"Connection: close\r\n\r\n{}",
		&r);
	assert_int_equal(r.status, 200);
	/* Host is required in HTTP/1.1, not in HTTP/1.0 */
	request("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n", &r);
	assert_error(&r, 400, "host_missing");
	request("GET /hello HTTP/1.0\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
}

/* The Host allow-list: the listen host with the port or none, the loopback names with the
 * port, the configured names ("t" here, any port); anything else is a 421. */
static void test_server_host_allow_list(void **state)
{
	(void)state;
	char hosts[20][64];
	int ok = 0;
	snprintf(hosts[ok++], 64, "127.0.0.1:%u", (unsigned)srv_port);
	snprintf(hosts[ok++], 64, "127.0.0.1");
	snprintf(hosts[ok++], 64, "localhost:%u", (unsigned)srv_port);
	snprintf(hosts[ok++], 64, "LOCALHOST:%u", (unsigned)srv_port);
	snprintf(hosts[ok++], 64, "[::1]:%u", (unsigned)srv_port);
	snprintf(hosts[ok++], 64, "t:8443");
	snprintf(hosts[ok++], 64, "T");
	snprintf(hosts[ok++], 64, "team.example:8443");
	int refused = ok;
	snprintf(hosts[refused++], 64, "evil.example");
	snprintf(hosts[refused++], 64, "evil.example:%u", (unsigned)srv_port);
	snprintf(hosts[refused++], 64, "localhost");
	snprintf(hosts[refused++], 64, "127.0.0.1:%u", (unsigned)srv_port + 1);
	snprintf(hosts[refused++], 64, "t.evil.example");
	snprintf(hosts[refused++], 64, "tt");
	snprintf(hosts[refused++], 64, "team:8443");
	snprintf(hosts[refused++], 64, "team.example:8080");
	int invalid = refused;
	snprintf(hosts[invalid++], 64, "t:");
	snprintf(hosts[invalid++], 64, "t:123456");
	snprintf(hosts[invalid++], 64, "[::1");
	char text[256];
	struct reply r;
	for (int i = 0; i < invalid; i++) {
		int n = snprintf(text, sizeof(text),
				 "GET /hello HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
				 hosts[i]);
		exchange(text, (size_t)n, &r);
		int want = i < ok ? 200 : i < refused ? 421 : 400;
		if (r.status != want)
			fail_msg("Host %s: status %d, want %d", hosts[i], r.status, want);
		if (want == 421)
			assert_error(&r, 421, "host_not_allowed");
		if (want == 400)
			assert_error(&r, 400, "invalid_host");
	}
}

/* Our own bounds answer before libmicrohttpd's (which would lack the security headers). */
static void test_server_own_bounds(void **state)
{
	(void)state;
	static char big[80 * 1024];
	struct reply r;
	/* 40 kB of one header: ours, 431 */
	int n = snprintf(big, sizeof(big), "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: ");
	memset(big + n, 'b', 40000);
	n += 40000;
	n += snprintf(big + n, sizeof(big) - (size_t)n, "\r\nConnection: close\r\n\r\n");
	exchange(big, (size_t)n, &r);
	assert_error(&r, 431, "headers_too_large");
	/* just under the bound: served */
	n = snprintf(big, sizeof(big), "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: ");
	memset(big + n, 'b', HTTP_REQUEST_HEAD_MAX - 200);
	n += HTTP_REQUEST_HEAD_MAX - 200;
	n += snprintf(big + n, sizeof(big) - (size_t)n, "\r\nConnection: close\r\n\r\n");
	exchange(big, (size_t)n, &r);
	assert_int_equal(r.status, 200);
	/* a 70 kB request target: ours, 414 */
	n = snprintf(big, sizeof(big), "GET /");
	memset(big + n, 'a', 70000);
	n += 70000;
	n += snprintf(big + n, sizeof(big) - (size_t)n,
		      " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	exchange(big, (size_t)n, &r);
	assert_error(&r, 414, "uri_too_long");
}

static void test_server_bodies(void **state)
{
	(void)state;
	struct reply r;
	request("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 5\r\n\r\n"
		"hello",
		&r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"length\":5}");

	request("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"length\":0}");

	/* exactly the limit, in several pieces */
	char *full = malloc(TEST_MAX_BODY + 256);
	assert_non_null(full);
	int n = snprintf(full, 256,
			 "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
			 "Content-Length: %d\r\n\r\n",
			 TEST_MAX_BODY);
	memset(full + n, 'x', TEST_MAX_BODY);
	exchange(full, (size_t)n + TEST_MAX_BODY, &r);
	assert_int_equal(r.status, 200);
	char want[64];
	snprintf(want, sizeof(want), "{\"length\":%d}", TEST_MAX_BODY);
	assert_string_equal(r.body, want);
	free(full);

	/* over the limit: 413 at once, the body is never sent (nor waited for) */
	request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n", &r);
	assert_error(&r, 413, "too_large");
	request("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		"Content-Length: 99999999999\r\n\r\n",
		&r);
	assert_error(&r, 413, "too_large");
	assert_null(strstr(r.raw, "100 Continue"));

	/* chunked bodies are refused: the length must be known */
	request("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n0\r\n\r\n",
		&r);
	assert_error(&r, 411, "length_required");

	/* a body on an unknown route: 404 at once, without waiting for the body */
	request("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n", &r);
	assert_error(&r, 404, "not_found");

	/* JSON bodies through http_request_json() */
	request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 17\r\n\r\n"
		"{\"a\":{\"b\":[1]}}  ",
		&r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"keys\":1}");
	request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 19\r\n\r\n"
		"{\"a\":{\"b\":[[1]]}}  ",
		&r);
	assert_error(&r, 400, "invalid");
	assert_non_null(strstr(r.body, "trop imbriqué"));
	request("POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 3\r\n\r\n"
		"[1]",
		&r);
	assert_error(&r, 400, "invalid");
	assert_non_null(strstr(r.body, "Un objet JSON est attendu."));
}

/* Sends partial data: the server must keep waiting for the rest (the connection is still open
 * right after), then close the connection itself once it has been idle for its timeout, without
 * answering 200. The socket's own receive timeout (far above the server's) only keeps a broken
 * server from hanging the test; reaching it fails the test. No clock is read: a slow machine
 * (sanitizers, shared cores) cannot make this flaky. */
static void assert_closed_by_timeout(const char *partial)
{
	int fd = connect_local(TEST_TIMEOUT_S * 10);
	assert_true(fd >= 0);
	assert_true(send_all(fd, partial, strlen(partial)));
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n == 0)
		fail_msg("connection closed at once: the server did not wait for the rest");
	if (n > 0) {
		buf[n] = '\0';
		fail_msg("answered a partial request at once:\n%s", buf);
	}
	size_t got = 0;
	bool closed_by_server = false;
	for (;;) {
		n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			closed_by_server = true;
			break;
		}
		if (n < 0 || got + (size_t)n >= sizeof(buf) - 1)
			break; /* our receive timeout (EAGAIN), or a flood of bytes */
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	if (got > 0 && strstr(buf, " 200 "))
		fail_msg("answered 200 to a partial request:\n%s", buf);
	if (!closed_by_server)
		fail_msg("connection still open after %d s (server timeout %d s)",
			 TEST_TIMEOUT_S * 10, TEST_TIMEOUT_S);
}

static void test_server_lying_and_slow_clients(void **state)
{
	(void)state;
	/* Content-Length says 100, 10 bytes come */
	assert_closed_by_timeout("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"
				 "0123456789");
	/* headers never finished */
	assert_closed_by_timeout("GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ");
	/* Content-Length says 3, more comes: the rest is a (bad) next request, never part of the
	 * body */
	struct reply r;
	request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabcdef\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.raw, "{\"length\":3}"));
}

static void test_server_cookies_headers_query(void **state)
{
	(void)state;
	struct reply r;
	request("GET /api/v1/items/abc-1/who?q=d%C3%A9j%C3%A0&x=1 HTTP/1.1\r\nHost: t\r\n"
		"Connection: close\r\nX-Test: hi there\r\n"
		"Cookie: a=1; coop_session=\"s3cr3t\"; b=2\r\n\r\n",
		&r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Set-Cookie", "seen=1; Path=/; HttpOnly; SameSite=Strict");
	assert_header(&r, "Cache-Control", "no-store");
	json_t *j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	const char *id, *session, *x, *q, *client, *method;
	assert_int_equal(json_unpack(j, "{s:s, s:s, s:s, s:s, s:s, s:s}", "id", &id, "session",
				     &session, "x", &x, "q", &q, "client", &client, "method",
				     &method),
			 0);
	assert_string_equal(id, "abc-1");
	assert_string_equal(session, "s3cr3t");
	assert_string_equal(x, "hi there");
	assert_string_equal(q, "déjà");
	assert_string_equal(client, "127.0.0.1");
	assert_string_equal(method, "GET");
	json_decref(j);
}

static void test_server_keep_alive(void **state)
{
	(void)state;
	int fd = connect_local(5);
	assert_true(fd >= 0);
	/* an error on a bodiless request must not cost the connection */
	const char *a = "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n";
	const char *b = "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	assert_true(send_all(fd, a, strlen(a)));
	char buf[8192];
	size_t got = 0;
	/* read the first response whole (its Content-Length) before sending the second */
	for (;;) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		assert_true(n > 0);
		got += (size_t)n;
		buf[got] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		char *cl = strstr(buf, "Content-Length:");
		if (end && cl && got >= (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10))
			break;
	}
	assert_non_null(strstr(buf, "HTTP/1.1 404"));
	assert_true(send_all(fd, b, strlen(b)));
	got = read_all(fd, buf, sizeof(buf));
	close(fd);
	assert_true(got > 0);
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
	assert_non_null(strstr(buf, "{\"ok\":true}"));
}

#define CLIENT_THREADS 8
#define CLIENT_REQUESTS 25

static void *client_thread(void *arg)
{
	int *ok = arg;
	static const char req[] = "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	for (int i = 0; i < CLIENT_REQUESTS; i++) {
		int fd = connect_local(10);
		if (fd < 0)
			continue;
		char buf[4096];
		if (send_all(fd, req, sizeof(req) - 1)) {
			read_all(fd, buf, sizeof(buf));
			if (strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, "{\"ok\":true}"))
				(*ok)++;
		}
		close(fd);
	}
	return NULL;
}

static void test_server_concurrent(void **state)
{
	(void)state;
	pthread_t th[CLIENT_THREADS];
	int ok[CLIENT_THREADS] = {0};
	pthread_mutex_lock(&log_state.lock);
	int before = log_state.hello_200;
	pthread_mutex_unlock(&log_state.lock);
	for (int i = 0; i < CLIENT_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, client_thread, &ok[i]), 0);
	int total = 0;
	for (int i = 0; i < CLIENT_THREADS; i++) {
		pthread_join(th[i], NULL);
		total += ok[i];
	}
	assert_int_equal(total, CLIENT_THREADS * CLIENT_REQUESTS);
	/* the access log saw them all (logged at completion: allow the last ones to land) */
	for (int tries = 0; tries < 100; tries++) {
		pthread_mutex_lock(&log_state.lock);
		int seen = log_state.hello_200 - before;
		pthread_mutex_unlock(&log_state.lock);
		if (seen >= total)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
	}
	pthread_mutex_lock(&log_state.lock);
	assert_true(log_state.hello_200 - before >= total);
	assert_true(log_state.unrouted_404 > 0);
	assert_int_equal(log_state.bad_duration, 0);
	pthread_mutex_unlock(&log_state.lock);
}

static void *busy_client(void *arg)
{
	const char *req = arg;
	struct reply *r = malloc(sizeof(*r));
	if (r) {
		exchange(req, strlen(req), r);
		pthread_mutex_lock(&busy.lock);
		busy.failed += r->status != 200;
		pthread_mutex_unlock(&busy.lock);
		free(r);
	}
	return NULL;
}

static const char busy_read[] = "GET /busy HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
static const char busy_write[] = "POST /busy HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
				 "Content-Length: 0\r\n\r\n";

static void run_busy(int n_reads, bool with_write)
{
	pthread_t w, th[6];
	if (with_write) {
		assert_int_equal(pthread_create(&w, NULL, busy_client, (void *)busy_write), 0);
		busy_wait_ms(50); /* the write runs first */
	}
	for (int i = 0; i < n_reads; i++)
		assert_int_equal(pthread_create(&th[i], NULL, busy_client, (void *)busy_read), 0);
	for (int i = 0; i < n_reads; i++)
		pthread_join(th[i], NULL);
	if (with_write)
		pthread_join(w, NULL);
}

static void test_gate_read_limit(void **state)
{
	(void)state;
	assert_int_equal(http_gate_read_limit(2, 0), 2);
	assert_int_equal(http_gate_read_limit(2, 1), 1);
	assert_int_equal(http_gate_read_limit(2, 5), 1);
	assert_int_equal(http_gate_read_limit(1, 1), 1); /* a read always may run */
	assert_int_equal(http_gate_read_limit(0, 0), 1);
	assert_int_equal(http_gate_read_limit(8, 1), 7);
}

/* Six reads at once compute two at a time (the test server's two read slots); while a write
 * runs, one at a time: the write keeps a CPU free of readers. */
static void test_server_reads_give_way(void **state)
{
	(void)state;
	pthread_mutex_lock(&busy.lock);
	busy.max_reads = busy.max_reads_with_write = 0;
	pthread_mutex_unlock(&busy.lock);
	run_busy(6, false);
	assert_true(busy.max_reads >= 1 && busy.max_reads <= 2);
	busy.max_reads = 0;
	run_busy(6, true);
	assert_true(busy.max_reads_with_write >= 1);
	assert_int_equal(busy.max_reads_with_write, 1);
	assert_int_equal(busy.failed, 0);
}

/* A read runs on its pool thread's read thread, a write on the pool thread: both see the same
 * worker data slot (what the API keeps there, its database connection, is one per pool thread,
 * warm for a client's reads and writes alike). Three requests pipelined on one connection. */
static void test_server_worker_data_shared(void **state)
{
	(void)state;
	static const char three[] = "GET /slot HTTP/1.1\r\nHost: t\r\n\r\n"
				    "POST /slot HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
				    "GET /slot HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	struct reply r;
	request(three, &r);
	int ids[3], n = 0;
	for (const char *p = r.raw; n < 3 && (p = strstr(p, "{\"slot\":")); p++)
		ids[n++] = (int)strtol(p + strlen("{\"slot\":"), NULL, 10);
	assert_int_equal(n, 3);
	assert_true(ids[0] > 0);
	assert_int_equal(ids[1], ids[0]);
	assert_int_equal(ids[2], ids[0]);
}

/* Reads run on threads nicer than the pool's, by HTTP_DEFAULT_READ_NICE (up to 19): the
 * kernel gives the CPUs to writes first; writes run at the pool's (this process's) nice. */
static void test_server_reads_run_nicer(void **state)
{
	(void)state;
	int base = getpriority(PRIO_PROCESS, 0);
	if (base >= 19)
		skip(); /* already as nice as can be: nothing to compare */
	busy.read_nice = busy.write_nice = -100;
	run_busy(1, true);
	assert_int_equal(busy.write_nice, base);
	int want = base + HTTP_DEFAULT_READ_NICE > 19 ? 19 : base + HTTP_DEFAULT_READ_NICE;
	assert_int_equal(busy.read_nice, want);
	assert_int_equal(busy.failed, 0);
}

static void test_server_start_errors(void **state)
{
	(void)state;
	struct http_server *s = NULL;
	char err[256];
	struct http_server_config cfg = {.router = &srv_router};
	static const char *const bad[] = {
		"",         "8080",      ":8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80a",
		"::1:8080", "[::1]8080", "[::1]:"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.listen = bad[i];
		if (http_server_start(&cfg, &s, err, sizeof(err)) != ERR_INVALID)
			fail_msg("listen \"%s\" accepted", bad[i]);
		assert_null(s);
		assert_non_null(strstr(err, "adresse d'écoute"));
	}
	/* the port the test server holds is taken */
	char addr[32];
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", (unsigned)srv_port);
	cfg.listen = addr;
	assert_int_equal(http_server_start(&cfg, &s, err, sizeof(err)), ERR_IO);
	assert_null(s);
	/* IPv6 loopback, one thread, then stopped at once */
	cfg.listen = "[::1]:0";
	cfg.threads = 1;
	if (http_server_start(&cfg, &s, err, sizeof(err)) == COOP_OK) {
		assert_true(http_server_port(s) != 0);
		http_server_stop(s);
	}
	http_server_stop(NULL);
	/* a malformed allowed host is refused at start */
	static const char *const bad_hosts[] = {"",     "a b",       "t:",      "t:99999",
						"[::1", "é.example", "t:8080:1"};
	cfg.listen = "127.0.0.1:0";
	for (size_t i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
		cfg.allowed_hosts = &bad_hosts[i];
		cfg.allowed_host_count = 1;
		if (http_server_start(&cfg, &s, err, sizeof(err)) != ERR_INVALID)
			fail_msg("allowed host \"%s\" accepted", bad_hosts[i]);
		assert_null(s);
		assert_non_null(strstr(err, "nom autorisé invalide"));
	}
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_match_literals_and_params),
		cmocka_unit_test(test_match_specificity),
		cmocka_unit_test(test_match_404_405_head),
		cmocka_unit_test(test_match_bad_paths),
		cmocka_unit_test(test_router_init_checks),
		cmocka_unit_test(test_router_enumeration),
		cmocka_unit_test(test_request_lookups),
		cmocka_unit_test(test_json_parse),
		cmocka_unit_test(test_request_json_cache),
		cmocka_unit_test(test_response_helpers),
		cmocka_unit_test(test_host_split),
	};
	const struct CMUnitTest server[] = {
		cmocka_unit_test(test_gate_read_limit),
		cmocka_unit_test(test_server_reads_give_way),
		cmocka_unit_test(test_server_reads_run_nicer),
		cmocka_unit_test(test_server_worker_data_shared),
		cmocka_unit_test(test_server_hello),
		cmocka_unit_test(test_server_cache_control),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_server_bodies),
		cmocka_unit_test(test_server_strict_headers),
		cmocka_unit_test(test_server_host_allow_list),
		cmocka_unit_test(test_server_own_bounds),
		cmocka_unit_test(test_server_lying_and_slow_clients),
		cmocka_unit_test(test_server_cookies_headers_query),
		cmocka_unit_test(test_server_keep_alive),
		cmocka_unit_test(test_server_concurrent),
		cmocka_unit_test(test_server_start_errors),
	};
	int failed = cmocka_run_group_tests_name("router", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("server", server, server_setup, server_teardown);
	return failed;
}
