/*
 * facts.h — the one place where rows read from the store become the facts the core rules take.
 *
 * The core (src/core) knows nothing of the database: its rules take plain structs. Handlers
 * read rows with db_*() and turn them into those structs here, so that two handlers never
 * build the same fact two different ways. Lookups that fail name nothing: an unknown
 * profession is PROF_UNKNOWN (which no rule allows), never a default profession.
 */
#ifndef COOP_API_FACTS_H
#define COOP_API_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/account.h"
#include "core/team.h"
#include "protocol/protocol.h"
#include "store/db.h"

/* The professional's profession; PROF_UNKNOWN when p is NULL or its code is not known. */
enum profession facts_profession(const struct db_professional *p);

/* The profession of the professional `id`, read from the store; PROF_UNKNOWN when id is 0, the
 * record cannot be read, or its code is not known. */
enum profession facts_profession_of(struct db *db, struct arena *a, int64_t id);

/* The adhesion row as the core's team rules take it. profession is the member's (see
 * facts_profession()). False when the row's role is not one the core knows: *out is then
 * filled but its role must not be trusted (callers refuse the row). */
bool facts_adhesion(const struct db_adhesion *row, enum profession profession,
		    struct team_adhesion *out);

/* The dates and declarations the row records, as team_check_declarations() takes them. */
void facts_declarations(const struct db_adhesion *row, struct team_declarations *out);

/* The professions the version of p in force on `on` allows in `role` (bits of
 * team_profession_bit); 0 when p is NULL or no version is in force then. */
uint64_t facts_allowed(const struct protocol *p, enum team_role role, coop_date on);

/* Every adhesion of `professional` to `adoption_id` (all roles, all periods, oldest first) but
 * the one whose id is `except` (0: none left out), as core facts with the professional's
 * profession; rows of a role the core does not know are left out. *out is allocated in a
 * (NULL when *n is 0). COOP_OK with *n = 0 when there is none or professional is 0; another
 * error when the store fails. */
enum coop_err facts_adhesions_of(struct db *db, struct arena *a, int64_t professional,
				 int64_t adoption_id, int64_t except, struct team_adhesion **out,
				 size_t *n);

/* The adhesion that speaks for `professional` as `role` in `adoption_id` on `on`
 * (team_pick_adhesion over facts_adhesions_of, `allowed` as facts_allowed gives it). False
 * when they have none at all (or the store fails); true with *out filled otherwise — its role
 * may be the other one (the check then says so). */
bool facts_pick_adhesion(struct db *db, struct arena *a, int64_t professional,
			 int64_t adoption_id, enum team_role role, coop_date on, uint64_t allowed,
			 struct team_adhesion *out);

/* What the account rules (core/account.h) need to know of an account row. */
void facts_account(const struct db_account *row, struct account_facts *out);

#endif
