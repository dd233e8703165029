import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { SessionReply, SessionRequest } from '../actors/protocol';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { AppliedCommandLog } from '../persistence/applied-command-log';
import type { DeadLetters } from './dead-letters';
import { CommandEnvelopeSchema, parseEnvelope, ReplyEnvelopeSchema, type CommandEnvelope } from './envelopes';
import type { Topics } from './kafka-client';
import { startResilientConsumer, type ResilientConsumer } from './resilient-consumer';

/** What one instance asks a session's owner to do. */
export type ForwardedCall = { readonly kind: 'execute'; readonly request: SessionRequest } | { readonly kind: 'availability' };

/** The owner's answer. `problem` carries an HTTP status for failures that are not the session's reply. */
export type ForwardedAnswer =
  | { readonly kind: 'reply'; readonly reply: SessionReply }
  | { readonly kind: 'availability'; readonly json: string }
  | { readonly kind: 'problem'; readonly status: number; readonly detail: string };

/** Who sent a forwarded call and until when it waits: the owner records the id with the change it makes. */
export interface CallContext {
  readonly commandId: string;
  readonly deadline: number;
}

export type CallHandler = (sessionId: string, call: ForwardedCall, context: CallContext) => Promise<ForwardedAnswer>;

export interface CommandTransport {
  /** Joins the topics; `handle` runs the commands addressed to this instance. Resolves once consuming. */
  start(handle: CallHandler): Promise<void>;
  /** Sends a call to `target` and waits for its answer; 503 when none comes in time. */
  call(target: string, sessionId: string, call: ForwardedCall): Promise<ForwardedAnswer>;
  stop(): Promise<void>;
}

const REMEMBERED = 10_000;

/** The consumer group of an instance's own commands and replies topics: one per INSTANCE_ID, stable across restarts. */
export const commandGroup = (topics: Topics, instanceId: string): string => topics.commandsFor(instanceId);

/** What a message weighs on the wire, roughly: key, value and headers. */
const messageBytes = (message: KafkaMessage): number =>
  (message.key?.length ?? 0) +
  (message.value?.length ?? 0) +
  Object.entries(message.headers ?? {}).reduce((n, [k, v]) => n + k.length + (Buffer.isBuffer(v) ? v.length : String(v ?? '').length), 0);

/**
 * Commands over Kafka, each read only by the instance it is for. A command goes on its owner's own topic
 * `<prefix>.commands.<owner>` keyed by session id (so one session's commands stay in order); the answer comes back on
 * the caller's own `<prefix>.replies.<caller>`. Each instance reads its two topics alone, in a consumer group named
 * after its stable INSTANCE_ID, so what an instance reads grows with its own share of the traffic, not with the
 * number of instances, and a restarted owner resumes its topic where its group committed (README, "The cluster").
 *
 * Exactly-once effect: a redelivered command (same id) gets the first answer again instead of running twice, from
 * memory or, after a restart, from the applied-command log written in the commit that made its change. A command
 * past its caller's deadline is dropped unrun (its caller has already been answered 503). A message that is not a
 * valid envelope, or one addressed to another instance, goes to the dead letters and the partition moves on.
 */
export function createKafkaCommandTransport(params: {
  kafka: Kafka;
  producer: Producer;
  topics: Topics;
  instanceId: string;
  timeoutMs: number;
  logger: Logger;
  metrics: Metrics;
  appliedCommands: AppliedCommandLog;
  deadLetters: DeadLetters;
  clock?: () => number;
}): CommandTransport {
  const { kafka, producer, topics, instanceId, logger, metrics, appliedCommands, deadLetters } = params;
  const clock = params.clock ?? Date.now;
  const waiting = new Map<string, { resolve: (a: ForwardedAnswer) => void; timer: NodeJS.Timeout }>();
  const answered = new Map<string, Promise<ForwardedAnswer>>();
  let consumer: ResilientConsumer | undefined;

  const remember = (commandId: string, answer: Promise<ForwardedAnswer>) => {
    answered.set(commandId, answer);
    if (answered.size > REMEMBERED) answered.delete(answered.keys().next().value as string);
  };

  /** The first answer of a command already applied, the refusal of a late one, or the answer of running it now. */
  const run = async (envelope: CommandEnvelope, handle: CallHandler): Promise<ForwardedAnswer> => {
    if (envelope.call.kind === 'execute') {
      const recorded = await appliedCommands.find(envelope.commandId);
      if (recorded) {
        metrics.commandsDropped.inc({ reason: 'already-applied' });
        return { kind: 'reply', reply: recorded };
      }
    }
    if (clock() > envelope.deadline) {
      metrics.commandsDropped.inc({ reason: 'past-deadline' });
      return { kind: 'problem', status: 503, detail: 'the command outlived its caller\'s deadline; not run' };
    }
    return handle(envelope.sessionId, envelope.call as ForwardedCall, { commandId: envelope.commandId, deadline: envelope.deadline });
  };

  const onCommand = (envelope: CommandEnvelope, handle: CallHandler) => {
    let answer = answered.get(envelope.commandId);
    if (!answer) {
      answer = run(envelope, handle).catch(
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
          topic: topics.repliesFor(envelope.from),
          acks: 1,
          messages: [{ key: envelope.sessionId, headers: { to: envelope.from }, value: JSON.stringify({ commandId: envelope.commandId, answer: a }) }],
        })
        .catch((error: unknown) => logger.warn('could not send a reply', { commandId: envelope.commandId, error: String(error) })),
    );
  };

  return {
    async start(handle) {
      const ownCommands = topics.commandsFor(instanceId);
      const ownReplies = topics.repliesFor(instanceId);
      const kindOf = (topic: string) => (topic === ownCommands ? 'commands' : 'replies');
      consumer = startResilientConsumer({
        kafka,
        logger,
        config: { groupId: commandGroup(topics, instanceId), sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 50 },
        topics: [ownCommands, ownReplies],
        // The group resumes where it committed; a partition it never committed on (none of its commands read yet)
        // starts at its beginning, so a command sent while this instance was down is not skipped.
        fromBeginning: true,
        partitionsConsumedConcurrently: 3,
        instrument: (c) =>
          c.on(c.events.REQUEST, ({ payload }) => {
            if (payload.apiName === 'Fetch') metrics.kafkaFetchBytes.inc({ consumer: 'commands' }, payload.size);
          }),
        eachMessage: async ({ topic, partition, message }) => {
          metrics.forwardedRead.inc({ kind: kindOf(topic) });
          metrics.forwardedReadBytes.inc({ kind: kindOf(topic) }, messageBytes(message));
          const to = message.headers?.to?.toString();
          if (to !== instanceId) {
            return deadLetters.send({ topic, partition, message, reason: 'invalid', detail: `addressed to ${to ?? 'nobody'}, read by ${instanceId}` });
          }
          if (topic === ownCommands) {
            const parsed = parseEnvelope(CommandEnvelopeSchema, message.value);
            if (!parsed.ok) return deadLetters.send({ topic, partition, message, reason: parsed.reason, detail: parsed.detail });
            onCommand(parsed.envelope, handle);
          } else {
            const parsed = parseEnvelope(ReplyEnvelopeSchema, message.value);
            if (!parsed.ok) return deadLetters.send({ topic, partition, message, reason: parsed.reason, detail: parsed.detail });
            const reply = parsed.envelope;
            const w = waiting.get(reply.commandId);
            if (w) {
              clearTimeout(w.timer);
              waiting.delete(reply.commandId);
              w.resolve(reply.answer as ForwardedAnswer);
            }
          }
        },
      });
      await consumer.joined;
    },

    async call(target, sessionId, call) {
      const envelope: CommandEnvelope = {
        commandId: randomUUID(),
        from: instanceId,
        to: target,
        sessionId,
        deadline: clock() + params.timeoutMs,
        call,
      };
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
          topic: topics.commandsFor(target),
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
