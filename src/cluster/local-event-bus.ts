import { EventEmitter } from 'node:events';
import type { EventPublisher, PublishedEvent } from '../app/event-publisher';
import type { Logger } from '../logger';

/** Single-instance event publisher: each committed event goes to the log and to in-process subscribers. */
export interface LocalEventBus extends EventPublisher {
  subscribe(listener: (event: PublishedEvent) => void): () => void;
}

export function createLocalEventBus(params: { logger: Logger }): LocalEventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(events) {
      for (const event of events) {
        params.logger.info('domain event', { event: event.payload });
        emitter.emit('event', event);
      }
    },
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
  };
}
