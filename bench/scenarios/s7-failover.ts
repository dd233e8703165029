/**
 * Scenario 7, cluster failover (only when KAFKA_BROKERS and REDIS_URL are set): three instances on one scratch
 * database, a random Kafka topic prefix (so nothing is shared with other users of the broker). The session is
 * activated on instance 1; clients reserve seats through instances 2 and 3 (forwarded to the owner over Kafka);
 * instance 1 is killed with SIGKILL. Failover time = from the kill to the first 201 for a request sent after the
 * kill. Target: at most LEASE_TTL_MS + 2 s. Afterwards the database must hold no seat twice.
 */
import { createSession, getText, seatLabels } from '../lib/api';
import type { Ctx } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { sleep, startService, type Service } from '../lib/procs';
import type { Check, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import { SeatPool } from './s2-steady-writes';
import { clusterEnvironment } from './cluster-instances';

export async function failover(ctx: Ctx): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const leaseTtlMs = Number(process.env.BENCH_LEASE_TTL_MS ?? 5000);
  const { db, prefix, common, instanceId } = await clusterEnvironment('failover', { LEASE_TTL_MS: String(leaseTtlMs) });
  const instances: Service[] = [];
  const rounds: Record<string, unknown>[] = [];
  const checks: Check[] = [];
  try {
    for (const i of [1, 2, 3]) {
      instances.push(
        await startService({
          name: `s7-i${i}`,
          script: ctx.serviceEntry,
          cwd: ctx.root,
          logDir: ctx.logDir,
          readyPath: '/health/ready',
          readyTimeoutMs: 120_000,
          env: { ...common, INSTANCE_ID: instanceId(i) },
        }),
      );
    }
    const [owner, ...others] = instances;
    const sessionId = await createSession(owner.url, cfg.seats, cfg.seatsPerRow, 'Failover');
    const touched = await getText(`${owner.url}/sessions/${sessionId}/availability`);
    if (touched.status !== 200) throw new Error(`activation on instance 1 answered ${touched.status}`);
    const pool = new SeatPool(seatLabels(cfg.seats, cfg.seatsPerRow));
    const accepted: { at: number; sentAt: number; seat: string }[] = [];
    const failures: { at: number; status: number }[] = [];
    let killAt = Number.NaN;
    let recoveredAt = Number.NaN;
    const beforeMs = 3000;
    const afterMs = leaseTtlMs + 15_000;
    const loads = others.map((svc) =>
      runLoad({
        port: svc.port,
        connections: 8,
        durationMs: beforeMs + afterMs,
        requestTimeoutMs: 30_000,
        shouldStop: () => Number.isFinite(recoveredAt) && Date.now() > recoveredAt + 2000,
        next(conn) {
          const seat = pool.take();
          if (!seat) return null;
          conn.data.seat = seat;
          return {
            method: 'POST',
            path: '/reservations',
            body: JSON.stringify({ sessionId, seatNumbers: [seat], userId: `fo-${svc.port}-${conn.index}` }),
            tag: 'reserve',
          };
        },
        onResponse(conn, _req, res) {
          const now = Date.now();
          if (res.status === 201) {
            accepted.push({ at: now, sentAt: now - res.latencyMs, seat: conn.data.seat as string });
            if (now - res.latencyMs > killAt && !Number.isFinite(recoveredAt)) recoveredAt = now;
          } else {
            failures.push({ at: now, status: res.status });
            if (res.status !== 409) pool.give(conn.data.seat as string);
          }
        },
      }),
    );
    await sleep(beforeMs);
    killAt = Date.now();
    owner.kill();
    ctx.log(`s7 killed instance 1 (pid ${owner.pid}) under load`);
    const results = await Promise.all(loads);
    const firstAfter = accepted.filter((a) => a.sentAt > killAt).sort((a, b) => a.at - b.at)[0];
    const lastBefore = accepted.filter((a) => a.at <= killAt).sort((a, b) => b.at - a.at)[0];
    const failoverMs = firstAfter ? firstAfter.at - killAt : Number.NaN;
    const byStatus: Record<string, number> = {};
    for (const r of results) for (const [s, n] of Object.entries(r.byStatus)) byStatus[s] = (byStatus[s] ?? 0) + n;
    rounds.push({
      round: 1,
      leaseTtlMs,
      failoverMs,
      gapMs: firstAfter && lastBefore ? firstAfter.at - lastBefore.at : Number.NaN,
      acceptedBefore: accepted.filter((a) => a.at <= killAt).length,
      acceptedAfter: accepted.filter((a) => a.at > killAt).length,
      byStatus,
    });
    ctx.log(`s7 failover ${failoverMs} ms (lease TTL ${leaseTtlMs} ms), statuses ${JSON.stringify(byStatus)}`);
    const rows = await db.query<{ seat_numbers: string[] }>(
      `SELECT seat_numbers FROM reservations WHERE session_id = $1 AND status = 'PENDING'`,
      [sessionId],
    );
    const held = rows.flatMap((r) => r.seat_numbers);
    checks.push({
      label: 'failover: no seat held twice in the database',
      ok: new Set(held).size === held.length,
      detail: `${held.length} seats held, ${new Set(held).size} distinct`,
    });
    const acceptedSeats = accepted.map((a) => a.seat);
    checks.push({
      label: 'failover: no seat accepted twice',
      ok: new Set(acceptedSeats).size === acceptedSeats.length,
      detail: `${acceptedSeats.length} accepted`,
    });
    return {
      id: 's7',
      title: 'Scenario 7: cluster failover',
      figures: [
        {
          id: 's7.failover',
          label: `Time from kill -9 of the owner to the first accepted reservation sent after it (LEASE_TTL_MS=${leaseTtlMs})`,
          unit: 'ms',
          spread: spread([failoverMs]),
          context: `answers during the run: ${JSON.stringify(byStatus)}`,
        },
      ],
      checks,
      notes: [
        `Three instances, Kafka topic prefix ${prefix}, LEASE_TTL_MS=${leaseTtlMs}; 8 clients on each of instances 2 and 3 reserve one seat per request; instance 1 (the owner) is killed with SIGKILL after ${beforeMs / 1000} s. One round.`,
      ],
      rounds,
      table: {
        header: ['lease TTL ms', 'failover ms', 'gap between accepted answers ms', 'accepted before / after'],
        rows: rounds.map((r) => [String(r.leaseTtlMs), String(round(r.failoverMs as number, 0)), String(round(r.gapMs as number, 0)), `${r.acceptedBefore} / ${r.acceptedAfter}`]),
      },
    };
  } finally {
    await Promise.all(instances.map((s) => s.stop(5_000)));
  }
}
