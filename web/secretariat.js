// secretariat.js — the secretary's screens: a new request (find or create the patient — in
// patient.js —, choose the protocol, its orientation questions, proposal or usual care, consent) and the day's list
// of patients with who sees them.
import { api, nav, el, field, showError, clearErrors, show, backButton, card, table,
  instantFr, patientName, actionButton, at, forPatient, bySex } from './lib.js';
import { questionInput, collectAnswers, fillAnswer, showOnly, watchAnswers } from './questions.js';
import { isReferral, urgencyBanner, urgencyTag } from './urgency.js';
import { patientFinder } from './patient.js';
import { pagedList } from './episode.js';

const title = () => el('h1', { text: 'Nouvelle demande' });

export function newRequest() {
  at('nouvelle-demande');
  show(title(), ...patientFinder(chooseProtocol), backButton());
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

// Resumes a request left at orientation or at the proposal (from the day's list or the
// episode's screen): the orientation questions with what was already said, or the consent.
export async function resumeRequest(id) {
  const res = await api.call('GET', `/api/v1/episodes/${id}`);
  if (!res.ok) { show(title(), el('p', { class: 'error', role: 'alert', text: api.message(res) }), backButton()); return; }
  if (res.body.state === 'proposed') consent(res.body);
  else orientation(res.body);
}

// Cancelling a request (a patient who left, a request made by mistake): a reason, then done.
export function cancelForm(episode, onDone) {
  const reason = el('input', { autocomplete: 'off', maxlength: '2000' });
  const form = el('form', { class: 'inline-form', 'aria-label': 'Annuler la demande' },
    field(`cancel-reason-${episode.id}`, 'Motif de l\u2019annulation', reason));
  form.append(actionButton('Annuler la demande', async () => {
    if (!reason.value.trim()) { showError(form, 'Indiquez pourquoi la demande est annulée.', reason.name); return; }
    const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/cancel`,
      { version: episode.version, reason: reason.value.trim() });
    if (!r.ok) { showError(form, r); return; }
    (onDone || done)('Demande annulée.');
  }, { class: 'secondary' }));
  return form;
}

export async function orientation(created) {
  at(`nouvelle-demande/orientation/${created.id}`);
  // the episode as the API sees it: which orientation questions apply ("ask")
  const [got, res] = await Promise.all([api.call('GET', `/api/v1/episodes/${created.id}`),
    api.call('GET', `/api/v1/protocols/${encodeURIComponent(created.protocol_id)}`)]);
  if (!res.ok || !got.ok) { show(el('p', { class: 'error', role: 'alert', text: api.message(res.ok ? got : res) }), backButton()); return; }
  const episode = got.body;
  const questions = res.body.questions.filter((q) => q.asked_by === 'orientation');
  const outcome = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'card', 'aria-labelledby': 'orient-title' },
    el('h2', { id: 'orient-title', text: `3. Questions d\u2019orientation — ${res.body.title}` }),
    el('p', { class: 'help', text: 'Posez chaque question ; si la personne ne sait pas, choisissez « Ne sait pas » : le délégué la posera.' }),
    ...questions.map((q) => questionInput(q, { unknown: true })),
    el('button', { type: 'submit', text: 'Enregistrer les réponses' }), outcome);
  const data = episode.data || {};
  const given = data.orientation_answers || {};
  const marks = new Set((episode.ask && episode.ask.unknown) || data.orientation_unknown || []);
  for (const q of questions) fillAnswer(form, q, given[q.id], marks.has(q.id));
  const firstShown = episode.ask ? episode.ask.questions : questions.filter((q) => !q.conditional).map((q) => q.id);
  showOnly(form, questions, firstShown);
  // the questions on the screen at the last save (or when it opened): a save tells which are new
  let shownAtSave = new Set(firstShown);
  let version = episode.version;
  // a conditional question shows as soon as the answer that enables it is given, and goes
  // when it no longer applies, before anything is saved
  const live = watchAnswers(form, questions, episode.id, (engine) => {
    if (engine.ask) showOnly(form, questions, engine.ask.questions);
  }, { unknown: true });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    live.cancel();
    const { answers, bad, unknown } = collectAnswers(form, questions);
    if (bad.length) { showError(form, 'Nombre illisible : écrivez par exemple 37,5.', bad[0]); return; }
    const saved = await api.call('PUT', `/api/v1/episodes/${episode.id}/answers`, { version, answers, unknown });
    if (!saved.ok) { showError(form, saved); return; }
    version = saved.body.version;
    episode.version = version; // the cancel form below writes on this version too
    clearErrors(form);
    const engine = saved.body.engine || {};
    const ask = engine.ask || {};
    showOnly(form, questions, ask.questions);
    const before = shownAtSave;
    shownAtSave = new Set(ask.questions || []);
    const excluded = engine.decision === 'excluded' || isReferral(engine);
    const act = async (action, next) => {
      const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/${action}`, { version });
      if (!r.ok) { showError(form, r); return; }
      version = r.body.version;
      next(r.body);
    };
    const usual = () => act('orient_to_usual_care', () => done('Orientation vers le médecin enregistrée.'));
    const open = (ask.orientation_open || []).map((id) => questions.find((q) => q.id === id)).filter(Boolean);
    const left = (ask.unknown || []).length;
    // open questions that were not on the screen at the previous save: they follow an answer
    const appeared = open.filter((q) => !before.has(q.id));
    if (excluded) {
      // a stronger red flag not yet asked: its questions first, so an emergency is not missed
      const stronger = (engine.next_questions || []).map((q) => el('li', { text: q.label }));
      outcome.replaceChildren(el('div', {}, urgencyBanner(engine),
        el('p', { text: engine.urgency === 'emergency'
          ? 'Les réponses excluent le protocole : appelez le 15 (SAMU) maintenant, puis enregistrez l\u2019orientation.'
          : `Les réponses excluent le protocole : ${bySex(episode.patient && episode.patient.sex, 'la patiente relève', 'le patient relève', 'la patiente ou le patient relève')} de son médecin, selon l\u2019urgence indiquée.` }),
        ...(stronger.length ? [el('div', { class: 'warning', role: 'status' },
          el('p', { text: 'Avant d\u2019orienter, posez aussi ces questions : un signe d\u2019alerte plus urgent reste à vérifier.' }),
          el('ul', {}, ...stronger))] : []),
        el('button', { type: 'button', text: 'Orienter vers le médecin', onclick: usual })));
    } else if (open.length) {
      // an empty or unfinished orientation does not say "nothing excludes the protocol"
      outcome.replaceChildren(el('div', { class: 'warning', role: 'status' },
        el('p', { text: appeared.length ? 'Nouvelle question selon la réponse donnée : répondez-y ou choisissez « Ne sait pas ».'
          : 'Répondez à chaque question ou choisissez « Ne sait pas » avant de proposer le protocole :' }),
        el('ul', {}, ...open.map((q) => el('li', { text: q.label })))));
      const first = form.querySelector(`[data-question="${CSS.escape(open[0].id)}"] input, [data-question="${CSS.escape(open[0].id)}"] select`);
      if (first) first.focus();
    } else {
      outcome.replaceChildren(el('div', {}, el('p', { class: 'notice', text: left
        ? `Rien n\u2019exclut le protocole d\u2019après les réponses données ; le délégué posera ${left === 1 ? 'la question restée' : `les ${left} questions restées`} sans réponse. Il peut être proposé.`
        : 'Rien n\u2019exclut le protocole à ce stade : il peut être proposé.' }),
        el('button', { type: 'button', text: 'Proposer le protocole', onclick: () => act('propose', (ep) => consent(ep)) }),
        el('button', { type: 'button', class: 'secondary', text: 'Orienter vers le médecin', onclick: usual })));
    }
  });
  // a request resumed after answers that already send the patient to a physician: the
  // urgency is said at once, with the way forward (never a cancellation: the API refuses it)
  if (data.verdict && isReferral(data.verdict)) {
    outcome.replaceChildren(el('div', {}, urgencyBanner(data.verdict),
      el('p', { text: data.verdict.urgency === 'emergency'
        ? 'Les réponses déjà enregistrées excluent le protocole : appelez le 15 (SAMU) maintenant, puis enregistrez l\u2019orientation.'
        : 'Les réponses déjà enregistrées excluent le protocole : orientez vers le médecin, selon l\u2019urgence indiquée.' }),
      actionButton('Orienter vers le médecin', async () => {
        const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/orient_to_usual_care`, { version });
        if (!r.ok) { showError(form, r); return; }
        done('Orientation vers le médecin enregistrée.');
      })));
  }
  show(title(), form, cancelForm(episode), backButton());
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
  show(title(), form, cancelForm(episode), backButton());
}

function done(message) {
  show(el('h1', { text: 'Demande enregistrée' }),
    el('p', { class: 'notice', role: 'status', text: message }),
    el('button', { type: 'button', text: 'Retour au tableau de bord', onclick: () => nav.home() }));
}

// The day's list: episodes created or updated today, with who sees the patient.
// The day's patients (list "day" of the API): today's, and the requests left at orientation or
// at the proposal whatever their day — they are resumed or cancelled, never forgotten.
export async function dayList(openEpisode) {
  const pros = await api.call('GET', '/api/v1/professionals');
  const names = new Map((pros.ok ? pros.body.items : []).map((p) => [p.id, `${p.first_names} ${p.last_name}`]));
  const who = (e) => {
    if (e.delegue_id) return names.get(e.delegue_id) || `professionnel n° ${e.delegue_id}`;
    if (e.state === 'consented') return 'en attente du délégué';
    return '—';
  };
  return pagedList(card('Patients du jour'), 'day', {
    headers: ['Patient', 'Protocole', 'Étape', 'Vu par', 'Heure', 'Action'],
    caption: 'Patients du jour',
    empty: 'Aucun patient aujourd\u2019hui pour le moment.',
    toRow: (e) => el('tr', { class: e.summary && e.summary.urgency === 'emergency' ? 'urgent-row' : null },
      el('td', { text: patientName(e.patient) }),
      el('td', { text: e.protocol_title }),
      el('td', {}, forPatient(e.state_label, e.patient), ...(isReferral(e.summary) && e.summary.urgency ? [' — ', urgencyTag(e.summary.urgency)] : [])),
      el('td', { text: who(e) }),
      el('td', { text: instantFr(e.updated_at).slice(-5) }),
      el('td', {}, e.state === 'orientation' || e.state === 'proposed'
        ? el('button', { type: 'button', text: 'Reprendre',
          'aria-label': `Reprendre la demande n° ${e.id}`, onclick: () => resumeRequest(e.id) })
        : el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
          'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) }))),
  });
}
