import { ServiceUnavailableError } from '../errors';
import type { Metrics } from '../metrics';

/** The open streams of one instance, capped: past the cap a new one is refused with 503 and Retry-After. */
export interface StreamSlots {
  /** A slot for one stream, or ServiceUnavailableError when every slot is taken. `end` is called by closeAll. */
  take(end: () => void): { release(): void };
  readonly open: number;
  /** Ends every open stream (shutdown): their clients reconnect to another instance. */
  closeAll(): void;
}

export function createStreamSlots(params: { max: number; metrics: Metrics }): StreamSlots {
  const open = new Set<() => void>();
  return {
    take(end) {
      if (open.size >= params.max) {
        throw new ServiceUnavailableError(`This instance serves ${params.max} streams already; retry later or elsewhere`, undefined, 5);
      }
      const entry = () => end();
      open.add(entry);
      params.metrics.streamsOpen.set(open.size);
      return {
        release() {
          if (open.delete(entry)) params.metrics.streamsOpen.set(open.size);
        },
      };
    },
    get open() {
      return open.size;
    },
    closeAll() {
      for (const end of [...open]) end();
    },
  };
}
