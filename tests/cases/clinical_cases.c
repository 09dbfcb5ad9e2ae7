/*
 * clinical_cases.c — runs a protocol's table of clinical cases (tests/cases/<id>.json, format in
 * docs/internals/protocol-format-spec.md §10) and checks each expected decision, urgency,
 * outcome, fired criteria, next questions, prescription lines present (with their computed
 * doses, or their fixed dose per intake) or absent. It also checks the table itself:
 * at least 15 cases, every criterion fired by some case, every outcome chosen by some case.
 * Usage: clinical_cases CASES.json (paths inside are relative to the working directory).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/protocol.h"

#define MIN_CASES 15

static int failures;

static void failf(const char *name, const char *fmt, const char *a, const char *b)
{
	printf("  ÉCHEC %s : ", name);
	printf(fmt, a, b);
	printf("\n");
	failures++;
}

static const char *line_substance(const struct protocol *p, const struct line_result *lr)
{
	const struct prescription_line *l = &p->templates[lr->template_index].lines[lr->line_index];
	return l->kind == LINE_MEDICINE ? l->substance : (l->item ? l->item : "");
}

static void check_lines(const struct protocol *p, const struct engine_result *r, const char *name,
			const json_t *expect_lines)
{
	size_t i;
	const json_t *el;
	json_array_foreach(expect_lines, i, el) {
		const char *sub = json_string_value(json_object_get(el, "substance"));
		const json_t *daily = json_object_get(el, "daily_amount");
		const json_t *per_dose = json_object_get(el, "per_dose_amount");
		const json_t *dose = json_object_get(el, "dose"); /* {"amount": 1, "unit": "g"} */
		bool found = false;
		for (size_t k = 0; k < r->n_lines && !found; k++) {
			if (!sub || !strstr(line_substance(p, &r->lines[k]), sub))
				continue;
			found = true;
			char want[64], got[64];
			if (daily && fabs(json_number_value(daily) - r->lines[k].daily_amount) > 1e-9) {
				snprintf(want, sizeof(want), "%g", json_number_value(daily));
				snprintf(got, sizeof(got), "%g", r->lines[k].daily_amount);
				failf(name, "dose journalière attendue %s, obtenue %s", want, got);
			}
			if (per_dose && fabs(json_number_value(per_dose) - r->lines[k].per_dose_amount) > 1e-9) {
				snprintf(want, sizeof(want), "%g", json_number_value(per_dose));
				snprintf(got, sizeof(got), "%g", r->lines[k].per_dose_amount);
				failf(name, "dose par prise attendue %s, obtenue %s", want, got);
			}
			const struct prescription_line *l =
				&p->templates[r->lines[k].template_index].lines[r->lines[k].line_index];
			const char *unit = json_string_value(json_object_get(dose, "unit"));
			if (dose && (!l->has_dose || !unit || !l->dose_unit || strcmp(unit, l->dose_unit) != 0 ||
				     fabs(json_number_value(json_object_get(dose, "amount")) - l->dose_amount) > 1e-9)) {
				snprintf(want, sizeof(want), "%g %s", json_number_value(json_object_get(dose, "amount")),
					 unit ? unit : "?");
				if (l->has_dose)
					snprintf(got, sizeof(got), "%g %s", l->dose_amount, l->dose_unit ? l->dose_unit : "?");
				else
					snprintf(got, sizeof(got), "aucune dose fixe");
				failf(name, "dose par prise attendue %s, ligne du protocole : %s", want, got);
			}
		}
		if (!found)
			failf(name, "ligne d'ordonnance « %s » absente%s", sub ? sub : "?", "");
	}
}

static void run_case(const struct protocol *p, const json_t *c, struct engine_input *in,
		     struct engine_result *r, bool *crit_fired, bool *outcome_chosen)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const json_t *expect = json_object_get(c, "expect");
	char *text = json_dumps(json_object_get(c, "input"), JSON_COMPACT);
	struct arena a;
	char msg[320];
	int before = failures;
	arena_init(&a, 1 << 20);
	if (!name)
		name = "(sans nom)";
	if (!text || !json_is_object(expect)) {
		failf(name, "cas mal formé (input / expect manquant)%s%s", "", "");
		goto out;
	}
	if (answers_parse(p, text, strlen(text), &a, in, msg, sizeof(msg)) != COOP_OK) {
		failf(name, "réponses refusées : %s%s", msg, "");
		goto out;
	}
	if (engine_evaluate(p, in, r) != COOP_OK) {
		failf(name, "aucune version en vigueur%s%s", "", "");
		goto out;
	}
	for (size_t i = 0; i < p->n_criteria; i++)
		if (r->criteria[i].fired)
			crit_fired[i] = true;
	if (r->decision == DECISION_INCLUDED && r->outcome >= 0)
		outcome_chosen[r->outcome] = true;

	const char *want = json_string_value(json_object_get(expect, "decision"));
	if (!want || strcmp(want, decision_code(r->decision)) != 0)
		failf(name, "décision attendue %s, obtenue %s", want ? want : "?", decision_code(r->decision));
	const char *urg = json_string_value(json_object_get(expect, "urgency"));
	if (urg && (!engine_reorients(r) || strcmp(urg, urgency_code(r->urgency)) != 0))
		failf(name, "urgence attendue %s, obtenue %s", urg, urgency_code(r->urgency));
	const char *oc = json_string_value(json_object_get(expect, "outcome"));
	if (oc) {
		const char *got = r->outcome >= 0 ? p->outcomes[r->outcome].id : "aucune";
		if (strcmp(oc, got) != 0)
			failf(name, "issue attendue %s, obtenue %s", oc, got);
	}
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(expect, "fired"), i, v) {
		const char *id = json_string_value(v);
		if (!id)
			continue;
		bool ok = false;
		if (strcmp(id, "perimetre_age") == 0)
			ok = r->scope == SCOPE_AGE;
		else if (strcmp(id, "perimetre_sexe") == 0)
			ok = r->scope == SCOPE_SEX;
		else {
			int ci = protocol_find_criterion(p, id);
			if (ci < 0) {
				failf(name, "critère inconnu dans le cas : %s%s", id, "");
				continue;
			}
			ok = r->criteria[ci].fired;
		}
		if (!ok)
			failf(name, "le critère %s aurait dû se déclencher%s", id, "");
	}
	json_array_foreach(json_object_get(expect, "next"), i, v) {
		const char *id = json_string_value(v);
		const char *got = i < r->n_next ? p->questions[r->next[i]].id : "(aucune)";
		if (!id || strcmp(id, got) != 0)
			failf(name, "question suivante attendue %s, obtenue %s", id ? id : "?", got);
	}
	if (json_object_get(expect, "lines"))
		check_lines(p, r, name, json_object_get(expect, "lines"));
	json_array_foreach(json_object_get(expect, "no_lines"), i, v) {
		const char *sub = json_string_value(v);
		for (size_t k = 0; sub && k < r->n_lines; k++)
			if (strstr(line_substance(p, &r->lines[k]), sub))
				failf(name, "la ligne « %s » n'aurait pas dû être proposée%s", sub, "");
	}
out:
	printf("  %s %s\n", failures == before ? "ok   " : "ÉCHEC", name);
	free(text);
	arena_free(&a);
}

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *doc = NULL;
	struct protocol *p = NULL;
	struct engine_input *in = malloc(sizeof(*in));
	struct engine_result *r = malloc(sizeof(*r));
	int status = 1;
	if (argc != 2 || !in || !r) {
		fprintf(stderr, "usage : clinical_cases CAS.json\n");
		goto out;
	}
	doc = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		fprintf(stderr, "%s:%d:%d: %s\n", argv[1], jerr.line, jerr.column, jerr.text);
		goto out;
	}
	const char *path = json_string_value(json_object_get(doc, "protocol"));
	struct protocol_diags diags = {.count = 0};
	if (!path || protocol_load_file(path, &p, &diags) != COOP_OK) {
		fprintf(stderr, "%s : protocole illisible %s\n", argv[1], path ? path : "(clé protocol manquante)");
		for (size_t i = 0; i < diags.count; i++)
			fprintf(stderr, "%s:%u:%u: %s\n", path, diags.items[i].line, diags.items[i].column,
				diags.items[i].message);
		goto out;
	}
	const json_t *cases = json_object_get(doc, "cases");
	bool crit_fired[PROTOCOL_MAX_CRITERIA] = {false};
	bool outcome_chosen[PROTOCOL_MAX_OUTCOMES] = {false};
	printf("%s (%s) :\n", p->id, argv[1]);
	size_t i;
	const json_t *c;
	json_array_foreach(cases, i, c)
		run_case(p, c, in, r, crit_fired, outcome_chosen);
	size_t n = json_array_size(cases);
	int case_failures = failures;
	if (n < MIN_CASES) {
		printf("  ÉCHEC : %zu cas seulement (au moins %d)\n", n, MIN_CASES);
		failures++;
	}
	for (size_t k = 0; k < p->n_criteria; k++)
		if (!crit_fired[k]) {
			printf("  ÉCHEC couverture : le critère %s ne se déclenche dans aucun cas\n", p->criteria[k].id);
			failures++;
		}
	for (size_t k = 0; k < p->n_outcomes; k++)
		if (!outcome_chosen[k]) {
			printf("  ÉCHEC couverture : l'issue %s n'est choisie dans aucun cas\n", p->outcomes[k].id);
			failures++;
		}
	printf("%zu cas, %d en échec ; couverture : %s\n", n, case_failures,
	       failures == case_failures ? "complète" : "incomplète");
	status = failures ? 1 : 0;
out:
	json_decref(doc);
	protocol_free(p);
	free(in);
	free(r);
	return status;
}
