// signature.js — the délégant reads a protocol as a physician reads a document, then signs its
// template prescriptions: the criteria as sentences, the templates as prescription lines, the
// sources as numbered footnotes, the notes addressed to the signer, and — for the lines the
// protocol leaves open — the molecule, dose, number of doses a day and duration to complete
// within the protocol's bounds (part of what is signed). The signature form is offered only to
// a délégant the API allows to sign; others read the document with the reason.
import { api, el, field, show, showError, clearErrors, backButton } from './lib.js';

function refs(notes) {
  return notes && notes.length ? el('sup', { class: 'source-ref', text: ` ${notes.map((n) => `[${n}]`).join('')}` }) : null;
}

// The inputs completing one open line; returns { node, value() }.
function completionFields(line, i, done) {
  const c = line.complete;
  const parts = [];
  const get = {};
  const id = (k) => `sign-${i}-${k}`;
  if (c.substances) {
    const sel = el('select', { name: `${id('substance')}` }, el('option', { value: '', text: '— choisir —' }),
      ...c.substances.map((s) => el('option', { value: s, text: s })));
    if (done && done.substance) sel.value = done.substance;
    parts.push(field(id('substance'), 'Molécule', sel));
    get.substance = () => sel.value || undefined;
  }
  const num = (key, label, min, max, step, unit, value) => {
    const input = el('input', { type: 'number', min: String(min), max: String(max), step, inputmode: 'decimal', autocomplete: 'off' });
    if (value !== undefined) input.value = String(value);
    parts.push(field(id(key), label, input, `Entre ${String(min).replace('.', ',')} et ${String(max).replace('.', ',')}${unit ? ` ${unit}` : ''}, selon le protocole.`));
    return () => (input.value === '' ? undefined : Number(input.value));
  };
  if (c.dose) get.dose = num('dose', `Dose par prise (${c.dose.unit})`, c.dose.min, c.dose.max, 'any', c.dose.unit, done && done.dose);
  if (c.doses_per_day) get.doses_per_day = num('doses-per-day', 'Nombre de prises par jour', c.doses_per_day.min, c.doses_per_day.max, '1', '', done && done.doses_per_day);
  if (c.duration_days) get.duration_days = num('duration', 'Durée du traitement (jours)', c.duration_days.min, c.duration_days.max, '1', 'jours', done && done.duration_days);
  const node = el('fieldset', { class: 'completion' }, el('legend', { text: 'À compléter par vous avant de signer' }), ...parts);
  return {
    node,
    value: () => {
      const out = { line: line.key };
      for (const [k, f] of Object.entries(get)) { const v = f(); if (v !== undefined) out[k] = v; }
      return out;
    },
  };
}

export async function signScreen(p) {
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(p.id)}/signature`);
  const title = el('h1', { text: `Modèles d\u2019ordonnance — ${p.title}` });
  if (!res.ok) { show(title, el('p', { class: 'error', role: 'alert', text: api.message(res) }), backButton()); return; }
  const doc = res.body;
  const done = new Map((doc.completions || []).map((c) => [c.line, c]));
  const completions = [];
  const body = el('section', { class: 'card document', 'aria-labelledby': 'protocol-text-title' },
    el('h2', { id: 'protocol-text-title', text: 'Le protocole' }),
    doc.summary ? el('p', { text: doc.summary }) : null);
  for (const s of doc.sections) {
    body.append(el('h3', { text: s.title }), el('ul', {}, ...s.items.map((it) => el('li', {}, it.text, refs(it.notes)))));
  }
  const rx = el('section', { class: 'card document', 'aria-labelledby': 'templates-title' },
    el('h2', { id: 'templates-title', text: 'Les ordonnances types' }));
  let i = 0;
  for (const t of doc.templates) {
    const items = t.lines.map((l) => {
      const li = el('li', {}, l.text, refs(l.notes));
      if (l.signer_note) li.append(el('p', { class: 'help signer-note', text: `Note pour le délégant signataire : ${l.signer_note}` }));
      if (l.never_issued) li.append(el('p', { class: 'warning', text: 'Cette ligne ne sera jamais délivrée : le protocole n\u2019en fixe pas la posologie et ne permet pas de la compléter à la signature.' }));
      if (l.complete) {
        const c = completionFields(l, i++, done.get(l.key));
        completions.push(c);
        if (doc.may_sign) li.append(c.node);
      }
      return li;
    });
    rx.append(el('h3', { text: t.label }), el('ol', { class: 'prescription' }, ...items));
  }
  const sources = el('section', { class: 'card document', 'aria-labelledby': 'sources-title' },
    el('h2', { id: 'sources-title', text: 'Sources' }),
    el('ol', { class: 'footnotes' }, ...doc.footnotes.map((f) => el('li', { value: String(f.n), text: f.text }))));

  let form = null;
  if (!doc.may_sign) {
    form = el('p', { class: 'notice', role: 'status', text: `Vous pouvez lire ce protocole ; vous ne pouvez pas signer ses ordonnances types : ${doc.refusal}` });
  } else {
    const read = el('input', { type: 'checkbox', id: 'sign-read', name: 'read', 'aria-required': 'true' });
    form = el('form', { class: 'card', novalidate: true, 'aria-labelledby': 'sign-title' },
      el('h2', { id: 'sign-title', text: 'Signature' }),
      el('p', { text: `En signant, vous approuvez les ordonnances types de ce protocole${completions.length ? ', avec ce que vous avez complété' : ''} : les délégués pourront les délivrer à leurs patients dans le cadre du protocole.` }),
      el('div', { class: 'field' }, el('label', { class: 'inline', for: 'sign-read' }, read,
        'J\u2019ai lu le protocole et les modèles d\u2019ordonnance')),
      el('button', { type: 'submit', text: 'Signer les modèles' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const button = form.querySelector('button[type=submit]');
      if (button.disabled) return;
      clearErrors(form);
      if (!read.checked) {
        showError(form, 'Cochez « J\u2019ai lu le protocole et les modèles d\u2019ordonnance » avant de signer.', 'read');
        return;
      }
      button.disabled = true;
      try {
        const r = await api.call('POST', `/api/v1/protocols/${encodeURIComponent(p.id)}/sign`,
          completions.length ? { completions: completions.map((c) => c.value()) } : {});
        if (!r.ok) { showError(form, r); return; }
        show(el('h1', { text: 'Modèles d\u2019ordonnance signés' }),
          el('p', { class: 'ok', role: 'status', text: `Vous avez signé les modèles d\u2019ordonnance du protocole « ${p.title} » : les délégués peuvent désormais les délivrer.` }),
          backButton());
      } finally {
        button.disabled = false;
      }
    });
  }
  show(title,
    doc.may_sign ? el('p', { class: 'notice', text: 'Lisez le protocole jusqu\u2019au bout, en particulier les ordonnances types et les points à vérifier : ce qui reste à compléter, la case à cocher et le bouton de signature sont en bas de la page.' }) : null,
    body, rx, sources, form, backButton());
}
