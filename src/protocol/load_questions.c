/*
 * load_questions.c — the protocol loader's questions, computed values, expressions and
 * criteria.
 *
 * Questions and computed values are read first and become the symbol table; then every
 * expression (a question's enable_when, a computed value, a criterion) is compiled against it,
 * with errors placed at their position inside the expression's text in the file. Choice codes
 * used in comparisons are checked against the question's choices with a light lexer, so that a
 * mistyped code is an error rather than a condition that is never true.
 */
#include <stdio.h>
#include <string.h>

#include "protocol/load_internal.h"

/* ---------------------------------------------------------------- schemas */

static const char *const k_question[] = {"!id", "!label", "help",    "!type",       "unit",
					 "min", "max",    "choices", "enable_when", "!asked_by"};
static const struct mapdesc d_question = {"une question", "dans la question", "chaque question",
					  k_question, ARRAY_LEN(k_question)};

static const char *const k_choice[] = {"!code", "!label"};
static const struct mapdesc d_choice = {"un choix ({code: …, label: …})", "dans le choix",
					"chaque choix", k_choice, ARRAY_LEN(k_choice)};

static const char *const k_computed[] = {"!id", "!label", "!type", "!expression"};
static const struct mapdesc d_computed = {"une valeur calculée", "dans la valeur calculée",
					  "chaque valeur calculée", k_computed,
					  ARRAY_LEN(k_computed)};

static const char *const k_criterion[] = {"!id",      "!kind",   "!expression", "!label",
					  "!urgency", "!source", "!confidence"};
static const struct mapdesc d_criterion = {"un critère", "dans le critère", "chaque critère",
					   k_criterion, ARRAY_LEN(k_criterion)};

/* ---------------------------------------------------------------- positions in expressions */

/* The 1-based position of byte `offset` of scalar v's value in the file: walks the value and
 * the source together, skipping source bytes that are not in the value (quotes, indentation,
 * folded line breaks, escapes). Exact for plain and quoted one-line scalars and literal blocks;
 * best effort otherwise. */
static void expr_position(const struct ctx *c, const struct ynode *v, size_t offset, unsigned *line,
			  unsigned *col)
{
	*line = v->line;
	*col = v->column;
	if (!v->has_pos || v->pos >= c->len)
		return;
	if (offset > v->len)
		offset = v->len;
	const unsigned char *s = (const unsigned char *)c->data;
	const unsigned char *t = (const unsigned char *)v->text;
	size_t si = v->pos, vi = 0;
	unsigned l = v->line, k = v->column;
	while (si < c->len) {
		if (vi == offset) {
			if (vi == v->len || s[si] == t[vi])
				break;
		} else if (s[si] == t[vi]) {
			vi++;
		}
		if (s[si] == '\n') {
			l++;
			k = 1;
		} else if ((s[si] & 0xC0) != 0x80) {
			k++;
		}
		si++;
	}
	*line = l;
	*col = k;
}

static bool ident_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Offset of the first use of identifier `name` in expression src (outside strings), or 0. */
static size_t find_name(const char *src, size_t len, const char *name)
{
	size_t nl = strlen(name);
	size_t i = 0;
	while (i < len) {
		char ch = src[i];
		if (ch == '\'') {
			i++;
			while (i < len && src[i] != '\'')
				i += (src[i] == '\\' && i + 1 < len) ? 2 : 1;
			i++;
			continue;
		}
		if (ch == '`') {
			size_t j = i + 1;
			while (j < len && src[j] != '`')
				j++;
			if (j - i - 1 == nl && memcmp(src + i + 1, name, nl) == 0)
				return i;
			i = j + 1;
			continue;
		}
		if (ident_char((unsigned char)ch) &&
		    (i == 0 || !ident_char((unsigned char)src[i - 1]))) {
			size_t j = i;
			while (j < len && ident_char((unsigned char)src[j]))
				j++;
			if (j - i == nl && memcmp(src + i, name, nl) == 0)
				return i;
			i = j;
			continue;
		}
		i++;
	}
	return 0;
}

/* ---------------------------------------------------------------- questions, computed */

const char *const ld_question_type_names[] = {"boolean", "integer",     "decimal",
					      "choice",  "multichoice", "date"};
static const char *const asked_by_names[] = {"orientation", "examination"};
static const char *const computed_type_names[] = {"boolean", "integer", "decimal"};

static void load_choices(struct ctx *c, const struct ynode *v, struct question *q)
{
	if (!ld_get_seq(c, v, "choices", 2, PROTOCOL_MAX_CHOICES))
		return;
	q->choices = arena_alloc(&c->p->arena, v->count * sizeof(*q->choices));
	if (!q->choices) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		struct mapv mv;
		struct choice *ch = &q->choices[q->n_choices++];
		if (!ld_map_open(c, it, &d_choice, &mv))
			continue;
		const struct ynode *code = ld_mv_get(&mv, "code");
		if (ld_get_id(c, code, "code", ID_CODE, &ch->code)) {
			for (size_t j = 0; j + 1 < q->n_choices; j++) {
				if (q->choices[j].code &&
				    strcmp(q->choices[j].code, ch->code) == 0) {
					ld_err_at(c, code, "code de choix « %s » en double",
						  ch->code);
					break;
				}
			}
		}
		ld_get_str(c, ld_mv_get(&mv, "label"), "label", &ch->label);
	}
}

bool ld_numeric_type(int t)
{
	return t == Q_INTEGER || t == Q_DECIMAL;
}

static void load_bound(struct ctx *c, const struct mapv *mv, const char *key, bool type_ok,
		       int type, bool *has, double *out)
{
	const struct ynode *v = ld_mv_get(mv, key);
	if (ld_absent(v))
		return;
	if (type_ok && !ld_numeric_type(type)) {
		ld_err_at(c, ld_mv_key(mv, key),
			  "« %s » n'est permis que pour les questions integer ou "
			  "decimal",
			  key);
		return;
	}
	if (type_ok && type == Q_INTEGER) {
		int x;
		if (ld_get_int(c, v, key, -1000000000LL, 1000000000LL, &x)) {
			*has = true;
			*out = x;
		}
		return;
	}
	if (ld_get_num(c, v, key, out))
		*has = true;
}

static void load_question(struct ctx *c, size_t i, const struct ynode *n)
{
	struct protocol *p = c->p;
	struct question *q = &p->questions[i];
	struct mapv mv;
	int t = -1, k;
	q->id = "";
	q->line = n->line;
	q->column = n->column;
	if (!ld_map_open(c, n, &d_question, &mv))
		return;
	const struct ynode *id = ld_mv_get(&mv, "id");
	c->q_id[i] = id;
	if (ld_get_id(c, id, "id", ID_NAME, &q->id) && ld_reserved_name(q->id))
		ld_err_at(
			c, id,
			"« %s » est un nom réservé (age_years, age_months, sex, visit_date et les mots du "
			"langage d'expressions) : choisissez un autre id",
			q->id);
	ld_get_str(c, ld_mv_get(&mv, "label"), "label", &q->label);
	ld_get_opt_str(c, ld_mv_get(&mv, "help"), "help", &q->help);
	bool type_ok = ld_get_enum(c, ld_mv_get(&mv, "type"), "type", ld_question_type_names,
				   ARRAY_LEN(ld_question_type_names), &t);
	c->q_type_ok[i] = type_ok;
	if (type_ok)
		q->type = (enum question_type)t;
	const struct ynode *unit = ld_mv_get(&mv, "unit");
	if (!ld_absent(unit)) {
		if (type_ok && !ld_numeric_type(t))
			ld_err_at(c, ld_mv_key(&mv, "unit"),
				  "« unit » n'est permis que pour les questions "
				  "integer ou decimal");
		else
			ld_get_opt_str(c, unit, "unit", &q->unit);
	}
	load_bound(c, &mv, "min", type_ok, t, &q->has_min, &q->min);
	load_bound(c, &mv, "max", type_ok, t, &q->has_max, &q->max);
	if (q->has_min && q->has_max && q->min > q->max)
		ld_err_at(c, ld_mv_get(&mv, "max"),
			  "« max » doit être supérieur ou égal à « min »");
	if (type_ok && ld_numeric_type(t) && (!q->has_min || !q->has_max) &&
	    ld_absent(ld_mv_get(&mv, "min")) + ld_absent(ld_mv_get(&mv, "max")) > 0)
		ld_err_at(
			c, n,
			"une question numérique doit avoir « min » et « max » : ils bornent les "
			"réponses acceptées (une valeur aberrante serait sinon prise au sérieux)");
	const struct ynode *choices = ld_mv_get(&mv, "choices");
	if (type_ok && (t == Q_CHOICE || t == Q_MULTICHOICE)) {
		if (ld_absent(choices))
			ld_err_at(c, choices ? choices : n,
				  "une question de type %s doit lister ses "
				  "« choices » (2 au moins)",
				  ld_question_type_names[t]);
		else
			load_choices(c, choices, q);
	} else if (type_ok && !ld_absent(choices)) {
		ld_err_at(c, ld_mv_key(&mv, "choices"),
			  "« choices » n'est permis que pour les questions "
			  "choice ou multichoice");
	}
	c->q_enable[i] = ld_absent(ld_mv_get(&mv, "enable_when")) ? NULL
								  : ld_mv_get(&mv, "enable_when");
	if (ld_get_enum(c, ld_mv_get(&mv, "asked_by"), "asked_by", asked_by_names,
			ARRAY_LEN(asked_by_names), &k))
		q->asked_by = (enum asked_by)k;
}

void load_questions(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	if (!ld_get_seq(c, v, "questions", 1, PROTOCOL_MAX_QUESTIONS))
		return;
	p->questions = arena_alloc(&p->arena, v->count * sizeof(*p->questions));
	if (!p->questions) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_questions++;
		load_question(c, i, it);
		if (!c->q_id[i] || !p->questions[i].id[0])
			continue;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(p->questions[j].id, p->questions[i].id) == 0) {
				ld_err_at(c, c->q_id[i],
					  "id de question « %s » en double (déjà la question "
					  "n° %zu)",
					  p->questions[i].id, j + 1);
				break;
			}
		}
	}
}

void load_computed(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	size_t n = ld_get_opt_seq(c, v, "computed", PROTOCOL_MAX_COMPUTED);
	if (!n)
		return;
	p->computed = arena_alloc(&p->arena, n * sizeof(*p->computed));
	if (!p->computed) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_computed++;
		struct computed *cv = &p->computed[i];
		struct mapv mv;
		int t;
		cv->id = "";
		cv->line = it->line;
		cv->column = it->column;
		if (!ld_map_open(c, it, &d_computed, &mv))
			continue;
		const struct ynode *id = ld_mv_get(&mv, "id");
		c->c_id[i] = id;
		if (ld_get_id(c, id, "id", ID_NAME, &cv->id)) {
			if (ld_reserved_name(cv->id))
				ld_err_at(c, id,
					  "« %s » est un nom réservé : choisissez un autre id",
					  cv->id);
			else if (protocol_find_question(p, cv->id) >= 0)
				ld_err_at(c, id, "id « %s » déjà utilisé par une question", cv->id);
			else
				for (size_t j = 0; j < i; j++)
					if (strcmp(p->computed[j].id, cv->id) == 0) {
						ld_err_at(c, id,
							  "id de valeur calculée « %s » en double",
							  cv->id);
						break;
					}
		}
		ld_get_str(c, ld_mv_get(&mv, "label"), "label", &cv->label);
		if (ld_get_enum(c, ld_mv_get(&mv, "type"), "type", computed_type_names,
				ARRAY_LEN(computed_type_names), &t)) {
			c->c_type_ok[i] = true;
			cv->type = t == 0 ? EXPR_BOOLEAN : t == 1 ? EXPR_INTEGER : EXPR_DECIMAL;
		}
		c->c_expr[i] = ld_mv_get(&mv, "expression");
	}
}

bool ld_build_symbols(struct ctx *c)
{
	static const enum expr_base qbase[] = {EXPR_BOOLEAN, EXPR_INTEGER, EXPR_DECIMAL,
					       EXPR_STRING,  EXPR_STRING,  EXPR_DATE};
	struct protocol *p = c->p;
	size_t n = p->n_questions + p->n_computed + PROTOCOL_RESERVED_SLOTS;
	const char **names = arena_alloc(&p->arena, n * sizeof(*names));
	struct expr_type *types = arena_alloc(&p->arena, n * sizeof(*types));
	if (!names || !types) {
		c->nomem = true;
		return false;
	}
	size_t s = 0;
	for (size_t i = 0; i < p->n_questions; i++, s++) {
		const struct question *q = &p->questions[i];
		names[s] = q->id ? q->id : "";
		types[s].base = c->q_type_ok[i] ? qbase[q->type] : EXPR_NONE;
		types[s].collection = c->q_type_ok[i] && q->type == Q_MULTICHOICE;
	}
	for (size_t i = 0; i < p->n_computed; i++, s++) {
		names[s] = p->computed[i].id ? p->computed[i].id : "";
		types[s].base = c->c_type_ok[i] ? p->computed[i].type : EXPR_NONE;
		types[s].collection = false;
	}
	names[s] = "age_years";
	types[s++] = (struct expr_type){EXPR_INTEGER, false};
	names[s] = "age_months";
	types[s++] = (struct expr_type){EXPR_INTEGER, false};
	names[s] = "sex";
	types[s++] = (struct expr_type){EXPR_STRING, false};
	names[s] = "visit_date";
	types[s++] = (struct expr_type){EXPR_DATE, false};
	p->n_slots = n;
	p->slot_names = names;
	p->slot_types = types;
	c->syms.count = n;
	c->syms.names = names;
	c->syms.types = types;
	return true;
}

/* ---------------------------------------------------------------- expressions */

/* Checks that string literals compared with a choice question (q = 'x', q != 'x', 'x' = q,
 * 'x' in q, q contains 'x', q in ('x' | 'y')) name one of its codes. A light token scan of a
 * source that already compiled; literals with escapes are skipped. */
struct ltok {
	enum { LT_IDENT, LT_STRING, LT_OP, LT_OTHER } kind;
	size_t off, len; /* in the source; strings: between the quotes */
	bool escaped;
};

static size_t lex_light(const char *s, size_t len, struct ltok *toks, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len && n < max) {
		unsigned char ch = (unsigned char)s[i];
		struct ltok *t = &toks[n];
		memset(t, 0, sizeof(*t));
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			i++;
			continue;
		}
		t->off = i;
		if (ch == '\'') {
			size_t j = i + 1;
			while (j < len && s[j] != '\'') {
				if (s[j] == '\\') {
					t->escaped = true;
					j++;
				}
				j++;
			}
			t->kind = LT_STRING;
			t->off = i + 1;
			t->len = (j < len ? j : len) - (i + 1);
			i = j + 1;
		} else if (ch == '`') {
			size_t j = i + 1;
			while (j < len && s[j] != '`')
				j++;
			t->kind = LT_IDENT;
			t->off = i + 1;
			t->len = (j < len ? j : len) - (i + 1);
			i = j + 1;
		} else if (ident_char(ch) && !(ch >= '0' && ch <= '9')) {
			size_t j = i;
			while (j < len && ident_char((unsigned char)s[j]))
				j++;
			t->kind = LT_IDENT;
			t->len = j - i;
			i = j;
		} else if (ch == '!' && i + 1 < len && s[i + 1] == '=') {
			t->kind = LT_OP;
			t->len = 2;
			i += 2;
		} else if (ch == '=' || ch == '(' || ch == ')' || ch == '|' || ch == '.' ||
			   ch == '+') {
			t->kind = LT_OP;
			t->len = 1;
			i++;
		} else {
			t->kind = LT_OTHER;
			t->len = 1;
			i++;
		}
		n++;
	}
	return n;
}

static bool ltok_is(const char *s, const struct ltok *t, int kind, const char *text)
{
	size_t l = strlen(text);
	return (int)t->kind == kind && t->len == l && memcmp(s + t->off, text, l) == 0;
}

/* The choice question named by identifier token t, or NULL. */
static const struct question *ltok_choice_question(const struct ctx *c, const char *s,
						   const struct ltok *t)
{
	const struct protocol *p = c->p;
	if (t->kind != LT_IDENT)
		return NULL;
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct question *q = &p->questions[i];
		if (!c->q_type_ok[i] || (q->type != Q_CHOICE && q->type != Q_MULTICHOICE) ||
		    !q->choices)
			continue;
		if (strlen(q->id) == t->len && memcmp(q->id, s + t->off, t->len) == 0)
			return q;
	}
	return NULL;
}

static void check_code(struct ctx *c, const struct ynode *v, const struct question *q,
		       const struct ltok *t)
{
	char b[SHOW_MAX + 8], list[200];
	if (t->kind != LT_STRING || t->escaped)
		return;
	for (size_t i = 0; i < q->n_choices; i++) {
		const char *code = q->choices[i].code;
		if (code && strlen(code) == t->len && memcmp(code, v->text + t->off, t->len) == 0)
			return;
	}
	size_t o = 0;
	list[0] = '\0';
	for (size_t i = 0; i < q->n_choices && o < sizeof(list); i++) {
		int w = snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				 q->choices[i].code ? q->choices[i].code : "?");
		if (w < 0)
			break;
		o += (size_t)w;
	}
	unsigned line, col;
	expr_position(c, v, t->off - 1, &line, &col);
	ld_err_pos(c, line, col, "code « %s » inconnu pour la question « %s » (codes : %s)",
		   ld_show_text(v->text + t->off, t->len, b, sizeof(b)), q->id, list);
}

static void check_choice_literals(struct ctx *c, const struct ynode *v)
{
	struct ltok toks[512];
	const char *s = v->text;
	size_t n = lex_light(s, v->len, toks, ARRAY_LEN(toks));
	for (size_t i = 0; i + 2 < n; i++) {
		const struct ltok *a = &toks[i], *op = &toks[i + 1], *b = &toks[i + 2];
		bool prev_dot_or_plus = i > 0 && (ltok_is(s, &toks[i - 1], LT_OP, ".") ||
						  ltok_is(s, &toks[i - 1], LT_OP, "+"));
		bool next_plus = i + 3 < n && ltok_is(s, &toks[i + 3], LT_OP, "+");
		bool eq = ltok_is(s, op, LT_OP, "=") || ltok_is(s, op, LT_OP, "!=");
		const struct question *q;
		if (prev_dot_or_plus || next_plus)
			continue;
		if (eq && (q = ltok_choice_question(c, s, a)) != NULL && q->type == Q_CHOICE &&
		    !(i + 3 < n && ltok_is(s, &toks[i + 3], LT_OP, ".")))
			check_code(c, v, q, b);
		else if (eq && a->kind == LT_STRING &&
			 (q = ltok_choice_question(c, s, b)) != NULL && q->type == Q_CHOICE &&
			 !(i + 3 < n && ltok_is(s, &toks[i + 3], LT_OP, ".")))
			check_code(c, v, q, a);
		else if (ltok_is(s, op, LT_IDENT, "in") && a->kind == LT_STRING &&
			 (q = ltok_choice_question(c, s, b)) != NULL &&
			 !(i + 3 < n && ltok_is(s, &toks[i + 3], LT_OP, ".")))
			check_code(c, v, q, a);
		else if (ltok_is(s, op, LT_IDENT, "contains") &&
			 (q = ltok_choice_question(c, s, a)) != NULL)
			check_code(c, v, q, b);
		else if (ltok_is(s, op, LT_IDENT, "in") && ltok_is(s, b, LT_OP, "(") &&
			 (q = ltok_choice_question(c, s, a)) != NULL) {
			/* q in ('x' | 'y' ...) */
			size_t j = i + 3;
			while (j < n && toks[j].kind == LT_STRING) {
				check_code(c, v, q, &toks[j]);
				if (j + 1 < n && ltok_is(s, &toks[j + 1], LT_OP, "|"))
					j += 2;
				else
					break;
			}
		}
	}
}

struct expr *ld_compile(struct ctx *c, const struct ynode *v, const char *key,
			enum expr_base expected)
{
	char b[200];
	struct expr_type et = {expected, false};
	struct expr *e = NULL;
	struct expr_error ee;
	if (!v)
		return NULL;
	if (v->kind != Y_SCALAR || ld_is_null(v) || ld_is_blank(v)) {
		ld_err_at(c, v, "« %s » doit être une expression (un texte), trouvé : %s", key,
			  ld_found(v, b, sizeof(b)));
		return NULL;
	}
	memset(&ee, 0, sizeof(ee));
	enum coop_err rc = expr_compile(&c->p->arena, v->text, v->len, &c->syms,
					expected != EXPR_NONE ? &et : NULL, &e, &ee);
	if (rc == COOP_OK) {
		check_choice_literals(c, v);
		return e;
	}
	if (rc == ERR_NOMEM) {
		c->nomem = true;
		return NULL;
	}
	if (rc == ERR_TOO_LARGE) {
		ld_err_at(c, v, "« %s » : %s", key,
			  ee.message[0] ? ee.message : "expression trop longue");
		return NULL;
	}
	unsigned line = v->line, col = v->column;
	if (!ld_diag_full(c))
		expr_position(c, v, ee.offset, &line, &col);
	ld_err_pos(c, line, col, "« %s » : %s", key,
		   ee.message[0] ? ee.message : "expression invalide");
	return NULL;
}

/* Reports a forbidden reference to slot s in expression scalar v, at the name's position. */
static void err_reference(struct ctx *c, const struct ynode *v, size_t s, const char *fmt_what)
{
	const char *name = c->syms.names[s];
	unsigned line = v->line, col = v->column;
	if (!ld_diag_full(c))
		expr_position(c, v, find_name(v->text, v->len, name), &line, &col);
	ld_err_pos(c, line, col, fmt_what, name);
}

void ld_compile_questions(struct ctx *c)
{
	struct protocol *p = c->p;
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct ynode *v = c->q_enable[i];
		if (!v)
			continue;
		struct expr *e = ld_compile(c, v, "enable_when", EXPR_BOOLEAN);
		if (!e)
			continue;
		const struct expr_slotset *r = expr_reads(e);
		bool ok = true;
		for (size_t s = 0; s < p->n_questions + p->n_computed; s++) {
			if (!expr_slotset_has(r, (unsigned)s))
				continue;
			ok = false;
			if (s == i)
				err_reference(c, v, s,
					      "« enable_when » ne peut pas lire la question "
					      "elle-même (« %s »)");
			else if (s > i && s < p->n_questions)
				err_reference(c, v, s,
					      "« enable_when » ne peut lire que des questions "
					      "posées avant : « %s » vient après");
			else if (s >= p->n_questions)
				err_reference(c, v, s,
					      "« enable_when » ne peut pas lire une valeur "
					      "calculée (« %s »)");
			else
				ok = true;
			if (!ok)
				break;
		}
		if (ok)
			p->questions[i].enable_when = e;
	}
}

void ld_compile_computed(struct ctx *c)
{
	struct protocol *p = c->p;
	size_t nq = p->n_questions;
	for (size_t i = 0; i < p->n_computed; i++) {
		struct computed *cv = &p->computed[i];
		if (!c->c_expr[i])
			continue;
		struct expr *e = ld_compile(c, c->c_expr[i], "expression",
					    c->c_type_ok[i] ? cv->type : EXPR_NONE);
		if (!e)
			continue;
		const struct expr_slotset *r = expr_reads(e);
		bool ok = true;
		for (size_t s = 0; s < nq + p->n_computed; s++) {
			if (!expr_slotset_has(r, (unsigned)s))
				continue;
			if (s < nq) {
				expr_slotset_add(&cv->needs, (unsigned)s);
			} else if (s - nq < i) {
				expr_slotset_union(&cv->needs, &p->computed[s - nq].needs);
			} else {
				err_reference(c, c->c_expr[i], s,
					      s - nq == i
						      ? "une valeur calculée ne peut pas se lire "
							"elle-même (« %s »)"
						      : "une valeur calculée ne peut lire que les "
							"valeurs calculées définies avant : « %s » "
							"vient après");
				ok = false;
				break;
			}
		}
		if (ok)
			cv->expression = e;
	}
}

/* ---------------------------------------------------------------- criteria */

static const char *const criterion_kind_names[] = {"inclusion", "exclusion", "red_flag"};

/* True (with an error reported) if id duplicates one of the first n ids of a table. */
void load_criteria(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	if (!ld_get_seq(c, v, "criteria", 1, PROTOCOL_MAX_CRITERIA))
		return;
	p->criteria = arena_alloc(&p->arena, v->count * sizeof(*p->criteria));
	if (!p->criteria) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_criteria++;
		struct criterion *cr = &p->criteria[i];
		struct mapv mv;
		int k;
		cr->id = "";
		cr->line = it->line;
		cr->column = it->column;
		if (!ld_map_open(c, it, &d_criterion, &mv))
			continue;
		const struct ynode *id = ld_mv_get(&mv, "id");
		if (ld_get_id(c, id, "id", ID_ITEM, &cr->id)) {
			if (strcmp(cr->id, "perimetre_age") == 0 ||
			    strcmp(cr->id, "perimetre_sexe") == 0)
				ld_err_at(
					c, id,
					"« %s » est réservé aux critères de périmètre produits par "
					"le moteur",
					cr->id);
			else
				CHECK_DUP(c, id, p->criteria, i, id, "critère");
		}
		if (ld_get_enum(c, ld_mv_get(&mv, "kind"), "kind", criterion_kind_names,
				ARRAY_LEN(criterion_kind_names), &k))
			cr->kind = (enum criterion_kind)k;
		cr->expression =
			ld_compile(c, ld_mv_get(&mv, "expression"), "expression", EXPR_BOOLEAN);
		ld_get_str(c, ld_mv_get(&mv, "label"), "label", &cr->label);
		ld_get_urgency(c, ld_mv_get(&mv, "urgency"), &cr->urgency);
		ld_get_prov(c, &mv, &cr->prov);
	}
}
