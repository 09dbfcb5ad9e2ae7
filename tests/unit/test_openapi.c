/*
 * test_openapi.c — the OpenAPI document (docs/api/openapi.json) describes exactly the server's
 * route table: every route is documented with its method, and every documented operation is a
 * route; every operation documents its error response.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/app.h"

static void lower(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static void test_document_matches_routes(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *doc = json_load_file("docs/api/openapi.json", JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("docs/api/openapi.json : %s (ligne %d)", jerr.text, jerr.line);
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	size_t n;
	const struct http_route *routes = app_routes(&n);
	size_t documented = 0;
	for (size_t i = 0; i < n; i++) {
		char method[16];
		lower(routes[i].method, method, sizeof(method));
		json_t *op = json_object_get(json_object_get(paths, routes[i].pattern), method);
		if (!op)
			fail_msg("route %s %s absente du document OpenAPI", routes[i].method,
				 routes[i].pattern);
		if (!json_object_get(json_object_get(op, "responses"), "default"))
			fail_msg("%s %s : réponse d'erreur non documentée", routes[i].method,
				 routes[i].pattern);
	}
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item) {
		const char *m;
		json_t *op;
		json_object_foreach(item, m, op) {
			bool found = false;
			for (size_t i = 0; i < n && !found; i++) {
				char method[16];
				lower(routes[i].method, method, sizeof(method));
				found = strcmp(routes[i].pattern, path) == 0 && strcmp(method, m) == 0;
			}
			if (!found)
				fail_msg("%s %s documentée mais absente des routes", m, path);
			documented++;
		}
	}
	assert_int_equal(documented, n);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_document_matches_routes)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
