/*
 * gen.c — `bench_gen`: builds a large Coop database through the project's own store code, for
 * the scale measurements of issue 11.
 *
 * bench_gen --db FILE --structures N --episodes N [--patients-per-structure N] [--seed N]
 *
 * It creates a fresh database (an existing non-empty file is refused), N maisons de santé each
 * with two délégants, two nurses and a physiotherapist (délégués), a secretary and a
 * coordinator, one account each (all with the password GEN_PASSWORD, one Argon2id hash), the
 * six national protocols adopted and signed (ids only: the protocol files are not needed to
 * store episodes) with the adhesions of the demo, patients with
 * plausible French names (capital letters, as the identity rules store them), and episodes,
 * each of a patient in its protocol's population (age, sex), spread over every pathway state and over the three years before today. Each episode is
 * written as the API writes it: inserted in orientation, then one update per pathway action,
 * each with its audit record holding what changed in the state and the document, before and
 * after (store/jsondiff.h, as the API stores save_and_answer()'s records), plus read traces (5 per episode), so that the
 * audit table and its chain grow like the real one. Writes are committed in batches of
 * GEN_BATCH episodes. Everything goes through the db_* functions: `coop audit verify` holds on
 * the result.
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/date.h"
#include "core/pathway.h"
#include "api/list_facts.h"
#include "store/db.h"
#include "store/jsondiff.h"

#define GEN_BATCH 1000 /* episodes per transaction */
#define GEN_READS 5    /* read traces per episode */
#define GEN_YEARS 3    /* episodes spread over the last three years */
#define GEN_PEOPLE 7   /* accounts per structure (see people[]) */
#define GEN_PROTOCOLS 6
/* the password of every account (public: a bench database holds no real data) */
#define GEN_PASSWORD "mesure-coop-2026"

static const char *const protocols[GEN_PROTOCOLS] = {
	"snp-cheville",    "snp-lombalgie",          "snp-cystite",
	"snp-odynophagie", "snp-rhinoconjonctivite", "snp-varicelle"};

/* Each protocol's population (from its file in protocols/), in completed months of age, both
 * ends included (months: age_max years means up to the day before the next birthday). */
static const struct {
	int min_months, max_months;
	bool female_only;
} populations[GEN_PROTOCOLS] = {
	{18 * 12, 56 * 12 - 1, false}, {20 * 12, 56 * 12 - 1, false}, {16 * 12, 66 * 12 - 1, true},
	{6 * 12, 46 * 12 - 1, false},  {15 * 12, 51 * 12 - 1, false}, {12, 13 * 12 - 1, false},
};
#define GEN_PATIENT_DRAWS 50 /* draws to find a patient in the protocol's population */

/* The team of each structure; the index is the person's place in struct gen_structure. */
enum { P_GP1, P_GP2, P_NURSE1, P_NURSE2, P_PHYSIO, P_SECRETARY, P_COORDINATOR };

static const struct {
	const char *last, *first, *profession, *sex, *role_name;
	unsigned roles;
} people[GEN_PEOPLE] = {
	{"Durand", "Anne", "medecin", "female", "medecin", DB_ROLE_DELEGANT},
	{"Lambert", "Marc", "medecin", "male", "medecin2", DB_ROLE_DELEGANT},
	{"Martin", "Claire", "infirmier", "female", "infirmiere", DB_ROLE_DELEGUE},
	{"Roux", "Hugo", "infirmier", "male", "infirmier2", DB_ROLE_DELEGUE},
	{"Bernard", "Paul", "masseur_kinesitherapeute", "male", "kine", DB_ROLE_DELEGUE},
	{NULL, NULL, NULL, NULL, "accueil", DB_ROLE_SECRETARY},
	{NULL, NULL, NULL, NULL, "coordination", DB_ROLE_COORDINATOR},
};

/* Built-in names: letters only, capitals, as ident_name_parse() stores them. */
static const char *const last_names[] = {
	"MARTIN",       "BERNARD",  "THOMAS",   "PETIT",    "ROBERT",   "RICHARD", "DURAND",
	"DUBOIS",       "MOREAU",   "LAURENT",  "SIMON",    "MICHEL",   "LEFÈVRE", "LEROY",
	"ROUX",         "DAVID",    "BERTRAND", "MOREL",    "FOURNIER", "GIRARD",  "BONNET",
	"DUPONT",       "LAMBERT",  "FONTAINE", "ROUSSEAU", "VINCENT",  "MULLER",  "LEFEBVRE",
	"FAURE",        "ANDRÉ",    "MERCIER",  "BLANC",    "GUÉRIN",   "BOYER",   "GARNIER",
	"CHEVALIER",    "FRANÇOIS", "LEGRAND",  "GAUTHIER", "GARCIA",   "PERRIN",  "ROBIN",
	"CLÉMENT",      "MORIN",    "NICOLAS",  "HENRY",    "ROUSSEL",  "MATHIEU", "LE BIHAN",
	"DUMONT-LEBRUN"};
static const char *const female_first[] = {"MARIE",     "NATHALIE", "ISABELLE", "SYLVIE",
					   "CATHERINE", "CHLOÉ",    "EMMA",     "LÉA",
					   "MANON",     "CAMILLE",  "JULIE",    "SARAH",
					   "LOUISE",    "ALICE",    "INÈS",     "ANNE SOPHIE"};
static const char *const male_first[] = {"JEAN",   "PHILIPPE", "MICHEL",  "ALAIN",
					 "PIERRE", "NICOLAS",  "LUCAS",   "HUGO",
					 "THOMAS", "LOUIS",    "GABRIEL", "JULES",
					 "ARTHUR", "THÉO",     "NATHAN",  "JEAN PIERRE"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The final states and their weights (per thousand episodes): most episodes are over. */
static const struct {
	enum pathway_state state;
	int weight;
} state_weights[] = {
	{PATHWAY_ORIENTATION, 15}, {PATHWAY_PROPOSED, 15},   {PATHWAY_CONSENTED, 15},
	{PATHWAY_ASSESSING, 20},   {PATHWAY_INCLUDED, 60},   {PATHWAY_EXCLUDED, 90},
	{PATHWAY_FOLLOW_UP, 60},   {PATHWAY_USUAL_CARE, 80}, {PATHWAY_CANCELLED, 45},
	{PATHWAY_CLOSED, 600},
};

struct gen_structure {
	int64_t id;
	int64_t professional[GEN_PEOPLE]; /* 0 for the secretary and the coordinator */
	int64_t account[GEN_PEOPLE];
	const char *display[GEN_PEOPLE];
	int64_t adoption[GEN_PROTOCOLS];
	int64_t first_patient; /* patient ids are first_patient .. first_patient + n - 1 */
};

struct gen {
	struct db *db;
	uint64_t rng;
	long structures, episodes, patients_per_structure;
	struct gen_structure *st;
	int64_t start; /* unix seconds: three years ago */
	int64_t span;  /* seconds over which episodes are spread */
	long counts[PATHWAY_STATE_COUNT];
	long out_of_population; /* episodes whose patient is outside the protocol's population */
	/* every patient's sex and birth date, by id - 1 (ids are given in order from 1) */
	bool *female;
	coop_date *birth;
	long long audit_records;
	char names[GEN_PEOPLE][64];
	char password_hash[crypto_pwhash_STRBYTES]; /* of GEN_PASSWORD */
};

/* xorshift64*: deterministic for a seed, good enough to spread data. */
static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

static long rnd_below(struct gen *g, long n)
{
	return n > 0 ? (long)(rnd(g) % (uint64_t)n) : 0;
}

static void usage(FILE *f)
{
	fputs("Usage : bench_gen --db FICHIER --structures N --episodes N\n"
	      "                  [--patients-per-structure N] [--seed N]\n"
	      "Crée une base de mesure neuve par le code de stockage de Coop : N maisons de santé\n"
	      "(deux délégants, deux infirmiers, un kinésithérapeute, un secrétariat, une\n"
	      "coordination, un compte chacun), les six protocoles nationaux adoptés, des patients\n"
	      "aux noms français plausibles et des prises en charge dans toutes les étapes du\n"
	      "parcours, réparties sur trois ans, chaque écriture avec son enregistrement d'audit\n"
	      "chaîné, plus 5 traces de lecture par prise en charge.\n"
	      "  --db                      fichier de la base (refusé s'il existe et n'est pas vide)\n"
	      "  --structures              nombre de structures (au moins 1)\n"
	      "  --episodes                nombre de prises en charge (au moins 0)\n"
	      "  --patients-per-structure  patients par structure (par défaut : de quoi faire\n"
	      "                            environ deux prises en charge par patient)\n"
	      "  --seed                    graine du tirage (1 par défaut) : même graine, même base\n"
	      "Comptes : s1-medecin, s1-medecin2, s1-infirmiere, s1-infirmier2, s1-kine,\n"
	      "s1-accueil, s1-coordination, puis s2-…, tous avec le mot de passe\n"
	      "« " GEN_PASSWORD " » (base de mesure : aucune donnée réelle).\n"
	      "Vérifier ensuite la chaîne : coop audit verify --db FICHIER\n",
	      f);
}

/* Parses a whole decimal number in [min, max]; false when it is not one. */
static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static enum coop_err audit_json(struct gen *g, int64_t structure, int64_t at, int64_t account,
				const char *action, const char *entity, int64_t id, json_t *before,
				json_t *after)
{
	/* what api_audit() stores: only what changed when both are objects */
	char *b = NULL, *a = NULL;
	enum coop_err e = ERR_NOMEM;
	if (jsondiff_record(before, after, &b, &a))
		e = db_audit_append_in(g->db, structure, at, account, action, entity, id, b, a);
	if (e == COOP_OK)
		g->audit_records++;
	free(b);
	free(a);
	return e;
}

/* A record of Coop itself creating the team (as `coop init` writes its own). */
static enum coop_err audit_created(struct gen *g, const char *entity, int64_t id, json_t *after)
{
	enum coop_err e = after ? audit_json(g, 0, g->start, 0, "create", entity, id, NULL, after)
				: ERR_NOMEM;
	json_decref(after);
	return e;
}

/* One structure, its team, accounts, adoptions and adhesions. */
static enum coop_err create_structure(struct gen *g, long k, struct gen_structure *s)
{
	char name[160], address[160], login[64], display[160];
	snprintf(name, sizeof(name), "Maison de santé pluriprofessionnelle n° %ld (mesure)", k + 1);
	snprintf(address, sizeof(address), "%ld rue des Tilleuls, 00000 Mesureville", k + 1);
	struct db_structure st = {
		.type = "MSP", .name = name, .address = address, .aci_signatory = true};
	enum coop_err e = db_structure_insert(g->db, &st, &s->id);
	if (e == COOP_OK)
		e = audit_created(g, "structure", s->id,
				  json_pack("{s:s, s:s}", "type", "MSP", "name", name));
	for (int i = 0; e == COOP_OK && i < GEN_PEOPLE; i++) {
		s->professional[i] = 0;
		if (people[i].profession) {
			struct db_professional p = {.structure_id = s->id,
						    .last_name = people[i].last,
						    .first_names = people[i].first,
						    .profession = people[i].profession,
						    .sex = people[i].sex};
			e = db_professional_insert(g->db, &p, &s->professional[i]);
			if (e == COOP_OK)
				e = audit_created(g, "professional", s->professional[i],
						  json_pack("{s:s, s:s}", "last_name",
							    people[i].last, "profession",
							    people[i].profession));
		}
		/* every account signs in with GEN_PASSWORD (one hash for all: a bench database) */
		snprintf(login, sizeof(login), "s%ld-%s", k + 1, people[i].role_name);
		snprintf(display, sizeof(display), "%s %s", people[i].first ? people[i].first : "",
			 people[i].last ? people[i].last : people[i].role_name);
		struct db_account acc = {.structure_id = s->id,
					 .professional_id = s->professional[i],
					 .login = login,
					 .display_name = display,
					 .password_hash = g->password_hash,
					 .roles = people[i].roles};
		if (e == COOP_OK)
			e = db_account_insert(g->db, &acc, &s->account[i]);
		if (e == COOP_OK)
			e = audit_created(g, "account", s->account[i],
					  json_pack("{s:s, s:i}", "login", login, "roles",
						    (int)people[i].roles));
	}
	coop_date from = date_from_ymd(1970, 1, 1) + (coop_date)(g->start / 86400) - 30;
	for (int p = 0; e == COOP_OK && p < GEN_PROTOCOLS; p++) {
		struct db_adoption ad = {.structure_id = s->id,
					 .protocol_id = protocols[p],
					 .status = "active",
					 .adopted_on = from};
		e = db_adoption_insert(g->db, &ad, &s->adoption[p]);
		char signed_hash[65];
		snprintf(signed_hash, sizeof(signed_hash), "%064lx", (unsigned long)rnd(g));
		if (e == COOP_OK)
			e = db_adoption_sign(g->db, s->adoption[p], s->professional[P_GP1],
					     signed_hash, NULL, g->start);
		if (e == COOP_OK)
			e = audit_created(g, "adoption", s->adoption[p],
					  json_pack("{s:s, s:I, s:s}", "protocol_id", protocols[p],
						    "signed_by", (json_int_t)s->professional[P_GP1],
						    "signed_hash", signed_hash));
		bool kine = p < 2; /* cheville, lombalgie */
		for (int who = P_GP1; e == COOP_OK && who <= P_PHYSIO; who++) {
			bool delegant = who <= P_GP2;
			if (!delegant && kine != (who == P_PHYSIO))
				continue;
			struct db_adhesion ah = {.professional_id = s->professional[who],
						 .adoption_id = s->adoption[p],
						 .role = delegant ? "delegant" : "delegue",
						 .effective_from = from,
						 .insurer = "Assureur (mesure)",
						 .has_insurance_date = true,
						 .insurance_date = from - 5,
						 .has_engagement_date = true,
						 .engagement_date = from - 5};
			if (!delegant) {
				ah.training_validated_by = s->professional[P_GP1];
				ah.has_training_date = true;
				ah.training_date = from - 2;
				ah.training_hours = 7;
			}
			int64_t id = 0;
			e = db_adhesion_insert(g->db, &ah, &id);
			if (e == COOP_OK)
				e = audit_created(
					g, "adhesion", id,
					json_pack("{s:I, s:I, s:s}", "professional_id",
						  (json_int_t)ah.professional_id, "adoption_id",
						  (json_int_t)ah.adoption_id, "role", ah.role));
		}
	}
	return e;
}

/* One patient of structure s, created by its secretary, with its audit record. */
static enum coop_err create_patient(struct gen *g, struct gen_structure *s, int64_t *id)
{
	bool female = rnd_below(g, 2) == 0;
	const char *last = last_names[rnd_below(g, COUNT(last_names))];
	const char *first = female ? female_first[rnd_below(g, COUNT(female_first))]
				   : male_first[rnd_below(g, COUNT(male_first))];
	/* a fifth of children (born 2012–2024, for the varicella protocol), others 1935–2011 */
	int year = rnd_below(g, 5) == 0 ? 2012 + (int)rnd_below(g, 13)
					: 1935 + (int)rnd_below(g, 77);
	coop_date birth = date_from_ymd(year, 1 + (int)rnd_below(g, 12), 1 + (int)rnd_below(g, 28));
	struct db_patient p = {.structure_id = s->id,
			       .birth_name = last,
			       .first_names = first,
			       .birth_date = birth,
			       .sex = female ? "female" : "male",
			       .gp_name = "DR ANNE DURAND",
			       .gp_professional_id = s->professional[P_GP1]};
	enum coop_err e = db_patient_insert(g->db, &p, id);
	if (e == COOP_OK && (*id < 1 || *id > g->structures * g->patients_per_structure))
		e = ERR_CONFLICT; /* not a fresh database: ids are expected from 1 */
	if (e == COOP_OK) {
		g->female[*id - 1] = female;
		g->birth[*id - 1] = birth;
	}
	char iso[16];
	date_format_iso(birth, iso, sizeof(iso));
	json_t *after = json_pack("{s:s, s:s, s:s, s:s, s:I}", "birth_name", last, "first_names",
				  first, "birth_date", iso, "sex", p.sex, "gp_professional_id",
				  (json_int_t)p.gp_professional_id);
	if (e == COOP_OK)
		e = after ? audit_json(g, s->id, g->start, s->account[P_SECRETARY], "create",
				       "patient", *id, NULL, after)
			  : ERR_NOMEM;
	json_decref(after);
	return e;
}

/* The final state of the next episode, drawn by weight. */
static enum pathway_state draw_state(struct gen *g)
{
	long r = rnd_below(g, 1000), acc = 0;
	for (size_t i = 0; i < COUNT(state_weights); i++) {
		acc += state_weights[i].weight;
		if (r < acc)
			return state_weights[i].state;
	}
	return PATHWAY_CLOSED;
}

/* The actions leading to `final` (after the creation), and how many. */
static size_t path_to(struct gen *g, enum pathway_state final, const char **act, size_t cap)
{
	size_t n = 0;
#define PUSH(x)                         \
	do {                            \
		if (n < cap)            \
			act[n++] = (x); \
	} while (0)
	switch (final) {
	case PATHWAY_ORIENTATION: break;
	case PATHWAY_USUAL_CARE:
		if (rnd_below(g, 2)) {
			PUSH("orient_to_usual_care");
		} else {
			PUSH("propose");
			PUSH("record_consent_refused");
		}
		break;
	case PATHWAY_CANCELLED:
		PUSH("propose");
		PUSH("cancel");
		break;
	default:
		PUSH("propose");
		if (final == PATHWAY_PROPOSED)
			break;
		PUSH("record_consent_given");
		if (final == PATHWAY_CONSENTED)
			break;
		PUSH("start_assessment");
		if (final == PATHWAY_ASSESSING)
			break;
		bool excluded = final == PATHWAY_EXCLUDED ||
				(final == PATHWAY_CLOSED && rnd_below(g, 4) == 0);
		PUSH(excluded && rnd_below(g, 5) == 0 ? "reorient" : "record_decision");
		if (final == PATHWAY_INCLUDED || final == PATHWAY_EXCLUDED)
			break;
		if (excluded) {
			PUSH("record_revoyure");
			PUSH("close");
			break;
		}
		PUSH("plan_second_contact");
		PUSH("record_second_contact");
		if (final == PATHWAY_FOLLOW_UP)
			break;
		PUSH("close");
		break;
	}
#undef PUSH
	return n;
}

/* The state after an action on an episode heading for `final`. */
static enum pathway_state state_after(const char *action, enum pathway_state cur,
				      enum pathway_state final, bool excluded)
{
	if (!strcmp(action, "propose"))
		return PATHWAY_PROPOSED;
	if (!strcmp(action, "orient_to_usual_care") || !strcmp(action, "record_consent_refused"))
		return PATHWAY_USUAL_CARE;
	if (!strcmp(action, "cancel"))
		return PATHWAY_CANCELLED;
	if (!strcmp(action, "record_consent_given"))
		return PATHWAY_CONSENTED;
	if (!strcmp(action, "start_assessment"))
		return PATHWAY_ASSESSING;
	if (!strcmp(action, "record_decision") || !strcmp(action, "reorient"))
		return excluded ? PATHWAY_EXCLUDED : PATHWAY_INCLUDED;
	if (!strcmp(action, "record_second_contact"))
		return PATHWAY_FOLLOW_UP;
	if (!strcmp(action, "close"))
		return PATHWAY_CLOSED;
	(void) final;
	return cur; /* record_revoyure, plan_second_contact */
}

/* What the action records into the document (the shape of apply_action()). */
static void apply(struct gen *g, json_t *data, const char *action, int64_t account, const char *by,
		  int64_t at, bool excluded, const char *protocol_hash)
{
	json_t *who = json_pack("{s:I, s:s, s:I}", "account_id", (json_int_t)account, "by", by,
				"at", (json_int_t)at);
	if (!who)
		return;
	char day[16];
	date_format_iso(date_from_ymd(1970, 1, 1) + (coop_date)(at / 86400), day, sizeof(day));
	if (!strcmp(action, "propose")) {
		json_t *answers = json_object_get(data, "answers");
		json_object_set_new(answers, "age_ok", json_true());
		json_object_set_new(answers, "symptom_days", json_integer(1 + rnd_below(g, 5)));
		json_object_set_new(answers, "fever", json_boolean(rnd_below(g, 4) == 0));
		json_object_set_new(answers, "pregnancy", json_false());
	} else if (!strcmp(action, "record_consent_given") ||
		   !strcmp(action, "record_consent_refused")) {
		json_object_set_new(who, "how", json_string("oral"));
		json_object_set_new(who, "given", json_boolean(action[15] == 'g'));
		json_object_set(data, "consent", who);
	} else if (!strcmp(action, "orient_to_usual_care")) {
		json_object_set(data, "usual_care", who);
	} else if (!strcmp(action, "start_assessment")) {
		json_object_set_new(who, "reachability",
				    json_string("Dr Anne Durand est joignable maintenant : "
						"01 23 45 67 01 (ligne directe)."));
		json_object_set(data, "assessment", who);
		json_t *answers = json_object_get(data, "answers");
		json_object_set_new(answers, "temperature",
				    json_real(36.5 + rnd_below(g, 30) / 10.0));
		json_object_set_new(answers, "pain_score", json_integer(rnd_below(g, 10)));
		json_object_set_new(answers, "alert_signs", json_false());
		json_object_set_new(answers, "allergies", json_string("aucune connue"));
	} else if (!strcmp(action, "record_decision") || !strcmp(action, "reorient")) {
		const char *label = excluded
					    ? "Réorientation vers un médecin : critère d'exclusion "
					      "présent (voir l'explication)."
					    : "Patient inclus : prescription selon l'ordonnance "
					      "type signée, conseils remis.";
		/* a reorientation's urgency, in the protocols' codes: one in ten an emergency,
		 * three in ten later, the others the same day */
		unsigned u = rnd_below(g, 10);
		const char *urgency = !excluded ? "none"
				      : u == 0  ? "emergency"
				      : u < 4   ? "physician_later"
						: "physician_same_day";
		json_t *d = json_pack(
			"{s:s, s:s, s:s, s:s, s:[s,s], s:[s,s], s:s, s:s, s:s, s:I, s:s}",
			"decision", excluded ? "excluded" : "included", "urgency", urgency,
			"outcome",
			excluded ? "reorientation" : "prescription", "outcome_label", label,
			"lines",
			excluded ? ""
				 : "Paracétamol 1 g, 1 comprimé jusqu'à 3 fois par jour, 3 jours",
			excluded ? "" : "Ibuprofène 400 mg si nécessaire, 3 jours au plus",
			"advice", "Reconsulter si la fièvre apparaît ou si la douleur augmente.",
			"Revenir si les symptômes durent plus de 3 jours.", "explanation",
			"Critères d'inclusion vérifiés : âge dans la population du protocole, "
			"symptômes depuis moins de 5 jours. Critères d'exclusion recherchés : "
			"grossesse, fièvre élevée, signes d'alerte. Décision prise par le moteur "
			"sur les réponses enregistrées par le délégué.",
			"protocol_hash", protocol_hash, "date", day, "at", (json_int_t)at, "by",
			by);
		if (d)
			json_object_set_new(data, "decision", d);
	} else if (!strcmp(action, "record_revoyure")) {
		json_object_set_new(who, "note",
				    json_string("Revu par le délégant, avis conforme."));
		json_object_set(data, "revoyure", who);
	} else if (!strcmp(action, "plan_second_contact")) {
		json_object_set_new(who, "date", json_string(day));
		json_object_set(data, "second_contact_plan", who);
	} else if (!strcmp(action, "record_second_contact")) {
		json_object_set_new(who, "note", json_string("Évolution favorable."));
		json_object_set(data, "second_contact", who);
	} else if (!strcmp(action, "close")) {
		json_object_set(data, "closed", who);
	} else if (!strcmp(action, "cancel")) {
		json_object_set_new(who, "reason",
				    json_string("Le patient ne s'est pas présenté."));
		json_object_set(data, "cancelled", who);
	}
	json_decref(who);
}

static void append_history(json_t *data, int64_t at, int64_t account, const char *by,
			   const char *action, const char *state)
{
	json_array_append_new(json_object_get(data, "history"),
			      json_pack("{s:I, s:I, s:s, s:s, s:s}", "at", (json_int_t)at,
					"account_id", (json_int_t)account, "by", by, "action",
					action, "state", state));
}

/* Who does an action: the secretary orients, the délégué assesses, a délégant sees again. */
static int actor_of(const char *action, int delegue)
{
	if (!strcmp(action, "create") || !strcmp(action, "propose") ||
	    !strcmp(action, "record_consent_given") || !strcmp(action, "record_consent_refused") ||
	    !strcmp(action, "orient_to_usual_care") || !strcmp(action, "cancel"))
		return P_SECRETARY;
	if (!strcmp(action, "record_revoyure"))
		return P_GP1;
	return delegue;
}

/* One episode of structure s, from its creation at `at` to `final`, each write with its audit
 * record, then its read traces. */
static enum coop_err create_episode(struct gen *g, struct gen_structure *s, int64_t at,
				    enum pathway_state final)
{
	enum coop_err e = COOP_OK;
	int p = (int)rnd_below(g, GEN_PROTOCOLS);
	int delegue = p < 2 ? P_PHYSIO : (rnd_below(g, 2) ? P_NURSE1 : P_NURSE2);
	/* a patient of the structure in the protocol's population (age on the day, sex) */
	coop_date on = date_from_ymd(1970, 1, 1) + (coop_date)(at / 86400);
	int64_t patient = 0;
	bool fits = false;
	for (int d = 0; d < GEN_PATIENT_DRAWS && !fits; d++) {
		patient = s->first_patient + rnd_below(g, g->patients_per_structure);
		int months = date_age_months(g->birth[patient - 1], on);
		fits = months >= populations[p].min_months && months <= populations[p].max_months &&
		       (!populations[p].female_only || g->female[patient - 1]);
	}
	if (!fits)
		g->out_of_population++;
	const char *actions[16];
	size_t n = path_to(g, final, actions, COUNT(actions));
	bool excluded = false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(actions[i], "reorient") || !strcmp(actions[i], "record_revoyure"))
			excluded = true;
	if (final == PATHWAY_EXCLUDED)
		excluded = true;
	char protocol_hash[65];
	snprintf(protocol_hash, sizeof(protocol_hash), "%064lx", (unsigned long)(p + 1) * 7919UL);

	json_t *data =
		json_pack("{s:s, s:{}, s:[]}", "protocol_id", protocols[p], "answers", "history");
	json_t *after = NULL, *before = NULL;
	char *text = NULL;
	if (!data)
		return ERR_NOMEM;
	const char *state = pathway_state_code(PATHWAY_ORIENTATION);
	append_history(data, at, s->account[P_SECRETARY], g->names[P_SECRETARY], "create", state);
	text = json_dumps(data, JSON_COMPACT);
	struct db_episode ep = {.structure_id = s->id,
				.patient_id = patient,
				.adoption_id = s->adoption[p],
				.state = state,
				.data = text,
				.created_by = s->account[P_SECRETARY],
				.created_at = at,
				.updated_at = at};
	/* the list columns, computed as the API computes them (every protocol this generator
	 * uses provides a revoyure: follow_up.revoyure in each file of protocols/) */
	list_facts_of_document(data, state, at, true, &ep.list);
	e = text ? db_episode_insert(g->db, &ep, &ep.id) : ERR_NOMEM;
	after = json_pack("{s:s, s:I, s:s}", "state", state, "patient_id", (json_int_t)patient,
			  "protocol_id", protocols[p]);
	if (e == COOP_OK)
		e = after ? audit_json(g, s->id, at, s->account[P_SECRETARY], "create", "episode",
				       ep.id, NULL, after)
			  : ERR_NOMEM;
	json_decref(after);
	after = NULL;
	free(text);
	text = NULL;
	ep.version = 1;
	enum pathway_state cur = PATHWAY_ORIENTATION;
	int64_t t = at;
	for (size_t i = 0; e == COOP_OK && i < n; i++) {
		/* minutes between the steps of a consultation; the second contact days later */
		t += !strcmp(actions[i], "record_second_contact") ? 2 * 86400
								  : 60 + rnd_below(g, 600);
		int who = actor_of(actions[i], delegue);
		/* a copy, as save_and_answer() keeps the data as it was (data changes in place) */
		before = json_pack("{s:s, s:o}", "state", pathway_state_code(cur), "data",
				   json_deep_copy(data));
		apply(g, data, actions[i], s->account[who], g->names[who], t, excluded,
		      protocol_hash);
		cur = state_after(actions[i], cur, final, excluded);
		state = pathway_state_code(cur);
		append_history(data, t, s->account[who], g->names[who], actions[i], state);
		after = json_pack("{s:s, s:O}", "state", state, "data", data);
		text = json_dumps(data, JSON_COMPACT);
		if (!before || !after || !text) {
			e = ERR_NOMEM;
			goto out;
		}
		ep.state = state;
		ep.data = text;
		ep.updated_at = t;
		if (!strcmp(actions[i], "start_assessment"))
			ep.delegue_id = s->professional[delegue];
		if (!strcmp(actions[i], "record_decision") || !strcmp(actions[i], "reorient"))
			ep.protocol_hash = protocol_hash;
		list_facts_of_document(data, state, at, true, &ep.list);
		e = db_episode_update(g->db, &ep);
		if (e == COOP_OK)
			e = audit_json(g, s->id, t, s->account[who], actions[i], "episode", ep.id,
				       before, after);
		ep.version++;
		json_decref(before);
		json_decref(after);
		free(text);
		before = after = NULL;
		text = NULL;
	}
	/* read traces, as api_trace_read() writes them: the episode opened by its team */
	for (int r = 0; e == COOP_OK && r < GEN_READS; r++) {
		int who = (int)rnd_below(g, GEN_PEOPLE - 1); /* not the coordinator */
		e = audit_json(g, s->id, t + 30 * (r + 1), s->account[who], "read", "episode",
			       ep.id, NULL, NULL);
	}
	if (e == COOP_OK)
		g->counts[cur]++;
out:
	json_decref(before);
	json_decref(after);
	free(text);
	json_decref(data);
	return e;
}

/* Commits the transaction when e is COOP_OK, else (or when the commit fails) says why and
 * rolls it back; returns the outcome. */
static enum coop_err commit_or_rollback(struct gen *g, enum coop_err e)
{
	if (e == COOP_OK)
		e = db_commit(g->db);
	if (e != COOP_OK) {
		fprintf(stderr, "bench_gen : écriture refusée (%s) : %s\n", err_str(e),
			db_last_error(g->db));
		db_rollback(g->db);
	}
	return e;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int run(struct gen *g, const char *path)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < GEN_PEOPLE; i++)
		snprintf(g->names[i], sizeof(g->names[i]), "%s %s",
			 people[i].first ? people[i].first : "",
			 people[i].last ? people[i].last : people[i].role_name);
	enum coop_err e = COOP_OK;
	/* the team, then the patients, one structure per transaction */
	for (long k = 0; e == COOP_OK && k < g->structures; k++) {
		struct gen_structure *s = &g->st[k];
		e = db_begin(g->db);
		if (e == COOP_OK)
			e = create_structure(g, k, s);
		for (long i = 0; e == COOP_OK && i < g->patients_per_structure; i++) {
			int64_t id = 0;
			e = create_patient(g, s, &id);
			if (i == 0)
				s->first_patient = id;
		}
		if ((e = commit_or_rollback(g, e)) != COOP_OK)
			return 1;
	}
	printf("%ld structures et %ld patients créés (%.1f s).\n", g->structures,
	       g->structures * g->patients_per_structure, seconds_since(&t0));
	fflush(stdout);
	long next_tenth = 1;
	/* at most GEN_BATCH per transaction, and a tenth at least once per batch */
	long batch = g->episodes / 10 < GEN_BATCH ? g->episodes / 10 : GEN_BATCH;
	if (batch < 1)
		batch = 1;
	for (long i = 0; i < g->episodes; i += batch) {
		long end = i + batch < g->episodes ? i + batch : g->episodes;
		e = db_begin(g->db);
		for (long j = i; e == COOP_OK && j < end; j++) {
			/* spread evenly over the span, in order: the audit's times increase */
			int64_t at = g->start +
				     (int64_t)((double)g->span * (double)j / (double)g->episodes);
			e = create_episode(g, &g->st[j % g->structures], at, draw_state(g));
		}
		if (commit_or_rollback(g, e) != COOP_OK)
			return 1;
		while (next_tenth <= 10 && end * 10 >= g->episodes * next_tenth) {
			printf("%3ld %% : %ld prises en charge, %lld enregistrements d'audit "
			       "(%.1f s)\n",
			       next_tenth * 10, end, g->audit_records, seconds_since(&t0));
			fflush(stdout);
			next_tenth++;
		}
	}
	double secs = seconds_since(&t0);
	db_close(g->db);
	g->db = NULL;
	/* the size once the WAL is checkpointed (closing the last connection does it) */
	struct stat sb;
	long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	printf("Terminé en %.1f s.\n", secs);
	printf("Structures : %ld ; comptes : %ld ; patients : %ld ; prises en charge : %ld ; "
	       "enregistrements d'audit : %lld.\n",
	       g->structures, g->structures * GEN_PEOPLE, g->structures * g->patients_per_structure,
	       g->episodes, g->audit_records);
	printf("Prises en charge par étape :");
	for (int st = 0; st < PATHWAY_STATE_COUNT; st++)
		printf(" %s %ld%s", pathway_state_code((enum pathway_state)st), g->counts[st],
		       st + 1 < PATHWAY_STATE_COUNT ? "," : ".\n");
	if (g->out_of_population)
		printf("Prises en charge d'un patient hors de la population du protocole (aucun "
		       "patient ne convenait) : %ld.\n",
		       g->out_of_population);
	printf("Taille de la base : %.1f Mo", (double)size / (1024.0 * 1024.0));
	if (g->episodes > 0)
		printf(", soit %.1f Ko par prise en charge",
		       (double)size / 1024.0 / (double)g->episodes);
	printf(".\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	long structures = -1, episodes = -1, pps = 0, seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc;
		bool ok = true;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--db") && has) {
			path = argv[++i];
		} else if (!strcmp(a, "--structures") && has) {
			ok = parse_long(argv[++i], 1, 100000, &structures);
		} else if (!strcmp(a, "--episodes") && has) {
			ok = parse_long(argv[++i], 0, 100000000, &episodes);
		} else if (!strcmp(a, "--patients-per-structure") && has) {
			ok = parse_long(argv[++i], 1, 10000000, &pps);
		} else if (!strcmp(a, "--seed") && has) {
			ok = parse_long(argv[++i], 1, 2147483647, &seed);
		} else {
			fprintf(stderr, "bench_gen : argument inattendu « %s ».\n", a);
			usage(stderr);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "bench_gen : valeur invalide pour %s : « %s ».\n", a,
				argv[i]);
			return 2;
		}
	}
	if (!path || structures < 1 || episodes < 0) {
		fputs("bench_gen : --db, --structures et --episodes sont obligatoires.\n", stderr);
		usage(stderr);
		return 2;
	}
	struct stat sb;
	if (stat(path, &sb) == 0 && sb.st_size > 0) {
		fprintf(stderr,
			"bench_gen : %s existe déjà et n'est pas vide : choisissez un "
			"nouveau fichier.\n",
			path);
		return 1;
	}
	if (pps == 0) {
		pps = episodes / structures / 2;
		if (pps < 1)
			pps = 1;
	}
	struct gen g = {.rng = 0x9E3779B97F4A7C15ULL ^ (uint64_t)seed,
			.structures = structures,
			.episodes = episodes,
			.patients_per_structure = pps};
	int64_t now = (int64_t)time(NULL);
	g.span = (int64_t)GEN_YEARS * 365 * 86400;
	g.start = now - g.span;
	/* Argon2id as src/api/auth.c hashes (verification reads the parameters from the string) */
	if (sodium_init() < 0 ||
	    crypto_pwhash_str_alg(g.password_hash, GEN_PASSWORD, strlen(GEN_PASSWORD), 2,
				  19u * 1024u * 1024u, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		fputs("bench_gen : hachage du mot de passe impossible.\n", stderr);
		return 1;
	}
	int status = 1;
	g.st = calloc((size_t)structures, sizeof(*g.st));
	g.female = calloc((size_t)(structures * pps), sizeof(*g.female));
	g.birth = calloc((size_t)(structures * pps), sizeof(*g.birth));
	if (!g.st || !g.female || !g.birth) {
		fputs("bench_gen : mémoire insuffisante.\n", stderr);
		goto out;
	}
	/* batches are committed with synchronous=NORMAL: a crash loses the last batch, never
	 * the database (WAL) — fine for a bench database */
	struct db_options opts = {.create = true, .migrate = true, .synchronous_normal = true,
				   /* one connection writing millions of rows: a large cache (the server
				    * keeps DB_CACHE_KIB_DEFAULT per thread) */
				   .cache_kib = 256 * 1024};
	char msg[512];
	if (db_open(path, &opts, &g.db, msg, sizeof(msg)) != COOP_OK) {
		fprintf(stderr, "bench_gen : %s\n", msg);
		goto out;
	}
	status = run(&g, path);
out:
	db_close(g.db);
	free(g.st);
	free(g.female);
	free(g.birth);
	return status;
}
