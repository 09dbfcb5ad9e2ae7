/*
 * arena.c — bump allocator: blocks of at least 64 KiB, chained newest first.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->used_total = 0;
	a->limit = limit;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	if (size == 0)
		size = 1;
	if (size > SIZE_MAX / 2)
		return NULL;
	size_t rounded = (size + align - 1) & ~(align - 1);
	if (a->limit && (a->used_total + rounded > a->limit))
		return NULL;
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < rounded) {
		size_t bsize = rounded > ARENA_BLOCK_MIN ? rounded : ARENA_BLOCK_MIN;
		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->next = a->head;
		b->size = bsize;
		b->used = 0;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += rounded;
	a->used_total += rounded;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}
