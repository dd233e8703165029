#!/usr/bin/env node
/**
 * Mutation testing per layer (README "Testing"; configuration in stryker.config.mjs).
 *
 *   node scripts/mutation.mjs                 every layer: domain, actors, http, app
 *   node scripts/mutation.mjs domain http     those layers
 *   node scripts/mutation.mjs --changed       only the layers whose inputs changed since their committed report
 *   node scripts/mutation.mjs --changed --dry say which layers would run, and why, without running them
 *   node scripts/mutation.mjs --changed --baselined   only the layers that have a committed report (CI)
 *   node scripts/mutation.mjs --record domain record the inputs of a layer after running `npx stryker run` by hand
 *
 * Each run is incremental against reports/mutation/<layer>.json, so only mutants whose code or tests changed are
 * tested again. Stryker's own diff covers the mutated files and the test files; it does not see test helpers, the
 * source the tests load from other layers, or the configuration. So after each passing run this script records a
 * hash of every input of the layer (the mutated files, the test files, the configuration and everything they import,
 * followed through relative imports) in reports/mutation/<layer>.inputs.json: `--changed` compares against it, and
 * when an input that Stryker does not diff changed it forces a full run of that layer. Exits non-zero when a layer
 * falls below its `break` threshold.
 * MUTATION_CONCURRENCY (default 2) sets Stryker's concurrency.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layers } from '../stryker.config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'reports', 'mutation');
/** Configuration every layer's run depends on. */
const configInputs = ['stryker.config.mjs', 'jest.config.js', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Tracked and untracked (not ignored) files of the work tree, as repository-relative paths. */
function workTreeFiles() {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (git.status !== 0) throw new Error(`git ls-files failed: ${git.stderr}`);
  return git.stdout.split('\n').filter((f) => f && existsSync(join(root, f)));
}

/** 'src/domain/**\/*.ts' -> a RegExp over repository-relative paths. */
function globToRegExp(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}$`);
}

/** Relative imports that load code (not `import type`), as repository-relative paths of files that exist. */
function importsOf(file, known) {
  const text = readFileSync(join(root, file), 'utf8');
  const found = [];
  const loads = /(?:^|\n)\s*(?:import|export)(\s+type\b)?[^;'"]*?(?:from\s*)?'(\.{1,2}\/[^']+)'|(?:import|require)\(\s*'(\.{1,2}\/[^']+)'/g;
  for (const m of text.matchAll(loads)) {
    if (m[1]) continue;
    const base = join(dirname(file), m[2] ?? m[3]);
    const hit = [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts')].find((f) => known.has(f));
    if (hit) found.push(hit);
  }
  return found;
}

/**
 * Every file a layer's run depends on, with its hash: the mutated files, the layer's test files, the configuration,
 * and every module those load (shared test helpers, other layers' source), followed through relative imports.
 */
function inputsOf(layer, files) {
  const known = new Set(files);
  const mutated = layer.mutate.map(globToRegExp);
  const prefixes = layer.tests.map((dir) => `${dir.replace(/\/$/, '')}/`);
  const inputs = new Set(files.filter((f) => mutated.some((re) => re.test(f)) || prefixes.some((p) => f.startsWith(p)) || configInputs.includes(f)));
  // A Set visits what is added while it is iterated: this walks the imports to the end.
  for (const f of inputs) if (/\.[cm]?[jt]s$/.test(f)) importsOf(f, known).forEach((dep) => inputs.add(dep));
  const hashes = {};
  for (const f of [...inputs].sort()) hashes[f] = createHash('sha256').update(readFileSync(join(root, f))).digest('hex');
  return hashes;
}

/** Stryker's incremental diff sees the mutated files and the files that hold tests; any other input needs a full run. */
function strykerSees(layer, file) {
  if (layer.mutate.map(globToRegExp).some((re) => re.test(file))) return true;
  return layer.tests.some((dir) => file.startsWith(`${dir.replace(/\/$/, '')}/`)) && /\.test\.ts$/.test(file);
}

/** Why the layer must run again ('' when nothing changed), and whether Stryker's incremental diff would miss it. */
function changeOf(name, layer, current) {
  const file = join(reportDir, `${name}.inputs.json`);
  if (!existsSync(file) || !existsSync(join(reportDir, `${name}.json`))) return { reason: 'no committed report', force: false };
  const recorded = JSON.parse(readFileSync(file, 'utf8')).files;
  const changed = [...new Set([...Object.keys(recorded), ...Object.keys(current)])].filter((f) => recorded[f] !== current[f]);
  if (changed.length === 0) return { reason: '', force: false };
  const force = changed.some((f) => !strykerSees(layer, f));
  return { reason: `changed: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', ...' : ''}`, force };
}

function writeInputs(name, files) {
  mkdirSync(reportDir, { recursive: true });
  const recorded = { note: `inputs of the last passing run of layer ${name}, for scripts/mutation.mjs --changed`, files };
  writeFileSync(join(reportDir, `${name}.inputs.json`), `${JSON.stringify(recorded, null, 2)}\n`);
}

const args = process.argv.slice(2);
const onlyChanged = args.includes('--changed');
const dry = args.includes('--dry');
const recordOnly = args.includes('--record');
/** CI: a layer with no committed report yet would need a full run (an hour for the domain on 2 cores): left out, said. */
const baselinedOnly = args.includes('--baselined');
const asked = args.filter((a) => !a.startsWith('--'));
const unknown = asked.filter((a) => !(a in layers));
if (unknown.length > 0) {
  console.error(`unknown layer(s) ${unknown.join(', ')}; layers: ${Object.keys(layers).join(', ')}`);
  process.exit(2);
}

const files = workTreeFiles();
const results = [];
for (const name of asked.length > 0 ? asked : Object.keys(layers)) {
  const inputs = inputsOf(layers[name], files);
  const change = changeOf(name, layers[name], inputs);
  if (baselinedOnly && change.reason === 'no committed report') {
    console.log(`\n== mutation: ${name}: no committed report yet, skipped (run npm run test:mutation -- ${name}, commit reports/mutation)`);
    continue;
  }
  if (onlyChanged && change.reason === '') {
    console.log(`\n== mutation: ${name}: unchanged since its committed report, skipped`);
    continue;
  }
  if (recordOnly) {
    writeInputs(name, inputs);
    console.log(`recorded the inputs of ${name}`);
    continue;
  }
  const force = onlyChanged && change.force;
  console.log(`\n== mutation: ${name}${change.reason ? ` (${change.reason})` : ''}${force ? ', full run' : ''}`);
  if (dry) continue;
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', ...(force ? ['--force'] : [])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_LAYER: name },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ name, ok: run.status === 0, seconds });
  if (run.status === 0) writeInputs(name, inputs);
}

console.log('\n== mutation summary');
for (const r of results) console.log(`${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(7)} ${Math.floor(r.seconds / 60)} min ${r.seconds % 60} s`);
if (results.length === 0 && !recordOnly) console.log('nothing to run');
console.log(`reports: ${relative(process.cwd(), reportDir) || '.'}/<layer>.html`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
