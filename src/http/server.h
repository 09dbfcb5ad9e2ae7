/*
 * server.h — the HTTP server: libmicrohttpd's internal thread pool, the router, one arena per
 * request, bounded input, security headers and the one JSON error format.
 *
 * Domain-free: it knows routes, requests and responses, never patients or sessions. A request
 * is read whole (headers, then a body of at most max_body bytes) before its handler runs on one
 * of the pool threads; the handler fills a struct http_response through the http_respond_*()
 * helpers; the server adds the security headers, queues the response, then frees the request's
 * arena. Before routing, the header block is read strictly (no malformed header line, no
 * repeated or conflicting framing header, exactly one valid Host in HTTP/1.1) and the Host must
 * be an allowed name (DNS rebinding). Every error the server produces itself (404, 405, 413...)
 * uses the error format
 * {"error": {"code": "...", "message": "<French>", "field": null}}. Nothing is logged unless an
 * access-log callback is given, and it never sees bodies, cookies or query strings.
 * See docs/internals/http.md for the bounds and policies.
 */
#ifndef COOP_HTTP_SERVER_H
#define COOP_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/error.h"
#include "http/router.h"

/* Defaults used when the matching config field is 0. */
#define HTTP_DEFAULT_MAX_BODY (1024 * 1024)         /* request body bytes */
#define HTTP_DEFAULT_ARENA_LIMIT (32 * 1024 * 1024) /* per-request arena bytes */
#define HTTP_DEFAULT_TIMEOUT_S 30                   /* idle connection timeout */
#define HTTP_DEFAULT_MAX_CONNECTIONS 256            /* concurrent connections */
#define HTTP_DEFAULT_READ_NICE 19                   /* nice of the read threads */
#define HTTP_DEFAULT_CONN_MEMORY (128 * 1024)       /* libmicrohttpd pool per connection */
#define HTTP_MAX_THREADS 64                         /* cap of the thread pool */

/* Longest request target (path + '?' + query) accepted; longer gives 414. */
#define HTTP_URL_MAX 4096
/* Most request headers kept; more gives 431. */
#define HTTP_REQUEST_HEADERS_MAX 64
/* Most bytes of request target plus header names and values; more gives 431 (ours, with the
 * security headers). conn_memory must stay well above it, or libmicrohttpd answers first. */
#define HTTP_REQUEST_HEAD_MAX (32 * 1024)
/* Most --allowed-host entries. */
#define HTTP_ALLOWED_HOSTS_MAX 32
/* Most extra response headers a handler may add (Set-Cookie, Location...). */
#define HTTP_RESPONSE_HEADERS_MAX 8

struct http_header {
	const char *name;
	const char *value;
};

/*
 * A request as a handler sees it. The server fills it; every pointer stays valid until the
 * handler returns (keep nothing past that). A test may fill one by hand (arena, method, path,
 * headers...), calling http_request_finish() at the end.
 */
struct http_request {
	const char *method; /* "GET"... NUL-terminated */
	const char *path;   /* raw path as sent (not percent-decoded), NUL-terminated */
	size_t path_len;
	const char *query; /* raw query string without '?', "" when none; NUL-terminated */
	size_t query_len;
	const struct http_route *route; /* the matched route */
	size_t param_count;             /* route parameters, pointers into path */
	struct http_param params[HTTP_MAX_PARAMS];
	const struct http_header *headers; /* as received, in order */
	size_t header_count;
	const char *body;        /* NUL-terminated copy of the body ("" when none) */
	size_t body_len;         /* <= max_body */
	const char *client_addr; /* peer address as text, "127.0.0.1", "::1"; "" if unknown */
	struct arena *arena;     /* the request's arena: everything the handler allocates */
	uint64_t start_ns;       /* monotonic clock when the request line arrived */
	json_t *json_cache;      /* private: body parsed by http_request_json() */
};

/* A response being built; handlers use the helpers below rather than the fields. */
struct http_response {
	int status;               /* 0 until a helper sets it (a handler that sets none: 500) */
	const char *content_type; /* NULL: no body */
	const char *body;         /* arena-owned or static; copied by the server when queued */
	size_t body_len;
	size_t header_count;
	struct http_header headers[HTTP_RESPONSE_HEADERS_MAX];
	struct arena *arena; /* the request's arena (the helpers allocate from it) */
};

/* One line of the access log: never a body, a cookie, a query string or a parameter. */
struct http_access_entry {
	const char *method;   /* "GET"; "?" for an overlong method */
	const char *route;    /* route name, or NULL when no route matched */
	int status;           /* 0 when the connection ended before a response */
	uint64_t duration_us; /* request line received → response sent (or connection end) */
};

/* Called once per request on a pool thread (must be thread-safe); e is valid during the call. */
typedef void (*http_access_log_fn)(void *cls, const struct http_access_entry *e);

struct http_server_config {
	const char *listen;       /* "HOST:PORT": "127.0.0.1:8080", "[::1]:8080"; port 0 =
				      * ephemeral (see http_server_port()) */
	unsigned threads;         /* pool threads; 0 = 2 × online CPUs, capped at 64 */
	unsigned read_slots;      /* reads (GET, HEAD) computing at once, one fewer while a
				      * write runs (at least one); 0 = online CPUs */
	unsigned read_nice;       /* reads run on threads of their own, this much nicer than
				      * the pool's (nice values top at 19): the kernel gives the
				      * CPUs to writes first; 0 = HTTP_DEFAULT_READ_NICE */
	size_t max_body;          /* 0 = HTTP_DEFAULT_MAX_BODY */
	size_t arena_limit;       /* 0 = HTTP_DEFAULT_ARENA_LIMIT; raised to max_body + 1 MiB */
	unsigned timeout_s;       /* 0 = HTTP_DEFAULT_TIMEOUT_S; idle connections are closed */
	unsigned max_connections; /* 0 = HTTP_DEFAULT_MAX_CONNECTIONS */
	size_t conn_memory;       /* 0 = HTTP_DEFAULT_CONN_MEMORY; at least 4 ×
				      * HTTP_REQUEST_HEAD_MAX (raised to it) */
	/* Host names a request may name besides the defaults (the listen host with or without the
	 * port; localhost, 127.0.0.1 and [::1] with the bound port). Each is "NAME" (any port, or
	 * none) or "NAME:PORT"; NAME is a DNS name, an IPv4 address or a bracketed IPv6 address,
	 * compared without case. At most HTTP_ALLOWED_HOSTS_MAX; borrowed until stop. */
	const char *const *allowed_hosts;
	size_t allowed_host_count;
	const struct http_router *router; /* checked by http_router_init(); borrowed */
	void *app;                        /* passed to every handler; borrowed */
	http_access_log_fn access_log;    /* NULL: no logging at all */
	void *access_log_cls;
	/* frees what the application kept in http_request_worker_data() slots, at stop (NULL:
	 * nothing to free) */
	void (*worker_data_free)(void *data);
};

struct http_server;

/*
 * Starts listening and serving; returns at once (the pool threads serve). cfg is copied; router
 * and app are borrowed until http_server_stop(). On success *out owns the server.
 * Errors: ERR_INVALID (bad listen address, allowed host or config), ERR_IO (cannot bind or start: port in use,
 * permissions), ERR_NOMEM. A French message goes to err (may be NULL).
 */
enum coop_err http_server_start(const struct http_server_config *cfg, struct http_server **out,
				char *err, size_t errlen);

/* How many reads may compute at once with `slots` read slots while `writes` write requests run:
 * slots, one fewer while a write runs, never fewer than one (slots 0 counts as 1). */
unsigned http_gate_read_limit(unsigned slots, unsigned writes);

/* For a read's handler about to wait rather than compute (e.g. for the disk): gives its read
 * slot to another read now instead of at its end. Idempotent; nothing for a write. */
void http_request_yield(struct http_request *req);

/* A slot where the application keeps a pointer per pool thread (its database connection, say):
 * the same slot for a request run on a pool thread and for a read that thread hands to its
 * read thread, which never run at once; so what the slot holds is used by one request at a
 * time. Starts NULL; at stop, cfg.worker_data_free() gets each non-NULL one. NULL when the
 * request has no slot (the application then keeps its own per-thread pointer). */
void **http_request_worker_data(struct http_request *req);

/* The port actually bound (useful after port 0). */
uint16_t http_server_port(const struct http_server *s);

/* Stops accepting, waits for the pool threads (running handlers finish), frees s. NULL-safe. */
void http_server_stop(struct http_server *s);

/* --- Reading the request (all lookups are bounded and allocation-free unless said). --- */

/* The route parameter called name (pointer into the path, *len bytes, not NUL-terminated), or
 * NULL. Values are 1..HTTP_PARAM_MAX bytes of [A-Za-z0-9._~-]. len may be NULL. */
const char *http_request_param(const struct http_request *req, const char *name, size_t *len);

/* The same as a NUL-terminated copy in the request's arena; NULL when absent or out of memory. */
const char *http_request_param_str(const struct http_request *req, const char *name);

/* The first header called name (case-insensitive), NUL-terminated; NULL when absent. */
const char *http_request_header(const struct http_request *req, const char *name);

/* The value of the cookie called name (case-sensitive) from the Cookie header(s): pointer into
 * the header, *len bytes, surrounding double quotes removed; NULL when absent. When the name
 * appears several times, the first wins. len may be NULL. */
const char *http_request_cookie(const struct http_request *req, const char *name, size_t *len);

/*
 * The query parameter called name, percent-decoded ('+' is a space) into a NUL-terminated copy
 * in the request's arena. The first occurrence wins.
 * Returns COOP_OK (*value, *len set), ERR_NOT_FOUND (absent), ERR_INVALID (bad %-escape, %00,
 * raw control byte, invalid UTF-8), ERR_NOMEM. len may be NULL.
 */
enum coop_err http_request_query(const struct http_request *req, const char *name,
				 const char **value, size_t *len);

/*
 * Parses the body as a JSON object with http_json_parse(). On success *json is borrowed: the
 * request owns it (released after the response; a second call returns the same object).
 * On failure *message is a French sentence fit for the error format (arena or static).
 * Returns COOP_OK, ERR_INVALID (not JSON, not an object, too deep, duplicate key, bad UTF-8,
 * empty), ERR_NOMEM.
 */
enum coop_err http_request_json(struct http_request *req, int max_depth, json_t **json,
				const char **message);

/* Releases what a request holds besides its arena (the parsed body). For hand-built requests;
 * the server calls it itself. NULL-safe, idempotent. */
void http_request_finish(struct http_request *req);

/*
 * Parses len bytes as JSON, refusing: an empty input, invalid UTF-8, nesting deeper than
 * max_depth (arrays and objects; the top-level object is depth 1), duplicate object keys, a top
 * level other than an object, trailing bytes. Depth is checked on the bytes before parsing, so
 * deep input costs no recursion. On success *json is a new reference (caller json_decref()s).
 * On failure a French message goes to msg (may be NULL; no parser internals, only a position).
 * Returns COOP_OK, ERR_INVALID or ERR_NOMEM.
 */
enum coop_err http_json_parse(const char *data, size_t len, int max_depth, json_t **json, char *msg,
			      size_t msglen);

/*
 * RFC 9110 §7.2: Host = uri-host [":" port]. Splits the NUL-terminated s into the name, its
 * first *name_len bytes (a bracketed IPv6 literal, or letters, digits, '-', '.', '_', '~'), and
 * the port (*port: -1 when absent, else 0..65535). Returns false when malformed: empty name,
 * empty port or more than 5 digits or above 65535, any other byte. Pure; used for the Host of
 * each request and for the allowed names.
 */
bool http_host_split(const char *s, size_t *name_len, long *port);

/* --- Building the response. Each helper replaces what a previous one set (not headers). --- */

/* Serialises json compactly as application/json; charset=utf-8 with status. Steals the
 * reference (json_decref()s it, NULL-safe); NULL json or failure gives a 500 error instead. */
void http_respond_json(struct http_response *res, int status, json_t *json);

/* The one error format: {"error": {"code": code, "message": message, "field": field or null}}.
 * code is a stable snake_case English token, message a French sentence for the user. */
void http_respond_error(struct http_response *res, int status, const char *code,
			const char *message, const char *field);

/* The HTTP status of a project error (200, 400, 404, 413, 409, 403; 500 for the rest). */
int http_status_of_err(enum coop_err e);

/* The error format for a project error: status http_status_of_err(e), code http_err_code(e),
 * message (NULL: err_str(e)), field (may be NULL). */
void http_respond_err(struct http_response *res, enum coop_err e, const char *message,
		      const char *field);

/* Stable error code token of e: "invalid", "not_found", "too_large", "conflict", "forbidden",
 * "internal". */
const char *http_err_code(enum coop_err e);

/* text/html; charset=utf-8. html (len bytes) must be static or arena-owned. */
void http_respond_html(struct http_response *res, int status, const char *html, size_t len);

/* Any content type (NULL: application/octet-stream); "text/..." without a charset gets
 * "; charset=utf-8". data must be static or arena-owned. */
void http_respond_bytes(struct http_response *res, int status, const char *content_type,
			const void *data, size_t len);

/* A status without a body (204, 304...). */
void http_respond_empty(struct http_response *res, int status);

/*
 * Adds a response header (Set-Cookie, Location, Cache-Control...); name and value must be static
 * or arena-owned. Refused: CR, LF or NUL bytes, an empty or non-token name, the headers the
 * server owns (Content-Type, Content-Length, Content-Security-Policy, X-Content-Type-Options,
 * Referrer-Policy, X-Frame-Options, Allow, Connection, Transfer-Encoding).
 * Returns COOP_OK, ERR_INVALID, ERR_TOO_LARGE (more than HTTP_RESPONSE_HEADERS_MAX).
 */
enum coop_err http_response_header(struct http_response *res, const char *name, const char *value);

#endif
