/*
 * cmd_init.c — `coop init --db PATH [--demo]` (create or migrate a database, optionally with a
 * demonstration maison de santé). (`coop audit` is in cmd_audit.c.)
 *
 * The demonstration structure has one account per role, the six national protocols adopted and
 * the template prescriptions of five signed by the délégant (the sixth is left for a newcomer
 * to read and sign; where a protocol leaves a line open to the signer, the demo completes it
 * within the file's bounds), trained and insured délégués, one
 * délégué whose training is not validated yet (to see a refusal), and the délégant's weekly
 * availability. A second structure, a CPTS, shows a person working in several structures: the
 * secretary `accueil2` belongs to the maison de santé (her home structure) and, through a
 * membership, to the CPTS; she chooses between them after signing in. The accounts and
 * passwords are listed in the README; they are for a demo database only.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_prescription.h"
#include "api/auth.h"
#include "cli/cli.h"
#include "protocol/prescription.h"
#include "store/db.h"

static const char *const demo_protocols[] = {"snp-cheville",    "snp-lombalgie",
					     "snp-cystite",     "snp-odynophagie",
					     "snp-rhinoconjonctivite", "snp-varicelle"};
#define N_DEMO_PROTOCOLS (sizeof(demo_protocols) / sizeof(demo_protocols[0]))
/* adopted, its templates not signed: a newcomer can try the signature on it */
#define DEMO_UNSIGNED "snp-rhinoconjonctivite"

/* One demo person: a professional (profession != NULL) and/or an account (login != NULL). */
struct demo_person {
	const char *last_name, *first_names, *profession, *rpps, *phone;
	const char *login, *password, *display_name;
	unsigned roles;
	const char *sex; /* of the professional: "female", "male" */
};

/* The RPPS numbers are invented (valid check digit, not assigned to anyone we know of). */
static const struct demo_person demo_people[] = {
	{"Durand", "Anne", "medecin", "10000000017", "01 23 45 67 01", "medecin",
	 "demo-medecin-2026", "Dr Anne Durand", DB_ROLE_DELEGANT, "female"},
	{"Martin", "Claire", "infirmier", "10000000025", "01 23 45 67 02", "infirmiere",
	 "demo-infirmiere-2026", "Claire Martin, infirmière", DB_ROLE_DELEGUE, "female"},
	{"Bernard", "Paul", "masseur_kinesitherapeute", "10000000033", "01 23 45 67 03", "kine",
	 "demo-kine-2026", "Paul Bernard, kinésithérapeute", DB_ROLE_DELEGUE, "male"},
	{"Petit", "Lucie", "infirmier", "10000000041", "01 23 45 67 04", "infirmiere2",
	 "demo-infirmiere2-2026", "Lucie Petit, infirmière (formation à valider)", DB_ROLE_DELEGUE,
	 "female"},
	{NULL, NULL, NULL, NULL, NULL, "accueil", "demo-accueil-2026", "Accueil (secrétariat)",
	 DB_ROLE_SECRETARY},
	{NULL, NULL, NULL, NULL, NULL, "coordination", "demo-coordination-2026",
	 "Sophie Leroy, coordinatrice", DB_ROLE_COORDINATOR},
};
#define N_DEMO_PEOPLE (sizeof(demo_people) / sizeof(demo_people[0]))

/* The secretary of both the maison de santé (home) and the CPTS (membership). */
static const struct demo_person demo_two_structures = {
	NULL, NULL, NULL, NULL, NULL, "accueil2", "demo-accueil2-2026",
	"Julie Petit, secrétaire (MSP et CPTS)", DB_ROLE_SECRETARY};

static void usage_init(FILE *f)
{
	fputs("Usage : coop init --db FICHIER [--demo] [--protocols DOSSIER]\n"
	      "Crée la base de données (ou la met au dernier schéma).\n"
	      "  --demo        ajoute une maison de santé de démonstration : un compte par rôle,\n"
	      "                les six protocoles nationaux adoptés (cinq signés), et une CPTS où\n"
	      "                travaille aussi une secrétaire de la maison de santé (voir README)\n"
	      "  --protocols   dossier des protocoles (protocols/ par défaut)\n",
	      f);
}

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

/* The demo délégant's completions of the lines a protocol leaves open (complete_at_signature):
 * the first molecule offered, the lowest dose and number of doses a day, the middle of the
 * duration's bounds. Fills out (capacity cap) and returns how many. */
static size_t demo_completions(const struct protocol *p, struct rx_completion *out, size_t cap)
{
	size_t n = 0;
	for (size_t t = 0; t < p->n_templates; t++)
		for (size_t l = 0; l < p->templates[t].n_lines && n < cap; l++) {
			const struct prescription_line *line = &p->templates[t].lines[l];
			if (!rx_line_completable(line))
				continue;
			const struct line_open *o = &line->open;
			struct rx_completion c = {.template_index = t, .line_index = l};
			if (o->n_substances)
				c.substance = o->substances[0];
			if (o->dose) {
				c.has_dose = true;
				c.dose_amount = o->dose_min;
			}
			if (o->doses_per_day)
				c.doses_per_day = o->dpd_min;
			if (o->duration)
				c.duration_days = (o->duration_min + o->duration_max) / 2;
			out[n++] = c;
		}
	return n;
}

/* Signs adoption `adoption` of protocol p for délégant `gp`, completing its open lines as the
 * demo does (demo_completions); the signed hash goes to hash_out. */
static enum coop_err demo_sign(struct db *db, const struct protocol *p, int64_t adoption,
			       int64_t gp, char hash_out[PROTOCOL_HASH_HEX])
{
	enum coop_err err = COOP_OK;
	char msg[300];
	char *text = NULL;
	json_t *arr = NULL;
	struct rx_completion *comps = calloc(RX_MAX_COMPLETIONS, sizeof(*comps));
	if (!comps)
		return ERR_NOMEM;
	size_t n = demo_completions(p, comps, RX_MAX_COMPLETIONS);
	if (!rx_signature_check(p, comps, n, msg, sizeof(msg))) {
		fprintf(stderr, "coop init : %s : %s\n", p->id, msg);
		err = ERR_INVALID;
		goto out;
	}
	rx_template_hash(p, comps, n, hash_out);
	if (n) {
		arr = api_rx_completions_json(p, comps, n);
		text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
		if (!text) {
			err = ERR_NOMEM;
			goto out;
		}
	}
	err = db_adoption_sign(db, adoption, gp, hash_out, text, now_seconds());
out:
	free(text);
	json_decref(arr);
	free(comps);
	return err;
}

static coop_date today(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Appends an audit record of a demo creation; the JSON is built from a format. */
static enum coop_err audit_created(struct db *db, const char *entity, int64_t id,
				   const char *after_json)
{
	return db_audit_append(db, now_seconds(), 0, "create", entity, id, NULL, after_json);
}

/* Creates the account of d in its home structure, with its audit record. */
static enum coop_err demo_account(struct db *db, int64_t structure, int64_t professional,
				  const struct demo_person *d, int64_t *id)
{
	char hash[AUTH_HASH_MAX], json[512];
	enum coop_err err = auth_password_hash(d->password, strlen(d->password), hash);
	if (err == COOP_OK) {
		struct db_account acc = {.structure_id = structure,
					 .professional_id = professional,
					 .login = d->login,
					 .display_name = d->display_name,
					 .password_hash = hash,
					 .roles = d->roles};
		err = db_account_insert(db, &acc, id);
	}
	if (err == COOP_OK) {
		snprintf(json, sizeof(json), "{\"login\":\"%s\",\"roles\":%u}", d->login, d->roles);
		err = audit_created(db, "account", *id, json);
	}
	return err;
}

/* The CPTS of the demonstration, a physician of its own, and the secretary who works there and
 * at the maison de santé `msp` (her home structure). */
static enum coop_err create_demo_cpts(struct db *db, int64_t msp)
{
	char json[512];
	int64_t cpts = 0, account = 0, membership = 0;
	struct db_structure st = {.type = "CPTS",
				  .name = "CPTS du Val de Sèvre (démonstration)",
				  .address = "12 rue de la Sèvre, 00000 Démoville",
				  .aci_signatory = false};
	enum coop_err err = db_structure_insert(db, &st, &cpts);
	if (err == COOP_OK) {
		snprintf(json, sizeof(json), "{\"type\":\"CPTS\",\"name\":\"démonstration\"}");
		err = audit_created(db, "structure", cpts, json);
	}
	/* a physician of the CPTS only, without an account: the maison de santé's coordinator
	 * must not be able to bind an account to her */
	int64_t cpts_physician = 0;
	struct db_professional p = {.structure_id = cpts,
				    .last_name = "Moreau",
				    .first_names = "Julie",
				    .profession = "medecin",
				    .phone = "01 23 45 67 09",
				    .sex = "female"};
	if (err == COOP_OK)
		err = db_professional_insert(db, &p, &cpts_physician);
	if (err == COOP_OK) {
		snprintf(json, sizeof(json), "{\"last_name\":\"Moreau\",\"profession\":\"medecin\"}");
		err = audit_created(db, "professional", cpts_physician, json);
	}
	if (err == COOP_OK)
		err = demo_account(db, msp, 0, &demo_two_structures, &account);
	if (err == COOP_OK) {
		struct db_membership m = {.account_id = account,
					  .structure_id = cpts,
					  .roles = DB_ROLE_SECRETARY};
		err = db_membership_insert(db, &m, &membership);
	}
	if (err == COOP_OK) {
		snprintf(json, sizeof(json),
			 "{\"account_id\":%lld,\"structure_id\":%lld,\"roles\":%u}",
			 (long long)account, (long long)cpts, (unsigned)DB_ROLE_SECRETARY);
		err = audit_created(db, "membership", membership, json);
	}
	return err;
}

static enum coop_err create_demo(struct db *db, const char *protocols_dir)
{
	enum coop_err err = COOP_OK;
	char json[512];
	int64_t structure = 0, people[N_DEMO_PEOPLE] = {0}, adoptions[N_DEMO_PROTOCOLS] = {0};
	coop_date start = today() - 30;

	struct db_structure st = {.type = "MSP",
				  .name = "Maison de santé pluriprofessionnelle des Tilleuls "
					  "(démonstration)",
				  .address = "1 place des Tilleuls, 00000 Démoville",
				  .aci_signatory = true};
	err = db_structure_insert(db, &st, &structure);
	if (err == COOP_OK) {
		snprintf(json, sizeof(json), "{\"type\":\"MSP\",\"name\":\"démonstration\"}");
		err = audit_created(db, "structure", structure, json);
	}
	for (size_t i = 0; err == COOP_OK && i < N_DEMO_PEOPLE; i++) {
		const struct demo_person *d = &demo_people[i];
		int64_t professional = 0;
		if (d->profession) {
			struct db_professional p = {.structure_id = structure,
						    .last_name = d->last_name,
						    .first_names = d->first_names,
						    .profession = d->profession,
						    .rpps = d->rpps,
						    .phone = d->phone,
						    .sex = d->sex};
			err = db_professional_insert(db, &p, &professional);
			if (err == COOP_OK) {
				snprintf(json, sizeof(json),
					 "{\"last_name\":\"%s\",\"profession\":\"%s\"}", d->last_name,
					 d->profession);
				err = audit_created(db, "professional", professional, json);
			}
		}
		people[i] = professional;
		int64_t acc_id = 0;
		if (err == COOP_OK)
			err = demo_account(db, structure, professional, d, &acc_id);
	}
	const int64_t gp = people[0], nurse = people[1], physio = people[2], untrained = people[3];

	for (size_t k = 0; err == COOP_OK && k < N_DEMO_PROTOCOLS; k++) {
		char path[1024];
		struct protocol *p = NULL;
		struct protocol_diags *diags = calloc(1, sizeof(*diags));
		if (!diags)
			return ERR_NOMEM;
		snprintf(path, sizeof(path), "%s/%s.yaml", protocols_dir, demo_protocols[k]);
		err = protocol_load_file(path, &p, diags);
		if (err != COOP_OK) {
			cli_print_diags(path, diags);
			free(diags);
			return err;
		}
		free(diags);
		struct db_adoption ad = {.structure_id = structure,
					 .protocol_id = demo_protocols[k],
					 .status = "active",
					 .adopted_on = start};
		err = db_adoption_insert(db, &ad, &adoptions[k]);
		/* one protocol's templates are left for a newcomer to read and sign */
		bool sign = strcmp(demo_protocols[k], DEMO_UNSIGNED) != 0;
		char signed_hash[PROTOCOL_HASH_HEX] = "";
		if (err == COOP_OK && sign)
			err = demo_sign(db, p, adoptions[k], gp, signed_hash);
		if (err == COOP_OK && !sign) {
			snprintf(json, sizeof(json), "{\"protocol_id\":\"%s\",\"signed\":false}",
				 demo_protocols[k]);
			err = audit_created(db, "adoption", adoptions[k], json);
		} else if (err == COOP_OK) {
			snprintf(json, sizeof(json),
				 "{\"protocol_id\":\"%s\",\"signed_by\":%lld,\"signed_hash\":\"%s\"}",
				 demo_protocols[k], (long long)gp, signed_hash);
			err = audit_created(db, "adoption", adoptions[k], json);
		}
		protocol_free(p);
		/* the délégant, and the délégué of the right profession */
		struct db_adhesion delegant = {.professional_id = gp,
					       .adoption_id = adoptions[k],
					       .role = "delegant",
					       .effective_from = start,
					       .has_insurance_date = true,
					       .insurance_date = start - 5,
					       .insurer = "Assureur de démonstration",
					       .has_engagement_date = true,
					       .engagement_date = start - 5};
		if (err == COOP_OK)
			err = db_adhesion_insert(db, &delegant, NULL);
		bool kine = strcmp(demo_protocols[k], "snp-cheville") == 0 ||
			    strcmp(demo_protocols[k], "snp-lombalgie") == 0;
		struct db_adhesion delegue = delegant;
		delegue.professional_id = kine ? physio : nurse;
		delegue.role = "delegue";
		delegue.training_validated_by = gp;
		delegue.has_training_date = true;
		delegue.training_date = start - 2;
		delegue.training_hours = 7;
		if (err == COOP_OK)
			err = db_adhesion_insert(db, &delegue, NULL);
		if (err == COOP_OK && strcmp(demo_protocols[k], "snp-cystite") == 0) {
			/* a délégué whose training the délégant has not validated yet */
			struct db_adhesion pending = delegue;
			pending.professional_id = untrained;
			pending.training_validated_by = 0;
			pending.has_training_date = false;
			pending.training_hours = 0;
			err = db_adhesion_insert(db, &pending, NULL);
		}
	}
	/* the délégant can be reached on weekdays, 8:00 to 19:00 */
	for (int wd = 0; err == COOP_OK && wd < 5; wd++) {
		struct db_availability av = {.professional_id = gp,
					     .weekday = wd,
					     .start_minute = 8 * 60,
					     .end_minute = 19 * 60,
					     .how = "01 23 45 67 01 (ligne directe)"};
		err = db_availability_insert(db, &av, NULL);
	}
	/* last, so that the ids of everything above stay as they were before the CPTS */
	if (err == COOP_OK)
		err = create_demo_cpts(db, structure);
	return err;
}

int cmd_init(int argc, char **argv)
{
	const char *path = NULL, *protocols_dir = "protocols";
	bool demo = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--protocols") == 0 && i + 1 < argc) {
			protocols_dir = argv[++i];
		} else if (strcmp(argv[i], "--demo") == 0) {
			demo = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_init(stdout);
			return 0;
		} else {
			fprintf(stderr, "coop init : argument inattendu « %s ».\n", argv[i]);
			usage_init(stderr);
			return 2;
		}
	}
	if (!path) {
		fputs("coop init : précisez le fichier de la base avec --db FICHIER.\n", stderr);
		usage_init(stderr);
		return 2;
	}
	if (auth_init() != COOP_OK) {
		fputs("coop init : initialisation de libsodium impossible.\n", stderr);
		return 1;
	}
	struct db_options opts = {.create = true, .migrate = true};
	struct db *db = NULL;
	char msg[512];
	enum coop_err err = db_open(path, &opts, &db, msg, sizeof(msg));
	if (err != COOP_OK) {
		fprintf(stderr, "coop init : %s\n", msg);
		return 1;
	}
	int status = 0;
	if (demo) {
		struct arena a;
		struct db_account existing;
		arena_init(&a, 0);
		bool already = db_account_by_login(db, "coordination", &a, &existing) == COOP_OK;
		arena_free(&a);
		if (already) {
			printf("La base %s contient déjà la démonstration : rien à ajouter.\n", path);
		} else {
			err = db_begin(db);
			if (err == COOP_OK)
				err = create_demo(db, protocols_dir);
			if (err == COOP_OK)
				err = db_commit(db);
			if (err != COOP_OK) {
				db_rollback(db);
				fprintf(stderr,
					"coop init : la démonstration n'a pas pu être créée (%s) ; "
					"la base est restée telle quelle.\n",
					err_str(err));
				status = 1;
			} else {
				printf("Démonstration créée : maison de santé des Tilleuls, six "
				       "protocoles adoptés (cinq signés : la rhinoconjonctivite attend "
				       "la signature du médecin), et une CPTS.\n"
				       "Comptes : coordination, accueil, infirmiere, infirmiere2, kine, "
				       "medecin, accueil2 (maison de santé et CPTS) (mots de passe : "
				       "voir README).\n");
			}
		}
	}
	if (status == 0)
		printf("Base %s prête (schéma %d).\n", path, db_schema_version(db));
	db_close(db);
	return status;
}
