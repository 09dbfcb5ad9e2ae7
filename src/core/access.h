/*
 * access.h — who the caller is in a structure today, and what they may see and do on an
 * episode of care.
 *
 * Roles. Coordinator and secretary are what the account holds in the structure. Délégué and
 * délégant are never an account's flag: a person is délégué (délégant) of a protocol because an
 * adhesion in that role is active today (team_adhesion_active(): from its first day, until the
 * day before its end). So a professional whose last adhesion ended lost their clinical role that
 * day, and a délégué of the ankle protocol is nobody for the cystitis one. access_caller_derive()
 * turns the account's stored roles and the professional's adhesions into the caller's effective
 * roles and the adoptions (protocols as adopted by the structure) they are délégué and délégant
 * of today.
 *
 * Scope (least privilege on patients). Over one episode (its adoption, state and délégué):
 *   - a délégant sees every episode of the protocols they are délégant of, with clinical detail;
 *   - a délégué sees, with clinical detail, the episodes of the protocols they are délégué of
 *     that wait for an assessment (orientation, proposed, consented), and those they run;
 *   - the secretariat sees every episode of the structure, without clinical detail;
 *   - the coordinator sees states and dates only, no patient;
 *   - anyone else sees nothing.
 * access_may_act() says who performs which pathway action (the pathway's rules then say when).
 *
 * Pure functions over plain structs: no I/O, no allocation.
 */
#ifndef COOP_CORE_ACCESS_H
#define COOP_CORE_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/pathway.h"
#include "core/team.h"

/* Role bits (the same values as the store's account roles). */
enum access_role {
	ACCESS_ROLE_COORDINATOR = 1 << 0,
	ACCESS_ROLE_SECRETARY = 1 << 1,
	ACCESS_ROLE_DELEGUE = 1 << 2,
	ACCESS_ROLE_DELEGANT = 1 << 3,
};

/* The roles an account holds by itself; the clinical ones come from the adhesions. */
#define ACCESS_ROLES_HELD (ACCESS_ROLE_COORDINATOR | ACCESS_ROLE_SECRETARY)
#define ACCESS_ROLES_CLINICAL (ACCESS_ROLE_DELEGUE | ACCESS_ROLE_DELEGANT)

/* At most this many adoptions are kept per role (a structure adopts at most this many). */
#define ACCESS_ADOPTIONS_MAX 64

/* One adhesion of the caller's professional: the adoption it belongs to and its team facts. */
struct access_adhesion {
	int64_t adoption_id;
	struct team_adhesion adhesion;
};

/* The caller as the access rules see them. */
struct access_caller {
	unsigned roles;          /* enum access_role bits, effective today */
	int64_t professional_id; /* 0 when not a health professional in the structure */
	size_t n_delegue_of;     /* the adoptions the caller is délégué of today */
	int64_t delegue_of[ACCESS_ADOPTIONS_MAX];
	size_t n_delegant_of; /* the adoptions the caller is délégant of today */
	int64_t delegant_of[ACCESS_ADOPTIONS_MAX];
};

/* Fills *out: roles are account_roles' coordinator and secretary bits (its clinical bits are
 * ignored), plus délégué (délégant) when one of the adhesions in that role is active on `today`;
 * the adoptions of those active adhesions, each once, in the order met (beyond
 * ACCESS_ADOPTIONS_MAX, the rest is dropped). Adhesions of another professional than
 * professional_id, and every adhesion when professional_id is 0, are ignored. ads may be NULL
 * when n is 0. */
void access_caller_derive(unsigned account_roles, int64_t professional_id,
			  const struct access_adhesion *ads, size_t n, coop_date today,
			  struct access_caller *out);

/* Is the caller délégué (délégant) of that adoption today? */
bool access_is_delegue_of(const struct access_caller *c, int64_t adoption_id);
bool access_is_delegant_of(const struct access_caller *c, int64_t adoption_id);

/* An episode as the access rules see it. */
struct access_episode {
	int64_t adoption_id;
	enum pathway_state state;
	int64_t delegue_id; /* the professional running it, 0 until the assessment starts */
};

/* How much of an episode the caller sees (see the top of this file). */
enum access_view {
	ACCESS_VIEW_NONE,        /* outside the caller's scope */
	ACCESS_VIEW_STATES,      /* coordinator: states and dates, no patient */
	ACCESS_VIEW_ORIENTATION, /* secretariat: the patient, orientation answers, outcome's kind */
	ACCESS_VIEW_CLINICAL,    /* délégué or délégant of the protocol: everything */
};

/* The widest view the caller's roles give on the episode. */
enum access_view access_episode_view(const struct access_caller *c, const struct access_episode *e);

/* access_episode_view() != ACCESS_VIEW_NONE. */
bool access_may_see(const struct access_caller *c, const struct access_episode *e);

/* Does the caller run this episode: délégué of its protocol today, and the professional whose
 * assessment it is? */
bool access_runs(const struct access_caller *c, const struct access_episode *e);

/* May the caller perform `a` on the episode, in the capacity the action needs? Who, not when
 * (pathway_step() says when):
 *   propose, orient_to_usual_care, record_consent_given/refused, cancel: before the assessment
 *     starts, the secretariat or a délégué of the protocol; after, the délégué running it;
 *   start_assessment: a délégué of the protocol;
 *   save_answers, record_decision, plan_second_contact, record_second_contact, reorient: the
 *     délégué running it;
 *   record_revoyure: a délégant of the protocol;
 *   record_gp_informed, close: the délégué running it or a délégant of the protocol.
 * False for an out-of-range action. */
bool access_may_act(const struct access_caller *c, const struct access_episode *e,
		    enum pathway_action a);

/* Who performs `a` on the episode, in French, to complete "Votre rôle ne permet pas cette
 * action : elle revient …" ("au délégué qui mène l'évaluation"); "" for an out-of-range action.
 * Static strings. */
const char *access_actor_fr(const struct access_episode *e, enum pathway_action a);

/* May the caller open a new episode under that adoption (orientation)? The secretariat, or a
 * délégué of that protocol. */
bool access_may_open(const struct access_caller *c, int64_t adoption_id);

/* Who the caller is when answering the episode's questions (pathway_may_answer()): a délégué of
 * the protocol before anyone runs it, or the one running it; else the secretariat; else
 * someone who answers nothing. */
enum pathway_asker access_asker(const struct access_caller *c, const struct access_episode *e);

#endif
