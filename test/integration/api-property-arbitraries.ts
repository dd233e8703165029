import fc from 'fast-check';

/**
 * The random requests of the property-based API test (api-property.test.ts). Each action is plain data, so a
 * shrunk counterexample prints as a readable list. Ids of things made during a run (sessions, reservations, users)
 * are picked by index (`pick`) and resolved when the action runs.
 */

/** Characters no stored text may hold; a user id carrying one must be refused with 400. */
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f', '\ud800', '\udfff'];

/** A string that must never pass as a user id (or any text field): a control character, empty, too long, not a string. */
export const hostileText = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 8 })).map(([a, c, b]) => a + c + b),
  fc.constant(''),
  fc.string({ minLength: 101, maxLength: 140 }).filter((s) => s.length > 100),
  fc.constantFrom<unknown>(42, null, true, ['u'], { id: 'u' }),
);

/** Any string for a path segment or query value, hostile or not. */
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom('%00', '%E0%A4%A', '..', '.', ' ', 'null', "' OR 1=1 --", 'ñandú 🎬', 'x'.repeat(120), '\u0000', '-1', '1e3'),
  fc.uuid().map(String),
);

/** An index into a list made during the run (taken modulo its length), or a fresh unknown uuid. */
export type Pick = { readonly pick: number } | { readonly unknown: string };
const pick: fc.Arbitrary<Pick> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(50).map((n) => ({ pick: n })) },
  { weight: 1, arbitrary: fc.uuid().map((u) => ({ unknown: u })) },
);

/** A user: one of the run's users (valid, among them one with non-ASCII letters) or a hostile value. */
export type UserChoice = { readonly pick: number } | { readonly hostile: unknown };
const user: fc.Arbitrary<UserChoice> = fc.oneof(
  { weight: 5, arbitrary: fc.nat(2).map((n) => ({ pick: n })) },
  { weight: 1, arbitrary: hostileText.map((h) => ({ hostile: h })) },
);

const seatLabel = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: 4 })).map(([r, n]) => `${r}${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('C1', 'A0', 'A5', 'a1', 'Z99', '', 'A1\u0000', '<b>', 'AAAAAAAAAAAA1') },
);

/** Idempotency-Key: none, one of three per run (so repeats replay or clash), or an invalid one. */
export type KeyChoice = { readonly key: number } | { readonly raw: string } | null;
const idempotencyKey: fc.Arbitrary<KeyChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.nat(2).map((n) => ({ key: n })) },
  { weight: 1, arbitrary: fc.oneof(fc.constant('k'.repeat(256)), fc.stringMatching(/^[\x20-\x7e]{0,12}$/)).map((raw) => ({ raw })) },
);

/** How the body is sent: as JSON (mostly), as text/plain, or as JSON that does not parse. */
export type BodyMode = 'json' | 'text' | 'broken';
const bodyMode: fc.Arbitrary<BodyMode> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('json') },
  { weight: 1, arbitrary: fc.constant('text') },
  { weight: 1, arbitrary: fc.constant('broken') },
);

const requestId = fc.option(fc.stringMatching(/^[\x20-\x7e]{0,140}$/), { nil: undefined });

const sessionField = {
  movieName: fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((s) => `M ${s}`) }, { weight: 1, arbitrary: hostileText }),
  roomNumber: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Room 1', 'Sala 2', 'IMAX') }, { weight: 1, arbitrary: hostileText }),
  ticketPrice: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000_000 }).map((c) => c / 100) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(21474836.48, 1e9, -1, 19.999, 1e-7, '25', null, Number.MAX_VALUE) },
    { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  ),
  numberOfSeats: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 2001, 2.5, '8', -3, 1e12) }),
  startTime: fc.oneof(
    { weight: 4, arbitrary: fc.date({ min: new Date('2031-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('2026-02-15T19:00:00Z', '2031-05-01', 'tomorrow', '2031-05-01T20:00:00+14:00', 12, '') },
  ),
  seatsPerRow: fc.option(fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constantFrom<unknown>(0, 51, 'x')), { nil: undefined }),
};

export type Action =
  | { readonly kind: 'createSession'; readonly body: Record<string, unknown>; readonly mode: BodyMode; readonly requestId?: string }
  | {
      readonly kind: 'hold';
      readonly session: Pick;
      readonly seats: readonly string[] | { readonly raw: unknown };
      readonly user: UserChoice;
      readonly key: KeyChoice;
      readonly mode: BodyMode;
    }
  | { readonly kind: 'confirm' | 'cancel'; readonly reservation: Pick; readonly user: UserChoice; readonly key: KeyChoice; readonly mode: BodyMode }
  | {
      readonly kind: 'read';
      readonly what: 'session' | 'availability' | 'reservation' | 'userReservations' | 'userSales' | 'sessions' | 'sales';
      readonly target: Pick;
      readonly rawId?: string;
      readonly query?: { readonly limit?: string; readonly offset?: string };
      readonly requestId?: string;
    }
  | { readonly kind: 'wrongMethod'; readonly method: 'delete' | 'put' | 'patch'; readonly path: string };

const query = fc.option(
  fc.record(
    {
      limit: fc.oneof(fc.integer({ min: 1, max: 1000 }).map(String), fc.constantFrom('0', '1001', 'x', '-1', '1.5', '')),
      offset: fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), fc.constantFrom('1000001', '-1', 'abc')),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

export const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('createSession' as const), body: fc.record(sessionField, { requiredKeys: ['movieName', 'roomNumber', 'ticketPrice', 'numberOfSeats', 'startTime'] }), mode: bodyMode, requestId }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      session: pick,
      seats: fc.oneof(
        { weight: 8, arbitrary: fc.array(seatLabel, { minLength: 1, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>([], 'A1', null, ['A1', 'A1'], Array.from({ length: 11 }, (_, i) => `A${i + 1}`)).map((raw) => ({ raw })) },
      ),
      user,
      key: idempotencyKey,
      mode: bodyMode,
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('confirm' as const, 'cancel' as const), reservation: pick, user, key: idempotencyKey, mode: bodyMode }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      what: fc.constantFrom('session', 'availability', 'reservation', 'userReservations', 'userSales', 'sessions', 'sales'),
      target: pick,
      rawId: fc.option(anyText, { nil: undefined }),
      query,
      requestId,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('wrongMethod' as const),
      method: fc.constantFrom('delete' as const, 'put' as const, 'patch' as const),
      path: fc.constantFrom('/sessions/6c1e3f9a-8a5e-4d8b-9d0b-2a1f4b7c9e10', '/sessions/x/availability', '/reservations/user/u', '/sales', '/reservations/confirm-payment'),
    }),
  },
);

/** A path segment as a client would send it: percent-encoded, with lone surrogates and dot segments kept intact. */
export function segment(text: string): string {
  if (text === '.' || text === '..') return text.replace(/\./g, '%2E');
  // An empty segment would make another route (/sessions/ is GET /sessions): send a blank id instead.
  if (text === '') return '%20';
  if (text.startsWith('%')) return text;
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be UTF-8; send the bytes a broken client would
  }
}
