/*
 * billing_tariffs.h — a protocol's tariffs (its `tariffs:` data: code, amount, effective dates,
 * source, confidence) as the billing rules of core/billing.h take them.
 */
#ifndef COOP_PROTOCOL_BILLING_TARIFFS_H
#define COOP_PROTOCOL_BILLING_TARIFFS_H

#include <stddef.h>

#include "core/billing.h"
#include "protocol/protocol.h"

/* Writes p's tariffs to out[0..cap), in the file's order, with the same code, amount in cents
 * and effective dates; returns p->n_tariffs (more than cap when out is too small: then only the
 * first cap are written). The loader has already refused an amount below zero and two tariffs
 * of one code in force on the same day. */
size_t protocol_billing_tariffs(const struct protocol *p, struct billing_tariff *out, size_t cap);

#endif
