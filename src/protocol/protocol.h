/*
 * protocol.h — a loaded, validated protocol definition.
 *
 * protocol_load_*() reads one YAML file (format: docs/internals/protocol-format-spec.md),
 * validates all of it and produces a struct protocol whose every string, table and compiled
 * expression lives in the protocol's own arena: protocol_free() releases everything at once.
 * Once loaded, a protocol is immutable and may be shared by threads.
 *
 * Slot numbering (the expression symbol table): questions first (slot = question index), then
 * computed values (slot = n_questions + computed index), then the reserved names age_years,
 * age_months, sex and visit_date.
 */
#ifndef COOP_PROTOCOL_PROTOCOL_H
#define COOP_PROTOCOL_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/date.h"
#include "base/error.h"
#include "core/profession.h"
#include "protocol/expr.h"

#define PROTOCOL_MAX_FILE (1024 * 1024)
#define PROTOCOL_MAX_QUESTIONS 160
#define PROTOCOL_MAX_COMPUTED 32
#define PROTOCOL_MAX_CRITERIA 128
#define PROTOCOL_MAX_OUTCOMES 32
#define PROTOCOL_MAX_TEMPLATES 32
#define PROTOCOL_MAX_LINES 16      /* per template */
#define PROTOCOL_MAX_CHOICES 32
#define PROTOCOL_MAX_VERSIONS 16
#define PROTOCOL_MAX_LIST 64       /* advice items, references, review items... */
#define PROTOCOL_RESERVED_SLOTS 4
#define PROTOCOL_HASH_HEX 65       /* SHA-256 hex + NUL */

enum confidence { CONF_CONFIRMED, CONF_INFERRED, CONF_TO_VERIFY };

/* Where a fact comes from and how sure it is. */
struct provenance {
	const char *source;
	enum confidence confidence;
};

enum urgency { URG_NONE = 0, URG_PHYSICIAN_LATER, URG_PHYSICIAN_SAME_DAY, URG_EMERGENCY };

enum protocol_kind { PROTOCOL_NATIONAL, PROTOCOL_LOCAL };
enum protocol_status { PROTOCOL_DRAFT, PROTOCOL_ACTIVE, PROTOCOL_REPEALED };

enum age_unit { AGE_YEARS, AGE_MONTHS };

struct age_bound {
	bool set;
	int value;
	enum age_unit unit;
};

/* Patient sexes, as a bit set over enum patient_sex. */
enum patient_sex { SEX_FEMALE, SEX_MALE, SEX_OTHER, SEX_UNKNOWN, SEX_COUNT };

struct legal_reference {
	const char *text;
	const char *ref; /* may be NULL */
};

struct protocol_version {
	const char *version;
	coop_date effective_from;
	bool has_effective_to;
	coop_date effective_to; /* exclusive */
	const char *changes;    /* may be NULL */
	struct legal_reference *refs;
	size_t n_refs;
	uint64_t delegants;         /* bit set over enum profession */
	uint64_t delegues;          /* bit set over enum profession */
	uint32_t structure_types;   /* bit set over enum structure_type */
	struct age_bound age_min, age_max;
	uint32_t sexes;             /* bit set over enum patient_sex; 0 = any */
	struct provenance patient_provenance;
};

enum question_type { Q_BOOLEAN, Q_INTEGER, Q_DECIMAL, Q_CHOICE, Q_MULTICHOICE, Q_DATE };
enum asked_by { ASKED_ORIENTATION, ASKED_EXAMINATION };

struct choice {
	const char *code;
	const char *label;
};

struct question {
	const char *id;
	const char *label;
	const char *help; /* may be NULL */
	enum question_type type;
	const char *unit; /* may be NULL */
	bool has_min, has_max;
	double min, max;
	struct choice *choices;
	size_t n_choices;
	struct expr *enable_when; /* may be NULL */
	enum asked_by asked_by;
	unsigned line, column;    /* position in the file, for messages */
};

struct computed {
	const char *id;
	const char *label;
	enum expr_base type;
	struct expr *expression;
	struct expr_slotset needs; /* question slots it depends on, transitively */
	unsigned line, column;
};

enum criterion_kind { CRIT_INCLUSION, CRIT_EXCLUSION, CRIT_RED_FLAG };

struct criterion {
	const char *id;
	enum criterion_kind kind;
	struct expr *expression;
	const char *label;
	enum urgency urgency;
	struct provenance prov;
	unsigned line, column;
	/* derived at load for the engine's hot loop: when the expression is a Boolean field alone
	 * or negated (most criteria), its slot (else -1) and whether it is negated */
	int plain_slot;
	bool plain_negated;
	uint8_t fires_on; /* the expression's value (enum expr_tri) that makes it fire */
};

enum line_kind { LINE_MEDICINE, LINE_DEVICE, LINE_ACT, LINE_CERTIFICATE, LINE_SICK_LEAVE };
enum dose_per { DOSE_PER_DAY, DOSE_PER_DOSE };

/* What the signing délégant completes on a medicine line the protocol leaves open
 * (complete_at_signature), within these bounds. Each part is present only when the line does
 * not fix it itself. */
struct line_open {
	bool present;
	const char **substances; /* the molecule is chosen among these; n_substances 0 = fixed */
	size_t n_substances;
	bool dose;               /* amount per dose, in dose_unit, within [dose_min, dose_max] */
	double dose_min, dose_max;
	const char *dose_unit;
	bool doses_per_day;      /* within [dpd_min, dpd_max] */
	int dpd_min, dpd_max;
	bool duration;           /* days, within [duration_min, duration_max] */
	int duration_min, duration_max;
};

struct prescription_line {
	enum line_kind kind;
	struct expr *when; /* may be NULL */
	/* medicine */
	const char *substance, *form, *frequency, *quantity, *instructions;
	bool has_dose;
	double dose_amount;
	const char *dose_unit;
	bool has_dose_per_kg;
	double per_kg_amount, per_kg_max;
	const char *per_kg_unit;
	enum dose_per per_kg_per;
	int weight_slot; /* question slot of the weight in kg; -1 when none */
	int doses_per_day; /* 0 = not given */
	int duration_days; /* 0 = not given */
	/* device, act, certificate */
	const char *item;
	/* sick leave */
	int max_days;
	/* text for the signing délégant only (signer_note, and any sentence of `instructions`
	 * that names the délégant, moved here at load): never printed for the patient */
	const char *signer_note; /* may be NULL */
	bool optional;           /* issued only if the délégué chooses it ("si nécessaire") */
	struct line_open open;   /* completed at signature (medicine lines) */
	struct provenance prov;
};

struct prescription_template {
	const char *id;
	const char *label;
	struct prescription_line *lines;
	size_t n_lines;
};

enum outcome_kind { OUTCOME_PRESCRIPTION, OUTCOME_ADVICE, OUTCOME_REORIENTATION };

struct outcome {
	const char *id;
	enum outcome_kind kind;
	struct expr *when;
	const char *label;
	size_t *templates; /* indexes into protocol.templates */
	size_t n_templates;
	const char **advice;
	size_t n_advice;
	enum urgency urgency; /* reorientation only */
	struct provenance prov;
	unsigned line, column;
};

struct second_contact {
	bool present;
	const char *label;
	bool has_window;
	int from_day, to_day;
	struct provenance prov;
};

struct revoyure {
	bool present;
	const char **conditions;
	size_t n_conditions;
	struct provenance prov;
};

enum tariff_code { TARIFF_FLAT_FEE, TARIFF_SECOND_CONTACT };

struct tariff {
	enum tariff_code code;
	const char *label;
	int64_t amount_cents;
	coop_date effective_from;
	bool has_effective_to;
	coop_date effective_to;
	struct provenance prov;
};

struct training {
	bool hours_known;
	double hours;
	const char *content;
	const char *validation;
	struct provenance prov;
};

struct protocol {
	struct arena arena;
	const char *path; /* as given to the loader */
	char hash[PROTOCOL_HASH_HEX]; /* SHA-256 of the file's bytes, lowercase hex */

	const char *id;
	const char *title;
	const char *summary; /* may be NULL */
	enum protocol_kind kind;
	enum protocol_status status;

	struct protocol_version *versions;
	size_t n_versions;

	struct question *questions;
	size_t n_questions;
	/* derived at load: indexes of the questions that have an enable_when, in file order */
	size_t *conditional_questions;
	size_t n_conditional_questions;
	struct computed *computed;
	size_t n_computed;
	struct criterion *criteria;
	size_t n_criteria;
	struct outcome *outcomes;
	size_t n_outcomes;
	struct prescription_template *templates;
	size_t n_templates;

	struct second_contact second_contact;
	struct revoyure revoyure;
	/* prolonged follow-up (chronic disease, long treatment, prevention): the protocol applies
	 * only when the délégant is the patient's médecin traitant (follow_up.long_term) */
	bool long_term;
	struct tariff *tariffs;
	size_t n_tariffs;
	struct training training;
	const char **review;
	size_t n_review;

	/* The expression symbol table (see the slot numbering above). */
	size_t n_slots;
	const char **slot_names;
	struct expr_type *slot_types;
};

/* One problem found while loading, positioned in the file. */
struct protocol_diag {
	unsigned line, column; /* 1-based; 0 when the problem concerns the whole file */
	bool warning;
	char message[320];    /* French */
};

/* Diagnostics collected by a load; the loader keeps at most PROTOCOL_MAX_DIAGS. */
#define PROTOCOL_MAX_DIAGS 64
struct protocol_diags {
	struct protocol_diag items[PROTOCOL_MAX_DIAGS];
	size_t count;         /* errors + warnings kept */
	size_t n_errors;      /* errors found (may exceed what was kept) */
};

/* Loads and validates the file at path. On success *out is a new protocol (free it with
 * protocol_free()) and diags may still hold warnings. On failure *out is NULL, diags holds the
 * errors, and the result is ERR_INVALID, ERR_IO, ERR_TOO_LARGE or ERR_NOMEM. */
enum coop_err protocol_load_file(const char *path, struct protocol **out,
				 struct protocol_diags *diags);

/* Same from a memory buffer; `name` is used as the path in messages. */
enum coop_err protocol_load_buffer(const char *name, const char *data, size_t len,
				   struct protocol **out, struct protocol_diags *diags);

/* Frees a protocol; NULL-safe. */
void protocol_free(struct protocol *p);

/* The version in force on `date`, or NULL. Versions are sorted and do not overlap (the loader
 * checks it): the search starts from the most recent. */
const struct protocol_version *protocol_version_at(const struct protocol *p, coop_date date);

/* May a structure adopt this protocol, and a délégant sign its template prescriptions? Only an
 * active one: a draft is still being written, a repealed one no longer applies. false with a
 * French sentence in *why (static) otherwise. */
bool protocol_usable(const struct protocol *p, const char **why);

/* Index of a question / computed / criterion / outcome / template by id, or -1. */
int protocol_find_question(const struct protocol *p, const char *id);
int protocol_find_criterion(const struct protocol *p, const char *id);
int protocol_find_outcome(const struct protocol *p, const char *id);

/* Reserved slot indexes. */
static inline size_t protocol_slot_age_years(const struct protocol *p)
{
	return p->n_questions + p->n_computed;
}
static inline size_t protocol_slot_age_months(const struct protocol *p)
{
	return p->n_questions + p->n_computed + 1;
}
static inline size_t protocol_slot_sex(const struct protocol *p)
{
	return p->n_questions + p->n_computed + 2;
}
static inline size_t protocol_slot_visit_date(const struct protocol *p)
{
	return p->n_questions + p->n_computed + 3;
}

/* Names for messages and JSON. */
const char *urgency_code(enum urgency u);      /* "emergency", "physician_same_day", ... */
const char *urgency_label_fr(enum urgency u);  /* "Urgences (SAMU / 15)"... */
/* The urgency a délégué who stops an assessment may choose, by its code: a referral always has
 * one (emergency, physician_same_day or physician_later); "none" and unknown codes are refused
 * (false, *out untouched). */
bool urgency_parse_for_reorientation(const char *code, enum urgency *out);
const char *confidence_code(enum confidence c);
const char *confidence_label_fr(enum confidence c);
const char *criterion_kind_label_fr(enum criterion_kind k);
const char *patient_sex_code(enum patient_sex s);
bool patient_sex_parse(const char *s, enum patient_sex *out);

#endif
