import type { Lease, LeaseManager } from '../../src/app/ports';
import type { FaultPlan } from './faults';
import type { ProcessGate } from './process-gate';

interface Entry {
  readonly owner: string;
  readonly token: number;
  expiresAt: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Redlock-like lock store of the simulation: keys with an owner and a TTL on the simulated clock. It can lose
 * its whole state (a Redis restart without persistence): every lease is then free for the taking while its old
 * holder still believes it holds it, until its next extension fails.
 */
export class SimLeaseStore {
  private readonly entries = new Map<string, Entry>();
  private tokens = 0;

  constructor(private readonly faults: FaultPlan, readonly ttlMs: number) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  /** The holder of `key` now, if any (what the checker calls the owner). */
  holder(key: string): string | undefined {
    return this.live(key)?.owner;
  }

  loseState(): void {
    this.entries.clear();
  }

  /**
   * One process's lease manager, shaped like the Redlock one (src/cluster/redlock-lease-manager.ts): a lease is
   * extended every third of its TTL; the first extension that fails aborts its signal.
   */
  managerFor(instanceId: string, gate: ProcessGate): LeaseManager {
    const held = new Map<string, { token: number; controller: AbortController; timer?: ReturnType<typeof setTimeout> }>();
    const call = <T>(work: () => T, extraMs = 0): Promise<T> =>
      gate.through(async () => (await sleep(this.faults.latency() + extraMs), work()));
    const drop = (key: string) => {
      const entry = held.get(key);
      if (entry?.timer) clearTimeout(entry.timer);
      held.delete(key);
      return entry;
    };
    const extendLater = (key: string, token: number) => {
      const entry = held.get(key);
      if (!entry) return;
      entry.timer = setTimeout(async () => {
        if (held.get(key)?.token !== token) return;
        const outcome = this.faults.extensionOutcome();
        const extended = await call(() => {
          const live = this.live(key);
          if (outcome === 'drop' || live?.token !== token) return false;
          live.expiresAt = Date.now() + this.ttlMs;
          return true;
        }, outcome === 'delay' ? this.ttlMs / 2 : 0);
        if (held.get(key)?.token !== token) return;
        if (extended) return extendLater(key, token);
        drop(key)?.controller.abort(new Error(`lease ${key} lost`));
      }, Math.floor(this.ttlMs / 3));
    };
    return {
      acquire: async (key) => {
        if (held.has(key)) return null;
        const token = await call(() => {
          if (this.live(key)) return null;
          const entry = { owner: instanceId, token: ++this.tokens, expiresAt: Date.now() + this.ttlMs };
          this.entries.set(key, entry);
          return entry.token;
        });
        if (token === null) return null;
        const controller = new AbortController();
        held.set(key, { token, controller });
        extendLater(key, token);
        const lease: Lease = {
          signal: controller.signal,
          release: async () => {
            if (held.get(key)?.token !== token) return;
            drop(key);
            await call(() => {
              if (this.entries.get(key)?.token === token) this.entries.delete(key);
            });
          },
        };
        return lease;
      },
      ownerOf: async (key) => (held.has(key) ? instanceId : call(() => this.live(key)?.owner ?? null)),
      close: async () => {
        for (const key of [...held.keys()]) drop(key)?.controller.abort(new Error('shutting down'));
      },
    };
  }
}
