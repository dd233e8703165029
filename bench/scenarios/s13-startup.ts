/**
 * Scenario 13, start-up: the service started as `npm start` starts it (`node scripts/start.cjs` in a copy of the
 * repository whose dist/ is fresh) on its embedded default (no DATABASE_URL, REDIS_URL or KAFKA_BROKERS; a DATA_DIR
 * of its own; LOG_LEVEL=warn), timed from the spawn to the first 200 from GET /health/live, then stopped with SIGTERM.
 * First starts on an empty data directory (initdb) and restarts on an existing one, each round alternating with the
 * comparator: `node bench/startup-comparator.cjs`, bare Express answering /health/live. Figures: ours / bare, and
 * the medians in ms against the goals (2 s existing, 5 s new). Phases of each start come from the embedded
 * PostgreSQL's log and from a process that only loads the modules (bench/lib/startup.ts): nothing is added to src/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Ctx } from '../lib/context';
import { onCleanup } from '../lib/procs';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import { loadOnly, POLL_MS, postgresStart, postgresStopped, prepareNpmStart, timedStart, userEnv, type LoadOnly, type StartRecord } from '../lib/startup';

export const STARTUP_TITLE = 'Scenario 13: start-up to /health/live (npm start, embedded default)';

interface OursStart extends StartRecord {
  readonly dataDir: string;
  /** Spawn to PostgreSQL's "starting" line (node, modules, config; initdb on a first start). */
  readonly toPostgresMs: number;
  /** PostgreSQL's own start: "starting" to "ready to accept connections". */
  readonly postgresMs: number;
  /** PostgreSQL ready to the first 200 (database check, connection pool, migrations, wiring, listen). */
  readonly afterPostgresMs: number;
  /** Exit code 0 and no postmaster.pid left. */
  readonly clean: boolean;
}

interface StartRound {
  readonly round: number;
  readonly kind: 'first' | 'restart';
  readonly first: 'ours' | 'bare';
  readonly ours: OursStart;
  readonly bare: StartRecord;
  readonly ratio: number;
  readonly load?: LoadOnly;
}

export async function startup(ctx: Ctx): Promise<ScenarioResult> {
  const { cfg } = ctx;
  // bench/run.ts runs every instance from one copy of src/; this scenario builds that copy as `npm start` would.
  const root = dirname(dirname(ctx.serviceEntry));
  const buildS = await prepareNpmStart(ctx.root, root);
  ctx.log(`s13: built dist/ of the run's copy of src/ in ${buildS} s`);
  const env = { ...userEnv(), LOG_LEVEL: 'warn' };
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
    onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const ours = async (name: string, dataDir: string, timeoutMs: number): Promise<OursStart> => {
    const r = await timedStart({ name, script: join(root, 'scripts', 'start.cjs'), cwd: root, env: { ...env, DATA_DIR: dataDir }, logDir: ctx.logDir, timeoutMs });
    const pg = postgresStart(dataDir, r.spawnedAt);
    return {
      ...r,
      dataDir,
      toPostgresMs: pg.startingAt - r.spawnedAt,
      postgresMs: pg.readyAt - pg.startingAt,
      afterPostgresMs: r.readyAt - pg.readyAt,
      clean: r.exitCode === 0 && r.signal === null && postgresStopped(dataDir),
    };
  };
  const bare = (name: string) =>
    timedStart({ name, script: join(ctx.root, 'bench', 'startup-comparator.cjs'), cwd: ctx.root, env, logDir: ctx.logDir, timeoutMs: 30_000 });

  // Unmeasured warm-up: the file cache holds node_modules, dist/ and PostgreSQL's binaries for every measured start.
  const warmDir = newDataDir();
  await bare('s13-warmup-bare');
  const warm = await ours('s13-warmup', warmDir, 240_000);
  await loadOnly(root);
  ctx.log(`s13 warm-up: first start ${warm.readyMs} ms${warm.error ? ` (${warm.error})` : ''}`);
  rmSync(warmDir, { recursive: true, force: true });

  const rounds: StartRound[] = [];
  const pair = async (n: number, kind: 'first' | 'restart', dataDir: string): Promise<StartRound> => {
    const oursFirst = n % 2 === 0;
    const timeout = kind === 'first' ? 240_000 : 120_000;
    const runOurs = () => ours(`s13-${kind}-${n}`, dataDir, timeout);
    const runBare = () => bare(`s13-bare-${kind}-${n}`);
    const o = oursFirst ? await runOurs() : undefined;
    const b = await runBare();
    const oursRec = o ?? (await runOurs());
    return { round: n, kind, first: oursFirst ? 'ours' : 'bare', ours: oursRec, bare: b, ratio: round3(oursRec.readyMs / b.readyMs) };
  };

  const dataDirs: string[] = [];
  for (let r = 1; r <= cfg.rounds; r++) {
    const dir = newDataDir();
    dataDirs.push(dir);
    const x = await pair(r, 'first', dir);
    rounds.push(x);
    ctx.log(`s13 first start ${r}: ours ${x.ours.readyMs} ms, bare ${x.bare.readyMs} ms (${x.ratio}×)${x.ours.error ? `; ${x.ours.error}` : ''}`);
  }
  // Every data directory made above is restarted at least once.
  const restarts = cfg.rounds + (cfg.quick ? 1 : 2);
  for (let r = 1; r <= restarts; r++) {
    const x = await pair(r, 'restart', dataDirs[(r - 1) % dataDirs.length]);
    const load = await loadOnly(root);
    rounds.push({ ...x, load });
    ctx.log(
      `s13 restart ${r}: ours ${x.ours.readyMs} ms (to PostgreSQL ${x.ours.toPostgresMs}, PostgreSQL ${x.ours.postgresMs}, after ${x.ours.afterPostgresMs}), ` +
        `bare ${x.bare.readyMs} ms (${x.ratio}×); load only ${load.wallMs} ms`,
    );
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  return result(rounds, buildS, restarts);
}

const round3 = (v: number) => round(v, 3);

function result(rounds: StartRound[], buildS: number, restarts: number): ScenarioResult {
  const of = (kind: 'first' | 'restart') => rounds.filter((r) => r.kind === kind);
  const med = (v: number[]) => spread(v).median;
  const ms = (v: number[]) => `${Math.round(med(v))} ms`;
  const figures: Figure[] = [];
  for (const [kind, what] of [['restart', 'existing data directory'], ['first', 'new data directory (initdb)']] as const) {
    const rs = of(kind);
    const ctxText = `ours ${ms(rs.map((r) => r.ours.readyMs))}, bare express ${ms(rs.map((r) => r.bare.readyMs))}`;
    figures.push(
      { id: `s13.${kind}.ms`, label: `Start to /health/live, ${what}`, unit: 'ms', spread: spread(rs.map((r) => r.ours.readyMs)), context: ctxText },
      {
        id: `s13.${kind}.ratio`,
        label: `Start to /health/live, ${what}: ours / bare express (lower is better)`,
        unit: 'ratio',
        spread: spread(rs.map((r) => r.ratio)),
        comparator: 'bare express (node bench/startup-comparator.cjs)',
        context: ctxText,
      },
    );
  }
  const all = rounds.flatMap((r) => [r.ours, r.bare]);
  const failed = all.filter((s) => !Number.isFinite(s.readyMs));
  const unclean = rounds.filter((r) => !r.ours.clean || r.bare.exitCode !== 0);
  const dirs = [...new Set(of('first').map((r) => r.ours.dataDir))];
  const restartedOk = dirs.filter((d) => of('restart').some((r) => r.ours.dataDir === d && Number.isFinite(r.ours.readyMs)));
  const checks: Check[] = [
    {
      label: 'every start answered 200 on /health/live',
      ok: failed.length === 0,
      detail: failed.length === 0 ? `${all.length} starts` : failed.map((s) => `${s.name}: ${s.error}`).join('; '),
    },
    {
      label: 'every SIGTERM stop was clean (exit code 0; the embedded PostgreSQL stopped, no postmaster.pid left)',
      ok: unclean.length === 0,
      detail:
        unclean.length === 0
          ? `${rounds.length} stops of ours, median ${med(rounds.map((r) => r.ours.stopMs))} ms`
          : unclean.map((r) => `${r.ours.name}: code ${r.ours.exitCode} signal ${r.ours.signal} clean ${r.ours.clean}; ${r.bare.name}: code ${r.bare.exitCode}`).join('; '),
    },
    {
      label: 'every data directory made by a first start started again',
      ok: restartedOk.length === dirs.length,
      detail: `${restartedOk.length} of ${dirs.length}`,
    },
  ];
  const phase = (kind: 'first' | 'restart', f: (o: OursStart) => number) => med(of(kind).map((r) => f(r.ours)));
  const loads = rounds.flatMap((r) => (r.load ? [r.load] : []));
  const loadMed = (f: (l: LoadOnly) => number) => med(loads.map(f));
  return {
    id: 's13',
    title: STARTUP_TITLE,
    figures,
    checks,
    notes: [
      `${of('first').length} first start(s), each on a new empty DATA_DIR, then ${restarts} restarts on those directories; each start alternates with one of the comparator (which goes first alternates by round). Both are spawned as \`node <script>\` with only PATH, HOME, USER, LANG, TMPDIR, TZ of the environment plus PORT (free), LOG_LEVEL=warn and, for ours, DATA_DIR; /health/live is polled every ${POLL_MS} ms from the spawn. One unmeasured warm-up start of each first (file cache).`,
      `Ours is \`node scripts/start.cjs\` (what \`npm start\` runs; npm's own launcher, not included, adds its start-up on top) in the run's copy of the repository, whose dist/ was built once before (${buildS} s), so scripts/build-if-stale.cjs finds it fresh, as on every start after a build. The comparator is \`node bench/startup-comparator.cjs\`: Express 5 answering /health/live.`,
      `Phases of ours (medians, from the embedded PostgreSQL's log; restart / first start): spawn to PostgreSQL starting ${phase('restart', (o) => o.toPostgresMs)} / ${phase('first', (o) => o.toPostgresMs)} ms (node, modules, config; initdb on a first start), PostgreSQL's own start ${phase('restart', (o) => o.postgresMs)} / ${phase('first', (o) => o.postgresMs)} ms, PostgreSQL ready to the first 200 ${phase('restart', (o) => o.afterPostgresMs)} / ${phase('first', (o) => o.afterPostgresMs)} ms (database check, pool, migrations, wiring, listen).`,
      `A process that only does what scripts/start.cjs does before main() (median of ${loads.length}): Node's own start ${loadMed((l) => l.bootMs)} ms, the stale check ${loadMed((l) => l.checkMs)} ms, require('dist/main.js') ${loadMed((l) => l.loadMs)} ms; ${loadMed((l) => l.wallMs)} ms spawn to exit.`,
      'The goals are absolute (≤ 2 s on an existing data directory, ≤ 5 s on a new one) and depend on the machine; the ratio to bare express is the figure to compare across machines.',
    ],
    rounds,
    table: {
      header: ['start', 'round', 'first', 'ours ms', 'bare ms', 'ours / bare', 'to PostgreSQL ms', 'PostgreSQL ms', 'after ms', 'stop ms', 'clean'],
      rows: rounds.map((r) => [
        r.kind,
        String(r.round),
        r.first,
        String(r.ours.readyMs),
        String(r.bare.readyMs),
        r.ratio.toFixed(2),
        String(r.ours.toPostgresMs),
        String(r.ours.postgresMs),
        String(r.ours.afterPostgresMs),
        String(r.ours.stopMs),
        r.ours.clean ? 'yes' : 'NO',
      ]),
    },
  };
}
