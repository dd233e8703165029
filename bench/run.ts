/**
 * `npm run bench` (full, < 10 minutes on 2 cores) or `npm run bench -- --quick` (smoke run, ~2 minutes).
 *
 * Starts every server under test as a child process (the service on Postgres and on its embedded PostgreSQL, the seed-design
 * comparator, bare-Express comparators), runs the scenarios with the comparators alternating round by round,
 * and writes bench/results/REPORT.md and bench/results/latest.json (raw rounds, logs and CPU profiles go to
 * bench/results/raw/<timestamp>/, git-ignored). Child processes and scratch databases are removed at the end,
 * also on failure or Ctrl-C.
 *
 * Options: --quick, --rounds=N, --seconds=S (per measured phase), --only=1,2,3,4,5,6,7,9,10,p99,auth,mw,start,profile,
 * --no-embedded, --no-profile, --sessions=N, --holds=N (see bench/README.md).
 */
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { configFrom, startComparator, startOurs, startSeed, wants, type Ctx, type Target } from './lib/context';
import { serverVersion } from './lib/pg';
import { cleanupAll, onCleanup } from './lib/procs';
import { skipped, type ScenarioResult } from './lib/results';
import { spread } from './lib/stats';
import { writeReport, targetLines, type RunResults } from './report';
import { profiles, type ProfileResult } from './scenarios/profile';
import { hotOnSale } from './scenarios/s1-hot-onsale';
import { latencyAt70, steadyWrites } from './scenarios/s2-steady-writes';
import { hotSeat } from './scenarios/s3-hot-seat';
import { availabilityReads } from './scenarios/s4-availability';
import { manySessions } from './scenarios/s5-many-sessions';
import { expiryLateness } from './scenarios/s6-expiry';
import { failover } from './scenarios/s7-failover';
import { clusterReadSide } from './scenarios/cluster-read-side';
import { authCost } from './scenarios/s8-auth';
import { bestAvailableOnSale } from './scenarios/s9-best-available';
import { middlewareCosts } from './scenarios/middleware-cost';
import { startup, STARTUP_TITLE } from './scenarios/s13-startup';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
/** Scenarios not yet started when this much time has passed are skipped, so the run stays under 10 minutes. */
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 9.6 * 60_000);

function otherCpuUsers(): string[] {
  try {
    const out = execSync('ps -eo pid,pcpu,etimes,args --sort=-pcpu --no-headers', { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [pid, pcpu, , ...args] = l.split(/\s+/);
        return { pid: Number(pid), pcpu: Number(pcpu), cmd: args.join(' ').slice(0, 80) };
      })
      .filter((p) => p.pid !== process.pid && p.pid !== process.ppid && p.pcpu >= 5 && !/^ps /.test(p.cmd) && !p.cmd.includes('bench/') && !/^npm (run|exec) bench/.test(p.cmd))
      .slice(0, 5)
      .map((p) => `${p.cmd} (${p.pcpu} % CPU avg)`);
  } catch {
    return [];
  }
}

function git(): { commit: string; dirty: boolean } {
  try {
    const commit = execSync('git rev-parse HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- src', { cwd: ROOT, encoding: 'utf8' }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** sha256 over the relative paths and contents of every file under `dir`, in sorted order. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const f of walk(dir).sort()) h.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

async function main(): Promise<number> {
  const cfg = configFrom(process.argv.slice(2));
  const started = Date.now();
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const rawDir = join(RESULTS, 'raw', stamp);
  const logDir = join(rawDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // Every service instance of this run executes this copy of src/, taken now (others may edit src/ meanwhile). It
  // lives in a temporary directory (not in the repository, where the typecheck would pick it up), with a link to
  // node_modules so that its imports resolve, and is removed at the end.
  const snapshotRoot = mkdtempSync(join(tmpdir(), 'bench-src-'));
  onCleanup(`remove ${snapshotRoot}`, () => rmSync(snapshotRoot, { recursive: true, force: true }));
  const snapshot = join(snapshotRoot, 'src');
  cpSync(join(ROOT, 'src'), snapshot, { recursive: true });
  // The middleware-cost scenario's server is built from the service's middleware: it runs next to the same copy.
  cpSync(join(ROOT, 'bench', 'middleware-server.ts'), join(snapshotRoot, 'bench', 'middleware-server.ts'));
  symlinkSync(join(ROOT, 'node_modules'), join(snapshotRoot, 'node_modules'), 'dir');
  const ctx: Ctx = {
    cfg,
    root: ROOT,
    serviceEntry: join(snapshot, 'main.ts'),
    rawDir,
    logDir,
    log: (message) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`),
  };
  const clusterConfigured = Boolean(process.env.KAFKA_BROKERS && process.env.REDIS_URL);
  const results: RunResults = {
    meta: {
      startedAt: new Date(started).toISOString(),
      mode: cfg.quick ? 'quick' : 'full',
      argv: process.argv.slice(2),
      rounds: cfg.rounds,
      machine: {
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: await serverVersion(),
        loadavgBefore: loadavg(),
        othersAtStart: otherCpuUsers(),
      },
      git: { ...git(), srcSha256: treeHash(snapshot) },
      cluster: clusterConfigured ? `KAFKA_BROKERS=${process.env.KAFKA_BROKERS}, REDIS_URL set` : 'not configured (KAFKA_BROKERS / REDIS_URL unset)',
      rawDir: rawDir.slice(ROOT.length + 1),
      errors: [],
    },
    scenarios: [],
    profiles: [],
  };
  ctx.log(`bench ${results.meta.mode}: ${cfg.rounds} round(s), ${cfg.phaseSeconds} s phases; raw data in ${results.meta.rawDir}`);

  const overBudget = (estimateS = 0) => Date.now() - started + estimateS * 1000 > BUDGET_MS;
  const run = async (
    id: string,
    title: string,
    fn: () => Promise<ScenarioResult | ScenarioResult[] | void>,
    estimateS = 0,
    resultId = /^\d$/.test(id) ? `s${id}` : id,
  ) => {
    if (!wants(cfg, id)) return;
    if (overBudget(estimateS)) {
      results.scenarios.push(skipped(resultId, title, 'time budget of the run used up'));
      ctx.log(`skipping ${id}: time budget used up`);
      return;
    }
    const t0 = Date.now();
    try {
      const out = await fn();
      const list = out ? (Array.isArray(out) ? out : [out]) : [];
      for (const r of list) {
        results.scenarios.push(r);
        writeFileSync(join(rawDir, `${r.id}.json`), JSON.stringify(r, null, 1));
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`scenario ${id} failed: ${error instanceof Error ? error.stack : message}`);
      results.meta.errors.push({ scenario: id, error: message });
      results.scenarios.push(skipped(resultId, title, `failed: ${message}`));
    }
    ctx.log(`${id} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };

  const needs = (ids: string[]) => ids.some((i) => wants(cfg, i));
  let seed: Target | undefined;
  let oursPg: Target | undefined;
  let oursLite: Target | undefined;
  let bareConst: Target | undefined;
  let bareDoc: Target | undefined;
  try {
    ctx.log('starting servers');
    const starting: Promise<void>[] = [];
    if (needs(['1', '3'])) starting.push(startSeed(ctx).then((t) => void (seed = t)));
    if (needs(['1', '2', '3', '4', 'p99', '9'])) starting.push(startOurs(ctx, 'ours-pg', 'postgres').then((t) => void (oursPg = t)));
    if (cfg.embedded && needs(['1', '2', '3'])) starting.push(startOurs(ctx, 'ours-embedded', 'embedded').then((t) => void (oursLite = t)));
    if (needs(['2', 'p99'])) starting.push(startComparator(ctx, 'constant').then((t) => void (bareConst = t)));
    if (needs(['4'])) starting.push(startComparator(ctx, 'availability').then((t) => void (bareDoc = t)));
    await Promise.all(starting);
    ctx.log('servers ready');
    const ours = [oursPg, oursLite].filter((t): t is Target => t !== undefined);

    await run('1', 'Scenario 1: hot on-sale', () => hotOnSale(ctx, seed as Target, ours));
    await run('3', 'Scenario 3: one hot seat', () => hotSeat(ctx, seed as Target, ours));
    await run('9', 'Scenario 9: best-available on-sale vs manual pick', () => bestAvailableOnSale(ctx, oursPg as Target), cfg.quick ? 30 : 120);
    await seed?.service.stop();
    let maxRate = new Map<string, number>();
    await run('2', 'Scenario 2: steady writes', async () => {
      const out = await steadyWrites(ctx, bareConst as Target, ours);
      maxRate = out.maxRate;
      return out.result;
    });
    await oursLite?.service.stop();
    await run('p99', 'Reserve latency at 70 % of the maximum rate', async () => {
      const pg = oursPg as Target;
      if (!maxRate.has(pg.name)) {
        // Scenario 2 did not run: measure the maximum first.
        maxRate = (await steadyWrites(ctx, bareConst as Target, [pg])).maxRate;
      }
      return latencyAt70(ctx, bareConst as Target, pg, maxRate.get(pg.name) as number);
    });
    await bareConst?.service.stop();
    await run('4', 'Scenario 4: availability reads', async () => {
      return availabilityReads(ctx, bareDoc as Target, oursPg as Target);
    });
    await bareDoc?.service.stop();
    await oursPg?.service.stop();

    await run('auth', 'Authentication cost (writes and refusals with bearer tokens vs open mode)', () => authCost(ctx), cfg.quick ? 30 : 90);
    await run('6', 'Scenario 6: expiry lateness', () => expiryLateness(ctx), 30);
    // Alone on the machine (no other bench server runs): start-up times are what other load distorts most.
    await run('start', STARTUP_TITLE, () => startup(ctx), cfg.quick ? 30 : 50, 's13');
    await run('profile', 'CPU profiles', async () => {
      if (!cfg.profile) return;
      results.profiles = await profiles(ctx, (process.env.BENCH_PROFILES ?? (cfg.embedded ? 's1,s2,s3,s4,embedded-s2' : 's1,s2,s3,s4')).split(','));
    }, 70);
    // Rough durations (s) on this machine: the scenario is skipped rather than run past the 10-minute mark.
    await run('5', 'Scenario 5: many sessions (ours (Postgres))', () => manySessions(ctx, 'postgres'), cfg.quick ? 15 : 85, 's5.pg');
    if (cfg.embedded) {
      await run('5', 'Scenario 5: many sessions (ours (embedded))', () => manySessions(ctx, 'embedded'), cfg.quick ? 20 : 45, 's5.embedded');
    }
    await run('7', 'Scenario 7: cluster failover', async () =>
      clusterConfigured ? failover(ctx) : skipped('s7', 'Scenario 7: cluster failover', 'skipped: no Kafka/Redis (KAFKA_BROKERS and REDIS_URL unset)'),
    40);
    await run('10', 'Scenarios 10-12: the cluster read side', async () =>
      clusterConfigured ? clusterReadSide(ctx) : skipped('s10', 'Scenarios 10-12: the cluster read side', 'skipped: no Kafka/Redis (KAFKA_BROKERS and REDIS_URL unset)'),
    cfg.quick ? 90 : 140, 's10');
    // Last, on a service of its own, so that it never takes the time budget of the scenarios above.
    await run('mw', 'Middleware cost: what a refused hold costs, layer by layer', async () => {
      const service = await startOurs(ctx, 'ours-mw', 'postgres');
      try {
        return await middlewareCosts(ctx, service);
      } finally {
        await service.service.stop();
      }
    }, 10 * (cfg.warmupSeconds + cfg.rounds * cfg.shortPhaseSeconds + 2), 'mw');
  } finally {
    ctx.log('cleaning up');
    await cleanupAll();
  }

  const busy = results.scenarios.flatMap((s) =>
    (s.rounds as { runs?: { cost?: { machineBusy: number } }[] }[]).flatMap((r) => (r?.runs ?? []).map((x) => x.cost?.machineBusy ?? Number.NaN)),
  );
  results.meta.machine.medianMachineBusy = spread(busy).median;
  results.meta.machine.loadavgAfter = loadavg();
  results.meta.machine.othersAtEnd = otherCpuUsers();
  results.meta.finishedAt = new Date().toISOString();
  results.meta.durationS = Math.round((Date.now() - started) / 1000);
  // A partial run (--only) writes its report to raw/ only, so that the committed report stays a full run's.
  const partial = cfg.only.size > 0;
  writeReport(partial ? rawDir : RESULTS, results);
  ctx.log(`report written to ${partial ? rawDir : RESULTS}/REPORT.md in ${results.meta.durationS} s`);
  for (const t of targetLines(results)) ctx.log(`  ${t.status.padEnd(12)} ${t.name}: ${t.value}`);
  const failed = results.scenarios.flatMap((s) => s.checks.filter((c) => !c.ok));
  for (const c of failed) ctx.log(`CHECK FAILED: ${c.label}: ${c.detail}`);
  // Performance figures never fail the run; a broken invariant or a crashed scenario does.
  return failed.length > 0 || results.meta.errors.length > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping servers and dropping scratch databases...\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    void cleanupAll().finally(() => process.exit(1));
  },
);

export type { ProfileResult };
