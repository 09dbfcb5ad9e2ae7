/*
 * protocol_load.c — reads one protocol definition file (YAML) and validates all of it.
 *
 * The driver: the bytes are checked for size and UTF-8 and hashed (SHA-256, libsodium), then
 * parsed into a positioned node tree (load_tree.c). The tree is then walked section by section,
 * following docs/internals/protocol-format-spec.md: the frame (load_frame.c: versions,
 * follow-up, tariffs, training), the questions, computed values and criteria
 * (load_questions.c), the prescription templates and outcomes (load_prescriptions.c), all with
 * the typed value readers of load_values.c. Every mapping is closed (an unknown key is an
 * error), every value is type- and range-checked, ids are checked for form and uniqueness,
 * expressions are compiled against the protocol's symbol table, and references (templates,
 * weight questions, choice codes) are resolved. Errors are collected, not fatal: up to
 * PROTOCOL_MAX_DIAGS are kept, in French, with 1-based positions, sorted by position. When the
 * structure is sound, outcome_check() analyses the outcomes. On any error the partial protocol
 * is freed and nothing is returned.
 *
 * Memory: the protocol and everything it points to live in its arena; the node tree lives in a
 * temporary arena freed before returning. Nothing here is recursive over the input except the
 * bounded walk of the fixed schema, so hostile input costs at most O(file size) memory and time.
 */
#include "protocol/protocol.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/utf8.h"
#include "protocol/outcome_check.h"

#include "protocol/load_internal.h"

#define LOAD_ARENA_LIMIT ((size_t)64 * 1024 * 1024)  /* a protocol's own arena */
#define TREE_ARENA_LIMIT ((size_t)256 * 1024 * 1024) /* the temporary node tree */

/* ---------------------------------------------------------------- the root schema */

static const char *const k_root[] = {"!format",   "!id",       "!title",    "!kind",
				     "!status",   "summary",   "!versions", "!questions",
				     "computed",  "!criteria", "!outcomes", "prescriptions",
				     "follow_up", "tariffs",   "!training", "review"};
static const struct mapdesc d_root = {"le protocole", "à la racine du fichier", "le protocole",
				      k_root, ARRAY_LEN(k_root)};

/* ---------------------------------------------------------------- the whole file */

static const char *const protocol_kind_names[] = {"national", "local"};
static const char *const status_names[] = {"draft", "active", "repealed"};

/* Derives what the engine's hot loops read instead of re-deriving it at each evaluation: the
 * list of conditional questions and, for each criterion, whether it is a plain field. */
static void derive_engine_data(struct ctx *c)
{
	struct protocol *p = c->p;
	size_t n = 0;
	for (size_t i = 0; i < p->n_questions; i++)
		n += p->questions[i].enable_when != NULL;
	if (n) {
		p->conditional_questions = arena_alloc(&p->arena, n * sizeof(size_t));
		if (!p->conditional_questions) {
			c->nomem = true;
			return;
		}
		for (size_t i = 0; i < p->n_questions; i++)
			if (p->questions[i].enable_when)
				p->conditional_questions[p->n_conditional_questions++] = i;
	}
	for (size_t i = 0; i < p->n_criteria; i++) {
		struct criterion *cr = &p->criteria[i];
		unsigned slot;
		bool negated;
		cr->plain_slot = -1;
		cr->plain_negated = false;
		/* an inclusion criterion fires when false, the others when true */
		cr->fires_on = cr->kind == CRIT_INCLUSION ? EXPR_FALSE : EXPR_TRUE;
		if (cr->expression && expr_plain_field(cr->expression, &slot, &negated)) {
			cr->plain_slot = (int)slot;
			cr->plain_negated = negated;
		}
	}
}

static void load_root(struct ctx *c, const struct ynode *root)
{
	struct protocol *p = c->p;
	struct mapv mv;
	char b[200];
	int k, fmt;
	if (root->kind != Y_MAP) {
		ld_err_at(c, root,
			  "le fichier doit décrire un protocole sous forme de tableau associatif "
			  "(format:, id:, title:…), trouvé : %s",
			  ld_found(root, b, sizeof(b)));
		return;
	}
	ld_map_open(c, root, &d_root, &mv);
	if (ld_get_int(c, ld_mv_get(&mv, "format"), "format", INT_MIN, INT_MAX, &fmt) && fmt != 1)
		ld_err_at(c, ld_mv_get(&mv, "format"),
			  "« format » doit valoir 1 (seule version connue du "
			  "format)");
	ld_get_id(c, ld_mv_get(&mv, "id"), "id", ID_PROTOCOL, &p->id);
	ld_get_str(c, ld_mv_get(&mv, "title"), "title", &p->title);
	ld_get_opt_str(c, ld_mv_get(&mv, "summary"), "summary", &p->summary);
	if (ld_get_enum(c, ld_mv_get(&mv, "kind"), "kind", protocol_kind_names,
			ARRAY_LEN(protocol_kind_names), &k))
		p->kind = (enum protocol_kind)k;
	if (ld_get_enum(c, ld_mv_get(&mv, "status"), "status", status_names,
			ARRAY_LEN(status_names), &k))
		p->status = (enum protocol_status)k;
	load_versions(c, ld_mv_get(&mv, "versions"));
	if (c->nomem)
		return;
	load_questions(c, ld_mv_get(&mv, "questions"));
	load_computed(c, ld_mv_get(&mv, "computed"));
	if (c->nomem || !ld_build_symbols(c))
		return;
	ld_compile_questions(c);
	ld_compile_computed(c);
	load_criteria(c, ld_mv_get(&mv, "criteria"));
	if (c->nomem)
		return;
	load_templates(c, ld_mv_get(&mv, "prescriptions"));
	if (c->nomem)
		return;
	load_outcomes(c, ld_mv_get(&mv, "outcomes"));
	load_follow_up(c, ld_mv_get(&mv, "follow_up"));
	load_tariffs(c, ld_mv_get(&mv, "tariffs"));
	load_training(c, ld_mv_get(&mv, "training"));
	ld_get_str_list(c, ld_mv_get(&mv, "review"), "review", 0, &p->review, &p->n_review);
	if (!c->nomem)
		derive_engine_data(c);
}

/* Reports the first invalid UTF-8 byte of the file; true when it is all valid. */
static bool check_utf8(struct ctx *c)
{
	const unsigned char *s = (const unsigned char *)c->data;
	unsigned line = 1, col = 1;
	size_t i = 0;
	while (i < c->len) {
		size_t k = utf8_char_len(c->data + i, c->len - i);
		if (!k || s[i] == 0) {
			if (s[i] == 0)
				ld_err_pos(c, line, col, "caractère nul dans le fichier");
			else
				ld_err_pos(c, line, col,
					   "le fichier doit être en UTF-8 (octet invalide "
					   "0x%02X)",
					   s[i]);
			return false;
		}
		if (s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += k;
	}
	return true;
}

static void hash_hex(const char *data, size_t len, char out[PROTOCOL_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, PROTOCOL_HASH_HEX, h, sizeof(h));
}

enum coop_err protocol_load_buffer(const char *name, const char *data, size_t len,
				   struct protocol **out, struct protocol_diags *diags)
{
	struct protocol_diags local;
	struct ctx *c = NULL;
	struct protocol *p = NULL;
	enum coop_err rc = COOP_OK;

	*out = NULL;
	if (!diags)
		diags = &local;
	diags->count = 0;
	diags->n_errors = 0;
	if (!data && len)
		return ERR_INTERNAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ERR_NOMEM;
	c->d = diags;
	c->data = data ? data : "";
	c->len = len;
	arena_init(&c->tmp, TREE_ARENA_LIMIT);
	if (len > PROTOCOL_MAX_FILE) {
		ld_err_pos(c, 0, 0, "fichier trop volumineux (%zu octets ; %d au plus)", len,
			   PROTOCOL_MAX_FILE);
		rc = ERR_TOO_LARGE;
		goto out;
	}
	if (sodium_init() < 0) {
		ld_err_pos(c, 0, 0, "initialisation de libsodium impossible");
		rc = ERR_INTERNAL;
		goto out;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		rc = ERR_NOMEM;
		goto out;
	}
	arena_init(&p->arena, LOAD_ARENA_LIMIT);
	c->p = p;
	p->path = arena_strdup(&p->arena, name ? name : "(mémoire)");
	if (!p->path) {
		rc = ERR_NOMEM;
		goto out;
	}
	hash_hex(c->data, len, p->hash);

	if (len == 0) {
		ld_err_pos(c, 0, 0, "le fichier est vide");
	} else if (check_utf8(c)) {
		const struct ynode *root = ld_parse_yaml(c);
		if (root && !c->nomem)
			load_root(c, root);
	}
	if (c->nomem) {
		rc = ERR_NOMEM;
		goto out;
	}
	ld_sort_diags(diags);
	if (diags->n_errors == 0) {
		rc = outcome_check(p, diags);
		if (rc != COOP_OK)
			goto out;
	}
	if (diags->n_errors > 0)
		rc = ERR_INVALID;
out:
	if (rc == ERR_NOMEM && diags->count < PROTOCOL_MAX_DIAGS && c) {
		ld_err_pos(c, 0, 0, "mémoire insuffisante pour charger le protocole");
	}
	if (c)
		arena_free(&c->tmp);
	free(c);
	if (rc != COOP_OK) {
		protocol_free(p);
		return rc;
	}
	*out = p;
	return COOP_OK;
}

/* A French description of a file-opening errno. */
static const char *io_reason(int e)
{
	switch (e) {
	case ENOENT: return "fichier introuvable";
	case EACCES:
	case EPERM: return "accès refusé";
	case EISDIR: return "c'est un répertoire";
	case ENOMEM: return "mémoire insuffisante";
	default: return "erreur d'entrée-sortie";
	}
}

static void io_diag(struct protocol_diags *d, const char *msg, int e)
{
	d->n_errors++;
	if (d->count >= PROTOCOL_MAX_DIAGS)
		return;
	struct protocol_diag *g = &d->items[d->count++];
	g->line = 0;
	g->column = 0;
	g->warning = false;
	snprintf(g->message, sizeof(g->message), "%s : %s", msg, io_reason(e));
}

enum coop_err protocol_load_file(const char *path, struct protocol **out,
				 struct protocol_diags *diags)
{
	struct protocol_diags local;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0;
	enum coop_err rc;

	*out = NULL;
	if (!diags)
		diags = &local;
	diags->count = 0;
	diags->n_errors = 0;
	f = fopen(path, "rb");
	if (!f) {
		io_diag(diags, "impossible d'ouvrir le fichier", errno);
		rc = ERR_IO;
		goto out;
	}
	buf = malloc(PROTOCOL_MAX_FILE + 1);
	if (!buf) {
		rc = ERR_NOMEM;
		goto out;
	}
	while (n < PROTOCOL_MAX_FILE + 1) {
		size_t got = fread(buf + n, 1, PROTOCOL_MAX_FILE + 1 - n, f);
		if (got == 0)
			break;
		n += got;
	}
	if (ferror(f)) {
		io_diag(diags, "impossible de lire le fichier", errno);
		rc = ERR_IO;
		goto out;
	}
	if (n > PROTOCOL_MAX_FILE) {
		diags->n_errors++;
		struct protocol_diag *g = &diags->items[diags->count++];
		g->line = 0;
		g->column = 0;
		g->warning = false;
		snprintf(g->message, sizeof(g->message),
			 "fichier trop volumineux (%d octets au plus)", PROTOCOL_MAX_FILE);
		rc = ERR_TOO_LARGE;
		goto out;
	}
	rc = protocol_load_buffer(path, buf, n, out, diags);
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

void protocol_free(struct protocol *p)
{
	if (!p)
		return;
	arena_free(&p->arena);
	free(p);
}
