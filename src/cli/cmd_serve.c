/*
 * cmd_serve.c — `coop serve --db PATH --listen HOST:PORT`: runs the HTTP server on a database
 * made by `coop init` until SIGINT or SIGTERM.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/app.h"
#include "api/list_facts.h"
#include "api/auth.h"
#include "cli/checkpointer.h"
#include "cli/cli.h"


static void usage_serve(FILE *f)
{
	fputs("Usage : coop serve --db FICHIER [--listen HÔTE:PORT] [--protocols DOSSIER]\n"
	      "                   [--threads N] [--secure-cookies] [--deferred-read-traces]\n"
	      "                   [--web DOSSIER] [--fixed-time AAAA-MM-JJTHH:MM]\n"
	      "                   [--login-limit N] [--query-timeout MS]\n"
	      "                   [--allowed-host NOM[:PORT]]...\n"
	      "                   [--trusted-proxy ADRESSE]...\n"
	      "                   [--audit-key FICHIER --checkpoints FICHIER]\n"
	      "                   [--checkpoint-records N] [--checkpoint-seconds N]\n"
	      "Sert l'API et l'interface de Coop (127.0.0.1:8080 par défaut).\n"
	      "  --threads         fils de traitement (par défaut 8 par cœur, au plus 64)\n"
	      "  --web             dossier de l'interface web (web/ par défaut)\n"
	      "  --secure-cookies  cookies de session réservés à HTTPS (derrière un proxy TLS)\n"
	      "  --deferred-read-traces\n"
	      "                    les traces des lectures sont écrites en groupe dans les\n"
	      "                    millisecondes qui suivent la réponse : plus rapide, mais une panne\n"
	      "                    de courant peut perdre les dernières (par défaut, chaque lecture\n"
	      "                    attend que sa trace soit écrite sur disque)\n"
	      "  --fixed-time      horloge arrêtée à cette heure locale (tests uniquement)\n"
	      "  --login-limit     tentatives de connexion manquées par minute et par adresse\n"
	      "                    (100 par défaut)\n"
	      "  --query-timeout   temps de calcul maximal des lectures d'une requête, en\n"
	      "                    millisecondes (2000 par défaut ; en durée écoulée, dix fois\n"
	      "                    plus) : au-delà, la lecture est interrompue et la requête\n"
	      "                    reçoit une erreur 503 « timeout » (les écritures ne sont jamais\n"
	      "                    interrompues)\n"
	      "  --trusted-proxy   adresse d'un proxy de confiance (répétable) : pour ses requêtes\n"
	      "                    seulement, l'adresse du client est lue dans X-Forwarded-For\n"
	      "  --allowed-host    nom sous lequel les navigateurs joignent le serveur, en plus de\n"
	      "                    l'adresse d'écoute et de localhost (répétable ; sans port, tout\n"
	      "                    port) : une requête qui en nomme un autre est refusée (421)\n"
	      "  --audit-key, --checkpoints\n"
	      "                    signe avec la clé (créée par « coop audit key ») des points de\n"
	      "                    contrôle du journal d'audit, ajoutés au fichier --checkpoints :\n"
	      "                    au démarrage, toutes les 1000 nouvelles écritures au journal\n"
	      "                    (--checkpoint-records) ou toutes les 60 secondes s'il y en a eu\n"
	      "                    (--checkpoint-seconds), et à l'arrêt ; « coop audit verify\n"
	      "                    --checkpoints » s'en sert pour détecter une réécriture ou une\n"
	      "                    troncature (voir « coop audit --help ») ; au démarrage, la\n"
	      "                    chaîne est vérifiée depuis le dernier point de contrôle\n"
	      "                    seulement (« coop audit verify » la parcourt en entier)\n",
	      f);
}

/* Parses "2026-11-25T10:30" as local time. */
static bool parse_fixed_time(const char *s, int64_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	int y, mo, d, h, mi;
	char tail;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return false;
	*out = (int64_t)t;
	return true;
}

int cmd_serve(int argc, char **argv)
{
	/* reachability slots, revoyure and second-contact days are French local time, whatever
	 * the machine's zone (a container is often UTC); TZ set by the administrator wins. Set
	 * before --fixed-time is read, which is local time too. */
	setenv("TZ", "Europe/Paris", 0);
	tzset();
	const char *db_path = NULL, *listen = "127.0.0.1:8080", *protocols_dir = "protocols";
	unsigned threads = 0;
	/* read traces on disk before the data is served, by default: the cost was measured
	 * (docs/internals/api.md, "Throughput choices") and is far below what a team needs */
	bool secure = false, durable_reads = true;
	const char *web_dir = "web";
	int64_t fixed = 0;
	int login_limit = 0;
	int64_t query_timeout = 0;
	const char *allowed_hosts[HTTP_ALLOWED_HOSTS_MAX];
	size_t allowed_host_count = 0;
	const char *proxies[API_MAX_TRUSTED_PROXIES];
	size_t n_proxies = 0;
	const char *audit_key = NULL, *checkpoints = NULL;
	int64_t cp_records = CHECKPOINT_EVERY_RECORDS, cp_seconds = CHECKPOINT_EVERY_SECONDS;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db_path = argv[++i];
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			listen = argv[++i];
		} else if (strcmp(argv[i], "--protocols") == 0 && i + 1 < argc) {
			protocols_dir = argv[++i];
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 64) {
				fputs("coop serve : --threads attend un nombre de 1 à 64.\n", stderr);
				return 2;
			}
			threads = (unsigned)n;
		} else if (strcmp(argv[i], "--login-limit") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 100000) {
				fputs("coop serve : --login-limit attend un nombre de 1 à 100000.\n", stderr);
				return 2;
			}
			login_limit = (int)n;
		} else if (strcmp(argv[i], "--query-timeout") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 600000) {
				fputs("coop serve : --query-timeout attend un nombre de millisecondes "
				      "de 1 à 600000.\n",
				      stderr);
				return 2;
			}
			query_timeout = n;
		} else if (strcmp(argv[i], "--allowed-host") == 0 && i + 1 < argc) {
			if (allowed_host_count == HTTP_ALLOWED_HOSTS_MAX) {
				fprintf(stderr, "coop serve : --allowed-host au plus %d fois.\n",
					HTTP_ALLOWED_HOSTS_MAX);
				return 2;
			}
			size_t name_len;
			long port;
			if (!http_host_split(argv[i + 1], &name_len, &port)) {
				fprintf(stderr,
					"coop serve : --allowed-host attend NOM ou NOM:PORT (par exemple "
					"coop.msp.fr ou 192.168.1.10:8080), pas « %s ».\n",
					argv[i + 1]);
				return 2;
			}
			allowed_hosts[allowed_host_count++] = argv[++i];
		} else if (strcmp(argv[i], "--trusted-proxy") == 0 && i + 1 < argc) {
			const char *addr = argv[++i];
			if (n_proxies == API_MAX_TRUSTED_PROXIES || !*addr || strlen(addr) >= 48) {
				fprintf(stderr,
					"coop serve : --trusted-proxy attend une adresse IP, %d au plus.\n",
					API_MAX_TRUSTED_PROXIES);
				return 2;
			}
			proxies[n_proxies++] = addr;
		} else if (strcmp(argv[i], "--audit-key") == 0 && i + 1 < argc) {
			audit_key = argv[++i];
		} else if (strcmp(argv[i], "--checkpoints") == 0 && i + 1 < argc) {
			checkpoints = argv[++i];
		} else if ((strcmp(argv[i], "--checkpoint-records") == 0 ||
			    strcmp(argv[i], "--checkpoint-seconds") == 0) &&
			   i + 1 < argc) {
			bool records = strcmp(argv[i], "--checkpoint-records") == 0;
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 1000000) {
				fprintf(stderr, "coop serve : %s attend un nombre de 1 à 1000000.\n",
					records ? "--checkpoint-records" : "--checkpoint-seconds");
				return 2;
			}
			*(records ? &cp_records : &cp_seconds) = n;
		} else if (strcmp(argv[i], "--secure-cookies") == 0) {
			secure = true;
		} else if (strcmp(argv[i], "--web") == 0 && i + 1 < argc) {
			web_dir = argv[++i];
		} else if (strcmp(argv[i], "--durable-read-traces") == 0) {
			durable_reads = true; /* the default; still accepted */
		} else if (strcmp(argv[i], "--deferred-read-traces") == 0) {
			durable_reads = false;
		} else if (strcmp(argv[i], "--fixed-time") == 0 && i + 1 < argc) {
			if (!parse_fixed_time(argv[++i], &fixed)) {
				fputs("coop serve : --fixed-time attend AAAA-MM-JJTHH:MM.\n", stderr);
				return 2;
			}
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_serve(stdout);
			return 0;
		} else {
			fprintf(stderr, "coop serve : argument inattendu « %s ».\n", argv[i]);
			usage_serve(stderr);
			return 2;
		}
	}
	if (!db_path) {
		fputs("coop serve : précisez la base avec --db FICHIER (créée par coop init).\n",
		      stderr);
		return 2;
	}
	if (!audit_key != !checkpoints) {
		fputs("coop serve : --audit-key et --checkpoints vont ensemble.\n", stderr);
		return 2;
	}
	if (auth_init() != COOP_OK) {
		fputs("coop serve : initialisation de libsodium impossible.\n", stderr);
		return 1;
	}
	/* the database must exist and be at the current schema before serving */
	struct db *db = NULL;
	struct db_options opts = {.create = false, .migrate = true};
	char msg[512];
	if (db_open(db_path, &opts, &db, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop serve : %s\n", msg);
		return 1;
	}
	db_close(db);
	static struct app app;
	if (app_init(&app, db_path, protocols_dir, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop serve : %s\n", msg);
		return 1;
	}
	/* episodes stored before the list columns (migration 8) get them before any list */
	long filled = 0;
	if (list_facts_fill(&app, &filled, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop serve : %s\n", msg);
		app_free(&app);
		return 1;
	}
	if (filled > 0)
		fprintf(stderr, "coop serve : colonnes des listes remplies pour %ld épisodes.\n",
			filled);
	app.fixed_now = fixed;
	app.secure_cookies = secure;
	app.durable_read_traces = durable_reads;
	app.login_limit = login_limit;
	app.query_timeout_ms = query_timeout;
	for (size_t k = 0; k < n_proxies; k++)
		app.trusted_proxies[k] = proxies[k];
	app.n_trusted_proxies = n_proxies;
	app.web_dir = web_dir;
	/* SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask), and
	 * this thread alone waits for them below: a stop request can never land on a worker
	 * thread and be lost there. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	if (app_start_tracer(&app, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop serve : %s\n", msg);
		app_free(&app);
		return 1;
	}
	if (audit_key && checkpointer_start(db_path, audit_key, checkpoints, cp_records, cp_seconds,
					    msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop serve : %s.\n", msg);
		app_stop_tracer(&app);
		app_free(&app);
		return 1;
	}
	if (threads == 0) {
		/* requests mostly wait for the disk (every write and every traced read is an fsync
		 * shared by a group of them): more threads than cores keep the disk busy */
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 && cpus < 8 ? (unsigned)(8 * cpus) : 64;
	}
	struct http_server_config cfg = {.listen = listen,
					 .threads = threads,
					 .router = &app.router,
					 .app = &app,
					 .worker_data_free = app_worker_data_free,
					 .allowed_hosts = allowed_hosts,
					 .allowed_host_count = allowed_host_count};
	struct http_server *server = NULL;
	if (http_server_start(&cfg, &server, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "coop serve : %s\n", msg);
		app_stop_tracer(&app);
		checkpointer_stop();
		app_free(&app);
		return 1;
	}
	printf("Coop sert %s sur http://%s (port %u) ; Ctrl-C pour arrêter.\n", db_path, listen,
	       (unsigned)http_server_port(server));
	fflush(stdout);
	int received = 0;
	while (sigwait(&stop_signals, &received) != 0)
		;
	http_server_stop(server);
	app_stop_tracer(&app); /* the last read traces are written before exiting */
	checkpointer_stop();   /* then signed */
	app_free(&app);
	puts("Coop arrêté.");
	return 0;
}
