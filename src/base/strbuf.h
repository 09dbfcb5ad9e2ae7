/*
 * strbuf.h — a growable, bounded text buffer for rendering (explanations, summaries, JSON).
 *
 * Appends never fail loudly: when memory runs out or the bound is reached the buffer is marked
 * `overflow` and further appends are ignored; the caller checks strbuf_ok() once at the end.
 */
#ifndef COOP_BASE_STRBUF_H
#define COOP_BASE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data; /* NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t limit; /* maximum len; 0 = 16 MiB */
	bool overflow;
};

#define STRBUF_INIT {0}

void strbuf_free(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when every append so far succeeded. */
bool strbuf_ok(const struct strbuf *sb);
/* The text so far ("" when empty). */
const char *strbuf_str(const struct strbuf *sb);

#endif
