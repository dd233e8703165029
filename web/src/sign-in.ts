import { h } from './dom.js';
import { identityFromName, identityFromToken, type Identity } from './identity.js';

/**
 * Who are you: a user name (open mode, the service's default) or a bearer token (for example from
 * `npm run token -- --sub alice`). Nothing is sent anywhere until the user acts on a page.
 */
export function signInPage(onSignedIn: (identity: Identity) => void): HTMLElement {
  const error = h('p', { class: 'notice notice--error', role: 'alert', hidden: true });
  const fail = (message: string) => {
    error.hidden = false;
    error.textContent = message;
  };

  const name = h('input', { id: 'user-name', name: 'userName', autocomplete: 'username', required: true, maxlength: 100 });
  const byName = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'by-name' },
    h('h2', { id: 'by-name' }, 'Open mode: your name'),
    h('p', { class: 'muted' }, 'The service trusts the name you give (its default without authentication).'),
    h('label', { for: 'user-name' }, 'User name'),
    name,
    h('button', { type: 'submit', class: 'primary' }, 'Continue'),
  );
  byName.addEventListener('submit', (event) => {
    event.preventDefault();
    const identity = identityFromName(name.value);
    if (typeof identity === 'string') fail(identity);
    else onSignedIn(identity);
  });

  const token = h('textarea', { id: 'token', name: 'token', rows: 3, spellcheck: 'false', autocomplete: 'off' });
  const byToken = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'by-token' },
    h('h2', { id: 'by-token' }, 'With authentication: a bearer token'),
    h('p', { class: 'muted' }, 'Paste a token (npm run token -- --sub alice). It stays in this tab only.'),
    h('label', { for: 'token' }, 'Bearer token'),
    token,
    h('button', { type: 'submit' }, 'Use token'),
  );
  byToken.addEventListener('submit', (event) => {
    event.preventDefault();
    const identity = identityFromToken(token.value);
    if (typeof identity === 'string') fail(identity);
    else onSignedIn(identity);
  });

  return h(
    'section',
    { class: 'sign-in-page' },
    h('header', { class: 'page-header' }, h('h1', {}, 'Sign in to pick seats')),
    error,
    h('div', { class: 'sign-in-forms' }, byName, byToken),
  );
}
