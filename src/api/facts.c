/*
 * facts.c — rows of the store turned into the core's facts (see facts.h).
 */
#include "api/facts.h"

#include <string.h>

bool facts_adhesion(const struct db_adhesion *row, enum profession profession,
		    struct team_adhesion *out)
{
	memset(out, 0, sizeof(*out));
	out->professional_id = row->professional_id;
	out->profession = profession;
	bool role_known = team_role_parse(row->role, &out->role);
	out->effective_from = row->effective_from;
	out->has_effective_to = row->has_effective_to;
	out->effective_to = row->effective_to;
	out->training_validated = row->training_validated_by != 0 && row->has_training_date;
	out->training_validated_by = row->training_validated_by;
	out->training_date = row->training_date;
	out->training_hours = row->training_hours;
	out->insurance_declared = row->insurer != NULL && row->has_insurance_date;
	out->insurer = row->insurer;
	out->insurance_date = row->insurance_date;
	out->engagement_signed = row->has_engagement_date;
	out->engagement_date = row->engagement_date;
	return role_known;
}
