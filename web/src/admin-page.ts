import type { Api } from './api.js';
import { h } from './dom.js';
import { dateTime, money, percent } from './format.js';
import { createNotice } from './notice.js';
import type { Availability, Sale, Session } from './types.js';
import { LIST_LIMIT, type PageContext, type View } from './view.js';

/** Sessions the admin view shows, soonest first. */
const SHOWN = 30;
/** Sales are read in pages of the API's largest size, up to this many pages. */
const SALES_PAGE = 1000;
const SALES_PAGES = 10;

/** `GET /sales` answers a list; a paged answer ({ items | sales | data }) is read too. */
function salesOf(page: unknown): Sale[] {
  if (Array.isArray(page)) return page as Sale[];
  const p = (page ?? {}) as Record<string, unknown>;
  const items = p.items ?? p.sales ?? p.data;
  return Array.isArray(items) ? (items as Sale[]) : [];
}

async function allSales(api: Api): Promise<Sale[]> {
  const sales: Sale[] = [];
  for (let page = 0; page < SALES_PAGES; page++) {
    const batch = salesOf(await api.get<unknown>(`/sales?limit=${SALES_PAGE}&offset=${page * SALES_PAGE}`));
    sales.push(...batch);
    if (batch.length < SALES_PAGE) break;
  }
  return sales;
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

/** A local date-time for the form: tomorrow at 20:00. */
function tomorrowEvening(): string {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T20:00`;
}

/** The box office: create a session; see each session's sales and fill rate. */
export function adminPage(ctx: PageContext): View {
  const { api } = ctx;
  const notice = createNotice();
  const input = (attrs: Record<string, string | number | boolean>) => h('input', attrs);
  const movieName = input({ name: 'movieName', required: true, maxlength: 200, autocomplete: 'off' });
  const startTime = input({ name: 'startTime', type: 'datetime-local', required: true, value: tomorrowEvening() });
  const roomNumber = input({ name: 'roomNumber', required: true, maxlength: 50, value: 'Room 1' });
  const ticketPrice = input({ name: 'ticketPrice', type: 'number', required: true, min: 0, step: '0.01', value: '12.50' });
  const numberOfSeats = input({ name: 'numberOfSeats', type: 'number', required: true, min: 1, max: 2000, value: 80 });
  const seatsPerRow = input({ name: 'seatsPerRow', type: 'number', required: true, min: 1, max: 50, value: 10 });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create session');
  const form = h(
    'form',
    { class: 'create-session', 'aria-label': 'Create a session' },
    field('Movie', movieName),
    field('Starts', startTime),
    field('Room', roomNumber),
    field('Ticket price', ticketPrice),
    field('Seats', numberOfSeats),
    field('Seats per row', seatsPerRow),
    h('div', { class: 'actions' }, submit),
  );
  const stats = h('div', { class: 'admin-sessions' }, h('p', { class: 'muted' }, 'Loading sessions…'));
  const element = h(
    'section',
    {},
    h('header', { class: 'page-header' }, h('h1', {}, 'Box office')),
    h('h2', {}, 'New session'),
    form,
    notice.element,
    h('h2', {}, 'Sessions: sales and fill rate'),
    stats,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const start = new Date(startTime.value);
    const body = {
      movieName: movieName.value.trim(),
      startTime: Number.isNaN(start.getTime()) ? startTime.value : start.toISOString(),
      roomNumber: roomNumber.value.trim(),
      ticketPrice: Number(ticketPrice.value),
      numberOfSeats: Number(numberOfSeats.value),
      seatsPerRow: Number(seatsPerRow.value),
    };
    submit.disabled = true;
    api
      .post<Session>('/sessions', body)
      .then((session) => {
        notice.success(`Created “${session.movieName}” with ${session.totalSeats} seats.`);
        notice.element.append(' ', h('a', { href: `#/sessions/${encodeURIComponent(session.id)}` }, 'Open its seat map'));
        movieName.value = '';
        return load();
      })
      .catch((error) => notice.error(error))
      .finally(() => (submit.disabled = false));
  });

  function card(session: Session, doc: Availability | undefined, sales: Sale[]): HTMLElement {
    const total = doc?.totalSeats ?? session.totalSeats;
    const sold = doc ? doc.seats.filter((s) => s.status === 'SOLD').length : sales.length;
    const held = doc ? doc.seats.filter((s) => s.status === 'RESERVED').length : 0;
    const revenue = sales.reduce((sum, s) => sum + s.amount, 0);
    const progress = h('progress', { max: total, value: sold, 'aria-label': `Fill rate of ${session.movieName}` });
    return h(
      'article',
      { class: 'admin-card', 'data-session': session.id },
      h('h3', {}, h('a', { href: `#/sessions/${encodeURIComponent(session.id)}` }, session.movieName)),
      h('p', { class: 'facts' }, `${dateTime(session.startTime)} · ${session.roomNumber} · ${money(session.ticketPrice)}`),
      h('p', { class: 'fill' }, progress, ` Sold ${sold} of ${total} (${percent(sold, total)}) · held ${held} · revenue ${money(revenue)}`),
      h(
        'details',
        {},
        h('summary', {}, `Sales (${sales.length})`),
        sales.length === 0
          ? h('p', { class: 'muted' }, 'No sales yet.')
          : h(
              'table',
              { class: 'data' },
              h('thead', {}, h('tr', {}, ['Seat', 'User', 'Amount', 'Paid'].map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', {}, sales.map((s) => h('tr', {}, h('td', {}, s.seatNumber), h('td', {}, s.userId), h('td', { class: 'num' }, money(s.amount)), h('td', {}, dateTime(s.paidAt))))),
            ),
      ),
    );
  }

  async function load(): Promise<void> {
    const [sessions, sales] = await Promise.all([api.get<Session[]>(`/sessions?limit=${LIST_LIMIT}`), allSales(api)]);
    const now = Date.now();
    const upcomingFirst = [...sessions.filter((s) => Date.parse(s.startTime) >= now), ...sessions.filter((s) => Date.parse(s.startTime) < now)];
    const shown = upcomingFirst.slice(0, SHOWN);
    const docs = await Promise.all(
      shown.map((s) => api.get<Availability>(`/sessions/${encodeURIComponent(s.id)}/availability`).catch(() => undefined)),
    );
    stats.replaceChildren(
      ...(shown.length === 0 ? [h('p', { class: 'muted' }, 'No sessions yet.')] : []),
      ...shown.map((s, i) => card(s, docs[i], sales.filter((sale) => sale.sessionId === s.id))),
    );
  }

  load().catch((error) => {
    stats.replaceChildren();
    notice.error(error);
  });
  return { element, stop: () => undefined };
}
