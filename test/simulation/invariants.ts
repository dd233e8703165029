import { availabilityDocument } from '../../src/actors/availability-document';
import type { SessionReply, SessionRequest } from '../../src/actors/protocol';
import { evolveAll, initialState, type SessionInfo, type SessionState } from '../../src/domain';
import type { CommitBatch } from '../../src/persistence/seat-state-store';
import { MAX_SKEW_MS, MAX_STALL_MS } from './faults';
import { SIM_CONFIG } from './sim-instance';
import type { SimStore } from './sim-store';

/** How long a request may wait for its answer (router retries, a forwarded call's timeout, a stalled activation). */
export const ANSWER_BOUND_MS = 3 * SIM_CONFIG.commandTimeoutMs + MAX_STALL_MS;
/** How long after its expiry (or after an owner took the session) a hold may stay pending. */
export const EXPIRY_BOUND_MS = 2 * SIM_CONFIG.commandTimeoutMs + MAX_STALL_MS + MAX_SKEW_MS + 1_000;

export class Violation extends Error {
  override readonly name = 'Violation';
}

interface Open {
  readonly label: string;
  readonly front: string;
  readonly sentAt: number;
  allowance: number;
}

/**
 * The design's invariants (README, "Deterministic simulation"), checked on every commit that lands, on every answer
 * a client gets, after every step of the run and at its end. The first one broken throws a Violation.
 */
export class Invariants {
  private readonly models = new Map<string, { state: SessionState; version: number; documents: Map<number, string> }>();
  private readonly open = new Set<Open>();
  private readonly ownedSince = new Map<string, number>();
  private readonly pausedUntil = new Map<string, number>();
  /** What the run exercised: answers seen and the longest wait, the longest a due and owned hold stayed pending. */
  readonly stats = { answers: 0, maxAnswerMs: 0, maxExpiryLagMs: 0 };
  /** The first invariant broken, even if the code that ran into it swallowed the throw. */
  violation: Violation | undefined;

  constructor(private readonly store: SimStore, sessions: readonly SessionInfo[]) {
    for (const info of sessions) {
      const state = initialState(info);
      this.models.set(info.sessionId, { state, version: 0, documents: new Map([[0, document(state, 0)]]) });
    }
    store.onCommit((batch, before) => this.committed(batch, before));
  }

  private committed(batch: CommitBatch, before: ReadonlyMap<string, string>): void {
    const model = this.models.get(batch.sessionId)!;
    if (batch.version !== model.version + batch.events.length) {
      throw this.fail(`events do not follow the committed ones: version ${batch.version} after ${model.version} with ${batch.events.length} events`);
    }
    model.state = evolveAll(model.state, batch.events);
    model.version = batch.version;
    model.documents.set(model.version, document(model.state, model.version));
    const rows = this.store.load(batch.sessionId)!.state;
    const live = (s: SessionState) => [...s.reservations.values()].map((r) => `${r.id}:${r.status}:${r.seatNumbers.join(',')}:${r.expiresAt}`).sort().join(' ');
    if (live(rows) !== live(model.state)) throw this.fail(`the committed rows do not match the committed events of session ${batch.sessionId}`);
    const seats = new Map<string, string>();
    for (const r of this.store.reservations.values()) {
      if (r.sessionId !== batch.sessionId || (r.status !== 'PENDING' && r.status !== 'CONFIRMED')) continue;
      for (const seat of r.seat_numbers) {
        const other = seats.get(seat);
        if (other) throw this.fail(`seat ${seat} has two live reservations: ${other} and ${r.id}`);
        seats.set(seat, r.id);
      }
    }
    const sold = new Set<string>();
    for (const s of this.store.sales.values()) {
      if (s.sessionId !== batch.sessionId) continue;
      if (sold.has(s.seat_number)) throw this.fail(`seat ${s.seat_number} sold twice`);
      sold.add(s.seat_number);
    }
    for (const [id, status] of before) {
      const now = this.store.reservations.get(id)?.status;
      if (status !== 'PENDING' && now !== status && !(status === 'CONFIRMED' && now === 'REFUNDED')) {
        throw this.fail(`reservation ${id} was ${status} and became ${now}`);
      }
    }
  }

  /** A client sends a request through `front`; the returned function records its answer. */
  sent(label: string, front: string): (request: SessionRequest | undefined, reply: SessionReply | undefined) => void {
    const pause = Math.max(0, (this.pausedUntil.get(front) ?? 0) - Date.now());
    const entry: Open = { label, front, sentAt: Date.now(), allowance: ANSWER_BOUND_MS + pause };
    this.open.add(entry);
    return (request, reply) => {
      this.open.delete(entry);
      this.stats.answers += 1;
      this.stats.maxAnswerMs = Math.max(this.stats.maxAnswerMs, Date.now() - entry.sentAt);
      if (request && reply?.ok) this.durable(request);
    };
  }

  /** A front instance paused: its open requests, and those sent to it until it resumes, may take that much longer. */
  paused(front: string, ms: number): void {
    this.pausedUntil.set(front, Date.now() + ms);
    for (const entry of this.open) if (entry.front === front) entry.allowance += ms;
  }

  /** A read answered: it must be the document of a committed version. */
  read(sessionId: string, body: Buffer): void {
    const { version } = JSON.parse(body.toString()) as { version: number };
    if (this.models.get(sessionId)?.documents.get(version) !== body.toString()) {
      throw this.fail(`a read of session ${sessionId} served version ${version}, which is not what was committed`);
    }
  }

  private durable(request: SessionRequest): void {
    if (!('reservationId' in request)) return;
    const row = this.store.reservations.get(request.reservationId);
    const fail = (what: string) => {
      throw this.fail(`${request.type} ${request.reservationId} answered OK but ${what}`);
    };
    if (!row) return fail('the reservation is not in the store');
    if (request.type === 'ConfirmPayment') {
      const sales = [...this.store.sales.values()].filter((s) => s.reservation_id === row.id).length;
      if (row.status !== 'CONFIRMED' || sales !== row.seat_numbers.length) fail(`the store has it ${row.status} with ${sales} sales`);
    }
    if (request.type === 'CancelReservation' && row.status !== 'CANCELLED' && row.status !== 'EXPIRED') fail(`the store has it ${row.status}`);
  }

  /**
   * After every step: every open request within its bound; every pending hold expired within its bound once a
   * running instance owns its session (`owner(sessionId)` says whether one does now).
   */
  step(owned: (sessionId: string) => boolean): void {
    const now = Date.now();
    for (const entry of this.open) {
      if (now - entry.sentAt > entry.allowance) throw this.fail(`${entry.label} via ${entry.front} unanswered after ${now - entry.sentAt} ms`);
    }
    for (const sessionId of this.models.keys()) {
      if (!owned(sessionId)) this.ownedSince.delete(sessionId);
      else if (!this.ownedSince.has(sessionId)) this.ownedSince.set(sessionId, now);
    }
    for (const r of this.store.reservations.values()) {
      const since = this.ownedSince.get(r.sessionId);
      if (r.status !== 'PENDING' || since === undefined) continue;
      const due = Math.max(new Date(r.expires_at).getTime(), since);
      this.stats.maxExpiryLagMs = Math.max(this.stats.maxExpiryLagMs, now - due);
      if (now - due > EXPIRY_BOUND_MS) throw this.fail(`hold ${r.id} still pending ${now - due} ms after it was due and owned`);
    }
  }

  private fail(message: string): Violation {
    this.violation ??= new Violation(message);
    return this.violation;
  }

  /** At the end: nothing left unanswered. */
  finish(): void {
    for (const entry of this.open) throw this.fail(`${entry.label} via ${entry.front} never answered`);
  }
}

const document = (state: SessionState, version: number) => JSON.stringify(availabilityDocument(state, version));
