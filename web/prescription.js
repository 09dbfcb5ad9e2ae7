// prescription.js — the prescription as the délégué issues it and hands it to the patient: the
// lines to choose before recording the decision (the optional ones, the sick leave's number of
// days, and the lines that cannot be issued, with why); the lines issued and withheld once the
// decision is recorded; and the printable sheet (the structure and its FINESS, the délégué, the
// signing délégant and their RPPS, the patient with age and a child's weight). The API decides
// what the sheet must carry and whether it may be handed over; nothing meant for the signing
// délégant ever reaches this screen.
import { api, el, field, show, dateFr, numberFr, patientName } from './lib.js';

function days(n) {
  return `${n} jour${n > 1 ? 's' : ''}`;
}

// Before « Enregistrer la décision »: the lines of the outcome, and the child's weight when the
// protocol did not ask it. Returns { node, body() }: body() gives the record_decision fields
// (optional_lines, sick_leave_days, weight_kg).
export function lineChoices(choices, weightNeeded) {
  if (!choices || !choices.length) return { node: null, body: () => ({}) };
  const weight = weightNeeded ? el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'weight_kg' }) : null;
  const boxes = [];
  let count = null;
  const list = el('ul', { class: 'prescription' });
  choices.forEach((c, i) => {
    if (!c.issuable) {
      list.append(el('li', { class: 'warning', text: `Non délivrable : ${c.text} (${c.why_not}). À faire prescrire par un délégant si besoin.` }));
      return;
    }
    if (!c.optional) {
      list.append(el('li', { text: c.text }));
      return;
    }
    const id = `rx-line-${i}`;
    const box = el('input', { type: 'checkbox', id, name: 'optional_lines', value: c.key });
    boxes.push(box);
    const item = el('li', {}, el('label', { class: 'inline', for: id }, box,
      c.kind === 'sick_leave' ? `Arrêt de travail, si nécessaire (${days(c.max_days)} au plus)` : `${c.text} (si nécessaire)`));
    if (c.kind === 'sick_leave') {
      count = el('input', { type: 'number', min: '1', max: String(c.max_days), step: '1', inputmode: 'numeric', name: 'sick_leave_days' });
      item.append(field('rx-sick-leave-days', 'Durée de l\u2019arrêt de travail (jours)', count, `De 1 à ${c.max_days} jours selon le protocole.`));
    }
    list.append(item);
  });
  const node = el('section', { 'aria-labelledby': 'rx-choices-title' },
    el('h3', { id: 'rx-choices-title', text: 'Ordonnance à délivrer' }),
    boxes.length ? el('p', { class: 'help', text: 'Cochez les lignes « si nécessaire » que vous délivrez à ce patient.' }) : null,
    list,
    weight ? field('rx-weight', 'Poids de l\u2019enfant (kg)', weight, 'Il figure sur l\u2019ordonnance d\u2019un enfant. Par exemple 24,5.') : null);
  return {
    node,
    body: () => {
      const out = { optional_lines: boxes.filter((b) => b.checked).map((b) => b.value) };
      if (count && count.value) out.sick_leave_days = Number(count.value);
      if (weight && weight.value.trim()) out.weight_kg = Number(weight.value.trim().replace(',', '.'));
      return out;
    },
  };
}

// After the decision: the lines issued, those withheld, and the way to the printable sheet.
export function issuedLines(decision, onPrint) {
  const nodes = [];
  const lines = decision.lines || [];
  if (lines.length) {
    nodes.push(el('h3', { text: 'Ordonnance' }), el('ul', { class: 'prescription' }, ...lines.map((l) => el('li', { text: l }))),
      el('button', { type: 'button', class: 'secondary', text: 'Voir l\u2019ordonnance à imprimer', onclick: onPrint }));
  }
  const withheld = decision.withheld || [];
  if (withheld.length) {
    nodes.push(el('p', { class: 'warning', text: 'Non délivré (le modèle signé ne donne pas de posologie complète) : à faire prescrire par un délégant si besoin.' }),
      el('ul', {}, ...withheld.map((w) => el('li', { text: `${w.text} — ${w.why}` }))));
  }
  return nodes;
}

function born(p) {
  return p.sex === 'female' ? 'née' : p.sex === 'male' ? 'né' : 'né(e)';
}

// " — Infirmier, RPPS 10000000025"
function proDetails(pro) {
  return ` — ${pro.profession}${pro.rpps ? `, RPPS ${pro.rpps}` : ''}${pro.adeli ? `, ADELI ${pro.adeli}` : ''}`;
}

// The printable prescription: one sheet, as the API composes it.
export async function printable(episodeId, back) {
  const r = await api.call('GET', `/api/v1/episodes/${episodeId}/prescription`);
  const backBtn = el('button', { type: 'button', class: 'secondary', text: 'Retour à la prise en charge', onclick: back });
  if (!r.ok) {
    show(el('h1', { text: 'Ordonnance à imprimer' }), el('p', { class: 'error', role: 'alert', text: api.message(r) }), backBtn);
    return;
  }
  const doc = r.body;
  const s = doc.structure;
  const p = doc.patient;
  const signer = doc.signer;
  const sheet = el('article', { class: doc.issuable ? 'sheet' : 'sheet no-print', 'aria-label': 'Ordonnance' },
    el('header', {},
      el('p', { class: 'sheet-structure', text: s.name }),
      s.address ? el('p', { text: s.address }) : null,
      s.finess ? el('p', { text: `FINESS ${s.finess}` }) : null,
      signer ? el('p', { class: 'sheet-signer', text: `Délégant signataire de l\u2019ordonnance type : ${signer.name}${signer.rpps ? `, RPPS ${signer.rpps}` : ''}` }) : null),
    el('p', { class: 'sheet-who' }, el('strong', { text: doc.delegue ? doc.delegue.name : '' }),
      doc.delegue ? proDetails(doc.delegue) : ''),
    el('p', { text: `Le ${dateFr(doc.date)}` }),
    el('p', { class: 'sheet-patient' }, 'Patient : ', el('strong', { text: patientName(p) }),
      `, ${born(p)} le ${dateFr(p.birth_date)}${p.age ? `, ${p.age}` : ''}${p.weight_kg ? `, poids : ${numberFr(p.weight_kg)} kg` : ''}`),
    el('h2', { text: 'Ordonnance' }),
    el('ol', { class: 'prescription' }, ...doc.lines.map((l) => el('li', { text: l }))),
    el('p', { class: 'sheet-legal', text: `Prescription établie par ${doc.delegue ? doc.delegue.name : 'le délégué'} dans le cadre du protocole de coopération «\u00a0${doc.protocol_title}\u00a0» (art. L. 4011-1 du code de la santé publique), selon le modèle signé par ${signer ? `${signer.name}${signer.rpps ? ` (RPPS ${signer.rpps})` : ''}${signer.signed_on ? ` le ${dateFr(signer.signed_on)}` : ''}` : 'un délégant'}.` }),
    el('p', { class: 'sheet-sign', text: 'Signature du délégué :' }));
  const print = el('button', { type: 'button', text: 'Imprimer', onclick: () => window.print() });
  print.disabled = !doc.issuable;
  show(el('h1', { class: 'no-print', text: 'Ordonnance à imprimer' }),
    doc.issuable ? null : el('p', { class: 'error no-print', role: 'alert',
      text: `Cette ordonnance ne peut pas être remise au patient : il manque ${doc.missing.join(' ; ')}.` }),
    el('div', { class: 'no-print' }, print, backBtn),
    sheet);
}
