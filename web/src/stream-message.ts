import type { SeatChange } from './seat-model.js';
import type { Availability } from './types.js';

/**
 * One message of the availability stream, read leniently: the whole document (as `GET .../availability` answers
 * it, bare or under `document`/`availability`), or a change naming the seats that changed (`seats`, `changes` or
 * `changed`: each with its `seatNumber` and new fields) and the new `version`. Anything else (a heartbeat, a
 * comment, an unknown event) reads as undefined and is ignored.
 */
export type StreamMessage = { kind: 'document'; doc: Availability } | { kind: 'change'; change: SeatChange };

type Payload = Record<string, unknown>;

export function readStreamMessage(text: string): StreamMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const payload = parsed as Payload;
  const inner = (payload.document ?? payload.availability ?? payload) as Payload;
  if (typeof inner === 'object' && inner !== null && Array.isArray(inner.seats) && typeof inner.totalSeats === 'number') {
    return { kind: 'document', doc: inner as unknown as Availability };
  }
  const seats = payload.seats ?? payload.changes ?? payload.changed;
  if (!Array.isArray(seats)) return undefined;
  const valid = seats.filter(
    (s): s is { seatNumber: string; status?: string } =>
      typeof s === 'object' && s !== null && typeof (s as Payload).seatNumber === 'string',
  );
  return {
    kind: 'change',
    change: {
      seats: valid,
      version: typeof payload.version === 'number' ? payload.version : undefined,
      availableSeats: typeof payload.availableSeats === 'number' ? payload.availableSeats : undefined,
    },
  };
}
