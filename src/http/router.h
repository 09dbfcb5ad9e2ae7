/*
 * router.h — the route table of the HTTP layer: {method, pattern, handler, name} entries and
 * the matching of a request's method and raw path against them.
 *
 * Pure code: no libmicrohttpd, no allocation, no domain knowledge. A pattern is a path made of
 * literal segments and whole-segment parameters, "/api/v1/episodes/{id}/consent" (the syntax of
 * OpenAPI path templates, so the API layer can check its OpenAPI document against the table).
 * Matching validates the raw path (before any percent-decoding; see http_router_match() for
 * the rules), then picks the most specific shape (a literal segment beats a parameter at the
 * first position where they differ) and, for that shape, the route of the request's method.
 * It tells "no such path" (404) from "path exists, method not allowed" (405, with the Allow
 * list). Captured parameters are pointer + length into the caller's path.
 */
#ifndef COOP_HTTP_ROUTER_H
#define COOP_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Longest raw path accepted (bytes, query string excluded); longer gives HTTP_MATCH_TOO_LONG. */
#define HTTP_PATH_MAX 2048
/* Most parameters in one pattern. */
#define HTTP_MAX_PARAMS 8
/* Most segments in one pattern. */
#define HTTP_MAX_SEGMENTS 64
/* Longest parameter value (bytes); a longer segment does not match a parameter. */
#define HTTP_PARAM_MAX 128
/* Longest method token ("GET", "DELETE"...). */
#define HTTP_METHOD_MAX 15
/* Room for an Allow list ("GET, HEAD, POST, OPTIONS"), NUL included. */
#define HTTP_ALLOW_MAX 128

struct http_request;
struct http_response;

/*
 * A request handler, defined by the API layer. It runs on one of the server's pool threads
 * (several handlers run at once: app must be thread-safe). It fills res through the
 * http_respond_*() helpers of server.h; everything it allocates comes from the request's arena
 * (req->arena), freed by the server once the response is queued. A handler never frees.
 */
typedef void (*http_handler)(struct http_request *req, struct http_response *res, void *app);

/* One entry of a route table; tables are static const arrays owned by the API layer. */
struct http_route {
	const char *method;   /* "GET", "POST", "PUT", "PATCH", "DELETE"... (case-sensitive) */
	const char *pattern;  /* "/api/v1/patients/{id}"; "/" for the root */
	http_handler handler; /* never NULL */
	const char *name;     /* stable name for logs and documentation ("patients.get") */
};

/* A route table checked by http_router_init(); it borrows the routes array. */
struct http_router {
	const struct http_route *routes;
	size_t count;
};

/* One captured parameter: name from the pattern, value from the path (neither NUL-terminated). */
struct http_param {
	const char *name;
	size_t name_len;
	const char *value; /* points into the path given to http_router_match() */
	size_t value_len;  /* 1..HTTP_PARAM_MAX, bytes in [A-Za-z0-9._~-] */
};

enum http_match_status {
	HTTP_MATCH_FOUND,              /* route set, params captured */
	HTTP_MATCH_NOT_FOUND,          /* no pattern has this path: 404 */
	HTTP_MATCH_METHOD_NOT_ALLOWED, /* a pattern has it, not with this method: 405 + allow */
	HTTP_MATCH_BAD_PATH,           /* the path breaks the rules below: 400 */
	HTTP_MATCH_TOO_LONG,           /* the path is longer than HTTP_PATH_MAX: 414 */
};

/* The result of one match; lives on the caller's stack. */
struct http_match {
	const struct http_route *route; /* HTTP_MATCH_FOUND only, else NULL */
	size_t param_count;
	struct http_param params[HTTP_MAX_PARAMS];
	/* FOUND and METHOD_NOT_ALLOWED: the methods of the matched shape, "GET, HEAD, OPTIONS";
	 * HEAD is listed with GET, OPTIONS always (the server answers it). Else "". */
	char allow[HTTP_ALLOW_MAX];
};

/*
 * Checks a route table and makes r refer to it (borrowed: routes must outlive r). Each route
 * needs a method token of 1..HTTP_METHOD_MAX bytes in [A-Z], a handler, a name, and a pattern
 * that starts with '/', has no empty, "." or ".." segment and no trailing slash (except the
 * root "/"), literal bytes in [A-Za-z0-9._~-], parameters "{name}" ([A-Za-z0-9_]) taking a whole
 * segment, at most HTTP_MAX_PARAMS parameters with distinct names, at most HTTP_MAX_SEGMENTS
 * segments. Two routes with the same method and the same shape (same literals, parameters at
 * the same places) are refused: one would be unreachable.
 * Returns COOP_OK, or ERR_INVALID with a French message naming the route in err (may be NULL).
 */
enum coop_err http_router_init(struct http_router *r, const struct http_route *routes, size_t count,
			       char *err, size_t errlen);

/*
 * Matches method (method_len bytes) and a raw path (path_len bytes, query string excluded, not
 * percent-decoded) against r. Path rules, checked first:
 *   - at most HTTP_PATH_MAX bytes (else TOO_LONG); starts with '/';
 *   - bytes in [A-Za-z0-9._~-] and '/' only: no NUL, no control byte, no space, no '%'
 *     (percent-encoding is refused: parameters are identifiers), no '\\', no non-ASCII;
 *   - no empty segment ("//") and no "." or ".." segment.
 * A path breaking them gives BAD_PATH. A trailing slash is allowed but no pattern has one, so
 * "/api/v1/patients/" is NOT_FOUND (no redirect). HEAD matches the GET route of a shape that
 * has no HEAD route. Always fills m (route NULL, no params, allow "" unless said otherwise).
 */
enum http_match_status http_router_match(const struct http_router *r, const char *method,
					 size_t method_len, const char *path, size_t path_len,
					 struct http_match *m);

/* The value of the parameter called name in m, or NULL (then *len = 0). len may be NULL. */
const char *http_match_param(const struct http_match *m, const char *name, size_t *len);

/* Number of routes, and route i (i < count) for enumeration (OpenAPI generation, checks). */
size_t http_router_count(const struct http_router *r);
const struct http_route *http_router_route(const struct http_router *r, size_t i);

#endif
