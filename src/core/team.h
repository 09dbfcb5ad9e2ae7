/*
 * team.h — team rules: who may act in which role for a protocol on a date, which of a person's
 * adhesions speaks for them, what an adhesion may record (dates, declarations, profession), who
 * may validate a délégué's training, and which délégant can be reached at a given moment.
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
COOP_MUST_CHECK bool team_role_parse(const char *code, enum team_role *out);

/* The bit of a profession in a uint64_t profession set (0 for PROF_UNKNOWN and for an
 * out-of-range value: no set of allowed professions ever holds them). */
uint64_t team_profession_bit(enum profession p);

/* One professional's membership of one protocol in one role. */
struct team_adhesion {
	int64_t professional_id; /* opaque id of the member; ids are never 0 (0 means none) */
	int64_t adoption_id;     /* the protocol as adopted by one structure (0: not said) */
	enum profession profession; /* PROF_UNKNOWN when the lookup failed: never allowed */
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

/* Which of one professional's adhesions to one protocol speaks for them as `role` on `on`
 * (people leave and come back: there may be several, each with its dates). In order of
 * preference:
 *   1. one in that role that passes team_check_adhesion(role, on, allowed);
 *   2. else one in that role whose membership dates hold `on` (its blockers are the ones
 *      worth telling);
 *   3. else one in that role, the latest to begin (an adhesion to come says more than one
 *      that ended);
 *   4. else one in another role (the check then says in which role they adhere);
 * the first in array order among equals. list holds n adhesions of the same professional
 * (may be NULL when n is 0). Writes the index to *out and returns true; false when n is 0
 * (*out untouched). */
bool team_pick_adhesion(const struct team_adhesion *list, size_t n, enum team_role role,
			coop_date on, uint64_t allowed, size_t *out);

/* True when blocker b is set in c. */
bool team_check_has(const struct team_check *c, enum team_blocker b);

/* The first blocker of c in enum order; false when c has none. */
bool team_check_first(const struct team_check *c, enum team_blocker *out);

/* ---- What a team change may record ------------------------------------------------------ */

/* Why a change of the team is refused. The order is the order in which the rules are tried:
 * a request breaking several rules is told the first. */
enum team_refusal {
	TEAM_REFUSAL_NONE,
	TEAM_REFUSAL_PROFESSION_UNKNOWN,     /* the professional's profession is not known */
	TEAM_REFUSAL_PROFESSION_NOT_ALLOWED, /* not allowed in that role by the version in force */
	TEAM_REFUSAL_END_NOT_AFTER_START,    /* effective_to on or before effective_from */
	TEAM_REFUSAL_INSURANCE_FUTURE,       /* attestation dated after today */
	TEAM_REFUSAL_ENGAGEMENT_FUTURE,      /* engagement dated after today */
	TEAM_REFUSAL_INSURER_BLANK,          /* an insurer made of spaces only */
	TEAM_REFUSAL_INSURANCE_DATE_MISSING, /* an insurer without the date of the attestation */
	TEAM_REFUSAL_INSURER_MISSING,        /* a date of attestation without the insurer */
	TEAM_REFUSAL_DUPLICATE,              /* overlaps another adhesion in the same role */
	TEAM_REFUSAL_TRAINING_HOURS,         /* hours not in (0, TEAM_TRAINING_HOURS_MAX] */
	TEAM_REFUSAL_TRAINING_FUTURE,        /* validation dated after today */
	TEAM_REFUSAL_TRAINING_NOT_DELEGUE,   /* a délégant's adhesion has no training to validate */
	TEAM_REFUSAL_TRAINING_SELF,          /* the délégué validating their own training */
	TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT, /* no délégant adhesion to that protocol */
	TEAM_REFUSAL_VALIDATOR_BLOCKED,      /* a délégant adhesion that does not pass the check */
	TEAM_REFUSAL_TRAINING_BEFORE_VALIDATOR, /* dated before the validator's adhesion began */
	TEAM_REFUSAL_COUNT
};

/* Stable code of a refusal ("training_self_validated"); "?" when out of range. The HTTP
 * status and the request field it concerns are the API's business. */
const char *team_refusal_code(enum team_refusal r);

/* The answer of a team rule: ok, or the first refusal and a full French sentence saying what to
 * do (NUL-terminated, never longer than TEAM_MESSAGE_MAX - 1 bytes). */
struct team_decision {
	bool ok;
	enum team_refusal refusal; /* TEAM_REFUSAL_NONE when ok */
	char message[TEAM_MESSAGE_MAX]; /* empty when ok */
};

/* The dates and declarations an adhesion records, as a request leaves them (creation, or the
 * stored ones with the request's changes applied). */
struct team_declarations {
	coop_date effective_from;
	bool has_effective_to;
	coop_date effective_to;
	const char *insurer; /* borrowed; NULL: no insurer named */
	bool has_insurance_date;
	coop_date insurance_date;
	bool has_engagement_date;
	coop_date engagement_date;
};

/* May an adhesion record these declarations on `today`? A declaration states what has
 * happened, so, in this order: the membership ends after it begins; neither the insurance
 * attestation nor the engagement is dated after today; an insurer named is not blank (spaces,
 * tabs, line breaks only); the insurer and the date of its attestation go together (both or
 * neither). Fills *out completely; returns out->ok. */
bool team_check_declarations(const struct team_declarations *d, coop_date today,
			     struct team_decision *out);

/* May `wanted` be recorded (a new adhesion, or an adhesion whose dates change) next to the
 * `n` adhesions `others` of the same professional to the same protocol (the one that changes
 * left out)? Refused when it overlaps one of them in the same role (team_adhesions_overlap);
 * the message gives that one's dates. others may be NULL when n is 0. */
bool team_check_no_duplicate(const struct team_adhesion *wanted,
			     const struct team_adhesion *others, size_t n,
			     struct team_decision *out);

/* May a new adhesion be created? `wanted` carries the professional, their profession, the
 * role and the dates; `d` its declarations; `allowed` the professions the version of the
 * protocol in force on its first day allows in that role; `others` the professional's other
 * adhesions to that protocol. In this order: the profession is known, then allowed in that
 * role, then team_check_declarations(d, today), then team_check_no_duplicate. */
bool team_check_new_adhesion(const struct team_adhesion *wanted,
			     const struct team_declarations *d, uint64_t allowed,
			     const struct team_adhesion *others, size_t n, coop_date today,
			     struct team_decision *out);

/* Is the professional whose adhesion to a protocol `mine` speaks for them as délégant on `on`
 * (team_pick_adhesion) a délégant of that protocol in good standing? Refused
 * TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT when mine is NULL (no adhesion at all) or in the other
 * role, TEAM_REFUSAL_VALIDATOR_BLOCKED when it does not pass team_check_adhesion as délégant
 * with `allowed` (the message is then the check's: what blocks them). Fills *out completely;
 * returns out->ok. Signing a protocol's templates and validating a training require it. */
bool team_delegant_in_standing(const struct team_adhesion *mine, coop_date on, uint64_t allowed,
			       struct team_decision *out);

#define TEAM_TRAINING_HOURS_MAX 1000.0

/* A délégant's validation of a délégué's training, as the handler gathered it. */
struct team_training_validation {
	const struct team_adhesion *trainee; /* the adhesion whose training is validated */
	int64_t validator; /* professional id of whoever validates; 0 when the account has none */
	/* The validator's adhesion to the same protocol that speaks for them as délégant today
	 * (team_pick_adhesion); NULL when they have none. */
	const struct team_adhesion *validator_adhesion;
	uint64_t validator_allowed; /* professions the version in force today allows as délégant */
	coop_date date;             /* day of the validation */
	double hours;               /* length of the training */
	coop_date today;
};

/* May this validation be recorded? In this order: hours in (0, TEAM_TRAINING_HOURS_MAX]; the
 * date not after today; the trainee's adhesion is a délégué's, of a known profession; the
 * validator is not the trainee; the validator adheres as délégant to the same protocol (same
 * adoption_id) and is in good standing today (team_delegant_in_standing: its message then says
 * what blocks them); the date is not before the validator's adhesion began. v->trainee may not be
 * NULL. Fills *out completely; returns out->ok. */
bool team_may_validate_training(const struct team_training_validation *v,
				struct team_decision *out);

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
