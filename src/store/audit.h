/*
 * audit.h — the chain hash of audit records and the signed checkpoints that anchor it.
 *
 * Each audit record's hash is SHA-256 over the previous record's hash and every field of the
 * record, each written with its length first so that no two different records serialise alike.
 * Changing, removing, inserting or reordering a record therefore breaks the chain from that
 * point, which db_audit_verify() reports. The hash format is versioned: version 1 (records
 * written before schema migration 6 of the audit) leaves the structure out, version 2 covers it;
 * each record stores its version, so old records still verify. How the hashes are stored does
 * not change what they are: records written before schema migration 9 keep prev_hash and hash
 * as 64 hex digits; later ones keep hash as its 32 bytes and prev_hash empty (always the
 * previous record's hash, which the verifier computes; the record's hash covers it). What the
 * before/after fields of a change hold from migration 9 on (the difference, not whole
 * documents) is described in jsondiff.h.
 *
 * The chain alone does not stop someone who can write the database from rewriting it whole
 * (change a record, recompute every hash after it) or cutting its end. A checkpoint is a line
 * "coop-checkpoint-v1 LAST_ID HASH COUNT AT PUBLIC_KEY SIGNATURE": the chain's last record id
 * and hash, the number of records, the time, all signed with an Ed25519 key kept outside the
 * database (libsodium). Checkpoints are appended to a file of their own; a verifier holding the
 * public key then detects a rewrite or a deletion of any record up to the last checkpoint, and
 * a truncation below it. Pure (libsodium), no I/O.
 */
#ifndef COOP_STORE_AUDIT_H
#define COOP_STORE_AUDIT_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_HASH_HEX 65 /* 64 hex digits and a NUL */
#define AUDIT_HASH_VERSION 2 /* the version new records are written with */

/* The hash of the chain's first link's predecessor. */
extern const char audit_genesis[AUDIT_HASH_HEX];

/* The fields of one record the hash covers (strings borrowed; NULL = absent, distinct from
 * empty). structure_id is covered from hash_version 2 on. */
struct audit_fields {
	int hash_version; /* 1 or 2 */
	int64_t id;
	int64_t at;
	int64_t account_id;
	int64_t structure_id;
	const char *action;
	const char *entity;
	int64_t entity_id;
	const char *before_json;
	const char *after_json;
};

/* Computes the record's hash into out (lowercase hex). False (out emptied) for an unknown
 * hash_version. */
bool audit_hash(const char *prev_hash, const struct audit_fields *f, char out[AUDIT_HASH_HEX]);

/* ------------------------------------------------------------------ checkpoints */

#define AUDIT_KEY_PUBLIC_HEX (2 * crypto_sign_PUBLICKEYBYTES + 1)
#define AUDIT_KEY_SECRET_HEX (2 * crypto_sign_SECRETKEYBYTES + 1)
#define AUDIT_CHECKPOINT_LINE 400 /* a formatted line, its newline and NUL fit */

struct audit_key {
	unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
	unsigned char secret_key[crypto_sign_SECRETKEYBYTES]; /* zeroes when only public */
	bool has_secret;
};

/* One checkpoint: after the record last_id (hash `hash`), the chain held `count` records. */
struct audit_checkpoint {
	int64_t last_id;
	char hash[AUDIT_HASH_HEX];
	int64_t count;
	int64_t at; /* unix seconds, when it was signed */
	unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
};

/* A new random key pair (sodium_init() must have run). */
void audit_key_generate(struct audit_key *k);

/* The key files: "coop-audit-key-v1 SECRET_HEX\n" (the secret key holds the public one) and
 * "coop-audit-public-key-v1 PUBLIC_HEX\n". audit_key_format writes the secret form when
 * `secret`, else the public one; audit_key_parse reads either (false when malformed). */
void audit_key_format(const struct audit_key *k, bool secret, char *out, size_t size);
bool audit_key_parse(const char *text, struct audit_key *k);

/* Signs cp with k (cp->public_key set from k) and writes its line, newline included. */
void audit_checkpoint_sign(const struct audit_key *k, struct audit_checkpoint *cp, char *line,
			   size_t size);

/* Parses one line (without or with its newline) and checks its signature against the public
 * key it carries. False when malformed or the signature does not hold; the caller compares
 * cp->public_key with the key it trusts. */
bool audit_checkpoint_parse(const char *line, struct audit_checkpoint *cp);

#endif
