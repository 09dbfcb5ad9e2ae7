/*
 * api_episodes.c — episodes of care: the patient pathway over HTTP.
 *
 *   POST /api/v1/episodes                       {patient_id, protocol_id}: orientation starts
 *   GET  /api/v1/episodes[?list=&state=&limit=&after=]  one page of a list (core/episode_list.h)
 *   GET  /api/v1/episodes/{id}
 *   PUT  /api/v1/episodes/{id}/answers          {version, answers}: saved, then the engine runs
 *   POST /api/v1/episodes/{id}/preview          {answers, unknown}: the same, nothing saved
 *   POST /api/v1/episodes/{id}/actions/{action} {version, ...}: one pathway transition
 *
 * Every transition is decided by the core (pathway_step() over facts gathered here: the
 * protocol as adopted and signed, the délégué's adhesion checked by team_check_adhesion(), the
 * délégants' availability, the consent, the médecin traitant) and refused with its stable code
 * and French message. Each write carries the episode's version: a stale one is a 409. The
 * episode's details live in one JSON document (data); the engine's decision is stored with the
 * protocol file's hash, so it can be replayed. Who sees an episode (and how much) and who
 * performs each action is the core's (core/access.h, over the caller's roles of today and the
 * protocols they adhere to): the secretariat orients and records consent and never sees
 * clinical answers; a délégué sees and assesses the patients of their protocols; a délégant
 * those of theirs and records revoyures; the coordinator sees states only. The scope is checked
 * before the version, so a 409 never reveals an episode outside it. Who answers which question
 * at which step is the core's pathway_may_answer(): the episode read and each save of answers
 * say which questions the caller's screen shows ("ask"), so whatever the engine still needs is
 * on the screen of whoever acts at that step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_prescription.h"
#include "api/app.h"
#include "api/facts.h"
#include "api/list_facts.h"
#include "core/access.h"
#include "core/episode_list.h"
#include "core/pathway.h"
#include "core/revoyure.h"
#include "base/strbuf.h"
#include "core/team.h"
#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/explain.h"

#define EPISODE_ROLES API_ANY_ROLE
#define CLINICAL_ROLES (DB_ROLE_DELEGUE | DB_ROLE_DELEGANT)
#define LIST_LIMIT 1000 /* a patient's episodes under one protocol (one open at a time) */
#define PAGE_DEFAULT 50
#define PAGE_MAX 200
#define HISTORY_MAX 200

json_t *patient_json(const struct db_patient *p);

/* Everything loaded for one episode request. */
struct episode_view {
	struct db_episode ep;
	json_t *data;              /* parsed ep.data (owned) */
	struct db_patient patient;
	struct db_adoption adoption;
	struct db_structure structure;
	const struct protocol *protocol;
	enum pathway_state state;
};

static void view_free(struct episode_view *v)
{
	json_decref(v->data);
	v->data = NULL;
}

/* The list facts of the episode as it is now (core/episode_list.h), from its document. */
static void list_facts_of_view(const struct episode_view *v, struct episode_list_facts *f)
{
	list_facts_of_document(v->data, pathway_state_code(v->state), v->ep.created_at,
			       v->protocol && v->protocol->revoyure.present, f);
}

/* The episode as the access rules (core/access.h) see it. */
static struct access_episode access_of(const struct episode_view *v)
{
	return (struct access_episode){.adoption_id = v->ep.adoption_id,
				       .state = v->state,
				       .delegue_id = v->ep.delegue_id};
}

/* How much of the episode the caller sees (access_episode_view()). */
static enum access_view view_of(const struct api_ctx *c, const struct episode_view *v)
{
	struct access_episode e = access_of(v);
	return access_episode_view(&c->caller, &e);
}

/* Answers the 403 of an episode outside the caller's scope. */
static void refuse_scope(struct api_ctx *c)
{
	api_fail(c, API_ERR_FORBIDDEN, "Cet épisode n'est pas dans votre périmètre.", NULL);
}

/* Loads episode `id` of the caller's structure; false (error answered) on failure. */
static bool load_episode(struct api_ctx *c, int64_t id, struct episode_view *v)
{
	memset(v, 0, sizeof(*v));
	enum coop_err e = db_episode_get(c->db, c->account.structure_id, id, c->a, &v->ep);
	if (e == COOP_OK)
		e = db_patient_get(c->db, c->account.structure_id, v->ep.patient_id, c->a,
				   &v->patient);
	if (e == COOP_OK)
		e = db_adoption_get(c->db, v->ep.adoption_id, c->a, &v->adoption);
	if (e == COOP_OK)
		e = db_structure_get(c->db, c->account.structure_id, c->a, &v->structure);
	if (e != COOP_OK) {
		api_store_error(c, e, "Épisode");
		return false;
	}
	v->protocol = app_protocol(c->app, v->adoption.protocol_id);
	json_error_t jerr;
	v->data = json_loads(v->ep.data, 0, &jerr);
	if (!v->protocol || !json_is_object(v->data) || !pathway_state_parse(v->ep.state, &v->state)) {
		view_free(v);
		api_fail(c, API_ERR_INTERNAL,
			 "Cet épisode fait référence à un protocole que ce serveur ne connaît pas.",
			 NULL);
		return false;
	}
	return true;
}

/* The answers recorded so far (orientation and assessment), as one object (borrowed). */
static json_t *recorded_answers(json_t *data)
{
	json_t *a = json_object_get(data, "answers");
	return json_is_object(a) ? a : NULL;
}

/* ------------------------------------------------------------------ engine */

struct engine_run {
	struct engine_input in;
	struct engine_result r;
};

/* Runs the protocol on the patient and `answers` at today's date; false with the message in msg
 * (French, naming the answer) when the answers do not fit the protocol. */
static bool run_engine(struct api_ctx *c, const struct episode_view *v, json_t *answers,
		       struct engine_run *run, char *msg, size_t msg_size)
{
	char day[16], born[16];
	date_format_iso(c->today, day, sizeof(day));
	date_format_iso(v->patient.birth_date, born, sizeof(born));
	json_t *doc = answers ? json_pack("{s:s, s:{s:s, s:s}, s:O}", "visit_date", day, "patient",
					  "birth_date", born, "sex", v->patient.sex, "answers",
					  answers)
			      : json_pack("{s:s, s:{s:s, s:s}, s:{}}", "visit_date", day,
					  "patient", "birth_date", born, "sex", v->patient.sex,
					  "answers");
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!text) {
		snprintf(msg, msg_size, "mémoire insuffisante");
		return false;
	}
	enum coop_err e = answers_parse(v->protocol, text, strlen(text), c->a, &run->in, msg,
					msg_size);
	free(text);
	if (e != COOP_OK)
		return false;
	e = engine_evaluate(v->protocol, &run->in, &run->r);
	if (e == ERR_NOT_FOUND) {
		snprintf(msg, msg_size, "aucune version du protocole n'est en vigueur aujourd'hui");
		return false;
	}
	if (e != COOP_OK) {
		snprintf(msg, msg_size, "la date de naissance du patient est postérieure à aujourd'hui");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ who answers what */

/* Is question `id` marked "ne sait pas" at orientation? */
static bool marked_unknown(json_t *data, const char *id)
{
	json_t *marks = json_object_get(data, "orientation_unknown");
	size_t i;
	json_t *x;
	json_array_foreach(marks, i, x) {
		if (json_is_string(x) && strcmp(json_string_value(x), id) == 0)
			return true;
	}
	return false;
}

static enum pathway_phase phase_of(const struct question *q)
{
	return q->asked_by == ASKED_ORIENTATION ? PATHWAY_PHASE_ORIENTATION
						: PATHWAY_PHASE_EXAMINATION;
}

/* Who the caller is when answering this episode's questions (access_asker()). */
static enum pathway_asker asker_of(const struct api_ctx *c, const struct episode_view *v)
{
	struct access_episode e = access_of(v);
	return access_asker(&c->caller, &e);
}

/* The protocol's questions as the pathway rules see them after `run` (arena array of
 * n_questions entries; NULL when out of memory). */
static struct pathway_question *question_facts(struct api_ctx *c, const struct episode_view *v,
					       const struct engine_run *run)
{
	const struct protocol *p = v->protocol;
	struct pathway_question *q = arena_alloc(c->a, (p->n_questions + 1) * sizeof(*q));
	for (size_t i = 0; q && i < p->n_questions; i++) {
		q[i].phase = phase_of(&p->questions[i]);
		q[i].status = (enum pathway_question_status)engine_question_state(&run->r, i);
		q[i].unknown = marked_unknown(v->data, p->questions[i].id);
	}
	return q;
}

/* The orientation questions still open after `run`, for the propose rule. */
static void orientation_facts(struct api_ctx *c, const struct episode_view *v,
			      const struct engine_run *run, struct pathway_facts *f)
{
	struct pathway_question *q = question_facts(c, v, run);
	size_t first = 0;
	f->orientation_open = q ? pathway_orientation_open(q, v->protocol->n_questions, &first) : 1;
	f->orientation_open_label = q && f->orientation_open ? v->protocol->questions[first].label
							       : NULL;
}

/* What the caller may answer now, for the screens: "questions" (the ids of the questions that
 * apply and that the caller may answer at this step, in file order: what the screen shows),
 * "next" (the engine's next questions, all of them answerable by the caller when the caller
 * is the one acting at this step), "orientation_open" (orientation questions neither answered
 * nor marked "ne sait pas") and "unknown" (the "ne sait pas" marks). NULL when out of memory. */
static json_t *ask_json(struct api_ctx *c, const struct episode_view *v,
			const struct engine_run *run)
{
	const struct protocol *p = v->protocol;
	struct pathway_question *q = question_facts(c, v, run);
	bool *ask = arena_alloc(c->a, (p->n_questions + 1) * sizeof(*ask));
	if (!q || !ask)
		return NULL;
	pathway_questions_to_ask(v->state, asker_of(c, v), q, p->n_questions, ask);
	json_t *shown = json_array(), *next = json_array(), *open = json_array();
	for (size_t i = 0; i < p->n_questions; i++) {
		if (ask[i])
			json_array_append_new(shown, json_string(p->questions[i].id));
		if (q[i].phase == PATHWAY_PHASE_ORIENTATION && q[i].status == PATHWAY_Q_UNANSWERED &&
		    !q[i].unknown)
			json_array_append_new(open, json_string(p->questions[i].id));
	}
	for (size_t k = 0; k < run->r.n_next; k++)
		if (ask[run->r.next[k]])
			json_array_append_new(next, json_string(p->questions[run->r.next[k]].id));
	json_t *marks = json_object_get(v->data, "orientation_unknown");
	/* borrowed marks get a reference of their own; a new empty list is simply handed over */
	json_t *unknown = json_is_array(marks) ? json_incref(marks) : json_array();
	return json_pack("{s:o, s:o, s:o, s:o}", "questions", shown, "next", next,
			 "orientation_open", open, "unknown", unknown);
}

/* Keeps in engine["next_questions"] only the questions the caller may answer now (the
 * others are asked at another step, by someone else). */
static void filter_next(struct api_ctx *c, const struct episode_view *v, json_t *engine)
{
	json_t *next = json_object_get(engine, "next_questions");
	if (!json_is_array(next))
		return;
	enum pathway_asker who = asker_of(c, v);
	for (size_t i = json_array_size(next); i-- > 0;) {
		const char *id = json_string_value(json_object_get(json_array_get(next, i), "id"));
		int q = id ? protocol_find_question(v->protocol, id) : -1;
		if (q < 0 || !pathway_may_answer(v->state, who, phase_of(&v->protocol->questions[q])))
			json_array_remove(next, i);
	}
}

/* ------------------------------------------------------------------ facts for the core */

/* The professional's adhesion that speaks for them as `role` in this adoption today, as the
 * core wants it (team_pick_adhesion: one passing the check, else one holding today, else the
 * latest in that role, else one in the other role, whose role goes to *found_role); false
 * when they have no adhesion to it at all. */
static bool pick_adhesion(struct api_ctx *c, int64_t professional, int64_t adoption,
			  const struct protocol *protocol, enum team_role role,
			  struct team_adhesion *out, enum team_role *found_role)
{
	if (!facts_pick_adhesion(c->db, c->a, professional, adoption, role, c->today,
				 facts_allowed(protocol, role, c->today), out))
		return false;
	*found_role = out->role;
	return true;
}

static void team_check_for(struct api_ctx *c, const struct episode_view *v, enum team_role role,
			   struct team_check *out)
{
	uint64_t allowed = facts_allowed(v->protocol, role, c->today);
	struct team_adhesion ad;
	enum team_role found = role;
	bool has = pick_adhesion(c, c->account.professional_id, v->adoption.id, v->protocol, role,
				 &ad, &found);
	team_check_adhesion(has ? &ad : NULL, role, c->today, allowed, out);
}

/* Does this professional pass the délégant check for the adoption today (member, profession
 * allowed by the version in force, insurance, engagement)? */
static bool valid_delegant(struct api_ctx *c, const struct episode_view *v, int64_t professional)
{
	uint64_t allowed = facts_allowed(v->protocol, TEAM_ROLE_DELEGANT, c->today);
	struct team_adhesion ad;
	enum team_role found = TEAM_ROLE_DELEGANT;
	struct team_check check;
	bool has = pick_adhesion(c, professional, v->adoption.id, v->protocol, TEAM_ROLE_DELEGANT,
				 &ad, &found);
	return team_check_adhesion(has ? &ad : NULL, TEAM_ROLE_DELEGANT, c->today, allowed,
				   &check);
}

static const char *const weekday_fr[7] = {"lundi", "mardi", "mercredi", "jeudi",
					   "vendredi", "samedi", "dimanche"};

/* The délégants of one adoption as the screen before an assessment lists them: name, phone,
 * whether reachable now, and their weekly slots in French ("mercredi 08:00–19:00"). */
static json_t *delegants_json(const struct api_ctx *c, const struct team_slot *slots, size_t n,
			      const char *const *phones)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = slots[k].professional_id == slots[i].professional_id;
		if (seen)
			continue;
		struct team_slot own[64];
		size_t n_own = 0;
		json_t *times = json_array();
		for (size_t k = i; k < n && n_own < 64; k++) {
			if (slots[k].professional_id != slots[i].professional_id)
				continue;
			own[n_own++] = slots[k];
			char t[64];
			snprintf(t, sizeof(t), "%s %02d:%02d–%02d:%02d", weekday_fr[slots[k].weekday % 7],
				 slots[k].start_minute / 60, slots[k].start_minute % 60,
				 slots[k].end_minute / 60, slots[k].end_minute % 60);
			json_array_append_new(times, json_string(t));
		}
		struct team_availability one = {.slots = own, .n_slots = n_own};
		size_t at;
		bool now = team_reachable_now(&one, c->today, c->minute, 0, &at);
		json_t *o = json_pack("{s:I, s:s?, s:s?, s:s?, s:b, s:o}", "professional_id",
				      (json_int_t)slots[i].professional_id, "name", slots[i].name,
				      "phone", phones[i], "contact", now ? own[at].contact : NULL,
				      "reachable_now", now, "slots", times);
		json_array_append_new(list, o);
	}
	return list;
}

/* Fills reachability: whether a délégant of the adoption can be reached now, and the French
 * sentence naming who to call or when someone will be. Only the slots of délégants who pass
 * the délégant check count; the patient's médecin traitant, when a délégant, is preferred.
 * With `list` non-NULL, also sets *list to delegants_json() of those délégants (owned). */
static void reachability(struct api_ctx *c, const struct episode_view *v, bool *reachable,
			 const char **message, json_t **list)
{
	struct db_availability *av = NULL;
	size_t n = 0, kept = 0;
	*reachable = false;
	*message = "Aucun délégant de ce protocole n'a indiqué ses disponibilités.";
	if (list)
		*list = json_array();
	if (db_availability_for_adoption(c->db, v->adoption.id, c->today, c->a, &av, &n) !=
		    COOP_OK ||
	    n == 0)
		return;
	struct team_slot *slots = arena_alloc(c->a, n * sizeof(*slots));
	const char **phones = arena_alloc(c->a, n * sizeof(*phones));
	char *buf = arena_alloc(c->a, 512);
	if (!slots || !phones || !buf)
		return;
	int64_t checked_id = 0;
	bool checked_ok = false;
	char *name = NULL;
	const char *phone = NULL;
	for (size_t i = 0; i < n; i++) {
		/* consecutive slots of one délégant share the check and the name (slots come
		 * ordered by weekday: with one délégant, all of them) */
		if (av[i].professional_id != checked_id) {
			checked_id = av[i].professional_id;
			checked_ok = valid_delegant(c, v, checked_id);
			struct db_professional pro;
			name = NULL;
			phone = NULL;
			if (checked_ok &&
			    db_professional_get(c->db, checked_id, c->a, &pro) == COOP_OK) {
				name = arena_alloc(c->a, 256);
				if (name)
					snprintf(name, 256, "%s%s %s",
						 strcmp(pro.profession, "medecin") == 0 ? "Dr "
											 : "",
						 pro.first_names, pro.last_name);
				phone = pro.phone;
			}
		}
		if (!checked_ok)
			continue;
		phones[kept] = phone;
		slots[kept++] = (struct team_slot){.professional_id = av[i].professional_id,
						   .weekday = (uint8_t)av[i].weekday,
						   .start_minute = (uint16_t)av[i].start_minute,
						   .end_minute = (uint16_t)av[i].end_minute,
						   .name = name,
						   .contact = av[i].how};
	}
	if (kept == 0) {
		*message = "Aucun délégant de ce protocole n'est en règle (adhésion, assurance, "
			   "engagement) pour être joint.";
		return;
	}
	struct team_availability ta = {.slots = slots, .n_slots = kept};
	*reachable = team_reach_message(&ta, c->today, c->minute, v->patient.gp_professional_id,
					buf, 512);
	*message = buf;
	if (list) {
		json_decref(*list);
		*list = delegants_json(c, slots, kept, phones);
	}
}

/* The délégant called with a referral, as the délégué reaches them: name, and the contact of
 * the slot in which they are reachable now (team_contact_now(): a Sunday mobile, not the
 * weekday office line); when not reachable now, their professional phone, said as such. */
static json_t *delegant_called_json(struct api_ctx *c, const struct episode_view *v,
				    int64_t professional)
{
	struct db_professional pro;
	if (db_professional_get(c->db, professional, c->a, &pro) != COOP_OK)
		return json_null();
	char name[256];
	snprintf(name, sizeof(name), "%s%s %s",
		 strcmp(pro.profession, "medecin") == 0 ? "Dr " : "", pro.first_names,
		 pro.last_name);
	struct db_availability *av = NULL;
	size_t n = 0;
	const char *contact = NULL;
	bool now = false;
	if (db_availability_for_adoption(c->db, v->adoption.id, c->today, c->a, &av, &n) ==
		    COOP_OK &&
	    n > 0) {
		struct team_slot *slots = arena_alloc(c->a, n * sizeof(*slots));
		for (size_t i = 0; slots && i < n; i++)
			slots[i] = (struct team_slot){.professional_id = av[i].professional_id,
						      .weekday = (uint8_t)av[i].weekday,
						      .start_minute = (uint16_t)av[i].start_minute,
						      .end_minute = (uint16_t)av[i].end_minute,
						      .contact = av[i].how};
		struct team_availability ta = {.slots = slots, .n_slots = slots ? n : 0};
		now = team_contact_now(&ta, professional, c->today, c->minute, &contact);
	}
	return json_pack("{s:I, s:s, s:s?, s:b, s:s?}", "professional_id", (json_int_t)professional,
			 "name", name, "contact", now ? contact : NULL, "reachable_now", now,
			 "phone", pro.phone);
}

static bool data_has(json_t *data, const char *key)
{
	json_t *x = json_object_get(data, key);
	return x && !json_is_null(x);
}

/* What the engine said on the answers just saved, as kept with the episode (verdict): the
 * decision, and for a referral its urgency, headline and one-sentence reason; the day. */
static json_t *verdict_json(const struct api_ctx *c, json_t *engine)
{
	json_t *o = json_pack("{s:O?, s:o}", "decision", json_object_get(engine, "decision"), "date",
			      api_date_json(c->today));
	bool referral = json_is_true(json_object_get(engine, "reorientation"));
	json_object_set(o, "urgency", referral ? json_object_get(engine, "urgency") : json_null());
	json_object_set(o, "urgency_headline",
			referral ? json_object_get(engine, "urgency_headline") : json_null());
	json_object_set(o, "reason", referral ? json_object_get(engine, "reason") : json_null());
	return o;
}

/* The protocol's second contact and the decision day, as the pathway rules read them. */
static void second_contact_facts(const struct episode_view *v, struct pathway_facts *f)
{
	const struct protocol *p = v->protocol;
	f->has_second_contact = p->second_contact.present;
	f->second_contact_has_window = p->second_contact.has_window;
	f->second_contact_from_day = p->second_contact.from_day;
	f->second_contact_to_day = p->second_contact.to_day;
	const char *day =
		json_string_value(json_object_get(json_object_get(v->data, "decision"), "date"));
	if (day && !date_parse(day, strlen(day), &f->decision_date))
		f->decision_date = 0;
}

/* The fact "patient in scope" of the pathway (rule 8) as the engine found it: not outside the
 * version's ages or sexes. */
static bool in_population(const struct engine_result *r)
{
	return r->scope != SCOPE_AGE && r->scope != SCOPE_SEX;
}

static void gather_facts(struct api_ctx *c, const struct episode_view *v, bool engine_in_scope,
			 struct pathway_facts *f)
{
	memset(f, 0, sizeof(*f));
	const struct protocol *p = v->protocol;
	f->state = v->state;
	f->today = c->today;
	f->protocol_adopted = true;
	f->protocol_suspended = strcmp(v->adoption.status, "active") != 0;
	f->protocol_in_force = protocol_version_at(p, c->today) != NULL;
	/* signed for this content: the file and what the signer completed (the template hash) */
	f->protocol_signed = api_rx_signed(c->a, p, &v->adoption, NULL, NULL);
	f->protocol_long_term = p->long_term;
	/* the structure's type and the types the version in force allows (rule 7b) */
	const struct protocol_version *ver = protocol_version_at(p, c->today);
	f->structure_type_known = structure_type_parse(v->structure.type, &f->structure_type);
	f->structure_types_allowed = ver ? ver->structure_types : 0;
	second_contact_facts(v, f);
	f->patient_in_scope = engine_in_scope;
	json_t *consent = json_object_get(v->data, "consent");
	f->consent_given = json_is_true(json_object_get(consent, "given"));
	f->gp = v->patient.gp_professional_id                ? PATHWAY_GP_IN_TEAM
		: (v->patient.gp_name || v->patient.gp_rpps) ? PATHWAY_GP_OUTSIDE
							     : PATHWAY_GP_NONE;
	f->gp_informed = data_has(v->data, "gp_informed");
	/* long-term protocols: the médecin traitant must be a délégant of the protocol in good
	 * standing (the délégant in charge is then the patient's own physician) */
	f->delegant_is_gp = p->long_term && v->patient.gp_professional_id &&
			    valid_delegant(c, v, v->patient.gp_professional_id);
	f->revoyure_done = data_has(v->data, "revoyure");
	f->second_contact_done = data_has(v->data, "second_contact");
}

/* ------------------------------------------------------------------ rendering */

/* The second contact's window as dates ({from, to}; to null when the protocol gives no end),
 * or NULL when the protocol has none or no decision is recorded yet. */
static json_t *second_contact_window_json(const struct episode_view *v)
{
	struct pathway_facts f;
	memset(&f, 0, sizeof(f));
	second_contact_facts(v, &f);
	coop_date from, to;
	if (!pathway_second_contact_window(&f, &from, &to))
		return NULL;
	return json_pack("{s:o, s:o}", "from", api_date_json(from), "to",
			 to ? api_date_json(to) : json_null());
}

/* The episode as the caller may see it: the secretariat and the coordinator get no clinical
 * answer or decision detail. */
static json_t *episode_json(const struct api_ctx *c, const struct episode_view *v)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)v->ep.id,
			      "patient_id", (json_int_t)v->ep.patient_id, "protocol_id",
			      v->protocol->id, "state", v->ep.state, "state_label",
			      pathway_state_label_fr(v->state), "version", (json_int_t)v->ep.version,
			      "created_at", (json_int_t)v->ep.created_at, "updated_at",
			      (json_int_t)v->ep.updated_at);
	if (!o)
		return NULL;
	json_object_set_new(o, "protocol_title", json_string(v->protocol->title));
	/* the coordinator manages the team: states and dates only, no patient, no details */
	enum access_view view = view_of(c, v);
	if (view < ACCESS_VIEW_ORIENTATION)
		return o;
	json_object_set_new(o, "patient", patient_json(&v->patient));
	json_object_set_new(o, "delegue_id",
			    v->ep.delegue_id ? json_integer(v->ep.delegue_id) : json_null());
	bool clinical = view == ACCESS_VIEW_CLINICAL;
	json_t *shown = json_object();
	const char *key;
	json_t *value;
	json_object_foreach(v->data, key, value) {
		bool clinical_key = strcmp(key, "answers") == 0 || strcmp(key, "decision") == 0 ||
				    strcmp(key, "answered_by") == 0 ||
				    strcmp(key, "revoyure") == 0 || strcmp(key, "second_contact") == 0;
		if (clinical || !clinical_key)
			json_object_set(shown, key, value);
	}
	if (!clinical) {
		/* the secretariat still needs the orientation answers and the outcome's kind */
		json_t *answers = recorded_answers(v->data);
		json_t *orient = json_object();
		for (size_t i = 0; answers && i < v->protocol->n_questions; i++) {
			const struct question *q = &v->protocol->questions[i];
			json_t *a = json_object_get(answers, q->id);
			if (a && q->asked_by == ASKED_ORIENTATION)
				json_object_set(orient, q->id, a);
		}
		json_object_set_new(shown, "orientation_answers", orient);
		json_t *decision = json_object_get(v->data, "decision");
		if (decision)
			json_object_set_new(shown, "decision",
					    json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "decision",
						      json_object_get(decision, "decision"),
						      "urgency",
						      json_object_get(decision, "urgency"),
						      "reorientation",
						      json_object_get(decision, "reorientation"),
						      "urgency_headline",
						      json_object_get(decision, "urgency_headline"),
						      "reason", json_object_get(decision, "reason")));
	}
	json_object_set_new(o, "data", shown);
	json_t *window = clinical ? second_contact_window_json(v) : NULL;
	json_object_set_new(o, "second_contact_window", window ? window : json_null());
	return o;
}

static void append_history(struct api_ctx *c, json_t *data, const char *action,
			   const char *state)
{
	json_t *h = json_object_get(data, "history");
	if (!json_is_array(h)) {
		h = json_array();
		json_object_set_new(data, "history", h);
	}
	if (json_array_size(h) >= HISTORY_MAX)
		json_array_remove(h, 0);
	json_array_append_new(h, json_pack("{s:I, s:I, s:s, s:s, s:s}", "at", (json_int_t)c->now,
					   "account_id", (json_int_t)c->account.id, "by",
					   c->account.display_name, "action", action, "state",
					   state));
}

/* Writes the episode (version-checked) and its audit record in one transaction, then answers
 * it. before is the data as it was (borrowed). */
static void save_and_answer(struct api_ctx *c, struct episode_view *v, json_t *before,
			    const char *action, int status, json_t *extra)
{
	char *text = json_dumps(v->data, JSON_COMPACT);
	if (!text) {
		json_decref(extra);
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	v->ep.data = arena_strdup(c->a, text);
	free(text);
	v->ep.updated_at = c->now;
	/* v->ep.state is still the stored (previous) state; v->state the new one */
	json_t *b = json_pack("{s:s, s:O}", "state", v->ep.state, "data", before);
	v->ep.state = pathway_state_code(v->state);
	json_t *after = json_pack("{s:s, s:O}", "state", v->ep.state, "data", v->data);
	/* what changed, serialised before the transaction: the write queue is held for the SQL
	 * only */
	char *b_text = NULL, *after_text = NULL;
	bool changed = b && after && api_audit_change(b, after, &b_text, &after_text);
	json_decref(b);
	json_decref(after);
	list_facts_of_view(v, &v->ep.list); /* the columns the lists read, from this document */
	enum coop_err e = v->ep.data && changed ? db_begin(c->db) : ERR_NOMEM;
	if (e == COOP_OK)
		e = db_episode_update(c->db, &v->ep);
	if (e == COOP_OK)
		e = api_audit_stored(c, action, "episode", v->ep.id, b_text, after_text);
	if (e == COOP_OK)
		e = db_commit(c->db);
	free(b_text);
	free(after_text);
	if (e != COOP_OK) {
		db_rollback(c->db);
		json_decref(extra);
		api_store_error(c, e, "Épisode");
		return;
	}
	v->ep.version++;
	json_t *out = episode_json(c, v);
	if (out && extra)
		json_object_set_new(out, "engine", extra);
	else
		json_decref(extra);
	http_respond_json(c->res, status, out);
}

/* ------------------------------------------------------------------ create, list, get */

void api_episodes_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"patient_id", "protocol_id", NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, DB_ROLE_SECRETARY | DB_ROLE_DELEGUE))
		return;
	json_t *body = api_body(&c, fields);
	int64_t patient_id;
	const char *protocol_id;
	if (!body || !api_id(&c, body, "patient_id", true, &patient_id) ||
	    !api_str(&c, body, "protocol_id", 64, true, &protocol_id))
		return;
	struct db_patient patient;
	enum coop_err e = db_patient_get(c.db, c.account.structure_id, patient_id, c.a, &patient);
	if (e != COOP_OK) {
		if (e == ERR_NOT_FOUND)
			api_fail(&c, API_ERR_INVALID,
				 "Ce patient n'existe pas dans votre structure.", "patient_id");
		else
			api_store_error(&c, e, "Patient");
		return;
	}
	if (patient.merged_into) { /* a duplicate merged away: its episodes go to the kept record */
		api_fail(&c, API_ERR_MERGED,
			 "Ce dossier a été fusionné dans un autre : choisissez le dossier conservé.",
			 "patient_id");
		return;
	}
	struct db_adoption ad;
	e = db_adoption_find(c.db, c.account.structure_id, protocol_id, c.a, &ad);
	if (e == ERR_NOT_FOUND || !app_protocol(c.app, protocol_id)) {
		api_fail(&c, API_ERR_PROTOCOL_NOT_ADOPTED,
			 "Votre structure n'a pas adopté ce protocole : il ne peut pas être proposé.",
			 "protocol_id");
		return;
	}
	if (e != COOP_OK) {
		api_store_error(&c, e, "Protocole");
		return;
	}
	/* a délégué orients only towards the protocols they are délégué of (access_may_open) */
	if (!access_may_open(&c.caller, ad.id)) {
		api_fail(&c, API_ERR_FORBIDDEN,
			 "Vous n'êtes pas délégué de ce protocole : seuls le secrétariat et ses "
			 "délégués y orientent un patient.",
			 "protocol_id");
		return;
	}
	/* one open episode per patient and protocol: the open one is named, to resume or cancel */
	struct db_episode *same = NULL;
	size_t n_same = 0;
	e = db_episode_list_for(c.db, c.account.structure_id, patient_id, ad.id, LIST_LIMIT, c.a,
				&same, &n_same);
	enum pathway_state *states = arena_alloc(c.a, (n_same + 1) * sizeof(*states));
	if (e != COOP_OK || !states) {
		api_store_error(&c, e != COOP_OK ? e : ERR_NOMEM, "Épisode");
		return;
	}
	for (size_t i = 0; i < n_same; i++)
		if (!pathway_state_parse(same[i].state, &states[i]))
			states[i] = PATHWAY_STATE_COUNT;
	size_t open_at;
	if (pathway_open_episode(states, n_same, &open_at)) {
		char m[400];
		snprintf(m, sizeof(m),
			 "Une prise en charge de ce patient pour ce protocole est déjà ouverte "
			 "(demande n° %lld, étape « %s ») : reprenez-la ou annulez-la avant d'en "
			 "ouvrir une autre.",
			 (long long)same[open_at].id, pathway_state_label_fr(states[open_at]));
		api_fail(&c, API_ERR_EPISODE_ALREADY_OPEN, m, "protocol_id");
		return;
	}
	struct db_episode ep = {.structure_id = c.account.structure_id,
				.patient_id = patient_id,
				.adoption_id = ad.id,
				.state = pathway_state_code(PATHWAY_ORIENTATION),
				.created_by = c.account.id,
				.created_at = c.now};
	struct episode_view v = {.patient = patient, .adoption = ad,
				 .protocol = app_protocol(c.app, protocol_id),
				 .state = PATHWAY_ORIENTATION};
	v.data = json_pack("{s:s, s:{}}", "protocol_id", protocol_id, "answers");
	append_history(&c, v.data, "create", ep.state);
	char *text = json_dumps(v.data, JSON_COMPACT);
	ep.data = text ? arena_strdup(c.a, text) : NULL;
	free(text);
	list_facts_of_document(v.data, ep.state, ep.created_at,
			       v.protocol && v.protocol->revoyure.present, &ep.list);
	int64_t id = 0;
	e = ep.data ? db_begin(c.db) : ERR_NOMEM;
	if (e == COOP_OK)
		e = db_episode_insert(c.db, &ep, &id);
	json_t *after = json_pack("{s:s, s:I, s:s}", "state", ep.state, "patient_id",
				  (json_int_t)patient_id, "protocol_id", protocol_id);
	if (e == COOP_OK)
		e = api_audit(&c, "create", "episode", id, NULL, after);
	json_decref(after);
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		view_free(&v);
		api_store_error(&c, e, "Épisode");
		return;
	}
	ep.id = id;
	ep.version = 1;
	ep.updated_at = c.now;
	v.ep = ep;
	json_t *out = episode_json(&c, &v);
	view_free(&v);
	http_respond_json(res, 201, out);
}

/* May the caller see this episode (access_may_see(): the délégué of its protocol while it
 * waits or runs it, a délégant of its protocol, the secretariat, the coordinator)? */
static bool may_see(const struct api_ctx *c, const struct episode_view *v)
{
	struct access_episode e = access_of(v);
	return access_may_see(&c->caller, &e);
}

/* May the caller perform this action on this episode, in the capacity the action needs
 * (access_may_act())? The pathway rules come after; this is who, not when. */
static bool may_act(const struct api_ctx *c, const struct episode_view *v, enum pathway_action a)
{
	struct access_episode e = access_of(v);
	return access_may_act(&c->caller, &e, a);
}

void api_episodes_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	struct episode_view v;
	if (!api_begin(&c, req, res, app, EPISODE_ROLES) || !api_param_id(&c, "id", &id) ||
	    !load_episode(&c, id, &v))
		return;
	if (!may_see(&c, &v)) {
		view_free(&v);
		refuse_scope(&c);
		return;
	}
	json_t *out = episode_json(&c, &v);
	/* what the caller may answer now (orientation, assessment): the screen shows these */
	enum pathway_asker who = asker_of(&c, &v);
	bool answering = out && (pathway_may_answer(v.state, who, PATHWAY_PHASE_ORIENTATION) ||
				 pathway_may_answer(v.state, who, PATHWAY_PHASE_EXAMINATION));
	struct engine_run *run = answering ? arena_alloc(c.a, sizeof(*run)) : NULL;
	char msg[320];
	if (run && run_engine(&c, &v, recorded_answers(v.data), run, msg, sizeof(msg))) {
		json_t *ask = ask_json(&c, &v, run);
		if (ask)
			json_object_set_new(out, "ask", ask);
	}
	view_free(&v);
	if (api_trace_read(&c, "read", "episode", id, NULL))
		http_respond_json(res, 200, out);
	else
		json_decref(out);
}

/* GET /api/v1/episodes/{id}/prescription: the prescription of the recorded decision as it is
 * printed and handed to the patient — the structure (FINESS), the délégué, the signing délégant
 * (RPPS), the patient with age and weight, the lines issued (never a note for the signer), and
 * whether it may be handed over (else what is missing). The read is traced. */
void api_episodes_prescription(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	struct episode_view v;
	if (!api_begin(&c, req, res, app, CLINICAL_ROLES) || !api_param_id(&c, "id", &id) ||
	    !load_episode(&c, id, &v))
		return;
	json_t *out = NULL;
	/* the prescription is clinical: the délégué who ran it, a délégant of the protocol */
	if (view_of(&c, &v) != ACCESS_VIEW_CLINICAL) {
		refuse_scope(&c);
		goto done;
	}
	json_t *d = json_object_get(v.data, "decision");
	out = d ? api_rx_document(&c, v.protocol, d, &v.patient, &v.structure, &v.adoption,
				  v.ep.delegue_id)
		: NULL;
	if (!out) {
		api_fail(&c, API_ERR_NO_PRESCRIPTION,
			 "Aucune ordonnance n'a été délivrée dans cette prise en charge.", NULL);
		goto done;
	}
	if (api_trace_read(&c, "prescription", "episode", id, NULL)) {
		http_respond_json(res, 200, out);
		out = NULL;
	}
done:
	json_decref(out);
	view_free(&v);
}

/* What a list row shows of the episode's progress, for the queues of each role: the decision's
 * kind; the referral (decision, or the engine's verdict before any decision) with its urgency,
 * headline, reason and day (secretariat too); for délégués and délégants also the arrival time,
 * the decision date, the délégant called, whether a revoyure is called for (and why), whether
 * the revoyure and the second contact are done, and the second contact's planned date, the last
 * day of the revoyure. */
static json_t *list_summary(struct api_ctx *c, const struct episode_view *v)
{
	json_t *d = json_object_get(v->data, "decision");
	json_t *ref = list_facts_referral(v->data);
	json_t *o = json_pack("{s:O?, s:O?, s:b, s:O?, s:O?, s:O?}", "decision",
			      json_object_get(d, "decision"), "urgency",
			      json_object_get(ref, "urgency"), "reorientation", ref != NULL,
			      "urgency_headline", json_object_get(ref, "urgency_headline"), "reason",
			      json_object_get(ref, "reason"), "referral_date",
			      json_object_get(ref, "date"));
	if (!o || view_of(c, v) != ACCESS_VIEW_CLINICAL)
		return o;
	struct episode_list_facts f;
	list_facts_of_view(v, &f);
	json_object_set_new(o, "arrived_at", json_integer(f.arrived_at));
	enum revoyure_reason why = list_facts_revoyure(v->data, v->protocol->revoyure.present);
	json_object_set_new(o, "revoyure_called_for", json_boolean(why != REVOYURE_NOT_CALLED_FOR));
	json_object_set_new(o, "revoyure_reason", why != REVOYURE_NOT_CALLED_FOR
							  ? json_string(revoyure_reason_label_fr(why))
							  : json_null());
	json_object_set(o, "decision_date", json_object_get(d, "date") ? json_object_get(d, "date")
								       : json_null());
	json_object_set(o, "delegant_called_id", json_object_get(d, "delegant_called_id")
							 ? json_object_get(d, "delegant_called_id")
							 : json_null());
	json_object_set_new(o, "revoyure_done", json_boolean(data_has(v->data, "revoyure")));
	/* the last day of the revoyure (the core's rule), for the délégant's list of those to do */
	const char *day = json_string_value(json_object_get(d, "date"));
	coop_date decided;
	json_object_set_new(o, "revoyure_until",
			    day && date_parse(day, strlen(day), &decided)
				    ? api_date_json(pathway_revoyure_last_day(decided))
				    : json_null());
	json_object_set_new(o, "second_contact_planned", json_boolean(v->protocol->second_contact.present));
	json_object_set_new(o, "second_contact_done",
			    json_boolean(data_has(v->data, "second_contact")));
	json_t *plan = json_object_get(json_object_get(v->data, "second_contact_plan"), "date");
	json_object_set(o, "second_contact_date", plan ? plan : json_null());
	return o;
}

/* ------------------------------------------------------------------ lists */

/* One range of a list (db_episode_range()) and the segment of the list its rows are in. */
struct list_range {
	struct db_episode_range r;
	int64_t segment;
};

/* The ranges that make up list l for the caller (core/episode_list.h says which rows each list
 * holds; core/access.h the scope): a scope spanning several protocols reads one range per
 * adoption (and per part of the list), never the structure. n_out counts them. */
struct list_plan {
	struct list_range *ranges;
	size_t n, cap;
};

static bool plan_add(struct api_ctx *c, struct list_plan *p, struct db_episode_range r,
		     int64_t segment)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct list_range *fresh = arena_alloc(c->a, cap * sizeof(*fresh));
		if (!fresh)
			return false;
		if (p->n)
			memcpy(fresh, p->ranges, p->n * sizeof(*fresh));
		p->ranges = fresh;
		p->cap = cap;
	}
	r.structure_id = c->account.structure_id;
	p->ranges[p->n++] = (struct list_range){.r = r, .segment = segment};
	return true;
}

/* The first instant of today (local time), for the day list. */
static int64_t day_start(const struct api_ctx *c)
{
	time_t t = (time_t)c->now;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t start = mktime(&tm);
	return start == (time_t)-1 ? c->now - c->now % 86400 : (int64_t)start;
}

static bool plan_list(struct api_ctx *c, enum episode_list l, const char *state,
		      struct list_plan *p)
{
	const struct access_caller *me = &c->caller;
	int64_t pro = me->professional_id;
	bool ok = true;
	switch (l) {
	case EPISODE_LIST_ALL:
		if (me->roles & (ACCESS_ROLE_SECRETARY | ACCESS_ROLE_COORDINATOR))
			return state ? plan_add(c, p,
						(struct db_episode_range){
							.kind = DB_EPISODES_BY_STATE,
							.state = state},
						0)
				     : plan_add(
					       c, p,
					       (struct db_episode_range){.kind = DB_EPISODES_RECENT,
									 .since = INT64_MIN},
					       0);
		for (size_t i = 0; ok && i < me->n_delegant_of; i++)
			ok = plan_add(
				c, p,
				(struct db_episode_range){.kind = state ? DB_EPISODES_ADOPTION_STATE
									: DB_EPISODES_ADOPTION,
							  .adoption_id = me->delegant_of[i],
							  .state = state},
				0);
		for (size_t i = 0; ok && i < me->n_delegue_of; i++) {
			int64_t a = me->delegue_of[i];
			if (access_is_delegant_of(me, a))
				continue; /* every episode of it is read already */
			/* the states in which it waits for a délégué (episode_list_waits()) */
			for (int k = 0; ok && k < PATHWAY_STATE_COUNT; k++) {
				if (!episode_list_waits((enum pathway_state)k))
					continue;
				const char *w = pathway_state_code((enum pathway_state)k);
				if (!state || strcmp(state, w) == 0)
					ok = plan_add(c, p,
						      (struct db_episode_range){
							      .kind = DB_EPISODES_ADOPTION_STATE,
							      .adoption_id = a,
							      .state = w},
						      0);
			}
			if (ok)
				ok = plan_add(c, p,
					      (struct db_episode_range){.kind = DB_EPISODES_RUN,
									.adoption_id = a,
									.professional_id = pro,
									.state = state},
					      0);
		}
		return ok;
	case EPISODE_LIST_DAY:
		/* updated today, and whatever their day the requests episode_list_day_keeps() */
		ok = plan_add(c, p,
			      (struct db_episode_range){.kind = DB_EPISODES_RECENT,
							.since = day_start(c)},
			      0);
		for (int s = 0; ok && s < PATHWAY_STATE_COUNT; s++)
			if (episode_list_day_keeps((enum pathway_state)s))
				ok = plan_add(
					c, p,
					(struct db_episode_range){
						.kind = DB_EPISODES_BY_STATE,
						.state = pathway_state_code((enum pathway_state)s)},
					0);
		return ok;
	case EPISODE_LIST_QUEUE:
		for (size_t i = 0; ok && i < me->n_delegue_of; i++) {
			ok = plan_add(c, p,
				      (struct db_episode_range){.kind = DB_EPISODES_QUEUE_WAITING,
								.adoption_id = me->delegue_of[i]},
				      0) &&
			     plan_add(c, p,
				      (struct db_episode_range){.kind = DB_EPISODES_QUEUE_RUN,
								.adoption_id = me->delegue_of[i],
								.professional_id = pro},
				      1);
		}
		return ok;
	case EPISODE_LIST_REFERRALS: {
		int64_t since = episode_list_referrals_since(c->today);
		for (size_t i = 0; ok && i < me->n_delegant_of; i++) {
			int64_t called[2] = {0, pro};
			for (int k = 0; ok && k < 2; k++) {
				for (int64_t rank = 0; ok && rank <= 2; rank++)
					ok = plan_add(c, p,
						      (struct db_episode_range){
							      .kind = DB_EPISODES_REFERRALS,
							      .adoption_id = me->delegant_of[i],
							      .called = called[k],
							      .rank = rank,
							      .since = since},
						      rank);
				if (ok)
					ok = plan_add(c, p,
						      (struct db_episode_range){
							      .kind = DB_EPISODES_REFERRALS_OLD,
							      .adoption_id = me->delegant_of[i],
							      .called = called[k],
							      .since = since},
						      2);
			}
		}
		return ok;
	}
	case EPISODE_LIST_REVOYURES:
		for (size_t i = 0; ok && i < me->n_delegant_of; i++)
			ok = plan_add(c, p,
				      (struct db_episode_range){.kind = DB_EPISODES_REVOYURES,
								.adoption_id = me->delegant_of[i],
								.since = c->today},
				      0);
		return ok;
	}
	return false;
}

/* A row read from a range, with the list it is sorted for. */
struct list_row {
	struct episode_list_key key;
	enum episode_list list;
};

static int row_cmp(const void *a, const void *b)
{
	const struct list_row *x = a, *y = b;
	return episode_list_cmp(x->list, &x->key, &y->key);
}

/* The page: at most limit + 1 keys of list l after the cursor (when has_after), in the list's
 * order, each episode once. Each range reads at most limit + 1 rows from the cursor on. */
static bool page_keys(struct api_ctx *c, enum episode_list l, const struct list_plan *p,
		      bool has_after, const struct episode_list_key *after, size_t limit,
		      struct list_row **out, size_t *n_out)
{
	size_t cap = p->n * (limit + 1), n = 0;
	struct list_row *rows = arena_alloc(c->a, (cap ? cap : 1) * sizeof(*rows));
	if (!rows) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return false;
	}
	for (size_t i = 0; i < p->n; i++) {
		struct db_episode_range r = p->ranges[i].r;
		int64_t segment = p->ranges[i].segment;
		if (has_after && segment < after->segment)
			continue; /* wholly before the cursor */
		if (has_after && segment == after->segment) {
			r.has_after = true;
			r.after_k = after->k;
			r.after_id = after->id;
		}
		r.limit = limit + 1;
		struct episode_list_key *keys = NULL;
		size_t got = 0;
		enum coop_err e = db_episode_range(c->db, &r, c->a, &keys, &got);
		if (e != COOP_OK) {
			api_store_error(c, e, "Épisode");
			return false;
		}
		for (size_t k = 0; k < got && n < cap; k++) {
			keys[k].segment = segment;
			rows[n++] = (struct list_row){.key = keys[k], .list = l};
		}
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < n && kept <= limit; i++) /* the same episode from two ranges */
		if (!kept || row_cmp(&rows[kept - 1], &rows[i]) != 0)
			rows[kept++] = rows[i];
	*out = rows;
	*n_out = kept;
	return true;
}

/* limit (1..PAGE_MAX, default PAGE_DEFAULT) and after (a cursor of list l) of the query. */
static bool page_params(struct api_ctx *c, enum episode_list l, size_t *limit, bool *has_after,
			struct episode_list_key *after)
{
	const char *v = NULL;
	*limit = PAGE_DEFAULT;
	if (http_request_query(c->req, "limit", &v, NULL) == COOP_OK) {
		char *end = NULL;
		long n = v && *v >= '0' && *v <= '9' && strlen(v) <= 3 ? strtol(v, &end, 10) : 0;
		if (!end || *end || n < 1 || n > PAGE_MAX) {
			api_fail(c, API_ERR_INVALID, "Le nombre de lignes par page va de 1 à 200.",
				 "limit");
			return false;
		}
		*limit = (size_t)n;
	}
	*has_after = http_request_query(c->req, "after", &v, NULL) == COOP_OK;
	if (*has_after && !episode_list_cursor_parse(l, v, after)) {
		api_fail(c, API_ERR_INVALID,
			 "La page demandée n'existe pas : reprenez la liste depuis le début.",
			 "after");
		return false;
	}
	return true;
}

/* One row of the page as the list shows it: who and where, not the details (the summary of
 * its progress for those who see more than states). *out is NULL when the row is gone or —
 * which the ranges never give — lies outside the caller's scope (access_may_see()); a failed
 * read (a timeout included) is returned, and the page is not answered. */
static enum coop_err list_item(struct api_ctx *c, int64_t id, json_t **out)
{
	*out = NULL;
	struct episode_view v;
	memset(&v, 0, sizeof(v));
	enum coop_err e = db_episode_get(c->db, c->account.structure_id, id, c->a, &v.ep);
	if (e == COOP_OK)
		e = db_patient_get(c->db, c->account.structure_id, v.ep.patient_id, c->a,
				   &v.patient);
	if (e == COOP_OK)
		e = db_adoption_get(c->db, v.ep.adoption_id, c->a, &v.adoption);
	if (e != COOP_OK) /* a row gone meanwhile is left out; a failed read fails the page */
		return e == ERR_NOT_FOUND ? COOP_OK : e;
	v.protocol = app_protocol(c->app, v.adoption.protocol_id);
	v.data = json_loads(v.ep.data, 0, NULL);
	if (v.protocol && json_is_object(v.data) && pathway_state_parse(v.ep.state, &v.state) &&
	    may_see(c, &v)) {
		*out = episode_json(c, &v);
		if (!*out)
			e = ERR_NOMEM;
		else {
			json_object_del(*out, "data");
			if (view_of(c, &v) >= ACCESS_VIEW_ORIENTATION)
				json_object_set_new(*out, "summary", list_summary(c, &v));
		}
	}
	view_free(&v);
	return e;
}

/* GET /api/v1/episodes?list=all|day|queue|referrals|revoyures[&state=][&limit=][&after=]: one
 * page of one list (core/episode_list.h), read from the list columns through an index, then
 * the page's own documents only; `next` is the cursor of the following page, null on the last.
 * A list the caller's roles do not have is a 403. The read is traced with the page's ids. */
void api_episodes_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, EPISODE_ROLES))
		return;
	const char *code = NULL, *state = NULL;
	enum episode_list l = EPISODE_LIST_ALL;
	if (http_request_query(req, "list", &code, NULL) == COOP_OK &&
	    !episode_list_parse(code, &l)) {
		api_fail(&c, API_ERR_INVALID,
			 "Liste inconnue : toutes, du jour, file, réorientés ou revoyures.",
			 "list");
		return;
	}
	enum coop_err e = http_request_query(req, "state", &state, NULL);
	enum pathway_state parsed;
	if (e == ERR_NOT_FOUND) {
		state = NULL;
	} else if (e != COOP_OK || !pathway_state_parse(state, &parsed)) {
		api_fail(&c, API_ERR_INVALID, "État inconnu.", "state");
		return;
	} else if (l != EPISODE_LIST_ALL) {
		api_fail(&c, API_ERR_INVALID,
			 "Le filtre par état ne s'applique qu'à la liste de toutes les prises en "
			 "charge.",
			 "state");
		return;
	}
	if (!episode_list_allowed(c.caller.roles, l)) {
		api_fail(&c, API_ERR_FORBIDDEN, episode_list_refusal_fr(l), NULL);
		return;
	}
	size_t limit;
	bool has_after;
	struct episode_list_key after;
	struct list_plan plan = {0};
	struct list_row *rows = NULL;
	size_t n = 0;
	if (!page_params(&c, l, &limit, &has_after, &after))
		return;
	if (!plan_list(&c, l, state, &plan)) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	if (!page_keys(&c, l, &plan, has_after, &after, limit, &rows, &n))
		return;
	json_t *items = json_array(), *ids = json_array();
	for (size_t i = 0; i < n && i < limit; i++) {
		json_t *item = NULL;
		enum coop_err item_err = list_item(&c, rows[i].key.id, &item);
		if (item_err != COOP_OK) { /* a timeout or a failed read: no page with rows missing */
			json_decref(items);
			json_decref(ids);
			api_store_error(&c, item_err, "Épisode");
			return;
		}
		if (!item)
			continue;
		json_array_append_new(items, item);
		json_array_append_new(ids, json_integer(rows[i].key.id));
	}
	json_t *next = json_null();
	if (n > limit) {
		char cursor[EPISODE_LIST_CURSOR_MAX];
		episode_list_cursor_format(l, &rows[limit - 1].key, cursor, sizeof(cursor));
		next = json_string(cursor);
	}
	json_t *what = json_pack("{s:o}", "ids", ids);
	bool traced = what && api_trace_read(&c, "list", "episode", 0, what);
	json_decref(what);
	if (!traced) {
		if (!c.res->status)
			api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		json_decref(items);
		json_decref(next);
		return;
	}
	http_respond_json(res, 200, json_pack("{s:o, s:o}", "items", items, "next", next));
}

enum coop_err list_facts_fill(struct app *app, long *filled, char *msg, size_t msg_size)
{
	struct db *db = NULL;
	struct db_options opts = {.create = false, .migrate = false};
	*filled = 0;
	enum coop_err e = db_open(app->db_path, &opts, &db, msg, msg_size);
	size_t n = 1;
	while (e == COOP_OK && n > 0) {
		struct db_episode *eps = NULL;
		struct arena a;
		arena_init(&a, (size_t)256 << 20);
		e = db_begin(db);
		if (e == COOP_OK)
			e = db_episode_unfilled(db, 1000, &a, &eps, &n);
		for (size_t i = 0; e == COOP_OK && i < n; i++) {
			struct db_adoption ad;
			e = db_adoption_get(db, eps[i].adoption_id, &a, &ad);
			const struct protocol *p = e == COOP_OK ? app_protocol(app, ad.protocol_id) : NULL;
			json_t *data = json_loads(eps[i].data, 0, NULL);
			struct episode_list_facts f;
			list_facts_of_document(data, eps[i].state, eps[i].created_at,
					       p && p->revoyure.present, &f);
			json_decref(data);
			if (e == COOP_OK)
				e = db_episode_set_list_facts(db, eps[i].id, &f);
		}
		if (e == COOP_OK)
			e = db_commit(db);
		if (e != COOP_OK)
			db_rollback(db);
		else
			*filled += (long)n;
		arena_free(&a);
	}
	if (e != COOP_OK && db)
		snprintf(msg, msg_size, "colonnes des listes d'épisodes non remplies (%s)", err_str(e));
	db_close(db);
	return e;
}

/* ------------------------------------------------------------------ refusal and checks */

static void refuse(struct api_ctx *c, const struct pathway_result *pr)
{
	api_fail_refusal(c, pr->refusal, pr->message);
}

/* The version the client edited must be the stored one. */
static bool check_version(struct api_ctx *c, json_t *body, const struct episode_view *v)
{
	int64_t version;
	if (!api_id(c, body, "version", true, &version))
		return false;
	if (version != v->ep.version) {
		/* every write appends to the history: its last entry says who changed it last */
		json_t *h = json_object_get(v->data, "history");
		size_t n = json_array_size(h);
		json_t *last = n ? json_array_get(h, n - 1) : NULL;
		const char *by = json_string_value(json_object_get(last, "by"));
		char m[320];
		if (last && json_integer_value(json_object_get(last, "account_id")) == c->account.id)
			snprintf(m, sizeof(m), "%s",
				 "Vous avez déjà enregistré une modification de cette prise en charge "
				 "(dans un autre onglet, ou par un double clic) : rechargez-la pour "
				 "voir où elle en est avant de continuer.");
		else
			snprintf(m, sizeof(m),
				 "Cette prise en charge a été modifiée entre-temps par %.120s : "
				 "rechargez-la avant de continuer (vos saisies sont conservées à "
				 "l'écran).",
				 by && *by ? by : "quelqu'un d'autre");
		api_fail(c, API_ERR_CONFLICT, m, "version");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ answers */

/* Checks the "ne sait pas" marks of an orientation (a list of orientation question ids, none
 * also answered in `given`); false (error answered) otherwise. */
static bool check_unknown(struct api_ctx *c, const struct episode_view *v, json_t *unknown,
			  json_t *given, enum pathway_asker who)
{
	if (!json_is_array(unknown) || json_array_size(unknown) > v->protocol->n_questions) {
		api_fail(c, API_ERR_INVALID,
			 "« Ne sait pas » se donne comme une liste de questions d'orientation.",
			 "unknown");
		return false;
	}
	size_t i;
	json_t *x;
	json_array_foreach(unknown, i, x) {
		const char *id = json_string_value(x);
		int q = id ? protocol_find_question(v->protocol, id) : -1;
		if (q < 0) {
			api_fail(c, API_ERR_INVALID_ANSWERS,
				 "« Ne sait pas » : question inconnue de ce protocole.", "unknown");
			return false;
		}
		const struct question *qq = &v->protocol->questions[q];
		char m[320];
		if (!pathway_may_answer(v->state, who, phase_of(qq))) {
			snprintf(m, sizeof(m),
				 "« %s » se renseigne pendant l'examen par le délégué, pas à "
				 "l'orientation.",
				 qq->label);
			api_fail(c, API_ERR_NOT_AN_ORIENTATION_QUESTION, m, id);
			return false;
		}
		json_t *a = json_object_get(given, id);
		if (a && !json_is_null(a)) {
			snprintf(m, sizeof(m),
				 "« %s » : donnez une réponse ou « ne sait pas », pas les deux.",
				 qq->label);
			api_fail(c, API_ERR_INVALID, m, id);
			return false;
		}
	}
	return true;
}

/* Checks `body` ({answers, unknown}) as the caller's answers for this episode at its current
 * step (who may answer what, when: pathway_may_answer() and, during the assessment, the
 * pathway's save_answers rule), merges them into v->data as a save would (a null removes an
 * answer; each answer records who gave it; the "ne sait pas" marks replace the previous ones),
 * then runs the engine on the result. Returns the engine's answer as the caller may see it
 * (decision, urgency, the next questions the caller may answer, "ask"), or NULL with the error
 * answered. *orienting says whether this was the orientation. Writes nothing: the caller saves
 * v->data (PUT answers) or drops it (preview). */
static json_t *apply_answers(struct api_ctx *c, struct episode_view *v, json_t *body,
			     bool *orienting)
{
	json_t *given = json_object_get(body, "answers");
	if (!json_is_object(given)) {
		api_fail_field(c, API_ERR_REQUIRED, "answers", "sont obligatoires",
			       "sont obligatoires");
		return NULL;
	}
	if (json_object_size(given) > v->protocol->n_questions) {
		char m[200];
		snprintf(m, sizeof(m), "Trop de réponses : ce protocole compte %zu questions.",
			 v->protocol->n_questions);
		api_fail(c, API_ERR_INVALID_ANSWERS, m, "answers");
		return NULL;
	}
	json_t *unknown = json_object_get(body, "unknown");
	if (json_is_null(unknown))
		unknown = NULL;
	/* who answers what, when: the pathway's rule (pathway_may_answer) */
	const enum pathway_asker who = asker_of(c, v);
	*orienting = v->state == PATHWAY_ORIENTATION;
	if (*orienting) {
		if (unknown && !check_unknown(c, v, unknown, given, who))
			return NULL;
	} else {
		if (!may_act(c, v, PATHWAY_SAVE_ANSWERS)) {
			api_fail(c, API_ERR_FORBIDDEN,
				 "Seul le délégué qui mène l'évaluation peut saisir ces réponses.",
				 NULL);
			return NULL;
		}
		struct pathway_facts f;
		struct pathway_result pr;
		gather_facts(c, v, true, &f);
		team_check_for(c, v, TEAM_ROLE_DELEGUE, &f.delegue);
		if (!pathway_step(&f, PATHWAY_SAVE_ANSWERS, PATHWAY_OUTCOME_INCOMPLETE, &pr)) {
			refuse(c, &pr);
			return NULL;
		}
		if (unknown && !pathway_may_mark_unknown(v->state, who)) {
			api_fail(c, API_ERR_INVALID,
				 "« Ne sait pas » ne s'indique qu'à l'orientation : pendant l'examen, "
				 "posez la question au patient.",
				 "unknown");
			return NULL;
		}
	}
	{
		const char *key;
		json_t *value;
		json_object_foreach(given, key, value) {
			int q = protocol_find_question(v->protocol, key);
			if (q >= 0 && !pathway_may_answer(v->state, who,
							  phase_of(&v->protocol->questions[q]))) {
				char m[240];
				snprintf(m, sizeof(m),
					 "« %s » se renseigne pendant l'examen par le délégué, pas à "
					 "l'orientation.",
					 v->protocol->questions[q].label);
				api_fail(c, API_ERR_NOT_AN_ORIENTATION_QUESTION, m, key);
				return NULL;
			}
		}
	}
	/* merge: a null removes an answer; each answer records who gave it */
	json_t *answers = recorded_answers(v->data);
	if (!answers) {
		answers = json_object();
		json_object_set_new(v->data, "answers", answers);
	}
	json_t *by = json_object_get(v->data, "answered_by");
	if (!json_is_object(by)) {
		by = json_object();
		json_object_set_new(v->data, "answered_by", by);
	}
	const char *role = who == PATHWAY_ASKER_DELEGUE ? "delegue" : "secretariat";
	const char *key;
	json_t *value;
	json_object_foreach(given, key, value) {
		if (json_is_null(value)) {
			json_object_del(answers, key);
			json_object_del(by, key);
		} else {
			json_object_set(answers, key, value);
			json_object_set_new(by, key,
					    json_pack("{s:s, s:I, s:s, s:I}", "role", role,
						      "account_id", (json_int_t)c->account.id, "by",
						      c->account.display_name, "at", (json_int_t)c->now));
		}
	}
	if (unknown) {
		/* the marks replace the previous ones; a question marked loses its answer */
		json_t *marks = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(unknown, i, x) {
			const char *mid = json_string_value(x);
			bool dup = false;
			size_t k;
			json_t *y;
			json_array_foreach(marks, k, y) {
				dup = dup || strcmp(json_string_value(y), mid) == 0;
			}
			if (!dup)
				json_array_append_new(marks, json_string(mid));
			json_object_del(answers, mid);
			json_object_del(by, mid);
		}
		json_object_set_new(v->data, "orientation_unknown", marks);
	}
	struct engine_run *run = arena_alloc(c->a, sizeof(*run));
	char msg[320];
	if (!run) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return NULL;
	}
	if (!run_engine(c, v, answers, run, msg, sizeof(msg))) {
		char m[400];
		snprintf(m, sizeof(m), "Réponses refusées : %s.", msg);
		api_fail(c, API_ERR_INVALID_ANSWERS, m, "answers");
		return NULL;
	}
	json_t *engine = explain_json(v->protocol, &run->in, &run->r);
	if (engine && run->r.decision == DECISION_INCLUDED) {
		/* the lines the délégué will issue or choose (optional ones, the sick leave) */
		struct rx_completion *comps = NULL;
		size_t n_comps = 0;
		api_rx_signed(c->a, v->protocol, &v->adoption, &comps, &n_comps);
		json_object_set_new(engine, "prescription_choices",
				    api_rx_choices(v->protocol, &run->r, comps, n_comps));
		json_object_set_new(engine, "prescription_weight_needed",
				    json_boolean(api_rx_weight_needed(v->protocol, &run->in,
								      &run->r)));
	}
	if (view_of(c, v) != ACCESS_VIEW_CLINICAL && engine) {
		/* the secretariat sees where orientation leads, not the clinical trace */
		json_t *light = json_pack("{s:O?, s:O?, s:O?}", "decision",
					  json_object_get(engine, "decision"), "decision_label",
					  json_object_get(engine, "decision_label"), "next_questions",
					  json_object_get(engine, "next_questions"));
		/* … and, at once, whether the answers send the patient to a physician and how fast */
		static const char *const urgent_keys[] = {"urgency", "urgency_label",
							  "urgency_headline", "reason",
							  "reorientation"};
		for (size_t k = 0; light && k < sizeof(urgent_keys) / sizeof(urgent_keys[0]); k++) {
			json_t *x = json_object_get(engine, urgent_keys[k]);
			if (x)
				json_object_set(light, urgent_keys[k], x);
		}
		json_decref(engine);
		engine = light;
	}
	if (!engine) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return NULL;
	}
	filter_next(c, v, engine);
	json_t *ask = ask_json(c, v, run);
	if (ask)
		json_object_set_new(engine, "ask", ask);
	return engine;
}

void api_episodes_answers(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"version", "answers", "unknown", NULL};
	struct api_ctx c;
	int64_t id;
	struct episode_view v;
	if (!api_begin(&c, req, res, app, DB_ROLE_SECRETARY | DB_ROLE_DELEGUE) ||
	    !api_param_id(&c, "id", &id) || !load_episode(&c, id, &v))
		return;
	json_t *body = api_body(&c, fields);
	json_t *before = NULL;
	if (!body)
		goto out;
	if (!may_see(&c, &v)) {
		refuse_scope(&c);
		goto out;
	}
	if (!check_version(&c, body, &v))
		goto out;
	before = json_deep_copy(v.data);
	bool orienting;
	json_t *engine = before ? apply_answers(&c, &v, body, &orienting) : NULL;
	if (!engine) {
		if (!before)
			api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	/* the engine's latest verdict, kept with the episode: a referral shows in every list at
	 * once, before any decision is recorded */
	json_object_set_new(v.data, "verdict", verdict_json(&c, engine));
	append_history(&c, v.data, orienting ? "orientation_answers" : "save_answers",
		       pathway_state_code(v.state));
	save_and_answer(&c, &v, before, "answers", 200, engine);
out:
	json_decref(before);
	view_free(&v);
}

void api_episodes_preview(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"version", "answers", "unknown", NULL};
	struct api_ctx c;
	int64_t id;
	struct episode_view v;
	if (!api_begin(&c, req, res, app, DB_ROLE_SECRETARY | DB_ROLE_DELEGUE) ||
	    !api_param_id(&c, "id", &id) || !load_episode(&c, id, &v))
		return;
	json_t *body = api_body(&c, fields);
	if (!body)
		goto out;
	if (!may_see(&c, &v)) {
		refuse_scope(&c);
		goto out;
	}
	/* optional: when given, the screen is told at once that someone else changed it */
	json_t *version = json_object_get(body, "version");
	if (version && !json_is_null(version) && !check_version(&c, body, &v))
		goto out;
	/* the same checks and merge as a save, on a copy that is dropped */
	bool orienting;
	json_t *engine = apply_answers(&c, &v, body, &orienting);
	if (!engine)
		goto out;
	json_t *out = json_pack("{s:I, s:I, s:o}", "id", (json_int_t)v.ep.id, "version",
				(json_int_t)v.ep.version, "engine", engine);
	if (!out) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	/* the answers are patient data read back with the engine's verdict: traced as a read */
	if (api_trace_read(&c, "preview", "episode", id, NULL))
		http_respond_json(res, 200, out);
	else
		json_decref(out);
out:
	view_free(&v);
}

/* ------------------------------------------------------------------ actions */

/* An action of the route, and the body fields it reads. Who may do it is the core's
 * access_may_act(); when, pathway_step(). */
struct action_rule {
	const char *code;
	enum pathway_action action;
	const char *const *fields; /* "version" and the action's own */
};

static const char *const f_none[] = {"version", NULL};
static const char *const f_how[] = {"version", "how", NULL};
static const char *const f_note[] = {"version", "note", NULL};
static const char *const f_decision[] = {"version", "delegant_called_id", "note", "new_symptoms",
					 "doubt", "optional_lines", "sick_leave_days", "weight_kg", NULL};
static const char *const f_plan[] = {"version", "date", NULL};
static const char *const f_reorient[] = {"version", "reason", "urgency", "delegant_called_id",
					 NULL};
static const char *const f_reason[] = {"version", "reason", NULL};

static const struct action_rule action_rules[] = {
	{"propose", PATHWAY_PROPOSE, f_none},
	{"orient_to_usual_care", PATHWAY_ORIENT_TO_USUAL_CARE, f_note},
	{"record_consent_given", PATHWAY_RECORD_CONSENT_GIVEN, f_how},
	{"record_consent_refused", PATHWAY_RECORD_CONSENT_REFUSED, f_how},
	{"start_assessment", PATHWAY_START_ASSESSMENT, f_none},
	{"record_decision", PATHWAY_RECORD_DECISION, f_decision},
	{"record_revoyure", PATHWAY_RECORD_REVOYURE, f_note},
	{"plan_second_contact", PATHWAY_PLAN_SECOND_CONTACT, f_plan},
	{"record_second_contact", PATHWAY_RECORD_SECOND_CONTACT, f_note},
	{"record_gp_informed", PATHWAY_RECORD_GP_INFORMED, f_how},
	{"close", PATHWAY_CLOSE, f_none},
	{"reorient", PATHWAY_REORIENT, f_reorient},
	{"cancel", PATHWAY_CANCEL, f_reason},
};

/* Has the text something other than spaces? */
static bool has_text(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

/* The decision recorded when the délégué stops an assessment: excluded, with the urgency
 * chosen, the reason and the délégant called; no prescription. */
static json_t *stopped_json(struct api_ctx *c, const struct episode_view *v,
			    const struct engine_run *run, bool engine_ok, enum urgency urg,
			    const char *reason, int64_t delegant_called)
{
	char label[2200];
	snprintf(label, sizeof(label), "Évaluation arrêtée par le délégué : %s", reason);
	json_t *d = json_pack("{s:s, s:s, s:n, s:s, s:[], s:[], s:s, s:s, s:s, s:o, s:I, s:s, "
			      "s:I, s:b}",
			      "decision", "excluded", "urgency", urgency_code(urg), "outcome",
			      "outcome_label", label, "lines", "advice", "explanation", label,
			      "protocol_hash", v->protocol->hash, "reason", reason, "date",
			      api_date_json(c->today), "at", (json_int_t)c->now, "by",
			      c->account.display_name, "delegant_called_id",
			      (json_int_t)delegant_called, "stopped", true);
	if (d && engine_ok && run->r.version)
		json_object_set_new(d, "version", json_string(run->r.version->version));
	return d;
}

/* The decision as stored: engine result, lines as text, explanation, protocol hash. */
static json_t *decision_json(struct api_ctx *c, const struct episode_view *v,
			     const struct engine_run *run)
{
	const struct protocol *p = v->protocol;
	const struct engine_result *r = &run->r;
	json_t *lines = json_array();
	for (size_t i = 0; i < r->n_lines; i++) {
		struct strbuf sb = STRBUF_INIT;
		explain_line_fr(p, &r->lines[i], &sb);
		json_array_append_new(lines, json_string(strbuf_str(&sb)));
		strbuf_free(&sb);
	}
	struct strbuf why = STRBUF_INIT;
	explain_text(p, &run->in, r, &why);
	json_t *advice = json_array();
	const struct outcome *o = r->outcome >= 0 ? &p->outcomes[r->outcome] : NULL;
	for (size_t i = 0; o && i < o->n_advice; i++)
		json_array_append_new(advice, json_string(o->advice[i]));
	json_t *d = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:I}", "decision",
			      decision_code(r->decision), "urgency", urgency_code(r->urgency),
			      "outcome", o ? json_string(o->id) : json_null(), "outcome_label",
			      o ? json_string(o->label) : json_null(), "lines", lines,
			      "explanation", strbuf_str(&why), "protocol_hash", p->hash, "date",
			      api_date_json(c->today), "at", (json_int_t)c->now);
	json_object_set_new(d, "advice", advice);
	json_object_set_new(d, "version", json_string(r->version->version));
	strbuf_free(&why);
	/* the referral at a glance: whoever reads the decision sees it, with its one-sentence
	 * reason; and what the revoyure rule reads (the age alone, or a criterion) */
	struct strbuf reason = STRBUF_INIT;
	bool referral = explain_reason_fr(p, r, &reason);
	json_object_set_new(d, "reorientation", json_boolean(referral));
	json_object_set_new(d, "reason", referral ? json_string(strbuf_str(&reason)) : json_null());
	json_object_set_new(d, "urgency_headline",
			    referral ? json_string(explain_urgency_headline_fr(r->urgency))
				     : json_null());
	strbuf_free(&reason);
	json_t *fired = json_array();
	for (size_t i = 0; i < p->n_criteria; i++)
		if (r->criteria[i].fired)
			json_array_append_new(fired, json_string(p->criteria[i].id));
	json_object_set_new(d, "fired", fired);
	json_object_set_new(d, "scope", json_string(r->scope == SCOPE_AGE   ? "age"
						     : r->scope == SCOPE_SEX ? "sex"
						     : r->scope == SCOPE_OK  ? "ok"
									     : "other"));
	return d;
}

/* What an action's request says, read and checked for form (parse_action()). */
struct action_request {
	const struct action_rule *rule;
	json_t *body; /* the request's body (owned by the request) */
	const char *how, *note, *reason;
	enum urgency urgency;    /* URG_NONE when not given */
	int64_t delegant_called; /* 0 when not given */
	coop_date planned;       /* 0 when not given */
};

/* The facts gathered for the core (gather_action_facts()). */
struct action_facts {
	struct engine_run *run; /* the engine on what is recorded */
	bool engine_ok;
	char engine_msg[320]; /* why the engine could not run, when !engine_ok */
	enum pathway_outcome outcome;
	struct pathway_facts f;
	const char *reach_msg; /* start_assessment: the reachability sentence */
};

/* The action named by the route, or NULL (404 answered). */
static const struct action_rule *action_of_route(struct api_ctx *c)
{
	size_t len = 0;
	const char *name = http_request_param(c->req, "action", &len);
	for (size_t i = 0; name && i < sizeof(action_rules) / sizeof(action_rules[0]); i++)
		if (strlen(action_rules[i].code) == len &&
		    memcmp(action_rules[i].code, name, len) == 0)
			return &action_rules[i];
	api_fail(c, API_ERR_UNKNOWN_ACTION, "Action inconnue sur un épisode.", "action");
	return NULL;
}

/* Is the délégant called one of the structure's professionals and a délégant of this protocol
 * today (their roles derived as a caller's would be: access_is_delegant_of())? */
static bool delegant_called_valid(struct api_ctx *c, const struct episode_view *v, int64_t id)
{
	struct access_caller called;
	return api_effective_roles(c, c->account.structure_id, id, 0, &called) &&
	       access_is_delegant_of(&called, v->ep.adoption_id);
}

/* Reads the body's fields for the action (the version is checked by check_version()): their
 * types and lengths, the urgency, the two flags, the date, the délégant called. False with
 * the error answered. */
static bool parse_action(struct api_ctx *c, const struct episode_view *v,
			 struct action_request *r)
{
	const char *planned_text = NULL, *urg_text = NULL;
	json_t *body = r->body;
	if (!api_str(c, body, "how", 200, false, &r->how) ||
	    !api_str(c, body, "note", 2000, false, &r->note) ||
	    !api_id(c, body, "delegant_called_id", false, &r->delegant_called) ||
	    !api_str(c, body, "reason", 2000, false, &r->reason) ||
	    !api_str(c, body, "urgency", 32, false, &urg_text) ||
	    !api_str(c, body, "date", 10, r->rule->action == PATHWAY_PLAN_SECOND_CONTACT,
		     &planned_text))
		return false;
	if (urg_text && !urgency_parse_for_reorientation(urg_text, &r->urgency)) {
		api_fail(c, API_ERR_INVALID,
			 "Urgence inconnue : choisissez urgences (15), médecin le jour même ou médecin "
			 "sans urgence.",
			 "urgency");
		return false;
	}
	bool flag;
	if (!api_bool(c, body, "new_symptoms", &flag) || !api_bool(c, body, "doubt", &flag))
		return false;
	if (planned_text && !date_parse(planned_text, strlen(planned_text), &r->planned)) {
		api_fail_field(c, API_ERR_INVALID, "date", "doit être une date valide", NULL);
		return false;
	}
	if (r->delegant_called && !delegant_called_valid(c, v, r->delegant_called)) {
		api_fail(c, API_ERR_INVALID,
			 "Le délégant appelé doit être un délégant de ce protocole dans l'équipe.",
			 "delegant_called_id");
		return false;
	}
	return true;
}

/* Runs the engine on what is recorded and gathers every fact the pathway's rules read for this
 * action. False (500 answered) when memory is short. */
static bool gather_action_facts(struct api_ctx *c, const struct episode_view *v,
				const struct action_request *r, struct action_facts *af)
{
	memset(af, 0, sizeof(*af));
	const enum pathway_action action = r->rule->action;
	af->run = arena_alloc(c->a, sizeof(*af->run));
	if (!af->run) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return false;
	}
	const struct engine_result *res = &af->run->r;
	af->engine_ok = run_engine(c, v, recorded_answers(v->data), af->run, af->engine_msg,
				   sizeof(af->engine_msg));
	bool in_scope = af->engine_ok && in_population(res);
	af->outcome = PATHWAY_OUTCOME_INCOMPLETE;
	if (af->engine_ok && res->decision == DECISION_INCLUDED)
		af->outcome = PATHWAY_OUTCOME_INCLUDED;
	else if (af->engine_ok && res->decision == DECISION_EXCLUDED)
		af->outcome = PATHWAY_OUTCOME_EXCLUDED;
	struct pathway_facts *f = &af->f;
	gather_facts(c, v, in_scope, f);
	/* what the answers recorded so far exclude (orientation: usual care, rule 8) */
	f->answers_exclude = af->engine_ok && res->decision == DECISION_EXCLUDED;
	f->second_contact_planned = r->planned;
	if (af->engine_ok)
		orientation_facts(c, v, af->run, f);
	else
		f->orientation_open = v->protocol->n_questions ? 1 : 0;
	f->reason_given = has_text(r->reason);
	/* what the answers saved so far say: a referral is never cancelled away (rule 19) */
	if (af->engine_ok && engine_reorients(res)) {
		f->referral_known = true;
		f->referral_headline = explain_urgency_headline_fr(res->urgency);
	}
	f->urgency_given = r->urgency != URG_NONE;
	f->delegant_called = r->delegant_called != 0;
	/* the acting professional's team checks: as délégué, and as the revoyure's délégant */
	if (access_is_delegue_of(&c->caller, v->ep.adoption_id))
		team_check_for(c, v, TEAM_ROLE_DELEGUE, &f->delegue);
	if (action == PATHWAY_RECORD_REVOYURE)
		team_check_for(c, v, TEAM_ROLE_DELEGANT, &f->revoyure_delegant);
	if (action == PATHWAY_START_ASSESSMENT) {
		reachability(c, v, &f->delegant_reachable, &af->reach_msg, NULL);
		f->reachability_message = af->reach_msg;
	}
	return true;
}

/* Asks the core whether the action may be done now; false with the refusal answered. */
static bool decide_action(struct api_ctx *c, const struct action_request *r,
			  const struct action_facts *af, struct pathway_result *pr)
{
	if (r->rule->action == PATHWAY_RECORD_DECISION && !af->engine_ok) {
		char m[400];
		snprintf(m, sizeof(m), "Décision impossible : %s.", af->engine_msg);
		api_fail(c, API_ERR_DECISION_INCOMPLETE, m, NULL);
		return false;
	}
	if (!pathway_step(&af->f, r->rule->action, af->outcome, pr)) {
		refuse(c, pr);
		return false;
	}
	return true;
}

/* The decision of record_decision, as stored: the engine's, the lines issued, the délégant
 * called, what the délégué noted. NULL with the error answered. */
static json_t *recorded_decision(struct api_ctx *c, const struct episode_view *v,
				 const struct action_request *r, const struct action_facts *af)
{
	json_t *d = decision_json(c, v, af->run);
	if (!d) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return NULL;
	}
	/* the lines issued: the optional ones the délégué chose, the sick leave's days, never a
	 * line without a complete dose; the age and the weight for the sheet */
	if (af->run->r.decision == DECISION_INCLUDED &&
	    !api_rx_decide(c, v->protocol, &af->run->in, &af->run->r, &v->adoption, r->body, d)) {
		json_decref(d);
		return NULL;
	}
	if (r->delegant_called) {
		json_object_set_new(d, "delegant_called_id", json_integer(r->delegant_called));
		json_object_set_new(d, "delegant_called",
				    delegant_called_json(c, v, r->delegant_called));
	}
	/* what the délégué notes for the revoyure rule (core/revoyure.h) */
	json_object_set_new(d, "new_symptoms",
			    json_boolean(json_is_true(json_object_get(r->body, "new_symptoms"))));
	json_object_set_new(d, "doubt", json_boolean(json_is_true(json_object_get(r->body, "doubt"))));
	if (r->note)
		json_object_set_new(d, "note", json_string(r->note));
	return d;
}

/* Writes what the action records into v->data (and the episode's délégué or protocol hash),
 * and moves v to the next state. False with the error answered. */
static bool apply_action(struct api_ctx *c, struct episode_view *v,
			 const struct action_request *r, const struct action_facts *af,
			 const struct pathway_result *pr)
{
	json_t *who = json_pack("{s:I, s:s, s:I}", "account_id", (json_int_t)c->account.id, "by",
				c->account.display_name, "at", (json_int_t)c->now);
	if (!who) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return false;
	}
	if (r->how)
		json_object_set_new(who, "how", json_string(r->how));
	if (r->note)
		json_object_set_new(who, "note", json_string(r->note));
	json_t *d = NULL;
	switch (r->rule->action) {
	case PATHWAY_RECORD_CONSENT_GIVEN:
	case PATHWAY_RECORD_CONSENT_REFUSED:
		json_object_set_new(who, "given",
				    json_boolean(r->rule->action == PATHWAY_RECORD_CONSENT_GIVEN));
		json_object_set(v->data, "consent", who);
		break;
	case PATHWAY_ORIENT_TO_USUAL_CARE: json_object_set(v->data, "usual_care", who); break;
	case PATHWAY_START_ASSESSMENT:
		json_object_set_new(who, "reachability",
				    json_string(af->reach_msg ? af->reach_msg : ""));
		json_object_set(v->data, "assessment", who);
		v->ep.delegue_id = c->account.professional_id;
		break;
	case PATHWAY_RECORD_DECISION:
		d = recorded_decision(c, v, r, af);
		if (!d) {
			json_decref(who);
			return false;
		}
		json_object_set_new(v->data, "decision", d);
		v->ep.protocol_hash = v->protocol->hash;
		break;
	case PATHWAY_RECORD_REVOYURE:
		json_object_set_new(who, "professional_id",
				    json_integer(c->account.professional_id));
		json_object_set(v->data, "revoyure", who);
		break;
	case PATHWAY_PLAN_SECOND_CONTACT:
		json_object_set_new(who, "date", api_date_json(r->planned));
		json_object_set(v->data, "second_contact_plan", who);
		break;
	case PATHWAY_RECORD_SECOND_CONTACT: json_object_set(v->data, "second_contact", who); break;
	case PATHWAY_RECORD_GP_INFORMED: json_object_set(v->data, "gp_informed", who); break;
	case PATHWAY_CLOSE:
		if (pr->next == PATHWAY_CLOSED)
			json_object_set(v->data, "closed", who);
		break;
	case PATHWAY_REORIENT:
		d = stopped_json(c, v, af->run, af->engine_ok, r->urgency, r->reason,
				 r->delegant_called);
		/* the délégant called, with the contact of the slot in which they are reachable */
		if (d && r->delegant_called)
			json_object_set_new(d, "delegant_called",
					    delegant_called_json(c, v, r->delegant_called));
		json_object_set_new(v->data, "decision", d);
		v->ep.protocol_hash = v->protocol->hash;
		break;
	case PATHWAY_CANCEL:
		json_object_set_new(who, "reason", json_string(r->reason));
		json_object_set(v->data, "cancelled", who);
		break;
	default: break;
	}
	json_decref(who);
	v->state = pr->next;
	append_history(c, v->data, r->rule->code, pathway_state_code(v->state));
	return true;
}

/* POST /api/v1/episodes/{id}/actions/{action}: parse → who (scope, then capacity, before the
 * version: a 409 never reveals an episode outside the caller's scope) → version → gather the
 * facts → ask the core → apply → save with the audit record. */
void api_episodes_action(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	struct episode_view v;
	struct action_request r = {0};
	struct action_facts *af = NULL;
	struct pathway_result pr;
	json_t *before = NULL;
	if (!api_begin(&c, req, res, app, EPISODE_ROLES) || !api_param_id(&c, "id", &id) ||
	    !(r.rule = action_of_route(&c)) || !load_episode(&c, id, &v))
		return;
	if (!may_see(&c, &v)) {
		refuse_scope(&c);
		goto out;
	}
	if (!may_act(&c, &v, r.rule->action)) {
		struct access_episode e = access_of(&v);
		char m[200];
		snprintf(m, sizeof(m), "Votre rôle ne permet pas cette action : elle revient %s.",
			 access_actor_fr(&e, r.rule->action));
		api_fail(&c, API_ERR_FORBIDDEN, m, NULL);
		goto out;
	}
	r.body = api_body(&c, r.rule->fields);
	if (!r.body || !check_version(&c, r.body, &v) || !parse_action(&c, &v, &r))
		goto out;
	af = arena_alloc(c.a, sizeof(*af));
	if (!af) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	if (!gather_action_facts(&c, &v, &r, af) || !decide_action(&c, &r, af, &pr))
		goto out;
	before = json_deep_copy(v.data);
	if (!before) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	if (apply_action(&c, &v, &r, af, &pr))
		save_and_answer(&c, &v, before, r.rule->code, 200, NULL);
out:
	json_decref(before);
	view_free(&v);
}

/* ------------------------------------------------------------------ before the assessment */

/* GET /api/v1/episodes/{id}/reachability: what the délégué sees before starting — whether
 * "start_assessment" would be allowed now (else the refusal it would get, code and French
 * message), the reachability sentence, and the délégants in good standing with their phone,
 * whether reachable now and their weekly slots. Nothing is written; the read is traced. */
void api_episodes_reachability(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	struct episode_view v;
	if (!api_begin(&c, req, res, app, DB_ROLE_SECRETARY | CLINICAL_ROLES) ||
	    !api_param_id(&c, "id", &id) || !load_episode(&c, id, &v))
		return;
	if (!may_see(&c, &v)) {
		view_free(&v);
		refuse_scope(&c);
		return;
	}
	bool reachable = false;
	const char *reach_msg = NULL;
	json_t *delegants = NULL;
	reachability(&c, &v, &reachable, &reach_msg, &delegants);
	json_t *out = json_pack("{s:b, s:s, s:o}", "reachable", reachable, "message",
				reach_msg ? reach_msg : "", "delegants",
				delegants ? delegants : json_array());
	/* the dry run of start_assessment, for a délégué of the protocol only (it checks the
	 * caller's adhesion) */
	if (out && may_act(&c, &v, PATHWAY_START_ASSESSMENT)) {
		struct engine_run *run = arena_alloc(c.a, sizeof(*run));
		char msg[320];
		bool engine_ok = run && run_engine(&c, &v, recorded_answers(v.data), run, msg,
						   sizeof(msg));
		bool in_scope = engine_ok && in_population(&run->r);
		struct pathway_facts f;
		struct pathway_result pr;
		gather_facts(&c, &v, in_scope, &f);
		team_check_for(&c, &v, TEAM_ROLE_DELEGUE, &f.delegue);
		f.delegant_reachable = reachable;
		f.reachability_message = reach_msg;
		bool allowed = pathway_step(&f, PATHWAY_START_ASSESSMENT, PATHWAY_OUTCOME_INCOMPLETE,
					    &pr);
		const char *code = allowed ? NULL : pathway_refusal_code(pr.refusal);
		const char *why = allowed ? NULL : pr.message;
		json_object_set_new(out, "can_start", json_boolean(allowed));
		json_object_set_new(out, "refusal",
				    allowed ? json_null()
					    : json_pack("{s:s, s:s}", "code", code, "message", why));
	} else if (out) {
		json_object_set_new(out, "can_start", json_null());
		json_object_set_new(out, "refusal", json_null());
	}
	view_free(&v);
	if (!out) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	if (api_trace_read(&c, "reachability", "episode", id, NULL))
		http_respond_json(res, 200, out);
	else
		json_decref(out);
}
