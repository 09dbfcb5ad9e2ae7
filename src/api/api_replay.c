/*
 * api_replay.c — replaying an episode's decision (replay.h) and its API read:
 *
 *   GET /api/v1/episodes/{id}/replay   coordinator only
 *
 * Answers {episode_id, protocol_id, protocol_hash, version, decided_on, stopped, recorded:
 * {decision, urgency, outcome}, replayed: {...}, same, summary} — codes and a French sentence,
 * never the answers nor the patient's identity (the coordinator sees no clinical data). The
 * read is traced ("replay", "episode", id).
 */
#include "api/replay.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "protocol/answers.h"
#include "protocol/engine.h"

#define REPLAY_ROLES DB_ROLE_COORDINATOR
#define PROTOCOL_FILE_MAX (4u * 1024 * 1024)

/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL when it cannot. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(PROTOCOL_FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, PROTOCOL_FILE_MAX + 1, f) : 0;
	bool bad = ferror(f) || n > PROTOCOL_FILE_MAX;
	fclose(f);
	if (!buf || bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

enum coop_err replay_store_protocols(struct db *db, struct protocol *const *protocols, size_t n,
				     int64_t now, char *msg, size_t msg_size)
{
	enum coop_err e = db_begin(db);
	for (size_t i = 0; e == COOP_OK && i < n; i++) {
		const struct protocol *p = protocols[i];
		size_t len = 0;
		char *text = slurp(p->path, &len);
		unsigned char digest[crypto_hash_sha256_BYTES];
		char hex[2 * crypto_hash_sha256_BYTES + 1] = "";
		if (text) {
			crypto_hash_sha256(digest, (const unsigned char *)text, len);
			sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
		}
		if (!text || strlen(text) != len || strcmp(hex, p->hash) != 0) {
			snprintf(msg, msg_size,
				 "le fichier de protocole « %s » a changé (ou n'est plus lisible) "
				 "depuis son chargement : relancez le serveur",
				 p->path);
			free(text);
			e = ERR_CONFLICT;
			break;
		}
		e = db_protocol_file_put(db, p->hash, p->id, text, now);
		free(text);
		if (e != COOP_OK)
			snprintf(msg, msg_size, "enregistrement des fichiers de protocole impossible");
	}
	if (e == COOP_OK)
		e = db_commit(db);
	if (e != COOP_OK)
		db_rollback(db);
	return e;
}

/* A string member of obj copied into the arena, or NULL. */
static const char *member(json_t *obj, const char *key, struct arena *a)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

enum coop_err replay_episode(struct db *db, int64_t structure_id, int64_t id, struct arena *a,
			     struct replay_result *out, char *msg, size_t msg_size)
{
	struct db_episode ep;
	struct db_patient patient;
	struct protocol *p = NULL;
	json_t *data = NULL, *doc = NULL;
	char *text = NULL;
	const char *file = NULL;
	memset(out, 0, sizeof(*out));
	out->episode_id = id;
	enum coop_err e = COOP_OK;
	if (structure_id == 0)
		e = db_episode_structure(db, id, &structure_id);
	if (e == COOP_OK)
		e = db_episode_get(db, structure_id, id, a, &ep);
	if (e == COOP_OK)
		e = db_patient_get(db, structure_id, ep.patient_id, a, &patient);
	if (e != COOP_OK) {
		snprintf(msg, msg_size,
			 e == ERR_NOT_FOUND ? "prise en charge n° %lld introuvable"
					    : "lecture de la prise en charge n° %lld impossible",
			 (long long)id);
		return e;
	}
	data = json_loads(ep.data, 0, NULL);
	json_t *decision = json_object_get(data, "decision");
	if (!ep.protocol_hash || !json_is_object(decision)) {
		snprintf(msg, msg_size, "la prise en charge n° %lld n'a pas encore de décision",
			 (long long)id);
		e = ERR_CONFLICT;
		goto out;
	}
	out->protocol_hash = arena_strdup(a, ep.protocol_hash);
	out->recorded_decision = member(decision, "decision", a);
	out->recorded_urgency = member(decision, "urgency", a);
	out->recorded_outcome = member(decision, "outcome", a);
	out->decided_on = member(decision, "date", a);
	out->stopped = json_is_true(json_object_get(decision, "stopped"));
	e = db_protocol_file_get(db, ep.protocol_hash, a, &out->protocol_id, &file);
	if (e != COOP_OK) {
		snprintf(msg, msg_size,
			 e == ERR_NOT_FOUND
				 ? "le fichier de protocole qui a décidé (empreinte %.12s…) n'a pas été "
				   "conservé : la décision a été prise avant que Coop les conserve"
				 : "lecture du fichier de protocole impossible",
			 ep.protocol_hash);
		e = e == ERR_NOT_FOUND ? ERR_CONFLICT : e;
		goto out;
	}
	struct protocol_diags diags;
	memset(&diags, 0, sizeof(diags));
	if (protocol_load_buffer(out->protocol_id, file, strlen(file), &p, &diags) != COOP_OK ||
	    strcmp(p->hash, ep.protocol_hash) != 0) {
		snprintf(msg, msg_size,
			 "le fichier de protocole conservé ne se charge plus avec cette version "
			 "de Coop");
		e = ERR_INVALID;
		goto out;
	}
	char born[16];
	date_format_iso(patient.birth_date, born, sizeof(born));
	json_t *answers = json_object_get(data, "answers");
	doc = json_pack("{s:s?, s:{s:s, s:s}, s:O?}", "visit_date", out->decided_on, "patient",
			"birth_date", born, "sex", patient.sex, "answers",
			json_is_object(answers) ? answers : NULL);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (!text || !out->decided_on) {
		snprintf(msg, msg_size, "la décision enregistrée est incomplète (date absente)");
		e = ERR_INVALID;
		goto out;
	}
	struct engine_input in;
	char why[300];
	if (answers_parse(p, text, strlen(text), a, &in, why, sizeof(why)) != COOP_OK) {
		snprintf(msg, msg_size, "les réponses enregistrées ne se relisent pas : %s", why);
		e = ERR_INVALID;
		goto out;
	}
	struct engine_result *r = arena_alloc(a, sizeof(*r));
	if (!r) {
		e = ERR_NOMEM;
		snprintf(msg, msg_size, "mémoire insuffisante");
		goto out;
	}
	if (engine_evaluate(p, &in, r) != COOP_OK) {
		snprintf(msg, msg_size, "aucune version du protocole n'était en vigueur le %s",
			 out->decided_on);
		e = ERR_INVALID;
		goto out;
	}
	out->version = r->version ? arena_strdup(a, r->version->version) : NULL;
	out->replayed_decision = decision_code(r->decision);
	out->replayed_urgency = urgency_code(r->urgency);
	out->replayed_outcome =
		r->outcome >= 0 ? arena_strdup(a, p->outcomes[r->outcome].id) : NULL;
	out->same = out->recorded_decision && out->recorded_urgency &&
		    strcmp(out->recorded_decision, out->replayed_decision) == 0 &&
		    strcmp(out->recorded_urgency, out->replayed_urgency) == 0 &&
		    (out->recorded_outcome ? out->replayed_outcome &&
						     strcmp(out->recorded_outcome,
							    out->replayed_outcome) == 0
					   : !out->replayed_outcome);
out:
	free(text);
	json_decref(doc);
	json_decref(data);
	protocol_free(p);
	return e;
}

/* The French words of a decision code. */
static const char *decision_fr(const char *code)
{
	if (!code)
		return "aucune";
	if (strcmp(code, "included") == 0)
		return "patient inclus";
	if (strcmp(code, "excluded") == 0)
		return "patient exclu";
	if (strcmp(code, "incomplete") == 0)
		return "évaluation incomplète";
	return code;
}

void replay_summary_fr(const struct replay_result *r, char *out, size_t size)
{
	if (r->stopped) {
		snprintf(out, size,
			 "L'évaluation a été arrêtée par le délégué (%s) : ce n'est pas une "
			 "décision du moteur. Rejoué sur les mêmes réponses, le protocole donne : %s.",
			 decision_fr(r->recorded_decision), decision_fr(r->replayed_decision));
		return;
	}
	if (r->same)
		snprintf(out, size,
			 "La décision rejouée est la même : %s, même urgence, même issue.",
			 decision_fr(r->replayed_decision));
	else
		snprintf(out, size,
			 "La décision rejouée DIFFÈRE : enregistrée « %s » (urgence %s, issue %s), "
			 "rejouée « %s » (urgence %s, issue %s).",
			 decision_fr(r->recorded_decision),
			 r->recorded_urgency ? r->recorded_urgency : "aucune",
			 r->recorded_outcome ? r->recorded_outcome : "aucune",
			 decision_fr(r->replayed_decision), r->replayed_urgency,
			 r->replayed_outcome ? r->replayed_outcome : "aucune");
}

/* ------------------------------------------------------------------ API */

static json_t *verdict_json(const char *decision, const char *urgency, const char *outcome)
{
	return json_pack("{s:s?, s:s?, s:s?}", "decision", decision, "urgency", urgency,
			 "outcome", outcome);
}

void api_episodes_replay(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id = 0;
	if (!api_begin(&c, req, res, app, REPLAY_ROLES) || !api_param_id(&c, "id", &id))
		return;
	struct replay_result r;
	char msg[400];
	enum coop_err e = replay_episode(c.db, c.account.structure_id, id, c.a, &r, msg,
					 sizeof(msg));
	if (e == ERR_NOT_FOUND) {
		api_fail(&c, API_ERR_NOT_FOUND, "Cette prise en charge n'existe pas.", NULL);
		return;
	}
	if (e == ERR_CONFLICT || e == ERR_INVALID) {
		char sentence[480];
		snprintf(sentence, sizeof(sentence), "La décision ne peut pas être rejouée : %s.",
			 msg);
		api_fail(&c, API_ERR_NOT_REPLAYABLE, sentence, NULL);
		return;
	}
	if (e != COOP_OK) {
		api_store_error(&c, e, "Prise en charge");
		return;
	}
	char summary[600];
	replay_summary_fr(&r, summary, sizeof(summary));
	json_t *body = json_pack(
		"{s:I, s:s?, s:s?, s:s?, s:s?, s:b, s:o, s:o, s:b, s:s}", "episode_id",
		(json_int_t)id, "protocol_id", r.protocol_id, "protocol_hash", r.protocol_hash,
		"version", r.version, "decided_on", r.decided_on, "stopped", r.stopped, "recorded",
		verdict_json(r.recorded_decision, r.recorded_urgency, r.recorded_outcome),
		"replayed", verdict_json(r.replayed_decision, r.replayed_urgency, r.replayed_outcome),
		"same", r.same, "summary", summary);
	if (!body) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	/* a read that cannot be traced is not served */
	if (api_trace_read(&c, "replay", "episode", id, NULL))
		http_respond_json(res, 200, body);
	else
		json_decref(body);
}
