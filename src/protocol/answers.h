/*
 * answers.h — decoding a visit's answers document (JSON, spec §10) into an engine input.
 *
 * Every field is validated against the protocol: unknown question ids, wrong types, values
 * outside the question's bounds, unknown choice codes, bad dates and unknown keys are refused
 * with a French message naming the field. Nothing is partially applied: on error *in is
 * unspecified and must not be used.
 */
#ifndef COOP_PROTOCOL_ANSWERS_H
#define COOP_PROTOCOL_ANSWERS_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "protocol/engine.h"
#include "protocol/protocol.h"

#define ANSWERS_MAX_BYTES (256 * 1024)
#define ANSWERS_MAX_STRING 256

/* Parses text[0..len) and fills *in. Strings and collections are copied into `a`, which must
 * outlive *in. Returns COOP_OK, ERR_INVALID or ERR_TOO_LARGE (message in msg), or ERR_NOMEM. */
enum coop_err answers_parse(const struct protocol *p, const char *text, size_t len,
			    struct arena *a, struct engine_input *in, char *msg, size_t msg_size);

#endif
