/**
 * The read side across three instances (separate processes): every instance answers availability from memory (the
 * owner from its actor, the others from their read model fed by the events topic), and a live stream on any
 * instance follows the session's committed changes in version order, across reconnects and the owner's kill -9.
 */
import { openSse, type SseClient, type SseEvent } from '../support/sse-client';
import {
  dbQuery,
  describeCluster,
  eventually,
  seatLabel,
  seatMap,
  summary,
  useCluster,
  withLogs,
  type Cluster,
  type ClusterEnv,
} from './harness';

/**
 * A stream client that reconnects by itself (to the next running instance, with Last-Event-ID) and checks what it
 * receives: versions never go back, a change always sits on top of the version before it.
 */
class SeatMapFollower {
  readonly versions: number[] = [];
  readonly violations: string[] = [];
  readonly connections: number[] = [];
  seats: Record<string, string> = {};
  version = -1;
  private client: SseClient | undefined;
  private stopped = false;

  constructor(private readonly c: () => Cluster, private readonly sessionId: string) {}

  async connect(node: number): Promise<void> {
    const headers: Record<string, string> = this.version >= 0 ? { 'Last-Event-ID': String(this.version) } : {};
    const client = await openSse(`${this.c().url(node)}/sessions/${this.sessionId}/availability/stream`, headers, (e) => this.receive(e));
    if (client.status !== 200) throw new Error(`stream on instance ${node} answered ${client.status}: ${client.body}`);
    this.client = client;
    this.connections.push(node);
    void client.ended.then(() => this.reconnect(node));
  }

  private async reconnect(from: number): Promise<void> {
    if (this.stopped) return;
    await eventually(async () => {
      if (this.stopped) return true;
      const next = this.c().running().find((i) => i !== from) ?? this.c().running()[0];
      await this.connect(next);
      return true;
    }, 60_000, 100);
  }

  private receive(e: SseEvent): void {
    const v = Number(e.id);
    if (e.event === 'snapshot') {
      if (v < this.version) this.violations.push(`snapshot ${v} after ${this.version}`);
      const doc = JSON.parse(e.data) as { version: number; seats: { seatNumber: string; status: string }[] };
      if (doc.version !== v) this.violations.push(`snapshot id ${v} carries version ${doc.version}`);
      this.seats = Object.fromEntries(doc.seats.map((s) => [s.seatNumber, s.status]));
    } else if (e.event === 'change') {
      if (v !== this.version + 1) this.violations.push(`change ${v} after ${this.version}`);
      const change = JSON.parse(e.data) as { version: number; seats: { seatNumber: string; status: string }[] };
      for (const s of change.seats) this.seats[s.seatNumber] = s.status;
    }
    this.versions.push(v);
    this.version = v;
  }

  close(): void {
    this.stopped = true;
    this.client?.close();
  }
}

/**
 * The stated bound on how long a committed hold can stay invisible on a non-owner (README, "Lag and its bound"): a
 * read model more than READ_MODEL_MAX_LAG_MS behind the topic answers from the committed rows instead, and the outbox
 * relay that puts the event on the topic retries every 500 ms even when no commit nudges it. The bound does not cover
 * the relay's own publish to Kafka, which on a loaded CI machine can take seconds: it is given 2.5 s here.
 */
const READ_MODEL_MAX_LAG_MS = 2_000;
const RELAY_RETRY_MS = 500;
const RELAY_PUBLISH_ALLOWANCE_MS = 2_500;
const VISIBILITY_BOUND_MS = READ_MODEL_MAX_LAG_MS + RELAY_RETRY_MS + RELAY_PUBLISH_ALLOWANCE_MS;

describeCluster('cluster: the read side', (env: ClusterEnv) => {
  const c = useCluster(
    {
      env,
      name: 'readside',
      reservationTtlSeconds: 600,
      commandTimeoutMs: 3_000,
      extraEnv: { STREAM_HEARTBEAT_MS: '500', READ_MODEL_MAX_LAG_MS: String(READ_MODEL_MAX_LAG_MS) },
    },
    { lock: true },
  );
  const followers: SeatMapFollower[] = [];
  afterEach(() => {
    for (const f of followers.splice(0)) f.close();
  });
  const follow = async (sessionId: string, node: number) => {
    const f = new SeatMapFollower(c, sessionId);
    followers.push(f);
    await f.connect(node);
    return f;
  };
  const hold = async (node: number, sessionId: string, seat: string) => {
    const res = await c().reserve(node, sessionId, [seat], `reader-${seat}-${node}`);
    expect({ node, seat, answer: res.status === 201 ? 201 : summary(res) }).toEqual({ node, seat, answer: 201 });
    return res.body as { id: string; userId: string };
  };
  const committedVersion = async (sessionId: string) =>
    Number((await dbQuery<{ version: string }>(c().databaseUrl, `SELECT version FROM session_snapshots WHERE session_id = $1`, [sessionId]))[0].version);

  it('a hold on instance 1 is seen RESERVED on instances 2 and 3 within the stated bound, answered from their read models, with the same ETag', () =>
    withLogs(c, async () => {
      const session = await c().createSession(0, 20);
      for (const i of [1, 2]) expect(seatMap(await c().availability(i, session.id))[seatLabel(0)]).toBe('AVAILABLE');
      await hold(0, session.id, seatLabel(0));
      const answeredAt = Date.now();
      // When the first read started after the 201 that shows the seat RESERVED (reads are sent back to back).
      const seenAfter = await Promise.all(
        [1, 2].map((i) =>
          eventually(async () => {
            const sentAt = Date.now();
            return seatMap(await c().availability(i, session.id))[seatLabel(0)] === 'RESERVED' ? sentAt - answeredAt + 1 : 0;
          }, 20_000, 1),
        ),
      );
      expect({ seenWithinTheBound: seenAfter.map((ms) => ms - 1 <= VISIBILITY_BOUND_MS) }).toEqual({ seenWithinTheBound: [true, true] });
      expect((await c().ownerOf(session.id))?.index).toBe(0);
      expect(await Promise.all([1, 2].map((i) => c().metric(i, 'session_actors_alive')))).toEqual([0, 0]);

      const owner = await c().request(0, 'GET', `/sessions/${session.id}/availability`);
      expect(owner.etag).toBe('"1"');
      for (const i of [1, 2]) {
        const again = await c().request(i, 'GET', `/sessions/${session.id}/availability`, undefined, { headers: { 'If-None-Match': '"1"' } });
        expect({ instance: i, status: again.status }).toEqual({ instance: i, status: 304 });
      }
      console.log(`[read-side] a hold answered 201 on instance 1 was RESERVED on instances 2 and 3 in reads sent ${seenAfter.map((ms) => ms - 1).join(' and ')} ms after it (bound ${VISIBILITY_BOUND_MS} ms)`);
    }), 120_000);

  it('a stream opened on instance 3 receives the changes made through instances 1 and 2 in version order, no gap, and resumes with Last-Event-ID elsewhere', () =>
    withLogs(c, async () => {
      const session = await c().createSession(0, 30);
      await hold(0, session.id, seatLabel(0)); // instance 1 owns the session; instance 2 forwards to it
      const stream = await follow(session.id, 2);
      const holds = [];
      for (let k = 1; k <= 10; k++) holds.push(await hold(k % 2, session.id, seatLabel(k)));
      const paid = await c().confirm(1, holds[0].id, holds[0].userId);
      expect(paid.status === 200 ? 200 : summary(paid)).toBe(200);
      const cancelled = await c().cancel(0, holds[1].id, holds[1].userId);
      expect(cancelled.status === 200 ? 200 : summary(cancelled)).toBe(200);

      const final = await committedVersion(session.id);
      expect(final).toBe(13);
      await eventually(() => stream.version === final, 20_000, 20).catch(() => undefined);
      expect({ versions: stream.versions, connections: stream.connections, violations: stream.violations }).toEqual({
        versions: Array.from({ length: final }, (_, k) => k + 1),
        connections: [2],
        violations: [],
      });
      expect(stream.seats).toEqual(seatMap(await c().availability(0, session.id)));
      expect(stream.seats[seatLabel(1)]).toBe('SOLD');
      expect(stream.seats[seatLabel(2)]).toBe('AVAILABLE');

      // Reconnect with the last id seen: where the session was followed (its recent changes are known), only what
      // was missed, in order; on an instance that never followed it, the whole document at the latest version.
      const lastSeen = stream.version;
      stream.close();
      for (let k = 11; k <= 13; k++) await hold(k % 2, session.id, seatLabel(k));
      const resumed = await openSse(`${c().url(2)}/sessions/${session.id}/availability/stream`, { 'Last-Event-ID': String(lastSeen) });
      await eventually(() => resumed.events.length >= 3, 20_000, 20);
      resumed.close();
      expect(resumed.events.map((e) => `${e.event} ${e.id}`)).toEqual([`change ${lastSeen + 1}`, `change ${lastSeen + 2}`, `change ${lastSeen + 3}`]);
      const elsewhere = await openSse(`${c().url(1)}/sessions/${session.id}/availability/stream`, { 'Last-Event-ID': String(lastSeen) });
      await eventually(() => elsewhere.events.length >= 1, 20_000, 20);
      elsewhere.close();
      expect(elsewhere.events.map((e) => `${e.event} ${e.id}`)).toEqual([`snapshot ${lastSeen + 3}`]);
    }), 120_000);

  it('when the owner is killed (-9) mid-stream, every stream continues or reconnects and its versions never go back', () =>
    withLogs(c, async () => {
      const session = await c().createSession(1, 60);
      await hold(1, session.id, seatLabel(0));
      const victim = (await c().ownerOf(session.id))?.index as number;
      expect(victim).toBe(1);
      const survivors = [0, 2];
      const streams = await Promise.all([0, 1, 2].map((i) => follow(session.id, i)));

      let nextSeat = 1;
      let stop = false;
      const answered: number[] = [];
      const writer = (async () => {
        while (!stop && nextSeat < 60) {
          const node = survivors[nextSeat % 2];
          const res = await c().reserve(node, session.id, [seatLabel(nextSeat)], `kill-${nextSeat}`, 10_000);
          answered.push(res.status);
          if (res.status === 201 || res.status === 409) nextSeat++;
        }
      })();
      await eventually(() => nextSeat >= 6, 30_000, 20);
      await c().kill(victim, 'SIGKILL');
      const killedAt = nextSeat;
      await eventually(() => nextSeat >= killedAt + 8, 60_000, 50);
      stop = true;
      await writer;

      const final = await committedVersion(session.id);
      const truth = seatMap(await c().availability(survivors[0], session.id));
      for (const [i, s] of streams.entries()) {
        await eventually(() => s.version === final, 30_000, 20);
        expect({ stream: i, violations: s.violations }).toEqual({ stream: i, violations: [] });
        expect({ stream: i, seats: s.seats }).toEqual({ stream: i, seats: truth });
      }
      expect(streams[victim].connections.length).toBeGreaterThan(1);
      expect(Object.values(truth).filter((v) => v === 'RESERVED').length).toBe(final);
      console.log(
        `[read-side] kill -9 of the owner mid-stream: final version ${final}; streams reconnected ` +
          `${streams.map((s) => s.connections.length - 1).join('/')} times; write answers ${JSON.stringify(answered.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`,
      );
      await c().restart(victim);
    }), 180_000);
});
