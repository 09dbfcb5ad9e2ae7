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
 * It also holds the checks every layer needs on text that comes from outside (a request body, a
 * protocol file, a name): is it valid UTF-8, how long is the character here, and where to cut a
 * text so that it never ends in the middle of a character (a message written into a fixed buffer).
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

/* utf8_encode, but U+FFFD (the replacement character, 3 bytes) in place of what UTF-8 cannot
 * carry (a surrogate half, a value above U+10FFFF); never 0. out has room for 4 bytes. */
size_t utf8_encode_or_replacement(uint32_t cp, char *out);

/* Length in bytes (1–4) of the valid UTF-8 character at the start of s[0..len); 0 when len is 0
 * or the bytes are not valid UTF-8 (the same refusals as utf8_decode). A NUL byte is a valid
 * character of length 1: callers that refuse it check it themselves. */
size_t utf8_char_len(const char *s, size_t len);

/* True when s[0..len) is valid UTF-8 throughout (utf8_char_len at each character); true for
 * len 0. NUL bytes are valid here (see utf8_char_len). */
bool utf8_valid(const char *s, size_t len);

/* Where to cut s[0..len) to keep at most max bytes without splitting a character: the largest
 * n <= min(len, max) such that s[0..n) does not end with an incomplete sequence (a lead byte
 * followed by fewer continuation bytes than it announces). Looks only at s[0..n), so it also
 * repairs a buffer that a truncating snprintf cut mid-character: s[utf8_cut(s, len, len)] = 0.
 * On valid UTF-8, s[0..n) is valid UTF-8; stray continuation bytes are left as they are. */
size_t utf8_cut(const char *s, size_t len, size_t max);

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
