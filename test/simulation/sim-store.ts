import type { SessionReply } from '../../src/actors/protocol';
import { nextExpiry, type SessionInfo, type SessionState } from '../../src/domain';
import { FencedWriteError } from '../../src/errors';
import type { AppliedCommandLog } from '../../src/persistence/applied-command-log';
import { eventPayload } from '../../src/persistence/event-payload';
import type { CommitBatch, CommitOutcome, SeatStateStore } from '../../src/persistence/seat-state-store';
import { reservationWrites, seatStateFromRows, type ReservationStateRow, type SaleStateRow } from '../../src/persistence/seat-state-rows';
import type { SessionRecord } from '../../src/persistence/session-record';
import type { FaultPlan } from './faults';
import type { ProcessGate } from './process-gate';
import type { KnownBug } from './known-bugs';

type Row = ReservationStateRow & { sessionId: string; status: ReservationStateRow['status'] };
interface SessionRowSim {
  readonly info: SessionInfo;
  epoch: number;
  version: number;
  nextExpiryAt?: number;
}

/** What the checker sees of every commit that landed. */
export type CommitListener = (batch: CommitBatch, before: ReadonlyMap<string, Row['status']>) => void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The database of the simulation: the rows of the real schema in memory, with its commit semantics (see
 * seat-state-store.ts): a batch commits whole or not at all, only under the session's current epoch; a reservation
 * id is inserted once; an ended reservation never changes status; one sale per seat; forwarded commands are
 * recorded with their answers in the same commit. The state is rebuilt by the real row mappers. Commits can fail
 * (before or after they land) and stall, as the fault plan says; the known bugs switch parts of this off.
 */
export class SimStore {
  readonly sessions = new Map<string, SessionRowSim>();
  readonly reservations = new Map<string, Row>();
  readonly sales = new Map<string, SaleStateRow & { sessionId: string }>();
  readonly outbox: Record<string, unknown>[] = [];
  private readonly soldSeats = new Set<string>();
  private readonly applied = new Map<string, SessionReply>();
  private readonly listeners: CommitListener[] = [];
  readonly stats = { commits: 0, fenced: 0, shared: 0 };

  constructor(
    private readonly faults: FaultPlan,
    private readonly bugs: ReadonlySet<KnownBug>,
    private readonly trace: (line: string) => void,
  ) {}

  addSession(info: SessionInfo): void {
    this.sessions.set(info.sessionId, { info, epoch: 0, version: 0 });
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** The committed state, rebuilt from the rows as an activation does. */
  load(sessionId: string): { state: SessionState; version: number } | null {
    const session = this.sessions.get(sessionId);
    if (!session) return null;
    const rows = [...this.reservations.values()].filter(
      (r) => r.sessionId === sessionId && (r.status === 'PENDING' || r.status === 'CONFIRMED'),
    );
    const sales = [...this.sales.values()].filter((s) => s.sessionId === sessionId);
    return { state: seatStateFromRows(session.info, rows, sales), version: session.version };
  }

  /** The store as one process reaches it: through its gate, with latency and the plan's faults. */
  portFor(gate: ProcessGate): SeatStateStore & AppliedCommandLog {
    const call = <T>(work: () => T): Promise<T> => gate.through(async () => (await sleep(this.faults.latency()), work()));
    const commitTogether = (batches: readonly CommitBatch[]): Promise<readonly CommitOutcome[]> => {
      if (!this.bugs.has('answer-before-commit')) return gate.through(() => this.commitWithFaults(batches));
      void gate.through(() => this.commitWithFaults(batches)).catch(() => undefined);
      return Promise.resolve(batches.map(() => ({ ok: true as const })));
    };
    return {
      activate: (sessionId) =>
        call(() => {
          const session = this.sessions.get(sessionId);
          const loaded = this.load(sessionId);
          if (!session || !loaded) return null;
          if (this.faults.activationFails()) {
            this.trace(`store: session ${sessionId.slice(0, 4)} activation fails`);
            throw new Error('simulated: connection lost before the epoch bump');
          }
          session.epoch += 1;
          this.trace(`store: session ${sessionId.slice(0, 4)} activated at epoch ${session.epoch}, version ${loaded.version}`);
          return { record: recordOf(session.info), epoch: session.epoch, ...loaded };
        }),
      read: (sessionId) => call(() => this.load(sessionId)),
      pendingExpiries: () =>
        call(() => [...this.sessions.values()].flatMap((s) => (s.nextExpiryAt === undefined ? [] : [{ sessionId: s.info.sessionId, dueAt: s.nextExpiryAt }]))),
      commit: async (batch) => {
        const [outcome] = await commitTogether([batch]);
        if (!outcome.ok) throw outcome.error;
      },
      commitTogether,
      find: (commandId) => call(() => (this.bugs.has('redelivery-revival') ? undefined : this.applied.get(commandId))),
      purge: async () => undefined,
    };
  }

  /**
   * One shared commit (see seat-state-commit.ts): each session's batch lands whole or is refused alone (fenced, or
   * a constraint of its own rows); a lost connection or a timeout leaves the outcome of all of them unknown.
   */
  private async commitWithFaults(batches: readonly CommitBatch[]): Promise<CommitOutcome[]> {
    if (new Set(batches.map((b) => b.sessionId)).size !== batches.length) throw new Error('one shared commit takes at most one batch per session');
    await sleep(this.faults.commitLatency());
    const outcome = this.faults.commitOutcome();
    const what = batches.map((b) => `session ${b.sessionId.slice(0, 4)} epoch ${b.epoch} version ${b.version}`).join(', ');
    if (outcome !== 'ok') this.trace(`store: commit of ${what}: ${outcome}`);
    if (batches.length > 1) this.stats.shared += 1;
    if (outcome === 'fail-before') throw new Error('simulated: connection lost before the commit');
    if (outcome === 'stall') {
      // A slow statement: it lands late (perhaps after its writer lost the session) or hits the statement timeout.
      await sleep(this.faults.stallMs());
      if (this.faults.latency() <= 4) throw new Error('simulated: statement timeout');
    }
    const outcomes = batches.map((batch): CommitOutcome => {
      try {
        this.commit(batch);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    });
    if (outcome === 'fail-after') throw new Error('simulated: connection lost after the commit');
    return outcomes;
  }

  /** One statement: checks every constraint first, then writes everything. */
  private commit(batch: CommitBatch): void {
    const session = this.sessions.get(batch.sessionId);
    if (!session || (session.epoch !== batch.epoch && !this.bugs.has('no-fencing'))) {
      this.stats.fenced += 1;
      this.trace(`store: session ${batch.sessionId.slice(0, 4)} commit of epoch ${batch.epoch} fenced (session at epoch ${session?.epoch})`);
      throw new FencedWriteError(batch.sessionId, batch.epoch);
    }
    const { inserts, statusChanges } = reservationWrites(batch.events);
    const revival = this.bugs.has('redelivery-revival');
    for (const row of inserts) {
      if (this.reservations.has(row.id as string) && !revival) throw new Error(`duplicate key: reservation ${String(row.id)}`);
    }
    for (const change of statusChanges) {
      const old = this.reservations.get(change.id)?.status;
      const ended = old !== undefined && old !== 'PENDING' && change.status !== old;
      if (ended && !(old === 'CONFIRMED' && change.status === 'REFUNDED')) {
        throw new Error(`reservation ${change.id} is ${old}; it cannot become ${change.status}`);
      }
    }
    const sales = batch.events.flatMap((e) => (e.type === 'payment.confirmed' ? e.sales.map((s) => ({ e, s })) : []));
    for (const { s } of sales) {
      if (this.soldSeats.has(`${batch.sessionId}/${s.seatNumber}`)) throw new Error(`unique violation: seat ${s.seatNumber} sold`);
    }
    const before = new Map([...this.reservations].filter(([, r]) => r.sessionId === batch.sessionId).map(([id, r]) => [id, r.status]));
    for (const row of inserts) this.reservations.set(row.id as string, { ...(row as unknown as Row), sessionId: batch.sessionId });
    for (const change of statusChanges) {
      const row = this.reservations.get(change.id);
      if (!row) continue;
      this.reservations.set(change.id, {
        ...row,
        status: change.status,
        ...(change.expires_at ? { expires_at: change.expires_at } : {}),
        ...(change.extensions !== undefined ? { extensions: change.extensions } : {}),
      });
    }
    for (const { e, s } of sales) {
      this.sales.set(s.id, { id: s.id, reservation_id: e.reservationId, seat_number: s.seatNumber, amount_cents: s.amountCents, paid_at: new Date(e.paidAt).toISOString(), sessionId: batch.sessionId });
      this.soldSeats.add(`${batch.sessionId}/${s.seatNumber}`);
    }
    const first = batch.version - batch.events.length + 1;
    batch.events.forEach((e, i) => this.outbox.push(eventPayload(batch.sessionId, e, first + i)));
    for (const c of batch.commands ?? []) if (!this.applied.has(c.commandId)) this.applied.set(c.commandId, c.reply as SessionReply);
    session.version = batch.version;
    this.stats.commits += 1;
    session.nextExpiryAt = nextExpiry(batch.state);
    this.trace(`store: session ${batch.sessionId.slice(0, 4)} committed ${batch.events.map((e) => e.type).join(',') || 'nothing'} at epoch ${batch.epoch}, version ${batch.version}`);
    for (const listener of this.listeners) listener(batch, before);
  }
}

function recordOf(info: SessionInfo): SessionRecord {
  return {
    id: info.sessionId,
    movieName: info.movieName,
    startTime: new Date(info.startTime),
    roomNumber: info.roomNumber,
    priceCents: info.priceCents,
    totalSeats: info.seatLabels.length,
    seatsPerRow: info.seatLabels.length,
    availableSeats: info.seatLabels.length,
    isActive: true,
    createdAt: new Date(0),
  };
}
