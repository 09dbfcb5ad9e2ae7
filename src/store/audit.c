/*
 * audit.c — the chain hash of audit records and the checkpoint signatures (see audit.h for
 * what they guarantee and what they do not).
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char audit_genesis[AUDIT_HASH_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

#define CHECKPOINT_TAG "coop-checkpoint-v1"
#define KEY_SECRET_TAG "coop-audit-key-v1"
#define KEY_PUBLIC_TAG "coop-audit-public-key-v1"

/* The hash's input is fed through a buffer: the short fields of a record go to SHA-256 in one
 * update instead of one per piece (verify walks millions of records). */
struct feeder {
	crypto_hash_sha256_state st;
	size_t used;
	unsigned char buf[512];
};

static void feed_bytes(struct feeder *fd, const void *p, size_t len)
{
	if (len > sizeof(fd->buf) - fd->used) {
		crypto_hash_sha256_update(&fd->st, fd->buf, fd->used);
		fd->used = 0;
		if (len > sizeof(fd->buf)) {
			crypto_hash_sha256_update(&fd->st, p, len);
			return;
		}
	}
	memcpy(fd->buf + fd->used, p, len);
	fd->used += len;
}

/* Writes v in decimal (a '-' first when negative) followed by `end`; returns the length. */
static size_t format_int(char *out, long long v, char end)
{
	char tmp[24];
	size_t n = 0, k = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	out[k++] = end;
	return k;
}

/* Feeds one text field as "<length>:<bytes>;" or "-;" when absent. */
static void feed_text(struct feeder *fd, const char *s)
{
	char head[32];
	if (!s) {
		feed_bytes(fd, "-;", 2);
		return;
	}
	size_t len = strlen(s);
	feed_bytes(fd, head, format_int(head, (long long)len, ':'));
	feed_bytes(fd, s, len);
	feed_bytes(fd, ";", 1);
}

/* Feeds one integer as "<decimal>;". */
static void feed_int(struct feeder *fd, int64_t v)
{
	char buf[32];
	feed_bytes(fd, buf, format_int(buf, (long long)v, ';'));
}

bool audit_hash(const char *prev_hash, const struct audit_fields *f, char out[AUDIT_HASH_HEX])
{
	static const char hex[] = "0123456789abcdef";
	struct feeder fd;
	unsigned char digest[crypto_hash_sha256_BYTES];
	out[0] = '\0';
	if (f->hash_version != 1 && f->hash_version != 2)
		return false;
	crypto_hash_sha256_init(&fd.st);
	fd.used = 0;
	feed_text(&fd, f->hash_version == 1 ? "coop-audit-v1" : "coop-audit-v2");
	feed_text(&fd, prev_hash);
	feed_int(&fd, f->id);
	feed_int(&fd, f->at);
	feed_int(&fd, f->account_id);
	if (f->hash_version >= 2)
		feed_int(&fd, f->structure_id);
	feed_text(&fd, f->action);
	feed_text(&fd, f->entity);
	feed_int(&fd, f->entity_id);
	feed_text(&fd, f->before_json);
	feed_text(&fd, f->after_json);
	crypto_hash_sha256_update(&fd.st, fd.buf, fd.used);
	crypto_hash_sha256_final(&fd.st, digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * sizeof(digest)] = '\0';
	return true;
}

/* ------------------------------------------------------------------ checkpoints */

void audit_key_generate(struct audit_key *k)
{
	crypto_sign_keypair(k->public_key, k->secret_key);
	k->has_secret = true;
}

void audit_key_format(const struct audit_key *k, bool secret, char *out, size_t size)
{
	char hex[AUDIT_KEY_SECRET_HEX];
	if (secret && k->has_secret) {
		sodium_bin2hex(hex, sizeof(hex), k->secret_key, sizeof(k->secret_key));
		snprintf(out, size, "%s %s\n", KEY_SECRET_TAG, hex);
	} else {
		sodium_bin2hex(hex, sizeof(hex), k->public_key, sizeof(k->public_key));
		snprintf(out, size, "%s %s\n", KEY_PUBLIC_TAG, hex);
	}
	sodium_memzero(hex, sizeof(hex));
}

/* Decodes exactly `bytes` bytes of lowercase or uppercase hex ending the text (a final newline
 * allowed). */
static bool hex_exact(const char *hex, unsigned char *bin, size_t bytes)
{
	size_t len = strlen(hex);
	while (len > 0 && (hex[len - 1] == '\n' || hex[len - 1] == '\r'))
		len--;
	size_t got = 0;
	const char *end = NULL;
	if (len != 2 * bytes)
		return false;
	if (sodium_hex2bin(bin, bytes, hex, len, NULL, &got, &end) != 0 || got != bytes)
		return false;
	return true;
}

bool audit_key_parse(const char *text, struct audit_key *k)
{
	memset(k, 0, sizeof(*k));
	size_t st = strlen(KEY_SECRET_TAG), pt = strlen(KEY_PUBLIC_TAG);
	if (strncmp(text, KEY_SECRET_TAG " ", st + 1) == 0) {
		if (!hex_exact(text + st + 1, k->secret_key, sizeof(k->secret_key)))
			return false;
		/* the secret key's second half is its public key; check it derives */
		unsigned char derived[crypto_sign_PUBLICKEYBYTES];
		crypto_sign_ed25519_sk_to_pk(derived, k->secret_key);
		memcpy(k->public_key, derived, sizeof(derived));
		k->has_secret = true;
		return true;
	}
	if (strncmp(text, KEY_PUBLIC_TAG " ", pt + 1) == 0)
		return hex_exact(text + pt + 1, k->public_key, sizeof(k->public_key));
	return false;
}

/* The signed part of a checkpoint line (no signature, no newline). */
static int checkpoint_message(const struct audit_checkpoint *cp, char *out, size_t size)
{
	char pk[AUDIT_KEY_PUBLIC_HEX];
	sodium_bin2hex(pk, sizeof(pk), cp->public_key, sizeof(cp->public_key));
	return snprintf(out, size, "%s %" PRId64 " %s %" PRId64 " %" PRId64 " %s", CHECKPOINT_TAG,
			cp->last_id, cp->hash, cp->count, cp->at, pk);
}

void audit_checkpoint_sign(const struct audit_key *k, struct audit_checkpoint *cp, char *line,
			   size_t size)
{
	char msg[AUDIT_CHECKPOINT_LINE];
	unsigned char sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1];
	memcpy(cp->public_key, k->public_key, sizeof(cp->public_key));
	int n = checkpoint_message(cp, msg, sizeof(msg));
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, (unsigned long long)n,
			     k->secret_key);
	sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
	snprintf(line, size, "%s %s\n", msg, sig_hex);
}

/* Reads a decimal int64 >= 0 at *p up to the next space; advances past the space. */
static bool read_int(const char **p, int64_t *out)
{
	int64_t v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (*s != ' ')
		return false;
	*out = v;
	*p = s + 1;
	return true;
}

/* Reads exactly `len` characters of lowercase hex followed by `stop`; advances past it. */
static bool read_hex(const char **p, size_t len, char stop, char *out)
{
	const char *s = *p;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
		out[i] = ch;
	}
	out[len] = '\0';
	if (s[len] != stop)
		return false;
	*p = s + len + (stop ? 1 : 0);
	return true;
}

bool audit_checkpoint_parse(const char *line, struct audit_checkpoint *cp)
{
	char pk_hex[AUDIT_KEY_PUBLIC_HEX], sig_hex[2 * crypto_sign_BYTES + 1];
	unsigned char sig[crypto_sign_BYTES];
	char msg[AUDIT_CHECKPOINT_LINE];
	memset(cp, 0, sizeof(*cp));
	size_t tag = strlen(CHECKPOINT_TAG);
	size_t len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= AUDIT_CHECKPOINT_LINE || strncmp(line, CHECKPOINT_TAG " ", tag + 1) != 0)
		return false;
	char copy[AUDIT_CHECKPOINT_LINE];
	memcpy(copy, line, len);
	copy[len] = '\0';
	const char *p = copy + tag + 1;
	if (!read_int(&p, &cp->last_id) || !read_hex(&p, AUDIT_HASH_HEX - 1, ' ', cp->hash) ||
	    !read_int(&p, &cp->count) || !read_int(&p, &cp->at) ||
	    !read_hex(&p, sizeof(pk_hex) - 1, ' ', pk_hex) ||
	    !read_hex(&p, sizeof(sig_hex) - 1, '\0', sig_hex))
		return false;
	if (!hex_exact(pk_hex, cp->public_key, sizeof(cp->public_key)) ||
	    !hex_exact(sig_hex, sig, sizeof(sig)))
		return false;
	int n = checkpoint_message(cp, msg, sizeof(msg));
	/* the message re-formatted must be the line's own: no other spelling of the numbers */
	if (n < 0 || (size_t)n + 1 + sizeof(sig_hex) - 1 != len || memcmp(msg, copy, (size_t)n) != 0)
		return false;
	return crypto_sign_verify_detached(sig, (const unsigned char *)msg, (unsigned long long)n,
					   cp->public_key) == 0;
}
