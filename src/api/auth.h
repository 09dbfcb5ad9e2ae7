/*
 * auth.h — passwords, session tokens, CSRF tokens and the login lock-out policy.
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

/* The lock-out policy: after `failures` consecutive failed logins (this one included) at `now`,
 * the account is locked until the returned time (unix seconds), or 0 for no lock. Five failures
 * lock for 1 minute, then each further failure doubles it, up to 1 hour. */
int64_t auth_lock_until(int failures, int64_t now);

/* Session lifetime: idle expiry and absolute maximum, in seconds. */
#define AUTH_SESSION_IDLE (30 * 60)
#define AUTH_SESSION_MAX (12 * 60 * 60)

#endif
