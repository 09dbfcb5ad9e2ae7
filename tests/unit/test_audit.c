/*
 * test_audit.c — the audit chain: the hash of fixed inputs is pinned (computed independently
 * from the format of audit.h), a change to any one column of a stored record is detected by
 * db_audit_verify(), old records (hash version 1) still verify, the signed checkpoint lines
 * hold only with their own key, and the database files are created readable by their owner only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/db.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/coop-audit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/coop.db", f->dir);
	struct db_options opts = {.create = true, .migrate = true};
	char msg[256];
	if (db_open(f->path, &opts, &f->db, msg, sizeof(msg)) != COOP_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];
	db_close(f->db);
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs raw SQL on a second connection: what someone editing the file by hand would do. */
static void tamper(const struct fixture *f, const char *sql)
{
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

static const struct audit_fields fixed = {.hash_version = 2,
					  .id = 1,
					  .at = 1000,
					  .account_id = 7,
					  .structure_id = 3,
					  .action = "create",
					  .entity = "patient",
					  .entity_id = 5,
					  .before_json = NULL,
					  .after_json = "{\"nom\":\"DURAND\"}"};

/* The hashes of fixed inputs, computed outside Coop from the serialisation audit.h describes
 * ("<len>:<bytes>;" for text, "-;" for absent, "<n>;" for numbers). */
static void test_hash_pinned(void **state)
{
	(void)state;
	char out[AUDIT_HASH_HEX];
	struct audit_fields f = fixed;
	assert_true(audit_hash(audit_genesis, &f, out));
	assert_string_equal(out,
			    "5df66a3c91f9ab8a479924064f6bdf7d778c6e181cda36d4a2856aa04c6c2456");
	f.hash_version = 1; /* the records written before the structure was covered */
	assert_true(audit_hash(audit_genesis, &f, out));
	assert_string_equal(out,
			    "c56bbe74114388623b6a1ce3922256b9d7ad05f591e9b094727a8eacb7d6d1e7");
	f.hash_version = 3;
	assert_false(audit_hash(audit_genesis, &f, out));
	assert_string_equal(out, "");
}

/* Every field changes the hash, and absent differs from empty. */
static void test_hash_covers_every_field(void **state)
{
	(void)state;
	char base[AUDIT_HASH_HEX], out[AUDIT_HASH_HEX];
	assert_true(audit_hash(audit_genesis, &fixed, base));
	for (int field = 0; field < 11; field++) {
		struct audit_fields f = fixed;
		const char *prev = audit_genesis;
		switch (field) {
		case 0: f.id = 2; break;
		case 1: f.at = 1001; break;
		case 2: f.account_id = 8; break;
		case 3: f.structure_id = 4; break;
		case 4: f.action = "update"; break;
		case 5: f.entity = "episode"; break;
		case 6: f.entity_id = 6; break;
		case 7: f.before_json = ""; break;
		case 8: f.after_json = "{\"nom\":\"DUPONT\"}"; break;
		case 9: prev = "1111111111111111111111111111111111111111111111111111111111111111"; break;
		default: f.hash_version = 1; break;
		}
		assert_true(audit_hash(prev, &f, out));
		if (strcmp(out, base) == 0)
			fail_msg("field %d is not covered by the hash", field);
	}
}

/* Appends four records in structure 3 and returns nothing; verify holds. */
static void fill(struct fixture *f)
{
	assert_int_equal(db_begin(f->db), COOP_OK);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(db_audit_append_in(f->db, 3, 1000 + i, 7, "update", "patient", 5,
						    "{\"v\":1}", "{\"v\":2}"),
				 COOP_OK);
	assert_int_equal(db_commit(f->db), COOP_OK);
	int64_t count = 0, bad = 0;
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 4);
}

/* A change to any single column of record 2 is detected at record 2 (or, for a changed id,
 * where the sequence breaks). */
static void test_tamper_every_column(void **state)
{
	struct fixture *f = *state;
	fill(f);
	const char *edits[] = {
		"UPDATE audit SET at = at + 1 WHERE id = 2",
		"UPDATE audit SET action = 'read' WHERE id = 2",
		"UPDATE audit SET entity = 'episode' WHERE id = 2",
		"UPDATE audit SET entity_id = 6 WHERE id = 2",
		"UPDATE audit SET before_json = NULL WHERE id = 2",
		"UPDATE audit SET after_json = '{\"v\":3}' WHERE id = 2",
		"UPDATE audit SET account_id = 8 WHERE id = 2",
		"UPDATE audit SET prev_hash = hash WHERE id = 2",
		"UPDATE audit SET hash = prev_hash WHERE id = 2",
		"UPDATE audit SET structure_id = 4 WHERE id = 2",
		"UPDATE audit SET hash_version = 1 WHERE id = 2",
		"UPDATE audit SET id = 20 WHERE id = 2",
		"DELETE FROM audit WHERE id = 2",
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		sqlite3 *raw = NULL;
		assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
		assert_int_equal(sqlite3_exec(raw, "CREATE TABLE saved AS SELECT * FROM audit", NULL,
					      NULL, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_exec(raw, edits[i], NULL, NULL, NULL), SQLITE_OK);
		int64_t count = 0, bad = 0;
		enum coop_err e = db_audit_verify(f->db, &count, &bad, NULL, 0);
		if (e != ERR_CONFLICT)
			fail_msg("not detected: %s", edits[i]);
		assert_true(bad == 2 || bad == 3 || bad == 20);
		assert_int_equal(count, 1);
		assert_int_equal(sqlite3_exec(raw,
					      "DELETE FROM audit; INSERT INTO audit SELECT * FROM "
					      "saved; DROP TABLE saved",
					      NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(raw);
		assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
		assert_int_equal(count, 4);
	}
}

/* Records of hash version 1 (written before the structure was covered) still verify, followed
 * by records of version 2; the walk can start from a trusted point. */
static void test_old_records_and_walk_from(void **state)
{
	struct fixture *f = *state;
	/* a version-1 record as the previous Coop wrote it */
	char h1[AUDIT_HASH_HEX], sql[512];
	struct audit_fields old = fixed;
	old.hash_version = 1;
	assert_true(audit_hash(audit_genesis, &old, h1));
	snprintf(sql, sizeof(sql),
		 "INSERT INTO audit (id, at, account_id, action, entity, entity_id, before_json, "
		 "after_json, prev_hash, hash, structure_id, hash_version) VALUES (1, 1000, 7, "
		 "'create', 'patient', 5, NULL, '{\"nom\":\"DURAND\"}', '%s', '%s', 3, 1)",
		 audit_genesis, h1);
	tamper(f, sql);
	assert_int_equal(db_audit_append_in(f->db, 3, 1001, 7, "read", "patient", 5, NULL, NULL),
			 COOP_OK);
	int64_t count = 0, bad = 0;
	char head[AUDIT_HASH_HEX];
	assert_int_equal(db_audit_verify(f->db, &count, &bad, head, sizeof(head)), COOP_OK);
	assert_int_equal(count, 2);
	/* the structure of a version-1 record is not covered: changing it is not detected */
	tamper(f, "UPDATE audit SET structure_id = 9 WHERE id = 1");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	/* a walk from record 1 checks record 2 only */
	struct db_audit_walk w = {.after_id = 1, .after_hash = h1};
	char head2[AUDIT_HASH_HEX];
	assert_int_equal(db_audit_verify_from(f->db, &w, &count, &bad, head2, sizeof(head2)),
			 COOP_OK);
	assert_int_equal(count, 1);
	assert_string_equal(head, head2);
	/* from a wrong trusted hash, record 2 no longer links */
	w.after_hash = audit_genesis;
	assert_int_equal(db_audit_verify_from(f->db, &w, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 2);
}

/* The answer of one SQL query on a second connection, as text (hex() for blobs). */
static void query(const struct fixture *f, const char *sql, char *out, size_t size)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(s, 0);
	snprintf(out, size, "%s", t ? (const char *)t : "NULL");
	sqlite3_finalize(s);
	sqlite3_close(raw);
}

/* From migration 9 on, a record stores its hash as 32 bytes and no previous hash (it is the
 * previous record's); the old form (64 hex digits each) still verifies, and a wrong previous
 * hash or hash in either form is detected. */
static void test_compact_hashes(void **state)
{
	struct fixture *f = *state;
	fill(f);
	char got[160], sql[256], h1[AUDIT_HASH_HEX];
	query(f, "SELECT typeof(hash) || ' ' || length(hash) || ' ' || quote(prev_hash) FROM audit "
		 "WHERE id = 2",
	      got, sizeof(got));
	assert_string_equal(got, "blob 32 ''");
	query(f, "SELECT lower(hex(hash)) FROM audit WHERE id = 1", h1, sizeof(h1));
	int64_t count = 0, bad = 0;
	/* the old form of the same values: still intact */
	snprintf(sql, sizeof(sql), "UPDATE audit SET prev_hash = '%s' WHERE id = 2", h1);
	tamper(f, sql);
	tamper(f, "UPDATE audit SET hash = lower(hex(hash)) WHERE id = 1");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 4);
	/* a new record after an old-form one links to it */
	assert_int_equal(db_audit_append_in(f->db, 3, 2000, 7, "read", "patient", 5, NULL, NULL),
			 COOP_OK);
	tamper(f, "UPDATE audit SET hash = lower(hex(hash)) WHERE id = 5");
	assert_int_equal(db_audit_append_in(f->db, 3, 2001, 7, "read", "patient", 5, NULL, NULL),
			 COOP_OK);
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 6);
	/* a previous hash that is not the previous record's, in either form, or a hash of
	 * another length */
	const char *edits[] = {
		"UPDATE audit SET prev_hash = lower(hex(zeroblob(32))) WHERE id = 3",
		"UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE id = 2) WHERE id = 3",
		"UPDATE audit SET prev_hash = upper(prev_hash) WHERE id = 2",
		"UPDATE audit SET hash = substr(hash, 1, 31) WHERE id = 3",
		"UPDATE audit SET hash = upper(hash) WHERE id = 5",
		"UPDATE audit SET hash = zeroblob(32) WHERE id = 3",
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		tamper(f, "CREATE TABLE saved AS SELECT * FROM audit");
		tamper(f, edits[i]);
		if (db_audit_verify(f->db, &count, &bad, NULL, 0) != ERR_CONFLICT)
			fail_msg("not detected: %s", edits[i]);
		tamper(f, "DELETE FROM audit; INSERT INTO audit SELECT * FROM saved; "
			  "DROP TABLE saved");
		assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	}
}

static void test_checkpoint_lines(void **state)
{
	(void)state;
	struct audit_key k, other, pub;
	audit_key_generate(&k);
	audit_key_generate(&other);
	char text[AUDIT_KEY_SECRET_HEX + 64];
	/* the key files round-trip; the public one carries no secret */
	audit_key_format(&k, true, text, sizeof(text));
	struct audit_key back;
	assert_true(audit_key_parse(text, &back));
	assert_true(back.has_secret);
	assert_memory_equal(back.public_key, k.public_key, sizeof(k.public_key));
	audit_key_format(&k, false, text, sizeof(text));
	assert_null(strstr(text, "coop-audit-key-v1"));
	assert_true(audit_key_parse(text, &pub));
	assert_false(pub.has_secret);
	assert_memory_equal(pub.public_key, k.public_key, sizeof(k.public_key));
	assert_false(audit_key_parse("coop-audit-public-key-v1 00", &pub));
	assert_false(audit_key_parse("autre chose", &pub));

	struct audit_checkpoint cp = {.last_id = 42, .count = 42, .at = 1790000000};
	snprintf(cp.hash, sizeof(cp.hash), "%s", audit_genesis);
	cp.hash[0] = 'a';
	char line[AUDIT_CHECKPOINT_LINE];
	audit_checkpoint_sign(&k, &cp, line, sizeof(line));
	struct audit_checkpoint got;
	assert_true(audit_checkpoint_parse(line, &got));
	assert_int_equal(got.last_id, 42);
	assert_int_equal(got.count, 42);
	assert_int_equal(got.at, 1790000000);
	assert_string_equal(got.hash, cp.hash);
	assert_memory_equal(got.public_key, k.public_key, sizeof(k.public_key));
	/* any changed character breaks the signature or the format */
	size_t len = strlen(line) - 1; /* not the newline */
	for (size_t i = 0; i < len; i++) {
		char bad[AUDIT_CHECKPOINT_LINE];
		memcpy(bad, line, sizeof(bad));
		bad[i] = bad[i] == '1' ? '2' : '1';
		if (audit_checkpoint_parse(bad, &got))
			fail_msg("changed character %zu still verifies", i);
	}
	/* re-signed with another key: the line holds, but names the other key */
	audit_checkpoint_sign(&other, &cp, line, sizeof(line));
	assert_true(audit_checkpoint_parse(line, &got));
	assert_memory_not_equal(got.public_key, k.public_key, sizeof(k.public_key));
}

/* The database and its -wal and -shm files are readable and writable by their owner only. */
static void test_files_owner_only(void **state)
{
	struct fixture *f = *state;
	fill(f); /* writes: the -wal and -shm exist */
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char p[160];
		struct stat st;
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		assert_int_equal(stat(p, &st), 0);
		if ((st.st_mode & 0777) != 0600)
			fail_msg("%s has mode %o", p, (unsigned)(st.st_mode & 0777));
	}
}

int main(void)
{
	umask(022); /* the usual umask: the files must be 0600 whatever it is */
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_pinned),
		cmocka_unit_test(test_hash_covers_every_field),
		cmocka_unit_test_setup_teardown(test_tamper_every_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_records_and_walk_from, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compact_hashes, setup, teardown),
		cmocka_unit_test(test_checkpoint_lines),
		cmocka_unit_test_setup_teardown(test_files_owner_only, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
