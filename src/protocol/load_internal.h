/*
 * load_internal.h — what the pieces of the protocol loader share; private to src/protocol.
 *
 * The loader (protocol_load_buffer(), protocol.h) is split along its seams:
 *   load_tree.c           YAML to a positioned node tree, diagnostics, closed mappings
 *   load_values.c         typed values: texts, numbers, dates, enumerations, lists, ids
 *   load_frame.c          versions, follow-up, tariffs, training
 *   load_questions.c      questions, computed values, expressions, criteria
 *   load_prescriptions.c  prescription templates, outcomes
 *   protocol_load.c       the driver: bytes, hash, root, final checks, files
 * Names shared between them begin with ld_ (helpers) or load_ (a section's reader).
 *
 * Every reader reports its errors into the context (French, positioned at the node) and goes on:
 * a false or NULL result means "no usable value", never "stop". A reader given a NULL node (an
 * absent key) reports nothing: missing required keys are reported by ld_map_open. Allocation
 * failure sets c->nomem; callers check it between sections.
 */
#ifndef COOP_PROTOCOL_LOAD_INTERNAL_H
#define COOP_PROTOCOL_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libfyaml.h>

#include "protocol/protocol.h"

#define MAP_MAX_KEYS 20 /* keys of the largest mapping */
#define SHOW_MAX 60     /* bytes of user text quoted in messages */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- node tree */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	enum fy_scalar_style style; /* scalars */
	bool has_pos;               /* pos is valid (implicit empty scalars have no mark) */
	unsigned line, column;      /* 1-based; for implicit empties, the previous node's */
	size_t pos;                 /* byte offset of the node's first character */
	const char *text;           /* scalars: the value, NUL-terminated (may hold NULs) */
	size_t len;
	struct ynode *first, *last, *next; /* children; mappings alternate key, value */
	size_t count;                      /* children (2 per pair for mappings) */
};

/* ---------------------------------------------------------------- loading context */

struct ctx {
	struct protocol *p;
	struct protocol_diags *d;
	const char *data;
	size_t len;
	struct arena tmp; /* the node tree */
	bool nomem;
	struct expr_symbols syms;
	unsigned last_line, last_column; /* position of the last node with a mark */

	/* nodes kept between passes, indexed like the protocol's tables */
	const struct ynode *q_enable[PROTOCOL_MAX_QUESTIONS];
	const struct ynode *q_id[PROTOCOL_MAX_QUESTIONS];
	bool q_type_ok[PROTOCOL_MAX_QUESTIONS];
	const struct ynode *c_expr[PROTOCOL_MAX_COMPUTED];
	const struct ynode *c_id[PROTOCOL_MAX_COMPUTED];
	bool c_type_ok[PROTOCOL_MAX_COMPUTED];
	const struct ynode *t_node[PROTOCOL_MAX_TEMPLATES];
	bool t_used[PROTOCOL_MAX_TEMPLATES];
};

/* ---------------------------------------------------------------- diagnostics (load_tree.c) */

/* True when no more diagnostics can be kept (errors are still counted). */
bool ld_diag_full(const struct ctx *c);

/* An error at a 1-based line and column (0, 0: the whole file). */
void ld_err_pos(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* An error at node n (n NULL: the whole file). */
void ld_err_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A warning at node n (n NULL: the whole file); it does not count as an error. */
void ld_warn_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Stable sort of the kept diagnostics by position (whole-file ones first). */
void ld_sort_diags(struct protocol_diags *d);

/* ---------------------------------------------------------------- nodes (load_tree.c) */

/* Copies at most SHOW_MAX bytes of text into buf (size ≥ SHOW_MAX + 8) for a message: cut on a
 * character boundary, control characters and invalid bytes replaced by '?'. Returns buf. */
const char *ld_show_text(const char *text, size_t len, char *buf, size_t size);

/* ld_show_text of a scalar's value; "" for anything else. */
const char *ld_show(const struct ynode *n, char *buf, size_t size);

/* A plain null scalar: empty, ~, null, Null or NULL (false for NULL n). */
bool ld_is_null(const struct ynode *n);

/* Absent key, or explicitly empty value. */
bool ld_absent(const struct ynode *n);

/* A scalar made only of spaces, tabs and line breaks (or empty). */
bool ld_is_blank(const struct ynode *n);

/* How a value that has the wrong type looks, for messages ("une liste", "« abc »"...); buf or a
 * static string. */
const char *ld_found(const struct ynode *n, char *buf, size_t size);

/* The scalar's text if it is a usable C string (a non-empty scalar without NUL), else NULL. */
const char *ld_scalar_cstr(const struct ynode *n);

/* True when n is a scalar whose value is exactly s. */
bool ld_text_is(const struct ynode *n, const char *s);

/* Parses c->data into a node tree in c->tmp. Returns the root, or NULL with the error reported
 * (syntax error, empty document, structural refusal) or c->nomem set. */
struct ynode *ld_parse_yaml(struct ctx *c);

/* ---------------------------------------------------------------- closed mappings (load_tree.c) */

/* A mapping's schema: its keys (a leading '!' marks a required key) and how to name it. */
struct mapdesc {
	const char *what; /* "une question" */
	const char *in;   /* "dans la question" */
	const char *each; /* "chaque question" */
	const char *const *keys;
	size_t n;
};

/* A mapping's values, indexed like its schema's keys (NULL when the key is absent). */
struct mapv {
	const struct mapdesc *desc;
	const struct ynode *node;
	const struct ynode *key[MAP_MAX_KEYS];
	const struct ynode *val[MAP_MAX_KEYS];
};

/* Checks that n is a mapping of desc's keys: reports a non-mapping, non-scalar, unknown and
 * duplicate keys, and missing required keys (at the mapping's position). Fills mv. Returns false
 * only when n is absent or not a mapping. */
bool ld_map_open(struct ctx *c, const struct ynode *n, const struct mapdesc *desc, struct mapv *mv);

/* The value of key `name` (NULL when absent or not part of the schema). */
const struct ynode *ld_mv_get(const struct mapv *mv, const char *name);

/* The key node of `name` (NULL when absent). */
const struct ynode *ld_mv_key(const struct mapv *mv, const char *name);

/* ---------------------------------------------------------------- typed values (load_values.c) */

/* Each reader checks v (found under `key`, named in messages), stores the value in *out and
 * returns true; on a wrong value it reports an error at v and returns false, *out unchanged. */

/* A non-blank text without NUL, valid UTF-8, copied into the protocol's arena. */
bool ld_get_str(struct ctx *c, const struct ynode *v, const char *key, const char **out);

/* An optional text: absent or empty gives NULL. */
bool ld_get_opt_str(struct ctx *c, const struct ynode *v, const char *key, const char **out);

/* A plain decimal integer in [min, max]. */
bool ld_get_int(struct ctx *c, const struct ynode *v, const char *key, long long min, long long max,
		int *out);

/* A plain number (decimal point, optional exponent), at most 1e12 in absolute value. */
bool ld_get_num(struct ctx *c, const struct ynode *v, const char *key, double *out);

/* ld_get_num, strictly positive. */
bool ld_get_positive(struct ctx *c, const struct ynode *v, const char *key, double *out);

/* An existing date written AAAA-MM-JJ. */
bool ld_get_date(struct ctx *c, const struct ynode *v, const char *key, coop_date *out);

/* One of names[0..n): its index into *out. */
bool ld_get_enum(struct ctx *c, const struct ynode *v, const char *key, const char *const *names,
		 size_t n, int *out);

/* A list of min to max items (checked only: the caller walks v's children). */
bool ld_get_seq(struct ctx *c, const struct ynode *v, const char *key, size_t min, size_t max);

/* An optional list: absent or empty value gives 0 items; else like ld_get_seq. Returns the count
 * to process (0 on error). */
size_t ld_get_opt_seq(struct ctx *c, const struct ynode *v, const char *key, size_t max);

/* A list of texts into a new arena array. min = 0 allows an absent key. */
void ld_get_str_list(struct ctx *c, const struct ynode *v, const char *key, size_t min,
		     const char ***out, size_t *n_out);

/* The "source" and "confidence" keys of mv into prov. */
void ld_get_prov(struct ctx *c, const struct mapv *mv, struct provenance *prov);

/* An urgency (physician_later, physician_same_day, emergency). */
bool ld_get_urgency(struct ctx *c, const struct ynode *v, enum urgency *out);

/* The forms of ids. */
enum id_form { ID_PROTOCOL, ID_NAME, ID_ITEM, ID_CODE };

/* Reads an id. On a malformed id the text is still stored (so later references resolve) and
 * false is returned. */
bool ld_get_id(struct ctx *c, const struct ynode *v, const char *key, enum id_form f,
	       const char **out);

/* Names the expression language reserves: engine-supplied fields and keywords. */
bool ld_reserved_name(const char *s);

/* Reports an error at node `node` when tbl[n].field repeats an earlier tbl[0..n).field ("id de
 * <what> « … » en double"). */
#define CHECK_DUP(c, node, tbl, n, field, what)                                             \
	do {                                                                                \
		for (size_t dj_ = 0; dj_ < (n); dj_++) {                                    \
			if ((tbl)[dj_].field && (tbl)[n].field &&                           \
			    strcmp((tbl)[dj_].field, (tbl)[n].field) == 0) {                \
				ld_err_at((c), (node), "id de %s « %s » en double", (what), \
					  (tbl)[n].field);                                  \
				break;                                                      \
			}                                                                   \
		}                                                                           \
	} while (0)

/* ---------------------------------------------------------------- sections */

/* Each section reader takes the value of its key at the root (NULL when absent) and fills the
 * protocol's tables, reporting what is wrong. */

/* load_frame.c */
void load_versions(struct ctx *c, const struct ynode *v);
void load_follow_up(struct ctx *c, const struct ynode *v);
void load_tariffs(struct ctx *c, const struct ynode *v);
void load_training(struct ctx *c, const struct ynode *v);

/* load_questions.c: questions and computed values are read first, then ld_build_symbols makes
 * them the symbol table (false: out of memory), then the expressions are compiled. */
void load_questions(struct ctx *c, const struct ynode *v);
void load_computed(struct ctx *c, const struct ynode *v);
bool ld_build_symbols(struct ctx *c);
void ld_compile_questions(struct ctx *c);
void ld_compile_computed(struct ctx *c);
void load_criteria(struct ctx *c, const struct ynode *v);

/* Compiles the expression scalar v of key `key`, expecting a singleton of type `expected`
 * (EXPR_NONE: anything). Reports errors at their position; returns NULL on error. */
struct expr *ld_compile(struct ctx *c, const struct ynode *v, const char *key,
			enum expr_base expected);

/* The names of the question types, indexed by enum question_type. */
extern const char *const ld_question_type_names[];

/* True for the numeric question types (integer, decimal). */
bool ld_numeric_type(int t);

/* load_prescriptions.c: templates before outcomes (outcomes name templates). */
void load_templates(struct ctx *c, const struct ynode *v);
void load_outcomes(struct ctx *c, const struct ynode *v);

#endif
