/**
 * Authentication's cost: the write scenario (reserve+cancel, scenario 2) and the refusal scenario (one hot seat,
 * scenario 3) against the same service on Postgres twice, once in open mode and once in jwt mode where every request
 * carries a bearer token (one user, one token per connection, as real clients reuse theirs). Rounds alternate the
 * two, and which goes first, so that both see the same machine. Target: jwt keeps at least 90 % of open's throughput.
 */
import { signDevToken } from '../../src/auth/dev-token';
import { measured, startOurs, type Ctx, type Target } from '../lib/context';
import { COST_HEADER, costColumns, fmtRange } from '../lib/format';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { spread } from '../lib/stats';
import { hammer } from './s3-hot-seat';
import { newWriteLoop, reserveCancel, toRun, type WriteRun } from './s2-steady-writes';

const SECRET = 'bench-only-secret-0123456789abcdef0123456789';
type Headers = Readonly<Record<string, string>>;

async function tokens(users: readonly string[]): Promise<Map<string, Headers>> {
  const out = new Map<string, Headers>();
  for (const sub of users) {
    const token = await signDevToken({ secret: SECRET, sub, admin: sub === 'box-office', ttlSeconds: 3600, adminRole: 'admin' });
    out.set(sub, { Authorization: `Bearer ${token}` });
  }
  return out;
}

export async function authCost(ctx: Ctx): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const open = await startOurs(ctx, 'ours-pg-open', 'postgres');
  const jwt = await startOurs(ctx, 'ours-pg-jwt', 'postgres', { AUTH_MODE: 'jwt', AUTH_HS256_SECRET: SECRET });
  const jwtLabel = 'ours (Postgres), bearer tokens';
  try {
    const users = [
      'box-office',
      ...Array.from({ length: cfg.writeConnections }, (_, i) => `writer-${i}`),
      ...Array.from({ length: cfg.hotSeatConnections }, (_, i) => `fan-${i}`),
    ];
    const headers = await tokens(users);
    const admin = headers.get('box-office') as Headers;
    const user = (sub: string) => headers.get(sub) ?? {};
    const authOf = (t: Target) => (t === jwt ? { admin, user } : undefined);

    const writes = async (t: Target, seconds: number) => {
      const a = authOf(t);
      const loop = await newWriteLoop(ctx, t, a?.admin);
      const { result, cost } = await measured(t, () =>
        reserveCancel(t, loop, { connections: cfg.writeConnections, durationMs: seconds * 1000 }, a?.user),
      );
      return toRun(t, result, cost);
    };
    for (const t of [open, jwt]) {
      ctx.log(`auth warm-up ${t.name}`);
      await writes(t, cfg.warmupSeconds);
      await hammer(ctx, t, cfg.warmupSeconds, authOf(t));
    }

    const checks: Check[] = [];
    const rounds: { round: number; writes: WriteRun[]; hotSeat: Awaited<ReturnType<typeof hammer>>[] }[] = [];
    for (let r = 1; r <= cfg.rounds; r++) {
      const order = r % 2 === 1 ? [open, jwt] : [jwt, open];
      const w: WriteRun[] = [];
      const h: Awaited<ReturnType<typeof hammer>>[] = [];
      for (const t of order) {
        const run = await writes(t, cfg.phaseSeconds);
        ctx.log(`auth writes round ${r} ${t.name}: ${run.rps} ok req/s, not ok ${JSON.stringify(run.notOk)}`);
        checks.push({
          label: `${t.name}: every reserve and cancel accepted (round ${r})`,
          ok: Object.keys(run.notOk).length === 0,
          detail: `not ok: ${JSON.stringify(run.notOk)}`,
        });
        w.push(run);
      }
      for (const t of order) {
        const run = await hammer(ctx, t, cfg.shortPhaseSeconds, authOf(t));
        ctx.log(`auth hot seat round ${r} ${t.name}: ${run.rps} answers/s, 201=${run.accepted} 409=${run.rejected}`);
        checks.push({
          label: `${t.name}: exactly one winner for the hot seat, every other answer 409 (round ${r})`,
          ok: run.accepted === 1 && Object.keys(run.other).length === 0,
          detail: `201: ${run.accepted}, 409: ${run.rejected}, other: ${JSON.stringify(run.other)}`,
        });
        h.push(run);
      }
      rounds.push({ round: r, writes: w, hotSeat: h });
    }

    const writesOf = (t: Target) => rounds.map((x) => x.writes.find((y) => y.target === t.name) as WriteRun);
    const seatOf = (t: Target) => rounds.map((x) => x.hotSeat.find((y) => y.target === t.name) as Awaited<ReturnType<typeof hammer>>);
    const figures: Figure[] = [
      {
        id: 'auth.writes',
        label: 'Reserve+cancel requests per second with bearer tokens / open mode (same service, Postgres)',
        unit: 'ratio',
        spread: spread(writesOf(jwt).map((m, i) => m.rps / writesOf(open)[i].rps)),
        comparator: open.label,
        context: `${spread(writesOf(jwt).map((m) => m.rps)).median} vs ${spread(writesOf(open).map((m) => m.rps)).median} req/s`,
      },
      {
        id: 'auth.refusals',
        label: 'Hot-seat answers (409 refusals) per second with bearer tokens / open mode',
        unit: 'ratio',
        spread: spread(seatOf(jwt).map((m, i) => m.rps / seatOf(open)[i].rps)),
        comparator: open.label,
        context: `${spread(seatOf(jwt).map((m) => m.rps)).median} vs ${spread(seatOf(open).map((m) => m.rps)).median} answers/s`,
      },
    ];
    const row = (label: string, rs: { rps: number; cost: WriteRun['cost']; completed: number }[]) => [
      label,
      fmtRange(rs.map((x) => x.rps), 0),
      ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.completed)),
    ];
    return {
      id: 'auth',
      title: 'Authentication cost: writes and refusals with bearer tokens vs open mode',
      figures,
      checks,
      notes: [
        `Writes: ${cfg.writeConnections} connections reserving then cancelling one seat each, ${cfg.phaseSeconds} s per round; refusals: ${cfg.hotSeatConnections} connections asking for A1, ${cfg.shortPhaseSeconds} s per round. ${cfg.rounds} rounds, order alternating.`,
        'jwt mode: HS256 tokens, one per connection (its user), verified once and then served from the verified-token cache; the rate limit is keyed by sub.',
      ],
      rounds: rounds.map((x) => ({ round: x.round, writes: x.writes.map((y) => ({ target: y.target, rps: y.rps })), hotSeat: x.hotSeat.map((y) => ({ target: y.target, rps: y.rps })) })),
      table: {
        header: ['target', 'req/s', ...COST_HEADER],
        rows: [
          row(`writes, ${open.label}`, writesOf(open)),
          row(`writes, ${jwtLabel}`, writesOf(jwt)),
          row(`hot seat, ${open.label}`, seatOf(open)),
          row(`hot seat, ${jwtLabel}`, seatOf(jwt)),
        ],
      },
    };
  } finally {
    await open.service.stop();
    await jwt.service.stop();
  }
}

