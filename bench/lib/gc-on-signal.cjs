'use strict';
/**
 * Preloaded into the service by scenario 5 only (node --expose-gc --require ./bench/lib/gc-on-signal.cjs): on
 * SIGUSR2 it runs a full garbage collection and writes the heap and RSS before and after to $BENCH_GC_FILE, so
 * the bench can tell memory still referenced (a leak) from garbage not yet collected.
 */
const { writeFileSync } = require('node:fs');

process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  if (typeof global.gc === 'function') global.gc();
  const after = process.memoryUsage();
  if (process.env.BENCH_GC_FILE) {
    writeFileSync(
      process.env.BENCH_GC_FILE,
      JSON.stringify({ at: Date.now(), heapUsedBefore: before.heapUsed, heapUsedAfter: after.heapUsed, rssAfter: after.rss }),
    );
  }
});
