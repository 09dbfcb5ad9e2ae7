/*
 * api_audit.c — the structure's audit log, for its coordinator.
 *
 *   GET /api/v1/audit[?action=&entity=&account_id=&from=&to=&limit=&after=]
 *
 * Lists who did what, when, on which record, newest first by time (then by number): {"items":
 * [{id, at, at_fr, account_id, by, action, entity, entity_id}...], "next": cursor or null}.
 * Only the records written by the accounts of the caller's structure are shown, and never
 * their before/after JSON: it holds patient data, which the coordinator must not see. Filters
 * are checked here and refused with a French message naming the parameter; dates (from, to)
 * are whole local days (the server runs on Paris time), both included. Paging (the contract of
 * every list): limit 1..200 (default 50); `next` is null on the last page, else the cursor to
 * pass as `after` for the following page — "AT.ID" of the page's last entry (the log is ordered
 * by (at, id): the time a record was written is not guaranteed to follow its number, a clock
 * may be set back), opaque to clients; a malformed one is refused (400, field after). Each
 * page reads only its own rows (one index per filter, store/db.h). The read of the log is itself
 * traced.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/app.h"

#define AUDIT_ROLES DB_ROLE_COORDINATOR
#define AUDIT_LIMIT_DEFAULT 50
#define AUDIT_LIMIT_MAX 200
#define AUDIT_CODE_MAX 64   /* action and entity codes */
#define AUDIT_INT_DIGITS 18 /* below INT64_MAX whatever the digits */

/* Reads the optional query parameter `name`: *out NULL when absent. False (400 answered, naming
 * the parameter) when it is not a code of 1 to AUDIT_CODE_MAX letters, digits, '.', '_', '-'. */
static bool query_code(struct api_ctx *c, const char *name, const char **out)
{
	size_t len = 0;
	*out = NULL;
	enum coop_err e = http_request_query(c->req, name, out, &len);
	if (e == ERR_NOT_FOUND) {
		*out = NULL;
		return true;
	}
	bool ok = e == COOP_OK && len >= 1 && len <= AUDIT_CODE_MAX;
	for (size_t i = 0; ok && i < len; i++) {
		char ch = (*out)[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		     (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
	}
	if (!ok) {
		api_fail_field(c, API_ERR_INVALID, name, "n'est pas valide", NULL);
		*out = NULL;
		return false;
	}
	return true;
}

/* Reads a run of 1 to AUDIT_INT_DIGITS decimal digits at s[*i] (no sign, no leading zero but
 * for 0 itself) into *out; false when there is none. */
static bool cursor_number(const char *s, size_t len, size_t *i, int64_t *out)
{
	size_t start = *i;
	int64_t v = 0;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9' && *i - start < AUDIT_INT_DIGITS)
		v = v * 10 + (s[(*i)++] - '0');
	if (*i == start || (s[start] == '0' && *i - start > 1))
		return false;
	*out = v;
	return true;
}

/* Reads the optional cursor `after` ("AT.ID", as `next` gave it) into f; false (400 answered,
 * naming the parameter) when malformed. */
static bool query_after(struct api_ctx *c, struct db_audit_filter *f)
{
	const char *v = NULL;
	size_t len = 0, i = 0;
	enum coop_err e = http_request_query(c->req, "after", &v, &len);
	if (e == ERR_NOT_FOUND)
		return true;
	if (e != COOP_OK || !cursor_number(v, len, &i, &f->after_at) || i >= len ||
	    v[i++] != '.' || !cursor_number(v, len, &i, &f->after_id) || i != len ||
	    f->after_id < 1) {
		api_fail(c, API_ERR_INVALID,
			 "La suite de la liste demandée n'est pas valide : rechargez le journal.",
			 "after");
		return false;
	}
	f->has_after = true;
	return true;
}

/* Unix time of local midnight starting day d (the server's zone, Paris). */
static bool local_midnight(coop_date d, int64_t *out)
{
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = day;
	tm.tm_isdst = -1; /* let the zone say whether summer time applies */
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return false;
	*out = (int64_t)t;
	return true;
}

/* Reads every filter into f and the page size into limit; false when an error was answered. */
static bool read_filter(struct api_ctx *c, struct db_audit_filter *f, int64_t *limit)
{
	coop_date from = 0, to = 0;
	bool has_from = false, has_to = false;
	memset(f, 0, sizeof(*f));
	*limit = AUDIT_LIMIT_DEFAULT;
	if (!query_code(c, "action", &f->action) || !query_code(c, "entity", &f->entity) ||
	    !api_query_int(c, "account_id", 1, INT64_MAX, &f->account_id) ||
	    !api_query_date(c, "from", &has_from, &from) || !api_query_date(c, "to", &has_to, &to) ||
	    !api_query_int(c, "limit", 1, AUDIT_LIMIT_MAX, limit) || !query_after(c, f))
		return false;
	if (has_from && has_to && from > to) {
		api_fail(c, API_ERR_INVALID, "La date de début est postérieure à la date de fin.",
			 "from");
		return false;
	}
	/* whole local days: from its midnight up to the midnight after `to` (excluded) */
	if (has_from && !local_midnight(from, &f->from_at)) {
		api_fail(c, API_ERR_INVALID, "Date de début hors des dates possibles.", "from");
		return false;
	}
	if (has_to && !local_midnight(to + 1, &f->to_at)) {
		api_fail(c, API_ERR_INVALID, "Date de fin hors des dates possibles.", "to");
		return false;
	}
	f->has_from = has_from;
	f->has_to = has_to;
	return true;
}

/* One entry as JSON (no before/after: never patient data); NULL when memory runs out. */
static json_t *entry_json(const struct db_audit_entry *en)
{
	char fr[64] = ""; /* "25/11/2026 10:00"; room for any int the compiler imagines */
	time_t t = (time_t)en->at;
	struct tm tm;
	if (localtime_r(&t, &tm))
		snprintf(fr, sizeof(fr), "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
			 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	return json_pack("{s:I, s:I, s:s, s:I, s:s?, s:s?, s:s?, s:I}", "id", (json_int_t)en->id,
			 "at", (json_int_t)en->at, "at_fr", fr, "account_id",
			 (json_int_t)en->account_id, "by", en->by, "action", en->action, "entity",
			 en->entity, "entity_id", (json_int_t)en->entity_id);
}

void api_audit_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	struct db_audit_filter f;
	int64_t limit = AUDIT_LIMIT_DEFAULT;
	struct db_audit_entry *entries = NULL;
	size_t n = 0;
	json_t *items = NULL, *next = NULL, *what = NULL, *body = NULL;
	if (!api_begin(&c, req, res, app, AUDIT_ROLES) || !read_filter(&c, &f, &limit))
		return;
	/* one more than the page: whether there is a next one */
	enum coop_err e = db_audit_list(c.db, c.account.structure_id, &f, (size_t)limit + 1, c.a,
					&entries, &n);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Journal d'audit");
		goto out;
	}
	bool more = n > (size_t)limit;
	if (more)
		n = (size_t)limit;
	items = json_array();
	if (!items)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(items, entry_json(&entries[i])) != 0)
			goto nomem;
	if (more) {
		char cursor[48];
		snprintf(cursor, sizeof(cursor), "%lld.%lld", (long long)entries[n - 1].at,
			 (long long)entries[n - 1].id);
		next = json_string(cursor);
	} else {
		next = json_null();
	}
	body = next ? json_pack("{s:O, s:O}", "items", items, "next", next) : NULL;
	what = json_pack("{s:I}", "count", (json_int_t)n);
	if (!body || !what)
		goto nomem;
	if (!api_trace_read(&c, "list", "audit", 0, what))
		goto out; /* answered: a read that cannot be traced is not served */
	http_respond_json(res, 200, body);
	body = NULL; /* the response owns it */
	goto out;
nomem:
	api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
out:
	json_decref(body);
	json_decref(what);
	json_decref(next);
	json_decref(items);
}
