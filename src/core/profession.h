/*
 * profession.h — the health professions of art. L. 4011-1 CSP and the structure types.
 *
 * Only these professions may be délégant or délégué in a cooperation protocol. Codes are the
 * stable identifiers used in protocol files and the API; labels are French.
 */
#ifndef COOP_CORE_PROFESSION_H
#define COOP_CORE_PROFESSION_H

#include <stdbool.h>

enum profession {
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

/* Parses a profession code ("infirmier"); false if unknown. */
bool profession_parse(const char *code, enum profession *out);
const char *profession_code(enum profession p);
/* French label, e.g. "Masseur-kinésithérapeute". */
const char *profession_label_fr(enum profession p);
/* The same agreeing with the person: for a woman the feminine form ("Infirmière",
 * "Masseuse-kinésithérapeute"), else the label above. "?" when p is out of range. */
const char *profession_label_fr_sex(enum profession p, bool female);

bool structure_type_parse(const char *code, enum structure_type *out);
const char *structure_type_code(enum structure_type s);
const char *structure_type_label_fr(enum structure_type s);

#endif
