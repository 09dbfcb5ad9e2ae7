/*
 * episode_doc.c — a test helper: reads or replaces an episode's stored document in a database
 * file, as someone editing it by hand would, now that the SQLite backend stores documents
 * compressed (store/docblob.h) and the sqlite3 shell's JSON functions no longer read them.
 *
 *   episode_doc DB ID          prints the document of episode ID (a blob decoded, text as is)
 *   episode_doc DB ID --set    replaces it with the document read on standard input, stored
 *                              as the backend stores it (compressed when that is smaller)
 *
 * Used by tests/api/run.mjs to alter recorded answers behind the server's back. Exits 1 with a
 * message on standard error when anything fails.
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

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--set") != 0)) {
		fprintf(stderr, "usage: episode_doc DB ID [--set]\n");
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
