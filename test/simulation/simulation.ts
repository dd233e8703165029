import { seatLabels, type SessionInfo } from '../../src/domain';
import { runClient } from './clients';
import { FaultPlan, type FaultKind } from './faults';
import { Invariants } from './invariants';
import type { KnownBug } from './known-bugs';
import { seededRandom, type Random } from './random';
import { SimBus } from './sim-bus';
import { startIncarnation, SIM_CONFIG, type Incarnation, type SimWorld } from './sim-instance';
import { SimLeaseStore } from './sim-leases';
import { SimStore } from './sim-store';
import { Trace } from './trace';
import { installVirtualTime, runUntil } from './virtual-time';

export interface RunOptions {
  readonly seed: number;
  /** Known bugs to switch back on (test/simulation/known-bugs.ts). */
  readonly bugs?: readonly KnownBug[];
  /** The fault kinds to enable; by default the seed picks them. */
  readonly faults?: readonly FaultKind[];
}

export interface RunResult {
  readonly seed: number;
  readonly violation?: string;
  /** The last lines of the trace before the end (or the violation). */
  readonly trace: readonly string[];
  /** Hash and length of the whole trace: equal for two runs of one seed. */
  readonly digest: string;
  readonly steps: number;
  readonly faults: readonly FaultKind[];
  readonly fired: ReadonlyMap<FaultKind, number>;
  readonly stats: RunStats;
}

export interface RunStats {
  readonly answers: number;
  readonly maxAnswerMs: number;
  readonly maxExpiryLagMs: number;
  readonly commits: number;
  readonly fenced: number;
  /** Shared commits: transactions holding the batches of several sessions. */
  readonly shared: number;
}

const T0 = Date.UTC(2030, 0, 1);
const CLIENT_PHASE_MS = 12_000;
const QUIET_PHASE_MS = 8_000;
const MAX_STEPS = 400_000;

/** One seeded run of the whole cluster (README, "Deterministic simulation"). */
export async function runSeed(options: RunOptions): Promise<RunResult> {
  const random = seededRandom(options.seed);
  const faults = new FaultPlan(random.fork(), options.faults);
  const clock = installVirtualTime(T0);
  const trace = new Trace(T0, Number(process.env.SIM_TRACE_LINES ?? 40));
  let steps = 0;
  let violation: string | undefined;
  let stats: RunStats = { answers: 0, maxAnswerMs: 0, maxExpiryLagMs: 0, commits: 0, fenced: 0, shared: 0 };
  try {
    const store = new SimStore(faults, new Set(options.bugs ?? []), (line) => trace.add(line));
    const world: SimWorld = {
      store,
      leases: new SimLeaseStore(faults, SIM_CONFIG.leaseTtlMs),
      bus: new SimBus(faults, (line) => trace.add(line), options.bugs?.includes('redelivery-revival')),
      random: random.fork(),
      trace: (line) => trace.add(line),
    };
    const sessions = Array.from({ length: random.int(1, 3) }, () => sessionInfo(random));
    for (const s of sessions) store.addSession(s);
    const invariants = new Invariants(store, sessions);
    const running = new Map<string, Incarnation>();
    const clients = random.int(3, 10);
    let finished = 0;
    let clientFailure: string | undefined;
    const live = () => [...running.values()].filter((i) => !i.gate.crashed);
    const clientWorld = {
      sessions,
      invariants,
      trace: world.trace,
      front: (r: Random) => (live().length ? r.pick(live()) : undefined),
      opensAt: random.chance(0.5) ? T0 + random.int(200, 2_000) : undefined,
    };
    // Everything, starting the instances included, runs in virtual time: the loop below drives it.
    const instanceCount = random.int(2, 3);
    void (async () => {
      for (let i = 1; i <= instanceCount; i++) running.set(`node-${i}`, await startIncarnation(world, `node-${i}`, faults.skew()));
      scheduleProcessFaults(random.fork(), faults, { world, running, invariants, trace: world.trace });
      for (let c = 0; c < clients; c++) {
        const r = random.fork();
        void runClient(clientWorld, r, `client-${c + 1}`, r.int(4, 12)).then(
          () => (finished += 1),
          (error: unknown) => (clientFailure ??= `client-${c + 1} failed: ${String(error)}`),
        );
      }
    })();
    const owned = (sessionId: string) => {
      const holder = world.leases.holder(`session:${sessionId}`);
      const owner = holder ? running.get(holder) : undefined;
      return !!owner && !owner.gate.crashed && !owner.gate.paused && owner.registry.isActive(sessionId);
    };
    const check = () => {
      if (!invariants.violation) {
        try {
          invariants.step(owned);
        } catch {
          /* recorded in invariants.violation */
        }
      }
      return !invariants.violation;
    };
    steps = await runUntil(clock, T0 + CLIENT_PHASE_MS + QUIET_PHASE_MS, MAX_STEPS, check);
    if (!invariants.violation && finished < clients) world.trace(`only ${finished} of ${clients} clients finished`);
    if (!invariants.violation) {
      try {
        invariants.finish();
      } catch {
        /* recorded */
      }
    }
    violation = invariants.violation?.message ?? clientFailure;
    stats = { ...invariants.stats, ...store.stats };
    for (const i of running.values()) i.crash();
  } finally {
    clock.uninstall();
  }
  return { seed: options.seed, violation, trace: trace.tail(), digest: trace.digest, steps, faults: [...faults.enabled], fired: faults.fired, stats };
}

interface FaultTargets {
  readonly world: SimWorld;
  readonly running: Map<string, Incarnation>;
  readonly invariants: Invariants;
  readonly trace: (line: string) => void;
}

/** Crashes with restarts, pauses past the lease, and losses of the lock store's state, at seeded times. */
function scheduleProcessFaults(random: Random, faults: FaultPlan, t: FaultTargets): void {
  const at = (ms: number, what: () => void) => setTimeout(what, ms);
  const someInstance = () => random.pick([...t.running.keys()]);
  if (faults.on('crash')) {
    for (let n = random.int(1, 2); n > 0; n--) {
      const id = someInstance();
      at(random.int(500, CLIENT_PHASE_MS), () => {
        const incarnation = t.running.get(id);
        if (!incarnation || incarnation.gate.crashed) return;
        faults.fire('crash');
        t.trace(`FAULT crash ${id}`);
        incarnation.crash();
        at(random.int(100, 2_000), () => {
          t.trace(`FAULT restart ${id}`);
          void startIncarnation(t.world, id, faults.skew()).then((next) => t.running.set(id, next));
        });
      });
    }
  }
  if (faults.on('pause')) {
    for (let n = random.int(1, 2); n > 0; n--) {
      const id = someInstance();
      const ms = random.int(SIM_CONFIG.leaseTtlMs, 3 * SIM_CONFIG.leaseTtlMs);
      at(random.int(500, CLIENT_PHASE_MS), () => {
        const incarnation = t.running.get(id);
        if (!incarnation || incarnation.gate.crashed) return;
        faults.fire('pause');
        t.trace(`FAULT pause ${id} for ${ms} ms`);
        incarnation.gate.pause(ms);
        t.invariants.paused(id, ms);
      });
    }
  }
  if (faults.on('lease-loss')) {
    at(random.int(500, CLIENT_PHASE_MS), () => {
      faults.fire('lease-loss');
      t.trace('FAULT the lock store loses its state');
      t.world.leases.loseState();
    });
  }
}

function sessionInfo(random: Random): SessionInfo {
  const seats = random.int(6, 16);
  return {
    sessionId: random.uuid(),
    movieName: 'Simulated',
    startTime: new Date(T0 + 30 * 86_400_000).toISOString(),
    roomNumber: '1',
    priceCents: 1_000,
    seatLabels: seatLabels(seats, 8),
  };
}
