// episode.js — one episode of care, as the délégué (and the délégant) work on it: before
// starting, who among the délégants can be reached now or why the protocol cannot run; the
// assessment question by question with the engine's live decision and explanation; the
// outcome (prescription with its printable view, advice, or the reorientation with its urgency
// and the délégant to call); the second contact; the information of the médecin traitant; the
// revoyure; closing; and the episode's history.
import { api, nav, el, field, showError, clearErrors, show, backButton, card, table, dateFr,
  instantFr, patientName, urgencyLabels, hasRole, actionButton, isoDay, at, bornFr, forPatient } from './lib.js';
import { questionInput, collectAnswers, fillAnswer, showOnly, watchAnswers } from './questions.js';
import { resumeRequest, cancelForm } from './secretariat.js';
import { isReferral, urgencyBanner, urgencyTag } from './urgency.js';
import { lineChoices, issuedLines, printable } from './prescription.js';

const actionLabels = {
  create: 'Demande créée', orientation_answers: 'Réponses d\u2019orientation',
  propose: 'Protocole proposé', orient_to_usual_care: 'Orientation vers le médecin',
  record_consent_given: 'Consentement recueilli', record_consent_refused: 'Refus du patient',
  start_assessment: 'Évaluation commencée', save_answers: 'Réponses de l\u2019examen',
  record_decision: 'Décision enregistrée', record_revoyure: 'Revoyure par le délégant',
  plan_second_contact: 'Second contact planifié', record_second_contact: 'Second contact fait',
  record_gp_informed: 'Médecin traitant informé', close: 'Prise en charge close',
  reorient: 'Évaluation arrêtée : réorientation vers un délégant', cancel: 'Demande annulée',
};

const stateLabels = {
  orientation: 'Orientation', proposed: 'Protocole proposé', usual_care: 'Soins habituels',
  consented: 'Consentement recueilli', assessing: 'En évaluation', included: 'Pris en charge',
  excluded: 'Réorienté', follow_up: 'Suivi', closed: 'Clos', cancelled: 'Annulée',
};

async function professionals() {
  const r = await api.call('GET', '/api/v1/professionals');
  return new Map((r.ok ? r.body.items : []).map((p) => [p.id, p]));
}

function proName(p) {
  return p ? `${p.profession === 'medecin' ? 'Dr ' : ''}${p.first_names} ${p.last_name}` : '';
}

export async function openEpisode(id) {
  at(`prise-en-charge/${id}`);
  const res = await api.call('GET', `/api/v1/episodes/${id}`);
  if (!res.ok) { show(el('h1', { text: 'Prise en charge' }), el('p', { class: 'error', role: 'alert', text: api.message(res) }), backButton()); return; }
  const ep = res.body;
  const data = ep.data || {};
  const title = el('h1', { text: `${ep.patient ? patientName(ep.patient) : `Patient n° ${ep.patient_id}`} — ${ep.protocol_title}` });
  const state = el('p', { class: 'notice', role: 'status', text: `Étape : ${forPatient(ep.state_label, ep.patient)}` });
  const panel = el('section', { class: 'card', 'aria-label': 'Étape en cours' });
  const reload = () => openEpisode(ep.id);
  // one pathway action; the error is shown in `where` and nothing typed is lost
  const act = async (action, body = {}, where = panel) => {
    const r = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/${action}`, { version: ep.version, ...body });
    if (!r.ok) { showError(where, r); return false; }
    reload();
    return true;
  };
  const parts = [title, state, patientCard(ep), panel];
  if (ep.state === 'consented') {
    await beforeStart(ep, panel, act);
  } else if (ep.state === 'assessing') {
    await assessment(ep, panel, reload);
  } else if (data.decision && Array.isArray(data.decision.lines)) {
    await outcome(ep, panel, act);
  } else if (data.decision) {
    const referral = isReferral(data.decision);
    panel.append(el('h2', { text: referral ? 'Réorienté vers le médecin' : 'Pris en charge dans le protocole' }),
      referral ? urgencyBanner(data.decision) : '');
  } else if (data.cancelled) {
    panel.append(el('h2', { text: 'Demande annulée' }),
      el('p', { text: `Annulée le ${instantFr(data.cancelled.at)} par ${data.cancelled.by}${data.cancelled.reason ? ` : ${data.cancelled.reason}` : ''}.` }));
  } else if (hasRole('secretary') && ['orientation', 'proposed', 'consented'].includes(ep.state)) {
    // a request left before the assessment is resumed or cancelled, never an orphan
    panel.append(el('h2', { text: 'Demande en attente' }),
      data.verdict && data.verdict.urgency ? urgencyBanner(data.verdict) : '',
      ep.state !== 'consented' ? el('p', {}, actionButton(ep.state === 'proposed' ? 'Reprendre : recueillir le consentement' : 'Reprendre l\u2019orientation', () => resumeRequest(ep.id))) : el('p', { text: 'La patiente ou le patient attend le délégué.' }),
      cancelForm(ep, reload));
  } else if (data.verdict && data.verdict.urgency) {
    // no decision, but the answers already send the patient to a physician (orientation)
    panel.append(el('h2', { text: 'Réorienté vers le médecin' }), urgencyBanner(data.verdict));
  } else {
    panel.append(el('h2', { text: 'Étape en cours' }), el('p', { text: 'Rien à faire pour vous à cette étape.' }));
  }
  parts.push(history(data.history, data), backButton());
  show(...parts);
}

function patientCard(ep) {
  const p = ep.patient;
  if (!p) return null;
  const gp = p.gp && p.gp.name ? p.gp.name : 'non déclaré';
  return el('section', { class: 'card compact', 'aria-label': 'Patient' },
    el('p', {}, el('strong', { text: patientName(p) }),
      `, ${bornFr(p)}${p.used_name ? ` (nom de naissance : ${p.birth_name})` : ''}`),
    el('p', { text: `Médecin traitant : ${gp}` }));
}

// The délégants of the protocol: who can be reached now, with their phone and slots.
function delegantsTable(list) {
  if (!list || !list.length) return el('p', { class: 'empty', text: 'Aucun délégant en règle n\u2019a indiqué ses disponibilités.' });
  return table(['Délégant', 'Téléphone', 'Joignable maintenant', 'Créneaux'], list.map((d) => el('tr', {},
    el('td', { text: d.name || `délégant n° ${d.professional_id}` }),
    el('td', { text: d.contact || d.phone || '—' }),
    el('td', { class: d.reachable_now ? 'yes' : 'no', text: d.reachable_now ? 'Oui' : 'Non' }),
    el('td', { text: d.slots.join(', ') }))), 'Délégants du protocole');
}

async function beforeStart(ep, panel, act) {
  panel.append(el('h2', { text: 'Avant l\u2019évaluation' }));
  const r = await api.call('GET', `/api/v1/episodes/${ep.id}/reachability`);
  if (!r.ok) { panel.append(el('p', { class: 'error', role: 'alert', text: api.message(r) })); return; }
  const info = r.body;
  panel.append(el('p', { class: info.reachable ? 'ok' : 'warning', text: info.message }), delegantsTable(info.delegants));
  if (!hasRole('delegue')) return;
  if (info.can_start) {
    panel.append(el('p', { text: 'Votre adhésion au protocole est en règle et un délégant peut être joint : vous pouvez commencer.' }),
      actionButton('Commencer l\u2019évaluation', () => act('start_assessment')));
  } else {
    // the patient is never left waiting: the délégué can send them to the usual care
    panel.append(el('p', { class: 'error', role: 'alert', text: `Le protocole ne peut pas être appliqué maintenant : ${info.refusal.message}` }),
      actionButton('Vérifier à nouveau', () => openEpisode(ep.id), { class: 'secondary' }),
      actionButton('Orienter vers le médecin (soins habituels)', () => act('orient_to_usual_care'), { class: 'secondary' }));
  }
}

async function assessment(ep, panel, reload) {
  if (!hasRole('delegue')) { panel.append(el('h2', { text: 'Évaluation en cours' }), el('p', { text: 'Le délégué mène l\u2019évaluation.' })); return; }
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(ep.protocol_id)}`);
  if (!res.ok) { panel.append(el('p', { class: 'error', role: 'alert', text: api.message(res) })); return; }
  // every question the engine may still need, whoever normally asks it: an orientation
  // question left without an answer is asked again here, and the answer is the délégué's
  const questions = res.body.questions;
  const ask = ep.ask || {};
  const unknownAtDesk = new Set(ask.unknown || []);
  const verdict = el('div', { 'aria-live': 'polite' });
  const answeredBy = (ep.data && ep.data.answered_by) || {};
  const inputs = questions.map((q) => {
    const node = questionInput(q);
    if (q.asked_by === 'orientation') {
      const who = answeredBy[q.id] && answeredBy[q.id].role;
      node.classList.add('from-orientation');
      node.append(el('p', { class: 'help', text: who === 'secretariat'
        ? 'Question d\u2019orientation : réponse de l\u2019accueil, à vérifier.'
        : who ? 'Question d\u2019orientation : votre réponse.'
          : unknownAtDesk.has(q.id) ? 'Question d\u2019orientation : l\u2019accueil n\u2019a pas eu la réponse, posez-la.'
            : 'Question d\u2019orientation restée sans réponse : posez-la.' }));
    }
    return node;
  });
  // what the engine already knows (answers saved earlier): a referral shows before anything else
  const known = ep.data && ep.data.verdict;
  if (known && known.urgency) verdict.append(urgencyBanner(known));
  const form = el('form', { 'aria-labelledby': 'exam-title' },
    el('h2', { id: 'exam-title', text: 'Examen' }),
    el('p', { class: 'help', text: 'Renseignez ce que vous savez puis « Enregistrer et évaluer » : Coop dit quelles questions restent et pourquoi la patiente ou le patient est inclus ou exclu.' }),
    ...inputs,
    el('button', { type: 'submit', text: 'Enregistrer et évaluer' }), verdict);
  // answers already recorded are shown again (coming back to an assessment)
  const recorded = (ep.data && ep.data.answers) || {};
  for (const q of questions) fillAnswer(form, q, recorded[q.id]);
  // only the questions the API says apply are shown; the next ones are highlighted
  const nodeOf = (id) => form.querySelector(`[data-question="${CSS.escape(id)}"]`);
  const applyAsk = (a) => {
    showOnly(form, questions, a.questions);
    const next = new Set(a.next || []);
    for (const q of questions) { const node = nodeOf(q.id); if (node) node.classList.toggle('next', next.has(q.id)); }
  };
  if (ep.ask) applyAsk(ep.ask);
  // a conditional question shows as soon as the answer that enables it is given, and goes
  // when it no longer applies, before anything is saved
  const live = watchAnswers(form, questions, ep.id, (engine) => { if (engine.ask) applyAsk(engine.ask); });
  let version = ep.version;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    live.cancel();
    const { answers, bad } = collectAnswers(form, questions);
    if (bad.length) { showError(form, 'Nombre illisible : écrivez par exemple 37,5.', bad[0]); return; }
    const saved = await api.call('PUT', `/api/v1/episodes/${ep.id}/answers`, { version, answers });
    if (!saved.ok) { showError(form, saved); return; }
    clearErrors(form);
    version = saved.body.version;
    stop.version = version;
    const engine = saved.body.engine || {};
    if (engine.ask) applyAsk(engine.ask);
    const next = (engine.next_questions || []).map((q) => el('li', { text: q.label }));
    // a referral is said first, in the style of its urgency, as soon as the engine knows it
    const referral = isReferral(engine);
    verdict.replaceChildren(...(referral ? [urgencyBanner(engine, engine.explanation)] : []),
      el('p', { class: referral ? 'warning' : 'notice', text: forPatient(engine.decision_label || '', ep.patient) }),
      ...(next.length ? [el('p', { text: 'Questions à poser ensuite :' }), el('ul', {}, ...next)] : []),
      ...(referral ? [] : [el('details', {}, el('summary', { text: 'Détails' }),
        el('pre', { class: 'explain', text: engine.explanation || '' }))]));
    if (engine.decision !== 'included' && engine.decision !== 'excluded') return;
    const body = {};
    let called = null;
    if (referral) {
      const r = await api.call('GET', `/api/v1/episodes/${ep.id}/reachability`);
      const list = r.ok ? r.body.delegants : [];
      called = el('select', { name: 'delegant_called_id' }, el('option', { value: '', text: '— aucun —' }),
        ...list.map((d) => el('option', { value: String(d.professional_id),
          text: `${d.name}${d.reachable_now ? ' (joignable maintenant)' : ''}` })));
      const first = list.find((d) => d.reachable_now);
      if (first) called.value = String(first.professional_id);
      verdict.append(el('h3', { text: 'Délégant à appeler' }), delegantsTable(list),
        field('delegant_called_id', 'Délégant appelé', called));
    }
    // what calls for the délégant's revoyure besides an exclusion (the protocol's conditions)
    const newSymptoms = el('input', { type: 'checkbox', id: 'decision-new-symptoms', name: 'new_symptoms' });
    const doubt = el('input', { type: 'checkbox', id: 'decision-doubt', name: 'doubt' });
    verdict.append(el('fieldset', { class: 'revoyure-flags' }, el('legend', { text: 'Pour la revoyure par le délégant' }),
      el('div', { class: 'field' }, el('label', { class: 'inline', for: 'decision-new-symptoms' }, newSymptoms, 'Symptômes nouveaux')),
      el('div', { class: 'field' }, el('label', { class: 'inline', for: 'decision-doubt' }, doubt, 'Doute du délégué'))));
    const rx = lineChoices(engine.decision === 'included' ? engine.prescription_choices : null, engine.prescription_weight_needed);
    if (rx.node) verdict.append(rx.node);
    verdict.append(actionButton('Enregistrer la décision', async () => {
      if (called && called.value) body.delegant_called_id = Number(called.value);
      body.new_symptoms = newSymptoms.checked;
      body.doubt = doubt.checked;
      const r = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/record_decision`, { version, ...body, ...rx.body() });
      if (!r.ok) { showError(form, r); return; }
      reload();
    }));
  });
  const stop = { version };
  panel.append(form, await stopAssessment(ep, stop, reload));
}

// Stopping the assessment at any time: reorient the patient to a délégant (why, how urgently,
// whom), or cancel the episode (why). `state.version` is the episode's current version.
async function stopAssessment(ep, state, reload) {
  const r = await api.call('GET', `/api/v1/episodes/${ep.id}/reachability`);
  const list = r.ok ? r.body.delegants : [];
  const reason = el('textarea', { rows: '2', maxlength: '2000' });
  const urgency = el('select', {}, el('option', { value: '', text: '— choisir —' }),
    ...['emergency', 'physician_same_day', 'physician_later'].map((u) => el('option', { value: u, text: urgencyLabels[u] })));
  const called = el('select', {}, el('option', { value: '', text: '— choisir —' }),
    ...list.map((d) => el('option', { value: String(d.professional_id),
      text: `${d.name}${d.reachable_now ? ' (joignable maintenant)' : ''}${d.contact || d.phone ? ` — ${d.contact || d.phone}` : ''}` })));
  const first = list.find((d) => d.reachable_now);
  if (first) called.value = String(first.professional_id);
  const reorient = el('form', { class: 'inline-form', 'aria-label': 'Réorienter vers un délégant' },
    el('h3', { text: 'Réorienter vers un délégant' }),
    field('stop-reason', 'Motif', reason), field('stop-urgency', 'Urgence', urgency),
    field('stop-delegant', 'Délégant appelé', called));
  reorient.append(actionButton('Arrêter et réorienter', async () => {
    const body = { version: state.version, reason: reason.value.trim() || undefined,
      urgency: urgency.value || undefined, delegant_called_id: called.value ? Number(called.value) : undefined };
    const res = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/reorient`, body);
    if (!res.ok) { showError(reorient, res); return; }
    reload();
  }));
  const cancelReason = el('input', { autocomplete: 'off', maxlength: '2000' });
  const cancel = el('form', { class: 'inline-form', 'aria-label': 'Annuler la prise en charge' },
    el('h3', { text: 'Annuler la prise en charge' }),
    field('cancel-reason', 'Motif de l\u2019annulation', cancelReason));
  cancel.append(actionButton('Annuler la prise en charge', async () => {
    const res = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/cancel`,
      { version: state.version, reason: cancelReason.value.trim() || undefined });
    if (!res.ok) { showError(cancel, res); return; }
    reload();
  }, { class: 'secondary' }));
  return el('details', { class: 'card stop' }, el('summary', { text: 'Arrêter l\u2019évaluation' }),
    el('p', { class: 'help', text: 'À tout moment : si un doute, un signe inhabituel ou la situation le demande, réorientez la patiente ou le patient vers un délégant, ou annulez la prise en charge.' }),
    reorient, cancel);
}

async function outcome(ep, panel, act) {
  const d = ep.data.decision;
  const pros = await professionals();
  const referral = isReferral(d);
  panel.append(el('h2', { text: referral ? 'Réorientation vers le médecin' : 'Prise en charge dans le protocole' }));
  if (referral) {
    panel.append(urgencyBanner(d, d.explanation));
    if (d.delegant_called_id) panel.append(el('p', { text: `Délégant appelé : ${calledText(d, pros)}` }));
  }
  if (d.outcome_label && (!referral || d.stopped)) panel.append(el('p', { text: d.outcome_label }));
  if (d.note) panel.append(el('p', { text: `Note du délégué : ${d.note}` }));
  const flags = [d.new_symptoms ? 'symptômes nouveaux' : '', d.doubt ? 'doute du délégué' : ''].filter(Boolean);
  if (flags.length) panel.append(el('p', { text: `Signalé pour la revoyure : ${flags.join(', ')}.` }));
  // the délégant who sees the patient again reads what the délégué found
  if (hasRole('delegant')) panel.append(await findings(ep));
  panel.append(el('p', { class: 'help', text: d.stopped ? `Évaluation arrêtée par ${d.by || 'le délégué'} le ${dateFr(d.date)}.`
    : `Décision du ${dateFr(d.date)}.` }));
  panel.append(...issuedLines(d, () => printable(ep.id, () => openEpisode(ep.id))));
  if (d.advice && d.advice.length) panel.append(el('h3', { text: 'Conseils' }), el('ul', {}, ...d.advice.map((a) => el('li', { text: a }))));
  if (ep.state === 'closed') return;

  const followUp = el('div');
  panel.append(followUp);
  await secondContact(ep, followUp, act);

  const p = ep.patient;
  const gpOutside = p && p.gp && p.gp.name && !p.gp.professional_id;
  if (gpOutside && !ep.data.gp_informed) {
    const how = el('input', { autocomplete: 'off', value: 'courrier par messagerie sécurisée' });
    const form = el('form', { class: 'inline-form', 'aria-labelledby': 'gp-title' },
      el('h3', { id: 'gp-title', text: `Informer le médecin traitant (${p.gp.name})` }),
      field('gp-how', 'Comment il a été informé', how),
      actionButton('Médecin traitant informé', () => act('record_gp_informed', { how: how.value.trim() || undefined }, form)));
    panel.append(form);
  } else if (ep.data.gp_informed) {
    panel.append(el('p', { text: `Médecin traitant informé le ${instantFr(ep.data.gp_informed.at)}.` }));
  }

  if (hasRole('delegant') && !ep.data.revoyure && (ep.state === 'included' || ep.state === 'excluded' || ep.state === 'follow_up')) {
    const note = el('textarea', { rows: '2' });
    const form = el('form', { class: 'inline-form', 'aria-labelledby': 'rev-title' },
      el('h3', { id: 'rev-title', text: 'Revoyure par le délégant' }),
      field('revoyure-note', 'Note (facultative)', note),
      actionButton('Enregistrer la revoyure', () => act('record_revoyure', { note: note.value.trim() || undefined }, form)));
    panel.append(form);
  } else if (ep.data.revoyure) {
    panel.append(el('p', { text: `Revoyure faite par ${ep.data.revoyure.by} le ${instantFr(ep.data.revoyure.at)}${ep.data.revoyure.note ? ` — note : ${ep.data.revoyure.note}` : '.'}` }));
  }
  const closeBox = el('div');
  closeBox.append(actionButton('Clore la prise en charge', () => act('close', {}, closeBox)));
  panel.append(closeBox);
}

// The délégant called with a referral and how to reach them: the contact of the slot in which
// they were reachable when called (a Sunday mobile, not the weekday office line).
function calledText(d, pros) {
  const c = d.delegant_called;
  if (c) {
    if (c.reachable_now && c.contact) return `${c.name} — ${c.contact}`;
    if (c.reachable_now) return c.name;
    return `${c.name} — non joignable à ce moment${c.phone ? ` (cabinet : ${c.phone})` : ''}`;
  }
  return proName(pros.get(d.delegant_called_id)) || `professionnel n° ${d.delegant_called_id}`;
}

// What the délégué found: every answered question with its answer, in the protocol's order.
async function findings(ep) {
  const section = el('section', { 'aria-labelledby': 'findings-title' },
    el('h3', { id: 'findings-title', text: 'Constatations du délégué' }));
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(ep.protocol_id)}`);
  const answers = (ep.data && ep.data.answers) || {};
  if (!res.ok) { section.append(el('p', { class: 'error', role: 'alert', text: api.message(res) })); return section; }
  const said = (q, a) => {
    if (typeof a === 'boolean') return a ? 'oui' : 'non';
    if (q.type === 'choice') { const c = (q.choices || []).find((x) => x.code === a); return c ? c.label : String(a); }
    if (q.type === 'date') return dateFr(a);
    const text = typeof a === 'number' ? String(a).replace('.', ',') : String(a);
    return q.unit ? `${text} ${q.unit}` : text;
  };
  const items = res.body.questions.filter((q) => answers[q.id] !== undefined)
    .map((q) => el('li', {}, `${q.label} : `, el('strong', { text: said(q, answers[q.id]) })));
  section.append(items.length ? el('ul', { class: 'findings' }, ...items) : el('p', { class: 'empty', text: 'Aucune réponse enregistrée.' }));
  return section;
}

// Scheduling and recording the second contact, when the protocol has one.
async function secondContact(ep, box, act) {
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(ep.protocol_id)}`);
  if (!res.ok || !res.body.second_contact || ep.data.decision.decision !== 'included') return;
  box.append(el('h3', { text: 'Second contact' }));
  if (ep.data.second_contact) {
    box.append(el('p', { text: `Second contact fait le ${instantFr(ep.data.second_contact.at)}${ep.data.second_contact.note ? ` : ${ep.data.second_contact.note}` : ''}.` }));
    return;
  }
  const plan = ep.data.second_contact_plan;
  const w = ep.second_contact_window;
  if (w) box.append(el('p', { class: 'help', text: w.to
    ? `À faire entre le ${dateFr(w.from)} et le ${dateFr(w.to)}.` : `À faire à partir du ${dateFr(w.from)}.` }));
  if (plan && plan.date) box.append(el('p', { class: 'notice', text: `Prévu le ${dateFr(plan.date)}.` }));
  if (!hasRole('delegue')) return;
  const date = el('input', { type: 'date', value: plan && plan.date ? plan.date : '',
    min: w ? w.from : null, max: w && w.to ? w.to : null });
  const planForm = el('form', { class: 'inline-form', 'aria-label': 'Planifier le second contact' },
    field('second-contact-date', 'Date prévue du second contact', date));
  planForm.append(actionButton(plan ? 'Changer la date' : 'Planifier', () => {
    if (!date.value) { showError(planForm, 'Choisissez une date.', 'second-contact-date'); return; }
    return act('plan_second_contact', { date: date.value }, planForm);
  }));
  const note = el('textarea', { rows: '2' });
  const doneForm = el('form', { class: 'inline-form', 'aria-label': 'Enregistrer le second contact' },
    field('second-contact-note', 'Compte rendu du second contact', note));
  doneForm.append(actionButton('Second contact fait', () => act('record_second_contact', { note: note.value.trim() || undefined }, doneForm), { class: 'secondary' }));
  box.append(planForm, doneForm);
}

function history(items, data = {}) {
  const section = el('section', { class: 'card', 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title', text: 'Historique' }));
  if (!items || !items.length) { section.append(el('p', { class: 'empty', text: 'Rien encore.' })); return section; }
  section.append(el('ol', { class: 'history' }, ...items.map((h) => el('li', {},
    el('span', { class: 'when', text: instantFr(h.at) }), ' — ',
    `${actionLabels[h.action] || h.action} (${h.by}) → ${stateLabels[h.state] || h.state}`,
    h.action === 'record_revoyure' && data.revoyure && data.revoyure.note ? ` — note : ${data.revoyure.note}` : ''))));
  return section;
}

// The délégué's queue: patients waiting for an assessment, and mine in progress.
// One list of the API (GET /api/v1/episodes?list=…) in a card, in the API's order: the rows of
// its first page, then « Afficher plus » while the API gives a next page (its rows are added
// below). toRow(e) makes a row of the table; `before` is shown above the table when there are
// rows, `empty` instead of it when there are none.
export async function pagedList(section, list, { headers, caption, toRow, empty, before = [] }) {
  const path = (after) => `/api/v1/episodes?list=${list}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
  const res = await api.call('GET', path(null));
  if (!res.ok) {
    section.append(el('p', { class: 'error', role: 'alert', text: api.message(res) }));
    return section;
  }
  if (!res.body.items.length) {
    section.append(el('p', { class: 'empty', text: empty }));
    return section;
  }
  const shown = table(headers, res.body.items.map(toRow), caption);
  let next = res.body.next;
  const more = el('button', { type: 'button', class: 'secondary', text: 'Afficher plus', hidden: !next });
  const status = el('p', { class: 'help', role: 'status' });
  more.addEventListener('click', async () => {
    const page = await api.call('GET', path(next));
    if (!page.ok) { status.textContent = api.message(page); return; }
    const added = table(headers, page.body.items.map(toRow)).querySelector('tbody');
    shown.querySelector('tbody').append(...Array.from(added.children));
    next = page.body.next;
    more.hidden = !next;
    status.textContent = next ? '' : 'Toute la liste est affichée.';
    if (!next) status.focus();
  });
  section.append(...before, shown, more, status);
  return section;
}

// The délégué's queue (list "queue" of the API): the patients who wait in their protocols, the
// first arrived first, then those they are assessing or following.
export async function delegueQueue() {
  const section = card('Ma file',
    el('p', { class: 'help', text: 'Ouvrez un patient qui attend : Coop vérifie votre adhésion au protocole et qu\u2019un délégant peut être joint, puis vous guide question par question jusqu\u2019à l\u2019ordonnance ou la réorientation.' }));
  const arrival = (e) => {
    const at = e.summary && e.summary.arrived_at;
    if (typeof at !== 'number') return '—';
    return isoDay(at) === nav.session.today ? `aujourd\u2019hui à ${instantFr(at).slice(-5)}` : instantFr(at);
  };
  const what = (e) => {
    if (e.state === 'consented') return 'attend l\u2019évaluation';
    return e.summary && e.summary.second_contact_date && !e.summary.second_contact_done
      ? `${forPatient(e.state_label, e.patient)} — second contact le ${dateFr(e.summary.second_contact_date)}` : forPatient(e.state_label, e.patient);
  };
  return pagedList(section, 'queue', {
    headers: ['Patient', 'Protocole', 'Arrivée', 'Où en est-on', 'Action'],
    caption: 'Ma file',
    empty: 'Personne n\u2019attend pour le moment.',
    toRow: (e) => el('tr', {},
      el('td', { text: patientName(e.patient) }), el('td', { text: e.protocol_title }),
      el('td', { text: arrival(e) }),
      el('td', {}, what(e), ...(isReferral(e.summary) && e.summary.urgency ? [' — ', urgencyTag(e.summary.urgency)] : [])),
      el('td', {}, el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
        'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) }))),
  });
}
