/*
 * error.c — French descriptions and HTTP statuses of the project's error codes.
 */
#include "core/error.h"

const char *err_str(enum coop_err e)
{
	switch (e) {
	case COOP_OK: return "succès";
	case ERR_INVALID: return "données invalides";
	case ERR_NOT_FOUND: return "introuvable";
	case ERR_TOO_LARGE: return "taille maximale dépassée";
	case ERR_NOMEM: return "mémoire insuffisante";
	case ERR_IO: return "erreur de lecture ou d'écriture";
	case ERR_CONFLICT: return "modification concurrente";
	case ERR_FORBIDDEN: return "action refusée";
	case ERR_INTERNAL: return "erreur interne";
	}
	return "erreur inconnue";
}

int err_http_status(enum coop_err e)
{
	switch (e) {
	case COOP_OK: return 200;
	case ERR_INVALID: return 400;
	case ERR_NOT_FOUND: return 404;
	case ERR_TOO_LARGE: return 413;
	case ERR_CONFLICT: return 409;
	case ERR_FORBIDDEN: return 403;
	case ERR_NOMEM:
	case ERR_IO:
	case ERR_INTERNAL: return 500;
	}
	return 500;
}
