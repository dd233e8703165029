import type { SessionCommand } from '../../../src/domain';
import { sessionSpec } from '../../support/given-when-then';
import { ALICE, cancel, cancelled, confirm, created, hold, paid } from './builders';

/** The spec session starts at 2030-01-01T20:00:00Z. */
const START = Date.parse('2030-01-01T20:00:00.000Z');
const MINUTE = 60_000;

const closingEarly = (command: SessionCommand, salesCloseMs: number): SessionCommand => ({ ...command, salesCloseMs } as SessionCommand);

describe('sales close at the start of the session (or SALES_CLOSE_MINUTES_BEFORE it)', () => {
  const spec = sessionSpec({ numberOfSeats: 16, priceCents: 2500 });

  describe('when a hold arrives', () => {
    it('then one millisecond before the start it is still accepted', () => {
      spec
        .given([])
        .when(hold('r1', ['A1'], { now: START - 1 }))
        .then([created('r1', ['A1'], { at: START - 1 })]);
    });

    it('then at the start it is refused as SALES_CLOSED, naming when sales closed', () => {
      spec.given([]).when(hold('r1', ['A1'], { now: START })).thenFails({ code: 'SALES_CLOSED', closedAt: START });
    });

    it('then long after the start (a past session) it is refused as SALES_CLOSED', () => {
      spec.given([]).when(hold('r1', ['A1'], { now: START + 365 * 24 * 60 * MINUTE })).thenFails('SALES_CLOSED');
    });

    it('then with sales closing 30 minutes before, 31 minutes before is in time and 30 minutes before is not', () => {
      spec
        .given([])
        .when(closingEarly(hold('r1', ['A1'], { now: START - 31 * MINUTE }), 30 * MINUTE))
        .then([created('r1', ['A1'], { at: START - 31 * MINUTE })]);
      spec
        .given([])
        .when(closingEarly(hold('r1', ['A1'], { now: START - 30 * MINUTE }), 30 * MINUTE))
        .thenFails({ code: 'SALES_CLOSED', closedAt: START - 30 * MINUTE });
    });
  });

  describe('when a pending hold is confirmed', () => {
    const pending = created('r1', ['A1', 'A2'], { at: START - 10 * MINUTE, ttlMs: 20 * MINUTE });

    it('then before the close it is paid', () => {
      spec
        .given([pending])
        .when(confirm('r1', { now: START - 1 }))
        .then([paid('r1', ['A1', 'A2'], { at: START - 1 })]);
    });

    it('then at or after the close it is refused as SALES_CLOSED although the hold has not expired', () => {
      spec.given([pending]).when(confirm('r1', { now: START })).thenFails({ code: 'SALES_CLOSED', closedAt: START });
      spec
        .given([pending])
        .when(closingEarly(confirm('r1', { now: START - 5 * MINUTE }), 5 * MINUTE))
        .thenFails('SALES_CLOSED');
    });

    it('then a repeat of a confirmation made in time still answers with the sales (no change)', () => {
      spec
        .given([pending, paid('r1', ['A1', 'A2'], { at: START - MINUTE })])
        .when(confirm('r1', { userId: ALICE, now: START + MINUTE }))
        .then([]);
    });
  });

  describe('when a pending hold is cancelled after the close', () => {
    it('then it is cancelled as usual: freeing seats harms nobody', () => {
      const pending = created('r1', ['A1'], { at: START - MINUTE, ttlMs: 10 * MINUTE });
      spec
        .given([pending])
        .when(cancel('r1', { now: START + 1 }))
        .then([cancelled('r1', ['A1'], START + 1)]);
    });
  });
});
