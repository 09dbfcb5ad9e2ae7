/*
 * outcome_check.h — load-time analysis of a protocol's outcomes (spec §9).
 *
 * Enumerates the answer space of the questions the outcomes' `when` expressions name and reports
 * outcomes that can never be chosen, outcomes chosen by the same answers, and answers that choose
 * no outcome. Called by the loader once the structural checks have passed.
 */
#ifndef COOP_PROTOCOL_OUTCOME_CHECK_H
#define COOP_PROTOCOL_OUTCOME_CHECK_H

#include "protocol/protocol.h"

/* Above this many answer combinations (per version) the check is skipped with a warning. */
#define OUTCOME_CHECK_MAX_COMBINATIONS 65536

/* Checks the outcomes of the fully built protocol p, appending errors and warnings to d.
 * p is not modified in any way visible to its users. Returns COOP_OK (d may hold new warnings),
 * ERR_INVALID when it reported errors in d, ERR_NOMEM when memory ran out. */
enum coop_err outcome_check(struct protocol *p, struct protocol_diags *d);

#endif
