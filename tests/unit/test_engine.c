/*
 * test_engine.c — the engine on a small inline protocol: scope and age boundaries, versions,
 * applicability, computed values, criteria, urgency, outcomes, weight-based doses, next
 * questions; and the answers decoder's refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/explain.h"

static const char *const yaml =
	"format: 1\n"
	"id: test-angine\n"
	"title: \"Protocole d'essai\"\n"
	"kind: local\n"
	"status: active\n"
	"versions:\n"
	"  - version: \"v1\"\n"
	"    effective_from: 2020-03-08\n"
	"    effective_to: 2023-08-24\n"
	"    legal_references: [{text: \"Texte 1\"}]\n"
	"    roles: {delegants: [medecin], delegues: [infirmier, pharmacien], structure_types: [MSP]}\n"
	"    patient: {age_min: {value: 6, unit: years}, age_max: {value: 45, unit: years}, source: \"s\", confidence: confirmed}\n"
	"  - version: \"v2\"\n"
	"    effective_from: 2023-08-24\n"
	"    legal_references: [{text: \"Texte 2\"}]\n"
	"    roles: {delegants: [medecin], delegues: [infirmier], structure_types: [MSP, CPTS]}\n"
	"    patient: {age_min: {value: 6, unit: years}, age_max: {value: 50, unit: years}, source: \"s\", confidence: confirmed}\n"
	"questions:\n"
	"  - {id: odynophagie, label: \"Douleur à la déglutition\", type: boolean, asked_by: orientation}\n"
	"  - {id: fievre, label: \"Fièvre > 38 °C\", type: boolean, asked_by: examination}\n"
	"  - {id: toux, label: \"Toux\", type: boolean, asked_by: examination}\n"
	"  - {id: trismus, label: \"Trismus\", type: boolean, asked_by: examination}\n"
	"  - {id: mcisaac_ok, label: \"Score ≥ 2 ?\", type: boolean, asked_by: examination}\n"
	"  - {id: trod, label: \"TROD\", type: choice, choices: [{code: positif, label: \"Positif\"}, {code: negatif, label: \"Négatif\"}], enable_when: \"age_years < 15 or mcisaac_ok\", asked_by: examination}\n"
	"  - {id: poids, label: \"Poids\", type: decimal, unit: kg, min: 2, max: 200, enable_when: \"age_years < 15\", asked_by: examination}\n"
	"computed:\n"
	"  - {id: score, label: \"Score\", type: integer, expression: \"iif(fievre, 1, 0) + iif(toux, 0, 1)\"}\n"
	"criteria:\n"
	"  - {id: inc_odyno, kind: inclusion, expression: \"odynophagie\", label: \"Odynophagie\", urgency: physician_later, source: \"s\", confidence: confirmed}\n"
	"  - {id: exc_score, kind: exclusion, expression: \"score > 1 and fievre\", label: \"Score élevé avec fièvre\", urgency: physician_same_day, source: \"s\", confidence: inferred}\n"
	"  - {id: rf_trismus, kind: red_flag, expression: \"trismus\", label: \"Trismus\", urgency: emergency, source: \"s\", confidence: inferred}\n"
	"outcomes:\n"
	"  - {id: antibio, kind: prescription, when: \"trod = 'positif'\", label: \"Antibiotique\", prescriptions: [amox], advice: [\"Repos\"], source: \"s\", confidence: inferred}\n"
	"  - {id: symptomatique, kind: advice, when: \"trod = 'negatif' or trod.empty()\", label: \"Traitement symptomatique\", advice: [\"Boire\"], source: \"s\", confidence: inferred}\n"
	"prescriptions:\n"
	"  - id: amox\n"
	"    label: \"Amoxicilline\"\n"
	"    lines:\n"
	"      - {kind: medicine, when: \"age_years >= 15\", substance: \"amoxicilline\", dose: {amount: 1, unit: g}, doses_per_day: 2, duration_days: 6, source: \"s\", confidence: inferred}\n"
	"      - {kind: medicine, when: \"age_years < 15\", substance: \"amoxicilline enfant\", dose_per_kg: {amount: 50, unit: mg, per: day, max: 2000, weight: poids}, doses_per_day: 2, duration_days: 6, source: \"s\", confidence: inferred}\n"
	"training: {hours: null, content: \"c\", validation: \"v\", source: \"s\", confidence: to_verify}\n";

static struct protocol *proto;
static struct engine_input in;
static struct engine_result res;
static struct arena arena;

static int setup(void **state)
{
	(void)state;
	struct protocol_diags d = {.count = 0};
	enum coop_err rc = protocol_load_buffer("inline.yaml", yaml, strlen(yaml), &proto, &d);
	for (size_t i = 0; i < d.count; i++)
		fprintf(stderr, "inline.yaml:%u:%u: %s\n", d.items[i].line, d.items[i].column,
			d.items[i].message);
	arena_init(&arena, 0);
	return rc == COOP_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	protocol_free(proto);
	arena_free(&arena);
	return 0;
}

/* Decodes a document, evaluates, returns the engine's status. */
static enum coop_err eval_doc(const char *doc)
{
	char msg[320];
	enum coop_err rc = answers_parse(proto, doc, strlen(doc), &arena, &in, msg, sizeof(msg));
	if (rc != COOP_OK)
		fail_msg("answers refused: %s", msg);
	return engine_evaluate(proto, &in, &res);
}

static const char *next_id(size_t i)
{
	return i < res.n_next ? proto->questions[res.next[i]].id : "(none)";
}

static void test_scope_age_boundaries(void **state)
{
	(void)state;
	/* exactly 6 years old on the visit date: in scope (incomplete, nothing answered) */
	assert_int_equal(eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2020-11-25\",\"sex\":\"male\"}}"), COOP_OK);
	assert_int_equal(res.scope, SCOPE_OK);
	assert_int_equal(res.decision, DECISION_INCOMPLETE);
	/* one day short of 6: out of scope, excluded, physician later */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2020-11-26\",\"sex\":\"male\"}}");
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	assert_int_equal(res.scope, SCOPE_AGE);
	assert_int_equal(res.urgency, URG_PHYSICIAN_LATER);
	/* 50 and 364 days: still 50, in scope under v2 */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1975-11-26\",\"sex\":\"female\"}}");
	assert_int_equal(res.scope, SCOPE_OK);
	assert_string_equal(res.version->version, "v2");
	/* 51 on the day: out */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1975-11-25\",\"sex\":\"female\"}}");
	assert_int_equal(res.scope, SCOPE_AGE);
	/* the same 48-year-old is out under v1 (max 45) and in under v2 */
	eval_doc("{\"visit_date\":\"2023-08-23\",\"patient\":{\"birth_date\":\"1975-01-01\",\"sex\":\"female\"}}");
	assert_string_equal(res.version->version, "v1");
	assert_int_equal(res.scope, SCOPE_AGE);
	eval_doc("{\"visit_date\":\"2023-08-24\",\"patient\":{\"birth_date\":\"1975-01-01\",\"sex\":\"female\"}}");
	assert_string_equal(res.version->version, "v2");
	assert_int_equal(res.scope, SCOPE_OK);
	/* before the first version: no protocol in force */
	assert_int_equal(eval_doc("{\"visit_date\":\"2020-03-07\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"}}"), ERR_NOT_FOUND);
}

static void test_incomplete_then_next_questions(void **state)
{
	(void)state;
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true}}");
	assert_int_equal(res.decision, DECISION_INCOMPLETE);
	/* the undecided criteria need fievre, toux (through the score) and trismus, in file order */
	assert_string_equal(next_id(0), "fievre");
	assert_string_equal(next_id(1), "toux");
	assert_string_equal(next_id(2), "trismus");
	assert_int_equal(res.n_next, 3);
	/* the computed score stays unknown while toux is unanswered */
	assert_true(res.slots[proto->n_questions]->missing);

	/* criteria settled: the outcome needs trod, whose applicability needs mcisaac_ok */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false}}");
	assert_int_equal(res.decision, DECISION_INCOMPLETE);
	assert_string_equal(next_id(0), "mcisaac_ok");
	assert_int_equal(res.n_next, 1);
	assert_int_equal(engine_question_state(&res, 5), QS_PENDING);
	assert_int_equal(engine_question_state(&res, 6), QS_NOT_APPLICABLE);
	assert_int_equal(engine_question_state(&res, 0), QS_ANSWERED);
	assert_int_equal(engine_question_state(&res, 4), QS_UNANSWERED);
}

static void test_exclusion_and_strongest_urgency(void **state)
{
	(void)state;
	/* a red flag excludes at once, even with answers missing */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"trismus\":true}}");
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	assert_int_equal(res.urgency, URG_EMERGENCY);
	assert_true(res.criteria[2].fired);
	/* exclusion (same day) + red flag (emergency): the strongest wins */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":true,\"toux\":false,\"trismus\":true}}");
	assert_true(res.criteria[1].fired);
	assert_true(res.criteria[2].fired);
	assert_int_equal(res.urgency, URG_EMERGENCY);
	/* inclusion not met */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":false}}");
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	assert_true(res.criteria[0].fired);
	assert_int_equal(res.urgency, URG_PHYSICIAN_LATER);
}

static void test_outcomes_and_doses(void **state)
{
	(void)state;
	/* adult, TROD positive: adult line only */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false,\"mcisaac_ok\":true,\"trod\":\"positif\"}}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_string_equal(proto->outcomes[res.outcome].id, "antibio");
	assert_int_equal(res.n_lines, 1);
	assert_false(res.lines[0].has_computed_dose);
	/* adult with score < 2: trod not applicable → symptomatic */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false,\"mcisaac_ok\":false,\"trod\":\"positif\"}}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_string_equal(proto->outcomes[res.outcome].id, "symptomatique");
	/* child: needs the weight before the prescription is complete */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2018-01-01\",\"sex\":\"male\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false,\"trod\":\"positif\"}}");
	assert_int_equal(res.decision, DECISION_INCOMPLETE);
	assert_string_equal(next_id(0), "poids");
	/* 23 kg: 50 mg/kg/day = 1150 mg/day, 575 mg per dose */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2018-01-01\",\"sex\":\"male\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false,\"trod\":\"positif\",\"poids\":23}}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_int_equal(res.n_lines, 1);
	assert_true(res.lines[0].has_computed_dose);
	assert_true(res.lines[0].daily_amount == 1150);
	assert_true(res.lines[0].per_dose_amount == 575);
	assert_false(res.lines[0].capped);
	/* 55 kg child: capped at 2000 mg/day */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2013-01-01\",\"sex\":\"male\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false,\"trod\":\"positif\",\"poids\":55.5}}");
	assert_true(res.lines[0].capped);
	assert_true(res.lines[0].daily_amount == 2000);
	assert_true(res.lines[0].per_dose_amount == 1000);

	/* the explanation names the decision, the outcome and the computed dose, in French */
	struct strbuf sb = STRBUF_INIT;
	explain_text(proto, &in, &res, &sb);
	assert_non_null(strstr(strbuf_str(&sb), "Patient inclus dans le protocole"));
	assert_non_null(strstr(strbuf_str(&sb), "Antibiotique"));
	assert_non_null(strstr(strbuf_str(&sb), "55,5 kg : 1000 mg par prise"));
	assert_non_null(strstr(strbuf_str(&sb), "dose plafonnée"));
	strbuf_free(&sb);
	json_t *j = explain_json(proto, &in, &res);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "decision")), "included");
	assert_int_equal(json_array_size(json_object_get(j, "criteria")), 3);
	/* the trace has every question with its state, and every outcome's condition */
	assert_int_equal(json_array_size(json_object_get(j, "questions")), proto->n_questions);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "questions"), 0), "state")),
			    "answered");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "outcomes"), 0), "value")),
			    "true");
	json_decref(j);
}

static void test_answers_refused(void **state)
{
	(void)state;
	static const struct {
		const char *doc;
		const char *part;
	} bad[] = {
		{"[]", "objet JSON"},
		{"{\"visit_date\":\"2026-11-25\"", "JSON invalide"},
		{"{\"visit_date\":\"2026-11-31\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"}}", "visit_date"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2027-01-01\",\"sex\":\"female\"}}", "après la date de visite"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"F\"}}", "patient.sex"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\",\"nir\":1}}", "champ inconnu « nir »"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},\"extra\":1}", "champ inconnu « extra »"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},\"answers\":{\"fivre\":true}}", "question inconnue « fivre »"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},\"answers\":{\"fievre\":\"oui\"}}", "« Fièvre > 38 °C » : répondez oui ou non"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},\"answers\":{\"poids\":500}}", "« Poids » : la valeur est hors des bornes du protocole (entre 2 kg et 200 kg)"},
		{"{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},\"answers\":{\"trod\":\"douteux\"}}", "« TROD » : choix inconnu « douteux »"},
		{"{\"visit_date\":\"2026-11-25\",\"visit_date\":\"2026-11-25\"}", "JSON invalide"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[320] = "";
		enum coop_err rc = answers_parse(proto, bad[i].doc, strlen(bad[i].doc), &arena, &in, msg, sizeof(msg));
		if (rc == COOP_OK || !strstr(msg, bad[i].part))
			fail_msg("doc %zu: rc %d, message « %s », expected « %s »", i, rc, msg, bad[i].part);
	}
}


/* engine_scope(): the same age and sex rule as the evaluation, before any answer (the protocols
 * offered to a patient at a new request). */
static void test_scope_before_answers(void **state)
{
	(void)state;
	enum scope_failure why;
	coop_date visit = date_from_ymd(2026, 11, 25);
	assert_int_equal(engine_scope(proto, visit, date_from_ymd(2020, 11, 25), SEX_MALE, &why),
			 COOP_OK);
	assert_int_equal(why, SCOPE_OK);
	/* one day short of 6, and 51 on the day: out, as the engine says */
	engine_scope(proto, visit, date_from_ymd(2020, 11, 26), SEX_MALE, &why);
	assert_int_equal(why, SCOPE_AGE);
	engine_scope(proto, visit, date_from_ymd(1975, 11, 25), SEX_FEMALE, &why);
	assert_int_equal(why, SCOPE_AGE);
	assert_int_equal(eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1975-11-25\",\"sex\":\"female\"}}"), COOP_OK);
	assert_int_equal(res.scope, SCOPE_AGE);
	/* the version in force decides: 48 years old is out under v1, in under v2 */
	engine_scope(proto, date_from_ymd(2023, 8, 23), date_from_ymd(1975, 1, 1), SEX_FEMALE, &why);
	assert_int_equal(why, SCOPE_AGE);
	engine_scope(proto, date_from_ymd(2023, 8, 24), date_from_ymd(1975, 1, 1), SEX_FEMALE, &why);
	assert_int_equal(why, SCOPE_OK);
	assert_int_equal(engine_scope(proto, date_from_ymd(2020, 3, 7), date_from_ymd(1990, 1, 1),
				      SEX_FEMALE, &why),
			 ERR_NOT_FOUND);
	assert_int_equal(engine_scope(proto, visit, visit + 1, SEX_FEMALE, &why), ERR_INVALID);
	/* a protocol for women only: a man, or a sex unknown, is out of scope */
	const char *at = strstr(yaml, "age_max: {value: 50, unit: years}, ");
	assert_non_null(at);
	char buf[8192];
	snprintf(buf, sizeof(buf), "%.*ssexes: [female], %s", (int)(at - yaml), yaml, at);
	struct protocol *women = NULL;
	struct protocol_diags d = {.count = 0};
	assert_int_equal(protocol_load_buffer("femmes.yaml", buf, strlen(buf), &women, &d), COOP_OK);
	coop_date born = date_from_ymd(1990, 1, 1);
	engine_scope(women, visit, born, SEX_FEMALE, &why);
	assert_int_equal(why, SCOPE_OK);
	engine_scope(women, visit, born, SEX_MALE, &why);
	assert_int_equal(why, SCOPE_SEX);
	engine_scope(women, visit, born, SEX_UNKNOWN, &why);
	assert_int_equal(why, SCOPE_SEX);
	protocol_free(women);
}

/* A small protocol around the given questions/outcomes/prescriptions text, one criterion. */
static struct protocol *load_small(const char *questions, const char *criteria, const char *rest)
{
	char buf[8192];
	snprintf(buf, sizeof(buf),
		 "format: 1\nid: petit\ntitle: \"Petit\"\nkind: local\nstatus: draft\n"
		 "versions:\n  - version: \"1\"\n    effective_from: 2020-01-01\n"
		 "    legal_references: [{text: \"T\"}]\n"
		 "    roles: {delegants: [medecin], delegues: [infirmier], structure_types: [MSP]}\n"
		 "    patient: {age_min: {value: 1, unit: years}, age_max: {value: 90, unit: years}, source: \"s\", confidence: confirmed}\n"
		 "questions:\n%scriteria:\n%s%s"
		 "training: {hours: null, content: \"c\", source: \"s\", confidence: to_verify}\n",
		 questions, criteria, rest);
	struct protocol *p = NULL;
	struct protocol_diags d = {.count = 0};
	if (protocol_load_buffer("petit.yaml", buf, strlen(buf), &p, &d) != COOP_OK) {
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "petit.yaml:%u:%u: %s\n", d.items[i].line, d.items[i].column, d.items[i].message);
		fail_msg("small protocol refused");
	}
	return p;
}

static enum coop_err eval_small(struct protocol *p, const char *answers)
{
	char doc[1024], msg[320];
	snprintf(doc, sizeof(doc), "{\"visit_date\":\"2026-01-10\",\"patient\":{\"birth_date\":\"2016-01-01\",\"sex\":\"male\"},\"answers\":%s}", answers);
	if (answers_parse(p, doc, strlen(doc), &arena, &in, msg, sizeof(msg)) != COOP_OK)
		fail_msg("answers refused: %s", msg);
	return engine_evaluate(p, &in, &res);
}

static const char *const crit_true =
	"  - {id: ok, kind: inclusion, expression: \"true\", label: \"Toujours\", urgency: physician_later, source: \"s\", confidence: confirmed}\n";

static void test_outcome_waits_for_earlier_unknown(void **state)
{
	(void)state;
	/* the second outcome is true at once, but the first may still win once b is answered */
	struct protocol *p = load_small(
		"  - {id: x, label: \"X\", type: integer, min: 0, max: 100, asked_by: examination}\n"
		"  - {id: b, label: \"B\", type: boolean, asked_by: examination}\n",
		crit_true,
		"outcomes:\n"
		"  - {id: a, kind: advice, when: \"(x * 3 = 15 or x = 50) and b\", label: \"A\", source: \"s\", confidence: inferred}\n"
		"  - {id: bb, kind: advice, when: \"x < 50\", label: \"B\", source: \"s\", confidence: inferred}\n"
		"  - {id: c, kind: advice, when: \"x > 50 or (x = 50 and b.not())\", label: \"C\", source: \"s\", confidence: inferred}\n");
	eval_small(p, "{\"x\":5}");
	assert_int_equal(res.decision, DECISION_INCOMPLETE);
	assert_string_equal(p->questions[res.next[0]].id, "b");
	eval_small(p, "{\"x\":5,\"b\":true}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_string_equal(p->outcomes[res.outcome].id, "a");
	protocol_free(p);
}

static void test_weight_not_applicable_is_never_prescribed_blind(void **state)
{
	(void)state;
	struct protocol *p = load_small(
		"  - {id: enfant, label: \"Enfant\", type: boolean, asked_by: examination}\n"
		"  - {id: poids, label: \"Poids\", type: decimal, min: 2, max: 150, enable_when: \"enfant\", asked_by: examination}\n",
		crit_true,
		"outcomes:\n"
		"  - {id: o, kind: prescription, when: \"true\", label: \"O\", prescriptions: [t], source: \"s\", confidence: inferred}\n"
		"prescriptions:\n"
		"  - {id: t, label: \"T\", lines: [{kind: medicine, substance: \"amoxicilline\", dose_per_kg: {amount: 50, unit: mg, per: day, max: 2000, weight: poids}, doses_per_day: 3, source: \"s\", confidence: inferred}]}\n");
	eval_small(p, "{\"enfant\":false}");
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	assert_int_equal(res.scope, SCOPE_UNDECIDABLE);
	assert_int_equal(res.urgency, URG_PHYSICIAN_SAME_DAY);
	/* capped at 2000 mg/day in 3 doses: 666 mg per dose, never 667 (3 × 667 > 2000) */
	eval_small(p, "{\"enfant\":true,\"poids\":45}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_true(res.lines[0].capped);
	assert_true(res.lines[0].per_dose_amount == 666);
	assert_true(res.lines[0].daily_amount <= 2000);
	/* not capped: 20 kg → 1000 mg/day, 333 mg per dose */
	eval_small(p, "{\"enfant\":true,\"poids\":20}");
	assert_true(res.lines[0].daily_amount == 1000);
	assert_true(res.lines[0].per_dose_amount == 333);
	protocol_free(p);
}

static void test_long_lists_release_scratch(void **state)
{
	(void)state;
	/* five memberships in 60-value lists: scratch is released after each one */
	char list[600];
	size_t n = 0;
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%d", i ? " | " : "", i * 2 + 1);
	char crit[4096];
	snprintf(crit, sizeof(crit),
		 "  - {id: k, kind: exclusion, expression: \"x in (%s) or x in (%s) or x in (%s) or x in (%s) or x in (%s)\", label: \"K\", urgency: physician_later, source: \"s\", confidence: inferred}\n",
		 list, list, list, list, list);
	struct protocol *p = load_small(
		"  - {id: x, label: \"X\", type: integer, min: 0, max: 200, asked_by: examination}\n", crit,
		"outcomes:\n  - {id: o, kind: advice, when: \"true\", label: \"O\", source: \"s\", confidence: inferred}\n");
	eval_small(p, "{\"x\":8}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	eval_small(p, "{\"x\":119}");
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	protocol_free(p);
}

/* An included outcome that reorients carries its urgency at the top level; the screens and the
 * lists read only decision and urgency. */
static void test_reorienting_outcome_carries_urgency(void **state)
{
	(void)state;
	struct protocol *p = load_small(
		"  - {id: allergie, label: \"Allergie\", type: boolean, asked_by: examination}\n",
		crit_true,
		"outcomes:\n"
		"  - {id: medecin, kind: reorientation, when: \"allergie\", label: \"Allergie : alternative à décider par le médecin\", urgency: physician_same_day, source: \"s\", confidence: inferred}\n"
		"  - {id: conseils, kind: advice, when: \"allergie.not()\", label: \"Conseils\", source: \"s\", confidence: inferred}\n");
	eval_small(p, "{\"allergie\":true}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_int_equal(res.urgency, URG_PHYSICIAN_SAME_DAY);
	assert_true(engine_reorients(&res));
	struct strbuf sb = STRBUF_INIT;
	assert_true(explain_reason_fr(p, &res, &sb));
	assert_string_equal(strbuf_str(&sb), "Allergie : alternative à décider par le médecin — le "
					     "protocole adresse au médecin ; médecin le jour même.");
	strbuf_free(&sb);
	json_t *j = explain_json(p, &in, &res);
	assert_string_equal(json_string_value(json_object_get(j, "urgency")), "physician_same_day");
	assert_true(json_is_true(json_object_get(j, "reorientation")));
	json_decref(j);
	/* the other outcome: included, no referral, no urgency, no reason */
	eval_small(p, "{\"allergie\":false}");
	assert_int_equal(res.decision, DECISION_INCLUDED);
	assert_int_equal(res.urgency, URG_NONE);
	assert_false(engine_reorients(&res));
	assert_false(explain_reason_fr(p, &res, &sb));
	assert_int_equal(sb.len, 0);
	j = explain_json(p, &in, &res);
	assert_true(json_is_null(json_object_get(j, "urgency")));
	assert_true(json_is_null(json_object_get(j, "reason")));
	json_decref(j);
	strbuf_free(&sb);
	protocol_free(p);
}

/* An exclusion already known does not hide a stronger red flag still to check: its questions
 * are the ones to ask next (a fired exclusion, and a patient out of the protocol's ages). */
static void test_stronger_red_flag_still_asked(void **state)
{
	(void)state;
	struct protocol *p = load_small(
		"  - {id: a, label: \"A\", type: boolean, asked_by: examination}\n"
		"  - {id: b, label: \"B\", type: boolean, asked_by: examination}\n"
		"  - {id: c, label: \"C\", type: boolean, asked_by: examination}\n",
		"  - {id: ea, kind: exclusion, expression: \"a\", label: \"A\", urgency: physician_same_day, source: \"s\", confidence: inferred}\n"
		"  - {id: rb, kind: red_flag, expression: \"b\", label: \"B\", urgency: emergency, source: \"s\", confidence: inferred}\n"
		"  - {id: ec, kind: exclusion, expression: \"c\", label: \"C\", urgency: physician_later, source: \"s\", confidence: inferred}\n",
		"outcomes:\n  - {id: o, kind: advice, when: \"true\", label: \"O\", source: \"s\", confidence: inferred}\n");
	eval_small(p, "{\"a\":true}");
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	assert_int_equal(res.urgency, URG_PHYSICIAN_SAME_DAY);
	/* only the stronger one (b), not the weaker pending one (c) */
	assert_int_equal(res.n_next, 1);
	assert_string_equal(p->questions[res.next[0]].id, "b");
	struct strbuf sb = STRBUF_INIT;
	assert_true(explain_reason_fr(p, &res, &sb));
	assert_string_equal(strbuf_str(&sb), "A — le protocole exclut ce cas ; médecin le jour même ; "
					     "un signe d'alerte plus urgent reste à vérifier.");
	strbuf_free(&sb);
	eval_small(p, "{\"a\":true,\"b\":false}");
	assert_int_equal(res.urgency, URG_PHYSICIAN_SAME_DAY);
	assert_int_equal(res.n_next, 0);
	eval_small(p, "{\"a\":true,\"b\":true}");
	assert_int_equal(res.urgency, URG_EMERGENCY);
	assert_int_equal(res.n_next, 0);
	/* out of the protocol's ages (1 to 90 years): the red flags are still asked */
	char doc[256], msg[320];
	snprintf(doc, sizeof(doc), "{\"visit_date\":\"2026-01-10\",\"patient\":{\"birth_date\":\"1920-01-01\",\"sex\":\"male\"},\"answers\":{}}");
	assert_int_equal(answers_parse(p, doc, strlen(doc), &arena, &in, msg, sizeof(msg)), COOP_OK);
	assert_int_equal(engine_evaluate(p, &in, &res), COOP_OK);
	assert_int_equal(res.decision, DECISION_EXCLUDED);
	assert_int_equal(res.scope, SCOPE_AGE);
	assert_int_equal(res.urgency, URG_PHYSICIAN_LATER);
	assert_int_equal(res.n_next, 2);
	assert_string_equal(p->questions[res.next[0]].id, "a");
	assert_string_equal(p->questions[res.next[1]].id, "b");
	protocol_free(p);
}

/* A criterion whose wording already says where to go: the reason does not say it twice. */
static void test_reason_not_repeated(void **state)
{
	(void)state;
	struct protocol *p = load_small(
		"  - {id: fievre, label: \"Fièvre\", type: boolean, asked_by: examination}\n",
		"  - {id: f, kind: exclusion, expression: \"fievre\", label: \"Fièvre : complication à rechercher, Médecin le jour même\", urgency: physician_same_day, source: \"s\", confidence: inferred}\n",
		"outcomes:\n  - {id: o, kind: advice, when: \"true\", label: \"O\", source: \"s\", confidence: inferred}\n");
	eval_small(p, "{\"fievre\":true}");
	struct strbuf sb = STRBUF_INIT;
	assert_true(explain_reason_fr(p, &res, &sb));
	assert_string_equal(strbuf_str(&sb), "Fièvre : complication à rechercher, Médecin le jour même "
					     "— le protocole exclut ce cas.");
	strbuf_free(&sb);
	protocol_free(p);
}

static const char *reason_of(void)
{
	static char text[512];
	struct strbuf sb = STRBUF_INIT;
	if (!explain_reason_fr(proto, &res, &sb))
		snprintf(text, sizeof(text), "(none)");
	else
		snprintf(text, sizeof(text), "%s", strbuf_str(&sb));
	strbuf_free(&sb);
	return text;
}

/* The reason of an exclusion, in one sentence from the criterion's wording. */
static void test_reason_in_one_sentence(void **state)
{
	(void)state;
	/* a red flag: its label, and the emergency */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"trismus\":true}}");
	assert_string_equal(reason_of(), "Trismus — le protocole exclut ce cas ; urgence : appeler le 15.");
	/* two fired: the strongest is named, the other counted */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":true,\"toux\":false,\"trismus\":true}}");
	assert_string_equal(reason_of(), "Trismus — le protocole exclut ce cas ; urgence : appeler le "
					 "15 (et un autre motif, voir le détail).");
	/* the first among equals: exclusion (same day) alone */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true,\"fievre\":true,\"toux\":false,\"trismus\":false}}");
	assert_string_equal(reason_of(), "Score élevé avec fièvre — le protocole exclut ce cas ; "
					 "médecin le jour même.");
	/* an inclusion criterion not met */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":false,\"trismus\":false,\"fievre\":false,\"toux\":false}}");
	assert_string_equal(reason_of(), "Odynophagie — condition du protocole non remplie ; médecin, "
					 "consultation programmée sans urgence.");
	/* the same with the trismus (an emergency) not yet asked: said, and asked next */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":false}}");
	assert_string_equal(reason_of(), "Odynophagie — condition du protocole non remplie ; médecin, "
					 "consultation programmée sans urgence ; un signe d'alerte plus urgent "
					 "reste à vérifier.");
	/* the age: the bounds in years, no age in months */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2020-11-26\",\"sex\":\"male\"}}");
	assert_string_equal(reason_of(), "Âge hors du champ du protocole (de 6 à 50 ans) ; médecin, "
					 "consultation programmée sans urgence ; un signe d'alerte plus urgent "
					 "reste à vérifier.");
	/* not a referral: nothing */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"odynophagie\":true}}");
	assert_string_equal(reason_of(), "(none)");
	/* the JSON carries it with the headline */
	eval_doc("{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"1990-01-01\",\"sex\":\"female\"},"
		 "\"answers\":{\"trismus\":true}}");
	json_t *j = explain_json(proto, &in, &res);
	assert_string_equal(json_string_value(json_object_get(j, "urgency_headline")),
			    "Urgence : appeler le 15");
	assert_string_equal(json_string_value(json_object_get(j, "reason")),
			    "Trismus — le protocole exclut ce cas ; urgence : appeler le 15.");
	json_decref(j);
}

static void test_deterministic(void **state)
{
	(void)state;
	const char *doc = "{\"visit_date\":\"2026-11-25\",\"patient\":{\"birth_date\":\"2018-01-01\",\"sex\":\"male\"},"
			  "\"answers\":{\"odynophagie\":true,\"fievre\":false,\"toux\":true,\"trismus\":false,\"trod\":\"positif\",\"poids\":23}}";
	eval_doc(doc);
	json_t *a = explain_json(proto, &in, &res);
	for (int k = 0; k < 50; k++)
		engine_evaluate(proto, &in, &res);
	json_t *b = explain_json(proto, &in, &res);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_age_boundaries),
		cmocka_unit_test(test_scope_before_answers),
		cmocka_unit_test(test_incomplete_then_next_questions),
		cmocka_unit_test(test_exclusion_and_strongest_urgency),
		cmocka_unit_test(test_outcomes_and_doses),
		cmocka_unit_test(test_answers_refused),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_outcome_waits_for_earlier_unknown),
		cmocka_unit_test(test_weight_not_applicable_is_never_prescribed_blind),
		cmocka_unit_test(test_long_lists_release_scratch),
		cmocka_unit_test(test_reorienting_outcome_carries_urgency),
		cmocka_unit_test(test_reason_not_repeated),
		cmocka_unit_test(test_stronger_red_flag_still_asked),
		cmocka_unit_test(test_reason_in_one_sentence),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
