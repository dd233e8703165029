import { h } from './dom.js';
import { dateTime, money } from './format.js';
import { createNotice } from './notice.js';
import type { Reservation, UserSales } from './types.js';
import { LIST_LIMIT, userPath, type PageContext, type View } from './view.js';

/** The signed-in user's tickets and reservations, and no one else's. */
export function purchasesPage(ctx: PageContext): View {
  const { api, identity } = ctx;
  const notice = createNotice();
  const tickets = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const reservations = h('div', {});
  const element = h(
    'section',
    {},
    h('header', { class: 'page-header' }, h('h1', {}, 'My purchases'), h('p', { class: 'facts' }, `Signed in as ${identity.userId}`)),
    notice.element,
    h('h2', {}, 'Tickets'),
    tickets,
    h('h2', {}, 'Reservations'),
    reservations,
  );

  Promise.all([
    api.get<UserSales>(`/sales/user/${userPath(identity)}?limit=${LIST_LIMIT}`),
    api.get<Reservation[]>(`/reservations/user/${userPath(identity)}?limit=${LIST_LIMIT}`),
  ])
    .then(([sales, held]) => {
      tickets.replaceChildren(
        sales.purchases.length === 0
          ? h('p', { class: 'muted' }, 'No tickets yet.')
          : h(
              'table',
              { class: 'data' },
              h('thead', {}, h('tr', {}, ['Movie', 'Starts', 'Room', 'Seat', 'Paid', 'Amount'].map((c) => h('th', { scope: 'col' }, c)))),
              h(
                'tbody',
                {},
                sales.purchases.map((s) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, h('a', { href: `#/sessions/${encodeURIComponent(s.sessionId)}` }, s.movieName)),
                    h('td', {}, dateTime(s.sessionStartTime)),
                    h('td', {}, s.roomNumber),
                    h('td', {}, s.seatNumber),
                    h('td', {}, dateTime(s.paidAt)),
                    h('td', { class: 'num' }, money(s.amount)),
                  ),
                ),
              ),
            ),
        h('p', { class: 'total' }, `${sales.totalPurchases} ticket${sales.totalPurchases === 1 ? '' : 's'}, ${money(sales.totalAmount)} in all`),
      );
      reservations.replaceChildren(
        held.length === 0
          ? h('p', { class: 'muted' }, 'No reservations.')
          : h(
              'ul',
              { class: 'plain' },
              held.map((r) =>
                h('li', {}, h('a', { href: `#/sessions/${encodeURIComponent(r.sessionId)}` }, r.seatNumbers.join(', ')), ` · ${r.status.toLowerCase()} · ${money(r.amount)} · ${dateTime(r.createdAt)}`),
              ),
            ),
      );
    })
    .catch((error) => {
      tickets.replaceChildren();
      notice.error(error);
    });

  return { element, stop: () => undefined };
}
