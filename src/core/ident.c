/*
 * ident.c — normalisation and checking of NIR, RPPS, ADELI, FINESS, SIRET and SIREN values.
 *
 * A check runs in a fixed order so that the message names the most useful problem first: the
 * input bound, emptiness, any character the kind never admits (reported with its position,
 * before the length, so that "123.456.789" is told about the dot rather than about 11
 * characters), the length, letters at the wrong place (only the Corsican départements 2A/2B
 * have letters), then the kind's own rules and key.
 *
 * Decisions on points the research leaves open (see ident.h for the formats):
 * - NIR first digit: 1/2 (sex) are certain; 3, 4, 7, 8 (special and temporary numbers) are
 *   low-confidence and accepted; 0, 5, 6, 9 are refused. The month and the commune are not
 *   checked: months 20–42 and 50–99 exist for unknown months, and nothing establishes the
 *   full rule, while the 97-modulus key already catches every single-digit typo.
 * - FINESS in Corsica (2A/2B + 7 digits): the format is accepted and the key is NOT checked,
 *   because how the letter is turned into digits for the Luhn key is unknown. Known gap: a
 *   typo in a Corsican FINESS goes undetected. Refusing them instead would lock out every
 *   Corsican establishment.
 * - ADELI: no key is known, so only the format; 2A/2B + 7 digits is accepted for the same
 *   reason as FINESS.
 * Messages never give the expected key: that would help forge a number.
 *
 * The identity-vigilance half (end of the file; rules in ident.h) refuses a character in a name
 * with its position counted in characters, not bytes, as the user sees it, and names it in
 * words (an invisible or bidirectional mark by its U+ code, since it cannot be shown).
 */
#include "core/ident.h"

#include "base/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct kind_info {
	const char *code;
	const char *label;
	const char *noun;    /* subject in sentences: "le NIR" */
	const char *noun_of; /* complement: "du NIR" */
	size_t length;
	const char *unit; /* what the length counts, with a hint on the structure */
	int corsica;      /* index of the '2' of an optional 2A/2B, or -1 */
};

static const struct kind_info kinds[IDENT_KIND_COUNT] = {
	[IDENT_NIR] = {"nir", "NIR (numéro de sécurité sociale)", "le NIR", "du NIR", 15,
		       "caractères (13 chiffres et une clé de 2 chiffres)", 5},
	[IDENT_RPPS] = {"rpps", "numéro RPPS", "le numéro RPPS", "du numéro RPPS", 11, "chiffres",
			-1},
	[IDENT_ADELI] = {"adeli", "numéro ADELI", "le numéro ADELI", "du numéro ADELI", 9,
			 "caractères (9 chiffres, ou 2A ou 2B suivi de 7 chiffres en Corse)", 0},
	[IDENT_FINESS] = {"finess", "numéro FINESS", "le numéro FINESS", "du numéro FINESS", 9,
			  "caractères (9 chiffres, ou 2A ou 2B suivi de 7 chiffres en Corse)", 0},
	[IDENT_SIRET] = {"siret", "numéro SIRET", "le numéro SIRET", "du numéro SIRET", 14,
			 "chiffres (les 9 du SIREN puis 5)", -1},
	[IDENT_SIREN] = {"siren", "numéro SIREN", "le numéro SIREN", "du numéro SIREN", 9,
			 "chiffres", -1},
};

static const char space_note[] = " (sans compter les espaces)";

static const struct kind_info *info(enum ident_kind kind)
{
	return (unsigned)kind < IDENT_KIND_COUNT ? &kinds[kind] : NULL;
}

const char *ident_kind_code(enum ident_kind kind)
{
	const struct kind_info *k = info(kind);
	return k ? k->code : NULL;
}

const char *ident_kind_label(enum ident_kind kind)
{
	const struct kind_info *k = info(kind);
	return k ? k->label : NULL;
}

size_t ident_kind_length(enum ident_kind kind)
{
	const struct kind_info *k = info(kind);
	return k ? k->length : 0;
}

bool ident_kind_from_code(const char *s, size_t len, enum ident_kind *out)
{
	for (int i = 0; i < IDENT_KIND_COUNT; i++) {
		size_t n = strlen(kinds[i].code);
		if (len == n && memcmp(s, kinds[i].code, n) == 0) {
			*out = (enum ident_kind)i;
			return true;
		}
	}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Luhn sum of the digits s[0..len), doubling the rightmost digit when double_rightmost (a
 * payload waiting for its check digit) or the one left of it otherwise (a complete number). */
static unsigned luhn_sum(const char *s, size_t len, bool double_rightmost)
{
	unsigned sum = 0;
	bool dbl = double_rightmost;
	for (size_t i = len; i-- > 0;) {
		unsigned d = (unsigned)(s[i] - '0');
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return sum;
}

bool ident_luhn_valid(const char *s, size_t len)
{
	if (len == 0 || !all_digits(s, len))
		return false;
	return luhn_sum(s, len, false) % 10 == 0;
}

int ident_luhn_check_digit(const char *s, size_t len)
{
	if (!all_digits(s, len))
		return -1;
	return (int)((10 - luhn_sum(s, len, true) % 10) % 10);
}

enum coop_err ident_normalize(const char *s, size_t len, char *out, size_t out_size,
			      size_t *out_len)
{
	size_t n = 0;
	if (out_len)
		*out_len = 0;
	if (out_size == 0)
		return ERR_TOO_LARGE;
	out[0] = '\0';
	if (len > IDENT_INPUT_MAX)
		return ERR_TOO_LARGE;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n + 1 >= out_size) {
			out[0] = '\0';
			return ERR_TOO_LARGE;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (out_len)
		*out_len = n;
	return COOP_OK;
}

/* snprintf into msg, then, if the text was cut, drops a trailing incomplete UTF-8 sequence so
 * that the message stays valid UTF-8. Does nothing when msg_size is 0. */
static void msg_set(char *msg, size_t msg_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void msg_set(char *msg, size_t msg_size, const char *fmt, ...)
{
	if (msg_size == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, msg_size, fmt, ap);
	va_end(ap);
	if (n < 0) {
		msg[0] = '\0';
		return;
	}
	if ((size_t)n < msg_size)
		return;
	/* Cut: msg holds msg_size - 1 bytes. */
	msg[utf8_cut(msg, msg_size - 1, msg_size - 1)] = '\0';
}

/* A French noun phrase for the byte s[i] (of s[0..len)) that was refused. */
static void describe_char(const char *s, size_t len, size_t i, char *buf, size_t size)
{
	unsigned char c = (unsigned char)s[i];
	unsigned char c1 = i + 1 < len ? (unsigned char)s[i + 1] : 0;
	unsigned char c2 = i + 2 < len ? (unsigned char)s[i + 2] : 0;
	if (c > 0x20 && c < 0x7F)
		msg_set(buf, size, "caractère « %c »", c);
	else if (c == ' ')
		msg_set(buf, size, "caractère espace");
	else if (c == '\t')
		msg_set(buf, size, "caractère tabulation");
	else if (c < 0x20 || c == 0x7F)
		msg_set(buf, size, "caractère invisible");
	else if ((c == 0xC2 && c1 == 0xA0) || (c == 0xE2 && c1 == 0x80 && c2 == 0xAF))
		msg_set(buf, size, "caractère espace insécable");
	else
		msg_set(buf, size, "caractère accentué ou spécial");
}

/* 97 − (N mod 97) for the first 13 characters of a structurally valid NIR, Corsican 2A/2B
 * at positions 6–7 standing for 19/18. */
static unsigned nir_key(const char *s)
{
	uint64_t n = 0;
	bool corsica = s[6] == 'A' || s[6] == 'B';
	for (size_t i = 0; i < 13; i++) {
		unsigned d;
		if (corsica && i == 5)
			d = 1;
		else if (corsica && i == 6)
			d = s[6] == 'A' ? 9 : 8;
		else
			d = (unsigned)(s[i] - '0');
		n = n * 10 + d;
	}
	return (unsigned)(97 - n % 97);
}

static unsigned digit_sum(const char *s, size_t len)
{
	unsigned sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += (unsigned)(s[i] - '0');
	return sum;
}

/* The SIRET key: Luhn, or for La Poste's establishments (SIREN 356000000) other than the head
 * office, a digit sum that is a multiple of 5. s holds 14 digits. */
static bool siret_key_ok(const char *s)
{
	if (memcmp(s, "356000000", 9) == 0 && memcmp(s, "35600000000048", 14) != 0)
		return digit_sum(s, 14) % 5 == 0;
	return ident_luhn_valid(s, 14);
}

static enum ident_status bad_key(const struct kind_info *k, char *msg, size_t msg_size)
{
	msg_set(msg, msg_size, "la clé de contrôle %s ne correspond pas : vérifiez la saisie",
		k->noun_of);
	return IDENT_BAD_KEY;
}

/* The whole check; note is "" or space_note, appended to positions. */
static enum ident_status diagnose(enum ident_kind kind, const char *s, size_t len, const char *note,
				  char *msg, size_t msg_size)
{
	const struct kind_info *k = info(kind);
	char what[64];

	if (!k) {
		msg_set(msg, msg_size, "type d'identifiant inconnu (erreur interne)");
		return IDENT_UNKNOWN_KIND;
	}
	if (len > IDENT_INPUT_MAX) {
		msg_set(msg, msg_size, "la saisie est trop longue (%d caractères au plus)",
			IDENT_INPUT_MAX);
		return IDENT_TOO_LONG;
	}
	if (len == 0) {
		msg_set(msg, msg_size, "aucun %s saisi", k->label);
		return IDENT_EMPTY;
	}

	/* Characters the kind never admits. Every byte before the first such one is ASCII, so its
	 * byte index is also its character position. */
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (is_digit(c) || (k->corsica >= 0 && (c == 'A' || c == 'B')))
			continue;
		describe_char(s, len, i, what, sizeof(what));
		msg_set(msg, msg_size,
			"%s non admis en position %zu%s : %s ne compte que des chiffres%s", what,
			i + 1, note, k->noun,
			kind == IDENT_NIR ? ", sauf 2A ou 2B (Corse) en positions 6 et 7"
			: k->corsica >= 0 ? ", sauf 2A ou 2B (Corse) en tête"
					  : "");
		return IDENT_BAD_CHAR;
	}

	/* Only digits and A/B remain: len counts characters. */
	if (len != k->length) {
		msg_set(msg, msg_size, "%s doit compter %zu %s, %zu %s", k->noun, k->length,
			k->unit, len, len > 1 ? "reçus" : "reçu");
		return IDENT_BAD_LENGTH;
	}

	/* A letter is only admitted as the A/B of 2A/2B at the kind's Corsica position. */
	bool corsica = false;
	for (size_t i = 0; i < len; i++) {
		if (is_digit(s[i]))
			continue;
		if (k->corsica >= 0 && i == (size_t)k->corsica + 1 && s[i - 1] == '2') {
			corsica = true;
			continue;
		}
		msg_set(msg, msg_size,
			"lettre « %c » non admise en position %zu%s : les lettres A et B ne servent "
			"qu'aux départements de Corse (2A, 2B), %s",
			s[i], i + 1, note,
			kind == IDENT_NIR ? "en positions 6 et 7 du NIR" : "en tête du numéro");
		return IDENT_BAD_CHAR;
	}

	switch (kind) {
	case IDENT_NIR: {
		char sex = s[0];
		if (sex != '1' && sex != '2' && sex != '3' && sex != '4' && sex != '7' &&
		    sex != '8') {
			msg_set(msg, msg_size,
				"le premier chiffre du NIR doit être 1 ou 2 (sexe), ou 3, 4, 7 ou 8 "
				"(numéro spécial ou provisoire) : « %c » reçu",
				sex);
			return IDENT_BAD_PREFIX;
		}
		unsigned given = (unsigned)(s[13] - '0') * 10 + (unsigned)(s[14] - '0');
		if (given != nir_key(s))
			return bad_key(k, msg, msg_size);
		break;
	}
	case IDENT_RPPS:
	case IDENT_SIREN:
		if (!ident_luhn_valid(s, len))
			return bad_key(k, msg, msg_size);
		break;
	case IDENT_ADELI:
		/* Key algorithm unknown: the format is all we can check. */
		break;
	case IDENT_FINESS:
		/* Corsica: key algorithm unknown, format only (a known gap, see the top). */
		if (!corsica && !ident_luhn_valid(s, len))
			return bad_key(k, msg, msg_size);
		break;
	case IDENT_SIRET:
		if (!siret_key_ok(s))
			return bad_key(k, msg, msg_size);
		if (!ident_luhn_valid(s, 9)) {
			msg_set(msg, msg_size,
				"les 9 premiers chiffres du numéro SIRET ne forment pas un numéro "
				"SIREN valide : vérifiez la saisie");
			return IDENT_BAD_SIREN;
		}
		break;
	}
	msg_set(msg, msg_size, "%s", "");
	return IDENT_VALID;
}

enum ident_status ident_diagnose(enum ident_kind kind, const char *s, size_t len, char *msg,
				 size_t msg_size)
{
	return diagnose(kind, s, len, "", msg, msg_size);
}

bool ident_check(enum ident_kind kind, const char *s, size_t len, char *msg, size_t msg_size)
{
	return diagnose(kind, s, len, "", msg, msg_size) == IDENT_VALID;
}

bool ident_parse(enum ident_kind kind, const char *s, size_t len, char *out, size_t out_size,
		 char *msg, size_t msg_size)
{
	char norm[IDENT_NORM_SIZE];
	size_t n = 0;

	if (out_size > 0)
		out[0] = '\0';
	if (len > IDENT_INPUT_MAX) {
		diagnose(kind, s, len, "", msg, msg_size);
		return false;
	}
	if (ident_normalize(s, len, norm, sizeof(norm), &n) != COOP_OK) {
		msg_set(msg, msg_size, "la saisie n'a pas pu être lue (erreur interne)");
		return false;
	}
	const char *note = n < len ? space_note : "";
	if (diagnose(kind, norm, n, note, msg, msg_size) != IDENT_VALID)
		return false;
	if (n >= out_size) {
		msg_set(msg, msg_size, "zone de résultat trop petite (erreur interne)");
		return false;
	}
	memcpy(out, norm, n);
	out[n] = '\0';
	return true;
}

/* ------------------------------------------------------------------ identity vigilance */

static bool is_bidi(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static bool is_invisible(uint32_t cp)
{
	return cp == 0xAD || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 ||
	       cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200D) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206A && cp <= 0x206F) || cp == 0x3164 ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 ||
	       (cp >= 0xFFF0 && cp <= 0xFFFB) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
	       (cp >= 0xE0000 && cp <= 0xE0FFF);
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

/* Spaces a keyboard or a copied document may send: all become one plain space. */
static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static bool is_combining(uint32_t cp)
{
	return cp >= 0x0300 && cp <= 0x036F && cp != 0x034F;
}

/* "1re" or "4e": the French ordinal of a position. */
static void ordinal(size_t pos, char *buf, size_t size)
{
	msg_set(buf, size, pos == 1 ? "%zure" : "%zue", pos);
}

enum ident_name_status ident_name_parse(const char *what, const char *s, size_t len, char *out,
					size_t out_size, char *msg, size_t msg_size)
{
	char tidy[IDENT_NAME_SIZE], nth[24];
	size_t n = 0, chars = 0, pos = 0;
	bool pending_space = false, after_letter = false, first = true, ends_letter = false;
	enum ident_name_status st = IDENT_NAME_OK;

	if (out_size > 0)
		out[0] = '\0';
	msg_set(msg, msg_size, "%s", "");
	if (len > IDENT_NAME_INPUT_MAX || (out_size <= len && out_size < IDENT_NAME_SIZE)) {
		msg_set(msg, msg_size, "%s doit compter %d caractères au plus.", what, IDENT_NAME_MAX);
		return IDENT_NAME_TOO_LONG;
	}
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		pos++;
		ordinal(pos, nth, sizeof(nth));
		if (k == 0 || cp == 0) {
			msg_set(msg, msg_size,
				"%s contient des caractères illisibles (codage incorrect) en %s "
				"position : retapez-le au clavier.",
				what, nth);
			return IDENT_NAME_BAD_UTF8;
		}
		const char *at = s + i;
		i += k;
		if (is_space(cp)) {
			pending_space = n > 0;
			after_letter = false;
			continue;
		}
		if (is_control(cp)) {
			msg_set(msg, msg_size,
				"%s contient un caractère de contrôle (tabulation, retour à la ligne…) "
				"en %s position : retapez-le sur une seule ligne.",
				what, nth);
			return IDENT_NAME_CONTROL;
		}
		if (is_bidi(cp)) {
			msg_set(msg, msg_size,
				"%s contient une marque invisible de sens d'écriture (U+%04X) en %s "
				"position, souvent venue d'un copier-coller : retapez-le au clavier.",
				what, (unsigned)cp, nth);
			return IDENT_NAME_BIDI;
		}
		if (is_invisible(cp)) {
			msg_set(msg, msg_size,
				"%s contient un caractère invisible (U+%04X) en %s position, souvent "
				"venu d'un copier-coller : retapez-le au clavier.",
				what, (unsigned)cp, nth);
			return IDENT_NAME_INVISIBLE;
		}
		uint32_t keep;
		bool letter = false;
		if (cp == '-' || cp == 0x2010 || cp == 0x2011) {
			keep = '-';
		} else if (cp == '\'' || cp == 0x2019 || cp == 0x02BC) {
			keep = '\'';
		} else if (utf8_is_latin_letter(cp)) {
			keep = utf8_upper_cp(cp);
			letter = true;
		} else if (is_combining(cp) && after_letter) {
			keep = cp; /* an accent typed after its letter: part of the letter */
			letter = true;
		} else {
			msg_set(msg, msg_size,
				"%s contient « %.*s » en %s position, qui n'est pas admis : seuls les "
				"lettres, l'espace, le trait d'union et l'apostrophe le sont, comme sur "
				"la pièce d'identité.",
				what, (int)k, at, nth);
			return IDENT_NAME_BAD_CHAR;
		}
		if (first && !letter) {
			st = IDENT_NAME_BAD_EDGE;
			break;
		}
		first = false;
		char enc[4];
		size_t m = utf8_encode(keep, enc);
		if (n + m + (pending_space ? 1 : 0) >= sizeof(tidy)) {
			st = IDENT_NAME_TOO_LONG;
			break;
		}
		if (pending_space) {
			tidy[n++] = ' ';
			chars++;
			pending_space = false;
		}
		memcpy(tidy + n, enc, m);
		n += m;
		if (!is_combining(keep))
			chars++;
		after_letter = letter;
		ends_letter = letter;
	}
	if (st == IDENT_NAME_OK && n == 0) {
		msg_set(msg, msg_size, "%s est obligatoire.", what);
		return IDENT_NAME_EMPTY;
	}
	if (st == IDENT_NAME_OK && !ends_letter)
		st = IDENT_NAME_BAD_EDGE;
	if (st == IDENT_NAME_OK && chars > IDENT_NAME_MAX)
		st = IDENT_NAME_TOO_LONG;
	if (st == IDENT_NAME_BAD_EDGE) {
		msg_set(msg, msg_size,
			"%s doit commencer et finir par une lettre : un trait d'union ou une "
			"apostrophe est en trop.",
			what);
		return st;
	}
	if (st == IDENT_NAME_TOO_LONG || n >= out_size) {
		msg_set(msg, msg_size, "%s doit compter %d caractères au plus.", what, IDENT_NAME_MAX);
		return IDENT_NAME_TOO_LONG;
	}
	memcpy(out, tidy, n);
	out[n] = '\0';
	return IDENT_NAME_OK;
}

enum coop_err ident_fold(const char *s, size_t len, char *out, size_t out_size, size_t *out_len)
{
	size_t n = 0;
	bool pending_space = false;
	enum coop_err err = COOP_OK;
	if (out_len)
		*out_len = 0;
	if (out_size == 0)
		return ERR_TOO_LARGE;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (k == 0) {
			k = 1; /* an invalid byte: a word break */
			cp = ' ';
		}
		i += k;
		const char *base = utf8_latin_base(cp);
		char digit[2] = {(char)cp, '\0'};
		if (!base && cp >= '0' && cp <= '9')
			base = digit;
		if (!base) {
			if (!is_combining(cp))
				pending_space = n > 0;
			continue;
		}
		size_t m = strlen(base);
		if (n + m + (pending_space ? 1 : 0) >= out_size) {
			err = ERR_TOO_LARGE;
			n = 0;
			break;
		}
		if (pending_space)
			out[n++] = ' ';
		pending_space = false;
		memcpy(out + n, base, m);
		n += m;
	}
	out[n] = '\0';
	if (out_len)
		*out_len = n;
	return err;
}

static const char *const month_names[12] = {"janvier", "février", "mars", "avril",
					    "mai", "juin", "juillet", "août",
					    "septembre", "octobre", "novembre", "décembre"};

enum ident_nir_agreement ident_nir_traits(const char *nir, enum ident_sex sex,
					  coop_date birth_date, char *msg, size_t msg_size)
{
	msg_set(msg, msg_size, "%s", "");
	if (!nir || strnlen(nir, 16) != 15 || !ident_check(IDENT_NIR, nir, 15, NULL, 0)) {
		msg_set(msg, msg_size, "le NIR n'est pas valide (erreur interne)");
		return IDENT_NIR_NOT_VALID;
	}
	int y, m, d;
	date_to_ymd(birth_date, &y, &m, &d);
	if ((nir[0] == '1' && sex == IDENT_SEX_FEMALE) || (nir[0] == '2' && sex == IDENT_SEX_MALE)) {
		msg_set(msg, msg_size,
			"Le NIR commence par %c (%s) alors que le sexe indiqué est %s : vérifiez le "
			"NIR ou le sexe.",
			nir[0], nir[0] == '1' ? "homme" : "femme",
			sex == IDENT_SEX_FEMALE ? "féminin" : "masculin");
		return IDENT_NIR_SEX_DIFFERS;
	}
	int nir_year = (nir[1] - '0') * 10 + (nir[2] - '0');
	if (nir_year != ((y % 100) + 100) % 100) {
		msg_set(msg, msg_size,
			"Le NIR indique une naissance en « %c%c » (2e et 3e chiffres) alors que la "
			"date de naissance est en %d : vérifiez le NIR ou la date.",
			nir[1], nir[2], y);
		return IDENT_NIR_YEAR_DIFFERS;
	}
	int nir_month = (nir[3] - '0') * 10 + (nir[4] - '0');
	if (nir_month >= 1 && nir_month <= 12) {
		if (nir_month != m && m >= 1 && m <= 12) {
			msg_set(msg, msg_size,
				"Le NIR indique une naissance en %s (4e et 5e chiffres : %c%c) alors "
				"que la date de naissance est en %s : vérifiez le NIR ou la date.",
				month_names[nir_month - 1], nir[3], nir[4], month_names[m - 1]);
			return IDENT_NIR_MONTH_DIFFERS;
		}
	} else if (!((nir_month >= 20 && nir_month <= 42) || nir_month >= 50)) {
		msg_set(msg, msg_size,
			"Les 4e et 5e chiffres du NIR (« %c%c ») ne sont ni un mois (01 à 12) ni le "
			"code d'un mois inconnu (20 à 42, 50 à 99) : vérifiez la saisie.",
			nir[3], nir[4]);
		return IDENT_NIR_MONTH_INVALID;
	}
	return IDENT_NIR_AGREES;
}

static bool known(const char *s)
{
	return s && *s;
}

static bool same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The words of a begin the words of b ("JEANNE" begins "JEANNE MARIE", not "JEANNETTE"). */
static bool words_begin(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n > 0 && strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == ' ');
}

enum ident_match ident_match(const struct ident_traits *a, const struct ident_traits *b)
{
	if (known(a->nir) && known(b->nir) && strcmp(a->nir, b->nir) == 0)
		return IDENT_MATCH_NIR;
	if (!same_text(a->birth_name, b->birth_name) || a->birth_date != b->birth_date)
		return IDENT_MATCH_NONE;
	if (a->sex != b->sex && a->sex != IDENT_SEX_UNKNOWN && b->sex != IDENT_SEX_UNKNOWN)
		return IDENT_MATCH_NONE;
	if (known(a->birthplace_code) && known(b->birthplace_code) &&
	    strcmp(a->birthplace_code, b->birthplace_code) != 0)
		return IDENT_MATCH_NONE;
	const char *fa = a->first_names ? a->first_names : "";
	const char *fb = b->first_names ? b->first_names : "";
	bool same_first = strcmp(fa, fb) == 0;
	if (!same_first && !words_begin(fa, fb) && !words_begin(fb, fa))
		return IDENT_MATCH_NONE;
	bool nirs_differ = known(a->nir) && known(b->nir); /* equal ones returned above */
	if (same_first && a->sex == b->sex && !nirs_differ)
		return IDENT_MATCH_SAME;
	return IDENT_MATCH_CLOSE;
}

bool ident_merge_allowed(const struct ident_traits *kept, const struct ident_traits *dup,
			 char *msg, size_t msg_size)
{
	msg_set(msg, msg_size, "%s", "");
	if (known(kept->nir) && known(dup->nir) && strcmp(kept->nir, dup->nir) != 0) {
		msg_set(msg, msg_size,
			"Les deux dossiers portent des NIR différents : ce sont deux personnes, pas "
			"un doublon. Corrigez le NIR erroné avant de fusionner.");
		return false;
	}
	return true;
}
