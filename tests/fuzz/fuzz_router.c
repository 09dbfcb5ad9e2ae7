/*
 * fuzz_router.c — libFuzzer target for the HTTP layer's parsers of outside input. The bytes up
 * to the first space are a method, the rest (up to a '?') a raw path, matched against a fixed
 * route table: it must never crash, and the result must be consistent (the route's method is
 * the request's, or GET for HEAD; every parameter lies inside the path and holds only allowed
 * bytes; 405 comes with an Allow list). The text after '?' goes through the query decoder, the
 * whole input through the Cookie parser, the JSON body helper and the Host splitter (a name
 * that lies inside the input and holds only allowed bytes, a port in range). Any broken
 * invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "http/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h_nop(struct http_request *req, struct http_response *res, void *app)
{
	(void)req;
	(void)res;
	(void)app;
}

static const struct http_route routes[] = {
	{"GET", "/", h_nop, "root"},
	{"GET", "/api/v1/health", h_nop, "health"},
	{"GET", "/api/v1/patients", h_nop, "patients.list"},
	{"POST", "/api/v1/patients", h_nop, "patients.create"},
	{"GET", "/api/v1/patients/{id}", h_nop, "patients.get"},
	{"PATCH", "/api/v1/patients/{id}", h_nop, "patients.update"},
	{"GET", "/api/v1/patients/search", h_nop, "patients.search"},
	{"GET", "/api/v1/episodes/{id}/consent", h_nop, "consent.get"},
	{"POST", "/api/v1/episodes/{id}/consent", h_nop, "consent.set"},
	{"DELETE", "/api/v1/episodes/{episode}/answers/{question}", h_nop, "answers.delete"},
	{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", h_nop, "eight"},
	{"HEAD", "/api/v1/ping", h_nop, "ping"},
};

static bool allowed_param_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static void check_match(const struct http_router *r, const char *method, size_t mlen,
			const char *path, size_t plen)
{
	struct http_match m;
	memset(&m, 0xA5, sizeof(m));
	enum http_match_status st = http_router_match(r, method, mlen, path, plen, &m);
	if (st != HTTP_MATCH_FOUND) {
		if (m.route || m.param_count)
			abort();
		if (st == HTTP_MATCH_METHOD_NOT_ALLOWED) {
			size_t al = strlen(m.allow);
			if (al < 7 || strcmp(m.allow + al - 7, "OPTIONS") != 0)
				abort();
		} else if (m.allow[0] != '\0') {
			abort();
		}
		if (st == HTTP_MATCH_TOO_LONG && plen <= HTTP_PATH_MAX)
			abort();
		return;
	}
	if (!m.route || m.param_count > HTTP_MAX_PARAMS || plen > HTTP_PATH_MAX)
		abort();
	const char *rm = m.route->method;
	bool same = strlen(rm) == mlen && memcmp(rm, method, mlen) == 0;
	bool head_on_get = mlen == 4 && memcmp(method, "HEAD", 4) == 0 && strcmp(rm, "GET") == 0;
	if (!same && !head_on_get)
		abort();
	const char *pat = m.route->pattern;
	for (size_t i = 0; i < m.param_count; i++) {
		const struct http_param *p = &m.params[i];
		if (p->value < path || p->value_len == 0 || p->value_len > HTTP_PARAM_MAX ||
		    p->value_len > plen || p->value > path + plen - p->value_len)
			abort();
		for (size_t k = 0; k < p->value_len; k++) {
			if (!allowed_param_byte((unsigned char)p->value[k]))
				abort();
		}
		if (p->name < pat || p->name + p->name_len > pat + strlen(pat))
			abort();
		if (http_match_param(&m, "nope", NULL) != NULL)
			abort();
	}
}

static void check_host(const uint8_t *data, size_t size)
{
	char host[512];
	if (size >= sizeof(host))
		size = sizeof(host) - 1;
	memcpy(host, data, size);
	host[size] = '\0';
	size_t len = 0;
	long port = -2;
	if (!http_host_split(host, &len, &port))
		return;
	size_t n = strlen(host);
	if (len == 0 || len > n || port < -1 || port > 65535)
		abort();
	if ((port == -1) != (len == n) || (port != -1 && host[len] != ':'))
		abort();
	if (host[0] == '[') {
		if (len < 4 || host[len - 1] != ']')
			abort();
		for (size_t i = 1; i + 1 < len; i++)
			if (!strchr("0123456789abcdefABCDEF:.", host[i]))
				abort();
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (!allowed_param_byte((unsigned char)host[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_host(data, size);
	static struct http_router r;
	static bool ready;
	if (!ready) {
		if (http_router_init(&r, routes, sizeof(routes) / sizeof(routes[0]), NULL, 0) !=
		    COOP_OK)
			abort();
		ready = true;
	}
	const char *in = (const char *)data;
	const char *sp = memchr(in, ' ', size);
	size_t mlen = sp ? (size_t)(sp - in) : 0;
	const char *path = sp ? sp + 1 : in;
	size_t rest = size - (size_t)(path - in);
	const char *qm = memchr(path, '?', rest);
	size_t plen = qm ? (size_t)(qm - path) : rest;
	check_match(&r, sp ? in : "GET", sp ? mlen : 3, path, plen);

	/* the query decoder and the Cookie parser, on a request built by hand */
	char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	struct arena a;
	arena_init(&a, 1 << 20);
	struct http_header hs[] = {{"Cookie", copy}};
	struct http_request req = {.arena = &a, .headers = hs, .header_count = 1};
	req.query = qm ? copy + (qm - in) + 1 : "";
	req.query_len = qm ? size - (size_t)(qm - in) - 1 : 0;
	static const char *const names[] = {"q", "id", "a", "", "page"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = NULL;
		size_t len = 0;
		enum coop_err rc = http_request_query(&req, names[i], &v, &len);
		if (rc == COOP_OK && (!v || strlen(v) != len))
			abort();
		if (rc != COOP_OK && v)
			abort();
		size_t clen;
		const char *c = http_request_cookie(&req, names[i], &clen);
		if (c && (c < copy || c + clen > copy + size))
			abort();
	}
	arena_free(&a);
	free(copy);

	/* the JSON body helper: any bytes, a depth from the first byte */
	json_t *j = (json_t *)1;
	char msg[160];
	int depth = size ? data[0] % 12 : 1;
	enum coop_err rc = http_json_parse(in, size, depth, &j, msg, sizeof(msg));
	if (rc == COOP_OK) {
		if (!json_is_object(j))
			abort();
		json_decref(j);
	} else if (j != NULL || msg[0] == '\0') {
		abort();
	}
	return 0;
}
