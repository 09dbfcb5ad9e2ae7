/*
 * test_docblob.c — the stored format of episode documents (store/docblob.h): round trips, the
 * texts kept as text (too short to gain, or too long), and every way a blob can be refused
 * (short header, unknown format, length over the maximum, corrupt, cut or extended stream,
 * wrong length or CRC-32, a NUL byte) with ERR_IO and no partial text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "store/docblob.h"

static const char doc[] =
	"{\"protocol_id\":\"snp-cystite\",\"answers\":{\"brulures\":true,\"fievre\":false},"
	"\"history\":[{\"at\":1764064800,\"account_id\":6,\"by\":\"Julie Petit\","
	"\"action\":\"create\",\"state\":\"orientation\"},{\"at\":1764065100,\"account_id\":6,"
	"\"by\":\"Julie Petit\",\"action\":\"propose\",\"state\":\"proposed\"}],"
	"\"consent\":{\"account_id\":6,\"by\":\"Julie Petit\",\"at\":1764065200,\"how\":\"oral\","
	"\"given\":true},\"decision\":{\"decision\":\"included\",\"urgency\":\"none\","
	"\"explanation\":\"Critère d'inclusion : brûlures mictionnelles — rempli\"}}";

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A blob written by hand: the header given, then text[0..len) as a raw deflate stream made
 * without the dictionary (it decodes the same with it: no reference reaches back before the
 * start). Heap; *n its length. */
static unsigned char *hand_blob(int format, uint32_t claimed, uint32_t crc, const char *text,
				size_t len, size_t *n)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = DOCBLOB_HEADER + deflateBound(&z, (uLong)len);
	unsigned char *b = malloc(cap);
	assert_non_null(b);
	z.next_in = (Bytef *)(uintptr_t)text;
	z.avail_in = (uInt)len;
	z.next_out = b + DOCBLOB_HEADER;
	z.avail_out = (uInt)(cap - DOCBLOB_HEADER);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*n = DOCBLOB_HEADER + z.total_out;
	deflateEnd(&z);
	b[0] = (unsigned char)format;
	put_u32(b + 1, claimed);
	put_u32(b + 5, crc);
	return b;
}

static uint32_t crc_of(const char *text, size_t len)
{
	return (uint32_t)crc32(0L, (const Bytef *)text, (uInt)len);
}

/* Decoding must fail with ERR_IO and give nothing, with an arena or with a decoder (whose
 * buffer has already held a text). */
static void assert_refused(const unsigned char *blob, size_t n)
{
	struct arena a;
	arena_init(&a, 0);
	const char *out = "untouched";
	size_t len = 99;
	assert_int_equal(docblob_decode(blob, n, &a, &out, &len), ERR_IO);
	assert_null(out);
	assert_int_equal(len, 0);
	arena_free(&a);
	struct docblob_decoder *d = NULL;
	unsigned char *good = NULL;
	size_t good_n = 0;
	assert_int_equal(docblob_decoder_new(&d), COOP_OK);
	assert_int_equal(docblob_encode(doc, strlen(doc), &good, &good_n), COOP_OK);
	assert_int_equal(docblob_decode_with(d, good, good_n, &out, &len), COOP_OK);
	assert_int_equal(docblob_decode_with(d, blob, n, &out, &len), ERR_IO);
	assert_null(out);
	assert_int_equal(len, 0);
	free(good);
	docblob_decoder_free(d);
}

/* One decoder for many blobs: its buffer grows, and an error leaves it usable. */
static void test_decoder(void **state)
{
	(void)state;
	static const char small[] = "{\"answers\":{\"fievre\":false,\"brulures\":true,"
				    "\"brulures_depuis\":2,\"fievre_depuis\":0,\"age\":34}}";
	unsigned char *b_small = NULL, *b_doc = NULL;
	size_t n_small = 0, n_doc = 0, len = 0;
	const char *out = NULL;
	assert_int_equal(docblob_encode(small, strlen(small), &b_small, &n_small), COOP_OK);
	assert_int_equal(docblob_encode(doc, strlen(doc), &b_doc, &n_doc), COOP_OK);
	assert_non_null(b_small);
	assert_non_null(b_doc);
	struct docblob_decoder *d = NULL;
	assert_int_equal(docblob_decoder_new(&d), COOP_OK);
	assert_int_equal(docblob_decode_with(d, b_small, n_small, &out, &len), COOP_OK);
	assert_string_equal(out, small);
	assert_int_equal(len, strlen(small));
	assert_int_equal(docblob_decode_with(d, b_doc, n_doc, &out, &len), COOP_OK);
	assert_string_equal(out, doc);
	b_doc[n_doc - 1] ^= 0x55; /* the stream's end damaged */
	assert_int_equal(docblob_decode_with(d, b_doc, n_doc, &out, &len), ERR_IO);
	assert_null(out);
	assert_int_equal(docblob_decode_with(d, b_small, n_small, &out, &len), COOP_OK);
	assert_string_equal(out, small);
	docblob_decoder_free(d);
	docblob_decoder_free(NULL);
	free(b_small);
	free(b_doc);
}

static void test_round_trip(void **state)
{
	(void)state;
	unsigned char *blob = NULL;
	size_t n = 0;
	assert_int_equal(docblob_encode(doc, strlen(doc), &blob, &n), COOP_OK);
	assert_non_null(blob);
	assert_true(n < strlen(doc) / 2);
	assert_int_equal(blob[0], DOCBLOB_FORMAT_DEFLATE_DICT1);
	struct arena a;
	arena_init(&a, 0);
	const char *out = NULL;
	size_t len = 0;
	assert_int_equal(docblob_decode(blob, n, &a, &out, &len), COOP_OK);
	assert_int_equal(len, strlen(doc));
	assert_string_equal(out, doc);
	free(blob);

	/* a text of exactly the maximum length is compressed and comes back whole */
	char *big = malloc(DOCBLOB_MAX_TEXT);
	assert_non_null(big);
	for (size_t i = 0; i < DOCBLOB_MAX_TEXT; i++)
		big[i] = (char)('a' + i % 7);
	assert_int_equal(docblob_encode(big, DOCBLOB_MAX_TEXT, &blob, &n), COOP_OK);
	assert_non_null(blob);
	assert_int_equal(docblob_decode(blob, n, &a, &out, &len), COOP_OK);
	assert_int_equal(len, DOCBLOB_MAX_TEXT);
	assert_memory_equal(out, big, DOCBLOB_MAX_TEXT);
	free(blob);
	free(big);
	arena_free(&a);
}

static void test_kept_as_text(void **state)
{
	(void)state;
	unsigned char *blob = (unsigned char *)"x";
	size_t n = 7;
	/* too short to gain anything: stored as text */
	assert_int_equal(docblob_encode("{}", 2, &blob, &n), COOP_OK);
	assert_null(blob);
	assert_int_equal(n, 0);
	/* longer than a blob may claim: stored as text, never refused */
	char *big = malloc(DOCBLOB_MAX_TEXT + 1);
	assert_non_null(big);
	memset(big, 'a', DOCBLOB_MAX_TEXT + 1);
	assert_int_equal(docblob_encode(big, DOCBLOB_MAX_TEXT + 1, &blob, &n), COOP_OK);
	assert_null(blob);
	free(big);
}

static void test_refused(void **state)
{
	(void)state;
	size_t len = strlen(doc), n = 0;
	unsigned char *good = NULL;
	assert_int_equal(docblob_encode(doc, len, &good, &n), COOP_OK);
	unsigned char *b = malloc(n + 1);
	assert_non_null(b);

	assert_refused(NULL, 0);
	/* shorter than its header (a buffer of that size: ASan and valgrind see a read past it) */
	unsigned char *cut = malloc(DOCBLOB_HEADER - 1);
	assert_non_null(cut);
	memcpy(cut, good, DOCBLOB_HEADER - 1);
	assert_refused(cut, DOCBLOB_HEADER - 1);
	free(cut);
	memcpy(b, good, n);
	b[0] = 2; /* a format not known yet */
	assert_refused(b, n);
	memcpy(b, good, n);
	b[5] ^= 1; /* CRC-32 differs */
	assert_refused(b, n);
	memcpy(b, good, n);
	b[n / 2 + DOCBLOB_HEADER / 2] ^= 0x55; /* corrupt stream */
	assert_refused(b, n);
	assert_refused(good, n - 1); /* the stream cut short */
	memcpy(b, good, n);
	b[n] = 0;
	assert_refused(b, n + 1); /* a byte after the end of the stream */
	memcpy(b, good, n);
	put_u32(b + 1, (uint32_t)len - 1); /* the stream goes on past the stated length */
	assert_refused(b, n);
	put_u32(b + 1, (uint32_t)len + 1); /* the stream ends before it */
	assert_refused(b, n);
	free(b);
	free(good);

	/* intact but holding a NUL byte: callers would read a C string cut short */
	static const char with_nul[] = "{\"note\":\"a\0b\"}";
	b = hand_blob(DOCBLOB_FORMAT_DEFLATE_DICT1, sizeof(with_nul) - 1,
		      crc_of(with_nul, sizeof(with_nul) - 1), with_nul, sizeof(with_nul) - 1, &n);
	assert_refused(b, n);
	free(b);
	/* the same without the NUL decodes: the hand-made blobs are well formed */
	b = hand_blob(DOCBLOB_FORMAT_DEFLATE_DICT1, 6, crc_of("{\"a\":1", 6), "{\"a\":1", 6, &n);
	struct arena a;
	arena_init(&a, 0);
	const char *out = NULL;
	assert_int_equal(docblob_decode(b, n, &a, &out, &len), COOP_OK);
	assert_string_equal(out, "{\"a\":1");
	arena_free(&a);
	free(b);
}

/* A blob whose header claims more than DOCBLOB_MAX_TEXT is refused before any memory is
 * given for it, even when its stream really holds that much. */
static void test_oversize_claim(void **state)
{
	(void)state;
	size_t big_len = DOCBLOB_MAX_TEXT + 1, n = 0;
	char *big = malloc(big_len);
	assert_non_null(big);
	memset(big, '{', big_len);
	unsigned char *b = hand_blob(DOCBLOB_FORMAT_DEFLATE_DICT1, (uint32_t)big_len,
				     crc_of(big, big_len), big, big_len, &n);
	assert_refused(b, n);
	free(b);
	free(big);
	/* a false claim of 4 GiB with a small arena: ERR_IO, not an allocation attempt */
	static const char small[] = "{\"a\":1}";
	b = hand_blob(DOCBLOB_FORMAT_DEFLATE_DICT1, UINT32_MAX, crc_of(small, 7), small, 7, &n);
	struct arena a;
	arena_init(&a, 4096);
	const char *out = NULL;
	size_t len = 0;
	assert_int_equal(docblob_decode(b, n, &a, &out, &len), ERR_IO);
	assert_null(out);
	arena_free(&a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_kept_as_text),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_oversize_claim),
		cmocka_unit_test(test_decoder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
