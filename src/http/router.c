/*
 * router.c — route table checking and matching (see router.h).
 *
 * A match splits the path once into segments, then walks every pattern of the table against
 * them: with a few dozen routes this costs less than the request parsing around it and keeps
 * the table a plain const array. Among the patterns whose shape fits, the most specific wins:
 * each shape is scored by a bit string, bit (63 - i) set when segment i is a literal, compared
 * as integers (all fitting shapes have the same number of segments).
 */
#include "http/router.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The segments of a path or pattern, pointers into it. */
struct http_segs {
	size_t n;
	bool overflow; /* more than HTTP_MAX_SEGMENTS segments: nothing can match */
	const char *s[HTTP_MAX_SEGMENTS];
	size_t len[HTTP_MAX_SEGMENTS];
};

/* Bytes allowed in a raw path besides '/': RFC 3986 "unreserved". */
static bool http_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static bool http_dot_segment(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/*
 * Splits s (len bytes, s[0] == '/') into segments. "/" has none; "/a/" has "a" and a trailing
 * empty one. Segments past HTTP_MAX_SEGMENTS are checked but not stored (overflow set).
 * Returns false when an empty segment is not the last one, or a segment is "." or "..".
 */
static bool http_split(const char *s, size_t len, struct http_segs *out)
{
	out->n = 0;
	out->overflow = false;
	if (len == 1)
		return true;
	size_t pos = 1;
	for (;;) {
		const char *slash = memchr(s + pos, '/', len - pos);
		size_t end = slash ? (size_t)(slash - s) : len;
		size_t seglen = end - pos;
		if ((seglen == 0 && slash) || http_dot_segment(s + pos, seglen))
			return false;
		if (out->n < HTTP_MAX_SEGMENTS) {
			out->s[out->n] = s + pos;
			out->len[out->n] = seglen;
			out->n++;
		} else {
			out->overflow = true;
		}
		if (!slash)
			return true;
		pos = end + 1;
	}
}

static bool http_is_param(const char *seg, size_t len)
{
	return len >= 2 && seg[0] == '{' && seg[len - 1] == '}';
}

/*
 * Does the pattern pat fit the path segments p? On success sets *spec (see the top of the file)
 * and, when m is not NULL, the captured parameters.
 */
static bool http_pattern_fits(const char *pat, const struct http_segs *p, uint64_t *spec,
			      struct http_match *m)
{
	struct http_segs q;
	uint64_t score = 0;
	size_t nparams = 0;
	if (!http_split(pat, strlen(pat), &q) || q.overflow || q.n != p->n || p->overflow)
		return false;
	for (size_t i = 0; i < q.n; i++) {
		if (http_is_param(q.s[i], q.len[i])) {
			if (p->len[i] == 0 || p->len[i] > HTTP_PARAM_MAX)
				return false;
			if (m && nparams < HTTP_MAX_PARAMS) {
				m->params[nparams].name = q.s[i] + 1;
				m->params[nparams].name_len = q.len[i] - 2;
				m->params[nparams].value = p->s[i];
				m->params[nparams].value_len = p->len[i];
			}
			nparams++;
		} else {
			if (q.len[i] != p->len[i] || memcmp(q.s[i], p->s[i], q.len[i]) != 0)
				return false;
			score |= UINT64_C(1) << (63 - i);
		}
	}
	*spec = score;
	if (m)
		m->param_count = nparams < HTTP_MAX_PARAMS ? nparams : HTTP_MAX_PARAMS;
	return true;
}

/* Appends "tok" to the comma-separated list in buf unless already there. */
static void http_allow_add(char *buf, const char *tok)
{
	size_t toklen = strlen(tok);
	const char *p = buf;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == toklen && memcmp(p, tok, n) == 0)
			return;
		if (!comma)
			break;
		p = comma + 2;
	}
	size_t used = strlen(buf);
	size_t need = (used ? 2 : 0) + toklen + 1;
	if (used + need > HTTP_ALLOW_MAX)
		return; /* cannot happen with HTTP_METHOD_MAX-long methods and a sane table */
	if (used) {
		buf[used++] = ',';
		buf[used++] = ' ';
	}
	memcpy(buf + used, tok, toklen + 1);
}

static bool http_method_is(const char *method, size_t len, const char *tok)
{
	return strlen(tok) == len && memcmp(method, tok, len) == 0;
}

static void http_match_reset(struct http_match *m)
{
	m->route = NULL;
	m->param_count = 0;
	m->allow[0] = '\0';
}

enum http_match_status http_router_match(const struct http_router *r, const char *method,
					 size_t method_len, const char *path, size_t path_len,
					 struct http_match *m)
{
	struct http_segs p;
	http_match_reset(m);
	if (path_len > HTTP_PATH_MAX)
		return HTTP_MATCH_TOO_LONG;
	if (path_len == 0 || path[0] != '/')
		return HTTP_MATCH_BAD_PATH;
	for (size_t i = 0; i < path_len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c != '/' && !http_unreserved(c))
			return HTTP_MATCH_BAD_PATH;
	}
	if (!http_split(path, path_len, &p))
		return HTTP_MATCH_BAD_PATH;
	if (p.overflow)
		return HTTP_MATCH_NOT_FOUND;

	/* Pass 1: the most specific fitting shape. */
	bool any = false;
	uint64_t best = 0;
	for (size_t i = 0; i < r->count; i++) {
		uint64_t spec;
		if (http_pattern_fits(r->routes[i].pattern, &p, &spec, NULL) &&
		    (!any || spec > best)) {
			best = spec;
			any = true;
		}
	}
	if (!any)
		return HTTP_MATCH_NOT_FOUND;

	/* Pass 2: among the routes of that shape, the Allow list and the method's route. */
	const struct http_route *exact = NULL, *get = NULL;
	for (size_t i = 0; i < r->count; i++) {
		const struct http_route *rt = &r->routes[i];
		uint64_t spec;
		if (!http_pattern_fits(rt->pattern, &p, &spec, NULL) || spec != best)
			continue;
		http_allow_add(m->allow, rt->method);
		if (strcmp(rt->method, "GET") == 0) {
			http_allow_add(m->allow, "HEAD");
			if (!get)
				get = rt;
		}
		if (!exact && http_method_is(method, method_len, rt->method))
			exact = rt;
	}
	http_allow_add(m->allow, "OPTIONS");
	if (!exact && get && http_method_is(method, method_len, "HEAD"))
		exact = get;
	if (!exact)
		return HTTP_MATCH_METHOD_NOT_ALLOWED;

	uint64_t spec;
	m->route = exact;
	http_pattern_fits(exact->pattern, &p, &spec, m);
	return HTTP_MATCH_FOUND;
}

const char *http_match_param(const struct http_match *m, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < m->param_count; i++) {
		const struct http_param *pa = &m->params[i];
		if (pa->name_len == nlen && memcmp(pa->name, name, nlen) == 0) {
			if (len)
				*len = pa->value_len;
			return pa->value;
		}
	}
	if (len)
		*len = 0;
	return NULL;
}

/* Checks one pattern (see http_router_init()); returns a French reason or NULL when valid. */
static const char *http_pattern_problem(const char *pat)
{
	size_t len = strlen(pat);
	struct http_segs q;
	if (len == 0 || pat[0] != '/')
		return "le motif doit commencer par « / »";
	if (len > HTTP_PATH_MAX)
		return "motif trop long";
	if (!http_split(pat, len, &q))
		return "segment vide, « . » ou « .. » dans le motif";
	if (q.overflow)
		return "trop de segments";
	if (q.n > 0 && q.len[q.n - 1] == 0)
		return "barre oblique finale interdite";
	size_t nparams = 0;
	for (size_t i = 0; i < q.n; i++) {
		const char *s = q.s[i];
		size_t n = q.len[i];
		if (http_is_param(s, n)) {
			if (n == 2)
				return "paramètre sans nom";
			for (size_t k = 1; k + 1 < n; k++) {
				char c = s[k];
				if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9') || c == '_'))
					return "nom de paramètre invalide";
			}
			for (size_t j = 0; j < i; j++) {
				if (http_is_param(q.s[j], q.len[j]) && q.len[j] == n &&
				    memcmp(q.s[j], s, n) == 0)
					return "nom de paramètre en double";
			}
			if (++nparams > HTTP_MAX_PARAMS)
				return "trop de paramètres";
		} else {
			for (size_t k = 0; k < n; k++) {
				if (!http_unreserved((unsigned char)s[k]))
					return "caractère interdit dans un segment littéral";
			}
		}
	}
	return NULL;
}

/* Same shape: same segment count, same literals, parameters at the same places. */
static bool http_same_shape(const char *a, const char *b)
{
	struct http_segs x, y;
	if (!http_split(a, strlen(a), &x) || !http_split(b, strlen(b), &y) || x.n != y.n)
		return false;
	for (size_t i = 0; i < x.n; i++) {
		bool pa = http_is_param(x.s[i], x.len[i]);
		bool pb = http_is_param(y.s[i], y.len[i]);
		if (pa != pb)
			return false;
		if (!pa && (x.len[i] != y.len[i] || memcmp(x.s[i], y.s[i], x.len[i]) != 0))
			return false;
	}
	return true;
}

enum coop_err http_router_init(struct http_router *r, const struct http_route *routes, size_t count,
			       char *err, size_t errlen)
{
	enum coop_err rc = COOP_OK;
	r->routes = NULL;
	r->count = 0;
	if (err && errlen)
		err[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		const struct http_route *rt = &routes[i];
		const char *why = NULL;
		size_t mlen = rt->method ? strlen(rt->method) : 0;
		if (mlen == 0 || mlen > HTTP_METHOD_MAX)
			why = "méthode absente ou trop longue";
		for (size_t k = 0; !why && k < mlen; k++) {
			if (rt->method[k] < 'A' || rt->method[k] > 'Z')
				why = "méthode invalide";
		}
		if (!why && !rt->pattern)
			why = "motif absent";
		if (!why && !rt->handler)
			why = "gestionnaire absent";
		if (!why && !rt->name)
			why = "nom absent";
		if (!why)
			why = http_pattern_problem(rt->pattern);
		for (size_t j = 0; !why && j < i; j++) {
			if (strcmp(routes[j].method, rt->method) == 0 &&
			    http_same_shape(routes[j].pattern, rt->pattern))
				why = "même méthode et même forme qu'une route précédente";
		}
		if (why) {
			if (err && errlen)
				snprintf(err, errlen, "route n° %zu (%s %s) : %s", i + 1,
					 rt->method ? rt->method : "?",
					 rt->pattern ? rt->pattern : "?", why);
			rc = ERR_INVALID;
			goto out;
		}
	}
	r->routes = routes;
	r->count = count;
out:
	return rc;
}

size_t http_router_count(const struct http_router *r)
{
	return r->count;
}

const struct http_route *http_router_route(const struct http_router *r, size_t i)
{
	return i < r->count ? &r->routes[i] : NULL;
}
