/**
 * The one source of randomness of a simulated run (README, "Deterministic simulation"): a small seeded generator
 * (sfc32), so the same seed gives the same run, event for event.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A UUID-shaped id (version 4 layout) drawn from the generator. */
  uuid(): string;
  /** A generator of its own, derived from this one (so adding draws in one part does not shift another). */
  fork(): Random;
}

export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162;
  let d = 1;
  const u32 = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const next = () => u32() / 4294967296;
  const hex = (n: number) => Array.from({ length: n }, () => (u32() & 15).toString(16)).join('');
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[u32() & 3]}${hex(3)}-${hex(12)}`,
    fork: () => seededRandom(u32()),
  };
  return random;
}
