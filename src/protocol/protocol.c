/*
 * protocol.c — small queries over a loaded protocol and the names of its enumerations.
 *
 * Everything here is pure and allocation-free: look-ups by id (linear, protocols are small),
 * the version in force on a date, and the stable codes / French labels used in messages, JSON
 * and documents. Loading and validation live in protocol_load.c and load_*.c.
 */
#include "protocol/protocol.h"

#include <string.h>

const struct protocol_version *protocol_version_at(const struct protocol *p, coop_date date)
{
	if (!p)
		return NULL;
	for (size_t i = p->n_versions; i-- > 0;) {
		const struct protocol_version *v = &p->versions[i];
		if (date < v->effective_from)
			continue;
		/* the latest version begun by `date`; earlier ones ended before it began */
		if (v->has_effective_to && date >= v->effective_to)
			return NULL;
		return v;
	}
	return NULL;
}

bool protocol_usable(const struct protocol *p, const char **why)
{
	if (p && p->status == PROTOCOL_ACTIVE)
		return true;
	if (why)
		*why = !p ? "Protocole inconnu."
		       : p->status == PROTOCOL_DRAFT
			       ? "Ce protocole est un brouillon : il ne peut être ni adopté ni signé tant "
				 "que son statut n'est pas « en vigueur » (status: active)."
			       : "Ce protocole est abrogé : il ne peut plus être adopté ni signé.";
	return false;
}

int protocol_find_question(const struct protocol *p, const char *id)
{
	if (!p || !id)
		return -1;
	for (size_t i = 0; i < p->n_questions; i++)
		if (strcmp(p->questions[i].id, id) == 0)
			return (int)i;
	return -1;
}

int protocol_find_criterion(const struct protocol *p, const char *id)
{
	if (!p || !id)
		return -1;
	for (size_t i = 0; i < p->n_criteria; i++)
		if (strcmp(p->criteria[i].id, id) == 0)
			return (int)i;
	return -1;
}

int protocol_find_outcome(const struct protocol *p, const char *id)
{
	if (!p || !id)
		return -1;
	for (size_t i = 0; i < p->n_outcomes; i++)
		if (strcmp(p->outcomes[i].id, id) == 0)
			return (int)i;
	return -1;
}

const char *urgency_code(enum urgency u)
{
	switch (u) {
	case URG_NONE: return "none";
	case URG_PHYSICIAN_LATER: return "physician_later";
	case URG_PHYSICIAN_SAME_DAY: return "physician_same_day";
	case URG_EMERGENCY: return "emergency";
	}
	return "none";
}

bool urgency_parse_for_reorientation(const char *code, enum urgency *out)
{
	static const enum urgency choices[] = {URG_EMERGENCY, URG_PHYSICIAN_SAME_DAY,
					       URG_PHYSICIAN_LATER};
	for (size_t i = 0; code && i < sizeof(choices) / sizeof(choices[0]); i++) {
		if (strcmp(code, urgency_code(choices[i])) == 0) {
			*out = choices[i];
			return true;
		}
	}
	return false;
}

const char *urgency_label_fr(enum urgency u)
{
	switch (u) {
	case URG_NONE: return "Aucune";
	case URG_PHYSICIAN_LATER: return "Médecin, consultation programmée (sans urgence)";
	case URG_PHYSICIAN_SAME_DAY: return "Médecin le jour même";
	case URG_EMERGENCY: return "Urgences (centre 15 / SAMU)";
	}
	return "Aucune";
}

const char *confidence_code(enum confidence c)
{
	switch (c) {
	case CONF_CONFIRMED: return "confirmed";
	case CONF_INFERRED: return "inferred";
	case CONF_TO_VERIFY: return "to_verify";
	}
	return "to_verify";
}

const char *confidence_label_fr(enum confidence c)
{
	switch (c) {
	case CONF_CONFIRMED: return "confirmé";
	case CONF_INFERRED: return "déduit";
	case CONF_TO_VERIFY: return "à vérifier";
	}
	return "à vérifier";
}

const char *criterion_kind_label_fr(enum criterion_kind k)
{
	switch (k) {
	case CRIT_INCLUSION: return "critère d'inclusion";
	case CRIT_EXCLUSION: return "critère d'exclusion";
	case CRIT_RED_FLAG: return "signal d'alerte";
	}
	return "critère";
}

static const char *const sex_codes[SEX_COUNT] = {"female", "male", "other", "unknown"};

const char *patient_sex_code(enum patient_sex s)
{
	if ((unsigned)s >= SEX_COUNT)
		return "unknown";
	return sex_codes[s];
}

bool patient_sex_parse(const char *s, enum patient_sex *out)
{
	if (!s)
		return false;
	for (int i = 0; i < SEX_COUNT; i++) {
		if (strcmp(s, sex_codes[i]) == 0) {
			if (out)
				*out = (enum patient_sex)i;
			return true;
		}
	}
	return false;
}
