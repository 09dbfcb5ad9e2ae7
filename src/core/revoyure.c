/*
 * revoyure.c — whether a délégant's revoyure is called for, and why (revoyure.h).
 */
#include "core/revoyure.h"

#include <stddef.h>
#include <string.h>

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

enum referral_urgency referral_urgency_parse(const char *code)
{
	if (!code)
		return REFERRAL_NONE;
	if (strcmp(code, "emergency") == 0)
		return REFERRAL_EMERGENCY;
	if (strcmp(code, "physician_same_day") == 0)
		return REFERRAL_SAME_DAY;
	if (strcmp(code, "physician_later") == 0)
		return REFERRAL_LATER;
	return REFERRAL_NONE;
}

int referral_priority(const struct referral_facts *f)
{
	if (f->closed || f->revoyure_recorded || f->referred_on + 1 < f->today)
		return 2;
	switch (f->urgency) {
	case REFERRAL_EMERGENCY: return 0;
	case REFERRAL_SAME_DAY: return 1;
	case REFERRAL_LATER:
	case REFERRAL_NONE: break;
	}
	return 2;
}
