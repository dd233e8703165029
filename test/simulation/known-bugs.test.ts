import { describeFailure, runSeeds } from './campaign';
import type { FaultKind } from './faults';
import type { KnownBug } from './known-bugs';
import { runSeed } from './simulation';

/**
 * Proof that the simulation bites (README, "Deterministic simulation"): each known bug, switched back on in the
 * simulated ports, is found within a stated number of seeds, and its failing seed replays exactly.
 */
const FOUND_WITHIN: Record<KnownBug, { seeds: number; violation: RegExp; faults?: FaultKind[] }> = {
  'answer-before-commit': { seeds: 10, violation: /answered OK but/ },
  'no-fencing': { seeds: 150, violation: /events do not follow|two live reservations|became|do not match|sold twice/ },
  // A command runs twice only when it is re-delivered after its owner restarted: crashes and re-delivery on.
  'redelivery-revival': { seeds: 150, violation: /was (EXPIRED|CANCELLED) and became PENDING/, faults: ['crash', 'redelivery'] },
};

(process.env.SIM_SEED === undefined ? describe : describe.skip)('The simulation finds the known bug', () => {
  for (const [bug, { seeds, violation, faults }] of Object.entries(FOUND_WITHIN) as [KnownBug, (typeof FOUND_WITHIN)[KnownBug]][]) {
    it(`${bug} within ${seeds} seeds${faults ? ` (with ${faults.join(' and ')} on)` : ''}, and replays it exactly`, async () => {
      const summary = await runSeeds({ from: 1, count: seeds, bugs: [bug], faults, maxFailures: 1 });
      expect(summary.failures).toHaveLength(1);
      const [found] = summary.failures;
      process.stdout.write(`simulation: ${bug} found after ${summary.runs} seeds\n${describeFailure(found, [bug], faults).split('\n').slice(0, 2).join('\n')}\n`);
      expect(found.violation).toMatch(violation);
      const again = await runSeed({ seed: found.seed, bugs: [bug], faults });
      expect(again.digest).toBe(found.digest);
      expect(again.violation).toBe(found.violation);
    }, 120_000);
  }
});
