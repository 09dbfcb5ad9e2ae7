/*
 * paging.c — the query parameters and the cursors of the paging contract (paging.h).
 */
#include "api/paging.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_page_bad_cursor(struct api_ctx *c)
{
	api_fail(c, API_ERR_INVALID,
		 "La suite de cette liste n'a pas pu être retrouvée : rechargez la liste depuis son "
		 "début.",
		 "after");
}

bool api_page_read(struct api_ctx *c, size_t *limit, json_t **after)
{
	*after = NULL;
	int64_t n = API_PAGE_DEFAULT;
	const char *v = NULL;
	size_t len = 0;
	enum coop_err e = http_request_query(c->req, "limit", &v, &len);
	if (e != ERR_NOT_FOUND) {
		bool digits = e == COOP_OK && len > 0 && len <= 3;
		n = 0;
		for (size_t i = 0; digits && i < len; i++) {
			digits = v[i] >= '0' && v[i] <= '9';
			n = n * 10 + (v[i] - '0');
		}
		if (!digits || n < 1 || n > API_PAGE_MAX) {
			api_failf(c, API_ERR_INVALID, "limit",
				  "Le nombre de lignes par page doit être un nombre entier de 1 à %d.",
				  API_PAGE_MAX);
			return false;
		}
	}
	*limit = (size_t)n;
	e = http_request_query(c->req, "after", &v, &len);
	if (e == ERR_NOT_FOUND)
		return true;
	unsigned char raw[API_PAGE_CURSOR_MAX];
	size_t raw_len = 0;
	json_t *key = NULL;
	if (e == COOP_OK && len > 0 && len <= API_PAGE_CURSOR_MAX &&
	    sodium_base642bin(raw, sizeof(raw), v, len, NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0)
		key = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(key)) {
		json_decref(key);
		api_page_bad_cursor(c);
		return false;
	}
	*after = key;
	return true;
}

json_t *api_page_cursor(json_t *key)
{
	if (!key)
		return json_null();
	char *text = json_dumps(key, JSON_COMPACT);
	json_decref(key);
	if (!text)
		return NULL;
	size_t len = strlen(text);
	size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *b64 = malloc(size);
	json_t *out = NULL;
	if (b64) {
		sodium_bin2base64(b64, size, (const unsigned char *)text, len,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		out = json_string(b64);
	}
	free(b64);
	free(text);
	return out;
}

json_t *api_page_json(json_t *items, json_t *next)
{
	json_t *o = json_object();
	if (!o || !items || !next) {
		json_decref(o);
		json_decref(items);
		json_decref(next);
		return NULL;
	}
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "next", next);
	return o;
}
