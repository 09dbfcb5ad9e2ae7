/*
 * outcome_check.c — enumerates the answers that decide a protocol's outcomes (outcome_check.h).
 *
 * The variables are the questions the outcomes' `when` read (through computed values too), closed
 * over the questions their enable_when read, plus the age. Each variable takes a small domain:
 * booleans both ways, every choice code, multichoice as none / each code alone / all codes,
 * numbers at every literal the protocol compares them with (and one step either side) within the
 * question's bounds, ages at the version's bounds and the literals. For every version and every
 * combination, the engine's own first steps give the field values; combinations where a criterion
 * fires or the patient is out of scope are skipped; the rest must choose exactly one outcome.
 */
#include "protocol/outcome_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/engine.h"

#define DOMAIN_MAX (PROTOCOL_MAX_CHOICES + 2)
/* Work bound: combinations × expression nodes evaluated, over all versions (about a second). */
#define OUTCOME_CHECK_MAX_WORK 100000000.0

struct domain {
	size_t slot; /* question slot, or the age_months slot */
	size_t n;
	struct expr_value values[DOMAIN_MAX];
	struct expr_item multi[DOMAIN_MAX][PROTOCOL_MAX_CHOICES]; /* multichoice item storage */
};

struct literal_pool {
	double v[64];
	size_t n;
	coop_date dates[16];
	size_t n_dates;
};

static void add_literal(void *ctx, const struct expr_item *lit)
{
	struct literal_pool *pool = ctx;
	double x;
	if (lit->base == EXPR_DATE) {
		if (pool->n_dates < sizeof(pool->dates) / sizeof(pool->dates[0]))
			pool->dates[pool->n_dates++] = lit->u.date;
		return;
	}
	if (lit->base == EXPR_INTEGER)
		x = (double)lit->u.i;
	else if (lit->base == EXPR_DECIMAL)
		x = lit->u.d;
	else
		return;
	for (size_t i = 0; i < pool->n; i++)
		if (pool->v[i] == x)
			return;
	if (pool->n < sizeof(pool->v) / sizeof(pool->v[0]))
		pool->v[pool->n++] = x;
}

/* Literals of every expression of p that reads `slot`. */
static void collect_literals(const struct protocol *p, size_t slot, struct literal_pool *pool)
{
#define VISIT(e)                                                                   \
	do {                                                                       \
		if ((e) && expr_slotset_has(expr_reads(e), (unsigned)slot))        \
			expr_each_literal((e), add_literal, pool);                 \
	} while (0)
	for (size_t i = 0; i < p->n_questions; i++)
		VISIT(p->questions[i].enable_when);
	for (size_t i = 0; i < p->n_computed; i++)
		VISIT(p->computed[i].expression);
	for (size_t i = 0; i < p->n_criteria; i++)
		VISIT(p->criteria[i].expression);
	for (size_t i = 0; i < p->n_outcomes; i++)
		VISIT(p->outcomes[i].when);
	for (size_t t = 0; t < p->n_templates; t++)
		for (size_t l = 0; l < p->templates[t].n_lines; l++)
			VISIT(p->templates[t].lines[l].when);
#undef VISIT
}

static void domain_add(struct domain *d, struct expr_value v)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct expr_value *o = &d->values[i];
		if (o->count == 1 && v.count == 1 && o->one.base == v.one.base &&
		    memcmp(&o->one.u, &v.one.u, sizeof(v.one.u)) == 0)
			return;
	}
	if (d->n < DOMAIN_MAX)
		d->values[d->n++] = v;
}

static void numeric_domain(const struct protocol *p, const struct question *q, struct domain *d)
{
	struct literal_pool pool = {.n = 0};
	collect_literals(p, d->slot, &pool);
	double step = q->type == Q_INTEGER ? 1.0 : 0.1;
	double cand[3 * 64 + 2];
	size_t n = 0;
	for (size_t i = 0; i < pool.n; i++) {
		cand[n++] = pool.v[i] - step;
		cand[n++] = pool.v[i];
		cand[n++] = pool.v[i] + step;
	}
	if (q->has_min)
		cand[n++] = q->min;
	if (q->has_max)
		cand[n++] = q->max;
	if (n == 0)
		cand[n++] = q->has_min ? q->min : 0;
	for (size_t i = 0; i < n; i++) {
		double x = q->type == Q_INTEGER ? round(cand[i]) : round(cand[i] * 1000) / 1000;
		if ((q->has_min && x < q->min) || (q->has_max && x > q->max))
			continue;
		domain_add(d, q->type == Q_INTEGER ? expr_value_int((int64_t)x) : expr_value_dec(x));
	}
}

static void question_domain(const struct protocol *p, size_t qi, struct domain *d)
{
	const struct question *q = &p->questions[qi];
	d->slot = qi;
	d->n = 0;
	switch (q->type) {
	case Q_BOOLEAN:
		domain_add(d, expr_value_bool(true));
		domain_add(d, expr_value_bool(false));
		break;
	case Q_CHOICE:
		for (size_t i = 0; i < q->n_choices && i < DOMAIN_MAX; i++)
			domain_add(d, expr_value_str(q->choices[i].code, strlen(q->choices[i].code)));
		break;
	case Q_MULTICHOICE: {
		/* none, each alone, all */
		struct expr_value none = {0};
		d->values[d->n++] = none;
		for (size_t i = 0; i < q->n_choices && d->n + 1 < DOMAIN_MAX; i++) {
			struct expr_item *it = &d->multi[d->n][0];
			it->base = EXPR_STRING;
			it->u.str.s = q->choices[i].code;
			it->u.str.len = (uint32_t)strlen(q->choices[i].code);
			struct expr_value v = {0};
			v.count = 1;
			v.items = it;
			d->values[d->n++] = v;
		}
		if (q->n_choices > 1 && d->n < DOMAIN_MAX) {
			struct expr_item *all = d->multi[d->n];
			for (size_t i = 0; i < q->n_choices; i++) {
				all[i].base = EXPR_STRING;
				all[i].u.str.s = q->choices[i].code;
				all[i].u.str.len = (uint32_t)strlen(q->choices[i].code);
			}
			struct expr_value v = {0};
			v.count = (uint16_t)q->n_choices;
			v.items = all;
			d->values[d->n++] = v;
		}
		break;
	}
	case Q_INTEGER:
	case Q_DECIMAL:
		numeric_domain(p, q, d);
		break;
	case Q_DATE: {
		/* a date far in the past, and each date literal it is compared with, ±1 day */
		struct literal_pool pool = {.n = 0};
		collect_literals(p, qi, &pool);
		domain_add(d, expr_value_date(date_from_ymd(1950, 1, 1)));
		for (size_t i = 0; i < pool.n_dates; i++)
			for (int k = -1; k <= 1; k++)
				domain_add(d, expr_value_date(pool.dates[i] + k));
		break;
	}
	}
}

/* Ages in months to try for a version: its bounds and the literals compared with the age. */
static size_t age_domain(const struct protocol *p, const struct protocol_version *v,
			 bool months_read, int *out, size_t max)
{
	struct literal_pool pool = {.n = 0};
	collect_literals(p, protocol_slot_age_years(p), &pool);
	struct literal_pool mpool = {.n = 0};
	if (months_read)
		collect_literals(p, protocol_slot_age_months(p), &mpool);
	int lo = 0, hi = 120 * 12 + 11;
	if (v->age_min.set)
		lo = v->age_min.unit == AGE_MONTHS ? v->age_min.value : v->age_min.value * 12;
	if (v->age_max.set)
		hi = v->age_max.unit == AGE_MONTHS ? v->age_max.value : v->age_max.value * 12 + 11;
	int cand[3 * 128 + 4];
	size_t n = 0;
	cand[n++] = lo;
	cand[n++] = hi;
	for (size_t i = 0; i < pool.n; i++) {
		int y = (int)floor(pool.v[i]);
		cand[n++] = (y - 1) * 12;
		cand[n++] = y * 12;
		cand[n++] = (y + 1) * 12;
	}
	for (size_t i = 0; i < mpool.n; i++) {
		int m = (int)floor(mpool.v[i]);
		cand[n++] = m - 1;
		cand[n++] = m;
		cand[n++] = m + 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		if (cand[i] < lo || cand[i] > hi)
			continue;
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = out[j] == cand[i];
		if (!dup)
			out[k++] = cand[i];
	}
	return k;
}

static coop_date birth_for_age(coop_date visit, int months)
{
	int y, m, d;
	date_to_ymd(visit, &y, &m, &d);
	int total = y * 12 + (m - 1) - months;
	return date_from_ymd(total / 12, total % 12 + 1, d > 28 ? 28 : d);
}

static void diag(struct protocol_diags *d, unsigned line, unsigned col, bool warning,
		 const char *msg)
{
	if (!warning)
		d->n_errors++;
	if (d->count >= PROTOCOL_MAX_DIAGS)
		return;
	struct protocol_diag *g = &d->items[d->count++];
	g->line = line;
	g->column = col;
	g->warning = warning;
	snprintf(g->message, sizeof(g->message), "%s", msg);
}

/* Describes the enumerated answers of one combination, for messages. */
static void describe(const struct protocol *p, const struct domain *doms, size_t nd,
		     const size_t *idx, int age_months, enum patient_sex sex, char *buf, size_t n)
{
	const char *sex_fr = sex == SEX_FEMALE ? "féminin" : sex == SEX_MALE ? "masculin" : "autre";
	size_t used = 0;
	int w = snprintf(buf, n, "âge %d ans, sexe %s", age_months / 12, sex_fr);
	used = w > 0 ? (size_t)w : 0;
	for (size_t i = 0; i < nd && used + 1 < n; i++) {
		char val[64];
		expr_value_format_fr(&doms[i].values[idx[i]], val, sizeof(val));
		w = snprintf(buf + used, n - used, ", %s = %s", p->slot_names[doms[i].slot], val);
		if (w < 0)
			break;
		used += (size_t)w < n - used ? (size_t)w : n - used - 1;
	}
}

enum coop_err outcome_check(struct protocol *p, struct protocol_diags *d)
{
	enum coop_err rc = COOP_OK;
	struct engine_input *in = NULL;
	struct engine_result *r = NULL;
	struct domain *doms = NULL;
	if (p->n_outcomes == 0)
		return COOP_OK;
	for (size_t o = 0; o < p->n_outcomes; o++) {
		size_t lines = 0;
		for (size_t t = 0; t < p->outcomes[o].n_templates; t++)
			lines += p->templates[p->outcomes[o].templates[t]].n_lines;
		if (lines > ENGINE_MAX_LINES) {
			char msg[200];
			snprintf(msg, sizeof(msg), "l'issue « %s » a %zu lignes d'ordonnance (%d au plus)",
				 p->outcomes[o].id, lines, ENGINE_MAX_LINES);
			diag(d, p->outcomes[o].line, p->outcomes[o].column, false, msg);
			rc = ERR_INVALID;
		}
	}
	if (rc != COOP_OK)
		return rc;

	/* variables: questions read by the whens, through computed values, closed over enable_when */
	struct expr_slotset need;
	memset(&need, 0, sizeof(need));
	for (size_t i = 0; i < p->n_outcomes; i++) {
		const struct expr_slotset *reads = expr_reads(p->outcomes[i].when);
		for (size_t s = 0; s < p->n_slots; s++) {
			if (!expr_slotset_has(reads, (unsigned)s))
				continue;
			if (s < p->n_questions)
				expr_slotset_add(&need, (unsigned)s);
			else if (s < p->n_questions + p->n_computed)
				expr_slotset_union(&need, &p->computed[s - p->n_questions].needs);
		}
	}
	for (size_t i = p->n_questions; i-- > 0;)
		if (expr_slotset_has(&need, (unsigned)i) && p->questions[i].enable_when)
			expr_slotset_union(&need, expr_reads(p->questions[i].enable_when));
	/* the age and the sex: enumerated whenever any expression of the protocol reads them
	 * (a criterion on the age decides which combinations reach the outcomes) */
	bool age_read = false, months_read = false, sex_read = false;
	for (size_t s = 0; s < 3; s++) {
		size_t slot = s == 0 ? protocol_slot_age_years(p)
			      : s == 1 ? protocol_slot_age_months(p) : protocol_slot_sex(p);
		bool read = false;
#define READS(e) ((e) && expr_slotset_has(expr_reads(e), (unsigned)slot))
		for (size_t i = 0; i < p->n_questions && !read; i++)
			read = READS(p->questions[i].enable_when);
		for (size_t i = 0; i < p->n_computed && !read; i++)
			read = READS(p->computed[i].expression);
		for (size_t i = 0; i < p->n_criteria && !read; i++)
			read = READS(p->criteria[i].expression);
		for (size_t i = 0; i < p->n_outcomes && !read; i++)
			read = READS(p->outcomes[i].when);
		for (size_t t = 0; t < p->n_templates && !read; t++)
			for (size_t l = 0; l < p->templates[t].n_lines && !read; l++)
				read = READS(p->templates[t].lines[l].when);
#undef READS
		if (s == 0)
			age_read = read;
		else if (s == 1)
			months_read = read;
		else
			sex_read = read;
	}
	age_read = age_read || months_read;

	/* what one combination costs to evaluate */
	double cost = 1;
	for (size_t i = 0; i < p->n_questions; i++)
		if (p->questions[i].enable_when)
			cost += (double)expr_node_count(p->questions[i].enable_when);
	for (size_t i = 0; i < p->n_computed; i++)
		cost += (double)expr_node_count(p->computed[i].expression);
	for (size_t i = 0; i < p->n_criteria; i++)
		cost += (double)expr_node_count(p->criteria[i].expression);
	for (size_t i = 0; i < p->n_outcomes; i++)
		cost += (double)expr_node_count(p->outcomes[i].when);

	size_t nd = 0;
	for (size_t i = 0; i < p->n_questions; i++)
		if (expr_slotset_has(&need, (unsigned)i))
			nd++;
	doms = calloc(nd ? nd : 1, sizeof(*doms));
	in = malloc(sizeof(*in));
	r = malloc(sizeof(*r));
	if (!doms || !in || !r) {
		rc = ERR_NOMEM;
		goto out;
	}
	nd = 0;
	double combos = 1;
	for (size_t i = 0; i < p->n_questions; i++) {
		if (!expr_slotset_has(&need, (unsigned)i))
			continue;
		question_domain(p, i, &doms[nd]);
		combos *= (double)(doms[nd].n ? doms[nd].n : 1);
		nd++;
	}

	/* the sexes to try for a version: those it allows, when anything reads the sex */
#define SEXES_OF(v, list, n)                                                              \
	do {                                                                              \
		n = 0;                                                                    \
		for (int sx = SEX_FEMALE; sx <= SEX_MALE; sx++)                           \
			if (!(v)->sexes || ((v)->sexes & (1u << sx)))                     \
				list[n++] = (enum patient_sex)sx;                         \
		if (n == 0)                                                               \
			list[n++] = SEX_OTHER;                                            \
		if (!sex_read)                                                            \
			n = 1;                                                            \
	} while (0)

	/* bound the work before doing it: per version and in all */
	double total = 0;
	for (size_t vi = 0; vi < p->n_versions; vi++) {
		int ages[64];
		enum patient_sex sexes[3];
		size_t n_sexes;
		size_t n_ages = age_read ? age_domain(p, &p->versions[vi], months_read, ages, 64) : 1;
		SEXES_OF(&p->versions[vi], sexes, n_sexes);
		(void)sexes;
		double here = combos * (double)(n_ages ? n_ages : 1) * (double)n_sexes;
		total += here;
		if (here > OUTCOME_CHECK_MAX_COMBINATIONS || total * cost > OUTCOME_CHECK_MAX_WORK) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "vérification des issues non faite : trop de combinaisons de réponses "
				 "à essayer (%.0f) ; relisez les issues avec soin",
				 here);
			diag(d, p->outcomes[0].line, p->outcomes[0].column, true, msg);
			goto out;
		}
	}

	bool reached[PROTOCOL_MAX_OUTCOMES] = {false};
	bool gap_reported = false, overlap_reported = false;
	for (size_t vi = 0; vi < p->n_versions; vi++) {
		const struct protocol_version *v = &p->versions[vi];
		int ages[64];
		size_t n_ages = 1;
		if (age_read)
			n_ages = age_domain(p, v, months_read, ages, 64);
		else
			ages[0] = v->age_min.set ? (v->age_min.unit == AGE_MONTHS ? v->age_min.value
										  : v->age_min.value * 12)
						 : 30 * 12;
		enum patient_sex sexes[3];
		size_t n_sexes;
		SEXES_OF(v, sexes, n_sexes);
		size_t idx[PROTOCOL_MAX_QUESTIONS] = {0};
		for (size_t ai = 0; ai < n_ages * n_sexes; ai++) {
			enum patient_sex sex = sexes[ai % n_sexes];
			memset(idx, 0, sizeof(idx));
			for (;;) {
				coop_date visit = v->effective_from;
				engine_input_init(in, visit, birth_for_age(visit, ages[ai / n_sexes]), sex);
				for (size_t k = 0; k < nd; k++)
					if (doms[k].n)
						in->answers[doms[k].slot] = doms[k].values[idx[k]];
				if (engine_prepare(p, in, r) == COOP_OK && r->scope == SCOPE_OK) {
					bool excluded = false;
					for (size_t c = 0; c < p->n_criteria && !excluded; c++) {
						struct expr_value val;
						expr_eval_ptr(p->criteria[c].expression, r->slots, r->scratch, &val);
						if (val.count == 1)
							excluded = p->criteria[c].kind == CRIT_INCLUSION ? !val.one.u.b
													 : val.one.u.b;
					}
					int first = -1, second = -1;
					bool unknown = false;
					for (size_t o = 0; o < p->n_outcomes && !excluded; o++) {
						struct expr_value val;
						expr_eval_ptr(p->outcomes[o].when, r->slots, r->scratch, &val);
						if (val.missing)
							unknown = true;
						if (val.count == 1 && val.one.u.b) {
							reached[o] = true;
							if (first < 0)
								first = (int)o;
							else if (second < 0)
								second = (int)o;
						}
					}
					char what[240], msg[320];
					if (!excluded && !unknown && first < 0 && !gap_reported) {
						describe(p, doms, nd, idx, ages[ai / n_sexes], sex, what, sizeof(what));
						snprintf(msg, sizeof(msg), "aucune issue ne s'applique pour : %s", what);
						diag(d, p->outcomes[0].line, p->outcomes[0].column, false, msg);
						gap_reported = true;
						rc = ERR_INVALID;
					}
					if (!excluded && second >= 0 && !overlap_reported) {
						describe(p, doms, nd, idx, ages[ai / n_sexes], sex, what, sizeof(what));
						snprintf(msg, sizeof(msg),
							 "les issues « %s » et « %s » s'appliquent toutes deux pour : %s",
							 p->outcomes[first].id, p->outcomes[second].id, what);
						diag(d, p->outcomes[second].line, p->outcomes[second].column, false, msg);
						overlap_reported = true;
						rc = ERR_INVALID;
					}
				}
				/* next combination */
				size_t k = 0;
				while (k < nd) {
					if (++idx[k] < doms[k].n)
						break;
					idx[k] = 0;
					k++;
				}
				if (k == nd)
					break;
			}
		}
	}
	for (size_t o = 0; o < p->n_outcomes; o++) {
		if (!reached[o]) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "l'issue « %s » n'est jamais choisie (condition when inaccessible)",
				 p->outcomes[o].id);
			diag(d, p->outcomes[o].line, p->outcomes[o].column, false, msg);
			rc = ERR_INVALID;
		}
	}
#undef SEXES_OF
out:
	free(doms);
	free(in);
	free(r);
	return rc;
}
