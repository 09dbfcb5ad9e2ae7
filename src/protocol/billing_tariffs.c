/*
 * billing_tariffs.c — a protocol's tariffs for the billing rules (see billing_tariffs.h): a copy
 * field by field, so that the core's rules never see the loader's structures and every amount
 * billed comes from a protocol file.
 */
#include "protocol/billing_tariffs.h"

static enum billing_code billing_code_of(enum tariff_code code)
{
	return code == TARIFF_SECOND_CONTACT ? BILLING_SECOND_CONTACT : BILLING_FLAT_FEE;
}

size_t protocol_billing_tariffs(const struct protocol *p, struct billing_tariff *out, size_t cap)
{
	for (size_t i = 0; i < p->n_tariffs && i < cap; i++) {
		const struct tariff *t = &p->tariffs[i];
		out[i] = (struct billing_tariff){.code = billing_code_of(t->code),
						 .cents = t->amount_cents,
						 .from = t->effective_from,
						 .has_to = t->has_effective_to,
						 .to = t->effective_to};
	}
	return p->n_tariffs;
}
