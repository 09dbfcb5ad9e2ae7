/*
 * load_tree.c — the protocol loader's YAML tree: libfyaml events to positioned nodes, the
 * diagnostics, the user text quoted in messages, and closed mappings.
 *
 * The file is parsed with libfyaml's event API into a small node tree that keeps the line,
 * column and byte offset of every node (libfyaml 0.7's document API gives no position for
 * mappings and sequences, and the event API also lets us refuse duplicate keys, anchors,
 * aliases, tags and extra documents). Quoted scalars are decoded here from the source bytes:
 * libfyaml 0.7.12 (Debian 12) leaks memory and returns wrong text for some of them (see
 * decode_quoted()). Diagnostics are French sentences with 1-based positions, at most
 * PROTOCOL_MAX_DIAGS kept, cut on a character boundary. A closed mapping (ld_map_open) refuses
 * unknown keys and names the missing required ones. See load_internal.h for the contracts.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "base/utf8.h"

#include "protocol/load_internal.h"

#define TREE_MAX_DEPTH 32 /* the schema needs 7 */

/* ---------------------------------------------------------------- diagnostics */

/* Cuts an incomplete UTF-8 sequence left at the end of s by a truncating snprintf. */
static void trim_utf8(char *s)
{
	size_t n = strlen(s);
	s[utf8_cut(s, n, n)] = '\0';
}

bool ld_diag_full(const struct ctx *c)
{
	return c->d->count >= PROTOCOL_MAX_DIAGS;
}

static void vdiag(struct ctx *c, bool warning, unsigned line, unsigned col, const char *fmt,
		  va_list ap)
{
	if (!warning)
		c->d->n_errors++;
	if (ld_diag_full(c))
		return;
	struct protocol_diag *g = &c->d->items[c->d->count++];
	g->line = line;
	g->column = col;
	g->warning = warning;
	vsnprintf(g->message, sizeof(g->message), fmt, ap);
	trim_utf8(g->message);
}

void ld_err_pos(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(c, false, line, col, fmt, ap);
	va_end(ap);
}

void ld_err_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(c, false, n ? n->line : 0, n ? n->column : 0, fmt, ap);
	va_end(ap);
}

void ld_warn_at(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(c, true, n ? n->line : 0, n ? n->column : 0, fmt, ap);
	va_end(ap);
}

void ld_sort_diags(struct protocol_diags *d)
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

/* ---------------------------------------------------------------- nodes and quoted user text */

const char *ld_show_text(const char *text, size_t len, char *buf, size_t size)
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

const char *ld_show(const struct ynode *n, char *buf, size_t size)
{
	if (!n || n->kind != Y_SCALAR) {
		buf[0] = '\0';
		return buf;
	}
	return ld_show_text(n->text, n->len, buf, size);
}

bool ld_is_null(const struct ynode *n)
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

bool ld_absent(const struct ynode *n)
{
	return !n || ld_is_null(n);
}

bool ld_is_blank(const struct ynode *n)
{
	for (size_t i = 0; i < n->len; i++)
		if (n->text[i] != ' ' && n->text[i] != '\t' && n->text[i] != '\n' &&
		    n->text[i] != '\r')
			return false;
	return true;
}

const char *ld_found(const struct ynode *n, char *buf, size_t size)
{
	char t[SHOW_MAX + 8];
	if (!n)
		return "rien";
	if (n->kind == Y_SEQ)
		return "une liste";
	if (n->kind == Y_MAP)
		return "un tableau associatif";
	if (ld_is_null(n))
		return "une valeur vide";
	if (n->style == FYSS_PLAIN)
		snprintf(buf, size, "« %s »", ld_show(n, t, sizeof(t)));
	else
		snprintf(buf, size, "le texte entre guillemets « %s »", ld_show(n, t, sizeof(t)));
	trim_utf8(buf);
	return buf;
}

const char *ld_scalar_cstr(const struct ynode *n)
{
	if (!n || n->kind != Y_SCALAR || ld_is_null(n) || memchr(n->text, '\0', n->len))
		return NULL;
	return n->text;
}

bool ld_text_is(const struct ynode *n, const char *s)
{
	size_t l = strlen(s);
	return n && n->kind == Y_SCALAR && n->len == l && memcmp(n->text, s, l) == 0;
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
		ld_err_pos(c, (unsigned)m->line + 1, (unsigned)m->column + 1, "%s", msg);
	else
		ld_err_at(c, n, "%s", msg);
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
				ld_err_at(c, n,
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
		ld_err_at(c, n, "les alias YAML (*nom) ne sont pas acceptés : recopiez la valeur");
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
			ld_err_at(c, n, "imbrication YAML trop profonde (%d niveaux au plus)",
				  TREE_MAX_DEPTH);
			return true;
		}
		ts->stack[ts->depth++] = n;
	}
	return false;
}

struct ynode *ld_parse_yaml(struct ctx *c)
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
			ld_err_pos(
				c, e->line > 0 ? (unsigned)e->line : 0,
				e->column > 0 ? (unsigned)e->column : 0,
				"erreur de syntaxe YAML (indentation, deux-points, guillemets ou "
				"crochets) ; détail de l'analyseur, en anglais : %s",
				e->msg ? e->msg : "texte inattendu");
			reported = true;
		}
		if (!reported)
			ld_err_pos(c, c->last_line, c->last_column, "erreur de syntaxe YAML");
		goto out;
	}
	if (stop)
		goto out;
	if (!ts.root) {
		ld_err_pos(c, 0, 0, "le fichier ne contient aucune donnée YAML");
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

bool ld_map_open(struct ctx *c, const struct ynode *n, const struct mapdesc *desc, struct mapv *mv)
{
	char b1[SHOW_MAX + 8], b2[200];
	assert(desc->n <= MAP_MAX_KEYS);
	memset(mv, 0, sizeof(*mv));
	mv->desc = desc;
	mv->node = n;
	if (!n)
		return false;
	if (n->kind != Y_MAP) {
		ld_err_at(
			c, n,
			"attendu : %s sous forme de tableau associatif (clé: valeur), trouvé : %s",
			desc->what, ld_found(n, b2, sizeof(b2)));
		return false;
	}
	for (const struct ynode *k = n->first; k; k = k->next ? k->next->next : NULL) {
		const struct ynode *v = k->next;
		if (k->kind != Y_SCALAR) {
			ld_err_at(c, k, "une clé doit être un simple nom, pas %s",
				  ld_found(k, b2, sizeof(b2)));
			continue;
		}
		size_t i = desc_index(desc, k->text, k->len);
		if (i == SIZE_MAX) {
			if (!ld_diag_full(c))
				ld_err_at(c, k, "clé inconnue « %s » %s (attendu : %s)",
					  ld_show(k, b1, sizeof(b1)), desc->in,
					  key_list(desc, b2, sizeof(b2)));
			else
				ld_err_at(c, k, "clé inconnue");
			continue;
		}
		if (mv->key[i]) {
			ld_err_at(c, k, "clé « %s » en double %s", key_name(desc->keys[i]),
				  desc->in);
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
			ld_err_at(c, n, "source manquante : %s doit citer sa source", desc->each);
		} else if (strcmp(kn, "confidence") == 0) {
			ld_err_at(
				c, n,
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
		ld_err_at(c, n, "clé obligatoire « %s » manquante %s", first, desc->in);
	else if (missing > 1)
		ld_err_at(c, n, "clés obligatoires manquantes %s : %s", desc->in, b2);
	return true;
}

const struct ynode *ld_mv_get(const struct mapv *mv, const char *name)
{
	size_t i = desc_index(mv->desc, name, strlen(name));
	return i == SIZE_MAX ? NULL : mv->val[i];
}

const struct ynode *ld_mv_key(const struct mapv *mv, const char *name)
{
	size_t i = desc_index(mv->desc, name, strlen(name));
	return i == SIZE_MAX ? NULL : mv->key[i];
}
