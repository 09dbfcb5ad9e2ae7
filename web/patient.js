// patient.js — finding, creating, correcting and merging a patient's record, with identity
// vigilance: the search ignores capitals and accents (the server compares folded names), a
// creation that doubles an existing record shows that record to choose it (or, for a close
// resemblance only, to confirm another person), a correction names the version it corrects,
// and the secretariat merges two records of the same person. The rules are the server's; this
// module shows what it answers. Used by the secretary's new request (secretariat.js).
import { api, el, field, showError, clearErrors, dateFr, patientName, hasRole, actionButton } from './lib.js';

const sexLabels = { female: 'Féminin', male: 'Masculin', unknown: 'Inconnu' };

// "LEFÈVRE INÈS, née le 14/02/1980 — NIR 2 80 02 75 112 001 35"
function describe(p) {
  const born = p.sex === 'female' ? 'née' : p.sex === 'male' ? 'né' : 'né(e)';
  const nir = p.nir ? ` — NIR ${p.nir.replace(/^(.)(..)(..)(..)(...)(...)(..)$/, '$1 $2 $3 $4 $5 $6 $7')}` : ' — sans NIR';
  return `${patientName(p)}, ${born} le ${dateFr(p.birth_date)}${nir}`;
}

// The identity fields, filled from p when given. Ids carry the prefix; names are the API's
// fields so that an error lands next to its field.
function identityFields(prefix, p = {}) {
  const input = (name, attrs = {}) => el('input', { name, autocomplete: 'off', ...attrs });
  const sex = el('select', { name: 'sex' }, ...Object.entries(sexLabels).map(([value, text]) =>
    el('option', { value, text, selected: p.sex === value })));
  const id = (n) => `${prefix}${n}`;
  return [
    field(id('birth_name'), 'Nom de naissance', input('birth_name', { required: true, value: p.birth_name }),
      'Comme sur la pièce d\u2019identité : lettres, espace, trait d\u2019union, apostrophe.'),
    field(id('first_names'), 'Prénoms de naissance', input('first_names', { required: true, value: p.first_names })),
    field(id('used_name'), 'Nom utilisé (facultatif)', input('used_name', { value: p.used_name })),
    field(id('birth_date'), 'Date de naissance', input('birth_date', { type: 'date', required: true, value: p.birth_date })),
    field(id('sex'), 'Sexe', sex),
    field(id('nir'), 'NIR (facultatif)', input('nir', { inputmode: 'text', value: p.nir }),
      '15 caractères ; les espaces sont acceptés.'),
    field(id('gp_name'), 'Médecin traitant (facultatif)', input('gp_name', { value: p.gp && p.gp.name })),
  ];
}

// The identity as the API takes it, read from a form built with identityFields().
function identityBody(form, previous) {
  const v = (n) => form.elements[n].value.trim();
  const body = { birth_name: v('birth_name'), first_names: v('first_names'),
    birth_date: v('birth_date'), sex: v('sex') };
  if (v('used_name')) body.used_name = v('used_name');
  if (v('nir')) body.nir = v('nir');
  if (previous) {
    // a correction replaces the whole record: what the form does not show is sent back as is
    body.birthplace_code = previous.birthplace_code;
    body.gp = { ...(previous.gp || {}), name: v('gp_name') || null };
  } else if (v('gp_name')) {
    body.gp = { name: v('gp_name') };
  }
  return body;
}

// The records the server found the new one may double: each can be chosen; when the server
// allows it (a close resemblance only), the user may confirm another person.
function duplicatesPanel(res, onChosen, onConfirm) {
  const items = (res.body.candidates || []).map((p) => el('li', {}, describe(p),
    onChosen ? el('button', { type: 'button', class: 'secondary', text: 'Choisir ce dossier',
      'aria-label': `Choisir le dossier de ${patientName(p)}`, onclick: () => onChosen(p) }) : null));
  return el('div', { class: 'duplicates', role: 'alert' },
    el('p', { class: 'error', text: api.message(res) }),
    el('ul', { class: 'results' }, ...items),
    res.body.can_confirm && onConfirm
      ? actionButton('C\u2019est une autre personne : créer son dossier', onConfirm, { class: 'secondary' })
      : null);
}

// "1. Trouver le patient" and "Ou créer le patient": the two cards of a new request.
// onChosen(patient) receives the record the user chose, found or created.
export function patientFinder(onChosen) {
  const name = el('input', { autocomplete: 'off', required: true, minlength: '2' });
  const born = el('input', { type: 'date' });
  // the results hold forms of their own (correction, merge): they sit beside the search form,
  // not in it
  const results = el('div', { 'aria-live': 'polite' });
  const search = el('form', {},
    field('search-name', 'Nom de naissance ou nom utilisé (au moins deux lettres, accents facultatifs)', name),
    field('search-born', 'Date de naissance (facultative)', born),
    el('button', { type: 'submit', text: 'Rechercher' }));
  const card = el('section', { class: 'card', 'aria-labelledby': 'search-title' },
    el('h2', { id: 'search-title', text: '1. Trouver le patient' }), search, results);
  // the results come a page at a time (the server's order: the name that matched, then the
  // first names): « Afficher plus » adds the next page to those shown
  let query = null;
  let found = [];
  let next = null;
  const page = (after) => {
    const q = new URLSearchParams(query);
    if (after) q.set('after', after);
    return api.call('GET', `/api/v1/patients?${q}`);
  };
  const item = (p) => el('li', {}, `${describe(p)} `,
    el('button', { type: 'button', class: 'secondary', text: 'Choisir',
      'aria-label': `Choisir ${patientName(p)}`, onclick: () => onChosen(p) }),
    el('button', { type: 'button', class: 'secondary', text: 'Corriger',
      'aria-label': `Corriger le dossier de ${patientName(p)}`,
      onclick: () => results.replaceChildren(correctionForm(p, () => run('Dossier corrigé.'))) }));
  const render = (notice) => {
    results.replaceChildren(
      notice ? el('p', { class: 'notice', role: 'status', text: notice }) : '',
      found.length
        ? el('ul', { class: 'results' }, ...found.map(item))
        : el('p', { class: 'empty', text: 'Aucun patient trouvé : créez-le ci-dessous.' }),
      next ? el('p', { class: 'help', text: `${found.length} patients affichés : d\u2019autres correspondent à la recherche.` }) : '',
      next ? actionButton('Afficher plus', showMore, { class: 'secondary more' }) : '',
      found.length >= 2 && hasRole('secretary') ? mergeForm(found, run) : '');
  };
  const showMore = async () => {
    const res = await page(next);
    if (!res.ok) { showError(search, res, 'search-name'); return; }
    const first = found.length;
    found = found.concat(res.body.items);
    next = res.body.next;
    render();
    // the keyboard goes on from the first patient added
    const added = results.querySelectorAll('ul.results > li')[first];
    if (added) added.querySelector('button').focus();
  };
  const run = async (notice) => {
    query = new URLSearchParams({ name: name.value });
    if (born.value) query.set('birth_date', born.value);
    const res = await page(null);
    if (!res.ok) { showError(search, res, 'search-name'); return; }
    clearErrors(search);
    found = res.body.items;
    next = res.body.next;
    render(notice);
  };
  search.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  return [card, creationForm(onChosen)];
}

function creationForm(onChosen) {
  const form = el('form', { class: 'card', 'aria-labelledby': 'create-title' },
    el('h2', { id: 'create-title', text: 'Ou créer le patient' }),
    ...identityFields(''),
    el('button', { type: 'submit', text: 'Créer le patient' }));
  const submit = form.querySelector('button[type=submit]');
  const send = async (confirm) => {
    if (submit.disabled) return;
    form.querySelectorAll('.duplicates').forEach((d) => d.remove());
    const body = identityBody(form);
    if (confirm) body.confirm_distinct = true;
    submit.disabled = true;
    let res;
    try { res = await api.call('POST', '/api/v1/patients', body); } finally { submit.disabled = false; }
    if (res.status === 409 && res.body && res.body.error.code === 'duplicate') {
      clearErrors(form);
      const panel = duplicatesPanel(res, onChosen, () => send(true));
      form.append(panel);
      panel.querySelector('button') && panel.querySelector('button').focus();
      return;
    }
    if (!res.ok) { showError(form, res); return; }
    onChosen(res.body);
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); send(false); });
  return form;
}

// Correcting a record: the whole identity, with the version read; done() after saving.
function correctionForm(p, done) {
  const form = el('form', { class: 'inline-form correction', 'aria-labelledby': 'fix-title' },
    el('h3', { id: 'fix-title', text: `Corriger le dossier de ${patientName(p)}` }),
    ...identityFields('fix-', p),
    el('button', { type: 'submit', text: 'Enregistrer la correction' }),
    el('button', { type: 'button', class: 'secondary', text: 'Annuler', onclick: () => done() }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    if (submit.disabled) return;
    submit.disabled = true;
    form.querySelectorAll('.duplicates').forEach((d) => d.remove());
    try {
      const res = await api.call('PUT', `/api/v1/patients/${p.id}`, { version: p.version, ...identityBody(form, p) });
      if (res.status === 409 && res.body && res.body.error.code === 'duplicate') {
        clearErrors(form);
        form.append(duplicatesPanel(res, null, null));
        return;
      }
      if (!res.ok) { showError(form, res); return; }
      done();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// Merging two records of the same person (secretariat): the record kept, the duplicate merged
// into it; the server moves the duplicate's episodes and removes it from the searches.
function mergeForm(found, refresh) {
  const options = (selected) => found.map((p, i) => el('option', { value: String(i), text: describe(p), selected: i === selected }));
  const kept = el('select', { name: 'kept' }, ...options(0));
  const dup = el('select', { name: 'duplicate_id' }, ...options(1));
  const checked = el('input', { type: 'checkbox', id: 'merge-checked', name: 'checked' });
  const form = el('form', { class: 'inline-form merge', 'aria-labelledby': 'merge-title' },
    el('h3', { id: 'merge-title', text: 'Fusionner deux dossiers de la même personne' }),
    field('merge-kept', 'Dossier à conserver', kept),
    field('merge-duplicate', 'Doublon à fusionner dans ce dossier', dup,
      'Ses prises en charge sont rattachées au dossier conservé ; il n\u2019apparaît plus dans les recherches.'),
    el('div', { class: 'field' }, el('label', { class: 'inline' }, checked,
      ' J\u2019ai vérifié qu\u2019il s\u2019agit de la même personne')),
    el('button', { type: 'submit', text: 'Fusionner' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    if (submit.disabled) return;
    const a = found[Number(kept.value)], b = found[Number(dup.value)];
    if (a === b) { showError(form, 'Choisissez deux dossiers différents.', 'duplicate_id'); return; }
    if (!checked.checked) { showError(form, 'Cochez la case après avoir vérifié qu\u2019il s\u2019agit de la même personne.', 'checked'); return; }
    submit.disabled = true;
    try {
      const res = await api.call('POST', `/api/v1/patients/${a.id}/merge`,
        { version: a.version, duplicate_id: b.id, duplicate_version: b.version });
      if (!res.ok) { showError(form, res); return; }
      const n = res.body.episodes_moved.length;
      await refresh(`Dossiers fusionnés : ${n === 0 ? 'aucune prise en charge à rattacher' : n === 1 ? '1 prise en charge rattachée' : `${n} prises en charge rattachées`} au dossier conservé.`);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
