/*
 * test_auth.c — passwords (Argon2id round trip, length bounds), session tokens (format, stored
 * hash, rejection of foreign tokens), CSRF comparison and the lock-out policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api/auth.h"

static void test_passwords(void **state)
{
	(void)state;
	char hash[AUTH_HASH_MAX];
	const char *pw = "correct horse battery";
	assert_int_equal(auth_password_hash(pw, strlen(pw), hash), COOP_OK);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_true(auth_password_verify(hash, pw, strlen(pw)));
	assert_false(auth_password_verify(hash, "correct horse batterY", strlen(pw)));
	assert_false(auth_password_verify(hash, pw, strlen(pw) - 1));
	/* two hashes of one password differ (random salt) */
	char again[AUTH_HASH_MAX];
	assert_int_equal(auth_password_hash(pw, strlen(pw), again), COOP_OK);
	assert_string_not_equal(hash, again);
	/* bounds */
	assert_int_equal(auth_password_hash("short", 5, hash), ERR_INVALID);
	char big[AUTH_PASSWORD_MAX + 2];
	memset(big, 'x', sizeof(big));
	assert_int_equal(auth_password_hash(big, sizeof(big), hash), ERR_INVALID);
	assert_false(auth_password_verify(NULL, pw, strlen(pw)));
	assert_false(auth_password_verify("not a hash", pw, strlen(pw)));
}

static void test_tokens(void **state)
{
	(void)state;
	char token[AUTH_TOKEN_CHARS], stored[AUTH_TOKEN_HASH_HEX], again[AUTH_TOKEN_HASH_HEX];
	auth_new_token(token, stored);
	assert_int_equal(strlen(token), AUTH_TOKEN_CHARS - 1);
	assert_int_equal(strlen(stored), 64);
	assert_int_equal(auth_token_hash(token, strlen(token), again), COOP_OK);
	assert_string_equal(stored, again);
	char other[AUTH_TOKEN_CHARS], other_hash[AUTH_TOKEN_HASH_HEX];
	auth_new_token(other, other_hash);
	assert_string_not_equal(token, other);
	/* foreign tokens are refused before any look-up */
	assert_int_equal(auth_token_hash(token, strlen(token) - 1, again), ERR_INVALID);
	char bad[AUTH_TOKEN_CHARS];
	memcpy(bad, token, sizeof(bad));
	bad[5] = '=';
	assert_int_equal(auth_token_hash(bad, strlen(bad), again), ERR_INVALID);
	bad[5] = '\0';
	assert_int_equal(auth_token_hash(bad, AUTH_TOKEN_CHARS - 1, again), ERR_INVALID);
}

static void test_csrf(void **state)
{
	(void)state;
	assert_true(auth_csrf_equal("abcdef", "abcdef", 6));
	assert_false(auth_csrf_equal("abcdef", "abcdeg", 6));
	assert_false(auth_csrf_equal("abcdef", "abcde", 5));
	assert_false(auth_csrf_equal("abcdef", "abcdefg", 7));
	assert_false(auth_csrf_equal("", "", 0));
	assert_false(auth_csrf_equal(NULL, "x", 1));
	assert_false(auth_csrf_equal("x", NULL, 0));
}

static void test_lockout(void **state)
{
	(void)state;
	for (int f = 0; f < 5; f++)
		assert_int_equal(auth_lock_until(f, 1000), 0);
	assert_int_equal(auth_lock_until(5, 1000), 1060);
	assert_int_equal(auth_lock_until(6, 1000), 1120);
	assert_int_equal(auth_lock_until(7, 1000), 1240);
	assert_int_equal(auth_lock_until(11, 1000), 1000 + 3600);
	assert_int_equal(auth_lock_until(1000, 1000), 1000 + 3600);
}

static int init(void **state)
{
	(void)state;
	return auth_init() == COOP_OK ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwords),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_lockout),
	};
	return cmocka_run_group_tests(tests, init, NULL);
}
