/*
 * errors.c — the table of the application's errors (code, HTTP status, default French message)
 * and the functions that answer from it. The table is indexed by enum api_error_kind; the
 * pathway's refusals map onto its rows by a second, smaller table (refusal -> kind).
 */
#include "api/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/app.h"

static const struct api_error_info table[API_ERR_COUNT] = {
	/* 400 */
	[API_ERR_INVALID] = {"invalid", 400,
			     "Une des données saisies n'est pas valide : corrigez-la puis "
			     "recommencez."},
	[API_ERR_REQUIRED] = {"required", 400,
			      "Une donnée obligatoire manque : complétez le formulaire puis "
			      "recommencez."},
	[API_ERR_INVALID_IDENTIFIER] = {"invalid_identifier", 400,
					"Un identifiant (NIR, RPPS, ADELI, FINESS ou SIRET) n'est "
					"pas valide : vérifiez-le chiffre par chiffre."},
	[API_ERR_INVALID_JSON] = {"invalid_json", 400,
				  "La requête est mal formée : rechargez la page puis "
				  "recommencez."},
	[API_ERR_UNKNOWN_FIELD] = {"unknown_field", 400,
				   "La requête contient une donnée inattendue : rechargez la page "
				   "puis recommencez."},
	[API_ERR_INVALID_ANSWERS] = {"invalid_answers", 400,
				     "Une des réponses n'est pas valide : corrigez-la puis "
				     "enregistrez de nouveau."},
	[API_ERR_CLINICAL_ROLE] = {"clinical_role", 400,
				   "Les rôles de délégué et de délégant ne se donnent pas au compte : ils "
				   "découlent des adhésions du professionnel aux protocoles."},
	[API_ERR_INVALID_CODE] = {"invalid_code", 400,
				  "Ce code d'activation n'est pas valable (déjà utilisé, expiré ou mal "
				  "recopié) : demandez-en un nouveau au coordinateur."},
	[API_ERR_WRONG_PASSWORD] = {"wrong_password", 400,
				    "Le mot de passe actuel n'est pas le bon : rien n'a été changé."},
	[API_ERR_UNSUPPORTED_MEDIA_TYPE] = {"unsupported_media_type", 415,
					    "Cette demande doit être envoyée en JSON : rechargez la "
					    "page puis recommencez."},
	/* 401, 403 */
	[API_ERR_UNAUTHENTICATED] = {"unauthenticated", 401,
				     "Vous n'êtes pas connecté, ou votre session a expiré : "
				     "reconnectez-vous."},
	[API_ERR_BAD_CREDENTIALS] = {"bad_credentials", 401,
				     "Identifiant ou mot de passe incorrect : vérifiez-les puis "
				     "recommencez."},
	[API_ERR_CSRF] = {"csrf", 403,
			  "Requête refusée : jeton anti-falsification absent ou faux. Rechargez "
			  "la page."},
	[API_ERR_FORBIDDEN] = {"forbidden", 403, "Votre rôle ne permet pas cette action."},
	[API_ERR_FOREIGN_ORIGIN] = {"foreign_origin", 403,
				    "Demande refusée : elle vient d'une page d'un autre site que Coop. "
				    "Ouvrez Coop directement puis recommencez."},
	[API_ERR_SELF] = {"self", 403,
			  "Vous ne pouvez pas agir ainsi sur votre propre compte : un autre "
			  "coordinateur doit le faire."},
	[API_ERR_ACCOUNT_NOT_ACTIVATED] = {"account_not_activated", 403,
					   "Ce compte n'est pas encore activé : choisissez votre mot de "
					   "passe avec le code d'activation remis par le coordinateur."},
	[API_ERR_ACCOUNT_ENDED] = {"account_ended", 403,
				   "Ce compte a pris fin à la date prévue : adressez-vous au "
				   "coordinateur de la structure."},
	[API_ERR_ACCOUNT_DISABLED] = {"account_disabled", 403,
				      "Ce compte a été désactivé : adressez-vous au coordinateur de la "
				      "structure."},
	[API_ERR_ACCOUNT_LOCKED] = {"account_locked", 423,
				    "Trop d'essais de connexion manqués sur ce compte : attendez un "
				    "instant puis réessayez."},
	/* 404 */
	[API_ERR_NOT_FOUND] = {"not_found", 404,
			       "Cette donnée est introuvable : rechargez la page pour voir ce qui "
			       "existe."},
	[API_ERR_UNKNOWN_ACTION] = {"unknown_action", 404,
				    "Action inconnue sur une prise en charge : rechargez la "
				    "page."},
	[API_ERR_NO_PRESCRIPTION] = {"no_prescription", 404,
				     "Aucune ordonnance n'a été délivrée dans cette prise en "
				     "charge."},
	/* 409 */
	[API_ERR_CONFLICT] = {"conflict", 409,
			      "Ces données ont changé depuis leur affichage, ou existent déjà : "
			      "rechargez-les avant de recommencer."},
	[API_ERR_DUPLICATE] = {"duplicate", 409,
			       "Un dossier semblable existe déjà : choisissez-le au lieu d'en créer "
			       "un second."},
	[API_ERR_MERGED] = {"merged", 409,
			    "Ce dossier a été fusionné dans un autre : ouvrez le dossier "
			    "conservé."},
	[API_ERR_EPISODE_ALREADY_OPEN] = {"episode_already_open", 409,
					  "Une demande est déjà ouverte pour ce patient et ce "
					  "protocole : reprenez-la ou annulez-la."},
	[API_ERR_ADHESION_DUPLICATE] = {"adhesion_duplicate", 409,
					"Ce professionnel a déjà une adhésion à ce protocole sur ces "
					"dates : modifiez-la plutôt que d'en créer une autre."},
	[API_ERR_PROFESSIONAL_TAKEN] = {"professional_taken", 409,
					"Ce professionnel a déjà un compte dans cette structure : une "
					"personne n'a qu'un compte par structure."},
	[API_ERR_ALREADY_SUSPENDED] = {"already_suspended", 409,
				       "Ce protocole est déjà suspendu dans votre structure."},
	[API_ERR_NOT_SUSPENDED] = {"not_suspended", 409,
				   "Ce protocole n'est pas suspendu dans votre structure."},
	[API_ERR_NOT_REPLAYABLE] = {"not_replayable", 409,
				    "La décision de cette prise en charge ne peut pas être rejouée : "
				    "le fichier du protocole qui l'a prise n'est plus disponible."},
	[API_ERR_WRONG_STATE] = {"wrong_state", 409,
				 "Cette étape ne se fait pas maintenant : rechargez la prise en "
				 "charge pour voir où elle en est."},
	[API_ERR_EPISODE_FINAL] = {"episode_final", 409,
				   "Cette prise en charge est terminée : elle ne se modifie plus."},
	/* 422 */
	[API_ERR_PROTOCOL_NOT_ADOPTED] = {"protocol_not_adopted", 422,
					  "Votre structure n'a pas adopté ce protocole : demandez "
					  "au coordinateur de l'adopter."},
	[API_ERR_PROTOCOL_NOT_ACTIVE] = {"protocol_not_active", 422,
					 "Ce protocole n'est pas utilisable aujourd'hui (brouillon "
					 "ou abrogé) : choisissez-en un autre."},
	[API_ERR_PROTOCOL_SUSPENDED] = {"protocol_suspended", 422,
					"Ce protocole est suspendu dans votre structure : "
					"adressez le patient à un médecin."},
	[API_ERR_PROTOCOL_NOT_IN_FORCE] = {"protocol_not_in_force", 422,
					   "Aucune version de ce protocole n'est en vigueur "
					   "aujourd'hui : adressez le patient à un médecin."},
	[API_ERR_PROTOCOL_NOT_SIGNED] =
		{"protocol_not_signed", 422,
		 "Les ordonnances types de ce protocole ne sont pas signées : "
		 "demandez à un délégant de les signer."},
	[API_ERR_PROFESSION_NOT_ALLOWED] = {"profession_not_allowed", 422,
					    "Le protocole ne prévoit pas cette profession pour ce "
					    "rôle : choisissez un autre professionnel."},
	[API_ERR_COMPLETION_REQUIRED] = {"completion_required", 422,
					 "Complétez ce que le protocole laisse ouvert dans les "
					 "ordonnances types avant de signer."},
	[API_ERR_TRAINING_SELF_VALIDATED] = {"training_self_validated", 422,
					     "Un professionnel ne peut pas valider sa propre "
					     "formation : demandez-le à un autre délégant."},
	[API_ERR_TRAINING_NOT_DELEGUE] = {"training_not_delegue", 422,
					  "La formation se valide sur l'adhésion d'un délégué : cette "
					  "adhésion n'en est pas une."},
	[API_ERR_PROFESSION_UNKNOWN] = {"profession_unknown", 422,
					"La profession de ce professionnel est inconnue : corrigez sa "
					"fiche avant de l'inscrire à un protocole."},
	[API_ERR_DELEGANT_CHECK_FAILED] = {"delegant_check_failed", 422,
					   "Votre adhésion comme délégant de ce protocole n'est pas "
					   "en règle : voyez-le avec le coordinateur."},
	[API_ERR_STRUCTURE_NOT_ALLOWED] = {"structure_not_allowed", 422,
					   "Ce protocole n'est pas prévu pour votre type de "
					   "structure : adressez le patient à un médecin."},
	[API_ERR_NOT_AN_ORIENTATION_QUESTION] = {"not_an_orientation_question", 422,
						 "Cette question revient au délégué, pas à "
						 "l'orientation : laissez-la-lui."},
	[API_ERR_DECISION_INCOMPLETE] = {"decision_incomplete", 422,
					 "Il manque des réponses pour décider : complétez "
					 "l'évaluation."},
	[API_ERR_SICK_LEAVE_DAYS] = {"sick_leave_days", 422,
				     "Cette durée d'arrêt de travail dépasse ce que prévoit le "
				     "protocole : raccourcissez-la."},
	[API_ERR_WEIGHT_REQUIRED] = {"weight_required", 422,
				     "Indiquez le poids du patient : la posologie en dépend."},
	[API_ERR_CONSENT_REQUIRED] = {"consent_required", 422,
				      "Recueillez d'abord le consentement du patient."},
	[API_ERR_PATIENT_OUT_OF_SCOPE] = {"patient_out_of_scope", 422,
					  "Ce protocole ne convient pas à ce patient (âge ou sexe) : "
					  "adressez-le à un médecin."},
	[API_ERR_GP_NOT_DELEGANT] = {"gp_not_delegant", 422,
				     "Pour ce protocole, le médecin traitant du patient doit être "
				     "un délégant de l'équipe."},
	[API_ERR_NOT_MEMBER] = {"not_member", 422,
				"Vous n'avez pas d'adhésion en cours à ce protocole avec ce rôle : "
				"voyez-le avec le coordinateur."},
	[API_ERR_TRAINING_MISSING] = {"training_missing", 422,
				      "Votre formation à ce protocole n'est pas validée : demandez "
				      "à un délégant de la valider."},
	[API_ERR_INSURANCE_MISSING] = {"insurance_missing", 422,
				       "L'attestation d'assurance de votre adhésion manque : "
				       "transmettez-la au coordinateur."},
	[API_ERR_ENGAGEMENT_MISSING] = {"engagement_missing", 422,
					"L'engagement signé de votre adhésion manque : "
					"transmettez-le au coordinateur."},
	[API_ERR_DELEGANT_UNREACHABLE] = {"delegant_unreachable", 422,
					  "Aucun délégant n'est joignable maintenant : adressez le "
					  "patient à un médecin ou attendez un créneau."},
	[API_ERR_REVOYURE_ALREADY_RECORDED] = {"revoyure_already_recorded", 422,
					       "La revoyure est déjà enregistrée."},
	[API_ERR_REVOYURE_OUT_OF_WINDOW] = {"revoyure_out_of_window", 422,
					    "La revoyure se fait le jour de la décision ou le "
					    "lendemain."},
	[API_ERR_SECOND_CONTACT_NOT_PLANNED] = {"second_contact_not_planned", 422,
						"Planifiez d'abord le second contact."},
	[API_ERR_SECOND_CONTACT_ALREADY_RECORDED] = {"second_contact_already_recorded", 422,
						     "Le second contact est déjà "
						     "enregistré."},
	[API_ERR_SECOND_CONTACT_OUT_OF_WINDOW] = {"second_contact_out_of_window", 422,
						  "Choisissez une date de second contact dans la "
						  "fenêtre prévue par le protocole."},
	[API_ERR_GP_NOT_INFORMED] = {"gp_not_informed", 422,
				     "Informez le médecin traitant avant de clore la prise en "
				     "charge."},
	[API_ERR_SECOND_CONTACT_DATE_PAST] = {"second_contact_date_past", 422,
					      "Choisissez une date de second contact à venir."},
	[API_ERR_ORIENTATION_INCOMPLETE] = {"orientation_incomplete", 422,
					    "Répondez aux questions d'orientation (ou « ne sait "
					    "pas ») avant de proposer le protocole."},
	[API_ERR_REASON_REQUIRED] = {"reason_required", 422, "Indiquez le motif."},
	[API_ERR_URGENCY_REQUIRED] = {"urgency_required", 422,
				      "Indiquez avec quelle urgence le patient doit voir un "
				      "médecin."},
	[API_ERR_DELEGANT_NOT_CALLED] = {"delegant_not_called", 422,
					 "Indiquez le délégant appelé."},
	[API_ERR_REFERRAL_PENDING] = {"referral_pending", 422,
				      "Les réponses orientent vers un médecin : orientez le patient "
				      "au lieu d'annuler la demande."},
	/* 429, 5xx */
	[API_ERR_RATE_LIMITED] = {"rate_limited", 429,
				  "Trop de tentatives depuis ce poste : patientez une minute puis "
				  "recommencez."},
	[API_ERR_INTERNAL] = {"internal", 500,
			      "Le serveur n'a pas pu traiter la demande : rien n'a été modifié. "
			      "Réessayez ; si cela persiste, prévenez le coordinateur."},
	[API_ERR_UNAVAILABLE] = {"unavailable", 503,
				 "La base de données est indisponible pour le moment. Réessayez "
				 "dans un instant."},
	/* a read ran out of the request's time bound (coop serve --query-timeout) */
	[API_ERR_TIMEOUT] = {"timeout", 503,
			     "La demande a pris trop de temps et le serveur l'a interrompue. "
			     "Réessayez dans un instant ; si cela se répète, affinez la recherche ou "
			     "prévenez le coordinateur."},
};

/* The kind of each pathway refusal (its code is the core's pathway_refusal_code()). */
static const enum api_error_kind refusal_kinds[PATHWAY_REFUSAL_COUNT] = {
	[PATHWAY_REFUSAL_NONE] = API_ERR_INTERNAL,
	[PATHWAY_REFUSAL_INVALID] = API_ERR_INVALID,
	[PATHWAY_REFUSAL_EPISODE_FINAL] = API_ERR_EPISODE_FINAL,
	[PATHWAY_REFUSAL_WRONG_STATE] = API_ERR_WRONG_STATE,
	[PATHWAY_REFUSAL_CONSENT_REQUIRED] = API_ERR_CONSENT_REQUIRED,
	[PATHWAY_REFUSAL_PROTOCOL_NOT_ADOPTED] = API_ERR_PROTOCOL_NOT_ADOPTED,
	[PATHWAY_REFUSAL_PROTOCOL_SUSPENDED] = API_ERR_PROTOCOL_SUSPENDED,
	[PATHWAY_REFUSAL_PROTOCOL_NOT_IN_FORCE] = API_ERR_PROTOCOL_NOT_IN_FORCE,
	[PATHWAY_REFUSAL_PROTOCOL_NOT_SIGNED] = API_ERR_PROTOCOL_NOT_SIGNED,
	[PATHWAY_REFUSAL_OUT_OF_SCOPE] = API_ERR_PATIENT_OUT_OF_SCOPE,
	[PATHWAY_REFUSAL_GP_NOT_DELEGANT] = API_ERR_GP_NOT_DELEGANT,
	[PATHWAY_REFUSAL_NOT_MEMBER] = API_ERR_NOT_MEMBER,
	[PATHWAY_REFUSAL_PROFESSION_NOT_ALLOWED] = API_ERR_PROFESSION_NOT_ALLOWED,
	[PATHWAY_REFUSAL_TRAINING_MISSING] = API_ERR_TRAINING_MISSING,
	[PATHWAY_REFUSAL_INSURANCE_MISSING] = API_ERR_INSURANCE_MISSING,
	[PATHWAY_REFUSAL_ENGAGEMENT_MISSING] = API_ERR_ENGAGEMENT_MISSING,
	[PATHWAY_REFUSAL_DELEGANT_UNREACHABLE] = API_ERR_DELEGANT_UNREACHABLE,
	[PATHWAY_REFUSAL_DECISION_INCOMPLETE] = API_ERR_DECISION_INCOMPLETE,
	[PATHWAY_REFUSAL_REVOYURE_ALREADY_RECORDED] = API_ERR_REVOYURE_ALREADY_RECORDED,
	[PATHWAY_REFUSAL_REVOYURE_OUT_OF_WINDOW] = API_ERR_REVOYURE_OUT_OF_WINDOW,
	[PATHWAY_REFUSAL_SECOND_CONTACT_NOT_PLANNED] = API_ERR_SECOND_CONTACT_NOT_PLANNED,
	[PATHWAY_REFUSAL_SECOND_CONTACT_ALREADY_RECORDED] = API_ERR_SECOND_CONTACT_ALREADY_RECORDED,
	[PATHWAY_REFUSAL_SECOND_CONTACT_OUT_OF_WINDOW] = API_ERR_SECOND_CONTACT_OUT_OF_WINDOW,
	[PATHWAY_REFUSAL_GP_NOT_INFORMED] = API_ERR_GP_NOT_INFORMED,
	[PATHWAY_REFUSAL_SECOND_CONTACT_DATE_PAST] = API_ERR_SECOND_CONTACT_DATE_PAST,
	[PATHWAY_REFUSAL_ORIENTATION_INCOMPLETE] = API_ERR_ORIENTATION_INCOMPLETE,
	[PATHWAY_REFUSAL_STRUCTURE_NOT_ALLOWED] = API_ERR_STRUCTURE_NOT_ALLOWED,
	[PATHWAY_REFUSAL_REASON_REQUIRED] = API_ERR_REASON_REQUIRED,
	[PATHWAY_REFUSAL_URGENCY_REQUIRED] = API_ERR_URGENCY_REQUIRED,
	[PATHWAY_REFUSAL_DELEGANT_NOT_CALLED] = API_ERR_DELEGANT_NOT_CALLED,
	[PATHWAY_REFUSAL_REFERRAL_PENDING] = API_ERR_REFERRAL_PENDING,
};

const struct api_error_info *api_error_info(enum api_error_kind kind)
{
	return (unsigned)kind < API_ERR_COUNT ? &table[kind] : &table[API_ERR_INTERNAL];
}

bool api_error_find(const char *code, enum api_error_kind *out)
{
	for (int i = 0; code && i < API_ERR_COUNT; i++) {
		if (table[i].code && strcmp(table[i].code, code) == 0) {
			*out = (enum api_error_kind)i;
			return true;
		}
	}
	return false;
}

enum api_error_kind api_error_of_refusal(enum pathway_refusal r)
{
	return (unsigned)r < PATHWAY_REFUSAL_COUNT ? refusal_kinds[r] : API_ERR_INTERNAL;
}

void api_fail_res(struct http_response *res, enum api_error_kind kind, const char *message,
		  const char *field)
{
	const struct api_error_info *e = api_error_info(kind);
	http_respond_error(res, e->status, e->code, message && *message ? message : e->message,
			   field);
}

void api_fail(struct api_ctx *c, enum api_error_kind kind, const char *message, const char *field)
{
	api_fail_res(c->res, kind, message, field);
}

void api_failf(struct api_ctx *c, enum api_error_kind kind, const char *field, const char *fmt, ...)
{
	char m[API_FAIL_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	api_fail(c, kind, n >= 0 && (size_t)n < sizeof(m) ? m : NULL, field);
}

void api_fail_refusal(struct api_ctx *c, enum pathway_refusal r, const char *message)
{
	api_fail(c, api_error_of_refusal(r), message, NULL);
}
