/*
 * audit.c — the chain hash of audit records (see audit.h for what it guarantees).
 */
#include "store/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char audit_genesis[AUDIT_HASH_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* Feeds one text field as "<length>:<bytes>;" or "-;" when absent. */
static void feed_text(crypto_hash_sha256_state *st, const char *s)
{
	char head[32];
	if (!s) {
		crypto_hash_sha256_update(st, (const unsigned char *)"-;", 2);
		return;
	}
	size_t len = strlen(s);
	int n = snprintf(head, sizeof(head), "%zu:", len);
	crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)n);
	crypto_hash_sha256_update(st, (const unsigned char *)s, len);
	crypto_hash_sha256_update(st, (const unsigned char *)";", 1);
}

static void feed_int(crypto_hash_sha256_state *st, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld;", (long long)v);
	crypto_hash_sha256_update(st, (const unsigned char *)buf, (unsigned long long)n);
}

void audit_hash(const char *prev_hash, int64_t id, int64_t at, int64_t account_id,
		const char *action, const char *entity, int64_t entity_id, const char *before_json,
		const char *after_json, char out[AUDIT_HASH_HEX])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	feed_text(&st, "coop-audit-v1");
	feed_text(&st, prev_hash);
	feed_int(&st, id);
	feed_int(&st, at);
	feed_int(&st, account_id);
	feed_text(&st, action);
	feed_text(&st, entity);
	feed_int(&st, entity_id);
	feed_text(&st, before_json);
	feed_text(&st, after_json);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, AUDIT_HASH_HEX, digest, sizeof(digest));
}
