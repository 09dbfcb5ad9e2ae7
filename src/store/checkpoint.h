/*
 * checkpoint.h — the files that anchor the audit chain outside the database: the signing key
 * and the append-only checkpoint file (line format and guarantees in audit.h).
 *
 * Every file made here is created readable and writable by its owner only (0600). Messages are
 * French, for the command line.
 */
#ifndef COOP_STORE_CHECKPOINT_H
#define COOP_STORE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "store/audit.h"
#include "store/db.h"

/* Creates a new key pair: the secret key in path (which must not exist yet) and the public key
 * in public_path. ERR_CONFLICT when a file exists, ERR_IO otherwise; message in msg. */
enum coop_err checkpoint_key_create(const char *path, const char *public_path,
				    struct audit_key *k, char *msg, size_t msg_size);

/* Reads a key file (secret or public). ERR_NOT_FOUND, ERR_INVALID or ERR_IO; message in msg. */
enum coop_err checkpoint_key_load(const char *path, struct audit_key *k, char *msg,
				  size_t msg_size);

/* The checkpoints of a file, in file order. A missing file has none. ERR_INVALID (msg names the
 * line) when a line is malformed or its signature does not hold; ERR_NOMEM, ERR_IO. *out is
 * malloc'd (free it). */
enum coop_err checkpoint_read_all(const char *path, struct audit_checkpoint **out, size_t *n,
				  char *msg, size_t msg_size);

/* What a writer knows: the chain verified up to `id` (hash `hash`), the last checkpoint. */
struct checkpoint_writer {
	const char *path;
	const struct audit_key *key;
	int64_t verified_id;
	char verified_hash[AUDIT_HASH_HEX];
	int64_t checkpoint_id; /* last id signed (0: none yet) */
	int64_t checkpoint_at;
};

/* Starts a writer on path: its state is the file's last checkpoint, which must be signed by
 * key's public key and still match the database's chain (else ERR_CONFLICT: the chain was
 * rewritten or cut since). Only the checkpoint's own record (from its predecessor's stored
 * hash) and the records after it are walked: a record changed in place before it, the chain
 * not recomputed, is left to db_audit_verify (`coop audit verify`). */
enum coop_err checkpoint_writer_open(struct checkpoint_writer *w, struct db *db,
				     const char *path, const struct audit_key *key, char *msg,
				     size_t msg_size);

/* Verifies the records written since the last call (ERR_CONFLICT when one does not hold: then
 * nothing is signed) and, when `force` or at least every_records new records or every_seconds
 * since the last checkpoint with something new, appends a signed checkpoint of the head at
 * `now` (fsync'd). *written says whether one was. */
enum coop_err checkpoint_writer_tick(struct checkpoint_writer *w, struct db *db, int64_t now,
				     int64_t every_records, int64_t every_seconds, bool force,
				     bool *written, char *msg, size_t msg_size);

#endif
