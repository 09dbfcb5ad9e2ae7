// questions.js — a protocol's questions as form fields (boolean, choice, date, number with a
// French comma accepted) and the answers read back from the form, for the secretariat's
// orientation and the délégué's examination.
import { el, field, parseDecimalFr } from './lib.js';

// An input for one protocol question; the answer is read back by answerOf().
export function questionInput(q) {
  if (q.type === 'boolean') {
    const group = el('fieldset', { class: 'field', id: q.id },
      el('legend', { text: q.label }),
      el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'true' }), ' Oui'),
      el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'false' }), ' Non'));
    if (q.help) group.append(el('p', { class: 'help', text: q.help }));
    group.dataset.question = q.id;
    return group;
  }
  let input;
  if (q.type === 'choice') {
    input = el('select', { name: q.id }, el('option', { value: '', text: '— choisir —' }),
      ...q.choices.map((c) => el('option', { value: c.code, text: c.label })));
  } else if (q.type === 'date') {
    input = el('input', { type: 'date', name: q.id });
  } else {
    // text with a decimal keyboard: a French comma ("37,5") is accepted
    input = el('input', { type: 'text', name: q.id, inputmode: q.type === 'integer' ? 'numeric' : 'decimal',
      autocomplete: 'off' });
  }
  const bounds = q.min !== null && q.min !== undefined && q.max !== null && q.max !== undefined
    ? `entre ${String(q.min).replace('.', ',')} et ${String(q.max).replace('.', ',')}` : '';
  const help = [q.help, bounds].filter(Boolean).join(' — ');
  const wrap = field(`q-${q.id}`, q.unit ? `${q.label} (${q.unit})` : q.label, input, help || undefined);
  wrap.dataset.question = q.id;
  return wrap;
}

// The answer typed for q, or undefined when empty; a number that cannot be read is reported
// in `bad` (the question's id) so the caller shows the error next to it.
function answerOf(form, q, bad) {
  if (q.type === 'boolean') {
    const checked = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
    return checked ? checked.value === 'true' : undefined;
  }
  const v = form.elements[q.id] ? form.elements[q.id].value.trim() : '';
  if (v === '') return undefined;
  if (q.type === 'integer' || q.type === 'decimal') {
    const x = parseDecimalFr(v);
    if (Number.isNaN(x) || (q.type === 'integer' && !Number.isInteger(x))) {
      if (bad) bad.push(q.id);
      return undefined;
    }
    return x;
  }
  return v;
}

export function collectAnswers(form, questions) {
  const answers = {};
  const bad = [];
  for (const q of questions) {
    const a = answerOf(form, q, bad);
    if (a !== undefined) answers[q.id] = a;
  }
  return { answers, bad };
}

