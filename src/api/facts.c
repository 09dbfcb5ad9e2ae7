/*
 * facts.c — rows of the store turned into the core's facts (see facts.h).
 */
#include "api/facts.h"

#include <string.h>

enum profession facts_profession(const struct db_professional *p)
{
	return p ? profession_of(p->profession) : PROF_UNKNOWN;
}

enum profession facts_profession_of(struct db *db, struct arena *a, int64_t id)
{
	struct db_professional p;
	if (id == 0 || db_professional_get(db, id, a, &p) != COOP_OK)
		return PROF_UNKNOWN;
	return facts_profession(&p);
}

bool facts_adhesion(const struct db_adhesion *row, enum profession profession,
		    struct team_adhesion *out)
{
	memset(out, 0, sizeof(*out));
	out->professional_id = row->professional_id;
	out->adoption_id = row->adoption_id;
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

void facts_declarations(const struct db_adhesion *row, struct team_declarations *out)
{
	memset(out, 0, sizeof(*out));
	out->effective_from = row->effective_from;
	out->has_effective_to = row->has_effective_to;
	out->effective_to = row->effective_to;
	out->insurer = row->insurer;
	out->has_insurance_date = row->has_insurance_date;
	out->insurance_date = row->insurance_date;
	out->has_engagement_date = row->has_engagement_date;
	out->engagement_date = row->engagement_date;
}

uint64_t facts_allowed(const struct protocol *p, enum team_role role, coop_date on)
{
	const struct protocol_version *v = p ? protocol_version_at(p, on) : NULL;
	if (!v)
		return 0;
	return role == TEAM_ROLE_DELEGUE ? v->delegues : v->delegants;
}

enum coop_err facts_adhesions_of(struct db *db, struct arena *a, int64_t professional,
				 int64_t adoption_id, int64_t except, struct team_adhesion **out,
				 size_t *n)
{
	*out = NULL;
	*n = 0;
	if (professional == 0)
		return COOP_OK;
	struct db_adhesion *rows = NULL;
	size_t n_rows = 0;
	enum coop_err e = db_adhesion_list(db, professional, adoption_id, a, &rows, &n_rows);
	if (e == ERR_NOT_FOUND || (e == COOP_OK && n_rows == 0))
		return COOP_OK;
	if (e != COOP_OK)
		return e;
	struct team_adhesion *list = arena_alloc(a, n_rows * sizeof(*list));
	if (!list)
		return ERR_NOMEM;
	enum profession prof = facts_profession_of(db, a, professional);
	size_t k = 0;
	for (size_t i = 0; i < n_rows; i++)
		if (rows[i].id != except && facts_adhesion(&rows[i], prof, &list[k]))
			k++;
	*out = k ? list : NULL;
	*n = k;
	return COOP_OK;
}

bool facts_pick_adhesion(struct db *db, struct arena *a, int64_t professional,
			 int64_t adoption_id, enum team_role role, coop_date on, uint64_t allowed,
			 struct team_adhesion *out)
{
	struct team_adhesion *list;
	size_t n, i;
	if (facts_adhesions_of(db, a, professional, adoption_id, 0, &list, &n) != COOP_OK ||
	    !team_pick_adhesion(list, n, role, on, allowed, &i))
		return false;
	*out = list[i];
	return true;
}

void facts_account(const struct db_account *row, struct account_facts *out)
{
	memset(out, 0, sizeof(*out));
	out->activated = row->password_hash != NULL;
	out->disabled = row->disabled;
	out->has_ends_on = row->has_ends_on;
	out->ends_on = row->ends_on;
}
