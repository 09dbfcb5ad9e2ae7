/*
 * arena.h — a bump allocator for objects that live and die together.
 *
 * A loaded protocol (its strings, compiled expressions, tables) is allocated from one arena and
 * freed at once with arena_free(); so is everything a request or a command builds. Allocation
 * never fails silently: arena_alloc() returns NULL only when the arena's byte limit is reached
 * or the system is out of memory, and callers turn that into ERR_NOMEM / ERR_TOO_LARGE.
 */
#ifndef COOP_BASE_ARENA_H
#define COOP_BASE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* newest block first */
	size_t used_total;        /* bytes handed out, all blocks */
	size_t limit;             /* 0 = no limit */
};

/* Starts an empty arena; limit (bytes) bounds the total allocated, 0 for none. */
void arena_init(struct arena *a, size_t limit);

/* Frees every block; the arena may be reused after arena_init(). NULL-safe. */
void arena_free(struct arena *a);

/* Returns zeroed memory aligned for any object, or NULL (limit reached / out of memory). */
void *arena_alloc(struct arena *a, size_t size);

/* Copies len bytes and appends a NUL; returns NULL like arena_alloc(). */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Copies a NUL-terminated string; NULL s gives NULL. */
char *arena_strdup(struct arena *a, const char *s);

#endif
