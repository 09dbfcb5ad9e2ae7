/*
 * utf8.h — UTF-8 encoding and decoding, and the Latin letters of French identities.
 *
 * Names typed at the desk (birth names, first names) are Latin letters, often with diacritics:
 * "Lefèvre", "Inès", "Œillet", "Ștefan". This module upper-cases them properly ("LEFÈVRE", not
 * the "LEFèVRE" an ASCII-only upper-casing gives) and knows the plain capitals each one folds to
 * for comparison and search ("È" → "E", "Æ" → "AE", "ß" → "SS").
 *
 * The Latin letters handled: ASCII, Latin-1 Supplement (U+00C0–U+00FF but × and ÷), Latin
 * Extended-A (U+0100–U+017F) and the Romanian comma-below letters Ș ș Ț ț (U+0218–U+021B).
 * That covers the names of the European languages written on French identity documents; other
 * scripts are transliterated on the documents themselves.
 *
 * Everything here is pure: no allocation, no global state; inputs are (pointer, length) pairs.
 */
#ifndef COOP_BASE_UTF8_H
#define COOP_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Writes the UTF-8 encoding of cp into out (room for 4 bytes) and returns its length, or 0
 * (writing nothing) for a surrogate half or a value above U+10FFFF. */
size_t utf8_encode(uint32_t cp, char *out);

/* Decodes the character at the start of s[0..len): stores its code point in *cp and returns its
 * length in bytes (1–4); returns 0 (and *cp = 0) when len is 0 or the bytes are not valid UTF-8
 * (bad lead or continuation byte, truncated, overlong, surrogate, above U+10FFFF). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* True when cp is one of the Latin letters listed at the top (either case). */
bool utf8_is_latin_letter(uint32_t cp);

/* The capital of a Latin letter (é → É, ÿ → Ÿ, ı → I, ſ → S, ș → Ș); any other code point, and
 * the letters without a single capital (ß, ĸ, ŉ), unchanged. Never longer in UTF-8 than cp. */
uint32_t utf8_upper_cp(uint32_t cp);

/* The plain ASCII capitals a Latin letter folds to ("A" for à, "AE" for æ, "SS" for ß, "TH" for
 * þ, "OE" for œ, "IJ" for ĳ); NULL when cp is not a Latin letter. Static storage, at most as many
 * bytes as cp's UTF-8 encoding. */
const char *utf8_latin_base(uint32_t cp);

/* Upper-cases the UTF-8 text s[0..len) character by character (utf8_upper_cp) into out,
 * NUL-terminated; its length into *out_len when not NULL. The result is never longer than s, so
 * out_size > len always suffices. Returns COOP_OK; ERR_INVALID when s is not valid UTF-8 or
 * holds a NUL byte, ERR_TOO_LARGE when out is too small: then out is "" (if out_size > 0) and
 * *out_len is 0. */
enum coop_err utf8_upper(const char *s, size_t len, char *out, size_t out_size, size_t *out_len);

#endif
