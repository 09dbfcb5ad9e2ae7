// coordination.js — the coordinator's screens: the team (each professional's adhesions to the
// protocols and what blocks each one, in plain words; a new adhesion; the declarations of
// insurance and engagement), the protocols (adopted, signed by whom and when, suspended and why;
// adopt, suspend with a reason, resume), the audit log (who did what and when, filtered, page by
// page) and the accounts (create one without a password: its one-time activation code is shown
// once, to hand over; a new code after a forgotten password; disable, enable, end date; lift the
// delay after failed sign-ins). Everything is inserted as
// text; the API's French refusals are shown next to the field they concern, and what was typed
// stays on screen.
import { api, nav, el, field, showError, clearErrors, show, backButton, card, table, dateFr,
  isoDay, instantFr, actionButton, roleLabels, labelCells } from './lib.js';

// A message to show once the dashboard is rebuilt after an action (adopt, suspend, resume).
let pending = null;

const roleNames = { delegant: 'Délégant', delegue: 'Délégué' };

// The blockers the coordinator settles through the declarations form.
const declarable = ['insurance_missing', 'insurance_late', 'engagement_missing', 'engagement_late'];

// What to do about a blocker, when it is not obvious from its phrase.
const blockerHints = {
  training_missing: 'La formation se valide par un délégant du protocole, depuis son tableau de bord.',
  training_self_validated: 'Un délégant du protocole doit valider la formation.',
  insurance_missing: 'À régler avec le bouton « Déclarer ».',
  insurance_late: 'À régler avec le bouton « Déclarer ».',
  engagement_missing: 'À régler avec le bouton « Déclarer ».',
  engagement_late: 'À régler avec le bouton « Déclarer ».',
  profession_not_allowed: 'La version en vigueur du protocole ne prévoit pas cette profession dans ce rôle.',
};

// Audit log codes in French (the raw code is shown when unknown).
const actionGroups = [
  ['Connexions et comptes', { login: 'Connexion', logout: 'Déconnexion', switch_structure: 'Changement de structure',
    login_failed: 'Échec de connexion', login_delayed: 'Délai imposé après des échecs de connexion',
    unlock: 'Délai de connexion levé', activate: 'Compte activé par son titulaire',
    activation_code: 'Nouveau code d\u2019activation', disable: 'Compte désactivé', enable: 'Compte réactivé',
    end_date: 'Date de fin du compte', password_change: 'Mot de passe changé par son titulaire' }],
  ['Dossiers', { create: 'Création', update: 'Modification', delete: 'Suppression', read: 'Consultation',
    list: 'Consultation d\u2019une liste', search: 'Recherche de patient',
    reachability: 'Vérification des délégants joignables', merge: 'Fusion de dossiers (dossier conservé)',
    merged: 'Dossier fusionné dans un autre (doublon)', replay: 'Décision rejouée' }],
  ['Parcours du patient', { answers: 'Réponses enregistrées', propose: 'Protocole proposé',
    orient_to_usual_care: 'Orientation vers le médecin (soins habituels)',
    record_consent_given: 'Consentement recueilli', record_consent_refused: 'Refus du patient',
    start_assessment: 'Évaluation commencée', save_answers: 'Réponses de l\u2019examen',
    record_decision: 'Décision du délégué', record_revoyure: 'Revoyure par le délégant',
    plan_second_contact: 'Second contact planifié', record_second_contact: 'Second contact fait',
    record_gp_informed: 'Médecin traitant informé', close: 'Prise en charge close',
    reorient: 'Évaluation arrêtée, réorientation vers un délégant', cancel: 'Demande annulée' }],
  ['Équipe et protocoles', { validate_training: 'Formation validée', adopt: 'Protocole adopté',
    sign: 'Modèles d\u2019ordonnance signés', suspend: 'Protocole suspendu', resume: 'Protocole repris' }],
];
const actionLabels = Object.assign({}, ...actionGroups.map(([, labels]) => labels));

const entityLabels = {
  patient: 'Patient', episode: 'Prise en charge', account: 'Compte', professional: 'Professionnel',
  adhesion: 'Adhésion', adoption: 'Protocole de la structure', structure: 'Structure',
  membership: 'Rattachement à une structure', availability: 'Disponibilité d\u2019un délégant',
  audit: 'Journal d\u2019audit',
};

// The audit filters' names, as the form labels them (for the server's messages).
const filterLabels = { action: 'Action', entity: 'Objet', account_id: 'Compte', from: 'Du', to: 'Au',
  after: 'Plus anciens', limit: 'Nombre' };

const AUDIT_PAGE = 50;

function proName(p) {
  return p ? `${p.profession === 'medecin' ? 'Dr ' : ''}${p.first_names} ${p.last_name}` : '';
}

// unix seconds → 25/11/2026
function dayFr(seconds) {
  return typeof seconds === 'number' ? dateFr(isoDay(seconds)) : '';
}

// 2026-11-25, -1 → 2026-11-24
function addDays(iso, n) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// A status line that takes the focus (what it reports replaced the control used).
function focusStatus(node) {
  if (!node) return;
  node.setAttribute('tabindex', '-1');
  node.focus();
}

function errorLine(res) {
  return el('p', { class: 'error', role: 'alert', text: api.message(res) });
}

// Rebuilds the dashboard, then shows `text` in the section `where` and gives it the focus.
async function homeWith(where, text) {
  pending = { where, text };
  await nav.home();
  focusStatus(document.getElementById('coord-status'));
}

function pendingStatus(where) {
  if (!pending || pending.where !== where) return null;
  const p = el('p', { class: 'ok', role: 'status', id: 'coord-status', text: pending.text });
  pending = null;
  return p;
}

export async function coordinationSections() {
  const [pros, adhesions, protocols, accounts] = await Promise.all([
    api.call('GET', '/api/v1/professionals'), api.call('GET', '/api/v1/adhesions'),
    api.call('GET', '/api/v1/protocols'), allAccounts()]);
  const ctx = {
    today: nav.session.today || isoDay(Date.now() / 1000),
    pros: pros.ok ? pros.body.items : [],
    proById: new Map((pros.ok ? pros.body.items : []).map((p) => [p.id, p])),
    protocols: protocols.ok ? protocols.body.items : [],
    protoById: new Map((protocols.ok ? protocols.body.items : []).map((p) => [p.id, p])),
  };
  const sections = [
    teamSection(ctx, pros.ok ? adhesions : pros),
    protocolsSection(ctx, protocols),
    auditCard(),
    accountsSection(accounts, ctx),
  ];
  pending = null;
  return sections;
}

// ---------------------------------------------------------------- 1. the team

function teamSection(ctx, adhesions) {
  const section = card('Équipe');
  section.append(el('p', { class: 'help', text: 'Chaque professionnel, ses adhésions aux protocoles et ce qui l\u2019empêche d\u2019appliquer un protocole : un délégué doit avoir sa formation validée par un délégant, et chacun son assurance déclarée et son engagement signé.' }));
  const body = el('div');
  section.append(body);
  const render = (items, message) => {
    body.replaceChildren();
    const status = message ? el('p', { class: 'ok', role: 'status', text: message }) : null;
    if (status) body.append(status);
    if (!ctx.pros.length) body.append(el('p', { class: 'empty', text: 'Aucun professionnel dans l\u2019équipe.' }));
    for (const p of ctx.pros) body.append(memberBlock(ctx, p, items.filter((a) => a.professional_id === p.id), refresh));
    body.append(newAdhesionForm(ctx, refresh));
    return status;
  };
  const refresh = async (message) => {
    const r = await api.call('GET', '/api/v1/adhesions');
    if (!r.ok) { body.prepend(errorLine(r)); return; }
    focusStatus(render(r.body.items, message));
  };
  if (!adhesions.ok) body.append(errorLine(adhesions));
  else render(adhesions.body.items);
  return section;
}

function adhesionPeriod(a) {
  return a.effective_to ? `du ${dateFr(a.effective_from)} au ${dateFr(addDays(a.effective_to, -1))}`
    : `depuis le ${dateFr(a.effective_from)}`;
}

function memberBlock(ctx, p, items, refresh) {
  const name = proName(p);
  const titleId = `member-${p.id}`;
  const block = el('div', { class: 'member' },
    el('h3', { id: titleId, text: `${name} — ${p.profession_label || p.profession}` }));
  const slot = el('div');
  if (!items.length) {
    block.append(el('p', { class: 'empty', text: 'Aucune adhésion à un protocole.' }));
    return block;
  }
  const title = (id) => (ctx.protoById.get(id) || {}).title || id;
  items.sort((a, b) => title(a.protocol_id).localeCompare(title(b.protocol_id), 'fr') || a.role.localeCompare(b.role));
  const rows = items.map((a) => {
    const check = a.check || { ok: false, blockers: [], message: '' };
    const state = check.ok
      ? el('td', { class: 'yes', text: 'En règle' })
      : el('td', { class: 'no' }, `${check.message}.`,
        ...[...new Set(check.blockers.map((b) => blockerHints[b]).filter(Boolean))]
          .flatMap((hint) => [el('br'), el('span', { class: 'help', text: hint })]));
    const needs = check.blockers.some((b) => declarable.includes(b));
    const action = needs
      ? el('button', { type: 'button', class: 'secondary', text: 'Déclarer',
        'aria-label': `Déclarer l\u2019assurance et l\u2019engagement : ${name}, ${title(a.protocol_id)}`,
        onclick: (ev) => {
          const opener = ev.currentTarget;
          const form = declarationsForm(ctx, a, name, title(a.protocol_id), refresh, () => { slot.replaceChildren(); opener.focus(); });
          slot.replaceChildren(form);
          form.querySelector('input').focus();
        } })
      : '—';
    return el('tr', {},
      el('td', { text: title(a.protocol_id) }),
      el('td', { text: roleNames[a.role] || a.role }),
      el('td', { text: adhesionPeriod(a) }),
      state,
      el('td', {}, action));
  });
  block.append(table(['Protocole', 'Rôle', 'Adhésion', 'Ce qui bloque', 'Action'], rows, `Adhésions de ${name}`), slot);
  return block;
}

// Date inputs of the coordinator's declarations: a date in the future is refused here.
function futureError(form, input, today) {
  if (input.value && input.value > today) {
    showError(form, `La date ne peut pas être postérieure à aujourd\u2019hui (${dateFr(today)}).`, input.name);
    return true;
  }
  return false;
}

function declarationsForm(ctx, a, name, protoTitle, refresh, close) {
  const id = `decl-${a.id}`;
  const insurer = el('input', { name: 'insurer', autocomplete: 'off', value: a.insurance ? a.insurance.insurer : '' });
  const insuranceDate = el('input', { type: 'date', name: 'insurance_date', max: ctx.today,
    value: a.insurance ? a.insurance.date : '' });
  const engagementDate = el('input', { type: 'date', name: 'engagement_date', max: ctx.today,
    value: a.engagement_date || '' });
  const submit = el('button', { type: 'submit', text: 'Enregistrer les déclarations' });
  const form = el('form', { class: 'inline-form', novalidate: true, 'aria-labelledby': `${id}-title` },
    el('h4', { id: `${id}-title`, text: `Assurance et engagement — ${name}, ${(roleNames[a.role] || a.role).toLowerCase()} — ${protoTitle}` }),
    field(`${id}-insurer`, 'Assureur (responsabilité civile professionnelle)', insurer),
    field(`${id}-insurance-date`, 'Date de l\u2019attestation d\u2019assurance', insuranceDate),
    field(`${id}-engagement-date`, 'Date de signature de l\u2019engagement à respecter le protocole', engagementDate),
    submit,
    el('button', { type: 'button', class: 'secondary', text: 'Annuler', onclick: close }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    const who = insurer.value.trim();
    if (!who) { showError(form, 'Indiquez l\u2019assureur qui couvre cette activité.', 'insurer'); return; }
    if (!insuranceDate.value) { showError(form, 'Indiquez la date de l\u2019attestation d\u2019assurance.', 'insurance_date'); return; }
    if (!engagementDate.value) { showError(form, 'Indiquez la date à laquelle l\u2019engagement a été signé.', 'engagement_date'); return; }
    if (futureError(form, insuranceDate, ctx.today) || futureError(form, engagementDate, ctx.today)) return;
    submit.disabled = true;
    try {
      const r = await api.call('POST', `/api/v1/adhesions/${a.id}/declarations`,
        { insurer: who, insurance_date: insuranceDate.value, engagement_date: engagementDate.value });
      if (!r.ok) { showError(form, r); return; }
      const c = r.body.check || {};
      await refresh(`Déclarations enregistrées pour ${name} (${protoTitle}) : ${c.ok ? 'adhésion en règle' : `reste à régler : ${c.message.charAt(0).toLowerCase()}${c.message.slice(1)}`}.`);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function newAdhesionForm(ctx, refresh) {
  const adopted = ctx.protocols.filter((p) => p.adopted);
  const pro = el('select', { name: 'professional_id' }, el('option', { value: '', text: '— choisir —' }),
    ...ctx.pros.map((p) => el('option', { value: String(p.id), text: `${proName(p)} (${p.profession_label || p.profession})` })));
  const proto = el('select', { name: 'protocol_id' }, el('option', { value: '', text: '— choisir —' }),
    ...adopted.map((p) => el('option', { value: p.id, text: p.title })));
  const role = el('select', { name: 'role' }, el('option', { value: 'delegue', text: 'Délégué' }),
    el('option', { value: 'delegant', text: 'Délégant' }));
  const from = el('input', { type: 'date', name: 'effective_from', value: ctx.today });
  const insurer = el('input', { name: 'insurer', autocomplete: 'off' });
  const insuranceDate = el('input', { type: 'date', name: 'insurance_date', max: ctx.today });
  const engagementDate = el('input', { type: 'date', name: 'engagement_date', max: ctx.today });
  const submit = el('button', { type: 'submit', text: 'Ajouter l\u2019adhésion' });
  const form = el('form', { novalidate: true, 'aria-label': 'Ajouter une adhésion' },
    el('p', { class: 'help', text: 'Un professionnel de l\u2019équipe rejoint un protocole adopté, comme délégant ou comme délégué. L\u2019assurance et l\u2019engagement peuvent être déclarés plus tard.' }),
    field('adhesion-professional', 'Professionnel', pro),
    field('adhesion-protocol', 'Protocole', proto),
    field('adhesion-role', 'Rôle', role),
    field('adhesion-from', 'Début de l\u2019adhésion', from),
    field('adhesion-insurer', 'Assureur (facultatif)', insurer),
    field('adhesion-insurance-date', 'Date de l\u2019attestation d\u2019assurance (facultative)', insuranceDate),
    field('adhesion-engagement-date', 'Date de signature de l\u2019engagement (facultative)', engagementDate),
    submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    if (!pro.value) { showError(form, 'Choisissez le professionnel.', 'professional_id'); return; }
    if (!proto.value) { showError(form, 'Choisissez le protocole.', 'protocol_id'); return; }
    if (!from.value) { showError(form, 'Indiquez le premier jour de l\u2019adhésion.', 'effective_from'); return; }
    if (insurer.value.trim() && !insuranceDate.value) { showError(form, 'Indiquez la date de l\u2019attestation d\u2019assurance.', 'insurance_date'); return; }
    if (insuranceDate.value && !insurer.value.trim()) { showError(form, 'Indiquez l\u2019assureur.', 'insurer'); return; }
    if (futureError(form, insuranceDate, ctx.today) || futureError(form, engagementDate, ctx.today)) return;
    const body = { professional_id: Number(pro.value), protocol_id: proto.value, role: role.value, effective_from: from.value };
    if (insurer.value.trim()) body.insurer = insurer.value.trim();
    if (insuranceDate.value) body.insurance_date = insuranceDate.value;
    if (engagementDate.value) body.engagement_date = engagementDate.value;
    submit.disabled = true;
    try {
      const r = await api.call('POST', '/api/v1/adhesions', body);
      if (!r.ok) { showError(form, r); return; }
      const p = ctx.proById.get(body.professional_id);
      const c = r.body.check || {};
      await refresh(`Adhésion ajoutée : ${proName(p)}, ${(roleNames[body.role] || '').toLowerCase()} — ${(ctx.protoById.get(body.protocol_id) || {}).title || body.protocol_id}${c.ok ? ', en règle' : ` ; reste à régler : ${(c.message || '').charAt(0).toLowerCase()}${(c.message || '').slice(1)}`}.`);
    } finally {
      submit.disabled = false;
    }
  });
  return el('details', { class: 'inline-form' }, el('summary', { text: 'Ajouter une adhésion' }), form);
}

// ---------------------------------------------------------------- 2. the protocols

function protocolsSection(ctx, protocols) {
  const section = card('Protocoles');
  const status = pendingStatus('protocols');
  if (status) section.append(status);
  if (!protocols.ok) { section.append(errorLine(protocols)); return section; }
  section.append(el('p', { class: 'help', text: 'Un protocole s\u2019applique dans la structure une fois adopté, puis ses modèles d\u2019ordonnance signés par un délégant. Le suspendre arrête son application, le temps de régler un problème.' }));
  const slot = el('div');
  const problem = el('div', { 'aria-live': 'polite' });
  const rows = ctx.protocols.map((p) => {
    let adoption, signature, action;
    if (!p.adopted && p.adoptable === false) {
      // a draft (or repealed) protocol: the API says why it cannot be adopted
      adoption = el('td', { class: 'no', text: p.not_adoptable_reason || 'Ne peut pas être adopté' });
      signature = el('td', { text: '—' });
      action = el('span', { text: '—' });
    } else if (!p.adopted) {
      adoption = el('td', { text: 'Non adopté' });
      signature = el('td', { text: '—' });
      action = actionButton('Adopter', async () => {
        const r = await api.call('POST', `/api/v1/protocols/${encodeURIComponent(p.id)}/adopt`, {});
        if (!r.ok) { problem.replaceChildren(errorLine(r)); return; }
        await homeWith('protocols', `Protocole « ${p.title} » adopté le ${dateFr(r.body.adopted_on || ctx.today)}. Ajoutez ses délégants et délégués dans « Équipe » ; un délégant devra ensuite signer ses modèles d\u2019ordonnance.`);
      }, { class: 'secondary', 'aria-label': `Adopter : ${p.title}` });
    } else {
      const version = p.in_force ? `version du ${dateFr(p.version_from)}` : 'aucune version en vigueur aujourd\u2019hui';
      adoption = p.status === 'suspended'
        ? el('td', { class: 'no', text: `Suspendu${p.suspended_reason ? ` : ${p.suspended_reason}` : ''}` })
        : el('td', { class: p.in_force ? 'yes' : 'no', text: `Adopté, appliqué (${version})` });
      if (p.signed) {
        const by = p.signed_by ? proName(ctx.proById.get(p.signed_by)) || `professionnel n° ${p.signed_by}` : '';
        signature = el('td', { text: `Signés${by ? ` par ${by}` : ''}${p.signed_at ? ` le ${dayFr(p.signed_at)}` : ''}` });
      } else {
        signature = el('td', { class: 'no', text: 'À signer par un délégant' });
      }
      action = p.status === 'suspended'
        ? actionButton('Reprendre', async () => {
          const r = await api.call('POST', `/api/v1/protocols/${encodeURIComponent(p.id)}/resume`, {});
          if (!r.ok) { problem.replaceChildren(errorLine(r)); return; }
          await homeWith('protocols', `Protocole « ${p.title} » repris : il s\u2019applique de nouveau.`);
        }, { class: 'secondary', 'aria-label': `Reprendre : ${p.title}` })
        : el('button', { type: 'button', class: 'secondary', text: 'Suspendre', 'aria-label': `Suspendre : ${p.title}`,
          onclick: (ev) => {
            const opener = ev.currentTarget;
            const form = suspendForm(p, () => { slot.replaceChildren(); opener.focus(); });
            slot.replaceChildren(form);
            form.querySelector('textarea').focus();
          } });
    }
    return el('tr', {}, el('td', { text: p.title }), adoption, signature, el('td', {}, action));
  });
  section.append(table(['Protocole', 'Dans la structure', 'Modèles d\u2019ordonnance', 'Action'], rows, 'Protocoles'), problem, slot);
  return section;
}

function suspendForm(p, close) {
  const reason = el('textarea', { name: 'reason', rows: '2', maxlength: '500' });
  const submit = el('button', { type: 'submit', text: 'Suspendre le protocole' });
  const form = el('form', { class: 'inline-form', novalidate: true, 'aria-labelledby': 'suspend-title' },
    el('h3', { id: 'suspend-title', text: `Suspendre « ${p.title} »` }),
    el('p', { class: 'help', text: 'Tant qu\u2019il est suspendu, le protocole ne peut plus être proposé aux patients ni appliqué par les délégués (évaluation, inclusion, second contact) ; réorienter un patient vers le médecin reste possible.' }),
    field('suspend-reason', 'Raison de la suspension', reason, 'Elle est conservée et affichée à l\u2019équipe.'),
    submit,
    el('button', { type: 'button', class: 'secondary', text: 'Annuler', onclick: close }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    const why = reason.value.trim();
    if (!why) { showError(form, 'Indiquez la raison de la suspension.', 'reason'); return; }
    submit.disabled = true;
    try {
      const r = await api.call('POST', `/api/v1/protocols/${encodeURIComponent(p.id)}/suspend`, { reason: why });
      if (!r.ok) { showError(form, r, 'reason'); return; }
      await homeWith('protocols', `Protocole « ${p.title} » suspendu : ${why}`);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---------------------------------------------------------------- 3. the audit log

function auditCard() {
  return card('Journal d\u2019audit',
    el('p', { class: 'help', text: 'Qui a fait quoi et quand : connexions, consultations et modifications des dossiers, étapes des prises en charge, décisions sur l\u2019équipe et les protocoles. Le contenu des dossiers n\u2019y figure pas.' }),
    el('button', { type: 'button', class: 'secondary', text: 'Ouvrir le journal d\u2019audit', onclick: openAudit }));
}

function auditMessage(res) {
  // the server names its parameters (« action »…): say them as the form does
  return api.message(res).replace(/« (\w+) »/g, (m, k) => (filterLabels[k] ? `« ${filterLabels[k]} »` : m));
}

export async function openAudit() {
  const accounts = await allAccounts();
  const action = el('select', { name: 'action' }, el('option', { value: '', text: 'Toutes' }),
    ...actionGroups.map(([label, codes]) => el('optgroup', { label },
      ...Object.entries(codes).map(([code, text]) => el('option', { value: code, text })))));
  const entity = el('select', { name: 'entity' }, el('option', { value: '', text: 'Tous' }),
    ...Object.entries(entityLabels).map(([code, text]) => el('option', { value: code, text })));
  const account = el('select', { name: 'account_id' }, el('option', { value: '', text: 'Tous' }),
    ...(accounts.ok ? accounts.body.items : []).map((a) => el('option', { value: String(a.id), text: `${a.display_name} (${a.login})` })));
  const from = el('input', { type: 'date', name: 'from' });
  const to = el('input', { type: 'date', name: 'to' });
  const submit = el('button', { type: 'submit', text: 'Afficher' });
  const form = el('form', { class: 'card', novalidate: true, 'aria-labelledby': 'audit-filter-title' },
    el('h2', { id: 'audit-filter-title', text: 'Filtres' }),
    field('audit-action', 'Action', action),
    field('audit-entity', 'Objet', entity),
    field('audit-account', 'Fait par (compte)', account),
    field('audit-from', 'Du (inclus)', from),
    field('audit-to', 'Au (inclus)', to),
    submit);
  if (!accounts.ok) form.append(errorLine(accounts));

  const status = el('p', { role: 'status', id: 'audit-status' });
  const tbody = el('tbody');
  const columns = ['Date', 'Qui', 'Action', 'Objet', 'N°'];
  const grid = el('table', { class: 'stack' },
    el('caption', { class: 'visually-hidden', text: 'Enregistrements du journal d\u2019audit, les plus récents d\u2019abord' }),
    el('thead', {}, el('tr', {}, ...columns.map((h) => el('th', { scope: 'col', text: h })))),
    tbody);
  const more = el('button', { type: 'button', class: 'secondary', text: 'Plus anciens', hidden: true });
  const results = el('section', { class: 'card', 'aria-labelledby': 'audit-results-title' },
    el('h2', { id: 'audit-results-title', text: 'Enregistrements' }), status, grid, more);

  let query = new URLSearchParams();
  let next = null;
  let shown = 0;
  const row = (en) => el('tr', {},
    el('td', { text: (instantFr(en.at) || en.at_fr).replace(/ /g, '\u00a0') }),
    el('td', { text: en.by || `compte n° ${en.account_id}` }),
    el('td', { text: actionLabels[en.action] || en.action }),
    el('td', { text: entityLabels[en.entity] || en.entity || '' }),
    el('td', { text: en.entity_id ? String(en.entity_id) : '—' }));
  const load = async (append) => {
    const q = new URLSearchParams(query);
    q.set('limit', String(AUDIT_PAGE));
    if (append && next) q.set('after', next); // the server's cursor, as given
    const res = await api.call('GET', `/api/v1/audit?${q}`);
    if (!res.ok) {
      showError(append ? results : form, auditMessage(res), res.body && res.body.error ? res.body.error.field : undefined);
      return false;
    }
    clearErrors(form);
    clearErrors(results);
    const items = res.body.items;
    if (!append) { tbody.replaceChildren(); shown = 0; }
    tbody.append(...labelCells(columns, items.map(row)));
    shown += items.length;
    next = res.body.next;
    grid.hidden = shown === 0;
    more.hidden = !next;
    status.className = shown ? '' : 'empty';
    status.textContent = shown
      ? `${shown} enregistrement${shown > 1 ? 's' : ''} affiché${shown > 1 ? 's' : ''}, du plus récent au plus ancien${next ? ' ; « Plus anciens » affiche la suite.' : '.'}`
      : 'Aucun enregistrement ne correspond à ces filtres.';
    return true;
  };
  more.addEventListener('click', async () => {
    if (more.disabled) return;
    more.disabled = true;
    try {
      const ok = await load(true);
      if (ok && more.hidden) focusStatus(status);
    } finally {
      more.disabled = false;
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(form);
    const q = new URLSearchParams();
    for (const [k, input] of [['action', action], ['entity', entity], ['account_id', account], ['from', from], ['to', to]])
      if (input.value) q.set(k, input.value);
    submit.disabled = true;
    try {
      const previous = query;
      query = q;
      if (!(await load(false))) query = previous;
    } finally {
      submit.disabled = false;
    }
  });
  show(el('h1', { text: 'Journal d\u2019audit' }),
    el('p', { class: 'help', text: 'Les enregistrements de votre structure, les plus récents d\u2019abord : la date, qui, l\u2019action et l\u2019objet concerné avec son numéro. Choisissez des filtres puis « Afficher ».' }),
    form, results, backButton());
  await load(false);
}

// ---------------------------------------------------------------- 4. the accounts

// Every account of the structure, page after page (200 a page: one request for most teams).
// The accounts card loads them all rather than offering « Afficher plus »: its table's search
// field must find any account, and an account left unloaded would look absent. Answers like
// api.call(): { ok, status, body: { items, next: null } }, or the first failed page.
export async function allAccounts() {
  let items = [];
  let after = null;
  for (;;) {
    const q = new URLSearchParams({ limit: '200' });
    if (after) q.set('after', after);
    const r = await api.call('GET', `/api/v1/accounts?${q}`);
    if (!r.ok) return r;
    items = items.concat(r.body.items);
    if (!r.body.next) return { ...r, body: { ...r.body, items, next: null } };
    after = r.body.next;
  }
}

// What an account's state says to the coordinator.
function accountState(a) {
  if (a.state === 'disabled') return 'Désactivé';
  if (a.state === 'ended') return `Terminé (fin le ${dateFr(a.ends_on)})`;
  let text = a.state === 'pending'
    ? `En attente d\u2019activation${a.activation_expires_at ? ` (code valable jusqu\u2019au ${dateFr(isoDay(a.activation_expires_at))})` : ''}`
    : 'Actif';
  if (a.ends_on) text += ` jusqu\u2019au ${dateFr(a.ends_on)} inclus`;
  if (a.locked) text += ' — délai après plusieurs mots de passe erronés';
  return text;
}

// The one-time code, shown once, with how to hand it over.
function codeNotice(a, code, expiresAt) {
  const link = `${location.origin}${location.pathname}#/activation/${code}`;
  return el('div', { class: 'ok', role: 'status', id: 'account-code' },
    el('p', { text: `Code d\u2019activation du compte « ${a.login} » (${a.display_name}) :` }),
    el('p', { class: 'code', text: code }),
    el('p', { text: `Valable jusqu\u2019au ${dateFr(isoDay(expiresAt))}, une seule fois. Il ne sera plus jamais affiché : notez-le maintenant.` }),
    el('p', { text: 'Remettez-le à la personne elle-même, en main propre ou de vive voix après l\u2019avoir reconnue (pas par un courriel non sécurisé). Elle ouvre Coop, choisit « Activer mon compte avec un code », saisit ce code puis choisit son mot de passe, que personne d\u2019autre ne connaîtra. Elle peut aussi ouvrir ce lien :' }),
    el('p', { class: 'code', text: link }));
}

function accountsSection(accounts, ctx) {
  const section = card('Comptes');
  const body = el('div');
  section.append(body);
  const me = nav.session.account_id;
  let items = accounts.ok ? accounts.body.items : [];
  const reload = async (notice) => {
    const again = await allAccounts();
    if (again.ok) items = again.body.items;
    focusStatus(render(notice));
  };
  // one account's actions (never on one's own: the server refuses them too)
  const actions = (a) => {
    if (a.id === me) return [el('span', { text: 'Votre compte' })];
    const fail = (b, r) => { b.parentNode.querySelectorAll('.error').forEach((e) => e.remove()); b.parentNode.append(errorLine(r)); };
    const list = [];
    list.push(actionButton('Nouveau code', async (b) => {
      if (!window.confirm(`Donner un nouveau code d\u2019activation à ${a.display_name} ? Son mot de passe actuel cessera aussitôt de fonctionner et ses sessions seront fermées.`)) return;
      const r = await api.call('POST', `/api/v1/accounts/${a.id}/activation-code`, {});
      if (!r.ok) { fail(b, r); return; }
      await reload(codeNotice(r.body, r.body.activation_code, r.body.activation_expires_at));
    }, { class: 'secondary', 'aria-label': `Nouveau code d\u2019activation pour ${a.display_name}` }));
    list.push(a.disabled
      ? actionButton('Réactiver', async (b) => {
        const r = await api.call('POST', `/api/v1/accounts/${a.id}/enable`, {});
        if (!r.ok) { fail(b, r); return; }
        await reload(`Compte de ${a.display_name} réactivé.`);
      }, { class: 'secondary', 'aria-label': `Réactiver le compte de ${a.display_name}` })
      : actionButton('Désactiver', async (b) => {
        if (!window.confirm(`Désactiver le compte de ${a.display_name} ? Ses sessions seront fermées aussitôt et il ne pourra plus se connecter.`)) return;
        const r = await api.call('POST', `/api/v1/accounts/${a.id}/disable`, {});
        if (!r.ok) { fail(b, r); return; }
        await reload(`Compte de ${a.display_name} désactivé : ses sessions sont fermées.`);
      }, { class: 'secondary', 'aria-label': `Désactiver le compte de ${a.display_name}` }));
    // the end date: a small form of its own
    const dateId = `end-${a.id}`;
    const date = el('input', { type: 'date', id: dateId, name: 'ends_on', value: a.ends_on || '' });
    const endForm = el('form', { class: 'inline' },
      el('label', { for: dateId, text: `Dernier jour du compte de ${a.display_name}` }), date,
      el('button', { type: 'submit', class: 'secondary', text: 'Enregistrer la date de fin' }));
    endForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api.call('PUT', `/api/v1/accounts/${a.id}/end-date`, { ends_on: date.value || null });
      if (!r.ok) { showError(endForm, r); return; }
      await reload(date.value
        ? `Le compte de ${a.display_name} fonctionnera jusqu\u2019au ${dateFr(date.value)} inclus.`
        : `Le compte de ${a.display_name} n\u2019a plus de date de fin.`);
    });
    list.push(el('details', { class: 'end-date' },
      el('summary', { text: a.ends_on ? `Date de fin : ${dateFr(a.ends_on)}` : 'Date de fin\u2026',
        'aria-label': `Date de fin du compte de ${a.display_name}` }), endForm));
    if (a.locked) {
      list.push(actionButton('Lever le délai', async (b) => {
        const r = await api.call('POST', `/api/v1/accounts/${a.id}/unlock`, {});
        if (!r.ok) { fail(b, r); return; }
        await reload(`Délai levé pour ${a.display_name} : la personne peut se connecter de nouveau.`);
      }, { class: 'secondary', 'aria-label': `Lever le délai de connexion de ${a.display_name}` }));
    }
    return list;
  };
  const form = createForm(ctx, async (created) => reload(codeNotice(created, created.activation_code, created.activation_expires_at)));
  const render = (notice) => {
    const status = typeof notice === 'string' ? el('p', { class: 'ok', role: 'status', text: notice }) : notice || null;
    const proName2 = (id) => { const p = ctx.proById.get(id); return p ? proName(p) : '—'; };
    const rows = items.map((a) => el('tr', {},
      el('td', {}, a.display_name, ...(a.professional_id
        ? [el('br'), el('span', { class: 'help', text: `Fiche : ${proName2(a.professional_id)}` })] : [])),
      el('td', { text: a.login }),
      el('td', { text: (a.roles_today || a.roles).map((r) => roleLabels[r] || r).join(', ') || '—' }),
      el('td', { class: a.state === 'active' && !a.locked ? '' : 'no', text: accountState(a) }),
      el('td', {}, ...actions(a))));
    body.replaceChildren(...[status,
      el('p', { class: 'help', text: 'Un compte appartient à une personne : il est créé sans mot de passe, et son titulaire le choisit avec le code d\u2019activation que vous lui remettez. Les rôles de délégué et de délégant ne se donnent pas ici : ils découlent des adhésions du professionnel aux protocoles. Après quatre mots de passe erronés, chaque nouvel essai doit attendre un peu (une minute au plus).' }),
      table(['Nom', 'Identifiant', 'Rôles aujourd\u2019hui', 'État', 'Actions'], rows, 'Comptes'),
      form].filter(Boolean));
    return status;
  };
  if (!accounts.ok) body.append(errorLine(accounts));
  else render();
  return section;
}

// The form that creates an account (no password: the answer carries the activation code).
function createForm(ctx, onCreated) {
  const displayName = el('input', { name: 'display_name', autocomplete: 'off', required: true });
  const login = el('input', { name: 'login', autocomplete: 'off', required: true, spellcheck: 'false', autocapitalize: 'none' });
  const pro = el('select', { name: 'professional_id' },
    el('option', { value: '', text: '— aucun (secrétariat ou coordination sans fiche de professionnel) —' }),
    ...ctx.pros.map((p) => el('option', { value: String(p.id), text: `${proName(p)} (${p.profession_label || p.profession})` })));
  const coordinator = el('input', { type: 'checkbox', name: 'roles', value: 'coordinator', id: 'new-role-coordinator' });
  const secretary = el('input', { type: 'checkbox', name: 'roles', value: 'secretary', id: 'new-role-secretary' });
  const roles = el('fieldset', { class: 'field' }, el('legend', { text: 'Rôles donnés par le compte (facultatif pour un professionnel)' }),
    el('label', { class: 'block', for: 'new-role-secretary' }, secretary, ' Secrétariat (accueil, nouvelles demandes)'),
    el('label', { class: 'block', for: 'new-role-coordinator' }, coordinator, ' Coordination (équipe, protocoles, comptes, journal)'));
  const form = el('form', { class: 'subcard', 'aria-labelledby': 'new-account-title' },
    el('h3', { id: 'new-account-title', text: 'Créer un compte' }),
    field('new-display-name', 'Nom affiché', displayName, 'Tel que l\u2019équipe le lira, par exemple « Léa Garnier, infirmière ».'),
    field('new-login', 'Identifiant', login, 'Lettres minuscules sans accent, chiffres, « . », « - » ou « _ », par exemple lea.garnier.'),
    field('new-professional', 'Professionnel de l\u2019équipe', pro, 'Un professionnel n\u2019a qu\u2019un compte ; ses rôles de délégué ou de délégant viennent de ses adhésions.'),
    roles,
    el('button', { type: 'submit', text: 'Créer le compte et obtenir son code d\u2019activation' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { login: login.value.trim(), display_name: displayName.value.trim(),
      roles: [secretary, coordinator].filter((c) => c.checked).map((c) => c.value) };
    if (pro.value) body.professional_id = Number(pro.value);
    const r = await api.call('POST', '/api/v1/accounts', body);
    if (!r.ok) { showError(form, r); return; }
    await onCreated(r.body);
  });
  return form;
}
