import { adminPage } from './admin-page.js';
import { createApi } from './api.js';
import { byId, fill, h } from './dom.js';
import { loadIdentity, saveIdentity, type Identity } from './identity.js';
import { purchasesPage } from './purchases-page.js';
import { sessionPage } from './session-page.js';
import { sessionsPage } from './sessions-page.js';
import { signInPage } from './sign-in.js';
import type { PageContext, View } from './view.js';

/**
 * The page's shell: who is signed in, the navigation, and one view at a time chosen by the URL's hash
 * (#/, #/sessions/{id}, #/purchases, #/admin), so every view has a link and the back button works.
 */
let identity: Identity | undefined = loadIdentity();
let current: View | undefined;
const api = createApi(() => identity);
const main = byId('view');
const userArea = byId('user-area');
const adminLink = byId<HTMLAnchorElement>('admin-link');

/** MAX_SEATS_PER_RESERVATION, read once from the OpenAPI document (maxItems of the hold's seatNumbers). */
let maxSeatsOnce: Promise<number> | undefined;
function maxSeats(): Promise<number> {
  maxSeatsOnce ??= api
    .get<{ components?: { schemas?: Record<string, { properties?: Record<string, { maxItems?: number }> }> } }>('/api-docs.json')
    .then((doc) => doc.components?.schemas?.ReserveBody?.properties?.seatNumbers?.maxItems ?? 10)
    .catch(() => 10);
  return maxSeatsOnce;
}

function renderUser(): void {
  adminLink.hidden = !identity?.admin;
  if (!identity) {
    fill(userArea);
    return;
  }
  const mode = identity.kind === 'token' ? (identity.admin ? 'token, admin' : 'token') : 'open mode';
  fill(
    userArea,
    h('span', { class: 'who' }, 'Signed in as ', h('strong', { id: 'signed-in-user' }, identity.userId), h('span', { class: 'mode' }, ` (${mode})`)),
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'),
  );
}

function signOut(): void {
  identity = undefined;
  saveIdentity(undefined);
  route();
}

function viewFor(hash: string, ctx: PageContext): View {
  const session = /^#\/sessions\/([^/]+)$/.exec(hash);
  if (session) return sessionPage(ctx, decodeURIComponent(session[1]));
  if (hash === '#/purchases') return purchasesPage(ctx);
  if (hash === '#/admin') {
    if (ctx.identity.admin) return adminPage(ctx);
    return { element: h('section', {}, h('h1', {}, 'Box office'), h('p', {}, 'This view is for admins.')), stop: () => undefined };
  }
  return sessionsPage(ctx);
}

function route(): void {
  current?.stop();
  current = undefined;
  renderUser();
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const here = link.getAttribute('href') === (location.hash || '#/') || (link.hash === '#/' && location.hash.startsWith('#/sessions/'));
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!identity) {
    fill(main, signInPage((who) => {
      identity = who;
      saveIdentity(who);
      route();
    }));
    return;
  }
  document.title = 'Cinema seats';
  current = viewFor(location.hash, { api, identity, maxSeats });
  fill(main, current.element);
}

// The skip link moves focus to the content without touching the hash (the hash is the route).
byId('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
