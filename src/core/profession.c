/*
 * profession.c — the professions allowed in cooperation protocols (art. L. 4011-1 CSP: medical,
 * pharmacy and paramedical professions of the fourth part of the code) and the structure types.
 */
#include "core/profession.h"

#include <string.h>

/* Each profession's code, its label, and the label for a woman (the official feminine forms). */
static const struct {
	const char *code;
	const char *label, *label_female;
} professions[PROF_COUNT] = {
	[PROF_UNKNOWN] = {"?", "Profession inconnue", "Profession inconnue"},
	[PROF_MEDECIN] = {"medecin", "Médecin", "Médecin"},
	[PROF_SAGE_FEMME] = {"sage_femme", "Sage-femme", "Sage-femme"},
	[PROF_CHIRURGIEN_DENTISTE] = {"chirurgien_dentiste", "Chirurgien-dentiste",
				      "Chirurgienne-dentiste"},
	[PROF_PHARMACIEN] = {"pharmacien", "Pharmacien", "Pharmacienne"},
	[PROF_PREPARATEUR_PHARMACIE] = {"preparateur_pharmacie", "Préparateur en pharmacie",
					"Préparatrice en pharmacie"},
	[PROF_INFIRMIER] = {"infirmier", "Infirmier", "Infirmière"},
	[PROF_MASSEUR_KINESITHERAPEUTE] = {"masseur_kinesitherapeute", "Masseur-kinésithérapeute",
					   "Masseuse-kinésithérapeute"},
	[PROF_ORTHOPTISTE] = {"orthoptiste", "Orthoptiste", "Orthoptiste"},
	[PROF_ORTHOPHONISTE] = {"orthophoniste", "Orthophoniste", "Orthophoniste"},
	[PROF_PEDICURE_PODOLOGUE] = {"pedicure_podologue", "Pédicure-podologue",
				     "Pédicure-podologue"},
	[PROF_ERGOTHERAPEUTE] = {"ergotherapeute", "Ergothérapeute", "Ergothérapeute"},
	[PROF_PSYCHOMOTRICIEN] = {"psychomotricien", "Psychomotricien", "Psychomotricienne"},
	[PROF_DIETETICIEN] = {"dieteticien", "Diététicien", "Diététicienne"},
	[PROF_MANIPULATEUR_ELECTRORADIOLOGIE] = {"manipulateur_electroradiologie",
						 "Manipulateur d'électroradiologie médicale",
						 "Manipulatrice d'électroradiologie médicale"},
	[PROF_AUDIOPROTHESISTE] = {"audioprothesiste", "Audioprothésiste", "Audioprothésiste"},
	[PROF_OPTICIEN_LUNETIER] = {"opticien_lunetier", "Opticien-lunetier",
				    "Opticienne-lunetière"},
	[PROF_TECHNICIEN_LABORATOIRE] = {"technicien_laboratoire",
					 "Technicien de laboratoire médical",
					 "Technicienne de laboratoire médical"},
	[PROF_AIDE_SOIGNANT] = {"aide_soignant", "Aide-soignant", "Aide-soignante"},
	[PROF_AUXILIAIRE_PUERICULTURE] = {"auxiliaire_puericulture", "Auxiliaire de puériculture",
					  "Auxiliaire de puériculture"},
	[PROF_AMBULANCIER] = {"ambulancier", "Ambulancier", "Ambulancière"},
	[PROF_ASSISTANT_DENTAIRE] = {"assistant_dentaire", "Assistant dentaire",
				     "Assistante dentaire"},
	[PROF_ORTHOPEDISTE_ORTHESISTE] = {"orthopediste_orthesiste", "Orthopédiste-orthésiste",
					  "Orthopédiste-orthésiste"},
	[PROF_PODO_ORTHESISTE] = {"podo_orthesiste", "Podo-orthésiste", "Podo-orthésiste"},
	[PROF_OCULARISTE] = {"oculariste", "Oculariste", "Oculariste"},
	[PROF_EPITHESISTE] = {"epithesiste", "Épithésiste", "Épithésiste"},
	[PROF_ORTHOPROTHESISTE] = {"orthoprothesiste", "Orthoprothésiste", "Orthoprothésiste"},
};

static const struct {
	const char *code;
	const char *label;
} structures[STRUCT_COUNT] = {
	[STRUCT_MSP] = {"MSP", "Maison de santé pluriprofessionnelle"},
	[STRUCT_CDS] = {"CDS", "Centre de santé"},
	[STRUCT_CPTS] = {"CPTS", "Communauté professionnelle territoriale de santé"},
	[STRUCT_ES] = {"ES", "Établissement de santé"},
	[STRUCT_ESMS] = {"ESMS", "Établissement ou service médico-social"},
	[STRUCT_ESP] = {"ESP", "Équipe de soins primaires"},
};

bool profession_parse(const char *code, enum profession *out)
{
	if (!code)
		return false;
	for (int i = PROF_UNKNOWN + 1; i < PROF_COUNT; i++) {
		if (strcmp(code, professions[i].code) == 0) {
			*out = (enum profession)i;
			return true;
		}
	}
	return false;
}

enum profession profession_of(const char *code)
{
	enum profession p = PROF_UNKNOWN;
	return profession_parse(code, &p) ? p : PROF_UNKNOWN;
}

const char *profession_code(enum profession p)
{
	return (unsigned)p < PROF_COUNT ? professions[p].code : "?";
}

const char *profession_label_fr_sex(enum profession p, bool female)
{
	if ((unsigned)p >= PROF_COUNT)
		return "?";
	return female ? professions[p].label_female : professions[p].label;
}

const char *profession_label_fr(enum profession p)
{
	return (unsigned)p < PROF_COUNT ? professions[p].label : "?";
}

bool structure_type_parse(const char *code, enum structure_type *out)
{
	if (!code)
		return false;
	for (int i = 0; i < STRUCT_COUNT; i++) {
		if (strcmp(code, structures[i].code) == 0) {
			*out = (enum structure_type)i;
			return true;
		}
	}
	return false;
}

const char *structure_type_code(enum structure_type s)
{
	return (unsigned)s < STRUCT_COUNT ? structures[s].code : "?";
}

const char *structure_type_label_fr(enum structure_type s)
{
	return (unsigned)s < STRUCT_COUNT ? structures[s].label : "?";
}
