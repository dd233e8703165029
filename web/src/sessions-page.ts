import { h } from './dom.js';
import { dateTime, money } from './format.js';
import { createNotice } from './notice.js';
import type { Session } from './types.js';
import { LIST_LIMIT, type PageContext, type View } from './view.js';

/** Screenings that have not started yet, soonest first, each a link to its seat map. */
export function sessionsPage(ctx: PageContext): View {
  const notice = createNotice();
  const list = h('ul', { class: 'session-list' }, h('li', { class: 'muted' }, 'Loading sessions…'));
  const element = h('section', {}, h('header', { class: 'page-header' }, h('h1', {}, 'Upcoming sessions')), notice.element, list);

  ctx.api
    .get<Session[]>(`/sessions?limit=${LIST_LIMIT}`)
    .then((sessions) => {
      const now = Date.now();
      const upcoming = sessions.filter((s) => Date.parse(s.startTime) >= now && s.isActive !== false && s.status !== 'CANCELLED');
      if (upcoming.length === 0) {
        list.replaceChildren(h('li', { class: 'muted' }, 'No upcoming sessions.', ctx.identity.admin ? ' Create one in the admin view.' : ''));
        return;
      }
      list.replaceChildren(
        ...upcoming.map((s) =>
          h(
            'li',
            { class: 'session-card' },
            h('a', { href: `#/sessions/${encodeURIComponent(s.id)}`, class: 'session-link' }, s.movieName),
            h('p', { class: 'facts' }, `${dateTime(s.startTime)} · ${s.roomNumber} · ${money(s.ticketPrice)}`),
            h('p', { class: 'muted' }, `${s.availableSeats} of ${s.totalSeats} seats free`),
          ),
        ),
      );
    })
    .catch((error) => {
      list.replaceChildren();
      notice.error(error);
    });

  return { element, stop: () => undefined };
}
