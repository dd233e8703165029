import type { SessionInfo } from './session-state';

/**
 * Seats are sold until the session starts, or `closeMs` before it: from then on no hold and no confirmation.
 * `closeMs` is SALES_CLOSE_MINUTES_BEFORE (README, configuration); an unparseable start time closes nothing.
 */
export function salesClosed(info: SessionInfo, now: number, closeMs = 0): boolean {
  const start = Date.parse(info.startTime);
  return Number.isFinite(start) && now >= start - closeMs;
}
