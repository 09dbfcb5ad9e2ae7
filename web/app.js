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

async function home(session) {
  document.getElementById('who').textContent =
    `${session.display_name} — ${session.roles.map((r) => roleLabels[r] || r).join(', ')}`;
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
      el('td', { text: dateFr(new Date(e.updated_at * 1000).toISOString().slice(0, 10)) })));
    section.append(el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Patient' }),
        el('th', { scope: 'col', text: 'Protocole' }), el('th', { scope: 'col', text: 'Étape' }),
        el('th', { scope: 'col', text: 'Mise à jour' }))),
      el('tbody', {}, ...rows)));
  }
  show(el('h1', { text: 'Tableau de bord' }), section);
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
