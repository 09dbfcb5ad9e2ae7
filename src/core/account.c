/*
 * account.c — the rules of accounts (see account.h for the choices).
 */
#include "core/account.h"

int account_signin_delay(int failures)
{
	if (failures <= ACCOUNT_FREE_FAILURES)
		return 0;
	int seconds = 1;
	for (int k = ACCOUNT_FREE_FAILURES + 1; k < failures && seconds < ACCOUNT_DELAY_CAP; k++)
		seconds *= 2;
	return seconds > ACCOUNT_DELAY_CAP ? ACCOUNT_DELAY_CAP : seconds;
}

enum account_state account_state(const struct account_facts *f, coop_date today)
{
	if (f->disabled)
		return ACCOUNT_DISABLED;
	if (f->has_ends_on && today > f->ends_on)
		return ACCOUNT_ENDED;
	if (!f->activated)
		return ACCOUNT_NOT_ACTIVATED;
	return ACCOUNT_USABLE;
}

bool account_code_usable(int64_t expires_at, int64_t now)
{
	return expires_at > 0 && now < expires_at;
}

enum account_refusal account_may_create(const struct account_request *r)
{
	if (r->roles & ACCOUNT_CLINICAL_ROLES)
		return ACCOUNT_REFUSED_CLINICAL_ROLE;
	if (r->roles == 0 && r->professional_id == 0)
		return ACCOUNT_REFUSED_NO_ROLE;
	if (r->professional_id != 0) {
		if (!r->professional_in_structure)
			return ACCOUNT_REFUSED_FOREIGN_PROFESSIONAL;
		if (r->professional_id == r->caller_professional_id)
			return ACCOUNT_REFUSED_SELF;
		if (r->professional_has_account)
			return ACCOUNT_REFUSED_PROFESSIONAL_TAKEN;
	}
	return ACCOUNT_ALLOWED;
}

bool account_may_manage(int64_t caller_account_id, int64_t target_account_id)
{
	return caller_account_id != target_account_id;
}
