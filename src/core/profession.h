/*
 * profession.h — the health professions of art. L. 4011-1 CSP and the structure types.
 *
 * Only these professions may be délégant or délégué in a cooperation protocol. Codes are the
 * stable identifiers used in protocol files and the API; labels are French.
 */
#ifndef COOP_CORE_PROFESSION_H
#define COOP_CORE_PROFESSION_H

#include <stdbool.h>

#include "base/error.h"

/* PROF_UNKNOWN is 0 so that zeroed memory and a failed lookup name no profession at all, never
 * the most privileged one: profession_parse() never yields it, it has no bit in any set of
 * allowed professions (team_profession_bit() gives 0), and the team rules refuse it. Every
 * known profession's value is in 1 … PROF_COUNT - 1 (< 64: a bit of a uint64_t set). */
enum profession {
	PROF_UNKNOWN = 0,
	PROF_MEDECIN,
	PROF_SAGE_FEMME,
	PROF_CHIRURGIEN_DENTISTE,
	PROF_PHARMACIEN,
	PROF_PREPARATEUR_PHARMACIE,
	PROF_INFIRMIER,
	PROF_MASSEUR_KINESITHERAPEUTE,
	PROF_ORTHOPTISTE,
	PROF_ORTHOPHONISTE,
	PROF_PEDICURE_PODOLOGUE,
	PROF_ERGOTHERAPEUTE,
	PROF_PSYCHOMOTRICIEN,
	PROF_DIETETICIEN,
	PROF_MANIPULATEUR_ELECTRORADIOLOGIE,
	PROF_AUDIOPROTHESISTE,
	PROF_OPTICIEN_LUNETIER,
	PROF_TECHNICIEN_LABORATOIRE,
	PROF_AIDE_SOIGNANT,
	PROF_AUXILIAIRE_PUERICULTURE,
	PROF_AMBULANCIER,
	PROF_ASSISTANT_DENTAIRE,
	PROF_ORTHOPEDISTE_ORTHESISTE,
	PROF_PODO_ORTHESISTE,
	PROF_OCULARISTE,
	PROF_EPITHESISTE,
	PROF_ORTHOPROTHESISTE,
	PROF_COUNT
};

enum structure_type {
	STRUCT_MSP,
	STRUCT_CDS,
	STRUCT_CPTS,
	STRUCT_ES,
	STRUCT_ESMS,
	STRUCT_ESP,
	STRUCT_COUNT
};

/* Parses a profession code ("infirmier"); false (out untouched) when code is NULL or unknown.
 * Never yields PROF_UNKNOWN. */
COOP_MUST_CHECK bool profession_parse(const char *code, enum profession *out);
/* The profession of code, PROF_UNKNOWN when code is NULL or not a known code: the lookup to
 * use when a stored code is read back (a failure must never leave another profession). */
enum profession profession_of(const char *code);
/* The stable code ("infirmier"); "?" for PROF_UNKNOWN or out of range. */
const char *profession_code(enum profession p);
/* French label, e.g. "Masseur-kinésithérapeute"; "Profession inconnue" for PROF_UNKNOWN, "?"
 * out of range. */
const char *profession_label_fr(enum profession p);
/* The same agreeing with the person: for a woman the feminine form ("Infirmière",
 * "Masseuse-kinésithérapeute"), else the label above. "?" when p is out of range. */
const char *profession_label_fr_sex(enum profession p, bool female);

/* Parses a structure type code ("MSP"); false (out untouched) when NULL or unknown. */
COOP_MUST_CHECK bool structure_type_parse(const char *code, enum structure_type *out);
const char *structure_type_code(enum structure_type s);
const char *structure_type_label_fr(enum structure_type s);

#endif
