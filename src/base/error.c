/*
 * error.c — French descriptions of the project's error codes.
 */
#include "base/error.h"

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
	case ERR_TIMEOUT: return "délai dépassé";
	}
	return "erreur inconnue";
}
