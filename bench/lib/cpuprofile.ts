import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  readonly file: string;
  /** True when only the samples of the measured phase were kept. */
  readonly windowed: boolean;
  readonly totalMs: number;
  /** Wall time not idle (everything but "(idle)"). */
  readonly busyMs: number;
  /** Self time per function, highest first, as a share of busy time. */
  readonly topFunctions: { name: string; where: string; selfMs: number; pct: number }[];
  /** Self time per area: the service's src/ by folder, each npm package, node internals, GC, program. */
  readonly byArea: { area: string; selfMs: number; pct: number }[];
  /** Inclusive time of the service's own functions (src/), highest first. */
  readonly topInclusiveSrc: { name: string; where: string; totalMs: number; pct: number }[];
}

/**
 * A frame's file path with the bench's copy of src/ (a temporary directory named bench-src-*) mapped back onto
 * the repository's src/.
 */
function norm(url: string, root: string): string {
  const u = url.replace(/^file:\/\//, '');
  const m = /\/bench-src-[^/]+\/(src\/.*)$/.exec(u);
  return m ? `${root}/${m[1]}` : u;
}

function where(url: string, line: number, root: string): string {
  if (!url) return '';
  let u = norm(url, root);
  if (u.startsWith(root)) u = u.slice(root.length + 1);
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) u = u.slice(nm + 'node_modules/'.length);
  // tsx compiles each src/ module onto one line: the line number says nothing there.
  if (u.startsWith('src/')) return u;
  return `${u}:${line + 1}`;
}

function area(url: string, fn: string, root: string): string {
  if (!url) {
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(program)') return '(program: native, not attributed)';
    if (fn === '(idle)') return '(idle)';
    return `native ${fn || '(anonymous)'}`;
  }
  const u = norm(url, root);
  if (u.startsWith('wasm://')) return 'WebAssembly';
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return `npm ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (u.startsWith('node:')) return 'node core';
  const rel = u.startsWith(root) ? u.slice(root.length + 1) : u;
  if (rel.startsWith('src/')) return `service ${rel.split('/').slice(0, 2).join('/')}`;
  return rel;
}

/**
 * Summarizes the main thread's .cpuprofile in `dir` (written by node --cpu-prof at exit). tsx's module loader runs
 * on a worker thread that writes a profile of its own; the main thread's is the biggest one.
 */
export function summarizeProfileDir(
  dir: string,
  root: string,
  window?: { fromUs: number; toUs: number },
  top = 20,
): ProfileSummary | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .sort((a, b) => b.size - a.size);
  if (files.length === 0) return undefined;
  const file = join(dir, files[0].f);
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample times are CLOCK_MONOTONIC microseconds, the clock of process.hrtime() in the bench process too, so the
  // measured phase can be cut out of the whole profile (start-up and module loading left out).
  const selfUs = new Map<number, number>();
  let at = p.startTime;
  let inWindow = 0;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    inWindow++;
    const dt = p.timeDeltas[i + 1] ?? 0; // the delta after a sample belongs to it
    selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + dt);
  }
  if (window && inWindow === 0) return summarizeProfileDir(dir, root, undefined, top);
  let total = 0;
  let idle = 0;
  const fnSelf = new Map<string, { name: string; where: string; us: number }>();
  const areaSelf = new Map<string, number>();
  const inclusive = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id) as ProfileNode;
    const { functionName, url, lineNumber } = n.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const w = where(url, lineNumber, root);
    const key = `${name}@${w}`;
    const e = fnSelf.get(key) ?? { name, where: w, us: 0 };
    e.us += us;
    fnSelf.set(key, e);
    const a = area(url, functionName, root);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + us);
    // Inclusive time of src/ functions: walk up the stack once per distinct frame.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = (byId.get(cur) as ProfileNode).callFrame;
      const u = norm(f.url, root);
      if (!u.startsWith(`${root}/src/`)) continue;
      const k = `${f.functionName || '(anonymous)'}@${where(f.url, f.lineNumber, root)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const inc = inclusive.get(k) ?? { name: f.functionName || '(anonymous)', where: where(f.url, f.lineNumber, root), us: 0 };
      inc.us += us;
      inclusive.set(k, inc);
    }
  }
  const busy = total - idle;
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, busy)) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    windowed: window !== undefined,
    totalMs: ms(total),
    busyMs: ms(busy),
    topFunctions: [...fnSelf.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: ms(e.us), pct: pct(e.us) })),
    byArea: [...areaSelf.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([a, us]) => ({ area: a, selfMs: ms(us), pct: pct(us) })),
    topInclusiveSrc: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 15)
      .map((e) => ({ name: e.name, where: e.where, totalMs: ms(e.us), pct: pct(e.us) })),
  };
}
