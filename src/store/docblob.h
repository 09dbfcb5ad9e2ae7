/*
 * docblob.h — an episode's JSON document compressed for storage (the SQLite backend's
 * episodes.data column, and the audit's before_json and after_json of 128 bytes or more;
 * issue 11: a database under 5 KB per episode).
 *
 * The callers of db.h give and get JSON text; db_sqlite.c stores it as a blob of this format
 * when that is smaller, and reads both the blobs and the text rows written before (a column
 * value of SQL type TEXT is the document itself, as given). The stored format of a blob:
 *
 *   byte 0      the format: DOCBLOB_FORMAT_DEFLATE_DICT1 (1) is the only one today
 *   bytes 1..4  the length of the text, unsigned little-endian, at most DOCBLOB_MAX_TEXT
 *   bytes 5..8  the CRC-32 (zlib's crc32()) of the text, unsigned little-endian
 *   bytes 9..   the text compressed as a raw deflate stream (RFC 1951, no zlib header) with
 *               the preset dictionary docblob_dict1 (docblob.c)
 *
 * The dictionary of format 1 is a fixed constant: changing it would make every stored blob of
 * that format unreadable. A new dictionary, or another compression, is a new format byte, and
 * the decoder keeps reading the old ones.
 *
 * The text need not be JSON (the store does not parse it) but holds no NUL byte: the decoder
 * refuses one, since callers read the text as a C string.
 */
#ifndef COOP_STORE_DOCBLOB_H
#define COOP_STORE_DOCBLOB_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

#define DOCBLOB_FORMAT_DEFLATE_DICT1 1
#define DOCBLOB_HEADER 9               /* format byte, length, CRC-32 */
#define DOCBLOB_MAX_TEXT (1024 * 1024) /* the longest text a blob may claim (1 MiB) */

/* Compresses text[0..len) into a new heap blob (*out, *out_len; the caller frees it with
 * free()). When the blob would not be smaller than the text, or the text is longer than
 * DOCBLOB_MAX_TEXT, *out is NULL and COOP_OK is returned: the caller stores the text as it is.
 * ERR_NOMEM when memory runs out (*out NULL). */
enum coop_err docblob_encode(const char *text, size_t len, unsigned char **out, size_t *out_len);

/* Decompresses blob[0..len) into a NUL-terminated copy in the arena (*out, *out_len without
 * the NUL). ERR_IO when the blob is not a whole, intact blob of a known format: shorter than
 * its header, an unknown format byte, a length over DOCBLOB_MAX_TEXT, a stream that is corrupt
 * or ends before or after the stated length, a CRC-32 that differs, or a NUL byte in the text;
 * no memory is given for a claimed length before it is checked. ERR_NOMEM when the arena (or
 * zlib) runs out of memory. On error *out is NULL and *out_len 0: never a partial text. */
enum coop_err docblob_decode(const unsigned char *blob, size_t len, struct arena *a,
			     const char **out, size_t *out_len);

/* A decoder that keeps zlib's state (and its 32 KiB window) and an output buffer from one blob
 * to the next, for a caller that decodes many in a row (the audit chain's verification), where
 * docblob_decode allocates for each. */
struct docblob_decoder;

/* A new decoder in *out (free it with docblob_decoder_free); ERR_NOMEM (*out NULL) when memory
 * runs out. */
enum coop_err docblob_decoder_new(struct docblob_decoder **out);

/* Frees d and its buffer; NULL-safe. */
void docblob_decoder_free(struct docblob_decoder *d);

/* docblob_decode into d's own buffer instead of an arena: the same checks, results and errors
 * (ERR_NOMEM when the buffer cannot grow). *out is valid until the next call with d or
 * docblob_decoder_free(d). d stays usable after an error. */
enum coop_err docblob_decode_with(struct docblob_decoder *d, const unsigned char *blob, size_t len,
				  const char **out, size_t *out_len);

#endif
