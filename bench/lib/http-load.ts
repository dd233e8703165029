import net from 'node:net';
import { summarizeLatencies, type LatencySummary } from './stats';

/**
 * A lean HTTP/1.1 load generator over raw keep-alive sockets.
 *
 * Why not autocannon for everything: autocannon decodes every response body into a string in JavaScript
 * (http-parser-js), which on a 2-core machine makes the client the bottleneck for 140 kB availability documents,
 * and its per-connection rate limiter sends bursts at each second boundary instead of paced arrivals. This client
 * only looks at the status line and Content-Length (or chunked framing), keeps a body only when a request asks
 * for it, tags latencies per request kind, and can pace arrivals (open loop) for latency-at-a-given-rate runs.
 *
 * Closed loop (default): each of `connections` sockets sends one request, waits for the answer, sends the next.
 * Open loop (`rate`): arrivals are scheduled every 1/rate s; an idle socket takes the oldest due arrival; latency
 * is recorded both from the send and from the scheduled arrival (the latter includes client-side queueing, so
 * coordinated omission does not hide a stall).
 */

export interface LoadRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  /** JSON text; sent with Content-Type: application/json. */
  readonly body?: string;
  /** Groups latencies and counts ("reserve", "cancel", "read"...). */
  readonly tag: string;
  /** Keep the response body (decoded as UTF-8) for onResponse. */
  readonly wantBody?: boolean;
  /** Extra header lines, e.g. Authorization (names and values must be plain ASCII). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadResponse {
  readonly status: number;
  readonly body?: string;
  /** From writing the request to the last byte of the answer. */
  readonly latencyMs: number;
  /** Milliseconds since the run started when the answer was complete. */
  readonly at: number;
}

export interface ConnState {
  readonly index: number;
  /** Free for the scenario's per-connection bookkeeping. */
  data: Record<string, unknown>;
}

export interface LoadOptions {
  readonly host?: string;
  readonly port: number;
  readonly connections: number;
  /** Hard cap on the run. */
  readonly durationMs: number;
  /** The next request of a connection; null parks the connection for good. */
  next(conn: ConnState): LoadRequest | null;
  onResponse?(conn: ConnState, req: LoadRequest, res: LoadResponse): void;
  /**
   * A request sent and never answered: it timed out (`requestTimeoutMs`), its socket closed, or it was still in
   * flight when the drain after the stop ended. The server may still have acted on it: its outcome is unknown.
   */
  onUnanswered?(conn: ConnState, req: LoadRequest, reason: 'timeout' | 'socket closed' | 'not drained'): void;
  /** Checked after every answer; true ends the run (requests in flight still complete). */
  shouldStop?(): boolean;
  /** Open loop: requests per second, spread evenly. */
  readonly rate?: number;
  readonly requestTimeoutMs?: number;
  /** How long to wait for answers still in flight after the stop. */
  readonly drainMs?: number;
}

export interface TagResult {
  count: number;
  byStatus: Record<string, number>;
  latency: LatencySummary;
  /** Latency per status code ("201", "409", ...). */
  latencyByStatus: Record<string, LatencySummary>;
  /** Open loop only: latency from the scheduled arrival. */
  latencyFromSchedule?: LatencySummary;
}

export interface LoadResult {
  /** Start to stop (deadline, stop condition, or every connection parked). */
  readonly elapsedMs: number;
  /** Answers completed by the stop. */
  readonly completed: number;
  /** Answers completed by the stop, per second of elapsed time. */
  readonly rps: number;
  readonly byStatus: Record<string, number>;
  readonly byTag: Record<string, TagResult>;
  /** Socket errors, resets and timeouts. */
  readonly errors: number;
  /** Requests sent and never answered (timed out, socket closed, or still in flight when the drain ended). */
  readonly unanswered: number;
  /** Answers per whole second since the start, all tags together. */
  readonly timeline: number[];
  /** Open loop: arrivals scheduled but never sent (the client could not keep up). */
  readonly dropped: number;
  readonly offeredRate?: number;
}

interface InFlight {
  req: LoadRequest;
  sentAt: number;
  scheduledAt?: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const host = opts.host ?? '127.0.0.1';
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const t0 = performance.now();
  const now = () => performance.now() - t0;

  let stopped = false;
  let stopAt = Number.NaN;
  let completed = 0;
  let errors = 0;
  let unanswered = 0;
  let dropped = 0;
  const byStatus: Record<string, number> = {};
  const tags = new Map<
    string,
    { count: number; byStatus: Record<string, number>; lat: number[]; latSched: number[]; latStatus: Map<number, number[]> }
  >();
  const timeline: number[] = [];

  const tagOf = (t: string) => {
    let e = tags.get(t);
    if (!e) tags.set(t, (e = { count: 0, byStatus: {}, lat: [], latSched: [], latStatus: new Map() }));
    return e;
  };

  // Open-loop arrivals waiting for an idle connection.
  const due: number[] = [];
  let scheduled = 0;
  const idle: Conn[] = [];

  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopAt = now();
    if (pacer) clearInterval(pacer);
    clearTimeout(deadline);
    // Answers still in flight get a bounded grace period; after it the run ends regardless.
    setTimeout(finish, opts.drainMs ?? 10_000).unref();
    checkAllIdle();
  };

  const conns: Conn[] = [];

  const noAnswer = (conn: Conn, flight: InFlight, reason: 'timeout' | 'socket closed' | 'not drained') => {
    unanswered++;
    opts.onUnanswered?.(conn.state, flight.req, reason);
  };

  function checkAllIdle(): void {
    if (!stopped) {
      if (conns.every((c) => c.parked)) stop();
      return;
    }
    if (conns.every((c) => !c.inFlight)) finish();
  }

  class Conn {
    readonly state: ConnState;
    socket: net.Socket | undefined;
    inFlight: InFlight | undefined;
    parked = false;
    private buf: Buffer | undefined;
    private phase: 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' = 'head';
    private remaining = 0;
    private status = 0;
    private parts: Buffer[] = [];
    private closeAfter = false;
    private timer: NodeJS.Timeout | undefined;

    constructor(index: number) {
      this.state = { index, data: {} };
      this.connect();
    }

    connect(): void {
      const s = net.connect({ host, port: opts.port });
      s.setNoDelay(true);
      s.on('data', (chunk: Buffer) => this.onData(chunk));
      s.on('error', () => undefined);
      s.on('close', () => {
        if (this.socket !== s) return;
        this.socket = undefined;
        if (this.inFlight) {
          errors++;
          noAnswer(this, this.inFlight, 'socket closed');
          this.inFlight = undefined;
          this.reset();
        }
        if (!stopped && !this.parked) {
          this.connect();
          this.pump();
        } else {
          checkAllIdle();
        }
      });
      this.socket = s;
    }

    private reset(): void {
      this.buf = undefined;
      this.phase = 'head';
      this.parts = [];
      this.remaining = 0;
      this.closeAfter = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    }

    /** Sends the next request if this connection may. */
    pump(): void {
      if (this.inFlight || this.parked || stopped || !this.socket) return;
      let scheduledAt: number | undefined;
      if (opts.rate) {
        const at = due.shift();
        if (at === undefined) {
          if (!idle.includes(this)) idle.push(this);
          return;
        }
        scheduledAt = at;
      }
      const req = opts.next(this.state);
      if (!req) {
        this.parked = true;
        checkAllIdle();
        return;
      }
      const body = req.body ?? '';
      const head =
        `${req.method} ${req.path} HTTP/1.1\r\nHost: ${host}:${opts.port}\r\nConnection: keep-alive\r\n` +
        (req.method === 'GET' ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`) +
        (req.headers ? Object.entries(req.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') : '') +
        '\r\n';
      this.inFlight = { req, sentAt: now(), scheduledAt };
      this.socket.write(head + body);
      this.timer = setTimeout(() => {
        errors++;
        if (this.inFlight) noAnswer(this, this.inFlight, 'timeout');
        this.inFlight = undefined;
        this.reset();
        this.socket?.destroy();
      }, requestTimeoutMs);
    }

    private onData(chunk: Buffer): void {
      this.buf = this.buf && this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
      while (this.buf && this.buf.length > 0) {
        if (!this.step()) break;
      }
    }

    /** Consumes what it can of `buf`; false when more bytes are needed. */
    private step(): boolean {
      const buf = this.buf as Buffer;
      switch (this.phase) {
        case 'head': {
          const end = buf.indexOf(CRLF2);
          if (end < 0) return false;
          const head = buf.toString('latin1', 0, end);
          this.buf = buf.subarray(end + 4);
          this.status = Number(head.slice(9, 12));
          const lower = head.toLowerCase();
          const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
          this.closeAfter = /\r\nconnection:\s*close/.test(lower);
          if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
            this.phase = 'chunk-size';
          } else {
            this.remaining = cl ? Number(cl[1]) : 0;
            this.phase = 'body';
            if (this.remaining === 0) this.complete();
          }
          return true;
        }
        case 'body': {
          const take = Math.min(this.remaining, buf.length);
          if (this.inFlight?.req.wantBody) this.parts.push(buf.subarray(0, take));
          this.remaining -= take;
          this.buf = buf.subarray(take);
          if (this.remaining === 0) this.complete();
          return true;
        }
        case 'chunk-size': {
          const eol = buf.indexOf('\r\n');
          if (eol < 0) return false;
          const size = parseInt(buf.toString('latin1', 0, eol), 16);
          this.buf = buf.subarray(eol + 2);
          if (size === 0) this.phase = 'trailer';
          else {
            this.remaining = size;
            this.phase = 'chunk-data';
          }
          return true;
        }
        case 'chunk-data': {
          const take = Math.min(this.remaining, buf.length);
          if (this.inFlight?.req.wantBody) this.parts.push(buf.subarray(0, take));
          this.remaining -= take;
          this.buf = buf.subarray(take);
          if (this.remaining === 0) this.phase = 'chunk-end';
          return true;
        }
        case 'chunk-end': {
          if (buf.length < 2) return false;
          this.buf = buf.subarray(2);
          this.phase = 'chunk-size';
          return true;
        }
        case 'trailer': {
          const eol = buf.indexOf('\r\n');
          if (eol < 0) return false;
          this.buf = buf.subarray(eol + 2);
          if (eol === 0) this.complete();
          return true;
        }
      }
    }

    private complete(): void {
      const flight = this.inFlight;
      const status = this.status;
      const parts = this.parts;
      const closeAfter = this.closeAfter;
      const rest = this.buf;
      this.reset();
      this.buf = rest;
      if (!flight) return;
      this.inFlight = undefined;
      const at = now();
      const latencyMs = at - flight.sentAt;
      const counted = !stopped || at <= stopAt;
      if (counted) {
        completed++;
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        const t = tagOf(flight.req.tag);
        t.count++;
        t.byStatus[status] = (t.byStatus[status] ?? 0) + 1;
        t.lat.push(latencyMs);
        let perStatus = t.latStatus.get(status);
        if (!perStatus) t.latStatus.set(status, (perStatus = []));
        perStatus.push(latencyMs);
        if (flight.scheduledAt !== undefined) t.latSched.push(at - flight.scheduledAt);
        const sec = Math.floor(at / 1000);
        while (timeline.length <= sec) timeline.push(0);
        timeline[sec]++;
      }
      const res: LoadResponse = {
        status,
        latencyMs,
        at,
        body: flight.req.wantBody ? Buffer.concat(parts).toString('utf8') : undefined,
      };
      try {
        opts.onResponse?.(this.state, flight.req, res);
      } catch (error) {
        errors++;
        process.stderr.write(`load: onResponse failed: ${String(error)}\n`);
      }
      if (!stopped && opts.shouldStop?.()) stop();
      if (closeAfter) {
        this.socket?.destroy();
        return;
      }
      if (stopped) checkAllIdle();
      else this.pump();
    }
  }

  let pacer: NodeJS.Timeout | undefined;
  if (opts.rate) {
    const interval = 1000 / opts.rate;
    pacer = setInterval(() => {
      const t = now();
      while (scheduled * interval <= t) {
        due.push(scheduled * interval);
        scheduled++;
      }
      // An arrival older than 2 s was never sent: count it as dropped instead of queueing forever.
      while (due.length > 0 && t - due[0] > 2000) {
        due.shift();
        dropped++;
      }
      while (due.length > 0 && idle.length > 0) (idle.shift() as Conn).pump();
    }, Math.max(1, Math.min(5, interval)));
  }
  const deadline = setTimeout(stop, opts.durationMs);

  for (let i = 0; i < opts.connections; i++) conns.push(new Conn(i));
  for (const c of conns) {
    c.socket?.once('connect', () => c.pump());
  }

  return done.then(() => {
    for (const c of conns) {
      c.parked = true;
      if (c.inFlight) {
        noAnswer(c, c.inFlight, 'not drained');
        c.inFlight = undefined;
      }
      c.socket?.destroy();
    }
    const elapsedMs = Number.isFinite(stopAt) ? stopAt : now();
    const byTag: Record<string, TagResult> = {};
    for (const [tag, t] of tags) {
      byTag[tag] = {
        count: t.count,
        byStatus: t.byStatus,
        latency: summarizeLatencies(t.lat),
        latencyByStatus: Object.fromEntries([...t.latStatus].map(([st, l]) => [String(st), summarizeLatencies(l)])),
        latencyFromSchedule: t.latSched.length > 0 ? summarizeLatencies(t.latSched) : undefined,
      };
    }
    return {
      elapsedMs,
      completed,
      rps: completed / (elapsedMs / 1000),
      byStatus,
      byTag,
      errors,
      unanswered,
      timeline,
      dropped: dropped + due.length,
      offeredRate: opts.rate,
    };
  });
}
