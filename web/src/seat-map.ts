import { h } from './dom.js';
import {
  accessibleName,
  categoriesOf,
  categoryName,
  lookOf,
  numberOf,
  rowsOf,
  type Perspective,
  type SeatLook,
} from './seat-model.js';
import type { Availability } from './types.js';

/**
 * The seat map: one button per seat, row by row, the screen on top. Each look differs by shape and pattern as
 * well as colour (see styles.css). Keyboard: Tab enters the map on one seat (roving tabindex), the arrow keys
 * move between seats and rows, Home/End go to the row's ends, Enter or Space selects.
 */
export interface SeatMap {
  readonly element: HTMLElement;
  update(doc: Availability, me: Perspective): void;
}

const SELECTABLE: ReadonlySet<SeatLook> = new Set(['available', 'selected']);

export function createSeatMap(onToggle: (seatNumber: string) => void): SeatMap {
  const rowsEl = h('div', { class: 'seat-rows' });
  const element = h(
    'div',
    { class: 'seat-map', role: 'group', 'aria-label': 'Seat map (the screen is at the top)' },
    h('div', { class: 'screen', 'aria-hidden': 'true' }, 'Screen'),
    h('div', { class: 'seat-scroll' }, rowsEl),
  );
  let grid: HTMLButtonElement[][] = [];
  let buttons = new Map<string, HTMLButtonElement>();
  let layoutKey = '';
  let categories: string[] = [];
  const legendCategories = h('ul', { class: 'legend legend--categories', 'aria-label': 'Prices', hidden: true });
  element.append(legendCategories);

  function focusSeat(target: HTMLButtonElement | undefined): void {
    if (!target) return;
    for (const b of buttons.values()) b.tabIndex = b === target ? 0 : -1;
    target.focus();
  }

  function onKey(event: KeyboardEvent, r: number, c: number): void {
    const row = grid[r];
    const moves: Record<string, () => HTMLButtonElement | undefined> = {
      ArrowLeft: () => row[c - 1],
      ArrowRight: () => row[c + 1],
      ArrowUp: () => grid[r - 1]?.[Math.min(c, grid[r - 1].length - 1)],
      ArrowDown: () => grid[r + 1]?.[Math.min(c, grid[r + 1].length - 1)],
      Home: () => row[0],
      End: () => row[row.length - 1],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    focusSeat(move());
  }

  function build(doc: Availability): void {
    const found = categoriesOf(doc);
    categories = found.length > 1 ? found.map((c) => c.name) : [];
    legendCategories.hidden = categories.length === 0;
    legendCategories.replaceChildren(
      ...found.map((c, i) =>
        h('li', {}, h('span', { class: `seat seat--available swatch cat-${i % 6}`, 'aria-hidden': 'true' }), `${c.name} ${c.price.toFixed(2)}`),
      ),
    );
    grid = [];
    buttons = new Map();
    const rows = rowsOf(doc).map(({ row, seats }, r) => {
      const cells = seats.map((seat, c) => {
        const button = h(
          'button',
          { type: 'button', class: 'seat', 'data-seat': seat.seatNumber, tabindex: -1 },
          h('span', { class: 'seat-number', 'aria-hidden': 'true' }, numberOf(seat)),
        );
        button.addEventListener('click', () => {
          if (button.getAttribute('aria-disabled') !== 'true') onToggle(seat.seatNumber);
        });
        button.addEventListener('keydown', (event) => onKey(event, r, c));
        button.addEventListener('focus', () => {
          for (const b of buttons.values()) b.tabIndex = b === button ? 0 : -1;
        });
        buttons.set(seat.seatNumber, button);
        return button;
      });
      grid.push(cells);
      return h(
        'div',
        { class: 'seat-row', role: 'group', 'aria-label': `Row ${row}` },
        h('span', { class: 'row-label', 'aria-hidden': 'true' }, row),
        cells,
        h('span', { class: 'row-label', 'aria-hidden': 'true' }, row),
      );
    });
    rowsEl.replaceChildren(...rows);
  }

  return {
    element,
    update(doc, me) {
      const key = doc.seats.map((s) => s.seatNumber).join(',');
      if (key !== layoutKey) {
        layoutKey = key;
        build(doc);
      }
      for (const seat of doc.seats) {
        const button = buttons.get(seat.seatNumber);
        if (!button) continue;
        const look = lookOf(seat, me);
        const category = categoryName(seat);
        const index = category === undefined ? -1 : categories.indexOf(category);
        button.className = `seat seat--${look}${index >= 0 ? ` cat-${index % 6}` : ''}`;
        button.classList.toggle('seat--wheelchair', seat.wheelchair === true);
        const name = accessibleName(seat, look, doc, categories.length > 0);
        button.setAttribute('aria-label', name);
        button.title = name;
        button.setAttribute('aria-pressed', String(look === 'selected'));
        button.setAttribute('aria-disabled', String(!SELECTABLE.has(look)));
      }
      // Exactly one seat is reachable with Tab: the one focused last, else the first that can be selected.
      const current = [...buttons.values()].find((b) => b.tabIndex === 0);
      if (!current) {
        const first = [...buttons.values()].find((b) => b.getAttribute('aria-disabled') !== 'true') ?? buttons.values().next().value;
        if (first) first.tabIndex = 0;
      }
    },
  };
}

/** The legend: each look with the same swatch the map uses. */
export function seatLegend(): HTMLElement {
  const entries: Array<[SeatLook, string]> = [
    ['available', 'Available'],
    ['selected', 'Selected'],
    ['mine', 'Held by you'],
    ['held', 'Held by someone'],
    ['sold', 'Sold'],
    ['owned', 'Your ticket'],
  ];
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    entries.map(([look, text]) =>
      h('li', {}, h('span', { class: `seat seat--${look} swatch`, 'aria-hidden': 'true' }), text),
    ),
  );
}
