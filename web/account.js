// account.js — a person's own account: activating it with the one-time code the coordinator
// handed over (choosing the password, before any sign-in: #/activation or #/activation/CODE,
// the link the coordinator may send), and changing the password once signed in
// (#/mot-de-passe). Both say the password rules before they are broken; the API's refusals
// are shown next to their field and what was typed stays.
import { api, el, field, show, showError, clearErrors, backButton, at } from './lib.js';

// What the server asks of a new password (src/api/api_session.c: new_password_ok).
export const PASSWORD_RULES = 'Au moins 10 caractères, et pas votre identifiant. Une phrase facile à retenir (par exemple « le chat dort sous le tilleul ») est plus sûre qu\u2019un mot compliqué.';

// Two new-password fields; check() answers the French message when they differ (or null).
function newPasswordFields(name) {
  const first = el('input', { type: 'password', name, autocomplete: 'new-password', required: true });
  const again = el('input', { type: 'password', name: `${name}_again`, autocomplete: 'new-password', required: true });
  return {
    nodes: [field(`${name}-new`, 'Nouveau mot de passe', first, PASSWORD_RULES),
      field(`${name}-again`, 'Le même mot de passe, une seconde fois', again)],
    first,
    again,
    check: () => (first.value === again.value ? null
      : 'Les deux mots de passe saisis sont différents : tapez le même dans les deux champs.'),
  };
}

// The activation screen (no session needed). onSignIn(login, message) shows the sign-in screen.
export function activationScreen(code, onSignIn) {
  const codeInput = el('input', { name: 'code', autocomplete: 'one-time-code', required: true,
    spellcheck: 'false', autocapitalize: 'characters', value: code || '' });
  const pw = newPasswordFields('password');
  const form = el('form', { class: 'card', 'aria-labelledby': 'activation-title' },
    el('h2', { id: 'activation-title', text: 'Choisir votre mot de passe' }),
    field('activation-code', 'Code d\u2019activation', codeInput,
      'Les 16 lettres et chiffres remis par le coordinateur (par exemple ABCD-EFGH-JKMN-PQRS) ; il ne sert qu\u2019une fois et pendant 7 jours.'),
    ...pw.nodes,
    el('button', { type: 'submit', text: 'Activer mon compte' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const differ = pw.check();
    if (differ) { showError(form, differ, 'password_again'); return; }
    const res = await api.call('POST', '/api/v1/activation', { code: codeInput.value, password: pw.first.value });
    if (!res.ok) { showError(form, res); return; }
    history.replaceState(null, '', location.pathname);
    onSignIn(res.body.login, `Votre compte « ${res.body.login} » est activé : connectez-vous avec votre identifiant et le mot de passe que vous venez de choisir.`);
  });
  show(el('h1', { text: 'Activer mon compte' }),
    el('p', { class: 'help', text: 'Votre coordinateur a créé votre compte et vous a remis un code d\u2019activation. Personne d\u2019autre que vous ne connaîtra votre mot de passe.' }),
    form,
    el('button', { type: 'button', class: 'secondary back', text: 'J\u2019ai déjà un mot de passe : me connecter',
      onclick: () => { history.replaceState(null, '', location.pathname); onSignIn(); } }));
  codeInput.focus();
  if (code) pw.first.focus();
}

// « Changer mon mot de passe », for every signed-in person.
export function passwordScreen() {
  at('mot-de-passe');
  const current = el('input', { type: 'password', name: 'current_password', autocomplete: 'current-password', required: true });
  const pw = newPasswordFields('new_password');
  const done = el('p', { class: 'ok', role: 'status', hidden: true });
  const form = el('form', { class: 'card', 'aria-labelledby': 'password-title' },
    el('h2', { id: 'password-title', text: 'Votre mot de passe' }),
    field('current-password', 'Mot de passe actuel', current),
    ...pw.nodes,
    el('button', { type: 'submit', text: 'Changer mon mot de passe' }), done);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    done.hidden = true;
    const differ = pw.check();
    if (differ) { showError(form, differ, 'new_password_again'); return; }
    const res = await api.call('PUT', '/api/v1/session/password',
      { current_password: current.value, new_password: pw.first.value });
    if (!res.ok) { showError(form, res); return; }
    for (const input of [current, pw.first, pw.again]) input.value = '';
    done.textContent = 'Mot de passe changé. Vos autres sessions (sur d\u2019autres postes) sont fermées ; celle-ci continue.';
    done.hidden = false;
    done.setAttribute('tabindex', '-1');
    done.focus();
  });
  show(el('h1', { text: 'Changer mon mot de passe' }), form, backButton());
  current.focus();
}
