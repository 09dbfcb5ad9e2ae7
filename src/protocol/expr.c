/*
 * expr.c — lexer, parser, type checker and evaluator of the FHIRPath subset.
 *
 * Compilation is one recursive-descent pass over the tokens: each node is typed as soon as it is
 * built, so a type error is reported at the operator that causes it. The tree lives in the
 * caller's arena. Evaluation walks the tree with plain struct values (no allocation); runtime
 * collections (unions) are built in a caller-provided scratch array.
 *
 * A calendar duration (`28 days`, `3 months`) is not a value of the language: it is read only as
 * the right operand of `+` or `-` after a date, and folded into one N_DATE_SHIFT node that holds
 * the signed amount in days or months (weeks are 7 days, years 12 months).
 *
 * "Missing" marks (see expr.h and the spec §7) travel with empty values: a strict operator whose
 * operands include a definitely-empty value is definitely empty; otherwise a missing operand
 * makes the result missing. Logical operators follow FHIRPath's three-valued tables, and a result
 * decided by a definite operand (false and x) is definite.
 */
#include "protocol/expr.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

/* ---------------------------------------------------------------- tokens */

enum tok_kind {
	T_END,
	T_IDENT,   /* plain or `delimited` */
	T_INT,
	T_DEC,
	T_STRING,
	T_DATE,
	T_LPAREN,
	T_RPAREN,
	T_LBRACE,
	T_RBRACE,
	T_COMMA,
	T_DOT,
	T_PIPE,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
};

struct token {
	enum tok_kind kind;
	size_t offset;
	size_t len;       /* bytes of the token in the source */
	bool delimited;   /* identifier was back-quoted */
	int64_t ival;
	double dval;
	coop_date date;
	const char *text; /* identifier or decoded string (arena) */
	size_t text_len;
};

/* ---------------------------------------------------------------- tree */

enum node_op {
	N_LIT,
	N_FIELD,
	N_EMPTY,
	N_AND,
	N_OR,
	N_XOR,
	N_IMPLIES,
	N_NOT,
	N_EQ,
	N_NE,
	N_LT,
	N_LE,
	N_GT,
	N_GE,
	N_ADD,
	N_SUB,
	N_MUL,
	N_DIV,
	N_IDIV,
	N_MOD,
	N_UNION,
	N_IN,
	N_CONTAINS,
	N_EXISTS,
	N_ISEMPTY,
	N_COUNT,
	N_ABS,
	N_IIF,
	N_DATE_SHIFT, /* a date plus a calendar duration: lit.u.i units of `unit` (signed) */
};

/* Units of a calendar duration once folded: weeks become days, years months. */
enum dur_unit { DUR_DAYS, DUR_MONTHS };

struct node {
	enum node_op op;
	struct expr_type type;
	unsigned height;     /* of the subtree: bounds evaluation recursion */
	unsigned max_items;  /* most items a union can produce (0 = not a literal-built list) */
	size_t offset;
	struct node *a, *b, *c;
	unsigned slot;
	enum dur_unit unit;  /* N_DATE_SHIFT */
	struct expr_item lit;
	struct expr_value litval; /* lit as a value, so operands can be read in place */
};

/* Shapes of Boolean expressions that expr_eval_bool() decides without walking the tree. */
enum fast_kind {
	FAST_NONE,
	FAST_FIELD,       /* b */
	FAST_NOT_FIELD,   /* b.not() */
	FAST_CMP_LIT,     /* field <op> literal, both scalar */
	FAST_PROG,        /* and / or / xor / implies / not() over fields and comparisons of a
			   * field with a literal: a flat program */
};

/* One instruction of a flat Boolean program (postfix; see compile_prog()). */
enum prog_kind {
	P_FIELD, P_NOT_FIELD, P_CMP, P_CMP_STR, P_CMP_NUM, P_CMP_INT, P_CONST, /* leaves */
	P_AND, P_OR, P_XOR, P_IMPLIES, P_NOT
};
#define PROG_MAX 24

struct prog_op {
	uint8_t kind;  /* enum prog_kind */
	uint8_t cmp;   /* enum node_op of a comparison, or the constant's tri code */
	uint8_t cmp_mask; /* a comparison's result when the field is below (bit 0), equal (bit 1),
			   * above (bit 2) the literal */
	uint16_t slot;
	const struct expr_item *lit;
	double lit_num; /* the literal as a decimal (P_CMP_NUM), or as an integer (P_CMP_INT) */
	int64_t lit_int;
};

struct expr;
/* An evaluator specialised for one shape of Boolean expression, chosen when compiling. */
typedef enum expr_tri (*bool_evaluator)(const struct expr *e,
					const struct expr_value *const *fields,
					struct expr_item *scratch);

struct expr {
	/* what expr_eval_bool_ptr() reads first, together */
	bool_evaluator eval_bool;
	unsigned fast_slot;
	enum fast_kind fast;
	uint8_t prog_len;
	struct prog_op prog[PROG_MAX];
	struct node *root;
	struct expr_type type;
	size_t n_syms; /* size of the symbol table it was compiled against */
	size_t n_nodes;
	struct expr_slotset reads;
	const char *source;
};

struct parser {
	struct arena *arena;
	const char *src;
	size_t len;
	size_t pos;
	struct token tok; /* current token */
	const struct expr_symbols *syms;
	struct expr_slotset reads;
	struct expr_error *err;
	enum coop_err status;
	int depth;
};

/* ---------------------------------------------------------------- errors */

static void fail(struct parser *p, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, size_t offset, const char *fmt, ...)
{
	if (p->status != COOP_OK)
		return; /* keep the first error */
	p->status = ERR_INVALID;
	if (!p->err)
		return;
	p->err->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
}

static void fail_nomem(struct parser *p)
{
	if (p->status != COOP_OK)
		return;
	p->status = ERR_NOMEM;
	if (p->err) {
		p->err->offset = 0;
		snprintf(p->err->message, sizeof(p->err->message), "mémoire insuffisante");
	}
}

/* ---------------------------------------------------------------- lexer */

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Lexes a quoted string or delimited identifier starting at p->pos (the quote). */
static void lex_quoted(struct parser *p, char quote, struct token *t)
{
	size_t start = p->pos;
	char *out = arena_alloc(p->arena, p->len - start + 1);
	size_t n = 0;
	if (!out) {
		fail_nomem(p);
		return;
	}
	p->pos++;
	for (;;) {
		if (p->pos >= p->len) {
			fail(p, start, quote == '\'' ? "texte entre apostrophes non terminé"
						     : "nom entre accents graves non terminé");
			return;
		}
		char c = p->src[p->pos];
		if (c == quote) {
			p->pos++;
			break;
		}
		if (c == '\\') {
			if (p->pos + 1 >= p->len) {
				fail(p, p->pos, "échappement incomplet");
				return;
			}
			char e = p->src[p->pos + 1];
			p->pos += 2;
			switch (e) {
			case '\'': out[n++] = '\''; break;
			case '"': out[n++] = '"'; break;
			case '`': out[n++] = '`'; break;
			case '\\': out[n++] = '\\'; break;
			case '/': out[n++] = '/'; break;
			case 'n': out[n++] = '\n'; break;
			case 't': out[n++] = '\t'; break;
			case 'r': out[n++] = '\r'; break;
			case 'f': out[n++] = '\f'; break;
			case 'u': {
				uint32_t cp = 0;
				for (int i = 0; i < 4; i++) {
					int h = p->pos < p->len ? hex_value(p->src[p->pos]) : -1;
					if (h < 0) {
						fail(p, p->pos, "séquence \\u incorrecte : 4 chiffres hexadécimaux attendus");
						return;
					}
					cp = cp * 16 + (uint32_t)h;
					p->pos++;
				}
				size_t w = utf8_encode(cp, out + n);
				if (w == 0) {
					fail(p, p->pos - 6, "caractère \\u invalide");
					return;
				}
				n += w;
				break;
			}
			default:
				fail(p, p->pos - 2, "échappement inconnu « \\%c »", e);
				return;
			}
			continue;
		}
		if ((unsigned char)c < 0x20) {
			fail(p, p->pos, "caractère de contrôle dans un texte");
			return;
		}
		out[n++] = c;
		p->pos++;
	}
	out[n] = '\0';
	t->text = out;
	t->text_len = n;
	t->len = p->pos - start;
}

static void lex_number(struct parser *p, struct token *t)
{
	size_t start = p->pos;
	int64_t mant = 0;
	int digits = 0, frac = 0;
	bool dot = false;
	while (p->pos < p->len) {
		char c = p->src[p->pos];
		if (is_digit((unsigned char)c)) {
			if (digits >= 18) {
				fail(p, start, "nombre trop long (18 chiffres au plus)");
				return;
			}
			mant = mant * 10 + (c - '0');
			digits++;
			if (dot)
				frac++;
			p->pos++;
		} else if (c == '.' && !dot && p->pos + 1 < p->len &&
			   is_digit((unsigned char)p->src[p->pos + 1])) {
			dot = true;
			p->pos++;
		} else {
			break;
		}
	}
	if (p->pos < p->len && is_ident_start((unsigned char)p->src[p->pos])) {
		fail(p, p->pos, "caractère inattendu après un nombre");
		return;
	}
	t->len = p->pos - start;
	if (dot) {
		/* one correctly rounded division of two exact doubles (mantissa < 2^53, 10^frac
		 * exact up to 10^22), so 0.07 is the double nearest to 0.07 */
		static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
					       1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
					       1e14, 1e15, 1e16, 1e17, 1e18};
		if (mant >= ((int64_t)1 << 53)) {
			fail(p, start, "nombre décimal trop précis (15 chiffres significatifs au plus)");
			return;
		}
		t->kind = T_DEC;
		t->dval = (double)mant / pow10[frac];
	} else {
		if (mant > INT32_MAX) {
			fail(p, start, "entier trop grand (2147483647 au plus)");
			return;
		}
		t->kind = T_INT;
		t->ival = mant;
	}
}

/* Reads the next token into p->tok. */
static void next(struct parser *p)
{
	struct token t = {0};
	while (p->pos < p->len) {
		char c = p->src[p->pos];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			p->pos++;
		else
			break;
	}
	t.offset = p->pos;
	if (p->pos >= p->len) {
		t.kind = T_END;
		p->tok = t;
		return;
	}
	unsigned char c = (unsigned char)p->src[p->pos];
	char c2 = p->pos + 1 < p->len ? p->src[p->pos + 1] : '\0';
	t.len = 1;
	if (is_ident_start(c)) {
		size_t s = p->pos;
		while (p->pos < p->len && is_ident_char((unsigned char)p->src[p->pos]))
			p->pos++;
		t.kind = T_IDENT;
		t.text = p->src + s;
		t.text_len = p->pos - s;
		t.len = t.text_len;
		p->tok = t;
		return;
	}
	if (is_digit(c)) {
		lex_number(p, &t);
		p->tok = t;
		return;
	}
	switch (c) {
	case '\'':
		t.kind = T_STRING;
		lex_quoted(p, '\'', &t);
		p->tok = t;
		return;
	case '`':
		t.kind = T_IDENT;
		t.delimited = true;
		lex_quoted(p, '`', &t);
		p->tok = t;
		return;
	case '@': {
		size_t s = p->pos + 1;
		size_t e = s;
		while (e < p->len && (is_digit((unsigned char)p->src[e]) || p->src[e] == '-'))
			e++;
		if (e < p->len && (p->src[e] == 'T' || p->src[e] == ':')) {
			fail(p, p->pos, "seules les dates AAAA-MM-JJ sont acceptées (pas d'heure)");
			return;
		}
		if (!date_parse(p->src + s, e - s, &t.date)) {
			fail(p, p->pos, "date invalide : la forme attendue est @AAAA-MM-JJ");
			return;
		}
		t.kind = T_DATE;
		t.len = e - p->pos;
		p->pos = e;
		p->tok = t;
		return;
	}
	case '(': t.kind = T_LPAREN; break;
	case ')': t.kind = T_RPAREN; break;
	case '{': t.kind = T_LBRACE; break;
	case '}': t.kind = T_RBRACE; break;
	case ',': t.kind = T_COMMA; break;
	case '.': t.kind = T_DOT; break;
	case '|': t.kind = T_PIPE; break;
	case '+': t.kind = T_PLUS; break;
	case '-': t.kind = T_MINUS; break;
	case '*': t.kind = T_STAR; break;
	case '/': t.kind = T_SLASH; break;
	case '=': t.kind = T_EQ; break;
	case '!':
		if (c2 == '=') {
			t.kind = T_NE;
			t.len = 2;
			break;
		}
		fail(p, p->pos, "caractère inattendu « ! » (utiliser != ou .not())");
		return;
	case '<':
		t.kind = c2 == '=' ? T_LE : T_LT;
		t.len = c2 == '=' ? 2 : 1;
		break;
	case '>':
		t.kind = c2 == '=' ? T_GE : T_GT;
		t.len = c2 == '=' ? 2 : 1;
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			fail(p, p->pos, "caractère inattendu « %c »", c);
		else
			fail(p, p->pos, "caractère inattendu (octet 0x%02X)", c);
		return;
	}
	p->pos += t.len;
	p->tok = t;
}

static bool tok_is_word(const struct parser *p, const char *word)
{
	size_t n = strlen(word);
	return p->tok.kind == T_IDENT && !p->tok.delimited && p->tok.text_len == n &&
	       memcmp(p->tok.text, word, n) == 0;
}

static bool is_keyword(const char *s, size_t n)
{
	static const char *const words[] = {"and", "or",   "xor",  "implies", "div",  "mod",
					    "in",  "contains", "true", "false", "is", "as"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- types */

static const struct expr_type T_BOOL = {EXPR_BOOLEAN, false};
static const struct expr_type T_INTEGER = {EXPR_INTEGER, false};
static const struct expr_type T_DECIMAL = {EXPR_DECIMAL, false};

static bool is_numeric(enum expr_base b)
{
	return b == EXPR_INTEGER || b == EXPR_DECIMAL;
}

const char *expr_type_name_fr(struct expr_type t)
{
	if (t.collection) {
		switch (t.base) {
		case EXPR_BOOLEAN: return "liste de booléens";
		case EXPR_INTEGER: return "liste d'entiers";
		case EXPR_DECIMAL: return "liste de décimaux";
		case EXPR_STRING: return "liste de textes";
		case EXPR_DATE: return "liste de dates";
		case EXPR_NONE: return "collection vide";
		}
	}
	switch (t.base) {
	case EXPR_BOOLEAN: return "booléen";
	case EXPR_INTEGER: return "entier";
	case EXPR_DECIMAL: return "décimal";
	case EXPR_STRING: return "texte";
	case EXPR_DATE: return "date";
	case EXPR_NONE: return "collection vide";
	}
	return "?";
}

/* Bases compatible for comparison / equality / union. */
static bool bases_compatible(enum expr_base a, enum expr_base b)
{
	if (a == EXPR_NONE || b == EXPR_NONE || a == b)
		return true;
	return is_numeric(a) && is_numeric(b);
}

static enum expr_base joined_base(enum expr_base a, enum expr_base b)
{
	if (a == EXPR_NONE)
		return b;
	if (b == EXPR_NONE || a == b)
		return a;
	return EXPR_DECIMAL; /* integer with decimal */
}

/* ---------------------------------------------------------------- parser */

static struct node *new_node(struct parser *p, enum node_op op, size_t offset)
{
	struct node *n = arena_alloc(p->arena, sizeof(*n));
	if (!n) {
		fail_nomem(p);
		return NULL;
	}
	n->op = op;
	n->offset = offset;
	n->height = 1;
	return n;
}

/* Sets n's height from its children; false (with an error) past EXPR_MAX_HEIGHT. */
static bool set_height(struct parser *p, struct node *n)
{
	unsigned h = 0;
	if (n->a && n->a->height > h)
		h = n->a->height;
	if (n->b && n->b->height > h)
		h = n->b->height;
	if (n->c && n->c->height > h)
		h = n->c->height;
	n->height = h + 1;
	if (n->height > EXPR_MAX_HEIGHT) {
		fail(p, n->offset, "expression trop longue : plus de %d opérations enchaînées",
		     EXPR_MAX_HEIGHT);
		return false;
	}
	return true;
}

static struct node *parse_expr(struct parser *p);
static void refuse_stray_duration(struct parser *p, size_t number_offset);

static bool expect(struct parser *p, enum tok_kind k, const char *what)
{
	if (p->tok.kind != k) {
		fail(p, p->tok.offset, "%s attendu", what);
		return false;
	}
	next(p);
	return p->status == COOP_OK;
}

static bool need_boolean(struct parser *p, const struct node *n, const char *op)
{
	if ((n->type.base == EXPR_BOOLEAN || n->type.base == EXPR_NONE) && !n->type.collection)
		return true;
	fail(p, n->offset, "« %s » s'applique à un booléen, pas à : %s", op,
	     expr_type_name_fr(n->type));
	return false;
}

static bool need_singleton(struct parser *p, const struct node *n, const char *op)
{
	if (!n->type.collection)
		return true;
	fail(p, n->offset, "« %s » attend une seule valeur, pas une %s", op,
	     expr_type_name_fr(n->type));
	return false;
}

static bool need_numeric(struct parser *p, const struct node *n, const char *op)
{
	if (!need_singleton(p, n, op))
		return false;
	if (is_numeric(n->type.base) || n->type.base == EXPR_NONE)
		return true;
	fail(p, n->offset, "« %s » s'applique à un nombre, pas à : %s", op,
	     expr_type_name_fr(n->type));
	return false;
}

/* Builds a typed binary node; returns NULL after reporting on a type error. */
static struct node *binary(struct parser *p, enum node_op op, const char *name, size_t offset,
			   struct node *a, struct node *b)
{
	struct node *n = new_node(p, op, offset);
	if (!n)
		return NULL;
	n->a = a;
	n->b = b;
	switch (op) {
	case N_AND:
	case N_OR:
	case N_XOR:
	case N_IMPLIES:
		if (!need_boolean(p, a, name) || !need_boolean(p, b, name))
			return NULL;
		n->type = T_BOOL;
		break;
	case N_EQ:
	case N_NE:
		if (!bases_compatible(a->type.base, b->type.base)) {
			fail(p, offset, "comparaison impossible entre %s et %s",
			     expr_type_name_fr(a->type), expr_type_name_fr(b->type));
			return NULL;
		}
		n->type = T_BOOL;
		break;
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		if (!need_singleton(p, a, name) || !need_singleton(p, b, name))
			return NULL;
		if (!bases_compatible(a->type.base, b->type.base) ||
		    a->type.base == EXPR_BOOLEAN || b->type.base == EXPR_BOOLEAN) {
			fail(p, offset, "comparaison « %s » impossible entre %s et %s", name,
			     expr_type_name_fr(a->type), expr_type_name_fr(b->type));
			return NULL;
		}
		n->type = T_BOOL;
		break;
	case N_ADD:
	case N_SUB:
	case N_MUL:
		if (!need_numeric(p, a, name) || !need_numeric(p, b, name))
			return NULL;
		n->type.base = (a->type.base == EXPR_INTEGER && b->type.base == EXPR_INTEGER)
				       ? EXPR_INTEGER
				       : (a->type.base == EXPR_NONE && b->type.base == EXPR_NONE)
						 ? EXPR_NONE
						 : joined_base(a->type.base, b->type.base);
		break;
	case N_DIV:
		if (!need_numeric(p, a, name) || !need_numeric(p, b, name))
			return NULL;
		n->type = T_DECIMAL;
		break;
	case N_IDIV:
	case N_MOD:
		if (!need_singleton(p, a, name) || !need_singleton(p, b, name))
			return NULL;
		if ((a->type.base != EXPR_INTEGER && a->type.base != EXPR_NONE) ||
		    (b->type.base != EXPR_INTEGER && b->type.base != EXPR_NONE)) {
			fail(p, offset, "« %s » s'applique à deux entiers", name);
			return NULL;
		}
		n->type = T_INTEGER;
		break;
	case N_UNION:
		if (!bases_compatible(a->type.base, b->type.base)) {
			fail(p, offset, "union « | » impossible entre %s et %s",
			     expr_type_name_fr(a->type), expr_type_name_fr(b->type));
			return NULL;
		}
		n->type.base = joined_base(a->type.base, b->type.base);
		n->type.collection = true;
		break;
	case N_IN:
		if (!need_singleton(p, a, name))
			return NULL;
		if (!bases_compatible(a->type.base, b->type.base)) {
			fail(p, offset, "« in » impossible : %s cherché dans %s",
			     expr_type_name_fr(a->type), expr_type_name_fr(b->type));
			return NULL;
		}
		n->type = T_BOOL;
		break;
	case N_CONTAINS:
		if (!need_singleton(p, b, name))
			return NULL;
		if (!bases_compatible(a->type.base, b->type.base)) {
			fail(p, offset, "« contains » impossible : %s cherché dans %s",
			     expr_type_name_fr(b->type), expr_type_name_fr(a->type));
			return NULL;
		}
		n->type = T_BOOL;
		break;
	default:
		assert(0);
	}
	if (op == N_UNION) {
		/* a list written with single values, e.g. ('a' | 'b'), is bounded now; one that
		 * includes a collection is bounded at run time (the result is then unknown) */
		unsigned ia = a->op == N_UNION ? a->max_items : (a->type.collection ? 0 : 1);
		unsigned ib = b->op == N_UNION ? b->max_items : (b->type.collection ? 0 : 1);
		n->max_items = (ia && ib) ? ia + ib : 0;
		if (n->max_items > EXPR_MAX_ITEMS) {
			fail(p, offset, "liste trop longue (%d éléments au plus)", EXPR_MAX_ITEMS);
			return NULL;
		}
	}
	if (!set_height(p, n))
		return NULL;
	return n;
}

static bool enter(struct parser *p)
{
	if (++p->depth > EXPR_MAX_DEPTH) {
		fail(p, p->tok.offset, "expression trop imbriquée (%d niveaux au plus)",
		     EXPR_MAX_DEPTH);
		return false;
	}
	return true;
}

static struct node *parse_function(struct parser *p, const struct token *name, struct node *recv)
{
	/* p->tok is '(' */
	struct node *args[3] = {NULL, NULL, NULL};
	int nargs = 0;
	next(p);
	if (p->status != COOP_OK)
		return NULL;
	if (p->tok.kind != T_RPAREN) {
		for (;;) {
			if (nargs == 3) {
				fail(p, p->tok.offset, "trop d'arguments");
				return NULL;
			}
			args[nargs] = parse_expr(p);
			if (!args[nargs])
				return NULL;
			nargs++;
			if (p->tok.kind == T_COMMA) {
				next(p);
				if (p->status != COOP_OK)
					return NULL;
				continue;
			}
			break;
		}
	}
	if (!expect(p, T_RPAREN, "« ) »"))
		return NULL;

	const char *fn = name->text;
	size_t fl = name->text_len;
#define IS(word) (fl == sizeof(word) - 1 && memcmp(fn, word, fl) == 0)
	struct node *n = NULL;
	if (IS("iif")) {
		if (recv) {
			fail(p, name->offset, "iif() s'écrit iif(condition, alors, sinon)");
			return NULL;
		}
		if (nargs < 2) {
			fail(p, name->offset, "iif() attend 2 ou 3 arguments");
			return NULL;
		}
		if (!need_boolean(p, args[0], "iif"))
			return NULL;
		if (nargs == 3 && !bases_compatible(args[1]->type.base, args[2]->type.base)) {
			fail(p, args[2]->offset, "les deux branches de iif() doivent être du même type (%s, %s)",
			     expr_type_name_fr(args[1]->type), expr_type_name_fr(args[2]->type));
			return NULL;
		}
		n = new_node(p, N_IIF, name->offset);
		if (!n)
			return NULL;
		n->a = args[0];
		n->b = args[1];
		n->c = args[2];
		n->type.base = nargs == 3 ? joined_base(args[1]->type.base, args[2]->type.base)
					  : args[1]->type.base;
		n->type.collection =
			args[1]->type.collection || (nargs == 3 && args[2]->type.collection);
		return set_height(p, n) ? n : NULL;
	}
	enum node_op op;
	if (IS("not"))
		op = N_NOT;
	else if (IS("exists"))
		op = N_EXISTS;
	else if (IS("empty"))
		op = N_ISEMPTY;
	else if (IS("count"))
		op = N_COUNT;
	else if (IS("abs"))
		op = N_ABS;
	else {
		fail(p, name->offset, "fonction inconnue « %.*s » (permises : not, exists, empty, count, abs, iif)",
		     (int)(fl > 40 ? 40 : fl), fn);
		return NULL;
	}
#undef IS
	if (!recv) {
		fail(p, name->offset, "« %.*s() » s'écrit après une valeur, par exemple fievre.%.*s()",
		     (int)fl, fn, (int)fl, fn);
		return NULL;
	}
	if (nargs != 0) {
		fail(p, name->offset, "« %.*s() » ne prend pas d'argument", (int)fl, fn);
		return NULL;
	}
	n = new_node(p, op, name->offset);
	if (!n)
		return NULL;
	n->a = recv;
	switch (op) {
	case N_NOT:
		if (!need_boolean(p, recv, "not()"))
			return NULL;
		n->type = T_BOOL;
		break;
	case N_EXISTS:
	case N_ISEMPTY:
		n->type = T_BOOL;
		break;
	case N_COUNT:
		n->type = T_INTEGER;
		break;
	case N_ABS:
		if (!need_numeric(p, recv, "abs()"))
			return NULL;
		n->type = recv->type;
		break;
	default:
		assert(0);
	}
	return set_height(p, n) ? n : NULL;
}

static struct node *parse_primary(struct parser *p)
{
	struct token t = p->tok;
	struct node *n = NULL;
	switch (t.kind) {
	case T_INT:
	case T_DEC:
	case T_STRING:
	case T_DATE:
		n = new_node(p, N_LIT, t.offset);
		if (!n)
			return NULL;
		if (t.kind == T_INT) {
			n->lit.base = EXPR_INTEGER;
			n->lit.u.i = t.ival;
		} else if (t.kind == T_DEC) {
			n->lit.base = EXPR_DECIMAL;
			n->lit.u.d = t.dval;
		} else if (t.kind == T_STRING) {
			n->lit.base = EXPR_STRING;
			n->lit.u.str.s = t.text;
			n->lit.u.str.len = (uint32_t)t.text_len;
		} else {
			n->lit.base = EXPR_DATE;
			n->lit.u.date = t.date;
		}
		n->type.base = n->lit.base;
		next(p);
		if (t.kind == T_INT || t.kind == T_DEC)
			refuse_stray_duration(p, t.offset);
		return p->status == COOP_OK ? n : NULL;
	case T_LPAREN:
		next(p);
		if (p->status != COOP_OK)
			return NULL;
		n = parse_expr(p);
		if (!n || !expect(p, T_RPAREN, "« ) »"))
			return NULL;
		return n;
	case T_LBRACE:
		next(p);
		if (p->status != COOP_OK || !expect(p, T_RBRACE, "« } » (seule la collection vide {} est permise)"))
			return NULL;
		n = new_node(p, N_EMPTY, t.offset);
		if (n)
			n->type.base = EXPR_NONE;
		return n;
	case T_IDENT:
		break;
	case T_END:
		fail(p, t.offset, "expression incomplète");
		return NULL;
	default:
		fail(p, t.offset, "valeur attendue");
		return NULL;
	}

	/* identifiers: true / false / function call / field */
	if (!t.delimited && t.text_len == 4 && memcmp(t.text, "true", 4) == 0) {
		next(p);
		n = new_node(p, N_LIT, t.offset);
		if (n) {
			n->lit.base = EXPR_BOOLEAN;
			n->lit.u.b = true;
			n->type = T_BOOL;
		}
		return n;
	}
	if (!t.delimited && t.text_len == 5 && memcmp(t.text, "false", 5) == 0) {
		next(p);
		n = new_node(p, N_LIT, t.offset);
		if (n) {
			n->lit.base = EXPR_BOOLEAN;
			n->lit.u.b = false;
			n->type = T_BOOL;
		}
		return n;
	}
	if (!t.delimited && is_keyword(t.text, t.text_len)) {
		fail(p, t.offset, "mot réservé « %.*s » à cette place", (int)t.text_len, t.text);
		return NULL;
	}
	next(p);
	if (p->status != COOP_OK)
		return NULL;
	if (p->tok.kind == T_LPAREN && !t.delimited)
		return parse_function(p, &t, NULL);
	for (size_t i = 0; i < p->syms->count; i++) {
		const char *name = p->syms->names[i];
		if (strlen(name) == t.text_len && memcmp(name, t.text, t.text_len) == 0) {
			n = new_node(p, N_FIELD, t.offset);
			if (!n)
				return NULL;
			n->slot = (unsigned)i;
			n->type = p->syms->types[i];
			expr_slotset_add(&p->reads, (unsigned)i);
			return n;
		}
	}
	fail(p, t.offset, "nom inconnu « %.*s » : ce n'est ni une question, ni une valeur calculée, ni age_years, age_months, sex ou visit_date",
	     (int)(t.text_len > 48 ? 48 : t.text_len), t.text);
	return NULL;
}

static struct node *parse_postfix(struct parser *p)
{
	struct node *n = parse_primary(p);
	while (n && p->status == COOP_OK && p->tok.kind == T_DOT) {
		next(p);
		if (p->status != COOP_OK)
			return NULL;
		struct token name = p->tok;
		if (name.kind != T_IDENT || name.delimited) {
			fail(p, name.offset, "nom de fonction attendu après « . »");
			return NULL;
		}
		next(p);
		if (p->status != COOP_OK)
			return NULL;
		if (p->tok.kind != T_LPAREN) {
			fail(p, name.offset, "les questions n'ont pas de sous-champ : seul un appel de fonction (.not(), .exists()...) peut suivre « . »");
			return NULL;
		}
		n = parse_function(p, &name, n);
	}
	return n;
}

static struct node *parse_unary(struct parser *p)
{
	if (p->tok.kind == T_MINUS) {
		size_t off = p->tok.offset;
		next(p);
		if (p->status != COOP_OK)
			return NULL;
		if (p->tok.kind != T_INT && p->tok.kind != T_DEC) {
			fail(p, off, "le signe « - » ne s'applique qu'à un nombre écrit (écrire 0 - x)");
			return NULL;
		}
		struct node *n = parse_postfix(p);
		if (!n)
			return NULL;
		if (n->op != N_LIT) {
			fail(p, off, "le signe « - » ne s'applique qu'à un nombre écrit");
			return NULL;
		}
		if (n->lit.base == EXPR_INTEGER)
			n->lit.u.i = -n->lit.u.i;
		else
			n->lit.u.d = -n->lit.u.d;
		n->offset = off;
		return n;
	}
	return parse_postfix(p);
}

/* ---------------------------------------------------------------- calendar durations */

/* The calendar duration keywords of FHIRPath that apply to a date (times have no place here):
 * factor converts to the folded unit. */
struct dur_word {
	const char *word;
	enum dur_unit unit;
	int factor;
};
static const struct dur_word dur_words[] = {
	{"day", DUR_DAYS, 1},	  {"days", DUR_DAYS, 1},     {"week", DUR_DAYS, 7},
	{"weeks", DUR_DAYS, 7},	  {"month", DUR_MONTHS, 1},  {"months", DUR_MONTHS, 1},
	{"year", DUR_MONTHS, 12}, {"years", DUR_MONTHS, 12},
};
static const char *const time_words[] = {"hour",   "hours",	  "minute",	 "minutes",
					 "second", "seconds", "millisecond", "milliseconds"};

static const struct dur_word *dur_word_of(const struct token *t)
{
	if (t->kind != T_IDENT || t->delimited)
		return NULL;
	for (size_t i = 0; i < sizeof(dur_words) / sizeof(dur_words[0]); i++)
		if (strlen(dur_words[i].word) == t->text_len &&
		    memcmp(dur_words[i].word, t->text, t->text_len) == 0)
			return &dur_words[i];
	return NULL;
}

static bool is_time_word(const struct token *t)
{
	if (t->kind != T_IDENT || t->delimited)
		return false;
	for (size_t i = 0; i < sizeof(time_words) / sizeof(time_words[0]); i++)
		if (strlen(time_words[i]) == t->text_len &&
		    memcmp(time_words[i], t->text, t->text_len) == 0)
			return true;
	return false;
}

/* After a number literal (p->tok is the token that follows it): fails when that token makes
 * the number a duration written where no duration may stand. */
static void refuse_stray_duration(struct parser *p, size_t number_offset)
{
	if (dur_word_of(&p->tok) || is_time_word(&p->tok))
		fail(p, number_offset,
		     "une durée (« %.*s ») ne s'emploie qu'ajoutée à une date ou retranchée d'une date, par exemple visit_date - 28 days",
		     (int)(p->tok.offset + p->tok.len - number_offset), p->src + number_offset);
	else if (p->tok.kind == T_STRING)
		fail(p, p->tok.offset,
		     "unité entre apostrophes non acceptée : pour une durée, écrire days, weeks, months ou years après un nombre entier");
}

/* At the right operand of `+` / `-`: if the tokens are an integer literal (optionally negative)
 * followed by a calendar unit, consumes them and returns true with the amount in the folded
 * unit; otherwise leaves the parser where it was and returns false. */
static bool parse_duration(struct parser *p, int64_t *amount, enum dur_unit *unit)
{
	size_t save_pos = p->pos;
	struct token save_tok = p->tok;
	bool negative = false;
	if (p->tok.kind == T_MINUS) {
		negative = true;
		next(p);
	}
	if (p->status != COOP_OK || (p->tok.kind != T_INT && p->tok.kind != T_DEC))
		goto not_duration;
	struct token number = p->tok;
	next(p);
	if (p->status != COOP_OK)
		goto not_duration;
	const struct dur_word *w = dur_word_of(&p->tok);
	if (!w) {
		if (is_time_word(&p->tok))
			fail(p, p->tok.offset, "seules les durées en jours, semaines, mois ou années s'appliquent à une date (pas d'heure)");
		goto not_duration;
	}
	if (number.kind == T_DEC) {
		fail(p, number.offset, "une durée s'écrit avec un nombre entier (par exemple 3 months)");
		return false;
	}
	*amount = (negative ? -number.ival : number.ival) * w->factor;
	*unit = w->unit;
	next(p);
	if (p->status != COOP_OK)
		return false;
	if (p->tok.kind == T_STAR || p->tok.kind == T_SLASH || p->tok.kind == T_DOT ||
	    tok_is_word(p, "div") || tok_is_word(p, "mod")) {
		fail(p, p->tok.offset, "une durée s'écrit seule après + ou - : un nombre entier et son unité (28 days)");
		return false;
	}
	return true;
not_duration:
	if (p->status != COOP_OK)
		return false;
	p->pos = save_pos;
	p->tok = save_tok;
	return false;
}

/* Builds `a + amount unit` (op N_ADD) or `a - amount unit` (N_SUB) as one date-shift node. */
static struct node *date_shift(struct parser *p, enum node_op op, size_t offset, struct node *a,
			       int64_t amount, enum dur_unit unit)
{
	if (a->type.collection || (a->type.base != EXPR_DATE && a->type.base != EXPR_NONE)) {
		fail(p, offset, "une durée (jours, semaines, mois, années) ne s'ajoute qu'à une date, pas à : %s",
		     expr_type_name_fr(a->type));
		return NULL;
	}
	struct node *n = new_node(p, N_DATE_SHIFT, offset);
	if (!n)
		return NULL;
	n->a = a;
	n->unit = unit;
	n->lit.base = EXPR_INTEGER;
	n->lit.u.i = op == N_SUB ? -amount : amount;
	n->type.base = EXPR_DATE;
	return set_height(p, n) ? n : NULL;
}

/* One binary precedence level: operators come from `ops` (token kind or keyword). */
struct binop {
	enum tok_kind tok; /* T_IDENT for keywords */
	const char *word;  /* keyword or operator text */
	enum node_op op;
};

static struct node *parse_level(struct parser *p, int level);

static const struct binop level_ops[][4] = {
	/* 0 implies */ {{T_IDENT, "implies", N_IMPLIES}},
	/* 1 or xor  */ {{T_IDENT, "or", N_OR}, {T_IDENT, "xor", N_XOR}},
	/* 2 and     */ {{T_IDENT, "and", N_AND}},
	/* 3 in      */ {{T_IDENT, "in", N_IN}, {T_IDENT, "contains", N_CONTAINS}},
	/* 4 = !=    */ {{T_EQ, "=", N_EQ}, {T_NE, "!=", N_NE}},
	/* 5 < ...   */ {{T_LT, "<", N_LT}, {T_LE, "<=", N_LE}, {T_GT, ">", N_GT}, {T_GE, ">=", N_GE}},
	/* 6 |       */ {{T_PIPE, "|", N_UNION}},
	/* 7 + -     */ {{T_PLUS, "+", N_ADD}, {T_MINUS, "-", N_SUB}},
	/* 8 * / div mod */ {{T_STAR, "*", N_MUL}, {T_SLASH, "/", N_DIV}, {T_IDENT, "div", N_IDIV}, {T_IDENT, "mod", N_MOD}},
};
#define N_LEVELS ((int)(sizeof(level_ops) / sizeof(level_ops[0])))

static const struct binop *match_op(struct parser *p, int level)
{
	for (int i = 0; i < 4; i++) {
		const struct binop *o = &level_ops[level][i];
		if (!o->word)
			break;
		if (o->tok == T_IDENT ? tok_is_word(p, o->word) : p->tok.kind == o->tok)
			return o;
	}
	return NULL;
}

static struct node *parse_level(struct parser *p, int level)
{
	if (level == N_LEVELS)
		return parse_unary(p);
	struct node *left = parse_level(p, level + 1);
	const struct binop *o;
	while (left && p->status == COOP_OK && (o = match_op(p, level))) {
		size_t off = p->tok.offset;
		next(p);
		if (p->status != COOP_OK)
			return NULL;
		if (o->op == N_ADD || o->op == N_SUB) {
			int64_t amount;
			enum dur_unit unit;
			if (parse_duration(p, &amount, &unit)) {
				left = date_shift(p, o->op, off, left, amount, unit);
				continue;
			}
			if (p->status != COOP_OK)
				return NULL;
		}
		struct node *right = parse_level(p, level + 1);
		if (!right)
			return NULL;
		if ((o->op == N_ADD || o->op == N_SUB) && left->type.base == EXPR_DATE &&
		    !left->type.collection) {
			fail(p, off, "« %s » après une date attend une durée : un nombre entier et son unité (days, weeks, months, years), par exemple visit_date - 28 days",
			     o->word);
			return NULL;
		}
		left = binary(p, o->op, o->word, off, left, right);
		/* comparisons do not chain: "1 < x < 3" is a type error in FHIRPath */
	}
	return p->status == COOP_OK ? left : NULL;
}

static struct node *parse_expr(struct parser *p)
{
	if (!enter(p))
		return NULL;
	struct node *n = parse_level(p, 0);
	p->depth--;
	return n;
}

static bool compile_prog(struct expr *e, const struct node *n);
static enum expr_tri bool_field(const struct expr *e, const struct expr_value *const *fields,
				struct expr_item *scratch);
static enum expr_tri bool_not_field(const struct expr *e, const struct expr_value *const *fields,
				    struct expr_item *scratch);
static enum expr_tri bool_cmp_str(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch);
static enum expr_tri bool_cmp_int(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch);
static enum expr_tri bool_cmp_num(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch);
static enum expr_tri bool_leaf(const struct expr *e, const struct expr_value *const *fields,
			       struct expr_item *scratch);
static enum expr_tri bool_field_pair(const struct expr *e, const struct expr_value *const *fields,
				     struct expr_item *scratch);
static enum expr_tri bool_binary(const struct expr *e, const struct expr_value *const *fields,
				 struct expr_item *scratch);
static enum expr_tri bool_num_pair(const struct expr *e, const struct expr_value *const *fields,
				   struct expr_item *scratch);
static enum expr_tri bool_program(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch);
static enum expr_tri bool_walk(const struct expr *e, const struct expr_value *const *fields,
			       struct expr_item *scratch);

static bool is_field_leaf(uint8_t kind)
{
	return kind == P_FIELD || kind == P_NOT_FIELD;
}

/* Recognises the shapes expr_eval_bool() handles without the tree walk (see enum fast_kind)
 * and chooses the evaluator specialised for each. */
static void classify_fast(struct expr *e)
{
	const struct node *n = e->root;
	e->fast = FAST_NONE;
	e->eval_bool = bool_walk;
	if (n->type.base != EXPR_BOOLEAN || n->type.collection)
		return;
	if (n->op == N_FIELD) {
		e->fast = FAST_FIELD;
		e->fast_slot = n->slot;
		e->eval_bool = bool_field;
	} else if (n->op == N_NOT && n->a->op == N_FIELD) {
		e->fast = FAST_NOT_FIELD;
		e->fast_slot = n->a->slot;
		e->eval_bool = bool_not_field;
	} else if ((n->op == N_EQ || n->op == N_NE || n->op == N_LT || n->op == N_LE ||
		    n->op == N_GT || n->op == N_GE) &&
		   n->a->op == N_FIELD && !n->a->type.collection && n->b->op == N_LIT) {
		e->prog_len = 0;
		if (compile_prog(e, n)) {
			e->fast = FAST_CMP_LIT;
			e->fast_slot = n->a->slot;
			e->eval_bool = e->prog[0].kind == P_CMP_STR   ? bool_cmp_str
				       : e->prog[0].kind == P_CMP_INT ? bool_cmp_int
				       : e->prog[0].kind == P_CMP_NUM ? bool_cmp_num
								      : bool_leaf;
		} else {
			e->prog_len = 0;
		}
	} else if (n->op == N_AND || n->op == N_OR || n->op == N_XOR || n->op == N_IMPLIES ||
		   n->op == N_NOT) {
		e->prog_len = 0;
		if (compile_prog(e, n)) {
			e->fast = FAST_PROG;
			bool binary = e->prog_len == 3 && e->prog[0].kind < P_AND &&
				      e->prog[1].kind < P_AND && e->prog[2].kind >= P_AND &&
				      e->prog[2].kind <= P_IMPLIES;
			e->eval_bool = !binary ? bool_program
				       : is_field_leaf(e->prog[0].kind) && is_field_leaf(e->prog[1].kind)
					       ? bool_field_pair
				       : e->prog[0].kind == P_CMP_NUM && e->prog[1].kind == P_CMP_NUM
					       ? bool_num_pair
					       : bool_binary;
		} else {
			e->prog_len = 0;
		}
	}
}

bool expr_plain_field(const struct expr *e, unsigned *slot, bool *negated)
{
	if (e->fast != FAST_FIELD && e->fast != FAST_NOT_FIELD)
		return false;
	*slot = e->fast_slot;
	*negated = e->fast == FAST_NOT_FIELD;
	return true;
}

static bool is_cmp(enum node_op op)
{
	return op == N_EQ || op == N_NE || op == N_LT || op == N_LE || op == N_GT || op == N_GE;
}

/* Emits n as postfix instructions into e->prog; false when a node is not a supported shape or
 * the program would be too long (the expression then keeps the tree walk). */
static bool compile_prog(struct expr *e, const struct node *n)
{
	if (e->prog_len >= PROG_MAX)
		return false;
	struct prog_op op = {0};
	switch (n->op) {
	case N_FIELD:
		if (n->type.base != EXPR_BOOLEAN || n->type.collection)
			return false;
		op.kind = P_FIELD;
		op.slot = (uint16_t)n->slot;
		break;
	case N_LIT:
		if (n->lit.base != EXPR_BOOLEAN)
			return false;
		op.kind = P_CONST;
		op.cmp = n->lit.u.b ? EXPR_TRUE : EXPR_FALSE;
		break;
	case N_NOT:
		if (n->a->op == N_FIELD && !n->a->type.collection) {
			op.kind = P_NOT_FIELD;
			op.slot = (uint16_t)n->a->slot;
			break;
		}
		if (!compile_prog(e, n->a))
			return false;
		op.kind = P_NOT;
		break;
	case N_AND:
	case N_OR:
	case N_XOR:
	case N_IMPLIES:
		if (!compile_prog(e, n->a) || !compile_prog(e, n->b))
			return false;
		op.kind = n->op == N_AND ? P_AND : n->op == N_OR ? P_OR : n->op == N_XOR ? P_XOR : P_IMPLIES;
		break;
	default:
		if (!is_cmp(n->op) || n->a->op != N_FIELD || n->a->type.collection || n->b->op != N_LIT)
			return false;
		op.kind = P_CMP;
		op.cmp = (uint8_t)n->op;
		op.cmp_mask = n->op == N_EQ   ? 2
			      : n->op == N_NE ? 5
			      : n->op == N_LT ? 1
			      : n->op == N_LE ? 3
			      : n->op == N_GT ? 4
					      : 6;
		op.slot = (uint16_t)n->a->slot;
		op.lit = &n->b->lit;
		/* specialised forms, chosen from the static types */
		if (n->a->type.base == EXPR_STRING && n->b->lit.base == EXPR_STRING &&
		    (n->op == N_EQ || n->op == N_NE)) {
			op.kind = P_CMP_STR;
		} else if (n->a->type.base == EXPR_INTEGER && n->b->lit.base == EXPR_INTEGER) {
			op.kind = P_CMP_INT;
			op.lit_int = n->b->lit.u.i;
		} else if (is_numeric(n->a->type.base) && is_numeric(n->b->lit.base)) {
			op.kind = P_CMP_NUM;
			op.lit_num = n->b->lit.base == EXPR_INTEGER ? (double)n->b->lit.u.i
								     : n->b->lit.u.d;
		}
		break;
	}
	if (e->prog_len >= PROG_MAX)
		return false;
	e->prog[e->prog_len++] = op;
	return true;
}

/* Gives every literal node its value form (after unary minus folding); returns the node count. */
static size_t finish_literals(struct node *n)
{
	if (!n)
		return 0;
	if (n->op == N_LIT) {
		n->litval.count = 1;
		n->litval.one = n->lit;
	}
	return 1 + finish_literals(n->a) + finish_literals(n->b) + finish_literals(n->c);
}

size_t expr_node_count(const struct expr *e)
{
	return e->n_nodes;
}

enum coop_err expr_compile(struct arena *a, const char *src, size_t len,
			   const struct expr_symbols *syms, const struct expr_type *expected,
			   struct expr **out, struct expr_error *err)
{
	*out = NULL;
	if (err) {
		err->offset = 0;
		err->message[0] = '\0';
	}
	if (len > EXPR_MAX_SOURCE) {
		if (err)
			snprintf(err->message, sizeof(err->message),
				 "expression trop longue (%d octets au plus)", EXPR_MAX_SOURCE);
		return ERR_TOO_LARGE;
	}
	if (syms->count > EXPR_MAX_SLOTS) {
		if (err)
			snprintf(err->message, sizeof(err->message), "trop de noms (%d au plus)",
				 EXPR_MAX_SLOTS);
		return ERR_TOO_LARGE;
	}
	if (memchr(src, '\0', len)) {
		if (err)
			snprintf(err->message, sizeof(err->message), "caractère nul dans l'expression");
		return ERR_INVALID;
	}
	struct parser p = {.arena = a, .src = src, .len = len, .syms = syms, .err = err};
	next(&p);
	struct node *root = p.status == COOP_OK ? parse_expr(&p) : NULL;
	if (root && p.status == COOP_OK && p.tok.kind != T_END)
		fail(&p, p.tok.offset, "texte inattendu après la fin de l'expression");
	if (!root || p.status != COOP_OK)
		return p.status == COOP_OK ? ERR_INVALID : p.status;
	if (expected) {
		bool ok = root->type.base == EXPR_NONE ||
			  (root->type.base == expected->base ||
			   (expected->base == EXPR_DECIMAL && root->type.base == EXPR_INTEGER));
		if (!expected->collection && root->type.collection)
			ok = false;
		if (!ok) {
			fail(&p, 0, "l'expression doit donner un %s, elle donne : %s",
			     expr_type_name_fr(*expected), expr_type_name_fr(root->type));
			return ERR_INVALID;
		}
	}
	size_t n_nodes = finish_literals(root);
	struct expr *e = arena_alloc(a, sizeof(*e));
	char *copy = arena_strndup(a, src, len);
	if (!e || !copy) {
		if (err)
			snprintf(err->message, sizeof(err->message), "mémoire insuffisante");
		return ERR_NOMEM;
	}
	e->root = root;
	e->type = root->type;
	e->n_syms = syms->count;
	e->n_nodes = n_nodes;
	classify_fast(e);
	e->reads = p.reads;
	e->source = copy;
	*out = e;
	return COOP_OK;
}

struct expr_type expr_result_type(const struct expr *e)
{
	return e->type;
}

const struct expr_slotset *expr_reads(const struct expr *e)
{
	return &e->reads;
}

const char *expr_source(const struct expr *e)
{
	return e->source;
}

static void each_literal(const struct node *n, void (*fn)(void *, const struct expr_item *),
			 void *ctx)
{
	if (!n)
		return;
	if (n->op == N_LIT)
		fn(ctx, &n->lit);
	each_literal(n->a, fn, ctx);
	each_literal(n->b, fn, ctx);
	each_literal(n->c, fn, ctx);
}

void expr_each_literal(const struct expr *e, void (*fn)(void *ctx, const struct expr_item *lit),
		       void *ctx)
{
	each_literal(e->root, fn, ctx);
}

/* ---------------------------------------------------------------- values */

/* ---------------------------------------------------------------- evaluation */

struct evalctx {
	const struct expr_value *const *fields;
	struct expr_item *scratch; /* EXPR_MAX_ITEMS items */
	size_t scratch_used;
};

static struct expr_value eval(struct evalctx *c, const struct node *n);

static const struct expr_value EMPTY = {0};
static const struct expr_value MISSING = {.missing = true};

/* Result of a strict operator when an operand is empty: definitely empty if some operand is
 * definitely empty, else missing. */
static struct expr_value strict_empty(const struct expr_value *a, const struct expr_value *b)
{
	bool a_def_empty = a->count == 0 && !a->missing;
	bool b_def_empty = b && b->count == 0 && !b->missing;
	if (a_def_empty || b_def_empty)
		return EMPTY;
	return MISSING;
}

static double num(const struct expr_item *it)
{
	return it->base == EXPR_INTEGER ? (double)it->u.i : it->u.d;
}

/* Rounds to the nearest integer, halves upwards, as JavaScript's Math.round does. */
static double round_half_up(double x)
{
	double r = floor(x);
	return x - r >= 0.5 ? r + 1 : r;
}

/* FHIRPath decimals have 8 decimal places in the reference implementation: values are compared
 * after rounding both to multiples of 1e-8, for equality and for order alike. */
static double dec_key(double x)
{
	return round_half_up(x / 1e-8);
}

static bool dec_equal(double x, double y)
{
	return dec_key(x) == dec_key(y);
}

static bool item_equal(const struct expr_item *x, const struct expr_item *y)
{
	if (is_numeric(x->base) && is_numeric(y->base)) {
		if (x->base == EXPR_INTEGER && y->base == EXPR_INTEGER)
			return x->u.i == y->u.i;
		return dec_equal(num(x), num(y));
	}
	if (x->base != y->base)
		return false;
	switch (x->base) {
	case EXPR_BOOLEAN: return x->u.b == y->u.b;
	case EXPR_STRING: {
		/* short codes mostly: compare inline rather than through a library call */
		if (x->u.str.len != y->u.str.len)
			return false;
		const char *a = x->u.str.s, *b = y->u.str.s;
		for (uint32_t i = 0; i < x->u.str.len; i++)
			if (a[i] != b[i])
				return false;
		return true;
	}
	case EXPR_DATE: return x->u.date == y->u.date;
	default: return false;
	}
}

/* <0, 0, >0 like strcmp; items are of compatible ordered types (checked at compile time). */
static int item_compare(const struct expr_item *x, const struct expr_item *y)
{
	if (is_numeric(x->base)) {
		if (x->base == EXPR_INTEGER && y->base == EXPR_INTEGER)
			return (x->u.i > y->u.i) - (x->u.i < y->u.i);
		double a = num(x), b = num(y);
		/* rounding to 1e-8 can only change the order of values closer than that */
		if (a - b > 1e-7)
			return 1;
		if (b - a > 1e-7)
			return -1;
		a = dec_key(a);
		b = dec_key(b);
		return (a > b) - (a < b);
	}
	if (x->base == EXPR_DATE)
		return (x->u.date > y->u.date) - (x->u.date < y->u.date);
	size_t n = x->u.str.len < y->u.str.len ? x->u.str.len : y->u.str.len;
	int r = memcmp(x->u.str.s, y->u.str.s, n);
	if (r)
		return r;
	return (x->u.str.len > y->u.str.len) - (x->u.str.len < y->u.str.len);
}

static const struct expr_item *item_at(const struct expr_value *v, size_t i)
{
	return v->items ? &v->items[i] : &v->one;
}

static struct expr_value dec_result(double d)
{
	return isfinite(d) ? expr_value_dec(d) : EMPTY;
}

static struct expr_value eval_arith(struct evalctx *c, const struct node *n)
{
	struct expr_value a = eval(c, n->a);
	struct expr_value b = eval(c, n->b);
	if (!a.count || !b.count)
		return strict_empty(&a, &b);
	const struct expr_item *x = &a.one, *y = &b.one;
	bool ints = x->base == EXPR_INTEGER && y->base == EXPR_INTEGER;
	int64_t r;
	switch (n->op) {
	case N_ADD:
		if (ints)
			return __builtin_add_overflow(x->u.i, y->u.i, &r) ? EMPTY : expr_value_int(r);
		return dec_result(num(x) + num(y));
	case N_SUB:
		if (ints)
			return __builtin_sub_overflow(x->u.i, y->u.i, &r) ? EMPTY : expr_value_int(r);
		return dec_result(num(x) - num(y));
	case N_MUL:
		if (ints)
			return __builtin_mul_overflow(x->u.i, y->u.i, &r) ? EMPTY : expr_value_int(r);
		return dec_result(num(x) * num(y));
	case N_DIV:
		if (num(y) == 0.0)
			return EMPTY;
		return dec_result(num(x) / num(y));
	case N_IDIV:
		if (y->u.i == 0 || (x->u.i == INT64_MIN && y->u.i == -1))
			return EMPTY;
		return expr_value_int(x->u.i / y->u.i);
	case N_MOD:
		if (y->u.i == 0 || (x->u.i == INT64_MIN && y->u.i == -1))
			return EMPTY;
		return expr_value_int(x->u.i % y->u.i);
	default:
		assert(0);
		return EMPTY;
	}
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* The date `d` moved by `amount` days or months, FHIRPath's calendar arithmetic: months move the
 * month (and year) and keep the day, clamped to the last day of a shorter month (31 January +
 * 1 month = 29 February in a leap year); years are 12 months. False when the result falls
 * outside the years dates may have (1900–2199, those date_parse accepts). */
static bool shift_date(coop_date d, int64_t amount, enum dur_unit unit, coop_date *out)
{
	static const int64_t lo_year = 1900, hi_year = 2199;
	int y, m, day;
	if (unit == DUR_DAYS) {
		int64_t r = (int64_t)d + amount;
		if (r < date_from_ymd((int)lo_year, 1, 1) || r > date_from_ymd((int)hi_year, 12, 31))
			return false;
		*out = (coop_date)r;
		return true;
	}
	date_to_ymd(d, &y, &m, &day);
	/* amounts come from literals (|amount| ≤ 12 × 2^31): no overflow in 64 bits */
	int64_t months = (int64_t)y * 12 + (m - 1) + amount;
	if (months < lo_year * 12 || months > hi_year * 12 + 11)
		return false;
	y = (int)(months / 12);
	m = (int)(months % 12) + 1;
	if (day > days_in_month(y, m))
		day = days_in_month(y, m);
	*out = date_from_ymd(y, m, day);
	return true;
}

static struct expr_value eval_date_shift(struct evalctx *c, const struct node *n)
{
	struct expr_value a = eval(c, n->a);
	if (!a.count)
		return strict_empty(&a, NULL);
	coop_date r;
	if (!shift_date(a.one.u.date, n->lit.u.i, n->unit, &r))
		return EMPTY; /* outside the calendar range: no value, as for an arithmetic overflow */
	return expr_value_date(r);
}

static struct expr_value eval_union(struct evalctx *c, const struct node *n)
{
	/* a and b may build their own collections in scratch from `mark` on; the union is built
	 * above them, then moved down to `mark`, so nested unions reuse the space. */
	size_t mark = c->scratch_used;
	struct expr_value a = eval(c, n->a);
	struct expr_value b = eval(c, n->b);
	if (a.missing || b.missing) {
		c->scratch_used = mark;
		return MISSING;
	}
	size_t out = c->scratch_used, count = 0;
	const struct expr_value *parts[2] = {&a, &b};
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < parts[k]->count; i++) {
			const struct expr_item *it = item_at(parts[k], i);
			bool dup = false;
			for (size_t j = 0; j < count && !dup; j++)
				dup = item_equal(&c->scratch[out + j], it);
			if (dup)
				continue;
			if (count >= EXPR_MAX_UNION_ITEMS || out + count >= EXPR_SCRATCH_ITEMS) {
				/* bounded: report unknown rather than a wrong definite result */
				c->scratch_used = mark;
				return MISSING;
			}
			c->scratch[out + count++] = *it;
		}
	}
	memmove(&c->scratch[mark], &c->scratch[out], count * sizeof(c->scratch[0]));
	c->scratch_used = mark + count;
	struct expr_value v = {0};
	v.count = (uint16_t)count;
	if (count)
		v.items = &c->scratch[mark];
	return v;
}

static struct expr_value eval_membership(struct evalctx *c, const struct node *n)
{
	/* the result is a scalar: whatever the operands built in scratch is released */
	size_t mark = c->scratch_used;
	struct expr_value a = eval(c, n->a);
	struct expr_value b = eval(c, n->b);
	c->scratch_used = mark; /* a and b stay readable: nothing writes scratch below */
	/* in: a is the item, b the collection; contains: the reverse */
	const struct expr_value *item = n->op == N_IN ? &a : &b;
	const struct expr_value *coll = n->op == N_IN ? &b : &a;
	if (!item->count) /* FHIRPath: empty; unknown if the item may still come */
		return item->missing ? MISSING : EMPTY;
	if (coll->missing)
		return MISSING;
	for (size_t i = 0; i < coll->count; i++)
		if (item_equal(item_at(coll, i), &item->one))
			return expr_value_bool(true);
	return expr_value_bool(false);
}

/* ---------------------------------------------------------------- three-valued fast path
 *
 * Boolean-typed nodes are evaluated to one of four small codes instead of a value struct, and
 * fields and literals are read in place: criteria are mostly fields, comparisons of a field with
 * a literal, and logic over those. Semantics are exactly those of eval() (same tables).
 */
enum { T3_FALSE = EXPR_FALSE, T3_TRUE = EXPR_TRUE, T3_EMPTY = EXPR_EMPTY, T3_MISSING = EXPR_MISSING };

static int eval_tri(struct evalctx *c, const struct node *n);

static inline int tri_of_value(const struct expr_value *v)
{
	return (int)expr_tri_of_value(v);
}

static inline struct expr_value value_of_tri(int t)
{
	switch (t) {
	case T3_FALSE: return expr_value_bool(false);
	case T3_TRUE: return expr_value_bool(true);
	case T3_EMPTY: return EMPTY;
	default: return MISSING;
	}
}

/* A pointer to the operand's value: in place for fields and literals, else evaluated in tmp. */
static inline const struct expr_value *operand(struct evalctx *c, const struct node *n,
					       struct expr_value *tmp)
{
	if (n->op == N_FIELD)
		return c->fields[n->slot];
	if (n->op == N_LIT)
		return &n->litval;
	*tmp = eval(c, n);
	return tmp;
}

/* Strict-operator emptiness in tri codes: definitely empty wins over missing. */
static inline int strict_tri(const struct expr_value *a, const struct expr_value *b)
{
	if ((a->count == 0 && !a->missing) || (b->count == 0 && !b->missing))
		return T3_EMPTY;
	return T3_MISSING;
}

static int compare_tri(struct evalctx *c, const struct node *n)
{
	struct expr_value ta, tb;
	size_t mark = c->scratch_used;
	const struct expr_value *a = operand(c, n->a, &ta);
	const struct expr_value *b = operand(c, n->b, &tb);
	c->scratch_used = mark; /* scalar result: release what the operands built */
	if (!a->count || !b->count)
		return strict_tri(a, b);
	if (n->op == N_EQ || n->op == N_NE) {
		bool eq = a->count == b->count;
		for (size_t i = 0; eq && i < a->count; i++)
			eq = item_equal(item_at(a, i), item_at(b, i));
		return (n->op == N_EQ) == eq ? T3_TRUE : T3_FALSE;
	}
	int r = item_compare(&a->one, &b->one);
	bool res = n->op == N_LT ? r < 0 : n->op == N_LE ? r <= 0 : n->op == N_GT ? r > 0 : r >= 0;
	return res ? T3_TRUE : T3_FALSE;
}

static int eval_tri(struct evalctx *c, const struct node *n)
{
	int a, b;
	switch (n->op) {
	case N_FIELD:
		return tri_of_value(c->fields[n->slot]);
	case N_LIT:
		return n->lit.u.b ? T3_TRUE : T3_FALSE;
	case N_AND:
		a = eval_tri(c, n->a);
		if (a == T3_FALSE)
			return T3_FALSE;
		b = eval_tri(c, n->b);
		if (b == T3_FALSE)
			return T3_FALSE;
		if (a == T3_TRUE && b == T3_TRUE)
			return T3_TRUE;
		return (a == T3_MISSING || b == T3_MISSING) ? T3_MISSING : T3_EMPTY;
	case N_OR:
		a = eval_tri(c, n->a);
		if (a == T3_TRUE)
			return T3_TRUE;
		b = eval_tri(c, n->b);
		if (b == T3_TRUE)
			return T3_TRUE;
		if (a == T3_FALSE && b == T3_FALSE)
			return T3_FALSE;
		return (a == T3_MISSING || b == T3_MISSING) ? T3_MISSING : T3_EMPTY;
	case N_XOR:
		a = eval_tri(c, n->a);
		b = eval_tri(c, n->b);
		if (a <= T3_TRUE && b <= T3_TRUE)
			return a != b ? T3_TRUE : T3_FALSE;
		if (a == T3_EMPTY || b == T3_EMPTY)
			return T3_EMPTY;
		return T3_MISSING;
	case N_IMPLIES:
		a = eval_tri(c, n->a);
		if (a == T3_FALSE)
			return T3_TRUE;
		b = eval_tri(c, n->b);
		if (a == T3_TRUE)
			return b;
		if (b == T3_TRUE)
			return T3_TRUE;
		return (a == T3_MISSING || b == T3_MISSING) ? T3_MISSING : T3_EMPTY;
	case N_NOT:
		a = eval_tri(c, n->a);
		return a <= T3_TRUE ? !a : a;
	case N_EQ:
	case N_NE:
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		return compare_tri(c, n);
	case N_EXISTS:
	case N_ISEMPTY: {
		struct expr_value t;
		size_t mark = c->scratch_used;
		const struct expr_value *v = operand(c, n->a, &t);
		c->scratch_used = mark;
		if (v->missing)
			return T3_MISSING;
		return ((n->op == N_EXISTS) == (v->count > 0)) ? T3_TRUE : T3_FALSE;
	}
	default: {
		struct expr_value v = eval(c, n);
		return tri_of_value(&v);
	}
	}
}

static struct expr_value eval(struct evalctx *c, const struct node *n)
{
	switch (n->op) {
	case N_LIT: {
		struct expr_value v = {0};
		v.count = 1;
		v.one = n->lit;
		return v;
	}
	case N_FIELD:
		return *c->fields[n->slot];
	case N_EMPTY:
		return EMPTY;
	case N_AND:
	case N_OR:
	case N_XOR:
	case N_IMPLIES:
	case N_NOT:
	case N_EQ:
	case N_NE:
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		return value_of_tri(eval_tri(c, n));
	case N_ADD:
	case N_SUB:
	case N_MUL:
	case N_DIV:
	case N_IDIV:
	case N_MOD:
		return eval_arith(c, n);
	case N_UNION:
		return eval_union(c, n);
	case N_IN:
	case N_CONTAINS:
		return eval_membership(c, n);
	case N_EXISTS:
	case N_ISEMPTY:
	case N_COUNT: {
		size_t mark = c->scratch_used;
		struct expr_value a = eval(c, n->a);
		c->scratch_used = mark;
		if (a.missing)
			return MISSING;
		if (n->op == N_COUNT)
			return expr_value_int(a.count);
		return expr_value_bool(n->op == N_EXISTS ? a.count > 0 : a.count == 0);
	}
	case N_ABS: {
		struct expr_value a = eval(c, n->a);
		if (!a.count)
			return a;
		if (a.one.base == EXPR_INTEGER)
			return a.one.u.i == INT64_MIN ? EMPTY : expr_value_int(a.one.u.i < 0 ? -a.one.u.i : a.one.u.i);
		return expr_value_dec(fabs(a.one.u.d));
	}
	case N_IIF: {
		int cond = eval_tri(c, n->a);
		if (cond == T3_MISSING)
			return MISSING;
		if (cond == T3_TRUE)
			return eval(c, n->b);
		return n->c ? eval(c, n->c) : EMPTY;
	}
	case N_DATE_SHIFT:
		return eval_date_shift(c, n);
	}
	assert(0);
	return EMPTY;
}

void expr_eval_ptr(const struct expr *e, const struct expr_value *const *fields,
		   struct expr_item *scratch, struct expr_value *out)
{
	struct evalctx c = {.fields = fields, .scratch = scratch, .scratch_used = 0};
	if (e->type.base == EXPR_BOOLEAN && !e->type.collection)
		*out = value_of_tri(eval_tri(&c, e->root));
	else
		*out = eval(&c, e->root);
}

/* Points ptrs[i] at values[i] for every slot of e's symbol table. */
static void point_at(const struct expr *e, const struct expr_value *values,
		     const struct expr_value **ptrs)
{
	for (size_t i = 0; i < e->n_syms; i++)
		ptrs[i] = &values[i];
}

void expr_eval(const struct expr *e, const struct expr_value *fields, struct expr_item *scratch,
	       struct expr_value *out)
{
	const struct expr_value *ptrs[EXPR_MAX_SLOTS];
	point_at(e, fields, ptrs);
	expr_eval_ptr(e, ptrs, scratch, out);
}

/* FHIRPath's three-valued tables over codes F, T, E (empty), M (missing), as eval_tri() has them,
 * indexed by [kind - P_AND][a][b] for and, or, xor, implies. */
static const uint8_t tri_binary[4][4][4] = {
	{{0, 0, 0, 0}, {0, 1, 2, 3}, {0, 2, 2, 3}, {0, 3, 3, 3}},   /* and */
	{{0, 1, 2, 3}, {1, 1, 1, 1}, {2, 1, 2, 3}, {3, 1, 3, 3}},   /* or */
	{{0, 1, 2, 3}, {1, 0, 2, 3}, {2, 2, 2, 2}, {3, 3, 2, 3}},   /* xor */
	{{1, 1, 1, 1}, {0, 1, 2, 3}, {2, 1, 2, 3}, {3, 1, 3, 3}},   /* implies */
};

/* A comparison's result from the order of its operands: r < 0, 0 or > 0. */
static inline uint8_t cmp_result(const struct prog_op *op, int r)
{
	int order = (r > 0) - (r < 0); /* -1, 0, 1 */
	return (uint8_t)((op->cmp_mask >> (order + 1)) & 1u);
}

/* The code of an empty field in a comparison: empty, or missing when it waits for an answer. */
static inline uint8_t empty_code(const struct expr_value *v)
{
	return v->missing ? T3_MISSING : T3_EMPTY;
}

/* The general comparison of a field's item with a literal (any scalar types). */
static uint8_t cmp_items(const struct prog_op *op, const struct expr_item *x)
{
	if (op->cmp == N_EQ || op->cmp == N_NE)
		return (uint8_t)((op->cmp == N_EQ) == item_equal(x, op->lit));
	return cmp_result(op, item_compare(x, op->lit));
}

/* Leaves, one per kind (see enum prog_kind). */
static inline uint8_t leaf_field(const struct prog_op *op, const struct expr_value *const *fields)
{
	enum expr_tri t = expr_tri_of_value(fields[op->slot]);
	return (uint8_t)(op->kind == P_NOT_FIELD ? expr_tri_not(t) : t);
}

static inline uint8_t leaf_cmp_str(const struct prog_op *op, const struct expr_value *const *fields)
{
	const struct expr_value *v = fields[op->slot];
	if (!v->count)
		return empty_code(v);
	uint32_t len = op->lit->u.str.len;
	bool eq = v->one.u.str.len == len &&
		  (len == 0 || (v->one.u.str.s[0] == op->lit->u.str.s[0] &&
				memcmp(v->one.u.str.s, op->lit->u.str.s, len) == 0));
	return (uint8_t)(eq == (op->cmp == N_EQ));
}

static inline uint8_t leaf_cmp_int(const struct prog_op *op, const struct expr_value *const *fields)
{
	const struct expr_value *v = fields[op->slot];
	if (!v->count)
		return empty_code(v);
	if (v->one.base != EXPR_INTEGER) /* never, by the static types; kept exact anyway */
		return cmp_items(op, &v->one);
	int64_t a = v->one.u.i, b = op->lit_int;
	return cmp_result(op, (a > b) - (a < b));
}

static inline uint8_t leaf_cmp_num(const struct prog_op *op, const struct expr_value *const *fields)
{
	const struct expr_value *v = fields[op->slot];
	if (!v->count)
		return empty_code(v);
	double a = v->one.base == EXPR_INTEGER ? (double)v->one.u.i : v->one.u.d;
	double b = op->lit_num;
	if (a - b > 1e-7)
		return cmp_result(op, 1);
	if (b - a > 1e-7)
		return cmp_result(op, -1);
	/* close: the exact rules (integers, rounding to 1e-8) decide */
	return cmp_items(op, &v->one);
}

/* Evaluates one leaf instruction (field, negated field, comparison with a literal, constant). */
static inline uint8_t prog_leaf(const struct prog_op *op, const struct expr_value *const *fields)
{
	const struct expr_value *v;
	switch ((enum prog_kind)op->kind) {
	case P_FIELD:
	case P_NOT_FIELD:
		return leaf_field(op, fields);
	case P_CONST:
		return op->cmp;
	case P_CMP_STR:
		return leaf_cmp_str(op, fields);
	case P_CMP_INT:
		return leaf_cmp_int(op, fields);
	case P_CMP_NUM:
		return leaf_cmp_num(op, fields);
	case P_CMP:
		v = fields[op->slot];
		if (!v->count)
			return empty_code(v);
		return cmp_items(op, &v->one);
	default:
		return T3_MISSING; /* not a leaf: never emitted as one */
	}
}

/* The specialised evaluators (chosen by classify_fast()). */
static enum expr_tri bool_field(const struct expr *e, const struct expr_value *const *fields,
				struct expr_item *scratch)
{
	(void)scratch;
	return expr_tri_of_value(fields[e->fast_slot]);
}

static enum expr_tri bool_not_field(const struct expr *e, const struct expr_value *const *fields,
				    struct expr_item *scratch)
{
	(void)scratch;
	return expr_tri_not(expr_tri_of_value(fields[e->fast_slot]));
}

static enum expr_tri bool_cmp_str(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch)
{
	(void)scratch;
	return (enum expr_tri)leaf_cmp_str(&e->prog[0], fields);
}

static enum expr_tri bool_cmp_int(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch)
{
	(void)scratch;
	return (enum expr_tri)leaf_cmp_int(&e->prog[0], fields);
}

static enum expr_tri bool_cmp_num(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch)
{
	(void)scratch;
	return (enum expr_tri)leaf_cmp_num(&e->prog[0], fields);
}

static enum expr_tri bool_leaf(const struct expr *e, const struct expr_value *const *fields,
			       struct expr_item *scratch)
{
	(void)scratch;
	return (enum expr_tri)prog_leaf(&e->prog[0], fields);
}

/* Two fields (possibly negated) joined by and / or / xor / implies. */
static enum expr_tri bool_field_pair(const struct expr *e, const struct expr_value *const *fields,
				     struct expr_item *scratch)
{
	(void)scratch;
	uint8_t a = leaf_field(&e->prog[0], fields), b = leaf_field(&e->prog[1], fields);
	return (enum expr_tri)tri_binary[e->prog[2].kind - P_AND][a][b];
}

/* Two numeric comparisons joined by and / or / xor / implies (a range: `t > 38 or t < 36`). */
static enum expr_tri bool_num_pair(const struct expr *e, const struct expr_value *const *fields,
				   struct expr_item *scratch)
{
	(void)scratch;
	uint8_t a = leaf_cmp_num(&e->prog[0], fields), b = leaf_cmp_num(&e->prog[1], fields);
	return (enum expr_tri)tri_binary[e->prog[2].kind - P_AND][a][b];
}

/* Two leaves of any kind joined by and / or / xor / implies. */
static enum expr_tri bool_binary(const struct expr *e, const struct expr_value *const *fields,
				 struct expr_item *scratch)
{
	(void)scratch;
	uint8_t a = prog_leaf(&e->prog[0], fields), b = prog_leaf(&e->prog[1], fields);
	return (enum expr_tri)tri_binary[e->prog[2].kind - P_AND][a][b];
}

/* Any flat program, run with a stack (all operands are evaluated: no side effects, same
 * result). */
static enum expr_tri bool_program(const struct expr *e, const struct expr_value *const *fields,
				  struct expr_item *scratch)
{
	(void)scratch;
	uint8_t stack[PROG_MAX];
	int sp = 0;
	for (unsigned i = 0; i < e->prog_len; i++) {
		const struct prog_op *op = &e->prog[i];
		uint8_t t;
		if (op->kind < P_AND) {
			t = prog_leaf(op, fields);
		} else if (op->kind == P_NOT) {
			t = (uint8_t)expr_tri_not((enum expr_tri)stack[--sp]);
		} else {
			uint8_t b = stack[--sp], a = stack[--sp];
			t = tri_binary[op->kind - P_AND][a][b];
		}
		stack[sp++] = t;
	}
	return (enum expr_tri)stack[0];
}

/* The general tree walk, for Boolean expressions of any other shape. */
static enum expr_tri bool_walk(const struct expr *e, const struct expr_value *const *fields,
			       struct expr_item *scratch)
{
	struct evalctx c = {.fields = fields, .scratch = scratch, .scratch_used = 0};
	assert(e->type.base == EXPR_BOOLEAN || e->type.base == EXPR_NONE);
	return (enum expr_tri)eval_tri(&c, e->root);
}

enum expr_tri expr_eval_bool_ptr(const struct expr *e, const struct expr_value *const *fields,
				 struct expr_item *scratch)
{
	return e->eval_bool(e, fields, scratch);
}

enum expr_tri expr_eval_bool(const struct expr *e, const struct expr_value *fields,
			     struct expr_item *scratch)
{
	const struct expr_value *ptrs[EXPR_MAX_SLOTS];
	point_at(e, fields, ptrs);
	return expr_eval_bool_ptr(e, ptrs, scratch);
}

/* ---------------------------------------------------------------- formatting */

static size_t format_item(const struct expr_item *it, char *buf, size_t n)
{
	int w = 0;
	switch (it->base) {
	case EXPR_BOOLEAN:
		w = snprintf(buf, n, "%s", it->u.b ? "oui" : "non");
		break;
	case EXPR_INTEGER:
		w = snprintf(buf, n, "%lld", (long long)it->u.i);
		break;
	case EXPR_DECIMAL: {
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%.10g", it->u.d);
		for (char *q = tmp; *q; q++)
			if (*q == '.')
				*q = ',';
		w = snprintf(buf, n, "%s", tmp);
		break;
	}
	case EXPR_STRING:
		w = snprintf(buf, n, "%.*s", (int)it->u.str.len, it->u.str.s);
		break;
	case EXPR_DATE: {
		char tmp[16];
		date_format_fr(it->u.date, tmp, sizeof(tmp));
		w = snprintf(buf, n, "%s", tmp);
		break;
	}
	case EXPR_NONE:
		w = 0;
		break;
	}
	if (w < 0)
		return 0;
	return (size_t)w < n ? (size_t)w : (n ? n - 1 : 0);
}

size_t expr_value_format_fr(const struct expr_value *v, char *buf, size_t n)
{
	if (n == 0)
		return 0;
	buf[0] = '\0';
	if (v->count == 0) {
		int w = snprintf(buf, n, "%s", v->missing ? "inconnu" : "—");
		return w < 0 ? 0 : ((size_t)w < n ? (size_t)w : n - 1);
	}
	size_t used = 0;
	for (size_t i = 0; i < v->count && used + 1 < n; i++) {
		if (i) {
			int w = snprintf(buf + used, n - used, ", ");
			used += w < 0 ? 0 : ((size_t)w < n - used ? (size_t)w : n - used - 1);
		}
		used += format_item(item_at(v, i), buf + used, n - used);
	}
	return used;
}
