// questions.js — a protocol's questions as form fields (boolean, choice, several choices as
// checkboxes with « Aucune », date, number with a French comma accepted) and the answers read back from the form, for the secretariat's
// orientation and the délégué's examination. Which questions a screen shows is the API's
// answer ("ask": the questions the person at that step may answer, conditional ones as soon as
// they apply — shown and hidden as the answers are typed, before any save: watchAnswers()); at
// orientation each question can also be marked "Ne sait pas".
import { api, el, field, parseDecimalFr } from './lib.js';

// An input for one protocol question; the answer is read back by answerOf(). With
// { unknown: true }, the person can also say they do not know (orientation).
export function questionInput(q, opts = {}) {
  if (q.type === 'boolean') {
    const group = el('fieldset', { class: 'field', id: q.id },
      el('legend', { text: q.label }),
      el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'true' }), ' Oui'),
      el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'false' }), ' Non'),
      opts.unknown ? el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'unknown' }), ' Ne sait pas') : null);
    if (q.help) group.append(el('p', { class: 'help', text: q.help }));
    group.dataset.question = q.id;
    return group;
  }
  if (q.type === 'multichoice') {
    // one box per choice, and « Aucune » to say that none applies (an answer: the empty list),
    // so that nothing ticked stays "not answered"
    const group = el('fieldset', { class: 'field', id: q.id },
      el('legend', { text: q.label }),
      ...q.choices.map((c) => el('label', { class: 'block' },
        el('input', { type: 'checkbox', name: q.id, value: c.code }), ` ${c.label}`)),
      el('label', { class: 'block' }, el('input', { type: 'checkbox', name: `${q.id}--none`, value: 'none' }), ' Aucune'),
      opts.unknown ? el('label', { class: 'block' },
        el('input', { type: 'checkbox', name: `${q.id}--unknown`, value: 'unknown' }), ' Ne sait pas') : null);
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
  if (opts.unknown) {
    wrap.append(el('label', { class: 'inline' },
      el('input', { type: 'checkbox', name: `${q.id}--unknown`, value: 'unknown' }), ' Ne sait pas'));
  }
  wrap.dataset.question = q.id;
  return wrap;
}

// Is q marked "Ne sait pas" in the form?
function unknownOf(form, q) {
  if (q.type === 'boolean') {
    const checked = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
    return Boolean(checked && checked.value === 'unknown');
  }
  const box = form.elements[`${q.id}--unknown`];
  return Boolean(box && box.checked);
}

// The answer typed for q, or undefined when empty; a number that cannot be read is reported
// in `bad` (the question's id) so the caller shows the error next to it.
function answerOf(form, q, bad) {
  if (unknownOf(form, q)) return undefined;
  if (q.type === 'boolean') {
    const checked = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
    return checked ? checked.value === 'true' : undefined;
  }
  if (q.type === 'multichoice') {
    const codes = [...form.querySelectorAll(`input[name="${CSS.escape(q.id)}"]:checked`)].map((b) => b.value);
    if (codes.length) return codes;
    const none = form.elements[`${q.id}--none`];
    return none && none.checked ? [] : undefined;
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

// The answers of the visible questions, and those marked "Ne sait pas" (unknown).
export function collectAnswers(form, questions) {
  const answers = {};
  const bad = [];
  const unknown = [];
  for (const q of questions) {
    const node = form.querySelector(`[data-question="${CSS.escape(q.id)}"]`);
    if (node && node.hidden) continue;
    if (unknownOf(form, q)) { unknown.push(q.id); continue; }
    const a = answerOf(form, q, bad);
    if (a !== undefined) answers[q.id] = a;
  }
  return { answers, bad, unknown };
}

// Shows an answer already recorded (coming back to a form); `unknown` marks "Ne sait pas".
export function fillAnswer(form, q, a, unknown = false) {
  if (q.type === 'boolean') {
    const value = unknown ? 'unknown' : (a ? 'true' : 'false');
    if (!unknown && a === undefined) return;
    const radio = form.querySelector(`input[name="${CSS.escape(q.id)}"][value="${value}"]`);
    if (radio) radio.checked = true;
    return;
  }
  if (unknown) {
    const box = form.elements[`${q.id}--unknown`];
    if (box) box.checked = true;
    return;
  }
  if (q.type === 'multichoice') {
    if (!Array.isArray(a)) return;
    for (const box of form.querySelectorAll(`input[name="${CSS.escape(q.id)}"]`)) box.checked = a.includes(box.value);
    const none = form.elements[`${q.id}--none`];
    if (none) none.checked = a.length === 0;
    return;
  }
  if (a === undefined || !form.elements[q.id]) return;
  form.elements[q.id].value = typeof a === 'number' ? String(a).replace('.', ',') : a;
}

// Shows only the questions the API says the person may answer now (`ids`); returns the
// questions that just appeared (conditional ones that now apply).
export function showOnly(form, questions, ids) {
  const keep = new Set(ids || []);
  const appeared = [];
  for (const q of questions) {
    const node = form.querySelector(`[data-question="${CSS.escape(q.id)}"]`);
    if (!node) continue;
    const shown = keep.has(q.id);
    if (shown && node.hidden) appeared.push(q);
    node.hidden = !shown;
  }
  return appeared;
}

// Shows and hides the conditional questions as the answers are given, without saving: after
// each change of a field (250 ms after the last one), the answers on the screen (with the
// "Ne sait pas" marks when `opts.unknown`) go to the API's preview of episode `episodeId`, which
// checks and evaluates them as a save would and stores nothing; `apply(engine)` then shows what
// it says (engine.ask). Nothing typed is touched and the focus stays where it is. An answer
// that arrives after a newer change, or after a save, is ignored; if the call fails, the screen
// stays as it is (the save still says which questions apply). Returns { cancel }, to call when
// a save starts.
export function watchAnswers(form, questions, episodeId, apply, opts = {}) {
  let timer = null;
  let seq = 0;
  const preview = async () => {
    timer = null;
    const mine = ++seq;
    const { answers, unknown } = collectAnswers(form, questions);
    const body = opts.unknown ? { answers, unknown } : { answers };
    const r = await api.send('POST', `/api/v1/episodes/${episodeId}/preview`, body, { readOnly: true });
    if (mine !== seq || !form.isConnected || !r.ok || !r.body || !r.body.engine) return;
    apply(r.body.engine);
  };
  const changed = (ev) => {
    if (!(ev.target instanceof Element) || !ev.target.closest('[data-question]')) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(preview, 250);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  return {
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      seq++;
    },
  };
}
