/**
 * Writes bench/results/latest.json (everything, compact) and bench/results/REPORT.md (the figures, the targets
 * met or missed, the checks, the bottleneck evidence) from one run's results.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileResult } from './scenarios/profile';
import type { Figure, ScenarioResult } from './lib/results';
import { fmtSpread } from './lib/stats';

export interface RunMeta {
  startedAt: string;
  finishedAt?: string;
  durationS?: number;
  mode: 'quick' | 'full';
  argv: string[];
  rounds: number;
  machine: {
    cores: number;
    memoryGiB: number;
    node: string;
    postgres: string;
    loadavgBefore: number[];
    loadavgAfter?: number[];
    /** Other processes using CPU when the run started and ended (the machine is shared). */
    othersAtStart: string[];
    othersAtEnd?: string[];
    /** Median share of all CPU time that was busy during measured phases. */
    medianMachineBusy?: number;
  };
  git: { commit: string; dirty: boolean; srcSha256?: string };
  cluster: string;
  rawDir: string;
  errors: { scenario: string; error: string }[];
}

export interface RunResults {
  meta: RunMeta;
  scenarios: ScenarioResult[];
  profiles: ProfileResult[];
}

interface TargetDef {
  readonly name: string;
  readonly figure: string;
  readonly goal: string;
  readonly met: (median: number, all: Map<string, Figure>) => boolean;
  readonly note?: string;
}

const TARGETS: TargetDef[] = [
  { name: 'Availability reads ≥ 0.9× (b), while scenario 2 writes', figure: 's4.reads.writes', goal: '≥ 0.9×', met: (v) => v >= 0.9 },
  { name: 'Availability reads ≥ 0.9× (b), idle session', figure: 's4.reads.idle', goal: '≥ 0.9×', met: (v) => v >= 0.9 },
  { name: 'Durable reserve+cancel ≥ 0.5× (a), Postgres', figure: 's2.throughput.pg', goal: '≥ 0.5×', met: (v) => v >= 0.5 },
  { name: 'Durable reserve+cancel ≥ 0.5× (a), embedded', figure: 's2.throughput.embedded', goal: '≥ 0.5×', met: (v) => v >= 0.5 },
  { name: 'Scenario 1 throughput ≥ 4× seed, Postgres', figure: 's1.throughput.pg', goal: '≥ 4×', met: (v) => v >= 4 },
  { name: 'Scenario 1 throughput ≥ 4× seed, embedded', figure: 's1.throughput.embedded', goal: '≥ 4×', met: (v) => v >= 4 },
  { name: 'Scenario 3 (hot seat) ≥ 5× seed, Postgres', figure: 's3.throughput.pg', goal: '≥ 5×', met: (v) => v >= 5 },
  { name: 'Scenario 3 (hot seat) ≥ 5× seed, embedded', figure: 's3.throughput.embedded', goal: '≥ 5×', met: (v) => v >= 5 },
  { name: 'Writes with bearer tokens ≥ 0.9× open mode (Postgres)', figure: 'auth.writes', goal: '≥ 0.9×', met: (v) => v >= 0.9 },
  { name: 'Refusals (hot seat) with bearer tokens ≥ 0.9× open mode (Postgres)', figure: 'auth.refusals', goal: '≥ 0.9×', met: (v) => v >= 0.9 },
  {
    name: 'CPU per refused hold ≤ 1.3× CPU per bare express constant answer (middleware-cost scenario: same requests and connections, Postgres)',
    figure: 'mw.refusal.cpu',
    goal: '≤ 1.3×',
    met: (v) => v <= 1.3,
  },
  { name: 'Reserve p99 ≤ 20 ms at 70 % of max rate (Postgres)', figure: 'p99.reserve.pg', goal: '≤ 20 ms', met: (v) => v <= 20 },
  { name: 'Expiry lateness p99 ≤ 250 ms', figure: 's6.p99', goal: '≤ 250 ms', met: (v) => v <= 250 },
  { name: 'Many sessions (10,000 in a full run) < 1 GiB RSS, right after touching, Postgres', figure: 's5.rss.touched.pg', goal: '< 1024 MiB', met: (v) => v < 1024 },
  { name: 'Many sessions < 1 GiB RSS, after passivation, Postgres', figure: 's5.rss.idle.pg', goal: '< 1024 MiB', met: (v) => v < 1024 },
  { name: 'Many sessions < 1 GiB RSS, right after touching, embedded (fewer sessions: see scenario 5)', figure: 's5.rss.touched.embedded', goal: '< 1024 MiB', met: (v) => v < 1024 },
  { name: 'Many sessions < 1 GiB RSS, after passivation, embedded', figure: 's5.rss.idle.embedded', goal: '< 1024 MiB', met: (v) => v < 1024 },
  { name: 'Start to /health/live with npm start, existing data directory (embedded default) ≤ 2 s', figure: 's13.restart.ms', goal: '≤ 2000 ms', met: (v) => v <= 2000 },
  { name: 'Start to /health/live with npm start, new data directory (initdb) ≤ 5 s', figure: 's13.first.ms', goal: '≤ 5000 ms', met: (v) => v <= 5000 },
  {
    name: 'Failover ≤ lease TTL + 2 s',
    figure: 's7.failover',
    goal: '≤ LEASE_TTL_MS + 2000 ms',
    met: (v) => v <= Number(process.env.BENCH_LEASE_TTL_MS ?? 5000) + 2000,
  },
  { name: 'Cluster availability reads per instance, 3 instances round-robin / 1 instance ≥ 0.9×', figure: 's10.reads.perInstance', goal: '≥ 0.9×', met: (v) => v >= 0.9 },
  { name: 'Cluster availability reads per server CPU-second, 3 instances / 1 ≥ 0.9×', figure: 's10.reads.perCpu', goal: '≥ 0.9×', met: (v) => v >= 0.9 },
  { name: 'Staleness p99, a 201 on one instance to RESERVED on the others ≤ 100 ms', figure: 's10.staleness.p99', goal: '≤ 100 ms', met: (v) => v <= 100 },
  {
    name: 'Kafka reads per instance independent of the number of instances (messages read / addressed to it; before: N)',
    figure: 's11.readShare',
    goal: '≤ 1.1',
    met: (v) => v <= 1.1,
  },
];

/** Where to look for the evidence of each target: the rounds of a scenario, both sides, and a CPU profile. */
interface EvidenceSpec {
  readonly figure: string;
  readonly scenario: string;
  readonly ours: string;
  readonly base: string;
  readonly mode?: string;
  readonly profile: string;
  /** A latency target: the CPU ratio says nothing about it. */
  readonly latency?: boolean;
}

const EVIDENCE: EvidenceSpec[] = [
  { figure: 's4.reads.writes', scenario: 's4', ours: 'ours-pg', base: 'bare-availability', mode: 'writes', profile: 'postgres-s4' },
  { figure: 's4.reads.idle', scenario: 's4', ours: 'ours-pg', base: 'bare-availability', mode: 'idle', profile: 'postgres-s4' },
  { figure: 's2.throughput.pg', scenario: 's2', ours: 'ours-pg', base: 'bare-constant', profile: 'postgres-s2' },
  { figure: 's2.throughput.embedded', scenario: 's2', ours: 'ours-embedded', base: 'bare-constant', profile: 'embedded-s2' },
  { figure: 's1.throughput.pg', scenario: 's1', ours: 'ours-pg', base: 'seed', profile: 'postgres-s1' },
  { figure: 's1.throughput.embedded', scenario: 's1', ours: 'ours-embedded', base: 'seed', profile: 'embedded-s2' },
  { figure: 's3.throughput.pg', scenario: 's3', ours: 'ours-pg', base: 'seed', profile: 'postgres-s3' },
  { figure: 's3.throughput.embedded', scenario: 's3', ours: 'ours-embedded', base: 'seed', profile: 'embedded-s2' },
  { figure: 'p99.reserve.pg', scenario: 'p99', ours: 'ours-pg', base: 'bare-constant', profile: 'postgres-s2', latency: true },
];

interface RunCost {
  serverCores: number;
  clientCores: number;
  serverCpuS: number;
  postgresCpuS: number;
  service?: { meanBatch: number; meanCommitMs: number; eventLoopLagP99Ms: number };
}
interface AnyRun {
  target?: string;
  mode?: string;
  cost?: RunCost;
  completed?: number;
  reads?: number;
  load?: { completed: number };
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** Median costs of one target over a scenario's rounds. */
function costsOf(scenario: ScenarioResult | undefined, target: string, mode?: string) {
  const runs = ((scenario?.rounds ?? []) as { runs?: AnyRun[] }[])
    .flatMap((r) => r?.runs ?? [])
    .filter((r) => r.target === target && (mode === undefined || r.mode === mode) && r.cost);
  if (runs.length === 0) return undefined;
  const answers = (r: AnyRun) => Math.max(1, r.completed ?? r.reads ?? r.load?.completed ?? 1);
  const c = (f: (r: AnyRun) => number) => median(runs.map(f));
  return {
    serverCores: c((r) => (r.cost as RunCost).serverCores),
    clientCores: c((r) => (r.cost as RunCost).clientCores),
    serverMs: c((r) => ((r.cost as RunCost).serverCpuS * 1000) / answers(r)),
    pgMs: c((r) => (((r.cost as RunCost).postgresCpuS ?? Number.NaN) * 1000) / answers(r)),
    batch: c((r) => (r.cost as RunCost).service?.meanBatch ?? Number.NaN),
    commitMs: c((r) => (r.cost as RunCost).service?.meanCommitMs ?? Number.NaN),
    lagMs: c((r) => (r.cost as RunCost).service?.eventLoopLagP99Ms ?? Number.NaN),
  };
}

const n2 = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** Profile id ("postgres-s2", "embedded-s2") from a profile's workload title. */
export function profileId(p: { workload: string; id?: string }): string {
  if (p.id) return p.id;
  const m = /scenario (\d)/.exec(p.workload);
  return `${/embedded/.test(p.workload) ? 'embedded' : 'postgres'}-s${m ? m[1] : '?'}`;
}

function evidenceLine(results: RunResults, spec: EvidenceSpec): string | undefined {
  const scenario = results.scenarios.find((x) => x.id === spec.scenario);
  const ours = costsOf(scenario, spec.ours, spec.mode);
  const base = costsOf(scenario, spec.base, spec.mode);
  if (!ours) return undefined;
  const parts: string[] = [];
  const total = (x: { serverMs: number; pgMs: number }) => x.serverMs + (Number.isFinite(x.pgMs) ? x.pgMs : 0);
  parts.push(
    `service process ${n2(ours.serverCores)} cores busy, ${n2(ours.serverMs, 3)} ms CPU per answer` +
      (Number.isFinite(ours.pgMs) ? ` + ${n2(ours.pgMs, 3)} ms in its Postgres backends` : ' (database inside the process)'),
  );
  if (base) {
    parts.push(
      `${spec.base}: ${n2(base.serverCores)} cores, ${n2(base.serverMs, 3)} ms` + (Number.isFinite(base.pgMs) ? ` + ${n2(base.pgMs, 3)} ms Postgres` : '') +
        ` per answer` +
        (spec.latency ? '' : `; CPU per answer ${spec.base} / ours = ${n2(total(base) / total(ours))} (the ratio a purely CPU-bound pair would show)`),
    );
  }
  parts.push(`load generator ${n2(ours.clientCores)} cores`);
  if (Number.isFinite(ours.commitMs)) parts.push(`group commits: mean batch ${n2(ours.batch, 1)}, mean ${n2(ours.commitMs, 1)} ms each`);
  if (Number.isFinite(ours.lagMs)) parts.push(`event-loop lag p99 ${n2(ours.lagMs, 1)} ms`);
  const prof = results.profiles.find((p) => profileId(p) === spec.profile);
  if (prof?.summary) {
    const top = prof.summary.topFunctions
      .filter((f) => f.name !== '(garbage collector)' && f.name !== '(program)')
      .slice(0, 4)
      .map((f) => `${f.name}${f.where ? ` (${f.where.replace(/:\d+$/, '')})` : ''} ${f.pct} %`);
    const gc = prof.summary.topFunctions.find((f) => f.name === '(garbage collector)');
    const areas = prof.summary.byArea.slice(0, 4).map((a) => `${a.area} ${a.pct} %`);
    parts.push(`profile "${prof.workload}": top self time ${top.join(', ')}${gc ? `, GC ${gc.pct} %` : ''}; by area ${areas.join(', ')}`);
  }
  return parts.join('; ') + '.';
}

function fmtFigure(f: Figure): string {
  if (f.unit === 'ratio') return fmtSpread(f.spread, 2, '×');
  return fmtSpread(f.spread, f.unit === 'ms' ? 0 : 1, ` ${f.unit}`);
}

function table(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function targetLines(results: RunResults): { name: string; goal: string; value: string; status: string; figure: string }[] {
  const figures = new Map<string, Figure>();
  for (const s of results.scenarios) for (const f of s.figures) figures.set(f.id, f);
  const skippedScenarios = new Map(results.scenarios.filter((s) => s.skipped).map((s) => [s.id, s.skipped as string]));
  return TARGETS.map((t) => {
    const f = figures.get(t.figure);
    if (!f || !Number.isFinite(f.spread.median)) {
      const parts = t.figure.split('.');
      const why =
        skippedScenarios.get(`${parts[0]}.${parts[parts.length - 1]}`) ??
        skippedScenarios.get(parts[0]) ??
        (parts[0] === 'p99' ? skippedScenarios.get('s2') : undefined) ??
        (parts[0] === 's11' ? skippedScenarios.get('s10') : undefined);
      return { name: t.name, goal: t.goal, value: 'n/a', status: why ? `not measured (${why})` : 'not measured', figure: t.figure };
    }
    const met = t.met(f.spread.median, figures);
    const allMet = f.spread.values.every((v) => t.met(v, figures));
    const noneMet = f.spread.values.every((v) => !t.met(v, figures));
    const status = met ? (allMet ? 'met' : 'met (median; not every round)') : noneMet ? 'missed' : 'missed (median; some rounds met)';
    return { name: t.name, goal: t.goal, value: fmtFigure(f), status, figure: t.figure };
  });
}

/**
 * Figures derived from two measured ones of this run: the embedded default against Postgres mode (both as ratios
 * against the same comparator, round by round), and the CPU a refused hold costs against a bare express answer.
 */
function derivedLines(results: RunResults): string[] {
  const figures = new Map<string, Figure>();
  for (const sc of results.scenarios) for (const f of sc.figures) figures.set(f.id, f);
  const lines: string[] = [];
  for (const [scenario, what] of [['s1', 'on-sale sell-out'], ['s2', 'durable reserve+cancel'], ['s3', 'hot seat']] as const) {
    const emb = figures.get(`${scenario}.throughput.embedded`);
    const pg = figures.get(`${scenario}.throughput.pg`);
    if (!emb || !pg) continue;
    const perRound = emb.spread.values.map((v, i) => v / pg.spread.values[i]).filter((v) => Number.isFinite(v));
    if (perRound.length === 0) continue;
    const status = median(perRound) >= 0.9 ? 'met' : 'missed';
    lines.push(
      `| embedded default / Postgres mode, ${what} | ≥ 0.9× | ${n2(median(perRound))}× (${n2(Math.min(...perRound))}–${n2(Math.max(...perRound))}) | ${status} |`,
    );
  }
  // Scenario 9 compares two ways of buying on one service: no goal, reported for what it costs to pick seats for the buyer.
  const best = figures.get('s9.throughput');
  const bestP99 = figures.get('s9.p99');
  if (best && bestP99) {
    lines.push(
      `| best-available on-sale (2-4 seats) / manual-pick on-sale, seats/s; hold p99 (scenario 9, Postgres) | none (informational) | ${fmtFigure(best)}; p99 ${fmtFigure(bestP99)} | n/a |`,
    );
  }
  const refused = costsOf(results.scenarios.find((x) => x.id === 's3'), 'ours-pg');
  const bare = costsOf(results.scenarios.find((x) => x.id === 's2'), 'bare-constant');
  if (refused && bare) {
    const ratio = refused.serverMs / bare.serverMs;
    lines.push(
      `| CPU per refused hold (scenario 3, service process, Postgres) / CPU per bare express constant answer (scenario 2) | ≤ 1.3× | ${n2(ratio)}× (${n2(refused.serverMs, 3)} / ${n2(bare.serverMs, 3)} ms) | ${ratio <= 1.3 ? 'met' : 'missed'} |`,
    );
  }
  if (lines.length === 0) return [];
  return ['Derived from the figures above (same run):', '', table(['figure', 'goal', 'measured (median, min–max)', 'status'], []), ...lines, ''];
}

export function writeReport(dir: string, results: RunResults): void {
  const { meta } = results;
  const targets = targetLines(results);
  const json = {
    meta,
    targets,
    figures: results.scenarios.flatMap((s) => s.figures.map((f) => ({ scenario: s.id, ...f }))),
    checks: results.scenarios.flatMap((s) => s.checks.map((c) => ({ scenario: s.id, ...c }))),
    scenarios: results.scenarios.map((s) => ({ id: s.id, title: s.title, skipped: s.skipped, notes: s.notes, table: s.table, rounds: s.rounds })),
    profiles: results.profiles,
  };
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(json, null, 1)}\n`);

  const md: string[] = [];
  md.push('# Benchmark report');
  md.push('');
  md.push(
    `Run of ${meta.startedAt} (${meta.mode}${meta.mode === 'quick' ? ': a smoke run, too short for conclusions' : ''}), ` +
      `${meta.durationS ?? '?'} s, ${meta.rounds} round(s) per figure, commit ${meta.git.commit.slice(0, 10)}${meta.git.dirty ? ' with uncommitted changes in src/' : ''}` +
      `${meta.git.srcSha256 ? ` (every instance ran one copy of src/ taken at the start, sha256 ${meta.git.srcSha256.slice(0, 12)})` : ''}. ` +
      'Generated by `npm run bench` (bench/run.ts); raw data in latest.json.',
  );
  md.push('');
  md.push(
    'Every throughput or latency figure is a ratio against a comparator measured in the same run, the two ' +
      'alternating (A B A B ...), given as the median of the rounds and the spread (min–max). RSS and expiry lateness ' +
      'have no comparator and are given as measured. Nothing here is asserted: targets are reported as met or missed.',
  );
  md.push('');
  md.push('## Machine');
  md.push('');
  const m = meta.machine;
  md.push(`- ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.postgres}.`);
  md.push(`- Load average at start ${m.loadavgBefore.map((x) => x.toFixed(2)).join(' / ')}, at end ${(m.loadavgAfter ?? []).map((x) => x.toFixed(2)).join(' / ')}; median machine CPU busy during measured phases: ${m.medianMachineBusy !== undefined ? `${Math.round(m.medianMachineBusy * 100)} %` : 'n/a'}.`);
  const mine = (p: string) => /^npm (run|exec) bench|bench\/run\.ts/.test(p);
  m.othersAtStart = m.othersAtStart.filter((p) => !mine(p));
  m.othersAtEnd = (m.othersAtEnd ?? []).filter((p) => !mine(p));
  const shared = m.othersAtStart.length > 0 || m.othersAtEnd.length > 0 || m.loadavgBefore[0] > 1;
  md.push(
    shared
      ? `- **Shared machine**: the 1-minute load average was ${m.loadavgBefore[0].toFixed(2)} before the bench started anything; processes of others using CPU at the start: ${m.othersAtStart.join('; ') || 'none listed'}; at the end: ${(m.othersAtEnd ?? []).join('; ') || 'none listed'} (ps averages over each process's life). Ratios are measured under the same conditions on both sides, but absolute numbers are lower than on an idle machine and spreads are wider.`
      : '- No other process was using noticeable CPU at the start and the end of the run.',
  );
  md.push('- The load generator runs in the bench process; the servers under test are child processes (one event loop each). Postgres is shared by every target (one scratch database each).');
  md.push(`- Cluster mode: ${meta.cluster}.`);
  if (meta.errors.length > 0) {
    md.push('');
    md.push('**Errors during the run:**');
    for (const e of meta.errors) md.push(`- ${e.scenario}: ${e.error}`);
  }
  md.push('');
  md.push('## Targets');
  md.push('');
  md.push(table(['target', 'goal', 'measured (median, min–max)', 'status'], targets.map((t) => [t.name, t.goal, t.value, t.status])));
  md.push('');
  md.push(...derivedLines(results));
  const missed = targets.filter((t) => t.status.startsWith('missed'));
  if (missed.length > 0) {
    md.push('Evidence for the missed targets (medians over the rounds; details in the tables and profiles below):');
    md.push('');
    for (const t of missed) {
      const spec = EVIDENCE.find((e) => e.figure === t.figure);
      let line = spec ? evidenceLine(results, spec) : undefined;
      if (t.figure === 's6.p99') {
        const s6 = results.scenarios.find((x) => x.id === 's6');
        const rs = (s6?.rounds ?? []) as { placedInS: number; holds: number; pollPeriodP50: number; pollPeriodP99: number }[];
        line =
          `the holds were placed at ${rs.map((r) => Math.round(r.holds / r.placedInS)).join(' / ')} per second while earlier ones expired (expiries share the ` +
          `session actors and their group commits with new holds); the poll period was ${rs.map((r) => `${r.pollPeriodP50}/${r.pollPeriodP99}`).join(', ')} ms (p50/p99), ` +
          'which the figure includes.';
      }
      if (t.figure.startsWith('s13.')) {
        const ratio = results.scenarios.find((x) => x.id === 's13')?.figures.find((f) => f.id === t.figure.replace(/ms$/, 'ratio'));
        line = `${ratio ? `${fmtFigure(ratio)} the bare express start of the same run (${ratio.context}); ` : ''}phases in scenario 13's notes and table.`;
      }
      md.push(`- **${t.name}** (${t.value}): ${line ?? 'no cost data.'}`);
    }
    md.push('');
  }
  const failedChecks = results.scenarios.flatMap((s) => s.checks.filter((c) => !c.ok));
  const allChecks = results.scenarios.flatMap((s) => s.checks);
  md.push('## Correctness checks');
  md.push('');
  md.push(
    failedChecks.length === 0
      ? `All ${allChecks.length} checks passed (no seat held twice, one winner per hot seat, every hold expired, every actor passivated...).`
      : `**${failedChecks.length} of ${allChecks.length} checks FAILED:**`,
  );
  md.push('');
  md.push(table(['check', 'ok', 'detail'], allChecks.map((c) => [c.label, c.ok ? 'yes' : '**NO**', c.detail])));
  md.push('');
  md.push('## Figures');
  for (const s of results.scenarios) {
    md.push('');
    md.push(`### ${s.title}`);
    md.push('');
    if (s.skipped) {
      md.push(s.skipped.startsWith('skipped') ? `${s.skipped[0].toUpperCase()}${s.skipped.slice(1)}` : `Skipped: ${s.skipped}`);
      continue;
    }
    if (s.figures.length > 0) {
      md.push(table(['figure', 'value (median, min–max)', 'plain medians'], s.figures.map((f) => [f.label, fmtFigure(f), f.context ?? ''])));
      md.push('');
    }
    if (s.table) {
      md.push(table(s.table.header, s.table.rows));
      md.push('');
    }
    for (const n of s.notes) md.push(`- ${n}`);
  }
  md.push('');
  md.push('## Bottleneck evidence');
  md.push('');
  md.push(
    'CPU per request (in the tables above) comes from /proc: the server process\'s user+system time and its Postgres ' +
      'backends\' time over the measured phase, divided by the answers. "server cores" near 1.0 means the service\'s ' +
      'event loop was saturated. The profiles below are from separate instances run under `node --cpu-prof` ' +
      '(not used in any ratio).',
  );
  for (const p of results.profiles) {
    md.push('');
    md.push(`### CPU profile: ${p.workload}`);
    md.push('');
    md.push(`Throughput while profiled: ${p.throughput}; server ${p.cost.serverCores} cores, Postgres backends ${Number.isFinite(p.cost.postgresCpuS) ? `${p.cost.postgresCpuS} CPU s` : 'n/a (database in-process)'} over ${p.cost.wallS} s.`);
    if (!p.summary) {
      md.push('');
      md.push('No profile was written.');
      continue;
    }
    md.push('');
    md.push(`Busy (non-idle) time ${p.summary.windowed ? "during the measured phase (start-up and warm-up cut out)" : "in the whole profile"}: ${p.summary.busyMs} ms of ${p.summary.totalMs} ms sampled.`);
    md.push('');
    md.push('Self time by area:');
    md.push('');
    md.push(table(['area', 'self ms', '% of busy'], p.summary.byArea.slice(0, 12).map((a) => [a.area, String(a.selfMs), `${a.pct} %`])));
    md.push('');
    md.push('Top functions by self time:');
    md.push('');
    md.push(table(['function', 'where', 'self ms', '% of busy'], p.summary.topFunctions.slice(0, 15).map((f) => [f.name, f.where, String(f.selfMs), `${f.pct} %`])));
    md.push('');
    md.push("The service's own functions by inclusive time (src/ only):");
    md.push('');
    md.push(table(['function', 'where', 'total ms', '% of busy'], p.summary.topInclusiveSrc.slice(0, 12).map((f) => [f.name, f.where, String(f.totalMs), `${f.pct} %`])));
    if (p.metrics) {
      md.push('');
      md.push('Service metrics at the end of the profiled run:');
      md.push('');
      md.push('```');
      md.push(p.metrics);
      md.push('```');
    }
  }
  md.push('');
  writeFileSync(join(dir, 'REPORT.md'), md.join('\n'));
}

/** `npx tsx bench/report.ts [bench/results/latest.json]`: rewrites REPORT.md (next to the JSON) from the JSON alone. */
if (require.main === module) {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { dirname } = require('node:path') as typeof import('node:path');
  const file = process.argv[2] ?? join(__dirname, 'results', 'latest.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    meta: RunMeta;
    figures: (Figure & { scenario: string })[];
    checks: (ScenarioResult['checks'][number] & { scenario: string })[];
    scenarios: Omit<ScenarioResult, 'figures' | 'checks'>[];
    profiles: ProfileResult[];
  };
  const nan = (v: unknown): unknown => (v === null ? Number.NaN : v);
  const fixSpread = (f: Figure): Figure => ({
    ...f,
    spread: { median: nan(f.spread.median) as number, min: nan(f.spread.min) as number, max: nan(f.spread.max) as number, values: f.spread.values.map((v) => nan(v) as number) },
  });
  writeReport(dirname(file), {
    meta: json.meta,
    scenarios: json.scenarios.map((s) => ({
      ...s,
      figures: json.figures.filter((f) => f.scenario === s.id).map(({ scenario: _s, ...f }) => fixSpread(f)),
      checks: json.checks.filter((c) => c.scenario === s.id).map(({ scenario: _s, ...c }) => c),
    })),
    profiles: json.profiles,
  });
  process.stdout.write(`rewrote ${join(dirname(file), 'REPORT.md')}\n`);
}
