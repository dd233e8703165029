/**
 * Scenario 11, what each instance reads from Kafka per forwarded command (only with KAFKA_BROKERS and REDIS_URL):
 * three instances, three sessions, session k owned by instance k. Every instance forwards one-seat holds to the next
 * one's session (1 → 2 → 3 → 1), so each sends and receives the same number of commands.
 *
 * Measured from each instance's own /metrics before and after (kafkajs, in the service): the key + value + header
 * bytes of the messages its commands-and-replies consumer read (`forwarded_message_bytes_read_total`), their count
 * (`forwarded_messages_read_total`), and the size of every Fetch response the broker sent that consumer
 * (`kafka_fetch_response_bytes_total`, from kafkajs's REQUEST instrumentation event; it includes the empty long
 * polls, so it also grows with time). Divided by the forwarded commands the instance sent (answered).
 *
 * Projection to 30 instances: an instance reads the commands addressed to it and the replies to its own commands,
 * nothing else, so with the load spread evenly its bytes per forwarded command do not depend on the number of
 * instances; the "read share" (messages read / messages addressed to it) shows it. The design before issue 10
 * (every instance reading every command and reply) would read N × as much: the sum over the instances.
 */
import { scrapeMetrics, seatLabels } from '../lib/api';
import type { Ctx } from '../lib/context';
import { runLoad } from '../lib/http-load';
import type { ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import type { BenchCluster } from './cluster-instances';
import { SeatPool } from './s2-steady-writes';
import { ownedSession } from './s10-cluster-reads';

const sumOf = (m: Map<string, number>, prefix: string) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);

function reading(m: Map<string, number>) {
  return {
    bytes: sumOf(m, 'forwarded_message_bytes_read_total'),
    messages: sumOf(m, 'forwarded_messages_read_total'),
    commandsRead: m.get('forwarded_messages_read_total{kind="commands"}') ?? 0,
    fetchBytes: sumOf(m, 'kafka_fetch_response_bytes_total'),
    sent: m.get('forwarded_commands_total{outcome="answered"}') ?? 0,
  };
}

export async function commandBytes(ctx: Ctx, cluster: BenchCluster): Promise<ScenarioResult> {
  const { instances } = cluster;
  const n = instances.length;
  const perInstance = ctx.cfg.quick ? 150 : 400;
  const sessions = await Promise.all(instances.map((s, k) => ownedSession(s, 2000, 20, `Bytes ${k + 1}`)));
  const before = (await Promise.all(instances.map((s) => scrapeMetrics(s.url)))).map(reading);
  const t0 = Date.now();
  const loads = await Promise.all(
    instances.map((s, k) => {
      const sessionId = sessions[(k + 1) % n];
      const pool = new SeatPool(seatLabels(2000, 20).slice(20)); // row A: the owner's first hold
      let issued = 0;
      return runLoad({
        port: s.port,
        connections: 8,
        durationMs: 60_000,
        next: (conn) =>
          issued++ < perInstance
            ? { method: 'POST', path: '/reservations', tag: 'reserve', body: JSON.stringify({ sessionId, seatNumbers: [pool.take()], userId: `b${k}-${conn.index}` }) }
            : null,
      });
    }),
  );
  const wallS = (Date.now() - t0) / 1000;
  const after = (await Promise.all(instances.map((s) => scrapeMetrics(s.url)))).map(reading);
  const rows = after.map((a, k) => {
    const b = before[k];
    const sent = a.sent - b.sent;
    const bytes = a.bytes - b.bytes;
    const messages = a.messages - b.messages;
    // Addressed to instance k: the commands of its predecessor in the ring, and the replies to its own commands.
    const addressed = after[(k + n - 1) % n].sent - before[(k + n - 1) % n].sent + sent;
    return {
      instance: k + 1,
      sent,
      created: loads[k].byStatus['201'] ?? 0,
      commandsRead: a.commandsRead - b.commandsRead,
      messages,
      bytes,
      fetchBytes: a.fetchBytes - b.fetchBytes,
      bytesPerCommand: round(bytes / sent, 0),
      fetchBytesPerCommand: round((a.fetchBytes - b.fetchBytes) / sent, 0),
      readShare: round(messages / addressed),
    };
  });
  const perCommand = spread(rows.map((r) => r.bytesPerCommand));
  const totalBytes = rows.reduce((s, r) => s + r.bytes, 0);
  const totalSent = rows.reduce((s, r) => s + r.sent, 0);
  // The design before: each of k instances sends 1/k of the forwarded commands but reads every command and reply.
  const oldPerInstance = (k: number) => (totalBytes / totalSent) * k;
  ctx.log(`s11 bytes per instance per forwarded command ${perCommand.median} B; read share ${rows.map((r) => r.readShare).join('/')}`);
  return {
    id: 's11',
    title: 'Scenario 11: bytes read from Kafka per instance per forwarded command',
    figures: [
      { id: 's11.bytes.perCommand', label: 'Bytes (key + value + headers) read from the commands and replies topics per instance per forwarded command it sent, 3 instances', unit: 'B', spread: perCommand },
      {
        id: 's11.bytes.projected30',
        label: 'The same projected to 30 instances with the load spread evenly (each instance reads only what is addressed to it)',
        unit: 'B',
        spread: perCommand,
        context: `the design before (every instance read every command and reply) would read ${round(oldPerInstance(3), 0)} B at 3 and ${round(oldPerInstance(30), 0)} B at 30`,
      },
      { id: 's11.readShare', label: 'Messages read per instance / messages addressed to it (1 = only its own; the design before: N)', unit: 'ratio', spread: spread(rows.map((r) => r.readShare)) },
      { id: 's11.fetchBytes.perCommand', label: 'Fetch response bytes per instance per forwarded command it sent (includes empty long polls)', unit: 'B', spread: spread(rows.map((r) => r.fetchBytesPerCommand)) },
    ],
    checks: [
      { label: 'command bytes: every forwarded hold answered 201', ok: rows.every((r) => r.created === perInstance), detail: rows.map((r) => `${r.created}/${perInstance}`).join(', ') },
    ],
    notes: [
      `${perInstance} one-seat holds sent to each instance by 8 connections, each forwarded to the next instance's session (1 → 2 → 3 → 1), in ${round(wallS, 1)} s. Byte counts come from each instance's /metrics (kafkajs in the service): message bytes as the consumer got them, Fetch response sizes from kafkajs's REQUEST instrumentation event.`,
      'Projection: per forwarded command, one instance reads the command (its owner) and one reads the reply (its caller), whatever the number of instances; so the per-instance figure at 30 equals the one measured at 3 when the load is spread evenly. The old figure is the total read by all instances per forwarded command × the number of instances.',
    ],
    rounds: rows,
    table: {
      header: ['instance', 'forwarded commands sent', 'commands read', 'messages read', 'message bytes read', 'bytes / command', 'Fetch bytes / command', 'read share'],
      rows: rows.map((r) => [String(r.instance), String(r.sent), String(r.commandsRead), String(r.messages), String(r.bytes), String(r.bytesPerCommand), String(r.fetchBytesPerCommand), String(r.readShare)]),
    },
  };
}
