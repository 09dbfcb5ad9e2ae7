/*
 * bench/engine.c — evaluations per second of the protocol engine on each national protocol,
 * side by side in one run with a hand-written C function deciding the cystitis protocol (the
 * limit: what a programmer would write for that one protocol, from the same inputs — birth and
 * visit dates, the answers — with the same three-valued handling of unanswered questions).
 *
 * Inputs are the clinical cases of tests/cases/ (decoded once, before timing). Before timing,
 * the hand-written function is checked to agree with the engine on every cystitis case; a
 * disagreement aborts the benchmark (the comparison would be meaningless).
 *
 * Usage: bench_engine [--seconds S] [--protocols DIR] [--cases DIR] [--only ID] [--count N]
 * (from the project root; --only times one protocol, for profiling; --count runs exactly N
 * evaluations per function instead of timing, for instruction counts under callgrind)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocol/answers.h"
#include "protocol/engine.h"

#define MAX_CASES 256

static const char *const protocol_ids[] = {"snp-cheville", "snp-lombalgie", "snp-cystite",
					   "snp-odynophagie", "snp-rhinoconjonctivite",
					   "snp-varicelle"};
#define N_PROTOCOLS (sizeof(protocol_ids) / sizeof(protocol_ids[0]))

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ hand-written cystitis */

enum { UNK = -1, NO = 0, YES = 1 };

/* The answers of the cystitis protocol as plain fields; -1 / NAN-like sentinels = unanswered. */
struct cystitis_answers {
	coop_date birth_date, visit_date;
	int female;
	signed char consentement, symptomes, grossesse, fievre_frissons, digestifs, recueil_fiable,
		fosse_lombaire, anomalie, immunodepression, insuffisance_renale, iu_15_jours,
		leucorrhees, ci_fosfo, ci_pivmec;
	signed char bandelette; /* 1 positive, 0 negative, -1 unanswered */
	bool has_temperature;
	double temperature;
	int episodes; /* -1 unanswered */
};

struct cystitis_decision {
	enum decision decision;
	enum urgency urgency;
	int outcome; /* 0 fosfomycine, 1 pivmécillinam, -1 none */
};

static signed char or3(signed char a, signed char b)
{
	if (a == YES || b == YES)
		return YES;
	if (a == NO && b == NO)
		return NO;
	return UNK;
}

static signed char and3(signed char a, signed char b)
{
	if (a == NO || b == NO)
		return NO;
	if (a == YES && b == YES)
		return YES;
	return UNK;
}

static void fire(signed char v, bool inclusion, enum urgency u, bool *fired, bool *unknown,
		 enum urgency *max)
{
	if (v == UNK) {
		*unknown = true;
		return;
	}
	if ((inclusion && v == NO) || (!inclusion && v == YES)) {
		*fired = true;
		if (u > *max)
			*max = u;
	}
}

static struct cystitis_decision cystitis_by_hand(const struct cystitis_answers *a)
{
	struct cystitis_decision d = {DECISION_INCOMPLETE, URG_NONE, -1};
	bool fired = false, unknown = false;
	enum urgency u = URG_NONE;
	int age_years = date_age_years(a->birth_date, a->visit_date);
	bool in_scope = a->female && age_years >= 16 && age_years <= 65;

	fire(a->consentement, true, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->symptomes, true, URG_PHYSICIAN_LATER, &fired, &unknown, &u);
	fire(a->fievre_frissons, false, URG_EMERGENCY, &fired, &unknown, &u);
	signed char temp = a->has_temperature
				   ? (a->temperature > 38 || a->temperature < 36 ? YES : NO)
				   : UNK;
	fire(temp, false, URG_EMERGENCY, &fired, &unknown, &u);
	fire(or3(a->fosse_lombaire, a->digestifs), false, URG_EMERGENCY, &fired, &unknown, &u);
	fire(a->grossesse, false, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->recueil_fiable, true, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->anomalie, false, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->immunodepression, false, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->insuffisance_renale, false, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->episodes < 0 ? UNK : (a->episodes >= 4 ? YES : NO), false, URG_PHYSICIAN_SAME_DAY,
	     &fired, &unknown, &u);
	fire(a->iu_15_jours, false, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);
	fire(a->leucorrhees, false, URG_PHYSICIAN_LATER, &fired, &unknown, &u);
	fire(a->bandelette == UNK ? UNK : (a->bandelette == 0 ? YES : NO), false,
	     URG_PHYSICIAN_LATER, &fired, &unknown, &u);
	/* the pivmécillinam question applies only when fosfomycine is contra-indicated */
	signed char pivmec = a->ci_fosfo == YES ? a->ci_pivmec : (a->ci_fosfo == NO ? NO : UNK);
	fire(and3(a->ci_fosfo, pivmec), false, URG_PHYSICIAN_SAME_DAY, &fired, &unknown, &u);

	if (!in_scope) {
		d.decision = DECISION_EXCLUDED;
		d.urgency = u > URG_PHYSICIAN_LATER ? u : URG_PHYSICIAN_LATER;
		return d;
	}
	if (fired) {
		d.decision = DECISION_EXCLUDED;
		d.urgency = u;
		return d;
	}
	if (unknown)
		return d;
	if (a->ci_fosfo == UNK || (a->ci_fosfo == YES && a->ci_pivmec == UNK))
		return d;
	d.decision = DECISION_INCLUDED;
	d.outcome = a->ci_fosfo == NO ? 0 : 1;
	return d;
}

/* Converts an engine input to the hand-written struct (outside the timed loop). */
static signed char tri_answer(const struct protocol *p, const struct engine_input *in,
			      const char *id)
{
	int q = protocol_find_question(p, id);
	if (q < 0) {
		fprintf(stderr, "bench: question %s absente du protocole cystite\n", id);
		exit(1);
	}
	const struct expr_value *v = &in->answers[q];
	return v->count ? (v->one.u.b ? YES : NO) : UNK;
}

static void to_cystitis(const struct protocol *p, const struct engine_input *in,
			struct cystitis_answers *a)
{
	a->birth_date = in->birth_date;
	a->visit_date = in->visit_date;
	a->female = in->sex == SEX_FEMALE;
	a->consentement = tri_answer(p, in, "consentement");
	a->symptomes = tri_answer(p, in, "symptomes_urinaires");
	a->grossesse = tri_answer(p, in, "grossesse_possible");
	a->fievre_frissons = tri_answer(p, in, "fievre_frissons_signales");
	a->digestifs = tri_answer(p, in, "signes_digestifs");
	a->recueil_fiable = tri_answer(p, in, "recueil_fiable");
	a->fosse_lombaire = tri_answer(p, in, "douleur_fosse_lombaire");
	a->anomalie = tri_answer(p, in, "anomalie_voies_urinaires");
	a->immunodepression = tri_answer(p, in, "immunodepression_severe");
	a->insuffisance_renale = tri_answer(p, in, "insuffisance_renale_severe");
	a->iu_15_jours = tri_answer(p, in, "infection_urinaire_15_jours");
	a->leucorrhees = tri_answer(p, in, "leucorrhees_prurit");
	a->ci_fosfo = tri_answer(p, in, "contre_indication_fosfomycine");
	a->ci_pivmec = tri_answer(p, in, "contre_indication_pivmecillinam");
	const struct expr_value *t = &in->answers[protocol_find_question(p, "temperature")];
	a->has_temperature = t->count > 0;
	a->temperature = t->count ? (t->one.base == EXPR_INTEGER ? (double)t->one.u.i : t->one.u.d) : 0;
	const struct expr_value *e = &in->answers[protocol_find_question(p, "episodes_12_mois")];
	a->episodes = e->count ? (int)e->one.u.i : -1;
	const struct expr_value *b = &in->answers[protocol_find_question(p, "bandelette_urinaire")];
	a->bandelette = b->count ? (strncmp(b->one.u.str.s, "positive", b->one.u.str.len) == 0) : UNK;
}

/* ------------------------------------------------------------ harness */

struct workload {
	struct protocol *p;
	struct engine_input *inputs;
	size_t n;
	struct arena arena;
};

static int load_workload(const char *pdir, const char *cdir, const char *id, struct workload *w)
{
	char path[1024];
	struct protocol_diags d = {.count = 0};
	snprintf(path, sizeof(path), "%s/%s.yaml", pdir, id);
	if (protocol_load_file(path, &w->p, &d) != COOP_OK) {
		fprintf(stderr, "bench: %s illisible\n", path);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.json", cdir, id);
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "bench: %s illisible\n", path);
		return -1;
	}
	const json_t *cases = json_object_get(doc, "cases");
	w->inputs = calloc(MAX_CASES, sizeof(*w->inputs));
	arena_init(&w->arena, 0);
	w->n = 0;
	size_t i;
	const json_t *c;
	json_array_foreach(cases, i, c) {
		if (w->n >= MAX_CASES)
			break;
		char *text = json_dumps(json_object_get(c, "input"), JSON_COMPACT);
		char msg[320];
		if (text && answers_parse(w->p, text, strlen(text), &w->arena, &w->inputs[w->n], msg,
					  sizeof(msg)) == COOP_OK)
			w->n++;
		free(text);
	}
	json_decref(doc);
	return w->n ? 0 : -1;
}

static volatile int sink;

/* Runs the engine over the workload for about `seconds` (or exactly `count` times when count is
 * not 0, for instruction counting); returns evaluations per second. */
__attribute__((noinline)) static double time_engine(const struct workload *w, struct engine_result *r, double seconds,
			  size_t count)
{
	size_t evals = 0;
	double start = now_seconds(), elapsed;
	if (count) {
		for (size_t i = 0; i < count; i++) {
			engine_evaluate(w->p, &w->inputs[i % w->n], r);
			sink += (int)r->decision;
		}
		elapsed = now_seconds() - start;
		return (double)count / (elapsed > 0 ? elapsed : 1e-9);
	}
	do {
		for (int rep = 0; rep < 64; rep++)
			for (size_t i = 0; i < w->n; i++) {
				engine_evaluate(w->p, &w->inputs[i], r);
				sink += (int)r->decision;
				evals++;
			}
		elapsed = now_seconds() - start;
	} while (elapsed < seconds);
	return (double)evals / elapsed;
}

__attribute__((noinline)) static double time_by_hand(const struct cystitis_answers *a, size_t n, double seconds,
			   size_t count)
{
	size_t evals = 0;
	double start = now_seconds(), elapsed;
	if (count) {
		for (size_t i = 0; i < count; i++) {
			struct cystitis_decision d = cystitis_by_hand(&a[i % n]);
			sink += (int)d.decision + d.outcome;
		}
		elapsed = now_seconds() - start;
		return (double)count / (elapsed > 0 ? elapsed : 1e-9);
	}
	do {
		for (int rep = 0; rep < 64; rep++)
			for (size_t i = 0; i < n; i++) {
				struct cystitis_decision d = cystitis_by_hand(&a[i]);
				sink += (int)d.decision + d.outcome;
				evals++;
			}
		elapsed = now_seconds() - start;
	} while (elapsed < seconds);
	return (double)evals / elapsed;
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	size_t count = 0;
	const char *pdir = "protocols", *cdir = "tests/cases", *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--protocols") == 0 && i + 1 < argc)
			pdir = argv[++i];
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			cdir = argv[++i];
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = (size_t)strtoull(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage : bench_engine [--seconds S] [--protocols DIR] [--cases DIR] [--only ID] [--count N]\n");
			return 2;
		}
	}
	if (!(seconds > 0 && seconds < 600))
		seconds = 1.0;
	struct workload w[N_PROTOCOLS];
	struct engine_result *r = malloc(sizeof(*r));
	memset(w, 0, sizeof(w));
	for (size_t k = 0; k < N_PROTOCOLS; k++)
		if (load_workload(pdir, cdir, protocol_ids[k], &w[k]) != 0)
			return 1;

	/* the hand-written function must decide every cystitis case as the engine does */
	const struct workload *cy = &w[2];
	struct cystitis_answers *ca = calloc(cy->n, sizeof(*ca));
	for (size_t i = 0; i < cy->n; i++) {
		to_cystitis(cy->p, &cy->inputs[i], &ca[i]);
		struct cystitis_decision h = cystitis_by_hand(&ca[i]);
		engine_evaluate(cy->p, &cy->inputs[i], r);
		int eng_outcome = -1;
		if (r->outcome >= 0)
			eng_outcome = strcmp(cy->p->outcomes[r->outcome].id, "antibiotique_fosfomycine") == 0 ? 0 : 1;
		enum urgency eu = r->decision == DECISION_EXCLUDED ? r->urgency : URG_NONE;
		if (h.decision != r->decision || h.urgency != eu || h.outcome != eng_outcome) {
			fprintf(stderr, "bench: la fonction écrite à la main et le moteur divergent sur le cas %zu "
					"(main : %s/%s/%d ; moteur : %s/%s/%d)\n",
				i, decision_code(h.decision), urgency_code(h.urgency), h.outcome,
				decision_code(r->decision), urgency_code(eu), eng_outcome);
			return 1;
		}
	}

	if (count)
		printf("Moteur de protocoles : %zu évaluations par fonction, pour compter les "
		       "instructions (les débits ci-dessous ne sont pas des mesures)\n", count);
	else
		printf("Moteur de protocoles : évaluations par seconde (1 cœur, %.1f s par mesure)\n",
		       seconds);
	printf("Entrées : les cas cliniques de tests/cases (décodés avant la mesure)\n\n");
	printf("%-28s %6s %16s %12s\n", "protocole", "cas", "évaluations/s", "ns/éval.");
	double hand = only ? 1 : time_by_hand(ca, cy->n, seconds, count);
	double engine_cy = 1;
	for (size_t k = 0; k < N_PROTOCOLS; k++) {
		if (only && strcmp(only, protocol_ids[k]) != 0)
			continue;
		double rate = time_engine(&w[k], r, seconds, count);
		if (k == 2)
			engine_cy = rate;
		printf("%-28s %6zu %16.0f %12.1f\n", protocol_ids[k], w[k].n, rate, 1e9 / rate);
	}
	if (only)
		goto done;
	printf("%-28s %6zu %16.0f %12.1f\n", "cystite écrite à la main", cy->n, hand, 1e9 / hand);
	printf("\nRapport cystite : moteur / fonction écrite à la main = 1 / %.2f "
	       "(objectif : au plus 3)\n", hand / engine_cy);

done:
	for (size_t k = 0; k < N_PROTOCOLS; k++) {
		protocol_free(w[k].p);
		arena_free(&w[k].arena);
		free(w[k].inputs);
	}
	free(ca);
	free(r);
	return 0;
}
