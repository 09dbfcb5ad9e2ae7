/*
 * error.h — the one error enumeration of the project.
 *
 * Every fallible function returns enum coop_err (COOP_OK on success). err_str() gives a short
 * French description for users; err_http_status() the fixed HTTP mapping the server will use.
 */
#ifndef COOP_CORE_ERROR_H
#define COOP_CORE_ERROR_H

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
};

/* Short French description of e; never NULL. */
const char *err_str(enum coop_err e);

/* HTTP status for e (200, 400, 404, 413, 500, 409, 403). */
int err_http_status(enum coop_err e);

#endif
