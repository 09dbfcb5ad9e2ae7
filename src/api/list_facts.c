/*
 * list_facts.c — an episode's document read into its list facts (see list_facts.h).
 */
#include "api/list_facts.h"

#include <string.h>

#include "core/pathway.h"

json_t *list_facts_referral(json_t *data)
{
	json_t *d = json_object_get(data, "decision");
	if (json_is_object(d)) {
		json_t *r = json_object_get(d, "reorientation");
		bool referral =
			r ? json_is_true(r)
			  : json_is_string(json_object_get(d, "decision")) &&
					strcmp(json_string_value(json_object_get(d, "decision")),
					       "excluded") == 0;
		return referral ? d : NULL;
	}
	json_t *vd = json_object_get(data, "verdict");
	return json_is_object(vd) && json_is_string(json_object_get(vd, "urgency")) ? vd : NULL;
}

enum revoyure_reason list_facts_revoyure(json_t *data, bool protocol_has_revoyure)
{
	json_t *d = json_object_get(data, "decision");
	json_t *scope = json_object_get(d, "scope");
	struct revoyure_facts f = {
		.protocol_has_revoyure = protocol_has_revoyure,
		.decided = json_is_object(d),
		.reoriented = d && list_facts_referral(data) == d,
		.on_age_only = json_is_string(scope) &&
			       strcmp(json_string_value(scope), "age") == 0 &&
			       json_array_size(json_object_get(d, "fired")) == 0,
		.new_symptoms = json_is_true(json_object_get(d, "new_symptoms")),
		.delegue_doubt = json_is_true(json_object_get(d, "doubt")),
	};
	return revoyure_called_for(&f);
}

/* A "YYYY-MM-DD" member of o as a day number; 0 when absent or not a date. */
static coop_date day_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	coop_date d;
	return s && date_parse(s, strlen(s), &d) ? d : 0;
}

void list_facts_of_document(json_t *data, const char *state, int64_t created_at,
			    bool protocol_has_revoyure, struct episode_list_facts *out)
{
	struct episode_list_input in = {.created_at = created_at};
	if (!state || !pathway_state_parse(state, &in.state))
		in.state = PATHWAY_CLOSED;
	json_t *at = json_object_get(json_object_get(data, "consent"), "at");
	in.consented = json_is_integer(at);
	in.consent_at = in.consented ? (int64_t)json_integer_value(at) : 0;
	json_t *ref = list_facts_referral(data);
	in.referral = ref != NULL;
	in.urgency = referral_urgency_parse(json_string_value(json_object_get(ref, "urgency")));
	in.referral_day = day_of(ref, "date");
	json_t *d = json_object_get(data, "decision");
	in.decided = json_is_object(d);
	in.decision_day = day_of(d, "date");
	json_t *called = json_object_get(d, "delegant_called_id");
	in.delegant_called_id = json_is_integer(called) ? (int64_t)json_integer_value(called) : 0;
	in.revoyure = list_facts_revoyure(data, protocol_has_revoyure);
	json_t *done = json_object_get(data, "revoyure");
	in.revoyure_done = done && !json_is_null(done);
	episode_list_facts_of(&in, out);
}
