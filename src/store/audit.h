/*
 * audit.h — the chain hash of audit records.
 *
 * Each audit record's hash is SHA-256 over the previous record's hash and every field of the
 * record, each written with its length first so that no two different records serialise alike.
 * Changing, removing, inserting or reordering a record therefore breaks the chain from that
 * point, which db_audit_verify() reports. Pure (libsodium's SHA-256), no I/O.
 */
#ifndef COOP_STORE_AUDIT_H
#define COOP_STORE_AUDIT_H

#include <stdint.h>

#define AUDIT_HASH_HEX 65 /* 64 hex digits and a NUL */

/* The hash of the chain's first link's predecessor. */
extern const char audit_genesis[AUDIT_HASH_HEX];

/* Computes the record's hash into out (lowercase hex). NULL strings hash as absent, distinct
 * from empty strings. */
void audit_hash(const char *prev_hash, int64_t id, int64_t at, int64_t account_id,
		const char *action, const char *entity, int64_t entity_id, const char *before_json,
		const char *after_json, char out[AUDIT_HASH_HEX]);

#endif
