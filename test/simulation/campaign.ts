import { FAULT_KINDS, type FaultKind } from './faults';
import type { KnownBug } from './known-bugs';
import { runSeed, type RunResult, type RunStats } from './simulation';

/** The one-line command that replays a seed (README, "Deterministic simulation"). */
export function replayCommand(seed: number, bugs: readonly KnownBug[] = [], faults?: readonly FaultKind[]): string {
  const env = [`SIM_SEED=${seed}`, bugs.length ? `SIM_BUGS=${bugs.join(',')}` : '', faults ? `SIM_FAULTS=${faults.join(',')}` : ''];
  return `${env.filter(Boolean).join(' ')} npm test -- simulation`;
}

/** What a failing seed prints: the violation, how to replay it, the faults of the run and its last steps. */
export function describeFailure(result: RunResult, bugs: readonly KnownBug[] = [], faults?: readonly FaultKind[]): string {
  return [
    `Seed ${result.seed} broke an invariant: ${result.violation}`,
    `Replay: ${replayCommand(result.seed, bugs, faults)}`,
    `Faults on: ${result.faults.join(', ') || 'none'}; fired: ${[...result.fired].map(([k, n]) => `${k} x${n}`).join(', ') || 'none'}`,
    'Last steps before it:',
    ...result.trace.map((line) => `  ${line}`),
  ].join('\n');
}

export interface CampaignSummary {
  readonly runs: number;
  readonly failures: RunResult[];
  readonly steps: number;
  /** Summed (answers, commits, fenced) or maximal (waits) over the runs. */
  readonly stats: RunStats;
  /** Per fault kind: seeds that had it on, and how many of those broke an invariant. */
  readonly byFault: Map<FaultKind, { runs: number; violations: number }>;
}

/** Runs `count` seeds from `from` one after the other; stops after `maxFailures` failing seeds. */
export async function runSeeds(params: {
  from: number;
  count: number;
  bugs?: readonly KnownBug[];
  /** Fault kinds on in every run (by default each seed picks). */
  faults?: readonly FaultKind[];
  maxFailures?: number;
  onResult?: (result: RunResult) => void;
}): Promise<CampaignSummary> {
  const byFault = new Map<FaultKind, { runs: number; violations: number }>(FAULT_KINDS.map((k) => [k, { runs: 0, violations: 0 }]));
  const failures: RunResult[] = [];
  let runs = 0;
  let steps = 0;
  const stats = { answers: 0, maxAnswerMs: 0, maxExpiryLagMs: 0, commits: 0, fenced: 0, shared: 0 };
  for (let seed = params.from; seed < params.from + params.count; seed++) {
    const result = await runSeed({ seed, bugs: params.bugs, faults: params.faults });
    runs += 1;
    steps += result.steps;
    stats.answers += result.stats.answers;
    stats.commits += result.stats.commits;
    stats.fenced += result.stats.fenced;
    stats.shared += result.stats.shared;
    stats.maxAnswerMs = Math.max(stats.maxAnswerMs, result.stats.maxAnswerMs);
    stats.maxExpiryLagMs = Math.max(stats.maxExpiryLagMs, result.stats.maxExpiryLagMs);
    for (const kind of result.faults) {
      const entry = byFault.get(kind)!;
      entry.runs += 1;
      if (result.violation) entry.violations += 1;
    }
    params.onResult?.(result);
    if (result.violation) {
      failures.push(result);
      if (failures.length >= (params.maxFailures ?? Infinity)) break;
    }
  }
  return { runs, failures, steps, stats, byFault };
}
