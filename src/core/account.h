/*
 * account.h — the rules of accounts: which roles a coordinator may give and to whom, when an
 * account may be used, how long an activation code lives, and how long a further sign-in
 * attempt must wait after failures.
 *
 * Pure functions over plain structs: no I/O, no allocation. The role bits are the store's
 * (enum db_role), repeated here because the core knows nothing of the store; the API layer
 * checks at compile time that both agree.
 *
 * Clinical roles (délégué, délégant) are never given by a coordinator: they follow the
 * professional's adhesions to the protocols. A coordinator gives only the coordination and
 * secretariat roles, and binds an account to one professional of the structure; such an
 * account may hold no stored role at all.
 */
#ifndef COOP_CORE_ACCOUNT_H
#define COOP_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"

enum account_role {
	ACCOUNT_ROLE_COORDINATOR = 1 << 0,
	ACCOUNT_ROLE_SECRETARY = 1 << 1,
	ACCOUNT_ROLE_DELEGUE = 1 << 2,
	ACCOUNT_ROLE_DELEGANT = 1 << 3,
};
#define ACCOUNT_CLINICAL_ROLES (ACCOUNT_ROLE_DELEGUE | ACCOUNT_ROLE_DELEGANT)

/* How long a one-time activation code (new account or reset) may be used: 7 days. */
#define ACCOUNT_ACTIVATION_DAYS 7
#define ACCOUNT_ACTIVATION_SECONDS ((int64_t)ACCOUNT_ACTIVATION_DAYS * 24 * 60 * 60)

/* Sign-in delays: the first ACCOUNT_FREE_FAILURES consecutive failures cost nothing; the next
 * one makes the following attempt wait 1 second, then 2, 4, 8... up to ACCOUNT_DELAY_CAP
 * seconds (reached at the 11th failure). A low cap: whoever tries, the named person is never
 * kept out for more than a minute at a time. */
#define ACCOUNT_FREE_FAILURES 4
#define ACCOUNT_DELAY_CAP 60

/* Seconds the next attempt must wait after `failures` consecutive failed sign-ins (0: none). */
int account_signin_delay(int failures);

/* What is known of an account when someone tries to use it. */
struct account_facts {
	bool activated; /* its owner chose a password (a pending code does not count) */
	bool disabled;  /* disabled by a coordinator */
	bool has_ends_on;
	coop_date ends_on; /* last day the account works (included) */
};

enum account_state {
	ACCOUNT_USABLE,
	ACCOUNT_NOT_ACTIVATED, /* created or reset, password not chosen yet */
	ACCOUNT_DISABLED,
	ACCOUNT_ENDED, /* today is after its end date */
};

/* Whether the account may sign in (or keep its sessions) on `today`. Disabled wins over
 * ended, ended over not activated. */
enum account_state account_state(const struct account_facts *f, coop_date today);

/* True when an activation code that expires at `expires_at` (unix seconds; 0 = none) can
 * still be used at `now`. */
bool account_code_usable(int64_t expires_at, int64_t now);

/* A coordinator's request to create an account, with the facts gathered about it. */
struct account_request {
	unsigned roles;                 /* the roles asked for (enum account_role bits) */
	int64_t professional_id;        /* the professional it is bound to; 0 = none */
	bool professional_in_structure; /* that professional is one of the structure's */
	bool professional_has_account;  /* they already have an account in this structure */
	int64_t caller_professional_id; /* the coordinator's own professional record; 0 = none */
};

enum account_refusal {
	ACCOUNT_ALLOWED,
	ACCOUNT_REFUSED_CLINICAL_ROLE, /* délégué / délégant asked: they follow the adhesions */
	ACCOUNT_REFUSED_NO_ROLE,       /* neither a role nor a professional: an empty account */
	ACCOUNT_REFUSED_FOREIGN_PROFESSIONAL, /* not one of this structure's professionals */
	ACCOUNT_REFUSED_SELF,               /* bound to the coordinator's own professional record */
	ACCOUNT_REFUSED_PROFESSIONAL_TAKEN, /* that professional already has an account here */
};

/* Whether a coordinator may create that account; the first refusal in the order above. */
enum account_refusal account_may_create(const struct account_request *r);

/* Whether a coordinator (caller_account_id) may act on another account of the structure:
 * disable, enable, set an end date, issue a new activation code. Never on their own account
 * (they would lock the structure out of its coordination, or hand themselves a code). */
bool account_may_manage(int64_t caller_account_id, int64_t target_account_id);

#endif
