// app.js — Coop's web interface: sign-in, then the dashboard of the signed-in user's roles
// (secretariat, délégué, délégant, coordination), each section built by its module. Every
// piece of data is inserted as text (textContent, never innerHTML); the API's French error
// messages are shown next to what caused them, and what was typed stays in place when the
// server refuses it or the network drops. Each screen has its address (see `routes`): Back,
// a reload and a link shared inside the team show the same screen (after signing in).
import { api, nav, el, show, showError, card, patientName, instantFr, roleFr, hasRole,
  at, here, mayLeave, forPatient } from './lib.js';
import { newRequest, dayList, chooseProtocol, orientation, consent } from './secretariat.js';
import { openEpisode, delegueQueue, pagedList } from './episode.js';
import { delegantSections } from './delegant.js';
import { coordinationSections } from './coordination.js';
import { isReferral, urgencyTag } from './urgency.js';
import { activationScreen, passwordScreen } from './account.js';

// The sign-in screen; `notice` (optional) is good news (an account just activated), `login`
// fills the identifier.
function signInScreen(message, notice, knownLogin) {
  const error = el('p', { class: 'error', role: 'alert', hidden: !message, text: message || '' });
  const login = el('input', { id: 'login', name: 'login', autocomplete: 'username', required: true,
    value: knownLogin || '' });
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
    if (res.body.structures && res.body.structures.length > 1) chooseStructure(res.body);
    else signedIn(res.body);
  });
  show(el('h1', { id: 'signin-title', text: 'Connexion' }),
    notice ? el('p', { class: 'ok', role: 'status', text: notice }) : null, form,
    el('p', { class: 'help', text: 'Nouveau compte, ou nouveau code remis par le coordinateur après un oubli ?' }),
    el('button', { type: 'button', class: 'secondary', text: 'Activer mon compte avec un code',
      onclick: () => showActivation('') }));
  if (knownLogin) password.focus(); else login.focus();
}

// The activation screen (#/activation or #/activation/CODE), reachable without a session.
function showActivation(code) {
  history.replaceState(null, '', `#/activation${code ? `/${code}` : ''}`);
  activationScreen(code, (login, notice) => signInScreen(null, notice, login));
}

function activationCode() {
  const m = /^activation(?:\/([A-Za-z0-9 -]{0,40}))?$/.exec(here());
  return m ? decodeURIComponent(m[1] || '') : null;
}

// For a person who works in several structures: which one now (the roles may differ).
function chooseStructure(s) {
  nav.session = s;
  const list = el('fieldset', { class: 'field' }, el('legend', { text: 'Dans quelle structure travaillez-vous maintenant ?' }),
    ...s.structures.map((st) => el('label', { class: 'block' },
      el('input', { type: 'radio', name: 'structure_id', value: String(st.id), checked: st.current }),
      ` ${st.name}`)));
  const form = el('form', { class: 'card', 'aria-labelledby': 'structure-title' },
    el('h2', { id: 'structure-title', text: 'Choix de la structure' }), list,
    el('button', { type: 'submit', text: 'Continuer' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const checked = form.querySelector('input[name=structure_id]:checked');
    if (!checked) { showError(form, 'Choisissez une structure.'); return; }
    const res = await api.call('PUT', '/api/v1/session/structure', { structure_id: Number(checked.value) });
    if (!res.ok) { showError(form, res); return; }
    signedIn(res.body);
  });
  show(el('h1', { text: 'Bienvenue' }), form);
}

// Every episode the caller may see (list "all" of the API), newest update first (the
// coordinator sees states only).
function allEpisodes() {
  const section = card(hasRole('coordinator') && !hasRole('secretary') && !hasRole('delegue') && !hasRole('delegant')
    ? 'Prises en charge (états seulement)' : 'Toutes les prises en charge');
  return pagedList(section, 'all', {
    headers: ['Patient', 'Protocole', 'Étape', 'Mise à jour', 'Action'],
    caption: 'Toutes les prises en charge',
    empty: 'Aucune prise en charge pour le moment.',
    toRow: (e) => el('tr', {},
      el('td', { text: e.patient ? patientName(e.patient) : `Prise en charge n° ${e.id}` }),
      el('td', { text: e.protocol_title }),
      el('td', {}, forPatient(e.state_label, e.patient), ...(isReferral(e.summary) && e.summary.urgency ? [' — ', urgencyTag(e.summary.urgency)] : [])),
      el('td', { text: instantFr(e.updated_at) }),
      el('td', {}, e.patient ? el('button', { type: 'button', class: 'secondary', text: 'Ouvrir',
        'aria-label': `Ouvrir la prise en charge n° ${e.id}`, onclick: () => openEpisode(e.id) }) : '—')),
  });
}

// Signed in (and the structure chosen): the header says who, then the screen of the address
// (the dashboard, or the screen of a link opened before signing in).
function signedIn(s) {
  nav.session = s;
  document.getElementById('who').textContent =
    `${s.display_name} — ${s.roles.map((r) => roleFr(r, s.sex)).join(', ')}${s.structure_name ? ` — ${s.structure_name}` : ''}`;
  document.getElementById('logout').hidden = false;
  document.getElementById('switch').hidden = !(s.structures && s.structures.length > 1);
  route();
}

// The dashboard: one section per list of the caller's roles, each asked to the API on its own
// (in parallel) and shown in the API's order, page by page.
async function home() {
  at('');
  const parts = [el('h1', { text: 'Tableau de bord' })];
  const sections = [];
  if (hasRole('secretary')) {
    parts.push(el('p', { class: 'help', text: 'Un patient appelle ou se présente ? « Nouvelle demande » : retrouvez-le ou créez-le, posez les questions d\u2019orientation, proposez le protocole et recueillez son consentement ; il apparaît alors dans la file du délégué.' }),
      el('button', { type: 'button', class: 'primary-action', text: 'Nouvelle demande', onclick: () => nav.go('nouvelle-demande') }));
    sections.push(dayList(openEpisode));
  }
  if (hasRole('delegue')) sections.push(delegueQueue());
  if (hasRole('delegant')) sections.push(delegantSections(openEpisode));
  if (hasRole('coordinator')) sections.push(coordinationSections());
  sections.push(allEpisodes());
  for (const built of await Promise.all(sections)) parts.push(...[built].flat());
  parts.push(el('button', { type: 'button', class: 'secondary', text: 'Changer mon mot de passe',
    onclick: () => nav.go('mot-de-passe') }));
  show(...parts);
}

function signedOut(message) {
  api.csrf = null;
  nav.session = null;
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
  document.getElementById('switch').hidden = true;
  signInScreen(message);
}

// The network state, said once at the top: what is typed stays on screen meanwhile.
function watchNetwork() {
  const banner = document.getElementById('offline');
  const update = () => { banner.hidden = navigator.onLine; };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  update();
}

// A step of a new request, found again from its episode (after a reload or Back): the step the
// episode is at, or the episode's own screen once the request is done.
async function requestStep(id) {
  const res = await api.call('GET', `/api/v1/episodes/${id}`);
  if (res.ok && res.body.state === 'orientation') return orientation(res.body);
  if (res.ok && res.body.state === 'proposed') return consent(res.body);
  return openEpisode(id);
}

// The addresses of the screens ("#/" + path), and what shows each one.
const routes = [
  [/^$/, () => home()],
  [/^mot-de-passe$/, () => passwordScreen()],
  [/^activation(\/.*)?$/, () => home()], // signed in already: nothing to activate
  [/^prise-en-charge\/(\d+)$/, (m) => openEpisode(Number(m[1]))],
  [/^nouvelle-demande$/, () => (hasRole('secretary') ? newRequest() : home())],
  [/^nouvelle-demande\/patient\/(\d+)$/, async (m) => {
    const res = hasRole('secretary') ? await api.call('GET', `/api/v1/patients/${m[1]}`) : null;
    return res && res.ok ? chooseProtocol(res.body) : home();
  }],
  [/^nouvelle-demande\/(?:orientation|consentement)\/(\d+)$/, (m) => (hasRole('secretary') ? requestStep(Number(m[1])) : home())],
];

// Shows the screen of the current address (an unknown address: the dashboard).
function route() {
  const path = here();
  for (const [re, render] of routes) {
    const m = re.exec(path);
    if (m) { nav.current = path; return render(m); }
  }
  history.replaceState(null, '', '#/');
  return home();
}

async function start() {
  nav.home = () => home();
  nav.route = () => route();
  nav.expired = () => { if (nav.session) signedOut('Votre session a expiré : reconnectez-vous.'); };
  watchNetwork();
  // Back, Forward, an address typed or a link followed: that screen, unless answers would be
  // lost and the user prefers to stay (the address then goes back to the screen shown)
  window.addEventListener('hashchange', () => {
    if (!nav.session) { // the sign-in screen: the address waits for the sign-in
      if (activationCode() !== null) showActivation(activationCode());
      return;
    }
    if (!mayLeave()) { history.pushState(null, '', `#/${nav.current || ''}`); return; }
    route();
  });
  document.getElementById('switch').addEventListener('click', () => { if (mayLeave()) chooseStructure(nav.session); });
  document.getElementById('logout').addEventListener('click', async () => {
    if (!mayLeave()) return;
    await api.call('DELETE', '/api/v1/session');
    // whoever signs in next starts from the dashboard (an expired session keeps its address)
    history.replaceState(null, '', location.pathname);
    nav.current = '';
    signedOut();
  });
  const res = await api.call('GET', '/api/v1/session');
  if (res.ok) {
    api.csrf = res.body.csrf_token;
    signedIn(res.body);
  } else if (activationCode() !== null) {
    showActivation(activationCode());
  } else {
    signInScreen();
  }
}

start();
