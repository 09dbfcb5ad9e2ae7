/*
 * utf8.h — encoding Unicode code points as UTF-8.
 */
#ifndef COOP_CORE_UTF8_H
#define COOP_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Writes the UTF-8 encoding of cp into out (room for 4 bytes) and returns its length, or 0
 * (writing nothing) for a surrogate half or a value above U+10FFFF. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
