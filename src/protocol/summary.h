/*
 * summary.h — the French, printable summary of a protocol that a délégant reads and reviews
 * before signing its template prescriptions (`coop protocol show`).
 */
#ifndef COOP_PROTOCOL_SUMMARY_H
#define COOP_PROTOCOL_SUMMARY_H

#include "core/strbuf.h"
#include "protocol/protocol.h"

/* Appends the whole summary of p to out (plain text, UTF-8, ~100 columns). */
void summary_text(const struct protocol *p, struct strbuf *out);

/* Appends "25,00 €" for an amount in cents. */
void summary_euros(int64_t cents, struct strbuf *out);

#endif
