import type { SessionState } from './session-state';

/**
 * The seats `userId` holds (pending, not yet due) or bought in this session: what MAX_SEATS_PER_USER_PER_SESSION
 * counts. Expired and cancelled holds are not in the state, and a hold past its expiry no longer counts.
 */
export function seatsOfUser(state: SessionState, userId: string, now: number): number {
  let seats = 0;
  for (const r of state.reservations.values()) {
    if (r.userId !== userId) continue;
    if (r.status === 'CONFIRMED' || (r.status === 'PENDING' && r.expiresAt > now)) seats += r.seatNumbers.length;
  }
  return seats;
}

/** The refusal when `wanted` more seats would take the user past `max`, else undefined. */
export function seatLimitExceeded(
  state: SessionState,
  userId: string,
  wanted: number,
  max: number,
  now: number,
): { readonly code: 'SEAT_LIMIT_PER_USER'; readonly max: number; readonly held: number } | undefined {
  const held = seatsOfUser(state, userId, now);
  return held + wanted > max ? { code: 'SEAT_LIMIT_PER_USER', max, held } : undefined;
}
