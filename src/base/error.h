/*
 * error.h — the one error enumeration of the project.
 *
 * Every fallible function returns enum coop_err (COOP_OK on success). err_str() gives a short
 * French description for users. The HTTP status of each code is the HTTP layer's business
 * (http_status_of_err() in http/server.h), not this layer's.
 */
#ifndef COOP_BASE_ERROR_H
#define COOP_BASE_ERROR_H

enum coop_err {
	COOP_OK = 0,
	ERR_INVALID,     /* malformed input: syntax, type, out of bounds */
	ERR_NOT_FOUND,   /* a named thing does not exist */
	ERR_TOO_LARGE,   /* an input exceeds a size bound */
	ERR_NOMEM,       /* out of memory */
	ERR_IO,          /* reading or writing a file failed */
	ERR_CONFLICT,    /* concurrent modification */
	ERR_FORBIDDEN,   /* a rule of the domain refuses the action */
	ERR_INTERNAL,    /* a bug: an invariant did not hold */
	ERR_TIMEOUT,     /* an operation ran out of the time it was given (nothing changed) */
};

/* Marks a function whose result must be looked at: a parse whose failure is ignored leaves its
 * output untouched (or at a default), and the compiler warns (warnings are errors). */
#define COOP_MUST_CHECK __attribute__((warn_unused_result))

/* Short French description of e; never NULL. */
const char *err_str(enum coop_err e);

#endif
