import { describeFailure, replayCommand, runSeeds } from './campaign';
import { FAULT_KINDS, type FaultKind } from './faults';
import { KNOWN_BUGS, type KnownBug } from './known-bugs';

/**
 * Long simulation campaigns (README, "Deterministic simulation"):
 *   npm run simulate -- --seeds 100000 [--from 1] [--bug no-fencing] [--faults crash,redelivery] [--show 3]
 * Prints the failing seeds with their replay command and, per fault kind, how many runs had it on and broke an
 * invariant.
 */
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const count = Number(option('seeds', '1000'));
  const from = Number(option('from', String(1 + Math.floor(Math.random() * 1_000_000_000))));
  const show = Number(option('show', '3'));
  const bug = option('bug', '');
  if (bug && !(KNOWN_BUGS as readonly string[]).includes(bug)) throw new Error(`--bug is one of ${KNOWN_BUGS.join(', ')}`);
  const bugs = bug ? [bug as KnownBug] : [];
  const faultList = option('faults', '');
  const faults = faultList ? faultList.split(',').map((f) => {
    if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new Error(`--faults takes some of ${FAULT_KINDS.join(', ')}`);
    return f as FaultKind;
  }) : undefined;
  process.stdout.write(`simulating seeds ${from}..${from + count - 1}${bug ? ` with the known bug ${bug}` : ''}\n`);
  const started = Date.now();
  const summary = await runSeeds({
    from,
    count,
    bugs,
    faults,
    onResult: (r) => {
      if (r.violation) process.stdout.write(`seed ${r.seed}: ${r.violation}\n  ${replayCommand(r.seed, bugs, faults)}\n`);
      else if (r.seed % 1000 === 0) process.stdout.write(`... seed ${r.seed}\n`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${summary.runs} seeds, ${summary.steps} steps, ${seconds.toFixed(1)} s (${(summary.runs / seconds).toFixed(1)} seeds/s), ${summary.failures.length} with a violation\n\n`);
  const { answers, commits, fenced, shared, maxAnswerMs, maxExpiryLagMs } = summary.stats;
  process.stdout.write(`${answers} answers (longest wait ${maxAnswerMs} ms), ${commits} batches committed, ${shared} shared transactions, ${fenced} fenced; a due hold stayed pending at most ${maxExpiryLagMs} ms while owned\n\n`);
  process.stdout.write(`${'fault kind'.padEnd(16)} ${'runs with it'.padStart(12)} ${'violations'.padStart(10)}\n`);
  for (const kind of FAULT_KINDS) {
    const { runs, violations } = summary.byFault.get(kind)!;
    process.stdout.write(`${kind.padEnd(16)} ${String(runs).padStart(12)} ${String(violations).padStart(10)}\n`);
  }
  for (const failure of summary.failures.slice(0, show)) process.stdout.write(`\n${describeFailure(failure, bugs, faults)}\n`);
  process.exitCode = summary.failures.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
