/*
 * facts.h — the one place where rows read from the store become the facts the core rules take.
 *
 * The core (src/core) knows nothing of the database: its rules take plain structs. Handlers
 * read rows with db_*() and turn them into those structs here, so that two handlers never
 * build the same fact two different ways.
 */
#ifndef COOP_API_FACTS_H
#define COOP_API_FACTS_H

#include <stdbool.h>

#include "core/team.h"
#include "store/db.h"

/* The adhesion row as the core's team rules take it. profession is the member's (see
 * facts_profession()). False when the row's role is not one the core knows: *out is then
 * filled but its role must not be trusted (callers refuse the row). */
bool facts_adhesion(const struct db_adhesion *row, enum profession profession,
		    struct team_adhesion *out);

#endif
