/**
 * Scenario 6, expiry lateness: a service with RESERVATION_TTL_SECONDS=2 takes N one-seat holds (5,000 in the full
 * run, spread over sessions of 1,000 seats) as fast as 32 clients can place them, while one poller per session
 * reads the availability document every ~20 ms. A seat's hold is freed when a poll sent after its 201 shows the
 * seat AVAILABLE again; lateness = (time that poll's answer arrived) - expiresAt. The poll period and the read's
 * own latency are part of the figure, so it is an upper bound; the poll period is reported with it.
 */
import { createSession, seatLabels, type AvailabilityDoc } from '../lib/api';
import { startOurs, type Ctx } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { sleep } from '../lib/procs';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { percentileSorted, round, spread, summarizeLatencies, type LatencySummary } from '../lib/stats';


const SEATS_PER_SESSION = 1000;
const POLL_MS = 20;

interface ExpiryRound {
  readonly round: number;
  readonly holds: number;
  readonly placedInS: number;
  readonly freed: number;
  readonly neverFreed: number;
  readonly lateness: LatencySummary;
  readonly earliest: number;
  readonly pollPeriodP50: number;
  readonly pollPeriodP99: number;
}

export async function expiryLateness(ctx: Ctx): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const t = await startOurs(ctx, 's6-pg', 'postgres', { RESERVATION_TTL_SECONDS: String(cfg.expiryTtlSeconds) });
  const rounds: ExpiryRound[] = [];
  try {
    for (let r = 1; r <= cfg.rounds; r++) {
      const sessionsNeeded = Math.ceil(cfg.expiryHolds / SEATS_PER_SESSION);
      const sessionIds: string[] = [];
      for (let i = 0; i < sessionsNeeded; i++) sessionIds.push(await createSession(t.service.url, SEATS_PER_SESSION, 20, 'Expiry'));
      // Activate each session before the clock starts (first read).
      for (const id of sessionIds) await fetch(`${t.service.url}/sessions/${id}/availability`).then((x) => x.text());
      const labels = seatLabels(SEATS_PER_SESSION, 20);
      const plan: { sessionIndex: number; seat: string }[] = [];
      for (let i = 0; i < cfg.expiryHolds; i++) plan.push({ sessionIndex: i % sessionsNeeded, seat: labels[Math.floor(i / sessionsNeeded)] });

      // hold key "session|seat" -> expiresAt (epoch ms) and when its 201 arrived (epoch ms)
      const holds = new Map<string, { expiresAt: number; placedAt: number; freedAt?: number }>();
      let stopPolling = false;
      const pollGaps: number[] = [];
      const pollers = sessionIds.map(async (sessionId, si) => {
        let last = Number.NaN;
        while (!stopPolling) {
          const sentAt = Date.now();
          let doc: AvailabilityDoc;
          try {
            const res = await fetch(`${t.service.url}/sessions/${sessionId}/availability`);
            doc = (await res.json()) as AvailabilityDoc;
          } catch {
            await sleep(POLL_MS);
            continue;
          }
          const at = Date.now();
          if (Number.isFinite(last)) pollGaps.push(at - last);
          last = at;
          for (const seat of doc.seats) {
            if (seat.status !== 'AVAILABLE') continue;
            const h = holds.get(`${si}|${seat.seatNumber}`);
            if (h && h.freedAt === undefined && h.placedAt <= sentAt) h.freedAt = at;
          }
          const wait = POLL_MS - (Date.now() - sentAt);
          if (wait > 0) await sleep(wait);
        }
      });

      let k = 0;
      const placeStart = Date.now();
      await runLoad({
        port: t.service.port,
        connections: 32,
        durationMs: 60_000,
        next(conn) {
          if (k >= plan.length) return null;
          const p = plan[k++];
          conn.data.p = p;
          return {
            method: 'POST',
            path: '/reservations',
            body: JSON.stringify({ sessionId: sessionIds[p.sessionIndex], seatNumbers: [p.seat], userId: `exp-${conn.index}` }),
            tag: 'hold',
            wantBody: true,
          };
        },
        onResponse(conn, _req, res) {
          if (res.status !== 201) return;
          const p = conn.data.p as { sessionIndex: number; seat: string };
          const body = JSON.parse(res.body as string) as { expiresAt: string };
          holds.set(`${p.sessionIndex}|${p.seat}`, { expiresAt: Date.parse(body.expiresAt), placedAt: Date.now() });
        },
      });
      const placedInS = round((Date.now() - placeStart) / 1000, 2);
      // Wait until every hold is seen freed, or TTL + 15 s after the last one.
      const lastExpiry = Math.max(...[...holds.values()].map((h) => h.expiresAt));
      while (Date.now() < lastExpiry + 15_000 && [...holds.values()].some((h) => h.freedAt === undefined)) await sleep(100);
      stopPolling = true;
      await Promise.all(pollers);

      const lateness = [...holds.values()].filter((h) => h.freedAt !== undefined).map((h) => (h.freedAt as number) - h.expiresAt);
      const gaps = Float64Array.from(pollGaps).sort();
      const rec: ExpiryRound = {
        round: r,
        holds: holds.size,
        placedInS,
        freed: lateness.length,
        neverFreed: holds.size - lateness.length,
        lateness: summarizeLatencies(lateness),
        earliest: lateness.length ? Math.min(...lateness) : Number.NaN,
        pollPeriodP50: percentileSorted(gaps, 50),
        pollPeriodP99: percentileSorted(gaps, 99),
      };
      ctx.log(`s6 round ${r}: ${rec.holds} holds placed in ${placedInS}s; lateness p50 ${rec.lateness.p50} p99 ${rec.lateness.p99} max ${rec.lateness.max} ms; never freed ${rec.neverFreed}; poll period p50 ${rec.pollPeriodP50} ms`);
      rounds.push(rec);
    }
  } finally {
    await t.service.stop();
  }
  const figures: Figure[] = [
    { id: 's6.p50', label: 'Expiry lateness p50 (freed seen − expiresAt)', unit: 'ms', spread: spread(rounds.map((x) => x.lateness.p50)) },
    { id: 's6.p99', label: 'Expiry lateness p99', unit: 'ms', spread: spread(rounds.map((x) => x.lateness.p99)) },
    { id: 's6.max', label: 'Expiry lateness max', unit: 'ms', spread: spread(rounds.map((x) => x.lateness.max)) },
  ];
  const checks: Check[] = [
    {
      label: 'every hold was freed by its expiry',
      ok: rounds.every((x) => x.neverFreed === 0 && x.holds === cfg.expiryHolds),
      detail: rounds.map((x) => `round ${x.round}: ${x.freed}/${x.holds} freed of ${cfg.expiryHolds} placed`).join('; '),
    },
    {
      label: 'no hold was freed before its expiresAt',
      ok: rounds.every((x) => !(x.earliest < 0)),
      detail: rounds.map((x) => `round ${x.round}: earliest ${x.earliest} ms`).join('; '),
    },
  ];
  return {
    id: 's6',
    title: 'Scenario 6: expiry lateness',
    figures,
    checks,
    notes: [
      `${cfg.expiryHolds} one-seat holds per round over ${Math.ceil(cfg.expiryHolds / SEATS_PER_SESSION)} sessions of ${SEATS_PER_SESSION} seats, RESERVATION_TTL_SECONDS=${cfg.expiryTtlSeconds}, service on Postgres. Holds are placed by 32 clients as fast as the service takes them, so expiries overlap with new holds.`,
      `Measured by polling each session's availability every ${POLL_MS} ms; the achieved poll period (p50/p99 per round: ${rounds.map((x) => `${x.pollPeriodP50}/${x.pollPeriodP99} ms`).join(', ')}) bounds the resolution: lateness is over-estimated by up to one period.`,
      'No comparator: the seed comparator (c) has no expiry path (the seed used RabbitMQ dead-lettering).',
    ],
    rounds,
    table: {
      header: ['round', 'holds', 'placed in (s)', 'freed', 'p50 ms', 'p99 ms', 'max ms', 'poll period p50 ms'],
      rows: rounds.map((x) => [String(x.round), String(x.holds), String(x.placedInS), String(x.freed), String(x.lateness.p50), String(x.lateness.p99), String(x.lateness.max), String(x.pollPeriodP50)]),
    },
  };
}


