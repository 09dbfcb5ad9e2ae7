/*
 * cmd_episode.c — `coop episode replay --db FICHIER ID`: re-runs the engine on an episode's
 * recorded answers with the exact protocol file that decided (kept in the database by its
 * hash, see api/replay.h) and says in French whether the decision is the same. Exit status 0
 * when it is, 1 when it differs or cannot be replayed, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/replay.h"
#include "cli/cli.h"
#include "core/date.h"

static void usage_episode(FILE *f)
{
	fputs("Usage : coop episode replay --db FICHIER NUMÉRO\n"
	      "Rejoue la décision de la prise en charge NUMÉRO : le moteur est relancé sur les\n"
	      "réponses enregistrées, la date de naissance et le sexe du patient et le jour de la\n"
	      "décision, avec le fichier de protocole exact qui a décidé (conservé dans la base par\n"
	      "son empreinte), et dit si la décision, l'urgence et l'issue sont les mêmes.\n"
	      "Code de sortie 0 si elles le sont, 1 sinon ou si la décision ne peut pas être\n"
	      "rejouée (par exemple prise avant que Coop conserve les fichiers de protocole).\n",
	      f);
}

int cmd_episode(int argc, char **argv)
{
	const char *path = NULL, *id_text = NULL;
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage_episode(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "replay") != 0) {
		usage_episode(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_episode(stdout);
			return 0;
		} else if (!id_text && argv[i][0] != '-') {
			id_text = argv[i];
		} else {
			fprintf(stderr, "coop episode : argument inattendu « %s ».\n", argv[i]);
			usage_episode(stderr);
			return 2;
		}
	}
	char *end = NULL;
	long long id = id_text ? strtoll(id_text, &end, 10) : 0;
	if (!path || !id_text || *end || id < 1) {
		usage_episode(stderr);
		return 2;
	}
	struct db_options opts = {.create = false, .migrate = false};
	struct db *db = NULL;
	char msg[512];
	if (db_open(path, &opts, &db, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop episode : %s\n", msg);
		return 1;
	}
	struct arena a;
	arena_init(&a, 0);
	struct replay_result r;
	int status = 1;
	if (replay_episode(db, 0, (int64_t)id, &a, &r, msg, sizeof(msg)) != COOP_OK) {
		printf("Décision non rejouable : %s.\n", msg);
	} else {
		char summary[600], day[16] = "?";
		coop_date d;
		if (r.decided_on && date_parse(r.decided_on, strlen(r.decided_on), &d))
			date_format_fr(d, day, sizeof(day));
		replay_summary_fr(&r, summary, sizeof(summary));
		printf("Prise en charge n° %lld, protocole %s (version %s, fichier %.12s…), décision "
		       "du %s.\n%s\n",
		       id, r.protocol_id ? r.protocol_id : "?", r.version ? r.version : "?",
		       r.protocol_hash, day, summary);
		status = r.same || r.stopped ? 0 : 1;
	}
	arena_free(&a);
	db_close(db);
	return status;
}
