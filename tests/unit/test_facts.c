/*
 * test_facts.c — rows of the store turned into the core's team facts (src/api/facts.c): the
 * professional's profession (a failed lookup names no profession, never a default one), the
 * adhesion and its declarations, and the adhesions of a person to a protocol with the one that
 * speaks for them. Each test works in a fresh database file in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/facts.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena arena;
	int64_t structure, nurse, stranger, adoption;
};

static coop_date day(const char *iso)
{
	coop_date d = 0;
	assert_true(date_parse(iso, strlen(iso), &d));
	return d;
}

static int64_t professional(struct fixture *f, const char *last_name, const char *profession)
{
	struct db_professional p = {.structure_id = f->structure,
				    .last_name = last_name,
				    .first_names = "Test",
				    .profession = profession,
				    .rpps = NULL};
	int64_t id = 0;
	assert_int_equal(db_professional_insert(f->db, &p, &id), COOP_OK);
	return id;
}

/* An adhesion of `who` in `role` from `from` (to `to` when not NULL), declarations in order (a
 * délégué's training validated by the professional `stranger`, whose id is all that counts). */
static int64_t adhesion(struct fixture *f, int64_t who, const char *role, const char *from,
			const char *to)
{
	struct db_adhesion ad = {.professional_id = who,
				 .adoption_id = f->adoption,
				 .role = role,
				 .effective_from = day(from),
				 .has_effective_to = to != NULL,
				 .effective_to = to ? day(to) : 0,
				 .training_validated_by = strcmp(role, "delegue") == 0 ? f->stranger : 0,
				 .has_training_date = strcmp(role, "delegue") == 0,
				 .training_date = day("2024-01-01"),
				 .training_hours = 7,
				 .insurer = "Assureur",
				 .has_insurance_date = true,
				 .insurance_date = day("2024-01-01"),
				 .has_engagement_date = true,
				 .engagement_date = day("2024-01-01")};
	int64_t id = 0;
	assert_int_equal(db_adhesion_insert(f->db, &ad, &id), COOP_OK);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/coop-facts-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/coop.db", f->dir);
	struct db_options opts = {.create = true, .migrate = true};
	char msg[256];
	if (db_open(f->path, &opts, &f->db, msg, sizeof(msg)) != COOP_OK)
		return -1;
	arena_init(&f->arena, 0);
	struct db_structure st = {.type = "MSP", .name = "MSP de test"};
	if (db_structure_insert(f->db, &st, &f->structure) != COOP_OK)
		return -1;
	struct db_adoption ad = {.structure_id = f->structure,
				 .protocol_id = "snp-cystite",
				 .status = "active",
				 .adopted_on = day("2024-01-01")};
	if (db_adoption_insert(f->db, &ad, &f->adoption) != COOP_OK)
		return -1;
	f->nurse = professional(f, "Martin", "infirmier");
	/* a code no longer known (a profession removed from the list, a hand-edited file) */
	f->stranger = professional(f, "Inconnu", "sorcier");
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

static void test_profession(void **state)
{
	struct fixture *f = *state;
	struct db_professional p = {.profession = "infirmier"};
	assert_int_equal(facts_profession(&p), PROF_INFIRMIER);
	p.profession = "sorcier";
	assert_int_equal(facts_profession(&p), PROF_UNKNOWN);
	p.profession = NULL;
	assert_int_equal(facts_profession(&p), PROF_UNKNOWN);
	assert_int_equal(facts_profession(NULL), PROF_UNKNOWN);

	assert_int_equal(facts_profession_of(f->db, &f->arena, f->nurse), PROF_INFIRMIER);
	assert_int_equal(facts_profession_of(f->db, &f->arena, f->stranger), PROF_UNKNOWN);
	assert_int_equal(facts_profession_of(f->db, &f->arena, 0), PROF_UNKNOWN);
	assert_int_equal(facts_profession_of(f->db, &f->arena, 424242), PROF_UNKNOWN);
}

static void test_adhesion_and_declarations(void **state)
{
	(void)state;
	struct db_adhesion row = {.id = 3,
				  .professional_id = 11,
				  .adoption_id = 5,
				  .role = "delegue",
				  .effective_from = day("2026-01-01"),
				  .has_effective_to = true,
				  .effective_to = day("2026-07-01"),
				  .training_validated_by = 7,
				  .has_training_date = true,
				  .training_date = day("2025-12-15"),
				  .training_hours = 14,
				  .insurer = "MACSF",
				  .has_insurance_date = true,
				  .insurance_date = day("2025-12-10"),
				  .has_engagement_date = true,
				  .engagement_date = day("2025-12-01")};
	struct team_adhesion a;
	assert_true(facts_adhesion(&row, PROF_INFIRMIER, &a));
	assert_int_equal(a.professional_id, 11);
	assert_int_equal(a.adoption_id, 5);
	assert_int_equal(a.profession, PROF_INFIRMIER);
	assert_int_equal(a.role, TEAM_ROLE_DELEGUE);
	assert_true(a.has_effective_to);
	assert_int_equal(a.effective_to, day("2026-07-01"));
	assert_true(a.training_validated);
	assert_int_equal(a.training_validated_by, 7);
	assert_true(a.insurance_declared);
	assert_string_equal(a.insurer, "MACSF");
	assert_true(a.engagement_signed);

	/* an insurer without its date is no declaration; a training without its date neither */
	row.has_insurance_date = false;
	row.has_training_date = false;
	assert_true(facts_adhesion(&row, PROF_INFIRMIER, &a));
	assert_false(a.insurance_declared);
	assert_false(a.training_validated);

	struct team_declarations d;
	facts_declarations(&row, &d);
	assert_int_equal(d.effective_from, day("2026-01-01"));
	assert_true(d.has_effective_to);
	assert_string_equal(d.insurer, "MACSF");
	assert_false(d.has_insurance_date);
	assert_true(d.has_engagement_date);
	assert_int_equal(d.engagement_date, day("2025-12-01"));

	row.role = "chef";
	assert_false(facts_adhesion(&row, PROF_INFIRMIER, &a));
	assert_int_equal(facts_allowed(NULL, TEAM_ROLE_DELEGUE, day("2026-01-01")), 0);
}

static void test_adhesions_of_and_pick(void **state)
{
	struct fixture *f = *state;
	int64_t old = adhesion(f, f->nurse, "delegue", "2024-01-01", "2025-01-01");
	int64_t now = adhesion(f, f->nurse, "delegue", "2025-01-01", NULL);
	const coop_date today = day("2026-11-25");
	const uint64_t nurses = team_profession_bit(PROF_INFIRMIER);

	struct team_adhesion *list = NULL;
	size_t n = 0;
	assert_int_equal(facts_adhesions_of(f->db, &f->arena, f->nurse, f->adoption, 0, &list, &n),
			 COOP_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].profession, PROF_INFIRMIER);
	assert_int_equal(list[0].adoption_id, f->adoption);
	assert_int_equal(facts_adhesions_of(f->db, &f->arena, f->nurse, f->adoption, now, &list,
					    &n),
			 COOP_OK);
	assert_int_equal(n, 1); /* the one that changes left out */
	assert_int_equal(list[0].effective_from, day("2024-01-01"));
	(void)old;
	assert_int_equal(facts_adhesions_of(f->db, &f->arena, 0, f->adoption, 0, &list, &n),
			 COOP_OK);
	assert_int_equal(n, 0);
	assert_null(list);

	struct team_adhesion picked;
	assert_true(facts_pick_adhesion(f->db, &f->arena, f->nurse, f->adoption, TEAM_ROLE_DELEGUE,
					today, nurses, &picked));
	assert_int_equal(picked.effective_from, day("2025-01-01"));
	struct team_check check;
	assert_true(team_check_adhesion(&picked, TEAM_ROLE_DELEGUE, today, nurses, &check));
	assert_false(facts_pick_adhesion(f->db, &f->arena, f->stranger, f->adoption,
					 TEAM_ROLE_DELEGUE, today, nurses, &picked));

	/* a stored code no longer known: the facts say PROF_UNKNOWN, and no rule lets them act,
	 * whatever the version allows */
	adhesion(f, f->stranger, "delegant", "2025-01-01", NULL);
	assert_true(facts_pick_adhesion(f->db, &f->arena, f->stranger, f->adoption,
					TEAM_ROLE_DELEGANT, today, UINT64_MAX, &picked));
	assert_int_equal(picked.profession, PROF_UNKNOWN);
	assert_false(team_check_adhesion(&picked, TEAM_ROLE_DELEGANT, today, UINT64_MAX, &check));
	assert_true(team_check_has(&check, TEAM_BLOCKER_PROFESSION_NOT_ALLOWED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profession, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adhesion_and_declarations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adhesions_of_and_pick, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
