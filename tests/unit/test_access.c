/*
 * test_access.c — effective roles from the adhesions (an account's clinical flags count for
 * nothing, an ended or future adhesion gives no role, another person's adhesion neither), and the
 * tables of who sees which episode (and how much) and who performs which action: every kind of
 * caller × every state × before / after the assessment starts × every action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/access.h"

static coop_date D(const char *s)
{
	coop_date d = 0;
	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

#define TODAY D("2026-11-25")
#define A 1 /* the episode's adoption */
#define B 2 /* another protocol of the structure */

static struct access_adhesion adhesion(int64_t adoption, int64_t professional, enum team_role role,
				       const char *from, const char *to)
{
	struct access_adhesion a = {.adoption_id = adoption};
	a.adhesion.professional_id = professional;
	a.adhesion.role = role;
	a.adhesion.effective_from = D(from);
	if (to) {
		a.adhesion.has_effective_to = true;
		a.adhesion.effective_to = D(to);
	}
	return a;
}

/* ---- Effective roles ---- */

static void test_clinical_flags_of_the_account_count_for_nothing(void **state)
{
	(void)state;
	struct access_caller c;
	access_caller_derive(ACCESS_ROLE_DELEGUE | ACCESS_ROLE_DELEGANT | ACCESS_ROLE_SECRETARY, 11,
			     NULL, 0, TODAY, &c);
	assert_int_equal(c.roles, ACCESS_ROLE_SECRETARY);
	assert_int_equal(c.n_delegue_of, 0);
	assert_int_equal(c.n_delegant_of, 0);
	access_caller_derive(ACCESS_ROLE_COORDINATOR | ACCESS_ROLE_DELEGANT, 0, NULL, 0, TODAY, &c);
	assert_int_equal(c.roles, ACCESS_ROLE_COORDINATOR);
}

struct derive_case {
	const char *what;
	int64_t professional; /* the caller's */
	struct access_adhesion ad;
	unsigned roles;     /* expected */
	int64_t delegue_of; /* expected single adoption, or 0 */
	int64_t delegant_of;
};

static void test_roles_follow_the_adhesions_active_today(void **state)
{
	(void)state;
	const struct derive_case cases[] = {
		{"délégué depuis longtemps, sans fin", 11,
		 adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", NULL), ACCESS_ROLE_DELEGUE, A, 0},
		{"délégant", 7, adhesion(B, 7, TEAM_ROLE_DELEGANT, "2025-01-01", NULL),
		 ACCESS_ROLE_DELEGANT, 0, B},
		{"premier jour d'adhésion", 11, adhesion(A, 11, TEAM_ROLE_DELEGUE, "2026-11-25", NULL),
		 ACCESS_ROLE_DELEGUE, A, 0},
		{"adhésion qui commence demain", 11,
		 adhesion(A, 11, TEAM_ROLE_DELEGUE, "2026-11-26", NULL), 0, 0, 0},
		{"dernier jour (fin demain)", 11,
		 adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", "2026-11-26"), ACCESS_ROLE_DELEGUE,
		 A, 0},
		{"adhésion finie aujourd'hui", 11,
		 adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", "2026-11-25"), 0, 0, 0},
		{"délégant parti hier", 7,
		 adhesion(A, 7, TEAM_ROLE_DELEGANT, "2025-01-01", "2026-11-24"), 0, 0, 0},
		{"l'adhésion d'un autre professionnel", 12,
		 adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", NULL), 0, 0, 0},
		{"un compte sans professionnel", 0,
		 adhesion(A, 0, TEAM_ROLE_DELEGUE, "2025-01-01", NULL), 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct derive_case *k = &cases[i];
		print_message("%s\n", k->what);
		struct access_caller c;
		memset(&c, 0x5a, sizeof(c));
		access_caller_derive(ACCESS_ROLE_DELEGUE, k->professional, &k->ad, 1, TODAY, &c);
		assert_int_equal(c.roles, k->roles);
		assert_int_equal(c.professional_id, k->professional);
		assert_int_equal(c.n_delegue_of, k->delegue_of ? 1 : 0);
		assert_int_equal(c.n_delegant_of, k->delegant_of ? 1 : 0);
		if (k->delegue_of)
			assert_int_equal(c.delegue_of[0], k->delegue_of);
		if (k->delegant_of)
			assert_int_equal(c.delegant_of[0], k->delegant_of);
		assert_int_equal(access_is_delegue_of(&c, A), k->delegue_of == A);
		assert_int_equal(access_is_delegant_of(&c, B), k->delegant_of == B);
	}
}

static void test_several_adhesions(void **state)
{
	(void)state;
	const struct access_adhesion ads[] = {
		adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", "2026-01-01"), /* ended */
		adhesion(A, 11, TEAM_ROLE_DELEGUE, "2026-02-01", NULL),        /* came back */
		adhesion(A, 11, TEAM_ROLE_DELEGUE, "2026-03-01", NULL),        /* twice: once */
		adhesion(B, 11, TEAM_ROLE_DELEGANT, "2025-01-01", NULL),
		adhesion(3, 11, TEAM_ROLE_DELEGUE, "2025-01-01", "2026-11-01"), /* ended */
	};
	struct access_caller c;
	access_caller_derive(0, 11, ads, 5, TODAY, &c);
	assert_int_equal(c.roles, ACCESS_ROLE_DELEGUE | ACCESS_ROLE_DELEGANT);
	assert_int_equal(c.n_delegue_of, 1);
	assert_int_equal(c.delegue_of[0], A);
	assert_int_equal(c.n_delegant_of, 1);
	assert_int_equal(c.delegant_of[0], B);
	assert_false(access_is_delegue_of(&c, 3));
	assert_false(access_is_delegue_of(&c, B));
	assert_false(access_is_delegant_of(&c, A));
}

static void test_at_most_the_maximum_of_adoptions(void **state)
{
	(void)state;
	struct access_adhesion ads[ACCESS_ADOPTIONS_MAX + 5];
	for (size_t i = 0; i < ACCESS_ADOPTIONS_MAX + 5; i++)
		ads[i] = adhesion((int64_t)i + 1, 11, TEAM_ROLE_DELEGUE, "2025-01-01", NULL);
	struct access_caller c;
	access_caller_derive(0, 11, ads, ACCESS_ADOPTIONS_MAX + 5, TODAY, &c);
	assert_int_equal(c.n_delegue_of, ACCESS_ADOPTIONS_MAX);
	assert_true(access_is_delegue_of(&c, ACCESS_ADOPTIONS_MAX));
	assert_false(access_is_delegue_of(&c, ACCESS_ADOPTIONS_MAX + 1));
}

/* A caller with the roles bits set but no adoption listed is délégué of nothing. */
static void test_role_bit_without_adoption(void **state)
{
	(void)state;
	struct access_caller c = {.roles = ACCESS_ROLE_DELEGUE | ACCESS_ROLE_DELEGANT,
				  .professional_id = 11};
	struct access_episode e = {.adoption_id = A, .state = PATHWAY_CONSENTED};
	assert_false(access_is_delegue_of(&c, A));
	assert_false(access_is_delegant_of(&c, A));
	assert_int_equal(access_episode_view(&c, &e), ACCESS_VIEW_NONE);
	/* and an adoption listed without the role bit counts for nothing either */
	struct access_caller d = {.professional_id = 11, .n_delegue_of = 1, .delegue_of = {A},
				  .n_delegant_of = 1, .delegant_of = {A}};
	assert_false(access_is_delegue_of(&d, A));
	assert_false(access_is_delegant_of(&d, A));
}

/* ---- The callers of the tables ---- */

enum who {
	NOBODY,          /* signed in, no role today (e.g. their last adhesion ended) */
	COORDINATOR,     /* the structure's coordinator */
	SECRETARY,       /* the secretariat */
	DELEGUE,         /* délégué of A (professional 11): runs the started episodes */
	OTHER_DELEGUE,   /* another délégué of A (professional 12) */
	DELEGUE_OF_B,    /* délégué of another protocol only (professional 13) */
	ENDED_DELEGUE,   /* professional 11, whose adhesion to A ended yesterday, still B */
	DELEGANT,        /* délégant of A (professional 7) */
	DELEGANT_OF_B,   /* délégant of another protocol only (professional 8) */
	SECRETARY_OF_B,  /* secretariat, and délégué of B (professional 14) */
	WHO_COUNT
};

static const char *const who_names[WHO_COUNT] = {
	"sans rôle",       "coordination",     "secrétariat",        "délégué",
	"autre délégué",   "délégué d'un autre protocole", "délégué dont l'adhésion a pris fin",
	"délégant",        "délégant d'un autre protocole", "secrétariat et délégué d'un autre protocole",
};

static struct access_caller caller(enum who w)
{
	struct access_adhesion ads[2];
	size_t n = 0;
	unsigned held = 0;
	int64_t pro = 0;
	switch (w) {
	case NOBODY:
		pro = 15;
		ads[n++] = adhesion(A, 15, TEAM_ROLE_DELEGUE, "2025-01-01", "2026-11-25");
		held = ACCESS_ROLE_DELEGUE; /* the stored flag, ignored */
		break;
	case COORDINATOR: held = ACCESS_ROLE_COORDINATOR; break;
	case SECRETARY: held = ACCESS_ROLE_SECRETARY; break;
	case DELEGUE:
		pro = 11;
		ads[n++] = adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", NULL);
		break;
	case OTHER_DELEGUE:
		pro = 12;
		ads[n++] = adhesion(A, 12, TEAM_ROLE_DELEGUE, "2025-01-01", NULL);
		break;
	case DELEGUE_OF_B:
		pro = 13;
		ads[n++] = adhesion(B, 13, TEAM_ROLE_DELEGUE, "2025-01-01", NULL);
		break;
	case ENDED_DELEGUE:
		pro = 11;
		ads[n++] = adhesion(A, 11, TEAM_ROLE_DELEGUE, "2025-01-01", "2026-11-24");
		ads[n++] = adhesion(B, 11, TEAM_ROLE_DELEGUE, "2025-01-01", NULL);
		break;
	case DELEGANT:
		pro = 7;
		ads[n++] = adhesion(A, 7, TEAM_ROLE_DELEGANT, "2025-01-01", NULL);
		break;
	case DELEGANT_OF_B:
		pro = 8;
		ads[n++] = adhesion(B, 8, TEAM_ROLE_DELEGANT, "2025-01-01", NULL);
		break;
	case SECRETARY_OF_B:
		pro = 14;
		held = ACCESS_ROLE_SECRETARY;
		ads[n++] = adhesion(B, 14, TEAM_ROLE_DELEGUE, "2025-01-01", NULL);
		break;
	case WHO_COUNT: break;
	}
	struct access_caller c;
	access_caller_derive(held, pro, ads, n, TODAY, &c);
	return c;
}

/* ---- Who sees what ---- */

/* clang-format off */
#define N_ ACCESS_VIEW_NONE
#define S_ ACCESS_VIEW_STATES
#define O_ ACCESS_VIEW_ORIENTATION
#define C_ ACCESS_VIEW_CLINICAL
/* clang-format on */

/* [who][state]: the view of an episode of protocol A not started (no délégué) or, from the
 * assessment on, run by professional 11 (DELEGUE). States in enum order: orientation, proposed,
 * usual_care, consented, assessing, included, excluded, follow_up, closed, cancelled. */
static const enum access_view view_table[WHO_COUNT][PATHWAY_STATE_COUNT] = {
	[NOBODY] = {N_, N_, N_, N_, N_, N_, N_, N_, N_, N_},
	[COORDINATOR] = {S_, S_, S_, S_, S_, S_, S_, S_, S_, S_},
	[SECRETARY] = {O_, O_, O_, O_, O_, O_, O_, O_, O_, O_},
	[DELEGUE] = {C_, C_, N_, C_, C_, C_, C_, C_, C_, N_},
	[OTHER_DELEGUE] = {C_, C_, N_, C_, N_, N_, N_, N_, N_, N_},
	[DELEGUE_OF_B] = {N_, N_, N_, N_, N_, N_, N_, N_, N_, N_},
	[ENDED_DELEGUE] = {N_, N_, N_, N_, N_, N_, N_, N_, N_, N_},
	[DELEGANT] = {C_, C_, C_, C_, C_, C_, C_, C_, C_, C_},
	[DELEGANT_OF_B] = {N_, N_, N_, N_, N_, N_, N_, N_, N_, N_},
	[SECRETARY_OF_B] = {O_, O_, O_, O_, O_, O_, O_, O_, O_, O_},
};

/* Which states an episode is run in by professional 11 in these tables. */
static bool started(enum pathway_state s)
{
	return s != PATHWAY_ORIENTATION && s != PATHWAY_PROPOSED && s != PATHWAY_CONSENTED &&
	       s != PATHWAY_USUAL_CARE && s != PATHWAY_CANCELLED;
}

static void test_who_sees_which_episode(void **state)
{
	(void)state;
	for (int w = 0; w < WHO_COUNT; w++) {
		struct access_caller c = caller((enum who)w);
		for (int s = 0; s < PATHWAY_STATE_COUNT; s++) {
			struct access_episode e = {.adoption_id = A, .state = (enum pathway_state)s,
						   .delegue_id = started(s) ? 11 : 0};
			print_message("%s × %s\n", who_names[w],
				      pathway_state_code((enum pathway_state)s));
			assert_int_equal(access_episode_view(&c, &e), view_table[w][s]);
			assert_int_equal(access_may_see(&c, &e), view_table[w][s] != N_);
		}
	}
}

/* An episode of protocol B: the délégué and délégant of A see nothing of it, the ones of B do. */
static void test_another_protocol(void **state)
{
	(void)state;
	struct access_episode waiting = {.adoption_id = B, .state = PATHWAY_CONSENTED};
	assert_int_equal(access_episode_view(&(struct access_caller){0}, &waiting), N_);
	struct access_caller d = caller(DELEGUE), g = caller(DELEGANT), db = caller(DELEGUE_OF_B),
			     gb = caller(DELEGANT_OF_B), ended = caller(ENDED_DELEGUE),
			     sb = caller(SECRETARY_OF_B);
	assert_int_equal(access_episode_view(&d, &waiting), N_);
	assert_int_equal(access_episode_view(&g, &waiting), N_);
	assert_int_equal(access_episode_view(&db, &waiting), C_);
	assert_int_equal(access_episode_view(&gb, &waiting), C_);
	assert_int_equal(access_episode_view(&ended, &waiting), C_);
	assert_int_equal(access_episode_view(&sb, &waiting), C_);
	/* run by someone else: only the délégant of B */
	struct access_episode run = {.adoption_id = B, .state = PATHWAY_ASSESSING, .delegue_id = 99};
	assert_int_equal(access_episode_view(&db, &run), N_);
	assert_int_equal(access_episode_view(&gb, &run), C_);
	assert_int_equal(access_episode_view(&sb, &run), O_);
}

/* ---- Who does what ---- */

/* [who][action] before the assessment starts (delegue_id 0) and once run by professional 11.
 * Actions in enum order: propose, orient_to_usual_care, consent_given, consent_refused,
 * start_assessment, save_answers, record_decision, revoyure, plan_second_contact,
 * second_contact, gp_informed, close, reorient, cancel. */
static const bool act_before[WHO_COUNT][PATHWAY_ACTION_COUNT] = {
	[NOBODY] = {0},
	[COORDINATOR] = {0},
	[SECRETARY] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	[DELEGUE] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	[OTHER_DELEGUE] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	[DELEGUE_OF_B] = {0},
	[ENDED_DELEGUE] = {0},
	[DELEGANT] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0},
	[DELEGANT_OF_B] = {0},
	[SECRETARY_OF_B] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
};

static const bool act_running[WHO_COUNT][PATHWAY_ACTION_COUNT] = {
	[NOBODY] = {0},
	[COORDINATOR] = {0},
	[SECRETARY] = {0},
	[DELEGUE] = {1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1},
	[OTHER_DELEGUE] = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	[DELEGUE_OF_B] = {0},
	[ENDED_DELEGUE] = {0},
	[DELEGANT] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0},
	[DELEGANT_OF_B] = {0},
	[SECRETARY_OF_B] = {0},
};

static void test_who_does_what(void **state)
{
	(void)state;
	for (int w = 0; w < WHO_COUNT; w++) {
		struct access_caller c = caller((enum who)w);
		for (int a = 0; a < PATHWAY_ACTION_COUNT; a++) {
			struct access_episode before = {.adoption_id = A,
							.state = PATHWAY_CONSENTED};
			struct access_episode running = {.adoption_id = A,
							 .state = PATHWAY_ASSESSING,
							 .delegue_id = 11};
			print_message("%s × %s\n", who_names[w],
				      pathway_action_code((enum pathway_action)a));
			assert_int_equal(access_may_act(&c, &before, (enum pathway_action)a),
					 act_before[w][a]);
			assert_int_equal(access_may_act(&c, &running, (enum pathway_action)a),
					 act_running[w][a]);
		}
		struct access_episode e = {.adoption_id = A, .state = PATHWAY_CONSENTED};
		assert_false(access_may_act(&c, &e, PATHWAY_ACTION_COUNT));
		assert_false(access_may_act(&c, &e, (enum pathway_action)-1));
	}
}

/* Each refusal names who the action belongs to, and that name agrees with the table. */
static void test_who_it_belongs_to(void **state)
{
	(void)state;
	struct access_episode before = {.adoption_id = A, .state = PATHWAY_CONSENTED};
	struct access_episode running = {.adoption_id = A, .state = PATHWAY_ASSESSING,
					 .delegue_id = 11};
	assert_string_equal(access_actor_fr(&before, PATHWAY_CANCEL),
			    "au secrétariat ou à un délégué du protocole");
	assert_string_equal(access_actor_fr(&running, PATHWAY_CANCEL),
			    "au délégué qui mène l'évaluation");
	assert_string_equal(access_actor_fr(&before, PATHWAY_START_ASSESSMENT),
			    "à un délégué du protocole");
	assert_string_equal(access_actor_fr(&running, PATHWAY_RECORD_DECISION),
			    "au délégué qui mène l'évaluation");
	assert_string_equal(access_actor_fr(&running, PATHWAY_RECORD_REVOYURE),
			    "à un délégant du protocole");
	assert_string_equal(access_actor_fr(&running, PATHWAY_CLOSE),
			    "au délégué qui mène l'évaluation ou à un délégant du protocole");
	assert_string_equal(access_actor_fr(&running, PATHWAY_ACTION_COUNT), "");
	for (int a = 0; a < PATHWAY_ACTION_COUNT; a++) {
		assert_true(strlen(access_actor_fr(&before, (enum pathway_action)a)) > 5);
		assert_true(strlen(access_actor_fr(&running, (enum pathway_action)a)) > 5);
		/* the secretariat's actions say "secrétariat"; the others do not */
		struct access_caller sec = caller(SECRETARY);
		bool says = strstr(access_actor_fr(&before, (enum pathway_action)a),
				   "secrétariat") != NULL;
		assert_int_equal(says, access_may_act(&sec, &before, (enum pathway_action)a));
	}
}

static void test_who_opens_an_episode(void **state)
{
	(void)state;
	static const bool opens_a[WHO_COUNT] = {
		[SECRETARY] = 1, [DELEGUE] = 1, [OTHER_DELEGUE] = 1, [SECRETARY_OF_B] = 1,
	};
	static const bool opens_b[WHO_COUNT] = {
		[SECRETARY] = 1, [DELEGUE_OF_B] = 1, [ENDED_DELEGUE] = 1, [SECRETARY_OF_B] = 1,
	};
	for (int w = 0; w < WHO_COUNT; w++) {
		struct access_caller c = caller((enum who)w);
		print_message("%s\n", who_names[w]);
		assert_int_equal(access_may_open(&c, A), opens_a[w]);
		assert_int_equal(access_may_open(&c, B), opens_b[w]);
	}
}

/* ---- Who answers the questions ---- */

#define AS_S PATHWAY_ASKER_SECRETARY
#define AS_D PATHWAY_ASKER_DELEGUE
#define AS_O PATHWAY_ASKER_OTHER

static void test_who_answers(void **state)
{
	(void)state;
	/* [who]: {not started, run by 11} */
	static const enum pathway_asker table[WHO_COUNT][2] = {
		[NOBODY] = {AS_O, AS_O},
		[COORDINATOR] = {AS_O, AS_O},
		[SECRETARY] = {AS_S, AS_S},
		[DELEGUE] = {AS_D, AS_D},
		[OTHER_DELEGUE] = {AS_D, AS_O},
		[DELEGUE_OF_B] = {AS_O, AS_O},
		[ENDED_DELEGUE] = {AS_O, AS_O},
		[DELEGANT] = {AS_O, AS_O},
		[DELEGANT_OF_B] = {AS_O, AS_O},
		[SECRETARY_OF_B] = {AS_S, AS_S},
	};
	for (int w = 0; w < WHO_COUNT; w++) {
		struct access_caller c = caller((enum who)w);
		struct access_episode before = {.adoption_id = A, .state = PATHWAY_ORIENTATION};
		struct access_episode running = {.adoption_id = A, .state = PATHWAY_ASSESSING,
						 .delegue_id = 11};
		print_message("%s\n", who_names[w]);
		assert_int_equal(access_asker(&c, &before), table[w][0]);
		assert_int_equal(access_asker(&c, &running), table[w][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clinical_flags_of_the_account_count_for_nothing),
		cmocka_unit_test(test_roles_follow_the_adhesions_active_today),
		cmocka_unit_test(test_several_adhesions),
		cmocka_unit_test(test_at_most_the_maximum_of_adoptions),
		cmocka_unit_test(test_role_bit_without_adoption),
		cmocka_unit_test(test_who_sees_which_episode),
		cmocka_unit_test(test_another_protocol),
		cmocka_unit_test(test_who_does_what),
		cmocka_unit_test(test_who_it_belongs_to),
		cmocka_unit_test(test_who_opens_an_episode),
		cmocka_unit_test(test_who_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
