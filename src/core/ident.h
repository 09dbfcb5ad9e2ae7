/*
 * ident.h — checking the French identifiers Coop stores: NIR, RPPS, ADELI, FINESS, SIRET, SIREN.
 *
 * A wrong identifier is refused with a clear French message and never stored. The flow for
 * text typed by a user is ident_parse(): bound the input (IDENT_INPUT_MAX bytes), normalise it
 * (drop ASCII spaces, upper-case ASCII letters, so "2 53 07 2a ..." becomes "253072A..."), then
 * check format and key; the normalised form is what gets stored. ident_check() checks a value
 * that is already normalised (for instance one read back from the database).
 *
 * Formats and keys follow the project's regulatory research (identifiers section):
 *   NIR     15 chars: 13 digits (positions 6–7, the birth département, may be 2A or 2B) and a
 *           2-digit key = 97 − (N mod 97), N the first 13 chars with 2A→19, 2B→18. The first
 *           digit must be 1 or 2 (sex) or 3, 4, 7, 8 (special or temporary numbers; low
 *           confidence in the research, so they are accepted rather than refused). The month
 *           (positions 4–5) and the rest are NOT checked: real NIRs use months outside 01–12
 *           (unknown month) and the research establishes only the key.
 *   RPPS    11 digits, Luhn.
 *   ADELI   9 digits, format only (the key algorithm is unknown). 2A/2B + 7 digits (Corsica)
 *           is accepted: unverified, but refusing a real Corsican number would block its holder
 *           while accepting costs nothing (no key is checked anyway).
 *   FINESS  9 digits with Luhn. 2A/2B + 7 digits (Corsica) is accepted on format only: how the
 *           key is computed for them is unknown (a known gap, documented in ident.c).
 *   SIREN   9 digits, Luhn.
 *   SIRET   14 digits, Luhn, except La Poste establishments (SIRET starting 356000000 other than
 *           the head office 35600000000048), whose digit sum must be a multiple of 5; in every
 *           case the first 9 digits must be a valid SIREN.
 *
 * The second half is identity vigilance for the patient's strict traits (see the section below):
 * names checked and stored as typed but in capitals, their folded form for comparison and
 * search, the NIR's agreement with sex and birth date, and the matching of possible duplicates.
 *
 * Everything here is pure: no I/O, no allocation, no global state. Inputs are (pointer, length)
 * pairs, never read past the length, and need not be NUL-terminated; a NULL pointer is allowed
 * when the length is 0. Messages are written with snprintf into caller buffers, always
 * NUL-terminated when the size is not 0, and cut on a UTF-8 character boundary when too small.
 */
#ifndef COOP_CORE_IDENT_H
#define COOP_CORE_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "base/error.h"

enum ident_kind {
	IDENT_NIR,    /* numéro d'inscription au répertoire (sécurité sociale) */
	IDENT_RPPS,   /* répertoire partagé des professionnels de santé */
	IDENT_ADELI,  /* automatisation des listes (professions not yet in RPPS) */
	IDENT_FINESS, /* fichier national des établissements sanitaires et sociaux */
	IDENT_SIRET,  /* establishment (SIREN + NIC) */
	IDENT_SIREN,  /* company */
};
#define IDENT_KIND_COUNT 6

/* Why a value was refused (IDENT_VALID = accepted). */
enum ident_status {
	IDENT_VALID = 0,
	IDENT_EMPTY,        /* nothing (or only spaces) typed */
	IDENT_TOO_LONG,     /* more than IDENT_INPUT_MAX bytes: refused before looking at them */
	IDENT_BAD_CHAR,     /* a character not allowed (at all, or at its position) */
	IDENT_BAD_LENGTH,   /* wrong number of characters */
	IDENT_BAD_PREFIX,   /* NIR: first digit not 1, 2, 3, 4, 7 or 8 */
	IDENT_BAD_KEY,      /* the check key (or La Poste digit sum) does not match */
	IDENT_BAD_SIREN,    /* SIRET: its first 9 digits are not a valid SIREN */
	IDENT_UNKNOWN_KIND, /* kind is not one of enum ident_kind (a caller bug) */
};

#define IDENT_INPUT_MAX 64                     /* longest raw input accepted, in bytes */
#define IDENT_NORM_SIZE (IDENT_INPUT_MAX + 1)  /* buffer that holds any normalised input */
#define IDENT_VALUE_MAX 15                     /* longest valid identifier (NIR) */
#define IDENT_VALUE_SIZE (IDENT_VALUE_MAX + 1) /* buffer that holds any valid value */
#define IDENT_MSG_SIZE 256                     /* message buffer that is never too small */

/* Short stable code of kind ("nir", "rpps", "adeli", "finess", "siret", "siren") for APIs and
 * files; NULL when kind is out of range. Static storage. */
const char *ident_kind_code(enum ident_kind kind);

/* French label for forms ("NIR (numéro de sécurité sociale)", "numéro RPPS", ...); NULL when
 * kind is out of range. Static storage, UTF-8. */
const char *ident_kind_label(enum ident_kind kind);

/* Number of characters of a valid value of kind (15, 11, 9, 9, 14, 9); 0 when out of range. */
size_t ident_kind_length(enum ident_kind kind);

/* Parses the len bytes of s as an exact, lower-case code of ident_kind_code(); on success
 * stores the kind in *out and returns true; otherwise returns false and leaves *out alone. */
bool ident_kind_from_code(const char *s, size_t len, enum ident_kind *out);

/* Normalises raw user input: removes every ASCII space (0x20, and nothing else: no tabs, no
 * non-breaking spaces, no dots or dashes) and upper-cases ASCII letters a–z; every other byte
 * is copied unchanged (the check reports it). Writes the result and a NUL into out, its length
 * (embedded NUL bytes are kept and counted) into *out_len when out_len is not NULL.
 * Returns COOP_OK; ERR_TOO_LARGE when len > IDENT_INPUT_MAX or the result does not fit in
 * out_size bytes (never with out_size ≥ IDENT_NORM_SIZE), in which case out is "" (if
 * out_size > 0) and *out_len is 0. Idempotent: normalising a normalised value returns it. */
enum coop_err ident_normalize(const char *s, size_t len, char *out, size_t out_size,
			      size_t *out_len);

/* Checks the len bytes of s, taken as an already normalised value of kind (spaces and
 * lower-case letters are refused here). Returns IDENT_VALID, or the first problem found in this
 * order: too long, empty, a character never allowed (with its 1-based position), wrong length,
 * a letter at the wrong place, NIR first digit, key, SIRET's SIREN. When msg_size > 0, writes
 * into msg a French sentence for a health professional saying what is wrong (it never reveals
 * the expected key), or "" when valid; IDENT_MSG_SIZE bytes always hold the whole sentence. */
enum ident_status ident_diagnose(enum ident_kind kind, const char *s, size_t len, char *msg,
				 size_t msg_size);

/* ident_diagnose(...) == IDENT_VALID: true when s is a valid normalised value of kind. */
bool ident_check(enum ident_kind kind, const char *s, size_t len, char *msg, size_t msg_size);

/* The one call for user input: refuses more than IDENT_INPUT_MAX bytes, normalises, checks.
 * Returns true and writes the normalised value (NUL-terminated, the form to store) into out
 * when valid. Otherwise returns false, sets out to "" (if out_size > 0) and writes the French
 * message into msg as ident_diagnose() does; character positions count the normalised text, and
 * the message says "sans compter les espaces" when spaces were removed. out_size must be at
 * least ident_kind_length(kind) + 1 (IDENT_VALUE_SIZE always is): a smaller out is a caller bug,
 * answered by false and an internal-error message. */
COOP_MUST_CHECK bool ident_parse(enum ident_kind kind, const char *s, size_t len, char *out, size_t out_size,
		 char *msg, size_t msg_size);

/* True when s[0..len) is a non-empty run of ASCII digits whose Luhn sum is a multiple of 10
 * (every second digit from the right doubled, 9 subtracted from doubles above 9). */
bool ident_luhn_valid(const char *s, size_t len);

/* The digit (0–9) that, appended to the len ASCII digits of s, gives a Luhn-valid number (0 for
 * an empty payload); -1 when s holds a byte that is not an ASCII digit. */
int ident_luhn_check_digit(const char *s, size_t len);

/* ------------------------------------------------------------------ identity vigilance
 *
 * The rules an MSP's identity referent expects (domain README §8; confidence [L], kept simple
 * and documented here):
 * - Strict traits (birth name, first names; the used name follows the same rules) hold only
 *   Latin letters (utf8.h: with their diacritics), spaces, hyphens and apostrophes, and begin and
 *   end with a letter. Control characters, invisible characters (zero-width, soft hyphen, BOM,
 *   fillers, variation selectors) and bidirectional marks are refused with a French message,
 *   never silently dropped. What a keyboard or a copy from a document commonly sends is tidied:
 *   no-break spaces become spaces, typographic apostrophes (’ ʼ) become ', Unicode hyphens (‐ ‑)
 *   become -, runs of spaces become one, outer spaces go; combining accents following a letter
 *   are kept. The stored form is that, in capitals (utf8_upper): "Lefèvre" → "LEFÈVRE".
 * - The folded form compares and searches: capitals without diacritics, hyphens and apostrophes
 *   as spaces, one space between words ("Le Bihan-d’Arc" and "LE BIHAN D ARC" both fold to
 *   "LE BIHAN D ARC").
 * - The NIR agrees with the traits: see ident_nir_traits() for the rule and its exceptions.
 * - Two records are possible duplicates: see ident_match().
 */

#define IDENT_NAME_MAX 100                       /* characters of a name, at most */
#define IDENT_NAME_INPUT_MAX (IDENT_NAME_MAX * 4) /* bytes looked at, at most */
#define IDENT_NAME_SIZE (IDENT_NAME_INPUT_MAX + 1) /* buffer for any stored or folded name */

enum ident_name_status {
	IDENT_NAME_OK = 0,
	IDENT_NAME_EMPTY,     /* nothing, or only spaces */
	IDENT_NAME_TOO_LONG,  /* more than IDENT_NAME_MAX characters */
	IDENT_NAME_BAD_UTF8,  /* not valid UTF-8 (or a NUL byte) */
	IDENT_NAME_CONTROL,   /* a control character: C0 (tab, line feed...), DEL, C1, U+2028/9 */
	IDENT_NAME_INVISIBLE, /* an invisible character */
	IDENT_NAME_BIDI,      /* a bidirectional mark, embedding, override or isolate */
	IDENT_NAME_BAD_CHAR,  /* a digit, a punctuation mark or symbol, a non-Latin letter */
	IDENT_NAME_BAD_EDGE,  /* begins or ends with a hyphen or an apostrophe */
};

/* Checks a name typed by a user (birth name, first names, used name) and writes its stored form
 * (tidied and upper-cased, see above) into out, NUL-terminated. what is the field as the user
 * sees it, capitalised, for the message ("Le nom de naissance"). Returns IDENT_NAME_OK, or the
 * first problem found: then out is "" and msg (when msg_size > 0) holds a French sentence naming
 * the character and its position ("Le nom de naissance contient un caractère invisible
 * (U+200B) en 4e position : ..."). out_size must be at least IDENT_NAME_SIZE, or larger than len
 * (a smaller out answers IDENT_NAME_TOO_LONG). IDENT_MSG_SIZE bytes always hold the message. */
COOP_MUST_CHECK enum ident_name_status ident_name_parse(const char *what, const char *s, size_t len, char *out,
					size_t out_size, char *msg, size_t msg_size);

/* The folded form of the UTF-8 text s[0..len) into out (NUL-terminated, length in *out_len when
 * not NULL): Latin letters as their plain capitals (utf8_latin_base), ASCII digits kept,
 * combining accents dropped, anything else (spaces, hyphens, apostrophes, punctuation, other
 * scripts, invalid bytes) a word break; words joined by one space, no outer space. Never longer
 * than s: out_size > len always suffices; a smaller out gives ERR_TOO_LARGE, out "" and 0.
 * Idempotent. Used for stored names and search terms alike, so "lefè", "Lefevre" and "LEFÈVRE"
 * all fold to a prefix of "LEFEVRE". */
enum coop_err ident_fold(const char *s, size_t len, char *out, size_t out_size, size_t *out_len);

enum ident_sex { IDENT_SEX_UNKNOWN = 0, IDENT_SEX_FEMALE, IDENT_SEX_MALE };

enum ident_nir_agreement {
	IDENT_NIR_AGREES = 0,
	IDENT_NIR_SEX_DIFFERS,   /* first digit 1 (man) or 2 (woman) against the sex given */
	IDENT_NIR_YEAR_DIFFERS,  /* digits 2–3 are not the last two of the birth year */
	IDENT_NIR_MONTH_DIFFERS, /* digits 4–5, a month 01–12, are not the birth month */
	IDENT_NIR_MONTH_INVALID, /* digits 4–5 are 00, 13–19 or 43–49: no month and no known code */
	IDENT_NIR_NOT_VALID,     /* nir is not a valid normalised NIR (a caller bug) */
};

/* Does the valid, normalised NIR agree with the sex and birth date? The rule and its tolerated
 * exceptions (domain README §8, regulatory research §5):
 * - sex: first digit 1 is a man, 2 a woman; the special and temporary numbers (3, 4, 7, 8) are
 *   not compared (what they say of the sex is low-confidence), nor is an unknown sex;
 * - year: digits 2–3 are always the last two digits of the birth year;
 * - month: digits 4–5 from 01 to 12 are the birth month; 20–42 and 50–99 are the codes of an
 *   unknown month or of special registrations, accepted whatever the birth month; 00, 13–19 and
 *   43–49 are refused.
 * Returns IDENT_NIR_AGREES, or the first disagreement in that order, with a French sentence
 * (or "") in msg when msg_size > 0. */
enum ident_nir_agreement ident_nir_traits(const char *nir, enum ident_sex sex,
					  coop_date birth_date, char *msg, size_t msg_size);

/* A patient's strict traits as compared for duplicates: names folded (ident_fold), NIR
 * normalised; birthplace_code and nir may be NULL (unknown). */
struct ident_traits {
	const char *birth_name;  /* folded */
	const char *first_names; /* folded, the list in order */
	coop_date birth_date;
	enum ident_sex sex;
	const char *birthplace_code;
	const char *nir;
};

/* How a new record compares with an existing one, from no match to certainty. */
enum ident_match {
	IDENT_MATCH_NONE = 0,
	/* the same birth name and birth date, compatible sex and birthplace (equal, or one
	 * unknown), and first names of which one list begins the other ("JEANNE" and "JEANNE
	 * MARIE") without being equal, or equal first names with the sex unknown on one side; or
	 * identical traits but two different NIRs. May be a different person: the user who has
	 * seen the existing record can confirm that it is. */
	IDENT_MATCH_CLOSE,
	/* the same birth name, first names, birth date and sex, compatible birthplace, and no two
	 * different NIRs: nothing tells them apart, the existing record must be used (or corrected) */
	IDENT_MATCH_SAME,
	/* the same NIR: the same person, whatever the other traits say */
	IDENT_MATCH_NIR,
};

/* Compares the traits of a and b (symmetric). Pure; NULL names compare as empty. */
enum ident_match ident_match(const struct ident_traits *a, const struct ident_traits *b);

/* May the duplicate record dup be merged into kept? Refused (false, French sentence in msg when
 * msg_size > 0) when both carry a NIR and the NIRs differ: two people, not a duplicate. */
bool ident_merge_allowed(const struct ident_traits *kept, const struct ident_traits *dup,
			 char *msg, size_t msg_size);

#endif
