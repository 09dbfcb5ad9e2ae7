/*
 * team.h — team rules: who may act in which role for a protocol on a date, and which délégant
 * can be reached at a given moment.
 *
 * Pure functions over plain structs: no I/O, no allocation. Strings inside the structs are
 * borrowed from the caller and never freed here. Messages are French, written into
 * fixed-size buffers and always NUL-terminated (cut on a UTF-8 character boundary when long).
 *
 * Date ranges: a membership runs from `effective_from` (first day, inclusive) to `effective_to`
 * (exclusive: the first day the professional is no longer a member, i.e. the date of the
 * withdrawal declared to the ARS), the same convention as protocol versions. Absences are
 * entered the way people say them ("du 24/12 au 02/01"): both ends inclusive.
 */
#ifndef COOP_CORE_TEAM_H
#define COOP_CORE_TEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/profession.h"

enum team_role { TEAM_ROLE_DELEGANT, TEAM_ROLE_DELEGUE, TEAM_ROLE_COUNT };

/* Stable API codes "delegant" / "delegue"; "?" when out of range. */
const char *team_role_code(enum team_role r);
/* French labels "délégant" / "délégué" (lower case: they are used inside sentences). */
const char *team_role_label_fr(enum team_role r);
/* Parses a role code; false (out untouched) when unknown or code is NULL. */
bool team_role_parse(const char *code, enum team_role *out);

/* The bit of a profession in a uint64_t profession set (0 for an out-of-range value). */
uint64_t team_profession_bit(enum profession p);

/* One professional's membership of one protocol in one role. */
struct team_adhesion {
	int64_t professional_id; /* opaque id of the member; ids are never 0 (0 means none) */
	enum profession profession;
	enum team_role role;
	coop_date effective_from; /* first day of membership (inclusive) */
	bool has_effective_to;
	coop_date effective_to; /* first day no longer a member (exclusive) */

	/* Training of the protocol: required of délégués only. */
	bool training_validated;
	int64_t training_validated_by; /* the délégant who validated it (0: unknown, which does
					* not count); must not be the member themselves */
	coop_date training_date;       /* day of the validation */
	double training_hours;         /* informative: not compared with the protocol's hours */

	/* Declaration to the civil-liability insurer: required of every member. */
	bool insurance_declared;
	const char *insurer; /* borrowed; a declaration without an insurer name does not count */
	coop_date insurance_date;

	/* Signed and dated engagement: required of every member. */
	bool engagement_signed;
	coop_date engagement_date;
};

/* Everything that may stop a professional from acting; bit b of team_check.blockers is
 * 1u << b. The order is the order of the message. */
enum team_blocker {
	TEAM_BLOCKER_NO_ADHESION,             /* no adhesion to this protocol at all */
	TEAM_BLOCKER_WRONG_ROLE,              /* adheres, but in the other role */
	TEAM_BLOCKER_NOT_YET_MEMBER,          /* the date is before effective_from */
	TEAM_BLOCKER_MEMBERSHIP_ENDED,        /* the date is on or after effective_to */
	TEAM_BLOCKER_PROFESSION_NOT_ALLOWED,  /* the version in force no longer allows it */
	TEAM_BLOCKER_TRAINING_MISSING,        /* délégué without validated training */
	TEAM_BLOCKER_TRAINING_LATE,           /* validated after the date */
	TEAM_BLOCKER_TRAINING_SELF_VALIDATED, /* validated by the délégué themselves */
	TEAM_BLOCKER_INSURANCE_MISSING,
	TEAM_BLOCKER_INSURANCE_LATE, /* declared after the date */
	TEAM_BLOCKER_ENGAGEMENT_MISSING,
	TEAM_BLOCKER_ENGAGEMENT_LATE, /* signed after the date */
	TEAM_BLOCKER_COUNT
};

/* Stable API code of a blocker ("training_missing"...); "?" when out of range. */
const char *team_blocker_code(enum team_blocker b);
/* Short French label without dates ("Formation non validée"); "?" when out of range. */
const char *team_blocker_label_fr(enum team_blocker b);

#define TEAM_MESSAGE_MAX 512

struct team_check {
	bool ok;
	uint32_t blockers; /* bit set over enum team_blocker */
	/* French, every blocker in enum order joined by " ; ", first letter capitalised:
	 * "Formation non validée ; assurance non déclarée". Empty when ok. */
	char message[TEAM_MESSAGE_MAX];
};

/* True when on is inside the adhesion's membership dates (a may not be NULL). */
bool team_adhesion_active(const struct team_adhesion *a, coop_date on);

/* Would adhesions a and b (of one protocol) record the same adhesion twice: the same
 * professional in the same role, with membership dates that overlap (effective_from inclusive,
 * effective_to exclusive, no end = open)? Neither may be NULL. Successive adhesions (one ends the
 * day the next begins) do not overlap: people leave and come back. */
bool team_adhesions_overlap(const struct team_adhesion *a, const struct team_adhesion *b);

/* May the professional of adhesion a act as `role` for its protocol on date `on`?
 * `allowed` is the set of professions the protocol version in force on that date allows for
 * that role (bits from team_profession_bit). a may be NULL: the professional has no adhesion.
 * Requirements by role:
 *   both roles: a member on that date, in that role, of an allowed profession, with insurance
 *               declared (insurer named) and engagement signed, each dated on or before `on`;
 *   délégué:    also training validated on or before `on`, by someone other than themselves.
 * When a is NULL or in the other role, that is the only blocker reported (the rest of the
 * adhesion says nothing about this role). Fills *out completely; returns out->ok. */
bool team_check_adhesion(const struct team_adhesion *a, enum team_role role, coop_date on,
			 uint64_t allowed, struct team_check *out);

/* True when blocker b is set in c. */
bool team_check_has(const struct team_check *c, enum team_blocker b);

/* The first blocker of c in enum order; false when c has none. */
bool team_check_first(const struct team_check *c, enum team_blocker *out);

/* Day of the week of d: 0 = Monday … 6 = Sunday. */
int team_weekday(coop_date d);

/* A weekly period during which a délégant can be reached.
 * Minutes count from midnight. end_minute > start_minute: [start, end) on `weekday`.
 * end_minute <= start_minute: the slot runs past midnight, [start, 24:00) on `weekday` then
 * [00:00, end) on the next day (Sunday wraps to Monday); start == end is 24 hours from start.
 * A slot with weekday > 6, start_minute > 1439 or end_minute > 1440 is ignored. */
struct team_slot {
	int64_t professional_id;
	uint8_t weekday;       /* 0 = Monday … 6 = Sunday */
	uint16_t start_minute; /* 0 … 1439 */
	uint16_t end_minute;   /* 0 … 1440 */
	const char *name;      /* display name ("Dr Martin"), borrowed; NULL: "délégant n° id" */
	const char *contact;   /* how to reach them ("06 12 34 56 78"), borrowed; may be NULL */
};

/* A dated absence: no slot of that professional counts on the days from..to (inclusive).
 * It applies to the calendar day of the moment checked, so it also cuts the after-midnight
 * part of an overnight slot that starts the day before. */
struct team_absence {
	int64_t professional_id;
	coop_date from; /* first day absent */
	coop_date to;   /* last day absent (inclusive) */
};

/* The délégants' availability for one protocol: the caller passes only the slots of the
 * professionals who may act as délégant of that protocol (see team_check_adhesion). */
struct team_availability {
	const struct team_slot *slots;
	size_t n_slots;
	const struct team_absence *absences; /* may be NULL when n_absences is 0 */
	size_t n_absences;
};

/* Is someone reachable at (on, minute), minute in 0 … 1439? When several slots cover that
 * moment, the one of `usual` (the patient's usual délégant; 0 for none) wins, else the first in
 * array order. On success writes the slot's index to *slot and returns true; false when nobody
 * is reachable or minute is out of range (*slot untouched). */
bool team_reachable_now(const struct team_availability *av, coop_date on, int minute, int64_t usual,
			size_t *slot);

/* How to reach `professional` now: the contact of their slot covering (on, minute) — not their
 * office number when they are reachable on a weekend mobile — unless absent that day. Writes
 * the slot's contact (may be NULL: the slot has none) to *contact and returns true; false when
 * they are not reachable now or minute is out of range (*contact untouched). */
bool team_contact_now(const struct team_availability *av, int64_t professional, coop_date on,
		      int minute, const char **contact);

/* A moment at which a slot's délégant can be reached. */
struct team_moment {
	size_t slot; /* index in av->slots */
	int64_t professional_id;
	coop_date date;
	int minute; /* 0 … 1439 */
};

/* The earliest moment at or after (on, minute) and at most 7 days (7 × 24 h) later when
 * someone is reachable, preferring `usual` then array order at that moment. Returns false
 * when there is none in that horizon or minute is out of range (*out untouched). */
bool team_next_reachable(const struct team_availability *av, coop_date on, int minute,
			 int64_t usual, struct team_moment *out);

/* Writes a French sentence about reachability at (on, minute) into buf (size n > 0):
 *   "Délégant joignable maintenant : Dr Martin (06 12 34 56 78)"
 *   "Aucun délégant joignable maintenant ; prochain : Dr Martin, mardi 24/11/2026 à 08:00
 *    (06 12 34 56 78)"
 *   "Aucun délégant joignable maintenant ni dans les 7 prochains jours"
 * (the contact in parentheses only when the slot has one). Returns true when someone is
 * reachable now. */
bool team_reach_message(const struct team_availability *av, coop_date on, int minute, int64_t usual,
			char *buf, size_t n);

#endif
