/*
 * cmd_protocol.c — `coop protocol check|show|eval`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/strbuf.h"
#include "protocol/answers.h"
#include "protocol/engine.h"
#include "protocol/explain.h"
#include "protocol/summary.h"

static void usage_protocol(FILE *f)
{
	fputs("Usage :\n"
	      "  coop protocol check FICHIER...\n"
	      "      Vérifie chaque fichier (format, types, expressions, sources, issues) ;\n"
	      "      les erreurs s'affichent sous la forme fichier:ligne:colonne: message.\n"
	      "      Code de sortie 1 si un fichier a une erreur.\n"
	      "  coop protocol show FICHIER\n"
	      "      Résumé en français du protocole, à relire et signer par un délégant.\n"
	      "  coop protocol eval FICHIER --answers REPONSES.json [--format json|text]\n"
	      "      Applique le protocole aux réponses d'un patient (format : docs/protocol-format.md)\n"
	      "      et affiche la décision (incomplete, excluded, included) avec son explication.\n"
	      "      Format par défaut : text.\n",
	      f);
}

void cli_print_diags(const char *path, const struct protocol_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct protocol_diag *g = &d->items[i];
		fprintf(stderr, "%s:%u:%u: %s%s\n", path, g->line, g->column,
			g->warning ? "avertissement : " : "", g->message);
	}
	if (d->n_errors > d->count)
		fprintf(stderr, "%s: … et %zu autres erreurs\n", path, d->n_errors - d->count);
}

int cli_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc = -1;
	if (!f) {
		fprintf(stderr, "coop : impossible d'ouvrir « %s » : %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fprintf(stderr, "coop : mémoire insuffisante\n");
		goto out;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "coop : lecture de « %s » impossible\n", path);
		goto out;
	}
	if (n > max) {
		fprintf(stderr, "coop : « %s » est trop grand (%zu octets au plus)\n", path, max);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int load(const char *path, struct protocol **p)
{
	struct protocol_diags diags = {.count = 0};
	enum coop_err rc = protocol_load_file(path, p, &diags);
	cli_print_diags(path, &diags);
	if (rc != COOP_OK) {
		if (diags.count == 0)
			fprintf(stderr, "%s: %s\n", path, err_str(rc));
		return -1;
	}
	return 0;
}

static int protocol_check(int argc, char **argv)
{
	int failures = 0;
	if (argc < 1) {
		fputs("coop protocol check : au moins un fichier attendu.\n", stderr);
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		struct protocol *p = NULL;
		if (load(argv[i], &p) == 0) {
			printf("%s : valide (%s, %zu question%s, %zu critère%s, %zu issue%s, empreinte %.12s)\n",
			       argv[i], p->id, p->n_questions, p->n_questions > 1 ? "s" : "",
			       p->n_criteria, p->n_criteria > 1 ? "s" : "", p->n_outcomes,
			       p->n_outcomes > 1 ? "s" : "", p->hash);
			protocol_free(p);
		} else {
			failures++;
		}
	}
	if (failures)
		fprintf(stderr, "%d fichier%s en erreur sur %d.\n", failures, failures > 1 ? "s" : "", argc);
	return failures ? 1 : 0;
}

static int protocol_show(int argc, char **argv)
{
	if (argc != 1) {
		fputs("coop protocol show : un seul fichier attendu.\n", stderr);
		return 2;
	}
	struct protocol *p = NULL;
	if (load(argv[0], &p) != 0)
		return 1;
	struct strbuf sb = STRBUF_INIT;
	summary_text(p, &sb);
	fputs(strbuf_str(&sb), stdout);
	int rc = strbuf_ok(&sb) ? 0 : 1;
	strbuf_free(&sb);
	protocol_free(p);
	return rc;
}

static int protocol_eval(int argc, char **argv)
{
	const char *file = NULL, *answers_path = NULL, *format = "text";
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--answers") == 0 && i + 1 < argc)
			answers_path = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "coop protocol eval : option inconnue ou incomplète « %s ».\n", argv[i]);
			return 2;
		} else if (!file)
			file = argv[i];
		else {
			fprintf(stderr, "coop protocol eval : argument en trop « %s ».\n", argv[i]);
			return 2;
		}
	}
	if (!file || !answers_path) {
		fputs("coop protocol eval : FICHIER et --answers REPONSES.json sont requis.\n", stderr);
		return 2;
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		fprintf(stderr, "coop protocol eval : format « %s » inconnu (json ou text).\n", format);
		return 2;
	}
	int status = 1;
	struct protocol *p = NULL;
	char *text = NULL;
	size_t len = 0;
	struct engine_input *in = malloc(sizeof(*in));
	struct engine_result *r = malloc(sizeof(*r));
	struct arena a;
	arena_init(&a, ANSWERS_MAX_BYTES * 4);
	if (!in || !r) {
		fputs("coop : mémoire insuffisante\n", stderr);
		goto out;
	}
	if (load(file, &p) != 0)
		goto out;
	if (p->status != PROTOCOL_ACTIVE)
		fprintf(stderr, "%s : attention, protocole %s : à ne pas utiliser pour des patients.\n",
			file, p->status == PROTOCOL_DRAFT ? "en brouillon" : "abrogé");
	if (cli_read_file(answers_path, ANSWERS_MAX_BYTES, &text, &len) != 0)
		goto out;
	char msg[320];
	enum coop_err rc = answers_parse(p, text, len, &a, in, msg, sizeof(msg));
	if (rc != COOP_OK) {
		fprintf(stderr, "%s : %s\n", answers_path, rc == ERR_NOMEM ? err_str(rc) : msg);
		goto out;
	}
	rc = engine_evaluate(p, in, r);
	if (rc == ERR_NOT_FOUND) {
		char d[16];
		date_format_fr(in->visit_date, d, sizeof(d));
		fprintf(stderr, "%s : aucune version du protocole %s n'est en vigueur le %s\n",
			answers_path, p->id, d);
		goto out;
	}
	if (rc != COOP_OK) {
		fprintf(stderr, "%s : %s\n", answers_path, err_str(rc));
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		json_t *j = explain_json(p, in, r);
		if (!j || json_dumpf(j, stdout, JSON_INDENT(2)) != 0) {
			json_decref(j);
			fputs("coop : mémoire insuffisante\n", stderr);
			goto out;
		}
		fputc('\n', stdout);
		json_decref(j);
	} else {
		struct strbuf sb = STRBUF_INIT;
		explain_text(p, in, r, &sb);
		fputs(strbuf_str(&sb), stdout);
		strbuf_free(&sb);
	}
	status = 0;
out:
	free(text);
	arena_free(&a);
	free(in);
	free(r);
	protocol_free(p);
	return status;
}

int cmd_protocol(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_protocol(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage_protocol(stdout);
			return 0;
		}
	}
	if (strcmp(argv[1], "check") == 0)
		return protocol_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "show") == 0)
		return protocol_show(argc - 2, argv + 2);
	if (strcmp(argv[1], "eval") == 0)
		return protocol_eval(argc - 2, argv + 2);
	fprintf(stderr, "coop protocol : sous-commande inconnue « %s » (check, show, eval).\n", argv[1]);
	return 2;
}
