/*
 * episode_doc.c — a test helper: reads or replaces an episode's stored document in a database
 * file, as someone editing it by hand would, now that the SQLite backend stores documents
 * compressed (store/docblob.h) and the sqlite3 shell's JSON functions no longer read them.
 *
 *   episode_doc DB ID          prints the document of episode ID (a blob decoded, text as is)
 *   episode_doc DB ID --set    replaces it with the document read on standard input, stored
 *                              as the backend stores it (compressed when that is smaller)
 *
 *   episode_doc DB --audit-text
 *                              rewrites every audit record's before_json and after_json
 *                              stored compressed (db_sqlite.c: texts of 128 bytes or more) as
 *                              their text, which the backend reads as well: after it, the
 *                              sqlite3 shell reads every record's JSON (tests/cli/rechain.mjs)
 *
 * Used by tests/api/run.mjs to alter recorded answers behind the server's back, and by the
 * CLI tests before rewriting the audit chain. Exits 1 with a message on standard error when
 * anything fails.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/docblob.h"

static int get(sqlite3 *conn, sqlite3_int64 id)
{
	int status = 1;
	struct arena a;
	arena_init(&a, 0);
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(conn, "SELECT data FROM episodes WHERE id = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "episode_doc: no episode %lld\n", (long long)id);
		goto out;
	}
	const char *text = NULL;
	size_t len = 0;
	if (sqlite3_column_type(s, 0) == SQLITE_BLOB) {
		if (docblob_decode(sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0),
				   &a, &text, &len) != COOP_OK) {
			fprintf(stderr, "episode_doc: the stored document does not decode\n");
			goto out;
		}
	} else {
		text = (const char *)sqlite3_column_text(s, 0);
		len = (size_t)sqlite3_column_bytes(s, 0);
	}
	if (text && fwrite(text, 1, len, stdout) == len && putchar('\n') != EOF)
		status = 0;
out:
	sqlite3_finalize(s);
	arena_free(&a);
	return status;
}

static int set(sqlite3 *conn, sqlite3_int64 id)
{
	int status = 1;
	char *text = NULL;
	size_t len = 0, cap = 0;
	unsigned char *blob = NULL;
	size_t n = 0;
	sqlite3_stmt *s = NULL;
	int c;
	while ((c = getchar()) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			char *grown = realloc(text, cap);
			if (!grown)
				goto out;
			text = grown;
		}
		text[len++] = (char)c;
	}
	if (!text)
		goto out;
	text[len] = '\0';
	if (docblob_encode(text, len, &blob, &n) != COOP_OK)
		goto out;
	if (sqlite3_prepare_v2(conn, "UPDATE episodes SET data = ?2 WHERE id = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	if (blob)
		sqlite3_bind_blob(s, 2, blob, (int)n, SQLITE_STATIC);
	else
		sqlite3_bind_text(s, 2, text, (int)len, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(conn) == 1)
		status = 0;
out:
	if (status)
		fprintf(stderr, "episode_doc: the document of episode %lld was not replaced\n",
			(long long)id);
	sqlite3_finalize(s);
	free(blob);
	free(text);
	return status;
}

/* Binds column i of row r as the text it holds: a blob decoded into the arena, anything else
 * as it is. False when a blob does not decode (or memory runs out). */
static int bind_as_text(sqlite3_stmt *u, int param, sqlite3_stmt *r, int i, struct arena *a)
{
	if (sqlite3_column_type(r, i) != SQLITE_BLOB)
		return sqlite3_bind_value(u, param, sqlite3_column_value(r, i)) == SQLITE_OK;
	const char *text = NULL;
	size_t len = 0;
	if (docblob_decode(sqlite3_column_blob(r, i), (size_t)sqlite3_column_bytes(r, i), a, &text,
			   &len) != COOP_OK)
		return 0;
	return sqlite3_bind_text(u, param, text, (int)len, SQLITE_TRANSIENT) == SQLITE_OK;
}

static int audit_text(sqlite3 *conn)
{
	int status = 1;
	struct arena a;
	arena_init(&a, 0);
	sqlite3_stmt *r = NULL, *u = NULL;
	sqlite3_int64 id = 0;
	if (sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	/* one record at a time, by id: the table is not updated under a running scan */
	if (sqlite3_prepare_v2(conn,
			       "SELECT id, before_json, after_json FROM audit WHERE id > ?1 AND "
			       "(typeof(before_json) = 'blob' OR typeof(after_json) = 'blob') "
			       "ORDER BY id LIMIT 1",
			       -1, &r, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(conn,
			       "UPDATE audit SET before_json = ?2, after_json = ?3 WHERE id = ?1",
			       -1, &u, NULL) != SQLITE_OK)
		goto out;
	for (;;) {
		sqlite3_bind_int64(r, 1, id);
		int rc = sqlite3_step(r);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW)
			goto out;
		id = sqlite3_column_int64(r, 0);
		sqlite3_bind_int64(u, 1, id);
		if (!bind_as_text(u, 2, r, 1, &a) || !bind_as_text(u, 3, r, 2, &a)) {
			fprintf(stderr, "episode_doc: audit record %lld does not decode\n",
				(long long)id);
			goto out;
		}
		if (sqlite3_step(u) != SQLITE_DONE)
			goto out;
		sqlite3_reset(u);
		sqlite3_reset(r);
		arena_free(&a);
		arena_init(&a, 0);
	}
	if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		status = 0;
out:
	if (status) {
		sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
		fprintf(stderr, "episode_doc: the audit records were not rewritten as text\n");
	}
	sqlite3_finalize(r);
	sqlite3_finalize(u);
	arena_free(&a);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[2], "--audit-text") == 0) {
		sqlite3 *conn = NULL;
		int status = 1;
		if (sqlite3_open_v2(argv[1], &conn, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
			fprintf(stderr, "episode_doc: cannot open %s\n", argv[1]);
		} else {
			sqlite3_busy_timeout(conn, 5000);
			status = audit_text(conn);
		}
		sqlite3_close(conn);
		return status;
	}
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--set") != 0)) {
		fprintf(stderr, "usage: episode_doc DB ID [--set] | episode_doc DB --audit-text\n");
		return 2;
	}
	char *end = NULL;
	long long id = strtoll(argv[2], &end, 10);
	if (!*argv[2] || *end) {
		fprintf(stderr, "episode_doc: not an id: %s\n", argv[2]);
		return 2;
	}
	sqlite3 *conn = NULL;
	if (sqlite3_open_v2(argv[1], &conn, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "episode_doc: cannot open %s\n", argv[1]);
		sqlite3_close(conn);
		return 1;
	}
	sqlite3_busy_timeout(conn, 5000);
	int status = argc == 4 ? set(conn, id) : get(conn, id);
	sqlite3_close(conn);
	return status;
}
