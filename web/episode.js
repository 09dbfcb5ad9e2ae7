// episode.js — one episode of care, as the délégué (and the délégant) work on it: before
// starting, who among the délégants can be reached now or why the protocol cannot run; the
// assessment question by question with the engine's live decision and explanation; the
// outcome (prescription with its printable view, advice, or the reorientation with its urgency
// and the délégant to call); the second contact; the information of the médecin traitant; the
// revoyure; closing; and the episode's history.
import { api, nav, el, field, showError, clearErrors, show, backButton, card, table, dateFr,
  instantFr, patientName, urgencyLabels, hasRole, actionButton, at, bornFr, forPatient } from './lib.js';
import { questionInput, collectAnswers } from './questions.js';

const actionLabels = {
  create: 'Demande créée', orientation_answers: 'Réponses d\u2019orientation',
  propose: 'Protocole proposé', orient_to_usual_care: 'Orientation vers le médecin',
  record_consent_given: 'Consentement recueilli', record_consent_refused: 'Refus du patient',
  start_assessment: 'Évaluation commencée', save_answers: 'Réponses de l\u2019examen',
  record_decision: 'Décision enregistrée', record_revoyure: 'Revoyure par le délégant',
  plan_second_contact: 'Second contact planifié', record_second_contact: 'Second contact fait',
  record_gp_informed: 'Médecin traitant informé', close: 'Prise en charge close',
};

const stateLabels = {
  orientation: 'Orientation', proposed: 'Protocole proposé', usual_care: 'Soins habituels',
  consented: 'Consentement recueilli', assessing: 'En évaluation', included: 'Pris en charge',
  excluded: 'Réorienté', follow_up: 'Suivi', closed: 'Clos',
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
    panel.append(el('h2', { text: data.decision.decision === 'included' ? 'Pris en charge dans le protocole' : 'Réorienté vers le médecin' }),
      data.decision.urgency && data.decision.decision === 'excluded'
        ? el('p', { class: 'notice', text: `Urgence : ${urgencyLabels[data.decision.urgency] || ''}` }) : null);
  } else {
    panel.append(el('h2', { text: 'Étape en cours' }), el('p', { text: 'Rien à faire pour vous à cette étape.' }));
  }
  parts.push(history(data.history), backButton());
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
    panel.append(el('p', { class: 'error', role: 'alert', text: `Le protocole ne peut pas être appliqué maintenant : ${info.refusal.message}` }),
      actionButton('Vérifier à nouveau', () => openEpisode(ep.id), { class: 'secondary' }));
  }
}

async function assessment(ep, panel, reload) {
  if (!hasRole('delegue')) { panel.append(el('h2', { text: 'Évaluation en cours' }), el('p', { text: 'Le délégué mène l\u2019évaluation.' })); return; }
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(ep.protocol_id)}`);
  if (!res.ok) { panel.append(el('p', { class: 'error', role: 'alert', text: api.message(res) })); return; }
  const questions = res.body.questions.filter((q) => q.asked_by === 'examination');
  const verdict = el('div', { 'aria-live': 'polite' });
  const form = el('form', { 'aria-labelledby': 'exam-title' },
    el('h2', { id: 'exam-title', text: 'Examen' }),
    el('p', { class: 'help', text: 'Renseignez ce que vous savez puis « Enregistrer et évaluer » : Coop dit quelles questions restent et pourquoi la patiente ou le patient est inclus ou exclu.' }),
    ...questions.map(questionInput),
    el('button', { type: 'submit', text: 'Enregistrer et évaluer' }), verdict);
  // only the questions that apply are shown: a conditional one appears once the engine says
  // it applies, one that turns out not to apply disappears; the next ones are highlighted
  const recordedNow = (ep.data && ep.data.answers) || {};
  const nodeOf = (id) => form.querySelector(`[data-question="${CSS.escape(id)}"]`);
  for (const q of questions) if (q.conditional && recordedNow[q.id] === undefined) nodeOf(q.id).hidden = true;
  const applyStates = (engine) => {
    const next = new Set((engine.next_questions || []).map((q) => q.id));
    for (const st of engine.questions || []) {
      const node = nodeOf(st.id);
      if (!node) continue;
      node.hidden = st.state === 'not_applicable' || st.state === 'pending';
      node.classList.toggle('next', next.has(st.id));
    }
  };
  // answers already recorded are shown again (coming back to an assessment)
  const recorded = (ep.data && ep.data.answers) || {};
  for (const q of questions) {
    const a = recorded[q.id];
    if (a === undefined) continue;
    if (q.type === 'boolean') {
      const radio = form.querySelector(`input[name="${CSS.escape(q.id)}"][value="${a ? 'true' : 'false'}"]`);
      if (radio) radio.checked = true;
    } else if (form.elements[q.id]) {
      form.elements[q.id].value = typeof a === 'number' ? String(a).replace('.', ',') : a;
    }
  }
  let version = ep.version;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { answers, bad } = collectAnswers(form, questions);
    if (bad.length) { showError(form, 'Nombre illisible : écrivez par exemple 37,5.', bad[0]); return; }
    const saved = await api.call('PUT', `/api/v1/episodes/${ep.id}/answers`, { version, answers });
    if (!saved.ok) { showError(form, saved); return; }
    clearErrors(form);
    version = saved.body.version;
    const engine = saved.body.engine || {};
    applyStates(engine);
    const next = (engine.next_questions || []).map((q) => el('li', { text: q.label }));
    verdict.replaceChildren(el('p', { class: engine.decision === 'excluded' ? 'warning' : 'notice', text: forPatient(engine.decision_label, ep.patient) }),
      ...(next.length ? [el('p', { text: 'Questions à poser ensuite :' }), el('ul', {}, ...next)] : []),
      el('details', {}, el('summary', { text: 'Pourquoi ? (explication détaillée)' }),
        el('pre', { class: 'explain', text: engine.explanation || '' })));
    if (engine.decision !== 'included' && engine.decision !== 'excluded') return;
    const body = {};
    let called = null;
    if (engine.decision === 'excluded') {
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
    verdict.append(actionButton('Enregistrer la décision', async () => {
      if (called && called.value) body.delegant_called_id = Number(called.value);
      const r = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/record_decision`, { version, ...body });
      if (!r.ok) { showError(form, r); return; }
      reload();
    }));
  });
  panel.append(form);
}

async function outcome(ep, panel, act) {
  const d = ep.data.decision;
  const pros = await professionals();
  panel.append(el('h2', { text: d.decision === 'included' ? 'Prise en charge dans le protocole' : 'Réorientation vers le médecin' }));
  if (d.decision === 'excluded') {
    panel.append(el('p', { class: 'warning', role: 'status', text: `Urgence : ${urgencyLabels[d.urgency] || d.urgency}` }));
    if (d.delegant_called_id) {
      const p = pros.get(d.delegant_called_id);
      panel.append(el('p', { text: `Délégant appelé : ${proName(p)}${p && p.phone ? ` — ${p.phone}` : ''}` }));
    }
  }
  if (d.outcome_label) panel.append(el('p', { text: d.outcome_label }));
  panel.append(el('p', { class: 'help', text: `Décision du ${dateFr(d.date)}.` }));
  if (d.lines.length) {
    panel.append(el('h3', { text: 'Ordonnance' }), el('ul', { class: 'prescription' }, ...d.lines.map((l) => el('li', { text: l }))),
      el('button', { type: 'button', class: 'secondary', text: 'Voir l\u2019ordonnance à imprimer', onclick: () => printable(ep, pros) }));
  }
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
    panel.append(el('p', { text: `Revoyure faite par ${ep.data.revoyure.by} le ${instantFr(ep.data.revoyure.at)}.` }));
  }
  const closeBox = el('div');
  closeBox.append(actionButton('Clore la prise en charge', () => act('close', {}, closeBox)));
  panel.append(closeBox);
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

// The printable prescription: one sheet, the structure's heading, the délégué, the patient.
async function printable(ep, pros) {
  const [structure, protocols] = await Promise.all([api.call('GET', '/api/v1/structure'), api.call('GET', '/api/v1/protocols')]);
  const s = structure.ok ? structure.body : {};
  const proto = protocols.ok ? protocols.body.items.find((p) => p.id === ep.protocol_id) : null;
  const d = ep.data.decision;
  const delegue = pros.get(ep.delegue_id);
  const signer = proto && proto.signed_by ? pros.get(proto.signed_by) : null;
  const sheet = el('article', { class: 'sheet', 'aria-label': 'Ordonnance' },
    el('header', {},
      el('p', { class: 'sheet-structure', text: s.name || '' }),
      s.address ? el('p', { text: s.address }) : null,
      s.finess ? el('p', { text: `FINESS ${s.finess}` }) : null),
    el('p', { class: 'sheet-who' }, el('strong', { text: delegue ? `${delegue.first_names} ${delegue.last_name}` : '' }),
      delegue ? ` — ${delegue.profession_label || delegue.profession}${delegue.rpps ? `, RPPS ${delegue.rpps}` : ''}${delegue.adeli ? `, ADELI ${delegue.adeli}` : ''}` : ''),
    el('p', { text: `Le ${dateFr(d.date)}` }),
    el('p', {}, 'Patient : ', el('strong', { text: patientName(ep.patient) }), `, ${bornFr(ep.patient)}`),
    el('h2', { text: 'Ordonnance' }),
    el('ol', { class: 'prescription' }, ...d.lines.map((l) => el('li', { text: l }))),
    el('p', { class: 'sheet-legal', text: `Prescription établie dans le cadre du protocole de coopération « ${ep.protocol_title} » (art. L. 4011-1 du code de la santé publique), selon le modèle signé par ${signer ? proName(signer) : 'le délégant'}${proto && proto.signed_at ? ` le ${instantFr(proto.signed_at).slice(0, 10)}` : ''}.` }),
    el('p', { class: 'sheet-sign', text: 'Signature du délégué :' }));
  show(el('h1', { class: 'no-print', text: 'Ordonnance à imprimer' }),
    el('div', { class: 'no-print' },
      el('button', { type: 'button', text: 'Imprimer', onclick: () => window.print() }),
      el('button', { type: 'button', class: 'secondary', text: 'Retour à la prise en charge', onclick: () => openEpisode(ep.id) })),
    sheet);
}

function history(items) {
  const section = el('section', { class: 'card', 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title', text: 'Historique' }));
  if (!items || !items.length) { section.append(el('p', { class: 'empty', text: 'Rien encore.' })); return section; }
  section.append(el('ol', { class: 'history' }, ...items.map((h) => el('li', {},
    el('span', { class: 'when', text: instantFr(h.at) }), ' — ',
    `${actionLabels[h.action] || h.action} (${h.by}) → ${stateLabels[h.state] || h.state}`))));
  return section;
}

// The délégué's queue: patients waiting for an assessment, and mine in progress.
export function delegueQueue(episodes) {
  const mine = nav.session.professional_id;
  const waiting = episodes.filter((e) => e.state === 'consented');
  const current = episodes.filter((e) => e.delegue_id === mine && ['assessing', 'included', 'excluded', 'follow_up'].includes(e.state));
  const section = card('Ma file',
    el('p', { class: 'help', text: 'Ouvrez un patient qui attend : Coop vérifie votre adhésion au protocole et qu\u2019un délégant peut être joint, puis vous guide question par question jusqu\u2019à l\u2019ordonnance ou la réorientation.' }));
  const row = (e, what) => el('tr', {},
    el('td', { text: patientName(e.patient) }), el('td', { text: e.protocol_title }), el('td', { text: what }),
    el('td', {}, el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
      'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) })));
  const rows = [...waiting.map((e) => row(e, 'attend l\u2019évaluation')),
    ...current.map((e) => row(e, e.summary && e.summary.second_contact_date && !e.summary.second_contact_done
      ? `${forPatient(e.state_label, e.patient)} — second contact le ${dateFr(e.summary.second_contact_date)}` : forPatient(e.state_label, e.patient)))];
  section.append(rows.length ? table(['Patient', 'Protocole', 'Où en est-on', 'Action'], rows, 'Ma file')
    : el('p', { class: 'empty', text: 'Personne n\u2019attend pour le moment.' }));
  return section;
}
