// secretariat.js — the secretary's screens: a new request (find or create the patient, choose
// the protocol, its orientation questions, proposal or usual care, consent) and the day's list
// of patients with who sees them.
import { api, nav, el, field, showError, clearErrors, show, backButton, card, table, dateFr,
  isoDay, instantFr, patientName, urgencyLabels, at, bornFr, forPatient, bySex } from './lib.js';
import { questionInput, collectAnswers } from './questions.js';

const title = () => el('h1', { text: 'Nouvelle demande' });

export function newRequest() {
  at('nouvelle-demande');
  const name = el('input', { autocomplete: 'off', required: true, minlength: '2' });
  const born = el('input', { type: 'date' });
  const results = el('div', { 'aria-live': 'polite' });
  const search = el('form', { class: 'card', 'aria-labelledby': 'search-title' },
    el('h2', { id: 'search-title', text: '1. Trouver le patient' }),
    field('search-name', 'Nom de naissance (au moins deux lettres)', name),
    field('search-born', 'Date de naissance (facultative)', born),
    el('button', { type: 'submit', text: 'Rechercher' }), results);
  search.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ name: name.value });
    if (born.value) q.set('birth_date', born.value);
    const res = await api.call('GET', `/api/v1/patients?${q}`);
    if (!res.ok) { showError(search, res, 'search-name'); return; }
    clearErrors(search);
    const items = res.body.items.map((p) => el('li', {},
      `${patientName(p)}, ${bornFr(p)} `,
      el('button', { type: 'button', class: 'secondary', text: 'Choisir',
        'aria-label': `Choisir ${patientName(p)}`, onclick: () => chooseProtocol(p) })));
    results.replaceChildren(items.length
      ? el('ul', { class: 'results' }, ...items)
      : el('p', { class: 'empty', text: 'Aucun patient trouvé : créez-le ci-dessous.' }));
  });
  show(title(), search, patientForm(), backButton());
}

function patientForm() {
  const sex = el('select', {}, el('option', { value: 'female', text: 'Féminin' }),
    el('option', { value: 'male', text: 'Masculin' }), el('option', { value: 'unknown', text: 'Inconnu' }));
  const form = el('form', { class: 'card', 'aria-labelledby': 'create-title' },
    el('h2', { id: 'create-title', text: 'Ou créer le patient' }),
    field('birth_name', 'Nom de naissance', el('input', { required: true, autocomplete: 'off' })),
    field('first_names', 'Prénoms de naissance', el('input', { required: true, autocomplete: 'off' })),
    field('used_name', 'Nom utilisé (facultatif)', el('input', { autocomplete: 'off' })),
    field('birth_date', 'Date de naissance', el('input', { type: 'date', required: true })),
    field('sex', 'Sexe', sex),
    field('nir', 'NIR (facultatif)', el('input', { autocomplete: 'off', inputmode: 'text' }),
      '15 caractères ; les espaces sont acceptés.'),
    field('gp_name', 'Médecin traitant (facultatif)', el('input', { autocomplete: 'off' })),
    el('button', { type: 'submit', text: 'Créer le patient' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (n) => form.elements[n].value.trim();
    const body = { birth_name: v('birth_name'), first_names: v('first_names'),
      birth_date: v('birth_date'), sex: v('sex') };
    if (v('used_name')) body.used_name = v('used_name');
    if (v('nir')) body.nir = v('nir');
    if (v('gp_name')) body.gp = { name: v('gp_name') };
    const res = await api.call('POST', '/api/v1/patients', body);
    if (!res.ok) { showError(form, res); return; }
    chooseProtocol(res.body);
  });
  return form;
}

export async function chooseProtocol(patient) {
  at(`nouvelle-demande/patient/${patient.id}`);
  // only the protocols the API says fit the patient's age and sex; nothing chosen in advance
  const res = await api.call('GET', `/api/v1/protocols?patient_id=${patient.id}`);
  const choices = res.ok ? res.body.items.filter((p) => p.adopted && p.status === 'active' && p.fits_patient) : [];
  const select = el('select', {}, el('option', { value: '', text: '— choisir le protocole —' }),
    ...choices.map((p) => el('option', { value: p.id, text: p.title })));
  const form = el('form', { class: 'card', 'aria-labelledby': 'protocol-title' },
    el('h2', { id: 'protocol-title', text: `2. Protocole pour ${patientName(patient)}` }),
    field('protocol_id', 'Protocole', select),
    el('button', { type: 'submit', text: 'Poser les questions d\u2019orientation' }));
  if (!res.ok) form.append(el('p', { class: 'error', role: 'alert', text: api.message(res) }));
  if (res.ok && !choices.length) form.append(el('p', { class: 'notice', text: 'Aucun protocole adopté ne convient à l\u2019âge et au sexe de ce patient : il relève de son médecin, de la manière habituelle.' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!select.value) { showError(form, 'Choisissez le protocole.', 'protocol_id'); return; }
    const created = await api.call('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: select.value });
    if (!created.ok) { showError(form, created); return; }
    orientation(created.body);
  });
  show(title(), form, backButton());
}

export async function orientation(episode) {
  at(`nouvelle-demande/orientation/${episode.id}`);
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(episode.protocol_id)}`);
  if (!res.ok) { show(el('p', { class: 'error', role: 'alert', text: api.message(res) }), backButton()); return; }
  const questions = res.body.questions.filter((q) => q.asked_by === 'orientation' && !q.conditional);
  const outcome = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'card', 'aria-labelledby': 'orient-title' },
    el('h2', { id: 'orient-title', text: `3. Questions d\u2019orientation — ${res.body.title}` }),
    ...questions.map(questionInput),
    el('button', { type: 'submit', text: 'Enregistrer les réponses' }), outcome);
  let version = episode.version;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { answers, bad } = collectAnswers(form, questions);
    if (bad.length) { showError(form, 'Nombre illisible : écrivez par exemple 37,5.', bad[0]); return; }
    const saved = await api.call('PUT', `/api/v1/episodes/${episode.id}/answers`, { version, answers });
    if (!saved.ok) { showError(form, saved); return; }
    version = saved.body.version;
    clearErrors(form);
    const excluded = saved.body.engine && saved.body.engine.decision === 'excluded';
    const act = async (action, next) => {
      const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/${action}`, { version });
      if (!r.ok) { showError(form, r); return; }
      version = r.body.version;
      next(r.body);
    };
    const usual = () => act('orient_to_usual_care', () => done('Orientation vers le médecin enregistrée.'));
    outcome.replaceChildren(excluded
      ? el('div', {}, el('p', { class: 'notice', text: 'Les réponses excluent le protocole : la patiente ou le patient relève de son médecin, de la manière habituelle.' }),
        el('button', { type: 'button', text: 'Orienter vers le médecin', onclick: usual }))
      : el('div', {}, el('p', { class: 'notice', text: 'Rien n\u2019exclut le protocole à ce stade : il peut être proposé.' }),
        el('button', { type: 'button', text: 'Proposer le protocole', onclick: () => act('propose', (ep) => consent(ep)) }),
        el('button', { type: 'button', class: 'secondary', text: 'Orienter vers le médecin', onclick: usual })));
  });
  show(title(), form, backButton());
}

export function consent(episode) {
  at(`nouvelle-demande/consentement/${episode.id}`);
  const how = el('input', { autocomplete: 'off', value: 'oral, à l\u2019accueil' });
  const form = el('form', { class: 'card', 'aria-labelledby': 'consent-title' },
    el('h2', { id: 'consent-title', text: '4. Consentement' }),
    el('p', { text: `${bySex(episode.patient && episode.patient.sex, 'La patiente accepte-t-elle d\u2019être prise', 'Le patient accepte-t-il d\u2019être pris', 'La patiente ou le patient accepte-t-il d\u2019être pris')} en charge par le professionnel délégué, et le partage de son dossier au sein de l\u2019équipe ?` }),
    field('how', 'Comment le consentement a été recueilli', how));
  const record = async (action, message) => {
    const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/${action}`,
      { version: episode.version, how: how.value.trim() || undefined });
    if (!r.ok) { showError(form, r); return; }
    done(message);
  };
  form.append(el('button', { type: 'button', text: 'Consentement donné', onclick: () => record('record_consent_given', `Consentement enregistré : ${bySex(episode.patient && episode.patient.sex, 'la patiente', 'le patient', 'la patiente ou le patient')} attend le délégué.`) }),
    el('button', { type: 'button', class: 'secondary', text: 'Refus : soins habituels', onclick: () => record('record_consent_refused', 'Refus enregistré : prise en charge habituelle par le médecin.') }));
  show(title(), form);
}

function done(message) {
  show(el('h1', { text: 'Demande enregistrée' }),
    el('p', { class: 'notice', role: 'status', text: message }),
    el('button', { type: 'button', text: 'Retour au tableau de bord', onclick: () => nav.home() }));
}

// The day's list: episodes created or updated today, with who sees the patient.
export async function dayList(episodes, openEpisode) {
  const today = nav.session.today || isoDay(Date.now() / 1000);
  const pros = await api.call('GET', '/api/v1/professionals');
  const names = new Map((pros.ok ? pros.body.items : []).map((p) => [p.id, `${p.first_names} ${p.last_name}`]));
  const todays = episodes.filter((e) => isoDay(e.created_at) === today || isoDay(e.updated_at) === today);
  const section = card('Patients du jour');
  if (!todays.length) {
    section.append(el('p', { class: 'empty', text: 'Aucun patient aujourd\u2019hui pour le moment.' }));
    return section;
  }
  const who = (e) => {
    if (e.delegue_id) return names.get(e.delegue_id) || `professionnel n° ${e.delegue_id}`;
    if (e.state === 'consented') return 'en attente du délégué';
    return '—';
  };
  const rows = todays.map((e) => el('tr', {},
    el('td', { text: patientName(e.patient) }),
    el('td', { text: e.protocol_title }),
    el('td', { text: forPatient(e.state_label, e.patient) + (e.summary && e.summary.urgency && e.summary.decision === 'excluded'
      ? ` — ${urgencyLabels[e.summary.urgency] || ''}` : '') }),
    el('td', { text: who(e) }),
    el('td', { text: instantFr(e.updated_at).slice(-5) }),
    el('td', {}, el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
      'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) }))));
  section.append(table(['Patient', 'Protocole', 'Étape', 'Vu par', 'Heure', 'Action'], rows, 'Patients du jour'));
  return section;
}
