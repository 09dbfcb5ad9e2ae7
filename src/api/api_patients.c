/*
 * api_patients.c — patients of the caller's structure: search, create, correct, merge, read;
 * and the protocols the structure adopted.
 *
 * A patient is identified by the INS strict traits (birth name, birth first names, birth date,
 * sex, birthplace code); the NIR is optional. Identity vigilance (rules in core/ident.h):
 * - names are checked (Latin letters, space, hyphen, apostrophe; control, invisible and
 *   bidirectional characters refused) and stored in capitals with their diacritics
 *   ("LEFÈVRE"); the NIR is checked (key included) and must agree with the sex and the year and
 *   month of birth (ident_nir_traits: the tolerated month codes are there); so is the médecin
 *   traitant's RPPS;
 * - search compares folded forms (capitals, no diacritics, hyphens and apostrophes as spaces)
 *   of the birth and used names, so "lefè", "Lefevre" and "LEFÈVRE" all find Lefèvre;
 * - a creation or correction whose traits or NIR match another record (ident_match) is not
 *   stored: 409 "duplicate" with the candidates. The same NIR, or the same traits with no two
 *   different NIRs, cannot be overridden: the user chooses (or corrects) the existing record. A
 *   close match (first names of which one begins the other, a sex unknown on one side, the
 *   same traits with two different NIRs) may be overridden with "confirm_distinct": true once
 *   the user has seen the candidates. A correction is refused only when it would make the
 *   record the same as another (NIR, or same traits): the close resemblances were shown when
 *   the records were created, and asking again at each correction would teach users to
 *   confirm without reading;
 * - a correction names the version it corrects (409 when stale);
 * - two duplicates are merged by the secretariat only (POST /patients/{id}/merge): the
 *   secretariat creates and checks identities at the desk, like an identity referent; the
 *   coordinator has no access to patients and the carers have no need to merge. The kept
 *   record takes from the duplicate what it lacks (NIR, used name, birthplace, médecin
 *   traitant), the duplicate's episodes move to it, the duplicate is marked merged and leaves
 *   the searches; both records and each moved episode get an audit record. Merging two records
 *   with different NIRs is refused (two people).
 * Every read of patient data — a search and the candidates of a 409 included — appends an audit
 * record; nobody sees another structure's patients (they do not exist for them: 404).
 * A search answers a page (paging.h): the patients by the name that matched (birth name, else
 * used name), first names and id; the cursor is that key of the page's last patient.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_prescription.h"
#include "api/app.h"
#include "api/paging.h"
#include "core/ident.h"
#include "base/strbuf.h"
#include "protocol/summary.h"

#define PATIENT_ROLES (DB_ROLE_SECRETARY | DB_ROLE_DELEGUE | DB_ROLE_DELEGANT)
#define MERGE_ROLES DB_ROLE_SECRETARY
#define NAME_MAX_BYTES 100
#define CANDIDATES_MAX 20

json_t *patient_json(const struct db_patient *p);
json_t *patient_json(const struct db_patient *p)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:I}", "id", (json_int_t)p->id,
			      "birth_name", p->birth_name, "first_names", p->first_names,
			      "birth_date", api_date_json(p->birth_date), "sex", p->sex, "version",
			      (json_int_t)p->version);
	if (!o)
		return NULL;
	json_object_set_new(o, "used_name", p->used_name ? json_string(p->used_name) : json_null());
	json_object_set_new(o, "birthplace_code",
			    p->birthplace_code ? json_string(p->birthplace_code) : json_null());
	json_object_set_new(o, "nir", p->nir ? json_string(p->nir) : json_null());
	json_t *gp = json_pack("{s:o, s:o, s:o, s:o}", "name",
			       p->gp_name ? json_string(p->gp_name) : json_null(), "rpps",
			       p->gp_rpps ? json_string(p->gp_rpps) : json_null(), "mssante",
			       p->gp_mssante ? json_string(p->gp_mssante) : json_null(),
			       "professional_id",
			       p->gp_professional_id ? json_integer(p->gp_professional_id)
						     : json_null());
	json_object_set_new(o, "gp", gp);
	json_object_set_new(o, "merged_into",
			    p->merged_into ? json_integer(p->merged_into) : json_null());
	return o;
}

static enum ident_sex sex_code(const char *sex)
{
	return !sex			       ? IDENT_SEX_UNKNOWN
	       : strcmp(sex, "female") == 0 ? IDENT_SEX_FEMALE
	       : strcmp(sex, "male") == 0   ? IDENT_SEX_MALE
					    : IDENT_SEX_UNKNOWN;
}

/* The traits ident_match() compares; the folded names go into the arena. False when full. */
static bool traits_of(struct arena *a, const struct db_patient *p, struct ident_traits *t)
{
	char folded[IDENT_NAME_SIZE];
	*t = (struct ident_traits){.birth_date = p->birth_date, .sex = sex_code(p->sex),
				   .birthplace_code = p->birthplace_code, .nir = p->nir};
	const char *names[2] = {p->birth_name ? p->birth_name : "",
				p->first_names ? p->first_names : ""};
	const char **outs[2] = {&t->birth_name, &t->first_names};
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);
		char *buf = n < sizeof(folded) ? folded : arena_alloc(a, n + 1);
		if (!buf || ident_fold(names[i], n, buf, n + 1, NULL) != COOP_OK)
			return false;
		*outs[i] = arena_strdup(a, buf);
		if (!*outs[i])
			return false;
	}
	return true;
}

/* Reads a name (birth name, first names, used name) as ident_name_parse() checks and stores
 * it; what is the field as the user sees it. An optional name left empty is NULL. */
static bool name_field(struct api_ctx *c, json_t *body, const char *key, const char *what,
		       bool required, const char **out)
{
	const char *raw = NULL;
	char stored[IDENT_NAME_SIZE], msg[IDENT_MSG_SIZE];
	*out = NULL;
	/* a generous bound here: ident_name_parse() says how long a name may be, in words */
	if (!api_str(c, body, key, IDENT_NAME_INPUT_MAX * 4, false, &raw))
		return false;
	enum ident_name_status st = ident_name_parse(what, raw ? raw : "", raw ? strlen(raw) : 0,
						     stored, sizeof(stored), msg, sizeof(msg));
	if (st == IDENT_NAME_EMPTY && !required)
		return true;
	if (st == IDENT_NAME_EMPTY) { /* the field's label agrees: "Les prénoms … sont obligatoires" */
		api_fail_field(c, API_ERR_REQUIRED, key, "est obligatoire", "sont obligatoires");
		return false;
	}
	if (st != IDENT_NAME_OK) {
		api_fail(c, API_ERR_INVALID, msg, key);
		return false;
	}
	*out = arena_strdup(c->a, stored);
	if (!*out)
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
	return *out != NULL;
}

/* Reads and checks a patient's fields from body into *out (identifiers normalised, names
 * stored as ident_name_parse() gives them, the NIR agreeing with sex and birth date); false
 * when an error was answered. */
static bool parse_patient(struct api_ctx *c, json_t *body, struct db_patient *out)
{
	static const char *const gp_fields[] = {"name", "rpps", "mssante", "professional_id",
						NULL};
	struct db_patient p = *out;
	const char *sex, *birthplace;
	if (!name_field(c, body, "birth_name", "Le nom de naissance", true, &p.birth_name) ||
	    !name_field(c, body, "first_names", "Les prénoms de naissance", true,
			&p.first_names) ||
	    !name_field(c, body, "used_name", "Le nom utilisé", false, &p.used_name) ||
	    !api_date(c, body, "birth_date", true, &p.birth_date, NULL) ||
	    !api_str(c, body, "sex", 10, true, &sex) ||
	    !api_str(c, body, "birthplace_code", 5, false, &birthplace) ||
	    !api_ident(c, body, "nir", IDENT_NIR, &p.nir))
		return false;
	if (p.birth_date > c->today || p.birth_date < date_from_ymd(1900, 1, 1)) {
		api_fail(c, API_ERR_INVALID,
			 "La date de naissance doit être passée et postérieure au 01/01/1900.",
			 "birth_date");
		return false;
	}
	if (strcmp(sex, "female") != 0 && strcmp(sex, "male") != 0 && strcmp(sex, "unknown") != 0) {
		api_fail(c, API_ERR_INVALID, "Le sexe doit être féminin, masculin ou inconnu.",
			 "sex");
		return false;
	}
	if (p.nir) {
		char msg[IDENT_MSG_SIZE];
		if (ident_nir_traits(p.nir, sex_code(sex), p.birth_date, msg, sizeof(msg)) !=
		    IDENT_NIR_AGREES) {
			api_fail(c, API_ERR_INVALID_IDENTIFIER, msg, "nir");
			return false;
		}
	}
	if (birthplace) {
		bool ok = strlen(birthplace) == 5;
		for (size_t i = 0; ok && i < 5; i++)
			ok = (birthplace[i] >= '0' && birthplace[i] <= '9') ||
			     (i == 1 && (birthplace[i] == 'A' || birthplace[i] == 'B'));
		if (!ok) {
			api_fail(c, API_ERR_INVALID,
				 "Le lieu de naissance doit être un code officiel de commune ou de "
				 "pays à 5 caractères (ex. 75056, 2A004, 99134).",
				 "birthplace_code");
			return false;
		}
	}
	json_t *gp = json_object_get(body, "gp");
	if (gp && !json_is_null(gp)) {
		if (!json_is_object(gp)) {
			api_fail_field(c, API_ERR_INVALID, "gp", "n'est pas valide", NULL);
			return false;
		}
		const char *key;
		json_t *v;
		json_object_foreach(gp, key, v) {
			bool known = false;
			for (size_t i = 0; gp_fields[i]; i++)
				known |= strcmp(gp_fields[i], key) == 0;
			if (!known) {
				api_failf(c, API_ERR_UNKNOWN_FIELD, key,
					  "Champ inconnu : « gp.%.60s ».", key);
				return false;
			}
		}
		const char *mssante = NULL;
		if (!api_str(c, gp, "name", NAME_MAX_BYTES, false, &p.gp_name) ||
		    !api_ident(c, gp, "rpps", IDENT_RPPS, &p.gp_rpps) ||
		    !api_str(c, gp, "mssante", 254, false, &mssante) ||
		    !api_id(c, gp, "professional_id", false, &p.gp_professional_id))
			return false;
		if (mssante && (!strchr(mssante, '@') || strchr(mssante, ' '))) {
			api_fail(c, API_ERR_INVALID,
				 "L'adresse MSSanté du médecin traitant n'est pas une adresse de "
				 "messagerie valide.",
				 "mssante");
			return false;
		}
		p.gp_mssante = mssante;
		if (p.gp_professional_id) {
			struct db_professional pro;
			if (db_professional_get(c->db, p.gp_professional_id, c->a, &pro) != COOP_OK ||
			    pro.structure_id != c->account.structure_id ||
			    strcmp(pro.profession, "medecin") != 0) {
				api_fail(c, API_ERR_INVALID,
					 "Le médecin traitant indiqué n'est pas un médecin de "
					 "l'équipe.",
					 "professional_id");
				return false;
			}
		}
	}
	p.sex = sex;
	p.birthplace_code = birthplace;
	*out = p;
	return true;
}

/* The records p may duplicate (p->id excluded), with how each matches, the strongest in
 * *worst. Runs inside the caller's transaction so that no twin slips in between. */
struct candidate {
	struct db_patient p;
	enum ident_match match;
};

static enum coop_err find_duplicates(struct api_ctx *c, const struct db_patient *p,
				     struct candidate **out, size_t *n, enum ident_match *worst)
{
	struct db_patient *found = NULL;
	size_t count = 0;
	struct ident_traits mine, theirs;
	*out = NULL;
	*n = 0;
	*worst = IDENT_MATCH_NONE;
	enum coop_err e = db_patient_candidates(c->db, c->account.structure_id, p->id,
						p->birth_name, p->birth_date, p->nir,
						CANDIDATES_MAX, c->a, &found, &count);
	if (e != COOP_OK)
		return e;
	if (count == 0)
		return COOP_OK;
	struct candidate *list = arena_alloc(c->a, count * sizeof(*list));
	if (!list || !traits_of(c->a, p, &mine))
		return ERR_NOMEM;
	for (size_t i = 0; i < count; i++) {
		if (!traits_of(c->a, &found[i], &theirs))
			return ERR_NOMEM;
		enum ident_match m = ident_match(&mine, &theirs);
		if (m == IDENT_MATCH_NONE)
			continue;
		list[*n] = (struct candidate){.p = found[i], .match = m};
		(*n)++;
		if (m > *worst)
			*worst = m;
	}
	*out = list;
	return COOP_OK;
}

/* May the record be stored given its duplicates? */
static bool duplicates_block(enum ident_match worst, bool confirm_distinct)
{
	return worst >= IDENT_MATCH_SAME || (worst == IDENT_MATCH_CLOSE && !confirm_distinct);
}

/* Answers 409 "duplicate" with the candidates (their reading traced). */
static void answer_duplicates(struct api_ctx *c, const struct candidate *list, size_t n,
			      enum ident_match worst)
{
	static const char *const match_codes[] = {"none", "close", "same", "nir"};
	const char *message =
		worst == IDENT_MATCH_NIR
			? "Un dossier porte déjà ce NIR : c'est la même personne. Choisissez ce "
			  "dossier (ou corrigez-le) au lieu d'en créer un second."
		: worst == IDENT_MATCH_SAME
			? "Un dossier existe déjà avec les mêmes nom, prénoms, date de naissance "
			  "et sexe : choisissez-le (ou corrigez-le) au lieu d'en créer un second. "
			  "S'il s'agit d'une autre personne, saisissez le NIR des deux."
			: "Un dossier proche existe déjà (même nom et même date de naissance) : "
			  "vérifiez qu'il ne s'agit pas de la même personne. Choisissez-le, ou "
			  "confirmez qu'il s'agit d'une autre personne.";
	json_t *items = json_array(), *ids = json_array();
	for (size_t i = 0; items && ids && i < n; i++) {
		json_t *o = patient_json(&list[i].p);
		if (o)
			json_object_set_new(o, "match", json_string(match_codes[list[i].match]));
		json_array_append_new(items, o);
		json_array_append_new(ids, json_integer(list[i].p.id));
	}
	json_t *what = json_pack("{s:s, s:o}", "reason", "duplicate_check", "ids", ids);
	bool traced = what && api_trace_read(c, "search", "patient", 0, what);
	json_decref(what);
	if (!traced) {
		if (!c->res->status)
			api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		json_decref(items);
		return;
	}
	/* the one error format, with the candidates beside it */
	const struct api_error_info *dup = api_error_info(API_ERR_DUPLICATE);
	json_t *body = json_pack("{s:{s:s, s:s, s:n}, s:o, s:b}", "error", "code", dup->code,
				 "message", message, "field", "candidates", items, "can_confirm",
				 worst == IDENT_MATCH_CLOSE);
	if (!body) {
		api_fail(c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	http_respond_json(c->res, dup->status, body);
}

void api_patients_create(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"birth_name",      "first_names", "used_name",
					     "birth_date",      "sex",         "birthplace_code",
					     "nir",             "gp",          "confirm_distinct",
					     NULL};
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES))
		return;
	json_t *body = api_body(&c, fields);
	struct db_patient p = {.structure_id = c.account.structure_id, .version = 1};
	bool confirm;
	if (!body || !parse_patient(&c, body, &p) ||
	    !api_bool(&c, body, "confirm_distinct", &confirm))
		return;
	int64_t id = 0;
	struct candidate *dups = NULL;
	size_t n_dups = 0;
	enum ident_match worst = IDENT_MATCH_NONE;
	json_t *out = NULL;
	enum coop_err e = db_begin(c.db);
	if (e == COOP_OK)
		e = find_duplicates(&c, &p, &dups, &n_dups, &worst);
	if (e == COOP_OK && duplicates_block(worst, confirm)) {
		db_rollback(c.db);
		answer_duplicates(&c, dups, n_dups, worst);
		return;
	}
	if (e == COOP_OK)
		e = db_patient_insert(c.db, &p, &id);
	p.id = id;
	if (e == COOP_OK) {
		out = patient_json(&p);
		e = out ? api_audit(&c, "create", "patient", id, NULL, out) : ERR_NOMEM;
	}
	if (e == COOP_OK)
		e = db_commit(c.db);
	if (e != COOP_OK) {
		db_rollback(c.db);
		json_decref(out);
		api_store_error(&c, e, "Patient");
		return;
	}
	http_respond_json(res, 201, out);
}

static void answer_merged(struct api_ctx *c, const struct db_patient *p)
{
	api_failf(c, API_ERR_MERGED, NULL,
		  "Ce dossier a été fusionné dans le dossier n° %lld : c'est celui-ci qu'il faut "
		  "consulter et corriger.",
		  (long long)p->merged_into);
}

static void answer_stale(struct api_ctx *c)
{
	api_fail(c, API_ERR_CONFLICT,
		 "Ce dossier a changé depuis son affichage : rechargez-le avant d'enregistrer "
		 "(vos saisies restent à l'écran).",
		 "version");
}

void api_patients_update(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"version",     "birth_name", "first_names",
					     "used_name",   "birth_date", "sex",
					     "birthplace_code", "nir",   "gp",
					     NULL};
	struct api_ctx c;
	int64_t id, version;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES) || !api_param_id(&c, "id", &id))
		return;
	json_t *body = api_body(&c, fields);
	if (!body || !api_id(&c, body, "version", true, &version))
		return;
	struct db_patient old;
	enum coop_err e = db_patient_get(c.db, c.account.structure_id, id, c.a, &old);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	if (old.merged_into) {
		answer_merged(&c, &old);
		return;
	}
	struct db_patient p = {.id = id, .structure_id = c.account.structure_id, .version = version};
	if (!parse_patient(&c, body, &p))
		return;
	struct candidate *dups = NULL;
	size_t n_dups = 0;
	enum ident_match worst = IDENT_MATCH_NONE;
	json_t *before = patient_json(&old), *after = NULL;
	e = db_begin(c.db);
	if (e == COOP_OK)
		e = find_duplicates(&c, &p, &dups, &n_dups, &worst);
	/* close resemblances were shown at creation: only a record made the same is refused */
	if (e == COOP_OK && duplicates_block(worst, true)) {
		db_rollback(c.db);
		json_decref(before);
		answer_duplicates(&c, dups, n_dups, worst);
		return;
	}
	if (e == COOP_OK)
		e = db_patient_update(c.db, &p);
	p.version = version + 1;
	if (e == COOP_OK) {
		after = patient_json(&p);
		e = after ? api_audit(&c, "update", "patient", id, before, after) : ERR_NOMEM;
	}
	if (e == COOP_OK)
		e = db_commit(c.db);
	json_decref(before);
	if (e != COOP_OK) {
		db_rollback(c.db);
		json_decref(after);
		if (e == ERR_CONFLICT)
			answer_stale(&c);
		else
			api_store_error(&c, e, "Patient");
		return;
	}
	http_respond_json(res, 200, after);
}

/* The kept record completed with what it lacks and the duplicate has. */
static struct db_patient completed(const struct db_patient *kept, const struct db_patient *dup)
{
	struct db_patient k = *kept;
	if (!k.nir)
		k.nir = dup->nir;
	if (!k.used_name)
		k.used_name = dup->used_name;
	if (!k.birthplace_code)
		k.birthplace_code = dup->birthplace_code;
	if (!k.gp_name && !k.gp_rpps && !k.gp_mssante && !k.gp_professional_id) {
		k.gp_name = dup->gp_name;
		k.gp_rpps = dup->gp_rpps;
		k.gp_mssante = dup->gp_mssante;
		k.gp_professional_id = dup->gp_professional_id;
	}
	return k;
}

void api_patients_merge(struct http_request *req, struct http_response *res, void *app)
{
	static const char *const fields[] = {"version", "duplicate_id", "duplicate_version", NULL};
	struct api_ctx c;
	int64_t id, version, dup_id, dup_version;
	if (!api_begin(&c, req, res, app, MERGE_ROLES) || !api_param_id(&c, "id", &id))
		return;
	json_t *body = api_body(&c, fields);
	if (!body || !api_id(&c, body, "version", true, &version) ||
	    !api_id(&c, body, "duplicate_id", true, &dup_id) ||
	    !api_id(&c, body, "duplicate_version", true, &dup_version))
		return;
	if (dup_id == id) {
		api_fail(&c, API_ERR_INVALID,
			 "Choisissez deux dossiers différents : un dossier ne se fusionne pas "
			 "avec lui-même.",
			 "duplicate_id");
		return;
	}
	struct db_patient kept, dup;
	enum coop_err e = db_patient_get(c.db, c.account.structure_id, id, c.a, &kept);
	if (e == COOP_OK)
		e = db_patient_get(c.db, c.account.structure_id, dup_id, c.a, &dup);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	if (kept.merged_into || dup.merged_into) {
		answer_merged(&c, kept.merged_into ? &kept : &dup);
		return;
	}
	if (kept.version != version || dup.version != dup_version) {
		answer_stale(&c);
		return;
	}
	struct ident_traits tk, td;
	char msg[IDENT_MSG_SIZE];
	if (!traits_of(c.a, &kept, &tk) || !traits_of(c.a, &dup, &td)) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	if (!ident_merge_allowed(&tk, &td, msg, sizeof(msg))) {
		api_fail(&c, API_ERR_INVALID, msg, "duplicate_id");
		return;
	}
	struct db_patient k = completed(&kept, &dup);
	if (k.nir && !kept.nir &&
	    ident_nir_traits(k.nir, sex_code(k.sex), k.birth_date, msg, sizeof(msg)) !=
		    IDENT_NIR_AGREES) {
		api_failf(&c, API_ERR_INVALID, "duplicate_id",
			  "Le NIR du doublon ne concorde pas avec le dossier conservé (%s) : "
			  "corrigez l'un des deux avant de fusionner.",
			  msg);
		return;
	}
	json_t *before_kept = patient_json(&kept), *before_dup = patient_json(&dup);
	json_t *after_kept = NULL, *after_dup = NULL, *moved = json_array();
	int64_t *episodes = NULL;
	size_t n_episodes = 0;
	e = before_kept && before_dup && moved ? db_begin(c.db) : ERR_NOMEM;
	bool began = e == COOP_OK;
	if (e == COOP_OK)
		e = db_patient_update(c.db, &k);
	if (e == COOP_OK)
		e = db_patient_merge(c.db, c.account.structure_id, dup_id, dup_version, id, c.a,
				     &episodes, &n_episodes);
	for (size_t i = 0; e == COOP_OK && i < n_episodes; i++) {
		json_array_append_new(moved, json_integer(episodes[i]));
		json_t *from = json_pack("{s:I}", "patient_id", (json_int_t)dup_id);
		json_t *to = json_pack("{s:I}", "patient_id", (json_int_t)id);
		e = from && to ? api_audit(&c, "merge", "episode", episodes[i], from, to)
			       : ERR_NOMEM;
		json_decref(from);
		json_decref(to);
	}
	k.version = version + 1;
	dup.version = dup_version + 1;
	dup.merged_into = id;
	if (e == COOP_OK) {
		after_kept = patient_json(&k);
		after_dup = patient_json(&dup);
		if (!after_kept || !after_dup)
			e = ERR_NOMEM;
	}
	if (e == COOP_OK) {
		json_t *what = json_pack("{s:O, s:I, s:O}", "patient", after_kept, "merged",
					 (json_int_t)dup_id, "episodes", moved);
		e = what ? api_audit(&c, "merge", "patient", id, before_kept, what) : ERR_NOMEM;
		json_decref(what);
	}
	if (e == COOP_OK)
		e = api_audit(&c, "merged", "patient", dup_id, before_dup, after_dup);
	if (e == COOP_OK)
		e = db_commit(c.db);
	json_decref(before_kept);
	json_decref(before_dup);
	json_decref(after_dup);
	if (e != COOP_OK) {
		if (began)
			db_rollback(c.db);
		json_decref(after_kept);
		json_decref(moved);
		if (e == ERR_CONFLICT)
			answer_stale(&c);
		else
			api_store_error(&c, e, "Patient");
		return;
	}
	http_respond_json(res, 200,
			  json_pack("{s:o, s:I, s:o}", "patient", after_kept, "merged",
				    (json_int_t)dup_id, "episodes_moved", moved));
}

void api_patients_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	int64_t id;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES) || !api_param_id(&c, "id", &id))
		return;
	struct db_patient p;
	enum coop_err e = db_patient_get(c.db, c.account.structure_id, id, c.a, &p);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	/* a read that cannot be traced is not served */
	if (api_trace_read(&c, "read", "patient", id, NULL))
		http_respond_json(res, 200, patient_json(&p));
}

void api_patients_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, PATIENT_ROLES))
		return;
	const char *name = NULL;
	size_t name_len = 0;
	static const char need_two[] =
		"Indiquez au moins les deux premières lettres du nom de naissance ou du nom "
		"utilisé.";
	enum coop_err e = http_request_query(req, "name", &name, &name_len);
	if (e == ERR_NOT_FOUND || (e == COOP_OK && name_len < 2)) {
		api_fail(&c, API_ERR_REQUIRED, need_two, "name");
		return;
	}
	if (e != COOP_OK || name_len > IDENT_NAME_INPUT_MAX) {
		api_fail(&c, API_ERR_INVALID, "Le nom recherché n'est pas valide.", "name");
		return;
	}
	coop_date birth_date = 0;
	bool has_date = false;
	if (!api_query_date(&c, "birth_date", &has_date, &birth_date))
		return;
	/* the folded term: "lefè", "Lefevre" and "LEFÈVRE" all search "LEFE..." */
	char prefix[IDENT_NAME_SIZE];
	size_t prefix_len = 0;
	if (ident_fold(name, name_len, prefix, sizeof(prefix), &prefix_len) != COOP_OK ||
	    prefix_len < 2) {
		api_fail(&c, API_ERR_REQUIRED, need_two, "name");
		return;
	}
	size_t limit;
	json_t *after = NULL;
	if (!api_page_read(&c, &limit, &after))
		return;
	/* the cursor: [sort name, first names, id] of the previous page's last patient, whose
	 * name has this search's prefix (a cursor of another search does not fit) */
	struct db_patient_key from = {0}, next = {0};
	bool has_after = after != NULL;
	if (has_after) {
		const char *k = NULL, *f = NULL;
		json_int_t id = 0;
		bool fits = json_unpack(after, "[ssI!]", &k, &f, &id) == 0 && id > 0 &&
			    strncmp(k, prefix, prefix_len) == 0 && strlen(k) < IDENT_NAME_SIZE &&
			    strlen(f) < IDENT_NAME_SIZE;
		if (fits)
			from = (struct db_patient_key){.name = arena_strdup(c.a, k),
						       .first_names = arena_strdup(c.a, f),
						       .id = id};
		json_decref(after);
		if (!fits) {
			api_page_bad_cursor(&c);
			return;
		}
		if (!from.name || !from.first_names) {
			api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
			return;
		}
	}
	struct db_patient *found = NULL;
	size_t n = 0;
	e = db_patient_search(c.db, c.account.structure_id, prefix, has_date, birth_date,
			      has_after ? &from : NULL, limit, c.a, &found, &n, &next);
	if (e != COOP_OK) {
		api_store_error(&c, e, "Patient");
		return;
	}
	json_t *items = json_array(), *ids = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(items, patient_json(&found[i]));
		json_array_append_new(ids, json_integer(found[i].id));
	}
	json_t *what = json_pack("{s:s, s:o}", "name", prefix, "ids", ids);
	bool traced = what && api_trace_read(&c, "search", "patient", 0, what);
	json_decref(what);
	if (!traced) {
		if (!c.res->status)
			api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		json_decref(items);
		return;
	}
	json_t *cursor = api_page_cursor(next.name ? json_pack("[ssI]", next.name,
							       next.first_names,
							       (json_int_t)next.id)
						   : NULL);
	json_t *page = api_page_json(items, cursor);
	if (!page) {
		api_fail(&c, API_ERR_INTERNAL, NULL, NULL);
		return;
	}
	http_respond_json(res, 200, page);
}

static const char *const question_type_codes[] = {"boolean", "integer", "decimal", "choice",
						   "multichoice", "date"};

/* GET /api/v1/protocols/{id}: what a screen needs to ask the protocol's questions. */
void api_protocols_get(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE))
		return;
	const struct protocol *p = app_protocol(c.app, http_request_param_str(req, "id"));
	if (!p) {
		api_fail(&c, API_ERR_NOT_FOUND, "Protocole inconnu de ce serveur.", NULL);
		return;
	}
	const struct protocol_version *v = protocol_version_at(p, c.today);
	json_t *questions = json_array();
	for (size_t i = 0; i < p->n_questions; i++) {
		const struct question *q = &p->questions[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", q->id, "label", q->label,
				      "type", question_type_codes[q->type], "asked_by",
				      q->asked_by == ASKED_ORIENTATION ? "orientation" : "examination",
				      "conditional", q->enable_when != NULL);
		json_object_set_new(o, "help", q->help ? json_string(q->help) : json_null());
		json_object_set_new(o, "unit", q->unit ? json_string(q->unit) : json_null());
		json_object_set_new(o, "min", q->has_min ? json_real(q->min) : json_null());
		json_object_set_new(o, "max", q->has_max ? json_real(q->max) : json_null());
		json_t *choices = json_array();
		for (size_t k = 0; k < q->n_choices; k++)
			json_array_append_new(choices,
					      json_pack("{s:s, s:s}", "code", q->choices[k].code,
							"label", q->choices[k].label));
		json_object_set_new(o, "choices", choices);
		json_array_append_new(questions, o);
	}
	json_t *out = json_pack("{s:s, s:s, s:s, s:o}", "id", p->id, "title", p->title, "hash",
				p->hash, "questions", questions);
	json_object_set_new(out, "version", v ? json_string(v->version) : json_null());
	json_object_set_new(out, "summary", p->summary ? json_string(p->summary) : json_null());
	/* the whole French summary a délégant reads before signing the template prescriptions */
	struct strbuf sb = STRBUF_INIT;
	summary_text(p, &sb);
	json_object_set_new(out, "summary_text", json_string(strbuf_str(&sb)));
	strbuf_free(&sb);
	json_object_set_new(out, "long_term", json_boolean(p->long_term));
	json_object_set_new(out, "second_contact", json_boolean(p->second_contact.present));
	http_respond_json(res, 200, out);
}

void api_protocols_list(struct http_request *req, struct http_response *res, void *app)
{
	struct api_ctx c;
	struct db_patient patient;
	bool for_patient = false;
	if (!api_begin(&c, req, res, app, API_ANY_ROLE) ||
	    !api_fit_patient(&c, &patient, &for_patient))
		return;
	json_t *items = json_array();
	for (size_t i = 0; i < c.app->n_protocols; i++) {
		const struct protocol *p = c.app->protocols[i];
		struct db_adoption ad;
		enum coop_err e = db_adoption_find(c.db, c.account.structure_id, p->id, c.a, &ad);
		if (e != COOP_OK && e != ERR_NOT_FOUND) {
			json_decref(items);
			api_store_error(&c, e, "Protocole");
			return;
		}
		bool adopted = e == COOP_OK;
		bool signed_current = adopted && api_rx_signed(c.a, p, &ad, NULL, NULL);
		const struct protocol_version *v = protocol_version_at(p, c.today);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:o, s:b, s:b}", "id", p->id, "title",
				      p->title, "hash", p->hash, "adopted", adopted, "status",
				      adopted ? json_string(ad.status) : json_null(), "signed",
				      signed_current, "in_force", v != NULL);
		json_object_set_new(o, "version", v ? json_string(v->version) : json_null());
		/* what a screen shows of the version: the day it came into force, not its code */
		json_object_set_new(o, "version_from",
				    v ? api_date_json(v->effective_from) : json_null());
		/* a draft or repealed protocol can be neither adopted nor signed (the reason said) */
		const char *not_usable = NULL;
		bool usable = protocol_usable(p, &not_usable);
		json_object_set_new(o, "adoptable", json_boolean(usable));
		json_object_set_new(o, "not_adoptable_reason",
				    usable ? json_null() : json_string(not_usable));
		json_object_set_new(o, "signed_by", signed_current && ad.signed_by
							    ? json_integer(ad.signed_by)
							    : json_null());
		json_object_set_new(o, "signed_at", signed_current && ad.signed_at
							    ? json_integer(ad.signed_at)
							    : json_null());
		json_t *tariffs = json_array();
		for (size_t k = 0; k < p->n_tariffs; k++) {
			const struct tariff *t = &p->tariffs[k];
			bool current = t->effective_from <= c.today &&
				       (!t->has_effective_to || c.today <= t->effective_to);
			if (current)
				json_array_append_new(
					tariffs,
					json_pack("{s:s, s:s, s:I}", "code",
						  t->code == TARIFF_FLAT_FEE ? "flat_fee"
									     : "second_contact",
						  "label", t->label, "amount_cents",
						  (json_int_t)t->amount_cents));
		}
		json_object_set_new(o, "tariffs", tariffs);
		json_object_set_new(o, "suspended_reason", adopted && ad.suspended_reason
								   ? json_string(ad.suspended_reason)
								   : json_null());
		if (for_patient)
			api_fit_json(&c, p, &patient, o);
		json_array_append_new(items, o);
	}
	http_respond_json(res, 200, json_pack("{s:o}", "items", items));
}
