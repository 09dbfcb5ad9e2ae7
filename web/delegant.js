// delegant.js — the délégant's screens: the patients reoriented to me (with their urgency), the
// revoyures to do (the day of the decision or the next), the délégués' trainings to validate,
// the template prescriptions to read and sign, and my availability (when the délégués can reach
// me). Everything is inserted as text; the API's French refusals are shown next to the field
// they concern, and what was typed stays on screen.
import { api, nav, el, field, showError, clearErrors, show, backButton, card, table, dateFr,
  instantFr, numberFr, parseDecimalFr, patientName, actionButton } from './lib.js';
import { isReferral, urgencyTag } from './urgency.js';
import { signScreen } from './signature.js';
import { pagedList } from './episode.js';

const weekdays = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

// 480 → "08:00"; 1440 → "24:00"
function hhmm(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// "08:30" → 510; null when empty or unreadable
function minutesOf(value) {
  const m = /^(\d{2}):(\d{2})/.exec(value || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function slotText(s) {
  return `${weekdays[s.weekday] || `jour ${s.weekday}`} ${hhmm(s.start_minute)}–${hhmm(s.end_minute)}`;
}

// "Formation non validée" → "formation non validée" (after a colon, in a sentence)
function lowerFirst(text) {
  return /^[A-ZÀ-Ý][a-zà-ÿ]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function proName(p) {
  return p ? `${p.profession === 'medecin' ? 'Dr ' : ''}${p.first_names} ${p.last_name}` : '';
}

function openButton(e, openEpisode) {
  return el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
    'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) });
}

// A status line that takes the focus (the form it replaces is gone).
function focusStatus(node) {
  node.setAttribute('tabindex', '-1');
  node.focus();
}

export async function delegantSections(openEpisode) {
  const me = nav.session.professional_id;
  const today = nav.session.today;
  const [adhesions, protocols, pros] = await Promise.all([
    api.call('GET', '/api/v1/adhesions'), api.call('GET', '/api/v1/protocols'),
    api.call('GET', '/api/v1/professionals')]);
  const proById = new Map((pros.ok ? pros.body.items : []).map((p) => [p.id, p]));
  const protoById = new Map((protocols.ok ? protocols.body.items : []).map((p) => [p.id, p]));
  return [
    await reoriented(today, openEpisode),
    await revoyures(today, openEpisode),
    trainings(adhesions, me, today, protoById, proById),
    templates(protocols, adhesions, me, proById),
    await availability(),
  ];
}

// ---------------------------------------------------------------- 1. patients reoriented

// Patients sent to a physician (list "referrals" of the API): by the délégué who called me, or
// by the answers at orientation (then no délégant was called: every délégant of the protocol
// sees them), from today and yesterday or still awaiting my revoyure. In the API's order:
// emergencies, then the same day, first.
function reoriented(today, openEpisode) {
  return pagedList(card('Patients réorientés'), 'referrals', {
    headers: ['Patient', 'Protocole', 'Urgence et motif', 'Réorienté le', 'Revoyure', 'Action'],
    caption: 'Patients réorientés',
    empty: 'Aucun patient réorienté vers un médecin pour le moment.',
    before: [el('p', { class: 'help', text: 'Patients que le protocole renvoie au médecin, à l\u2019orientation ou après l\u2019examen du délégué : les urgences d\u2019abord.' })],
    toRow: (e) => {
      const u = e.summary.urgency;
      const day = e.summary.referral_date;
      return el('tr', { class: u === 'emergency' ? 'urgent-row' : null },
        el('td', { text: patientName(e.patient) }),
        el('td', { text: e.protocol_title }),
        el('td', {}, urgencyTag(u), e.summary.reason ? el('span', { class: 'help block', text: e.summary.reason }) : null),
        el('td', { text: day === today ? 'aujourd\u2019hui' : dateFr(day) }),
        el('td', { text: e.summary.revoyure_done ? 'faite' : e.summary.revoyure_called_for ? 'à faire' : '—' }),
        el('td', {}, openButton(e, openEpisode)));
    },
  });
}

// ---------------------------------------------------------------- 2. revoyures

// The revoyures to do today (list "revoyures" of the API): only where the protocol calls for
// one (exclusion other than on the age, new symptoms, the délégué's doubt), the day of the
// decision or the next; the last day comes from the server (the pathway's rule).
function revoyures(today, openEpisode) {
  const section = card('Revoyures à faire',
    el('p', { class: 'help', text: 'La revoyure se fait le jour de la décision du délégué ou le lendemain, quand le protocole l\u2019appelle : exclusion pour un motif autre que l\u2019âge, symptômes nouveaux, doute du délégué.' }));
  return pagedList(section, 'revoyures', {
    headers: ['Patient', 'Protocole', 'Décision du délégué', 'Décidé le', 'À faire', 'Action'],
    caption: 'Revoyures à faire',
    empty: 'Aucune revoyure à faire aujourd\u2019hui.',
    toRow: (e) => {
      const lastDay = e.summary.revoyure_until === today;
      return el('tr', {},
        el('td', { text: patientName(e.patient) }),
        el('td', { text: e.protocol_title }),
        el('td', {}, isReferral(e.summary) ? 'Réorienté vers le médecin' : 'Pris en charge dans le protocole',
          e.summary.revoyure_reason ? el('span', { class: 'help block', text: `Revoyure : ${e.summary.revoyure_reason}` }) : null),
        el('td', { text: dateFr(e.summary.decision_date) }),
        el('td', { class: lastDay ? 'no' : null,
          text: lastDay ? 'aujourd\u2019hui au plus tard' : e.summary.decision_date === today
            ? 'aujourd\u2019hui ou demain' : `au plus tard le ${dateFr(e.summary.revoyure_until)}` }),
        el('td', {}, openButton(e, openEpisode)));
    },
  });
}

// ---------------------------------------------------------------- 3. trainings

function trainings(adhesions, me, today, protoById, proById) {
  const section = card('Formations à valider');
  if (!adhesions.ok) {
    section.append(el('p', { class: 'error', role: 'alert', text: api.message(adhesions) }));
    return section;
  }
  const items = adhesions.body.items;
  const ended = (a) => a.effective_to && a.effective_to < today;
  // the protocols I am délégant of, and since when (the earliest adhesion still running)
  const since = new Map();
  for (const a of items) {
    if (a.professional_id !== me || a.role !== 'delegant' || ended(a)) continue;
    if (!since.has(a.protocol_id) || a.effective_from < since.get(a.protocol_id)) since.set(a.protocol_id, a.effective_from);
  }
  const todo = items.filter((a) => a.role === 'delegue' && !a.training && !ended(a) && since.has(a.protocol_id)
    && a.professional_id !== me);
  if (!todo.length) {
    section.append(el('p', { class: 'empty', text: 'Aucune formation de délégué n\u2019attend votre validation.' }));
    return section;
  }
  section.append(el('p', { class: 'help', text: 'Vous validez la formation d\u2019un délégué aux protocoles dont vous êtes délégant : indiquez la date de la formation et sa durée.' }));
  for (const a of todo) section.append(trainingForm(a, today, since.get(a.protocol_id), protoById, proById));
  return section;
}

function trainingForm(a, today, delegantSince, protoById, proById) {
  const pro = proById.get(a.professional_id);
  const who = pro ? `${pro.first_names} ${pro.last_name}` : a.professional;
  const proto = protoById.get(a.protocol_id);
  const titleId = `training-title-${a.id}`;
  const date = el('input', { type: 'date', name: 'date', value: today, max: today, min: delegantSince || null });
  const hours = el('input', { type: 'text', name: 'hours', inputmode: 'decimal', autocomplete: 'off' });
  const others = a.check && a.check.blockers ? a.check.blockers.filter((b) => b !== 'training_missing') : [];
  const form = el('form', { class: 'inline-form', novalidate: true, 'aria-labelledby': titleId },
    el('h3', { id: titleId, text: `${who}${pro ? ` (${pro.profession_label})` : ''} — ${proto ? proto.title : a.protocol_id}` }),
    el('p', { class: 'help', text: `Adhésion comme délégué depuis le ${dateFr(a.effective_from)}.${a.check && a.check.message ? ` Ce qui bloque : ${lowerFirst(a.check.message)}.` : ''}` }),
    others.length ? el('p', { class: 'warning', text: 'Même formation validée, d\u2019autres points de l\u2019adhésion restent à régler par la coordination.' }) : null,
    field(`training-date-${a.id}`, 'Date de la formation', date,
      `Ni future, ni antérieure à votre adhésion comme délégant${delegantSince ? ` (${dateFr(delegantSince)})` : ''}.`),
    field(`training-hours-${a.id}`, 'Durée de la formation (heures)', hours, 'Par exemple 7 ou 3,5.'));
  const submit = el('button', { type: 'submit', text: 'Valider la formation' });
  form.append(submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    if (!date.value) { showError(form, 'Indiquez la date de la formation.', 'date'); return; }
    const h = parseDecimalFr(hours.value);
    if (!hours.value.trim()) { showError(form, 'Indiquez la durée de la formation en heures.', 'hours'); return; }
    if (Number.isNaN(h)) { showError(form, 'Durée illisible : écrivez un nombre d\u2019heures, par exemple 7 ou 3,5.', 'hours'); return; }
    submit.disabled = true;
    try {
      const r = await api.call('POST', `/api/v1/adhesions/${a.id}/training`, { date: date.value, hours: h });
      if (!r.ok) { showError(form, r); return; }
      const done = el('p', { class: 'ok', role: 'status',
        text: `Formation de ${who} validée (${dateFr(r.body.training ? r.body.training.date : date.value)}, ${numberFr(h)} h)${r.body.check && !r.body.check.ok ? ` ; reste à régler : ${lowerFirst(r.body.check.message)}` : ''}.` });
      form.replaceWith(done);
      focusStatus(done);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---------------------------------------------------------------- 4. template prescriptions

function templates(protocols, adhesions, me, proById) {
  const section = card('Modèles d\u2019ordonnance à signer');
  if (!protocols.ok) {
    section.append(el('p', { class: 'error', role: 'alert', text: api.message(protocols) }));
    return section;
  }
  const mineOk = new Set((adhesions.ok ? adhesions.body.items : [])
    .filter((a) => a.professional_id === me && a.role === 'delegant' && a.check && a.check.ok).map((a) => a.protocol_id));
  const adopted = protocols.body.items.filter((p) => p.adopted);
  const toSign = adopted.filter((p) => !p.signed);
  const signed = adopted.filter((p) => p.signed);
  if (!toSign.length) {
    section.append(el('p', { class: 'empty', text: 'Tous les modèles d\u2019ordonnance des protocoles adoptés sont signés.' }));
  } else {
    section.append(el('p', { class: 'help', text: 'Les délégués ne délivrent une ordonnance qu\u2019à partir d\u2019un modèle signé par un délégant : lisez le protocole puis signez.' }));
    section.append(table(['Protocole', 'Version', 'Remarque', 'Action'], toSign.map((p) => el('tr', {},
      el('td', { text: p.title }),
      el('td', { text: p.version_from ? `en vigueur depuis le ${dateFr(p.version_from)}` : 'aucune en vigueur' }),
      el('td', { text: [p.status === 'suspended' ? 'protocole suspendu' : '',
        mineOk.has(p.id) ? '' : 'vous n\u2019êtes pas délégant en règle de ce protocole'].filter(Boolean).join(' ; ') || '—' }),
      el('td', {}, el('button', { type: 'button', class: 'secondary', text: mineOk.has(p.id) ? 'Lire et signer' : 'Lire',
        'aria-label': `${mineOk.has(p.id) ? 'Lire et signer' : 'Lire'} les modèles : ${p.title}`, onclick: () => signScreen(p) })))),
    'Modèles d\u2019ordonnance à signer'));
  }
  if (signed.length) {
    section.append(el('h3', { text: 'Modèles signés' }), el('ul', {}, ...signed.map((p) => el('li', {
      text: `${p.title} — signés${p.signed_by ? ` par ${proName(proById.get(p.signed_by)) || `le professionnel n° ${p.signed_by}`}` : ''}${p.signed_at ? ` le ${instantFr(p.signed_at)}` : ''}` }))));
  }
  return section;
}

// ---------------------------------------------------------------- 5. availability

async function availability() {
  const section = card('Mes disponibilités');
  section.append(el('p', { class: 'help', text: 'Les créneaux de la semaine où les délégués peuvent vous joindre. Sans délégant joignable, ils ne peuvent pas commencer d\u2019évaluation.' }));
  const list = el('div', { 'aria-live': 'polite' });
  const how = el('input', { type: 'text', name: 'how', autocomplete: 'off' });
  const render = async (message) => {
    const r = await api.call('GET', '/api/v1/availability');
    if (!r.ok) { list.replaceChildren(el('p', { class: 'error', role: 'alert', text: api.message(r) })); return; }
    const slots = r.body.items.slice().sort((a, b) => a.weekday - b.weekday || a.start_minute - b.start_minute);
    if (!how.value && slots.length) how.value = slots[0].how;
    const status = message ? el('p', { class: 'ok', role: 'status', text: message }) : null;
    if (!slots.length) {
      list.replaceChildren(status || '', el('p', { class: 'warning', text: 'Vous n\u2019avez indiqué aucun créneau : les délégués ne peuvent pas vous joindre.' }));
      return;
    }
    list.replaceChildren(...[status, el('ul', { class: 'results' }, ...slots.map((s) => {
      const item = el('li', {}, `${slotText(s)} — ${s.how || 'moyen de contact non précisé'} `);
      item.append(actionButton('Supprimer', async () => {
        const d = await api.call('DELETE', `/api/v1/availability/${s.id}`);
        if (!d.ok) { showError(item, d); return; }
        await render(`Créneau du ${slotText(s)} supprimé.`);
        const focus = list.querySelector('[role=status]');
        if (focus) focusStatus(focus);
      }, { class: 'secondary', 'aria-label': `Supprimer le créneau du ${slotText(s)}` }));
      return item;
    }))].filter(Boolean));
  };
  await render();

  const weekday = el('select', { name: 'weekday' }, ...weekdays.map((w, i) => el('option', { value: String(i), text: w })));
  const start = el('input', { type: 'time', name: 'start_minute', value: '08:00' });
  const end = el('input', { type: 'time', name: 'end_minute', value: '19:00' });
  const form = el('form', { class: 'inline-form', novalidate: true, 'aria-labelledby': 'avail-add-title' },
    el('h3', { id: 'avail-add-title', text: 'Ajouter un créneau' }),
    field('avail-weekday', 'Jour', weekday),
    field('avail-start', 'Début', start),
    field('avail-end', 'Fin', end, 'Pour un créneau jusqu\u2019à minuit, indiquez 00:00.'),
    field('avail-how', 'Comment me joindre', how, 'Par exemple : 01 23 45 67 01 (ligne directe).'));
  const submit = el('button', { type: 'submit', text: 'Ajouter le créneau' });
  form.append(submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    const s = minutesOf(start.value);
    let e = minutesOf(end.value);
    if (s === null) { showError(form, 'Indiquez l\u2019heure de début (par exemple 08:00).', 'start_minute'); return; }
    if (e === null) { showError(form, 'Indiquez l\u2019heure de fin (par exemple 19:00).', 'end_minute'); return; }
    if (e === 0) e = 1440;
    if (e <= s) { showError(form, 'La fin du créneau doit suivre son début.', 'end_minute'); return; }
    if (!how.value.trim()) { showError(form, 'Indiquez comment les délégués peuvent vous joindre (téléphone, poste…).', 'how'); return; }
    submit.disabled = true;
    try {
      const body = { weekday: Number(weekday.value), start_minute: s, end_minute: e, how: how.value.trim() };
      const r = await api.call('POST', '/api/v1/availability', body);
      if (!r.ok) { showError(form, r); return; }
      await render(`Créneau ajouté : ${slotText(r.body)}.`);
    } finally {
      submit.disabled = false;
    }
  });
  section.append(list, form);
  return section;
}
