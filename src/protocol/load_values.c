/*
 * load_values.c — the protocol loader's typed values: texts, integers, decimal numbers, dates,
 * enumerations, lists, source and confidence, urgencies and identifiers.
 *
 * Each reader takes a node and the key it was found under, checks the type and range, stores
 * the value (texts are copied into the protocol's arena) and reports a French error at the
 * node's position naming the key and what was found. Numbers are parsed here without the C
 * library's locale-dependent functions. See load_internal.h for the contracts.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

#include "protocol/load_internal.h"

/* ---------------------------------------------------------------- typed values */

bool ld_get_str(struct ctx *c, const struct ynode *v, const char *key, const char **out)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SCALAR) {
		ld_err_at(c, v, "« %s » doit être un texte, trouvé : %s", key,
			  ld_found(v, b, sizeof(b)));
		return false;
	}
	if (ld_is_null(v) || ld_is_blank(v)) {
		ld_err_at(c, v, "« %s » ne doit pas être vide", key);
		return false;
	}
	if (!utf8_valid(v->text, v->len) || memchr(v->text, '\0', v->len)) {
		ld_err_at(c, v, "« %s » contient un caractère nul ou un texte UTF-8 invalide", key);
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

bool ld_get_opt_str(struct ctx *c, const struct ynode *v, const char *key, const char **out)
{
	*out = NULL;
	if (ld_absent(v))
		return true;
	return ld_get_str(c, v, key, out);
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

bool ld_get_int(struct ctx *c, const struct ynode *v, const char *key, long long min, long long max,
		int *out)
{
	char b[200];
	long long x;
	if (!v)
		return false;
	if (v->kind != Y_SCALAR || ld_is_null(v) || v->style != FYSS_PLAIN ||
	    !parse_int_text(v->text, v->len, &x)) {
		ld_err_at(c, v, "« %s » doit être un nombre entier, trouvé : %s", key,
			  ld_found(v, b, sizeof(b)));
		return false;
	}
	if (x < min || x > max) {
		ld_err_at(c, v, "« %s » doit être compris entre %lld et %lld (trouvé : %lld)", key,
			  min, max, x);
		return false;
	}
	*out = (int)x;
	return true;
}

bool ld_get_num(struct ctx *c, const struct ynode *v, const char *key, double *out)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SCALAR || ld_is_null(v) || v->style != FYSS_PLAIN ||
	    !parse_number_text(v->text, v->len, out)) {
		ld_err_at(c, v,
			  "« %s » doit être un nombre (écrit avec un point décimal), trouvé : %s",
			  key, ld_found(v, b, sizeof(b)));
		return false;
	}
	return true;
}

bool ld_get_positive(struct ctx *c, const struct ynode *v, const char *key, double *out)
{
	if (!ld_get_num(c, v, key, out))
		return false;
	if (!(*out > 0)) {
		ld_err_at(c, v, "« %s » doit être strictement positif", key);
		return false;
	}
	return true;
}

bool ld_get_date(struct ctx *c, const struct ynode *v, const char *key, coop_date *out)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SCALAR || ld_is_null(v) || !date_parse(v->text, v->len, out)) {
		ld_err_at(c, v,
			  "« %s » doit être une date existante au format AAAA-MM-JJ, trouvé : %s",
			  key, ld_found(v, b, sizeof(b)));
		return false;
	}
	return true;
}

bool ld_get_enum(struct ctx *c, const struct ynode *v, const char *key, const char *const *names,
		 size_t n, int *out)
{
	char b[200], list[200];
	if (!v)
		return false;
	if (v->kind == Y_SCALAR) {
		for (size_t i = 0; i < n; i++) {
			if (ld_text_is(v, names[i])) {
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
	ld_err_at(c, v, "« %s » doit être l'un de : %s (trouvé : %s)", key, list,
		  ld_found(v, b, sizeof(b)));
	return false;
}

bool ld_get_seq(struct ctx *c, const struct ynode *v, const char *key, size_t min, size_t max)
{
	char b[200];
	if (!v)
		return false;
	if (v->kind != Y_SEQ) {
		ld_err_at(c, v, "« %s » doit être une liste, trouvé : %s", key,
			  ld_found(v, b, sizeof(b)));
		return false;
	}
	if (v->count < min) {
		if (min == 1)
			ld_err_at(c, v, "« %s » doit contenir au moins un élément", key);
		else
			ld_err_at(c, v, "« %s » doit contenir au moins %zu éléments", key, min);
		return false;
	}
	if (v->count > max) {
		ld_err_at(c, v, "« %s » contient trop d'éléments (%zu au plus)", key, max);
		return false;
	}
	return true;
}

size_t ld_get_opt_seq(struct ctx *c, const struct ynode *v, const char *key, size_t max)
{
	if (ld_absent(v))
		return 0;
	return ld_get_seq(c, v, key, 0, max) ? v->count : 0;
}

void ld_get_str_list(struct ctx *c, const struct ynode *v, const char *key, size_t min,
		     const char ***out, size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	if (min == 0 && ld_absent(v))
		return;
	if (!ld_get_seq(c, v, key, min, PROTOCOL_MAX_LIST) || v->count == 0)
		return;
	const char **arr = arena_alloc(&c->p->arena, v->count * sizeof(*arr));
	if (!arr) {
		c->nomem = true;
		return;
	}
	size_t i = 0;
	for (const struct ynode *it = v->first; it; it = it->next)
		if (ld_get_str(c, it, key, &arr[i]))
			i++;
	*out = arr;
	*n_out = i;
}

static const char *const confidence_names[] = {"confirmed", "inferred", "to_verify"};
static const char *const urgency_names[] = {"physician_later", "physician_same_day", "emergency"};

void ld_get_prov(struct ctx *c, const struct mapv *mv, struct provenance *prov)
{
	int k;
	ld_get_str(c, ld_mv_get(mv, "source"), "source", &prov->source);
	if (ld_get_enum(c, ld_mv_get(mv, "confidence"), "confidence", confidence_names,
			ARRAY_LEN(confidence_names), &k))
		prov->confidence = (enum confidence)k;
}

bool ld_get_urgency(struct ctx *c, const struct ynode *v, enum urgency *out)
{
	int k;
	if (!ld_get_enum(c, v, "urgency", urgency_names, ARRAY_LEN(urgency_names), &k))
		return false;
	*out = (enum urgency)(k + 1);
	return true;
}

/* ---------------------------------------------------------------- identifiers */

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

bool ld_get_id(struct ctx *c, const struct ynode *v, const char *key, enum id_form f,
	       const char **out)
{
	char b[SHOW_MAX + 8];
	if (!ld_get_str(c, v, key, out))
		return false;
	if (!id_valid(v->text, v->len, f)) {
		ld_err_at(c, v, "identifiant invalide « %s » pour « %s » (forme attendue : %s)",
			  ld_show(v, b, sizeof(b)), key, id_form_text[f]);
		return false;
	}
	return true;
}

bool ld_reserved_name(const char *s)
{
	static const char *const words[] = {"age_years", "age_months", "sex", "visit_date",
					    "and",       "or",         "xor", "implies",
					    "div",       "mod",        "in",  "contains",
					    "true",      "false",      "is",  "as"};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}
