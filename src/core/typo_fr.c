/*
 * typo_fr.c — French spaces and euro amounts (see typo_fr.h).
 *
 * typo_fr() walks the text one code point at a time and writes into the caller's buffer. A
 * run of spaces is replaced by the right space as a whole, chosen from the last code point
 * written (after «) and the code point after the run (; ! ? : »); a mark with no space before
 * it gets one inserted under the conditions of the header. Every decision reads the output
 * written so far and the input ahead, never a flag of an earlier pass, so the second pass
 * finds every space already right and copies it (idempotence).
 */
#include "core/typo_fr.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "base/utf8.h"

enum {
	NBSP = 0x00A0,  /* no-break space */
	NNBSP = 0x202F, /* narrow no-break space */
	THIN = 0x2009,  /* thin space */
	LAQUO = 0x00AB, /* « */
	RAQUO = 0x00BB, /* » */
};

struct out {
	char *buf;
	size_t cap, len;
	uint32_t last; /* last code point written, 0 at the start */
	bool full;
};

static void put(struct out *o, uint32_t cp)
{
	char b[4];
	size_t k = utf8_encode(cp, b);
	if (o->full || o->len + k + 1 > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, b, k);
	o->len += k;
	o->last = cp;
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == NBSP || cp == NNBSP || cp == THIN;
}

static bool is_tight(uint32_t cp) /* takes a narrow no-break space before it */
{
	return cp == ';' || cp == '!' || cp == '?';
}

static bool is_mark(uint32_t cp)
{
	return is_tight(cp) || cp == ':';
}

/* what may follow a mark that ends a word; 0 is the end of the text */
static bool ends_word(uint32_t cp)
{
	return cp == 0 || is_space(cp) || cp == '\n' || cp == '\r' || cp == '\t' || cp == RAQUO ||
		cp == '"' || cp == '\'' || cp == ')' || cp == '.' || cp == ',' || is_mark(cp);
}

/* the code point at in[i..len), 0 at the end */
static uint32_t peek(const char *in, size_t len, size_t i)
{
	uint32_t cp = 0;
	if (i < len)
		(void)utf8_decode(in + i, len - i, &cp);
	return cp;
}

enum coop_err typo_fr(const char *in, size_t len, char *out, size_t cap, size_t *out_len)
{
	enum coop_err err = COOP_OK;
	struct out o = {.buf = out, .cap = cap};
	if (cap == 0) {
		err = ERR_TOO_LARGE;
		goto out;
	}
	if ((len > 0 && !in) || !utf8_valid(in, len) || memchr(in, '\0', len)) {
		err = ERR_INVALID;
		goto out;
	}
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(in + i, len - i, &cp);
		if (is_space(cp)) {
			size_t j = i;
			while (j < len) {
				uint32_t c2;
				size_t k2 = utf8_decode(in + j, len - j, &c2);
				if (!is_space(c2))
					break;
				j += k2;
			}
			uint32_t next = peek(in, len, j);
			if (o.last == LAQUO)
				put(&o, NBSP);
			else if (o.last != 0 && o.last != '\n' && is_tight(next))
				put(&o, NNBSP);
			else if (o.last != 0 && o.last != '\n' && (next == ':' || next == RAQUO))
				put(&o, NBSP);
			else
				for (size_t m = i; m < j;) {
					uint32_t c2;
					m += utf8_decode(in + m, j - m, &c2);
					put(&o, c2);
				}
			i = j;
			continue;
		}
		uint32_t next = peek(in, len, i + k);
		bool after_word = o.last != 0 && !is_space(o.last) && o.last != '\n' &&
			o.last != '\r' && o.last != '\t' && !is_mark(o.last);
		if (is_mark(cp) && after_word && ends_word(next))
			put(&o, cp == ':' ? NBSP : NNBSP);
		else if (cp == RAQUO && o.last != 0 && !is_space(o.last) && o.last != '\n' &&
			o.last != '\r' && o.last != '\t' && o.last != LAQUO)
			put(&o, NBSP);
		put(&o, cp);
		if (cp == LAQUO && next != 0 && !is_space(next) && next != '\n' && next != '\r')
			put(&o, NBSP);
		i += k;
	}
	if (o.full)
		err = ERR_TOO_LARGE;
out:
	if (err != COOP_OK) {
		o.len = 0;
		if (cap > 0)
			out[0] = '\0';
	} else {
		out[o.len] = '\0';
	}
	if (out_len)
		*out_len = o.len;
	return err;
}

enum coop_err money_fr(int64_t cents, char *buf, size_t n)
{
	char tmp[MONEY_FR_MAX];
	size_t p = sizeof tmp;
	bool neg = cents < 0;
	uint64_t v = neg ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	/* written backwards from the end of tmp: " €" (U+00A0 then U+20AC), cents, ',', groups */
	static const char euro[] = "\xc2\xa0\xe2\x82\xac";
	p -= sizeof euro - 1;
	memcpy(tmp + p, euro, sizeof euro - 1);
	tmp[--p] = (char)('0' + v % 10);
	v /= 10;
	tmp[--p] = (char)('0' + v % 10);
	v /= 10;
	tmp[--p] = ',';
	int digits = 0;
	do {
		if (digits > 0 && digits % 3 == 0) {
			p -= 3;
			memcpy(tmp + p, "\xe2\x80\xaf", 3);
		}
		tmp[--p] = (char)('0' + v % 10);
		v /= 10;
		digits++;
	} while (v > 0);
	if (neg)
		tmp[--p] = '-';
	size_t l = sizeof tmp - p;
	if (l + 1 > n) {
		if (n > 0)
			buf[0] = '\0';
		return ERR_TOO_LARGE;
	}
	memcpy(buf, tmp + p, l);
	buf[l] = '\0';
	return COOP_OK;
}
