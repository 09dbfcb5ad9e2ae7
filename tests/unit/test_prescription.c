/*
 * test_prescription.c — the rules of a prescription issued under a protocol
 * (src/protocol/prescription.c) and the format parts behind them (signer_note, optional,
 * complete_at_signature), on variants of tests/malformed/valid-base.yaml.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/prescription.h"
#include "protocol/protocol.h"
#include "protocol/summary.h"

static char base_path[1024] = "tests/malformed/valid-base.yaml";

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 16);
	size_t n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* valid-base.yaml with `from` (first occurrence) replaced by `to`. */
static struct protocol *load_with(const char *from, const char *to, struct protocol_diags *d)
{
	size_t len = 0;
	char *base = read_all(base_path, &len);
	assert_non_null(base);
	char *at = strstr(base, from);
	assert_non_null(at);
	size_t fl = strlen(from), tl = strlen(to), nlen = len - fl + tl;
	char *buf = malloc(nlen + 1);
	assert_non_null(buf);
	size_t pre = (size_t)(at - base);
	memcpy(buf, base, pre);
	memcpy(buf + pre, to, tl);
	memcpy(buf + pre + tl, at + fl, len - pre - fl);
	buf[nlen] = '\0';
	struct protocol *p = NULL;
	protocol_load_buffer("variant.yaml", buf, nlen, &p, d);
	free(buf);
	free(base);
	return p;
}

#define LINES_AT "    label: \"Ordonnance type : fosfomycine\"\n    lines:\n"

/* Lines 1 to 4 before the base's fosfomycine (line 5). */
static const char *const open_lines = LINES_AT
	"      - kind: medicine\n"
	"        substance: \"anti-inflammatoire non stéroïdien\"\n"
	"        form: \"comprimé\"\n"
	"        complete_at_signature:\n"
	"          substances: [\"ibuprofène\", \"kétoprofène\"]\n"
	"          dose: {unit: mg, min: 200, max: 400}\n"
	"          doses_per_day: {min: 1, max: 3}\n"
	"          duration_days: {min: 1, max: 5}\n"
	"        instructions: \"Pendant le repas. Molécule à valider par le délégant signataire.\"\n"
	"        source: \"s\"\n"
	"        confidence: to_verify\n"
	"      - kind: device\n"
	"        item: \"Cannes anglaises\"\n"
	"        optional: true\n"
	"        signer_note: \"Seulement si l'appui est impossible.\"\n"
	"        source: \"s\"\n"
	"        confidence: confirmed\n"
	"      - kind: sick_leave\n"
	"        max_days: 5\n"
	"        source: \"s\"\n"
	"        confidence: confirmed\n"
	"      - kind: medicine\n"
	"        substance: \"paracétamol\"\n"
	"        source: \"s\"\n"
	"        confidence: to_verify\n";

static struct protocol *load_open(void)
{
	struct protocol_diags d;
	struct protocol *p = load_with(LINES_AT, open_lines, &d);
	assert_non_null(p);
	assert_int_equal(d.n_errors, 0);
	return p;
}

static const struct rx_completion good = {.template_index = 0,
					  .line_index = 0,
					  .substance = "ibuprofène",
					  .has_dose = true,
					  .dose_amount = 400,
					  .doses_per_day = 3,
					  .duration_days = 5};

static void test_format(void **state)
{
	(void)state;
	struct protocol_diags d;
	struct protocol *p = load_with(LINES_AT, open_lines, &d);
	assert_non_null(p);
	/* the sentence naming the délégant leaves the patient's text, with a warning */
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(d.count, 1);
	assert_true(d.items[0].warning);
	assert_non_null(strstr(d.items[0].message, "signer_note"));
	const struct prescription_line *l = p->templates[0].lines;
	assert_string_equal(l[0].instructions, "Pendant le repas.");
	assert_string_equal(l[0].signer_note, "Molécule à valider par le délégant signataire.");
	assert_true(l[0].open.present);
	assert_int_equal(l[0].open.n_substances, 2);
	assert_true(l[0].open.dose);
	assert_true(l[0].open.dose_min == 200 && l[0].open.dose_max == 400);
	assert_int_equal(l[0].open.dpd_max, 3);
	assert_int_equal(l[0].open.duration_max, 5);
	assert_false(l[0].optional);
	assert_true(l[1].optional);
	assert_string_equal(l[1].signer_note, "Seulement si l'appui est impossible.");
	assert_true(l[2].optional); /* a sick leave is always the délégué's choice */
	assert_false(l[3].open.present);
	protocol_free(p);
}

static void test_signature(void **state)
{
	(void)state;
	struct protocol *p = load_open();
	char msg[400];
	assert_false(rx_signature_check(p, NULL, 0, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "ligne 1"));
	assert_true(rx_signature_check(p, &good, 1, msg, sizeof(msg)));

	struct rx_completion c = good;
	c.dose_amount = 800;
	assert_false(rx_signature_check(p, &c, 1, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "entre 200 et 400 mg"));
	c = good;
	c.substance = "diclofénac";
	assert_false(rx_signature_check(p, &c, 1, msg, sizeof(msg)));
	c = good;
	c.duration_days = 0;
	assert_false(rx_signature_check(p, &c, 1, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "durée"));
	c = good;
	c.doses_per_day = 4;
	assert_false(rx_signature_check(p, &c, 1, msg, sizeof(msg)));
	/* nothing to complete on the fosfomycine line; twice the same line */
	struct rx_completion two[2] = {
		good, {.template_index = 0, .line_index = 4, .has_dose = true, .dose_amount = 3}};
	assert_false(rx_signature_check(p, two, 2, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "rien à compléter"));
	two[1] = good;
	assert_false(rx_signature_check(p, two, 2, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "deux fois"));
	protocol_free(p);
}

static void test_template_hash(void **state)
{
	(void)state;
	struct protocol *p = load_open();
	char h0[PROTOCOL_HASH_HEX], h1[PROTOCOL_HASH_HEX], h2[PROTOCOL_HASH_HEX];
	rx_template_hash(p, NULL, 0, h0);
	assert_string_equal(h0, p->hash);
	rx_template_hash(p, &good, 1, h1);
	assert_int_equal(strlen(h1), 64);
	assert_string_not_equal(h1, p->hash);
	struct rx_completion c = good;
	c.dose_amount = 200;
	rx_template_hash(p, &c, 1, h2);
	assert_string_not_equal(h1, h2); /* what the délégant completed is part of the hash */
	rx_template_hash(p, &good, 1, h2);
	assert_string_equal(h1, h2);
	protocol_free(p);
}

static void test_issuable(void **state)
{
	(void)state;
	struct protocol *p = load_open();
	const char *why = NULL;
	struct line_result lr = {.template_index = 0, .line_index = 0};
	assert_false(rx_line_issuable(p, &lr, NULL, &why));
	assert_non_null(strstr(why, "molécule"));
	assert_true(rx_line_issuable(p, &lr, &good, &why));
	struct rx_completion c = good;
	c.has_dose = false;
	assert_false(rx_line_issuable(p, &lr, &c, &why));
	assert_non_null(strstr(why, "dose"));
	lr.line_index = 3; /* paracétamol without a dose: never issued */
	assert_false(rx_line_issuable(p, &lr, NULL, &why));
	assert_string_equal(why, "dose non fixée dans le modèle signé");
	lr.line_index = 4;
	assert_true(rx_line_issuable(p, &lr, NULL, &why));
	lr.line_index = 1;
	assert_true(rx_line_issuable(p, &lr, NULL, &why));
	protocol_free(p);
}

static void test_text_and_sick_leave(void **state)
{
	(void)state;
	struct protocol *p = load_open();
	struct line_result lr = {.template_index = 0, .line_index = 0};
	struct strbuf sb = STRBUF_INIT;
	rx_line_text(p, &lr, &good, 0, &sb);
	assert_string_equal(strbuf_str(&sb),
			    "ibuprofène, comprimé : 400 mg par prise, 3 prises par "
			    "jour, pendant 5 jours — Pendant le repas.");
	strbuf_free(&sb);
	lr.line_index = 1;
	rx_line_text(p, &lr, NULL, 0, &sb);
	assert_null(strstr(strbuf_str(&sb), "appui")); /* the signer's note is never printed */
	strbuf_free(&sb);
	lr.line_index = 2;
	rx_line_text(p, &lr, NULL, 3, &sb);
	assert_string_equal(strbuf_str(&sb), "Arrêt de travail de 3 jours");
	strbuf_free(&sb);
	char msg[300];
	const struct prescription_line *sick = &p->templates[0].lines[2];
	assert_false(rx_sick_leave_days_ok(sick, 0, msg, sizeof(msg)));
	assert_false(rx_sick_leave_days_ok(sick, 6, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "1 à 5 jours"));
	assert_true(rx_sick_leave_days_ok(sick, 5, msg, sizeof(msg)));
	protocol_free(p);
}

static void test_sheet(void **state)
{
	(void)state;
	struct rx_sheet_check ck;
	struct rx_sheet_facts f = {.birth_known = true, .age_years = 40, .age_months = 480};
	rx_sheet_check(&f, &ck);
	assert_false(ck.ok);
	assert_non_null(strstr(ck.missing[0], "RPPS"));
	f.finess = true;
	rx_sheet_check(&f, &ck);
	assert_true(ck.ok);
	assert_false(ck.child);
	f.finess = false;
	f.signer_rpps = true;
	f.age_years = 7;
	rx_sheet_check(&f, &ck);
	assert_false(ck.ok);
	assert_true(ck.child);
	assert_string_equal(ck.missing[0], "le poids de l'enfant");
	f.weight_known = true;
	rx_sheet_check(&f, &ck);
	assert_true(ck.ok);
	f.birth_known = false;
	rx_sheet_check(&f, &ck);
	assert_false(ck.ok);

	struct strbuf sb = STRBUF_INIT;
	rx_age_fr(1, 18, &sb);
	assert_string_equal(strbuf_str(&sb), "18 mois");
	strbuf_free(&sb);
	rx_age_fr(7, 90, &sb);
	assert_string_equal(strbuf_str(&sb), "7 ans");
	strbuf_free(&sb);
}

static void test_draft_not_usable(void **state)
{
	(void)state;
	struct protocol_diags d;
	const char *why = NULL;
	struct protocol *p = load_with("status: active", "status: active", &d);
	assert_true(protocol_usable(p, &why));
	protocol_free(p);
	p = load_with("status: active", "status: draft", &d);
	assert_non_null(p);
	assert_false(protocol_usable(p, &why));
	assert_non_null(strstr(why, "brouillon"));
	protocol_free(p);
	p = load_with("status: active", "status: repealed", &d);
	assert_false(protocol_usable(p, &why));
	assert_non_null(strstr(why, "abrogé"));
	protocol_free(p);
}

/* The document a délégant reads before signing: sentences, lines, sources as footnotes; never
 * rule syntax, identifiers, hashes or the technical summary's headings. */
static void test_signature_document(void **state)
{
	(void)state;
	struct protocol *p = load_open();
	json_t *doc = summary_for_signature(p, 20000);
	assert_non_null(doc);
	char *text = json_dumps(doc, 0);
	assert_non_null(text);
	assert_null(strstr(text, "=="));
	assert_null(strstr(text, p->hash));
	assert_null(strstr(text, "bandelette =")); /* an outcome's rule */
	assert_null(strstr(text, "\"brulure\""));  /* a question id as a value */
	assert_non_null(strstr(text, "Conduite"));
	json_t *lines =
		json_object_get(json_array_get(json_object_get(doc, "templates"), 0), "lines");
	assert_int_equal(json_array_size(lines), 5);
	json_t *open = json_object_get(json_array_get(lines, 0), "complete");
	assert_int_equal(json_array_size(json_object_get(open, "substances")), 2);
	assert_true(json_is_true(json_object_get(json_array_get(lines, 3), "never_issued")));
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(lines, 1), "signer_note")),
		"Seulement si l'appui est impossible.");
	/* every source is a numbered footnote, each once */
	json_t *notes = json_object_get(doc, "footnotes");
	assert_true(json_array_size(notes) >= 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(notes, 0), "n")), 1);
	free(text);
	json_decref(doc);
	protocol_free(p);
}

/* Mutation check (docs/internals/mutation-issue9.md): each bound of a completion is checked at
 * its edge — the limit itself accepted, one past it refused — and a line whose duration is left
 * open is never issued before the délégant completed it. */
static void test_completion_bounds_edges(void **state)
{
	(void)state;
	struct protocol *p = load_open();
	char msg[400];
	struct rx_completion c = good;
	c.dose_amount = 200; /* the minimum itself */
	assert_true(rx_completion_check(p, &c, msg, sizeof(msg)));
	c.dose_amount = 199;
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "entre 200 et 400 mg"));
	c.dose_amount = 400.5; /* just above the maximum */
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	c.dose_amount = 401;
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	c = good;
	c.duration_days = 1;
	assert_true(rx_completion_check(p, &c, msg, sizeof(msg)));
	c.duration_days = 6; /* one day past the protocol's 5 */
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "entre 1 et 5 jours"));
	c = good;
	c.doses_per_day = 1;
	assert_true(rx_completion_check(p, &c, msg, sizeof(msg)));
	c.doses_per_day = 0;
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));

	const char *why = NULL;
	struct line_result lr = {.template_index = 0, .line_index = 0};
	c = good;
	c.duration_days = 0; /* the duration left open, not completed */
	assert_false(rx_line_issuable(p, &lr, &c, &why));
	assert_string_equal(why, "durée non fixée dans le modèle signé");
	c = good;
	c.doses_per_day = 0; /* the number of intakes left open, not completed */
	assert_false(rx_line_issuable(p, &lr, &c, &why));
	assert_string_equal(why, "nombre de prises non fixé dans le modèle signé");
	protocol_free(p);
}

/* The child's weight at the age edge: 14 years is a child (weight required), 15 is not. */
static void test_sheet_child_age_edge(void **state)
{
	(void)state;
	struct rx_sheet_check ck;
	struct rx_sheet_facts f = {.signer_rpps = true, .birth_known = true, .age_years = 14};
	rx_sheet_check(&f, &ck);
	assert_true(ck.child);
	assert_false(ck.ok);
	assert_string_equal(ck.missing[0], "le poids de l'enfant");
	f.age_years = RX_CHILD_AGE_YEARS;
	rx_sheet_check(&f, &ck);
	assert_false(ck.child);
	assert_true(ck.ok);
}

/* A line that leaves only the duration open: what the protocol fixes cannot be completed. */
static void test_completion_of_fixed_parts(void **state)
{
	(void)state;
	static const char *const duration_only = LINES_AT
		"      - kind: medicine\n"
		"        substance: \"paracétamol\"\n"
		"        form: \"comprimé\"\n"
		"        dose: {amount: 1000, unit: mg}\n"
		"        doses_per_day: 3\n"
		"        complete_at_signature:\n"
		"          duration_days: {min: 1, max: 5}\n"
		"        source: \"s\"\n"
		"        confidence: to_verify\n";
	struct protocol_diags d;
	struct protocol *p = load_with(LINES_AT, duration_only, &d);
	assert_non_null(p);
	assert_int_equal(d.n_errors, 0);
	char msg[400];
	struct rx_completion c = {.template_index = 0, .line_index = 0, .duration_days = 3};
	assert_true(rx_completion_check(p, &c, msg, sizeof(msg)));
	c.has_dose = true;
	c.dose_amount = 500;
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "fixe la dose"));
	c.has_dose = false;
	c.substance = "ibuprofène";
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "fixe la molécule"));
	c.substance = NULL;
	c.doses_per_day = 2;
	assert_false(rx_completion_check(p, &c, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "nombre de prises"));
	protocol_free(p);
}

/* The rules the decision applies to what the délégué chose: a duration needs a sick leave
 * chosen; a child's prescription needs the weight (edges of the age and of the lines). */
static void test_decision_rules(void **state)
{
	(void)state;
	char msg[200] = "";
	assert_true(rx_sick_leave_days_have_line(0, false, msg, sizeof(msg)));
	assert_true(rx_sick_leave_days_have_line(3, true, msg, sizeof(msg)));
	assert_true(rx_sick_leave_days_have_line(0, true, msg, sizeof(msg)));
	assert_false(rx_sick_leave_days_have_line(3, false, msg, sizeof(msg)));
	assert_string_equal(msg, "Aucun arrêt de travail n'est choisi : la durée ne s'applique à rien.");
	assert_true(rx_weight_required(1, RX_CHILD_AGE_YEARS - 1, false));
	assert_true(rx_weight_required(3, 0, false));
	assert_false(rx_weight_required(1, RX_CHILD_AGE_YEARS, false));
	assert_false(rx_weight_required(1, RX_CHILD_AGE_YEARS - 1, true));
	assert_false(rx_weight_required(0, 2, false));
}

int main(int argc, char **argv)
{
	const char *root = getenv("COOP_SOURCE_ROOT");
	if (argc > 1)
		snprintf(base_path, sizeof(base_path), "%s", argv[1]);
	else if (root)
		snprintf(base_path, sizeof(base_path), "%s/tests/malformed/valid-base.yaml", root);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_decision_rules),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_template_hash),
		cmocka_unit_test(test_issuable),
		cmocka_unit_test(test_text_and_sick_leave),
		cmocka_unit_test(test_sheet),
		cmocka_unit_test(test_draft_not_usable),
		cmocka_unit_test(test_signature_document),
		cmocka_unit_test(test_completion_bounds_edges),
		cmocka_unit_test(test_sheet_child_age_edge),
		cmocka_unit_test(test_completion_of_fixed_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
