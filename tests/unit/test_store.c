/*
 * test_store.c — the SQLite backend of the db_* interface: migrations, round trips of every
 * record, constraints as ERR_CONFLICT, transactions, the audit chain detecting tampering, and
 * the structure's audit log as its coordinator lists it (scoped, filtered, paged), the
 * structures of a person working in several (memberships, the session's chosen structure), the
 * upgrade of a database of schema 1, and the episodes' documents stored compressed.
 * Each test works in a fresh database file in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/docblob.h"
#include "store/schema_sqlite.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena arena;
};

static coop_date day(const char *iso)
{
	coop_date d = 0;
	assert_true(date_parse(iso, strlen(iso), &d));
	return d;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/coop-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/coop.db", f->dir);
	struct db_options opts = {.create = true, .migrate = true};
	char msg[256];
	if (db_open(f->path, &opts, &f->db, msg, sizeof(msg)) != COOP_OK)
		return -1;
	arena_init(&f->arena, 0);
	*state = f;
	return 0;
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

/* Runs raw SQL on a second connection: what someone editing the file by hand would do. */
static void tamper(const struct fixture *f, const char *sql)
{
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

static int64_t add_structure(struct fixture *f)
{
	struct db_structure s = {.type = "MSP", .name = "MSP des Tilleuls", .address = "1 rue Haute",
				 .finess = "750100125", .aci_signatory = true};
	int64_t id = 0;
	assert_int_equal(db_structure_insert(f->db, &s, &id), COOP_OK);
	assert_true(id > 0);
	return id;
}

static int64_t add_professional(struct fixture *f, int64_t structure, const char *profession)
{
	struct db_professional p = {.structure_id = structure, .last_name = "Martin",
				    .first_names = "Claire", .profession = profession,
				    .rpps = "10005173140", .phone = "01 23 45 67 89"};
	int64_t id = 0;
	assert_int_equal(db_professional_insert(f->db, &p, &id), COOP_OK);
	return id;
}

static void test_migrations(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_true(db_schema_latest() >= 1);
	/* reopening migrates nothing and works without migrate */
	db_close(f->db);
	struct db_options opts = {.migrate = false};
	char msg[256];
	assert_int_equal(db_open(f->path, &opts, &f->db, msg, sizeof(msg)), COOP_OK);
	/* a database from a newer Coop is refused with a French message */
	tamper(f, "PRAGMA user_version = 999");
	db_close(f->db);
	opts.migrate = true;
	assert_int_equal(db_open(f->path, &opts, &f->db, msg, sizeof(msg)), ERR_CONFLICT);
	assert_null(f->db);
	assert_non_null(strstr(msg, "plus récent"));
	char back[64];
	snprintf(back, sizeof(back), "PRAGMA user_version = %d", db_schema_latest());
	tamper(f, back);
	assert_int_equal(db_open(f->path, &opts, &f->db, msg, sizeof(msg)), COOP_OK);
	/* a missing file is not created unless asked */
	struct db *none = NULL;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/absent.db", f->dir);
	opts.create = false;
	assert_int_equal(db_open(missing, &opts, &none, msg, sizeof(msg)), ERR_NOT_FOUND);
	assert_null(none);
}

/* A database left at schema 1 (before memberships) upgrades with its data: its sessions work
 * in the home structure. */
static void test_upgrade_from_schema_1(void **state)
{
	struct fixture *f = *state;
	char old[160], msg[256];
	snprintf(old, sizeof(old), "%s/v1.db", f->dir);
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(old, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, schema_sqlite_migration(1), NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(raw,
			     "INSERT INTO structures (id, type, name) VALUES (1, 'MSP', 'MSP');"
			     "INSERT INTO accounts (id, structure_id, login, display_name, "
			     "password_hash, roles) VALUES (1, 1, 'accueil', 'Accueil', 'h', 2);"
			     "INSERT INTO sessions VALUES ('t1', 1, 'c1', 100, 200, 100);"
			     "PRAGMA user_version = 1;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(raw);
	struct db *db = NULL;
	struct db_options opts = {.migrate = true};
	assert_int_equal(db_open(old, &opts, &db, msg, sizeof(msg)), COOP_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	struct db_session se;
	assert_int_equal(db_session_get(db, "t1", &f->arena, &se), COOP_OK);
	assert_int_equal(se.account_id, 1);
	assert_int_equal(se.structure_id, 0);
	struct db_account_structure *list = NULL;
	size_t n = 0;
	assert_int_equal(db_account_structures(db, 1, &f->arena, &list, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_true(list[0].home);
	assert_string_equal(list[0].name, "MSP");
	db_close(db);
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char p[200];
		snprintf(p, sizeof(p), "%s%s", old, suffixes[i]);
		unlink(p);
	}
}

/* A secretary of an MSP (home) who also works in a CPTS and a centre de santé. */
static void test_memberships(void **state)
{
	struct fixture *f = *state;
	int64_t msp = add_structure(f), cpts = 0, cds = 0, other = 0;
	struct db_structure s = {.type = "CPTS", .name = "CPTS du Val"};
	assert_int_equal(db_structure_insert(f->db, &s, &cpts), COOP_OK);
	s = (struct db_structure){.type = "CDS", .name = "Aval, centre de santé"};
	assert_int_equal(db_structure_insert(f->db, &s, &cds), COOP_OK);
	s = (struct db_structure){.type = "MSP", .name = "MSP voisine"};
	assert_int_equal(db_structure_insert(f->db, &s, &other), COOP_OK);
	int64_t nurse = add_professional(f, cpts, "infirmier");
	struct db_account acc = {.structure_id = msp, .login = "accueil2", .display_name = "Julie",
				 .password_hash = "h", .roles = DB_ROLE_SECRETARY};
	int64_t julie = 0, solo = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &julie), COOP_OK);
	acc.login = "accueil";
	assert_int_equal(db_account_insert(f->db, &acc, &solo), COOP_OK);

	struct db_membership m = {.account_id = julie, .structure_id = cpts,
				  .professional_id = nurse,
				  .roles = DB_ROLE_SECRETARY | DB_ROLE_DELEGUE};
	int64_t id = 0;
	assert_int_equal(db_membership_insert(f->db, &m, &id), COOP_OK);
	assert_true(id > 0);
	assert_int_equal(db_membership_insert(f->db, &m, NULL), ERR_CONFLICT); /* twice */
	struct db_membership bad = m;
	bad.structure_id = msp; /* her home structure is not a membership */
	bad.professional_id = 0;
	assert_int_equal(db_membership_insert(f->db, &bad, NULL), ERR_CONFLICT);
	bad.structure_id = other;
	bad.roles = 0;
	assert_int_equal(db_membership_insert(f->db, &bad, NULL), ERR_CONFLICT);
	bad.roles = 16;
	assert_int_equal(db_membership_insert(f->db, &bad, NULL), ERR_CONFLICT);
	bad.roles = DB_ROLE_SECRETARY;
	bad.structure_id = other + 100; /* no such structure */
	assert_int_equal(db_membership_insert(f->db, &bad, NULL), ERR_CONFLICT);
	bad.structure_id = other;
	bad.account_id = julie + 100; /* no such account */
	assert_int_equal(db_membership_insert(f->db, &bad, NULL), ERR_CONFLICT);
	m = (struct db_membership){.account_id = julie, .structure_id = cds,
				   .roles = DB_ROLE_COORDINATOR};
	assert_int_equal(db_membership_insert(f->db, &m, NULL), COOP_OK);

	struct db_membership got;
	assert_int_equal(db_membership_get(f->db, julie, cpts, &f->arena, &got), COOP_OK);
	assert_int_equal(got.id, id);
	assert_int_equal(got.account_id, julie);
	assert_int_equal(got.structure_id, cpts);
	assert_int_equal(got.professional_id, nurse);
	assert_int_equal(got.roles, DB_ROLE_SECRETARY | DB_ROLE_DELEGUE);
	assert_int_equal(db_membership_get(f->db, julie, cds, &f->arena, &got), COOP_OK);
	assert_int_equal(got.professional_id, 0);
	assert_int_equal(db_membership_get(f->db, julie, msp, &f->arena, &got), ERR_NOT_FOUND);
	assert_int_equal(db_membership_get(f->db, julie, other, &f->arena, &got), ERR_NOT_FOUND);
	assert_int_equal(db_membership_get(f->db, solo, cpts, &f->arena, &got), ERR_NOT_FOUND);

	/* home first, then the memberships by name (Aval... before CPTS..., whatever their ids) */
	struct db_account_structure *list = NULL;
	size_t n = 0;
	assert_int_equal(db_account_structures(f->db, julie, &f->arena, &list, &n), COOP_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].structure_id, msp);
	assert_true(list[0].home);
	assert_string_equal(list[0].name, "MSP des Tilleuls");
	assert_string_equal(list[0].type, "MSP");
	assert_int_equal(list[0].roles, DB_ROLE_SECRETARY);
	assert_int_equal(list[0].professional_id, 0);
	assert_int_equal(list[1].structure_id, cds);
	assert_false(list[1].home);
	assert_string_equal(list[1].type, "CDS");
	assert_int_equal(list[1].roles, DB_ROLE_COORDINATOR);
	assert_int_equal(list[2].structure_id, cpts);
	assert_string_equal(list[2].name, "CPTS du Val");
	assert_int_equal(list[2].roles, DB_ROLE_SECRETARY | DB_ROLE_DELEGUE);
	assert_int_equal(list[2].professional_id, nurse);
	assert_int_equal(db_account_structures(f->db, solo, &f->arena, &list, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].structure_id, msp);
	assert_int_equal(db_account_structures(f->db, julie + 100, &f->arena, &list, &n), COOP_OK);
	assert_int_equal(n, 0);

	/* the session's structure: NULL (home) at first, then the one chosen */
	struct db_session se = {.token_hash = "t1", .account_id = julie, .csrf_token = "c1",
				.created_at = 100, .expires_at = 200, .last_seen = 100};
	assert_int_equal(db_session_insert(f->db, &se), COOP_OK);
	struct db_session back;
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &back), COOP_OK);
	assert_int_equal(back.structure_id, 0);
	assert_int_equal(db_session_set_structure(f->db, "t1", cpts), COOP_OK);
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &back), COOP_OK);
	assert_int_equal(back.structure_id, cpts);
	assert_int_equal(db_session_set_structure(f->db, "t1", 0), COOP_OK);
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &back), COOP_OK);
	assert_int_equal(back.structure_id, 0);
	assert_int_equal(db_session_set_structure(f->db, "t2", cpts), ERR_NOT_FOUND);
	assert_int_equal(db_session_set_structure(f->db, "t1", other + 100), ERR_CONFLICT);
}

static void test_team_round_trip(void **state)
{
	struct fixture *f = *state;
	int64_t st = add_structure(f);
	struct db_structure s;
	assert_int_equal(db_structure_get(f->db, st, &f->arena, &s), COOP_OK);
	assert_string_equal(s.name, "MSP des Tilleuls");
	assert_string_equal(s.finess, "750100125");
	assert_null(s.siret);
	assert_true(s.aci_signatory);
	assert_int_equal(db_structure_get(f->db, st + 100, &f->arena, &s), ERR_NOT_FOUND);

	int64_t gp = add_professional(f, st, "medecin");
	int64_t nurse = add_professional(f, st, "infirmier");
	struct db_professional p;
	assert_int_equal(db_professional_get(f->db, nurse, &f->arena, &p), COOP_OK);
	assert_string_equal(p.profession, "infirmier");
	assert_null(p.adeli);

	struct db_account acc = {.structure_id = st, .professional_id = nurse, .login = "ide",
				 .display_name = "Claire Martin", .password_hash = "$argon2id$x",
				 .roles = DB_ROLE_DELEGUE};
	int64_t acc_id = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), COOP_OK);
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), ERR_CONFLICT); /* same login */
	struct db_account back;
	assert_int_equal(db_account_by_login(f->db, "ide", &f->arena, &back), COOP_OK);
	assert_int_equal(back.roles, DB_ROLE_DELEGUE);
	assert_int_equal(back.professional_id, nurse);
	assert_int_equal(db_account_login_result(f->db, back.id, false, 12345), COOP_OK);
	assert_int_equal(db_account_login_result(f->db, back.id, false, 0), COOP_OK);
	assert_int_equal(db_account_get(f->db, back.id, &f->arena, &back), COOP_OK);
	assert_int_equal(back.failed_logins, 2);
	assert_int_equal(db_account_login_result(f->db, back.id, true, 0), COOP_OK);
	assert_int_equal(db_account_get(f->db, back.id, &f->arena, &back), COOP_OK);
	assert_int_equal(back.failed_logins, 0);
	assert_int_equal(db_account_by_login(f->db, "nobody", &f->arena, &back), ERR_NOT_FOUND);

	struct db_adoption ad = {.structure_id = st, .protocol_id = "snp-cystite",
				 .adopted_on = day("2026-01-05")};
	int64_t ad_id = 0;
	assert_int_equal(db_adoption_insert(f->db, &ad, &ad_id), COOP_OK);
	assert_int_equal(db_adoption_insert(f->db, &ad, NULL), ERR_CONFLICT); /* adopted twice */
	struct db_adoption ad_back;
	assert_int_equal(db_adoption_find(f->db, st, "snp-cystite", &f->arena, &ad_back), COOP_OK);
	assert_string_equal(ad_back.status, "active");
	assert_int_equal(ad_back.signed_by, 0);
	assert_int_equal(ad_back.adopted_on, day("2026-01-05"));
	assert_int_equal(db_adoption_sign(f->db, ad_id, gp, "abc123", NULL, 1700000000), COOP_OK);
	assert_int_equal(db_adoption_set_status(f->db, ad_id, "suspended", "EIGS"), COOP_OK);
	assert_int_equal(db_adoption_set_status(f->db, ad_id, "paused", NULL), ERR_CONFLICT);
	assert_int_equal(db_adoption_get(f->db, ad_id, &f->arena, &ad_back), COOP_OK);
	assert_int_equal(ad_back.signed_by, gp);
	assert_string_equal(ad_back.signed_hash, "abc123");
	assert_string_equal(ad_back.status, "suspended");
	assert_string_equal(ad_back.suspended_reason, "EIGS");
	assert_int_equal(db_adoption_find(f->db, st, "snp-varicelle", &f->arena, &ad_back),
			 ERR_NOT_FOUND);

	struct db_adhesion delegue = {.professional_id = nurse, .adoption_id = ad_id,
				      .role = "delegue", .effective_from = day("2026-01-05"),
				      .training_validated_by = gp, .has_training_date = true,
				      .training_date = day("2026-01-04"), .training_hours = 7.5,
				      .insurer = "MACSF", .has_insurance_date = true,
				      .insurance_date = day("2026-01-02")};
	assert_int_equal(db_adhesion_insert(f->db, &delegue, NULL), COOP_OK);
	struct db_adhesion delegant = {.professional_id = gp, .adoption_id = ad_id,
				       .role = "delegant", .effective_from = day("2026-01-05"),
				       .has_effective_to = true, .effective_to = day("2026-07-01")};
	assert_int_equal(db_adhesion_insert(f->db, &delegant, NULL), COOP_OK);
	struct db_adhesion bad_role = delegant;
	bad_role.role = "chef";
	assert_int_equal(db_adhesion_insert(f->db, &bad_role, NULL), ERR_CONFLICT);
	struct db_adhesion *list = NULL;
	size_t n = 0;
	assert_int_equal(db_adhesion_list(f->db, nurse, ad_id, &f->arena, &list, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].role, "delegue");
	assert_true(list[0].has_training_date);
	assert_int_equal(list[0].training_date, day("2026-01-04"));
	assert_true(list[0].training_hours > 7.4 && list[0].training_hours < 7.6);
	assert_false(list[0].has_effective_to);
	assert_false(list[0].has_engagement_date);

	struct db_availability av = {.professional_id = gp, .weekday = 1, .start_minute = 480,
				     .end_minute = 720, .how = "06 00 00 00 00"};
	assert_int_equal(db_availability_insert(f->db, &av, NULL), COOP_OK);
	struct db_availability bad = av;
	bad.end_minute = 400; /* ends before it starts */
	assert_int_equal(db_availability_insert(f->db, &bad, NULL), ERR_CONFLICT);
	struct db_availability *slots = NULL;
	assert_int_equal(db_availability_for_adoption(f->db, ad_id, day("2026-03-03"), &f->arena,
						      &slots, &n),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(slots[0].how, "06 00 00 00 00");
	/* the délégant's adhesion ended on 1/7/2026: nobody to reach after */
	assert_int_equal(db_availability_for_adoption(f->db, ad_id, day("2026-07-01"), &f->arena,
						      &slots, &n),
			 COOP_OK);
	assert_int_equal(n, 0);
}

static void test_foreign_keys_and_transactions(void **state)
{
	struct fixture *f = *state;
	struct db_professional orphan = {.structure_id = 42, .last_name = "X", .first_names = "Y",
					 .profession = "infirmier"};
	assert_int_equal(db_professional_insert(f->db, &orphan, NULL), ERR_CONFLICT);

	int64_t st = 0;
	assert_int_equal(db_begin(f->db), COOP_OK);
	st = add_structure(f);
	db_rollback(f->db);
	struct db_structure s;
	assert_int_equal(db_structure_get(f->db, st, &f->arena, &s), ERR_NOT_FOUND);

	assert_int_equal(db_begin(f->db), COOP_OK);
	st = add_structure(f);
	assert_int_equal(db_commit(f->db), COOP_OK);
	assert_int_equal(db_structure_get(f->db, st, &f->arena, &s), COOP_OK);
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	int64_t st = add_structure(f);
	struct db_account acc = {.structure_id = st, .login = "secretariat",
				 .display_name = "Accueil", .password_hash = "h",
				 .roles = DB_ROLE_SECRETARY};
	int64_t acc_id = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), COOP_OK);
	struct db_session se = {.token_hash = "t1", .account_id = acc_id, .csrf_token = "c1",
				.created_at = 100, .expires_at = 200, .last_seen = 100};
	assert_int_equal(db_session_insert(f->db, &se), COOP_OK);
	assert_int_equal(db_session_insert(f->db, &se), ERR_CONFLICT);
	struct db_session back;
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &back), COOP_OK);
	assert_string_equal(back.csrf_token, "c1");
	assert_int_equal(db_session_touch(f->db, "t1", 150, 250), COOP_OK);
	assert_int_equal(db_session_touch(f->db, "t2", 150, 250), ERR_NOT_FOUND);
	assert_int_equal(db_session_purge(f->db, 249), COOP_OK);
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &back), COOP_OK);
	assert_int_equal(back.expires_at, 250);
	assert_int_equal(db_session_purge(f->db, 250), COOP_OK);
	assert_int_equal(db_session_get(f->db, "t1", &f->arena, &back), ERR_NOT_FOUND);
}

static void test_audit_chain(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1, bad = -1;
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 0);
	for (int i = 1; i <= 5; i++) {
		char after[64];
		snprintf(after, sizeof(after), "{\"n\":%d}", i);
		assert_int_equal(db_audit_append(f->db, 1000 + i, 7, "create", "patient", i,
						 i == 3 ? "{\"n\":0}" : NULL, after),
				 COOP_OK);
	}
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 5);

	/* a changed value, a changed author, a NULL turned into an empty text: all detected */
	tamper(f, "UPDATE audit SET after_json = '{\"n\":33}' WHERE id = 3");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 3);
	tamper(f, "UPDATE audit SET after_json = '{\"n\":3}' WHERE id = 3");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	tamper(f, "UPDATE audit SET account_id = 8 WHERE id = 2");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 2);
	tamper(f, "UPDATE audit SET account_id = 7 WHERE id = 2");
	tamper(f, "UPDATE audit SET before_json = '' WHERE id = 1");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 1);
	tamper(f, "UPDATE audit SET before_json = NULL WHERE id = 1");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	/* a removed record in the middle */
	tamper(f, "DELETE FROM audit WHERE id = 4");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 5);
	assert_int_equal(count, 3);
}

/* A reader's trace, on its own connection, as a server thread would. */
struct trace_reader {
	const char *path;
	int n;
	enum coop_err result;
};

static void *trace_reader(void *arg)
{
	struct trace_reader *r = arg;
	struct db_options opts = {.create = false, .migrate = false};
	struct db *db = NULL;
	char msg[256];
	r->result = db_open(r->path, &opts, &db, msg, sizeof(msg));
	if (r->result != COOP_OK)
		return NULL;
	struct db_trace t = {.at = 2000 + r->n,
			     .account_id = 7,
			     .entity_id = r->n,
			     .action = "read",
			     .entity = "patient",
			     .after_json = r->n % 2 ? "{\"ids\":[1,2,3]}" : NULL};
	r->result = db_audit_trace(db, &t);
	db_close(db);
	return NULL;
}

/* Starts n readers while f's connection holds a write transaction, and waits until all n
 * traces wait for a commit. */
static void start_readers(struct fixture *f, pthread_t *th, struct trace_reader *r, int n)
{
	for (int i = 0; i < n; i++) {
		r[i] = (struct trace_reader){.path = f->path, .n = i + 1, .result = ERR_INTERNAL};
		assert_int_equal(pthread_create(&th[i], NULL, trace_reader, &r[i]), 0);
	}
	for (int ms = 0; db_traces_waiting() < (unsigned)n && ms < 10000; ms++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000L}, NULL);
	assert_int_equal(db_traces_waiting(), n);
}

/* Read traces ride with a write: the four readers that came while it held the write lock wait
 * outside the write queue and are written inside its commit, none in a commit of its own; the
 * chain is whole. */
static void test_traces_ride_with_writes(void **state)
{
	struct fixture *f = *state;
	struct db_trace_counts before, after;
	db_trace_counts(&before);
	pthread_t th[4];
	struct trace_reader r[4];
	assert_int_equal(db_begin(f->db), COOP_OK);
	assert_int_equal(db_audit_append(f->db, 1000, 7, "update", "patient", 1, NULL, "{\"n\":1}"),
			 COOP_OK);
	start_readers(f, th, r, 4);
	/* they wait for the write's commit, not in the write queue behind it */
	nanosleep(&(struct timespec){.tv_nsec = 20 * 1000000L}, NULL);
	assert_int_equal(db_write_queue_length(), 1);
	assert_int_equal(db_commit(f->db), COOP_OK);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].result, COOP_OK);
	}
	db_trace_counts(&after);
	assert_int_equal(after.rode - before.rode, 4);
	assert_int_equal(after.alone - before.alone, 0);
	assert_int_equal(db_traces_waiting(), 0);
	int64_t count = -1, bad = -1;
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 5);
}

/* A write that rolls back takes nothing with it: the waiting readers then commit their traces
 * themselves (all three, none lost), and the rolled-back write left no record. */
static void test_traces_commit_alone_after_rollback(void **state)
{
	struct fixture *f = *state;
	struct db_trace_counts before, after;
	db_trace_counts(&before);
	pthread_t th[3];
	struct trace_reader r[3];
	assert_int_equal(db_begin(f->db), COOP_OK);
	assert_int_equal(db_audit_append(f->db, 1000, 7, "update", "patient", 1, NULL, "{\"n\":1}"),
			 COOP_OK);
	start_readers(f, th, r, 3);
	db_rollback(f->db);
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].result, COOP_OK);
	}
	db_trace_counts(&after);
	assert_int_equal(after.rode - before.rode, 0);
	assert_int_equal(after.alone - before.alone, 3);
	int64_t count = -1, bad = -1;
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 3);
}

/* The storage type of one audit column of record id: "blob", "text" or "null". */
static void audit_column_type(const struct fixture *f, const char *column, int64_t id, char *out,
			      size_t size)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *q = NULL;
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT typeof(%s) FROM audit WHERE id = ?1", column);
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_int64(q, 1, id);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(raw);
}

static void remember_hash(void *ctx, int64_t id, const char *hash)
{
	char(*seen)[AUDIT_HASH_HEX] = ctx;
	if (id >= 1 && id <= 4)
		snprintf(seen[id - 1], AUDIT_HASH_HEX, "%s", hash);
}

/* The before/after JSON of long changes is stored compressed (store/docblob.h), texts under
 * 128 bytes stay text; the chain hash covers the text either way, and a blob that does not
 * decode is reported by verify at its record, like any altered one. */
static void test_audit_compressed(void **state)
{
	struct fixture *f = *state;
	char long_change[600], at_threshold[129], under[128], type[16];
	size_t k = (size_t)snprintf(long_change, sizeof(long_change), "{\"answers\":{");
	for (int i = 0; i < 20; i++)
		k += (size_t)snprintf(long_change + k, sizeof(long_change) - k,
				      "%s\"question_%d\":true", i ? "," : "", i);
	snprintf(long_change + k, sizeof(long_change) - k, "}}");
	/* 128 and 127 bytes, both very compressible */
	snprintf(at_threshold, sizeof(at_threshold), "{\"note\":\"%0117d\"}", 0);
	snprintf(under, sizeof(under), "{\"note\":\"%0116d\"}", 0);
	assert_int_equal(strlen(at_threshold), 128);
	assert_int_equal(strlen(under), 127);
	assert_int_equal(db_audit_append(f->db, 1001, 7, "update", "episode", 1, "{\"answers\":{}}",
					 long_change),
			 COOP_OK);
	assert_int_equal(db_audit_append(f->db, 1002, 7, "update", "episode", 1, at_threshold,
					 under),
			 COOP_OK);
	assert_int_equal(db_audit_append(f->db, 1003, 7, "list", "episode", 0, NULL,
					 "{\"ids\":[1,2,3]}"),
			 COOP_OK);
	assert_int_equal(db_audit_append(f->db, 1004, 7, "update", "episode", 1, long_change, ""),
			 COOP_OK);

	audit_column_type(f, "after_json", 1, type, sizeof(type));
	assert_string_equal(type, "blob");
	audit_column_type(f, "before_json", 1, type, sizeof(type));
	assert_string_equal(type, "text");
	audit_column_type(f, "before_json", 2, type, sizeof(type));
	assert_string_equal(type, "blob");
	audit_column_type(f, "after_json", 2, type, sizeof(type));
	assert_string_equal(type, "text");
	audit_column_type(f, "after_json", 3, type, sizeof(type));
	assert_string_equal(type, "text");
	audit_column_type(f, "before_json", 3, type, sizeof(type));
	assert_string_equal(type, "null");
	audit_column_type(f, "after_json", 4, type, sizeof(type));
	assert_string_equal(type, "text");

	/* the stored hash is the one of the text, not of the stored bytes */
	char expected[AUDIT_HASH_HEX], stored[AUDIT_HASH_HEX];
	struct audit_fields fields = {.hash_version = AUDIT_HASH_VERSION,
				      .id = 1,
				      .at = 1001,
				      .account_id = 7,
				      .action = "update",
				      .entity = "episode",
				      .entity_id = 1,
				      .before_json = "{\"answers\":{}}",
				      .after_json = long_change};
	assert_true(audit_hash(audit_genesis, &fields, expected));
	assert_int_equal(db_audit_hash_of(f->db, 1, stored), COOP_OK);
	assert_string_equal(stored, expected);

	/* the whole walk and an incremental one read the blobs */
	int64_t count = -1, bad = -1;
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 4);
	char seen[4][AUDIT_HASH_HEX] = {{0}};
	struct db_audit_walk w = {
		.after_id = 1, .after_hash = stored, .visit = remember_hash, .ctx = seen};
	assert_int_equal(db_audit_verify_from(f->db, &w, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 3);
	for (int64_t id = 2; id <= 4; id++) {
		assert_int_equal(db_audit_hash_of(f->db, id, stored), COOP_OK);
		assert_string_equal(seen[id - 1], stored);
	}

	/* a blob rewritten as its text (what rechain.mjs does) still verifies */
	char sql[1024];
	snprintf(sql, sizeof(sql), "UPDATE audit SET after_json = '%s' WHERE id = 1", long_change);
	tamper(f, sql);
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), COOP_OK);
	assert_int_equal(count, 4);

	/* a damaged blob: reported at its record, by the full and the incremental walk */
	tamper(f, "UPDATE audit SET after_json = X'012000000000000000FFFFFFFF' WHERE id = 1");
	assert_int_equal(db_audit_verify(f->db, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 1);
	assert_int_equal(count, 0);
	tamper(f, "UPDATE audit SET before_json = X'01' WHERE id = 4");
	w = (struct db_audit_walk){.after_id = 1, .after_hash = expected};
	assert_int_equal(db_audit_verify_from(f->db, &w, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 4);
	assert_int_equal(count, 2);

	/* a blob that decodes to another text: a changed record like any other */
	unsigned char *blob = NULL;
	size_t n = 0;
	long_change[12] = 'Q'; /* "question_0" becomes "Question_0" */
	assert_int_equal(docblob_encode(long_change, strlen(long_change), &blob, &n), COOP_OK);
	assert_non_null(blob);
	k = (size_t)snprintf(sql, sizeof(sql), "UPDATE audit SET before_json = X'");
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(sql + k, sizeof(sql) - k, "%02x", blob[i]);
	snprintf(sql + k, sizeof(sql) - k, "' WHERE id = 4");
	free(blob);
	tamper(f, sql);
	assert_int_equal(db_audit_verify_from(f->db, &w, &count, &bad, NULL, 0), ERR_CONFLICT);
	assert_int_equal(bad, 4);
}

/* The coordinator's view of the log: scoped to the structure's accounts, filtered, paged. */
static void test_audit_list(void **state)
{
	struct fixture *f = *state;
	int64_t st = add_structure(f), other = add_structure(f);
	struct db_account acc = {.structure_id = st,
				 .login = "accueil",
				 .display_name = "Accueil",
				 .password_hash = "h",
				 .roles = DB_ROLE_SECRETARY};
	int64_t desk = 0, coord = 0, foreign = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &desk), COOP_OK);
	acc.login = "coord";
	acc.display_name = "Coordination";
	acc.roles = DB_ROLE_COORDINATOR;
	assert_int_equal(db_account_insert(f->db, &acc, &coord), COOP_OK);
	acc.structure_id = other;
	acc.login = "ailleurs";
	acc.display_name = "Autre structure";
	assert_int_equal(db_account_insert(f->db, &acc, &foreign), COOP_OK);
	/* ids 1..7: records of Coop itself (0) and those written in the other structure are
	 * never listed; record 8, written in the other structure by this structure's secretary
	 * (a person who works in both), is listed there, not here */
	assert_int_equal(db_audit_append(f->db, 900, 0, "create", "structure", st, NULL, "{}"),
			 COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, st, 1000, desk, "login", "account", desk, NULL, NULL),
		COOP_OK);
	assert_int_equal(db_audit_append_in(f->db, st, 1100, desk, "create", "patient", 5, NULL,
					    "{\"birth_name\":\"Durand\"}"),
			 COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, other, 1200, foreign, "create", "patient", 6, NULL, "{}"),
		COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, st, 1300, coord, "login", "account", coord, NULL, NULL),
		COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, st, 1400, desk, "read", "patient", 5, NULL, NULL),
		COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, st, 1500, desk, "update", "patient", 5, "{}", "{}"),
		COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, other, 1600, desk, "read", "patient", 6, NULL, NULL),
		COOP_OK);

	struct db_audit_filter all = {0};
	struct db_audit_entry *e = NULL;
	size_t n = 0;
	assert_int_equal(db_audit_list(f->db, st, &all, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 5);
	const int64_t expected[] = {7, 6, 5, 3, 2}; /* newest first */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(e[i].id, expected[i]);
	assert_string_equal(e[0].by, "Accueil");
	assert_string_equal(e[0].action, "update");
	assert_string_equal(e[0].entity, "patient");
	assert_int_equal(e[0].entity_id, 5);
	assert_int_equal(e[0].at, 1500);
	assert_int_equal(e[2].account_id, coord);
	assert_string_equal(e[2].by, "Coordination");
	/* the other structure sees only its own */
	assert_int_equal(db_audit_list(f->db, other, &all, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].id, 8);
	assert_int_equal(e[1].id, 4);

	struct db_audit_filter flt = {.action = "login"};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].id, 5);
	assert_int_equal(e[1].id, 2);
	flt = (struct db_audit_filter){.entity = "patient", .account_id = desk};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 3);
	flt = (struct db_audit_filter){.account_id = foreign};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 0);
	/* time bounds: from included, to excluded */
	flt = (struct db_audit_filter){
		.has_from = true, .from_at = 1100, .has_to = true, .to_at = 1400};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].id, 5);
	assert_int_equal(e[1].id, 3);
	flt = (struct db_audit_filter){.action = "nothing"};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 0);

	/* each leading filter with a time range, and filters combined */
	flt = (struct db_audit_filter){
		.action = "login", .has_from = true, .from_at = 1100, .has_to = true, .to_at = 1400};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].id, 5);
	flt = (struct db_audit_filter){.entity = "patient", .has_to = true, .to_at = 1500};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].id, 6);
	assert_int_equal(e[1].id, 3);
	flt = (struct db_audit_filter){.account_id = desk, .has_from = true, .from_at = 1400};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	flt = (struct db_audit_filter){.action = "read", .account_id = desk, .entity = "patient"};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].id, 6);
	flt = (struct db_audit_filter){.action = "read", .account_id = coord};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 0);

	/* paging: two at a time below the last entry seen, by (at, id) */
	flt = (struct db_audit_filter){0};
	assert_int_equal(db_audit_list(f->db, st, &flt, 2, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[1].id, 6);
	flt = (struct db_audit_filter){.has_after = true, .after_at = e[1].at, .after_id = e[1].id};
	assert_int_equal(db_audit_list(f->db, st, &flt, 2, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].id, 5);
	assert_int_equal(e[1].id, 3);
	flt = (struct db_audit_filter){.has_after = true, .after_at = e[1].at, .after_id = e[1].id};
	assert_int_equal(db_audit_list(f->db, st, &flt, 2, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].id, 2);
	flt = (struct db_audit_filter){.has_after = true, .after_at = e[0].at, .after_id = 2};
	assert_int_equal(db_audit_list(f->db, st, &flt, 2, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 0);

	/* a clock set back: a newer record (id 9) written at an older time is listed by its time,
	 * once, and records written in the same second follow their ids */
	assert_int_equal(
		db_audit_append_in(f->db, st, 1350, desk, "read", "patient", 5, NULL, NULL),
		COOP_OK);
	assert_int_equal(
		db_audit_append_in(f->db, st, 1350, desk, "read", "patient", 5, NULL, NULL),
		COOP_OK);
	const int64_t by_time[] = {7, 6, 10, 9, 5, 3, 2};
	flt = (struct db_audit_filter){0};
	for (size_t k = 0; k < 7; k++) {
		assert_int_equal(db_audit_list(f->db, st, &flt, 1, &f->arena, &e, &n), COOP_OK);
		assert_int_equal(n, 1);
		assert_int_equal(e[0].id, by_time[k]);
		flt = (struct db_audit_filter){
			.has_after = true, .after_at = e[0].at, .after_id = e[0].id};
	}
	assert_int_equal(db_audit_list(f->db, st, &flt, 1, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 0);
	/* the end of the time range and the cursor together: the lower bound wins */
	flt = (struct db_audit_filter){.has_to = true, .to_at = 1400, .has_after = true,
				       .after_at = 1350, .after_id = 10};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 4);
	assert_int_equal(e[0].id, 9);
	flt = (struct db_audit_filter){.has_to = true, .to_at = 1350, .has_after = true,
				       .after_at = 1350, .after_id = 10};
	assert_int_equal(db_audit_list(f->db, st, &flt, 100, &f->arena, &e, &n), COOP_OK);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].id, 5);
}

static void test_patients_and_episodes(void **state)
{
	struct fixture *f = *state;
	int64_t st = add_structure(f), other = add_structure(f);
	struct db_patient pa = {.structure_id = st, .birth_name = "DUPONT",
				.first_names = "MARIE CLAIRE", .birth_date = day("1990-04-12"),
				.sex = "female", .birthplace_code = "75056",
				.nir = "290047511200151", .gp_name = "Dr Lenoir"};
	int64_t id = 0;
	assert_int_equal(db_patient_insert(f->db, &pa, &id), COOP_OK);
	pa.birth_name = "DURAND";
	pa.nir = NULL;
	assert_int_equal(db_patient_insert(f->db, &pa, NULL), COOP_OK);
	pa.structure_id = other;
	pa.birth_name = "DUPONT";
	assert_int_equal(db_patient_insert(f->db, &pa, NULL), COOP_OK);
	pa.sex = "f"; /* not a code */
	assert_int_equal(db_patient_insert(f->db, &pa, NULL), ERR_CONFLICT);

	struct db_patient back;
	assert_int_equal(db_patient_get(f->db, st, id, &f->arena, &back), COOP_OK);
	assert_string_equal(back.first_names, "MARIE CLAIRE");
	assert_int_equal(back.birth_date, day("1990-04-12"));
	assert_int_equal(back.version, 1);
	assert_null(back.used_name);
	/* another structure's patient does not exist for this one */
	assert_int_equal(db_patient_get(f->db, other, id, &f->arena, &back), ERR_NOT_FOUND);

	/* two people edit the same version: the second one is refused */
	struct db_patient first = back, second = back;
	first.used_name = "MARTIN";
	assert_int_equal(db_patient_update(f->db, &first), COOP_OK);
	second.gp_name = "Dr Autre";
	assert_int_equal(db_patient_update(f->db, &second), ERR_CONFLICT);
	assert_int_equal(db_patient_get(f->db, st, id, &f->arena, &back), COOP_OK);
	assert_string_equal(back.used_name, "MARTIN");
	assert_string_equal(back.gp_name, "Dr Lenoir");
	assert_int_equal(back.version, 2);
	/* nor can it be updated through another structure */
	back.structure_id = other;
	assert_int_equal(db_patient_update(f->db, &back), ERR_CONFLICT);

	struct db_patient *found = NULL;
	struct db_patient_key next;
	size_t n = 0;
	assert_int_equal(db_patient_search(f->db, st, "DU", false, 0, NULL, 10, &f->arena, &found,
					   &n, &next),
			 COOP_OK);
	assert_int_equal(n, 2);
	assert_string_equal(found[0].birth_name, "DUPONT");
	assert_string_equal(found[1].birth_name, "DURAND");
	assert_null(next.name); /* the last page */
	assert_int_equal(db_patient_search(f->db, st, "DU", false, 0, NULL, 1, &f->arena, &found,
					   &n, &next),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(next.name, "DUPONT");
	assert_int_equal(db_patient_search(f->db, st, "DUP", true, day("1990-04-12"), NULL, 10, &f->arena, &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_patient_search(f->db, st, "DUP", true, day("1990-04-13"), NULL, 10, &f->arena, &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 0);

	struct db_adoption ad = {.structure_id = st, .protocol_id = "snp-cystite",
				 .adopted_on = day("2026-01-05")};
	int64_t ad_id = 0;
	assert_int_equal(db_adoption_insert(f->db, &ad, &ad_id), COOP_OK);
	struct db_account acc = {.structure_id = st, .login = "accueil", .display_name = "Accueil",
				 .password_hash = "h", .roles = DB_ROLE_SECRETARY};
	int64_t acc_id = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), COOP_OK);
	struct db_episode ep = {.structure_id = st, .patient_id = id, .adoption_id = ad_id,
				.state = "orientation", .data = "{\"orientation\":{}}",
				.created_by = acc_id, .created_at = 500};
	int64_t ep_id = 0;
	assert_int_equal(db_episode_insert(f->db, &ep, &ep_id), COOP_OK);
	ep.state = "proposed";
	assert_int_equal(db_episode_insert(f->db, &ep, NULL), COOP_OK);
	struct db_episode eb;
	assert_int_equal(db_episode_get(f->db, st, ep_id, &f->arena, &eb), COOP_OK);
	assert_string_equal(eb.state, "orientation");
	assert_int_equal(eb.version, 1);
	assert_int_equal(eb.updated_at, 500);
	assert_null(eb.protocol_hash);
	assert_int_equal(db_episode_get(f->db, other, ep_id, &f->arena, &eb), ERR_NOT_FOUND);
	struct db_episode e1 = eb, e2 = eb;
	e1.state = "proposed";
	e1.updated_at = 600;
	assert_int_equal(db_episode_update(f->db, &e1), COOP_OK);
	e2.state = "usual_care";
	assert_int_equal(db_episode_update(f->db, &e2), ERR_CONFLICT);
	assert_int_equal(db_episode_get(f->db, st, ep_id, &f->arena, &eb), COOP_OK);
	assert_string_equal(eb.state, "proposed");
	assert_int_equal(eb.version, 2);
	/* the lists' ranges: newest update first, by state, never another structure's */
	struct episode_list_key *keys = NULL;
	struct db_episode_range r = {.kind = DB_EPISODES_RECENT, .structure_id = st,
				     .since = INT64_MIN, .limit = 10};
	assert_int_equal(db_episode_range(f->db, &r, &f->arena, &keys, &n), COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(keys[0].id, ep_id); /* updated last */
	assert_int_equal(keys[0].k, 600);
	r.limit = 1;
	r.has_after = true;
	r.after_k = keys[0].k;
	r.after_id = keys[0].id;
	assert_int_equal(db_episode_range(f->db, &r, &f->arena, &keys, &n), COOP_OK);
	assert_int_equal(n, 1);
	assert_true(keys[0].id != ep_id);
	r = (struct db_episode_range){.kind = DB_EPISODES_BY_STATE, .structure_id = st,
				      .state = "orientation", .limit = 10};
	assert_int_equal(db_episode_range(f->db, &r, &f->arena, &keys, &n), COOP_OK);
	assert_int_equal(n, 0);
	r = (struct db_episode_range){.kind = DB_EPISODES_RECENT, .structure_id = other,
				      .since = INT64_MIN, .limit = 10};
	assert_int_equal(db_episode_range(f->db, &r, &f->arena, &keys, &n), COOP_OK);
	assert_int_equal(n, 0);
	r = (struct db_episode_range){.kind = DB_EPISODES_ADOPTION, .structure_id = other,
				      .adoption_id = ad_id, .limit = 10};
	assert_int_equal(db_episode_range(f->db, &r, &f->arena, &keys, &n), COOP_OK);
	assert_int_equal(n, 0);
}

/* Episode documents are stored compressed (store/docblob.h) and read back as the text given;
 * a row of text written before still reads as it is, a document too short to gain stays text,
 * and a blob that does not decode is ERR_IO on every read of an episode (never a crash, never
 * a partial document). */
static void test_episode_documents(void **state)
{
	struct fixture *f = *state;
	int64_t st = add_structure(f);
	struct db_patient pa = {.structure_id = st, .birth_name = "DUPONT", .first_names = "MARIE",
				.birth_date = day("1990-04-12"), .sex = "female"};
	int64_t pid = 0;
	assert_int_equal(db_patient_insert(f->db, &pa, &pid), COOP_OK);
	struct db_adoption ad = {.structure_id = st, .protocol_id = "snp-cystite",
				 .adopted_on = day("2026-01-05")};
	int64_t ad_id = 0;
	assert_int_equal(db_adoption_insert(f->db, &ad, &ad_id), COOP_OK);
	struct db_account acc = {.structure_id = st, .login = "accueil", .display_name = "Accueil",
				 .password_hash = "h", .roles = DB_ROLE_SECRETARY};
	int64_t acc_id = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), COOP_OK);
	static const char doc[] =
		"{\"protocol_id\":\"snp-cystite\",\"answers\":{},\"history\":[{\"at\":500,"
		"\"account_id\":1,\"by\":\"Accueil\",\"action\":\"create\",\"state\":\"orientation\"},"
		"{\"at\":600,\"account_id\":1,\"by\":\"Accueil\",\"action\":\"propose\","
		"\"state\":\"proposed\"}],\"note\":\"Patiente vue à l'accueil, brûlures depuis hier.\"}";
	struct db_episode ep = {.structure_id = st, .patient_id = pid, .adoption_id = ad_id,
				.state = "orientation", .data = doc, .created_by = acc_id,
				.created_at = 500};
	int64_t id = 0, small = 0;
	assert_int_equal(db_episode_insert(f->db, &ep, &id), COOP_OK);
	assert_int_equal(id, 1); /* the raw SQL below names it */
	ep.data = "{}";
	assert_int_equal(db_episode_insert(f->db, &ep, &small), COOP_OK);

	/* on disk: a smaller blob of format 1; "{}" stays text */
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT typeof(data), length(data), "
					    "substr(data, 1, 1) FROM episodes WHERE id = ?1",
					    -1, &q, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(q, 1, id);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "blob");
	assert_true(sqlite3_column_int(q, 1) < (int)strlen(doc));
	assert_int_equal(((const unsigned char *)sqlite3_column_blob(q, 2))[0],
			 DOCBLOB_FORMAT_DEFLATE_DICT1);
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, small);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "text");
	sqlite3_finalize(q);
	sqlite3_close(raw);

	/* read back, updated (compressed again), read back */
	struct db_episode back;
	assert_int_equal(db_episode_get(f->db, st, id, &f->arena, &back), COOP_OK);
	assert_string_equal(back.data, doc);
	back.state = "proposed";
	back.data = "{\"protocol_id\":\"snp-cystite\",\"answers\":{\"fievre\":false},"
		    "\"note\":\"Patiente vue à l'accueil, brûlures depuis hier.\"}";
	assert_int_equal(db_episode_update(f->db, &back), COOP_OK);
	struct db_episode again;
	assert_int_equal(db_episode_get(f->db, st, id, &f->arena, &again), COOP_OK);
	assert_string_equal(again.data, back.data);
	assert_int_equal(again.version, 2);
	struct db_episode *list = NULL;
	size_t n = 0;
	assert_int_equal(db_episode_list_for(f->db, st, pid, ad_id, 10, &f->arena, &list, &n),
			 COOP_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].data, "{}");
	assert_string_equal(list[1].data, back.data);

	/* a row of text written before compression reads as it is */
	tamper(f, "UPDATE episodes SET data = '{\"answers\":{\"avant\":\"écrit en texte\"}}' "
		  "WHERE id = 1");
	assert_int_equal(db_episode_get(f->db, st, id, &f->arena, &again), COOP_OK);
	assert_string_equal(again.data, "{\"answers\":{\"avant\":\"écrit en texte\"}}");

	/* a damaged blob (a format byte, a length, a CRC-32, then no valid stream) */
	tamper(f, "UPDATE episodes SET data = X'012000000000000000FFFFFFFF' WHERE id = 1");
	assert_int_equal(db_episode_get(f->db, st, id, &f->arena, &again), ERR_IO);
	assert_null(again.data);
	assert_string_equal(db_last_error(f->db),
			    "episode 1: stored document damaged or of an unknown format");
	assert_int_equal(db_episode_list_for(f->db, st, pid, ad_id, 10, &f->arena, &list, &n),
			 ERR_IO);
	assert_int_equal(n, 0);
	tamper(f, "UPDATE episodes SET list_facts = 0");
	assert_int_equal(db_episode_unfilled(f->db, 10, &f->arena, &list, &n), ERR_IO);
	assert_int_equal(n, 0);
	/* a header claiming 2 GiB: refused, nothing allocated */
	tamper(f, "UPDATE episodes SET data = X'0100000080000000000000' WHERE id = 1");
	assert_int_equal(db_episode_get(f->db, st, id, &f->arena, &again), ERR_IO);
	/* the statements were reset: the other episode still reads */
	assert_int_equal(db_episode_get(f->db, st, small, &f->arena, &again), COOP_OK);
	assert_string_equal(again.data, "{}");
}

/* Identity vigilance in the store: a database of schema 2 upgrades with its names repaired
 * ("LEFèVRE" stored by the old ASCII upper-casing becomes "LEFÈVRE") and folded for search;
 * candidates for duplicates come by folded name and birth date or by NIR; a merge moves the
 * episodes and takes the duplicate out of searches and candidates. */
static void test_patient_identity(void **state)
{
	struct fixture *f = *state;
	char old[160], msg[256];
	snprintf(old, sizeof(old), "%s/v2.db", f->dir);
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(old, &raw), SQLITE_OK);
	for (int k = 1; k <= 2; k++)
		assert_int_equal(sqlite3_exec(raw, schema_sqlite_migration(k), NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(raw,
			     "INSERT INTO structures (id, type, name) VALUES (1, 'MSP', 'MSP');"
			     "INSERT INTO patients (id, structure_id, birth_name, first_names, "
			     "used_name, birth_date, sex) VALUES (1, 1, 'LEFèVRE', 'INèS', NULL, "
			     "'1980-02-14', 'female');"
			     "PRAGMA user_version = 2;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(raw);
	struct db *db = NULL;
	struct db_options opts = {.migrate = true};
	assert_int_equal(db_open(old, &opts, &db, msg, sizeof(msg)), COOP_OK);
	struct db_patient *found = NULL;
	struct db_patient_key next;
	size_t n = 0;
	assert_int_equal(db_patient_search(db, 1, "LEFE", false, 0, NULL, 10, &f->arena, &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(found[0].birth_name, "LEFÈVRE");
	assert_string_equal(found[0].first_names, "INÈS");
	assert_int_equal(found[0].merged_into, 0);
	db_close(db);

	/* candidates and merge, on a fresh database */
	int64_t st = add_structure(f);
	struct db_patient pa = {.structure_id = st, .birth_name = "LEFÈVRE", .first_names = "INÈS",
				.used_name = "MARTIN", .birth_date = day("1980-02-14"),
				.sex = "female"};
	int64_t kept = 0, dup = 0, other = 0;
	assert_int_equal(db_patient_insert(f->db, &pa, &kept), COOP_OK);
	pa.birth_name = "LEFEVRE";
	pa.used_name = NULL;
	assert_int_equal(db_patient_insert(f->db, &pa, &dup), COOP_OK);
	pa.birth_name = "DUPUIS";
	pa.nir = "280027511200135";
	assert_int_equal(db_patient_insert(f->db, &pa, &other), COOP_OK);
	/* search by used name too, folded */
	assert_int_equal(db_patient_search(f->db, st, "MAR", false, 0, NULL, 10, &f->arena, &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0].id, kept);
	/* candidates: folded birth name as typed, same date; or the NIR */
	assert_int_equal(db_patient_candidates(f->db, st, 0, "Lefèvre", day("1980-02-14"), NULL,
					       10, &f->arena, &found, &n),
			 COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(db_patient_candidates(f->db, st, kept, "Lefèvre", day("1980-02-14"),
					       "280027511200135", 10, &f->arena, &found, &n),
			 COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(found[0].id, dup);
	assert_int_equal(found[1].id, other);
	assert_int_equal(db_patient_candidates(f->db, st, 0, "Lefèvre", day("1980-02-15"), NULL,
					       10, &f->arena, &found, &n),
			 COOP_OK);
	assert_int_equal(n, 0);

	/* the duplicate's episodes move to the kept record */
	struct db_adoption ad = {.structure_id = st, .protocol_id = "snp-cystite",
				 .adopted_on = day("2026-01-05")};
	int64_t ad_id = 0, acc_id = 0, ep_id = 0;
	assert_int_equal(db_adoption_insert(f->db, &ad, &ad_id), COOP_OK);
	struct db_account acc = {.structure_id = st, .login = "accueil-fusion",
				 .display_name = "Accueil", .password_hash = "h",
				 .roles = DB_ROLE_SECRETARY};
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), COOP_OK);
	struct db_episode ep = {.structure_id = st, .patient_id = dup, .adoption_id = ad_id,
				.state = "orientation", .created_by = acc_id, .created_at = 500};
	assert_int_equal(db_episode_insert(f->db, &ep, &ep_id), COOP_OK);
	int64_t *moved = NULL;
	size_t n_moved = 0;
	assert_int_equal(db_patient_merge(f->db, st, dup, 2, kept, &f->arena, &moved, &n_moved),
			 ERR_CONFLICT); /* stale version */
	assert_int_equal(db_patient_merge(f->db, st, dup, 1, dup, &f->arena, &moved, &n_moved),
			 ERR_CONFLICT); /* into itself */
	assert_int_equal(db_patient_merge(f->db, st, dup, 1, kept, &f->arena, &moved, &n_moved),
			 COOP_OK);
	assert_int_equal(n_moved, 1);
	assert_int_equal(moved[0], ep_id);
	struct db_episode eb;
	assert_int_equal(db_episode_get(f->db, st, ep_id, &f->arena, &eb), COOP_OK);
	assert_int_equal(eb.patient_id, kept);
	assert_int_equal(eb.version, 2);
	struct db_patient back;
	assert_int_equal(db_patient_get(f->db, st, dup, &f->arena, &back), COOP_OK);
	assert_int_equal(back.merged_into, kept);
	assert_int_equal(back.version, 2);
	/* merged: out of searches and candidates, no longer corrected nor merged again */
	assert_int_equal(db_patient_search(f->db, st, "LEF", false, 0, NULL, 10, &f->arena, &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0].id, kept);
	assert_int_equal(db_patient_candidates(f->db, st, 0, "LEFEVRE", day("1980-02-14"), NULL,
					       10, &f->arena, &found, &n),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_patient_update(f->db, &back), ERR_CONFLICT);
	assert_int_equal(db_patient_merge(f->db, st, dup, 2, kept, &f->arena, &moved, &n_moved),
			 ERR_CONFLICT);

	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char p2[200];
		snprintf(p2, sizeof(p2), "%s%s", old, suffixes[i]);
		unlink(p2);
	}
}

/* The adhesions a caller's roles are derived from: the professional's, in that structure only,
 * with the profession; none when the professional is another structure's. */
static void test_adhesions_of_professional(void **state)
{
	struct fixture *f = *state;
	int64_t st = add_structure(f);
	struct db_structure other_st = {.type = "CPTS", .name = "CPTS du Val", .address = "2 rue Basse"};
	int64_t st2 = 0;
	assert_int_equal(db_structure_insert(f->db, &other_st, &st2), COOP_OK);
	int64_t nurse = add_professional(f, st, "infirmier");
	int64_t outsider = add_professional(f, st2, "medecin");
	int64_t adoptions[2] = {0, 0};
	const char *protocols[2] = {"snp-cystite", "snp-varicelle"};
	for (int i = 0; i < 2; i++) {
		struct db_adoption ad = {.structure_id = st, .protocol_id = protocols[i],
					 .adopted_on = day("2026-01-05")};
		assert_int_equal(db_adoption_insert(f->db, &ad, &adoptions[i]), COOP_OK);
	}
	struct db_adoption ad2 = {.structure_id = st2, .protocol_id = "snp-cystite",
				  .adopted_on = day("2026-01-05")};
	int64_t adoption2 = 0;
	assert_int_equal(db_adoption_insert(f->db, &ad2, &adoption2), COOP_OK);
	struct db_adhesion a = {.professional_id = nurse, .adoption_id = adoptions[1],
				.role = "delegue", .effective_from = day("2026-01-05"),
				.has_effective_to = true, .effective_to = day("2026-06-01")};
	assert_int_equal(db_adhesion_insert(f->db, &a, NULL), COOP_OK);
	a.adoption_id = adoptions[0];
	a.has_effective_to = false;
	assert_int_equal(db_adhesion_insert(f->db, &a, NULL), COOP_OK);
	a.role = "delegant";
	assert_int_equal(db_adhesion_insert(f->db, &a, NULL), COOP_OK);
	/* the other structure's professional, adhering to this structure's adoption */
	struct db_adhesion b = {.professional_id = outsider, .adoption_id = adoptions[0],
				.role = "delegant", .effective_from = day("2026-01-05")};
	assert_int_equal(db_adhesion_insert(f->db, &b, NULL), COOP_OK);
	b.adoption_id = adoption2;
	assert_int_equal(db_adhesion_insert(f->db, &b, NULL), COOP_OK);

	struct db_professional_adhesion *rows = NULL;
	size_t n = 0;
	assert_int_equal(db_adhesions_of_professional(f->db, nurse, st, 100, &f->arena, &rows, &n),
			 COOP_OK);
	assert_int_equal(n, 3);
	/* by adoption, then id */
	assert_int_equal(rows[0].adhesion.adoption_id, adoptions[0]);
	assert_string_equal(rows[0].adhesion.role, "delegue");
	assert_string_equal(rows[1].adhesion.role, "delegant");
	assert_int_equal(rows[2].adhesion.adoption_id, adoptions[1]);
	assert_true(rows[2].adhesion.has_effective_to);
	assert_int_equal(rows[2].adhesion.effective_to, day("2026-06-01"));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].profession, "infirmier");
		assert_int_equal(rows[i].adhesion.professional_id, nurse);
	}
	assert_int_equal(db_adhesions_of_professional(f->db, nurse, st, 2, &f->arena, &rows, &n),
			 COOP_OK);
	assert_int_equal(n, 2); /* the limit */
	/* in another structure, the nurse has none */
	assert_int_equal(db_adhesions_of_professional(f->db, nurse, st2, 100, &f->arena, &rows, &n),
			 COOP_OK);
	assert_int_equal(n, 0);
	/* another structure's professional has none here, even adhering to an adoption of it */
	assert_int_equal(db_adhesions_of_professional(f->db, outsider, st, 100, &f->arena, &rows,
						      &n),
			 COOP_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db_adhesions_of_professional(f->db, outsider, st2, 100, &f->arena, &rows,
						      &n),
			 COOP_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].profession, "medecin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_schema_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memberships, setup, teardown),
		cmocka_unit_test_setup_teardown(test_team_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_keys_and_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traces_ride_with_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traces_commit_alone_after_rollback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_audit_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patients_and_episodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_episode_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patient_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adhesions_of_professional, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
