/*
 * access.c — effective roles from the adhesions, and who sees and does what on an episode (see
 * access.h).
 */
#include "core/access.h"

#include <string.h>

static bool contains(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void add_once(int64_t *ids, size_t *n, int64_t id)
{
	if (*n < ACCESS_ADOPTIONS_MAX && !contains(ids, *n, id))
		ids[(*n)++] = id;
}

void access_caller_derive(unsigned account_roles, int64_t professional_id,
			  const struct access_adhesion *ads, size_t n, coop_date today,
			  struct access_caller *out)
{
	memset(out, 0, sizeof(*out));
	out->roles = account_roles & ACCESS_ROLES_HELD;
	out->professional_id = professional_id;
	for (size_t i = 0; professional_id != 0 && i < n; i++) {
		const struct team_adhesion *a = &ads[i].adhesion;
		if (a->professional_id != professional_id || !team_adhesion_active(a, today))
			continue;
		if (a->role == TEAM_ROLE_DELEGUE) {
			out->roles |= ACCESS_ROLE_DELEGUE;
			add_once(out->delegue_of, &out->n_delegue_of, ads[i].adoption_id);
		} else if (a->role == TEAM_ROLE_DELEGANT) {
			out->roles |= ACCESS_ROLE_DELEGANT;
			add_once(out->delegant_of, &out->n_delegant_of, ads[i].adoption_id);
		}
	}
}

bool access_is_delegue_of(const struct access_caller *c, int64_t adoption_id)
{
	return (c->roles & ACCESS_ROLE_DELEGUE) &&
	       contains(c->delegue_of, c->n_delegue_of, adoption_id);
}

bool access_is_delegant_of(const struct access_caller *c, int64_t adoption_id)
{
	return (c->roles & ACCESS_ROLE_DELEGANT) &&
	       contains(c->delegant_of, c->n_delegant_of, adoption_id);
}

bool access_runs(const struct access_caller *c, const struct access_episode *e)
{
	return c->professional_id != 0 && e->delegue_id == c->professional_id &&
	       access_is_delegue_of(c, e->adoption_id);
}

/* The states in which an episode waits for a délégué to take it. */
static bool waits_for_assessment(enum pathway_state s)
{
	return s == PATHWAY_ORIENTATION || s == PATHWAY_PROPOSED || s == PATHWAY_CONSENTED;
}

enum access_view access_episode_view(const struct access_caller *c, const struct access_episode *e)
{
	if (access_is_delegant_of(c, e->adoption_id) || access_runs(c, e) ||
	    (access_is_delegue_of(c, e->adoption_id) && waits_for_assessment(e->state)))
		return ACCESS_VIEW_CLINICAL;
	if (c->roles & ACCESS_ROLE_SECRETARY)
		return ACCESS_VIEW_ORIENTATION;
	if (c->roles & ACCESS_ROLE_COORDINATOR)
		return ACCESS_VIEW_STATES;
	return ACCESS_VIEW_NONE;
}

bool access_may_see(const struct access_caller *c, const struct access_episode *e)
{
	return access_episode_view(c, e) != ACCESS_VIEW_NONE;
}

bool access_may_open(const struct access_caller *c, int64_t adoption_id)
{
	return (c->roles & ACCESS_ROLE_SECRETARY) || access_is_delegue_of(c, adoption_id);
}

bool access_may_act(const struct access_caller *c, const struct access_episode *e,
		    enum pathway_action a)
{
	switch (a) {
	case PATHWAY_PROPOSE:
	case PATHWAY_ORIENT_TO_USUAL_CARE:
	case PATHWAY_RECORD_CONSENT_GIVEN:
	case PATHWAY_RECORD_CONSENT_REFUSED:
	case PATHWAY_CANCEL:
		if (e->delegue_id)
			return access_runs(c, e);
		return access_may_open(c, e->adoption_id);
	case PATHWAY_START_ASSESSMENT: return access_is_delegue_of(c, e->adoption_id);
	case PATHWAY_SAVE_ANSWERS:
	case PATHWAY_RECORD_DECISION:
	case PATHWAY_PLAN_SECOND_CONTACT:
	case PATHWAY_RECORD_SECOND_CONTACT:
	case PATHWAY_REORIENT: return access_runs(c, e);
	case PATHWAY_RECORD_REVOYURE: return access_is_delegant_of(c, e->adoption_id);
	case PATHWAY_RECORD_GP_INFORMED:
	case PATHWAY_CLOSE: return access_runs(c, e) || access_is_delegant_of(c, e->adoption_id);
	case PATHWAY_ACTION_COUNT: break;
	}
	return false;
}

const char *access_actor_fr(const struct access_episode *e, enum pathway_action a)
{
	static const char runner[] = "au délégué qui mène l'évaluation";
	switch (a) {
	case PATHWAY_PROPOSE:
	case PATHWAY_ORIENT_TO_USUAL_CARE:
	case PATHWAY_RECORD_CONSENT_GIVEN:
	case PATHWAY_RECORD_CONSENT_REFUSED:
	case PATHWAY_CANCEL:
		return e->delegue_id ? runner : "au secrétariat ou à un délégué du protocole";
	case PATHWAY_START_ASSESSMENT: return "à un délégué du protocole";
	case PATHWAY_SAVE_ANSWERS:
	case PATHWAY_RECORD_DECISION:
	case PATHWAY_PLAN_SECOND_CONTACT:
	case PATHWAY_RECORD_SECOND_CONTACT:
	case PATHWAY_REORIENT: return runner;
	case PATHWAY_RECORD_REVOYURE: return "à un délégant du protocole";
	case PATHWAY_RECORD_GP_INFORMED:
	case PATHWAY_CLOSE: return "au délégué qui mène l'évaluation ou à un délégant du protocole";
	case PATHWAY_ACTION_COUNT: break;
	}
	return "";
}

enum pathway_asker access_asker(const struct access_caller *c, const struct access_episode *e)
{
	if (access_is_delegue_of(c, e->adoption_id) && (!e->delegue_id || access_runs(c, e)))
		return PATHWAY_ASKER_DELEGUE;
	if (c->roles & ACCESS_ROLE_SECRETARY)
		return PATHWAY_ASKER_SECRETARY;
	return PATHWAY_ASKER_OTHER;
}
