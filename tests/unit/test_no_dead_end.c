/*
 * test_no_dead_end.c — no patient can get stuck: a property test over the six national
 * protocols and the local example.
 *
 * For many generated visits (seeded pseudo-random patients and partial answer sets), with the
 * engine's question states fed to the pathway's rule of who answers what (pathway_h's
 * pathway_questions_to_ask()):
 *   - at orientation, every orientation question that applies, conditional ones included, is
 *     on the secretariat's screen, and so is every orientation question in the engine's `next`
 *     list;
 *   - during the assessment, every question in the engine's `next` list is on the délégué's
 *     screen, whoever normally asks it;
 *   - answering only what the délégué's screen shows (one `next` question at a time, with a
 *     random answer) always ends in a decision (included or excluded) within as many steps as
 *     the protocol has questions.
 * The seed is fixed, so a failure is reproducible; the failing protocol, seed and question
 * are printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pathway.h"
#include "protocol/engine.h"
#include "protocol/protocol.h"

_Static_assert((int)PATHWAY_Q_ANSWERED == (int)QS_ANSWERED &&
		       (int)PATHWAY_Q_UNANSWERED == (int)QS_UNANSWERED &&
		       (int)PATHWAY_Q_NOT_APPLICABLE == (int)QS_NOT_APPLICABLE &&
		       (int)PATHWAY_Q_PENDING == (int)QS_PENDING,
	       "the pathway's question statuses follow the engine's question states");

static const char *const files[] = {
	"protocols/snp-cheville.yaml",	 "protocols/snp-cystite.yaml",
	"protocols/snp-lombalgie.yaml",	 "protocols/snp-odynophagie.yaml",
	"protocols/snp-rhinoconjonctivite.yaml", "protocols/snp-varicelle.yaml",
	"protocols/examples/local-exemple.yaml",
};

#define VISITS 300 /* per protocol */

static uint64_t rng_state;

static uint64_t next_random(void)
{
	/* xorshift64*: enough for test data, and the same on every machine */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static unsigned below(unsigned n)
{
	return n ? (unsigned)(next_random() % n) : 0;
}

static struct protocol *load(const char *rel)
{
	char path[512];
	const char *root = getenv("COOP_SOURCE_ROOT");
	snprintf(path, sizeof(path), "%s%s%s", root ? root : "", root ? "/" : "", rel);
	struct protocol *p = NULL;
	static struct protocol_diags d;
	if (protocol_load_file(path, &p, &d) != COOP_OK) {
		print_error("%s: cannot load (%zu errors)\n", path, d.n_errors);
		fail();
	}
	return p;
}

/* Storage for multichoice answers: one item per choice of each question. */
static struct expr_item items[PROTOCOL_MAX_QUESTIONS][64];

/* A random answer of the question's type, within its bounds. */
static struct expr_value random_answer(const struct protocol *p, size_t i, coop_date visit)
{
	const struct question *q = &p->questions[i];
	double lo = q->has_min ? q->min : 0, hi = q->has_max ? q->max : lo + 100;
	switch (q->type) {
	case Q_BOOLEAN: return expr_value_bool(below(2));
	case Q_INTEGER: {
		int64_t a = (int64_t)lo, b = (int64_t)hi;
		return expr_value_int(a + (int64_t)below((unsigned)(b - a + 1)));
	}
	case Q_DECIMAL: return expr_value_dec(lo + (hi - lo) * (double)below(1001) / 1000.0);
	case Q_CHOICE: {
		const struct choice *c = &q->choices[below((unsigned)q->n_choices)];
		return expr_value_str(c->code, strlen(c->code));
	}
	case Q_MULTICHOICE: {
		struct expr_value v = expr_value_empty();
		size_t n = 0;
		for (size_t k = 0; k < q->n_choices && k < 64; k++) {
			if (below(2))
				continue;
			items[i][n].base = EXPR_STRING;
			items[i][n].u.str.s = q->choices[k].code;
			items[i][n].u.str.len = (uint32_t)strlen(q->choices[k].code);
			n++;
		}
		v.count = (uint16_t)n;
		v.items = n ? items[i] : NULL;
		return v;
	}
	case Q_DATE: return expr_value_date(visit - (coop_date)below(400));
	}
	return expr_value_missing();
}

static struct engine_input in;
static struct engine_result r;
static struct pathway_question qs[PROTOCOL_MAX_QUESTIONS];
static bool ask[PROTOCOL_MAX_QUESTIONS];

/* Runs the engine and fills qs from its question states. */
static void evaluate(const struct protocol *p)
{
	assert_int_equal(engine_evaluate(p, &in, &r), COOP_OK);
	for (size_t i = 0; i < p->n_questions; i++) {
		qs[i].phase = p->questions[i].asked_by == ASKED_ORIENTATION
				      ? PATHWAY_PHASE_ORIENTATION
				      : PATHWAY_PHASE_EXAMINATION;
		qs[i].status = (enum pathway_question_status)engine_question_state(&r, i);
		qs[i].unknown = false;
	}
}

static void check_protocol(const char *file, uint64_t seed)
{
	struct protocol *p = load(file);
	const coop_date visit = date_from_ymd(2026, 11, 25);
	if (!protocol_version_at(p, visit)) {
		protocol_free(p);
		return;
	}
	rng_state = seed;
	size_t decided = 0, asked_again = 0;
	for (int n = 0; n < VISITS; n++) {
		/* a patient from birth to 90 years old, of either sex */
		coop_date birth = visit - (coop_date)below(90 * 366);
		engine_input_init(&in, visit, birth, below(2) ? SEX_FEMALE : SEX_MALE);
		/* a partial answer set: each question answered with the same random chance */
		unsigned chance = below(101);
		for (size_t i = 0; i < p->n_questions; i++)
			if (below(100) < chance)
				in.answers[i] = random_answer(p, i, visit);

		/* orientation: the secretariat's screen */
		evaluate(p);
		pathway_questions_to_ask(PATHWAY_ORIENTATION, PATHWAY_ASKER_SECRETARY, qs,
					 p->n_questions, ask);
		for (size_t i = 0; i < p->n_questions; i++) {
			if (qs[i].phase == PATHWAY_PHASE_ORIENTATION &&
			    qs[i].status == PATHWAY_Q_UNANSWERED && !ask[i]) {
				print_error("%s, visit %d: orientation question %s not shown\n",
					    file, n, p->questions[i].id);
				fail();
			}
		}
		for (size_t k = 0; k < r.n_next; k++) {
			size_t i = r.next[k];
			if (qs[i].phase == PATHWAY_PHASE_ORIENTATION && !ask[i]) {
				print_error("%s, visit %d: next orientation question %s not shown\n",
					    file, n, p->questions[i].id);
				fail();
			}
		}

		/* the assessment: the délégué answers what the screen shows until a decision */
		size_t steps = 0;
		for (;;) {
			evaluate(p);
			if (r.decision != DECISION_INCOMPLETE)
				break;
			if (r.n_next == 0) {
				print_error("%s, visit %d: incomplete with nothing to ask\n", file, n);
				fail();
			}
			pathway_questions_to_ask(PATHWAY_ASSESSING, PATHWAY_ASKER_DELEGUE, qs,
						 p->n_questions, ask);
			for (size_t k = 0; k < r.n_next; k++) {
				size_t i = r.next[k];
				if (!ask[i]) {
					print_error("%s, visit %d: next question %s not on the "
						    "délégué's screen\n",
						    file, n, p->questions[i].id);
					fail();
				}
				asked_again += qs[i].phase == PATHWAY_PHASE_ORIENTATION;
			}
			size_t pick = r.next[below((unsigned)r.n_next)];
			in.answers[pick] = random_answer(p, pick, visit);
			if (++steps > p->n_questions) {
				print_error("%s, visit %d: still incomplete after %zu answers\n", file,
					    n, steps);
				fail();
			}
		}
		decided++;
	}
	assert_int_equal(decided, VISITS);
	print_message("%s: %d visits decided; orientation questions asked again by the "
		      "délégué %zu times\n",
		      file, VISITS, asked_again);
	protocol_free(p);
}

static void test_no_dead_end(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
		check_protocol(files[f], UINT64_C(0x9e3779b97f4a7c15) + f);
}

/* The rule itself, by hand, on the ankle sprain's conditional orientation question. */
static void test_ankle_conditional_question(void **state)
{
	(void)state;
	struct protocol *p = load("protocols/snp-cheville.yaml");
	const coop_date visit = date_from_ymd(2026, 11, 25);
	engine_input_init(&in, visit, date_from_ymd(1990, 4, 12), SEX_MALE);
	int more = protocol_find_question(p, "traumatisme_plus_de_24h");
	int weight = protocol_find_question(p, "appui_impossible_persistant");
	assert_true(more >= 0 && weight >= 0);
	evaluate(p);
	pathway_questions_to_ask(PATHWAY_ORIENTATION, PATHWAY_ASKER_SECRETARY, qs, p->n_questions,
				 ask);
	assert_false(ask[weight]); /* pending: depends on "> 24 h" */
	in.answers[more] = expr_value_bool(true);
	evaluate(p);
	pathway_questions_to_ask(PATHWAY_ORIENTATION, PATHWAY_ASKER_SECRETARY, qs, p->n_questions,
				 ask);
	assert_true(ask[weight]); /* applies now: on the secretariat's screen */
	size_t first = 0;
	assert_true(pathway_orientation_open(qs, p->n_questions, &first) > 0);
	/* marked "ne sait pas": no longer open; the délégué asks it */
	qs[weight].unknown = true;
	for (size_t i = 0; i < p->n_questions; i++)
		if (qs[i].phase == PATHWAY_PHASE_ORIENTATION && i != (size_t)weight)
			qs[i].unknown = true;
	assert_int_equal(pathway_orientation_open(qs, p->n_questions, NULL), 0);
	pathway_questions_to_ask(PATHWAY_ASSESSING, PATHWAY_ASKER_DELEGUE, qs, p->n_questions, ask);
	assert_true(ask[weight]);
	protocol_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_dead_end),
		cmocka_unit_test(test_ankle_conditional_question),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
