/*
 * jsondiff.c — the difference between two JSON objects, as an audit record stores it (the
 * format is described in jsondiff.h).
 */
#include "store/jsondiff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool diff_into(json_t *before, json_t *after, json_t *b, json_t *a);

/* Two values of the same container kind (both objects or both arrays), which are compared
 * inside rather than whole. */
static bool same_container(json_t *x, json_t *y)
{
	return (json_is_object(x) && json_is_object(y)) || (json_is_array(x) && json_is_array(y));
}

/* Records under `key` of b and a that bv became av (different): inside when both are the same
 * kind of container, else whole. */
static bool diff_value(const char *key, json_t *bv, json_t *av, json_t *b, json_t *a)
{
	if (!same_container(bv, av))
		return json_object_set(b, key, bv) == 0 && json_object_set(a, key, av) == 0;
	json_t *sb = json_object(), *sa = json_object();
	bool ok = sb && sa && diff_into(bv, av, sb, sa) && json_object_set(b, key, sb) == 0 &&
		  json_object_set(a, key, sa) == 0;
	json_decref(sb);
	json_decref(sa);
	return ok;
}

/* Arrays: compared position by position, each position a key in decimal ("0", "1"...). */
static bool diff_arrays(json_t *before, json_t *after, json_t *b, json_t *a)
{
	size_t nb = json_array_size(before), na = json_array_size(after);
	char key[24];
	for (size_t i = 0; i < nb || i < na; i++) {
		snprintf(key, sizeof(key), "%zu", i);
		json_t *bv = json_array_get(before, i), *av = json_array_get(after, i);
		bool ok = true;
		if (bv && !av) /* removed at the end: its value before only */
			ok = json_object_set(b, key, bv) == 0;
		else if (!bv) /* added at the end: its value after only */
			ok = json_object_set(a, key, av) == 0;
		else if (!json_equal(bv, av))
			ok = diff_value(key, bv, av, b, a);
		if (!ok)
			return false;
	}
	return true;
}

/* Adds to b and a the changed keys (or positions) of before → after, two objects or two
 * arrays. */
static bool diff_into(json_t *before, json_t *after, json_t *b, json_t *a)
{
	if (json_is_array(before))
		return diff_arrays(before, after, b, a);
	const char *key;
	json_t *bv;
	json_object_foreach(before, key, bv)
	{
		json_t *av = json_object_get(after, key);
		bool ok = true;
		if (!av) /* removed: its value before only */
			ok = json_object_set(b, key, bv) == 0;
		else if (!json_equal(bv, av))
			ok = diff_value(key, bv, av, b, a);
		if (!ok)
			return false;
	}
	json_t *av;
	json_object_foreach(after, key, av)
	{
		if (!json_object_get(before, key) && json_object_set(a, key, av) != 0)
			return false; /* added: its value after only */
	}
	return true;
}

bool jsondiff(json_t *before, json_t *after, json_t **b_out, json_t **a_out)
{
	*b_out = *a_out = NULL;
	if (!json_is_object(before) || !json_is_object(after))
		return false;
	json_t *b = json_object(), *a = json_object();
	if (!b || !a || !diff_into(before, after, b, a)) {
		json_decref(b);
		json_decref(a);
		return false;
	}
	*b_out = b;
	*a_out = a;
	return true;
}

bool jsondiff_record(json_t *before, json_t *after, char **b_out, char **a_out)
{
	json_t *bd = NULL, *ad = NULL;
	*b_out = *a_out = NULL;
	if (json_is_object(before) && json_is_object(after)) {
		if (!jsondiff(before, after, &bd, &ad))
			return false;
		before = bd;
		after = ad;
	}
	*b_out = before ? json_dumps(before, JSON_COMPACT) : NULL;
	*a_out = after ? json_dumps(after, JSON_COMPACT) : NULL;
	json_decref(bd);
	json_decref(ad);
	if ((before && !*b_out) || (after && !*a_out)) {
		free(*b_out);
		free(*a_out);
		*b_out = *a_out = NULL;
		return false;
	}
	return true;
}

/* A malloc'd copy of s (NULL stays NULL); false when memory runs out. */
static bool copy_text(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return true;
	size_t n = strlen(s) + 1;
	*out = malloc(n);
	if (!*out)
		return false;
	memcpy(*out, s, n);
	return true;
}

bool jsondiff_text(const char *before, const char *after, char **b_out, char **a_out)
{
	*b_out = *a_out = NULL;
	json_t *bj = before ? json_loads(before, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *aj = bj && after ? json_loads(after, JSON_REJECT_DUPLICATES, NULL) : NULL;
	bool ok = json_is_object(bj) && json_is_object(aj)
			  ? jsondiff_record(bj, aj, b_out, a_out)
			  /* not two objects: kept whole, as given */
			  : copy_text(before, b_out) && copy_text(after, a_out);
	json_decref(bj);
	json_decref(aj);
	if (!ok) {
		free(*b_out);
		free(*a_out);
		*b_out = *a_out = NULL;
	}
	return ok;
}

/* The position a key names in an array ("0", "1"...); false when it names none. */
static bool position(const char *key, size_t *out)
{
	size_t v = 0;
	if (!*key || (key[0] == '0' && key[1]))
		return false;
	for (; *key; key++) {
		if (*key < '0' || *key > '9' || v > SIZE_MAX / 10 - 1)
			return false;
		v = v * 10 + (size_t)(*key - '0');
	}
	*out = v;
	return true;
}

/* Sets the value at `key` of the container doc (an object's key or an array's position, the
 * position just past the end appending): inside when the stored change is a container
 * change of the same kind as the current value, else whole. */
static bool apply_value(json_t *doc, const char *key, json_t *cur, json_t *bv, json_t *v)
{
	if (cur && json_is_object(bv) && json_is_object(v) &&
	    (json_is_object(cur) || json_is_array(cur)))
		return jsondiff_apply(cur, bv, v);
	json_t *copy = json_deep_copy(v);
	if (!copy)
		return false;
	if (json_is_object(doc))
		return json_object_set_new(doc, key, copy) == 0;
	size_t i = 0;
	if (!position(key, &i) || i > json_array_size(doc)) {
		json_decref(copy);
		return false;
	}
	return (i == json_array_size(doc) ? json_array_append_new(doc, copy)
					  : json_array_set_new(doc, i, copy)) == 0;
}

bool jsondiff_apply(json_t *doc, json_t *b_diff, json_t *a_diff)
{
	if ((!json_is_object(doc) && !json_is_array(doc)) || !json_is_object(b_diff) ||
	    !json_is_object(a_diff))
		return false;
	const char *key;
	json_t *v;
	/* keys (or last positions) in before only: removed */
	json_object_foreach(b_diff, key, v)
	{
		if (json_object_get(a_diff, key))
			continue;
		if (json_is_object(doc))
			json_object_del(doc, key);
		else if (json_array_size(doc) > 0)
			json_array_remove(doc, json_array_size(doc) - 1);
	}
	json_object_foreach(a_diff, key, v)
	{
		json_t *cur = NULL;
		size_t i = 0;
		if (json_is_object(doc))
			cur = json_object_get(doc, key);
		else if (position(key, &i))
			cur = json_array_get(doc, i);
		if (!apply_value(doc, key, cur, json_object_get(b_diff, key), v))
			return false;
	}
	return true;
}
