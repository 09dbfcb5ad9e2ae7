/*
 * test_store_accounts.c — accounts that belong to people, in the SQLite backend: the
 * professional of an account or a membership is always one of that structure's (checked in
 * SQL too), one account per professional per structure, an account with no stored role only
 * when bound to a professional, activation codes (found by hash, dead once used, a reset
 * erasing the password), disabled accounts and sessions ended at once, and the upgrade of a
 * database of schema 5 (accounts and memberships rebuilt, every row and reference kept).
 * Each test works in a fresh database file in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/schema_sqlite.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena arena;
};

static int make_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/coop-accounts-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/coop.db", f->dir);
	arena_init(&f->arena, 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	if (make_dir(state) != 0)
		return -1;
	struct fixture *f = *state;
	struct db_options opts = {.create = true, .migrate = true};
	char msg[256];
	return db_open(f->path, &opts, &f->db, msg, sizeof(msg)) == COOP_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];
	db_close(f->db);
	arena_free(&f->arena);
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t add_structure(struct fixture *f, const char *name)
{
	struct db_structure s = {.type = "MSP", .name = name, .address = "", .aci_signatory = false};
	int64_t id = 0;
	assert_int_equal(db_structure_insert(f->db, &s, &id), COOP_OK);
	return id;
}

static int64_t add_professional(struct fixture *f, int64_t structure)
{
	struct db_professional p = {.structure_id = structure, .last_name = "Martin",
				    .first_names = "Claire", .profession = "infirmier"};
	int64_t id = 0;
	assert_int_equal(db_professional_insert(f->db, &p, &id), COOP_OK);
	return id;
}

static int64_t add_account(struct fixture *f, int64_t structure, int64_t professional,
			   const char *login, unsigned roles, enum coop_err want)
{
	struct db_account a = {.structure_id = structure, .professional_id = professional,
			       .login = login, .display_name = login, .password_hash = "h",
			       .roles = roles};
	int64_t id = 0;
	assert_int_equal(db_account_insert(f->db, &a, &id), want);
	return id;
}

static void test_professional_of_the_structure(void **state)
{
	struct fixture *f = *state;
	int64_t msp = add_structure(f, "MSP"), cpts = add_structure(f, "CPTS");
	int64_t nurse = add_professional(f, msp), other = add_professional(f, cpts);
	/* another structure's professional: no account, no membership */
	add_account(f, msp, other, "intrus", DB_ROLE_SECRETARY, ERR_CONFLICT);
	/* no stored role: only with a professional */
	add_account(f, msp, 0, "personne", 0, ERR_CONFLICT);
	int64_t claire = add_account(f, msp, nurse, "claire", 0, COOP_OK);
	int64_t sec = add_account(f, msp, 0, "accueil", DB_ROLE_SECRETARY, COOP_OK);
	bool taken = false;
	assert_int_equal(db_account_professional_taken(f->db, msp, nurse, &taken), COOP_OK);
	assert_true(taken);
	assert_int_equal(db_account_professional_taken(f->db, cpts, other, &taken), COOP_OK);
	assert_false(taken);
	struct db_membership m = {.account_id = sec, .structure_id = cpts, .professional_id = nurse,
				  .roles = DB_ROLE_SECRETARY};
	assert_int_equal(db_membership_insert(f->db, &m, NULL), ERR_CONFLICT);
	m.professional_id = other;
	m.roles = 0;
	assert_int_equal(db_membership_insert(f->db, &m, NULL), COOP_OK);
	/* the membership counts: that professional has an account in the CPTS now */
	assert_int_equal(db_account_professional_taken(f->db, cpts, other, &taken), COOP_OK);
	assert_true(taken);
	struct db_account got;
	assert_int_equal(db_account_get(f->db, claire, &f->arena, &got), COOP_OK);
	assert_int_equal(got.roles, 0);
	assert_int_equal(got.professional_id, nurse);
}

static void test_activation_codes(void **state)
{
	struct fixture *f = *state;
	int64_t msp = add_structure(f, "MSP");
	struct db_account a = {.structure_id = msp, .login = "lea", .display_name = "Léa",
			       .roles = DB_ROLE_SECRETARY, .activation_hash = "code-1",
			       .activation_expires_at = 5000};
	int64_t id = 0;
	assert_int_equal(db_account_insert(f->db, &a, &id), COOP_OK);
	struct db_account got;
	assert_int_equal(db_account_by_activation(f->db, "code-1", &f->arena, &got), COOP_OK);
	assert_int_equal(got.id, id);
	assert_null(got.password_hash);
	assert_int_equal(got.activation_expires_at, 5000);
	assert_int_equal(db_account_activate(f->db, id, "hash-1"), COOP_OK);
	/* the code died with its use */
	assert_int_equal(db_account_by_activation(f->db, "code-1", &f->arena, &got), ERR_NOT_FOUND);
	assert_int_equal(db_account_get(f->db, id, &f->arena, &got), COOP_OK);
	assert_string_equal(got.password_hash, "hash-1");
	assert_int_equal(got.activation_expires_at, 0);
	/* a reset: a new code, the password erased */
	assert_int_equal(db_account_set_activation(f->db, id, "code-2", 9000), COOP_OK);
	assert_int_equal(db_account_get(f->db, id, &f->arena, &got), COOP_OK);
	assert_null(got.password_hash);
	assert_int_equal(db_account_by_activation(f->db, "code-2", &f->arena, &got), COOP_OK);
	assert_int_equal(db_account_set_password(f->db, id, "hash-2"), COOP_OK);
	/* the end date, set and cleared */
	coop_date d = 0;
	assert_true(date_parse("2026-12-31", 10, &d));
	assert_int_equal(db_account_set_ends_on(f->db, id, true, d), COOP_OK);
	assert_int_equal(db_account_get(f->db, id, &f->arena, &got), COOP_OK);
	assert_true(got.has_ends_on);
	assert_int_equal(got.ends_on, d);
	assert_int_equal(db_account_set_ends_on(f->db, id, false, 0), COOP_OK);
	assert_int_equal(db_account_get(f->db, id, &f->arena, &got), COOP_OK);
	assert_false(got.has_ends_on);
	assert_int_equal(db_account_set_ends_on(f->db, 999, false, 0), ERR_NOT_FOUND);
}

static void add_session(struct fixture *f, const char *token, int64_t account)
{
	struct db_session s = {.token_hash = token, .account_id = account, .csrf_token = "c",
			       .created_at = 1, .expires_at = 100000, .last_seen = 1};
	assert_int_equal(db_session_insert(f->db, &s), COOP_OK);
}

static void test_sessions_end(void **state)
{
	struct fixture *f = *state;
	int64_t msp = add_structure(f, "MSP");
	int64_t id = add_account(f, msp, 0, "accueil", DB_ROLE_SECRETARY, COOP_OK);
	int64_t other = add_account(f, msp, 0, "accueil2", DB_ROLE_SECRETARY, COOP_OK);
	add_session(f, "s1", id);
	add_session(f, "s2", id);
	add_session(f, "s3", id);
	add_session(f, "t1", other);
	struct db_session s;
	/* all but the one that asked */
	assert_int_equal(db_session_delete_account(f->db, id, "s2"), COOP_OK);
	assert_int_equal(db_session_get(f->db, "s1", &f->arena, &s), ERR_NOT_FOUND);
	assert_int_equal(db_session_get(f->db, "s2", &f->arena, &s), COOP_OK);
	assert_int_equal(db_session_get(f->db, "s3", &f->arena, &s), ERR_NOT_FOUND);
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &s), COOP_OK);
	/* a disabled account's session no longer opens anything, even if it was left behind */
	assert_int_equal(db_account_set_disabled(f->db, id, true), COOP_OK);
	assert_int_equal(db_session_get(f->db, "s2", &f->arena, &s), ERR_NOT_FOUND);
	assert_int_equal(db_account_set_disabled(f->db, id, false), COOP_OK);
	assert_int_equal(db_session_get(f->db, "s2", &f->arena, &s), COOP_OK);
	/* nor one of an account whose password was erased by a reset */
	assert_int_equal(db_account_set_activation(f->db, id, "code", 10), COOP_OK);
	assert_int_equal(db_session_get(f->db, "s2", &f->arena, &s), ERR_NOT_FOUND);
	/* all of them */
	assert_int_equal(db_session_delete_account(f->db, other, NULL), COOP_OK);
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &s), ERR_NOT_FOUND);
}

/* Stand-ins for the SQL functions db_open() registers (migration 3 calls them on no row here). */
static void same_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[0]);
}

static void exec_ok(sqlite3 *raw, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(raw, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* A database of schema 5 upgrades: accounts and memberships are rebuilt with every row, the
 * sessions, episodes and memberships that refer to them still do, and a role-less
 * professional's account can be stored afterwards. */
static void test_upgrade_from_schema_5(void **state)
{
	struct fixture *f = *state;
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	exec_ok(raw, "PRAGMA foreign_keys = ON");
	assert_int_equal(sqlite3_create_function(raw, "coop_upper", 1, SQLITE_UTF8, NULL, same_text,
						 NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_create_function(raw, "coop_fold", 1, SQLITE_UTF8, NULL, same_text,
						 NULL, NULL), SQLITE_OK);
	assert_true(schema_sqlite_count() >= 6);
	for (int k = 1; k <= 5; k++)
		exec_ok(raw, schema_sqlite_migration(k));
	exec_ok(raw, "PRAGMA user_version = 5");
	exec_ok(raw, "INSERT INTO structures (id, type, name) VALUES (1, 'MSP', 'A'), (2, 'CPTS', 'B');"
		     "INSERT INTO professionals (id, structure_id, last_name, first_names, profession)"
		     "  VALUES (7, 1, 'Durand', 'Anne', 'medecin');"
		     "INSERT INTO accounts (id, structure_id, professional_id, login, display_name,"
		     "  password_hash, roles, failed_logins, locked_until)"
		     "  VALUES (3, 1, 7, 'medecin', 'Dr Durand', 'hash', 8, 2, 99),"
		     "  (4, 1, NULL, 'accueil', 'Accueil', 'hash2', 2, 0, 0);"
		     "INSERT INTO memberships (id, account_id, structure_id, roles)"
		     "  VALUES (1, 4, 2, 2);"
		     "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at,"
		     "  expires_at, last_seen) VALUES ('tok', 3, 'c', 1, 100000, 1);");
	sqlite3_close(raw);

	struct db_options opts = {.create = false, .migrate = true};
	char msg[256];
	assert_int_equal(db_open(f->path, &opts, &f->db, msg, sizeof(msg)), COOP_OK);
	assert_int_equal(db_schema_version(f->db), schema_sqlite_count());
	struct db_account got;
	assert_int_equal(db_account_get(f->db, 3, &f->arena, &got), COOP_OK);
	assert_string_equal(got.login, "medecin");
	assert_string_equal(got.password_hash, "hash");
	assert_int_equal(got.roles, 8); /* the stored clinical bit is kept as it was */
	assert_int_equal(got.professional_id, 7);
	assert_int_equal(got.failed_logins, 2);
	assert_int_equal(got.locked_until, 99);
	assert_false(got.disabled);
	assert_false(got.has_ends_on);
	struct db_session s;
	assert_int_equal(db_session_get(f->db, "tok", &f->arena, &s), COOP_OK);
	assert_int_equal(s.account_id, 3);
	struct db_membership m;
	assert_int_equal(db_membership_get(f->db, 4, 2, &f->arena, &m), COOP_OK);
	assert_int_equal(m.roles, DB_ROLE_SECRETARY);
	/* the references still hold: a session of an account that does not exist is refused */
	struct db_session bad = {.token_hash = "bad", .account_id = 42, .csrf_token = "c",
				 .created_at = 1, .expires_at = 2, .last_seen = 1};
	assert_int_not_equal(db_session_insert(f->db, &bad), COOP_OK);
	/* and the new rule: a professional's account without a stored role */
	struct db_professional p = {.structure_id = 1, .last_name = "Roux", .first_names = "Marc",
				    .profession = "pharmacien"};
	int64_t pro = 0;
	assert_int_equal(db_professional_insert(f->db, &p, &pro), COOP_OK);
	add_account(f, 1, pro, "marc", 0, COOP_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_professional_of_the_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activation_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_schema_5, make_dir, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
