/*
 * expr_oracle.c — runs our FHIRPath-subset evaluator on requests read from stdin, for the
 * differential test against the reference implementation (tests/diff/differential.mjs).
 *
 * Input: JSON Lines, one request per line (at most ORACLE_MAX_LINE bytes; blank lines are
 * skipped and produce no output):
 *
 *   {"fields": {"NAME": {"type": "boolean|integer|decimal|string|date", "collection": false,
 *               "value": <value, or an array of values for a collection>,
 *               "state": "answered|missing|empty"}, ...},
 *    "expr": "..."}
 *
 * Each field becomes one slot of the symbol table, in the order of the object. State
 * "answered" gives the value, "missing" expr_value_missing() (applicable, not yet answered),
 * "empty" expr_value_empty() (not applicable); "value" is ignored unless answered.
 * The expression is compiled with no expected type and evaluated; one JSON line is written:
 *
 *   {"ok": true, "definite": <!missing>, "type": "<base>", "collection": <bool>,
 *    "result": [items]}
 *   {"ok": false, "error": "<message>", "offset": N}            compilation refused
 *   {"ok": false, "bad_request": true, "error": "<message>"}    the request itself is malformed
 *
 * Items: integers as JSON integers, decimals as JSON reals (a non-finite decimal is written as
 * the string "nan"/"inf"/"-inf" so that the comparison fails loudly), strings, booleans, dates
 * as "YYYY-MM-DD". Output is buffered; it is flushed at the end of input.
 *
 * Exit status: 0 when every line was processed (whatever the answers), 1 on an I/O error.
 *
 * Second mode: expr_oracle --protocol FILE.yaml CASES.json
 * Loads the protocol and, for each clinical case of CASES.json (format: spec §10), decodes the
 * answers, runs the engine and then evaluates every expression of the protocol (enable_when,
 * computed values, criteria, outcome `when`, line `when`) on the field values the engine used
 * (engine_result.slots). One line per expression, the response above plus the request:
 *
 *   {"case": "<name>", "where": "criterion fievre", "expr": "...", "fields": {<the fields the
 *    expression reads, as in a request>}, "ok": true, "definite": ..., ...}
 *   {"case": "<name>", "ok": false, "bad_request": true, "error": "..."}   answers refused or
 *                                                                          engine error
 * Exit status: 0 when the files were read (whatever the cases), 1 otherwise.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "core/date.h"
#include "base/error.h"
#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/expr.h"
#include "protocol/protocol.h"

#define ORACLE_MAX_LINE (64 * 1024)
#define ORACLE_ARENA_LIMIT (16u * 1024u * 1024u)

/* One request's problem, reported as a bad_request line. */
struct oracle_fault {
	char message[256];
};

static void oracle_fault_set(struct oracle_fault *f, const char *what, const char *name)
{
	snprintf(f->message, sizeof f->message, "%s%s%s", what, name ? ": " : "", name ? name : "");
}

static bool oracle_parse_base(const char *s, enum expr_base *out)
{
	static const struct {
		const char *name;
		enum expr_base base;
	} table[] = {
		{"boolean", EXPR_BOOLEAN}, {"integer", EXPR_INTEGER}, {"decimal", EXPR_DECIMAL},
		{"string", EXPR_STRING},   {"date", EXPR_DATE},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(s, table[i].name) == 0) {
			*out = table[i].base;
			return true;
		}
	}
	return false;
}

static const char *oracle_base_name(enum expr_base b)
{
	switch (b) {
	case EXPR_NONE: return "none";
	case EXPR_BOOLEAN: return "boolean";
	case EXPR_INTEGER: return "integer";
	case EXPR_DECIMAL: return "decimal";
	case EXPR_STRING: return "string";
	case EXPR_DATE: return "date";
	}
	return "?";
}

/* Converts one JSON scalar to an item of type base; false when it does not fit. Strings point
 * into the JSON value, which the caller keeps alive. */
static bool oracle_item(const json_t *j, enum expr_base base, struct expr_item *it)
{
	memset(it, 0, sizeof *it);
	it->base = base;
	switch (base) {
	case EXPR_BOOLEAN:
		if (!json_is_boolean(j))
			return false;
		it->u.b = json_is_true(j);
		return true;
	case EXPR_INTEGER:
		if (!json_is_integer(j))
			return false;
		it->u.i = (int64_t)json_integer_value(j);
		return true;
	case EXPR_DECIMAL:
		if (!json_is_number(j))
			return false;
		it->u.d = json_number_value(j);
		return true;
	case EXPR_STRING:
		if (!json_is_string(j) || json_string_length(j) > UINT32_MAX)
			return false;
		it->u.str.s = json_string_value(j);
		it->u.str.len = (uint32_t)json_string_length(j);
		return true;
	case EXPR_DATE:
		if (!json_is_string(j))
			return false;
		return date_parse(json_string_value(j), json_string_length(j), &it->u.date);
	case EXPR_NONE: break;
	}
	return false;
}

/* Builds the value of one field description. Collection items are allocated in `a`. */
static bool oracle_field(struct arena *a, const char *name, const json_t *desc,
			 struct expr_type *type, struct expr_value *val, struct oracle_fault *fault)
{
	const char *type_s = NULL, *state_s = NULL;
	int collection = 0;
	json_t *value = NULL;
	json_error_t jerr;

	if (json_unpack_ex((json_t *)desc, &jerr, JSON_STRICT, "{s:s, s?b, s?o, s:s}", "type",
			   &type_s, "collection", &collection, "value", &value, "state",
			   &state_s) != 0) {
		oracle_fault_set(fault, "field description", name);
		return false;
	}
	if (!oracle_parse_base(type_s, &type->base)) {
		oracle_fault_set(fault, "unknown field type", name);
		return false;
	}
	type->collection = collection != 0;

	if (strcmp(state_s, "missing") == 0) {
		*val = expr_value_missing();
		return true;
	}
	if (strcmp(state_s, "empty") == 0) {
		*val = expr_value_empty();
		return true;
	}
	if (strcmp(state_s, "answered") != 0) {
		oracle_fault_set(fault, "unknown field state", name);
		return false;
	}
	if (value == NULL) {
		oracle_fault_set(fault, "answered field without value", name);
		return false;
	}

	*val = expr_value_empty();
	if (!type->collection) {
		struct expr_item it;
		if (!oracle_item(value, type->base, &it)) {
			oracle_fault_set(fault, "value does not match the field type", name);
			return false;
		}
		val->count = 1;
		val->one = it;
		return true;
	}

	if (!json_is_array(value) || json_array_size(value) > EXPR_MAX_ITEMS) {
		oracle_fault_set(fault, "collection value must be an array of at most 64 items",
				 name);
		return false;
	}
	size_t n = json_array_size(value);
	if (n == 0)
		return true;
	struct expr_item *items = arena_alloc(a, n * sizeof *items);
	if (items == NULL) {
		oracle_fault_set(fault, "out of memory", name);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!oracle_item(json_array_get(value, i), type->base, &items[i])) {
			oracle_fault_set(fault, "collection item does not match the field type",
					 name);
			return false;
		}
	}
	val->count = (uint16_t)n;
	val->items = items;
	return true;
}

/* The JSON form of one result item, or NULL when it cannot be represented. */
static json_t *oracle_item_json(const struct expr_item *it)
{
	char buf[16];

	switch (it->base) {
	case EXPR_BOOLEAN: return json_boolean(it->u.b);
	case EXPR_INTEGER: return json_integer((json_int_t)it->u.i);
	case EXPR_DECIMAL:
		if (isnan(it->u.d))
			return json_string("nan");
		if (isinf(it->u.d))
			return json_string(it->u.d > 0 ? "inf" : "-inf");
		return json_real(it->u.d);
	case EXPR_STRING: return json_stringn(it->u.str.s, it->u.str.len);
	case EXPR_DATE: date_format_iso(it->u.date, buf, sizeof buf); return json_string(buf);
	case EXPR_NONE: break;
	}
	return NULL;
}

static json_t *oracle_bad_request(const char *message)
{
	return json_pack("{s:b, s:b, s:s}", "ok", 0, "bad_request", 1, "error", message);
}

/* The JSON items of a value, or NULL when one cannot be represented. */
static json_t *oracle_items_json(const struct expr_value *v)
{
	json_t *items = json_array();
	if (items == NULL)
		return NULL;
	for (size_t i = 0; i < v->count; i++) {
		json_t *j = oracle_item_json(expr_value_item(v, i));
		if (j == NULL || json_array_append_new(items, j) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	return items;
}

/* Evaluates e over `values` and returns the {"ok": true, ...} response (NULL when out of
 * memory). */
static json_t *oracle_eval_json(const struct expr *e, const struct expr_value *values)
{
	static struct expr_item scratch[EXPR_SCRATCH_ITEMS];
	struct expr_value out;
	expr_eval(e, values, scratch, &out);
	struct expr_type rtype = expr_result_type(e);
	/* the engine decides Boolean expressions through its own fast path: it must agree */
	if ((rtype.base == EXPR_BOOLEAN || rtype.base == EXPR_NONE) && !rtype.collection) {
		enum expr_tri want = out.count ? (expr_value_item(&out, 0)->u.b ? EXPR_TRUE : EXPR_FALSE)
					       : (out.missing ? EXPR_MISSING : EXPR_EMPTY);
		if (expr_eval_bool(e, values, scratch) != want)
			return oracle_bad_request("expr_eval_bool disagrees with expr_eval");
	}

	json_t *items = oracle_items_json(&out);
	if (items == NULL)
		return oracle_bad_request("result item cannot be written as JSON");
	return json_pack("{s:b, s:b, s:s, s:b, s:o}", "ok", 1, "definite", !out.missing, "type",
			 oracle_base_name(rtype.base), "collection", rtype.collection, "result",
			 items);
}

/* Answers one request line; returns the response object (NULL only when out of memory). */
static json_t *oracle_answer(const char *line, size_t len)
{
	struct arena a;
	json_error_t jerr;
	json_t *req = NULL, *resp = NULL, *fields = NULL;
	const char *src = NULL;
	size_t src_len = 0;
	struct oracle_fault fault = {{0}};
	const char **names = NULL;
	struct expr_type *types = NULL;
	struct expr_value *values = NULL;
	struct expr *e = NULL;
	struct expr_error cerr;

	arena_init(&a, ORACLE_ARENA_LIMIT);

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (req == NULL) {
		resp = oracle_bad_request(jerr.text);
		goto out;
	}
	if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:o, s:s%}", "fields", &fields, "expr", &src,
			   &src_len) != 0 ||
	    !json_is_object(fields)) {
		resp = oracle_bad_request("request must be {\"fields\": {...}, \"expr\": \"...\"}");
		goto out;
	}

	size_t n = json_object_size(fields);
	if (n > EXPR_MAX_SLOTS) {
		resp = oracle_bad_request("too many fields");
		goto out;
	}
	names = arena_alloc(&a, (n ? n : 1) * sizeof *names);
	types = arena_alloc(&a, (n ? n : 1) * sizeof *types);
	values = arena_alloc(&a, (n ? n : 1) * sizeof *values);
	if (names == NULL || types == NULL || values == NULL) {
		resp = oracle_bad_request("out of memory");
		goto out;
	}

	size_t slot = 0;
	const char *key;
	json_t *desc;
	json_object_foreach(fields, key, desc) {
		names[slot] = key;
		if (!oracle_field(&a, key, desc, &types[slot], &values[slot], &fault)) {
			resp = oracle_bad_request(fault.message);
			goto out;
		}
		slot++;
	}

	struct expr_symbols syms = {.count = n, .names = names, .types = types};
	memset(&cerr, 0, sizeof cerr);
	enum coop_err rc = expr_compile(&a, src, src_len, &syms, NULL, &e, &cerr);
	if (rc != COOP_OK) {
		const char *msg = cerr.message[0] ? cerr.message : err_str(rc);
		size_t off = rc == ERR_INVALID ? cerr.offset : 0;
		resp = json_pack("{s:b, s:s, s:I, s:s}", "ok", 0, "error", msg, "offset",
				 (json_int_t)off, "code", rc == ERR_INVALID ? "invalid" : "other");
		goto out;
	}

	resp = oracle_eval_json(e, values);
out:
	json_decref(req);
	arena_free(&a);
	return resp;
}

/* Writes one response line; false on an output error. */
static bool oracle_write(json_t *resp)
{
	if (resp == NULL)
		resp = oracle_bad_request("out of memory");
	if (resp == NULL)
		return fputs("{\"ok\":false,\"bad_request\":true,\"error\":\"out of memory\"}\n",
			     stdout) >= 0;
	int rc = json_dumpf(resp, stdout, JSON_COMPACT);
	json_decref(resp);
	return rc == 0 && fputc('\n', stdout) != EOF;
}

/* Reads stdin line by line and answers each; returns the exit status. */
static int oracle_run_lines(void)
{
	static char line[ORACLE_MAX_LINE + 2];
	int status = 0;

	while (fgets(line, sizeof line, stdin) != NULL) {
		size_t len = strlen(line);
		bool complete = len > 0 && line[len - 1] == '\n';
		if (!complete && !feof(stdin)) {
			/* Too long: skip to the end of the line and refuse it. */
			int c;
			while ((c = getchar()) != EOF && c != '\n')
				;
			if (!oracle_write(oracle_bad_request("line longer than 64 KiB"))) {
				status = 1;
				goto out;
			}
			continue;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (!oracle_write(oracle_answer(line, len))) {
			status = 1;
			goto out;
		}
	}
	if (ferror(stdin))
		status = 1;
out:
	if (fflush(stdout) != 0)
		status = 1;
	return status;
}

/* ------------------------------------------------------------ protocol mode */

/* A field description {type, collection, state, value} for a slot value. */
static json_t *oracle_field_json(struct expr_type t, const struct expr_value *v)
{
	const char *state = v->missing ? "missing" : v->count == 0 ? "empty" : "answered";
	json_t *f = json_pack("{s:s, s:b, s:s}", "type", oracle_base_name(t.base), "collection",
			      t.collection, "state", state);
	if (f == NULL || v->count == 0)
		return f;
	json_t *value = t.collection ? oracle_items_json(v)
				     : oracle_item_json(expr_value_item(v, 0));
	if (value == NULL || json_object_set_new(f, "value", value) != 0) {
		json_decref(f);
		return NULL;
	}
	return f;
}

/* Writes the line of one expression of the protocol evaluated on the engine's slot values. */
static bool oracle_emit(const struct protocol *p, const struct engine_result *r,
			const char *case_name, const char *where, const struct expr *e)
{
	json_t *resp = NULL, *fields = NULL;
	bool ok = false;

	if (e == NULL)
		return true;
	fields = json_object();
	if (fields == NULL)
		goto out;
	const struct expr_slotset *reads = expr_reads(e);
	for (size_t slot = 0; slot < p->n_slots; slot++) {
		if (!expr_slotset_has(reads, (unsigned)slot))
			continue;
		json_t *f = oracle_field_json(p->slot_types[slot], r->slots[slot]);
		if (f == NULL || json_object_set_new(fields, p->slot_names[slot], f) != 0)
			goto out;
	}
	static struct expr_value values[ENGINE_MAX_SLOTS];
	for (size_t slot = 0; slot < p->n_slots; slot++)
		values[slot] = *r->slots[slot];
	resp = oracle_eval_json(e, values);
	if (resp == NULL || json_object_set_new(resp, "case", json_string(case_name)) != 0 ||
	    json_object_set_new(resp, "where", json_string(where)) != 0 ||
	    json_object_set_new(resp, "expr", json_string(expr_source(e))) != 0 ||
	    json_object_set(resp, "fields", fields) != 0)
		goto out;
	ok = oracle_write(resp);
	resp = NULL; /* oracle_write() took it */
out:
	json_decref(resp);
	json_decref(fields);
	return ok;
}

/* Writes one line for every expression of the protocol. */
static bool oracle_emit_protocol(const struct protocol *p, const struct engine_result *r,
				 const char *case_name)
{
	char where[256];

	for (size_t i = 0; i < p->n_questions; i++) {
		snprintf(where, sizeof where, "question %s enable_when", p->questions[i].id);
		if (!oracle_emit(p, r, case_name, where, p->questions[i].enable_when))
			return false;
	}
	for (size_t i = 0; i < p->n_computed; i++) {
		snprintf(where, sizeof where, "computed %s", p->computed[i].id);
		if (!oracle_emit(p, r, case_name, where, p->computed[i].expression))
			return false;
	}
	for (size_t i = 0; i < p->n_criteria; i++) {
		snprintf(where, sizeof where, "criterion %s", p->criteria[i].id);
		if (!oracle_emit(p, r, case_name, where, p->criteria[i].expression))
			return false;
	}
	for (size_t i = 0; i < p->n_outcomes; i++) {
		snprintf(where, sizeof where, "outcome %s when", p->outcomes[i].id);
		if (!oracle_emit(p, r, case_name, where, p->outcomes[i].when))
			return false;
	}
	for (size_t i = 0; i < p->n_templates; i++) {
		for (size_t k = 0; k < p->templates[i].n_lines; k++) {
			snprintf(where, sizeof where, "prescription %s line %zu when",
				 p->templates[i].id, k + 1);
			if (!oracle_emit(p, r, case_name, where, p->templates[i].lines[k].when))
				return false;
		}
	}
	return true;
}

static bool oracle_case_error(const char *case_name, const char *message)
{
	json_t *resp = oracle_bad_request(message);
	if (resp != NULL && json_object_set_new(resp, "case", json_string(case_name)) != 0) {
		json_decref(resp);
		resp = NULL;
	}
	return oracle_write(resp);
}

/* Runs every case of cases_path on the protocol; returns the exit status. */
static int oracle_run_protocol(const char *protocol_path, const char *cases_path)
{
	struct protocol *p = NULL;
	struct protocol_diags diags = {.count = 0};
	struct engine_input *in = NULL;
	struct engine_result *r = NULL;
	json_t *doc = NULL;
	json_error_t jerr;
	int status = 1;

	enum coop_err rc = protocol_load_file(protocol_path, &p, &diags);
	if (rc != COOP_OK) {
		fprintf(stderr, "%s: %s\n", protocol_path, err_str(rc));
		for (size_t i = 0; i < diags.count; i++)
			fprintf(stderr, "%s:%u:%u: %s\n", protocol_path, diags.items[i].line,
				diags.items[i].column, diags.items[i].message);
		goto out;
	}
	doc = json_load_file(cases_path, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *cases = json_object_get(doc, "cases");
	if (doc == NULL || !json_is_array(cases)) {
		fprintf(stderr, "%s: %s\n", cases_path,
			doc == NULL ? jerr.text : "\"cases\" must be an array");
		goto out;
	}
	in = calloc(1, sizeof *in);
	r = calloc(1, sizeof *r);
	if (in == NULL || r == NULL) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}

	size_t i;
	const json_t *c;
	json_array_foreach(cases, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		char label[32], msg[320];
		if (name == NULL) {
			snprintf(label, sizeof label, "case %zu", i + 1);
			name = label;
		}
		char *text = json_dumps(json_object_get(c, "input"), JSON_COMPACT);
		struct arena a;
		arena_init(&a, 0);
		bool written;
		if (text == NULL) {
			written = oracle_case_error(name, "case without an \"input\" object");
		} else if ((rc = answers_parse(p, text, strlen(text), &a, in, msg, sizeof msg)) !=
			   COOP_OK) {
			written = oracle_case_error(name, rc == ERR_NOMEM ? err_str(rc) : msg);
		} else if ((rc = engine_evaluate(p, in, r)) != COOP_OK) {
			written = oracle_case_error(name, err_str(rc));
		} else {
			written = oracle_emit_protocol(p, r, name);
		}
		arena_free(&a);
		free(text);
		if (!written)
			goto out;
	}
	status = 0;
out:
	if (fflush(stdout) != 0)
		status = 1;
	free(r);
	free(in);
	json_decref(doc);
	protocol_free(p);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return oracle_run_lines();
	if (argc == 4 && strcmp(argv[1], "--protocol") == 0)
		return oracle_run_protocol(argv[2], argv[3]);
	fprintf(stderr, "usage: %s < requests.jsonl\n       %s --protocol FILE.yaml CASES.json\n",
		argv[0], argv[0]);
	return 2;
}
