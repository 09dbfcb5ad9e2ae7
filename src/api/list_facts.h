/*
 * list_facts.h — an episode's document read into the facts its lists are made of.
 *
 * The episode's details live in one JSON document (data); the lists of the home screens read
 * columns computed from it (core/episode_list.h). This is the one place that reads those facts
 * from the document: the API before every insert and update, the start of `coop serve` for rows
 * older than the columns, and the generator of bench/, so that the three never differ.
 */
#ifndef COOP_API_LIST_FACTS_H
#define COOP_API_LIST_FACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "core/episode_list.h"
#include "core/revoyure.h"

/* The referral known for an episode (borrowed): the recorded decision when it sends the patient
 * to a physician, else — no decision yet — the engine's latest verdict when it does; NULL when
 * neither does. Decisions recorded before "reorientation" was stored count when excluded. */
json_t *list_facts_referral(json_t *data);

/* Whether (and why) a revoyure is called for after the recorded decision (revoyure_called_for()
 * over the decision); protocol_has_revoyure: the protocol provides one. */
enum revoyure_reason list_facts_revoyure(json_t *data, bool protocol_has_revoyure);

/* The list facts of an episode in state `state` (a pathway state code; an unknown one counts as
 * closed) created at created_at, with document data (a JSON object, or NULL). */
void list_facts_of_document(json_t *data, const char *state, int64_t created_at,
			    bool protocol_has_revoyure, struct episode_list_facts *out);

struct app;

/* Fills the list facts of the episodes stored before them (migration 8 leaves them at
 * list_facts = 0), through list_facts_of_document() with each episode's protocol as this server
 * loaded it, a thousand per transaction; `coop serve` runs it before answering. Defined in
 * api_episodes.c. ERR_* with msg (French) on failure; *filled counts the rows filled. */
enum coop_err list_facts_fill(struct app *app, long *filled, char *msg, size_t msg_size);

#endif
