/*
 * team.c — team rules: adhesion checks, the choice among a person's adhesions, what a team
 * change may record (declarations, new adhesions, training validations) and délégant
 * reachability.
 *
 * The adhesion check gathers every blocker at once (so a coordinator can fix them all in one
 * visit) and renders them as one French sentence. The rules on changes answer the first
 * refusal only, with a sentence saying what to do. Reachability works on weekly slots in minutes
 * of the day; the search for the next reachable moment only looks at the moments where
 * coverage can begin (now, each midnight, each slot start), which is exact at minute resolution.
 */
#include "core/team.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

#define MINUTES_PER_DAY 1440
#define HORIZON_DAYS 7

/* ---- Codes and labels ---------------------------------------------------------------------- */

static const char *const role_codes[TEAM_ROLE_COUNT] = {"delegant", "delegue"};
static const char *const role_labels[TEAM_ROLE_COUNT] = {"délégant", "délégué"};

const char *team_role_code(enum team_role r)
{
	return (unsigned)r < TEAM_ROLE_COUNT ? role_codes[r] : "?";
}

const char *team_role_label_fr(enum team_role r)
{
	return (unsigned)r < TEAM_ROLE_COUNT ? role_labels[r] : "?";
}

bool team_role_parse(const char *code, enum team_role *out)
{
	if (!code)
		return false;
	for (int i = 0; i < TEAM_ROLE_COUNT; i++) {
		if (strcmp(code, role_codes[i]) == 0) {
			*out = (enum team_role)i;
			return true;
		}
	}
	return false;
}

uint64_t team_profession_bit(enum profession p)
{
	if (p == PROF_UNKNOWN || (unsigned)p >= PROF_COUNT)
		return 0;
	return UINT64_C(1) << (unsigned)p;
}

static const struct {
	const char *code;
	const char *label;
} blockers[TEAM_BLOCKER_COUNT] = {
	[TEAM_BLOCKER_NO_ADHESION] = {"not_member", "Pas d'adhésion à ce protocole"},
	[TEAM_BLOCKER_WRONG_ROLE] = {"wrong_role", "Adhésion dans l'autre rôle"},
	[TEAM_BLOCKER_NOT_YET_MEMBER] = {"not_yet_member", "Adhésion pas encore commencée"},
	[TEAM_BLOCKER_MEMBERSHIP_ENDED] = {"membership_ended", "Adhésion terminée"},
	[TEAM_BLOCKER_PROFESSION_NOT_ALLOWED] =
		{"profession_not_allowed", "Profession non autorisée par la version en vigueur"},
	[TEAM_BLOCKER_TRAINING_MISSING] = {"training_missing", "Formation non validée"},
	[TEAM_BLOCKER_TRAINING_LATE] = {"training_late", "Formation validée après la date"},
	[TEAM_BLOCKER_TRAINING_SELF_VALIDATED] = {"training_self_validated",
						  "Formation validée par le délégué lui-même"},
	[TEAM_BLOCKER_INSURANCE_MISSING] = {"insurance_missing", "Assurance non déclarée"},
	[TEAM_BLOCKER_INSURANCE_LATE] = {"insurance_late", "Assurance déclarée après la date"},
	[TEAM_BLOCKER_ENGAGEMENT_MISSING] = {"engagement_missing", "Engagement non signé"},
	[TEAM_BLOCKER_ENGAGEMENT_LATE] = {"engagement_late", "Engagement signé après la date"},
};

const char *team_blocker_code(enum team_blocker b)
{
	return (unsigned)b < TEAM_BLOCKER_COUNT ? blockers[b].code : "?";
}

const char *team_blocker_label_fr(enum team_blocker b)
{
	return (unsigned)b < TEAM_BLOCKER_COUNT ? blockers[b].label : "?";
}

/* ---- Bounded French text ------------------------------------------------------------------- */

/* Appends to a fixed buffer; on truncation the text is cut on a UTF-8 character boundary. */
struct text {
	char *buf;
	size_t n; /* > 0 */
	size_t len;
};

static void text_trim_utf8(struct text *t)
{
	/* Called after truncation: drop a trailing partial UTF-8 sequence, if any. */
	t->len = utf8_cut(t->buf, t->len, t->len);
	t->buf[t->len] = '\0';
}

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	if (t->len + 1 >= t->n)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->buf + t->len, t->n - t->len, fmt, ap);
	va_end(ap);
	if (w < 0) {
		t->buf[t->len] = '\0';
		return;
	}
	if ((size_t)w >= t->n - t->len) {
		t->len = t->n - 1;
		text_trim_utf8(t);
	} else {
		t->len += (size_t)w;
	}
}

/* ---- Adhesion check ------------------------------------------------------------------------ */

bool team_adhesion_active(const struct team_adhesion *a, coop_date on)
{
	return on >= a->effective_from && (!a->has_effective_to || on < a->effective_to);
}

bool team_adhesions_overlap(const struct team_adhesion *a, const struct team_adhesion *b)
{
	if (a->professional_id != b->professional_id || a->role != b->role)
		return false;
	bool a_before_b_ends = !b->has_effective_to || a->effective_from < b->effective_to;
	bool b_before_a_ends = !a->has_effective_to || b->effective_from < a->effective_to;
	return a_before_b_ends && b_before_a_ends;
}

/* Writes the phrase of blocker b (lower case, with its date) for adhesion a checked as role. */
static void blocker_phrase(struct text *t, enum team_blocker b, const struct team_adhesion *a,
			   enum team_role role)
{
	char d[16];
	switch (b) {
	case TEAM_BLOCKER_NO_ADHESION: text_add(t, "pas d'adhésion à ce protocole"); break;
	case TEAM_BLOCKER_WRONG_ROLE:
		text_add(t, "adhère à ce protocole comme %s, pas comme %s",
			 team_role_label_fr(a->role), team_role_label_fr(role));
		break;
	case TEAM_BLOCKER_NOT_YET_MEMBER:
		date_format_fr(a->effective_from, d, sizeof(d));
		text_add(t, "adhésion seulement à partir du %s", d);
		break;
	case TEAM_BLOCKER_MEMBERSHIP_ENDED:
		date_format_fr(a->effective_to - 1, d, sizeof(d));
		text_add(t, "adhésion terminée (dernier jour : %s)", d);
		break;
	case TEAM_BLOCKER_PROFESSION_NOT_ALLOWED:
		if (a->profession == PROF_UNKNOWN) {
			text_add(t,
				 "profession inconnue : indiquez la profession du professionnel "
				 "pour qu'il puisse agir comme %s",
				 team_role_label_fr(role));
			break;
		}
		text_add(t,
			 "profession « %s » non autorisée comme %s par la version en vigueur du "
			 "protocole",
			 profession_label_fr(a->profession), team_role_label_fr(role));
		break;
	case TEAM_BLOCKER_TRAINING_MISSING: text_add(t, "formation non validée"); break;
	case TEAM_BLOCKER_TRAINING_LATE:
		date_format_fr(a->training_date, d, sizeof(d));
		text_add(t, "formation validée seulement le %s", d);
		break;
	case TEAM_BLOCKER_TRAINING_SELF_VALIDATED:
		text_add(t,
			 "formation validée par le délégué lui-même (un délégant doit la valider)");
		break;
	case TEAM_BLOCKER_INSURANCE_MISSING: text_add(t, "assurance non déclarée"); break;
	case TEAM_BLOCKER_INSURANCE_LATE:
		date_format_fr(a->insurance_date, d, sizeof(d));
		text_add(t, "assurance déclarée seulement le %s", d);
		break;
	case TEAM_BLOCKER_ENGAGEMENT_MISSING: text_add(t, "engagement non signé"); break;
	case TEAM_BLOCKER_ENGAGEMENT_LATE:
		date_format_fr(a->engagement_date, d, sizeof(d));
		text_add(t, "engagement signé seulement le %s", d);
		break;
	case TEAM_BLOCKER_COUNT: break;
	}
}

static uint32_t bit(enum team_blocker b)
{
	return UINT32_C(1) << (unsigned)b;
}

/* The blockers of a non-NULL adhesion in the requested role. */
static uint32_t adhesion_blockers(const struct team_adhesion *a, enum team_role role, coop_date on,
				  uint64_t allowed)
{
	uint32_t set = 0;
	if (on < a->effective_from)
		set |= bit(TEAM_BLOCKER_NOT_YET_MEMBER);
	else if (a->has_effective_to && on >= a->effective_to)
		set |= bit(TEAM_BLOCKER_MEMBERSHIP_ENDED);
	if ((allowed & team_profession_bit(a->profession)) == 0)
		set |= bit(TEAM_BLOCKER_PROFESSION_NOT_ALLOWED);
	if (role == TEAM_ROLE_DELEGUE) {
		if (!a->training_validated || a->training_validated_by == 0)
			set |= bit(TEAM_BLOCKER_TRAINING_MISSING);
		else {
			if (a->training_date > on)
				set |= bit(TEAM_BLOCKER_TRAINING_LATE);
			if (a->training_validated_by == a->professional_id)
				set |= bit(TEAM_BLOCKER_TRAINING_SELF_VALIDATED);
		}
	}
	if (!a->insurance_declared || !a->insurer || a->insurer[0] == '\0')
		set |= bit(TEAM_BLOCKER_INSURANCE_MISSING);
	else if (a->insurance_date > on)
		set |= bit(TEAM_BLOCKER_INSURANCE_LATE);
	if (!a->engagement_signed)
		set |= bit(TEAM_BLOCKER_ENGAGEMENT_MISSING);
	else if (a->engagement_date > on)
		set |= bit(TEAM_BLOCKER_ENGAGEMENT_LATE);
	return set;
}

bool team_check_adhesion(const struct team_adhesion *a, enum team_role role, coop_date on,
			 uint64_t allowed, struct team_check *out)
{
	memset(out, 0, sizeof(*out));
	if (!a)
		out->blockers = bit(TEAM_BLOCKER_NO_ADHESION);
	else if (a->role != role)
		out->blockers = bit(TEAM_BLOCKER_WRONG_ROLE);
	else
		out->blockers = adhesion_blockers(a, role, on, allowed);
	out->ok = out->blockers == 0;

	struct text t = {out->message, sizeof(out->message), 0};
	for (int b = 0; b < TEAM_BLOCKER_COUNT; b++) {
		if (!(out->blockers & bit((enum team_blocker)b)))
			continue;
		if (t.len > 0)
			text_add(&t, " ; ");
		blocker_phrase(&t, (enum team_blocker)b, a, role);
	}
	/* Every phrase starts with an ASCII lower-case letter. */
	if (out->message[0] >= 'a' && out->message[0] <= 'z')
		out->message[0] = (char)(out->message[0] - 'a' + 'A');
	return out->ok;
}

/* How well adhesion a speaks for its professional as role on `on`: higher is better. */
static int pick_rank(const struct team_adhesion *a, enum team_role role, coop_date on,
		     uint64_t allowed)
{
	if (a->role != role)
		return 0;
	struct team_check check;
	if (team_check_adhesion(a, role, on, allowed, &check))
		return 3;
	return team_adhesion_active(a, on) ? 2 : 1;
}

bool team_pick_adhesion(const struct team_adhesion *list, size_t n, enum team_role role,
			coop_date on, uint64_t allowed, size_t *out)
{
	if (n == 0)
		return false;
	size_t best = 0;
	int best_rank = pick_rank(&list[0], role, on, allowed);
	for (size_t i = 1; i < n; i++) {
		int rank = pick_rank(&list[i], role, on, allowed);
		/* among adhesions in the role that neither pass nor hold `on`: the latest to begin */
		bool later = rank == 1 && best_rank == 1 &&
			     list[i].effective_from > list[best].effective_from;
		if (rank > best_rank || later) {
			best = i;
			best_rank = rank;
		}
	}
	*out = best;
	return true;
}

bool team_check_has(const struct team_check *c, enum team_blocker b)
{
	return (unsigned)b < TEAM_BLOCKER_COUNT && (c->blockers & bit(b)) != 0;
}

bool team_check_first(const struct team_check *c, enum team_blocker *out)
{
	for (int b = 0; b < TEAM_BLOCKER_COUNT; b++) {
		if (c->blockers & bit((enum team_blocker)b)) {
			*out = (enum team_blocker)b;
			return true;
		}
	}
	return false;
}

/* ---- What a team change may record -------------------------------------------------------- */

static const char *const refusal_codes[TEAM_REFUSAL_COUNT] = {
	[TEAM_REFUSAL_NONE] = "ok",
	[TEAM_REFUSAL_PROFESSION_UNKNOWN] = "profession_unknown",
	[TEAM_REFUSAL_PROFESSION_NOT_ALLOWED] = "profession_not_allowed",
	[TEAM_REFUSAL_END_NOT_AFTER_START] = "end_not_after_start",
	[TEAM_REFUSAL_INSURANCE_FUTURE] = "insurance_future",
	[TEAM_REFUSAL_ENGAGEMENT_FUTURE] = "engagement_future",
	[TEAM_REFUSAL_INSURER_BLANK] = "insurer_blank",
	[TEAM_REFUSAL_INSURANCE_DATE_MISSING] = "insurance_date_missing",
	[TEAM_REFUSAL_INSURER_MISSING] = "insurer_missing",
	[TEAM_REFUSAL_DUPLICATE] = "adhesion_duplicate",
	[TEAM_REFUSAL_TRAINING_HOURS] = "training_hours",
	[TEAM_REFUSAL_TRAINING_FUTURE] = "training_future",
	[TEAM_REFUSAL_TRAINING_NOT_DELEGUE] = "training_not_delegue",
	[TEAM_REFUSAL_TRAINING_SELF] = "training_self_validated",
	[TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT] = "validator_not_delegant",
	[TEAM_REFUSAL_VALIDATOR_BLOCKED] = "delegant_check_failed",
	[TEAM_REFUSAL_TRAINING_BEFORE_VALIDATOR] = "training_before_validator",
};

const char *team_refusal_code(enum team_refusal r)
{
	return (unsigned)r < TEAM_REFUSAL_COUNT ? refusal_codes[r] : "?";
}

static void decision_ok(struct team_decision *out)
{
	memset(out, 0, sizeof(*out));
	out->ok = true;
	out->refusal = TEAM_REFUSAL_NONE;
}

static bool refuse(struct team_decision *out, enum team_refusal r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets the refusal r with its French sentence; returns false (the decision's ok). */
static bool refuse(struct team_decision *out, enum team_refusal r, const char *fmt, ...)
{
	memset(out, 0, sizeof(*out));
	out->ok = false;
	out->refusal = r;
	struct text t = {out->message, sizeof(out->message), 0};
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t.buf, t.n, fmt, ap);
	va_end(ap);
	if (w < 0)
		t.buf[0] = '\0';
	else if ((size_t)w >= t.n) {
		t.len = t.n - 1;
		text_trim_utf8(&t);
	}
	return false;
}

/* Is s made only of spaces, tabs and line breaks (or empty)? */
static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

bool team_check_declarations(const struct team_declarations *d, coop_date today,
			     struct team_decision *out)
{
	if (d->has_effective_to && d->effective_to <= d->effective_from)
		return refuse(out, TEAM_REFUSAL_END_NOT_AFTER_START,
			      "La fin de l'adhésion doit suivre son début : indiquez le premier "
			      "jour où le professionnel n'est plus membre.");
	if (d->has_insurance_date && d->insurance_date > today)
		return refuse(out, TEAM_REFUSAL_INSURANCE_FUTURE,
			      "La date de l'attestation d'assurance ne peut pas être dans le futur : "
			      "indiquez la date qui figure sur l'attestation.");
	if (d->has_engagement_date && d->engagement_date > today)
		return refuse(out, TEAM_REFUSAL_ENGAGEMENT_FUTURE,
			      "La date de signature de l'engagement ne peut pas être dans le futur : "
			      "indiquez le jour où il a été signé.");
	if (d->insurer && blank(d->insurer))
		return refuse(out, TEAM_REFUSAL_INSURER_BLANK, "Indiquez le nom de l'assureur.");
	if (d->insurer && !d->has_insurance_date)
		return refuse(out, TEAM_REFUSAL_INSURANCE_DATE_MISSING,
			      "Indiquez la date de l'attestation d'assurance avec le nom de "
			      "l'assureur.");
	if (!d->insurer && d->has_insurance_date)
		return refuse(out, TEAM_REFUSAL_INSURER_MISSING,
			      "Indiquez le nom de l'assureur avec la date de son attestation.");
	decision_ok(out);
	return true;
}

bool team_check_no_duplicate(const struct team_adhesion *wanted,
			     const struct team_adhesion *others, size_t n,
			     struct team_decision *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct team_adhesion *o = &others[i];
		if (!team_adhesions_overlap(wanted, o))
			continue;
		char from[16], to[16] = "";
		date_format_fr(o->effective_from, from, sizeof(from));
		if (o->has_effective_to)
			date_format_fr(o->effective_to, to, sizeof(to));
		return refuse(out, TEAM_REFUSAL_DUPLICATE,
			      "Ce professionnel adhère déjà à ce protocole comme %s sur des dates qui "
			      "chevauchent celles-ci (depuis le %s%s%s) : modifiez cette adhésion-là "
			      "plutôt que d'en enregistrer une seconde.",
			      team_role_label_fr(wanted->role), from,
			      o->has_effective_to ? ", fin le " : "", to);
	}
	decision_ok(out);
	return true;
}

/* The profession rule of a role: known, then allowed. */
static bool profession_may(enum profession p, enum team_role role, uint64_t allowed,
			   const char *when, struct team_decision *out)
{
	if (p == PROF_UNKNOWN || (unsigned)p >= PROF_COUNT)
		return refuse(out, TEAM_REFUSAL_PROFESSION_UNKNOWN,
			      "La profession de ce professionnel n'est pas reconnue : corrigez sa "
			      "fiche avant de l'inscrire dans un protocole.");
	if (!(allowed & team_profession_bit(p)))
		return refuse(out, TEAM_REFUSAL_PROFESSION_NOT_ALLOWED,
			      "La version du protocole en vigueur %s n'autorise pas la profession "
			      "« %s » comme %s.",
			      when, profession_label_fr(p), team_role_label_fr(role));
	decision_ok(out);
	return true;
}

bool team_check_new_adhesion(const struct team_adhesion *wanted,
			     const struct team_declarations *d, uint64_t allowed,
			     const struct team_adhesion *others, size_t n, coop_date today,
			     struct team_decision *out)
{
	return profession_may(wanted->profession, wanted->role, allowed, "à cette date", out) &&
	       team_check_declarations(d, today, out) &&
	       team_check_no_duplicate(wanted, others, n, out);
}

bool team_delegant_in_standing(const struct team_adhesion *mine, coop_date on, uint64_t allowed,
			       struct team_decision *out)
{
	if (!mine || mine->role != TEAM_ROLE_DELEGANT)
		return refuse(out, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT,
			      "Seul un délégant de ce protocole peut faire cela.");
	struct team_check check;
	if (!team_check_adhesion(mine, TEAM_ROLE_DELEGANT, on, allowed, &check))
		return refuse(out, TEAM_REFUSAL_VALIDATOR_BLOCKED, "%s", check.message);
	decision_ok(out);
	return true;
}

bool team_may_validate_training(const struct team_training_validation *v,
				struct team_decision *out)
{
	const struct team_adhesion *trainee = v->trainee;
	const struct team_adhesion *mine = v->validator_adhesion;
	if (!(v->hours > 0 && v->hours <= TEAM_TRAINING_HOURS_MAX))
		return refuse(out, TEAM_REFUSAL_TRAINING_HOURS,
			      "Indiquez la durée de la formation en heures (un nombre positif, "
			      "au plus %d).",
			      (int)TEAM_TRAINING_HOURS_MAX);
	if (v->date > v->today)
		return refuse(out, TEAM_REFUSAL_TRAINING_FUTURE,
			      "La formation ne peut pas être validée à une date future. Indiquez le "
			      "jour où vous l'avez validée.");
	if (trainee->role != TEAM_ROLE_DELEGUE)
		return refuse(out, TEAM_REFUSAL_TRAINING_NOT_DELEGUE,
			      "Seule la formation d'un délégué se valide : cette adhésion est celle "
			      "d'un délégant.");
	if (trainee->profession == PROF_UNKNOWN || (unsigned)trainee->profession >= PROF_COUNT)
		return refuse(out, TEAM_REFUSAL_PROFESSION_UNKNOWN,
			      "La profession de ce délégué n'est pas reconnue : la coordination "
			      "doit corriger sa fiche avant que sa formation soit validée.");
	if (v->validator != 0 && v->validator == trainee->professional_id)
		return refuse(out, TEAM_REFUSAL_TRAINING_SELF,
			      "Un professionnel ne peut pas valider sa propre formation : un autre "
			      "délégant du protocole doit la valider.");
	if (v->validator == 0 || !mine || mine->role != TEAM_ROLE_DELEGANT ||
	    mine->professional_id != v->validator || mine->adoption_id != trainee->adoption_id)
		return refuse(out, TEAM_REFUSAL_VALIDATOR_NOT_DELEGANT,
			      "Seul un délégant de ce protocole peut valider la formation de ses "
			      "délégués.");
	if (!team_delegant_in_standing(mine, v->today, v->validator_allowed, out))
		return false;
	if (v->date < mine->effective_from)
		return refuse(out, TEAM_REFUSAL_TRAINING_BEFORE_VALIDATOR,
			      "La date de validation précède votre adhésion comme délégant de ce "
			      "protocole : indiquez une date à partir de votre adhésion.");
	decision_ok(out);
	return true;
}

/* ---- Reachability -------------------------------------------------------------------------- */

int team_weekday(coop_date d)
{
	/* 1970-01-01 (day 0) was a Thursday, weekday 3. */
	int w = (int)((d + 3) % 7);
	return w < 0 ? w + 7 : w;
}

static bool slot_valid(const struct team_slot *s)
{
	return s->weekday <= 6 && s->start_minute < MINUTES_PER_DAY &&
	       s->end_minute <= MINUTES_PER_DAY;
}

/* Does slot s (its weekly pattern only) cover minute m of a day whose weekday is wd? */
static bool slot_covers(const struct team_slot *s, int wd, int m)
{
	if (!slot_valid(s))
		return false;
	if (s->end_minute > s->start_minute)
		return wd == s->weekday && m >= s->start_minute && m < s->end_minute;
	/* Overnight (or 24 h when start == end): the evening part, then the next morning. */
	if (wd == s->weekday && m >= s->start_minute)
		return true;
	return wd == (s->weekday + 1) % 7 && m < s->end_minute;
}

static bool absent(const struct team_availability *av, int64_t who, coop_date on)
{
	for (size_t i = 0; i < av->n_absences; i++) {
		const struct team_absence *x = &av->absences[i];
		if (x->professional_id == who && on >= x->from && on <= x->to)
			return true;
	}
	return false;
}

/* The slot reachable at (on, m), preferring usual; false when none. */
static bool reachable_at(const struct team_availability *av, coop_date on, int m, int64_t usual,
			 size_t *slot)
{
	const int wd = team_weekday(on);
	bool found = false;
	size_t first = 0;
	for (size_t i = 0; i < av->n_slots; i++) {
		const struct team_slot *s = &av->slots[i];
		if (!slot_covers(s, wd, m) || absent(av, s->professional_id, on))
			continue;
		if (usual != 0 && s->professional_id == usual) {
			*slot = i;
			return true;
		}
		if (!found) {
			found = true;
			first = i;
		}
	}
	if (found)
		*slot = first;
	return found;
}

bool team_reachable_now(const struct team_availability *av, coop_date on, int minute, int64_t usual,
			size_t *slot)
{
	if (minute < 0 || minute >= MINUTES_PER_DAY)
		return false;
	return reachable_at(av, on, minute, usual, slot);
}

bool team_contact_now(const struct team_availability *av, int64_t professional, coop_date on,
		      int minute, const char **contact)
{
	if (minute < 0 || minute >= MINUTES_PER_DAY || professional == 0 ||
	    absent(av, professional, on))
		return false;
	const int wd = team_weekday(on);
	for (size_t i = 0; i < av->n_slots; i++) {
		const struct team_slot *s = &av->slots[i];
		if (s->professional_id == professional && slot_covers(s, wd, minute)) {
			*contact = s->contact;
			return true;
		}
	}
	return false;
}

bool team_next_reachable(const struct team_availability *av, coop_date on, int minute,
			 int64_t usual, struct team_moment *out)
{
	if (minute < 0 || minute >= MINUTES_PER_DAY)
		return false;
	const int64_t now = (int64_t)on * MINUTES_PER_DAY + minute;
	const int64_t last = now + (int64_t)HORIZON_DAYS * MINUTES_PER_DAY;
	bool found = false;
	int64_t best = 0;
	size_t best_slot = 0;

	/* Candidates: now, then each midnight and each slot start over the horizon. Coverage
	 * can only begin at one of these, so the earliest covered candidate is the answer. */
	for (int k = 0; k <= HORIZON_DAYS; k++) {
		const coop_date day = on + k;
		for (size_t c = 0; c <= av->n_slots; c++) {
			int m;
			if (c == 0)
				m = k == 0 ? minute : 0; /* now, then each midnight */
			else if (slot_valid(&av->slots[c - 1]))
				m = av->slots[c - 1].start_minute;
			else
				continue;
			const int64_t at = (int64_t)day * MINUTES_PER_DAY + m;
			if (at < now || at > last || (found && at >= best))
				continue;
			size_t s;
			if (reachable_at(av, day, m, usual, &s)) {
				found = true;
				best = at;
				best_slot = s;
			}
		}
	}
	if (!found)
		return false;
	out->slot = best_slot;
	out->professional_id = av->slots[best_slot].professional_id;
	out->date = (coop_date)(best / MINUTES_PER_DAY);
	out->minute = (int)(best % MINUTES_PER_DAY);
	return true;
}

static const char *const weekdays_fr[7] = {"lundi",    "mardi",  "mercredi", "jeudi",
					   "vendredi", "samedi", "dimanche"};

/* "Dr Martin", or "délégant n° 42" when the slot has no name. */
static void add_name(struct text *t, const struct team_slot *s)
{
	if (s->name && s->name[0] != '\0')
		text_add(t, "%s", s->name);
	else
		text_add(t, "délégant n° %lld", (long long)s->professional_id);
}

static void add_contact(struct text *t, const struct team_slot *s)
{
	if (s->contact && s->contact[0] != '\0')
		text_add(t, " (%s)", s->contact);
}

bool team_reach_message(const struct team_availability *av, coop_date on, int minute, int64_t usual,
			char *buf, size_t n)
{
	struct text t = {buf, n, 0};
	buf[0] = '\0';
	size_t slot;
	if (team_reachable_now(av, on, minute, usual, &slot)) {
		text_add(&t, "Délégant joignable maintenant : ");
		add_name(&t, &av->slots[slot]);
		add_contact(&t, &av->slots[slot]);
		return true;
	}
	struct team_moment next;
	if (!team_next_reachable(av, on, minute, usual, &next)) {
		text_add(&t, "Aucun délégant joignable maintenant ni dans les %d prochains jours",
			 HORIZON_DAYS);
		return false;
	}
	char d[16];
	date_format_fr(next.date, d, sizeof(d));
	text_add(&t, "Aucun délégant joignable maintenant ; prochain : ");
	add_name(&t, &av->slots[next.slot]);
	text_add(&t, ", %s %s à %02d:%02d", weekdays_fr[team_weekday(next.date)], d,
		 next.minute / 60, next.minute % 60);
	add_contact(&t, &av->slots[next.slot]);
	return false;
}
