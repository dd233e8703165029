import type { SessionReply, SessionRequest } from '../actors/protocol';
import { SessionOwnedElsewhereError, type SessionRegistry } from '../actors/session-registry';
import type { LeaseManager, SessionRouter } from '../app/ports';
import { AppError, NotFoundError, ServiceUnavailableError } from '../errors';
import type { CallContext, CommandTransport, ForwardedAnswer, ForwardedCall } from './command-transport';

/** 421 Misdirected Request: the instance asked does not own the session (any more); route again. */
const MISDIRECTED = 421;
const ATTEMPTS = 6;
/** Between attempts: the new owner may have taken the lock but not yet written its name. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 20 * 2 ** attempt));

/**
 * Routes each session's requests to its single owner. The local actor serves it when this instance holds the
 * lease, or takes the lease when nobody does; otherwise the request is forwarded over Kafka to the owner named
 * in Redis, and its reply comes back the same way.
 */
export function createClusterRouter(params: {
  registry: SessionRegistry;
  leases: LeaseManager;
  transport: CommandTransport;
  instanceId: string;
}): SessionRouter & { handle(sessionId: string, call: ForwardedCall, context?: CallContext): Promise<ForwardedAnswer> } {
  const { registry, leases, transport, instanceId } = params;

  const runLocally = async (sessionId: string, call: ForwardedCall, context?: CallContext): Promise<ForwardedAnswer> =>
    call.kind === 'execute'
      ? { kind: 'reply', reply: await registry.execute(sessionId, call.request, context) }
      : { kind: 'availability', json: (await registry.availability(sessionId)).toString() };

  const route = async (sessionId: string, call: ForwardedCall): Promise<ForwardedAnswer> => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff(attempt);
      if (!registry.isActive(sessionId)) {
        let owner: string | null;
        try {
          owner = await leases.ownerOf(`session:${sessionId}`);
        } catch (error) {
          throw new ServiceUnavailableError('Redis is unavailable', error);
        }
        if (owner && owner !== instanceId) {
          const answer = await transport.call(owner, sessionId, call);
          if (answer.kind === 'problem' && answer.status === MISDIRECTED) continue;
          return answer;
        }
      }
      try {
        return await runLocally(sessionId, call);
      } catch (error) {
        if (error instanceof SessionOwnedElsewhereError) continue; // someone took it a moment ago
        throw error;
      }
    }
    throw new ServiceUnavailableError(`Session ${sessionId} is changing owner; retry`);
  };

  const unwrap = (answer: ForwardedAnswer): ForwardedAnswer => {
    if (answer.kind !== 'problem') return answer;
    if (answer.status === 404) throw new NotFoundError(answer.detail);
    throw new ServiceUnavailableError(answer.detail);
  };

  return {
    async execute(sessionId: string, request: SessionRequest): Promise<SessionReply> {
      const answer = unwrap(await route(sessionId, { kind: 'execute', request }));
      if (answer.kind !== 'reply') throw new ServiceUnavailableError('Unexpected answer from the session owner');
      return answer.reply;
    },
    /**
     * Served here, never forwarded and never taking ownership: from memory when this instance owns the session,
     * otherwise from its committed rows (what its owner would serve too: owners serve committed state only).
     */
    availability: (sessionId: string): Promise<Buffer> => registry.availability(sessionId),
    /** Runs a call forwarded to this instance: only here, never forwarded again. */
    async handle(sessionId, call, context) {
      try {
        return await runLocally(sessionId, call, context);
      } catch (error) {
        if (error instanceof SessionOwnedElsewhereError) {
          return { kind: 'problem', status: MISDIRECTED, detail: 'not the owner of this session' };
        }
        if (error instanceof AppError) return { kind: 'problem', status: error.status, detail: error.message };
        throw error;
      }
    },
  };
}
