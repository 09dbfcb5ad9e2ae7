/*
 * cmd_audit.c — `coop audit key --out FICHIER` (the checkpoint signing key) and
 * `coop audit verify --db FICHIER [--checkpoints FICHIER [--public-key FICHIER]] [--from-last]`
 * (the chain, and every signed checkpoint against it). What is and is not detected is said in
 * the help text below, which is the reference for users; audit.h says the same for developers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/checkpoint.h"
#include "store/db.h"

static void usage_audit(FILE *f)
{
	fputs("Usage : coop audit verify --db FICHIER [--checkpoints FICHIER]\n"
	      "                          [--public-key FICHIER] [--from-last]\n"
	      "        coop audit key --out FICHIER\n"
	      "\n"
	      "verify  vérifie la chaîne du journal d'audit (code de sortie 0 si tout est conforme,\n"
	      "        1 sinon). Chaque enregistrement est lié au précédent par une empreinte :\n"
	      "        la modification, la suppression ou l'insertion d'un enregistrement est\n"
	      "        détectée si la chaîne n'a pas été recalculée.\n"
	      "  --checkpoints FICHIER\n"
	      "        vérifie aussi chaque point de contrôle signé écrit par « coop serve\n"
	      "        --checkpoints » : sont alors détectées, jusqu'au dernier point de contrôle,\n"
	      "        la réécriture d'un enregistrement même avec la chaîne recalculée, la\n"
	      "        suppression d'un enregistrement n'importe où, et la troncature de la base\n"
	      "        en deçà du dernier point de contrôle.\n"
	      "  --public-key FICHIER\n"
	      "        la clé publique (ou la clé secrète) qui doit avoir signé chaque point de\n"
	      "        contrôle ; sans elle, la clé inscrite dans le fichier est utilisée et Coop\n"
	      "        le signale : quelqu'un qui peut réécrire ce fichier pourrait le re-signer\n"
	      "        avec sa propre clé.\n"
	      "  --from-last\n"
	      "        ne vérifie la chaîne qu'à partir du dernier point de contrôle (plus rapide ;\n"
	      "        les enregistrements antérieurs sont tenus pour conformes, sauf celui du\n"
	      "        point de contrôle, relu : une troncature en deçà reste détectée).\n"
	      "  Ne sont PAS détectés : la suppression ou la modification des enregistrements\n"
	      "  écrits après le dernier point de contrôle si la chaîne est recalculée (ils ne\n"
	      "  sont protégés que par la chaîne), en particulier la suppression des derniers\n"
	      "  enregistrements ; une réécriture faite par quelqu'un qui détient la clé secrète\n"
	      "  et réécrit aussi le fichier des points de contrôle ; la suppression du fichier\n"
	      "  des points de contrôle entier (gardez-en une copie ailleurs). La structure des\n"
	      "  enregistrements écrits avant qu'elle soit enregistrée (bases mises à jour) n'est\n"
	      "  pas couverte par leur empreinte.\n"
	      "\n"
	      "key     crée une clé de signature des points de contrôle : la clé secrète dans\n"
	      "        FICHIER et la clé publique dans FICHIER.pub, lisibles par leur seul\n"
	      "        propriétaire. Gardez la clé secrète hors de la base (et de ses\n"
	      "        sauvegardes) ; donnez la clé publique à qui vérifie le journal.\n",
	      f);
}

/* Walks the chain, checking each checkpoint's hash as its record passes. */
struct verify_state {
	const struct audit_checkpoint *cps;
	size_t n, next;     /* cps sorted by last_id; next: the first not reached yet */
	int64_t mismatch_id; /* the first checkpoint whose record's hash differs (0: none) */
};

static void verify_visit(void *ctx, int64_t id, const char *hash)
{
	struct verify_state *vs = ctx;
	while (vs->next < vs->n && vs->cps[vs->next].last_id < id)
		vs->next++; /* cannot happen with a sorted file; kept for safety */
	while (vs->next < vs->n && vs->cps[vs->next].last_id == id) {
		if (strcmp(vs->cps[vs->next].hash, hash) != 0 && !vs->mismatch_id)
			vs->mismatch_id = id;
		vs->next++;
	}
}

static void format_time(int64_t at, char *out, size_t size)
{
	time_t t = (time_t)at;
	struct tm tm;
	if (localtime_r(&t, &tm))
		snprintf(out, size, "%02d/%02d/%04d à %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
			 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(out, size, "?");
}

/* Checks the checkpoints among themselves and against the trusted key; 0 or prints why not. */
static int check_checkpoints(const char *cp_path, const struct audit_checkpoint *cps, size_t n,
			     const struct audit_key *trusted)
{
	for (size_t i = 0; i < n; i++) {
		if (memcmp(cps[i].public_key, trusted->public_key, sizeof(trusted->public_key)) !=
		    0) {
			printf("Points de contrôle NON CONFORMES : le n° %zu de « %s » est signé d'une "
			       "autre clé.\n",
			       i + 1, cp_path);
			return 1;
		}
		if (cps[i].count != cps[i].last_id ||
		    (i > 0 && (cps[i].last_id < cps[i - 1].last_id || cps[i].at < cps[i - 1].at))) {
			printf("Points de contrôle NON CONFORMES : le n° %zu de « %s » ne suit pas le "
			       "précédent.\n",
			       i + 1, cp_path);
			return 1;
		}
	}
	return 0;
}

static int audit_verify(int argc, char **argv)
{
	const char *path = NULL, *cp_path = NULL, *key_path = NULL;
	bool from_last = false;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--checkpoints") == 0 && i + 1 < argc) {
			cp_path = argv[++i];
		} else if (strcmp(argv[i], "--public-key") == 0 && i + 1 < argc) {
			key_path = argv[++i];
		} else if (strcmp(argv[i], "--from-last") == 0) {
			from_last = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_audit(stdout);
			return 0;
		} else {
			fprintf(stderr, "coop audit : argument inattendu « %s ».\n", argv[i]);
			usage_audit(stderr);
			return 2;
		}
	}
	if (!path || ((key_path || from_last) && !cp_path)) {
		usage_audit(stderr);
		return 2;
	}
	char msg[512];
	struct audit_checkpoint *cps = NULL;
	size_t n_cps = 0;
	struct audit_key trusted;
	memset(&trusted, 0, sizeof(trusted));
	int status = 0;
	struct db *db = NULL;
	if (cp_path) {
		if (key_path && checkpoint_key_load(key_path, &trusted, msg, sizeof(msg)) != COOP_OK) {
			fprintf(stderr, "coop audit : %s\n", msg);
			return 1;
		}
		enum coop_err e = checkpoint_read_all(cp_path, &cps, &n_cps, msg, sizeof(msg));
		if (e != COOP_OK) {
			printf("Points de contrôle NON CONFORMES : %s.\n", msg);
			return 1;
		}
		if (n_cps == 0) {
			printf("Points de contrôle NON CONFORMES : « %s » n'en contient aucun.\n",
			       cp_path);
			status = 1;
			goto out;
		}
		if (!key_path) {
			memcpy(trusted.public_key, cps[0].public_key, sizeof(trusted.public_key));
			printf("Attention : sans --public-key, la clé inscrite dans « %s » est "
			       "utilisée ; donnez la clé publique pour vous assurer que c'est la "
			       "vôtre.\n",
			       cp_path);
		}
		status = check_checkpoints(cp_path, cps, n_cps, &trusted);
		if (status)
			goto out;
	}
	struct db_options opts = {.create = false, .migrate = false};
	if (db_open(path, &opts, &db, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop audit : %s\n", msg);
		status = 1;
		goto out;
	}
	struct verify_state vs = {.cps = cps, .n = n_cps};
	struct db_audit_walk walk = {.visit = verify_visit, .ctx = &vs};
	char link[AUDIT_HASH_HEX];
	if (from_last && cps[n_cps - 1].last_id > 0) {
		/* trust the records before the last checkpoint's own, which is walked again: it
		 * must hash (from its predecessor's stored hash) to the signed hash, and a base
		 * truncated below it is seen (one record read by its id, then those after it) */
		int64_t last = cps[n_cps - 1].last_id;
		if (last == 1 || db_audit_hash_of(db, last - 1, link) != COOP_OK)
			memcpy(link, audit_genesis, sizeof(link));
		walk.after_id = last - 1;
		walk.after_hash = link;
		vs.next = n_cps - 1;
	}
	int64_t count = 0, bad = 0;
	char head[AUDIT_HASH_HEX];
	enum coop_err err = db_audit_verify_from(db, &walk, &count, &bad, head, sizeof(head));
	int64_t last_id = walk.after_id + count;
	if (err != COOP_OK && err != ERR_CONFLICT) {
		fprintf(stderr, "coop audit : lecture du journal impossible (%s).\n", err_str(err));
		status = 1;
		goto out;
	}
	if (err == ERR_CONFLICT) {
		printf("Journal d'audit ALTÉRÉ : l'enregistrement n° %lld ne correspond pas à la "
		       "chaîne (modifié, supprimé ou inséré) ; %lld enregistrements intacts avant "
		       "lui.\n",
		       (long long)bad, (long long)last_id);
		status = 1;
		goto out;
	}
	if (vs.mismatch_id) {
		printf("Journal d'audit RÉÉCRIT : l'enregistrement n° %lld ne correspond plus au "
		       "point de contrôle signé (la chaîne a été recalculée après une modification, "
		       "une suppression ou une insertion).\n",
		       (long long)vs.mismatch_id);
		status = 1;
		goto out;
	}
	if (cp_path && cps[n_cps - 1].last_id > last_id) {
		char when[64];
		format_time(cps[n_cps - 1].at, when, sizeof(when));
		if (from_last) /* only the checkpoint's own record was looked for */
			printf("Journal d'audit TRONQUÉ : le point de contrôle du %s compte %lld "
			       "enregistrements, la base n'a plus l'enregistrement n° %lld.\n",
			       when, (long long)cps[n_cps - 1].last_id,
			       (long long)cps[n_cps - 1].last_id);
		else
			printf("Journal d'audit TRONQUÉ : le point de contrôle du %s compte %lld "
			       "enregistrements, la base n'en a plus que %lld.\n",
			       when, (long long)cps[n_cps - 1].last_id, (long long)last_id);
		status = 1;
		goto out;
	}
	if (!cp_path) {
		printf("Journal d'audit intact : %lld enregistrements vérifiés.\n"
		       "Dernier maillon : %s\n"
		       "Sans points de contrôle (--checkpoints), une réécriture de la chaîne "
		       "recalculée ou la suppression des derniers enregistrements ne peut pas être "
		       "détectée.\n",
		       (long long)count, head);
	} else {
		char when[64];
		int64_t covered = cps[n_cps - 1].last_id;
		format_time(cps[n_cps - 1].at, when, sizeof(when));
		printf("Journal d'audit intact : %lld enregistrements vérifiés%s, %zu %s.\n"
		       "Les %lld premiers sont couverts par le dernier point de contrôle (du %s) ; "
		       "les %lld suivants ne sont protégés que par la chaîne.\n"
		       "Dernier maillon : %s\n",
		       /* --from-last walked the checkpoint's own record again: not counted */
		       (long long)(from_last ? last_id - covered : count),
		       from_last ? " depuis le dernier point de contrôle" : "",
		       n_cps,
		       n_cps > 1 ? "points de contrôle signés conformes"
				 : "point de contrôle signé conforme",
		       (long long)covered, when, (long long)(last_id - covered), head);
	}
out:
	db_close(db);
	free(cps);
	return status;
}

static int audit_key(int argc, char **argv)
{
	const char *out = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_audit(stdout);
			return 0;
		} else {
			fprintf(stderr, "coop audit : argument inattendu « %s ».\n", argv[i]);
			usage_audit(stderr);
			return 2;
		}
	}
	if (!out) {
		usage_audit(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fputs("coop audit : initialisation de libsodium impossible.\n", stderr);
		return 1;
	}
	char pub[1024], msg[512];
	snprintf(pub, sizeof(pub), "%s.pub", out);
	struct audit_key k;
	enum coop_err e = checkpoint_key_create(out, pub, &k, msg, sizeof(msg));
	sodium_memzero(&k, sizeof(k));
	if (e != COOP_OK) {
		fprintf(stderr, "coop audit : %s.\n", msg);
		return 1;
	}
	printf("Clé secrète écrite dans %s, clé publique dans %s.\n", out, pub);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage_audit(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "key") == 0)
		return audit_key(argc, argv);
	usage_audit(stderr);
	return 2;
}
