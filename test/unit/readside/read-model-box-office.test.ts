import { initialState, type SessionEvent } from '../../../src/domain';
import type { SeatMapUpdate } from '../../../src/app/ports';
import { createLogger, createRequestScope } from '../../../src/logger';
import { createMetrics } from '../../../src/metrics';
import { eventPayload } from '../../../src/persistence/event-payload';
import { createReadModel } from '../../../src/readside/read-model';
import { sessionInfo } from '../../support/given-when-then';
import { created, extended, paid, refunded, sessionCancelled, T0 } from '../domain/builders';

/** The read model fed the box office's events as they come off the events topic, one version after another. */
function readModelOf() {
  const info = sessionInfo();
  let loads = 0;
  const readModel = createReadModel({
    committed: {
      load: async () => {
        loads += 1;
        return { state: initialState(info), version: 0 };
      },
    },
    metrics: createMetrics(),
    logger: createLogger({ level: 'error', instanceId: 'test', scope: createRequestScope(), silent: true }),
    clock: () => T0,
    feedLagMs: () => 0,
    maxLagMs: 60_000,
    maxSessions: 10,
  });
  let version = 0;
  const publish = (event: SessionEvent) => readModel.apply(JSON.parse(JSON.stringify(eventPayload(info.sessionId, event, ++version))));
  return { readModel, sessionId: info.sessionId, publish, loads: () => loads };
}

const documentOf = async (readModel: ReturnType<typeof readModelOf>['readModel'], sessionId: string) => {
  const seatMap = await readModel.read(sessionId);
  return { version: seatMap.version, ...(JSON.parse(seatMap.body.toString('utf8')) as { status: string; seats: { seatNumber: string; status: string }[] }) };
};

describe('the read model and the box office', () => {
  it('applies an extension as the next version, without a reload from the rows', async () => {
    const { readModel, sessionId, publish, loads } = readModelOf();
    await readModel.read(sessionId);
    publish(created('r1', ['A1', 'A2']));
    publish(extended('r1', T0 + 90_000, 1, T0 + 5_000));
    const doc = await documentOf(readModel, sessionId);
    expect({ version: doc.version, a1: doc.seats.find((s) => s.seatNumber === 'A1')?.status, loads: loads() }).toEqual({
      version: 2,
      a1: 'RESERVED',
      loads: 1,
    });
  });

  it('turns every seat CANCELLED once the session is cancelled, sends followers the whole document, and keeps counting versions', async () => {
    const { readModel, sessionId, publish, loads } = readModelOf();
    const updates: SeatMapUpdate[] = [];
    await readModel.follow(sessionId, undefined, (u) => updates.push(u));
    publish(created('r1', ['A1']));
    publish(paid('r1', ['A1']));
    publish(sessionCancelled(T0 + 5_000));
    publish(refunded('r1', 'r1-sale-1', 'A1', 2500, T0 + 5_000));
    const doc = await documentOf(readModel, sessionId);
    expect({ version: doc.version, status: doc.status, seats: new Set(doc.seats.map((s) => s.status)), loads: loads() }).toEqual({
      version: 4,
      status: 'CANCELLED',
      seats: new Set(['CANCELLED']),
      loads: 1,
    });
    expect(updates.map((u) => `${u.kind}@${u.kind === 'change' ? u.change.version : u.seatMap.version}`)).toEqual([
      'snapshot@0',
      'change@1',
      'change@2',
      'snapshot@3',
      'snapshot@4',
    ]);
  });
});
