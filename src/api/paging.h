/*
 * paging.h — the paging contract every list endpoint follows: query parameters `limit` (1 to
 * API_PAGE_MAX, API_PAGE_DEFAULT by default) and `after` (a cursor the server gave in `next`);
 * the answer {"items": [...], "next": "<cursor>" | null}, next null on the last page. Pages are
 * keyset pages (never an offset): the cursor carries the sort key of the previous page's last
 * row. It is opaque to clients: base64url of a compact JSON array of that key, which the
 * endpoint checks like any input (a cursor that does not fit is a 400 "invalid" about `after`).
 */
#ifndef COOP_API_PAGING_H
#define COOP_API_PAGING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/app.h"

#define API_PAGE_DEFAULT 50
#define API_PAGE_MAX 200
/* a longer `after` is refused before decoding */
#define API_PAGE_CURSOR_MAX 1024

/* Reads `limit` and `after`. *after is NULL when there is none, else the key array the cursor
 * carries (the caller's to json_decref). False (400 answered, naming the parameter) when limit
 * is not an integer in range or when after is not a cursor of ours. */
bool api_page_read(struct api_ctx *c, size_t *limit, json_t **after);

/* Answers that the cursor does not fit this list (400 "invalid", field `after`): for an
 * endpoint whose key array has not the expected shape. */
void api_page_bad_cursor(struct api_ctx *c);

/* The cursor for a key array (stolen; NULL gives JSON null, the last page's `next`). NULL when
 * memory runs out. */
json_t *api_page_cursor(json_t *key);

/* {"items": items, "next": next} (both stolen). */
json_t *api_page_json(json_t *items, json_t *next);

#endif
