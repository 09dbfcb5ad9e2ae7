/*
 * errors.h — every error the application answers, in one table: its stable code token (what
 * the web screens and the API tests match on), its HTTP status, and a default French message
 * (a full sentence saying what to do). A handler names the kind of error; the table gives the
 * code and the status, so that one code always goes with one status.
 *
 * The answer is the one error format of the HTTP layer: {"error": {"code", "message",
 * "field"}}. `message` is the caller's sentence when it has a better one (it names the field as
 * the screen does, or says what the rule refused and why); NULL takes the table's default.
 * `field` is the API key the error is about (for the screen to place it), or NULL.
 *
 * The refusals of the patient pathway (core/pathway.h) carry their own code; api_fail_refusal()
 * answers them from the same table (wrong_state and episode_final are 409, the others 422), and
 * a unit test checks that both spell every code the same way.
 *
 * Converting a handler (scripts/convert-api-errors does the common shapes mechanically):
 *   api_error(c, 400, "invalid", msg, key)           ->  api_fail(c, API_ERR_INVALID, msg, key)
 *   api_error(c, 500, "internal", "Mémoire insuffisante.", NULL)
 *                                                    ->  api_fail(c, API_ERR_INTERNAL, NULL, NULL)
 *   api_field_error(c, "invalid", key, one, many)    ->  api_fail_field(c, API_ERR_INVALID, key,
 *                                                                       one, many)
 *   snprintf(m, ...); api_error(c, 409, "x", m, k)   ->  api_failf(c, API_ERR_X, k, fmt, ...)
 *   api_error(c, status, pathway_refusal_code(r), m, NULL) with the 409/422 choice
 *                                                    ->  api_fail_refusal(c, r, m)
 * The script refuses (leaves as is, and says so) a call whose status is not the table's for its
 * code, or whose code is not in the table: decide by hand (add a kind, or change the status
 * deliberately and the API cases with it). A new kind goes in enum api_error_kind and in the
 * table of errors.c, and its code in docs/api/openapi.json (components.schemas.Error); the unit
 * test tests/unit/test_api_errors.c checks all three agree.
 */
#ifndef COOP_API_ERRORS_H
#define COOP_API_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/pathway.h"

struct api_ctx;
struct http_response;

enum api_error_kind {
	/* 400: the request itself must be corrected */
	API_ERR_INVALID,
	API_ERR_REQUIRED,
	API_ERR_INVALID_IDENTIFIER,
	API_ERR_INVALID_JSON,
	API_ERR_UNKNOWN_FIELD,
	API_ERR_INVALID_ANSWERS,
	API_ERR_CLINICAL_ROLE,
	API_ERR_INVALID_CODE,
	API_ERR_WRONG_PASSWORD,
	API_ERR_UNSUPPORTED_MEDIA_TYPE,
	/* 401, 403: who is asking */
	API_ERR_UNAUTHENTICATED,
	API_ERR_BAD_CREDENTIALS,
	API_ERR_CSRF,
	API_ERR_FORBIDDEN,
	API_ERR_FOREIGN_ORIGIN,
	API_ERR_SELF,
	API_ERR_ACCOUNT_NOT_ACTIVATED,
	API_ERR_ACCOUNT_ENDED,
	API_ERR_ACCOUNT_DISABLED,
	API_ERR_ACCOUNT_LOCKED,
	/* 404 */
	API_ERR_NOT_FOUND,
	API_ERR_UNKNOWN_ACTION,
	API_ERR_NO_PRESCRIPTION,
	/* 409: the data changed or already exist */
	API_ERR_CONFLICT,
	API_ERR_DUPLICATE,
	API_ERR_MERGED,
	API_ERR_EPISODE_ALREADY_OPEN,
	API_ERR_ADHESION_DUPLICATE,
	API_ERR_PROFESSIONAL_TAKEN,
	API_ERR_ALREADY_SUSPENDED,
	API_ERR_NOT_SUSPENDED,
	API_ERR_NOT_REPLAYABLE,
	API_ERR_WRONG_STATE,
	API_ERR_EPISODE_FINAL,
	/* 422: a rule of the domain refuses */
	API_ERR_PROTOCOL_NOT_ADOPTED,
	API_ERR_PROTOCOL_NOT_ACTIVE,
	API_ERR_PROTOCOL_SUSPENDED,
	API_ERR_PROTOCOL_NOT_IN_FORCE,
	API_ERR_PROTOCOL_NOT_SIGNED,
	API_ERR_PROFESSION_NOT_ALLOWED,
	API_ERR_COMPLETION_REQUIRED,
	API_ERR_TRAINING_SELF_VALIDATED,
	API_ERR_TRAINING_NOT_DELEGUE,
	API_ERR_PROFESSION_UNKNOWN,
	API_ERR_DELEGANT_CHECK_FAILED,
	API_ERR_STRUCTURE_NOT_ALLOWED,
	API_ERR_NOT_AN_ORIENTATION_QUESTION,
	API_ERR_DECISION_INCOMPLETE,
	API_ERR_SICK_LEAVE_DAYS,
	API_ERR_WEIGHT_REQUIRED,
	API_ERR_CONSENT_REQUIRED,
	API_ERR_PATIENT_OUT_OF_SCOPE,
	API_ERR_GP_NOT_DELEGANT,
	API_ERR_NOT_MEMBER,
	API_ERR_TRAINING_MISSING,
	API_ERR_INSURANCE_MISSING,
	API_ERR_ENGAGEMENT_MISSING,
	API_ERR_DELEGANT_UNREACHABLE,
	API_ERR_REVOYURE_ALREADY_RECORDED,
	API_ERR_REVOYURE_OUT_OF_WINDOW,
	API_ERR_SECOND_CONTACT_NOT_PLANNED,
	API_ERR_SECOND_CONTACT_ALREADY_RECORDED,
	API_ERR_SECOND_CONTACT_OUT_OF_WINDOW,
	API_ERR_GP_NOT_INFORMED,
	API_ERR_SECOND_CONTACT_DATE_PAST,
	API_ERR_ORIENTATION_INCOMPLETE,
	API_ERR_REASON_REQUIRED,
	API_ERR_URGENCY_REQUIRED,
	API_ERR_DELEGANT_NOT_CALLED,
	API_ERR_REFERRAL_PENDING,
	/* 429, 5xx: try again later */
	API_ERR_RATE_LIMITED,
	API_ERR_INTERNAL,
	API_ERR_UNAVAILABLE,
	API_ERR_TIMEOUT,
	API_ERR_COUNT
};

/* One row of the table. */
struct api_error_info {
	const char *code;    /* stable snake_case token, unique in the table */
	int status;          /* HTTP status, 400-599 */
	const char *message; /* default French sentence, ending with a period */
};

/* The row of kind; an out-of-range kind gives the row of API_ERR_INTERNAL. Never NULL. */
const struct api_error_info *api_error_info(enum api_error_kind kind);

/* The kind whose code is `code`; false when the table has none. */
bool api_error_find(const char *code, enum api_error_kind *out);

/* The kind that answers pathway refusal r (its code is pathway_refusal_code(r));
 * API_ERR_INTERNAL for PATHWAY_REFUSAL_NONE or out of range. */
enum api_error_kind api_error_of_refusal(enum pathway_refusal r);

/* Answers kind with message (NULL: the table's default) about field (may be NULL). */
void api_fail(struct api_ctx *c, enum api_error_kind kind, const char *message, const char *field);

/* The same with the message formatted (printf); a message longer than API_FAIL_MESSAGE_MAX
 * bytes gives way to the table's default (never a sentence cut in the middle). */
#define API_FAIL_MESSAGE_MAX 512
void api_failf(struct api_ctx *c, enum api_error_kind kind, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same for the few handlers that have no api_ctx (static files, the OpenAPI document). */
void api_fail_res(struct http_response *res, enum api_error_kind kind, const char *message,
		  const char *field);

/* Answers the pathway's refusal r with its message (NULL: the table's default). */
void api_fail_refusal(struct api_ctx *c, enum pathway_refusal r, const char *message);

#endif
