/*
 * replay.h — replaying an episode's decision with the exact protocol file that made it.
 *
 * Every protocol file a server ran is kept in the database by the SHA-256 of its bytes
 * (replay_store_protocols() at start, table protocol_files). An episode's decision records that
 * hash; replay_episode() loads the kept text, runs the engine again on the recorded answers, the
 * patient's birth date and sex and the day of the decision, and says whether the decision, the
 * urgency and the outcome come out the same. Used by `coop episode replay` and by
 * GET /api/v1/episodes/{id}/replay (api_replay.c).
 */
#ifndef COOP_API_REPLAY_H
#define COOP_API_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "protocol/protocol.h"
#include "store/db.h"

/* What was decided and what the engine decides again (codes as the API writes them; arena
 * strings; the replayed ones NULL when the replay could not run). */
struct replay_result {
	int64_t episode_id;
	const char *protocol_id;
	const char *protocol_hash;
	const char *version;      /* the protocol version in force that day */
	const char *decided_on;   /* ISO day of the decision */
	bool stopped;             /* the délégué stopped the assessment: not the engine's decision */
	const char *recorded_decision, *recorded_urgency, *recorded_outcome;
	const char *replayed_decision, *replayed_urgency, *replayed_outcome;
	bool same;                /* decision, urgency and outcome all equal */
};

/* Stores the loaded protocols' files (re-read from their paths, each checked against the hash
 * it was loaded with) at `now`; nothing changes for a file already kept. ERR_CONFLICT when a
 * file changed on disk since it was loaded; message in msg. */
enum coop_err replay_store_protocols(struct db *db, struct protocol *const *protocols, size_t n,
				     int64_t now, char *msg, size_t msg_size);

/* Replays episode `id` of structure_id (0: whichever structure it belongs to). ERR_NOT_FOUND
 * (no such episode), ERR_CONFLICT (no decision recorded yet, or its protocol file was never
 * kept), ERR_INVALID (the kept file or the recorded answers no longer load); French message in
 * msg. */
enum coop_err replay_episode(struct db *db, int64_t structure_id, int64_t id, struct arena *a,
			     struct replay_result *out, char *msg, size_t msg_size);

/* One French sentence on the outcome ("La décision rejouée est la même : …"). */
void replay_summary_fr(const struct replay_result *r, char *out, size_t size);

#endif
