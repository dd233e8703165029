import type { Kafka } from 'kafkajs';
import type { FaultPlan } from './faults';
import type { ProcessGate } from './process-gate';

interface Message {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
  readonly offset: string;
}
type EachMessage = (payload: { topic: string; partition: number; message: Message }) => Promise<void>;

const PARTITIONS = 3;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** An instance's own commands topic, `<prefix>.commands.<instance id>` (src/cluster/kafka-client.ts). */
const isCommandsTopic = (topic: string) => topic.includes('.commands.');
const partitionOf = (key: string) => [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % PARTITIONS;

/**
 * The message bus of the simulation, with Kafka's guarantees and no more: a topic's partitions keep their order
 * (messages keyed alike stay in order), a send may land twice (a producer retry), a consumer group resumes from the offset it last committed, and offsets
 * are committed lazily, so a restarted consumer, or one whose partition is rewound (a rebalance), sees again what
 * it had seen after its last commit. Deliveries can be delayed. Enough of the kafkajs client for the real command
 * transport (src/cluster/command-transport.ts) and dead letters to run on it.
 */
export class SimBus {
  private readonly logs = new Map<string, Message[][]>();
  private readonly committed = new Map<string, number>();
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly faults: FaultPlan,
    private readonly onDeliver: (text: string) => void,
    /** Known bug 'redelivery-revival': commands travel as before the fix, without a deadline the owner keeps to. */
    private readonly undated = false,
  ) {}

  private log(topic: string): Message[][] {
    let partitions = this.logs.get(topic);
    if (!partitions) this.logs.set(topic, (partitions = Array.from({ length: PARTITIONS }, () => [])));
    return partitions;
  }

  private append(topic: string, key: string, value: string | Buffer, headers: Record<string, string>): void {
    const partition = this.log(topic)[partitionOf(key)];
    if (this.undated && isCommandsTopic(topic)) value = JSON.stringify({ ...JSON.parse(value.toString()), deadline: Date.now() + 60_000 });
    partition.push({ key, value: Buffer.from(value), headers, offset: String(partition.length) });
    for (const wake of [...this.wakers]) wake();
  }

  /** The kafkajs client as one process sees the bus. */
  clientFor(gate: ProcessGate): Kafka {
    const bus = this;
    const producer = () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      async send(record: { topic: string; messages: { key?: string; value: string | Buffer; headers?: Record<string, string> }[] }) {
        await gate.through(async () => {
          await sleep(bus.faults.latency());
          for (const m of record.messages) {
            bus.append(record.topic, m.key ?? '', m.value, m.headers ?? {});
            if (bus.faults.duplicate()) bus.append(record.topic, m.key ?? '', m.value, m.headers ?? {});
          }
        });
        return [];
      },
    });
    const consumer = (config: { groupId: string }) => {
      let running = false;
      let topics: string[] = [];
      let fromBeginning = false;
      const joinListeners: (() => void)[] = [];
      const pump = async (topic: string, partition: number, eachMessage: EachMessage) => {
        const key = `${config.groupId}/${topic}/${partition}`;
        let position = bus.committed.get(key) ?? (fromBeginning ? 0 : bus.log(topic)[partition].length);
        bus.committed.set(key, position);
        while (running) {
          const log = bus.log(topic)[partition];
          if (position >= log.length) {
            await new Promise<void>((resolve) => {
              const wake = () => (bus.wakers.delete(wake), resolve());
              bus.wakers.add(wake);
            });
            continue;
          }
          await sleep(bus.faults.busDelay());
          await gate.pass();
          if (!running) return;
          const message = log[position];
          bus.onDeliver(`deliver ${topic}[${partition}]@${position} to ${config.groupId}`);
          await eachMessage({ topic, partition, message });
          position += 1;
          if (bus.faults.rewind()) {
            position = bus.committed.get(key) ?? 0;
            bus.onDeliver(`rewind ${topic}[${partition}] of ${config.groupId} to @${position}`);
          } else if (bus.faults.latency() <= 3) {
            bus.committed.set(key, position);
          }
        }
      };
      return {
        events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
        on(event: string, listener: () => void) {
          if (event === 'consumer.group_join') joinListeners.push(listener);
        },
        connect: () => gate.pass(),
        async subscribe(subscription: { topics: string[]; fromBeginning?: boolean }) {
          topics = subscription.topics;
          fromBeginning = subscription.fromBeginning ?? false;
        },
        async run({ eachMessage }: { eachMessage: EachMessage }) {
          running = true;
          for (const topic of topics) for (let p = 0; p < PARTITIONS; p++) void pump(topic, p, eachMessage);
          for (const listener of joinListeners) listener();
        },
        async disconnect() {
          running = false;
        },
      };
    };
    return { producer, consumer } as unknown as Kafka;
  }
}
