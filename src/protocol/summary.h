/*
 * summary.h — the French, printable summary of a protocol that a délégant reads and reviews
 * before signing its template prescriptions (`coop protocol show`).
 */
#ifndef COOP_PROTOCOL_SUMMARY_H
#define COOP_PROTOCOL_SUMMARY_H

#include <jansson.h>

#include "base/strbuf.h"
#include "protocol/protocol.h"

/* Appends the whole summary of p to out (plain text, UTF-8, ~100 columns). */
void summary_text(const struct protocol *p, struct strbuf *out);

/* The document a délégant reads before signing the template prescriptions (new JSON object,
 * NULL when out of memory): French sentences only — never rule syntax, identifiers or hashes.
 * Keys: title, summary, sections [{title, items [{text, notes [n]}]}], templates [{label,
 * lines [{key, text, kind, optional, signer_note, notes, complete (what the signer completes
 * and its bounds, or null), never_issued (the protocol gives no complete dose and no way to
 * complete it)}]}], footnotes [{n, text}] (the sources, numbered from 1, each once). The
 * version described is the one in force on `today` (else the latest). */
json_t *summary_for_signature(const struct protocol *p, coop_date today);

/* Appends "25,00 €" for an amount in cents. */
void summary_euros(int64_t cents, struct strbuf *out);

#endif
