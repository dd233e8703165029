import { withGlobal } from '@sinonjs/fake-timers';

export type VirtualClock = ReturnType<ReturnType<typeof withGlobal>['install']>;

const realSetImmediate = globalThis.setImmediate;

/**
 * Lets every promise chain run to its end: one turn of the real event loop drains all microtasks, and nothing else
 * is real (every timer, immediate and Date of the run is the virtual clock's).
 */
export const settle = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

/**
 * Virtual time for one run: setTimeout, setInterval, setImmediate (which nact schedules its mailboxes with) and Date
 * all go to one fake clock, so a run is a sequence of timers fired one by one in a fixed order.
 */
export function installVirtualTime(now: number): VirtualClock {
  return withGlobal(globalThis).install({
    now,
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'Date'],
  });
}

/**
 * Runs the timers in order until `until` (virtual epoch ms) or `maxSteps`, settling all promises after each one,
 * and calls `afterStep` after each (the invariant checks). Returns the number of steps.
 */
export async function runUntil(clock: VirtualClock, until: number, maxSteps: number, afterStep: () => boolean): Promise<number> {
  let steps = 0;
  let reached = false;
  clock.setTimeout(() => (reached = true), until - clock.now);
  await settle();
  while (!reached && steps < maxSteps) {
    clock.next();
    steps += 1;
    await settle();
    if (!afterStep()) break;
  }
  return steps;
}
