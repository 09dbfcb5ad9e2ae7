// app.js — Coop's web interface: sign-in, then the screens of the signed-in user's roles.
// Every piece of data is inserted as text (textContent, never innerHTML), the API's French
// error messages are shown next to what caused them, and what the user typed stays in place
// when the server refuses it.

const api = {
  csrf: null,
  // Calls the API; resolves to {ok, status, body}. Network failures resolve too (status 0), so
  // callers can say so without losing the form.
  async call(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    try {
      const r = await fetch(path, { method, headers, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      return { ok: r.ok, status: r.status, body: json };
    } catch {
      return { ok: false, status: 0, body: null };
    }
  },
  message(res) {
    if (res.status === 0) return 'Le serveur ne répond pas : vérifiez la connexion, vos saisies sont conservées.';
    return res.body && res.body.error ? res.body.error.message : `Erreur inattendue (${res.status}).`;
  },
};

// Builds an element with text content and attributes; children may be nodes or strings.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const roleLabels = {
  coordinator: 'coordination', secretary: 'secrétariat', delegue: 'délégué', delegant: 'délégant',
};

// 2026-11-25 → 25/11/2026
function dateFr(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes);
  main.focus();
}

function signInScreen() {
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const login = el('input', { id: 'login', name: 'login', autocomplete: 'username', required: true });
  const password = el('input', { id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'card', 'aria-labelledby': 'signin-title' },
    el('label', { for: 'login', text: 'Identifiant' }), login,
    el('label', { for: 'password', text: 'Mot de passe' }), password,
    el('button', { type: 'submit', text: 'Se connecter' }), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const res = await api.call('POST', '/api/v1/session', { login: login.value, password: password.value });
    if (!res.ok) {
      error.textContent = api.message(res);
      error.hidden = false;
      password.focus();
      return;
    }
    api.csrf = res.body.csrf_token;
    home(res.body);
  });
  show(el('h1', { id: 'signin-title', text: 'Connexion' }), form);
  login.focus();
}

// ---------------------------------------------------------------- forms

// Shows the API's error next to the field it names (or at the end of the form), in French.
function showError(form, res) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  const message = api.message(res);
  const field = res.body && res.body.error ? res.body.error.field : null;
  const input = field ? form.querySelector(`[name="${CSS.escape(field)}"]`) : null;
  const note = el('p', { class: 'error', role: 'alert', text: message });
  if (input) {
    note.id = `${input.id}-error`;
    input.setAttribute('aria-describedby', note.id);
    input.closest('.field') ? input.closest('.field').append(note) : input.after(note);
    input.focus();
  } else {
    form.append(note);
  }
}

function field(id, label, input, help) {
  input.id = id;
  if (!input.name) input.name = id;
  const wrap = el('div', { class: 'field' }, el('label', { for: id, text: label }), input);
  if (help) wrap.append(el('p', { class: 'help', text: help }));
  return wrap;
}

// ---------------------------------------------------------------- secretariat: new request

let session = null;

function newRequest() {
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
    if (!res.ok) { showError(search, res); return; }
    search.querySelectorAll('.error').forEach((e) => e.remove());
    const items = res.body.items.map((p) => el('li', {},
      `${p.birth_name} ${p.first_names}, né(e) le ${dateFr(p.birth_date)} `,
      el('button', { type: 'button', class: 'secondary', text: 'Choisir',
        'aria-label': `Choisir ${p.birth_name} ${p.first_names}`, onclick: () => chooseProtocol(p) })));
    results.replaceChildren(items.length
      ? el('ul', { class: 'results' }, ...items)
      : el('p', { class: 'empty', text: 'Aucun patient trouvé : créez-le ci-dessous.' }));
  });
  show(el('h1', { text: 'Nouvelle demande' }), search, patientForm(),
    el('button', { type: 'button', class: 'secondary', text: 'Retour au tableau de bord', onclick: () => home(session) }));
}

function patientForm() {
  const sex = el('select', {}, el('option', { value: 'female', text: 'Féminin' }),
    el('option', { value: 'male', text: 'Masculin' }), el('option', { value: 'unknown', text: 'Inconnu' }));
  const form = el('form', { class: 'card', 'aria-labelledby': 'create-title' },
    el('h2', { id: 'create-title', text: 'Ou créer le patient' }),
    field('birth_name', 'Nom de naissance', el('input', { required: true, autocomplete: 'off' })),
    field('first_names', 'Prénoms de naissance', el('input', { required: true, autocomplete: 'off' })),
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
    if (v('nir')) body.nir = v('nir');
    if (v('gp_name')) body.gp = { name: v('gp_name') };
    const res = await api.call('POST', '/api/v1/patients', body);
    if (!res.ok) { showError(form, res); return; }
    chooseProtocol(res.body);
  });
  return form;
}

async function chooseProtocol(patient) {
  const res = await api.call('GET', '/api/v1/protocols');
  const choices = res.ok ? res.body.items.filter((p) => p.adopted && p.status === 'active') : [];
  const select = el('select', {}, ...choices.map((p) => el('option', { value: p.id, text: p.title })));
  const form = el('form', { class: 'card', 'aria-labelledby': 'protocol-title' },
    el('h2', { id: 'protocol-title', text: `2. Protocole pour ${patient.birth_name} ${patient.first_names}` }),
    field('protocol_id', 'Protocole', select),
    el('button', { type: 'submit', text: 'Poser les questions d\u2019orientation' }));
  if (!res.ok) form.append(el('p', { class: 'error', role: 'alert', text: api.message(res) }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const created = await api.call('POST', '/api/v1/episodes', { patient_id: patient.id, protocol_id: select.value });
    if (!created.ok) { showError(form, created); return; }
    orientation(created.body);
  });
  show(el('h1', { text: 'Nouvelle demande' }), form);
}

// An input for one protocol question; the answer is read back by answerOf().
function questionInput(q) {
  if (q.type === 'boolean') {
    const group = el('fieldset', { class: 'field', id: q.id },
      el('legend', { text: q.label }),
      el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'true' }), ' Oui'),
      el('label', { class: 'inline' }, el('input', { type: 'radio', name: q.id, value: 'false' }), ' Non'));
    if (q.help) group.append(el('p', { class: 'help', text: q.help }));
    return group;
  }
  let input;
  if (q.type === 'choice') {
    input = el('select', { name: q.id }, el('option', { value: '', text: '— choisir —' }),
      ...q.choices.map((c) => el('option', { value: c.code, text: c.label })));
  } else if (q.type === 'date') {
    input = el('input', { type: 'date', name: q.id });
  } else {
    input = el('input', { type: 'number', name: q.id, step: q.type === 'integer' ? '1' : 'any',
      min: q.min ?? null, max: q.max ?? null, inputmode: 'decimal' });
  }
  return field(`q-${q.id}`, q.unit ? `${q.label} (${q.unit})` : q.label, input, q.help);
}

function answerOf(form, q) {
  if (q.type === 'boolean') {
    const checked = form.querySelector(`input[name="${CSS.escape(q.id)}"]:checked`);
    return checked ? checked.value === 'true' : undefined;
  }
  const v = form.elements[q.id] ? form.elements[q.id].value.trim() : '';
  if (v === '') return undefined;
  if (q.type === 'integer') return Number.parseInt(v, 10);
  if (q.type === 'decimal') return Number.parseFloat(v.replace(',', '.'));
  return v;
}

async function orientation(episode) {
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(episode.protocol_id)}`);
  if (!res.ok) { show(el('p', { class: 'error', role: 'alert', text: api.message(res) })); return; }
  const questions = res.body.questions.filter((q) => q.asked_by === 'orientation' && !q.conditional);
  const outcome = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'card', 'aria-labelledby': 'orient-title' },
    el('h2', { id: 'orient-title', text: `3. Questions d\u2019orientation — ${res.body.title}` }),
    ...questions.map(questionInput),
    el('button', { type: 'submit', text: 'Enregistrer les réponses' }), outcome);
  let version = episode.version;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const answers = {};
    for (const q of questions) {
      const a = answerOf(form, q);
      if (a !== undefined) answers[q.id] = a;
    }
    const saved = await api.call('PUT', `/api/v1/episodes/${episode.id}/answers`, { version, answers });
    if (!saved.ok) { showError(form, saved); return; }
    version = saved.body.version;
    form.querySelectorAll('.error').forEach((e) => e.remove());
    const excluded = saved.body.engine && saved.body.engine.decision === 'excluded';
    const act = async (action, next) => {
      const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/${action}`, { version });
      if (!r.ok) { showError(form, r); return; }
      version = r.body.version;
      next(r.body);
    };
    outcome.replaceChildren(excluded
      ? el('div', {}, el('p', { class: 'notice', text: 'Les réponses excluent le protocole : la patiente ou le patient relève de son médecin, de la manière habituelle.' }),
        el('button', { type: 'button', text: 'Orienter vers le médecin', onclick: () => act('orient_to_usual_care', () => done('Orientation vers le médecin enregistrée.')) }))
      : el('div', {}, el('p', { class: 'notice', text: 'Rien n\u2019exclut le protocole à ce stade : il peut être proposé.' }),
        el('button', { type: 'button', text: 'Proposer le protocole', onclick: () => act('propose', (ep) => consent(ep)) }),
        el('button', { type: 'button', class: 'secondary', text: 'Orienter vers le médecin', onclick: () => act('orient_to_usual_care', () => done('Orientation vers le médecin enregistrée.')) })));
  });
  show(el('h1', { text: 'Nouvelle demande' }), form);
}

function consent(episode) {
  const how = el('input', { autocomplete: 'off', value: 'oral, à l\u2019accueil' });
  const form = el('form', { class: 'card', 'aria-labelledby': 'consent-title' },
    el('h2', { id: 'consent-title', text: '4. Consentement' }),
    el('p', { text: 'La patiente ou le patient accepte-t-il d\u2019être pris en charge par le professionnel délégué, et le partage de son dossier au sein de l\u2019équipe ?' }),
    field('how', 'Comment le consentement a été recueilli', how));
  const record = async (action, message) => {
    const r = await api.call('POST', `/api/v1/episodes/${episode.id}/actions/${action}`,
      { version: episode.version, how: how.value.trim() || undefined });
    if (!r.ok) { showError(form, r); return; }
    done(message);
  };
  form.append(el('button', { type: 'button', text: 'Consentement donné', onclick: () => record('record_consent_given', 'Consentement enregistré : la patiente ou le patient attend le délégué.') }),
    el('button', { type: 'button', class: 'secondary', text: 'Refus : soins habituels', onclick: () => record('record_consent_refused', 'Refus enregistré : prise en charge habituelle par le médecin.') }));
  show(el('h1', { text: 'Nouvelle demande' }), form);
}

function done(message) {
  show(el('h1', { text: 'Demande enregistrée' }),
    el('p', { class: 'notice', role: 'status', text: message }),
    el('button', { type: 'button', text: 'Retour au tableau de bord', onclick: () => home(session) }));
}

// ---------------------------------------------------------------- délégué: the assessment

const urgencyLabels = {
  emergency: 'Urgences (SAMU / 15)', physician_same_day: 'Médecin le jour même',
  physician_later: 'Médecin, sans urgence', none: '',
};

async function openEpisode(id) {
  const res = await api.call('GET', `/api/v1/episodes/${id}`);
  if (!res.ok) { show(el('p', { class: 'error', role: 'alert', text: api.message(res) }), backButton()); return; }
  const ep = res.body;
  const title = el('h1', { text: `${ep.patient ? `${ep.patient.birth_name} ${ep.patient.first_names}` : `Patient n° ${ep.patient_id}`} — ${ep.protocol_title}` });
  const state = el('p', { class: 'notice', role: 'status', text: `Étape : ${ep.state_label}` });
  const panel = el('section', { class: 'card' });
  const act = async (action, body = {}) => {
    const r = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/${action}`, { version: ep.version, ...body });
    if (!r.ok) { panel.querySelectorAll('.error').forEach((e) => e.remove()); panel.append(el('p', { class: 'error', role: 'alert', text: api.message(r) })); return; }
    openEpisode(ep.id);
  };
  if (ep.state === 'consented' && session.roles.includes('delegue')) {
    panel.append(el('h2', { text: 'Évaluation' }),
      el('p', { text: 'Avant de commencer, Coop vérifie votre adhésion au protocole et qu\u2019un délégant peut être joint.' }),
      el('button', { type: 'button', text: 'Commencer l\u2019évaluation', onclick: () => act('start_assessment') }));
  } else if (ep.state === 'assessing') {
    await assessment(ep, panel);
  } else if (ep.data && ep.data.decision && ep.data.decision.lines !== undefined) {
    const d = ep.data.decision;
    panel.append(el('h2', { text: d.decision === 'included' ? 'Prise en charge dans le protocole' : 'Réorientation vers le médecin' }));
    if (d.decision === 'excluded') panel.append(el('p', { class: 'notice', text: `Urgence : ${urgencyLabels[d.urgency] || d.urgency}` }));
    if (d.outcome_label) panel.append(el('p', { text: d.outcome_label }));
    if (d.lines.length) panel.append(el('h3', { text: 'Ordonnance' }), el('ul', {}, ...d.lines.map((l) => el('li', { text: l }))));
    if (d.advice && d.advice.length) panel.append(el('h3', { text: 'Conseils' }), el('ul', {}, ...d.advice.map((a) => el('li', { text: a }))));
    if (ep.state !== 'closed') panel.append(el('button', { type: 'button', text: 'Clore la prise en charge', onclick: () => act('close') }));
  } else {
    panel.append(el('p', { text: 'Rien à faire pour vous à cette étape.' }));
  }
  show(title, state, panel, backButton());
}

function backButton() {
  return el('button', { type: 'button', class: 'secondary', text: 'Retour au tableau de bord', onclick: () => home(session) });
}

async function assessment(ep, panel) {
  const res = await api.call('GET', `/api/v1/protocols/${encodeURIComponent(ep.protocol_id)}`);
  if (!res.ok) { panel.append(el('p', { class: 'error', role: 'alert', text: api.message(res) })); return; }
  const questions = res.body.questions.filter((q) => q.asked_by === 'examination');
  const verdict = el('div', { 'aria-live': 'polite' });
  const form = el('form', { 'aria-labelledby': 'exam-title' },
    el('h2', { id: 'exam-title', text: 'Examen' }), ...questions.map(questionInput),
    el('button', { type: 'submit', text: 'Enregistrer et évaluer' }), verdict);
  let version = ep.version;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const answers = {};
    for (const q of questions) {
      const a = answerOf(form, q);
      if (a !== undefined) answers[q.id] = a;
    }
    const saved = await api.call('PUT', `/api/v1/episodes/${ep.id}/answers`, { version, answers });
    if (!saved.ok) { showError(form, saved); return; }
    form.querySelectorAll('.error').forEach((e) => e.remove());
    version = saved.body.version;
    const engine = saved.body.engine || {};
    const next = (engine.next_questions || []).map((q) => el('li', { text: q.label }));
    verdict.replaceChildren(el('p', { class: 'notice', text: engine.decision_label || '' }),
      ...(next.length ? [el('p', { text: 'Questions à poser ensuite :' }), el('ul', {}, ...next)] : []),
      el('details', {}, el('summary', { text: 'Pourquoi ? (explication détaillée)' }),
        el('pre', { class: 'explain', text: engine.explanation || '' })));
    if (engine.decision === 'included' || engine.decision === 'excluded') {
      verdict.append(el('button', { type: 'button', text: 'Enregistrer la décision',
        onclick: async () => {
          const r = await api.call('POST', `/api/v1/episodes/${ep.id}/actions/record_decision`, { version });
          if (!r.ok) { showError(form, r); return; }
          openEpisode(ep.id);
        } }));
    }
  });
  panel.append(form);
}

async function home(s) {
  session = s;
  document.getElementById('who').textContent =
    `${s.display_name} — ${s.roles.map((r) => roleLabels[r] || r).join(', ')}`;
  document.getElementById('logout').hidden = false;
  const res = await api.call('GET', '/api/v1/episodes');
  const section = el('section', { class: 'card', 'aria-labelledby': 'episodes-title' },
    el('h2', { id: 'episodes-title', text: 'Prises en charge' }));
  if (!res.ok) {
    section.append(el('p', { class: 'error', role: 'alert', text: api.message(res) }));
  } else if (res.body.items.length === 0) {
    section.append(el('p', { class: 'empty', text: 'Aucune prise en charge pour le moment.' }));
  } else {
    const rows = res.body.items.map((e) => el('tr', {},
      el('td', { text: e.patient ? `${e.patient.birth_name} ${e.patient.first_names}` : `Patient n° ${e.patient_id}` }),
      el('td', { text: e.protocol_title }),
      el('td', { text: e.state_label }),
      el('td', { text: dateFr(new Date(e.updated_at * 1000).toISOString().slice(0, 10)) }),
      el('td', {}, el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
        'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) }))));
    section.append(el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Patient' }),
        el('th', { scope: 'col', text: 'Protocole' }), el('th', { scope: 'col', text: 'Étape' }),
        el('th', { scope: 'col', text: 'Mise à jour' }), el('th', { scope: 'col', text: 'Action' }))),
      el('tbody', {}, ...rows)));
  }
  const actions = [];
  if (session.roles.includes('secretary'))
    actions.push(el('button', { type: 'button', text: 'Nouvelle demande', onclick: newRequest }));
  show(el('h1', { text: 'Tableau de bord' }), ...actions, section);
}

async function start() {
  document.getElementById('logout').addEventListener('click', async () => {
    await api.call('DELETE', '/api/v1/session');
    api.csrf = null;
    document.getElementById('who').textContent = '';
    document.getElementById('logout').hidden = true;
    signInScreen();
  });
  const res = await api.call('GET', '/api/v1/session');
  if (res.ok) {
    api.csrf = res.body.csrf_token;
    home(res.body);
  } else {
    signInScreen();
  }
}

start();
