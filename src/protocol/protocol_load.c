/*
 * protocol_load.c — reads one protocol definition file (YAML) and validates all of it.
 *
 * The bytes are checked for size and UTF-8 and hashed (SHA-256, libsodium), then parsed with
 * libfyaml's event API into a small node tree that keeps the line, column and byte offset of
 * every node (libfyaml 0.7's document API gives no position for mappings and sequences, and the
 * event API also lets us refuse duplicate keys, anchors, aliases, tags and extra documents).
 * Quoted scalars are decoded here from the source bytes: libfyaml 0.7.12 (Debian 12) leaks
 * memory and returns wrong text for some of them (see decode_quoted()).
 * The tree is then walked section by section, following docs/internals/protocol-format-spec.md:
 * every mapping is closed (an unknown key is an error), every value is type- and range-checked,
 * ids are checked for form and uniqueness, expressions are compiled against the protocol's
 * symbol table, and references (templates, weight questions, choice codes) are resolved.
 * Errors are collected, not fatal: up to PROTOCOL_MAX_DIAGS are kept, in French, with 1-based
 * positions, sorted by position. When the structure is sound, outcome_check() analyses the
 * outcomes. On any error the partial protocol is freed and nothing is returned.
 *
 * Memory: the protocol and everything it points to live in its arena; the node tree lives in a
 * temporary arena freed before returning. Nothing here is recursive over the input except the
 * bounded walk of the fixed schema, so hostile input costs at most O(file size) memory and time.
 */
#include "protocol/protocol.h"
#include "base/strbuf.h"
#include "base/utf8.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>
#include <sodium.h>

#include "protocol/outcome_check.h"

#define LOAD_ARENA_LIMIT ((size_t)64 * 1024 * 1024)  /* a protocol's own arena */
#define TREE_ARENA_LIMIT ((size_t)256 * 1024 * 1024) /* the temporary node tree */
#define TREE_MAX_DEPTH 32                            /* the schema needs 7 */
#define MAP_MAX_KEYS 20                              /* keys of the largest mapping */
#define SHOW_MAX 60                                  /* bytes of user text quoted in messages */
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

/* ---------------------------------------------------------------- diagnostics */

/* Cuts an incomplete UTF-8 sequence left at the end of s by a truncating snprintf. */
static void trim_utf8(char *s)
{
	size_t n = strlen(s);
	s[utf8_cut(s, n, n)] = '\0';
}

static bool diag_full(const struct ctx *c)
{
	return c->d->count >= PROTOCOL_MAX_DIAGS;
}

static void vdiag(struct ctx *c, bool warning, unsigned line, unsigned col, const char *fmt,
		  va_list ap)
{
	if (!warning)
		c->d->n_errors++;
	if (diag_full(c))
		return;
	struct protocol_diag *g = &c->d->items[c->d->count++];
	g->line = line;
	g->column = col;
	g->warning = warning;
	vsnprintf(g->message, sizeof(g->message), fmt, ap);
	trim_utf8(g->message);
}

static void err_pos(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void err_pos(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(c, false, line, col, fmt, ap);
	va_end(ap);
}

/* An error at node n (n NULL: the whole file). */
static void err_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void err_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(c, false, n ? n->line : 0, n ? n->column : 0, fmt, ap);
	va_end(ap);
}

static void warn_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(c, true, n ? n->line : 0, n ? n->column : 0, fmt, ap);
	va_end(ap);
}

/* Stable sort of the kept diagnostics by position (whole-file ones first). */
static void sort_diags(struct protocol_diags *d)
{
	for (size_t i = 1; i < d->count; i++) {
		struct protocol_diag t = d->items[i];
		size_t j = i;
		while (j > 0 &&
		       (d->items[j - 1].line > t.line ||
			(d->items[j - 1].line == t.line && d->items[j - 1].column > t.column))) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = t;
	}
}

/* ---------------------------------------------------------------- UTF-8 and text helpers */

/* Copies at most SHOW_MAX bytes of text into buf (size ≥ SHOW_MAX + 8) for a message: cut on a
 * character boundary, control characters and invalid bytes replaced by '?'. */
static const char *show_text(const char *text, size_t len, char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t o = 0, i = 0;
	assert(size >= SHOW_MAX + 8);
	while (i < len) {
		size_t k = utf8_char_len(text + i, len - i);
		if (o + (k ? k : 1) > SHOW_MAX) {
			memcpy(buf + o, "…", strlen("…"));
			o += strlen("…");
			break;
		}
		if (k == 0 || (k == 1 && (s[i] < 0x20 || s[i] == 0x7F))) {
			buf[o++] = '?';
			i += k ? k : 1;
			continue;
		}
		memcpy(buf + o, s + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

static const char *show(const struct ynode *n, char *buf, size_t size)
{
	if (!n || n->kind != Y_SCALAR) {
		buf[0] = '\0';
		return buf;
	}
	return show_text(n->text, n->len, buf, size);
}

static bool is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != Y_SCALAR || n->style != FYSS_PLAIN)
		return false;
	return n->len == 0 || (n->len == 1 && n->text[0] == '~') ||
	       (n->len == 4 &&
		(memcmp(n->text, "null", 4) == 0 || memcmp(n->text, "Null", 4) == 0 ||
		 memcmp(n->text, "NULL", 4) == 0));
}

/* Absent key, or explicitly empty value. */
static bool absent(const struct ynode *n)
{
	return !n || is_null(n);
}

static bool is_blank(const struct ynode *n)
{
	for (size_t i = 0; i < n->len; i++)
		if (n->text[i] != ' ' && n->text[i] != '\t' && n->text[i] != '\n' &&
		    n->text[i] != '\r')
			return false;
	return true;
}

/* How a value that has the wrong type looks, for messages ("une liste", "« abc »"...). */
static const char *found(const struct ynode *n, char *buf, size_t size)
{
	char t[SHOW_MAX + 8];
	if (!n)
		return "rien";
	if (n->kind == Y_SEQ)
		return "une liste";
	if (n->kind == Y_MAP)
		return "un tableau associatif";
	if (is_null(n))
		return "une valeur vide";
	if (n->style == FYSS_PLAIN)
		snprintf(buf, size, "« %s »", show(n, t, sizeof(t)));
	else
		snprintf(buf, size, "le texte entre guillemets « %s »", show(n, t, sizeof(t)));
	trim_utf8(buf);
	return buf;
}

/* The scalar's text if it is a usable C string (a non-empty scalar without NUL), else NULL. */
static const char *scalar_cstr(const struct ynode *n)
{
	if (!n || n->kind != Y_SCALAR || is_null(n) || memchr(n->text, '\0', n->len))
		return NULL;
	return n->text;
}

static bool text_is(const struct ynode *n, const char *s)
{
	size_t l = strlen(s);
	return n && n->kind == Y_SCALAR && n->len == l && memcmp(n->text, s, l) == 0;
}

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

/* ---------------------------------------------------------------- YAML to node tree */

struct tree_state {
	struct ynode *stack[TREE_MAX_DEPTH];
	size_t depth;
	struct ynode *root;
	int docs;
};

static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

static struct ynode *new_node(struct ctx *c, enum ykind kind, const struct fy_mark *m)
{
	struct ynode *n = arena_alloc(&c->tmp, sizeof(*n));
	if (!n) {
		c->nomem = true;
		return NULL;
	}
	n->kind = kind;
	n->style = FYSS_PLAIN;
	n->text = "";
	if (m && m->line >= 0 && m->column >= 0 && m->input_pos < c->len) {
		n->has_pos = true;
		n->line = (unsigned)m->line + 1;
		n->column = (unsigned)m->column + 1;
		n->pos = m->input_pos;
		c->last_line = n->line;
		c->last_column = n->column;
	} else {
		n->line = c->last_line;
		n->column = c->last_column;
	}
	return n;
}

/* An error at token t's position, or at node n's when t has none. */
static void err_token(struct ctx *c, struct fy_token *t, const struct ynode *n, const char *msg)
{
	const struct fy_mark *m = fy_token_start_mark(t);
	if (m && m->line >= 0 && m->column >= 0)
		err_pos(c, (unsigned)m->line + 1, (unsigned)m->column + 1, "%s", msg);
	else
		err_at(c, n, "%s", msg);
}

/* Line folding inside a quoted scalar, at s[*i] = a line break: consumes the breaks and the
 * white space around them and writes a space (one break) or k line feeds (k + 1 breaks). */
static size_t fold_breaks(const char *s, size_t n, size_t *i, char *out)
{
	size_t breaks = 0, o = 0;
	while (*i < n && (s[*i] == '\n' || s[*i] == '\r' || s[*i] == ' ' || s[*i] == '\t')) {
		if (s[*i] == '\n' || (s[*i] == '\r' && (*i + 1 >= n || s[*i + 1] != '\n')))
			breaks++;
		(*i)++;
	}
	if (breaks <= 1)
		out[o++] = ' ';
	else
		for (size_t k = 1; k < breaks; k++)
			out[o++] = '\n';
	return o;
}

/* White space at s[*i]: copied unless it ends the line (then dropped). */
static size_t copy_blanks(const char *s, size_t n, size_t *i, char *out)
{
	size_t j = *i, o = 0;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (!(j < n && (s[j] == '\n' || s[j] == '\r'))) {
		memcpy(out, s + *i, j - *i);
		o = j - *i;
	}
	*i = j;
	return o;
}

/* Decodes a quoted scalar from its raw content s[0..n) (between the quotes; the parser has
 * already checked its syntax) into out, which must hold 2 * n + 4 bytes; returns the length.
 * Single-quoted: '' is a quote. Double-quoted: the YAML escapes, and a backslash before a line
 * break joins the lines. Both: line folding (YAML 1.2 §7.3). We decode quoted scalars ourselves
 * because in libfyaml 0.7.12, the version Debian 12 ships, fy_token_get_text() leaks memory on
 * quoted scalars with many folded line breaks or escapes (upstream issue #233) and returns wrong
 * text for several escape and folding combinations (found by differential tests). */
static size_t decode_quoted(const char *s, size_t n, bool dq, char *out)
{
	size_t i = 0, o = 0;
	while (i < n) {
		char ch = s[i];
		if (ch == '\n' || ch == '\r') {
			o += fold_breaks(s, n, &i, out + o);
		} else if (ch == ' ' || ch == '\t') {
			o += copy_blanks(s, n, &i, out + o);
		} else if (!dq && ch == '\'' && i + 1 < n && s[i + 1] == '\'') {
			out[o++] = '\'';
			i += 2;
		} else if (dq && ch == '\\' && i + 1 < n) {
			char e = s[i + 1];
			static const char names[] = "0abtnvfre \"/\\\t";
			static const char map[] = "\0\a\b\t\n\v\f\r\x1b \"/\\\t";
			const char *simple = e ? strchr(names, e) : NULL;
			size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
			i += 2;
			if (e == '\n' || e == '\r') {
				/* escaped line break: drop it and the next line's indentation */
				if (e == '\r' && i < n && s[i] == '\n')
					i++;
				while (i < n && (s[i] == ' ' || s[i] == '\t'))
					i++;
				/* empty lines that follow are kept as line feeds */
				while (i < n && (s[i] == '\n' || s[i] == '\r')) {
					if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
						i++;
					i++;
					out[o++] = '\n';
					while (i < n && (s[i] == ' ' || s[i] == '\t'))
						i++;
				}
			} else if (simple) {
				out[o++] = map[simple - names];
			} else if (e == 'N') {
				o += utf8_encode(0x85, out + o);
			} else if (e == '_') {
				o += utf8_encode(0xA0, out + o);
			} else if (e == 'L') {
				o += utf8_encode(0x2028, out + o);
			} else if (e == 'P') {
				o += utf8_encode(0x2029, out + o);
			} else if (digits) {
				uint32_t cp = 0;
				size_t k = 0;
				for (; k < digits && i < n; k++, i++) {
					char h = s[i];
					int v = h >= '0' && h <= '9'   ? h - '0'
						: h >= 'a' && h <= 'f' ? h - 'a' + 10
						: h >= 'A' && h <= 'F' ? h - 'A' + 10
								       : -1;
					if (v < 0)
						break;
					cp = cp * 16 + (uint32_t)v;
				}
				o += utf8_encode_or_replacement(cp, out + o);
			} else {
				out[o++] = e; /* not reached: the parser refuses unknown escapes */
			}
		} else {
			out[o++] = ch;
			i++;
		}
	}
	return o;
}

/* The raw content of a quoted scalar event (between its quotes), or false when the marks do not
 * frame it as expected. */
static bool quoted_raw(const struct ctx *c, struct fy_event *ev, char quote, size_t *start,
		       size_t *end)
{
	const struct fy_mark *a = fy_event_start_mark(ev), *b = fy_event_end_mark(ev);
	if (!a || !b || a->input_pos < 1 || b->input_pos < a->input_pos || b->input_pos >= c->len)
		return false;
	if (c->data[a->input_pos - 1] != quote || c->data[b->input_pos] != quote)
		return false;
	*start = a->input_pos;
	*end = b->input_pos;
	return true;
}

/* Adds one parser event to the tree; returns true to stop (error already reported). */
static bool tree_event(struct ctx *c, struct fy_event *ev, struct tree_state *ts)
{
	struct ynode *n = NULL;
	struct fy_token *anchor = NULL, *tag = NULL;
	const struct fy_mark *m = fy_event_start_mark(ev);

	switch (ev->type) {
	case FYET_DOCUMENT_START:
		if (++ts->docs > 1) {
			n = new_node(c, Y_SCALAR, m);
			if (n)
				err_at(c, n,
				       "un fichier de protocole contient un seul document YAML "
				       "(séparateur « --- » en trop)");
			return true;
		}
		return false;
	case FYET_SCALAR: {
		n = new_node(c, Y_SCALAR, m);
		if (!n)
			return true;
		anchor = ev->scalar.anchor;
		tag = ev->scalar.tag;
		size_t l = 0, rs, re;
		const char *t = NULL;
		char *copy;
		if (ev->scalar.value)
			n->style = fy_token_scalar_style(ev->scalar.value);
		bool dq = n->style == FYSS_DOUBLE_QUOTED;
		/* libfyaml marks a quoted scalar at its first character: start it at its quote */
		if ((dq || n->style == FYSS_SINGLE_QUOTED) && n->has_pos && n->pos > 0 &&
		    n->column > 1 && c->data[n->pos - 1] == (dq ? '"' : '\'')) {
			n->pos--;
			n->column--;
			c->last_column = n->column;
		}
		if ((dq || n->style == FYSS_SINGLE_QUOTED) &&
		    quoted_raw(c, ev, dq ? '"' : '\'', &rs, &re)) {
			copy = arena_alloc(&c->tmp, 2 * (re - rs) + 4);
			if (copy) {
				l = decode_quoted(c->data + rs, re - rs, dq, copy);
				copy[l] = '\0';
			}
		} else {
			if (ev->scalar.value)
				t = fy_token_get_text(ev->scalar.value, &l);
			if (!t)
				l = 0;
			copy = arena_strndup(&c->tmp, t ? t : "", l);
		}
		if (!copy) {
			c->nomem = true;
			return true;
		}
		n->text = copy;
		n->len = l;
		break;
	}
	case FYET_ALIAS:
		n = new_node(c, Y_SCALAR, m);
		if (!n)
			return true;
		err_at(c, n, "les alias YAML (*nom) ne sont pas acceptés : recopiez la valeur");
		break;
	case FYET_MAPPING_START:
		n = new_node(c, Y_MAP, m);
		if (!n)
			return true;
		anchor = ev->mapping_start.anchor;
		tag = ev->mapping_start.tag;
		break;
	case FYET_SEQUENCE_START:
		n = new_node(c, Y_SEQ, m);
		if (!n)
			return true;
		anchor = ev->sequence_start.anchor;
		tag = ev->sequence_start.tag;
		break;
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		if (ts->depth > 0)
			ts->depth--;
		return false;
	default: return false;
	}
	if (anchor)
		err_token(c, anchor, n, "les ancres YAML (&nom) ne sont pas acceptées");
	if (tag)
		err_token(c, tag, n, "les étiquettes de type YAML (!…) ne sont pas acceptées");
	if (ts->depth == 0) {
		if (!ts->root)
			ts->root = n;
	} else {
		struct ynode *parent = ts->stack[ts->depth - 1];
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
		parent->count++;
	}
	if (n->kind != Y_SCALAR) {
		if (ts->depth >= TREE_MAX_DEPTH) {
			err_at(c, n, "imbrication YAML trop profonde (%d niveaux au plus)",
			       TREE_MAX_DEPTH);
			return true;
		}
		ts->stack[ts->depth++] = n;
	}
	return false;
}

/* Parses c->data into a node tree in c->tmp. Returns the root, or NULL with the error reported
 * (syntax error, empty document, structural refusal) or c->nomem set. */
static struct ynode *parse_yaml(struct ctx *c)
{
	struct tree_state ts;
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg cfg;
	struct fy_diag *diag = NULL;
	struct fy_parser *fyp = NULL;
	struct fy_event *ev;
	struct ynode *root = NULL;
	bool stop = false;

	memset(&ts, 0, sizeof(ts));
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = quiet_output;
	dcfg.user = NULL;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	if (!diag) {
		c->nomem = true;
		goto out;
	}
	fy_diag_set_collect_errors(diag, true);
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
	cfg.diag = diag;
	fyp = fy_parser_create(&cfg);
	if (!fyp || fy_parser_set_string(fyp, c->data, c->len) != 0) {
		c->nomem = true;
		goto out;
	}
	while (!stop && (ev = fy_parser_parse(fyp)) != NULL) {
		stop = tree_event(c, ev, &ts);
		fy_parser_event_free(fyp, ev);
	}
	if (c->nomem)
		goto out;
	if (fy_parser_get_stream_error(fyp) || fy_diag_got_error(diag)) {
		void *it = NULL;
		struct fy_diag_error *e;
		bool reported = false;
		while ((e = fy_diag_errors_iterate(diag, &it)) != NULL) {
			if (e->type < FYET_ERROR)
				continue;
			err_pos(c, e->line > 0 ? (unsigned)e->line : 0,
				e->column > 0 ? (unsigned)e->column : 0,
				"erreur de syntaxe YAML (indentation, deux-points, guillemets ou "
				"crochets) ; détail de l'analyseur, en anglais : %s",
				e->msg ? e->msg : "texte inattendu");
			reported = true;
		}
		if (!reported)
			err_pos(c, c->last_line, c->last_column, "erreur de syntaxe YAML");
		goto out;
	}
	if (stop)
		goto out;
	if (!ts.root) {
		err_pos(c, 0, 0, "le fichier ne contient aucune donnée YAML");
		goto out;
	}
	root = ts.root;
out:
	if (fyp)
		fy_parser_destroy(fyp);
	if (diag)
		fy_diag_destroy(diag);
	return root;
}

/* ---------------------------------------------------------------- closed mappings */

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

static const char *key_name(const char *k)
{
	return k[0] == '!' ? k + 1 : k;
}

static size_t desc_index(const struct mapdesc *desc, const char *name, size_t len)
{
	for (size_t i = 0; i < desc->n; i++) {
		const char *k = key_name(desc->keys[i]);
		if (strlen(k) == len && memcmp(k, name, len) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* The keys of desc as "a, b, c" in buf. */
static const char *key_list(const struct mapdesc *desc, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < desc->n && o < size; i++) {
		int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", key_name(desc->keys[i]));
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

/* Checks that n is a mapping of desc's keys: reports a non-mapping, non-scalar, unknown and
 * duplicate keys, and missing required keys (at the mapping's position). Fills mv. Returns false
 * only when n is absent or not a mapping. */
static bool map_open(struct ctx *c, const struct ynode *n, const struct mapdesc *desc,
		     struct mapv *mv)
{
	char b1[SHOW_MAX + 8], b2[200];
	assert(desc->n <= MAP_MAX_KEYS);
	memset(mv, 0, sizeof(*mv));
	mv->desc = desc;
	mv->node = n;
	if (!n)
		return false;
	if (n->kind != Y_MAP) {
		err_at(c, n,
		       "attendu : %s sous forme de tableau associatif (clé: valeur), trouvé : %s",
		       desc->what, found(n, b2, sizeof(b2)));
		return false;
	}
	for (const struct ynode *k = n->first; k; k = k->next ? k->next->next : NULL) {
		const struct ynode *v = k->next;
		if (k->kind != Y_SCALAR) {
			err_at(c, k, "une clé doit être un simple nom, pas %s",
			       found(k, b2, sizeof(b2)));
			continue;
		}
		size_t i = desc_index(desc, k->text, k->len);
		if (i == SIZE_MAX) {
			if (!diag_full(c))
				err_at(c, k, "clé inconnue « %s » %s (attendu : %s)",
				       show(k, b1, sizeof(b1)), desc->in,
				       key_list(desc, b2, sizeof(b2)));
			else
				err_at(c, k, "clé inconnue");
			continue;
		}
		if (mv->key[i]) {
			err_at(c, k, "clé « %s » en double %s", key_name(desc->keys[i]), desc->in);
			continue;
		}
		mv->key[i] = k;
		mv->val[i] = v;
	}
	size_t missing = 0, o = 0;
	const char *first = NULL;
	b2[0] = '\0';
	for (size_t i = 0; i < desc->n; i++) {
		if (desc->keys[i][0] != '!' || mv->key[i])
			continue;
		const char *kn = desc->keys[i] + 1;
		if (strcmp(kn, "source") == 0) {
			err_at(c, n, "source manquante : %s doit citer sa source", desc->each);
		} else if (strcmp(kn, "confidence") == 0) {
			err_at(c, n,
			       "confiance manquante : %s doit indiquer « confidence » (confirmed, "
			       "inferred ou to_verify)",
			       desc->each);
		} else {
			int w = snprintf(b2 + o, o < sizeof(b2) ? sizeof(b2) - o : 0, "%s%s",
					 missing ? ", " : "", kn);
			if (w > 0)
				o += (size_t)w;
			if (o >= sizeof(b2))
				o = sizeof(b2);
			if (!missing)
				first = kn;
			missing++;
		}
	}
	if (missing == 1)
		err_at(c, n, "clé obligatoire « %s » manquante %s", first, desc->in);
	else if (missing > 1)
		err_at(c, n, "clés obligatoires manquantes %s : %s", desc->in, b2);
	return true;
}

/* The value of key `name` (NULL when absent or not part of the schema). */
static const struct ynode *mv_get(const struct mapv *mv, const char *name)
{
	size_t i = desc_index(mv->desc, name, strlen(name));
	return i == SIZE_MAX ? NULL : mv->val[i];
}

/* The key node of `name` (NULL when absent). */
static const struct ynode *mv_key(const struct mapv *mv, const char *name)
{
	size_t i = desc_index(mv->desc, name, strlen(name));
	return i == SIZE_MAX ? NULL : mv->key[i];
}

/* ---------------------------------------------------------------- typed values */

static bool get_str(struct ctx *c, const struct ynode *v, const char *key, const char **out)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SCALAR) {
		err_at(c, v, "« %s » doit être un texte, trouvé : %s", key, found(v, b, sizeof(b)));
		return false;
	}
	if (is_null(v) || is_blank(v)) {
		err_at(c, v, "« %s » ne doit pas être vide", key);
		return false;
	}
	if (!utf8_valid(v->text, v->len) || memchr(v->text, '\0', v->len)) {
		err_at(c, v, "« %s » contient un caractère nul ou un texte UTF-8 invalide", key);
		return false;
	}
	char *s = arena_strndup(&c->p->arena, v->text, v->len);
	if (!s) {
		c->nomem = true;
		return false;
	}
	*out = s;
	return true;
}

/* An optional text: absent or empty gives NULL. */
static bool get_opt_str(struct ctx *c, const struct ynode *v, const char *key, const char **out)
{
	*out = NULL;
	if (absent(v))
		return true;
	return get_str(c, v, key, out);
}

/* Parses -?[0-9]{1,18}. */
static bool parse_int_text(const char *s, size_t len, long long *out)
{
	size_t i = 0;
	bool neg = false;
	long long x = 0;
	if (i < len && s[i] == '-') {
		neg = true;
		i++;
	}
	if (i == len || len - i > 18)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*out = neg ? -x : x;
	return true;
}

/* Parses a YAML 1.2 core-schema number ([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)
 * without the C library (strtod depends on the locale's decimal point). */
static bool parse_number_text(const char *s, size_t len, double *out)
{
	size_t i = 0;
	bool neg = false, any = false;
	unsigned long long mant = 0;
	int ndig = 0;
	long exp10 = 0;
	if (i < len && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		any = true;
		if (ndig < 18) {
			mant = mant * 10 + (unsigned)(s[i] - '0');
			if (mant)
				ndig++;
		} else {
			exp10++;
		}
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			any = true;
			if (ndig < 18) {
				mant = mant * 10 + (unsigned)(s[i] - '0');
				if (mant)
					ndig++;
				exp10--;
			}
		}
	}
	if (!any)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		bool eneg = false, edig = false;
		long e = 0;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+')) {
			eneg = s[i] == '-';
			i++;
		}
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			edig = true;
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		}
		if (!edig)
			return false;
		exp10 += eneg ? -e : e;
	}
	if (i != len)
		return false;
	if (mant == 0) {
		*out = 0.0;
		return true;
	}
	if (exp10 > 300 || exp10 < -300)
		return false;
	double scale = 1.0;
	for (long k = 0; k < (exp10 < 0 ? -exp10 : exp10); k++)
		scale *= 10.0;
	double v = exp10 < 0 ? (double)mant / scale : (double)mant * scale;
	/* no protocol quantity comes near this: refuse rather than carry huge or infinite values */
	if (!(v <= 1e12))
		return false;
	*out = neg ? -v : v;
	return true;
}

static bool get_int(struct ctx *c, const struct ynode *v, const char *key, long long min,
		    long long max, int *out)
{
	char b[200];
	long long x;
	if (!v)
		return false;
	if (v->kind != Y_SCALAR || is_null(v) || v->style != FYSS_PLAIN ||
	    !parse_int_text(v->text, v->len, &x)) {
		err_at(c, v, "« %s » doit être un nombre entier, trouvé : %s", key,
		       found(v, b, sizeof(b)));
		return false;
	}
	if (x < min || x > max) {
		err_at(c, v, "« %s » doit être compris entre %lld et %lld (trouvé : %lld)", key,
		       min, max, x);
		return false;
	}
	*out = (int)x;
	return true;
}

static bool get_num(struct ctx *c, const struct ynode *v, const char *key, double *out)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SCALAR || is_null(v) || v->style != FYSS_PLAIN ||
	    !parse_number_text(v->text, v->len, out)) {
		err_at(c, v,
		       "« %s » doit être un nombre (écrit avec un point décimal), trouvé : %s", key,
		       found(v, b, sizeof(b)));
		return false;
	}
	return true;
}

static bool get_positive(struct ctx *c, const struct ynode *v, const char *key, double *out)
{
	if (!get_num(c, v, key, out))
		return false;
	if (!(*out > 0)) {
		err_at(c, v, "« %s » doit être strictement positif", key);
		return false;
	}
	return true;
}

static bool get_date(struct ctx *c, const struct ynode *v, const char *key, coop_date *out)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SCALAR || is_null(v) || !date_parse(v->text, v->len, out)) {
		err_at(c, v,
		       "« %s » doit être une date existante au format AAAA-MM-JJ, trouvé : %s", key,
		       found(v, b, sizeof(b)));
		return false;
	}
	return true;
}

static bool get_enum(struct ctx *c, const struct ynode *v, const char *key,
		     const char *const *names, size_t n, int *out)
{
	char b[200], list[200];
	if (!v)
		return false;
	if (v->kind == Y_SCALAR) {
		for (size_t i = 0; i < n; i++) {
			if (text_is(v, names[i])) {
				*out = (int)i;
				return true;
			}
		}
	}
	size_t o = 0;
	list[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof(list); i++) {
		int w = snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	err_at(c, v, "« %s » doit être l'un de : %s (trouvé : %s)", key, list,
	       found(v, b, sizeof(b)));
	return false;
}

static bool get_seq(struct ctx *c, const struct ynode *v, const char *key, size_t min, size_t max)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SEQ) {
		err_at(c, v, "« %s » doit être une liste, trouvé : %s", key,
		       found(v, b, sizeof(b)));
		return false;
	}
	if (v->count < min) {
		if (min == 1)
			err_at(c, v, "« %s » doit contenir au moins un élément", key);
		else
			err_at(c, v, "« %s » doit contenir au moins %zu éléments", key, min);
		return false;
	}
	if (v->count > max) {
		err_at(c, v, "« %s » contient trop d'éléments (%zu au plus)", key, max);
		return false;
	}
	return true;
}

/* An optional list: absent or empty value gives 0 items; else like get_seq. Returns the count
 * to process (0 on error). */
static size_t get_opt_seq(struct ctx *c, const struct ynode *v, const char *key, size_t max)
{
	if (absent(v))
		return 0;
	return get_seq(c, v, key, 0, max) ? v->count : 0;
}

/* A list of texts into a new arena array. min = 0 allows an absent key. */
static void get_str_list(struct ctx *c, const struct ynode *v, const char *key, size_t min,
			 const char ***out, size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	if (min == 0 && absent(v))
		return;
	if (!get_seq(c, v, key, min, PROTOCOL_MAX_LIST) || v->count == 0)
		return;
	const char **arr = arena_alloc(&c->p->arena, v->count * sizeof(*arr));
	if (!arr) {
		c->nomem = true;
		return;
	}
	size_t i = 0;
	for (const struct ynode *it = v->first; it; it = it->next)
		if (get_str(c, it, key, &arr[i]))
			i++;
	*out = arr;
	*n_out = i;
}

static const char *const confidence_names[] = {"confirmed", "inferred", "to_verify"};
static const char *const urgency_names[] = {"physician_later", "physician_same_day", "emergency"};

static void get_prov(struct ctx *c, const struct mapv *mv, struct provenance *prov)
{
	int k;
	get_str(c, mv_get(mv, "source"), "source", &prov->source);
	if (get_enum(c, mv_get(mv, "confidence"), "confidence", confidence_names,
		     ARRAY_LEN(confidence_names), &k))
		prov->confidence = (enum confidence)k;
}

static bool get_urgency(struct ctx *c, const struct ynode *v, enum urgency *out)
{
	int k;
	if (!get_enum(c, v, "urgency", urgency_names, ARRAY_LEN(urgency_names), &k))
		return false;
	*out = (enum urgency)(k + 1);
	return true;
}

/* ---------------------------------------------------------------- identifiers */

enum id_form { ID_PROTOCOL, ID_NAME, ID_ITEM, ID_CODE };

static const char *const id_form_text[] = {
	"lettres minuscules sans accent, chiffres et tirets, 64 caractères au plus",
	"une lettre minuscule sans accent, puis lettres minuscules, chiffres ou « _ », "
	"48 caractères au plus",
	"une lettre minuscule sans accent, puis lettres minuscules, chiffres, « _ » ou « - », "
	"48 caractères au plus",
	"une lettre ou un chiffre, puis lettres, chiffres, « _ », « . » ou « - », "
	"48 caractères au plus",
};

static bool id_valid(const char *s, size_t len, enum id_form f)
{
	size_t max = f == ID_PROTOCOL ? 64 : 48;
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool lower = ch >= 'a' && ch <= 'z', digit = ch >= '0' && ch <= '9';
		bool ok;
		switch (f) {
		case ID_PROTOCOL: ok = lower || digit || ch == '-'; break;
		case ID_NAME: ok = lower || (i > 0 && (digit || ch == '_')); break;
		case ID_ITEM: ok = lower || (i > 0 && (digit || ch == '_' || ch == '-')); break;
		default:
			ok = lower || digit || (ch >= 'A' && ch <= 'Z') ||
			     (i > 0 && (ch == '_' || ch == '.' || ch == '-'));
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* Reads an id. On a malformed id the text is still stored (so later references resolve) and
 * false is returned. */
static bool get_id(struct ctx *c, const struct ynode *v, const char *key, enum id_form f,
		   const char **out)
{
	char b[SHOW_MAX + 8];
	if (!get_str(c, v, key, out))
		return false;
	if (!id_valid(v->text, v->len, f)) {
		err_at(c, v, "identifiant invalide « %s » pour « %s » (forme attendue : %s)",
		       show(v, b, sizeof(b)), key, id_form_text[f]);
		return false;
	}
	return true;
}

/* Names the expression language reserves: engine-supplied fields and keywords. */
static bool reserved_name(const char *s)
{
	static const char *const words[] = {"age_years", "age_months", "sex",   "visit_date", "and", "or",
					    "xor",       "implies",    "div",   "mod", "in",
					    "contains",  "true",       "false", "is",  "as"};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- schemas */

static const char *const k_root[] = {"!format",   "!id",       "!title",    "!kind",
				     "!status",   "summary",   "!versions", "!questions",
				     "computed",  "!criteria", "!outcomes", "prescriptions",
				     "follow_up", "tariffs",   "!training", "review"};
static const struct mapdesc d_root = {"le protocole", "à la racine du fichier", "le protocole",
				      k_root, ARRAY_LEN(k_root)};

static const char *const k_version[] = {"!version",     "!effective_from",
					"effective_to", "!legal_references",
					"!roles",       "!patient",
					"changes"};
static const struct mapdesc d_version = {"une version", "dans la version", "chaque version",
					 k_version, ARRAY_LEN(k_version)};

static const char *const k_ref[] = {"!text", "ref"};
static const struct mapdesc d_ref = {"une référence juridique", "dans la référence juridique",
				     "chaque référence", k_ref, ARRAY_LEN(k_ref)};

static const char *const k_roles[] = {"!delegants", "!delegues", "!structure_types"};
static const struct mapdesc d_roles = {"les rôles", "dans « roles »", "« roles »", k_roles,
				       ARRAY_LEN(k_roles)};

static const char *const k_patient[] = {"age_min", "age_max", "sexes", "!source", "!confidence"};
static const struct mapdesc d_patient = {"le périmètre patient", "dans « patient »",
					 "le périmètre patient", k_patient, ARRAY_LEN(k_patient)};

static const char *const k_age[] = {"!value", "!unit"};
static const struct mapdesc d_age = {"une borne d'âge ({value: 16, unit: years})",
				     "dans la borne d'âge", "chaque borne d'âge", k_age,
				     ARRAY_LEN(k_age)};

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

static const char *const k_outcome[] = {"!id",     "!kind",         "!when",
					"!label",  "prescriptions", "advice",
					"urgency", "!source",       "!confidence"};
static const struct mapdesc d_outcome = {"une issue", "dans l'issue", "chaque issue", k_outcome,
					 ARRAY_LEN(k_outcome)};

static const char *const k_template[] = {"!id", "!label", "!lines"};
static const struct mapdesc d_template = {"un modèle d'ordonnance", "dans le modèle d'ordonnance",
					  "chaque modèle d'ordonnance", k_template,
					  ARRAY_LEN(k_template)};

static const char *const k_line_medicine[] = {
	"!kind",         "when",         "!substance",  "form",
	"dose",          "dose_per_kg",  "doses_per_day", "frequency",
	"duration_days", "quantity",     "instructions", "signer_note",
	"optional",      "complete_at_signature", "!source", "!confidence"};
static const char *const k_line_item[] = {"!kind",        "when",        "!item",    "quantity",
					  "instructions", "signer_note", "optional", "!source",
					  "!confidence"};
static const char *const k_line_sick[] = {"!kind", "when", "!max_days", "signer_note", "!source",
					  "!confidence"};
static const char *const k_line_any[] = {
	"!kind",         "when",         "substance",    "form",
	"dose",          "dose_per_kg",  "doses_per_day", "frequency",
	"duration_days", "quantity",     "instructions", "item",
	"max_days",      "signer_note",  "optional",     "complete_at_signature",
	"!source",       "!confidence"};
static const struct mapdesc d_line_medicine = {"une ligne d'ordonnance",
					       "dans une ligne de kind medicine",
					       "chaque ligne d'ordonnance", k_line_medicine,
					       ARRAY_LEN(k_line_medicine)};
static const struct mapdesc d_line_device = {"une ligne d'ordonnance",
					     "dans une ligne de kind device",
					     "chaque ligne d'ordonnance", k_line_item,
					     ARRAY_LEN(k_line_item)};
static const struct mapdesc d_line_act = {"une ligne d'ordonnance", "dans une ligne de kind act",
					  "chaque ligne d'ordonnance", k_line_item,
					  ARRAY_LEN(k_line_item)};
static const struct mapdesc d_line_certificate = {"une ligne d'ordonnance",
						  "dans une ligne de kind certificate",
						  "chaque ligne d'ordonnance", k_line_item,
						  ARRAY_LEN(k_line_item)};
static const struct mapdesc d_line_sick = {"une ligne d'ordonnance",
					   "dans une ligne de kind sick_leave",
					   "chaque ligne d'ordonnance", k_line_sick,
					   ARRAY_LEN(k_line_sick)};
static const struct mapdesc d_line_any = {"une ligne d'ordonnance", "dans la ligne d'ordonnance",
					  "chaque ligne d'ordonnance", k_line_any,
					  ARRAY_LEN(k_line_any)};

static const char *const k_dose[] = {"!amount", "!unit"};
static const struct mapdesc d_dose = {"une dose ({amount: 3, unit: g})", "dans « dose »",
				      "« dose »", k_dose, ARRAY_LEN(k_dose)};

static const char *const k_open[] = {"substances", "dose", "doses_per_day", "duration_days"};
static const struct mapdesc d_open = {"ce que le délégant complète à la signature",
				      "dans « complete_at_signature »", "« complete_at_signature »",
				      k_open, ARRAY_LEN(k_open)};
static const char *const k_open_dose[] = {"!unit", "!min", "!max"};
static const struct mapdesc d_open_dose = {"des bornes de dose ({unit: mg, min: 200, max: 400})",
					   "dans « complete_at_signature.dose »",
					   "« complete_at_signature.dose »", k_open_dose,
					   ARRAY_LEN(k_open_dose)};
static const char *const k_open_range[] = {"!min", "!max"};
static const struct mapdesc d_open_range = {"des bornes ({min: 1, max: 7})",
					    "dans les bornes", "ces bornes", k_open_range,
					    ARRAY_LEN(k_open_range)};

static const char *const k_dose_kg[] = {"!amount", "!unit", "!per", "!max", "!weight"};
static const struct mapdesc d_dose_kg = {"une dose par kg", "dans « dose_per_kg »",
					 "« dose_per_kg »", k_dose_kg, ARRAY_LEN(k_dose_kg)};

static const char *const k_follow[] = {"second_contact", "revoyure", "long_term"};
static const struct mapdesc d_follow = {"le suivi", "dans « follow_up »", "« follow_up »", k_follow,
					ARRAY_LEN(k_follow)};

static const char *const k_second[] = {"!label", "from_day", "to_day", "!source", "!confidence"};
static const struct mapdesc d_second = {"le second contact", "dans « second_contact »",
					"le second contact", k_second, ARRAY_LEN(k_second)};

static const char *const k_revoyure[] = {"!conditions", "!source", "!confidence"};
static const struct mapdesc d_revoyure = {"la revoyure", "dans « revoyure »", "la revoyure",
					  k_revoyure, ARRAY_LEN(k_revoyure)};

static const char *const k_tariff[] = {"!code",        "!label",  "!amount",    "!effective_from",
				       "effective_to", "!source", "!confidence"};
static const struct mapdesc d_tariff = {"un tarif", "dans le tarif", "chaque tarif", k_tariff,
					ARRAY_LEN(k_tariff)};

static const char *const k_training[] = {"!hours", "!content", "validation", "!source",
					 "!confidence"};
static const struct mapdesc d_training = {"la formation", "dans « training »", "la formation",
					  k_training, ARRAY_LEN(k_training)};

/* ---------------------------------------------------------------- versions */

struct version_check {
	const struct ynode *node, *version, *to;
	bool from_ok, to_ok;
};

static void load_professions(struct ctx *c, const struct ynode *v, const char *key, uint64_t *out)
{
	char b[SHOW_MAX + 8];
	*out = 0;
	if (!get_seq(c, v, key, 1, PROTOCOL_MAX_LIST))
		return;
	for (const struct ynode *it = v->first; it; it = it->next) {
		enum profession pr;
		const char *s = scalar_cstr(it);
		if (!s || !profession_parse(s, &pr)) {
			err_at(c, it,
			       "profession inconnue « %s » dans « %s » (codes de l'art. L. 4011-1 "
			       "CSP : medecin, infirmier, pharmacien, sage_femme…)",
			       show(it, b, sizeof(b)), key);
			continue;
		}
		if (*out & ((uint64_t)1 << pr))
			err_at(c, it, "profession « %s » en double dans « %s »", s, key);
		*out |= (uint64_t)1 << pr;
	}
}

static void load_structures(struct ctx *c, const struct ynode *v, uint32_t *out)
{
	char b[SHOW_MAX + 8];
	*out = 0;
	if (!get_seq(c, v, "structure_types", 1, PROTOCOL_MAX_LIST))
		return;
	for (const struct ynode *it = v->first; it; it = it->next) {
		enum structure_type st;
		const char *s = scalar_cstr(it);
		if (!s || !structure_type_parse(s, &st)) {
			err_at(c, it,
			       "type de structure inconnu « %s » (attendu : MSP, CDS, CPTS, ES, "
			       "ESMS, ESP)",
			       show(it, b, sizeof(b)));
			continue;
		}
		if (*out & (1u << st))
			err_at(c, it, "type de structure « %s » en double", s);
		*out |= 1u << st;
	}
}

static const char *const age_unit_names[] = {"years", "months"};

static bool load_age(struct ctx *c, const struct ynode *v, const char *key, struct age_bound *b)
{
	struct mapv mv;
	int unit = -1, value;
	(void)key;
	if (absent(v))
		return true;
	if (!map_open(c, v, &d_age, &mv))
		return false;
	if (!get_enum(c, mv_get(&mv, "unit"), "unit", age_unit_names, ARRAY_LEN(age_unit_names),
		      &unit))
		return false;
	if (!get_int(c, mv_get(&mv, "value"), "value", 0, unit == AGE_YEARS ? 150 : 1800, &value))
		return false;
	b->set = true;
	b->value = value;
	b->unit = (enum age_unit)unit;
	return true;
}

static void load_patient(struct ctx *c, const struct ynode *v, struct protocol_version *pv)
{
	struct mapv mv;
	char b[SHOW_MAX + 8];
	if (!map_open(c, v, &d_patient, &mv))
		return;
	bool min_ok = load_age(c, mv_get(&mv, "age_min"), "age_min", &pv->age_min);
	bool max_ok = load_age(c, mv_get(&mv, "age_max"), "age_max", &pv->age_max);
	if (min_ok && max_ok && pv->age_min.set && pv->age_max.set) {
		long lo = pv->age_min.unit == AGE_YEARS ? pv->age_min.value * 12L
							: pv->age_min.value;
		long hi = pv->age_max.unit == AGE_YEARS ? pv->age_max.value * 12L + 11
							: pv->age_max.value;
		if (lo > hi)
			err_at(c, mv_get(&mv, "age_max"),
			       "« age_max » doit être supérieur ou égal à « age_min »");
	}
	const struct ynode *sx = mv_get(&mv, "sexes");
	if (!absent(sx) && get_seq(c, sx, "sexes", 1, PROTOCOL_MAX_LIST)) {
		for (const struct ynode *it = sx->first; it; it = it->next) {
			enum patient_sex s;
			const char *t = scalar_cstr(it);
			if (!t || !patient_sex_parse(t, &s)) {
				err_at(c, it,
				       "« sexes » : valeur inconnue « %s » (attendu : female, "
				       "male, other, unknown)",
				       show(it, b, sizeof(b)));
				continue;
			}
			if (pv->sexes & (1u << s))
				err_at(c, it, "« sexes » : « %s » en double", t);
			pv->sexes |= 1u << s;
		}
	}
	get_prov(c, &mv, &pv->patient_provenance);
}

static void load_version(struct ctx *c, const struct ynode *n, struct protocol_version *pv,
			 struct version_check *vc)
{
	struct mapv mv;
	char d1[11], d2[11];
	vc->node = n;
	if (!map_open(c, n, &d_version, &mv))
		return;
	vc->version = mv_get(&mv, "version");
	get_str(c, vc->version, "version", &pv->version);
	vc->from_ok =
		get_date(c, mv_get(&mv, "effective_from"), "effective_from", &pv->effective_from);
	const struct ynode *to = mv_get(&mv, "effective_to");
	vc->to = to;
	vc->to_ok = true;
	if (!absent(to)) {
		vc->to_ok = get_date(c, to, "effective_to", &pv->effective_to);
		pv->has_effective_to = vc->to_ok;
		if (vc->from_ok && vc->to_ok && pv->effective_to <= pv->effective_from) {
			date_format_iso(pv->effective_to, d1, sizeof(d1));
			date_format_iso(pv->effective_from, d2, sizeof(d2));
			err_at(c, to,
			       "« effective_to » (%s) doit être postérieur à « effective_from » (%s)",
			       d1, d2);
			vc->to_ok = false;
		}
	}
	const struct ynode *refs = mv_get(&mv, "legal_references");
	if (get_seq(c, refs, "legal_references", 1, PROTOCOL_MAX_LIST)) {
		pv->refs = arena_alloc(&c->p->arena, refs->count * sizeof(*pv->refs));
		if (!pv->refs) {
			c->nomem = true;
			return;
		}
		for (const struct ynode *it = refs->first; it; it = it->next) {
			struct mapv rv;
			struct legal_reference *r = &pv->refs[pv->n_refs++];
			if (!map_open(c, it, &d_ref, &rv))
				continue;
			get_str(c, mv_get(&rv, "text"), "text", &r->text);
			get_opt_str(c, mv_get(&rv, "ref"), "ref", &r->ref);
		}
	}
	struct mapv roles;
	if (map_open(c, mv_get(&mv, "roles"), &d_roles, &roles)) {
		load_professions(c, mv_get(&roles, "delegants"), "delegants", &pv->delegants);
		load_professions(c, mv_get(&roles, "delegues"), "delegues", &pv->delegues);
		load_structures(c, mv_get(&roles, "structure_types"), &pv->structure_types);
	}
	load_patient(c, mv_get(&mv, "patient"), pv);
	get_opt_str(c, mv_get(&mv, "changes"), "changes", &pv->changes);
}

static void load_versions(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct version_check vc[PROTOCOL_MAX_VERSIONS];
	char d1[11], d2[11];
	if (!get_seq(c, v, "versions", 1, PROTOCOL_MAX_VERSIONS))
		return;
	p->versions = arena_alloc(&p->arena, v->count * sizeof(*p->versions));
	if (!p->versions) {
		c->nomem = true;
		return;
	}
	memset(vc, 0, sizeof(vc));
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_versions++;
		load_version(c, it, &p->versions[i], &vc[i]);
	}
	for (size_t i = 0; i < p->n_versions; i++) {
		const struct protocol_version *a = &p->versions[i];
		for (size_t j = 0; j < i && a->version; j++) {
			if (p->versions[j].version &&
			    strcmp(p->versions[j].version, a->version) == 0) {
				err_at(c, vc[i].version, "version « %s » en double", a->version);
				break;
			}
		}
		if (i == 0 || !vc[i].from_ok || !vc[i - 1].from_ok || !vc[i - 1].to_ok)
			continue;
		const struct protocol_version *b = &p->versions[i - 1];
		if (a->effective_from <= b->effective_from) {
			err_at(c, vc[i].node,
			       "les versions doivent être triées par « effective_from » "
			       "croissant, sans chevauchement");
		} else if (!b->has_effective_to || b->effective_to > a->effective_from) {
			date_format_iso(a->effective_from, d1, sizeof(d1));
			if (b->has_effective_to)
				date_format_iso(b->effective_to, d2, sizeof(d2));
			err_at(c, vc[i].node,
			       "chevauchement de versions : celle-ci commence le %s, avant "
			       "la fin de la précédente (%s%s)",
			       d1, b->has_effective_to ? "effective_to " : "sans effective_to",
			       b->has_effective_to ? d2 : "");
		}
	}
}

/* ---------------------------------------------------------------- questions, computed */

static const char *const question_type_names[] = {"boolean", "integer",     "decimal",
						  "choice",  "multichoice", "date"};
static const char *const asked_by_names[] = {"orientation", "examination"};
static const char *const computed_type_names[] = {"boolean", "integer", "decimal"};

static void load_choices(struct ctx *c, const struct ynode *v, struct question *q)
{
	if (!get_seq(c, v, "choices", 2, PROTOCOL_MAX_CHOICES))
		return;
	q->choices = arena_alloc(&c->p->arena, v->count * sizeof(*q->choices));
	if (!q->choices) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		struct mapv mv;
		struct choice *ch = &q->choices[q->n_choices++];
		if (!map_open(c, it, &d_choice, &mv))
			continue;
		const struct ynode *code = mv_get(&mv, "code");
		if (get_id(c, code, "code", ID_CODE, &ch->code)) {
			for (size_t j = 0; j + 1 < q->n_choices; j++) {
				if (q->choices[j].code &&
				    strcmp(q->choices[j].code, ch->code) == 0) {
					err_at(c, code, "code de choix « %s » en double", ch->code);
					break;
				}
			}
		}
		get_str(c, mv_get(&mv, "label"), "label", &ch->label);
	}
}

static bool numeric_type(int t)
{
	return t == Q_INTEGER || t == Q_DECIMAL;
}

static void load_bound(struct ctx *c, const struct mapv *mv, const char *key, bool type_ok,
		       int type, bool *has, double *out)
{
	const struct ynode *v = mv_get(mv, key);
	if (absent(v))
		return;
	if (type_ok && !numeric_type(type)) {
		err_at(c, mv_key(mv, key),
		       "« %s » n'est permis que pour les questions integer ou "
		       "decimal",
		       key);
		return;
	}
	if (type_ok && type == Q_INTEGER) {
		int x;
		if (get_int(c, v, key, -1000000000LL, 1000000000LL, &x)) {
			*has = true;
			*out = x;
		}
		return;
	}
	if (get_num(c, v, key, out))
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
	if (!map_open(c, n, &d_question, &mv))
		return;
	const struct ynode *id = mv_get(&mv, "id");
	c->q_id[i] = id;
	if (get_id(c, id, "id", ID_NAME, &q->id) && reserved_name(q->id))
		err_at(c, id,
		       "« %s » est un nom réservé (age_years, age_months, sex, visit_date et les mots du "
		       "langage d'expressions) : choisissez un autre id",
		       q->id);
	get_str(c, mv_get(&mv, "label"), "label", &q->label);
	get_opt_str(c, mv_get(&mv, "help"), "help", &q->help);
	bool type_ok = get_enum(c, mv_get(&mv, "type"), "type", question_type_names,
				ARRAY_LEN(question_type_names), &t);
	c->q_type_ok[i] = type_ok;
	if (type_ok)
		q->type = (enum question_type)t;
	const struct ynode *unit = mv_get(&mv, "unit");
	if (!absent(unit)) {
		if (type_ok && !numeric_type(t))
			err_at(c, mv_key(&mv, "unit"),
			       "« unit » n'est permis que pour les questions "
			       "integer ou decimal");
		else
			get_opt_str(c, unit, "unit", &q->unit);
	}
	load_bound(c, &mv, "min", type_ok, t, &q->has_min, &q->min);
	load_bound(c, &mv, "max", type_ok, t, &q->has_max, &q->max);
	if (q->has_min && q->has_max && q->min > q->max)
		err_at(c, mv_get(&mv, "max"), "« max » doit être supérieur ou égal à « min »");
	if (type_ok && numeric_type(t) && (!q->has_min || !q->has_max) &&
	    absent(mv_get(&mv, "min")) + absent(mv_get(&mv, "max")) > 0)
		err_at(c, n,
		       "une question numérique doit avoir « min » et « max » : ils bornent les "
		       "réponses acceptées (une valeur aberrante serait sinon prise au sérieux)");
	const struct ynode *choices = mv_get(&mv, "choices");
	if (type_ok && (t == Q_CHOICE || t == Q_MULTICHOICE)) {
		if (absent(choices))
			err_at(c, choices ? choices : n,
			       "une question de type %s doit lister ses "
			       "« choices » (2 au moins)",
			       question_type_names[t]);
		else
			load_choices(c, choices, q);
	} else if (type_ok && !absent(choices)) {
		err_at(c, mv_key(&mv, "choices"),
		       "« choices » n'est permis que pour les questions "
		       "choice ou multichoice");
	}
	c->q_enable[i] = absent(mv_get(&mv, "enable_when")) ? NULL : mv_get(&mv, "enable_when");
	if (get_enum(c, mv_get(&mv, "asked_by"), "asked_by", asked_by_names,
		     ARRAY_LEN(asked_by_names), &k))
		q->asked_by = (enum asked_by)k;
}

static void load_questions(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	if (!get_seq(c, v, "questions", 1, PROTOCOL_MAX_QUESTIONS))
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
				err_at(c, c->q_id[i],
				       "id de question « %s » en double (déjà la question "
				       "n° %zu)",
				       p->questions[i].id, j + 1);
				break;
			}
		}
	}
}

static void load_computed(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	size_t n = get_opt_seq(c, v, "computed", PROTOCOL_MAX_COMPUTED);
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
		if (!map_open(c, it, &d_computed, &mv))
			continue;
		const struct ynode *id = mv_get(&mv, "id");
		c->c_id[i] = id;
		if (get_id(c, id, "id", ID_NAME, &cv->id)) {
			if (reserved_name(cv->id))
				err_at(c, id, "« %s » est un nom réservé : choisissez un autre id",
				       cv->id);
			else if (protocol_find_question(p, cv->id) >= 0)
				err_at(c, id, "id « %s » déjà utilisé par une question", cv->id);
			else
				for (size_t j = 0; j < i; j++)
					if (strcmp(p->computed[j].id, cv->id) == 0) {
						err_at(c, id,
						       "id de valeur calculée « %s » en double",
						       cv->id);
						break;
					}
		}
		get_str(c, mv_get(&mv, "label"), "label", &cv->label);
		if (get_enum(c, mv_get(&mv, "type"), "type", computed_type_names,
			     ARRAY_LEN(computed_type_names), &t)) {
			c->c_type_ok[i] = true;
			cv->type = t == 0 ? EXPR_BOOLEAN : t == 1 ? EXPR_INTEGER : EXPR_DECIMAL;
		}
		c->c_expr[i] = mv_get(&mv, "expression");
	}
}

static bool build_symbols(struct ctx *c)
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
	err_pos(c, line, col, "code « %s » inconnu pour la question « %s » (codes : %s)",
		show_text(v->text + t->off, t->len, b, sizeof(b)), q->id, list);
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

/* Compiles the expression scalar v of key `key`, expecting a singleton of type `expected`
 * (EXPR_NONE: anything). Reports errors at their position; returns NULL on error. */
static struct expr *compile(struct ctx *c, const struct ynode *v, const char *key,
			    enum expr_base expected)
{
	char b[200];
	struct expr_type et = {expected, false};
	struct expr *e = NULL;
	struct expr_error ee;
	if (!v)
		return NULL;
	if (v->kind != Y_SCALAR || is_null(v) || is_blank(v)) {
		err_at(c, v, "« %s » doit être une expression (un texte), trouvé : %s", key,
		       found(v, b, sizeof(b)));
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
		err_at(c, v, "« %s » : %s", key,
		       ee.message[0] ? ee.message : "expression trop longue");
		return NULL;
	}
	unsigned line = v->line, col = v->column;
	if (!diag_full(c))
		expr_position(c, v, ee.offset, &line, &col);
	err_pos(c, line, col, "« %s » : %s", key,
		ee.message[0] ? ee.message : "expression invalide");
	return NULL;
}

/* Reports a forbidden reference to slot s in expression scalar v, at the name's position. */
static void err_reference(struct ctx *c, const struct ynode *v, size_t s, const char *fmt_what)
{
	const char *name = c->syms.names[s];
	unsigned line = v->line, col = v->column;
	if (!diag_full(c))
		expr_position(c, v, find_name(v->text, v->len, name), &line, &col);
	err_pos(c, line, col, fmt_what, name);
}

static void compile_questions(struct ctx *c)
{
	struct protocol *p = c->p;
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct ynode *v = c->q_enable[i];
		if (!v)
			continue;
		struct expr *e = compile(c, v, "enable_when", EXPR_BOOLEAN);
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

static void compile_computed(struct ctx *c)
{
	struct protocol *p = c->p;
	size_t nq = p->n_questions;
	for (size_t i = 0; i < p->n_computed; i++) {
		struct computed *cv = &p->computed[i];
		if (!c->c_expr[i])
			continue;
		struct expr *e = compile(c, c->c_expr[i], "expression",
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
#define CHECK_DUP(c, node, tbl, n, field, what)                                          \
	do {                                                                             \
		for (size_t dj_ = 0; dj_ < (n); dj_++) {                                 \
			if ((tbl)[dj_].field && (tbl)[n].field &&                        \
			    strcmp((tbl)[dj_].field, (tbl)[n].field) == 0) {             \
				err_at((c), (node), "id de %s « %s » en double", (what), \
				       (tbl)[n].field);                                  \
				break;                                                   \
			}                                                                \
		}                                                                        \
	} while (0)

static void load_criteria(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	if (!get_seq(c, v, "criteria", 1, PROTOCOL_MAX_CRITERIA))
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
		if (!map_open(c, it, &d_criterion, &mv))
			continue;
		const struct ynode *id = mv_get(&mv, "id");
		if (get_id(c, id, "id", ID_ITEM, &cr->id)) {
			if (strcmp(cr->id, "perimetre_age") == 0 ||
			    strcmp(cr->id, "perimetre_sexe") == 0)
				err_at(c, id,
				       "« %s » est réservé aux critères de périmètre produits par "
				       "le moteur",
				       cr->id);
			else
				CHECK_DUP(c, id, p->criteria, i, id, "critère");
		}
		if (get_enum(c, mv_get(&mv, "kind"), "kind", criterion_kind_names,
			     ARRAY_LEN(criterion_kind_names), &k))
			cr->kind = (enum criterion_kind)k;
		cr->expression = compile(c, mv_get(&mv, "expression"), "expression", EXPR_BOOLEAN);
		get_str(c, mv_get(&mv, "label"), "label", &cr->label);
		get_urgency(c, mv_get(&mv, "urgency"), &cr->urgency);
		get_prov(c, &mv, &cr->prov);
	}
}

/* ---------------------------------------------------------------- prescription templates */

static const char *const line_kind_names[] = {"medicine", "device", "act", "certificate",
					      "sick_leave"};
static const char *const dose_per_names[] = {"day", "dose"};

static void load_dose_per_kg(struct ctx *c, const struct ynode *v, struct prescription_line *l)
{
	struct protocol *p = c->p;
	struct mapv mv;
	char b[SHOW_MAX + 8];
	int k;
	if (!map_open(c, v, &d_dose_kg, &mv))
		return;
	l->has_dose_per_kg = true;
	get_positive(c, mv_get(&mv, "amount"), "amount", &l->per_kg_amount);
	get_str(c, mv_get(&mv, "unit"), "unit", &l->per_kg_unit);
	if (get_enum(c, mv_get(&mv, "per"), "per", dose_per_names, ARRAY_LEN(dose_per_names), &k))
		l->per_kg_per = (enum dose_per)k;
	get_positive(c, mv_get(&mv, "max"), "max", &l->per_kg_max);
	const struct ynode *w = mv_get(&mv, "weight");
	if (!w)
		return;
	const char *name = scalar_cstr(w);
	int qi = name ? protocol_find_question(p, name) : -1;
	if (qi < 0) {
		err_at(c, w,
		       "« weight » doit nommer une question (le poids en kg) : « %s » n'est pas "
		       "une question",
		       show(w, b, sizeof(b)));
		return;
	}
	if (!c->q_type_ok[qi] || !numeric_type((int)p->questions[qi].type)) {
		err_at(c, w,
		       "« weight » doit nommer une question de type decimal ou integer : « %s » "
		       "est de type %s",
		       name,
		       c->q_type_ok[qi] ? question_type_names[p->questions[qi].type] : "invalide");
		return;
	}
	if (!p->questions[qi].has_min || !(p->questions[qi].min > 0)) {
		err_at(c, w,
		       "« weight » : la question « %s » doit avoir un « min » strictement positif "
		       "(un poids nul ou négatif donnerait une dose absurde)",
		       name);
		return;
	}
	l->weight_slot = qi;
}

/* {min, max} integers within [lo, hi], min <= max. */
static bool load_int_range(struct ctx *c, const struct ynode *v, const char *key, int lo, int hi,
			   int *min, int *max)
{
	struct mapv rv;
	if (!map_open(c, v, &d_open_range, &rv))
		return false;
	bool ok = get_int(c, mv_get(&rv, "min"), "min", lo, hi, min) &
		  get_int(c, mv_get(&rv, "max"), "max", lo, hi, max);
	if (ok && *max < *min) {
		err_at(c, mv_get(&rv, "max"), "« %s.max » doit être supérieur ou égal à « %s.min »",
		       key, key);
		return false;
	}
	return ok;
}

/* complete_at_signature: what the signing délégant completes, and within which bounds. Each
 * part is allowed only where the line leaves it open. */
static void load_open(struct ctx *c, const struct ynode *v, struct prescription_line *l)
{
	struct line_open *o = &l->open;
	struct mapv mv;
	if (!map_open(c, v, &d_open, &mv))
		return;
	const struct ynode *subst = mv_get(&mv, "substances"), *dose = mv_get(&mv, "dose"),
			   *dpd = mv_get(&mv, "doses_per_day"), *dur = mv_get(&mv, "duration_days");
	if (absent(subst) && absent(dose) && absent(dpd) && absent(dur)) {
		err_at(c, v,
		       "« complete_at_signature » doit dire ce que le délégant complète : "
		       "substances, dose, doses_per_day ou duration_days");
		return;
	}
	o->present = true;
	if (!absent(subst)) {
		get_str_list(c, subst, "substances", 1, &o->substances, &o->n_substances);
		if (o->n_substances == 1)
			err_at(c, subst,
			       "« substances » propose au moins deux molécules au choix du délégant "
			       "(une seule : écrivez-la dans « substance »)");
	}
	if (!absent(dose)) {
		struct mapv dv;
		if (l->has_dose || l->has_dose_per_kg) {
			err_at(c, dose,
			       "« complete_at_signature.dose » : la ligne fixe déjà sa dose (« dose » "
			       "ou « dose_per_kg ») ; retirez l'une des deux");
		} else if (map_open(c, dose, &d_open_dose, &dv)) {
			bool ok = get_str(c, mv_get(&dv, "unit"), "unit", &o->dose_unit) &
				  get_positive(c, mv_get(&dv, "min"), "min", &o->dose_min) &
				  get_positive(c, mv_get(&dv, "max"), "max", &o->dose_max);
			if (ok && o->dose_max < o->dose_min) {
				err_at(c, mv_get(&dv, "max"),
				       "« dose.max » doit être supérieur ou égal à « dose.min »");
				ok = false;
			}
			o->dose = ok;
		}
	}
	if (!absent(dpd)) {
		if (l->doses_per_day > 0)
			err_at(c, dpd,
			       "« complete_at_signature.doses_per_day » : la ligne fixe déjà "
			       "« doses_per_day »");
		else
			o->doses_per_day = load_int_range(c, dpd, "doses_per_day", 1, 24, &o->dpd_min,
							  &o->dpd_max);
	}
	if (!absent(dur)) {
		if (l->duration_days > 0)
			err_at(c, dur,
			       "« complete_at_signature.duration_days » : la ligne fixe déjà "
			       "« duration_days »");
		else
			o->duration = load_int_range(c, dur, "duration_days", 1, 365,
						     &o->duration_min, &o->duration_max);
	}
}

/* Does this sentence speak to the délégant (« délégant », « délégante », any case of the D)? */
static bool names_delegant(const char *s, size_t n)
{
	static const char w[] = "élégant"; /* after d or D */
	size_t wl = sizeof(w) - 1;
	for (size_t i = 0; i + 1 + wl <= n; i++)
		if ((s[i] == 'd' || s[i] == 'D') && memcmp(s + i + 1, w, wl) == 0)
			return true;
	return false;
}

/* Patient-facing text never speaks to the délégant: a sentence of `instructions` that does is
 * moved to the signer's note (it would otherwise be printed on the patient's prescription),
 * with a warning telling the author to write it in « signer_note ». Sentences end with ". ". */
static void split_signer_sentences(struct ctx *c, const struct ynode *v,
				   struct prescription_line *l)
{
	const char *text = l->instructions;
	if (!text || !names_delegant(text, strlen(text)))
		return;
	struct strbuf keep = STRBUF_INIT, note = STRBUF_INIT;
	size_t n = strlen(text), start = 0;
	while (start < n) {
		size_t end = start;
		while (end < n && !(text[end] == '.' && (end + 1 == n || text[end + 1] == ' ')))
			end++;
		if (end < n)
			end++; /* the full stop */
		struct strbuf *to = names_delegant(text + start, end - start) ? &note : &keep;
		strbuf_printf(to, "%s%.*s", to->len ? " " : "", (int)(end - start), text + start);
		start = end;
		while (start < n && text[start] == ' ')
			start++;
	}
	if (l->signer_note)
		strbuf_printf(&note, " %s", l->signer_note);
	l->instructions = keep.len ? arena_strdup(&c->p->arena, strbuf_str(&keep)) : NULL;
	l->signer_note = arena_strdup(&c->p->arena, strbuf_str(&note));
	if ((keep.len && !l->instructions) || !l->signer_note)
		c->nomem = true;
	warn_at(c, v,
		"« instructions » s'adresse au délégant signataire : Coop ne l'imprime pas sur "
		"l'ordonnance du patient ; écrivez ce texte dans « signer_note »");
	strbuf_free(&keep);
	strbuf_free(&note);
}

static void load_line(struct ctx *c, const struct ynode *n, struct prescription_line *l)
{
	static const struct mapdesc *const descs[] = {&d_line_medicine, &d_line_device, &d_line_act,
						      &d_line_certificate, &d_line_sick};
	struct mapv mv;
	int kind = -1;
	l->weight_slot = -1;
	if (n->kind == Y_MAP) {
		for (const struct ynode *k = n->first; k && k->next; k = k->next->next) {
			if (text_is(k, "kind")) {
				if (!get_enum(c, k->next, "kind", line_kind_names,
					      ARRAY_LEN(line_kind_names), &kind))
					kind = -1;
				break;
			}
		}
	}
	if (!map_open(c, n, kind >= 0 ? descs[kind] : &d_line_any, &mv))
		return;
	if (kind < 0)
		return; /* kind missing or invalid: already reported */
	l->kind = (enum line_kind)kind;
	if (mv_get(&mv, "when"))
		l->when = compile(c, mv_get(&mv, "when"), "when", EXPR_BOOLEAN);
	get_prov(c, &mv, &l->prov);
	get_opt_str(c, mv_get(&mv, "signer_note"), "signer_note", &l->signer_note);
	const struct ynode *opt = mv_get(&mv, "optional");
	if (!absent(opt)) {
		bool yes = opt->kind == Y_SCALAR && opt->len == 4 && memcmp(opt->text, "true", 4) == 0;
		bool no = opt->kind == Y_SCALAR && opt->len == 5 && memcmp(opt->text, "false", 5) == 0;
		if (yes || no)
			l->optional = yes;
		else
			err_at(c, opt, "« optional » doit valoir true ou false");
	}
	l->optional = l->optional || l->kind == LINE_SICK_LEAVE;
	switch (l->kind) {
	case LINE_MEDICINE: {
		get_str(c, mv_get(&mv, "substance"), "substance", &l->substance);
		get_opt_str(c, mv_get(&mv, "form"), "form", &l->form);
		get_opt_str(c, mv_get(&mv, "frequency"), "frequency", &l->frequency);
		get_opt_str(c, mv_get(&mv, "quantity"), "quantity", &l->quantity);
		get_opt_str(c, mv_get(&mv, "instructions"), "instructions", &l->instructions);
		const struct ynode *dose = mv_get(&mv, "dose"), *pk = mv_get(&mv, "dose_per_kg");
		if (!absent(dose) && !absent(pk)) {
			err_at(c, mv_key(&mv, "dose_per_kg"),
			       "« dose » et « dose_per_kg » s'excluent : "
			       "une ligne a une seule des deux");
		} else if (!absent(dose)) {
			struct mapv dv;
			if (map_open(c, dose, &d_dose, &dv)) {
				l->has_dose = true;
				get_positive(c, mv_get(&dv, "amount"), "amount", &l->dose_amount);
				get_str(c, mv_get(&dv, "unit"), "unit", &l->dose_unit);
			}
		} else if (!absent(pk)) {
			load_dose_per_kg(c, pk, l);
		}
		const struct ynode *dpd = mv_get(&mv, "doses_per_day");
		if (!absent(dpd))
			get_int(c, dpd, "doses_per_day", 1, 24, &l->doses_per_day);
		else if (l->has_dose_per_kg && l->per_kg_per == DOSE_PER_DAY)
			err_at(c, pk,
			       "avec « dose_per_kg » par jour (per: day), « doses_per_day » "
			       "(1 au moins) est obligatoire");
		const struct ynode *dd = mv_get(&mv, "duration_days");
		if (!absent(dd))
			get_int(c, dd, "duration_days", 1, 365, &l->duration_days);
		const struct ynode *cs = mv_get(&mv, "complete_at_signature");
		if (!absent(cs))
			load_open(c, cs, l);
		split_signer_sentences(c, mv_get(&mv, "instructions"), l);
		break;
	}
	case LINE_DEVICE:
	case LINE_ACT:
	case LINE_CERTIFICATE:
		get_str(c, mv_get(&mv, "item"), "item", &l->item);
		get_opt_str(c, mv_get(&mv, "quantity"), "quantity", &l->quantity);
		get_opt_str(c, mv_get(&mv, "instructions"), "instructions", &l->instructions);
		split_signer_sentences(c, mv_get(&mv, "instructions"), l);
		break;
	case LINE_SICK_LEAVE:
		get_int(c, mv_get(&mv, "max_days"), "max_days", 1, 365, &l->max_days);
		break;
	}
}

static void load_templates(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	size_t n = get_opt_seq(c, v, "prescriptions", PROTOCOL_MAX_TEMPLATES);
	if (!n)
		return;
	p->templates = arena_alloc(&p->arena, n * sizeof(*p->templates));
	if (!p->templates) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_templates++;
		struct prescription_template *t = &p->templates[i];
		struct mapv mv;
		t->id = "";
		c->t_node[i] = it;
		if (!map_open(c, it, &d_template, &mv))
			continue;
		const struct ynode *id = mv_get(&mv, "id");
		if (get_id(c, id, "id", ID_ITEM, &t->id))
			CHECK_DUP(c, id, p->templates, i, id, "modèle d'ordonnance");
		get_str(c, mv_get(&mv, "label"), "label", &t->label);
		const struct ynode *lines = mv_get(&mv, "lines");
		if (!get_seq(c, lines, "lines", 1, PROTOCOL_MAX_LINES))
			continue;
		t->lines = arena_alloc(&p->arena, lines->count * sizeof(*t->lines));
		if (!t->lines) {
			c->nomem = true;
			return;
		}
		for (const struct ynode *ln = lines->first; ln; ln = ln->next)
			load_line(c, ln, &t->lines[t->n_lines++]);
	}
}

/* ---------------------------------------------------------------- outcomes */

static const char *const outcome_kind_names[] = {"prescription", "advice", "reorientation"};

static void load_outcome_templates(struct ctx *c, const struct ynode *v, struct outcome *o)
{
	struct protocol *p = c->p;
	char b[SHOW_MAX + 8];
	if (!get_seq(c, v, "prescriptions", 1, PROTOCOL_MAX_TEMPLATES))
		return;
	o->templates = arena_alloc(&p->arena, v->count * sizeof(*o->templates));
	if (!o->templates) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t ti = SIZE_MAX;
		for (size_t j = 0; j < p->n_templates; j++) {
			if (text_is(it, p->templates[j].id) && p->templates[j].id[0]) {
				ti = j;
				break;
			}
		}
		if (ti == SIZE_MAX) {
			err_at(c, it,
			       "modèle d'ordonnance inconnu « %s » (les modèles sont déclarés "
			       "sous « prescriptions » à la racine)",
			       show(it, b, sizeof(b)));
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < o->n_templates; j++)
			dup |= o->templates[j] == ti;
		if (dup) {
			err_at(c, it, "modèle d'ordonnance « %s » cité deux fois",
			       p->templates[ti].id);
			continue;
		}
		c->t_used[ti] = true;
		o->templates[o->n_templates++] = ti;
	}
}

static void load_outcomes(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	if (!get_seq(c, v, "outcomes", 1, PROTOCOL_MAX_OUTCOMES))
		return;
	p->outcomes = arena_alloc(&p->arena, v->count * sizeof(*p->outcomes));
	if (!p->outcomes) {
		c->nomem = true;
		return;
	}
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_outcomes++;
		struct outcome *o = &p->outcomes[i];
		struct mapv mv;
		int k = -1;
		o->id = "";
		o->line = it->line;
		o->column = it->column;
		if (!map_open(c, it, &d_outcome, &mv))
			continue;
		const struct ynode *id = mv_get(&mv, "id");
		if (get_id(c, id, "id", ID_ITEM, &o->id))
			CHECK_DUP(c, id, p->outcomes, i, id, "issue");
		bool kind_ok = get_enum(c, mv_get(&mv, "kind"), "kind", outcome_kind_names,
					ARRAY_LEN(outcome_kind_names), &k);
		if (kind_ok)
			o->kind = (enum outcome_kind)k;
		o->when = compile(c, mv_get(&mv, "when"), "when", EXPR_BOOLEAN);
		get_str(c, mv_get(&mv, "label"), "label", &o->label);
		get_str_list(c, mv_get(&mv, "advice"), "advice", 0, &o->advice, &o->n_advice);
		const struct ynode *pr = mv_get(&mv, "prescriptions");
		if (kind_ok && o->kind == OUTCOME_PRESCRIPTION) {
			if (absent(pr))
				err_at(c, pr ? pr : it,
				       "une issue de kind prescription doit citer ses "
				       "modèles d'ordonnance : « prescriptions » "
				       "(1 au moins)");
			else
				load_outcome_templates(c, pr, o);
		} else if (kind_ok && !absent(pr)) {
			err_at(c, mv_key(&mv, "prescriptions"),
			       "« prescriptions » n'est permis que "
			       "pour une issue de kind prescription");
		}
		const struct ynode *urg = mv_get(&mv, "urgency");
		if (kind_ok && o->kind == OUTCOME_REORIENTATION) {
			if (absent(urg))
				err_at(c, urg ? urg : it,
				       "une issue de kind reorientation doit indiquer "
				       "son « urgency »");
			else
				get_urgency(c, urg, &o->urgency);
		} else if (kind_ok && !absent(urg)) {
			err_at(c, mv_key(&mv, "urgency"),
			       "« urgency » n'est permis que pour une issue "
			       "de kind reorientation");
		}
		get_prov(c, &mv, &o->prov);
	}
	for (size_t i = 0; i < p->n_templates; i++)
		if (!c->t_used[i] && p->templates[i].id[0])
			warn_at(c, c->t_node[i],
				"le modèle d'ordonnance « %s » n'est utilisé par "
				"aucune issue",
				p->templates[i].id);
}

/* ---------------------------------------------------------------- follow-up, tariffs, training */

static void load_follow_up(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct mapv mv, sv, rv;
	if (absent(v) || !map_open(c, v, &d_follow, &mv))
		return;
	const struct ynode *sc = mv_get(&mv, "second_contact");
	if (!absent(sc) && map_open(c, sc, &d_second, &sv)) {
		struct second_contact *s = &p->second_contact;
		s->present = true;
		get_str(c, mv_get(&sv, "label"), "label", &s->label);
		const struct ynode *f = mv_get(&sv, "from_day"), *t = mv_get(&sv, "to_day");
		if (!absent(f) && !absent(t)) {
			bool ok = get_int(c, f, "from_day", 0, 3650, &s->from_day);
			ok = get_int(c, t, "to_day", 0, 3650, &s->to_day) && ok;
			if (ok && s->from_day > s->to_day)
				err_at(c, t,
				       "« to_day » doit être supérieur ou égal à « from_day »");
			s->has_window = ok;
		} else if (!absent(f) || !absent(t)) {
			err_at(c, absent(f) ? t : f,
			       "« from_day » et « to_day » vont ensemble (null "
			       "tous les deux si la fenêtre est inconnue)");
		}
		get_prov(c, &sv, &s->prov);
	}
	const struct ynode *lt = mv_get(&mv, "long_term");
	if (!absent(lt)) {
		bool yes = lt->kind == Y_SCALAR && lt->len == 4 && memcmp(lt->text, "true", 4) == 0;
		bool no = lt->kind == Y_SCALAR && lt->len == 5 && memcmp(lt->text, "false", 5) == 0;
		if (yes || no)
			p->long_term = yes;
		else
			err_at(c, lt, "« long_term » doit valoir true ou false");
	}
	const struct ynode *rvn = mv_get(&mv, "revoyure");
	if (!absent(rvn) && map_open(c, rvn, &d_revoyure, &rv)) {
		struct revoyure *r = &p->revoyure;
		r->present = true;
		get_str_list(c, mv_get(&rv, "conditions"), "conditions", 1, &r->conditions,
			     &r->n_conditions);
		get_prov(c, &rv, &r->prov);
	}
}

static const char *const tariff_code_names[] = {"flat_fee", "second_contact"};

/* Parses "N.NN" euros (1 to 7 digits before the point) into cents, without floating point. */
static bool parse_amount(const char *s, size_t len, int64_t *cents)
{
	if (len < 4 || len > 10 || s[len - 3] != '.')
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (i == len - 3)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*cents = x;
	return true;
}

static void load_tariffs(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct {
		const struct ynode *node;
		bool ok;
	} chk[PROTOCOL_MAX_LIST];
	char b[200];
	size_t n = get_opt_seq(c, v, "tariffs", PROTOCOL_MAX_LIST);
	if (!n)
		return;
	p->tariffs = arena_alloc(&p->arena, n * sizeof(*p->tariffs));
	if (!p->tariffs) {
		c->nomem = true;
		return;
	}
	memset(chk, 0, sizeof(chk));
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_tariffs++;
		struct tariff *t = &p->tariffs[i];
		struct mapv mv;
		int k;
		chk[i].node = it;
		if (!map_open(c, it, &d_tariff, &mv))
			continue;
		bool ok = get_enum(c, mv_get(&mv, "code"), "code", tariff_code_names,
				   ARRAY_LEN(tariff_code_names), &k);
		if (ok)
			t->code = (enum tariff_code)k;
		get_str(c, mv_get(&mv, "label"), "label", &t->label);
		const struct ynode *am = mv_get(&mv, "amount");
		if (am &&
		    (am->kind != Y_SCALAR || !parse_amount(am->text, am->len, &t->amount_cents)))
			err_at(c, am,
			       "« amount » doit être un montant en euros avec exactement deux "
			       "décimales, par exemple \"25.00\" (trouvé : %s)",
			       found(am, b, sizeof(b)));
		ok = get_date(c, mv_get(&mv, "effective_from"), "effective_from",
			      &t->effective_from) &&
		     ok;
		const struct ynode *to = mv_get(&mv, "effective_to");
		if (!absent(to)) {
			if (get_date(c, to, "effective_to", &t->effective_to)) {
				t->has_effective_to = true;
				if (ok && t->effective_to <= t->effective_from) {
					err_at(c, to,
					       "« effective_to » doit être postérieur à "
					       "« effective_from »");
					ok = false;
				}
			} else {
				ok = false;
			}
		}
		get_prov(c, &mv, &t->prov);
		chk[i].ok = ok;
		if (!ok)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct tariff *u = &p->tariffs[j];
			if (!chk[j].ok || u->code != t->code)
				continue;
			bool t_before_u_ends = !u->has_effective_to ||
					       t->effective_from < u->effective_to;
			bool u_before_t_ends = !t->has_effective_to ||
					       u->effective_from < t->effective_to;
			if (t_before_u_ends && u_before_t_ends) {
				err_at(c, it,
				       "le tarif « %s » chevauche une autre période du même tarif",
				       tariff_code_names[t->code]);
				break;
			}
		}
	}
}

static void load_training(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct mapv mv;
	if (!map_open(c, v, &d_training, &mv))
		return;
	const struct ynode *h = mv_get(&mv, "hours");
	if (h && !is_null(h)) {
		double x;
		if (get_num(c, h, "hours", &x)) {
			if (x < 0 || x > 10000) {
				err_at(c, h, "« hours » doit être compris entre 0 et 10000");
			} else {
				p->training.hours_known = true;
				p->training.hours = x;
			}
		}
	}
	get_str(c, mv_get(&mv, "content"), "content", &p->training.content);
	get_opt_str(c, mv_get(&mv, "validation"), "validation", &p->training.validation);
	get_prov(c, &mv, &p->training.prov);
}

/* ---------------------------------------------------------------- the whole file */

static const char *const protocol_kind_names[] = {"national", "local"};
static const char *const status_names[] = {"draft", "active", "repealed"};

/* Derives what the engine's hot loops read instead of re-deriving it at each evaluation: the
 * list of conditional questions and, for each criterion, whether it is a plain field. */
static void derive_engine_data(struct ctx *c)
{
	struct protocol *p = c->p;
	size_t n = 0;
	for (size_t i = 0; i < p->n_questions; i++)
		n += p->questions[i].enable_when != NULL;
	if (n) {
		p->conditional_questions = arena_alloc(&p->arena, n * sizeof(size_t));
		if (!p->conditional_questions) {
			c->nomem = true;
			return;
		}
		for (size_t i = 0; i < p->n_questions; i++)
			if (p->questions[i].enable_when)
				p->conditional_questions[p->n_conditional_questions++] = i;
	}
	for (size_t i = 0; i < p->n_criteria; i++) {
		struct criterion *cr = &p->criteria[i];
		unsigned slot;
		bool negated;
		cr->plain_slot = -1;
		cr->plain_negated = false;
		/* an inclusion criterion fires when false, the others when true */
		cr->fires_on = cr->kind == CRIT_INCLUSION ? EXPR_FALSE : EXPR_TRUE;
		if (cr->expression && expr_plain_field(cr->expression, &slot, &negated)) {
			cr->plain_slot = (int)slot;
			cr->plain_negated = negated;
		}
	}
}

static void load_root(struct ctx *c, const struct ynode *root)
{
	struct protocol *p = c->p;
	struct mapv mv;
	char b[200];
	int k, fmt;
	if (root->kind != Y_MAP) {
		err_at(c, root,
		       "le fichier doit décrire un protocole sous forme de tableau associatif "
		       "(format:, id:, title:…), trouvé : %s",
		       found(root, b, sizeof(b)));
		return;
	}
	map_open(c, root, &d_root, &mv);
	if (get_int(c, mv_get(&mv, "format"), "format", INT_MIN, INT_MAX, &fmt) && fmt != 1)
		err_at(c, mv_get(&mv, "format"),
		       "« format » doit valoir 1 (seule version connue du "
		       "format)");
	get_id(c, mv_get(&mv, "id"), "id", ID_PROTOCOL, &p->id);
	get_str(c, mv_get(&mv, "title"), "title", &p->title);
	get_opt_str(c, mv_get(&mv, "summary"), "summary", &p->summary);
	if (get_enum(c, mv_get(&mv, "kind"), "kind", protocol_kind_names,
		     ARRAY_LEN(protocol_kind_names), &k))
		p->kind = (enum protocol_kind)k;
	if (get_enum(c, mv_get(&mv, "status"), "status", status_names, ARRAY_LEN(status_names), &k))
		p->status = (enum protocol_status)k;
	load_versions(c, mv_get(&mv, "versions"));
	if (c->nomem)
		return;
	load_questions(c, mv_get(&mv, "questions"));
	load_computed(c, mv_get(&mv, "computed"));
	if (c->nomem || !build_symbols(c))
		return;
	compile_questions(c);
	compile_computed(c);
	load_criteria(c, mv_get(&mv, "criteria"));
	if (c->nomem)
		return;
	load_templates(c, mv_get(&mv, "prescriptions"));
	if (c->nomem)
		return;
	load_outcomes(c, mv_get(&mv, "outcomes"));
	load_follow_up(c, mv_get(&mv, "follow_up"));
	load_tariffs(c, mv_get(&mv, "tariffs"));
	load_training(c, mv_get(&mv, "training"));
	get_str_list(c, mv_get(&mv, "review"), "review", 0, &p->review, &p->n_review);
	if (!c->nomem)
		derive_engine_data(c);
}

/* Reports the first invalid UTF-8 byte of the file; true when it is all valid. */
static bool check_utf8(struct ctx *c)
{
	const unsigned char *s = (const unsigned char *)c->data;
	unsigned line = 1, col = 1;
	size_t i = 0;
	while (i < c->len) {
		size_t k = utf8_char_len(c->data + i, c->len - i);
		if (!k || s[i] == 0) {
			if (s[i] == 0)
				err_pos(c, line, col, "caractère nul dans le fichier");
			else
				err_pos(c, line, col,
					"le fichier doit être en UTF-8 (octet invalide "
					"0x%02X)",
					s[i]);
			return false;
		}
		if (s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += k;
	}
	return true;
}

static void hash_hex(const char *data, size_t len, char out[PROTOCOL_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, PROTOCOL_HASH_HEX, h, sizeof(h));
}

enum coop_err protocol_load_buffer(const char *name, const char *data, size_t len,
				   struct protocol **out, struct protocol_diags *diags)
{
	struct protocol_diags local;
	struct ctx *c = NULL;
	struct protocol *p = NULL;
	enum coop_err rc = COOP_OK;

	*out = NULL;
	if (!diags)
		diags = &local;
	diags->count = 0;
	diags->n_errors = 0;
	if (!data && len)
		return ERR_INTERNAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ERR_NOMEM;
	c->d = diags;
	c->data = data ? data : "";
	c->len = len;
	arena_init(&c->tmp, TREE_ARENA_LIMIT);
	if (len > PROTOCOL_MAX_FILE) {
		err_pos(c, 0, 0, "fichier trop volumineux (%zu octets ; %d au plus)", len,
			PROTOCOL_MAX_FILE);
		rc = ERR_TOO_LARGE;
		goto out;
	}
	if (sodium_init() < 0) {
		err_pos(c, 0, 0, "initialisation de libsodium impossible");
		rc = ERR_INTERNAL;
		goto out;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		rc = ERR_NOMEM;
		goto out;
	}
	arena_init(&p->arena, LOAD_ARENA_LIMIT);
	c->p = p;
	p->path = arena_strdup(&p->arena, name ? name : "(mémoire)");
	if (!p->path) {
		rc = ERR_NOMEM;
		goto out;
	}
	hash_hex(c->data, len, p->hash);

	if (len == 0) {
		err_pos(c, 0, 0, "le fichier est vide");
	} else if (check_utf8(c)) {
		const struct ynode *root = parse_yaml(c);
		if (root && !c->nomem)
			load_root(c, root);
	}
	if (c->nomem) {
		rc = ERR_NOMEM;
		goto out;
	}
	sort_diags(diags);
	if (diags->n_errors == 0) {
		rc = outcome_check(p, diags);
		if (rc != COOP_OK)
			goto out;
	}
	if (diags->n_errors > 0)
		rc = ERR_INVALID;
out:
	if (rc == ERR_NOMEM && diags->count < PROTOCOL_MAX_DIAGS && c) {
		err_pos(c, 0, 0, "mémoire insuffisante pour charger le protocole");
	}
	if (c)
		arena_free(&c->tmp);
	free(c);
	if (rc != COOP_OK) {
		protocol_free(p);
		return rc;
	}
	*out = p;
	return COOP_OK;
}

/* A French description of a file-opening errno. */
static const char *io_reason(int e)
{
	switch (e) {
	case ENOENT: return "fichier introuvable";
	case EACCES:
	case EPERM: return "accès refusé";
	case EISDIR: return "c'est un répertoire";
	case ENOMEM: return "mémoire insuffisante";
	default: return "erreur d'entrée-sortie";
	}
}

static void io_diag(struct protocol_diags *d, const char *msg, int e)
{
	d->n_errors++;
	if (d->count >= PROTOCOL_MAX_DIAGS)
		return;
	struct protocol_diag *g = &d->items[d->count++];
	g->line = 0;
	g->column = 0;
	g->warning = false;
	snprintf(g->message, sizeof(g->message), "%s : %s", msg, io_reason(e));
}

enum coop_err protocol_load_file(const char *path, struct protocol **out,
				 struct protocol_diags *diags)
{
	struct protocol_diags local;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0;
	enum coop_err rc;

	*out = NULL;
	if (!diags)
		diags = &local;
	diags->count = 0;
	diags->n_errors = 0;
	f = fopen(path, "rb");
	if (!f) {
		io_diag(diags, "impossible d'ouvrir le fichier", errno);
		rc = ERR_IO;
		goto out;
	}
	buf = malloc(PROTOCOL_MAX_FILE + 1);
	if (!buf) {
		rc = ERR_NOMEM;
		goto out;
	}
	while (n < PROTOCOL_MAX_FILE + 1) {
		size_t got = fread(buf + n, 1, PROTOCOL_MAX_FILE + 1 - n, f);
		if (got == 0)
			break;
		n += got;
	}
	if (ferror(f)) {
		io_diag(diags, "impossible de lire le fichier", errno);
		rc = ERR_IO;
		goto out;
	}
	if (n > PROTOCOL_MAX_FILE) {
		diags->n_errors++;
		struct protocol_diag *g = &diags->items[diags->count++];
		g->line = 0;
		g->column = 0;
		g->warning = false;
		snprintf(g->message, sizeof(g->message),
			 "fichier trop volumineux (%d octets au plus)", PROTOCOL_MAX_FILE);
		rc = ERR_TOO_LARGE;
		goto out;
	}
	rc = protocol_load_buffer(path, buf, n, out, diags);
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

void protocol_free(struct protocol *p)
{
	if (!p)
		return;
	arena_free(&p->arena);
	free(p);
}
