import { h } from './dom.js';
import { countdown, dateTime, money } from './format.js';
import type { Reservation, Sale } from './types.js';

/**
 * The user's holds in this session, each with a countdown to its `expiresAt`, Pay and Cancel; and the tickets the
 * user bought for it. The countdown reads the service's clock through `serverNow` (the skew is measured on each
 * hold the service answers).
 */
export interface HoldActions {
  pay(hold: Reservation): void;
  cancel(hold: Reservation): void;
  expired(hold: Reservation): void;
}

export interface HoldList {
  readonly element: HTMLElement;
  render(holds: readonly Reservation[], busy: ReadonlySet<string>): void;
  stop(): void;
}

export function createHoldList(actions: HoldActions, serverNow: () => number): HoldList {
  const list = h('ul', { class: 'holds' });
  const empty = h('p', { class: 'muted' }, 'No seats held. Select seats on the map, then hold them.');
  const element = h('div', {}, empty, list);
  let timers: Array<{ hold: Reservation; el: HTMLElement }> = [];

  function tick(): void {
    for (const { hold, el } of timers) {
      const left = Date.parse(hold.expiresAt) - serverNow();
      el.textContent = `expires in ${countdown(left)}`;
      el.classList.toggle('timer--urgent', left < 10_000);
      if (left <= 0) actions.expired(hold);
    }
  }
  const interval = window.setInterval(tick, 250);

  return {
    element,
    render(holds, busy) {
      empty.hidden = holds.length > 0;
      timers = [];
      list.replaceChildren(
        ...holds.map((hold) => {
          const timer = h('span', { class: 'timer', role: 'timer', 'aria-live': 'off' });
          timers.push({ hold, el: timer });
          const working = busy.has(hold.id);
          return h(
            'li',
            { class: 'hold', 'data-reservation': hold.id },
            h('div', {}, h('strong', {}, hold.seatNumbers.join(', ')), ` · ${money(hold.amount)} · `, timer),
            h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', class: 'primary', disabled: working, onclick: () => actions.pay(hold) }, `Pay ${money(hold.amount)}`),
              h('button', { type: 'button', disabled: working, onclick: () => actions.cancel(hold) }, 'Cancel hold'),
            ),
          );
        }),
      );
      tick();
    },
    stop() {
      window.clearInterval(interval);
    },
  };
}

export function ticketList(sales: readonly Sale[]): HTMLElement {
  if (sales.length === 0) return h('p', { class: 'muted' }, 'No tickets for this session yet.');
  return h(
    'ul',
    { class: 'tickets' },
    sales.map((s) => h('li', { class: 'ticket' }, h('strong', {}, `Seat ${s.seatNumber}`), ` · ${money(s.amount)} · paid ${dateTime(s.paidAt)}`)),
  );
}
