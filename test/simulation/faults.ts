import type { Random } from './random';

/** The kinds of fault a seed may switch on; a campaign counts violations per kind (README, "Deterministic simulation"). */
export const FAULT_KINDS = [
  'crash',
  'pause',
  'lease-loss',
  'lease-extension',
  'redelivery',
  'bus-delay',
  'commit-failure',
  'commit-stall',
  'clock-skew',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type CommitOutcome = 'ok' | 'fail-before' | 'fail-after' | 'stall';
export type ExtensionOutcome = 'ok' | 'drop' | 'delay';

/** Largest clock skew of an instance, and longest commit stall (a statement timeout ends it). */
export const MAX_SKEW_MS = 200;
export const MAX_STALL_MS = 2_000;

/**
 * The faults of one run: which kinds the seed switched on, and every fault decision of the ports, each drawn from
 * the run's generator. Counts what fired, for the trace and the campaign's table.
 */
export class FaultPlan {
  readonly enabled: ReadonlySet<FaultKind>;
  readonly fired = new Map<FaultKind, number>();

  /** The slowest a commit statement takes in this run (a loaded database makes shared commits likelier). */
  private readonly commitMs: number;

  constructor(private readonly random: Random, enabled?: readonly FaultKind[]) {
    this.enabled = new Set(enabled ?? FAULT_KINDS.filter(() => random.chance(0.45)));
    this.commitMs = random.pick([8, 30, 60]);
  }

  on(kind: FaultKind): boolean {
    return this.enabled.has(kind);
  }

  fire(kind: FaultKind): void {
    this.fired.set(kind, (this.fired.get(kind) ?? 0) + 1);
  }

  /** Latency of one call to the store, the lease store or the bus. */
  latency(): number {
    return this.random.int(1, 8);
  }

  /** How long one commit statement takes. */
  commitLatency(): number {
    return this.random.int(1, this.commitMs);
  }

  commitOutcome(): CommitOutcome {
    if (this.on('commit-failure') && this.random.chance(0.06)) {
      this.fire('commit-failure');
      return this.random.chance(0.5) ? 'fail-before' : 'fail-after';
    }
    if (this.on('commit-stall') && this.random.chance(0.05)) {
      this.fire('commit-stall');
      return 'stall';
    }
    return 'ok';
  }

  /** Does an activation (epoch bump and load) fail? Counted as a commit failure: the same database trouble. */
  activationFails(): boolean {
    if (!this.on('commit-failure') || !this.random.chance(0.03)) return false;
    this.fire('commit-failure');
    return true;
  }

  stallMs(): number {
    return this.random.int(200, MAX_STALL_MS);
  }

  extensionOutcome(): ExtensionOutcome {
    if (!this.on('lease-extension') || !this.random.chance(0.05)) return 'ok';
    this.fire('lease-extension');
    return this.random.chance(0.5) ? 'drop' : 'delay';
  }

  /** Delay of one message on the bus before its consumer sees it. */
  busDelay(): number {
    if (this.on('bus-delay') && this.random.chance(0.05)) {
      this.fire('bus-delay');
      return this.random.int(100, 1_500);
    }
    return this.random.int(1, 6);
  }

  /** After a delivery: rewind the partition to its committed offset (as after a rebalance)? */
  rewind(): boolean {
    if (!this.on('redelivery') || !this.random.chance(0.03)) return false;
    this.fire('redelivery');
    return true;
  }

  /** Does a send land twice (a producer retry after a lost acknowledgement)? */
  duplicate(): boolean {
    if (!this.on('redelivery') || !this.random.chance(0.03)) return false;
    this.fire('redelivery');
    return true;
  }

  skew(): number {
    if (!this.on('clock-skew')) return 0;
    this.fire('clock-skew');
    return this.random.int(-MAX_SKEW_MS, MAX_SKEW_MS);
  }
}
