import { ApiError } from './api.js';
import { fill, h } from './dom.js';
import { dateTime, money } from './format.js';
import { createHoldList, ticketList } from './holds.js';
import { followAvailability, type FeedMode } from './live-availability.js';
import { createNotice } from './notice.js';
import { createSeatMap, seatLegend } from './seat-map.js';
import { categoriesOf, priceOf, takenFrom, type Perspective } from './seat-model.js';
import type { Availability, Reservation, Sale, UserSales } from './types.js';
import { LIST_LIMIT, newKey, userBody, userPath, type PageContext, type View } from './view.js';

const MODE_TEXT: Record<FeedMode, string> = {
  connecting: 'Connecting to live updates…',
  stream: 'Live: the map follows the session’s stream.',
  polling: 'Live: the map is checked every second.',
};

/** One session: its seat map, the user's selection, holds (countdown, pay, cancel) and tickets. */
export function sessionPage(ctx: PageContext, sessionId: string): View {
  const { api, identity } = ctx;
  let doc: Availability | undefined;
  let maxSeats = 10;
  let clockSkewMs = 0;
  const selected = new Set<string>();
  let holds: Reservation[] = [];
  let tickets: Sale[] = [];
  const busy = new Set<string>();
  let holding = false;
  let mode: FeedMode = 'connecting';
  let cancelled = false;

  const notice = createNotice();
  const title = h('h1', {}, 'Loading session…');
  const facts = h('p', { class: 'facts' });
  const live = h('p', { class: 'live muted', role: 'status' });
  const map = createSeatMap(toggle);
  const summary = h('p', { class: 'selection-summary', 'aria-live': 'polite' });
  const holdButton = h('button', { type: 'button', class: 'primary', id: 'hold-button', onclick: () => void hold() });
  const clearButton = h('button', { type: 'button', onclick: () => (selected.clear(), render()) }, 'Clear selection');
  const holdList = createHoldList({ pay, cancel, expired }, () => Date.now() + clockSkewMs);
  const ticketsEl = h('div', {});
  const element = h(
    'section',
    { class: 'session-page' },
    h('header', { class: 'page-header' }, title, facts, live),
    h(
      'div',
      { class: 'session-layout' },
      h('div', { class: 'map-column' }, map.element, seatLegend()),
      h(
        'aside',
        { class: 'panel', 'aria-label': 'Your seats' },
        h('h2', {}, 'Your selection'),
        summary,
        h('div', { class: 'actions' }, holdButton, clearButton),
        notice.element,
        h('h2', {}, 'Your holds'),
        holdList.element,
        h('h2', {}, 'Your tickets'),
        ticketsEl,
      ),
    ),
  );

  /** Only real changes reach the status region, so screen readers are not told the same thing every second. */
  function setLive(text: string): void {
    if (live.textContent !== text) live.textContent = text;
  }

  function perspective(): Perspective {
    return {
      selected,
      heldByMe: new Set(holds.flatMap((r) => r.seatNumbers)),
      boughtByMe: new Set(tickets.map((s) => s.seatNumber)),
    };
  }

  function render(): void {
    if (doc) map.update(doc, perspective());
    const seats = [...selected];
    const total = doc ? seats.reduce((sum, label) => sum + priceOf(doc!.seats.find((s) => s.seatNumber === label)!, doc!), 0) : 0;
    summary.textContent = seats.length
      ? `${seats.join(', ')} · ${money(total)} (at most ${maxSeats} per hold)`
      : `No seats selected. Pick up to ${maxSeats} on the map.`;
    const n = seats.length;
    holdButton.textContent = holding ? 'Holding…' : n === 0 ? 'Hold seats' : `Hold ${n} seat${n === 1 ? '' : 's'}`;
    holdButton.disabled = holding || cancelled || seats.length === 0;
    clearButton.disabled = seats.length === 0;
    holdList.render(holds, busy);
    fill(ticketsEl, ticketList(tickets));
  }

  function onDocument(next: Availability): void {
    const first = !doc;
    doc = next;
    if (first) {
      title.textContent = next.movieName;
      document.title = `${next.movieName} · Cinema seats`;
    }
    cancelled = next.status === 'CANCELLED';
    const prices = categoriesOf(next).map((c) => c.price);
    const price = prices.length > 1 ? `${money(Math.min(...prices))} to ${money(Math.max(...prices))}` : `${money(next.ticketPrice)} a seat`;
    facts.textContent = cancelled
      ? `${next.roomNumber} · ${dateTime(next.startTime)} · this screening was cancelled`
      : `${next.roomNumber} · ${dateTime(next.startTime)} · ${price} · ${next.availableSeats} of ${next.totalSeats} free`;
    const taken = takenFrom(selected, next);
    for (const label of taken) selected.delete(label);
    if (taken.length) {
      const seats = taken.join(', ');
      notice.info(`${taken.length === 1 ? 'Seat' : 'Seats'} ${seats} just went to someone else and left your selection.`);
    }
    // A hold of ours that the map no longer shows as held was paid, cancelled or expired elsewhere: re-read ours.
    const status = new Map(next.seats.map((s) => [s.seatNumber, s.status]));
    if (holds.some((r) => r.seatNumbers.some((s) => status.get(s) !== 'RESERVED'))) void loadMine();
    render();
  }

  function toggle(label: string): void {
    if (selected.has(label)) selected.delete(label);
    else if (selected.size >= maxSeats) notice.info(`One hold takes at most ${maxSeats} seats.`);
    else selected.add(label);
    render();
  }

  async function loadMine(): Promise<void> {
    const [reservations, sales] = await Promise.all([
      api.get<Reservation[]>(`/reservations/user/${userPath(identity)}?limit=${LIST_LIMIT}`),
      api.get<UserSales>(`/sales/user/${userPath(identity)}?limit=${LIST_LIMIT}`),
    ]);
    const now = Date.now() + clockSkewMs;
    holds = reservations.filter((r) => r.sessionId === sessionId && r.status === 'PENDING' && Date.parse(r.expiresAt) > now);
    tickets = sales.purchases.filter((s) => s.sessionId === sessionId);
    render();
  }

  async function hold(): Promise<void> {
    const seatNumbers = [...selected];
    holding = true;
    render();
    try {
      const body = { sessionId, seatNumbers, ...userBody(identity) };
      const reservation = await api.post<Reservation>('/reservations', body, { idempotencyKey: newKey('hold') });
      clockSkewMs = Date.parse(reservation.createdAt) - Date.now();
      holds = [reservation, ...holds];
      for (const s of seatNumbers) selected.delete(s);
      notice.success(`Held ${seatNumbers.join(', ')}. Pay before the countdown ends.`);
    } catch (error) {
      notice.error(error);
      const unavailable = error instanceof ApiError ? (error.problem.unavailableSeats ?? []) : [];
      for (const s of unavailable) selected.delete(s);
    } finally {
      holding = false;
      render();
      void feed.refresh().catch(() => undefined);
    }
  }

  async function act(reservation: Reservation, work: () => Promise<void>): Promise<void> {
    busy.add(reservation.id);
    render();
    try {
      await work();
    } catch (error) {
      notice.error(error);
      if (error instanceof ApiError && (error.status === 410 || error.status === 409)) await loadMine().catch(() => undefined);
    } finally {
      busy.delete(reservation.id);
      render();
      void feed.refresh().catch(() => undefined);
    }
  }

  function pay(reservation: Reservation): void {
    void act(reservation, async () => {
      const body = { reservationId: reservation.id, ...userBody(identity) };
      const sales = await api.post<Sale[]>('/reservations/confirm-payment', body, { idempotencyKey: `pay-${reservation.id}` });
      holds = holds.filter((r) => r.id !== reservation.id);
      tickets = [...sales, ...tickets.filter((t) => !sales.some((s) => s.id === t.id))];
      const total = sales.reduce((sum, s) => sum + s.amount, 0);
      notice.success(`Paid ${money(total)}. Your tickets: ${sales.map((s) => s.seatNumber).join(', ')}.`);
    });
  }

  function cancel(reservation: Reservation): void {
    void act(reservation, async () => {
      await api.post<Reservation>(`/reservations/${encodeURIComponent(reservation.id)}/cancel`, userBody(identity));
      holds = holds.filter((r) => r.id !== reservation.id);
      notice.info(`Hold cancelled: ${reservation.seatNumbers.join(', ')} ${reservation.seatNumbers.length === 1 ? 'is' : 'are'} free again.`);
    });
  }

  function expired(reservation: Reservation): void {
    holds = holds.filter((r) => r.id !== reservation.id);
    notice.info(`Your hold on ${reservation.seatNumbers.join(', ')} expired; the seats are free again.`);
    render();
    void feed.refresh().catch(() => undefined);
  }

  const feed = followAvailability({
    api,
    sessionId,
    onDocument,
    onMode: (next) => {
      mode = next;
      setLive(MODE_TEXT[mode]);
    },
    onTrouble: (trouble) => {
      live.classList.toggle('live--trouble', !!trouble);
      setLive(trouble ? `Live updates paused (${trouble.message}); retrying.` : MODE_TEXT[mode]);
    },
  });
  render();
  void ctx.maxSeats().then((n) => ((maxSeats = n), render()));
  void Promise.all([feed.refresh(), loadMine()]).catch((error) => {
    if (!doc) title.textContent = 'Session not available';
    if (error instanceof ApiError && error.status === 404) feed.stop();
    notice.error(error);
  });

  return {
    element,
    stop() {
      feed.stop();
      holdList.stop();
    },
  };
}
