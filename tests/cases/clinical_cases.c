/*
 * clinical_cases.c — runs a protocol's table of clinical cases (tests/cases/<id>.json, format in
 * docs/internals/protocol-format-spec.md §10) and checks each expected decision, urgency,
 * outcome, fired criteria, next questions, prescription lines present (with their computed
 * doses, or their fixed dose per intake) or absent, and what is issued as printed for the
 * patient. The lines the protocol leaves open are completed as a délégant would sign them: the
 * file's "signed" list (completions, as in POST /protocols/{id}/sign), or a case's own ("unsigned":
 * nothing completed, with "signature_refused" when the core must refuse that). In every
 * case, each chosen line is issued (a medicine with a complete dose) unless the case expects it
 * withheld, and no printed line speaks to the signer or says "si nécessaire" (a note for the
 * signer goes to signer_note, such a line is optional). It also checks the table itself:
 * at least 15 cases, every criterion fired by some case, every outcome chosen by some case.
 * Usage: clinical_cases CASES.json (paths inside are relative to the working directory).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/prescription.h"
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

/* Words a printed line never holds: they speak to the signer, or make the line optional. */
static const char *const signer_words[] = {"élégant", "signataire", "à valider", "à confirmer",
					   "à compléter", "à trancher", "à fixer", "si nécessaire",
					   "Si nécessaire"};

/* Parses a "signed" list ({"line": "template#n", "substance", "dose", "doses_per_day",
 * "duration_days"}) into comps (capacity RX_MAX_COMPLETIONS); false with msg on a bad entry or
 * a signature the core refuses. */
static bool parse_signed(const struct protocol *p, const json_t *arr, struct rx_completion *comps,
			 size_t *n, char *msg, size_t size)
{
	size_t i;
	const json_t *it;
	*n = 0;
	json_array_foreach(arr, i, it) {
		const char *key = json_string_value(json_object_get(it, "line"));
		bool found = false;
		if (*n >= RX_MAX_COMPLETIONS)
			break;
		struct rx_completion *c = &comps[*n];
		memset(c, 0, sizeof(*c));
		for (size_t t = 0; key && t < p->n_templates && !found; t++)
			for (size_t l = 0; l < p->templates[t].n_lines && !found; l++) {
				char k[200];
				rx_line_key(p, t, l, k, sizeof(k));
				if (strcmp(k, key) == 0) {
					c->template_index = t;
					c->line_index = l;
					found = true;
				}
			}
		if (!found) {
			snprintf(msg, size, "ligne signée inconnue : %s", key ? key : "?");
			return false;
		}
		c->substance = json_string_value(json_object_get(it, "substance"));
		const json_t *d = json_object_get(it, "dose");
		if (json_is_number(d)) {
			c->has_dose = true;
			c->dose_amount = json_number_value(d);
		}
		c->doses_per_day = (int)json_integer_value(json_object_get(it, "doses_per_day"));
		c->duration_days = (int)json_integer_value(json_object_get(it, "duration_days"));
		(*n)++;
	}
	return rx_signature_check(p, comps, *n, msg, size);
}

/* The name a chosen line is matched on: the signed molecule, else the file's substance or item. */
static const char *printed_name(const struct protocol *p, const struct line_result *lr,
				const struct rx_completion *comp)
{
	if (comp && comp->substance)
		return comp->substance;
	return line_substance(p, lr);
}

static bool listed(const json_t *arr, const char *name)
{
	size_t i;
	const json_t *v;
	json_array_foreach(arr, i, v)
		if (json_string_value(v) && strstr(name, json_string_value(v)))
			return true;
	return false;
}

/* Issued and withheld lines, their printed text, and no word for the signer on any of them. */
static void check_issue(const struct protocol *p, const struct engine_result *r, const char *name,
			const json_t *expect, const struct rx_completion *comps, size_t n)
{
	const json_t *withheld = json_object_get(expect, "withheld");
	const json_t *issued = json_object_get(expect, "issued");
	size_t i;
	const json_t *el;
	for (size_t k = 0; k < r->n_lines; k++) {
		const struct line_result *lr = &r->lines[k];
		const struct rx_completion *comp =
			rx_find(comps, n, lr->template_index, lr->line_index);
		const char *nm = printed_name(p, lr, comp);
		const char *why = NULL;
		bool ok = rx_line_issuable(p, lr, comp, &why);
		bool want_withheld = listed(withheld, nm);
		if (ok && want_withheld)
			failf(name, "la ligne « %s » aurait dû être retenue (non délivrable)%s", nm, "");
		if (!ok && !want_withheld)
			failf(name, "la ligne « %s » n'est pas délivrable : %s", nm, why ? why : "?");
		if (!ok)
			continue;
		struct strbuf text = STRBUF_INIT;
		rx_line_text(p, lr, comp, 0, &text);
		for (size_t w = 0; w < sizeof(signer_words) / sizeof(signer_words[0]); w++)
			if (strstr(strbuf_str(&text), signer_words[w]))
				failf(name, "ligne imprimée pour le patient « %s » : contient « %s »",
				      strbuf_str(&text), signer_words[w]);
		strbuf_free(&text);
	}
	json_array_foreach(issued, i, el) {
		const char *sub = json_string_value(json_object_get(el, "substance"));
		const char *want = json_string_value(json_object_get(el, "text"));
		bool found = false;
		for (size_t k = 0; sub && k < r->n_lines && !found; k++) {
			const struct line_result *lr = &r->lines[k];
			const struct rx_completion *comp =
				rx_find(comps, n, lr->template_index, lr->line_index);
			if (!strstr(printed_name(p, lr, comp), sub) || !rx_line_issuable(p, lr, comp, NULL))
				continue;
			found = true;
			struct strbuf text = STRBUF_INIT;
			rx_line_text(p, lr, comp, 0, &text);
			if (want && !strstr(strbuf_str(&text), want))
				failf(name, "ligne imprimée attendue « %s », obtenue « %s »", want,
				      strbuf_str(&text));
			strbuf_free(&text);
		}
		if (!found)
			failf(name, "ligne délivrée « %s » absente%s", sub ? sub : "?", "");
	}
	/* "optional": lines the délégué chooses (si nécessaire); "required": lines always issued */
	for (int want = 1; want >= 0; want--)
		json_array_foreach(json_object_get(expect, want ? "optional" : "required"), i, el) {
			bool found = false;
			for (size_t k = 0; k < r->n_lines && !found; k++) {
				const struct line_result *lr = &r->lines[k];
				if (!json_string_value(el) ||
				    !strstr(line_substance(p, lr), json_string_value(el)))
					continue;
				found = true;
				if (p->templates[lr->template_index].lines[lr->line_index].optional !=
				    (want == 1))
					failf(name, "la ligne « %s » %s", json_string_value(el),
					      want ? "devrait être au choix du délégué (optional)"
						   : "ne devrait pas être facultative");
			}
			if (!found)
				failf(name, "ligne « %s » absente%s", json_string_value(el), "");
		}
	json_array_foreach(withheld, i, el) {
		bool found = false;
		for (size_t k = 0; k < r->n_lines && !found; k++) {
			const struct line_result *lr = &r->lines[k];
			const char *nm = printed_name(
				p, lr, rx_find(comps, n, lr->template_index, lr->line_index));
			found = json_string_value(el) && strstr(nm, json_string_value(el));
		}
		if (!found)
			failf(name, "ligne retenue « %s » absente%s", json_string_value(el), "");
	}
}

static void run_case(const struct protocol *p, const json_t *c, struct engine_input *in,
		     struct engine_result *r, bool *crit_fired, bool *outcome_chosen,
		     const json_t *file_signed, struct rx_completion *comps)
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
	const json_t *sig = json_object_get(c, "signed");
	size_t n_comps = 0;
	if (!sig)
		sig = file_signed;
	/* "unsigned": the template as the file has it, nothing completed; "signature_refused":
	 * the core refuses to sign it so */
	if (json_is_true(json_object_get(c, "unsigned"))) {
		sig = NULL;
		bool refused = !rx_signature_check(p, comps, 0, msg, sizeof(msg));
		if (refused != json_is_true(json_object_get(expect, "signature_refused")))
			failf(name, "signature sans complément %s%s",
			      refused ? "refusée à tort" : "acceptée à tort", "");
	}
	if (sig && !parse_signed(p, sig, comps, &n_comps, msg, sizeof(msg)))
		failf(name, "signature refusée : %s%s", msg, "");
	else if (r->decision == DECISION_INCLUDED)
		check_issue(p, r, name, expect, comps, n_comps);
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
	struct rx_completion *comps = calloc(RX_MAX_COMPLETIONS, sizeof(*comps));
	if (!comps)
		goto out;
	json_array_foreach(cases, i, c)
		run_case(p, c, in, r, crit_fired, outcome_chosen, json_object_get(doc, "signed"),
			 comps);
	free(comps);
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
