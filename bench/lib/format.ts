import type { PhaseCost } from './context';
import { spread } from './stats';

/** "median (min–max)" of per-round values. */
export function fmtRange(values: number[], digits = 2): string {
  const s = spread(values);
  if (!Number.isFinite(s.median)) return 'n/a';
  if (values.length <= 1) return s.median.toFixed(digits);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

export const COST_HEADER = ['server cores', 'client cores', 'server CPU ms/req', 'PG CPU ms/req', 'commits: mean batch / mean ms / sessions per transaction', 'event-loop lag p99 ms'];

/** The cost columns of a target's rounds: where the time went. */
export function costColumns(costs: PhaseCost[], answers: number[]): string[] {
  const svc = costs.map((c) => c.service);
  const has = svc.every((s) => s !== undefined);
  return [
    fmtRange(costs.map((c) => c.serverCores), 2),
    fmtRange(costs.map((c) => c.clientCores), 2),
    fmtRange(costs.map((c, i) => (c.serverCpuS * 1000) / Math.max(1, answers[i])), 3),
    fmtRange(costs.map((c, i) => (c.postgresCpuS * 1000) / Math.max(1, answers[i])), 3),
    has
      ? `${fmtRange(svc.map((s) => s?.meanBatch ?? Number.NaN), 1)} / ${fmtRange(svc.map((s) => s?.meanCommitMs ?? Number.NaN), 1)} / ` +
        fmtRange(svc.map((s) => s?.meanSessionsPerTransaction ?? Number.NaN), 2)
      : '-',
    has ? fmtRange(svc.map((s) => s?.eventLoopLagP99Ms ?? Number.NaN), 1) : '-',
  ];
}
