/*
 * docblob.c — the stored format of an episode's document (see docblob.h): zlib's raw deflate
 * with a preset dictionary, behind a header that says the format, the length and the CRC-32.
 */
#include "store/docblob.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The preset dictionary of format 1: keys and values that recur in the documents the API
 * writes (src/api/api_episodes.c: history entries with their actions and states, consent,
 * assessment, decision, reorientation, revoyure, second contact...) and fixed phrases of the
 * engine's explanations, the most frequent last (deflate reaches the end of the dictionary
 * with the shortest distances). Measured on 1,000 generated documents (bench_gen, 1,869 bytes
 * on average): 775 bytes compressed without it, 568 with it. NEVER CHANGE IT: the blobs of
 * format 1 are only readable with these exact bytes; a better dictionary is a new format. */
static const char docblob_dict1[] =
	"\"orientation_unknown\":[\"answered_by\":{\"prescription_choices\":{"
	"\"optional_lines\":[],\"sick_leave_days\":\"second_contact_plan\":{"
	"\"second_contact\":{\"gp_informed\":{\"refusal\":{\"reason\":\"new_symptoms\":true"
	",\"doubt\":false,\"weight_kg\":\"reorientation\":{\"delegant_called_id\":\"urgenc"
	"y\":\"physician_later\",\"physician_same_day\",\"emergency\",\"none\","
	"\"cancelled\":{\"usual_care\":{\"note\":\"revoyure\":{\"closed\":{\"account_id\":\"de"
	"cision\":{\"decision\":\"incomplete\",\"excluded\",\"included\",\"outcome\":\"reorie"
	"ntation\",\"outcome_label\":\"Réorientation : Médecin le jour même\","
	"\"lines\":[\"\",\"advice\":[\"Reconsulter si \",\"explanation\":\"Protocole : Versi"
	"on appliquée : Visite du  — patient de  ans, sexe Décision : rempli\","
	"\"absent\",\"NON rempli → sortie du protocole\",\"PRÉSENT → sortie du protoco"
	"le\",\"protocol_hash\":\"\",\"date\":\"20\",\"assessment\":{\"reachability\":\"Dr  est"
	" joignable maintenant : 0\",\"consent\":{\"how\":\"oral\",\"given\":true},"
	"\"history\":[{\"at\":17,\"account_id\":,\"by\":\"\",\"action\":\"create\","
	"\"state\":\"orientation\"},{\"at\":17,\"account_id\":,\"by\":\"\",\"action\":\"propose\""
	",\"state\":\"proposed\"},{\"at\":17,\"account_id\":,\"by\":\"\",\"action\":\"record_con"
	"sent_given\",\"state\":\"consented\"},{\"at\":17,\"account_id\":,\"by\":\"\","
	"\"action\":\"start_assessment\",\"state\":\"assessing\"},{\"at\":17,\"account_id\":,"
	"\"by\":\"\",\"action\":\"record_decision\",\"state\":\"included\"},{\"at\":17,"
	"\"account_id\":,\"by\":\"\",\"action\":\"reorient\",\"state\":\"excluded\"},"
	"{\"at\":17,\"account_id\":,\"by\":\"\",\"action\":\"record_revoyure\",\"state\":\"follo"
	"w_up\"},{\"at\":17,\"account_id\":,\"by\":\"\",\"action\":\"close\",\"state\":\"closed\"}"
	"],{\"protocol_id\":\"snp-\",\"answers\":{\"";

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum coop_err docblob_encode(const char *text, size_t len, unsigned char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (len > DOCBLOB_MAX_TEXT)
		return COOP_OK; /* kept as text: a write that was accepted stays accepted */
	enum coop_err err = COOP_OK;
	unsigned char *blob = NULL;
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 5, Z_DEFAULT_STRATEGY) != Z_OK)
		return ERR_NOMEM;
	if (deflateSetDictionary(&z, (const Bytef *)docblob_dict1, sizeof(docblob_dict1) - 1) !=
	    Z_OK) {
		err = ERR_INTERNAL;
		goto out;
	}
	size_t cap = DOCBLOB_HEADER + deflateBound(&z, (uLong)len);
	blob = malloc(cap);
	if (!blob) {
		err = ERR_NOMEM;
		goto out;
	}
	z.next_in = (Bytef *)(uintptr_t)text; /* zlib does not write through next_in */
	z.avail_in = (uInt)len;
	z.next_out = blob + DOCBLOB_HEADER;
	z.avail_out = (uInt)(cap - DOCBLOB_HEADER);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		err = ERR_INTERNAL; /* deflateBound() guarantees the room */
		goto out;
	}
	size_t n = DOCBLOB_HEADER + (size_t)z.total_out;
	if (n >= len)
		goto out; /* not smaller: stored as text */
	blob[0] = DOCBLOB_FORMAT_DEFLATE_DICT1;
	put_u32(blob + 1, (uint32_t)len);
	put_u32(blob + 5, (uint32_t)crc32(0L, (const Bytef *)text, (uInt)len));
	*out = blob;
	*out_len = n;
	blob = NULL;
out:
	deflateEnd(&z);
	free(blob);
	return err;
}

/* Checks the header of blob[0..len): COOP_OK with *claimed the text's length, or ERR_IO. */
static enum coop_err check_header(const unsigned char *blob, size_t len, uint32_t *claimed)
{
	if (!blob || len < DOCBLOB_HEADER || blob[0] != DOCBLOB_FORMAT_DEFLATE_DICT1)
		return ERR_IO;
	*claimed = get_u32(blob + 1);
	if (*claimed > DOCBLOB_MAX_TEXT)
		return ERR_IO;
	/* zlib counts input in uInt; no blob from SQLite comes near (its limit is 2 GiB) */
	if (len > DOCBLOB_HEADER + (size_t)UINT_MAX)
		return ERR_IO;
	return COOP_OK;
}

/* Inflates the stream of a blob whose header was checked into text[0..claimed] (room for
 * claimed + 1 bytes) with z, a raw inflate stream at its start, and NUL-terminates it. */
static enum coop_err inflate_text(z_stream *z, const unsigned char *blob, size_t len, char *text,
				  uint32_t claimed)
{
	int rc = inflateSetDictionary(z, (const Bytef *)docblob_dict1, sizeof(docblob_dict1) - 1);
	if (rc != Z_OK)
		return rc == Z_MEM_ERROR ? ERR_NOMEM : ERR_INTERNAL;
	z->next_in = (Bytef *)(uintptr_t)(blob + DOCBLOB_HEADER);
	z->avail_in = (uInt)(len - DOCBLOB_HEADER);
	/* room for one byte more than claimed: the stream that ends exactly there always has
	 * room to finish, and one that goes on past it is seen (total_out over claimed) */
	z->next_out = (Bytef *)text;
	z->avail_out = claimed + 1;
	rc = inflate(z, Z_FINISH);
	if (rc == Z_MEM_ERROR)
		return ERR_NOMEM;
	if (rc != Z_STREAM_END || z->avail_in != 0 || z->total_out != claimed)
		return ERR_IO; /* corrupt, cut short, longer than stated, or trailing bytes */
	if (crc32(0L, (const Bytef *)text, claimed) != get_u32(blob + 5) ||
	    memchr(text, '\0', claimed))
		return ERR_IO;
	text[claimed] = '\0';
	return COOP_OK;
}

enum coop_err docblob_decode(const unsigned char *blob, size_t len, struct arena *a,
			     const char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	uint32_t claimed;
	enum coop_err err = check_header(blob, len, &claimed);
	if (err != COOP_OK)
		return err;
	char *text = arena_alloc(a, (size_t)claimed + 1);
	if (!text)
		return ERR_NOMEM;
	z_stream z;
	memset(&z, 0, sizeof(z));
	int rc = inflateInit2(&z, -15);
	if (rc != Z_OK)
		return rc == Z_MEM_ERROR ? ERR_NOMEM : ERR_INTERNAL;
	err = inflate_text(&z, blob, len, text, claimed);
	inflateEnd(&z);
	if (err != COOP_OK)
		return err;
	*out = text;
	*out_len = claimed;
	return COOP_OK;
}

struct docblob_decoder {
	z_stream z;
	char *buf; /* the last text decoded */
	size_t cap;
};

enum coop_err docblob_decoder_new(struct docblob_decoder **out)
{
	*out = NULL;
	struct docblob_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return ERR_NOMEM;
	int rc = inflateInit2(&d->z, -15);
	if (rc != Z_OK) {
		free(d);
		return rc == Z_MEM_ERROR ? ERR_NOMEM : ERR_INTERNAL;
	}
	*out = d;
	return COOP_OK;
}

void docblob_decoder_free(struct docblob_decoder *d)
{
	if (!d)
		return;
	inflateEnd(&d->z);
	free(d->buf);
	free(d);
}

enum coop_err docblob_decode_with(struct docblob_decoder *d, const unsigned char *blob, size_t len,
				  const char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	uint32_t claimed;
	enum coop_err err = check_header(blob, len, &claimed);
	if (err != COOP_OK)
		return err;
	if ((size_t)claimed + 1 > d->cap) {
		char *grown = realloc(d->buf, (size_t)claimed + 1);
		if (!grown)
			return ERR_NOMEM;
		d->buf = grown;
		d->cap = (size_t)claimed + 1;
	}
	/* a fresh stream that keeps its window allocated */
	if (inflateReset(&d->z) != Z_OK)
		return ERR_INTERNAL;
	err = inflate_text(&d->z, blob, len, d->buf, claimed);
	if (err != COOP_OK)
		return err;
	*out = d->buf;
	*out_len = claimed;
	return COOP_OK;
}
