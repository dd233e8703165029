import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { SessionReply, SessionRequest } from '../actors/protocol';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Topics } from './kafka-client';
import { startResilientConsumer, type ResilientConsumer } from './resilient-consumer';

/** What one instance asks a session's owner to do. */
export type ForwardedCall = { readonly kind: 'execute'; readonly request: SessionRequest } | { readonly kind: 'availability' };

/** The owner's answer. `problem` carries an HTTP status for failures that are not the session's reply. */
export type ForwardedAnswer =
  | { readonly kind: 'reply'; readonly reply: SessionReply }
  | { readonly kind: 'availability'; readonly json: string }
  | { readonly kind: 'problem'; readonly status: number; readonly detail: string };

interface CommandEnvelope {
  readonly commandId: string;
  readonly from: string;
  readonly to: string;
  readonly sessionId: string;
  readonly call: ForwardedCall;
}

interface ReplyEnvelope {
  readonly commandId: string;
  readonly answer: ForwardedAnswer;
}

export interface CommandTransport {
  /** Joins the topics; `handle` runs the commands addressed to this instance. Resolves once consuming. */
  start(handle: (sessionId: string, call: ForwardedCall) => Promise<ForwardedAnswer>): Promise<void>;
  /** Sends a call to `target` and waits for its answer; 503 when none comes in time. */
  call(target: string, sessionId: string, call: ForwardedCall): Promise<ForwardedAnswer>;
  stop(): Promise<void>;
}

const REMEMBERED = 10_000;

/**
 * Commands over Kafka. A command goes on the commands topic keyed by session id (so one session's commands stay
 * in order) and addressed to the owner in a header; the answer comes back on the replies topic. Every instance
 * reads both topics with a consumer group of its own and skips what is not addressed to it. A redelivered command
 * (same id) gets the first answer again instead of running twice.
 */
export function createKafkaCommandTransport(params: {
  kafka: Kafka;
  producer: Producer;
  topics: Topics;
  instanceId: string;
  timeoutMs: number;
  logger: Logger;
  metrics: Metrics;
}): CommandTransport {
  const { kafka, producer, topics, instanceId, logger, metrics } = params;
  const waiting = new Map<string, { resolve: (a: ForwardedAnswer) => void; timer: NodeJS.Timeout }>();
  const answered = new Map<string, Promise<ForwardedAnswer>>();
  let consumer: ResilientConsumer | undefined;

  const remember = (commandId: string, answer: Promise<ForwardedAnswer>) => {
    answered.set(commandId, answer);
    if (answered.size > REMEMBERED) answered.delete(answered.keys().next().value as string);
  };

  const onCommand = (envelope: CommandEnvelope, handle: (s: string, c: ForwardedCall) => Promise<ForwardedAnswer>) => {
    let answer = answered.get(envelope.commandId);
    if (!answer) {
      answer = handle(envelope.sessionId, envelope.call).catch(
        (error: unknown): ForwardedAnswer => ({
          kind: 'problem',
          status: typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 503,
          detail: error instanceof Error ? error.message : String(error),
        }),
      );
      remember(envelope.commandId, answer);
    }
    void answer.then((a) =>
      producer
        .send({
          topic: topics.replies,
          acks: 1,
          messages: [{ key: envelope.from, headers: { to: envelope.from }, value: JSON.stringify({ commandId: envelope.commandId, answer: a }) }],
        })
        .catch((error: unknown) => logger.warn('could not send a reply', { commandId: envelope.commandId, error: String(error) })),
    );
  };

  return {
    async start(handle) {
      consumer = startResilientConsumer({
        kafka,
        logger,
        config: { groupId: `${topics.commands}.${instanceId}`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 50 },
        topics: [topics.commands, topics.replies],
        fromBeginning: false,
        partitionsConsumedConcurrently: 3,
        eachMessage: async ({ topic, message }) => {
          if (message.headers?.to?.toString() !== instanceId || !message.value) return;
          if (topic === topics.commands) {
            onCommand(JSON.parse(message.value.toString()) as CommandEnvelope, handle);
          } else {
            const reply = JSON.parse(message.value.toString()) as ReplyEnvelope;
            const w = waiting.get(reply.commandId);
            if (w) {
              clearTimeout(w.timer);
              waiting.delete(reply.commandId);
              w.resolve(reply.answer);
            }
          }
        },
      });
      await consumer.joined;
    },

    async call(target, sessionId, call) {
      const envelope: CommandEnvelope = { commandId: randomUUID(), from: instanceId, to: target, sessionId, call };
      const answer = new Promise<ForwardedAnswer>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelope.commandId);
          metrics.forwardedCommands.inc({ outcome: 'timeout' });
          reject(new ServiceUnavailableError(`The owner of session ${sessionId} did not answer in time`));
        }, params.timeoutMs);
        waiting.set(envelope.commandId, { resolve, timer });
      });
      // Whichever comes first answers the caller: the owner's reply, the timeout, or the send failing. A send
      // still retrying when the timeout fires must not hold the caller past COMMAND_TIMEOUT_MS.
      const sent = producer
        .send({
          topic: topics.commands,
          acks: 1,
          messages: [{ key: sessionId, headers: { to: target, from: instanceId }, value: JSON.stringify(envelope) }],
        })
        .catch((error: unknown) => {
          const w = waiting.get(envelope.commandId);
          if (w) clearTimeout(w.timer);
          waiting.delete(envelope.commandId);
          metrics.forwardedCommands.inc({ outcome: 'send-failed' });
          throw new ServiceUnavailableError('Kafka is unavailable', error);
        });
      answer.catch(() => undefined);
      sent.catch(() => undefined);
      const result = await Promise.race([answer, sent.then(() => answer)]);
      metrics.forwardedCommands.inc({ outcome: 'answered' });
      return result;
    },

    async stop() {
      await consumer?.stop();
      for (const [id, w] of waiting) {
        clearTimeout(w.timer);
        w.resolve({ kind: 'problem', status: 503, detail: 'instance shutting down' });
        waiting.delete(id);
      }
    },
  };
}
