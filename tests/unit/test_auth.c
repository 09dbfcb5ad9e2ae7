/*
 * test_auth.c — passwords (Argon2id round trip, length bounds), session tokens (format, stored
 * hash, rejection of foreign tokens), CSRF comparison and one-time activation codes.
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

static void test_activation_codes(void **state)
{
	(void)state;
	char code[AUTH_CODE_CHARS], hash[AUTH_TOKEN_HASH_HEX], again[AUTH_TOKEN_HASH_HEX];
	char other[AUTH_CODE_CHARS], other_hash[AUTH_TOKEN_HASH_HEX];
	auth_new_activation_code(code, hash);
	auth_new_activation_code(other, other_hash);
	assert_int_equal(strlen(code), AUTH_CODE_CHARS - 1);
	assert_true(code[4] == '-' && code[9] == '-' && code[14] == '-');
	assert_string_not_equal(code, other);
	assert_string_not_equal(hash, other_hash);
	/* typed back as given, in lower case, without dashes, with spaces: the same hash */
	assert_int_equal(auth_activation_code_hash(code, strlen(code), again), COOP_OK);
	assert_string_equal(again, hash);
	char typed[64];
	size_t n = 0;
	for (const char *p = code; *p; p++) {
		if (*p == '-') {
			typed[n++] = ' ';
			continue;
		}
		typed[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
	typed[n] = '\0';
	assert_int_equal(auth_activation_code_hash(typed, n, again), COOP_OK);
	assert_string_equal(again, hash);
	/* wrong length, a letter outside the alphabet, a NUL inside */
	assert_int_equal(auth_activation_code_hash("ABCD-EFGH-JKMN", 14, again), ERR_INVALID);
	assert_int_equal(auth_activation_code_hash("ABCD-EFGH-JKMN-PQRST", 20, again), ERR_INVALID);
	assert_int_equal(auth_activation_code_hash("ABCD-EFGH-JKMN-PQR0", 19, again), ERR_INVALID);
	assert_int_equal(auth_activation_code_hash("ABCD-EFGH-JKMN-PQ\0S", 19, again), ERR_INVALID);
	assert_int_equal(auth_activation_code_hash("", 0, again), ERR_INVALID);
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
		cmocka_unit_test(test_activation_codes),
	};
	return cmocka_run_group_tests(tests, init, NULL);
}
