/*
 * episode_list.c — the lists of episodes and their facts (see episode_list.h).
 */
#include "core/episode_list.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/access.h"

static const char *const codes[] = {"all", "day", "queue", "referrals", "revoyures"};
/* the cursor's first letter names its list: a cursor of one list is refused by another */
static const char letters[] = "adqrv";
/* the highest segment of each list */
static const int64_t last_segment[] = {0, 0, 1, 2, 0};

bool episode_list_parse(const char *code, enum episode_list *out)
{
	for (size_t i = 0; code && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0) {
			*out = (enum episode_list)i;
			return true;
		}
	return false;
}

bool episode_list_allowed(unsigned roles, enum episode_list l)
{
	switch (l) {
	case EPISODE_LIST_ALL: return roles != 0;
	case EPISODE_LIST_DAY: return (roles & ACCESS_ROLE_SECRETARY) != 0;
	case EPISODE_LIST_QUEUE: return (roles & ACCESS_ROLE_DELEGUE) != 0;
	case EPISODE_LIST_REFERRALS:
	case EPISODE_LIST_REVOYURES: return (roles & ACCESS_ROLE_DELEGANT) != 0;
	}
	return false;
}

const char *episode_list_refusal_fr(enum episode_list l)
{
	switch (l) {
	case EPISODE_LIST_DAY: return "Les patients du jour sont la liste du secrétariat.";
	case EPISODE_LIST_QUEUE: return "La file des patients à évaluer est celle des délégués.";
	case EPISODE_LIST_REFERRALS: return "Les patients réorientés sont la liste des délégants.";
	case EPISODE_LIST_REVOYURES: return "Les revoyures à faire sont la liste des délégants.";
	case EPISODE_LIST_ALL: break;
	}
	return "Votre rôle ne donne accès à aucune prise en charge.";
}

static bool decided_state(enum pathway_state s)
{
	return s == PATHWAY_INCLUDED || s == PATHWAY_EXCLUDED || s == PATHWAY_FOLLOW_UP;
}

void episode_list_facts_of(const struct episode_list_input *in, struct episode_list_facts *out)
{
	memset(out, 0, sizeof(*out));
	out->arrived_at = in->consented ? in->consent_at : in->created_at;
	if (in->referral && in->state != PATHWAY_CLOSED) {
		out->referred = true;
		out->referral_day = in->referral_day;
		/* the priority on the referral day itself: it stays so until the day after
		 * (episode_list_referral_priority()), so it can be stored */
		struct referral_facts rf = {.urgency = in->referral_day ? in->urgency
									: REFERRAL_NONE,
					    .referred_on = in->referral_day,
					    .today = in->referral_day,
					    .closed = false,
					    .revoyure_recorded = in->revoyure_done};
		out->referral_rank = referral_priority(&rf);
	}
	out->delegant_called_id = in->delegant_called_id;
	out->revoyure_pending = in->revoyure != REVOYURE_NOT_CALLED_FOR && !in->revoyure_done;
	out->decision_day = in->decided ? in->decision_day : 0;
	if (out->revoyure_pending && out->decision_day && decided_state(in->state))
		out->revoyure_until = pathway_revoyure_last_day(out->decision_day);
}

bool episode_list_waits(enum pathway_state s)
{
	return s == PATHWAY_ORIENTATION || s == PATHWAY_PROPOSED || s == PATHWAY_CONSENTED;
}

bool episode_list_day_keeps(enum pathway_state s)
{
	return s == PATHWAY_ORIENTATION || s == PATHWAY_PROPOSED;
}

bool episode_list_in_day(enum pathway_state s, int64_t updated_at, int64_t day_start)
{
	return updated_at >= day_start || episode_list_day_keeps(s);
}

int episode_list_queue_part(enum pathway_state s, int64_t delegue_id, int64_t me)
{
	if (s == PATHWAY_CONSENTED)
		return 0;
	if (me && delegue_id == me && (s == PATHWAY_ASSESSING || decided_state(s)))
		return 1;
	return -1;
}

coop_date episode_list_referrals_since(coop_date today)
{
	return today - 1;
}

bool episode_list_in_referrals(const struct episode_list_facts *f, int64_t me, coop_date today)
{
	if (!f->referred)
		return false;
	if (f->delegant_called_id && f->delegant_called_id != me)
		return false;
	return f->referral_day >= episode_list_referrals_since(today) || f->revoyure_pending;
}

int episode_list_referral_priority(const struct episode_list_facts *f, coop_date today)
{
	if (!f->referred || f->referral_day < episode_list_referrals_since(today))
		return 2;
	return f->referral_rank;
}

bool episode_list_revoyure_due(const struct episode_list_facts *f, coop_date today)
{
	return f->revoyure_until && f->decision_day <= today && today <= f->revoyure_until;
}

bool episode_list_descending(enum episode_list l)
{
	return l == EPISODE_LIST_ALL || l == EPISODE_LIST_DAY || l == EPISODE_LIST_REFERRALS;
}

static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

int episode_list_cmp(enum episode_list l, const struct episode_list_key *a,
		     const struct episode_list_key *b)
{
	int c = cmp64(a->segment, b->segment);
	if (c)
		return c;
	c = cmp64(a->k, b->k);
	if (!c)
		c = cmp64(a->id, b->id);
	return episode_list_descending(l) ? -c : c;
}

void episode_list_cursor_format(enum episode_list l, const struct episode_list_key *k, char *buf,
				size_t n)
{
	snprintf(buf, n, "%c%" PRId64 ".%" PRId64 ".%" PRId64, letters[l], k->segment, k->k, k->id);
}

/* A decimal integer of at most 18 digits (a '-' first only when allow_minus), no leading
 * zero; *end is set after it. */
static bool parse_int(const char *s, bool allow_minus, int64_t *out, const char **end)
{
	const char *p = s;
	bool minus = *p == '-' && allow_minus;
	if (minus)
		p++;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	int64_t v = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if (++digits > 18)
			return false;
		else
			v = v * 10 + (*p - '0');
	*out = minus ? -v : v;
	*end = p;
	return true;
}

bool episode_list_cursor_parse(enum episode_list l, const char *s, struct episode_list_key *out)
{
	if (!s || (size_t)l >= sizeof(codes) / sizeof(codes[0]) || s[0] != letters[l] ||
	    strlen(s) >= EPISODE_LIST_CURSOR_MAX)
		return false;
	const char *p = s + 1;
	struct episode_list_key k;
	if (!parse_int(p, false, &k.segment, &p) || *p++ != '.' || !parse_int(p, true, &k.k, &p) ||
	    *p++ != '.' || !parse_int(p, false, &k.id, &p) || *p != '\0')
		return false;
	if (k.segment > last_segment[l] || k.id < 1)
		return false;
	*out = k;
	return true;
}
