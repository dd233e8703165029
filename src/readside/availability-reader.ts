import { SessionOwnedElsewhereError, type SessionRegistry } from '../actors/session-registry';
import type { AvailabilityReader } from '../app/ports';
import type { ReadModel } from './read-model';

/**
 * Answers every availability read on this instance: from the session's actor when this instance owns it, from the
 * read model otherwise (cluster). On one instance (no read model) the registry answers: from the actor when the
 * session is active, else from the committed rows (a read never activates a session).
 */
export function createAvailabilityReader(params: { registry: SessionRegistry; readModel?: ReadModel }): AvailabilityReader {
  const { registry, readModel } = params;
  return {
    async read(sessionId) {
      if (!readModel) return registry.seatMap(sessionId);
      if (!registry.isActive(sessionId)) return readModel.read(sessionId);
      try {
        return await registry.seatMap(sessionId);
      } catch (error) {
        if (error instanceof SessionOwnedElsewhereError) return readModel.read(sessionId); // passivated a moment ago
        throw error;
      }
    },
  };
}
