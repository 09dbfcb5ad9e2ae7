/*
 * strbuf.c — growable bounded text buffer (see strbuf.h).
 */
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRBUF_DEFAULT_LIMIT (16u * 1024 * 1024)

void strbuf_free(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
	sb->overflow = false;
}

static bool reserve(struct strbuf *sb, size_t extra)
{
	size_t limit = sb->limit ? sb->limit : STRBUF_DEFAULT_LIMIT;
	if (sb->overflow)
		return false;
	if (extra > limit || sb->len + extra > limit) {
		sb->overflow = true;
		return false;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(sb->data, cap);
	if (!p) {
		sb->overflow = true;
		return false;
	}
	sb->data = p;
	sb->cap = cap;
	return true;
}

void strbuf_add(struct strbuf *sb, const char *s, size_t len)
{
	if (!reserve(sb, len))
		return;
	memcpy(sb->data + sb->len, s, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->overflow = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		strbuf_add(sb, small, (size_t)n);
		return;
	}
	if (!reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

bool strbuf_ok(const struct strbuf *sb)
{
	return !sb->overflow;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->data ? sb->data : "";
}
