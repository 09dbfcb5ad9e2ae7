/*
 * episode_list.h — the lists of episodes each role's home screen shows, and the facts they
 * are read from.
 *
 * A list is read from columns of the episode row and an index, never by parsing every
 * document: the API extracts plain facts from the episode's document (its state, consent,
 * referral, decision, revoyure), episode_list_facts_of() turns them into the "list facts"
 * stored beside the document on every insert and update (and by the generator of bench/), and
 * the store reads them as keyset ranges. The rules of each list are here, stated once:
 *
 *   all        the caller's scope (core/access.h), newest update first. Everyone.
 *   day        the secretariat's "Patients du jour": updated today (so created today too), or
 *              still in orientation or proposed whatever their day. Newest update first.
 *   queue      the délégué's "Ma file": the consented episodes of their protocols (they wait),
 *              then those they run in assessing, included, excluded or follow_up; each part
 *              oldest arrival first (arrival: the consent, else the request).
 *   referrals  the délégant's "Patients réorientés": episodes not closed whose referral (the
 *              decision's, or the engine's verdict before any) sends the patient to a physician,
 *              called to them or to no délégant in particular, referred today or yesterday or
 *              still awaiting the revoyure called for; by referral_priority() (emergencies
 *              nobody has seen again first, then same-day ones), then the latest referral day.
 *   revoyures  the délégant's "Revoyures à faire": included, excluded or in follow-up, a
 *              revoyure called for and not done, today between the decision day and the last day
 *              of the revoyure (pathway_revoyure_last_day()); soonest last day first.
 *
 * Order and cursors: each list orders its rows by a key (segment, k, id); the cursor a page
 * gives in `next` is that key of its last row, and the next page starts after it.
 *
 * Pure functions over plain structs: no I/O, no allocation.
 */
#ifndef COOP_CORE_EPISODE_LIST_H
#define COOP_CORE_EPISODE_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/pathway.h"
#include "core/revoyure.h"

enum episode_list {
	EPISODE_LIST_ALL,
	EPISODE_LIST_DAY,
	EPISODE_LIST_QUEUE,
	EPISODE_LIST_REFERRALS,
	EPISODE_LIST_REVOYURES,
};

/* "all", "day", "queue", "referrals", "revoyures"; false for any other text or NULL. */
bool episode_list_parse(const char *code, enum episode_list *out);

/* Does a caller with these role bits (enum access_role) have that list? `all` everyone with a
 * role; `day` the secretariat; `queue` a délégué; `referrals` and `revoyures` a délégant. */
bool episode_list_allowed(unsigned roles, enum episode_list l);

/* The French refusal for a list the caller's roles do not have (a static string). */
const char *episode_list_refusal_fr(enum episode_list l);

/* What the list facts are computed from, extracted by the API from the episode's document. */
struct episode_list_input {
	enum pathway_state state;
	int64_t created_at; /* unix seconds */
	bool consented;     /* a consent is recorded with its instant */
	int64_t consent_at; /* unix seconds, when consented */
	bool referral;      /* the decision (or the verdict before any) refers the patient */
	enum referral_urgency urgency;
	coop_date referral_day;        /* the day of the referral; 0 when not recorded */
	bool decided;                  /* the délégué's decision is recorded */
	coop_date decision_day;        /* its day; 0 when not recorded */
	int64_t delegant_called_id;    /* the délégant the délégué called; 0 when none */
	enum revoyure_reason revoyure; /* revoyure_called_for() on the decision */
	bool revoyure_done;            /* a délégant recorded the revoyure */
};

/* The columns stored with the episode, read by the lists. */
struct episode_list_facts {
	int64_t arrived_at;         /* the consent's instant, else the request's */
	bool referred;              /* in the délégants' referrals: a referral, not closed */
	int referral_rank;          /* then referral_priority() on the referral day; else 0 */
	coop_date referral_day;     /* the referral's day (0 when none or not recorded) */
	int64_t delegant_called_id; /* 0 when none */
	bool revoyure_pending;      /* a revoyure is called for and not done */
	coop_date decision_day;     /* 0 when no decision (or no day) */
	coop_date revoyure_until;   /* the revoyure's last day while it is due (revoyures list):
				     * included, excluded or follow_up, called for, not done;
				     * else 0 */
};

/* Computes the list facts of one episode. in and out must not be NULL. */
void episode_list_facts_of(const struct episode_list_input *in, struct episode_list_facts *out);

/* ---- the rules of each list, over the stored facts (the store's queries read the same) ---- */

/* States in which an episode waits for a délégué to take it (a délégué of its protocol sees
 * it): orientation, proposed, consented. */
bool episode_list_waits(enum pathway_state s);

/* The day list keeps, whatever their day, the requests left in these states: orientation,
 * proposed (they are resumed or cancelled, never forgotten). */
bool episode_list_day_keeps(enum pathway_state s);

/* Is the episode in the day list, with day_start the first instant of today (local)? */
bool episode_list_in_day(enum pathway_state s, int64_t updated_at, int64_t day_start);

/* The queue's part of an episode for délégué `me` (who is délégué of its protocol): 0 waiting
 * (consented), 1 run by me (assessing, included, excluded, follow_up), -1 not in the queue. */
int episode_list_queue_part(enum pathway_state s, int64_t delegue_id, int64_t me);

/* The first referral day still shown whatever the revoyure: yesterday. */
coop_date episode_list_referrals_since(coop_date today);

/* Is the episode (its stored facts) in délégant `me`'s referrals list today? */
bool episode_list_in_referrals(const struct episode_list_facts *f, int64_t me, coop_date today);

/* Its place in that list: referral_priority() today (0, 1 or 2). */
int episode_list_referral_priority(const struct episode_list_facts *f, coop_date today);

/* Is a revoyure to do today (revoyures list)? */
bool episode_list_revoyure_due(const struct episode_list_facts *f, coop_date today);

/* ---- order and cursors ---- */

/* A row's place in its list: segment first (ascending), then k, then id (both descending for
 * all, day and referrals; ascending for queue and revoyures). */
struct episode_list_key {
	int64_t segment;
	int64_t k;
	int64_t id;
};

/* Does the list order k and id descending? */
bool episode_list_descending(enum episode_list l);

/* <0, 0, >0 as a comes before, with, after b in list l. */
int episode_list_cmp(enum episode_list l, const struct episode_list_key *a,
		     const struct episode_list_key *b);

/* The cursor text of a key in list l ("r2.20400.1234"): at most EPISODE_LIST_CURSOR_MAX bytes
 * with the NUL. */
#define EPISODE_LIST_CURSOR_MAX 72
void episode_list_cursor_format(enum episode_list l, const struct episode_list_key *k, char *buf,
				size_t n);

/* Parses a cursor of list l; false for any text episode_list_cursor_format() did not give for
 * that list (another list's cursor, a segment out of range, a negative id...). */
bool episode_list_cursor_parse(enum episode_list l, const char *s, struct episode_list_key *out);

#endif
