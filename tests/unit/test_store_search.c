/*
 * test_store_search.c — what a page of a list costs in the SQLite backend, and the time bound of
 * a connection's reads:
 * - a patient search pages by (matched name, first names, id): birth-name and used-name matches
 *   merged in that order, a patient whose two names match once, homonyms split across pages by
 *   id, merged records and other structures' patients never listed, the birth date filtering;
 * - the accounts of a structure page by login;
 * - the plans of those statements read their indexes in order (no SCAN, no temporary b-tree
 *   for ORDER BY, the two halves of a search merged);
 * - db_set_deadline(): a read still running after its deadline is interrupted (ERR_TIMEOUT)
 *   and the connection works afterwards; a read inside a write transaction and a write are
 *   never interrupted; 0 removes the bound.
 * - the page cache of a connection stays within its bound after reading more than it holds.
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
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/schema_sqlite.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena arena;
	int64_t st, other;
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
	snprintf(f->dir, sizeof(f->dir), "/tmp/coop-search-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/coop.db", f->dir);
	struct db_options opts = {.create = true, .migrate = true};
	char msg[256];
	if (db_open(f->path, &opts, &f->db, msg, sizeof(msg)) != COOP_OK)
		return -1;
	arena_init(&f->arena, 0);
	struct db_structure s = {.type = "MSP", .name = "MSP des Tilleuls", .address = "1 rue"};
	if (db_structure_insert(f->db, &s, &f->st) != COOP_OK)
		return -1;
	s.name = "MSP du Port";
	if (db_structure_insert(f->db, &s, &f->other) != COOP_OK)
		return -1;
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

static int64_t add_patient(struct fixture *f, int64_t structure, const char *birth_name,
			   const char *first_names, const char *used_name, const char *born)
{
	struct db_patient p = {.structure_id = structure, .birth_name = birth_name,
			       .first_names = first_names, .used_name = used_name,
			       .birth_date = day(born), .sex = "female"};
	int64_t id = 0;
	assert_int_equal(db_patient_insert(f->db, &p, &id), COOP_OK);
	return id;
}

/* Walks the whole search page by page (limit per page); the ids in order go to ids (at most
 * max), their count is returned. Every page but the last is full and has a next key. */
static size_t walk(struct fixture *f, const char *prefix, bool has_date, const char *born,
		   size_t limit, int64_t *ids, size_t max)
{
	struct db_patient_key after = {0}, next = {0};
	size_t total = 0;
	for (int pages = 0; pages < 100; pages++) {
		struct db_patient *found = NULL;
		size_t n = 0;
		assert_int_equal(db_patient_search(f->db, f->st, prefix, has_date,
						   has_date ? day(born) : 0,
						   pages ? &after : NULL, limit, &f->arena, &found,
						   &n, &next),
				 COOP_OK);
		for (size_t i = 0; i < n; i++) {
			assert_true(total < max);
			ids[total++] = found[i].id;
		}
		if (!next.name)
			return total;
		assert_int_equal(n, limit);
		assert_int_equal(next.id, found[n - 1].id);
		after = next;
	}
	fail_msg("la recherche ne finit pas");
	return total;
}

static void test_search_pages(void **state)
{
	struct fixture *f = *state;
	/* inserted out of order: the order is the store's */
	int64_t jean = add_patient(f, f->st, "DUPONT", "JEAN", NULL, "1980-01-01");
	int64_t durand = add_patient(f, f->st, "DURAND", "LUC", "DUPUIS", "1975-05-05");
	int64_t anne1 = add_patient(f, f->st, "DUPONT", "ANNE", NULL, "1980-01-01");
	int64_t martin = add_patient(f, f->st, "MARTIN", "CLAIRE", "DUPRÉ", "1990-02-02");
	int64_t leroy = add_patient(f, f->st, "LEROY", "PAUL", "DUVAL", "1980-01-01");
	int64_t anne2 = add_patient(f, f->st, "DUPONT", "ANNE", NULL, "1966-06-06");
	int64_t dubois = add_patient(f, f->st, "DUBOIS", "MARIE", NULL, "1980-01-01");
	add_patient(f, f->other, "DUFOUR", "ALICE", NULL, "1980-01-01");
	add_patient(f, f->st, "MOREAU", "LÉA", NULL, "1980-01-01");
	/* a merged record leaves the searches */
	int64_t *moved = NULL;
	size_t n_moved = 0;
	assert_int_equal(db_patient_merge(f->db, f->st, dubois, 1, jean, &f->arena, &moved,
					  &n_moved),
			 COOP_OK);

	/* by the name that matched: DURAND under its birth name only, MARTIN under DUPRE,
	 * LEROY under DUVAL; homonyms by id */
	const int64_t expected[] = {anne1, anne2, jean, martin, durand, leroy};
	const size_t count = sizeof(expected) / sizeof(expected[0]);
	int64_t ids[16];
	for (size_t limit = 1; limit <= 7; limit++) {
		size_t n = walk(f, "DU", false, NULL, limit, ids, 16);
		assert_int_equal(n, count);
		for (size_t i = 0; i < count; i++)
			assert_int_equal(ids[i], expected[i]);
	}
	/* "DUP": DURAND now matches by its used name, under it */
	const int64_t dup[] = {anne1, anne2, jean, martin, durand};
	assert_int_equal(walk(f, "DUP", false, NULL, 2, ids, 16), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(ids[i], dup[i]);
	/* born on a day: the same order among those born then */
	const int64_t born[] = {anne1, jean, leroy};
	for (size_t limit = 1; limit <= 3; limit++) {
		assert_int_equal(walk(f, "DU", true, "1980-01-01", limit, ids, 16), 3);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(ids[i], born[i]);
	}
	assert_int_equal(walk(f, "DU", true, "1980-01-02", 5, ids, 16), 0);
	/* the next key names the name the patient is sorted under */
	struct db_patient *found = NULL;
	struct db_patient_key next;
	size_t n = 0;
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 4, &f->arena, &found,
					   &n, &next),
			 COOP_OK);
	assert_int_equal(n, 4);
	assert_string_equal(next.name, "DUPRE");
	assert_string_equal(next.first_names, "CLAIRE");
	assert_int_equal(next.id, martin);
}

static void test_account_pages(void **state)
{
	struct fixture *f = *state;
	const char *logins[] = {"paul", "anne", "zoe", "claire", "bruno"};
	for (size_t i = 0; i < 5; i++) {
		struct db_account a = {.structure_id = f->st, .login = logins[i],
				       .display_name = logins[i], .password_hash = "h",
				       .roles = DB_ROLE_SECRETARY};
		assert_int_equal(db_account_insert(f->db, &a, NULL), COOP_OK);
	}
	struct db_account other = {.structure_id = f->other, .login = "berthe",
				   .display_name = "Berthe", .password_hash = "h",
				   .roles = DB_ROLE_SECRETARY};
	assert_int_equal(db_account_insert(f->db, &other, NULL), COOP_OK);
	const char *sorted[] = {"anne", "bruno", "claire", "paul", "zoe"};
	for (size_t limit = 1; limit <= 6; limit++) {
		const char *after = NULL;
		size_t seen = 0;
		bool more = true;
		while (more) {
			struct db_account *list = NULL;
			size_t n = 0;
			assert_int_equal(db_account_list(f->db, f->st, after, limit, &f->arena, &list,
							 &n, &more),
					 COOP_OK);
			assert_true(n <= limit);
			for (size_t i = 0; i < n; i++)
				assert_string_equal(list[i].login, sorted[seen++]);
			if (more)
				assert_int_equal(n, limit);
			after = n ? list[n - 1].login : after;
		}
		assert_int_equal(seen, 5);
	}
}

/* The plan of a named statement, one line per step. */
static void plan_of(struct fixture *f, const char *name, char *out, size_t size)
{
	const char *sql = db_sqlite_statement_sql(name);
	assert_non_null(sql);
	char explain[4096];
	snprintf(explain, sizeof(explain), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3 *raw = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	sqlite3_stmt *plan = NULL;
	assert_int_equal(sqlite3_prepare_v2(raw, explain, -1, &plan, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(plan) == SQLITE_ROW) {
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s\n", (const char *)sqlite3_column_text(plan, 3));
	}
	sqlite3_finalize(plan);
	sqlite3_close(raw);
}

static void test_plans_read_the_page(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *statement;
		const char *indexes[2];
	} lists[] = {
		{"patient_search", {"patients_search_birth", "patients_search_used"}},
		{"patient_search_born", {"patients_search_born ", "patients_search_born_used"}},
		{"account_list", {"accounts_by_structure", NULL}},
		/* the episode lists' ranges (migration 8) */
		{"episode_recent", {"episodes_recent", NULL}},
		{"episode_by_state", {"episodes_by_state", NULL}},
		{"episode_adoption", {"episodes_by_adoption ", NULL}},
		{"episode_adoption_state", {"episodes_by_adoption_state", NULL}},
		{"episode_run", {"episodes_run", NULL}},
		{"episode_queue_waiting", {"episodes_queue_waiting", NULL}},
		{"episode_queue_run", {"episodes_queue_run", NULL}},
		{"episode_referrals", {"episodes_referrals ", NULL}},
		{"episode_referrals_old", {"episodes_referrals_pending", NULL}},
		{"episode_revoyures", {"episodes_revoyures", NULL}},
		{"episode_list_for", {"episodes_by_patient", NULL}},
		/* the audit log, one statement per leading filter (migration 9) */
		{"audit_list", {"audit_by_time", NULL}},
		{"audit_list_action", {"audit_by_action", NULL}},
		{"audit_list_entity", {"audit_by_entity", NULL}},
		{"audit_list_account", {"audit_by_account", NULL}},
	};
	char plan[2048];
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		plan_of(f, lists[i].statement, plan, sizeof(plan));
		print_message("%s:\n%s", lists[i].statement, plan);
		if (strstr(plan, "SCAN") || strstr(plan, "TEMP B-TREE"))
			fail_msg("%s lit plus que sa page :\n%s", lists[i].statement, plan);
		for (size_t k = 0; k < 2 && lists[i].indexes[k]; k++)
			if (!strstr(plan, lists[i].indexes[k]))
				fail_msg("%s n'utilise pas %s :\n%s", lists[i].statement,
					 lists[i].indexes[k], plan);
		if (lists[i].indexes[1] && !strstr(plan, "MERGE (UNION ALL)"))
			fail_msg("%s : les deux moitiés ne sont pas fusionnées :\n%s",
				 lists[i].statement, plan);
	}
}

static void pause_ms(long ms)
{
	struct timespec t = {0, ms * 1000000L};
	nanosleep(&t, NULL);
}

/* Computes for ms milliseconds of this thread's CPU time. */
static void burn_cpu_ms(long ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	volatile unsigned sink = 0;
	do {
		for (int i = 0; i < 10000; i++)
			sink += (unsigned)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static void test_deadline(void **state)
{
	struct fixture *f = *state;
	/* enough rows that a page of them takes many thousands of virtual machine steps */
	assert_int_equal(db_begin(f->db), COOP_OK);
	for (int i = 0; i < 300; i++) {
		char first[32];
		snprintf(first, sizeof(first), "JEAN %c%c", 'A' + i / 26 % 26, 'A' + i % 26);
		add_patient(f, f->st, "DUPONT", first, NULL, "1980-01-01");
	}
	assert_int_equal(db_commit(f->db), COOP_OK);
	struct db_patient *found = NULL;
	struct db_patient_key next;
	size_t n = 0;

	/* a deadline already past interrupts the read: the thread computed longer than the bound */
	db_set_deadline(f->db, 1);
	burn_cpu_ms(3);
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 ERR_TIMEOUT);
	assert_int_equal(n, 0);
	/* a read inside a write transaction is not: the transaction finishes what it started */
	assert_int_equal(db_begin(f->db), COOP_OK);
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 200);
	add_patient(f, f->st, "DURAND", "LUC", NULL, "1980-01-01");
	assert_int_equal(db_commit(f->db), COOP_OK);
	/* outside it, the bound still holds */
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 ERR_TIMEOUT);
	/* nor is a write outside a transaction (here a purge of many sessions) */
	struct db_account acc = {.structure_id = f->st, .login = "accueil", .display_name = "Accueil",
				 .password_hash = "h", .roles = DB_ROLE_SECRETARY};
	int64_t acc_id = 0;
	assert_int_equal(db_account_insert(f->db, &acc, &acc_id), COOP_OK);
	db_set_deadline(f->db, 0);
	assert_int_equal(db_begin(f->db), COOP_OK);
	for (int i = 0; i < 300; i++) {
		char token[32];
		snprintf(token, sizeof(token), "t%d", i);
		struct db_session se = {.token_hash = token, .account_id = acc_id, .csrf_token = "c",
					.created_at = 1, .expires_at = 2, .last_seen = 1};
		assert_int_equal(db_session_insert(f->db, &se), COOP_OK);
	}
	assert_int_equal(db_commit(f->db), COOP_OK);
	db_set_deadline(f->db, 1);
	burn_cpu_ms(3);
	assert_int_equal(db_session_purge(f->db, 10), COOP_OK);
	struct db_session gone;
	assert_int_equal(db_session_get(f->db, "t299", &f->arena, &gone), ERR_NOT_FOUND);
	/* a new bound, far enough: the connection reads again */
	db_set_deadline(f->db, 60000);
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 200);
	/* waiting is not computing: a thread that waited (for the CPUs, say) longer than the bound
	 * but computed less still reads... */
	db_set_deadline(f->db, 50);
	pause_ms(100);
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 200);
	/* ...until DB_DEADLINE_WALL_FACTOR times the bound has passed on the clock */
	db_set_deadline(f->db, 5);
	pause_ms(5 * DB_DEADLINE_WALL_FACTOR + 10);
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 ERR_TIMEOUT);
	/* and with none */
	db_set_deadline(f->db, 1);
	burn_cpu_ms(3);
	db_set_deadline(f->db, 0);
	assert_int_equal(db_patient_search(f->db, f->st, "DU", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 200);
	assert_int_equal(db_patient_search(f->db, f->st, "DURAND", false, 0, NULL, 200, &f->arena,
					   &found, &n, &next),
			 COOP_OK);
	assert_int_equal(n, 1);
}

static void test_cache_bound(void **state)
{
	struct fixture *f = *state;
	/* a few megabytes of patients, read whole page after page */
	char first[256];
	assert_int_equal(db_begin(f->db), COOP_OK);
	for (int i = 0; i < 6000; i++) {
		snprintf(first, sizeof(first), "JEAN %c%c%c %0200d", 'A' + i / 676 % 26,
			 'A' + i / 26 % 26, 'A' + i % 26, i);
		add_patient(f, f->st, "DUPONT", first, NULL, "1980-01-01");
	}
	assert_int_equal(db_commit(f->db), COOP_OK);
	int64_t ids[8000];
	assert_int_equal(walk(f, "DU", false, NULL, 200, ids, 8000), 6000);
	size_t used = db_cache_used(f->db);
	print_message("cache : %zu octets\n", used);
	assert_true(used > DB_CACHE_KIB_DEFAULT * 1024 / 2); /* the cache was used... */
	assert_true(used <= DB_CACHE_KIB_DEFAULT * 1024 * 11 / 10); /* ...within its bound */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_account_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plans_read_the_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_bound, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
