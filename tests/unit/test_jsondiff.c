/*
 * test_jsondiff.c — the difference an audit record stores (store/jsondiff.h): only the keys
 * that changed, recursively in objects, with their value before and after; an added key has no
 * before value, a removed key no after value; arrays position by position, other values whole; applying
 * the change onto the old document gives the new one; documents that are not two objects are
 * kept whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "store/jsondiff.h"

/* The stored texts of the change from b to a, compared with the expected ones. */
static void expect_diff(const char *b, const char *a, const char *want_b, const char *want_a)
{
	char *gb = NULL, *ga = NULL;
	assert_true(jsondiff_text(b, a, &gb, &ga));
	if (want_b)
		assert_string_equal(gb, want_b);
	else
		assert_null(gb);
	if (want_a)
		assert_string_equal(ga, want_a);
	else
		assert_null(ga);
	free(gb);
	free(ga);
}

static void changed_keys_only(void **state)
{
	(void)state;
	expect_diff("{\"state\":\"proposed\",\"n\":1,\"same\":\"x\"}",
		    "{\"state\":\"consented\",\"n\":1,\"same\":\"x\"}", "{\"state\":\"proposed\"}",
		    "{\"state\":\"consented\"}");
	/* nothing changed: two empty objects */
	expect_diff("{\"a\":[1,2],\"b\":{\"c\":null}}", "{\"a\":[1,2],\"b\":{\"c\":null}}", "{}",
		    "{}");
}

static void added_and_removed(void **state)
{
	(void)state;
	expect_diff("{\"a\":1,\"gone\":true}", "{\"a\":1,\"new\":\"v\"}", "{\"gone\":true}",
		    "{\"new\":\"v\"}");
	/* a key that becomes null is a change, not a removal */
	expect_diff("{\"a\":1}", "{\"a\":null}", "{\"a\":1}", "{\"a\":null}");
}

static void recursive_in_objects(void **state)
{
	(void)state;
	expect_diff("{\"state\":\"assessing\",\"data\":{\"answers\":{\"age\":30,\"fever\":false},"
		    "\"protocol_id\":\"snp-cystite\"}}",
		    "{\"state\":\"assessing\",\"data\":{\"answers\":{\"age\":30,\"fever\":true,"
		    "\"pain\":2},\"protocol_id\":\"snp-cystite\"}}",
		    "{\"data\":{\"answers\":{\"fever\":false}}}",
		    "{\"data\":{\"answers\":{\"fever\":true,\"pain\":2}}}");
	/* an object replaced by another kind of value is kept whole on both sides */
	expect_diff("{\"d\":{\"x\":1}}", "{\"d\":\"texte\"}", "{\"d\":{\"x\":1}}",
		    "{\"d\":\"texte\"}");
}

static void arrays_by_position(void **state)
{
	(void)state;
	/* appended: only the new position, after */
	expect_diff("{\"history\":[{\"a\":\"create\"}],\"k\":1}",
		    "{\"history\":[{\"a\":\"create\"},{\"a\":\"propose\"}],\"k\":1}",
		    "{\"history\":{}}", "{\"history\":{\"1\":{\"a\":\"propose\"}}}");
	/* removed at the end: only the old position, before */
	expect_diff("{\"l\":[1,2,3]}", "{\"l\":[1,2]}", "{\"l\":{\"2\":3}}", "{\"l\":{}}");
	/* changed in place, inside an element that is an object */
	expect_diff("{\"l\":[{\"x\":1,\"y\":2},7]}", "{\"l\":[{\"x\":1,\"y\":3},7]}",
		    "{\"l\":{\"0\":{\"y\":2}}}", "{\"l\":{\"0\":{\"y\":3}}}");
	/* an array that becomes an object (or the reverse) is kept whole */
	expect_diff("{\"l\":[1]}", "{\"l\":{\"0\":1}}", "{\"l\":[1]}", "{\"l\":{\"0\":1}}");
}

static void not_two_objects_kept_whole(void **state)
{
	(void)state;
	expect_diff(NULL, "{\"a\":1}", NULL, "{\"a\":1}");
	expect_diff("{\"a\":1}", NULL, "{\"a\":1}", NULL);
	expect_diff("[1]", "{\"a\":1}", "[1]", "{\"a\":1}");
	expect_diff("{\"a\":1}", "pas du JSON", "{\"a\":1}", "pas du JSON");
	expect_diff(NULL, NULL, NULL, NULL);
	json_t *b = json_array(), *a = json_object(), *bd = NULL, *ad = NULL;
	assert_false(jsondiff(b, a, &bd, &ad));
	assert_null(bd);
	assert_null(ad);
	json_decref(b);
	json_decref(a);
}

/* Applying the stored change onto the old document gives the new one, whatever changed. */
static void apply_gives_after(void **state)
{
	(void)state;
	const char *pairs[][2] = {
		{"{\"state\":\"a\",\"data\":{\"x\":{\"y\":1,\"z\":[1]},\"gone\":1}}",
		 "{\"state\":\"b\",\"data\":{\"x\":{\"y\":2,\"z\":[1],\"w\":{}},\"new\":{\"q\":1}}}"},
		{"{\"d\":{}}", "{\"d\":{\"a\":{\"b\":{}}}}"},
		{"{\"d\":{\"a\":{\"b\":1}}}", "{\"d\":{}}"},
		{"{\"d\":{\"x\":1}}", "{\"d\":7}"},
		{"{\"d\":7}", "{\"d\":{\"x\":1}}"},
		{"{}", "{}"},
		{"{\"h\":[1,{\"a\":[1,2]},3]}", "{\"h\":[1,{\"a\":[1,5,6]}]}"},
		{"{\"h\":[]}", "{\"h\":[[1],{\"b\":2},\"x\"]}"},
		{"{\"h\":[[1],{\"b\":2},\"x\"]}", "{\"h\":[]}"},
		{"{\"h\":[[1,2],{\"b\":2}]}", "{\"h\":[{\"b\":2},[1,2]]}"},
		{"{\"h\":{\"0\":1}}", "{\"h\":[1]}"},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		json_t *b = json_loads(pairs[i][0], 0, NULL), *a = json_loads(pairs[i][1], 0, NULL);
		json_t *bd = NULL, *ad = NULL;
		assert_true(jsondiff(b, a, &bd, &ad));
		assert_true(jsondiff_apply(b, bd, ad));
		if (!json_equal(b, a))
			fail_msg("pair %zu: applying the change does not give the new document", i);
		json_decref(b);
		json_decref(a);
		json_decref(bd);
		json_decref(ad);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(changed_keys_only),    cmocka_unit_test(added_and_removed),
		cmocka_unit_test(recursive_in_objects), cmocka_unit_test(arrays_by_position),
		cmocka_unit_test(not_two_objects_kept_whole), cmocka_unit_test(apply_gives_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
