// lib.js — what every screen of Coop's web interface shares: the API client, element building
// (text only, never markup), French formatting and words that agree with the person's sex, form
// errors next to their field, and the navigation between screens: each screen has its address
// (#/...), so Back, a reload and a shared link work; leaving a screen with answers not yet
// saved asks first; the button that sent a request stays disabled until it is answered. No
// screen module imports another: they go through `nav`.

export const api = {
  csrf: null,
  // Calls the API; resolves to {ok, status, body}. A network failure resolves too (status 0):
  // the caller says so and the form keeps what was typed.
  async call(method, path, body) {
    const button = busyStart();
    try { return await this.send(method, path, body); } finally { busyEnd(button); }
  },
  // { readOnly: true }: a POST that stores nothing (a preview) leaves the unsaved answers unsaved
  async send(method, path, body, opts = {}) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    try {
      const r = await fetch(path, { method, headers, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      if (r.status === 401 && path !== '/api/v1/session') nav.expired();
      if (r.ok && method !== 'GET' && !opts.readOnly) unsaved = false; // what was typed is now on the server
      return { ok: r.ok, status: r.status, body: json };
    } catch {
      return { ok: false, status: 0, body: null };
    }
  },
  message(res) {
    if (res.status === 0) return 'Le serveur ne répond pas : vérifiez la connexion puis réessayez. Vos saisies sont conservées à l\u2019écran.';
    return res.body && res.body.error ? res.body.error.message : `Erreur inattendue (${res.status}).`;
  },
};

// ---------------------------------------------------------------- busy buttons

// The button whose click (or form submission) is being handled: every request its handler
// sends keeps it disabled until answered, so a second click cannot send the same thing twice
// (and a slow answer is visibly awaited). Generic: screens need nothing of their own.
let armed = null;
const busy = new Map(); // button → requests under way
document.addEventListener('click', (ev) => {
  armed = ev.target instanceof Element ? ev.target.closest('button') : null;
}, true);
document.addEventListener('submit', (ev) => {
  armed = ev.submitter || ev.target.querySelector('button[type=submit], button:not([type])');
}, true);

function busyStart() {
  const b = armed && armed.isConnected ? armed : null;
  if (!b) return null;
  if (!busy.has(b)) {
    if (b.disabled) return null; // disabled by its screen: leave it to the screen
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
  }
  busy.set(b, (busy.get(b) || 0) + 1);
  return b;
}

function busyEnd(b) {
  if (!b) return;
  const n = busy.get(b) - 1;
  if (n > 0) { busy.set(b, n); return; }
  busy.delete(b);
  b.disabled = false;
  b.removeAttribute('aria-busy');
}

// ---------------------------------------------------------------- unsaved answers

// True once an answer (a protocol question, or a field marked data-unsaved) was typed on this
// screen and not yet sent; a successful write or a new screen clears it.
let unsaved = false;
for (const type of ['input', 'change']) {
  document.addEventListener(type, (ev) => {
    if (ev.target instanceof Element && ev.target.closest('[data-question], [data-unsaved]')) unsaved = true;
  }, true);
}
window.addEventListener('beforeunload', (ev) => {
  if (!unsaved) return;
  ev.preventDefault();
  ev.returnValue = '';
});

// True when the user may leave the current screen: nothing unsaved, or they said so.
export function mayLeave() {
  if (!unsaved) return true;
  if (!window.confirm('Des réponses saisies ne sont pas enregistrées. Quitter cet écran sans les enregistrer ?')) return false;
  unsaved = false;
  return true;
}

// ---------------------------------------------------------------- addresses of the screens

// The screens register themselves here; app.js fills home, expired and route.
export const nav = {
  session: null,
  home: () => {},
  expired: () => {},
  route: () => {}, // renders the screen of the current address
  current: '', // the address of the screen shown
  // Goes to the screen at `path` ("" for the dashboard, "prise-en-charge/12"...), asking first
  // when answers are not saved; Back comes back here.
  go(path) {
    if (!mayLeave()) return;
    at(path);
    this.route();
  },
};

// The address a screen is shown at: a screen calls at() when it is shown, and Back, a reload or
// a shared link bring it back (app.js maps addresses to screens).
export function at(path) {
  if (here() !== path) history.pushState(null, '', `#/${path}`);
  nav.current = path;
}

// The current address, without "#/".
export function here() {
  return location.hash.replace(/^#\/?/, '');
}

// Builds an element; attrs: text → textContent, on* → listeners, true → empty attribute.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function hasRole(role) {
  return !!nav.session && nav.session.roles.includes(role);
}

// ---------------------------------------------------------------- French formatting

// Words that agree with a person's sex ('female', 'male', anything else: unknown):
// bySex(p.sex, 'née', 'né') → "née", "né" or "né(e)".
export function bySex(sex, female, male, unknown = `${male}(e)`) {
  if (sex === 'female') return female;
  if (sex === 'male') return male;
  return unknown;
}

// "née le 03/10/1995" / "né le..." / "né(e) le..."
export function bornFr(p) {
  return p ? `${bySex(p.sex, 'née', 'né')} le ${dateFr(p.birth_date)}` : '';
}

// The API's labels about a patient say "Patient inclus", "Exclu, réorienté"...: for a woman,
// the same in the feminine. Whole words only; a label without such words is returned as is.
const word = (w) => new RegExp(`(?<!\\p{L})${w}(?!\\p{L})`, 'gu');
const feminine = [['Patient', 'Patiente'], ['patient', 'patiente'], ['Inclus', 'Incluse'],
  ['inclus', 'incluse'], ['Exclu', 'Exclue'], ['exclu', 'exclue'], ['Réorienté', 'Réorientée'],
  ['réorienté', 'réorientée'], ['Pris en charge', 'Prise en charge'], ['pris en charge', 'prise en charge'],
].map(([from, to]) => [word(from), to]);
export function forPatient(label, patient) {
  if (!label || !patient || patient.sex !== 'female') return label || '';
  return feminine.reduce((t, [re, to]) => t.replace(re, to), label);
}

// 2026-11-25 → 25/11/2026
export function dateFr(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

// unix seconds → "25/11/2026 à 10:05" in the browser's time zone (the practice's)
export function instantFr(seconds) {
  if (typeof seconds !== 'number') return '';
  const d = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} à ${two(d.getHours())}:${two(d.getMinutes())}`;
}

// unix seconds → 2026-11-25 (local)
export function isoDay(seconds) {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// 37.5 → "37,5"; thousands separated by a no-break space
export function numberFr(x, decimals) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '';
  const opts = decimals === undefined ? { maximumFractionDigits: 3 }
    : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  return x.toLocaleString('fr-FR', opts).replace(/\u202f/g, '\u00a0');
}

// 2500 (cents) → "25,00 €"
export function eurosFr(cents) {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return '';
  return `${numberFr(cents / 100, 2)}\u00a0€`;
}

// A French decimal typed by the user ("37,5") → 37.5; NaN when it is not a number.
export function parseDecimalFr(text) {
  const t = String(text).trim().replace(/\s/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

// ---------------------------------------------------------------- screens and forms

export function show(...nodes) {
  unsaved = false;
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.filter((n) => n));
  main.focus();
  window.scrollTo(0, 0);
}

export function backButton(label = 'Retour au tableau de bord') {
  return el('button', { type: 'button', class: 'secondary back', text: label, onclick: () => nav.go('') });
}

export function clearErrors(form) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

// Shows the API's error next to the field it names (or at the end of the form), in French.
export function showError(form, res, fallbackField) {
  clearErrors(form);
  const message = typeof res === 'string' ? res : api.message(res);
  const name = (res && res.body && res.body.error && res.body.error.field) || fallbackField;
  const input = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  const note = el('p', { class: 'error', role: 'alert', text: message });
  if (input) {
    note.id = `${input.id || name}-error`;
    input.setAttribute('aria-describedby', note.id);
    input.setAttribute('aria-invalid', 'true');
    const wrap = input.closest('.field');
    if (wrap) wrap.append(note); else input.after(note);
    input.focus();
  } else {
    form.append(note);
  }
  // a conflict: the way out is to see the data as it is now (what was typed stays until then)
  if (res && res.status === 409) {
    note.append(' ', el('button', { type: 'button', class: 'secondary', text: 'Recharger',
      onclick: () => { if (mayLeave()) nav.route(); } }));
  }
  return note;
}

// A labelled field; the input gets the id and (unless set) the name.
export function field(id, label, input, help) {
  input.id = id;
  if (!input.name) input.name = id;
  const wrap = el('div', { class: 'field' }, el('label', { for: id, text: label }), input);
  if (help) {
    const h = el('p', { class: 'help', id: `${id}-help`, text: help });
    input.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  return wrap;
}

// A card section with a heading; returns the section.
export function card(title, ...children) {
  const id = `t-${Math.random().toString(36).slice(2, 9)}`;
  return el('section', { class: 'card', 'aria-labelledby': id }, el('h2', { id, text: title }), ...children);
}

// Each cell says its column's name (data-label): on a phone, where a row shows as a block of
// "name: value" lines (style.css), the reader still knows what each value is.
export function labelCells(headers, rows) {
  for (const tr of rows) {
    [...tr.children].forEach((cell, i) => { if (headers[i] && !cell.dataset.label) cell.dataset.label = headers[i]; });
  }
  return rows;
}

// A list of more than SEARCH_FROM rows comes with a search box: the rows whose text holds what is
// typed, case and accents aside ("lefevre" finds "LEFÈVRE"); and PAGE rows at a time, with a
// button for the next ones.
const SEARCH_FROM = 8;
const PAGE = 20;

export function table(headers, rows, caption) {
  labelCells(headers, rows);
  const t = el('table', { class: 'stack' },
    caption ? el('caption', { class: 'visually-hidden', text: caption }) : null,
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows));
  return rows.length > SEARCH_FROM ? searchable(t, rows, caption) : t;
}

const folded = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function searchable(t, rows, caption) {
  const id = `s-${Math.random().toString(36).slice(2, 9)}`;
  const input = el('input', { type: 'search', id, autocomplete: 'off' });
  const status = el('p', { class: 'help', role: 'status' });
  const more = el('button', { type: 'button', class: 'secondary more' });
  const texts = rows.map((r) => folded(r.textContent));
  let limit = PAGE;
  const apply = () => {
    const q = folded(input.value.trim());
    let found = 0;
    rows.forEach((r, i) => {
      const hit = !q || texts[i].includes(q);
      if (hit) found++;
      r.hidden = !hit || found > limit;
    });
    const shown = Math.min(found, limit);
    more.hidden = found <= limit;
    more.textContent = `Afficher les ${Math.min(PAGE, found - limit)} suivants`;
    status.textContent = q || found > limit ? `${shown} affichés sur ${found}${q ? ` trouvés (${rows.length} en tout)` : ''}` : '';
  };
  input.addEventListener('input', () => { limit = PAGE; apply(); });
  more.addEventListener('click', () => { limit += PAGE; apply(); });
  apply();
  return el('div', { class: 'list' },
    el('div', { class: 'list-search' }, el('label', { for: id, text: `Rechercher${caption ? ` dans « ${caption} »` : ''}` }), input),
    status, t, more);
}

// A button that disables itself while its action runs (no double submission).
export function actionButton(text, action, attrs = {}) {
  const b = el('button', { type: 'button', text, ...attrs });
  b.addEventListener('click', async () => {
    if (b.disabled) return;
    b.disabled = true;
    try { await action(b); } finally { b.disabled = false; }
  });
  return b;
}

export const urgencyLabels = {
  emergency: 'Urgences (SAMU / 15)', physician_same_day: 'Médecin le jour même',
  physician_later: 'Médecin, sans urgence', none: '',
};

export const roleLabels = {
  coordinator: 'coordination', secretary: 'secrétariat', delegue: 'délégué', delegant: 'délégant',
};

// A role's name agreeing with the person ("déléguée" for a woman délégué).
export function roleFr(role, sex) {
  if (role === 'delegue') return bySex(sex, 'déléguée', 'délégué', 'délégué');
  if (role === 'delegant') return bySex(sex, 'déléguante', 'délégant', 'délégant');
  return roleLabels[role] || role;
}

export function patientName(p) {
  if (!p) return '';
  return `${p.used_name || p.birth_name} ${p.first_names}`;
}
