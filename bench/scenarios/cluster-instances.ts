/**
 * Three (or N) instances of the service in cluster mode for the cluster scenarios: one scratch database, Redis
 * (REDIS_URL) and Kafka (KAFKA_BROKERS) with a random topic prefix, so nothing is shared with other users of the
 * broker. Topics and consumer groups of the prefix are deleted at the end of the run.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { SERVICE_ENV, type Ctx } from '../lib/context';
import { createScratchDb, type ScratchDb } from '../lib/pg';
import { onCleanup, startService, type Service } from '../lib/procs';

export interface BenchCluster {
  readonly prefix: string;
  readonly db: ScratchDb;
  readonly instances: Service[];
  stop(): Promise<void>;
}

/** Deletes the topics and consumer groups of `prefix` at the end of the run. */
export function deleteKafkaPrefixOnCleanup(prefix: string): void {
  onCleanup(`delete Kafka topics ${prefix}.*`, async () => {
    const kafka = new Kafka({ clientId: `${prefix}-cleanup`, brokers: (process.env.KAFKA_BROKERS as string).split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  });
}

/** The environment every instance of a bench cluster shares (each adds its own INSTANCE_ID). */
export async function clusterEnvironment(label: string, env: Record<string, string> = {}) {
  const db = await createScratchDb(label);
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  deleteKafkaPrefixOnCleanup(prefix);
  const common: Record<string, string> = {
    ...SERVICE_ENV,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL as string,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS as string,
    KAFKA_TOPIC_PREFIX: prefix,
    RESERVATION_TTL_SECONDS: '3600',
    ...env,
  };
  return { db, prefix, common, instanceId: (i: number) => `bench-${prefix}-i${i}` };
}

/** Starts `size` instances (in parallel), `bench-<prefix>-i1` … and waits until each is ready. */
export async function startBenchCluster(ctx: Ctx, label: string, size = 3, env: Record<string, string> = {}): Promise<BenchCluster> {
  const { db, prefix, common, instanceId } = await clusterEnvironment(label, env);
  const instances = await Promise.all(
    Array.from({ length: size }, (_, k) =>
      startService({
        name: `${label}-i${k + 1}`,
        script: ctx.serviceEntry,
        cwd: ctx.root,
        logDir: ctx.logDir,
        readyPath: '/health/ready',
        readyTimeoutMs: 180_000,
        env: { ...common, INSTANCE_ID: instanceId(k + 1) },
      }),
    ),
  );
  return { prefix, db, instances, stop: () => Promise.all(instances.map((s) => s.stop(5_000))).then(() => undefined) };
}
