/*
 * test_protocol_load.c — the protocol loader: the valid base protocol loads with the right
 * tables and symbol table; every file of the malformed corpus (tests/malformed/expected.txt)
 * fails with the expected first error, position and message; and targeted checks (closed
 * mappings, positions inside expressions, error collection and its cap, sizes, I/O errors,
 * computed needs, weight slots, tariffs, the small helpers of protocol.c).
 *
 * The corpus directory is argv[1], else $COOP_SOURCE_ROOT/tests/malformed, else
 * tests/malformed from the working directory.
 */
/* cmocka.h needs these headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "protocol/protocol.h"

static char corpus_dir[1024] = "tests/malformed";

/* Reads a whole file into a new NUL-terminated buffer (the caller frees it). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static void corpus_path(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", corpus_dir, name);
}

static char *read_base(size_t *len)
{
	char path[1200];
	corpus_path("valid-base.yaml", path, sizeof(path));
	char *s = read_all(path, len);
	assert_non_null(s);
	return s;
}

/* Loads valid-base.yaml with the first occurrence of `from` replaced by `to`. */
static enum coop_err load_variant(const char *from, const char *to, struct protocol **out,
				  struct protocol_diags *d)
{
	size_t len;
	char *base = read_base(&len);
	char *at = strstr(base, from);
	assert_non_null(at);
	size_t fl = strlen(from), tl = strlen(to);
	size_t nlen = len - fl + tl;
	char *buf = malloc(nlen + 1);
	assert_non_null(buf);
	size_t pre = (size_t)(at - base);
	memcpy(buf, base, pre);
	memcpy(buf + pre, to, tl);
	memcpy(buf + pre + tl, at + fl, len - pre - fl);
	buf[nlen] = '\0';
	enum coop_err rc = protocol_load_buffer("variant.yaml", buf, nlen, out, d);
	free(buf);
	free(base);
	return rc;
}

static const struct protocol_diag *first_error(const struct protocol_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		if (!d->items[i].warning)
			return &d->items[i];
	return NULL;
}

static void print_diags(const char *name, const struct protocol_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		print_message("    %s:%u:%u: %s%s\n", name, d->items[i].line, d->items[i].column,
			      d->items[i].warning ? "(avertissement) " : "", d->items[i].message);
}

/* Asserts the variant fails with a first error at line:col containing msg. */
static void expect_variant_error(const char *from, const char *to, unsigned line, unsigned col,
				 const char *msg)
{
	struct protocol *p = (struct protocol *)1;
	struct protocol_diags d;
	enum coop_err rc = load_variant(from, to, &p, &d);
	const struct protocol_diag *e = first_error(&d);
	if (rc != ERR_INVALID || !e || e->line != line || e->column != col ||
	    !strstr(e->message, msg)) {
		print_message("expected %u:%u « %s », got rc=%d:\n", line, col, msg, rc);
		print_diags("variant.yaml", &d);
		fail();
	}
	assert_null(p);
}

/* ---------------------------------------------------------------- the valid base */

static void test_valid_base(void **state)
{
	(void)state;
	char path[1200];
	struct protocol *p = NULL;
	struct protocol_diags d;
	corpus_path("valid-base.yaml", path, sizeof(path));
	enum coop_err rc = protocol_load_file(path, &p, &d);
	if (rc != COOP_OK)
		print_diags(path, &d);
	assert_int_equal(rc, COOP_OK);
	assert_non_null(p);
	assert_int_equal(d.n_errors, 0);

	assert_string_equal(p->path, path);
	assert_string_equal(p->id, "test-base");
	assert_int_equal(p->kind, PROTOCOL_NATIONAL);
	assert_int_equal(p->status, PROTOCOL_ACTIVE);
	assert_non_null(p->summary);

	assert_int_equal(p->n_versions, 2);
	assert_string_equal(p->versions[0].version, "2020");
	assert_int_equal(p->versions[0].effective_from, date_from_ymd(2020, 3, 8));
	assert_true(p->versions[0].has_effective_to);
	assert_int_equal(p->versions[0].effective_to, date_from_ymd(2023, 3, 9));
	assert_false(p->versions[1].has_effective_to);
	assert_null(p->versions[0].changes);
	assert_non_null(p->versions[1].changes);
	assert_int_equal(p->versions[0].n_refs, 1);
	assert_string_equal(p->versions[0].refs[0].ref, "JORFTEXT000041697956");
	assert_null(p->versions[1].refs[0].ref);
	assert_true(p->versions[0].delegants == (UINT64_C(1) << PROF_MEDECIN));
	assert_true(p->versions[0].delegues ==
		    ((UINT64_C(1) << PROF_INFIRMIER) | (UINT64_C(1) << PROF_PHARMACIEN)));
	assert_int_equal(p->versions[0].structure_types, (1u << STRUCT_MSP) | (1u << STRUCT_CDS));
	assert_true(p->versions[0].age_min.set);
	assert_int_equal(p->versions[0].age_min.value, 16);
	assert_int_equal(p->versions[0].age_max.value, 65);
	assert_int_equal(p->versions[0].age_max.unit, AGE_YEARS);
	assert_int_equal(p->versions[0].sexes, 1u << SEX_FEMALE);
	assert_int_equal(p->versions[0].patient_provenance.confidence, CONF_CONFIRMED);

	assert_int_equal(p->n_questions, 2);
	assert_string_equal(p->questions[0].id, "brulure");
	assert_int_equal(p->questions[0].type, Q_BOOLEAN);
	assert_int_equal(p->questions[0].asked_by, ASKED_ORIENTATION);
	assert_null(p->questions[0].enable_when);
	assert_int_equal(p->questions[1].type, Q_CHOICE);
	assert_int_equal(p->questions[1].n_choices, 2);
	assert_string_equal(p->questions[1].choices[1].code, "negative");
	assert_non_null(p->questions[1].enable_when);
	assert_int_equal(p->questions[1].line, 45);
	assert_int_equal(p->questions[1].column, 5);

	assert_int_equal(p->n_computed, 0);
	assert_int_equal(p->n_criteria, 2);
	assert_int_equal(p->criteria[0].kind, CRIT_INCLUSION);
	assert_int_equal(p->criteria[1].kind, CRIT_EXCLUSION);
	assert_int_equal(p->criteria[1].urgency, URG_PHYSICIAN_LATER);
	assert_int_equal(p->criteria[1].prov.confidence, CONF_INFERRED);
	assert_string_equal(expr_source(p->criteria[1].expression), "age_years >= 60");

	assert_int_equal(p->n_outcomes, 2);
	assert_int_equal(p->outcomes[0].kind, OUTCOME_PRESCRIPTION);
	assert_int_equal(p->outcomes[0].n_templates, 1);
	assert_int_equal(p->outcomes[0].templates[0], 0);
	assert_int_equal(p->outcomes[0].n_advice, 1);
	assert_int_equal(p->outcomes[1].kind, OUTCOME_ADVICE);
	assert_int_equal(p->outcomes[1].urgency, URG_NONE);
	assert_int_equal(p->outcomes[1].prov.confidence, CONF_TO_VERIFY);

	assert_int_equal(p->n_templates, 1);
	assert_int_equal(p->templates[0].n_lines, 1);
	const struct prescription_line *l = &p->templates[0].lines[0];
	assert_int_equal(l->kind, LINE_MEDICINE);
	assert_true(l->has_dose);
	assert_true(l->dose_amount == 3.0);
	assert_string_equal(l->dose_unit, "g");
	assert_false(l->has_dose_per_kg);
	assert_int_equal(l->weight_slot, -1);
	assert_int_equal(l->doses_per_day, 1);
	assert_int_equal(l->duration_days, 1);
	assert_null(l->when);
	assert_null(l->instructions);

	assert_false(p->second_contact.present);
	assert_false(p->revoyure.present);
	assert_int_equal(p->n_tariffs, 0);
	assert_true(p->training.hours_known);
	assert_true(p->training.hours == 4.0);
	assert_int_equal(p->n_review, 0);

	/* symbol table: questions, computed, then age_years, age_months, sex, visit_date */
	assert_int_equal(p->n_slots, 6);
	assert_string_equal(p->slot_names[0], "brulure");
	assert_string_equal(p->slot_names[1], "bandelette");
	assert_string_equal(p->slot_names[2], "age_years");
	assert_string_equal(p->slot_names[3], "age_months");
	assert_string_equal(p->slot_names[4], "sex");
	assert_string_equal(p->slot_names[5], "visit_date");
	assert_int_equal(p->slot_types[5].base, EXPR_DATE);
	assert_int_equal(p->slot_types[0].base, EXPR_BOOLEAN);
	assert_int_equal(p->slot_types[1].base, EXPR_STRING);
	assert_false(p->slot_types[1].collection);
	assert_int_equal(p->slot_types[2].base, EXPR_INTEGER);
	assert_int_equal(p->slot_types[3].base, EXPR_INTEGER);
	assert_int_equal(p->slot_types[4].base, EXPR_STRING);
	assert_int_equal(protocol_slot_sex(p), 4);

	/* hash: SHA-256 of the bytes, lowercase hex */
	assert_int_equal(strlen(p->hash), 64);
	size_t len;
	char *bytes = read_all(path, &len);
	assert_non_null(bytes);
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[PROTOCOL_HASH_HEX];
	assert_true(sodium_init() >= 0);
	crypto_hash_sha256(h, (const unsigned char *)bytes, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(p->hash, hex);
	free(bytes);

	/* look-ups */
	assert_int_equal(protocol_find_question(p, "bandelette"), 1);
	assert_int_equal(protocol_find_question(p, "nope"), -1);
	assert_int_equal(protocol_find_criterion(p, "age_60"), 1);
	assert_int_equal(protocol_find_outcome(p, "conseils"), 1);
	assert_ptr_equal(protocol_version_at(p, date_from_ymd(2020, 3, 8)), &p->versions[0]);
	assert_ptr_equal(protocol_version_at(p, date_from_ymd(2023, 3, 8)), &p->versions[0]);
	assert_ptr_equal(protocol_version_at(p, date_from_ymd(2023, 3, 9)), &p->versions[1]);
	assert_ptr_equal(protocol_version_at(p, date_from_ymd(2099, 1, 1)), &p->versions[1]);
	assert_null(protocol_version_at(p, date_from_ymd(2020, 3, 7)));
	protocol_free(p);
}

/* ---------------------------------------------------------------- the malformed corpus */

static void test_malformed_corpus(void **state)
{
	(void)state;
	char path[1200];
	size_t len;
	corpus_path("expected.txt", path, sizeof(path));
	char *text = read_all(path, &len);
	assert_non_null(text);
	size_t n_files = 0, n_bad = 0;
	char *save = text;
	for (char *line = text; line && *line; line = save) {
		char *nl = strchr(line, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		char *tab1 = strchr(line, '\t');
		assert_non_null(tab1);
		*tab1 = '\0';
		const char *name = line, *pos = tab1 + 1, *msg = "";
		char *tab2 = strchr(pos, '\t');
		if (tab2) {
			*tab2 = '\0';
			msg = tab2 + 1;
		}
		char fpath[1200];
		corpus_path(name, fpath, sizeof(fpath));
		struct protocol *p = (struct protocol *)1;
		struct protocol_diags d;
		enum coop_err rc = protocol_load_file(fpath, &p, &d);
		n_files++;
		if (strcmp(pos, "OK") == 0) {
			if (rc != COOP_OK || !p) {
				print_message("%s: expected to load, rc=%d\n", name, rc);
				print_diags(name, &d);
				n_bad++;
			}
			protocol_free(p);
			continue;
		}
		unsigned el = 0, ec = 0;
		assert_int_equal(sscanf(pos, "%u:%u", &el, &ec), 2);
		const struct protocol_diag *e = first_error(&d);
		if (rc != ERR_INVALID || p != NULL || !e || e->line != el || e->column != ec ||
		    !strstr(e->message, msg)) {
			print_message("%s: expected %u:%u « %s », got rc=%d:\n", name, el, ec, msg,
				      rc);
			print_diags(name, &d);
			n_bad++;
		}
		if (rc == COOP_OK)
			protocol_free(p);
	}
	free(text);
	print_message("malformed corpus: %zu files, %zu mismatches\n", n_files, n_bad);
	assert_true(n_files >= 26);
	assert_int_equal(n_bad, 0);
}

/* ---------------------------------------------------------------- targeted checks */

static void test_closed_mappings(void **state)
{
	(void)state;
	/* a typo inside a nested flow mapping */
	expect_variant_error("dose: {amount: 3, unit: g}",
			     "dose: {amount: 3, unit: g, colour: red}", 91, 36,
			     "clé inconnue « colour » dans « dose » (attendu : amount, unit)");
	/* an unknown key in a version's patient block */
	expect_variant_error("      sexes: [female]\n",
			     "      sexes: [female]\n      pregnant: false\n", 23, 7,
			     "clé inconnue « pregnant »");
	/* a key present twice at the root */
	expect_variant_error("status: active\n", "status: active\nstatus: draft\n", 7, 1,
			     "clé « status » en double");
	/* several required keys missing are reported together, at the mapping */
	expect_variant_error("    label: \"Brûlures mictionnelles\"\n    type: boolean\n", "", 41,
			     5, "clés obligatoires manquantes dans la question : label, type");
}

static void test_expression_positions(void **state)
{
	(void)state;
	/* plain scalar: column of the scalar + offset */
	expect_variant_error("    expression: \"age_years >= 60\"\n",
			     "    expression: age_years >= 60 and nope\n", 63, 37,
			     "nom inconnu « nope »");
	/* single-quoted: + 1 for the quote */
	expect_variant_error("    expression: \"age_years >= 60\"\n",
			     "    expression: 'age_years >= 60 and nope'\n", 63, 38,
			     "nom inconnu « nope »");
	/* literal block scalar: the line and column inside the block */
	expect_variant_error("    expression: \"age_years >= 60\"\n",
			     "    expression: |\n      age_years >= 60\n        and nope\n", 65, 13,
			     "nom inconnu « nope »");
	/* multi-line plain scalar: folded line break */
	expect_variant_error("    expression: \"age_years >= 60\"\n",
			     "    expression: age_years >= 60\n      and nope\n", 64, 11,
			     "nom inconnu « nope »");
	/* non-ASCII text before the error counts one column per character */
	expect_variant_error("    expression: \"age_years >= 60\"\n",
			     "    expression: \"'é' = 'é' and nope\"\n", 63, 32,
			     "nom inconnu « nope »");
	/* enable_when naming a later question: at the name */
	expect_variant_error(
		"    type: boolean\n",
		"    type: boolean\n    enable_when: \"age_years > 3 and bandelette = 'positive'\"\n",
		44, 37, "« bandelette » vient après");
}

static void test_collects_all_errors(void **state)
{
	(void)state;
	/* three independent errors, given out of order: reported all, sorted by position */
	const char *text =
		"format: 1\n"
		"id: Bad_Id\n"
		"title: \"t\"\n"
		"kind: national\n"
		"status: active\n"
		"versions: []\n"
		"questions:\n"
		"  - {id: q, label: \"Q\", type: boolean, asked_by: nobody}\n"
		"criteria:\n"
		"  - {id: c, kind: inclusion, expression: \"q\", label: \"C\", urgency: emergency, source: \"s\", confidence: confirmed}\n"
		"outcomes:\n"
		"  - {id: o, kind: advice, when: \"q\", label: \"O\", source: \"s\", confidence: confirmed}\n"
		"training: {hours: null, content: \"c\", source: \"s\", confidence: confirmed}\n";
	struct protocol *p = (struct protocol *)1;
	struct protocol_diags d;
	enum coop_err rc = protocol_load_buffer("x.yaml", text, strlen(text), &p, &d);
	assert_int_equal(rc, ERR_INVALID);
	assert_null(p);
	if (d.n_errors != 3)
		print_diags("x.yaml", &d);
	assert_int_equal(d.n_errors, 3);
	assert_int_equal(d.items[0].line, 2);
	assert_non_null(strstr(d.items[0].message, "identifiant invalide « Bad_Id »"));
	assert_int_equal(d.items[1].line, 6);
	assert_non_null(
		strstr(d.items[1].message, "« versions » doit contenir au moins un élément"));
	assert_int_equal(d.items[2].line, 8);
	assert_non_null(strstr(d.items[2].message, "« asked_by » doit être l'un de"));
}

static void test_diag_cap(void **state)
{
	(void)state;
	/* 100 unknown keys: 64 kept, all counted */
	char *buf = malloc(100 * 16 + 1);
	assert_non_null(buf);
	size_t o = 0;
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(buf + o, 17, "k%03d: 1\n", i);
	struct protocol *p = NULL;
	struct protocol_diags d;
	enum coop_err rc = protocol_load_buffer("cap.yaml", buf, o, &p, &d);
	assert_int_equal(rc, ERR_INVALID);
	assert_int_equal(d.count, PROTOCOL_MAX_DIAGS);
	assert_int_equal(d.n_errors, 101); /* 100 unknown keys + the missing required keys */
	free(buf);
}

static void test_sizes_and_io(void **state)
{
	(void)state;
	struct protocol *p = (struct protocol *)1;
	struct protocol_diags d;
	size_t big = PROTOCOL_MAX_FILE + 1;
	char *buf = malloc(big);
	assert_non_null(buf);
	memset(buf, ' ', big);
	assert_int_equal(protocol_load_buffer("big.yaml", buf, big, &p, &d), ERR_TOO_LARGE);
	assert_null(p);
	assert_int_equal(d.n_errors, 1);
	free(buf);

	p = (struct protocol *)1;
	assert_int_equal(protocol_load_file("/nonexistent/dir/p.yaml", &p, &d), ERR_IO);
	assert_null(p);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.items[0].message, "fichier introuvable"));

	p = (struct protocol *)1;
	assert_int_equal(protocol_load_file(corpus_dir, &p, &d), ERR_IO); /* a directory */
	assert_null(p);

	/* NUL bytes and empty input */
	p = (struct protocol *)1;
	assert_int_equal(protocol_load_buffer("nul.yaml", "a: 1\n\0", 6, &p, &d), ERR_INVALID);
	assert_int_equal(d.items[0].line, 2);
	assert_non_null(strstr(d.items[0].message, "caractère nul"));
	assert_int_equal(protocol_load_buffer("e.yaml", "", 0, &p, &d), ERR_INVALID);
	assert_null(p);
}

static void test_computed_and_weight(void **state)
{
	(void)state;
	struct protocol *p = NULL;
	struct protocol_diags d;
	/* computed chain and a weight-based dose */
	enum coop_err rc = load_variant(
		"criteria:\n",
		"  - id: poids\n"
		"    label: \"Poids\"\n"
		"    type: decimal\n"
		"    unit: kg\n"
		"    min: 2\n"
		"    max: 200.5\n"
		"    asked_by: examination\n"
		"computed:\n"
		"  - {id: un, label: \"Un\", type: integer, expression: \"iif(brulure, 1, 0)\"}\n"
		"  - {id: deux, label: \"Deux\", type: decimal, expression: \"un + iif(poids > 50, 1, 0) + age_years\"}\n"
		"  - {id: trois, label: \"Trois\", type: boolean, expression: \"deux > 1\"}\n"
		"criteria:\n",
		&p, &d);
	if (rc != COOP_OK)
		print_diags("variant.yaml", &d);
	assert_int_equal(rc, COOP_OK);
	assert_int_equal(p->n_questions, 3);
	assert_int_equal(p->n_computed, 3);
	assert_int_equal(p->n_slots, 10);
	assert_string_equal(p->slot_names[3], "un");
	assert_int_equal(p->slot_types[4].base, EXPR_DECIMAL);
	assert_string_equal(p->slot_names[6], "age_years");
	assert_true(p->questions[2].has_min && p->questions[2].has_max);
	assert_true(p->questions[2].max == 200.5);
	assert_string_equal(p->questions[2].unit, "kg");
	/* needs: question slots only, transitively */
	assert_true(expr_slotset_has(&p->computed[0].needs, 0));
	assert_false(expr_slotset_has(&p->computed[0].needs, 2));
	assert_true(expr_slotset_has(&p->computed[1].needs, 0));
	assert_true(expr_slotset_has(&p->computed[1].needs, 2));
	assert_false(expr_slotset_has(&p->computed[1].needs, 3)); /* not computed slots */
	assert_false(expr_slotset_has(&p->computed[1].needs, 6)); /* nor reserved ones */
	assert_true(expr_slotset_has(&p->computed[2].needs, 0));
	assert_true(expr_slotset_has(&p->computed[2].needs, 2));
	assert_false(expr_slotset_has(&p->computed[2].needs, 1));
	protocol_free(p);

	p = NULL;
	rc = load_variant(
		"        dose: {amount: 3, unit: g}\n",
		"        dose_per_kg: {amount: 50, unit: mg, per: dose, max: 3000, weight: brulure}\n",
		&p, &d);
	assert_int_equal(rc, ERR_INVALID);
	rc = load_variant(
		"  - id: bandelette\n",
		"  - id: poids\n    label: \"Poids\"\n    type: integer\n    min: 1\n    max: 150\n    asked_by: examination\n"
		"  - id: bandelette\n",
		&p, &d);
	assert_int_equal(rc, COOP_OK);
	protocol_free(p);
}

static void test_weight_slot_tariffs_follow_up(void **state)
{
	(void)state;
	struct protocol *p = NULL;
	struct protocol_diags d;
	size_t len;
	char *base = read_base(&len);
	const char *from = "        dose: {amount: 3, unit: g}\n";
	const char *to =
		"        dose_per_kg: {amount: 50, unit: mg, per: day, max: 3000, weight: poids}\n";
	const char *qfrom = "  - id: bandelette\n";
	const char *qto =
		"  - id: poids\n    label: \"Poids\"\n    type: decimal\n    min: 1\n    max: 150\n    asked_by: examination\n"
		"  - id: bandelette\n";
	const char *tfrom = "training:\n  hours: 4\n";
	const char *tto =
		"follow_up:\n"
		"  second_contact: {label: \"Réévaluation\", from_day: 14, to_day: 28, source: \"s\", confidence: confirmed}\n"
		"  revoyure: {conditions: [\"symptôme nouveau\"], source: \"s\", confidence: inferred}\n"
		"tariffs:\n"
		"  - {code: flat_fee, label: \"Forfait\", amount: \"25.00\", effective_from: 2023-08-24, source: \"s\", confidence: confirmed}\n"
		"  - {code: second_contact, label: \"Second\", amount: \"1234567.89\", effective_from: 2023-08-24, effective_to: 2030-01-01, source: \"s\", confidence: confirmed}\n"
		"review: [\"à vérifier\"]\n"
		"training:\n  hours: null\n";
	/* apply the three replacements by hand */
	char *buf = malloc(len + 2048);
	assert_non_null(buf);
	const char *pairs[3][2] = {{qfrom, qto}, {from, to}, {tfrom, tto}};
	memcpy(buf, base, len + 1);
	for (int i = 0; i < 3; i++) {
		char *at = strstr(buf, pairs[i][0]);
		assert_non_null(at);
		size_t fl = strlen(pairs[i][0]), tl = strlen(pairs[i][1]);
		memmove(at + tl, at + fl, strlen(at + fl) + 1);
		memcpy(at, pairs[i][1], tl);
	}
	enum coop_err rc = protocol_load_buffer("w.yaml", buf, strlen(buf), &p, &d);
	if (rc != COOP_OK)
		print_diags("w.yaml", &d);
	assert_int_equal(rc, COOP_OK);
	const struct prescription_line *l = &p->templates[0].lines[0];
	assert_true(l->has_dose_per_kg);
	assert_false(l->has_dose);
	assert_int_equal(l->weight_slot, 1);
	assert_int_equal(l->per_kg_per, DOSE_PER_DAY);
	assert_true(l->per_kg_amount == 50 && l->per_kg_max == 3000);
	assert_string_equal(l->per_kg_unit, "mg");
	assert_int_equal(p->n_tariffs, 2);
	assert_int_equal(p->tariffs[0].amount_cents, 2500);
	assert_int_equal(p->tariffs[0].code, TARIFF_FLAT_FEE);
	assert_int_equal(p->tariffs[1].amount_cents, 123456789);
	assert_true(p->tariffs[1].has_effective_to);
	assert_true(p->second_contact.present && p->second_contact.has_window);
	assert_int_equal(p->second_contact.from_day, 14);
	assert_int_equal(p->second_contact.to_day, 28);
	assert_true(p->revoyure.present);
	assert_int_equal(p->revoyure.n_conditions, 1);
	assert_int_equal(p->revoyure.prov.confidence, CONF_INFERRED);
	assert_false(p->training.hours_known);
	assert_int_equal(p->n_review, 1);
	protocol_free(p);
	free(buf);
	free(base);
}

static void test_warning_unused_template(void **state)
{
	(void)state;
	struct protocol *p = NULL;
	struct protocol_diags d;
	enum coop_err rc = load_variant(
		"training:\n",
		"  - id: inutile\n    label: \"Inutile\"\n    lines:\n"
		"      - {kind: certificate, item: \"Certificat\", source: \"s\", confidence: confirmed}\n"
		"training:\n",
		&p, &d);
	assert_int_equal(rc, COOP_OK);
	assert_non_null(p);
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(d.count, 1);
	assert_true(d.items[0].warning);
	assert_non_null(strstr(d.items[0].message, "« inutile » n'est utilisé par aucune issue"));
	protocol_free(p);
}

static void test_quoted_scalars(void **state)
{
	(void)state;
	struct protocol *p = NULL;
	struct protocol_diags d;
	/* double-quoted escapes and an escaped line break; single-quoted '' and line folding */
	enum coop_err rc = load_variant("    label: \"Brûlures mictionnelles\"\n",
					"    label: \"a\\tb \\u00e9\\x41 \\\n      c\\\\\"\n"
					"    help: 'l''œil  \n      ouvert\n\n      ''fermé'''\n",
					&p, &d);
	if (rc != COOP_OK)
		print_diags("variant.yaml", &d);
	assert_int_equal(rc, COOP_OK);
	assert_string_equal(p->questions[0].label, "a\tb éA c\\");
	assert_string_equal(p->questions[0].help, "l'œil ouvert\n'fermé'");
	protocol_free(p);
	/* many folded line breaks in quoted scalars (libfyaml 0.7.12 leaks decoding these: the
	 * sanitizer and valgrind runs check that we do not) */
	static const char sq[] = "'.\r\n\r\r\r\r\n\r\r'";
	static const char dq[] = "\".\r\n\r\r\r\r\n\r\r\"";
	p = (struct protocol *)1;
	assert_int_equal(protocol_load_buffer("sq.yaml", sq, sizeof(sq) - 1, &p, &d), ERR_INVALID);
	assert_null(p);
	assert_non_null(
		strstr(d.items[0].message, "trouvé : le texte entre guillemets « .?????? »"));
	assert_int_equal(protocol_load_buffer("dq.yaml", dq, sizeof(dq) - 1, &p, &d), ERR_INVALID);
	assert_null(p);
}

/* A NUL written as an escape is refused in a text (the file itself holds no NUL byte). */
static void test_nul_escape_in_text(void **state)
{
	(void)state;
	struct protocol *p = (struct protocol *)1;
	struct protocol_diags d;
	enum coop_err rc = load_variant("    label: \"Brûlures mictionnelles\"\n",
					"    label: \"Brûlures\\0 mictionnelles\"\n", &p, &d);
	const struct protocol_diag *e = first_error(&d);
	assert_int_equal(rc, ERR_INVALID);
	assert_null(p);
	assert_non_null(e);
	assert_non_null(strstr(e->message, "« label » contient un caractère nul"));
}

static void test_helpers(void **state)
{
	(void)state;
	enum patient_sex s;
	assert_string_equal(urgency_code(URG_EMERGENCY), "emergency");
	assert_string_equal(urgency_code(URG_PHYSICIAN_SAME_DAY), "physician_same_day");
	assert_string_equal(urgency_code(URG_PHYSICIAN_LATER), "physician_later");
	/* a délégué who stops chooses a real urgency: never "none", never an unknown code */
	enum urgency u = URG_NONE;
	assert_true(urgency_parse_for_reorientation("emergency", &u));
	assert_int_equal(u, URG_EMERGENCY);
	assert_true(urgency_parse_for_reorientation("physician_same_day", &u));
	assert_int_equal(u, URG_PHYSICIAN_SAME_DAY);
	assert_true(urgency_parse_for_reorientation("physician_later", &u));
	assert_int_equal(u, URG_PHYSICIAN_LATER);
	assert_false(urgency_parse_for_reorientation("none", &u));
	assert_false(urgency_parse_for_reorientation("urgent", &u));
	assert_false(urgency_parse_for_reorientation(NULL, &u));
	assert_int_equal(u, URG_PHYSICIAN_LATER);
	assert_string_equal(urgency_label_fr(URG_EMERGENCY), "Urgences (centre 15 / SAMU)");
	assert_string_equal(urgency_label_fr(URG_PHYSICIAN_SAME_DAY), "Médecin le jour même");
	assert_string_equal(urgency_label_fr(URG_PHYSICIAN_LATER),
			    "Médecin, consultation programmée (sans urgence)");
	assert_string_equal(confidence_code(CONF_TO_VERIFY), "to_verify");
	assert_string_equal(confidence_label_fr(CONF_CONFIRMED), "confirmé");
	assert_string_equal(confidence_label_fr(CONF_INFERRED), "déduit");
	assert_string_equal(confidence_label_fr(CONF_TO_VERIFY), "à vérifier");
	assert_string_equal(criterion_kind_label_fr(CRIT_INCLUSION), "critère d'inclusion");
	assert_string_equal(criterion_kind_label_fr(CRIT_EXCLUSION), "critère d'exclusion");
	assert_string_equal(criterion_kind_label_fr(CRIT_RED_FLAG), "signal d'alerte");
	assert_true(patient_sex_parse("male", &s));
	assert_int_equal(s, SEX_MALE);
	assert_true(patient_sex_parse("unknown", &s));
	assert_int_equal(s, SEX_UNKNOWN);
	assert_false(patient_sex_parse("Male", &s));
	assert_false(patient_sex_parse(NULL, &s));
	assert_string_equal(patient_sex_code(SEX_OTHER), "other");
	assert_string_equal(patient_sex_code(SEX_FEMALE), "female");
	protocol_free(NULL);
}

int main(int argc, char **argv)
{
	const char *root = getenv("COOP_SOURCE_ROOT");
	if (argc > 1)
		snprintf(corpus_dir, sizeof(corpus_dir), "%s", argv[1]);
	else if (root && root[0])
		snprintf(corpus_dir, sizeof(corpus_dir), "%s/tests/malformed", root);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_base),
		cmocka_unit_test(test_malformed_corpus),
		cmocka_unit_test(test_closed_mappings),
		cmocka_unit_test(test_expression_positions),
		cmocka_unit_test(test_collects_all_errors),
		cmocka_unit_test(test_diag_cap),
		cmocka_unit_test(test_sizes_and_io),
		cmocka_unit_test(test_computed_and_weight),
		cmocka_unit_test(test_weight_slot_tariffs_follow_up),
		cmocka_unit_test(test_warning_unused_template),
		cmocka_unit_test(test_quoted_scalars),
		cmocka_unit_test(test_nul_escape_in_text),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
