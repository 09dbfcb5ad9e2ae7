/*
 * main.c — entry point of the `coop` command: dispatches to subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define COOP_VERSION "0.1.0"

static void usage(FILE *f)
{
	fputs("Usage : coop COMMANDE [OPTIONS]\n"
	      "\n"
	      "Coop fait fonctionner les protocoles de coopération entre professionnels de santé\n"
	      "(art. L. 4011-1 du code de la santé publique).\n"
	      "\n"
	      "Commandes :\n"
	      "  protocol check FICHIER...   vérifie des fichiers de protocole\n"
	      "  protocol show FICHIER       affiche le résumé d'un protocole, à relire par un délégant\n"
	      "  protocol eval FICHIER --answers REPONSES.json [--format json|text]\n"
	      "                              applique le protocole aux réponses d'un patient\n"
	      "  demo [--protocols DOSSIER] [--cases DOSSIER]\n"
	      "                              démonstration : quelques patients sur chaque protocole\n"
	      "  init --db FICHIER [--demo]  crée la base (avec --demo : une maison de santé de\n"
	      "                              démonstration)\n"
	      "  audit verify --db FICHIER [--checkpoints FICHIER --public-key FICHIER]\n"
	      "                              vérifie que le journal d'audit n'a pas été altéré\n"
	      "  audit key --out FICHIER     crée la clé qui signe les points de contrôle du journal\n"
	      "  episode replay --db FICHIER NUMÉRO\n"
	      "                              rejoue une décision avec le protocole exact qui l'a prise\n"
	      "  serve --db FICHIER [--listen HÔTE:PORT]\n"
	      "                              sert l'API (127.0.0.1:8080 par défaut)\n"
	      "\n"
	      "Options :\n"
	      "  -h, --help      affiche cette aide (aussi : coop COMMANDE --help)\n"
	      "  --version       affiche la version\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("coop %s\n", COOP_VERSION);
		return 0;
	}
	if (strcmp(cmd, "protocol") == 0)
		return cmd_protocol(argc - 1, argv + 1);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	if (strcmp(cmd, "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc - 1, argv + 1);
	if (strcmp(cmd, "episode") == 0)
		return cmd_episode(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	fprintf(stderr, "coop : commande inconnue « %s ». Voir « coop --help ».\n", cmd);
	return 2;
}
