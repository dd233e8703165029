import type { SessionReply, SessionRequest } from '../../src/actors/protocol';
import type { SessionInfo } from '../../src/domain';
import type { Invariants } from './invariants';
import type { Random } from './random';
import type { Incarnation } from './sim-instance';

export interface ClientWorld {
  readonly sessions: readonly SessionInfo[];
  readonly invariants: Invariants;
  /** A running instance for the load balancer to pick, if any. */
  front(random: Random): Incarnation | undefined;
  readonly trace: (line: string) => void;
  /** When set, every client's first request goes at this virtual time (an on-sale opening: one burst). */
  readonly opensAt?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ATTEMPTS = 4;

/** What a client made of an answer, as HTTP would show it. */
function outcome(reply: SessionReply | undefined, error?: unknown): string {
  if (error) return (error as { status?: number }).status === 404 ? '404' : '503';
  if (!reply) return '503';
  if (reply.ok) return '200';
  return 'unavailable' in reply ? `503 (${reply.applied === false ? 'not applied' : 'unknown'})` : `409 ${reply.error.code}`;
}

/**
 * One client, driven by its own generator: holds 1-4 seats (or asks for the best available), then confirms,
 * cancels or extends its holds, reads seat maps, and retries a 503 through whichever instance the load balancer
 * picks, as the HTTP layer lets it: its Idempotency-Key replays only answers below 500, so a hold retried after a 503
 * runs again with a new reservation id (the service draws one per hold), and a confirm, cancel or extension names
 * the same reservation again.
 */
export async function runClient(world: ClientWorld, random: Random, name: string, actions: number): Promise<void> {
  const holds: { sessionId: string; reservationId: string }[] = [];
  const send = async (sessionId: string, make: () => SessionRequest): Promise<{ request: SessionRequest; reply?: SessionReply }> => {
    let request = make();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(random.int(50, 400));
      const front = world.front(random);
      if (!front) continue;
      if (attempt > 0) request = make();
      const label = `${name} ${request.type} ${'reservationId' in request ? request.reservationId.slice(0, 8) : ''}`;
      world.trace(`${label} -> ${front.instanceId}`);
      const answered = world.invariants.sent(label, front.instanceId);
      let reply: SessionReply | undefined;
      let error: unknown;
      try {
        reply = await front.request(sessionId, request);
      } catch (e) {
        error = e;
      }
      const result = outcome(reply, error);
      world.trace(`${label} <- ${result}`);
      answered(request, reply);
      if (!result.startsWith('503')) return { request, reply };
    }
    return { request };
  };
  for (let i = 0; i < actions; i++) {
    await sleep(i === 0 && world.opensAt !== undefined ? world.opensAt - Date.now() : random.int(20, 1_200));
    const session = random.pick(world.sessions);
    const mine = holds.filter((h) => h.sessionId === session.sessionId);
    const roll = random.next();
    if (mine.length > 0 && roll < 0.5) {
      const hold = random.pick(mine);
      const type = random.pick(['ConfirmPayment', 'ConfirmPayment', 'CancelReservation', 'ExtendHold'] as const);
      await send(session.sessionId, () => ({ type, reservationId: hold.reservationId, userId: name }));
      if (type !== 'ExtendHold') holds.splice(holds.indexOf(hold), 1);
    } else if (roll < 0.65) {
      const front = world.front(random);
      if (!front) continue;
      const answered = world.invariants.sent(`${name} read`, front.instanceId);
      try {
        world.invariants.read(session.sessionId, await front.read(session.sessionId));
      } catch (error) {
        if ((error as { name?: string }).name === 'Violation') throw error;
      }
      answered(undefined, undefined);
    } else {
      const best = roll < 0.8;
      const quantity = random.int(1, 3);
      const seatNumbers = seatsOf(session, random);
      const { request, reply } = await send(session.sessionId, () =>
        best
          ? { type: 'HoldBestAvailable', reservationId: random.uuid(), userId: name, quantity }
          : { type: 'HoldSeats', reservationId: random.uuid(), userId: name, seatNumbers },
      );
      if (reply?.ok && 'reservationId' in request) holds.push({ sessionId: session.sessionId, reservationId: request.reservationId });
    }
  }
}

function seatsOf(session: SessionInfo, random: Random): string[] {
  const count = random.int(1, 4);
  const start = random.int(0, session.seatLabels.length - count);
  return session.seatLabels.slice(start, start + count);
}
