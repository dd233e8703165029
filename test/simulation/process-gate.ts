/**
 * What the outside world sees of one simulated process: every call it makes to a shared service (store, leases,
 * bus) and every answer it gets passes this gate. A paused process (a long GC pause, SIGSTOP) holds them until it
 * resumes; a crashed one never passes again (its memory is gone, its half-done calls never land).
 */
export interface ProcessGate {
  readonly crashed: boolean;
  readonly paused: boolean;
  /** Resolves once the process runs: at once, after the pause, or never (crashed). */
  pass(): Promise<void>;
  /** Runs `call` with the gate passed on the way out and on the way back. */
  through<T>(call: () => Promise<T>): Promise<T>;
  pause(ms: number): void;
  crash(): void;
  /** Resolves when the process crashes. */
  readonly died: Promise<void>;
}

const NEVER = new Promise<never>(() => undefined);

export function processGate(): ProcessGate {
  let crashed = false;
  let resumeTimer: ReturnType<typeof setTimeout> | undefined;
  let waiters: (() => void)[] = [];
  let markDied: () => void = () => undefined;
  const died = new Promise<void>((resolve) => (markDied = resolve));
  const resume = () => {
    resumeTimer = undefined;
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  const gate: ProcessGate = {
    get crashed() {
      return crashed;
    },
    get paused() {
      return resumeTimer !== undefined;
    },
    pass() {
      if (crashed) return NEVER;
      if (!resumeTimer) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve)).then(() => gate.pass());
    },
    async through(call) {
      await gate.pass();
      const result = await call();
      await gate.pass();
      return result;
    },
    pause(ms) {
      if (crashed) return;
      if (resumeTimer) clearTimeout(resumeTimer);
      resumeTimer = setTimeout(resume, ms);
    },
    crash() {
      crashed = true;
      if (resumeTimer) clearTimeout(resumeTimer);
      resumeTimer = undefined;
      waiters = [];
      markDied();
    },
    died,
  };
  return gate;
}
