/*
 * demo.c — `coop demo`: a newcomer's tour. For each protocol file of a directory, takes a few
 * sample patients from its clinical case file (one included, one excluded, one incomplete when
 * the file has them), runs the engine and prints the decision with its French explanation.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/explain.h"

#define DEMO_MAX_FILES 64

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one sample patient; returns 0 on success. */
static int run_case(const struct protocol *p, const json_t *c, struct engine_input *in,
		    struct engine_result *r)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	char *text = json_dumps(json_object_get(c, "input"), JSON_COMPACT);
	struct arena a;
	char msg[320];
	int rc = -1;
	arena_init(&a, ANSWERS_MAX_BYTES * 4);
	if (!text)
		goto out;
	printf("\n──── Patient : %s\n\n", name ? name : "(sans nom)");
	if (answers_parse(p, text, strlen(text), &a, in, msg, sizeof(msg)) != COOP_OK) {
		printf("Réponses refusées : %s\n", msg);
		goto out;
	}
	if (engine_evaluate(p, in, r) != COOP_OK) {
		printf("Aucune version du protocole en vigueur à cette date.\n");
		goto out;
	}
	struct strbuf sb = STRBUF_INIT;
	explain_text(p, in, r, &sb);
	fputs(strbuf_str(&sb), stdout);
	strbuf_free(&sb);
	rc = 0;
out:
	free(text);
	arena_free(&a);
	return rc;
}

static int demo_protocol(const char *path, const char *cases_dir, struct engine_input *in,
			 struct engine_result *r)
{
	struct protocol *p = NULL;
	struct protocol_diags diags = {.count = 0};
	json_t *cases = NULL;
	int rc = -1;
	if (protocol_load_file(path, &p, &diags) != COOP_OK) {
		cli_print_diags(path, &diags);
		return -1;
	}
	printf("\n════════════════════════════════════════════════════════════════════════\n");
	printf("%s\n", p->title);
	printf("════════════════════════════════════════════════════════════════════════\n");
	char case_path[1024];
	snprintf(case_path, sizeof(case_path), "%s/%s.json", cases_dir, p->id);
	json_error_t jerr;
	cases = json_load_file(case_path, JSON_REJECT_DUPLICATES, &jerr);
	if (!cases) {
		printf("(pas de patients d'exemple : %s)\n", case_path);
		rc = 0;
		goto out;
	}
	/* one sample of each decision, in this order */
	static const char *const wanted[] = {"included", "excluded", "incomplete"};
	const json_t *list = json_object_get(cases, "cases");
	for (size_t w = 0; w < 3; w++) {
		size_t i;
		json_t *c;
		json_array_foreach(list, i, c) {
			const char *d = json_string_value(json_object_get(json_object_get(c, "expect"), "decision"));
			if (d && strcmp(d, wanted[w]) == 0) {
				run_case(p, c, in, r);
				break;
			}
		}
	}
	rc = 0;
out:
	json_decref(cases);
	protocol_free(p);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	const char *protocols_dir = "protocols", *cases_dir = "tests/cases";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--protocols") == 0 && i + 1 < argc)
			protocols_dir = argv[++i];
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			cases_dir = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			puts("Usage : coop demo [--protocols DOSSIER] [--cases DOSSIER]\n"
			     "Applique chaque protocole du dossier (protocols/ par défaut) à quelques patients\n"
			     "d'exemple pris dans ses cas cliniques (tests/cases/ par défaut).");
			return 0;
		} else {
			fprintf(stderr, "coop demo : option inconnue « %s ».\n", argv[i]);
			return 2;
		}
	}
	DIR *dir = opendir(protocols_dir);
	if (!dir) {
		fprintf(stderr, "coop demo : dossier « %s » introuvable (lancer depuis la racine du projet).\n",
			protocols_dir);
		return 1;
	}
	char *files[DEMO_MAX_FILES];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dir)) && n < DEMO_MAX_FILES) {
		size_t len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) {
			size_t need = strlen(protocols_dir) + len + 2;
			files[n] = malloc(need);
			if (!files[n])
				break;
			snprintf(files[n], need, "%s/%s", protocols_dir, de->d_name);
			n++;
		}
	}
	closedir(dir);
	qsort(files, n, sizeof(files[0]), compare_names);
	struct engine_input *in = malloc(sizeof(*in));
	struct engine_result *r = malloc(sizeof(*r));
	int status = 0;
	if (!in || !r) {
		fputs("coop : mémoire insuffisante\n", stderr);
		status = 1;
	}
	puts("Coop — démonstration du moteur de protocoles de coopération");
	puts("Chaque protocole est appliqué à quelques patients d'exemple ; pour un patient à vous :");
	puts("  coop protocol eval protocols/FICHIER.yaml --answers REPONSES.json");
	for (size_t i = 0; i < n && status == 0; i++)
		if (demo_protocol(files[i], cases_dir, in, r) != 0)
			status = 1;
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(in);
	free(r);
	return status;
}
