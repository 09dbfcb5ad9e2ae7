/*
 * server.c — libmicrohttpd wrapper (see server.h and docs/internals/http.md).
 *
 * Life of a request, all on one pool thread of libmicrohttpd (MHD):
 *   1. http_on_uri(): MHD has read the request line. We allocate the request context, start the
 *      clock and copy the raw request target (MHD decodes it in place afterwards; we route on
 *      the raw bytes so that "%2F" can never become a path separator).
 *   2. http_on_request(), first call: the headers are in. We check the bounds, the header
 *      lines, the framing headers and the Host, and route. An error is answered at once when
 *      a body is announced (MHD then discards the body and closes the connection, so an
 *      oversized body is never read) and at the last call otherwise (keeping the connection
 *      alive).
 *   3. Further calls bring the body in pieces, copied into a buffer of the announced size.
 *   4. Last call: the handler runs, the response is copied into MHD and queued, the arena freed.
 *      A read's handler runs on a read thread (a lower CPU priority) while the pool thread
 *      waits for it.
 *   5. http_on_completed(): the access-log line, then the context is freed.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/utf8.h"

#define HTTP_MIB (1024 * 1024)

/* One accepted Host name (an --allowed-host entry, or the listen host). */
struct http_host_rule {
	const char *name; /* not NUL-terminated: name_len bytes */
	size_t name_len;
	long port; /* -1: any port, or none */
};

/* Reads give way to writes. A read (GET, HEAD) computes only while it holds one of `slots`
 * read slots, one fewer while a write request runs or ended less than
 * HTTP_GATE_WRITE_LINGER_NS ago (never fewer than one): however many clients read at once,
 * they share the CPUs they are given, and a write always finds a CPU free of readers. A read
 * waiting for the disk (its audit record) gives its slot back first (http_request_yield()).
 * Writes never wait here. */
struct http_gate {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	unsigned slots;  /* read slots when no write runs */
	unsigned reads;  /* reads holding a slot */
	unsigned writes; /* write requests running */
	uint64_t write_end_ns; /* monotonic time the last write request ended */
};

/* A write that ended this recently still counts as running for the gate: a client working
 * through a pathway sends its next write a moment after the previous answer. */
#define HTTP_GATE_WRITE_LINGER_NS (20ull * 1000 * 1000)

/* A read handed to a read thread by the pool thread that received it, which waits. */
struct http_read_job {
	struct http_ctx *ctx;
	bool done;
	pthread_cond_t finished;
	struct http_read_job *next;
};

/* Reads run on threads of their own whose nice value is cfg.read_nice above the process's: when
 * reads and writes want the same CPUs, the kernel's scheduler gives them to the writes (a write
 * computing while readers saturate the server keeps most of a CPU, not an equal share). Each
 * pool thread hands its reads to the same read thread, its partner: a client's keep-alive
 * connection stays on one pool thread, so its reads and writes keep finding the same warm
 * database connection (kept in the pool thread's worker data slot: http_request_worker_data()).
 * As many read threads as pool threads; if the system refused some, pool threads share them. */
struct http_reader {
	struct http_server *srv;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct http_read_job *head, *tail;
	bool stop;
};

struct http_readers {
	struct http_reader *r; /* cfg.threads of them, `count` started */
	unsigned count;
};

/* The calling pool thread's number in its server, from 0 in the order they first served
 * (pool threads serve one server all their life): its read thread is r[number % count], its
 * worker data slot worker_data[number]. */
static _Thread_local struct {
	const struct http_server *srv;
	unsigned number;
} http_pool_thread;

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_gate gate;
	struct http_readers readers;
	atomic_uint pool_threads_seen; /* numbers given to pool threads so far */
	void *worker_data[HTTP_MAX_THREADS];
	struct http_server_config cfg; /* defaults filled in */
	uint16_t port;
	char listen_host[260]; /* as a Host names it: "127.0.0.1", "[::1]", "localhost" */
	struct http_host_rule allowed[HTTP_ALLOWED_HOSTS_MAX];
	size_t allowed_count;
};

/* Everything about one request, from the request line to the end of the response. */
struct http_ctx {
	struct http_server *srv;
	struct arena arena;
	struct http_request req;
	struct http_response res;
	struct http_match match;
	struct http_header headers[HTTP_REQUEST_HEADERS_MAX];
	size_t header_count;
	bool header_overflow;
	bool header_malformed; /* a name that is not a token, a control byte in a value */
	size_t head_bytes;     /* header names and values received, for HTTP_REQUEST_HEAD_MAX */
	char method[HTTP_METHOD_MAX + 1]; /* copy for the access log; "" when too long */
	char client[INET6_ADDRSTRLEN];
	char *uri; /* raw request target, arena copy; NULL when too long or no memory */
	bool uri_too_long;
	bool started;        /* the access handler has seen the headers */
	bool body_announced; /* Content-Length > 0 or Transfer-Encoding: a body follows */
	int pending_status;  /* an answer decided at the headers, given at the right call */
	const char *pending_code;
	const char *pending_message;
	char *body; /* Content-Length + 1 bytes from the arena */
	size_t body_len, body_cap;
	int status; /* status queued, 0 until then */
	const char *route_name;
	bool api_path; /* path under /api/: Cache-Control is always no-store */
	bool read_slot; /* holds a read slot of the gate */
	unsigned pool_thread; /* number of the pool thread that received it (http_pool_thread) */
};

static const char http_csp[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

static const char http_fallback_body[] =
	"{\"error\":{\"code\":\"internal\",\"message\":\"Erreur interne du serveur.\","
	"\"field\":null}}";

static const char http_json_type[] = "application/json; charset=utf-8";

/* --- small helpers --- */

static uint64_t http_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static bool http_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int http_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes raw[0..len) ('+' is a space) into out (room for len bytes) when out is not
 * NULL; returns the decoded length, or (size_t)-1 for a bad escape, %00 or a raw control byte.
 */
static size_t http_pct_decode(const char *raw, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = raw[i];
		if (c == '%') {
			if (len - i < 3)
				return (size_t)-1;
			int h = http_hex(raw[i + 1]), l = http_hex(raw[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return (size_t)-1;
			c = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		} else if ((unsigned char)c < 0x20 || c == 0x7F) {
			return (size_t)-1;
		}
		if (out)
			out[o] = c;
		o++;
	}
	return o;
}

/* Does the raw (percent-encoded) key equal name once decoded? */
static bool http_pct_equal(const char *raw, size_t len, const char *name)
{
	char buf[128];
	if (len > sizeof(buf))
		return false;
	size_t n = http_pct_decode(raw, len, buf);
	return n != (size_t)-1 && n == strlen(name) && memcmp(buf, name, n) == 0;
}

/* --- reading the request --- */

const char *http_request_param(const struct http_request *req, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < req->param_count; i++) {
		const struct http_param *p = &req->params[i];
		if (p->name_len == nlen && memcmp(p->name, name, nlen) == 0) {
			if (len)
				*len = p->value_len;
			return p->value;
		}
	}
	if (len)
		*len = 0;
	return NULL;
}

const char *http_request_param_str(const struct http_request *req, const char *name)
{
	size_t len;
	const char *v = http_request_param(req, name, &len);
	return v ? arena_strndup(req->arena, v, len) : NULL;
}

const char *http_request_header(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->header_count; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	}
	return NULL;
}

static bool http_ows(char c)
{
	return c == ' ' || c == '\t';
}

const char *http_request_cookie(const struct http_request *req, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	if (len)
		*len = 0;
	for (size_t h = 0; h < req->header_count; h++) {
		if (strcasecmp(req->headers[h].name, "Cookie") != 0)
			continue;
		const char *p = req->headers[h].value;
		while (*p) {
			while (http_ows(*p) || *p == ';')
				p++;
			const char *end = strchr(p, ';');
			if (!end)
				end = p + strlen(p);
			const char *eq = memchr(p, '=', (size_t)(end - p));
			if (eq) {
				const char *ke = eq;
				while (ke > p && http_ows(ke[-1]))
					ke--;
				if ((size_t)(ke - p) == nlen && memcmp(p, name, nlen) == 0) {
					const char *v = eq + 1, *ve = end;
					while (v < ve && http_ows(*v))
						v++;
					while (ve > v && http_ows(ve[-1]))
						ve--;
					if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
						v++;
						ve--;
					}
					if (len)
						*len = (size_t)(ve - v);
					return v;
				}
			}
			p = end;
		}
	}
	return NULL;
}

enum coop_err http_request_query(const struct http_request *req, const char *name,
				 const char **value, size_t *len)
{
	const char *q = req->query ? req->query : "";
	size_t qlen = req->query ? req->query_len : 0;
	size_t pos = 0;
	*value = NULL;
	if (len)
		*len = 0;
	while (pos < qlen) {
		const char *amp = memchr(q + pos, '&', qlen - pos);
		size_t end = amp ? (size_t)(amp - q) : qlen;
		const char *pair = q + pos;
		size_t plen = end - pos;
		const char *eq = memchr(pair, '=', plen);
		size_t klen = eq ? (size_t)(eq - pair) : plen;
		if (http_pct_equal(pair, klen, name)) {
			const char *raw = eq ? eq + 1 : pair + plen;
			size_t rlen = eq ? plen - klen - 1 : 0;
			size_t n = http_pct_decode(raw, rlen, NULL);
			if (n == (size_t)-1)
				return ERR_INVALID;
			char *out = arena_alloc(req->arena, n + 1);
			if (!out)
				return ERR_NOMEM;
			http_pct_decode(raw, rlen, out);
			out[n] = '\0';
			if (!utf8_valid(out, n))
				return ERR_INVALID;
			*value = out;
			if (len)
				*len = n;
			return COOP_OK;
		}
		pos = end + 1;
	}
	return ERR_NOT_FOUND;
}

/* Nesting depth of the JSON text, strings skipped; stops counting past limit. */
static int http_json_depth(const char *data, size_t len, int limit)
{
	int depth = 0, max = 0;
	bool in_string = false, escape = false;
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (in_string) {
			if (escape)
				escape = false;
			else if (c == '\\')
				escape = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max) {
				max = depth;
				if (max > limit)
					return max;
			}
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return max;
}

enum coop_err http_json_parse(const char *data, size_t len, int max_depth, json_t **json, char *msg,
			      size_t msglen)
{
	enum coop_err rc = ERR_INVALID;
	json_error_t jerr;
	json_t *root = NULL;
	*json = NULL;
	if (msg && msglen)
		msg[0] = '\0';
	if (max_depth < 1)
		max_depth = 1;
	if (len == 0) {
		if (msg)
			snprintf(msg, msglen, "Le corps de la requête est vide.");
		goto out;
	}
	if (!utf8_valid(data, len)) {
		if (msg)
			snprintf(msg, msglen, "Le corps de la requête n'est pas en UTF-8 valide.");
		goto out;
	}
	if (http_json_depth(data, len, max_depth) > max_depth) {
		if (msg)
			snprintf(msg, msglen,
				 "Le JSON est trop imbriqué (profondeur maximale : %d).",
				 max_depth);
		goto out;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root) {
		enum json_error_code code = json_error_code(&jerr);
		if (code == json_error_out_of_memory) {
			rc = ERR_NOMEM;
			if (msg)
				snprintf(msg, msglen, "Mémoire insuffisante.");
		} else if (!msg) {
			/* nothing to say */
		} else if (code == json_error_duplicate_key) {
			snprintf(msg, msglen,
				 "Clé en double dans l'objet JSON (ligne %d, colonne %d).",
				 jerr.line, jerr.column);
		} else if (code == json_error_numeric_overflow) {
			snprintf(msg, msglen,
				 "Nombre hors limites dans le JSON (ligne %d, colonne %d).",
				 jerr.line, jerr.column);
		} else {
			snprintf(msg, msglen, "JSON invalide (ligne %d, colonne %d).", jerr.line,
				 jerr.column);
		}
		goto out;
	}
	if (!json_is_object(root)) {
		if (msg)
			snprintf(msg, msglen, "Un objet JSON est attendu.");
		goto out;
	}
	*json = root;
	root = NULL;
	rc = COOP_OK;
out:
	json_decref(root);
	return rc;
}

enum coop_err http_request_json(struct http_request *req, int max_depth, json_t **json,
				const char **message)
{
	char buf[160];
	*json = NULL;
	*message = NULL;
	if (req->json_cache) {
		*json = req->json_cache;
		return COOP_OK;
	}
	enum coop_err rc = http_json_parse(req->body ? req->body : "",
					   req->body ? req->body_len : 0, max_depth,
					   &req->json_cache, buf, sizeof(buf));
	if (rc == COOP_OK) {
		*json = req->json_cache;
	} else {
		const char *copy = arena_strdup(req->arena, buf);
		*message = copy ? copy : "JSON invalide.";
	}
	return rc;
}

void http_request_finish(struct http_request *req)
{
	if (!req)
		return;
	json_decref(req->json_cache);
	req->json_cache = NULL;
}

/* --- building the response --- */

static void http_set_body(struct http_response *res, int status, const char *type, const char *body,
			  size_t len)
{
	res->status = status;
	res->content_type = type;
	res->body = body;
	res->body_len = len;
}

static void http_respond_internal(struct http_response *res)
{
	http_set_body(res, 500, http_json_type, http_fallback_body, sizeof(http_fallback_body) - 1);
}

void http_respond_json(struct http_response *res, int status, json_t *json)
{
	char *text = NULL;
	if (!json)
		goto fail;
	text = json_dumps(json, JSON_COMPACT);
	if (!text)
		goto fail;
	size_t len = strlen(text);
	char *copy = arena_strndup(res->arena, text, len);
	if (!copy)
		goto fail;
	http_set_body(res, status, http_json_type, copy, len);
	goto out;
fail:
	http_respond_internal(res);
out:
	free(text);
	json_decref(json);
}

void http_respond_error(struct http_response *res, int status, const char *code,
			const char *message, const char *field)
{
	json_t *f = field ? json_string(field) : json_null();
	json_t *body = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", code, "message", message,
				 "field", f);
	/* json_pack steals f even on failure; invalid UTF-8 in field gives f NULL → 500 */
	if (!f || !body) {
		json_decref(body);
		http_respond_internal(res);
		return;
	}
	http_respond_json(res, status, body);
}

const char *http_err_code(enum coop_err e)
{
	switch (e) {
	case ERR_INVALID: return "invalid";
	case ERR_NOT_FOUND: return "not_found";
	case ERR_TOO_LARGE: return "too_large";
	case ERR_CONFLICT: return "conflict";
	case ERR_FORBIDDEN: return "forbidden";
	case ERR_TIMEOUT: return "timeout";
	case COOP_OK:
	case ERR_NOMEM:
	case ERR_IO:
	case ERR_INTERNAL: return "internal";
	}
	return "internal";
}

int http_status_of_err(enum coop_err e)
{
	switch (e) {
	case COOP_OK: return 200;
	case ERR_INVALID: return 400;
	case ERR_NOT_FOUND: return 404;
	case ERR_TOO_LARGE: return 413;
	case ERR_CONFLICT: return 409;
	case ERR_FORBIDDEN: return 403;
	case ERR_TIMEOUT: return 503;
	case ERR_NOMEM:
	case ERR_IO:
	case ERR_INTERNAL: return 500;
	}
	return 500;
}

void http_respond_err(struct http_response *res, enum coop_err e, const char *message,
		      const char *field)
{
	int status = http_status_of_err(e);
	if (status < 400)
		status = 500;
	http_respond_error(res, status, http_err_code(e), message ? message : err_str(e), field);
}

void http_respond_html(struct http_response *res, int status, const char *html, size_t len)
{
	http_set_body(res, status, "text/html; charset=utf-8", html, len);
}

void http_respond_bytes(struct http_response *res, int status, const char *content_type,
			const void *data, size_t len)
{
	const char *type = content_type ? content_type : "application/octet-stream";
	if (strncasecmp(type, "text/", 5) == 0 && !strstr(type, "charset")) {
		size_t tlen = strlen(type);
		char *t = arena_alloc(res->arena, tlen + sizeof("; charset=utf-8"));
		if (!t) {
			http_respond_internal(res);
			return;
		}
		memcpy(t, type, tlen);
		memcpy(t + tlen, "; charset=utf-8", sizeof("; charset=utf-8"));
		type = t;
	}
	http_set_body(res, status, type, data, len);
}

void http_respond_empty(struct http_response *res, int status)
{
	http_set_body(res, status, NULL, NULL, 0);
}

/* Headers only the server sets. */
static const char *const http_owned_headers[] = {
	"Content-Type",
	"Content-Length",
	"Content-Security-Policy",
	"X-Content-Type-Options",
	"Referrer-Policy",
	"X-Frame-Options",
	"Allow",
	"Connection",
	"Transfer-Encoding",
};

enum coop_err http_response_header(struct http_response *res, const char *name, const char *value)
{
	if (!name || !value || !name[0])
		return ERR_INVALID;
	for (const char *p = name; *p; p++) {
		if (!http_tchar((unsigned char)*p))
			return ERR_INVALID;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
			return ERR_INVALID;
	}
	for (size_t i = 0; i < sizeof(http_owned_headers) / sizeof(http_owned_headers[0]); i++) {
		if (strcasecmp(name, http_owned_headers[i]) == 0)
			return ERR_INVALID;
	}
	if (res->header_count >= HTTP_RESPONSE_HEADERS_MAX)
		return ERR_TOO_LARGE;
	res->headers[res->header_count].name = name;
	res->headers[res->header_count].value = value;
	res->header_count++;
	return COOP_OK;
}

/* --- the MHD side --- */

/* Adds the headers every response carries; false when MHD refuses one. */
static bool http_add_common_headers(struct MHD_Response *r)
{
	return MHD_add_response_header(r, "Content-Security-Policy", http_csp) == MHD_YES &&
	       MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
	       MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
	       MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES;
}

/* The last-resort 500 response (static body), or NULL when even that cannot be built. */
static struct MHD_Response *http_fallback_response(void)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		sizeof(http_fallback_body) - 1, (void *)http_fallback_body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return NULL;
	if (!http_add_common_headers(r) ||
	    MHD_add_response_header(r, "Content-Type", http_json_type) != MHD_YES ||
	    MHD_add_response_header(r, "Cache-Control", "no-store") != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

/* Turns ctx->res into an MHD response; NULL on failure. */
static struct MHD_Response *http_build_response(struct http_ctx *ctx, const char *allow)
{
	const struct http_response *res = &ctx->res;
	const char *cache = NULL;
	struct MHD_Response *r = MHD_create_response_from_buffer(
		res->body_len, (void *)(res->body ? res->body : ""), MHD_RESPMEM_MUST_COPY);
	if (!r)
		return NULL;
	if (!http_add_common_headers(r))
		goto fail;
	if (res->content_type &&
	    MHD_add_response_header(r, "Content-Type", res->content_type) != MHD_YES)
		goto fail;
	if (allow && allow[0] && MHD_add_response_header(r, "Allow", allow) != MHD_YES)
		goto fail;
	for (size_t i = 0; i < res->header_count; i++) {
		if (strcasecmp(res->headers[i].name, "Cache-Control") == 0) {
			cache = res->headers[i].value;
			continue;
		}
		if (MHD_add_response_header(r, res->headers[i].name, res->headers[i].value) !=
		    MHD_YES)
			goto fail;
	}
	if (ctx->api_path || !cache)
		cache = "no-store";
	if (MHD_add_response_header(r, "Cache-Control", cache) != MHD_YES)
		goto fail;
	return r;
fail:
	MHD_destroy_response(r);
	return NULL;
}

/* Queues ctx->res (with an Allow header when allow is not empty), then frees the arena. */
static enum MHD_Result http_queue(struct http_ctx *ctx, struct MHD_Connection *conn,
				  const char *allow)
{
	enum MHD_Result ret = MHD_NO;
	int status = ctx->res.status;
	if (status < 100 || status > 599) {
		http_respond_internal(&ctx->res);
		status = 500;
	}
	struct MHD_Response *r = http_build_response(ctx, allow);
	if (!r) {
		status = 500;
		r = http_fallback_response();
	}
	if (r) {
		ret = MHD_queue_response(conn, (unsigned int)status, r);
		MHD_destroy_response(r);
	}
	if (ret == MHD_YES)
		ctx->status = status;
	http_request_finish(&ctx->req);
	arena_free(&ctx->arena);
	ctx->uri = NULL;
	ctx->body = NULL;
	return ret;
}

/* Records an answer decided from the headers alone. */
static void http_pending(struct http_ctx *ctx, int status, const char *code, const char *msg)
{
	if (ctx->pending_status)
		return; /* the first problem found wins */
	ctx->pending_status = status;
	ctx->pending_code = code;
	ctx->pending_message = msg;
}

static enum MHD_Result http_queue_pending(struct http_ctx *ctx, struct MHD_Connection *conn)
{
	const char *allow = NULL;
	if (ctx->pending_status == 405 || ctx->pending_status == 204)
		allow = ctx->match.allow;
	if (ctx->pending_code)
		http_respond_error(&ctx->res, ctx->pending_status, ctx->pending_code,
				   ctx->pending_message, NULL);
	else
		http_respond_empty(&ctx->res, ctx->pending_status);
	return http_queue(ctx, conn, allow);
}

/* RFC 9110 §5.1, §5.5: a field name is a token; a value holds no control byte but HTAB (so no
 * CR, which a proxy in front may read as a line end, and no NUL). */
static bool http_field_ok(const char *key, size_t key_size, const char *value, size_t value_size)
{
	if (key_size == 0)
		return false;
	for (size_t i = 0; i < key_size; i++)
		if (!http_tchar((unsigned char)key[i]))
			return false;
	for (size_t i = 0; i < value_size; i++) {
		unsigned char c = (unsigned char)value[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return false;
	}
	return true;
}

static enum MHD_Result http_collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
					   size_t key_size, const char *value, size_t value_size)
{
	struct http_ctx *ctx = cls;
	(void)kind;
	if (!key || !value || !http_field_ok(key, key_size, value, value_size))
		ctx->header_malformed = true;
	ctx->head_bytes += key_size + value_size + 4; /* ": " and CRLF */
	if (ctx->header_count >= HTTP_REQUEST_HEADERS_MAX) {
		ctx->header_overflow = true;
		return MHD_NO;
	}
	ctx->headers[ctx->header_count].name = key ? key : "";
	ctx->headers[ctx->header_count].value = value ? value : "";
	ctx->header_count++;
	return MHD_YES;
}

static void http_client_text(struct http_ctx *ctx, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	ctx->client[0] = '\0';
	if (!info || !info->client_addr)
		return;
	const struct sockaddr *sa = info->client_addr;
	const void *addr = NULL;
	if (sa->sa_family == AF_INET)
		addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (!addr || !inet_ntop(sa->sa_family, addr, ctx->client, sizeof(ctx->client)))
		ctx->client[0] = '\0';
}

/* Strict decimal Content-Length; false when malformed. A value above SIZE_MAX / 2 gives
 * SIZE_MAX / 2 (far above any body limit: a 413, not a 400). */
static bool http_parse_length(const char *s, size_t *out)
{
	size_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (SIZE_MAX / 2 - 9) / 10)
			v = SIZE_MAX / 2;
		else
			v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* How many request headers are called name (case-insensitive). */
static size_t http_header_count(const struct http_request *req, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < req->header_count; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			n++;
	return n;
}

bool http_host_split(const char *s, size_t *name_len, long *port)
{
	size_t n = 0;
	if (s[0] == '[') {
		n = 1;
		while (s[n] && (strchr("0123456789abcdefABCDEF:.", s[n]) != NULL))
			n++;
		if (s[n] != ']' || n < 3)
			return false;
		n++;
	} else {
		while (s[n] && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
				(s[n] >= '0' && s[n] <= '9') || strchr("-._~", s[n]) != NULL))
			n++;
		if (n == 0)
			return false;
	}
	*name_len = n;
	*port = -1;
	if (s[n] == '\0')
		return true;
	if (s[n] != ':')
		return false;
	const char *p = s + n + 1;
	size_t digits = strlen(p);
	if (digits == 0 || digits > 5)
		return false;
	long v = 0;
	for (size_t i = 0; i < digits; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = v;
	return true;
}

static bool http_name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

/* DNS rebinding: a page of another site whose name now points here sends its own name as Host.
 * Allowed: the listen host with the bound port or none, the loopback names with the bound
 * port, and the configured names (any port unless one is given). */
static bool http_host_allowed(const struct http_server *srv, const char *name, size_t len,
			      long port)
{
	static const char *const loopback[] = {"localhost", "127.0.0.1", "[::1]"};
	if (http_name_is(name, len, srv->listen_host) && (port < 0 || port == srv->port))
		return true;
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (http_name_is(name, len, loopback[i]) && port == srv->port)
			return true;
	for (size_t i = 0; i < srv->allowed_count; i++) {
		const struct http_host_rule *r = &srv->allowed[i];
		if (r->name_len == len && strncasecmp(r->name, name, len) == 0 &&
		    (r->port < 0 || r->port == port))
			return true;
	}
	return false;
}

/* RFC 9112 §3.2: exactly one valid Host in HTTP/1.1 (at most one in HTTP/1.0), and an allowed
 * one. Records the answer when not. */
static void http_check_host(struct http_ctx *ctx, const char *version)
{
	const struct http_request *req = &ctx->req;
	size_t count = http_header_count(req, "Host");
	bool http10 = version && strcmp(version, "HTTP/1.0") == 0;
	if (count == 0) {
		if (!http10)
			http_pending(
				ctx, 400, "host_missing",
				"La requête doit indiquer l'adresse du serveur (en-tête Host).");
		return;
	}
	const char *host = http_request_header(req, "Host");
	size_t len;
	long port;
	if (count > 1 || !http_host_split(host, &len, &port)) {
		http_pending(ctx, 400, "invalid_host",
			     "L'adresse du serveur indiquée par la requête (en-tête Host) est "
			     "invalide.");
		return;
	}
	if (!http_host_allowed(ctx->srv, host, len, port))
		http_pending(ctx, 421, "host_not_allowed",
			     "Ce serveur Coop ne répond pas sous ce nom. Ouvrez Coop à son adresse "
			     "habituelle ; l'administrateur peut autoriser d'autres noms avec "
			     "l'option --allowed-host de coop serve.");
}

/* First call: headers are in. Fills ctx->req or records a pending answer (the first recorded
 * wins: bounds, then the strict reading of the header lines, then framing, then Host). */
static void http_begin(struct http_ctx *ctx, struct MHD_Connection *conn, const char *method,
		       const char *version)
{
	const struct http_server_config *cfg = &ctx->srv->cfg;
	struct http_request *req = &ctx->req;
	size_t mlen = strlen(method);

	if (mlen <= HTTP_METHOD_MAX)
		memcpy(ctx->method, method, mlen + 1);
	http_client_text(ctx, conn);
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, http_collect_header, ctx);
	req->headers = ctx->headers;
	req->header_count = ctx->header_count;
	req->arena = &ctx->arena;
	req->client_addr = ctx->client;
	req->method = ctx->method;
	ctx->res.arena = &ctx->arena;

	if (ctx->uri_too_long)
		http_pending(ctx, 414, "uri_too_long", "L'adresse demandée est trop longue.");
	if (ctx->header_overflow)
		http_pending(ctx, 431, "headers_too_large",
			     "Les en-têtes de la requête sont trop nombreux.");
	if (ctx->head_bytes + (ctx->uri ? strlen(ctx->uri) : 0) > HTTP_REQUEST_HEAD_MAX)
		http_pending(ctx, 431, "headers_too_large",
			     "Les en-têtes de la requête sont trop volumineux.");
	if (ctx->header_malformed)
		http_pending(ctx, 400, "invalid_header",
			     "Un en-tête de la requête est mal formé (nom invalide, espace avant "
			     "les deux-points ou caractère de contrôle).");

	/* Framing (RFC 9112 §6): whether a body follows decides when an error can be answered;
	 * every framing error is answered at once and closes the connection. */
	size_t length = 0;
	size_t te_count = http_header_count(req, "Transfer-Encoding");
	size_t cl_count = http_header_count(req, "Content-Length");
	const char *cl = http_request_header(req, "Content-Length");
	if (te_count && cl_count) {
		ctx->body_announced = true;
		http_pending(ctx, 400, "invalid",
			     "La requête indique à la fois Transfer-Encoding et Content-Length.");
	} else if (te_count) {
		ctx->body_announced = true;
		http_pending(ctx, 411, "length_required",
			     "La longueur du corps de la requête doit être indiquée "
			     "(en-tête Content-Length).");
	} else if (cl_count > 1) {
		ctx->body_announced = true;
		http_pending(ctx, 400, "invalid", "En-tête Content-Length répété.");
	} else if (cl && !http_parse_length(cl, &length)) {
		ctx->body_announced = true;
		http_pending(ctx, 400, "invalid", "En-tête Content-Length invalide.");
	} else if (length > 0) {
		ctx->body_announced = true;
		if (length > cfg->max_body)
			http_pending(
				ctx, 413, "too_large",
				"Le corps de la requête dépasse la taille maximale autorisée.");
	}

	http_check_host(ctx, version);
	if (!ctx->uri)
		http_pending(ctx, 500, "internal", "Erreur interne du serveur.");
	if (mlen > HTTP_METHOD_MAX)
		http_pending(ctx, 501, "not_implemented", "Méthode HTTP non prise en charge.");
	if (ctx->pending_status)
		return;

	/* Split the raw target into path and query (our own copy: cut in place). */
	char *q = strchr(ctx->uri, '?');
	req->path = ctx->uri;
	req->query = "";
	if (q) {
		*q = '\0';
		req->query = q + 1;
	}
	req->path_len = strlen(req->path);
	req->query_len = strlen(req->query);
	ctx->api_path = strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0;

	switch (http_router_match(cfg->router, method, mlen, req->path, req->path_len,
				  &ctx->match)) {
	case HTTP_MATCH_FOUND: break;
	case HTTP_MATCH_NOT_FOUND:
		http_pending(ctx, 404, "not_found", "Ressource introuvable.");
		return;
	case HTTP_MATCH_METHOD_NOT_ALLOWED:
		if (strcmp(method, "OPTIONS") == 0)
			http_pending(ctx, 204, NULL, NULL);
		else
			http_pending(ctx, 405, "method_not_allowed",
				     "Méthode non autorisée pour cette ressource.");
		return;
	case HTTP_MATCH_BAD_PATH:
		http_pending(ctx, 400, "invalid_path", "Chemin de requête invalide.");
		return;
	case HTTP_MATCH_TOO_LONG:
		http_pending(ctx, 414, "uri_too_long", "L'adresse demandée est trop longue.");
		return;
	}
	req->route = ctx->match.route;
	ctx->route_name = ctx->match.route->name;
	req->param_count = ctx->match.param_count;
	memcpy(req->params, ctx->match.params, sizeof(req->params));

	ctx->body = arena_alloc(&ctx->arena, length + 1); /* zeroed: NUL-terminated */
	if (!ctx->body) {
		http_pending(ctx, 500, "internal", "Erreur interne du serveur.");
		return;
	}
	ctx->body_cap = length;
}

unsigned http_gate_read_limit(unsigned slots, unsigned writes)
{
	if (slots < 1)
		slots = 1;
	return writes > 0 && slots > 1 ? slots - 1 : slots;
}

static bool http_is_read(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* A read waits for a slot; a write is counted while it runs. */
static void http_gate_enter(struct http_ctx *ctx)
{
	struct http_gate *g = &ctx->srv->gate;
	pthread_mutex_lock(&g->lock);
	if (http_is_read(ctx->req.method)) {
		for (;;) {
			bool lingering = g->write_end_ns &&
					 http_now_ns() - g->write_end_ns < HTTP_GATE_WRITE_LINGER_NS;
			if (g->reads < http_gate_read_limit(g->slots, g->writes + lingering))
				break;
			if (g->writes || !lingering) {
				pthread_cond_wait(&g->freed, &g->lock);
				continue;
			}
			/* only a lingering write holds the slot back: look again when it lapses */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 5 * 1000 * 1000;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&g->freed, &g->lock, &until);
		}
		g->reads++;
		ctx->read_slot = true;
	} else {
		g->writes++;
	}
	pthread_mutex_unlock(&g->lock);
}

void http_request_yield(struct http_request *req)
{
	struct http_ctx *ctx = (struct http_ctx *)((char *)req - offsetof(struct http_ctx, req));
	if (!ctx->read_slot)
		return;
	struct http_gate *g = &ctx->srv->gate;
	pthread_mutex_lock(&g->lock);
	g->reads--;
	ctx->read_slot = false;
	pthread_cond_broadcast(&g->freed);
	pthread_mutex_unlock(&g->lock);
}

static void http_gate_leave(struct http_ctx *ctx)
{
	if (http_is_read(ctx->req.method)) {
		http_request_yield(&ctx->req);
		return;
	}
	struct http_gate *g = &ctx->srv->gate;
	pthread_mutex_lock(&g->lock);
	g->writes--;
	g->write_end_ns = http_now_ns();
	pthread_mutex_unlock(&g->lock);
}

/* Runs the handler through the gate, on the calling thread. */
static void http_run_handler(struct http_ctx *ctx)
{
	http_gate_enter(ctx);
	ctx->req.route->handler(&ctx->req, &ctx->res, ctx->srv->cfg.app);
	http_gate_leave(ctx);
}

static void *http_read_thread(void *arg)
{
	struct http_reader *r = arg;
	/* on Linux the nice value belongs to each thread, and who = 0 names the calling one; it
	 * starts as its creator's */
	errno = 0;
	int base = getpriority(PRIO_PROCESS, 0);
	if (errno)
		base = 0;
	int want = base + (int)r->srv->cfg.read_nice > 19 ? 19 : base + (int)r->srv->cfg.read_nice;
	/* refused (a sandbox forbidding it): the reads run at the pool's priority, the gate still
	 * bounds them */
	(void)setpriority(PRIO_PROCESS, 0, want);
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->head && !r->stop)
			pthread_cond_wait(&r->work, &r->lock);
		if (!r->head)
			break;
		struct http_read_job *job = r->head;
		r->head = job->next;
		if (!r->head)
			r->tail = NULL;
		pthread_mutex_unlock(&r->lock);
		http_run_handler(job->ctx);
		pthread_mutex_lock(&r->lock);
		job->done = true;
		pthread_cond_signal(&job->finished);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* A read on the calling pool thread's read thread, which the pool thread waits for (it has
 * nothing else to do for this connection). Runs it here when there is no read thread. */
static void http_run_read(struct http_ctx *ctx)
{
	struct http_server *srv = ctx->srv;
	struct http_readers *rs = &srv->readers;
	if (!rs->count) {
		http_run_handler(ctx);
		return;
	}
	struct http_reader *r = &rs->r[ctx->pool_thread % rs->count];
	struct http_read_job job = {.ctx = ctx};
	pthread_cond_init(&job.finished, NULL);
	pthread_mutex_lock(&r->lock);
	if (r->tail)
		r->tail->next = &job;
	else
		r->head = &job;
	r->tail = &job;
	pthread_cond_signal(&r->work);
	while (!job.done)
		pthread_cond_wait(&job.finished, &r->lock);
	pthread_mutex_unlock(&r->lock);
	pthread_cond_destroy(&job.finished);
}

/* Last call: the whole request is in; run the handler (through the gate) and queue its
 * response. */
static enum MHD_Result http_dispatch(struct http_ctx *ctx, struct MHD_Connection *conn)
{
	struct http_request *req = &ctx->req;
	if (ctx->body_len != ctx->body_cap) {
		http_pending(ctx, 400, "invalid", "Corps de la requête incomplet.");
		return http_queue_pending(ctx, conn);
	}
	req->body = ctx->body;
	req->body_len = ctx->body_len;
	if (http_pool_thread.srv != ctx->srv) {
		http_pool_thread.srv = ctx->srv;
		http_pool_thread.number = atomic_fetch_add(&ctx->srv->pool_threads_seen, 1);
	}
	ctx->pool_thread = http_pool_thread.number;
	if (http_is_read(req->method))
		http_run_read(ctx);
	else
		http_run_handler(ctx);
	const char *allow = ctx->res.status == 405 ? ctx->match.allow : NULL;
	return http_queue(ctx, conn, allow);
}

static enum MHD_Result http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct http_ctx *ctx = *con_cls;
	(void)cls;
	(void)url; /* already percent-decoded by MHD: we route on the raw copy instead */
	if (!ctx)
		return MHD_NO; /* no memory for the context: drop the connection */
	if (!ctx->started) {
		ctx->started = true;
		http_begin(ctx, conn, method, version);
		/* answered now, the body is discarded and the connection closed after */
		if (ctx->pending_status && ctx->body_announced)
			return http_queue_pending(ctx, conn);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;
		if (ctx->pending_status || !ctx->body || n > ctx->body_cap - ctx->body_len)
			return MHD_NO; /* cannot happen: MHD stops at Content-Length */
		memcpy(ctx->body + ctx->body_len, upload_data, n);
		ctx->body_len += n;
		*upload_size = 0;
		return MHD_YES;
	}
	if (ctx->pending_status)
		return http_queue_pending(ctx, conn);
	return http_dispatch(ctx, conn);
}

static void *http_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct http_ctx *ctx = calloc(1, sizeof(*ctx));
	(void)conn;
	if (!ctx)
		return NULL;
	ctx->srv = srv;
	ctx->req.start_ns = http_now_ns();
	arena_init(&ctx->arena, srv->cfg.arena_limit);
	size_t n = strnlen(uri, HTTP_URL_MAX + 1);
	if (n > HTTP_URL_MAX)
		ctx->uri_too_long = true;
	else
		ctx->uri = arena_strndup(&ctx->arena, uri, n);
	return ctx;
}

static void http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_ctx *ctx = *con_cls;
	(void)conn;
	(void)toe;
	if (!ctx)
		return;
	if (srv->cfg.access_log && ctx->started) {
		struct http_access_entry e = {
			.method = ctx->method[0] ? ctx->method : "?",
			.route = ctx->route_name,
			.status = ctx->status,
			.duration_us = (http_now_ns() - ctx->req.start_ns) / 1000,
		};
		srv->cfg.access_log(srv->cfg.access_log_cls, &e);
	}
	http_request_finish(&ctx->req);
	arena_free(&ctx->arena);
	free(ctx);
	*con_cls = NULL;
}

/* --- start and stop --- */

/* Splits "HOST:PORT" / "[V6]:PORT" into host and port strings; false when malformed. */
static bool http_split_listen(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *h, *he, *p;
	if (s[0] == '[') {
		h = s + 1;
		he = strchr(h, ']');
		if (!he || he[1] != ':')
			return false;
		p = he + 2;
	} else {
		h = s;
		he = strrchr(s, ':');
		if (!he || memchr(h, ':', (size_t)(he - h)))
			return false;
		p = he + 1;
	}
	size_t hl = (size_t)(he - h), pl = strlen(p);
	if (hl == 0 || hl >= hostlen || pl == 0 || pl > 5 || pl >= portlen)
		return false;
	unsigned long v = 0;
	for (size_t i = 0; i < pl; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v > 65535)
		return false;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memcpy(port, p, pl + 1);
	return true;
}

/* Stops the read threads (after the daemon: no read is queued any more) and frees them. */
static void http_readers_stop(struct http_readers *rs)
{
	for (unsigned i = 0; i < rs->count; i++) {
		struct http_reader *r = &rs->r[i];
		pthread_mutex_lock(&r->lock);
		r->stop = true;
		pthread_cond_signal(&r->work);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
		pthread_cond_destroy(&r->work);
		pthread_mutex_destroy(&r->lock);
	}
	rs->count = 0;
	free(rs->r);
	rs->r = NULL;
}

void **http_request_worker_data(struct http_request *req)
{
	struct http_ctx *ctx = (struct http_ctx *)((char *)req - offsetof(struct http_ctx, req));
	return ctx->pool_thread < HTTP_MAX_THREADS ? &ctx->srv->worker_data[ctx->pool_thread]
						   : NULL;
}

static void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	http_readers_stop(&s->readers);
	for (size_t i = 0; i < HTTP_MAX_THREADS; i++)
		if (s->worker_data[i] && s->cfg.worker_data_free)
			s->cfg.worker_data_free(s->worker_data[i]);
	pthread_cond_destroy(&s->gate.freed);
	pthread_mutex_destroy(&s->gate.lock);
	free(s);
}

static unsigned http_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > HTTP_MAX_THREADS / 2 ? HTTP_MAX_THREADS : (unsigned)(2 * n);
}

enum coop_err http_server_start(const struct http_server_config *cfg, struct http_server **out,
				char *err, size_t errlen)
{
	enum coop_err rc = COOP_OK;
	struct http_server *s = NULL;
	struct addrinfo *ai = NULL;
	char host[256], port[8];
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';

	if (!cfg->router || !cfg->listen ||
	    !http_split_listen(cfg->listen, host, sizeof(host), port, sizeof(port))) {
		if (err)
			snprintf(err, errlen,
				 "adresse d'écoute invalide : « %s » (attendu HOTE:PORT, "
				 "par exemple 127.0.0.1:8080 ou [::1]:8080)",
				 cfg->listen ? cfg->listen : "");
		rc = ERR_INVALID;
		goto out;
	}
	struct addrinfo hints = {0};
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai ||
	    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)) {
		if (err)
			snprintf(err, errlen, "adresse d'écoute inconnue : « %s »", host);
		rc = ERR_INVALID;
		goto out;
	}

	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = ERR_NOMEM;
		goto out;
	}
	pthread_mutex_init(&s->gate.lock, NULL);
	pthread_cond_init(&s->gate.freed, NULL);
	s->cfg = *cfg;
	if (!s->cfg.read_slots) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		s->cfg.read_slots = cpus < 1 ? 1 : cpus > HTTP_MAX_THREADS ? HTTP_MAX_THREADS
									 : (unsigned)cpus;
	}
	s->gate.slots = s->cfg.read_slots;
	if (!s->cfg.threads)
		s->cfg.threads = http_default_threads();
	if (s->cfg.threads > HTTP_MAX_THREADS)
		s->cfg.threads = HTTP_MAX_THREADS;
	if (!s->cfg.read_nice)
		s->cfg.read_nice = HTTP_DEFAULT_READ_NICE;
	if (s->cfg.read_nice > 19)
		s->cfg.read_nice = 19;
	if (!s->cfg.max_body)
		s->cfg.max_body = HTTP_DEFAULT_MAX_BODY;
	if (!s->cfg.arena_limit)
		s->cfg.arena_limit = HTTP_DEFAULT_ARENA_LIMIT;
	if (s->cfg.max_body > SIZE_MAX / 4) {
		if (err)
			snprintf(err, errlen, "taille maximale de corps invalide");
		rc = ERR_INVALID;
		goto out;
	}
	if (s->cfg.arena_limit < s->cfg.max_body + HTTP_MIB)
		s->cfg.arena_limit = s->cfg.max_body + HTTP_MIB;
	if (!s->cfg.timeout_s)
		s->cfg.timeout_s = HTTP_DEFAULT_TIMEOUT_S;
	if (!s->cfg.max_connections)
		s->cfg.max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
	if (!s->cfg.conn_memory)
		s->cfg.conn_memory = HTTP_DEFAULT_CONN_MEMORY;
	if (s->cfg.conn_memory < 4 * HTTP_REQUEST_HEAD_MAX)
		s->cfg.conn_memory = 4 * HTTP_REQUEST_HEAD_MAX;
	if (strchr(host, ':'))
		snprintf(s->listen_host, sizeof(s->listen_host), "[%s]", host);
	else
		snprintf(s->listen_host, sizeof(s->listen_host), "%s", host);
	if (s->cfg.allowed_host_count > HTTP_ALLOWED_HOSTS_MAX ||
	    (s->cfg.allowed_host_count && !s->cfg.allowed_hosts)) {
		if (err)
			snprintf(err, errlen,
				 "trop de noms autorisés (--allowed-host) : %d au plus",
				 HTTP_ALLOWED_HOSTS_MAX);
		rc = ERR_INVALID;
		goto out;
	}
	for (size_t i = 0; i < s->cfg.allowed_host_count; i++) {
		const char *name = s->cfg.allowed_hosts[i];
		struct http_host_rule *r = &s->allowed[i];
		if (!name || !http_host_split(name, &r->name_len, &r->port)) {
			if (err)
				snprintf(err, errlen,
					 "nom autorisé invalide : « %s » (attendu NOM ou NOM:PORT, "
					 "par exemple coop.msp.fr ou 192.168.1.10:8080)",
					 name ? name : "");
			rc = ERR_INVALID;
			goto out;
		}
		r->name = name;
	}
	s->allowed_count = s->cfg.allowed_host_count;

	/* the read threads, as many as the pool's (fewer if the system refuses more: reads then
	 * share them, or run on the pool threads when there is none) */
	s->readers.r = calloc(s->cfg.threads, sizeof(*s->readers.r));
	if (!s->readers.r) {
		rc = ERR_NOMEM;
		goto out;
	}
	atomic_init(&s->pool_threads_seen, 0);
	while (s->readers.count < s->cfg.threads) {
		struct http_reader *r = &s->readers.r[s->readers.count];
		r->srv = s;
		pthread_mutex_init(&r->lock, NULL);
		pthread_cond_init(&r->work, NULL);
		if (pthread_create(&r->thread, NULL, http_read_thread, r) != 0) {
			pthread_cond_destroy(&r->work);
			pthread_mutex_destroy(&r->lock);
			break;
		}
		s->readers.count++;
	}

	unsigned int flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	uint16_t want = (uint16_t)strtoul(port, NULL, 10);
	s->daemon =
		MHD_start_daemon(flags, want, NULL, NULL, http_on_request, s, MHD_OPTION_SOCK_ADDR,
				 ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE,
				 (unsigned int)(s->cfg.threads > 1 ? s->cfg.threads : 0),
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->cfg.timeout_s,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->cfg.max_connections,
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.conn_memory,
				 MHD_OPTION_URI_LOG_CALLBACK, http_on_uri, s,
				 MHD_OPTION_NOTIFY_COMPLETED, http_on_completed, s, MHD_OPTION_END);
	if (!s->daemon) {
		if (err)
			snprintf(err, errlen,
				 "impossible d'écouter sur %s (adresse occupée ou non autorisée)",
				 cfg->listen);
		rc = ERR_IO;
		goto out;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : want;
	*out = s;
	s = NULL;
out:
	if (ai)
		freeaddrinfo(ai);
	http_server_free(s);
	return rc;
}

uint16_t http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	http_server_free(s);
}
