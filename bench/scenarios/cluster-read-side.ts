/**
 * Scenarios 10-12, the read side of the cluster (README, "The read side" and "The cluster"): one three-instance
 * cluster serves the three of them in turn, so the instances start once.
 */
import type { Ctx } from '../lib/context';
import type { ScenarioResult } from '../lib/results';
import { startBenchCluster } from './cluster-instances';
import { clusterReads } from './s10-cluster-reads';
import { commandBytes } from './s11-command-bytes';
import { streamFanout } from './s12-stream-fanout';

export async function clusterReadSide(ctx: Ctx): Promise<ScenarioResult[]> {
  const cluster = await startBenchCluster(ctx, 'readside', 3);
  ctx.log(`s10-12 cluster of ${cluster.instances.length} ready (topic prefix ${cluster.prefix})`);
  try {
    const results: ScenarioResult[] = [];
    results.push(await clusterReads(ctx, cluster));
    results.push(await commandBytes(ctx, cluster));
    results.push(await streamFanout(ctx, cluster));
    return results;
  } finally {
    await cluster.stop();
  }
}
