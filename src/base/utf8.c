/*
 * utf8.c — UTF-8 encoding and decoding, Latin letters upper-cased and folded (utf8.h).
 *
 * Latin Extended-A comes in case pairs, capital first, except U+0139–U+0148 and U+0179–U+017E
 * where the capital is the odd code point; the exceptions (İ ı ĸ ŉ ſ Ÿ) are handled one by one.
 * The folding table lists ranges of code points and the capitals they fold to.
 */
#include "base/utf8.h"

#include <string.h>

size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	*cp = 0;
	if (len == 0)
		return 0;
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (u[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

size_t utf8_encode_or_replacement(uint32_t cp, char *out)
{
	size_t n = utf8_encode(cp, out);
	return n ? n : utf8_encode(0xFFFD, out);
}

size_t utf8_char_len(const char *s, size_t len)
{
	uint32_t cp;
	return utf8_decode(s, len, &cp);
}

bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t k = utf8_char_len(s + i, len - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/* The number of bytes a sequence announces by its first byte; 1 for ASCII and for a byte that
 * cannot start a sequence. */
static size_t utf8_announced_len(unsigned char lead)
{
	return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = len < max ? len : max;
	size_t start = n, continuation = 0;
	while (start > 0 && continuation < 3 && (u[start - 1] & 0xC0) == 0x80) {
		start--;
		continuation++;
	}
	if (start == 0)
		return n;
	/* u[start - 1] is the last byte that is not a continuation byte, or the fourth one back. */
	if (continuation + 1 < utf8_announced_len(u[start - 1]))
		return start - 1;
	return n;
}

/* Ranges of Latin letters and the capitals they fold to. */
static const struct {
	uint16_t lo, hi;
	const char *base;
} latin[] = {
	{0x41, 0x5A, NULL}, /* A–Z: themselves */
	{0x61, 0x7A, NULL}, /* a–z: their capital */
	{0xC0, 0xC5, "A"},   {0xC6, 0xC6, "AE"},  {0xC7, 0xC7, "C"},   {0xC8, 0xCB, "E"},
	{0xCC, 0xCF, "I"},   {0xD0, 0xD0, "D"},   {0xD1, 0xD1, "N"},   {0xD2, 0xD6, "O"},
	{0xD8, 0xD8, "O"},   {0xD9, 0xDC, "U"},   {0xDD, 0xDD, "Y"},   {0xDE, 0xDE, "TH"},
	{0xDF, 0xDF, "SS"},  {0xE0, 0xE5, "A"},   {0xE6, 0xE6, "AE"},  {0xE7, 0xE7, "C"},
	{0xE8, 0xEB, "E"},   {0xEC, 0xEF, "I"},   {0xF0, 0xF0, "D"},   {0xF1, 0xF1, "N"},
	{0xF2, 0xF6, "O"},   {0xF8, 0xF8, "O"},   {0xF9, 0xFC, "U"},   {0xFD, 0xFD, "Y"},
	{0xFE, 0xFE, "TH"},  {0xFF, 0xFF, "Y"},   {0x100, 0x105, "A"}, {0x106, 0x10D, "C"},
	{0x10E, 0x111, "D"}, {0x112, 0x11B, "E"}, {0x11C, 0x123, "G"}, {0x124, 0x127, "H"},
	{0x128, 0x131, "I"}, {0x132, 0x133, "IJ"}, {0x134, 0x135, "J"}, {0x136, 0x138, "K"},
	{0x139, 0x142, "L"}, {0x143, 0x14B, "N"}, {0x14C, 0x151, "O"}, {0x152, 0x153, "OE"},
	{0x154, 0x159, "R"}, {0x15A, 0x161, "S"}, {0x162, 0x167, "T"}, {0x168, 0x173, "U"},
	{0x174, 0x175, "W"}, {0x176, 0x178, "Y"}, {0x179, 0x17E, "Z"}, {0x17F, 0x17F, "S"},
	{0x218, 0x219, "S"}, {0x21A, 0x21B, "T"},
};

static const char *const ascii_caps[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I",
					   "J", "K", "L", "M", "N", "O", "P", "Q", "R",
					   "S", "T", "U", "V", "W", "X", "Y", "Z"};

const char *utf8_latin_base(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(latin) / sizeof(latin[0]); i++) {
		if (cp < latin[i].lo || cp > latin[i].hi)
			continue;
		if (latin[i].base)
			return latin[i].base;
		return ascii_caps[cp - latin[i].lo];
	}
	return NULL;
}

bool utf8_is_latin_letter(uint32_t cp)
{
	return utf8_latin_base(cp) != NULL;
}

uint32_t utf8_upper_cp(uint32_t cp)
{
	if (cp >= 'a' && cp <= 'z')
		return cp - 0x20;
	if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
		return cp - 0x20;
	switch (cp) {
	case 0xFF: return 0x178;  /* ÿ → Ÿ */
	case 0x131: return 'I';   /* dotless ı */
	case 0x17F: return 'S';   /* long ſ */
	case 0x130: case 0x138: case 0x149: case 0x178:
		return cp;        /* İ, ĸ, ŉ, Ÿ */
	default: break;
	}
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177) ||
	    (cp >= 0x218 && cp <= 0x21B))
		return (cp & 1) ? cp - 1 : cp;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (cp & 1) ? cp : cp - 1;
	return cp;
}

enum coop_err utf8_upper(const char *s, size_t len, char *out, size_t out_size, size_t *out_len)
{
	size_t n = 0;
	enum coop_err err = COOP_OK;
	if (out_len)
		*out_len = 0;
	if (out_size == 0)
		return ERR_TOO_LARGE;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (k == 0 || cp == 0) {
			err = ERR_INVALID;
			goto out;
		}
		char enc[4];
		size_t m = utf8_encode(utf8_upper_cp(cp), enc);
		if (n + m >= out_size) {
			err = ERR_TOO_LARGE;
			goto out;
		}
		memcpy(out + n, enc, m);
		n += m;
		i += k;
	}
out:
	if (err != COOP_OK)
		n = 0;
	out[n] = '\0';
	if (out_len)
		*out_len = n;
	return err;
}
