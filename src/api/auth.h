/*
 * auth.h — passwords, session tokens, CSRF tokens and one-time activation codes (the delays
 * between sign-in attempts are a rule of the core: core/account.h).
 *
 * Passwords are hashed with Argon2id (libsodium) at 2 passes over 19 MiB: the parameters OWASP
 * gives as a floor, chosen so that a login costs about 50 ms and a few concurrent logins stay
 * within the server's memory budget; hashing is serialised (one at a time) for the same reason.
 * A session token is 32 random bytes sent to the browser (base64url, in an HttpOnly cookie);
 * only its SHA-256 is stored, so a copy of the database opens no session. Each session has its
 * own random CSRF token, which every state-changing request must echo in a header.
 */
#ifndef COOP_API_AUTH_H
#define COOP_API_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define AUTH_HASH_MAX 128     /* an encoded Argon2id hash with its NUL */
#define AUTH_TOKEN_CHARS 44   /* base64url of 32 bytes, no padding, with its NUL */
#define AUTH_TOKEN_HASH_HEX 65
#define AUTH_PASSWORD_MIN 10  /* characters (bytes) of a new password */
#define AUTH_PASSWORD_MAX 256 /* bytes accepted from a client */

/* Initialises libsodium; call once before any other function. ERR_INTERNAL when it fails. */
enum coop_err auth_init(void);

/* Hashes a password into out (NUL-terminated). ERR_INVALID when shorter than
 * AUTH_PASSWORD_MIN or longer than AUTH_PASSWORD_MAX; ERR_NOMEM when memory is short. */
enum coop_err auth_password_hash(const char *password, size_t len, char out[AUTH_HASH_MAX]);

/* True when password matches the stored hash. Constant time in the password. */
bool auth_password_verify(const char *stored_hash, const char *password, size_t len);

/* Spends the same time as auth_password_verify() on a real hash, always failing: for unknown
 * logins, so that response times do not reveal which logins exist. */
void auth_password_dummy_verify(const char *password, size_t len);

/* A new random token (base64url) and the hex SHA-256 under which it is stored. */
void auth_new_token(char token[AUTH_TOKEN_CHARS], char token_hash[AUTH_TOKEN_HASH_HEX]);

/* The stored form of a token received from a client. ERR_INVALID when it is not a token of
 * ours (wrong length or alphabet): no database look-up is needed for those. */
enum coop_err auth_token_hash(const char *token, size_t len, char token_hash[AUTH_TOKEN_HASH_HEX]);

/* Compares a received CSRF token with the session's, in constant time. */
bool auth_csrf_equal(const char *expected, const char *received, size_t received_len);

/* One-time activation codes (a new account, a reset): 16 characters drawn from 31 letters
 * and digits that cannot be mistaken for one another (no 0/O, 1/I/L), about 79 random bits,
 * written in four groups "ABCD-EFGH-JKMN-PQRS" so that they can be read out or copied by
 * hand. Only the hex SHA-256 of the 16 characters is stored. */
#define AUTH_CODE_CHARS 20 /* the code with its three dashes and NUL */

/* A new activation code and the hash under which it is stored. */
void auth_new_activation_code(char code[AUTH_CODE_CHARS], char code_hash[AUTH_TOKEN_HASH_HEX]);

/* The stored form of a code typed by someone: spaces and dashes are ignored, lower case is
 * taken as upper case. ERR_INVALID when what remains is not 16 characters of the alphabet. */
enum coop_err auth_activation_code_hash(const char *input, size_t len,
					char code_hash[AUTH_TOKEN_HASH_HEX]);

/* Session lifetime: idle expiry and absolute maximum, in seconds. */
#define AUTH_SESSION_IDLE (30 * 60)
#define AUTH_SESSION_MAX (12 * 60 * 60)

#endif
