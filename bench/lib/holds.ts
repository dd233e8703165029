/**
 * What an on-sale's clients know of its holds, and the checks of the service's holds against it.
 *
 * A 201 is a hold the service made; a 409 (or any other 4xx) is one it did not. Some requests get no such answer:
 * a 503 saying the session did not answer in time or could not commit (the service's "outcome unknown"), or no
 * answer at all (the client timed out, the socket closed, or the run ended before the answer came). Their seats may
 * be held or not, honestly. So the checks are: every accepted seat is held, and every held seat was accepted or asked
 * for by a request whose outcome is unknown. With no unknown outcome that is exact equality.
 */
import { getJson, type AvailabilityDoc } from './api';
import type { Check } from './results';

export class HoldLedger {
  readonly accepted = new Set<string>();
  /** Seats named by requests whose outcome is unknown (5xx or no answer). */
  readonly unknownSeats = new Set<string>();
  /** Requests whose outcome is unknown, by why: "503", "timeout", "not drained"... */
  readonly unknownRequests: Record<string, number> = {};
  /** Seats those requests asked for, when they asked by quantity (best available). */
  unknownQuantity = 0;

  /** A request whose outcome is unknown, with the seats (or the quantity) it asked for. */
  unknown(reason: string, asked: { seats?: readonly string[]; quantity?: number }): void {
    this.unknownRequests[reason] = (this.unknownRequests[reason] ?? 0) + 1;
    for (const s of asked.seats ?? []) this.unknownSeats.add(s);
    this.unknownQuantity += asked.quantity ?? 0;
  }

  get unknownCount(): number {
    return Object.values(this.unknownRequests).reduce((a, b) => a + b, 0);
  }

  /** "none", or the unknown requests by reason. */
  describeUnknown(): string {
    const parts = Object.entries(this.unknownRequests).map(([why, n]) => `${n} ${why}`);
    return parts.length === 0 ? 'none' : parts.join(', ');
  }

  /**
   * `held` (a list, duplicates kept) against the answers: no seat twice, every accepted seat held, every other held
   * seat asked for by a request of unknown outcome (by name, or within the quantities they asked for).
   */
  check(label: string, held: readonly string[], source: string): Check {
    const heldSet = new Set(held);
    const missing = [...this.accepted].filter((s) => !heldSet.has(s));
    const extra = [...heldSet].filter((s) => !this.accepted.has(s));
    const unexplained = extra.filter((s) => !this.unknownSeats.has(s));
    const explained = this.unknownQuantity > 0 ? extra.length <= this.unknownQuantity : unexplained.length === 0;
    return {
      label,
      ok: heldSet.size === held.length && missing.length === 0 && explained,
      detail:
        `${source}; ${held.length} seats held, ${heldSet.size} distinct; accepted ${this.accepted.size}` +
        (missing.length > 0 ? `; accepted but not held: ${missing.slice(0, 10).join(', ')}` : '') +
        `; held beyond the accepted: ${extra.length}` +
        (this.unknownQuantity > 0
          ? ` (requests of unknown outcome asked for ${this.unknownQuantity} seats)`
          : unexplained.length > 0
            ? `, not asked by any request of unknown outcome: ${unexplained.slice(0, 10).join(', ')}`
            : '') +
        `; requests of unknown outcome: ${this.describeUnknown()}`,
    };
  }
}

/**
 * The session's availability document once it stops changing: a request answered 503 ("did not answer in time")
 * may still be committed after its answer. Reads until two reads 500 ms apart agree (at most `capMs`).
 */
export async function settledDocument(url: string, sessionId: string, capMs = 30_000): Promise<AvailabilityDoc> {
  const read = async () => (await getJson<AvailabilityDoc>(`${url}/sessions/${sessionId}/availability`)).body;
  const fingerprint = (doc: AvailabilityDoc) => doc.seats.map((s) => s.status[0]).join('');
  const until = Date.now() + capMs;
  let doc = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await read();
    if (fingerprint(again) === fingerprint(doc) || Date.now() > until) return again;
    doc = again;
  }
}

/** The RESERVED seats of an availability document. */
export function reservedSeats(doc: AvailabilityDoc): string[] {
  return doc.seats.filter((s) => s.status === 'RESERVED').map((s) => s.seatNumber);
}
