/*
 * load_frame.c — the protocol loader's frame around the clinical logic: the versions (dates,
 * legal references, roles, structure types, the patient scope), the follow-up, the tariffs and
 * the training.
 *
 * Versions must not overlap and are read in order of their effective dates; amounts are read as
 * exact cents, never through a floating-point number.
 */
#include <stdio.h>
#include <string.h>

#include "protocol/load_internal.h"

/* ---------------------------------------------------------------- schemas */

static const char *const k_version[] = {"!version",     "!effective_from",
					"effective_to", "!legal_references",
					"!roles",       "!patient",
					"changes"};
static const struct mapdesc d_version = {"une version", "dans la version", "chaque version",
					 k_version, ARRAY_LEN(k_version)};

static const char *const k_ref[] = {"!text", "ref"};
static const struct mapdesc d_ref = {"une référence juridique", "dans la référence juridique",
				     "chaque référence", k_ref, ARRAY_LEN(k_ref)};

static const char *const k_roles[] = {"!delegants", "!delegues", "!structure_types"};
static const struct mapdesc d_roles = {"les rôles", "dans « roles »", "« roles »", k_roles,
				       ARRAY_LEN(k_roles)};

static const char *const k_patient[] = {"age_min", "age_max", "sexes", "!source", "!confidence"};
static const struct mapdesc d_patient = {"le périmètre patient", "dans « patient »",
					 "le périmètre patient", k_patient, ARRAY_LEN(k_patient)};

static const char *const k_age[] = {"!value", "!unit"};
static const struct mapdesc d_age = {"une borne d'âge ({value: 16, unit: years})",
				     "dans la borne d'âge", "chaque borne d'âge", k_age,
				     ARRAY_LEN(k_age)};

static const char *const k_follow[] = {"second_contact", "revoyure", "long_term"};
static const struct mapdesc d_follow = {"le suivi", "dans « follow_up »", "« follow_up »", k_follow,
					ARRAY_LEN(k_follow)};

static const char *const k_second[] = {"!label", "from_day", "to_day", "!source", "!confidence"};
static const struct mapdesc d_second = {"le second contact", "dans « second_contact »",
					"le second contact", k_second, ARRAY_LEN(k_second)};

static const char *const k_revoyure[] = {"!conditions", "!source", "!confidence"};
static const struct mapdesc d_revoyure = {"la revoyure", "dans « revoyure »", "la revoyure",
					  k_revoyure, ARRAY_LEN(k_revoyure)};

static const char *const k_tariff[] = {"!code",        "!label",  "!amount",    "!effective_from",
				       "effective_to", "!source", "!confidence"};
static const struct mapdesc d_tariff = {"un tarif", "dans le tarif", "chaque tarif", k_tariff,
					ARRAY_LEN(k_tariff)};

static const char *const k_training[] = {"!hours", "!content", "validation", "!source",
					 "!confidence"};
static const struct mapdesc d_training = {"la formation", "dans « training »", "la formation",
					  k_training, ARRAY_LEN(k_training)};

/* ---------------------------------------------------------------- versions */

struct version_check {
	const struct ynode *node, *version, *to;
	bool from_ok, to_ok;
};

static void load_professions(struct ctx *c, const struct ynode *v, const char *key, uint64_t *out)
{
	char b[SHOW_MAX + 8];
	*out = 0;
	if (!ld_get_seq(c, v, key, 1, PROTOCOL_MAX_LIST))
		return;
	for (const struct ynode *it = v->first; it; it = it->next) {
		enum profession pr;
		const char *s = ld_scalar_cstr(it);
		if (!s || !profession_parse(s, &pr)) {
			ld_err_at(
				c, it,
				"profession inconnue « %s » dans « %s » (codes de l'art. L. 4011-1 "
				"CSP : medecin, infirmier, pharmacien, sage_femme…)",
				ld_show(it, b, sizeof(b)), key);
			continue;
		}
		if (*out & ((uint64_t)1 << pr))
			ld_err_at(c, it, "profession « %s » en double dans « %s »", s, key);
		*out |= (uint64_t)1 << pr;
	}
}

static void load_structures(struct ctx *c, const struct ynode *v, uint32_t *out)
{
	char b[SHOW_MAX + 8];
	*out = 0;
	if (!ld_get_seq(c, v, "structure_types", 1, PROTOCOL_MAX_LIST))
		return;
	for (const struct ynode *it = v->first; it; it = it->next) {
		enum structure_type st;
		const char *s = ld_scalar_cstr(it);
		if (!s || !structure_type_parse(s, &st)) {
			ld_err_at(c, it,
				  "type de structure inconnu « %s » (attendu : MSP, CDS, CPTS, ES, "
				  "ESMS, ESP)",
				  ld_show(it, b, sizeof(b)));
			continue;
		}
		if (*out & (1u << st))
			ld_err_at(c, it, "type de structure « %s » en double", s);
		*out |= 1u << st;
	}
}

static const char *const age_unit_names[] = {"years", "months"};

static bool load_age(struct ctx *c, const struct ynode *v, const char *key, struct age_bound *b)
{
	struct mapv mv;
	int unit = -1, value;
	(void)key;
	if (ld_absent(v))
		return true;
	if (!ld_map_open(c, v, &d_age, &mv))
		return false;
	if (!ld_get_enum(c, ld_mv_get(&mv, "unit"), "unit", age_unit_names,
			 ARRAY_LEN(age_unit_names), &unit))
		return false;
	if (!ld_get_int(c, ld_mv_get(&mv, "value"), "value", 0, unit == AGE_YEARS ? 150 : 1800,
			&value))
		return false;
	b->set = true;
	b->value = value;
	b->unit = (enum age_unit)unit;
	return true;
}

static void load_patient(struct ctx *c, const struct ynode *v, struct protocol_version *pv)
{
	struct mapv mv;
	char b[SHOW_MAX + 8];
	if (!ld_map_open(c, v, &d_patient, &mv))
		return;
	bool min_ok = load_age(c, ld_mv_get(&mv, "age_min"), "age_min", &pv->age_min);
	bool max_ok = load_age(c, ld_mv_get(&mv, "age_max"), "age_max", &pv->age_max);
	if (min_ok && max_ok && pv->age_min.set && pv->age_max.set) {
		long lo = pv->age_min.unit == AGE_YEARS ? pv->age_min.value * 12L
							: pv->age_min.value;
		long hi = pv->age_max.unit == AGE_YEARS ? pv->age_max.value * 12L + 11
							: pv->age_max.value;
		if (lo > hi)
			ld_err_at(c, ld_mv_get(&mv, "age_max"),
				  "« age_max » doit être supérieur ou égal à « age_min »");
	}
	const struct ynode *sx = ld_mv_get(&mv, "sexes");
	if (!ld_absent(sx) && ld_get_seq(c, sx, "sexes", 1, PROTOCOL_MAX_LIST)) {
		for (const struct ynode *it = sx->first; it; it = it->next) {
			enum patient_sex s;
			const char *t = ld_scalar_cstr(it);
			if (!t || !patient_sex_parse(t, &s)) {
				ld_err_at(c, it,
					  "« sexes » : valeur inconnue « %s » (attendu : female, "
					  "male, other, unknown)",
					  ld_show(it, b, sizeof(b)));
				continue;
			}
			if (pv->sexes & (1u << s))
				ld_err_at(c, it, "« sexes » : « %s » en double", t);
			pv->sexes |= 1u << s;
		}
	}
	ld_get_prov(c, &mv, &pv->patient_provenance);
}

static void load_version(struct ctx *c, const struct ynode *n, struct protocol_version *pv,
			 struct version_check *vc)
{
	struct mapv mv;
	char d1[11], d2[11];
	vc->node = n;
	if (!ld_map_open(c, n, &d_version, &mv))
		return;
	vc->version = ld_mv_get(&mv, "version");
	ld_get_str(c, vc->version, "version", &pv->version);
	vc->from_ok = ld_get_date(c, ld_mv_get(&mv, "effective_from"), "effective_from",
				  &pv->effective_from);
	const struct ynode *to = ld_mv_get(&mv, "effective_to");
	vc->to = to;
	vc->to_ok = true;
	if (!ld_absent(to)) {
		vc->to_ok = ld_get_date(c, to, "effective_to", &pv->effective_to);
		pv->has_effective_to = vc->to_ok;
		if (vc->from_ok && vc->to_ok && pv->effective_to <= pv->effective_from) {
			date_format_iso(pv->effective_to, d1, sizeof(d1));
			date_format_iso(pv->effective_from, d2, sizeof(d2));
			ld_err_at(
				c, to,
				"« effective_to » (%s) doit être postérieur à « effective_from » (%s)",
				d1, d2);
			vc->to_ok = false;
		}
	}
	const struct ynode *refs = ld_mv_get(&mv, "legal_references");
	if (ld_get_seq(c, refs, "legal_references", 1, PROTOCOL_MAX_LIST)) {
		pv->refs = arena_alloc(&c->p->arena, refs->count * sizeof(*pv->refs));
		if (!pv->refs) {
			c->nomem = true;
			return;
		}
		for (const struct ynode *it = refs->first; it; it = it->next) {
			struct mapv rv;
			struct legal_reference *r = &pv->refs[pv->n_refs++];
			if (!ld_map_open(c, it, &d_ref, &rv))
				continue;
			ld_get_str(c, ld_mv_get(&rv, "text"), "text", &r->text);
			ld_get_opt_str(c, ld_mv_get(&rv, "ref"), "ref", &r->ref);
		}
	}
	struct mapv roles;
	if (ld_map_open(c, ld_mv_get(&mv, "roles"), &d_roles, &roles)) {
		load_professions(c, ld_mv_get(&roles, "delegants"), "delegants", &pv->delegants);
		load_professions(c, ld_mv_get(&roles, "delegues"), "delegues", &pv->delegues);
		load_structures(c, ld_mv_get(&roles, "structure_types"), &pv->structure_types);
	}
	load_patient(c, ld_mv_get(&mv, "patient"), pv);
	ld_get_opt_str(c, ld_mv_get(&mv, "changes"), "changes", &pv->changes);
}

void load_versions(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct version_check vc[PROTOCOL_MAX_VERSIONS];
	char d1[11], d2[11];
	if (!ld_get_seq(c, v, "versions", 1, PROTOCOL_MAX_VERSIONS))
		return;
	p->versions = arena_alloc(&p->arena, v->count * sizeof(*p->versions));
	if (!p->versions) {
		c->nomem = true;
		return;
	}
	memset(vc, 0, sizeof(vc));
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_versions++;
		load_version(c, it, &p->versions[i], &vc[i]);
	}
	for (size_t i = 0; i < p->n_versions; i++) {
		const struct protocol_version *a = &p->versions[i];
		for (size_t j = 0; j < i && a->version; j++) {
			if (p->versions[j].version &&
			    strcmp(p->versions[j].version, a->version) == 0) {
				ld_err_at(c, vc[i].version, "version « %s » en double", a->version);
				break;
			}
		}
		if (i == 0 || !vc[i].from_ok || !vc[i - 1].from_ok || !vc[i - 1].to_ok)
			continue;
		const struct protocol_version *b = &p->versions[i - 1];
		if (a->effective_from <= b->effective_from) {
			ld_err_at(c, vc[i].node,
				  "les versions doivent être triées par « effective_from » "
				  "croissant, sans chevauchement");
		} else if (!b->has_effective_to || b->effective_to > a->effective_from) {
			date_format_iso(a->effective_from, d1, sizeof(d1));
			if (b->has_effective_to)
				date_format_iso(b->effective_to, d2, sizeof(d2));
			ld_err_at(c, vc[i].node,
				  "chevauchement de versions : celle-ci commence le %s, avant "
				  "la fin de la précédente (%s%s)",
				  d1, b->has_effective_to ? "effective_to " : "sans effective_to",
				  b->has_effective_to ? d2 : "");
		}
	}
}

/* ---------------------------------------------------------------- follow-up, tariffs, training */

void load_follow_up(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct mapv mv, sv, rv;
	if (ld_absent(v) || !ld_map_open(c, v, &d_follow, &mv))
		return;
	const struct ynode *sc = ld_mv_get(&mv, "second_contact");
	if (!ld_absent(sc) && ld_map_open(c, sc, &d_second, &sv)) {
		struct second_contact *s = &p->second_contact;
		s->present = true;
		ld_get_str(c, ld_mv_get(&sv, "label"), "label", &s->label);
		const struct ynode *f = ld_mv_get(&sv, "from_day"), *t = ld_mv_get(&sv, "to_day");
		if (!ld_absent(f) && !ld_absent(t)) {
			bool ok = ld_get_int(c, f, "from_day", 0, 3650, &s->from_day);
			ok = ld_get_int(c, t, "to_day", 0, 3650, &s->to_day) && ok;
			if (ok && s->from_day > s->to_day)
				ld_err_at(c, t,
					  "« to_day » doit être supérieur ou égal à « from_day »");
			s->has_window = ok;
		} else if (!ld_absent(f) || !ld_absent(t)) {
			ld_err_at(c, ld_absent(f) ? t : f,
				  "« from_day » et « to_day » vont ensemble (null "
				  "tous les deux si la fenêtre est inconnue)");
		}
		ld_get_prov(c, &sv, &s->prov);
	}
	const struct ynode *lt = ld_mv_get(&mv, "long_term");
	if (!ld_absent(lt)) {
		bool yes = lt->kind == Y_SCALAR && lt->len == 4 && memcmp(lt->text, "true", 4) == 0;
		bool no = lt->kind == Y_SCALAR && lt->len == 5 && memcmp(lt->text, "false", 5) == 0;
		if (yes || no)
			p->long_term = yes;
		else
			ld_err_at(c, lt, "« long_term » doit valoir true ou false");
	}
	const struct ynode *rvn = ld_mv_get(&mv, "revoyure");
	if (!ld_absent(rvn) && ld_map_open(c, rvn, &d_revoyure, &rv)) {
		struct revoyure *r = &p->revoyure;
		r->present = true;
		ld_get_str_list(c, ld_mv_get(&rv, "conditions"), "conditions", 1, &r->conditions,
				&r->n_conditions);
		ld_get_prov(c, &rv, &r->prov);
	}
}

static const char *const tariff_code_names[] = {"flat_fee", "second_contact"};

/* Parses "N.NN" euros (1 to 7 digits before the point) into cents, without floating point. */
static bool parse_amount(const char *s, size_t len, int64_t *cents)
{
	if (len < 4 || len > 10 || s[len - 3] != '.')
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (i == len - 3)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*cents = x;
	return true;
}

void load_tariffs(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct {
		const struct ynode *node;
		bool ok;
	} chk[PROTOCOL_MAX_LIST];
	char b[200];
	size_t n = ld_get_opt_seq(c, v, "tariffs", PROTOCOL_MAX_LIST);
	if (!n)
		return;
	p->tariffs = arena_alloc(&p->arena, n * sizeof(*p->tariffs));
	if (!p->tariffs) {
		c->nomem = true;
		return;
	}
	memset(chk, 0, sizeof(chk));
	for (const struct ynode *it = v->first; it; it = it->next) {
		size_t i = p->n_tariffs++;
		struct tariff *t = &p->tariffs[i];
		struct mapv mv;
		int k;
		chk[i].node = it;
		if (!ld_map_open(c, it, &d_tariff, &mv))
			continue;
		bool ok = ld_get_enum(c, ld_mv_get(&mv, "code"), "code", tariff_code_names,
				      ARRAY_LEN(tariff_code_names), &k);
		if (ok)
			t->code = (enum tariff_code)k;
		ld_get_str(c, ld_mv_get(&mv, "label"), "label", &t->label);
		const struct ynode *am = ld_mv_get(&mv, "amount");
		if (am &&
		    (am->kind != Y_SCALAR || !parse_amount(am->text, am->len, &t->amount_cents)))
			ld_err_at(c, am,
				  "« amount » doit être un montant en euros avec exactement deux "
				  "décimales, par exemple \"25.00\" (trouvé : %s)",
				  ld_found(am, b, sizeof(b)));
		ok = ld_get_date(c, ld_mv_get(&mv, "effective_from"), "effective_from",
				 &t->effective_from) &&
		     ok;
		const struct ynode *to = ld_mv_get(&mv, "effective_to");
		if (!ld_absent(to)) {
			if (ld_get_date(c, to, "effective_to", &t->effective_to)) {
				t->has_effective_to = true;
				if (ok && t->effective_to <= t->effective_from) {
					ld_err_at(c, to,
						  "« effective_to » doit être postérieur à "
						  "« effective_from »");
					ok = false;
				}
			} else {
				ok = false;
			}
		}
		ld_get_prov(c, &mv, &t->prov);
		chk[i].ok = ok;
		if (!ok)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct tariff *u = &p->tariffs[j];
			if (!chk[j].ok || u->code != t->code)
				continue;
			bool t_before_u_ends = !u->has_effective_to ||
					       t->effective_from < u->effective_to;
			bool u_before_t_ends = !t->has_effective_to ||
					       u->effective_from < t->effective_to;
			if (t_before_u_ends && u_before_t_ends) {
				ld_err_at(
					c, it,
					"le tarif « %s » chevauche une autre période du même tarif",
					tariff_code_names[t->code]);
				break;
			}
		}
	}
}

void load_training(struct ctx *c, const struct ynode *v)
{
	struct protocol *p = c->p;
	struct mapv mv;
	if (!ld_map_open(c, v, &d_training, &mv))
		return;
	const struct ynode *h = ld_mv_get(&mv, "hours");
	if (h && !ld_is_null(h)) {
		double x;
		if (ld_get_num(c, h, "hours", &x)) {
			if (x < 0 || x > 10000) {
				ld_err_at(c, h, "« hours » doit être compris entre 0 et 10000");
			} else {
				p->training.hours_known = true;
				p->training.hours = x;
			}
		}
	}
	ld_get_str(c, ld_mv_get(&mv, "content"), "content", &p->training.content);
	ld_get_opt_str(c, ld_mv_get(&mv, "validation"), "validation", &p->training.validation);
	ld_get_prov(c, &mv, &p->training.prov);
}
