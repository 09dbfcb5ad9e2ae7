/*
 * auth.c — passwords, tokens and activation codes (see auth.h for the choices).
 */
#include "api/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define PWHASH_OPS 2
#define PWHASH_MEM (19u * 1024u * 1024u)

/* Argon2id is memory-hard on purpose: one hash at a time keeps the server's peak bounded. */
static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;

enum coop_err auth_init(void)
{
	return sodium_init() < 0 ? ERR_INTERNAL : COOP_OK;
}

enum coop_err auth_password_hash(const char *password, size_t len, char out[AUTH_HASH_MAX])
{
	if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX)
		return ERR_INVALID;
	_Static_assert(crypto_pwhash_STRBYTES <= AUTH_HASH_MAX, "hash buffer too small");
	pthread_mutex_lock(&hash_lock);
	int rc = crypto_pwhash_str_alg(out, password, len, PWHASH_OPS, PWHASH_MEM,
				       crypto_pwhash_ALG_ARGON2ID13);
	pthread_mutex_unlock(&hash_lock);
	return rc == 0 ? COOP_OK : ERR_NOMEM;
}

bool auth_password_verify(const char *stored_hash, const char *password, size_t len)
{
	if (!stored_hash || len > AUTH_PASSWORD_MAX)
		return false;
	pthread_mutex_lock(&hash_lock);
	int rc = crypto_pwhash_str_verify(stored_hash, password, len);
	pthread_mutex_unlock(&hash_lock);
	return rc == 0;
}

static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	unsigned char random_password[24];
	char text[64];
	randombytes_buf(random_password, sizeof(random_password));
	sodium_bin2hex(text, sizeof(text), random_password, sizeof(random_password));
	if (auth_password_hash(text, strlen(text), dummy_hash) != COOP_OK)
		dummy_hash[0] = '\0';
}

void auth_password_dummy_verify(const char *password, size_t len)
{
	pthread_once(&dummy_once, make_dummy_hash);
	(void)auth_password_verify(dummy_hash, password, len);
}

static void hash_hex(const unsigned char *bytes, size_t n, char out[AUTH_TOKEN_HASH_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, bytes, n);
	sodium_bin2hex(out, AUTH_TOKEN_HASH_HEX, digest, sizeof(digest));
}

void auth_new_token(char token[AUTH_TOKEN_CHARS], char token_hash[AUTH_TOKEN_HASH_HEX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, AUTH_TOKEN_CHARS, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	hash_hex((const unsigned char *)token, strlen(token), token_hash);
	sodium_memzero(raw, sizeof(raw));
}

enum coop_err auth_token_hash(const char *token, size_t len, char token_hash[AUTH_TOKEN_HASH_HEX])
{
	if (len != AUTH_TOKEN_CHARS - 1)
		return ERR_INVALID;
	for (size_t i = 0; i < len; i++) {
		char c = token[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_';
		if (!ok)
			return ERR_INVALID;
	}
	hash_hex((const unsigned char *)token, len, token_hash);
	return COOP_OK;
}

bool auth_csrf_equal(const char *expected, const char *received, size_t received_len)
{
	if (!expected || !received)
		return false;
	size_t n = strlen(expected);
	if (n == 0 || received_len != n)
		return false;
	return sodium_memcmp(expected, received, n) == 0;
}

static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
#define CODE_LETTERS 16

void auth_new_activation_code(char code[AUTH_CODE_CHARS], char code_hash[AUTH_TOKEN_HASH_HEX])
{
	char bare[CODE_LETTERS];
	size_t k = 0;
	for (int i = 0; i < CODE_LETTERS; i++) {
		bare[i] = code_alphabet[randombytes_uniform(sizeof(code_alphabet) - 1)];
		if (i > 0 && i % 4 == 0)
			code[k++] = '-';
		code[k++] = bare[i];
	}
	code[k] = '\0';
	hash_hex((const unsigned char *)bare, sizeof(bare), code_hash);
	sodium_memzero(bare, sizeof(bare));
}

enum coop_err auth_activation_code_hash(const char *input, size_t len,
					char code_hash[AUTH_TOKEN_HASH_HEX])
{
	char bare[CODE_LETTERS];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = input[i];
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == CODE_LETTERS || c == '\0' || !strchr(code_alphabet, c))
			return ERR_INVALID;
		bare[n++] = c;
	}
	if (n != CODE_LETTERS)
		return ERR_INVALID;
	hash_hex((const unsigned char *)bare, n, code_hash);
	return COOP_OK;
}
