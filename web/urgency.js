// urgency.js — how every screen shows that a patient must see a physician: the headline in the
// style of its urgency ("Urgence : appeler le 15" in the emergency style, "Médecin le jour même"),
// the reason in one sentence, and the full explanation behind « Détails ». The API says whether
// there is a referral (`reorientation`, `urgency`): nothing here re-derives a rule.
import { el } from './lib.js';

export const urgencyHeadlines = {
  emergency: 'Urgence : appeler le 15',
  physician_same_day: 'Médecin le jour même',
  physician_later: 'Médecin, consultation programmée (sans urgence)',
};

// Does this engine result, stored decision or list summary send the patient to a physician?
// (older decisions carry no `reorientation`: an exclusion then counts)
export function isReferral(x) {
  if (!x) return false;
  if (typeof x.reorientation === 'boolean') return x.reorientation;
  return x.decision === 'excluded';
}

// The banner: headline, reason, and « Détails » when an explanation is given. An emergency or a
// same-day referral is announced at once to screen readers (role alert).
export function urgencyBanner(x, explanation) {
  const u = x.urgency || 'physician_later';
  return el('div', { class: `urgency urgency-${u}`, role: u === 'physician_later' ? 'status' : 'alert' },
    el('p', { class: 'urgency-headline', text: x.urgency_headline || urgencyHeadlines[u] || 'Médecin' }),
    x.reason ? el('p', { class: 'urgency-reason', text: x.reason }) : null,
    explanation ? el('details', {}, el('summary', { text: 'Détails' }),
      el('pre', { class: 'explain', text: explanation })) : null);
}

// A short tag for a table cell ("Urgence : appeler le 15"), in the style of its urgency.
export function urgencyTag(urgency) {
  if (!urgency || !urgencyHeadlines[urgency]) return el('span', { text: '—' });
  return el('span', { class: `urgency-tag urgency-${urgency}`, text: urgencyHeadlines[urgency] });
}
