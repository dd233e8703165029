import type { Lease, LeaseManager } from '../app/ports';

/** Single-instance leases: held in memory, never lost. Same port as the Redlock leases of the cluster. */
export function createLocalLeaseManager(params: { instanceId: string; onChange?: (held: number) => void }): LeaseManager {
  const held = new Map<string, AbortController>();
  return {
    async acquire(key) {
      if (held.has(key)) return null;
      const controller = new AbortController();
      held.set(key, controller);
      params.onChange?.(held.size);
      return {
        signal: controller.signal,
        async release() {
          if (held.get(key) === controller) {
            held.delete(key);
            params.onChange?.(held.size);
          }
        },
      } satisfies Lease;
    },
    async ownerOf(key) {
      return held.has(key) ? params.instanceId : null;
    },
    async close() {
      for (const controller of held.values()) controller.abort();
      held.clear();
      params.onChange?.(0);
    },
  };
}
