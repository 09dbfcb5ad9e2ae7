/*
 * expr.h — the FHIRPath subset used by protocol files: compile, type-check, evaluate.
 *
 * An expression is compiled once, against a symbol table that gives each field (question,
 * computed value, reserved name) a slot number and a static type. Compilation parses, resolves
 * names and checks types; every problem is an error with its byte offset in the source.
 * Evaluation is pure and allocation-free: it reads the slot values and writes one value.
 * The language and its semantics are specified in docs/internals/protocol-format-spec.md §7.
 */
#ifndef COOP_PROTOCOL_EXPR_H
#define COOP_PROTOCOL_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/date.h"
#include "base/error.h"

#define EXPR_MAX_SOURCE 4096   /* bytes of one expression */
#define EXPR_MAX_DEPTH 64      /* nesting depth of the syntax tree */
#define EXPR_MAX_SLOTS 256     /* fields one symbol table may hold */
#define EXPR_MAX_ITEMS 64      /* items of a list written in an expression */
#define EXPR_MAX_UNION_ITEMS 256 /* items of a collection built at run time */
#define EXPR_SCRATCH_ITEMS (4 * EXPR_MAX_UNION_ITEMS) /* the evaluation scratch area */
#define EXPR_MAX_HEIGHT 512    /* height of the syntax tree (operations chained) */

/* Scalar types of the language. */
enum expr_base {
	EXPR_NONE = 0, /* the type of `{}`: compatible with anything */
	EXPR_BOOLEAN,
	EXPR_INTEGER,
	EXPR_DECIMAL,
	EXPR_STRING,
	EXPR_DATE,
};

/* Static type: a scalar type, singleton or collection. */
struct expr_type {
	enum expr_base base;
	bool collection;
};

/* One scalar item. Strings point into memory the caller keeps alive (answers, protocol). */
struct expr_item {
	enum expr_base base;
	union {
		bool b;
		int64_t i;
		double d;
		coop_date date;
		struct {
			const char *s;
			uint32_t len;
		} str;
	} u;
};

/* A runtime value: empty, one item, or a collection of items.
 * `missing` marks a value that depends on an applicable question not yet answered: it is
 * always empty (count == 0) and means "unknown", as opposed to plain empty ("not applicable"). */
struct expr_value {
	uint16_t count;   /* 0 = empty */
	bool missing;     /* unknown because of a missing answer */
	struct expr_item one;              /* the item when count == 1 and items == NULL */
	const struct expr_item *items;     /* the items when count > 1 (or count == 1 from a list) */
};

/* The names an expression may use. Slot i is names[i] with types[i]. */
struct expr_symbols {
	size_t count;
	const char *const *names;
	const struct expr_type *types;
};

/* A set of slots, e.g. the fields an expression reads. */
struct expr_slotset {
	uint64_t bits[EXPR_MAX_SLOTS / 64];
};

struct expr;  /* compiled expression, allocated in an arena */

/* Where and why compilation failed. offset is a byte offset into the source. */
struct expr_error {
	size_t offset;
	char message[256];  /* French */
};

/* Compiles src[0..len) against syms into *out (allocated in `a`, which must outlive it).
 * expected: if non-NULL, the result type the context requires (e.g. Boolean for a criterion).
 * Returns COOP_OK, ERR_INVALID (with *err filled), ERR_TOO_LARGE or ERR_NOMEM. */
enum coop_err expr_compile(struct arena *a, const char *src, size_t len,
			   const struct expr_symbols *syms, const struct expr_type *expected,
			   struct expr **out, struct expr_error *err);

/* The static type of a compiled expression. */
struct expr_type expr_result_type(const struct expr *e);

/* The slots the expression reads. */
const struct expr_slotset *expr_reads(const struct expr *e);

/* The source text the expression was compiled from (NUL-terminated, arena-owned). */
const char *expr_source(const struct expr *e);

/* Evaluates e with slot values `fields` (indexed like the symbol table). Collections built at
 * run time (unions) use `scratch`, which must hold EXPR_SCRATCH_ITEMS items and outlive *out.
 * Never fails: type errors were excluded at compile time; arithmetic faults give empty. */
void expr_eval(const struct expr *e, const struct expr_value *fields, struct expr_item *scratch,
	       struct expr_value *out);

/* Number of nodes of e's syntax tree: a measure of its evaluation cost. */
size_t expr_node_count(const struct expr *e);

/* Calls fn(ctx, lit) for every literal of e, in source order. */
void expr_each_literal(const struct expr *e, void (*fn)(void *ctx, const struct expr_item *lit),
		       void *ctx);

/* Same as expr_eval() with the fields given as pointers (fields[i] points at slot i's value):
 * the engine's form, which avoids copying answers. */
void expr_eval_ptr(const struct expr *e, const struct expr_value *const *fields,
		   struct expr_item *scratch, struct expr_value *out);

/* Three-valued result of a Boolean expression. */
enum expr_tri { EXPR_FALSE = 0, EXPR_TRUE = 1, EXPR_EMPTY = 2, EXPR_MISSING = 3 };

/* The three-valued code of a Boolean value (an empty value is EXPR_EMPTY, or EXPR_MISSING when
 * it waits for an answer): the engine's hottest read. (Written as plain conditions: table or
 * mask forms measured slower.) */
static inline enum expr_tri expr_tri_of_value(const struct expr_value *v)
{
	int when_one = v->one.u.b ? EXPR_TRUE : EXPR_FALSE;
	int when_empty = v->missing ? EXPR_MISSING : EXPR_EMPTY;
	return (enum expr_tri)(v->count ? when_one : when_empty);
}

/* True when e is a Boolean field alone (`b`) or negated (`b.not()`); then *slot is the field's
 * slot and *negated tells which. Lets a caller evaluate such expressions in its own loop. */
bool expr_plain_field(const struct expr *e, unsigned *slot, bool *negated);

/* The code of `not()` applied to a three-valued code (empty and missing stay as they are). */
static inline enum expr_tri expr_tri_not(enum expr_tri t)
{
	return t <= EXPR_TRUE ? (enum expr_tri)(t ^ 1) : t;
}

/* Evaluates a Boolean singleton expression (checked at compile time: pass expected Boolean)
 * straight to its three-valued code, without building a value: the engine's fast path. */
enum expr_tri expr_eval_bool(const struct expr *e, const struct expr_value *fields,
			     struct expr_item *scratch);
enum expr_tri expr_eval_bool_ptr(const struct expr *e, const struct expr_value *const *fields,
				 struct expr_item *scratch);

/* Value helpers. */
static inline struct expr_value expr_value_empty(void)
{
	struct expr_value v = {0};
	return v;
}
static inline struct expr_value expr_value_missing(void)
{
	struct expr_value v = {0};
	v.missing = true;
	return v;
}
static inline struct expr_value expr_value_bool(bool b)
{
	struct expr_value v = {.count = 1, .one = {.base = EXPR_BOOLEAN, .u.b = b}};
	return v;
}
static inline struct expr_value expr_value_int(int64_t i)
{
	struct expr_value v = {.count = 1, .one = {.base = EXPR_INTEGER, .u.i = i}};
	return v;
}
static inline struct expr_value expr_value_dec(double d)
{
	struct expr_value v = {.count = 1, .one = {.base = EXPR_DECIMAL, .u.d = d}};
	return v;
}
static inline struct expr_value expr_value_str(const char *s, size_t len)
{
	struct expr_value v = {.count = 1, .one = {.base = EXPR_STRING, .u.str = {s, (uint32_t)len}}};
	return v;
}
static inline struct expr_value expr_value_date(coop_date d)
{
	struct expr_value v = {.count = 1, .one = {.base = EXPR_DATE, .u.date = d}};
	return v;
}

/* The i-th item of a non-empty value. */
static inline const struct expr_item *expr_value_item(const struct expr_value *v, size_t i)
{
	return v->items ? &v->items[i] : &v->one;
}

/* Slot set helpers. */
static inline void expr_slotset_add(struct expr_slotset *s, unsigned slot)
{
	s->bits[slot / 64] |= (uint64_t)1 << (slot % 64);
}
static inline bool expr_slotset_has(const struct expr_slotset *s, unsigned slot)
{
	return (s->bits[slot / 64] >> (slot % 64)) & 1u;
}
static inline void expr_slotset_union(struct expr_slotset *dst, const struct expr_slotset *src)
{
	for (size_t i = 0; i < EXPR_MAX_SLOTS / 64; i++)
		dst->bits[i] |= src->bits[i];
}

/* Writes a value as text for explanations, French style (decimals with a comma, dates as
 * 31/12/2026, booleans "oui"/"non", empty "—", missing "inconnu"); returns bytes written
 * (without the NUL), truncating to fit n. */
size_t expr_value_format_fr(const struct expr_value *v, char *buf, size_t n);

/* Name of a type in French for messages ("booléen", "entier", "liste de textes"...). */
const char *expr_type_name_fr(struct expr_type t);

#endif
