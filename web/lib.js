// lib.js — what every screen of Coop's web interface shares: the API client, element building
// (text only, never markup), French formatting, form errors next to their field, and the
// navigation between screens. No screen module imports another: they go through `nav`.

export const api = {
  csrf: null,
  // Calls the API; resolves to {ok, status, body}. A network failure resolves too (status 0):
  // the caller says so and the form keeps what was typed.
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
      if (r.status === 401 && path !== '/api/v1/session') nav.expired();
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

// The screens register themselves here; app.js fills home and expired.
export const nav = {
  session: null,
  home: () => {},
  expired: () => {},
};

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
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.filter((n) => n));
  main.focus();
  window.scrollTo(0, 0);
}

export function backButton(label = 'Retour au tableau de bord') {
  return el('button', { type: 'button', class: 'secondary back', text: label, onclick: () => nav.home() });
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

export function table(headers, rows, caption) {
  return el('table', {},
    caption ? el('caption', { class: 'visually-hidden', text: caption }) : null,
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows));
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

export function patientName(p) {
  if (!p) return '';
  return `${p.used_name || p.birth_name} ${p.first_names}`;
}
