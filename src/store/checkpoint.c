/*
 * checkpoint.c — the signing key file and the append-only checkpoint file (see checkpoint.h).
 */
#include "store/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE_MAX 512
#define CHECKPOINT_FILE_MAX (64u * 1024 * 1024)

/* Writes text to a new file of mode 0600 (O_EXCL), fsync'd. */
static enum coop_err write_new_file(const char *path, const char *text, char *msg,
				    size_t msg_size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, msg_size, "impossible de créer « %s » : %s", path,
			 errno == EEXIST ? "le fichier existe déjà (il n'est jamais remplacé)"
					 : strerror(errno));
		return errno == EEXIST ? ERR_CONFLICT : ERR_IO;
	}
	size_t len = strlen(text);
	bool ok = fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		snprintf(msg, msg_size, "écriture de « %s » impossible : %s", path, strerror(errno));
		unlink(path);
		return ERR_IO;
	}
	return COOP_OK;
}

enum coop_err checkpoint_key_create(const char *path, const char *public_path,
				    struct audit_key *k, char *msg, size_t msg_size)
{
	char text[KEY_FILE_MAX];
	audit_key_generate(k);
	audit_key_format(k, true, text, sizeof(text));
	enum coop_err e = write_new_file(path, text, msg, msg_size);
	sodium_memzero(text, sizeof(text));
	if (e != COOP_OK)
		return e;
	audit_key_format(k, false, text, sizeof(text));
	e = write_new_file(public_path, text, msg, msg_size);
	if (e != COOP_OK)
		unlink(path);
	return e;
}

/* Reads a whole small file into a malloc'd NUL-terminated buffer. */
static enum coop_err read_file(const char *path, size_t max, char **out, size_t *len, char *msg,
			       size_t msg_size)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(msg, msg_size, "impossible de lire « %s » : %s", path, strerror(errno));
		return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	}
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	bool bad = ferror(f);
	fclose(f);
	if (!buf) {
		snprintf(msg, msg_size, "mémoire insuffisante");
		return ERR_NOMEM;
	}
	if (bad || n > max) {
		free(buf);
		snprintf(msg, msg_size, "« %s » est illisible ou trop grand", path);
		return bad ? ERR_IO : ERR_TOO_LARGE;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return COOP_OK;
}

enum coop_err checkpoint_key_load(const char *path, struct audit_key *k, char *msg,
				  size_t msg_size)
{
	char *text = NULL;
	size_t len = 0;
	enum coop_err e = read_file(path, KEY_FILE_MAX, &text, &len, msg, msg_size);
	if (e != COOP_OK)
		return e;
	bool ok = strlen(text) == len && audit_key_parse(text, k);
	sodium_memzero(text, len);
	free(text);
	if (!ok) {
		snprintf(msg, msg_size,
			 "« %s » n'est pas une clé du journal d'audit (créez-en une avec "
			 "« coop audit key --out FICHIER »)",
			 path);
		return ERR_INVALID;
	}
	return COOP_OK;
}

enum coop_err checkpoint_read_all(const char *path, struct audit_checkpoint **out, size_t *n,
				  char *msg, size_t msg_size)
{
	char *text = NULL;
	size_t len = 0;
	*out = NULL;
	*n = 0;
	enum coop_err e = read_file(path, CHECKPOINT_FILE_MAX, &text, &len, msg, msg_size);
	if (e == ERR_NOT_FOUND)
		return COOP_OK;
	if (e != COOP_OK)
		return e;
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	struct audit_checkpoint *cps = calloc(lines + 1, sizeof(*cps));
	if (!cps) {
		free(text);
		snprintf(msg, msg_size, "mémoire insuffisante");
		return ERR_NOMEM;
	}
	size_t count = 0, line_no = 0;
	char *p = text;
	while (*p) {
		char *nl = strchr(p, '\n');
		line_no++;
		if (!nl) { /* a last line without its newline: a write cut short */
			snprintf(msg, msg_size, "« %s », ligne %zu : ligne incomplète", path, line_no);
			e = ERR_INVALID;
			break;
		}
		*nl = '\0';
		if (strlen(p) != (size_t)(nl - p) || !audit_checkpoint_parse(p, &cps[count])) {
			snprintf(msg, msg_size,
				 "« %s », ligne %zu : point de contrôle illisible ou signature "
				 "invalide",
				 path, line_no);
			e = ERR_INVALID;
			break;
		}
		count++;
		p = nl + 1;
	}
	free(text);
	if (e != COOP_OK) {
		free(cps);
		return e;
	}
	*out = cps;
	*n = count;
	return COOP_OK;
}

/* Looks for the hash of record `id` while walking the chain. */
struct find_hash {
	int64_t id;
	char hash[AUDIT_HASH_HEX];
	bool found;
};

static void find_visit(void *ctx, int64_t id, const char *hash)
{
	struct find_hash *fh = ctx;
	if (id == fh->id) {
		snprintf(fh->hash, sizeof(fh->hash), "%s", hash);
		fh->found = true;
	}
}

enum coop_err checkpoint_writer_open(struct checkpoint_writer *w, struct db *db,
				     const char *path, const struct audit_key *key, char *msg,
				     size_t msg_size)
{
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->key = key;
	snprintf(w->verified_hash, sizeof(w->verified_hash), "%s", audit_genesis);
	struct audit_checkpoint *cps = NULL;
	size_t n = 0;
	enum coop_err e = checkpoint_read_all(path, &cps, &n, msg, msg_size);
	if (e != COOP_OK)
		return e;
	if (n == 0) {
		free(cps);
		return COOP_OK;
	}
	struct audit_checkpoint last = cps[n - 1];
	free(cps);
	if (memcmp(last.public_key, key->public_key, sizeof(last.public_key)) != 0) {
		snprintf(msg, msg_size,
			 "le dernier point de contrôle de « %s » est signé d'une autre clé que "
			 "celle donnée",
			 path);
		return ERR_CONFLICT;
	}
	/* the chain must still reach the signed hash at the last checkpoint: its own record is
	 * walked again from its predecessor's stored hash, then the records after it. A chain
	 * recomputed after a change, a removal or an insertion before it, and a base cut below
	 * it, are refused here; a record changed in place before it without recomputing the
	 * chain is found by `coop audit verify` (the whole walk), which start-up no longer does:
	 * its cost follows the records since the last checkpoint, not the whole log. */
	char link[AUDIT_HASH_HEX];
	if (last.last_id <= 1 || db_audit_hash_of(db, last.last_id - 1, link) != COOP_OK)
		snprintf(link, sizeof(link), "%s", audit_genesis);
	struct find_hash fh = {.id = last.last_id};
	struct db_audit_walk walk = {.visit = find_visit,
				     .ctx = &fh,
				     .after_id = last.last_id > 0 ? last.last_id - 1 : 0,
				     .after_hash = last.last_id > 1 ? link : NULL};
	int64_t count = 0, bad = 0;
	e = db_audit_verify_from(db, &walk, &count, &bad, NULL, 0);
	if (e == ERR_CONFLICT && bad > last.last_id)
		e = COOP_OK; /* broken after the checkpoint: tick reports it */
	if (e != COOP_OK || !fh.found || strcmp(fh.hash, last.hash) != 0) {
		snprintf(msg, msg_size,
			 "le journal d'audit ne correspond plus au dernier point de contrôle "
			 "(enregistrement n° %lld) : il a été réécrit ou tronqué ; lancez « coop "
			 "audit verify »",
			 (long long)last.last_id);
		return e == ERR_IO ? ERR_IO : ERR_CONFLICT;
	}
	w->verified_id = w->checkpoint_id = last.last_id;
	snprintf(w->verified_hash, sizeof(w->verified_hash), "%s", last.hash);
	w->checkpoint_at = last.at;
	return COOP_OK;
}

/* Appends one line to the checkpoint file (0600 when created) and fsyncs it. */
static enum coop_err append_line(const char *path, const char *line, char *msg, size_t msg_size)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, msg_size, "impossible d'ouvrir « %s » : %s", path, strerror(errno));
		return ERR_IO;
	}
	size_t len = strlen(line);
	bool ok = write(fd, line, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		snprintf(msg, msg_size, "écriture de « %s » impossible : %s", path, strerror(errno));
		return ERR_IO;
	}
	return COOP_OK;
}

enum coop_err checkpoint_writer_tick(struct checkpoint_writer *w, struct db *db, int64_t now,
				     int64_t every_records, int64_t every_seconds, bool force,
				     bool *written, char *msg, size_t msg_size)
{
	*written = false;
	struct db_audit_walk walk = {.after_id = w->verified_id, .after_hash = w->verified_hash};
	int64_t count = 0, bad = 0;
	char head[AUDIT_HASH_HEX];
	enum coop_err e = db_audit_verify_from(db, &walk, &count, &bad, head, sizeof(head));
	if (e == ERR_CONFLICT) {
		snprintf(msg, msg_size,
			 "le journal d'audit est altéré à l'enregistrement n° %lld : aucun point "
			 "de contrôle n'est signé",
			 (long long)bad);
		return e;
	}
	if (e != COOP_OK) {
		snprintf(msg, msg_size, "lecture du journal d'audit impossible (%s)", err_str(e));
		return e;
	}
	w->verified_id += count;
	snprintf(w->verified_hash, sizeof(w->verified_hash), "%s", head);
	int64_t fresh = w->verified_id - w->checkpoint_id;
	if (fresh <= 0)
		return COOP_OK;
	if (!force && fresh < every_records && now - w->checkpoint_at < every_seconds)
		return COOP_OK;
	struct audit_checkpoint cp = {.last_id = w->verified_id, .count = w->verified_id, .at = now};
	snprintf(cp.hash, sizeof(cp.hash), "%s", w->verified_hash);
	char line[AUDIT_CHECKPOINT_LINE];
	audit_checkpoint_sign(w->key, &cp, line, sizeof(line));
	e = append_line(w->path, line, msg, msg_size);
	if (e != COOP_OK)
		return e;
	w->checkpoint_id = cp.last_id;
	w->checkpoint_at = now;
	*written = true;
	return COOP_OK;
}
