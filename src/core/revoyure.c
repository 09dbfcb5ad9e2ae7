/*
 * revoyure.c — whether a délégant's revoyure is called for, and why (revoyure.h).
 */
#include "core/revoyure.h"

#include <stddef.h>

enum revoyure_reason revoyure_called_for(const struct revoyure_facts *f)
{
	if (!f->protocol_has_revoyure || !f->decided)
		return REVOYURE_NOT_CALLED_FOR;
	if (f->reoriented && !f->on_age_only)
		return REVOYURE_EXCLUSION;
	if (f->new_symptoms)
		return REVOYURE_NEW_SYMPTOMS;
	if (f->delegue_doubt)
		return REVOYURE_DOUBT;
	return REVOYURE_NOT_CALLED_FOR;
}

const char *revoyure_reason_code(enum revoyure_reason r)
{
	switch (r) {
	case REVOYURE_EXCLUSION: return "exclusion";
	case REVOYURE_NEW_SYMPTOMS: return "new_symptoms";
	case REVOYURE_DOUBT: return "doubt";
	case REVOYURE_NOT_CALLED_FOR: break;
	}
	return NULL;
}

const char *revoyure_reason_label_fr(enum revoyure_reason r)
{
	switch (r) {
	case REVOYURE_EXCLUSION: return "Exclusion du protocole (motif autre que l'âge)";
	case REVOYURE_NEW_SYMPTOMS: return "Symptômes nouveaux";
	case REVOYURE_DOUBT: return "Doute du délégué";
	case REVOYURE_NOT_CALLED_FOR: break;
	}
	return NULL;
}
