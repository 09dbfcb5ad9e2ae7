/*
 * jsondiff.h — what an audit record stores of a change: the difference between two JSON
 * documents, not the documents themselves.
 *
 * The stored format (columns before_json and after_json of an audit record, from schema
 * migration 9 on; older records hold whole documents, and records of a creation or a read
 * still hold their one document whole):
 *
 *   - when both documents are JSON objects, before_json holds only the keys whose value
 *     changed, with their value before, and after_json the same keys with their value after;
 *   - recursively: when a key's value is an object on both sides, only its own changed keys
 *     are kept, under that key, on both sides; when it is an array on both sides, the same
 *     with positions for keys ("0", "1"...: an array compared position by position, stored as
 *     an object of the changed positions). So a key holding an object on both sides of the
 *     change always means "look inside" (an object by key, an array by position, as the
 *     document says);
 *   - a key added (or a position added at the end of an array) has no entry in before_json, a
 *     key removed (a position removed at the end) none in after_json;
 *   - every other value (string, number, true/false/null), and a value that changes kind
 *     (object to array, number to object...), is kept whole on both sides;
 *   - nothing changed: both are "{}";
 *   - when either document is not an object (or absent), both are kept whole, as given.
 *
 * Example: an episode's step appends to its history and changes its state:
 *   before {"state":"proposed","data":{"history":{}}}
 *   after  {"state":"consented","data":{"history":{"1":{"action":"record_consent_given",...}}}}
 * Arrays go by position rather than whole because a history that grows by one entry at each
 * step would otherwise be stored twice in full at every step.
 *
 * Applying after_json onto the old document (keys absent from after_json but present in
 * before_json removed; objects present on both sides merged recursively) gives the new one;
 * jsondiff_apply() does it. Pure (jansson), no I/O.
 */
#ifndef COOP_STORE_JSONDIFF_H
#define COOP_STORE_JSONDIFF_H

#include <jansson.h>
#include <stdbool.h>

/* The change from `before` to `after` (both objects): *b_out and *a_out receive new objects
 * (the caller decrefs them). False when memory runs out (nothing returned) or when either is
 * not an object (then nothing is returned either: keep the documents whole). */
bool jsondiff(json_t *before, json_t *after, json_t **b_out, json_t **a_out);

/* The same on JSON texts, as an audit record stores them: *b_out and *a_out receive malloc'd
 * compact texts of the change (free() them). When either text is NULL, is not valid JSON or
 * not an object, they receive copies of the texts as given (NULL stays NULL). False only when
 * memory runs out (nothing returned). */
bool jsondiff_text(const char *before, const char *after, char **b_out, char **a_out);

/* What an audit record stores for a change from before to after (either may be NULL): the
 * change as compact texts when both are objects, else the documents whole (NULL stays NULL).
 * *b_out and *a_out are malloc'd (free() them). False when memory runs out (nothing returned).
 * The API (api_audit) and the bench generator both write their records through it. */
bool jsondiff_record(json_t *before, json_t *after, char **b_out, char **a_out);

/* Applies a change (b_diff, a_diff as jsondiff() made them) onto doc, in place. False when
 * memory runs out or a diff is not an object. */
bool jsondiff_apply(json_t *doc, json_t *b_diff, json_t *a_diff);

#endif
